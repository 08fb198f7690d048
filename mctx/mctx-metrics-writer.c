/* mctx-metrics-writer.c: the heimdall-jsonl-v1 metrics file
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mctx-private.h"

/**
 * MctxMetricsWriter:
 *
 * Writes context metrics as a `heimdall-jsonl-v1` file: one JSON object
 * per line, the first a header and every further one a sample.
 *
 * The header is written once, when the file is created:
 *
 * ```json
 * {"schema":"heimdall-jsonl-v1","artifact_type":"mctx-network","node_id":"sender-0001",
 *  "producer":"mctx/mctx-send","created_at":1779999999.123,
 *  "flags":{"transport":"udp-multicast","role":"sender"}}
 * ```
 *
 * Each sample, from a context's [struct@Mctx.MetricsDelta], carries `ts`,
 * `interval_secs`, `active_publications`, a `_total` and a `_delta` for each
 * of `publications_added`, `publications_removed`, `send_calls`,
 * `packets_sent`, `bytes_sent` and `send_errors`, and the rates
 * `send_calls_per_sec`, `packets_per_sec`, `bytes_per_sec` and
 * `send_errors_per_sec`. Samples repeat nothing of the header.
 *
 * An existing file is appended to only when its first line is a valid
 * header of the same identity (the same node id and flags as the header
 * this writer would write) and every later line is a sample: a second
 * header, or a row carrying a header member (`schema`, `node_id`, …), is
 * refused. A file of another run's identity is refused
 * (%MCTX_ERROR_INVALID_METRICS_FILE), never appended under a header that
 * does not describe the new samples. Only a regular file is written: a
 * symbolic link, a FIFO or a device at the path is refused. The writer
 * holds an exclusive advisory lock (`flock`) on the file for its lifetime,
 * so a second writer, in this process or another, fails; each line is
 * written with one `write()`.
 *
 * The file stays parseable line by line: a line a previous run left torn
 * (no newline at its end, after a crash or a full disk) is cut off before
 * anything is appended, and a line that could only be written in part is
 * taken back. The header is at most 64 KiB and its flags nest at most 32
 * levels deep.
 *
 * Threads: a writer is for one thread at a time. One writer per file, in
 * this process or any other, is enforced by the lock.
 *
 * See also: [Send metrics and the JSONL file](metrics.html).
 *
 * Since: 1.0
 */
struct _MctxMetricsWriter
{
  GObject parent_instance;

  char *path;
  char *producer;
  char *node_id;
  JsonObject *flags;
  int fd;
  JsonGenerator *generator;
};

static void mctx_metrics_writer_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MctxMetricsWriter, mctx_metrics_writer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, mctx_metrics_writer_initable_init))

