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
  guint8 stamped;
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

/* Delay and jitter, from send times within a minute of the arrival. */
static void
account_time (Stream  *stream,
              gint64   send_time_ns,
              gint64   arrival_ns)
{
  gint64 transit_ns;
  double transit_us;

  if (__builtin_sub_overflow (arrival_ns, send_time_ns, &transit_ns) ||
      transit_ns > MCTX_RECV_MAX_TRANSIT_NS || transit_ns < -MCTX_RECV_MAX_TRANSIT_NS)
    {
      stream->counts.implausible_times++;
      return;
    }
  transit_us = (double) transit_ns / 1000.0;
  if (stream->have_transit)
    stream->counts.jitter_us += (fabs (transit_us - stream->previous_transit_us) - stream->counts.jitter_us) / 16;
  stream->previous_transit_us = transit_us;
  stream->have_transit = TRUE;
  stream->counts.delay_sum_us += transit_us;
  stream->counts.delay_count++;
}

static void
account_stamped (Stream  *stream,
                 guint64  sequence,
                 gint64   send_time_ns,
                 gint64   arrival_ns)
{
  guint64 behind;

  if (stream->segment_unique == 0)
    {
      start_segment (stream, sequence);
      account_time (stream, send_time_ns, arrival_ns);
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
      account_time (stream, send_time_ns, arrival_ns);
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
          account_time (stream, send_time_ns, arrival_ns);
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
      account_stamped (stream, sequence, send_time_ns, arrival_ns);
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
          const MctxStamp       *stamp)
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
  key->stamped = stamp != NULL;
  key->stream_id = stamp != NULL ? mctx_stamp_get_stream_id (stamp) : 0;
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

void
mctx_recv_stats_add (MctxRecvStats         *stats,
                     const struct sockaddr *from,
                     gsize                  from_len,
                     const guint8          *data,
                     gsize                  size,
                     gint64                 arrival_ns)
{
  g_autoptr(MctxStamp) stamp = mctx_stamp_parse (data, size, NULL);
  StreamKey key;
  Stream *stream;

  make_key (&key, from, from_len, stamp);
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
  if (stamp != NULL)
    account_stamped (stream, mctx_stamp_get_sequence (stamp), mctx_stamp_get_send_time (stamp), arrival_ns);
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
      func (stream->sender, stream->key.stamped, stream->key.stream_id, &counts, user_data);
    }
}

double
mctx_recv_counts_delay_us (const MctxRecvCounts *counts)
{
  return counts->delay_count > 0 ? counts->delay_sum_us / (double) counts->delay_count : 0.0;
}
