/* mctx-publication-config.c: how a publication leaves the host
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <net/if.h>
#include <string.h>

#include "mctx-private.h"

/**
 * MctxPublicationConfig:
 *
 * What every kind of publication shares: how its datagrams leave the host.
 * That is the egress interface (by address, index or name, which must
 * agree when several are set), the local address to bind, the TTL or hop
 * limit, whether the host's own members receive the datagrams, the traffic
 * class and the send buffer.
 *
 * A configuration is a plain value object: it creates no socket.
 * [method@Mctx.PublicationConfig.validate] checks it without touching the
 * system; [method@Mctx.Context.add_publication] resolves it against the
 * host's interfaces and creates a ready publication from a copy of it.
 *
 * The kinds are [class@Mctx.UdpPublicationConfig], one multicast group
 * and port, and [class@Mctx.RawPublicationConfig], complete IP datagrams.
 * Their constructors return this type, as GIO's socket address
 * constructors return a [class@Gio.SocketAddress].
 *
 * Threads: a configuration is for one thread at a time. A publication keeps
 * its own copy, so changing or freeing the configuration afterwards, from
 * any thread, never touches the publication.
 *
 * See also: [Using mctx](usage.html).
 *
 * Since: 1.0
 */

typedef struct
{
  /* The bind address in parts, so that a UDP source port can be set
   * before its address, and a raw bind address keeps its scope. */
  GInetAddress *bind_host;
  guint bind_port;
  guint32 bind_scope_id;

  GInetAddress *outgoing_interface;
  guint interface_index;
  char *interface_name;
  int ttl;
  gboolean loopback;
  gboolean departure_timestamps;
  guint traffic_class;
  guint send_buffer_size;
} MctxPublicationConfigPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (MctxPublicationConfig, mctx_publication_config, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BIND_ADDRESS,
  PROP_OUTGOING_INTERFACE,
  PROP_INTERFACE_INDEX,
  PROP_INTERFACE_NAME,
  PROP_TTL,
  PROP_LOOPBACK,
  PROP_DEPARTURE_TIMESTAMPS,
  PROP_TRAFFIC_CLASS,
  PROP_SEND_BUFFER_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define PRIV(self) ((MctxPublicationConfigPrivate *) mctx_publication_config_get_instance_private (self))

static void
mctx_publication_config_finalize (GObject *object)
{
  MctxPublicationConfigPrivate *priv = PRIV (MCTX_PUBLICATION_CONFIG (object));

  g_clear_object (&priv->bind_host);
  g_clear_object (&priv->outgoing_interface);
  g_clear_pointer (&priv->interface_name, g_free);

  G_OBJECT_CLASS (mctx_publication_config_parent_class)->finalize (object);
}

static void
mctx_publication_config_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  MctxPublicationConfig *self = MCTX_PUBLICATION_CONFIG (object);
  MctxPublicationConfigPrivate *priv = PRIV (self);

  switch (prop_id)
    {
    case PROP_BIND_ADDRESS:
      g_value_take_object (value, mctx_publication_config_dup_bind_address (self));
      break;
    case PROP_OUTGOING_INTERFACE:
      g_value_set_object (value, priv->outgoing_interface);
      break;
    case PROP_INTERFACE_INDEX:
      g_value_set_uint (value, priv->interface_index);
      break;
    case PROP_INTERFACE_NAME:
      g_value_set_string (value, priv->interface_name);
      break;
    case PROP_TTL:
      g_value_set_int (value, priv->ttl);
      break;
    case PROP_LOOPBACK:
      g_value_set_boolean (value, priv->loopback);
      break;
    case PROP_DEPARTURE_TIMESTAMPS:
      g_value_set_boolean (value, priv->departure_timestamps);
      break;
    case PROP_TRAFFIC_CLASS:
      g_value_set_uint (value, priv->traffic_class);
      break;
    case PROP_SEND_BUFFER_SIZE:
      g_value_set_uint (value, priv->send_buffer_size);
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
    case PROP_BIND_ADDRESS:
      mctx_publication_config_set_bind_address (self, g_value_get_object (value));
      break;
    case PROP_OUTGOING_INTERFACE:
      mctx_publication_config_set_outgoing_interface (self, g_value_get_object (value));
      break;
    case PROP_INTERFACE_INDEX:
      mctx_publication_config_set_interface_index (self, g_value_get_uint (value));
      break;
    case PROP_INTERFACE_NAME:
      mctx_publication_config_set_interface_name (self, g_value_get_string (value));
      break;
    case PROP_TTL:
      mctx_publication_config_set_ttl (self, g_value_get_int (value));
      break;
    case PROP_LOOPBACK:
      mctx_publication_config_set_loopback (self, g_value_get_boolean (value));
      break;
    case PROP_DEPARTURE_TIMESTAMPS:
      mctx_publication_config_set_departure_timestamps (self, g_value_get_boolean (value));
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
   * MctxPublicationConfig:bind-address: (getter dup_bind_address) (setter set_bind_address)
   *
   * The local socket address to bind before sending; %NULL for none.
   * A UDP publication binds it exactly, so receivers see it as the
   * datagrams' source (see [property@Mctx.UdpPublicationConfig:source-address]).
   * A raw publication egresses through the interface it is assigned to,
   * and its port must be 0. An IPv6 link-local address keeps its scope id.
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
   * The address of the interface that datagrams leave through. For IPv4
   * UDP it sets `IP_MULTICAST_IF`; otherwise it is resolved to its
   * interface, and a UDP publication over IPv6 binds it as the source when
   * no bind address is set.
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
   * The index of the interface that datagrams leave through, or 0 for
   * none. Interface indexes are #guint everywhere in mctx, and 0 is never
   * an interface.
   *
   * Since: 1.0
   */
  properties[PROP_INTERFACE_INDEX] =
    g_param_spec_uint ("interface-index", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:interface-name: (getter get_interface_name) (setter set_interface_name)
   *
   * The name of the interface that datagrams leave through, such as
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
   * The IPv4 TTL or IPv6 hop limit, 0 to 255, or -1 to leave it alone. A
   * UDP configuration starts at 1, which keeps packets on the local
   * network; a raw one at -1, the datagrams' own. Other values are kept
   * and refused by validation (%MCTX_ERROR_INVALID_TTL).
   *
   * Since: 1.0
   */
  properties[PROP_TTL] =
    g_param_spec_int ("ttl", NULL, NULL,
                      G_MININT, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:loopback: (getter get_loopback) (setter set_loopback)
   *
   * Whether members of the group on the sending host receive the
   * datagrams. UDP configurations start with it on; raw ones off, since
   * IPv6 raw datagrams leave at the link layer and cannot loop back.
   *
   * Since: 1.0
   */
  properties[PROP_LOOPBACK] =
    g_param_spec_boolean ("loopback", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:departure-timestamps: (getter get_departure_timestamps) (setter set_departure_timestamps)
   *
   * Whether the publication measures when its datagrams really leave: the
   * kernel's software transmit timestamp of each one (`SO_TIMESTAMPING`),
   * against the time it was due — the send call, or its slot in a
   * [class@Mctx.PacedSender]'s schedule. The error of each is kept in a
   * log-scale histogram of the metrics
   * ([method@Mctx.MetricsSnapshot.get_departure_error]), with
   * %MCTX_METRICS_COUNTER_DEPARTURES_MEASURED and, for timestamps that
   * never came, %MCTX_METRICS_COUNTER_DEPARTURES_MISSING.
   *
   * Timestamps wait in the socket's error queue until something reads it:
   * the publication's source ([method@Mctx.Publication.create_source]), a
   * paced sender after each send, or a metrics snapshot. They never slow a
   * send down, but sends on such a publication take turns, so that each
   * timestamp is matched to its datagram by the kernel's count. A segmented
   * send gets one timestamp, for its first datagram. Raw publications take
   * them too, on IPv4 raw and IPv6 packet sockets. A shared socket cannot
   * measure departures: validation refuses the combination.
   *
   * Since: 1.0
   */
  properties[PROP_DEPARTURE_TIMESTAMPS] =
    g_param_spec_boolean ("departure-timestamps", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublicationConfig:traffic-class: (getter get_traffic_class) (setter set_traffic_class)
   *
   * The IPv4 type of service or IPv6 traffic class of the datagrams, 0 to
   * 255: the DSCP in its upper six bits (`dscp << 2`), ECN in the lower two.
   * A value above 255 is refused by validation
   * (%MCTX_ERROR_INVALID_TRAFFIC_CLASS). Raw datagrams carry their own, so
   * a raw configuration refuses any but 0.
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
  MctxPublicationConfigPrivate *priv = PRIV (self);

  priv->ttl = -1;
  priv->loopback = TRUE;
}

static gboolean
addresses_equal (GInetAddress *a,
                 GInetAddress *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_inet_address_equal (a, b);
}

GInetAddress *
_mctx_parse_address (const char  *text,
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

/* The private helper every configuration hashes addresses with. */
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
 * mctx_publication_config_copy:
 * @self: a configuration
 *
 * Creates an independent copy of @self, of the same kind.
 *
 * Returns: (transfer full): the copy
 *
 * Since: 1.0
 */
MctxPublicationConfig *
mctx_publication_config_copy (MctxPublicationConfig *self)
{
  MctxPublicationConfigPrivate *priv, *copy_priv;
  MctxPublicationConfig *copy;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), NULL);

  copy = g_object_new (G_OBJECT_TYPE (self), NULL);
  priv = PRIV (self);
  copy_priv = PRIV (copy);
  g_set_object (&copy_priv->bind_host, priv->bind_host);
  copy_priv->bind_port = priv->bind_port;
  copy_priv->bind_scope_id = priv->bind_scope_id;
  g_set_object (&copy_priv->outgoing_interface, priv->outgoing_interface);
  copy_priv->interface_index = priv->interface_index;
  copy_priv->interface_name = g_strdup (priv->interface_name);
  copy_priv->ttl = priv->ttl;
  copy_priv->loopback = priv->loopback;
  copy_priv->departure_timestamps = priv->departure_timestamps;
  copy_priv->traffic_class = priv->traffic_class;
  copy_priv->send_buffer_size = priv->send_buffer_size;

  MCTX_PUBLICATION_CONFIG_GET_CLASS (self)->copy_into (self, copy);
  return copy;
}

/* Every setting of two configurations of one kind; a context refuses a
 * configuration equal to one it already publishes. */
gboolean
_mctx_publication_config_equal (MctxPublicationConfig *self,
                                MctxPublicationConfig *other)
{
  MctxPublicationConfigPrivate *a = PRIV (self), *b = PRIV (other);

  return G_OBJECT_TYPE (self) == G_OBJECT_TYPE (other) &&
         addresses_equal (a->bind_host, b->bind_host) &&
         a->bind_port == b->bind_port &&
         a->bind_scope_id == b->bind_scope_id &&
         addresses_equal (a->outgoing_interface, b->outgoing_interface) &&
         a->interface_index == b->interface_index &&
         g_strcmp0 (a->interface_name, b->interface_name) == 0 &&
         a->ttl == b->ttl &&
         a->loopback == b->loopback &&
         a->departure_timestamps == b->departure_timestamps &&
         a->traffic_class == b->traffic_class &&
         a->send_buffer_size == b->send_buffer_size &&
         MCTX_PUBLICATION_CONFIG_GET_CLASS (self)->equal (self, other);
}

/* A hash of everything _mctx_publication_config_equal() compares. */
guint
_mctx_publication_config_hash (MctxPublicationConfig *self)
{
  MctxPublicationConfigPrivate *priv = PRIV (self);
  guint hash = (guint) G_OBJECT_TYPE (self);

  hash = hash * 31 + _mctx_inet_address_hash (priv->bind_host);
  hash = hash * 31 + priv->bind_port;
  hash = hash * 31 + priv->bind_scope_id;
  hash = hash * 31 + _mctx_inet_address_hash (priv->outgoing_interface);
  hash = hash * 31 + priv->interface_index;
  hash = hash * 31 + (priv->interface_name != NULL ? g_str_hash (priv->interface_name) : 0);
  hash = hash * 31 + (guint) priv->ttl;
  hash = hash * 2 + (priv->loopback ? 1 : 0);
  hash = hash * 2 + (priv->departure_timestamps ? 1 : 0);
  hash = hash * 31 + priv->traffic_class;
  hash = hash * 31 + priv->send_buffer_size;
  return hash * 31 + MCTX_PUBLICATION_CONFIG_GET_CLASS (self)->hash (self);
}

void
_mctx_append_address (GString      *string,
                      GInetAddress *address,
                      guint         port)
{
  g_autofree char *text = g_inet_address_to_string (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    g_string_append_printf (string, "[%s]:%u", text, port);
  else
    g_string_append_printf (string, "%s:%u", text, port);
}

/* @self in one line, for messages, such as
 * `239.1.2.3:5000 from 192.0.2.7:0 via 192.0.2.7 ttl 8`. */
char *
_mctx_publication_config_to_string (MctxPublicationConfig *self)
{
  MctxPublicationConfigPrivate *priv = PRIV (self);
  GString *string = g_string_new (NULL);

  MCTX_PUBLICATION_CONFIG_GET_CLASS (self)->describe (self, string);

  if (priv->bind_host != NULL)
    {
      g_string_append (string, " from ");
      _mctx_append_address (string, priv->bind_host, priv->bind_port);
    }
  else if (priv->bind_port != 0)
    g_string_append_printf (string, " from port %u", priv->bind_port);

  if (priv->outgoing_interface != NULL)
    {
      g_autofree char *text = g_inet_address_to_string (priv->outgoing_interface);
      g_string_append_printf (string, " via %s", text);
    }
  if (priv->interface_name != NULL)
    g_string_append_printf (string, " dev %s", priv->interface_name);
  if (priv->interface_index != 0)
    g_string_append_printf (string, " ifindex %u", priv->interface_index);

  if (priv->ttl >= 0)
    g_string_append_printf (string, " ttl %d", priv->ttl);
  if (!priv->loopback)
    g_string_append (string, " no-loopback");
  if (priv->departure_timestamps)
    g_string_append (string, " departure-timestamps");
  if (priv->traffic_class != 0)
    g_string_append_printf (string, " tclass 0x%02x", priv->traffic_class);
  if (priv->send_buffer_size != 0)
    g_string_append_printf (string, " sndbuf %u", priv->send_buffer_size);

  return g_string_free (string, FALSE);
}

GSocketFamily
_mctx_publication_config_get_family (MctxPublicationConfig *self)
{
  return MCTX_PUBLICATION_CONFIG_GET_CLASS (self)->get_family (self);
}

gboolean
_mctx_publication_config_has_interface (MctxPublicationConfig *self)
{
  MctxPublicationConfigPrivate *priv = PRIV (self);

  return priv->bind_host != NULL || priv->outgoing_interface != NULL ||
         priv->interface_index != 0 || priv->interface_name != NULL;
}

GInetAddress *
_mctx_publication_config_get_bind_host (MctxPublicationConfig *self)
{
  return PRIV (self)->bind_host;
}

guint
_mctx_publication_config_get_bind_port (MctxPublicationConfig *self)
{
  return PRIV (self)->bind_port;
}

guint32
_mctx_publication_config_get_bind_scope_id (MctxPublicationConfig *self)
{
  return PRIV (self)->bind_scope_id;
}

/* Sets the bind address in parts; TRUE when it changed, so that the
 * caller notifies what it changed. */
gboolean
_mctx_publication_config_set_bind (MctxPublicationConfig *self,
                                   GInetAddress          *host,
                                   guint                  port,
                                   guint32                scope_id)
{
  MctxPublicationConfigPrivate *priv = PRIV (self);
  gboolean host_changed = !addresses_equal (priv->bind_host, host) || priv->bind_scope_id != scope_id;
  gboolean port_changed = priv->bind_port != port;

  if (!host_changed && !port_changed)
    return FALSE;

  g_set_object (&priv->bind_host, host);
  priv->bind_port = port;
  priv->bind_scope_id = host != NULL ? scope_id : 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BIND_ADDRESS]);
  if (MCTX_PUBLICATION_CONFIG_GET_CLASS (self)->bind_changed != NULL)
    MCTX_PUBLICATION_CONFIG_GET_CLASS (self)->bind_changed (self, host_changed, port_changed);
  return TRUE;
}

static gboolean
address_is_unusable (GInetAddress *address)
{
  return g_inet_address_get_is_any (address) ||
         g_inet_address_get_is_multicast (address);
}

static gboolean
check_egress_address (GInetAddress   *address,
                      GSocketFamily   family,
                      int             unusable_code,
                      int             family_code,
                      const char     *what,
                      GError        **error)
{
  g_autofree char *text = NULL;

  if (address == NULL)
    return TRUE;

  text = g_inet_address_to_string (address);
  if (address_is_unusable (address))
    {
      g_set_error (error, MCTX_ERROR, unusable_code,
                   /* Translators: "The bind address 224.0.0.1 must be…" */
                   _("The %s %s must be a unicast address, not unspecified or multicast"), what, text);
      return FALSE;
    }
  if (family != G_SOCKET_FAMILY_INVALID && g_inet_address_get_family (address) != family)
    {
      g_set_error (error, MCTX_ERROR, family_code,
                   /* Translators: "The source address 192.0.2.1 is not of the same
                    * address family (IPv6) as the publication" */
                   _("The %s %s is not of the same address family (%s) as the publication"), what, text,
                   family == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4");
      return FALSE;
    }
  return TRUE;
}

/**
 * mctx_publication_config_validate:
 * @self: a configuration
 * @error: return location for a #GError
 *
 * Checks @self without touching the system: egress addresses that are
 * unicast and of the publication's family, a TTL and traffic class in
 * range, a non-empty interface name, and what the kind itself needs (see
 * [class@Mctx.UdpPublicationConfig] and [class@Mctx.RawPublicationConfig]).
 * Whether addresses are assigned to this host, and names
 * and indexes to interfaces, is checked when a publication is created.
 *
 * Returns: %TRUE if @self is valid, %FALSE with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_validate (MctxPublicationConfig  *self,
                                  GError                **error)
{
  MctxPublicationConfigClass *klass;
  MctxPublicationConfigPrivate *priv;
  GSocketFamily family;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  klass = MCTX_PUBLICATION_CONFIG_GET_CLASS (self);
  priv = PRIV (self);

  /* The kind first: it says which family the egress must be of. */
  if (!klass->validate (self, error))
    return FALSE;
  family = klass->get_family (self);

  if (priv->bind_port > G_MAXUINT16)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_SOURCE_PORT,
                   _("Invalid source port %u: it must be between 0 and 65535"), priv->bind_port);
      return FALSE;
    }
  if (!check_egress_address (priv->bind_host, family, MCTX_ERROR_INVALID_SOURCE_ADDRESS,
                             MCTX_ERROR_SOURCE_FAMILY_MISMATCH, _("source address"), error) ||
      !check_egress_address (priv->outgoing_interface, family, MCTX_ERROR_INVALID_INTERFACE_ADDRESS,
                             MCTX_ERROR_INTERFACE_FAMILY_MISMATCH, _("interface address"), error))
    return FALSE;

  if (priv->ttl < -1 || priv->ttl > 255)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_TTL,
                   _("Invalid TTL %d: it must be between 0 and 255, or -1 to leave it alone"), priv->ttl);
      return FALSE;
    }

  if (priv->traffic_class > 255)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_TRAFFIC_CLASS,
                   _("Invalid traffic class %u: it must be between 0 and 255 (DSCP 0 to 63, shifted left by 2)"),
                   priv->traffic_class);
      return FALSE;
    }

  if (priv->interface_name != NULL && priv->interface_name[0] == '\0')
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE,
                           _("The interface name is empty"));
      return FALSE;
    }

  return TRUE;
}

