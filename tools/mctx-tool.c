/* mctx-tool.c: what mctx-send and mctx-async-send share
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

static const char *tool_name = "mctx";
static volatile sig_atomic_t interrupt_received;   /* the signal, or 0 */

void
mctx_tool_note_interrupt (int signum)
{
  interrupt_received = signum;
}

int
mctx_tool_exit_status (gboolean errors)
{
  /* As a shell reports a process a signal ended: 128 + the signal. */
  if (interrupt_received != 0)
    return 128 + interrupt_received;

  return errors ? MCTX_TOOL_EXIT_RUNTIME : EXIT_SUCCESS;
}

/* iperf 2's UDP datagram header, as its client writes it (include/
 * payloads.h, struct UDP_datagram, and src/Client.cpp, WritePacketID()):
 * big-endian id, tv_sec, tv_usec, id2, with the sequence number (from 1)
 * as a signed 64-bit number split into id (low word) and id2 (high word).
 * The flags word after it (the client header's) says HEADER_SEQNO64B
 * only, so that iperf 2's server reads the 64-bit form and nothing else.
 * The closing datagram carries the next sequence number negated. */
#define IPERF2_SEQNO64B 0x08000000u

static void
write_iperf2 (guint8  *buffer,
              gsize    size,
              gint64   sequence,
              gint64   now_ns)
{
  guint32 words[5] = {
    GUINT32_TO_BE ((guint32) ((guint64) sequence & 0xffffffffu)),
    GUINT32_TO_BE ((guint32) (now_ns / 1000000000)),
    GUINT32_TO_BE ((guint32) (now_ns % 1000000000 / 1000)),
    GUINT32_TO_BE ((guint32) ((guint64) sequence >> 32)),
    GUINT32_TO_BE (IPERF2_SEQNO64B),
  };

  memset (buffer, 0, size);
  memcpy (buffer, words, MIN (size, sizeof words));
}

const guint8 *
mctx_tool_payload (MctxToolOptions *options,
                   guint64          index,
                   guint8          *buffer,
                   gsize           *len)
{
  g_autoptr(MctxStamp) stamp = NULL;

  if (options->size == 0)
    return g_bytes_get_data (options->payload, len);

  *len = options->size;
  if (options->format == MCTX_TOOL_FORMAT_IPERF2)
    {
      /* iperf 2 numbers from 1; sequence numbers stay below 2^63. */
      gint64 sequence = (gint64) MIN (index, (guint64) G_MAXINT64 - 1) + 1;

      write_iperf2 (buffer, options->size, options->closing ? -sequence : sequence, mctx_stamp_now ());
      if (!options->closing)
        options->next_index = MAX (options->next_index, index + 1);
      return buffer;
    }
  options->next_index = MAX (options->next_index, index + 1);

  stamp = mctx_stamp_new (options->stream_id, index, mctx_stamp_now (), MCTX_STAMP_FLAG_NONE);
  mctx_stamp_write (stamp, buffer, options->size);
  return buffer;
}

const char *
mctx_tool_pacing_mode_name (MctxPacingMode mode)
{
  g_autoptr(GEnumClass) modes = g_type_class_ref (MCTX_TYPE_PACING_MODE);
  GEnumValue *value = g_enum_get_value (modes, mode);

  /* The nicks are static strings, as the summary and the JSON want. */
  return value != NULL ? value->value_nick : "unlimited";
}

double
mctx_tool_packets_per_second (MctxToolOptions *options)
{
  if (options->rate > 0)
    return options->rate;
  /* A bit rate alone sets the pace: the default interval does not. */
  if (options->bitrate > 0)
    return 0.0;
  if (options->interval_ms > 0)
    return 1000.0 / (double) options->interval_ms;
  return 0.0;
}

int
mctx_tool_fail (int         status,
                const char *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", tool_name, message);
  return status;
}

GInetAddress *
mctx_tool_parse_group (const char  *text,
                       gboolean     any_destination,
                       GError     **error)
{
  g_autoptr(GInetAddress) group = g_inet_address_new_from_string (text);

  if (group == NULL)
    {
      /* Translators: the same message as the library's for a group that is not an address */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("Invalid %s “%s”: not an IP address"),
                   _("group"), text);
      return NULL;
    }
  if (!any_destination && !g_inet_address_get_is_multicast (group))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s is not a multicast group (IPv4 224.0.0.0/4 or IPv6 ff00::/8)"), text);
      return NULL;
    }
  return g_steal_pointer (&group);
}

gboolean
mctx_tool_parse_port (const char  *text,
                      guint16     *port,
                      GError     **error)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT16, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid port “%s”: expected a number from 1 to 65535"), text);
      return FALSE;
    }
  *port = (guint16) value;
  return TRUE;
}

static gboolean
parse_number (const char  *text,
              const char  *what,
              guint64      max,
              guint64     *value)
{
  if (g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL))
    return TRUE;

  /* Translators: the first %s names the argument, e.g. "port" */
  mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, _("Invalid %s “%s”: expected a number from 0 to %llu"),
                  what, text, (unsigned long long) max);
  return FALSE;
}

/* Integer options parsed by hand, so that a value out of range (-1
 * included, which would otherwise read as "not given") is refused. */
static gboolean
parse_int_option (const char  *name,
                  const char  *value,
                  gint64       min,
                  gint64       max,
                  int         *out,
                  GError     **error)
{
  gint64 number;

  if (!g_ascii_string_to_signed (value, 10, min, max, &number, NULL))
    {
      /* Translators: "Invalid --ttl “-1”: expected a number from 0 to 255" */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid %s “%s”: expected a number from %lld to %lld"),
                   name, value, (long long) min, (long long) max);
      return FALSE;
    }

  *out = (int) number;
  return TRUE;
}

