/* throughput.c: mctx's send paths against plain system-call loops, and
 * the cost of adding and removing publications at scale
 *
 *   mctx-bench-throughput udp N          plain send(), sendmmsg() and GSO
 *                                         loops against mctx's send,
 *                                         send_batch and send_segmented at
 *                                         32, 512 and 1400 bytes, on lo
 *   mctx-bench-throughput raw N IFACE    a plain IP_HDRINCL loop against
 *                                         mctx's send_raw and send_batch
 *   mctx-bench-throughput scale MAX [shared]
 *                                         adds and removes up to MAX
 *                                         publications (sharing sockets),
 *                                         against a plain socket/connect
 *                                         loop
 *   mctx-bench-throughput paced RATE N PORT [SPIN [gso]]
 *                                         N datagrams at RATE per second
 *                                         through an MctxPacedSender on a
 *                                         GMainLoop, to 239.1.2.3:PORT;
 *                                         its pacer spinning SPIN µs (-1:
 *                                         the default), segmented sends
 *                                         with gso
 *   mctx-bench-throughput plain-paced RATE N PORT sleep|spin
 *                                         the same with a plain send()
 *                                         loop that sleeps to each due
 *                                         time (clock_nanosleep, timer
 *                                         slack 1 ns) or spins to it
 *   mctx-bench-throughput gso N SIZE PORT
 *                                         a plain GSO loop alone, to
 *                                         239.1.2.3:PORT on lo, printing
 *                                         its CPU time per datagram
 *   mctx-bench-throughput callgrind N    N sends each through
 *                                         bench_plain_send_loop() and
 *                                         bench_mctx_send_loop(), for
 *                                         valgrind --toggle-collect
 *
 * Each variant runs in rounds that alternate with the others, so that all
 * see the same machine, timed in the sending thread's CPU time. A row
 * shows a variant's fastest round, and its ratio to the plain loop is the
 * median of the ratios within each round. A receiver thread counts what
 * arrives, and catches up before the next round begins. Prints "ROW" lines for bench/throughput.py. Run inside a
 * network namespace (bench/run.sh): it sends to 239.1.2.3 on lo.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <mctx/mctx.h>
#include <mctx/raw/mctx-raw.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

#define ROUNDS 9
#define BATCH 64
#define GROUP "239.1.2.3"

static double
fastest (const double *values,
         guint         n)
{
  double best = values[0];

  for (guint i = 1; i < n; i++)
    best = MIN (best, values[i]);
  return best;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The median over rounds of each round's @baseline time over @variant's:
 * a round's two runs come minutes closer together than two fastest rounds
 * can, so a slow stretch of this shared machine slows both alike. */
static double
paired_ratio (const double *baseline,
              const double *variant,
              guint         n)
{
  double ratios[ROUNDS];

  g_assert (n <= ROUNDS);
  for (guint i = 0; i < n; i++)
    ratios[i] = baseline[i] / variant[i];
  qsort (ratios, n, sizeof (double), compare_doubles);
  return ratios[n / 2];
}

/* CPU time in ns, of the calling thread (CLOCK_THREAD_CPUTIME_ID) or the
 * process: the system calls' work, loopback delivery included, without
 * the time the scheduler gave the receiver or anything else on these two
 * cores. */
static double
cpu_ns (clockid_t clock)
{
  struct timespec now;

  clock_gettime (clock, &now);
  return now.tv_sec * 1e9 + now.tv_nsec;
}

/* A receiver thread that counts datagrams until told to stop. */
typedef struct {
  int fd;
  gint stop;
  guint64 received;
} Receiver;

