/* mctx-publication-source.c: main-loop integration of a publication
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

/* A source that dispatches when the publication's socket is writable, the
 * model being GSocket's own source: the fd polled for G_IO_OUT, a
 * cancellable as child source. A second child wakes it when the publication
 * loses its socket, so that the callback learns at once instead of polling
 * a closed descriptor. */
typedef struct {
  GSource source;
  MctxPublication *publication;
  gpointer fd_tag;
} PublicationSource;

static gboolean
publication_source_dispatch (GSource     *source,
                             GSourceFunc  callback,
                             gpointer     user_data)
{
  PublicationSource *self = (PublicationSource *) source;
  MctxPublicationSourceFunc func = (MctxPublicationSourceFunc) (void (*) (void)) callback;
  gboolean detached = mctx_publication_get_fd (self->publication) < 0;
  GIOCondition condition = 0;
  gboolean keep;

  if (func == NULL)
    {
      g_warning ("MctxPublication source dispatched without callback. "
                 "You must call g_source_set_callback().");
      return G_SOURCE_REMOVE;
    }

  if (detached && self->fd_tag != NULL)
    {
      g_source_remove_unix_fd (source, self->fd_tag);
      self->fd_tag = NULL;
    }

  if (self->fd_tag != NULL)
    condition = g_source_query_unix_fd (source, self->fd_tag) & (G_IO_OUT | G_IO_ERR | G_IO_HUP);
  if (detached)
    condition = G_IO_HUP;

  /* A queued error would wake every poll; it is about an earlier datagram. */
  if (condition & G_IO_ERR)
    _mctx_publication_drain_errors (self->publication);

  keep = func (self->publication, condition, user_data);

  /* Nothing is left to wait for once the socket is gone. */
  return detached ? G_SOURCE_REMOVE : keep;
}

static void
publication_source_finalize (GSource *source)
{
  PublicationSource *self = (PublicationSource *) source;

  g_clear_object (&self->publication);
}

static GSourceFuncs publication_source_funcs = {
  .dispatch = publication_source_dispatch,
  .finalize = publication_source_finalize,
};

static void
add_cancellable_child (GSource      *source,
                       GCancellable *cancellable)
{
  g_autoptr(GSource) child = g_cancellable_source_new (cancellable);

  g_source_set_dummy_callback (child);
  g_source_add_child_source (source, child);
}

/**
 * mctx_publication_create_source:
 * @self: a publication
 * @cancellable: (nullable): a #GCancellable
 *
 * Creates a source that dispatches when @self can send: when its socket is
 * writable. Set its callback, of type [callback@Mctx.PublicationSourceFunc],
 * with g_source_set_callback() and attach it to a #GMainContext; the
 * callback runs in that context.
 *
 * The source also dispatches when @cancellable is cancelled (check
 * g_cancellable_is_cancelled() in the callback), and once more when the
 * publication loses its socket (removed from its context, or
 * [method@Mctx.Publication.steal_socket]), after which it is destroyed.
 *
 * From bindings, use [method@Mctx.Publication.watch].
 *
 * Returns: (transfer full): a new source
 *
 * Since: 1.0
 */
GSource *
mctx_publication_create_source (MctxPublication *self,
                                GCancellable    *cancellable)
{
  PublicationSource *publication_source;
  GSource *source;
  int fd;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  source = g_source_new (&publication_source_funcs, sizeof (PublicationSource));
  g_source_set_static_name (source, "MctxPublication");
  publication_source = (PublicationSource *) source;
  publication_source->publication = g_object_ref (self);

  fd = mctx_publication_get_fd (self);
  if (fd >= 0)
    publication_source->fd_tag = g_source_add_unix_fd (source, fd, G_IO_OUT);

  add_cancellable_child (source, _mctx_publication_get_detached (self));
  if (cancellable != NULL)
    add_cancellable_child (source, cancellable);

  return source;
}

/**
 * mctx_publication_watch:
 * @self: a publication
 * @priority: the priority of the source, such as %G_PRIORITY_DEFAULT
 * @cancellable: (nullable): a #GCancellable
 * @func: (scope notified) (closure user_data): called when @self can send
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data when the source goes
 *
 * Creates a source as [method@Mctx.Publication.create_source] does, sets
 * @func as its callback and attaches it to the thread-default main context,
 * where @func runs. This is the form for bindings.
 *
 * Returns: (transfer full): the attached source; g_source_destroy() stops it
 *
 * Since: 1.0
 */
