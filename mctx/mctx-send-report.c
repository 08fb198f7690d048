/* mctx-send-report.c: what one send did
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

struct _MctxSendReport
{
  gatomicrefcount ref_count;
  guint publication_id;
  gsize bytes_sent;
  GInetSocketAddress *destination;
  GInetSocketAddress *local_address;
};

MCTX_DEFINE_BOXED_TYPE (MctxSendReport, mctx_send_report, mctx_send_report_ref, mctx_send_report_unref)

static guint32
scope_id_of (GInetSocketAddress *address)
{
  if (g_socket_address_get_family (G_SOCKET_ADDRESS (address)) != G_SOCKET_FAMILY_IPV6)
    return 0;

  return g_inet_socket_address_get_scope_id (address);
}

MctxSendReport *
_mctx_send_report_new (guint               publication_id,
                       GInetSocketAddress *destination,
                       GInetSocketAddress *local_address,
                       gsize               bytes_sent)
{
  MctxSendReport *self = g_new (MctxSendReport, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->publication_id = publication_id;
  self->bytes_sent = bytes_sent;
  self->destination = g_object_ref (destination);
  self->local_address = g_object_ref (local_address);

  return self;
}

/**
 * mctx_send_report_ref:
 * @self: a report
 *
 * Acquires a reference on @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
MctxSendReport *
mctx_send_report_ref (MctxSendReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * mctx_send_report_unref:
 * @self: (transfer full): a report
 *
 * Releases a reference on @self, freeing it when it was the last.
 *
 * Since: 1.0
 */
void
mctx_send_report_unref (MctxSendReport *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_object_unref (self->destination);
  g_object_unref (self->local_address);
  g_free (self);
}

/**
 * mctx_send_report_get_publication_id:
 * @self: a report
 *
 * Gets the id of the publication that sent.
 *
 * Returns: the publication id
 *
 * Since: 1.0
 */
guint
mctx_send_report_get_publication_id (MctxSendReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->publication_id;
}

/**
 * mctx_send_report_get_destination:
 * @self: a report
 *
 * Gets the destination the datagram was sent to, with its IPv6 scope id.
 *
 * Returns: (transfer none): the destination
 *
 * Since: 1.0
 */
GInetSocketAddress *
mctx_send_report_get_destination (MctxSendReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->destination;
}

/**
 * mctx_send_report_get_local_address:
 * @self: a report
 *
 * Gets the local socket address the datagram was sent from: the source
 * address and port receivers see.
 *
 * Returns: (transfer none): the local socket address
 *
 * Since: 1.0
 */
GInetSocketAddress *
mctx_send_report_get_local_address (MctxSendReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->local_address;
}

/**
 * mctx_send_report_get_source_address:
 * @self: a report
 *
 * Gets the source address of the datagram, the address part of
 * [method@Mctx.SendReport.get_local_address].
 *
 * Returns: (transfer none): the source address
 *
 * Since: 1.0
 */
GInetAddress *
mctx_send_report_get_source_address (MctxSendReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_inet_socket_address_get_address (self->local_address);
}

/**
 * mctx_send_report_get_source_port:
 * @self: a report
 *
 * Gets the source port of the datagram.
 *
 * Returns: the source port
 *
 * Since: 1.0
 */
guint16
mctx_send_report_get_source_port (MctxSendReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_inet_socket_address_get_port (self->local_address);
}

/**
 * mctx_send_report_get_bytes_sent:
 * @self: a report
 *
 * Gets the number of payload bytes sent.
 *
 * Returns: the number of bytes
 *
 * Since: 1.0
 */
gsize
mctx_send_report_get_bytes_sent (MctxSendReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->bytes_sent;
}

/**
 * mctx_send_report_get_destination_scope_id:
 * @self: a report
 *
 * Gets the IPv6 scope id of the destination: the interface index for
 * interface-local and link-local groups, 0 for wider scopes and IPv4.
 *
 * Returns: the scope id
 *
 * Since: 1.0
 */
guint32
mctx_send_report_get_destination_scope_id (MctxSendReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return scope_id_of (self->destination);
}

/**
 * mctx_send_report_get_local_scope_id:
 * @self: a report
 *
 * Gets the IPv6 scope id of the local address: the interface index for a
 * link-local source, 0 otherwise.
 *
 * Returns: the scope id
 *
 * Since: 1.0
 */
guint32
mctx_send_report_get_local_scope_id (MctxSendReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return scope_id_of (self->local_address);
}
