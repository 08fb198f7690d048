/* mctx-private.h: what the library's classes share and nobody else sees;
 * the socket layer beneath them is mctx-socket-private.h
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#include "mctx-features.h"
#include "mctx-enum-types.h"
#include "mctx-address.h"
#include "mctx-context.h"
#include "mctx-metrics-delta.h"
#include "mctx-metrics-sampler.h"
#include "mctx-metrics-snapshot.h"
#include "mctx-metrics-writer.h"
#include "mctx-paced-sender.h"
#include "mctx-publication-config.h"
#include "mctx-publication.h"
#include "mctx-send-report.h"
#include "mctx-stamp.h"
#include "mctx-udp-publication-config.h"
#include "mctx-udp-publication.h"
#include "raw/mctx-raw.h"
#include "mctx-pacer.h"
#include "mctx-socket-private.h"

G_BEGIN_DECLS

/* G_DEFINE_BOXED_TYPE, written out: its transparent-union trick trips
 * -Wpedantic. */
#define MCTX_DEFINE_BOXED_TYPE(TypeName, type_name, copy_func, free_func) \
GType                                                                     \
type_name##_get_type (void)                                               \
{                                                                         \
  static gsize type_id = 0;                                               \
                                                                          \
  if (g_once_init_enter (&type_id))                                       \
    {                                                                     \
      GType id = g_boxed_type_register_static (g_intern_static_string (#TypeName), \
                                               (GBoxedCopyFunc) copy_func, \
                                               (GBoxedFreeFunc) free_func); \
      g_once_init_leave (&type_id, id);                                   \
    }                                                                     \
                                                                          \
  return type_id;                                                         \
}

/* mctx-departures.c: kernel departure times against due times. */
#define MCTX_DEPARTURE_BUCKETS 256

typedef struct {
  guint64 measured;
  guint64 missing;
  double max_us;
  guint64 buckets[MCTX_DEPARTURE_BUCKETS];  /* of |departure - due| in µs */
} MctxDepartureStats;

typedef struct _MctxDepartures MctxDepartures;

MctxDepartures        *_mctx_departures_new              (void);
void                   _mctx_departures_free             (MctxDepartures              *self);
void                   _mctx_departures_begin            (MctxDepartures              *self,
                                                          gint64                       due_ns,
                                                          gint64                       step_ns,
                                                          gint64                       now_ns);
void                   _mctx_departures_add              (MctxDepartures              *self,
                                                          guint                        index);
void                   _mctx_departures_end              (MctxDepartures              *self);
void                   _mctx_departures_stamp            (MctxDepartures              *self,
                                                          guint32                      key,
                                                          gint64                       departed_ns);
void                   _mctx_departures_read             (MctxDepartures              *self,
                                                          gint64                       now_ns,
                                                          MctxDepartureStats          *stats);
void                   _mctx_departure_stats_add         (MctxDepartureStats          *total,
                                                          const MctxDepartureStats    *more);
double                 _mctx_departure_stats_quantile    (const MctxDepartureStats    *later,
                                                          const MctxDepartureStats    *earlier,
                                                          double                       quantile);

/* mctx-publication-config.c: what the kinds of configuration share. */
gboolean               _mctx_publication_config_equal    (MctxPublicationConfig *self,
                                                          MctxPublicationConfig *other);
guint                  _mctx_publication_config_hash     (MctxPublicationConfig *self);
char                  *_mctx_publication_config_to_string (MctxPublicationConfig *self);
GSocketFamily          _mctx_publication_config_get_family (MctxPublicationConfig *self);
gboolean               _mctx_publication_config_has_interface (MctxPublicationConfig *self);
GInetAddress          *_mctx_publication_config_get_bind_host (MctxPublicationConfig *self);
guint                  _mctx_publication_config_get_bind_port (MctxPublicationConfig *self);
guint32                _mctx_publication_config_get_bind_scope_id (MctxPublicationConfig *self);
gboolean               _mctx_publication_config_set_bind (MctxPublicationConfig *self,
                                                          GInetAddress          *host,
                                                          guint                  port,
                                                          guint32                scope_id);

gboolean               _mctx_publication_plan_resolve    (MctxPublicationPlan         *plan,
                                                          MctxPublicationConfig       *config,
                                                          MctxInterfaceCache          *interfaces,
                                                          GError                     **error);
void                   _mctx_publication_plan_clear      (MctxPublicationPlan         *plan);

/* mctx-publication.c: what the kinds of publication share. */
void                   _mctx_publication_set_up          (MctxPublication             *self,
                                                          guint                        id,
                                                          MctxPublicationConfig       *config,
                                                          GSocket                     *socket,
                                                          guint                        ifindex,
                                                          const char                  *description);
MctxPublicationConfig *_mctx_publication_get_config      (MctxPublication             *self);
const char            *_mctx_publication_get_description (MctxPublication             *self);
GCancellable          *_mctx_publication_get_detached    (MctxPublication             *self);
int                    _mctx_publication_peek_fd         (MctxPublication             *self);
int                    _mctx_publication_acquire_fd      (MctxPublication             *self);
void                   _mctx_publication_release_fd      (MctxPublication             *self);
void                   _mctx_publication_count           (MctxPublication             *self,
                                                          guint                        packets,
                                                          guint64                      bytes,
                                                          guint                        errors);
gboolean               _mctx_publication_set_closed_error (MctxPublication            *self,
                                                          GError                     **error);
void                   _mctx_publication_close           (MctxPublication             *self);
void                   _mctx_publication_read_error_queue (MctxPublication            *self);
MctxDepartures        *_mctx_publication_get_departures  (MctxPublication             *self);
gboolean               _mctx_publication_read_departures (MctxPublication             *self,
                                                          MctxDepartureStats          *stats);
gint                   _mctx_publication_send_messages_due (MctxPublication          *self,
                                                          GOutputMessage              *messages,
                                                          guint                        n_messages,
                                                          MctxSendFlags                flags,
                                                          gint64                       due_ns,
                                                          gint64                       step_ns,
                                                          GError                     **error);

/* mctx-udp-publication.c */
MctxPublication       *_mctx_udp_publication_new         (guint                        id,
                                                          MctxPublicationConfig       *config,
                                                          GSocket                     *socket,
                                                          MctxInterfaceCache          *interfaces,
                                                          MctxSocketPool              *pool,
                                                          GError                     **error);
const char            *_mctx_udp_publication_get_pool_key (MctxUdpPublication         *self);
gboolean               _mctx_udp_publication_shares_socket (MctxPublication           *a,
                                                          MctxPublication             *b);
gint                   _mctx_udp_publication_send_run    (MctxPublication            **publications,
                                                          GOutputMessage              *datagrams,
                                                          guint                        n,
                                                          GError                     **error);
guint                  _mctx_udp_segments_per_send       (gsize                        segment_size);

/* raw/mctx-raw-publication.c */
MctxPublication       *_mctx_raw_publication_new         (guint                        id,
                                                          MctxPublicationConfig       *config,
                                                          MctxInterfaceCache          *interfaces,
                                                          GError                     **error);

/* What a publication counts; send calls are packets plus errors, so the
 * three can never disagree. The error queue adds what the network said
 * about earlier datagrams. */
typedef struct {
  guint64 packets_sent;
  guint64 bytes_sent;
  guint64 send_errors;
  guint64 unreachable_errors;
  guint64 message_size_errors;
  guint64 local_errors;
} MctxMetricsCounters;

void                   _mctx_metrics_counters_add        (MctxMetricsCounters         *total,
                                                          const MctxMetricsCounters   *more);
void                   _mctx_publication_read_counters   (MctxPublication             *self,
                                                          MctxMetricsCounters         *counters);
MctxMetricsSnapshot   *_mctx_metrics_snapshot_new        (MctxMetricsKind              kind,
                                                          guint                        publication_id,
                                                          gint64                       timestamp_us,
                                                          gint64                       monotonic_us,
                                                          const MctxMetricsCounters   *counters,
                                                          const MctxDepartureStats    *departures,
                                                          guint64                      publications_added,
                                                          guint64                      publications_removed,
                                                          guint64                      active_publications);
const MctxDepartureStats *_mctx_metrics_snapshot_get_departures (MctxMetricsSnapshot *self);
MctxMetricsSnapshot   *_mctx_metrics_snapshot_new_at     (MctxMetricsSnapshot         *now,
                                                          gint64                       monotonic_us);
JsonObject            *_mctx_metrics_flags_from_json     (const char                  *text,
                                                          GError                     **error);
MctxMetricsDelta      *_mctx_metrics_delta_new           (MctxMetricsSnapshot         *earlier,
                                                          MctxMetricsSnapshot         *later);

MctxSendReport        *_mctx_send_report_new             (GInetSocketAddress          *destination,
                                                          GInetSocketAddress          *local_address,
                                                          guint                        ifindex,
                                                          guint8                       protocol,
                                                          gsize                        bytes_sent);

G_END_DECLS
