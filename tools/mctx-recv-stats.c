/* mctx-recv-stats.c: mctx-recv's datagram accounting, bounded whatever
 * arrives
 *
 * A stamped stream is counted in segments: a segment begins with the
 * stream's first datagram, or where the stream restarted. Within it,
 * sequence numbers are believed only up to MCTX_RECV_WINDOW from the
 * highest one seen; anything further is out of window. Two out-of-window
 * datagrams in a row, the second shortly after the first, are a restart:
 * one spoofed datagram can neither restart a stream nor move its counts by
 * more than the window. All sequence arithmetic is on differences that
 * cannot wrap, and send times go through a checked subtraction.
 *
 * iperf 2's datagrams are counted the same way, by their own sequence
 * numbers and send times. Histograms are fixed arrays of log-scale
 * buckets, for all streams together: nothing grows with what arrives.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-recv-stats.h"

#include <math.h>
#include <netinet/in.h>
#include <string.h>

#include <gio/gio.h>
#include <mctx/mctx.h>

typedef struct {
  guint8 family;
  guint8 kind;                /* MctxRecvStampKind */
  guint16 port;
  guint32 stream_id;
  guint8 address[16];
} StreamKey;

typedef struct {
  StreamKey key;              /* the hash table's key points here */
  GList link;                 /* in MctxRecvStats.lru */
  char *sender;               /* address:port */
  MctxRecvCounts counts;      /* lost: see stream_lost() */

  /* The current segment */
  guint64 first;
  guint64 highest;
  guint64 segment_unique;
  guint64 earlier_lost;       /* of the segments before the last restart */
  guint64 candidate;          /* the last far out-of-window sequence */
  gboolean have_candidate;

  gboolean have_transit;
  double previous_transit_us;
  gboolean have_arrival;
  gint64 previous_arrival_ns;

  /* Seen sequence numbers, a ring: sequence s at bit s % n_bits. It holds
   * [highest - n_bits + 1, highest]; n_bits is a power of two. */
  guint64 *seen;
  guint32 n_bits;
  guint64 inline_seen;        /* the first 64 bits, without an allocation */
} Stream;

struct _MctxRecvStats {
  GHashTable *streams;        /* StreamKey → Stream */
  GQueue lru;                 /* least recently active first */
  guint max_streams;
  MctxRecvCounts evicted;     /* what evicted streams had counted */
  MctxRecvFormat format;
  MctxRecvHistograms histograms[MCTX_RECV_N_SPANS];
};

/* Spoofers choose addresses, ports and stream ids: a seed per process
 * keeps them from choosing hash collisions. */
static guint32 hash_seed;

static guint
key_hash (gconstpointer data)
{
  const guint8 *bytes = data;
  guint32 hash = 2166136261u ^ hash_seed;

  for (gsize i = 0; i < sizeof (StreamKey); i++)
    hash = (hash ^ bytes[i]) * 16777619u;
  hash ^= hash >> 15;
  hash *= 0x2c1b3c6du;
  hash ^= hash >> 12;
  return hash;
}

static gboolean
key_equal (gconstpointer a,
           gconstpointer b)
{
  return memcmp (a, b, sizeof (StreamKey)) == 0;
}

static void
stream_free (gpointer data)
{
  Stream *stream = data;

  if (stream->seen != &stream->inline_seen)
    g_free (stream->seen);
  g_free (stream->sender);
  g_free (stream);
}

MctxRecvStats *
mctx_recv_stats_new (guint max_streams)
{
  MctxRecvStats *stats;

  g_return_val_if_fail (max_streams > 0, NULL);

  stats = g_new0 (MctxRecvStats, 1);
  if (hash_seed == 0)
    hash_seed = g_random_int () | 1;
  stats->streams = g_hash_table_new_full (key_hash, key_equal, NULL, stream_free);
  g_queue_init (&stats->lru);
  stats->max_streams = max_streams;
  return stats;
}

void
mctx_recv_stats_free (MctxRecvStats *stats)
{
  if (stats == NULL)
    return;
  g_hash_table_unref (stats->streams);
  g_free (stats);
}

