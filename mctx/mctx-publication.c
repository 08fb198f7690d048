/* mctx-publication.c: what every kind of publication shares
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <time.h>
#include <linux/errqueue.h>

#include "mctx-private.h"

/**
 * MctxPublication:
 *
 * One ready-to-send socket of a [class@Mctx.Context], whatever it sends:
 * [class@Mctx.UdpPublication] sends datagrams to one multicast group and
 * port, [class@Mctx.RawPublication] complete IP datagrams. Every kind has
 * the same id, socket, sends, main-loop source, asynchronous sends and
 * metrics, and [class@Mctx.PacedSender] drives any of them. There is no
 * join or leave on the sending side: a publication is ready when its
 * context creates it.
 *
 * ## Which send?
 *
 * | to send… | C | Python, GJS | returns |
 * |---|---|---|---|
 * | one datagram | [method@Mctx.Publication.send] | `send(data)` | bytes sent (`gssize`) |
 * | one datagram, and learn where it went | [method@Mctx.Publication.send_with_report] | `send_with_report(data)` | a [struct@Mctx.SendReport] |
 * | many datagrams from your own buffers, in few system calls | [method@Mctx.Publication.send_messages] | — | datagrams sent (`gint`) |
 * | many datagrams | [method@Mctx.Publication.send_many] | `send_many(list)` | datagrams sent (`gint`) |
 * | one datagram, waiting for room on the main loop | [method@Mctx.Publication.send_async] | `send_async(data)` / `await` | bytes sent (`gssize`) |
 * | many datagrams, waiting for room | [method@Mctx.Publication.send_many_async] | `send_many_async(list)` / `await` | datagrams sent (`gint`) |
 * | a stream at a rate | [class@Mctx.PacedSender] | `Mctx.PacedSender` | — |
 * | one datagram to each of many groups over a shared socket | [method@Mctx.Context.send_many] | `context.send_many(pairs)` | datagrams sent (`gint`) |
 *
 * The sends that take many datagrams follow g_socket_send_messages(): they
 * return how many went, which is fewer than asked when the send buffer
 * filled or a datagram failed, and fail with an error only when none went.
 * The call that starts at the first datagram that did not go reports what
 * stopped it. A full send buffer is %G_IO_ERROR_WOULD_BLOCK: no send ever
 * blocks.
 *
 * A datagram counts as sent only when it has left the socket layer: one
 * that the kernel's queueing layer drops (a full queue on the interface,
 * `ENOBUFS`) fails its send with %G_IO_ERROR_NO_SPACE. Errors the kernel
 * queued about earlier datagrams are discarded, never reported against a
 * later one.
 *
 * Threads: sending from several threads at once is safe, and so is
 * removing, taking or stealing the publication's socket while other threads
 * send: the socket stays open until every send in flight has finished with
 * it, and later sends fail with %G_IO_ERROR_CLOSED. A datagram is only ever
 * sent through the publication's own socket. The borrowed socket and file
 * descriptor ([method@Mctx.Publication.get_socket]) carry no such guarantee: use them from
 * the thread that owns the publication. Metrics snapshots may be taken from
 * any thread.
 *
 * See also: [Using mctx](usage.html), [batched and segmented sends](topic-batches.html), [Main loop and async sends](mainloop.html).
 *
 * Since: 1.0
 */

typedef struct
{
  guint id;
  MctxPublicationConfig *config;
  GSocket *socket;                  /* NULL once stolen or closed */
  MctxSocketGuard guard;            /* the socket's descriptor, -1 once gone */
  guint ifindex;
  char *description;                /* for messages, formatted once */
  GCancellable *detached;           /* cancelled when the socket goes */

#ifdef MCTX_ENABLE_METRICS
  /* Uncontended, a lock costs two atomic operations: cheaper than the
   * alternatives that keep the counters of one send together. */
  GMutex metrics_lock;
  MctxMetricsCounters counters;
#endif
  MctxDepartures *departures;       /* (nullable) not measuring */
} MctxPublicationPrivate;