enum {
  PROP_0,
  PROP_PATH,
  PROP_PRODUCER,
  PROP_NODE_ID,
  PROP_FLAGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mctx_metrics_writer_finalize (GObject *object)
{
  MctxMetricsWriter *self = MCTX_METRICS_WRITER (object);

  mctx_metrics_writer_close (self);
  g_free (self->path);
  g_free (self->producer);
  g_free (self->node_id);
  g_clear_pointer (&self->flags, json_object_unref);
  g_clear_object (&self->generator);

  G_OBJECT_CLASS (mctx_metrics_writer_parent_class)->finalize (object);
}

static void
mctx_metrics_writer_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MctxMetricsWriter *self = MCTX_METRICS_WRITER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_PRODUCER:
      g_value_set_string (value, self->producer);
      break;
    case PROP_NODE_ID:
      g_value_set_string (value, self->node_id);
      break;
    case PROP_FLAGS:
      g_value_set_boxed (value, self->flags);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_metrics_writer_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  MctxMetricsWriter *self = MCTX_METRICS_WRITER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_PRODUCER:
      self->producer = g_value_dup_string (value);
      break;
    case PROP_NODE_ID:
      self->node_id = g_value_dup_string (value);
      break;
    case PROP_FLAGS:
      self->flags = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mctx_metrics_writer_class_init (MctxMetricsWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _mctx_ensure_i18n ();

  object_class->finalize = mctx_metrics_writer_finalize;
  object_class->get_property = mctx_metrics_writer_get_property;
  object_class->set_property = mctx_metrics_writer_set_property;

  /**
   * MctxMetricsWriter:path:
   *
   * The file written.
   *
   * Since: 1.0
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxMetricsWriter:producer:
   *
   * What writes the file, such as `mctx/mctx-send`.
   *
   * Since: 1.0
   */
  properties[PROP_PRODUCER] =
    g_param_spec_string ("producer", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxMetricsWriter:node-id: (getter get_node_id)
   *
   * The node the metrics are of. When not given, it is the
   * `MCTX_METRICS_NODE_ID` environment variable when set, else the name of
   * the folder the path names as the file's parent
   * (`results/sender-0001/network.jsonl` gives `sender-0001`), else the
   * file's stem (`network`), else `unknown`.
   *
   * Since: 1.0
   */
  properties[PROP_NODE_ID] =
    g_param_spec_string ("node-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * MctxMetricsWriter:flags:
   *
   * Extra header flags. `transport` (`udp-multicast`) and `role` are always
   * written and win over flags of the same name; `role` is `sender`, or
   * `receiver` when these flags say so (as `mctx-recv`'s do).
   *
   * The `MCTX_METRICS_FLAGS_JSON` environment variable, a JSON object, adds
   * flags under these: a flag given here wins over one of the same name
   * there. Its text is bounded before it is parsed: at most 64 KiB, nested
   * at most 32 levels, or the writer is not made
   * (%MCTX_ERROR_INVALID_METRICS_HEADER).
   *
   * Since: 1.0
   */
  properties[PROP_FLAGS] =
    g_param_spec_boxed ("flags", NULL, NULL, JSON_TYPE_OBJECT,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mctx_metrics_writer_init (MctxMetricsWriter *self)
{
  self->fd = -1;
  self->generator = json_generator_new ();
}

/* MCTX_METRICS_NODE_ID, else the name of the folder @path names as the
 * file's parent (`results/sender-0001/network.jsonl` gives `sender-0001`),
 * else the file's stem (`network`), else `unknown`. */
static char *
resolve_node_id (const char *path)
{
  const char *from_env = g_getenv ("MCTX_METRICS_NODE_ID");
  g_autofree char *parent = NULL;
  g_autofree char *base = NULL;
  char *dot;

  if (from_env != NULL && from_env[0] != '\0')
    return g_strdup (from_env);

  parent = g_path_get_dirname (path);
  if (strcmp (parent, ".") != 0 && strcmp (parent, "/") != 0)
    {
      g_autofree char *name = g_path_get_basename (parent);

      if (strcmp (name, ".") != 0 && strcmp (name, "..") != 0)
        return g_steal_pointer (&name);
    }

  base = g_path_get_basename (path);
  dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  if (base[0] != '\0' && strcmp (base, ".") != 0 && strcmp (base, "/") != 0)
    return g_steal_pointer (&base);

  return g_strdup ("unknown");
}

/* MCTX_METRICS_FLAGS_JSON adds flags under the caller's, as
 * MCTX_METRICS_NODE_ID stands in for a node id not given. */
static gboolean
add_environment_flags (MctxMetricsWriter  *self,
                       GError            **error)
{
  const char *text = g_getenv ("MCTX_METRICS_FLAGS_JSON");
  g_autoptr(JsonObject) extra = NULL;
  g_autoptr(GList) members = NULL;

  if (text == NULL || text[0] == '\0')
    return TRUE;

  extra = _mctx_metrics_flags_from_json (text, error);
  if (extra == NULL)
    {
      g_prefix_error (error, "MCTX_METRICS_FLAGS_JSON: ");
      return FALSE;
    }

  if (self->flags != NULL)
    {
      members = json_object_get_members (self->flags);
      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (extra, l->data, json_node_copy (json_object_get_member (self->flags, l->data)));
      json_object_unref (self->flags);
    }
  self->flags = g_steal_pointer (&extra);
  return TRUE;
}

static gboolean
is_printable_line (const char *text)
{
  if (text == NULL || text[0] == '\0' || !g_utf8_validate (text, -1, NULL))
    return FALSE;

  for (const char *c = text; *c != '\0'; c++)
    if (g_ascii_iscntrl (*c))
      return FALSE;

  return TRUE;
}

#define MAX_HEADER_SIZE (64 * 1024)
#define MAX_FLAGS_DEPTH 32

/* Depth of nested arrays and objects, without recursing past @limit. */
static guint
node_depth (JsonNode *node,
            guint     limit)
{
  guint deepest = 0;

  if (limit == 0)
    return 1;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) values = json_object_get_values (json_node_get_object (node));

      for (GList *l = values; l != NULL && deepest < limit; l = l->next)
        {
          guint depth = node_depth (l->data, limit - 1);

          deepest = MAX (deepest, depth);
        }
      return deepest + 1;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array) && deepest < limit; i++)
        {
          guint depth = node_depth (json_array_get_element (array, i), limit - 1);

          deepest = MAX (deepest, depth);
        }
      return deepest + 1;
    }

  return 0;
}

/* Whether JSON text nests no deeper than @max_depth, judged without parsing
 * it: json-glib's parser recurses once per level, so a file line of
 * thousands of brackets must not reach it. */
static gboolean
json_text_is_shallow (const char *text,
                      guint       max_depth)
{
  gboolean in_string = FALSE, escaped = FALSE;
  guint depth = 0;

  for (const char *c = text; *c != '\0'; c++)
    {
      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (*c == '\\')
            escaped = TRUE;
          else if (*c == '"')
            in_string = FALSE;
        }
      else if (*c == '"')
        in_string = TRUE;
      else if ((*c == '[' || *c == '{') && ++depth > max_depth)
        return FALSE;
      else if ((*c == ']' || *c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

/* The string member @name of @object, or NULL when it is missing or of
 * another type: outside JSON is type-checked before anything is read. */
static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* Header flags from outside text, bounded before the parser sees it: at
 * most 64 KiB, nested at most 32 levels (json-glib's parser recurses once
 * per level, so deeper text could exhaust the stack). */
JsonObject *
_mctx_metrics_flags_from_json (const char  *text,
                               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;

  if (strlen (text) > MAX_HEADER_SIZE)
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER,
                   _("The metrics flags are longer than %d bytes"), MAX_HEADER_SIZE);
      return NULL;
    }
  if (!json_text_is_shallow (text, MAX_FLAGS_DEPTH))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER,
                   _("The metrics flags nest more than %d levels deep"), MAX_FLAGS_DEPTH);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, -1, &parse_error))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER,
                   _("The metrics flags are not valid JSON: %s"), parse_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER,
                           _("The metrics flags must be a JSON object"));
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
build_header (MctxMetricsWriter  *self,
              GError            **error)
{
  JsonObject *header;
  JsonObject *flags = json_object_new ();

  if (!is_printable_line (self->producer))
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER,
                           _("The metrics producer must be a non-empty line of text"));
      json_object_unref (flags);
      return NULL;
    }
  if (!is_printable_line (self->node_id))
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER,
                           _("The metrics node id must be a non-empty line of text"));
      json_object_unref (flags);
      return NULL;
    }

  json_object_set_string_member (flags, "transport", "udp-multicast");
  /* A receiver says so; anything else is a sender's file. */
  if (self->flags != NULL && g_strcmp0 (json_object_get_string_member_with_default (self->flags, "role", NULL),
                                        "receiver") == 0)
    json_object_set_string_member (flags, "role", "receiver");
  else
    json_object_set_string_member (flags, "role", "sender");
  if (self->flags != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), self->flags);

      if (node_depth (node, MAX_FLAGS_DEPTH + 1) > MAX_FLAGS_DEPTH)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER,
                       _("The metrics flags nest more than %d levels deep"), MAX_FLAGS_DEPTH);
          json_object_unref (flags);
          return NULL;
        }
    }
  if (self->flags != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (self->flags);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;

          if (name[0] == '\0')
            {
              g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER,
                                   _("A metrics flag has an empty name"));
              json_object_unref (flags);
              return NULL;
            }
          if (!json_object_has_member (flags, name))
            json_object_set_member (flags, name, json_node_copy (json_object_get_member (self->flags, name)));
        }
    }

  header = json_object_new ();
  json_object_set_string_member (header, "schema", MCTX_METRICS_SCHEMA);
  json_object_set_string_member (header, "artifact_type", MCTX_METRICS_ARTIFACT_TYPE);
  json_object_set_string_member (header, "node_id", self->node_id);
  json_object_set_string_member (header, "producer", self->producer);
  json_object_set_double_member (header, "created_at", g_get_real_time () / (double) G_USEC_PER_SEC);
  json_object_set_object_member (header, "flags", flags);

  /* A header the next run could not read back is refused now. */
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), header);
    gsize length;

    json_generator_set_root (self->generator, node);
    g_free (json_generator_to_data (self->generator, &length));
    if (length + 1 > MAX_HEADER_SIZE)
      {
        g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER,
                     _("The metrics header would be %llu bytes long; at most %d fit"),
                     (unsigned long long) length + 1, MAX_HEADER_SIZE);
        json_object_unref (header);
        return NULL;
      }
  }

  return header;
}

