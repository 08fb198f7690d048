/* mctx-context.c: a set of publications with stable ids
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

/**
 * MctxContext:
 *
 * A caller-owned set of publications. Each publication the context creates
 * is ready to send at once and gets an id that is stable for its lifetime
 * and never reused within the context.
 *
 * The context is a [iface@Gio.ListModel] of its publications, in the order
 * they were added, so a user interface can bind to it directly.
 *
 * A context is not thread-safe: add, take and remove publications from one
 * thread. Sending through a publication from other threads is safe.
 *
 * ```c
 * g_autoptr(MctxContext) context = mctx_context_new ();
 * g_autoptr(MctxPublicationConfig) config = NULL;
 * MctxPublication *publication;
 * gssize sent;
 *
 * config = mctx_udp_publication_config_new ("239.1.2.3", 5000, &error);
 * mctx_publication_config_set_ttl (config, 8);
 * publication = mctx_context_add_publication (context, config, &error);
 * sent = mctx_publication_send (publication, data, len, &error);
 * ```
 *
 * Since: 1.0
 */

struct _MctxContext
{
  GObject parent_instance;

  /* In id order, which is the order they were added: a balanced tree, so
   * that adding, finding (through by_id) and removing take O(log n), and a
   * list model position is found as fast. */
  GSequence *publications;   /* (element-type MctxPublication) owned */
  GHashTable *by_id;         /* id → its GSequenceIter */
  GHashTable *by_config;     /* its own configuration → publication: duplicates */
  MctxInterfaceCache *interfaces;
  MctxSocketPool *pool;      /* shared sockets */
  guint next_id;

#ifdef MCTX_ENABLE_METRICS
  /* Guards the list against snapshots from other threads, and the totals
   * of publications that left, so that the totals never drop. */
  GMutex metrics_lock;
  guint64 publications_added;
  guint64 publications_removed;
  MctxMetricsCounters departed;
#endif
};

#ifdef MCTX_ENABLE_METRICS
# define METRICS_LOCK(self) _mctx_mutex_lock (&(self)->metrics_lock)
# define METRICS_UNLOCK(self) _mctx_mutex_unlock (&(self)->metrics_lock)
#else
# define METRICS_LOCK(self) G_STMT_START { } G_STMT_END
# define METRICS_UNLOCK(self) G_STMT_START { } G_STMT_END
#endif

static void mctx_context_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MctxContext, mctx_context, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, mctx_context_list_model_init))

enum {
  PROP_0,
  PROP_N_PUBLICATIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
mctx_context_get_item_type (GListModel *model)
{
  return MCTX_TYPE_PUBLICATION;
}

static guint
count_publications (MctxContext *self)
{
  return (guint) g_sequence_get_length (self->publications);
}

static guint
mctx_context_get_n_items (GListModel *model)
{
  return count_publications (MCTX_CONTEXT (model));
}

static gpointer
mctx_context_get_item (GListModel *model,
                       guint       position)
{
  MctxContext *self = MCTX_CONTEXT (model);

  if (position >= count_publications (self))
    return NULL;

  return g_object_ref (g_sequence_get (g_sequence_get_iter_at_pos (self->publications, (gint) position)));
}

static void
mctx_context_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mctx_context_get_item_type;
  iface->get_n_items = mctx_context_get_n_items;
  iface->get_item = mctx_context_get_item;
}

static void
mctx_context_dispose (GObject *object)
{
  MctxContext *self = MCTX_CONTEXT (object);

  /* Publications the caller still holds lose their sockets with the
   * context, as with mctx_context_remove_publication(). */
  while (count_publications (self) > 0)
    {
      GSequenceIter *last = g_sequence_iter_prev (g_sequence_get_end_iter (self->publications));
      g_autoptr(MctxPublication) publication = g_object_ref (g_sequence_get (last));

      METRICS_LOCK (self);
      g_hash_table_remove (self->by_id, GUINT_TO_POINTER (mctx_publication_get_id (publication)));
      g_sequence_remove (last);
      METRICS_UNLOCK (self);
      g_hash_table_remove (self->by_config, _mctx_publication_get_config (publication));
      _mctx_socket_pool_release (self->pool, publication);

      _mctx_publication_close (publication);
    }

  G_OBJECT_CLASS (mctx_context_parent_class)->dispose (object);
}

