/* mainloop.c: publication sources, async sends and the paced sender
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <math.h>

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mctx-test-util.h"

#define GROUP "239.1.2.3"
#define PAYLOAD "hello main loop"
#define WAIT_MS 2000

/* A context with one publication to 239.1.2.3 via lo, and a receiver. */
typedef struct {
  MctxContext *context;
  MctxPublication *publication;
  int receiver;
  guint16 port;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  fixture->receiver = mctx_test_receiver_ipv4 (GROUP, "127.0.0.1", 0, &fixture->port);
  config = mctx_udp_publication_config_new (GROUP, fixture->port, &error);
  g_assert_no_error (error);
  mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", &error);
  g_assert_no_error (error);

  fixture->context = mctx_context_new ();
  fixture->publication = mctx_context_add_publication (fixture->context, config, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->context);
  close (fixture->receiver);
}

static void
assert_receives (int          fd,
                 const char  *payload)
{
  MctxTestDatagram datagram;

  g_autofree char *text = NULL;
  gsize len;

  g_assert_true (mctx_test_receive (fd, WAIT_MS, &datagram));
  /* As text, so that a failure shows what came instead. */
  text = g_strndup ((const char *) datagram.data, datagram.len);
  len = datagram.len;
  mctx_test_datagram_clear (&datagram);
  g_assert_cmpstr (text, ==, payload);
  g_assert_cmpuint (len, ==, strlen (payload));
}

static void
iterate_until (gboolean *done)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!*done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

typedef struct {
  guint calls;
  gboolean saw_closed;
} SourceState;

static gboolean
send_from_source (MctxPublication *publication,
                  GIOCondition     condition,
                  gpointer         user_data)
{
  SourceState *state = user_data;
  g_autoptr(GError) error = NULL;

  state->calls++;
  if (mctx_publication_get_socket (publication) == NULL)
    {
      /* The socket went: the source says so. */
      g_assert_cmpint (condition, ==, G_IO_HUP);
      state->saw_closed = TRUE;
      return G_SOURCE_CONTINUE;
    }

  g_assert_cmpint (condition & G_IO_OUT, ==, G_IO_OUT);
  g_assert_cmpint (mctx_publication_send (publication, (const guint8 *) PAYLOAD,
                                                strlen (PAYLOAD), &error), ==, strlen (PAYLOAD));
  g_assert_no_error (error);
  return state->calls < 3 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* A writable socket dispatches the source; the callback sends. */
static void
test_source_sends (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GSource) source = mctx_publication_create_source (fixture->publication, NULL);
  SourceState state = { 0 };

  g_test_summary ("A writable socket dispatches the source; the callback sends.");

  g_assert_cmpstr (g_source_get_name (source), ==, "MctxPublication");
  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) send_from_source, &state, NULL);
  g_source_attach (source, NULL);

  while (!g_source_is_destroyed (source))
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (state.calls, ==, 3);
  for (guint i = 0; i < 3; i++)
    assert_receives (fixture->receiver, PAYLOAD);
}

static void
count_destroy (gpointer data)
{
  (*(guint *) data)++;
}

static gboolean
never_called (MctxPublication *publication,
              GIOCondition     condition,
              gpointer         user_data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

/* The binding-style watch attaches to the thread-default context; losing
 * the socket calls the callback once more and ends the source. */
static void
test_watch_and_detach (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) watch = NULL;
  g_autoptr(GSocket) stolen = NULL;
  SourceState state = { 0 };
  guint destroyed = 0;

  g_test_summary ("The binding-style watch attaches to the thread-default context; losing the socket calls the callback once more and ends the source.");

  g_main_context_push_thread_default (context);

  /* A cancelled watch is simply destroyed by its owner. */
  {
    g_autoptr(GSource) idle_watch = mctx_publication_watch (fixture->publication, G_PRIORITY_LOW,
                                                            NULL, never_called, &destroyed, count_destroy);
    g_assert_true (g_source_get_context (idle_watch) == context);
    g_assert_cmpint (g_source_get_priority (idle_watch), ==, G_PRIORITY_LOW);
    g_source_destroy (idle_watch);
    g_assert_cmpuint (destroyed, ==, 1);
  }

  /* Ask for a dispatch only when the socket is gone: hold the callback off
   * with a full-priority check of the state. */
  stolen = mctx_publication_steal_socket (fixture->publication);
  watch = mctx_publication_watch (fixture->publication, G_PRIORITY_DEFAULT, NULL,
                                  send_from_source, &state, NULL);
  while (!g_source_is_destroyed (watch))
    g_main_context_iteration (context, TRUE);

  g_assert_cmpuint (state.calls, ==, 1);
  g_assert_true (state.saw_closed);

  g_main_context_pop_thread_default (context);
}

typedef struct {
  gboolean done;
  gssize sent;              /* what the finish returned */
  GError *error;
} AsyncResult;

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncResult *async = user_data;

  async->sent = mctx_publication_send_finish (MCTX_PUBLICATION (object), result, &async->error);
  async->done = TRUE;
}

static void
async_result_clear (AsyncResult *async)
{
  async->sent = 0;
  g_clear_error (&async->error);
  async->done = FALSE;
}

static void
test_send_async (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  AsyncResult async = { 0 };

  g_test_summary ("An async send completes with the bytes sent, as the sync send returns, on the main loop");

  mctx_publication_send_async (fixture->publication, bytes, G_PRIORITY_DEFAULT, NULL, on_sent, &async);
  /* Even when it sends at once, the callback comes from the main loop. */
  g_assert_false (async.done);
  iterate_until (&async.done);

  g_assert_no_error (async.error);
  g_assert_cmpint (async.sent, ==, strlen (PAYLOAD));
  assert_receives (fixture->receiver, PAYLOAD);
  async_result_clear (&async);
}

