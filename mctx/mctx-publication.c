/* mctx-publication.c: one ready-to-send multicast publication
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

#include "mctx-private.h"

/**
 * MctxPublication:
 *
 * One ready-to-send multicast destination: a non-blocking UDP socket that
 * is configured, bound and connected when the publication is created, so
 * that each send is a single system call. There is no join or leave on
 * the sending side.
 *
 * Publications are created by a [class@Mctx.Context], which gives each a
 * stable id. [method@Mctx.Context.take_publication] hands one over to the
 * caller; [method@Mctx.Publication.steal_socket] hands over its socket.
 *
 * Threads: sending from several threads at once is safe, and so is
 * removing, taking or stealing the publication's socket while other threads
 * send: the socket stays open until every send in flight has finished with
 * it, and later sends fail with %G_IO_ERROR_CLOSED. A datagram is only ever
 * sent through the publication's own socket. The borrowed socket and file
 * descriptor ([method@Mctx.Publication.get_socket],
 * [method@Mctx.Publication.get_fd]) carry no such guarantee: use them from
 * the thread that owns the publication. Metrics snapshots may be taken from
 * any thread.
 *
 * Since: 1.0
 */

struct _MctxPublication
{
  GObject parent_instance;

  guint id;
  MctxPublicationConfig *config;
  GSocket *socket;                  /* NULL once stolen or closed */
  MctxSocketGuard guard;            /* the socket's descriptor, -1 once gone */
  GInetSocketAddress *destination;
  GInetSocketAddress *local_address;
  guint ifindex;
  char *destination_text;           /* for messages, formatted once */
  GCancellable *detached;           /* cancelled when the socket goes */

  /* A shared, unconnected socket: where each datagram goes (to_len is 0
   * for a connected socket of its own), and its entry in the pool. */
  struct sockaddr_storage to;
  socklen_t to_len;
  char *pool_key;

#ifdef MCTX_ENABLE_METRICS
  /* Uncontended, a lock costs two atomic operations: cheaper than the
   * alternatives that keep the counters of one send together. */
  GMutex metrics_lock;
  MctxMetricsCounters counters;
#endif
};

static void mctx_publication_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MctxPublication, mctx_publication, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, mctx_publication_initable_init))

#define NOT_FROM_CONTEXT \
  _("A publication is created ready by its context: call Mctx.Context.add_publication()")

/* A publication is made ready by its context, which opens, binds and connects
 * its socket from a resolved configuration. Constructed any other way, as
 * a binding's `Mctx.Publication()` does (it initializes GInitables), it would
 * be an object without a socket: initialization refuses it instead. */
static gboolean
mctx_publication_initable_init_impl (GInitable     *initable,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  MctxPublication *self = MCTX_PUBLICATION (initable);

  if (g_atomic_int_get (&self->guard.fd) >= 0)
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, NOT_FROM_CONTEXT);
  return FALSE;
}

/* Why a publication without a socket cannot send: it lost it, or it never
 * came from a context at all. */
static void
set_closed_error (MctxPublication  *self,
                  GError          **error)
{
  if (self->destination_text == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, NOT_FROM_CONTEXT);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                 _("Publication %u to %s has no socket any more"),
                 self->id, self->destination_text);
}

static void
mctx_publication_initable_init (GInitableIface *iface)
{
  iface->init = mctx_publication_initable_init_impl;
}