/**
 * mctx_publication_config_dup_bind_address: (get-property bind-address)
 * @self: a configuration
 *
 * Gets the local socket address to bind.
 *
 * Returns: (transfer full) (nullable): a new socket address, or %NULL when
 *   no bind address is set
 *
 * Since: 1.0
 */
GInetSocketAddress *
mctx_publication_config_dup_bind_address (MctxPublicationConfig *self)
{
  MctxPublicationConfigPrivate *priv;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), NULL);

  priv = PRIV (self);
  if (priv->bind_host == NULL)
    return NULL;

  return _mctx_inet_socket_address_new (priv->bind_host, (guint16) MIN (priv->bind_port, G_MAXUINT16),
                                        priv->bind_scope_id);
}

/**
 * mctx_publication_config_set_bind_address: (set-property bind-address)
 * @self: a configuration
 * @address: (nullable): the local socket address to bind, or %NULL for none
 *
 * Sets the local socket address to bind, with its port and, for IPv6
 * link-local addresses, its scope id.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_bind_address (MctxPublicationConfig *self,
                                          GInetSocketAddress    *address)
{
  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));
  g_return_if_fail (address == NULL || G_IS_INET_SOCKET_ADDRESS (address));

  if (address == NULL)
    _mctx_publication_config_set_bind (self, NULL, 0, 0);
  else
    _mctx_publication_config_set_bind (self, g_inet_socket_address_get_address (address),
                                       g_inet_socket_address_get_port (address),
                                       g_socket_address_get_family (G_SOCKET_ADDRESS (address)) == G_SOCKET_FAMILY_IPV6
                                         ? g_inet_socket_address_get_scope_id (address) : 0);
}

/* Parses `ADDRESS`, `ADDRESS:PORT`, `[IPV6]:PORT`, each IPv6 address with
 * an optional `%SCOPE` (an interface name or index). */
