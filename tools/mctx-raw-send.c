/* mctx-raw-send: send complete UDP-in-IP datagrams through mctx/raw
 *
 * Builds one UDP datagram with the given (possibly foreign) source and
 * sends it COUNT times through a raw publication, so that receivers see
 * that source. With --ip-datagram it sends a complete datagram from a file
 * instead, of any protocol, through a control publication.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <mctx/raw/mctx-raw.h>

#include "mctx-tool.h"

/* The largest IP datagram: an IPv6 header and a 65535-byte payload. */
#define MAX_DATAGRAM (40 + 65535)

static gboolean opt_route_selected;
static gboolean opt_allow_any_destination;

/* "192.0.2.7", "192.0.2.7:4000", "fe80::1%eth0" or "[fd00::1]:4000" into
 * @config's bind address (at port 0: raw sockets have none); the port is
 * the inner datagram's source port. */
static GInetAddress *
parse_bind (MctxPublicationConfig  *config,
            const char             *text,
            int                    *port,
            GError                **error)
{
  g_autoptr(GInetSocketAddress) bind = NULL;
  g_autoptr(GSocketAddress) unported = NULL;

  if (!mctx_publication_config_set_bind_address_string (config, text, error))
    return NULL;

  bind = mctx_publication_config_dup_bind_address (config);
  *port = g_inet_socket_address_get_port (bind);
  unported = g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                           "address", g_inet_socket_address_get_address (bind),
                           NULL);
  if (g_socket_address_get_family (G_SOCKET_ADDRESS (bind)) == G_SOCKET_FAMILY_IPV6)
    g_object_set (unported, "scope-id", g_inet_socket_address_get_scope_id (bind), NULL);
  mctx_publication_config_set_bind_address (config, G_INET_SOCKET_ADDRESS (unported));
  return g_object_ref (g_inet_socket_address_get_address (bind));
}

/* The address this host would send to @group from: what a UDP socket
 * connected to it, through the chosen interface, is bound to. */
static GInetAddress *
egress_source (GInetAddress  *group,
               guint          ifindex,
               GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) destination = g_inet_socket_address_new (group, 9);
  g_autoptr(GSocketAddress) local = NULL;
  GSocketFamily family = g_inet_address_get_family (group);
  GInetAddress *source;

  socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return NULL;

  if (ifindex != 0)
    {
      struct ip_mreqn request = { .imr_ifindex = (int) ifindex };
      int index = (int) ifindex;
      int fd = g_socket_get_fd (socket);

      if (family == G_SOCKET_FAMILY_IPV6)
        setsockopt (fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index);
      else
        setsockopt (fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof request);
    }

  if (!g_socket_connect (socket, destination, NULL, error))
    return NULL;
  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return NULL;

  source = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local));
  if (g_inet_address_get_is_any (source))
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_NO_SOURCE_ADDRESS,
                           _("The egress interface has no address to send from: give --source"));
      return NULL;
    }

  return g_object_ref (source);
}

/* The egress options (--bind, --interface, --interface-index,
 * --interface-name) into @config. */
static gboolean
apply_egress (MctxToolOptions           *options,
              MctxPublicationConfig     *config,
              GInetAddress             **bind_address,
              int                       *bind_port,
              GError                   **error)
{
  if (options->bind != NULL)
    {
      *bind_address = parse_bind (config, options->bind, bind_port, error);
      if (*bind_address == NULL)
        return FALSE;
    }
  if (options->interface != NULL &&
      !mctx_publication_config_set_outgoing_interface_string (config, options->interface, error))
    return FALSE;
  if (options->interface_index >= 0)
    mctx_publication_config_set_interface_index (config, (guint) options->interface_index);
  mctx_publication_config_set_interface_name (config, options->interface_name);
  return TRUE;
}

static MctxPublication *
add_publication (MctxContext            *context,
                 MctxPublicationConfig     *config,
                 int                       *status)
{
  g_autoptr(GError) error = NULL;
  MctxPublication *publication = mctx_context_add_publication (context, config, &error);

  if (publication == NULL)
    *status = mctx_tool_fail (error->domain == MCTX_ERROR ? MCTX_TOOL_EXIT_USAGE : MCTX_TOOL_EXIT_RUNTIME,
                              "%s", error->message);
  return publication;
}

/* Sends @datagram (or, with @stamp, the datagrams it builds) COUNT times
 * through the tools' one pacing loop, the library's paced sender, with the
 * metrics the environment asks for; returns the exit status. */
static int
send_repeatedly (MctxToolOptions      *options,
                 MctxContext          *context,
                 MctxPublication      *publication,
                 GBytes               *datagram,
                 MctxToolPayloadFunc   stamp,
                 gpointer              stamp_data,
                 const char           *destination_text,
                 const char           *source_text)
{
  g_autoptr(MctxToolReporter) reporter = NULL;
  g_autoptr(MctxToolMetrics) metrics = NULL;
  int status = 0;

  if (!mctx_tool_metrics_new (options, context, publication, &metrics, &status))
    return status;

  reporter = mctx_tool_reporter_new_for (options, destination_text, source_text,
                                         mctx_publication_get_id (publication));
  mctx_tool_reporter_set_datagram_bytes (reporter, TRUE);
  return mctx_tool_run_paced (options, publication, reporter, metrics, datagram, stamp, stamp_data);
}

