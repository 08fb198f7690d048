/* mctx-error.h: the MCTX_ERROR domain
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <glib.h>

#include "mctx-version-macros.h"

G_BEGIN_DECLS

/**
 * MCTX_ERROR:
 *
 * The error domain of mctx's own errors: invalid configurations and
 * refused requests. Operating-system failures are reported in the
 * `G_IO_ERROR` domain instead.
 *
 * Since: 1.0
 */
#define MCTX_ERROR (mctx_error_quark ())

/**
 * MctxError:
 * @MCTX_ERROR_INVALID_PORT: the destination port is 0 or above 65535
 * @MCTX_ERROR_NOT_MULTICAST: the group is not a multicast address
 * @MCTX_ERROR_INVALID_SOURCE_PORT: the source port is above 65535
 * @MCTX_ERROR_INVALID_SOURCE_ADDRESS: the source address is unspecified
 *   or multicast
 * @MCTX_ERROR_INVALID_INTERFACE_ADDRESS: the outgoing interface address is
 *   unspecified or multicast
 * @MCTX_ERROR_SOURCE_FAMILY_MISMATCH: the source address is not of the
 *   group's address family
 * @MCTX_ERROR_INTERFACE_FAMILY_MISMATCH: the outgoing interface address is
 *   not of the group's address family
 * @MCTX_ERROR_INTERFACE_MISMATCH: the IPv6 source address and the chosen
 *   interface are on different interfaces
 * @MCTX_ERROR_SCOPE_NEEDS_INTERFACE: an interface-local or link-local IPv6
 *   group was given no interface
 * @MCTX_ERROR_ADDRESS_NOT_LOCAL: an address is not assigned to any local
 *   interface
 * @MCTX_ERROR_UNKNOWN_INTERFACE: no interface has the given name or index
 * @MCTX_ERROR_INVALID_ADDRESS: a string is not an IP address or socket
 *   address
 * @MCTX_ERROR_MISSING_GROUP: the configuration has no group
 * @MCTX_ERROR_DUPLICATE_PUBLICATION: the same configuration is already
 *   published in this context
 * @MCTX_ERROR_PUBLICATION_NOT_FOUND: no publication has the given id
 * @MCTX_ERROR_SOCKET_FAMILY_MISMATCH: a caller-provided socket is not of
 *   the group's family, or is not a UDP socket
 * @MCTX_ERROR_SOCKET_PORT_MISMATCH: a caller-provided socket is bound to
 *   another port than the configured source port
 * @MCTX_ERROR_SOCKET_ADDRESS_MISMATCH: a caller-provided socket is bound to
 *   another address than the configured one
 * @MCTX_ERROR_INVALID_TTL: the TTL or hop limit is above 255 (or, for raw
 *   publications, below -1)
 * @MCTX_ERROR_INVALID_RATE: a rate is negative, not a number or infinite
 * @MCTX_ERROR_UNDELIVERABLE_GROUP: the IPv6 group can never reach a
 *   receiver the way it would be sent: the reserved scope 0, or an
 *   interface-local group without loopback (or on the raw path, which never
 *   loops back)
 * @MCTX_ERROR_NO_SOURCE_ADDRESS: the publication's socket is not bound to
 *   a specific source address
 * @MCTX_ERROR_METRICS_MISMATCH: two metrics snapshots are not of the same
 *   publication or context, or not in order
 * @MCTX_ERROR_INVALID_METRICS_HEADER: a metrics file header cannot be
 *   written as requested (empty producer or node id, flags not an object)
 * @MCTX_ERROR_INVALID_METRICS_FILE: an existing metrics file does not start
 *   with a valid header
 * @MCTX_ERROR_METRICS_FILE_LOCKED: another writer holds the metrics file
 * @MCTX_ERROR_RAW_TRUNCATED: a raw datagram is shorter than its IP header
 * @MCTX_ERROR_RAW_VERSION_MISMATCH: a raw datagram's IP version is not the
 *   publication's address family
 * @MCTX_ERROR_RAW_HEADER_LENGTH: an IPv4 datagram's header length field is
 *   below 5 words or beyond the buffer
 * @MCTX_ERROR_RAW_TOTAL_LENGTH: an IPv4 datagram's total length field does
 *   not match the buffer
 * @MCTX_ERROR_RAW_PAYLOAD_LENGTH: an IPv6 datagram's payload length field
 *   does not match the buffer
 * @MCTX_ERROR_RAW_NOT_MULTICAST: a raw datagram's destination is not a
 *   multicast group
 * @MCTX_ERROR_RAW_HOP_LIMIT_CONFLICT: the configured TTL or hop limit
 *   differs from the IPv6 header's, which is never rewritten
 * @MCTX_ERROR_RAW_NEEDS_INTERFACE: an IPv6 raw publication, or a scoped
 *   group, has no explicit interface
 * @MCTX_ERROR_RAW_UNSUPPORTED_LINK: the interface is not Ethernet-like, so
 *   IPv6 datagrams cannot be sent on it unchanged
 * @MCTX_ERROR_RAW_NO_ROUTE: no route in the main routing table covers the
 *   group
 * @MCTX_ERROR_RAW_TOO_LARGE: a datagram to build would exceed the IP
 *   maximum
 * @MCTX_ERROR_RAW_HEADER_CHECKSUM: a control datagram's IPv4 header
 *   checksum is wrong
 * @MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS: a control datagram's source or
 *   destination address is unspecified (all zeros)
 * @MCTX_ERROR_NOT_STAMPED: a payload does not start with a valid
 *   [struct@Mctx.Stamp] header
 * @MCTX_ERROR_INVALID_TRAFFIC_CLASS: a traffic class is above 255
 *
 * Error codes of the %MCTX_ERROR domain. Failures of the operating
 * system are reported in the %G_IO_ERROR domain instead; a publication
 * whose socket was closed or stolen fails with %G_IO_ERROR_CLOSED, as a
 * closed #GSocket does.
 *
 * Since: 1.0
 */
