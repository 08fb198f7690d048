/* context.c: MctxContext ownership, ids and caller-provided sockets
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mctx-test-util.h"

#define GROUP "239.1.2.3"
#define PAYLOAD "hello context"
#define WAIT_MS 2000

static MctxPublicationConfig *
config_new (guint16     port,
            const char *source)
{
  g_autoptr(GError) error = NULL;
  MctxPublicationConfig *config = mctx_udp_publication_config_new (GROUP, port, &error);

  g_assert_no_error (error);
  mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", &error);
  g_assert_no_error (error);
  if (source != NULL)
    {
      mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), source, &error);
      g_assert_no_error (error);
    }
  return config;
}

static void
assert_receives (int     fd,
                 guint16 source_port)
{
  MctxTestDatagram datagram;

  g_assert_true (mctx_test_receive (fd, WAIT_MS, &datagram));
  g_assert_cmpmem (datagram.data, datagram.len, PAYLOAD, strlen (PAYLOAD));
  if (source_port != 0)
    g_assert_cmpuint (g_inet_socket_address_get_port (datagram.from), ==, source_port);
  mctx_test_datagram_clear (&datagram);
}

static guint16
local_port (MctxPublication *publication)
{
  return g_inet_socket_address_get_port (mctx_udp_publication_get_local_address (MCTX_UDP_PUBLICATION (publication)));
}

static void
send_ok (MctxPublication *publication)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (mctx_publication_send (publication, (const guint8 *) PAYLOAD,
                                                strlen (PAYLOAD), &error), ==, strlen (PAYLOAD));
  g_assert_no_error (error);
}

/* Ids start at 1, grow, and are never reused after removal or take. */
static void
test_ids (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublication) taken = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publications[4];

  g_test_summary ("Ids start at 1, grow, and are never reused after removal or take.");

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(MctxPublicationConfig) config = config_new (6000 + i, NULL);

      publications[i] = mctx_test_add_publication (context, config);
      g_assert_cmpuint (mctx_publication_get_id (publications[i]), ==, i + 1);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 3);

  g_assert_true (mctx_context_remove_publication (context, 3, &error));
  g_assert_no_error (error);
  taken = mctx_context_take_publication (context, 2, &error);
  g_assert_no_error (error);
  g_assert_true (taken == publications[1]);

  {
    g_autoptr(MctxPublicationConfig) config = config_new (6003, NULL);
    publications[3] = mctx_test_add_publication (context, config);
  }
  g_assert_cmpuint (mctx_publication_get_id (publications[3]), ==, 4);
  g_assert_true (mctx_context_get_publication (context, 1) == publications[0]);
  g_assert_null (mctx_context_get_publication (context, 2));
  g_assert_null (mctx_context_get_publication (context, 3));
  g_assert_true (mctx_context_get_publication (context, 4) == publications[3]);
  g_assert_null (mctx_context_get_publication (context, 0));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 2);
}

