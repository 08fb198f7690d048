/* mctx-raw-publication-config.c: how a raw publication reaches the wire
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <string.h>

#include "mctx-raw-private.h"

/**
 * MctxRawPublicationConfig:
 *
 * How a [class@Mctx.RawPublication] puts complete IP datagrams on the
 * wire: the address family and, besides the egress settings every
 * configuration has ([class@Mctx.PublicationConfig]), what the datagrams
 * may be and whether IPv6 egress follows the routing table.
 *
 * Of the egress settings, the bind address (port 0) names the interface the
 * datagrams leave through (and, for IPv4, is bound); a TTL or hop limit is
 * one the datagrams must carry: IPv4 headers are rewritten to it, with
 * their checksum, and an IPv6 datagram whose hop limit differs is refused,
 * since IPv6 headers are sent exactly as supplied. Loopback applies to
 * IPv4, and to IPv6 control datagrams; other IPv6 datagrams leave at the
 * link layer and never loop back. The traffic class is the datagrams'
 * own: it must stay 0.
 *
 * The datagrams carry their own source and group: a raw publication is not
 * tied to one destination.
 *
 * IPv4 datagrams go through an `IP_HDRINCL` raw socket. Without an explicit
 * egress, the kernel routes them by destination.
 *
 * IPv6 datagrams are handed to the link layer, so that the receiver sees
 * every header byte as supplied. They need an explicit interface, or
 * [property@Mctx.RawPublicationConfig:route-selected] to pick one from the
 * main routing table for each group.
 *
 * A control configuration ([property@Mctx.RawPublicationConfig:mode]
 * %MCTX_RAW_MODE_CONTROL) is for the traffic an AMT
 * gateway or a router emits itself, such as ICMP errors: datagrams of any
 * protocol, to unicast or multicast destinations, through an interface it
 * must name.
 *
 * Threads: a configuration is for one thread at a time; a raw publication
 * keeps its own copy.
 *
 * See also: [Raw datagram transmit](raw.html).
 *
 * Since: 1.0
 */
struct _MctxRawPublicationConfig
{
  MctxPublicationConfig parent_instance;

  GSocketFamily family;
  MctxRawMode mode;
  gboolean allow_any_destination;
  gboolean route_selected;
};

G_DEFINE_FINAL_TYPE (MctxRawPublicationConfig, mctx_raw_publication_config, MCTX_TYPE_PUBLICATION_CONFIG)

enum {
  PROP_0,
  PROP_FAMILY,
  PROP_MODE,
  PROP_ALLOW_ANY_DESTINATION,
  PROP_ROUTE_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mctx_raw_publication_config_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  MctxRawPublicationConfig *self = MCTX_RAW_PUBLICATION_CONFIG (object);

