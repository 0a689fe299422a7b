/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "rtx-auth.h"
#include "rtx-body-check.h"
#include "rtx-error.h"
#include "rtx-guards.h"
#include "rtx-reply.h"
#include "rtx-request.h"
#include "rtx-response-check.h"
#include "rtx-schema.h"
#include "rtx-server-private.h"
#include "rtx-upload.h"

/* The path of a request through RtxServer. As soon as its headers are read (libsoup's early
 * handler, before any body byte is buffered): Range dropped, Host (421), routing, Origin
 * (403), body size (413) and media type (415). Once the body is in: 404/405, credentials,
 * admin role, parameters and body against the document (400), and only then the handler.
 * A large body is checked in a worker thread, with the message paused, so that it never
 * stalls the main context. */

typedef struct {
  RtxRouteResult result;
  RtxRouteMatch  match;
  goffset        limit;
  goffset        received;
  gboolean       refused;     /* by the guards, before the body */
  gboolean       by_server;   /* answered by the server, not by a handler */
  gboolean       upload;      /* streamed to disk by rtx-upload, not buffered */
} Exchange;

static GQuark exchange_quark;

static void
exchange_free (gpointer data)
{
  Exchange *exchange = data;

  rtx_route_match_clear (&exchange->match);
  g_free (exchange);
}

static Exchange *
exchange_get (SoupServerMessage *msg)
{
  return g_object_get_qdata (G_OBJECT (msg), exchange_quark);
}

/* The SDK's LLM and vector modules do not strip a trailing slash from the base URL, so they
 * ask for `//sdk/llm/chat` (local-app-protocol.md §1.1): a path that starts with several
 * slashes is read as starting with one. */
static const char *
normalize_path (const char *path)
{
  while (path[0] == '/' && path[1] == '/')
    path++;

  return path;
}

/* ---- Before the body --------------------------------------------------------------------- */

/* A refusal before the body: the body is not kept (libsoup still reads it, and drops it). */
static void
refuse_early (SoupServerMessage *msg,
              Exchange          *exchange,
              const char        *path,
              guint              status,
              const char        *message)
{
  RtxSurface surface = exchange->match.operation != NULL
                       ? rtx_operation_get_surface (exchange->match.operation)
                       : rtx_surface_for_path (path);

  exchange->refused = TRUE;
  exchange->by_server = TRUE;
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  rtx_reply_error (msg, surface, status, message);
}

/* DESIGN.md §4: 413 with the body's accumulation off and the connection closed after it. */
static void
refuse_too_large (SoupServerMessage *msg,
                  Exchange          *exchange,
                  const char        *path)
{
  g_autofree char *message = g_strdup_printf ("The request body is larger than this route "
                                              "accepts (%" G_GOFFSET_FORMAT " bytes)",
                                              exchange->limit);

  refuse_early (msg, exchange, path, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, message);
  soup_message_body_truncate (soup_server_message_get_request_body (msg));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
}

static void
on_got_chunk_cb (SoupServerMessage *msg,
                 GBytes            *chunk,
                 gpointer           user_data)
{
  Exchange *exchange = exchange_get (msg);
  GUri *uri = soup_server_message_get_uri (msg);

  if (exchange == NULL || exchange->refused)
    return;

  exchange->received += g_bytes_get_size (chunk);
  if (exchange->received > exchange->limit)
    refuse_too_large (msg, exchange, g_uri_get_path (uri));
}

static gboolean
check_origin (RtxServer         *self,
              SoupServerMessage *msg,
              const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *origin = soup_message_headers_get_list (headers, "Origin");
  g_autofree char *embed_id = NULL;

  if (origin == NULL || rtx_guard_origin_is_own (origin, self->port))
    return TRUE;

  embed_id = rtx_guard_embed_id_for_path (path);
  if (embed_id == NULL || self->embed_origin_func == NULL ||
      !self->embed_origin_func (self->runtime, embed_id, origin))
    return FALSE;

  /* The only CORS answer the runtime gives: the embed's own allowlisted origin, exactly. */
  rtx_reply_set_header (msg, "Access-Control-Allow-Origin", origin);
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Vary",
                               "Origin");
  return TRUE;
}

