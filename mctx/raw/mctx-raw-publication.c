/* mctx-raw-publication.c: a socket that sends complete IP datagrams
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "mctx-raw-private.h"

/**
 * MctxRawPublication:
 *
 * Sends complete, caller-built IP datagrams, so that receivers see the
 * original source and group: the AMT-style forwarding case. Every datagram
 * is checked first ([method@Mctx.RawPublicationConfig.validate_datagram]);
 * the raw path never falls back to UDP.
 *
 * IPv4 datagrams go through an `IP_HDRINCL` raw socket: the kernel routes
 * them (or sends them through the configured interface) and fills in only
 * what the header leaves zero.
 *
 * IPv6 datagrams are handed to the link layer through an `AF_PACKET`
 * socket on an Ethernet-like interface, addressed to the group's
 * `33:33:…` MAC address. The kernel's IPv6 stack never touches them, so the
 * receiver sees the supplied header byte for byte — a source that is not
 * this host's, the traffic class, flow label, hop limit and extension
 * headers. Raw IPv6 sockets cannot promise that: they insert or rewrite
 * parts of the header and refuse foreign sources.
 *
 * A control publication ([property@Mctx.RawPublicationConfig:mode]) sends
 * datagrams of any protocol, to unicast or multicast destinations, through
 * a raw socket of its family with the header included (`IP_HDRINCL`,
 * `IPV6_HDRINCL`), pinned to its interface with `SO_BINDTOIFINDEX`: the
 * kernel resolves the next hop on that interface and sends the datagram
 * as given, whatever its routes say.
 *
 * Raw sockets need `CAP_NET_RAW`; without it, creating a publication fails
 * with %G_IO_ERROR_PERMISSION_DENIED naming the privilege.
 *
 * Threads: sends from several threads at once are safe, and so is removing
 * the publication from its context while other threads send: its socket
 * stays open until the sends in flight have finished with it, and later
 * sends fail with %G_IO_ERROR_CLOSED. A datagram the interface's queue
 * drops fails its send (`ENOBUFS`); it is never reported sent.
 *
 * See also: [Raw datagram transmit](raw.html).
 *
 * Since: 1.0
 */
struct _MctxRawPublication
{
  MctxPublication parent_instance;

  int fd;                   /* while opening; then the base's socket */
  MctxPublicationConfig *config;  /* (unowned) while opening */
  GSocketFamily family;
  gboolean control;
  gboolean any_destination;
  gboolean loopback;
  guint ifindex;            /* 0: routed (IPv4) or route-selected (IPv6) */
  int ttl;                  /* -1: the datagrams' own */

  /* Route-selected IPv6: group → interface, dropped on any route change or
   * failed send. */
  GMutex route_lock;
  GHashTable *routes;
  int route_monitor;
};

G_DEFINE_FINAL_TYPE (MctxRawPublication, mctx_raw_publication, MCTX_TYPE_PUBLICATION)

static gssize raw_send_one (MctxPublication  *publication,
                            int               fd,
                            const guint8     *data,
                            gsize             len,
                            GError          **error);
static gint raw_send_messages (MctxPublication  *publication,
                               int               fd,
                               GOutputMessage   *messages,
                               guint             n_messages,
                               MctxSendFlags     flags,
                               guint64          *bytes,
                               GError          **error);
static MctxSendReport *raw_report (MctxPublication *publication,
                                   const guint8    *data,
                                   gsize            len,
                                   gsize            bytes_sent);

static void
mctx_raw_publication_finalize (GObject *object)
{
  MctxRawPublication *self = MCTX_RAW_PUBLICATION (object);

  g_clear_pointer (&self->routes, g_hash_table_unref);
  if (self->route_monitor >= 0)
    close (self->route_monitor);
  g_mutex_clear (&self->route_lock);

  G_OBJECT_CLASS (mctx_raw_publication_parent_class)->finalize (object);
}

static void
mctx_raw_publication_class_init (MctxRawPublicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MctxPublicationClass *publication_class = MCTX_PUBLICATION_CLASS (klass);

  _mctx_ensure_i18n ();

  object_class->finalize = mctx_raw_publication_finalize;

  publication_class->send_one = raw_send_one;
  publication_class->send_messages = raw_send_messages;
  publication_class->report = raw_report;
}