/* The whole file, or standard input for "-", up to the largest datagram. */
static GBytes *
read_datagram (const char  *path,
               GError     **error)
{
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[8192];

  if (g_str_equal (path, "-"))
    input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

      input = G_INPUT_STREAM (g_file_read (file, NULL, error));
      if (input == NULL)
        return NULL;
    }

  for (;;)
    {
      gssize n = g_input_stream_read (input, buffer, sizeof buffer, NULL, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (data, buffer, (guint) n);
      if (data->len > MAX_DATAGRAM)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s holds more than %d bytes, the largest IP datagram"), path, MAX_DATAGRAM);
          return NULL;
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/* What a stamped raw run builds each datagram from. */
typedef struct {
  MctxToolOptions *options;
  GInetAddress *source;
  guint16 source_port;
  GInetAddress *group;
} StampedRun;

static GBytes *
build_stamped (guint64  index,
               gpointer data)
{
  StampedRun *run = data;
  MctxToolOptions *options = run->options;
  g_autofree guint8 *payload = g_malloc (options->size);
  gsize len;

  mctx_tool_payload (options, index, payload, &len);
  /* Checked once already, with the first payload: this cannot fail. */
  return mctx_raw_build_udp_datagram (run->source, run->source_port, run->group, (guint16) options->port,
                                      (guint8) (options->ttl >= 0 ? options->ttl : 1),
                                      (guint8) (options->dscp >= 0 ? options->dscp << 2 : 0), 0,
                                      payload, len, NULL);
}

/* --ip-datagram FILE: a complete datagram of any protocol, through a
 * control publication pinned to the interface the options name. */
static int
send_control (MctxToolOptions *options)
{
  g_autoptr(MctxContext) context = NULL;
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GInetAddress) bind_address = NULL;
  g_autoptr(GBytes) datagram = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *destination_text = NULL;
  g_autofree char *source_text = NULL;
  MctxPublication *publication;
  const guint8 *data;
  gsize len;
  int bind_port = -1, status = 0;
  const char *ignored = NULL;

  if (options->source != NULL)
    ignored = "--source";
  else if (options->source_port >= 0)
    ignored = "--source-port";
  else if (options->ttl >= 0)
    ignored = "--ttl";
  else if (opt_route_selected)
    ignored = "--route-selected";
  else if (options->size > 0)
    ignored = "--size";
  else if (options->format != MCTX_TOOL_FORMAT_MCTX)
    ignored = "--format";
  else if (options->dscp >= 0)
    ignored = "--dscp";
  if (ignored != NULL)
    return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE,
                           _("%s does not apply to --ip-datagram: the datagram is sent exactly as it is in the file"),
                           ignored);

  datagram = read_datagram (options->datagram_file, &error);
  if (datagram == NULL)
    return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, "%s", error->message);
  data = g_bytes_get_data (datagram, &len);
  if (len == 0 || (data[0] >> 4 != 4 && data[0] >> 4 != 6))
    return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, _("%s does not hold an IPv4 or IPv6 datagram"),
                           options->datagram_file);

  config = g_object_new (MCTX_TYPE_RAW_PUBLICATION_CONFIG,
                         "family", data[0] >> 4 == 6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4,
                         "mode", MCTX_RAW_MODE_CONTROL,
                         NULL);
  if (!apply_egress (options, config, &bind_address, &bind_port, &error))
    return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, "%s", error->message);
  mctx_publication_config_set_loopback (config, !options->no_loopback);
  mctx_tool_measure_departures (options, config);
  if (!mctx_publication_config_validate (config, &error) ||
      !mctx_raw_publication_config_validate_datagram (MCTX_RAW_PUBLICATION_CONFIG (config), data, len, &error))
    return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, "%s", error->message);

  context = mctx_context_new ();
  publication = add_publication (context, config, &status);
  if (publication == NULL)
    return status;

  {
    GSocketFamily family = mctx_raw_publication_config_get_family (MCTX_RAW_PUBLICATION_CONFIG (config));
    gboolean ipv6 = family == G_SOCKET_FAMILY_IPV6;
    g_autoptr(GInetAddress) source = g_inet_address_new_from_bytes (data + (ipv6 ? 8 : 12), family);
    g_autoptr(GInetAddress) destination = g_inet_address_new_from_bytes (data + (ipv6 ? 24 : 16), family);

    destination_text = g_inet_address_to_string (destination);
    source_text = g_inet_address_to_string (source);
  }

  return send_repeatedly (options, context, publication, datagram, NULL, NULL, destination_text, source_text);
}

