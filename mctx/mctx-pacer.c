/* mctx-pacer.c: when datagrams are due, on an even schedule
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <math.h>

#include "mctx-private.h"

/*
 * MctxPacer:
 *
 * The schedule of a paced sender, without the sending: which datagrams are
 * due, and when the sender should wake next. [class@Mctx.PacedSender] and
 * the tools use one each; a program with a loop of its own can too.
 *
 * Datagram *n* is due at the start time plus the intervals of the
 * datagrams before it, so the average rate is exact and late wake-ups never
 * accumulate into drift. The interval of a datagram is the longer of
 * 1/the `packets-per-second` property and its bits
 * (its size plus the `overhead` property) at
 * the `bits-per-second` property.
 *
 * At intervals of 50 µs and more, the sender wakes once per datagram, at
 * its due time ([enum@Mctx.PacingMode.PER_DATAGRAM]); with
 * the `spin` property it stops sleeping a little earlier and spins
 * the rest, which takes the wake-up latency of an idle processor out of
 * the schedule error at the price of processor time. Below that, a wake-up
 * per datagram costs more than the datagram: the sender wakes once per
 * batch of the datagrams due within 40 µs, in the middle of that window,
 * so that each leaves within 20 µs of its time
 * ([enum@Mctx.PacingMode.BATCHED]).
 *
 * After a stall — the sender could not run — more datagrams are due than
 * the `max-burst` property. the `catch-up` property decides:
 * send them that many at a time, one burst per interval, until the
 * schedule is met (the default), or send that many and drop the older
 * missed slots (counted in the `skipped` property). Either way a
 * full burst is followed by an interval without datagrams, so no more than
 * max-burst leave within one interval.
 *
 * Times are microseconds on the monotonic clock (g_get_monotonic_time()).
 *
 * Threads: a pacer is for one thread at a time.
 *
 * Since: 1.0
 */
struct _MctxPacer
{
  GObject parent_instance;

  double packets_per_second;
  double bits_per_second;
  guint overhead;
  guint max_burst;
  MctxCatchUp catch_up;
  int spin_us;              /* negative: the automatic lead */
  double wake_late_us;      /* how late wake-ups come: a decaying maximum */

  double next_due_us;       /* fractional, so that no rounding drifts */
  gint64 not_before_us;     /* catching up: the next burst's time */
  gsize last_size;          /* of the last datagrams asked about */
  guint64 skipped;
};