static void
mctx_raw_publication_init (MctxRawPublication *self)
{
  self->fd = -1;
  self->route_monitor = -1;
  g_mutex_init (&self->route_lock);
}

gboolean
_mctx_raw_set_socket_error (GError            **error,
                            int                 saved_errno,
                            MctxRawSocketKind   kind)
{
  /* Whole sentences for each socket, for the translators. */
  if (saved_errno == EPERM || saved_errno == EACCES)
    {
      const char *message;

      if (kind == MCTX_RAW_SOCKET_PACKET)
        message = _("Permission denied: opening a packet socket needs the CAP_NET_RAW privilege (or root)");
      else if (kind == MCTX_RAW_SOCKET_IPV6)
        message = _("Permission denied: opening an IPv6 raw socket needs the CAP_NET_RAW privilege (or root)");
      else
        message = _("Permission denied: opening an IPv4 raw socket needs the CAP_NET_RAW privilege (or root)");
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, message);
    }
  else if (kind == MCTX_RAW_SOCKET_PACKET)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Could not open a packet socket: %s"), g_strerror (saved_errno));
  else if (kind == MCTX_RAW_SOCKET_IPV6)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Could not open an IPv6 raw socket: %s"), g_strerror (saved_errno));
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Could not open an IPv4 raw socket: %s"), g_strerror (saved_errno));
  return FALSE;
}

#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif

/* Departure timestamps, when the configuration asks for them. */
static gboolean
enable_timestamps (MctxRawPublication  *self,
                   int                  fd,
                   GError             **error)
{
  return !mctx_publication_config_get_departure_timestamps (self->config) ||
         _mctx_socket_enable_timestamps (fd, error);
}

/* Every datagram leaves through @ifindex, whatever the routes say. */
static gboolean
pin_interface (int      fd,
               guint    ifindex,
               GError **error)
{
  int index = (int) ifindex;
  char name[IF_NAMESIZE];

  if (setsockopt (fd, SOL_SOCKET, SO_BINDTOIFINDEX, &index, sizeof index) == 0)
    return TRUE;
  /* Kernels before 5.0 only know the device by name. */
  if (errno == ENOPROTOOPT && if_indextoname (ifindex, name) != NULL)
    return _mctx_set_socket_option (fd, SOL_SOCKET, SO_BINDTODEVICE, name, (socklen_t) strlen (name),
                                    "SO_BINDTODEVICE", error);
  return _mctx_set_io_error (error, errno, _("Could not pin the socket to interface %u"), ifindex);
}

/* The explicit egress interface of @config: from its index or name, its
 * interface address, or its bind address, which must agree. */
static guint
resolve_interface (MctxPublicationConfig     *config,
                   MctxInterfaceCache        *interfaces,
                   GError                   **error)
{
  GInetAddress *addresses[] = {
    mctx_publication_config_get_outgoing_interface (config),
    _mctx_publication_config_get_bind_host (config),
  };
  const char *what[] = { _("interface address"), _("bind address") };
  guint index = mctx_publication_config_get_interface_index (config);
  guint scope = _mctx_publication_config_get_bind_scope_id (config);
  GError *local_error = NULL;
  guint chosen;

  /* A link-local bind address's scope names the interface too. */
  if (index != 0 && scope != 0 && index != scope)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INTERFACE_MISMATCH,
                   _("The bind address is scoped to interface %u, but the interface index is %u"), scope, index);
      return 0;
    }
  chosen = _mctx_resolve_interface_selector (mctx_publication_config_get_interface_name (config),
                                             index != 0 ? index : scope, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      guint holder;

      if (addresses[i] == NULL)
        continue;

      holder = _mctx_resolve_address_interface (addresses[i], chosen, interfaces, error);
      if (holder == 0 || !_mctx_check_same_interface (addresses[i], what[i], holder, chosen, error))
        return 0;
      chosen = holder;
    }

  return chosen;
}