/* A datagram that went out at once is reported as sent even when the
 * cancellable is cancelled before the callback runs. */
static void
test_send_async_sent_then_cancelled (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncResult async = { 0 };

  g_test_summary ("A datagram that went out at once is reported as sent even when the cancellable is cancelled before the callback runs.");

  mctx_publication_send_async (fixture->publication, bytes, G_PRIORITY_DEFAULT, cancellable, on_sent, &async);
  g_cancellable_cancel (cancellable);
  iterate_until (&async.done);

  g_assert_no_error (async.error);
  g_assert_cmpint (async.sent, ==, strlen (PAYLOAD));
  assert_receives (fixture->receiver, PAYLOAD);
  async_result_clear (&async);

  /* Cancelled before it starts: nothing is sent. */
  mctx_publication_send_async (fixture->publication, bytes, G_PRIORITY_DEFAULT, cancellable, on_sent, &async);
  iterate_until (&async.done);
  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  async_result_clear (&async);
}

/* A link whose token bucket holds the packets, so the socket's small send
 * buffer fills; the peer namespace receives what gets through. */
typedef struct {
  MctxTestPeer *peer;
  MctxContext *context;
  MctxPublication *publication;
  int remote;
} SlowLink;

static void
slow_link_set_up (SlowLink      *link,
                  gconstpointer  data)
{
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  link->peer = mctx_test_peer_new ();
  mctx_test_peer_add_veth (link->peer, "slow0", "slow1");
  mctx_test_run ("ip address add 198.51.100.1/24 dev slow0");
  mctx_test_peer_run (link->peer, "ip address add 198.51.100.2/24 dev slow1");
  /* 8 kbit/s: a full send buffer stays full for seconds. */
  mctx_test_run ("tc qdisc add dev slow0 root tbf rate 8kbit burst 1600 limit 10000000");

  mctx_test_peer_enter (link->peer);
  link->remote = mctx_test_receiver_ipv4 (GROUP, "198.51.100.2", 0, &port);
  mctx_test_peer_leave (link->peer);

  config = mctx_udp_publication_config_new (GROUP, port, &error);
  g_assert_no_error (error);
  mctx_publication_config_set_outgoing_interface_string (config, "198.51.100.1", &error);
  g_assert_no_error (error);

  link->context = mctx_context_new ();
  link->publication = mctx_context_add_publication (link->context, config, &error);
  g_assert_no_error (error);
  g_socket_set_option (mctx_publication_get_socket (link->publication),
                       SOL_SOCKET, SO_SNDBUF, 4096, &error);
  g_assert_no_error (error);
}

static void
slow_link_tear_down (SlowLink      *link,
                     gconstpointer  data)
{
  g_clear_object (&link->context);
  close (link->remote);
  mctx_test_run ("ip link del slow0");
  mctx_test_peer_free (link->peer);
}

/* Sends until the buffer is full; returns how many went out. */
static guint
fill_send_buffer (MctxPublication *publication)
{
  guint8 payload[1000] = { 0 };
  g_autoptr(GError) error = NULL;
  guint sent = 0;

  while (mctx_publication_send (publication, payload, sizeof payload, &error) >= 0)
    sent++;

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_assert_cmpuint (sent, >, 0);
  return sent;
}

static gboolean
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* On a full buffer the async send waits for writability, without blocking
 * the loop, and completes once the buffer drains. The slow link cannot
 * drain it by itself during the wait; deleting its queue frees it. */
static void
test_send_async_waits (SlowLink      *link,
                       gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  AsyncResult async = { 0 };
  gboolean waited = FALSE;
  MctxTestDatagram datagram;
  gboolean found = FALSE;

  g_test_summary ("On a full buffer the async send waits for writability, without blocking the loop, and completes once the buffer drains. The slow link cannot drain it by itself during the wait; deleting its queue frees it.");

  fill_send_buffer (link->publication);
  mctx_publication_send_async (link->publication, bytes, G_PRIORITY_DEFAULT, NULL, on_sent, &async);

  /* The loop keeps running while the send waits. */
  g_timeout_add (200, set_flag, &waited);
  iterate_until (&waited);
  g_assert_false (async.done);

  mctx_test_run ("tc qdisc del dev slow0 root");
  iterate_until (&async.done);

  g_assert_no_error (async.error);
  g_assert_cmpint (async.sent, ==, strlen (PAYLOAD));

  while (!found && mctx_test_receive (link->remote, WAIT_MS, &datagram))
    {
      found = datagram.len == (gssize) strlen (PAYLOAD) &&
              memcmp (datagram.data, PAYLOAD, strlen (PAYLOAD)) == 0;
      mctx_test_datagram_clear (&datagram);
    }
  g_assert_true (found);
  async_result_clear (&async);
}

static void
test_send_async_cancelled (SlowLink      *link,
                           gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncResult async = { 0 };

  g_test_summary ("Cancelling an async send that waits for room ends it with G_IO_ERROR_CANCELLED");

  fill_send_buffer (link->publication);
  mctx_publication_send_async (link->publication, bytes, G_PRIORITY_DEFAULT, cancellable, on_sent, &async);
  g_main_context_iteration (NULL, FALSE);
  g_cancellable_cancel (cancellable);
  iterate_until (&async.done);

  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (async.sent, ==, -1);
  async_result_clear (&async);
}

/* Removing the publication while a send waits ends the send with a clear
 * error; the task kept the publication alive. */