static GInetSocketAddress *
parse_bind_address (const char  *text,
                    GError     **error)
{
  g_autofree char *host_text = NULL;
  const char *port_text = NULL;
  const char *colon = strrchr (text, ':');
  g_autoptr(GInetAddress) host = NULL;
  char *percent;
  guint64 port = 0, scope_id = 0;

  if (text[0] == '[')
    {
      const char *bracket = strchr (text, ']');

      if (bracket != NULL && bracket[1] == ':')
        {
          host_text = g_strndup (text + 1, bracket - text - 1);
          port_text = bracket + 2;
        }
    }
  else if (colon != NULL && strchr (text, ':') == colon)
    {
      host_text = g_strndup (text, colon - text);
      port_text = colon + 1;
    }
  else
    host_text = g_strdup (text);

  percent = host_text != NULL ? strchr (host_text, '%') : NULL;
  if (percent != NULL)
    *percent = '\0';
  if (host_text != NULL && host_text[0] != '\0' &&
      (port_text == NULL || g_ascii_string_to_unsigned (port_text, 10, 0, G_MAXUINT16, &port, NULL)))
    host = g_inet_address_new_from_string (host_text);

  if (host == NULL)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS,
                   _("Invalid bind address “%s”: expected ADDRESS or ADDRESS:PORT, with IPv6 addresses in brackets when a port follows"),
                   text);
      return NULL;
    }

  if (percent != NULL)
    {
      const char *scope = percent + 1;

      if (g_inet_address_get_family (host) != G_SOCKET_FAMILY_IPV6)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS,
                       _("Invalid bind address “%s”: only IPv6 addresses have a scope"), text);
          return NULL;
        }
      if (!g_ascii_string_to_unsigned (scope, 10, 1, G_MAXUINT32, &scope_id, NULL))
        {
          scope_id = if_nametoindex (scope);
          if (scope_id == 0)
            {
              g_set_error (error, MCTX_ERROR, MCTX_ERROR_UNKNOWN_INTERFACE,
                           _("No network interface is named “%s” (in the scope of “%s”)"), scope, text);
              return NULL;
            }
        }
    }

  return _mctx_inet_socket_address_new (host, (guint16) port, (guint32) scope_id);
}

