/* mctx-stamp.h: the header of stamped payloads
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <glib-object.h>

#include "mctx-version-macros.h"

G_BEGIN_DECLS

/**
 * MCTX_STAMP_SIZE:
 *
 * The size of the header at the start of a stamped payload, in bytes: the
 * smallest stamped payload.
 *
 * Since: 1.0
 */
#define MCTX_STAMP_SIZE 32

/**
 * MctxStampFlags:
 * @MCTX_STAMP_FLAG_NONE: no flag
 * @MCTX_STAMP_FLAG_LAST: the last datagram of its stream: a receiver need
 *   not wait for more
 *
 * Flags carried in a stamped payload's header.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/ {
  MCTX_STAMP_FLAG_NONE = 0,
  MCTX_STAMP_FLAG_LAST = 1 << 0,
} MctxStampFlags;

#define MCTX_TYPE_STAMP (mctx_stamp_get_type ())

typedef struct _MctxStamp MctxStamp;

MCTX_AVAILABLE_IN_1_0
GType           mctx_stamp_get_type          (void) G_GNUC_CONST;
MCTX_AVAILABLE_IN_1_0
MctxStamp      *mctx_stamp_new               (guint32          stream_id,
                                              guint64          sequence,
                                              gint64           send_time_ns,
                                              MctxStampFlags   flags);
MCTX_AVAILABLE_IN_1_0
MctxStamp      *mctx_stamp_copy              (MctxStamp       *self);
MCTX_AVAILABLE_IN_1_0
void            mctx_stamp_free              (MctxStamp       *self);

MCTX_AVAILABLE_IN_1_0
guint32         mctx_stamp_get_stream_id     (const MctxStamp *self);
MCTX_AVAILABLE_IN_1_0
guint64         mctx_stamp_get_sequence      (const MctxStamp *self);
MCTX_AVAILABLE_IN_1_0
gint64          mctx_stamp_get_send_time     (const MctxStamp *self);
MCTX_AVAILABLE_IN_1_0
MctxStampFlags  mctx_stamp_get_flags         (const MctxStamp *self);

MCTX_AVAILABLE_IN_1_0
gboolean        mctx_stamp_write             (const MctxStamp *self,
                                              guint8          *buffer,
                                              gsize            len);
MCTX_AVAILABLE_IN_1_0
GBytes         *mctx_stamp_build             (const MctxStamp *self,
                                              gsize            size,
                                              GError         **error);
MCTX_AVAILABLE_IN_1_0
MctxStamp      *mctx_stamp_parse             (const guint8    *data,
                                              gsize            len,
                                              GError         **error);
MCTX_AVAILABLE_IN_1_0
gint64          mctx_stamp_now               (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MctxStamp, mctx_stamp_free)

G_END_DECLS
