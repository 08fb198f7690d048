/* mctx-tool-run.c: the senders' one pacing loop, the library's paced
 * sender on a main loop
 *
 * mctx-send, mctx-async-send and mctx-raw-send differ in how they make a
 * publication and its payloads; they all send through here, so the
 * schedule, the batching, --gso, --spin, --duration, interrupts and the
 * metrics samples behave alike.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <stdlib.h>
#include <sys/prctl.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "mctx-tool.h"

typedef struct {
  MctxToolOptions *options;
  MctxToolReporter *reporter;
  MctxToolMetrics *metrics;
  MctxToolPayloadFunc func;
  gpointer func_data;
  GMainLoop *loop;
  GCancellable *cancellable;
  guint sample_id;          /* timeout until the next sample is due */
  gint64 next_sample_us;
  gboolean interrupted;
  int status;
} Run;

static GBytes *
next_payload (MctxPacedSender *sender,
              guint64          index,
              gpointer         user_data)
{
  Run *self = user_data;

  if (self->options->count != 0 && index >= self->options->count)
    return NULL;
  return self->func (index, self->func_data);
}

static void
on_packet_sent (MctxPacedSender *sender,
                guint64          index,
                guint64          bytes,
                Run             *self)
{
  mctx_tool_reporter_packet (self->reporter, index, (gsize) bytes);
}

static void
on_progress (MctxPacedSender *sender,
             guint64          packets,
             guint64          bytes,
             Run             *self)
{
  mctx_tool_reporter_progress (self->reporter, packets, bytes);
}

static void
on_send_failed (MctxPacedSender *sender,
                guint64          index,
                GError          *error,
                Run             *self)
{
  mctx_tool_reporter_error (self->reporter, index, error);
}

