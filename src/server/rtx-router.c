/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-error.h"
#include "rtx-resources.h"
#include "rtx-router.h"

/* The methods an OpenAPI path item may hold, in the order `Allow` lists them. */
static const char * const known_methods[] = {
  "get", "head", "post", "put", "patch", "delete", "options", "trace",
};

/* Path item members that are not operations. */
static const char * const path_item_fields[] = {
  "summary", "description", "parameters", "servers",
};

typedef struct {
  char     *text;      /* the literal, or the parameter's name */
  gboolean  is_param;
} Segment;

typedef struct {
  char      *path;
  Segment   *segments;
  guint      n_segments;
  GPtrArray *operations;
} Route;

struct _RtxRouter {
  GObject                          parent_instance;

  JsonNode                        *document;
  GPtrArray                       *routes;      /* Route, most specific first */
  GPtrArray                       *by_length;   /* n → GPtrArray of the routes of n segments,
                                                 * in the same order, or NULL */
  GHashTable                      *literal;     /* path → Route, for routes without a
                                                 * parameter */
  GPtrArray                       *operations;  /* RtxOperation, in document order */
  GHashTable                      *by_id;       /* operationId → RtxOperation */
  const RtxHandlerBinding * const *areas;
};

G_DEFINE_FINAL_TYPE (RtxRouter, rtx_router, G_TYPE_OBJECT)

static void
route_free (Route *route)
{
  for (guint i = 0; i < route->n_segments; i++)
    g_free (route->segments[i].text);
  g_free (route->segments);
  g_free (route->path);
  g_ptr_array_unref (route->operations);
  g_free (route);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Route, route_free)

static gboolean
param_name_is_valid (const char *name,
                     gsize       len)
{
  if (len == 0)
    return FALSE;

  for (gsize i = 0; i < len; i++) {
    if (!g_ascii_isalnum (name[i]) && name[i] != '_')
      return FALSE;
  }

  return TRUE;
}

/* A template segment is a literal or a whole `{name}`; partial templates such as
 * `{name}.json` are refused so that matching stays a plain comparison per segment. */
static gboolean
parse_segment (const char  *part,
               Segment     *segment,
               GError     **error)
{
  gsize len = strlen (part);

  if (len == 0) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "empty segment");
    return FALSE;
  }

  if (part[0] == '{' && part[len - 1] == '}' && param_name_is_valid (part + 1, len - 2)) {
    segment->text = g_strndup (part + 1, len - 2);
    segment->is_param = TRUE;
    return TRUE;
  }

  if (strchr (part, '{') != NULL || strchr (part, '}') != NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "segment “%s” must be a literal or a whole {name}", part);
    return FALSE;
  }

  /* A request path with such a segment matches nothing (decode_path()), and a template with
   * one must not either, even through rtx_router_match()'s literal table. */
  if (g_str_equal (part, ".") || g_str_equal (part, "..")) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "segment “%s” is not allowed", part);
    return FALSE;
  }

  segment->text = g_strdup (part);
  segment->is_param = FALSE;
  return TRUE;
}

static Route *
route_new (const char  *path,
           GError     **error)
{
  g_autoptr(Route) route = g_new0 (Route, 1);
  g_auto(GStrv) parts = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  route->path = g_strdup (path);
  route->operations = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_operation_unref);

  if (path[0] != '/') {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "%s: must start with /", path);
    return NULL;
  }

  parts = g_strsplit (path + 1, "/", -1);
  route->n_segments = g_strv_length (parts);
  route->segments = g_new0 (Segment, route->n_segments);

  for (guint i = 0; i < route->n_segments; i++) {
    Segment *segment = &route->segments[i];

    if (!parse_segment (parts[i], segment, error)) {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

    if (segment->is_param && !g_hash_table_add (names, segment->text)) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "%s: parameter {%s} appears twice", path, segment->text);
      return NULL;
    }
  }

  return g_steal_pointer (&route);
}

/* Literal segments win over parameters: of two templates that both match a path, the one
 * with a literal at the first position where they differ is tried first. */
static int
route_compare (gconstpointer a,
               gconstpointer b)
{
  const Route *ra = *(const Route * const *) a;
  const Route *rb = *(const Route * const *) b;

  if (ra->n_segments != rb->n_segments)
    return ra->n_segments < rb->n_segments ? -1 : 1;

  for (guint i = 0; i < ra->n_segments; i++) {
    if (ra->segments[i].is_param != rb->segments[i].is_param)
      return ra->segments[i].is_param ? 1 : -1;
  }

  return strcmp (ra->path, rb->path);
}

