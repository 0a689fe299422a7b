/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "rtx-error.h"
#include "rtx-json.h"
#include "rtx-reply.h"

/* Per status, the words each surface's clients read: OpenAI's `type` and `code`, and the
 * SDK's `code` (local-app-protocol.md §2.8). A status missing here gets the generic entry. */
static const struct {
  guint       status;
  const char *openai_type;
  const char *openai_code;
  const char *sdk_code;
} status_words[] = {
  { 400, "invalid_request_error", "invalid_request", "VALIDATION_ERROR" },
  { 401, "invalid_request_error", "invalid_api_key", "MISSING_APP_ID" },
  { 403, "invalid_request_error", "permission_denied", "PERMISSION_DENIED" },
  { 404, "invalid_request_error", "not_found", "NOT_FOUND" },
  { 405, "invalid_request_error", "method_not_allowed", "METHOD_NOT_ALLOWED" },
  { 409, "invalid_request_error", "conflict", "CONFLICT" },
  { 413, "invalid_request_error", "request_too_large", "PAYLOAD_TOO_LARGE" },
  { 415, "invalid_request_error", "unsupported_media_type", "UNSUPPORTED_MEDIA_TYPE" },
  { 421, "invalid_request_error", "misdirected_request", "MISDIRECTED_REQUEST" },
  { 429, "rate_limit_error", "rate_limit_exceeded", "RATE_LIMIT" },
  { 502, "server_error", "upstream_error", "UPSTREAM_ERROR" },
  { 503, "server_error", "service_unavailable", "SERVICE_UNAVAILABLE" },
  { 504, "server_error", "upstream_timeout", "UPSTREAM_TIMEOUT" },
};

static void
status_words_lookup (guint        status,
                     const char **openai_type,
                     const char **openai_code,
                     const char **sdk_code)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_words); i++) {
    if (status_words[i].status == status) {
      *openai_type = status_words[i].openai_type;
      *openai_code = status_words[i].openai_code;
      *sdk_code = status_words[i].sdk_code;
      return;
    }
  }

  *openai_type = status >= 500 ? "server_error" : "invalid_request_error";
  *openai_code = status >= 500 ? "internal_error" : NULL;
  *sdk_code = status >= 500 ? "INTERNAL_ERROR" : "REQUEST_FAILED";
}

/**
 * rtx_reply_sanitize_header_value:
 * @value: a header value that a client or a user may have influenced
 *
 * libsoup 3.2 fails a g_return_if_fail() (fatal in tests) on CR or LF in a header value, and a
 * value that contained them could split the response; so such characters, and every other
 * control character, are dropped.
 *
 * Returns: (transfer full): the value without control characters
 */
char *
rtx_reply_sanitize_header_value (const char *value)
{
  GString *clean;

  g_return_val_if_fail (value != NULL, NULL);

  clean = g_string_sized_new (strlen (value));
  for (const char *p = value; *p; p++) {
    if ((guchar) *p >= 0x20 && *p != 0x7f)
      g_string_append_c (clean, *p);
  }

  return g_string_free (clean, FALSE);
}

/**
 * rtx_reply_set_header:
 * @msg: a server message
 * @name: a header name (a constant of ours, never user input)
 * @value: its value, sanitised here
 *
 * Sets a response header whose value may carry user input.
 */
void
rtx_reply_set_header (SoupServerMessage *msg,
                      const char        *name,
                      const char        *value)
{
  g_autofree char *clean = NULL;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  clean = rtx_reply_sanitize_header_value (value);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), name, clean);
}

/* One generator per thread, kept: json_to_string() would make and finalize one per reply. */
static GPrivate generator_key = G_PRIVATE_INIT (g_object_unref);

static char *
serialize (JsonNode *node,
           gsize    *length)
{
  JsonGenerator *generator = g_private_get (&generator_key);
  char *text;

  if (generator == NULL) {
    generator = json_generator_new ();
    g_private_set (&generator_key, generator);
  }

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, length);
  json_generator_set_root (generator, NULL);

  return rtx_json_fix_generated (text, length);
}

/**
 * rtx_reply_json:
 * @msg: a server message
 * @status: the HTTP status
 * @node: (transfer none): the body
 *
 * The one way a response body leaves the server: JSON, never cached, never sniffed.
 */
void
rtx_reply_json (SoupServerMessage *msg,
                guint              status,
                JsonNode          *node)
{
  SoupMessageHeaders *headers;
  gsize length;
  char *body;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (node != NULL);

  body = serialize (node, &length);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, RTX_REPLY_CONTENT_TYPE_JSON, SOUP_MEMORY_TAKE,
                                    body, length);

  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
}