static gboolean
open_ipv4 (MctxRawPublication  *self,
           GError             **error)
{
  GInetAddress *bind_address = _mctx_publication_config_get_bind_host (self->config);
  GInetAddress *interface = mctx_publication_config_get_outgoing_interface (self->config);
  int loop = mctx_publication_config_get_loopback (self->config) ? 1 : 0;

  /* IPPROTO_RAW implies IP_HDRINCL: the header is the caller's. */
  self->fd = socket (AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
  if (self->fd < 0)
    return _mctx_raw_set_socket_error (error, errno, MCTX_RAW_SOCKET_IPV4);

  if (!_mctx_set_socket_option (self->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop,
                   "IP_MULTICAST_LOOP", error) ||
      !_mctx_socket_enable_recverr (self->fd, G_SOCKET_FAMILY_IPV4, error) ||
      !enable_timestamps (self, self->fd, error))
    return FALSE;

  if (self->ifindex != 0)
    {
      struct ip_mreqn request = { .imr_ifindex = (int) self->ifindex };
      GInetAddress *address = interface != NULL ? interface : bind_address;

      if (address != NULL)
        memcpy (&request.imr_address, g_inet_address_to_bytes (address), 4);
      if (!_mctx_set_socket_option (self->fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof request,
                       "IP_MULTICAST_IF", error))
        return FALSE;
      /* IP_MULTICAST_IF only steers groups: a unicast destination, when
       * allowed, must not be routed through another interface. */
      if (self->any_destination && !pin_interface (self->fd, self->ifindex, error))
        return FALSE;
    }

  if (bind_address != NULL)
    {
      struct sockaddr_in address = { .sin_family = AF_INET };

      memcpy (&address.sin_addr, g_inet_address_to_bytes (bind_address), 4);
      if (bind (self->fd, (struct sockaddr *) &address, sizeof address) != 0)
        {
          int saved_errno = errno;
          g_autofree char *text = g_inet_address_to_string (bind_address);

          return _mctx_set_io_error (error, saved_errno, _("Could not bind to %s"), text);
        }
    }

  return TRUE;
}

static gboolean
open_ipv6 (MctxRawPublication  *self,
           GError             **error)
{
  if (self->ifindex != 0 && !_mctx_raw_check_link (self->ifindex, error))
    return FALSE;

  /* Protocol 0: the socket only sends, so it queues nothing it receives. */
  self->fd = socket (AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (self->fd < 0)
    return _mctx_raw_set_socket_error (error, errno, MCTX_RAW_SOCKET_PACKET);
  if (!enable_timestamps (self, self->fd, error))
    return FALSE;

  if (self->ifindex == 0)
    {
      self->routes = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                            (GDestroyNotify) g_bytes_unref, NULL);
      self->route_monitor = _mctx_netlink_monitor_open (RTMGRP_IPV6_ROUTE, error);
      if (self->route_monitor < 0)
        return FALSE;
    }

  return TRUE;
}

/* A link-local destination needs the interface as its scope. */
static gboolean
ipv6_needs_scope (const guint8 *address)
{
  if (address[0] == 0xff)
    {
      guint scope = address[1] & 0x0f;

      return scope == MCTX_MULTICAST_SCOPE_INTERFACE_LOCAL || scope == MCTX_MULTICAST_SCOPE_LINK_LOCAL;
    }
  return address[0] == 0xfe && (address[1] & 0xc0) == 0x80;
}

/* Control transmit: a raw socket of the family with the header included
 * (IPPROTO_RAW implies IP_HDRINCL and IPV6_HDRINCL), pinned to the
 * interface. The kernel sends the datagram as given, for any protocol,
 * and resolves the next hop on that interface. */
static gboolean
open_control (MctxRawPublication  *self,
              GError             **error)
{
  GInetAddress *bind_address = _mctx_publication_config_get_bind_host (self->config);
  gboolean ipv6 = self->family == G_SOCKET_FAMILY_IPV6;
  int loop = self->loopback ? 1 : 0;
  int index = (int) self->ifindex;
  int fd;

  fd = self->fd = socket (ipv6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0)
    return _mctx_raw_set_socket_error (error, errno, ipv6 ? MCTX_RAW_SOCKET_IPV6 : MCTX_RAW_SOCKET_IPV4);

  if (!pin_interface (fd, self->ifindex, error) ||
      !_mctx_socket_enable_recverr (fd, self->family, error) ||
      !enable_timestamps (self, fd, error))
    return FALSE;

  if (ipv6)
    {
      if (!_mctx_set_socket_option (fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index,
                                    "IPV6_MULTICAST_IF", error) ||
          !_mctx_set_socket_option (fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof loop,
                                    "IPV6_MULTICAST_LOOP", error))
        return FALSE;
    }
  else
    {
      struct ip_mreqn request = { .imr_ifindex = index };

      if (!_mctx_set_socket_option (fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof request,
                                    "IP_MULTICAST_IF", error) ||
          !_mctx_set_socket_option (fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop,
                                    "IP_MULTICAST_LOOP", error))
        return FALSE;
    }

  /* The bind address must be this host's: binding proves it. The
   * datagrams' source stays whatever their headers say. */
  if (bind_address != NULL)
    {
      struct sockaddr_storage address = { 0 };
      socklen_t length;

      if (ipv6)
        {
          struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &address;

          in6->sin6_family = AF_INET6;
          memcpy (&in6->sin6_addr, g_inet_address_to_bytes (bind_address), 16);
          if (ipv6_needs_scope (g_inet_address_to_bytes (bind_address)))
            in6->sin6_scope_id = self->ifindex;
          length = sizeof *in6;
        }
      else
        {
          struct sockaddr_in *in4 = (struct sockaddr_in *) &address;

          in4->sin_family = AF_INET;
          memcpy (&in4->sin_addr, g_inet_address_to_bytes (bind_address), 4);
          length = sizeof *in4;
        }

      if (bind (fd, (struct sockaddr *) &address, length) != 0)
        {
          int saved_errno = errno;
          g_autofree char *text = g_inet_address_to_string (bind_address);

          return _mctx_set_io_error (error, saved_errno, _("Could not bind to %s"), text);
        }
    }

  return TRUE;
}

MctxPublication *
_mctx_raw_publication_new (guint                      id,
                           MctxPublicationConfig     *config,
                           MctxInterfaceCache        *interfaces,
                           GError                   **error)
{
  g_autoptr(MctxRawPublication) self = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *description = NULL;
  gboolean opened;

#ifndef MCTX_ENABLE_RAW
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("This mctx was built without raw transmit (-Draw=disabled)"));
  return NULL;
#endif

  if (!mctx_publication_config_validate (config, error))
    return NULL;

  self = g_object_new (MCTX_TYPE_RAW_PUBLICATION, NULL);
  self->config = config;
  self->family = mctx_raw_publication_config_get_family (MCTX_RAW_PUBLICATION_CONFIG (config));
  self->ttl = mctx_publication_config_get_ttl (config);
  self->control = mctx_raw_publication_config_get_mode (MCTX_RAW_PUBLICATION_CONFIG (config)) == MCTX_RAW_MODE_CONTROL;
  self->any_destination = mctx_raw_publication_config_get_allow_any_destination (MCTX_RAW_PUBLICATION_CONFIG (config));
  self->loopback = mctx_publication_config_get_loopback (config);

  if (_mctx_publication_config_has_interface (config))
    {
      self->ifindex = resolve_interface (config, interfaces, error);
      if (self->ifindex == 0)
        return NULL;
    }

  if (self->control)
    opened = open_control (self, error);
  else if (self->family == G_SOCKET_FAMILY_IPV6)
    opened = open_ipv6 (self, error);
  else
    opened = open_ipv4 (self, error);
  self->config = NULL;

  /* A socket of its own from here on: the base keeps it open for the
   * sends in flight and closes it. */
  if (opened)
    socket = g_socket_new_from_fd (self->fd, error);
  if (socket == NULL)
    {
      if (self->fd >= 0)
        close (self->fd);
      return NULL;
    }

  description = _mctx_publication_config_to_string (config);
  _mctx_publication_set_up (MCTX_PUBLICATION (self), id, config, socket, self->ifindex, description);
  self->fd = -1;
  return MCTX_PUBLICATION (g_steal_pointer (&self));
}