static void
test_send_async_removed (SlowLink      *link,
                         gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  AsyncResult async = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("Removing the publication while a send waits ends the send with a clear error; the task kept the publication alive.");

  fill_send_buffer (link->publication);
  mctx_publication_send_async (link->publication, bytes, G_PRIORITY_DEFAULT, NULL, on_sent, &async);
  g_main_context_iteration (NULL, FALSE);

  g_assert_true (mctx_context_remove_publication (link->context,
                                                  mctx_publication_get_id (link->publication), &error));
  g_assert_no_error (error);
  link->publication = NULL;
  iterate_until (&async.done);

  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_nonnull (strstr (async.error->message, "waiting"));
  async_result_clear (&async);
}

/* Dropping the whole context while a send waits ends it the same way. */
static void
test_send_async_context_destroyed (SlowLink      *link,
                                   gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  AsyncResult async = { 0 };

  g_test_summary ("Dropping the whole context while a send waits ends it the same way.");

  fill_send_buffer (link->publication);
  mctx_publication_send_async (link->publication, bytes, G_PRIORITY_DEFAULT, NULL, on_sent, &async);
  g_main_context_iteration (NULL, FALSE);

  g_clear_object (&link->context);
  link->publication = NULL;
  iterate_until (&async.done);

  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  async_result_clear (&async);
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError *error;
  guint progress_calls;
  guint64 last_packets;
  guint64 last_bytes;
} RunResult;

static void
on_run (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  RunResult *run = user_data;

  run->ok = mctx_paced_sender_run_finish (MCTX_PACED_SENDER (object), result, &run->error);
  run->done = TRUE;
}

static void
on_progress (MctxPacedSender *sender,
             guint64          packets,
             guint64          bytes,
             RunResult       *run)
{
  g_assert_cmpuint (packets, >=, run->last_packets);
  run->progress_calls++;
  run->last_packets = packets;
  run->last_bytes = bytes;
}

static guint
drain (int fd)
{
  MctxTestDatagram datagram;
  guint received = 0;

  while (mctx_test_receive (fd, 300, &datagram))
    {
      received++;
      mctx_test_datagram_clear (&datagram);
    }
  return received;
}

/* A paced run of a publication that measures departures: every datagram's
 * kernel timestamp is matched to its slot, and shows in the metrics. */
static void
test_paced_departures (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(MctxPublicationConfig) config = mctx_publication_dup_config (fixture->publication);
  g_autoptr(MctxPacedSender) sender = NULL;
  g_autoptr(MctxMetricsSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  RunResult run = { 0 };

  g_test_summary ("A paced run's datagrams are measured against their slots by kernel timestamps");

  mctx_publication_config_set_departure_timestamps (config, TRUE);
  publication = mctx_context_add_publication (fixture->context, config, &error);
  g_assert_no_error (error);
  sender = mctx_paced_sender_new (publication, bytes, 100);
  mctx_paced_sender_set_packets_per_second (sender, 2000);
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);
  g_assert_no_error (run.error);
  g_usleep (10000);

  snapshot = mctx_publication_snapshot_metrics (publication);
#ifdef MCTX_HAS_METRICS
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_DEPARTURES_MEASURED), ==, 100);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_DEPARTURES_MISSING), ==, 0);
  g_assert_cmpfloat (mctx_metrics_snapshot_get_departure_error (snapshot, 0.5), >=, 0.0);
  g_assert_cmpfloat (mctx_metrics_snapshot_get_departure_error (snapshot, 0.5), <=,
                     mctx_metrics_snapshot_get_departure_error (snapshot, 1.0));
  g_test_message ("departure error p50 %.1f µs, max %.1f µs",
                  mctx_metrics_snapshot_get_departure_error (snapshot, 0.5),
                  mctx_metrics_snapshot_get_departure_error (snapshot, 1.0));
#else
  g_assert_null (snapshot);
#endif
  for (guint i = 0; i < 100; i++)
    {
      MctxTestDatagram datagram = { 0, };

      g_assert_true (mctx_test_receive (fixture->receiver, 2000, &datagram));
      mctx_test_datagram_clear (&datagram);
    }
}

/* The exact count goes out, paced: packet n is not sent before its time. */
static void
test_paced_exact_count (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (fixture->publication, bytes, 200);
  RunResult run = { 0 };
  gint64 started;

  g_test_summary ("The exact count goes out, paced: packet n is not sent before its time.");

  mctx_paced_sender_set_packets_per_second (sender, 2000);
  mctx_paced_sender_set_progress_interval (sender, 10);
  g_signal_connect (sender, "progress", G_CALLBACK (on_progress), &run);

  started = g_get_monotonic_time ();
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);

  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  /* 199 intervals of 500 µs lie between the first and the last packet. */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 199 * 500);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 200);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_BYTES_SENT), ==, 200 * strlen (PAYLOAD));
  g_assert_cmpuint (run.progress_calls, >=, 2);
  g_assert_cmpuint (run.last_packets, ==, 200);
  g_assert_cmpuint (run.last_bytes, ==, 200 * strlen (PAYLOAD));
  g_assert_cmpuint (drain (fixture->receiver), ==, 200);
}

static GBytes *
numbered_payload (MctxPacedSender *sender,
                  guint64          index,
                  gpointer         user_data)
{
  if (index == 5)
    return NULL;
  return g_bytes_new_take (g_strdup_printf ("packet %" G_GUINT64_FORMAT, index),
                           strlen ("packet 0"));
}

static void
count_packet_sent (MctxPacedSender *sender,
                   guint64          index,
                   guint64          bytes,
                   guint           *count)
{
  g_assert_cmpuint (index, ==, *count);
  (*count)++;
}

static void
on_packet_sent (MctxPacedSender *sender,
                guint64          index,
                guint64          bytes,
                guint           *count)
{
  g_assert_cmpuint (index, ==, *count);
  g_assert_cmpuint (bytes, ==, strlen ("packet 0"));
  (*count)++;
}

/* Payloads from a function, in order, until it returns NULL; bit-rate
 * pacing. */