static gboolean
check_body_size (SoupServerMessage *msg,
                 Exchange          *exchange,
                 const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  switch (soup_message_headers_get_encoding (headers)) {
  case SOUP_ENCODING_CONTENT_LENGTH:
    if (soup_message_headers_get_content_length (headers) > exchange->limit) {
      refuse_too_large (msg, exchange, path);
      return FALSE;
    }
    return TRUE;
  case SOUP_ENCODING_CHUNKED:
    g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk_cb), NULL);
    return TRUE;
  default:
    return TRUE;
  }
}

static gboolean
request_has_body (SoupMessageHeaders *headers)
{
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  return encoding == SOUP_ENCODING_CHUNKED ||
         (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
          soup_message_headers_get_content_length (headers) > 0);
}

static gboolean
check_content_type (SoupServerMessage *msg,
                    RtxOperation      *operation)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);

  if (!request_has_body (headers) &&
      !(content_type != NULL &&
        rtx_guard_method_changes_state (soup_server_message_get_method (msg))))
    return TRUE;

  return rtx_guard_content_type_is_accepted (operation, content_type);
}

static void
on_early_request_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  RtxServer *self = RTX_SERVER (user_data);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Exchange *exchange = g_new0 (Exchange, 1);

  path = normalize_path (path);
  g_object_set_qdata_full (G_OBJECT (msg), exchange_quark, exchange, exchange_free);
  exchange->limit = RTX_GUARD_OTHER_BODY_LIMIT;
  if (self->listener != NULL)
    rtx_listener_got_headers (self->listener, msg);
  rtx_guard_drop_range (headers);

  if (!rtx_guard_request_host_is_allowed (msg, self->port)) {
    refuse_early (msg, exchange, path, SOUP_STATUS_MISDIRECTED_REQUEST,
                  "Misdirected request: this server answers only to 127.0.0.1, localhost and "
                  "[::1] with its own port in the Host header");
    return;
  }

  exchange->result = rtx_router_match (self->router, soup_server_message_get_method (msg), path,
                                       &exchange->match);

  /* The widget routes refuse a page that is not on the embed's allowlist as AnythingLLM's
   * embed routes do (401, issue 7); everywhere else a foreign origin is forbidden. */
  if (!check_origin (self, msg, path)) {
    if (rtx_guard_path_is_embed (path))
      refuse_early (msg, exchange, path, SOUP_STATUS_UNAUTHORIZED,
                    "This website is not allowed to use this chat");
    else
      refuse_early (msg, exchange, path, SOUP_STATUS_FORBIDDEN,
                    "Cross-origin requests are not allowed");
    return;
  }

  if (exchange->result == RTX_ROUTE_FOUND &&
      !check_content_type (msg, exchange->match.operation)) {
    refuse_early (msg, exchange, path, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                  "Unsupported Content-Type: send the body as the route documents it");
    return;
  }

  /* Uploads (`x-rtx-upload`) are parsed as they stream in, never buffered whole, under the
   * upload cap rather than the JSON one. */
  if (exchange->result == RTX_ROUTE_FOUND &&
      rtx_upload_attach_if_wanted (exchange->match.operation, self->runtime, msg)) {
    exchange->upload = TRUE;
    return;
  }

  if (exchange->result == RTX_ROUTE_FOUND)
    exchange->limit = rtx_guard_body_limit (exchange->match.operation);
  check_body_size (msg, exchange, path);
}

/* ---- With the body ----------------------------------------------------------------------- */

static void
reply_method_not_allowed (SoupServerMessage *msg,
                          const char        *path,
                          const char        *allow)
{
  g_autofree char *message = g_strdup_printf ("Method not allowed. Allowed: %s", allow);

  rtx_reply_error (msg, rtx_surface_for_path (path), SOUP_STATUS_METHOD_NOT_ALLOWED, message);
  rtx_reply_set_header (msg, "Allow", allow);
}

