/* mctx-socket.c: socket options, errno reporting, descriptor lifetime and
 * the kernel's error queue, shared by UDP and raw publications
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <linux/errqueue.h>
#include <linux/if_packet.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mctx-socket-private.h"

/* The G_IO_ERROR code of an errno. GIO files ENOBUFS under FAILED; for a
 * sender it is the one error that matters most (the interface queue had no
 * room), so it gets NO_SPACE, which callers can match. */
int
_mctx_io_error_from_errno (int saved_errno)
{
  if (saved_errno == ENOBUFS)
    return G_IO_ERROR_NO_SPACE;

  return g_io_error_from_errno (saved_errno);
}

/* After if_nametoindex() or if_indextoname() failed: whether it was for
 * want of the socket they open (a descriptor, or the memory for one),
 * which a retry may cure and is never a configuration's fault. glibc does
 * not always leave that errno, so a socket of our own asks again. */
gboolean
_mctx_interface_lookup_failed (int *saved_errno)
{
  int probe;

  *saved_errno = errno;
  if (*saved_errno == EMFILE || *saved_errno == ENFILE || *saved_errno == ENOBUFS || *saved_errno == ENOMEM)
    return TRUE;

  probe = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (probe >= 0)
    {
      close (probe);
      return FALSE;
    }
  *saved_errno = errno;
  return *saved_errno == EMFILE || *saved_errno == ENFILE || *saved_errno == ENOBUFS || *saved_errno == ENOMEM;
}

/* Reports a failed system call as "<what>: <strerror>" in G_IO_ERROR. */
gboolean
_mctx_set_io_error (GError     **error,
                    int          saved_errno,
                    const char  *format,
                    ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, G_IO_ERROR, _mctx_io_error_from_errno (saved_errno),
               "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

gboolean
_mctx_set_socket_option (int          fd,
                         int          level,
                         int          option,
                         const void  *value,
                         socklen_t    size,
                         const char  *name,
                         GError     **error)
{
  if (setsockopt (fd, level, option, value, size) == 0)
    return TRUE;

  /* Translators: %s is a socket option name such as IP_MULTICAST_IF */
  return _mctx_set_io_error (error, errno, _("Could not set %s"), name);
}

/* Without IP_RECVERR the kernel reports a datagram its queueing layer
 * dropped (ENOBUFS) as sent; with it, send() fails. */
gboolean
_mctx_socket_enable_recverr (int             fd,
                             GSocketFamily   family,
                             GError        **error)
{
  int on = 1;

  if (family == G_SOCKET_FAMILY_IPV6)
    return _mctx_set_socket_option (fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on,
                                    "IPV6_RECVERR", error);

  return _mctx_set_socket_option (fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on,
                                  "IP_RECVERR", error);
}

/* SOF_TIMESTAMPING_* of <linux/net_tstamp.h>: the software transmit
 * timestamp, matched by a per-datagram counter, without the packet. */
#define TIMESTAMPING_FLAGS ((1 << 1) | (1 << 4) | (1 << 7) | (1 << 11))
#define SCM_TSTAMP_SND_TYPE 0

gboolean
_mctx_socket_enable_timestamps (int       fd,
                                GError  **error)
{
  int flags = TIMESTAMPING_FLAGS;
  /* Timestamps wait in the error queue, charged to the receive buffer:
   * 1 MiB holds about 2 500. Past net.core.rmem_max only a privileged
   * process gets it; others get what the maximum allows. */
  int room = 1 << 20;

  if (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &room, sizeof room) != 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &room, sizeof room);
  return _mctx_set_socket_option (fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof flags,
                                  "SO_TIMESTAMPING", error);
}

/* Reads the error queue without blocking, at most @limit messages, and
 * hands each to @func: a transmit timestamp, or an error about an earlier
 * datagram. */