static gboolean
on_int_option (const char  *name,
               const char  *value,
               gpointer     data,
               GError     **error)
{
  MctxToolOptions *options = data;
  int number;

  if (g_str_equal (name, "--ttl"))
    return parse_int_option (name, value, 0, 255, &options->ttl, error);
  if (g_str_equal (name, "--source-port"))
    return parse_int_option (name, value, 0, 65535, &options->source_port, error);
  if (g_str_equal (name, "--dscp"))
    return parse_int_option (name, value, 0, 63, &options->dscp, error);
  if (g_str_equal (name, "--sndbuf"))
    return parse_int_option (name, value, 1024, G_MAXINT / 2, &options->sndbuf, error);
  if (g_str_equal (name, "--spin"))
    return parse_int_option (name, value, 0, 1000000, &options->spin_us, error);
  if (g_str_equal (name, "--size"))
    {
      /* The stamp's header, up to the largest UDP payload. */
      if (!parse_int_option (name, value, MCTX_STAMP_SIZE, 65507, &number, error))
        return FALSE;
      options->size = (guint) number;
      return TRUE;
    }
  return parse_int_option (name, value, 1, G_MAXINT, &options->interface_index, error);
}

static gboolean
on_format_option (const char  *name,
                  const char  *value,
                  gpointer     data,
                  GError     **error)
{
  MctxToolOptions *options = data;

  if (g_str_equal (value, "mctx"))
    options->format = MCTX_TOOL_FORMAT_MCTX;
  else if (g_str_equal (value, "iperf2"))
    options->format = MCTX_TOOL_FORMAT_IPERF2;
  else
    {
      /* Translators: the values are literal and stay untranslated. */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid %s “%s”: expected mctx or iperf2"), name, value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_stream_id_option (const char  *name,
                     const char  *value,
                     gpointer     data,
                     GError     **error)
{
  MctxToolOptions *options = data;
  guint64 number;

  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &number, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid %s “%s”: expected a number from %lld to %lld"),
                   name, value, 0LL, (long long) G_MAXUINT32);
      return FALSE;
    }
  options->stream_id = (guint32) number;
  return TRUE;
}

/* Seconds, from a millisecond to ten years, checked before conversion. */
static gboolean
on_duration_option (const char  *name,
                    const char  *value,
                    gpointer     data,
                    GError     **error)
{
  MctxToolOptions *options = data;
  char *end = NULL;
  double seconds = g_ascii_strtod (value, &end);

  if (end == value || *end != '\0' || !isfinite (seconds) || seconds < 0.001 || seconds > 315360000.0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid %s “%s”: expected seconds from 0.001 to 315360000"), name, value);
      return FALSE;
    }

  options->duration_us = (gint64) (seconds * G_USEC_PER_SEC);
  return TRUE;
}

/* Bits per second with an optional k, M or G (powers of 1000). */
static gboolean
on_bitrate_option (const char  *name,
                   const char  *value,
                   gpointer     data,
                   GError     **error)
{
  MctxToolOptions *options = data;
  char *end = NULL;
  double rate = g_ascii_strtod (value, &end);

  if (end != value && *end != '\0' && end[1] == '\0')
    {
      switch (*end)
        {
        case 'k': case 'K': rate *= 1e3; end++; break;
        case 'M': rate *= 1e6; end++; break;
        case 'G': rate *= 1e9; end++; break;
        default: break;
        }
    }
  if (end == value || *end != '\0' || !isfinite (rate) || rate < 1.0 || rate > 1e12)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid %s “%s”: expected bits per second from 1 to 1000G, such as 500k or 10M"),
                   name, value);
      return FALSE;
    }

  options->bitrate = rate;
  return TRUE;
}

/* The slowest and fastest rates the tools can keep: one packet an hour, and
 * ten million a second (beyond that the interval is below 0.1 µs). */
#define MIN_RATE (1.0 / 3600)
#define MAX_RATE 1e7

static gboolean
on_rate_option (const char  *name,
                const char  *value,
                gpointer     data,
                GError     **error)
{
  MctxToolOptions *options = data;
  char *end = NULL;
  double rate = g_ascii_strtod (value, &end);

  /* Checked before any conversion to an interval or an integer. */
  if (end == value || *end != '\0' || !isfinite (rate) || rate < MIN_RATE || rate > MAX_RATE)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid %s “%s”: expected packets per second from %g (one an hour) to %.0f"),
                   name, value, MIN_RATE, MAX_RATE);
      return FALSE;
    }

  options->rate = rate;
  return TRUE;
}

gpointer
mctx_tool_option_callback (GOptionArgFunc func)
{
  union {
    GOptionArgFunc func;
    gpointer data;
  } callback = { .func = func };

  return callback.data;
}

/* GOption reads "-5" as an unknown short option: a negative number where
 * a positional argument goes gets a message about that value instead. */
static gboolean
check_negative_positionals (int                  argc,
                            char               **argv,
                            const GOptionEntry  *entries,
                            const GOptionEntry  *extra_entries)
{
  static const char *const what[] = { N_("group"), N_("port"), N_("payload"), N_("count"), N_("interval") };
  guint position = 0;

  /* With --ip-datagram the first positional argument is the count. */
  for (int i = 1; i < argc && !g_str_equal (argv[i], "--"); i++)
    if (g_str_equal (argv[i], "--ip-datagram") || g_str_has_prefix (argv[i], "--ip-datagram="))
      position = 3;

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      gboolean takes_value = FALSE;

      if (g_str_equal (arg, "--"))
        return TRUE;
      if (arg[0] != '-' || arg[1] == '\0')
        {
          position++;
          continue;
        }
      if (g_ascii_isdigit (arg[1]))
        {
          if (position == 2)
            mctx_tool_fail (MCTX_TOOL_EXIT_USAGE,
                            _("A payload that starts with “-” goes after “--”: %s -- GROUP PORT %s"),
                            tool_name, arg);
          else
            /* Translators: the first %s names the argument, e.g. "port" */
            mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, _("Invalid %s “%s”: it cannot be negative"),
                            _(what[MIN (position, G_N_ELEMENTS (what) - 1)]), arg);
          return FALSE;
        }

      /* "--name value": the next argument is the option's, not positional. */
      if (arg[1] == '-' && strchr (arg, '=') == NULL)
        for (const GOptionEntry *list = entries; list != NULL; list = list == entries ? extra_entries : NULL)
          for (const GOptionEntry *entry = list; entry->long_name != NULL; entry++)
            if (g_str_equal (arg + 2, entry->long_name) && entry->arg != G_OPTION_ARG_NONE)
              takes_value = TRUE;
      if (takes_value)
        i++;
    }

  return TRUE;
}

