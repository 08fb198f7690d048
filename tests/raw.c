/* raw.c: raw datagram transmit, checked byte for byte on the far end
 *
 * The test's namespace is joined to a peer namespace by veth pairs: r4a–r4b
 * for the explicit-interface tests, ra1–rb1 and ra2–rb2 for route
 * selection. The peer captures with AF_PACKET sockets and compares what
 * arrives with what was supplied.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/if_packet.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mctx/raw/mctx-raw.h>

#include <glib-unix.h>

#include "mctx-test-util.h"

#define WAIT_MS 2000
#define SILENCE_MS 300

/* The checks of a raw publication with the default configuration. */
static gboolean
validate_by_default (GSocketFamily  family,
                     const guint8  *data,
                     gsize          len,
                     GError       **error)
{
  g_autoptr(MctxPublicationConfig) config = mctx_raw_publication_config_new (family);

  return mctx_raw_publication_config_validate_datagram (MCTX_RAW_PUBLICATION_CONFIG (config), data, len, error);
}

static MctxTestPeer *peer;

/* Waits for an incoming packet equal to @expected, skipping others (ND,
 * MLD). Returns whether it came. */
static gboolean
capture_expect (int           fd,
                const guint8 *expected,
                gsize         len,
                int           timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint8 packet[65536];
  int packet_type;
  gssize n;

  while ((n = mctx_test_capture_receive (fd, deadline, packet, sizeof packet, &packet_type)) >= 0)
    if (packet_type != PACKET_OUTGOING && (gsize) n == len && memcmp (packet, expected, len) == 0)
      return TRUE;
  return FALSE;
}

static GInetAddress *
address (const char *text)
{
  GInetAddress *parsed = g_inet_address_new_from_string (text);

  g_assert_nonnull (parsed);
  return parsed;
}

static GBytes *
build (const char   *source,
       guint16       source_port,
       const char   *group,
       guint16       port,
       guint8        ttl,
       guint8        traffic_class,
       guint32       flow_label,
       const char   *payload)
{
  g_autoptr(GInetAddress) from = address (source);
  g_autoptr(GInetAddress) to = address (group);
  g_autoptr(GError) error = NULL;
  GBytes *datagram;

  datagram = mctx_raw_build_udp_datagram (from, source_port, to, port, ttl, traffic_class, flow_label,
                                          (const guint8 *) payload, strlen (payload), &error);
  g_assert_no_error (error);
  return datagram;
}

static MctxPublicationConfig *
config_new (GSocketFamily  family,
            const char    *interface_name)
{
  MctxPublicationConfig *config = mctx_raw_publication_config_new (family);

  mctx_publication_config_set_interface_name (config, interface_name);
  return config;
}

static MctxPublication *
add (MctxContext           *context,
     MctxPublicationConfig *config)
{
  g_autoptr(GError) error = NULL;
  MctxPublication *publication = mctx_context_add_publication (context, config, &error);

  g_assert_no_error (error);
  g_assert_nonnull (publication);
  return publication;
}

static MctxSendReport *
send_ok (MctxPublication *publication,
         GBytes             *datagram)
{
  g_autoptr(GError) error = NULL;
  MctxSendReport *report = mctx_publication_send_with_report (publication, g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram), &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpuint (mctx_send_report_get_bytes_sent (report), ==, g_bytes_get_size (datagram));
  return report;
}

static void
assert_captured (int     fd,
                 GBytes *datagram)
{
  g_assert_true (capture_expect (fd, g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram), WAIT_MS));
}

static void
assert_not_captured (int     fd,
                     GBytes *datagram)
{
  g_assert_false (capture_expect (fd, g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram), SILENCE_MS));
}

static void
assert_address (GInetAddress *actual,
                const char   *expected)
{
  g_autofree char *text = g_inet_address_to_string (actual);

  g_assert_cmpstr (text, ==, expected);
}

/* A foreign IPv4 source arrives exactly as supplied, and a UDP receiver
 * on the far end gets the payload from that source. */
static void
test_ipv4_exact (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GBytes) datagram = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  MctxTestDatagram received;
  int capture = mctx_test_capture_open (peer, "r4b");
  int receiver;
  guint16 port;

  g_test_summary ("A foreign IPv4 source arrives exactly as supplied, and a UDP receiver on the far end gets the payload from that source.");

  mctx_test_peer_enter (peer);
  receiver = mctx_test_receiver_ipv4 ("239.1.2.3", "192.0.2.2", 0, &port);
  mctx_test_peer_leave (peer);

  datagram = build ("198.51.100.7", 4000, "239.1.2.3", port, 5, 0x28, 0, "hello raw v4");
  config = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV4);
  mctx_publication_config_set_outgoing_interface_string (config, "192.0.2.1", &error);
  g_assert_no_error (error);
  publication = add (context, config);
  g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, if_nametoindex ("r4a"));

  report = send_ok (publication, datagram);
  assert_address (g_inet_socket_address_get_address (mctx_send_report_get_local_address (report)), "198.51.100.7");
  assert_address (g_inet_socket_address_get_address (mctx_send_report_get_destination (report)), "239.1.2.3");
  g_assert_cmpuint (mctx_send_report_get_protocol (report), ==, 17);
  g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==, if_nametoindex ("r4a"));

  assert_captured (capture, datagram);

  g_assert_true (mctx_test_receive (receiver, WAIT_MS, &received));
  g_assert_cmpmem (received.data, received.len, "hello raw v4", 12);
  mctx_test_assert_from (&received, "198.51.100.7", 4000);
  g_assert_cmpint (received.ttl, ==, 5);
  mctx_test_datagram_clear (&received);

  close (receiver);
  close (capture);
}

/* A TTL override rewrites the IPv4 header and its checksum, nothing else. */
static void
test_ipv4_ttl_override (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = config_new (G_SOCKET_FAMILY_IPV4, "r4a");
  g_autoptr(GBytes) datagram = build ("198.51.100.7", 4000, "239.1.2.3", 5000, 5, 0, 0, "ttl");
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  int capture = mctx_test_capture_open (peer, "r4b");
  guint8 *copy;
  guint32 sum = 0;

  g_test_summary ("A TTL override rewrites the IPv4 header and its checksum, nothing else.");

  /* What must arrive: TTL 9, checksum recomputed by hand. */
  copy = g_memdup2 (g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram));
  copy[8] = 9;
  copy[10] = copy[11] = 0;
  for (guint i = 0; i < 20; i += 2)
    sum += (guint32) copy[i] << 8 | copy[i + 1];
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  copy[10] = (guint8) (~sum >> 8);
  copy[11] = (guint8) ~sum;
  expected = g_bytes_new_take (copy, g_bytes_get_size (datagram));

  mctx_publication_config_set_ttl (config, 9);
  report = send_ok (add (context, config), datagram);
  assert_captured (capture, expected);
  close (capture);
}

/* No interface: the kernel routes IPv4 datagrams by their destination. */
static void
test_ipv4_routed (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GBytes) datagram = build ("198.51.100.8", 4001, "239.9.9.9", 5000, 3, 0, 0, "routed");
  g_autoptr(MctxSendReport) report = NULL;
  int capture = mctx_test_capture_open (peer, "r4b");

  g_test_summary ("No interface: the kernel routes IPv4 datagrams by their destination.");

  mctx_test_run ("ip route add 239.9.0.0/16 dev r4a");
  report = send_ok (add (context, config), datagram);
  g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==, 0);
  assert_captured (capture, datagram);
  mctx_test_run ("ip route del 239.9.0.0/16 dev r4a");
  close (capture);
}

/* A hop-by-hop options header (PadN) between the IPv6 header and UDP. */
static GBytes *
with_hop_by_hop (GBytes *datagram)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (datagram, &len);
  guint8 *result = g_malloc (len + 8);
  const guint8 options[8] = { 17 /* next: UDP */, 0 /* 8 bytes */, 1 /* PadN */, 4, 0, 0, 0, 0 };
  guint payload_length;

  memcpy (result, data, 40);
  memcpy (result + 40, options, 8);
  memcpy (result + 48, data + 40, len - 40);
  result[6] = 0;    /* next header: hop-by-hop options */
  payload_length = (guint) (len - 40 + 8);
  result[4] = payload_length >> 8;
  result[5] = payload_length & 0xff;

  return g_bytes_new_take (result, len + 8);
}

/* A foreign IPv6 source with traffic class, flow label, hop limit and an
 * extension header arrives exactly as supplied; a receiver gets the
 * payload. */
