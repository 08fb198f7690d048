/* mctx-test-util.c: private network namespaces and receivers for tests
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static G_GNUC_NORETURN void
bail_out (const char *what)
{
  /* TAP: stops the run and fails it. */
  printf ("Bail out! %s: %s\n", what, g_strerror (errno));
  fflush (stdout);
  exit (1);
}

/* The namespace must hold nothing but what the test made: a fresh one has
 * only `lo`. Anything else means we are on the host's network. */
static void
assert_private_namespace (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/net/dev", &contents, NULL, NULL))
    bail_out ("cannot read /proc/self/net/dev");

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 2; lines[i] != NULL; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (lines[i]));
      char *colon = strchr (name, ':');

      if (name[0] == '\0')
        continue;
      if (colon != NULL)
        *colon = '\0';
      if (strcmp (name, "lo") != 0)
        {
          errno = EEXIST;
          printf ("Bail out! interface %s is visible: not a private network namespace\n", name);
          exit (1);
        }
    }
}

void
mctx_test_init_netns (int    *argc,
                      char ***argv)
{
  /* Before g_test_init() and before any thread exists, so that every
   * thread of the test lives in the new namespace. */
  if (unshare (CLONE_NEWNET) != 0)
    bail_out ("cannot create a network namespace (run the tests as root)");

  assert_private_namespace ();

  g_test_init (argc, argv, NULL);

  mctx_test_run ("ip link set lo up");
  /* The tests bind some fixed ports (40000 to 49999) to check that exactly
   * those are used: the kernel's own choices stay above them. */
  {
    FILE *range = fopen ("/proc/sys/net/ipv4/ip_local_port_range", "w");

    g_assert_nonnull (range);
    g_assert_cmpint (fputs ("50000 60999\n", range), >=, 0);
    g_assert_cmpint (fclose (range), ==, 0);
  }
}

static void
run_argv (const char *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_command_line_sync (command, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("“%s” failed: %s%s", command, out, err);
}

void
mctx_test_run (const char *format,
               ...)
{
  g_autofree char *command = NULL;
  va_list args;

  va_start (args, format);
  command = g_strdup_vprintf (format, args);
  va_end (args);

  run_argv (command);
}

struct _MctxTestPeer
{
  int home_fd;
  int peer_fd;
};

static int
open_current_netns (void)
{
  int fd = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  return fd;
}

MctxTestPeer *
mctx_test_peer_new (void)
{
  MctxTestPeer *peer = g_new0 (MctxTestPeer, 1);

  peer->home_fd = open_current_netns ();
  g_assert_cmpint (unshare (CLONE_NEWNET), ==, 0);
  peer->peer_fd = open_current_netns ();
  g_assert_cmpint (setns (peer->home_fd, CLONE_NEWNET), ==, 0);

  mctx_test_peer_run (peer, "ip link set lo up");
  return peer;
}

void
mctx_test_peer_free (MctxTestPeer *peer)
{
  close (peer->home_fd);
  close (peer->peer_fd);
  g_free (peer);
}

void
mctx_test_peer_enter (MctxTestPeer *peer)
{
  g_assert_cmpint (setns (peer->peer_fd, CLONE_NEWNET), ==, 0);
}

void
mctx_test_peer_leave (MctxTestPeer *peer)
{
  g_assert_cmpint (setns (peer->home_fd, CLONE_NEWNET), ==, 0);
}

void
mctx_test_peer_run (MctxTestPeer *peer,
                    const char   *format,
                    ...)
{
  g_autofree char *command = NULL;
  va_list args;

  va_start (args, format);
  command = g_strdup_vprintf (format, args);
  va_end (args);

  /* A spawned child starts in the namespace of the thread that forks it. */
  mctx_test_peer_enter (peer);
  run_argv (command);
  mctx_test_peer_leave (peer);
}

void
mctx_test_peer_add_veth (MctxTestPeer *peer,
                         const char   *local_name,
                         const char   *peer_name)
{
  mctx_test_run ("ip link add %s type veth peer name %s netns /proc/%d/fd/%d",
                 local_name, peer_name, (int) getpid (), peer->peer_fd);
  mctx_test_run ("ip link set %s up", local_name);
  mctx_test_peer_run (peer, "ip link set %s up", peer_name);
}

guint
mctx_test_peer_if_index (MctxTestPeer *peer,
                         const char   *name)
{
  guint index;

  mctx_test_peer_enter (peer);
  index = if_nametoindex (name);
  mctx_test_peer_leave (peer);

  return index;
}

static int
new_receiver_socket (int family)
{
  int fd = socket (family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  int on = 1;

  int buffer = 8 * 1024 * 1024;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on), ==, 0);
  /* Room for a whole batch: the tests count what arrives. */
  g_assert_cmpint (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer), ==, 0);
  return fd;
}

guint16
mctx_test_local_port (int fd)
{
  struct sockaddr_storage storage;
  socklen_t size = sizeof storage;

  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &storage, &size), ==, 0);
  if (storage.ss_family == AF_INET6)
    return ntohs (((struct sockaddr_in6 *) &storage)->sin6_port);
  return ntohs (((struct sockaddr_in *) &storage)->sin_port);
}

