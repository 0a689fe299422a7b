/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rtx-error.h"
#include "rtx-json.h"
#include "rtx-schema.h"

/* The JSON Schema subset that openapi.json's schemas are written in (DESIGN.md §2): type,
 * required, properties, additionalProperties, enum, const, minimum/maximum (and the exclusive
 * pair), minLength/maxLength, pattern, items, minItems/maxItems, min/maxProperties, allOf,
 * anyOf, oneOf and local $refs. A unit test
 * walks the document and refuses any other validation keyword, so a schema never says more
 * than the server checks. */

static const char * const supported_keywords[] = {
  "type", "required", "properties", "additionalProperties", "enum", "const",
  "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
  "pattern", "items", "minItems", "maxItems", "minProperties", "maxProperties", "allOf", "anyOf", "oneOf", "$ref",
  /* annotations, which validate nothing */
  "title", "description", "examples", "example", "default", "format", "readOnly", "writeOnly",
  "deprecated",
};

typedef struct {
  RtxRouter *router;
  GString   *path;
  guint      depth;   /* of $refs and nesting, against a document that refers to itself */
} Ctx;

G_LOCK_DEFINE_STATIC (patterns);
static GHashTable *patterns;

gboolean
rtx_schema_keyword_is_supported (const char *keyword)
{
  for (guint i = 0; i < G_N_ELEMENTS (supported_keywords); i++) {
    if (g_str_equal (keyword, supported_keywords[i]))
      return TRUE;
  }

  return g_str_has_prefix (keyword, "x-");
}

static GRegex *
lookup_pattern (const char *pattern)
{
  GRegex *regex;

  G_LOCK (patterns);
  if (patterns == NULL)
    patterns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_regex_unref);
  regex = g_hash_table_lookup (patterns, pattern);
  if (regex == NULL) {
    g_autoptr(GError) error = NULL;

    regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, &error);
    if (regex == NULL)
      g_critical ("openapi.json has an invalid pattern %s: %s", pattern, error->message);
    else
      g_hash_table_insert (patterns, g_strdup (pattern), regex);
  }
  G_UNLOCK (patterns);

  return regex;
}

static gboolean
fail (Ctx         *ctx,
      char       **out_field,
      GError     **error,
      const char  *format,
      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (Ctx         *ctx,
      char       **out_field,
      GError     **error,
      const char  *format,
      ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (ctx->path->len == 0)
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "Invalid request: the body %s",
                 what);
  else
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "Invalid request: “%s” %s",
                 ctx->path->str, what);
  if (out_field != NULL)
    *out_field = ctx->path->len > 0 ? g_strdup (ctx->path->str) : NULL;
  return FALSE;
}