static void
on_run (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Run *self = user_data;
  g_autoptr(GError) error = NULL;

  /* An interrupt cancels the run: that is the end the user asked for. */
  if (!mctx_paced_sender_run_finish (MCTX_PACED_SENDER (object), result, &error) &&
      !(self->interrupted && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    {
      mctx_tool_fail (MCTX_TOOL_EXIT_RUNTIME, "%s", error->message);
      self->status = MCTX_TOOL_EXIT_RUNTIME;
    }
  g_main_loop_quit (self->loop);
}

static void schedule_sample (Run *self);

static gboolean
on_sample_due (gpointer user_data)
{
  Run *self = user_data;

  /* A failed write is reported once; the sending goes on. */
  self->sample_id = 0;
  mctx_tool_metrics_sample (self->metrics);
  self->next_sample_us += mctx_tool_metrics_get_period (self->metrics);
  schedule_sample (self);
  return G_SOURCE_REMOVE;
}

/* Samples on an absolute schedule: a period that is not a whole number of
 * milliseconds keeps its average, and late wake-ups do not accumulate. */
static void
schedule_sample (Run *self)
{
  gint64 wait_us = MAX (self->next_sample_us - g_get_monotonic_time (), 0);

  self->sample_id = g_timeout_add ((guint) ((wait_us + 999) / 1000), on_sample_due, self);
}

static void
interrupt (Run *self,
           int  signum)
{
  /* The run ends at its next wake-up, reporting what went. */
  mctx_tool_note_interrupt (signum);
  self->interrupted = TRUE;
  g_cancellable_cancel (self->cancellable);
}

static gboolean
on_sigint (gpointer user_data)
{
  interrupt (user_data, SIGINT);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (gpointer user_data)
{
  interrupt (user_data, SIGTERM);
  return G_SOURCE_CONTINUE;
}

int
mctx_tool_run_paced (MctxToolOptions     *options,
                     MctxPublication     *publication,
                     MctxToolReporter    *reporter,
                     MctxToolMetrics     *metrics,
                     GBytes              *payload,
                     MctxToolPayloadFunc  func,
                     gpointer             func_data)
{
  Run self = {
    .options = options,
    .reporter = reporter,
    .metrics = metrics,
    .func = func,
    .func_data = func_data,
    .status = EXIT_SUCCESS,
  };
  g_autoptr(MctxPacedSender) sender = NULL;
  guint sigint_id, sigterm_id;
  gboolean metrics_ok;

  self.loop = g_main_loop_new (NULL, FALSE);
  self.cancellable = g_cancellable_new ();
  sigint_id = g_unix_signal_add (SIGINT, on_sigint, &self);
  sigterm_id = g_unix_signal_add (SIGTERM, on_sigterm, &self);

  if (mctx_tool_metrics_get_period (metrics) > 0)
    {
      self.next_sample_us = g_get_monotonic_time () + mctx_tool_metrics_get_period (metrics);
      schedule_sample (&self);
    }

  if (func != NULL)
    sender = mctx_paced_sender_new_with_func (publication, next_payload, &self, NULL);
  else
    sender = mctx_paced_sender_new (publication, payload, options->count);
  mctx_paced_sender_set_packets_per_second (sender, mctx_tool_packets_per_second (options));
  mctx_paced_sender_set_bits_per_second (sender, options->bitrate);
  mctx_paced_sender_set_duration (sender, (double) options->duration_us / G_USEC_PER_SEC);
  /* The tools trade processor time for precision unless told otherwise:
   * --spin, or the pacer's automatic lead. */
  mctx_paced_sender_set_spin (sender, options->spin_us);
  mctx_paced_sender_set_segmented (sender, options->gso);
  /* A failure is counted and its slot given up: the stream goes on. */
  mctx_paced_sender_set_stop_on_error (sender, FALSE);
  /* Sleeps end within microseconds of their time, not the default 50 µs
   * of slack later. */
  prctl (PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

  mctx_tool_reporter_set_pacing_mode (reporter, mctx_paced_sender_get_pacing_mode (sender));
  g_signal_connect (sender, "send-failed", G_CALLBACK (on_send_failed), &self);
  if (!options->quiet)
    g_signal_connect (sender, "packet-sent", G_CALLBACK (on_packet_sent), &self);
  else
    g_signal_connect (sender, "progress", G_CALLBACK (on_progress), &self);

  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, self.cancellable, on_run, &self);
  g_main_loop_run (self.loop);

  /* iperf 2's server ends its report at the closing datagram; it goes
   * after an interrupt too, as iperf 2's client sends it, and is not
   * counted among the packets. */
  if (options->format == MCTX_TOOL_FORMAT_IPERF2 && func != NULL && self.status == EXIT_SUCCESS)
    {
      g_autoptr(GBytes) closing = NULL;
      g_autoptr(GError) error = NULL;
      guint64 index = options->next_index;
      gsize len;
      const guint8 *data;

      options->closing = TRUE;
      closing = func (index, func_data);
      options->closing = FALSE;
      data = g_bytes_get_data (closing, &len);
      /* A full send buffer or queue (a datagram the kernel dropped, not
       * sent) is given a second to empty: without this datagram iperf 2
       * reports nothing. */
      for (guint tries = 0; mctx_publication_send (publication, data, len, &error) < 0; tries++)
        {
          if (!(g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK) ||
                g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)) || tries == 100)
            {
              mctx_tool_reporter_error (reporter, index, error);
              break;
            }
          g_clear_error (&error);
          g_usleep (10000);
        }
    }

  /* The paced sender counted what the signals may not have. */
  if (options->quiet)
    mctx_tool_reporter_progress (reporter, mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT),
                                 mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_BYTES_SENT));

  g_clear_handle_id (&self.sample_id, g_source_remove);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_object_unref (self.cancellable);
  g_main_loop_unref (self.loop);

  if (self.status != EXIT_SUCCESS)
    return self.status;

  {
    g_autoptr(MctxPublicationConfig) config = mctx_publication_dup_config (publication);
    g_autoptr(MctxMetricsSnapshot) snapshot = NULL;

    /* A run that measured its departures: their last timestamps come some
     * microseconds after their sends. Others exit at once. */
    if (mctx_publication_config_get_departure_timestamps (config))
      {
        g_usleep (2000);
        snapshot = mctx_publication_snapshot_metrics (publication);
      }
    if (snapshot != NULL)
      mctx_tool_reporter_set_departures (reporter, snapshot);
  }
  mctx_tool_reporter_finish (reporter, self.interrupted);
  metrics_ok = mctx_tool_metrics_finish (metrics);
  return mctx_tool_exit_status (mctx_tool_reporter_get_errors (reporter) > 0 || !metrics_ok);
}

/* Stamped payloads: a new header (sequence, send time) for each packet. */
static GBytes *
stamped_payload (guint64  index,
                 gpointer user_data)
{
  MctxToolOptions *options = user_data;
  guint8 *buffer = g_malloc (options->size);
  gsize len;

  mctx_tool_payload (options, index, buffer, &len);
  return g_bytes_new_take (buffer, len);
}

int
mctx_tool_udp_sender_main (const char   *name,
                           int           argc,
                           char        **argv)
{
  g_auto(MctxToolOptions) options = { 0 };
  g_autoptr(MctxContext) context = NULL;
  g_autoptr(MctxToolReporter) reporter = NULL;
  g_autoptr(MctxToolMetrics) metrics = NULL;
  MctxPublication *publication;
  int status = EXIT_SUCCESS;

  if (!mctx_tool_init (&options, name, NULL, &argc, &argv))
    return mctx_tool_init_status (&options);

  context = mctx_context_new ();
  publication = mctx_tool_add_publication (&options, context, &status);
  if (publication == NULL ||
      !mctx_tool_metrics_new (&options, context, publication, &metrics, &status))
    return status;

  reporter = mctx_tool_reporter_new (&options, publication);
  return mctx_tool_run_paced (&options, publication, reporter, metrics, options.payload,
                              options.size > 0 ? stamped_payload : NULL, &options);
}
