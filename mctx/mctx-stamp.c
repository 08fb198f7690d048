/* mctx-stamp.c: the header of stamped payloads
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <string.h>
#include <time.h>

#include "mctx-private.h"

/**
 * MctxStamp:
 *
 * The header that starts a stamped payload, so that a receiver can tell
 * which datagrams of a stream it lost, got twice or out of order, and how
 * late each arrived. `mctx-send --size`, `mctx-async-send --size` and
 * `mctx-recv` use it; Python and GJS programs can build and read it too.
 *
 * The header is 32 bytes ([const@Mctx.STAMP_SIZE]), all numbers in network
 * byte order (big-endian):
 *
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 4 | magic: the ASCII bytes `MCTX` |
 * | 4 | 1 | version: 1 |
 * | 5 | 1 | flags ([flags@Mctx.StampFlags]) |
 * | 6 | 2 | header length: 32 |
 * | 8 | 4 | stream id |
 * | 12 | 8 | sequence number, from 0 |
 * | 20 | 8 | send time: nanoseconds since the Unix epoch (`CLOCK_REALTIME`) |
 * | 28 | 4 | reserved, 0 |
 *
 * The rest of the payload is filler: byte *i* of the payload is *i* modulo
 * 251, so that a receiver can check it. A reader accepts longer headers of
 * version 1 (it skips what it does not know) and refuses other versions.
 *
 * See also: [Command-line tools](tools.html), where mctx-recv reads stamps.
 *
 * Since: 1.0
 */
struct _MctxStamp
{
  guint32 stream_id;
  guint64 sequence;
  gint64 send_time_ns;
  MctxStampFlags flags;
};

MCTX_DEFINE_BOXED_TYPE (MctxStamp, mctx_stamp, mctx_stamp_copy, mctx_stamp_free)

#define STAMP_VERSION 1

/**
 * mctx_stamp_new:
 * @stream_id: the stream the datagram belongs to
 * @sequence: its number in the stream, from 0
 * @send_time_ns: when it is sent, in nanoseconds since the Unix epoch
 *   (mctx_stamp_now())
 * @flags: its flags
 *
 * Creates a header.
 *
 * Returns: (transfer full): the header
 *
 * Since: 1.0
 */
MctxStamp *
mctx_stamp_new (guint32        stream_id,
                guint64        sequence,
                gint64         send_time_ns,
                MctxStampFlags flags)
{
  MctxStamp *self = g_new (MctxStamp, 1);

  self->stream_id = stream_id;
  self->sequence = sequence;
  self->send_time_ns = send_time_ns;
  self->flags = flags;
  return self;
}

/**
 * mctx_stamp_copy:
 * @self: a header
 *
 * Copies a header.
 *
 * Returns: (transfer full): the copy
 *
 * Since: 1.0
 */
MctxStamp *
mctx_stamp_copy (MctxStamp *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_memdup2 (self, sizeof *self);
}

/**
 * mctx_stamp_free:
 * @self: a header
 *
 * Frees a header.
 *
 * Since: 1.0
 */
void
mctx_stamp_free (MctxStamp *self)
{
  g_free (self);
}

/**
 * mctx_stamp_now:
 *
 * The current time as a send time: nanoseconds since the Unix epoch, on
 * `CLOCK_REALTIME`, the clock receivers on other hosts share when their
 * clocks are synchronized.
 *
 * Returns: the time in nanoseconds
 *
 * Since: 1.0
 */
gint64
mctx_stamp_now (void)
{
  struct timespec now;

  clock_gettime (CLOCK_REALTIME, &now);
  return (gint64) now.tv_sec * 1000000000 + now.tv_nsec;
}

static void
put_be (guint8  *p,
        guint64  value,
        guint    bytes)
{
  for (guint i = 0; i < bytes; i++)
    p[i] = (guint8) (value >> (8 * (bytes - 1 - i)));
}

static guint64
get_be (const guint8 *p,
        guint         bytes)
{
  guint64 value = 0;

  for (guint i = 0; i < bytes; i++)
    value = value << 8 | p[i];
  return value;
}

/**
 * mctx_stamp_write:
 * @self: a header
 * @buffer: (array length=len) (element-type guint8): the payload to write
 *   into, [const@Mctx.STAMP_SIZE] bytes at least
 * @len: the size of @buffer
 *
 * Writes the header at the start of @buffer and the filler after it,
 * without allocating: the form for senders in C that stamp each datagram in
 * place.
 *
 * Returns: %TRUE, or %FALSE when @buffer is shorter than the header
 *
 * Since: 1.0
 */
