/* ipv4.c: IPv4 publications against real receivers in a private namespace
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <sys/socket.h>

#include "mctx-test-util.h"

#define GROUP "239.1.2.3"
#define PAYLOAD "hello multicast"
#define SILENCE_MS 300
#define WAIT_MS 2000

static MctxPublicationConfig *
config_new (const char *group,
            guint16     port)
{
  g_autoptr(GError) error = NULL;
  MctxPublicationConfig *config = mctx_udp_publication_config_new (group, port, &error);

  g_assert_no_error (error);
  return config;
}

static void
set_interface (MctxPublicationConfig *config,
               const char            *address)
{
  g_autoptr(GError) error = NULL;

  mctx_publication_config_set_outgoing_interface_string (config, address, &error);
  g_assert_no_error (error);
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
assert_payload (MctxTestDatagram *datagram)
{
  g_assert_cmpmem (datagram->data, datagram->len, PAYLOAD, strlen (PAYLOAD));
}

/* The payload arrives, with the configured TTL and exact source port. */
static void
test_send_ttl_source_port (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *destination = NULL;
  MctxPublication *publication;
  MctxTestDatagram datagram;
  guint16 port;
  int receiver;

  g_test_summary ("The payload arrives, with the configured TTL and exact source port.");

  receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &port);

  config = config_new (GROUP, port);
  set_interface (config, "127.0.0.1");
  mctx_publication_config_set_ttl (config, 9);
  mctx_udp_publication_config_set_source_port (MCTX_UDP_PUBLICATION_CONFIG (config), 40001);

  publication = mctx_context_add_publication (context, config, &error);
  g_assert_no_error (error);
  g_assert_nonnull (publication);
  g_assert_cmpuint (mctx_publication_get_id (publication), ==, 1);

  report = send_payload (publication);
  g_assert_cmpuint (mctx_send_report_get_bytes_sent (report), ==, strlen (PAYLOAD));
  g_assert_cmpuint (g_inet_socket_address_get_port (mctx_send_report_get_local_address (report)), ==, 40001);
  g_assert_cmpuint (mctx_test_scope_id (mctx_send_report_get_destination (report)), ==, 0);
  g_assert_cmpuint (mctx_test_scope_id (mctx_send_report_get_local_address (report)), ==, 0);
  destination = g_inet_address_to_string (
    g_inet_socket_address_get_address (mctx_send_report_get_destination (report)));
  g_assert_cmpstr (destination, ==, GROUP);
  g_assert_cmpuint (g_inet_socket_address_get_port (mctx_send_report_get_destination (report)), ==, port);

  g_assert_true (mctx_test_receive (receiver, WAIT_MS, &datagram));
  assert_payload (&datagram);
  g_assert_cmpint (datagram.ttl, ==, 9);
  mctx_test_assert_from (&datagram, "127.0.0.1", 40001);
  mctx_test_datagram_clear (&datagram);

  close (receiver);
}

/* The whole datagram is kept: sizes up to the UDP maximum over lo. */
static void
test_send_sizes (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *payload = g_malloc (65507);
  MctxPublication *publication;
  const gsize sizes[] = { 0, 1, 1472, 9000, 65507 };
  guint16 port;
  int receiver;

  g_test_summary ("The whole datagram is kept: sizes up to the UDP maximum over lo.");

  receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &port);
  for (gsize i = 0; i < 65507; i++)
    payload[i] = (guint8) (i * 7);

  config = config_new (GROUP, port);
  set_interface (config, "127.0.0.1");
  publication = mctx_context_add_publication (context, config, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree guint8 *received = NULL;
      MctxTestDatagram *datagram = g_new0 (MctxTestDatagram, 1);
      int fd_copy = receiver;
      gssize sent;

      sent = mctx_publication_send (publication, payload, sizes[i], &error);
      g_assert_no_error (error);
      g_assert_cmpint (sent, ==, (gssize) sizes[i]);

      if (sizes[i] <= sizeof datagram->data)
        {
          g_assert_true (mctx_test_receive (fd_copy, WAIT_MS, datagram));
          g_assert_cmpmem (datagram->data, datagram->len, payload, sizes[i]);
          mctx_test_datagram_clear (datagram);
        }
      else
        {
          received = g_malloc (sizes[i] + 1);
          g_assert_cmpint (recv (receiver, received, sizes[i] + 1, 0), ==, (gssize) sizes[i]);
          g_assert_cmpmem (received, sizes[i], payload, sizes[i]);
        }
      g_free (datagram);
    }

  close (receiver);
}

/* Interface by name and by index both egress through that interface, with
 * its address as source. (On `lo` the kernel would pick 0.0.0.0, as 127/8
 * is host-scoped, so a veth link stands in for a real one.) */