  switch (prop_id)
    {
    case PROP_FAMILY:
      g_value_set_enum (value, self->family);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_ALLOW_ANY_DESTINATION:
      g_value_set_boolean (value, self->allow_any_destination);
      break;
    case PROP_ROUTE_SELECTED:
      g_value_set_boolean (value, self->route_selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_raw_publication_config_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  MctxRawPublicationConfig *self = MCTX_RAW_PUBLICATION_CONFIG (object);

  switch (prop_id)
    {
    case PROP_FAMILY:
      self->family = g_value_get_enum (value);
      break;
    case PROP_MODE:
      mctx_raw_publication_config_set_mode (self, g_value_get_enum (value));
      break;
    case PROP_ALLOW_ANY_DESTINATION:
      mctx_raw_publication_config_set_allow_any_destination (self, g_value_get_boolean (value));
      break;
    case PROP_ROUTE_SELECTED:
      mctx_raw_publication_config_set_route_selected (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GSocketFamily
raw_get_family (MctxPublicationConfig *config)
{
  return MCTX_RAW_PUBLICATION_CONFIG (config)->family;
}

static gboolean
raw_validate (MctxPublicationConfig  *config,
              GError                **error)
{
  MctxRawPublicationConfig *self = MCTX_RAW_PUBLICATION_CONFIG (config);
  gboolean has_interface = _mctx_publication_config_has_interface (config);
  int ttl = mctx_publication_config_get_ttl (config);

  if (self->family != G_SOCKET_FAMILY_IPV4 && self->family != G_SOCKET_FAMILY_IPV6)
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_VERSION_MISMATCH,
                           _("Raw publications send IPv4 or IPv6 datagrams"));
      return FALSE;
    }

  if (_mctx_publication_config_get_bind_port (config) != 0)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_SOURCE_PORT,
                   _("Invalid bind port %u: raw sockets have no port, so it must be 0"),
                   _mctx_publication_config_get_bind_port (config));
      return FALSE;
    }
  if (mctx_publication_config_get_traffic_class (config) != 0)
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_INVALID_TRAFFIC_CLASS,
                           _("Raw datagrams carry their own traffic class in their header: leave the configuration’s at 0"));
      return FALSE;
    }

  if (self->route_selected && has_interface)
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_INTERFACE_MISMATCH,
                           _("Route-selected egress cannot be combined with an explicit interface"));
      return FALSE;
    }

  if (self->mode == MCTX_RAW_MODE_CONTROL)
    {
      if (self->route_selected)
        {
          g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_INTERFACE_MISMATCH,
                               _("Control datagrams leave through a pinned interface, never a route-selected one"));
          return FALSE;
        }
      if (!has_interface)
        {
          g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_NEEDS_INTERFACE,
                               _("Control datagrams need an explicit interface (bind address, interface address, index or name); they are never routed through whatever interface the kernel picks"));
          return FALSE;
        }
      if (ttl >= 0)
        {
          g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_HOP_LIMIT_CONFLICT,
                               _("Control datagrams are sent exactly as built: set their TTL or hop limit in the header, not in the configuration"));
          return FALSE;
        }
      return TRUE;
    }

  if (self->family == G_SOCKET_FAMILY_IPV6)
    {
      if (!self->route_selected && !has_interface)
        {
          g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_NEEDS_INTERFACE,
                               _("IPv6 raw datagrams need an explicit interface (bind address, interface address, index or name) or route selection"));
          return FALSE;
        }
      if (mctx_publication_config_get_loopback (config))
        {
          g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_UNSUPPORTED_LINK,
                               _("IPv6 raw datagrams go out at the link layer and cannot loop back to this host"));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
raw_equal (MctxPublicationConfig *config,
           MctxPublicationConfig *other_config)
{
  MctxRawPublicationConfig *self = MCTX_RAW_PUBLICATION_CONFIG (config);
  MctxRawPublicationConfig *other = MCTX_RAW_PUBLICATION_CONFIG (other_config);

  return self->family == other->family &&
         self->mode == other->mode &&
         self->allow_any_destination == other->allow_any_destination &&
         self->route_selected == other->route_selected;
}

static guint
raw_hash (MctxPublicationConfig *config)
{
  MctxRawPublicationConfig *self = MCTX_RAW_PUBLICATION_CONFIG (config);

  return ((guint) self->family * 31 + (guint) self->mode) * 4 +
         (self->allow_any_destination ? 2 : 0) + (self->route_selected ? 1 : 0);
}

static void
raw_copy_into (MctxPublicationConfig *config,
               MctxPublicationConfig *copy_config)
{
  MctxRawPublicationConfig *self = MCTX_RAW_PUBLICATION_CONFIG (config);
  MctxRawPublicationConfig *copy = MCTX_RAW_PUBLICATION_CONFIG (copy_config);

  copy->family = self->family;
  copy->mode = self->mode;
  copy->allow_any_destination = self->allow_any_destination;
  copy->route_selected = self->route_selected;
}

static void
raw_describe (MctxPublicationConfig *config,
              GString               *description)
{
  MctxRawPublicationConfig *self = MCTX_RAW_PUBLICATION_CONFIG (config);

  g_string_append_printf (description, "raw %s%s%s%s",
                          self->family == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4",
                          self->mode == MCTX_RAW_MODE_CONTROL ? " control" : "",
                          self->allow_any_destination ? " any-destination" : "",
                          self->route_selected ? " route-selected" : "");
}

