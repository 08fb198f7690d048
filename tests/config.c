/* config.c: MctxPublicationConfig properties and validation
 *
 * These tests create no sockets and touch no network.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <mctx/mctx.h>
#include <mctx/raw/mctx-raw.h>

static MctxPublicationConfig *
config_new (const char *group,
            guint       port)
{
  g_autoptr(GError) error = NULL;
  MctxPublicationConfig *config = mctx_udp_publication_config_new (group, port, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

static GInetAddress *
address (const char *text)
{
  GInetAddress *parsed = g_inet_address_new_from_string (text);

  g_assert_nonnull (parsed);
  return parsed;
}

static void
test_defaults (void)
{
  g_autoptr(MctxPublicationConfig) config = config_new ("239.1.2.3", 5000);
  g_autoptr(GInetAddress) group = NULL;
  g_autofree char *group_text = NULL;
  g_autofree char *name = NULL;
  guint port, source_port, index;
  int ttl;
  gboolean loopback;
  GInetAddress *source, *interface;

  g_test_summary ("A new configuration has the documented defaults and validates");

  g_object_get (config,
                "group", &group,
                "port", &port,
                "source-address", &source,
                "source-port", &source_port,
                "outgoing-interface", &interface,
                "interface-index", &index,
                "interface-name", &name,
                "ttl", &ttl,
                "loopback", &loopback,
                NULL);

  group_text = g_inet_address_to_string (group);
  g_assert_cmpstr (group_text, ==, "239.1.2.3");
  g_assert_cmpuint (port, ==, 5000);
  g_assert_null (source);
  g_assert_cmpuint (source_port, ==, 0);
  g_assert_null (interface);
  g_assert_cmpuint (index, ==, 0);
  g_assert_null (name);
  g_assert_cmpint (ttl, ==, 1);
  g_assert_true (loopback);

  g_assert_true (mctx_publication_config_validate (config, NULL));
}

static void
test_string_setters (void)
{
  g_autoptr(MctxPublicationConfig) config = config_new ("ff3e::8000:1234", 5000);
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL;
  g_autofree char *interface = NULL;

  g_test_summary ("Address string setters parse IP addresses and refuse anything else, keeping the old value");

  g_assert_true (mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), "fd00::10", &error));
  g_assert_no_error (error);
  g_assert_true (mctx_publication_config_set_outgoing_interface_string (config, "fd00::10", &error));
  g_assert_no_error (error);

  source = g_inet_address_to_string (mctx_udp_publication_config_get_source_address (MCTX_UDP_PUBLICATION_CONFIG (config)));
  interface = g_inet_address_to_string (mctx_publication_config_get_outgoing_interface (config));
  g_assert_cmpstr (source, ==, "fd00::10");
  g_assert_cmpstr (interface, ==, "fd00::10");

  g_assert_false (mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), "fd00::zz", &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "fd00::zz"));
  g_clear_error (&error);

  g_assert_false (mctx_publication_config_set_outgoing_interface_string (config, "eth0", &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  g_assert_false (mctx_publication_config_set_bind_address_string (config, "[fd00::1]:99999", &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  /* Failed setters leave the old values; NULL clears. */
  g_assert_nonnull (mctx_udp_publication_config_get_source_address (MCTX_UDP_PUBLICATION_CONFIG (config)));
  g_assert_true (mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), NULL, &error));
  g_assert_no_error (error);
  g_assert_null (mctx_udp_publication_config_get_source_address (MCTX_UDP_PUBLICATION_CONFIG (config)));
}

