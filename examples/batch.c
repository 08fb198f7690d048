/* batch.c: many datagrams per system call
 *
 * Sends 64 numbered datagrams to 239.1.2.3:5000 in one batch, then one
 * buffer cut into 10-byte segments, then one datagram to each of two
 * groups that share a socket, in one context batch.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdio.h>
#include <mctx/mctx.h>

static MctxPublication *
add (MctxContext  *context,
     const char   *group,
     gboolean      shared,
     GError      **error)
{
  g_autoptr(MctxPublicationConfig) config = mctx_udp_publication_config_new (group, 5000, error);

  if (config == NULL ||
      !mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", error))
    return NULL;
  mctx_udp_publication_config_set_shared_socket (MCTX_UDP_PUBLICATION_CONFIG (config), shared);
  return mctx_context_add_publication (context, config, error);
}

int
main (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  MctxPublication *publication, *first, *second;
  char payloads[64][8];
  GOutputVector datagrams[64];
  const char segments[] = "segment 1 segment 2 segment 3 ";
  guint ids[2];
  GOutputVector pair[] = { { "to the first group", 18 }, { "to the second group", 19 } };
  gint batched, segmented, paired;

  publication = add (context, "239.1.2.3", FALSE, &error);
  if (publication == NULL)
    goto fail;

  /* Up to 64 datagrams in one sendmmsg(); fewer went if the buffer filled. */
  for (guint i = 0; i < G_N_ELEMENTS (datagrams); i++)
    {
      g_snprintf (payloads[i], sizeof payloads[i], "no. %02u", i);
      datagrams[i] = (GOutputVector) { payloads[i], 6 };
    }
  batched = mctx_publication_send_batch (publication, datagrams, G_N_ELEMENTS (datagrams), &error);
  if (batched < 0)
    goto fail;

  /* One buffer, cut by the kernel (UDP_SEGMENT) into 10-byte datagrams. */
  segmented = mctx_publication_send_segmented (publication, (const guint8 *) segments, sizeof segments - 1, 10,
                                               &error);
  if (segmented < 0)
    goto fail;

  /* Two groups on one shared socket: one sendmmsg() for both. */
  first = add (context, "239.1.2.3", TRUE, &error);
  second = first != NULL ? add (context, "239.1.2.4", TRUE, &error) : NULL;
  if (second == NULL)
    goto fail;
  ids[0] = mctx_publication_get_id (first);
  ids[1] = mctx_publication_get_id (second);
  paired = mctx_context_send_batch (context, ids, pair, G_N_ELEMENTS (pair), &error);
  if (paired < 0)
    goto fail;

  printf ("batched %d, segmented %d, paired %d\n", batched, segmented, paired);
  return 0;

fail:
  fprintf (stderr, "batch: %s\n", error->message);
  return 1;
}
