/* mctx-paced-sender.c: sending on a schedule from the main loop
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "mctx-private.h"

/**
 * MctxPacedSender:
 *
 * Sends through a publication at a fixed rate, driven by the thread-default
 * main context of the thread that calls [method@Mctx.PacedSender.run_async].
 *
 * The rate is given in packets per second, in bits per second of payload,
 * or both (the slower wins); with neither, packets go out as fast as the
 * socket takes them, yielding to the main loop between bursts. Payloads
 * are one #GBytes sent [property@Mctx.PacedSender:count] times, or come
 * from a [callback@Mctx.PayloadFunc].
 *
 * Packet *n* is due at the start time plus the intervals before it, so the
 * rate does not drift however late the main loop wakes. The sender wakes
 * at microsecond resolution (a `timerfd` in the main context, which timer
 * slack does not delay): once per packet at modest rates, once per small
 * batch at high ones ([property@Mctx.PacedSender:pacing-mode]). Packets due
 * at once go in one batched send. After a stall it sends at most
 * [property@Mctx.PacedSender:max-burst] late packets at once
 * ([property@Mctx.PacedSender:catch-up]). When the send buffer is full the
 * sender waits for the socket to become writable. It never spins unless
 * [property@Mctx.PacedSender:spin] asks it to.
 *
 * A run ends by itself after [property@Mctx.PacedSender:count] packets or
 * [property@Mctx.PacedSender:duration] seconds. It drives any kind of
 * publication: UDP ones, and raw ones sending complete datagrams.
 *
 * [signal@Mctx.PacedSender::progress] reports the counts at most every
 * [property@Mctx.PacedSender:progress-interval] milliseconds, and once at
 * the end.
 *
 * Threads: a paced sender belongs to the thread whose main context runs it;
 * its signals are emitted there. Its publication may meanwhile be used from
 * other threads.
 *
 * See also: [Pacing](topic-pacing.html).
 *
 * Since: 1.0
 */

struct _MctxPacedSender
{
  GObject parent_instance;

  MctxPublication *publication;
  GBytes *payload;
  guint64 count;
  double duration;          /* seconds; 0: no limit */
  MctxPayloadFunc func;
  gpointer func_data;
  GDestroyNotify func_notify;

  MctxPacer *pacer;
  MctxRateBasis rate_basis;
  guint progress_interval_ms;

  guint64 packets_sent;
  guint64 bytes_sent;
  guint64 send_errors;
  gboolean stop_on_error;
  gboolean segmented;

  /* While running */
  GTask *task;
  GSource *timer;           /* a TimerSource */
  gint64 wake_us;           /* the datagram's time the timer is for */
  gint64 armed_us;          /* the time the timer was armed for, 0: at once */
  GSource *writable;
  GQueue pending;           /* fetched but not sent: the buffer was full */
  guint64 fetched;          /* payloads taken from the function so far */
  gboolean exhausted;       /* the function said there are no more */
  gint64 last_progress_us;
  gint64 end_us;            /* when a --duration run ends; 0: never */
  gboolean segmenting;      /* segmented sends work on this route */
  gboolean dispatching;     /* in on_timer(), against re-entry */
  guint8 *replica;          /* segmented, the one payload back to back */
  guint replicas;           /* how many times, one segmented send's worth */
  GOutputVector *replica_vectors;    /* MAX_BURST datagrams in the replica */
  GOutputMessage *replica_messages;  /* one for each of those vectors */
};

