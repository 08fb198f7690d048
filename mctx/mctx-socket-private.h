/* mctx-socket-private.h: the socket layer, below every public class:
 * descriptors and their guard, socket options and sends, the host's
 * interfaces, the egress plan's facts, the shared-socket pool and UDP
 * socket set-up. Nothing here knows a publication or a configuration.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <sys/socket.h>

#include "mctx-error.h"

G_BEGIN_DECLS

void                   _mctx_ensure_i18n                 (void);
const char            *_mctx_get_locale_dir              (void);

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

/* One message of a socket's error queue: a transmit timestamp (matched to
 * its datagram by the counter in @data), or an error about an earlier
 * datagram (SO_EE_ORIGIN_ICMP, _ICMP6 or _LOCAL in @origin). */
typedef struct {
  gboolean        is_timestamp;
  guint8          origin;
  int             saved_errno;
  guint32         info;          /* the path MTU of an EMSGSIZE */
  guint32         data;          /* the timestamp's datagram counter */
  gint64          timestamp_ns;  /* CLOCK_REALTIME */
  GSocketAddress *offender;      /* (nullable) who reported the error */
} MctxErrorQueueEntry;

typedef void (*MctxErrorQueueFunc) (const MctxErrorQueueEntry *entry,
                                    gpointer                   user_data);

gboolean               _mctx_socket_enable_timestamps    (int                    fd,
                                                          GError               **error);
void                   _mctx_socket_read_error_queue     (int                    fd,
                                                          guint                  limit,
                                                          MctxErrorQueueFunc     func,
                                                          gpointer               user_data);
gboolean               _mctx_socket_take_pending_error   (int                    fd);
gssize                 _mctx_socket_send_after_failure   (int                    fd,
                                                          const void            *data,
                                                          gsize                  len,
                                                          const struct sockaddr *to,
                                                          socklen_t              to_len,
                                                          int                   *saved_errno);

/* Sends on a descriptor, to @to when it is not connected: how many bytes
 * went, or -1 with *saved_errno. A send that went costs no call beyond
 * sendto(); after a failure that an ICMP message about an earlier datagram
 * caused, it sends once more, for that failure was not this datagram's. */
static inline gssize
_mctx_socket_send (int                    fd,
                   const void            *data,
                   gsize                  len,
                   const struct sockaddr *to,
                   socklen_t              to_len,
                   int                   *saved_errno)
{
  gssize sent = sendto (fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL, to, to_len);

  if (G_LIKELY (sent >= 0))
    return sent;
  return _mctx_socket_send_after_failure (fd, data, len, to, to_len, saved_errno);
}
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
 * count themselves in while they use the descriptor, and whoever closes it
 * takes it away first and then waits for the count to reach zero, so a
 * number the kernel hands out again can never receive a datagram meant
 * for the old socket. Two atomic operations a send, where a reader lock
 * cost nine times as many instructions. */
typedef struct {
  int fd;                       /* -1 once detached; atomic */
  gint senders;                 /* sends using fd now; atomic */
} MctxSocketGuard;

void                   _mctx_socket_guard_init           (MctxSocketGuard       *guard,
                                                          int                    fd);
int                    _mctx_socket_guard_detach         (MctxSocketGuard       *guard);

static inline void
_mctx_socket_guard_release (MctxSocketGuard *guard)
{
  /* A sender's last touch of the guard: once the count is zero, the
   * detacher goes on, and may close the descriptor and clear its memory
   * (the sender's own reference keeps the publication). */
  g_atomic_int_add (&guard->senders, -1);
}

/* Returns the descriptor, held until _mctx_socket_guard_release(), or -1
 * (nothing held) once it was detached. */
static inline int
_mctx_socket_guard_acquire (MctxSocketGuard *guard)
{
  int fd;

  /* Counted in before looking: with both sequentially consistent, either
   * this sees the detached -1, or the detacher sees this sender. A sender
   * that finds -1 counts itself out at once, so a detach waits only for
   * the sends already under way. */
  g_atomic_int_inc (&guard->senders);
  fd = g_atomic_int_get (&guard->fd);
  if (G_UNLIKELY (fd < 0))
    _mctx_socket_guard_release (guard);
  return fd;
}

/* The descriptor as it is now, for callers that only borrow it: no send
 * is made through it here, so it is not counted in. */
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
  gboolean            departure_timestamps;
  MctxInterfaceCache *interfaces;       /* (nullable) the context's */
} MctxPublicationPlan;

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

G_END_DECLS
