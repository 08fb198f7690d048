/* mctx-recv: receive multicast and tell what arrived
 *
 * Joins one or more groups (ASM, or SSM with --source), counts datagrams
 * and bytes per sender and stream, and for stamped payloads (MctxStamp,
 * mctx-send --size) the lost, duplicated and reordered datagrams, the
 * one-way delay and the interarrival jitter of RFC 3550, with histograms
 * of delay, jitter and gaps. iperf 2's datagrams count like stamped ones.
 * Anyone on the link can send to it: what it keeps is bounded
 * (mctx-recv-stats.c).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <locale.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <mctx/mctx.h>

#include "mctx-recv-stats.h"
#include "mctx-tool.h"

#define EXIT_USAGE 2
#define EXIT_RUNTIME 1

typedef struct {
  GMainLoop *loop;
  MctxRecvStats *stats;
  GPtrArray *sockets;       /* file descriptors, as pointers */
  guint64 received;
  guint64 count;            /* stop after this many, 0: no limit */
  gint64 started_us;
  gint64 last_arrival_us;
  gint64 idle_timeout_us;
  gboolean json;
  gboolean quiet;
  gboolean terminal;
  gboolean interrupted;
  int signal_number;
  JsonGenerator *generator;
  MctxRecvCounts interval_last; /* the totals at the last interval */
  MctxMetricsWriter *metrics;   /* MCTX_METRICS_SUMMARY_FILE, or NULL */
  MctxRecvCounts metrics_last;  /* the totals of the last sample */
  gint64 metrics_last_us;
  gboolean metrics_failed;
} Receiver;

static char *opt_source;
static char *opt_interface;
static guint opt_interface_index;
static char *opt_interface_name;
static guint64 opt_count;
static double opt_duration;
static double opt_idle_timeout;
static double opt_interval = 1.0;
static double opt_max_loss = -1.0;      /* < 0: not given */
static int opt_rcvbuf;                  /* 0: not given */
static guint opt_max_streams = MCTX_RECV_DEFAULT_MAX_STREAMS;
static gboolean opt_json;
static gboolean opt_quiet;
static gboolean opt_version;
static MctxRecvFormat opt_format = MCTX_RECV_FORMAT_AUTO;

static int
fail (int         status,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static int
fail (int         status,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("mctx-recv: %s\n", message);
  return status;
}

/* Numeric options arrive as text and are checked here, so that a
 * negative or out-of-range value (-1 included, which would otherwise
 * read as "not given") is refused with one line. The wording is the
 * senders'. */
static gboolean
on_number_option (const char  *name,
                  const char  *value,
                  gpointer     data,
                  GError     **error)
{
  static const struct {
    const char *name;
    gint64 min, max;
  } ranges[] = {
    { "--count", 0, G_MAXINT64 },
    { "--interface-index", 1, G_MAXINT },
    { "--rcvbuf", 1024, G_MAXINT / 2 },
    { "--max-streams", 1, MCTX_RECV_MAX_MAX_STREAMS },
  };
  guint64 number;

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      if (!g_str_equal (name, ranges[i].name))
        continue;
      if (!g_ascii_string_to_unsigned (value, 10, (guint64) ranges[i].min, (guint64) ranges[i].max, &number, NULL))
        {
          /* Translators: "Invalid --ttl “-1”: expected a number from 0 to 255" */
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Invalid %s “%s”: expected a number from %lld to %lld"),
                       name, value, (long long) ranges[i].min, (long long) ranges[i].max);
          return FALSE;
        }
      if (g_str_equal (name, "--count"))
        opt_count = number;
      else if (g_str_equal (name, "--interface-index"))
        opt_interface_index = (guint) number;
      else if (g_str_equal (name, "--rcvbuf"))
        opt_rcvbuf = (int) number;
      else
        opt_max_streams = (guint) number;
      return TRUE;
    }
  g_assert_not_reached ();
}

static gboolean
on_format_option (const char  *name,
                  const char  *value,
                  gpointer     data,
                  GError     **error)
{
  if (g_str_equal (value, "auto"))
    opt_format = MCTX_RECV_FORMAT_AUTO;
  else if (g_str_equal (value, "mctx"))
    opt_format = MCTX_RECV_FORMAT_MCTX;
  else if (g_str_equal (value, "iperf2"))
    opt_format = MCTX_RECV_FORMAT_IPERF2;
  else
    {
      /* Translators: the values are literal and stay untranslated. */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid %s “%s”: expected auto, mctx or iperf2"), name, value);
      return FALSE;
    }
  return TRUE;
}

