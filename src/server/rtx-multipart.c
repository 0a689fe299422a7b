/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "rtx-multipart.h"

G_DEFINE_QUARK (rtx-multipart-error-quark, rtx_multipart_error)

typedef enum {
  STATE_PREAMBLE,     /* before the first "--boundary" */
  STATE_AFTER_DELIM,  /* just past a delimiter: "--" ends, CRLF starts a part */
  STATE_HEADERS,
  STATE_BODY,
  STATE_EPILOGUE,
} State;

struct _RtxMultipart {
  RtxMultipartLimits limits;
  char       *delim;        /* "\r\n--boundary" */
  gsize       delim_len;
  char       *file_field;
  int         file_fd;

  State       state;
  GByteArray *buf;
  GHashTable *fields;
  /* The part being read. */
  gboolean    part_is_file;
  GString    *part_value;
  char       *part_name;

  gboolean    have_file;
  char       *filename;
  guint64     file_size;
};

/**
 * rtx_multipart_boundary:
 * @content_type: a Content-Type header value
 *
 * Returns: (nullable): the boundary of a `multipart/form-data` type, or %NULL when the type is
 *   something else or the boundary is missing or malformed (RFC 2046: 1 to 70 characters)
 */
char *
rtx_multipart_boundary (const char *content_type)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GHashTable) params = NULL;
  const char *type, *boundary;

  if (content_type == NULL)
    return NULL;
  soup_message_headers_replace (headers, "Content-Type", content_type);
  type = soup_message_headers_get_content_type (headers, &params);
  if (type == NULL || g_ascii_strcasecmp (type, "multipart/form-data") != 0 || params == NULL)
    return NULL;

  boundary = g_hash_table_lookup (params, "boundary");
  if (boundary == NULL || strlen (boundary) == 0 || strlen (boundary) > 70 ||
      strpbrk (boundary, "\r\n") != NULL)
    return NULL;

  return g_strdup (boundary);
}

RtxMultipart *
rtx_multipart_new (const char               *boundary,
                   const char               *file_field,
                   int                       file_fd,
                   const RtxMultipartLimits *limits)
{
  RtxMultipart *self = g_new0 (RtxMultipart, 1);

  self->limits = *limits;
  self->delim = g_strconcat ("\r\n--", boundary, NULL);
  self->delim_len = strlen (self->delim);
  self->file_field = g_strdup (file_field);
  self->file_fd = file_fd;
  self->buf = g_byte_array_new ();
  /* The preamble may start right at the delimiter, without the CRLF before it. */
  g_byte_array_append (self->buf, (const guint8 *) "\r\n", 2);
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->state = STATE_PREAMBLE;

  return self;
}

void
rtx_multipart_free (RtxMultipart *self)
{
  if (self == NULL)
    return;
  g_free (self->delim);
  g_free (self->file_field);
  g_byte_array_unref (self->buf);
  g_hash_table_unref (self->fields);
  if (self->part_value != NULL)
    g_string_free (self->part_value, TRUE);
  g_free (self->part_name);
  g_free (self->filename);
  g_free (self);
}

static gboolean
fail (GError           **error,
      RtxMultipartError  code,
      const char        *message)
{
  g_set_error_literal (error, RTX_MULTIPART_ERROR, code, message);
  return FALSE;
}