static void
mctx_context_finalize (GObject *object)
{
  MctxContext *self = MCTX_CONTEXT (object);

  g_sequence_free (self->publications);
  g_hash_table_unref (self->by_id);
  g_hash_table_unref (self->by_config);
  _mctx_interface_cache_free (self->interfaces);
  _mctx_socket_pool_free (self->pool);
#ifdef MCTX_ENABLE_METRICS
  g_mutex_clear (&self->metrics_lock);
#endif

  G_OBJECT_CLASS (mctx_context_parent_class)->finalize (object);
}

static void
mctx_context_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  MctxContext *self = MCTX_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_N_PUBLICATIONS:
      g_value_set_uint (value, count_publications (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_context_class_init (MctxContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _mctx_ensure_i18n ();

  object_class->dispose = mctx_context_dispose;
  object_class->finalize = mctx_context_finalize;
  object_class->get_property = mctx_context_get_property;

  /**
   * MctxContext:n-publications: (getter get_n_publications)
   *
   * The number of publications in the context.
   *
   * Since: 1.0
   */
  properties[PROP_N_PUBLICATIONS] =
    g_param_spec_uint ("n-publications", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mctx_context_init (MctxContext *self)
{
  self->publications = g_sequence_new (g_object_unref);
  self->by_id = g_hash_table_new (NULL, NULL);
  self->by_config = g_hash_table_new ((GHashFunc) _mctx_publication_config_hash,
                                      (GEqualFunc) _mctx_publication_config_equal);
  self->interfaces = _mctx_interface_cache_new ();
  self->pool = _mctx_socket_pool_new ();
  self->next_id = 1;
#ifdef MCTX_ENABLE_METRICS
  g_mutex_init (&self->metrics_lock);
#endif
}

/**
 * mctx_context_new:
 *
 * Creates an empty context.
 *
 * Returns: (transfer full): a new context
 *
 * Since: 1.0
 */
MctxContext *
mctx_context_new (void)
{
  return g_object_new (MCTX_TYPE_CONTEXT, NULL);
}

static GSequenceIter *
find_publication (MctxContext *self,
                  guint        id)
{
  return g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (id));
}

static gboolean
check_not_duplicate (MctxContext            *self,
                     MctxPublicationConfig  *config,
                     GError                **error)
{
  MctxPublication *publication = g_hash_table_lookup (self->by_config, config);
  g_autofree char *text = NULL;

  if (publication == NULL)
    return TRUE;

  text = _mctx_publication_config_to_string (config);
  g_set_error (error, MCTX_ERROR, MCTX_ERROR_DUPLICATE_PUBLICATION,
               _("Publication %u already sends %s"), mctx_publication_get_id (publication), text);
  return FALSE;
}

static MctxPublication *
insert_publication (MctxContext     *self,
                    MctxPublication *publication)
{
  if (publication == NULL)
    return NULL;

  self->next_id++;
  METRICS_LOCK (self);
  g_hash_table_insert (self->by_id, GUINT_TO_POINTER (mctx_publication_get_id (publication)),
                       g_sequence_append (self->publications, publication));
  /* Keyed by the publication's own copy, which never changes. */
  g_hash_table_insert (self->by_config, _mctx_publication_get_config (publication), publication);
#ifdef MCTX_ENABLE_METRICS
  self->publications_added++;
#endif
  METRICS_UNLOCK (self);

  g_list_model_items_changed (G_LIST_MODEL (self), count_publications (self) - 1, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PUBLICATIONS]);

  return publication;
}

/**
 * mctx_context_add_publication:
 * @self: a context
 * @config: the configuration of the new publication
 * @error: return location for a #GError
 *
 * Validates @config, resolves its addresses and interfaces, and creates a
 * publication with a new non-blocking UDP socket that is configured, bound
 * and connected: ready to send. The publication keeps a copy of @config.
 *
 * On failure the context is unchanged.
 *
 * Returns: (transfer none): the publication, owned by the context, or
 *   %NULL with @error set
 *
 * Since: 1.0
 */
MctxPublication *
mctx_context_add_publication (MctxContext            *self,
                              MctxPublicationConfig  *config,
                              GError                **error)
{
  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (config), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_not_duplicate (self, config, error))
    return NULL;

  return insert_publication (self, _mctx_publication_new (self->next_id, config, NULL, self->interfaces, self->pool, error));
}

/**
 * mctx_context_add_publication_with_socket:
 * @self: a context
 * @config: the configuration of the new publication
 * @socket: a UDP socket of the group's address family
 * @error: return location for a #GError
 *
 * Creates a publication with a socket the caller created, for instance to
 * set options mctx does not know about. The socket must be a UDP socket of
 * the group's family; if it is already bound, its port and address must be
 * the configured ones. It is made non-blocking, configured, bound when
 * needed and connected, and the publication takes a reference on it.
 *
 * The socket is checked before anything about it is changed: when it is
 * refused, it is untouched and the caller still owns it.
 *
 * Returns: (transfer none): the publication, owned by the context, or
 *   %NULL with @error set
 *
 * Since: 1.0
 */
MctxPublication *
mctx_context_add_publication_with_socket (MctxContext            *self,
                                          MctxPublicationConfig  *config,
                                          GSocket                *socket,
                                          GError                **error)
{
  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (config), NULL);
  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_not_duplicate (self, config, error))
    return NULL;

  return insert_publication (self, _mctx_publication_new (self->next_id, config, socket, self->interfaces, self->pool, error));
}

