/* fuzz-metrics-header.c: libFuzzer target for what a metrics writer reads
 * of an existing file: the header validator, the identity check and the
 * repair of a torn last line. The input is the file's content.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <stdint.h>
#include <unistd.h>

#include <mctx/mctx.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static char *path;
  g_autoptr(MctxMetricsWriter) writer = NULL;
  GError *error = NULL;

  if (path == NULL)
    path = g_build_filename (g_get_tmp_dir (), "mctx-fuzz-metrics-header.jsonl", NULL);

  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) size, NULL));
  writer = mctx_metrics_writer_new (path, "mctx/fuzz", "fuzz-node", NULL, &error);
  if (writer == NULL)
    {
      g_assert_true (error != NULL && error->message[0] != '\0');
      g_clear_error (&error);
    }
  else
    {
      g_autofree char *contents = NULL;
      gsize length;

      /* Appending after a repair leaves whole lines only. */
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_true (length == 0 || contents[length - 1] == '\n');
    }

  unlink (path);
  return 0;
}
