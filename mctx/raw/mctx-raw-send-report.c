/* mctx-raw-send-report.c: what one raw send did
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-raw-private.h"

struct _MctxRawSendReport
{
  gatomicrefcount ref_count;
  gsize bytes_sent;
  GInetAddress *source;
  GInetAddress *destination;
  guint8 protocol;
  guint ifindex;
};

MCTX_DEFINE_BOXED_TYPE (MctxRawSendReport, mctx_raw_send_report,
                        mctx_raw_send_report_ref, mctx_raw_send_report_unref)

MctxRawSendReport *
_mctx_raw_send_report_new (GSocketFamily  family,
                           const guint8  *datagram,
                           gsize          bytes_sent,
                           guint          ifindex)
{
  MctxRawSendReport *self = g_new0 (MctxRawSendReport, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->bytes_sent = bytes_sent;
  self->ifindex = ifindex;

  if (family == G_SOCKET_FAMILY_IPV6)
    {
      self->source = g_inet_address_new_from_bytes (datagram + 8, family);
      self->destination = g_inet_address_new_from_bytes (datagram + 24, family);
      self->protocol = datagram[6];
    }
  else
    {
      self->source = g_inet_address_new_from_bytes (datagram + 12, family);
      self->destination = g_inet_address_new_from_bytes (datagram + 16, family);
      self->protocol = datagram[9];
    }

  return self;
}

/**
 * mctx_raw_send_report_ref:
 * @self: a report
 *
 * Acquires a reference on @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
MctxRawSendReport *
mctx_raw_send_report_ref (MctxRawSendReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * mctx_raw_send_report_unref:
 * @self: (transfer full): a report
 *
 * Releases a reference on @self.
 *
 * Since: 1.0
 */
void
mctx_raw_send_report_unref (MctxRawSendReport *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_object_unref (self->source);
  g_object_unref (self->destination);
  g_free (self);
}

/**
 * mctx_raw_send_report_get_bytes_sent:
 * @self: a report
 *
 * Gets the size of the datagram sent, headers included.
 *
 * Returns: the number of bytes
 *
 * Since: 1.0
 */
gsize
mctx_raw_send_report_get_bytes_sent (MctxRawSendReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->bytes_sent;
}

/**
 * mctx_raw_send_report_get_source:
 * @self: a report
 *
 * Gets the source address in the datagram's header, which receivers see.
 *
 * Returns: (transfer none): the source
 *
 * Since: 1.0
 */
GInetAddress *
mctx_raw_send_report_get_source (MctxRawSendReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->source;
}

/**
 * mctx_raw_send_report_get_destination:
 * @self: a report
 *
 * Gets the group in the datagram's header.
 *
 * Returns: (transfer none): the destination
 *
 * Since: 1.0
 */
GInetAddress *
mctx_raw_send_report_get_destination (MctxRawSendReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->destination;
}

/**
 * mctx_raw_send_report_get_protocol:
 * @self: a report
 *
 * Gets the IPv4 protocol or IPv6 next header field (17 for UDP).
 *
 * Returns: the protocol number
 *
 * Since: 1.0
 */
guint8
mctx_raw_send_report_get_protocol (MctxRawSendReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->protocol;
}

/**
 * mctx_raw_send_report_get_interface_index:
 * @self: a report
 *
 * Gets the interface the datagram left through.
 *
 * Returns: the interface index, or 0 when the kernel routed an IPv4
 *   datagram
 *
 * Since: 1.0
 */
guint
mctx_raw_send_report_get_interface_index (MctxRawSendReport *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->ifindex;
}