G_DEFINE_FINAL_TYPE (MctxPacedSender, mctx_paced_sender, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PUBLICATION,
  PROP_PAYLOAD,
  PROP_COUNT,
  PROP_DURATION,
  PROP_PACKETS_PER_SECOND,
  PROP_BITS_PER_SECOND,
  PROP_PROGRESS_INTERVAL,
  PROP_PACKETS_SENT,
  PROP_BYTES_SENT,
  PROP_STOP_ON_ERROR,
  PROP_SEGMENTED,
  PROP_SEND_ERRORS,
  PROP_CATCH_UP,
  PROP_MAX_BURST,
  PROP_SPIN,
  PROP_RATE_BASIS,
  PROP_PACING_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  SIGNAL_PACKET_SENT,
  SIGNAL_SEND_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* How many packets one send takes at most, and after how many a dispatch
 * may yield (its last send may take it up to twice that): enough for whole
 * segmented sends of any size. It yields once it has also run DISPATCH_US
 * (a quarter of a millisecond), so that other sources wait no longer. */
#define MAX_BURST 256
#define DISPATCH_US 250

#define RUN_ASYNC_TAG ((gpointer) (guintptr) mctx_paced_sender_run_async)

static void
mctx_paced_sender_dispose (GObject *object)
{
  MctxPacedSender *self = MCTX_PACED_SENDER (object);

  /* A running task holds a reference, but a signal handler may still call
   * g_object_run_dispose(): the payloads then end, and so does the run. */
  g_queue_clear_full (&self->pending, (GDestroyNotify) g_bytes_unref);
  if (self->func_notify != NULL)
    g_clear_pointer (&self->func_data, self->func_notify);
  self->func = NULL;
  self->exhausted = TRUE;

  G_OBJECT_CLASS (mctx_paced_sender_parent_class)->dispose (object);
}

/* The one payload's layout for a segmented run, made by run_async(). */
static void
clear_replica (MctxPacedSender *self)
{
  g_clear_pointer (&self->replica, g_free);
  g_clear_pointer (&self->replica_vectors, g_free);
  g_clear_pointer (&self->replica_messages, g_free);
  self->replicas = 0;
}

static void
mctx_paced_sender_finalize (GObject *object)
{
  MctxPacedSender *self = MCTX_PACED_SENDER (object);

  g_clear_object (&self->publication);
  g_clear_pointer (&self->payload, g_bytes_unref);
  clear_replica (self);
  g_clear_object (&self->pacer);

  G_OBJECT_CLASS (mctx_paced_sender_parent_class)->finalize (object);
}

static void
mctx_paced_sender_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MctxPacedSender *self = MCTX_PACED_SENDER (object);

  switch (prop_id)
    {
    case PROP_PUBLICATION:
      g_value_set_object (value, self->publication);
      break;
    case PROP_PAYLOAD:
      g_value_set_boxed (value, self->payload);
      break;
    case PROP_COUNT:
      g_value_set_uint64 (value, self->count);
      break;
    case PROP_DURATION:
      g_value_set_double (value, self->duration);
      break;
    case PROP_PACKETS_PER_SECOND:
      g_value_set_double (value, mctx_pacer_get_packets_per_second (self->pacer));
      break;
    case PROP_BITS_PER_SECOND:
      g_value_set_double (value, mctx_pacer_get_bits_per_second (self->pacer));
      break;
    case PROP_CATCH_UP:
      g_value_set_enum (value, mctx_pacer_get_catch_up (self->pacer));
      break;
    case PROP_MAX_BURST:
      g_value_set_uint (value, mctx_pacer_get_max_burst (self->pacer));
      break;
    case PROP_SPIN:
      g_value_set_int (value, mctx_pacer_get_spin (self->pacer));
      break;
    case PROP_RATE_BASIS:
      g_value_set_enum (value, self->rate_basis);
      break;
    case PROP_PACING_MODE:
      g_value_set_enum (value, mctx_pacer_get_mode (self->pacer));
      break;
    case PROP_PROGRESS_INTERVAL:
      g_value_set_uint (value, self->progress_interval_ms);
      break;
    case PROP_PACKETS_SENT:
      g_value_set_uint64 (value, self->packets_sent);
      break;
    case PROP_SEND_ERRORS:
      g_value_set_uint64 (value, self->send_errors);
      break;
    case PROP_STOP_ON_ERROR:
      g_value_set_boolean (value, self->stop_on_error);
      break;
    case PROP_SEGMENTED:
      g_value_set_boolean (value, self->segmented);
      break;
    case PROP_BYTES_SENT:
      g_value_set_uint64 (value, self->bytes_sent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_paced_sender_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MctxPacedSender *self = MCTX_PACED_SENDER (object);

  switch (prop_id)
    {
    case PROP_PUBLICATION:
      self->publication = g_value_dup_object (value);
      break;
    case PROP_PAYLOAD:
      self->payload = g_value_dup_boxed (value);
      break;
    case PROP_COUNT:
      self->count = g_value_get_uint64 (value);
      break;
    case PROP_DURATION:
      mctx_paced_sender_set_duration (self, g_value_get_double (value));
      break;
    case PROP_PACKETS_PER_SECOND:
      mctx_paced_sender_set_packets_per_second (self, g_value_get_double (value));
      break;
    case PROP_BITS_PER_SECOND:
      mctx_paced_sender_set_bits_per_second (self, g_value_get_double (value));
      break;
    case PROP_PROGRESS_INTERVAL:
      mctx_paced_sender_set_progress_interval (self, g_value_get_uint (value));
      break;
    case PROP_STOP_ON_ERROR:
      mctx_paced_sender_set_stop_on_error (self, g_value_get_boolean (value));
      break;
    case PROP_SEGMENTED:
      mctx_paced_sender_set_segmented (self, g_value_get_boolean (value));
      break;
    case PROP_RATE_BASIS:
      mctx_paced_sender_set_rate_basis (self, g_value_get_enum (value));
      break;
    case PROP_CATCH_UP:
      mctx_paced_sender_set_catch_up (self, g_value_get_enum (value));
      break;
    case PROP_MAX_BURST:
      mctx_paced_sender_set_max_burst (self, g_value_get_uint (value));
      break;
    case PROP_SPIN:
      mctx_paced_sender_set_spin (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_paced_sender_class_init (MctxPacedSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _mctx_ensure_i18n ();

  object_class->dispose = mctx_paced_sender_dispose;
  object_class->finalize = mctx_paced_sender_finalize;
  object_class->get_property = mctx_paced_sender_get_property;
  object_class->set_property = mctx_paced_sender_set_property;

  /**
   * MctxPacedSender:publication: (getter get_publication)
   *
   * The publication the packets go through.
   *
   * Since: 1.0
   */
  properties[PROP_PUBLICATION] =
    g_param_spec_object ("publication", NULL, NULL,
                         MCTX_TYPE_PUBLICATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:payload:
   *
   * The payload sent [property@Mctx.PacedSender:count] times, or %NULL when
   * a [callback@Mctx.PayloadFunc] supplies payloads.
   *
   * Since: 1.0
   */
  properties[PROP_PAYLOAD] =
    g_param_spec_boxed ("payload", NULL, NULL,
                        G_TYPE_BYTES,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:count: (getter get_count)
   *
   * How many packets to send; 0 sends until cancelled (or, with a payload
   * function, until it returns %NULL).
   *
   * Since: 1.0
   */
  properties[PROP_COUNT] =
    g_param_spec_uint64 ("count", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:duration: (getter get_duration) (setter set_duration)
   *
   * How long a run sends, in seconds from its start; 0, the default, for
   * no limit. A run that reaches it ends cleanly: its finish returns
   * %TRUE, as after [property@Mctx.PacedSender:count] packets. Whichever
   * of the two comes first ends the run. Negative or not-a-number values
   * are taken as 0.
   *
   * Since: 1.0
   */
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL,
                         0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:packets-per-second: (getter get_packets_per_second) (setter set_packets_per_second)
   *
   * The packet rate; 0 for no packet-rate limit.
   *
   * Since: 1.0
   */
  properties[PROP_PACKETS_PER_SECOND] =
    g_param_spec_double ("packets-per-second", NULL, NULL,
                         -INFINITY, INFINITY, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:bits-per-second: (getter get_bits_per_second) (setter set_bits_per_second)
   *
   * The bit rate, of payloads or of datagrams on the wire
   * ([property@Mctx.PacedSender:rate-basis]); 0 for no bit-rate limit.
   *
   * Since: 1.0
   */
  properties[PROP_BITS_PER_SECOND] =
    g_param_spec_double ("bits-per-second", NULL, NULL,
                         -INFINITY, INFINITY, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:progress-interval: (getter get_progress_interval) (setter set_progress_interval)
   *
   * The least time between two [signal@Mctx.PacedSender::progress]
   * emissions, in milliseconds.
   *
   * Since: 1.0
   */
  properties[PROP_PROGRESS_INTERVAL] =
    g_param_spec_uint ("progress-interval", NULL, NULL,
                       0, G_MAXUINT, 100,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:packets-sent:
   *
   * How many packets the current or last run sent. Not notified: follow
   * [signal@Mctx.PacedSender::progress] instead.
   *
   * Since: 1.0
   */
  properties[PROP_PACKETS_SENT] =
    g_param_spec_uint64 ("packets-sent", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:bytes-sent:
   *
   * How many payload bytes the current or last run sent.
   *
   * Since: 1.0
   */
  properties[PROP_BYTES_SENT] =
    g_param_spec_uint64 ("bytes-sent", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:stop-on-error: (getter get_stop_on_error) (setter set_stop_on_error)
   *
   * Whether a failed send ends the run (the default). When %FALSE, a send
   * that fails for another reason than a full buffer is reported by
   * [signal@Mctx.PacedSender::send-failed] and counted in
   * [property@Mctx.PacedSender:send-errors], its slot in the schedule is
   * given up, and the run goes on: what a sender that must outlive a link
   * flap or a full interface queue wants. [property@Mctx.PacedSender:count]
   * then counts failed packets too.
   *
   * Since: 1.0
   */
  properties[PROP_STOP_ON_ERROR] =
    g_param_spec_boolean ("stop-on-error", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:segmented: (getter get_segmented) (setter set_segmented)
   *
   * Whether datagrams of one size that are due together go as one
   * segmented send (`MCTX_SEND_FLAGS_SEGMENTED`, UDP GSO)
   * rather than a batch: at high rates the kernel's work per datagram
   * falls by half or more, and they still leave as separate datagrams,
   * back to back. Where the route cannot segment, the run falls back to
   * batches by itself.
   *
   * Off by default, because a queueing discipline that splits a segmented
   * send again (`tbf`, when the send is larger than its burst) can drop
   * some of its datagrams without the send failing: they are then
   * counted as sent. A batch reports every datagram the kernel drops.
   *
   * Since: 1.0
   */
  properties[PROP_SEGMENTED] =
    g_param_spec_boolean ("segmented", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:send-errors:
   *
   * How many sends of the current or last run failed and were given up
   * (only when [property@Mctx.PacedSender:stop-on-error] is %FALSE).
   *
   * Since: 1.0
   */
  properties[PROP_SEND_ERRORS] =
    g_param_spec_uint64 ("send-errors", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:catch-up: (getter get_catch_up) (setter set_catch_up)
   *
   * What happens to the slots missed while the sender could not run, as
   * after a stall of the main loop.
   *
   * Since: 1.0
   */
  properties[PROP_CATCH_UP] =
    g_param_spec_enum ("catch-up", NULL, NULL,
                       MCTX_TYPE_CATCH_UP, MCTX_CATCH_UP_BURST,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:max-burst: (getter get_max_burst) (setter set_max_burst)
   *
   * The most datagrams sent at once after the sender fell behind, 1 or
   * more; one burst per interval until the schedule is met again.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_BURST] =
    g_param_spec_uint ("max-burst", NULL, NULL,
                       1, G_MAXUINT, 16,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:spin: (getter get_spin) (setter set_spin)
   *
   * How long, in microseconds, the sender stops sleeping before each
   * datagram's time and spins instead, when it wakes once per datagram (at
   * most half the interval). A sleeping thread wakes late by however long
   * the system takes to run it again (tens of microseconds, more in a
   * virtual machine); a spinning one does not, and pays with that share of
   * a processor, inside the main context's dispatch, where no other source
   * runs meanwhile.
   *
   * 0, the default, never spins: a library does not burn a processor in a
   * main loop that did not ask it to. Negative chooses an automatic lead:
   * how late this sender's wake-ups have come, at most a fifth of the
   * interval and 50 µs, as the tools do unless given `--spin`.
   *
   * Since: 1.0
   */
  properties[PROP_SPIN] =
    g_param_spec_int ("spin", NULL, NULL,
                      G_MININT, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:rate-basis: (getter get_rate_basis) (setter set_rate_basis)
   *
   * What [property@Mctx.PacedSender:bits-per-second] counts: the payload
   * (the default), or the datagram on the wire, with its UDP header and its
   * IPv4 (20 bytes) or IPv6 (40 bytes) header.
   *
   * Since: 1.0
   */
  properties[PROP_RATE_BASIS] =
    g_param_spec_enum ("rate-basis", NULL, NULL, MCTX_TYPE_RATE_BASIS, MCTX_RATE_BASIS_PAYLOAD,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPacedSender:pacing-mode: (getter get_pacing_mode)
   *
   * How the packets are spaced at the current rate: one wake-up per packet,
   * one per small batch, or no rate at all.
   *
   * Since: 1.0
   */
  properties[PROP_PACING_MODE] =
    g_param_spec_enum ("pacing-mode", NULL, NULL, MCTX_TYPE_PACING_MODE, MCTX_PACING_MODE_UNLIMITED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MctxPacedSender::send-failed:
   * @sender: the paced sender
   * @index: the number of the packet, counting from 0
   * @error: why its send failed
   *
   * Emitted for each send that failed while
   * [property@Mctx.PacedSender:stop-on-error] is %FALSE.
   *
   * Since: 1.0
   */
  signals[SIGNAL_SEND_FAILED] =
    g_signal_new ("send-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_ERROR);

  /**
   * MctxPacedSender::progress:
   * @sender: the paced sender
   * @packets_sent: packets sent so far in this run
   * @bytes_sent: payload bytes sent so far in this run
   *
   * Reports progress while running, at most every
   * [property@Mctx.PacedSender:progress-interval] milliseconds, and once
   * when the run ends. Emitted in the main context the run started in.
   *
   * Since: 1.0
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);

  /**
   * MctxPacedSender::packet-sent:
   * @sender: the paced sender
   * @index: the number of the packet, counting from 0
   * @bytes: its payload size
   *
   * Emitted after each packet. Only connect to it at modest rates: it
   * costs a signal emission per packet (nothing when no handler is
   * connected).
   *
   * Since: 1.0
   */
  signals[SIGNAL_PACKET_SENT] =
    g_signal_new ("packet-sent",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
mctx_paced_sender_init (MctxPacedSender *self)
{
  self->progress_interval_ms = 100;
  self->stop_on_error = TRUE;
  self->pacer = mctx_pacer_new ();
}

/**
 * mctx_paced_sender_new:
 * @publication: the publication to send through
 * @payload: the payload of every packet
 * @count: how many packets to send, 0 until cancelled
 *
 * Creates a paced sender that sends @payload @count times. Set a rate
 * before running it.
 *
 * Returns: (transfer full): a new paced sender
 *
 * Since: 1.0
 */
MctxPacedSender *
mctx_paced_sender_new (MctxPublication *publication,
                       GBytes          *payload,
                       guint64          count)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (publication), NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  return g_object_new (MCTX_TYPE_PACED_SENDER,
                       "publication", publication,
                       "payload", payload,
                       "count", count,
                       NULL);
}

/**
 * mctx_paced_sender_new_with_func:
 * @publication: the publication to send through
 * @func: (scope notified) (closure user_data): supplies each payload
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data
 *
 * Creates a paced sender whose payloads come from @func, until it returns
 * %NULL.
 *
 * Returns: (transfer full): a new paced sender
 *
 * Since: 1.0
 */
MctxPacedSender *
mctx_paced_sender_new_with_func (MctxPublication *publication,
                                 MctxPayloadFunc  func,
                                 gpointer         user_data,
                                 GDestroyNotify   notify)
{
  MctxPacedSender *self;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (publication), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (MCTX_TYPE_PACED_SENDER, "publication", publication, NULL);
  self->func = func;
  self->func_data = user_data;
  self->func_notify = notify;

  return self;
}

/**
 * mctx_paced_sender_get_publication: (get-property publication)
 * @self: a paced sender
 *
 * Gets the publication the packets go through.
 *
 * Returns: (transfer none): the publication
 *
 * Since: 1.0
 */
MctxPublication *
mctx_paced_sender_get_publication (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), NULL);

  return self->publication;
}

/**
 * mctx_paced_sender_get_count: (get-property count)
 * @self: a paced sender
 *
 * Gets how many packets a run sends.
 *
 * Returns: the count, 0 for no limit
 *
 * Since: 1.0
 */
guint64
mctx_paced_sender_get_count (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), 0);

  return self->count;
}

/**
 * mctx_paced_sender_get_duration: (get-property duration)
 * @self: a paced sender
 *
 * Gets how long a run sends.
 *
 * Returns: the duration in seconds, 0 for no limit
 *
 * Since: 1.0
 */
double
mctx_paced_sender_get_duration (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), 0.0);

  return self->duration;
}

/**
 * mctx_paced_sender_set_duration: (set-property duration)
 * @self: a paced sender
 * @seconds: how long a run sends, 0 for no limit
 *
 * Sets how long a run sends before it ends by itself, cleanly. It applies
 * to the next run.
 *
 * Since: 1.0
 */
void
mctx_paced_sender_set_duration (MctxPacedSender *self,
                                double           seconds)
{
  g_return_if_fail (MCTX_IS_PACED_SENDER (self));

  /* Forever is no limit too. */
  if (!(seconds > 0.0) || isinf (seconds))
    seconds = 0.0;
  if (self->duration == seconds)
    return;

  self->duration = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
}

/**
 * mctx_paced_sender_get_packets_per_second: (get-property packets-per-second)
 * @self: a paced sender
 *
 * Gets the packet rate.
 *
 * Returns: packets per second, 0 for no limit
 *
 * Since: 1.0
 */
double
mctx_paced_sender_get_packets_per_second (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), 0.0);

  return mctx_pacer_get_packets_per_second (self->pacer);
}

/**
 * mctx_paced_sender_set_packets_per_second: (set-property packets-per-second)
 * @self: a paced sender
 * @rate: packets per second, 0 for no limit
 *
 * Sets the packet rate. A running sender uses it from the next packet on.
 * A rate that cannot be honoured (negative, not a number, infinite, or
 * slower than one packet a day) is not refused here: the run ends with
 * %MCTX_ERROR_INVALID_RATE, or does not start.
 *
 * Since: 1.0
 */
void
mctx_paced_sender_set_packets_per_second (MctxPacedSender *self,
                                          double           rate)
{
  g_return_if_fail (MCTX_IS_PACED_SENDER (self));

  if (mctx_pacer_get_packets_per_second (self->pacer) == rate)
    return;

  mctx_pacer_set_packets_per_second (self->pacer, rate);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PACKETS_PER_SECOND]);
}

/**
 * mctx_paced_sender_get_bits_per_second: (get-property bits-per-second)
 * @self: a paced sender
 *
 * Gets the payload bit rate.
 *
 * Returns: bits per second, 0 for no limit
 *
 * Since: 1.0
 */
double
mctx_paced_sender_get_bits_per_second (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), 0.0);

  return mctx_pacer_get_bits_per_second (self->pacer);
}

/**
 * mctx_paced_sender_set_bits_per_second: (set-property bits-per-second)
 * @self: a paced sender
 * @rate: payload bits per second, 0 for no limit
 *
 * Sets the payload bit rate: each packet is followed by the time its
 * payload takes at this rate. A rate that cannot be honoured (negative,
 * not a number, infinite, or below 1 bit per second) ends the run with
 * %MCTX_ERROR_INVALID_RATE, or keeps it from starting.
 *
 * Since: 1.0
 */
void
mctx_paced_sender_set_bits_per_second (MctxPacedSender *self,
                                       double           rate)
{
  g_return_if_fail (MCTX_IS_PACED_SENDER (self));

  if (mctx_pacer_get_bits_per_second (self->pacer) == rate)
    return;

  mctx_pacer_set_bits_per_second (self->pacer, rate);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BITS_PER_SECOND]);
}

/**
 * mctx_paced_sender_get_progress_interval: (get-property progress-interval)
 * @self: a paced sender
 *
 * Gets the least time between progress reports.
 *
 * Returns: the interval in milliseconds
 *
 * Since: 1.0
 */
guint
mctx_paced_sender_get_progress_interval (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), 0);

  return self->progress_interval_ms;
}

/**
 * mctx_paced_sender_set_progress_interval: (set-property progress-interval)
 * @self: a paced sender
 * @interval_ms: the interval in milliseconds
 *
 * Sets the least time between progress reports.
 *
 * Since: 1.0
 */
void
mctx_paced_sender_set_progress_interval (MctxPacedSender *self,
                                         guint            interval_ms)
{
  g_return_if_fail (MCTX_IS_PACED_SENDER (self));

  if (self->progress_interval_ms == interval_ms)
    return;

  self->progress_interval_ms = interval_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_INTERVAL]);
}

/**
 * mctx_paced_sender_get_counter:
 * @self: a paced sender
 * @counter: which counter: %MCTX_METRICS_COUNTER_PACKETS_SENT,
 *   %MCTX_METRICS_COUNTER_BYTES_SENT (payload bytes),
 *   %MCTX_METRICS_COUNTER_SEND_ERRORS (sends given up) or
 *   %MCTX_METRICS_COUNTER_SEND_CALLS (both)
 *
 * Gets what the current or last run did, in the vocabulary of the metrics
 * (also the properties [property@Mctx.PacedSender:packets-sent],
 * [property@Mctx.PacedSender:bytes-sent] and
 * [property@Mctx.PacedSender:send-errors]). The publication's own metrics
 * count every send it made, this run's and others'.
 *
 * Returns: the count, 0 for counters a run does not keep
 *
 * Since: 1.0
 */
guint64
mctx_paced_sender_get_counter (MctxPacedSender    *self,
                               MctxMetricsCounter  counter)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), 0);

  switch (counter)
    {
    case MCTX_METRICS_COUNTER_SEND_CALLS:
      return self->packets_sent + self->send_errors;
    case MCTX_METRICS_COUNTER_PACKETS_SENT:
      return self->packets_sent;
    case MCTX_METRICS_COUNTER_BYTES_SENT:
      return self->bytes_sent;
    case MCTX_METRICS_COUNTER_SEND_ERRORS:
      return self->send_errors;
    default:
      return 0;
    }
}