/* Seconds, from a millisecond to ten years, checked before conversion;
 * and --max-loss, a percentage. */
static gboolean
on_real_option (const char  *name,
                const char  *value,
                gpointer     data,
                GError     **error)
{
  char *end = NULL;
  double number = g_ascii_strtod (value, &end);
  gboolean valid = end != value && *end == '\0' && isfinite (number);

  if (g_str_equal (name, "--max-loss"))
    {
      if (!valid || number < 0 || number > 100)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Invalid %s “%s”: expected a percentage from 0 to 100"), name, value);
          return FALSE;
        }
      opt_max_loss = number;
      return TRUE;
    }

  if (!valid || number < 0.001 || number > 315360000.0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid %s “%s”: expected seconds from 0.001 to 315360000"), name, value);
      return FALSE;
    }
  if (g_str_equal (name, "--duration"))
    opt_duration = number;
  else if (g_str_equal (name, "--idle-timeout"))
    opt_idle_timeout = number;
  else
    opt_interval = number;
  return TRUE;
}

static double
loss_percent (const MctxRecvCounts *totals)
{
  guint64 expected = totals->unique + totals->lost;

  return expected > 0 ? 100.0 * (double) totals->lost / (double) expected : 0.0;
}

/* Microseconds to one decimal, so that JSON carries no float noise. */
static double
tenths (double value)
{
  return round (value * 10) / 10;
}

/* What changed from @before to @now. Counts only grow, except lost, which
 * shrinks when a late datagram fills a gap: an interval's lost is what it
 * added, never less than 0. */
static MctxRecvCounts
counts_since (const MctxRecvCounts *now,
              const MctxRecvCounts *before)
{
  MctxRecvCounts delta = *now;

#define DELTA(field) delta.field = now->field > before->field ? now->field - before->field : 0
  DELTA (received);
  DELTA (bytes);
  DELTA (unique);
  DELTA (lost);
  DELTA (duplicated);
  DELTA (reordered);
  DELTA (out_of_window);
  DELTA (restarts);
  DELTA (implausible_times);
  DELTA (evicted_streams);
  DELTA (delay_count);
#undef DELTA
  delta.delay_sum_us = delta.delay_count > 0 ? now->delay_sum_us - before->delay_sum_us : 0;
  return delta;
}

static void
add_counts (JsonBuilder          *builder,
            const MctxRecvCounts *counts)
{
  const struct {
    const char *name;
    guint64 value;
  } members[] = {
    { "received", counts->received },
    { "bytes", counts->bytes },
    { "lost", counts->lost },
    { "duplicated", counts->duplicated },
    { "reordered", counts->reordered },
    { "out_of_window", counts->out_of_window },
    { "restarts", counts->restarts },
    { "implausible_times", counts->implausible_times },
  };

  /* Every count fits: none grows by more than the window per datagram. */
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      json_builder_set_member_name (builder, members[i].name);
      json_builder_add_int_value (builder, (gint64) MIN (members[i].value, (guint64) G_MAXINT64));
    }
  json_builder_set_member_name (builder, "jitter_us");
  json_builder_add_double_value (builder, tenths (counts->jitter_us));
  json_builder_set_member_name (builder, "delay_us");
  json_builder_add_double_value (builder, tenths (mctx_recv_counts_delay_us (counts)));
}

/* A histogram as an object: count, negative, min, p50, p90, p99, p999 and
 * max in µs (null without values; a percentile among negative values is
 * null too), and buckets: [lower, upper, count] for each bucket that is
 * not empty, upper null for the last, open one. */
