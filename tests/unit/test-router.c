/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-error.h"
#include "rtx-router.h"

/* ---- Helpers ----------------------------------------------------------------------------- */

static void
handle_nothing (RtxRequest *req)
{
}

/* Documents are written with ' for " so that they stay readable as C strings. */
static char *
doc_from (const char *text)
{
  return g_strdelimit (g_strdup (text), "'", '"');
}

#define OP(id) "{'operationId':'" id "','x-rtx-surface':'standard'," \
               "'security':[{'BearerAuth':[]}],'responses':{}}"
#define PUBLIC_OP(id) "{'operationId':'" id "','x-rtx-surface':'public','security':[]," \
                      "'responses':{}}"

static const char match_document[] =
  "{'openapi':'3.1.0','info':{'title':'t','version':'1'},'paths':{"
  "'/api/v1/workspace/{slug}':{'get':" OP ("getWorkspace") ",'delete':" OP ("deleteWorkspace") "},"
  "'/api/v1/workspace/new':{'post':" OP ("newWorkspace") "},"
  "'/api/v1/workspace/{slug}/thread/{threadSlug}':{'get':" OP ("getThread") "},"
  "'/api/v1/document/{name}':{'get':" OP ("getDocument") ",'delete':" OP ("deleteDocument") "},"
  "'/api/v1/document/accepted-file-types':{'get':" OP ("acceptedTypes") "},"
  "'/api/ping':{'get':" PUBLIC_OP ("ping") "}"
  "}}";

static const RtxHandlerBinding match_bindings[] = {
  { "getWorkspace", handle_nothing },
  { "deleteWorkspace", handle_nothing },
  { "newWorkspace", handle_nothing },
  { "getThread", handle_nothing },
  { "getDocument", handle_nothing },
  { "deleteDocument", handle_nothing },
  { "acceptedTypes", handle_nothing },
  { "ping", handle_nothing },
  { NULL, NULL },
};

static const RtxHandlerBinding * const match_areas[] = { match_bindings, NULL };

static RtxRouter *
match_router (void)
{
  g_autofree char *document = doc_from (match_document);
  g_autoptr(GError) error = NULL;
  RtxRouter *router = rtx_router_new_from_data (document, -1, match_areas, &error);

  g_assert_no_error (error);
  g_assert_true (rtx_router_check_bindings (router, &error));
  g_assert_no_error (error);
  return router;
}

static RtxRouter *
real_router (void)
{
  g_autoptr(GError) error = NULL;
  RtxRouter *router = rtx_router_new (&error);

  g_assert_no_error (error);
  g_assert_nonnull (router);
  return router;
}

/* Matches and checks the operation and, as "name=value" pairs, the parameters. */
static void
assert_found (RtxRouter  *router,
              const char *method,
              const char *path,
              const char *operation_id,
              ...)
{
  g_auto(RtxRouteMatch) match = { 0 };
  RtxRouteResult result = rtx_router_match (router, method, path, &match);
  guint n_expected = 0;
  va_list args;

  if (result != RTX_ROUTE_FOUND)
    g_error ("%s %s: expected %s, got result %d", method, path, operation_id, result);
  g_assert_cmpstr (rtx_operation_get_id (match.operation), ==, operation_id);
  g_assert_null (match.allow);

  va_start (args, operation_id);
  for (const char *pair = va_arg (args, const char *); pair; pair = va_arg (args, const char *)) {
    g_auto(GStrv) kv = g_strsplit (pair, "=", 2);

    g_assert_cmpstr (g_hash_table_lookup (match.params, kv[0]), ==, kv[1]);
    n_expected++;
  }
  va_end (args);

  /* A route without parameters has no table. */
  g_assert_cmpuint (match.params != NULL ? g_hash_table_size (match.params) : 0, ==, n_expected);
  g_assert_true (n_expected > 0 || match.params == NULL);
}

