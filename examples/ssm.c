/* ssm.c: a source-specific (SSM) IPv6 sender
 *
 * Sends "hello ssm" to ff3e::8000:1234 port 5000 from the source address
 * given as the first argument. Receivers that subscribe to (source, group)
 * filter on that exact address, so the publication binds it and leaves
 * through the interface it is assigned to.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdio.h>
#include <mctx/mctx.h>

int
main (int    argc,
      char **argv)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL;
  MctxPublication *publication;
  const char payload[] = "hello ssm";

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s SOURCE-ADDRESS\n", argv[0]);
      return 2;
    }

  config = mctx_udp_publication_config_new ("ff3e::8000:1234", 5000, &error);
  if (config == NULL ||
      !mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), argv[1], &error))
    goto fail;

  publication = mctx_context_add_publication (context, config, &error);
  if (publication == NULL)
    goto fail;

  report = mctx_publication_send_with_report (publication, (const guint8 *) payload, sizeof payload - 1, &error);
  if (report == NULL)
    goto fail;

  source = g_inet_address_to_string (g_inet_socket_address_get_address (mctx_send_report_get_local_address (report)));
  printf ("sent %zu bytes to ff3e::8000:1234 from %s\n", mctx_send_report_get_bytes_sent (report), source);
  return 0;

fail:
  fprintf (stderr, "ssm: %s\n", error->message);
  return 1;
}
