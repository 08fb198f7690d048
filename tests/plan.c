/* plan.c: how configurations resolve into binds, egress and destinations
 *
 * Links the library's internals to check the resolved plan itself: what is
 * bound (or that nothing is), the egress interface, and the destination's
 * scope id for every IPv6 scope.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <net/if.h>

#include "mctx-private.h"
#include "mctx-test-util.h"

static guint veth_index;

static MctxPublicationConfig *
config_new (const char *group,
            const char *source,
            const char *interface)
{
  g_autoptr(GError) error = NULL;
  MctxPublicationConfig *config = mctx_udp_publication_config_new (group, 5000, &error);

  g_assert_no_error (error);
  mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), source, &error);
  g_assert_no_error (error);
  mctx_publication_config_set_outgoing_interface_string (config, interface, &error);
  g_assert_no_error (error);
  return config;
}

static void
resolve (MctxPublicationConfig *config,
         MctxPublicationPlan   *plan)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (_mctx_publication_plan_resolve (plan, config, NULL, &error));
  g_assert_no_error (error);
}

static void
assert_bind (MctxPublicationPlan *plan,
             const char          *address,
             guint16              port,
             guint32              scope_id)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (plan->bind_address);
  text = g_inet_address_to_string (g_inet_socket_address_get_address (plan->bind_address));
  g_assert_cmpstr (text, ==, address);
  g_assert_cmpuint (g_inet_socket_address_get_port (plan->bind_address), ==, port);
  if (g_socket_address_get_family (G_SOCKET_ADDRESS (plan->bind_address)) == G_SOCKET_FAMILY_IPV6)
    g_assert_cmpuint (g_inet_socket_address_get_scope_id (plan->bind_address), ==, scope_id);
  else
    g_assert_cmpuint (scope_id, ==, 0);
}

/* Scope ids are kept for ffx1 and ffx2 only. */
static void
test_destination_scope_ids (void)
{
  const struct {
    const char *group;
    gboolean keeps_scope;
  } cases[] = {
    { "ff31::8000:1234", TRUE },
    { "ff32::8000:1234", TRUE },
    { "ff02::1", TRUE },
    { "ff12::1", TRUE },
    { "ff35::8000:1234", FALSE },
    { "ff38::8000:1234", FALSE },
    { "ff3e::8000:1234", FALSE },
    { "ff05::2", FALSE },
  };

  g_test_summary ("Scope ids are kept for ffx1 and ffx2 only.");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MctxPublicationConfig) config = config_new (cases[i].group, NULL, NULL);
      MctxPublicationPlan plan;

      g_test_message ("%s", cases[i].group);
      mctx_publication_config_set_interface_index (config, (int) veth_index);
      resolve (config, &plan);

      g_assert_cmpuint (plan.ifindex, ==, veth_index);
      g_assert_cmpuint (g_inet_socket_address_get_scope_id (plan.destination), ==,
                        cases[i].keeps_scope ? veth_index : 0);
      g_assert_cmpuint (g_inet_socket_address_get_port (plan.destination), ==, 5000);
      _mctx_publication_plan_clear (&plan);
    }
}

/* IPv6 source: bound exactly and resolved to its interface. */
static void
test_ipv6_source (void)
{
  g_autoptr(MctxPublicationConfig) config = config_new ("ff3e::8000:1234", "fd00::1", NULL);
  MctxPublicationPlan plan;

  g_test_summary ("IPv6 source: bound exactly and resolved to its interface.");

  mctx_udp_publication_config_set_source_port (MCTX_UDP_PUBLICATION_CONFIG (config), 4000);
  resolve (config, &plan);
  assert_bind (&plan, "fd00::1", 4000, 0);
  g_assert_cmpuint (plan.ifindex, ==, veth_index);
  _mctx_publication_plan_clear (&plan);
}

/* A link-local source binds with its interface as scope. */
static void
test_ipv6_link_local_source (void)
{
  g_autoptr(MctxPublicationConfig) config = config_new ("ff32::8000:1234", "fe80::1", NULL);
  MctxPublicationPlan plan;

  g_test_summary ("A link-local source binds with its interface as scope.");

  resolve (config, &plan);
  assert_bind (&plan, "fe80::1", 0, veth_index);
  g_assert_cmpuint (g_inet_socket_address_get_scope_id (plan.destination), ==, veth_index);
  _mctx_publication_plan_clear (&plan);
}

/* IPv6 interface address without source: that address is bound. */
static void
test_ipv6_interface_only (void)
{
  g_autoptr(MctxPublicationConfig) config = config_new ("ff31::8000:1234", NULL, "fd00::1");
  MctxPublicationPlan plan;

  g_test_summary ("IPv6 interface address without source: that address is bound.");

  resolve (config, &plan);
  assert_bind (&plan, "fd00::1", 0, 0);
  g_assert_cmpuint (plan.ifindex, ==, veth_index);
  _mctx_publication_plan_clear (&plan);
}