static gpointer
receive_all (gpointer data)
{
  Receiver *receiver = data;
  struct mmsghdr messages[BATCH];
  struct iovec parts[BATCH];
  static guint8 buffers[BATCH][2048];

  for (guint i = 0; i < BATCH; i++)
    {
      parts[i] = (struct iovec) { buffers[i], sizeof buffers[i] };
      messages[i] = (struct mmsghdr) { .msg_hdr = { .msg_iov = &parts[i], .msg_iovlen = 1 } };
    }

  for (;;)
    {
      struct timespec timeout = { 0, 50 * 1000 * 1000 };
      int n = recvmmsg (receiver->fd, messages, BATCH, MSG_WAITFORONE, &timeout);

      if (n > 0)
        g_atomic_pointer_add (&receiver->received, n);
      else if (g_atomic_int_get (&receiver->stop))
        break;
    }

  return NULL;
}

/* Waits until the receiver has counted @expected datagrams, or has
 * counted nothing more for 100 ms: the next round starts with its queue
 * empty, as the first did. */
static guint64
wait_for_receiver (Receiver *receiver,
                   guint64   expected)
{
  guint64 seen = g_atomic_pointer_get (&receiver->received);

  for (guint idle = 0; seen < expected && idle < 10; )
    {
      guint64 now;

      g_usleep (10000);
      now = g_atomic_pointer_get (&receiver->received);
      idle = now == seen ? idle + 1 : 0;
      seen = now;
    }
  return seen;
}

static int
open_receiver (const char *interface_address,
               guint16    *port)
{
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in address = { .sin_family = AF_INET };
  struct ip_mreq request;
  int buffer = 64 << 20;
  socklen_t size = sizeof address;
  struct timeval timeout = { 0, 100000 };

  inet_pton (AF_INET, GROUP, &address.sin_addr);
  if (bind (fd, (struct sockaddr *) &address, sizeof address) != 0)
    g_error ("bind: %s", g_strerror (errno));
  inet_pton (AF_INET, GROUP, &request.imr_multiaddr);
  inet_pton (AF_INET, interface_address, &request.imr_interface);
  if (setsockopt (fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof request) != 0)
    g_error ("IP_ADD_MEMBERSHIP: %s", g_strerror (errno));
  setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  getsockname (fd, (struct sockaddr *) &address, &size);
  *port = ntohs (address.sin_port);
  return fd;
}

static void
print_row (const char *section,
           const char *variant,
           gsize       size,
           double      ns_per_datagram,
           double      ratio,
           guint64     sent,
           guint64     received)
{
  printf ("ROW %s %s %zu %.1f %.0f %.3f %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
          section, variant, size, ns_per_datagram, 1e9 / ns_per_datagram, ratio, sent, received);
  fflush (stdout);
}

/* UDP: the variants, each sending n datagrams of one size per round. */
typedef enum {
  PLAIN_SEND, PLAIN_SENDMMSG, PLAIN_GSO, MCTX_SEND, MCTX_BATCH, MCTX_SEGMENTED, N_UDP_VARIANTS
} UdpVariant;

static const char *const udp_names[] = {
  "send()", "sendmmsg()", "GSO", "mctx-send", "mctx-send_batch", "mctx-send_segmented",
};

static void
plain_send (int fd, const guint8 *payload, gsize size, guint64 n)
{
  for (guint64 i = 0; i < n; i++)
    while (send (fd, payload, size, MSG_DONTWAIT) < 0 && errno == EAGAIN)
      ;
}

static void
plain_sendmmsg (int fd, const guint8 *payload, gsize size, guint64 n)
{
  struct mmsghdr messages[BATCH];
  struct iovec part = { (void *) payload, size };

  for (guint i = 0; i < BATCH; i++)
    messages[i] = (struct mmsghdr) { .msg_hdr = { .msg_iov = &part, .msg_iovlen = 1 } };
  for (guint64 done = 0; done < n; )
    {
      int sent = sendmmsg (fd, messages, (guint) MIN (BATCH, n - done), MSG_DONTWAIT);

      if (sent > 0)
        done += (guint64) sent;
    }
}