static void
test_paced_payload_func (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(MctxPacedSender) sender = NULL;
  RunResult run = { 0 };
  guint packet_signals = 0;

  g_test_summary ("Payloads from a function, in order, until it returns NULL; bit-rate pacing.");

  sender = mctx_paced_sender_new_with_func (fixture->publication, numbered_payload, NULL, NULL);
  mctx_paced_sender_set_bits_per_second (sender, 64 * 1000);
  g_signal_connect (sender, "packet-sent", G_CALLBACK (on_packet_sent), &packet_signals);

  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);

  g_assert_no_error (run.error);
  g_assert_cmpuint (packet_signals, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *expected = g_strdup_printf ("packet %u", i);
      assert_receives (fixture->receiver, expected);
    }
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_paced_cancel (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (fixture->publication, bytes, 0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  RunResult run = { 0 }, second = { 0 };

  g_test_summary ("Cancelling a paced run stops it; a second run while one runs is refused");

  mctx_paced_sender_set_packets_per_second (sender, 1000);
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, cancellable, on_run, &run);

  /* One run at a time. */
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &second);
  iterate_until (&second.done);
  g_assert_error (second.error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&second.error);

  g_timeout_add (50, cancel_later, cancellable);
  iterate_until (&run.done);

  g_assert_false (run.ok);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), >, 0);
  g_clear_error (&run.error);
}

/* Unpaced over a slow link: the sender waits out full buffers and still
 * sends every packet. */
static void
test_paced_would_block (SlowLink      *link,
                        gconstpointer  data)
{
  g_autofree guint8 *payload = g_malloc0 (1000);
  g_autoptr(GBytes) bytes = g_bytes_new (payload, 1000);
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (link->publication, bytes, 100);
  RunResult run = { 0 };

  g_test_summary ("Unpaced over a slow link: the sender waits out full buffers and still sends every packet.");

  /* Fast enough to finish, slow enough to fill the buffer. */
  mctx_test_run ("tc qdisc change dev slow0 root tbf rate 4mbit burst 1600 limit 10000000");
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);

  g_assert_no_error (run.error);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 100);
  g_assert_cmpuint (drain (link->remote), ==, 100);
}

static GBytes *
numbered_until_300 (MctxPacedSender *sender,
                    guint64          index,
                    gpointer         user_data)
{
  if (index == 300)
    return NULL;
  return g_bytes_new_take (g_strdup_printf ("packet %03" G_GUINT64_FORMAT, index), strlen ("packet 000"));
}

/* The @n numbered datagrams left through @capture's interface in order,
 * and @receiver got each once. Over a veth only the former shows the
 * order they were sent in: the sender's CPU and the qdisc's timer each
 * feed a receive backlog of their own, and two backlogs can interleave. */
static void
assert_numbered_in_order (int   capture,
                          int   receiver,
                          guint n)
{
  g_autofree gboolean *seen = g_new0 (gboolean, n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *expected = g_strdup_printf ("packet %03u", i);
      g_autofree char *text = NULL;
      MctxTestDatagram datagram;

      g_assert_true (mctx_test_capture_next_outgoing_udp (capture, WAIT_MS, &datagram));
      text = g_strndup ((const char *) datagram.data, datagram.len);
      g_assert_cmpstr (text, ==, expected);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = NULL;
      MctxTestDatagram datagram;
      guint64 index;

      g_assert_true (mctx_test_receive (receiver, WAIT_MS, &datagram));
      text = g_strndup ((const char *) datagram.data, datagram.len);
      mctx_test_datagram_clear (&datagram);
      g_assert_true (g_str_has_prefix (text, "packet "));
      g_assert_true (g_ascii_string_to_unsigned (text + strlen ("packet "), 10, 0, n - 1, &index, NULL));
      g_assert_false (seen[index]);
      seen[index] = TRUE;
    }
}

/* Unpaced, packets go in batches; a batch cut short by a full buffer
 * leaves the rest queued, in order. */
static void
test_paced_batches_in_order (SlowLink      *link,
                             gconstpointer  data)
{
  g_autoptr(MctxPacedSender) sender = NULL;
  RunResult run = { 0 };
  guint packet_signals = 0;
  int capture;

  g_test_summary ("Unpaced over a slow link, 300 numbered payloads from a function go in batches cut short by "
                  "full buffers, and leave in order and arrive each once; the function is asked once per packet");

  mctx_test_run ("tc qdisc change dev slow0 root tbf rate 4mbit burst 1600 limit 10000000");
  capture = mctx_test_capture_open (NULL, "slow0");
  sender = mctx_paced_sender_new_with_func (link->publication, numbered_until_300, NULL, NULL);
  g_signal_connect (sender, "packet-sent", G_CALLBACK (count_packet_sent), &packet_signals);
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);

  g_assert_no_error (run.error);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 300);
  g_assert_cmpuint (packet_signals, ==, 300);
  assert_numbered_in_order (capture, link->remote, 300);
  close (capture);
}

/* The UDP datagrams this namespace's sockets handed to IPv4: a segmented
 * send counts once, however many datagrams it carries. */
static guint64
udp_out_datagrams (void)
{
  g_autofree char *snmp = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) values = NULL;
  guint i = 0;

  g_assert_true (g_file_get_contents ("/proc/net/snmp", &snmp, NULL, NULL));
  lines = g_strsplit (snmp, "\n", -1);
  while (lines[i] != NULL && !g_str_has_prefix (lines[i], "Udp:"))
    i++;
  g_assert_nonnull (lines[i]);
  g_assert_nonnull (lines[i + 1]);
  names = g_strsplit (lines[i], " ", -1);
  values = g_strsplit (lines[i + 1], " ", -1);
  for (guint k = 0; names[k] != NULL && values[k] != NULL; k++)
    if (g_str_equal (names[k], "OutDatagrams"))
      return g_ascii_strtoull (values[k], NULL, 10);
  g_assert_not_reached ();
}