static void
assert_not_found (RtxRouter  *router,
                  const char *method,
                  const char *path)
{
  g_auto(RtxRouteMatch) match = { 0 };
  RtxRouteResult result = rtx_router_match (router, method, path, &match);

  if (result != RTX_ROUTE_NOT_FOUND)
    g_error ("%s %s: expected 404, got result %d", method, path, result);
  g_assert_null (match.operation);
  g_assert_null (match.params);
  g_assert_null (match.allow);
}

static void
assert_not_allowed (RtxRouter  *router,
                    const char *method,
                    const char *path,
                    const char *allow)
{
  g_auto(RtxRouteMatch) match = { 0 };
  RtxRouteResult result = rtx_router_match (router, method, path, &match);

  if (result != RTX_ROUTE_METHOD_NOT_ALLOWED)
    g_error ("%s %s: expected 405, got result %d", method, path, result);
  g_assert_null (match.operation);
  g_assert_cmpstr (match.allow, ==, allow);
}

/* ---- The real document ------------------------------------------------------------------- */

static void
test_bindings (void)
{
  g_autoptr(RtxRouter) router = real_router ();
  g_autoptr(GError) error = NULL;

  /* On failure the message names every operation without a handler and every handler
   * without an operation. */
  rtx_router_check_bindings (router, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rtx_router_get_operations (router)->len, >=, 2);
}

static void
test_bindings_mismatch (void)
{
  static const RtxHandlerBinding bindings[] = {
    { "getWorkspace", handle_nothing },
    { "deleteWorkspace", handle_nothing },
    { "newWorkspace", handle_nothing },
    { "getThread", handle_nothing },
    { "getDocument", handle_nothing },
    { "acceptedTypes", handle_nothing },
    { "ping", handle_nothing },
    { "removedLongAgo", handle_nothing },
    { NULL, NULL },
  };
  static const RtxHandlerBinding more[] = {
    { "ping", handle_nothing },
    { NULL, NULL },
  };
  static const RtxHandlerBinding * const areas[] = { bindings, more, NULL };
  g_autofree char *document = doc_from (match_document);
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRouter) router = rtx_router_new_from_data (document, -1, areas, &error);

  g_assert_no_error (error);
  g_assert_false (rtx_router_check_bindings (router, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "operations without a handler: deleteDocument"));
  g_assert_nonnull (strstr (error->message, "handlers without an operation: removedLongAgo"));
  g_assert_nonnull (strstr (error->message, "operations bound twice: ping"));
}

static const struct {
  const char *tag;
  RtxSurface  surface;
} surface_tags[] = {
  { "Standard", RTX_SURFACE_STANDARD },
  { "OpenAI-compatible", RTX_SURFACE_OPENAI },
  { "SDK / local apps", RTX_SURFACE_SDK },
  { "Public", RTX_SURFACE_PUBLIC },
};

static void
test_document_tags (void)
{
  g_autoptr(RtxRouter) router = real_router ();
  JsonObject *root = json_node_get_object (rtx_router_get_document (router));
  JsonArray *tags = json_object_get_array_member (root, "tags");
  GPtrArray *operations = rtx_router_get_operations (router);

  /* The four surfaces are the document's tags, each described. */
  g_assert_cmpuint (json_array_get_length (tags), ==, G_N_ELEMENTS (surface_tags));
  for (guint i = 0; i < G_N_ELEMENTS (surface_tags); i++) {
    JsonObject *tag = json_array_get_object_element (tags, i);

    g_assert_cmpstr (json_object_get_string_member (tag, "name"), ==, surface_tags[i].tag);
    g_assert_cmpuint (strlen (json_object_get_string_member (tag, "description")), >, 20);
  }

  /* Every operation carries exactly the tag of its surface, and its path is on that surface. */
  for (guint i = 0; i < operations->len; i++) {
    RtxOperation *operation = g_ptr_array_index (operations, i);
    JsonObject *json = rtx_operation_get_json (operation);
    RtxSurface surface = rtx_operation_get_surface (operation);
    JsonArray *op_tags;

    g_test_message ("%s", rtx_operation_get_id (operation));
    g_assert_true (json_object_has_member (json, "tags"));
    op_tags = json_object_get_array_member (json, "tags");
    g_assert_cmpuint (json_array_get_length (op_tags), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (op_tags, 0), ==, surface_tags[surface].tag);
    g_assert_cmpint (rtx_surface_for_path (rtx_operation_get_path (operation)), ==, surface);
  }
}

