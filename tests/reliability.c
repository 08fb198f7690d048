/* reliability.c: publication lifetime under concurrent sends, refused
 * sockets left alone, and honest accounting of what the kernel dropped
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mctx-test-util.h"

#define GROUP "239.1.2.3"
#define STOLEN_PAYLOAD "from-the-old-publication"

static MctxPublicationConfig *
loopback_config (guint16 port)
{
  g_autoptr(GError) error = NULL;
  MctxPublicationConfig *config = mctx_udp_publication_config_new (GROUP, port, &error);

  g_assert_no_error (error);
  mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", &error);
  g_assert_no_error (error);
  return config;
}

typedef enum {
  DETACH_REMOVE,
  DETACH_TAKE_AND_DROP,
  DETACH_STEAL_AND_CLOSE,
} DetachMode;

typedef struct {
  MctxPublication *publication;   /* (owned) */
  gint stop;
  gint sent;
  gint closed;
} Sender;

static gpointer
send_until_stopped (gpointer user_data)
{
  Sender *sender = user_data;

  while (!g_atomic_int_get (&sender->stop))
    {
      g_autoptr(GError) error = NULL;

      if (mctx_publication_send (sender->publication, (const guint8 *) STOLEN_PAYLOAD,
                                       strlen (STOLEN_PAYLOAD), &error) >= 0)
        g_atomic_int_inc (&sender->sent);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
        {
          /* Leaves the cores to the thread that makes the next socket. */
          g_atomic_int_inc (&sender->closed);
          g_usleep (50);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        g_assert_no_error (error);
    }

  return NULL;
}

/* While threads send through a publication, it loses its socket and a new
 * publication gets the lowest free descriptor: the old number. Not one
 * datagram of the old publication may leave through the new socket. */
static void
test_detach_while_sending (gconstpointer data)
{
  DetachMode mode = GPOINTER_TO_INT (data);
  g_autoptr(MctxContext) context = mctx_context_new ();
  guint16 old_port, new_port;
  int old_receiver, new_receiver;
  guint total_sent = 0, total_closed = 0, received_new = 0;
  MctxTestDatagram datagram = { 0 };

  g_test_summary ("A publication removed, taken or stolen while other threads send "
                  "never lets a datagram reach the socket that reuses its descriptor");

  old_receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &old_port);
  new_receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &new_port);

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(MctxPublicationConfig) old_config = loopback_config (old_port);
      g_autoptr(MctxPublicationConfig) new_config = loopback_config (new_port);
      g_autoptr(GError) error = NULL;
      MctxPublication *old_publication, *new_publication;
      GThread *threads[4];
      Sender sender = { 0 };

      old_publication = mctx_test_add_publication (context, old_config);
      sender.publication = g_object_ref (old_publication);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("sender", send_until_stopped, &sender);
      g_usleep (100);

      switch (mode)
        {
        case DETACH_REMOVE:
          g_assert_true (mctx_context_remove_publication (context, mctx_publication_get_id (old_publication), &error));
          break;
        case DETACH_TAKE_AND_DROP:
          {
            /* Taken, the publication keeps its socket; its new owner
             * closes it while the threads still send. */
            g_autoptr(MctxPublication) taken = mctx_context_take_publication (context, mctx_publication_get_id (old_publication), &error);
            g_autoptr(GSocket) socket = mctx_publication_steal_socket (taken);

            g_assert_nonnull (socket);
            g_socket_close (socket, NULL);
          }
          break;
        case DETACH_STEAL_AND_CLOSE:
          {
            g_autoptr(GSocket) socket = mctx_publication_steal_socket (old_publication);

            g_assert_nonnull (socket);
            g_socket_close (socket, NULL);
            g_assert_true (mctx_context_remove_publication (context, mctx_publication_get_id (old_publication), &error));
          }
          break;
        }
      g_assert_no_error (error);

      /* Most likely on the old descriptor's number. */
      new_publication = mctx_test_add_publication (context, new_config);
      g_usleep (100);

      g_atomic_int_set (&sender.stop, 1);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        g_thread_join (threads[i]);

      total_sent += sender.sent;
      total_closed += sender.closed;
      g_object_unref (sender.publication);

      g_assert_true (mctx_context_remove_publication (context, mctx_publication_get_id (new_publication), &error));
      g_assert_no_error (error);

      while (mctx_test_receive (new_receiver, 0, &datagram))
        {
          received_new++;
          mctx_test_datagram_clear (&datagram);
        }
    }

  /* The test saw both sides of the race. */
  g_assert_cmpuint (total_sent, >, 0);
  g_assert_cmpuint (total_closed, >, 0);
  g_assert_cmpuint (received_new, ==, 0);

  close (old_receiver);
  close (new_receiver);
}