/**
 * mctx_context_add_publication_with_fd:
 * @self: a context
 * @config: the configuration of the new publication
 * @fd: the file descriptor of a UDP socket of the group's address family
 * @error: return location for a #GError
 *
 * Like [method@Mctx.Context.add_publication_with_socket], with a socket
 * given as a file descriptor. On success the publication owns @fd and
 * closes it when it is finalized; on failure the caller still owns it.
 *
 * Returns: (transfer none): the publication, owned by the context, or
 *   %NULL with @error set
 *
 * Since: 1.0
 */
MctxPublication *
mctx_context_add_publication_with_fd (MctxContext            *self,
                                      MctxPublicationConfig  *config,
                                      int                     fd,
                                      GError                **error)
{
  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (MCTX_IS_UDP_PUBLICATION_CONFIG (config), NULL);
  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_not_duplicate (self, config, error))
    return NULL;

  return insert_publication (self, _mctx_publication_new_for_fd (self->next_id, config, fd, self->interfaces, error));
}

/**
 * mctx_context_get_publication:
 * @self: a context
 * @id: a publication id
 *
 * Looks up a publication by id.
 *
 * Returns: (transfer none) (nullable): the publication, or %NULL if the
 *   context has none with @id
 *
 * Since: 1.0
 */
MctxPublication *
mctx_context_get_publication (MctxContext *self,
                              guint        id)
{
  GSequenceIter *iter;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);

  iter = find_publication (self, id);
  return iter != NULL ? g_sequence_get (iter) : NULL;
}

static MctxPublication *
steal_publication (MctxContext  *self,
                   guint         id,
                   GError      **error)
{
  MctxPublication *publication;
  GSequenceIter *iter = find_publication (self, id);
  guint position;

  if (iter == NULL)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND,
                   _("No publication has id %u"), id);
      return NULL;
    }

  position = (guint) g_sequence_iter_get_position (iter);
  publication = g_object_ref (g_sequence_get (iter));
  METRICS_LOCK (self);
  g_hash_table_remove (self->by_id, GUINT_TO_POINTER (id));
  g_sequence_remove (iter);
  g_hash_table_remove (self->by_config, _mctx_publication_get_config (publication));
  _mctx_socket_pool_release (self->pool, publication);
