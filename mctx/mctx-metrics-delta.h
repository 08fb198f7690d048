/* mctx-metrics-delta.h: what changed between two snapshots
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <glib-object.h>

#include "mctx-version-macros.h"
#include "mctx-metrics-snapshot.h"

G_BEGIN_DECLS

#define MCTX_TYPE_METRICS_DELTA (mctx_metrics_delta_get_type ())

MCTX_AVAILABLE_IN_1_0
GType                mctx_metrics_delta_get_type                 (void) G_GNUC_CONST;
MCTX_AVAILABLE_IN_1_0
MctxMetricsDelta    *mctx_metrics_delta_ref                      (MctxMetricsDelta *self);
MCTX_AVAILABLE_IN_1_0
void                 mctx_metrics_delta_unref                    (MctxMetricsDelta *self);

MCTX_AVAILABLE_IN_1_0
MctxMetricsSnapshot *mctx_metrics_delta_get_earlier              (MctxMetricsDelta *self);
MCTX_AVAILABLE_IN_1_0
MctxMetricsSnapshot *mctx_metrics_delta_get_later                (MctxMetricsDelta *self);
MCTX_AVAILABLE_IN_1_0
double               mctx_metrics_delta_get_interval             (MctxMetricsDelta *self);

MCTX_AVAILABLE_IN_1_0
guint64              mctx_metrics_delta_get_change               (MctxMetricsDelta   *self,
                                                                  MctxMetricsCounter  counter);
MCTX_AVAILABLE_IN_1_0
double               mctx_metrics_delta_get_departure_error      (MctxMetricsDelta   *self,
                                                                  double              quantile);
MCTX_AVAILABLE_IN_1_0
double               mctx_metrics_delta_get_rate                 (MctxMetricsDelta   *self,
                                                                  MctxMetricsCounter  counter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MctxMetricsDelta, mctx_metrics_delta_unref)

G_END_DECLS
