/* mctx-raw-context.c: raw publications with stable ids
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-raw-private.h"

/**
 * MctxRawContext:
 *
 * A caller-owned set of [class@Mctx.RawPublication]s, each with an id that
 * is stable and never reused. A publication can be replaced in place,
 * keeping its id, for instance when a forwarder's egress changes.
 *
 * Like [class@Mctx.Context], a raw context is for one thread; sending
 * through a publication from other threads is safe.
 *
 * Since: 1.0
 */
struct _MctxRawContext
{
  GObject parent_instance;

  GHashTable *publications;  /* id → MctxRawPublication */
  GHashTable *by_config;     /* its own configuration → publication: duplicates */
  MctxInterfaceCache *interfaces;
  guint next_id;
};

G_DEFINE_FINAL_TYPE (MctxRawContext, mctx_raw_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_PUBLICATIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
close_publication (gpointer publication)
{
  _mctx_raw_publication_close (publication);
  g_object_unref (publication);
}

static void
mctx_raw_context_finalize (GObject *object)
{
  MctxRawContext *self = MCTX_RAW_CONTEXT (object);

  /* The index first: its keys belong to the publications. */
  g_hash_table_unref (self->by_config);
  g_hash_table_unref (self->publications);
  _mctx_interface_cache_free (self->interfaces);

  G_OBJECT_CLASS (mctx_raw_context_parent_class)->finalize (object);
}

static void
mctx_raw_context_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MctxRawContext *self = MCTX_RAW_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_N_PUBLICATIONS:
      g_value_set_uint (value, g_hash_table_size (self->publications));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_raw_context_class_init (MctxRawContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _mctx_ensure_i18n ();

  object_class->finalize = mctx_raw_context_finalize;
  object_class->get_property = mctx_raw_context_get_property;

  /**
   * MctxRawContext:n-publications: (getter get_n_publications)
   *
   * The number of raw publications in the context.
   *
   * Since: 1.0
   */
  properties[PROP_N_PUBLICATIONS] =
    g_param_spec_uint ("n-publications", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mctx_raw_context_init (MctxRawContext *self)
{
  /* Dropping the context closes what it still holds. */
  self->publications = g_hash_table_new_full (NULL, NULL, NULL, close_publication);
  self->by_config = g_hash_table_new ((GHashFunc) _mctx_publication_config_hash,
                                      (GEqualFunc) _mctx_publication_config_equal);
  self->interfaces = _mctx_interface_cache_new ();
  self->next_id = 1;
}

/**
 * mctx_raw_context_new:
 *
 * Creates an empty raw context.
 *
 * Returns: (transfer full): a new raw context
 *
 * Since: 1.0
 */
MctxRawContext *
mctx_raw_context_new (void)
{
  return g_object_new (MCTX_TYPE_RAW_CONTEXT, NULL);
}

/* Refuses @config when a publication other than @except_id (0:
 * none; ids start at 1) has it. */
static gboolean
check_not_duplicate (MctxRawContext            *self,
                     MctxPublicationConfig     *config,
                     guint                      except_id,
                     GError                   **error)
{
  MctxRawPublication *publication = g_hash_table_lookup (self->by_config, config);
  guint id;

  if (publication == NULL)
    return TRUE;

  id = mctx_raw_publication_get_id (publication);
  if (id == except_id)
    return TRUE;

  g_set_error (error, MCTX_ERROR, MCTX_ERROR_DUPLICATE_PUBLICATION,
               _("Raw publication %u already has this configuration"), id);
  return FALSE;
}

/* Keyed by the publication's own copy of its configuration, which never
 * changes. */
static void
index_publication (MctxRawContext     *self,
                   MctxRawPublication *publication)
{
  g_hash_table_insert (self->by_config, _mctx_raw_publication_get_config (publication), publication);
}

static void
unindex_publication (MctxRawContext *self,
                     guint           id)
{
  MctxRawPublication *publication = g_hash_table_lookup (self->publications, GUINT_TO_POINTER (id));

  if (publication != NULL)
    g_hash_table_remove (self->by_config, _mctx_raw_publication_get_config (publication));
}

/**
 * mctx_raw_context_add_publication:
 * @self: a raw context
 * @config: the configuration of the new publication
 * @error: return location for a #GError
 *
 * Validates @config, resolves its interface and opens the raw socket.
 * On failure the context is unchanged.
 *
 * Returns: (transfer none): the publication, owned by the context, or
 *   %NULL with @error set
 *
 * Since: 1.0
 */
MctxRawPublication *
mctx_raw_context_add_publication (MctxRawContext            *self,
                                  MctxPublicationConfig     *config,
                                  GError                   **error)
{
  MctxRawPublication *publication;

  g_return_val_if_fail (MCTX_IS_RAW_CONTEXT (self), NULL);
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (config), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_not_duplicate (self, config, 0, error))
    return NULL;

  publication = _mctx_raw_publication_new (self->next_id, config, self->interfaces, error);
  if (publication == NULL)
    return NULL;

  g_hash_table_insert (self->publications, GUINT_TO_POINTER (self->next_id), publication);
  index_publication (self, publication);
  self->next_id++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PUBLICATIONS]);

  return publication;
}

