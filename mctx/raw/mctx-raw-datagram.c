/* mctx-raw-datagram.c: checking and building complete IP datagrams
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "mctx-raw-private.h"

#define IPV4_HEADER 20
#define IPV6_HEADER 40
#define UDP_HEADER 8

static guint16
read_be16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static void
write_be16 (guint8  *p,
            guint16  value)
{
  p[0] = value >> 8;
  p[1] = value & 0xff;
}

static const char *
family_name (GSocketFamily family)
{
  return family == G_SOCKET_FAMILY_IPV6 ? "IPv6" : "IPv4";
}

/* The ones'-complement sum of RFC 1071, folded; chained over pieces. */
guint32
_mctx_raw_checksum_add (guint32       sum,
                        const guint8 *data,
                        gsize         len)
{
  for (gsize i = 0; i + 1 < len; i += 2)
    sum += read_be16 (data + i);
  if (len % 2 == 1)
    sum += (guint32) data[len - 1] << 8;
  return sum;
}

guint16
_mctx_raw_checksum_finish (guint32 sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

static gboolean
is_unspecified (const guint8 *address,
                gsize         size)
{
  for (gsize i = 0; i < size; i++)
    if (address[i] != 0)
      return FALSE;
  return TRUE;
}

static gboolean
check_addresses_specified (GSocketFamily   family,
                           const guint8   *source,
                           const guint8   *destination,
                           GError        **error)
{
  gsize size = family == G_SOCKET_FAMILY_IPV6 ? 16 : 4;

  if (is_unspecified (source, size))
    /* Translators: %s is IPv4 or IPv6 */
    g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS,
                 _("The datagram’s %s source address is unspecified (all zeros)"), family_name (family));
  else if (is_unspecified (destination, size))
    /* Translators: %s is IPv4 or IPv6 */
    g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS,
                 _("The datagram’s %s destination address is unspecified (all zeros)"), family_name (family));
  else
    return TRUE;
  return FALSE;
}

static gboolean
check_not_multicast (GSocketFamily   family,
                     const guint8   *destination,
                     GError        **error)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_bytes (destination, family);
  g_autofree char *text = g_inet_address_to_string (address);

  /* Translators: "The IPv4 destination 10.1.2.3 is not a multicast group" */
  g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_NOT_MULTICAST,
               _("The %s destination %s is not a multicast group"), family_name (family), text);
  return FALSE;
}

/* The checks of every raw path. Multicast publications: a multicast
 * destination unless @any_destination. Control publications (@control):
 * any destination, but a correct IPv4 header checksum and no unspecified
 * address, since the datagram leaves exactly as given. */
