/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rtx-json-text.h"
#include "rtx-openai-chunk.h"

/*
 * A one-pass reader of the JSON events of an OpenAI-compatible stream. It validates the whole
 * event as JSON (RFC 8259, UTF-8) and keeps only the members the relay uses, without building
 * a tree: a relayed stream parses one event per token, and a JsonParser spends most of the
 * relay's time on nodes, hash tables and allocations that are thrown away at once.
 *
 * The content is not decoded: it is kept as the escaped text it came as, which the relay
 * copies into its own events and decodes once, at the end, for the stored reply. UTF-8 is
 * checked inside strings only, where bytes above 0x7f may be (anywhere else they are not
 * JSON), rather than in a second pass over the event.
 */

#define MAX_DEPTH 128

typedef enum {
  CTX_OTHER,     /* a value nobody reads: validated and skipped */
  CTX_ROOT,
  CTX_CHOICES,
  CTX_CHOICE,
  CTX_DELTA,
  CTX_USAGE,
  CTX_ERROR,
} Context;

typedef struct {
  const char     *p;
  const char     *end;
  guint           depth;
  GString        *key;
  RtxOpenaiChunk *chunk;
  gboolean        not_text;   /* the last string had an escape that is not text */
} Scanner;

/* Where a member's value goes: a context for containers, a string or a number to fill, or
 * (raw) the content's escaped text. */
typedef struct {
  Context   context;
  GString  *string;
  gint64   *number;
  gboolean  raw;
} Target;

static gboolean scan_value (Scanner *sc, Target target);

void
rtx_openai_chunk_init (RtxOpenaiChunk *chunk)
{
  memset (chunk, 0, sizeof *chunk);
  chunk->content_json = "";
  chunk->content_buf = g_string_new (NULL);
  chunk->finish_reason = g_string_new (NULL);
  chunk->model = g_string_new (NULL);
  chunk->error_message = g_string_new (NULL);
  chunk->key = g_string_new (NULL);
  chunk->prompt_tokens = -1;
  chunk->completion_tokens = -1;
}

void
rtx_openai_chunk_clear (RtxOpenaiChunk *chunk)
{
  if (chunk->content_buf != NULL)
    g_string_free (chunk->content_buf, TRUE);
  if (chunk->finish_reason != NULL)
    g_string_free (chunk->finish_reason, TRUE);
  if (chunk->model != NULL)
    g_string_free (chunk->model, TRUE);
  if (chunk->error_message != NULL)
    g_string_free (chunk->error_message, TRUE);
  if (chunk->key != NULL)
    g_string_free (chunk->key, TRUE);
  memset (chunk, 0, sizeof *chunk);
}

static void
chunk_reset (RtxOpenaiChunk *chunk)
{
  chunk->content_json = "";
  chunk->content_json_len = 0;
  g_string_truncate (chunk->finish_reason, 0);
  g_string_truncate (chunk->model, 0);
  g_string_truncate (chunk->error_message, 0);
  chunk->has_error = FALSE;
  chunk->has_choice = FALSE;
  chunk->prompt_tokens = -1;
  chunk->completion_tokens = -1;
}

static void
skip_space (Scanner *sc)
{
  while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\n' || *sc->p == '\r'))
    sc->p++;
}

/* One escape sequence, the backslash already read. */
static gboolean
scan_escape (Scanner *sc,
             GString *out)
{
  gunichar c;
  gboolean is_text;

  if (!rtx_json_text_read_escape (&sc->p, sc->end, &c, &is_text))
    return FALSE;
  if (!is_text)
    sc->not_text = TRUE;
  if (out != NULL)
    g_string_append_unichar (out, c);
  return TRUE;
}

/* A run of bytes above 0x7f inside a string: whole UTF-8 characters, or not JSON. */
static gboolean
scan_utf8 (Scanner *sc)
{
  const char *start = sc->p;

  while (sc->p < sc->end && (guchar) *sc->p >= 0x80)
    sc->p++;
  return g_utf8_validate_len (start, sc->p - start, NULL);
}

/* A string, the opening quote at sc->p; unescaped into @out when it is not %NULL. */
static gboolean
scan_string (Scanner *sc,
             GString *out)
{
  const char *run;

  sc->p++;
  run = sc->p;
  while (sc->p < sc->end) {
    guchar c = (guchar) *sc->p;

    if (c == '"') {
      if (out != NULL)
        g_string_append_len (out, run, sc->p - run);
      sc->p++;
      return TRUE;
    }
    if (c < 0x20)
      return FALSE;
    if (c >= 0x80) {
      if (!scan_utf8 (sc))
        return FALSE;
      continue;
    }
    if (c == '\\') {
      if (out != NULL)
        g_string_append_len (out, run, sc->p - run);
      sc->p++;
      if (!scan_escape (sc, out))
        return FALSE;
      run = sc->p;
      continue;
    }
    sc->p++;
  }
  return FALSE;
}

