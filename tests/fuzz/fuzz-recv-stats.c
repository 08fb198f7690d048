/* fuzz-recv-stats.c: libFuzzer target for mctx-recv's datagram parser and
 * statistics together. The input is a run of datagrams, each as
 *
 *   1 byte   sender: bit 3 picks IPv6, bits 0-2 one of eight senders
 *   8 bytes  arrival time, nanoseconds (big-endian, signed)
 *   2 bytes  length n (big-endian)
 *   n bytes  the datagram (stamped or not, any content)
 *
 * after a first byte that sets the stream cap (1 to 16, so that eviction
 * happens) with its low four bits, and the header format (auto, mctx,
 * iperf 2) with the rest. After each datagram the counts must hold
 * together: nothing negative or wrapped, no more loss than the window
 * allows per datagram, delay and jitter within the plausible range, the
 * cap respected, and the histograms' buckets adding up.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "mctx-recv-stats.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

typedef struct {
  guint64 received;
  guint n_streams;
} Check;

static void
check_stream (const char           *sender,
              MctxRecvStampKind     kind,
              guint32               stream_id,
              const MctxRecvCounts *counts,
              gpointer              user_data)
{
  Check *check = user_data;

  g_assert_nonnull (sender);
  g_assert_cmpuint (counts->received, >=, 1);
  if (kind != MCTX_RECV_STAMP_NONE)
    g_assert_cmpuint (counts->unique + counts->duplicated + counts->out_of_window, ==, counts->received);
  else
    g_assert_cmpuint (counts->unique + counts->duplicated + counts->out_of_window + counts->lost, ==, 0);
  g_assert_cmpuint (counts->lost, <=, counts->received * MCTX_RECV_WINDOW);
  g_assert_cmpuint (counts->reordered, <=, counts->unique);
  g_assert_cmpuint (counts->restarts, <=, counts->received);
  g_assert_cmpuint (counts->delay_count + counts->implausible_times, <=, counts->unique);
  g_assert_cmpfloat (ABS (mctx_recv_counts_delay_us (counts)), <=, MCTX_RECV_MAX_TRANSIT_NS / 1000.0);
  g_assert_cmpfloat (counts->jitter_us, >=, 0);
  g_assert_cmpfloat (counts->jitter_us, <=, 2 * MCTX_RECV_MAX_TRANSIT_NS / 1000.0);
  check->received += counts->received;
  check->n_streams++;
}

static void
check_histogram (const MctxRecvHistogram *histogram)
{
  guint64 sum = histogram->negative;
  double value = 0;

  for (guint i = 0; i < MCTX_RECV_HIST_BUCKETS; i++)
    sum += histogram->buckets[i];
  g_assert_cmpuint (sum, ==, histogram->count);
  if (mctx_recv_histogram_percentile (histogram, 0.999, &value))
    {
      g_assert_cmpfloat (value, <=, histogram->max_us);
      g_assert_cmpfloat (value, >=, 0);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(MctxRecvStats) stats = NULL;
  MctxRecvCounts totals;
  guint64 added = 0;
  guint max_streams;
  gsize offset = 1;

  if (size < 1)
    return 0;
  max_streams = 1 + data[0] % 16;
  stats = mctx_recv_stats_new (max_streams);
  mctx_recv_stats_set_format (stats, (MctxRecvFormat) ((data[0] >> 4) % 3));

  while (offset + 11 <= size)
    {
      struct sockaddr_storage from = { 0 };
      gsize from_len;
      guint8 selector = data[offset];
      guint64 arrival = 0;
      gsize length;
      Check check = { 0 };
      MctxRecvHistograms histograms;

      for (guint i = 0; i < 8; i++)
        arrival = arrival << 8 | data[offset + 1 + i];
      length = (gsize) data[offset + 9] << 8 | data[offset + 10];
      offset += 11;
      length = MIN (length, size - offset);

      if (selector & 8)
        {
          struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &from;

          in6->sin6_family = AF_INET6;
          in6->sin6_port = htons (5000 + (selector & 7));
          in6->sin6_addr.s6_addr[0] = 0xfd;
          in6->sin6_addr.s6_addr[15] = selector & 7;
          from_len = sizeof *in6;
        }
      else
        {
          struct sockaddr_in *in = (struct sockaddr_in *) &from;

          in->sin_family = AF_INET;
          in->sin_port = htons (5000);
          in->sin_addr.s_addr = htonl (0xc0000200 | (selector & 7));
          from_len = sizeof *in;
        }

      mctx_recv_stats_add (stats, (struct sockaddr *) &from, from_len, data + offset, length, (gint64) arrival);
      offset += length;
      added++;

      mctx_recv_stats_foreach (stats, check_stream, &check);
      mctx_recv_stats_get_totals (stats, &totals);
      g_assert_cmpuint (check.n_streams, <=, max_streams);
      g_assert_cmpuint (check.n_streams, ==, mctx_recv_stats_get_n_streams (stats));
      g_assert_cmpuint (totals.received, ==, added);
      g_assert_cmpuint (check.received + 0, <=, added);
      g_assert_cmpuint (totals.lost, <=, added * MCTX_RECV_WINDOW);
      g_assert_cmpuint (totals.evicted_streams, <=, added);
      mctx_recv_stats_take_histograms (stats, added % 2 ? MCTX_RECV_SPAN_INTERVAL : MCTX_RECV_SPAN_TOTAL, &histograms);
      check_histogram (&histograms.delay);
      check_histogram (&histograms.jitter);
      check_histogram (&histograms.gap);
      g_assert_cmpuint (histograms.gap.count, <, added);
    }
  return 0;
}
