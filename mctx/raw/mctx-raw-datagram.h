/* mctx-raw-datagram.h: checking and building complete IP datagrams
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/raw/mctx-raw.h> can be included directly."
#endif

#include <gio/gio.h>

#include "../mctx-version-macros.h"

G_BEGIN_DECLS


MCTX_AVAILABLE_IN_1_0
GBytes  *mctx_raw_build_udp_datagram (GInetAddress   *source,
                                      guint16         source_port,
                                      GInetAddress   *destination,
                                      guint16         destination_port,
                                      guint8          ttl,
                                      guint8          traffic_class,
                                      guint32         flow_label,
                                      const guint8   *payload,
                                      gsize           payload_len,
                                      GError        **error);

G_END_DECLS
