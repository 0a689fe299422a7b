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

/* A deep copy is equal to its source and shares none of its objects or arrays with it (a worker
 * may own it while the main context holds the source). */
static void
assert_shares_nothing (JsonNode *a,
                       JsonNode *b)
{
  g_assert_true (a != b);
  g_assert_cmpint (JSON_NODE_TYPE (a), ==, JSON_NODE_TYPE (b));
  if (JSON_NODE_HOLDS_OBJECT (a)) {
    JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
    g_autoptr(GList) names = json_object_get_members (oa);

    g_assert_true (oa != ob);
    g_assert_cmpuint (json_object_get_size (oa), ==, json_object_get_size (ob));
    for (GList *l = names; l != NULL; l = l->next)
      assert_shares_nothing (json_object_get_member (oa, l->data), json_object_get_member (ob, l->data));
  } else if (JSON_NODE_HOLDS_ARRAY (a)) {
    JsonArray *aa = json_node_get_array (a), *ab = json_node_get_array (b);

    g_assert_true (aa != ab);
    g_assert_cmpuint (json_array_get_length (aa), ==, json_array_get_length (ab));
    for (guint i = 0; i < json_array_get_length (aa); i++)
      assert_shares_nothing (json_array_get_element (aa, i), json_array_get_element (ab, i));
  }
}

static void
test_deep_copy (void)
{
  const char *text = "{\"s\":\"x\",\"i\":-7,\"d\":0.5,\"b\":true,\"n\":null,"
                     "\"o\":{\"a\":[1,{\"k\":[]},\"z\"]},\"e\":{}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *copied = NULL;

  g_assert_no_error (error);
  json_node_seal (node);
  copy = rtx_json_node_deep_copy (node);
  assert_shares_nothing (node, copy);
  copied = rtx_json_to_string (copy, FALSE);
  g_assert_cmpstr (copied, ==, text);

  /* The object form too, and the copy can be changed without touching the source. */
  object = rtx_json_object_deep_copy (json_node_get_object (node));
  json_object_remove_member (object, "s");
  g_assert_true (json_object_has_member (json_node_get_object (node), "s"));
  g_assert_false (json_object_has_member (object, "s"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rtx/json/control-characters", test_control_characters);
  g_test_add_func ("/rtx/json/fix-keeps-length", test_fix_keeps_length);

  g_test_add_func ("/rtx/json/deep-copy", test_deep_copy);

  return g_test_run ();
}
