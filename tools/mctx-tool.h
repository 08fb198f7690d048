/* mctx-tool.h: what mctx-send and mctx-async-send share
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#include <json-glib/json-glib.h>
#include <mctx/mctx.h>

G_BEGIN_DECLS

/* Exit statuses: bad arguments or configuration, failures at run time. */
#define MCTX_TOOL_EXIT_USAGE 2
#define MCTX_TOOL_EXIT_RUNTIME 1

/* The header of generated payloads (--format). */
typedef enum {
  MCTX_TOOL_FORMAT_MCTX,    /* MctxStamp */
  MCTX_TOOL_FORMAT_IPERF2,  /* iperf 2's UDP datagram header */
} MctxToolFormat;

typedef struct {
  /* Options */
  char *source;
  int source_port;
  char *bind;
  char *interface;
  int interface_index;
  char *interface_name;
  int ttl;
  gboolean no_loopback;
  gboolean quiet;
  gboolean json;
  double rate;
  double bitrate;         /* payload bits per second, 0: none */
  guint size;             /* stamped payloads of this size, 0: PAYLOAD */
  guint32 stream_id;
  MctxToolFormat format;
  gint64 duration_us;     /* 0: COUNT decides */
  int dscp;               /* -1: unset */
  int sndbuf;             /* -1: unset */
  int spin_us;            /* -1: the pacer's default */
  gboolean gso;           /* due datagrams as one segmented send */
  gboolean version;
  /* mctx-raw-send --ip-datagram: the positional arguments are then only
   * [COUNT] [INTERVAL_MS], and group, port and payload stay unset. */
  char *datagram_file;

  /* Arguments */
  const char *group;
  guint port;
  GBytes *payload;
  guint64 count;          /* 0: until interrupted */
  guint64 interval_ms;

  /* State of a run of generated payloads */
  guint64 next_index;     /* one past the highest payload index built */
  gboolean closing;       /* build iperf 2's closing datagram instead */
} MctxToolOptions;

/* Sets up locale and translations, parses the command line. On a bad
 * argument prints one line and returns FALSE. */
gboolean               mctx_tool_init           (MctxToolOptions        *options,
                                                 const char             *name,
                                                 const GOptionEntry     *extra_entries,
                                                 int                    *argc,
                                                 char                 ***argv);
void                   mctx_tool_options_clear  (MctxToolOptions        *options);
/* The exit status after mctx_tool_init() returned FALSE: success after
 * --version, else a usage error. */
int                    mctx_tool_init_status    (MctxToolOptions        *options);

/* Adds the publication the options describe. On failure prints one line
 * and sets *status to the exit status. */
MctxPublication       *mctx_tool_add_publication (MctxToolOptions       *options,
                                                  MctxContext           *context,
                                                  int                   *status);

/* Records SIGINT or SIGTERM, caught on the main loop. */
void                   mctx_tool_note_interrupt   (int                     signum);
/* 128 + the signal after an interrupt, MCTX_TOOL_EXIT_RUNTIME after
 * errors, else success. */
int                    mctx_tool_exit_status      (gboolean                errors);
void                   mctx_tool_sleep_until      (gint64                  due_us);

/* Datagrams per batched send when several are due at once. */
#define MCTX_TOOL_BATCH 64

/* Payload @index of the run: the literal PAYLOAD, or a stamped payload of
 * --size bytes written into @buffer (which holds that many): an mctx stamp,
 * or with --format iperf2 iperf 2's header (its closing datagram while
 * options->closing is set). */
const guint8          *mctx_tool_payload          (MctxToolOptions        *options,
                                                   guint64                 index,
                                                   guint8                 *buffer,
                                                   gsize                  *len);

/* The packet rate the options ask for: --rate, else one packet per
 * INTERVAL_MS; 0 for none. */
double                 mctx_tool_packets_per_second (MctxToolOptions     *options);
/* How the tools, their JSON and the metrics header name a pacing mode:
 * `unlimited`, `per-datagram` or `batched`. */
const char            *mctx_tool_pacing_mode_name (MctxPacingMode         mode);

/* The builder's JSON, numbers without float noise (0.1, not
 * 0.10000000000000001). */
char                  *mctx_tool_json_text        (JsonGenerator          *generator,
                                                   JsonBuilder            *builder);

/* GOptionEntry keeps a callback in a data pointer; a union converts it
 * without the cast ISO C forbids. */
gpointer               mctx_tool_option_callback  (GOptionArgFunc          func);
/* The positional GROUP and PORT, checked with one wording in every tool.
 * @any_destination also admits a unicast address (mctx-raw-send's
 * --allow-any-destination). */
GInetAddress          *mctx_tool_parse_group      (const char             *text,
                                                   gboolean                any_destination,
                                                   GError                **error);
gboolean               mctx_tool_parse_port       (const char             *text,
                                                   guint16                *port,
                                                   GError                **error);