G_DEFINE_FINAL_TYPE (MctxPacer, mctx_pacer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PACKETS_PER_SECOND,
  PROP_BITS_PER_SECOND,
  PROP_OVERHEAD,
  PROP_MAX_BURST,
  PROP_CATCH_UP,
  PROP_SPIN,
  PROP_MODE,
  PROP_SKIPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Intervals below this get batched wake-ups. */
#define PER_DATAGRAM_MIN_US 50.0
/* The window of one batched wake-up: each datagram leaves within half of
 * it of its time. */
#define BATCH_WINDOW_US 40.0
#define DEFAULT_MAX_BURST 16
/* The most a per-datagram wake-up comes early, to spin, unless the
 * application chose its own (MctxPacer:spin), and the lead before any
 * wake-up was measured. */
#define MAX_WAKE_LEAD_US 50.0
#define FIRST_WAKE_LEAD_US 20.0

/* The slowest rates the schedule holds: a packet a day, a bit a second. */
#define MIN_PACKETS_PER_SECOND (1.0 / 86400)
#define MIN_BITS_PER_SECOND 1.0

static void
mctx_pacer_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MctxPacer *self = MCTX_PACER (object);

  switch (prop_id)
    {
    case PROP_PACKETS_PER_SECOND:
      g_value_set_double (value, self->packets_per_second);
      break;
    case PROP_BITS_PER_SECOND:
      g_value_set_double (value, self->bits_per_second);
      break;
    case PROP_OVERHEAD:
      g_value_set_uint (value, self->overhead);
      break;
    case PROP_MAX_BURST:
      g_value_set_uint (value, self->max_burst);
      break;
    case PROP_CATCH_UP:
      g_value_set_enum (value, self->catch_up);
      break;
    case PROP_SPIN:
      g_value_set_int (value, self->spin_us);
      break;
    case PROP_MODE:
      g_value_set_enum (value, mctx_pacer_get_mode (self));
      break;
    case PROP_SKIPPED:
      g_value_set_uint64 (value, self->skipped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_pacer_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  MctxPacer *self = MCTX_PACER (object);

  switch (prop_id)
    {
    case PROP_PACKETS_PER_SECOND:
      mctx_pacer_set_packets_per_second (self, g_value_get_double (value));
      break;
    case PROP_BITS_PER_SECOND:
      mctx_pacer_set_bits_per_second (self, g_value_get_double (value));
      break;
    case PROP_OVERHEAD:
      mctx_pacer_set_overhead (self, g_value_get_uint (value));
      break;
    case PROP_MAX_BURST:
      mctx_pacer_set_max_burst (self, g_value_get_uint (value));
      break;
    case PROP_CATCH_UP:
      mctx_pacer_set_catch_up (self, g_value_get_enum (value));
      break;
    case PROP_SPIN:
      mctx_pacer_set_spin (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_pacer_class_init (MctxPacerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _mctx_ensure_i18n ();

  object_class->get_property = mctx_pacer_get_property;
  object_class->set_property = mctx_pacer_set_property;

  /*
   * MctxPacer:packets-per-second: (getter get_packets_per_second) (setter set_packets_per_second)
   *
   * The packet rate, or 0 for no limit. A rate the schedule cannot hold
   * (negative, not a number, infinite, or slower than one packet a day) is
   * not refused here: mctx_pacer_validate() says why.
   *
   * Since: 1.0
   */
  properties[PROP_PACKETS_PER_SECOND] =
    g_param_spec_double ("packets-per-second", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /*
   * MctxPacer:bits-per-second: (getter get_bits_per_second) (setter set_bits_per_second)
   *
   * The bit rate, or 0 for no limit: each datagram takes the time its size
   * plus the `overhead` property bytes take at this rate.
   *
   * Since: 1.0
   */
  properties[PROP_BITS_PER_SECOND] =
    g_param_spec_double ("bits-per-second", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /*
   * MctxPacer:overhead: (getter get_overhead) (setter set_overhead)
   *
   * Bytes each datagram adds to its size for the bit rate: 0 to count
   * payloads, 28 (UDP and IPv4 headers) or 48 (UDP and IPv6) to count the
   * datagram on the wire.
   *
   * Since: 1.0
   */
  properties[PROP_OVERHEAD] =
    g_param_spec_uint ("overhead", NULL, NULL, 0, 65535, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /*
   * MctxPacer:max-burst: (getter get_max_burst) (setter set_max_burst)
   *
   * The most datagrams a paced sender sends back to back, however late it
   * is: the cap on a batch, and on what a stall is made up with.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_BURST] =
    g_param_spec_uint ("max-burst", NULL, NULL, 1, 1024, DEFAULT_MAX_BURST,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /*
   * MctxPacer:catch-up: (getter get_catch_up) (setter set_catch_up)
   *
   * What happens to the slots missed while the sender could not run.
   *
   * Since: 1.0
   */
  properties[PROP_CATCH_UP] =
    g_param_spec_enum ("catch-up", NULL, NULL, MCTX_TYPE_CATCH_UP, MCTX_CATCH_UP_BURST,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /*
   * MctxPacer:spin: (getter get_spin) (setter set_spin)
   *
   * How long, in microseconds, a sender that wakes once per datagram stops
   * sleeping before the datagram's time and spins instead, at most half
   * the interval; 0 never spins. A sleeping thread wakes late by however
   * long the system takes to run it again (tens of microseconds, more in
   * a virtual machine); a spinning one does not, and pays with that share
   * of a processor: 100 µs at 1 000 datagrams/s is a tenth of one.
   *
   * 0, the default, never spins: a library must not burn a processor in a
   * main loop that never asked it to (and a spin inside a source's dispatch
   * holds up every other source of that main context). Negative chooses the
   * lead from how late this sender's wake-ups have come (a maximum that
   * decays by a thirty-second per wake-up), plus 2 µs, at most a fifth of
   * the interval and 50 µs: which the tools use unless given `--spin`.
   *
   * Since: 1.0
   */
  properties[PROP_SPIN] =
    g_param_spec_int ("spin", NULL, NULL, G_MININT, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /*
   * MctxPacer:mode: (getter get_mode)
   *
   * How datagrams are spaced at the current rate and the size last asked
   * about.
   *
   * Since: 1.0
   */
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, MCTX_TYPE_PACING_MODE, MCTX_PACING_MODE_UNLIMITED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /*
   * MctxPacer:skipped: (getter get_skipped)
   *
   * How many slots were dropped since the start, with
   * %MCTX_CATCH_UP_DROP, because more were late than
   * the `max-burst` property allows.
   *
   * Since: 1.0
   */
  properties[PROP_SKIPPED] =
    g_param_spec_uint64 ("skipped", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mctx_pacer_init (MctxPacer *self)
{
  self->max_burst = DEFAULT_MAX_BURST;
  self->spin_us = 0;
  self->wake_late_us = FIRST_WAKE_LEAD_US;
}

/*
 * mctx_pacer_new:
 *
 * Creates a pacer without a rate limit.
 *
 * Returns: (transfer full): a new pacer
 *
 * Since: 1.0
 */
MctxPacer *
mctx_pacer_new (void)
{
  return g_object_new (MCTX_TYPE_PACER, NULL);
}

static gboolean
rate_is_valid (double rate,
               double minimum)
{
  return rate == 0.0 || (isfinite (rate) && rate >= minimum);
}

/*
 * mctx_pacer_validate:
 * @self: a pacer
 * @error: return location for a #GError
 *
 * Checks that the schedule can hold the rates: each 0 (no limit), or
 * finite and at least one packet a day or one bit a second.
 *
 * Returns: %TRUE if the rates can be held, %FALSE with
 *   %MCTX_ERROR_INVALID_RATE
 *
 * Since: 1.0
 */
gboolean
mctx_pacer_validate (MctxPacer  *self,
                     GError    **error)
{
  g_return_val_if_fail (MCTX_IS_PACER (self), FALSE);

  if (!rate_is_valid (self->packets_per_second, MIN_PACKETS_PER_SECOND))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_RATE,
                   _("Invalid rate of %g packets per second: 0 (no limit) or at least one a day (%g)"),
                   self->packets_per_second, MIN_PACKETS_PER_SECOND);
      return FALSE;
    }
  if (!rate_is_valid (self->bits_per_second, MIN_BITS_PER_SECOND))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_RATE,
                   _("Invalid rate of %g bits per second: 0 (no limit) or at least 1"),
                   self->bits_per_second);
      return FALSE;
    }

  return TRUE;
}

/* The time a datagram of @size bytes takes in the schedule; 0 without a
 * rate. Invalid rates count as none: mctx_pacer_validate() reports them. */
static double
interval_us (MctxPacer *self,
             gsize      size)
{
  double by_packets = 0.0, by_bits = 0.0;

  if (self->packets_per_second > 0.0 && isfinite (self->packets_per_second))
    by_packets = G_USEC_PER_SEC / self->packets_per_second;
  if (self->bits_per_second > 0.0 && isfinite (self->bits_per_second))
    by_bits = (double) (size + self->overhead) * 8.0 * G_USEC_PER_SEC / self->bits_per_second;

  return MAX (by_packets, by_bits);
}

static MctxPacingMode
mode_for (double interval)
{
  if (interval <= 0.0)
    return MCTX_PACING_MODE_UNLIMITED;
  return interval < PER_DATAGRAM_MIN_US ? MCTX_PACING_MODE_BATCHED : MCTX_PACING_MODE_PER_DATAGRAM;
}

/* The window of one wake-up: 0 per datagram; for batches, 40 µs or what
 * max-burst datagrams take, whichever is shorter. */
static double
window_us (MctxPacer *self,
           double     interval)
{
  if (mode_for (interval) != MCTX_PACING_MODE_BATCHED)
    return 0.0;
  return MIN (BATCH_WINDOW_US, (self->max_burst - 1) * interval);
}

/*
 * mctx_pacer_start:
 * @self: a pacer
 * @now_us: the start time, on the monotonic clock
 *
 * Starts the schedule: the first datagram is due at @now_us. Resets
 * the `skipped` property.
 *
 * Since: 1.0
 */
void
mctx_pacer_start (MctxPacer *self,
                  gint64     now_us)
{
  g_return_if_fail (MCTX_IS_PACER (self));

  self->next_due_us = (double) now_us;
  self->not_before_us = 0;
  self->skipped = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SKIPPED]);
}

/*
 * mctx_pacer_count_due:
 * @self: a pacer
 * @now_us: the time, on the monotonic clock
 * @size: the size of the next datagrams
 * @limit: the most the caller can send now
 *
 * Tells how many datagrams of @size bytes may go now: 0 when the next is
 * not due; one when a datagram per wake-up is due; the batch due within the
 * window of a batched wake-up; never more than
 * the `max-burst` property (or 64 without a rate) and @limit. After
 * a stall, with %MCTX_CATCH_UP_BURST, the slots missed beyond that are
 * dropped here. Send them, then call mctx_pacer_advance() with how many
 * went.
 *
 * Returns: the number of datagrams that may go now
 *
 * Since: 1.0
 */
guint
mctx_pacer_count_due (MctxPacer *self,
                      gint64     now_us,
                      gsize      size,
                      guint      limit)
{
  double interval, horizon, due;

  g_return_val_if_fail (MCTX_IS_PACER (self), 0);

  self->last_size = size;
  interval = interval_us (self, size);
  if (interval <= 0.0)
    return limit;  /* without a rate: as many as the caller takes at once */

  /* A batched wake-up sends what is due by the end of its window. */
  horizon = (double) now_us + window_us (self, interval) / 2;
  if (self->next_due_us > horizon || now_us < self->not_before_us)
    return 0;

  due = floor ((horizon - self->next_due_us) / interval) + 1;
  if (due > self->max_burst && self->catch_up == MCTX_CATCH_UP_DROP)
    {
      /* The oldest missed slots go; the newest max-burst are still near
       * their time. The schedule keeps its phase. */
      double dropped = due - self->max_burst;

      self->next_due_us += dropped * interval;
      self->skipped += (guint64) dropped;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SKIPPED]);
    }
  if (due > 1 && due >= self->max_burst)
    /* A full burst: the next datagram waits an interval, even one due
     * sooner, or it would leave right behind the burst and make it one
     * larger. Behind schedule, the sender catches up at max-burst times
     * the rate. */
    self->not_before_us = now_us + (gint64) ceil (interval);

  return (guint) MIN (MIN (due, (double) self->max_burst), (double) limit);
}

/*
 * mctx_pacer_advance:
 * @self: a pacer
 * @n: how many datagrams went (or gave up their slots)
 * @size: their size
 *
 * Moves the schedule past @n datagrams of @size bytes.
 *
 * Since: 1.0
 */
void
mctx_pacer_advance (MctxPacer *self,
                    guint      n,
                    gsize      size)
{
  g_return_if_fail (MCTX_IS_PACER (self));

  self->last_size = size;
  self->next_due_us += n * interval_us (self, size);
}

/*
 * mctx_pacer_get_schedule:
 * @self: a pacer
 * @size: the size of the next datagrams
 * @step_us: (out): the time between two of them, 0 without a rate
 *
 * Tells when the next datagram is due, for measuring how far from it it
 * really leaves.
 *
 * Returns: its slot, on the monotonic clock, in microseconds; 0 without a
 *   rate
 */
double
mctx_pacer_get_schedule (MctxPacer *self,
                         gsize      size,
                         double    *step_us)
{
  g_return_val_if_fail (MCTX_IS_PACER (self), 0.0);

  *step_us = interval_us (self, size);
  return *step_us > 0.0 ? self->next_due_us : 0.0;
}

/*
 * mctx_pacer_note_wake_up:
 * @self: a pacer
 * @late_us: how long after the time asked for the sender woke
 *
 * Tells the pacer how late a wake-up came, for the automatic lead: the
 * lateness of the recent ones, a maximum that a late wake-up raises at
 * once and that decays by a thirty-second per wake-up, so that a spike
 * costs a few hundred spins, not the run.
 */
void
mctx_pacer_note_wake_up (MctxPacer *self,
                         gint64     late_us)
{
  g_return_if_fail (MCTX_IS_PACER (self));

  self->wake_late_us = MAX ((double) MAX (late_us, 0), self->wake_late_us * (31.0 / 32.0));
}

/*
 * mctx_pacer_get_wake_time:
 * @self: a pacer
 *
 * Tells when the sender should wake next: the next datagram's due time, or
 * for batches the middle of the next window; a time in the past when
 * datagrams are due, and 0 without a rate.
 *
 * Returns: the time, on the monotonic clock, in microseconds
 *
 * Since: 1.0
 */
gint64
mctx_pacer_get_wake_time (MctxPacer *self)
{
  double interval;

  g_return_val_if_fail (MCTX_IS_PACER (self), 0);

  interval = interval_us (self, self->last_size);
  if (interval <= 0.0)
    return 0;

  return MAX ((gint64) ceil (self->next_due_us + window_us (self, interval) / 2), self->not_before_us);
}

/*
 * mctx_pacer_get_wake_lead:
 * @self: a pacer
 *
 * Tells how long before the wake time a sender should stop sleeping, and
 * spin until it, when a wake-up goes to each datagram:
 * the `spin` property µs, at most half the interval, or when it is
 * negative the measured lateness of wake-ups, at most a fifth of the
 * interval and 50 µs; 0 otherwise. The spin costs
 * that fraction of a processor and takes the latency of waking an idle one
 * out of the schedule error.
 *
 * Returns: the lead in microseconds
 *
 * Since: 1.0
 */
guint
mctx_pacer_get_wake_lead (MctxPacer *self)
{
  double interval;

  g_return_val_if_fail (MCTX_IS_PACER (self), 0);

  interval = interval_us (self, self->last_size);
  if (mode_for (interval) != MCTX_PACING_MODE_PER_DATAGRAM)
    return 0;
  if (self->spin_us < 0)
    return (guint) MIN (MIN (MAX_WAKE_LEAD_US, interval / 5), ceil (self->wake_late_us) + 2);
  return (guint) MIN ((double) self->spin_us, interval / 2);
}

/*
 * mctx_pacer_get_mode:
 * @self: a pacer
 *
 * Gets how datagrams are spaced at the current rate.
 *
 * Returns: the pacing mode
 *
 * Since: 1.0
 */
MctxPacingMode
mctx_pacer_get_mode (MctxPacer *self)
{
  g_return_val_if_fail (MCTX_IS_PACER (self), MCTX_PACING_MODE_UNLIMITED);

  return mode_for (interval_us (self, self->last_size));
}

/*
 * mctx_pacer_get_skipped:
 * @self: a pacer
 *
 * Gets how many slots were dropped since the start.
 *
 * Returns: the number of slots
 *
 * Since: 1.0
 */
guint64
mctx_pacer_get_skipped (MctxPacer *self)
{
  g_return_val_if_fail (MCTX_IS_PACER (self), 0);

  return self->skipped;
}

/*
 * mctx_pacer_get_packets_per_second:
 * @self: a pacer
 *
 * Gets the packet rate, 0 for no limit.
 *
 * Returns: the packet rate
 *
 * Since: 1.0
 */
double
mctx_pacer_get_packets_per_second (MctxPacer *self)
{
  g_return_val_if_fail (MCTX_IS_PACER (self), 0);

  return self->packets_per_second;
}

/*
 * mctx_pacer_set_packets_per_second:
 * @self: a pacer
 * @rate: packets per second, 0 for no limit
 *
 * Sets the packet rate; it applies from the next datagram on.
 *
 * Since: 1.0
 */
void
mctx_pacer_set_packets_per_second (MctxPacer *self,
                                   double rate)
{
  g_return_if_fail (MCTX_IS_PACER (self));

  if (self->packets_per_second == rate)
    return;

  self->packets_per_second = rate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PACKETS_PER_SECOND]);
}

/*
 * mctx_pacer_get_bits_per_second:
 * @self: a pacer
 *
 * Gets the bit rate, 0 for no limit.
 *
 * Returns: the bit rate
 *
 * Since: 1.0
 */
double
mctx_pacer_get_bits_per_second (MctxPacer *self)
{
  g_return_val_if_fail (MCTX_IS_PACER (self), 0);

  return self->bits_per_second;
}

/*
 * mctx_pacer_set_bits_per_second:
 * @self: a pacer
 * @rate: bits per second, 0 for no limit
 *
 * Sets the bit rate; it applies from the next datagram on.
 *
 * Since: 1.0
 */
void
mctx_pacer_set_bits_per_second (MctxPacer *self,
                                double rate)
{
  g_return_if_fail (MCTX_IS_PACER (self));

  if (self->bits_per_second == rate)
    return;

  self->bits_per_second = rate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BITS_PER_SECOND]);
}