/* Segmented, the datagrams due together leave in one send each; batched,
 * the kernel takes each on its own. Both arrive whole and in order. */
static void
test_paced_segmented (Fixture       *fixture,
                      gconstpointer  data)
{
  gboolean segmented = GPOINTER_TO_INT (data);
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new_with_func (fixture->publication, numbered_until_300,
                                                                       NULL, NULL);
  RunResult run = { 0 };
  guint64 before, sends;

  g_test_summary ("Unpaced, with segmented sends 300 numbered datagrams leave in a few UDP sends (64 each) and "
                  "arrive in order; as batches the kernel counts 300");

  g_assert_false (mctx_paced_sender_get_segmented (sender));
  g_object_set (sender, "segmented", segmented, NULL);
  before = udp_out_datagrams ();
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);
  sends = udp_out_datagrams () - before;
  g_assert_no_error (run.error);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 300);

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *expected = g_strdup_printf ("packet %03u", i);

      assert_receives (fixture->receiver, expected);
    }
  g_test_message ("300 datagrams in %" G_GUINT64_FORMAT " UDP sends", sends);
  if (segmented)
    g_assert_cmpuint (sends, <=, 30);
  else
    g_assert_cmpuint (sends, ==, 300);
}

/* Datagrams larger than the MTU cannot be segmented: the run falls back
 * to batches, and the kernel fragments each as usual. */
/* Unpaced, a dispatch sends whole segmented sends: 460 datagrams of 1400
 * bytes are ten sends of 46, not a remainder per dispatch. */
static void
test_paced_segmented_whole_sends (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(MctxPacedSender) sender = NULL;
  g_autofree guint8 *bytes = g_malloc (1400);
  RunResult run = { 0 };
  guint64 before, sends;

  g_test_summary ("Unpaced and segmented, 460 datagrams of 1400 bytes (46 to a 64 KiB send) leave in exactly 10 "
                  "UDP sends, every one full, and arrive whole");

  memset (bytes, 'w', 1400);
  payload = g_bytes_new_take (g_steal_pointer (&bytes), 1400);
  sender = mctx_paced_sender_new (fixture->publication, payload, 460);
  mctx_paced_sender_set_segmented (sender, TRUE);
  before = udp_out_datagrams ();
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);
  sends = udp_out_datagrams () - before;
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 460);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_BYTES_SENT), ==, 460 * 1400);
  g_assert_cmpuint (sends, ==, 10);

  /* Each arrives whole, as the payload (what the receive buffer held). */
  for (guint i = 0; i < 46; i++)
    {
      MctxTestDatagram datagram;

      g_assert_true (mctx_test_receive (fixture->receiver, WAIT_MS, &datagram));
      g_assert_cmpint (datagram.len, ==, 1400);
      for (gssize k = 0; k < datagram.len; k++)
        g_assert_cmpint (datagram.data[k], ==, 'w');
      mctx_test_datagram_clear (&datagram);
    }
}

static void
iterate_in_handler (MctxPacedSender *sender,
                    guint64          index,
                    guint64          bytes,
                    gpointer         user_data)
{
  guint *nested = user_data;

  /* A nested main loop, as a handler that shows a dialog runs one. */
  while (g_main_context_iteration (NULL, FALSE))
    (*nested)++;
}

static void
test_paced_nested_loop (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GBytes) payload = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (fixture->publication, payload, 100);
  RunResult run = { 0 };
  guint nested = 0;

  g_test_summary ("A packet-sent handler that iterates the main context does not re-enter the sender: the exact "
                  "count goes, in order, and the run ends");

  mctx_paced_sender_set_packets_per_second (sender, 20000);
  g_signal_connect (sender, "packet-sent", G_CALLBACK (iterate_in_handler), &nested);
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);

  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 100);
  g_assert_cmpuint (drain (fixture->receiver), ==, 100);
  g_test_message ("%u nested dispatches", nested);
}

static void
test_paced_segmented_falls_back (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(MctxPacedSender) sender = NULL;
  g_autofree guint8 *bytes = g_malloc (1600);
  RunResult run = { 0 };

  g_test_summary ("With segmented sends asked for, 1600-byte datagrams on a 1500-byte MTU go as batches: all 20 "
                  "arrive whole");

  memset (bytes, 'm', 1600);
  payload = g_bytes_new_take (g_steal_pointer (&bytes), 1600);
  sender = mctx_paced_sender_new (fixture->publication, payload, 20);
  mctx_paced_sender_set_segmented (sender, TRUE);
  mctx_test_run ("ip link set lo mtu 1500");
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);
  mctx_test_run ("ip link set lo mtu 65536");
  g_assert_no_error (run.error);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 20);

  for (guint i = 0; i < 20; i++)
    {
      MctxTestDatagram datagram;

      g_assert_true (mctx_test_receive (fixture->receiver, WAIT_MS, &datagram));
      g_assert_cmpint (datagram.len, ==, 1600);
      mctx_test_datagram_clear (&datagram);
    }
}

typedef struct {
  gboolean done;
  gint sent;                /* what the finish returned */
  GError *error;
} BatchResult;

static void
on_batch_sent (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  BatchResult *batch = user_data;

  batch->sent = mctx_publication_send_many_finish (MCTX_PUBLICATION (object), result, &batch->error);
  batch->done = TRUE;
}

static GPtrArray *
numbered_datagrams (guint count)
{
  GPtrArray *datagrams = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < count; i++)
    g_ptr_array_add (datagrams, numbered_until_300 (NULL, i, NULL));
  return datagrams;
}

