/* mctx-publication.h: one ready-to-send multicast publication
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mctx-version-macros.h"
#include "mctx-publication-config.h"
#include "mctx-send-report.h"

G_BEGIN_DECLS

#define MCTX_TYPE_PUBLICATION (mctx_publication_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxPublication, mctx_publication, MCTX, PUBLICATION, GObject)

MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_get_id              (MctxPublication *self);
MCTX_AVAILABLE_IN_1_0
MctxPublicationConfig *mctx_publication_get_config          (MctxPublication *self);
MCTX_AVAILABLE_IN_1_0
GInetSocketAddress    *mctx_publication_get_destination     (MctxPublication *self);
MCTX_AVAILABLE_IN_1_0
GInetSocketAddress    *mctx_publication_get_local_address   (MctxPublication *self);
MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_get_interface_index (MctxPublication *self);
MCTX_AVAILABLE_IN_1_0
GSocket               *mctx_publication_get_socket          (MctxPublication *self);
MCTX_AVAILABLE_IN_1_0
int                    mctx_publication_get_fd              (MctxPublication *self);
MCTX_AVAILABLE_IN_1_0
GSocket               *mctx_publication_steal_socket        (MctxPublication *self);

MCTX_AVAILABLE_IN_1_0
MctxSendReport        *mctx_publication_send                (MctxPublication *self,
                                                             const guint8    *data,
                                                             gsize            len,
                                                             GError         **error);
MCTX_AVAILABLE_IN_1_0
MctxSendReport        *mctx_publication_send_bytes          (MctxPublication *self,
                                                             GBytes          *bytes,
                                                             GError         **error);
MCTX_AVAILABLE_IN_1_0
gssize                 mctx_publication_send_quick          (MctxPublication *self,
                                                             const guint8    *data,
                                                             gsize            len,
                                                             GError         **error);

MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_get_announce_tuple  (MctxPublication *self,
                                                             GInetAddress   **source,
                                                             GInetAddress   **group,
                                                             guint16         *port,
                                                             GError         **error);

G_END_DECLS
