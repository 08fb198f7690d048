/* mctx-publication-config.h: how a publication leaves the host
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
G_DECLARE_DERIVABLE_TYPE (MctxPublicationConfig, mctx_publication_config, MCTX, PUBLICATION_CONFIG, GObject)

/**
 * MctxPublicationConfigClass:
 *
 * The class of publication configurations. Its virtual functions are
 * private: the kinds of configuration are the library's own.
 *
 * Since: 1.0
 */
struct _MctxPublicationConfigClass
{
  GObjectClass parent_class;

  /*< private >*/
  GSocketFamily (*get_family)  (MctxPublicationConfig  *self);
  gboolean      (*validate)    (MctxPublicationConfig  *self,
                                GError                **error);
  gboolean      (*equal)       (MctxPublicationConfig  *self,
                                MctxPublicationConfig  *other);
  guint         (*hash)        (MctxPublicationConfig  *self);
  void          (*copy_into)   (MctxPublicationConfig  *self,
                                MctxPublicationConfig  *copy);
  void          (*describe)    (MctxPublicationConfig  *self,
                                GString                *description);
  void          (*bind_changed) (MctxPublicationConfig *self,
                                gboolean               host_changed,
                                gboolean               port_changed);

  gpointer padding[8];
};

MCTX_AVAILABLE_IN_1_0
MctxPublicationConfig *mctx_publication_config_copy                         (MctxPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_validate                     (MctxPublicationConfig  *self,
                                                                             GError                **error);

MCTX_AVAILABLE_IN_1_0
GInetAddress          *mctx_publication_config_get_outgoing_interface        (MctxPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_outgoing_interface        (MctxPublicationConfig  *self,
                                                                             GInetAddress           *address);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_set_outgoing_interface_string (MctxPublicationConfig  *self,
                                                                             const char             *address,
                                                                             GError                **error);
MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_config_get_interface_index           (MctxPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_interface_index           (MctxPublicationConfig  *self,
                                                                             guint                   index);
MCTX_AVAILABLE_IN_1_0
const char            *mctx_publication_config_get_interface_name            (MctxPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_interface_name            (MctxPublicationConfig  *self,
                                                                             const char             *name);
MCTX_AVAILABLE_IN_1_0
GInetSocketAddress    *mctx_publication_config_dup_bind_address              (MctxPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_bind_address              (MctxPublicationConfig  *self,
                                                                             GInetSocketAddress     *address);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_set_bind_address_string       (MctxPublicationConfig  *self,
                                                                             const char             *address,
                                                                             GError                **error);
MCTX_AVAILABLE_IN_1_0
int                    mctx_publication_config_get_ttl                       (MctxPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_ttl                       (MctxPublicationConfig  *self,
                                                                             int                     ttl);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_get_loopback                  (MctxPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_loopback                  (MctxPublicationConfig  *self,
                                                                             gboolean                loopback);
MCTX_AVAILABLE_IN_1_0
gboolean               mctx_publication_config_get_departure_timestamps      (MctxPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_departure_timestamps      (MctxPublicationConfig  *self,
                                                                             gboolean                departure_timestamps);
MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_config_get_traffic_class             (MctxPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_traffic_class             (MctxPublicationConfig  *self,
                                                                             guint                   traffic_class);
MCTX_AVAILABLE_IN_1_0
guint                  mctx_publication_config_get_send_buffer_size          (MctxPublicationConfig  *self);
MCTX_AVAILABLE_IN_1_0
void                   mctx_publication_config_set_send_buffer_size          (MctxPublicationConfig  *self,
                                                                             guint                   size);

G_END_DECLS