/* Route-selected IPv6: the cached interface for @group, looked up again
 * after any route change. */
static guint
route_for_group (MctxRawPublication  *self,
                 const guint8        *group,
                 GError             **error)
{
  g_autoptr(GBytes) key = g_bytes_new (group, 16);
  guint ifindex;

  _mctx_mutex_lock (&self->route_lock);

  if (_mctx_netlink_monitor_changed (self->route_monitor))
    g_hash_table_remove_all (self->routes);

  ifindex = GPOINTER_TO_UINT (g_hash_table_lookup (self->routes, key));
  if (ifindex == 0)
    {
      ifindex = _mctx_raw_route_lookup_ipv6 (group, error);
      if (ifindex != 0 && !_mctx_raw_check_link (ifindex, error))
        ifindex = 0;
      if (ifindex != 0)
        g_hash_table_insert (self->routes, g_steal_pointer (&key), GUINT_TO_POINTER (ifindex));
    }

  _mctx_mutex_unlock (&self->route_lock);
  return ifindex;
}

static void
forget_routes (MctxRawPublication *self)
{
  _mctx_mutex_lock (&self->route_lock);
  g_hash_table_remove_all (self->routes);
  _mctx_mutex_unlock (&self->route_lock);
}

/* Where one datagram goes, and the pieces it is sent from: the caller's
 * buffer, or for a rewritten IPv4 TTL a copy of its header and the rest. */