/* Writes one line with one write(), so that lines never interleave. */
static gboolean
write_line (MctxMetricsWriter  *self,
            JsonObject         *object,
            GError            **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  gsize length;
  gssize written;
  off_t end;

  json_node_set_object (node, object);
  json_generator_set_root (self->generator, node);
  text = json_generator_to_data (self->generator, &length);
  text = g_realloc (text, length + 2);
  text[length++] = '\n';
  text[length] = '\0';

  /* The lock is ours, so the end of the file is where this line goes. */
  end = lseek (self->fd, 0, SEEK_END);

  do
    written = write (self->fd, text, length);
  while (written < 0 && errno == EINTR);

  if (written != (gssize) length)
    {
      int saved_errno = written < 0 ? errno : ENOSPC;

      /* Never leave a torn line behind. */
      if (written > 0 && end >= 0)
        (void) ftruncate (self->fd, end);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write to %s: %s"), self->path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_valid_header (JsonNode *node)
{
  JsonObject *header;
  JsonNode *created_at, *flags;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;

  header = json_node_get_object (node);
  created_at = json_object_get_member (header, "created_at");
  flags = json_object_get_member (header, "flags");

  return g_strcmp0 (get_string_member (header, "schema"), MCTX_METRICS_SCHEMA) == 0 &&
         get_string_member (header, "artifact_type") != NULL &&
         get_string_member (header, "node_id") != NULL &&
         get_string_member (header, "producer") != NULL &&
         created_at != NULL && JSON_NODE_HOLDS_VALUE (created_at) &&
         (json_node_get_value_type (created_at) == G_TYPE_DOUBLE ||
          json_node_get_value_type (created_at) == G_TYPE_INT64) &&
         flags != NULL && JSON_NODE_HOLDS_OBJECT (flags);
}

static const char *const header_members[] = {
  "schema", "artifact_type", "node_id", "producer", "created_at", "flags",
};

/* Checks every line after the header (at @offset) of an existing file: each
 * must be a sample, a JSON object carrying none of the header's members. A
 * second header, or a sample that looks like one, means the file is not one
 * run's sequence of samples; nothing is appended to it. A last line without
 * its newline is left to the repair that follows. */
static gboolean
check_existing_rows (MctxMetricsWriter  *self,
                     gsize               offset,
                     GError            **error)
{
  g_autoptr(GString) pending = g_string_new (NULL);
  char buffer[16 * 1024];
  off_t position = (off_t) offset;
  guint64 number = 1;

  for (;;)
    {
      gssize got;
      char *newline;

      do
        got = pread (self->fd, buffer, sizeof buffer, position);
      while (got < 0 && errno == EINTR);
      if (got < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not read %s: %s"), self->path, g_strerror (saved_errno));
          return FALSE;
        }
      if (got == 0)
        return TRUE;
      position += got;
      g_string_append_len (pending, buffer, got);

      while ((newline = memchr (pending->str, '\n', pending->len)) != NULL)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          gsize line_length = (gsize) (newline - pending->str);
          g_autofree char *line = g_strndup (pending->str, line_length);
          JsonNode *root;
          gboolean sample;

          g_string_erase (pending, 0, (gssize) line_length + 1);
          number++;
          if (g_strstrip (line)[0] == '\0')
            continue;

          sample = json_text_is_shallow (line, MAX_FLAGS_DEPTH + 1) &&
                   json_parser_load_from_data (parser, line, -1, NULL) &&
                   (root = json_parser_get_root (parser)) != NULL &&
                   JSON_NODE_HOLDS_OBJECT (root);
          for (guint i = 0; sample && i < G_N_ELEMENTS (header_members); i++)
            sample = !json_object_has_member (json_node_get_object (root), header_members[i]);

          if (!sample)
            {
              g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_FILE,
                           _("Line %llu of %s is not a sample of this run (a second header, or not a JSON object of samples); not appending to it"),
                           (unsigned long long) number, self->path);
              return FALSE;
            }
        }

      /* One line may not hold a whole file. */
      if (pending->len > MAX_HEADER_SIZE * 16)
        {
          g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_FILE,
                       _("Line %llu of %s is too long for a sample; not appending to it"),
                       (unsigned long long) number + 1, self->path);
          return FALSE;
        }
    }
}