/* A batch sent from the main loop waits out full buffers without blocking
 * the loop and sends every datagram in order. */
static void
test_send_batch_async (SlowLink      *link,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) datagrams = numbered_datagrams (300);
  BatchResult batch = { 0 };
  int capture;

  g_test_summary ("An async batch over a slow link waits out full buffers, lets the loop run, and sends all 300 "
                  "datagrams in order, each arriving once");

  mctx_test_run ("tc qdisc change dev slow0 root tbf rate 4mbit burst 1600 limit 10000000");
  capture = mctx_test_capture_open (NULL, "slow0");
  mctx_publication_send_many_async (link->publication, (GBytes **) datagrams->pdata, datagrams->len, MCTX_SEND_FLAGS_NONE, G_PRIORITY_DEFAULT, NULL, on_batch_sent, &batch);
  /* The buffer holds a few: the rest waits for the loop. */
  g_assert_false (batch.done);
  iterate_until (&batch.done);

  g_assert_no_error (batch.error);
  g_assert_cmpint (batch.sent, ==, 300);
  assert_numbered_in_order (capture, link->remote, 300);
  close (capture);
}

/* Segmented, a full buffer ends the call after the sends that went: their
 * datagrams, and only theirs, have bytes_sent and are counted. */
static void
test_send_segmented_would_block (SlowLink      *link,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) datagrams = numbered_datagrams (300);
  g_autoptr(GError) error = NULL;
  GOutputVector vectors[300];
  GOutputMessage messages[300];
  gint sent;

  g_test_summary ("A segmented send_messages() into a full buffer returns the datagrams that went; only they have "
                  "bytes_sent set and count in the metrics");

  for (guint i = 0; i < 300; i++)
    {
      vectors[i].buffer = g_bytes_get_data (datagrams->pdata[i], &vectors[i].size);
      messages[i] = (GOutputMessage) { .vectors = &vectors[i], .num_vectors = 1 };
    }
  sent = mctx_publication_send_messages (link->publication, messages, 300, MCTX_SEND_FLAGS_SEGMENTED, &error);
  g_assert_no_error (error);
  g_test_message ("%d of 300 went before the buffer filled", sent);
  g_assert_cmpint (sent, >, 0);
  g_assert_cmpint (sent, <, 300);
  for (guint i = 0; i < 300; i++)
    g_assert_cmpuint (messages[i].bytes_sent, ==, (gint) i < sent ? strlen ("packet 000") : 0);
#ifdef MCTX_HAS_METRICS
  {
    g_autoptr(MctxMetricsSnapshot) snapshot = mctx_publication_snapshot_metrics (link->publication);

    g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, sent);
    g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_BYTES_SENT), ==,
                      sent * strlen ("packet 000"));
  }
#endif
}

/* Cancelled while it waits: the count says how many went. */
static void
test_send_batch_async_cancelled (SlowLink      *link,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) datagrams = numbered_datagrams (300);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  BatchResult batch = { 0 };

  g_test_summary ("Cancelling an async batch that waits for room ends it with the count that went, without an error, "
                  "as the sync call reports a partial batch");

  mctx_publication_send_many_async (link->publication, (GBytes **) datagrams->pdata, datagrams->len, MCTX_SEND_FLAGS_NONE, G_PRIORITY_DEFAULT, cancellable, on_batch_sent, &batch);
  g_assert_false (batch.done);
  g_timeout_add (50, cancel_later, cancellable);
  iterate_until (&batch.done);

  g_assert_no_error (batch.error);
  g_assert_cmpint (batch.sent, >, 0);
  g_assert_cmpint (batch.sent, <, 300);
}

static void
record_time (MctxPacedSender *sender,
             guint64          index,
             guint64          bytes,
             GArray          *times)
{
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (times, now);
}

typedef struct {
  guint64 last_packets;
  guint largest;
} Dispatches;

/* With a progress interval of 0, ::progress ends every dispatch: the
 * packets since the last one are one dispatch's burst. */
static void
record_dispatch (MctxPacedSender *sender,
                 guint64          packets,
                 guint64          bytes,
                 Dispatches      *dispatches)
{
  dispatches->largest = MAX (dispatches->largest, (guint) (packets - dispatches->last_packets));
  dispatches->last_packets = packets;
}

static gboolean
stall_loop (gpointer user_data)
{
  g_usleep (G_USEC_PER_SEC);
  return G_SOURCE_REMOVE;
}

/* A main loop that stalls for a second: afterwards the sender sends at
 * most max-burst late packets at once and drops the other missed slots. */
static void
test_paced_stall (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (fixture->publication, bytes, 0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  RunResult run = { 0 };
  Dispatches dispatches = { 0 };

  g_test_summary ("After a 1 s stall of the main loop at 100 packets/s, no dispatch sends more than max-burst (8 "
                  "here); with catch-up DROP the missed slots are dropped and counted");

  mctx_paced_sender_set_packets_per_second (sender, 100);
  mctx_paced_sender_set_max_burst (sender, 8);
  mctx_paced_sender_set_catch_up (sender, GPOINTER_TO_INT (data));
  g_assert_cmpint (mctx_paced_sender_get_pacing_mode (sender), ==, MCTX_PACING_MODE_PER_DATAGRAM);
  g_signal_connect (sender, "packet-sent", G_CALLBACK (record_time), times);
  mctx_paced_sender_set_progress_interval (sender, 0);
  g_signal_connect (sender, "progress", G_CALLBACK (record_dispatch), &dispatches);
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, cancellable, on_run, &run);
  g_timeout_add (55, stall_loop, NULL);
  g_timeout_add (1300, cancel_later, cancellable);
  iterate_until (&run.done);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&run.error);

  /* Bursts counted per dispatch, not by time: under valgrind a dispatch
   * can end so late that the next burst follows within a millisecond. */
  g_test_message ("%u packets, largest burst %u", times->len, dispatches.largest);
  g_assert_cmpuint (dispatches.largest, <=, 8);
  g_assert_cmpuint (dispatches.largest, >=, 2);
  /* About 130 slots in 1.3 s, 100 of them in the stall. */
  if (GPOINTER_TO_INT (data) == MCTX_CATCH_UP_DROP)
    g_assert_cmpuint (times->len, <=, 60);
  else
    g_assert_cmpuint (times->len, >=, 115);
}

