/* mctx-send-outcome.h: how one publication fared in a send to all
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

#define MCTX_TYPE_SEND_OUTCOME (mctx_send_outcome_get_type ())

/**
 * MctxSendOutcome:
 *
 * How one publication fared when [method@Mctx.Context.send_to_all] sent a
 * payload through every publication of a context: the publication's id and
 * destination, and either the bytes sent or the error that stopped it.
 * Outcomes are immutable and reference counted.
 *
 * Threads: an outcome never changes once made; it may be read and freed
 * from any thread.
 *
 * Since: 1.0
 */
typedef struct _MctxSendOutcome MctxSendOutcome;

MCTX_AVAILABLE_IN_1_0
GType               mctx_send_outcome_get_type            (void) G_GNUC_CONST;
MCTX_AVAILABLE_IN_1_0
MctxSendOutcome    *mctx_send_outcome_ref                 (MctxSendOutcome *self);
MCTX_AVAILABLE_IN_1_0
void                mctx_send_outcome_unref               (MctxSendOutcome *self);

MCTX_AVAILABLE_IN_1_0
guint               mctx_send_outcome_get_publication_id  (MctxSendOutcome *self);
MCTX_AVAILABLE_IN_1_0
GInetSocketAddress *mctx_send_outcome_get_destination     (MctxSendOutcome *self);
MCTX_AVAILABLE_IN_1_0
gboolean            mctx_send_outcome_get_sent            (MctxSendOutcome *self);
MCTX_AVAILABLE_IN_1_0
gsize               mctx_send_outcome_get_bytes_sent      (MctxSendOutcome *self);
MCTX_AVAILABLE_IN_1_0
const GError       *mctx_send_outcome_get_error           (MctxSendOutcome *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MctxSendOutcome, mctx_send_outcome_unref)

G_END_DECLS