void
mctx_recv_stats_set_format (MctxRecvStats  *stats,
                            MctxRecvFormat  format)
{
  stats->format = format;
}

static guint
bucket_of (double value_us)
{
  int exponent;
  double fraction;

  if (value_us < 1.0)
    return 0;
  /* value = fraction · 2^exponent, fraction in [0.5, 1) */
  fraction = frexp (value_us, &exponent);
  exponent--;
  if (exponent >= MCTX_RECV_HIST_OCTAVES)
    return MCTX_RECV_HIST_BUCKETS - 1;
  return 1 + (guint) exponent * MCTX_RECV_HIST_SUB + (guint) ((fraction * 2 - 1) * MCTX_RECV_HIST_SUB);
}

double
mctx_recv_histogram_lower (guint index)
{
  g_return_val_if_fail (index < MCTX_RECV_HIST_BUCKETS, 0.0);

  if (index == 0)
    return 0.0;
  index--;
  return ldexp (1.0 + (double) (index % MCTX_RECV_HIST_SUB) / MCTX_RECV_HIST_SUB, (int) (index / MCTX_RECV_HIST_SUB));
}

double
mctx_recv_histogram_upper (guint index)
{
  g_return_val_if_fail (index < MCTX_RECV_HIST_BUCKETS, 0.0);

  if (index == MCTX_RECV_HIST_BUCKETS - 1)
    return INFINITY;
  return mctx_recv_histogram_lower (index + 1);
}

static void
histogram_add (MctxRecvHistogram *histogram,
               double             value_us)
{
  if (histogram->count == 0 || value_us < histogram->min_us)
    histogram->min_us = value_us;
  if (histogram->count == 0 || value_us > histogram->max_us)
    histogram->max_us = value_us;
  histogram->count++;
  if (value_us < 0)
    histogram->negative++;
  else
    histogram->buckets[bucket_of (value_us)]++;
}

gboolean
mctx_recv_histogram_percentile (const MctxRecvHistogram *histogram,
                                double                   fraction,
                                double                  *value_us)
{
  guint64 rank, below;

  if (histogram->count == 0)
    return FALSE;
  /* The smallest rank that has @fraction of the values at or below it. */
  rank = (guint64) ceil (fraction * (double) histogram->count);
  rank = CLAMP (rank, 1, histogram->count);
  if (rank <= histogram->negative)
    return FALSE;
  below = histogram->negative;
  for (guint i = 0; i < MCTX_RECV_HIST_BUCKETS; i++)
    {
      below += histogram->buckets[i];
      if (below >= rank)
        {
          *value_us = MIN (mctx_recv_histogram_upper (i), histogram->max_us);
          return TRUE;
        }
    }
  *value_us = histogram->max_us;
  return TRUE;
}

typedef enum {
  HISTOGRAM_DELAY,
  HISTOGRAM_JITTER,
  HISTOGRAM_GAP,
} HistogramKind;

static void
record (MctxRecvStats *stats,
        HistogramKind  kind,
        double         value_us)
{
  for (guint span = 0; span < MCTX_RECV_N_SPANS; span++)
    {
      MctxRecvHistograms *histograms = &stats->histograms[span];

      histogram_add (kind == HISTOGRAM_DELAY ? &histograms->delay :
                     kind == HISTOGRAM_JITTER ? &histograms->jitter : &histograms->gap, value_us);
    }
}

void
mctx_recv_stats_take_histograms (MctxRecvStats      *stats,
                                 MctxRecvSpan        span,
                                 MctxRecvHistograms *histograms)
{
  g_return_if_fail (span < MCTX_RECV_N_SPANS);

  *histograms = stats->histograms[span];
  if (span != MCTX_RECV_SPAN_TOTAL)
    memset (&stats->histograms[span], 0, sizeof stats->histograms[span]);
}

static gboolean
seen_get (Stream  *stream,
          guint64  sequence)
{
  guint64 bit = sequence & (stream->n_bits - 1);

  return (stream->seen[bit / 64] >> (bit % 64)) & 1;
}