/* A member name, read in place unless it has escapes. */
static gboolean
scan_key (Scanner     *sc,
          const char **key,
          gsize       *length)
{
  const char *start = sc->p + 1, *q = start;

  while (q < sc->end && *q != '"' && *q != '\\' && (guchar) *q >= 0x20 && (guchar) *q < 0x80)
    q++;
  if (q < sc->end && *q == '"') {
    *key = start;
    *length = q - start;
    sc->p = q + 1;
    return TRUE;
  }

  g_string_truncate (sc->key, 0);
  if (!scan_string (sc, sc->key))
    return FALSE;
  *key = sc->key->str;
  *length = sc->key->len;
  return TRUE;
}

static gboolean
scan_digits (Scanner *sc)
{
  const char *start = sc->p;

  while (sc->p < sc->end && g_ascii_isdigit (*sc->p))
    sc->p++;
  return sc->p > start;
}

static gboolean
scan_number (Scanner *sc,
             gint64  *out)
{
  const char *start = sc->p;

  if (*sc->p == '-')
    sc->p++;
  if (sc->p < sc->end && *sc->p == '0')
    sc->p++;
  else if (!scan_digits (sc))
    return FALSE;
  if (sc->p < sc->end && *sc->p == '.') {
    sc->p++;
    if (!scan_digits (sc))
      return FALSE;
  }
  if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
    sc->p++;
    if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
      sc->p++;
    if (!scan_digits (sc))
      return FALSE;
  }

  if (out != NULL) {
    char buffer[G_ASCII_DTOSTR_BUF_SIZE];
    gsize length = sc->p - start;
    double value;

    if (length >= sizeof buffer)
      return TRUE;   /* no token count has that many digits */
    memcpy (buffer, start, length);
    buffer[length] = '\0';
    value = g_ascii_strtod (buffer, NULL);
    if (value >= 0 && value <= G_MAXINT32)
      *out = (gint64) value;
  }
  return TRUE;
}

static gboolean
scan_literal (Scanner    *sc,
              const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (sc->end - sc->p) < length || memcmp (sc->p, word, length) != 0)
    return FALSE;
  sc->p += length;
  return TRUE;
}

#define KEY_IS(literal) (length == sizeof (literal) - 1 && memcmp (key, literal, length) == 0)

/* What a member of an object in @context feeds. */
static Target
member_target (Scanner    *sc,
               Context     context,
               const char *key,
               gsize       length)
{
  RtxOpenaiChunk *chunk = sc->chunk;
  Target none = { CTX_OTHER, NULL, NULL, FALSE };

  switch (context) {
  case CTX_ROOT:
    if (KEY_IS ("choices"))
      return (Target) { CTX_CHOICES, NULL, NULL, FALSE };
    if (KEY_IS ("model"))
      return (Target) { CTX_OTHER, chunk->model, NULL, FALSE };
    if (KEY_IS ("usage"))
      return (Target) { CTX_USAGE, NULL, NULL, FALSE };
    if (KEY_IS ("error"))
      return (Target) { CTX_ERROR, NULL, NULL, FALSE };
    break;
  case CTX_CHOICE:
    if (KEY_IS ("delta"))
      return (Target) { CTX_DELTA, NULL, NULL, FALSE };
    if (KEY_IS ("finish_reason"))
      return (Target) { CTX_OTHER, chunk->finish_reason, NULL, FALSE };
    break;
  case CTX_DELTA:
    if (KEY_IS ("content"))
      return (Target) { CTX_OTHER, NULL, NULL, TRUE };
    break;
  case CTX_USAGE:
    if (KEY_IS ("prompt_tokens"))
      return (Target) { CTX_OTHER, NULL, &chunk->prompt_tokens, FALSE };
    if (KEY_IS ("completion_tokens"))
      return (Target) { CTX_OTHER, NULL, &chunk->completion_tokens, FALSE };
    break;
  case CTX_ERROR:
    if (KEY_IS ("message"))
      return (Target) { CTX_OTHER, chunk->error_message, NULL, FALSE };
    break;
  case CTX_OTHER:
  case CTX_CHOICES:
  default:
    break;
  }
  return none;
}

static gboolean
scan_object (Scanner *sc,
             Context  context)
{
  sc->p++;
  skip_space (sc);
  if (sc->p < sc->end && *sc->p == '}') {
    sc->p++;
    return TRUE;
  }

  while (sc->p < sc->end) {
    Target target = { CTX_OTHER, NULL, NULL, FALSE };

    if (*sc->p != '"')
      return FALSE;
    if (context != CTX_OTHER && context != CTX_CHOICES) {
      const char *key;
      gsize length;

      if (!scan_key (sc, &key, &length))
        return FALSE;
      target = member_target (sc, context, key, length);
    } else if (!scan_string (sc, NULL)) {
      return FALSE;
    }

    skip_space (sc);
    if (sc->p >= sc->end || *sc->p != ':')
      return FALSE;
    sc->p++;
    skip_space (sc);
    if (!scan_value (sc, target))
      return FALSE;

    skip_space (sc);
    if (sc->p < sc->end && *sc->p == '}') {
      sc->p++;
      return TRUE;
    }
    if (sc->p >= sc->end || *sc->p != ',')
      return FALSE;
    sc->p++;
    skip_space (sc);
  }
  return FALSE;
}

