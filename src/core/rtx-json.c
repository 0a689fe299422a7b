/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-json.h"

/* json-glib 1.6 (Debian 12) escapes the control characters below U+001F but writes U+001F
 * itself raw, which makes the text invalid JSON: JSON.parse() and every strict reader refuse
 * it, and a chat row holding one read back as nothing. A raw 0x1F byte can only stand inside
 * a string in generated JSON (it is not whitespace), so replacing each with its escape is
 * exact. */
#define UNIT_SEPARATOR '\x1f'

/**
 * rtx_json_fix_generated:
 * @text: (transfer full): JSON text made by json-glib
 * @length: (inout) (optional): its length, updated
 *
 * Returns: (transfer full): @text, or a corrected copy (and @text freed)
 */
char *
rtx_json_fix_generated (char  *text,
                        gsize *length)
{
  GString *fixed;
  gsize n;

  if (text == NULL)
    return NULL;
  n = length != NULL ? *length : strlen (text);
  if (memchr (text, UNIT_SEPARATOR, n) == NULL)
    return text;

  fixed = g_string_sized_new (n + 16);
  for (gsize i = 0; i < n; i++) {
    if (text[i] == UNIT_SEPARATOR)
      g_string_append (fixed, "\\u001f");
    else
      g_string_append_c (fixed, text[i]);
  }
  g_free (text);

  if (length != NULL)
    *length = fixed->len;
  return g_string_free (fixed, FALSE);
}

/**
 * rtx_json_to_string:
 *
 * json_to_string(), always valid JSON: use it instead, everywhere.
 *
 * Returns: (transfer full): the text
 */
char *
rtx_json_to_string (JsonNode *node,
                    gboolean  pretty)
{
  return rtx_json_fix_generated (json_to_string (node, pretty), NULL);
}

/**
 * rtx_json_node_deep_copy:
 * @node: a node
 *
 * json_node_copy() shares the objects, arrays and values under @node, and json-glib 1.6 counts
 * their references without atomic operations: a copy that another thread will own (and free)
 * must not share them with the main context. This one shares nothing.
 *
 * Returns: (transfer full): a mutable copy of @node and everything under it
 */
JsonNode *
rtx_json_node_deep_copy (JsonNode *node)
{
  JsonNode *copy;

  g_return_val_if_fail (node != NULL, NULL);

  switch (JSON_NODE_TYPE (node)) {
    case JSON_NODE_OBJECT: {
      JsonObject *object = json_object_new ();
      g_autoptr(GList) names = json_object_get_members (json_node_get_object (node));

      for (GList *l = names; l != NULL; l = l->next) {
        JsonNode *member = json_object_get_member (json_node_get_object (node), l->data);

        json_object_set_member (object, l->data, rtx_json_node_deep_copy (member));
      }
      copy = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (copy, object);
      return copy;
    }
    case JSON_NODE_ARRAY: {
      JsonArray *source = json_node_get_array (node);
      JsonArray *array = json_array_sized_new (json_array_get_length (source));

      for (guint i = 0; i < json_array_get_length (source); i++)
        json_array_add_element (array,
                                rtx_json_node_deep_copy (json_array_get_element (source, i)));
      copy = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (copy, array);
      return copy;
    }
    case JSON_NODE_VALUE:
      copy = json_node_new (JSON_NODE_VALUE);
      switch (json_node_get_value_type (node)) {
        case G_TYPE_INT64:
          json_node_set_int (copy, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          json_node_set_double (copy, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          json_node_set_boolean (copy, json_node_get_boolean (node));
          break;
        case G_TYPE_STRING:
          json_node_set_string (copy, json_node_get_string (node));
          break;
        default:
          g_assert_not_reached ();
      }
      return copy;
    case JSON_NODE_NULL:
    default:
      return json_node_new (JSON_NODE_NULL);
  }
}

/**
 * rtx_json_object_deep_copy:
 * @object: an object
 *
 * Returns: (transfer full): a mutable copy of @object that shares nothing with it, as
 *   rtx_json_node_deep_copy()
 */
JsonObject *
rtx_json_object_deep_copy (JsonObject *object)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) copy = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  node = json_node_init_object (json_node_alloc (), object);
  copy = rtx_json_node_deep_copy (node);
  return json_node_dup_object (copy);
}