static void
plain_gso (int fd, const guint8 *buffer, gsize size, guint64 n)
{
  guint per_send = (guint) MIN (BATCH, 65000 / size);

  for (guint64 done = 0; done < n; )
    {
      guint segments = (guint) MIN (per_send, n - done);
      char control[CMSG_SPACE (sizeof (guint16))] = { 0 };
      struct iovec part = { (void *) buffer, size * segments };
      struct msghdr message = { .msg_iov = &part, .msg_iovlen = 1, .msg_control = control,
                                .msg_controllen = sizeof control };
      struct cmsghdr *header = CMSG_FIRSTHDR (&message);
      guint16 segment = (guint16) size;

      header->cmsg_level = SOL_UDP;
      header->cmsg_type = UDP_SEGMENT;
      header->cmsg_len = CMSG_LEN (sizeof segment);
      memcpy (CMSG_DATA (header), &segment, sizeof segment);
      if (segments == 1)
        message.msg_controllen = 0;
      if (sendmsg (fd, &message, MSG_DONTWAIT) > 0)
        done += segments;
    }
}

static void
mctx_send_loop (MctxPublication *publication, const guint8 *payload, gsize size, guint64 n)
{
  for (guint64 i = 0; i < n; i++)
    while (mctx_publication_send (publication, payload, size, NULL) < 0)
      ;
}

static void
mctx_batch_loop (MctxPublication *publication, const guint8 *payload, gsize size, guint64 n)
{
  GOutputVector vectors[BATCH];
  GOutputMessage messages[BATCH];

  for (guint i = 0; i < BATCH; i++)
    {
      vectors[i] = (GOutputVector) { payload, size };
      messages[i] = (GOutputMessage) { .vectors = &vectors[i], .num_vectors = 1 };
    }
  for (guint64 done = 0; done < n; )
    {
      gint sent = mctx_publication_send_messages (publication, messages, (guint) MIN (BATCH, n - done),
                                                  MCTX_SEND_FLAGS_NONE, NULL);

      if (sent > 0)
        done += (guint64) sent;
    }
}

static void
mctx_segmented_loop (MctxPublication *publication, const guint8 *buffer, gsize size, guint64 n)
{
  guint per_call = (guint) MIN (BATCH, 65000 / size);
  GOutputVector vectors[BATCH];
  GOutputMessage messages[BATCH];

  /* Each datagram from its own place in the buffer, as an application's
   * own datagrams would be: the library segments them without a copy. */
  for (guint i = 0; i < per_call; i++)
    {
      vectors[i] = (GOutputVector) { buffer + i * size, size };
      messages[i] = (GOutputMessage) { .vectors = &vectors[i], .num_vectors = 1 };
    }
  for (guint64 done = 0; done < n; )
    {
      guint segments = (guint) MIN (per_call, n - done);
      gint sent = mctx_publication_send_messages (publication, messages, segments, MCTX_SEND_FLAGS_SEGMENTED, NULL);

      if (sent > 0)
        done += (guint64) sent;
    }
}

static MctxPublication *
add_udp (MctxContext *context,
         guint16      port,
         int          ttl)
{
  g_autoptr(MctxPublicationConfig) config = mctx_udp_publication_config_new (GROUP, port, NULL);
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;

  mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", NULL);
  mctx_publication_config_set_loopback (config, TRUE);
  mctx_publication_config_set_ttl (config, ttl);
  publication = mctx_context_add_publication (context, config, &error);
  if (publication == NULL)
    g_error ("%s", error->message);
  return publication;
}