static GBytes *
next_payload (MctxPacedSender *self)
{
  if (!g_queue_is_empty (&self->pending))
    return g_queue_pop_head (&self->pending);

  if (self->exhausted || (self->count != 0 && self->fetched >= self->count))
    return NULL;

  if (self->func != NULL)
    {
      GBytes *payload = self->func (self, self->fetched, self->func_data);

      /* Asked once per packet, and never again after a NULL. */
      if (payload == NULL)
        self->exhausted = TRUE;
      else
        self->fetched++;
      return payload;
    }

  if (self->payload == NULL)
    return NULL;
  self->fetched++;
  return g_bytes_ref (self->payload);
}

/* How many more times, up to @max, the one payload goes. Without a payload
 * function every datagram borrows the sender's payload, which it holds for
 * the run: nothing is referenced, queued or released per datagram, and
 * nothing is ever pending. */
static guint
constant_left (MctxPacedSender *self,
               guint            max)
{
  if (self->exhausted || self->payload == NULL)
    return 0;
  if (self->count != 0)
    return (guint) MIN ((guint64) max, self->count - self->fetched);
  return max;
}

/* Payloads that did not go, from @from to @n, go first next time: back
 * in front of the queue, in order, or for the one payload back into the
 * count. */
static void
give_back (MctxPacedSender *self,
           gboolean         constant,
           GBytes         **payloads,
           guint            from,
           guint            n)
{
  if (constant)
    {
      self->fetched -= n - from;
      return;
    }
  for (guint k = n; k > from; k--)
    g_queue_push_head (&self->pending, payloads[k - 1]);
}

