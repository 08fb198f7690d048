/* mctx-publication-config.c: one multicast destination and how to reach it
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

/**
 * MctxPublicationConfig:
 *
 * One multicast destination and how to reach it: the group and port, and
 * optionally the exact source address and port to bind, the outgoing
 * interface (by address, index or name), the TTL or hop limit, and whether
 * the host's own members receive the packets.
 *
 * A configuration is a plain value object: it creates no socket.
 * [method@Mctx.PublicationConfig.validate] checks it without touching the
 * system; [method@Mctx.Context.add_publication] resolves it against the
 * host's interfaces and creates a ready publication from a copy of it.
 *
 * ## Source address and outgoing interface
 *
 * The source address is the exact local address that is bound before the
 * socket is connected: receivers that filter on a source (SSM) see it. The
 * outgoing interface is where multicast leaves the host.
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
 * Threads: a configuration is for one thread at a time. A publication keeps
 * its own copy, so changing or freeing the configuration afterwards, from
 * any thread, never touches the publication.
 *
 * Since: 1.0
 */

struct _MctxPublicationConfig
{
  GObject parent_instance;

  GInetAddress *group;
  guint port;
  GInetAddress *source_address;
  guint source_port;
  GInetAddress *outgoing_interface;
  int interface_index;
  char *interface_name;
  guint ttl;
  gboolean loopback;
  gboolean shared_socket;
  guint traffic_class;
  guint send_buffer_size;
};

