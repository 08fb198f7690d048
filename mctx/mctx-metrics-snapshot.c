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
}

MctxMetricsSnapshot *
_mctx_metrics_snapshot_new (MctxMetricsKind            kind,
                            guint                      publication_id,
                            gint64                     timestamp_us,
                            gint64                     monotonic_us,
                            const MctxMetricsCounters *counters,
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

  return self;
}

const MctxMetricsCounters *
_mctx_metrics_snapshot_get_counters (MctxMetricsSnapshot *self)
{
  return &self->counters;
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
    g_free (self);
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
 * mctx_metrics_snapshot_get_send_calls:
 * @self: a snapshot
 *
 * Gets how many sends were attempted: those that sent and those that
 * failed, full send buffers included.
 *
 * Returns: the number of send calls
 *
 * Since: 1.0
 */
guint64
mctx_metrics_snapshot_get_send_calls (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->counters.packets_sent + self->counters.send_errors;
}

/**
 * mctx_metrics_snapshot_get_packets_sent:
 * @self: a snapshot
 *
 * Gets how many datagrams were sent.
 *
 * Returns: the number of packets
 *
 * Since: 1.0
 */
guint64
mctx_metrics_snapshot_get_packets_sent (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->counters.packets_sent;
}

/**
 * mctx_metrics_snapshot_get_bytes_sent:
 * @self: a snapshot
 *
 * Gets how many payload bytes were sent.
 *
 * Returns: the number of bytes
 *
 * Since: 1.0
 */
guint64
mctx_metrics_snapshot_get_bytes_sent (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->counters.bytes_sent;
}

/**
 * mctx_metrics_snapshot_get_send_errors:
 * @self: a snapshot
 *
 * Gets how many sends failed, %G_IO_ERROR_WOULD_BLOCK included.
 *
 * Returns: the number of failed sends
 *
 * Since: 1.0
 */
guint64
mctx_metrics_snapshot_get_send_errors (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->counters.send_errors;
}

/**
 * mctx_metrics_snapshot_get_publications_added:
 * @self: a snapshot
 *
 * Gets how many publications were ever added to the context.
 *
 * Returns: the number, 0 for a publication snapshot
 *
 * Since: 1.0
 */
guint64
mctx_metrics_snapshot_get_publications_added (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->publications_added;
}

/**
 * mctx_metrics_snapshot_get_publications_removed:
 * @self: a snapshot
 *
 * Gets how many publications ever left the context, removed or taken.
 *
 * Returns: the number, 0 for a publication snapshot
 *
 * Since: 1.0
 */
guint64
mctx_metrics_snapshot_get_publications_removed (MctxMetricsSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->publications_removed;
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
      self->publications_removed < earlier->publications_removed)
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH,
                           _("The earlier snapshot was not taken before the later one"));
      return NULL;
    }

  return _mctx_metrics_delta_new (earlier, self);
}