static gboolean
write_file (RtxMultipart  *self,
            const guint8  *data,
            gsize          len,
            GError       **error)
{
  if (self->file_size + len > self->limits.max_file_bytes)
    return fail (error, RTX_MULTIPART_ERROR_TOO_LARGE, _("The uploaded file is larger than allowed"));

  self->file_size += len;
  while (len > 0) {
    ssize_t n = write (self->file_fd, data, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail (error, RTX_MULTIPART_ERROR_IO, g_strerror (errno));
    data += n;
    len -= n;
  }
  return TRUE;
}

static gboolean
part_data (RtxMultipart  *self,
           const guint8  *data,
           gsize          len,
           GError       **error)
{
  if (self->part_is_file)
    return write_file (self, data, len, error);

  if (self->part_value->len + len > self->limits.max_field_bytes)
    return fail (error, RTX_MULTIPART_ERROR_TOO_LARGE, _("A form field is larger than allowed"));
  g_string_append_len (self->part_value, (const char *) data, len);
  return TRUE;
}

static gboolean
part_end (RtxMultipart  *self,
          GError       **error)
{
  if (!self->part_is_file) {
    if (!g_utf8_validate_len (self->part_value->str, self->part_value->len, NULL) ||
        memchr (self->part_value->str, '\0', self->part_value->len) != NULL)
      return fail (error, RTX_MULTIPART_ERROR_MALFORMED, _("A form field is not valid UTF-8 text"));
    g_hash_table_replace (self->fields, g_steal_pointer (&self->part_name),
                          g_string_free (g_steal_pointer (&self->part_value), FALSE));
  }
  g_clear_pointer (&self->part_name, g_free);
  if (self->part_value != NULL)
    g_string_free (g_steal_pointer (&self->part_value), TRUE);
  return TRUE;
}

/* Parses one part's headers (without the blank line) and prepares for its body. */
static gboolean
part_begin (RtxMultipart  *self,
            const char    *text,
            gsize          len,
            GError       **error)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *copy = g_strndup (text, len);
  g_auto(GStrv) lines = NULL;
  const char *name, *filename;

  if (memchr (text, '\0', len) != NULL)
    return fail (error, RTX_MULTIPART_ERROR_MALFORMED, _("A part's headers hold a NUL byte"));

  lines = g_strsplit (copy, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    char *colon = strchr (lines[i], ':');

    if (*lines[i] == '\0')
      continue;
    if (colon == NULL || colon == lines[i])
      return fail (error, RTX_MULTIPART_ERROR_MALFORMED, _("A part has a malformed header"));
    *colon = '\0';
    soup_message_headers_append (headers, g_strstrip (lines[i]), g_strstrip (colon + 1));
  }

  if (!soup_message_headers_get_content_disposition (headers, NULL, &params) ||
      (name = g_hash_table_lookup (params, "name")) == NULL)
    return fail (error, RTX_MULTIPART_ERROR_MALFORMED,
                 _("A part has no Content-Disposition with a name"));

  filename = g_hash_table_lookup (params, "filename");
  self->part_is_file = g_strcmp0 (name, self->file_field) == 0;
  if (self->part_is_file) {
    if (self->have_file)
      return fail (error, RTX_MULTIPART_ERROR_MALFORMED, _("Only one file may be uploaded at a time"));
    self->have_file = TRUE;
    self->filename = g_strdup (filename != NULL ? filename : "");
    return TRUE;
  }

  if (g_hash_table_size (self->fields) >= self->limits.max_fields)
    return fail (error, RTX_MULTIPART_ERROR_TOO_LARGE, _("The form has too many fields"));
  self->part_name = g_strdup (name);
  self->part_value = g_string_new (NULL);
  return TRUE;
}

static void
consume (RtxMultipart *self,
         gsize         n)
{
  g_byte_array_remove_range (self->buf, 0, n);
}

/* Runs the state machine over the buffered bytes. Returns FALSE on error; otherwise stops when
 * it needs more input. */
