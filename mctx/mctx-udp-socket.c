/* mctx-udp-socket.c: setting a UDP socket up as a resolved plan says
 *
 * A socket of mctx's own is made non-blocking, configured (multicast
 * interface, TTL, loopback, traffic class, send buffer), bound and, unless
 * shared, connected. A caller's socket is checked against the plan and the
 * setup rehearsed on a scratch socket first, so that a refused socket is
 * handed back as it came.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mctx-socket-private.h"

static int
native_family (GSocketFamily family)
{
  return family == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
}

GInetSocketAddress *
_mctx_udp_socket_query_local_address (int      fd,
                     GError **error)
{
  struct sockaddr_storage storage;
  socklen_t size = sizeof storage;
  GSocketAddress *address;

  if (getsockname (fd, (struct sockaddr *) &storage, &size) != 0)
    {
      _mctx_set_io_error (error, errno, _("Could not query the socket’s local address"));
      return NULL;
    }

  address = g_socket_address_new_from_native (&storage, size);
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    {
      g_clear_object (&address);
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_SOCKET_FAMILY_MISMATCH,
                           _("The socket is not an IP socket"));
      return NULL;
    }

  return G_INET_SOCKET_ADDRESS (address);
}

/* Checks a caller-provided socket against the plan without changing it, so
 * that a refused socket is handed back untouched. Returns whether the socket
 * still needs binding. */
static gboolean
check_socket (int                   fd,
              MctxPublicationPlan  *plan,
              GInetSocketAddress  **bound_out,
              GError              **error)
{
  g_autoptr(GInetSocketAddress) bound = NULL;
  int domain = 0, type = 0, protocol = 0;
  socklen_t size = sizeof (int);
  guint16 bound_port;

  if (getsockopt (fd, SOL_SOCKET, SO_DOMAIN, &domain, &size) != 0 ||
      getsockopt (fd, SOL_SOCKET, SO_TYPE, &type, &size) != 0 ||
      getsockopt (fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &size) != 0)
    return _mctx_set_io_error (error, errno, _("Could not inspect the socket"));

  if (domain != native_family (plan->family) || type != SOCK_DGRAM || protocol != IPPROTO_UDP)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_SOCKET_FAMILY_MISMATCH,
                   _("The socket is not a UDP socket of the group’s address family (%s)"),
                   plan->family == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4");
      return FALSE;
    }

  bound = _mctx_udp_socket_query_local_address (fd, error);
  if (bound == NULL)
    return FALSE;

  bound_port = g_inet_socket_address_get_port (bound);
  if (bound_port == 0)
    return TRUE;
  *bound_out = g_object_ref (bound);
  if (plan->bind_address == NULL)
    return TRUE;

  if (g_inet_socket_address_get_port (plan->bind_address) != 0 &&
      g_inet_socket_address_get_port (plan->bind_address) != bound_port)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_SOCKET_PORT_MISMATCH,
                   _("The socket is bound to port %u, but the configuration asks for port %u"),
                   bound_port, g_inet_socket_address_get_port (plan->bind_address));
      return FALSE;
    }

  if (!g_inet_address_get_is_any (g_inet_socket_address_get_address (plan->bind_address)) &&
      !g_inet_address_equal (g_inet_socket_address_get_address (plan->bind_address),
                             g_inet_socket_address_get_address (bound)))
    {
      g_autofree char *have = _mctx_socket_address_to_string (G_SOCKET_ADDRESS (bound));
      g_autofree char *want = _mctx_socket_address_to_string (G_SOCKET_ADDRESS (plan->bind_address));

      g_set_error (error, MCTX_ERROR, MCTX_ERROR_SOCKET_ADDRESS_MISMATCH,
                   _("The socket is bound to %s, but the configuration asks for %s"),
                   have, want);
      return FALSE;
    }

  return TRUE;
}

static gboolean
set_multicast_options (int                   fd,
                       MctxPublicationPlan  *plan,
                       GError              **error)
{
  int ttl = (int) plan->ttl;
  int loop = plan->loopback ? 1 : 0;

  if (plan->family == G_SOCKET_FAMILY_IPV6)
    {
      int ifindex = (int) plan->ifindex;

      if (!_mctx_set_socket_option (fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof ttl,
                       "IPV6_MULTICAST_HOPS", error) ||
          !_mctx_set_socket_option (fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof loop,
                       "IPV6_MULTICAST_LOOP", error))
        return FALSE;

      if (plan->ifindex != 0 &&
          !_mctx_set_socket_option (fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex,
                       "IPV6_MULTICAST_IF", error))
        return FALSE;
    }
  else
    {
      if (!_mctx_set_socket_option (fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl,
                       "IP_MULTICAST_TTL", error) ||
          !_mctx_set_socket_option (fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop,
                       "IP_MULTICAST_LOOP", error))
        return FALSE;

      if (plan->ifindex != 0 || plan->ipv4_interface != NULL)
        {
          struct ip_mreqn request = { 0 };

          request.imr_ifindex = (int) plan->ifindex;
          if (plan->ipv4_interface != NULL)
            memcpy (&request.imr_address, g_inet_address_to_bytes (plan->ipv4_interface), 4);

          if (!_mctx_set_socket_option (fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof request,
                           "IP_MULTICAST_IF", error))
            return FALSE;
        }
    }

  return TRUE;
}