/**
 * mctx_publication_config_set_bind_address_string:
 * @self: a configuration
 * @address: the local address, as `192.0.2.7`, `192.0.2.7:4000`,
 *   `fe80::1%eth0` or `[fd00::1]:4000`
 * @error: return location for a #GError
 *
 * Sets the local socket address to bind from a string. The port is
 * optional (0), and an IPv6 address may name its scope by interface name
 * or index after a `%`.
 *
 * Returns: %TRUE on success, %FALSE with @error set if @address cannot be
 *   parsed
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_set_bind_address_string (MctxPublicationConfig  *self,
                                                 const char             *address,
                                                 GError                **error)
{
  g_autoptr(GInetSocketAddress) parsed = NULL;

  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parsed = parse_bind_address (address, error);
  if (parsed == NULL)
    return FALSE;

  mctx_publication_config_set_bind_address (self, parsed);
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

  return PRIV (self)->outgoing_interface;
}

/**
 * mctx_publication_config_set_outgoing_interface: (set-property outgoing-interface)
 * @self: a configuration
 * @address: (nullable): the interface address, or %NULL for none
 *
 * Sets the address of the interface that datagrams leave through.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_outgoing_interface (MctxPublicationConfig *self,
                                                GInetAddress          *address)
{
  MctxPublicationConfigPrivate *priv;

  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));
  g_return_if_fail (address == NULL || G_IS_INET_ADDRESS (address));

  priv = PRIV (self);
  if (addresses_equal (priv->outgoing_interface, address))
    return;

  g_set_object (&priv->outgoing_interface, address);
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
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (address != NULL)
    {
      parsed = _mctx_parse_address (address, _("interface address"), error);
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
 * Returns: the interface index, or 0 if none is set
 *
 * Since: 1.0
 */