/* How a type reads in an error message. */
static const char *
type_phrase (const char *type)
{
  static const char * const phrases[][2] = {
    { "object", "a JSON object" }, { "array", "an array" }, { "string", "a string" },
    { "integer", "an integer" }, { "number", "a number" }, { "boolean", "true or false" },
    { "null", "null" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (phrases); i++) {
    if (g_str_equal (type, phrases[i][0]))
      return phrases[i][1];
  }

  return type;
}

static gboolean
has_type (JsonNode   *value,
          const char *type)
{
  GType vtype = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;

  if (g_str_equal (type, "null"))
    return JSON_NODE_HOLDS_NULL (value);
  if (g_str_equal (type, "object"))
    return JSON_NODE_HOLDS_OBJECT (value);
  if (g_str_equal (type, "array"))
    return JSON_NODE_HOLDS_ARRAY (value);
  if (g_str_equal (type, "string"))
    return vtype == G_TYPE_STRING;
  if (g_str_equal (type, "boolean"))
    return vtype == G_TYPE_BOOLEAN;
  if (g_str_equal (type, "number"))
    return vtype == G_TYPE_INT64 || vtype == G_TYPE_DOUBLE;
  if (g_str_equal (type, "integer"))
    return vtype == G_TYPE_INT64 ||
           (vtype == G_TYPE_DOUBLE && json_node_get_double (value) == floor (json_node_get_double (value)));

  return FALSE;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static gboolean
member_number (JsonObject *object,
               const char *name,
               double     *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

static gboolean validate (Ctx *ctx, JsonNode *schema, JsonNode *value, char **out_field,
                          GError **error);

static gboolean
check_type (Ctx         *ctx,
            JsonObject  *schema,
            JsonNode    *value,
            char       **out_field,
            GError     **error)
{
  JsonNode *type = json_object_get_member (schema, "type");
  g_autoptr(GString) names = NULL;

  if (type == NULL)
    return TRUE;

  if (json_node_get_value_type (type) == G_TYPE_STRING)
    return has_type (value, json_node_get_string (type)) ||
           fail (ctx, out_field, error, "must be %s", type_phrase (json_node_get_string (type)));

  if (!JSON_NODE_HOLDS_ARRAY (type))
    return TRUE;

  names = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (type)); i++) {
    const char *name = json_array_get_string_element (json_node_get_array (type), i);

    if (has_type (value, name))
      return TRUE;
    g_string_append_printf (names, "%s%s", i > 0 ? " or " : "", type_phrase (name));
  }

  return fail (ctx, out_field, error, "must be %s", names->str);
}

/* A copy of an enum's values for its error message. json_to_string() takes references on the
 * node it prints, and json-glib 1.6 counts the references of arrays, objects and values
 * without atomics; the document's nodes are read from several threads at once (large bodies
 * are checked in a worker), so they are only ever read, never referenced. Values in enums are
 * scalars; anything else is shown as null. */
static JsonNode *
enum_copy (JsonArray *values)
{
  JsonArray *copy = json_array_sized_new (json_array_get_length (values));
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < json_array_get_length (values); i++) {
    JsonNode *value = json_array_get_element (values, i);
    GType type = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value)
                                                : G_TYPE_INVALID;

    if (type == G_TYPE_STRING)
      json_array_add_string_element (copy, json_node_get_string (value));
    else if (type == G_TYPE_INT64)
      json_array_add_int_element (copy, json_node_get_int (value));
    else if (type == G_TYPE_DOUBLE)
      json_array_add_double_element (copy, json_node_get_double (value));
    else if (type == G_TYPE_BOOLEAN)
      json_array_add_boolean_element (copy, json_node_get_boolean (value));
    else
      json_array_add_null_element (copy);
  }

  json_node_take_array (node, copy);
  return node;
}

static gboolean
check_enum (Ctx         *ctx,
            JsonObject  *schema,
            JsonNode    *value,
            char       **out_field,
            GError     **error)
{
  JsonNode *allowed = json_object_get_member (schema, "enum");
  JsonNode *constant = json_object_get_member (schema, "const");

  if (constant != NULL && !json_node_equal (constant, value))
    return fail (ctx, out_field, error, "has the wrong value");

  if (allowed == NULL || !JSON_NODE_HOLDS_ARRAY (allowed))
    return TRUE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (allowed)); i++) {
    if (json_node_equal (json_array_get_element (json_node_get_array (allowed), i), value))
      return TRUE;
  }

  {
    g_autoptr(JsonNode) copy = enum_copy (json_node_get_array (allowed));
    g_autofree char *list = rtx_json_to_string (copy, FALSE);
    g_autofree char *given = rtx_json_to_string (value, FALSE);

    if (strlen (given) > 64)
      given[64] = '\0';
    return fail (ctx, out_field, error, "must be one of %s, not %s", list, given);
  }
}

static gboolean
check_string (Ctx         *ctx,
              JsonObject  *schema,
              JsonNode    *value,
              char       **out_field,
              GError     **error)
{
  const char *text = json_node_get_string (value);
  glong length = g_utf8_strlen (text, -1);
  const char *pattern = member_string (schema, "pattern");
  double limit;

  if (member_number (schema, "minLength", &limit) && length < limit)
    return fail (ctx, out_field, error, "must be at least %.0f characters long", limit);
  if (member_number (schema, "maxLength", &limit) && length > limit)
    return fail (ctx, out_field, error, "must be at most %.0f characters long", limit);

  if (pattern != NULL) {
    GRegex *regex = lookup_pattern (pattern);

    if (regex != NULL && !g_regex_match (regex, text, 0, NULL))
      return fail (ctx, out_field, error, "must match the pattern %s", pattern);
  }

  return TRUE;
}

static gboolean
check_number (Ctx         *ctx,
              JsonObject  *schema,
              JsonNode    *value,
              char       **out_field,
              GError     **error)
{
  double number = json_node_get_value_type (value) == G_TYPE_INT64
                  ? (double) json_node_get_int (value) : json_node_get_double (value);
  double limit;

  if (member_number (schema, "minimum", &limit) && number < limit)
    return fail (ctx, out_field, error, "must be at least %g", limit);
  if (member_number (schema, "maximum", &limit) && number > limit)
    return fail (ctx, out_field, error, "must be at most %g", limit);
  if (member_number (schema, "exclusiveMinimum", &limit) && number <= limit)
    return fail (ctx, out_field, error, "must be more than %g", limit);
  if (member_number (schema, "exclusiveMaximum", &limit) && number >= limit)
    return fail (ctx, out_field, error, "must be less than %g", limit);

  return TRUE;
}