/* The rate basis decides what the pacer counts. */
static void
test_paced_rate_basis (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (fixture->publication, bytes, 200);
  RunResult run = { 0 };
  gint64 started;

  g_test_summary ("A wire bit rate counts the UDP and IPv4 headers (28 bytes a datagram); batched mode at high rates");

  /* 200 datagrams of 15 + 28 bytes at 1 Mbit/s: 199 intervals of 344 µs,
   * not the 120 µs of the payload alone. A schedule is never early. */
  g_object_set (sender, "bits-per-second", 1e6, "rate-basis", MCTX_RATE_BASIS_WIRE, NULL);
  started = g_get_monotonic_time ();
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);
  g_assert_no_error (run.error);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 199 * 344 - 1000);
  for (guint i = 0; i < 200; i++)
    assert_receives (fixture->receiver, PAYLOAD);

  /* The slower rate wins: 1 Mbit/s of 33-byte datagrams is per datagram. */
  mctx_paced_sender_set_packets_per_second (sender, 100000);
  g_assert_cmpint (mctx_paced_sender_get_pacing_mode (sender), ==, MCTX_PACING_MODE_PER_DATAGRAM);
  mctx_paced_sender_set_bits_per_second (sender, 0);
  g_assert_cmpint (mctx_paced_sender_get_pacing_mode (sender), ==, MCTX_PACING_MODE_BATCHED);
}

/* A send failure other than a full buffer ends the run with it. */
static void
test_paced_fails (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (fixture->publication, bytes, 10);
  g_autoptr(GSocket) stolen = mctx_publication_steal_socket (fixture->publication);
  RunResult run = { 0 };

  g_test_summary ("A send failure other than a full buffer ends the run with it.");

  g_assert_nonnull (stolen);
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);

  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 0);
  g_clear_error (&run.error);
}

/* A duration ends the run by itself, cleanly, as a count does. */
static void
test_paced_duration (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (fixture->publication, bytes, 0);
  RunResult run = { 0 };
  gint64 started;
  guint64 sent;

  g_test_summary ("A run of 0.3 s at 100/s ends by itself with success after about 30 datagrams, all received");

  g_assert_cmpfloat (mctx_paced_sender_get_duration (sender), ==, 0.0);
  mctx_paced_sender_set_duration (sender, -1.0);
  g_assert_cmpfloat (mctx_paced_sender_get_duration (sender), ==, 0.0);
  g_object_set (sender, "duration", 0.3, "packets-per-second", 100.0, NULL);

  started = g_get_monotonic_time ();
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);

  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 300000);
  sent = mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT);
  g_test_message ("%" G_GUINT64_FORMAT " sent in 0.3 s", sent);
  g_assert_cmpuint (sent, >=, 25);
  g_assert_cmpuint (sent, <=, 31);
  for (guint64 i = 0; i < sent; i++)
    assert_receives (fixture->receiver, PAYLOAD);
}

/* A publication that lost its socket will never send again: the run ends
 * with CLOSED even when failures only skip a slot. */
static void
test_paced_closed_ends (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (fixture->publication, bytes, 0);
  RunResult run = { 0 };

  g_test_summary ("With stop-on-error off and no count, removing the publication ends the run with CLOSED");

  mctx_paced_sender_set_stop_on_error (sender, FALSE);
  mctx_paced_sender_set_packets_per_second (sender, 10000);
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  g_assert_true (mctx_context_remove_publication (fixture->context, mctx_publication_get_id (fixture->publication),
                                                  NULL));
  iterate_until (&run.done);

  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_SEND_ERRORS), ==, 0);
  g_clear_error (&run.error);
}

static GBytes *
payload_forever (MctxPacedSender *sender,
                 guint64          index,
                 gpointer         user_data)
{
  return g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
}

static void
dispose_on_third (MctxPacedSender *sender,
                  guint64          index,
                  guint64          bytes,
                  gpointer         user_data)
{
  if (index == 2)
    g_object_run_dispose (G_OBJECT (sender));
}

/* A handler that disposes the sender ends the run, without criticals
 * (G_DEBUG=fatal-warnings makes any one fail the test). */
static void
test_paced_disposed_in_handler (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new_with_func (fixture->publication, payload_forever,
                                                                      NULL, NULL);
  RunResult run = { 0 };

  g_test_summary ("g_object_run_dispose() from packet-sent ends a function-fed run cleanly after the packets sent");

  g_signal_connect (sender, "packet-sent", G_CALLBACK (dispose_on_third), NULL);
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
  iterate_until (&run.done);

  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), >=, 3);
}

/* Rates the schedule cannot honour are not refused by the setters (a
 * binding would never see the critical): the run does not start, or ends
 * at the next tick when one is set while it runs. */
