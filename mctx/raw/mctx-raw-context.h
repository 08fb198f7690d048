/* mctx-raw-context.h: raw publications with stable ids
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/raw/mctx-raw.h> can be included directly."
#endif

#include <gio/gio.h>

#include "../mctx-version-macros.h"
#include "mctx-raw-publication.h"

G_BEGIN_DECLS

#define MCTX_TYPE_RAW_CONTEXT (mctx_raw_context_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxRawContext, mctx_raw_context, MCTX, RAW_CONTEXT, GObject)

MCTX_AVAILABLE_IN_1_0
MctxRawContext     *mctx_raw_context_new                     (void);
MCTX_AVAILABLE_IN_1_0
MctxRawPublication *mctx_raw_context_add_publication         (MctxRawContext            *self,
                                                              MctxPublicationConfig     *config,
                                                              GError                   **error);
MCTX_AVAILABLE_IN_1_0
MctxRawPublication *mctx_raw_context_replace_publication     (MctxRawContext            *self,
                                                              guint                      id,
                                                              MctxPublicationConfig     *config,
                                                              GError                   **error);
MCTX_AVAILABLE_IN_1_0
MctxRawPublication *mctx_raw_context_get_publication         (MctxRawContext            *self,
                                                              guint                      id);
MCTX_AVAILABLE_IN_1_0
MctxRawPublication *mctx_raw_context_take_publication        (MctxRawContext            *self,
                                                              guint                      id,
                                                              GError                   **error);
MCTX_AVAILABLE_IN_1_0
gboolean            mctx_raw_context_remove_publication      (MctxRawContext            *self,
                                                              guint                      id,
                                                              GError                   **error);
MCTX_AVAILABLE_IN_1_0
guint               mctx_raw_context_get_n_publications      (MctxRawContext            *self);
MCTX_AVAILABLE_IN_1_0
MctxRawSendReport  *mctx_raw_context_send_raw                (MctxRawContext            *self,
                                                              guint                      id,
                                                              const guint8              *data,
                                                              gsize                      len,
                                                              GError                   **error);

G_END_DECLS