static void
test_ipv6_exact (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = config_new (G_SOCKET_FAMILY_IPV6, "r4a");
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) extended = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  MctxPublication *publication;
  MctxTestDatagram received;
  int capture = mctx_test_capture_open (peer, "r4b");
  int receiver;
  guint16 port;

  g_test_summary ("A foreign IPv6 source with traffic class, flow label, hop limit and an extension header arrives exactly as supplied; a receiver gets the payload.");

  mctx_test_peer_enter (peer);
  receiver = mctx_test_receiver_ipv6 ("ff3e::8000:1234", if_nametoindex ("r4b"), NULL, 0, &port);
  mctx_test_peer_leave (peer);

  plain = build ("2001:db8:ffff::10", 4002, "ff3e::8000:1234", port, 7, 0xb8, 0x12345, "hello raw v6");
  extended = with_hop_by_hop (plain);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (plain, NULL))[1], ==, 0x81);   /* TC low nibble, flow */

  publication = add (context, config);
  report = send_ok (publication, extended);
  assert_address (g_inet_socket_address_get_address (mctx_send_report_get_local_address (report)), "2001:db8:ffff::10");
  g_assert_cmpuint (mctx_send_report_get_protocol (report), ==, 0);
  g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==, if_nametoindex ("r4a"));
  assert_captured (capture, extended);

  g_clear_pointer (&report, mctx_send_report_unref);
  report = send_ok (publication, plain);
  assert_captured (capture, plain);

  g_assert_true (mctx_test_receive (receiver, WAIT_MS, &received));
  g_assert_cmpmem (received.data, received.len, "hello raw v6", 12);
  mctx_test_assert_from (&received, "2001:db8:ffff::10", 4002);
  g_assert_cmpint (received.ttl, ==, 7);
  mctx_test_datagram_clear (&received);

  close (receiver);
  close (capture);
}

static void
send_expecting (MctxContext *context,
                guint           id,
                GBytes         *datagram,
                int             code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MctxSendReport) report = NULL;

  report = mctx_publication_send_with_report (mctx_context_get_publication (context, id), g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram), &error);
  g_assert_null (report);
  g_assert_error (error, MCTX_ERROR, code);
  g_test_message ("refused: %s", error->message);
}

/* Route-selected IPv6 follows the main routing table: longest prefix,
 * then lowest metric; a removed route fails clearly, a restored one works
 * again through the same publication. */
static void
test_ipv6_route_selected (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GBytes) datagram = build ("2001:db8:ffff::20", 4003, "ff3e::8000:1234", 5000, 4, 0, 0, "routed v6");
  g_autoptr(GBytes) link_local = build ("fe80::20", 4003, "ff32::8000:1234", 5000, 4, 0, 0, "scoped");
  MctxPublication *publication;
  guint ra1 = if_nametoindex ("ra1"), ra2 = if_nametoindex ("ra2");
  int rb1 = mctx_test_capture_open (peer, "rb1"), rb2 = mctx_test_capture_open (peer, "rb2");
  guint id;

  g_test_summary ("Route-selected IPv6 follows the main routing table: longest prefix, then lowest metric; a removed route fails clearly, a restored one works again through the same publication.");

  mctx_raw_publication_config_set_route_selected (MCTX_RAW_PUBLICATION_CONFIG (config), TRUE);
  publication = add (context, config);
  id = mctx_publication_get_id (publication);
  g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, 0);

  mctx_test_run ("ip -6 route add ff3e::/16 dev ra1");
  {
    g_autoptr(MctxSendReport) report = send_ok (publication, datagram);
    g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==, ra1);
  }
  assert_captured (rb1, datagram);
  assert_not_captured (rb2, datagram);

  /* The route moves: the next send follows it. */
  mctx_test_run ("ip -6 route replace ff3e::/16 dev ra2");
  {
    g_autoptr(MctxSendReport) report = send_ok (publication, datagram);
    g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==, ra2);
  }
  assert_captured (rb2, datagram);
  assert_not_captured (rb1, datagram);

  /* Longest prefix wins over a shorter one. */
  mctx_test_run ("ip -6 route add ff3e::8000:0/96 dev ra1");
  {
    g_autoptr(MctxSendReport) report = send_ok (publication, datagram);
    g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==, ra1);
  }
  mctx_test_run ("ip -6 route del ff3e::8000:0/96 dev ra1");

  /* Same prefix: the lowest metric wins. */
  mctx_test_run ("ip -6 route del ff3e::/16");
  mctx_test_run ("ip -6 route add ff3e::/16 dev ra1 metric 200");
  mctx_test_run ("ip -6 route add ff3e::/16 dev ra2 metric 100");
  {
    g_autoptr(MctxSendReport) report = send_ok (publication, datagram);
    g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==, ra2);
  }
  mctx_test_run ("ip -6 route del ff3e::/16 dev ra2 metric 100");
  {
    g_autoptr(MctxSendReport) report = send_ok (publication, datagram);
    g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==, ra1);
  }

  /* Gone: a clear error. Back: the same id sends again. */
  mctx_test_run ("ip -6 route del ff3e::/16");
  send_expecting (context, id, datagram, MCTX_ERROR_RAW_NO_ROUTE);
  mctx_test_run ("ip -6 route add ff3e::/16 dev ra1");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MctxSendReport) report =
      mctx_publication_send_with_report (mctx_context_get_publication (context, id), g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==, ra1);
  }
  assert_captured (rb1, datagram);
  mctx_test_run ("ip -6 route del ff3e::/16");

  /* Scoped groups never follow a route. */
  send_expecting (context, id, link_local, MCTX_ERROR_RAW_NEEDS_INTERFACE);

  close (rb1);
  close (rb2);
}

/* Every check before a send, each with its own code. */
static void
test_datagram_validation (void)
{
  g_autoptr(GBytes) v4 = build ("198.51.100.7", 1, "239.1.2.3", 2, 5, 0, 0, "payload");
  g_autoptr(GBytes) v6 = build ("2001:db8::1", 1, "ff3e::1", 2, 5, 0, 0, "payload");
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) v4_config = config_new (G_SOCKET_FAMILY_IPV4, "r4a");
  g_autoptr(MctxPublicationConfig) v6_config = config_new (G_SOCKET_FAMILY_IPV6, "r4a");
  gsize v4_len = g_bytes_get_size (v4), v6_len = g_bytes_get_size (v6);
  guint8 *a = g_memdup2 (g_bytes_get_data (v4, NULL), v4_len);
  guint8 *b = g_memdup2 (g_bytes_get_data (v6, NULL), v6_len);
  guint v4_id, v6_id;
  struct {
    GSocketFamily family;
    gsize offset;
    guint8 value;
    gsize len_change;
    int code;
    const char *in_message;
  } cases[] = {
    { G_SOCKET_FAMILY_IPV4, 0, 0x45, 19, MCTX_ERROR_RAW_TRUNCATED, "fewer than an IPv4 header" },
    { G_SOCKET_FAMILY_IPV4, 0, 0x65, 0, MCTX_ERROR_RAW_VERSION_MISMATCH, "version field is 6" },
    { G_SOCKET_FAMILY_IPV4, 0, 0x44, 0, MCTX_ERROR_RAW_HEADER_LENGTH, "header length field says 16" },
    { G_SOCKET_FAMILY_IPV4, 0, 0x4f, 0, MCTX_ERROR_RAW_HEADER_LENGTH, "header length field says 60" },
    { G_SOCKET_FAMILY_IPV4, 3, 0x99, 0, MCTX_ERROR_RAW_TOTAL_LENGTH, "total length field" },
    { G_SOCKET_FAMILY_IPV4, 16, 10, 0, MCTX_ERROR_RAW_NOT_MULTICAST, "10.1.2.3 is not a multicast" },
    { G_SOCKET_FAMILY_IPV6, 0, 0x60, 39, MCTX_ERROR_RAW_TRUNCATED, "fewer than an IPv6 header" },
    { G_SOCKET_FAMILY_IPV6, 0, 0x40, 0, MCTX_ERROR_RAW_VERSION_MISMATCH, "version field is 4" },
    { G_SOCKET_FAMILY_IPV6, 5, 0x01, 0, MCTX_ERROR_RAW_PAYLOAD_LENGTH, "payload length field" },
    { G_SOCKET_FAMILY_IPV6, 24, 0xfd, 0, MCTX_ERROR_RAW_NOT_MULTICAST, "is not a multicast" },
    /* Groups that must never leave the node: never put on a link. */
    { G_SOCKET_FAMILY_IPV6, 25, 0x31, 0, MCTX_ERROR_UNDELIVERABLE_GROUP, "ff31::1 is interface-local" },
    { G_SOCKET_FAMILY_IPV6, 25, 0x01, 0, MCTX_ERROR_UNDELIVERABLE_GROUP, "ff01::1 is interface-local" },
    { G_SOCKET_FAMILY_IPV6, 25, 0x00, 0, MCTX_ERROR_UNDELIVERABLE_GROUP, "reserved scope 0" },
  };

  g_test_summary ("Every check before a send, each with its own code.");

  v4_id = mctx_publication_get_id (add (context, v4_config));
  mctx_publication_config_set_ttl (v6_config, 9);
  v6_id = mctx_publication_get_id (add (context, v6_config));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean ipv6 = cases[i].family == G_SOCKET_FAMILY_IPV6;
      g_autofree guint8 *data = g_memdup2 (ipv6 ? b : a, ipv6 ? v6_len : v4_len);
      gsize len = (ipv6 ? v6_len : v4_len);
      g_autoptr(GError) error = NULL;
      g_autoptr(MctxSendReport) report = NULL;

      g_test_message ("case %u", i);
      data[cases[i].offset] = cases[i].value;
      if (cases[i].code == MCTX_ERROR_RAW_NOT_MULTICAST && !ipv6)
        data[17] = 1, data[18] = 2, data[19] = 3;
      if (cases[i].len_change != 0)
        len = cases[i].len_change;

      g_assert_false (mctx_raw_publication_config_validate_datagram (
        MCTX_RAW_PUBLICATION_CONFIG (ipv6 ? v6_config : v4_config), data, len, &error));
      g_assert_error (error, MCTX_ERROR, cases[i].code);
      g_test_message ("  %s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
      g_clear_error (&error);

      /* A publication refuses it the same way, before sending. */
      report = mctx_publication_send_with_report (mctx_context_get_publication (context, ipv6 ? v6_id : v4_id), data, len, &error);
      g_assert_null (report);
      g_assert_error (error, MCTX_ERROR, cases[i].code);
    }

  /* The wrong family for the publication. */
  send_expecting (context, v4_id, v6, MCTX_ERROR_RAW_VERSION_MISMATCH);
  /* The IPv6 header says 5, the publication requires 9: refused, not
   * rewritten. */
  send_expecting (context, v6_id, v6, MCTX_ERROR_RAW_HOP_LIMIT_CONFLICT);

  g_free (a);
  g_free (b);
}