/* Two templates that differ only in their parameters' names match the same paths. */
static char *
route_shape (const Route *route)
{
  GString *shape = g_string_new (NULL);

  for (guint i = 0; i < route->n_segments; i++) {
    g_string_append_c (shape, '/');
    g_string_append (shape, route->segments[i].is_param ? "{}" : route->segments[i].text);
  }

  return g_string_free (shape, FALSE);
}

static RtxHandlerFunc
find_handler (const RtxHandlerBinding * const *areas,
              const char                      *operation_id)
{
  for (guint i = 0; areas[i] != NULL; i++) {
    for (const RtxHandlerBinding *b = areas[i]; b->operation_id != NULL; b++) {
      if (g_str_equal (b->operation_id, operation_id))
        return b->handler;
    }
  }

  return NULL;
}

static gboolean
strv_contains (const char * const *strv,
               gsize               n,
               const char         *str)
{
  for (gsize i = 0; i < n; i++) {
    if (g_str_equal (strv[i], str))
      return TRUE;
  }

  return FALSE;
}

static gboolean
add_operation (RtxRouter   *self,
               Route       *route,
               const char  *method,
               JsonObject  *path_item,
               JsonArray   *default_security,
               GError     **error)
{
  JsonNode *node = json_object_get_member (path_item, method);
  g_autoptr(RtxOperation) operation = NULL;
  const char *id;

  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "%s %s: not an object", method, route->path);
    return FALSE;
  }

  operation = rtx_operation_new_from_json (method, route->path, path_item,
                                           json_node_get_object (node), default_security, error);
  if (operation == NULL) {
    g_prefix_error (error, "%s %s: ", method, route->path);
    return FALSE;
  }

  id = rtx_operation_get_id (operation);
  if (g_hash_table_contains (self->by_id, id)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "operationId “%s” is used twice", id);
    return FALSE;
  }

  rtx_operation_set_handler (operation, find_handler (self->areas, id));
  g_hash_table_insert (self->by_id, (gpointer) id, rtx_operation_ref (operation));
  g_ptr_array_add (self->operations, rtx_operation_ref (operation));
  g_ptr_array_add (route->operations, g_steal_pointer (&operation));
  return TRUE;
}

/* Refuses what the router would otherwise silently ignore: a `$ref`ed path item, a method
 * name with a typo. */
static gboolean
check_path_item_members (const char  *path,
                         JsonObject  *path_item,
                         GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (path_item);

  for (GList *l = members; l != NULL; l = l->next) {
    const char *name = l->data;

    if (!strv_contains (known_methods, G_N_ELEMENTS (known_methods), name) &&
        !strv_contains (path_item_fields, G_N_ELEMENTS (path_item_fields), name) &&
        !g_str_has_prefix (name, "x-")) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "%s: unsupported member “%s”", path, name);
      return FALSE;
    }
  }

  return TRUE;
}

static gboolean
add_path (RtxRouter   *self,
          const char  *path,
          JsonNode    *node,
          JsonArray   *default_security,
          GError     **error)
{
  g_autoptr(Route) route = NULL;
  JsonObject *path_item;

  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "%s: not an object", path);
    return FALSE;
  }
  path_item = json_node_get_object (node);

  route = route_new (path, error);
  if (route == NULL)
    return FALSE;

  /* Walk the methods in a fixed order so that routes list them as `Allow` will. */
  for (guint i = 0; i < G_N_ELEMENTS (known_methods); i++) {
    if (json_object_has_member (path_item, known_methods[i]) &&
        !add_operation (self, route, known_methods[i], path_item, default_security, error))
      return FALSE;
  }

  if (!check_path_item_members (path, path_item, error))
    return FALSE;

  if (route->operations->len == 0) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "%s: no operation", path);
    return FALSE;
  }

  g_ptr_array_add (self->routes, g_steal_pointer (&route));
  return TRUE;
}