gboolean
mctx_tool_init (MctxToolOptions     *options,
                const char          *name,
                const GOptionEntry  *extra_entries,
                int                 *argc,
                char              ***argv)
{
  const GOptionEntry entries[] = {
    { "source", 0, 0, G_OPTION_ARG_STRING, &options->source,
      N_("Bind this exact source address"), N_("ADDRESS") },
    { "source-port", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_int_option),
      N_("Bind this source port"), N_("PORT") },
    { "bind", 0, 0, G_OPTION_ARG_STRING, &options->bind,
      N_("Bind this source address and port together"), N_("ADDRESS:PORT") },
    { "interface", 0, 0, G_OPTION_ARG_STRING, &options->interface,
      N_("Send through the interface with this address"), N_("ADDRESS") },
    { "interface-index", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_int_option),
      N_("Send through the interface with this index"), N_("INDEX") },
    { "interface-name", 0, 0, G_OPTION_ARG_STRING, &options->interface_name,
      N_("Send through the interface with this name"), N_("NAME") },
    { "ttl", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_int_option),
      N_("Multicast TTL or hop limit (default 1)"), N_("TTL") },
    { "no-loopback", 0, 0, G_OPTION_ARG_NONE, &options->no_loopback,
      N_("Do not deliver to members on this host"), NULL },
    { "rate", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_rate_option),
      N_("Send this many packets per second (instead of INTERVAL_MS)"), N_("PPS") },
    { "bitrate", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_bitrate_option),
      N_("Send this many payload bits per second, with k, M or G (with --rate, the slower wins)"), N_("BPS") },
    { "duration", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_duration_option),
      N_("Send for this many seconds (COUNT then defaults to no limit)"), N_("SECONDS") },
    { "size", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_int_option),
      N_("Send stamped payloads of this size (an mctx header with stream, sequence and send time, then filler); "
         "PAYLOAD is then left out"), N_("BYTES") },
    { "format", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_format_option),
      N_("The header of --size payloads: mctx (default), or iperf2 for iperf 2's UDP header, which an iperf 2 "
         "server reads; the run then ends with iperf 2's closing datagram"), N_("mctx|iperf2") },
    { "stream-id", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_stream_id_option),
      N_("The stream id in stamped payloads (default: random)"), N_("ID") },
    { "dscp", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_int_option),
      N_("Mark datagrams with this DSCP (0 to 63) in the IPv4 TOS or IPv6 traffic class"), N_("DSCP") },
    { "sndbuf", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_int_option),
      N_("Use a socket send buffer of this many bytes"), N_("BYTES") },
    { "spin", 0, 0, G_OPTION_ARG_CALLBACK, mctx_tool_option_callback (on_int_option),
      N_("Spin this many microseconds before each datagram instead of sleeping: more even spacing for processor "
         "time (default: how late wake-ups come, at most a fifth of the interval and 50; 0: never)"), N_("USEC") },
    /* Raw datagrams go whole: mctx-raw-send refuses --gso and does not list it. */
    { "gso", 0, g_str_equal (name, "mctx-raw-send") ? G_OPTION_FLAG_HIDDEN : 0, G_OPTION_ARG_NONE, &options->gso,
      N_("Send datagrams that are due together as one segmented send (UDP GSO): less processor time at high "
         "rates, but a tbf queue that splits it may drop some unreported"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options->version,
      N_("Print the version and exit"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json,
      N_("Print one JSON object per packet and a JSON summary; with --quiet, only the summary"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &options->quiet,
      N_("Print nothing per packet, only the summary"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *examples = NULL;
  const char *how;
  GOptionGroup *main_group;
  guint16 port;
  int payload_args;

  setlocale (LC_ALL, "");
  /* MCTX_LOCALEDIR: the build tree's catalogs, when running uninstalled. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("MCTX_LOCALEDIR") != NULL ? g_getenv ("MCTX_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  tool_name = name;
  g_set_prgname (name);

  *options = (MctxToolOptions) {
    .source_port = -1,
    .interface_index = -1,
    .ttl = -1,
    .count = 1,
    .interval_ms = 1000,
    .dscp = -1,
    .sndbuf = -1,
    .spin_us = -1,
    .stream_id = g_random_int (),
  };

  if (g_str_equal (name, "mctx-raw-send"))
    context = g_option_context_new (_("GROUP PORT PAYLOAD [COUNT] [INTERVAL_MS] — send complete UDP-in-IP "
                                      "datagrams through a raw socket"));
  else if (g_str_equal (name, "mctx-async-send"))
    context = g_option_context_new (_("GROUP PORT PAYLOAD [COUNT] [INTERVAL_MS] — send UDP multicast from a "
                                      "GLib main loop"));
  else
    context = g_option_context_new (_("GROUP PORT PAYLOAD [COUNT] [INTERVAL_MS] — send UDP multicast"));
  /* The callbacks get the options as their data. */
  main_group = g_option_group_new (NULL, NULL, NULL, options, NULL);
  g_option_group_add_entries (main_group, entries);
  if (extra_entries != NULL)
    g_option_group_add_entries (main_group, extra_entries);
  g_option_group_set_translation_domain (main_group, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, main_group);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (g_str_equal (name, "mctx-raw-send"))
    how = _("mctx-raw-send builds each datagram itself and sends it through a raw publication "
            "(CAP_NET_RAW): --source is the source address written into the datagram, which need not be "
            "this host's, and --source-port its UDP source port; --bind, --interface, --interface-index and "
            "--interface-name only choose the interface the datagram leaves through.");
  else if (g_str_equal (name, "mctx-async-send"))
    how = _("mctx-async-send runs a GLib main loop and sends through an MctxPacedSender, waiting for the "
            "socket without blocking the loop.");
  else
    how = _("mctx-send is a plain loop over non-blocking sends, sleeping until each datagram is due.");
  examples = g_strdup_printf (
    _("Sends PAYLOAD to GROUP:PORT COUNT times (default 1; 0 sends until "
      "interrupted), INTERVAL_MS apart (default 1000).\n\nExamples:\n"
      "  %s 239.1.2.3 5000 hello\n"
      "  %s ff3e::8000:1234 5000 hello-v6 --source fd00::10\n"
      "  %s ff32::8000:1234 5000 hello-v6 --source fe80::1234 --interface-index 7\n"
      "  %s 239.1.2.3 5000 stream 10000 --rate 1000 --quiet"),
    name, name, name, name);
  description = g_strconcat (how, "\n\n", examples, NULL);
  g_option_context_set_description (context, description);

  if (!check_negative_positionals (*argc, *argv, entries, extra_entries))
    return FALSE;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, "%s", error->message);
      return FALSE;
    }

  /* GOption leaves the "--" that ended the options in place. */
  for (int i = 1; i < *argc; i++)
    if (g_str_equal ((*argv)[i], "--"))
      {
        memmove (*argv + i, *argv + i + 1, (gsize) (*argc - i) * sizeof (char *));
        (*argc)--;
        break;
      }

  /* Printed here; the caller exits with success (mctx_tool_init_status()). */
  if (options->version)
    {
      g_print ("%s %s\n", name, MCTX_VERSION_S);
      return FALSE;
    }

  /* A duration stands for the count unless one is given. */
  if (options->duration_us > 0)
    options->count = 0;

  if (options->datagram_file != NULL)
    {
      if (*argc > 3)
        {
          mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, _("Too many arguments: “%s” (with --ip-datagram, only COUNT and INTERVAL_MS follow)"),
                          (*argv)[3]);
          return FALSE;
        }
      return (*argc <= 1 || parse_number ((*argv)[1], _("count"), G_MAXUINT64, &options->count)) &&
             (*argc <= 2 || parse_number ((*argv)[2], _("interval"), 3600 * 1000, &options->interval_ms));
    }

  if (options->format == MCTX_TOOL_FORMAT_IPERF2 && options->size == 0)
    {
      mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, _("--format iperf2 needs --size"));
      return FALSE;
    }

  /* With --size the payload is generated: GROUP PORT [COUNT] [INTERVAL_MS]. */
  payload_args = options->size > 0 ? 0 : 1;
  if (*argc < 3 + payload_args)
    {
      if (payload_args)
        mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, _("Missing arguments: GROUP PORT PAYLOAD are required (see --help)"));
      else
        mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, _("Missing arguments: GROUP PORT are required (see --help)"));
      return FALSE;
    }
  if (*argc > 5 + payload_args)
    {
      mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, _("Too many arguments: “%s”"), (*argv)[5 + payload_args]);
      return FALSE;
    }

  if (!mctx_tool_parse_port ((*argv)[2], &port, &error))
    {
      mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, "%s", error->message);
      return FALSE;
    }
  if ((*argc > 3 + payload_args &&
       !parse_number ((*argv)[3 + payload_args], _("count"), G_MAXUINT64, &options->count)) ||
      (*argc > 4 + payload_args &&
       !parse_number ((*argv)[4 + payload_args], _("interval"), 3600 * 1000, &options->interval_ms)))
    return FALSE;

  options->group = (*argv)[1];
  options->port = port;
  if (payload_args)
    options->payload = g_bytes_new ((*argv)[3], strlen ((*argv)[3]));
  else
    {
      /* A first stamped payload, for what needs its size. */
      g_autofree guint8 *first = g_malloc (options->size);
      gsize len;

      mctx_tool_payload (options, 0, first, &len);
      options->payload = g_bytes_new_take (g_steal_pointer (&first), len);
      options->next_index = 0;
    }

  return TRUE;
}

