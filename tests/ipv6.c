/* ipv6.c: IPv6 publications against real receivers in private namespaces
 *
 * Linux does not deliver IPv6 multicast over `lo`, so these tests use veth
 * pairs: `v6a`–`v6b` inside the test's namespace, and `x6a`–`x6b` between
 * it and a peer namespace.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <net/if.h>

#include "mctx-test-util.h"

#define SSM_LOCAL_GROUP "ff31::8000:1234"
#define LINK_GROUP "ff32::8000:1234"
#define GLOBAL_GROUP "ff3e::8000:1234"
#define PAYLOAD "hello multicast v6"
#define WAIT_MS 2000

static MctxTestPeer *peer;

static MctxPublicationConfig *
config_new (const char *group,
            guint16     port,
            const char *source)
{
  g_autoptr(GError) error = NULL;
  MctxPublicationConfig *config = mctx_udp_publication_config_new (group, port, &error);

  g_assert_no_error (error);
  if (source != NULL)
    {
      mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), source, &error);
      g_assert_no_error (error);
    }
  return config;
}

static MctxSendReport *
send_payload (MctxPublication *publication)
{
  g_autoptr(GError) error = NULL;
  MctxSendReport *report;

  report = mctx_publication_send_with_report (publication, (const guint8 *) PAYLOAD, strlen (PAYLOAD), &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static void
assert_receives (int         fd,
                 const char *source,
                 guint16     source_port,
                 int         hop_limit)
{
  MctxTestDatagram datagram;

  g_assert_true (mctx_test_receive (fd, WAIT_MS, &datagram));
  g_assert_cmpmem (datagram.data, datagram.len, PAYLOAD, strlen (PAYLOAD));
  mctx_test_assert_from (&datagram, source, source_port);
  if (hop_limit >= 0)
    g_assert_cmpint (datagram.ttl, ==, hop_limit);
  mctx_test_datagram_clear (&datagram);
}

static void
assert_local_address (MctxPublication *publication,
                      const char      *expected)
{
  GInetSocketAddress *local = mctx_udp_publication_get_local_address (MCTX_UDP_PUBLICATION (publication));
  g_autofree char *text = g_inet_address_to_string (g_inet_socket_address_get_address (local));

  g_assert_cmpstr (text, ==, expected);
}

/* SSM on an interface-local group: the receiver filtering on our source
 * gets the packet, one filtering on another source does not, and the
 * destination keeps the interface as scope id. */
static void
test_ssm_interface_local (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  guint v6a = if_nametoindex ("v6a");
  MctxPublication *publication;
  guint16 port;
  int wanted, other;

  g_test_summary ("SSM on an interface-local group: the receiver filtering on our source gets the packet, one filtering on another source does not, and the destination keeps the interface as scope id.");

  wanted = mctx_test_receiver_ipv6 (SSM_LOCAL_GROUP, v6a, "fd00::1", 0, &port);
  other = mctx_test_receiver_ipv6 (SSM_LOCAL_GROUP, v6a, "fd00::99", port, NULL);

  config = config_new (SSM_LOCAL_GROUP, port, "fd00::1");
  mctx_publication_config_set_ttl (config, 5);
  g_assert_true (mctx_address_is_ssm (mctx_udp_publication_config_get_group (MCTX_UDP_PUBLICATION_CONFIG (config))));
  publication = mctx_test_add_publication (context, config);

  g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, v6a);
  g_assert_cmpuint (g_inet_socket_address_get_scope_id (mctx_udp_publication_get_destination (MCTX_UDP_PUBLICATION (publication))), ==, v6a);
  assert_local_address (publication, "fd00::1");

  report = send_payload (publication);
  g_assert_cmpuint (mctx_test_scope_id (mctx_send_report_get_destination (report)), ==, v6a);
  g_assert_cmpuint (mctx_test_scope_id (mctx_send_report_get_local_address (report)), ==, 0);

  assert_receives (wanted, "fd00::1", g_inet_socket_address_get_port (mctx_send_report_get_local_address (report)), 5);
  mctx_test_assert_silent (other);

  close (wanted);
  close (other);
}