static void mctx_publication_initable_init (GInitableIface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (MctxPublication, mctx_publication, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (MctxPublication)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, mctx_publication_initable_init))

#define PRIV(self) ((MctxPublicationPrivate *) mctx_publication_get_instance_private (self))

#define NOT_FROM_CONTEXT \
  _("A publication is created ready by its context: call Mctx.Context.add_publication()")

enum {
  SOCKET_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_ID,
  PROP_CONFIG,
  PROP_INTERFACE_INDEX,
  PROP_SOCKET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A publication is made ready by its context, which opens and sets up its
 * socket from a resolved configuration. Constructed any other way, as a
 * binding's `Mctx.UdpPublication()` does (it initializes GInitables), it
 * would be an object without a socket: initialization refuses it instead. */
static gboolean
mctx_publication_initable_init_impl (GInitable     *initable,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  MctxPublicationPrivate *priv = PRIV (MCTX_PUBLICATION (initable));

  if (g_atomic_int_get (&priv->guard.fd) >= 0)
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, NOT_FROM_CONTEXT);
  return FALSE;
}

static void
mctx_publication_initable_init (GInitableIface *iface)
{
  iface->init = mctx_publication_initable_init_impl;
}

static void
mctx_publication_finalize (GObject *object)
{
  MctxPublicationPrivate *priv = PRIV (MCTX_PUBLICATION (object));

  g_clear_object (&priv->config);
  g_clear_object (&priv->socket);
  g_clear_pointer (&priv->description, g_free);
  g_clear_object (&priv->detached);
#ifdef MCTX_ENABLE_METRICS
  g_mutex_clear (&priv->metrics_lock);
#endif
  g_clear_pointer (&priv->departures, _mctx_departures_free);

  G_OBJECT_CLASS (mctx_publication_parent_class)->finalize (object);
}

static void
mctx_publication_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MctxPublicationPrivate *priv = PRIV (MCTX_PUBLICATION (object));

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint (value, priv->id);
      break;
    case PROP_CONFIG:
      if (priv->config != NULL)
        g_value_take_object (value, mctx_publication_config_copy (priv->config));
      break;
    case PROP_INTERFACE_INDEX:
      g_value_set_uint (value, priv->ifindex);
      break;
    case PROP_SOCKET:
      g_value_set_object (value, priv->socket);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
mctx_publication_real_can_steal (MctxPublication *self)
{
  return TRUE;
}

static void
mctx_publication_real_close_socket (MctxPublication *self,
                                    GSocket         *socket)
{
  g_socket_close (socket, NULL);
}

