/* mctx-send-report.h: what one send did
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mctx-version-macros.h"

G_BEGIN_DECLS

#define MCTX_TYPE_SEND_REPORT (mctx_send_report_get_type ())

typedef struct _MctxSendReport MctxSendReport;

MCTX_AVAILABLE_IN_1_0
GType               mctx_send_report_get_type            (void) G_GNUC_CONST;
MCTX_AVAILABLE_IN_1_0
MctxSendReport     *mctx_send_report_ref                 (MctxSendReport *self);
MCTX_AVAILABLE_IN_1_0
void                mctx_send_report_unref               (MctxSendReport *self);

MCTX_AVAILABLE_IN_1_0
gsize               mctx_send_report_get_bytes_sent      (MctxSendReport *self);
MCTX_AVAILABLE_IN_1_0
GInetSocketAddress *mctx_send_report_get_destination     (MctxSendReport *self);
MCTX_AVAILABLE_IN_1_0
GInetSocketAddress *mctx_send_report_get_local_address   (MctxSendReport *self);
MCTX_AVAILABLE_IN_1_0
guint               mctx_send_report_get_interface_index (MctxSendReport *self);
MCTX_AVAILABLE_IN_1_0
guint8              mctx_send_report_get_protocol        (MctxSendReport *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MctxSendReport, mctx_send_report_unref)

G_END_DECLS
