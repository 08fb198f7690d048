/* mctx-udp-publication-config.c: one multicast group and port
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

/**
 * MctxUdpPublicationConfig:
 *
 * One multicast destination and how to reach it: the group and port, and
 * optionally the exact source address and port to bind, besides the
 * egress settings every configuration has ([class@Mctx.PublicationConfig]).
 *
 * ## Source address and outgoing interface
 *
 * The source address is the exact local address that is bound before the
 * socket is connected: receivers that filter on a source (SSM) see it. It
 * is the host part of [property@Mctx.PublicationConfig:bind-address], and
 * the source port its port. The outgoing interface is where multicast
 * leaves the host.
 *
 * For IPv4, the source is bound as given and the interface sets
 * `IP_MULTICAST_IF` (by address, or by index with `ip_mreqn`).
 *
 * For IPv6, a source address is bound and also resolved to its interface,
 * which becomes `IPV6_MULTICAST_IF`. An outgoing-interface address without a
 * source is bound as the source. An interface index or name alone selects
 * the egress interface and binds nothing. A source and an interface that
 * resolve to different interfaces are refused.
 *
 * Validation also wants a multicast group, a destination port from 1 to
 * 65535, and an interface for interface-local and link-local IPv6 groups.
 *
 * See also: [IPv6, source addresses and scopes](ipv6.html).
 *
 * Since: 1.0
 */

struct _MctxUdpPublicationConfig
{
  MctxPublicationConfig parent_instance;

  GInetAddress *group;
  guint port;
  gboolean shared_socket;
};

G_DEFINE_FINAL_TYPE (MctxUdpPublicationConfig, mctx_udp_publication_config, MCTX_TYPE_PUBLICATION_CONFIG)

enum {
  PROP_0,
  PROP_GROUP,
  PROP_PORT,
  PROP_SOURCE_ADDRESS,
  PROP_SOURCE_PORT,
  PROP_SHARED_SOCKET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_TTL 1

static void
mctx_udp_publication_config_finalize (GObject *object)
{
  MctxUdpPublicationConfig *self = MCTX_UDP_PUBLICATION_CONFIG (object);

  g_clear_object (&self->group);

  G_OBJECT_CLASS (mctx_udp_publication_config_parent_class)->finalize (object);
}

static void
mctx_udp_publication_config_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  MctxUdpPublicationConfig *self = MCTX_UDP_PUBLICATION_CONFIG (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      g_value_set_object (value, self->group);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_SOURCE_ADDRESS:
      g_value_set_object (value, mctx_udp_publication_config_get_source_address (self));
      break;
    case PROP_SOURCE_PORT:
      g_value_set_uint (value, mctx_udp_publication_config_get_source_port (self));
      break;
    case PROP_SHARED_SOCKET:
      g_value_set_boolean (value, self->shared_socket);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_udp_publication_config_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  MctxUdpPublicationConfig *self = MCTX_UDP_PUBLICATION_CONFIG (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      mctx_udp_publication_config_set_group (self, g_value_get_object (value));
      break;
    case PROP_PORT:
      mctx_udp_publication_config_set_port (self, g_value_get_uint (value));
      break;
    case PROP_SOURCE_ADDRESS:
      mctx_udp_publication_config_set_source_address (self, g_value_get_object (value));
      break;
    case PROP_SOURCE_PORT:
      mctx_udp_publication_config_set_source_port (self, g_value_get_uint (value));
      break;
    case PROP_SHARED_SOCKET:
      mctx_udp_publication_config_set_shared_socket (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GSocketFamily
udp_get_family (MctxPublicationConfig *config)
{
  MctxUdpPublicationConfig *self = MCTX_UDP_PUBLICATION_CONFIG (config);

  return self->group != NULL ? g_inet_address_get_family (self->group) : G_SOCKET_FAMILY_INVALID;
}

static gboolean
udp_validate (MctxPublicationConfig  *config,
              GError                **error)
{
  MctxUdpPublicationConfig *self = MCTX_UDP_PUBLICATION_CONFIG (config);
  g_autofree char *group_text = NULL;

  if (self->group == NULL)
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_MISSING_GROUP,
                           _("The configuration has no multicast group"));
      return FALSE;
    }

  group_text = g_inet_address_to_string (self->group);
  if (!g_inet_address_get_is_multicast (self->group))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_NOT_MULTICAST,
                   _("%s is not a multicast group (IPv4 224.0.0.0/4 or IPv6 ff00::/8)"),
                   group_text);
      return FALSE;
    }