static gboolean
authenticate (RtxServer         *self,
              SoupServerMessage *msg,
              RtxOperation      *operation,
              GHashTable        *params,
              RtxCaller         *caller)
{
  RtxSurface surface = rtx_operation_get_surface (operation);
  g_autoptr(GError) error = NULL;

  if (!rtx_auth_authenticate (self->runtime, soup_server_message_get_request_headers (msg),
                              soup_server_message_get_local_address (msg),
                              soup_server_message_get_remote_address (msg),
                              operation, caller, &error)) {
    if (g_error_matches (error, RTX_ERROR, RTX_ERROR_UNAUTHENTICATED)) {
      g_debug ("Refused %s: no valid credential", rtx_operation_get_id (operation));
      rtx_auth_refuse (msg, surface, caller);
    } else {
      rtx_reply_gerror (msg, surface, error);
    }
    return FALSE;
  }

  /* Admin keys of owners who lost the role were already refused by rtx_api_keys_authenticate(),
   * so the flag on the key is the whole check. */
  if (rtx_operation_is_admin_only (operation) && (caller->key == NULL || !caller->key->admin)) {
    rtx_reply_error_with_code (msg, surface, SOUP_STATUS_FORBIDDEN,
                               surface == RTX_SURFACE_SDK ? "PERMISSION_DENIED" : NULL,
                               "This route needs an administrator key.");
    return FALSE;
  }

  return rtx_auth_authorize (self->runtime, msg, operation, params, caller);
}

/* The query and the parameters, each refused as a whole when not valid. The query libsoup
 * decoded would have cut a value at an encoded NUL, so it is decoded again here. */
static gboolean
read_params (RtxServer          *self,
             SoupServerMessage  *msg,
             Exchange           *exchange,
             GHashTable        **out_query,
             char              **out_field,
             GError            **error)
{
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));

  if (raw_query != NULL) {
    *out_query = rtx_guard_decode_query (raw_query, out_field, error);
    if (*out_query == NULL)
      return FALSE;
  }

  return rtx_schema_validate_params (self->router, exchange->match.operation,
                                     exchange->match.params, *out_query, out_field, error);
}

/* Whether the body is checked in a worker: see RTX_SERVER_ASYNC_BODY_BYTES. */
static gboolean
body_is_large (SoupServerMessage *msg)
{
  return soup_server_message_get_request_body (msg)->length > RTX_SERVER_ASYNC_BODY_BYTES;
}

/* Parses and validates a body small enough to take on the main context. An operation without
 * a request body still refuses a body that is not sound JSON, so that nothing malformed is
 * ever silently accepted. */
static gboolean
read_body (RtxServer          *self,
           SoupServerMessage  *msg,
           RtxOperation       *operation,
           JsonNode          **out_body,
           char              **out_field,
           GError            **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  gboolean required;
  JsonNode *schema = rtx_schema_request_body (self->router, operation, &required);
  g_autoptr(GBytes) bytes = NULL;

  if (body->length == 0) {
    if (!required)
      return TRUE;
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "The request body is empty; this route needs a JSON body");
    return FALSE;
  }

  bytes = soup_message_body_flatten (body);
  return rtx_body_check (self->router, schema, g_bytes_get_data (bytes, NULL),
                         g_bytes_get_size (bytes), NULL, out_body, out_field, error);
}

static void
reply_invalid (SoupServerMessage *msg,
               RtxOperation      *operation,
               const char        *field,
               const GError      *error)
{
  JsonNode *shape = json_object_get_member (rtx_operation_get_json (operation),
                                            "x-rtx-error-shape");

  rtx_reply_invalid (msg, rtx_operation_get_surface (operation),
                     shape != NULL && json_node_get_value_type (shape) == G_TYPE_STRING
                     ? json_node_get_string (shape) : NULL,
                     field, error->message);
}

/* Hands the request to its handler; takes @caller's contents and @body. */
static void
run_handler (RtxServer         *self,
             SoupServerMessage *msg,
             Exchange          *exchange,
             RtxCaller         *caller,
             GHashTable        *query,
             JsonNode          *body)
{
  RtxOperation *operation = exchange->match.operation;
  RtxHandlerFunc handler = rtx_operation_get_handler (operation);
  g_autoptr(RtxRequest) req = NULL;

  /* rtx_server_start() refuses to run with an unbound operation; this is a last resort. */
  if (handler == NULL) {
    g_critical ("Operation %s has no handler", rtx_operation_get_id (operation));
    g_clear_pointer (&body, json_node_unref);
    rtx_reply_error (msg, rtx_operation_get_surface (operation), SOUP_STATUS_NOT_IMPLEMENTED,
                     "Not implemented");
    return;
  }

  req = rtx_request_new (self, msg, operation, exchange->match.params, query, caller, body);
  exchange->by_server = FALSE;
  self->handler_calls++;
  handler (req);
}

/* ---- A large body, checked in a worker --------------------------------------------------- */