void
mctx_tool_options_clear (MctxToolOptions *options)
{
  g_clear_pointer (&options->source, g_free);
  g_clear_pointer (&options->bind, g_free);
  g_clear_pointer (&options->interface, g_free);
  g_clear_pointer (&options->interface_name, g_free);
  g_clear_pointer (&options->payload, g_bytes_unref);
  g_clear_pointer (&options->datagram_file, g_free);
}

static MctxPublicationConfig *
build_config (MctxToolOptions  *options,
              GError          **error)
{
  /* Checked first so that a bad group reads as in the other tools. */
  g_autoptr(GInetAddress) group = mctx_tool_parse_group (options->group, FALSE, error);
  g_autoptr(MctxPublicationConfig) config = NULL;

  if (group == NULL)
    return NULL;
  config = mctx_udp_publication_config_new (options->group, options->port, error);
  if (config == NULL)
    return NULL;

  if (options->bind != NULL && (options->source != NULL || options->source_port >= 0))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--bind cannot be combined with --source or --source-port"));
      return NULL;
    }
  /* The tools' --bind names a port, as the seed's does. */
  if (options->bind != NULL && (options->bind[0] == '\0' || strrchr (options->bind, ':') == NULL ||
                                g_str_has_suffix (options->bind, "]") ||
                                (options->bind[0] != '[' && strchr (options->bind, ':') != strrchr (options->bind, ':'))))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_ADDRESS,
                   _("Invalid bind address “%s”: expected ADDRESS:PORT, with IPv6 addresses in brackets"),
                   options->bind);
      return NULL;
    }
  if ((options->bind != NULL &&
       !mctx_publication_config_set_bind_address_string (config, options->bind, error)) ||
      (options->source != NULL &&
       !mctx_udp_publication_config_set_source_address_string (MCTX_UDP_PUBLICATION_CONFIG (config), options->source, error)) ||
      (options->interface != NULL &&
       !mctx_publication_config_set_outgoing_interface_string (config, options->interface, error)))
    return NULL;

  if (options->source_port >= 0)
    mctx_udp_publication_config_set_source_port (MCTX_UDP_PUBLICATION_CONFIG (config), (guint) options->source_port);
  if (options->interface_index >= 0)
    mctx_publication_config_set_interface_index (config, (guint) options->interface_index);
  mctx_publication_config_set_interface_name (config, options->interface_name);
  if (options->ttl >= 0)
    mctx_publication_config_set_ttl (config, options->ttl);
  mctx_publication_config_set_loopback (config, !options->no_loopback);
  mctx_tool_measure_departures (options, config);
  if (options->dscp >= 0)
    mctx_publication_config_set_traffic_class (config, (guint) options->dscp << 2);
  if (options->sndbuf > 0)
    mctx_publication_config_set_send_buffer_size (config, (guint) options->sndbuf);

  if (!mctx_publication_config_validate (config, error))
    return NULL;

  return g_steal_pointer (&config);
}