static int
get_int_option (int fd,
                int level,
                int option)
{
  int value = -1;
  socklen_t size = sizeof value;

  g_assert_cmpint (getsockopt (fd, level, option, &value, &size), ==, 0);
  return value;
}

/* What a caller's socket looked like before an add, to check it after. */
static void
prepare_caller_socket (int fd)
{
  int ttl = 77;

  g_assert_cmpint (setsockopt (fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl), ==, 0);
}

static void
assert_caller_socket_untouched (int fd)
{
  g_assert_cmpint (get_int_option (fd, IPPROTO_IP, IP_MULTICAST_TTL), ==, 77);
  g_assert_cmpint (get_int_option (fd, IPPROTO_IP, IP_MULTICAST_LOOP), ==, 1);
  g_assert_cmpint (get_int_option (fd, IPPROTO_IP, IP_RECVERR), ==, 0);
  g_assert_cmpuint (mctx_test_local_port (fd), ==, 0);
}

/* Refusals that only bind or connect can find: the port is taken, or the
 * group has no route. The caller gets the socket back as it gave it. */
static void
test_refused_socket_untouched (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MctxPublicationConfig) taken_port = NULL;
  g_autoptr(MctxPublicationConfig) no_route = NULL;
  g_autoptr(GSocket) caller_socket = NULL;
  int holder;
  guint16 port;

  g_test_summary ("A caller's socket that is refused keeps its blocking mode, "
                  "options and binding");

  holder = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &port);
  {
    /* A socket bound to 127.0.0.1 on a port of its own, without sharing. */
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };

    close (holder);
    holder = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
    g_assert_cmpint (bind (holder, (struct sockaddr *) &address, sizeof address), ==, 0);
    port = mctx_test_local_port (holder);
  }

  taken_port = loopback_config (5000);
  mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (taken_port), "127.0.0.1", &error);
  g_assert_no_error (error);
  mctx_udp_publication_config_set_source_port (MCTX_UDP_PUBLICATION_CONFIG (taken_port), port);
  /* 239.1.2.3 has no route in a namespace with only lo. */
  no_route = mctx_udp_publication_config_new (GROUP, 5000, &error);
  g_assert_no_error (error);

  /* A GSocket. */
  caller_socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  prepare_caller_socket (g_socket_get_fd (caller_socket));

  g_assert_null (mctx_context_add_publication_with_socket (context, taken_port, caller_socket, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_clear_error (&error);
  assert_caller_socket_untouched (g_socket_get_fd (caller_socket));
  g_assert_true (g_socket_get_blocking (caller_socket));

  g_assert_null (mctx_context_add_publication_with_socket (context, no_route, caller_socket, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE);
  g_clear_error (&error);
  assert_caller_socket_untouched (g_socket_get_fd (caller_socket));
  g_assert_true (g_socket_get_blocking (caller_socket));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 0);
  close (holder);
}

/* A token bucket whose queue holds almost nothing drops most of a burst.
 * Every datagram reported sent must reach the receiver on the far side;
 * every dropped one must be an error, counted in the metrics. */
static void
test_queue_drop_is_error (gconstpointer data)
{
  gboolean ipv6 = GPOINTER_TO_INT (data);
  MctxTestPeer *peer = mctx_test_peer_new ();
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  MctxTestDatagram datagram = { 0 };
  guint8 payload[1000] = { 0 };
  guint sent = 0, dropped = 0, received = 0;
  int receiver, size = 4 << 20;
  guint16 port;

  g_test_summary ("A datagram the interface queue drops (ENOBUFS) fails its send "
                  "and is counted as an error; the receiver gets exactly what was reported sent");

  mctx_test_peer_add_veth (peer, "qda", "qdb");
  mctx_test_run ("tc qdisc add dev qda root tbf rate 1mbit burst 1600 limit 1600");
  if (ipv6)
    {
      mctx_test_run ("ip address add fd00:7::1/64 dev qda nodad");
      mctx_test_peer_run (peer, "ip address add fd00:7::2/64 dev qdb nodad");
      mctx_test_peer_enter (peer);
      receiver = mctx_test_receiver_ipv6 ("ff3e::8000:7", if_nametoindex ("qdb"), NULL, 0, &port);
      mctx_test_peer_leave (peer);
      config = mctx_udp_publication_config_new ("ff3e::8000:7", port, &error);
      g_assert_no_error (error);
      mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), "fd00:7::1", &error);
    }
  else
    {
      mctx_test_run ("ip address add 198.51.100.1/24 dev qda");
      mctx_test_peer_run (peer, "ip address add 198.51.100.2/24 dev qdb");
      mctx_test_peer_enter (peer);
      receiver = mctx_test_receiver_ipv4 (GROUP, "198.51.100.2", 0, &port);
      mctx_test_peer_leave (peer);
      config = mctx_udp_publication_config_new (GROUP, port, &error);
      g_assert_no_error (error);
      mctx_publication_config_set_outgoing_interface_string (config, "198.51.100.1", &error);
    }
  g_assert_no_error (error);
  g_assert_cmpint (setsockopt (receiver, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size), ==, 0);
  mctx_publication_config_set_loopback (config, FALSE);
  publication = mctx_test_add_publication (context, config);

  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(GError) send_error = NULL;

      if (mctx_publication_send (publication, payload, sizeof payload, &send_error) >= 0)
        sent++;
      else if (g_error_matches (send_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        g_usleep (1000);
      else
        {
          /* GIO files ENOBUFS under FAILED; mctx gives it NO_SPACE. */
          g_assert_error (send_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
          g_assert_nonnull (strstr (send_error->message, g_strerror (ENOBUFS)));
          dropped++;
        }
    }

  while (mctx_test_receive (receiver, 1000, &datagram))
    {
      received++;
      mctx_test_datagram_clear (&datagram);
    }

  g_test_message ("sent %u, dropped %u, received %u", sent, dropped, received);
  g_assert_cmpuint (dropped, >, 0);
  g_assert_cmpuint (received, ==, sent);
#ifdef MCTX_HAS_METRICS
  {
    g_autoptr(MctxMetricsSnapshot) snapshot = mctx_publication_snapshot_metrics (publication);

    g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, sent);
    g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_SEND_ERRORS), >=, dropped);
  }