static gboolean
run_complete (MctxPacedSender *self)
{
  return (self->count != 0 && self->packets_sent + self->send_errors == self->count) ||
         (self->end_us != 0 && g_get_monotonic_time () >= self->end_us);
}

static void
emit_progress (MctxPacedSender *self,
               gint64           now)
{
  self->last_progress_us = now;
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, self->packets_sent, self->bytes_sent);
}

/* Ends the run: drops its sources first, so nothing dispatches after the
 * task's callback, which may run from inside g_task_return_*(). */
static void
finish (MctxPacedSender *self,
        GError          *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->writable != NULL)
    {
      g_source_destroy (self->writable);
      g_clear_pointer (&self->writable, g_source_unref);
    }
  g_queue_clear_full (&self->pending, (GDestroyNotify) g_bytes_unref);
  clear_replica (self);

  emit_progress (self, g_get_monotonic_time ());

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The sender's timer: a timerfd in the main context, armed at an absolute
 * time in nanoseconds. Unlike a main-loop timeout (milliseconds, with
 * timer slack) it wakes the loop within microseconds of the time. */
typedef struct {
  GSource source;
  int fd;
  gpointer tag;
} TimerSource;

static gboolean
timer_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  TimerSource *timer = (TimerSource *) source;
  guint64 expirations;

  if (timer->fd >= 0 && (g_source_query_unix_fd (source, timer->tag) & G_IO_IN))
    while (read (timer->fd, &expirations, sizeof expirations) < 0 && errno == EINTR)
      ;
  /* The ready time stays as it is: the callback sets the next wake-up on
   * every path, and a ready time changed here and back there would wake
   * the main context twice per dispatch for nothing. */
  return callback (user_data);
}