static void
seen_set (Stream  *stream,
          guint64  sequence)
{
  guint64 bit = sequence & (stream->n_bits - 1);

  stream->seen[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
}

/* The lowest sequence number the ring still tells about. */
static guint64
memory_low (Stream *stream)
{
  guint64 low = stream->highest - MIN (stream->highest, (guint64) stream->n_bits - 1);

  return MAX (low, stream->first);
}

/* Never wraps: the segment's unique sequence numbers all lie in
 * [first, highest]. */
static guint64
segment_lost (Stream *stream)
{
  guint64 span = stream->highest - stream->first;

  if (stream->segment_unique == 0 || stream->segment_unique - 1 > span)
    return 0;
  return span - (stream->segment_unique - 1);
}

static guint64
stream_lost (Stream *stream)
{
  return stream->earlier_lost + segment_lost (stream);
}

static void
start_segment (Stream  *stream,
               guint64  sequence)
{
  if (stream->seen == NULL)
    {
      stream->seen = &stream->inline_seen;
      stream->n_bits = 64;
    }
  memset (stream->seen, 0, stream->n_bits / 8);
  stream->first = stream->highest = sequence;
  seen_set (stream, sequence);
  stream->segment_unique = 1;
  stream->counts.unique++;
  stream->have_candidate = FALSE;
}

/* Makes the ring at least as large as the segment up to @sequence needs,
 * within what the stream's datagrams pay for: 64 bits each. */
static void
grow_for (Stream  *stream,
          guint64  sequence)
{
  guint64 wanted = sequence - stream->first >= MCTX_RECV_WINDOW ? MCTX_RECV_WINDOW : sequence - stream->first + 1;
  guint64 allowed = stream->counts.unique >= MCTX_RECV_WINDOW / 64 ? MCTX_RECV_WINDOW
                                                                    : 64 * (stream->counts.unique + 1);
  guint64 bits = stream->n_bits;
  guint64 *seen;
  guint64 low;

  while (bits < MIN (wanted, allowed))
    bits *= 2;
  bits = MIN (bits, MCTX_RECV_WINDOW);
  if (bits <= stream->n_bits)
    return;

  seen = g_new0 (guint64, bits / 64);
  low = memory_low (stream);
  for (guint64 s = low; ; s++)
    {
      if (seen_get (stream, s))
        {
          guint64 bit = s & (bits - 1);

          seen[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
        }
      if (s == stream->highest)
        break;
    }
  if (stream->seen != &stream->inline_seen)
    g_free (stream->seen);
  stream->seen = seen;
  stream->n_bits = (guint32) bits;
}

/* Forgets the ring's bits for highest + 1 … highest + @distance, which
 * those sequence numbers now own. */
static void
advance (Stream  *stream,
         guint64  distance)
{
  guint64 bit = (stream->highest + 1) & (stream->n_bits - 1);

  if (distance >= stream->n_bits)
    {
      memset (stream->seen, 0, stream->n_bits / 8);
      return;
    }
  while (distance > 0)
    {
      if (bit % 64 == 0 && distance >= 64)
        {
          stream->seen[bit / 64] = 0;
          bit += 64;
          distance -= 64;
        }
      else
        {
          stream->seen[bit / 64] &= ~(G_GUINT64_CONSTANT (1) << (bit % 64));
          bit++;
          distance--;
        }
      bit &= stream->n_bits - 1;
    }
}

/* Delay and jitter, from send times within a minute of the arrival;
 * @send_time_ns is G_MININT64 when the header's time is not a time. */
static void
account_time (MctxRecvStats *stats,
              Stream        *stream,
              gint64         send_time_ns,
              gint64         arrival_ns)
{
  gint64 transit_ns;
  double transit_us;

  if (send_time_ns == G_MININT64 || __builtin_sub_overflow (arrival_ns, send_time_ns, &transit_ns) ||
      transit_ns > MCTX_RECV_MAX_TRANSIT_NS || transit_ns < -MCTX_RECV_MAX_TRANSIT_NS)
    {
      stream->counts.implausible_times++;
      return;
    }
  transit_us = (double) transit_ns / 1000.0;
  record (stats, HISTOGRAM_DELAY, transit_us);
  if (stream->have_transit)
    {
      double difference = fabs (transit_us - stream->previous_transit_us);

      record (stats, HISTOGRAM_JITTER, difference);
      stream->counts.jitter_us += (difference - stream->counts.jitter_us) / 16;
    }
  stream->previous_transit_us = transit_us;
  stream->have_transit = TRUE;
  stream->counts.delay_sum_us += transit_us;
  stream->counts.delay_count++;
}

static void
account_stamped (MctxRecvStats *stats,
                 Stream        *stream,
                 guint64        sequence,
                 gint64         send_time_ns,
                 gint64         arrival_ns)
{
  guint64 behind;

  if (stream->segment_unique == 0)
    {
      gboolean first_ever = stream->counts.unique == 0;

      start_segment (stream, sequence);
      /* iperf 2 numbers from 1, and its server counts what came before
       * the first arrival as lost: so does this, within the window. */
      if (first_ever && stream->key.kind == MCTX_RECV_STAMP_IPERF2 && sequence >= 1 && sequence < MCTX_RECV_WINDOW)
        stream->first = 1;
      account_time (stats, stream, send_time_ns, arrival_ns);
      return;
    }

  if (sequence > stream->highest && sequence - stream->highest < MCTX_RECV_WINDOW)
    {
      grow_for (stream, sequence);
      advance (stream, sequence - stream->highest);
      stream->highest = sequence;
      seen_set (stream, sequence);
      stream->segment_unique++;
      stream->counts.unique++;
      stream->have_candidate = FALSE;
      account_time (stats, stream, send_time_ns, arrival_ns);
      return;
    }

  if (sequence <= stream->highest)
    {
      behind = stream->highest - sequence;
      if (behind < stream->n_bits)
        {
          stream->have_candidate = FALSE;
          if (seen_get (stream, sequence))
            {
              stream->counts.duplicated++;
              return;
            }
          /* Late: it fills a gap, or widens the segment backwards. */
          seen_set (stream, sequence);
          stream->first = MIN (stream->first, sequence);
          stream->segment_unique++;
          stream->counts.unique++;
          stream->counts.reordered++;
          account_time (stats, stream, send_time_ns, arrival_ns);
          return;
        }
      if (behind < MCTX_RECV_WINDOW)
        {
          /* Too late to tell from a repeat: the ring has forgotten. */
          stream->counts.out_of_window++;
          return;
        }
    }

  /* Far from the window. Right after another far one, a little before
   * it: the sender began again. */
  if (stream->have_candidate && sequence > stream->candidate &&
      sequence - stream->candidate < MCTX_RECV_WINDOW)
    {
      guint64 candidate = stream->candidate;

      stream->earlier_lost += segment_lost (stream);
      stream->counts.restarts++;
      stream->counts.out_of_window--;     /* the candidate is in again */
      start_segment (stream, candidate);
      account_stamped (stats, stream, sequence, send_time_ns, arrival_ns);
      return;
    }
  stream->counts.out_of_window++;
  stream->candidate = sequence;
  stream->have_candidate = TRUE;
}

static void
make_key (StreamKey             *key,
          const struct sockaddr *from,
          gsize                  from_len,
          MctxRecvStampKind      kind,
          guint32                stream_id)
{
  memset (key, 0, sizeof *key);
  /* Copied out: the caller's buffer need not be aligned for either. */
  if (from != NULL && from->sa_family == AF_INET && from_len >= sizeof (struct sockaddr_in))
    {
      struct sockaddr_in in;

      memcpy (&in, from, sizeof in);
      key->family = AF_INET;
      key->port = in.sin_port;
      memcpy (key->address, &in.sin_addr, 4);
    }
  else if (from != NULL && from->sa_family == AF_INET6 && from_len >= sizeof (struct sockaddr_in6))
    {
      struct sockaddr_in6 in6;

      memcpy (&in6, from, sizeof in6);
      key->family = AF_INET6;
      key->port = in6.sin6_port;
      memcpy (key->address, &in6.sin6_addr, 16);
    }
  key->kind = kind;
  key->stream_id = stream_id;
}

static char *
describe_sender (const struct sockaddr *from,
                 gsize                  from_len)
{
  g_autoptr(GSocketAddress) address = NULL;

  if (from != NULL && ((from->sa_family == AF_INET && from_len >= sizeof (struct sockaddr_in)) ||
                       (from->sa_family == AF_INET6 && from_len >= sizeof (struct sockaddr_in6))))
    address = g_socket_address_new_from_native ((gpointer) from, from->sa_family == AF_INET ?
                                                sizeof (struct sockaddr_in) : sizeof (struct sockaddr_in6));
  if (address == NULL)
    return g_strdup ("unknown");
  return g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));
}

