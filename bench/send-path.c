/* send-path.c: the cost of mctx's send path against a plain send() loop
 *
 * Sends N datagrams through an MctxPublication (send, and send_with_report
 * with its report), and N through a plain send() on an identically configured
 * socket, alternating rounds so that both see the same machine. Prints
 * nanoseconds per send and the ratios. Run inside a network namespace
 * (bench/run.sh): it sends to 239.1.2.3 through lo.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <mctx/mctx.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#define ROUNDS 7

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values)
{
  qsort (values, ROUNDS, sizeof (double), compare_doubles);
  return values[ROUNDS / 2];
}

int
main (int    argc,
      char **argv)
{
  guint64 n = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 200000;
  g_autoptr(MctxContext) context = mctx_context_new ();
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GSocket) plain = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;
  guint8 payload[64] = { 0 };
  double quick[ROUNDS], reported[ROUNDS], syscall[ROUNDS];
  int fd;

  config = mctx_udp_publication_config_new ("239.1.2.3", 5000, &error);
  g_assert_no_error (error);
  mctx_publication_config_set_outgoing_interface_string (config, "127.0.0.1", &error);
  g_assert_no_error (error);
  publication = mctx_context_add_publication (context, config, &error);
  g_assert_no_error (error);

  /* The plain socket: a second publication's socket, stolen, so that it is
   * configured exactly alike. */
  mctx_publication_config_set_ttl (config, 2);
  plain = mctx_publication_steal_socket (mctx_context_add_publication (context, config, &error));
  g_assert_no_error (error);
  fd = g_socket_get_fd (plain);

  for (guint round = 0; round < ROUNDS; round++)
    {
      gint64 start;

      start = g_get_monotonic_time ();
      for (guint64 i = 0; i < n; i++)
        if (send (fd, payload, sizeof payload, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
          g_error ("send: %s", g_strerror (errno));
      syscall[round] = (g_get_monotonic_time () - start) * 1000.0 / n;

      start = g_get_monotonic_time ();
      for (guint64 i = 0; i < n; i++)
        if (mctx_publication_send (publication, payload, sizeof payload, &error) < 0)
          g_error ("%s", error->message);
      quick[round] = (g_get_monotonic_time () - start) * 1000.0 / n;

      start = g_get_monotonic_time ();
      for (guint64 i = 0; i < n; i++)
        {
          MctxSendReport *report = mctx_publication_send_with_report (publication, payload, sizeof payload, &error);

          if (report == NULL)
            g_error ("%s", error->message);
          mctx_send_report_unref (report);
        }
      reported[round] = (g_get_monotonic_time () - start) * 1000.0 / n;
    }

  {
    double s = median (syscall), q = median (quick), r = median (reported);

    printf ("metrics=%s sends=%" G_GUINT64_FORMAT " rounds=%d\n",
#ifdef MCTX_HAS_METRICS
            "on",
#else
            "off",
#endif
            n, ROUNDS);
    printf ("  plain send()      %8.1f ns/send\n", s);
    printf ("  send()            %8.1f ns/send  ratio %.4f\n", q, q / s);
    printf ("  send() + report   %8.1f ns/send  ratio %.4f\n", r, r / s);
    printf ("RESULT %.6f %.6f\n", q / s, r / s);
  }

  return 0;
}
