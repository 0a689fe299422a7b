/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-response-check.h"
#include "rtx-schema.h"

/* The test suite runs every server with RTX_CHECK_RESPONSES=1, and then every response is
 * held against openapi.json here: a status the operation does not document, a body that does
 * not match its schema, or a content type it does not declare is a g_critical(), fatal in
 * tests. So /api/docs cannot drift from what the server answers. */

/* Statuses the server itself answers before or around any handler (guards, routing,
 * credentials, validation); when an operation does not document one, its body must still be
 * its surface's error. */
static const guint server_statuses[] = { 400, 401, 403, 404, 405, 413, 415, 421, 500, 503 };

static const char *
surface_error_schema (RtxSurface surface)
{
  switch (surface) {
  case RTX_SURFACE_OPENAI:
    return "#/components/schemas/OpenAIError";
  case RTX_SURFACE_SDK:
    return "#/components/schemas/SdkError";
  case RTX_SURFACE_STANDARD:
  case RTX_SURFACE_PUBLIC:
  default:
    return "#/components/schemas/StandardError";
  }
}

static gboolean
is_server_status (guint status)
{
  for (guint i = 0; i < G_N_ELEMENTS (server_statuses); i++) {
    if (server_statuses[i] == status)
      return TRUE;
  }

  return FALSE;
}

static JsonObject *
documented_response (RtxRouter    *router,
                     RtxOperation *operation,
                     guint         status)
{
  JsonNode *node = json_object_get_member (rtx_operation_get_json (operation), "responses");
  JsonObject *responses = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                          ? json_node_get_object (node) : NULL;
  char code[8];
  char range[4];

  if (responses == NULL)
    return NULL;

  g_snprintf (code, sizeof code, "%u", status);
  g_snprintf (range, sizeof range, "%uXX", status / 100);
  node = json_object_get_member (responses, code);
  if (node == NULL)
    node = json_object_get_member (responses, range);
  if (node == NULL)
    node = json_object_get_member (responses, "default");

  return rtx_schema_resolve_object (router, node);
}

static char *
media_type (SoupServerMessage *msg)
{
  const char *type = soup_message_headers_get_content_type (
    soup_server_message_get_response_headers (msg), NULL);

  return type != NULL ? g_ascii_strdown (type, -1) : NULL;
}

static gboolean
check_json_body (RtxRouter          *router,
                 SoupServerMessage  *msg,
                 JsonNode           *schema,
                 GError            **error)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_size (bytes) > 0
                                               ? g_bytes_get_data (bytes, NULL) : "",
                                               error);

  if (node == NULL) {
    if (error != NULL && *error == NULL)
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "empty JSON body");
    return FALSE;
  }

  return rtx_schema_validate (router, schema, node, NULL, NULL, error);
}

/* Checks the body against the documented response's content. */
static gboolean
check_content (RtxRouter          *router,
               SoupServerMessage  *msg,
               JsonObject         *response,
               GError            **error)
{
  JsonNode *content_node = json_object_get_member (response, "content");
  JsonObject *content = content_node != NULL && JSON_NODE_HOLDS_OBJECT (content_node)
                        ? json_node_get_object (content_node) : NULL;
  g_autofree char *type = media_type (msg);
  JsonObject *media;
  JsonNode *schema;

  if (content == NULL) {
    if (soup_server_message_get_response_body (msg)->length > 0) {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "a body where openapi.json documents none");
      return FALSE;
    }
    return TRUE;
  }

  if (type == NULL || !json_object_has_member (content, type)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "Content-Type %s, which openapi.json does not document", type ? type : "(none)");
    return FALSE;
  }

  media = rtx_schema_resolve_object (router, json_object_get_member (content, type));
  schema = media != NULL ? json_object_get_member (media, "schema") : NULL;
  if (schema == NULL || !g_str_equal (type, "application/json"))
    return TRUE;

  return check_json_body (router, msg, schema, error);
}

static gboolean
check_response (RtxRouter          *router,
                SoupServerMessage  *msg,
                RtxOperation       *operation,
                gboolean            by_server,
                GError            **error)
{
  guint status = soup_server_message_get_status (msg);
  RtxSurface surface = operation != NULL ? rtx_operation_get_surface (operation)
                       : rtx_surface_for_path (g_uri_get_path (soup_server_message_get_uri (msg)));
  JsonObject *response = operation != NULL && !by_server
                         ? documented_response (router, operation, status) : NULL;
  g_autofree char *type = NULL;
  JsonNode *schema;

  if (response != NULL)
    return check_content (router, msg, response, error);

  if (!is_server_status (status)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "status %u, which openapi.json does not document", status);
    return FALSE;
  }

  type = media_type (msg);
  if (g_strcmp0 (type, "application/json") != 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "an error that is not JSON (%s)",
                 type ? type : "no Content-Type");
    return FALSE;
  }

  /* A test's own small document may have no error schemas: then any object with `error`. */
  schema = rtx_router_resolve_ref (router, surface_error_schema (surface), NULL);
  if (schema == NULL) {
    g_autoptr(JsonNode) any_error = json_from_string ("{\"type\":\"object\","
                                                      "\"required\":[\"error\"]}", NULL);

    return check_json_body (router, msg, any_error, error);
  }

  return check_json_body (router, msg, schema, error);
}

/**
 * rtx_response_check:
 * @router: the router that routed the request
 * @msg: a message whose response has been sent
 * @operation: (nullable): the operation it was routed to, %NULL when none
 * @by_server: whether the server answered (a guard, the router, credentials, validation)
 *   rather than the operation's handler
 *
 * Holds the response against openapi.json, and fails a g_critical() on any mismatch. What
 * the server answers itself is one of its own statuses with the surface's error body, whose
 * fields every error shape of the surface has (`success` and `error` on the standard surface,
 * even in AnythingLLM's chat abort envelope); what a handler answers is what the operation
 * documents.
 */
void
rtx_response_check (RtxRouter         *router,
                    SoupServerMessage *msg,
                    RtxOperation      *operation,
                    gboolean           by_server)
{
  g_autoptr(GError) error = NULL;

  /* HEAD has no body; streamed responses were not kept. */
  if (g_strcmp0 (soup_server_message_get_method (msg), "HEAD") == 0 ||
      !soup_message_body_get_accumulate (soup_server_message_get_response_body (msg)))
    return;

  if (!check_response (router, msg, operation, by_server, &error))
    g_critical ("%s %s answered %u, which does not match openapi.json: %s",
                soup_server_message_get_method (msg),
                g_uri_get_path (soup_server_message_get_uri (msg)),
                soup_server_message_get_status (msg), error->message);
}
