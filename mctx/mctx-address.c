/* mctx-address.c: multicast address helpers
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

/**
 * mctx_address_get_multicast_scope:
 * @address: an address
 *
 * Returns the scope of an IPv6 multicast address: the low nibble of its
 * second byte. `ff31::8000:1234` is interface-local, `ff3e::8000:1234`
 * global.
 *
 * Returns: the scope, or %MCTX_MULTICAST_SCOPE_NONE when @address is not an
 *   IPv6 multicast address
 *
 * Since: 1.0
 */
MctxMulticastScope
mctx_address_get_multicast_scope (GInetAddress *address)
{
  const guint8 *bytes;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), MCTX_MULTICAST_SCOPE_NONE);

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6 ||
      !g_inet_address_get_is_multicast (address))
    return MCTX_MULTICAST_SCOPE_NONE;

  bytes = g_inet_address_to_bytes (address);
  return (MctxMulticastScope) (bytes[1] & 0x0f);
}

/**
 * mctx_address_scope_needs_interface:
 * @address: an address
 *
 * Tells whether @address is an interface-local (`ffx1::`) or link-local
 * (`ffx2::`) IPv6 multicast group. Such groups are only meaningful on one
 * interface: a publication to them needs an interface, and its destination
 * keeps that interface's index as scope id. All wider scopes are sent with
 * scope id 0.
 *
 * Returns: %TRUE if a publication to @address needs an interface
 *
 * Since: 1.0
 */
gboolean
mctx_address_scope_needs_interface (GInetAddress *address)
{
  MctxMulticastScope scope = mctx_address_get_multicast_scope (address);

  return scope == MCTX_MULTICAST_SCOPE_INTERFACE_LOCAL ||
         scope == MCTX_MULTICAST_SCOPE_LINK_LOCAL;
}

/**
 * mctx_address_is_ssm:
 * @address: an address
 *
 * Tells whether @address is an IPv6 source-specific multicast group, that
 * is, in `ff3x::/32` (RFC 4607): flags 3 and the 16 bits after the scope
 * zero. `ff12::…` is any-source multicast and never SSM. IPv4 SSM
 * (`232.0.0.0/8`) is reported too.
 *
 * Returns: %TRUE if @address is an SSM group
 *
 * Since: 1.0
 */
gboolean
mctx_address_is_ssm (GInetAddress *address)
{
  const guint8 *bytes;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);

  bytes = g_inet_address_to_bytes (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    return bytes[0] == 232;

  return bytes[0] == 0xff && (bytes[1] & 0xf0) == 0x30 &&
         bytes[2] == 0 && bytes[3] == 0;
}

gboolean
_mctx_check_group_deliverable (const guint8  *group,
                               gboolean       loopback,
                               GError       **error)
{
  guint scope = group[1] & 0x0f;
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *text = NULL;

  if (scope != 0 && (scope != MCTX_MULTICAST_SCOPE_INTERFACE_LOCAL || loopback))
    return TRUE;

  address = g_inet_address_new_from_bytes (group, G_SOCKET_FAMILY_IPV6);
  text = g_inet_address_to_string (address);
  if (scope == 0)
    g_set_error (error, MCTX_ERROR, MCTX_ERROR_UNDELIVERABLE_GROUP,
                 _("The group %s has the reserved scope 0: nothing can receive it"), text);
  else
    g_set_error (error, MCTX_ERROR, MCTX_ERROR_UNDELIVERABLE_GROUP,
                 _("The group %s is interface-local: it never leaves this host, so only loopback delivers it"),
                 text);
  return FALSE;
}