guint
mctx_publication_config_get_interface_index (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), 0);

  return PRIV (self)->interface_index;
}

/**
 * mctx_publication_config_set_interface_index: (set-property interface-index)
 * @self: a configuration
 * @index: the interface index, or 0 for none
 *
 * Sets the index of the interface that datagrams leave through.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_interface_index (MctxPublicationConfig *self,
                                             guint                  index)
{
  MctxPublicationConfigPrivate *priv;

  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  priv = PRIV (self);
  if (priv->interface_index == index)
    return;

  priv->interface_index = index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE_INDEX]);
}

/**
 * mctx_publication_config_get_interface_name: (get-property interface-name)
 * @self: a configuration
 *
 * Gets the name of the outgoing interface.
 *
 * Returns: (nullable): the interface name
 *
 * Since: 1.0
 */
const char *
mctx_publication_config_get_interface_name (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), NULL);

  return PRIV (self)->interface_name;
}

/**
 * mctx_publication_config_set_interface_name: (set-property interface-name)
 * @self: a configuration
 * @name: (nullable): the interface name, or %NULL for none
 *
 * Sets the name of the interface that datagrams leave through.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_interface_name (MctxPublicationConfig *self,
                                            const char            *name)
{
  MctxPublicationConfigPrivate *priv;

  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  priv = PRIV (self);
  if (g_strcmp0 (priv->interface_name, name) == 0)
    return;

  g_free (priv->interface_name);
  priv->interface_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERFACE_NAME]);
}

/**
 * mctx_publication_config_get_ttl: (get-property ttl)
 * @self: a configuration
 *
 * Gets the TTL or hop limit.
 *
 * Returns: the TTL, or -1 when it is left alone
 *
 * Since: 1.0
 */
