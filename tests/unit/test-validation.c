/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-error.h"
#include "rtx-guards.h"
#include "rtx-json-scan.h"
#include "rtx-resources.h"
#include "rtx-router.h"
#include "rtx-schema.h"
#include "rtx-test-utils.h"

/* The JSON pre-scan, the schema subset and the Host/Origin checks, on their own. */

static void
assert_scan_refuses (const char *body,
                     gssize      length,
                     const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = rtx_json_parse_body (body, length < 0 ? strlen (body) : (gsize) length,
                                                  &error);

  g_test_message ("refuses? %.40s", body);
  g_assert_null (node);
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
assert_scan_accepts (const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = rtx_json_parse_body (body, strlen (body), &error);

  g_test_message ("accepts? %s", body);
  g_assert_no_error (error);
  g_assert_nonnull (node);
}

static void
test_json_scan_refuses (void)
{
  g_autofree char *deep = g_strnfill (100000, '[');
  g_autofree char *deep65 = g_strnfill (65, '[');
  g_autofree char *deep_objects = NULL;
  GString *objects = g_string_new (NULL);

  for (guint i = 0; i < 65; i++)
    g_string_append (objects, "{\"a\":");
  deep_objects = g_string_free (objects, FALSE);

  assert_scan_refuses ("", 0, "empty");
  assert_scan_refuses (" \n\t ", -1, "empty");
  assert_scan_refuses (deep, -1, "nested more than 64");
  assert_scan_refuses (deep65, -1, "nested more than 64");
  assert_scan_refuses (deep_objects, -1, "nested more than 64");
  assert_scan_refuses ("\"caf\xc3\"", -1, "UTF-8");
  assert_scan_refuses ("\"\xc0\x80\"", -1, "UTF-8");
  assert_scan_refuses ("{\"a\":\"x\\u0000y\"}", -1, "\\u0000");
  assert_scan_refuses ("\"\\ud800\"", -1, "surrogate");
  assert_scan_refuses ("\"\\udc00\"", -1, "surrogate");
  assert_scan_refuses ("[1e999999]", -1, "not finite");
  assert_scan_refuses ("[-1e400]", -1, "not finite");
  assert_scan_refuses ("[NaN]", -1, "NaN");
  assert_scan_refuses ("[Infinity]", -1, "NaN");
  assert_scan_refuses ("{\"n\":123456789012345678901234567890}", -1, "2^53");
  assert_scan_refuses ("{\"n\":9007199254740993}", -1, "2^53");
  assert_scan_refuses ("{\"n\":-9007199254740993}", -1, "2^53");
  assert_scan_refuses ("{\"a\":1,\"a\":2}", -1, "duplicate key “a”");
  assert_scan_refuses ("{\"a\":{\"b\":1,\"b\":1}}", -1, "duplicate key “b”");
  assert_scan_refuses ("{\"a\":1,\"\\u0061\":2}", -1, "duplicate key");
  assert_scan_refuses ("[1,2,]", -1, "trailing comma");
  assert_scan_refuses ("{\"a\":1,}", -1, "trailing comma");
  assert_scan_refuses ("{\"a\":1} // note", -1, "comments");
  assert_scan_refuses ("{'a':1}", -1, "double quotes");
  assert_scan_refuses ("{\"a\":", -1, "Invalid JSON");
  assert_scan_refuses ("not json", -1, "Invalid JSON");
  assert_scan_refuses ("\"unterminated", -1, "unterminated");
}

static void
test_json_scan_accepts (void)
{
  g_autofree char *open64 = g_strnfill (64, '[');
  g_autofree char *close64 = g_strnfill (64, ']');
  g_autofree char *deep64 = g_strconcat (open64, close64, NULL);

  assert_scan_accepts ("{}");
  assert_scan_accepts ("[]");
  assert_scan_accepts ("  {\"a\": [1, 2.5, -0, true, null, \"x\"]}  ");
  assert_scan_accepts ("{\"n\":9007199254740992}");
  assert_scan_accepts ("{\"n\":-9007199254740992}");
  assert_scan_accepts ("{\"n\":1e300}");
  assert_scan_accepts ("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}");
  assert_scan_accepts ("{\"s\":\"\\ud83d\\ude00 caf\xc3\xa9 \\\" \\\\ \\/\"}");
  assert_scan_accepts ("\"x\"");
  assert_scan_accepts (deep64);
}

/* A 30-digit integer would come out of json-glib 1.6 as -1; the scan stops it first. */
static void
test_json_scan_big_integer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = rtx_json_parse_body ("[123456789012345678901234567890]", 32,
                                                  &error);

  g_assert_null (node);
  g_assert_nonnull (error);
}

