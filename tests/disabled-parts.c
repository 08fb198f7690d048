/* disabled-parts.c: a build without counting (-Dmetrics=disabled) or
 * without raw transmit (-Draw=disabled) keeps their API, one ABI for every
 * build, and fails clearly where it cannot do what is asked.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <mctx/mctx.h>
#include <mctx/raw/mctx-raw.h>

#include "mctx-test-util.h"

#ifndef MCTX_HAS_METRICS
static void
test_metrics_disabled (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxMetricsSampler) sampler = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "disabled.jsonl", NULL);
  MctxPublication *publication;

  g_test_summary ("Without counting, snapshots are NULL and a metrics writer is refused");

  config = mctx_udp_publication_config_new ("239.1.2.3", 5000, &error);
  g_assert_no_error (error);
  mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", &error);
  g_assert_no_error (error);
  publication = mctx_test_add_publication (context, config);

  g_assert_null (mctx_publication_snapshot_metrics (publication));
  g_assert_null (mctx_context_snapshot_metrics (context));
  sampler = mctx_metrics_sampler_new_for_context (context);
  g_assert_null (mctx_metrics_sampler_sample (sampler));

  g_assert_null (mctx_metrics_writer_new (path, "mctx/test", "n1", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}
#endif

#ifndef MCTX_HAS_RAW
static void
test_raw_disabled (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;

  g_test_summary ("Without raw transmit, raw publications are refused and nothing is capable");

  g_assert_cmpint (mctx_raw_get_capabilities (), ==, MCTX_RAW_CAPABILITY_NONE);
  g_assert_null (mctx_context_add_publication (context, config, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, 0);
}
#endif

int
main (int    argc,
      char **argv)
{
  mctx_test_init_netns (&argc, &argv);

#ifndef MCTX_HAS_METRICS
  g_test_add_func ("/mctx/disabled/metrics", test_metrics_disabled);
#endif
#ifndef MCTX_HAS_RAW
  g_test_add_func ("/mctx/disabled/raw", test_raw_disabled);
#endif

  return g_test_run ();
}