/* Checks that an existing file starts with a valid header: its first
 * non-empty line, which must fit in the first 64 KiB. */
static gboolean
check_existing_header (MctxMetricsWriter  *self,
                       JsonObject         *header,
                       GError            **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *start = g_malloc (64 * 1024 + 1);
  char *line, *end;
  gssize length;

  do
    length = pread (self->fd, start, 64 * 1024, 0);
  while (length < 0 && errno == EINTR);

  if (length < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not read %s: %s"), self->path, g_strerror (saved_errno));
      return FALSE;
    }
  start[length] = '\0';

  line = start;
  while (*line == '\n' || *line == '\r' || *line == ' ' || *line == '\t')
    line++;
  end = strchr (line, '\n');
  if (end != NULL)
    *end = '\0';

  if (end == NULL || !json_text_is_shallow (line, MAX_FLAGS_DEPTH + 1) ||
      !json_parser_load_from_data (parser, line, -1, NULL) ||
      !is_valid_header (json_parser_get_root (parser)))
    {
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_FILE,
                   _("%s does not start with a %s header; not appending to it"),
                   self->path, MCTX_METRICS_SCHEMA);
      return FALSE;
    }

  /* Samples appended under another run's header would be misread. */
  {
    JsonObject *existing = json_node_get_object (json_parser_get_root (parser));

    if (g_strcmp0 (get_string_member (existing, "node_id"), self->node_id) != 0 ||
        !json_node_equal (json_object_get_member (existing, "flags"), json_object_get_member (header, "flags")))
      {
        g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_FILE,
                     _("%s belongs to another run (its node id or flags differ); not appending to it"),
                     self->path);
        return FALSE;
      }
  }

  return check_existing_rows (self, (gsize) (end + 1 - start), error);
}