static RtxRouter *
test_router (void)
{
  static const char document[] =
    "{\"openapi\":\"3.1.0\",\"paths\":{\"/t/{id}\":{\"post\":{\"operationId\":\"t\","
    "\"x-rtx-surface\":\"standard\",\"security\":[{\"BearerAuth\":[]}],"
    "\"parameters\":[{\"name\":\"id\",\"in\":\"path\",\"required\":true,"
    "\"schema\":{\"type\":\"integer\",\"minimum\":1}},"
    "{\"name\":\"limit\",\"in\":\"query\",\"schema\":{\"type\":\"integer\",\"maximum\":50}},"
    "{\"name\":\"q\",\"in\":\"query\",\"required\":true,\"schema\":{\"type\":\"string\","
    "\"maxLength\":3}}],"
    "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":"
    "{\"$ref\":\"#/components/schemas/Thing\"}}}}}}},"
    "\"components\":{\"schemas\":{\"Thing\":{\"type\":\"object\",\"required\":[\"name\"],"
    "\"additionalProperties\":false,\"properties\":{"
    "\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":5,\"pattern\":\"^[a-z]+$\"},"
    "\"kind\":{\"enum\":[\"a\",\"b\"]},"
    "\"n\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":10},"
    "\"x\":{\"type\":[\"number\",\"null\"],\"exclusiveMinimum\":0},"
    "\"tags\":{\"type\":\"array\",\"maxItems\":2,\"items\":{\"type\":\"string\"}},"
    "\"sub\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"boolean\"}},"
    "\"alt\":{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"array\",\"items\":{\"type\":\"string\"}}]},"
    "\"both\":{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"number\"}]},"
    "\"any\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"number\"}]}}}}}}";
  static const RtxHandlerBinding none[] = { { NULL, NULL } };
  static const RtxHandlerBinding * const areas[] = { none, NULL };
  g_autoptr(GError) error = NULL;
  RtxRouter *router = rtx_router_new_from_data (document, -1, areas, &error);

  g_assert_no_error (error);
  return router;
}

static void
test_schema_body (void)
{
  static const struct {
    const char *json;
    const char *field;   /* NULL: valid */
  } cases[] = {
    { "{\"name\":\"ab\"}", NULL },
    { "{\"name\":\"ab\",\"kind\":\"b\",\"n\":10,\"x\":null,\"tags\":[\"a\",\"b\"],"
      "\"sub\":{\"on\":true}}", NULL },
    { "{\"name\":\"ab\",\"x\":0.5,\"n\":3.0}", NULL },
    { "[]", "" },
    { "{}", "name" },
    { "{\"name\":7}", "name" },
    { "{\"name\":\"\"}", "name" },
    { "{\"name\":\"abcdef\"}", "name" },
    { "{\"name\":\"AB\"}", "name" },
    { "{\"name\":\"ab\",\"kind\":\"c\"}", "kind" },
    { "{\"name\":\"ab\",\"n\":-1}", "n" },
    { "{\"name\":\"ab\",\"n\":11}", "n" },
    { "{\"name\":\"ab\",\"n\":1.5}", "n" },
    { "{\"name\":\"ab\",\"n\":\"1\"}", "n" },
    { "{\"name\":\"ab\",\"x\":0}", "x" },
    { "{\"name\":\"ab\",\"x\":\"1\"}", "x" },
    { "{\"name\":\"ab\",\"tags\":[\"a\",\"b\",\"c\"]}", "tags" },
    { "{\"name\":\"ab\",\"tags\":[\"a\",2]}", "tags[1]" },
    { "{\"name\":\"ab\",\"sub\":{\"on\":1}}", "sub.on" },
    { "{\"name\":\"ab\",\"role\":\"admin\"}", "role" },
    { "{\"name\":\"ab\",\"alt\":\"x\",\"any\":2}", NULL },
    { "{\"name\":\"ab\",\"alt\":[\"x\",\"y\"],\"both\":2.5,\"any\":2.5}", NULL },
    { "{\"name\":\"ab\",\"alt\":[\"x\",1]}", "alt" },
    { "{\"name\":\"ab\",\"alt\":{}}", "alt" },
    { "{\"name\":\"ab\",\"both\":2}", "both" },
    { "{\"name\":\"ab\",\"any\":\"2\"}", "any" },
  };
  g_autoptr(RtxRouter) router = test_router ();
  RtxOperation *operation = rtx_router_lookup_operation (router, "t");
  gboolean required;
  JsonNode *schema = rtx_schema_request_body (router, operation, &required);

  g_assert_nonnull (schema);
  g_assert_true (required);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(JsonNode) value = json_from_string (cases[i].json, NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *field = NULL;
    gboolean ok = rtx_schema_validate (router, schema, value, NULL, &field, &error);

    g_test_message ("%s", cases[i].json);
    if (cases[i].field == NULL) {
      g_assert_no_error (error);
      g_assert_true (ok);
      continue;
    }

    g_assert_false (ok);
    g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
    g_assert_cmpstr (field != NULL ? field : "", ==, cases[i].field);
    if (g_str_equal (cases[i].field, "kind"))
      g_assert_cmpstr (error->message, ==,
                       "Invalid request: “kind” must be one of [\"a\",\"b\"], not \"c\"");
    if (cases[i].field[0] != '\0') {
      g_autofree char *quoted = g_strdup_printf ("“%s”", cases[i].field);

      /* The message names the field for people, too. */
      g_assert_nonnull (strstr (error->message, quoted));
    }
  }
}