static void
mctx_publication_class_init (MctxPublicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _mctx_ensure_i18n ();

  object_class->finalize = mctx_publication_finalize;
  object_class->get_property = mctx_publication_get_property;

  klass->can_steal = mctx_publication_real_can_steal;
  klass->close_socket = mctx_publication_real_close_socket;

  /**
   * MctxPublication::socket-error:
   * @self: the publication
   * @error: what happened, in the %G_IO_ERROR domain:
   *   %G_IO_ERROR_CONNECTION_REFUSED for an ICMP port unreachable,
   *   %G_IO_ERROR_HOST_UNREACHABLE or %G_IO_ERROR_NETWORK_UNREACHABLE,
   *   %G_IO_ERROR_MESSAGE_TOO_LARGE when a datagram was too big for the path
   * @origin: (nullable): who reported it: the router or host that sent the
   *   ICMP message, or %NULL for an error of this host
   * @path_mtu: the path MTU an %G_IO_ERROR_MESSAGE_TOO_LARGE reports, else 0
   *
   * Emitted for each error the kernel queued about an earlier datagram, so
   * that a sender can log "port unreachable from 10.0.0.7" or "path MTU
   * 1400" instead of losing it. Each is also counted in the metrics
   * (%MCTX_METRICS_COUNTER_UNREACHABLE_ERRORS,
   * %MCTX_METRICS_COUNTER_MESSAGE_SIZE_ERRORS,
   * %MCTX_METRICS_COUNTER_LOCAL_ERRORS).
   *
   * Errors are read when the publication's source wakes for them
   * ([method@Mctx.Publication.create_source]), after each send of a
   * [class@Mctx.PacedSender] when the publication measures departures, and
   * by [method@Mctx.Publication.snapshot_metrics]; the signal is emitted in
   * the thread that reads them, with no lock of the publication's held, so
   * a handler may remove the publication.
   *
   * Since: 1.0
   */
  signals[SOCKET_ERROR] =
    g_signal_new ("socket-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_ERROR, G_TYPE_INET_ADDRESS, G_TYPE_UINT);

  /**
   * MctxPublication:id: (getter get_id)
   *
   * The id the context gave this publication, unique within the context
   * and never reused there.
   *
   * Since: 1.0
   */
  properties[PROP_ID] =
    g_param_spec_uint ("id", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublication:config:
   *
   * A copy of the configuration the publication was created from, of its
   * kind and new at each read: changing it does not change the
   * publication, nor what its context considers a duplicate.
   *
   * Since: 1.0
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL,
                         MCTX_TYPE_PUBLICATION_CONFIG,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublication:interface-index: (getter get_interface_index)
   *
   * The index of the interface the publication egresses through, or 0
   * when the kernel's routing chooses (for each datagram, for raw
   * publications).
   *
   * Since: 1.0
   */
  properties[PROP_INTERFACE_INDEX] =
    g_param_spec_uint ("interface-index", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MctxPublication:socket: (getter get_socket)
   *
   * The publication's socket, or %NULL after
   * [method@Mctx.Publication.steal_socket] or removal from its context.
   *
   * Since: 1.0
   */
  properties[PROP_SOCKET] =
    g_param_spec_object ("socket", NULL, NULL,
                         G_TYPE_SOCKET,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mctx_publication_init (MctxPublication *self)
{
  MctxPublicationPrivate *priv = PRIV (self);

  _mctx_socket_guard_init (&priv->guard, -1);
  priv->detached = g_cancellable_new ();
#ifdef MCTX_ENABLE_METRICS
  g_mutex_init (&priv->metrics_lock);
#endif
}

/* Gives a publication its context's id, a copy of its configuration, and
 * its socket, ready to send. */
void
_mctx_publication_set_up (MctxPublication       *self,
                          guint                  id,
                          MctxPublicationConfig *config,
                          GSocket               *socket,
                          guint                  ifindex,
                          const char            *description)
{
  MctxPublicationPrivate *priv = PRIV (self);

  priv->id = id;
  priv->config = mctx_publication_config_copy (config);
  priv->socket = g_object_ref (socket);
  priv->guard.fd = g_socket_get_fd (socket);
  priv->ifindex = ifindex;
  priv->description = g_strdup (description);
  if (mctx_publication_config_get_departure_timestamps (config))
    priv->departures = _mctx_departures_new ();
}

/* The departures tracker, or NULL: for the kinds' sends to number what the
 * kernel accepted. */
MctxDepartures *
_mctx_publication_get_departures (MctxPublication *self)
{
  return PRIV (self)->departures;
}

/* An error about an earlier datagram, kept until the descriptor is let go:
 * a ::socket-error handler may remove the publication. */
typedef struct {
  GError *error;
  GInetAddress *origin;
  guint path_mtu;
} QueuedError;

static void
queued_error_clear (gpointer data)
{
  QueuedError *queued = data;

  g_clear_error (&queued->error);
  g_clear_object (&queued->origin);
}

typedef struct {
  MctxPublication *self;
  guint64 unreachable, message_size, local;
  GArray *errors;                   /* of QueuedError, made on the first */
} ErrorQueueRead;

static void
on_error_queue_entry (const MctxErrorQueueEntry *entry,
                      gpointer                   user_data)
{
  ErrorQueueRead *read = user_data;
  MctxPublicationPrivate *priv = PRIV (read->self);
  QueuedError queued = { NULL, NULL, 0 };

  if (entry->is_timestamp)
    {
      if (priv->departures != NULL && entry->timestamp_ns != 0)
        _mctx_departures_stamp (priv->departures, entry->data, entry->timestamp_ns);
      return;
    }

  if (entry->saved_errno == EMSGSIZE)
    {
      read->message_size++;
      queued.path_mtu = entry->info;
    }
  else if (entry->origin == SO_EE_ORIGIN_ICMP || entry->origin == SO_EE_ORIGIN_ICMP6)
    read->unreachable++;
  else
    read->local++;

  if (entry->offender != NULL && entry->origin != SO_EE_ORIGIN_LOCAL)
    queued.origin = g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (entry->offender)));

  if (queued.path_mtu != 0)
    queued.error = g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                _("A datagram to %s was too big for the path: its MTU is %u"),
                                priv->description, queued.path_mtu);
  else if (queued.origin != NULL)
    {
      g_autofree char *from = g_inet_address_to_string (queued.origin);

      /* Translators: the first %s is an error such as “Connection refused”,
       * the second the address of the router or host that reported it */
      queued.error = g_error_new (G_IO_ERROR, _mctx_io_error_from_errno (entry->saved_errno),
                                  _("%s: %s, reported by %s"), priv->description,
                                  g_strerror (entry->saved_errno), from);
    }
  else
    queued.error = g_error_new (G_IO_ERROR, _mctx_io_error_from_errno (entry->saved_errno),
                                "%s: %s", priv->description, g_strerror (entry->saved_errno));

  if (read->errors == NULL)
    {
      read->errors = g_array_new (FALSE, FALSE, sizeof (QueuedError));
      g_array_set_clear_func (read->errors, queued_error_clear);
    }
  g_array_append_val (read->errors, queued);
}

/* Reads the socket's error queue: departure timestamps to their datagrams,
 * errors about earlier datagrams to the counters and ::socket-error, which
 * is emitted once the descriptor is let go. Also what a source that woke
 * with G_IO_ERR must do, so that it does not wake for ever. */
void
_mctx_publication_read_error_queue (MctxPublication *self)
{
  MctxPublicationPrivate *priv = PRIV (self);
  ErrorQueueRead read = { self, 0, 0, 0, NULL };
  int fd = _mctx_publication_acquire_fd (self);

  if (fd < 0)
    return;

  _mctx_socket_read_error_queue (fd, 4096, on_error_queue_entry, &read);
  /* The queue already said why. */
  _mctx_socket_take_pending_error (fd);
  _mctx_publication_release_fd (self);

#ifdef MCTX_ENABLE_METRICS
  if (read.unreachable + read.message_size + read.local > 0)
    {
      _mctx_mutex_lock (&priv->metrics_lock);
      priv->counters.unreachable_errors += read.unreachable;
      priv->counters.message_size_errors += read.message_size;
      priv->counters.local_errors += read.local;
      _mctx_mutex_unlock (&priv->metrics_lock);
    }
#else
  (void) priv;
#endif

  if (read.errors != NULL)
    {
      g_object_ref (self);
      for (guint i = 0; i < read.errors->len; i++)
        {
          QueuedError *queued = &g_array_index (read.errors, QueuedError, i);

          g_signal_emit (self, signals[SOCKET_ERROR], 0, queued->error, queued->origin, queued->path_mtu);
        }
      g_object_unref (self);
      g_array_unref (read.errors);
    }
}

/* Copies the departure figures into @stats; FALSE when not measuring. */
gboolean
_mctx_publication_read_departures (MctxPublication    *self,
                                   MctxDepartureStats *stats)
{
  MctxPublicationPrivate *priv = PRIV (self);

  if (priv->departures == NULL)
    return FALSE;
  _mctx_departures_read (priv->departures, mctx_stamp_now (), stats);
  return TRUE;
}

MctxPublicationConfig *
_mctx_publication_get_config (MctxPublication *self)
{
  return PRIV (self)->config;
}

const char *
_mctx_publication_get_description (MctxPublication *self)
{
  return PRIV (self)->description;
}

GCancellable *
_mctx_publication_get_detached (MctxPublication *self)
{
  return PRIV (self)->detached;
}

/* Counts sends, whole: the packets and bytes that went, the calls that
 * failed. Send calls are packets plus errors, so the three can never
 * disagree. */
void
_mctx_publication_count (MctxPublication *self,
                         guint            packets,
                         guint64          bytes,
                         guint            errors)
{
#ifdef MCTX_ENABLE_METRICS
  MctxPublicationPrivate *priv = PRIV (self);

  _mctx_mutex_lock (&priv->metrics_lock);
  priv->counters.packets_sent += packets;
  priv->counters.bytes_sent += bytes;
  priv->counters.send_errors += errors;
  _mctx_mutex_unlock (&priv->metrics_lock);
#endif
}

#ifdef MCTX_ENABLE_METRICS
void
_mctx_publication_read_counters (MctxPublication     *self,
                                 MctxMetricsCounters *counters)
{
  MctxPublicationPrivate *priv = PRIV (self);

  _mctx_mutex_lock (&priv->metrics_lock);
  *counters = priv->counters;
  _mctx_mutex_unlock (&priv->metrics_lock);
}
#endif

/* The descriptor, held until _mctx_publication_release_fd(), or -1
 * (nothing held) once the socket is gone. */
int
_mctx_publication_acquire_fd (MctxPublication *self)
{
  return _mctx_socket_guard_acquire (&PRIV (self)->guard);
}

void
_mctx_publication_release_fd (MctxPublication *self)
{
  _mctx_socket_guard_release (&PRIV (self)->guard);
}

/* Why a publication without a socket cannot send: it lost it, or it never
 * came from a context at all. */
gboolean
_mctx_publication_set_closed_error (MctxPublication  *self,
                                    GError          **error)
{
  MctxPublicationPrivate *priv = PRIV (self);

  if (priv->description == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, NOT_FROM_CONTEXT);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                 _("Publication %u (%s) has no socket any more"), priv->id, priv->description);
  return FALSE;
}