#endif

  close (receiver);
  mctx_test_run ("ip link del qda");
  mctx_test_peer_free (peer);
}

static guint16
icmp_checksum (const guint8 *data,
               gsize         len)
{
  guint32 sum = 0;

  for (gsize i = 0; i + 1 < len; i += 2)
    sum += (guint32) (data[i] << 8 | data[i + 1]);
  if (len & 1)
    sum += (guint32) data[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

/* An ICMP port unreachable about an earlier datagram (here forged by the
 * peer) must not fail the next send: it is not that datagram's error. */
static void
test_stale_icmp_error (void)
{
  MctxTestPeer *peer = mctx_test_peer_new ();
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  MctxTestDatagram datagram = { 0 };
  GInetSocketAddress *local;
  guint8 message[8 + 20 + 8] = { 3, 3 };  /* destination unreachable, port */
  struct iphdr *inner = (struct iphdr *) (gpointer) (message + 8);
  struct sockaddr_in target = { .sin_family = AF_INET };
  guint16 port, checksum;
  int receiver, forger;

  g_test_summary ("An ICMP error about an earlier datagram neither fails the next send "
                  "nor wakes a writable-source for ever");

  mctx_test_peer_add_veth (peer, "ica", "icb");
  mctx_test_run ("ip address add 198.51.100.1/24 dev ica");
  mctx_test_peer_run (peer, "ip address add 198.51.100.2/24 dev icb");
  mctx_test_peer_enter (peer);
  receiver = mctx_test_receiver_ipv4 (GROUP, "198.51.100.2", 0, &port);
  forger = socket (AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  mctx_test_peer_leave (peer);
  g_assert_cmpint (forger, >=, 0);

  config = mctx_udp_publication_config_new (GROUP, port, &error);
  g_assert_no_error (error);
  mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), "198.51.100.1", &error);
  g_assert_no_error (error);
  publication = mctx_test_add_publication (context, config);
  local = mctx_udp_publication_get_local_address (MCTX_UDP_PUBLICATION (publication));

  g_assert_cmpint (mctx_publication_send (publication, (const guint8 *) "one", 3, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_true (mctx_test_receive (receiver, 1000, &datagram));
  mctx_test_datagram_clear (&datagram);

  /* The quoted header: our datagram, from our source to the group. */
  inner->version = 4;
  inner->ihl = 5;
  inner->ttl = 1;
  inner->protocol = IPPROTO_UDP;
  inner->tot_len = htons (20 + 8 + 3);
  inet_pton (AF_INET, "198.51.100.1", &inner->saddr);
  inet_pton (AF_INET, GROUP, &inner->daddr);
  message[28] = g_inet_socket_address_get_port (local) >> 8;
  message[29] = g_inet_socket_address_get_port (local) & 0xff;
  message[30] = port >> 8;
  message[31] = port & 0xff;
  checksum = icmp_checksum (message, sizeof message);
  message[2] = checksum >> 8;
  message[3] = checksum & 0xff;
  inet_pton (AF_INET, "198.51.100.1", &target.sin_addr);
  g_assert_cmpint (sendto (forger, message, sizeof message, 0, (struct sockaddr *) &target, sizeof target),
                   ==, sizeof message);
  g_usleep (100 * 1000);

  g_assert_cmpint (mctx_publication_send (publication, (const guint8 *) "two", 3, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_true (mctx_test_receive (receiver, 1000, &datagram));
  g_assert_cmpmem (datagram.data, datagram.len, "two", 3);
  mctx_test_datagram_clear (&datagram);

  /* Nothing is left queued to wake a poll for ever. */
  {
    GSocket *socket = mctx_publication_get_socket (publication);

    g_assert_cmpint (g_socket_condition_check (socket, G_IO_OUT | G_IO_ERR) & G_IO_ERR, ==, 0);
  }

  close (forger);
  close (receiver);
  mctx_test_run ("ip link del ica");
  mctx_test_peer_free (peer);
}

typedef struct {
  const char *group;
  gboolean loopback;
  gboolean refused;
} DeliverableCase;

static const DeliverableCase deliverable_cases[] = {
  { "ff31::8000:1", FALSE, TRUE },
  { "ff01::1", FALSE, TRUE },
  { "ff00::1", TRUE, TRUE },
  { "ff30::8000:1", FALSE, TRUE },
  { "ff31::8000:1", TRUE, FALSE },
  { "ff01::1", TRUE, FALSE },
  { "ff32::8000:1", FALSE, FALSE },
};

/* Groups that can never reach a receiver are refused, not sent into the
 * void and reported sent. */
static void
test_undeliverable_group (gconstpointer data)
{
  const DeliverableCase *test = data;
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;

  g_test_summary ("IPv6 groups of scope 0, and interface-local groups without loopback, "
                  "are refused with MCTX_ERROR_UNDELIVERABLE_GROUP");

  config = mctx_udp_publication_config_new (test->group, 5000, &error);
  g_assert_no_error (error);
  mctx_publication_config_set_interface_name (config, "lo");
  mctx_publication_config_set_loopback (config, test->loopback);

  publication = mctx_context_add_publication (context, config, &error);
  if (test->refused)
    {
      g_assert_error (error, MCTX_ERROR, MCTX_ERROR_UNDELIVERABLE_GROUP);
      g_assert_nonnull (strstr (error->message, test->group));
      g_assert_null (publication);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 0);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_nonnull (publication);
    }
}

int
main (int    argc,
      char **argv)
{
  mctx_test_init_netns (&argc, &argv);
  mctx_test_run ("ip link set lo multicast on");
  mctx_test_run ("ip -6 route add multicast ff00::/8 dev lo table local");

  g_test_add_data_func ("/mctx/reliability/detach-while-sending/remove",
                        GINT_TO_POINTER (DETACH_REMOVE), test_detach_while_sending);
  g_test_add_data_func ("/mctx/reliability/detach-while-sending/take",
                        GINT_TO_POINTER (DETACH_TAKE_AND_DROP), test_detach_while_sending);
  g_test_add_data_func ("/mctx/reliability/detach-while-sending/steal",
                        GINT_TO_POINTER (DETACH_STEAL_AND_CLOSE), test_detach_while_sending);
  g_test_add_func ("/mctx/reliability/refused-socket-untouched", test_refused_socket_untouched);
  g_test_add_data_func ("/mctx/reliability/queue-drop-is-error/ipv4", GINT_TO_POINTER (FALSE),
                        test_queue_drop_is_error);
  g_test_add_data_func ("/mctx/reliability/queue-drop-is-error/ipv6", GINT_TO_POINTER (TRUE),
                        test_queue_drop_is_error);
  g_test_add_func ("/mctx/reliability/stale-icmp-error", test_stale_icmp_error);
  for (guint i = 0; i < G_N_ELEMENTS (deliverable_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mctx/reliability/undeliverable-group/%s/%s",
                                               deliverable_cases[i].group,
                                               deliverable_cases[i].loopback ? "loopback" : "no-loopback");

      g_test_add_data_func (path, &deliverable_cases[i], test_undeliverable_group);
    }

  return g_test_run ();
}
