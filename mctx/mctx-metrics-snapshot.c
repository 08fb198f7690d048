/* mctx-metrics-snapshot.c: send counters at one instant
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

struct _MctxMetricsSnapshot
{
  gatomicrefcount ref_count;
  MctxMetricsKind kind;
  guint publication_id;
  gint64 timestamp_us;
  gint64 monotonic_us;
  MctxMetricsCounters counters;
  guint64 publications_added;
  guint64 publications_removed;
  guint64 active_publications;
  MctxDepartureStats *departures;   /* (nullable) none measured */
};

MCTX_DEFINE_BOXED_TYPE (MctxMetricsSnapshot, mctx_metrics_snapshot,
                        mctx_metrics_snapshot_ref, mctx_metrics_snapshot_unref)

void
_mctx_metrics_counters_add (MctxMetricsCounters       *total,
                            const MctxMetricsCounters *more)
{
  total->packets_sent += more->packets_sent;
  total->bytes_sent += more->bytes_sent;
  total->send_errors += more->send_errors;
  total->unreachable_errors += more->unreachable_errors;
  total->message_size_errors += more->message_size_errors;
  total->local_errors += more->local_errors;
}

MctxMetricsSnapshot *
_mctx_metrics_snapshot_new (MctxMetricsKind            kind,
                            guint                      publication_id,
                            gint64                     timestamp_us,
                            gint64                     monotonic_us,
                            const MctxMetricsCounters *counters,
                            const MctxDepartureStats  *departures,
                            guint64                    publications_added,
                            guint64                    publications_removed,
                            guint64                    active_publications)
{
  MctxMetricsSnapshot *self = g_new0 (MctxMetricsSnapshot, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->publication_id = publication_id;
  self->timestamp_us = timestamp_us;
  self->monotonic_us = monotonic_us;
  self->counters = *counters;
  self->publications_added = publications_added;
  self->publications_removed = publications_removed;
  self->active_publications = active_publications;
  if (departures != NULL)
    self->departures = g_memdup2 (departures, sizeof *departures);

  return self;
}

/* @now's counters, as if captured at @monotonic_us instead. */
MctxMetricsSnapshot *
_mctx_metrics_snapshot_new_at (MctxMetricsSnapshot *now,
                               gint64               monotonic_us)
{
  return _mctx_metrics_snapshot_new (now->kind, now->publication_id,
                                     now->timestamp_us + (monotonic_us - now->monotonic_us),
                                     monotonic_us, &now->counters, now->departures, now->publications_added,
                                     now->publications_removed, now->active_publications);
}

const MctxDepartureStats *
_mctx_metrics_snapshot_get_departures (MctxMetricsSnapshot *self)
{
  return self->departures;
}

/**
 * mctx_metrics_snapshot_ref:
 * @self: a snapshot
 *
 * Acquires a reference on @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
MctxMetricsSnapshot *
mctx_metrics_snapshot_ref (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * mctx_metrics_snapshot_unref:
 * @self: (transfer full): a snapshot
 *
 * Releases a reference on @self.
 *
 * Since: 1.0
 */
void
mctx_metrics_snapshot_unref (MctxMetricsSnapshot *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->departures);
      g_free (self);
    }
}

/**
 * mctx_metrics_snapshot_get_kind:
 * @self: a snapshot
 *
 * Gets whether @self counts one publication or a whole context.
 *
 * Returns: the kind
 *
 * Since: 1.0
 */
MctxMetricsKind
mctx_metrics_snapshot_get_kind (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, MCTX_METRICS_KIND_PUBLICATION);

  return self->kind;
}

/**
 * mctx_metrics_snapshot_get_publication_id:
 * @self: a snapshot
 *
 * Gets the id of the publication a publication snapshot counts.
 *
 * Returns: the publication id, 0 for a context snapshot
 *
 * Since: 1.0
 */
guint
mctx_metrics_snapshot_get_publication_id (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->publication_id;
}

/**
 * mctx_metrics_snapshot_get_timestamp:
 * @self: a snapshot
 *
 * Gets when @self was captured, on the wall clock, for export.
 *
 * Returns: microseconds since the Unix epoch, as g_get_real_time()
 *
 * Since: 1.0
 */
gint64
mctx_metrics_snapshot_get_timestamp (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->timestamp_us;
}

/**
 * mctx_metrics_snapshot_get_monotonic_time:
 * @self: a snapshot
 *
 * Gets when @self was captured, on the monotonic clock, which intervals
 * are measured on.
 *
 * Returns: microseconds, as g_get_monotonic_time()
 *
 * Since: 1.0
 */
gint64
mctx_metrics_snapshot_get_monotonic_time (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->monotonic_us;
}

/**
 * mctx_metrics_snapshot_get_counter:
 * @self: a snapshot
 * @counter: which counter
 *
 * Gets the value of one of the counters at the capture.
 *
 * Returns: the count since the publication or context was made
 *
 * Since: 1.0
 */
