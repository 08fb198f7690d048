/* mctx-udp-publication.h: a publication to one multicast group and port
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mctx-version-macros.h"
#include "mctx-publication.h"

G_BEGIN_DECLS

#define MCTX_TYPE_UDP_PUBLICATION (mctx_udp_publication_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxUdpPublication, mctx_udp_publication, MCTX, UDP_PUBLICATION, MctxPublication)

MCTX_AVAILABLE_IN_1_0
GInetSocketAddress *mctx_udp_publication_get_destination    (MctxUdpPublication  *self);
MCTX_AVAILABLE_IN_1_0
GInetSocketAddress *mctx_udp_publication_get_local_address  (MctxUdpPublication  *self);
MCTX_AVAILABLE_IN_1_0
gboolean            mctx_udp_publication_get_announce_tuple (MctxUdpPublication  *self,
                                                             GInetAddress       **source,
                                                             GInetAddress       **group,
                                                             guint16             *port,
                                                             GError             **error);

G_END_DECLS
