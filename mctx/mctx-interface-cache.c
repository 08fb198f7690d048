/* mctx-interface-cache.c: which interface holds a local address, without
 * listing every interface of the host for each publication
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mctx-socket-private.h"

/* One local address, as getifaddrs() gave it. */
typedef struct {
  int family;
  guint8 bytes[16];
  char name[IF_NAMESIZE];
} CachedAddress;

/* A context's copy of the host's addresses. A netlink socket subscribed to
 * link and address changes is read (one non-blocking recv()) before each
 * lookup; any change, or a lost one, makes the next lookup list them
 * again. Without netlink, every lookup lists them. */
struct _MctxInterfaceCache
{
  GMutex lock;
  int monitor;              /* -1: not open yet, or unavailable */
  gboolean monitor_failed;
  gboolean valid;
  gint64 listed_at;         /* monotonic time of the last list */
  GArray *addresses;        /* (element-type CachedAddress) */
};

int
_mctx_netlink_monitor_open (guint32   groups,
                            GError  **error)
{
  struct sockaddr_nl address = { .nl_family = AF_NETLINK, .nl_groups = groups };
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

  if (fd < 0 || bind (fd, (struct sockaddr *) &address, sizeof address) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not watch the network configuration: %s"), g_strerror (saved_errno));
      if (fd >= 0)
        close (fd);
      return -1;
    }

  return fd;
}

gboolean
_mctx_netlink_monitor_changed (int fd)
{
  guint8 buffer[8192];
  gboolean changed = FALSE;
  ssize_t len;

  /* An overflowing monitor (ENOBUFS) lost changes: count that as one. */
  while ((len = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT)) != 0)
    {
      if (len > 0)
        changed = TRUE;
      else if (errno == ENOBUFS)
        changed = TRUE;
      else if (errno != EINTR)
        break;
    }

  return changed;
}

MctxInterfaceCache *
_mctx_interface_cache_new (void)
{
  MctxInterfaceCache *cache = g_new0 (MctxInterfaceCache, 1);

  g_mutex_init (&cache->lock);
  cache->monitor = -1;
  cache->addresses = g_array_new (FALSE, FALSE, sizeof (CachedAddress));
  return cache;
}

void
_mctx_interface_cache_free (MctxInterfaceCache *cache)
{
  if (cache == NULL)
    return;

  if (cache->monitor >= 0)
    close (cache->monitor);
  g_array_unref (cache->addresses);
  g_mutex_clear (&cache->lock);
  g_free (cache);
}

static gboolean
list_addresses (GArray  *addresses,
                GError **error)
{
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not list the network interfaces: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  g_array_set_size (addresses, 0);
  for (const struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      CachedAddress entry = { 0 };

      if (ifa->ifa_addr == NULL)
        continue;

      /* getifaddrs() allocates each address whole, so the wider alignment
       * holds; the cast goes through void to say so. */
      entry.family = ifa->ifa_addr->sa_family;
      if (entry.family == AF_INET)
        memcpy (entry.bytes, &((const struct sockaddr_in *) (const void *) ifa->ifa_addr)->sin_addr, 4);
      else if (entry.family == AF_INET6)
        memcpy (entry.bytes, &((const struct sockaddr_in6 *) (const void *) ifa->ifa_addr)->sin6_addr, 16);
      else
        continue;
      g_strlcpy (entry.name, ifa->ifa_name, sizeof entry.name);
      g_array_append_val (addresses, entry);
    }

  freeifaddrs (list);
  return TRUE;
}

static gboolean
list_addresses_into_cache (MctxInterfaceCache  *cache,
                           GError             **error)
{
  cache->listed_at = g_get_monotonic_time ();
  return list_addresses (cache->addresses, error);
}

/* Finds the interface @address is assigned to in @addresses. A link-local
 * address can be on several interfaces; @preferred (when not 0) picks
 * among them. */
static guint
find_interface (GArray        *addresses,
                GInetAddress  *address,
                guint          preferred,
                GError       **error)
{
  int family = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
  gsize size = g_inet_address_get_native_size (address);
  const guint8 *bytes = g_inet_address_to_bytes (address);
  guint found = 0;
  int saved_errno;

  for (guint i = 0; i < addresses->len; i++)
    {
      const CachedAddress *entry = &g_array_index (addresses, CachedAddress, i);
      guint index;

      if (entry->family != family || memcmp (entry->bytes, bytes, size) != 0)
        continue;

      index = if_nametoindex (entry->name);
      /* if_nametoindex() needs a socket: without a descriptor free, that
       * is what failed, not the address. */
      if (index == 0 && _mctx_interface_lookup_failed (&saved_errno))
        {
          _mctx_set_io_error (error, saved_errno, _("Could not look up interface %s"), entry->name);
          return 0;
        }
      if (index != 0 && (found == 0 || index == preferred))
        found = index;
    }

  return found;
}

/* The index of the interface @address is assigned to, from @cache when
 * given (else from a fresh list); 0 with @error set when it is not local.
 * A link-local address can be on several interfaces; @preferred (when not
 * 0) picks among them. */
guint
_mctx_resolve_address_interface (GInetAddress        *address,
                                 guint                preferred,
                                 MctxInterfaceCache  *cache,
                                 GError             **error)
{
  GError *local_error = NULL;
  guint found;

  if (cache == NULL)
    {
      g_autoptr(GArray) addresses = g_array_new (FALSE, FALSE, sizeof (CachedAddress));

      if (!list_addresses (addresses, error))
        return 0;
      found = find_interface (addresses, address, preferred, &local_error);
    }
  else
    {
      gint64 lookup_start = g_get_monotonic_time ();

      _mctx_mutex_lock (&cache->lock);

      /* The monitor opens before the first list, so that no change made
       * while listing goes unseen. */
      if (cache->monitor < 0 && !cache->monitor_failed)
        {
          cache->monitor = _mctx_netlink_monitor_open (RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
                                                       NULL);
          cache->monitor_failed = cache->monitor < 0;
        }
      if (cache->monitor < 0 || _mctx_netlink_monitor_changed (cache->monitor))
        cache->valid = FALSE;
      if (!cache->valid)
        cache->valid = list_addresses_into_cache (cache, error);

      found = cache->valid ? find_interface (cache->addresses, address, preferred, &local_error) : 0;
      /* The kernel announces some changes late: an IPv6 address added with
       * nodad is notified from the DAD work, which waits for the RTNL lock
       * that another namespace may hold. A miss on a list older than this
       * lookup is checked against a new one before it is believed. */
      if (found == 0 && local_error == NULL && cache->valid && cache->listed_at < lookup_start)
        {
          cache->valid = list_addresses_into_cache (cache, error);
          found = cache->valid ? find_interface (cache->addresses, address, preferred, &local_error) : 0;
        }
      _mctx_mutex_unlock (&cache->lock);

      if (!cache->valid)
        return 0;
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return 0;
    }
  if (found == 0)
    {
      g_autofree char *text = g_inet_address_to_string (address);

      g_set_error (error, MCTX_ERROR, MCTX_ERROR_ADDRESS_NOT_LOCAL,
                   _("Address %s is not assigned to any local interface"), text);
    }

  return found;
}
