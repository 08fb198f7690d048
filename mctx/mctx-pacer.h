/* mctx-pacer.h: when datagrams are due, on an even schedule
 *
 * The paced sender's engine, private to the library: the one pacing loop
 * is MctxPacedSender's, and its properties are the public face of these.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#include <glib-object.h>

#include "mctx-paced-sender.h"

G_BEGIN_DECLS

#define MCTX_TYPE_PACER (mctx_pacer_get_type ())

G_DECLARE_FINAL_TYPE (MctxPacer, mctx_pacer, MCTX, PACER, GObject)

MctxPacer      *mctx_pacer_new                   (void);

double          mctx_pacer_get_packets_per_second (MctxPacer  *self);
void            mctx_pacer_set_packets_per_second (MctxPacer  *self,
                                                   double      rate);
double          mctx_pacer_get_bits_per_second   (MctxPacer   *self);
void            mctx_pacer_set_bits_per_second   (MctxPacer   *self,
                                                  double       rate);
guint           mctx_pacer_get_overhead          (MctxPacer   *self);
void            mctx_pacer_set_overhead          (MctxPacer   *self,
                                                  guint        bytes);
guint           mctx_pacer_get_max_burst         (MctxPacer   *self);
void            mctx_pacer_set_max_burst         (MctxPacer   *self,
                                                  guint        max_burst);
MctxCatchUp     mctx_pacer_get_catch_up          (MctxPacer   *self);
void            mctx_pacer_set_catch_up          (MctxPacer   *self,
                                                  MctxCatchUp  catch_up);
int             mctx_pacer_get_spin              (MctxPacer   *self);
void            mctx_pacer_set_spin              (MctxPacer   *self,
                                                  int          spin_us);
MctxPacingMode  mctx_pacer_get_mode              (MctxPacer   *self);
guint64         mctx_pacer_get_skipped           (MctxPacer   *self);
gboolean        mctx_pacer_validate              (MctxPacer   *self,
                                                  GError     **error);

void            mctx_pacer_start                 (MctxPacer   *self,
                                                  gint64       now_us);
guint           mctx_pacer_count_due             (MctxPacer   *self,
                                                  gint64       now_us,
                                                  gsize        size,
                                                  guint        limit);
void            mctx_pacer_advance               (MctxPacer   *self,
                                                  guint        n,
                                                  gsize        size);
double          mctx_pacer_get_schedule          (MctxPacer   *self,
                                                  gsize        size,
                                                  double      *step_us);
void            mctx_pacer_note_wake_up          (MctxPacer   *self,
                                                  gint64       late_us);
gint64          mctx_pacer_get_wake_time         (MctxPacer   *self);
guint           mctx_pacer_get_wake_lead         (MctxPacer   *self);

G_END_DECLS
