/* mctx-socket-pool.c: a context's shared UDP sockets, one per way of
 * sending
 *
 * Publications with shared-socket set send through an unconnected socket
 * that every publication of the context set up alike holds a place on:
 * the same family, bind address, interface, TTL, loopback, traffic class
 * and send buffer. The socket closes when its last publication leaves.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-socket-private.h"

struct _MctxSocketPool
{
  GHashTable *sockets;      /* key → SharedSocket */
};

typedef struct {
  GSocket *socket;
  guint users;
} SharedSocket;

static void
shared_socket_free (gpointer data)
{
  SharedSocket *shared = data;

  /* The descriptor closes with the last publication that holds it. */
  g_object_unref (shared->socket);
  g_free (shared);
}

MctxSocketPool *
_mctx_socket_pool_new (void)
{
  MctxSocketPool *pool = g_new0 (MctxSocketPool, 1);

  pool->sockets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, shared_socket_free);
  return pool;
}

void
_mctx_socket_pool_free (MctxSocketPool *pool)
{
  if (pool == NULL)
    return;

  g_hash_table_unref (pool->sockets);
  g_free (pool);
}

guint
_mctx_socket_pool_get_size (MctxSocketPool *pool)
{
  return g_hash_table_size (pool->sockets);
}

/* What publications must agree on to share a socket: everything the socket
 * is set up with. */
static char *
socket_key (MctxPublicationPlan *plan)
{
  g_autofree char *bind = plan->bind_address != NULL ?
    _mctx_socket_address_to_string (G_SOCKET_ADDRESS (plan->bind_address)) : g_strdup ("-");
  g_autofree char *interface = plan->ipv4_interface != NULL ?
    g_inet_address_to_string (plan->ipv4_interface) : g_strdup ("-");

  return g_strdup_printf ("%d %s %u %s %u %d %u %u", plan->family, bind, plan->ifindex, interface,
                          plan->ttl, plan->loopback, plan->traffic_class, plan->send_buffer_size);
}

/* A place on the pool's socket for @plan, made and set up when there is
 * none: the socket (owned by the pool) and, in @key_out, what gives the
 * place back to _mctx_socket_pool_release(). */
GSocket *
_mctx_socket_pool_acquire (MctxSocketPool       *pool,
                           MctxPublicationPlan  *plan,
                           char                **key_out,
                           GError              **error)
{
  g_autofree char *key = socket_key (plan);
  SharedSocket *shared = g_hash_table_lookup (pool->sockets, key);

  if (shared == NULL)
    {
      GSocket *socket = g_socket_new (plan->family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);

      if (socket == NULL)
        return NULL;
      if (!_mctx_udp_socket_set_up_own (g_socket_get_fd (socket), plan, error))
        {
          g_object_unref (socket);
          return NULL;
        }
      shared = g_new0 (SharedSocket, 1);
      shared->socket = socket;
      g_hash_table_insert (pool->sockets, g_strdup (key), shared);
    }

  shared->users++;
  *key_out = g_steal_pointer (&key);
  return shared->socket;
}

/* Gives back a place taken with _mctx_socket_pool_acquire(); NULL is no
 * place at all. */
void
_mctx_socket_pool_release (MctxSocketPool *pool,
                           const char     *key)
{
  SharedSocket *shared;

  if (key == NULL)
    return;

  shared = g_hash_table_lookup (pool->sockets, key);
  if (shared != NULL && --shared->users == 0)
    g_hash_table_remove (pool->sockets, key);
}