static void
test_interface_selectors (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  guint16 port;
  int receiver;

  g_test_summary ("Interface by name and by index both egress through that interface, with its address as source. (On `lo` the kernel would pick 0.0.0.0, as 127/8 is host-scoped, so a veth link stands in for a real one.)");

  mctx_test_run ("ip link add sel0 type veth peer name sel1");
  mctx_test_run ("ip link set sel0 up");
  mctx_test_run ("ip link set sel1 up");
  mctx_test_run ("ip address add 203.0.113.1/24 dev sel0");
  receiver = mctx_test_receiver_ipv4 (GROUP, "203.0.113.1", 0, &port);

  for (guint by_name = 0; by_name <= 1; by_name++)
    {
      g_autoptr(MctxPublicationConfig) config = config_new (GROUP, port);
      g_autoptr(MctxSendReport) report = NULL;
      MctxPublication *publication;
      MctxTestDatagram datagram;

      if (by_name)
        mctx_publication_config_set_interface_name (config, "sel0");
      else
        mctx_publication_config_set_interface_index (config, (int) if_nametoindex ("sel0"));

      publication = mctx_context_add_publication (context, config, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, if_nametoindex ("sel0"));

      report = send_payload (publication);
      g_assert_true (mctx_test_receive (receiver, WAIT_MS, &datagram));
      assert_payload (&datagram);
      mctx_test_assert_from (&datagram, "203.0.113.1", g_inet_socket_address_get_port (mctx_send_report_get_local_address (report)));
      mctx_test_datagram_clear (&datagram);
    }

  close (receiver);
  mctx_test_run ("ip link del sel0");
}

/* An exact bind address (address and port from one socket address). */
static void
test_bind_address (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  MctxTestDatagram datagram;
  guint16 port;
  int receiver;

  g_test_summary ("ADDRESS:PORT bind strings set the source address and port together, and read back as one socket address");

  mctx_test_run ("ip address add 127.0.0.42/8 dev lo");
  receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &port);

  config = config_new (GROUP, port);
  set_interface (config, "127.0.0.1");
  mctx_publication_config_set_bind_address_string (config, "127.0.0.42:40002", &error);
  g_assert_no_error (error);

  publication = mctx_context_add_publication (context, config, &error);
  g_assert_no_error (error);
  report = send_payload (publication);

  g_assert_true (mctx_test_receive (receiver, WAIT_MS, &datagram));
  assert_payload (&datagram);
  mctx_test_assert_from (&datagram, "127.0.0.42", 40002);
  mctx_test_datagram_clear (&datagram);

  close (receiver);
}

/* Operating-system failures name the step and the address, and leave the
 * context as it was. */
static void
test_bind_not_local (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = config_new (GROUP, 5000);
  g_autoptr(GError) error = NULL;

  g_test_summary ("Operating-system failures name the step and the address, and leave the context as it was.");

  set_interface (config, "127.0.0.1");
  mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), "192.0.2.7", &error);
  g_assert_no_error (error);

  g_assert_null (mctx_context_add_publication (context, config, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  g_assert_true (g_str_has_prefix (error->message, "Could not bind to 192.0.2.7:0: "));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 0);
}