/**
 * rtx_reply_bytes:
 * @msg: a server message
 * @status: the HTTP status
 * @content_type: the media type, e.g. `text/css; charset=utf-8`
 * @bytes: the body
 *
 * For the few responses that are not JSON (the files of /api/docs). Never sniffed.
 */
void
rtx_reply_bytes (SoupServerMessage *msg,
                 guint              status,
                 const char        *content_type,
                 GBytes            *bytes)
{
  SoupMessageHeaders *headers;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (content_type != NULL);
  g_return_if_fail (bytes != NULL);

  soup_server_message_set_status (msg, status, NULL);
  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Content-Type", content_type);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

/**
 * rtx_reply_error_body:
 * @surface: whose clients read the error
 * @status: the HTTP status
 * @code: (nullable): a machine-readable code, or %NULL for the status's usual one
 * @message: the error, for people
 *
 * An error body in the shape of @surface (DESIGN.md §1): `{"success":false,"error"}` on the
 * standard and public surfaces, OpenAI's `{"error":{"message","type","param","code"}}`, and the
 * SDK's `{"success":false,"error","code"}`.
 *
 * Returns: (transfer full): the body
 */
JsonNode *
rtx_reply_error_body (RtxSurface  surface,
                      guint       status,
                      const char *code,
                      const char *message)
{
  return rtx_reply_error_body_full (surface, status, code, NULL, message);
}

/**
 * rtx_reply_error_body_full:
 * @surface: whose clients read the error
 * @status: the HTTP status
 * @code: (nullable): a machine-readable code, or %NULL for the status's usual one
 * @param: (nullable): the request field the error is about (OpenAI's `param`)
 * @message: the error, for people
 *
 * Like rtx_reply_error_body(), naming the field at fault where the surface has a place for it.
 *
 * Returns: (transfer full): the body
 */
JsonNode *
rtx_reply_error_body_full (RtxSurface  surface,
                           guint       status,
                           const char *code,
                           const char *param,
                           const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  const char *openai_type, *openai_code, *sdk_code;

  g_return_val_if_fail (message != NULL, NULL);

  status_words_lookup (status, &openai_type, &openai_code, &sdk_code);

  json_builder_begin_object (builder);
  if (surface == RTX_SURFACE_OPENAI) {
    json_builder_set_member_name (builder, "error");
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "message");
    json_builder_add_string_value (builder, message);
    json_builder_set_member_name (builder, "type");
    json_builder_add_string_value (builder, openai_type);
    json_builder_set_member_name (builder, "param");
    if (param != NULL)
      json_builder_add_string_value (builder, param);
    else
      json_builder_add_null_value (builder);
    json_builder_set_member_name (builder, "code");
    if (code != NULL || openai_code != NULL)
      json_builder_add_string_value (builder, code != NULL ? code : openai_code);
    else
      json_builder_add_null_value (builder);
    json_builder_end_object (builder);
  } else {
    json_builder_set_member_name (builder, "success");
    json_builder_add_boolean_value (builder, FALSE);
    json_builder_set_member_name (builder, "error");
    json_builder_add_string_value (builder, message);
    if (surface == RTX_SURFACE_SDK) {
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, code != NULL ? code : sdk_code);
    }
  }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
rtx_reply_error_with_code (SoupServerMessage *msg,
                           RtxSurface         surface,
                           guint              status,
                           const char        *code,
                           const char        *message)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (message != NULL);

  body = rtx_reply_error_body (surface, status, code, message);
  rtx_reply_json (msg, status, body);
}

/* AnythingLLM's chat routes refuse with their "abort" envelope, which its clients read;
 * `success:false` and `error` sit beside it as on every standard error. */
static JsonNode *
chat_abort_body (const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *uuid = g_uuid_string_random ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, uuid);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, uuid);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "abort");
  json_builder_set_member_name (builder, "textResponse");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "sources");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "close");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * rtx_reply_invalid:
 * @msg: a server message
 * @surface: whose clients read the error
 * @shape: (nullable): the operation's `x-rtx-error-shape`: `chat-abort` for AnythingLLM's
 *   chat abort envelope, %NULL for the surface's error
 * @field: (nullable): the field at fault
 * @message: what is wrong with it
 *
 * Replies 400 to a request that failed validation.
 */