static void
add_histogram (JsonBuilder             *builder,
               const char              *name,
               const MctxRecvHistogram *histogram)
{
  static const struct {
    const char *name;
    double fraction;
  } percentiles[] = {
    { "p50", 0.5 }, { "p90", 0.9 }, { "p99", 0.99 }, { "p999", 0.999 },
  };

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, (gint64) MIN (histogram->count, (guint64) G_MAXINT64));
  json_builder_set_member_name (builder, "negative");
  json_builder_add_int_value (builder, (gint64) MIN (histogram->negative, (guint64) G_MAXINT64));
  json_builder_set_member_name (builder, "min");
  if (histogram->count > 0)
    json_builder_add_double_value (builder, tenths (histogram->min_us));
  else
    json_builder_add_null_value (builder);
  for (guint i = 0; i < G_N_ELEMENTS (percentiles); i++)
    {
      double value;

      json_builder_set_member_name (builder, percentiles[i].name);
      if (mctx_recv_histogram_percentile (histogram, percentiles[i].fraction, &value))
        json_builder_add_double_value (builder, tenths (value));
      else
        json_builder_add_null_value (builder);
    }
  json_builder_set_member_name (builder, "max");
  if (histogram->count > 0)
    json_builder_add_double_value (builder, tenths (histogram->max_us));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "buckets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < MCTX_RECV_HIST_BUCKETS; i++)
    {
      if (histogram->buckets[i] == 0)
        continue;
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, mctx_recv_histogram_lower (i));
      if (i + 1 < MCTX_RECV_HIST_BUCKETS)
        json_builder_add_double_value (builder, mctx_recv_histogram_upper (i));
      else
        json_builder_add_null_value (builder);
      json_builder_add_int_value (builder, (gint64) MIN (histogram->buckets[i], (guint64) G_MAXINT64));
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
add_histograms (JsonBuilder              *builder,
                const MctxRecvHistograms *histograms)
{
  json_builder_set_member_name (builder, "histograms");
  json_builder_begin_object (builder);
  add_histogram (builder, "delay_us", &histograms->delay);
  add_histogram (builder, "jitter_us", &histograms->jitter);
  add_histogram (builder, "gap_us", &histograms->gap);
  json_builder_end_object (builder);
}

static void
print_builder (Receiver    *self,
               JsonBuilder *builder)
{
  g_autofree char *text = mctx_tool_json_text (self->generator, builder);

  g_print ("%s\n", text);
}

static void
add_stream (const char           *sender,
            MctxRecvStampKind     kind,
            guint32               stream_id,
            const MctxRecvCounts *counts,
            gpointer              user_data)
{
  JsonBuilder *builder = user_data;
  const char *const formats[] = { "none", "mctx", "iperf2" };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sender");
  json_builder_add_string_value (builder, sender);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, formats[kind]);
  json_builder_set_member_name (builder, "stream_id");
  if (kind == MCTX_RECV_STAMP_MCTX)
    json_builder_add_int_value (builder, stream_id);
  else
    json_builder_add_null_value (builder);
  add_counts (builder, counts);
  json_builder_end_object (builder);
}

/* An interval's object holds what arrived in that interval (jitter_us:
 * the largest of the streams' at its end), its histograms too; the
 * summary holds totals. */