static void
assert_response_has_schema (RtxRouter  *router,
                            const char *operation_id,
                            const char *status,
                            JsonNode   *response)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = json_node_get_object (response);
  JsonObject *content;
  JsonObject *media;
  JsonNode *schema;

  g_test_message ("%s %s", operation_id, status);
  if (json_object_has_member (object, "$ref")) {
    response = rtx_router_resolve_ref (router, json_object_get_string_member (object, "$ref"),
                                       &error);
    g_assert_no_error (error);
    object = json_node_get_object (response);
  }

  g_assert_true (json_object_has_member (object, "description"));
  /* A preflight's 204 has no body. */
  if (g_str_equal (status, "204"))
    return;
  g_assert_true (json_object_has_member (object, "content"));
  content = json_object_get_object_member (object, "content");
  /* JSON, except for SSE streams and the few files a route serves (the pages of /api/docs). */
  if (json_object_has_member (content, "application/json")) {
    media = json_object_get_object_member (content, "application/json");
  } else {
    g_autoptr(GList) types = json_object_get_members (content);

    g_assert_nonnull (types);
    media = json_object_get_object_member (content, types->data);
  }
  g_assert_true (json_object_has_member (media, "schema"));
  schema = json_object_get_member (media, "schema");

  if (json_object_has_member (json_node_get_object (schema), "$ref")) {
    const char *ref = json_object_get_string_member (json_node_get_object (schema), "$ref");

    g_assert_nonnull (rtx_router_resolve_ref (router, ref, &error));
    g_assert_no_error (error);
  }
}

static void
test_document_responses (void)
{
  g_autoptr(RtxRouter) router = real_router ();
  GPtrArray *operations = rtx_router_get_operations (router);

  for (guint i = 0; i < operations->len; i++) {
    RtxOperation *operation = g_ptr_array_index (operations, i);
    JsonObject *json = rtx_operation_get_json (operation);
    JsonObject *responses;
    g_autoptr(GList) statuses = NULL;
    gboolean has_success = FALSE;

    g_test_message ("%s", rtx_operation_get_id (operation));
    g_assert_true (json_object_has_member (json, "responses"));
    responses = json_object_get_object_member (json, "responses");

    statuses = json_object_get_members (responses);
    for (GList *l = statuses; l != NULL; l = l->next) {
      assert_response_has_schema (router, rtx_operation_get_id (operation), l->data,
                                  json_object_get_member (responses, l->data));
      has_success |= g_str_has_prefix (l->data, "2");
    }
    g_assert_true (has_success);

    /* A protected operation documents how its surface refuses. */
    if (!rtx_operation_is_public (operation)) {
      const char *refusal = rtx_operation_get_surface (operation) == RTX_SURFACE_STANDARD
                            ? "403" : "401";

      g_assert_true (json_object_has_member (responses, refusal));
    }
  }
}