static void
assert_add_fails (MctxPublicationConfig *config,
                  GQuark                    domain,
                  int                       code,
                  const char               *in_message)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;

  g_assert_null (mctx_context_add_publication (context, config, &error));
  g_assert_error (error, domain, code);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, in_message));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 0);
}

/* The bind address of @config is @address with @scope_id. */
static void
assert_bind_scope (MctxPublicationConfig *config,
                   GInetAddress          *address,
                   guint                  scope_id)
{
  g_autoptr(GInetSocketAddress) bind = mctx_publication_config_dup_bind_address (config);

  g_assert_nonnull (bind);
  g_assert_true (g_inet_address_equal (g_inet_socket_address_get_address (bind), address));
  g_assert_cmpuint (g_inet_socket_address_get_scope_id (bind), ==, scope_id);
}

static void
test_config_validation (void)
{
  g_autoptr(MctxPublicationConfig) no_interface = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV6);
  g_autoptr(MctxPublicationConfig) loopback = config_new (G_SOCKET_FAMILY_IPV6, "r4a");
  g_autoptr(MctxPublicationConfig) family = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV4);
  g_autoptr(MctxPublicationConfig) out_of_range = config_new (G_SOCKET_FAMILY_IPV4, "r4a");
  g_autoptr(MctxPublicationConfig) both = config_new (G_SOCKET_FAMILY_IPV6, "r4a");
  g_autoptr(MctxPublicationConfig) on_lo = config_new (G_SOCKET_FAMILY_IPV6, "lo");
  g_autoptr(MctxPublicationConfig) unknown = config_new (G_SOCKET_FAMILY_IPV4, "nosuch0");
  g_autoptr(MctxPublicationConfig) not_local = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV4);
  g_autoptr(MctxPublicationConfig) mismatch = config_new (G_SOCKET_FAMILY_IPV4, "lo");
  g_autoptr(GError) error = NULL;

  g_test_summary ("Raw configurations that cannot work are refused before any socket exists");

  assert_add_fails (no_interface, MCTX_ERROR, MCTX_ERROR_RAW_NEEDS_INTERFACE, "explicit interface");

  mctx_publication_config_set_loopback (loopback, TRUE);
  assert_add_fails (loopback, MCTX_ERROR, MCTX_ERROR_RAW_UNSUPPORTED_LINK, "loop back");

  mctx_publication_config_set_bind_address_string (family, "fd00::1", &error);
  g_assert_no_error (error);
  assert_add_fails (family, MCTX_ERROR, MCTX_ERROR_SOURCE_FAMILY_MISMATCH, "source address fd00::1");

  /* Out-of-range values are taken by the setters and refused here, with a
   * GError a binding sees. */
  mctx_publication_config_set_interface_index (out_of_range, 0);
  g_object_set (out_of_range, "ttl", 300, NULL);
  assert_add_fails (out_of_range, MCTX_ERROR, MCTX_ERROR_INVALID_TTL, "TTL 300");
  mctx_publication_config_set_ttl (out_of_range, -2);
  assert_add_fails (out_of_range, MCTX_ERROR, MCTX_ERROR_INVALID_TTL, "TTL -2");

  mctx_raw_publication_config_set_route_selected (MCTX_RAW_PUBLICATION_CONFIG (both), TRUE);
  assert_add_fails (both, MCTX_ERROR, MCTX_ERROR_INTERFACE_MISMATCH, "Route-selected");

  assert_add_fails (on_lo, MCTX_ERROR, MCTX_ERROR_RAW_UNSUPPORTED_LINK, "not Ethernet-like");
  assert_add_fails (unknown, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE, "nosuch0");

  mctx_publication_config_set_outgoing_interface_string (not_local, "192.0.2.99", &error);
  assert_add_fails (not_local, MCTX_ERROR, MCTX_ERROR_ADDRESS_NOT_LOCAL, "192.0.2.99");

  mctx_publication_config_set_outgoing_interface_string (mismatch, "192.0.2.1", &error);
  assert_add_fails (mismatch, MCTX_ERROR, MCTX_ERROR_INTERFACE_MISMATCH, "192.0.2.1");

  g_assert_false (mctx_publication_config_set_bind_address_string (mismatch, "nope", &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  /* An IPv6 scope selects the interface, as a name or an index, in a
   * string or as a socket address's scope id; it is never dropped. */
  {
    g_autoptr(MctxPublicationConfig) scoped = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV6);
    g_autoptr(GInetAddress) link_local = g_inet_address_new_from_string ("fe80::1");
    g_autoptr(GSocketAddress) with_scope = g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                                                         "address", link_local, "port", 0,
                                                         "scope-id", 5, NULL);

    g_assert_true (mctx_publication_config_set_bind_address_string (scoped, "fe80::1%r4a", &error));
    g_assert_no_error (error);
    assert_bind_scope (scoped, link_local, if_nametoindex ("r4a"));

    g_assert_true (mctx_publication_config_set_bind_address_string (scoped, "fe80::1%2", &error));
    assert_bind_scope (scoped, link_local, 2);

    mctx_publication_config_set_bind_address (scoped, G_INET_SOCKET_ADDRESS (with_scope));
    assert_bind_scope (scoped, link_local, 5);

    g_assert_false (mctx_publication_config_set_bind_address_string (scoped, "fe80::1%nosuch0", &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE);
    g_clear_error (&error);
    g_assert_false (mctx_publication_config_set_bind_address_string (scoped, "192.0.2.1%r4a", &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS);
    g_clear_error (&error);
  }
}

/* Ids, take, remove, and replacement in place that leaves the old
 * publication untouched when the new one fails. */
static void
test_context (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) v4 = config_new (G_SOCKET_FAMILY_IPV4, "r4a");
  g_autoptr(MctxPublicationConfig) by_index = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV4);
  g_autoptr(MctxPublicationConfig) bad = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV6);
  g_autoptr(MctxPublication) taken = NULL;
  g_autoptr(MctxPublication) held = NULL;
  g_autoptr(GBytes) datagram = build ("198.51.100.9", 1, "239.1.2.3", 2, 5, 0, 0, "ctx");
  g_autoptr(GError) error = NULL;
  MctxPublication *first, *second, *replaced;
  int capture = mctx_test_capture_open (peer, "r4b");

  g_test_summary ("Ids, duplicates refused, take, remove, and replacement in place that leaves the old publication untouched when the new one fails.");

  /* The same egress named another way is another configuration. */
  mctx_publication_config_set_interface_index (by_index, (int) if_nametoindex ("r4a"));
  first = add (context, v4);
  second = add (context, by_index);
  g_assert_cmpuint (mctx_publication_get_id (first), ==, 1);
  g_assert_cmpuint (mctx_publication_get_id (second), ==, 2);
  g_assert_true (mctx_context_get_publication (context, 2) == second);

  /* The same configuration twice is refused, as in UDP contexts. */
  {
    g_autoptr(MctxPublicationConfig) copy = mctx_publication_config_copy (v4);

    g_assert_null (mctx_context_add_publication (context, copy, &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_DUPLICATE_PUBLICATION);
    g_clear_error (&error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 2);

    /* Replacing 2 with 1's configuration is refused; 2 stays as it was. */
    g_assert_null (mctx_context_replace_publication (context, 2, copy, &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_DUPLICATE_PUBLICATION);
    g_clear_error (&error);
    g_assert_true (mctx_context_get_publication (context, 2) == second);
    g_assert_nonnull (mctx_publication_get_socket (second));
  }

  /* A failing replacement changes nothing. */
  held = g_object_ref (second);
  g_assert_null (mctx_context_replace_publication (context, 2, bad, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_RAW_NEEDS_INTERFACE);
  g_clear_error (&error);
  g_assert_true (mctx_context_get_publication (context, 2) == second);
  g_clear_pointer (&held, g_object_unref);
  {
    g_autoptr(MctxSendReport) report = send_ok (second, datagram);
    g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==, if_nametoindex ("r4a"));
  }
  assert_captured (capture, datagram);

  /* A working one, of its own configuration again, takes the id; the old
   * one is closed. */
  held = g_object_ref (second);
  replaced = mctx_context_replace_publication (context, 2, by_index, &error);
  g_assert_no_error (error);
  g_assert_true (replaced != second);
  g_assert_cmpuint (mctx_publication_get_id (replaced), ==, 2);
  g_assert_null (mctx_publication_get_socket (held));
  g_assert_null (mctx_publication_send_with_report (held, g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);

  g_assert_null (mctx_context_replace_publication (context, 9, v4, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND);
  g_clear_error (&error);

  taken = mctx_context_take_publication (context, 1, &error);
  g_assert_no_error (error);
  g_assert_true (taken == first);
  g_assert_nonnull (mctx_publication_get_socket (taken));
  g_assert_true (mctx_context_remove_publication (context, 2, &error));
  g_assert_false (mctx_context_remove_publication (context, 2, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 0);

  g_assert_cmpuint (mctx_publication_get_id (add (context, v4)), ==, 3);
  close (capture);
}

/* Checksums computed another way: 64-bit sums over bytes, folded once at
 * the end. A datagram whose checksums are right sums to 0xffff. */
static guint16
fold (guint64 sum)
{
  while (sum > 0xffff)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) sum;
}

static guint64
sum_bytes (const guint8 *data,
           gsize         len)
{
  guint64 sum = 0;

  for (gsize i = 0; i < len; i++)
    sum += (i % 2 == 0) ? (guint64) data[i] << 8 : data[i];
  return sum;
}

static void
test_builder_checksums (void)
{
  const char *payloads[] = { "", "x", "odd length", "even length!", "0123456789abcdef0123456789abcdef" };

  g_test_summary ("The UDP-in-IP builder writes correct IPv4 and UDP checksums");

  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autoptr(GBytes) v4 = build ("198.51.100.7", 4000 + i, "239.1.2.3", 5000, 64, 0x10, 0, payloads[i]);
      g_autoptr(GBytes) v6 = build ("2001:db8:ffff::10", 4000 + i, "ff3e::8000:1234", 5000, 64, 0xb8, 0xabcde, payloads[i]);
      gsize len4, len6;
      const guint8 *d4 = g_bytes_get_data (v4, &len4);
      const guint8 *d6 = g_bytes_get_data (v6, &len6);
      gsize plen = strlen (payloads[i]);
      guint64 pseudo;

      g_assert_cmpuint (len4, ==, 28 + plen);
      g_assert_cmpuint (len6, ==, 48 + plen);
      g_assert_true (validate_by_default (G_SOCKET_FAMILY_IPV4, d4, len4, NULL));
      g_assert_true (validate_by_default (G_SOCKET_FAMILY_IPV6, d6, len6, NULL));

      /* IPv4 header checksum. */
      g_assert_cmphex (fold (sum_bytes (d4, 20)), ==, 0xffff);
      g_assert_cmpuint (d4[8], ==, 64);
      g_assert_cmpuint (d4[9], ==, 17);
      g_assert_cmpuint (d4[4] << 8 | d4[5], !=, 0);

      /* UDP over IPv4: pseudo-header of addresses, protocol, UDP length. */
      pseudo = sum_bytes (d4 + 12, 8) + 17 + (8 + plen);
      g_assert_cmphex (fold (pseudo + sum_bytes (d4 + 20, 8 + plen)), ==, 0xffff);

      /* IPv6: version, traffic class, flow label, lengths, hop limit. */
      g_assert_cmphex (d6[0], ==, 0x6b);
      g_assert_cmphex (d6[1], ==, 0x8a);
      g_assert_cmphex (d6[2] << 8 | d6[3], ==, 0xbcde);
      g_assert_cmpuint (d6[4] << 8 | d6[5], ==, 8 + plen);
      g_assert_cmpuint (d6[6], ==, 17);
      g_assert_cmpuint (d6[7], ==, 64);
      pseudo = sum_bytes (d6 + 8, 32) + 17 + (8 + plen);
      g_assert_cmphex (fold (pseudo + sum_bytes (d6 + 40, 8 + plen)), ==, 0xffff);
      g_assert_cmpmem (d6 + 48, plen, payloads[i], plen);
    }

  /* What cannot be built. */
  {
    g_autoptr(GInetAddress) v4 = address ("198.51.100.7");
    g_autoptr(GInetAddress) v6 = address ("ff3e::1");
    g_autoptr(GInetAddress) unicast = address ("10.0.0.1");
    g_autoptr(GError) error = NULL;
    g_autofree guint8 *huge = g_malloc0 (70000);

    g_assert_null (mctx_raw_build_udp_datagram (v4, 1, v6, 2, 1, 0, 0, NULL, 0, &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_SOURCE_FAMILY_MISMATCH);
    g_clear_error (&error);
    /* A unicast destination is the publication's to refuse or allow; an
     * unspecified one is never right. */
    {
      g_autoptr(GBytes) to_host = mctx_raw_build_udp_datagram (v4, 1, unicast, 2, 1, 0, 0, NULL, 0, &error);
      g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);

      g_assert_no_error (error);
      g_assert_nonnull (to_host);
      g_assert_null (mctx_raw_build_udp_datagram (v4, 1, any, 2, 1, 0, 0, NULL, 0, &error));
      g_assert_error (error, MCTX_ERROR, MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS);
      g_clear_error (&error);
    }
    {
      g_autoptr(GInetAddress) group = address ("239.1.2.3");

      g_assert_null (mctx_raw_build_udp_datagram (v4, 1, group, 2, 1, 0, 0, huge, 70000, &error));
      g_assert_error (error, MCTX_ERROR, MCTX_ERROR_RAW_TOO_LARGE);
      g_clear_error (&error);
      g_assert_null (mctx_raw_build_udp_datagram (v4, 1, group, 2, 1, 0, 5, NULL, 0, &error));
      g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS);
    }
  }
}

/* Without CAP_NET_RAW the error names the missing privilege. */
static void
test_permission (void)
{
  g_test_summary ("Without CAP_NET_RAW the error names the missing privilege.");

  if (g_test_subprocess ())
    {
      struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
      struct __user_cap_data_struct data[2] = { { 0 } };
      g_autoptr(MctxContext) context = mctx_context_new ();
      g_autoptr(MctxPublicationConfig) v4 = config_new (G_SOCKET_FAMILY_IPV4, "r4a");
      g_autoptr(MctxPublicationConfig) v6 = config_new (G_SOCKET_FAMILY_IPV6, "r4a");
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (syscall (SYS_capget, &header, data), ==, 0);
      data[0].effective &= ~(1u << CAP_NET_RAW);
      data[0].permitted &= ~(1u << CAP_NET_RAW);
      g_assert_cmpint (syscall (SYS_capset, &header, data), ==, 0);

      g_assert_cmpint (mctx_raw_get_capabilities (), ==, MCTX_RAW_CAPABILITY_NONE);

      g_assert_null (mctx_context_add_publication (context, v4, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, "CAP_NET_RAW"));
      g_print ("%s\n", error->message);
      g_clear_error (&error);

      g_assert_null (mctx_context_add_publication (context, v6, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, "CAP_NET_RAW"));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("Permission denied: opening an IPv4 raw socket needs the CAP_NET_RAW privilege*");
}

static void
test_capabilities (void)
{
  MctxRawCapabilities capabilities = mctx_raw_get_capabilities ();

  g_test_summary ("The capability query reports what this kernel and privilege allow");

  g_assert_cmpint (capabilities, ==, MCTX_RAW_CAPABILITY_IPV4 | MCTX_RAW_CAPABILITY_IPV4_ROUTED |
                                     MCTX_RAW_CAPABILITY_IPV6 | MCTX_RAW_CAPABILITY_IPV6_ROUTE_SELECTED |
                                     MCTX_RAW_CAPABILITY_IPV4_CONTROL | MCTX_RAW_CAPABILITY_IPV6_CONTROL);
}

/* Control transmit: complete ICMP errors to unicast and multicast
 * destinations through a pinned interface (rc1–rd1; rc2–rd2 carries the
 * route the pinned publication must not take). */

static void
put_be16 (guint8  *p,
          guint16  value)
{
  p[0] = value >> 8;
  p[1] = value & 0xff;
}

/* An ICMPv4 Fragmentation Needed (RFC 1191) from @source to @destination,
 * quoting the header and first 8 bytes of a datagram @destination sent. */
static GBytes *
icmpv4_frag_needed (const char *source,
                    const char *destination,
                    guint16     mtu)
{
  g_autoptr(GBytes) original = build (destination, 4000, "203.0.113.5", 5000, 64, 0, 0, "too big for the next hop");
  g_autoptr(GInetAddress) from = address (source);
  g_autoptr(GInetAddress) to = address (destination);
  gsize len = 20 + 8 + 28;
  guint8 *d = g_malloc0 (len);

  d[0] = 0x45;
  d[1] = 0xc0;                                  /* internetwork control */
  put_be16 (d + 2, (guint16) len);
  put_be16 (d + 4, 0x4d43);                     /* identification */
  d[8] = 64;
  d[9] = 1;                                     /* ICMP */
  memcpy (d + 12, g_inet_address_to_bytes (from), 4);
  memcpy (d + 16, g_inet_address_to_bytes (to), 4);
  put_be16 (d + 10, (guint16) ~fold (sum_bytes (d, 20)));

  d[20] = 3;                                    /* destination unreachable */
  d[21] = 4;                                    /* fragmentation needed */
  put_be16 (d + 26, mtu);
  memcpy (d + 28, g_bytes_get_data (original, NULL), 28);
  put_be16 (d + 22, (guint16) ~fold (sum_bytes (d + 20, len - 20)));

  return g_bytes_new_take (d, len);
}

/* An ICMPv6 Packet Too Big (RFC 4443 §3.2) with a traffic class and flow
 * label, quoting a whole UDP datagram @destination sent. */
static GBytes *
icmpv6_packet_too_big (const char *source,
                       const char *destination,
                       guint32     mtu)
{
  g_autoptr(GBytes) original = build (destination, 4000, "2001:db8:99::5", 5000, 64, 0, 0, "too big for the next hop");
  g_autoptr(GInetAddress) from = address (source);
  g_autoptr(GInetAddress) to = address (destination);
  gsize quoted = g_bytes_get_size (original);
  gsize icmp_len = 8 + quoted, len = 40 + icmp_len;
  guint8 *d = g_malloc0 (len);
  guint64 sum;

  d[0] = 0x6e;                                  /* version 6, traffic class 0xe0 */
  d[1] = 0x05;                                  /* flow label 0x54321 */
  put_be16 (d + 2, 0x4321);
  put_be16 (d + 4, (guint16) icmp_len);
  d[6] = 58;                                    /* ICMPv6 */
  d[7] = 255;
  memcpy (d + 8, g_inet_address_to_bytes (from), 16);
  memcpy (d + 24, g_inet_address_to_bytes (to), 16);

  d[40] = 2;                                    /* packet too big */
  d[44] = mtu >> 24;
  d[45] = (mtu >> 16) & 0xff;
  put_be16 (d + 46, mtu & 0xffff);
  memcpy (d + 48, g_bytes_get_data (original, NULL), quoted);
  sum = sum_bytes (d + 8, 32) + icmp_len + 58 + sum_bytes (d + 40, icmp_len);
  put_be16 (d + 42, (guint16) ~fold (sum));

  return g_bytes_new_take (d, len);
}

static MctxPublicationConfig *
control_config_new (GSocketFamily  family,
                    const char    *interface_name)
{
  MctxPublicationConfig *config = g_object_new (MCTX_TYPE_RAW_PUBLICATION_CONFIG, "family", family,
                                                "mode", MCTX_RAW_MODE_CONTROL, NULL);

  mctx_publication_config_set_interface_name (config, interface_name);
  return config;
}

static void
test_control_icmpv4 (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = control_config_new (G_SOCKET_FAMILY_IPV4, "rc1");
  g_autoptr(GBytes) own = icmpv4_frag_needed ("10.10.1.1", "10.10.1.2", 1280);
  g_autoptr(GBytes) foreign = icmpv4_frag_needed ("198.51.100.1", "10.10.1.2", 1400);
  g_autoptr(GBytes) multicast = icmpv4_frag_needed ("10.10.1.1", "224.0.0.1", 576);
  g_autoptr(MctxSendReport) report = NULL;
  MctxPublication *publication;
  int capture = mctx_test_capture_open (peer, "rd1");

  g_test_summary ("ICMPv4 Fragmentation Needed to a unicast host, from this host's address and a foreign one, "
                  "and to a group, arrive byte for byte through the pinned interface");

  mctx_publication_config_set_bind_address_string (config, "10.10.1.1", NULL);
  publication = add (context, config);
  g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, if_nametoindex ("rc1"));

  report = send_ok (publication, own);
  g_assert_cmpuint (mctx_send_report_get_protocol (report), ==, 1);
  assert_address (g_inet_socket_address_get_address (mctx_send_report_get_local_address (report)), "10.10.1.1");
  assert_address (g_inet_socket_address_get_address (mctx_send_report_get_destination (report)), "10.10.1.2");
  g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==, if_nametoindex ("rc1"));
  assert_captured (capture, own);

  g_clear_pointer (&report, mctx_send_report_unref);
  report = send_ok (publication, foreign);
  assert_captured (capture, foreign);

  g_clear_pointer (&report, mctx_send_report_unref);
  report = send_ok (publication, multicast);
  assert_captured (capture, multicast);

  close (capture);
}

