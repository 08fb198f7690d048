/* mctx-send: send UDP multicast datagrams from the command line
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gi18n.h>
#include <mctx/mctx.h>

/* Exit statuses: bad arguments or configuration, and failures at run time. */
#define EXIT_USAGE 2
#define EXIT_RUNTIME 1

static char *opt_source;
static int opt_source_port = -1;
static char *opt_bind;
static char *opt_interface;
static int opt_interface_index = -1;
static char *opt_interface_name;
static int opt_ttl = -1;
static gboolean opt_no_loopback;
static gboolean opt_quiet;

static const GOptionEntry entries[] = {
  { "source", 0, 0, G_OPTION_ARG_STRING, &opt_source,
    N_("Bind this exact source address"), N_("ADDRESS") },
  { "source-port", 0, 0, G_OPTION_ARG_INT, &opt_source_port,
    N_("Bind this source port"), N_("PORT") },
  { "bind", 0, 0, G_OPTION_ARG_STRING, &opt_bind,
    N_("Bind this source address and port together"), N_("ADDRESS:PORT") },
  { "interface", 0, 0, G_OPTION_ARG_STRING, &opt_interface,
    N_("Send through the interface with this address"), N_("ADDRESS") },
  { "interface-index", 0, 0, G_OPTION_ARG_INT, &opt_interface_index,
    N_("Send through the interface with this index"), N_("INDEX") },
  { "interface-name", 0, 0, G_OPTION_ARG_STRING, &opt_interface_name,
    N_("Send through the interface with this name"), N_("NAME") },
  { "ttl", 0, 0, G_OPTION_ARG_INT, &opt_ttl,
    N_("Multicast TTL or hop limit (default 1)"), N_("TTL") },
  { "no-loopback", 0, 0, G_OPTION_ARG_NONE, &opt_no_loopback,
    N_("Do not deliver to members on this host"), NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet,
    N_("Print nothing per packet"), NULL },
  { NULL }
};

static int G_GNUC_PRINTF (2, 3)
fail (int         status,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", g_get_prgname (), message);
  return status;
}

static gboolean
parse_number (const char  *text,
              const char  *what,
              guint64      max,
              guint64     *value,
              GError     **error)
{
  if (g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL))
    return TRUE;

  /* Translators: the first %s names the argument, e.g. "port" */
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("Invalid %s “%s”: expected a number from 0 to %llu"),
               what, text, (unsigned long long) max);
  return FALSE;
}

static MctxPublicationConfig *
build_config (const char  *group,
              guint        port,
              GError     **error)
{
  g_autoptr(MctxPublicationConfig) config = mctx_publication_config_new (group, port, error);

  if (config == NULL)
    return NULL;

  if (opt_bind != NULL && (opt_source != NULL || opt_source_port >= 0))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--bind cannot be combined with --source or --source-port"));
      return NULL;
    }

  if (opt_bind != NULL &&
      !mctx_publication_config_set_bind_address_string (config, opt_bind, error))
    return NULL;
  if (opt_source != NULL &&
      !mctx_publication_config_set_source_address_string (config, opt_source, error))
    return NULL;
  if (opt_interface != NULL &&
      !mctx_publication_config_set_outgoing_interface_string (config, opt_interface, error))
    return NULL;

  if (opt_source_port >= 0)
    mctx_publication_config_set_source_port (config, (guint) opt_source_port);
  else if (opt_source_port < -1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid source port %d"), opt_source_port);
      return NULL;
    }

  if (opt_interface_index >= 0)
    mctx_publication_config_set_interface_index (config, opt_interface_index);
  else if (opt_interface_index < -1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid interface index %d"), opt_interface_index);
      return NULL;
    }

  if (opt_interface_name != NULL)
    mctx_publication_config_set_interface_name (config, opt_interface_name);

  if (opt_ttl > 255 || opt_ttl < -1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid TTL %d: expected a number from 0 to 255"), opt_ttl);
      return NULL;
    }
  if (opt_ttl >= 0)
    mctx_publication_config_set_ttl (config, (guint) opt_ttl);

  mctx_publication_config_set_loopback (config, !opt_no_loopback);

  if (!mctx_publication_config_validate (config, error))
    return NULL;

  return g_steal_pointer (&config);
}