static gboolean
check_no_ambiguous_routes (RtxRouter  *self,
                           GError    **error)
{
  g_autoptr(GHashTable) shapes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < self->routes->len; i++) {
    Route *route = g_ptr_array_index (self->routes, i);
    char *shape = route_shape (route);
    Route *other = g_hash_table_lookup (shapes, shape);

    if (other != NULL) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "%s and %s match the same paths", other->path, route->path);
      g_free (shape);
      return FALSE;
    }
    g_hash_table_insert (shapes, shape, route);
  }

  return TRUE;
}

static gboolean
route_has_params (const Route *route)
{
  for (guint i = 0; i < route->n_segments; i++) {
    if (route->segments[i].is_param)
      return TRUE;
  }

  return FALSE;
}

/* A path only matches routes of as many segments, so each request looks at those alone; and
 * most requests name a route without parameters, found by one lookup of the path as it came. */
static void
index_routes (RtxRouter *self)
{
  g_clear_pointer (&self->by_length, g_ptr_array_unref);
  g_clear_pointer (&self->literal, g_hash_table_unref);
  self->by_length = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->literal = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->routes->len; i++) {
    Route *route = g_ptr_array_index (self->routes, i);

    if (!route_has_params (route))
      g_hash_table_insert (self->literal, route->path, route);

    if (self->by_length->len <= route->n_segments)
      g_ptr_array_set_size (self->by_length, route->n_segments + 1);
    if (g_ptr_array_index (self->by_length, route->n_segments) == NULL)
      g_ptr_array_index (self->by_length, route->n_segments) = g_ptr_array_new ();
    g_ptr_array_add (g_ptr_array_index (self->by_length, route->n_segments), route);
  }

  /* Lengths no route has get an empty list, not a hole. */
  for (guint n = 0; n < self->by_length->len; n++) {
    if (g_ptr_array_index (self->by_length, n) == NULL)
      g_ptr_array_index (self->by_length, n) = g_ptr_array_new ();
  }
}

static gboolean
load_document (RtxRouter   *self,
               const char  *data,
               gssize       length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *root;
  JsonObject *paths;
  JsonArray *default_security = NULL;
  g_autoptr(GList) members = NULL;
  JsonNode *node;

  if (!json_parser_load_from_data (parser, data, length, error))
    return FALSE;

  self->document = json_parser_steal_root (parser);
  if (self->document == NULL || !JSON_NODE_HOLDS_OBJECT (self->document)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "not a JSON object");
    return FALSE;
  }
  root = json_node_get_object (self->document);

  node = json_object_get_member (root, "openapi");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING ||
      !g_str_has_prefix (json_node_get_string (node), "3.1.")) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "not OpenAPI 3.1");
    return FALSE;
  }

  node = json_object_get_member (root, "paths");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "no paths");
    return FALSE;
  }
  paths = json_node_get_object (node);

  node = json_object_get_member (root, "security");
  if (node != NULL && !JSON_NODE_HOLDS_ARRAY (node)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "security is not a list");
    return FALSE;
  }
  if (node != NULL)
    default_security = json_node_get_array (node);

  members = json_object_get_members (paths);
  for (GList *l = members; l != NULL; l = l->next) {
    if (!add_path (self, l->data, json_object_get_member (paths, l->data), default_security,
                   error))
      return FALSE;
  }

  g_ptr_array_sort (self->routes, route_compare);
  index_routes (self);
  return check_no_ambiguous_routes (self, error);
}

static void
rtx_router_finalize (GObject *object)
{
  RtxRouter *self = (RtxRouter *) object;

  g_clear_pointer (&self->by_length, g_ptr_array_unref);
  g_clear_pointer (&self->literal, g_hash_table_unref);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_pointer (&self->operations, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->document, json_node_unref);

  G_OBJECT_CLASS (rtx_router_parent_class)->finalize (object);
}

static void
rtx_router_class_init (RtxRouterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rtx_router_finalize;
}

static void
rtx_router_init (RtxRouter *self)
{
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
  self->operations = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_operation_unref);
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) rtx_operation_unref);
}

/**
 * rtx_router_new_from_data:
 * @data: an OpenAPI 3.1 document
 * @length: its length, or -1 if it is nul-terminated
 * @areas: the handler tables to bind operations to (see rtx_handlers_get_areas())
 * @error: return location for an error
 *
 * Builds a routing table from @data. The document must be one the router fully understands
 * (every operation with an `operationId`, an `x-rtx-surface` and a security requirement;
 * templates whose parameters are whole segments; no two templates matching the same paths);
 * anything else is an error rather than a route that silently behaves differently.
 * Operations without a handler are kept: rtx_router_check_bindings() reports them.
 *
 * Returns: (transfer full): a router, or %NULL with @error set
 */
