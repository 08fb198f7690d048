/* mctx-plan.c: resolving a configuration against the host's interfaces
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "mctx-private.h"

GInetSocketAddress *
_mctx_inet_socket_address_new (GInetAddress *address,
                               guint16       port,
                               guint32       scope_id)
{
  return g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                       "address", address,
                       "port", port,
                       "scope-id", scope_id,
                       NULL);
}

char *
_mctx_socket_address_to_string (GSocketAddress *address)
{
  GInetSocketAddress *inet;
  g_autofree char *host = NULL;
  guint32 scope_id;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("?");

  inet = G_INET_SOCKET_ADDRESS (address);
  host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

  if (g_socket_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("%s:%u", host, g_inet_socket_address_get_port (inet));

  scope_id = g_inet_socket_address_get_scope_id (inet);
  if (scope_id != 0)
    return g_strdup_printf ("[%s%%%u]:%u", host, scope_id,
                            g_inet_socket_address_get_port (inet));

  return g_strdup_printf ("[%s]:%u", host, g_inet_socket_address_get_port (inet));
}

/* Resolves an interface given by name and/or index (0: none) to its
 * index; 0 when neither is given, or with @error set. */
guint
_mctx_resolve_interface_selector (const char  *name,
                                  guint        index,
                                  GError     **error)
{
  guint by_name = 0;
  int saved_errno;

  if (name != NULL)
    {
      by_name = if_nametoindex (name);
      if (by_name == 0 && _mctx_interface_lookup_failed (&saved_errno))
        {
          _mctx_set_io_error (error, saved_errno, _("Could not look up interface %s"), name);
          return 0;
        }
      if (by_name == 0)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE,
                       _("No network interface is named “%s”"), name);
          return 0;
        }
    }

  if (index != 0)
    {
      char buffer[IF_NAMESIZE];

      if (if_indextoname (index, buffer) == NULL)
        {
          if (_mctx_interface_lookup_failed (&saved_errno))
            {
              _mctx_set_io_error (error, saved_errno, _("Could not look up interface %u"), index);
              return 0;
            }
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE,
                       _("No network interface has index %u"), index);
          return 0;
        }
      if (by_name != 0 && by_name != index)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_INTERFACE_MISMATCH,
                       _("Interface “%s” has index %u, not %u"), name, by_name, index);
          return 0;
        }
      return index;
    }

  return by_name;
}

gboolean
_mctx_check_same_interface (GInetAddress  *address,
                      const char    *what,
                      guint          address_index,
                      guint          chosen_index,
                      GError       **error)
{
  g_autofree char *text = NULL;
  char address_name[IF_NAMESIZE] = "?";
  char chosen_name[IF_NAMESIZE] = "?";

  if (chosen_index == 0 || address_index == chosen_index)
    return TRUE;

  text = g_inet_address_to_string (address);
  if_indextoname (address_index, address_name);
  if_indextoname (chosen_index, chosen_name);

  g_set_error (error, MCTX_ERROR, MCTX_ERROR_INTERFACE_MISMATCH,
               /* Translators: "%s %s" is e.g. "source address fd00::1" */
               _("The %s %s is on interface %s (%u), but the publication egresses through %s (%u)"),
               what, text, address_name, address_index, chosen_name, chosen_index);
  return FALSE;
}

static gboolean
resolve_ipv6 (MctxPublicationPlan    *plan,
              MctxPublicationConfig  *config,
              GError                **error)
{
  MctxUdpPublicationConfig *udp = MCTX_UDP_PUBLICATION_CONFIG (config);
  GInetAddress *group = mctx_udp_publication_config_get_group (udp);
  GInetAddress *source = mctx_udp_publication_config_get_source_address (udp);
  GInetAddress *interface = mctx_publication_config_get_outgoing_interface (config);
  guint16 source_port = (guint16) mctx_udp_publication_config_get_source_port (udp);
  guint16 port = (guint16) mctx_udp_publication_config_get_port (udp);
  GError *local_error = NULL;
  GInetAddress *bind_host = NULL;
  guint selected;

  if (!_mctx_check_group_deliverable (g_inet_address_to_bytes (group),
                                      mctx_publication_config_get_loopback (config), error))
    return FALSE;

  selected = _mctx_resolve_interface_selector (mctx_publication_config_get_interface_name (config),
                                              mctx_publication_config_get_interface_index (config),
                                              &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  /* The interface-address, then the source address, must agree with the
   * interface chosen so far; each can also be the first to choose it. */
  if (interface != NULL)
    {
      guint index = _mctx_resolve_address_interface (interface, selected, plan->interfaces, error);

      if (index == 0 ||
          !_mctx_check_same_interface (interface, _("interface address"), index, selected, error))
        return FALSE;
      selected = index;
      bind_host = interface;
    }

  if (source != NULL)
    {
      guint index = _mctx_resolve_address_interface (source, selected, plan->interfaces, error);

      if (index == 0 ||
          !_mctx_check_same_interface (source, _("source address"), index, selected, error))
        return FALSE;
      selected = index;
      bind_host = source;
    }

  plan->ifindex = selected;

  /* Only a link-local source needs its scope to bind. */
  if (bind_host != NULL)
    plan->bind_address =
      _mctx_inet_socket_address_new (bind_host, source_port,
                                     g_inet_address_get_is_link_local (bind_host) ? selected : 0);
  else if (source_port != 0)
    {
      g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);

      plan->bind_address = _mctx_inet_socket_address_new (any, source_port, 0);
    }

  plan->destination =
    _mctx_inet_socket_address_new (group, port,
                                   mctx_address_scope_needs_interface (group) ? selected : 0);
  return TRUE;
}