  if (self->shared_socket && mctx_publication_config_get_departure_timestamps (config))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("A shared socket cannot take departure timestamps: unset one of shared-socket and departure-timestamps"));
      return FALSE;
    }

  if (self->port == 0 || self->port > G_MAXUINT16)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_PORT,
                   _("Invalid destination port %u: it must be between 1 and 65535"),
                   self->port);
      return FALSE;
    }

  if (mctx_address_scope_needs_interface (self->group) &&
      !_mctx_publication_config_has_interface (config))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_SCOPE_NEEDS_INTERFACE,
                   _("Group %s is interface-local or link-local: set a source address, an outgoing interface, an interface index or an interface name"),
                   group_text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
udp_equal (MctxPublicationConfig *config,
           MctxPublicationConfig *other_config)
{
  MctxUdpPublicationConfig *self = MCTX_UDP_PUBLICATION_CONFIG (config);
  MctxUdpPublicationConfig *other = MCTX_UDP_PUBLICATION_CONFIG (other_config);

  return ((self->group == NULL && other->group == NULL) ||
          (self->group != NULL && other->group != NULL && g_inet_address_equal (self->group, other->group))) &&
         self->port == other->port &&
         self->shared_socket == other->shared_socket;
}

static guint
udp_hash (MctxPublicationConfig *config)
{
  MctxUdpPublicationConfig *self = MCTX_UDP_PUBLICATION_CONFIG (config);

  return (_mctx_inet_address_hash (self->group) * 31 + self->port) * 2 + (self->shared_socket ? 1 : 0);
}

static void
udp_copy_into (MctxPublicationConfig *config,
               MctxPublicationConfig *copy_config)
{
  MctxUdpPublicationConfig *self = MCTX_UDP_PUBLICATION_CONFIG (config);
  MctxUdpPublicationConfig *copy = MCTX_UDP_PUBLICATION_CONFIG (copy_config);

  g_set_object (&copy->group, self->group);
  copy->port = self->port;
  copy->shared_socket = self->shared_socket;
}

static void
udp_describe (MctxPublicationConfig *config,
              GString               *description)
{
  MctxUdpPublicationConfig *self = MCTX_UDP_PUBLICATION_CONFIG (config);

  if (self->group != NULL)
    _mctx_append_address (description, self->group, self->port);
  else
    g_string_append_printf (description, "(no group):%u", self->port);
  if (self->shared_socket)
    g_string_append (description, " shared");
}

static void
udp_bind_changed (MctxPublicationConfig *config,
                  gboolean               host_changed,
                  gboolean               port_changed)
{
  if (host_changed)
    g_object_notify_by_pspec (G_OBJECT (config), properties[PROP_SOURCE_ADDRESS]);
  if (port_changed)
    g_object_notify_by_pspec (G_OBJECT (config), properties[PROP_SOURCE_PORT]);
}

