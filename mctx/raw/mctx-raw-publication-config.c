/* mctx-raw-publication-config.c: how a raw publication reaches the wire
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <net/if.h>
#include <string.h>

#include "mctx-raw-private.h"

/**
 * MctxRawPublicationConfig:
 *
 * How a [class@Mctx.RawPublication] puts complete IP datagrams on the
 * wire: the address family, the egress (a bind address, an interface
 * address, index or name, or the routing table), a TTL or hop limit the
 * datagrams must carry, and for IPv4 whether members on this host receive
 * them.
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
 * A control configuration ([ctor@Mctx.RawPublicationConfig.new_control],
 * [property@Mctx.RawPublicationConfig:mode]) is for the traffic an AMT
 * gateway or a router emits itself, such as ICMP errors: datagrams of any
 * protocol, to unicast or multicast destinations, through an interface it
 * must name.
 *
 * Threads: a configuration is for one thread at a time; a raw publication
 * keeps its own copy.
 *
 * Since: 1.0
 */
struct _MctxRawPublicationConfig
{
  GObject parent_instance;

  GSocketFamily family;
  MctxRawMode mode;
  gboolean allow_any_destination;
  GInetAddress *bind_address;
  GInetAddress *outgoing_interface;
  int interface_index;
  char *interface_name;
  int ttl;
  gboolean loopback;
  gboolean route_selected;
};

