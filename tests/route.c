/* route.c: the parser of netlink route dumps behind route-selected raw
 * IPv6 publications, white-box, on replies kept in the fuzz corpus (the
 * regression inputs among them)
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <string.h>

#include "raw/mctx-raw-private.h"

static GBytes *
load (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "netlink-route", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* Parses a corpus entry (16 bytes of group, then one reply) from an
 * exact-size heap copy of its first @length reply bytes, so that a
 * sanitized build sees any read past the end. */
static MctxRawRouteChoice
parse (GBytes *entry,
       gsize   length,
       gboolean *done)
{
  const guint8 *data = g_bytes_get_data (entry, NULL);
  g_autofree guint8 *reply = g_malloc (MAX (length, 1));
  MctxRawRouteChoice best;

  memcpy (reply, data + 16, length);
  _mctx_raw_route_choice_init (&best);
  *done = _mctx_raw_route_parse (reply, length, data, &best);
  return best;
}

static void
test_choices (void)
{
  g_autoptr(GBytes) main_table = load ("main-table");
  g_autoptr(GBytes) multipath = load ("multipath");
  MctxRawRouteChoice best;
  gboolean done;

  g_test_summary ("The longest matching prefix of the main table wins; a multipath "
                  "route egresses through its first hop; the dump ends at NLMSG_DONE");

  best = parse (main_table, g_bytes_get_size (main_table) - 16, &done);
  g_assert_true (done);
  g_assert_cmpint (best.prefix_len, ==, 8);
  g_assert_cmpuint (best.ifindex, ==, 2);

  best = parse (multipath, g_bytes_get_size (multipath) - 16, &done);
  g_assert_true (done);
  g_assert_cmpint (best.prefix_len, ==, 16);
  g_assert_cmpuint (best.ifindex, ==, 3);
}

/* Every prefix of a reply, cut anywhere: no read past it, no route made
 * up from half a message. */
static void
test_truncated (void)
{
  g_autoptr(GBytes) multipath = load ("multipath");
  gsize full = g_bytes_get_size (multipath) - 16;

  g_test_summary ("A reply cut at any byte is parsed within its bounds");

  for (gsize length = 0; length < full; length++)
    {
      gboolean done;
      MctxRawRouteChoice best = parse (multipath, length, &done);

      g_assert_false (done);
      g_assert_true (best.ifindex == 0 || best.ifindex == 2 || best.ifindex == 3);
    }
}

/* Found by fuzz-netlink-route: a last message whose length is not a
 * multiple of 4 sent the parser past the end of the buffer. */
static void
test_regression_unaligned_last_message (void)
{
  g_autoptr(GBytes) entry = load ("regression-unaligned-last-message");
  gboolean done;

  g_test_summary ("A last message of unaligned length ends the parse inside the buffer");

  parse (entry, g_bytes_get_size (entry) - 16, &done);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mctx/raw/route/choices", test_choices);
  g_test_add_func ("/mctx/raw/route/truncated", test_truncated);
  g_test_add_func ("/mctx/raw/route/regression-unaligned-last-message", test_regression_unaligned_last_message);

  return g_test_run ();
}
