/* batch.c: many datagrams per call, batched (sendmmsg) and segmented
 * (UDP_SEGMENT), each one arriving whole, in order and counted
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <fcntl.h>
#include <net/if.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mctx/mctx.h>

#include "mctx-test-util.h"

#define WAIT_MS 2000

static MctxPublication *
add (MctxContext *context,
     const char  *group,
     guint16      port,
     const char  *interface)
{
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;

  config = mctx_udp_publication_config_new (group, port, &error);
  g_assert_no_error (error);
  mctx_publication_config_set_interface_name (config, interface);
  mctx_publication_config_set_loopback (config, TRUE);
  publication = mctx_context_add_publication (context, config, &error);
  g_assert_no_error (error);
  return publication;
}

/* Payload i: its index, then a pattern, @size bytes. */
static void
fill (guint8 *payload,
      gsize   size,
      guint   index)
{
  for (gsize i = 0; i < size; i++)
    payload[i] = (guint8) (index * 7 + i);
}

static void
assert_receives (int    receiver,
                 guint  index,
                 gsize  size)
{
  MctxTestDatagram received;
  g_autofree guint8 *expected = g_malloc (size + 1);

  fill (expected, size, index);
  g_assert_true (mctx_test_receive (receiver, WAIT_MS, &received));
  g_assert_cmpmem (received.data, received.len, expected, size);
  mctx_test_datagram_clear (&received);
}

static void
assert_receives_text (int         receiver,
                      const char *text)
{
  MctxTestDatagram received;

  g_assert_true (mctx_test_receive (receiver, WAIT_MS, &received));
  g_assert_cmpmem (received.data, received.len, text, strlen (text));
  mctx_test_datagram_clear (&received);
}

static void
assert_counted (MctxPublication *publication,
                guint64          packets,
                guint64          bytes)
{
#ifdef MCTX_HAS_METRICS
  g_autoptr(MctxMetricsSnapshot) snapshot = mctx_publication_snapshot_metrics (publication);

  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_PACKETS_SENT), ==, packets);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_BYTES_SENT), ==, bytes);
  /* Send calls are packets plus errors: no error hides in them. */
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_SEND_ERRORS), ==, 0);
  g_assert_cmpuint (mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_SEND_CALLS), ==, packets);
#endif
}

static void
test_batch (gconstpointer data)
{
  gboolean ipv6 = GPOINTER_TO_INT (data);
  const char *group = ipv6 ? "ff12::8000:1" : "239.1.2.3";
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  GOutputVector vectors[200];
  guint8 payloads[200][300];
  MctxPublication *publication;
  guint64 bytes = 0;
  guint16 port;
  int receiver;

  g_test_summary ("A batch of 200 datagrams of sizes 0 to 299 (four sendmmsg calls) arrives whole and in order, each counted");

  receiver = ipv6 ? mctx_test_receiver_ipv6 (group, if_nametoindex ("vsa"), NULL, 0, &port)
                  : mctx_test_receiver_ipv4 (group, "192.0.2.1", 0, &port);
  publication = add (context, group, port, "vsa");

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      gsize size = (i * 37) % 300;

      fill (payloads[i], size, i);
      vectors[i] = (GOutputVector) { payloads[i], size };
      bytes += size;
    }

  g_assert_cmpint (mctx_test_send_vectors (publication, vectors, G_N_ELEMENTS (vectors), MCTX_SEND_FLAGS_NONE, &error), ==, 200);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    assert_receives (receiver, i, vectors[i].size);
  assert_counted (publication, 200, bytes);

  /* Nothing to send is no error. */
  g_assert_cmpint (mctx_test_send_vectors (publication, NULL, 0, MCTX_SEND_FLAGS_NONE, &error), ==, 0);
  g_assert_no_error (error);
  mctx_test_assert_silent (receiver);

  close (receiver);
}

static void
test_bytes_batch (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GPtrArray) datagrams = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  guint16 port;
  int receiver = mctx_test_receiver_ipv4 ("239.1.2.3", "127.0.0.1", 0, &port);

  g_test_summary ("The GBytes form sends 100 datagrams in order");

  publication = add (context, "239.1.2.3", port, "lo");
  for (guint i = 0; i < 100; i++)
    {
      guint8 payload[20];

      fill (payload, sizeof payload, i);
      g_ptr_array_add (datagrams, g_bytes_new (payload, sizeof payload));
    }

  g_assert_cmpint (mctx_publication_send_many (publication, (GBytes **) datagrams->pdata, datagrams->len, MCTX_SEND_FLAGS_NONE, &error), ==, 100);
  g_assert_no_error (error);
  for (guint i = 0; i < 100; i++)
    assert_receives (receiver, i, 20);
  assert_counted (publication, 100, 2000);
  close (receiver);
}

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