static void
mctx_raw_publication_config_class_init (MctxRawPublicationConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MctxPublicationConfigClass *config_class = MCTX_PUBLICATION_CONFIG_CLASS (klass);

  _mctx_ensure_i18n ();

  object_class->get_property = mctx_raw_publication_config_get_property;
  object_class->set_property = mctx_raw_publication_config_set_property;

  config_class->get_family = raw_get_family;
  config_class->validate = raw_validate;
  config_class->equal = raw_equal;
  config_class->hash = raw_hash;
  config_class->copy_into = raw_copy_into;
  config_class->describe = raw_describe;

  /**
   * MctxRawPublicationConfig:family: (getter get_family)
   *
   * The address family of the datagrams: %G_SOCKET_FAMILY_IPV4 or
   * %G_SOCKET_FAMILY_IPV6.
   *
   * Since: 1.0
   */
  properties[PROP_FAMILY] =
    g_param_spec_enum ("family", NULL, NULL,
                       G_TYPE_SOCKET_FAMILY, G_SOCKET_FAMILY_IPV4,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxRawPublicationConfig:mode: (getter get_mode) (setter set_mode)
   *
   * What the publication is for. %MCTX_RAW_MODE_MULTICAST forwards
   * multicast datagrams. %MCTX_RAW_MODE_CONTROL sends datagrams of any
   * protocol to unicast or multicast destinations (ICMP errors, for
   * example), byte for byte, through the interface the configuration must
   * name (a bind address, an interface address, index or name, which must
   * agree); the IPv4 header checksum must be right and no address
   * unspecified. A control publication never rewrites a TTL and is never
   * route-selected.
   *
   * Since: 1.0
   */
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       MCTX_TYPE_RAW_MODE, MCTX_RAW_MODE_MULTICAST,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxRawPublicationConfig:allow-any-destination: (getter get_allow_any_destination) (setter set_allow_any_destination)
   *
   * Whether a multicast publication also sends datagrams whose destination
   * is not a multicast group (upstream's `AllowAnyDestination`). Off by
   * default. IPv4 datagrams to such a destination are routed by the kernel,
   * through the configured interface if there is one; IPv6 ones cannot
   * take the link-layer path, which only knows the MAC addresses of groups,
   * and fail with %G_IO_ERROR_NOT_SUPPORTED: use a control publication.
   * Control publications allow any destination whatever this says.
   *
   * Since: 1.0
   */
  properties[PROP_ALLOW_ANY_DESTINATION] =
    g_param_spec_boolean ("allow-any-destination", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxRawPublicationConfig:route-selected: (getter get_route_selected) (setter set_route_selected)
   *
   * For IPv6 without an explicit interface: pick the interface for each
   * group from the main routing table (longest prefix, then lowest
   * metric). The choice is cached and made again when routes change or a
   * send fails.
   *
   * Since: 1.0
   */
  properties[PROP_ROUTE_SELECTED] =
    g_param_spec_boolean ("route-selected", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mctx_raw_publication_config_init (MctxRawPublicationConfig *self)
{
  self->family = G_SOCKET_FAMILY_IPV4;
  mctx_publication_config_set_loopback (MCTX_PUBLICATION_CONFIG (self), FALSE);
}

/**
 * mctx_raw_publication_config_new:
 * @family: %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6
 *
 * Creates a configuration for raw datagrams of @family.
 *
 * Returns: (transfer full) (type MctxRawPublicationConfig): a new
 *   configuration
 *
 * Since: 1.0
 */
MctxPublicationConfig *
mctx_raw_publication_config_new (GSocketFamily family)
{
  return g_object_new (MCTX_TYPE_RAW_PUBLICATION_CONFIG, "family", family, NULL);
}

/**
 * mctx_raw_publication_config_validate_datagram:
 * @self: a configuration
 * @data: (array length=len) (element-type guint8): a complete IP datagram
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Checks a datagram the way a publication of @self does before it sends.
 * By default: the version matches the family; for IPv4, the header length
 * and total length agree with the buffer; for IPv6, the payload length
 * does; and the destination is a multicast group that can leave this
 * node. Each failure has its own error code and a message naming the
 * field. When @self allows any destination, the last check goes. For a
 * control configuration, any destination, but a correct IPv4 header checksum
 * (%MCTX_ERROR_RAW_HEADER_CHECKSUM) and no unspecified source or
 * destination (%MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS).
 *
 * Returns: %TRUE if a publication of @self can send it, %FALSE with
 *   @error set
 *
 * Since: 1.0
 */
gboolean
mctx_raw_publication_config_validate_datagram (MctxRawPublicationConfig  *self,
                                               const guint8              *data,
                                               gsize                      len,
                                               GError                   **error)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (self->family != G_SOCKET_FAMILY_IPV4 && self->family != G_SOCKET_FAMILY_IPV6)
    return mctx_publication_config_validate (MCTX_PUBLICATION_CONFIG (self), error);

  return _mctx_raw_datagram_check (self->family, self->mode == MCTX_RAW_MODE_CONTROL,
                                   self->allow_any_destination,
                                   mctx_publication_config_get_loopback (MCTX_PUBLICATION_CONFIG (self)),
                                   data, len, error);
}

/**
 * mctx_raw_publication_config_get_family: (get-property family)
 * @self: a configuration
 *
 * Gets the address family of the datagrams.
 *
 * Returns: the family
 *
 * Since: 1.0
 */
GSocketFamily
mctx_raw_publication_config_get_family (MctxRawPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), G_SOCKET_FAMILY_INVALID);

  return self->family;
}

/**
 * mctx_raw_publication_config_get_mode: (get-property mode)
 * @self: a configuration
 *
 * Gets what the publication is for.
 *
 * Returns: the mode
 *
 * Since: 1.0
 */
MctxRawMode
mctx_raw_publication_config_get_mode (MctxRawPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), MCTX_RAW_MODE_MULTICAST);

  return self->mode;
}