enum {
  PROP_0,
  PROP_ID,
  PROP_CONFIG,
  PROP_DESTINATION,
  PROP_LOCAL_ADDRESS,
  PROP_INTERFACE_INDEX,
  PROP_SOCKET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mctx_publication_finalize (GObject *object)
{
  MctxPublication *self = MCTX_PUBLICATION (object);

  g_clear_object (&self->config);
  g_clear_object (&self->socket);
  g_clear_object (&self->destination);
  g_clear_object (&self->local_address);
  g_clear_pointer (&self->destination_text, g_free);
  g_clear_pointer (&self->pool_key, g_free);
  g_clear_object (&self->detached);
  _mctx_socket_guard_clear (&self->guard);
#ifdef MCTX_ENABLE_METRICS
  g_mutex_clear (&self->metrics_lock);
#endif

  G_OBJECT_CLASS (mctx_publication_parent_class)->finalize (object);
}

static void
mctx_publication_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MctxPublication *self = MCTX_PUBLICATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint (value, self->id);
      break;
    case PROP_CONFIG:
      g_value_take_object (value, mctx_publication_config_copy (self->config));
      break;
    case PROP_DESTINATION:
      g_value_set_object (value, self->destination);
      break;
    case PROP_LOCAL_ADDRESS:
      g_value_set_object (value, self->local_address);
      break;
    case PROP_INTERFACE_INDEX:
      g_value_set_uint (value, self->ifindex);
      break;
    case PROP_SOCKET:
      g_value_set_object (value, self->socket);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_publication_class_init (MctxPublicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _mctx_ensure_i18n ();

  object_class->finalize = mctx_publication_finalize;
  object_class->get_property = mctx_publication_get_property;

  /**
   * MctxPublication:id: (getter get_id)
   *
   * The id the context gave this publication, unique within the context
   * and never reused there.
   *
   * Since: 1.0
   */
  properties[PROP_ID] =
    g_param_spec_uint ("id", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublication:config:
   *
   * A copy of the configuration the publication was created from, new at
   * each read: changing it does not change the publication, nor what its
   * context considers a duplicate.
   *
   * Since: 1.0
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL,
                         MCTX_TYPE_PUBLICATION_CONFIG,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublication:destination: (getter get_destination)
   *
   * The group and port the socket is connected to. For interface-local and
   * link-local IPv6 groups its scope id is the interface index; for all
   * other groups it is 0.
   *
   * Since: 1.0
   */
  properties[PROP_DESTINATION] =
    g_param_spec_object ("destination", NULL, NULL,
                         G_TYPE_INET_SOCKET_ADDRESS,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublication:local-address: (getter get_local_address)
   *
   * The local address and port the socket is bound to, as the kernel
   * reported it after connecting: the source receivers see.
   *
   * Since: 1.0
   */
  properties[PROP_LOCAL_ADDRESS] =
    g_param_spec_object ("local-address", NULL, NULL,
                         G_TYPE_INET_SOCKET_ADDRESS,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublication:interface-index: (getter get_interface_index)
   *
   * The index of the interface the publication egresses through, or 0
   * when the kernel's routing chooses.
   *
   * Since: 1.0
   */
  properties[PROP_INTERFACE_INDEX] =
    g_param_spec_uint ("interface-index", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublication:socket: (getter get_socket)
   *
   * The publication's socket, or %NULL after
   * [method@Mctx.Publication.steal_socket] or removal from its context.
   *
   * Since: 1.0
   */
  properties[PROP_SOCKET] =
    g_param_spec_object ("socket", NULL, NULL,
                         G_TYPE_SOCKET,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mctx_publication_init (MctxPublication *self)
{
  _mctx_socket_guard_init (&self->guard, -1);
  self->detached = g_cancellable_new ();
#ifdef MCTX_ENABLE_METRICS
  g_mutex_init (&self->metrics_lock);
#endif
}

/* Counts one send call, whole: its packet and bytes, or its error. */
static inline void
count_send (MctxPublication *self,
            gssize           sent)
{
#ifdef MCTX_ENABLE_METRICS
  _mctx_mutex_lock (&self->metrics_lock);
  if (sent >= 0)
    {
      self->counters.packets_sent++;
      self->counters.bytes_sent += (guint64) sent;
    }
  else
    self->counters.send_errors++;
  _mctx_mutex_unlock (&self->metrics_lock);
#endif
}

static int
native_family (GSocketFamily family)
{
  return family == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
}

static GInetSocketAddress *
query_local_address (int      fd,
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

  bound = query_local_address (fd, error);
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
      !_mctx_socket_enable_recverr (fd, plan->family, error))
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
  if (ipv6)
    setsockopt (fd, level, IPV6_MULTICAST_IF, &state->ipv6_interface, sizeof (int));
  else
    setsockopt (fd, level, IP_MULTICAST_IF, &state->ipv4_interface, sizeof state->ipv4_interface);
}

/* Configures, binds and connects a socket of mctx's own as @plan says. */
static gboolean
setup_own_socket (int                   fd,
                  MctxPublicationPlan  *plan,
                  GError              **error)
{
  return make_non_blocking (fd, error) &&
         configure_socket (fd, plan, plan->bind_address, error);
}

/* The same for a caller's socket, which is first checked and rehearsed
 * without being changed: a refused socket is handed back as it came. */
static gboolean
setup_caller_socket (int                   fd,
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

static MctxPublication *
publication_new (guint                  id,
                 MctxPublicationConfig *config,
                 MctxPublicationPlan   *plan,
                 GSocket               *socket,
                 GError               **error)
{
  MctxPublication *self;
  GInetSocketAddress *local_address;
  int fd = g_socket_get_fd (socket);

  local_address = query_local_address (fd, error);
  if (local_address == NULL)
    return NULL;

  g_socket_set_blocking (socket, FALSE);

  self = g_object_new (MCTX_TYPE_PUBLICATION, NULL);
  self->id = id;
  self->config = mctx_publication_config_copy (config);
  self->socket = g_object_ref (socket);
  self->guard.fd = fd;
  self->destination = g_object_ref (plan->destination);
  self->local_address = local_address;
  self->ifindex = plan->ifindex;
  self->destination_text = _mctx_socket_address_to_string (G_SOCKET_ADDRESS (plan->destination));
  if (plan->shared)
    {
      self->to_len = (socklen_t) g_socket_address_get_native_size (G_SOCKET_ADDRESS (plan->destination));
      g_socket_address_to_native (G_SOCKET_ADDRESS (plan->destination), &self->to, sizeof self->to, NULL);
    }

  return self;
}

struct _MctxSocketPool
{
  GHashTable *sockets;      /* key → SharedSocket */
};

typedef struct {
  GSocket *socket;
  guint users;
} SharedSocket;

static void
shared_socket_free (gpointer data)
{
  SharedSocket *shared = data;

  /* The descriptor closes with the last publication that holds it. */
  g_object_unref (shared->socket);
  g_free (shared);
}

MctxSocketPool *
_mctx_socket_pool_new (void)
{
  MctxSocketPool *pool = g_new0 (MctxSocketPool, 1);

  pool->sockets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, shared_socket_free);
  return pool;
}

void
_mctx_socket_pool_free (MctxSocketPool *pool)
{
  if (pool == NULL)
    return;

  g_hash_table_unref (pool->sockets);
  g_free (pool);
}

guint
_mctx_socket_pool_get_size (MctxSocketPool *pool)
{
  return g_hash_table_size (pool->sockets);
}

/* A publication that shared a socket leaves the context. */
void
_mctx_socket_pool_release (MctxSocketPool  *pool,
                           MctxPublication *publication)
{
  SharedSocket *shared;

  if (publication->pool_key == NULL)
    return;

  shared = g_hash_table_lookup (pool->sockets, publication->pool_key);
  if (shared != NULL && --shared->users == 0)
    g_hash_table_remove (pool->sockets, publication->pool_key);
}

/* What publications must agree on to share a socket: everything the socket
 * is set up with. */
static char *
socket_key (MctxPublicationPlan *plan)
{
  g_autofree char *bind = plan->bind_address != NULL ?
    _mctx_socket_address_to_string (G_SOCKET_ADDRESS (plan->bind_address)) : g_strdup ("-");
  g_autofree char *interface = plan->ipv4_interface != NULL ?
    g_inet_address_to_string (plan->ipv4_interface) : g_strdup ("-");

  return g_strdup_printf ("%d %s %u %s %u %d %u %u", plan->family, bind, plan->ifindex, interface,
                          plan->ttl, plan->loopback, plan->traffic_class, plan->send_buffer_size);
}

/* A publication on its pool's socket for @plan, made when there is none. */
static MctxPublication *
publication_new_shared (guint                  id,
                        MctxPublicationConfig *config,
                        MctxPublicationPlan   *plan,
                        MctxSocketPool        *pool,
                        GError               **error)
{
  g_autofree char *key = socket_key (plan);
  SharedSocket *shared = g_hash_table_lookup (pool->sockets, key);
  MctxPublication *self;

  if (shared == NULL)
    {
      GSocket *socket = g_socket_new (plan->family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);

      if (socket == NULL)
        return NULL;
      if (!setup_own_socket (g_socket_get_fd (socket), plan, error))
        {
          g_object_unref (socket);
          return NULL;
        }
      shared = g_new0 (SharedSocket, 1);
      shared->socket = socket;
      g_hash_table_insert (pool->sockets, g_strdup (key), shared);
    }

  self = publication_new (id, config, plan, shared->socket, error);
  if (self == NULL)
    {
      if (shared->users == 0)
        g_hash_table_remove (pool->sockets, key);
      return NULL;
    }

  shared->users++;
  self->pool_key = g_steal_pointer (&key);
  return self;
}

/* Creates a publication with a socket of its own, or, when @socket is given,
 * with that caller-provided socket. */
MctxPublication *
_mctx_publication_new (guint                  id,
                       MctxPublicationConfig *config,
                       GSocket               *socket,
                       MctxInterfaceCache    *interfaces,
                       MctxSocketPool        *pool,
                       GError               **error)
{
  MctxPublicationPlan plan;
  g_autoptr(GSocket) own_socket = NULL;
  MctxPublication *self = NULL;

  if (!_mctx_publication_plan_resolve (&plan, config, interfaces, error))
    return NULL;

  if (plan.shared && (socket != NULL || pool == NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Only sockets of mctx's own can be shared: unset shared-socket to send through this one"));
      goto out;
    }
  if (plan.shared)
    {
      self = publication_new_shared (id, config, &plan, pool, error);
      goto out;
    }

  if (socket == NULL)
    {
      own_socket = g_socket_new (plan.family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
      if (own_socket == NULL ||
          !setup_own_socket (g_socket_get_fd (own_socket), &plan, error))
        goto out;
      socket = own_socket;
    }
  else if (!setup_caller_socket (g_socket_get_fd (socket), &plan, error))
    goto out;

  self = publication_new (id, config, &plan, socket, error);

out:
  _mctx_publication_plan_clear (&plan);
  return self;
}

/* Like _mctx_publication_new() with a caller-provided file descriptor,
 * which the publication owns on success and the caller keeps on failure. */
MctxPublication *
_mctx_publication_new_for_fd (guint                  id,
                              MctxPublicationConfig *config,
                              int                    fd,
                              MctxInterfaceCache    *interfaces,
                              GError               **error)
{
  MctxPublicationPlan plan;
  g_autoptr(GSocket) socket = NULL;
  MctxPublication *self = NULL;

  if (!_mctx_publication_plan_resolve (&plan, config, interfaces, error))
    return NULL;

  if (plan.shared)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Only sockets of mctx's own can be shared: unset shared-socket to send through this one"));
      _mctx_publication_plan_clear (&plan);
      return NULL;
    }

  /* Everything that can fail happens on the bare descriptor: once a GSocket
   * wraps it, dropping the GSocket would close the caller's descriptor. */
  if (setup_caller_socket (fd, &plan, error))
    {
      socket = g_socket_new_from_fd (fd, error);
      if (socket != NULL)
        self = publication_new (id, config, &plan, socket, error);
    }

  _mctx_publication_plan_clear (&plan);
  return self;
}

/**
 * mctx_publication_get_id: (get-property id)
 * @self: a publication
 *
 * Gets the id the context gave this publication.
 *
 * Returns: the id
 *
 * Since: 1.0
 */
guint
mctx_publication_get_id (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), 0);

  return self->id;
}

/**
 * mctx_publication_dup_config:
 * @self: a publication
 *
 * Gets a copy of the configuration the publication was created from. The
 * publication keeps its own: changing the copy changes nothing about the
 * publication.
 *
 * Returns: (transfer full): a new copy of the configuration
 *
 * Since: 1.0
 */
MctxPublicationConfig *
mctx_publication_dup_config (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  return mctx_publication_config_copy (self->config);
}

/* The publication's own configuration, for the context's duplicate check:
 * never handed out, so never changed behind the check's back. */
MctxPublicationConfig *
_mctx_publication_get_config (MctxPublication *self)
{
  return self->config;
}

/**
 * mctx_publication_get_destination: (get-property destination)
 * @self: a publication
 *
 * Gets the group and port the publication sends to, with its scope id.
 *
 * Returns: (transfer none): the destination
 *
 * Since: 1.0
 */
GInetSocketAddress *
mctx_publication_get_destination (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  return self->destination;
}

/**
 * mctx_publication_get_local_address: (get-property local-address)
 * @self: a publication
 *
 * Gets the local address and port the publication's socket is bound to.
 *
 * Returns: (transfer none): the local socket address
 *
 * Since: 1.0
 */
GInetSocketAddress *
mctx_publication_get_local_address (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  return self->local_address;
}

/**
 * mctx_publication_get_interface_index: (get-property interface-index)
 * @self: a publication
 *
 * Gets the index of the interface the publication egresses through.
 *
 * Returns: the interface index, or 0 when routing chooses
 *
 * Since: 1.0
 */
guint
mctx_publication_get_interface_index (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), 0);

  return self->ifindex;
}

/**
 * mctx_publication_get_socket: (get-property socket)
 * @self: a publication
 *
 * Borrows the publication's socket, for polling it in an event loop or for
 * reading its options. It stays owned by the publication. A shared socket
 * is not connected, and other publications send through it too.
 *
 * Returns: (transfer none) (nullable): the socket, or %NULL once stolen or
 *   closed
 *
 * Since: 1.0
 */
GSocket *
mctx_publication_get_socket (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  return self->socket;
}

/**
 * mctx_publication_get_fd:
 * @self: a publication
 *
 * Borrows the file descriptor of the publication's socket. It stays owned
 * by the publication: do not close it.
 *
 * Returns: the file descriptor, or -1 once the socket is stolen or closed
 *
 * Since: 1.0
 */
int
mctx_publication_get_fd (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), -1);

  return _mctx_socket_guard_peek (&self->guard);
}

/* Takes the socket away: sends in flight finish first, later ones fail
 * with G_IO_ERROR_CLOSED, and anything waiting on it wakes. */
static GSocket *
detach_socket (MctxPublication *self)
{
  GSocket *socket;

  /* Waits for the sends in flight; later ones see no descriptor. */
  if (_mctx_socket_guard_detach (&self->guard) < 0)
    return NULL;
  socket = g_steal_pointer (&self->socket);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOCKET]);

  /* Wakes sources and sends waiting on this socket, so they end cleanly. */
  g_cancellable_cancel (self->detached);

  return socket;
}

