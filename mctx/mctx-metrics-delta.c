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

/**
 * mctx_metrics_delta_get_change:
 * @self: a delta
 * @counter: which counter
 *
 * Gets how much one of the counters grew over the interval.
 *
 * Returns: the change
 *
 * Since: 1.0
 */
guint64
mctx_metrics_delta_get_change (MctxMetricsDelta   *self,
                               MctxMetricsCounter  counter)
{
  g_return_val_if_fail (self != NULL, 0);

  /* mctx_metrics_snapshot_delta() refused snapshots where any counter shrank. */
  return mctx_metrics_snapshot_get_counter (self->later, counter) -
         mctx_metrics_snapshot_get_counter (self->earlier, counter);
}

/**
 * mctx_metrics_delta_get_departure_error:
 * @self: a delta
 * @quantile: which quantile, from 0 to 1
 *
 * Gets a quantile of the departure errors measured in the interval, as
 * [method@Mctx.MetricsSnapshot.get_departure_error] does for all of them.
 *
 * Returns: the error in microseconds, or -1 when nothing was measured in
 *   the interval
 *
 * Since: 1.0
 */
double
mctx_metrics_delta_get_departure_error (MctxMetricsDelta *self,
                                        double            quantile)
{
  const MctxDepartureStats *later, *earlier;

  g_return_val_if_fail (self != NULL, -1.0);
  g_return_val_if_fail (quantile >= 0.0 && quantile <= 1.0, -1.0);

  later = _mctx_metrics_snapshot_get_departures (self->later);
  earlier = _mctx_metrics_snapshot_get_departures (self->earlier);
  if (later == NULL)
    return -1.0;
  return _mctx_departure_stats_quantile (later, earlier, quantile);
}

/**
 * mctx_metrics_delta_get_rate:
 * @self: a delta
 * @counter: which counter
 *
 * Gets one of the counters' change per second over the interval, for
 * instance packets per second with %MCTX_METRICS_COUNTER_PACKETS_SENT.
 *
 * Returns: the change per second, 0 over an empty interval
 *
 * Since: 1.0
 */
double
mctx_metrics_delta_get_rate (MctxMetricsDelta   *self,
                             MctxMetricsCounter  counter)
{
  double interval;

  g_return_val_if_fail (self != NULL, 0.0);

  interval = mctx_metrics_delta_get_interval (self);
  return interval > 0.0 ? mctx_metrics_delta_get_change (self, counter) / interval : 0.0;
}