RtxRouter *
rtx_router_new_from_data (const char                       *data,
                          gssize                            length,
                          const RtxHandlerBinding * const  *areas,
                          GError                          **error)
{
  g_autoptr(RtxRouter) self = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (areas != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (RTX_TYPE_ROUTER, NULL);
  self->areas = areas;

  if (!load_document (self, data, length, error)) {
    g_prefix_error (error, "openapi.json: ");
    return NULL;
  }

  return g_steal_pointer (&self);
}

/**
 * rtx_router_new:
 * @error: return location for an error
 *
 * Builds the routing table from the openapi.json compiled into the program, bound to the
 * handlers of rtx_handlers_get_areas().
 *
 * Returns: (transfer full): a router, or %NULL with @error set
 */
RtxRouter *
rtx_router_new (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  const char *data;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rtx_resources_ensure ();
  bytes = g_resources_lookup_data (RESOURCE_PREFIX "/openapi.json",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);
  return rtx_router_new_from_data (data, size, rtx_handlers_get_areas (), error);
}

static void
append_list (GString    *message,
             const char *title,
             GPtrArray  *names)
{
  if (names->len == 0)
    return;

  if (message->len > 0)
    g_string_append (message, "; ");
  g_string_append (message, title);

  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (message, "%s%s", i == 0 ? " " : ", ",
                            (const char *) g_ptr_array_index (names, i));
}

/**
 * rtx_router_check_bindings:
 * @self: a router
 * @error: return location for an error
 *
 * Checks that every operation of the document has a handler, that every handler serves an
 * operation of the document, and that no operation is bound twice. The error names every
 * mismatch at once.
 *
 * Returns: %TRUE when operations and handlers correspond one to one
 */
gboolean
rtx_router_check_bindings (RtxRouter  *self,
                           GError    **error)
{
  g_autoptr(GPtrArray) unbound = g_ptr_array_new ();
  g_autoptr(GPtrArray) orphans = g_ptr_array_new ();
  g_autoptr(GPtrArray) twice = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) message = g_string_new (NULL);

  g_return_val_if_fail (RTX_IS_ROUTER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < self->operations->len; i++) {
    RtxOperation *operation = g_ptr_array_index (self->operations, i);

    if (rtx_operation_get_handler (operation) == NULL)
      g_ptr_array_add (unbound, (gpointer) rtx_operation_get_id (operation));
  }

  for (guint i = 0; self->areas[i] != NULL; i++) {
    for (const RtxHandlerBinding *b = self->areas[i]; b->operation_id != NULL; b++) {
      if (!g_hash_table_contains (self->by_id, b->operation_id))
        g_ptr_array_add (orphans, (gpointer) b->operation_id);
      if (!g_hash_table_add (seen, (gpointer) b->operation_id))
        g_ptr_array_add (twice, (gpointer) b->operation_id);
    }
  }

  append_list (message, "operations without a handler:", unbound);
  append_list (message, "handlers without an operation:", orphans);
  append_list (message, "operations bound twice:", twice);

  if (message->len > 0) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED,
                 "openapi.json and the handler tables disagree: %s", message->str);
    return FALSE;
  }

  return TRUE;
}

/* Splits a raw (still percent-encoded) path into decoded segments. A segment that decodes to a
 * slash, a NUL, invalid UTF-8, "." or ".." matches nothing: no handler ever sees such a
 * parameter, so none can be tricked into walking out of a directory. */