static gboolean
kernel_segments (void)
{
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int size = 1000;
  gboolean supported = setsockopt (fd, SOL_UDP, UDP_SEGMENT, &size, sizeof size) == 0;

  close (fd);
  return supported;
}

/* Segments of @segment bytes from a buffer of @total, compared one by one. */
static void
check_segmented (MctxPublication *publication,
                 int              receiver,
                 gsize            total,
                 gsize            segment)
{
  g_autofree guint8 *buffer = g_malloc (total);
  g_autoptr(GError) error = NULL;
  guint expected = (guint) ((total + segment - 1) / segment);

  for (gsize i = 0; i < total; i++)
    buffer[i] = (guint8) (i / segment * 7 + i % segment);

  g_test_message ("%zu bytes in segments of %zu", total, segment);
  g_assert_cmpint (mctx_test_send_segmented (publication, buffer, total, segment, &error), ==, expected);
  g_assert_no_error (error);
  for (guint i = 0; i < expected; i++)
    assert_receives (receiver, i, MIN (segment, total - i * segment));
}

static void
test_segmented (gconstpointer data)
{
  gboolean ipv6 = GPOINTER_TO_INT (data);
  const char *group = ipv6 ? "ff12::8000:2" : "239.1.2.4";
  g_autoptr(MctxContext) context = mctx_context_new ();
  MctxPublication *publication;
  guint16 port;
  int receiver;

  g_test_summary ("Equal datagrams (the last shorter) sent segmented arrive one by one; more than 64 take several "
                  "sends; segments above the MTU go as a batch, counted once and never as errors");

  receiver = ipv6 ? mctx_test_receiver_ipv6 (group, if_nametoindex ("vsa"), NULL, 0, &port)
                  : mctx_test_receiver_ipv4 (group, "192.0.2.1", 0, &port);
  publication = add (context, group, port, "vsa");

  check_segmented (publication, receiver, 14000, 1400);
  check_segmented (publication, receiver, 10500, 1000);
  check_segmented (publication, receiver, 100 * 500, 500);
  check_segmented (publication, receiver, 1200, 1400);
  assert_counted (publication, 10 + 11 + 100 + 1, 14000 + 10500 + 100 * 500 + 1200);

  /* Datagrams larger than the link's MTU cannot be segments: the route
   * refuses them, and they go as a batch (fragmented by IP) instead,
   * counted once each and never as an error. */
  if (kernel_segments ())
    {
      check_segmented (publication, receiver, 3200, 1600);
      assert_counted (publication, 10 + 11 + 100 + 1 + 2, 14000 + 10500 + 100 * 500 + 1200 + 3200);
      /* Later runs take batches at once; smaller ones still arrive whole. */
      check_segmented (publication, receiver, 2800, 1400);
    }

  close (receiver);
}

/* Sends @n messages segmented, all at once, and asserts that each arrives
 * whole with the size in @sizes, has bytes_sent set and is counted. */
static void
assert_segmented_arrive (MctxPublication *publication,
                         int              receiver,
                         GOutputMessage  *messages,
                         guint            n,
                         const gsize     *sizes)
{
  g_autoptr(GError) error = NULL;
  guint64 total = 0;

  g_assert_cmpint (mctx_publication_send_messages (publication, messages, n, MCTX_SEND_FLAGS_SEGMENTED, &error), ==,
                   n);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      MctxTestDatagram received;

      g_assert_cmpuint (messages[i].bytes_sent, ==, sizes[i]);
      g_assert_true (mctx_test_receive (receiver, WAIT_MS, &received));
      g_assert_cmpint (received.len, ==, sizes[i]);
      mctx_test_datagram_clear (&received);
      total += sizes[i];
    }
  assert_counted (publication, n, total);
}

/* A segmented send gathers at most 1024 vectors: datagrams of many
 * scattered vectors fill them, and the next run starts after. */
