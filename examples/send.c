/* send.c: the smallest mctx sender
 *
 * Sends "hello multicast" to 239.1.2.3:5000 through 127.0.0.1 with TTL 8.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdio.h>
#include <mctx/mctx.h>

int
main (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *destination = NULL;
  MctxPublication *publication;
  const char payload[] = "hello multicast";

  config = mctx_udp_publication_config_new ("239.1.2.3", 5000, &error);
  if (config == NULL ||
      !mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", &error))
    goto fail;
  mctx_publication_config_set_ttl (config, 8);

  publication = mctx_context_add_publication (context, config, &error);
  if (publication == NULL)
    goto fail;

  report = mctx_publication_send_with_report (publication, (const guint8 *) payload, sizeof payload - 1, &error);
  if (report == NULL)
    goto fail;

  destination = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (mctx_send_report_get_destination (report)));
  printf ("sent %zu bytes to %s\n", mctx_send_report_get_bytes_sent (report), destination);
  return 0;

fail:
  fprintf (stderr, "send: %s\n", error->message);
  return 1;
}