static void
test_new_invalid_group (void)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("A configuration cannot be made from a group string that is not an IP address");

  g_assert_null (mctx_udp_publication_config_new ("not-an-address", 5000, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "not-an-address"));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_bind_address (void)
{
  const struct {
    const char *text;
    const char *address;
    guint port;
  } good[] = {
    { "192.0.2.7:4000", "192.0.2.7", 4000 },
    { "[fd00::1]:4001", "fd00::1", 4001 },
    { "0.0.0.0:0", "0.0.0.0", 0 },
  };
  const char *bad[] = {
    "[fd00::1]", "[fd00::1]4000", "192.0.2.7:65536", "192.0.2.7%lo",
    "192.0.2.7:-1", "host:80", ":80", "192.0.2.7:", "[fd00::1:80",
  };

  g_test_summary ("ADDRESS:PORT bind strings set the source address and port together, and read back as one socket address");

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(MctxPublicationConfig) config = config_new ("239.1.2.3", 5000);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      g_assert_true (mctx_publication_config_set_bind_address_string (config, good[i].text, &error));
      g_assert_no_error (error);
      text = g_inet_address_to_string (mctx_udp_publication_config_get_source_address (MCTX_UDP_PUBLICATION_CONFIG (config)));
      g_assert_cmpstr (text, ==, good[i].address);
      g_assert_cmpuint (mctx_udp_publication_config_get_source_port (MCTX_UDP_PUBLICATION_CONFIG (config)), ==, good[i].port);

      /* The bind address reads back as one GInetSocketAddress. */
      {
        g_autoptr(GInetSocketAddress) bound = mctx_publication_config_dup_bind_address (config);
        g_autoptr(GInetSocketAddress) from_property = NULL;
        g_autofree char *bound_text = g_inet_address_to_string (g_inet_socket_address_get_address (bound));

        g_assert_cmpstr (bound_text, ==, good[i].address);
        g_assert_cmpuint (g_inet_socket_address_get_port (bound), ==, good[i].port);
        g_object_get (config, "bind-address", &from_property, NULL);
        g_assert_cmpuint (g_inet_socket_address_get_port (from_property), ==, good[i].port);
      }
    }

  /* Set through the property, and cleared with NULL. */
  {
    g_autoptr(MctxPublicationConfig) config = config_new ("239.1.2.3", 5000);
    g_autoptr(GInetAddress) host = address ("192.0.2.9");
    g_autoptr(GSocketAddress) bind = g_inet_socket_address_new (host, 4100);
    guint notified = 0;

    g_assert_null (mctx_publication_config_dup_bind_address (config));
    g_signal_connect (config, "notify::bind-address", G_CALLBACK (count_notify), &notified);
    g_object_set (config, "bind-address", bind, NULL);
    g_assert_cmpuint (mctx_udp_publication_config_get_source_port (MCTX_UDP_PUBLICATION_CONFIG (config)), ==, 4100);
    g_assert_cmpuint (notified, >=, 1);
    g_object_set (config, "bind-address", NULL, NULL);
    g_assert_null (mctx_udp_publication_config_get_source_address (MCTX_UDP_PUBLICATION_CONFIG (config)));
    g_assert_cmpuint (mctx_udp_publication_config_get_source_port (MCTX_UDP_PUBLICATION_CONFIG (config)), ==, 0);
    g_assert_null (mctx_publication_config_dup_bind_address (config));
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(MctxPublicationConfig) config = config_new ("239.1.2.3", 5000);
      g_autoptr(GError) error = NULL;

      g_test_message ("bind address “%s”", bad[i]);
      g_assert_false (mctx_publication_config_set_bind_address_string (config, bad[i], &error));
      g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_assert_null (mctx_udp_publication_config_get_source_address (MCTX_UDP_PUBLICATION_CONFIG (config)));
    }

  {
    g_autoptr(MctxPublicationConfig) config = config_new ("239.1.2.3", 5000);
    g_autoptr(GInetAddress) host = address ("192.0.2.9");
    g_autoptr(GSocketAddress) bind = g_inet_socket_address_new (host, 4444);

    mctx_publication_config_set_bind_address (config, G_INET_SOCKET_ADDRESS (bind));
    g_assert_true (g_inet_address_equal (mctx_udp_publication_config_get_source_address (MCTX_UDP_PUBLICATION_CONFIG (config)), host));
    g_assert_cmpuint (mctx_udp_publication_config_get_source_port (MCTX_UDP_PUBLICATION_CONFIG (config)), ==, 4444);
  }
}

typedef struct {
  const char *name;
  const char *group;
  guint port;
  const char *source;
  guint source_port;
  const char *interface;
  guint index;
  const char *interface_name;
  int ttl;
  int code;
  const char *in_message;
} ValidationCase;