typedef struct {
  union {
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    struct sockaddr_ll link;
  } to;
  guint8 header[60];
  struct iovec parts[2];
  guint ifindex;
} RawSlot;

static gboolean
address_ipv6 (MctxRawPublication  *self,
              const guint8        *data,
              RawSlot             *slot,
              socklen_t           *length,
              GError             **error)
{
  guint ifindex;

  if (data[24] != 0xff)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("An IPv6 datagram to a unicast destination cannot take the link-layer path, which only knows the MAC addresses of groups: send it through a control publication"));
      return FALSE;
    }
  if (self->ttl >= 0 && data[7] != self->ttl)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_HOP_LIMIT_CONFLICT,
                   _("The datagram’s hop limit is %u, but the publication requires %d; IPv6 headers are never rewritten"),
                   data[7], self->ttl);
      return FALSE;
    }

  ifindex = self->ifindex;
  if (ifindex == 0)
    {
      guint scope = data[25] & 0x0f;

      if (scope == MCTX_MULTICAST_SCOPE_INTERFACE_LOCAL || scope == MCTX_MULTICAST_SCOPE_LINK_LOCAL)
        {
          g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_NEEDS_INTERFACE,
                               _("Interface-local and link-local groups need an explicit interface, not a route"));
          return FALSE;
        }
      ifindex = route_for_group (self, data + 24, error);
      if (ifindex == 0)
        return FALSE;
    }

  slot->to.link = (struct sockaddr_ll) {
    .sll_family = AF_PACKET,
    .sll_protocol = htons (ETH_P_IPV6),
    .sll_ifindex = (int) ifindex,
    .sll_halen = 6,
    /* RFC 2464 §7: 33:33 and the group's last 32 bits. */
    .sll_addr = { 0x33, 0x33, data[36], data[37], data[38], data[39] },
  };
  slot->ifindex = ifindex;
  *length = sizeof slot->to.link;
  return TRUE;
}

