/* metrics.c: counters, snapshots, samplers and the JSONL writer
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mctx-test-util.h"

#define GROUP "239.1.2.3"
#define PAYLOAD_SIZE 100

static MctxPublication *
add (MctxContext *context,
     guint16      port)
{
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  config = mctx_udp_publication_config_new (GROUP, port, &error);
  g_assert_no_error (error);
  mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", &error);
  g_assert_no_error (error);
  return mctx_test_add_publication (context, config);
}

static void
send_n (MctxPublication *publication,
        guint            n)
{
  guint8 payload[PAYLOAD_SIZE] = { 0 };

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (mctx_publication_send (publication, payload, sizeof payload, &error),
                       ==, PAYLOAD_SIZE);
      g_assert_no_error (error);
    }
}

static void
fail_one (MctxPublication *publication)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (mctx_publication_send (publication, (const guint8 *) "x", 1, &error), ==, -1);
  g_assert_nonnull (error);
}

static void
assert_counts (MctxMetricsSnapshot *snapshot,
               guint64              packets,
               guint64              bytes,
               guint64              errors)
{
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, packets);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_BYTES_SENT), ==, bytes);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_SEND_ERRORS), ==, errors);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_SEND_CALLS), ==, packets + errors);
}

/* Sends and failed sends, cumulative for the publication's lifetime. */
static void
test_publication_counters (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxMetricsSnapshot) before = NULL;
  g_autoptr(MctxMetricsSnapshot) after = NULL;
  g_autoptr(GSocket) stolen = NULL;
  MctxPublication *publication = add (context, 5000);
  gint64 real_before = g_get_real_time ();

  g_test_summary ("Sends and failed sends, cumulative for the publication's lifetime.");

  before = mctx_publication_snapshot_metrics (publication);
  assert_counts (before, 0, 0, 0);
  g_assert_cmpint (mctx_metrics_snapshot_get_kind (before), ==, MCTX_METRICS_KIND_PUBLICATION);
  g_assert_cmpuint (mctx_metrics_snapshot_get_publication_id (before), ==, 1);

  send_n (publication, 3);
  {
    g_autoptr(MctxSendReport) report = mctx_publication_send_with_report (publication, (const guint8 *) "hello", 5, NULL);
    g_assert_nonnull (report);
  }
  stolen = mctx_publication_steal_socket (publication);
  fail_one (publication);
  fail_one (publication);

  after = mctx_publication_snapshot_metrics (publication);
  assert_counts (after, 4, 3 * PAYLOAD_SIZE + 5, 2);
  g_assert_cmpint (mctx_metrics_snapshot_get_timestamp (after), >=, real_before);
  g_assert_cmpint (mctx_metrics_snapshot_get_timestamp (after), <=, g_get_real_time ());
  g_assert_cmpint (mctx_metrics_snapshot_get_monotonic_time (after), >=,
                   mctx_metrics_snapshot_get_monotonic_time (before));
  g_assert_cmpint (mctx_metrics_snapshot_get_monotonic_time (after), <=, g_get_monotonic_time ());
  g_assert_cmpuint (mctx_metrics_snapshot_get_active_publications (after), ==, 0);
}

/* A full send buffer counts as a failed send call. */
static void
test_would_block_counted (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(MctxMetricsSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  guint8 payload[1000] = { 0 };
  guint sent = 0;

  g_test_summary ("A full send buffer counts as a failed send call.");

  mctx_test_run ("ip link add mwb0 type veth peer name mwb1");
  mctx_test_run ("ip link set mwb0 up");
  mctx_test_run ("ip link set mwb1 up");
  mctx_test_run ("ip address add 198.51.100.1/24 dev mwb0");
  mctx_test_run ("tc qdisc add dev mwb0 root tbf rate 8kbit burst 1600 limit 10000000");

  config = mctx_udp_publication_config_new (GROUP, 5000, &error);
  mctx_publication_config_set_outgoing_interface_string (config, "198.51.100.1", &error);
  g_assert_no_error (error);
  publication = mctx_context_add_publication (context, config, &error);
  g_assert_no_error (error);
  g_socket_set_option (mctx_publication_get_socket (publication), SOL_SOCKET, SO_SNDBUF, 4096, &error);
  g_assert_no_error (error);

  while (mctx_publication_send (publication, payload, sizeof payload, &error) >= 0)
    sent++;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);

  snapshot = mctx_publication_snapshot_metrics (publication);
  assert_counts (snapshot, sent, (guint64) sent * sizeof payload, 1);

  mctx_test_run ("ip link del mwb0");
}

/* Context totals across add, remove and take: they never drop, and a
 * taken publication's later sends are its own. */