static void
test_control_icmpv6 (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = control_config_new (G_SOCKET_FAMILY_IPV6, "rc1");
  const char *destinations[] = { "fd10:1::2", "fe80::d1", "ff02::1" };
  const char *sources[] = { "fd10:1::1", "2001:db8:ffff::1" };
  MctxPublication *publication;
  int capture = mctx_test_capture_open (peer, "rd1");

  g_test_summary ("ICMPv6 Packet Too Big to global, link-local and multicast destinations, from this host's "
                  "address and a foreign one, arrive byte for byte, traffic class and flow label included");

  mctx_publication_config_set_bind_address_string (config, "fd10:1::1", NULL);
  publication = add (context, config);

  for (guint s = 0; s < G_N_ELEMENTS (sources); s++)
    for (guint d = 0; d < G_N_ELEMENTS (destinations); d++)
      {
        g_autoptr(GBytes) datagram = icmpv6_packet_too_big (sources[s], destinations[d], 1280 + 8 * d);
        g_autoptr(MctxSendReport) report = NULL;

        g_test_message ("%s → %s", sources[s], destinations[d]);
        report = send_ok (publication, datagram);
        g_assert_cmpuint (mctx_send_report_get_protocol (report), ==, 58);
        assert_address (g_inet_socket_address_get_address (mctx_send_report_get_local_address (report)), sources[s]);
        assert_address (g_inet_socket_address_get_address (mctx_send_report_get_destination (report)), destinations[d]);
        assert_captured (capture, datagram);
      }

  close (capture);
}

