/* stamp.c: the header of stamped payloads, byte for byte
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <string.h>

#include <mctx/mctx.h>

static void
test_layout (void)
{
  g_autoptr(MctxStamp) stamp = mctx_stamp_new (0x01020304, 0x1112131415161718, 0x2122232425262728,
                                               MCTX_STAMP_FLAG_LAST);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 expected[MCTX_STAMP_SIZE] = {
    'M', 'C', 'T', 'X', 1, 1, 0, 32,
    0x01, 0x02, 0x03, 0x04,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
    0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
    0, 0, 0, 0,
  };
  const guint8 *data;
  gsize len;

  g_test_summary ("A stamped payload starts with the documented 32-byte header, big-endian, then i mod 251 filler");

  payload = mctx_stamp_build (stamp, 300, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (payload, &len);
  g_assert_cmpuint (len, ==, 300);
  g_assert_cmpmem (data, MCTX_STAMP_SIZE, expected, sizeof expected);
  for (gsize i = MCTX_STAMP_SIZE; i < len; i++)
    g_assert_cmpuint (data[i], ==, i % 251);
}

static void
test_round_trip (void)
{
  gint64 now = mctx_stamp_now ();
  g_autoptr(MctxStamp) stamp = mctx_stamp_new (7, 123456789, now, MCTX_STAMP_FLAG_NONE);
  g_autoptr(MctxStamp) parsed = NULL;
  g_autoptr(MctxStamp) copy = NULL;
  g_autoptr(GError) error = NULL;
  guint8 buffer[64];

  g_test_summary ("What is written reads back; the send time is the real-time clock in nanoseconds");

  g_assert_cmpint (now / 1000000000, >, 1700000000);
  g_assert_true (mctx_stamp_write (stamp, buffer, sizeof buffer));
  g_assert_false (mctx_stamp_write (stamp, buffer, MCTX_STAMP_SIZE - 1));
  parsed = mctx_stamp_parse (buffer, sizeof buffer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mctx_stamp_get_stream_id (parsed), ==, 7);
  g_assert_cmpuint (mctx_stamp_get_sequence (parsed), ==, 123456789);
  g_assert_cmpint (mctx_stamp_get_send_time (parsed), ==, now);
  g_assert_cmpint (mctx_stamp_get_flags (parsed), ==, MCTX_STAMP_FLAG_NONE);
  copy = mctx_stamp_copy (parsed);
  g_assert_cmpuint (mctx_stamp_get_sequence (copy), ==, 123456789);
}

static void
test_refused (void)
{
  g_autoptr(MctxStamp) stamp = mctx_stamp_new (1, 2, 3, MCTX_STAMP_FLAG_NONE);
  guint8 buffer[MCTX_STAMP_SIZE + 4];
  struct {
    gsize offset;
    guint8 value;
    gsize len;
  } cases[] = {
    { 0, 'm', sizeof buffer },                 /* magic */
    { 4, 2, sizeof buffer },                   /* version */
    { 7, 31, sizeof buffer },                  /* header length below 32 */
    { 7, 40, sizeof buffer },                  /* header beyond the payload */
    { 0, 'M', MCTX_STAMP_SIZE - 1 },           /* short */
  };

  g_test_summary ("Payloads that do not start with a valid stamp are refused with NOT_STAMPED; sizes below the header too");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      mctx_stamp_write (stamp, buffer, sizeof buffer);
      buffer[cases[i].offset] = cases[i].value;
      g_assert_null (mctx_stamp_parse (buffer, cases[i].len, &error));
      g_assert_error (error, MCTX_ERROR, MCTX_ERROR_NOT_STAMPED);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (mctx_stamp_build (stamp, 31, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mctx/stamp/layout", test_layout);
  g_test_add_func ("/mctx/stamp/round-trip", test_round_trip);
  g_test_add_func ("/mctx/stamp/refused", test_refused);

  return g_test_run ();
}