static void
test_paced_invalid_rates (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (PAYLOAD, strlen (PAYLOAD));
  const double packet_rates[] = { -1, NAN, INFINITY, 1e-300 };

  g_test_summary ("Rates the schedule cannot honour are not refused by the setters (a binding would never see the critical): the run does not start, or ends at the next tick when one is set while it runs.");

  for (guint i = 0; i < G_N_ELEMENTS (packet_rates); i++)
    {
      g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (fixture->publication, bytes, 3);
      RunResult run = { 0 };

      /* NaN cannot pass GObject's property validation: the setter
       * takes it. The others go through the property, as from GJS. */
      if (isnan (packet_rates[i]))
        mctx_paced_sender_set_packets_per_second (sender, packet_rates[i]);
      else
        g_object_set (sender, "packets-per-second", packet_rates[i], NULL);
      mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
      iterate_until (&run.done);
      g_assert_error (run.error, MCTX_ERROR, MCTX_ERROR_INVALID_RATE);
      g_assert_cmpuint (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, 0);
      g_clear_error (&run.error);
    }

  {
    g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (fixture->publication, bytes, 3);
    RunResult run = { 0 };

    mctx_paced_sender_set_bits_per_second (sender, 0.5);
    mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
    iterate_until (&run.done);
    g_assert_error (run.error, MCTX_ERROR, MCTX_ERROR_INVALID_RATE);
    g_clear_error (&run.error);
  }

  {
    /* Set while running: the run ends at the next tick. */
    g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (fixture->publication, bytes, 0);
    RunResult run = { 0 };

    mctx_paced_sender_set_packets_per_second (sender, 1000);
    mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_run, &run);
    while (mctx_paced_sender_get_counter (sender, MCTX_METRICS_COUNTER_PACKETS_SENT) < 5)
      g_main_context_iteration (NULL, TRUE);
    mctx_paced_sender_set_packets_per_second (sender, NAN);
    iterate_until (&run.done);
    g_assert_error (run.error, MCTX_ERROR, MCTX_ERROR_INVALID_RATE);
    g_clear_error (&run.error);
  }
}

int
main (int    argc,
      char **argv)
{
  mctx_test_init_netns (&argc, &argv);

  g_test_add ("/mctx/mainloop/paced-departures", Fixture, NULL,
              fixture_set_up, test_paced_departures, fixture_tear_down);
  g_test_add ("/mctx/mainloop/source-sends", Fixture, NULL,
              fixture_set_up, test_source_sends, fixture_tear_down);
  g_test_add ("/mctx/mainloop/watch-and-detach", Fixture, NULL,
              fixture_set_up, test_watch_and_detach, fixture_tear_down);
  g_test_add ("/mctx/mainloop/send-async", Fixture, NULL,
              fixture_set_up, test_send_async, fixture_tear_down);
  g_test_add ("/mctx/mainloop/send-async-sent-then-cancelled", Fixture, NULL,
              fixture_set_up, test_send_async_sent_then_cancelled, fixture_tear_down);
  g_test_add ("/mctx/mainloop/send-async-waits", SlowLink, NULL,
              slow_link_set_up, test_send_async_waits, slow_link_tear_down);
  g_test_add ("/mctx/mainloop/send-async-cancelled", SlowLink, NULL,
              slow_link_set_up, test_send_async_cancelled, slow_link_tear_down);
  g_test_add ("/mctx/mainloop/send-async-removed", SlowLink, NULL,
              slow_link_set_up, test_send_async_removed, slow_link_tear_down);
  g_test_add ("/mctx/mainloop/send-async-context-destroyed", SlowLink, NULL,
              slow_link_set_up, test_send_async_context_destroyed, slow_link_tear_down);
  g_test_add ("/mctx/mainloop/paced-invalid-rates", Fixture, NULL,
              fixture_set_up, test_paced_invalid_rates, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-exact-count", Fixture, NULL,
              fixture_set_up, test_paced_exact_count, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-payload-func", Fixture, NULL,
              fixture_set_up, test_paced_payload_func, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-cancel", Fixture, NULL,
              fixture_set_up, test_paced_cancel, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-would-block", SlowLink, NULL,
              slow_link_set_up, test_paced_would_block, slow_link_tear_down);
  g_test_add ("/mctx/mainloop/paced-segmented", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_paced_segmented, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-batched-sends", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_paced_segmented, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-segmented-falls-back", Fixture, NULL,
              fixture_set_up, test_paced_segmented_falls_back, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-segmented-whole-sends", Fixture, NULL,
              fixture_set_up, test_paced_segmented_whole_sends, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-nested-loop", Fixture, NULL,
              fixture_set_up, test_paced_nested_loop, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-batches-in-order", SlowLink, NULL,
              slow_link_set_up, test_paced_batches_in_order, slow_link_tear_down);
  g_test_add ("/mctx/mainloop/send-batch-async", SlowLink, NULL,
              slow_link_set_up, test_send_batch_async, slow_link_tear_down);
  g_test_add ("/mctx/mainloop/send-batch-async-cancelled", SlowLink, NULL,
              slow_link_set_up, test_send_batch_async_cancelled, slow_link_tear_down);
  g_test_add ("/mctx/mainloop/send-segmented-would-block", SlowLink, NULL,
              slow_link_set_up, test_send_segmented_would_block, slow_link_tear_down);
  g_test_add ("/mctx/mainloop/paced-stall-burst", Fixture, GINT_TO_POINTER (MCTX_CATCH_UP_BURST),
              fixture_set_up, test_paced_stall, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-stall-drop", Fixture, GINT_TO_POINTER (MCTX_CATCH_UP_DROP),
              fixture_set_up, test_paced_stall, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-rate-basis", Fixture, NULL,
              fixture_set_up, test_paced_rate_basis, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-duration", Fixture, NULL,
              fixture_set_up, test_paced_duration, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-closed-ends", Fixture, NULL,
              fixture_set_up, test_paced_closed_ends, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-disposed-in-handler", Fixture, NULL,
              fixture_set_up, test_paced_disposed_in_handler, fixture_tear_down);
  g_test_add ("/mctx/mainloop/paced-fails", Fixture, NULL,
              fixture_set_up, test_paced_fails, fixture_tear_down);

  return g_test_run ();
}
