/* mctx-raw-capabilities.h: what raw transmit can do here
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/raw/mctx-raw.h> can be included directly."
#endif

#include <glib-object.h>

#include "../mctx-version-macros.h"

G_BEGIN_DECLS

/**
 * MctxRawCapabilities:
 * @MCTX_RAW_CAPABILITY_NONE: nothing: no raw transmit here
 * @MCTX_RAW_CAPABILITY_IPV4: IPv4 datagrams through `IP_HDRINCL` raw sockets
 * @MCTX_RAW_CAPABILITY_IPV4_ROUTED: IPv4 datagrams without an explicit
 *   interface, routed by the kernel
 * @MCTX_RAW_CAPABILITY_IPV6: IPv6 datagrams at the link layer on an
 *   explicit Ethernet-like interface
 * @MCTX_RAW_CAPABILITY_IPV6_ROUTE_SELECTED: IPv6 datagrams with the
 *   interface picked from the main routing table
 * @MCTX_RAW_CAPABILITY_IPV4_CONTROL: IPv4 control datagrams (any protocol,
 *   unicast or multicast) through a pinned interface, byte for byte
 * @MCTX_RAW_CAPABILITY_IPV6_CONTROL: IPv6 control datagrams through a
 *   pinned interface, byte for byte (`IPV6_HDRINCL`)
 *
 * What this build and kernel, with this process's privileges, support for
 * raw transmit; see [func@Mctx.raw_get_capabilities]. Raw transmit is
 * built on Linux only: elsewhere, and with `-Draw=disabled`, this is
 * always %MCTX_RAW_CAPABILITY_NONE.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/ {
  MCTX_RAW_CAPABILITY_NONE = 0,
  MCTX_RAW_CAPABILITY_IPV4 = 1 << 0,
  MCTX_RAW_CAPABILITY_IPV4_ROUTED = 1 << 1,
  MCTX_RAW_CAPABILITY_IPV6 = 1 << 2,
  MCTX_RAW_CAPABILITY_IPV6_ROUTE_SELECTED = 1 << 3,
  MCTX_RAW_CAPABILITY_IPV4_CONTROL = 1 << 4,
  MCTX_RAW_CAPABILITY_IPV6_CONTROL = 1 << 5,
} MctxRawCapabilities;

MCTX_AVAILABLE_IN_1_0
MctxRawCapabilities mctx_raw_get_capabilities (void);

G_END_DECLS