/* A global-scope group crosses the veth into the peer namespace, where an
 * SSM receiver gets it; the destination's scope id is 0. */
static void
test_global_scope_two_namespaces (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  MctxPublication *publication;
  guint16 port;
  int remote;

  g_test_summary ("A global-scope group crosses the veth into the peer namespace, where an SSM receiver gets it; the destination's scope id is 0.");

  mctx_test_peer_enter (peer);
  remote = mctx_test_receiver_ipv6 (GLOBAL_GROUP, if_nametoindex ("x6b"), "fd00:1::1", 0, &port);
  mctx_test_peer_leave (peer);

  config = config_new (GLOBAL_GROUP, port, "fd00:1::1");
  mctx_publication_config_set_ttl (config, 16);
  publication = mctx_test_add_publication (context, config);

  g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, if_nametoindex ("x6a"));
  g_assert_cmpuint (g_inet_socket_address_get_scope_id (mctx_udp_publication_get_destination (MCTX_UDP_PUBLICATION (publication))), ==, 0);

  report = send_payload (publication);
  g_assert_cmpuint (mctx_test_scope_id (mctx_send_report_get_destination (report)), ==, 0);
  assert_receives (remote, "fd00:1::1", g_inet_socket_address_get_port (mctx_send_report_get_local_address (report)), 16);

  close (remote);
}

/* Loopback off: a member on the sending interface hears nothing while the
 * peer does. Loopback on: both hear it. */
static void
test_loopback (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  guint16 port;
  int local, remote;

  g_test_summary ("Loopback off: a member on the sending interface hears nothing while the peer does. Loopback on: both hear it.");

  local = mctx_test_receiver_ipv6 (GLOBAL_GROUP, if_nametoindex ("x6a"), NULL, 0, &port);
  mctx_test_peer_enter (peer);
  remote = mctx_test_receiver_ipv6 (GLOBAL_GROUP, if_nametoindex ("x6b"), NULL, port, NULL);
  mctx_test_peer_leave (peer);

  for (guint loopback = 0; loopback <= 1; loopback++)
    {
      g_autoptr(MctxPublicationConfig) config = config_new (GLOBAL_GROUP, port, "fd00:1::1");
      g_autoptr(MctxSendReport) report = NULL;
      MctxPublication *publication;

      mctx_publication_config_set_loopback (config, loopback);
      publication = mctx_test_add_publication (context, config);
      report = send_payload (publication);

      assert_receives (remote, "fd00:1::1", g_inet_socket_address_get_port (mctx_send_report_get_local_address (report)), -1);
      if (loopback)
        assert_receives (local, "fd00:1::1", g_inet_socket_address_get_port (mctx_send_report_get_local_address (report)), -1);
      else
        mctx_test_assert_silent (local);
    }

  close (local);
  close (remote);
}

/* A link-local group from a link-local source: both scope ids are the
 * interface's index, and the source binds with it. */
static void
test_link_local (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  guint v6a = if_nametoindex ("v6a");
  MctxPublication *publication;
  guint16 port;
  int receiver;

  g_test_summary ("A link-local group from a link-local source: both scope ids are the interface's index, and the source binds with it.");

  receiver = mctx_test_receiver_ipv6 (LINK_GROUP, v6a, NULL, 0, &port);

  config = config_new (LINK_GROUP, port, "fe80::1");
  publication = mctx_test_add_publication (context, config);
  report = send_payload (publication);

  g_assert_cmpuint (mctx_test_scope_id (mctx_send_report_get_destination (report)), ==, v6a);
  g_assert_cmpuint (mctx_test_scope_id (mctx_send_report_get_local_address (report)), ==, v6a);
  assert_receives (receiver, "fe80::1", g_inet_socket_address_get_port (mctx_send_report_get_local_address (report)), 1);

  close (receiver);
}

