/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-json-text.h"

static char *
escape (const char *text,
        gsize       length)
{
  GString *out = g_string_new (NULL);

  rtx_json_text_escape (out, text, length);
  return g_string_free (out, FALSE);
}

static char *
unescape (const char *json)
{
  GString *out = g_string_new (NULL);

  rtx_json_text_unescape (out, json, strlen (json));
  return g_string_free (out, FALSE);
}

/* What JSON requires is escaped (quotes, backslashes, control characters); everything else,
 * UTF-8 included, is kept as it is. */
static void
test_escape (void)
{
  static const char text[] = "say \"hi\"\\ / \n\r\t\x01\x1f\x7f caf\xc3\xa9 \xf0\x9f\x98\x80";
  g_autofree char *json = escape (text, sizeof text - 1);
  g_autofree char *nul = escape ("a\0b", 3);

  g_assert_cmpstr (json, ==, "say \\\"hi\\\"\\\\ / \\n\\r\\t\\u0001\\u001f\x7f caf\xc3\xa9 \xf0\x9f\x98\x80");
  g_assert_cmpstr (nul, ==, "a\\u0000b");
}

/* Every escape JSON has decodes; a surrogate pair is one character. */
static void
test_unescape (void)
{
  g_autofree char *text = unescape ("\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\\ud83d\\ude00\\uD83D\\uDE00 raw \xc3\xa9");
  g_autofree char *plain = unescape ("no escapes at all");

  g_assert_cmpstr (text, ==, "\"\\/\b\f\n\r\t" "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf0\x9f\x98\x80 raw \xc3\xa9");
  g_assert_cmpstr (plain, ==, "no escapes at all");
}

/* Valid JSON that is not text: lone surrogates (high, low, a high before a non-surrogate
 * escape) and U+0000 decode to U+FFFD, so the text is UTF-8 and whole as a C string. */
static void
test_not_text (void)
{
  g_autofree char *high = unescape ("a\\ud800b");
  g_autofree char *low = unescape ("\\udc00");
  g_autofree char *pair_broken = unescape ("\\ud800\\u0041");
  g_autofree char *end = unescape ("x\\ud83d");
  g_autofree char *nul = unescape ("a\\u0000b");
  const char *p;
  gunichar c;
  gboolean is_text;

  g_assert_cmpstr (high, ==, "a\xef\xbf\xbd" "b");
  g_assert_cmpstr (low, ==, "\xef\xbf\xbd");
  g_assert_cmpstr (pair_broken, ==, "\xef\xbf\xbd" "A");
  g_assert_cmpstr (end, ==, "x\xef\xbf\xbd");
  g_assert_cmpstr (nul, ==, "a\xef\xbf\xbd" "b");

  p = "ud83d\\ude00";
  g_assert_true (rtx_json_text_read_escape (&p, p + strlen (p), &c, &is_text));
  g_assert_cmpuint (c, ==, 0x1f600);
  g_assert_true (is_text);
  g_assert_cmpstr (p, ==, "");
  p = "u0000";
  g_assert_true (rtx_json_text_read_escape (&p, p + strlen (p), &c, &is_text));
  g_assert_false (is_text);
  p = "ud800";
  g_assert_true (rtx_json_text_read_escape (&p, p + strlen (p), &c, &is_text));
  g_assert_cmpuint (c, ==, 0xfffd);
  g_assert_false (is_text);
}

/* What is not an escape is refused. */
static void
test_invalid_escapes (void)
{
  static const char * const invalid[] = { "", "x", "u", "u12", "u12g4", "U0041", "'", "ud800\\u12g4" };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++) {
    const char *p = invalid[i];
    gunichar c;
    gboolean is_text;

    g_test_message ("\\%s", invalid[i]);
    g_assert_false (rtx_json_text_read_escape (&p, p + strlen (p), &c, &is_text));
  }
}

/* Escaping then decoding gives back any text: every ASCII character and some of each UTF-8
 * length. */
static void
test_round_trip (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *json = NULL;
  g_autofree char *back = NULL;

  for (guint c = 1; c < 0x80; c++)
    g_string_append_c (text, (char) c);
  g_string_append (text, "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");

  json = escape (text->str, text->len);
  g_assert_null (strpbrk (json, "\n\r\t\x01\x1f"));
  back = unescape (json);
  g_assert_cmpstr (back, ==, text->str);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-text/escape", test_escape);
  g_test_add_func ("/json-text/unescape", test_unescape);
  g_test_add_func ("/json-text/not-text", test_not_text);
  g_test_add_func ("/json-text/invalid-escapes", test_invalid_escapes);
  g_test_add_func ("/json-text/round-trip", test_round_trip);

  return g_test_run ();
}