int
main (int    argc,
      char **argv)
{
  g_auto(MctxToolOptions) options = { 0 };
  const GOptionEntry raw_entries[] = {
    { "route-selected", 0, 0, G_OPTION_ARG_NONE, &opt_route_selected,
      N_("Pick the IPv6 egress from the main routing table for the group"), NULL },
    { "allow-any-destination", 0, 0, G_OPTION_ARG_NONE, &opt_allow_any_destination,
      N_("Also send when GROUP is not a multicast group (an IPv4 unicast host)"), NULL },
    { "ip-datagram", 0, 0, G_OPTION_ARG_FILENAME, &options.datagram_file,
      N_("Send the complete IP datagram in FILE (“-”: standard input) instead: any protocol, unicast or "
         "multicast, byte for byte through the interface the options name. Only [COUNT] [INTERVAL_MS] follow"),
      N_("FILE") },
    { NULL }
  };
  g_autoptr(MctxContext) context = NULL;
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GInetAddress) group = NULL;
  g_autoptr(GInetAddress) bind_address = NULL;
  g_autoptr(GInetAddress) source = NULL;
  g_autoptr(GBytes) datagram = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *destination_text = NULL;
  g_autofree char *source_text = NULL;
  MctxPublication *publication;
  GSocketFamily family;
  int bind_port = -1, status = 0;
  guint16 source_port;
  guint ifindex = 0;
  const guint8 *payload;
  gsize payload_len;

  if (!mctx_tool_init (&options, "mctx-raw-send", raw_entries, &argc, &argv))
    return mctx_tool_init_status (&options);
  if (options.gso)
    return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, _("--gso is for UDP sockets: raw datagrams go whole"));

  if (options.datagram_file != NULL)
    return send_control (&options);

  group = mctx_tool_parse_group (options.group, opt_allow_any_destination, &error);
  if (group == NULL)
    return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, "%s", error->message);
  family = g_inet_address_get_family (group);

  config = mctx_raw_publication_config_new (family);
  if (!apply_egress (&options, config, &bind_address, &bind_port, &error))
    return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, "%s", error->message);
  mctx_raw_publication_config_set_route_selected (MCTX_RAW_PUBLICATION_CONFIG (config), opt_route_selected);
  mctx_raw_publication_config_set_allow_any_destination (MCTX_RAW_PUBLICATION_CONFIG (config), opt_allow_any_destination);
  if (family == G_SOCKET_FAMILY_IPV4)
    mctx_publication_config_set_loopback (config, !options.no_loopback);
  mctx_tool_measure_departures (&options, config);

  if (!mctx_publication_config_validate (config, &error))
    return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, "%s", error->message);

  /* The datagram's source: given, else the egress the options name, else
   * what the kernel would pick. */
  if (options.source != NULL)
    {
      source = g_inet_address_new_from_string (options.source);
      if (source == NULL)
        return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, _("Invalid source address “%s”: not an IP address"),
                               options.source);
      if (g_inet_address_get_family (source) != family)
        return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE,
                               _("Source address %s is not of the same address family as group %s"),
                               options.source, options.group);
    }

  context = mctx_context_new ();
  publication = add_publication (context, config, &status);
  if (publication == NULL)
    return status;
  ifindex = mctx_publication_get_interface_index (publication);

  if (source == NULL)
    {
      GInetAddress *named = mctx_publication_config_get_outgoing_interface (config);

      if (named == NULL)
        named = bind_address;
      source = named != NULL ? g_object_ref (named) : egress_source (group, ifindex, &error);
      if (source == NULL)
        return mctx_tool_fail (MCTX_TOOL_EXIT_RUNTIME, "%s", error->message);
    }

  if (options.source_port >= 0)
    source_port = (guint16) options.source_port;
  else if (bind_port >= 0)
    source_port = (guint16) bind_port;
  else
    source_port = (guint16) g_random_int_range (49152, 65536);

  payload = g_bytes_get_data (options.payload, &payload_len);
  datagram = mctx_raw_build_udp_datagram (source, source_port, group, (guint16) options.port,
                                          (guint8) (options.ttl >= 0 ? options.ttl : 1),
                                          (guint8) (options.dscp >= 0 ? options.dscp << 2 : 0), 0,
                                          payload, payload_len, &error);
  if (datagram == NULL)
    return mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, "%s", error->message);

  if (options.sndbuf > 0)
    setsockopt (g_socket_get_fd (mctx_publication_get_socket (publication)), SOL_SOCKET, SO_SNDBUF, &options.sndbuf,
                sizeof options.sndbuf);

  destination_text = mctx_tool_describe (group, (guint16) options.port);
  source_text = mctx_tool_describe (source, source_port);
  {
    StampedRun run = { &options, source, source_port, group };

    return send_repeatedly (&options, context, publication, datagram, options.size > 0 ? build_stamped : NULL,
                            &run, destination_text, source_text);
  }
}