G_DEFINE_FINAL_TYPE (MctxPublicationConfig, mctx_publication_config, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_GROUP,
  PROP_PORT,
  PROP_SOURCE_ADDRESS,
  PROP_SOURCE_PORT,
  PROP_BIND_ADDRESS,
  PROP_OUTGOING_INTERFACE,
  PROP_INTERFACE_INDEX,
  PROP_INTERFACE_NAME,
  PROP_TTL,
  PROP_LOOPBACK,
  PROP_SHARED_SOCKET,
  PROP_TRAFFIC_CLASS,
  PROP_SEND_BUFFER_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_TTL 1

static void
mctx_publication_config_finalize (GObject *object)
{
  MctxPublicationConfig *self = MCTX_PUBLICATION_CONFIG (object);

  g_clear_object (&self->group);
  g_clear_object (&self->source_address);
  g_clear_object (&self->outgoing_interface);
  g_clear_pointer (&self->interface_name, g_free);

  G_OBJECT_CLASS (mctx_publication_config_parent_class)->finalize (object);
}

static void
mctx_publication_config_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  MctxPublicationConfig *self = MCTX_PUBLICATION_CONFIG (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      g_value_set_object (value, self->group);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_SOURCE_ADDRESS:
      g_value_set_object (value, self->source_address);
      break;
    case PROP_SOURCE_PORT:
      g_value_set_uint (value, self->source_port);
      break;
    case PROP_BIND_ADDRESS:
      g_value_take_object (value, mctx_publication_config_dup_bind_address (self));
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
      g_value_set_uint (value, self->ttl);
      break;
    case PROP_LOOPBACK:
      g_value_set_boolean (value, self->loopback);
      break;
    case PROP_SHARED_SOCKET:
      g_value_set_boolean (value, self->shared_socket);
      break;
    case PROP_TRAFFIC_CLASS:
      g_value_set_uint (value, self->traffic_class);
      break;
    case PROP_SEND_BUFFER_SIZE:
      g_value_set_uint (value, self->send_buffer_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_publication_config_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  MctxPublicationConfig *self = MCTX_PUBLICATION_CONFIG (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      mctx_publication_config_set_group (self, g_value_get_object (value));
      break;
    case PROP_PORT:
      mctx_publication_config_set_port (self, g_value_get_uint (value));
      break;
    case PROP_SOURCE_ADDRESS:
      mctx_publication_config_set_source_address (self, g_value_get_object (value));
      break;
    case PROP_SOURCE_PORT:
      mctx_publication_config_set_source_port (self, g_value_get_uint (value));
      break;
    case PROP_BIND_ADDRESS:
      mctx_publication_config_set_bind_address (self, g_value_get_object (value));
      break;
    case PROP_OUTGOING_INTERFACE:
      mctx_publication_config_set_outgoing_interface (self, g_value_get_object (value));
      break;
    case PROP_INTERFACE_INDEX:
      mctx_publication_config_set_interface_index (self, g_value_get_int (value));
      break;
    case PROP_INTERFACE_NAME:
      mctx_publication_config_set_interface_name (self, g_value_get_string (value));
      break;
    case PROP_TTL:
      mctx_publication_config_set_ttl (self, g_value_get_uint (value));
      break;
    case PROP_LOOPBACK:
      mctx_publication_config_set_loopback (self, g_value_get_boolean (value));
      break;
    case PROP_SHARED_SOCKET:
      mctx_publication_config_set_shared_socket (self, g_value_get_boolean (value));
      break;
    case PROP_TRAFFIC_CLASS:
      mctx_publication_config_set_traffic_class (self, g_value_get_uint (value));
      break;
    case PROP_SEND_BUFFER_SIZE:
      mctx_publication_config_set_send_buffer_size (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_publication_config_class_init (MctxPublicationConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _mctx_ensure_i18n ();

  object_class->finalize = mctx_publication_config_finalize;
  object_class->get_property = mctx_publication_config_get_property;
  object_class->set_property = mctx_publication_config_set_property;

  /**
   * MctxPublicationConfig:group: (getter get_group) (setter set_group)
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
   * MctxPublicationConfig:port: (getter get_port) (setter set_port)
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
   * MctxPublicationConfig:source-address: (getter get_source_address) (setter set_source_address)
   *
   * The exact local address to bind, which receivers see as the packets'
   * source; %NULL to let the kernel choose. For IPv6 it also selects the
   * outgoing interface: the one the address is assigned to.
   *
   * Since: 1.0
   */
  properties[PROP_SOURCE_ADDRESS] =
    g_param_spec_object ("source-address", NULL, NULL,
                         G_TYPE_INET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:source-port: (getter get_source_port) (setter set_source_port)
   *
   * The local UDP port to bind, 0 for one the kernel chooses.
   *
   * Since: 1.0
   */
  properties[PROP_SOURCE_PORT] =
    g_param_spec_uint ("source-port", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:bind-address:
   *
   * The source address and port together, as the socket address bound
   * before connecting; %NULL when no source address is set. Reading it
   * gives a new #GInetSocketAddress; setting it sets
   * [property@Mctx.PublicationConfig:source-address] and
   * [property@Mctx.PublicationConfig:source-port], and %NULL clears both.
   *
   * Since: 1.0
   */
  properties[PROP_BIND_ADDRESS] =
    g_param_spec_object ("bind-address", NULL, NULL,
                         G_TYPE_INET_SOCKET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:outgoing-interface: (getter get_outgoing_interface) (setter set_outgoing_interface)
   *
   * The address of the interface that multicast leaves through. For IPv4
   * it sets `IP_MULTICAST_IF`; for IPv6 it is resolved to its interface,
   * and bound as the source when no source address is set.
   *
   * Since: 1.0
   */
  properties[PROP_OUTGOING_INTERFACE] =
    g_param_spec_object ("outgoing-interface", NULL, NULL,
                         G_TYPE_INET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:interface-index: (getter get_interface_index) (setter set_interface_index)
   *
   * The index of the interface that multicast leaves through, or -1 for
   * none. 0 is not an interface and is refused by validation.
   *
   * Since: 1.0
   */
  properties[PROP_INTERFACE_INDEX] =
    g_param_spec_int ("interface-index", NULL, NULL,
                      G_MININT, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:interface-name: (getter get_interface_name) (setter set_interface_name)
   *
   * The name of the interface that multicast leaves through, such as
   * `eth0`, or %NULL. It is resolved to an index when the publication is
   * created.
   *
   * Since: 1.0
   */
  properties[PROP_INTERFACE_NAME] =
    g_param_spec_string ("interface-name", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:ttl: (getter get_ttl) (setter set_ttl)
   *
   * The IPv4 multicast TTL or IPv6 multicast hop limit. The default, 1,
   * keeps packets on the local network.
   *
   * Since: 1.0
   */
  properties[PROP_TTL] =
    g_param_spec_uint ("ttl", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_TTL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:loopback: (getter get_loopback) (setter set_loopback)
   *
   * Whether members of the group on the sending host receive the packets.
   *
   * Since: 1.0
   */
  properties[PROP_LOOPBACK] =
    g_param_spec_boolean ("loopback", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:shared-socket: (getter get_shared_socket) (setter set_shared_socket)
   *
   * Whether the publication may share one unconnected socket with the
   * other publications of its context that send alike: the same family,
   * source address and port, interface, TTL and loopback. Each datagram
   * then names its group (`sendto()`), so that a process can drive
   * 100 000 groups with a few descriptors, and
   * [method@Mctx.Context.send_bytes_batch] carries datagrams for many
   * groups in one system call. Off by default. A shared socket cannot be
   * stolen, and caller-provided sockets are never shared.
   *
   * Since: 1.0
   */
  properties[PROP_SHARED_SOCKET] =
    g_param_spec_boolean ("shared-socket", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:traffic-class: (getter get_traffic_class) (setter set_traffic_class)
   *
   * The IPv4 type of service or IPv6 traffic class of the datagrams, 0 to
   * 255: the DSCP in its upper six bits (`dscp << 2`), ECN in the lower two.
   * A value above 255 is refused when the publication is created
   * (%MCTX_ERROR_INVALID_TRAFFIC_CLASS).
   *
   * Since: 1.0
   */
  properties[PROP_TRAFFIC_CLASS] =
    g_param_spec_uint ("traffic-class", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:send-buffer-size: (getter get_send_buffer_size) (setter set_send_buffer_size)
   *
   * The socket's send buffer in bytes (`SO_SNDBUF`, which Linux doubles for
   * its bookkeeping and bounds by `net.core.wmem_max`), or 0 for the
   * system's default.
   *
   * Since: 1.0
   */
  properties[PROP_SEND_BUFFER_SIZE] =
    g_param_spec_uint ("send-buffer-size", NULL, NULL, 0, G_MAXINT / 2, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mctx_publication_config_init (MctxPublicationConfig *self)
{
  self->interface_index = -1;
  self->ttl = DEFAULT_TTL;
  self->loopback = TRUE;
}

static GInetAddress *
parse_address (const char  *text,
               const char  *what,
               GError     **error)
{
  GInetAddress *address = g_inet_address_new_from_string (text);

  if (address == NULL)
    g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS,
                 /* Translators: the first %s is what the address is for
                  * ("group", "source address", …), the second what was given. */
                 _("Invalid %s “%s”: not an IP address"), what, text);

  return address;
}

/**
 * mctx_publication_config_new:
 * @group: the multicast group, as a string such as `239.1.2.3` or
 *   `ff3e::8000:1234`
 * @port: the destination UDP port
 * @error: return location for a #GError
 *
 * Creates a configuration for sending to @group and @port. Only the syntax
 * of @group is checked here; [method@Mctx.PublicationConfig.validate] checks
 * the rest.
 *
 * Returns: (transfer full): a new configuration, or %NULL if @group is not an
 *   IP address
 *
 * Since: 1.0
 */
MctxPublicationConfig *
mctx_publication_config_new (const char  *group,
                             guint        port,
                             GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;

  g_return_val_if_fail (group != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _mctx_ensure_i18n ();

  address = parse_address (group, _("group"), error);
  if (address == NULL)
    return NULL;

  return mctx_publication_config_new_for_address (address, port);
}

/**
 * mctx_publication_config_new_for_address:
 * @group: the multicast group
 * @port: the destination UDP port
 *
 * Creates a configuration for sending to @group and @port.
 *
 * Returns: (transfer full): a new configuration
 *
 * Since: 1.0
 */
MctxPublicationConfig *
mctx_publication_config_new_for_address (GInetAddress *group,
                                         guint         port)
{
  g_return_val_if_fail (G_IS_INET_ADDRESS (group), NULL);

  return g_object_new (MCTX_TYPE_PUBLICATION_CONFIG,
                       "group", group,
                       "port", port,
                       NULL);
}

/**
 * mctx_publication_config_copy:
 * @self: a configuration
 *
 * Creates an independent copy of @self.
 *
 * Returns: (transfer full): the copy
 *
 * Since: 1.0
 */
MctxPublicationConfig *
mctx_publication_config_copy (MctxPublicationConfig *self)
{
  MctxPublicationConfig *copy;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), NULL);

  copy = g_object_new (MCTX_TYPE_PUBLICATION_CONFIG, NULL);
  g_set_object (&copy->group, self->group);
  copy->port = self->port;
  g_set_object (&copy->source_address, self->source_address);
  copy->source_port = self->source_port;
  g_set_object (&copy->outgoing_interface, self->outgoing_interface);
  copy->interface_index = self->interface_index;
  copy->interface_name = g_strdup (self->interface_name);
  copy->ttl = self->ttl;
  copy->loopback = self->loopback;
  copy->shared_socket = self->shared_socket;
  copy->traffic_class = self->traffic_class;
  copy->send_buffer_size = self->send_buffer_size;

  return copy;
}

static gboolean
addresses_equal (GInetAddress *a,
                 GInetAddress *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_inet_address_equal (a, b);
}

/**
 * mctx_publication_config_equal:
 * @self: a configuration
 * @other: another configuration
 *
 * Compares every setting of two configurations. A context refuses a
 * configuration equal to one it already publishes.
 *
 * Returns: %TRUE if @self and @other configure the same publication
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_equal (MctxPublicationConfig *self,
                               MctxPublicationConfig *other)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (other), FALSE);

  return addresses_equal (self->group, other->group) &&
         self->port == other->port &&
         addresses_equal (self->source_address, other->source_address) &&
         self->source_port == other->source_port &&
         addresses_equal (self->outgoing_interface, other->outgoing_interface) &&
         self->interface_index == other->interface_index &&
         g_strcmp0 (self->interface_name, other->interface_name) == 0 &&
         self->ttl == other->ttl &&
         self->loopback == other->loopback &&
         self->shared_socket == other->shared_socket &&
         self->traffic_class == other->traffic_class &&
         self->send_buffer_size == other->send_buffer_size;
}

/* The private helper both configuration types hash addresses with. */
guint
_mctx_inet_address_hash (GInetAddress *address)
{
  const guint8 *bytes;
  gsize size;
  guint hash = 5381;

  if (address == NULL)
    return 0;

  bytes = g_inet_address_to_bytes (address);
  size = g_inet_address_get_native_size (address);
  for (gsize i = 0; i < size; i++)
    hash = hash * 33 + bytes[i];
  return hash;
}

/**
 * mctx_publication_config_hash:
 * @self: a configuration
 *
 * A hash of everything [method@Mctx.PublicationConfig.equal] compares: equal
 * configurations hash alike, so that configurations can key a #GHashTable
 * (with mctx_publication_config_equal()), as a context's duplicate check
 * does.
 *
 * Returns: the hash
 *
 * Since: 1.0
 */
guint
mctx_publication_config_hash (MctxPublicationConfig *self)
{
  guint hash;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), 0);

  hash = _mctx_inet_address_hash (self->group);
  hash = hash * 31 + self->port;
  hash = hash * 31 + _mctx_inet_address_hash (self->source_address);
  hash = hash * 31 + self->source_port;
  hash = hash * 31 + _mctx_inet_address_hash (self->outgoing_interface);
  hash = hash * 31 + (guint) self->interface_index;
  hash = hash * 31 + (self->interface_name != NULL ? g_str_hash (self->interface_name) : 0);
  hash = hash * 31 + (guint) self->ttl;
  hash = hash * 2 + (self->loopback ? 1 : 0);
  hash = hash * 31 + self->traffic_class;
  hash = hash * 31 + self->send_buffer_size;
  return hash * 2 + (self->shared_socket ? 1 : 0);
}

static void
append_address (GString      *string,
                GInetAddress *address,
                guint         port)
{
  g_autofree char *text = g_inet_address_to_string (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    g_string_append_printf (string, "[%s]:%u", text, port);
  else
    g_string_append_printf (string, "%s:%u", text, port);
}

/**
 * mctx_publication_config_to_string:
 * @self: a configuration
 *
 * Describes @self in one line, for messages and logs, such as
 * `239.1.2.3:5000 from 192.0.2.7:0 via 192.0.2.7 ttl 8`.
 *
 * Returns: (transfer full): the description
 *
 * Since: 1.0
 */
char *
mctx_publication_config_to_string (MctxPublicationConfig *self)
{
  GString *string;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), NULL);

  string = g_string_new (NULL);

  if (self->group != NULL)
    append_address (string, self->group, self->port);
  else
    g_string_append_printf (string, "(no group):%u", self->port);

  if (self->source_address != NULL)
    {
      g_string_append (string, " from ");
      append_address (string, self->source_address, self->source_port);
    }
  else if (self->source_port != 0)
    g_string_append_printf (string, " from port %u", self->source_port);

  if (self->outgoing_interface != NULL)
    {
      g_autofree char *text = g_inet_address_to_string (self->outgoing_interface);
      g_string_append_printf (string, " via %s", text);
    }
  if (self->interface_name != NULL)
    g_string_append_printf (string, " dev %s", self->interface_name);
  if (self->interface_index >= 0)
    g_string_append_printf (string, " ifindex %d", self->interface_index);

  g_string_append_printf (string, " ttl %u", self->ttl);
  if (!self->loopback)
    g_string_append (string, " no-loopback");
  if (self->traffic_class != 0)
    g_string_append_printf (string, " tclass 0x%02x", self->traffic_class);
  if (self->send_buffer_size != 0)
    g_string_append_printf (string, " sndbuf %u", self->send_buffer_size);
  if (self->shared_socket)
    g_string_append (string, " shared");

  return g_string_free (string, FALSE);
}

static gboolean
address_is_unusable (GInetAddress *address)
{
  return g_inet_address_get_is_any (address) ||
         g_inet_address_get_is_multicast (address);
}

/**
 * mctx_publication_config_validate:
 * @self: a configuration
 * @error: return location for a #GError
 *
 * Checks @self without touching the system: a multicast group, ports in
 * range, usable source and interface addresses of the group's family, an
 * interface index other than 0, and an interface for interface-local and
 * link-local IPv6 groups. Whether addresses are assigned to this host is
 * checked when a publication is created.
 *
 * Returns: %TRUE if @self is valid, %FALSE with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_validate (MctxPublicationConfig  *self,
                                  GError                **error)
{
  g_autofree char *group_text = NULL;
  GSocketFamily family;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->group == NULL)
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_MISSING_GROUP,
                           _("The configuration has no multicast group"));
      return FALSE;
    }

  group_text = g_inet_address_to_string (self->group);
  family = g_inet_address_get_family (self->group);

  if (!g_inet_address_get_is_multicast (self->group))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_NOT_MULTICAST,
                   _("%s is not a multicast group (IPv4 224.0.0.0/4 or IPv6 ff00::/8)"),
                   group_text);
      return FALSE;
    }

  if (self->port == 0 || self->port > G_MAXUINT16)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_PORT,
                   _("Invalid destination port %u: it must be between 1 and 65535"),
                   self->port);
      return FALSE;
    }

  if (self->source_port > G_MAXUINT16)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_SOURCE_PORT,
                   _("Invalid source port %u: it must be between 0 and 65535"),
                   self->source_port);
      return FALSE;
    }

  if (self->source_address != NULL)
    {
      g_autofree char *text = g_inet_address_to_string (self->source_address);

      if (address_is_unusable (self->source_address))
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_SOURCE_ADDRESS,
                       _("Invalid source address %s: it must be a unicast address, not unspecified or multicast"),
                       text);
          return FALSE;
        }
      if (g_inet_address_get_family (self->source_address) != family)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_SOURCE_FAMILY_MISMATCH,
                       _("Source address %s is not of the same address family as group %s"),
                       text, group_text);
          return FALSE;
        }
    }

  if (self->outgoing_interface != NULL)
    {
      g_autofree char *text = g_inet_address_to_string (self->outgoing_interface);

      if (address_is_unusable (self->outgoing_interface))
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_INTERFACE_ADDRESS,
                       _("Invalid interface address %s: it must be a unicast address, not unspecified or multicast"),
                       text);
          return FALSE;
        }
      if (g_inet_address_get_family (self->outgoing_interface) != family)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_INTERFACE_FAMILY_MISMATCH,
                       _("Interface address %s is not of the same address family as group %s"),
                       text, group_text);
          return FALSE;
        }
    }

  if (self->interface_index == 0 || self->interface_index < -1)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_INTERFACE_INDEX,
                   _("Invalid interface index %d: interface indexes start at 1"),
                   self->interface_index);
      return FALSE;
    }

  if (self->ttl > 255)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_TTL,
                   _("Invalid TTL %u: it must be between 0 and 255"), self->ttl);
      return FALSE;
    }

  if (self->traffic_class > 255)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_TRAFFIC_CLASS,
                   _("Invalid traffic class %u: it must be between 0 and 255 (DSCP 0 to 63, shifted left by 2)"),
                   self->traffic_class);
      return FALSE;
    }

  if (self->interface_name != NULL && self->interface_name[0] == '\0')
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE,
                           _("The interface name is empty"));
      return FALSE;
    }

  if (mctx_address_scope_needs_interface (self->group) &&
      self->source_address == NULL &&
      self->outgoing_interface == NULL &&
      self->interface_index < 0 &&
      self->interface_name == NULL)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_SCOPE_NEEDS_INTERFACE,
                   _("Group %s is interface-local or link-local: set a source address, an outgoing interface, an interface index or an interface name"),
                   group_text);
      return FALSE;
    }

  return TRUE;
}

/**
 * mctx_publication_config_get_group: (get-property group)
 * @self: a configuration
 *
 * Gets the multicast group.
 *
 * Returns: (transfer none) (nullable): the group
 *
 * Since: 1.0
 */
GInetAddress *
mctx_publication_config_get_group (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), NULL);

  return self->group;
}

/**
 * mctx_publication_config_set_group: (set-property group)
 * @self: a configuration
 * @group: (nullable): the multicast group
 *
 * Sets the multicast group.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_group (MctxPublicationConfig *self,
                                   GInetAddress          *group)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));
  g_return_if_fail (group == NULL || G_IS_INET_ADDRESS (group));

  if (addresses_equal (self->group, group))
    return;

  g_set_object (&self->group, group);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP]);
}

/**
 * mctx_publication_config_set_group_string:
 * @self: a configuration
 * @group: the multicast group, as a string
 * @error: return location for a #GError
 *
 * Sets the multicast group from a string such as `239.1.2.3`.
 *
 * Returns: %TRUE on success, %FALSE if @group is not an IP address
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_set_group_string (MctxPublicationConfig  *self,
                                          const char             *group,
                                          GError                **error)
{
  g_autoptr(GInetAddress) address = NULL;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);
  g_return_val_if_fail (group != NULL, FALSE);

  address = parse_address (group, _("group"), error);
  if (address == NULL)
    return FALSE;

  mctx_publication_config_set_group (self, address);
  return TRUE;
}

/**
 * mctx_publication_config_is_ssm:
 * @self: a configuration
 *
 * Tells whether the group is a source-specific multicast group; see
 * [func@Mctx.address_is_ssm].
 *
 * Returns: %TRUE if the group is an SSM group
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_is_ssm (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);

  return self->group != NULL && mctx_address_is_ssm (self->group);
}

/**
 * mctx_publication_config_get_port: (get-property port)
 * @self: a configuration
 *
 * Gets the destination UDP port.
 *
 * Returns: the port
 *
 * Since: 1.0
 */
guint
mctx_publication_config_get_port (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), 0);

  return self->port;
}

/**
 * mctx_publication_config_set_port: (set-property port)
 * @self: a configuration
 * @port: the destination UDP port
 *
 * Sets the destination UDP port.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_port (MctxPublicationConfig *self,
                                  guint                  port)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

/**
 * mctx_publication_config_get_source_address: (get-property source-address)
 * @self: a configuration
 *
 * Gets the source address to bind.
 *
 * Returns: (transfer none) (nullable): the source address
 *
 * Since: 1.0
 */
GInetAddress *
mctx_publication_config_get_source_address (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), NULL);

  return self->source_address;
}

/**
 * mctx_publication_config_set_source_address: (set-property source-address)
 * @self: a configuration
 * @address: (nullable): the source address, or %NULL for none
 *
 * Sets the exact source address to bind.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_source_address (MctxPublicationConfig *self,
                                            GInetAddress          *address)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));
  g_return_if_fail (address == NULL || G_IS_INET_ADDRESS (address));

  if (addresses_equal (self->source_address, address))
    return;

  g_set_object (&self->source_address, address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE_ADDRESS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BIND_ADDRESS]);
}

/**
 * mctx_publication_config_set_source_address_string:
 * @self: a configuration
 * @address: (nullable): the source address as a string, or %NULL for none
 * @error: return location for a #GError
 *
 * Sets the exact source address to bind from a string such as `fd00::1`.
 *
 * Returns: %TRUE on success, %FALSE if @address is not an IP address
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_set_source_address_string (MctxPublicationConfig  *self,
                                                   const char             *address,
                                                   GError                **error)
{
  g_autoptr(GInetAddress) parsed = NULL;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);

  if (address != NULL)
    {
      parsed = parse_address (address, _("source address"), error);
      if (parsed == NULL)
        return FALSE;
    }

  mctx_publication_config_set_source_address (self, parsed);
  return TRUE;
}

/**
 * mctx_publication_config_get_source_port: (get-property source-port)
 * @self: a configuration
 *
 * Gets the local UDP port to bind.
 *
 * Returns: the source port, 0 if the kernel chooses it
 *
 * Since: 1.0
 */
guint
mctx_publication_config_get_source_port (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), 0);

  return self->source_port;
}

/**
 * mctx_publication_config_set_source_port: (set-property source-port)
 * @self: a configuration
 * @port: the source port, 0 for one the kernel chooses
 *
 * Sets the local UDP port to bind.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_source_port (MctxPublicationConfig *self,
                                         guint                  port)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  if (self->source_port == port)
    return;

  self->source_port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE_PORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BIND_ADDRESS]);
}

/**
 * mctx_publication_config_dup_bind_address: (get-property bind-address)
 * @self: a configuration
 *
 * Gets the source address and port together, as the socket address the
 * publication binds.
 *
 * Returns: (transfer full) (nullable): a new socket address, or %NULL when
 *   no source address is set
 *
 * Since: 1.0
 */
GInetSocketAddress *
mctx_publication_config_dup_bind_address (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), NULL);

  if (self->source_address == NULL)
    return NULL;

  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (self->source_address,
                                                           (guint16) MIN (self->source_port, G_MAXUINT16)));
}