typedef enum {
  SOCKET_STEP_BIND,
  SOCKET_STEP_CONNECT,
} SocketStep;

static gboolean
bind_or_connect (int                  fd,
                 SocketStep           step,
                 GInetSocketAddress  *address,
                 GError             **error)
{
  struct sockaddr_storage storage;
  gsize size = g_socket_address_get_native_size (G_SOCKET_ADDRESS (address));
  g_autofree char *text = NULL;
  int result, saved_errno;

  if (!g_socket_address_to_native (G_SOCKET_ADDRESS (address), &storage, sizeof storage, error))
    return FALSE;

  if (step == SOCKET_STEP_BIND)
    result = bind (fd, (struct sockaddr *) &storage, (socklen_t) size);
  else
    result = connect (fd, (struct sockaddr *) &storage, (socklen_t) size);

  if (result == 0)
    return TRUE;

  saved_errno = errno;
  text = _mctx_socket_address_to_string (G_SOCKET_ADDRESS (address));
  if (step == SOCKET_STEP_BIND)
    /* Translators: %s is an address such as 192.0.2.7:0 */
    return _mctx_set_io_error (error, saved_errno, _("Could not bind to %s"), text);
  else
    /* Translators: %s is an address such as 239.1.2.3:5000 */
    return _mctx_set_io_error (error, saved_errno, _("Could not connect to %s"), text);
}

/* The traffic class and send buffer, when the configuration sets them. */
static gboolean
set_traffic_options (int                   fd,
                     MctxPublicationPlan  *plan,
                     GError              **error)
{
  int traffic_class = (int) plan->traffic_class;
  int buffer = (int) plan->send_buffer_size;

  if (traffic_class != 0)
    {
      gboolean ipv6 = plan->family == G_SOCKET_FAMILY_IPV6;

      if (!_mctx_set_socket_option (fd, ipv6 ? IPPROTO_IPV6 : IPPROTO_IP, ipv6 ? IPV6_TCLASS : IP_TOS,
                                    &traffic_class, sizeof traffic_class, ipv6 ? "IPV6_TCLASS" : "IP_TOS", error))
        return FALSE;
    }
  if (buffer != 0 &&
      !_mctx_set_socket_option (fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer, "SO_SNDBUF", error))
    return FALSE;

  return TRUE;
}

static gboolean
configure_socket (int                   fd,
                  MctxPublicationPlan  *plan,
                  GInetSocketAddress   *bind_address,
                  GError              **error)
{
  if (!set_multicast_options (fd, plan, error) ||
      !set_traffic_options (fd, plan, error) ||
      !_mctx_socket_enable_recverr (fd, plan->family, error) ||
      (plan->departure_timestamps && !_mctx_socket_enable_timestamps (fd, error)))
    return FALSE;

  if (bind_address != NULL &&
      !bind_or_connect (fd, SOCKET_STEP_BIND, bind_address, error))
    return FALSE;

  /* A shared socket names each datagram's group instead. */
  return plan->shared || bind_or_connect (fd, SOCKET_STEP_CONNECT, plan->destination, error);
}

static gboolean
make_non_blocking (int      fd,
                   GError **error)
{
  int flags = fcntl (fd, F_GETFL);

  if (flags < 0 || fcntl (fd, F_SETFL, flags | O_NONBLOCK) < 0)
    return _mctx_set_io_error (error, errno, _("Could not make the socket non-blocking"));

  return TRUE;
}

/* Tries the set-up of a caller's socket on a scratch socket that shares
 * its address-sharing and device options, so that a bind or connect that
 * would fail fails before the caller's socket is changed at all. */
