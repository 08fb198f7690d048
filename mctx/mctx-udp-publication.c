/* mctx-udp-publication.c: a publication to one multicast group and port
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "mctx-private.h"

/**
 * MctxUdpPublication:
 *
 * A publication that sends UDP datagrams to one multicast group and port:
 * a non-blocking UDP socket that is configured, bound and connected when
 * the publication is created, so that each send is a single system call.
 * It adds to [class@Mctx.Publication] what only UDP has: the connected
 * destination, the bound local address receivers see, and the
 * announcement tuple. With [property@Mctx.UdpPublicationConfig:shared-socket]
 * it shares one unconnected socket with the publications of its context
 * that send alike, naming its group in each datagram.
 *
 * See also: [IPv6, source addresses and scopes](ipv6.html).
 *
 * Since: 1.0
 */
struct _MctxUdpPublication
{
  MctxPublication parent_instance;

  GInetSocketAddress *destination;
  GInetSocketAddress *local_address;

  /* A shared, unconnected socket: where each datagram goes (to_len is 0
   * for a connected socket of its own), and its entry in the pool. */
  struct sockaddr_storage to;
  socklen_t to_len;
  char *pool_key;

  /* Set once the route refused a segmented send (a segment above its MTU):
   * later ones go as batches, without a refusal each time. */
  gint segmenting_refused;
};

G_DEFINE_FINAL_TYPE (MctxUdpPublication, mctx_udp_publication, MCTX_TYPE_PUBLICATION)

enum {
  PROP_0,
  PROP_DESTINATION,
  PROP_LOCAL_ADDRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The largest UDP payload of one send: a 65535-byte IPv4 datagram less
 * its headers. Segmented sends stay within it, and within the kernel's
 * 64 segments per send. */
#define MAX_UDP_PAYLOAD (65535 - 20 - 8)
#define MAX_SEGMENTS 64

static void
mctx_udp_publication_finalize (GObject *object)
{
  MctxUdpPublication *self = MCTX_UDP_PUBLICATION (object);

  g_clear_object (&self->destination);
  g_clear_object (&self->local_address);
  g_clear_pointer (&self->pool_key, g_free);

  G_OBJECT_CLASS (mctx_udp_publication_parent_class)->finalize (object);
}

static void
mctx_udp_publication_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MctxUdpPublication *self = MCTX_UDP_PUBLICATION (object);

