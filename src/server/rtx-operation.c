/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-error.h"
#include "rtx-operation.h"

struct _RtxOperation {
  char           *id;
  char           *method;
  char           *path;
  RtxSurface      surface;
  RtxAuthSchemes  schemes;
  gboolean        admin_only;
  char           *permission;
  gboolean        app_id_in_body;
  JsonObject     *path_item;
  JsonObject     *json;
  RtxHandlerFunc  handler;
};

G_DEFINE_BOXED_TYPE (RtxOperation, rtx_operation, rtx_operation_ref, rtx_operation_unref)

static const struct {
  const char     *name;
  RtxAuthSchemes  scheme;
} scheme_names[] = {
  { "BearerAuth", RTX_AUTH_SCHEME_BEARER },
  { "ApiKeyHeader", RTX_AUTH_SCHEME_API_KEY_HEADER },
  { "AppId", RTX_AUTH_SCHEME_APP_ID },
};

static void
rtx_operation_clear (RtxOperation *self)
{
  g_free (self->id);
  g_free (self->method);
  g_free (self->path);
  g_free (self->permission);
  g_clear_pointer (&self->path_item, json_object_unref);
  g_clear_pointer (&self->json, json_object_unref);
}

static gboolean
scheme_from_name (const char     *name,
                  RtxAuthSchemes *out_scheme)
{
  for (guint i = 0; i < G_N_ELEMENTS (scheme_names); i++) {
    if (g_str_equal (name, scheme_names[i].name)) {
      *out_scheme = scheme_names[i].scheme;
      return TRUE;
    }
  }

  return FALSE;
}

/* OpenAPI security is a list of alternatives, each a set of schemes that must all be present.
 * The runtime only needs "any one of these schemes", so an alternative naming two schemes (or
 * none, which OpenAPI reads as "anonymous allowed") is refused rather than half-understood. */
static gboolean
parse_security (JsonArray       *security,
                RtxAuthSchemes  *out_schemes,
                GError         **error)
{
  RtxAuthSchemes schemes = RTX_AUTH_SCHEME_NONE;
  guint n = json_array_get_length (security);

  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (security, i);
    g_autoptr(GList) names = NULL;
    RtxAuthSchemes scheme;

    if (!JSON_NODE_HOLDS_OBJECT (node)) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "security[%u] is not an object", i);
      return FALSE;
    }

    names = json_object_get_members (json_node_get_object (node));
    if (names == NULL || names->next != NULL) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "security[%u] must name exactly one scheme", i);
      return FALSE;
    }

    if (!scheme_from_name (names->data, &scheme)) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "security[%u] names the unknown scheme “%s”", i, (const char *) names->data);
      return FALSE;
    }

    schemes |= scheme;
  }

  *out_schemes = schemes;
  return TRUE;
}

/* json-glib 1.6 fails a g_return_val_if_fail() (fatal in tests) when a member has another
 * type than the getter's; the document is checked, not trusted. */
static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
operation_id_is_valid (const char *id)
{
  if (id == NULL || !g_ascii_isalpha (id[0]))
    return FALSE;

  for (const char *p = id; *p; p++) {
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  }

  return TRUE;
}

/* `x-rtx-permission`: the local-app permission the operation needs (SDK surface only).
 * `x-rtx-app-id-in-body: true`: a credential-less SDK operation whose app id is in the JSON
 * body (`/sdk/register`, `/api/local-apps/request-permission`); security must then be []. */
