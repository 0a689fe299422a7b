/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-json-text.h"

/*
 * The text between the quotes of a JSON string, both ways. A relayed stream forwards the
 * upstream's escaped text as it came (it was validated on the way in) and decodes it once, at
 * the end, for the stored reply; these are the two conversions it needs, and the one escape
 * reader that the stream's parser and the decoder share.
 */

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

/* Four hex digits. */
static gboolean
read_hex4 (const char **p,
           const char  *end,
           gunichar    *out)
{
  gunichar value = 0;

  if (end - *p < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++) {
    gint digit = hex_digit ((*p)[i]);

    if (digit < 0)
      return FALSE;
    value = value << 4 | (gunichar) digit;
  }
  *p += 4;
  *out = value;
  return TRUE;
}

/**
 * rtx_json_text_read_escape:
 * @p: (inout): just after the backslash; moved past the escape
 * @end: the end of the text
 * @c: (out): the character (a surrogate pair is one; a lone surrogate becomes U+FFFD)
 * @is_text: (out): %FALSE when the escape was a lone surrogate or U+0000, which are valid JSON
 *   but not text (a C string ends at a NUL; UTF-8 has no surrogates)
 *
 * Returns: %FALSE if the escape is not valid JSON
 */
gboolean
rtx_json_text_read_escape (const char **p,
                           const char  *end,
                           gunichar    *c,
                           gboolean    *is_text)
{
  *is_text = TRUE;
  if (*p >= end)
    return FALSE;

  switch (*(*p)++) {
  case '"':  *c = '"'; return TRUE;
  case '\\': *c = '\\'; return TRUE;
  case '/':  *c = '/'; return TRUE;
  case 'b':  *c = '\b'; return TRUE;
  case 'f':  *c = '\f'; return TRUE;
  case 'n':  *c = '\n'; return TRUE;
  case 'r':  *c = '\r'; return TRUE;
  case 't':  *c = '\t'; return TRUE;
  case 'u':
    break;
  default:
    return FALSE;
  }

  if (!read_hex4 (p, end, c))
    return FALSE;
  if (*c >= 0xd800 && *c < 0xdc00 && end - *p >= 6 && (*p)[0] == '\\' && (*p)[1] == 'u') {
    const char *back = *p;
    gunichar low;

    *p += 2;
    if (!read_hex4 (p, end, &low))
      return FALSE;
    if (low >= 0xdc00 && low < 0xe000)
      *c = 0x10000 + ((*c - 0xd800) << 10) + (low - 0xdc00);
    else
      *p = back;   /* the next escape stands on its own */
  }
  if (*c >= 0xd800 && *c < 0xe000) {
    *c = 0xfffd;
    *is_text = FALSE;
  }
  if (*c == 0)
    *is_text = FALSE;
  return TRUE;
}

/**
 * rtx_json_text_escape:
 * @out: where to append
 * @text: valid UTF-8
 * @length: its length in bytes
 *
 * Appends @text as the inside of a JSON string (no quotes), escaping what JSON requires.
 */
void
rtx_json_text_escape (GString    *out,
                      const char *text,
                      gsize       length)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = text, *end = text + length;

  for (const char *p = text; p < end; p++) {
    guchar c = (guchar) *p;

    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    g_string_append_len (out, run, p - run);
    run = p + 1;
    switch (c) {
    case '"':  g_string_append_len (out, "\\\"", 2); break;
    case '\\': g_string_append_len (out, "\\\\", 2); break;
    case '\n': g_string_append_len (out, "\\n", 2); break;
    case '\r': g_string_append_len (out, "\\r", 2); break;
    case '\t': g_string_append_len (out, "\\t", 2); break;
    default:
      g_string_append_len (out, "\\u00", 4);
      g_string_append_c (out, hex[c >> 4]);
      g_string_append_c (out, hex[c & 0xf]);
    }
  }
  g_string_append_len (out, run, end - run);
}

/**
 * rtx_json_text_unescape:
 * @out: where to append
 * @json: the inside of a valid JSON string (as a stream's parser accepted it)
 * @length: its length in bytes
 *
 * Appends the text @json stands for. Lone surrogates and U+0000 become U+FFFD, so that the
 * text is UTF-8 and whole as a C string. An invalid escape (which a validated string does not
 * have) is kept as it is.
 */
void
rtx_json_text_unescape (GString    *out,
                        const char *json,
                        gsize       length)
{
  const char *p = json, *end = json + length;

  while (p < end) {
    const char *slash = memchr (p, '\\', end - p);
    const char *after;
    gunichar c;
    gboolean is_text;

    if (slash == NULL) {
      g_string_append_len (out, p, end - p);
      return;
    }
    g_string_append_len (out, p, slash - p);
    after = slash + 1;
    if (!rtx_json_text_read_escape (&after, end, &c, &is_text)) {
      g_string_append_len (out, slash, after - slash);
      p = after;
      continue;
    }
    g_string_append_unichar (out, c != 0 ? c : 0xfffd);
    p = after;
  }
}
