/* mctx-private.h: what the library's files share and nobody else sees
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#include "mctx.h"
#include "raw/mctx-raw.h"
#include "mctx-pacer.h"

#include <glib/gi18n-lib.h>
#include <sys/socket.h>

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

void                   _mctx_ensure_i18n                 (void);

/* GLib's GMutex is a bare futex that ThreadSanitizer cannot see in an
 * uninstrumented GLib: under TSan the library's own locks also tell it
 * what they order, so that its reports are about mctx, not about them. */
#if defined(__SANITIZE_THREAD__)
# define MCTX_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define MCTX_TSAN 1
# endif
#endif

#ifdef MCTX_TSAN
void __tsan_acquire (void *address);
void __tsan_release (void *address);

static inline void
_mctx_mutex_lock (GMutex *mutex)
{
  g_mutex_lock (mutex);
  __tsan_acquire (mutex);
}

static inline void
_mctx_mutex_unlock (GMutex *mutex)
{
  __tsan_release (mutex);
  g_mutex_unlock (mutex);
}
#else
# define _mctx_mutex_lock g_mutex_lock
# define _mctx_mutex_unlock g_mutex_unlock
#endif

/* mctx-socket.c */
int                    _mctx_io_error_from_errno         (int                    saved_errno);
gboolean               _mctx_interface_lookup_failed     (int                   *saved_errno);
gboolean               _mctx_set_io_error                (GError               **error,
                                                          int                    saved_errno,
                                                          const char            *format,
                                                          ...) G_GNUC_PRINTF (3, 4);
gboolean               _mctx_set_socket_option           (int                    fd,
                                                          int                    level,
                                                          int                    option,
                                                          const void            *value,
                                                          socklen_t              size,
                                                          const char            *name,
                                                          GError               **error);
gboolean               _mctx_socket_enable_recverr       (int                    fd,
                                                          GSocketFamily          family,
                                                          GError               **error);
gboolean               _mctx_socket_drain_errors         (int                    fd);
gssize                 _mctx_socket_send                 (int                    fd,
                                                          const void            *data,
                                                          gsize                  len,
                                                          const struct sockaddr *to,
                                                          socklen_t              to_len,
                                                          int                   *saved_errno);
int                    _mctx_socket_send_messages        (int                    fd,
                                                          struct mmsghdr        *messages,
                                                          guint                  count,
                                                          int                   *saved_errno);
gboolean               _mctx_socket_can_segment          (void);
gssize                 _mctx_socket_send_segmented       (int                    fd,
                                                          const struct iovec    *parts,
                                                          guint                  n_parts,
                                                          guint16                segment_size,
                                                          const struct sockaddr *to,
                                                          socklen_t              to_len,
                                                          int                   *saved_errno);

/* Datagrams per sendmmsg() call: enough to amortize the system call, few
 * enough for the stack. */
#define MCTX_BATCH_MAX 64

/* The #GBytes forms of the batched sends hand their datagrams to the
 * message form MCTX_BATCH_MAX at a time, so that nothing is allocated:
 * how many went, or -1 with @error when the first chunk failed; @send gets
 * the index of the chunk's first datagram. */
typedef gint (*MctxSendMessagesFunc) (gpointer         target,
                                      guint            first,
                                      GOutputMessage  *messages,
                                      guint            n_messages,
                                      GError         **error);

gint                   _mctx_send_bytes_in_chunks        (gpointer               target,
                                                          MctxSendMessagesFunc   send,
                                                          GBytes *const         *datagrams,
                                                          guint                  n_datagrams,
                                                          GError               **error);
/* @datagrams as one message of one vector each. */
void                   _mctx_output_messages_from_bytes  (GBytes *const         *datagrams,
                                                          guint                  count,
                                                          GOutputVector         *vectors,
                                                          GOutputMessage        *messages);