#ifdef MCTX_ENABLE_METRICS
  {
    MctxMetricsCounters counters;

    /* Its sends so far stay in the totals; later ones are its own. */
    _mctx_publication_read_counters (publication, &counters);
    _mctx_metrics_counters_add (&self->departed, &counters);
    self->publications_removed++;
  }
#endif
  METRICS_UNLOCK (self);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PUBLICATIONS]);

  return publication;
}

/**
 * mctx_context_take_publication:
 * @self: a context
 * @id: a publication id
 * @error: return location for a #GError
 *
 * Removes a publication from the context and hands it to the caller, with
 * its socket still open, for instance to move it to another thread or event
 * loop. Its id is not given to another publication.
 *
 * Returns: (transfer full): the publication, or %NULL with
 *   %MCTX_ERROR_PUBLICATION_NOT_FOUND
 *
 * Since: 1.0
 */
MctxPublication *
mctx_context_take_publication (MctxContext  *self,
                               guint         id,
                               GError      **error)
{
  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return steal_publication (self, id, error);
}

/**
 * mctx_context_remove_publication:
 * @self: a context
 * @id: a publication id
 * @error: return location for a #GError
 *
 * Removes a publication and closes its socket. Anyone still holding a
 * reference to it gets %G_IO_ERROR_CLOSED from its sends; sends in flight
 * on other threads finish first, through the publication's own socket.
 *
 * Returns: %TRUE on success, %FALSE with %MCTX_ERROR_PUBLICATION_NOT_FOUND
 *
 * Since: 1.0
 */
gboolean
mctx_context_remove_publication (MctxContext  *self,
                                 guint         id,
                                 GError      **error)
{
  g_autoptr(MctxPublication) publication = NULL;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  publication = steal_publication (self, id, error);
  if (publication == NULL)
    return FALSE;

  _mctx_publication_close (publication);
  return TRUE;
}

/**
 * mctx_context_list_publications:
 * @self: a context
 *
 * Lists the publications, in the order they were added.
 *
 * Returns: (transfer container) (element-type MctxPublication): the
 *   publications
 *
 * Since: 1.0
 */
GPtrArray *
mctx_context_list_publications (MctxContext *self)
{
  GPtrArray *list;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);

  list = g_ptr_array_new_full (count_publications (self), g_object_unref);
  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->publications); !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    g_ptr_array_add (list, g_object_ref (g_sequence_get (iter)));

  return list;
}

/**
 * mctx_context_get_n_publications: (get-property n-publications)
 * @self: a context
 *
 * Gets the number of publications in the context.
 *
 * Returns: the number of publications
 *
 * Since: 1.0
 */
guint
mctx_context_get_n_publications (MctxContext *self)
{
  g_return_val_if_fail (MCTX_IS_CONTEXT (self), 0);

  return count_publications (self);
}

static MctxPublication *
lookup_for_send (MctxContext  *self,
                 guint         id,
                 GError      **error)
{
  MctxPublication *publication = mctx_context_get_publication (self, id);

  if (publication == NULL)
    g_set_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND,
                 _("No publication has id %u"), id);
  return publication;
}

/**
 * mctx_context_send:
 * @self: a context
 * @id: a publication id
 * @data: (array length=len) (element-type guint8): the payload
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Sends one datagram through the publication with @id; see
 * [method@Mctx.Publication.send].
 *
 * Returns: the number of bytes sent, or -1 with @error set
 *
 * Since: 1.0
 */
gssize
mctx_context_send (MctxContext   *self,
                   guint          id,
                   const guint8  *data,
                   gsize          len,
                   GError       **error)
{
  MctxPublication *publication;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  publication = lookup_for_send (self, id, error);
  if (publication == NULL)
    return -1;

  return mctx_publication_send (publication, data, len, error);
}

