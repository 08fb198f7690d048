/* mctx-private.h: what the library's files share and nobody else sees
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#include "mctx.h"

#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

void                   _mctx_ensure_i18n                 (void);

char                  *_mctx_socket_address_to_string    (GSocketAddress        *address);
GInetSocketAddress    *_mctx_inet_socket_address_new     (GInetAddress          *address,
                                                          guint16                port,
                                                          guint32                scope_id);

/* The resolved plan for one publication: what to bind, where to connect,
 * which interface to egress through. Computed once from a configuration by
 * _mctx_publication_plan_resolve(), so sockets are configured from facts. */
typedef struct {
  GSocketFamily       family;
  GInetSocketAddress *bind_address;     /* (nullable) nothing to bind */
  GInetSocketAddress *destination;
  guint               ifindex;          /* 0: let the kernel choose */
  GInetAddress       *ipv4_interface;   /* (nullable) IPv4 IP_MULTICAST_IF address */
  guint               ttl;
  gboolean            loopback;
} MctxPublicationPlan;

gboolean               _mctx_publication_plan_resolve    (MctxPublicationPlan         *plan,
                                                          MctxPublicationConfig       *config,
                                                          GError                     **error);
void                   _mctx_publication_plan_clear      (MctxPublicationPlan         *plan);

MctxPublication       *_mctx_publication_new             (guint                        id,
                                                          MctxPublicationConfig       *config,
                                                          GSocket                     *socket,
                                                          GError                     **error);
MctxPublication       *_mctx_publication_new_for_fd      (guint                        id,
                                                          MctxPublicationConfig       *config,
                                                          int                          fd,
                                                          GError                     **error);

void                   _mctx_publication_close           (MctxPublication             *self);
GCancellable          *_mctx_publication_get_detached    (MctxPublication             *self);
const char            *_mctx_publication_get_destination_text (MctxPublication        *self);

MctxSendReport        *_mctx_send_report_new             (guint                        publication_id,
                                                          GInetSocketAddress          *destination,
                                                          GInetSocketAddress          *local_address,
                                                          gsize                        bytes_sent);

G_END_DECLS