/* Sends one datagram, waiting for room in the send buffer if it is full. */
static MctxSendReport *
send_one (MctxPublication  *publication,
          const guint8     *payload,
          gsize             len,
          GError          **error)
{
  for (;;)
    {
      GError *local_error = NULL;
      MctxSendReport *report = mctx_publication_send (publication, payload, len, &local_error);

      if (report != NULL)
        return report;

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_propagate_error (error, local_error);
          return NULL;
        }

      g_clear_error (&local_error);
      if (!g_socket_condition_timed_wait (mctx_publication_get_socket (publication),
                                          G_IO_OUT, G_USEC_PER_SEC, NULL, error))
        return NULL;
    }
}

static char *
describe (GInetSocketAddress *address)
{
  g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (address));

  if (g_socket_address_get_family (G_SOCKET_ADDRESS (address)) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", host, g_inet_socket_address_get_port (address));
  return g_strdup_printf ("%s:%u", host, g_inet_socket_address_get_port (address));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(MctxContext) context = NULL;
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  const char *payload;
  guint64 port, count = 1, interval_ms = 1000;
  gsize payload_len;
  guint64 total_bytes = 0;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("mctx-send");

  options = g_option_context_new (_("GROUP PORT PAYLOAD [COUNT] [INTERVAL_MS] — send UDP multicast"));
  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (options, GETTEXT_PACKAGE);
  g_option_context_set_description (options,
    _("Sends PAYLOAD to GROUP:PORT COUNT times (default 1), INTERVAL_MS apart "
      "(default 1000).\n\nExamples:\n"
      "  mctx-send 239.1.2.3 5000 hello\n"
      "  mctx-send ff3e::8000:1234 5000 hello-v6 --source fd00::10\n"
      "  mctx-send ff32::8000:1234 5000 hello-v6 --source fe80::1234 --interface-index 7"));

  if (!g_option_context_parse (options, &argc, &argv, &error))
    return fail (EXIT_USAGE, "%s", error->message);

  if (argc < 4)
    return fail (EXIT_USAGE, _("Missing arguments: GROUP PORT PAYLOAD are required (see --help)"));
  if (argc > 6)
    return fail (EXIT_USAGE, _("Too many arguments: “%s”"), argv[6]);

  if (!parse_number (argv[2], _("port"), G_MAXUINT, &port, &error) ||
      (argc > 4 && !parse_number (argv[4], _("count"), G_MAXUINT32, &count, &error)) ||
      (argc > 5 && !parse_number (argv[5], _("interval"), 3600 * 1000, &interval_ms, &error)))
    return fail (EXIT_USAGE, "%s", error->message);

  payload = argv[3];
  payload_len = strlen (payload);

  config = build_config (argv[1], (guint) port, &error);
  if (config == NULL)
    return fail (EXIT_USAGE, "%s", error->message);

  context = mctx_context_new ();
  publication = mctx_context_add_publication (context, config, &error);
  if (publication == NULL)
    return fail (error->domain == MCTX_ERROR ? EXIT_USAGE : EXIT_RUNTIME, "%s", error->message);

  for (guint64 i = 1; i <= count; i++)
    {
      g_autoptr(MctxSendReport) report = send_one (publication, (const guint8 *) payload, payload_len, &error);

      if (report == NULL)
        return fail (EXIT_RUNTIME, "%s", error->message);

      total_bytes += mctx_send_report_get_bytes_sent (report);

      if (!opt_quiet)
        {
          g_autofree char *to = describe (mctx_send_report_get_destination (report));
          g_autofree char *from = describe (mctx_send_report_get_local_address (report));

          /* Translators: "sent 5 bytes to 239.1.2.3:5000 from 127.0.0.1:40000 (1/3)" */
          g_print (_("sent %llu bytes to %s from %s (%llu/%llu)\n"),
                   (unsigned long long) mctx_send_report_get_bytes_sent (report), to, from,
                   (unsigned long long) i, (unsigned long long) count);
        }

      if (i < count && interval_ms > 0)
        g_usleep (interval_ms * 1000);
    }

  if (opt_quiet)
    {
      g_autofree char *to = describe (mctx_publication_get_destination (publication));

      g_print (_("sent %llu packets, %llu bytes to %s\n"),
               (unsigned long long) count, (unsigned long long) total_bytes, to);
    }

  return EXIT_SUCCESS;
}
