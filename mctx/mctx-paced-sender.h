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
#include "mctx-publication.h"
#include "mctx-metrics-snapshot.h"

G_BEGIN_DECLS

/**
 * MctxPacingMode:
 * @MCTX_PACING_MODE_UNLIMITED: no rate: datagrams go as fast as the socket
 *   takes them, in batches
 * @MCTX_PACING_MODE_PER_DATAGRAM: one wake-up per datagram, at its due time
 * @MCTX_PACING_MODE_BATCHED: one wake-up per small batch, at rates where a
 *   wake-up per datagram would cost too much: each batch holds the
 *   datagrams due within a window of 40 µs centred on the wake-up
 *
 * How a [class@Mctx.PacedSender] spaces datagrams at its current rate.
 *
 * Since: 1.0
 */
typedef enum {
  MCTX_PACING_MODE_UNLIMITED,
  MCTX_PACING_MODE_PER_DATAGRAM,
  MCTX_PACING_MODE_BATCHED,
} MctxPacingMode;

/**
 * MctxCatchUp:
 * @MCTX_CATCH_UP_BURST: send the late datagrams
 *   [property@Mctx.PacedSender:max-burst] at a time, one burst per interval,
 *   until the schedule is met again: none is dropped, so the rate over the
 *   run holds, and no burst is larger than the maximum
 * @MCTX_CATCH_UP_DROP: send [property@Mctx.PacedSender:max-burst] of the late
 *   datagrams and drop the older missed slots, keeping the schedule's
 *   phase (the next datagram goes an interval after the burst): a live
 *   stream's choice, where late data is worth less
 *
 * What a [class@Mctx.PacedSender] does when it falls behind by more than
 * a burst, as after a stall of the main loop.
 *
 * Since: 1.0
 */
typedef enum {
  MCTX_CATCH_UP_BURST,
  MCTX_CATCH_UP_DROP,
} MctxCatchUp;

/**
 * MctxRateBasis:
 * @MCTX_RATE_BASIS_PAYLOAD: bits per second count the payload only
 * @MCTX_RATE_BASIS_WIRE: bits per second count the whole datagram on the
 *   wire: payload, UDP header and IPv4 or IPv6 header
 *
 * What a bit rate measures; see [property@Mctx.PacedSender:rate-basis].
 *
 * Since: 1.0
 */
typedef enum {
  MCTX_RATE_BASIS_PAYLOAD,
  MCTX_RATE_BASIS_WIRE,
} MctxRateBasis;


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
guint64          mctx_paced_sender_get_counter           (MctxPacedSender     *self,
                                                          MctxMetricsCounter   counter);
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
MctxCatchUp      mctx_paced_sender_get_catch_up          (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_set_catch_up          (MctxPacedSender     *self,
                                                          MctxCatchUp          catch_up);
MCTX_AVAILABLE_IN_1_0
guint            mctx_paced_sender_get_max_burst         (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_set_max_burst         (MctxPacedSender     *self,
                                                          guint                max_burst);
MCTX_AVAILABLE_IN_1_0
int              mctx_paced_sender_get_spin              (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_set_spin              (MctxPacedSender     *self,
                                                          int                  spin_us);
MCTX_AVAILABLE_IN_1_0
MctxRateBasis    mctx_paced_sender_get_rate_basis        (MctxPacedSender     *self);
MCTX_AVAILABLE_IN_1_0
void             mctx_paced_sender_set_rate_basis        (MctxPacedSender     *self,
                                                          MctxRateBasis        basis);
MCTX_AVAILABLE_IN_1_0
MctxPacingMode   mctx_paced_sender_get_pacing_mode       (MctxPacedSender     *self);

G_END_DECLS