static GHashTable *
table (const char *first_key,
       ...)
{
  GHashTable *hash = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *key = first_key;
  va_list args;

  va_start (args, first_key);
  while (key != NULL) {
    g_hash_table_insert (hash, g_strdup (key), g_strdup (va_arg (args, const char *)));
    key = va_arg (args, const char *);
  }
  va_end (args);

  return hash;
}

static void
test_schema_params (void)
{
  g_autoptr(RtxRouter) router = test_router ();
  RtxOperation *operation = rtx_router_lookup_operation (router, "t");
  static const struct {
    const char *id, *limit, *q, *field;
  } cases[] = {
    { "7", "50", "abc", NULL },
    { "7", NULL, "", NULL },
    { "0", NULL, "a", "id" },
    { "x", NULL, "a", "id" },
    { "99999999999999999999999", NULL, "a", "id" },
    { "7", "51", "a", "limit" },
    { "7", "ten", "a", "limit" },
    { "7", NULL, NULL, "q" },
    { "7", NULL, "abcd", "q" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GHashTable) path = table ("id", cases[i].id, NULL);
    g_autoptr(GHashTable) query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *field = NULL;
    gboolean ok;

    if (cases[i].limit != NULL)
      g_hash_table_insert (query, g_strdup ("limit"), g_strdup (cases[i].limit));
    if (cases[i].q != NULL)
      g_hash_table_insert (query, g_strdup ("q"), g_strdup (cases[i].q));

    ok = rtx_schema_validate_params (router, operation, path, query, &field, &error);
    g_test_message ("case %u", i);
    g_assert_cmpint (ok, ==, cases[i].field == NULL);
    g_assert_cmpstr (field, ==, cases[i].field);
  }
}

static void
collect_keywords (JsonNode   *node,
                  const char *where,
                  gboolean    is_schema,
                  GPtrArray  *unsupported);

/* Members of a schema whose values are schemas, or maps/lists of schemas. */
static void
collect_schema_keywords (JsonObject *schema,
                         const char *where,
                         GPtrArray  *unsupported)
{
  g_autoptr(GList) members = json_object_get_members (schema);

  for (GList *l = members; l != NULL; l = l->next) {
    const char *name = l->data;
    JsonNode *value = json_object_get_member (schema, name);
    g_autofree char *here = g_strdup_printf ("%s/%s", where, name);

    if (!rtx_schema_keyword_is_supported (name)) {
      g_ptr_array_add (unsupported, g_steal_pointer (&here));
      continue;
    }

    if (g_str_equal (name, "properties") && JSON_NODE_HOLDS_OBJECT (value)) {
      g_autoptr(GList) props = json_object_get_members (json_node_get_object (value));

      for (GList *p = props; p != NULL; p = p->next) {
        g_autofree char *sub = g_strdup_printf ("%s/%s", here, (char *) p->data);

        collect_keywords (json_object_get_member (json_node_get_object (value), p->data), sub,
                          TRUE, unsupported);
      }
    } else if (g_str_equal (name, "items") || g_str_equal (name, "additionalProperties")) {
      collect_keywords (value, here, TRUE, unsupported);
    } else if ((g_str_equal (name, "allOf") || g_str_equal (name, "anyOf") ||
                g_str_equal (name, "oneOf")) && JSON_NODE_HOLDS_ARRAY (value)) {
      for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++) {
        g_autofree char *sub = g_strdup_printf ("%s/%u", here, i);

        collect_keywords (json_array_get_element (json_node_get_array (value), i), sub, TRUE,
                          unsupported);
      }
    }
  }
}