static void
timer_finalize (GSource *source)
{
  TimerSource *timer = (TimerSource *) source;

  if (timer->fd >= 0)
    close (timer->fd);
}

static GSourceFuncs timer_funcs = {
  .dispatch = timer_dispatch,
  .finalize = timer_finalize,
};

static GSource *
timer_source_new (void)
{
  GSource *source = g_source_new (&timer_funcs, sizeof (TimerSource));
  TimerSource *timer = (TimerSource *) source;

  /* Without a timerfd, the main loop's own timeout still works, at
   * millisecond resolution. */
  timer->fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer->fd >= 0)
    timer->tag = g_source_add_unix_fd (source, timer->fd, G_IO_IN);
  g_source_set_static_name (source, "MctxPacedSender");
  return source;
}

/* Wakes at @when_us on the monotonic clock (g_get_monotonic_time()'s,
 * CLOCK_MONOTONIC on Linux); at once for 0 or a time past. */
static void
timer_source_wake_at (GSource *source,
                      gint64   when_us)
{
  TimerSource *timer = (TimerSource *) source;
  struct itimerspec spec = { { 0, 0 }, { 0, 0 } };

  if (when_us <= g_get_monotonic_time ())
    {
      g_source_set_ready_time (source, 0);
      return;
    }
  if (timer->fd < 0)
    {
      g_source_set_ready_time (source, when_us);
      return;
    }

  spec.it_value.tv_sec = when_us / G_USEC_PER_SEC;
  spec.it_value.tv_nsec = (when_us % G_USEC_PER_SEC) * 1000;
  timerfd_settime (timer->fd, TFD_TIMER_ABSTIME, &spec, NULL);
  g_source_set_ready_time (source, -1);
}

static void
timer_source_stop (GSource *source)
{
  TimerSource *timer = (TimerSource *) source;
  struct itimerspec disarmed = { { 0, 0 }, { 0, 0 } };

  if (timer->fd >= 0)
    timerfd_settime (timer->fd, 0, &disarmed, NULL);
  g_source_set_ready_time (source, -1);
}

static gboolean
on_writable (MctxPublication *publication,
             GIOCondition     condition,
             gpointer         user_data)
{
  MctxPacedSender *self = g_task_get_source_object (user_data);

  /* Resume the schedule; the timer sends what is due, and sees any error. */
  g_clear_pointer (&self->writable, g_source_unref);
  if (self->timer != NULL)
    g_source_set_ready_time (self->timer, 0);

  return G_SOURCE_REMOVE;
}

/* The pacer counts the UDP and IP headers when the rate is on the wire. */
static void
apply_rate_basis (MctxPacedSender *self)
{
  guint overhead = 0;

  /* A raw publication's datagrams carry their headers already. */
  if (self->rate_basis == MCTX_RATE_BASIS_WIRE && MCTX_IS_UDP_PUBLICATION (self->publication))
    {
      GInetSocketAddress *destination = mctx_udp_publication_get_destination (MCTX_UDP_PUBLICATION (self->publication));
      gboolean ipv6 = g_socket_address_get_family (G_SOCKET_ADDRESS (destination)) == G_SOCKET_FAMILY_IPV6;

      overhead = 8 + (ipv6 ? 40 : 20);
    }
  mctx_pacer_set_overhead (self->pacer, overhead);
}

/* Sends @n messages due now, as the publication's send_messages() does;
 * one that measures departures measures them against the datagrams' slots,
 * moved from the monotonic clock to the kernel's. */
static gint
send_messages_due (MctxPacedSender  *self,
                   GOutputMessage   *messages,
                   guint             n,
                   MctxSendFlags     flags,
                   GError          **error)
{
  gboolean measuring = _mctx_publication_get_departures (self->publication) != NULL;
  gint64 due_ns = 0, step_ns = 0;
  gint sent;

  if (measuring)
    {
      double step_us;
      double slot_us = mctx_pacer_get_schedule (self->pacer, messages[0].vectors[0].size, &step_us);

      if (slot_us > 0.0)
        {
          due_ns = (gint64) (slot_us * 1000.0) + (mctx_stamp_now () - g_get_monotonic_time () * 1000);
          step_ns = (gint64) (step_us * 1000.0);
        }
    }

  sent = _mctx_publication_send_messages_due (self->publication, messages, n, flags, due_ns, step_ns, error);
  if (measuring)
    _mctx_publication_read_error_queue (self->publication);
  return sent;
}

/* Sends what is due, segmented when asked for: the publication sends
 * runs of one size in one send from these vectors, and batches where the
 * route refuses. */