static void
test_context_totals (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublication) taken = NULL;
  g_autoptr(MctxMetricsSnapshot) start = NULL;
  g_autoptr(MctxMetricsSnapshot) middle = NULL;
  g_autoptr(MctxMetricsSnapshot) end = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *a, *b, *c;

  g_test_summary ("Context totals across add, remove and take: they never drop, and a taken publication's later sends are its own.");

  start = mctx_context_snapshot_metrics (context);
  g_assert_cmpint (mctx_metrics_snapshot_get_kind (start), ==, MCTX_METRICS_KIND_CONTEXT);
  assert_counts (start, 0, 0, 0);

  a = add (context, 5001);
  b = add (context, 5002);
  send_n (a, 2);
  send_n (b, 1);

  middle = mctx_context_snapshot_metrics (context);
  assert_counts (middle, 3, 3 * PAYLOAD_SIZE, 0);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (middle, MCTX_METRICS_COUNTER_PUBLICATIONS_ADDED), ==, 2);
  g_assert_cmpuint (mctx_metrics_snapshot_get_active_publications (middle), ==, 2);

  g_assert_true (mctx_context_remove_publication (context, mctx_publication_get_id (a), &error));
  taken = mctx_context_take_publication (context, mctx_publication_get_id (b), &error);
  g_assert_no_error (error);
  send_n (taken, 5);
  c = add (context, 5003);
  send_n (c, 4);

  end = mctx_context_snapshot_metrics (context);
  /* a's 2 and b's 1 stay; b's 5 after the take do not count; c's 4. */
  assert_counts (end, 7, 7 * PAYLOAD_SIZE, 0);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (end, MCTX_METRICS_COUNTER_PUBLICATIONS_ADDED), ==, 3);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (end, MCTX_METRICS_COUNTER_PUBLICATIONS_REMOVED), ==, 2);
  g_assert_cmpuint (mctx_metrics_snapshot_get_active_publications (end), ==, 1);
  g_assert_cmpuint (mctx_metrics_snapshot_get_publication_id (end), ==, 0);
}