G_DEFINE_FINAL_TYPE (MctxRawPublicationConfig, mctx_raw_publication_config, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FAMILY,
  PROP_MODE,
  PROP_ALLOW_ANY_DESTINATION,
  PROP_BIND_ADDRESS,
  PROP_OUTGOING_INTERFACE,
  PROP_INTERFACE_INDEX,
  PROP_INTERFACE_NAME,
  PROP_TTL,
  PROP_LOOPBACK,
  PROP_ROUTE_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mctx_raw_publication_config_finalize (GObject *object)
{
  MctxRawPublicationConfig *self = MCTX_RAW_PUBLICATION_CONFIG (object);

  g_clear_object (&self->bind_address);
  g_clear_object (&self->outgoing_interface);
  g_clear_pointer (&self->interface_name, g_free);

  G_OBJECT_CLASS (mctx_raw_publication_config_parent_class)->finalize (object);
}

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
    case PROP_BIND_ADDRESS:
      g_value_set_object (value, self->bind_address);
      break;
    case PROP_OUTGOING_INTERFACE:
      g_value_set_object (value, self->outgoing_interface);
      break;
    case PROP_INTERFACE_INDEX:
      g_value_set_int (value, self->interface_index);
      break;
    case PROP_INTERFACE_NAME:
      g_value_set_string (value, self->interface_name);
      break;
    case PROP_TTL:
      g_value_set_int (value, self->ttl);
      break;
    case PROP_LOOPBACK:
      g_value_set_boolean (value, self->loopback);
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
    case PROP_BIND_ADDRESS:
      mctx_raw_publication_config_set_bind_address (self, g_value_get_object (value));
      break;
    case PROP_OUTGOING_INTERFACE:
      mctx_raw_publication_config_set_outgoing_interface (self, g_value_get_object (value));
      break;
    case PROP_INTERFACE_INDEX:
      mctx_raw_publication_config_set_interface_index (self, g_value_get_int (value));
      break;
    case PROP_INTERFACE_NAME:
      mctx_raw_publication_config_set_interface_name (self, g_value_get_string (value));
      break;
    case PROP_TTL:
      mctx_raw_publication_config_set_ttl (self, g_value_get_int (value));
      break;
    case PROP_LOOPBACK:
      mctx_raw_publication_config_set_loopback (self, g_value_get_boolean (value));
      break;
    case PROP_ROUTE_SELECTED:
      mctx_raw_publication_config_set_route_selected (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_raw_publication_config_class_init (MctxRawPublicationConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _mctx_ensure_i18n ();

  object_class->finalize = mctx_raw_publication_config_finalize;
  object_class->get_property = mctx_raw_publication_config_get_property;
  object_class->set_property = mctx_raw_publication_config_set_property;

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
   * MctxRawPublicationConfig:bind-address: (getter get_bind_address) (setter set_bind_address)
   *
   * A local address whose interface the datagrams leave through. For IPv4
   * the raw socket is also bound to it. It does not change the datagrams'
   * source, which is in their headers.
   *
   * Since: 1.0
   */
  properties[PROP_BIND_ADDRESS] =
    g_param_spec_object ("bind-address", NULL, NULL,
                         G_TYPE_INET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxRawPublicationConfig:outgoing-interface: (getter get_outgoing_interface) (setter set_outgoing_interface)
   *
   * The address of the interface the datagrams leave through.
   *
   * Since: 1.0
   */
  properties[PROP_OUTGOING_INTERFACE] =
    g_param_spec_object ("outgoing-interface", NULL, NULL,
                         G_TYPE_INET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxRawPublicationConfig:interface-index: (getter get_interface_index) (setter set_interface_index)
   *
   * The index of the interface the datagrams leave through, or -1.
   *
   * Since: 1.0
   */
  properties[PROP_INTERFACE_INDEX] =
    g_param_spec_int ("interface-index", NULL, NULL,
                      G_MININT, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxRawPublicationConfig:interface-name: (getter get_interface_name) (setter set_interface_name)
   *
   * The name of the interface the datagrams leave through, or %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_INTERFACE_NAME] =
    g_param_spec_string ("interface-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxRawPublicationConfig:ttl: (getter get_ttl) (setter set_ttl)
   *
   * A TTL or hop limit for the datagrams, or -1 to send them with their
   * own. IPv4 headers are rewritten to it (with their checksum); an IPv6
   * datagram whose hop limit differs is refused, since IPv6 headers are
   * sent exactly as supplied.
   *
   * Since: 1.0
   */
  properties[PROP_TTL] =
    g_param_spec_int ("ttl", NULL, NULL,
                      G_MININT, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxRawPublicationConfig:loopback: (getter get_loopback) (setter set_loopback)
   *
   * Whether members on this host receive the IPv4 datagrams, and for a
   * control publication the IPv6 ones too. Other IPv6 datagrams go out at
   * the link layer and never loop back.
   *
   * Since: 1.0
   */
  properties[PROP_LOOPBACK] =
    g_param_spec_boolean ("loopback", NULL, NULL, FALSE,
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
  self->interface_index = -1;
  self->ttl = -1;
}

/**
 * mctx_raw_publication_config_new:
 * @family: %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6
 *
 * Creates a configuration for raw datagrams of @family.
 *
 * Returns: (transfer full): a new configuration
 *
 * Since: 1.0
 */
MctxRawPublicationConfig *
mctx_raw_publication_config_new (GSocketFamily family)
{
  return g_object_new (MCTX_TYPE_RAW_PUBLICATION_CONFIG, "family", family, NULL);
}

/**
 * mctx_raw_publication_config_new_control:
 * @family: %G_SOCKET_FAMILY_IPV4 or %G_SOCKET_FAMILY_IPV6
 *
 * Creates a configuration for control datagrams of @family: any protocol,
 * unicast or multicast destinations, through a pinned interface (see
 * [property@Mctx.RawPublicationConfig:mode]). Name the interface before
 * adding it.
 *
 * Returns: (transfer full): a new configuration
 *
 * Since: 1.0
 */
MctxRawPublicationConfig *
mctx_raw_publication_config_new_control (GSocketFamily family)
{
  return g_object_new (MCTX_TYPE_RAW_PUBLICATION_CONFIG,
                       "family", family,
                       "mode", MCTX_RAW_MODE_CONTROL,
                       NULL);
}

/**
 * mctx_raw_publication_config_copy:
 * @self: a configuration
 *
 * Creates an independent copy of @self.
 *
 * Returns: (transfer full): the copy
 *
 * Since: 1.0
 */
MctxRawPublicationConfig *
mctx_raw_publication_config_copy (MctxRawPublicationConfig *self)
{
  MctxRawPublicationConfig *copy;

  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), NULL);

  copy = mctx_raw_publication_config_new (self->family);
  copy->mode = self->mode;
  copy->allow_any_destination = self->allow_any_destination;
  g_set_object (&copy->bind_address, self->bind_address);
  g_set_object (&copy->outgoing_interface, self->outgoing_interface);
  copy->interface_index = self->interface_index;
  copy->interface_name = g_strdup (self->interface_name);
  copy->ttl = self->ttl;
  copy->loopback = self->loopback;
  copy->route_selected = self->route_selected;

  return copy;
}

/**
 * mctx_raw_publication_config_equal:
 * @self: a raw publication configuration
 * @other: another one
 *
 * Tells whether two configurations ask for the same raw publication: a
 * raw context refuses a second publication of an equal configuration.
 *
 * Returns: %TRUE if every setting is the same
 *
 * Since: 1.0
 */
gboolean
mctx_raw_publication_config_equal (MctxRawPublicationConfig *self,
                                   MctxRawPublicationConfig *other)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), FALSE);
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (other), FALSE);

  return self->family == other->family &&
         self->mode == other->mode &&
         self->allow_any_destination == other->allow_any_destination &&
         (self->bind_address == NULL) == (other->bind_address == NULL) &&
         (self->bind_address == NULL || g_inet_address_equal (self->bind_address, other->bind_address)) &&
         (self->outgoing_interface == NULL) == (other->outgoing_interface == NULL) &&
         (self->outgoing_interface == NULL ||
          g_inet_address_equal (self->outgoing_interface, other->outgoing_interface)) &&
         self->interface_index == other->interface_index &&
         g_strcmp0 (self->interface_name, other->interface_name) == 0 &&
         self->ttl == other->ttl &&
         self->loopback == other->loopback &&
         self->route_selected == other->route_selected;
}

/**
 * mctx_raw_publication_config_hash:
 * @self: a raw publication configuration
 *
 * A hash of everything [method@Mctx.RawPublicationConfig.equal] compares:
 * equal configurations hash alike, so that configurations can key a
 * #GHashTable, as a raw context's duplicate check does.
 *
 * Returns: the hash
 *
 * Since: 1.0
 */
guint
mctx_raw_publication_config_hash (MctxRawPublicationConfig *self)
{
  guint hash;

  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), 0);

  hash = (guint) self->family;
  hash = hash * 31 + (guint) self->mode;
  hash = hash * 31 + (guint) self->allow_any_destination;
  hash = hash * 31 + _mctx_inet_address_hash (self->bind_address);
  hash = hash * 31 + _mctx_inet_address_hash (self->outgoing_interface);
  hash = hash * 31 + (guint) self->interface_index;
  hash = hash * 31 + (self->interface_name != NULL ? g_str_hash (self->interface_name) : 0);
  hash = hash * 31 + (guint) self->ttl;
  hash = hash * 31 + (guint) self->loopback;
  return hash * 2 + (self->route_selected ? 1 : 0);
}