static gint
send_due (MctxPacedSender      *self,
          const GOutputVector  *vectors,
          guint                 n,
          GError              **error)
{
  GOutputMessage messages[MAX_BURST];

  /* Field by field: a compound literal costs a memset of the whole array. */
  for (guint k = 0; k < n; k++)
    {
      messages[k].address = NULL;
      messages[k].vectors = (GOutputVector *) &vectors[k];
      messages[k].num_vectors = 1;
      messages[k].bytes_sent = 0;
      messages[k].control_messages = NULL;
      messages[k].num_control_messages = 0;
    }

  return send_messages_due (self, messages, n,
                            self->segmenting ? MCTX_SEND_FLAGS_SEGMENTED : MCTX_SEND_FLAGS_NONE, error);
}

/* Moves the schedule past @n sent datagrams, a run of one size at a
 * time. */
static void
advance_past (MctxPacer           *pacer,
              const GOutputVector *vectors,
              guint                n)
{
  for (guint k = 0; k < n; )
    {
      guint run = 1;

      while (k + run < n && vectors[k + run].size == vectors[k].size)
        run++;
      mctx_pacer_advance (pacer, run, vectors[k].size);
      k += run;
    }
}

static gboolean
send_what_is_due (GTask *task)
{
  MctxPacedSender *self = g_task_get_source_object (task);
  gint64 now = g_get_monotonic_time ();
  GError *cancelled = NULL;
  GError *invalid = NULL;
  guint burst = 0;

  /* How late the system ran this wake-up is what the lead must cover. */
  if (self->armed_us != 0)
    mctx_pacer_note_wake_up (self->pacer, now - self->armed_us);
  self->armed_us = 0;
  /* Woken early on purpose (the pacer's lead): spin to the time, which
   * takes the latency of waking an idle processor out of the schedule. */
  if (self->wake_us > now && self->wake_us - now <= (gint64) mctx_pacer_get_wake_lead (self->pacer))
    {
      while ((now = g_get_monotonic_time ()) < self->wake_us)
        ;
    }
  self->wake_us = 0;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &cancelled))
    {
      finish (self, cancelled);
      return G_SOURCE_REMOVE;
    }
  /* New rates apply from the next packet on; ones the schedule cannot
   * hold end the run. */
  if (!mctx_pacer_validate (self->pacer, &invalid))
    {
      finish (self, invalid);
      return G_SOURCE_REMOVE;
    }
  apply_rate_basis (self);
  if (run_complete (self))
    {
      finish (self, NULL);
      return G_SOURCE_REMOVE;
    }

  for (;;)
    {
      GBytes *payloads[MAX_BURST];
      GOutputVector vectors[MAX_BURST];
      const GOutputVector *sending = vectors;
      gboolean constant = self->func == NULL;
      GError *error = NULL;
      guint n = 0, due;
      gsize size;
      gboolean emit;
      gint sent;

      /* A dispatch sends MAX_BURST, and goes on for up to DISPATCH_US
       * while sends are quick (segmented ones at full speed take a
       * thousand datagrams in that time), so that a main-loop iteration is
       * a small share of the work. */
      if (burst >= MAX_BURST && g_get_monotonic_time () - now >= DISPATCH_US)
        {
          /* Let the rest of the main loop run, then carry on at once. */
          g_source_set_ready_time (self->timer, 0);
          return G_SOURCE_CONTINUE;
        }

      /* How many are due depends on the size, under a bit rate: the first
       * payload is fetched to know. */
      if (constant)
        {
          if (constant_left (self, 1) == 0)
            {
              finish (self, NULL);
              return G_SOURCE_REMOVE;
            }
          size = g_bytes_get_size (self->payload);
        }
      else
        {
          payloads[0] = next_payload (self);
          if (payloads[0] == NULL)
            {
              finish (self, NULL);
              return G_SOURCE_REMOVE;
            }
          size = g_bytes_get_size (payloads[0]);
        }
      /* Each send takes up to MAX_BURST. */
      due = mctx_pacer_count_due (self->pacer, now, size, MAX_BURST);
      /* Segmented, what is due goes in whole sends of the most segments
       * one send takes (46 of 1400 bytes): a remainder would cost a send
       * of its own in each dispatch. It goes with the next ones. */
      if (self->segmenting && due > _mctx_udp_segments_per_send (size))
        due -= due % _mctx_udp_segments_per_send (size);
      if (due == 0)
        {
          /* The one payload was only looked at, not taken. */
          if (!constant)
            give_back (self, FALSE, payloads, 0, 1);
          break;
        }

      if (constant && self->replica != NULL)
        {
          /* The messages made for the run: nothing to build per send. */
          n = constant_left (self, due);
          self->fetched += n;
          sending = self->replica_vectors;
        }
      else if (constant)
        {
          const void *data = g_bytes_get_data (self->payload, NULL);

          n = constant_left (self, due);
          self->fetched += n;
          for (guint k = 0; k < n; k++)
            vectors[k] = (GOutputVector) { data != NULL ? data : "", size };
        }
      else
        for (n = 0; n < due; n++)
          {
            if (n > 0 && (payloads[n] = next_payload (self)) == NULL)
              break;
            vectors[n].buffer = g_bytes_get_data (payloads[n], &vectors[n].size);
            if (vectors[n].buffer == NULL)
              vectors[n].buffer = "";
          }

      if (sending == self->replica_vectors)
        sent = send_messages_due (self, self->replica_messages, n, MCTX_SEND_FLAGS_SEGMENTED, &error);
      else
        sent = send_due (self, vectors, n, &error);
      if (sent < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_error_free (error);
          give_back (self, constant, payloads, 0, n);
          self->writable = mctx_publication_create_source (self->publication, NULL);
          g_task_attach_source (task, self->writable, (GSourceFunc) (void (*) (void)) on_writable);
          timer_source_stop (self->timer);
          return G_SOURCE_CONTINUE;
        }
      if (sent < 0)
        {
          give_back (self, constant, payloads, 1, n);
          /* A publication without its socket never sends again: that is
           * the end of the run, not a slot to give up. */
          if (self->stop_on_error || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
            {
              if (!constant)
                g_bytes_unref (payloads[0]);
              finish (self, error);
              return G_SOURCE_REMOVE;
            }

          /* The slot is given up; the schedule goes on. */
          g_signal_emit (self, signals[SIGNAL_SEND_FAILED], 0,
                         self->packets_sent + self->send_errors, error);
          g_error_free (error);
          self->send_errors++;
          mctx_pacer_advance (self->pacer, 1, sending[0].size);
          if (!constant)
            g_bytes_unref (payloads[0]);
          burst++;
          if (run_complete (self))
            {
              finish (self, NULL);
              return G_SOURCE_REMOVE;
            }
          continue;
        }

      /* What did not go (the buffer filled) goes first next time. */
      give_back (self, constant, payloads, (guint) sent, n);
      emit = g_signal_has_handler_pending (self, signals[SIGNAL_PACKET_SENT], 0, TRUE);
      if (constant && !emit)
        {
          /* One size, nothing to release or tell per datagram. */
          mctx_pacer_advance (self->pacer, (guint) sent, size);
          self->packets_sent += (guint) sent;
          self->bytes_sent += (guint64) sent * size;
        }
      else
        {
          advance_past (self->pacer, sending, (guint) sent);
          for (gint k = 0; k < sent; k++)
            {
              self->packets_sent++;
              self->bytes_sent += sending[k].size;
              if (!constant)
                g_bytes_unref (payloads[k]);
              if (emit)
                g_signal_emit (self, signals[SIGNAL_PACKET_SENT], 0, self->packets_sent - 1,
                               (guint64) sending[k].size);
            }
        }
      burst += (guint) sent;

      if (run_complete (self))
        {
          finish (self, NULL);
          return G_SOURCE_REMOVE;
        }
    }

  if (self->progress_interval_ms == 0 ||
      now - self->last_progress_us >= (gint64) self->progress_interval_ms * 1000)
    emit_progress (self, now);

  self->wake_us = mctx_pacer_get_wake_time (self->pacer);
  if (self->end_us != 0 && self->wake_us > self->end_us)
    self->wake_us = self->end_us;
  self->armed_us = self->wake_us - mctx_pacer_get_wake_lead (self->pacer);
  if (self->armed_us <= g_get_monotonic_time ())
    self->armed_us = 0;
  timer_source_wake_at (self->timer, self->armed_us);
  return G_SOURCE_CONTINUE;
}

