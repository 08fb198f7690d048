/* mctx-raw-route.c: IPv6 egress from the kernel's main routing table
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mctx-raw-private.h"

/* The netlink walking macros (NLMSG_NEXT, RTA_NEXT…) cast byte pointers to
 * message structs; the kernel aligns every message and attribute
 * (NLMSG_ALIGN, RTA_ALIGN), and the buffer is aligned for them. */
#pragma GCC diagnostic ignored "-Wcast-align"

static gboolean
prefix_matches (const guint8 *prefix,
                guint         prefix_len,
                const guint8  address[16])
{
  guint bytes = prefix_len / 8, bits = prefix_len % 8;

  if (memcmp (prefix, address, bytes) != 0)
    return FALSE;
  if (bits == 0)
    return TRUE;

  return ((prefix[bytes] ^ address[bytes]) & (0xff << (8 - bits))) == 0;
}

/* A 32-bit attribute, or @fallback when it is too short to hold one. */
static guint32
attribute_u32 (struct rtattr *attribute,
               guint32        fallback)
{
  guint32 value;

  if (attribute == NULL || RTA_PAYLOAD (attribute) < sizeof value)
    return fallback;

  memcpy (&value, RTA_DATA (attribute), sizeof value);
  return value;
}

/* The first hop's interface of a route: RTA_OIF, or the first next hop of
 * a multipath route. */
static guint
route_interface (struct rtattr *oif,
                 struct rtattr *multipath)
{
  if (oif != NULL)
    return attribute_u32 (oif, 0);
  if (multipath != NULL && RTA_PAYLOAD (multipath) >= sizeof (struct rtnexthop))
    return (guint) ((struct rtnexthop *) RTA_DATA (multipath))->rtnh_ifindex;
  return 0;
}

void
_mctx_raw_route_choice_init (MctxRawRouteChoice *choice)
{
  choice->prefix_len = -1;
  choice->metric = G_MAXUINT32;
  choice->ifindex = 0;
}

/* Weighs the routes of one netlink reply (4-byte aligned, as the kernel
 * sends it) for @group. The reply comes from the kernel, but it is checked
 * as outside input: every length before what it covers is read. */
gboolean
_mctx_raw_route_parse (const guint8        *buffer,
                       gsize                length,
                       const guint8         group[16],
                       MctxRawRouteChoice  *best)
{
  const guint8 *end = buffer + length;

  /* NLMSG_OK and NLMSG_NEXT, with the remaining length kept unsigned and
   * never allowed to step past the end: a last message whose length is not
   * a multiple of 4 would otherwise leave a "negative" remainder that an
   * unsigned comparison takes for a huge one. */
  for (const guint8 *next = buffer;
       (gsize) (end - next) >= sizeof (struct nlmsghdr);)
    {
      const struct nlmsghdr *header = (const struct nlmsghdr *) next;
      const struct rtmsg *route;
      struct rtattr *dst = NULL, *oif = NULL, *multipath = NULL;
      guint32 table, metric = 0;
      int attributes_len;
      guint ifindex;

      if (header->nlmsg_len < sizeof *header || header->nlmsg_len > (gsize) (end - next))
        break;
      next += MIN ((gsize) NLMSG_ALIGN (header->nlmsg_len), (gsize) (end - next));

      if (header->nlmsg_type == NLMSG_DONE || header->nlmsg_type == NLMSG_ERROR)
        return TRUE;
      if (header->nlmsg_type != RTM_NEWROUTE || header->nlmsg_len < NLMSG_LENGTH (sizeof *route))
        continue;

      route = NLMSG_DATA (header);
      table = route->rtm_table;
      attributes_len = (int) RTM_PAYLOAD (header);
      for (struct rtattr *attribute = RTM_RTA (route);
           RTA_OK (attribute, attributes_len);
           attribute = RTA_NEXT (attribute, attributes_len))
        {
          switch (attribute->rta_type)
            {
            case RTA_DST: dst = attribute; break;
            case RTA_OIF: oif = attribute; break;
            case RTA_MULTIPATH: multipath = attribute; break;
            case RTA_PRIORITY: metric = attribute_u32 (attribute, metric); break;
            case RTA_TABLE: table = attribute_u32 (attribute, table); break;
            default: break;
            }
        }

      if (table != RT_TABLE_MAIN || route->rtm_family != AF_INET6 ||
          (route->rtm_type != RTN_UNICAST && route->rtm_type != RTN_MULTICAST) ||
          route->rtm_dst_len > 128)
        continue;
      if (route->rtm_dst_len > 0 &&
          (dst == NULL || RTA_PAYLOAD (dst) < 16 ||
           !prefix_matches (RTA_DATA (dst), route->rtm_dst_len, group)))
        continue;

      ifindex = route_interface (oif, multipath);
      if (ifindex == 0)
        continue;

      if (route->rtm_dst_len > best->prefix_len ||
          (route->rtm_dst_len == best->prefix_len && metric < best->metric))
        {
          best->prefix_len = route->rtm_dst_len;
          best->metric = metric;
          best->ifindex = ifindex;
        }
    }

  return FALSE;
}

guint
_mctx_raw_route_lookup_ipv6 (const guint8   group[16],
                             GError       **error)
{
  struct {
    struct nlmsghdr header;
    struct rtmsg message;
  } request = {
    .header = {
      .nlmsg_len = NLMSG_LENGTH (sizeof (struct rtmsg)),
      .nlmsg_type = RTM_GETROUTE,
      .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
      .nlmsg_seq = 1,
    },
    .message = { .rtm_family = AF_INET6 },
  };
  guint8 buffer[32 * 1024] __attribute__ ((aligned (4)));
  MctxRawRouteChoice best;
  gboolean done = FALSE;
  int fd;

  _mctx_raw_route_choice_init (&best);

  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0 || send (fd, &request, request.header.nlmsg_len, 0) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not read the routing table: %s"), g_strerror (saved_errno));
      if (fd >= 0)
        close (fd);
      return 0;
    }

  while (!done)
    {
      ssize_t len = recv (fd, buffer, sizeof buffer, 0);

      if (len < 0 && errno == EINTR)
        continue;
      if (len <= 0)
        {
          int saved_errno = len < 0 ? errno : EPROTO;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not read the routing table: %s"), g_strerror (saved_errno));
          close (fd);
          return 0;
        }

      done = _mctx_raw_route_parse (buffer, (gsize) len, group, &best);
    }

  close (fd);

  if (best.ifindex == 0)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_bytes (group, G_SOCKET_FAMILY_IPV6);
      g_autofree char *text = g_inet_address_to_string (address);

      g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_NO_ROUTE,
                   _("No route in the main routing table covers %s"), text);
    }

  return best.ifindex;
}

gboolean
_mctx_raw_check_link (guint    ifindex,
                      GError **error)
{
  struct ifreq request = { 0 };
  int fd = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int saved_errno;

  if (fd >= 0 && if_indextoname (ifindex, request.ifr_name) != NULL &&
      ioctl (fd, SIOCGIFHWADDR, &request) == 0)
    {
      close (fd);
      if (request.ifr_hwaddr.sa_family == ARPHRD_ETHER)
        return TRUE;

      g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_UNSUPPORTED_LINK,
                   _("Interface %s (%u) is not Ethernet-like (link type %u): IPv6 raw datagrams cannot be sent on it unchanged"),
                   request.ifr_name, ifindex, request.ifr_hwaddr.sa_family);
      return FALSE;
    }

  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE,
               _("No network interface has index %u: %s"), ifindex, g_strerror (saved_errno));
  return FALSE;
}