/* One test per case, so that a failure names its case and can be run
 * alone (-p /mctx/config/validation/<name>). Values a setter takes without
 * complaint, however far out of range, are refused here with a GError a
 * binding sees. */
static const ValidationCase validation_cases[] = {
  { "port-0", "239.1.2.3", 0, NULL, 0, NULL, 0, NULL, 1, MCTX_ERROR_INVALID_PORT, "port 0" },
  { "port-70000", "239.1.2.3", 70000, NULL, 0, NULL, 0, NULL, 1, MCTX_ERROR_INVALID_PORT, "70000" },
  { "ipv4-unicast", "10.1.2.3", 5000, NULL, 0, NULL, 0, NULL, 1, MCTX_ERROR_NOT_MULTICAST, "10.1.2.3" },
  { "ipv6-unicast", "fd00::1", 5000, NULL, 0, NULL, 0, NULL, 1, MCTX_ERROR_NOT_MULTICAST, "fd00::1" },
  { "source-port-65536", "239.1.2.3", 5000, NULL, 65536, NULL, 0, NULL, 1, MCTX_ERROR_INVALID_SOURCE_PORT, "65536" },
  { "source-any", "239.1.2.3", 5000, "0.0.0.0", 0, NULL, 0, NULL, 1, MCTX_ERROR_INVALID_SOURCE_ADDRESS, "0.0.0.0" },
  { "source-multicast", "239.1.2.3", 5000, "239.9.9.9", 0, NULL, 0, NULL, 1, MCTX_ERROR_INVALID_SOURCE_ADDRESS, "239.9.9.9" },
  { "source-ipv6-any", "ff3e::1", 5000, "::", 0, NULL, 0, NULL, 1, MCTX_ERROR_INVALID_SOURCE_ADDRESS, "::" },
  { "interface-any", "239.1.2.3", 5000, NULL, 0, "0.0.0.0", 0, NULL, 1, MCTX_ERROR_INVALID_INTERFACE_ADDRESS, "0.0.0.0" },
  { "interface-multicast", "ff3e::1", 5000, NULL, 0, "ff02::1", 0, NULL, 1, MCTX_ERROR_INVALID_INTERFACE_ADDRESS, "ff02::1" },
  { "ttl-256", "239.1.2.3", 5000, NULL, 0, NULL, 0, NULL, 256, MCTX_ERROR_INVALID_TTL, "TTL 256" },
  { "hop-limit-huge", "ff3e::1", 5000, NULL, 0, NULL, 0, NULL, G_MAXINT, MCTX_ERROR_INVALID_TTL, "2147483647" },
  { "ttl-negative", "239.1.2.3", 5000, NULL, 0, NULL, 0, NULL, -2, MCTX_ERROR_INVALID_TTL, "TTL -2" },
  { "source-family-ipv4", "239.1.2.3", 5000, "fd00::1", 0, NULL, 0, NULL, 1, MCTX_ERROR_SOURCE_FAMILY_MISMATCH, "fd00::1" },
  { "source-family-ipv6", "ff3e::1", 5000, "192.0.2.1", 0, NULL, 0, NULL, 1, MCTX_ERROR_SOURCE_FAMILY_MISMATCH, "192.0.2.1" },
  { "interface-family-ipv4", "239.1.2.3", 5000, NULL, 0, "fd00::1", 0, NULL, 1, MCTX_ERROR_INTERFACE_FAMILY_MISMATCH, "fd00::1" },
  { "interface-family-ipv6", "ff3e::1", 5000, NULL, 0, "127.0.0.1", 0, NULL, 1, MCTX_ERROR_INTERFACE_FAMILY_MISMATCH, "127.0.0.1" },
  { "scope-ff31", "ff31::8000:1234", 5000, NULL, 0, NULL, 0, NULL, 1, MCTX_ERROR_SCOPE_NEEDS_INTERFACE, "ff31::8000:1234" },
  { "scope-ff32", "ff32::8000:1234", 5000, NULL, 0, NULL, 0, NULL, 1, MCTX_ERROR_SCOPE_NEEDS_INTERFACE, "ff32::8000:1234" },
  { "scope-ff02", "ff02::1", 5000, NULL, 0, NULL, 0, NULL, 1, MCTX_ERROR_SCOPE_NEEDS_INTERFACE, "ff02::1" },
  { "empty-interface-name", "239.1.2.3", 5000, NULL, 0, NULL, 0, "", 1, MCTX_ERROR_UNKNOWN_INTERFACE, "empty" },
};

