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
MctxPublicationConfig *mctx_publication_dup_config          (MctxPublication *self);
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
gssize                 mctx_publication_send                (MctxPublication  *self,
                                                             const guint8     *data,
                                                             gsize             len,
                                                             GError          **error);
MCTX_AVAILABLE_IN_1_0
gssize                 mctx_publication_send_bytes          (MctxPublication  *self,
                                                             GBytes           *bytes,
                                                             GError          **error);
MCTX_AVAILABLE_IN_1_0
gint                   mctx_publication_send_batch          (MctxPublication     *self,
                                                             const GOutputVector *datagrams,
                                                             guint                n_datagrams,
                                                             GError             **error);
MCTX_AVAILABLE_IN_1_0
gint                   mctx_publication_send_bytes_batch    (MctxPublication     *self,
                                                             GBytes *const       *datagrams,
                                                             guint                n_datagrams,
                                                             GError             **error);
MCTX_AVAILABLE_IN_1_0
gint                   mctx_publication_send_packed         (MctxPublication     *self,
                                                             const guint8        *data,
                                                             gsize                len,
                                                             const gsize         *sizes,
                                                             guint                n_datagrams,
                                                             GError             **error);
MCTX_AVAILABLE_IN_1_0
gint                   mctx_publication_send_segmented      (MctxPublication     *self,
                                                             const guint8        *data,
                                                             gsize                len,
                                                             gsize                segment_size,
                                                             GError             **error);
MCTX_AVAILABLE_IN_1_0
MctxSendReport        *mctx_publication_send_with_report    (MctxPublication  *self,
                                                             const guint8     *data,
                                                             gsize             len,
                                                             GError          **error);

/**
 * MctxPublicationSourceFunc:
 * @publication: the publication
 * @condition: the conditions of the socket: %G_IO_OUT when it can send,
 *   %G_IO_ERR when the kernel reported an error about an earlier datagram
 *   (already discarded), %G_IO_HUP once the publication lost its socket,
 *   none when only the cancellable fired
 * @user_data: data passed to the function
 *
 * The type of the function a source from
 * [method@Mctx.Publication.create_source] calls when the publication can
 * send, or when its cancellable is cancelled, or when it lost its socket,
 * as #GSocketSourceFunc is for a #GSocket.
 *
 * Returns: %G_SOURCE_CONTINUE to keep watching, %G_SOURCE_REMOVE to stop
 *
 * Since: 1.0
 */
typedef gboolean (*MctxPublicationSourceFunc) (MctxPublication *publication,
                                               GIOCondition     condition,
                                               gpointer         user_data);

MCTX_AVAILABLE_IN_1_0
GSource               *mctx_publication_create_source       (MctxPublication *self,
                                                             GCancellable    *cancellable);
MCTX_AVAILABLE_IN_1_0
GSource               *mctx_publication_watch               (MctxPublication           *self,
                                                             int                        priority,
                                                             GCancellable              *cancellable,
                                                             MctxPublicationSourceFunc  func,
                                                             gpointer                   user_data,
                                                             GDestroyNotify             notify);

MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_send_async          (MctxPublication     *self,
                                                             GBytes              *bytes,
                                                             int                  io_priority,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
MCTX_AVAILABLE_IN_1_0
MctxSendReport        *mctx_publication_send_finish         (MctxPublication  *self,
                                                             GAsyncResult     *result,
                                                             GError          **error);

MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_send_batch_async    (MctxPublication     *self,
                                                             GBytes *const       *datagrams,
                                                             guint                n_datagrams,
                                                             int                  io_priority,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_send_batch_finish   (MctxPublication     *self,
                                                             GAsyncResult        *result,
                                                             guint               *datagrams_sent,
                                                             GError             **error);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_get_announce_tuple  (MctxPublication *self,
                                                             GInetAddress   **source,
                                                             GInetAddress   **group,
                                                             guint16         *port,
                                                             GError         **error);

G_END_DECLS
