/* fuzz-flags-json.c: libFuzzer target for MCTX_METRICS_FLAGS_JSON: the
 * writer's bounded parser, then the metrics header the writer builds from
 * the flags (depth and size checks, generation).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <stdint.h>
#include <unistd.h>

#include "mctx-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static char *path;
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(JsonObject) flags = NULL;
  g_autoptr(MctxMetricsWriter) writer = NULL;
  GError *error = NULL;

  if (path == NULL)
    path = g_build_filename (g_get_tmp_dir (), "mctx-fuzz-flags.jsonl", NULL);

  flags = _mctx_metrics_flags_from_json (text, &error);
  if (flags == NULL)
    {
      g_assert_true (error != NULL && error->message[0] != '\0');
      g_clear_error (&error);
      return 0;
    }

  writer = mctx_metrics_writer_new (path, "mctx/fuzz", "fuzz-node", flags, &error);
  if (writer == NULL)
    {
      g_assert_true (error != NULL && error->message[0] != '\0');
      g_clear_error (&error);
    }
  unlink (path);
  return 0;
}