static gboolean
process (RtxMultipart  *self,
         gboolean       final,
         GError       **error)
{
  for (;;) {
    const guint8 *data = self->buf->data;
    gsize len = self->buf->len;

    switch (self->state) {
    case STATE_PREAMBLE:
    case STATE_BODY: {
      const guint8 *hit = memmem (data, len, self->delim, self->delim_len);
      gsize safe;

      if (hit == NULL) {
        /* Keep what could be the start of a delimiter split across feeds. */
        safe = len > self->delim_len ? len - self->delim_len : 0;
        if (self->state == STATE_BODY && safe > 0 && !part_data (self, data, safe, error))
          return FALSE;
        consume (self, safe);
        if (self->state == STATE_PREAMBLE && self->buf->len > 4096 + self->delim_len)
          return fail (error, RTX_MULTIPART_ERROR_MALFORMED, _("No multipart boundary found"));
        return TRUE;
      }

      if (self->state == STATE_BODY) {
        if (!part_data (self, data, hit - data, error) || !part_end (self, error))
          return FALSE;
      }
      consume (self, (hit - data) + self->delim_len);
      self->state = STATE_AFTER_DELIM;
      break;
    }

    case STATE_AFTER_DELIM:
      if (len < 2)
        return TRUE;
      if (data[0] == '-' && data[1] == '-') {
        self->state = STATE_EPILOGUE;
        break;
      }
      {
        /* Transport padding (spaces, tabs) may follow a delimiter before its CRLF. */
        gsize i = 0;

        while (i < len && (data[i] == ' ' || data[i] == '\t'))
          i++;
        if (i + 2 > len) {
          if (len > 256)
            return fail (error, RTX_MULTIPART_ERROR_MALFORMED, _("Malformed multipart boundary"));
          return TRUE;
        }
        if (data[i] != '\r' || data[i + 1] != '\n')
          return fail (error, RTX_MULTIPART_ERROR_MALFORMED, _("Malformed multipart boundary"));
        consume (self, i + 2);
        self->state = STATE_HEADERS;
      }
      break;

    case STATE_HEADERS: {
      const guint8 *end;

      /* A part with no headers at all starts right with the blank line. */
      if (len >= 2 && data[0] == '\r' && data[1] == '\n')
        return fail (error, RTX_MULTIPART_ERROR_MALFORMED, _("A part has no headers"));
      end = memmem (data, len, "\r\n\r\n", 4);
      if (end == NULL) {
        if (len > self->limits.max_header_bytes)
          return fail (error, RTX_MULTIPART_ERROR_TOO_LARGE, _("A part's headers are too large"));
        return TRUE;
      }
      if ((gsize) (end - data) > self->limits.max_header_bytes)
        return fail (error, RTX_MULTIPART_ERROR_TOO_LARGE, _("A part's headers are too large"));
      if (!part_begin (self, (const char *) data, end - data, error))
        return FALSE;
      /* An empty body is the delimiter right away: "\r\n\r\n" then "\r\n--boundary". */
      consume (self, (end - data) + 4);
      self->state = STATE_BODY;
      break;
    }

    case STATE_EPILOGUE:
    default:
      /* Whatever follows the close delimiter is ignored, and not kept. */
      consume (self, len);
      return TRUE;
    }
  }
}

/**
 * rtx_multipart_feed:
 *
 * Parses the next bytes of the body. Once it fails, the parser must not be fed again.
 */
gboolean
rtx_multipart_feed (RtxMultipart  *self,
                    const char    *data,
                    gsize          length,
                    GError       **error)
{
  g_byte_array_append (self->buf, (const guint8 *) data, length);
  return process (self, FALSE, error);
}

/**
 * rtx_multipart_finish:
 *
 * Says the body ended. Fails unless the close delimiter was seen.
 */
gboolean
rtx_multipart_finish (RtxMultipart  *self,
                      GError       **error)
{
  if (!process (self, TRUE, error))
    return FALSE;
  if (self->state != STATE_EPILOGUE)
    return fail (error, RTX_MULTIPART_ERROR_MALFORMED, _("The multipart body is truncated"));
  return TRUE;
}

const char *
rtx_multipart_get_field (RtxMultipart *self,
                         const char   *name)
{
  return g_hash_table_lookup (self->fields, name);
}

gboolean
rtx_multipart_has_file (RtxMultipart *self)
{
  return self->have_file;
}

const char *
rtx_multipart_get_filename (RtxMultipart *self)
{
  return self->filename;
}

guint64
rtx_multipart_get_file_size (RtxMultipart *self)
{
  return self->file_size;
}
