/* mctx-departures.c: when datagrams really left, against when they were due
 *
 * The kernel numbers every datagram a socket with SO_TIMESTAMPING_OPT_ID
 * sends, and later reports its departure under that number in the error
 * queue. A publication that measures departures serialises its sends under
 * this tracker's lock, so the numbers it predicts are the kernel's: each
 * datagram the kernel built takes the next one, whether it then left or
 * its queue dropped it (ENOBUFS), while a send refused before (a full
 * send buffer) takes none. Its due time waits in a ring until the
 * timestamp arrives. Should the kernel still have numbered one more than
 * predicted, the first timestamp beyond the prediction moves it along. 
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <math.h>

#include "mctx-private.h"

/* Datagrams in flight at once; older ones are counted missing. */
#define RING_SIZE 4096
/* A timestamp later than this never comes: its datagram is missing. */
#define GIVE_UP_NS (G_GINT64_CONSTANT (1000000000))

struct _MctxDepartures
{
  GMutex lock;
  gint64 due_ns;                 /* of the call's first message */
  gint64 step_ns;                /* between the call's messages */
  guint32 next_key;              /* the kernel's number for the next datagram, */
  guint32 offset;                /* less this */
  guint32 oldest_key;            /* the oldest still waiting */
  gint64 sent_ns;                /* when the call began */
  gint64 due[RING_SIZE];
  gint64 give_up[RING_SIZE];     /* a second after the later of due and sent */
  MctxDepartureStats stats;
};

MctxDepartures *
_mctx_departures_new (void)
{
  MctxDepartures *self = g_new0 (MctxDepartures, 1);

  g_mutex_init (&self->lock);
  return self;
}

void
_mctx_departures_free (MctxDepartures *self)
{
  if (self == NULL)
    return;
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* Bucket 0 holds [0, 1) µs; above, eight buckets per doubling. */
static guint
bucket_of (double microseconds)
{
  int exponent;
  double fraction;
  guint index;

  if (microseconds < 1.0)
    return 0;
  fraction = frexp (microseconds, &exponent);   /* [0.5, 1) × 2^exponent */
  index = 1 + (guint) (exponent - 1) * 8 + (guint) ((fraction * 2.0 - 1.0) * 8.0);
  return MIN (index, MCTX_DEPARTURE_BUCKETS - 1);
}

static double
bucket_upper (guint index)
{
  if (index == 0)
    return 1.0;
  index -= 1;
  return ldexp (1.0 + (index % 8 + 1) / 8.0, (int) (index / 8));
}

/* Starts a send: its messages are due from @due_ns, @step_ns apart. */
void
_mctx_departures_begin (MctxDepartures *self,
                        gint64          due_ns,
                        gint64          step_ns,
                        gint64          now_ns)
{
  g_mutex_lock (&self->lock);
  self->due_ns = due_ns;
  self->step_ns = step_ns;
  self->sent_ns = now_ns;
}

/* The kernel accepted one datagram, or one segmented send, starting at
 * the call's message @index: it takes the next number. */
void
_mctx_departures_add (MctxDepartures *self,
                      guint           index)
{
  if (self->next_key - self->oldest_key >= RING_SIZE)
    {
      self->oldest_key++;
      self->stats.missing++;
    }
  self->due[self->next_key % RING_SIZE] = self->due_ns + (gint64) index * self->step_ns;
  /* A sender behind its schedule sends slots long past: those wait too. */
  self->give_up[self->next_key % RING_SIZE] = MAX (self->due[self->next_key % RING_SIZE], self->sent_ns) +
                                              GIVE_UP_NS;
  self->next_key++;
}

void
_mctx_departures_end (MctxDepartures *self)
{
  g_mutex_unlock (&self->lock);
}

/* Datagram @key left at @departed_ns. Timestamps come in order, so the
 * ones before it that have not come never will. */
void
_mctx_departures_stamp (MctxDepartures *self,
                        guint32         key,
                        gint64          departed_ns)
{
  double error_us;

  g_mutex_lock (&self->lock);
  /* Unsigned differences: the numbers wrap. A number at most a ring ahead
   * of the prediction means the kernel numbered a datagram the prediction
   * missed: the prediction moves along, the ones in between go missing. */
  key -= self->offset;
  if (key - self->next_key < RING_SIZE)
    {
      guint32 ahead = key - self->next_key + 1;

      self->offset += ahead;
      key -= ahead;
    }
  if (key - self->oldest_key >= self->next_key - self->oldest_key)
    {
      g_mutex_unlock (&self->lock);
      return;   /* given up on already, or never sent */
    }

  self->stats.missing += key - self->oldest_key;
  error_us = fabs ((double) (departed_ns - self->due[key % RING_SIZE])) / 1000.0;
  self->stats.measured++;
  self->stats.buckets[bucket_of (error_us)]++;
  self->stats.max_us = MAX (self->stats.max_us, error_us);
  self->oldest_key = key + 1;
  g_mutex_unlock (&self->lock);
}

/* Gives up on what has waited too long at @now_ns, and copies the figures. */
void
_mctx_departures_read (MctxDepartures     *self,
                       gint64              now_ns,
                       MctxDepartureStats *stats)
{
  g_mutex_lock (&self->lock);
  while (self->oldest_key != self->next_key && now_ns > self->give_up[self->oldest_key % RING_SIZE])
    {
      self->oldest_key++;
      self->stats.missing++;
    }
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}

void
_mctx_departure_stats_add (MctxDepartureStats       *total,
                           const MctxDepartureStats *more)
{
  total->measured += more->measured;
  total->missing += more->missing;
  for (guint i = 0; i < MCTX_DEPARTURE_BUCKETS; i++)
    total->buckets[i] += more->buckets[i];
  total->max_us = MAX (total->max_us, more->max_us);
}

/* The @quantile of the errors in @later that are not in @earlier (when
 * given): the upper bound of its bucket, at most 12.5 % high, and never
 * above the largest error; -1 when nothing was measured. */
double
_mctx_departure_stats_quantile (const MctxDepartureStats *later,
                                const MctxDepartureStats *earlier,
                                double                    quantile)
{
  guint64 count = later->measured - (earlier != NULL ? earlier->measured : 0);
  guint64 rank, seen = 0;

  if (count == 0)
    return -1.0;
  rank = MAX ((guint64) ceil (CLAMP (quantile, 0.0, 1.0) * (double) count), 1);
  for (guint i = 0; i < MCTX_DEPARTURE_BUCKETS; i++)
    {
      seen += later->buckets[i] - (earlier != NULL ? earlier->buckets[i] : 0);
      if (seen >= rank)
        return MIN (bucket_upper (i), later->max_us);
    }
  return later->max_us;
}