/* Appends ".name" (or "name" at the root) to the path, and returns the old length. */
static gsize
path_push (Ctx        *ctx,
           const char *member,
           int         index)
{
  gsize old = ctx->path->len;

  if (member != NULL)
    g_string_append_printf (ctx->path, "%s%s", old > 0 ? "." : "", member);
  else
    g_string_append_printf (ctx->path, "[%d]", index);
  ctx->depth++;
  return old;
}

static void
path_pop (Ctx   *ctx,
          gsize  old)
{
  g_string_truncate (ctx->path, old);
  ctx->depth--;
}

static gboolean
check_object (Ctx         *ctx,
              JsonObject  *schema,
              JsonNode    *value,
              char       **out_field,
              GError     **error)
{
  JsonObject *object = json_node_get_object (value);
  JsonNode *required = json_object_get_member (schema, "required");
  JsonNode *properties = json_object_get_member (schema, "properties");
  JsonNode *additional = json_object_get_member (schema, "additionalProperties");
  JsonObject *props = properties != NULL && JSON_NODE_HOLDS_OBJECT (properties)
                      ? json_node_get_object (properties) : NULL;
  g_autoptr(GList) members = NULL;
  double limit;

  if (member_number (schema, "minProperties", &limit) && json_object_get_size (object) < limit)
    return fail (ctx, out_field, error, "must have at least %.0f field%s", limit,
                 limit == 1 ? "" : "s");
  if (member_number (schema, "maxProperties", &limit) && json_object_get_size (object) > limit)
    return fail (ctx, out_field, error, "must have at most %.0f fields", limit);

  if (required != NULL && JSON_NODE_HOLDS_ARRAY (required)) {
    for (guint i = 0; i < json_array_get_length (json_node_get_array (required)); i++) {
      const char *name = json_array_get_string_element (json_node_get_array (required), i);

      if (!json_object_has_member (object, name)) {
        gsize old = path_push (ctx, name, 0);
        gboolean ok = fail (ctx, out_field, error, "is required");

        path_pop (ctx, old);
        return ok;
      }
    }
  }

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next) {
    const char *name = l->data;
    JsonNode *sub = props != NULL ? json_object_get_member (props, name) : NULL;
    gsize old = path_push (ctx, name, 0);
    gboolean ok = TRUE;

    if (sub == NULL)
      sub = additional;
    if (sub != NULL && JSON_NODE_HOLDS_VALUE (sub) && !json_node_get_boolean (sub))
      ok = fail (ctx, out_field, error, "is not a known field");
    else if (sub != NULL)
      ok = validate (ctx, sub, json_object_get_member (object, name), out_field, error);

    path_pop (ctx, old);
    if (!ok)
      return FALSE;
  }

  return TRUE;
}

static gboolean
check_array (Ctx         *ctx,
             JsonObject  *schema,
             JsonNode    *value,
             char       **out_field,
             GError     **error)
{
  JsonArray *array = json_node_get_array (value);
  JsonNode *items = json_object_get_member (schema, "items");
  guint n = json_array_get_length (array);
  double limit;

  if (member_number (schema, "minItems", &limit) && n < limit)
    return fail (ctx, out_field, error, "must have at least %.0f items", limit);
  if (member_number (schema, "maxItems", &limit) && n > limit)
    return fail (ctx, out_field, error, "must have at most %.0f items", limit);

  for (guint i = 0; items != NULL && i < n; i++) {
    gsize old = path_push (ctx, NULL, i);
    gboolean ok = validate (ctx, items, json_array_get_element (array, i), out_field, error);

    path_pop (ctx, old);
    if (!ok)
      return FALSE;
  }

  return TRUE;
}

/* Every schema of allOf applies, each on its own (as JSON Schema has it). */
static gboolean
check_all_of (Ctx         *ctx,
              JsonObject  *schema,
              JsonNode    *value,
              char       **out_field,
              GError     **error)
{
  JsonNode *all_of = json_object_get_member (schema, "allOf");

  if (all_of == NULL || !JSON_NODE_HOLDS_ARRAY (all_of))
    return TRUE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (all_of)); i++) {
    if (!validate (ctx, json_array_get_element (json_node_get_array (all_of), i), value,
                   out_field, error))
      return FALSE;
  }

  return TRUE;
}