/* A sampler returns nothing first, then deltas on the monotonic clock. */
static void
test_sampler (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxMetricsSampler) publication_sampler = NULL;
  g_autoptr(MctxMetricsSampler) context_sampler = NULL;
  g_autoptr(MctxMetricsDelta) delta = NULL;
  g_autoptr(MctxMetricsDelta) context_delta = NULL;
  MctxPublication *publication = add (context, 5004);

  g_test_summary ("A sampler returns nothing first, then deltas on the monotonic clock.");

  publication_sampler = mctx_metrics_sampler_new_for_publication (publication);
  context_sampler = mctx_metrics_sampler_new_for_context (context);
  g_assert_null (mctx_metrics_sampler_get_last_snapshot (publication_sampler));
  g_assert_null (mctx_metrics_sampler_sample (publication_sampler));
  g_assert_null (mctx_metrics_sampler_sample (context_sampler));
  g_assert_nonnull (mctx_metrics_sampler_get_last_snapshot (publication_sampler));

  send_n (publication, 5);
  g_usleep (20000);
  add (context, 5005);

  delta = mctx_metrics_sampler_sample (publication_sampler);
  g_assert_nonnull (delta);
  g_assert_cmpint (mctx_metrics_snapshot_get_kind (mctx_metrics_delta_get_later (delta)), ==, MCTX_METRICS_KIND_PUBLICATION);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 5);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_BYTES_SENT), ==, 5 * PAYLOAD_SIZE);
  g_assert_cmpfloat (mctx_metrics_delta_get_interval (delta), >=, 0.02);
  g_assert_cmpfloat_with_epsilon (mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_PACKETS_SENT),
                                  5 / mctx_metrics_delta_get_interval (delta), 1e-9);
  g_assert_true (mctx_metrics_delta_get_later (delta) == mctx_metrics_sampler_get_last_snapshot (publication_sampler));

  context_delta = mctx_metrics_sampler_sample (context_sampler);
  g_assert_cmpuint (mctx_metrics_delta_get_change (context_delta, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 5);
  g_assert_cmpuint (mctx_metrics_delta_get_change (context_delta, MCTX_METRICS_COUNTER_PUBLICATIONS_ADDED), ==, 1);
  g_assert_cmpuint (mctx_metrics_snapshot_get_active_publications (mctx_metrics_delta_get_later (context_delta)), ==, 2);

  /* Snapshots of different sources, or out of order, make no delta. */
  {
    g_autoptr(GError) error = NULL;
    MctxMetricsSnapshot *p = mctx_metrics_sampler_get_last_snapshot (publication_sampler);
    MctxMetricsSnapshot *c = mctx_metrics_sampler_get_last_snapshot (context_sampler);

    g_assert_null (mctx_metrics_snapshot_delta (p, c, &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH);
    g_clear_error (&error);
    g_assert_null (mctx_metrics_snapshot_delta (mctx_metrics_delta_get_earlier (delta), p, &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH);
  }
}

/* Sampling at given instants, after a least duration, and afresh. */
static void
test_sampler_control (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxMetricsSampler) sampler = NULL;
  g_autoptr(MctxMetricsDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication = add (context, 5008);
  gint64 start = g_get_monotonic_time ();

  g_test_summary ("A sampler samples at given instants (intervals between them, exactly), "
                  "only after a least duration when asked, and afresh after a reset");

  sampler = mctx_metrics_sampler_new_for_publication (publication);

  /* At given instants: the interval is theirs, whatever the call took. */
  g_assert_null (mctx_metrics_sampler_sample_at (sampler, start, &error));
  g_assert_no_error (error);
  send_n (publication, 4);
  delta = mctx_metrics_sampler_sample_at (sampler, start + 2 * G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (mctx_metrics_delta_get_interval (delta), ==, 2.0);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 4);
  g_assert_cmpfloat (mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 2.0);
  g_clear_pointer (&delta, mctx_metrics_delta_unref);

  /* Going back in time is refused; the baseline stays. */
  g_assert_null (mctx_metrics_sampler_sample_at (sampler, start + G_USEC_PER_SEC, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH);
  g_clear_error (&error);
  g_assert_cmpint (mctx_metrics_snapshot_get_monotonic_time (mctx_metrics_sampler_get_last_snapshot (sampler)),
                   ==, start + 2 * G_USEC_PER_SEC);

  /* After a reset, the next sample is a new baseline. */
  mctx_metrics_sampler_reset (sampler);
  g_assert_null (mctx_metrics_sampler_get_last_snapshot (sampler));
  g_assert_null (mctx_metrics_sampler_sample (sampler));

  /* A delta over at least a duration: nothing before it has passed. */
  send_n (publication, 3);
  g_assert_null (mctx_metrics_sampler_sample_if_elapsed (sampler, 3600));
  g_usleep (30 * 1000);
  delta = mctx_metrics_sampler_sample_if_elapsed (sampler, 0.02);
  g_assert_nonnull (delta);
  g_assert_cmpfloat (mctx_metrics_delta_get_interval (delta), >=, 0.02);
  g_assert_cmpuint (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 3);
}

/* Several threads send while another snapshots in a tight loop: every
 * snapshot sees each send whole, and counts only grow. */
#define N_THREADS 4
#define SENDS_PER_THREAD 5000

typedef struct {
  MctxContext *context;
  MctxPublication *publication;
  gint running;
  guint snapshots;
} Concurrency;

static gpointer
sender_thread (gpointer data)
{
  Concurrency *state = data;

  send_n (state->publication, SENDS_PER_THREAD);
  return NULL;
}

static gpointer
snapshot_thread (gpointer data)
{
  Concurrency *state = data;
  guint64 last_packets = 0, last_context_packets = 0;

  while (g_atomic_int_get (&state->running))
    {
      g_autoptr(MctxMetricsSnapshot) own = mctx_publication_snapshot_metrics (state->publication);
      g_autoptr(MctxMetricsSnapshot) total = mctx_context_snapshot_metrics (state->context);
      guint64 packets = mctx_metrics_snapshot_get_counter (own, MCTX_METRICS_COUNTER_PACKETS_SENT);
      guint64 context_packets = mctx_metrics_snapshot_get_counter (total, MCTX_METRICS_COUNTER_PACKETS_SENT);

      g_assert_cmpuint (mctx_metrics_snapshot_get_counter (own, MCTX_METRICS_COUNTER_BYTES_SENT), ==, packets * PAYLOAD_SIZE);
      g_assert_cmpuint (mctx_metrics_snapshot_get_counter (own, MCTX_METRICS_COUNTER_SEND_CALLS), ==,
                        packets + mctx_metrics_snapshot_get_counter (own, MCTX_METRICS_COUNTER_SEND_ERRORS));
      g_assert_cmpuint (mctx_metrics_snapshot_get_counter (total, MCTX_METRICS_COUNTER_BYTES_SENT), ==, context_packets * PAYLOAD_SIZE);
      g_assert_cmpuint (packets, >=, last_packets);
      g_assert_cmpuint (context_packets, >=, last_context_packets);
      last_packets = packets;
      last_context_packets = context_packets;
      state->snapshots++;
    }

  return NULL;
}

static void
test_concurrent_snapshots (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxMetricsSnapshot) final = NULL;
  Concurrency state = { .context = context, .running = 1 };
  GThread *senders[N_THREADS];
  GThread *snapshotter;
  int sndbuf = 4 << 20;

  g_test_summary ("Snapshots taken while four threads send always see whole sends");

  state.publication = add (context, 5006);
  setsockopt (g_socket_get_fd (mctx_publication_get_socket (state.publication)), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);

  snapshotter = g_thread_new ("snapshots", snapshot_thread, &state);
  for (guint i = 0; i < N_THREADS; i++)
    senders[i] = g_thread_new ("sender", sender_thread, &state);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (senders[i]);
  g_atomic_int_set (&state.running, 0);
  g_thread_join (snapshotter);

  final = mctx_publication_snapshot_metrics (state.publication);
  assert_counts (final, N_THREADS * SENDS_PER_THREAD, N_THREADS * SENDS_PER_THREAD * PAYLOAD_SIZE, 0);
  g_assert_cmpuint (state.snapshots, >, 0);
  g_test_message ("%u snapshots taken while sending", state.snapshots);
}

static char *
temp_path (const char *relative)
{
  g_autofree char *dir = g_dir_make_tmp ("mctx-metrics-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_build_filename (dir, relative, NULL);
}

static GStrv
read_lines (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GStrv lines;
  guint n;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (contents, "\n"));
  lines = g_strsplit (contents, "\n", -1);
  n = g_strv_length (lines);
  g_free (lines[n - 1]);   /* the empty string after the last newline */
  lines[n - 1] = NULL;
  return lines;
}

static JsonObject *
parse_object (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_members (JsonObject         *object,
                const char * const *expected)
{
  g_autoptr(GList) members = json_object_get_members (object);
  guint i = 0;

  for (GList *l = members; l != NULL; l = l->next, i++)
    {
      g_assert_nonnull (expected[i]);
      g_assert_cmpstr (l->data, ==, expected[i]);
    }
  g_assert_null (expected[i]);
}

/* Header and samples, parsed back field by field. */
static void
test_writer_header_and_samples (void)
{
  g_autofree char *path = temp_path ("results/sender-0001/network.jsonl");
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxMetricsSampler) sampler = mctx_metrics_sampler_new_for_context (context);
  g_autoptr(MctxMetricsWriter) writer = NULL;
  g_autoptr(JsonObject) flags = json_object_new ();
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(MctxMetricsDelta) first = NULL;
  g_autoptr(MctxMetricsDelta) second = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  const char * const header_members[] = {
    "schema", "artifact_type", "node_id", "producer", "created_at", "flags", NULL
  };
  const char * const sample_members[] = {
    "ts", "interval_secs", "active_publications",
    "publications_added_total", "publications_added_delta",
    "publications_removed_total", "publications_removed_delta",
    "send_calls_total", "send_calls_delta",
    "packets_sent_total", "packets_sent_delta",
    "bytes_sent_total", "bytes_sent_delta",
    "send_errors_total", "send_errors_delta",
    "send_calls_per_sec", "packets_per_sec", "bytes_per_sec", "send_errors_per_sec",
    "unreachable_errors_total", "unreachable_errors_delta",
    "message_size_errors_total", "message_size_errors_delta",
    "local_errors_total", "local_errors_delta",
    "departures_measured_total", "departures_measured_delta",
    "departures_missing_total", "departures_missing_delta",
    NULL
  };
  g_autoptr(MctxPublication) publication = NULL;
  gint64 before = g_get_real_time ();
  JsonObject *header_flags;

  g_test_summary ("Header and samples, parsed back field by field.");

  json_object_set_string_member (flags, "experiment", "baseline");
  json_object_set_string_member (flags, "role", "observer");   /* built-ins win; "receiver" alone is kept */
  json_object_set_int_member (flags, "run", 7);

  g_unsetenv ("MCTX_METRICS_NODE_ID");
  writer = mctx_metrics_writer_new (path, "mctx/test", NULL, flags, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mctx_metrics_writer_get_node_id (writer), ==, "sender-0001");
  {
    g_autofree char *producer = NULL;
    g_autofree char *written_path = NULL;

    g_object_get (writer, "producer", &producer, "path", &written_path, NULL);
    g_assert_cmpstr (producer, ==, "mctx/test");
    g_assert_cmpstr (written_path, ==, path);
  }

  g_assert_null (mctx_metrics_sampler_sample (sampler));
  publication = g_object_ref (add (context, 5007));
  send_n (publication, 3);
  first = mctx_metrics_sampler_sample (sampler);
  g_assert_true (mctx_metrics_writer_write_sample (writer, first, &error));
  g_assert_no_error (error);
  send_n (publication, 2);
  mctx_context_remove_publication (context, 1, &error);
  second = mctx_metrics_sampler_sample (sampler);
  g_assert_true (mctx_metrics_writer_write_sample (writer, second, &error));
  g_assert_no_error (error);

  lines = read_lines (path);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);

  header = parse_object (lines[0]);
  assert_members (header, header_members);
  g_assert_cmpstr (json_object_get_string_member (header, "schema"), ==, "heimdall-jsonl-v1");
  g_assert_cmpstr (json_object_get_string_member (header, "artifact_type"), ==, "mctx-network");
  g_assert_cmpstr (json_object_get_string_member (header, "node_id"), ==, "sender-0001");
  g_assert_cmpstr (json_object_get_string_member (header, "producer"), ==, "mctx/test");
  g_assert_true (json_node_get_value_type (json_object_get_member (header, "created_at")) == G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_object_get_double_member (header, "created_at"), >=, before / 1e6 - 1);
  g_assert_cmpfloat (json_object_get_double_member (header, "created_at"), <=, g_get_real_time () / 1e6);
  header_flags = json_object_get_object_member (header, "flags");
  g_assert_cmpstr (json_object_get_string_member (header_flags, "transport"), ==, "udp-multicast");
  g_assert_cmpstr (json_object_get_string_member (header_flags, "role"), ==, "sender");
  g_assert_cmpstr (json_object_get_string_member (header_flags, "experiment"), ==, "baseline");
  g_assert_cmpint (json_object_get_int_member (header_flags, "run"), ==, 7);

  for (guint i = 1; i <= 2; i++)
    {
      g_autoptr(JsonObject) row = parse_object (lines[i]);
      MctxMetricsDelta *delta = i == 1 ? first : second;
      MctxMetricsSnapshot *later = mctx_metrics_delta_get_later (delta);

      /* Compact: one line, no spaces outside strings. */
      g_assert_null (strchr (lines[i], ' '));
      assert_members (row, sample_members);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "ts"),
                                      mctx_metrics_snapshot_get_timestamp (later) / 1e6, 1e-6);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "interval_secs"),
                                      mctx_metrics_delta_get_interval (delta), 1e-9);
      g_assert_cmpint (json_object_get_int_member (row, "active_publications"), ==, i == 1 ? 1 : 0);
      g_assert_cmpint (json_object_get_int_member (row, "publications_added_total"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (row, "publications_added_delta"), ==, i == 1 ? 1 : 0);
      g_assert_cmpint (json_object_get_int_member (row, "publications_removed_total"), ==, i == 1 ? 0 : 1);
      g_assert_cmpint (json_object_get_int_member (row, "publications_removed_delta"), ==, i == 1 ? 0 : 1);
      g_assert_cmpint (json_object_get_int_member (row, "send_calls_total"), ==, i == 1 ? 3 : 5);
      g_assert_cmpint (json_object_get_int_member (row, "send_calls_delta"), ==, i == 1 ? 3 : 2);
      g_assert_cmpint (json_object_get_int_member (row, "packets_sent_total"), ==, i == 1 ? 3 : 5);
      g_assert_cmpint (json_object_get_int_member (row, "packets_sent_delta"), ==, i == 1 ? 3 : 2);
      g_assert_cmpint (json_object_get_int_member (row, "bytes_sent_total"), ==, (i == 1 ? 3 : 5) * PAYLOAD_SIZE);
      g_assert_cmpint (json_object_get_int_member (row, "bytes_sent_delta"), ==, (i == 1 ? 3 : 2) * PAYLOAD_SIZE);
      g_assert_cmpint (json_object_get_int_member (row, "send_errors_total"), ==, 0);
      g_assert_cmpint (json_object_get_int_member (row, "send_errors_delta"), ==, 0);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "packets_per_sec"),
                                      mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_PACKETS_SENT), 1e-6);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "bytes_per_sec"),
                                      mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_BYTES_SENT), 1e-6);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "send_calls_per_sec"),
                                      mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_SEND_CALLS), 1e-6);
      g_assert_cmpfloat (json_object_get_double_member (row, "send_errors_per_sec"), ==, 0.0);
    }

  /* A publication's delta is not a context sample. */
  {
    g_autoptr(MctxMetricsSampler) own = mctx_metrics_sampler_new_for_publication (publication);
    g_autoptr(MctxMetricsDelta) none = mctx_metrics_sampler_sample (own);
    g_autoptr(MctxMetricsDelta) delta = mctx_metrics_sampler_sample (own);

    g_assert_null (none);
    g_assert_false (mctx_metrics_writer_write_sample (writer, delta, &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH);
  }
}

