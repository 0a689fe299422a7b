/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rtx-error.h"
#include "rtx-json-scan.h"

/* A pass over a request body before json-glib parses it, for what json-glib 1.6 gets wrong
 * (security-reliability.md §0.5): it crashes on deep nesting, "succeeds" on an empty body,
 * truncates strings at \u0000, turns 1e999999 into inf, a 30-digit integer into -1, and keeps
 * the last of duplicate keys. Each of these is refused here with a message that says what is
 * wrong. The scan does not check the grammar; the parser does that next. */

/* Integers beyond 2^53 lose precision in every JavaScript client and in doubles. */
#define MAX_SAFE_INTEGER G_GUINT64_CONSTANT (9007199254740992)

typedef struct {
  const char *p;
  const char *end;
  guint       depth;
  GPtrArray  *levels;   /* per open container: a GHashTable of keys (object) or NULL (array) */
  gboolean    expect_key;
} Scanner;

static gboolean
fail (GError    **error,
      const char *message)
{
  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

static int
hex_value (char c)
{
  return g_ascii_xdigit_value (c);
}

static gboolean
read_u_escape (Scanner  *s,
               gunichar *out)
{
  gunichar value = 0;

  if (s->end - s->p < 4)
    return FALSE;

  for (int i = 0; i < 4; i++) {
    int v = hex_value (s->p[i]);

    if (v < 0)
      return FALSE;
    value = value * 16 + v;
  }

  s->p += 4;
  *out = value;
  return TRUE;
}

/* Reads a \uXXXX escape (the backslash and u already consumed), pairing surrogates. */
static gboolean
scan_unicode_escape (Scanner  *s,
                     GString  *text,
                     GError  **error)
{
  gunichar c, low;

  if (!read_u_escape (s, &c))
    return fail (error, "Invalid JSON: malformed \\u escape");
  if (c == 0)
    return fail (error, "Invalid JSON: strings may not contain \\u0000");

  if (c >= 0xdc00 && c <= 0xdfff)
    return fail (error, "Invalid JSON: unpaired UTF-16 surrogate in a \\u escape");

  if (c >= 0xd800 && c <= 0xdbff) {
    if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
      return fail (error, "Invalid JSON: unpaired UTF-16 surrogate in a \\u escape");
    s->p += 2;
    if (!read_u_escape (s, &low) || low < 0xdc00 || low > 0xdfff)
      return fail (error, "Invalid JSON: unpaired UTF-16 surrogate in a \\u escape");
    c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
  }

  if (text != NULL)
    g_string_append_unichar (text, c);
  return TRUE;
}

/* Scans a string from its opening quote; decodes it into @text when @text is not NULL. */
static gboolean
scan_string (Scanner  *s,
             GString  *text,
             GError  **error)
{
  s->p++;

  while (s->p < s->end) {
    char c = *s->p++;

    if (c == '"')
      return TRUE;
    if ((guchar) c < 0x20)
      return fail (error, "Invalid JSON: control character in a string");
    if (c != '\\') {
      if (text != NULL)
        g_string_append_c (text, c);
      continue;
    }

    if (s->p >= s->end)
      break;
    c = *s->p++;
    if (c == 'u') {
      if (!scan_unicode_escape (s, text, error))
        return FALSE;
    } else if (text != NULL) {
      g_string_append_c (text, c);
    }
  }

  return fail (error, "Invalid JSON: unterminated string");
}

static gboolean
scan_number (Scanner  *s,
             GError  **error)
{
  const char *start = s->p;
  gboolean is_integer = TRUE;
  g_autofree char *token = NULL;
  const char *digits;

  while (s->p < s->end && (g_ascii_isdigit (*s->p) || strchr ("+-.eE", *s->p) != NULL)) {
    if (strchr (".eE", *s->p) != NULL)
      is_integer = FALSE;
    s->p++;
  }

  token = g_strndup (start, s->p - start);
  if (!is_integer) {
    double value = g_ascii_strtod (token, NULL);

    if (!isfinite (value))
      return fail (error, "Invalid JSON: number out of range (not finite)");
    return TRUE;
  }

  digits = token[0] == '-' ? token + 1 : token;
  while (digits[0] == '0' && digits[1] != '\0')
    digits++;
  if (strlen (digits) >= 16 &&
      (strlen (digits) > 19 || g_ascii_strtoull (digits, NULL, 10) > MAX_SAFE_INTEGER))
    return fail (error, "Invalid JSON: integer beyond ±2^53 (send it as a string)");

  return TRUE;
}

static gboolean
scan_word (Scanner  *s,
           GError  **error)
{
  const char *start = s->p;

  while (s->p < s->end && (g_ascii_isalpha (*s->p)))
    s->p++;

  if ((s->p - start == 3 && strncmp (start, "NaN", 3) == 0) ||
      (s->p - start == 8 && strncmp (start, "Infinity", 8) == 0))
    return fail (error, "Invalid JSON: NaN and Infinity are not numbers in JSON");

  return TRUE;
}

static GHashTable *
current_object (Scanner *s)
{
  return s->levels->len > 0 ? g_ptr_array_index (s->levels, s->levels->len - 1) : NULL;
}

static gboolean
scan_key_or_string (Scanner  *s,
                    GError  **error)
{
  GHashTable *keys = current_object (s);
  g_autoptr(GString) key = NULL;

  if (keys == NULL || !s->expect_key)
    return scan_string (s, NULL, error);

  key = g_string_new (NULL);
  if (!scan_string (s, key, error))
    return FALSE;

  s->expect_key = FALSE;
  if (g_hash_table_contains (keys, key->str)) {
    g_autofree char *shown = g_utf8_make_valid (key->str, MIN (key->len, 64));

    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "Invalid JSON: duplicate key “%s”", shown);
    return FALSE;
  }

  g_hash_table_add (keys, g_string_free (g_steal_pointer (&key), FALSE));
  return TRUE;
}