/**
 * mctx_publication_get_id: (get-property id)
 * @self: a publication
 *
 * Gets the id the context gave this publication.
 *
 * Returns: the id
 *
 * Since: 1.0
 */
guint
mctx_publication_get_id (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), 0);

  return PRIV (self)->id;
}

/**
 * mctx_publication_dup_config:
 * @self: a publication
 *
 * Gets a copy of the configuration the publication was created from. The
 * publication keeps its own copy, so changing the returned configuration
 * changes nothing.
 *
 * Returns: (transfer full) (nullable): a new copy of the configuration, of
 *   the publication's kind
 *
 * Since: 1.0
 */
MctxPublicationConfig *
mctx_publication_dup_config (MctxPublication *self)
{
  MctxPublicationPrivate *priv;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  priv = PRIV (self);
  return priv->config != NULL ? mctx_publication_config_copy (priv->config) : NULL;
}

/**
 * mctx_publication_get_interface_index: (get-property interface-index)
 * @self: a publication
 *
 * Gets the index of the interface the publication egresses through.
 *
 * Returns: the interface index, or 0 when the kernel's routing chooses
 *
 * Since: 1.0
 */
guint
mctx_publication_get_interface_index (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), 0);

  return PRIV (self)->ifindex;
}

/**
 * mctx_publication_get_socket: (get-property socket)
 * @self: a publication
 *
 * Borrows the publication's socket, for instance to set an option mctx
 * does not know about. Use it from the thread that owns the publication;
 * closing it is the publication's business.
 *
 * Returns: (transfer none) (nullable): the socket, or %NULL once it was
 *   stolen or the publication was removed from its context
 *
 * Since: 1.0
 */