static void
test_interface_errors (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MctxPublicationConfig) not_local = config_new (GROUP, 5000);
  g_autoptr(MctxPublicationConfig) no_name = config_new (GROUP, 5000);
  g_autoptr(MctxPublicationConfig) no_index = config_new (GROUP, 5000);
  g_autoptr(MctxPublicationConfig) name_index = config_new (GROUP, 5000);

  g_test_summary ("Interface selectors that do not exist or disagree are refused");

  set_interface (not_local, "192.0.2.99");
  g_assert_null (mctx_context_add_publication (context, not_local, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_ADDRESS_NOT_LOCAL);
  g_assert_nonnull (strstr (error->message, "192.0.2.99"));
  g_clear_error (&error);

  mctx_publication_config_set_interface_name (no_name, "nosuch0");
  g_assert_null (mctx_context_add_publication (context, no_name, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE);
  g_assert_nonnull (strstr (error->message, "nosuch0"));
  g_clear_error (&error);

  mctx_publication_config_set_interface_index (no_index, 9999);
  g_assert_null (mctx_context_add_publication (context, no_index, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE);
  g_assert_nonnull (strstr (error->message, "9999"));
  g_clear_error (&error);

  mctx_publication_config_set_interface_name (name_index, "lo");
  mctx_publication_config_set_interface_index (name_index, 9999);
  g_assert_null (mctx_context_add_publication (context, name_index, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE);
  g_clear_error (&error);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 0);
}

/* Loopback off: a member on the sending host hears nothing, while a
 * receiver across a veth pair proves the packet was sent. Loopback on: the
 * local member hears it too. (Over `lo` itself every packet comes back
 * through the device, so this needs a real link.) */
static void
test_loopback (void)
{
  MctxTestPeer *peer = mctx_test_peer_new ();
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  guint16 port;
  int local, remote;

  g_test_summary ("Loopback off: a member on the sending host hears nothing, while a receiver across a veth pair proves the packet was sent. Loopback on: the local member hears it too. (Over `lo` itself every packet comes back through the device, so this needs a real link.)");

  mctx_test_peer_add_veth (peer, "v4a", "v4b");
  mctx_test_run ("ip address add 192.0.2.1/24 dev v4a");
  mctx_test_peer_run (peer, "ip address add 192.0.2.2/24 dev v4b");

  local = mctx_test_receiver_ipv4 (GROUP, "192.0.2.1", 0, &port);
  mctx_test_peer_enter (peer);
  remote = mctx_test_receiver_ipv4 (GROUP, "192.0.2.2", port, NULL);
  mctx_test_peer_leave (peer);

  for (guint loopback = 0; loopback <= 1; loopback++)
    {
      g_autoptr(MctxPublicationConfig) config = config_new (GROUP, port);
      g_autoptr(MctxSendReport) report = NULL;
      MctxPublication *publication;
      MctxTestDatagram datagram;

      set_interface (config, "192.0.2.1");
      mctx_publication_config_set_loopback (config, loopback);
      publication = mctx_context_add_publication (context, config, &error);
      g_assert_no_error (error);

      report = send_payload (publication);

      g_assert_true (mctx_test_receive (remote, WAIT_MS, &datagram));
      assert_payload (&datagram);
      mctx_test_assert_from (&datagram, "192.0.2.1", g_inet_socket_address_get_port (mctx_send_report_get_local_address (report)));
      mctx_test_datagram_clear (&datagram);

      if (loopback)
        {
          g_assert_true (mctx_test_receive (local, WAIT_MS, &datagram));
          assert_payload (&datagram);
          mctx_test_datagram_clear (&datagram);
        }
      else
        g_assert_false (mctx_test_receive (local, SILENCE_MS, &datagram));
    }

  close (local);
  close (remote);
  mctx_test_peer_free (peer);
}

/* With a full send buffer the send fails at once with WOULD_BLOCK. A token
 * bucket on the egress link holds the packets, so they stay charged to the
 * socket. */
static void
test_would_block (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = config_new (GROUP, 5000);
  g_autoptr(GError) error = NULL;
  guint8 payload[1000] = { 0 };
  MctxPublication *publication;
  GSocket *socket;
  gint64 started;
  guint sent = 0;

  g_test_summary ("With a full send buffer the send fails at once with WOULD_BLOCK. A token bucket on the egress link holds the packets, so they stay charged to the socket.");

  mctx_test_run ("ip link add wba type veth peer name wbb");
  mctx_test_run ("ip link set wba up");
  mctx_test_run ("ip link set wbb up");
  mctx_test_run ("ip address add 198.51.100.1/24 dev wba");
  mctx_test_run ("tc qdisc add dev wba root tbf rate 8kbit burst 1600 limit 10000000");

  set_interface (config, "198.51.100.1");
  publication = mctx_context_add_publication (context, config, &error);
  g_assert_no_error (error);

  socket = mctx_publication_get_socket (publication);
  g_assert_false (g_socket_get_blocking (socket));
  g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, 4096, &error);
  g_assert_no_error (error);

  started = g_get_monotonic_time ();
  while (sent < 10000)
    {
      if (mctx_publication_send (publication, payload, sizeof payload, &error) < 0)
        break;
      sent++;
    }

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_assert_nonnull (strstr (error->message, "239.1.2.3:5000"));
  g_assert_cmpuint (sent, >, 0);
  g_assert_cmpuint (sent, <, 10000);
  /* Failing at once, not after a wait: far below the seconds the token
   * bucket would take to drain. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, G_USEC_PER_SEC);

  mctx_test_run ("ip link del wba");
}

int
main (int    argc,
      char **argv)
{
  mctx_test_init_netns (&argc, &argv);

  g_test_add_func ("/mctx/ipv4/send-ttl-source-port", test_send_ttl_source_port);
  g_test_add_func ("/mctx/ipv4/send-sizes", test_send_sizes);
  g_test_add_func ("/mctx/ipv4/interface-selectors", test_interface_selectors);
  g_test_add_func ("/mctx/ipv4/bind-address", test_bind_address);
  g_test_add_func ("/mctx/ipv4/bind-not-local", test_bind_not_local);
  g_test_add_func ("/mctx/ipv4/interface-errors", test_interface_errors);
  g_test_add_func ("/mctx/ipv4/loopback", test_loopback);
  g_test_add_func ("/mctx/ipv4/would-block", test_would_block);

  return g_test_run ();
}