/* An existing file with a valid header is appended to, without a second
 * header; one without is refused untouched. */
static void
test_writer_existing_files (void)
{
  g_autofree char *path = temp_path ("node/append.jsonl");
  g_autofree char *bad = temp_path ("bad.jsonl");
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxMetricsSampler) sampler = mctx_metrics_sampler_new_for_context (context);
  g_autoptr(MctxMetricsDelta) none = mctx_metrics_sampler_sample (sampler);
  g_autoptr(MctxMetricsDelta) delta = mctx_metrics_sampler_sample (sampler);
  g_autoptr(GError) error = NULL;
  const char *bad_contents[] = {
    "not json\n",
    "{\"schema\":\"other-v1\",\"artifact_type\":\"x\",\"node_id\":\"n\",\"producer\":\"p\",\"created_at\":1.0,\"flags\":{}}\n",
    "{\"schema\":\"heimdall-jsonl-v1\",\"node_id\":\"n\",\"producer\":\"p\",\"created_at\":1.0,\"flags\":{}}\n",
    "{\"schema\":\"heimdall-jsonl-v1\",\"artifact_type\":\"x\",\"node_id\":\"n\",\"producer\":\"p\",\"created_at\":\"yesterday\",\"flags\":{}}\n",
    "{\"schema\":\"heimdall-jsonl-v1\",\"artifact_type\":\"x\",\"node_id\":\"n\",\"producer\":\"p\",\"created_at\":1.0,\"flags\":[]}\n",
    "[1,2]\n",
    "{\"schema\":\"heimdall-jsonl-v1\"",
  };

  g_test_summary ("An existing file with a valid header is appended to, without a second header; one without is refused untouched.");

  g_assert_null (none);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(MctxMetricsWriter) writer = mctx_metrics_writer_new (path, "mctx/test", "n1", NULL, &error);

      g_assert_no_error (error);
      g_assert_true (mctx_metrics_writer_write_sample (writer, delta, &error));
      g_assert_no_error (error);
    }

  {
    g_auto(GStrv) lines = read_lines (path);

    g_assert_cmpuint (g_strv_length (lines), ==, 3);
    g_assert_true (g_str_has_prefix (lines[0], "{\"schema\":\"heimdall-jsonl-v1\""));
    g_assert_true (g_str_has_prefix (lines[1], "{\"ts\":"));
    g_assert_true (g_str_has_prefix (lines[2], "{\"ts\":"));
  }

  /* Whole-file checks: after this run's own valid header, a second header,
   * a sample carrying a header member, a line that is not an object, and a
   * header nested too deep for the parser's stack. */
  {
    g_auto(GStrv) lines = read_lines (path);
    g_autofree char *second_header = g_strconcat (lines[0], "\n", lines[1], "\n", lines[0], "\n", NULL);
    g_autofree char *reserved = g_strconcat (lines[0], "\n{\"ts\":1.0,\"node_id\":\"n1\"}\n", NULL);
    g_autofree char *not_object = g_strconcat (lines[0], "\n", lines[1], "\n[1,2,3]\n", NULL);
    g_autofree char *deep_open = g_strnfill (60000, '[');
    g_autofree char *deep_close = g_strnfill (60000, ']');
    g_autofree char *deep = g_strconcat (deep_open, deep_close, "\n", NULL);
    const char *whole_file[] = { second_header, reserved, not_object, deep };

    for (guint i = 0; i < G_N_ELEMENTS (whole_file); i++)
      {
        g_autofree char *after = NULL;

        g_test_message ("whole-file case %u", i);
        g_file_set_contents (bad, whole_file[i], -1, &error);
        g_assert_no_error (error);
        g_assert_null (mctx_metrics_writer_new (bad, "mctx/test", "n1", NULL, &error));
        g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_FILE);
        g_clear_error (&error);
        g_file_get_contents (bad, &after, NULL, &error);
        g_assert_cmpstr (after, ==, whole_file[i]);
      }
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad_contents); i++)
    {
      g_autofree char *after = NULL;

      g_file_set_contents (bad, bad_contents[i], -1, &error);
      g_assert_no_error (error);

      g_assert_null (mctx_metrics_writer_new (bad, "mctx/test", "n1", NULL, &error));
      g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_FILE);
      g_assert_nonnull (strstr (error->message, bad));
      g_clear_error (&error);

      g_file_get_contents (bad, &after, NULL, &error);
      g_assert_cmpstr (after, ==, bad_contents[i]);
    }

  /* The header is the first non-empty line: blank lines before it are
   * accepted. */
  {
    g_auto(GStrv) lines = read_lines (path);
    g_autofree char *with_blank = g_strconcat ("\n", lines[0], "\n", NULL);
    g_autoptr(MctxMetricsWriter) writer = NULL;

    g_file_set_contents (bad, with_blank, -1, &error);
    g_assert_no_error (error);
    writer = mctx_metrics_writer_new (bad, "mctx/test", "n1", NULL, &error);
    g_assert_no_error (error);
  }
}