GSocket *
mctx_publication_get_socket (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  return PRIV (self)->socket;
}

/* The descriptor, or -1 once the socket is gone. */
int
_mctx_publication_peek_fd (MctxPublication *self)
{
  return _mctx_socket_guard_peek (&PRIV (self)->guard);
}

/* Takes the socket away: sends in flight finish first, later ones fail
 * with G_IO_ERROR_CLOSED, and anything waiting on it wakes. */
static GSocket *
detach_socket (MctxPublication *self)
{
  MctxPublicationPrivate *priv = PRIV (self);
  GSocket *socket;

  /* Waits for the sends in flight; later ones see no descriptor. */
  if (_mctx_socket_guard_detach (&priv->guard) < 0)
    return NULL;
  socket = g_steal_pointer (&priv->socket);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOCKET]);

  /* Wakes sources and sends waiting on this socket, so they end cleanly. */
  g_cancellable_cancel (priv->detached);

  return socket;
}

/**
 * mctx_publication_steal_socket:
 * @self: a publication
 *
 * Takes the socket out of the publication: the caller owns it afterwards,
 * still configured (and, for UDP, connected), and the publication can no
 * longer send (its sends fail with %G_IO_ERROR_CLOSED). Sends in flight on
 * other threads finish first.
 *
 * A shared socket ([property@Mctx.UdpPublicationConfig:shared-socket])
 * cannot be stolen: other publications send through it.
 *
 * Returns: (transfer full) (nullable): the socket, or %NULL if it was
 *   already stolen or closed, or is shared
 *
 * Since: 1.0
 */