static gboolean
parse_local_app_extensions (RtxOperation  *self,
                            GError       **error)
{
  JsonNode *permission = json_object_get_member (self->json, "x-rtx-permission");
  JsonNode *in_body = json_object_get_member (self->json, "x-rtx-app-id-in-body");

  if (permission != NULL) {
    const char *text = get_string_member (self->json, "x-rtx-permission");

    if (text == NULL || *text == '\0' || self->surface != RTX_SURFACE_SDK ||
        !(self->schemes & RTX_AUTH_SCHEME_APP_ID)) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "%s: x-rtx-permission is a permission name, on SDK operations that accept "
                   "AppId", self->id);
      return FALSE;
    }
    self->permission = g_strdup (text);

    /* A permission held per object names a parameter of the path, whole:
     * `credentials.read:{name}` on `/sdk/credentials/{name}`. */
    if (strchr (text, '{') != NULL) {
      const char *open = strchr (text, '{');
      const char *close = strchr (open, '}');
      g_autofree char *segment = close != NULL ? g_strndup (open, close - open + 1) : NULL;

      if (segment == NULL || strchr (close + 1, '{') != NULL ||
          strstr (self->path, segment) == NULL) {
        g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                     "%s: x-rtx-permission may name one parameter of the path, as {name}",
                     self->id);
        return FALSE;
      }
    }
  }

  if (in_body != NULL) {
    if (!JSON_NODE_HOLDS_VALUE (in_body) || json_node_get_value_type (in_body) != G_TYPE_BOOLEAN ||
        self->surface != RTX_SURFACE_SDK || self->schemes != RTX_AUTH_SCHEME_NONE) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "%s: x-rtx-app-id-in-body is a boolean, on SDK operations whose security "
                   "is []", self->id);
      return FALSE;
    }
    self->app_id_in_body = json_node_get_boolean (in_body);
  }

  return TRUE;
}

static gboolean
parse_operation (RtxOperation  *self,
                 JsonArray     *default_security,
                 GError       **error)
{
  const char *id = get_string_member (self->json, "operationId");
  JsonNode *security_node = json_object_get_member (self->json, "security");
  JsonArray *security = default_security;
  const char *surface;

  if (!operation_id_is_valid (id)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "missing or malformed operationId (letters, digits and _ only)");
    return FALSE;
  }
  self->id = g_strdup (id);

  surface = get_string_member (self->json, "x-rtx-surface");
  if (!rtx_surface_from_string (surface, &self->surface)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "%s: x-rtx-surface must be standard, openai, sdk or public", id);
    return FALSE;
  }

  if (security_node != NULL && !JSON_NODE_HOLDS_ARRAY (security_node)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "%s: security is not a list", id);
    return FALSE;
  }
  if (security_node != NULL)
    security = json_node_get_array (security_node);
  if (security == NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "%s: no security requirement (public operations say \"security\": [])", id);
    return FALSE;
  }

  if (!parse_security (security, &self->schemes, error)) {
    g_prefix_error (error, "%s: ", id);
    return FALSE;
  }

  /* `x-rtx-admin: true`: only an administrator key may call it (DESIGN.md §1). */
  {
    JsonNode *admin = json_object_get_member (self->json, "x-rtx-admin");

    if (admin != NULL && json_node_get_value_type (admin) != G_TYPE_BOOLEAN) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "%s: x-rtx-admin must be true or false", id);
      return FALSE;
    }
    self->admin_only = admin != NULL && json_node_get_boolean (admin);
  }

  if (!parse_local_app_extensions (self, error))
    return FALSE;

  /* DESIGN.md §1: public operations are exactly those marked `security: []`; the SDK's two
   * approval routes carry no credential either, and say where their app id is instead. */
  if ((self->surface == RTX_SURFACE_PUBLIC) !=
      (self->schemes == RTX_AUTH_SCHEME_NONE && !self->app_id_in_body)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "%s: an operation is on the public surface if and only if its security is [] "
                 "(and it has no x-rtx-app-id-in-body)",
                 id);
    return FALSE;
  }

  return TRUE;
}

/**
 * rtx_operation_new_from_json:
 * @method: the HTTP method, any case
 * @path: the path template, e.g. `/api/v1/workspace/{slug}`
 * @path_item: the path item object that holds the operation
 * @operation: the operation object
 * @default_security: (nullable): the document's top-level `security`
 * @error: return location for an error
 *
 * Reads an operation: `operationId`, `x-rtx-surface` and `security` are required (directly or,
 * for `security`, from the document's default).
 *
 * Returns: (transfer full): the operation, or %NULL with @error set
 */