/* Cuts off a last line that a crash or a full disk left without its
 * newline, so that the file stays parseable line by line. */
static gboolean
repair_torn_line (MctxMetricsWriter  *self,
                  off_t               size,
                  GError            **error)
{
  char buffer[4096];
  off_t position = size;

  while (position > 0)
    {
      gsize chunk = (gsize) MIN (position, (off_t) sizeof buffer);
      gssize got;

      do
        got = pread (self->fd, buffer, chunk, position - (off_t) chunk);
      while (got < 0 && errno == EINTR);
      if (got != (gssize) chunk)
        break;

      for (gsize i = chunk; i > 0; i--)
        if (buffer[i - 1] == '\n')
          {
            off_t keep = position - (off_t) chunk + (off_t) i;

            if (keep == size || ftruncate (self->fd, keep) == 0)
              return TRUE;
            goto failed;
          }
      position -= (off_t) chunk;
    }

failed:
  {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Could not repair the torn last line of %s: %s"), self->path, g_strerror (saved_errno));
  }
  return FALSE;
}

static gboolean
mctx_metrics_writer_initable_init_impl (GInitable     *initable,
                                        GCancellable  *cancellable,
                                        GError       **error)
{
  MctxMetricsWriter *self = MCTX_METRICS_WRITER (initable);
  g_autoptr(JsonObject) header = NULL;
  g_autofree char *parent = NULL;
  struct stat info;
  int fd;

#ifndef MCTX_ENABLE_METRICS
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("This mctx was built without metrics (-Dmetrics=disabled)"));
  return FALSE;