gboolean
_mctx_raw_datagram_check (GSocketFamily   family,
                          gboolean        control,
                          gboolean        any_destination,
                          gboolean        loopback,
                          const guint8   *data,
                          gsize           len,
                          GError        **error)
{
  const guint8 *source, *destination;
  gboolean multicast;
  guint version;

  _mctx_ensure_i18n ();

  if (len < (family == G_SOCKET_FAMILY_IPV6 ? IPV6_HEADER : IPV4_HEADER))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_TRUNCATED,
                   g_dngettext (GETTEXT_PACKAGE, "The datagram has %llu byte, fewer than an %s header",
                                "The datagram has %llu bytes, fewer than an %s header", len),
                   (unsigned long long) len, family_name (family));
      return FALSE;
    }

  version = data[0] >> 4;
  if (version != (family == G_SOCKET_FAMILY_IPV6 ? 6u : 4u))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_VERSION_MISMATCH,
                   _("The datagram’s version field is %u, but the publication sends %s"),
                   version, family_name (family));
      return FALSE;
    }

  if (family == G_SOCKET_FAMILY_IPV4)
    {
      guint header_length = (data[0] & 0x0f) * 4u;
      guint total_length = read_be16 (data + 2);

      if (header_length < IPV4_HEADER || header_length > len)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_HEADER_LENGTH,
                       _("The IPv4 header length field says %u bytes, for a datagram of %llu"),
                       header_length, (unsigned long long) len);
          return FALSE;
        }
      if (total_length != len)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_TOTAL_LENGTH,
                       g_dngettext (GETTEXT_PACKAGE, "The IPv4 total length field says %u byte, but the datagram has %llu",
                                    "The IPv4 total length field says %u bytes, but the datagram has %llu",
                                    total_length),
                       total_length, (unsigned long long) len);
          return FALSE;
        }
      /* A header that sums, with its checksum, to all ones is intact. */
      if (control && _mctx_raw_checksum_finish (_mctx_raw_checksum_add (0, data, header_length)) != 0)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_HEADER_CHECKSUM,
                       _("The IPv4 header checksum 0x%04x is wrong"), read_be16 (data + 10));
          return FALSE;
        }
      source = data + 12;
      destination = data + 16;
      multicast = (destination[0] & 0xf0) == 0xe0;
    }
  else
    {
      guint payload_length = read_be16 (data + 4);

      if (payload_length + IPV6_HEADER != len)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_PAYLOAD_LENGTH,
                       g_dngettext (GETTEXT_PACKAGE, "The IPv6 payload length field says %u byte, but %llu follow the header",
                                    "The IPv6 payload length field says %u bytes, but %llu follow the header",
                                    payload_length),
                       payload_length, (unsigned long long) (len - IPV6_HEADER));
          return FALSE;
        }
      source = data + 8;
      destination = data + 24;
      multicast = destination[0] == 0xff;
    }

  if (control && !check_addresses_specified (family, source, destination, error))
    return FALSE;
  if (!multicast && !control && !any_destination)
    return check_not_multicast (family, destination, error);
  /* A group that never leaves the node is refused whatever the mode: raw
   * multicast datagrams go straight onto a link, never looped back. */
  if (multicast && family == G_SOCKET_FAMILY_IPV6 &&
      !_mctx_check_group_deliverable (destination, control && loopback, error))
    return FALSE;

  return TRUE;
}

/**
 * mctx_raw_build_udp_datagram:
 * @source: the source address written in the header; need not be local
 * @source_port: the UDP source port
 * @destination: the destination: a multicast group, or any address for a
 *   publication that allows it
 * @destination_port: the UDP destination port
 * @ttl: the IPv4 TTL or IPv6 hop limit
 * @traffic_class: the IPv4 type of service or IPv6 traffic class
 * @flow_label: the IPv6 flow label (20 bits); must be 0 for IPv4
 * @payload: (array length=payload_len) (element-type guint8) (nullable):
 *   the UDP payload
 * @payload_len: the size of @payload
 * @error: return location for a #GError
 *
 * Builds a complete UDP-in-IPv4 or UDP-in-IPv6 datagram, with a correct
 * IPv4 header checksum and UDP checksum, ready for
 * [method@Mctx.Publication.send] of a raw publication. Whether its destination may be
 * sent to is the publication's decision
 * ([property@Mctx.RawPublicationConfig:allow-any-destination]); only an
 * unspecified one is refused here. IPv4 datagrams get a random
 * non-zero identification (the kernel would replace a zero one) and
 * don't-fragment clear.
 *
 * Returns: (transfer full): the datagram, or %NULL with @error set
 *
 * Since: 1.0
 */