static char **
decode_path (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (path == NULL || path[0] != '/')
    return NULL;

  parts = g_strsplit (path + 1, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++) {
    /* Most segments have no escape: checked in place, not copied. */
    if (strchr (parts[i], '%') != NULL) {
      char *decoded = g_uri_unescape_segment (parts[i], NULL, "/");

      if (decoded == NULL)
        return NULL;
      g_free (parts[i]);
      parts[i] = decoded;
    }

    if (!g_utf8_validate (parts[i], -1, NULL) ||
        g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
      return NULL;
  }

  return g_steal_pointer (&parts);
}

static gboolean
route_matches (const Route        *route,
               const char * const *segments,
               guint               n_segments)
{
  if (route->n_segments != n_segments)
    return FALSE;

  for (guint i = 0; i < n_segments; i++) {
    const Segment *segment = &route->segments[i];

    if (segment->is_param ? segments[i][0] == '\0' : !g_str_equal (segment->text, segments[i]))
      return FALSE;
  }

  return TRUE;
}

static RtxOperation *
route_find_method (const Route *route,
                   const char  *method)
{
  for (guint i = 0; i < route->operations->len; i++) {
    RtxOperation *operation = g_ptr_array_index (route->operations, i);

    if (g_str_equal (rtx_operation_get_method (operation), method))
      return operation;
  }

  return NULL;
}

/* HEAD is served by GET when the path has no HEAD of its own. */
static RtxOperation *
route_find_method_or_get (const Route *route,
                          const char  *method)
{
  RtxOperation *operation = route_find_method (route, method);

  if (operation == NULL && g_str_equal (method, "HEAD"))
    operation = route_find_method (route, "GET");

  return operation;
}

/* %NULL for a route without parameters, so that most requests allocate no table. */
static GHashTable *
route_params (const Route        *route,
              const char * const *segments)
{
  GHashTable *params = NULL;

  for (guint i = 0; i < route->n_segments; i++) {
    if (!route->segments[i].is_param)
      continue;
    if (params == NULL)
      params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_hash_table_insert (params, g_strdup (route->segments[i].text), g_strdup (segments[i]));
  }

  return params;
}

static char *
allow_header (guint method_mask)
{
  GString *allow = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (known_methods); i++) {
    g_autofree char *upper = NULL;

    if ((method_mask & (1u << i)) == 0)
      continue;

    upper = g_ascii_strup (known_methods[i], -1);
    g_string_append_printf (allow, "%s%s", allow->len > 0 ? ", " : "", upper);
  }

  return g_string_free (allow, FALSE);
}

static guint
route_method_mask (const Route *route)
{
  guint mask = 0;

  for (guint i = 0; i < route->operations->len; i++) {
    RtxOperation *operation = g_ptr_array_index (route->operations, i);

    for (guint m = 0; m < G_N_ELEMENTS (known_methods); m++) {
      if (g_ascii_strcasecmp (rtx_operation_get_method (operation), known_methods[m]) == 0)
        mask |= 1u << m;
    }
  }

  return mask;
}

/**
 * rtx_router_match:
 * @self: a router
 * @method: the request method, upper case as libsoup gives it
 * @path: the raw, percent-encoded request path
 * @match: (out caller-allocates): where to store what was found
 *
 * Finds the operation for a request. Templates are tried most specific first (a literal
 * segment beats a parameter at the first position where two templates differ), and the first
 * one that matches the path and has the method wins; so `GET /document/accepted-file-types`
 * is not shadowed by `GET /document/{name}`, while `DELETE /document/accepted-file-types`
 * still reaches `DELETE /document/{name}`. HEAD is served by the GET operation when the path
 * has no HEAD of its own. When templates match but none has the method, @match->allow lists
 * the methods they have.
 *
 * Returns: what was found
 */
RtxRouteResult
rtx_router_match (RtxRouter     *self,
                  const char    *method,
                  const char    *path,
                  RtxRouteMatch *match)
{
  g_auto(GStrv) segments = NULL;
  GPtrArray *candidates;
  guint n_segments;
  guint method_mask = 0;

  g_return_val_if_fail (RTX_IS_ROUTER (self), RTX_ROUTE_NOT_FOUND);
  g_return_val_if_fail (method != NULL, RTX_ROUTE_NOT_FOUND);
  g_return_val_if_fail (match != NULL, RTX_ROUTE_NOT_FOUND);

  memset (match, 0, sizeof *match);

  /* A path without escapes that is a template without parameters: no template can come before
   * it (a literal wins at every position), so it is the answer if it has the method. Without
   * it, the templates are tried in order, which also collects `Allow`. */
  if (path != NULL && strchr (path, '%') == NULL) {
    const Route *route = g_hash_table_lookup (self->literal, path);
    RtxOperation *operation = route != NULL ? route_find_method_or_get (route, method) : NULL;

    if (operation != NULL) {
      match->operation = rtx_operation_ref (operation);
      return RTX_ROUTE_FOUND;
    }
  }

  segments = decode_path (path);
  if (segments == NULL)
    return RTX_ROUTE_NOT_FOUND;
  n_segments = g_strv_length (segments);
  if (n_segments >= self->by_length->len)
    return RTX_ROUTE_NOT_FOUND;
  candidates = g_ptr_array_index (self->by_length, n_segments);

  for (guint i = 0; i < candidates->len; i++) {
    const Route *route = g_ptr_array_index (candidates, i);
    RtxOperation *operation;

    if (!route_matches (route, (const char * const *) segments, n_segments))
      continue;

    operation = route_find_method_or_get (route, method);
    if (operation != NULL) {
      match->operation = rtx_operation_ref (operation);
      match->params = route_params (route, (const char * const *) segments);
      return RTX_ROUTE_FOUND;
    }

    method_mask |= route_method_mask (route);
  }

  if (method_mask == 0)
    return RTX_ROUTE_NOT_FOUND;

  match->allow = allow_header (method_mask);
  return RTX_ROUTE_METHOD_NOT_ALLOWED;
}

