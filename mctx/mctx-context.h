/* mctx-context.h: a set of publications with stable ids
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mctx-version-macros.h"
#include "mctx-publication.h"

G_BEGIN_DECLS

#define MCTX_TYPE_CONTEXT (mctx_context_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxContext, mctx_context, MCTX, CONTEXT, GObject)

MCTX_AVAILABLE_IN_1_0
MctxContext     *mctx_context_new                         (void);

MCTX_AVAILABLE_IN_1_0
MctxPublication *mctx_context_add_publication             (MctxContext            *self,
                                                           MctxPublicationConfig  *config,
                                                           GError                **error);
MCTX_AVAILABLE_IN_1_0
MctxPublication *mctx_context_add_publication_with_socket (MctxContext            *self,
                                                           MctxPublicationConfig  *config,
                                                           GSocket                *socket,
                                                           GError                **error);

MCTX_AVAILABLE_IN_1_0
MctxPublication *mctx_context_replace_publication         (MctxContext            *self,
                                                           guint                   id,
                                                           MctxPublicationConfig  *config,
                                                           GError                **error);
MCTX_AVAILABLE_IN_1_0
MctxPublication *mctx_context_get_publication             (MctxContext            *self,
                                                           guint                   id);
MCTX_AVAILABLE_IN_1_0
MctxPublication *mctx_context_take_publication            (MctxContext            *self,
                                                           guint                   id,
                                                           GError                **error);
MCTX_AVAILABLE_IN_1_0
gboolean         mctx_context_remove_publication          (MctxContext            *self,
                                                           guint                   id,
                                                           GError                **error);

MCTX_AVAILABLE_IN_1_0
MctxMetricsSnapshot *mctx_context_snapshot_metrics        (MctxContext            *self);

MCTX_AVAILABLE_IN_1_0
gint             mctx_context_send_messages               (MctxContext            *self,
                                                           const guint            *ids,
                                                           GOutputMessage         *messages,
                                                           guint                   n_messages,
                                                           GError                **error);
MCTX_AVAILABLE_IN_1_0
gint             mctx_context_send_many                   (MctxContext            *self,
                                                           const guint            *ids,
                                                           GBytes *const          *datagrams,
                                                           guint                   n_datagrams,
                                                           GError                **error);
MCTX_AVAILABLE_IN_1_0
gint             mctx_context_send_all                    (MctxContext            *self,
                                                           const guint8           *data,
                                                           gsize                   len,
                                                           GError                **error);

G_END_DECLS