/**
 * mctx_publication_steal_socket:
 * @self: a publication
 *
 * Takes the socket out of the publication: the caller owns it afterwards,
 * still configured and connected, and the publication can no longer send
 * (its sends fail with %G_IO_ERROR_CLOSED). Sends in flight on other
 * threads finish first.
 *
 * A shared socket ([property@Mctx.UdpPublicationConfig:shared-socket]) cannot
 * be stolen: other publications send through it.
 *
 * Returns: (transfer full) (nullable): the socket, or %NULL if it was
 *   already stolen or closed, or is shared
 *
 * Since: 1.0
 */
GSocket *
mctx_publication_steal_socket (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  /* Other publications send through a shared socket. */
  if (self->pool_key != NULL)
    return NULL;

  return detach_socket (self);
}

/* Empties the socket's error queue, for a source that woke with G_IO_ERR. */
void
_mctx_publication_drain_errors (MctxPublication *self)
{
  int fd = _mctx_socket_guard_acquire (&self->guard);

  if (fd < 0)
    return;

  _mctx_socket_drain_errors (fd);
  _mctx_socket_guard_release (&self->guard);
}

GCancellable *
_mctx_publication_get_detached (MctxPublication *self)
{
  return self->detached;
}

const char *
_mctx_publication_get_destination_text (MctxPublication *self)
{
  return self->destination_text;
}