/* IPv6 index (or name) alone: egress chosen, nothing bound; a source port
 * alone binds the wildcard address. */
static void
test_ipv6_index_only (void)
{
  g_autoptr(MctxPublicationConfig) by_index = config_new ("ff3e::8000:1234", NULL, NULL);
  g_autoptr(MctxPublicationConfig) by_name = config_new ("ff3e::8000:1234", NULL, NULL);
  MctxPublicationPlan plan;

  g_test_summary ("IPv6 index (or name) alone: egress chosen, nothing bound; a source port alone binds the wildcard address.");

  mctx_publication_config_set_interface_index (by_index, (int) veth_index);
  resolve (by_index, &plan);
  g_assert_null (plan.bind_address);
  g_assert_cmpuint (plan.ifindex, ==, veth_index);
  _mctx_publication_plan_clear (&plan);

  mctx_publication_config_set_interface_name (by_name, "pa");
  mctx_udp_publication_config_set_source_port (MCTX_UDP_PUBLICATION_CONFIG (by_name), 4001);
  resolve (by_name, &plan);
  assert_bind (&plan, "::", 4001, 0);
  g_assert_cmpuint (plan.ifindex, ==, veth_index);
  _mctx_publication_plan_clear (&plan);
}

/* Nothing given: nothing bound, routing chooses. */
static void
test_nothing_given (void)
{
  g_autoptr(MctxPublicationConfig) ipv6 = config_new ("ff3e::8000:1234", NULL, NULL);
  g_autoptr(MctxPublicationConfig) ipv4 = config_new ("239.1.2.3", NULL, NULL);
  MctxPublicationPlan plan;

  g_test_summary ("Nothing given: nothing bound, routing chooses.");

  resolve (ipv6, &plan);
  g_assert_null (plan.bind_address);
  g_assert_cmpuint (plan.ifindex, ==, 0);
  _mctx_publication_plan_clear (&plan);

  resolve (ipv4, &plan);
  g_assert_null (plan.bind_address);
  g_assert_null (plan.ipv4_interface);
  g_assert_cmpuint (plan.ifindex, ==, 0);
  _mctx_publication_plan_clear (&plan);
}

/* IPv4: source bound as given (not checked: the kernel says), interface
 * by address for IP_MULTICAST_IF, or by index; the two may be combined. */
static void
test_ipv4 (void)
{
  g_autoptr(MctxPublicationConfig) config = config_new ("239.1.2.3", "192.0.2.77", "127.0.0.1");
  g_autoptr(MctxPublicationConfig) both = config_new ("239.1.2.3", NULL, "127.0.0.1");
  g_autoptr(MctxPublicationConfig) wrong = config_new ("239.1.2.3", NULL, "127.0.0.1");
  g_autoptr(GError) error = NULL;
  g_autofree char *interface = NULL;
  MctxPublicationPlan plan;

  g_test_summary ("IPv4: source bound as given (not checked: the kernel says), interface by address for IP_MULTICAST_IF, or by index; the two may be combined.");

  resolve (config, &plan);
  assert_bind (&plan, "192.0.2.77", 0, 0);
  interface = g_inet_address_to_string (plan.ipv4_interface);
  g_assert_cmpstr (interface, ==, "127.0.0.1");
  g_assert_cmpuint (plan.ifindex, ==, 0);
  _mctx_publication_plan_clear (&plan);

  mctx_publication_config_set_interface_name (both, "lo");
  resolve (both, &plan);
  g_assert_cmpuint (plan.ifindex, ==, if_nametoindex ("lo"));
  _mctx_publication_plan_clear (&plan);

  mctx_publication_config_set_interface_name (wrong, "pa");
  g_assert_false (_mctx_publication_plan_resolve (&plan, wrong, NULL, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INTERFACE_MISMATCH);
  g_assert_null (plan.bind_address);
  g_assert_null (plan.destination);
}

int
main (int    argc,
      char **argv)
{
  mctx_test_init_netns (&argc, &argv);

  mctx_test_run ("ip link add pa type veth peer name pb");
  mctx_test_run ("ip link set pa up");
  mctx_test_run ("ip address add fd00::1/64 dev pa nodad");
  mctx_test_run ("ip address add fe80::1/64 dev pa nodad");
  veth_index = if_nametoindex ("pa");

  g_test_add_func ("/mctx/plan/destination-scope-ids", test_destination_scope_ids);
  g_test_add_func ("/mctx/plan/ipv6-source", test_ipv6_source);
  g_test_add_func ("/mctx/plan/ipv6-link-local-source", test_ipv6_link_local_source);
  g_test_add_func ("/mctx/plan/ipv6-interface-only", test_ipv6_interface_only);
  g_test_add_func ("/mctx/plan/ipv6-index-only", test_ipv6_index_only);
  g_test_add_func ("/mctx/plan/nothing-given", test_nothing_given);
  g_test_add_func ("/mctx/plan/ipv4", test_ipv4);

  return g_test_run ();
}