static gboolean
check_selector (MctxRawPublicationConfig  *self,
                GInetAddress              *address,
                const char                *what,
                GError                   **error)
{
  g_autofree char *text = NULL;

  if (address == NULL)
    return TRUE;

  text = g_inet_address_to_string (address);
  if (g_inet_address_get_family (address) != self->family)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INTERFACE_FAMILY_MISMATCH,
                   /* Translators: "The bind address 192.0.2.1 is not an IPv6 address" */
                   _("The %s %s is not an %s address"), what, text,
                   self->family == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4");
      return FALSE;
    }
  if (g_inet_address_get_is_any (address) || g_inet_address_get_is_multicast (address))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_INTERFACE_ADDRESS,
                   _("The %s %s must be a unicast address, not unspecified or multicast"), what, text);
      return FALSE;
    }
  return TRUE;
}

gboolean
_mctx_raw_publication_config_has_interface (MctxRawPublicationConfig *self)
{
  return self->bind_address != NULL || self->outgoing_interface != NULL ||
         self->interface_index >= 0 || self->interface_name != NULL;
}

/**
 * mctx_raw_publication_config_validate:
 * @self: a configuration
 * @error: return location for a #GError
 *
 * Checks @self without touching the system: a family of IPv4 or IPv6,
 * selector addresses of that family, an interface index other than 0, and
 * for IPv6 an explicit interface or route selection (not both), without
 * loopback. A control configuration needs an explicit interface, and
 * neither a TTL nor route selection.
 *
 * Returns: %TRUE if @self is valid, %FALSE with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
mctx_raw_publication_config_validate (MctxRawPublicationConfig  *self,
                                      GError                   **error)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->family != G_SOCKET_FAMILY_IPV4 && self->family != G_SOCKET_FAMILY_IPV6)
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_VERSION_MISMATCH,
                           _("Raw publications send IPv4 or IPv6 datagrams"));
      return FALSE;
    }

  if (!check_selector (self, self->bind_address, _("bind address"), error) ||
      !check_selector (self, self->outgoing_interface, _("interface address"), error))
    return FALSE;

  if (self->interface_index == 0 || self->interface_index < -1)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_INTERFACE_INDEX,
                   _("Invalid interface index %d: interface indexes start at 1"),
                   self->interface_index);
      return FALSE;
    }
  if (self->ttl < -1 || self->ttl > 255)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_TTL,
                   _("Invalid TTL %d: it must be between 0 and 255, or -1 for the datagrams' own"),
                   self->ttl);
      return FALSE;
    }
  if (self->interface_name != NULL && self->interface_name[0] == '\0')
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE,
                           _("The interface name is empty"));
      return FALSE;
    }

  if (self->route_selected && _mctx_raw_publication_config_has_interface (self))
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
      if (!_mctx_raw_publication_config_has_interface (self))
        {
          g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_NEEDS_INTERFACE,
                               _("Control datagrams need an explicit interface (bind address, interface address, index or name); they are never routed through whatever interface the kernel picks"));
          return FALSE;
        }
      if (self->ttl >= 0)
        {
          g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_HOP_LIMIT_CONFLICT,
                               _("Control datagrams are sent exactly as built: set their TTL or hop limit in the header, not in the configuration"));
          return FALSE;
        }
      return TRUE;
    }

  if (self->family == G_SOCKET_FAMILY_IPV6)
    {
      if (!self->route_selected && !_mctx_raw_publication_config_has_interface (self))
        {
          g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_NEEDS_INTERFACE,
                               _("IPv6 raw datagrams need an explicit interface (bind address, interface address, index or name) or route selection"));
          return FALSE;
        }
      if (self->loopback)
        {
          g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_UNSUPPORTED_LINK,
                               _("IPv6 raw datagrams go out at the link layer and cannot loop back to this host"));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * mctx_raw_publication_config_validate_datagram:
 * @self: a configuration
 * @data: (array length=len) (element-type guint8): a complete IP datagram
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Checks a datagram the way a publication of @self does before it sends:
 * the checks of [func@Mctx.raw_datagram_validate], without the multicast
 * destination when @self allows any; for a control configuration, any
 * destination, but a correct IPv4 header checksum
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
    return mctx_raw_publication_config_validate (self, error);

  return _mctx_raw_datagram_check (self->family, self->mode == MCTX_RAW_MODE_CONTROL,
                                   self->allow_any_destination, self->loopback,
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

static gboolean
set_address (MctxRawPublicationConfig  *self,
             GInetAddress             **field,
             GInetAddress              *address,
             guint                      prop)
{
  if (*field == address || (*field != NULL && address != NULL && g_inet_address_equal (*field, address)))
    return FALSE;

  g_set_object (field, address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

static gboolean
set_address_string (MctxRawPublicationConfig  *self,
                    const char                *text,
                    GInetAddress             **parsed,
                    GError                   **error)
{
  if (text == NULL)
    return TRUE;

  *parsed = g_inet_address_new_from_string (text);
  if (*parsed == NULL)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS,
                   _("Invalid address “%s”: not an IP address"), text);
      return FALSE;
    }
  return TRUE;
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
 * mctx_raw_publication_config_get_bind_address: (get-property bind-address)
 * @self: a configuration
 *
 * Gets the bind address.
 *
 * Returns: (transfer none) (nullable): the bind address
 *
 * Since: 1.0
 */