static void
test_segmented_many_vectors (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autofree guint8 *scattered = g_malloc (2 * 1000);
  g_autofree GOutputVector *parts = g_new (GOutputVector, 1000 + 24 + 1);
  GOutputMessage messages[3];
  MctxPublication *publication;
  guint16 port;
  int receiver = mctx_test_receiver_ipv4 ("239.1.2.9", "192.0.2.1", 0, &port);

  g_test_summary ("Segmented, datagrams of 1000 and 24 scattered vectors fill the 1024 a send takes; a third, of one "
                  "vector, goes in the next send, and all three arrive whole");

  /* Every other byte, so that no two vectors join into one. */
  for (guint i = 0; i < 2 * 1000; i++)
    scattered[i] = (guint8) ('a' + i % 26);
  for (guint i = 0; i < 1000; i++)
    parts[i] = (GOutputVector) { scattered + 2 * i, 1 };
  for (guint i = 0; i < 24; i++)
    parts[1000 + i] = (GOutputVector) { scattered + 2 * i, i < 23 ? 1 : 1000 - 23 };
  parts[1024] = (GOutputVector) { scattered, 1000 };
  messages[0] = (GOutputMessage) { .vectors = &parts[0], .num_vectors = 1000 };
  messages[1] = (GOutputMessage) { .vectors = &parts[1000], .num_vectors = 24 };
  messages[2] = (GOutputMessage) { .vectors = &parts[1024], .num_vectors = 1 };

  publication = add (context, "239.1.2.9", port, "vsa");
  assert_segmented_arrive (publication, receiver, messages, 3, (gsize[]) { 1000, 1000, 1000 });
  close (receiver);
}

/* An empty datagram cannot be a segment (the kernel would send nothing
 * for it): it goes on its own, after the run before it. */
static void
test_segmented_empty_last (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  static const guint8 payload[200] = { 0 };
  GOutputVector parts[] = { { payload, 100 }, { payload + 100, 100 }, { payload, 0 } };
  GOutputMessage messages[3];
  MctxPublication *publication;
  guint16 port;
  int receiver = mctx_test_receiver_ipv4 ("239.1.2.10", "192.0.2.1", 0, &port);

  g_test_summary ("Segmented, two datagrams of 100 bytes and an empty one arrive as three, counted as three");

  for (guint i = 0; i < 3; i++)
    messages[i] = (GOutputMessage) { .vectors = &parts[i], .num_vectors = 1 };
  publication = add (context, "239.1.2.10", port, "vsa");
  assert_segmented_arrive (publication, receiver, messages, 3, (gsize[]) { 100, 100, 0 });
  close (receiver);
}

/* A full send buffer: the batch stops where it filled and says how many
 * went; the next call, with nothing gone, fails with WOULD_BLOCK. */