/* A request whose body is being checked in a worker, paused meanwhile. It holds the message
 * (and with it the Exchange) until the check is back on the main context. */
typedef struct {
  RtxServer         *server;
  SoupServerMessage *msg;
  RtxCaller          caller;
  GHashTable        *query;
  GCancellable      *cancellable;
  GSource           *watch;        /* the client's socket, while the body is checked */
  gulong             finished_id;
  gulong             disconnected_id;
  gboolean           ended;        /* libsoup is done with the message (the server stopped) */
  gboolean           gone;         /* the client left */
} Pending;

static void
unwatch_client (Pending *pending)
{
  if (pending->watch != NULL) {
    g_source_destroy (pending->watch);
    g_clear_pointer (&pending->watch, g_source_unref);
  }
}

static void
pending_free (Pending *pending)
{
  unwatch_client (pending);
  g_clear_signal_handler (&pending->finished_id, pending->msg);
  g_clear_signal_handler (&pending->disconnected_id, pending->msg);
  rtx_caller_clear (&pending->caller);
  g_clear_pointer (&pending->query, g_hash_table_unref);
  g_clear_object (&pending->cancellable);
  g_clear_object (&pending->msg);
  g_clear_object (&pending->server);
  g_free (pending);
}

/* libsoup finishes a message, or drops its connection when the server stops ("disconnected",
 * without "finished"); either way the message may no longer be answered or unpaused. */
static void
on_pending_ended_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  Pending *pending = user_data;

  pending->ended = TRUE;
  unwatch_client (pending);
  g_cancellable_cancel (pending->cancellable);
}

/* libsoup does not read a connection while its message is paused, so nothing would see the
 * client leave during the check: its socket is watched meanwhile. Readable with nothing to
 * read is the end of the stream; as nginx and Go's net/http do, a client that closes its side
 * while its request is worked on is taken as gone. Bytes to read (a pipelined request) end
 * the watch. */
static gboolean
on_client_readable_cb (GSocket      *socket,
                       GIOCondition  condition,
                       gpointer      user_data)
{
  Pending *pending = user_data;
  char byte;
  gssize n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);

  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;

  if (n <= 0) {
    g_debug ("The client left while its request body was being checked");
    pending->gone = TRUE;
    g_cancellable_cancel (pending->cancellable);
  }
  g_clear_pointer (&pending->watch, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
watch_client (Pending *pending)
{
  GSocket *socket = rtx_listener_get_message_socket (pending->msg);

  if (socket == NULL)
    return;

  pending->watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (pending->watch, G_SOURCE_FUNC (on_client_readable_cb), pending, NULL);
  g_source_attach (pending->watch, g_main_context_get_thread_default ());
}

/* The client has gone: nothing is written. Its connection is shut down, so that libsoup's
 * write of the answer fails, it ends the request and the connection closes (as the listener
 * does with a request past its deadline). */
static void
drop_request (SoupServerMessage *msg,
              RtxOperation      *operation)
{
  GSocket *socket = rtx_listener_get_message_socket (msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  rtx_reply_error (msg, rtx_operation_get_surface (operation), SOUP_STATUS_BAD_REQUEST,
                   "The client left before its request was read");
  soup_server_message_unpause (msg);
}

static void
on_body_checked_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Pending *pending = user_data;
  SoupServerMessage *msg = pending->msg;
  Exchange *exchange = exchange_get (msg);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;

  body = rtx_body_check_finish (result, &field, &error);

  if (pending->ended) {
    g_debug ("A request ended while its body was being checked");
  } else if (pending->gone) {
    drop_request (msg, exchange->match.operation);
  } else {
    /* Resumed before the handler runs: a handler that answers later pauses it again. */
    soup_server_message_unpause (msg);
    if (body == NULL)
      reply_invalid (msg, exchange->match.operation, field, error);
    else
      run_handler (pending->server, msg, exchange, &pending->caller, pending->query,
                   g_steal_pointer (&body));
  }

  pending_free (pending);
}

/* Pauses the request and checks its body in a worker; the handler runs when it is back. */
static void
read_body_async (RtxServer         *self,
                 SoupServerMessage *msg,
                 Exchange          *exchange,
                 RtxCaller         *caller,
                 GHashTable        *query)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->server = g_object_ref (self);
  pending->msg = g_object_ref (msg);
  pending->caller = *caller;
  memset (caller, 0, sizeof *caller);
  pending->query = query;
  pending->cancellable = g_cancellable_new ();
  pending->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_pending_ended_cb),
                                           pending);
  pending->disconnected_id = g_signal_connect (msg, "disconnected",
                                               G_CALLBACK (on_pending_ended_cb), pending);

  soup_server_message_pause (msg);
  watch_client (pending);
  rtx_body_check_async (self->router,
                        rtx_schema_request_body (self->router, exchange->match.operation, NULL),
                        soup_server_message_get_request_body (msg), pending->cancellable,
                        on_body_checked_cb, pending);
}