/* Closes the socket of a publication its context dropped, so that anyone
 * still holding the publication gets a clear error instead of a send. */
void
_mctx_publication_close (MctxPublication *self)
{
  g_autoptr(GSocket) socket = detach_socket (self);

  /* A shared socket closes with the last publication that holds it. */
  if (socket != NULL && self->pool_key == NULL)
    g_socket_close (socket, NULL);
}

/* Where each datagram goes: NULL on a connected socket of its own. */
static inline const struct sockaddr *
destination (MctxPublication *self)
{
  return self->to_len != 0 ? (const struct sockaddr *) &self->to : NULL;
}

/**
 * mctx_publication_send:
 * @self: a publication
 * @data: (array length=len) (element-type guint8): the payload
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Sends one datagram to the publication's group, as g_socket_send() does:
 * it returns the number of bytes sent and allocates nothing, one `send()`
 * system call on the fast path. [method@Mctx.Publication.send_with_report]
 * also says where the datagram went and from which address.
 *
 * When the socket's send buffer is full, it fails at once with
 * %G_IO_ERROR_WOULD_BLOCK; it never blocks. Other failures of the
 * operating system are reported in the %G_IO_ERROR domain, naming the
 * destination.
 *
 * A datagram counts as sent only when it has left the socket layer: one
 * that the kernel's queueing layer drops (a full queue on the interface,
 * `ENOBUFS`) fails the send with %G_IO_ERROR_NO_SPACE. Errors the kernel queued about earlier
 * datagrams are discarded, never reported against this one.
 *
 * Returns: the number of bytes sent, or -1 with @error set
 *
 * Since: 1.0
 */