static void
test_partial_batch (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  g_autofree GOutputVector *vectors = g_new (GOutputVector, 1000);
  guint8 payload[1000] = { 0 };
  MctxPublication *publication;
  gint sent;

  g_test_summary ("A batch stops at a full send buffer with the count that went; the next fails with WOULD_BLOCK");

  mctx_test_run ("tc qdisc add dev vsb root tbf rate 8kbit burst 1600 limit 10000000");
  publication = add (context, "239.1.2.5", 5000, "vsb");
  g_socket_set_option (mctx_publication_get_socket (publication), SOL_SOCKET, SO_SNDBUF, 4096, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 1000; i++)
    vectors[i] = (GOutputVector) { payload, sizeof payload };

  sent = mctx_test_send_vectors (publication, vectors, 1000, MCTX_SEND_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_test_message ("%d of 1000 went", sent);
  g_assert_cmpint (sent, >, 0);
  g_assert_cmpint (sent, <, 1000);
  assert_counted (publication, (guint64) sent, (guint64) sent * sizeof payload);

  g_assert_cmpint (mctx_test_send_vectors (publication, vectors + sent, 1000 - (guint) sent, MCTX_SEND_FLAGS_NONE, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);
  g_assert_cmpint (mctx_test_send_segmented (publication, payload, sizeof payload, 100, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);

  mctx_test_run ("tc qdisc del dev vsb root");
}

static void
test_removed (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  GOutputVector vector = { "x", 1 };
  MctxPublication *publication = g_object_ref (add (context, "239.1.2.6", 5000, "lo"));

  g_test_summary ("A removed publication's batch and segmented sends fail with CLOSED");

  g_assert_true (mctx_context_remove_publication (context, mctx_publication_get_id (publication), &error));
  g_assert_cmpint (mctx_test_send_vectors (publication, &vector, 1, MCTX_SEND_FLAGS_NONE, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_cmpint (mctx_test_send_segmented (publication, (const guint8 *) "xy", 2, 1, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_object_unref (publication);
}

static MctxPublication *
add_shared (MctxContext *context,
            const char  *group,
            guint16      port,
            guint        ttl,
            GError     **error)
{
  g_autoptr(MctxPublicationConfig) config = mctx_udp_publication_config_new (group, port, NULL);

  mctx_publication_config_set_interface_name (config, "vsa");
  mctx_publication_config_set_ttl (config, ttl);
  mctx_udp_publication_config_set_shared_socket (MCTX_UDP_PUBLICATION_CONFIG (config), TRUE);
  return mctx_context_add_publication (context, config, error);
}

static guint
count_open_files (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint count = 0;

  while (g_dir_read_name (dir) != NULL)
    count++;
  return count;
}

/* Publications that send alike share one unconnected socket; each
 * datagram reaches its own group only, and a batch for many groups goes
 * through the context in order. */
static void
test_shared_sockets (void)
{
  const char *groups[] = { "239.4.0.1", "239.4.0.2", "239.4.0.3" };
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  MctxPublication *publications[3];
  MctxPublication *other_ttl;
  int receivers[3];
  guint ids[30];
  GOutputVector vectors[30];
  char payloads[30][8];
  guint16 port = 0;
  int fd;

  g_test_summary ("Publications that send alike share one unconnected socket; each datagram reaches its own group, "
                  "a context batch carries datagrams for many groups in order, and the socket outlives a removed "
                  "publication until the last one leaves");

  for (guint g = 0; g < 3; g++)
    {
      receivers[g] = mctx_test_receiver_ipv4 (groups[g], "192.0.2.1", port, &port);
      publications[g] = add_shared (context, groups[g], port, 1, &error);
      g_assert_no_error (error);
    }
  fd = g_socket_get_fd (mctx_publication_get_socket (publications[0]));
  g_assert_cmpint (g_socket_get_fd (mctx_publication_get_socket (publications[1])), ==, fd);
  g_assert_cmpint (g_socket_get_fd (mctx_publication_get_socket (publications[2])), ==, fd);
  other_ttl = add_shared (context, groups[0], port, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_socket_get_fd (mctx_publication_get_socket (other_ttl)), !=, fd);

  /* One publication each. */
  for (guint g = 0; g < 3; g++)
    g_assert_cmpint (mctx_publication_send (publications[g], (const guint8 *) groups[g], strlen (groups[g]), &error),
                     ==, (gssize) strlen (groups[g]));
  for (guint g = 0; g < 3; g++)
    {
      assert_receives_text (receivers[g], groups[g]);
      mctx_test_assert_silent (receivers[g]);
    }

  /* A context batch for all three groups, interleaved. */
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      ids[i] = mctx_publication_get_id (publications[i % 3]);
      g_snprintf (payloads[i], sizeof payloads[i], "n%02u", i);
      vectors[i] = (GOutputVector) { payloads[i], strlen (payloads[i]) };
    }
  g_assert_cmpint (mctx_test_context_send_vectors (context, ids, vectors, G_N_ELEMENTS (ids), &error), ==, 30);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    assert_receives_text (receivers[i % 3], payloads[i]);
  assert_counted (publications[1], 1 + 10, strlen (groups[1]) + 10 * 3);

  /* An unknown id first fails; later, it ends the batch. */
  ids[1] = 9999;
  g_assert_cmpint (mctx_test_context_send_vectors (context, ids + 1, vectors, 2, &error), ==, -1);
  g_assert_error (error, MCTX_ERROR, MCTX_ERROR_PUBLICATION_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (mctx_test_context_send_vectors (context, ids, vectors, 3, &error), ==, 1);
  g_assert_no_error (error);
  assert_receives_text (receivers[0], payloads[0]);

  /* A shared socket cannot be stolen; removing one publication leaves the
   * others sending. */
  g_assert_null (mctx_publication_steal_socket (publications[0]));
  g_object_ref (publications[0]);
  g_assert_true (mctx_context_remove_publication (context, mctx_publication_get_id (publications[0]), &error));
  g_assert_cmpint (mctx_publication_send (publications[0], (const guint8 *) "x", 1, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  g_object_unref (publications[0]);
  g_assert_cmpint (mctx_publication_send (publications[1], (const guint8 *) "still", 5, &error), ==, 5);
  g_assert_no_error (error);
  assert_receives_text (receivers[1], "still");

  /* The last one out closes it. */
  g_assert_true (mctx_context_remove_publication (context, mctx_publication_get_id (publications[1]), &error));
  g_assert_true (mctx_context_remove_publication (context, mctx_publication_get_id (publications[2]), &error));
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);

  for (guint g = 0; g < 3; g++)
    close (receivers[g]);
}

/* More groups than this process may open files: shared sockets need one
 * descriptor for all of them. Caller sockets are never shared. */
static void
test_shared_at_scale (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = mctx_udp_publication_config_new ("239.5.0.1", 5000, NULL);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GError) error = NULL;
  struct rlimit limit, lowered;
  guint before = count_open_files (), groups = 1500;

  g_test_summary ("More shared publications than the open-file limit allows descriptors use one descriptor; a "
                  "caller's socket cannot be shared");

  /* A limit well below the number of groups. */
  getrlimit (RLIMIT_NOFILE, &limit);
  lowered = (struct rlimit) { before + 64, limit.rlim_max };
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &lowered), ==, 0);
  for (guint i = 0; i < groups; i++)
    {
      g_autofree char *group = g_strdup_printf ("239.%u.%u.%u", 10 + i / 65536, (i / 256) % 256, i % 256);

      g_assert_nonnull (add_shared (context, group, 5000, 1, &error));
      g_assert_no_error (error);
    }
  g_test_message ("%u publications, open-file limit %lu", groups, (unsigned long) lowered.rlim_cur);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), ==, groups);
  g_assert_cmpuint (count_open_files (), <=, before + 2);
  setrlimit (RLIMIT_NOFILE, &limit);

  mctx_udp_publication_config_set_shared_socket (MCTX_UDP_PUBLICATION_CONFIG (config), TRUE);
  g_assert_null (mctx_context_add_publication_with_socket (context, config, socket, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* A datagram may be gathered from several vectors. */
static void
test_vectors (void)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GError) error = NULL;
  GOutputVector parts[] = { { "one", 3 }, { "", 0 }, { "five", 4 }, { "x", 1 }, { "z", 1 } };
  GOutputMessage messages[] = {
    { .vectors = &parts[0], .num_vectors = 2 },
    { .vectors = &parts[2], .num_vectors = 2 },
    { .vectors = &parts[4], .num_vectors = 1 },
  };
  GOutputMessage addressed = { .address = NULL, .vectors = &parts[0], .num_vectors = 1 };
  g_autoptr(GSocketAddress) elsewhere = g_inet_socket_address_new_from_string ("239.1.2.8", 5000);
  MctxPublication *publication;
  guint16 port;
  int receiver = mctx_test_receiver_ipv4 ("239.1.2.7", "192.0.2.1", 0, &port);

  g_test_summary ("Messages of several vectors arrive as one datagram each, with bytes_sent set; a message with its "
                  "own address is refused");

  publication = add (context, "239.1.2.7", port, "vsa");
  g_assert_cmpint (mctx_publication_send_messages (publication, messages, 3, MCTX_SEND_FLAGS_NONE, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_cmpuint (messages[0].bytes_sent, ==, 3);
  g_assert_cmpuint (messages[1].bytes_sent, ==, 5);
  g_assert_cmpuint (messages[2].bytes_sent, ==, 1);
  assert_receives_text (receiver, "one");
  assert_receives_text (receiver, "fivex");
  assert_receives_text (receiver, "z");

  addressed.address = elsewhere;
  g_assert_cmpint (mctx_publication_send_messages (publication, &addressed, 1, MCTX_SEND_FLAGS_NONE, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  mctx_test_assert_silent (receiver);
  close (receiver);
}

int
main (int    argc,
      char **argv)
{
  mctx_test_init_netns (&argc, &argv);

  /* A link with an Ethernet MTU for segments: vsa–vsb, both here. */
  mctx_test_run ("ip link add vsa type veth peer name vsb");
  mctx_test_run ("ip link set vsa up");
  mctx_test_run ("ip link set vsb up");
  mctx_test_run ("ip address add 192.0.2.1/24 dev vsa");
  mctx_test_run ("ip address add 192.0.2.2/24 dev vsb");
  mctx_test_run ("ip address add fd00:b::1/64 dev vsa nodad");

  g_test_add_data_func ("/mctx/batch/ipv4", GINT_TO_POINTER (FALSE), test_batch);
  g_test_add_data_func ("/mctx/batch/ipv6", GINT_TO_POINTER (TRUE), test_batch);
  g_test_add_func ("/mctx/batch/bytes", test_bytes_batch);
  g_test_add_data_func ("/mctx/batch/segmented-ipv4", GINT_TO_POINTER (FALSE), test_segmented);
  g_test_add_data_func ("/mctx/batch/segmented-ipv6", GINT_TO_POINTER (TRUE), test_segmented);
  g_test_add_func ("/mctx/batch/segmented-many-vectors", test_segmented_many_vectors);
  g_test_add_func ("/mctx/batch/segmented-empty-last", test_segmented_empty_last);
  g_test_add_func ("/mctx/batch/partial", test_partial_batch);
  g_test_add_func ("/mctx/batch/removed", test_removed);
  g_test_add_func ("/mctx/batch/vectors", test_vectors);
  g_test_add_func ("/mctx/batch/shared-sockets", test_shared_sockets);
  g_test_add_func ("/mctx/batch/shared-at-scale", test_shared_at_scale);

  return g_test_run ();
}