GSource *
mctx_publication_watch (MctxPublication           *self,
                        int                        priority,
                        GCancellable              *cancellable,
                        MctxPublicationSourceFunc  func,
                        gpointer                   user_data,
                        GDestroyNotify             notify)
{
  GSource *source;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  source = mctx_publication_create_source (self, cancellable);
  g_source_set_priority (source, priority);
  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) func, user_data, notify);
  g_source_attach (source, g_main_context_get_thread_default ());

  return source;
}

/* The function as a data pointer, through an integer: ISO C (-Wpedantic)
 * has no direct conversion. */
#define SEND_ASYNC_TAG ((gpointer) (guintptr) mctx_publication_send_async)

/* Sends the task's payload. Returns FALSE only when the send buffer is full
 * and the task must wait; otherwise the task has its result. */
static gboolean
send_or_complete (GTask *task)
{
  MctxPublication *self = g_task_get_source_object (task);
  GBytes *bytes = g_task_get_task_data (task);
  GError *error = NULL;
  MctxSendReport *report;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  report = mctx_publication_send_with_report (self, data != NULL ? data : (const guint8 *) "", len, &error);
  if (report != NULL)
    {
      g_task_return_pointer (task, report, (GDestroyNotify) mctx_send_report_unref);
      return TRUE;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      g_error_free (error);
      return FALSE;
    }

  g_task_return_error (task, error);
  return TRUE;
}

/* A waiting send woke: FALSE when it ended here, cancelled or without a
 * socket; TRUE when it should try again. */
static gboolean
waiting_send_goes_on (MctxPublication *self,
                      GTask           *task)
{
  if (g_task_return_error_if_cancelled (task))
    return FALSE;

  if (mctx_publication_get_fd (self) < 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               _("Publication %u to %s lost its socket while a send was waiting"),
                               mctx_publication_get_id (self),
                               _mctx_publication_get_destination_text (self));
      return FALSE;
    }

  return TRUE;
}

static gboolean
on_writable (MctxPublication *self,
             GIOCondition     condition,
             gpointer         user_data)
{
  GTask *task = user_data;

  if (!waiting_send_goes_on (self, task))
    return G_SOURCE_REMOVE;

  return send_or_complete (task) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/**
 * mctx_publication_send_async:
 * @self: a publication
 * @bytes: the payload
 * @io_priority: the I/O priority of the request, such as
 *   %G_PRIORITY_DEFAULT
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called when the send is done
 * @user_data: data for @callback
 *
 * Sends @bytes as one datagram. The send is tried at once; only when the
 * socket's send buffer is full does it wait, without blocking, for the
 * socket to become writable in the thread-default main context, and try
 * again.
 *
 * While it waits, cancelling @cancellable ends it with
 * %G_IO_ERROR_CANCELLED (a datagram that was already sent is reported as
 * sent), and the publication losing its socket (removed
 * from its context, or its socket stolen) ends it with
 * %G_IO_ERROR_CLOSED. The task keeps @self alive until then.
 *
 * Since: 1.0
 */
void
mctx_publication_send_async (MctxPublication     *self,
                             GBytes              *bytes,
                             int                  io_priority,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSource) source = NULL;

  g_return_if_fail (MCTX_IS_PUBLICATION (self));
  g_return_if_fail (bytes != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, SEND_ASYNC_TAG);
  g_task_set_name (task, "[mctx] mctx_publication_send_async");
  g_task_set_priority (task, io_priority);
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  /* A datagram that went out is reported as sent, even if the cancellable
   * is cancelled before the callback runs; on_writable() handles
   * cancellation while waiting. */
  g_task_set_check_cancellable (task, FALSE);

  if (g_task_return_error_if_cancelled (task) || send_or_complete (task))
    return;

  source = mctx_publication_create_source (self, cancellable);
  g_task_attach_source (task, source, (GSourceFunc) (void (*) (void)) on_writable);
}

/**
 * mctx_publication_send_finish:
 * @self: a publication
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Mctx.Publication.send_async].
 *
 * Returns: (transfer full): what the send did, or %NULL with @error set
 *
 * Since: 1.0
 */
