/* metrics-delta.c: deltas and rates over controlled intervals
 *
 * Links the library's internals to make snapshots with chosen times and
 * counters, so intervals and rates are known exactly.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-private.h"

static MctxMetricsSnapshot *
snapshot (MctxMetricsKind kind,
          guint           id,
          gint64          monotonic_us,
          guint64         packets,
          guint64         bytes,
          guint64         errors,
          guint64         added,
          guint64         removed)
{
  MctxMetricsCounters counters = { packets, bytes, errors };

  return _mctx_metrics_snapshot_new (kind, id, G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC + monotonic_us,
                                     monotonic_us, &counters, NULL, added, removed, added - removed);
}

static void
test_rates (void)
{
  g_autoptr(MctxMetricsSnapshot) earlier = snapshot (MCTX_METRICS_KIND_CONTEXT, 0, 1000000, 10, 1000, 1, 2, 0);
  g_autoptr(MctxMetricsSnapshot) later = snapshot (MCTX_METRICS_KIND_CONTEXT, 0, 3500000, 60, 6000, 2, 5, 1);
  g_autoptr(MctxMetricsDelta) delta = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Deltas compute per-second rates over their interval");

  delta = mctx_metrics_snapshot_delta (later, earlier, &error);
  g_assert_no_error (error);

  g_assert_cmpfloat (mctx_metrics_delta_get_interval (delta), ==, 2.5);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 50);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_BYTES_SENT), ==, 5000);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_SEND_ERRORS), ==, 1);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_SEND_CALLS), ==, 51);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_PUBLICATIONS_ADDED), ==, 3);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_PUBLICATIONS_REMOVED), ==, 1);
  g_assert_cmpfloat_with_epsilon (mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_PACKETS_SENT), 20.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_BYTES_SENT), 2000.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_SEND_ERRORS), 0.4, 1e-12);
  g_assert_cmpfloat_with_epsilon (mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_SEND_CALLS), 20.4, 1e-12);
  g_assert_true (mctx_metrics_delta_get_earlier (delta) == earlier);
  g_assert_true (mctx_metrics_delta_get_later (delta) == later);
  g_assert_cmpuint (mctx_metrics_snapshot_get_active_publications (later), ==, 4);
  g_assert_cmpint (mctx_metrics_snapshot_get_kind (mctx_metrics_delta_get_later (delta)), ==, MCTX_METRICS_KIND_CONTEXT);
}

/* Nothing happened in no time: changes 0, rates 0, not a division by 0. */
static void
test_empty_interval (void)
{
  g_autoptr(MctxMetricsSnapshot) a = snapshot (MCTX_METRICS_KIND_PUBLICATION, 3, 5000, 7, 70, 0, 0, 0);
  g_autoptr(MctxMetricsSnapshot) b = snapshot (MCTX_METRICS_KIND_PUBLICATION, 3, 5000, 7, 70, 0, 0, 0);
  g_autoptr(MctxMetricsDelta) delta = mctx_metrics_snapshot_delta (b, a, NULL);

  g_test_summary ("Nothing happened in no time: changes 0, rates 0, not a division by 0.");

  g_assert_nonnull (delta);
  g_assert_cmpfloat (mctx_metrics_delta_get_interval (delta), ==, 0.0);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 0);
  g_assert_cmpfloat (mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 0.0);
  g_assert_cmpfloat (mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_BYTES_SENT), ==, 0.0);
}