GInetAddress *
mctx_raw_publication_config_get_bind_address (MctxRawPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), NULL);

  return self->bind_address;
}

/**
 * mctx_raw_publication_config_set_bind_address: (set-property bind-address)
 * @self: a configuration
 * @address: (nullable): a local address, or %NULL
 *
 * Sets the local address whose interface the datagrams leave through.
 *
 * Since: 1.0
 */
void
mctx_raw_publication_config_set_bind_address (MctxRawPublicationConfig *self,
                                              GInetAddress             *address)
{
  g_return_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self));
  g_return_if_fail (address == NULL || G_IS_INET_ADDRESS (address));

  set_address (self, &self->bind_address, address, PROP_BIND_ADDRESS);
}

/**
 * mctx_raw_publication_config_set_bind_socket_address:
 * @self: a configuration
 * @address: (nullable): a local socket address, or %NULL
 *
 * Sets the bind address from a socket address. Its port does not matter to
 * a raw publication; an IPv6 scope id, as a link-local address carries it,
 * selects that interface: it becomes
 * [property@Mctx.RawPublicationConfig:interface-index], so the datagrams
 * leave through the interface the address was scoped to, not one routing
 * would pick.
 *
 * Since: 1.0
 */
void
mctx_raw_publication_config_set_bind_socket_address (MctxRawPublicationConfig *self,
                                                     GInetSocketAddress       *address)
{
  g_return_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self));
  g_return_if_fail (address == NULL || G_IS_INET_SOCKET_ADDRESS (address));

  g_object_freeze_notify (G_OBJECT (self));
  mctx_raw_publication_config_set_bind_address (self, address != NULL ? g_inet_socket_address_get_address (address) : NULL);
  if (address != NULL &&
      g_inet_address_get_family (g_inet_socket_address_get_address (address)) == G_SOCKET_FAMILY_IPV6 &&
      g_inet_socket_address_get_scope_id (address) != 0)
    mctx_raw_publication_config_set_interface_index (self, (int) g_inet_socket_address_get_scope_id (address));
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * mctx_raw_publication_config_set_bind_address_string:
 * @self: a configuration
 * @address: (nullable): a local address as a string, such as `192.0.2.7`,
 *   `fe80::1%eth0` or `fe80::1%2`, or %NULL
 * @error: return location for a #GError
 *
 * Sets the bind address from a string. An IPv6 scope (`%` and an interface
 * name or index) selects that interface, as
 * [method@Mctx.RawPublicationConfig.set_bind_socket_address] does with a
 * scope id.
 *
 * Returns: %TRUE on success, %FALSE if @address is not an IP address or its
 *   scope names no interface
 *
 * Since: 1.0
 */