static void
bench_udp (guint64 n)
{
  const gsize sizes[] = { 32, 512, 1400 };
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GSocket) plain = NULL;
  MctxPublication *publication;
  Receiver receiver = { 0 };
  GThread *thread;
  guint16 port;
  g_autofree guint8 *buffer = g_malloc0 (65536);
  int fd;

  receiver.fd = open_receiver ("127.0.0.1", &port);
  thread = g_thread_new ("receiver", receive_all, &receiver);

  publication = add_udp (context, port, 1);
  /* The plain socket: a second publication's, stolen, so it is set up alike. */
  plain = mctx_publication_steal_socket (add_udp (context, port, 2));
  fd = g_socket_get_fd (plain);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      double ns[N_UDP_VARIANTS][ROUNDS];
      guint64 received[N_UDP_VARIANTS] = { 0 };

      for (guint round = 0; round < ROUNDS; round++)
        for (guint k = 0; k < N_UDP_VARIANTS; k++)
          {
            /* Forwards, then backwards: no variant always follows another. */
            UdpVariant v = round % 2 == 0 ? k : N_UDP_VARIANTS - 1 - k;
            guint64 before = g_atomic_pointer_get (&receiver.received);
            double start = cpu_ns (CLOCK_THREAD_CPUTIME_ID);

            switch (v)
              {
              case PLAIN_SEND: plain_send (fd, buffer, sizes[s], n); break;
              case PLAIN_SENDMMSG: plain_sendmmsg (fd, buffer, sizes[s], n); break;
              case PLAIN_GSO: plain_gso (fd, buffer, sizes[s], n); break;
              case MCTX_SEND: mctx_send_loop (publication, buffer, sizes[s], n); break;
              case MCTX_BATCH: mctx_batch_loop (publication, buffer, sizes[s], n); break;
              case MCTX_SEGMENTED: mctx_segmented_loop (publication, buffer, sizes[s], n); break;
              default: g_assert_not_reached ();
              }
            ns[v][round] = (cpu_ns (CLOCK_THREAD_CPUTIME_ID) - start) / n;
            received[v] += wait_for_receiver (&receiver, before + n) - before;
          }

      for (UdpVariant v = 0; v < N_UDP_VARIANTS; v++)
        print_row ("udp", udp_names[v], sizes[s], fastest (ns[v], ROUNDS),
                   paired_ratio (ns[PLAIN_SEND], ns[v], ROUNDS), n * ROUNDS, received[v]);
    }

  g_atomic_int_set (&receiver.stop, 1);
  g_thread_join (thread);
  close (receiver.fd);
}