static void
mctx_udp_publication_config_class_init (MctxUdpPublicationConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MctxPublicationConfigClass *config_class = MCTX_PUBLICATION_CONFIG_CLASS (klass);

  object_class->finalize = mctx_udp_publication_config_finalize;
  object_class->get_property = mctx_udp_publication_config_get_property;
  object_class->set_property = mctx_udp_publication_config_set_property;

  config_class->get_family = udp_get_family;
  config_class->validate = udp_validate;
  config_class->equal = udp_equal;
  config_class->hash = udp_hash;
  config_class->copy_into = udp_copy_into;
  config_class->describe = udp_describe;
  config_class->bind_changed = udp_bind_changed;

  /**
   * MctxUdpPublicationConfig:group: (getter get_group) (setter set_group)
   *
   * The multicast group to send to: IPv4 `224.0.0.0/4` or IPv6 `ff00::/8`.
   *
   * Since: 1.0
   */
  properties[PROP_GROUP] =
    g_param_spec_object ("group", NULL, NULL,
                         G_TYPE_INET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxUdpPublicationConfig:port: (getter get_port) (setter set_port)
   *
   * The destination UDP port, 1 to 65535. Other values are kept and refused
   * by validation, so that bindings get an error rather than a warning.
   *
   * Since: 1.0
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxUdpPublicationConfig:source-address: (getter get_source_address) (setter set_source_address)
   *
   * The exact local address to bind, which receivers see as the packets'
   * source; %NULL to let the kernel choose. For IPv6 it also selects the
   * outgoing interface: the one the address is assigned to. It is the
   * address of [property@Mctx.PublicationConfig:bind-address].
   *
   * Since: 1.0
   */
  properties[PROP_SOURCE_ADDRESS] =
    g_param_spec_object ("source-address", NULL, NULL,
                         G_TYPE_INET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxUdpPublicationConfig:source-port: (getter get_source_port) (setter set_source_port)
   *
   * The local UDP port to bind, 0 for one the kernel chooses. It is the
   * port of [property@Mctx.PublicationConfig:bind-address].
   *
   * Since: 1.0
   */
  properties[PROP_SOURCE_PORT] =
    g_param_spec_uint ("source-port", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxUdpPublicationConfig:shared-socket: (getter get_shared_socket) (setter set_shared_socket)
   *
   * Whether the publication may share one unconnected socket with the
   * other publications of its context that send alike: the same family,
   * source address and port, interface, TTL and loopback. Each datagram
   * then names its group (`sendto()`), so that a process can drive
   * 100 000 groups with a few descriptors, and
   * [method@Mctx.Context.send_many] carries datagrams for many groups in
   * one system call. Off by default. A shared socket cannot be stolen, and
   * caller-provided sockets are never shared.
   *
   * Since: 1.0
   */
  properties[PROP_SHARED_SOCKET] =
    g_param_spec_boolean ("shared-socket", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mctx_udp_publication_config_init (MctxUdpPublicationConfig *self)
{
  mctx_publication_config_set_ttl (MCTX_PUBLICATION_CONFIG (self), DEFAULT_TTL);
}

/**
 * mctx_udp_publication_config_new:
 * @group: the multicast group, as a string such as `239.1.2.3` or
 *   `ff3e::8000:1234`
 * @port: the destination UDP port
 * @error: return location for a #GError
 *
 * Creates a configuration for sending to @group and @port. Only the syntax
 * of @group is checked here; [method@Mctx.PublicationConfig.validate] checks
 * the rest. A #GInetAddress group goes through
 * [property@Mctx.UdpPublicationConfig:group], as `g_object_new()` or a
 * binding's keyword constructor sets it.
 *
 * Returns: (transfer full) (type MctxUdpPublicationConfig): a new
 *   configuration, or %NULL if @group is not an IP address
 *
 * Since: 1.0
 */
MctxPublicationConfig *
mctx_udp_publication_config_new (const char  *group,
                                 guint        port,
                                 GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;

  g_return_val_if_fail (group != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _mctx_ensure_i18n ();

  address = _mctx_parse_address (group, _("group"), error);
  if (address == NULL)
    return NULL;

  return g_object_new (MCTX_TYPE_UDP_PUBLICATION_CONFIG,
                       "group", address,
                       "port", port,
                       NULL);
}

/**
 * mctx_udp_publication_config_get_group: (get-property group)
 * @self: a configuration
 *
 * Gets the multicast group.
 *
 * Returns: (transfer none) (nullable): the group
 *
 * Since: 1.0
 */
GInetAddress *
mctx_udp_publication_config_get_group (MctxUdpPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (self), NULL);

  return self->group;
}

/**
 * mctx_udp_publication_config_set_group: (set-property group)
 * @self: a configuration
 * @group: (nullable): the multicast group
 *
 * Sets the multicast group.
 *
 * Since: 1.0
 */
void
mctx_udp_publication_config_set_group (MctxUdpPublicationConfig *self,
                                       GInetAddress             *group)
{
  g_return_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (self));
  g_return_if_fail (group == NULL || G_IS_INET_ADDRESS (group));

  if (self->group == group || (self->group != NULL && group != NULL && g_inet_address_equal (self->group, group)))
    return;

  g_set_object (&self->group, group);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP]);
}

/**
 * mctx_udp_publication_config_get_port: (get-property port)
 * @self: a configuration
 *
 * Gets the destination UDP port.
 *
 * Returns: the port
 *
 * Since: 1.0
 */
guint
mctx_udp_publication_config_get_port (MctxUdpPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (self), 0);

  return self->port;
}

/**
 * mctx_udp_publication_config_set_port: (set-property port)
 * @self: a configuration
 * @port: the destination UDP port
 *
 * Sets the destination UDP port.
 *
 * Since: 1.0
 */
void
mctx_udp_publication_config_set_port (MctxUdpPublicationConfig *self,
                                      guint                     port)
{
  g_return_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (self));

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

/**
 * mctx_udp_publication_config_get_source_address: (get-property source-address)
 * @self: a configuration
 *
 * Gets the source address to bind.
 *
 * Returns: (transfer none) (nullable): the source address
 *
 * Since: 1.0
 */
GInetAddress *
mctx_udp_publication_config_get_source_address (MctxUdpPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (self), NULL);

  return _mctx_publication_config_get_bind_host (MCTX_PUBLICATION_CONFIG (self));
}