gboolean
mctx_raw_publication_config_set_bind_address_string (MctxRawPublicationConfig  *self,
                                                     const char                *address,
                                                     GError                   **error)
{
  g_autoptr(GInetAddress) parsed = NULL;
  g_autofree char *host = NULL;
  const char *scope;
  guint64 index = 0;

  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), FALSE);

  scope = address != NULL ? strchr (address, '%') : NULL;
  if (scope != NULL)
    {
      host = g_strndup (address, (gsize) (scope - address));
      scope++;
      if (!g_ascii_string_to_unsigned (scope, 10, 1, G_MAXINT, &index, NULL))
        index = if_nametoindex (scope);
      if (index == 0)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE,
                       _("No network interface is named “%s” (in the scope of “%s”)"), scope, address);
          return FALSE;
        }
    }

  if (!set_address_string (self, host != NULL ? host : address, &parsed, error))
    return FALSE;
  if (scope != NULL && g_inet_address_get_family (parsed) != G_SOCKET_FAMILY_IPV6)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS,
                   _("Invalid address “%s”: only IPv6 addresses have a scope"), address);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  mctx_raw_publication_config_set_bind_address (self, parsed);
  if (index != 0)
    mctx_raw_publication_config_set_interface_index (self, (int) index);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/**
 * mctx_raw_publication_config_get_outgoing_interface: (get-property outgoing-interface)
 * @self: a configuration
 *
 * Gets the address of the outgoing interface.
 *
 * Returns: (transfer none) (nullable): the interface address
 *
 * Since: 1.0
 */
GInetAddress *
mctx_raw_publication_config_get_outgoing_interface (MctxRawPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), NULL);

  return self->outgoing_interface;
}

/**
 * mctx_raw_publication_config_set_outgoing_interface: (set-property outgoing-interface)
 * @self: a configuration
 * @address: (nullable): the interface's address, or %NULL
 *
 * Sets the address of the interface the datagrams leave through.
 *
 * Since: 1.0
 */
void
mctx_raw_publication_config_set_outgoing_interface (MctxRawPublicationConfig *self,
                                                    GInetAddress             *address)
{
  g_return_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self));
  g_return_if_fail (address == NULL || G_IS_INET_ADDRESS (address));

  set_address (self, &self->outgoing_interface, address, PROP_OUTGOING_INTERFACE);
}

