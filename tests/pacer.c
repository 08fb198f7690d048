/* pacer.c: the schedule of paced sending, on a clock the test sets
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <math.h>

#include "mctx-private.h"

#define START 1000000000    /* µs: any time will do */

/* One wake-up per datagram at modest rates, at each due time. */
static void
test_per_datagram (void)
{
  g_autoptr(MctxPacer) pacer = mctx_pacer_new ();

  g_test_summary ("At 1000 datagrams/s each datagram has its wake-up at its due time, and the schedule does not drift");

  mctx_pacer_set_packets_per_second (pacer, 1000);
  mctx_pacer_start (pacer, START);
  g_assert_cmpint (mctx_pacer_get_mode (pacer), ==, MCTX_PACING_MODE_PER_DATAGRAM);

  g_assert_cmpuint (mctx_pacer_count_due (pacer, START, 100, 64), ==, 1);
  mctx_pacer_advance (pacer, 1, 100);
  g_assert_cmpint (mctx_pacer_get_wake_time (pacer), ==, START + 1000);
  g_assert_cmpuint (mctx_pacer_count_due (pacer, START + 999, 100, 64), ==, 0);
  g_assert_cmpuint (mctx_pacer_count_due (pacer, START + 1000, 100, 64), ==, 1);

  /* A wake-up 300 µs late sends one; the next is still due on the grid. */
  for (guint i = 1; i < 1000; i++)
    {
      g_assert_cmpuint (mctx_pacer_count_due (pacer, START + i * 1000 + 300, 100, 64), ==, 1);
      mctx_pacer_advance (pacer, 1, 100);
    }
  g_assert_cmpint (mctx_pacer_get_wake_time (pacer), ==, START + 1000 * 1000);
  g_assert_cmpuint (mctx_pacer_get_skipped (pacer), ==, 0);
}

/* The lead a sender spins for: the default, the application's, never. */
static void
test_spin (void)
{
  g_autoptr(MctxPacer) pacer = mctx_pacer_new ();

  g_test_summary ("No spin by default; the automatic lead follows how late wake-ups come, up to a fifth of the "
                  "interval and 50 µs; the spin set (at most half the interval) otherwise; none with spin 0 or "
                  "batched wake-ups");

  g_assert_cmpint (mctx_pacer_get_spin (pacer), ==, 0);
  mctx_pacer_set_packets_per_second (pacer, 1000);
  g_assert_cmpuint (mctx_pacer_get_wake_lead (pacer), ==, 0);
  mctx_pacer_set_spin (pacer, -1);
  /* Before any wake-up: 20 µs, and 2 µs to spare. */
  g_assert_cmpuint (mctx_pacer_get_wake_lead (pacer), ==, 22);
  /* A wake-up 40 µs late raises it at once; on-time ones let it decay. */
  mctx_pacer_note_wake_up (pacer, 40);
  g_assert_cmpuint (mctx_pacer_get_wake_lead (pacer), ==, 42);
  mctx_pacer_note_wake_up (pacer, 500);
  g_assert_cmpuint (mctx_pacer_get_wake_lead (pacer), ==, 50);
  for (guint i = 0; i < 200; i++)
    mctx_pacer_note_wake_up (pacer, 1);
  g_assert_cmpuint (mctx_pacer_get_wake_lead (pacer), <=, 4);
  mctx_pacer_note_wake_up (pacer, 40);
  mctx_pacer_set_packets_per_second (pacer, 10000);
  g_assert_cmpuint (mctx_pacer_get_wake_lead (pacer), ==, 20);

  g_object_set (pacer, "spin", 100, NULL);
  g_assert_cmpint (mctx_pacer_get_spin (pacer), ==, 100);
  g_assert_cmpuint (mctx_pacer_get_wake_lead (pacer), ==, 50);
  mctx_pacer_set_packets_per_second (pacer, 1000);
  g_assert_cmpuint (mctx_pacer_get_wake_lead (pacer), ==, 100);
  mctx_pacer_set_spin (pacer, 0);
  g_assert_cmpuint (mctx_pacer_get_wake_lead (pacer), ==, 0);

  /* Any negative value is the automatic lead. */
  mctx_pacer_set_spin (pacer, -7);
  g_assert_cmpint (mctx_pacer_get_spin (pacer), ==, -1);
  g_assert_cmpuint (mctx_pacer_get_wake_lead (pacer), ==, 42);

  mctx_pacer_set_spin (pacer, 100);
  mctx_pacer_set_packets_per_second (pacer, 100000);
  g_assert_cmpint (mctx_pacer_get_mode (pacer), ==, MCTX_PACING_MODE_BATCHED);
  g_assert_cmpuint (mctx_pacer_get_wake_lead (pacer), ==, 0);
}