/* Finds every schema in the document (under a "schema" member or components/schemas) and
 * lists the keywords the validator would not check. */
static void
collect_keywords (JsonNode   *node,
                  const char *where,
                  gboolean    is_schema,
                  GPtrArray  *unsupported)
{
  g_autoptr(GList) members = NULL;

  if (JSON_NODE_HOLDS_ARRAY (node)) {
    for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++) {
      g_autofree char *here = g_strdup_printf ("%s/%u", where, i);

      collect_keywords (json_array_get_element (json_node_get_array (node), i), here, FALSE,
                        unsupported);
    }
    return;
  }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;

  if (is_schema) {
    collect_schema_keywords (json_node_get_object (node), where, unsupported);
    return;
  }

  members = json_object_get_members (json_node_get_object (node));
  for (GList *l = members; l != NULL; l = l->next) {
    const char *name = l->data;
    g_autofree char *here = g_strdup_printf ("%s/%s", where, name);
    JsonNode *child = json_object_get_member (json_node_get_object (node), name);

    if (g_str_equal (name, "example") || g_str_equal (name, "examples"))
      continue;
    collect_keywords (child, here, g_str_equal (name, "schema") ||
                      g_str_has_suffix (where, "/components/schemas"), unsupported);
  }
}

/* The document says no more than the server checks: every keyword of every schema is one
 * the validator understands, so no constraint in /api/docs is silently unenforced. */
static void
test_document_keywords (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRouter) router = rtx_router_new (&error);
  g_autoptr(GPtrArray) unsupported = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  collect_keywords (rtx_router_get_document (router), "#", FALSE, unsupported);

  for (guint i = 0; i < unsupported->len; i++)
    g_test_message ("unsupported schema keyword at %s",
                    (char *) g_ptr_array_index (unsupported, i));
  g_assert_cmpuint (unsupported->len, ==, 0);
}

/* json-glib keeps the last of two equal keys and browsers' YAML parsers (Swagger UI's) refuse
 * them, so a document that two branches both extended could route one thing and show
 * nothing: the document passes the same pre-scan as a request body. */
static void
test_document_well_formed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  const char *data;

  rtx_resources_ensure ();
  bytes = g_resources_lookup_data (RESOURCE_PREFIX "/openapi.json",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);
  rtx_json_scan (data, size, &error);
  g_assert_no_error (error);
}

static void
test_query_decode (void)
{
  const struct {
    const char *raw;
    const char *field;      /* at fault, or NULL */
    const char *problem;    /* in the message, or NULL when decoded */
  } refused[] = {
    { "q=a%00b", "q", "encoded NUL" },
    { "limit=1&q=%00", "q", "encoded NUL" },
    { "q=%0", "q", "malformed percent-escape" },
    { "q=%zz", "q", "malformed percent-escape" },
    { "q=caf%C3", "q", "not valid UTF-8" },
    { "q=%C0%80", "q", "not valid UTF-8" },
    { "a%00b=1", NULL, "name contains an encoded NUL" },
    { "%00", NULL, "name contains an encoded NUL" },
  };
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_autoptr(GHashTable) none = NULL;
    g_autoptr(GError) refusal = NULL;
    g_autofree char *field = NULL;

    g_test_message ("refuses? %s", refused[i].raw);
    none = rtx_guard_decode_query (refused[i].raw, &field, &refusal);
    g_assert_null (none);
    g_assert_error (refusal, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (refusal->message, refused[i].problem));
    g_assert_cmpstr (field, ==, refused[i].field);
  }

  /* What libsoup made of the rest is kept: '+' is a space, the last of equal names wins, a
   * name without '=' is ignored. */
  query = rtx_guard_decode_query ("q=caf%C3%A9+au+lait&limit=5&limit=7&flag&empty=&a%2Bb=%26",
                                  NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (query), ==, 4);
  g_assert_cmpstr (g_hash_table_lookup (query, "q"), ==, "café au lait");
  g_assert_cmpstr (g_hash_table_lookup (query, "limit"), ==, "7");
  g_assert_cmpstr (g_hash_table_lookup (query, "empty"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (query, "a+b"), ==, "&");
  g_assert_false (g_hash_table_contains (query, "flag"));
}