int
mctx_publication_config_get_ttl (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), -1);

  return PRIV (self)->ttl;
}

/**
 * mctx_publication_config_set_ttl: (set-property ttl)
 * @self: a configuration
 * @ttl: the TTL or hop limit, 0 to 255, or -1 to leave it alone
 *
 * Sets the IPv4 TTL or IPv6 hop limit.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_ttl (MctxPublicationConfig *self,
                                 int                    ttl)
{
  MctxPublicationConfigPrivate *priv;

  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  priv = PRIV (self);
  if (priv->ttl == ttl)
    return;

  priv->ttl = ttl;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TTL]);
}

/**
 * mctx_publication_config_get_loopback: (get-property loopback)
 * @self: a configuration
 *
 * Gets whether the host's own group members receive the datagrams.
 *
 * Returns: %TRUE if datagrams loop back to this host
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_get_loopback (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);

  return PRIV (self)->loopback;
}

/**
 * mctx_publication_config_set_loopback: (set-property loopback)
 * @self: a configuration
 * @loopback: whether datagrams loop back to this host
 *
 * Sets whether members of the group on the sending host receive the
 * datagrams.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_loopback (MctxPublicationConfig *self,
                                      gboolean               loopback)
{
  MctxPublicationConfigPrivate *priv;

  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  priv = PRIV (self);
  loopback = !!loopback;
  if (priv->loopback == loopback)
    return;

  priv->loopback = loopback;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOPBACK]);
}

/**
 * mctx_publication_config_get_departure_timestamps: (get-property departure-timestamps)
 * @self: a configuration
 *
 * Gets whether the publication measures when its datagrams leave.
 *
 * Returns: %TRUE if it takes departure timestamps
 *
 * Since: 1.0
 */