/**
 * mctx_publication_config_set_bind_address: (set-property bind-address)
 * @self: a configuration
 * @address: (nullable): the local socket address to bind, or %NULL for none
 *
 * Sets the source address and the source port together from one socket
 * address; %NULL clears both.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_bind_address (MctxPublicationConfig *self,
                                          GInetSocketAddress    *address)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));
  g_return_if_fail (address == NULL || G_IS_INET_SOCKET_ADDRESS (address));

  g_object_freeze_notify (G_OBJECT (self));
  mctx_publication_config_set_source_address (self, address != NULL ? g_inet_socket_address_get_address (address) : NULL);
  mctx_publication_config_set_source_port (self, address != NULL ? g_inet_socket_address_get_port (address) : 0);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * mctx_publication_config_set_bind_address_string:
 * @self: a configuration
 * @address: the local socket address, as `192.0.2.7:4000` or
 *   `[fd00::1]:4000`
 * @error: return location for a #GError
 *
 * Sets the source address and the source port together from a string.
 *
 * Returns: %TRUE on success, %FALSE if @address is not an IP address with a
 *   port
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_set_bind_address_string (MctxPublicationConfig  *self,
                                                 const char             *address,
                                                 GError                **error)
{
  g_autoptr(GInetAddress) host = NULL;
  const char *colon;
  const char *port_text;
  g_autofree char *host_text = NULL;
  guint64 port;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  colon = strrchr (address, ':');
  if (address[0] == '[')
    {
      const char *bracket = strchr (address, ']');

      if (bracket != NULL && bracket[1] == ':')
        {
          host_text = g_strndup (address + 1, bracket - address - 1);
          port_text = bracket + 2;
        }
      else
        port_text = NULL;
    }
  else if (colon != NULL && strchr (address, ':') == colon)
    {
      host_text = g_strndup (address, colon - address);
      port_text = colon + 1;
    }
  else
    port_text = NULL;

  if (host_text != NULL)
    host = g_inet_address_new_from_string (host_text);

  if (host == NULL || port_text == NULL ||
      !g_ascii_string_to_unsigned (port_text, 10, 0, G_MAXUINT16, &port, NULL))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS,
                   _("Invalid bind address “%s”: expected ADDRESS:PORT, with IPv6 addresses in brackets"),
                   address);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  mctx_publication_config_set_source_address (self, host);
  mctx_publication_config_set_source_port (self, (guint) port);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/**
 * mctx_publication_config_get_outgoing_interface: (get-property outgoing-interface)
 * @self: a configuration
 *
 * Gets the address of the outgoing interface.
 *
 * Returns: (transfer none) (nullable): the interface address
 *
 * Since: 1.0
 */