/* Checks one datagram and fills @slot and @message to send it. */
static gboolean
prepare (MctxRawPublication  *self,
         const guint8        *data,
         gsize                len,
         RawSlot             *slot,
         struct msghdr       *message,
         GError             **error)
{
  socklen_t length;
  gsize n_parts = 1;

  if (!_mctx_raw_datagram_check (self->family, self->control, self->any_destination, self->loopback,
                                 data, len, error))
    return FALSE;

  slot->parts[0] = (struct iovec) { .iov_base = (void *) data, .iov_len = len };
  slot->ifindex = self->ifindex;

  if (self->family == G_SOCKET_FAMILY_IPV6 && self->control)
    {
      slot->to.in6 = (struct sockaddr_in6) { .sin6_family = AF_INET6 };
      memcpy (&slot->to.in6.sin6_addr, data + 24, 16);
      /* Link-local destinations take the interface as their scope; wider
       * ones must carry scope 0. */
      if (ipv6_needs_scope (data + 24))
        slot->to.in6.sin6_scope_id = self->ifindex;
      length = sizeof slot->to.in6;
    }
  else if (self->family == G_SOCKET_FAMILY_IPV6)
    {
      if (!address_ipv6 (self, data, slot, &length, error))
        return FALSE;
    }
  else
    {
      slot->to.in4 = (struct sockaddr_in) { .sin_family = AF_INET };
      memcpy (&slot->to.in4.sin_addr, data + 16, 4);
      length = sizeof slot->to.in4;

      if (self->ttl >= 0 && data[8] != self->ttl)
        {
          /* The header is rewritten in a copy, with its checksum; the
           * payload is sent from the caller's buffer. */
          gsize header_length = (data[0] & 0x0f) * 4u;
          guint16 checksum;

          memcpy (slot->header, data, header_length);
          slot->header[8] = (guint8) self->ttl;
          slot->header[10] = slot->header[11] = 0;
          checksum = _mctx_raw_checksum_finish (_mctx_raw_checksum_add (0, slot->header, header_length));
          slot->header[10] = checksum >> 8;
          slot->header[11] = checksum & 0xff;
          slot->parts[0] = (struct iovec) { .iov_base = slot->header, .iov_len = header_length };
          slot->parts[1] = (struct iovec) { .iov_base = (void *) (data + header_length),
                                            .iov_len = len - header_length };
          n_parts = 2;
        }
    }

  *message = (struct msghdr) {
    .msg_name = &slot->to,
    .msg_namelen = length,
    .msg_iov = slot->parts,
    .msg_iovlen = n_parts,
  };
  return TRUE;
}

static void
set_send_error (MctxRawPublication  *self,
                const guint8        *data,
                guint                ifindex,
                int                  saved_errno,
                GError             **error)
{
  g_autoptr(GInetAddress) to = g_inet_address_new_from_bytes (data + (self->family == G_SOCKET_FAMILY_IPV6 ? 24 : 16),
                                                              self->family);
  g_autofree char *destination = g_inet_address_to_string (to);
  char name[IF_NAMESIZE] = "";

  /* The route may be what failed: look it up again next time. */
  if (self->routes != NULL)
    forget_routes (self);

  if (ifindex == 0 || if_indextoname (ifindex, name) == NULL)
    g_set_error (error, G_IO_ERROR, _mctx_io_error_from_errno (saved_errno),
                 _("Could not send the datagram to %s: %s"), destination, g_strerror (saved_errno));
  else
    g_set_error (error, G_IO_ERROR, _mctx_io_error_from_errno (saved_errno),
                 _("Could not send the datagram to %s on %s: %s"), destination, name, g_strerror (saved_errno));
}

static gssize
raw_send_one (MctxPublication  *publication,
              int               fd,
              const guint8     *data,
              gsize             len,
              GError          **error)
{
  MctxRawPublication *self = MCTX_RAW_PUBLICATION (publication);
  struct mmsghdr message;
  RawSlot slot;
  int sent, saved_errno = 0;

  if (!prepare (self, data, len, &slot, &message.msg_hdr, error))
    return -1;

  sent = _mctx_socket_send_messages (fd, &message, 1, &saved_errno);
  if (sent < 1)
    {
      set_send_error (self, data, slot.ifindex, saved_errno, error);
      return -1;
    }

  return (gssize) message.msg_len;
}

/* Checks and sends many complete IP datagrams, each from one vector, in as
 * few system calls as the kernel allows, each to the destination its header
 * names. It stops at the first datagram that fails its checks or cannot be
 * sent, and returns how many went before it; if that is the first, it fails
 * with its error. Raw datagrams are never segmented. */