/* The seed's same-host form, `--source ::1 --interface ::1`, sends without
 * error (Linux does not deliver it, so nothing is received). Like a host's
 * real interfaces, `lo` needs the multicast flag and an ff00::/8 route for
 * the kernel to route the group through it at all. */
static void
test_seed_localhost_form (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = config_new (SSM_LOCAL_GROUP, 5000, "::1");
  g_autoptr(MctxSendReport) report = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;

  g_test_summary ("The seed's same-host form, `--source ::1 --interface ::1`, sends without error (Linux does not deliver it, so nothing is received). Like a host's real interfaces, `lo` needs the multicast flag and an ff00::/8 route for the kernel to route the group through it at all.");

  mctx_test_run ("ip link set lo multicast on");
  mctx_test_run ("ip -6 route add multicast ff00::/8 dev lo table local");

  mctx_publication_config_set_outgoing_interface_string (config, "::1", &error);
  g_assert_no_error (error);

  publication = mctx_test_add_publication (context, config);
  assert_local_address (publication, "::1");
  g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, if_nametoindex ("lo"));

  report = send_payload (publication);
  g_assert_cmpuint (mctx_send_report_get_bytes_sent (report), ==, strlen (PAYLOAD));
  g_assert_cmpuint (mctx_test_scope_id (mctx_send_report_get_destination (report)), ==, if_nametoindex ("lo"));
}

/* An interface address alone is bound as the source. */
static void
test_interface_only_binds (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  g_autoptr(GError) error = NULL;
  guint v6a = if_nametoindex ("v6a");
  MctxPublication *publication;
  guint16 port;
  int receiver;

  g_test_summary ("An interface address alone is bound as the source.");

  receiver = mctx_test_receiver_ipv6 (GLOBAL_GROUP, v6a, "fd00::1", 0, &port);

  config = config_new (GLOBAL_GROUP, port, NULL);
  mctx_publication_config_set_outgoing_interface_string (config, "fd00::1", &error);
  g_assert_no_error (error);

  publication = mctx_test_add_publication (context, config);
  assert_local_address (publication, "fd00::1");
  g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, v6a);

  report = send_payload (publication);
  assert_receives (receiver, "fd00::1", g_inet_socket_address_get_port (mctx_send_report_get_local_address (report)), 1);

  close (receiver);
}

/* An interface index alone egresses through that interface. */
static void
test_index_only (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  guint x6a = if_nametoindex ("x6a");
  MctxPublication *publication;
  guint16 port;
  int remote;

  g_test_summary ("An interface index alone egresses through that interface.");

  mctx_test_peer_enter (peer);
  remote = mctx_test_receiver_ipv6 (GLOBAL_GROUP, if_nametoindex ("x6b"), NULL, 0, &port);
  mctx_test_peer_leave (peer);

  config = config_new (GLOBAL_GROUP, port, NULL);
  mctx_publication_config_set_interface_index (config, (int) x6a);
  publication = mctx_test_add_publication (context, config);
  g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, x6a);
  g_assert_cmpuint (g_inet_socket_address_get_scope_id (mctx_udp_publication_get_destination (MCTX_UDP_PUBLICATION (publication))), ==, 0);

  report = send_payload (publication);
  /* The kernel picked the source: the interface's global address. */
  assert_receives (remote, "fd00:1::1", g_inet_socket_address_get_port (mctx_send_report_get_local_address (report)), -1);

  close (remote);
}

static void
assert_add_fails (MctxPublicationConfig *config,
                  int                    code,
                  const char            *in_message)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;

  g_assert_null (mctx_context_add_publication (context, config, &error));
  g_assert_error (error, MCTX_ERROR, code);
  g_assert_nonnull (strstr (error->message, in_message));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 0);
}

