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
 * See also: [Using mctx](usage.html), [Main loop and async sends](mainloop.html).
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
  MctxDepartureStats *departed_departures;   /* (nullable) none measured */
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

/* A UDP publication that shared a socket gives its place back. */
static void
release_shared_socket (MctxContext     *self,
                       MctxPublication *publication)
{
  if (MCTX_IS_UDP_PUBLICATION (publication))
    _mctx_socket_pool_release (self->pool, _mctx_udp_publication_get_pool_key (MCTX_UDP_PUBLICATION (publication)));
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
      release_shared_socket (self, publication);

      _mctx_publication_close (publication);
    }

  G_OBJECT_CLASS (mctx_context_parent_class)->dispose (object);
}

#ifdef MCTX_ENABLE_METRICS
/* A leaving publication's departures stay in the totals. */
static void
keep_departures (MctxContext     *self,
                 MctxPublication *publication)
{
  MctxDepartureStats stats;

  if (!_mctx_publication_read_departures (publication, &stats))
    return;
  if (self->departed_departures == NULL)
    self->departed_departures = g_new0 (MctxDepartureStats, 1);
  _mctx_departure_stats_add (self->departed_departures, &stats);
}
#endif

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
  g_free (self->departed_departures);
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
   * MctxContext:n-publications:
   *
   * The number of publications in the context, as
   * g_list_model_get_n_items() counts them; notified when it changes.
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

/* Refuses @config when a publication other than @except_id (0: none)
 * already has it. */
static gboolean
check_not_duplicate (MctxContext            *self,
                     MctxPublicationConfig  *config,
                     guint                   except_id,
                     GError                **error)
{
  MctxPublication *publication = g_hash_table_lookup (self->by_config, config);
  g_autofree char *text = NULL;

  if (publication == NULL || mctx_publication_get_id (publication) == except_id)
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

/* A new publication of @config's kind, under @id. */
static MctxPublication *
publication_new (MctxContext            *self,
                 guint                   id,
                 MctxPublicationConfig  *config,
                 GError                **error)
{
  if (MCTX_IS_RAW_PUBLICATION_CONFIG (config))
    return _mctx_raw_publication_new (id, config, self->interfaces, error);

  return _mctx_udp_publication_new (id, config, NULL, self->interfaces, self->pool, error);
}

/* Only UDP publications take a caller's socket. */
static gboolean
check_udp (MctxPublicationConfig  *config,
           GError                **error)
{
  if (MCTX_IS_UDP_PUBLICATION_CONFIG (config))
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("Only UDP publications send through a caller’s socket"));
  return FALSE;
}

/**
 * mctx_context_add_publication:
 * @self: a context
 * @config: the configuration of the new publication, of any kind
 * @error: return location for a #GError
 *
 * Validates @config, resolves its addresses and interfaces, and creates a
 * publication of its kind, ready to send: a [class@Mctx.UdpPublication]
 * with a non-blocking UDP socket that is configured, bound and connected,
 * or a [class@Mctx.RawPublication] with the raw socket its datagrams need.
 * The publication keeps a copy of @config, and the context refuses a second
 * publication of an equal one (%MCTX_ERROR_DUPLICATE_PUBLICATION).
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
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (config), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_not_duplicate (self, config, 0, error))
    return NULL;

  return insert_publication (self, publication_new (self, self->next_id, config, error));
}

/**
 * mctx_context_add_publication_with_socket:
 * @self: a context
 * @config: the configuration of the new publication: a UDP one
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
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (config), NULL);
  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_udp (config, error) || !check_not_duplicate (self, config, 0, error))
    return NULL;

  return insert_publication (self, _mctx_udp_publication_new (self->next_id, config, socket, self->interfaces,
                                                              self->pool, error));
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
  release_shared_socket (self, publication);
#ifdef MCTX_ENABLE_METRICS
  {
    MctxMetricsCounters counters;

    /* Its sends so far stay in the totals; later ones are its own. */
    _mctx_publication_read_counters (publication, &counters);
    _mctx_metrics_counters_add (&self->departed, &counters);
    keep_departures (self, publication);
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
 * mctx_context_replace_publication:
 * @self: a context
 * @id: the id of the publication to replace
 * @config: the configuration of its replacement, of any kind
 * @error: return location for a #GError
 *
 * Creates a publication from @config under the same id and at the same
 * position and, once it is ready, closes the one it replaces, as
 * [method@Mctx.Context.remove_publication] would: a forwarder moves a
 * stream to another interface without its id changing. If the new one
 * cannot be created, or another publication of the context already has
 * @config (%MCTX_ERROR_DUPLICATE_PUBLICATION), the old one stays as it was.
 *
 * Returns: (transfer none): the new publication, or %NULL with @error set
 *
 * Since: 1.0
 */