static void
test_validation_error (gconstpointer data)
{
  const ValidationCase *c = data;
  g_autoptr(MctxPublicationConfig) config = config_new (c->group, c->port);
  g_autoptr(GError) error = NULL;

  g_test_summary ("An invalid configuration is refused with the error code of its cause");

  if (c->source != NULL)
    {
      g_autoptr(GInetAddress) source = address (c->source);
      mctx_udp_publication_config_set_source_address (MCTX_UDP_PUBLICATION_CONFIG (config), source);
    }
  if (c->interface != NULL)
    {
      g_autoptr(GInetAddress) interface = address (c->interface);
      mctx_publication_config_set_outgoing_interface (config, interface);
    }
  /* Through the property system too, as a binding sets them. */
  g_object_set (config,
                "source-port", c->source_port,
                "interface-index", c->index,
                "interface-name", c->interface_name,
                "ttl", c->ttl,
                NULL);

  g_assert_false (mctx_publication_config_validate (config, &error));
  g_assert_error (error, MCTX_ERROR, c->code);
  g_test_message ("message: %s", error->message);
  g_assert_nonnull (strstr (error->message, c->in_message));
}

static void
test_missing_group (void)
{
  g_autoptr(MctxPublicationConfig) config = g_object_new (MCTX_TYPE_UDP_PUBLICATION_CONFIG, "port", 5000, NULL);
  g_autoptr(GError) error = NULL;

  g_test_summary ("A configuration without a group is refused");

  g_assert_false (mctx_publication_config_validate (config, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_MISSING_GROUP);
}

/* Scoped groups are satisfied by any way of naming an interface; wider
 * scopes need none. */
static void
test_scope_interface_sources (void)
{
  g_autoptr(MctxPublicationConfig) by_source = config_new ("ff32::8000:1234", 5000);
  g_autoptr(MctxPublicationConfig) by_interface = config_new ("ff31::8000:1234", 5000);
  g_autoptr(MctxPublicationConfig) by_index = config_new ("ff32::8000:1234", 5000);
  g_autoptr(MctxPublicationConfig) by_name = config_new ("ff31::8000:1234", 5000);
  const char *wide[] = { "ff35::8000:1234", "ff38::8000:1234", "ff3e::8000:1234", "ff15::1" };
  g_autoptr(GError) error = NULL;

  g_test_summary ("Scoped groups are satisfied by any way of naming an interface; wider scopes need none.");

  mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (by_source), "fe80::1", &error);
  mctx_publication_config_set_outgoing_interface_string (by_interface, "::1", &error);
  g_assert_no_error (error);
  mctx_publication_config_set_interface_index (by_index, 3);
  mctx_publication_config_set_interface_name (by_name, "lo");

  g_assert_true (mctx_publication_config_validate (by_source, &error));
  g_assert_true (mctx_publication_config_validate (by_interface, &error));
  g_assert_true (mctx_publication_config_validate (by_index, &error));
  g_assert_true (mctx_publication_config_validate (by_name, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (wide); i++)
    {
      g_autoptr(MctxPublicationConfig) config = config_new (wide[i], 5000);

      g_assert_true (mctx_publication_config_validate (config, &error));
      g_assert_no_error (error);
    }
}

static void
test_ssm_and_scope (void)
{
  const struct {
    const char *group;
    gboolean ssm;
    MctxMulticastScope scope;
    gboolean needs_interface;
  } cases[] = {
    { "ff31::8000:1234", TRUE, MCTX_MULTICAST_SCOPE_INTERFACE_LOCAL, TRUE },
    { "ff32::8000:1234", TRUE, MCTX_MULTICAST_SCOPE_LINK_LOCAL, TRUE },
    { "ff35::8000:1234", TRUE, MCTX_MULTICAST_SCOPE_SITE_LOCAL, FALSE },
    { "ff38::8000:1234", TRUE, MCTX_MULTICAST_SCOPE_ORGANIZATION_LOCAL, FALSE },
    { "ff3e::8000:1234", TRUE, MCTX_MULTICAST_SCOPE_GLOBAL, FALSE },
    { "ff12::8000:1234", FALSE, MCTX_MULTICAST_SCOPE_LINK_LOCAL, TRUE },
    { "ff02::1", FALSE, MCTX_MULTICAST_SCOPE_LINK_LOCAL, TRUE },
    { "ff0e::1", FALSE, MCTX_MULTICAST_SCOPE_GLOBAL, FALSE },
    /* ff3x:: with a non-zero prefix length is not in ff3x::/32. */
    { "ff3e:40:2001:db8::1", FALSE, MCTX_MULTICAST_SCOPE_GLOBAL, FALSE },
    { "ff3e:0:1::1", TRUE, MCTX_MULTICAST_SCOPE_GLOBAL, FALSE },
    { "fd00::1", FALSE, MCTX_MULTICAST_SCOPE_NONE, FALSE },
    { "232.1.2.3", TRUE, MCTX_MULTICAST_SCOPE_NONE, FALSE },
    { "239.1.2.3", FALSE, MCTX_MULTICAST_SCOPE_NONE, FALSE },
  };

  g_test_summary ("SSM groups and IPv6 multicast scopes are told apart as the SPEC says");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GInetAddress) group = address (cases[i].group);

      g_test_message ("%s", cases[i].group);
      g_assert_cmpint (mctx_address_is_ssm (group), ==, cases[i].ssm);
      g_assert_cmpint (mctx_address_get_multicast_scope (group), ==, cases[i].scope);
      g_assert_cmpint (mctx_address_scope_needs_interface (group), ==, cases[i].needs_interface);
    }
}