/* At high rates a wake-up sends the datagrams due within its window,
 * centred on it, so that each is within 20 µs of its time. */
static void
test_batched (void)
{
  g_autoptr(MctxPacer) pacer = mctx_pacer_new ();
  gint64 wake;
  guint due;

  g_test_summary ("At 100 000 datagrams/s a wake-up sends the datagrams due within 40 µs, at the middle of that window");

  mctx_pacer_set_packets_per_second (pacer, 100000);
  mctx_pacer_start (pacer, START);
  g_assert_cmpint (mctx_pacer_get_mode (pacer), ==, MCTX_PACING_MODE_BATCHED);

  /* Due at START, +10, ... +40: five, sent at START + 20. */
  g_assert_cmpuint (mctx_pacer_count_due (pacer, START, 100, 64), ==, 3);
  g_assert_cmpint (mctx_pacer_get_wake_time (pacer), ==, START + 20);
  due = mctx_pacer_count_due (pacer, START + 20, 100, 64);
  g_assert_cmpuint (due, ==, 5);
  mctx_pacer_advance (pacer, due, 100);

  /* The next window starts at +50: its wake-up is at +70. */
  wake = mctx_pacer_get_wake_time (pacer);
  g_assert_cmpint (wake, ==, START + 70);
  g_assert_cmpuint (mctx_pacer_count_due (pacer, wake - 1, 100, 64), ==, 4);
  g_assert_cmpuint (mctx_pacer_count_due (pacer, wake, 100, 2), ==, 2);

  /* No rate: as many as the caller can take. */
  mctx_pacer_set_packets_per_second (pacer, 0);
  g_assert_cmpint (mctx_pacer_get_mode (pacer), ==, MCTX_PACING_MODE_UNLIMITED);
  g_assert_cmpuint (mctx_pacer_count_due (pacer, START, 100, 1000), ==, 1000);
  g_assert_cmpint (mctx_pacer_get_wake_time (pacer), ==, 0);
}

/* After a stall, by default, the late datagrams go max-burst at a time,
 * one burst per interval, none dropped. */
static void
test_catch_up_burst (void)
{
  g_autoptr(MctxPacer) pacer = mctx_pacer_new ();
  gint64 now = START + 2000000;
  guint total = 0, bursts = 0;

  g_test_summary ("After a 2 s stall at 100/s the 201 late datagrams go 16 at a time, one burst per 10 ms interval, "
                  "and the schedule is met again with none dropped");

  g_assert_cmpuint (mctx_pacer_get_max_burst (pacer), ==, 16);
  g_assert_cmpint (mctx_pacer_get_catch_up (pacer), ==, MCTX_CATCH_UP_BURST);
  mctx_pacer_set_packets_per_second (pacer, 100);
  mctx_pacer_start (pacer, START);

  for (;;)
    {
      guint due = mctx_pacer_count_due (pacer, now, 100, 1000);

      if (due == 0)
        {
          gint64 wake = mctx_pacer_get_wake_time (pacer);

          g_assert_cmpint (wake, >, now);
          /* Behind schedule, the next burst comes an interval later. */
          if (total < 201)
            g_assert_cmpint (wake, ==, now + 10000);
          else
            break;
          now = wake;
          continue;
        }
      g_assert_cmpuint (due, <=, 16);
      /* A second burst at the same instant would make one large burst. */
      g_assert_cmpuint (mctx_pacer_count_due (pacer, now, 100, 1000), ==, 0);
      total += due;
      bursts++;
      mctx_pacer_advance (pacer, due, 100);
    }

  g_test_message ("%u datagrams in %u bursts", total, bursts);
  g_assert_cmpuint (total, >=, 201);
  g_assert_cmpuint (mctx_pacer_get_skipped (pacer), ==, 0);
}

/* Dropping: max-burst go at once, the older missed slots are dropped and
 * the schedule keeps its phase. */
static void
test_catch_up_drop (void)
{
  g_autoptr(MctxPacer) pacer = mctx_pacer_new ();

  g_test_summary ("With catch-up DROP, after a 2 s stall at 100/s, 16 late datagrams go at once and 185 missed slots "
                  "are dropped, on the grid");

  mctx_pacer_set_packets_per_second (pacer, 100);
  mctx_pacer_set_catch_up (pacer, MCTX_CATCH_UP_DROP);
  mctx_pacer_start (pacer, START);

  /* Slots at START, +10 ms, ..., +2 s: 201 are due. */
  g_assert_cmpuint (mctx_pacer_count_due (pacer, START + 2000000, 100, 1000), ==, 16);
  g_assert_cmpuint (mctx_pacer_get_skipped (pacer), ==, 185);
  mctx_pacer_advance (pacer, 16, 100);
  g_assert_cmpuint (mctx_pacer_count_due (pacer, START + 2000000, 100, 1000), ==, 0);
  g_assert_cmpint (mctx_pacer_get_wake_time (pacer), ==, START + 2010000);

  /* A smaller burst, set while running. */
  mctx_pacer_set_max_burst (pacer, 3);
  g_assert_cmpuint (mctx_pacer_count_due (pacer, START + 3000000, 100, 1000), ==, 3);
  g_assert_cmpuint (mctx_pacer_get_skipped (pacer), ==, 185 + 97);
}