MctxPublication *
mctx_context_replace_publication (MctxContext            *self,
                                  guint                   id,
                                  MctxPublicationConfig  *config,
                                  GError                **error)
{
  g_autoptr(MctxPublication) old = NULL;
  MctxPublication *publication;
  GSequenceIter *iter;
  guint position;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (MCTX_IS_PUBLICATION_CONFIG (config), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iter = find_publication (self, id);
  if (iter == NULL)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND,
                   _("No publication has id %u"), id);
      return NULL;
    }
  if (!check_not_duplicate (self, config, id, error))
    return NULL;

  publication = publication_new (self, id, config, error);
  if (publication == NULL)
    return NULL;

  old = g_object_ref (g_sequence_get (iter));
  position = (guint) g_sequence_iter_get_position (iter);
  METRICS_LOCK (self);
  g_hash_table_remove (self->by_config, _mctx_publication_get_config (old));
  g_sequence_set (iter, publication);
  g_hash_table_insert (self->by_config, _mctx_publication_get_config (publication), publication);
#ifdef MCTX_ENABLE_METRICS
  {
    MctxMetricsCounters counters;

    /* The old one's sends stay in the totals. */
    _mctx_publication_read_counters (old, &counters);
    _mctx_metrics_counters_add (&self->departed, &counters);
    keep_departures (self, old);
    self->publications_removed++;
    self->publications_added++;
  }
#endif
  METRICS_UNLOCK (self);
  release_shared_socket (self, old);
  _mctx_publication_close (old);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
  return publication;
}

/* Sends a run of datagrams for one publication, or for UDP publications
 * that share a socket: how many went, or -1 with @error when none did. */
static gint
send_run (MctxPublication **run,
          GOutputMessage   *messages,
          guint             length,
          GError          **error)
{
  gboolean one_publication = TRUE;

  for (guint i = 1; i < length && one_publication; i++)
    one_publication = run[i] == run[0];
  if (one_publication)
    return mctx_publication_send_messages (run[0], messages, length, MCTX_SEND_FLAGS_NONE, error);

  return _mctx_udp_publication_send_run (run, messages, length, error);
}

/**
 * mctx_context_send_messages: (skip)
 * @self: a context
 * @ids: (array length=n_messages): the id of the publication each datagram
 *   goes through
 * @messages: (array length=n_messages): the datagrams, as for
 *   [method@Mctx.Publication.send_messages]; each one's `bytes_sent` is set
 *   when it went
 * @n_messages: the number of datagrams, at most %G_MAXINT
 * @error: return location for a #GError
 *
 * Sends datagrams through many publications, in order. Consecutive
 * datagrams for one publication, or for UDP publications that share a
 * socket ([property@Mctx.UdpPublicationConfig:shared-socket]), go in one
 * `sendmmsg()`: one system call carries datagrams to many groups.
 *
 * As g_socket_send_messages() does, it returns how many went, which is
 * fewer when a send buffer filled, a datagram failed or an id is unknown,
 * and fails only when none went. The next call, starting there, reports
 * what stopped it. Each datagram counts for its own publication.
 *
 * Returns: the number of datagrams sent, or -1 with @error set when none
 *   was
 *
 * Since: 1.0
 */