RtxOperation *
rtx_operation_new_from_json (const char  *method,
                             const char  *path,
                             JsonObject  *path_item,
                             JsonObject  *operation,
                             JsonArray   *default_security,
                             GError     **error)
{
  g_autoptr(RtxOperation) self = NULL;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (path_item != NULL, NULL);
  g_return_val_if_fail (operation != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_atomic_rc_box_new0 (RtxOperation);
  self->method = g_ascii_strup (method, -1);
  self->path = g_strdup (path);
  self->path_item = json_object_ref (path_item);
  self->json = json_object_ref (operation);

  if (!parse_operation (self, default_security, error))
    return NULL;

  return g_steal_pointer (&self);
}

RtxOperation *
rtx_operation_ref (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
rtx_operation_unref (RtxOperation *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) rtx_operation_clear);
}

const char *
rtx_operation_get_id (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->id;
}

/* Upper case, as libsoup reports request methods. */
const char *
rtx_operation_get_method (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->method;
}

const char *
rtx_operation_get_path (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path;
}

RtxSurface
rtx_operation_get_surface (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, RTX_SURFACE_STANDARD);

  return self->surface;
}

RtxAuthSchemes
rtx_operation_get_auth_schemes (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, RTX_AUTH_SCHEME_NONE);

  return self->schemes;
}

gboolean
rtx_operation_is_public (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->schemes == RTX_AUTH_SCHEME_NONE && !self->app_id_in_body;
}

/**
 * rtx_operation_get_permission:
 * @self: an operation
 *
 * Returns: (nullable): the local-app permission the operation needs (`x-rtx-permission`)
 */
const char *
rtx_operation_get_permission (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->permission;
}

/**
 * rtx_operation_get_app_id_in_body:
 * @self: an operation
 *
 * Returns: whether the operation names its app in the body instead of a credential
 *   (`x-rtx-app-id-in-body`)
 */
gboolean
rtx_operation_get_app_id_in_body (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->app_id_in_body;
}

/**
 * rtx_operation_is_admin_only:
 *
 * Returns: whether the operation says `x-rtx-admin: true`: only an administrator key (whose
 *   owner, in multi-user mode, is still an administrator) may call it
 */
gboolean
rtx_operation_is_admin_only (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->admin_only;
}

/**
 * rtx_operation_get_json:
 * @self: an operation
 *
 * The operation object of openapi.json, for validating parameters and bodies against its
 * schemas. `$ref`s in it resolve with rtx_router_resolve_ref().
 *
 * Returns: (transfer none): the operation object
 */
JsonObject *
rtx_operation_get_json (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->json;
}

/**
 * rtx_operation_get_path_item:
 * @self: an operation
 *
 * The path item that holds the operation; OpenAPI allows `parameters` shared by all the
 * methods of a path to be declared there.
 *
 * Returns: (transfer none): the path item object
 */
JsonObject *
rtx_operation_get_path_item (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path_item;
}

RtxHandlerFunc
rtx_operation_get_handler (RtxOperation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->handler;
}

/* Only the router calls this, while it builds its table and before it shares the operation. */
void
rtx_operation_set_handler (RtxOperation   *self,
                           RtxHandlerFunc  handler)
{
  g_return_if_fail (self != NULL);

  self->handler = handler;
}

/**
 * rtx_auth_scheme_to_string:
 * @scheme: a single scheme
 *
 * Returns: the scheme's name in openapi.json, or %NULL
 */
const char *
rtx_auth_scheme_to_string (RtxAuthSchemes scheme)
{
  for (guint i = 0; i < G_N_ELEMENTS (scheme_names); i++) {
    if (scheme_names[i].scheme == scheme)
      return scheme_names[i].name;
  }

  return NULL;
}