gssize
mctx_publication_send (MctxPublication  *self,
                       const guint8     *data,
                       gsize             len,
                       GError          **error)
{
  int fd, saved_errno = 0;
  gssize sent;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), -1);
  g_return_val_if_fail (data != NULL || len == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  fd = _mctx_socket_guard_acquire (&self->guard);
  if (G_UNLIKELY (fd < 0))
    {
      count_send (self, -1);
      set_closed_error (self, error);
      return -1;
    }

  sent = _mctx_socket_send (fd, data, len, destination (self), self->to_len, &saved_errno);
  _mctx_socket_guard_release (&self->guard);

  if (G_UNLIKELY (sent < 0))
    {
      count_send (self, -1);
      _mctx_set_io_error (error, saved_errno, _("Could not send to %s"), self->destination_text);
      return -1;
    }

  count_send (self, sent);
  return sent;
}

/* The largest UDP payload of one send: a 65535-byte IPv4 datagram less
 * its headers. Segmented sends stay within it, and within the kernel's
 * 64 segments per send. */
#define MAX_UDP_PAYLOAD (65535 - 20 - 8)
#define MAX_SEGMENTS 64

static void
count_batch (MctxPublication *self,
             guint            packets,
             guint64          bytes)
{
#ifdef MCTX_ENABLE_METRICS
  _mctx_mutex_lock (&self->metrics_lock);
  self->counters.packets_sent += packets;
  self->counters.bytes_sent += bytes;
  _mctx_mutex_unlock (&self->metrics_lock);
#endif
}

/* Sends @n_datagrams on the held descriptor in chunks of sendmmsg(): how
 * many went, or -1 with *saved_errno when the first did not. */
static gint
send_vectors (int                    fd,
              const struct sockaddr *to,
              socklen_t              to_len,
              const GOutputVector   *datagrams,
              guint                  n_datagrams,
              guint64               *bytes,
              int                   *saved_errno)
{
  struct mmsghdr messages[MCTX_BATCH_MAX];
  struct iovec parts[MCTX_BATCH_MAX];
  guint done = 0;

  while (done < n_datagrams)
    {
      guint chunk = MIN (n_datagrams - done, MCTX_BATCH_MAX);
      int sent;

      for (guint i = 0; i < chunk; i++)
        {
          parts[i] = (struct iovec) { .iov_base = (void *) datagrams[done + i].buffer,
                                      .iov_len = datagrams[done + i].size };
          messages[i] = (struct mmsghdr) {
            .msg_hdr = { .msg_name = (void *) to, .msg_namelen = to_len, .msg_iov = &parts[i], .msg_iovlen = 1 },
          };
        }

      sent = _mctx_socket_send_messages (fd, messages, chunk, saved_errno);
      if (sent < 0)
        break;
      for (int i = 0; i < sent; i++)
        *bytes += messages[i].msg_len;
      done += (guint) sent;
      /* A short count: the next datagram would block or fail. Trying it
       * again tells which; a failure after some went is left for the
       * caller's next call, which reports it. */
    }

  return done == 0 && n_datagrams > 0 ? -1 : (gint) done;
}

/**
 * mctx_publication_send_batch: (skip)
 * @self: a publication
 * @datagrams: (array length=n_datagrams): the payloads, one vector per
 *   datagram
 * @n_datagrams: the number of datagrams, at most %G_MAXINT
 * @error: return location for a #GError
 *
 * Sends many datagrams to the publication's group in as few system calls
 * as the kernel allows (`sendmmsg()`, 64 datagrams per call), as
 * g_socket_send_messages() does for a #GSocket. Each datagram is counted
 * in the metrics.
 *
 * When the send buffer fills, it stops there and returns how many went;
 * if none did, it fails with %G_IO_ERROR_WOULD_BLOCK. A failure after some
 * datagrams went also ends the call with their count, and the next call,
 * starting at the first datagram that did not go, reports it. It never
 * blocks, and allocates nothing.
 *
 * Returns: the number of datagrams sent, or -1 with @error set
 *
 * Since: 1.0
 */
