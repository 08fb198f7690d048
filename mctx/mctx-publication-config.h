/* mctx-publication-config.h: one multicast destination and how to reach it
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mctx-version-macros.h"

G_BEGIN_DECLS

#define MCTX_TYPE_PUBLICATION_CONFIG (mctx_publication_config_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxPublicationConfig, mctx_publication_config, MCTX, PUBLICATION_CONFIG, GObject)

MCTX_AVAILABLE_IN_1_0
MctxPublicationConfig *mctx_publication_config_new              (const char            *group,
                                                                 guint                  port,
                                                                 GError               **error);
MCTX_AVAILABLE_IN_1_0
MctxPublicationConfig *mctx_publication_config_new_for_address  (GInetAddress          *group,
                                                                 guint                  port);
MCTX_AVAILABLE_IN_1_0
MctxPublicationConfig *mctx_publication_config_copy             (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_equal            (MctxPublicationConfig *self,
                                                                 MctxPublicationConfig *other);
MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_config_hash        (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
char                  *mctx_publication_config_to_string        (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_validate         (MctxPublicationConfig *self,
                                                                 GError               **error);

MCTX_AVAILABLE_IN_1_0
GInetAddress          *mctx_publication_config_get_group        (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_group        (MctxPublicationConfig *self,
                                                                 GInetAddress          *group);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_set_group_string (MctxPublicationConfig *self,
                                                                 const char            *group,
                                                                 GError               **error);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_is_ssm           (MctxPublicationConfig *self);

MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_config_get_port         (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_port         (MctxPublicationConfig *self,
                                                                 guint                  port);

MCTX_AVAILABLE_IN_1_0
GInetAddress          *mctx_publication_config_get_source_address        (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_source_address        (MctxPublicationConfig *self,
                                                                          GInetAddress          *address);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_set_source_address_string (MctxPublicationConfig *self,
                                                                          const char            *address,
                                                                          GError               **error);

MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_config_get_source_port  (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_source_port  (MctxPublicationConfig *self,
                                                                 guint                  port);

MCTX_AVAILABLE_IN_1_0
GInetSocketAddress    *mctx_publication_config_dup_bind_address        (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_bind_address        (MctxPublicationConfig *self,
                                                                        GInetSocketAddress    *address);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_set_bind_address_string (MctxPublicationConfig *self,
                                                                        const char            *address,
                                                                        GError               **error);

MCTX_AVAILABLE_IN_1_0
GInetAddress          *mctx_publication_config_get_outgoing_interface        (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_outgoing_interface        (MctxPublicationConfig *self,
                                                                              GInetAddress          *address);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_set_outgoing_interface_string (MctxPublicationConfig *self,
                                                                              const char            *address,
                                                                              GError               **error);

MCTX_AVAILABLE_IN_1_0
int                    mctx_publication_config_get_interface_index (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_interface_index (MctxPublicationConfig *self,
                                                                    int                    index);

MCTX_AVAILABLE_IN_1_0
const char            *mctx_publication_config_get_interface_name (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_interface_name (MctxPublicationConfig *self,
                                                                   const char            *name);

MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_config_get_ttl          (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_ttl          (MctxPublicationConfig *self,
                                                                 guint                  ttl);

MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_get_loopback     (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_loopback     (MctxPublicationConfig *self,
                                                                 gboolean               loopback);
MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_config_get_traffic_class (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_traffic_class (MctxPublicationConfig *self,
                                                                  guint                  traffic_class);
MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_config_get_send_buffer_size (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_send_buffer_size (MctxPublicationConfig *self,
                                                                     guint                  size);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_get_shared_socket (MctxPublicationConfig *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_shared_socket (MctxPublicationConfig *self,
                                                                  gboolean               shared);

G_END_DECLS
