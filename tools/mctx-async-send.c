/* mctx-async-send: send UDP multicast datagrams from a GMainLoop
 *
 * The same command line as mctx-send, driven by the main loop: each packet
 * goes out through mctx_publication_send_async() on schedule, or, with
 * --rate, through an MctxPacedSender. When several packets are due at once
 * (interval 0, a late wake-up) they go in one non-blocking batched send,
 * and the main loop runs between batches.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <math.h>
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
  guint64 next;             /* index of the next packet */
  gint64 started_us;
  double interval_us;
  guint wait_id;            /* timeout until the next packet is due */
  MctxToolMetrics *metrics;
  guint sample_id;          /* timeout until the next sample is due */
  gint64 next_sample_us;
  gboolean metrics_failed;
  gboolean interrupted;
  int status;
} AsyncSend;

static void send_next (AsyncSend *self);

static gboolean
send_when_due (gpointer user_data)
{
  AsyncSend *self = user_data;

  self->wait_id = 0;
  send_next (self);
  return G_SOURCE_REMOVE;
}

static gboolean
finished (AsyncSend *self)
{
  return self->interrupted || (self->options.count != 0 && self->next >= self->options.count);
}

static void
stop (AsyncSend *self,
      int        status)
{
  self->status = status;
  g_main_loop_quit (self->loop);
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncSend *self = user_data;
  g_autoptr(MctxSendReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 due_us, now;

  report = mctx_publication_send_finish (MCTX_PUBLICATION (object), result, &error);
  if (report == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      stop (self, EXIT_SUCCESS);
      return;
    }

  /* A failed send (a link down, a full interface queue) is counted, and
   * the schedule goes on. */
  if (report == NULL)
    mctx_tool_reporter_error (self->reporter, self->next, error);
  else
    mctx_tool_reporter_packet (self->reporter, self->next, mctx_send_report_get_bytes_sent (report));
  self->next++;

  if (finished (self))
    {
      stop (self, EXIT_SUCCESS);
      return;
    }

  /* Packet n is due at start + n intervals, however long sends took. */
  due_us = self->started_us + (gint64) (self->next * self->interval_us);
  now = g_get_monotonic_time ();
  if (due_us <= now)
    send_next (self);
  else
    self->wait_id = g_timeout_add ((guint) ((due_us - now + 999) / 1000), send_when_due, self);
}

/* Several packets due: one batched send, which never blocks. Returns FALSE
 * when the buffer was full, so that an async send waits for room. */
static gboolean
send_batch (AsyncSend *self,
            guint      due)
{
  GOutputVector vectors[MCTX_TOOL_BATCH];
  g_autoptr(GError) error = NULL;
  gint sent;

  for (guint i = 0; i < due; i++)
    vectors[i].buffer = g_bytes_get_data (self->options.payload, &vectors[i].size);

  sent = mctx_publication_send_batch (self->publication, vectors, due, &error);
  if (sent < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return FALSE;

  for (gint k = 0; k < sent; k++)
    mctx_tool_reporter_packet (self->reporter, self->next++, g_bytes_get_size (self->options.payload));
  if (sent < 0)
    mctx_tool_reporter_error (self->reporter, self->next++, error);
  return TRUE;
}

static void
send_next (AsyncSend *self)
{
  guint64 left = self->options.count == 0 ? MCTX_TOOL_BATCH : self->options.count - self->next;
  guint due = mctx_tool_count_due (self->started_us, self->interval_us, self->next, g_get_monotonic_time (),
                                   (guint) MIN (left, MCTX_TOOL_BATCH));

  if (due > 1 && send_batch (self, due))
    {
      if (finished (self))
        stop (self, EXIT_SUCCESS);
      else
        /* The rest of the main loop (signals, samples) runs first. */
        self->wait_id = g_idle_add (send_when_due, self);
      return;
    }

  mctx_publication_send_async (self->publication, self->options.payload, G_PRIORITY_DEFAULT,
                               self->cancellable, on_sent, self);
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
  mctx_tool_note_interrupt (signum);
  self->interrupted = TRUE;
  g_cancellable_cancel (self->cancellable);

  /* Between two packets nothing is in flight: stop now. */
  if (self->wait_id != 0)
    {
      g_clear_handle_id (&self->wait_id, g_source_remove);
      stop (self, EXIT_SUCCESS);
    }
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
    return MCTX_TOOL_EXIT_USAGE;

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
  self.started_us = g_get_monotonic_time ();
  self.interval_us = (double) self.options.interval_ms * 1000;

  sigint_id = g_unix_signal_add (SIGINT, on_sigint, &self);
  sigterm_id = g_unix_signal_add (SIGTERM, on_sigterm, &self);
  if (mctx_tool_metrics_get_period (self.metrics) > 0)
    {
      self.next_sample_us = self.started_us + mctx_tool_metrics_get_period (self.metrics);
      schedule_sample (&self);
    }

  if (self.options.rate > 0)
    {
      paced = mctx_paced_sender_new (self.publication, self.options.payload, self.options.count);
      mctx_paced_sender_set_packets_per_second (paced, self.options.rate);
      mctx_paced_sender_set_stop_on_error (paced, FALSE);
      g_signal_connect (paced, "send-failed", G_CALLBACK (on_send_failed), &self);
      if (self.options.json || !self.options.quiet)
        g_signal_connect (paced, "packet-sent", G_CALLBACK (on_packet_sent), &self);
      else
        g_signal_connect (paced, "progress", G_CALLBACK (on_progress), &self);
      mctx_paced_sender_run_async (paced, G_PRIORITY_DEFAULT, self.cancellable, on_run, &self);
    }
  else
    /* From the loop: a first batch may finish the run, which quits it. */
    self.wait_id = g_idle_add (send_when_due, &self);

  g_main_loop_run (self.loop);

  if (paced != NULL)
    {
      /* The paced sender counted what the signals may not have. */
      if (self.options.quiet && !self.options.json)
        mctx_tool_reporter_progress (self.reporter,
                                     mctx_paced_sender_get_packets_sent (paced),
                                     mctx_paced_sender_get_bytes_sent (paced));
    }
  if (self.status == EXIT_SUCCESS)
    {
      gboolean metrics_ok;

      mctx_tool_reporter_finish (self.reporter, self.interrupted);
      metrics_ok = mctx_tool_metrics_finish (self.metrics);
      self.status = mctx_tool_exit_status (mctx_tool_reporter_get_errors (self.reporter) > 0 || !metrics_ok);
    }

  g_clear_handle_id (&self.sample_id, g_source_remove);
  g_clear_pointer (&self.metrics, mctx_tool_metrics_free);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_handle_id (&self.wait_id, g_source_remove);
  mctx_tool_reporter_free (self.reporter);
  g_object_unref (self.cancellable);
  g_main_loop_unref (self.loop);
  mctx_tool_options_clear (&self.options);

  return self.status;
}