static void
report_json (Receiver             *self,
             gboolean              final,
             double                elapsed,
             const MctxRecvCounts *totals)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  MctxRecvCounts counts = final ? *totals : counts_since (totals, &self->interval_last);
  MctxRecvHistograms histograms;

  mctx_recv_stats_take_histograms (self->stats, final ? MCTX_RECV_SPAN_TOTAL : MCTX_RECV_SPAN_INTERVAL,
                                   &histograms);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, final ? "summary" : "interval");
  json_builder_set_member_name (builder, "elapsed_secs");
  json_builder_add_double_value (builder, round (elapsed * 1000) / 1000);
  add_counts (builder, &counts);
  json_builder_set_member_name (builder, "evicted_streams");
  json_builder_add_int_value (builder, (gint64) counts.evicted_streams);
  json_builder_set_member_name (builder, "tracked_streams");
  json_builder_add_int_value (builder, mctx_recv_stats_get_n_streams (self->stats));
  add_histograms (builder, &histograms);
  if (final)
    {
      json_builder_set_member_name (builder, "max_streams");
      json_builder_add_int_value (builder, opt_max_streams);
      json_builder_set_member_name (builder, "interrupted");
      json_builder_add_boolean_value (builder, self->interrupted);
      json_builder_set_member_name (builder, "streams");
      json_builder_begin_array (builder);
      mctx_recv_stats_foreach (self->stats, add_stream, builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  print_builder (self, builder);
}

static void
report (Receiver *self,
        gboolean  final)
{
  MctxRecvCounts totals;
  double elapsed = (g_get_monotonic_time () - self->started_us) / (double) G_USEC_PER_SEC;

  mctx_recv_stats_get_totals (self->stats, &totals);
  if (self->json)
    {
      if (final || !self->quiet)
        report_json (self, final, elapsed, &totals);
      self->interval_last = totals;
      return;
    }

  if (!final)
    {
      /* A live line on a terminal only. */
      if (self->terminal && !self->quiet)
        g_printerr ("\r");
      if (self->terminal && !self->quiet)
        g_printerr (ngettext ("%llu datagram  %.1f Mbit/s  lost %llu  jitter %.1f µs  %.1f s ",
                              "%llu datagrams  %.1f Mbit/s  lost %llu  jitter %.1f µs  %.1f s ", totals.received),
                    (unsigned long long) totals.received,
                    elapsed > 0 ? totals.bytes * 8 / elapsed / 1e6 : 0.0,
                    (unsigned long long) totals.lost, totals.jitter_us, elapsed);
      return;
    }

  if (self->terminal && !self->quiet)
    g_printerr ("\r\033[K");
  if (self->interrupted)
    g_print (_("interrupted: "));
  g_print (ngettext ("received %llu datagram", "received %llu datagrams", totals.received),
           (unsigned long long) totals.received);
  g_print (ngettext (", %llu payload byte; lost %llu (%.2f %%), duplicated %llu, reordered %llu, "
                     "jitter %.1f µs, delay %.1f µs\n",
                     ", %llu payload bytes; lost %llu (%.2f %%), duplicated %llu, reordered %llu, "
                     "jitter %.1f µs, delay %.1f µs\n", totals.bytes),
           (unsigned long long) totals.bytes,
           (unsigned long long) totals.lost, loss_percent (&totals), (unsigned long long) totals.duplicated,
           (unsigned long long) totals.reordered, totals.jitter_us, mctx_recv_counts_delay_us (&totals));
  /* What the limits and the plausibility rules set aside, when anything. */
  if (totals.evicted_streams > 0 || totals.restarts > 0 || totals.out_of_window > 0 || totals.implausible_times > 0)
    g_print (_("set aside: streams evicted %llu, restarts %llu, out of window %llu, implausible send times %llu\n"),
             (unsigned long long) totals.evicted_streams, (unsigned long long) totals.restarts,
             (unsigned long long) totals.out_of_window, (unsigned long long) totals.implausible_times);
}

/* One row of the metrics file: totals, and what changed since the last. */
static void
write_metrics (Receiver *self)
{
  g_autoptr(JsonObject) row = json_object_new ();
  g_autoptr(GError) error = NULL;
  MctxRecvCounts totals, delta;
  gint64 now = g_get_monotonic_time ();

  if (self->metrics == NULL || self->metrics_failed)
    return;

  mctx_recv_stats_get_totals (self->stats, &totals);
  delta = counts_since (&totals, &self->metrics_last);
  {
    const struct {
      const char *name;
      guint64 total, delta;
    } counters[] = {
      { "datagrams_received", totals.received, delta.received },
      { "bytes_received", totals.bytes, delta.bytes },
      { "datagrams_lost", totals.lost, delta.lost },
      { "datagrams_duplicated", totals.duplicated, delta.duplicated },
      { "datagrams_reordered", totals.reordered, delta.reordered },
      { "datagrams_out_of_window", totals.out_of_window, delta.out_of_window },
      { "stream_restarts", totals.restarts, delta.restarts },
      { "implausible_send_times", totals.implausible_times, delta.implausible_times },
      { "streams_evicted", totals.evicted_streams, delta.evicted_streams },
    };

    json_object_set_double_member (row, "ts", g_get_real_time () / (double) G_USEC_PER_SEC);
    json_object_set_double_member (row, "interval_secs", (now - self->metrics_last_us) / (double) G_USEC_PER_SEC);
    for (guint i = 0; i < G_N_ELEMENTS (counters); i++)
      {
        g_autofree char *total = g_strconcat (counters[i].name, "_total", NULL);
        g_autofree char *change = g_strconcat (counters[i].name, "_delta", NULL);

        json_object_set_int_member (row, total, (gint64) MIN (counters[i].total, (guint64) G_MAXINT64));
        json_object_set_int_member (row, change, (gint64) MIN (counters[i].delta, (guint64) G_MAXINT64));
      }
  }
  json_object_set_double_member (row, "jitter_us", tenths (totals.jitter_us));
  json_object_set_double_member (row, "delay_us", tenths (mctx_recv_counts_delay_us (&totals)));
  /* The histograms of the datagrams since the previous row. */
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) node = NULL;
    MctxRecvHistograms histograms;

    mctx_recv_stats_take_histograms (self->stats, MCTX_RECV_SPAN_SAMPLE, &histograms);
    json_builder_begin_object (builder);
    add_histograms (builder, &histograms);
    json_builder_end_object (builder);
    node = json_builder_get_root (builder);
    json_object_set_member (row, "histograms",
                            json_node_copy (json_object_get_member (json_node_get_object (node), "histograms")));
  }

  /* A failed write is reported once; receiving goes on. */
  if (!mctx_metrics_writer_write_row (self->metrics, row, &error))
    {
      fail (EXIT_RUNTIME, "%s", error->message);
      self->metrics_failed = TRUE;
    }
  self->metrics_last = totals;
  self->metrics_last_us = now;
}