GBytes *
mctx_raw_build_udp_datagram (GInetAddress  *source,
                             guint16        source_port,
                             GInetAddress  *destination,
                             guint16        destination_port,
                             guint8         ttl,
                             guint8         traffic_class,
                             guint32        flow_label,
                             const guint8  *payload,
                             gsize          payload_len,
                             GError       **error)
{
  GSocketFamily family;
  gsize header, udp_length, total;
  guint8 *datagram, *udp;
  guint32 sum;
  guint16 checksum;
  gsize address_size;

  g_return_val_if_fail (G_IS_INET_ADDRESS (source), NULL);
  g_return_val_if_fail (G_IS_INET_ADDRESS (destination), NULL);
  g_return_val_if_fail (payload != NULL || payload_len == 0, NULL);

  _mctx_ensure_i18n ();

  family = g_inet_address_get_family (destination);
  if (g_inet_address_get_family (source) != family)
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_SOURCE_FAMILY_MISMATCH,
                           _("The source and destination addresses are of different families"));
      return NULL;
    }
  if (g_inet_address_get_is_any (destination))
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS,
                           _("The destination address is unspecified (all zeros)"));
      return NULL;
    }
  if (flow_label > 0xfffff || (family == G_SOCKET_FAMILY_IPV4 && flow_label != 0))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS,
                   _("Invalid flow label %u: IPv6 flow labels have 20 bits, IPv4 has none"), flow_label);
      return NULL;
    }

  header = family == G_SOCKET_FAMILY_IPV6 ? IPV6_HEADER : IPV4_HEADER;
  udp_length = UDP_HEADER + payload_len;
  total = header + udp_length;
  if (udp_length > G_MAXUINT16 || (family == G_SOCKET_FAMILY_IPV4 && total > G_MAXUINT16))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_RAW_TOO_LARGE,
                   _("A payload of %llu bytes does not fit in one UDP datagram"),
                   (unsigned long long) payload_len);
      return NULL;
    }

  address_size = g_inet_address_get_native_size (source);
  datagram = g_malloc0 (total);
  udp = datagram + header;

  if (family == G_SOCKET_FAMILY_IPV4)
    {
      datagram[0] = 0x45;
      datagram[1] = traffic_class;
      write_be16 (datagram + 2, (guint16) total);
      write_be16 (datagram + 4, (guint16) g_random_int_range (1, G_MAXUINT16 + 1));
      datagram[8] = ttl;
      datagram[9] = IPPROTO_UDP;
      memcpy (datagram + 12, g_inet_address_to_bytes (source), 4);
      memcpy (datagram + 16, g_inet_address_to_bytes (destination), 4);
      write_be16 (datagram + 10, _mctx_raw_checksum_finish (_mctx_raw_checksum_add (0, datagram, IPV4_HEADER)));
    }
  else
    {
      datagram[0] = 0x60 | (traffic_class >> 4);
      datagram[1] = (guint8) ((traffic_class & 0x0f) << 4 | (flow_label >> 16));
      write_be16 (datagram + 2, flow_label & 0xffff);
      write_be16 (datagram + 4, (guint16) udp_length);
      datagram[6] = IPPROTO_UDP;
      datagram[7] = ttl;
      memcpy (datagram + 8, g_inet_address_to_bytes (source), 16);
      memcpy (datagram + 24, g_inet_address_to_bytes (destination), 16);
    }

  write_be16 (udp, source_port);
  write_be16 (udp + 2, destination_port);
  write_be16 (udp + 4, (guint16) udp_length);
  if (payload_len > 0)
    memcpy (udp + UDP_HEADER, payload, payload_len);

  /* The UDP checksum covers a pseudo-header of the addresses, protocol and
   * length (RFC 768, RFC 8200 §8.1), then the UDP header and payload. */
  sum = _mctx_raw_checksum_add (0, g_inet_address_to_bytes (source), address_size);
  sum = _mctx_raw_checksum_add (sum, g_inet_address_to_bytes (destination), address_size);
  sum += IPPROTO_UDP;
  sum += (guint32) udp_length;
  sum = _mctx_raw_checksum_add (sum, udp, udp_length);
  checksum = _mctx_raw_checksum_finish (sum);
  /* 0 means "no checksum"; a computed 0 is sent as all ones. */
  write_be16 (udp + 6, checksum == 0 ? 0xffff : checksum);

  return g_bytes_new_take (datagram, total);
}