/* The main table sends 10.10.2.2 and fd10:2::2 through rc2; a publication
 * pinned to rc1 never lets them go there. */
static void
test_control_pinned (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) v4_config = control_config_new (G_SOCKET_FAMILY_IPV4, "rc1");
  g_autoptr(MctxPublicationConfig) v6_config = control_config_new (G_SOCKET_FAMILY_IPV6, "rc1");
  g_autoptr(GBytes) v4 = icmpv4_frag_needed ("10.10.1.1", "10.10.2.2", 1280);
  g_autoptr(GBytes) v6 = icmpv6_packet_too_big ("fd10:1::1", "fd10:2::2", 1280);
  g_autoptr(GError) error = NULL;
  g_autoptr(MctxSendReport) v4_report = NULL;
  g_autoptr(MctxSendReport) v6_report = NULL;
  int pinned = mctx_test_capture_open (peer, "rd1");
  int routed = mctx_test_capture_open (peer, "rd2");

  g_test_summary ("A control publication pinned to one interface never sends through the interface the routes pick");

  v4_report = send_ok (add (context, v4_config), v4);
  g_assert_cmpuint (mctx_send_report_get_interface_index (v4_report), ==, if_nametoindex ("rc1"));
  /* Off-link on rc1, so the kernel asks for it there (ARP), and the peer,
   * which owns the address, answers. */
  assert_captured (pinned, v4);
  assert_not_captured (routed, v4);

  /* IPv6 has no such guess: no route through rc1, so the send fails
   * rather than take rc2. */
  v6_report = mctx_publication_send_with_report (add (context, v6_config), g_bytes_get_data (v6, NULL), g_bytes_get_size (v6), &error);
  if (v6_report == NULL)
    {
      g_test_message ("refused: %s", error->message);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE);
    }
  else
    assert_captured (pinned, v6);
  assert_not_captured (routed, v6);

  close (pinned);
  close (routed);
}