static gboolean
on_metrics_due (gpointer user_data)
{
  write_metrics (user_data);
  return G_SOURCE_CONTINUE;
}

/* MCTX_METRICS_SUMMARY_FILE and friends, as for the senders. */
static gboolean
open_metrics (Receiver  *self,
              gint64    *period_us,
              int       *status)
{
  const char *file = g_getenv ("MCTX_METRICS_SUMMARY_FILE");
  const char *secs = g_getenv ("MCTX_METRICS_SUMMARY_SECS");
  g_autofree char *secs_text = g_strstrip (g_strdup (secs != NULL ? secs : ""));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) flags = NULL;

  *period_us = 0;
  if (file == NULL || file[0] == '\0')
    return TRUE;
  if (!mctx_tool_parse_period (secs_text, period_us))
    {
      *status = fail (EXIT_USAGE, _("Invalid MCTX_METRICS_SUMMARY_SECS “%s”: expected 0 (no periodic samples) "
                                    "or seconds from 0.001 to 86400, in steps of a microsecond"), secs);
      return FALSE;
    }

  /* The writer adds MCTX_METRICS_FLAGS_JSON's under these. */
  flags = json_object_new ();
  json_object_set_string_member (flags, "transport", "udp-multicast");
  json_object_set_string_member (flags, "role", "receiver");
  if (opt_source != NULL)
    json_object_set_string_member (flags, "multicast_source", opt_source);

  self->metrics = mctx_metrics_writer_new (file, "mctx/mctx-recv", NULL, flags, &error);
  if (self->metrics == NULL)
    {
      *status = fail (error->domain == MCTX_ERROR || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED)
                      ? EXIT_USAGE : EXIT_RUNTIME, "%s", error->message);
      return FALSE;
    }
  self->metrics_last_us = g_get_monotonic_time ();
  return TRUE;
}

static void
finish (Receiver *self)
{
  g_main_loop_quit (self->loop);
}