typedef enum {
  MCTX_ERROR_INVALID_PORT,
  MCTX_ERROR_NOT_MULTICAST,
  MCTX_ERROR_INVALID_SOURCE_PORT,
  MCTX_ERROR_INVALID_SOURCE_ADDRESS,
  MCTX_ERROR_INVALID_INTERFACE_ADDRESS,
  MCTX_ERROR_SOURCE_FAMILY_MISMATCH,
  MCTX_ERROR_INTERFACE_FAMILY_MISMATCH,
  MCTX_ERROR_INTERFACE_MISMATCH,
  MCTX_ERROR_SCOPE_NEEDS_INTERFACE,
  MCTX_ERROR_ADDRESS_NOT_LOCAL,
  MCTX_ERROR_UNKNOWN_INTERFACE,
  MCTX_ERROR_INVALID_ADDRESS,
  MCTX_ERROR_MISSING_GROUP,
  MCTX_ERROR_DUPLICATE_PUBLICATION,
  MCTX_ERROR_PUBLICATION_NOT_FOUND,
  MCTX_ERROR_SOCKET_FAMILY_MISMATCH,
  MCTX_ERROR_SOCKET_PORT_MISMATCH,
  MCTX_ERROR_SOCKET_ADDRESS_MISMATCH,
  MCTX_ERROR_UNDELIVERABLE_GROUP,
  MCTX_ERROR_INVALID_TTL,
  MCTX_ERROR_INVALID_RATE,
  MCTX_ERROR_NO_SOURCE_ADDRESS,
  MCTX_ERROR_METRICS_MISMATCH,
  MCTX_ERROR_INVALID_METRICS_HEADER,
  MCTX_ERROR_INVALID_METRICS_FILE,
  MCTX_ERROR_METRICS_FILE_LOCKED,
  MCTX_ERROR_RAW_TRUNCATED,
  MCTX_ERROR_RAW_VERSION_MISMATCH,
  MCTX_ERROR_RAW_HEADER_LENGTH,
  MCTX_ERROR_RAW_TOTAL_LENGTH,
  MCTX_ERROR_RAW_PAYLOAD_LENGTH,
  MCTX_ERROR_RAW_NOT_MULTICAST,
  MCTX_ERROR_RAW_HOP_LIMIT_CONFLICT,
  MCTX_ERROR_RAW_NEEDS_INTERFACE,
  MCTX_ERROR_RAW_UNSUPPORTED_LINK,
  MCTX_ERROR_RAW_NO_ROUTE,
  MCTX_ERROR_RAW_TOO_LARGE,
  MCTX_ERROR_RAW_HEADER_CHECKSUM,
  MCTX_ERROR_RAW_UNSPECIFIED_ADDRESS,
  MCTX_ERROR_NOT_STAMPED,
  MCTX_ERROR_INVALID_TRAFFIC_CLASS,
} MctxError;

MCTX_AVAILABLE_IN_1_0
GQuark mctx_error_quark (void);

G_END_DECLS