MctxPublication *
mctx_tool_add_publication (MctxToolOptions *options,
                           MctxContext     *context,
                           int             *status)
{
  g_autoptr(MctxPublicationConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  MctxPublication *publication;

  config = build_config (options, &error);
  if (config == NULL)
    {
      *status = mctx_tool_fail (MCTX_TOOL_EXIT_USAGE, "%s", error->message);
      return NULL;
    }

  publication = mctx_context_add_publication (context, config, &error);
  if (publication == NULL)
    /* What the configuration asks is impossible here (an address that is
     * not local, an unknown interface): still the user's input. */
    *status = mctx_tool_fail (error->domain == MCTX_ERROR ? MCTX_TOOL_EXIT_USAGE : MCTX_TOOL_EXIT_RUNTIME,
                              "%s", error->message);

  return publication;
}

struct _MctxToolReporter
{
  MctxToolOptions *options;
  char *destination;
  char *source;
  guint publication_id;
  gint64 started_us;
  struct rusage started_usage;  /* the process's CPU time before the run */
  guint64 packets;
  guint64 bytes;
  guint64 errors;
  gboolean progress_line;    /* a live line on a terminal */
  gboolean line_drawn;
  gint64 last_progress_us;
  JsonGenerator *generator;
  const char *pacing_mode;   /* NULL: not paced */
  guint64 departures_measured;
  guint64 departures_missing;
  double departure_error_us[5];  /* p50, p90, p99, p99.9, max */
  gboolean datagram_bytes;   /* bytes of whole datagrams, not payloads */
};

char *
mctx_tool_describe (GInetAddress *address,
                    guint16       port)
{
  g_autofree char *host = g_inet_address_to_string (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

static char *
describe (GInetSocketAddress *address)
{
  return mctx_tool_describe (g_inet_socket_address_get_address (address),
                             g_inet_socket_address_get_port (address));
}

MctxToolReporter *
mctx_tool_reporter_new (MctxToolOptions *options,
                        MctxPublication *publication)
{
  g_autofree char *destination = describe (mctx_udp_publication_get_destination (MCTX_UDP_PUBLICATION (publication)));
  g_autofree char *source = describe (mctx_udp_publication_get_local_address (MCTX_UDP_PUBLICATION (publication)));

  return mctx_tool_reporter_new_for (options, destination, source, mctx_publication_get_id (publication));
}

MctxToolReporter *
mctx_tool_reporter_new_for (MctxToolOptions *options,
                            const char      *destination,
                            const char      *source,
                            guint            publication_id)
{
  MctxToolReporter *reporter = g_new0 (MctxToolReporter, 1);

  reporter->options = options;
  reporter->destination = g_strdup (destination);
  reporter->source = g_strdup (source);
  reporter->publication_id = publication_id;
  reporter->started_us = g_get_monotonic_time ();
  reporter->last_progress_us = reporter->started_us;
  getrusage (RUSAGE_SELF, &reporter->started_usage);
  reporter->generator = json_generator_new ();

  /* Long runs get a live line, but only for a person watching. */
  reporter->progress_line = isatty (STDERR_FILENO) &&
                            (options->quiet || options->count == 0 || options->count > 300);

  return reporter;
}

static void
print_json (MctxToolReporter *reporter,
            JsonBuilder      *builder)
{
  g_autofree char *text = mctx_tool_json_text (reporter->generator, builder);

  g_print ("%s\n", text);
}

char *
mctx_tool_json_text (JsonGenerator *generator,
                     JsonBuilder   *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;
  GString *out;
  gboolean in_string = FALSE;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  /* json-glib prints doubles with 17 digits (0.1 as 0.10000000000000001):
   * each number outside strings is printed again with the shortest of 15
   * digits that reads back the same for such values. */
  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; )
    {
      if (in_string)
        {
          g_string_append_c (out, *p);
          if (*p == '\\' && p[1] != '\0')
            g_string_append_c (out, *++p);
          else if (*p == '"')
            in_string = FALSE;
          p++;
        }
      else if (*p == '"')
        {
          in_string = TRUE;
          g_string_append_c (out, *p++);
        }
      else if (*p == '-' || g_ascii_isdigit (*p))
        {
          const char *start = p;
          gboolean fractional = FALSE;

          while (*p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E' || g_ascii_isdigit (*p))
            fractional |= *p == '.' || *p == 'e' || *p == 'E', p++;
          if (fractional)
            {
              char number[G_ASCII_DTOSTR_BUF_SIZE];

              g_ascii_formatd (number, sizeof number, "%.15g", g_ascii_strtod (start, NULL));
              g_string_append (out, number);
            }
          else
            g_string_append_len (out, start, p - start);
        }
      else
        g_string_append_c (out, *p++);
    }

  return g_string_free (out, FALSE);
}

/* A JSON line about packet @index, left open for more members. */
static JsonBuilder *
begin_event (const char *type,
             guint64     index)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, (gint64) index + 1);
  return builder;
}

static void
clear_progress_line (MctxToolReporter *reporter)
{
  if (reporter->line_drawn)
    g_printerr ("\r\033[K");
  reporter->line_drawn = FALSE;
}

void
mctx_tool_reporter_packet (MctxToolReporter *reporter,
                           guint64           index,
                           gsize             bytes)
{
  reporter->packets++;
  reporter->bytes += bytes;

  if (reporter->options->json)
    {
      g_autoptr(JsonBuilder) builder = begin_event ("packet", index);

      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) bytes);
      json_builder_set_member_name (builder, "publication");
      json_builder_add_int_value (builder, reporter->publication_id);
      json_builder_set_member_name (builder, "destination");
      json_builder_add_string_value (builder, reporter->destination);
      json_builder_set_member_name (builder, "source");
      json_builder_add_string_value (builder, reporter->source);
      json_builder_set_member_name (builder, "ts");
      json_builder_add_double_value (builder, g_get_real_time () / (double) G_USEC_PER_SEC);
      json_builder_end_object (builder);
      print_json (reporter, builder);
    }
  else if (!reporter->options->quiet)
    {
      clear_progress_line (reporter);
      if (reporter->options->count != 0)
        /* Translators: "sent 5 bytes to 239.1.2.3:5000 from 127.0.0.1:40000 (1/3)" */
        g_print (ngettext ("sent %llu byte to %s from %s (%llu/%llu)\n",
                           "sent %llu bytes to %s from %s (%llu/%llu)\n", bytes),
                 (unsigned long long) bytes, reporter->destination, reporter->source,
                 (unsigned long long) index + 1, (unsigned long long) reporter->options->count);
      else
        g_print (ngettext ("sent %llu byte to %s from %s (%llu)\n", "sent %llu bytes to %s from %s (%llu)\n", bytes),
                 (unsigned long long) bytes, reporter->destination, reporter->source,
                 (unsigned long long) index + 1);
    }

  mctx_tool_reporter_progress (reporter, reporter->packets, reporter->bytes);
}