static void
add_counts (MctxRecvCounts       *sum,
            const MctxRecvCounts *counts)
{
  sum->received += counts->received;
  sum->bytes += counts->bytes;
  sum->unique += counts->unique;
  sum->lost += counts->lost;
  sum->duplicated += counts->duplicated;
  sum->reordered += counts->reordered;
  sum->out_of_window += counts->out_of_window;
  sum->restarts += counts->restarts;
  sum->implausible_times += counts->implausible_times;
  sum->delay_count += counts->delay_count;
  sum->delay_sum_us += counts->delay_sum_us;
  sum->jitter_us = MAX (sum->jitter_us, counts->jitter_us);
}

static void
stream_counts (Stream         *stream,
               MctxRecvCounts *counts)
{
  *counts = stream->counts;
  counts->lost = stream_lost (stream);
}

/* The least recently active stream goes; its counts stay in the totals. */
static void
evict_one (MctxRecvStats *stats)
{
  GList *oldest = g_queue_peek_head_link (&stats->lru);
  Stream *stream = oldest->data;
  MctxRecvCounts counts;

  stream_counts (stream, &counts);
  add_counts (&stats->evicted, &counts);
  stats->evicted.evicted_streams++;
  g_queue_unlink (&stats->lru, oldest);
  g_hash_table_remove (stats->streams, &stream->key);
}

