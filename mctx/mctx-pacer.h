/* mctx-pacer.h: when datagrams are due, on an even schedule
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
 * MctxPacingMode:
 * @MCTX_PACING_MODE_UNLIMITED: no rate: datagrams go as fast as the socket
 *   takes them, in batches
 * @MCTX_PACING_MODE_PER_DATAGRAM: one wake-up per datagram, at its due time
 * @MCTX_PACING_MODE_BATCHED: one wake-up per small batch, at rates where a
 *   wake-up per datagram would cost too much: each batch holds the
 *   datagrams due within a window of 40 µs centred on the wake-up
 *
 * How a [class@Mctx.Pacer] spaces datagrams at its current rate.
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
 *   [property@Mctx.Pacer:max-burst] at a time, one burst per interval,
 *   until the schedule is met again: none is dropped, so the rate over the
 *   run holds, and no burst is larger than the maximum
 * @MCTX_CATCH_UP_DROP: send [property@Mctx.Pacer:max-burst] of the late
 *   datagrams and drop the older missed slots, keeping the schedule's
 *   phase (the next datagram goes an interval after the burst): a live
 *   stream's choice, where late data is worth less
 *
 * What a [class@Mctx.Pacer] does when its sender falls behind by more than
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

#define MCTX_TYPE_PACER (mctx_pacer_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxPacer, mctx_pacer, MCTX, PACER, GObject)

MCTX_AVAILABLE_IN_1_0
MctxPacer      *mctx_pacer_new                   (void);

MCTX_AVAILABLE_IN_1_0
double          mctx_pacer_get_packets_per_second (MctxPacer  *self);
MCTX_AVAILABLE_IN_1_0
void            mctx_pacer_set_packets_per_second (MctxPacer  *self,
                                                   double      rate);
MCTX_AVAILABLE_IN_1_0
double          mctx_pacer_get_bits_per_second   (MctxPacer   *self);
MCTX_AVAILABLE_IN_1_0
void            mctx_pacer_set_bits_per_second   (MctxPacer   *self,
                                                  double       rate);
MCTX_AVAILABLE_IN_1_0
guint           mctx_pacer_get_overhead          (MctxPacer   *self);
MCTX_AVAILABLE_IN_1_0
void            mctx_pacer_set_overhead          (MctxPacer   *self,
                                                  guint        bytes);
MCTX_AVAILABLE_IN_1_0
guint           mctx_pacer_get_max_burst         (MctxPacer   *self);
MCTX_AVAILABLE_IN_1_0
void            mctx_pacer_set_max_burst         (MctxPacer   *self,
                                                  guint        max_burst);
MCTX_AVAILABLE_IN_1_0
MctxCatchUp     mctx_pacer_get_catch_up          (MctxPacer   *self);
MCTX_AVAILABLE_IN_1_0
void            mctx_pacer_set_catch_up          (MctxPacer   *self,
                                                  MctxCatchUp  catch_up);
MCTX_AVAILABLE_IN_1_0
int             mctx_pacer_get_spin              (MctxPacer   *self);
MCTX_AVAILABLE_IN_1_0
void            mctx_pacer_set_spin              (MctxPacer   *self,
                                                  int          spin_us);
MCTX_AVAILABLE_IN_1_0
MctxPacingMode  mctx_pacer_get_mode              (MctxPacer   *self);
MCTX_AVAILABLE_IN_1_0
guint64         mctx_pacer_get_skipped           (MctxPacer   *self);
MCTX_AVAILABLE_IN_1_0
gboolean        mctx_pacer_validate              (MctxPacer   *self,
                                                  GError     **error);

MCTX_AVAILABLE_IN_1_0
void            mctx_pacer_start                 (MctxPacer   *self,
                                                  gint64       now_us);
MCTX_AVAILABLE_IN_1_0
guint           mctx_pacer_count_due             (MctxPacer   *self,
                                                  gint64       now_us,
                                                  gsize        size,
                                                  guint        limit);
MCTX_AVAILABLE_IN_1_0
void            mctx_pacer_advance               (MctxPacer   *self,
                                                  guint        n,
                                                  gsize        size);
MCTX_AVAILABLE_IN_1_0
gint64          mctx_pacer_get_wake_time         (MctxPacer   *self);
MCTX_AVAILABLE_IN_1_0
guint           mctx_pacer_get_wake_lead         (MctxPacer   *self);
MCTX_AVAILABLE_IN_1_0
const char     *mctx_pacing_mode_to_string       (MctxPacingMode mode);

G_END_DECLS
