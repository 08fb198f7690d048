/* mctx-send-report.c: what one send did
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

/**
 * MctxSendReport:
 *
 * What one send did, for any kind of publication: which publication sent
 * how many bytes, from which local address and port to which destination
 * (each with its IPv6 scope id), through which interface, and with which
 * IP protocol.
 *
 * For a UDP publication these are its connected destination and bound
 * local address ([property@Mctx.UdpPublication:destination],
 * [property@Mctx.UdpPublication:local-address]). For a raw publication
 * they are read from the datagram's own header: its source and destination,
 * with the UDP ports when it carries UDP (0 otherwise), and the interface
 * it left through (0 when the kernel routed it).
 *
 * Reports come from [method@Mctx.Publication.send_with_report]; the other
 * sends allocate nothing and report bytes or datagrams, as GIO's do.
 *
 * See also: [Using mctx](usage.html).
 *
 * Since: 1.0
 */
struct _MctxSendReport
{
  gatomicrefcount ref_count;
  gsize bytes_sent;
  GInetSocketAddress *destination;
  GInetSocketAddress *local_address;
  guint ifindex;
  guint8 protocol;
};

MCTX_DEFINE_BOXED_TYPE (MctxSendReport, mctx_send_report, mctx_send_report_ref, mctx_send_report_unref)

MctxSendReport *
_mctx_send_report_new (GInetSocketAddress *destination,
                       GInetSocketAddress *local_address,
                       guint               ifindex,
                       guint8              protocol,
                       gsize               bytes_sent)
{
  MctxSendReport *self = g_new (MctxSendReport, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->bytes_sent = bytes_sent;
  self->destination = g_object_ref (destination);
  self->local_address = g_object_ref (local_address);
  self->ifindex = ifindex;
  self->protocol = protocol;

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
 * Releases a reference on @self, freeing it with the last one.
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
 * mctx_send_report_get_bytes_sent:
 * @self: a report
 *
 * Gets how many bytes the send took: the UDP payload, or the whole raw
 * datagram.
 *
 * Returns: the number of bytes sent
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
 * mctx_send_report_get_destination:
 * @self: a report
 *
 * Gets where the datagram went, with the IPv6 scope id it was sent with.
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
 * Gets the source receivers see: the address and port the UDP socket is
 * bound to, or a raw datagram's source.
 *
 * Returns: (transfer none): the local address
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
 * mctx_send_report_get_interface_index:
 * @self: a report
 *
 * Gets the interface the datagram left through.
 *
 * Returns: the interface index, or 0 when the kernel's routing chose
 *
 * Since: 1.0
 */
guint
mctx_send_report_get_interface_index (MctxSendReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->ifindex;
}

/**
 * mctx_send_report_get_protocol:
 * @self: a report
 *
 * Gets the IP protocol of the datagram: 17 for UDP.
 *
 * Returns: the protocol number
 *
 * Since: 1.0
 */
guint8
mctx_send_report_get_protocol (MctxSendReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->protocol;
}