  switch (prop_id)
    {
    case PROP_DESTINATION:
      g_value_set_object (value, self->destination);
      break;
    case PROP_LOCAL_ADDRESS:
      g_value_set_object (value, self->local_address);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Where each datagram goes: NULL on a connected socket of its own. */
static inline const struct sockaddr *
destination (MctxUdpPublication *self)
{
  return self->to_len != 0 ? (const struct sockaddr *) &self->to : NULL;
}

static gssize
udp_send_one (MctxPublication  *publication,
              int               fd,
              const guint8     *data,
              gsize             len,
              GError          **error)
{
  MctxUdpPublication *self = MCTX_UDP_PUBLICATION (publication);
  int saved_errno = 0;
  gssize sent = _mctx_socket_send (fd, data, len, destination (self), self->to_len, &saved_errno);

  if (G_UNLIKELY (sent < 0))
    _mctx_set_io_error (error, saved_errno, _("Could not send to %s"),
                        _mctx_publication_get_description (publication));
  return sent;
}

/* Sends @n messages in chunks of sendmmsg(): how many went, their bytes
 * added to *@bytes, or -1 with *saved_errno when the first did not.
 * @first is the index of @messages in the call, for the departures
 * tracker. */
static gint
send_batches (MctxUdpPublication *self,
              int                 fd,
              GOutputMessage     *messages,
              guint               n,
              guint               first,
              guint64            *bytes,
              int                *saved_errno)
{
  MctxDepartures *departures = _mctx_publication_get_departures (MCTX_PUBLICATION (self));
  struct mmsghdr batch[MCTX_BATCH_MAX];
  guint done = 0;

  while (done < n)
    {
      guint chunk = MIN (n - done, MCTX_BATCH_MAX);
      int sent;

      for (guint i = 0; i < chunk; i++)
        batch[i] = (struct mmsghdr) {
          .msg_hdr = {
            .msg_name = (void *) destination (self),
            .msg_namelen = self->to_len,
            /* GOutputVector has the layout of struct iovec, as GIO relies on. */
            .msg_iov = (struct iovec *) messages[done + i].vectors,
            .msg_iovlen = messages[done + i].num_vectors,
          },
        };

      sent = _mctx_socket_send_messages (fd, batch, chunk, saved_errno);
      /* A datagram its queue dropped was numbered too. */
      if (sent < 0 && departures != NULL && *saved_errno == ENOBUFS)
        _mctx_departures_add (departures, first + done);
      if (sent < 0)
        break;
      for (int i = 0; i < sent; i++)
        {
          messages[done + i].bytes_sent = batch[i].msg_len;
          *bytes += batch[i].msg_len;
        }
      if (departures != NULL)
        for (int i = 0; i < sent; i++)
          _mctx_departures_add (departures, first + done + (guint) i);
      done += (guint) sent;
      /* A short count: the next datagram would block or fail. Trying it
       * again tells which; a failure after some went is left for the
       * caller's next call, which reports it. */
      if ((guint) sent < chunk)
        break;
    }

  return done == 0 && n > 0 ? -1 : (gint) done;
}

/* What segment_run() set, for a run that did not go. */
static void
clear_bytes_sent (GOutputMessage *messages,
                  guint           n)
{
  for (guint i = 0; i < n; i++)
    messages[i].bytes_sent = 0;
}

static gsize
message_size (const GOutputMessage *message)
{
  gsize size = 0;

  for (guint i = 0; i < message->num_vectors; i++)
    size += message->vectors[i].size;
  return size;
}

/* The most datagrams of @segment_size bytes one segmented send takes: 64,
 * or fewer where 64 KiB is reached first; at least 1. */
guint
_mctx_udp_segments_per_send (gsize segment_size)
{
  if (segment_size == 0)
    return MAX_SEGMENTS;
  return (guint) CLAMP (MAX_UDP_PAYLOAD / segment_size, 1, MAX_SEGMENTS);
}

/* How many messages from @messages, up to @max, form one segmented send:
 * equal sizes (the last may be shorter, but not empty: the kernel would
 * send no datagram for it), at most 64 and 64 KiB, and all their vectors
 * within IOV_MAX. One pass: their vectors are gathered into
 * @iov unless it is NULL, and then each message's `bytes_sent` is set as
 * if the run went (the caller clears them if it does not); the run's
 * segment size and last size are told. */
static guint
segment_run (GOutputMessage       *messages,
             guint                 n,
             guint                 max,
             struct iovec         *iov,
             gsize                *segment_size,
             gsize                *last_size,
             guint                *n_parts)
{
  gsize size = n > 0 ? message_size (&messages[0]) : 0, last = 0;
  guintptr end = 0;   /* where the last vector gathered ends */
  guint run = 0, parts = 0, limit = MIN (MIN (n, max), MAX_SEGMENTS);

  /* No datagram is larger than the first, so the count alone keeps the
   * run within 64 KiB. */
  if (size > 0)
    limit = MIN (limit, MAX_UDP_PAYLOAD / size);

  /* The shape a stream takes most, a paced sender's among them: one
   * vector each, all of the first's size, back to back in memory. Scanned
   * at a few instructions a datagram, it goes as one stretch; whatever
   * follows takes the loop below. */
  if (iov != NULL && size > 0 && messages[0].num_vectors == 1)
    {
      const guint8 *start = messages[0].vectors[0].buffer, *next = start;

      while (run < limit && messages[run].num_vectors == 1 && messages[run].vectors[0].buffer == next &&
             messages[run].vectors[0].size == size)
        {
          messages[run].bytes_sent = size;
          next += size;
          run++;
        }
      if (run > 0)
        {
          iov[0] = (struct iovec) { (void *) start, (gsize) (next - start) };
          parts = 1;
          end = (guintptr) next;
          last = size;
        }
    }

  while (run < limit)
    {
      GOutputMessage *message = &messages[run];
      const GOutputVector *vector = message->vectors;
      gsize this_size;

      if (G_LIKELY (message->num_vectors == 1))
        {
          /* The common case, one vector a datagram, at a few instructions
           * each: at 32 bytes these loops are a twentieth of a send. */
          this_size = vector->size;
          if (this_size > size || this_size == 0 || parts >= 1024)
            break;
          if (iov == NULL)
            parts++;
          /* Datagrams laid out one after the other in the caller's
           * memory go to the kernel as one stretch, without a copy. */
          else if (parts > 0 && end == (guintptr) vector->buffer)
            iov[parts - 1].iov_len += this_size;
          else
            iov[parts++] = (struct iovec) { (void *) vector->buffer, this_size };
          end = (guintptr) vector->buffer + this_size;
        }
      else
        {
          this_size = message_size (message);
          if (this_size > size || this_size == 0 || parts + message->num_vectors > 1024)
            break;
          if (iov == NULL)
            parts += message->num_vectors;
          else
            for (guint v = 0; v < message->num_vectors; v++, vector++)
              {
                if (parts > 0 && end == (guintptr) vector->buffer)
                  iov[parts - 1].iov_len += vector->size;
                else
                  iov[parts++] = (struct iovec) { (void *) vector->buffer, vector->size };
                end = (guintptr) vector->buffer + vector->size;
              }
        }
      if (iov != NULL)
        message->bytes_sent = this_size;
      last = this_size;
      run++;
      if (this_size < size)
        break;
    }

  *segment_size = size;
  *last_size = last;
  *n_parts = parts;
  return run;
}

/* Segmented sends where runs of equal sizes allow, batches elsewhere; a
 * route that refuses segments of this size (above its MTU) gets batches
 * from then on, without an error: the datagrams go, as a batch would send
 * them. */
static gint
send_segmented (MctxUdpPublication *self,
                int                 fd,
                GOutputMessage     *messages,
                guint               n,
                guint64            *bytes,
                int                *saved_errno)
{
  MctxDepartures *departures = _mctx_publication_get_departures (MCTX_PUBLICATION (self));
  struct iovec iov[1024];
  guint done = 0;

  while (done < n)
    {
      gsize segment_size, last_size = 0;
      guint parts;
      gboolean refused = g_atomic_int_get (&self->segmenting_refused);
      guint run = refused ? 0 : segment_run (messages + done, n - done, MAX_SEGMENTS, iov,
                                             &segment_size, &last_size, &parts);
      gssize sent;

      if (run < 2 || segment_size == 0)
        {
          /* A batch up to where a run worth segmenting starts, or of all
           * that is left once the route refused segments. */
          guint count = 1;
          gint went;

          clear_bytes_sent (messages + done, run);

          if (refused)
            count = n - done;
          else
            while (done + count < n &&
                   segment_run (messages + done + count, n - done - count, 2, NULL,
                                &segment_size, &last_size, &parts) < 2)
              count++;

          went = send_batches (self, fd, messages + done, count, done, bytes, saved_errno);
          if (went < 0)
            break;
          done += (guint) went;
          if ((guint) went < count)
            break;
          continue;
        }

      sent = _mctx_socket_send_segmented (fd, iov, parts, (guint16) segment_size,
                                          destination (self), self->to_len, saved_errno);
      /* The send was numbered when the kernel built it, before its queue
       * dropped it (ENOBUFS) or the route refused its segments. */
      if (sent < 0 && departures != NULL && (*saved_errno == ENOBUFS || *saved_errno == EINVAL ||
                                             *saved_errno == EIO))
        _mctx_departures_add (departures, done);
      if (sent < 0)
        clear_bytes_sent (messages + done, run);
      if (sent < 0 && (*saved_errno == EINVAL || *saved_errno == EMSGSIZE || *saved_errno == EIO))
        {
          /* Kernels refuse segments beyond the route's MTU with one or the
           * other: the same datagrams go as a batch. */
          g_atomic_int_set (&self->segmenting_refused, TRUE);
          continue;
        }
      if (sent < 0)
        break;

      /* One send, one timestamp: its first datagram's. */
      if (departures != NULL)
        _mctx_departures_add (departures, done);
      *bytes += (guint64) (run - 1) * segment_size + last_size;
      done += run;
    }

  return done == 0 && n > 0 ? -1 : (gint) done;
}

static gint
udp_send_messages (MctxPublication  *publication,
                   int               fd,
                   GOutputMessage   *messages,
                   guint             n_messages,
                   MctxSendFlags     flags,
                   guint64          *bytes,
                   GError          **error)
{
  MctxUdpPublication *self = MCTX_UDP_PUBLICATION (publication);
  int saved_errno = 0;
  gint sent;

  if ((flags & MCTX_SEND_FLAGS_SEGMENTED) && _mctx_socket_can_segment ())
    sent = send_segmented (self, fd, messages, n_messages, bytes, &saved_errno);
  else
    sent = send_batches (self, fd, messages, n_messages, 0, bytes, &saved_errno);

  if (sent < 0)
    _mctx_set_io_error (error, saved_errno, _("Could not send to %s"),
                        _mctx_publication_get_description (publication));
  return sent;
}

static MctxSendReport *
udp_report (MctxPublication *publication,
            const guint8    *data,
            gsize            len,
            gsize            bytes_sent)
{
  MctxUdpPublication *self = MCTX_UDP_PUBLICATION (publication);

  return _mctx_send_report_new (self->destination, self->local_address,
                                mctx_publication_get_interface_index (publication), 17, bytes_sent);
}

static gboolean
udp_can_steal (MctxPublication *publication)
{
  /* Other publications send through a shared socket. */
  return MCTX_UDP_PUBLICATION (publication)->pool_key == NULL;
}

static void
udp_close_socket (MctxPublication *publication,
                  GSocket         *socket)
{
  /* A shared socket closes with the last publication that holds it. */
  if (MCTX_UDP_PUBLICATION (publication)->pool_key == NULL)
    g_socket_close (socket, NULL);
}

static void
mctx_udp_publication_class_init (MctxUdpPublicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MctxPublicationClass *publication_class = MCTX_PUBLICATION_CLASS (klass);

  object_class->finalize = mctx_udp_publication_finalize;
  object_class->get_property = mctx_udp_publication_get_property;

  publication_class->send_one = udp_send_one;
  publication_class->send_messages = udp_send_messages;
  publication_class->report = udp_report;
  publication_class->can_steal = udp_can_steal;
  publication_class->close_socket = udp_close_socket;

  /**
   * MctxUdpPublication:destination: (getter get_destination)
   *
   * The group and port the publication sends to. For interface-local and
   * link-local IPv6 groups its scope id is the interface index; for all
   * other groups it is 0.
   *
   * Since: 1.0
   */
  properties[PROP_DESTINATION] =
    g_param_spec_object ("destination", NULL, NULL,
                         G_TYPE_INET_SOCKET_ADDRESS,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MctxUdpPublication:local-address: (getter get_local_address)
   *
   * The local address and port the socket is bound to, as the kernel
   * reported it after connecting: the source receivers see.
   *
   * Since: 1.0
   */
  properties[PROP_LOCAL_ADDRESS] =
    g_param_spec_object ("local-address", NULL, NULL,
                         G_TYPE_INET_SOCKET_ADDRESS,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mctx_udp_publication_init (MctxUdpPublication *self)
{
}

static MctxUdpPublication *
publication_new (guint                  id,
                 MctxPublicationConfig *config,
                 MctxPublicationPlan   *plan,
                 GSocket               *socket,
                 GError               **error)
{
  MctxUdpPublication *self;
  GInetSocketAddress *local_address;
  g_autofree char *description = NULL;

  local_address = _mctx_udp_socket_query_local_address (g_socket_get_fd (socket), error);
  if (local_address == NULL)
    return NULL;

  g_socket_set_blocking (socket, FALSE);

  self = g_object_new (MCTX_TYPE_UDP_PUBLICATION, NULL);
  description = _mctx_socket_address_to_string (G_SOCKET_ADDRESS (plan->destination));
  _mctx_publication_set_up (MCTX_PUBLICATION (self), id, config, socket, plan->ifindex, description);
  self->destination = g_object_ref (plan->destination);
  self->local_address = local_address;
  if (plan->shared)
    {
      self->to_len = (socklen_t) g_socket_address_get_native_size (G_SOCKET_ADDRESS (plan->destination));
      g_socket_address_to_native (G_SOCKET_ADDRESS (plan->destination), &self->to, sizeof self->to, NULL);
    }

  return self;
}

/* A publication on its pool's socket for @plan. */
static MctxUdpPublication *
publication_new_shared (guint                  id,
                        MctxPublicationConfig *config,
                        MctxPublicationPlan   *plan,
                        MctxSocketPool        *pool,
                        GError               **error)
{
  g_autofree char *key = NULL;
  GSocket *socket = _mctx_socket_pool_acquire (pool, plan, &key, error);
  MctxUdpPublication *self;

  if (socket == NULL)
    return NULL;

  self = publication_new (id, config, plan, socket, error);
  if (self == NULL)
    {
      _mctx_socket_pool_release (pool, key);
      return NULL;
    }

  self->pool_key = g_steal_pointer (&key);
  return self;
}

/* Creates a publication with a socket of its own, or, when @socket is given,
 * with that caller-provided socket. */
MctxPublication *
_mctx_udp_publication_new (guint                  id,
                           MctxPublicationConfig *config,
                           GSocket               *socket,
                           MctxInterfaceCache    *interfaces,
                           MctxSocketPool        *pool,
                           GError               **error)
{
  MctxPublicationPlan plan;
  g_autoptr(GSocket) own_socket = NULL;
  MctxUdpPublication *self = NULL;

  if (!_mctx_publication_plan_resolve (&plan, config, interfaces, error))
    return NULL;

  if (plan.shared && (socket != NULL || pool == NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Only sockets of mctx's own can be shared: unset shared-socket to send through this one"));
      goto out;
    }
  if (plan.shared)
    {
      self = publication_new_shared (id, config, &plan, pool, error);
      goto out;
    }

  if (socket == NULL)
    {
      own_socket = g_socket_new (plan.family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
      if (own_socket == NULL ||
          !_mctx_udp_socket_set_up_own (g_socket_get_fd (own_socket), &plan, error))
        goto out;
      socket = own_socket;
    }
  else if (!_mctx_udp_socket_set_up_caller (g_socket_get_fd (socket), &plan, error))
    goto out;

  self = publication_new (id, config, &plan, socket, error);

out:
  _mctx_publication_plan_clear (&plan);
  return (MctxPublication *) self;
}

/* Like _mctx_udp_publication_new() with a caller-provided file descriptor,
 * which the publication owns on success and the caller keeps on failure. */
/* The pool key of a publication on a shared socket, or NULL. */
const char *
_mctx_udp_publication_get_pool_key (MctxUdpPublication *self)
{
  return self->pool_key;
}

/* Whether datagrams for @a and @b can go in one run of sendmmsg(). */
gboolean
_mctx_udp_publication_shares_socket (MctxPublication *a,
                                     MctxPublication *b)
{
  if (a == b)
    return TRUE;
  if (!MCTX_IS_UDP_PUBLICATION (a) || !MCTX_IS_UDP_PUBLICATION (b))
    return FALSE;

  return MCTX_UDP_PUBLICATION (a)->pool_key != NULL && MCTX_UDP_PUBLICATION (b)->pool_key != NULL &&
         mctx_publication_get_socket (a) != NULL && mctx_publication_get_socket (a) == mctx_publication_get_socket (b);
}

/* Sends a run of datagrams for UDP publications that share one socket (or
 * are one publication), in one sendmmsg(): how many went, or -1 with
 * @error when none did. Each datagram counts for its own publication. */
gint
_mctx_udp_publication_send_run (MctxPublication **publications,
                                GOutputMessage   *datagrams,
                                guint             n,
                                GError          **error)
{
  struct mmsghdr messages[MCTX_BATCH_MAX];
  MctxPublication *held[MCTX_BATCH_MAX];
  guint n_held = 0, usable = 0;
  int fd = -1, saved_errno = 0;
  gint sent = -1;

  g_return_val_if_fail (n <= MCTX_BATCH_MAX, -1);

  /* Each publication's descriptor is held once, however often it appears;
   * the run ends before one that lost its socket. */
  for (; usable < n; usable++)
    {
      MctxUdpPublication *publication = MCTX_UDP_PUBLICATION (publications[usable]);
      gboolean seen = FALSE;

      for (guint k = 0; k < n_held && !seen; k++)
        seen = held[k] == publications[usable];
      if (!seen)
        {
          int held_fd = _mctx_publication_acquire_fd (publications[usable]);

          if (held_fd < 0)
            break;
          held[n_held++] = publications[usable];
          fd = held_fd;
        }

      messages[usable] = (struct mmsghdr) {
        .msg_hdr = {
          .msg_name = (void *) destination (publication),
          .msg_namelen = publication->to_len,
          .msg_iov = (struct iovec *) datagrams[usable].vectors,
          .msg_iovlen = datagrams[usable].num_vectors,
        },
      };
    }

  if (usable > 0)
    sent = _mctx_socket_send_messages (fd, messages, usable, &saved_errno);
  for (guint k = 0; k < n_held; k++)
    _mctx_publication_release_fd (held[k]);

  if (sent < 0)
    {
      _mctx_publication_count (publications[0], 0, 0, 1);
      if (usable == 0)
        _mctx_publication_set_closed_error (publications[0], error);
      else
        _mctx_set_io_error (error, saved_errno, _("Could not send to %s"),
                            _mctx_publication_get_description (publications[0]));
      return -1;
    }

  for (gint i = 0; i < sent; i++)
    {
      datagrams[i].bytes_sent = messages[i].msg_len;
      _mctx_publication_count (publications[i], 1, messages[i].msg_len, 0);
    }
  return sent;
}

/**
 * mctx_udp_publication_get_destination: (get-property destination)
 * @self: a UDP publication
 *
 * Gets the group and port the publication sends to.
 *
 * Returns: (transfer none): the destination, with the scope id it is sent
 *   with
 *
 * Since: 1.0
 */
GInetSocketAddress *
mctx_udp_publication_get_destination (MctxUdpPublication *self)
{
  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION (self), NULL);

  return self->destination;
}

/**
 * mctx_udp_publication_get_local_address: (get-property local-address)
 * @self: a UDP publication
 *
 * Gets the local address and port the socket is bound to: the source
 * receivers see. For a shared socket, it is as specific as the bind.
 *
 * Returns: (transfer none): the local address
 *
 * Since: 1.0
 */
GInetSocketAddress *
mctx_udp_publication_get_local_address (MctxUdpPublication *self)
{
  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION (self), NULL);

  return self->local_address;
}

/**
 * mctx_udp_publication_get_announce_tuple:
 * @self: a UDP publication
 * @source: (out) (transfer full) (optional): the source address on the wire
 * @group: (out) (transfer full) (optional): the group
 * @port: (out) (optional): the destination UDP port
 * @error: return location for a #GError
 *
 * Gets the `(source, group, udp-port)` tuple that announcements of this
 * stream carry (for example in SAP/SDP), and that SSM receivers subscribe
 * to.
 *
 * Returns: %TRUE on success, %FALSE with %MCTX_ERROR_NO_SOURCE_ADDRESS if
 *   the socket is not bound to a specific source address
 *
 * Since: 1.0
 */
gboolean
mctx_udp_publication_get_announce_tuple (MctxUdpPublication  *self,
                                         GInetAddress       **source,
                                         GInetAddress       **group,
                                         guint16             *port,
                                         GError             **error)
{
  GInetAddress *local;

  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  local = g_inet_socket_address_get_address (self->local_address);
  if (g_inet_address_get_is_any (local))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_NO_SOURCE_ADDRESS,
                   _("Publication %u to %s is not bound to a specific source address"),
                   mctx_publication_get_id (MCTX_PUBLICATION (self)),
                   _mctx_publication_get_description (MCTX_PUBLICATION (self)));
      return FALSE;
    }

  if (source != NULL)
    *source = g_object_ref (local);
  if (group != NULL)
    *group = g_object_ref (g_inet_socket_address_get_address (self->destination));
  if (port != NULL)
    *port = g_inet_socket_address_get_port (self->destination);

  return TRUE;
}