/* Prints "<tool>: <message>" on stderr and returns @status. */
int                    mctx_tool_fail           (int                     status,
                                                 const char             *format,
                                                 ...) G_GNUC_PRINTF (2, 3);

/* Per-packet lines or JSON, a live progress line on a terminal, and the
 * summary at the end. */
typedef struct _MctxToolReporter MctxToolReporter;

MctxToolReporter      *mctx_tool_reporter_new    (MctxToolOptions       *options,
                                                  MctxPublication       *publication);
MctxToolReporter      *mctx_tool_reporter_new_for (MctxToolOptions      *options,
                                                   const char           *destination,
                                                   const char           *source,
                                                   guint                 publication_id);
char                  *mctx_tool_describe        (GInetAddress          *address,
                                                  guint16                port);
void                   mctx_tool_reporter_packet (MctxToolReporter      *reporter,
                                                  guint64                index,
                                                  gsize                  bytes);
/* A send that failed: counted, and printed unless quiet. */
void                   mctx_tool_reporter_error  (MctxToolReporter      *reporter,
                                                  guint64                index,
                                                  const GError          *error);
guint64                mctx_tool_reporter_get_errors (MctxToolReporter  *reporter);
void                   mctx_tool_reporter_progress (MctxToolReporter    *reporter,
                                                    guint64              packets,
                                                    guint64              bytes);
void                   mctx_tool_reporter_finish (MctxToolReporter      *reporter,
                                                  gboolean               interrupted);
void                   mctx_tool_reporter_free   (MctxToolReporter      *reporter);
/* Whether the bytes counted are whole datagrams (raw) or payloads. */
void                   mctx_tool_reporter_set_datagram_bytes (MctxToolReporter *reporter,
                                                              gboolean          datagram_bytes);
/* Asks @config for departure timestamps when the run is paced. */
void                   mctx_tool_measure_departures (MctxToolOptions       *options,
                                                     MctxPublicationConfig *config);
/* How far from their slots the datagrams left, from the publication's
 * metrics at the end of the run. */
void                   mctx_tool_reporter_set_departures (MctxToolReporter    *reporter,
                                                          MctxMetricsSnapshot *snapshot);
/* The pacing mode, for the summary and its JSON. */
void                   mctx_tool_reporter_set_pacing_mode (MctxToolReporter *reporter,
                                                           MctxPacingMode    mode);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MctxToolReporter, mctx_tool_reporter_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MctxToolOptions, mctx_tool_options_clear)

G_END_DECLS

G_BEGIN_DECLS

/* Metrics from the environment: MCTX_METRICS_SUMMARY_FILE (a JSONL file),
 * MCTX_METRICS_SUMMARY_SECS (periodic samples), MCTX_METRICS_NODE_ID and
 * MCTX_METRICS_FLAGS_JSON (extra header flags). */
typedef struct _MctxToolMetrics MctxToolMetrics;

/* Returns FALSE (after printing one line, with *status set) when the
 * environment asks for something impossible; *metrics is NULL when no
 * metrics were asked for. */
gboolean               mctx_tool_metrics_new      (MctxToolOptions   *options,
                                                   MctxContext       *context,
                                                   MctxPublication   *publication,
                                                   MctxToolMetrics  **metrics,
                                                   int               *status);

/* Parses MCTX_METRICS_SUMMARY_SECS (already stripped): FALSE when it
 * cannot be honoured. */
gboolean               mctx_tool_parse_period     (const char        *text,
                                                   gint64            *period_us);
/* The period of samples in microseconds; 0 for none. */
gint64                 mctx_tool_metrics_get_period (MctxToolMetrics *metrics);
gboolean               mctx_tool_metrics_sample   (MctxToolMetrics   *metrics);
gboolean               mctx_tool_metrics_finish   (MctxToolMetrics   *metrics);
void                   mctx_tool_metrics_free     (MctxToolMetrics   *metrics);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MctxToolMetrics, mctx_tool_metrics_free)

/* Payload @index of a run whose payloads differ (stamped, or raw datagrams
 * built around them); the run ends at COUNT or a NULL. */
typedef GBytes *(*MctxToolPayloadFunc) (guint64  index,
                                        gpointer data);

/* Sends COUNT datagrams (0: until interrupted or --duration) at the rate
 * the options give, through the library's paced sender on a main loop:
 * @payload each time, or what @func makes. Reports each send, samples the
 * metrics, and returns the exit status. */
int                    mctx_tool_run_paced        (MctxToolOptions     *options,
                                                   MctxPublication     *publication,
                                                   MctxToolReporter    *reporter,
                                                   MctxToolMetrics     *metrics,
                                                   GBytes              *payload,
                                                   MctxToolPayloadFunc  func,
                                                   gpointer             func_data);
/* The whole of mctx-send and mctx-async-send, one program under the
 * seed's two names. */
int                    mctx_tool_udp_sender_main  (const char          *name,
                                                   int                  argc,
                                                   char               **argv);

G_END_DECLS