static void
test_not_found (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("Unknown publication ids are refused with MCTX_ERROR_PUBLICATION_NOT_FOUND");

  g_assert_null (mctx_context_take_publication (context, 7, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "7"));
  g_clear_error (&error);

  g_assert_false (mctx_context_remove_publication (context, 7, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND);
  g_clear_error (&error);

  {
    g_autoptr(GBytes) datagram = g_bytes_new_static ("x", 1);
    GBytes *datagrams[] = { datagram };
    guint ids[] = { 7 };

    g_assert_cmpint (mctx_context_send_many (context, ids, datagrams, 1, &error), ==, -1);
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND);
    g_clear_error (&error);
  }

  {
    g_autoptr(MctxPublicationConfig) config = mctx_udp_publication_config_new (GROUP, 5000, NULL);

    g_assert_null (mctx_context_replace_publication (context, 7, config, &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND);
  }
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *count)
{
  (*count)++;
}

/* The same configuration twice is refused, and the refusal changes
 * nothing: no new id, no signal. */
static void
test_duplicate (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = config_new (6100, NULL);
  g_autoptr(MctxPublicationConfig) same = config_new (6100, NULL);
  g_autoptr(MctxPublicationConfig) other_ttl = config_new (6100, NULL);
  g_autoptr(GError) error = NULL;
  MctxPublication *next;
  guint changes = 0;

  g_test_summary ("The same configuration twice is refused, and the refusal changes nothing: no new id, no signal.");

  mctx_test_add_publication (context, config);
  g_signal_connect (context, "items-changed", G_CALLBACK (count_items_changed), &changes);

  g_assert_null (mctx_context_add_publication (context, same, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_DUPLICATE_PUBLICATION);
  g_assert_nonnull (strstr (error->message, "239.1.2.3:6100"));
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 1);
  g_assert_cmpuint (changes, ==, 0);

  mctx_publication_config_set_ttl (other_ttl, 4);
  next = mctx_test_add_publication (context, other_ttl);
  g_assert_cmpuint (mctx_publication_get_id (next), ==, 2);
  g_assert_cmpuint (changes, ==, 1);
}

/* Every failing add leaves the context as it was: count, list, signals
 * and the next id. */
static void
test_failed_add_unchanged (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) good = config_new (6200, NULL);
  g_autoptr(MctxPublicationConfig) invalid = config_new (0, NULL);
  g_autoptr(MctxPublicationConfig) not_local = config_new (6201, NULL);
  g_autoptr(MctxPublicationConfig) bind_fails = config_new (6202, "192.0.2.7");
  g_autoptr(GError) error = NULL;
  MctxPublicationConfig *failing[] = { invalid, not_local, bind_fails };
  guint changes = 0, notifies = 0;
  MctxPublication *next;

  g_test_summary ("Every failing add leaves the context as it was: count, list, signals and the next id.");

  mctx_publication_config_set_outgoing_interface_string (not_local, "192.0.2.99", &error);
  g_assert_no_error (error);

  mctx_test_add_publication (context, good);
  g_signal_connect (context, "items-changed", G_CALLBACK (count_items_changed), &changes);
  g_signal_connect_swapped (context, "notify::n-publications", G_CALLBACK (count_items_changed), &notifies);

  for (guint i = 0; i < G_N_ELEMENTS (failing); i++)
    {
      g_assert_null (mctx_context_add_publication (context, failing[i], &error));
      g_assert_nonnull (error);
      g_test_message ("refused: %s", error->message);
      g_clear_error (&error);

      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 1);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 1);
    }

  g_assert_cmpuint (changes, ==, 0);
  g_assert_cmpuint (notifies, ==, 0);

  {
    g_autoptr(MctxPublicationConfig) config = config_new (6203, NULL);
    next = mctx_test_add_publication (context, config);
  }
  g_assert_cmpuint (mctx_publication_get_id (next), ==, 2);
}

/* The context is a list model of its publications, in order. */
static void
test_list_model (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MctxPublication) first = NULL;
  g_autoptr(MctxPublication) item = NULL;
  guint n = 0;

  g_test_summary ("The context is a list model of its publications, in order.");

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (context)) == MCTX_TYPE_PUBLICATION);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(MctxPublicationConfig) config = config_new (6300 + i, NULL);
      mctx_test_add_publication (context, config);
    }

  g_assert_true (mctx_context_remove_publication (context, 2, &error));
  g_object_get (context, "n-publications", &n, NULL);
  g_assert_cmpuint (n, ==, 2);

  first = g_list_model_get_item (G_LIST_MODEL (context), 0);
  item = g_list_model_get_item (G_LIST_MODEL (context), 1);
  g_assert_cmpuint (mctx_publication_get_id (first), ==, 1);
  g_assert_cmpuint (mctx_publication_get_id (item), ==, 3);
  g_assert_true (item == mctx_context_get_publication (context, 3));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (context), 2));
}

/* A taken publication keeps its socket and sends; a removed one is closed
 * and its holders get a clear error. */