void
mctx_tool_reporter_error (MctxToolReporter *reporter,
                          guint64           index,
                          const GError     *error)
{
  reporter->errors++;

  if (reporter->options->quiet)
    return;
  if (reporter->options->json)
    {
      g_autoptr(JsonBuilder) builder = begin_event ("error", index);

      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, error->message);
      json_builder_end_object (builder);
      print_json (reporter, builder);
    }
  else
    {
      clear_progress_line (reporter);
      /* Translators: "mctx-send: packet 5: Could not send to …" */
      g_printerr (_("%s: packet %llu: %s\n"), tool_name, (unsigned long long) index + 1, error->message);
    }
}

guint64
mctx_tool_reporter_get_errors (MctxToolReporter *reporter)
{
  return reporter->errors;
}

void
mctx_tool_reporter_progress (MctxToolReporter *reporter,
                             guint64           packets,
                             guint64           bytes)
{
  gint64 now = g_get_monotonic_time ();
  double elapsed = (now - reporter->started_us) / (double) G_USEC_PER_SEC;
  g_autofree char *size = NULL;
  g_autofree char *eta = NULL;
  double rate;

  reporter->packets = packets;
  reporter->bytes = bytes;

  if (!reporter->progress_line || now - reporter->last_progress_us < G_USEC_PER_SEC / 10)
    return;
  reporter->last_progress_us = now;
  reporter->line_drawn = TRUE;

  rate = elapsed > 0 ? packets / elapsed : 0;
  size = g_format_size (bytes);
  if (reporter->options->count != 0 && rate > 0)
    /* Translators: the estimated time left */
    eta = g_strdup_printf (_("  ETA %.1f s"), (reporter->options->count - packets) / rate);

  g_printerr ("\r\033[K");
  /* Translators: a live progress line on a terminal */
  g_printerr (ngettext ("%llu packet  %s  %.0f pkt/s  %.1f Mbit/s  %.1f s%s",
                        "%llu packets  %s  %.0f pkt/s  %.1f Mbit/s  %.1f s%s", packets),
              (unsigned long long) packets, size, rate, elapsed > 0 ? bytes * 8 / elapsed / 1e6 : 0.0,
              elapsed, eta != NULL ? eta : "");
}

static double
seconds (const struct timeval *value)
{
  return value->tv_sec + value->tv_usec / 1e6;
}

/* The CPU time the run took, all threads, in user space and in the
 * kernel (the sends' system calls, and on the same host the delivery
 * they cause): what a send costs the machine, beside its rate. */
static void
add_cpu_secs (JsonBuilder         *builder,
              const struct rusage *started)
{
  struct rusage now;

  getrusage (RUSAGE_SELF, &now);
  json_builder_set_member_name (builder, "cpu_secs");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_double_value (builder, seconds (&now.ru_utime) - seconds (&started->ru_utime));
  json_builder_set_member_name (builder, "system");
  json_builder_add_double_value (builder, seconds (&now.ru_stime) - seconds (&started->ru_stime));
  json_builder_end_object (builder);
}

void
mctx_tool_reporter_finish (MctxToolReporter *reporter,
                           gboolean          interrupted)
{
  double elapsed = (g_get_monotonic_time () - reporter->started_us) / (double) G_USEC_PER_SEC;

  clear_progress_line (reporter);

  if (reporter->options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "summary");
      json_builder_set_member_name (builder, "packets");
      json_builder_add_int_value (builder, (gint64) reporter->packets);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) reporter->bytes);
      json_builder_set_member_name (builder, "destination");
      json_builder_add_string_value (builder, reporter->destination);
      json_builder_set_member_name (builder, "elapsed_secs");
      json_builder_add_double_value (builder, elapsed);
      json_builder_set_member_name (builder, "packets_per_sec");
      json_builder_add_double_value (builder, elapsed > 0 ? reporter->packets / elapsed : 0);
      json_builder_set_member_name (builder, "bytes_per_sec");
      json_builder_add_double_value (builder, elapsed > 0 ? reporter->bytes / elapsed : 0);
      json_builder_set_member_name (builder, "errors");
      json_builder_add_int_value (builder, (gint64) reporter->errors);
      add_cpu_secs (builder, &reporter->started_usage);
      json_builder_set_member_name (builder, "interrupted");
      json_builder_add_boolean_value (builder, interrupted);
      if (reporter->pacing_mode != NULL)
        {
          json_builder_set_member_name (builder, "pacing_mode");
          json_builder_add_string_value (builder, reporter->pacing_mode);
        }
      json_builder_set_member_name (builder, "departures");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "measured");
      json_builder_add_int_value (builder, (gint64) reporter->departures_measured);
      json_builder_set_member_name (builder, "missing");
      json_builder_add_int_value (builder, (gint64) reporter->departures_missing);
      json_builder_set_member_name (builder, "error_us");
      if (reporter->departures_measured > 0)
        {
          static const char *const names[] = { "p50", "p90", "p99", "p999", "max" };

          json_builder_begin_object (builder);
          for (guint i = 0; i < G_N_ELEMENTS (names); i++)
            {
              json_builder_set_member_name (builder, names[i]);
              json_builder_add_double_value (builder, reporter->departure_error_us[i]);
            }
          json_builder_end_object (builder);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      print_json (reporter, builder);
    }
  else if (reporter->options->quiet || interrupted || reporter->errors > 0)
    {
      g_autoptr(GString) line = g_string_new (interrupted ? _("interrupted: ") : "");
      unsigned long long packets = reporter->packets, bytes = reporter->bytes;

      g_string_append_printf (line, ngettext ("sent %llu packet", "sent %llu packets", packets), packets);
      /* The bytes counted are payloads, or for raw datagrams the whole
       * datagram: say which. */
      if (reporter->datagram_bytes)
        g_string_append_printf (line, ngettext (", %llu datagram byte to %s", ", %llu datagram bytes to %s", bytes),
                                bytes, reporter->destination);
      else
        g_string_append_printf (line, ngettext (", %llu payload byte to %s", ", %llu payload bytes to %s", bytes),
                                bytes, reporter->destination);
      if (reporter->pacing_mode != NULL)
        /* Translators: %s names the pacing mode, untranslated: unlimited,
         * per-datagram or batched */
        g_string_append_printf (line, _("; pacing: %s"), reporter->pacing_mode);
      g_print ("%s\n", line->str);
      if (reporter->errors > 0)
        g_print (ngettext ("%llu send failed\n", "%llu sends failed\n", reporter->errors),
                 (unsigned long long) reporter->errors);
      if (reporter->departures_measured > 0)
        /* Translators: how far from their scheduled times the datagrams
         * left, by the kernel's timestamps, in microseconds */
        g_print (_("departure error: p50 %.1f µs, p99 %.1f µs, max %.1f µs (%llu measured, %llu missing)\n"),
                 reporter->departure_error_us[0], reporter->departure_error_us[2],
                 reporter->departure_error_us[4], (unsigned long long) reporter->departures_measured,
                 (unsigned long long) reporter->departures_missing);
    }
}

