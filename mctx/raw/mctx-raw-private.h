/* mctx-raw-private.h: what the raw transmit files share
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#include "../mctx-private.h"
#include "mctx-raw.h"

G_BEGIN_DECLS

guint32            _mctx_raw_checksum_add                     (guint32                    sum,
                                                               const guint8              *data,
                                                               gsize                      len);
guint16            _mctx_raw_checksum_finish                  (guint32                    sum);


gboolean           _mctx_raw_datagram_check                   (GSocketFamily              family,
                                                               gboolean                   control,
                                                               gboolean                   any_destination,
                                                               gboolean                   loopback,
                                                               const guint8              *data,
                                                               gsize                      len,
                                                               GError                   **error);

/* The egress interface for an IPv6 group from the main routing table:
 * longest prefix, then lowest metric. 0 with @error set when none. */
guint              _mctx_raw_route_lookup_ipv6                (const guint8               group[16],
                                                               GError                   **error);
/* The best route found so far: longest prefix, then lowest metric. */
typedef struct {
  int prefix_len;           /* -1: none yet */
  guint32 metric;
  guint ifindex;
} MctxRawRouteChoice;

void               _mctx_raw_route_choice_init                (MctxRawRouteChoice        *choice);
/* Weighs the routes of one netlink reply; TRUE once the dump is done. */
gboolean           _mctx_raw_route_parse                      (const guint8              *buffer,
                                                               gsize                      length,
                                                               const guint8               group[16],
                                                               MctxRawRouteChoice        *best);

/* Whether the interface can carry IPv6 datagrams unchanged through a
 * packet socket: Ethernet-like. */
gboolean           _mctx_raw_check_link                       (guint                      ifindex,
                                                               GError                   **error);


/* The sockets raw transmit opens, for messages that name them. */
typedef enum {
  MCTX_RAW_SOCKET_IPV4,     /* AF_INET raw, IP_HDRINCL */
  MCTX_RAW_SOCKET_IPV6,     /* AF_INET6 raw, IPV6_HDRINCL */
  MCTX_RAW_SOCKET_PACKET,   /* AF_PACKET */
} MctxRawSocketKind;

gboolean           _mctx_raw_set_socket_error                 (GError                   **error,
                                                               int                        saved_errno,
                                                               MctxRawSocketKind          kind);

G_END_DECLS