static gboolean
on_readable (int           fd,
             GIOCondition  condition,
             gpointer      user_data)
{
  Receiver *self = user_data;

  /* Everything queued, then back to the loop. */
  for (guint i = 0; i < 256; i++)
    {
      guint8 data[65536];
      union {
        struct cmsghdr align;
        char buffer[256];
      } control;
      struct sockaddr_storage from;
      struct iovec part = { data, sizeof data };
      struct msghdr message = {
        .msg_name = &from, .msg_namelen = sizeof from,
        .msg_iov = &part, .msg_iovlen = 1,
        .msg_control = &control, .msg_controllen = sizeof control,
      };
      gint64 arrival_ns = mctx_stamp_now ();
      gssize n = recvmsg (fd, &message, MSG_DONTWAIT);

      if (n < 0)
        break;

      for (struct cmsghdr *header = CMSG_FIRSTHDR (&message); header != NULL;
           header = CMSG_NXTHDR (&message, header))
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_TIMESTAMPNS)
          {
            struct timespec stamp_time;

            memcpy (&stamp_time, CMSG_DATA (header), sizeof stamp_time);
            arrival_ns = (gint64) stamp_time.tv_sec * 1000000000 + stamp_time.tv_nsec;
          }

      mctx_recv_stats_add (self->stats, (struct sockaddr *) &from, message.msg_namelen, data, (gsize) n, arrival_ns);
      self->received++;
      self->last_arrival_us = g_get_monotonic_time ();

      if (self->count != 0 && self->received >= self->count)
        {
          finish (self);
          return G_SOURCE_REMOVE;
        }
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_interval (gpointer user_data)
{
  Receiver *self = user_data;

  if (self->idle_timeout_us > 0)
    {
      gint64 since = self->last_arrival_us != 0 ? self->last_arrival_us : self->started_us;

      if (g_get_monotonic_time () - since >= self->idle_timeout_us)
        {
          finish (self);
          return G_SOURCE_CONTINUE;
        }
    }
  report (self, FALSE);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration (gpointer user_data)
{
  finish (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_signal (gpointer user_data)
{
  Receiver *self = user_data;

  self->interrupted = TRUE;
  finish (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (gpointer user_data)
{
  ((Receiver *) user_data)->signal_number = SIGTERM;
  return on_signal (user_data);
}

static gboolean
on_sigint (gpointer user_data)
{
  ((Receiver *) user_data)->signal_number = SIGINT;
  return on_signal (user_data);
}

/* The index of the interface that has @address; 0 when none. */
static guint
interface_of (GInetAddress *address)
{
  struct ifaddrs *list = NULL;
  guint index = 0;

  if (getifaddrs (&list) != 0)
    return 0;
  for (struct ifaddrs *ifa = list; ifa != NULL && index == 0; ifa = ifa->ifa_next)
    {
      g_autoptr(GSocketAddress) candidate = NULL;

      if (ifa->ifa_addr == NULL ||
          (ifa->ifa_addr->sa_family != AF_INET && ifa->ifa_addr->sa_family != AF_INET6))
        continue;
      candidate = g_socket_address_new_from_native (ifa->ifa_addr, ifa->ifa_addr->sa_family == AF_INET6 ?
                                                    sizeof (struct sockaddr_in6) : sizeof (struct sockaddr_in));
      if (G_IS_INET_SOCKET_ADDRESS (candidate) &&
          g_inet_address_equal (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (candidate)), address))
        index = if_nametoindex (ifa->ifa_name);
    }
  freeifaddrs (list);
  return index;
}

/* A socket bound to GROUP:PORT and joined to it (with the source, SSM). */
static int
open_group (const char  *group_text,
            const char  *port_text,
            guint        ifindex,
            int         *status)
{
  g_autoptr(GInetAddress) group = NULL;
  g_autoptr(GInetAddress) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) bind_address = NULL;
  struct sockaddr_storage native;
  guint16 port;
  int fd, on = 1, level;

  group = mctx_tool_parse_group (group_text, FALSE, &error);
  if (group == NULL || !mctx_tool_parse_port (port_text, &port, &error))
    {
      *status = fail (EXIT_USAGE, "%s", error->message);
      return -1;
    }
  if (opt_source != NULL)
    {
      source = g_inet_address_new_from_string (opt_source);
      if (source == NULL || g_inet_address_get_family (source) != g_inet_address_get_family (group))
        {
          *status = fail (EXIT_USAGE, _("Invalid source “%s”: not an address of group %s’s family"),
                          opt_source, group_text);
          return -1;
        }
    }

  fd = socket (g_inet_address_get_family (group) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET,
               SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      *status = fail (EXIT_RUNTIME, _("Could not create a socket: %s"), g_strerror (errno));
      return -1;
    }
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt (fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  if (opt_rcvbuf > 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &opt_rcvbuf, sizeof opt_rcvbuf);

  /* Bound to the group, the socket gets only that group's datagrams. */
  bind_address = g_inet_socket_address_new (group, (guint16) port);
  g_socket_address_to_native (bind_address, &native, sizeof native, NULL);
  if (bind (fd, (struct sockaddr *) &native, (socklen_t) g_socket_address_get_native_size (bind_address)) != 0)
    {
      *status = fail (EXIT_RUNTIME, _("Could not bind to %s port %s: %s"), group_text, port_text, g_strerror (errno));
      close (fd);
      return -1;
    }

  level = g_inet_address_get_family (group) == G_SOCKET_FAMILY_IPV6 ? IPPROTO_IPV6 : IPPROTO_IP;
  if (source != NULL)
    {
      struct group_source_req request = { .gsr_interface = ifindex };
      g_autoptr(GSocketAddress) group_address = g_inet_socket_address_new (group, 0);
      g_autoptr(GSocketAddress) source_address = g_inet_socket_address_new (source, 0);

      g_socket_address_to_native (group_address, &request.gsr_group, sizeof request.gsr_group, NULL);
      g_socket_address_to_native (source_address, &request.gsr_source, sizeof request.gsr_source, NULL);
      if (setsockopt (fd, level, MCAST_JOIN_SOURCE_GROUP, &request, sizeof request) != 0)
        {
          *status = fail (EXIT_RUNTIME, _("Could not join %s from %s: %s"), group_text, opt_source, g_strerror (errno));
          close (fd);
          return -1;
        }
    }
  else
    {
      struct group_req request = { .gr_interface = ifindex };
      g_autoptr(GSocketAddress) group_address = g_inet_socket_address_new (group, 0);

      g_socket_address_to_native (group_address, &request.gr_group, sizeof request.gr_group, NULL);
      if (setsockopt (fd, level, MCAST_JOIN_GROUP, &request, sizeof request) != 0)
        {
          *status = fail (EXIT_RUNTIME, _("Could not join %s: %s"), group_text, g_strerror (errno));
          close (fd);
          return -1;
        }
    }

  return fd;
}

int
main (int    argc,
      char **argv)
{
  const GOptionEntry entries[] = {
    { "source", 0, 0, G_OPTION_ARG_STRING, &opt_source,
      N_("Receive only from this source (SSM)"), N_("ADDRESS") },
    { "interface", 0, 0, G_OPTION_ARG_STRING, &opt_interface,
      N_("Join on the interface with this address"), N_("ADDRESS") },
    { "interface-index", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_number_option),
      N_("Join on the interface with this index"), N_("INDEX") },
    { "interface-name", 0, 0, G_OPTION_ARG_STRING, &opt_interface_name,
      N_("Join on the interface with this name"), N_("NAME") },
    { "count", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_number_option),
      N_("Stop after this many datagrams"), N_("N") },
    { "duration", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_real_option),
      N_("Stop after this many seconds"), N_("SECONDS") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_real_option),
      N_("Stop when nothing arrived for this many seconds"), N_("SECONDS") },
    { "interval", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_real_option),
      N_("Report every this many seconds (default 1)"), N_("SECONDS") },
    { "max-loss", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_real_option),
      N_("Exit with status 1 when more than this percentage of stamped datagrams was lost"), N_("PERCENT") },
    { "rcvbuf", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_number_option),
      N_("Use a socket receive buffer of this many bytes"), N_("BYTES") },
    { "format", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_format_option),
      N_("Read sequence numbers and send times from mctx stamps, iperf 2 datagrams, or either (default auto)"),
      N_("auto|mctx|iperf2") },
    { "max-streams", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_number_option),
      N_("Track at most this many streams; the least recently active one makes room (default 4096)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
      N_("Print one JSON object per interval and a JSON summary; with --quiet, only the summary"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet,
      N_("Print only the summary"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version,
      N_("Print the version and exit"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  Receiver self = { 0 };
  MctxRecvCounts totals;
  guint ifindex = 0, interval_id, duration_id = 0, sigint_id, sigterm_id;
  GArray *watches;
  gint64 metrics_period_us = 0;
  guint metrics_id = 0;
  int status = 0;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("MCTX_LOCALEDIR") != NULL ? g_getenv ("MCTX_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("mctx-recv");

  context = g_option_context_new (_("GROUP PORT [GROUP PORT…] — receive multicast and count what arrived"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Joins each GROUP (with --source, the source-specific channel) and counts the datagrams that arrive, per "
      "sender and stream. Stamped payloads (mctx-send --size, or iperf 2's UDP datagrams) also give the lost, "
      "duplicated and reordered datagrams, the one-way delay (on one clock: the same host, or synchronized "
      "hosts) and the interarrival jitter of RFC 3550, with histograms of delay, jitter and arrival gaps in "
      "the JSON.\n\nExamples:\n"
      "  mctx-recv 239.1.2.3 5000 --count 1000\n"
      "  mctx-recv ff3e::8000:1234 5000 --source fd00::10 --interface-name eth0 --json\n"
      "  mctx-recv 239.1.2.3 5000 239.1.2.4 5000 --duration 10 --max-loss 0.1"));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (EXIT_USAGE, "%s", error->message);
  if (opt_version)
    {
      g_print ("mctx-recv %s\n", MCTX_VERSION_S);
      return 0;
    }
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--"))
      {
        memmove (argv + i, argv + i + 1, (gsize) (argc - i) * sizeof (char *));
        argc--;
        break;
      }
  if (argc < 3 || (argc - 1) % 2 != 0)
    return fail (EXIT_USAGE, _("Expected GROUP PORT pairs (see --help)"));

  ifindex = opt_interface_index;
  if (opt_interface_name != NULL && (ifindex = if_nametoindex (opt_interface_name)) == 0)
    return fail (EXIT_USAGE, _("No network interface is named “%s”"), opt_interface_name);
  if (opt_interface != NULL)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (opt_interface);

      if (address == NULL || (ifindex = interface_of (address)) == 0)
        return fail (EXIT_USAGE, _("Address %s is not assigned to any local interface"), opt_interface);
    }

  self.sockets = g_ptr_array_new ();
  for (int i = 1; i + 1 < argc; i += 2)
    {
      int fd = open_group (argv[i], argv[i + 1], ifindex, &status);

      if (fd < 0)
        return status;
      g_ptr_array_add (self.sockets, GINT_TO_POINTER (fd));
    }

  self.loop = g_main_loop_new (NULL, FALSE);
  self.stats = mctx_recv_stats_new (opt_max_streams);
  mctx_recv_stats_set_format (self.stats, opt_format);
  self.generator = json_generator_new ();
  self.count = opt_count;
  self.json = opt_json;
  self.quiet = opt_quiet;
  self.terminal = isatty (STDERR_FILENO);
  self.idle_timeout_us = (gint64) (opt_idle_timeout * G_USEC_PER_SEC);
  self.started_us = g_get_monotonic_time ();
  if (!open_metrics (&self, &metrics_period_us, &status))
    return status;
  if (metrics_period_us > 0)
    metrics_id = g_timeout_add ((guint) MAX (metrics_period_us / 1000, 1), on_metrics_due, &self);

  watches = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < self.sockets->len; i++)
    {
      guint id = g_unix_fd_add (GPOINTER_TO_INT (g_ptr_array_index (self.sockets, i)), G_IO_IN, on_readable, &self);

      g_array_append_val (watches, id);
    }
  interval_id = g_timeout_add ((guint) (opt_interval * 1000), on_interval, &self);
  if (opt_duration > 0)
    duration_id = g_timeout_add ((guint) (opt_duration * 1000), on_duration, &self);
  sigint_id = g_unix_signal_add (SIGINT, on_sigint, &self);
  sigterm_id = g_unix_signal_add (SIGTERM, on_sigterm, &self);

  g_main_loop_run (self.loop);

  report (&self, TRUE);
  mctx_recv_stats_get_totals (self.stats, &totals);
  if (self.metrics != NULL)
    {
      /* The final sample, then the file is closed. */
      write_metrics (&self);
      mctx_metrics_writer_close (self.metrics);
      g_clear_object (&self.metrics);
    }
  if (metrics_id != 0)
    g_source_remove (metrics_id);

  g_source_remove (interval_id);
  if (duration_id != 0 && g_main_context_find_source_by_id (NULL, duration_id) != NULL)
    g_source_remove (duration_id);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  for (guint i = 0; i < watches->len; i++)
    if (g_main_context_find_source_by_id (NULL, g_array_index (watches, guint, i)) != NULL)
      g_source_remove (g_array_index (watches, guint, i));
  g_array_unref (watches);
  for (guint i = 0; i < self.sockets->len; i++)
    close (GPOINTER_TO_INT (g_ptr_array_index (self.sockets, i)));
  g_ptr_array_unref (self.sockets);
  mctx_recv_stats_free (self.stats);
  g_object_unref (self.generator);
  g_main_loop_unref (self.loop);
  g_free (opt_source);
  g_free (opt_interface);
  g_free (opt_interface_name);

  if (self.interrupted)
    return 128 + self.signal_number;
  if (self.metrics_failed)
    return EXIT_RUNTIME;
  if (opt_max_loss >= 0 && loss_percent (&totals) > opt_max_loss)
    return fail (EXIT_RUNTIME, _("Lost %.2f %% of the stamped datagrams, more than --max-loss %g %%"),
                 loss_percent (&totals), opt_max_loss);
  return 0;
}
