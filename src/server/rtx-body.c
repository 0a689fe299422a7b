/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-body.h"
#include "rtx-error.h"

/* Bodies deeper than this are refused before json-glib recurses into them. */
#define MAX_DEPTH 64

/* Nesting depth of a JSON text, counted outside strings, so that a hostile body cannot make
 * the parser recurse without bound. */
static gboolean
depth_ok (const char *data,
          gsize       length)
{
  gboolean in_string = FALSE;
  int depth = 0;

  for (gsize i = 0; i < length; i++) {
    char c = data[i];

    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = FALSE;
    } else if (c == '"') {
      in_string = TRUE;
    } else if (c == '{' || c == '[') {
      if (++depth > MAX_DEPTH)
        return FALSE;
    } else if (c == '}' || c == ']') {
      depth--;
    }
  }

  return TRUE;
}

/**
 * rtx_body_parse_object:
 * @req: a request
 * @required: whether an empty body is an error; when not, an empty body gives an empty object
 * @error: an %RTX_ERROR_INVALID_ARGUMENT saying what is wrong with the body
 *
 * The one place handlers read a JSON body: it must be valid UTF-8 JSON whose top level is an
 * object, of bounded depth. (The server's schema validation, once in, checks the rest before
 * the handler runs; handlers still read members through typed getters.)
 *
 * Returns: (transfer full): the object, or %NULL
 */
/* "\u0000" inside a string: json-glib keeps it, but every C string read from the node ends
 * there, so a value would be silently cut short ("../x\u0000.txt" read as "../x"). An escape
 * counts only after an odd number of backslashes. */
static gboolean
has_nul_escape (const char *data,
                gsize       length)
{
  for (gsize i = 0; i + 6 <= length; i++) {
    gsize slashes = 0;

    if (data[i] != '\\' || g_ascii_strncasecmp (data + i + 1, "u0000", 5) != 0)
      continue;
    while (slashes < i && data[i - 1 - slashes] == '\\')
      slashes++;
    if (slashes % 2 == 0)
      return TRUE;
  }

  return FALSE;
}

JsonObject *
rtx_body_parse_object (RtxRequest  *req,
                       gboolean     required,
                       GError     **error)
{
  SoupServerMessage *msg = rtx_request_get_message (req);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  JsonNode *checked = rtx_request_get_body (req);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  const char *data;
  gsize length = 0;
  JsonNode *root;

  /* The server has parsed the body and checked it against the operation's schema before the
   * handler ran (rtx-json-scan refuses what json-glib gets wrong): parsing it again would
   * double the cost of a large body, such as a vector upsert of several megabytes. */
  if (checked != NULL && JSON_NODE_HOLDS_OBJECT (checked))
    return json_object_ref (json_node_get_object (checked));

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);

  if (length == 0 || data == NULL) {
    if (required) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "The request needs a JSON object body");
      return NULL;
    }
    return json_object_new ();
  }

  if (!g_utf8_validate (data, length, NULL) || memchr (data, '\0', length) != NULL ||
      !depth_ok (data, length) || has_nul_escape (data, length)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "The request body is not valid JSON");
    return NULL;
  }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &parse_error)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "The request body is not valid JSON: %s", parse_error->message);
    return NULL;
  }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "The request body must be a JSON object");
    return NULL;
  }

  return json_object_ref (json_node_get_object (root));
}

/* Returns: (nullable): the member when it is a string, else %NULL */
const char *
rtx_body_get_string (JsonObject *object,
                     const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gboolean
rtx_body_get_boolean (JsonObject *object,
                      const char *member,
                      gboolean    fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;

  return json_node_get_boolean (node);
}

/**
 * rtx_body_check_members:
 * @allowed: a %NULL-terminated list of the members the operation reads
 *
 * Refuses members nobody reads, so that a field such as `id` or `role` sent where it is not
 * expected cannot be mistaken for accepted (mass assignment, CVE-2024-0404).
 */
gboolean
rtx_body_check_members (JsonObject          *body,
                        const char * const  *allowed,
                        GError             **error)
{
  g_autoptr(GList) members = json_object_get_members (body);

  for (GList *l = members; l != NULL; l = l->next) {
    if (!g_strv_contains (allowed, l->data)) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "Unknown field “%s”.", (const char *) l->data);
      return FALSE;
    }
  }

  return TRUE;
}

/* A string member: absent leaves @out_value %NULL; anything but a string is refused. */
gboolean
rtx_body_read_string (JsonObject   *body,
                     const char   *name,
                     const char  **out_value,
                     GError      **error)
{
  JsonNode *node = json_object_get_member (body, name);

  *out_value = NULL;
  if (node == NULL)
    return TRUE;

  if (json_node_get_value_type (node) != G_TYPE_STRING) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "“%s” must be a string.", name);
    return FALSE;
  }

  *out_value = json_node_get_string (node);
  return TRUE;
}

/* A boolean member; with @accept_0_1 also the integers 0 and 1 (AnythingLLM stores
 * `suspended` as 0/1). */
gboolean
rtx_body_read_boolean (JsonObject  *body,
                      const char  *name,
                      gboolean     accept_0_1,
                      gboolean    *out_present,
                      gboolean    *out_value,
                      GError     **error)
{
  JsonNode *node = json_object_get_member (body, name);
  GType type = node != NULL ? json_node_get_value_type (node) : G_TYPE_INVALID;

  *out_present = node != NULL;
  *out_value = FALSE;
  if (node == NULL)
    return TRUE;

  if (type == G_TYPE_BOOLEAN) {
    *out_value = json_node_get_boolean (node);
    return TRUE;
  }

  if (accept_0_1 && type == G_TYPE_INT64 &&
      (json_node_get_int (node) == 0 || json_node_get_int (node) == 1)) {
    *out_value = json_node_get_int (node) == 1;
    return TRUE;
  }

  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "“%s” must be true or false.", name);
  return FALSE;
}

/* A positive integer, or null for "none" (@out_value 0). */
gboolean
rtx_body_read_count (JsonObject  *body,
                    const char  *name,
                    gboolean    *out_present,
                    gint64      *out_value,
                    GError     **error)
{
  JsonNode *node = json_object_get_member (body, name);

  *out_present = node != NULL;
  *out_value = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (json_node_get_value_type (node) == G_TYPE_INT64 && json_node_get_int (node) >= 1 &&
      json_node_get_int (node) <= G_MAXINT32) {
    *out_value = json_node_get_int (node);
    return TRUE;
  }

  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
               "“%s” must be a whole number from 1 to %d, or null.", name, G_MAXINT32);
  return FALSE;
}

/* A numeric id from a path: digits only, 1 or more, no sign, no leading zero, fits. */
gboolean
rtx_parse_id (const char *text,
              gint64     *out_id)
{
  guint64 value;

  if (text == NULL || text[0] < '1' || text[0] > '9' ||
      !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;

  *out_id = (gint64) value;
  return TRUE;
}