static gboolean
open_container (Scanner  *s,
                gboolean  is_object,
                GError  **error)
{
  if (++s->depth > RTX_JSON_MAX_DEPTH) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "Invalid JSON: nested more than %u levels deep", RTX_JSON_MAX_DEPTH);
    return FALSE;
  }

  g_ptr_array_add (s->levels,
                   is_object ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL)
                             : NULL);
  s->expect_key = is_object;
  s->p++;
  return TRUE;
}

static void
close_container (Scanner *s)
{
  if (s->levels->len > 0) {
    g_ptr_array_set_size (s->levels, s->levels->len - 1);
    s->depth--;
  }
  s->expect_key = FALSE;
  s->p++;
}

static gboolean
scan_comma (Scanner  *s,
            GError  **error)
{
  const char *next = s->p + 1;

  while (next < s->end && g_ascii_isspace (*next))
    next++;
  if (next < s->end && (*next == ']' || *next == '}'))
    return fail (error, "Invalid JSON: trailing comma");

  s->expect_key = current_object (s) != NULL;
  s->p++;
  return TRUE;
}

static gboolean
scan_token (Scanner  *s,
            GError  **error)
{
  char c = *s->p;

  switch (c) {
  case '{':
  case '[':
    return open_container (s, c == '{', error);
  case '}':
  case ']':
    close_container (s);
    return TRUE;
  case ',':
    return scan_comma (s, error);
  case '"':
    return scan_key_or_string (s, error);
  case '/':
    return fail (error, "Invalid JSON: comments are not allowed");
  case '\'':
    return fail (error, "Invalid JSON: strings take double quotes");
  default:
    if (c == '-' || g_ascii_isdigit (c))
      return scan_number (s, error);
    if (g_ascii_isalpha (c))
      return scan_word (s, error);
    s->p++;
    return TRUE;
  }
}

static void
free_level (gpointer level)
{
  if (level != NULL)
    g_hash_table_unref (level);
}

/**
 * rtx_json_scan:
 * @data: a request body
 * @length: its length
 * @error: return location for an error
 *
 * Refuses, with %RTX_ERROR_INVALID_ARGUMENT and a message for the client, a body that is
 * empty or whitespace, not UTF-8, nested deeper than %RTX_JSON_MAX_DEPTH, or that holds
 * `\u0000`, an unpaired surrogate, a non-finite number, an integer beyond ±2^53, a duplicate
 * key, a comment or a trailing comma.
 *
 * Returns: %TRUE when json-glib may parse @data
 */
gboolean
rtx_json_scan (const char  *data,
               gsize        length,
               GError     **error)
{
  g_autoptr(GPtrArray) levels = g_ptr_array_new_with_free_func (free_level);
  Scanner s = { data, data + length, 0, levels, FALSE };
  gboolean blank = TRUE;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (!g_utf8_validate_len (data, length, NULL))
    return fail (error, "Invalid JSON: the body is not valid UTF-8");

  while (s.p < s.end) {
    if (g_ascii_isspace (*s.p)) {
      s.p++;
      continue;
    }
    blank = FALSE;
    if (!scan_token (&s, error))
      return FALSE;
  }

  if (blank)
    return fail (error, "The request body is empty; this route needs a JSON body");

  return TRUE;
}

/**
 * rtx_json_parse_body:
 * @data: a request body
 * @length: its length
 * @error: return location for an error
 *
 * Scans (rtx_json_scan()) and parses a JSON request body.
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
rtx_json_parse_body (const char  *data,
                     gsize        length,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;

  if (!rtx_json_scan (data, length, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &parse_error)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "Invalid JSON: %s",
                 parse_error->message);
    return NULL;
  }

  root = json_parser_steal_root (parser);
  if (root == NULL) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "The request body is empty; this route needs a JSON body");
    return NULL;
  }

  return root;
}