static gboolean
resolve_ipv4 (MctxPublicationPlan    *plan,
              MctxPublicationConfig  *config,
              GError                **error)
{
  MctxUdpPublicationConfig *udp = MCTX_UDP_PUBLICATION_CONFIG (config);
  GInetAddress *group = mctx_udp_publication_config_get_group (udp);
  GInetAddress *source = mctx_udp_publication_config_get_source_address (udp);
  GInetAddress *interface = mctx_publication_config_get_outgoing_interface (config);
  guint16 source_port = (guint16) mctx_udp_publication_config_get_source_port (udp);
  guint16 port = (guint16) mctx_udp_publication_config_get_port (udp);
  GError *local_error = NULL;

  plan->ifindex = _mctx_resolve_interface_selector (mctx_publication_config_get_interface_name (config),
                                                    mctx_publication_config_get_interface_index (config),
                                                    &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (interface != NULL)
    {
      guint index = _mctx_resolve_address_interface (interface, plan->ifindex, plan->interfaces, error);

      if (index == 0 ||
          !_mctx_check_same_interface (interface, _("interface address"), index, plan->ifindex, error))
        return FALSE;
      plan->ipv4_interface = g_object_ref (interface);
    }

  /* An IPv4 source is bound as given; the kernel says if it is not ours. */
  if (source != NULL)
    plan->bind_address = _mctx_inet_socket_address_new (source, source_port, 0);
  else if (source_port != 0)
    {
      g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);

      plan->bind_address = _mctx_inet_socket_address_new (any, source_port, 0);
    }

  plan->destination = _mctx_inet_socket_address_new (group, port, 0);
  return TRUE;
}

gboolean
_mctx_publication_plan_resolve (MctxPublicationPlan    *plan,
                                MctxPublicationConfig  *config,
                                MctxInterfaceCache     *interfaces,
                                GError                **error)
{
  MctxUdpPublicationConfig *udp = MCTX_UDP_PUBLICATION_CONFIG (config);
  gboolean resolved;

  memset (plan, 0, sizeof *plan);
  plan->interfaces = interfaces;

  if (!mctx_publication_config_validate (config, error))
    return FALSE;

  plan->family = g_inet_address_get_family (mctx_udp_publication_config_get_group (udp));
  /* -1 leaves the TTL alone: the system's multicast default, 1, set on
   * purpose all the same. */
  plan->ttl = (guint) MAX (mctx_publication_config_get_ttl (config), 1);
  plan->loopback = mctx_publication_config_get_loopback (config);
  plan->departure_timestamps = mctx_publication_config_get_departure_timestamps (config);
  plan->shared = mctx_udp_publication_config_get_shared_socket (udp);
  plan->traffic_class = mctx_publication_config_get_traffic_class (config);
  plan->send_buffer_size = mctx_publication_config_get_send_buffer_size (config);

  if (plan->family == G_SOCKET_FAMILY_IPV6)
    resolved = resolve_ipv6 (plan, config, error);
  else
    resolved = resolve_ipv4 (plan, config, error);

  if (!resolved)
    _mctx_publication_plan_clear (plan);

  return resolved;
}

void
_mctx_publication_plan_clear (MctxPublicationPlan *plan)
{
  g_clear_object (&plan->bind_address);
  g_clear_object (&plan->destination);
  g_clear_object (&plan->ipv4_interface);
}