GSocket *
mctx_publication_steal_socket (MctxPublication *self)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  if (!MCTX_PUBLICATION_GET_CLASS (self)->can_steal (self))
    return NULL;

  return detach_socket (self);
}

/* Closes the socket of a publication its context dropped, so that anyone
 * still holding the publication gets a clear error instead of a send. */
void
_mctx_publication_close (MctxPublication *self)
{
  g_autoptr(GSocket) socket = detach_socket (self);

  if (socket != NULL)
    MCTX_PUBLICATION_GET_CLASS (self)->close_socket (self, socket);
}

/**
 * mctx_publication_send:
 * @self: a publication
 * @data: (array length=len) (element-type guint8): the datagram: a UDP
 *   payload, or a complete IP datagram for a raw publication
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Sends one datagram, as g_socket_send() does: it returns the number of
 * bytes sent and allocates nothing, one system call on the fast path.
 * [method@Mctx.Publication.send_with_report] also says where the datagram
 * went and from which address.
 *
 * When the socket's send buffer is full, it fails at once with
 * %G_IO_ERROR_WOULD_BLOCK; it never blocks. A raw datagram that fails its
 * checks ([method@Mctx.RawPublicationConfig.validate_datagram]) is refused
 * before anything is sent. Other failures of the operating system are
 * reported in the %G_IO_ERROR domain, naming the destination.
 *
 * Returns: the number of bytes sent, or -1 with @error set
 *
 * Since: 1.0
 */