static void
test_guard_host (void)
{
  g_assert_true (rtx_guard_host_is_allowed ("127.0.0.1:3001", 3001));
  g_assert_true (rtx_guard_host_is_allowed ("localhost:3001", 3001));
  g_assert_true (rtx_guard_host_is_allowed ("LocalHost:3001", 3001));
  g_assert_true (rtx_guard_host_is_allowed ("[::1]:3001", 3001));

  g_assert_false (rtx_guard_host_is_allowed (NULL, 3001));
  g_assert_false (rtx_guard_host_is_allowed ("", 3001));
  g_assert_false (rtx_guard_host_is_allowed ("127.0.0.1", 3001));
  g_assert_false (rtx_guard_host_is_allowed ("127.0.0.1:3002", 3001));
  g_assert_false (rtx_guard_host_is_allowed ("127.0.0.1:30011", 3001));
  g_assert_false (rtx_guard_host_is_allowed ("localhost.:3001", 3001));
  g_assert_false (rtx_guard_host_is_allowed ("localhost.evil.com:3001", 3001));
  g_assert_false (rtx_guard_host_is_allowed ("evil.com:3001", 3001));
  g_assert_false (rtx_guard_host_is_allowed ("127.0.0.1.nip.io:3001", 3001));
  g_assert_false (rtx_guard_host_is_allowed ("localhost6:3001", 3001));
  g_assert_false (rtx_guard_host_is_allowed ("::1:3001", 3001));
  g_assert_false (rtx_guard_host_is_allowed (" localhost:3001", 3001));
}

static void
test_guard_origin (void)
{
  g_assert_true (rtx_guard_origin_is_own ("http://127.0.0.1:3001", 3001));
  g_assert_true (rtx_guard_origin_is_own ("http://localhost:3001", 3001));
  g_assert_true (rtx_guard_origin_is_own ("http://[::1]:3001", 3001));

  g_assert_false (rtx_guard_origin_is_own ("null", 3001));
  g_assert_false (rtx_guard_origin_is_own ("https://localhost:3001", 3001));
  g_assert_false (rtx_guard_origin_is_own ("http://localhost:3002", 3001));
  g_assert_false (rtx_guard_origin_is_own ("http://localhost", 3001));
  g_assert_false (rtx_guard_origin_is_own ("http://localhost.evil.com:3001", 3001));
  g_assert_false (rtx_guard_origin_is_own ("http://evil.com", 3001));
  g_assert_false (rtx_guard_origin_is_own ("http://localhost:3001/", 3001));
}

static void
test_guard_embed_path (void)
{
  g_autofree char *id = rtx_guard_embed_id_for_path ("/api/embed/abc-123/stream-chat");
  g_autofree char *bare = rtx_guard_embed_id_for_path ("/api/embed/abc");
  g_autofree char *none = rtx_guard_embed_id_for_path ("/api/embed/");
  g_autofree char *other = rtx_guard_embed_id_for_path ("/api/embedded/abc");

  g_assert_cmpstr (id, ==, "abc-123");
  g_assert_cmpstr (bare, ==, "abc");
  g_assert_null (none);
  g_assert_null (other);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/rtx/validation/json-scan/refuses", test_json_scan_refuses);
  g_test_add_func ("/rtx/validation/json-scan/accepts", test_json_scan_accepts);
  g_test_add_func ("/rtx/validation/json-scan/big-integer", test_json_scan_big_integer);
  g_test_add_func ("/rtx/validation/schema/body", test_schema_body);
  g_test_add_func ("/rtx/validation/schema/params", test_schema_params);
  g_test_add_func ("/rtx/validation/schema/document-keywords", test_document_keywords);
  g_test_add_func ("/rtx/validation/schema/document-well-formed", test_document_well_formed);
  g_test_add_func ("/rtx/validation/guards/host", test_guard_host);
  g_test_add_func ("/rtx/validation/guards/query", test_query_decode);
  g_test_add_func ("/rtx/validation/guards/origin", test_guard_origin);
  g_test_add_func ("/rtx/validation/guards/embed-path", test_guard_embed_path);

  return g_test_run ();
}