static gboolean
rehearse_setup (int                   fd,
                MctxPublicationPlan  *plan,
                GInetSocketAddress   *bind_address,
                GError              **error)
{
  static const int copied[] = { SO_REUSEADDR, SO_REUSEPORT, SO_BINDTOIFINDEX };
  int scratch = socket (native_family (plan->family), SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  gboolean ok;

  if (scratch < 0)
    return _mctx_set_io_error (error, errno, _("Could not create a socket"));

  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    {
      int value = 0;
      socklen_t size = sizeof value;

      if (getsockopt (fd, SOL_SOCKET, copied[i], &value, &size) == 0 && value != 0)
        (void) setsockopt (scratch, SOL_SOCKET, copied[i], &value, size);
    }

  ok = configure_socket (scratch, plan, bind_address, error);
  close (scratch);
  return ok;
}

/* What mctx changes on a caller's socket, read first so that it can be put
 * back if the set-up fails after all (a port taken in between). The IPv4
 * multicast interface reads back as an address only. */
typedef struct {
  int flags;
  int ttl;
  int loop;
  int recverr;
  int ipv6_interface;
  struct in_addr ipv4_interface;
  int traffic_class;
  int send_buffer;
  int receive_buffer;
  int timestamping;
} SocketState;

static void
socket_state_save (int             fd,
                   GSocketFamily   family,
                   SocketState    *state)
{
  gboolean ipv6 = family == G_SOCKET_FAMILY_IPV6;
  int level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
  socklen_t size;

  memset (state, 0, sizeof *state);
  state->flags = fcntl (fd, F_GETFL);
  size = sizeof (int);
  getsockopt (fd, level, ipv6 ? IPV6_MULTICAST_HOPS : IP_MULTICAST_TTL, &state->ttl, &size);
  size = sizeof (int);
  getsockopt (fd, level, ipv6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP, &state->loop, &size);
  size = sizeof (int);
  getsockopt (fd, level, ipv6 ? IPV6_RECVERR : IP_RECVERR, &state->recverr, &size);
  size = sizeof (int);
  getsockopt (fd, level, ipv6 ? IPV6_TCLASS : IP_TOS, &state->traffic_class, &size);
  size = sizeof (int);
  getsockopt (fd, SOL_SOCKET, SO_SNDBUF, &state->send_buffer, &size);
  size = sizeof (int);
  getsockopt (fd, SOL_SOCKET, SO_RCVBUF, &state->receive_buffer, &size);
  size = sizeof (int);
  getsockopt (fd, SOL_SOCKET, SO_TIMESTAMPING, &state->timestamping, &size);
  if (ipv6)
    {
      size = sizeof (int);
      getsockopt (fd, level, IPV6_MULTICAST_IF, &state->ipv6_interface, &size);
    }
  else
    {
      size = sizeof state->ipv4_interface;
      getsockopt (fd, level, IP_MULTICAST_IF, &state->ipv4_interface, &size);
    }
}

static void
socket_state_restore (int                 fd,
                      GSocketFamily       family,
                      const SocketState  *state)
{
  gboolean ipv6 = family == G_SOCKET_FAMILY_IPV6;
  int level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
  int state_buffer;

  if (state->flags >= 0)
    fcntl (fd, F_SETFL, state->flags);
  setsockopt (fd, level, ipv6 ? IPV6_MULTICAST_HOPS : IP_MULTICAST_TTL, &state->ttl, sizeof (int));
  setsockopt (fd, level, ipv6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP, &state->loop, sizeof (int));
  setsockopt (fd, level, ipv6 ? IPV6_RECVERR : IP_RECVERR, &state->recverr, sizeof (int));
  setsockopt (fd, level, ipv6 ? IPV6_TCLASS : IP_TOS, &state->traffic_class, sizeof (int));
  /* The kernel reports the doubled size: halve it to put it back. */
  state_buffer = state->send_buffer / 2;
  setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &state_buffer, sizeof (int));
  state_buffer = state->receive_buffer / 2;
  setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &state_buffer, sizeof (int));
  setsockopt (fd, SOL_SOCKET, SO_TIMESTAMPING, &state->timestamping, sizeof (int));
  if (ipv6)
    setsockopt (fd, level, IPV6_MULTICAST_IF, &state->ipv6_interface, sizeof (int));
  else
    setsockopt (fd, level, IP_MULTICAST_IF, &state->ipv4_interface, sizeof state->ipv4_interface);
}

/* Configures, binds and connects a socket of mctx's own as @plan says. */
gboolean
_mctx_udp_socket_set_up_own (int                   fd,
                  MctxPublicationPlan  *plan,
                  GError              **error)
{
  return make_non_blocking (fd, error) &&
         configure_socket (fd, plan, plan->bind_address, error);
}

/* The same for a caller's socket, which is first checked and rehearsed
 * without being changed: a refused socket is handed back as it came. */
gboolean
_mctx_udp_socket_set_up_caller (int                   fd,
                     MctxPublicationPlan  *plan,
                     GError              **error)
{
  g_autoptr(GInetSocketAddress) bound = NULL;
  g_autoptr(GInetSocketAddress) rehearsal_bind = NULL;
  SocketState state;

  if (!check_socket (fd, plan, &bound, error))
    return FALSE;

  /* An already bound socket keeps its binding; its rehearsal binds the
   * same address on a port of its own. */
  if (bound != NULL)
    rehearsal_bind = _mctx_inet_socket_address_new (g_inet_socket_address_get_address (bound), 0,
                                                    plan->family == G_SOCKET_FAMILY_IPV6 ?
                                                    g_inet_socket_address_get_scope_id (bound) : 0);
  else if (plan->bind_address != NULL)
    rehearsal_bind = g_object_ref (plan->bind_address);

  if (!rehearse_setup (fd, plan, rehearsal_bind, error))
    return FALSE;

  socket_state_save (fd, plan->family, &state);
  if (!configure_socket (fd, plan, bound == NULL ? plan->bind_address : NULL, error) ||
      !make_non_blocking (fd, error))
    {
      socket_state_restore (fd, plan->family, &state);
      return FALSE;
    }

  return TRUE;
}