gssize
mctx_publication_send (MctxPublication  *self,
                       const guint8     *data,
                       gsize             len,
                       GError          **error)
{
  MctxDepartures *departures;
  int fd;
  gssize sent;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), -1);
  g_return_val_if_fail (data != NULL || len == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  departures = PRIV (self)->departures;

  fd = _mctx_publication_acquire_fd (self);
  if (G_UNLIKELY (fd < 0))
    {
      _mctx_publication_count (self, 0, 0, 1);
      _mctx_publication_set_closed_error (self, error);
      return -1;
    }

  if (G_LIKELY (departures == NULL))
    sent = MCTX_PUBLICATION_GET_CLASS (self)->send_one (self, fd, data != NULL ? data : (const guint8 *) "",
                                                        len, error);
  else
    {
      gint64 now_ns = mctx_stamp_now ();
      GError *local_error = NULL;

      _mctx_departures_begin (departures, now_ns, 0, now_ns);
      sent = MCTX_PUBLICATION_GET_CLASS (self)->send_one (self, fd, data != NULL ? data : (const guint8 *) "",
                                                          len, &local_error);
      /* A datagram its queue dropped was numbered too. */
      if (sent >= 0 || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        _mctx_departures_add (departures, 0);
      _mctx_departures_end (departures);
      if (local_error != NULL)
        g_propagate_error (error, local_error);
    }
  _mctx_publication_release_fd (self);

  if (G_UNLIKELY (sent < 0))
    _mctx_publication_count (self, 0, 0, 1);
  else
    _mctx_publication_count (self, 1, (guint64) sent, 0);
  return sent;
}

/**
 * mctx_publication_send_messages: (skip)
 * @self: a publication
 * @messages: (array length=n_messages): the datagrams, each one message
 *   of one or more vectors; their `address` must be %NULL and they carry
 *   no control messages. Each one's `bytes_sent` is set when it went;
 *   for the others it means nothing.
 * @n_messages: the number of datagrams, at most %G_MAXINT
 * @flags: %MCTX_SEND_FLAGS_SEGMENTED to let the kernel segment runs of
 *   equal-sized UDP datagrams
 * @error: return location for a #GError
 *
 * Sends many datagrams in as few system calls as the kernel allows, as
 * g_socket_send_messages() does for a #GSocket: `sendmmsg()`, 64 datagrams
 * per call, or with %MCTX_SEND_FLAGS_SEGMENTED one `UDP_SEGMENT` send per
 * run of up to 64 equal-sized datagrams (the run's last may be shorter)
 * within 64 KiB, straight from the vectors given. It never blocks, and
 * allocates nothing. Each datagram is counted in the metrics.
 *
 * When the send buffer fills, it stops there and returns how many went;
 * if none did, it fails with %G_IO_ERROR_WOULD_BLOCK. A failure after some
 * datagrams went also ends the call with their count, and the next call,
 * starting at the first datagram that did not go, reports it.
 *
 * Returns: the number of datagrams sent, or -1 with @error set when none
 *   was
 *
 * Since: 1.0
 */
gint
mctx_publication_send_messages (MctxPublication  *self,
                                GOutputMessage   *messages,
                                guint             n_messages,
                                MctxSendFlags     flags,
                                GError          **error)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), -1);
  g_return_val_if_fail (messages != NULL || n_messages == 0, -1);
  g_return_val_if_fail (n_messages <= G_MAXINT, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  for (guint i = 0; i < n_messages; i++)
    if (messages[i].address != NULL || messages[i].num_control_messages != 0)
      {
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             _("A publication sends to its own destination, without control messages: leave each message’s address NULL"));
        return -1;
      }

  return _mctx_publication_send_messages_due (self, messages, n_messages, flags, 0, 0, error);
}

/* mctx_publication_send_messages(), with the messages due from @due_ns
 * (CLOCK_REALTIME; 0 for now) @step_ns apart: the schedule departures are
 * measured against. The messages were checked: no address, no control
 * messages. */
gint
_mctx_publication_send_messages_due (MctxPublication  *self,
                                     GOutputMessage   *messages,
                                     guint             n_messages,
                                     MctxSendFlags     flags,
                                     gint64            due_ns,
                                     gint64            step_ns,
                                     GError          **error)
{
  MctxDepartures *departures = PRIV (self)->departures;
  guint64 bytes = 0;
  int fd;
  gint sent;

  if (n_messages == 0)
    return 0;

  fd = _mctx_publication_acquire_fd (self);
  if (G_UNLIKELY (fd < 0))
    {
      _mctx_publication_count (self, 0, 0, 1);
      _mctx_publication_set_closed_error (self, error);
      return -1;
    }

  if (departures != NULL)
    {
      gint64 now_ns = mctx_stamp_now ();

      _mctx_departures_begin (departures, due_ns != 0 ? due_ns : now_ns, step_ns, now_ns);
    }
  sent = MCTX_PUBLICATION_GET_CLASS (self)->send_messages (self, fd, messages, n_messages, flags, &bytes, error);
  if (departures != NULL)
    _mctx_departures_end (departures);
  _mctx_publication_release_fd (self);

  if (G_UNLIKELY (sent < 0))
    {
      _mctx_publication_count (self, 0, 0, 1);
      return -1;
    }

  _mctx_publication_count (self, (guint) sent, bytes, 0);
  return sent;
}

