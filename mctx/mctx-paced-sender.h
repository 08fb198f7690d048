/* mctx-paced-sender.h: sending on a schedule from the main loop
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mctx-version-macros.h"
#include "mctx-pacer.h"
#include "mctx-publication.h"

G_BEGIN_DECLS

#define MCTX_TYPE_PACED_SENDER (mctx_paced_sender_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxPacedSender, mctx_paced_sender, MCTX, PACED_SENDER, GObject)

/**
 * MctxPayloadFunc:
 * @sender: the paced sender
 * @index: the number of the packet, counting from 0
 * @user_data: data passed to the function
 *
 * Supplies the payload of the next packet of a [class@Mctx.PacedSender].
 * It is called once per packet, in order, up to 64 packets ahead of their
 * send when several are due at once (they go in one batch), and never
 * again once it has returned %NULL.
 *
 * Returns: (transfer full) (nullable): the payload, or %NULL when there is
 *   nothing more to send
 *
 * Since: 1.0
 */
typedef GBytes *(*MctxPayloadFunc) (MctxPacedSender *sender,
                                    guint64          index,
                                    gpointer         user_data);

MCTX_AVAILABLE_IN_1_0
MctxPacedSender *mctx_paced_sender_new                   (MctxPublication     *publication,
                                                          GBytes              *payload,
                                                          guint64              count);
MCTX_AVAILABLE_IN_1_0
MctxPacedSender *mctx_paced_sender_new_with_func         (MctxPublication     *publication,
                                                          MctxPayloadFunc      func,
                                                          gpointer             user_data,
                                                          GDestroyNotify       notify);

MCTX_AVAILABLE_IN_1_0
MctxPublication *mctx_paced_sender_get_publication       (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
guint64          mctx_paced_sender_get_count             (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
double           mctx_paced_sender_get_duration          (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_set_duration          (MctxPacedSender     *self,
                                                          double               seconds);
MCTX_AVAILABLE_IN_1_0
double           mctx_paced_sender_get_packets_per_second (MctxPacedSender    *self);
MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_set_packets_per_second (MctxPacedSender    *self,
                                                          double               rate);
MCTX_AVAILABLE_IN_1_0
double           mctx_paced_sender_get_bits_per_second   (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_set_bits_per_second   (MctxPacedSender     *self,
                                                          double               rate);
MCTX_AVAILABLE_IN_1_0
guint            mctx_paced_sender_get_progress_interval (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_set_progress_interval (MctxPacedSender     *self,
                                                          guint                interval_ms);
MCTX_AVAILABLE_IN_1_0
guint64          mctx_paced_sender_get_packets_sent      (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_set_stop_on_error     (MctxPacedSender     *self,
                                                          gboolean             stop_on_error);
MCTX_AVAILABLE_IN_1_0
gboolean         mctx_paced_sender_get_stop_on_error     (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_set_segmented         (MctxPacedSender     *self,
                                                          gboolean             segmented);
MCTX_AVAILABLE_IN_1_0
gboolean         mctx_paced_sender_get_segmented         (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
guint64          mctx_paced_sender_get_send_errors       (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
guint64          mctx_paced_sender_get_bytes_sent        (MctxPacedSender     *self);

MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_run_async             (MctxPacedSender     *self,
                                                          int                  io_priority,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
MCTX_AVAILABLE_IN_1_0
gboolean         mctx_paced_sender_run_finish            (MctxPacedSender     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

MCTX_AVAILABLE_IN_1_0
MctxPacer       *mctx_paced_sender_get_pacer             (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
MctxRateBasis    mctx_paced_sender_get_rate_basis        (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_set_rate_basis        (MctxPacedSender     *self,
                                                          MctxRateBasis        basis);
MCTX_AVAILABLE_IN_1_0
MctxPacingMode   mctx_paced_sender_get_pacing_mode       (MctxPacedSender     *self);

G_END_DECLS
