/* paced.c: twenty datagrams at 1000 packets per second
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdio.h>
#include <mctx/mctx.h>

static void
on_progress (MctxPacedSender *sender,
             guint64          packets,
             guint64          bytes,
             gpointer         user_data)
{
  printf ("progress: %" G_GUINT64_FORMAT " packets\n", packets);
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!mctx_paced_sender_run_finish (MCTX_PACED_SENDER (object), result, &error))
    fprintf (stderr, "paced: %s\n", error->message);
  g_main_loop_quit (user_data);
}

int
main (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxPacedSender) sender = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GBytes) payload = g_bytes_new_static ("paced", 5);
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;

  config = mctx_udp_publication_config_new ("239.1.2.3", 5000, &error);
  if (config == NULL ||
      !mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", &error) ||
      (publication = mctx_context_add_publication (context, config, &error)) == NULL)
    {
      fprintf (stderr, "paced: %s\n", error->message);
      return 1;
    }

  sender = mctx_paced_sender_new (publication, payload, 20);
  mctx_paced_sender_set_packets_per_second (sender, 1000);
  g_signal_connect (sender, "progress", G_CALLBACK (on_progress), NULL);
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_done, loop);
  g_main_loop_run (loop);

  printf ("sent %" G_GUINT64_FORMAT " datagrams\n", mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT));
  return mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT) == 20 ? 0 : 1;
}