int
mctx_test_receiver_ipv4 (const char *group,
                         const char *interface_address,
                         guint16     port,
                         guint16    *bound_port)
{
  int fd = new_receiver_socket (AF_INET);
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };
  struct ip_mreq request;
  int on = 1;

  g_assert_cmpint (inet_pton (AF_INET, group, &address.sin_addr), ==, 1);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);

  request.imr_multiaddr = address.sin_addr;
  g_assert_cmpint (inet_pton (AF_INET, interface_address, &request.imr_interface), ==, 1);
  g_assert_cmpint (setsockopt (fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof request), ==, 0);
  g_assert_cmpint (setsockopt (fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on), ==, 0);

  if (bound_port != NULL)
    *bound_port = mctx_test_local_port (fd);
  return fd;
}

/* A UDP socket bound to a unicast IPv4 address, on an ephemeral port. */
int
mctx_test_receiver_unicast_ipv4 (const char *address,
                                 guint16    *bound_port)
{
  int fd = new_receiver_socket (AF_INET);
  struct sockaddr_in local = { .sin_family = AF_INET };
  int on = 1;

  g_assert_cmpint (inet_pton (AF_INET, address, &local.sin_addr), ==, 1);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &local, sizeof local), ==, 0);
  g_assert_cmpint (setsockopt (fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on), ==, 0);

  *bound_port = mctx_test_local_port (fd);
  return fd;
}

int
mctx_test_receiver_ipv6 (const char *group,
                         guint       ifindex,
                         const char *source,
                         guint16     port,
                         guint16    *bound_port)
{
  int fd = new_receiver_socket (AF_INET6);
  struct sockaddr_in6 address = { .sin6_family = AF_INET6, .sin6_port = htons (port) };
  struct sockaddr_in6 group_address = { .sin6_family = AF_INET6 };
  int on = 1;

  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (inet_pton (AF_INET6, group, &group_address.sin6_addr), ==, 1);

  if (source != NULL)
    {
      struct group_source_req request = { .gsr_interface = ifindex };
      struct sockaddr_in6 source_address = { .sin6_family = AF_INET6 };

      g_assert_cmpint (inet_pton (AF_INET6, source, &source_address.sin6_addr), ==, 1);
      memcpy (&request.gsr_group, &group_address, sizeof group_address);
      memcpy (&request.gsr_source, &source_address, sizeof source_address);
      g_assert_cmpint (setsockopt (fd, IPPROTO_IPV6, MCAST_JOIN_SOURCE_GROUP,
                                   &request, sizeof request), ==, 0);
    }
  else
    {
      struct group_req request = { .gr_interface = ifindex };

      memcpy (&request.gr_group, &group_address, sizeof group_address);
      g_assert_cmpint (setsockopt (fd, IPPROTO_IPV6, MCAST_JOIN_GROUP,
                                   &request, sizeof request), ==, 0);
    }

  g_assert_cmpint (setsockopt (fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on), ==, 0);

  if (bound_port != NULL)
    *bound_port = mctx_test_local_port (fd);
  return fd;
}

gboolean
mctx_test_receive (int               fd,
                   int               timeout_ms,
                   MctxTestDatagram *datagram)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  struct sockaddr_storage from;
  union {
    char buffer[CMSG_SPACE (sizeof (int)) * 2];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = datagram->data, .iov_len = sizeof datagram->data };
  struct msghdr message = {
    .msg_name = &from,
    .msg_namelen = sizeof from,
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = control.buffer,
    .msg_controllen = sizeof control.buffer,
  };
  int ready;

  memset (datagram, 0, G_STRUCT_OFFSET (MctxTestDatagram, from));
  datagram->from = NULL;
  datagram->ttl = -1;

  do
    ready = poll (&pfd, 1, timeout_ms);
  while (ready < 0 && errno == EINTR);
  g_assert_cmpint (ready, >=, 0);
  if (ready == 0)
    return FALSE;

  datagram->len = recvmsg (fd, &message, 0);
  g_assert_cmpint (datagram->len, >=, 0);

  for (struct cmsghdr *cmsg = CMSG_FIRSTHDR (&message); cmsg != NULL;
       cmsg = CMSG_NXTHDR (&message, cmsg))
    {
      if ((cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TTL) ||
          (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_HOPLIMIT))
        memcpy (&datagram->ttl, CMSG_DATA (cmsg), sizeof (int));
    }

  datagram->from = G_INET_SOCKET_ADDRESS (g_socket_address_new_from_native (&from, message.msg_namelen));
  return TRUE;
}

void
mctx_test_datagram_clear (MctxTestDatagram *datagram)
{
  g_clear_object (&datagram->from);
}

void
mctx_test_assert_from (MctxTestDatagram *datagram,
                       const char       *source_address,
                       guint16           source_port)
{
  g_autofree char *from = g_inet_address_to_string (g_inet_socket_address_get_address (datagram->from));

  g_assert_cmpstr (from, ==, source_address);
  if (source_port != 0)
    g_assert_cmpuint (g_inet_socket_address_get_port (datagram->from), ==, source_port);
}