/*
 * mctx_pacer_get_overhead:
 * @self: a pacer
 *
 * Gets the bytes each datagram adds for the bit rate.
 *
 * Returns: the bytes each datagram adds for the bit rate
 *
 * Since: 1.0
 */
guint
mctx_pacer_get_overhead (MctxPacer *self)
{
  g_return_val_if_fail (MCTX_IS_PACER (self), 0);

  return self->overhead;
}

/*
 * mctx_pacer_set_overhead:
 * @self: a pacer
 * @bytes: bytes per datagram, such as 28 for UDP in IPv4
 *
 * Sets the bytes each datagram adds for the bit rate; it applies from the next datagram on.
 *
 * Since: 1.0
 */
void
mctx_pacer_set_overhead (MctxPacer *self,
                         guint bytes)
{
  g_return_if_fail (MCTX_IS_PACER (self));
  g_return_if_fail (bytes <= 65535);

  if (self->overhead == bytes)
    return;

  self->overhead = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVERHEAD]);
}

/*
 * mctx_pacer_get_max_burst:
 * @self: a pacer
 *
 * Gets the most datagrams sent back to back.
 *
 * Returns: the most datagrams sent back to back
 *
 * Since: 1.0
 */
guint
mctx_pacer_get_max_burst (MctxPacer *self)
{
  g_return_val_if_fail (MCTX_IS_PACER (self), 0);

  return self->max_burst;
}

