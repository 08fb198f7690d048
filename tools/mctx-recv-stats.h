/* mctx-recv-stats.h: mctx-recv's datagram accounting, bounded whatever
 * arrives
 *
 * Private to the tools (mctx-recv and its fuzz target). Datagrams go in
 * with their sender; what comes out are counts per stream and in total.
 * The state has fixed limits: at most max_streams streams (the least
 * recently active one is evicted for a new one, its counts kept in the
 * totals), and per stamped stream a window of remembered sequence numbers
 * that grows with the datagrams it received, up to MCTX_RECV_WINDOW.
 * Histograms are kept for all streams together, in fixed buckets.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#include <sys/socket.h>

#include <glib.h>

G_BEGIN_DECLS

/* How far a sequence number may jump from the highest one seen, either
 * way, and still belong to the stream; also the most sequence numbers a
 * stream remembers (8 KiB). */
#define MCTX_RECV_WINDOW 65536
/* A stream remembers at least this many sequence numbers, and 64 more
 * for each datagram it received (up to MCTX_RECV_WINDOW). */
#define MCTX_RECV_MIN_MEMORY 1024
/* A one-way delay further from 0 than this is not believed: the send time
 * is counted as implausible and left out of delay and jitter. */
#define MCTX_RECV_MAX_TRANSIT_NS (G_GINT64_CONSTANT (60) * 1000000000)
/* Streams tracked at once unless --max-streams says otherwise. */
#define MCTX_RECV_DEFAULT_MAX_STREAMS 4096
#define MCTX_RECV_MAX_MAX_STREAMS 1000000

/* What a datagram's header may be: mctx's stamp (MctxStamp), iperf 2's
 * UDP datagram header (doc/tools.md), or either. */
typedef enum {
  MCTX_RECV_FORMAT_AUTO,
  MCTX_RECV_FORMAT_MCTX,
  MCTX_RECV_FORMAT_IPERF2,
} MctxRecvFormat;

/* The header a stream's datagrams carry. */
typedef enum {
  MCTX_RECV_STAMP_NONE,
  MCTX_RECV_STAMP_MCTX,
  MCTX_RECV_STAMP_IPERF2,
} MctxRecvStampKind;

/* Log-scale histograms in microseconds: bucket 0 holds [0, 1), then each
 * power of two from 1 µs to 2^MCTX_RECV_HIST_OCTAVES µs (about 19 hours)
 * is cut into MCTX_RECV_HIST_SUB buckets of equal width (12.5 % of their
 * lower bound at most), and the last bucket holds everything above. */
#define MCTX_RECV_HIST_SUB 8
#define MCTX_RECV_HIST_OCTAVES 36
#define MCTX_RECV_HIST_BUCKETS (1 + MCTX_RECV_HIST_SUB * MCTX_RECV_HIST_OCTAVES + 1)

typedef struct {
  guint64 count;             /* values, the negative ones included */
  guint64 negative;          /* below 0: in no bucket */
  double min_us;             /* exact; meaningful when count > 0 */
  double max_us;
  guint64 buckets[MCTX_RECV_HIST_BUCKETS];
} MctxRecvHistogram;

typedef struct {
  MctxRecvHistogram delay;   /* one-way delay of each datagram with a send time */
  MctxRecvHistogram jitter;  /* |D(i-1, i)| of RFC 3550: the transit difference
                              * from the stream's previous timed datagram */
  MctxRecvHistogram gap;     /* arrival since the stream's previous datagram */
} MctxRecvHistograms;

/* The spans histograms are kept for: since the start, and two that start
 * again each time they are taken (mctx-recv's intervals and its metrics
 * samples). */
typedef enum {
  MCTX_RECV_SPAN_TOTAL,
  MCTX_RECV_SPAN_INTERVAL,
  MCTX_RECV_SPAN_SAMPLE,
  MCTX_RECV_N_SPANS,
} MctxRecvSpan;

typedef struct {
  guint64 received;          /* every datagram, repeats included */
  guint64 bytes;
  guint64 unique;            /* stamped, counted once, inside the window */
  guint64 lost;
  guint64 duplicated;
  guint64 reordered;
  guint64 out_of_window;     /* stamped, too far from the stream's window */
  guint64 restarts;          /* the stream began again elsewhere */
  guint64 implausible_times; /* send times more than a minute off */
  guint64 evicted_streams;   /* totals only */
  guint64 delay_count;       /* datagrams in delay_sum_us */
  double delay_sum_us;
  double jitter_us;          /* RFC 3550 §6.4.1; the largest, in totals */
} MctxRecvCounts;

typedef struct _MctxRecvStats MctxRecvStats;

typedef void (*MctxRecvStreamFunc) (const char           *sender,
                                    MctxRecvStampKind     kind,
                                    guint32               stream_id,
                                    const MctxRecvCounts *counts,
                                    gpointer              user_data);

MctxRecvStats *mctx_recv_stats_new         (guint                max_streams);
void           mctx_recv_stats_free        (MctxRecvStats       *stats);
/* Which headers to read; MCTX_RECV_FORMAT_AUTO unless set. */
void           mctx_recv_stats_set_format  (MctxRecvStats       *stats,
                                            MctxRecvFormat       format);
/* One datagram of @size bytes from @from, which arrived at @arrival_ns
 * (CLOCK_REALTIME); stamped or not, any content. */
void           mctx_recv_stats_add         (MctxRecvStats       *stats,
                                            const struct sockaddr *from,
                                            gsize                from_len,
                                            const guint8        *data,
                                            gsize                size,
                                            gint64               arrival_ns);
/* Every stream's counts, the evicted ones' included. */
void           mctx_recv_stats_get_totals  (MctxRecvStats       *stats,
                                            MctxRecvCounts      *totals);
guint          mctx_recv_stats_get_n_streams (MctxRecvStats     *stats);
/* The tracked streams, least recently active first. */
void           mctx_recv_stats_foreach     (MctxRecvStats       *stats,
                                            MctxRecvStreamFunc   func,
                                            gpointer             user_data);
/* Copies the histograms of @span into @histograms; any span but the total
 * then starts again. */
void           mctx_recv_stats_take_histograms (MctxRecvStats    *stats,
                                                MctxRecvSpan      span,
                                                MctxRecvHistograms *histograms);
/* The value below which @fraction of the values lie, in microseconds: the
 * upper bound of the bucket holding that rank, never above the maximum.
 * FALSE when there is none, or the rank falls among the negative values. */
gboolean       mctx_recv_histogram_percentile (const MctxRecvHistogram *histogram,
                                               double                   fraction,
                                               double                  *value_us);
/* Bucket @index covers [lower, upper) µs; the last one's upper is
 * infinite. */
double         mctx_recv_histogram_lower   (guint                index);
double         mctx_recv_histogram_upper   (guint                index);
/* The average delay of @counts, in microseconds; 0 with none. */
double         mctx_recv_counts_delay_us   (const MctxRecvCounts *counts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MctxRecvStats, mctx_recv_stats_free)

G_END_DECLS