static void
test_take_and_remove (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublication) taken = NULL;
  g_autoptr(MctxPublication) held = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;
  int receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &port);

  g_test_summary ("A taken publication keeps its socket and sends; a removed one is closed and its holders get a clear error.");

  {
    g_autoptr(MctxPublicationConfig) first = config_new (port, NULL);
    g_autoptr(MctxPublicationConfig) second = config_new (port, "127.0.0.1");

    mctx_test_add_publication (context, first);
    held = g_object_ref (mctx_test_add_publication (context, second));
  }

  taken = mctx_context_take_publication (context, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mctx_publication_get_socket (taken));
  send_ok (taken);
  assert_receives (receiver, local_port (taken));

  g_assert_true (mctx_context_remove_publication (context, 2, &error));
  g_assert_no_error (error);
  g_assert_null (mctx_publication_get_socket (held));
  g_assert_null (mctx_publication_send_with_report (held, (const guint8 *) PAYLOAD, strlen (PAYLOAD), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 0);

  close (receiver);
}

/* A stolen socket belongs to the caller and still sends, configured and
 * connected; the publication no longer does. */
static void
test_steal_socket (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  guint16 port;
  int receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &port);
  int fd;

  g_test_summary ("A stolen socket belongs to the caller and still sends, configured and connected; the publication no longer does.");

  config = config_new (port, NULL);
  publication = mctx_test_add_publication (context, config);
  fd = g_socket_get_fd (mctx_publication_get_socket (publication));
  g_assert_cmpint (fd, >=, 0);

  socket = mctx_publication_steal_socket (publication);
  g_assert_nonnull (socket);
  g_assert_null (mctx_publication_steal_socket (publication));
  g_assert_null (mctx_publication_get_socket (publication));

  g_assert_cmpint (mctx_publication_send (publication, (const guint8 *) "x", 1, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);

  g_assert_cmpint (g_socket_send (socket, PAYLOAD, strlen (PAYLOAD), NULL, &error), ==, strlen (PAYLOAD));
  g_assert_no_error (error);
  assert_receives (receiver, 0);

  /* Removing the publication does not close a socket it no longer has. */
  g_assert_true (mctx_context_remove_publication (context, 1, &error));
  g_assert_false (g_socket_is_closed (socket));

  close (receiver);
}

static void
test_announce_tuple (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = config_new (6400, "127.0.0.1");
  g_autoptr(GInetAddress) source = NULL;
  g_autoptr(GInetAddress) group = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *source_text = NULL;
  g_autofree char *group_text = NULL;
  MctxPublication *publication;
  guint16 port = 0;

  g_test_summary ("The announce tuple is the bound source, the group and the UDP port");

  publication = mctx_test_add_publication (context, config);
  g_assert_true (mctx_udp_publication_get_announce_tuple (MCTX_UDP_PUBLICATION (publication), &source, &group, &port, &error));
  g_assert_no_error (error);

  source_text = g_inet_address_to_string (source);
  group_text = g_inet_address_to_string (group);
  g_assert_cmpstr (source_text, ==, "127.0.0.1");
  g_assert_cmpstr (group_text, ==, GROUP);
  g_assert_cmpuint (port, ==, 6400);

  /* Optional outputs. */
  g_assert_true (mctx_udp_publication_get_announce_tuple (MCTX_UDP_PUBLICATION (publication), NULL, NULL, NULL, &error));
}

/* An interface without an IPv4 address leaves the socket without a
 * source: there is no tuple to announce. */