/* Raw: a plain IP_HDRINCL loop against mctx, out through @interface_name. */
static void
bench_raw (guint64     n,
           const char *interface_name)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = mctx_raw_publication_config_new (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GInetAddress) source = g_inet_address_new_from_string ("198.51.100.7");
  g_autoptr(GInetAddress) group = g_inet_address_new_from_string (GROUP);
  g_autoptr(GBytes) datagram = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "raw-loop", "mctx-send", "mctx-send_messages" };
  double ns[3][ROUNDS];
  guint64 received[3] = { 0 };
  GOutputVector vectors[BATCH];
  GOutputMessage messages[BATCH];
  struct sockaddr_in destination = { .sin_family = AF_INET };
  MctxPublication *publication;
  Receiver receiver = { 0 };
  GThread *thread;
  guint16 port;
  const guint8 *data;
  gsize len;
  int fd;

  receiver.fd = open_receiver ("192.0.2.2", &port);
  thread = g_thread_new ("receiver", receive_all, &receiver);

  datagram = mctx_raw_build_udp_datagram (source, 4000, group, port, 8, 0, 0, (const guint8 *) "raw bench", 9, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (datagram, &len);
  mctx_publication_config_set_interface_name (config, interface_name);
  publication = mctx_context_add_publication (context, config, &error);
  if (publication == NULL)
    g_error ("%s", error->message);

  fd = socket (AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  {
    struct ip_mreqn request = { .imr_ifindex = (int) if_nametoindex (interface_name) };

    setsockopt (fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof request);
  }
  inet_pton (AF_INET, GROUP, &destination.sin_addr);
  for (guint i = 0; i < BATCH; i++)
    {
      vectors[i] = (GOutputVector) { data, len };
      messages[i] = (GOutputMessage) { .vectors = &vectors[i], .num_vectors = 1 };
    }

  for (guint round = 0; round < ROUNDS; round++)
    for (guint k = 0; k < 3; k++)
      {
        guint v = round % 2 == 0 ? k : 2 - k;
        guint64 before = g_atomic_pointer_get (&receiver.received);
        double start = cpu_ns (CLOCK_THREAD_CPUTIME_ID);

        if (v == 0)
          for (guint64 i = 0; i < n; i++)
            while (sendto (fd, data, len, MSG_DONTWAIT, (struct sockaddr *) &destination, sizeof destination) < 0)
              ;
        else if (v == 1)
          for (guint64 i = 0; i < n; i++)
            {
              while (mctx_publication_send (publication, data, len, NULL) < 0)
                ;
            }
        else
          for (guint64 done = 0; done < n; )
            {
              gint sent = mctx_publication_send_messages (publication, messages, (guint) MIN (BATCH, n - done),
                                                          MCTX_SEND_FLAGS_NONE, NULL);

              if (sent > 0)
                done += (guint64) sent;
            }

        ns[v][round] = (cpu_ns (CLOCK_THREAD_CPUTIME_ID) - start) / n;
        received[v] += wait_for_receiver (&receiver, before + n) - before;
      }

  for (guint v = 0; v < 3; v++)
    print_row ("raw", names[v], len, fastest (ns[v], ROUNDS), paired_ratio (ns[0], ns[v], ROUNDS), n * ROUNDS,
               received[v]);

  g_atomic_int_set (&receiver.stop, 1);
  g_thread_join (thread);
  close (receiver.fd);
  close (fd);
}

static gsize
resident_bytes (void)
{
  g_autofree char *contents = NULL;
  unsigned long pages = 0, resident = 0;

  if (g_file_get_contents ("/proc/self/statm", &contents, NULL, NULL))
    sscanf (contents, "%lu %lu", &pages, &resident);
  return resident * (gsize) sysconf (_SC_PAGESIZE);
}

/* Adds up to @max publications, each resolving its interface address;
 * reports the rate of the last 1000 adds before each checkpoint, against
 * opening, binding and connecting a plain socket just as often. */
static void
bench_scale (guint    max,
             gboolean shared)
{
  const guint checkpoints[] = { 1000, 4000, 16000, 50000, 100000 };
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GPtrArray) plain = g_ptr_array_new ();
  struct rlimit limit;
  gsize resident_before = resident_bytes ();
  guint added = 0;

  /* One descriptor per publication, unless shared: as many as the hard
   * limit allows. */
  getrlimit (RLIMIT_NOFILE, &limit);
  if (!shared && limit.rlim_max < (rlim_t) max + 2048)
    {
      max = limit.rlim_max > 4096 ? (guint) limit.rlim_max - 2048 : 1000;
      printf ("LIMIT %u publications: the hard limit on open files is %lu\n", max, (unsigned long) limit.rlim_max);
    }
  limit.rlim_cur = limit.rlim_max;
  setrlimit (RLIMIT_NOFILE, &limit);

  for (guint c = 0; c < G_N_ELEMENTS (checkpoints) && added < max; c++)
    {
      guint checkpoint = MIN (checkpoints[c], max);

      double mctx_ns = 0, plain_ns = 0;

      for (; added < checkpoint; added++)
        {
          g_autofree char *group = g_strdup_printf ("239.%u.%u.%u", 10 + added / 65536, (added / 256) % 256,
                                                     added % 256);
          g_autoptr(MctxPublicationConfig) config = mctx_udp_publication_config_new (group, 5000, NULL);
          g_autoptr(GError) error = NULL;
          gboolean timed = added + 1000 >= checkpoint;
          gint64 start;

          mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", NULL);
          mctx_udp_publication_config_set_shared_socket (MCTX_UDP_PUBLICATION_CONFIG (config), shared);
          start = g_get_monotonic_time ();
          if (mctx_context_add_publication (context, config, &error) == NULL)
            g_error ("%s", error->message);
          if (timed)
            mctx_ns += (g_get_monotonic_time () - start) * 1000.0;

          /* The baseline: the system calls of a publication, and nothing
           * else, for the last 1000. */
          if (timed)
            {
              struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (5000) };
              struct in_addr interface = { htonl (INADDR_LOOPBACK) };
              int ttl = 1, fd;

              inet_pton (AF_INET, group, &to.sin_addr);
              start = g_get_monotonic_time ();
              fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
              setsockopt (fd, IPPROTO_IP, IP_MULTICAST_IF, &interface, sizeof interface);
              setsockopt (fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
              connect (fd, (struct sockaddr *) &to, sizeof to);
              plain_ns += (g_get_monotonic_time () - start) * 1000.0;
              g_ptr_array_add (plain, GINT_TO_POINTER (fd));
            }
        }

      print_row ("scale-add", shared ? "mctx-add-shared" : "mctx-add", added, mctx_ns / 1000, plain_ns / mctx_ns, 1000, 0);
      printf ("MEMORY %u %.0f\n", added, (double) (resident_bytes () - resident_before) / added);
      for (guint i = 0; i < plain->len; i++)
        close (GPOINTER_TO_INT (g_ptr_array_index (plain, i)));
      g_ptr_array_set_size (plain, 0);
    }

  {
    /* Removing the last 1000, from the middle of the id range. */
    gint64 start = g_get_monotonic_time ();

    for (guint id = added / 2; id < added / 2 + 1000; id++)
      if (!mctx_context_remove_publication (context, id, NULL))
        g_error ("remove %u", id);
    print_row ("scale-remove", shared ? "mctx-remove-shared" : "mctx-remove", added,
               (g_get_monotonic_time () - start) * 1000.0 / 1000, 1.0, 1000, 0);
  }
}