/* Notifications only for real changes (G_PARAM_EXPLICIT_NOTIFY). */
static void
test_notify (void)
{
  g_autoptr(MctxPublicationConfig) config = config_new ("239.1.2.3", 5000);
  g_autoptr(GInetAddress) same_group = address ("239.1.2.3");
  guint count = 0;

  g_test_summary ("Notifications only for real changes (G_PARAM_EXPLICIT_NOTIFY).");

  g_signal_connect (config, "notify", G_CALLBACK (count_notify), &count);

  mctx_udp_publication_config_set_port (MCTX_UDP_PUBLICATION_CONFIG (config), 5000);
  mctx_udp_publication_config_set_group (MCTX_UDP_PUBLICATION_CONFIG (config), same_group);
  mctx_publication_config_set_ttl (config, 1);
  mctx_publication_config_set_loopback (config, TRUE);
  mctx_publication_config_set_interface_name (config, NULL);
  mctx_publication_config_set_interface_index (config, 0);
  g_assert_cmpuint (count, ==, 0);

  mctx_udp_publication_config_set_port (MCTX_UDP_PUBLICATION_CONFIG (config), 5001);
  mctx_publication_config_set_ttl (config, 8);
  mctx_publication_config_set_loopback (config, FALSE);
  mctx_publication_config_set_interface_name (config, "eth0");
  mctx_publication_config_set_interface_index (config, 2);
  g_object_set (config, "source-port", 4000, NULL);
  /* Six properties, and bind-address, which the source port is part of. */
  g_assert_cmpuint (count, ==, 7);
}

/* Every readable property of @a has the value it has on @b. */
static gboolean
properties_equal (GObject *a,
                  GObject *b)
{
  guint n;
  g_autofree GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n);

  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) va = G_VALUE_INIT;
      g_auto(GValue) vb = G_VALUE_INIT;
      gboolean same;

      g_value_init (&va, specs[i]->value_type);
      g_value_init (&vb, specs[i]->value_type);
      g_object_get_property (a, specs[i]->name, &va);
      g_object_get_property (b, specs[i]->name, &vb);
      if (G_VALUE_HOLDS_OBJECT (&va) && G_IS_INET_ADDRESS (g_value_get_object (&va)))
        same = g_inet_address_equal (g_value_get_object (&va), g_value_get_object (&vb));
      else if (G_VALUE_HOLDS_OBJECT (&va) && G_IS_INET_SOCKET_ADDRESS (g_value_get_object (&va)))
        same = g_inet_address_equal (g_inet_socket_address_get_address (g_value_get_object (&va)),
                                     g_inet_socket_address_get_address (g_value_get_object (&vb))) &&
               g_inet_socket_address_get_port (g_value_get_object (&va)) ==
               g_inet_socket_address_get_port (g_value_get_object (&vb));
      else
        same = g_param_values_cmp (specs[i], &va, &vb) == 0;
      if (!same)
        return FALSE;
    }
  return TRUE;
}