typedef struct {
  MctxPublication *publication;
  MctxSendFlags flags;
} SendTarget;

static gint
send_chunk (gpointer         data,
            guint            first,
            GOutputMessage  *messages,
            guint            n_messages,
            GError         **error)
{
  SendTarget *target = data;

  return mctx_publication_send_messages (target->publication, messages, n_messages, target->flags, error);
}

/**
 * mctx_publication_send_many:
 * @self: a publication
 * @datagrams: (array length=n_datagrams): the datagrams
 * @n_datagrams: the number of datagrams, at most %G_MAXINT
 * @flags: %MCTX_SEND_FLAGS_SEGMENTED to let the kernel segment runs of
 *   equal-sized UDP datagrams
 * @error: return location for a #GError
 *
 * Sends many datagrams as [method@Mctx.Publication.send_messages] does,
 * from #GBytes: the form for bindings. It returns how many went, and
 * fails only when none did.
 *
 * Returns: the number of datagrams sent, or -1 with @error set when none
 *   was
 *
 * Since: 1.0
 */
gint
mctx_publication_send_many (MctxPublication  *self,
                            GBytes *const    *datagrams,
                            guint             n_datagrams,
                            MctxSendFlags     flags,
                            GError          **error)
{
  SendTarget target = { self, flags };

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), -1);
  g_return_val_if_fail (datagrams != NULL || n_datagrams == 0, -1);
  g_return_val_if_fail (n_datagrams <= G_MAXINT, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  return _mctx_send_bytes_in_chunks (&target, send_chunk, datagrams, n_datagrams, error);
}

/**
 * mctx_publication_send_with_report:
 * @self: a publication
 * @data: (array length=len) (element-type guint8): the datagram
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Sends one datagram as [method@Mctx.Publication.send] does, and reports
 * what the send did: the bytes sent, the destination and source, the
 * interface and the protocol.
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 *
 * Since: 1.0
 */
MctxSendReport *
mctx_publication_send_with_report (MctxPublication  *self,
                                   const guint8     *data,
                                   gsize             len,
                                   GError          **error)
{
  gssize sent = mctx_publication_send (self, data, len, error);

  if (sent < 0)
    return NULL;

  return MCTX_PUBLICATION_GET_CLASS (self)->report (self, data != NULL ? data : (const guint8 *) "",
                                                    len, (gsize) sent);
}

/**
 * mctx_publication_snapshot_metrics:
 * @self: a publication
 *
 * Reads the publication's counters: packets, bytes and errors since it was
 * created, with the time they were read. It reads the socket's error queue
 * first, so that departure timestamps and errors about earlier datagrams
 * that arrived since are in it ([signal@Mctx.Publication::socket-error] is
 * emitted for those errors, in the calling thread).
 *
 * Returns: (transfer full) (nullable): a snapshot, or %NULL in a build
 *   without metrics (`MCTX_HAS_METRICS` undefined)
 *
 * Since: 1.0
 */
MctxMetricsSnapshot *
mctx_publication_snapshot_metrics (MctxPublication *self)
{
#ifdef MCTX_ENABLE_METRICS
  MctxMetricsCounters counters;
  MctxDepartureStats departures;
  gboolean measuring;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  /* What the kernel queued since counts too. */
  _mctx_publication_read_error_queue (self);
  _mctx_publication_read_counters (self, &counters);
  measuring = _mctx_publication_read_departures (self, &departures);
  return _mctx_metrics_snapshot_new (MCTX_METRICS_KIND_PUBLICATION, PRIV (self)->id,
                                     g_get_real_time (), g_get_monotonic_time (),
                                     &counters, measuring ? &departures : NULL, 0, 0, 0);
#else
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);

  return NULL;
#endif
}