void
_mctx_socket_read_error_queue (int                   fd,
                               guint                 limit,
                               MctxErrorQueueFunc    func,
                               gpointer              user_data)
{
  guint read = 0;

  while (read < limit)
    {
      union {
        struct cmsghdr align;
        char buffer[512];
      } control;
      guint8 data[64];
      struct iovec part = { .iov_base = data, .iov_len = sizeof data };
      struct msghdr message = {
        .msg_iov = &part,
        .msg_iovlen = 1,
        .msg_control = &control,
        .msg_controllen = sizeof control,
      };
      MctxErrorQueueEntry entry = { 0, };
      gboolean have_error = FALSE;

      if (recvmsg (fd, &message, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
        break;
      read++;

      for (struct cmsghdr *header = CMSG_FIRSTHDR (&message); header != NULL;
           header = CMSG_NXTHDR (&message, header))
        {
          if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_TIMESTAMPING)
            {
              const struct timespec *stamps = (const struct timespec *) (gpointer) CMSG_DATA (header);

              /* The first of the three is the software timestamp. */
              entry.timestamp_ns = (gint64) stamps[0].tv_sec * G_GINT64_CONSTANT (1000000000) + stamps[0].tv_nsec;
            }
          else if ((header->cmsg_level == IPPROTO_IP && header->cmsg_type == IP_RECVERR) ||
                   (header->cmsg_level == IPPROTO_IPV6 && header->cmsg_type == IPV6_RECVERR) ||
                   (header->cmsg_level == SOL_PACKET && header->cmsg_type == PACKET_TX_TIMESTAMP))
            {
              const struct sock_extended_err *extended = (const struct sock_extended_err *) (gpointer) CMSG_DATA (header);
              /* A packet socket's copies the error alone, without the
               * offender's address after it. */
              const struct sockaddr *offender =
                header->cmsg_len >= CMSG_LEN (sizeof *extended + sizeof (struct sockaddr_in))
                ? SO_EE_OFFENDER (extended) : NULL;

              have_error = TRUE;
              entry.origin = extended->ee_origin;
              entry.saved_errno = (int) extended->ee_errno;
              entry.info = extended->ee_info;
              entry.data = extended->ee_data;
              if (offender != NULL && (offender->sa_family == AF_INET ||
                                       (offender->sa_family == AF_INET6 &&
                                        header->cmsg_len >= CMSG_LEN (sizeof *extended + sizeof (struct sockaddr_in6)))))
                entry.offender = g_socket_address_new_from_native ((gpointer) offender,
                                                                   offender->sa_family == AF_INET
                                                                   ? sizeof (struct sockaddr_in)
                                                                   : sizeof (struct sockaddr_in6));
            }
        }

      if (have_error)
        {
          entry.is_timestamp = entry.origin == SO_EE_ORIGIN_TIMESTAMPING;
          /* Only the driver's timestamp is a departure; others are dropped. */
          if (!entry.is_timestamp || entry.info == SCM_TSTAMP_SND_TYPE)
            func (&entry, user_data);
        }
      g_clear_object (&entry.offender);
    }
}

/* Clears the socket's pending error (reading SO_ERROR does), which an ICMP
 * message about an earlier datagram leaves for the next send to fail with.
 * Returns whether there was one. */
gboolean
_mctx_socket_take_pending_error (int fd)
{
  int pending = 0;
  socklen_t size = sizeof pending;

  return getsockopt (fd, SOL_SOCKET, SO_ERROR, &pending, &size) == 0 && pending != 0;
}

static void
note_remote (const MctxErrorQueueEntry *entry,
             gpointer                   user_data)
{
  gboolean *remote = user_data;

  if (entry->origin == SO_EE_ORIGIN_ICMP || entry->origin == SO_EE_ORIGIN_ICMP6)
    *remote = TRUE;
}

/* Empties the socket's error queue and its pending error, so that nothing
 * the kernel queued about an earlier datagram fails a later send, and a
 * poll for G_IO_OUT does not wake for ever with G_IO_ERR. Returns whether
 * an error that came from the network (an ICMP message about an earlier
 * datagram) was among them. What it empties is lost: publications read
 * the queue themselves, this is for a send that failed because of it. */
gboolean
_mctx_socket_drain_errors (int fd)
{
  gboolean remote = FALSE;

  _mctx_socket_read_error_queue (fd, 64, note_remote, &remote);
  return _mctx_socket_take_pending_error (fd) || remote;
}

/* After a failed send, with errno as it left it: saves errno, and says
 * whether the failure was an ICMP error about an earlier datagram (drained
 * now), so that sending once more is right. A full buffer never is. */
static gboolean
failed_for_earlier_datagram (int  fd,
                             int *saved_errno)
{
  *saved_errno = errno;
  switch (*saved_errno)
    {
    /* What an ICMP message about an earlier datagram leaves pending. Only
     * then is the queue emptied, losing what else waits there: departure
     * timestamps (counted missing) and other errors. */
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN:
    case ENONET:
    case EACCES:
    case EPROTO:
    case ENOPROTOOPT:
    case EMSGSIZE:
      return _mctx_socket_drain_errors (fd);
    default:
      return FALSE;
    }
}

/* The rest of _mctx_socket_send(), with errno as its sendto() left it. */
gssize
_mctx_socket_send_after_failure (int                     fd,
                                 const void             *data,
                                 gsize                   len,
                                 const struct sockaddr  *to,
                                 socklen_t               to_len,
                                 int                    *saved_errno)
{
  for (guint attempt = 0; ; attempt++)
    {
      gssize sent;

      while (errno == EINTR)
        {
          sent = sendto (fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL, to, to_len);
          if (sent >= 0)
            return sent;
        }
      /* Called on the second failure too: it saves errno, and takes the
       * error that another earlier datagram may have left. */
      if (!failed_for_earlier_datagram (fd, saved_errno) || attempt > 0)
        return -1;
      sent = sendto (fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL, to, to_len);
      if (sent >= 0)
        return sent;
    }
}

/* sendmmsg(), with the retry of _mctx_socket_send(). Returns how many
 * went; fewer than @count when the next one would fail or block (sending it
 * again says why), or -1 with *saved_errno when none went. */
int
_mctx_socket_send_messages (int             fd,
                            struct mmsghdr *messages,
                            guint           count,
                            int            *saved_errno)
{
  int sent = -1;

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      do
        sent = sendmmsg (fd, messages, count, MSG_DONTWAIT | MSG_NOSIGNAL);
      while (G_UNLIKELY (sent < 0 && errno == EINTR));

      if (G_LIKELY (sent >= 0) || !failed_for_earlier_datagram (fd, saved_errno))
        break;
    }

  return sent;
}

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