/**
 * rtx_router_get_operations:
 * @self: a router
 *
 * Returns: (transfer none) (element-type RtxOperation): every operation, in document order
 */
GPtrArray *
rtx_router_get_operations (RtxRouter *self)
{
  g_return_val_if_fail (RTX_IS_ROUTER (self), NULL);

  return self->operations;
}

/**
 * rtx_router_lookup_operation:
 * @self: a router
 * @operation_id: an `operationId`
 *
 * Returns: (transfer none) (nullable): the operation, or %NULL
 */
RtxOperation *
rtx_router_lookup_operation (RtxRouter  *self,
                             const char *operation_id)
{
  g_return_val_if_fail (RTX_IS_ROUTER (self), NULL);
  g_return_val_if_fail (operation_id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, operation_id);
}

/**
 * rtx_router_get_document:
 * @self: a router
 *
 * The whole OpenAPI document, as served at `/api/docs/openapi.json` and as needed to resolve
 * the `$ref`s of an operation's schemas. Immutable.
 *
 * Returns: (transfer none): the document's root
 */
JsonNode *
rtx_router_get_document (RtxRouter *self)
{
  g_return_val_if_fail (RTX_IS_ROUTER (self), NULL);

  return self->document;
}

static char *
unescape_pointer_token (const char *token)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = token; *p; p++) {
    if (p[0] == '~' && p[1] == '1') {
      g_string_append_c (out, '/');
      p++;
    } else if (p[0] == '~' && p[1] == '0') {
      g_string_append_c (out, '~');
      p++;
    } else {
      g_string_append_c (out, *p);
    }
  }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * rtx_router_resolve_ref:
 * @self: a router
 * @ref: a local reference such as `#/components/schemas/StandardError`
 * @error: return location for an error
 *
 * Follows a `$ref` of the document (a JSON pointer, RFC 6901, within the document only).
 *
 * Returns: (transfer none): the node it points to, or %NULL with @error set
 */
JsonNode *
rtx_router_resolve_ref (RtxRouter   *self,
                        const char  *ref,
                        GError     **error)
{
  g_auto(GStrv) tokens = NULL;
  JsonNode *node;

  g_return_val_if_fail (RTX_IS_ROUTER (self), NULL);
  g_return_val_if_fail (ref != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_str_has_prefix (ref, "#/")) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "only local references (#/…) are supported: %s", ref);
    return NULL;
  }

  node = self->document;
  tokens = g_strsplit (ref + 2, "/", -1);
  for (guint i = 0; tokens[i] != NULL; i++) {
    g_autofree char *name = unescape_pointer_token (tokens[i]);

    if (!JSON_NODE_HOLDS_OBJECT (node) ||
        !json_object_has_member (json_node_get_object (node), name)) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, "unresolved reference: %s", ref);
      return NULL;
    }
    node = json_object_get_member (json_node_get_object (node), name);
  }

  return node;
}

/**
 * rtx_route_match_clear:
 * @match: a match
 *
 * Releases what rtx_router_match() stored in @match.
 */
void
rtx_route_match_clear (RtxRouteMatch *match)
{
  g_clear_pointer (&match->operation, rtx_operation_unref);
  g_clear_pointer (&match->params, g_hash_table_unref);
  g_clear_pointer (&match->allow, g_free);
}