/* A source and an interface on different interfaces are refused, whichever
 * way the interface is given. */
static void
test_interface_mismatch (void)
{
  g_autoptr(MctxPublicationConfig) by_name = config_new (GLOBAL_GROUP, 5000, "fd00::1");
  g_autoptr(MctxPublicationConfig) by_index = config_new (GLOBAL_GROUP, 5000, "fd00::1");
  g_autoptr(MctxPublicationConfig) by_address = config_new (GLOBAL_GROUP, 5000, "fd00::1");
  g_autoptr(GError) error = NULL;

  g_test_summary ("A source and an interface on different interfaces are refused, whichever way the interface is given.");

  mctx_publication_config_set_interface_name (by_name, "lo");
  assert_add_fails (by_name, MCTX_ERROR_INTERFACE_MISMATCH, "fd00::1");

  mctx_publication_config_set_interface_index (by_index, (int) if_nametoindex ("x6a"));
  assert_add_fails (by_index, MCTX_ERROR_INTERFACE_MISMATCH, "x6a");

  mctx_publication_config_set_outgoing_interface_string (by_address, "fd00:1::1", &error);
  g_assert_no_error (error);
  assert_add_fails (by_address, MCTX_ERROR_INTERFACE_MISMATCH, "v6a");
}

static void
test_not_local (void)
{
  g_autoptr(MctxPublicationConfig) source = config_new (GLOBAL_GROUP, 5000, "fd00::77");
  g_autoptr(MctxPublicationConfig) interface = config_new (GLOBAL_GROUP, 5000, NULL);
  g_autoptr(GError) error = NULL;

  g_test_summary ("An IPv6 source that is not local is refused");

  assert_add_fails (source, MCTX_ERROR_ADDRESS_NOT_LOCAL, "fd00::77");

  mctx_publication_config_set_outgoing_interface_string (interface, "2001:db8::5", &error);
  g_assert_no_error (error);
  assert_add_fails (interface, MCTX_ERROR_ADDRESS_NOT_LOCAL, "2001:db8::5");
}

static void
setup_links (void)
{
  mctx_test_run ("ip link add v6a type veth peer name v6b");
  mctx_test_run ("ip link set v6a up");
  mctx_test_run ("ip link set v6b up");
  mctx_test_run ("ip address add fd00::1/64 dev v6a nodad");
  mctx_test_run ("ip address add fe80::1/64 dev v6a nodad");
  mctx_test_run ("ip address add fd00::2/64 dev v6b nodad");

  peer = mctx_test_peer_new ();
  mctx_test_peer_add_veth (peer, "x6a", "x6b");
  mctx_test_run ("ip address add fd00:1::1/64 dev x6a nodad");
  mctx_test_peer_run (peer, "ip address add fd00:1::2/64 dev x6b nodad");
}

int
main (int    argc,
      char **argv)
{
  int result;

  mctx_test_init_netns (&argc, &argv);
  setup_links ();

  g_test_add_func ("/mctx/ipv6/ssm-interface-local", test_ssm_interface_local);
  g_test_add_func ("/mctx/ipv6/global-scope-two-namespaces", test_global_scope_two_namespaces);
  g_test_add_func ("/mctx/ipv6/loopback", test_loopback);
  g_test_add_func ("/mctx/ipv6/link-local", test_link_local);
  g_test_add_func ("/mctx/ipv6/seed-localhost-form", test_seed_localhost_form);
  g_test_add_func ("/mctx/ipv6/interface-only-binds", test_interface_only_binds);
  g_test_add_func ("/mctx/ipv6/index-only", test_index_only);
  g_test_add_func ("/mctx/ipv6/interface-mismatch", test_interface_mismatch);
  g_test_add_func ("/mctx/ipv6/not-local", test_not_local);

  result = g_test_run ();
  mctx_test_peer_free (peer);
  return result;
}
