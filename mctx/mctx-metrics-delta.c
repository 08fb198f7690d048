/* mctx-metrics-delta.c: what changed between two snapshots
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

/**
 * MctxMetricsDelta:
 *
 * What changed between two snapshots of the same publication or context:
 * each counter's change, the interval between the captures on the
 * monotonic clock, and rates per second. Made by
 * [method@Mctx.MetricsSnapshot.delta] or a [class@Mctx.MetricsSampler].
 *
 * Threads: a delta never changes once made; it may be read and freed from
 * any thread.
 *
 * See also: [Send metrics and the JSONL file](metrics.html).
 *
 * Since: 1.0
 */
struct _MctxMetricsDelta
{
  gatomicrefcount ref_count;
  MctxMetricsSnapshot *earlier;
  MctxMetricsSnapshot *later;
};

MCTX_DEFINE_BOXED_TYPE (MctxMetricsDelta, mctx_metrics_delta,
                        mctx_metrics_delta_ref, mctx_metrics_delta_unref)

MctxMetricsDelta *
_mctx_metrics_delta_new (MctxMetricsSnapshot *earlier,
                         MctxMetricsSnapshot *later)
{
  MctxMetricsDelta *self = g_new0 (MctxMetricsDelta, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->earlier = mctx_metrics_snapshot_ref (earlier);
  self->later = mctx_metrics_snapshot_ref (later);

  return self;
}

/**
 * mctx_metrics_delta_ref:
 * @self: a delta
 *
 * Acquires a reference on @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
MctxMetricsDelta *
mctx_metrics_delta_ref (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * mctx_metrics_delta_unref:
 * @self: (transfer full): a delta
 *
 * Releases a reference on @self.
 *
 * Since: 1.0
 */
void
mctx_metrics_delta_unref (MctxMetricsDelta *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  mctx_metrics_snapshot_unref (self->earlier);
  mctx_metrics_snapshot_unref (self->later);
  g_free (self);
}

/**
 * mctx_metrics_delta_get_kind:
 * @self: a delta
 *
 * Gets whether @self is of a publication or of a context.
 *
 * Returns: the kind
 *
 * Since: 1.0
 */
MctxMetricsKind
mctx_metrics_delta_get_kind (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, MCTX_METRICS_KIND_PUBLICATION);

  return mctx_metrics_snapshot_get_kind (self->later);
}

/**
 * mctx_metrics_delta_get_earlier:
 * @self: a delta
 *
 * Gets the snapshot the delta starts from.
 *
 * Returns: (transfer none): the earlier snapshot
 *
 * Since: 1.0
 */
MctxMetricsSnapshot *
mctx_metrics_delta_get_earlier (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->earlier;
}

/**
 * mctx_metrics_delta_get_later:
 * @self: a delta
 *
 * Gets the snapshot the delta ends at, whose totals and gauge are current.
 *
 * Returns: (transfer none): the later snapshot
 *
 * Since: 1.0
 */
MctxMetricsSnapshot *
mctx_metrics_delta_get_later (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->later;
}

/**
 * mctx_metrics_delta_get_interval:
 * @self: a delta
 *
 * Gets the time between the two captures, on the monotonic clock.
 *
 * Returns: the interval in seconds
 *
 * Since: 1.0
 */
double
mctx_metrics_delta_get_interval (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return (mctx_metrics_snapshot_get_monotonic_time (self->later) -
          mctx_metrics_snapshot_get_monotonic_time (self->earlier)) / (double) G_USEC_PER_SEC;
}

#define DELTA_OF(field) \
  (mctx_metrics_snapshot_get_##field (self->later) - mctx_metrics_snapshot_get_##field (self->earlier))

/**
 * mctx_metrics_delta_get_send_calls:
 * @self: a delta
 *
 * Gets how many sends were attempted in the interval.
 *
 * Returns: the change in send calls
 *
 * Since: 1.0
 */
guint64
mctx_metrics_delta_get_send_calls (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return DELTA_OF (send_calls);
}

/**
 * mctx_metrics_delta_get_packets_sent:
 * @self: a delta
 *
 * Gets how many datagrams were sent in the interval.
 *
 * Returns: the change in packets sent
 *
 * Since: 1.0
 */
guint64
mctx_metrics_delta_get_packets_sent (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return DELTA_OF (packets_sent);
}

/**
 * mctx_metrics_delta_get_bytes_sent:
 * @self: a delta
 *
 * Gets how many payload bytes were sent in the interval.
 *
 * Returns: the change in bytes sent
 *
 * Since: 1.0
 */
guint64
mctx_metrics_delta_get_bytes_sent (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return DELTA_OF (bytes_sent);
}

/**
 * mctx_metrics_delta_get_send_errors:
 * @self: a delta
 *
 * Gets how many sends failed in the interval.
 *
 * Returns: the change in send errors
 *
 * Since: 1.0
 */
guint64
mctx_metrics_delta_get_send_errors (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return DELTA_OF (send_errors);
}

/**
 * mctx_metrics_delta_get_publications_added:
 * @self: a delta
 *
 * Gets how many publications were added in the interval.
 *
 * Returns: the change, 0 for a publication delta
 *
 * Since: 1.0
 */
guint64
mctx_metrics_delta_get_publications_added (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return DELTA_OF (publications_added);
}

/**
 * mctx_metrics_delta_get_publications_removed:
 * @self: a delta
 *
 * Gets how many publications left the context in the interval.
 *
 * Returns: the change, 0 for a publication delta
 *
 * Since: 1.0
 */
guint64
mctx_metrics_delta_get_publications_removed (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return DELTA_OF (publications_removed);
}

static double
per_second (MctxMetricsDelta *self,
            guint64           change)
{
  double interval = mctx_metrics_delta_get_interval (self);

  return interval > 0.0 ? change / interval : 0.0;
}

/**
 * mctx_metrics_delta_get_send_calls_per_second:
 * @self: a delta
 *
 * Gets the rate of send calls over the interval.
 *
 * Returns: send calls per second, 0 over an empty interval
 *
 * Since: 1.0
 */
double
mctx_metrics_delta_get_send_calls_per_second (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return per_second (self, DELTA_OF (send_calls));
}

/**
 * mctx_metrics_delta_get_packets_per_second:
 * @self: a delta
 *
 * Gets the packet rate over the interval.
 *
 * Returns: packets per second, 0 over an empty interval
 *
 * Since: 1.0
 */
double
mctx_metrics_delta_get_packets_per_second (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return per_second (self, DELTA_OF (packets_sent));
}

/**
 * mctx_metrics_delta_get_bytes_per_second:
 * @self: a delta
 *
 * Gets the byte rate over the interval.
 *
 * Returns: payload bytes per second, 0 over an empty interval
 *
 * Since: 1.0
 */
double
mctx_metrics_delta_get_bytes_per_second (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return per_second (self, DELTA_OF (bytes_sent));
}

/**
 * mctx_metrics_delta_get_send_errors_per_second:
 * @self: a delta
 *
 * Gets the rate of failed sends over the interval.
 *
 * Returns: send errors per second, 0 over an empty interval
 *
 * Since: 1.0
 */
double
mctx_metrics_delta_get_send_errors_per_second (MctxMetricsDelta *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return per_second (self, DELTA_OF (send_errors));
}