/* Whatever the policy, and wherever a stall ends between two slots, no
 * more than max-burst datagrams leave within one interval. */
static void
test_catch_up_window (gconstpointer data)
{
  MctxCatchUp catch_up = GPOINTER_TO_INT (data);

  g_test_summary ("After stalls that end anywhere between two slots, any max-burst + 1 consecutive datagrams span "
                  "at least one interval, with either catch-up policy");

  for (gint64 offset = 0; offset < 10000; offset += 250)
    {
      g_autoptr(MctxPacer) pacer = mctx_pacer_new ();
      g_autoptr(GArray) sent = g_array_new (FALSE, FALSE, sizeof (gint64));
      gint64 now = START + 1000000 + offset;

      mctx_pacer_set_packets_per_second (pacer, 100);
      mctx_pacer_set_max_burst (pacer, 4);
      mctx_pacer_set_catch_up (pacer, catch_up);
      mctx_pacer_start (pacer, START);

      while (now < START + 3000000)
        {
          guint due = mctx_pacer_count_due (pacer, now, 100, 1000);

          for (guint i = 0; i < due; i++)
            g_array_append_val (sent, now);
          mctx_pacer_advance (pacer, due, 100);
          if (due == 0)
            now = mctx_pacer_get_wake_time (pacer);
        }

      g_assert_cmpuint (sent->len, >, 100);
      for (guint i = 0; i + 4 < sent->len; i++)
        {
          gint64 span = g_array_index (sent, gint64, i + 4) - g_array_index (sent, gint64, i);

          if (span < 10000)
            g_error ("stall ending %" G_GINT64_FORMAT " us after a slot: datagrams %u to %u within %" G_GINT64_FORMAT
                     " us", offset, i, i + 4, span);
        }
    }
}

/* Bits per second count the payload plus the overhead, when set. */
static void
test_bit_rate (void)
{
  g_autoptr(MctxPacer) pacer = mctx_pacer_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("A bit rate spaces datagrams by their size plus the overhead; the slower rate wins; invalid rates are refused");

  mctx_pacer_set_bits_per_second (pacer, 8000);
  mctx_pacer_start (pacer, START);
  mctx_pacer_advance (pacer, 1, 100);
  g_assert_cmpint (mctx_pacer_get_wake_time (pacer), ==, START + 100000);

  mctx_pacer_set_overhead (pacer, 28);
  mctx_pacer_start (pacer, START);
  mctx_pacer_advance (pacer, 1, 100);
  g_assert_cmpint (mctx_pacer_get_wake_time (pacer), ==, START + 128000);

  /* 1000 packets/s is faster than 128 ms a packet: the bit rate holds. */
  mctx_pacer_set_packets_per_second (pacer, 1000);
  mctx_pacer_start (pacer, START);
  mctx_pacer_advance (pacer, 1, 100);
  g_assert_cmpint (mctx_pacer_get_wake_time (pacer), ==, START + 128000);
  g_assert_true (mctx_pacer_validate (pacer, &error));

  mctx_pacer_set_packets_per_second (pacer, -1);
  g_assert_false (mctx_pacer_validate (pacer, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_RATE);
  g_clear_error (&error);
  mctx_pacer_set_packets_per_second (pacer, 0);
  mctx_pacer_set_bits_per_second (pacer, NAN);
  g_assert_false (mctx_pacer_validate (pacer, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_RATE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mctx/pacer/per-datagram", test_per_datagram);
  g_test_add_func ("/mctx/pacer/spin", test_spin);
  g_test_add_func ("/mctx/pacer/batched", test_batched);
  g_test_add_func ("/mctx/pacer/catch-up-burst", test_catch_up_burst);
  g_test_add_func ("/mctx/pacer/catch-up-drop", test_catch_up_drop);
  g_test_add_data_func ("/mctx/pacer/catch-up-window/burst", GINT_TO_POINTER (MCTX_CATCH_UP_BURST),
                        test_catch_up_window);
  g_test_add_data_func ("/mctx/pacer/catch-up-window/drop", GINT_TO_POINTER (MCTX_CATCH_UP_DROP),
                        test_catch_up_window);
  g_test_add_func ("/mctx/pacer/bit-rate", test_bit_rate);

  return g_test_run ();
}