static void
test_control_validation (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) v4_config = control_config_new (G_SOCKET_FAMILY_IPV4, "rc1");
  g_autoptr(MctxPublicationConfig) v6_config = control_config_new (G_SOCKET_FAMILY_IPV6, "rc1");
  g_autoptr(MctxPublicationConfig) unpinned = g_object_new (MCTX_TYPE_RAW_PUBLICATION_CONFIG, "family", G_SOCKET_FAMILY_IPV4,
                                                             "mode", MCTX_RAW_MODE_CONTROL, NULL);
  g_autoptr(MctxPublicationConfig) routed = g_object_new (MCTX_TYPE_RAW_PUBLICATION_CONFIG, "family", G_SOCKET_FAMILY_IPV6,
                                                           "mode", MCTX_RAW_MODE_CONTROL, NULL);
  g_autoptr(MctxPublicationConfig) ttl = control_config_new (G_SOCKET_FAMILY_IPV4, "rc1");
  g_autoptr(MctxPublicationConfig) mismatch = control_config_new (G_SOCKET_FAMILY_IPV4, "rc1");
  g_autoptr(GBytes) v4 = icmpv4_frag_needed ("10.10.1.1", "10.10.1.2", 1280);
  g_autoptr(GBytes) v6 = icmpv6_packet_too_big ("fd10:1::1", "fd10:1::2", 1280);
  gsize v4_len = g_bytes_get_size (v4), v6_len = g_bytes_get_size (v6);
  guint v4_id, v6_id;
  struct {
    gboolean ipv6;
    gsize offset;
    guint8 value;
    gsize len;
    int code;
    const char *in_message;
  } cases[] = {
    { FALSE, 10, 0x00, 0, MCTX_ERROR_RAW_HEADER_CHECKSUM, "IPv4 header checksum 0x00" },
    { FALSE, 8, 63, 0, MCTX_ERROR_RAW_HEADER_CHECKSUM, "is wrong" },
    { FALSE, 3, 0x99, 0, MCTX_ERROR_RAW_TOTAL_LENGTH, "total length field" },
    { FALSE, 0, 0x44, 0, MCTX_ERROR_RAW_HEADER_LENGTH, "header length field says 16" },
    { FALSE, 0, 0x45, 19, MCTX_ERROR_RAW_TRUNCATED, "fewer than an IPv4 header" },
    { FALSE, 0, 0x65, 0, MCTX_ERROR_RAW_VERSION_MISMATCH, "version field is 6" },
    { FALSE, 12, 0, 0, MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS, "IPv4 source address is unspecified" },
    { FALSE, 16, 0, 0, MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS, "IPv4 destination address is unspecified" },
    { TRUE, 5, 0x01, 0, MCTX_ERROR_RAW_PAYLOAD_LENGTH, "payload length field" },
    { TRUE, 0, 0x45, 0, MCTX_ERROR_RAW_VERSION_MISMATCH, "version field is 4" },
    { TRUE, 8, 0, 0, MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS, "IPv6 source address is unspecified" },
    { TRUE, 24, 0, 0, MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS, "IPv6 destination address is unspecified" },
  };

  g_test_summary ("Control datagrams are checked strictly (lengths, versions, the IPv4 checksum, unspecified "
                  "addresses) and control configurations need a pinned interface and no TTL");

  v4_id = mctx_publication_get_id (add (context, v4_config));
  v6_id = mctx_publication_get_id (add (context, v6_config));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const guint8 *original = g_bytes_get_data (cases[i].ipv6 ? v6 : v4, NULL);
      gsize len = cases[i].len != 0 ? cases[i].len : (cases[i].ipv6 ? v6_len : v4_len);
      g_autofree guint8 *data = g_memdup2 (original, cases[i].ipv6 ? v6_len : v4_len);
      g_autoptr(GError) error = NULL;
      g_autoptr(MctxSendReport) report = NULL;

      g_test_message ("case %u", i);
      data[cases[i].offset] = cases[i].value;
      /* Zeroing an address zeroes all of it. */
      if (cases[i].code == MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS)
        memset (data + cases[i].offset, 0, cases[i].ipv6 ? 16 : 4);
      /* Only the checksum may be wrong in the checksum cases, and never
       * in the others. */
      if (!cases[i].ipv6 && cases[i].code != MCTX_ERROR_RAW_HEADER_CHECKSUM && (data[0] & 0x0f) == 5 && len >= 20)
        {
          data[10] = data[11] = 0;
          put_be16 (data + 10, (guint16) ~fold (sum_bytes (data, 20)));
        }

      g_assert_false (mctx_raw_publication_config_validate_datagram (MCTX_RAW_PUBLICATION_CONFIG (cases[i].ipv6 ? v6_config : v4_config),
                                                                     data, len, &error));
      g_assert_error (error, MCTX_ERROR, cases[i].code);
      g_test_message ("  %s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
      g_clear_error (&error);

      report = mctx_publication_send_with_report (mctx_context_get_publication (context, cases[i].ipv6 ? v6_id : v4_id), data, len, &error);
      g_assert_null (report);
      g_assert_error (error, MCTX_ERROR, cases[i].code);
    }

  /* The multicast rules do not apply: unicast is fine, as the sends of
   * the other tests show; and the checks are a control configuration's. */
  g_assert_true (mctx_raw_publication_config_validate_datagram (MCTX_RAW_PUBLICATION_CONFIG (v4_config), g_bytes_get_data (v4, NULL), v4_len, NULL));
  g_assert_false (validate_by_default (G_SOCKET_FAMILY_IPV4, g_bytes_get_data (v4, NULL), v4_len, NULL));

  assert_add_fails (unpinned, MCTX_ERROR, MCTX_ERROR_RAW_NEEDS_INTERFACE, "explicit interface");
  mctx_raw_publication_config_set_route_selected (MCTX_RAW_PUBLICATION_CONFIG (routed), TRUE);
  assert_add_fails (routed, MCTX_ERROR, MCTX_ERROR_INTERFACE_MISMATCH, "never a route-selected one");
  mctx_publication_config_set_ttl (ttl, 64);
  assert_add_fails (ttl, MCTX_ERROR, MCTX_ERROR_RAW_HOP_LIMIT_CONFLICT, "exactly as built");
  /* Selectors that name different interfaces are refused, not resolved
   * to either. */
  g_assert_true (mctx_publication_config_set_outgoing_interface_string (mismatch, "10.10.2.1", NULL));
  assert_add_fails (mismatch, MCTX_ERROR, MCTX_ERROR_INTERFACE_MISMATCH, "10.10.2.1");
  mctx_publication_config_set_interface_name (mismatch, NULL);
  mctx_publication_config_set_bind_address_string (mismatch, "10.10.1.1", NULL);
  assert_add_fails (mismatch, MCTX_ERROR, MCTX_ERROR_INTERFACE_MISMATCH, "10.10.");

  /* A second publication of the same configuration is a duplicate; one
   * that differs only in mode is not. */
  {
    g_autoptr(MctxPublicationConfig) again = control_config_new (G_SOCKET_FAMILY_IPV4, "rc1");
    g_autoptr(MctxPublicationConfig) multicast = config_new (G_SOCKET_FAMILY_IPV4, "rc1");
    g_autoptr(GError) error = NULL;

    g_assert_null (mctx_context_add_publication (context, again, &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_DUPLICATE_PUBLICATION);
    add (context, multicast);
  }
}

/* A multicast publication that allows any destination sends a UDP
 * datagram to a unicast host through its interface; by default that is
 * refused, and IPv6 cannot take the link-layer path to a unicast host. */