/* A publication's descriptor, kept open for every send in flight: senders
 * hold the lock for reading while they use the descriptor, and whoever
 * closes it takes the lock for writing first, so a number the kernel hands
 * out again can never receive a datagram meant for the old socket. */
typedef struct {
  GRWLock lock;
  int fd;                       /* -1 once detached; atomic */
} MctxSocketGuard;

void                   _mctx_socket_guard_init           (MctxSocketGuard       *guard,
                                                          int                    fd);
void                   _mctx_socket_guard_clear          (MctxSocketGuard       *guard);
int                    _mctx_socket_guard_detach         (MctxSocketGuard       *guard);

/* Returns the descriptor, held until _mctx_socket_guard_release(), or -1
 * (nothing held) once it was detached. */
static inline int
_mctx_socket_guard_acquire (MctxSocketGuard *guard)
{
  int fd;

  /* Once detached, senders stay off the lock: with readers always
   * overlapping, a reader-preferring lock would starve the detacher. */
  if (G_UNLIKELY (g_atomic_int_get (&guard->fd) < 0))
    return -1;

  g_rw_lock_reader_lock (&guard->lock);
  fd = g_atomic_int_get (&guard->fd);
  if (G_UNLIKELY (fd < 0))
    g_rw_lock_reader_unlock (&guard->lock);
  return fd;
}

static inline void
_mctx_socket_guard_release (MctxSocketGuard *guard)
{
  g_rw_lock_reader_unlock (&guard->lock);
}

/* The descriptor as it is now, for callers that only borrow it: no send
 * is made through it here, so no lock is held. */
static inline int
_mctx_socket_guard_peek (MctxSocketGuard *guard)
{
  return g_atomic_int_get (&guard->fd);
}

/* IPv6 groups that never leave the node: the reserved scope 0, and
 * interface-local groups, which only loopback delivers. */
gboolean               _mctx_check_group_deliverable     (const guint8          *group,
                                                          gboolean               loopback,
                                                          GError               **error);
const char            *_mctx_get_locale_dir              (void);

char                  *_mctx_socket_address_to_string    (GSocketAddress        *address);
GInetSocketAddress    *_mctx_inet_socket_address_new     (GInetAddress          *address,
                                                          guint16                port,
                                                          guint32                scope_id);

guint                  _mctx_inet_address_hash           (GInetAddress          *address);
GInetAddress          *_mctx_parse_address               (const char            *text,
                                                          const char            *what,
                                                          GError               **error);
void                   _mctx_append_address              (GString               *string,
                                                          GInetAddress          *address,
                                                          guint                  port);

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

/* mctx-interface-cache.c: the host's addresses, listed again only after
 * a change; netlink monitors of the network configuration. */
typedef struct _MctxInterfaceCache MctxInterfaceCache;

MctxInterfaceCache    *_mctx_interface_cache_new         (void);
void                   _mctx_interface_cache_free        (MctxInterfaceCache    *cache);
int                    _mctx_netlink_monitor_open        (guint32                groups,
                                                          GError               **error);
gboolean               _mctx_netlink_monitor_changed     (int                    fd);

guint                  _mctx_resolve_address_interface   (GInetAddress          *address,
                                                          guint                  preferred,
                                                          MctxInterfaceCache    *cache,
                                                          GError               **error);
guint                  _mctx_resolve_interface_selector  (const char            *name,
                                                          guint                  index,
                                                          GError               **error);
gboolean               _mctx_check_same_interface        (GInetAddress          *address,
                                                          const char            *what,
                                                          guint                  address_index,
                                                          guint                  chosen_index,
                                                          GError               **error);

/* The resolved plan for one publication: what to bind, where to connect,
 * which interface to egress through. Computed once from a configuration by
 * _mctx_publication_plan_resolve(), so sockets are configured from facts. */