GInetAddress *
mctx_publication_config_get_outgoing_interface (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), NULL);

  return self->outgoing_interface;
}

/**
 * mctx_publication_config_set_outgoing_interface: (set-property outgoing-interface)
 * @self: a configuration
 * @address: (nullable): the interface address, or %NULL for none
 *
 * Sets the address of the interface that multicast leaves through.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_outgoing_interface (MctxPublicationConfig *self,
                                                GInetAddress          *address)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));
  g_return_if_fail (address == NULL || G_IS_INET_ADDRESS (address));

  if (addresses_equal (self->outgoing_interface, address))
    return;

  g_set_object (&self->outgoing_interface, address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTGOING_INTERFACE]);
}

/**
 * mctx_publication_config_set_outgoing_interface_string:
 * @self: a configuration
 * @address: (nullable): the interface address as a string, or %NULL for none
 * @error: return location for a #GError
 *
 * Sets the address of the outgoing interface from a string such as
 * `127.0.0.1`.
 *
 * Returns: %TRUE on success, %FALSE if @address is not an IP address
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_set_outgoing_interface_string (MctxPublicationConfig  *self,
                                                       const char             *address,
                                                       GError                **error)
{
  g_autoptr(GInetAddress) parsed = NULL;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);

  if (address != NULL)
    {
      parsed = parse_address (address, _("interface address"), error);
      if (parsed == NULL)
        return FALSE;
    }

  mctx_publication_config_set_outgoing_interface (self, parsed);
  return TRUE;
}

/**
 * mctx_publication_config_get_interface_index: (get-property interface-index)
 * @self: a configuration
 *
 * Gets the index of the outgoing interface.
 *
 * Returns: the interface index, or -1 if none is set
 *
 * Since: 1.0
 */