/* iperf 2's UDP datagram header (its include/payloads.h: struct
 * UDP_datagram, then the client header's flags), big-endian: id, tv_sec,
 * tv_usec, id2, flags. With HEADER_SEQNO64B in the flags the sequence
 * number is id2:id as a signed 64-bit number, else id as a signed 32-bit
 * one, as iperf 2's server reads them. A negative number is the client's
 * closing datagram, which stands for the number negated. Without
 * @forced, a header whose tv_usec is not below a million is not iperf 2's
 * (text never is), nor is sequence 0, which iperf 2 never sends. */
#define IPERF2_HEADER_SIZE 16
#define IPERF2_FLAGS_SIZE 20
#define IPERF2_SEQNO64B 0x08000000u

static gboolean
parse_iperf2 (const guint8 *data,
              gsize         size,
              gboolean      forced,
              guint64      *sequence,
              gint64       *send_time_ns)
{
  guint32 words[5] = { 0 };
  guint64 number;
  gboolean negative;

  if (size < IPERF2_HEADER_SIZE)
    return FALSE;
  memcpy (words, data, MIN (size, sizeof words));
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    words[i] = GUINT32_FROM_BE (words[i]);

  if (size >= IPERF2_FLAGS_SIZE && (words[4] & IPERF2_SEQNO64B) != 0)
    {
      number = (guint64) words[3] << 32 | words[0];
      negative = (number >> 63) != 0;
    }
  else
    {
      number = words[0];
      negative = (number >> 31) != 0;
      if (negative)
        number |= G_GUINT64_CONSTANT (0xffffffff00000000);
    }
  /* Negated without overflow: two's complement, unsigned. */
  *sequence = negative ? 0 - number : number;
  if (!forced && (words[2] >= 1000000 || *sequence == 0))
    return FALSE;

  if (words[2] >= 1000000)
    *send_time_ns = G_MININT64;
  else
    *send_time_ns = (gint64) words[1] * 1000000000 + (gint64) words[2] * 1000;
  return TRUE;
}

