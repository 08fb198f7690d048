/* mctx-publication.h: what every kind of publication shares
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
#include "mctx-metrics-snapshot.h"

G_BEGIN_DECLS

/**
 * MctxSendFlags:
 * @MCTX_SEND_FLAGS_NONE: no flags
 * @MCTX_SEND_FLAGS_SEGMENTED: let the kernel cut runs of equal-sized
 *   datagrams from one send (UDP generic segmentation offload,
 *   `UDP_SEGMENT`), straight from the caller's vectors. Where the kernel or
 *   the route cannot, the datagrams go as a batch instead; kinds of
 *   publication that cannot segment (raw ones) ignore it.
 *
 * Options of [method@Mctx.Publication.send_messages] and
 * [method@Mctx.Publication.send_many].
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/ {
  MCTX_SEND_FLAGS_NONE = 0,
  MCTX_SEND_FLAGS_SEGMENTED = 1 << 0,
} MctxSendFlags;

#define MCTX_TYPE_PUBLICATION (mctx_publication_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_DERIVABLE_TYPE (MctxPublication, mctx_publication, MCTX, PUBLICATION, GObject)

/**
 * MctxPublicationClass:
 *
 * The class of publications. Its virtual functions are private: the kinds
 * of publication are the library's own.
 *
 * Since: 1.0
 */
struct _MctxPublicationClass
{
  GObjectClass parent_class;

  /*< private >*/
  gssize          (*send_one)      (MctxPublication  *self,
                                    int               fd,
                                    const guint8     *data,
                                    gsize             len,
                                    GError          **error);
  gint            (*send_messages) (MctxPublication  *self,
                                    int               fd,
                                    GOutputMessage   *messages,
                                    guint             n_messages,
                                    MctxSendFlags     flags,
                                    guint64          *bytes,
                                    GError          **error);
  MctxSendReport *(*report)        (MctxPublication  *self,
                                    const guint8     *data,
                                    gsize             len,
                                    gsize             bytes_sent);
  gboolean        (*can_steal)     (MctxPublication  *self);
  void            (*close_socket)  (MctxPublication  *self,
                                    GSocket          *socket);

  gpointer padding[8];
};

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
guint                  mctx_publication_get_id              (MctxPublication      *self);
MCTX_AVAILABLE_IN_1_0
MctxPublicationConfig *mctx_publication_dup_config          (MctxPublication      *self);
MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_get_interface_index (MctxPublication      *self);
MCTX_AVAILABLE_IN_1_0
GSocket               *mctx_publication_get_socket          (MctxPublication      *self);
MCTX_AVAILABLE_IN_1_0
GSocket               *mctx_publication_steal_socket        (MctxPublication      *self);

MCTX_AVAILABLE_IN_1_0
gssize                 mctx_publication_send                (MctxPublication      *self,
                                                             const guint8         *data,
                                                             gsize                 len,
                                                             GError              **error);
MCTX_AVAILABLE_IN_1_0
gint                   mctx_publication_send_messages       (MctxPublication      *self,
                                                             GOutputMessage       *messages,
                                                             guint                 n_messages,
                                                             MctxSendFlags         flags,
                                                             GError              **error);
MCTX_AVAILABLE_IN_1_0
gint                   mctx_publication_send_many           (MctxPublication      *self,
                                                             GBytes *const        *datagrams,
                                                             guint                 n_datagrams,
                                                             MctxSendFlags         flags,
                                                             GError              **error);
MCTX_AVAILABLE_IN_1_0
MctxSendReport        *mctx_publication_send_with_report    (MctxPublication      *self,
                                                             const guint8         *data,
                                                             gsize                 len,
                                                             GError              **error);

MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_send_async          (MctxPublication      *self,
                                                             GBytes               *bytes,
                                                             int                   io_priority,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
MCTX_AVAILABLE_IN_1_0
gssize                 mctx_publication_send_finish         (MctxPublication      *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_send_many_async     (MctxPublication      *self,
                                                             GBytes *const        *datagrams,
                                                             guint                 n_datagrams,
                                                             MctxSendFlags         flags,
                                                             int                   io_priority,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
MCTX_AVAILABLE_IN_1_0
gint                   mctx_publication_send_many_finish    (MctxPublication      *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

MCTX_AVAILABLE_IN_1_0
MctxMetricsSnapshot   *mctx_publication_snapshot_metrics    (MctxPublication           *self);

MCTX_AVAILABLE_IN_1_0
GSource               *mctx_publication_create_source       (MctxPublication           *self,
                                                             GCancellable              *cancellable);
MCTX_AVAILABLE_IN_1_0
GSource               *mctx_publication_watch               (MctxPublication           *self,
                                                             int                        priority,
                                                             GCancellable              *cancellable,
                                                             MctxPublicationSourceFunc  func,
                                                             gpointer                   user_data,
                                                             GDestroyNotify             notify);

G_END_DECLS