static void
test_document_security (void)
{
  g_autoptr(RtxRouter) router = real_router ();
  GPtrArray *operations = rtx_router_get_operations (router);
  RtxOperation *ping = rtx_router_lookup_operation (router, "ping");
  RtxOperation *auth = rtx_router_lookup_operation (router, "getAuth");
  JsonObject *root = json_node_get_object (rtx_router_get_document (router));
  JsonObject *schemes = json_object_get_object_member (
    json_object_get_object_member (root, "components"), "securitySchemes");

  g_assert_nonnull (ping);
  g_assert_cmpint (rtx_operation_get_surface (ping), ==, RTX_SURFACE_PUBLIC);
  g_assert_cmpint (rtx_operation_get_auth_schemes (ping), ==, RTX_AUTH_SCHEME_NONE);
  g_assert_cmpstr (rtx_operation_get_method (ping), ==, "GET");
  g_assert_cmpstr (rtx_operation_get_path (ping), ==, "/api/ping");

  g_assert_nonnull (auth);
  g_assert_cmpint (rtx_operation_get_surface (auth), ==, RTX_SURFACE_STANDARD);
  g_assert_cmpint (rtx_operation_get_auth_schemes (auth), ==,
                   RTX_AUTH_SCHEME_BEARER | RTX_AUTH_SCHEME_API_KEY_HEADER);
  g_assert_cmpstr (rtx_operation_get_path (auth), ==, "/api/v1/auth");

  /* Public operations are exactly those whose document says `security: []`, except the SDK's
   * two approval routes, which name their app in the body (and only those). */
  for (guint i = 0; i < operations->len; i++) {
    RtxOperation *operation = g_ptr_array_index (operations, i);
    JsonObject *json = rtx_operation_get_json (operation);
    const char *id = rtx_operation_get_id (operation);
    gboolean empty_security = json_object_has_member (json, "security") &&
      json_array_get_length (json_object_get_array_member (json, "security")) == 0;
    gboolean in_body = g_str_equal (id, "sdkRegister") ||
                       g_str_equal (id, "requestLocalAppPermission");

    g_test_message ("%s", id);
    g_assert_cmpint (rtx_operation_get_app_id_in_body (operation), ==, in_body);
    g_assert_cmpint (rtx_operation_is_public (operation), ==, empty_security && !in_body);
    g_assert_cmpint (rtx_operation_get_surface (operation) == RTX_SURFACE_PUBLIC, ==,
                     empty_security && !in_body);
  }

  /* The schemes the auth code reads by header name are those the document declares. */
  g_assert_cmpstr (json_object_get_string_member (
    json_object_get_object_member (schemes, "BearerAuth"), "scheme"), ==, "bearer");
  g_assert_cmpstr (json_object_get_string_member (
    json_object_get_object_member (schemes, "ApiKeyHeader"), "name"), ==, "x-api-key");
  g_assert_cmpstr (json_object_get_string_member (
    json_object_get_object_member (schemes, "AppId"), "name"), ==, "x-app-id");
}

static void
test_document_matches (void)
{
  g_autoptr(RtxRouter) router = real_router ();

  assert_found (router, "GET", "/api/ping", "ping", NULL);
  assert_found (router, "GET", "/api/v1/auth", "getAuth", NULL);
  assert_not_allowed (router, "POST", "/api/ping", "GET");
  assert_not_found (router, "GET", "/api/v1/nope");
}