/* Kept out of line, so that valgrind can count each loop alone. */
__attribute__ ((noinline)) void bench_plain_send_loop (int fd, guint64 n);
__attribute__ ((noinline)) void bench_mctx_send_loop (MctxPublication *publication, guint64 n);

__attribute__ ((noinline)) void
bench_plain_send_loop (int     fd,
                       guint64 n)
{
  guint8 payload[32] = { 0 };

  plain_send (fd, payload, sizeof payload, n);
}

__attribute__ ((noinline)) void
bench_mctx_send_loop (MctxPublication *publication,
                      guint64          n)
{
  guint8 payload[32] = { 0 };

  mctx_send_loop (publication, payload, sizeof payload, n);
}

static void
bench_callgrind (guint64 n)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GSocket) plain = NULL;
  MctxPublication *publication = add_udp (context, 9, 1);

  plain = mctx_publication_steal_socket (add_udp (context, 9, 2));
  bench_plain_send_loop (g_socket_get_fd (plain), n);
  bench_mctx_send_loop (publication, n);
}

static void
on_paced_run (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!mctx_paced_sender_run_finish (MCTX_PACED_SENDER (object), result, &error))
    g_error ("%s", error->message);
  g_main_loop_quit (user_data);
}

static void
bench_paced (double  rate,
             guint64 n,
             guint16 port,
             int     spin_us,
             gboolean segmented)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GBytes) payload = g_bytes_new_static ("paced bench payload", 19);
  g_autoptr(MctxPacedSender) sender = mctx_paced_sender_new (add_udp (context, port, 1), payload, n);

  mctx_paced_sender_set_packets_per_second (sender, rate);
  mctx_paced_sender_set_spin (sender, spin_us);
  mctx_paced_sender_set_segmented (sender, segmented);
  mctx_paced_sender_run_async (sender, G_PRIORITY_DEFAULT, NULL, on_paced_run, loop);
  g_main_loop_run (loop);
  {
    g_autoptr(GEnumClass) modes = g_type_class_ref (MCTX_TYPE_PACING_MODE);

    printf ("MODE %s\n", g_enum_get_value (modes, mctx_paced_sender_get_pacing_mode (sender))->value_nick);
  }
}

/* The references for pacing: a plain loop that sleeps (or spins) to each
 * datagram's due time and sends it. */