#endif

  if (self->path == NULL || self->path[0] == '\0')
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER,
                           _("The metrics file has no path"));
      return FALSE;
    }
  if (self->node_id == NULL)
    self->node_id = resolve_node_id (self->path);
  if (!add_environment_flags (self, error))
    return FALSE;

  /* Everything about the header is checked before the file is touched. */
  header = build_header (self, error);
  if (header == NULL)
    return FALSE;

  parent = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"), parent, g_strerror (saved_errno));
      return FALSE;
    }

  /* Never through a symbolic link; O_NONBLOCK so that a FIFO at the path
   * cannot block the open. */
  fd = open (self->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ELOOP)
        g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_FILE,
                     _("%s is a symbolic link; metrics are only written to a regular file"), self->path);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     _("Could not open %s: %s"), self->path, g_strerror (saved_errno));
      return FALSE;
    }
  if (fstat (fd, &info) != 0 || !S_ISREG (info.st_mode))
    {
      close (fd);
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_FILE,
                   _("%s is not a regular file; metrics are only written to a regular file"), self->path);
      return FALSE;
    }
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);

  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      close (fd);
      if (saved_errno == EWOULDBLOCK)
        g_set_error (error, MCTX_ERROR, MCTX_ERROR_METRICS_FILE_LOCKED,
                     _("%s is locked by another metrics writer"), self->path);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     _("Could not lock %s: %s"), self->path, g_strerror (saved_errno));
      return FALSE;
    }
  self->fd = fd;

  if (fstat (fd, &info) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not inspect %s: %s"), self->path, g_strerror (saved_errno));
      mctx_metrics_writer_close (self);
      return FALSE;
    }

  if ((info.st_size > 0 && (!check_existing_header (self, header, error) ||
                            !repair_torn_line (self, info.st_size, error))) ||
      (info.st_size == 0 && !write_line (self, header, error)))
    {
      mctx_metrics_writer_close (self);
      return FALSE;
    }

  return TRUE;
}

static void
mctx_metrics_writer_initable_init (GInitableIface *iface)
{
  iface->init = mctx_metrics_writer_initable_init_impl;
}

/**
 * mctx_metrics_writer_new:
 * @path: the file to create or append to
 * @producer: what writes it, such as `mctx/mctx-send`
 * @node_id: (nullable): the node id, or %NULL to resolve it from @path
 *   and the environment (see [property@Mctx.MetricsWriter:node-id])
 * @flags: (nullable): extra header flags, over those of
 *   `MCTX_METRICS_FLAGS_JSON` (see [property@Mctx.MetricsWriter:flags])
 * @error: return location for a #GError
 *
 * Opens @path for metrics, locks it, and writes the header when the file
 * is new. The requested header is checked before the file is created;
 * an existing file must start with a valid header.
 *
 * Returns: (transfer full): a writer, or %NULL with @error set:
 *   %MCTX_ERROR_INVALID_METRICS_HEADER, %MCTX_ERROR_INVALID_METRICS_FILE,
 *   %MCTX_ERROR_METRICS_FILE_LOCKED, or a %G_IO_ERROR
 *
 * Since: 1.0
 */