static gboolean
scan_array (Scanner *sc,
            Context  context)
{
  guint index = 0;

  sc->p++;
  skip_space (sc);
  if (sc->p < sc->end && *sc->p == ']') {
    sc->p++;
    return TRUE;
  }

  while (sc->p < sc->end) {
    Target target = { CTX_OTHER, NULL, NULL, FALSE };

    /* Only the first choice is read, and only when it is an object. */
    if (context == CTX_CHOICES && index == 0 && *sc->p == '{') {
      target.context = CTX_CHOICE;
      sc->chunk->has_choice = TRUE;
    }
    if (!scan_value (sc, target))
      return FALSE;
    index++;

    skip_space (sc);
    if (sc->p < sc->end && *sc->p == ']') {
      sc->p++;
      return TRUE;
    }
    if (sc->p >= sc->end || *sc->p != ',')
      return FALSE;
    sc->p++;
    skip_space (sc);
  }
  return FALSE;
}

/* The content: validated and kept as the escaped text it is. An escape that is valid JSON but
 * not text (a lone surrogate, U+0000) would make clients differ on what the text is; such a
 * content is written anew from its decoded text, which has U+FFFD there. */
static gboolean
scan_content (Scanner *sc)
{
  RtxOpenaiChunk *chunk = sc->chunk;
  const char *start = sc->p + 1;

  sc->not_text = FALSE;
  if (!scan_string (sc, NULL))
    return FALSE;
  chunk->content_json = start;
  chunk->content_json_len = sc->p - 1 - start;
  if (sc->not_text) {
    g_autoptr(GString) text = g_string_new (NULL);

    rtx_json_text_unescape (text, chunk->content_json, chunk->content_json_len);
    g_string_truncate (chunk->content_buf, 0);
    rtx_json_text_escape (chunk->content_buf, text->str, text->len);
    chunk->content_json = chunk->content_buf->str;
    chunk->content_json_len = chunk->content_buf->len;
  }
  return TRUE;
}

static gboolean
scan_value (Scanner *sc,
            Target   target)
{
  gboolean ok;

  if (sc->p >= sc->end)
    return FALSE;

  switch (*sc->p) {
  case '{':
    if (++sc->depth > MAX_DEPTH)
      return FALSE;
    if (target.context == CTX_ERROR)
      sc->chunk->has_error = TRUE;
    ok = scan_object (sc, target.context == CTX_CHOICES ? CTX_OTHER : target.context);
    sc->depth--;
    return ok;
  case '[':
    if (++sc->depth > MAX_DEPTH)
      return FALSE;
    ok = scan_array (sc, target.context == CTX_CHOICES ? CTX_CHOICES : CTX_OTHER);
    sc->depth--;
    return ok;
  case '"':
    if (target.context == CTX_ERROR)
      sc->chunk->has_error = TRUE;
    if (target.raw)
      return scan_content (sc);
    if (target.string != NULL)
      g_string_truncate (target.string, 0);
    return scan_string (sc, target.string);
  case 't':
    return scan_literal (sc, "true");
  case 'f':
    return scan_literal (sc, "false");
  case 'n':
    /* A null member is as good as an absent one (`"content": null`, `"error": null`). */
    if (target.string != NULL)
      g_string_truncate (target.string, 0);
    if (target.raw) {
      sc->chunk->content_json = "";
      sc->chunk->content_json_len = 0;
    }
    return scan_literal (sc, "null");
  default:
    if (*sc->p == '-' || g_ascii_isdigit (*sc->p)) {
      if (target.context == CTX_ERROR)
        sc->chunk->has_error = TRUE;
      return scan_number (sc, target.number);
    }
    return FALSE;
  }
}

/**
 * rtx_openai_chunk_parse:
 * @chunk: receives the event's members
 * @data: the event's data
 * @length: its length in bytes
 *
 * Returns: %TRUE if @data is one JSON object (and nothing else); %FALSE if it is not JSON,
 *   not valid UTF-8, nested deeper than 128 levels, or not an object
 */
gboolean
rtx_openai_chunk_parse (RtxOpenaiChunk *chunk,
                        const char     *data,
                        gsize           length)
{
  Scanner sc = { data, data + length, 0, chunk->key, chunk, FALSE };
  Target root = { CTX_ROOT, NULL, NULL, FALSE };

  chunk_reset (chunk);
  skip_space (&sc);
  if (sc.p >= sc.end || *sc.p != '{' || !scan_value (&sc, root))
    return FALSE;
  skip_space (&sc);
  return sc.p == sc.end;
}