gint
mctx_publication_send_batch (MctxPublication      *self,
                             const GOutputVector  *datagrams,
                             guint                 n_datagrams,
                             GError              **error)
{
  guint64 bytes = 0;
  int fd, saved_errno = 0;
  gint sent;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), -1);
  g_return_val_if_fail (datagrams != NULL || n_datagrams == 0, -1);
  g_return_val_if_fail (n_datagrams <= G_MAXINT, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  fd = _mctx_socket_guard_acquire (&self->guard);
  if (G_UNLIKELY (fd < 0))
    {
      count_send (self, -1);
      set_closed_error (self, error);
      return -1;
    }

  sent = send_vectors (fd, destination (self), self->to_len, datagrams, n_datagrams, &bytes, &saved_errno);
  _mctx_socket_guard_release (&self->guard);

  if (G_UNLIKELY (sent < 0))
    {
      count_send (self, -1);
      _mctx_set_io_error (error, saved_errno, _("Could not send to %s"), self->destination_text);
      return -1;
    }

  count_batch (self, (guint) sent, bytes);
  return sent;
}

static gint
send_chunk (gpointer              target,
            guint                 first G_GNUC_UNUSED,
            const GOutputVector  *vectors,
            guint                 count,
            GError              **error)
{
  return mctx_publication_send_batch (target, vectors, count, error);
}

typedef struct {
  const guint8 *data;
  const gsize *sizes;
  gsize offset;
} Packed;

static void
fill_from_packed (gpointer       data,
                  guint          first,
                  guint          count,
                  GOutputVector *vectors)
{
  Packed *packed = data;

  for (guint i = 0; i < count; i++)
    {
      vectors[i] = (GOutputVector) { packed->data + packed->offset, packed->sizes[first + i] };
      packed->offset += packed->sizes[first + i];
    }
}

/**
 * mctx_publication_send_bytes_batch:
 * @self: a publication
 * @datagrams: (array length=n_datagrams): the payloads
 * @n_datagrams: the number of datagrams
 * @error: return location for a #GError
 *
 * Sends many datagrams as mctx_publication_send_batch() does, from
 * #GBytes: the form for bindings, where Python passes a list of bytes-like
 * objects (`publication.send_batch([…])`) and JavaScript an array of
 * `GLib.Bytes`.
 *
 * Returns: the number of datagrams sent, or -1 with @error set
 *
 * Since: 1.0
 */
gint
mctx_publication_send_bytes_batch (MctxPublication  *self,
                                   GBytes *const    *datagrams,
                                   guint             n_datagrams,
                                   GError          **error)
{
  g_return_val_if_fail (datagrams != NULL || n_datagrams == 0, -1);

  return _mctx_send_in_chunks (self, send_chunk, n_datagrams, _mctx_fill_chunk_from_bytes, (gpointer) datagrams, error);
}

/**
 * mctx_publication_send_packed:
 * @self: a publication
 * @data: (array length=len) (element-type guint8): the payloads, back to
 *   back
 * @len: the size of @data
 * @sizes: (array length=n_datagrams): the size of each payload, in order
 * @n_datagrams: the number of datagrams
 * @error: return location for a #GError
 *
 * Sends datagrams of any sizes packed back to back in one buffer, as
 * mctx_publication_send_batch() does: the form that costs a binding one
 * buffer and one list of sizes instead of an object per datagram (Python's
 * `publication.send_batch([…])` joins its list into one). The sizes must
 * add up to @len, or it fails with %G_IO_ERROR_INVALID_ARGUMENT.
 *
 * Returns: the number of datagrams sent, or -1 with @error set
 *
 * Since: 1.0
 */
gint
mctx_publication_send_packed (MctxPublication  *self,
                              const guint8     *data,
                              gsize             len,
                              const gsize      *sizes,
                              guint             n_datagrams,
                              GError          **error)
{
  Packed packed = { data, sizes, 0 };
  gsize total = 0;

  g_return_val_if_fail (data != NULL || len == 0, -1);
  g_return_val_if_fail (sizes != NULL || n_datagrams == 0, -1);

  for (guint i = 0; i < n_datagrams; i++)
    {
      if (sizes[i] > len - total)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The datagram sizes add up to more than the %llu bytes given"), (unsigned long long) len);
          return -1;
        }
      total += sizes[i];
    }
  if (total != len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The datagram sizes add up to %llu bytes, not the %llu given"),
                   (unsigned long long) total, (unsigned long long) len);
      return -1;
    }

  return _mctx_send_in_chunks (self, send_chunk, n_datagrams, fill_from_packed, &packed, error);
}

/* Sends a run of datagrams for publications that share one socket (or are
 * one publication), each to its own group, in one sendmmsg(): how many
 * went, or -1 with @error. Counts each in its publication's metrics. */