MctxMetricsWriter *
mctx_metrics_writer_new (const char  *path,
                         const char  *producer,
                         const char  *node_id,
                         JsonObject  *flags,
                         GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (producer != NULL, NULL);

  return g_initable_new (MCTX_TYPE_METRICS_WRITER, NULL, error,
                         "path", path,
                         "producer", producer,
                         "node-id", node_id,
                         "flags", flags,
                         NULL);
}

/* The sample row's counters and rates, in the order the format lists them. */
static const struct {
  MctxMetricsCounter counter;
  const char *name;
} row_counters[] = {
  { MCTX_METRICS_COUNTER_PUBLICATIONS_ADDED, "publications_added" },
  { MCTX_METRICS_COUNTER_PUBLICATIONS_REMOVED, "publications_removed" },
  { MCTX_METRICS_COUNTER_SEND_CALLS, "send_calls" },
  { MCTX_METRICS_COUNTER_PACKETS_SENT, "packets_sent" },
  { MCTX_METRICS_COUNTER_BYTES_SENT, "bytes_sent" },
  { MCTX_METRICS_COUNTER_SEND_ERRORS, "send_errors" },
}, row_rates[] = {
  { MCTX_METRICS_COUNTER_SEND_CALLS, "send_calls_per_sec" },
  { MCTX_METRICS_COUNTER_PACKETS_SENT, "packets_per_sec" },
  { MCTX_METRICS_COUNTER_BYTES_SENT, "bytes_per_sec" },
  { MCTX_METRICS_COUNTER_SEND_ERRORS, "send_errors_per_sec" },
}, row_more_counters[] = {
  /* mctx's own, after upstream's fields. */
  { MCTX_METRICS_COUNTER_UNREACHABLE_ERRORS, "unreachable_errors" },
  { MCTX_METRICS_COUNTER_MESSAGE_SIZE_ERRORS, "message_size_errors" },
  { MCTX_METRICS_COUNTER_LOCAL_ERRORS, "local_errors" },
  { MCTX_METRICS_COUNTER_DEPARTURES_MEASURED, "departures_measured" },
  { MCTX_METRICS_COUNTER_DEPARTURES_MISSING, "departures_missing" },
};

static void
add_counter (JsonObject *row,
             const char *name,
             guint64     total,
             guint64     delta)
{
  g_autofree char *total_name = g_strconcat (name, "_total", NULL);
  g_autofree char *delta_name = g_strconcat (name, "_delta", NULL);

  json_object_set_int_member (row, total_name, (gint64) total);
  json_object_set_int_member (row, delta_name, (gint64) delta);
}

/**
 * mctx_metrics_writer_write_sample:
 * @self: a writer
 * @delta: a delta of a context's metrics
 * @error: return location for a #GError
 *
 * Appends one sample line, in one write.
 *
 * Returns: %TRUE on success; %FALSE with %MCTX_ERROR_METRICS_MISMATCH if
 *   @delta is not of a context, or a %G_IO_ERROR
 *
 * Since: 1.0
 */