int
mctx_publication_config_get_interface_index (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), -1);

  return self->interface_index;
}

/**
 * mctx_publication_config_set_interface_index: (set-property interface-index)
 * @self: a configuration
 * @index: the interface index, or -1 for none
 *
 * Sets the index of the interface that multicast leaves through.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_interface_index (MctxPublicationConfig *self,
                                             int                    index)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  if (self->interface_index == index)
    return;

  self->interface_index = index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE_INDEX]);
}

/**
 * mctx_publication_config_get_interface_name: (get-property interface-name)
 * @self: a configuration
 *
 * Gets the name of the outgoing interface.
 *
 * Returns: (transfer none) (nullable): the interface name
 *
 * Since: 1.0
 */
const char *
mctx_publication_config_get_interface_name (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), NULL);

  return self->interface_name;
}

/**
 * mctx_publication_config_set_interface_name: (set-property interface-name)
 * @self: a configuration
 * @name: (nullable): the interface name, such as `eth0`, or %NULL for none
 *
 * Sets the name of the interface that multicast leaves through.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_interface_name (MctxPublicationConfig *self,
                                            const char            *name)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  if (g_strcmp0 (self->interface_name, name) == 0)
    return;

  g_free (self->interface_name);
  self->interface_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE_NAME]);
}

/**
 * mctx_publication_config_get_ttl: (get-property ttl)
 * @self: a configuration
 *
 * Gets the multicast TTL (IPv4) or hop limit (IPv6).
 *
 * Returns: the TTL
 *
 * Since: 1.0
 */