/**
 * mctx_context_send_batch: (skip)
 * @self: a context
 * @ids: (array length=n_datagrams): the publication of each datagram
 * @datagrams: (array length=n_datagrams): the payloads, one vector per
 *   datagram
 * @n_datagrams: the number of datagrams, at most %G_MAXINT
 * @error: return location for a #GError
 *
 * Sends each datagram through the publication its id names, in order.
 * Consecutive datagrams for publications that share a socket
 * ([property@Mctx.UdpPublicationConfig:shared-socket]), or for one
 * publication, go out together: up to 64 datagrams for as many groups in
 * one `sendmmsg()` system call. Each is counted in its publication's
 * metrics.
 *
 * It stops before an unknown id or a publication that lost its socket,
 * and when the send buffer fills, and returns how many went; if none did,
 * it fails (%MCTX_ERROR_PUBLICATION_NOT_FOUND, %G_IO_ERROR_CLOSED,
 * %G_IO_ERROR_WOULD_BLOCK or the system's error). It never blocks, and
 * allocates nothing.
 *
 * Returns: the number of datagrams sent, or -1 with @error set
 *
 * Since: 1.0
 */
gint
mctx_context_send_batch (MctxContext          *self,
                         const guint          *ids,
                         const GOutputVector  *datagrams,
                         guint                 n_datagrams,
                         GError              **error)
{
  MctxPublication *run[MCTX_BATCH_MAX];
  guint done = 0;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), -1);
  g_return_val_if_fail ((ids != NULL && datagrams != NULL) || n_datagrams == 0, -1);
  g_return_val_if_fail (n_datagrams <= G_MAXINT, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  while (done < n_datagrams)
    {
      guint length = 0;
      gint sent;

      while (done + length < n_datagrams && length < MCTX_BATCH_MAX)
        {
          GSequenceIter *iter = find_publication (self, ids[done + length]);
          MctxPublication *publication;

          if (iter == NULL)
            break;
          publication = g_sequence_get (iter);
          if (length > 0 && !_mctx_publication_shares_socket (run[0], publication))
            break;
          run[length++] = publication;
        }

      if (length == 0)
        {
          if (done > 0)
            break;
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND,
                       _("No publication has id %u"), ids[0]);
          return -1;
        }

      sent = _mctx_publication_send_run (run, datagrams + done, length, done == 0 ? error : NULL);
      if (sent < 0)
        return done == 0 ? -1 : (gint) done;
      done += (guint) sent;
      if ((guint) sent < length)
        break;
    }

  return (gint) done;
}

typedef struct {
  MctxContext *context;
  const guint *ids;
} SendTarget;

static gint
send_chunk (gpointer              data,
            guint                 first,
            const GOutputVector  *vectors,
            guint                 count,
            GError              **error)
{
  SendTarget *target = data;

  return mctx_context_send_batch (target->context, target->ids + first, vectors, count, error);
}

/**
 * mctx_context_send_bytes_batch:
 * @self: a context
 * @ids: (array length=n_datagrams): the publication of each datagram
 * @datagrams: (array length=n_datagrams): the payloads
 * @n_datagrams: the number of datagrams
 * @error: return location for a #GError
 *
 * Sends each datagram through the publication its id names, as
 * mctx_context_send_batch() does, from #GBytes: the form for bindings.
 *
 * Returns: the number of datagrams sent, or -1 with @error set
 *
 * Since: 1.0
 */
gint
mctx_context_send_bytes_batch (MctxContext     *self,
                               const guint     *ids,
                               GBytes *const   *datagrams,
                               guint            n_datagrams,
                               GError         **error)
{
  SendTarget target = { self, ids };

  g_return_val_if_fail (datagrams != NULL || n_datagrams == 0, -1);

  return _mctx_send_in_chunks (&target, send_chunk, n_datagrams, _mctx_fill_chunk_from_bytes, (gpointer) datagrams, error);
}

/**
 * mctx_context_send_with_report:
 * @self: a context
 * @id: a publication id
 * @data: (array length=len) (element-type guint8): the payload
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Sends one datagram through the publication with @id and reports what it
 * did; see [method@Mctx.Publication.send_with_report].
 *
 * Returns: (transfer full): what the send did, or %NULL with @error set
 *
 * Since: 1.0
 */