static void
test_announce_tuple_no_source (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;

  g_test_summary ("An interface without an IPv4 address leaves the socket without a source: there is no tuple to announce.");

  mctx_test_run ("ip link add noaddr0 type veth peer name noaddr1");
  mctx_test_run ("ip link set noaddr0 up");
  mctx_test_run ("ip link set noaddr1 up");

  config = mctx_udp_publication_config_new (GROUP, 6500, &error);
  g_assert_no_error (error);
  mctx_publication_config_set_interface_name (config, "noaddr0");
  publication = mctx_test_add_publication (context, config);

  g_assert_false (mctx_udp_publication_get_announce_tuple (MCTX_UDP_PUBLICATION (publication), NULL, NULL, NULL, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_NO_SOURCE_ADDRESS);

  mctx_test_run ("ip link del noaddr0");
}

/* send_all sends through every publication and counts; a failing one does
 * not stop the rest. */
static void
test_send_all (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GSocket) stolen = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publications[3];
  guint16 port;
  int receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &port);

  g_test_summary ("send_all sends through every publication and counts those that sent; a failing one does not stop the rest, and an error comes only when none sent.");

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(MctxPublicationConfig) config = config_new (port, NULL);

      mctx_publication_config_set_ttl (config, 1 + i);
      publications[i] = mctx_test_add_publication (context, config);
    }

  g_assert_cmpint (mctx_context_send_all (context, (const guint8 *) PAYLOAD, strlen (PAYLOAD), &error), ==, 3);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    assert_receives (receiver, 0);

  stolen = mctx_publication_steal_socket (publications[1]);
  /* Two of three went: their count, and no error, as g_socket_send_messages()
   * reports a partial batch. */
  g_assert_cmpint (mctx_context_send_all (context, (const guint8 *) PAYLOAD, strlen (PAYLOAD), &error), ==, 2);
  g_assert_no_error (error);
  assert_receives (receiver, local_port (publications[0]));
  assert_receives (receiver, local_port (publications[2]));
  mctx_test_assert_silent (receiver);

  /* None went: the first failure, and -1. */
  g_object_unref (mctx_publication_steal_socket (publications[0]));
  g_object_unref (mctx_publication_steal_socket (publications[2]));
  g_assert_cmpint (mctx_context_send_all (context, (const guint8 *) PAYLOAD, strlen (PAYLOAD), &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  mctx_test_assert_silent (receiver);

  /* Nothing to send through: nothing sent, and no error. */
  {
    g_autoptr(MctxContext) empty = mctx_context_new ();

    g_assert_cmpint (mctx_context_send_all (empty, (const guint8 *) PAYLOAD, strlen (PAYLOAD), &error), ==, 0);
    g_assert_no_error (error);
  }

  close (receiver);
}

static void
test_context_send (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxSendReport) report = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  guint16 port;
  int receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &port);

  g_test_summary ("Sends by id and with a report reach the receiver from the publication's port; the report says where from and to");

  config = config_new (port, NULL);
  publication = mctx_test_add_publication (context, config);

  g_assert_cmpint (mctx_publication_send (mctx_context_get_publication (context, 1), (const guint8 *) PAYLOAD,
                                          strlen (PAYLOAD), &error), ==, strlen (PAYLOAD));
  g_assert_no_error (error);
  assert_receives (receiver, local_port (publication));

  g_assert_cmpint (mctx_publication_send (publication, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error), ==, strlen (PAYLOAD));
  g_assert_no_error (error);
  assert_receives (receiver, local_port (publication));

  report = mctx_publication_send_with_report (publication, (const guint8 *) PAYLOAD, strlen (PAYLOAD), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mctx_send_report_get_bytes_sent (report), ==, strlen (PAYLOAD));
  g_assert_true (g_inet_address_equal (g_inet_socket_address_get_address (mctx_send_report_get_local_address (report)),
                                       g_inet_socket_address_get_address (mctx_udp_publication_get_local_address (MCTX_UDP_PUBLICATION (publication)))));
  g_assert_cmpuint (g_inet_socket_address_get_port (mctx_send_report_get_destination (report)), ==, port);
  g_assert_cmpuint (mctx_send_report_get_protocol (report), ==, 17);
  g_assert_cmpuint (mctx_send_report_get_interface_index (report), ==,
                    mctx_publication_get_interface_index (publication));
  assert_receives (receiver, local_port (publication));

  close (receiver);
}

/* The publication's config is a copy: changing the caller's config later
 * changes nothing. */
