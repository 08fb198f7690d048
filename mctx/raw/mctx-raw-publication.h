/* mctx-raw-publication.h: a socket that sends complete IP datagrams
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/raw/mctx-raw.h> can be included directly."
#endif

#include <gio/gio.h>

#include "../mctx-version-macros.h"
#include "mctx-raw-publication-config.h"
#include "mctx-raw-send-report.h"

G_BEGIN_DECLS

#define MCTX_TYPE_RAW_PUBLICATION (mctx_raw_publication_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxRawPublication, mctx_raw_publication, MCTX, RAW_PUBLICATION, GObject)

MCTX_AVAILABLE_IN_1_0
guint                     mctx_raw_publication_get_id              (MctxRawPublication *self);
MCTX_AVAILABLE_IN_1_0
MctxPublicationConfig    *mctx_raw_publication_dup_config          (MctxRawPublication *self);
MCTX_AVAILABLE_IN_1_0
GSocketFamily             mctx_raw_publication_get_family          (MctxRawPublication *self);
MCTX_AVAILABLE_IN_1_0
guint                     mctx_raw_publication_get_interface_index (MctxRawPublication *self);
MCTX_AVAILABLE_IN_1_0
int                       mctx_raw_publication_get_fd              (MctxRawPublication *self);

MCTX_AVAILABLE_IN_1_0
MctxRawSendReport        *mctx_raw_publication_send_raw            (MctxRawPublication *self,
                                                                    const guint8       *data,
                                                                    gsize               len,
                                                                    GError            **error);
MCTX_AVAILABLE_IN_1_0
gint                      mctx_raw_publication_send_batch          (MctxRawPublication  *self,
                                                                    const GOutputVector *datagrams,
                                                                    guint                n_datagrams,
                                                                    GError             **error);
MCTX_AVAILABLE_IN_1_0
gint                      mctx_raw_publication_send_bytes_batch    (MctxRawPublication  *self,
                                                                    GBytes *const       *datagrams,
                                                                    guint                n_datagrams,
                                                                    GError             **error);
MCTX_AVAILABLE_IN_1_0
MctxRawSendReport        *mctx_raw_publication_send_bytes          (MctxRawPublication *self,
                                                                    GBytes             *datagram,
                                                                    GError            **error);

G_END_DECLS