static gboolean
check_known (MctxRawContext  *self,
             guint            id,
             GError         **error)
{
  if (g_hash_table_contains (self->publications, GUINT_TO_POINTER (id)))
    return TRUE;

  g_set_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND,
               _("No raw publication has id %u"), id);
  return FALSE;
}

/**
 * mctx_raw_context_replace_publication:
 * @self: a raw context
 * @id: the id of the publication to replace
 * @config: the configuration of its replacement
 * @error: return location for a #GError
 *
 * Creates a publication from @config under the same id and, once it is
 * ready, closes the one it replaces. If the new one cannot be created, or
 * another publication of the context already has @config
 * (%MCTX_ERROR_DUPLICATE_PUBLICATION), the old one stays as it was.
 *
 * Returns: (transfer none): the new publication, or %NULL with @error set
 *
 * Since: 1.0
 */
MctxRawPublication *
mctx_raw_context_replace_publication (MctxRawContext            *self,
                                      guint                      id,
                                      MctxPublicationConfig     *config,
                                      GError                   **error)
{
  MctxRawPublication *publication;

  g_return_val_if_fail (MCTX_IS_RAW_CONTEXT (self), NULL);
  g_return_val_if_fail (MCTX_IS_RAW_PUBLICATION_CONFIG (config), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_known (self, id, error) ||
      !check_not_duplicate (self, config, id, error))
    return NULL;

  publication = _mctx_raw_publication_new (id, config, self->interfaces, error);
  if (publication == NULL)
    return NULL;

  unindex_publication (self, id);
  g_hash_table_replace (self->publications, GUINT_TO_POINTER (id), publication);
  index_publication (self, publication);
  return publication;
}

/**
 * mctx_raw_context_get_publication:
 * @self: a raw context
 * @id: a publication id
 *
 * Looks up a raw publication by id.
 *
 * Returns: (transfer none) (nullable): the publication, or %NULL
 *
 * Since: 1.0
 */
MctxRawPublication *
mctx_raw_context_get_publication (MctxRawContext *self,
                                  guint           id)
{
  g_return_val_if_fail (MCTX_IS_RAW_CONTEXT (self), NULL);

  return g_hash_table_lookup (self->publications, GUINT_TO_POINTER (id));
}

/**
 * mctx_raw_context_take_publication:
 * @self: a raw context
 * @id: a publication id
 * @error: return location for a #GError
 *
 * Removes a raw publication from the context and hands it over, open.
 *
 * Returns: (transfer full): the publication, or %NULL with
 *   %MCTX_ERROR_PUBLICATION_NOT_FOUND
 *
 * Since: 1.0
 */
MctxRawPublication *
mctx_raw_context_take_publication (MctxRawContext  *self,
                                   guint            id,
                                   GError         **error)
{
  gpointer publication = NULL;

  g_return_val_if_fail (MCTX_IS_RAW_CONTEXT (self), NULL);

  if (!check_known (self, id, error))
    return NULL;

  unindex_publication (self, id);
  g_hash_table_steal_extended (self->publications, GUINT_TO_POINTER (id), NULL, &publication);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PUBLICATIONS]);
  return publication;
}

/**
 * mctx_raw_context_remove_publication:
 * @self: a raw context
 * @id: a publication id
 * @error: return location for a #GError
 *
 * Removes a raw publication and closes its socket.
 *
 * Returns: %TRUE on success, %FALSE with %MCTX_ERROR_PUBLICATION_NOT_FOUND
 *
 * Since: 1.0
 */
gboolean
mctx_raw_context_remove_publication (MctxRawContext  *self,
                                     guint            id,
                                     GError         **error)
{
  g_return_val_if_fail (MCTX_IS_RAW_CONTEXT (self), FALSE);

  if (!check_known (self, id, error))
    return FALSE;

  unindex_publication (self, id);
  g_hash_table_remove (self->publications, GUINT_TO_POINTER (id));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PUBLICATIONS]);
  return TRUE;
}

/**
 * mctx_raw_context_get_n_publications: (get-property n-publications)
 * @self: a raw context
 *
 * Gets the number of raw publications.
 *
 * Returns: the number
 *
 * Since: 1.0
 */
guint
mctx_raw_context_get_n_publications (MctxRawContext *self)
{
  g_return_val_if_fail (MCTX_IS_RAW_CONTEXT (self), 0);

  return g_hash_table_size (self->publications);
}

/**
 * mctx_raw_context_send_raw:
 * @self: a raw context
 * @id: a publication id
 * @data: (array length=len) (element-type guint8): a complete IP datagram
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Sends a datagram through the raw publication with @id; see
 * [method@Mctx.RawPublication.send_raw].
 *
 * Returns: (transfer full): what the send did, or %NULL with @error set
 *
 * Since: 1.0
 */
MctxRawSendReport *
mctx_raw_context_send_raw (MctxRawContext  *self,
                           guint            id,
                           const guint8    *data,
                           gsize            len,
                           GError         **error)
{
  g_return_val_if_fail (MCTX_IS_RAW_CONTEXT (self), NULL);

  if (!check_known (self, id, error))
    return NULL;

  return mctx_raw_publication_send_raw (mctx_raw_context_get_publication (self, id), data, len, error);
}