static void
test_copy (void)
{
  g_autoptr(MctxPublicationConfig) config = config_new ("ff3e::8000:1234", 5000);
  g_autoptr(MctxPublicationConfig) raw = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV6);
  g_autoptr(MctxPublicationConfig) copy = NULL;
  g_autoptr(MctxPublicationConfig) raw_copy = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Copies are of the same kind, with every setting of the base and of the kind");

  mctx_publication_config_set_bind_address_string (config, "[fd00::10]:4000", &error);
  g_assert_no_error (error);
  mctx_publication_config_set_interface_name (config, "eth0");
  mctx_publication_config_set_ttl (config, 8);
  mctx_publication_config_set_loopback (config, FALSE);
  mctx_udp_publication_config_set_shared_socket (MCTX_UDP_PUBLICATION_CONFIG (config), TRUE);

  copy = mctx_publication_config_copy (config);
  g_assert_true (copy != config);
  g_assert_true (MCTX_IS_UDP_PUBLICATION_CONFIG (copy));
  g_assert_true (properties_equal (G_OBJECT (config), G_OBJECT (copy)));
  mctx_publication_config_set_ttl (copy, 9);
  g_assert_false (properties_equal (G_OBJECT (config), G_OBJECT (copy)));

  mctx_raw_publication_config_set_route_selected (MCTX_RAW_PUBLICATION_CONFIG (raw), TRUE);
  mctx_publication_config_set_ttl (raw, 3);
  raw_copy = mctx_publication_config_copy (raw);
  g_assert_true (MCTX_IS_RAW_PUBLICATION_CONFIG (raw_copy));
  g_assert_true (properties_equal (G_OBJECT (raw), G_OBJECT (raw_copy)));
  g_assert_cmpint (mctx_raw_publication_config_get_family (MCTX_RAW_PUBLICATION_CONFIG (raw_copy)), ==,
                   G_SOCKET_FAMILY_IPV6);
}

static void
test_error_enum_registered (void)
{
  GEnumClass *errors = g_type_class_ref (MCTX_TYPE_ERROR);
  GEnumClass *scopes = g_type_class_ref (MCTX_TYPE_MULTICAST_SCOPE);

  g_test_summary ("The error domain and its codes are registered types, for bindings");

  g_assert_cmpstr (g_enum_get_value (errors, MCTX_ERROR_NOT_MULTICAST)->value_nick, ==, "not-multicast");
  g_assert_cmpstr (g_enum_get_value (scopes, MCTX_MULTICAST_SCOPE_GLOBAL)->value_nick, ==, "global");
  g_assert_cmpstr (g_quark_to_string (MCTX_ERROR), ==, "mctx-error-quark");

  g_type_class_unref (errors);
  g_type_class_unref (scopes);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mctx/config/defaults", test_defaults);
  g_test_add_func ("/mctx/config/string-setters", test_string_setters);
  g_test_add_func ("/mctx/config/new-invalid-group", test_new_invalid_group);
  g_test_add_func ("/mctx/config/bind-address", test_bind_address);
  for (guint i = 0; i < G_N_ELEMENTS (validation_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/mctx/config/validation/", validation_cases[i].name, NULL);

      g_test_add_data_func (path, &validation_cases[i], test_validation_error);
    }
  g_test_add_func ("/mctx/config/missing-group", test_missing_group);
  g_test_add_func ("/mctx/config/scope-interface-sources", test_scope_interface_sources);
  g_test_add_func ("/mctx/config/ssm-and-scope", test_ssm_and_scope);
  g_test_add_func ("/mctx/config/notify", test_notify);
  g_test_add_func ("/mctx/config/copy", test_copy);
  g_test_add_func ("/mctx/config/error-enum-registered", test_error_enum_registered);

  return g_test_run ();
}
