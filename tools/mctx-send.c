/* mctx-send: send UDP multicast datagrams from the command line
 *
 * The synchronous tool: a plain loop over non-blocking sends, sleeping on
 * an absolute schedule between them. When several datagrams are due at
 * once (a high rate, interval 0, a late wake-up), they go in one batched
 * send.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mctx-tool.h"

/* Sends the due datagrams in one batch (or, with --gso, segmented sends
 * from the same buffers), waiting for room in the send buffer when it is
 * full: how many went, -1 with @error when the first could not, 0 when
 * interrupted. */
static gint
send_due (MctxPublication      *publication,
          GOutputVector        *vectors,
          guint                 due,
          MctxSendFlags         flags,
          GError              **error)
{
  GOutputMessage messages[MCTX_TOOL_BATCH];

  for (guint k = 0; k < due; k++)
    messages[k] = (GOutputMessage) { .vectors = &vectors[k], .num_vectors = 1 };

  while (!mctx_tool_interrupted ())
    {
      GError *local_error = NULL;
      gint sent = mctx_publication_send_messages (publication, messages, due, flags, &local_error);

      if (sent >= 0)
        return sent;
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_propagate_error (error, local_error);
          return -1;
        }

      g_clear_error (&local_error);
      g_socket_condition_timed_wait (mctx_publication_get_socket (publication),
                                     G_IO_OUT, G_USEC_PER_SEC / 10, NULL, NULL);
    }

  return 0;
}

/* Waits until @due_us, taking the metrics samples that fall due meanwhile. */
static void
wait_until (gint64           due_us,
            MctxToolMetrics *metrics,
            gint64          *next_sample_us)
{
  gint64 period = mctx_tool_metrics_get_period (metrics);

  while (!mctx_tool_interrupted ())
    {
      gint64 now = g_get_monotonic_time ();

      if (period > 0 && now >= *next_sample_us)
        {
          /* A failed write is reported once; the sending goes on. */
          mctx_tool_metrics_sample (metrics);
          *next_sample_us += period;
        }
      if (now >= due_us)
        break;
      mctx_tool_sleep_until (period > 0 ? MIN (due_us, *next_sample_us) : due_us);
    }
}

int
main (int    argc,
      char **argv)
{
  g_auto(MctxToolOptions) options = { 0 };
  g_autoptr(MctxContext) context = NULL;
  g_autoptr(MctxToolReporter) reporter = NULL;
  g_autoptr(MctxToolMetrics) metrics = NULL;
  g_autoptr(MctxPacer) pacer = NULL;
  g_autofree guint8 *buffers = NULL;
  MctxSendFlags flags;
  MctxPublication *publication;
  gint64 started, next_sample_us;
  int status = EXIT_SUCCESS;
  gboolean metrics_failed = FALSE;

  if (!mctx_tool_init (&options, "mctx-send", NULL, &argc, &argv))
    return mctx_tool_init_status (&options);

  context = mctx_context_new ();
  publication = mctx_tool_add_publication (&options, context, &status);
  if (publication == NULL ||
      !mctx_tool_metrics_new (&options, context, publication, &metrics, &status))
    return status;

  mctx_tool_catch_interrupts ();

  pacer = mctx_tool_pacer_new (&options);
  reporter = mctx_tool_reporter_new (&options, publication);
  mctx_tool_reporter_set_pacing_mode (reporter, mctx_pacer_get_mode (pacer));
  started = g_get_monotonic_time ();
  next_sample_us = started + mctx_tool_metrics_get_period (metrics);
  mctx_pacer_start (pacer, started);

  /* Stamped payloads differ: a buffer each for a batch. */
  buffers = g_malloc ((gsize) MCTX_TOOL_BATCH * MAX (options.size, 1));
  flags = options.gso ? MCTX_SEND_FLAGS_SEGMENTED : MCTX_SEND_FLAGS_NONE;

  for (guint64 i = 0; !mctx_tool_interrupted () && !mctx_tool_duration_over (&options, started) &&
                      (options.count == 0 || i < options.count); )
    {
      g_autoptr(GError) error = NULL;
      guint64 left = options.count == 0 ? MCTX_TOOL_BATCH : options.count - i;
      gsize size = g_bytes_get_size (options.payload);
      GOutputVector vectors[MCTX_TOOL_BATCH];
      gint64 wake;
      guint due;
      gint sent;

      /* The pacer says when; samples that fall due meanwhile are taken.
       * The last stretch spins (the pacer's lead). */
      wake = mctx_pacer_get_wake_time (pacer);
      wait_until (wake - mctx_pacer_get_wake_lead (pacer), metrics, &next_sample_us);
      while (!mctx_tool_interrupted () && g_get_monotonic_time () < wake)
        ;
      if (mctx_tool_interrupted () || mctx_tool_duration_over (&options, started))
        break;
      due = mctx_pacer_count_due (pacer, g_get_monotonic_time (), size, (guint) MIN (left, MCTX_TOOL_BATCH));
      if (due == 0)
        continue;

      for (guint k = 0; k < due; k++)
        vectors[k].buffer = mctx_tool_payload (&options, i + k, buffers + k * MAX (options.size, 1),
                                               &vectors[k].size);

      /* A failure (a link down, a full interface queue) is counted and
       * its slot given up; a datagram that went is always reported, even
       * when a signal came meanwhile. */
      sent = send_due (publication, vectors, due, flags, &error);
      mctx_tool_reporter_sent (reporter, pacer, &i, sent, size, error);
    }

  mctx_tool_reporter_finish (reporter, mctx_tool_interrupted ());
  metrics_failed |= !mctx_tool_metrics_finish (metrics);

  return mctx_tool_exit_status (mctx_tool_reporter_get_errors (reporter) > 0 || metrics_failed);
}
