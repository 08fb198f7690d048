/* mctx-metrics-writer.h: the heimdall-jsonl-v1 metrics file
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mctx-version-macros.h"
#include "mctx-metrics-delta.h"

G_BEGIN_DECLS

/**
 * MCTX_METRICS_SCHEMA:
 *
 * The schema a metrics file's header names.
 *
 * Since: 1.0
 */
#define MCTX_METRICS_SCHEMA "heimdall-jsonl-v1"

/**
 * MCTX_METRICS_ARTIFACT_TYPE:
 *
 * The artifact type of mctx's metrics files.
 *
 * Since: 1.0
 */
#define MCTX_METRICS_ARTIFACT_TYPE "mctx-network"

#define MCTX_TYPE_METRICS_WRITER (mctx_metrics_writer_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxMetricsWriter, mctx_metrics_writer, MCTX, METRICS_WRITER, GObject)

MCTX_AVAILABLE_IN_1_0
MctxMetricsWriter *mctx_metrics_writer_new          (const char         *path,
                                                     const char         *producer,
                                                     const char         *node_id,
                                                     JsonObject         *flags,
                                                     GError            **error);
MCTX_AVAILABLE_IN_1_0
gboolean           mctx_metrics_writer_write_sample (MctxMetricsWriter  *self,
                                                     MctxMetricsDelta   *delta,
                                                     GError            **error);
MCTX_AVAILABLE_IN_1_0
gboolean           mctx_metrics_writer_write_row    (MctxMetricsWriter  *self,
                                                     JsonObject         *row,
                                                     GError            **error);
MCTX_AVAILABLE_IN_1_0
void               mctx_metrics_writer_close        (MctxMetricsWriter  *self);

MCTX_AVAILABLE_IN_1_0
const char        *mctx_metrics_writer_get_node_id  (MctxMetricsWriter  *self);

G_END_DECLS