/**
 * mctx_raw_publication_config_set_outgoing_interface_string:
 * @self: a configuration
 * @address: (nullable): the interface's address as a string, or %NULL
 * @error: return location for a #GError
 *
 * Sets the outgoing interface by its address, from a string.
 *
 * Returns: %TRUE on success, %FALSE if @address is not an IP address
 *
 * Since: 1.0
 */
gboolean
mctx_raw_publication_config_set_outgoing_interface_string (MctxRawPublicationConfig  *self,
                                                           const char                *address,
                                                           GError                   **error)
{
  g_autoptr(GInetAddress) parsed = NULL;

  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), FALSE);

  if (!set_address_string (self, address, &parsed, error))
    return FALSE;
  mctx_raw_publication_config_set_outgoing_interface (self, parsed);
  return TRUE;
}

/**
 * mctx_raw_publication_config_get_interface_index: (get-property interface-index)
 * @self: a configuration
 *
 * Gets the index of the outgoing interface.
 *
 * Returns: the index, or -1
 *
 * Since: 1.0
 */
int
mctx_raw_publication_config_get_interface_index (MctxRawPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), -1);

  return self->interface_index;
}

/**
 * mctx_raw_publication_config_set_interface_index: (set-property interface-index)
 * @self: a configuration
 * @index: the interface index, or -1 for none
 *
 * Sets the index of the interface the datagrams leave through.
 *
 * Since: 1.0
 */
void
mctx_raw_publication_config_set_interface_index (MctxRawPublicationConfig *self,
                                                 int                       index)
{
  g_return_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self));

  if (self->interface_index == index)
    return;
  self->interface_index = index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE_INDEX]);
}

/**
 * mctx_raw_publication_config_get_interface_name: (get-property interface-name)
 * @self: a configuration
 *
 * Gets the name of the outgoing interface.
 *
 * Returns: (transfer none) (nullable): the name
 *
 * Since: 1.0
 */
const char *
mctx_raw_publication_config_get_interface_name (MctxRawPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), NULL);

  return self->interface_name;
}

/**
 * mctx_raw_publication_config_set_interface_name: (set-property interface-name)
 * @self: a configuration
 * @name: (nullable): the interface name, or %NULL
 *
 * Sets the name of the interface the datagrams leave through.
 *
 * Since: 1.0
 */
void
mctx_raw_publication_config_set_interface_name (MctxRawPublicationConfig *self,
                                                const char               *name)
{
  g_return_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self));

  if (g_strcmp0 (self->interface_name, name) == 0)
    return;
  g_free (self->interface_name);
  self->interface_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE_NAME]);
}

/**
 * mctx_raw_publication_config_get_ttl: (get-property ttl)
 * @self: a configuration
 *
 * Gets the TTL or hop limit the datagrams must carry.
 *
 * Returns: the TTL, or -1 for the datagrams' own
 *
 * Since: 1.0
 */
int
mctx_raw_publication_config_get_ttl (MctxRawPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), -1);

  return self->ttl;
}

/**
 * mctx_raw_publication_config_set_ttl: (set-property ttl)
 * @self: a configuration
 * @ttl: the TTL or hop limit, 0 to 255, or -1 for the datagrams' own
 *
 * Sets the TTL or hop limit the datagrams must carry.
 *
 * Since: 1.0
 */
void
mctx_raw_publication_config_set_ttl (MctxRawPublicationConfig *self,
                                     int                       ttl)
{
  g_return_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self));

  if (self->ttl == ttl)
    return;
  self->ttl = ttl;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TTL]);
}

/**
 * mctx_raw_publication_config_get_loopback: (get-property loopback)
 * @self: a configuration
 *
 * Gets whether members on this host receive IPv4 datagrams.
 *
 * Returns: %TRUE if loopback is on
 *
 * Since: 1.0
 */
gboolean
mctx_raw_publication_config_get_loopback (MctxRawPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self), FALSE);

  return self->loopback;
}

/**
 * mctx_raw_publication_config_set_loopback: (set-property loopback)
 * @self: a configuration
 * @loopback: whether members on this host receive IPv4 datagrams
 *
 * Sets multicast loopback for IPv4 datagrams.
 *
 * Since: 1.0
 */
void
mctx_raw_publication_config_set_loopback (MctxRawPublicationConfig *self,
                                          gboolean                  loopback)
{
  g_return_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (self));

  loopback = !!loopback;
  if (self->loopback == loopback)
    return;
  self->loopback = loopback;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOPBACK]);
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
