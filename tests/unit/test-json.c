/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-json.h"

/* Every control character a string may hold leaves escaped (a strict reader such as
 * JSON.parse() refuses a raw one) and reads back as itself. json-glib 1.6 alone writes U+001F
 * raw. */
static void
test_control_characters (void)
{
  for (int c = 0x01; c < 0x20; c++) {
    char value[] = { 'a', (char) c, 'b', '\0' };
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
    g_autoptr(JsonNode) back = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    json_node_set_string (node, value);
    text = rtx_json_to_string (node, FALSE);
    for (const char *p = text; *p != '\0'; p++)
      g_assert_cmpint ((guchar) *p, >=, 0x20);

    back = json_from_string (text, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_node_get_string (back), ==, value);
  }
}

static void
test_fix_keeps_length (void)
{
  char *raw = g_strdup ("{\"k\":\"x\x1fy\x1f\"}");
  gsize length = strlen (raw);
  g_autofree char *fixed = rtx_json_fix_generated (raw, &length);

  g_assert_cmpstr (fixed, ==, "{\"k\":\"x\\u001fy\\u001f\"}");
  g_assert_cmpuint (length, ==, strlen (fixed));

  /* Text without one is returned as it is. */
  {
    char *clean = g_strdup ("{\"k\":1}");
    g_autofree char *same = rtx_json_fix_generated (clean, NULL);

    g_assert_true (same == clean);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rtx/json/control-characters", test_control_characters);
  g_test_add_func ("/rtx/json/fix-keeps-length", test_fix_keeps_length);

  return g_test_run ();
}