/* Whether this kernel segments UDP (Linux 4.18): asked once, of a scratch
 * socket. */
gboolean
_mctx_socket_can_segment (void)
{
  static gsize answer = 0;

  if (g_once_init_enter (&answer))
    {
      int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
      int size = 1400;
      gboolean supported = fd >= 0 && setsockopt (fd, SOL_UDP, UDP_SEGMENT, &size, sizeof size) == 0;

      if (fd >= 0)
        close (fd);
      g_once_init_leave (&answer, supported ? 2 : 1);
    }

  return answer == 2;
}

/* One send of @len bytes that the kernel cuts into @segment_size datagrams
 * (the last may be shorter), with the retry of _mctx_socket_send(). */
gssize
_mctx_socket_send_segmented (int                     fd,
                             const struct iovec     *parts,
                             guint                   n_parts,
                             guint16                 segment_size,
                             const struct sockaddr  *to,
                             socklen_t               to_len,
                             int                    *saved_errno)
{
  union {
    struct cmsghdr align;
    char buffer[CMSG_SPACE (sizeof (guint16))];
  } control = { 0 };
  struct msghdr message = {
    .msg_name = (void *) to,
    .msg_namelen = to_len,
    .msg_iov = (struct iovec *) parts,
    .msg_iovlen = n_parts,
    .msg_control = &control,
    .msg_controllen = sizeof control,
  };
  struct cmsghdr *header = CMSG_FIRSTHDR (&message);
  gssize sent = -1;

  header->cmsg_level = SOL_UDP;
  header->cmsg_type = UDP_SEGMENT;
  header->cmsg_len = CMSG_LEN (sizeof segment_size);
  memcpy (CMSG_DATA (header), &segment_size, sizeof segment_size);

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      do
        sent = sendmsg (fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
      while (G_UNLIKELY (sent < 0 && errno == EINTR));

      if (G_LIKELY (sent >= 0) || !failed_for_earlier_datagram (fd, saved_errno))
        break;
    }

  return sent;
}

gint
_mctx_send_bytes_in_chunks (gpointer               target,
                            MctxSendMessagesFunc   send,
                            GBytes *const         *datagrams,
                            guint                  n_datagrams,
                            GError               **error)
{
  GOutputVector vectors[MCTX_BATCH_MAX];
  GOutputMessage messages[MCTX_BATCH_MAX];
  guint done = 0;

  while (done < n_datagrams)
    {
      guint chunk = MIN (n_datagrams - done, MCTX_BATCH_MAX);
      gint sent;

      _mctx_output_messages_from_bytes (datagrams + done, chunk, vectors, messages);
      sent = send (target, done, messages, chunk, done == 0 ? error : NULL);
      if (sent < 0)
        return done == 0 ? -1 : (gint) done;
      done += (guint) sent;
      if ((guint) sent < chunk)
        break;
    }

  return (gint) done;
}

/* @datagrams as one message of one vector each. An empty #GBytes may have
 * no data at all: it is sent from an empty string. */
void
_mctx_output_messages_from_bytes (GBytes *const   *datagrams,
                                  guint            count,
                                  GOutputVector   *vectors,
                                  GOutputMessage  *messages)
{
  for (guint i = 0; i < count; i++)
    {
      vectors[i].buffer = g_bytes_get_data (datagrams[i], &vectors[i].size);
      if (vectors[i].buffer == NULL)
        vectors[i].buffer = "";
      messages[i] = (GOutputMessage) { .vectors = &vectors[i], .num_vectors = 1 };
    }
}

void
_mctx_socket_guard_init (MctxSocketGuard *guard,
                         int              fd)
{
  guard->fd = fd;
  guard->senders = 0;
}

/* Takes the descriptor away from future senders, after the sends in
 * flight have finished with it. Returns it, or -1 if it was gone. */
int
_mctx_socket_guard_detach (MctxSocketGuard *guard)
{
  int fd = g_atomic_int_exchange (&guard->fd, -1);

  /* Sends never block, so those in flight end within microseconds; one
   * that starts now sees -1 and counts itself out at once. The count is
   * polled rather than signalled: a sender that woke a waiting detacher
   * would still be touching the guard after the count let it go on. */
  while (g_atomic_int_get (&guard->senders) > 0)
    g_usleep (20);

  return fd;
}