static void
test_config_is_copied (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = config_new (6600, NULL);
  MctxPublication *publication;

  g_test_summary ("The publication's config is a copy: changing the caller's config later changes nothing.");

  publication = mctx_test_add_publication (context, config);
  mctx_udp_publication_config_set_port (MCTX_UDP_PUBLICATION_CONFIG (config), 6601);

  {
    g_autoptr(MctxPublicationConfig) copy = mctx_publication_dup_config (publication);
    g_autoptr(MctxPublicationConfig) again = mctx_publication_dup_config (publication);
    g_autoptr(GError) duplicate_error = NULL;

    g_assert_true (copy != config);
    g_assert_true (copy != again);
    g_assert_cmpuint (mctx_udp_publication_config_get_port (MCTX_UDP_PUBLICATION_CONFIG (copy)), ==, 6600);

    /* Changing a copy changes neither the publication nor the duplicate
     * check: the same configuration is still refused. */
    mctx_udp_publication_config_set_port (MCTX_UDP_PUBLICATION_CONFIG (copy), 6601);
    g_assert_cmpuint (mctx_udp_publication_config_get_port (MCTX_UDP_PUBLICATION_CONFIG (again)), ==, 6600);
    g_assert_cmpuint (g_inet_socket_address_get_port (mctx_udp_publication_get_destination (MCTX_UDP_PUBLICATION (publication))), ==, 6600);
    g_assert_null (mctx_context_add_publication (context, again, &duplicate_error));
    g_assert_error (duplicate_error, MCTX_ERROR, MCTX_ERROR_DUPLICATE_PUBLICATION);
  }
  g_assert_cmpuint (g_inet_socket_address_get_port (mctx_udp_publication_get_destination (MCTX_UDP_PUBLICATION (publication))), ==, 6600);
}

static GSocket *
new_gsocket (GSocketFamily family)
{
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);

  g_assert_no_error (error);
  return socket;
}

static void
bind_gsocket (GSocket    *socket,
              const char *host,
              guint16     port)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, port);
  g_autoptr(GError) error = NULL;

  g_socket_bind (socket, socket_address, FALSE, &error);
  g_assert_no_error (error);
}

static void
test_with_socket (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GSocket) socket = new_gsocket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  guint16 port;
  int receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &port);

  g_test_summary ("A caller's GSocket is configured, bound and connected, and sends");

  g_socket_set_blocking (socket, TRUE);
  config = config_new (port, "127.0.0.1");
  mctx_udp_publication_config_set_source_port (MCTX_UDP_PUBLICATION_CONFIG (config), 41000);
  mctx_publication_config_set_ttl (config, 3);

  publication = mctx_context_add_publication_with_socket (context, config, socket, &error);
  g_assert_no_error (error);
  g_assert_true (mctx_publication_get_socket (publication) == socket);
  g_assert_false (g_socket_get_blocking (socket));
  g_assert_cmpint (g_socket_get_multicast_ttl (socket), ==, 3);

  send_ok (publication);
  assert_receives (receiver, 41000);

  close (receiver);
}

/* A socket the caller already bound is accepted when it matches. */
static void
test_with_bound_socket (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GSocket) socket = new_gsocket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  guint16 port;
  int receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &port);

  g_test_summary ("A socket the caller already bound is accepted when it matches.");

  bind_gsocket (socket, "127.0.0.1", 41001);
  config = config_new (port, "127.0.0.1");
  mctx_udp_publication_config_set_source_port (MCTX_UDP_PUBLICATION_CONFIG (config), 41001);

  publication = mctx_context_add_publication_with_socket (context, config, socket, &error);
  g_assert_no_error (error);
  send_ok (publication);
  assert_receives (receiver, 41001);

  close (receiver);
}

static void
assert_socket_untouched (GSocket *socket)
{
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GError) error = NULL;

  /* Still blocking as GLib made it, not connected. */
  g_assert_true (g_socket_get_blocking (socket));
  g_assert_false (g_socket_is_closed (socket));
  remote = g_socket_get_remote_address (socket, &error);
  g_assert_null (remote);
  g_assert_nonnull (error);
}

/* Family, port and address mismatches are refused before anything is
 * changed: the caller keeps an untouched socket. */
