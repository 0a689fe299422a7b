/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rtx-openai-chunk.h"

/*
 * A one-pass reader of the JSON events of an OpenAI-compatible stream. It validates the whole
 * event as JSON (RFC 8259, UTF-8) and keeps only the members the relay uses, without building
 * a tree: a relayed stream parses one event per token, and a JsonParser spends most of the
 * relay's time on nodes, hash tables and allocations that are thrown away at once.
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
} Scanner;

/* Where a member's value goes: a context for containers, a string or a number to fill. */
typedef struct {
  Context  context;
  GString *string;
  gint64  *number;
} Target;

static gboolean scan_value (Scanner *sc, Target target);

void
rtx_openai_chunk_init (RtxOpenaiChunk *chunk)
{
  memset (chunk, 0, sizeof *chunk);
  chunk->content = g_string_new (NULL);
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
  if (chunk->content != NULL)
    g_string_free (chunk->content, TRUE);
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
  g_string_truncate (chunk->content, 0);
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

static gint
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Four hex digits after `\u`. */
static gboolean
scan_hex4 (Scanner  *sc,
           gunichar *out)
{
  gunichar value = 0;

  if (sc->end - sc->p < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++) {
    gint digit = hex_digit (sc->p[i]);

    if (digit < 0)
      return FALSE;
    value = value << 4 | (gunichar) digit;
  }
  sc->p += 4;
  *out = value;
  return TRUE;
}

/* One escape sequence, the backslash already read. */
static gboolean
scan_escape (Scanner *sc,
             GString *out)
{
  gunichar c;

  if (sc->p >= sc->end)
    return FALSE;
  switch (*sc->p++) {
  case '"':  c = '"'; break;
  case '\\': c = '\\'; break;
  case '/':  c = '/'; break;
  case 'b':  c = '\b'; break;
  case 'f':  c = '\f'; break;
  case 'n':  c = '\n'; break;
  case 'r':  c = '\r'; break;
  case 't':  c = '\t'; break;
  case 'u':
    if (!scan_hex4 (sc, &c))
      return FALSE;
    /* A surrogate pair is one character; a lone surrogate is not text. */
    if (c >= 0xd800 && c < 0xdc00 && sc->end - sc->p >= 6 && sc->p[0] == '\\' && sc->p[1] == 'u') {
      const char *back = sc->p;
      gunichar low;

      sc->p += 2;
      if (!scan_hex4 (sc, &low))
        return FALSE;
      if (low >= 0xdc00 && low < 0xe000)
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      else
        sc->p = back;
    }
    if (c >= 0xd800 && c < 0xe000)
      c = 0xfffd;
    break;
  default:
    return FALSE;
  }
  if (out != NULL)
    g_string_append_unichar (out, c);
  return TRUE;
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

  while (q < sc->end && *q != '"' && *q != '\\' && (guchar) *q >= 0x20)
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
  Target none = { CTX_OTHER, NULL, NULL };

  switch (context) {
  case CTX_ROOT:
    if (KEY_IS ("choices"))
      return (Target) { CTX_CHOICES, NULL, NULL };
    if (KEY_IS ("model"))
      return (Target) { CTX_OTHER, chunk->model, NULL };
    if (KEY_IS ("usage"))
      return (Target) { CTX_USAGE, NULL, NULL };
    if (KEY_IS ("error"))
      return (Target) { CTX_ERROR, NULL, NULL };
    break;
  case CTX_CHOICE:
    if (KEY_IS ("delta"))
      return (Target) { CTX_DELTA, NULL, NULL };
    if (KEY_IS ("finish_reason"))
      return (Target) { CTX_OTHER, chunk->finish_reason, NULL };
    break;
  case CTX_DELTA:
    if (KEY_IS ("content"))
      return (Target) { CTX_OTHER, chunk->content, NULL };
    break;
  case CTX_USAGE:
    if (KEY_IS ("prompt_tokens"))
      return (Target) { CTX_OTHER, NULL, &chunk->prompt_tokens };
    if (KEY_IS ("completion_tokens"))
      return (Target) { CTX_OTHER, NULL, &chunk->completion_tokens };
    break;
  case CTX_ERROR:
    if (KEY_IS ("message"))
      return (Target) { CTX_OTHER, chunk->error_message, NULL };
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
    Target target = { CTX_OTHER, NULL, NULL };

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
    Target target = { CTX_OTHER, NULL, NULL };

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
  Scanner sc = { data, data + length, 0, chunk->key, chunk };
  Target root = { CTX_ROOT, NULL, NULL };

  chunk_reset (chunk);
  if (!g_utf8_validate_len (data, length, NULL))
    return FALSE;

  skip_space (&sc);
  if (sc.p >= sc.end || *sc.p != '{' || !scan_value (&sc, root))
    return FALSE;
  skip_space (&sc);
  return sc.p == sc.end;
}