void
mctx_recv_stats_add (MctxRecvStats         *stats,
                     const struct sockaddr *from,
                     gsize                  from_len,
                     const guint8          *data,
                     gsize                  size,
                     gint64                 arrival_ns)
{
  g_autoptr(MctxStamp) stamp = NULL;
  MctxRecvStampKind kind = MCTX_RECV_STAMP_NONE;
  guint32 stream_id = 0;
  guint64 sequence = 0;
  gint64 send_time_ns = 0;
  gint64 gap_ns;
  StreamKey key;
  Stream *stream;

  if (stats->format != MCTX_RECV_FORMAT_IPERF2)
    stamp = mctx_stamp_parse (data, size, NULL);
  if (stamp != NULL)
    {
      kind = MCTX_RECV_STAMP_MCTX;
      stream_id = mctx_stamp_get_stream_id (stamp);
      sequence = mctx_stamp_get_sequence (stamp);
      send_time_ns = mctx_stamp_get_send_time (stamp);
    }
  else if (stats->format != MCTX_RECV_FORMAT_MCTX &&
           parse_iperf2 (data, size, stats->format == MCTX_RECV_FORMAT_IPERF2, &sequence, &send_time_ns))
    kind = MCTX_RECV_STAMP_IPERF2;

  make_key (&key, from, from_len, kind, stream_id);
  stream = g_hash_table_lookup (stats->streams, &key);
  if (stream == NULL)
    {
      if (g_hash_table_size (stats->streams) >= stats->max_streams)
        evict_one (stats);
      stream = g_new0 (Stream, 1);
      stream->key = key;
      stream->link.data = stream;
      stream->sender = describe_sender (from, from_len);
      g_hash_table_add (stats->streams, stream);
    }
  else
    g_queue_unlink (&stats->lru, &stream->link);
  g_queue_push_tail_link (&stats->lru, &stream->link);

  stream->counts.received++;
  stream->counts.bytes += size;
  /* Arrival times come from the kernel, per socket: a stream on two
   * sockets may see one go back, which counts as negative. */
  if (stream->have_arrival && !__builtin_sub_overflow (arrival_ns, stream->previous_arrival_ns, &gap_ns))
    record (stats, HISTOGRAM_GAP, (double) gap_ns / 1000.0);
  stream->previous_arrival_ns = arrival_ns;
  stream->have_arrival = TRUE;
  if (kind != MCTX_RECV_STAMP_NONE)
    account_stamped (stats, stream, sequence, send_time_ns, arrival_ns);
}

void
mctx_recv_stats_get_totals (MctxRecvStats  *stats,
                            MctxRecvCounts *totals)
{
  *totals = stats->evicted;
  for (GList *l = stats->lru.head; l != NULL; l = l->next)
    {
      MctxRecvCounts counts;

      stream_counts (l->data, &counts);
      add_counts (totals, &counts);
    }
}

guint
mctx_recv_stats_get_n_streams (MctxRecvStats *stats)
{
  return g_hash_table_size (stats->streams);
}

void
mctx_recv_stats_foreach (MctxRecvStats      *stats,
                         MctxRecvStreamFunc  func,
                         gpointer            user_data)
{
  for (GList *l = stats->lru.head; l != NULL; l = l->next)
    {
      Stream *stream = l->data;
      MctxRecvCounts counts;

      stream_counts (stream, &counts);
      func (stream->sender, stream->key.kind, stream->key.stream_id, &counts, user_data);
    }
}

double
mctx_recv_counts_delay_us (const MctxRecvCounts *counts)
{
  return counts->delay_count > 0 ? counts->delay_sum_us / (double) counts->delay_count : 0.0;
}