static void
test_allow_any_destination (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) strict = config_new (G_SOCKET_FAMILY_IPV4, "rc1");
  g_autoptr(MctxPublicationConfig) any = config_new (G_SOCKET_FAMILY_IPV4, "rc1");
  g_autoptr(MctxPublicationConfig) any_v6 = config_new (G_SOCKET_FAMILY_IPV6, "rc1");
  g_autoptr(GBytes) unicast = NULL;
  g_autoptr(GBytes) unicast_v6 = build ("fd10:1::1", 4000, "fd10:1::2", 5000, 64, 0, 0, "to one host");
  g_autoptr(GBytes) group = build ("10.10.1.1", 4000, "239.1.2.3", 5000, 1, 0, 0, "to a group");
  g_autoptr(MctxSendReport) report = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  MctxTestDatagram received;
  int capture = mctx_test_capture_open (peer, "rd1");
  int receiver;
  guint16 port;

  g_test_summary ("allow-any-destination sends to unicast hosts (IPv4), off by default; IPv6 unicast needs a control publication");

  mctx_test_peer_enter (peer);
  receiver = mctx_test_receiver_unicast_ipv4 ("10.10.1.2", &port);
  mctx_test_peer_leave (peer);
  unicast = build ("198.51.100.1", 4000, "10.10.1.2", port, 64, 0, 0, "to one host");

  send_expecting (context, mctx_publication_get_id (add (context, strict)), unicast, MCTX_ERROR_RAW_NOT_MULTICAST);

  g_assert_false (mctx_raw_publication_config_get_allow_any_destination (MCTX_RAW_PUBLICATION_CONFIG (any)));
  g_object_set (any, "allow-any-destination", TRUE, NULL);
  publication = add (context, any);
  report = send_ok (publication, unicast);
  assert_captured (capture, unicast);
  g_assert_true (mctx_test_receive (receiver, WAIT_MS, &received));
  g_assert_cmpmem (received.data, received.len, "to one host", 11);
  mctx_test_assert_from (&received, "198.51.100.1", 4000);
  mctx_test_datagram_clear (&received);
  /* Groups still go. */
  g_clear_pointer (&report, mctx_send_report_unref);
  report = send_ok (publication, group);
  assert_captured (capture, group);

  mctx_raw_publication_config_set_allow_any_destination (MCTX_RAW_PUBLICATION_CONFIG (any_v6), TRUE);
  publication = add (context, any_v6);
  g_assert_null (mctx_publication_send_with_report (publication, g_bytes_get_data (unicast_v6, NULL), g_bytes_get_size (unicast_v6), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "control publication"));

  close (receiver);
  close (capture);
}

/* A batch: each datagram to the destination its header names, byte for
 * byte; it stops before the first that fails its checks, which the next
 * call reports. */
static void
test_batch (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) v4_config = config_new (G_SOCKET_FAMILY_IPV4, "rc1");
  g_autoptr(MctxPublicationConfig) v6_config = config_new (G_SOCKET_FAMILY_IPV6, "rc1");
  g_autoptr(MctxPublicationConfig) control_config = control_config_new (G_SOCKET_FAMILY_IPV4, "rc1");
  g_autoptr(GPtrArray) datagrams = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GBytes) unicast = build ("2001:db8::9", 4000, "fd10:1::2", 5000, 64, 0, 0, "not a group");
  g_autoptr(GError) error = NULL;
  GOutputVector vectors[4];
  MctxPublication *v4, *v6, *control;
  int capture = mctx_test_capture_open (peer, "rd1");

  g_test_summary ("Raw batches send each datagram to its own destination, byte for byte, and stop before one that fails its checks");

  v4 = add (context, v4_config);
  v6 = add (context, v6_config);
  control = add (context, control_config);

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *group = g_strdup_printf ("239.1.2.%u", i % 3 + 1);
      g_autofree char *payload = g_strdup_printf ("batched %u", i);

      g_ptr_array_add (datagrams, build ("198.51.100.9", 4000, group, 5000 + i, 3, 0, 0, payload));
    }
  g_assert_cmpint (mctx_publication_send_many (v4, (GBytes **) datagrams->pdata, datagrams->len, MCTX_SEND_FLAGS_NONE, &error),
                   ==, 100);
  g_assert_no_error (error);
  for (guint i = 0; i < 100; i++)
    assert_captured (capture, g_ptr_array_index (datagrams, i));

  g_ptr_array_set_size (datagrams, 0);
  for (guint i = 0; i < 10; i++)
    g_ptr_array_add (datagrams, build ("2001:db8::9", 4000, "ff3e::8000:1", 6000 + i, 5, 0, i, "v6 batch"));
  g_assert_cmpint (mctx_publication_send_many (v6, (GBytes **) datagrams->pdata, datagrams->len, MCTX_SEND_FLAGS_NONE, &error),
                   ==, 10);
  g_assert_no_error (error);
  for (guint i = 0; i < 10; i++)
    assert_captured (capture, g_ptr_array_index (datagrams, i));

  /* Two go, the unicast one stops the batch; the next call reports it. */
  for (guint i = 0; i < 4; i++)
    {
      GBytes *datagram = i == 2 ? unicast : g_ptr_array_index (datagrams, i);

      vectors[i].buffer = g_bytes_get_data (datagram, &vectors[i].size);
    }
  g_assert_cmpint (mctx_test_send_vectors (v6, vectors, 4, MCTX_SEND_FLAGS_NONE, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (mctx_test_send_vectors (v6, vectors + 2, 2, MCTX_SEND_FLAGS_NONE, &error), ==, -1);
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_RAW_NOT_MULTICAST);
  g_clear_error (&error);

  /* A control batch: unicast ICMP errors. */
  g_ptr_array_set_size (datagrams, 0);
  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (datagrams, icmpv4_frag_needed ("10.10.1.1", "10.10.1.2", (guint16) (1200 + i)));
  g_assert_cmpint (mctx_publication_send_many (control, (GBytes **) datagrams->pdata, datagrams->len, MCTX_SEND_FLAGS_NONE, &error), ==, 5);
  g_assert_no_error (error);
  for (guint i = 0; i < 5; i++)
    assert_captured (capture, g_ptr_array_index (datagrams, i));

  g_assert_true (mctx_context_remove_publication (context, mctx_publication_get_id (v4), &error));
  close (capture);
}

static void
setup_links (void)
{
  peer = mctx_test_peer_new ();

  mctx_test_peer_add_veth (peer, "r4a", "r4b");
  mctx_test_run ("ip address add 192.0.2.1/24 dev r4a");
  mctx_test_peer_run (peer, "ip address add 192.0.2.2/24 dev r4b");

  mctx_test_peer_add_veth (peer, "ra1", "rb1");
  mctx_test_peer_add_veth (peer, "ra2", "rb2");

  mctx_test_peer_add_veth (peer, "rc1", "rd1");
  mctx_test_peer_add_veth (peer, "rc2", "rd2");
  mctx_test_run ("ip address add 10.10.1.1/24 dev rc1");
  mctx_test_run ("ip address add 10.10.2.1/24 dev rc2");
  mctx_test_run ("ip address add fd10:1::1/64 dev rc1 nodad");
  mctx_test_run ("ip address add fd10:2::1/64 dev rc2 nodad");
  mctx_test_peer_run (peer, "ip address add 10.10.1.2/24 dev rd1");
  mctx_test_peer_run (peer, "ip address add 10.10.2.2/24 dev rd2");
  mctx_test_peer_run (peer, "ip address add fd10:1::2/64 dev rd1 nodad");
  mctx_test_peer_run (peer, "ip address add fe80::d1/64 dev rd1 nodad");
  mctx_test_peer_run (peer, "ip address add fd10:2::2/64 dev rd2 nodad");
}

typedef struct {
  MctxPublication *publication;
  GBytes *datagram;
  gint stop;
  gint sent;
  gint closed;
} RawSender;

static gpointer
raw_send_until_stopped (gpointer user_data)
{
  RawSender *sender = user_data;

  while (!g_atomic_int_get (&sender->stop))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MctxSendReport) report = NULL;

      report = mctx_publication_send_with_report (sender->publication, g_bytes_get_data (sender->datagram, NULL), g_bytes_get_size (sender->datagram), &error);
      if (report != NULL)
        g_atomic_int_inc (&sender->sent);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
        {
          g_atomic_int_inc (&sender->closed);
          g_usleep (50);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        g_assert_no_error (error);
    }

  return NULL;
}

/* A raw publication removed while threads send: its descriptor stays its
 * own until they are done, so no datagram goes through the UDP socket that
 * takes the number next (which would refuse it with EINVAL). */
