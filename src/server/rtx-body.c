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
JsonObject *
rtx_body_parse_object (RtxRequest  *req,
                       gboolean     required,
                       GError     **error)
{
  SoupServerMessage *msg = rtx_request_get_message (req);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  const char *data;
  gsize length = 0;
  JsonNode *root;

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
      !depth_ok (data, length)) {
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