/* The timer may recurse, so that the main loop does not take its timerfd
 * out of the poll and put it back around each dispatch (two wake-ups of
 * the context per dispatch, which at full speed is one every few hundred
 * datagrams). A nested main loop run from a signal handler leaves the
 * schedule to the outer dispatch, which sets the next wake-up as it
 * returns. */
static gboolean
on_timer (gpointer user_data)
{
  GTask *task = user_data;
  MctxPacedSender *self = g_task_get_source_object (task);
  gboolean again;

  if (self->dispatching)
    {
      g_source_set_ready_time (self->timer, -1);
      return G_SOURCE_CONTINUE;
    }
  /* The task, and with it the sender, lives through the dispatch. */
  self->dispatching = TRUE;
  again = send_what_is_due (task);
  self->dispatching = FALSE;
  /* A cancellation that a nested loop dispatched ends the run at once,
   * not at the next wake-up. */
  if (again && g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    g_source_set_ready_time (self->timer, 0);
  return again;
}

/**
 * mctx_paced_sender_run_async:
 * @self: a paced sender
 * @io_priority: the I/O priority of the run, such as %G_PRIORITY_DEFAULT:
 *   the priority of its timer and of its waits for writability
 * @cancellable: (nullable): a #GCancellable to stop the run
 * @callback: (scope async) (closure user_data): called when the run ends
 * @user_data: data for @callback
 *
 * Starts sending on schedule in the thread-default main context. The run
 * ends by itself, successfully, when [property@Mctx.PacedSender:count]
 * packets are sent, when [property@Mctx.PacedSender:duration] has passed,
 * or when the payload function returns %NULL. It ends with an error when a
 * send fails (other than a full buffer, which is waited out) and
 * [property@Mctx.PacedSender:stop-on-error] is set, when the publication
 * loses its socket (%G_IO_ERROR_CLOSED, whatever stop-on-error says), or
 * when @cancellable is cancelled (%G_IO_ERROR_CANCELLED): to stop a stream
 * after a time, set a duration rather than cancelling.
 *
 * Since: 1.0
 */
void
mctx_paced_sender_run_async (MctxPacedSender     *self,
                             int                  io_priority,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (MCTX_IS_PACED_SENDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, RUN_ASYNC_TAG);
  g_task_set_name (task, "[mctx] mctx_paced_sender_run_async");
  g_task_set_priority (task, io_priority);

  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The paced sender is already running"));
      return;
    }

  /* Rates are checked here, not refused by their setters: a binding sees
   * a GError, where a critical would go unnoticed. */
  if (!mctx_pacer_validate (self->pacer, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  self->task = g_object_ref (task);
  self->packets_sent = 0;
  self->bytes_sent = 0;
  self->send_errors = 0;
  self->fetched = 0;
  self->exhausted = FALSE;
  /* Only UDP publications segment; raw ones ignore the flag. */
  self->segmenting = self->segmented && MCTX_IS_UDP_PUBLICATION (self->publication) && _mctx_socket_can_segment ();
  /* Segmented, the one payload is laid out once for the run as many times
   * as one send takes (at most 64 KiB): each send then hands the kernel one
   * stretch of memory instead of the same few bytes over and over, which
   * costs the kernel a step per datagram. Nothing is copied per send. */
  if (self->segmenting && self->func == NULL && self->payload != NULL && g_bytes_get_size (self->payload) > 0)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (self->payload, &size);

      self->replicas = _mctx_udp_segments_per_send (size);
      self->replica = g_malloc (self->replicas * size);
      for (guint k = 0; k < self->replicas; k++)
        memcpy (self->replica + k * size, data, size);
      /* And the messages of a whole burst, made once: a send's datagrams
       * lie back to back in the replica, one stretch for the kernel. */
      self->replica_vectors = g_new (GOutputVector, MAX_BURST);
      self->replica_messages = g_new0 (GOutputMessage, MAX_BURST);
      for (guint k = 0; k < MAX_BURST; k++)
        {
          self->replica_vectors[k] = (GOutputVector) { self->replica + (k % self->replicas) * size, size };
          self->replica_messages[k].vectors = &self->replica_vectors[k];
          self->replica_messages[k].num_vectors = 1;
        }
    }
  self->last_progress_us = g_get_monotonic_time ();
  self->end_us = self->duration > 0.0 ?
    self->last_progress_us + (gint64) MIN (self->duration * G_USEC_PER_SEC, (double) (G_MAXINT64 / 2)) : 0;
  mctx_pacer_start (self->pacer, self->last_progress_us);

  self->timer = timer_source_new ();
  g_source_set_priority (self->timer, io_priority);
  g_source_set_can_recurse (self->timer, TRUE);
  g_source_set_ready_time (self->timer, 0);
  if (cancellable != NULL)
    {
      g_autoptr(GSource) cancel = g_cancellable_source_new (cancellable);

      /* Wakes the timer, which sees the cancellation. */
      g_source_set_dummy_callback (cancel);
      g_source_add_child_source (self->timer, cancel);
    }
  g_task_attach_source (task, self->timer, on_timer);
}

/**
 * mctx_paced_sender_run_finish:
 * @self: a paced sender
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Mctx.PacedSender.run_async].
 *
 * Returns: %TRUE if every packet was sent, %FALSE with @error set otherwise
 *   (%G_IO_ERROR_CANCELLED when cancelled)
 *
 * Since: 1.0
 */
gboolean
mctx_paced_sender_run_finish (MctxPacedSender  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == RUN_ASYNC_TAG, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * mctx_paced_sender_set_stop_on_error: (set-property stop-on-error)
 * @self: a paced sender
 * @stop_on_error: whether a failed send ends the run
 *
 * Sets [property@Mctx.PacedSender:stop-on-error].
 *
 * Since: 1.0
 */
void
mctx_paced_sender_set_stop_on_error (MctxPacedSender *self,
                                     gboolean         stop_on_error)
{
  g_return_if_fail (MCTX_IS_PACED_SENDER (self));

  stop_on_error = !!stop_on_error;
  if (self->stop_on_error == stop_on_error)
    return;

  self->stop_on_error = stop_on_error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STOP_ON_ERROR]);
}