gboolean
mctx_metrics_writer_write_sample (MctxMetricsWriter  *self,
                                  MctxMetricsDelta   *delta,
                                  GError            **error)
{
  g_autoptr(JsonObject) row = NULL;
  MctxMetricsSnapshot *later;

  g_return_val_if_fail (MCTX_IS_METRICS_WRITER (self), FALSE);
  g_return_val_if_fail (delta != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->fd < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The metrics writer of %s is closed"), self->path);
      return FALSE;
    }

  later = mctx_metrics_delta_get_later (delta);
  if (mctx_metrics_snapshot_get_kind (later) != MCTX_METRICS_KIND_CONTEXT)
    {
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_METRICS_MISMATCH,
                           _("Metrics files take samples of a context, not of one publication"));
      return FALSE;
    }

  row = json_object_new ();
  json_object_set_double_member (row, "ts", mctx_metrics_snapshot_get_timestamp (later) / (double) G_USEC_PER_SEC);
  json_object_set_double_member (row, "interval_secs", mctx_metrics_delta_get_interval (delta));
  json_object_set_int_member (row, "active_publications",
                              (gint64) mctx_metrics_snapshot_get_active_publications (later));
  for (guint i = 0; i < G_N_ELEMENTS (row_counters); i++)
    add_counter (row, row_counters[i].name,
                 mctx_metrics_snapshot_get_counter (later, row_counters[i].counter),
                 mctx_metrics_delta_get_change (delta, row_counters[i].counter));
  for (guint i = 0; i < G_N_ELEMENTS (row_rates); i++)
    json_object_set_double_member (row, row_rates[i].name, mctx_metrics_delta_get_rate (delta, row_rates[i].counter));
  for (guint i = 0; i < G_N_ELEMENTS (row_more_counters); i++)
    add_counter (row, row_more_counters[i].name,
                 mctx_metrics_snapshot_get_counter (later, row_more_counters[i].counter),
                 mctx_metrics_delta_get_change (delta, row_more_counters[i].counter));
  /* The interval's departures, where some were measured. */
  if (mctx_metrics_delta_get_change (delta, MCTX_METRICS_COUNTER_DEPARTURES_MEASURED) > 0)
    {
      static const struct { const char *name; double quantile; } quantiles[] = {
        { "p50", 0.5 }, { "p90", 0.9 }, { "p99", 0.99 }, { "p999", 0.999 }, { "max", 1.0 },
      };
      JsonObject *error_us = json_object_new ();

      for (guint i = 0; i < G_N_ELEMENTS (quantiles); i++)
        json_object_set_double_member (error_us, quantiles[i].name,
                                       mctx_metrics_delta_get_departure_error (delta, quantiles[i].quantile));
      json_object_set_object_member (row, "departure_error_us", error_us);
    }

  return write_line (self, row, error);
}

/**
 * mctx_metrics_writer_write_row:
 * @self: a writer
 * @row: a sample of the program's own, such as a receiver's counts
 * @error: return location for a #GError
 *
 * Appends one sample line of any members, in one write, for programs whose
 * counts are not a context's (`mctx-recv` writes its received, lost and
 * jitter figures so). A row carrying one of the header's members (`schema`,
 * `node_id`, …) is refused, as in an existing file, so that the file stays
 * one header and its samples.
 *
 * Returns: %TRUE on success; %FALSE with
 *   %MCTX_ERROR_INVALID_METRICS_HEADER for a header member, or a
 *   %G_IO_ERROR
 *
 * Since: 1.0
 */
gboolean
mctx_metrics_writer_write_row (MctxMetricsWriter  *self,
                               JsonObject         *row,
                               GError            **error)
{
  g_return_val_if_fail (MCTX_IS_METRICS_WRITER (self), FALSE);
  g_return_val_if_fail (row != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->fd < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The metrics writer of %s is closed"), self->path);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (header_members); i++)
    if (json_object_has_member (row, header_members[i]))
      {
        g_set_error (error, MCTX_ERROR, MCTX_ERROR_INVALID_METRICS_HEADER,
                     _("A sample cannot carry the header member “%s”"), header_members[i]);
        return FALSE;
      }

  return write_line (self, row, error);
}

/**
 * mctx_metrics_writer_close:
 * @self: a writer
 *
 * Closes the file and releases its lock. Finalizing the writer does the
 * same; closing twice is harmless.
 *
 * Since: 1.0
 */
void
mctx_metrics_writer_close (MctxMetricsWriter *self)
{
  g_return_if_fail (MCTX_IS_METRICS_WRITER (self));

  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
}

/**
 * mctx_metrics_writer_get_node_id: (get-property node-id)
 * @self: a writer
 *
 * Gets the node id written in the header.
 *
 * Returns: (transfer none): the node id
 *
 * Since: 1.0
 */
const char *
mctx_metrics_writer_get_node_id (MctxMetricsWriter *self)
{
  g_return_val_if_fail (MCTX_IS_METRICS_WRITER (self), NULL);

  return self->node_id;
}