gint
mctx_context_send_messages (MctxContext     *self,
                            const guint     *ids,
                            GOutputMessage  *messages,
                            guint            n_messages,
                            GError         **error)
{
  MctxPublication *run[MCTX_BATCH_MAX];
  guint done = 0;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), -1);
  g_return_val_if_fail ((ids != NULL && messages != NULL) || n_messages == 0, -1);
  g_return_val_if_fail (n_messages <= G_MAXINT, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  while (done < n_messages)
    {
      guint length = 0;
      gint sent;

      while (done + length < n_messages && length < MCTX_BATCH_MAX)
        {
          GSequenceIter *iter = find_publication (self, ids[done + length]);
          MctxPublication *publication;

          if (iter == NULL)
            break;
          publication = g_sequence_get (iter);
          if (length > 0 && !_mctx_udp_publication_shares_socket (run[0], publication))
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

      sent = send_run (run, messages + done, length, done == 0 ? error : NULL);
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
send_chunk (gpointer         data,
            guint            first,
            GOutputMessage  *messages,
            guint            n_messages,
            GError         **error)
{
  SendTarget *target = data;

  return mctx_context_send_messages (target->context, target->ids + first, messages, n_messages, error);
}

/**
 * mctx_context_send_many:
 * @self: a context
 * @ids: (array length=n_datagrams): the id of the publication each datagram
 *   goes through
 * @datagrams: (array length=n_datagrams): the datagrams
 * @n_datagrams: the number of datagrams
 * @error: return location for a #GError
 *
 * Sends datagrams through many publications as
 * [method@Mctx.Context.send_messages] does, from #GBytes: the form for
 * bindings.
 *
 * Returns: the number of datagrams sent, or -1 with @error set when none
 *   was
 *
 * Since: 1.0
 */
gint
mctx_context_send_many (MctxContext     *self,
                        const guint     *ids,
                        GBytes *const   *datagrams,
                        guint            n_datagrams,
                        GError         **error)
{
  SendTarget target = { self, ids };

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), -1);
  g_return_val_if_fail ((ids != NULL && datagrams != NULL) || n_datagrams == 0, -1);
  g_return_val_if_fail (n_datagrams <= G_MAXINT, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  return _mctx_send_bytes_in_chunks (&target, send_chunk, datagrams, n_datagrams, error);
}

/**
 * mctx_context_send_all:
 * @self: a context
 * @data: (array length=len) (element-type guint8): the datagram
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Sends one datagram through every publication of the context, in id
 * order, as [method@Mctx.Publication.send] would through each: the same
 * payload to many groups (for raw publications, the same complete
 * datagram). A publication that fails does not stop the others.
 *
 * As for partial batches, it returns how many publications sent, and
 * fails only when none did: with the first failure as @error. A context
 * without publications sends nothing and returns 0. Each publication's
 * metrics count its own success or failure.
 *
 * Returns: the number of publications that sent, or -1 with @error set
 *   when none did
 *
 * Since: 1.0
 */
gint
mctx_context_send_all (MctxContext   *self,
                       const guint8  *data,
                       gsize          len,
                       GError       **error)
{
  GError *first_error = NULL;
  guint sent = 0;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), -1);
  g_return_val_if_fail (data != NULL || len == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->publications); !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    {
      MctxPublication *publication = g_sequence_get (iter);

      if (mctx_publication_send (publication, data, len, first_error == NULL ? &first_error : NULL) >= 0)
        sent++;
    }

  if (sent == 0 && first_error != NULL)
    {
      g_propagate_error (error, first_error);
      return -1;
    }

  g_clear_error (&first_error);
  return (gint) MIN (sent, G_MAXINT);
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
  g_autofree MctxDepartureStats *departures = NULL;
  MctxMetricsSnapshot *snapshot;

  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);

  METRICS_LOCK (self);
  total = self->departed;
  if (self->departed_departures != NULL)
    departures = g_memdup2 (self->departed_departures, sizeof *departures);
  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->publications); !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    {
      MctxPublication *publication = g_sequence_get (iter);
      MctxMetricsCounters counters;
      MctxDepartureStats more;

      _mctx_publication_read_counters (publication, &counters);
      _mctx_metrics_counters_add (&total, &counters);
      if (_mctx_publication_read_departures (publication, &more))
        {
          if (departures == NULL)
            departures = g_new0 (MctxDepartureStats, 1);
          _mctx_departure_stats_add (departures, &more);
        }
    }
  snapshot = _mctx_metrics_snapshot_new (MCTX_METRICS_KIND_CONTEXT, 0,
                                         g_get_real_time (), g_get_monotonic_time (),
                                         &total, departures, self->publications_added,
                                         self->publications_removed, count_publications (self));
  METRICS_UNLOCK (self);

  return snapshot;
#else
  g_return_val_if_fail (MCTX_IS_CONTEXT (self), NULL);

  return NULL;
#endif
}