typedef struct {
  GSocketFamily       family;
  GInetSocketAddress *bind_address;     /* (nullable) nothing to bind */
  GInetSocketAddress *destination;
  guint               ifindex;          /* 0: let the kernel choose */
  GInetAddress       *ipv4_interface;   /* (nullable) IPv4 IP_MULTICAST_IF address */
  guint               ttl;
  gboolean            loopback;
  gboolean            shared;           /* an unconnected socket, shared */
  guint               traffic_class;
  guint               send_buffer_size; /* 0: the system's */
  MctxInterfaceCache *interfaces;       /* (nullable) the context's */
} MctxPublicationPlan;

gboolean               _mctx_publication_plan_resolve    (MctxPublicationPlan         *plan,
                                                          MctxPublicationConfig       *config,
                                                          MctxInterfaceCache          *interfaces,
                                                          GError                     **error);
void                   _mctx_publication_plan_clear      (MctxPublicationPlan         *plan);

/* mctx-socket-pool.c: a context's shared sockets, one per way of sending;
 * each publication that shares one holds a place until it leaves. */
typedef struct _MctxSocketPool MctxSocketPool;

MctxSocketPool        *_mctx_socket_pool_new             (void);
void                   _mctx_socket_pool_free            (MctxSocketPool              *pool);
GSocket               *_mctx_socket_pool_acquire         (MctxSocketPool              *pool,
                                                          MctxPublicationPlan         *plan,
                                                          char                       **key_out,
                                                          GError                     **error);
void                   _mctx_socket_pool_release         (MctxSocketPool              *pool,
                                                          const char                  *key);
guint                  _mctx_socket_pool_get_size        (MctxSocketPool              *pool);

/* mctx-udp-socket.c: a UDP socket set up as a plan says. */
GInetSocketAddress    *_mctx_udp_socket_query_local_address (int                      fd,
                                                          GError                     **error);
gboolean               _mctx_udp_socket_set_up_own       (int                          fd,
                                                          MctxPublicationPlan         *plan,
                                                          GError                     **error);
gboolean               _mctx_udp_socket_set_up_caller    (int                          fd,
                                                          MctxPublicationPlan         *plan,
                                                          GError                     **error);

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
int                    _mctx_publication_acquire_fd      (MctxPublication             *self);
void                   _mctx_publication_release_fd      (MctxPublication             *self);
void                   _mctx_publication_count           (MctxPublication             *self,
                                                          guint                        packets,
                                                          guint64                      bytes,
                                                          guint                        errors);
gboolean               _mctx_publication_set_closed_error (MctxPublication            *self,
                                                          GError                     **error);
void                   _mctx_publication_close           (MctxPublication             *self);
void                   _mctx_publication_drain_errors    (MctxPublication             *self);

/* mctx-udp-publication.c */
MctxPublication       *_mctx_udp_publication_new         (guint                        id,
                                                          MctxPublicationConfig       *config,
                                                          GSocket                     *socket,
                                                          MctxInterfaceCache          *interfaces,
                                                          MctxSocketPool              *pool,
                                                          GError                     **error);
MctxPublication       *_mctx_udp_publication_new_for_fd  (guint                        id,
                                                          MctxPublicationConfig       *config,
                                                          int                          fd,
                                                          MctxInterfaceCache          *interfaces,
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
 * three can never disagree. */
typedef struct {
  guint64 packets_sent;
  guint64 bytes_sent;
  guint64 send_errors;
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
                                                          guint64                      publications_added,
                                                          guint64                      publications_removed,
                                                          guint64                      active_publications);
const MctxMetricsCounters *_mctx_metrics_snapshot_get_counters (MctxMetricsSnapshot   *self);
MctxMetricsDelta      *_mctx_metrics_delta_new           (MctxMetricsSnapshot         *earlier,
                                                          MctxMetricsSnapshot         *later);

MctxSendReport        *_mctx_send_report_new             (guint                        publication_id,
                                                          GInetSocketAddress          *destination,
                                                          GInetSocketAddress          *local_address,
                                                          guint                        ifindex,
                                                          guint8                       protocol,
                                                          gsize                        bytes_sent);

G_END_DECLS