void
mctx_tool_reporter_free (MctxToolReporter *reporter)
{
  g_free (reporter->destination);
  g_free (reporter->source);
  g_clear_object (&reporter->generator);
  g_free (reporter);
}

struct _MctxToolMetrics
{
#ifdef MCTX_HAS_METRICS
  MctxMetricsSampler *sampler;
  MctxMetricsWriter *writer;     /* NULL: summaries go to the terminal */
#endif
  gint64 period_us;
  gboolean failed;               /* a write failed; reported once */
};

#ifdef MCTX_HAS_METRICS
static JsonObject *
build_flags (MctxToolOptions *options,
             MctxPublication *publication)
{
  g_autoptr(JsonObject) flags = json_object_new ();
  g_autofree char *source = NULL;
  g_autofree char *interface = NULL;
  gsize payload_size;

  /* A raw publication's datagrams name their own source: --source, or the
   * one the egress gives them. */
  if (MCTX_IS_UDP_PUBLICATION (publication))
    source = g_inet_address_to_string (
      g_inet_socket_address_get_address (mctx_udp_publication_get_local_address (MCTX_UDP_PUBLICATION (publication))));
  else
    source = g_strdup (options->source != NULL ? options->source : "default");
  if (options->interface != NULL)
    interface = g_strdup (options->interface);
  else if (options->interface_name != NULL)
    interface = g_strdup (options->interface_name);
  else if (options->interface_index >= 0)
    interface = g_strdup_printf ("%d", options->interface_index);
  g_bytes_get_data (options->payload, &payload_size);

  /* The built-in flags, with the keys and value forms of upstream
   * mctx-core's writer, so that one harness reads both producers' files;
   * the writer puts them over MCTX_METRICS_FLAGS_JSON. `local_address` is mctx's own:
   * the address the kernel bound when no source was asked for. */
  json_object_set_string_member (flags, "transport", MCTX_IS_UDP_PUBLICATION (publication) ? "udp-multicast"
                                                                                           : "raw-ip");
  json_object_set_string_member (flags, "role", "sender");
  json_object_set_string_member (flags, "multicast_source",
                                 options->source != NULL || options->bind != NULL ? source : "default");
  json_object_set_string_member (flags, "multicast_interface", interface != NULL ? interface : "default");
  json_object_set_string_member (flags, "multicast_group", options->group);
  json_object_set_int_member (flags, "multicast_port", options->port);
  if (options->rate > 0)
    json_object_set_double_member (flags, "publish_interval_ms", 1000.0 / options->rate);
  else
    json_object_set_int_member (flags, "publish_interval_ms", (gint64) options->interval_ms);
  json_object_set_int_member (flags, "chunk_payload_bytes", (gint64) payload_size);
  json_object_set_string_member (flags, "pacing",
                                 options->rate > 0 || options->interval_ms > 0 ? "fixed-interval" : "none");
  {
    /* The mode the run's paced sender will have, at the rate it will have. */
    g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);
    g_autoptr(MctxPacedSender) probe = mctx_paced_sender_new (publication, nothing, 0);

    mctx_paced_sender_set_packets_per_second (probe, mctx_tool_packets_per_second (options));
    json_object_set_string_member (flags, "pacing_mode",
                                   mctx_tool_pacing_mode_name (mctx_paced_sender_get_pacing_mode (probe)));
  }
  /* Datagrams due at once go in one batched send. */
  json_object_set_boolean_member (flags, "batch_send_enabled", TRUE);
  json_object_set_boolean_member (flags, "loopback_enabled", !options->no_loopback);
  json_object_set_int_member (flags, "ttl_or_hops", options->ttl >= 0 ? options->ttl : 1);
  json_object_set_string_member (flags, "local_address", source);

  return g_steal_pointer (&flags);
}
#endif

gboolean
mctx_tool_metrics_new (MctxToolOptions   *options,
                       MctxContext       *context,
                       MctxPublication   *publication,
                       MctxToolMetrics  **metrics,
                       int               *status)
{
  const char *file = g_getenv ("MCTX_METRICS_SUMMARY_FILE");
  const char *secs = g_getenv ("MCTX_METRICS_SUMMARY_SECS");
  g_autofree char *secs_text = g_strstrip (g_strdup (secs != NULL ? secs : ""));
  gint64 period_us = 0;

  *metrics = NULL;
  if ((file == NULL || file[0] == '\0') && secs_text[0] == '\0')
    return TRUE;

  if (!mctx_tool_parse_period (secs_text, &period_us))
    {
      *status = mctx_tool_fail (MCTX_TOOL_EXIT_USAGE,
                                _("Invalid MCTX_METRICS_SUMMARY_SECS “%s”: expected 0 (no periodic samples) "
                                  "or seconds from 0.001 to 86400, in steps of a microsecond"),
                                secs);
      return FALSE;
    }

#ifdef MCTX_HAS_METRICS
  {
    g_autoptr(MctxToolMetrics) self = g_new0 (MctxToolMetrics, 1);
    g_autoptr(GError) error = NULL;
    MctxMetricsDelta *baseline;

    self->period_us = period_us;

    if (file != NULL && file[0] != '\0')
      {
        g_autoptr(JsonObject) flags = build_flags (options, publication);
        g_autofree char *producer = g_strconcat ("mctx/", g_get_prgname (), NULL);

        self->writer = mctx_metrics_writer_new (file, producer, NULL, flags, &error);
        if (self->writer == NULL)
          {
            *status = mctx_tool_fail (error->domain == MCTX_ERROR ? MCTX_TOOL_EXIT_USAGE : MCTX_TOOL_EXIT_RUNTIME,
                                      "%s", error->message);
            return FALSE;
          }
      }

    /* The first sample only sets the baseline: it has no delta. */
    self->sampler = mctx_metrics_sampler_new_for_context (context);
    baseline = mctx_metrics_sampler_sample (self->sampler);
    g_clear_pointer (&baseline, mctx_metrics_delta_unref);

    *metrics = g_steal_pointer (&self);
    return TRUE;
  }
#else
  *status = mctx_tool_fail (MCTX_TOOL_EXIT_USAGE,
                            _("This mctx was built without metrics (MCTX_METRICS_* is set)"));
  return FALSE;
#endif
}