guint64
mctx_metrics_snapshot_get_counter (MctxMetricsSnapshot *self,
                                   MctxMetricsCounter   counter)
{
  g_return_val_if_fail (self != NULL, 0);

  switch (counter)
    {
    case MCTX_METRICS_COUNTER_SEND_CALLS:
      return self->counters.packets_sent + self->counters.send_errors;
    case MCTX_METRICS_COUNTER_PACKETS_SENT:
      return self->counters.packets_sent;
    case MCTX_METRICS_COUNTER_BYTES_SENT:
      return self->counters.bytes_sent;
    case MCTX_METRICS_COUNTER_SEND_ERRORS:
      return self->counters.send_errors;
    case MCTX_METRICS_COUNTER_PUBLICATIONS_ADDED:
      return self->publications_added;
    case MCTX_METRICS_COUNTER_PUBLICATIONS_REMOVED:
      return self->publications_removed;
    case MCTX_METRICS_COUNTER_DEPARTURES_MEASURED:
      return self->departures != NULL ? self->departures->measured : 0;
    case MCTX_METRICS_COUNTER_DEPARTURES_MISSING:
      return self->departures != NULL ? self->departures->missing : 0;
    case MCTX_METRICS_COUNTER_UNREACHABLE_ERRORS:
      return self->counters.unreachable_errors;
    case MCTX_METRICS_COUNTER_MESSAGE_SIZE_ERRORS:
      return self->counters.message_size_errors;
    case MCTX_METRICS_COUNTER_LOCAL_ERRORS:
      return self->counters.local_errors;
    default:
      g_return_val_if_reached (0);
    }
}

/**
 * mctx_metrics_snapshot_get_active_publications:
 * @self: a snapshot
 *
 * Gets how many publications the context had at the capture: a gauge, not
 * a counter.
 *
 * Returns: the number, 0 for a publication snapshot
 *
 * Since: 1.0
 */
guint64
mctx_metrics_snapshot_get_active_publications (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->active_publications;
}

/**
 * mctx_metrics_snapshot_get_departure_error:
 * @self: a snapshot
 * @quantile: which quantile, from 0 to 1: 0.5 for the median, 0.99 for
 *   the 99th percentile, 1 for the largest
 *
 * Gets how far from their due time the measured datagrams left, as a
 * quantile of all measured so far
 * ([property@Mctx.PublicationConfig:departure-timestamps]): the distance
 * between the kernel's transmit timestamp and the time the datagram was
 * due, in either direction. The errors are kept in log-scale buckets,
 * eight per doubling, so a quantile is its bucket's upper bound: at most
 * 12.5 % high, and never above the largest error, which is exact.
 *
 * Returns: the error in microseconds, or -1 when nothing was measured
 *
 * Since: 1.0
 */
double
mctx_metrics_snapshot_get_departure_error (MctxMetricsSnapshot *self,
                                           double               quantile)
{
  g_return_val_if_fail (self != NULL, -1.0);
  g_return_val_if_fail (quantile >= 0.0 && quantile <= 1.0, -1.0);

  if (self->departures == NULL)
    return -1.0;
  return _mctx_departure_stats_quantile (self->departures, NULL, quantile);
}

/**
 * mctx_metrics_snapshot_delta:
 * @self: the later snapshot
 * @earlier: an earlier snapshot of the same publication or context
 * @error: return location for a #GError
 *
 * Computes what changed from @earlier to @self: every counter's change,
 * the interval on the monotonic clock, and rates per second.
 *
 * Returns: (transfer full): the delta, or %NULL with
 *   %MCTX_ERROR_METRICS_MISMATCH when the snapshots are of different kinds
 *   or publications, or @earlier is not earlier
 *
 * Since: 1.0
 */
MctxMetricsDelta *
mctx_metrics_snapshot_delta (MctxMetricsSnapshot  *self,
                             MctxMetricsSnapshot  *earlier,
                             GError              **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (earlier != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->kind != earlier->kind || self->publication_id != earlier->publication_id)
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH,
                           _("The snapshots are not of the same publication or context"));
      return NULL;
    }

  if (self->monotonic_us < earlier->monotonic_us ||
      self->counters.packets_sent < earlier->counters.packets_sent ||
      self->counters.bytes_sent < earlier->counters.bytes_sent ||
      self->counters.send_errors < earlier->counters.send_errors ||
      self->publications_added < earlier->publications_added ||
      self->publications_removed < earlier->publications_removed ||
      mctx_metrics_snapshot_get_counter (self, MCTX_METRICS_COUNTER_DEPARTURES_MEASURED) <
      mctx_metrics_snapshot_get_counter (earlier, MCTX_METRICS_COUNTER_DEPARTURES_MEASURED))
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH,
                           _("The earlier snapshot was not taken before the later one"));
      return NULL;
    }

  return _mctx_metrics_delta_new (earlier, self);
}
