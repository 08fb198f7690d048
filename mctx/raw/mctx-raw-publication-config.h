/* mctx-raw-publication-config.h: how a raw publication reaches the wire
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/raw/mctx-raw.h> can be included directly."
#endif

#include <gio/gio.h>

#include "../mctx-version-macros.h"
#include "../mctx-publication-config.h"

G_BEGIN_DECLS

/**
 * MctxRawMode:
 * @MCTX_RAW_MODE_MULTICAST: multicast forwarding: datagrams to multicast
 *   groups (or any destination, when allowed), the egress optional for
 *   IPv4 and picked by route for IPv6 if asked, an optional TTL rewrite
 * @MCTX_RAW_MODE_CONTROL: control transmit: datagrams of any protocol to
 *   unicast or multicast destinations, such as ICMP errors, through an
 *   explicitly pinned interface, sent byte for byte after strict checks
 *
 * What a raw publication is for; see
 * [property@Mctx.RawPublicationConfig:mode].
 *
 * Since: 1.0
 */
typedef enum {
  MCTX_RAW_MODE_MULTICAST,
  MCTX_RAW_MODE_CONTROL,
} MctxRawMode;

#define MCTX_TYPE_RAW_PUBLICATION_CONFIG (mctx_raw_publication_config_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxRawPublicationConfig, mctx_raw_publication_config, MCTX, RAW_PUBLICATION_CONFIG, MctxPublicationConfig)

MCTX_AVAILABLE_IN_1_0
MctxPublicationConfig *mctx_raw_publication_config_new                      (GSocketFamily             family);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_raw_publication_config_validate_datagram        (MctxRawPublicationConfig *self,
                                                                             const guint8             *data,
                                                                             gsize                     len,
                                                                             GError                  **error);
MCTX_AVAILABLE_IN_1_0
GSocketFamily          mctx_raw_publication_config_get_family               (MctxRawPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
MctxRawMode            mctx_raw_publication_config_get_mode                 (MctxRawPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_raw_publication_config_set_mode                 (MctxRawPublicationConfig *self,
                                                                             MctxRawMode               mode);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_raw_publication_config_get_allow_any_destination (MctxRawPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_raw_publication_config_set_allow_any_destination (MctxRawPublicationConfig *self,
                                                                             gboolean                  allow);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_raw_publication_config_get_route_selected       (MctxRawPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_raw_publication_config_set_route_selected       (MctxRawPublicationConfig *self,
                                                                             gboolean                  route_selected);

G_END_DECLS