void
rtx_reply_invalid (SoupServerMessage *msg,
                   RtxSurface         surface,
                   const char        *shape,
                   const char        *field,
                   const char        *message)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (message != NULL);

  if (g_strcmp0 (shape, "chat-abort") == 0)
    body = chat_abort_body (message);
  else
    body = rtx_reply_error_body_full (surface, SOUP_STATUS_BAD_REQUEST, NULL, field, message);
  rtx_reply_json (msg, SOUP_STATUS_BAD_REQUEST, body);
}

/**
 * rtx_reply_error:
 * @msg: a server message
 * @surface: whose clients read the error
 * @status: the HTTP status
 * @message: the error, for people
 *
 * Replies with an error body in the shape of @surface; see rtx_reply_error_body().
 */
void
rtx_reply_error (SoupServerMessage *msg,
                 RtxSurface         surface,
                 guint              status,
                 const char        *message)
{
  rtx_reply_error_with_code (msg, surface, status, NULL, message);
}

/**
 * rtx_reply_status_for_error:
 * @surface: the surface of the operation that failed
 * @error: an error from the core
 *
 * The one mapping of errors to HTTP statuses. The surface matters for one code only: the
 * standard surface refuses a missing or bad credential with 403, as AnythingLLM does, where
 * the others answer 401.
 *
 * Returns: an HTTP status
 */
guint
rtx_reply_status_for_error (RtxSurface    surface,
                            const GError *error)
{
  g_return_val_if_fail (error != NULL, SOUP_STATUS_INTERNAL_SERVER_ERROR);

  if (error->domain != RTX_ERROR)
    return SOUP_STATUS_INTERNAL_SERVER_ERROR;

  switch ((RtxError) error->code) {
  case RTX_ERROR_INVALID_ARGUMENT:
    return SOUP_STATUS_BAD_REQUEST;
  case RTX_ERROR_NOT_FOUND:
    return SOUP_STATUS_NOT_FOUND;
  case RTX_ERROR_CONFLICT:
  case RTX_ERROR_ALREADY_DEACTIVATED:
    return SOUP_STATUS_CONFLICT;
  case RTX_ERROR_UNAUTHENTICATED:
    return surface == RTX_SURFACE_STANDARD ? SOUP_STATUS_FORBIDDEN : SOUP_STATUS_UNAUTHORIZED;
  case RTX_ERROR_PERMISSION_DENIED:
    return SOUP_STATUS_FORBIDDEN;
  case RTX_ERROR_KEYRING_UNAVAILABLE:
  case RTX_ERROR_KEYRING_LOCKED:
    return SOUP_STATUS_SERVICE_UNAVAILABLE;
  case RTX_ERROR_UPSTREAM:
    return SOUP_STATUS_BAD_GATEWAY;
  case RTX_ERROR_UPSTREAM_TIMEOUT:
    return SOUP_STATUS_GATEWAY_TIMEOUT;
  case RTX_ERROR_RATE_LIMITED:
    return 429;  /* libsoup 3.2 names no constant for it */
  case RTX_ERROR_FAILED:
  case RTX_ERROR_DATABASE:
  case RTX_ERROR_UNSUPPORTED_VERSION:
  default:
    return SOUP_STATUS_INTERNAL_SERVER_ERROR;
  }
}

/**
 * rtx_reply_client_message:
 * @error: what went wrong
 * @status: the status the reply carries, from rtx_reply_status_for_error()
 *
 * The text a client may read for @error. Client errors and a model provider's failures (whose
 * messages never hold secrets) carry the error's own message; server errors are logged here
 * and answered with a generic one, so that database paths or SQL never reach a client. Every
 * error envelope, whatever its shape, takes its text from here.
 *
 * Returns: (transfer none): the message, valid as long as @error
 */
const char *
rtx_reply_client_message (const GError *error,
                          guint         status)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (status < 500 || status == SOUP_STATUS_BAD_GATEWAY || status == SOUP_STATUS_GATEWAY_TIMEOUT)
    return error->message;

  g_warning ("Request failed: %s", error->message);
  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    return _("The keyring is unavailable; try again once it is unlocked.");
  return _("Internal error; the runtime's log says more.");
}

/**
 * rtx_reply_gerror:
 * @msg: a server message
 * @surface: whose clients read the error
 * @error: what went wrong
 *
 * Replies with the status of rtx_reply_status_for_error() and the text of
 * rtx_reply_client_message(), in @surface's error shape.
 */
void
rtx_reply_gerror (SoupServerMessage *msg,
                  RtxSurface         surface,
                  const GError      *error)
{
  guint status;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (error != NULL);

  status = rtx_reply_status_for_error (surface, error);
  rtx_reply_error (msg, surface, status, rtx_reply_client_message (error, status));
}