static gint
raw_send_messages (MctxPublication  *publication,
                   int               fd,
                   GOutputMessage   *messages,
                   guint             n_messages,
                   MctxSendFlags     flags,
                   guint64          *bytes,
                   GError          **error)
{
  MctxRawPublication *self = MCTX_RAW_PUBLICATION (publication);
  MctxDepartures *departures = _mctx_publication_get_departures (publication);
  struct mmsghdr batch[MCTX_BATCH_MAX];
  RawSlot slots[MCTX_BATCH_MAX];
  GError *refused = NULL;
  guint done = 0;
  int saved_errno = 0, sent = 0;

  while (done < n_messages && refused == NULL)
    {
      guint chunk = MIN (n_messages - done, MCTX_BATCH_MAX), prepared = 0;

      while (prepared < chunk)
        {
          const GOutputMessage *message = &messages[done + prepared];

          if (message->num_vectors != 1)
            {
              g_set_error_literal (&refused, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                   _("A raw datagram is sent from one buffer: give each message one vector"));
              break;
            }
          if (!prepare (self, message->vectors[0].buffer, message->vectors[0].size,
                        &slots[prepared], &batch[prepared].msg_hdr, &refused))
            break;
          prepared++;
        }
      if (prepared == 0)
        break;

      sent = _mctx_socket_send_messages (fd, batch, prepared, &saved_errno);
      /* A datagram its queue dropped was numbered too. */
      if (sent < 0 && departures != NULL && saved_errno == ENOBUFS)
        _mctx_departures_add (departures, done);
      if (sent < 0)
        break;
      for (int i = 0; i < sent; i++)
        {
          messages[done + i].bytes_sent = batch[i].msg_len;
          *bytes += batch[i].msg_len;
        }
      if (departures != NULL)
        for (int i = 0; i < sent; i++)
          _mctx_departures_add (departures, done + (guint) i);
      done += (guint) sent;
      if ((guint) sent < prepared)
        break;
    }

  if (done > 0)
    {
      g_clear_error (&refused);
      return (gint) done;
    }
  if (refused != NULL)
    g_propagate_error (error, refused);
  else
    set_send_error (self, messages[0].vectors[0].buffer, slots[0].ifindex, saved_errno, error);
  return -1;
}

/* The UDP port at @offset of a datagram that carries UDP there, else 0. */
static guint16
udp_port (const guint8 *data,
          gsize         len,
          guint8        protocol,
          gsize         offset)
{
  if (protocol != 17 || offset + 2 > len)
    return 0;
  return (guint16) (data[offset] << 8 | data[offset + 1]);
}

static MctxSendReport *
raw_report (MctxPublication *publication,
            const guint8    *data,
            gsize            len,
            gsize            bytes_sent)
{
  MctxRawPublication *self = MCTX_RAW_PUBLICATION (publication);
  g_autoptr(GInetAddress) source = NULL;
  g_autoptr(GInetAddress) destination = NULL;
  g_autoptr(GInetSocketAddress) from = NULL;
  g_autoptr(GInetSocketAddress) to = NULL;
  gsize header_length;
  guint8 protocol;
  guint ifindex = self->ifindex;
  guint32 to_scope = 0;

  /* A datagram that was sent passed its checks: its header is whole. */
  if (self->family == G_SOCKET_FAMILY_IPV6)
    {
      source = g_inet_address_new_from_bytes (data + 8, G_SOCKET_FAMILY_IPV6);
      destination = g_inet_address_new_from_bytes (data + 24, G_SOCKET_FAMILY_IPV6);
      protocol = data[6];
      header_length = 40;
      if (ifindex == 0 && self->routes != NULL)
        ifindex = route_for_group (self, data + 24, NULL);
      if (ipv6_needs_scope (data + 24))
        to_scope = ifindex;
    }
  else
    {
      source = g_inet_address_new_from_bytes (data + 12, G_SOCKET_FAMILY_IPV4);
      destination = g_inet_address_new_from_bytes (data + 16, G_SOCKET_FAMILY_IPV4);
      protocol = data[9];
      header_length = (data[0] & 0x0f) * 4u;
    }

  from = _mctx_inet_socket_address_new (source, udp_port (data, len, protocol, header_length), 0);
  to = _mctx_inet_socket_address_new (destination, udp_port (data, len, protocol, header_length + 2), to_scope);
  return _mctx_send_report_new (to, from, ifindex, protocol, bytes_sent);
}
