/* fuzz-tool-arguments.c: libFuzzer target for the command line of the
 * sending tools. The input is the arguments, separated by NUL bytes; each
 * run either parses them or refuses them with one line. Nothing is sent:
 * only the parsing runs.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mctx-tool.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
discard (const char *text)
{
}

/* --help and its kin print and exit: not what is fuzzed here. */
static gboolean
asks_for_help (const char *arg)
{
  if (g_str_has_prefix (arg, "--"))
    return g_str_has_prefix (arg, "--help") || g_str_equal (arg, "--version");
  return arg[0] == '-' && (strchr (arg, 'h') != NULL || strchr (arg, '?') != NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_auto(MctxToolOptions) options = { 0 };
  char **argv;
  int argc;
  gsize start = 0;

  g_set_printerr_handler (discard);
  g_set_print_handler (discard);

  g_ptr_array_add (args, g_strdup ("mctx-send"));
  for (gsize i = 0; i <= size && args->len < 64; i++)
    if (i == size || data[i] == '\0')
      {
        char *arg = g_strndup ((const char *) data + start, i - start);

        if (asks_for_help (arg))
          g_free (arg);
        else
          g_ptr_array_add (args, arg);
        start = i + 1;
      }

  /* GOption rearranges argv: hand it a copy of the pointers. */
  argc = (int) args->len;
  argv = g_new0 (char *, args->len + 1);
  memcpy (argv, args->pdata, args->len * sizeof (char *));

  if (mctx_tool_init (&options, "mctx-send", NULL, &argc, &argv))
    {
      g_assert_nonnull (options.group);
      g_assert_nonnull (options.payload);
      g_assert_true (options.rate == 0 || (options.rate >= 1.0 / 3600 && options.rate <= 1e7));
      g_assert_cmpint (options.ttl, <=, 255);
      g_assert_cmpint (options.source_port, <=, 65535);
    }

  g_free (argv);
  return 0;
}