/**
 * mctx_paced_sender_set_segmented: (set-property segmented)
 * @self: a paced sender
 * @segmented: whether datagrams due together go as one segmented send
 *
 * Sets [property@Mctx.PacedSender:segmented]; it applies from the next run
 * on.
 *
 * Since: 1.0
 */
void
mctx_paced_sender_set_segmented (MctxPacedSender *self,
                                 gboolean         segmented)
{
  g_return_if_fail (MCTX_IS_PACED_SENDER (self));

  segmented = !!segmented;
  if (self->segmented == segmented)
    return;

  self->segmented = segmented;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEGMENTED]);
}

/**
 * mctx_paced_sender_get_segmented: (get-property segmented)
 * @self: a paced sender
 *
 * Gets [property@Mctx.PacedSender:segmented].
 *
 * Returns: whether datagrams due together go as one segmented send
 *
 * Since: 1.0
 */
gboolean
mctx_paced_sender_get_segmented (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), FALSE);

  return self->segmented;
}

/**
 * mctx_paced_sender_get_stop_on_error: (get-property stop-on-error)
 * @self: a paced sender
 *
 * Gets [property@Mctx.PacedSender:stop-on-error].
 *
 * Returns: whether a failed send ends the run
 *
 * Since: 1.0
 */
gboolean
mctx_paced_sender_get_stop_on_error (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), TRUE);

  return self->stop_on_error;
}

/**
 * mctx_paced_sender_get_catch_up: (get-property catch-up)
 * @self: a paced sender
 *
 * Gets what happens to missed slots.
 *
 * Returns: the catch-up policy
 *
 * Since: 1.0
 */
MctxCatchUp
mctx_paced_sender_get_catch_up (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), MCTX_CATCH_UP_BURST);

  return mctx_pacer_get_catch_up (self->pacer);
}

/**
 * mctx_paced_sender_set_catch_up: (set-property catch-up)
 * @self: a paced sender
 * @catch_up: the catch-up policy
 *
 * Sets what happens to the slots missed while the sender could not run.
 *
 * Since: 1.0
 */
void
mctx_paced_sender_set_catch_up (MctxPacedSender *self,
                                MctxCatchUp      catch_up)
{
  g_return_if_fail (MCTX_IS_PACED_SENDER (self));

  if (mctx_pacer_get_catch_up (self->pacer) == catch_up)
    return;
  mctx_pacer_set_catch_up (self->pacer, catch_up);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATCH_UP]);
}

/**
 * mctx_paced_sender_get_max_burst: (get-property max-burst)
 * @self: a paced sender
 *
 * Gets the most datagrams sent at once after falling behind.
 *
 * Returns: the largest burst
 *
 * Since: 1.0
 */
guint
mctx_paced_sender_get_max_burst (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), 1);

  return mctx_pacer_get_max_burst (self->pacer);
}

/**
 * mctx_paced_sender_set_max_burst: (set-property max-burst)
 * @self: a paced sender
 * @max_burst: the largest burst, 1 or more
 *
 * Sets the most datagrams sent at once after the sender fell behind.
 *
 * Since: 1.0
 */
void
mctx_paced_sender_set_max_burst (MctxPacedSender *self,
                                 guint            max_burst)
{
  g_return_if_fail (MCTX_IS_PACED_SENDER (self));

  if (mctx_pacer_get_max_burst (self->pacer) == MAX (max_burst, 1))
    return;
  mctx_pacer_set_max_burst (self->pacer, max_burst);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_BURST]);
}

/**
 * mctx_paced_sender_get_spin: (get-property spin)
 * @self: a paced sender
 *
 * Gets how long the sender spins before each datagram's time.
 *
 * Returns: the spin in microseconds, 0 for never, negative for the
 *   automatic lead
 *
 * Since: 1.0
 */
int
mctx_paced_sender_get_spin (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), 0);

  return mctx_pacer_get_spin (self->pacer);
}

/**
 * mctx_paced_sender_set_spin: (set-property spin)
 * @self: a paced sender
 * @spin_us: microseconds to spin before each datagram's time (at most half
 *   the interval), 0 never to, or negative for the automatic lead
 *
 * Sets how long the sender spins before each datagram's time instead of
 * sleeping: precision paid for in processor time. It applies from the
 * next wake-up on.
 *
 * Since: 1.0
 */
void
mctx_paced_sender_set_spin (MctxPacedSender *self,
                            int              spin_us)
{
  g_return_if_fail (MCTX_IS_PACED_SENDER (self));

  if (mctx_pacer_get_spin (self->pacer) == MAX (spin_us, -1))
    return;
  mctx_pacer_set_spin (self->pacer, spin_us);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPIN]);
}

/**
 * mctx_paced_sender_get_rate_basis: (get-property rate-basis)
 * @self: a paced sender
 *
 * Gets what the bit rate counts.
 *
 * Returns: the rate basis
 *
 * Since: 1.0
 */
MctxRateBasis
mctx_paced_sender_get_rate_basis (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), MCTX_RATE_BASIS_PAYLOAD);

  return self->rate_basis;
}

/**
 * mctx_paced_sender_set_rate_basis: (set-property rate-basis)
 * @self: a paced sender
 * @basis: what [property@Mctx.PacedSender:bits-per-second] counts
 *
 * Sets whether the bit rate counts payloads or datagrams on the wire. A
 * running sender uses it from the next packet on.
 *
 * Since: 1.0
 */
void
mctx_paced_sender_set_rate_basis (MctxPacedSender *self,
                                  MctxRateBasis    basis)
{
  g_return_if_fail (MCTX_IS_PACED_SENDER (self));
  g_return_if_fail (basis == MCTX_RATE_BASIS_PAYLOAD || basis == MCTX_RATE_BASIS_WIRE);

  if (self->rate_basis == basis)
    return;

  self->rate_basis = basis;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_BASIS]);
}

/**
 * mctx_paced_sender_get_pacing_mode: (get-property pacing-mode)
 * @self: a paced sender
 *
 * Gets how packets are spaced at the current rate, as its pacer does.
 *
 * Returns: the pacing mode
 *
 * Since: 1.0
 */
MctxPacingMode
mctx_paced_sender_get_pacing_mode (MctxPacedSender *self)
{
  g_return_val_if_fail (MCTX_IS_PACED_SENDER (self), MCTX_PACING_MODE_UNLIMITED);

  return mctx_pacer_get_mode (self->pacer);
}