MctxPublication *
mctx_test_add_publication (MctxContext           *context,
                           MctxPublicationConfig *config)
{
  g_autoptr(GError) error = NULL;
  MctxPublication *publication = mctx_context_add_publication (context, config, &error);

  g_assert_no_error (error);
  g_assert_nonnull (publication);
  return publication;
}

int
mctx_test_capture_open (MctxTestPeer *peer,
                        const char   *interface)
{
  struct sockaddr_ll address = { .sll_family = AF_PACKET, .sll_protocol = htons (ETH_P_ALL) };
  int buffer = 8 * 1024 * 1024;
  int fd;

  if (peer != NULL)
    mctx_test_peer_enter (peer);
  fd = socket (AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons (ETH_P_ALL));
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer), ==, 0);
  address.sll_ifindex = (int) if_nametoindex (interface);
  g_assert_cmpint (address.sll_ifindex, >, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  if (peer != NULL)
    mctx_test_peer_leave (peer);

  return fd;
}

gssize
mctx_test_capture_receive (int     fd,
                           gint64  deadline,
                           guint8 *packet,
                           gsize   size,
                           int    *packet_type)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  int remaining = (int) ((deadline - g_get_monotonic_time ()) / 1000);
  struct sockaddr_ll from;
  socklen_t from_len = sizeof from;
  gssize n;

  if (remaining <= 0 || poll (&pfd, 1, remaining) <= 0)
    return -1;
  n = recvfrom (fd, packet, size, 0, (struct sockaddr *) &from, &from_len);
  g_assert_cmpint (n, >=, 0);
  *packet_type = from.sll_pkttype;
  return n;
}

gboolean
mctx_test_capture_next_outgoing_udp (int               fd,
                                     int               timeout_ms,
                                     MctxTestDatagram *datagram)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint8 packet[65536];
  const struct ip *header = (const struct ip *) packet;
  int packet_type;
  gssize n;

  memset (datagram, 0, sizeof *datagram);
  datagram->ttl = -1;
  while ((n = mctx_test_capture_receive (fd, deadline, packet, sizeof packet, &packet_type)) >= 0)
    {
      gsize header_len;

      /* IPv4 UDP only: IGMP reports and the like leave here too. */
      if (packet_type != PACKET_OUTGOING || (gsize) n < sizeof (struct ip) || header->ip_v != 4 ||
          header->ip_p != IPPROTO_UDP)
        continue;
      header_len = header->ip_hl * 4u;
      g_assert_cmpuint ((gsize) n, >=, header_len + sizeof (struct udphdr));
      datagram->len = n - (gssize) (header_len + sizeof (struct udphdr));
      g_assert_cmpuint ((gsize) datagram->len, <=, sizeof datagram->data);
      memcpy (datagram->data, packet + header_len + sizeof (struct udphdr), (gsize) datagram->len);
      datagram->ttl = header->ip_ttl;
      return TRUE;
    }
  return FALSE;
}

void
mctx_test_assert_silent (int fd)
{
  MctxTestDatagram datagram;

  g_assert_false (mctx_test_receive (fd, 300, &datagram));
}

gint
mctx_test_send_vectors (MctxPublication      *publication,
                        const GOutputVector  *vectors,
                        guint                 n,
                        MctxSendFlags         flags,
                        GError              **error)
{
  g_autofree GOutputMessage *messages = g_new0 (GOutputMessage, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    messages[i] = (GOutputMessage) { .vectors = (GOutputVector *) &vectors[i], .num_vectors = 1 };
  return mctx_publication_send_messages (publication, messages, n, flags, error);
}

gint
mctx_test_context_send_vectors (MctxContext          *context,
                                const guint          *ids,
                                const GOutputVector  *vectors,
                                guint                 n,
                                GError              **error)
{
  g_autofree GOutputMessage *messages = g_new0 (GOutputMessage, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    messages[i] = (GOutputMessage) { .vectors = (GOutputVector *) &vectors[i], .num_vectors = 1 };
  return mctx_context_send_messages (context, ids, messages, n, error);
}

gint
mctx_test_send_segmented (MctxPublication  *publication,
                          const guint8     *data,
                          gsize             len,
                          gsize             segment_size,
                          GError          **error)
{
  guint n = segment_size == 0 ? 0 : (guint) ((len + segment_size - 1) / segment_size);
  g_autofree GOutputVector *vectors = g_new0 (GOutputVector, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    vectors[i] = (GOutputVector) { data + i * segment_size, MIN (segment_size, len - i * segment_size) };
  return mctx_test_send_vectors (publication, vectors, n, MCTX_SEND_FLAGS_SEGMENTED, error);
}

guint32
mctx_test_scope_id (GInetSocketAddress *address)
{
  if (g_socket_address_get_family (G_SOCKET_ADDRESS (address)) != G_SOCKET_FAMILY_IPV6)
    return 0;
  return g_inet_socket_address_get_scope_id (address);
}