gint
_mctx_publication_send_run (MctxPublication     **publications,
                            const GOutputVector  *datagrams,
                            guint                 n,
                            GError              **error)
{
  struct mmsghdr messages[MCTX_BATCH_MAX];
  struct iovec parts[MCTX_BATCH_MAX];
  MctxPublication *held[MCTX_BATCH_MAX];
  guint n_held = 0, usable = 0;
  int fd = -1, saved_errno = 0;
  gint sent = -1;

  g_return_val_if_fail (n <= MCTX_BATCH_MAX, -1);

  /* Each publication's guard is held once, however often it appears; the
   * run ends before one that lost its socket. */
  for (; usable < n; usable++)
    {
      MctxPublication *publication = publications[usable];
      gboolean seen = FALSE;

      for (guint k = 0; k < n_held && !seen; k++)
        seen = held[k] == publication;
      if (!seen)
        {
          int held_fd = _mctx_socket_guard_acquire (&publication->guard);

          if (held_fd < 0)
            break;
          held[n_held++] = publication;
          fd = held_fd;
        }

      parts[usable] = (struct iovec) { (void *) datagrams[usable].buffer, datagrams[usable].size };
      messages[usable] = (struct mmsghdr) {
        .msg_hdr = {
          .msg_name = (void *) destination (publication),
          .msg_namelen = publication->to_len,
          .msg_iov = &parts[usable],
          .msg_iovlen = 1,
        },
      };
    }

  if (usable > 0)
    sent = _mctx_socket_send_messages (fd, messages, usable, &saved_errno);
  for (guint k = 0; k < n_held; k++)
    _mctx_socket_guard_release (&held[k]->guard);

  if (sent < 0)
    {
      count_send (publications[0], -1);
      if (usable == 0)
        set_closed_error (publications[0], error);
      else
        _mctx_set_io_error (error, saved_errno, _("Could not send to %s"), publications[0]->destination_text);
      return -1;
    }

  for (gint i = 0; i < sent; i++)
    count_batch (publications[i], 1, messages[i].msg_len);
  return sent;
}

/* Whether datagrams for @a and @b can go in one run. */
gboolean
_mctx_publication_shares_socket (MctxPublication *a,
                                 MctxPublication *b)
{
  return a == b || (a->pool_key != NULL && b->pool_key != NULL && a->socket != NULL && a->socket == b->socket);
}

/**
 * mctx_publication_send_segmented:
 * @self: a publication
 * @data: (array length=len) (element-type guint8): the payloads, back to
 *   back
 * @len: the size of @data
 * @segment_size: the size of each datagram's payload; the last one may be
 *   shorter
 * @error: return location for a #GError
 *
 * Cuts @data into datagrams of @segment_size bytes and sends them to the
 * publication's group. Where the kernel segments UDP (`UDP_SEGMENT`,
 * Linux 4.18, detected once), it takes up to 64 datagrams and 64 KiB in
 * one system call, the cheapest way to send many; elsewhere the datagrams
 * go through mctx_publication_send_batch(). A segment the kernel
 * segments must fit the interface's MTU, or the send fails with
 * %G_IO_ERROR_MESSAGE_TOO_LARGE (or %G_IO_ERROR_INVALID_ARGUMENT, as the
 * kernel says), naming the MTU; a segment size of 0 or above 65507 bytes
 * fails with %G_IO_ERROR_INVALID_ARGUMENT. Each datagram is counted in the
 * metrics.
 *
 * When the send buffer fills, it stops and returns how many datagrams
 * went; if none did, it fails with %G_IO_ERROR_WOULD_BLOCK. It never
 * blocks.
 *
 * A segmented send is one packet for the queueing layer, dropped or queued
 * whole, and reported as such. A queueing discipline that cuts it up again
 * can drop some of its datagrams without the send failing, and they are
 * counted as sent: `tbf`, when the send is larger than its burst, does. In
 * that test, 40 datagrams were reported sent while `tbf` dropped 38. Where
 * every drop must be seen, use mctx_publication_send_batch().
 *
 * Returns: the number of datagrams sent, or -1 with @error set
 *
 * Since: 1.0
 */
gint
mctx_publication_send_segmented (MctxPublication  *self,
                                 const guint8     *data,
                                 gsize             len,
                                 gsize             segment_size,
                                 GError          **error)
{
  gsize per_send, offset = 0;
  guint64 bytes = 0;
  guint done = 0;
  int fd, saved_errno = 0;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), -1);
  g_return_val_if_fail (data != NULL || len == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (segment_size == 0 || segment_size > MAX_UDP_PAYLOAD)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Invalid segment size %llu: it must be between 1 and %d bytes"),
                   (unsigned long long) segment_size, MAX_UDP_PAYLOAD);
      return -1;
    }
  if ((len + segment_size - 1) / segment_size > G_MAXINT)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Too many segments for one call"));
      return -1;
    }

  fd = _mctx_socket_guard_acquire (&self->guard);
  if (G_UNLIKELY (fd < 0))
    {
      count_send (self, -1);
      set_closed_error (self, error);
      return -1;
    }

  per_send = MIN (MAX_SEGMENTS, MAX_UDP_PAYLOAD / segment_size) * segment_size;
  while (offset < len)
    {
      gsize chunk = MIN (per_send, len - offset);
      guint segments = (guint) ((chunk + segment_size - 1) / segment_size);
      gssize sent;

      if (segments > 1 && _mctx_socket_can_segment ())
        {
          sent = _mctx_socket_send_segmented (fd, data + offset, chunk, (guint16) segment_size,
                                              destination (self), self->to_len, &saved_errno);
          if (sent < 0)
            break;
        }
      else
        {
          GOutputVector vectors[MAX_SEGMENTS];
          guint64 chunk_bytes = 0;
          gint went;

          for (guint i = 0; i < segments; i++)
            {
              vectors[i].buffer = data + offset + i * segment_size;
              vectors[i].size = MIN (segment_size, chunk - i * segment_size);
            }
          went = send_vectors (fd, destination (self), self->to_len, vectors, segments, &chunk_bytes, &saved_errno);
          if (went < 0)
            break;
          if ((guint) went < segments)
            {
              done += (guint) went;
              bytes += chunk_bytes;
              break;
            }
          sent = (gssize) chunk_bytes;
        }

      done += segments;
      bytes += (guint64) sent;
      offset += chunk;
    }
  _mctx_socket_guard_release (&self->guard);

  if (done == 0 && len > 0)
    {
      count_send (self, -1);
      /* Kernels refuse segments beyond the MTU with one or the other. */
      if (saved_errno == EINVAL || saved_errno == EMSGSIZE)
        g_set_error (error, G_IO_ERROR, _mctx_io_error_from_errno (saved_errno),
                     _("Could not send segments of %llu bytes to %s: a segment must fit the interface’s MTU"),
                     (unsigned long long) segment_size, self->destination_text);
      else
        _mctx_set_io_error (error, saved_errno, _("Could not send to %s"), self->destination_text);
      return -1;
    }

  count_batch (self, done, bytes);
  return (gint) done;
}