/* anyOf: at least one schema applies; oneOf: exactly one. The branches are tried quietly. */
static gboolean
check_alternatives (Ctx         *ctx,
                    JsonObject  *schema,
                    JsonNode    *value,
                    char       **out_field,
                    GError     **error)
{
  JsonNode *any_of = json_object_get_member (schema, "anyOf");
  JsonNode *one_of = json_object_get_member (schema, "oneOf");
  JsonNode *list = one_of != NULL ? one_of : any_of;
  guint matches = 0;

  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return TRUE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++) {
    gsize old = ctx->path->len;

    if (validate (ctx, json_array_get_element (json_node_get_array (list), i), value, NULL,
                  NULL))
      matches++;
    g_string_truncate (ctx->path, old);
  }

  if (one_of != NULL && matches > 1)
    return fail (ctx, out_field, error, "matches more than one of its allowed forms");
  if (matches == 0)
    return fail (ctx, out_field, error, "matches none of its allowed forms");

  return TRUE;
}

/**
 * rtx_schema_resolve_object:
 * @router: the router whose document holds the `$ref`s
 * @node: (nullable): a schema, a `$ref` to one, or anything else
 *
 * Returns: (transfer none) (nullable): the object @node is or refers to (through any number
 *   of `$ref`s), or %NULL
 */
JsonObject *
rtx_schema_resolve_object (RtxRouter *router,
                           JsonNode  *node)
{
  for (guint hops = 0; node != NULL && JSON_NODE_HOLDS_OBJECT (node) && hops < 16; hops++) {
    const char *ref = member_string (json_node_get_object (node), "$ref");

    if (ref == NULL)
      return json_node_get_object (node);
    node = rtx_router_resolve_ref (router, ref, NULL);
  }

  return NULL;
}

static gboolean
validate (Ctx       *ctx,
          JsonNode  *schema_node,
          JsonNode  *value,
          char     **out_field,
          GError   **error)
{
  JsonObject *schema;

  if (JSON_NODE_HOLDS_VALUE (schema_node) &&
      json_node_get_value_type (schema_node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (schema_node) ||
           fail (ctx, out_field, error, "is not allowed");

  schema = rtx_schema_resolve_object (ctx->router, schema_node);
  if (schema == NULL) {
    g_critical ("openapi.json: a schema does not resolve");
    return fail (ctx, out_field, error, "cannot be checked");
  }

  if (!check_type (ctx, schema, value, out_field, error) ||
      !check_enum (ctx, schema, value, out_field, error) ||
      !check_all_of (ctx, schema, value, out_field, error) ||
      !check_alternatives (ctx, schema, value, out_field, error))
    return FALSE;

  if (JSON_NODE_HOLDS_OBJECT (value))
    return check_object (ctx, schema, value, out_field, error);
  if (JSON_NODE_HOLDS_ARRAY (value))
    return check_array (ctx, schema, value, out_field, error);
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return check_string (ctx, schema, value, out_field, error);
  if (has_type (value, "number"))
    return check_number (ctx, schema, value, out_field, error);

  return TRUE;
}

/**
 * rtx_schema_validate:
 * @router: the router whose document holds the `$ref`s of @schema
 * @schema: a schema of the document
 * @value: the value to check
 * @name: (nullable): what @value is, for messages (e.g. `body`, a parameter's name)
 * @out_field: (out) (optional) (transfer full): the field that failed, e.g. `items[2].name`
 * @error: return location for an error
 *
 * Checks @value against @schema. The error (%RTX_ERROR_INVALID_ARGUMENT) names the first
 * field that fails and says why.
 *
 * Returns: %TRUE when @value is valid
 */
gboolean
rtx_schema_validate (RtxRouter  *router,
                     JsonNode   *schema,
                     JsonNode   *value,
                     const char *name,
                     char      **out_field,
                     GError    **error)
{
  g_autoptr(GString) path = g_string_new (name);
  Ctx ctx = { router, path, 0 };

  g_return_val_if_fail (RTX_IS_ROUTER (router), FALSE);
  g_return_val_if_fail (schema != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  return validate (&ctx, schema, value, out_field, error);
}

/* A parameter arrives as text; it is read as the type its schema asks for. */
static JsonNode *
coerce_param (RtxRouter  *router,
              JsonNode   *schema_node,
              const char *text)
{
  JsonObject *schema = rtx_schema_resolve_object (router, schema_node);
  const char *type = schema != NULL ? member_string (schema, "type") : NULL;
  JsonNode *node = json_node_alloc ();
  gint64 integer;
  char *end = NULL;
  double number;

  if (g_strcmp0 (type, "integer") == 0 &&
      g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &integer, NULL))
    return json_node_init_int (node, integer);

  if (g_strcmp0 (type, "number") == 0) {
    number = g_ascii_strtod (text, &end);
    if (end != text && *end == '\0' && isfinite (number))
      return json_node_init_double (node, number);
  }

  if (g_strcmp0 (type, "boolean") == 0 && (g_str_equal (text, "true") || g_str_equal (text, "false")))
    return json_node_init_boolean (node, g_str_equal (text, "true"));

  return json_node_init_string (node, text);
}

static gboolean
validate_param (RtxRouter   *router,
                JsonObject  *param,
                GHashTable  *path_params,
                GHashTable  *query,
                char       **out_field,
                GError     **error)
{
  const char *name = member_string (param, "name");
  const char *in = member_string (param, "in");
  JsonNode *required = json_object_get_member (param, "required");
  JsonNode *schema = json_object_get_member (param, "schema");
  GHashTable *source = NULL;
  const char *text;
  g_autoptr(JsonNode) value = NULL;

  if (name == NULL || in == NULL)
    return TRUE;
  if (g_str_equal (in, "path"))
    source = path_params;
  else if (g_str_equal (in, "query"))
    source = query;
  else
    return TRUE;  /* headers are the credential checks' business */

  text = source != NULL ? g_hash_table_lookup (source, name) : NULL;
  if (text == NULL) {
    if (required != NULL && json_node_get_value_type (required) == G_TYPE_BOOLEAN &&
        json_node_get_boolean (required)) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "Invalid request: the %s parameter “%s” is required", in, name);
      if (out_field != NULL)
        *out_field = g_strdup (name);
      return FALSE;
    }
    return TRUE;
  }

  if (schema == NULL)
    return TRUE;

  value = coerce_param (router, schema, text);
  return rtx_schema_validate (router, schema, value, name, out_field, error);
}

