/* mctx-async-send: send UDP multicast datagrams from a GMainLoop
 *
 * The same command line as mctx-send, driven by the main loop through an
 * MctxPacedSender: the schedule (--rate, or one packet per INTERVAL_MS) is
 * the library's pacer, which wakes at microsecond resolution and sends
 * what is due at once in one batched send.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <stdlib.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "mctx-tool.h"

typedef struct {
  MctxToolOptions options;
  MctxPublication *publication;
  MctxToolReporter *reporter;
  GMainLoop *loop;
  GCancellable *cancellable;
  MctxToolMetrics *metrics;
  guint sample_id;          /* timeout until the next sample is due */
  guint duration_id;        /* timeout that ends a --duration run */
  gint64 next_sample_us;
  gboolean interrupted;
  int status;
} AsyncSend;

static void
stop (AsyncSend *self,
      int        status)
{
  self->status = status;
  g_main_loop_quit (self->loop);
}

/* Stamped payloads: a new header (sequence, send time) for each packet. */
static GBytes *
stamped_payload (MctxPacedSender *sender,
                 guint64          index,
                 gpointer         user_data)
{
  AsyncSend *self = user_data;
  guint8 *buffer;
  gsize len;

  if (self->options.count != 0 && index >= self->options.count)
    return NULL;
  buffer = g_malloc (self->options.size);

  mctx_tool_payload (&self->options, index, buffer, &len);
  return g_bytes_new_take (buffer, len);
}

/* --duration: the run ends, as after an interrupt but without one. */
static gboolean
on_duration_over (gpointer user_data)
{
  AsyncSend *self = user_data;

  self->duration_id = 0;
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_packet_sent (MctxPacedSender *sender,
                guint64          index,
                guint64          bytes,
                AsyncSend       *self)
{
  mctx_tool_reporter_packet (self->reporter, index, (gsize) bytes);
}

static void
on_progress (MctxPacedSender *sender,
             guint64          packets,
             guint64          bytes,
             AsyncSend       *self)
{
  mctx_tool_reporter_progress (self->reporter, packets, bytes);
}

static void
on_run (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  AsyncSend *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mctx_paced_sender_run_finish (MCTX_PACED_SENDER (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      mctx_tool_fail (MCTX_TOOL_EXIT_RUNTIME, "%s", error->message);
      stop (self, MCTX_TOOL_EXIT_RUNTIME);
      return;
    }

  stop (self, EXIT_SUCCESS);
}

static void schedule_sample (AsyncSend *self);

static gboolean
on_sample_due (gpointer user_data)
{
  AsyncSend *self = user_data;

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
schedule_sample (AsyncSend *self)
{
  gint64 wait_us = MAX (self->next_sample_us - g_get_monotonic_time (), 0);

  self->sample_id = g_timeout_add ((guint) ((wait_us + 999) / 1000), on_sample_due, self);
}

static void
interrupt (AsyncSend *self,
           int        signum)
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

static void
on_send_failed (MctxPacedSender *sender,
                guint64          index,
                GError          *error,
                AsyncSend       *self)
{
  mctx_tool_reporter_error (self->reporter, index, error);
}

int
main (int    argc,
      char **argv)
{
  AsyncSend self = { .status = EXIT_SUCCESS };
  g_autoptr(MctxContext) context = NULL;
  g_autoptr(MctxPacedSender) paced = NULL;
  guint sigint_id, sigterm_id;

  if (!mctx_tool_init (&self.options, "mctx-async-send", NULL, &argc, &argv))
    return mctx_tool_init_status (&self.options);

  context = mctx_context_new ();
  self.publication = mctx_tool_add_publication (&self.options, context, &self.status);
  if (self.publication == NULL ||
      !mctx_tool_metrics_new (&self.options, context, self.publication, &self.metrics, &self.status))
    {
      mctx_tool_options_clear (&self.options);
      return self.status;
    }

  self.loop = g_main_loop_new (NULL, FALSE);
  self.cancellable = g_cancellable_new ();
  self.reporter = mctx_tool_reporter_new (&self.options, self.publication);

  sigint_id = g_unix_signal_add (SIGINT, on_sigint, &self);
  sigterm_id = g_unix_signal_add (SIGTERM, on_sigterm, &self);
  if (mctx_tool_metrics_get_period (self.metrics) > 0)
    {
      self.next_sample_us = g_get_monotonic_time () + mctx_tool_metrics_get_period (self.metrics);
      schedule_sample (&self);
    }

  if (self.options.size > 0)
    paced = mctx_paced_sender_new_with_func (self.publication, stamped_payload, &self, NULL);
  else
    paced = mctx_paced_sender_new (self.publication, self.options.payload, self.options.count);
  mctx_paced_sender_set_packets_per_second (paced, mctx_tool_packets_per_second (&self.options));
  mctx_paced_sender_set_bits_per_second (paced, self.options.bitrate);
  mctx_pacer_set_spin (mctx_paced_sender_get_pacer (paced), self.options.spin_us);
  mctx_paced_sender_set_segmented (paced, self.options.gso);
  if (self.options.duration_us > 0)
    self.duration_id = g_timeout_add ((guint) MIN (self.options.duration_us / 1000, G_MAXUINT), on_duration_over, &self);
  mctx_paced_sender_set_stop_on_error (paced, FALSE);
  mctx_tool_reporter_set_pacing_mode (self.reporter, mctx_paced_sender_get_pacing_mode (paced));
  g_signal_connect (paced, "send-failed", G_CALLBACK (on_send_failed), &self);
  if (self.options.json || !self.options.quiet)
    g_signal_connect (paced, "packet-sent", G_CALLBACK (on_packet_sent), &self);
  else
    g_signal_connect (paced, "progress", G_CALLBACK (on_progress), &self);
  mctx_paced_sender_run_async (paced, G_PRIORITY_DEFAULT, self.cancellable, on_run, &self);

  g_main_loop_run (self.loop);

  /* The paced sender counted what the signals may not have. */
  if (self.options.quiet && !self.options.json)
    mctx_tool_reporter_progress (self.reporter,
                                 mctx_paced_sender_get_packets_sent (paced),
                                 mctx_paced_sender_get_bytes_sent (paced));
  if (self.status == EXIT_SUCCESS)
    {
      gboolean metrics_ok;

      mctx_tool_reporter_finish (self.reporter, self.interrupted);
      metrics_ok = mctx_tool_metrics_finish (self.metrics);
      self.status = mctx_tool_exit_status (mctx_tool_reporter_get_errors (self.reporter) > 0 || !metrics_ok);
    }

  g_clear_handle_id (&self.sample_id, g_source_remove);
  g_clear_handle_id (&self.duration_id, g_source_remove);
  g_clear_pointer (&self.metrics, mctx_tool_metrics_free);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  mctx_tool_reporter_free (self.reporter);
  g_object_unref (self.cancellable);
  g_main_loop_unref (self.loop);
  mctx_tool_options_clear (&self.options);

  return self.status;
}