static void
test_resolve_ref (void)
{
  g_autoptr(RtxRouter) router = real_router ();
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = rtx_router_resolve_ref (router, "#/components/schemas/StandardError", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "type"), ==,
                   "object");

  node = rtx_router_resolve_ref (router, "#/paths/~1api~1ping/get/operationId", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (node), ==, "ping");

  g_assert_null (rtx_router_resolve_ref (router, "#/components/schemas/Nope", &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (rtx_router_resolve_ref (router, "other.json#/x", &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
}

/* ---- Matching ---------------------------------------------------------------------------- */

static void
test_match_literal_beats_param (void)
{
  g_autoptr(RtxRouter) router = match_router ();

  assert_found (router, "POST", "/api/v1/workspace/new", "newWorkspace", NULL);
  assert_found (router, "GET", "/api/v1/workspace/mine", "getWorkspace", "slug=mine", NULL);
  /* A literal route without the method does not hide a template route that has it. */
  assert_found (router, "GET", "/api/v1/workspace/new", "getWorkspace", "slug=new", NULL);
  assert_found (router, "GET", "/api/v1/document/accepted-file-types", "acceptedTypes", NULL);
  assert_found (router, "DELETE", "/api/v1/document/accepted-file-types", "deleteDocument",
                "name=accepted-file-types", NULL);
  assert_found (router, "GET", "/api/v1/document/report.pdf", "getDocument",
                "name=report.pdf", NULL);
  assert_found (router, "GET", "/api/v1/workspace/a/thread/b", "getThread",
                "slug=a", "threadSlug=b", NULL);
}

static void
test_match_percent_decoding (void)
{
  g_autoptr(RtxRouter) router = match_router ();

  assert_found (router, "GET", "/api/v1/workspace/my%20space", "getWorkspace",
                "slug=my space", NULL);
  assert_found (router, "GET", "/api/v1/workspace/caf%C3%A9", "getWorkspace",
                "slug=café", NULL);
  assert_found (router, "GET", "/api/v1/workspace/100%25", "getWorkspace", "slug=100%", NULL);
  assert_found (router, "GET", "/api/v1/workspace/a+b", "getWorkspace", "slug=a+b", NULL);
  /* Literals compare decoded, so an encoded literal is the same path. */
  assert_found (router, "GET", "/api/%70ing", "ping", NULL);

  /* A decoded slash, NUL, dot segment or invalid UTF-8 never reaches a handler. */
  assert_not_found (router, "GET", "/api/v1/workspace/a%2Fb");
  assert_not_found (router, "GET", "/api/v1/workspace/a%2fb");
  assert_not_found (router, "GET", "/api/v1/workspace/a%00b");
  assert_not_found (router, "GET", "/api/v1/workspace/..");
  assert_not_found (router, "GET", "/api/v1/workspace/%2e%2E");
  assert_not_found (router, "GET", "/api/v1/workspace/.");
  assert_not_found (router, "GET", "/api/v1/workspace/%FF");
  assert_not_found (router, "GET", "/api/v1/workspace/%zz");
  assert_not_found (router, "GET", "/api/v1/workspace/%");
  assert_not_found (router, "DELETE", "/api/v1/workspace/%2e%2e");
}

static void
test_match_segments (void)
{
  g_autoptr(RtxRouter) router = match_router ();

  assert_not_found (router, "GET", "/api/v1/workspace/");
  assert_not_found (router, "GET", "/api/v1/workspace");
  assert_not_found (router, "GET", "/api/v1/workspace/a/");
  assert_not_found (router, "GET", "/api/v1/workspace/a/thread");
  assert_not_found (router, "GET", "/api/v1/workspace/a/thread/");
  assert_not_found (router, "GET", "/api/v1/workspace/a/thread/b/c");
  assert_not_found (router, "GET", "/api/v1/workspace//thread/b");
  assert_not_found (router, "GET", "/api/ping/");
  assert_not_found (router, "GET", "/api/ping/extra");
  assert_not_found (router, "GET", "//api/ping");
  assert_not_found (router, "GET", "/api//ping");
  assert_not_found (router, "GET", "/API/PING");
  assert_not_found (router, "GET", "/");
  assert_not_found (router, "GET", "");
  assert_not_found (router, "GET", "*");
  assert_not_found (router, "GET", "api/ping");
}

static void
test_match_methods (void)
{
  g_autoptr(RtxRouter) router = match_router ();

  assert_not_allowed (router, "POST", "/api/ping", "GET");
  assert_not_allowed (router, "OPTIONS", "/api/ping", "GET");
  assert_not_allowed (router, "get", "/api/ping", "GET");
  assert_not_allowed (router, "POST", "/api/v1/workspace/mine", "GET, DELETE");
  /* Both templates match: Allow lists the methods of both. */
  assert_not_allowed (router, "PUT", "/api/v1/workspace/new", "GET, POST, DELETE");
  assert_not_allowed (router, "PATCH", "/api/v1/workspace/a/thread/b", "GET");

  /* HEAD is served as GET. */
  assert_found (router, "HEAD", "/api/ping", "ping", NULL);
  assert_found (router, "HEAD", "/api/v1/workspace/x", "getWorkspace", "slug=x", NULL);
}

/* ---- Documents the router refuses -------------------------------------------------------- */

static void
test_invalid_documents (void)
{
  static const struct {
    const char *paths;
    const char *expected;
  } cases[] = {
    { "'/a':{'get':{'x-rtx-surface':'standard','security':[]}}", "operationId" },
    { "'/a':{'get':{'operationId':'a b','x-rtx-surface':'standard','security':[]}}",
      "operationId" },
    { "'/a':{'get':{'operationId':7,'x-rtx-surface':'standard','security':[]}}",
      "operationId" },
    { "'/a':{'get':{'operationId':'a','security':[]}}", "x-rtx-surface" },
    { "'/a':{'get':{'operationId':'a','x-rtx-surface':['public'],'security':[]}}",
      "x-rtx-surface" },
    { "'/a':{'get':{'operationId':'a','x-rtx-surface':'public','security':{}}}",
      "security is not a list" },
    { "'/a':{'get':{'operationId':'a','x-rtx-surface':'public','security':[[]]}}",
      "not an object" },
    { "'/a':{'get':'ping'}", "not an object" },
    { "'/a':[]", "not an object" },
    { "'/a':{'get':{'operationId':'a','x-rtx-surface':'lan','security':[]}}", "x-rtx-surface" },
    { "'/a':{'get':{'operationId':'a','x-rtx-surface':'standard'}}", "no security" },
    { "'/a':{'get':{'operationId':'a','x-rtx-surface':'standard','security':[]}}",
      "if and only if" },
    { "'/a':{'get':{'operationId':'a','x-rtx-surface':'public',"
      "'security':[{'BearerAuth':[]}]}}", "if and only if" },
    { "'/a':{'get':{'operationId':'a','x-rtx-surface':'standard',"
      "'security':[{'Cookie':[]}]}}", "unknown scheme" },
    { "'/a':{'get':{'operationId':'a','x-rtx-surface':'standard',"
      "'security':[{'BearerAuth':[],'AppId':[]}]}}", "exactly one scheme" },
    { "'/a':{'get':{'operationId':'a','x-rtx-surface':'standard','security':[{}]}}",
      "exactly one scheme" },
    { "'/a':{'get':" PUBLIC_OP ("a") ",'post':" PUBLIC_OP ("a") "}", "used twice" },
    { "'/a/{x}.json':{'get':" PUBLIC_OP ("a") "}", "whole {name}" },
    { "'/a/{x}/{x}':{'get':" PUBLIC_OP ("a") "}", "appears twice" },
    { "'/a//b':{'get':" PUBLIC_OP ("a") "}", "empty segment" },
    { "'/a/..':{'get':" PUBLIC_OP ("a") "}", "is not allowed" },
    { "'/./a':{'get':" PUBLIC_OP ("a") "}", "is not allowed" },
    { "'a':{'get':" PUBLIC_OP ("a") "}", "must start with /" },
    { "'/a/{x}':{'get':" PUBLIC_OP ("a") "},'/a/{y}':{'post':" PUBLIC_OP ("b") "}",
      "match the same paths" },
    { "'/a':{'gett':" PUBLIC_OP ("a") "}", "unsupported member" },
    { "'/a':{'$ref':'#/x'}", "unsupported member" },
    { "'/a':{'summary':'nothing'}", "no operation" },
  };
  static const RtxHandlerBinding none[] = { { NULL, NULL } };
  static const RtxHandlerBinding * const areas[] = { none, NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *text = g_strdup_printf ("{'openapi':'3.1.0','paths':{%s}}", cases[i].paths);
    g_autofree char *document = doc_from (text);
    g_autoptr(GError) error = NULL;
    g_autoptr(RtxRouter) router = rtx_router_new_from_data (document, -1, areas, &error);

    g_test_message ("%s", document);
    g_assert_null (router);
    g_assert_nonnull (error);
    if (strstr (error->message, cases[i].expected) == NULL)
      g_error ("case %u: “%s” does not mention “%s”", i, error->message, cases[i].expected);
  }
}

static void
test_invalid_json (void)
{
  static const RtxHandlerBinding none[] = { { NULL, NULL } };
  static const RtxHandlerBinding * const areas[] = { none, NULL };
  g_autoptr(GError) error = NULL;

  g_assert_null (rtx_router_new_from_data ("{", -1, areas, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_null (rtx_router_new_from_data ("{\"openapi\":\"3.0.3\",\"paths\":{}}", -1, areas,
                                           &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (rtx_router_new_from_data ("{\"openapi\":3.1,\"paths\":{}}", -1, areas, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (rtx_router_new_from_data ("{\"openapi\":\"3.1.0\",\"paths\":[]}", -1, areas,
                                           &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (rtx_router_new_from_data ("[]", -1, areas, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
}

/* A document-wide `security` applies to operations that do not name their own. */
static void
test_default_security (void)
{
  static const RtxHandlerBinding bindings[] = {
    { "a", handle_nothing },
    { "b", handle_nothing },
    { NULL, NULL },
  };
  static const RtxHandlerBinding * const areas[] = { bindings, NULL };
  g_autofree char *document = doc_from (
    "{'openapi':'3.1.0','security':[{'AppId':[]}],'paths':{"
    "'/sdk/a':{'get':{'operationId':'a','x-rtx-surface':'sdk'}},"
    "'/api/ping':{'get':{'operationId':'b','x-rtx-surface':'public','security':[]}}}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRouter) router = rtx_router_new_from_data (document, -1, areas, &error);

  g_assert_no_error (error);
  g_assert_cmpint (rtx_operation_get_auth_schemes (rtx_router_lookup_operation (router, "a")), ==,
                   RTX_AUTH_SCHEME_APP_ID);
  g_assert_true (rtx_operation_is_public (rtx_router_lookup_operation (router, "b")));
  g_assert_null (rtx_router_lookup_operation (router, "c"));
}

static void
test_surface_for_path (void)
{
  g_assert_cmpint (rtx_surface_for_path ("/api/v1/openai/chat/completions"), ==,
                   RTX_SURFACE_OPENAI);
  g_assert_cmpint (rtx_surface_for_path ("/api/v1/openai"), ==, RTX_SURFACE_OPENAI);
  g_assert_cmpint (rtx_surface_for_path ("/api/v1/openaiX"), ==, RTX_SURFACE_STANDARD);
  g_assert_cmpint (rtx_surface_for_path ("/api/v1/auth"), ==, RTX_SURFACE_STANDARD);
  g_assert_cmpint (rtx_surface_for_path ("/sdk/llm/chat"), ==, RTX_SURFACE_SDK);
  g_assert_cmpint (rtx_surface_for_path ("/agents"), ==, RTX_SURFACE_SDK);
  g_assert_cmpint (rtx_surface_for_path ("/api/local-apps/request-permission"), ==,
                   RTX_SURFACE_SDK);
  g_assert_cmpint (rtx_surface_for_path ("/webhooks/realtimex"), ==, RTX_SURFACE_SDK);
  g_assert_cmpint (rtx_surface_for_path ("/api/ping"), ==, RTX_SURFACE_PUBLIC);
  g_assert_cmpint (rtx_surface_for_path ("/api/embed/abc/stream-chat"), ==,
                   RTX_SURFACE_PUBLIC);
  g_assert_cmpint (rtx_surface_for_path ("/elsewhere"), ==, RTX_SURFACE_STANDARD);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/rtx/router/bindings", test_bindings);
  g_test_add_func ("/rtx/router/bindings-mismatch", test_bindings_mismatch);
  g_test_add_func ("/rtx/router/document/tags", test_document_tags);
  g_test_add_func ("/rtx/router/document/responses", test_document_responses);
  g_test_add_func ("/rtx/router/document/security", test_document_security);
  g_test_add_func ("/rtx/router/document/matches", test_document_matches);
  g_test_add_func ("/rtx/router/resolve-ref", test_resolve_ref);
  g_test_add_func ("/rtx/router/match/literal-beats-param", test_match_literal_beats_param);
  g_test_add_func ("/rtx/router/match/percent-decoding", test_match_percent_decoding);
  g_test_add_func ("/rtx/router/match/segments", test_match_segments);
  g_test_add_func ("/rtx/router/match/methods", test_match_methods);
  g_test_add_func ("/rtx/router/invalid-documents", test_invalid_documents);
  g_test_add_func ("/rtx/router/invalid-json", test_invalid_json);
  g_test_add_func ("/rtx/router/default-security", test_default_security);
  g_test_add_func ("/rtx/router/surface-for-path", test_surface_for_path);

  return g_test_run ();
}