static void
test_with_socket_mismatch (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = config_new (6700, "127.0.0.1");
  g_autoptr(GSocket) ipv6 = new_gsocket (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocket) tcp = NULL;
  g_autoptr(GSocket) other_port = new_gsocket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocket) other_address = new_gsocket (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;

  g_test_summary ("Family, port and address mismatches are refused before anything is changed: the caller keeps an untouched socket.");

  tcp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);

  mctx_udp_publication_config_set_source_port (MCTX_UDP_PUBLICATION_CONFIG (config), 41002);
  bind_gsocket (other_port, "127.0.0.1", 41003);
  bind_gsocket (other_address, "127.0.0.2", 41002);

  g_assert_null (mctx_context_add_publication_with_socket (context, config, ipv6, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_SOCKET_FAMILY_MISMATCH);
  g_assert_nonnull (strstr (error->message, "IPv4"));
  g_clear_error (&error);
  assert_socket_untouched (ipv6);

  g_assert_null (mctx_context_add_publication_with_socket (context, config, tcp, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_SOCKET_FAMILY_MISMATCH);
  g_clear_error (&error);
  assert_socket_untouched (tcp);

  g_assert_null (mctx_context_add_publication_with_socket (context, config, other_port, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_SOCKET_PORT_MISMATCH);
  g_assert_nonnull (strstr (error->message, "41003"));
  g_assert_nonnull (strstr (error->message, "41002"));
  g_clear_error (&error);
  assert_socket_untouched (other_port);

  g_assert_null (mctx_context_add_publication_with_socket (context, config, other_address, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_SOCKET_ADDRESS_MISMATCH);
  g_assert_nonnull (strstr (error->message, "127.0.0.2"));
  g_clear_error (&error);
  assert_socket_untouched (other_address);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 0);
}

/* Programming errors are criticals, not crashes. */
static void
test_preconditions (void)
{
  g_test_summary ("Programming errors are criticals, not crashes.");

  if (g_test_subprocess ())
    {
      g_autoptr(MctxContext) context = mctx_context_new ();

      g_assert_null (mctx_context_add_publication (context, NULL, NULL));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*mctx_context_add_publication*MCTX_IS_PUBLICATION_CONFIG*");
}

/* Only a context makes a publication ready: constructed any other way,
 * its GInitable refuses it, and its sends say why. */
static void
test_not_from_context (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MctxPublication) bare = g_object_new (MCTX_TYPE_UDP_PUBLICATION, NULL);

  g_test_summary ("A publication constructed outside a context fails to initialize, clearly");

  g_assert_null (g_initable_new (MCTX_TYPE_UDP_PUBLICATION, NULL, &error, NULL));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "add_publication()"));
  g_clear_error (&error);

  g_assert_cmpint (mctx_publication_send (bare, (const guint8 *) "x", 1, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_nonnull (strstr (error->message, "add_publication()"));
}

static MctxPublication *
add_via (MctxContext  *context,
         guint16       port,
         const char   *interface,
         GError      **error)
{
  g_autoptr(MctxPublicationConfig) config = mctx_udp_publication_config_new ("ff3e::8000:1", port, NULL);

  g_assert_true (mctx_publication_config_set_outgoing_interface_string (config, interface, NULL));
  return mctx_context_add_publication (context, config, error);
}

/* The context keeps the host's addresses between adds, and lists them
 * again after any change: an address added, moved or removed is seen by
 * the next add. */
static void
test_interface_changes (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;

  g_test_summary ("Adds see addresses that appear, move between interfaces and disappear after the context's first look");

  mctx_test_run ("ip link add ica type veth peer name icb");
  mctx_test_run ("ip link set ica up");
  mctx_test_run ("ip link set icb up");

  g_assert_null (add_via (context, 6001, "fd20::1", &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_ADDRESS_NOT_LOCAL);
  g_clear_error (&error);

  mctx_test_run ("ip address add fd20::1/64 dev ica nodad");
  publication = add_via (context, 6002, "fd20::1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, if_nametoindex ("ica"));

  mctx_test_run ("ip address del fd20::1/64 dev ica");
  mctx_test_run ("ip address add fd20::1/64 dev icb nodad");
  publication = add_via (context, 6003, "fd20::1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, if_nametoindex ("icb"));

  mctx_test_run ("ip link del ica");   /* and icb with it */
  g_assert_null (add_via (context, 6004, "fd20::1", &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_ADDRESS_NOT_LOCAL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 2);
}

/* Descriptors taken until the limit is reached: closed by the caller. */
static GArray *
exhaust_descriptors (void)
{
  GArray *taken = g_array_new (FALSE, FALSE, sizeof (int));
  int fd;

  while ((fd = dup (0)) >= 0)
    g_array_append_val (taken, fd);
  g_assert_cmpint (errno, ==, EMFILE);
  return taken;
}

static void
release_descriptors (GArray *taken)
{
  for (guint i = 0; i < taken->len; i++)
    close (g_array_index (taken, int, i));
  g_array_unref (taken);
}

/* Without a descriptor free, every add path says so: looking an interface
 * up needs a socket too, and its failure is not a configuration's. */
static void
test_out_of_descriptors (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  const char *selectors[] = { "name", "index", "address" };
  struct rlimit limit, lowered;

  g_test_summary ("With no descriptor free, adds by interface name, index or address fail with "
                  "G_IO_ERROR_TOO_MANY_OPEN_FILES, never as a configuration error, and succeed once one is free");

  getrlimit (RLIMIT_NOFILE, &limit);
  lowered = limit;
  lowered.rlim_cur = 64;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &lowered), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (selectors); i++)
    {
      g_autoptr(MctxPublicationConfig) config = mctx_udp_publication_config_new (GROUP, (guint16) (6400 + i), NULL);
      g_autoptr(GError) error = NULL;
      GArray *taken;

      if (i == 0)
        mctx_publication_config_set_interface_name (config, "lo");
      else if (i == 1)
        mctx_publication_config_set_interface_index (config, if_nametoindex ("lo"));
      else
        mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", NULL);

      taken = exhaust_descriptors ();
      g_assert_null (mctx_context_add_publication (context, config, &error));
      release_descriptors (taken);
      g_test_message ("by %s: %s", selectors[i], error->message);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES);
      g_clear_error (&error);

      g_assert_nonnull (mctx_context_add_publication (context, config, &error));
      g_assert_no_error (error);
    }

  setrlimit (RLIMIT_NOFILE, &limit);
}

/* Adds @text/64 to @ifindex with nodad, through rtnetlink from this process
 * so that nothing runs between the add and the caller's next step. */
static void
add_address_nodad (guint       ifindex,
                   const char *text)
{
  struct {
    struct nlmsghdr header;
    struct ifaddrmsg message;
    struct rtattr attribute;
    struct in6_addr address;
  } request = {
    .header = { .nlmsg_len = sizeof request, .nlmsg_type = RTM_NEWADDR,
                .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL },
    .message = { .ifa_family = AF_INET6, .ifa_prefixlen = 64, .ifa_flags = IFA_F_NODAD,
                 .ifa_index = ifindex },
    .attribute = { .rta_len = RTA_LENGTH (sizeof (struct in6_addr)), .rta_type = IFA_LOCAL },
  };
  struct {
    struct nlmsghdr header;
    struct nlmsgerr error;
  } reply;
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (inet_pton (AF_INET6, text, &request.address), ==, 1);
  g_assert_cmpint (send (fd, &request, sizeof request, 0), ==, sizeof request);
  g_assert_cmpint (recv (fd, &reply, sizeof reply, 0), >=, (gssize) sizeof reply);
  g_assert_cmpint (reply.header.nlmsg_type, ==, NLMSG_ERROR);
  g_assert_cmpint (reply.error.error, ==, 0);
  close (fd);
}

/* The kernel announces an IPv6 address added with nodad only later, from
 * its address-configuration work (which waits for the RTNL lock when other
 * namespaces hold it): an add that comes first must still find it. */
static void
test_late_address_notification (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  guint ifindex;

  g_test_summary ("An address the kernel has not yet announced is found by the add right after it appeared");

  mctx_test_run ("ip link add lna type veth peer name lnb");
  mctx_test_run ("ip link set lna up");
  mctx_test_run ("ip link set lnb up");
  ifindex = if_nametoindex ("lna");
  g_assert_cmpuint (ifindex, !=, 0);

  /* The context has a list from before each address. */
  g_assert_null (add_via (context, 6100, "fd21::ffff", &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_ADDRESS_NOT_LOCAL);
  g_clear_error (&error);

  for (guint i = 1; i <= 200; i++)
    {
      g_autofree char *address = g_strdup_printf ("fd21::%x", i);
      MctxPublication *publication;

      add_address_nodad (ifindex, address);
      publication = add_via (context, (guint16) (6100 + i), address, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (mctx_publication_get_interface_index (publication), ==, ifindex);
    }

  mctx_test_run ("ip link del lna");
}

/* Thousands of publications: duplicates are found by hash, whatever was
 * added and removed before. */
static void
test_duplicates_at_scale (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("With 2000 publications, each duplicate is refused, a removed one's configuration can come back, "
                  "and lookups by id hold");

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *group = g_strdup_printf ("239.2.%u.%u", i / 250, i % 250 + 1);
      g_autoptr(MctxPublicationConfig) config = mctx_udp_publication_config_new (group, 5000, NULL);

      mctx_publication_config_set_interface_name (config, "lo");
      g_assert_nonnull (mctx_context_add_publication (context, config, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < 2000; i += 97)
    {
      g_autofree char *group = g_strdup_printf ("239.2.%u.%u", i / 250, i % 250 + 1);
      g_autoptr(MctxPublicationConfig) config = mctx_udp_publication_config_new (group, 5000, NULL);
      MctxPublication *publication;

      mctx_publication_config_set_interface_name (config, "lo");
      g_assert_null (mctx_context_add_publication (context, config, &error));
      g_assert_error (error, MCTX_ERROR, MCTX_ERROR_DUPLICATE_PUBLICATION);
      g_clear_error (&error);

      g_assert_true (mctx_context_remove_publication (context, i + 1, &error));
      g_assert_null (mctx_context_get_publication (context, i + 1));
      publication = mctx_context_add_publication (context, config, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (mctx_publication_get_id (publication), >, 2000);
      g_assert_true (mctx_context_get_publication (context, mctx_publication_get_id (publication)) == publication);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 2000);
}

int
main (int    argc,
      char **argv)
{
  mctx_test_init_netns (&argc, &argv);

  g_test_add_func ("/mctx/context/interface-changes", test_interface_changes);
  g_test_add_func ("/mctx/context/late-address-notification", test_late_address_notification);
  g_test_add_func ("/mctx/context/out-of-descriptors", test_out_of_descriptors);
  g_test_add_func ("/mctx/context/duplicates-at-scale", test_duplicates_at_scale);

  g_test_add_func ("/mctx/context/ids", test_ids);
  g_test_add_func ("/mctx/context/not-found", test_not_found);
  g_test_add_func ("/mctx/context/duplicate", test_duplicate);
  g_test_add_func ("/mctx/context/failed-add-unchanged", test_failed_add_unchanged);
  g_test_add_func ("/mctx/context/list-model", test_list_model);
  g_test_add_func ("/mctx/context/take-and-remove", test_take_and_remove);
  g_test_add_func ("/mctx/context/steal-socket", test_steal_socket);
  g_test_add_func ("/mctx/context/announce-tuple", test_announce_tuple);
  g_test_add_func ("/mctx/context/announce-tuple-no-source", test_announce_tuple_no_source);
  g_test_add_func ("/mctx/context/send-all", test_send_all);
  g_test_add_func ("/mctx/context/send", test_context_send);
  g_test_add_func ("/mctx/context/config-is-copied", test_config_is_copied);
  g_test_add_func ("/mctx/context/with-socket", test_with_socket);
  g_test_add_func ("/mctx/context/with-bound-socket", test_with_bound_socket);
  g_test_add_func ("/mctx/context/with-socket-mismatch", test_with_socket_mismatch);
  g_test_add_func ("/mctx/context/preconditions", test_preconditions);

  g_test_add_func ("/mctx/context/not-from-context", test_not_from_context);

  return g_test_run ();
}