/**
 * mctx_udp_publication_config_set_source_address: (set-property source-address)
 * @self: a configuration
 * @address: (nullable): the source address, or %NULL for none
 *
 * Sets the exact source address to bind.
 *
 * Since: 1.0
 */
void
mctx_udp_publication_config_set_source_address (MctxUdpPublicationConfig *self,
                                                GInetAddress             *address)
{
  MctxPublicationConfig *config = MCTX_PUBLICATION_CONFIG (self);

  g_return_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (self));
  g_return_if_fail (address == NULL || G_IS_INET_ADDRESS (address));

  _mctx_publication_config_set_bind (config, address, _mctx_publication_config_get_bind_port (config), 0);
}

/**
 * mctx_udp_publication_config_set_source_address_string:
 * @self: a configuration
 * @address: (nullable): the source address as a string, or %NULL for none
 * @error: return location for a #GError
 *
 * Sets the source address from a string such as `192.0.2.7`.
 *
 * Returns: %TRUE on success, %FALSE if @address is not an IP address
 *
 * Since: 1.0
 */
gboolean
mctx_udp_publication_config_set_source_address_string (MctxUdpPublicationConfig  *self,
                                                       const char                *address,
                                                       GError                   **error)
{
  g_autoptr(GInetAddress) parsed = NULL;

  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (address != NULL)
    {
      parsed = _mctx_parse_address (address, _("source address"), error);
      if (parsed == NULL)
        return FALSE;
    }

  mctx_udp_publication_config_set_source_address (self, parsed);
  return TRUE;
}

/**
 * mctx_udp_publication_config_get_source_port: (get-property source-port)
 * @self: a configuration
 *
 * Gets the source port to bind.
 *
 * Returns: the source port, 0 for one the kernel chooses
 *
 * Since: 1.0
 */
guint
mctx_udp_publication_config_get_source_port (MctxUdpPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (self), 0);

  return _mctx_publication_config_get_bind_port (MCTX_PUBLICATION_CONFIG (self));
}

/**
 * mctx_udp_publication_config_set_source_port: (set-property source-port)
 * @self: a configuration
 * @port: the source port, 0 for one the kernel chooses
 *
 * Sets the local UDP port to bind.
 *
 * Since: 1.0
 */
void
mctx_udp_publication_config_set_source_port (MctxUdpPublicationConfig *self,
                                             guint                     port)
{
  MctxPublicationConfig *config = MCTX_PUBLICATION_CONFIG (self);

  g_return_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (self));

  _mctx_publication_config_set_bind (config, _mctx_publication_config_get_bind_host (config), port,
                                     _mctx_publication_config_get_bind_scope_id (config));
}

/**
 * mctx_udp_publication_config_get_shared_socket: (get-property shared-socket)
 * @self: a configuration
 *
 * Gets whether the publication may share its socket.
 *
 * Returns: %TRUE if the socket may be shared
 *
 * Since: 1.0
 */
gboolean
mctx_udp_publication_config_get_shared_socket (MctxUdpPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (self), FALSE);

  return self->shared_socket;
}

/**
 * mctx_udp_publication_config_set_shared_socket: (set-property shared-socket)
 * @self: a configuration
 * @shared: whether the socket may be shared
 *
 * Sets whether the publication may share one unconnected socket with the
 * other publications of its context that send alike.
 *
 * Since: 1.0
 */
void
mctx_udp_publication_config_set_shared_socket (MctxUdpPublicationConfig *self,
                                               gboolean                  shared)
{
  g_return_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (self));

  shared = !!shared;
  if (self->shared_socket == shared)
    return;

  self->shared_socket = shared;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARED_SOCKET]);
}
