/* raw-send.c: a UDP datagram with a source of our choosing
 *
 * Builds a UDP-in-IPv4 datagram from 198.51.100.7:4000 to 239.1.2.3:5000
 * and sends it, unchanged, through a raw publication. Needs CAP_NET_RAW.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdio.h>
#include <mctx/raw/mctx-raw.h>

int
main (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GInetAddress) source = g_inet_address_new_from_string ("198.51.100.7");
  g_autoptr(GInetAddress) group = g_inet_address_new_from_string ("239.1.2.3");
  g_autoptr(GBytes) datagram = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *from = NULL;
  MctxPublication *publication;
  const char payload[] = "hello raw";

  config = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV4);
  mctx_publication_config_set_loopback (config, TRUE);
  if (!mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", &error) ||
      (publication = mctx_context_add_publication (context, config, &error)) == NULL)
    goto fail;

  datagram = mctx_raw_build_udp_datagram (source, 4000, group, 5000, 8, 0, 0,
                                          (const guint8 *) payload, sizeof payload - 1, &error);
  if (datagram == NULL ||
      (report = mctx_publication_send_with_report (publication, g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram), &error)) == NULL)
    goto fail;

  from = g_inet_address_to_string (g_inet_socket_address_get_address (mctx_send_report_get_local_address (report)));
  printf ("sent %zu bytes from %s\n", mctx_send_report_get_bytes_sent (report), from);
  return 0;

fail:
  fprintf (stderr, "raw-send: %s\n", error->message);
  return 1;
}