guint
mctx_publication_config_get_ttl (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), DEFAULT_TTL);

  return self->ttl;
}

/**
 * mctx_publication_config_set_ttl: (set-property ttl)
 * @self: a configuration
 * @ttl: the TTL or hop limit, 0 to 255
 *
 * Sets the multicast TTL (IPv4) or hop limit (IPv6).
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_ttl (MctxPublicationConfig *self,
                                 guint                  ttl)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  if (self->ttl == ttl)
    return;

  self->ttl = ttl;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TTL]);
}

/**
 * mctx_publication_config_get_loopback: (get-property loopback)
 * @self: a configuration
 *
 * Gets whether members on the sending host receive the packets.
 *
 * Returns: %TRUE if multicast loopback is on
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_get_loopback (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), TRUE);

  return self->loopback;
}

/**
 * mctx_publication_config_set_loopback: (set-property loopback)
 * @self: a configuration
 * @loopback: whether members on the sending host receive the packets
 *
 * Sets multicast loopback.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_loopback (MctxPublicationConfig *self,
                                      gboolean               loopback)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  loopback = !!loopback;
  if (self->loopback == loopback)
    return;

  self->loopback = loopback;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOPBACK]);
}

/**
 * mctx_publication_config_get_shared_socket: (get-property shared-socket)
 * @self: a configuration
 *
 * Gets whether the publication may share its socket.
 *
 * Returns: %TRUE if the socket may be shared
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_get_shared_socket (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);

  return self->shared_socket;
}

/**
 * mctx_publication_config_set_shared_socket: (set-property shared-socket)
 * @self: a configuration
 * @shared: whether the publication may share one unconnected socket with
 *   publications that send alike
 *
 * Sets whether the publication may share its socket; see
 * [property@Mctx.PublicationConfig:shared-socket].
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_shared_socket (MctxPublicationConfig *self,
                                           gboolean               shared)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  shared = !!shared;
  if (self->shared_socket == shared)
    return;

  self->shared_socket = shared;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARED_SOCKET]);
}

/**
 * mctx_publication_config_get_traffic_class: (get-property traffic-class)
 * @self: a configuration
 *
 * Gets the IPv4 type of service or IPv6 traffic class.
 *
 * Returns: the traffic class
 *
 * Since: 1.0
 */