MctxSendReport *
mctx_context_send_with_report (MctxContext   *self,
                               guint          id,
                               const guint8  *data,
                               gsize          len,
                               GError       **error)
{
  MctxPublication *publication;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  publication = lookup_for_send (self, id, error);
  if (publication == NULL)
    return NULL;

  return mctx_publication_send_with_report (publication, data, len, error);
}

/**
 * mctx_context_send_all:
 * @self: a context
 * @data: (array length=len) (element-type guint8): the payload
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Sends one datagram through every publication of the context. A failing
 * publication does not stop the others: all are tried, and the first
 * failure is reported in @error. [method@Mctx.Context.send_to_all] says
 * how each one fared.
 *
 * Returns: the number of publications that sent the datagram
 *
 * Since: 1.0
 */
guint
mctx_context_send_all (MctxContext   *self,
                       const guint8  *data,
                       gsize          len,
                       GError       **error)
{
  GError *first_error = NULL;
  guint sent = 0;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->publications); !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    {
      MctxPublication *publication = g_sequence_get (iter);

      if (mctx_publication_send (publication, data, len,
                                       first_error == NULL ? &first_error : NULL) >= 0)
        sent++;
    }

  if (first_error != NULL)
    g_propagate_error (error, first_error);

  return sent;
}

/**
 * mctx_context_send_to_all:
 * @self: a context
 * @data: (array length=len) (element-type guint8): the payload
 * @len: the size of @data
 *
 * Sends one datagram through every publication of the context, in the
 * order they were added, and says how each fared: whether it went, how
 * many bytes, and if not, the error that stopped it. A failing publication
 * does not stop the others.
 *
 * Returns: (transfer container) (element-type MctxSendOutcome): one outcome
 *   per publication
 *
 * Since: 1.0
 */
GPtrArray *
mctx_context_send_to_all (MctxContext  *self,
                          const guint8 *data,
                          gsize         len)
{
  GPtrArray *outcomes;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  outcomes = g_ptr_array_new_full (count_publications (self), (GDestroyNotify) mctx_send_outcome_unref);
  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->publications); !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    {
      MctxPublication *publication = g_sequence_get (iter);
      GError *error = NULL;
      gssize sent = mctx_publication_send (publication, data != NULL ? data : (const guint8 *) "", len, &error);

      g_ptr_array_add (outcomes,
                       _mctx_send_outcome_new (mctx_publication_get_id (publication),
                                               mctx_publication_get_destination (publication),
                                               sent >= 0 ? (gsize) sent : 0, error));
    }

  return outcomes;
}

/**
 * mctx_context_snapshot_metrics:
 * @self: a context
 *
 * Captures the context's lifetime totals: publications added and removed
 * (taken ones included), the publications active now, and the send calls,
 * packets, bytes and failed sends of all its publications, including
 * those that have left it. The totals never drop.
 *
 * Safe from any thread, while other threads send.
 *
 * Returns: (transfer full) (nullable): a snapshot, or %NULL when this mctx
 *   counts nothing (built with `-Dmetrics=disabled`; see %MCTX_HAS_METRICS)
 *
 * Since: 1.0
 */
MctxMetricsSnapshot *
mctx_context_snapshot_metrics (MctxContext *self)
{
#ifdef MCTX_ENABLE_METRICS
  MctxMetricsCounters total;
  MctxMetricsSnapshot *snapshot;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);

  METRICS_LOCK (self);
  total = self->departed;
  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->publications); !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    {
      MctxMetricsCounters counters;

      _mctx_publication_read_counters (g_sequence_get (iter), &counters);
      _mctx_metrics_counters_add (&total, &counters);
    }
  snapshot = _mctx_metrics_snapshot_new (MCTX_METRICS_KIND_CONTEXT, 0,
                                         g_get_real_time (), g_get_monotonic_time (),
                                         &total, self->publications_added,
                                         self->publications_removed, count_publications (self));
  METRICS_UNLOCK (self);

  return snapshot;
#else
  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);

  return NULL;
#endif
}
