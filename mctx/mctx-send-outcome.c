/* mctx-send-outcome.c: how one publication fared in a send to all
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

struct _MctxSendOutcome
{
  gatomicrefcount ref_count;
  guint publication_id;
  GInetSocketAddress *destination;
  gsize bytes_sent;
  GError *error;                /* NULL: sent */
};

MCTX_DEFINE_BOXED_TYPE (MctxSendOutcome, mctx_send_outcome, mctx_send_outcome_ref, mctx_send_outcome_unref)

/* Takes @error, which is NULL when the datagram was sent. */
MctxSendOutcome *
_mctx_send_outcome_new (guint               publication_id,
                        GInetSocketAddress *destination,
                        gsize               bytes_sent,
                        GError             *error)
{
  MctxSendOutcome *self = g_new0 (MctxSendOutcome, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->publication_id = publication_id;
  self->destination = destination != NULL ? g_object_ref (destination) : NULL;
  self->bytes_sent = bytes_sent;
  self->error = error;

  return self;
}

/**
 * mctx_send_outcome_ref:
 * @self: an outcome
 *
 * Acquires a reference on @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
MctxSendOutcome *
mctx_send_outcome_ref (MctxSendOutcome *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * mctx_send_outcome_unref:
 * @self: (transfer full): an outcome
 *
 * Releases a reference on @self, freeing it with the last.
 *
 * Since: 1.0
 */
void
mctx_send_outcome_unref (MctxSendOutcome *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_object (&self->destination);
  g_clear_error (&self->error);
  g_free (self);
}

/**
 * mctx_send_outcome_get_publication_id:
 * @self: an outcome
 *
 * Gets the id of the publication this outcome is about.
 *
 * Returns: the publication id
 *
 * Since: 1.0
 */
guint
mctx_send_outcome_get_publication_id (MctxSendOutcome *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->publication_id;
}

/**
 * mctx_send_outcome_get_destination:
 * @self: an outcome
 *
 * Gets the destination of the publication.
 *
 * Returns: (transfer none): the group and port, with its scope id
 *
 * Since: 1.0
 */
GInetSocketAddress *
mctx_send_outcome_get_destination (MctxSendOutcome *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->destination;
}

/**
 * mctx_send_outcome_get_sent:
 * @self: an outcome
 *
 * Tells whether the publication sent the datagram.
 *
 * Returns: %TRUE if it went, %FALSE if [method@Mctx.SendOutcome.get_error]
 *   says why not
 *
 * Since: 1.0
 */
gboolean
mctx_send_outcome_get_sent (MctxSendOutcome *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->error == NULL;
}

/**
 * mctx_send_outcome_get_bytes_sent:
 * @self: an outcome
 *
 * Gets the number of bytes the publication sent.
 *
 * Returns: the bytes sent, 0 when it failed
 *
 * Since: 1.0
 */
gsize
mctx_send_outcome_get_bytes_sent (MctxSendOutcome *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->bytes_sent;
}

/**
 * mctx_send_outcome_get_error:
 * @self: an outcome
 *
 * Gets why the publication did not send the datagram.
 *
 * Returns: (transfer none) (nullable): the error, or %NULL when it went
 *
 * Since: 1.0
 */
const GError *
mctx_send_outcome_get_error (MctxSendOutcome *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->error;
}