guint
mctx_publication_config_get_traffic_class (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), 0);

  return self->traffic_class;
}

/**
 * mctx_publication_config_set_traffic_class: (set-property traffic-class)
 * @self: a configuration
 * @traffic_class: the IPv4 type of service or IPv6 traffic class, 0 to 255
 *
 * Sets the traffic class of the datagrams; see
 * [property@Mctx.PublicationConfig:traffic-class].
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_traffic_class (MctxPublicationConfig *self,
                                           guint                  traffic_class)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  if (self->traffic_class == traffic_class)
    return;

  self->traffic_class = traffic_class;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAFFIC_CLASS]);
}

/**
 * mctx_publication_config_get_send_buffer_size: (get-property send-buffer-size)
 * @self: a configuration
 *
 * Gets the send buffer size asked for.
 *
 * Returns: the size in bytes, or 0 for the system's default
 *
 * Since: 1.0
 */
guint
mctx_publication_config_get_send_buffer_size (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), 0);

  return self->send_buffer_size;
}

/**
 * mctx_publication_config_set_send_buffer_size: (set-property send-buffer-size)
 * @self: a configuration
 * @size: the send buffer in bytes, or 0 for the system's default
 *
 * Sets the socket's send buffer size.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_send_buffer_size (MctxPublicationConfig *self,
                                              guint                  size)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));
  g_return_if_fail (size <= G_MAXINT / 2);

  if (self->send_buffer_size == size)
    return;

  self->send_buffer_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEND_BUFFER_SIZE]);
}