static void
test_remove_while_sending (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxContext) udp_context = mctx_context_new ();
  g_autoptr(GBytes) datagram = build ("127.0.0.1", 1, "239.1.2.3", 9, 1, 0, 0, "raw");
  guint sent = 0, closed = 0;

  g_test_summary ("Removing a raw publication while threads send never lets them use a reused descriptor");

  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(MctxPublicationConfig) config = config_new (G_SOCKET_FAMILY_IPV4, "lo");
      g_autoptr(MctxPublicationConfig) udp_config = mctx_udp_publication_config_new ("239.1.2.3", 9, NULL);
      g_autoptr(GError) error = NULL;
      RawSender sender = { .datagram = datagram };
      MctxPublication *udp;
      GThread *threads[4];

      sender.publication = g_object_ref (add (context, config));
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("raw-sender", raw_send_until_stopped, &sender);
      g_usleep (100);

      g_assert_true (mctx_context_remove_publication (context, mctx_publication_get_id (sender.publication), &error));
      g_assert_no_error (error);
      mctx_publication_config_set_interface_name (udp_config, "lo");
      udp = mctx_context_add_publication (udp_context, udp_config, &error);
      g_assert_no_error (error);
      g_usleep (100);

      g_atomic_int_set (&sender.stop, 1);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        g_thread_join (threads[i]);
      sent += sender.sent;
      closed += sender.closed;
      g_object_unref (sender.publication);
      g_assert_true (mctx_context_remove_publication (udp_context, mctx_publication_get_id (udp), &error));
    }

  g_assert_cmpuint (sent, >, 0);
  g_assert_cmpuint (closed, >, 0);
}

static gboolean
on_raw_writable (MctxPublication *publication,
                 GIOCondition     condition,
                 gpointer         user_data)
{
  guint *wakes = user_data;

  g_assert_true (condition & G_IO_OUT);
  (*wakes)++;
  return G_SOURCE_REMOVE;
}

static void
on_raw_sent (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  gssize *sent = user_data;
  GError *error = NULL;

  *sent = mctx_publication_send_finish (MCTX_PUBLICATION (object), result, &error);
  g_assert_no_error (error);
}

typedef struct {
  guint arrived;
  gint64 first_us;
  gint64 last_us;
} Arrivals;

/* Reads what arrived as it arrives, during the run. */
static gboolean
on_raw_readable (int           fd,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  Arrivals *arrivals = user_data;
  guint8 buffer[64];

  while (recv (fd, buffer, sizeof buffer, MSG_DONTWAIT) > 0)
    {
      arrivals->last_us = g_get_monotonic_time ();
      if (arrivals->arrived++ == 0)
        arrivals->first_us = arrivals->last_us;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_raw_run (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  GError *error = NULL;

  g_assert_true (mctx_paced_sender_run_finish (MCTX_PACED_SENDER (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* A raw publication is a publication: it has what every kind has. */
static void
test_publication_model (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = config_new (G_SOCKET_FAMILY_IPV4, "r4a");
  g_autoptr(GBytes) datagram = NULL;
  g_autoptr(MctxPacedSender) sender = NULL;
  g_autoptr(GSource) source = NULL;
  g_autoptr(MctxMetricsSnapshot) before = NULL;
  g_autoptr(MctxMetricsSnapshot) after = NULL;
  g_autoptr(MctxMetricsSnapshot) total = NULL;
  MctxTestDatagram received;
  MctxPublication *publication;
  gboolean done = FALSE;
  gssize async_sent = 0;
  guint wakes = 0, watch;
  Arrivals arrivals = { 0 };
  gint64 deadline;
  guint16 port;
  int receiver;

  g_test_summary ("A raw publication in the one context has metrics, a main-loop source, async sends and the paced "
                  "sender, whose 40 datagrams at 200/s arrive over about 195 ms");

  mctx_test_peer_enter (peer);
  receiver = mctx_test_receiver_ipv4 ("239.1.2.9", "192.0.2.2", 0, &port);
  mctx_test_peer_leave (peer);
  datagram = build ("198.51.100.9", 4000, "239.1.2.9", port, 4, 0, 0, "modelled");

  publication = add (context, config);
  g_assert_true (MCTX_IS_RAW_PUBLICATION (publication));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (context)) == MCTX_TYPE_PUBLICATION);

  /* A source that says when it can send. */
  source = mctx_publication_watch (publication, G_PRIORITY_DEFAULT, NULL, on_raw_writable, &wakes, NULL);
  while (wakes == 0)
    g_main_context_iteration (NULL, TRUE);

  /* An async send, finished with the bytes sent. */
  mctx_publication_send_async (publication, datagram, G_PRIORITY_DEFAULT, NULL, on_raw_sent, &async_sent);
  while (async_sent == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (async_sent, ==, g_bytes_get_size (datagram));
  g_assert_true (mctx_test_receive (receiver, WAIT_MS, &received));
  g_assert_cmpmem (received.data, received.len, "modelled", 8);
  mctx_test_datagram_clear (&received);

  /* The paced sender, at 200 datagrams a second for 40 datagrams. */
  before = mctx_publication_snapshot_metrics (publication);
  watch = g_unix_fd_add (receiver, G_IO_IN, on_raw_readable, &arrivals);
  sender = mctx_paced_sender_new (publication, datagram, 40);
  mctx_paced_sender_set_packets_per_second (sender, 200);
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_raw_run, &done);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!done || arrivals.arrived < 40)
    {
      if (done && !g_main_context_pending (NULL) && arrivals.arrived < 40)
        {
          /* Datagrams still in flight after the run: wait a little. */
          g_usleep (1000);
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        }
      g_main_context_iteration (NULL, !done);
    }
  g_source_remove (watch);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 40);
  g_assert_cmpuint (arrivals.arrived, ==, 40);
  /* 39 intervals of 5 ms as the receiver saw them: far from all at once,
   * and far from late. */
  g_test_message ("40 datagrams over %" G_GINT64_FORMAT " µs", arrivals.last_us - arrivals.first_us);
  g_assert_cmpint (arrivals.last_us - arrivals.first_us, >, 150000);
  g_assert_cmpint (arrivals.last_us - arrivals.first_us, <, 2000000);

  /* Metrics count the raw sends like any others. */
  after = mctx_publication_snapshot_metrics (publication);
#ifdef MCTX_HAS_METRICS
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (after, MCTX_METRICS_COUNTER_PACKETS_SENT) - mctx_metrics_snapshot_get_counter (before, MCTX_METRICS_COUNTER_PACKETS_SENT),
                    ==, 40);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (after, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 41);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (after, MCTX_METRICS_COUNTER_BYTES_SENT), ==, 41 * g_bytes_get_size (datagram));
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (after, MCTX_METRICS_COUNTER_SEND_ERRORS), ==, 0);
  total = mctx_context_snapshot_metrics (context);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (total, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 41);
#else
  g_assert_null (after);
  (void) before;
  (void) total;
#endif

  close (receiver);
}

int
main (int    argc,
      char **argv)
{
  int result;

  mctx_test_init_netns (&argc, &argv);
  setup_links ();

  g_test_add_func ("/mctx/raw/ipv4-exact", test_ipv4_exact);
  g_test_add_func ("/mctx/raw/ipv4-ttl-override", test_ipv4_ttl_override);
  g_test_add_func ("/mctx/raw/ipv4-routed", test_ipv4_routed);
  g_test_add_func ("/mctx/raw/ipv6-exact", test_ipv6_exact);
  g_test_add_func ("/mctx/raw/ipv6-route-selected", test_ipv6_route_selected);
  g_test_add_func ("/mctx/raw/datagram-validation", test_datagram_validation);
  g_test_add_func ("/mctx/raw/config-validation", test_config_validation);
  g_test_add_func ("/mctx/raw/context", test_context);
  g_test_add_func ("/mctx/raw/builder-checksums", test_builder_checksums);
  g_test_add_func ("/mctx/raw/permission", test_permission);
  g_test_add_func ("/mctx/raw/capabilities", test_capabilities);
  g_test_add_func ("/mctx/raw/remove-while-sending", test_remove_while_sending);
  g_test_add_func ("/mctx/raw/control-icmpv4", test_control_icmpv4);
  g_test_add_func ("/mctx/raw/control-icmpv6", test_control_icmpv6);
  g_test_add_func ("/mctx/raw/control-pinned", test_control_pinned);
  g_test_add_func ("/mctx/raw/control-validation", test_control_validation);
  g_test_add_func ("/mctx/raw/allow-any-destination", test_allow_any_destination);
  g_test_add_func ("/mctx/raw/batch", test_batch);
  g_test_add_func ("/mctx/raw/publication-model", test_publication_model);

  result = g_test_run ();
  mctx_test_peer_free (peer);
  return result;
}
