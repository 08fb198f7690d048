/* mctx-udp-publication-config.h: one multicast group and port
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mctx-version-macros.h"
#include "mctx-publication-config.h"

G_BEGIN_DECLS

#define MCTX_TYPE_UDP_PUBLICATION_CONFIG (mctx_udp_publication_config_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxUdpPublicationConfig, mctx_udp_publication_config, MCTX, UDP_PUBLICATION_CONFIG, MctxPublicationConfig)

MCTX_AVAILABLE_IN_1_0
MctxPublicationConfig *mctx_udp_publication_config_new                (const char                *group,
                                                                       guint                      port,
                                                                       GError                   **error);

MCTX_AVAILABLE_IN_1_0
GInetAddress          *mctx_udp_publication_config_get_group          (MctxUdpPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_udp_publication_config_set_group          (MctxUdpPublicationConfig  *self,
                                                                       GInetAddress              *group);
MCTX_AVAILABLE_IN_1_0
guint                  mctx_udp_publication_config_get_port           (MctxUdpPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_udp_publication_config_set_port           (MctxUdpPublicationConfig  *self,
                                                                       guint                      port);
MCTX_AVAILABLE_IN_1_0
GInetAddress          *mctx_udp_publication_config_get_source_address (MctxUdpPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_udp_publication_config_set_source_address (MctxUdpPublicationConfig  *self,
                                                                       GInetAddress              *address);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_udp_publication_config_set_source_address_string (MctxUdpPublicationConfig  *self,
                                                                              const char                *address,
                                                                              GError                   **error);
MCTX_AVAILABLE_IN_1_0
guint                  mctx_udp_publication_config_get_source_port    (MctxUdpPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_udp_publication_config_set_source_port    (MctxUdpPublicationConfig  *self,
                                                                       guint                      port);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_udp_publication_config_get_shared_socket  (MctxUdpPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_udp_publication_config_set_shared_socket  (MctxUdpPublicationConfig  *self,
                                                                       gboolean                   shared);

G_END_DECLS
