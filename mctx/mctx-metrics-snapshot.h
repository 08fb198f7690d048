/* mctx-metrics-snapshot.h: send counters at one instant
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <glib-object.h>

#include "mctx-version-macros.h"

G_BEGIN_DECLS

/**
 * MctxMetricsKind:
 * @MCTX_METRICS_KIND_PUBLICATION: the counters of one publication
 * @MCTX_METRICS_KIND_CONTEXT: the lifetime totals of a context
 *
 * What a [struct@Mctx.MetricsSnapshot] counts.
 *
 * Since: 1.0
 */
typedef enum {
  MCTX_METRICS_KIND_PUBLICATION,
  MCTX_METRICS_KIND_CONTEXT,
} MctxMetricsKind;

/**
 * MctxMetricsCounter:
 * @MCTX_METRICS_COUNTER_SEND_CALLS: sends attempted: those that sent and
 *   those that failed, full send buffers included
 * @MCTX_METRICS_COUNTER_PACKETS_SENT: datagrams sent
 * @MCTX_METRICS_COUNTER_BYTES_SENT: payload bytes sent (whole datagrams for
 *   raw publications)
 * @MCTX_METRICS_COUNTER_SEND_ERRORS: failed sends, %G_IO_ERROR_WOULD_BLOCK
 *   included
 * @MCTX_METRICS_COUNTER_PUBLICATIONS_ADDED: publications ever added to the
 *   context; 0 for a publication
 * @MCTX_METRICS_COUNTER_PUBLICATIONS_REMOVED: publications that ever left
 *   the context, removed or taken; 0 for a publication
 * @MCTX_METRICS_COUNTER_DEPARTURES_MEASURED: datagrams whose departure was
 *   measured ([property@Mctx.PublicationConfig:departure-timestamps])
 * @MCTX_METRICS_COUNTER_DEPARTURES_MISSING: datagrams whose departure
 *   timestamp never came (the kernel dropped it, or it came a second late)
 * @MCTX_METRICS_COUNTER_UNREACHABLE_ERRORS: reports that an earlier
 *   datagram's destination was unreachable (ICMP destination unreachable)
 * @MCTX_METRICS_COUNTER_MESSAGE_SIZE_ERRORS: reports that an earlier
 *   datagram was too big for the path (`EMSGSIZE`, with the path MTU)
 * @MCTX_METRICS_COUNTER_LOCAL_ERRORS: other errors this host queued about
 *   earlier datagrams
 *
 * The counters a [struct@Mctx.MetricsSnapshot] holds. Each only grows, so
 * a [struct@Mctx.MetricsDelta] gives its change and rate over an interval.
 *
 * Since: 1.0
 */
typedef enum {
  MCTX_METRICS_COUNTER_SEND_CALLS,
  MCTX_METRICS_COUNTER_PACKETS_SENT,
  MCTX_METRICS_COUNTER_BYTES_SENT,
  MCTX_METRICS_COUNTER_SEND_ERRORS,
  MCTX_METRICS_COUNTER_PUBLICATIONS_ADDED,
  MCTX_METRICS_COUNTER_PUBLICATIONS_REMOVED,
  MCTX_METRICS_COUNTER_DEPARTURES_MEASURED,
  MCTX_METRICS_COUNTER_DEPARTURES_MISSING,
  MCTX_METRICS_COUNTER_UNREACHABLE_ERRORS,
  MCTX_METRICS_COUNTER_MESSAGE_SIZE_ERRORS,
  MCTX_METRICS_COUNTER_LOCAL_ERRORS,
} MctxMetricsCounter;

#define MCTX_TYPE_METRICS_SNAPSHOT (mctx_metrics_snapshot_get_type ())

/**
 * MctxMetricsSnapshot:
 *
 * The send counters of a publication, or the lifetime totals of a
 * context, captured at one instant. Every send is seen whole: its call,
 * packet and bytes are all counted or none is.
 *
 * Snapshots carry two capture times: the wall clock, for export, and the
 * monotonic clock, for intervals. Two snapshots of the same publication
 * or context make a [struct@Mctx.MetricsDelta].
 *
 * Threads: a snapshot never changes once taken; it may be read and freed
 * from any thread.
 *
 * Since: 1.0
 */
typedef struct _MctxMetricsSnapshot MctxMetricsSnapshot;

typedef struct _MctxMetricsDelta MctxMetricsDelta;

MCTX_AVAILABLE_IN_1_0
GType                mctx_metrics_snapshot_get_type                 (void) G_GNUC_CONST;
MCTX_AVAILABLE_IN_1_0
MctxMetricsSnapshot *mctx_metrics_snapshot_ref                      (MctxMetricsSnapshot *self);
MCTX_AVAILABLE_IN_1_0
void                 mctx_metrics_snapshot_unref                    (MctxMetricsSnapshot *self);

MCTX_AVAILABLE_IN_1_0
MctxMetricsKind      mctx_metrics_snapshot_get_kind                 (MctxMetricsSnapshot *self);
MCTX_AVAILABLE_IN_1_0
guint                mctx_metrics_snapshot_get_publication_id       (MctxMetricsSnapshot *self);
MCTX_AVAILABLE_IN_1_0
gint64               mctx_metrics_snapshot_get_timestamp            (MctxMetricsSnapshot *self);
MCTX_AVAILABLE_IN_1_0
gint64               mctx_metrics_snapshot_get_monotonic_time       (MctxMetricsSnapshot *self);
MCTX_AVAILABLE_IN_1_0
guint64              mctx_metrics_snapshot_get_counter              (MctxMetricsSnapshot *self,
                                                                     MctxMetricsCounter   counter);
MCTX_AVAILABLE_IN_1_0
guint64              mctx_metrics_snapshot_get_active_publications  (MctxMetricsSnapshot *self);
MCTX_AVAILABLE_IN_1_0
double               mctx_metrics_snapshot_get_departure_error      (MctxMetricsSnapshot *self,
                                                                     double               quantile);

MCTX_AVAILABLE_IN_1_0
MctxMetricsDelta    *mctx_metrics_snapshot_delta                    (MctxMetricsSnapshot  *self,
                                                                     MctxMetricsSnapshot  *earlier,
                                                                     GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MctxMetricsSnapshot, mctx_metrics_snapshot_unref)

G_END_DECLS
