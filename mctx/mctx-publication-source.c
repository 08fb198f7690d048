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
  gboolean detached = _mctx_publication_peek_fd (self->publication) < 0;
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
    _mctx_publication_read_error_queue (self->publication);

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

  fd = _mctx_publication_peek_fd (self);
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
#define SEND_MANY_ASYNC_TAG ((gpointer) (guintptr) mctx_publication_send_many_async)

/* What a waiting send has to do, and how far it got. */
typedef struct {
  GPtrArray *datagrams;     /* (element-type GBytes) */
  MctxSendFlags flags;
  guint sent;
} PendingSend;

static void
pending_send_free (gpointer data)
{
  PendingSend *pending = data;

  g_ptr_array_unref (pending->datagrams);
  g_free (pending);
}

/* Ends @task: one datagram's bytes, or how many datagrams went. A send of
 * many that sent some before @error returns their count, as the sync
 * call does; the error is dropped, for the next call to meet. */
static void
complete (GTask  *task,
          gssize  value,
          GError *error)
{
  PendingSend *pending = g_task_get_task_data (task);

  if (error == NULL)
    g_task_return_int (task, value);
  else if (g_task_get_source_tag (task) == SEND_MANY_ASYNC_TAG && pending->sent > 0)
    {
      g_error_free (error);
      g_task_return_int (task, pending->sent);
    }
  else
    g_task_return_error (task, error);
}

/* Sends what is left. Returns FALSE only when the send buffer is full and
 * the task must wait; otherwise the task has its result. */
static gboolean
send_or_complete (GTask *task)
{
  MctxPublication *self = g_task_get_source_object (task);
  PendingSend *pending = g_task_get_task_data (task);

  if (g_task_get_source_tag (task) == SEND_ASYNC_TAG)
    {
      GError *error = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (pending->datagrams, 0), &len);
      gssize sent = mctx_publication_send (self, data != NULL ? data : (const guint8 *) "", len, &error);

      if (sent < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_error_free (error);
          return FALSE;
        }
      complete (task, sent, error);
      return TRUE;
    }

  while (pending->sent < pending->datagrams->len)
    {
      GError *error = NULL;
      gint sent = mctx_publication_send_many (self, (GBytes **) pending->datagrams->pdata + pending->sent,
                                              pending->datagrams->len - pending->sent, pending->flags, &error);

      if (sent >= 0)
        {
          pending->sent += (guint) sent;
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_error_free (error);
          return FALSE;
        }
      complete (task, -1, error);
      return TRUE;
    }

  complete (task, pending->sent, NULL);
  return TRUE;
}

/* A waiting send woke: FALSE when it ended here, cancelled or without a
 * socket. */
static gboolean
waiting_send_goes_on (MctxPublication *self,
                      GTask           *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      complete (task, -1, error);
      return FALSE;
    }

  if (_mctx_publication_peek_fd (self) < 0)
    {
      complete (task, -1, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                       _("Publication %u (%s) lost its socket while a send was waiting"),
                                       mctx_publication_get_id (self),
                                       _mctx_publication_get_description (self)));
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

static void
start_send (MctxPublication     *self,
            gpointer             tag,
            const char          *name,
            PendingSend         *pending,
            int                  io_priority,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSource) source = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tag);
  g_task_set_name (task, name);
  g_task_set_priority (task, io_priority);
  g_task_set_task_data (task, pending, pending_send_free);
  /* Datagrams that went are reported as sent, even if the cancellable is
   * cancelled before the callback runs; on_writable() handles cancellation
   * while waiting. */
  g_task_set_check_cancellable (task, FALSE);

  if (g_task_return_error_if_cancelled (task) || send_or_complete (task))
    return;

  source = mctx_publication_create_source (self, cancellable);
  g_task_attach_source (task, source, (GSourceFunc) (void (*) (void)) on_writable);
}

/**
 * mctx_publication_send_async:
 * @self: a publication
 * @bytes: the datagram
 * @io_priority: the I/O priority of the request
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the datagram went or the send
 *   failed
 * @user_data: data for @callback
 *
 * Sends one datagram as [method@Mctx.Publication.send] does, but when the
 * send buffer is full, waits on the thread-default main context until the
 * socket is writable, instead of failing with %G_IO_ERROR_WOULD_BLOCK. The
 * callback runs in that main context.
 *
 * A datagram that went is reported as sent even when @cancellable is
 * cancelled before the callback runs. Cancelled while waiting, the send
 * fails with %G_IO_ERROR_CANCELLED; the publication losing its socket while
 * waiting fails it with %G_IO_ERROR_CLOSED.
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
  PendingSend *pending;

  g_return_if_fail (MCTX_IS_PUBLICATION (self));
  g_return_if_fail (bytes != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  pending = g_new0 (PendingSend, 1);
  pending->datagrams = g_ptr_array_new_full (1, (GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (pending->datagrams, g_bytes_ref (bytes));
  start_send (self, SEND_ASYNC_TAG, "[mctx] mctx_publication_send_async", pending,
              io_priority, cancellable, callback, user_data);
}

/**
 * mctx_publication_send_finish:
 * @self: a publication
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Mctx.Publication.send_async].
 *
 * Returns: the number of bytes sent, as [method@Mctx.Publication.send]
 *   returns, or -1 with @error set
 *
 * Since: 1.0
 */
gssize
mctx_publication_send_finish (MctxPublication  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == SEND_ASYNC_TAG, -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * mctx_publication_send_many_async:
 * @self: a publication
 * @datagrams: (array length=n_datagrams): the datagrams
 * @n_datagrams: the number of datagrams, at most %G_MAXINT
 * @flags: as for [method@Mctx.Publication.send_many]
 * @io_priority: the I/O priority of the request
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when every datagram went, or the send
 *   stopped
 * @user_data: data for @callback
 *
 * Sends many datagrams as [method@Mctx.Publication.send_many] does, waiting
 * on the thread-default main context whenever the send buffer is full, so
 * that every datagram goes. The callback runs in that main context.
 *
 * Its result follows the sync call: when a failure, a cancellation or the
 * loss of the socket stops it after some datagrams went, it returns their
 * count without an error; it fails only when none went.
 *
 * Since: 1.0
 */
void
mctx_publication_send_many_async (MctxPublication     *self,
                                  GBytes *const       *datagrams,
                                  guint                n_datagrams,
                                  MctxSendFlags        flags,
                                  int                  io_priority,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  PendingSend *pending;

  g_return_if_fail (MCTX_IS_PUBLICATION (self));
  g_return_if_fail (datagrams != NULL || n_datagrams == 0);
  g_return_if_fail (n_datagrams <= G_MAXINT);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  pending = g_new0 (PendingSend, 1);
  pending->flags = flags;
  pending->datagrams = g_ptr_array_new_full (n_datagrams, (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < n_datagrams; i++)
    g_ptr_array_add (pending->datagrams, g_bytes_ref (datagrams[i]));
  start_send (self, SEND_MANY_ASYNC_TAG, "[mctx] mctx_publication_send_many_async", pending,
              io_priority, cancellable, callback, user_data);
}

/**
 * mctx_publication_send_many_finish:
 * @self: a publication
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Mctx.Publication.send_many_async].
 *
 * Returns: the number of datagrams sent, as
 *   [method@Mctx.Publication.send_many] returns, or -1 with @error set when
 *   none was
 *
 * Since: 1.0
 */
gint
mctx_publication_send_many_finish (MctxPublication  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (MCTX_IS_PUBLICATION (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == SEND_MANY_ASYNC_TAG, -1);

  return (gint) g_task_propagate_int (G_TASK (result), error);
}