gboolean
mctx_publication_config_get_departure_timestamps (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), FALSE);

  return PRIV (self)->departure_timestamps;
}

/**
 * mctx_publication_config_set_departure_timestamps: (set-property departure-timestamps)
 * @self: a configuration
 * @departure_timestamps: whether to take departure timestamps
 *
 * Sets whether the publication measures when its datagrams leave; see
 * [property@Mctx.PublicationConfig:departure-timestamps].
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_departure_timestamps (MctxPublicationConfig *self,
                                                  gboolean               departure_timestamps)
{
  MctxPublicationConfigPrivate *priv;

  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  priv = PRIV (self);
  departure_timestamps = !!departure_timestamps;
  if (priv->departure_timestamps == departure_timestamps)
    return;

  priv->departure_timestamps = departure_timestamps;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPARTURE_TIMESTAMPS]);
}

/**
 * mctx_publication_config_get_traffic_class: (get-property traffic-class)
 * @self: a configuration
 *
 * Gets the traffic class (IPv4 type of service).
 *
 * Returns: the traffic class
 *
 * Since: 1.0
 */
guint
mctx_publication_config_get_traffic_class (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), 0);

  return PRIV (self)->traffic_class;
}

/**
 * mctx_publication_config_set_traffic_class: (set-property traffic-class)
 * @self: a configuration
 * @traffic_class: the traffic class, 0 to 255 (`dscp << 2`, plus ECN)
 *
 * Sets the IPv4 type of service or IPv6 traffic class of the datagrams.
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_traffic_class (MctxPublicationConfig *self,
                                           guint                  traffic_class)
{
  MctxPublicationConfigPrivate *priv;

  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));

  priv = PRIV (self);
  if (priv->traffic_class == traffic_class)
    return;

  priv->traffic_class = traffic_class;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAFFIC_CLASS]);
}

/**
 * mctx_publication_config_get_send_buffer_size: (get-property send-buffer-size)
 * @self: a configuration
 *
 * Gets the requested send buffer size.
 *
 * Returns: the size in bytes, or 0 for the system's default
 *
 * Since: 1.0
 */
guint
mctx_publication_config_get_send_buffer_size (MctxPublicationConfig *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (self), 0);

  return PRIV (self)->send_buffer_size;
}

/**
 * mctx_publication_config_set_send_buffer_size: (set-property send-buffer-size)
 * @self: a configuration
 * @size: the size in bytes, or 0 for the system's default
 *
 * Sets the socket's send buffer size (`SO_SNDBUF`).
 *
 * Since: 1.0
 */
void
mctx_publication_config_set_send_buffer_size (MctxPublicationConfig *self,
                                              guint                  size)
{
  MctxPublicationConfigPrivate *priv;

  g_return_if_fail (MCTX_IS_PUBLICATION_CONFIG (self));
  g_return_if_fail (size <= G_MAXINT / 2);

  priv = PRIV (self);
  if (priv->send_buffer_size == size)
    return;

  priv->send_buffer_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEND_BUFFER_SIZE]);
}