static void
bench_plain_paced (double      rate,
                   guint64     n,
                   guint16     port,
                   gboolean    spin)
{
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(GSocket) socket = mctx_publication_steal_socket (add_udp (context, port, 1));
  int fd = g_socket_get_fd (socket);
  gint64 start = g_get_monotonic_time () * 1000;
  double interval = 1e9 / rate;

  prctl (PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  for (guint64 i = 0; i < n; i++)
    {
      gint64 due = start + (gint64) (i * interval);

      if (spin)
        while (g_get_monotonic_time () * 1000 < due)
          ;
      else
        {
          struct timespec until = { due / 1000000000, due % 1000000000 };

          clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
        }
      while (send (fd, "paced bench payload", 19, MSG_DONTWAIT) < 0 && errno == EAGAIN)
        ;
    }
}

/* The plain GSO loop alone, to @port on lo: the reference for the tools'
 * --gso, measured in the same run. Prints the CPU ns per datagram. */
static void
bench_gso (gsize    size,
           guint64  n,
           guint16  port)
{
  g_autofree guint8 *buffer = g_malloc (65536);
  struct sockaddr_in destination = { .sin_family = AF_INET, .sin_port = htons (port) };
  struct in_addr interface;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  double start;

  /* The tool's payload, in memory of its own: untouched zeroed memory
   * would be one page of zeros mapped sixteen times over, which the
   * kernel copies from the cache, and no application sends. */
  memset (buffer, 'x', 65536);

  inet_pton (AF_INET, GROUP, &destination.sin_addr);
  inet_pton (AF_INET, "127.0.0.1", &interface);
  setsockopt (fd, IPPROTO_IP, IP_MULTICAST_IF, &interface, sizeof interface);
  if (connect (fd, (struct sockaddr *) &destination, sizeof destination) != 0)
    g_error ("connect: %s", g_strerror (errno));

  /* The process's CPU time over the loop alone, as the tool's summary
   * gives its own (cpu_secs): start-up and exit left out of both. */
  start = cpu_ns (CLOCK_PROCESS_CPUTIME_ID);
  plain_gso (fd, buffer, size, n);
  printf ("GSO %.1f\n", (cpu_ns (CLOCK_PROCESS_CPUTIME_ID) - start) / n);
  close (fd);
}

int
main (int    argc,
      char **argv)
{
  guint64 n = argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 100000;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s udp|raw|scale|paced|callgrind ...\n", argv[0]);
      return 2;
    }

  if (g_str_equal (argv[1], "udp"))
    bench_udp (n);
  else if (g_str_equal (argv[1], "raw") && argc > 3)
    bench_raw (n, argv[3]);
  else if (g_str_equal (argv[1], "scale"))
    bench_scale ((guint) n, argc > 3 && g_str_equal (argv[3], "shared"));
  else if (g_str_equal (argv[1], "paced") && argc > 4)
    bench_paced (g_ascii_strtod (argv[2], NULL), g_ascii_strtoull (argv[3], NULL, 10),
                 (guint16) g_ascii_strtoull (argv[4], NULL, 10), argc > 5 ? atoi (argv[5]) : -1,
                 argc > 6 && g_str_equal (argv[6], "gso"));
  else if (g_str_equal (argv[1], "plain-paced") && argc > 5)
    bench_plain_paced (g_ascii_strtod (argv[2], NULL), g_ascii_strtoull (argv[3], NULL, 10),
                       (guint16) g_ascii_strtoull (argv[4], NULL, 10), g_str_equal (argv[5], "spin"));
  else if (g_str_equal (argv[1], "callgrind"))
    bench_callgrind (n);
  else if (g_str_equal (argv[1], "gso") && argc > 4)
    bench_gso ((gsize) g_ascii_strtoull (argv[3], NULL, 10), n, (guint16) g_ascii_strtoull (argv[4], NULL, 10));
  else
    return 2;

  return 0;
}
