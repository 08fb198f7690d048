/* mctx-metrics-sampler.h: deltas between successive snapshots
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <glib-object.h>

#include "mctx-version-macros.h"
#include "mctx-context.h"
#include "mctx-metrics-delta.h"
#include "mctx-publication.h"

G_BEGIN_DECLS

#define MCTX_TYPE_METRICS_SAMPLER (mctx_metrics_sampler_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxMetricsSampler, mctx_metrics_sampler, MCTX, METRICS_SAMPLER, GObject)

MCTX_AVAILABLE_IN_1_0
MctxMetricsSampler  *mctx_metrics_sampler_new_for_publication (MctxPublication    *publication);
MCTX_AVAILABLE_IN_1_0
MctxMetricsSampler  *mctx_metrics_sampler_new_for_context     (MctxContext        *context);
MCTX_AVAILABLE_IN_1_0
MctxMetricsDelta    *mctx_metrics_sampler_sample              (MctxMetricsSampler *self);
MCTX_AVAILABLE_IN_1_0
MctxMetricsDelta    *mctx_metrics_sampler_sample_at           (MctxMetricsSampler *self,
                                                               gint64              monotonic_us,
                                                               GError            **error);
MCTX_AVAILABLE_IN_1_0
MctxMetricsDelta    *mctx_metrics_sampler_sample_if_elapsed   (MctxMetricsSampler *self,
                                                               double              seconds);
MCTX_AVAILABLE_IN_1_0
void                 mctx_metrics_sampler_reset               (MctxMetricsSampler *self);
MCTX_AVAILABLE_IN_1_0
MctxMetricsSnapshot *mctx_metrics_sampler_get_last_snapshot   (MctxMetricsSampler *self);

G_END_DECLS