/**
 * mctx_raw_publication_config_set_mode: (set-property mode)
 * @self: a configuration
 * @mode: multicast forwarding or control transmit
 *
 * Sets what the publication is for.
 *
 * Since: 1.0
 */
void
mctx_raw_publication_config_set_mode (MctxRawPublicationConfig *self,
                                      MctxRawMode               mode)
{
  g_return_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self));
  g_return_if_fail (mode == MCTX_RAW_MODE_MULTICAST || mode == MCTX_RAW_MODE_CONTROL);

  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

/**
 * mctx_raw_publication_config_get_allow_any_destination: (get-property allow-any-destination)
 * @self: a configuration
 *
 * Gets whether datagrams to destinations other than multicast groups are
 * sent.
 *
 * Returns: %TRUE if any destination is allowed
 *
 * Since: 1.0
 */
gboolean
mctx_raw_publication_config_get_allow_any_destination (MctxRawPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), FALSE);

  return self->allow_any_destination;
}

/**
 * mctx_raw_publication_config_set_allow_any_destination: (set-property allow-any-destination)
 * @self: a configuration
 * @allow: whether to send datagrams whose destination is not a multicast
 *   group
 *
 * Sets whether a multicast publication sends datagrams to any destination.
 *
 * Since: 1.0
 */
void
mctx_raw_publication_config_set_allow_any_destination (MctxRawPublicationConfig *self,
                                                       gboolean                  allow)
{
  g_return_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self));

  allow = !!allow;
  if (self->allow_any_destination == allow)
    return;
  self->allow_any_destination = allow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_ANY_DESTINATION]);
}

/**
 * mctx_raw_publication_config_get_route_selected: (get-property route-selected)
 * @self: a configuration
 *
 * Gets whether IPv6 egress is picked from the routing table.
 *
 * Returns: %TRUE if route-selected
 *
 * Since: 1.0
 */
gboolean
mctx_raw_publication_config_get_route_selected (MctxRawPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), FALSE);

  return self->route_selected;
}

/**
 * mctx_raw_publication_config_set_route_selected: (set-property route-selected)
 * @self: a configuration
 * @route_selected: whether to pick IPv6 egress from the routing table
 *
 * Sets whether IPv6 egress is picked from the main routing table for each
 * group, instead of an explicit interface.
 *
 * Since: 1.0
 */
void
mctx_raw_publication_config_set_route_selected (MctxRawPublicationConfig *self,
                                                gboolean                  route_selected)
{
  g_return_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self));

  route_selected = !!route_selected;
  if (self->route_selected == route_selected)
    return;
  self->route_selected = route_selected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROUTE_SELECTED]);
}