/**
 * mctx_publication_send_with_report:
 * @self: a publication
 * @data: (array length=len) (element-type guint8): the payload
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Sends one datagram as [method@Mctx.Publication.send] does, and reports
 * what it did: the destination with its scope id, the local address the
 * datagram left from, and the bytes sent. The report costs an allocation.
 *
 * Returns: (transfer full): what the send did, or %NULL with @error set
 *
 * Since: 1.0
 */
MctxSendReport *
mctx_publication_send_with_report (MctxPublication  *self,
                                   const guint8     *data,
                                   gsize             len,
                                   GError          **error)
{
  gssize sent = mctx_publication_send (self, data, len, error);

  if (sent < 0)
    return NULL;

  return _mctx_send_report_new (self->id, self->destination, self->local_address, (gsize) sent);
}

/**
 * mctx_publication_send_bytes:
 * @self: a publication
 * @bytes: the payload
 * @error: return location for a #GError
 *
 * Sends the contents of @bytes as one datagram; see
 * [method@Mctx.Publication.send].
 *
 * Returns: the number of bytes sent, or -1 with @error set
 *
 * Since: 1.0
 */
gssize
mctx_publication_send_bytes (MctxPublication  *self,
                             GBytes           *bytes,
                             GError          **error)
{
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (bytes != NULL, -1);

  data = g_bytes_get_data (bytes, &len);
  return mctx_publication_send (self, data != NULL ? data : (const guint8 *) "", len, error);
}

/**
 * mctx_publication_get_announce_tuple:
 * @self: a publication
 * @source: (out) (transfer full) (optional): the source address on the wire
 * @group: (out) (transfer full) (optional): the group
 * @port: (out) (optional): the destination UDP port
 * @error: return location for a #GError
 *
 * Gets the `(source, group, udp-port)` tuple that announcements of this
 * stream carry (for example in SAP/SDP), and that SSM receivers subscribe
 * to.
 *
 * Returns: %TRUE on success, %FALSE with %MCTX_ERROR_NO_SOURCE_ADDRESS if
 *   the socket is not bound to a specific source address
 *
 * Since: 1.0
 */
gboolean
mctx_publication_get_announce_tuple (MctxPublication  *self,
                                     GInetAddress    **source,
                                     GInetAddress    **group,
                                     guint16          *port,
                                     GError          **error)
{
  GInetAddress *local;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  local = g_inet_socket_address_get_address (self->local_address);
  if (g_inet_address_get_is_any (local))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_NO_SOURCE_ADDRESS,
                   _("Publication %u to %s is not bound to a specific source address"),
                   self->id, self->destination_text);
      return FALSE;
    }

  if (source != NULL)
    *source = g_object_ref (local);
  if (group != NULL)
    *group = g_object_ref (g_inet_socket_address_get_address (self->destination));
  if (port != NULL)
    *port = g_inet_socket_address_get_port (self->destination);

  return TRUE;
}

#ifdef MCTX_ENABLE_METRICS
void
_mctx_publication_read_counters (MctxPublication     *self,
                                 MctxMetricsCounters *counters)
{
  _mctx_mutex_lock (&self->metrics_lock);
  *counters = self->counters;
  _mctx_mutex_unlock (&self->metrics_lock);
}
#endif

/**
 * mctx_publication_snapshot_metrics:
 * @self: a publication
 *
 * Captures the publication's send counters, cumulative over its lifetime:
 * send calls, packets and bytes sent, and failed sends. Safe while other
 * threads send: each send is seen whole.
 *
 * Returns: (transfer full) (nullable): a snapshot, or %NULL when this mctx
 *   counts nothing (built with `-Dmetrics=disabled`; see %MCTX_HAS_METRICS)
 *
 * Since: 1.0
 */
MctxMetricsSnapshot *
mctx_publication_snapshot_metrics (MctxPublication *self)
{
#ifdef MCTX_ENABLE_METRICS
  MctxMetricsCounters counters;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  _mctx_publication_read_counters (self, &counters);
  return _mctx_metrics_snapshot_new (MCTX_METRICS_KIND_PUBLICATION, self->id,
                                     g_get_real_time (), g_get_monotonic_time (),
                                     &counters, 0, 0, 0);
#else
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  return NULL;
#endif
}
