/* metrics.c: sampling a context's metrics into a heimdall-jsonl-v1 file
 *
 * Usage: example-metrics FILE
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdio.h>
#include <mctx/mctx.h>

int
main (int    argc,
      char **argv)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxMetricsSampler) sampler = NULL;
  g_autoptr(MctxMetricsWriter) writer = NULL;
  g_autoptr(MctxMetricsDelta) baseline = NULL;
  g_autoptr(MctxMetricsDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s FILE\n", argv[0]);
      return 2;
    }

  config = mctx_udp_publication_config_new ("239.1.2.3", 5000, &error);
  if (config == NULL ||
      !mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", &error) ||
      (publication = mctx_context_add_publication (context, config, &error)) == NULL ||
      (writer = mctx_metrics_writer_new (argv[1], "mctx/example-metrics", NULL, NULL, &error)) == NULL)
    goto fail;

  sampler = mctx_metrics_sampler_new_for_context (context);
  baseline = mctx_metrics_sampler_sample (sampler);   /* NULL: the first sets the baseline */

  for (guint i = 0; i < 10; i++)
    if (mctx_publication_send (publication, (const guint8 *) "measured", 8, &error) < 0)
      goto fail;

  delta = mctx_metrics_sampler_sample (sampler);
  if (!mctx_metrics_writer_write_sample (writer, delta, &error))
    goto fail;

  printf ("%" G_GUINT64_FORMAT " packets, %.0f packets/s\n",
          mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_PACKETS_SENT),
          mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_PACKETS_SENT));
  return 0;

fail:
  fprintf (stderr, "metrics: %s\n", error->message);
  return 1;
}
