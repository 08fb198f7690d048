/* source.c: sending from a GMainLoop when the socket can take it
 *
 * A publication source dispatches whenever the socket is writable; the
 * callback sends until it has sent three datagrams.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdio.h>
#include <mctx/mctx.h>

typedef struct {
  GMainLoop *loop;
  guint sent;
} State;

static gboolean
on_writable (MctxPublication *publication,
             GIOCondition     condition,
             gpointer         user_data)
{
  State *state = user_data;
  g_autoptr(GError) error = NULL;
  const char payload[] = "hello from a source";

  if (mctx_publication_send (publication, (const guint8 *) payload, sizeof payload - 1, &error) < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;   /* full: wait for the next dispatch */

      fprintf (stderr, "source: %s\n", error->message);
      g_main_loop_quit (state->loop);
      return G_SOURCE_REMOVE;
    }

  if (++state->sent < 3)
    return G_SOURCE_CONTINUE;

  g_main_loop_quit (state->loop);
  return G_SOURCE_REMOVE;
}

int
main (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GSource) source = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  State state = { .loop = loop };

  config = mctx_udp_publication_config_new ("239.1.2.3", 5000, &error);
  if (config == NULL ||
      !mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", &error) ||
      (publication = mctx_context_add_publication (context, config, &error)) == NULL)
    {
      fprintf (stderr, "source: %s\n", error->message);
      return 1;
    }

  source = mctx_publication_create_source (publication, NULL);
  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) on_writable, &state, NULL);
  g_source_attach (source, NULL);
  g_main_loop_run (loop);

  printf ("sent %u datagrams\n", state.sent);
  return state.sent == 3 ? 0 : 1;
}
