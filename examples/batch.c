/* batch.c: many datagrams per system call
 *
 * Sends 64 numbered datagrams to 239.1.2.3:5000 in one batch, then three
 * 10-byte datagrams as one segmented send (UDP_SEGMENT) from their own
 * buffers, then one datagram to each of two groups that share a socket, in
 * one context batch.
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
  GOutputVector vectors[64];
  GOutputMessage datagrams[64];
  GOutputVector segments[] = { { "segment 1 ", 10 }, { "segment 2 ", 10 }, { "segment 3 ", 10 } };
  GOutputMessage segmented_datagrams[3];
  guint ids[2];
  GOutputVector pair_vectors[] = { { "to the first group", 18 }, { "to the second group", 19 } };
  GOutputMessage pair[] = { { .vectors = &pair_vectors[0], .num_vectors = 1 },
                            { .vectors = &pair_vectors[1], .num_vectors = 1 } };
  gint batched, segmented, paired;

  publication = add (context, "239.1.2.3", FALSE, &error);
  if (publication == NULL)
    goto fail;

  /* Up to 64 datagrams in one sendmmsg(); fewer went if the buffer filled. */
  for (guint i = 0; i < G_N_ELEMENTS (datagrams); i++)
    {
      g_snprintf (payloads[i], sizeof payloads[i], "no. %02u", i);
      vectors[i] = (GOutputVector) { payloads[i], 6 };
      datagrams[i] = (GOutputMessage) { .vectors = &vectors[i], .num_vectors = 1 };
    }
  batched = mctx_publication_send_messages (publication, datagrams, G_N_ELEMENTS (datagrams),
                                            MCTX_SEND_FLAGS_NONE, &error);
  if (batched < 0)
    goto fail;

  /* Datagrams of one size go as one send that the kernel cuts
   * (UDP_SEGMENT), straight from their buffers. */
  for (guint i = 0; i < G_N_ELEMENTS (segments); i++)
    segmented_datagrams[i] = (GOutputMessage) { .vectors = &segments[i], .num_vectors = 1 };
  segmented = mctx_publication_send_messages (publication, segmented_datagrams, G_N_ELEMENTS (segmented_datagrams),
                                              MCTX_SEND_FLAGS_SEGMENTED, &error);
  if (segmented < 0)
    goto fail;

  /* Two groups on one shared socket: one sendmmsg() for both. */
  first = add (context, "239.1.2.3", TRUE, &error);
  second = first != NULL ? add (context, "239.1.2.4", TRUE, &error) : NULL;
  if (second == NULL)
    goto fail;
  ids[0] = mctx_publication_get_id (first);
  ids[1] = mctx_publication_get_id (second);
  paired = mctx_context_send_messages (context, ids, pair, G_N_ELEMENTS (pair), &error);
  if (paired < 0)
    goto fail;

  printf ("batched %d, segmented %d, paired %d\n", batched, segmented, paired);
  return 0;

fail:
  fprintf (stderr, "batch: %s\n", error->message);
  return 1;
}
