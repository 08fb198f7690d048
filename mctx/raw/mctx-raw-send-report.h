/* mctx-raw-send-report.h: what one raw send did
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/raw/mctx-raw.h> can be included directly."
#endif

#include <gio/gio.h>

#include "../mctx-version-macros.h"

G_BEGIN_DECLS

#define MCTX_TYPE_RAW_SEND_REPORT (mctx_raw_send_report_get_type ())

/**
 * MctxRawSendReport:
 *
 * What one raw send did: the bytes sent, the datagram's source and
 * destination as its header gives them, its protocol (IPv4) or next header
 * (IPv6), and the interface it left through.
 *
 * Threads: a report never changes once made; it may be read and freed from
 * any thread.
 *
 * Since: 1.0
 */
typedef struct _MctxRawSendReport MctxRawSendReport;

MCTX_AVAILABLE_IN_1_0
GType              mctx_raw_send_report_get_type            (void) G_GNUC_CONST;
MCTX_AVAILABLE_IN_1_0
MctxRawSendReport *mctx_raw_send_report_ref                 (MctxRawSendReport *self);
MCTX_AVAILABLE_IN_1_0
void               mctx_raw_send_report_unref               (MctxRawSendReport *self);
MCTX_AVAILABLE_IN_1_0
gsize              mctx_raw_send_report_get_bytes_sent      (MctxRawSendReport *self);
MCTX_AVAILABLE_IN_1_0
GInetAddress      *mctx_raw_send_report_get_source          (MctxRawSendReport *self);
MCTX_AVAILABLE_IN_1_0
GInetAddress      *mctx_raw_send_report_get_destination     (MctxRawSendReport *self);
MCTX_AVAILABLE_IN_1_0
guint8             mctx_raw_send_report_get_protocol        (MctxRawSendReport *self);
MCTX_AVAILABLE_IN_1_0
guint              mctx_raw_send_report_get_interface_index (MctxRawSendReport *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MctxRawSendReport, mctx_raw_send_report_unref)

G_END_DECLS