gboolean
mctx_stamp_write (const MctxStamp *self,
                  guint8          *buffer,
                  gsize            len)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (buffer != NULL || len == 0, FALSE);

  if (len < MCTX_STAMP_SIZE)
    return FALSE;

  memcpy (buffer, "MCTX", 4);
  buffer[4] = STAMP_VERSION;
  buffer[5] = (guint8) self->flags;
  put_be (buffer + 6, MCTX_STAMP_SIZE, 2);
  put_be (buffer + 8, self->stream_id, 4);
  put_be (buffer + 12, self->sequence, 8);
  put_be (buffer + 20, (guint64) self->send_time_ns, 8);
  memset (buffer + 28, 0, 4);
  for (gsize i = MCTX_STAMP_SIZE; i < len; i++)
    buffer[i] = (guint8) (i % 251);

  return TRUE;
}

/**
 * mctx_stamp_build:
 * @self: a header
 * @size: the size of the payload, [const@Mctx.STAMP_SIZE] bytes at least
 * @error: return location for a #GError
 *
 * Builds a stamped payload of @size bytes: the header, then the filler.
 *
 * Returns: (transfer full): the payload, or %NULL with
 *   %G_IO_ERROR_INVALID_ARGUMENT when @size is below the header's
 *
 * Since: 1.0
 */
GBytes *
mctx_stamp_build (const MctxStamp  *self,
                  gsize             size,
                  GError          **error)
{
  guint8 *payload;

  g_return_val_if_fail (self != NULL, NULL);

  if (size < MCTX_STAMP_SIZE || size > G_MAXUINT16)
    {
      _mctx_ensure_i18n ();
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Invalid stamped payload size %llu: it must be between %d and %d bytes"),
                   (unsigned long long) size, MCTX_STAMP_SIZE, G_MAXUINT16);
      return NULL;
    }

  payload = g_malloc (size);
  mctx_stamp_write (self, payload, size);
  return g_bytes_new_take (payload, size);
}

/**
 * mctx_stamp_parse:
 * @data: (array length=len) (element-type guint8): a payload
 * @len: the size of @data
 * @error: return location for a #GError
 *
 * Reads the header of a stamped payload.
 *
 * Returns: (transfer full): the header, or %NULL with
 *   %MCTX_ERROR_NOT_STAMPED when @data does not start with one
 *
 * Since: 1.0
 */
MctxStamp *
mctx_stamp_parse (const guint8  *data,
                  gsize          len,
                  GError       **error)
{
  guint header_length;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len < MCTX_STAMP_SIZE || memcmp (data, "MCTX", 4) != 0)
    {
      _mctx_ensure_i18n ();
      g_set_error_literal (error, MCTX_ERROR, MCTX_ERROR_NOT_STAMPED,
                           _("The payload does not start with an mctx stamp"));
      return NULL;
    }

  header_length = (guint) get_be (data + 6, 2);
  if (data[4] != STAMP_VERSION || header_length < MCTX_STAMP_SIZE || header_length > len)
    {
      _mctx_ensure_i18n ();
      g_set_error (error, MCTX_ERROR, MCTX_ERROR_NOT_STAMPED,
                   _("Unsupported mctx stamp: version %u, header length %u"), data[4], header_length);
      return NULL;
    }

  return mctx_stamp_new ((guint32) get_be (data + 8, 4), get_be (data + 12, 8),
                         (gint64) get_be (data + 20, 8), (MctxStampFlags) data[5]);
}

/**
 * mctx_stamp_get_stream_id:
 * @self: a header
 *
 * Gets the stream id.
 *
 * Returns: the stream id
 *
 * Since: 1.0
 */
guint32
mctx_stamp_get_stream_id (const MctxStamp *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->stream_id;
}

/**
 * mctx_stamp_get_sequence:
 * @self: a header
 *
 * Gets the sequence number.
 *
 * Returns: the sequence number
 *
 * Since: 1.0
 */
guint64
mctx_stamp_get_sequence (const MctxStamp *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->sequence;
}

/**
 * mctx_stamp_get_send_time:
 * @self: a header
 *
 * Gets the send time.
 *
 * Returns: nanoseconds since the Unix epoch
 *
 * Since: 1.0
 */
gint64
mctx_stamp_get_send_time (const MctxStamp *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->send_time_ns;
}

/**
 * mctx_stamp_get_flags:
 * @self: a header
 *
 * Gets the flags.
 *
 * Returns: the flags
 *
 * Since: 1.0
 */
MctxStampFlags
mctx_stamp_get_flags (const MctxStamp *self)
{
  g_return_val_if_fail (self != NULL, MCTX_STAMP_FLAG_NONE);

  return self->flags;
}