MctxSendReport *
mctx_publication_send_finish (MctxPublication  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == SEND_ASYNC_TAG, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

#define SEND_BATCH_ASYNC_TAG ((gpointer) (guintptr) mctx_publication_send_batch_async)

typedef struct {
  GPtrArray *datagrams;     /* (element-type GBytes) */
  guint sent;
} BatchSend;

static void
batch_send_free (gpointer data)
{
  BatchSend *batch = data;

  g_ptr_array_unref (batch->datagrams);
  g_free (batch);
}

/* Sends what is left of the batch, as many per call as go. Returns FALSE
 * only when the send buffer is full and the task must wait. */
static gboolean
send_batch_or_complete (GTask *task)
{
  MctxPublication *self = g_task_get_source_object (task);
  BatchSend *batch = g_task_get_task_data (task);

  while (batch->sent < batch->datagrams->len)
    {
      GError *error = NULL;
      gint sent = mctx_publication_send_bytes_batch (self, (GBytes **) batch->datagrams->pdata + batch->sent,
                                                     batch->datagrams->len - batch->sent, &error);

      if (sent >= 0)
        {
          batch->sent += (guint) sent;
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_error_free (error);
          return FALSE;
        }
      g_task_return_error (task, error);
      return TRUE;
    }

  g_task_return_boolean (task, TRUE);
  return TRUE;
}

static gboolean
on_batch_writable (MctxPublication *self,
                   GIOCondition     condition,
                   gpointer         user_data)
{
  GTask *task = user_data;

  if (!waiting_send_goes_on (self, task))
    return G_SOURCE_REMOVE;

  return send_batch_or_complete (task) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/**
 * mctx_publication_send_batch_async:
 * @self: a publication
 * @datagrams: (array length=n_datagrams): the payloads, one datagram each
 * @n_datagrams: the number of datagrams
 * @io_priority: the I/O priority of the request, such as
 *   %G_PRIORITY_DEFAULT
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called when all went, or
 *   the send failed
 * @user_data: data for @callback
 *
 * Sends every datagram, in order, as many per system call as the kernel
 * takes ([method@Mctx.Publication.send_bytes_batch]). Whenever the send
 * buffer is full it waits, without blocking, for the socket to become
 * writable in the thread-default main context, and goes on.
 *
 * Cancelling @cancellable while it waits ends it with
 * %G_IO_ERROR_CANCELLED, and the publication losing its socket ends it
 * with %G_IO_ERROR_CLOSED; [method@Mctx.Publication.send_batch_finish]
 * says how many datagrams went in any case.
 *
 * Since: 1.0
 */
void
mctx_publication_send_batch_async (MctxPublication     *self,
                                   GBytes *const       *datagrams,
                                   guint                n_datagrams,
                                   int                  io_priority,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSource) source = NULL;
  BatchSend *batch;

  g_return_if_fail (MCTX_IS_PUBLICATION (self));
  g_return_if_fail (datagrams != NULL || n_datagrams == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, SEND_BATCH_ASYNC_TAG);
  g_task_set_name (task, "[mctx] mctx_publication_send_batch_async");
  g_task_set_priority (task, io_priority);
  /* Datagrams that went are reported, even if the cancellable is
   * cancelled before the callback runs. */
  g_task_set_check_cancellable (task, FALSE);

  batch = g_new0 (BatchSend, 1);
  batch->datagrams = g_ptr_array_new_full (n_datagrams, (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < n_datagrams; i++)
    g_ptr_array_add (batch->datagrams, g_bytes_ref (datagrams[i]));
  g_task_set_task_data (task, batch, batch_send_free);

  if (g_task_return_error_if_cancelled (task) || send_batch_or_complete (task))
    return;

  source = mctx_publication_create_source (self, cancellable);
  g_task_attach_source (task, source, (GSourceFunc) (void (*) (void)) on_batch_writable);
}

/**
 * mctx_publication_send_batch_finish:
 * @self: a publication
 * @result: the result passed to the callback
 * @datagrams_sent: (out) (optional): how many datagrams went, whether or
 *   not all did
 * @error: return location for a #GError
 *
 * Finishes [method@Mctx.Publication.send_batch_async].
 *
 * Returns: %TRUE if every datagram went, %FALSE with @error set
 *
 * Since: 1.0
 */
gboolean
mctx_publication_send_batch_finish (MctxPublication  *self,
                                    GAsyncResult     *result,
                                    guint            *datagrams_sent,
                                    GError          **error)
{
  BatchSend *batch;

  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == SEND_BATCH_ASYNC_TAG, FALSE);

  batch = g_task_get_task_data (G_TASK (result));
  if (datagrams_sent != NULL)
    *datagrams_sent = batch->sent;

  return g_task_propagate_boolean (G_TASK (result), error);
}
