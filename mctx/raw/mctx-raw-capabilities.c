/* mctx-raw-capabilities.c: what raw transmit can do here
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "mctx-raw-private.h"

static gboolean
can_open (int domain,
          int type,
          int protocol)
{
  int fd = socket (domain, type | SOCK_CLOEXEC, protocol);

  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

/**
 * mctx_raw_get_capabilities:
 *
 * Probes what raw transmit can do in this process: which sockets it may
 * open (they need `CAP_NET_RAW`) and whether the routing table can be read.
 * Nothing is sent.
 *
 * Returns: the supported capabilities
 *
 * Since: 1.0
 */
MctxRawCapabilities
mctx_raw_get_capabilities (void)
{
  MctxRawCapabilities capabilities = MCTX_RAW_CAPABILITY_NONE;

#ifndef MCTX_ENABLE_RAW
  /* Built with -Draw=disabled: the API is there, raw transmit is not. */
  return capabilities;
#endif

  if (can_open (AF_INET, SOCK_RAW, IPPROTO_RAW))
    capabilities |= MCTX_RAW_CAPABILITY_IPV4 | MCTX_RAW_CAPABILITY_IPV4_ROUTED |
                    MCTX_RAW_CAPABILITY_IPV4_CONTROL;
  if (can_open (AF_INET6, SOCK_RAW, IPPROTO_RAW))
    capabilities |= MCTX_RAW_CAPABILITY_IPV6_CONTROL;

  if (can_open (AF_PACKET, SOCK_DGRAM, 0))
    {
      g_autoptr(GError) error = NULL;
      const guint8 group[16] = { 0xff, 0x3e };
      int monitor = _mctx_netlink_monitor_open (RTMGRP_IPV6_ROUTE, NULL);

      capabilities |= MCTX_RAW_CAPABILITY_IPV6;

      /* A readable table is enough; whether it has a route is not the
       * question here. */
      _mctx_raw_route_lookup_ipv6 (group, &error);
      if (monitor >= 0 && (error == NULL || error->domain == MCTX_ERROR))
        capabilities |= MCTX_RAW_CAPABILITY_IPV6_ROUTE_SELECTED;
      if (monitor >= 0)
        close (monitor);
    }

  return capabilities;
}