static void
test_mismatches (void)
{
  g_autoptr(MctxMetricsSnapshot) p1 = snapshot (MCTX_METRICS_KIND_PUBLICATION, 1, 1000, 5, 50, 0, 0, 0);
  g_autoptr(MctxMetricsSnapshot) p2 = snapshot (MCTX_METRICS_KIND_PUBLICATION, 2, 2000, 6, 60, 0, 0, 0);
  g_autoptr(MctxMetricsSnapshot) c = snapshot (MCTX_METRICS_KIND_CONTEXT, 0, 2000, 6, 60, 0, 1, 0);
  g_autoptr(MctxMetricsSnapshot) p1_later = snapshot (MCTX_METRICS_KIND_PUBLICATION, 1, 2000, 6, 60, 0, 0, 0);
  g_autoptr(MctxMetricsSnapshot) p1_fewer = snapshot (MCTX_METRICS_KIND_PUBLICATION, 1, 3000, 4, 40, 0, 0, 0);
  g_autoptr(GError) error = NULL;

  g_test_summary ("Deltas refuse snapshots of different sources or in the wrong order");

  g_assert_null (mctx_metrics_snapshot_delta (p2, p1, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH);
  g_clear_error (&error);

  g_assert_null (mctx_metrics_snapshot_delta (c, p1, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH);
  g_clear_error (&error);

  /* Earlier given as later: time runs backwards. */
  g_assert_null (mctx_metrics_snapshot_delta (p1, p1_later, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH);
  g_clear_error (&error);

  /* Counters never drop. */
  g_assert_null (mctx_metrics_snapshot_delta (p1_fewer, p1_later, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH);
}

/* The tracker numbers what the kernel accepted, matches timestamps to
 * their due times, counts the ones that never come, and its quantiles are
 * bucket bounds at most 12.5 % high, exact at the maximum. */
static void
test_departures (void)
{
  MctxDepartures *departures = _mctx_departures_new ();
  const gint64 due = G_GINT64_CONSTANT (1700000000000000000);
  MctxDepartureStats first, later;
  MctxMetricsCounters none = { 0, };
  g_autoptr(MctxMetricsSnapshot) earlier_snapshot = NULL;
  g_autoptr(MctxMetricsSnapshot) later_snapshot = NULL;
  g_autoptr(MctxMetricsDelta) delta = NULL;

  g_test_summary ("Departure timestamps match their due times by the kernel's count; missing ones are counted");

  /* Ten datagrams due 1 ms apart, each leaving 10 µs late; #3 never stamped. */
  _mctx_departures_begin (departures, due, 1000000, due);
  for (guint i = 0; i < 10; i++)
    _mctx_departures_add (departures, i);
  _mctx_departures_end (departures);
  for (guint i = 0; i < 10; i++)
    if (i != 3)
      _mctx_departures_stamp (departures, i, due + i * 1000000 + 10000);
  _mctx_departures_read (departures, due, &first);
  g_assert_cmpuint (first.measured, ==, 9);
  g_assert_cmpuint (first.missing, ==, 1);
  g_assert_cmpfloat (_mctx_departure_stats_quantile (&first, NULL, 0.5), >=, 10.0);
  g_assert_cmpfloat (_mctx_departure_stats_quantile (&first, NULL, 0.5), <=, 10.0 * 1.125);
  g_assert_cmpfloat (_mctx_departure_stats_quantile (&first, NULL, 1.0), ==, 10.0);

  /* Two more, one 2 ms late; one never stamped, given up on after a second. */
  _mctx_departures_begin (departures, due + 20000000, 0, due + 20000000);
  _mctx_departures_add (departures, 0);
  _mctx_departures_add (departures, 0);
  _mctx_departures_end (departures);
  _mctx_departures_stamp (departures, 10, due + 22000000);
  _mctx_departures_stamp (departures, 3, due);   /* too late: ignored */
  _mctx_departures_read (departures, due + 20000000 + G_GINT64_CONSTANT (2000000000), &later);
  g_assert_cmpuint (later.measured, ==, 10);
  g_assert_cmpuint (later.missing, ==, 2);
  g_assert_cmpfloat (later.max_us, ==, 2000.0);

  earlier_snapshot = _mctx_metrics_snapshot_new (MCTX_METRICS_KIND_PUBLICATION, 1, 1, 1, &none, &first, 0, 0, 0);
  later_snapshot = _mctx_metrics_snapshot_new (MCTX_METRICS_KIND_PUBLICATION, 1, 2, 2, &none, &later, 0, 0, 0);
  delta = mctx_metrics_snapshot_delta (later_snapshot, earlier_snapshot, NULL);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_DEPARTURES_MEASURED), ==, 1);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_DEPARTURES_MISSING), ==, 1);
  g_assert_cmpfloat (mctx_metrics_delta_get_departure_error (delta, 0.5), ==, 2000.0);
  g_assert_cmpfloat (mctx_metrics_snapshot_get_departure_error (later_snapshot, 1.0), ==, 2000.0);
  g_assert_cmpfloat (mctx_metrics_snapshot_get_departure_error (later_snapshot, 0.5), <=, 10.0 * 1.125);

  /* Should the kernel have numbered a datagram the tracker did not (12,
   * say), its numbers run one ahead: one datagram goes missing, and the
   * first timestamp past the prediction (14) moves the tracker along. */
  _mctx_departures_begin (departures, due + 30000000, 0, due + 30000000);
  _mctx_departures_add (departures, 0);
  _mctx_departures_add (departures, 0);
  _mctx_departures_end (departures);
  _mctx_departures_stamp (departures, 13, due + 30000000 + 5000);
  _mctx_departures_stamp (departures, 14, due + 30000000 + 6000);
  _mctx_departures_read (departures, due + 30000000, &later);
  g_assert_cmpuint (later.measured, ==, 11);
  g_assert_cmpuint (later.missing, ==, 3);

  _mctx_departures_free (departures);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mctx/metrics-delta/rates", test_rates);
  g_test_add_func ("/mctx/metrics-delta/empty-interval", test_empty_interval);
  g_test_add_func ("/mctx/metrics-delta/mismatches", test_mismatches);
  g_test_add_func ("/mctx/metrics-delta/departures", test_departures);

  return g_test_run ();
}