/* ---- Dispatch ---------------------------------------------------------------------------- */

static void
dispatch (RtxServer         *self,
          SoupServerMessage *msg,
          Exchange          *exchange)
{
  RtxRouteMatch *match = &exchange->match;
  RtxOperation *operation = match->operation;
  g_auto(RtxCaller) caller = { 0 };
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;

  /* Until the handler runs, every answer is the server's. */
  exchange->by_server = TRUE;

  if (!authenticate (self, msg, operation, match->params, &caller))
    return;

  if (!read_params (self, msg, exchange, &query, &field, &error)) {
    reply_invalid (msg, operation, field, error);
    return;
  }

  /* Uploads were read as they streamed in (rtx-upload). */
  if (!exchange->upload && body_is_large (msg)) {
    read_body_async (self, msg, exchange, &caller, g_steal_pointer (&query));
    return;
  }

  if (!exchange->upload && !read_body (self, msg, operation, &body, &field, &error)) {
    reply_invalid (msg, operation, field, error);
    return;
  }

  run_handler (self, msg, exchange, &caller, query, g_steal_pointer (&body));
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  RtxServer *self = RTX_SERVER (user_data);
  Exchange *exchange = exchange_get (msg);

  path = normalize_path (path);

  /* Every request passes the early handler first; one that did not is not served. */
  if (exchange == NULL) {
    g_critical ("A request skipped the guards");
    rtx_reply_error (msg, rtx_surface_for_path (path), SOUP_STATUS_INTERNAL_SERVER_ERROR,
                     "Internal error");
    return;
  }

  exchange->by_server = TRUE;
  if (self->listener != NULL)
    rtx_listener_request_read (self->listener, msg);
  switch (exchange->result) {
  case RTX_ROUTE_NOT_FOUND:
    rtx_reply_error (msg, rtx_surface_for_path (path), SOUP_STATUS_NOT_FOUND, "Not found");
    break;
  case RTX_ROUTE_METHOD_NOT_ALLOWED:
    reply_method_not_allowed (msg, path, exchange->match.allow);
    break;
  case RTX_ROUTE_FOUND:
  default:
    dispatch (self, msg, exchange);
    break;
  }
}

static void
on_request_finished_cb (SoupServer        *server,
                        SoupServerMessage *msg,
                        gpointer           user_data)
{
  RtxServer *self = RTX_SERVER (user_data);
  Exchange *exchange = exchange_get (msg);

  /* Requests libsoup refused by itself (unparsable) never reached the guards. */
  if (exchange == NULL)
    return;

  rtx_response_check (self->router, msg, exchange->match.operation, exchange->by_server);
}

/**
 * rtx_server_dispatch_attach:
 * @self: a server
 * @soup_server: the libsoup server it serves with
 *
 * Routes every request of @soup_server through the guards, the router and the handlers.
 */
void
rtx_server_dispatch_attach (RtxServer  *self,
                            SoupServer *soup_server)
{
  if (exchange_quark == 0)
    exchange_quark = g_quark_from_static_string ("rtx-exchange");

  /* libsoup sends "OPTIONS *" only to a handler registered for "*"; without one it would
   * answer a bodiless 404 that no guard saw. */
  soup_server_add_early_handler (soup_server, NULL, on_early_request_cb, self, NULL);
  soup_server_add_early_handler (soup_server, "*", on_early_request_cb, self, NULL);
  soup_server_add_handler (soup_server, NULL, on_request_cb, self, NULL);
  soup_server_add_handler (soup_server, "*", on_request_cb, self, NULL);

  if (self->check_responses)
    g_signal_connect_object (soup_server, "request-finished",
                             G_CALLBACK (on_request_finished_cb), self, 0);
}