/*
 * mctx_pacer_set_max_burst:
 * @self: a pacer
 * @max_burst: from 1 to 1024
 *
 * Sets the most datagrams sent back to back; it applies from the next datagram on.
 *
 * Since: 1.0
 */
void
mctx_pacer_set_max_burst (MctxPacer *self,
                          guint max_burst)
{
  g_return_if_fail (MCTX_IS_PACER (self));
  g_return_if_fail (max_burst >= 1 && max_burst <= 1024);

  if (self->max_burst == max_burst)
    return;

  self->max_burst = max_burst;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_BURST]);
}

/*
 * mctx_pacer_get_catch_up:
 * @self: a pacer
 *
 * Gets what happens to missed slots.
 *
 * Returns: what happens to missed slots
 *
 * Since: 1.0
 */
MctxCatchUp
mctx_pacer_get_catch_up (MctxPacer *self)
{
  g_return_val_if_fail (MCTX_IS_PACER (self), 0);

  return self->catch_up;
}

/*
 * mctx_pacer_set_catch_up:
 * @self: a pacer
 * @catch_up: the catch-up policy
 *
 * Sets what happens to missed slots; it applies from the next datagram on.
 *
 * Since: 1.0
 */
void
mctx_pacer_set_catch_up (MctxPacer *self,
                         MctxCatchUp catch_up)
{
  g_return_if_fail (MCTX_IS_PACER (self));
  g_return_if_fail (catch_up == MCTX_CATCH_UP_BURST || catch_up == MCTX_CATCH_UP_DROP);

  if (self->catch_up == catch_up)
    return;

  self->catch_up = catch_up;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATCH_UP]);
}

/*
 * mctx_pacer_get_spin:
 * @self: a pacer
 *
 * Gets how long a sender spins before each datagram's time.
 *
 * Returns: microseconds, or a negative number for the default
 *
 * Since: 1.0
 */
int
mctx_pacer_get_spin (MctxPacer *self)
{
  g_return_val_if_fail (MCTX_IS_PACER (self), -1);

  return self->spin_us;
}

/*
 * mctx_pacer_set_spin:
 * @self: a pacer
 * @spin_us: microseconds to spin before each datagram's time (at most half
 *   the interval), 0 never to, or negative for the default
 *
 * Sets how long a sender that wakes once per datagram spins before the
 * datagram's time instead of sleeping: precision paid for in processor
 * time. It applies from the next wake-up on.
 *
 * Since: 1.0
 */
void
mctx_pacer_set_spin (MctxPacer *self,
                     int        spin_us)
{
  g_return_if_fail (MCTX_IS_PACER (self));

  spin_us = MAX (spin_us, -1);
  if (self->spin_us == spin_us)
    return;

  self->spin_us = spin_us;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPIN]);
}
