/* mctx-address.h: multicast address helpers
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mctx-version-macros.h"

G_BEGIN_DECLS

/**
 * MctxMulticastScope:
 * @MCTX_MULTICAST_SCOPE_NONE: not an IPv6 multicast address
 * @MCTX_MULTICAST_SCOPE_INTERFACE_LOCAL: interface-local (`ffx1::`)
 * @MCTX_MULTICAST_SCOPE_LINK_LOCAL: link-local (`ffx2::`)
 * @MCTX_MULTICAST_SCOPE_REALM_LOCAL: realm-local (`ffx3::`)
 * @MCTX_MULTICAST_SCOPE_ADMIN_LOCAL: admin-local (`ffx4::`)
 * @MCTX_MULTICAST_SCOPE_SITE_LOCAL: site-local (`ffx5::`)
 * @MCTX_MULTICAST_SCOPE_ORGANIZATION_LOCAL: organization-local (`ffx8::`)
 * @MCTX_MULTICAST_SCOPE_GLOBAL: global (`ffxe::`)
 *
 * The named scopes of IPv6 multicast addresses (RFC 7346): the low nibble
 * of the address's second byte. Unassigned scope values are returned as
 * they are by mctx_address_get_multicast_scope().
 *
 * Since: 1.0
 */
typedef enum {
  MCTX_MULTICAST_SCOPE_NONE = 0,
  MCTX_MULTICAST_SCOPE_INTERFACE_LOCAL = 1,
  MCTX_MULTICAST_SCOPE_LINK_LOCAL = 2,
  MCTX_MULTICAST_SCOPE_REALM_LOCAL = 3,
  MCTX_MULTICAST_SCOPE_ADMIN_LOCAL = 4,
  MCTX_MULTICAST_SCOPE_SITE_LOCAL = 5,
  MCTX_MULTICAST_SCOPE_ORGANIZATION_LOCAL = 8,
  MCTX_MULTICAST_SCOPE_GLOBAL = 14,
} MctxMulticastScope;

MCTX_AVAILABLE_IN_1_0
gboolean           mctx_address_is_ssm                 (GInetAddress *address);
MCTX_AVAILABLE_IN_1_0
MctxMulticastScope mctx_address_get_multicast_scope    (GInetAddress *address);
MCTX_AVAILABLE_IN_1_0
gboolean           mctx_address_scope_needs_interface  (GInetAddress *address);

G_END_DECLS