/* Seconds of a sampling period, checked before any conversion: empty or 0
 * for none, else 1 ms to a day, honoured to the microsecond. */
gboolean
mctx_tool_parse_period (const char *text,
                        gint64     *period_us)
{
  char *end = NULL;
  double seconds;

  *period_us = 0;
  if (text[0] == '\0')
    return TRUE;

  seconds = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (seconds))
    return FALSE;
  if (seconds == 0)
    return TRUE;
  if (seconds < 0.001 || seconds > 86400)
    return FALSE;

  *period_us = (gint64) llround (seconds * G_USEC_PER_SEC);
  return fabs (seconds * G_USEC_PER_SEC - (double) *period_us) < 1e-3;
}

gint64
mctx_tool_metrics_get_period (MctxToolMetrics *self)
{
  return self != NULL ? self->period_us : 0;
}

gboolean
mctx_tool_metrics_sample (MctxToolMetrics *self)
{
#ifdef MCTX_HAS_METRICS
  g_autoptr(MctxMetricsDelta) delta = NULL;
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    return TRUE;

  delta = mctx_metrics_sampler_sample (self->sampler);
  if (delta == NULL)
    return TRUE;

  if (self->writer != NULL)
    {
      if (!mctx_metrics_writer_write_sample (self->writer, delta, &error))
        {
          /* Sending goes on; the exit status tells the metrics are short. */
          if (!self->failed)
            mctx_tool_fail (MCTX_TOOL_EXIT_RUNTIME, _("Metrics sample not written (sending goes on): %s"),
                            error->message);
          self->failed = TRUE;
          return FALSE;
        }
    }
  else
    {
      MctxMetricsSnapshot *now = mctx_metrics_delta_get_later (delta);
      g_autofree char *bytes = g_format_size (mctx_metrics_snapshot_get_counter (now, MCTX_METRICS_COUNTER_BYTES_SENT));
      g_autofree char *rate = g_format_size ((guint64) mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_BYTES_SENT));

      guint64 packets = mctx_metrics_snapshot_get_counter (now, MCTX_METRICS_COUNTER_PACKETS_SENT);
      guint64 errors = mctx_metrics_snapshot_get_counter (now, MCTX_METRICS_COUNTER_SEND_ERRORS);
      g_autoptr(GString) line = g_string_new (NULL);

      /* Translators: a periodic metrics summary on the terminal, continued by the next message */
      g_string_append_printf (line, ngettext ("metrics: %llu packet (+%llu), %s, %.1f pkt/s, %s/s, ",
                                              "metrics: %llu packets (+%llu), %s, %.1f pkt/s, %s/s, ", packets),
                              (unsigned long long) packets,
                              (unsigned long long) mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_PACKETS_SENT),
                              bytes, mctx_metrics_delta_get_rate (delta, MCTX_METRICS_COUNTER_PACKETS_SENT), rate);
      /* Translators: the end of the periodic metrics summary */
      g_string_append_printf (line, ngettext ("%llu error (+%llu) over %.2f s", "%llu errors (+%llu) over %.2f s", errors),
                              (unsigned long long) errors,
                              (unsigned long long) mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_SEND_ERRORS),
                              mctx_metrics_delta_get_interval (delta));
      g_printerr ("%s\n", line->str);
    }
#endif

  return TRUE;
}

gboolean
mctx_tool_metrics_finish (MctxToolMetrics *self)
{
  /* The baseline was taken at start, so a final delta always exists. */
  return mctx_tool_metrics_sample (self) && (self == NULL || !self->failed);
}

void
mctx_tool_metrics_free (MctxToolMetrics *self)
{
#ifdef MCTX_HAS_METRICS
  g_clear_object (&self->sampler);
  g_clear_object (&self->writer);
#endif
  g_free (self);
}

void
mctx_tool_reporter_set_datagram_bytes (MctxToolReporter *reporter,
                                       gboolean          datagram_bytes)
{
  reporter->datagram_bytes = datagram_bytes;
}

void
mctx_tool_reporter_set_pacing_mode (MctxToolReporter *reporter,
                                    MctxPacingMode    mode)
{
  reporter->pacing_mode = mctx_tool_pacing_mode_name (mode);
}

/* A paced run measures how far from their slots its datagrams left; one
 * at interval 0 has no slots. */
void
mctx_tool_measure_departures (MctxToolOptions       *options,
                              MctxPublicationConfig *config)
{
  mctx_publication_config_set_departure_timestamps (config, options->rate > 0 || options->interval_ms > 0 ||
                                                            options->bitrate > 0);
}

void
mctx_tool_reporter_set_departures (MctxToolReporter    *reporter,
                                   MctxMetricsSnapshot *snapshot)
{
  static const double quantiles[] = { 0.5, 0.9, 0.99, 0.999, 1.0 };

  reporter->departures_measured = mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_DEPARTURES_MEASURED);
  reporter->departures_missing = mctx_metrics_snapshot_get_counter (snapshot, MCTX_METRICS_COUNTER_DEPARTURES_MISSING);
  for (guint i = 0; i < G_N_ELEMENTS (quantiles); i++)
    reporter->departure_error_us[i] = mctx_metrics_snapshot_get_departure_error (snapshot, quantiles[i]);
}

int
mctx_tool_init_status (MctxToolOptions *options)
{
  return options->version ? EXIT_SUCCESS : MCTX_TOOL_EXIT_USAGE;
}