/* The requested header is checked before any file is created. */
static void
test_writer_validation (void)
{
  g_autofree char *path = temp_path ("never/created.jsonl");
  g_autoptr(JsonObject) flags = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_path_get_dirname (path);

  g_test_summary ("The requested header is checked before any file is created.");

  g_assert_null (mctx_metrics_writer_new (path, "", "n1", NULL, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER);
  g_clear_error (&error);

  g_assert_null (mctx_metrics_writer_new (path, "mctx/test", "two\nlines", NULL, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER);
  g_clear_error (&error);

  g_assert_null (mctx_metrics_writer_new (path, "mctx/test", "", NULL, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER);
  g_clear_error (&error);

  json_object_set_string_member (flags, "", "nameless");
  g_assert_null (mctx_metrics_writer_new (path, "mctx/test", "n1", flags, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER);
  g_clear_error (&error);

  g_assert_null (mctx_metrics_writer_new ("", "mctx/test", "n1", NULL, &error));
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER);
  g_clear_error (&error);

  /* Flags nested too deep for a reader, and a header too long for the
   * next run to read back. */
  {
    g_autoptr(JsonObject) deep = json_object_new ();
    g_autoptr(JsonObject) big = json_object_new ();
    g_autofree char *filler = g_strnfill (70 * 1024, 'x');
    JsonObject *level = deep;

    for (guint i = 0; i < 40; i++)
      {
        JsonObject *inner = json_object_new ();

        json_object_set_object_member (level, "a", inner);
        level = inner;
      }
    g_assert_null (mctx_metrics_writer_new (path, "mctx/test", "n1", deep, &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER);
    g_assert_nonnull (strstr (error->message, "32 levels"));
    g_clear_error (&error);

    json_object_set_string_member (big, "filler", filler);
    g_assert_null (mctx_metrics_writer_new (path, "mctx/test", "n1", big, &error));
    g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER);
    g_clear_error (&error);
  }

  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
}

static char *lock_path;

/* One writer at a time: a second in this process fails, so does one in
 * another process, and the file is free again once the first closes. */
static void
test_writer_lock (void)
{
  g_autoptr(MctxMetricsWriter) first = NULL;
  g_autoptr(MctxMetricsWriter) second = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("One writer at a time: a second in this process fails, so does one in another process, and the file is free again once the first closes.");

  if (g_test_subprocess ())
    {
      g_assert_null (mctx_metrics_writer_new (lock_path, "mctx/other-process", "n1", NULL, &error));
      g_assert_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_FILE_LOCKED);
      g_print ("locked out: %s\n", error->message);
      return;
    }

  lock_path = temp_path ("locked.jsonl");
  g_setenv ("MCTX_TEST_LOCK_PATH", lock_path, TRUE);

  first = mctx_metrics_writer_new (lock_path, "mctx/test", "n1", NULL, &error);
  g_assert_no_error (error);

  second = mctx_metrics_writer_new (lock_path, "mctx/test", "n1", NULL, &error);
  g_assert_null (second);
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_FILE_LOCKED);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*locked out:*");

  mctx_metrics_writer_close (first);
  second = mctx_metrics_writer_new (lock_path, "mctx/test", "n1", NULL, &error);
  g_assert_no_error (error);
}

/* The node id a writer gets when none is given. Paths are relative to a
 * fresh folder, where the writer can create them. */
static void
test_node_id (void)
{
  const struct {
    const char *path;
    const char *node_id;
  } cases[] = {
    { "results/sender-0001/network.jsonl", "sender-0001" },
    { "network.jsonl", "network" },
    { "./stem.jsonl", "stem" },
    { "metrics", "metrics" },
    { ".hidden", ".hidden" },
  };
  g_autofree char *dir = g_dir_make_tmp ("mctx-node-id-XXXXXX", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *absolute = NULL;

  g_test_summary ("The metrics node id comes from the environment, the folder or the file name");

  g_assert_nonnull (dir);
  g_assert_cmpint (g_chdir (dir), ==, 0);
  g_unsetenv ("MCTX_METRICS_NODE_ID");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MctxMetricsWriter) writer = mctx_metrics_writer_new (cases[i].path, "mctx/test", NULL, NULL, &error);

      g_test_message ("%s", cases[i].path);
      g_assert_no_error (error);
      g_assert_cmpstr (mctx_metrics_writer_get_node_id (writer), ==, cases[i].node_id);
    }

  /* An absolute path names its parent folder too. */
  absolute = g_build_filename (dir, "node-7", "out.jsonl", NULL);
  {
    g_autoptr(MctxMetricsWriter) writer = mctx_metrics_writer_new (absolute, "mctx/test", NULL, NULL, NULL);

    g_assert_cmpstr (mctx_metrics_writer_get_node_id (writer), ==, "node-7");
  }

  g_setenv ("MCTX_METRICS_NODE_ID", "sender-from-env", TRUE);
  {
    g_autoptr(MctxMetricsWriter) writer = mctx_metrics_writer_new ("results/sender-0001/other.jsonl", "mctx/test",
                                                                   NULL, NULL, NULL);

    g_assert_cmpstr (mctx_metrics_writer_get_node_id (writer), ==, "sender-from-env");
  }
  g_unsetenv ("MCTX_METRICS_NODE_ID");
  g_assert_cmpint (g_chdir (cwd), ==, 0);
}