static gboolean
validate_param_list (RtxRouter   *router,
                     JsonObject  *holder,
                     GHashTable  *path_params,
                     GHashTable  *query,
                     char       **out_field,
                     GError     **error)
{
  JsonNode *list = json_object_get_member (holder, "parameters");

  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return TRUE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++) {
    JsonNode *element = json_array_get_element (json_node_get_array (list), i);
    JsonObject *param = rtx_schema_resolve_object (router, element);

    if (param != NULL &&
        !validate_param (router, param, path_params, query, out_field, error))
      return FALSE;
  }

  return TRUE;
}

/**
 * rtx_schema_validate_params:
 * @router: the router
 * @operation: the operation a request was routed to
 * @path_params: (nullable): its path parameters, decoded
 * @query: (nullable): its query parameters, decoded
 * @out_field: (out) (optional) (transfer full): the parameter that failed
 * @error: return location for an error
 *
 * Checks the path and query parameters that the operation (and its path item) declare:
 * required ones are present, and each is read as its schema's type and validated.
 *
 * Returns: %TRUE when they are valid
 */
gboolean
rtx_schema_validate_params (RtxRouter     *router,
                            RtxOperation  *operation,
                            GHashTable    *path_params,
                            GHashTable    *query,
                            char         **out_field,
                            GError       **error)
{
  return validate_param_list (router, rtx_operation_get_path_item (operation), path_params,
                              query, out_field, error) &&
         validate_param_list (router, rtx_operation_get_json (operation), path_params, query,
                              out_field, error);
}

/**
 * rtx_schema_request_body:
 * @router: the router
 * @operation: an operation
 * @out_required: (out) (optional): whether the body is required
 *
 * Returns: (transfer none) (nullable): the schema of the operation's JSON request body, or
 *   %NULL when it declares none
 */
JsonNode *
rtx_schema_request_body (RtxRouter    *router,
                         RtxOperation *operation,
                         gboolean     *out_required)
{
  JsonObject *body = rtx_schema_resolve_object (
    router, json_object_get_member (rtx_operation_get_json (operation), "requestBody"));
  JsonNode *node;
  JsonObject *content;
  JsonObject *media;

  if (out_required != NULL)
    *out_required = FALSE;
  if (body == NULL)
    return NULL;

  node = json_object_get_member (body, "required");
  if (out_required != NULL && node != NULL &&
      json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    *out_required = json_node_get_boolean (node);

  node = json_object_get_member (body, "content");
  content = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  node = content != NULL ? json_object_get_member (content, "application/json") : NULL;
  media = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  return media != NULL ? json_object_get_member (media, "schema") : NULL;
}