/* MCTX_METRICS_FLAGS_JSON adds flags under the caller's, and bad text
 * makes no writer. */
static void
test_environment_flags (void)
{
  g_autofree char *path = temp_path ("flags.jsonl");
  g_autoptr(JsonObject) flags = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonNode) header = NULL;
  JsonObject *written;

  g_test_summary ("MCTX_METRICS_FLAGS_JSON adds header flags under the caller's; bad text makes no writer");

  json_object_set_string_member (flags, "experiment", "caller");
  g_setenv ("MCTX_METRICS_FLAGS_JSON", "{\"experiment\":\"env\",\"site\":\"lab\",\"role\":\"spoofed\"}", TRUE);
  {
    g_autoptr(MctxMetricsWriter) writer = mctx_metrics_writer_new (path, "mctx/test", "n1", flags, &error);

    g_assert_no_error (error);
    g_assert_nonnull (writer);
  }
  lines = read_lines (path);
  header = json_from_string (lines[0], &error);
  g_assert_no_error (error);
  written = json_object_get_object_member (json_node_get_object (header), "flags");
  g_assert_cmpstr (json_object_get_string_member (written, "experiment"), ==, "caller");
  g_assert_cmpstr (json_object_get_string_member (written, "site"), ==, "lab");
  g_assert_cmpstr (json_object_get_string_member (written, "role"), ==, "sender");

  for (guint i = 0; i < 3; i++)
    {
      static const char *const bad[] = { "{not json", "[1, 2]", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]" };
      g_autofree char *other = temp_path ("bad.jsonl");

      g_setenv ("MCTX_METRICS_FLAGS_JSON", bad[i], TRUE);
      g_assert_null (mctx_metrics_writer_new (other, "mctx/test", "n1", NULL, &error));
      g_assert_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER);
      g_assert_true (g_str_has_prefix (error->message, "MCTX_METRICS_FLAGS_JSON: "));
      g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
      g_clear_error (&error);
    }
  g_unsetenv ("MCTX_METRICS_FLAGS_JSON");
}

int
main (int    argc,
      char **argv)
{
  mctx_test_init_netns (&argc, &argv);
  lock_path = (char *) g_getenv ("MCTX_TEST_LOCK_PATH");

  g_test_add_func ("/mctx/metrics/publication-counters", test_publication_counters);
  g_test_add_func ("/mctx/metrics/would-block-counted", test_would_block_counted);
  g_test_add_func ("/mctx/metrics/context-totals", test_context_totals);
  g_test_add_func ("/mctx/metrics/sampler", test_sampler);
  g_test_add_func ("/mctx/metrics/sampler-control", test_sampler_control);
  g_test_add_func ("/mctx/metrics/concurrent-snapshots", test_concurrent_snapshots);
  g_test_add_func ("/mctx/metrics/writer/header-and-samples", test_writer_header_and_samples);
  g_test_add_func ("/mctx/metrics/writer/existing-files", test_writer_existing_files);
  g_test_add_func ("/mctx/metrics/writer/validation", test_writer_validation);
  g_test_add_func ("/mctx/metrics/writer/lock", test_writer_lock);
  g_test_add_func ("/mctx/metrics/node-id", test_node_id);
  g_test_add_func ("/mctx/metrics/environment-flags", test_environment_flags);

  return g_test_run ();
}
