/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-api-key.h"
#include "rtx-error.h"
#include "rtx-local-app.h"

#define MAX_NAME_CHARS        200
#define MAX_DESCRIPTION_CHARS 2000
#define MAX_PATH_BYTES        4096
#define MAX_ARGS              256
#define MAX_ENV               256
/* Room for a permission held per object: `credentials.read:` and a credential's 100 bytes. */
#define MAX_PERMISSION_BYTES  128

G_DEFINE_BOXED_TYPE (RtxLocalApp, rtx_local_app, rtx_local_app_copy, rtx_local_app_free)

static const char * const app_types[] = { "node", "python", "npx", "uvx", "custom" };

static const char * const state_names[] = {
  [RTX_PERMISSION_UNDECIDED] = "undecided",
  [RTX_PERMISSION_GRANTED] = "granted",
  [RTX_PERMISSION_DENIED] = "denied",
};

RtxLocalApp *
rtx_local_app_copy (const RtxLocalApp *app)
{
  RtxLocalApp *copy;

  g_return_val_if_fail (app != NULL, NULL);

  copy = g_new0 (RtxLocalApp, 1);
  copy->id = g_strdup (app->id);
  copy->name = g_strdup (app->name);
  copy->description = g_strdup (app->description);
  copy->type = g_strdup (app->type);
  copy->command = g_strdup (app->command);
  copy->args = g_strdupv (app->args);
  copy->working_dir = g_strdup (app->working_dir);
  copy->env = g_strdupv (app->env);
  copy->port = app->port;
  copy->created_by = g_strdup (app->created_by);
  copy->created_at = app->created_at;
  copy->updated_at = app->updated_at;

  return copy;
}

void
rtx_local_app_free (RtxLocalApp *app)
{
  if (app == NULL)
    return;

  g_free (app->id);
  g_free (app->name);
  g_free (app->description);
  g_free (app->type);
  g_free (app->command);
  g_strfreev (app->args);
  g_free (app->working_dir);
  g_strfreev (app->env);
  g_free (app->created_by);
  g_free (app);
}

void
rtx_permission_decision_free (RtxPermissionDecision *decision)
{
  if (decision == NULL)
    return;

  g_free (decision->permission);
  g_free (decision->decided_by);
  g_free (decision);
}

/**
 * rtx_permission_name_is_valid:
 * @permission: (nullable): a permission an app asked for, e.g. `llm.chat`
 *
 * The SDK forwards any string, and later SDKs add permissions this runtime does not know yet;
 * so any short dotted word is stored, and nothing else (no spaces, no control characters).
 *
 * Returns: whether @permission can be stored and shown
 */
gboolean
rtx_permission_name_is_valid (const char *permission)
{
  gsize len;

  if (permission == NULL || !g_ascii_isalnum (permission[0]))
    return FALSE;

  len = strlen (permission);
  if (len > MAX_PERMISSION_BYTES)
    return FALSE;

  for (gsize i = 0; i < len; i++) {
    char c = permission[i];

    if (!g_ascii_isalnum (c) && c != '.' && c != '-' && c != '_' && c != ':')
      return FALSE;
  }

  return TRUE;
}

const char *
rtx_permission_state_to_string (RtxPermissionState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), NULL);

  return state_names[state];
}

gboolean
rtx_permission_state_from_string (const char         *text,
                                  RtxPermissionState *out_state)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (state_names); i++) {
    if (g_str_equal (text, state_names[i])) {
      *out_state = (RtxPermissionState) i;
      return TRUE;
    }
  }

  return FALSE;
}

/* ---- Reading JSON ------------------------------------------------------------------------ */

static gboolean
invalid (GError     **error,
         const char  *field,
         const char  *what)
{
  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("“%s” must be %s"), field, what);
  return FALSE;
}

/* json-glib 1.6 fails a g_return_val_if_fail() when a getter meets another type, so every
 * member's type is checked before it is read. */
static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
read_text (JsonNode    *node,
           const char  *field,
           gsize        max_chars,
           gboolean     nullable,
           gboolean     allow_empty,
           char       **out,
           GError     **error)
{
  const char *text;

  if (nullable && JSON_NODE_HOLDS_NULL (node)) {
    g_clear_pointer (out, g_free);
    return TRUE;
  }

  if (!node_is_string (node))
    return invalid (error, field, nullable ? _("a string or null") : _("a string"));

  text = json_node_get_string (node);
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > (glong) max_chars)
    return invalid (error, field, _("valid text of reasonable length"));
  if (!allow_empty && *text == '\0')
    return invalid (error, field, _("a non-empty string"));

  g_free (*out);
  *out = g_strdup (text);
  return TRUE;
}

static gboolean
read_type (JsonNode  *node,
           char     **out,
           GError   **error)
{
  const char *text = node_is_string (node) ? json_node_get_string (node) : NULL;

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (app_types); i++) {
    if (g_str_equal (text, app_types[i])) {
      g_free (*out);
      *out = g_strdup (text);
      return TRUE;
    }
  }

  return invalid (error, "type", _("one of node, python, npx, uvx, custom"));
}

static gboolean
read_args (JsonNode  *node,
           GStrv     *out,
           GError   **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;
  guint n;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "args", _("a list of strings"));

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > MAX_ARGS)
    return invalid (error, "args", _("a list of at most 256 strings"));

  for (guint i = 0; i < n; i++) {
    JsonNode *element = json_array_get_element (array, i);

    if (!node_is_string (element) || !g_utf8_validate (json_node_get_string (element), -1, NULL))
      return invalid (error, "args", _("a list of strings"));
    g_strv_builder_add (builder, json_node_get_string (element));
  }

  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
env_name_is_valid (const char *name)
{
  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return FALSE;

  for (const char *p = name; *p; p++) {
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  }

  return strlen (name) <= 128;
}

static gboolean
read_env (JsonNode  *node,
          GStrv     *out,
          GError   **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GList) names = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "env", _("an object of NAME: \"value\" strings"));

  object = json_node_get_object (node);
  if (json_object_get_size (object) > MAX_ENV)
    return invalid (error, "env", _("an object of at most 256 variables"));

  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next) {
    JsonNode *value = json_object_get_member (object, l->data);

    if (!env_name_is_valid (l->data))
      return invalid (error, "env", _("an object whose names are letters, digits and _"));
    if (!node_is_string (value) || !g_utf8_validate (json_node_get_string (value), -1, NULL))
      return invalid (error, "env", _("an object of NAME: \"value\" strings"));

    {
      g_autofree char *pair = g_strdup_printf ("%s=%s", (const char *) l->data,
                                               json_node_get_string (value));

      g_strv_builder_add (builder, pair);
    }
  }

  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
read_port (JsonNode  *node,
           guint     *out,
           GError   **error)
{
  gint64 value;

  if (JSON_NODE_HOLDS_NULL (node)) {
    *out = 0;
    return TRUE;
  }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, "port", _("a whole number from 1 to 65535, or null"));

  value = json_node_get_int (node);
  if (value < 1 || value > 65535)
    return invalid (error, "port", _("a whole number from 1 to 65535, or null"));

  *out = (guint) value;
  return TRUE;
}

static gboolean
apply_member (RtxLocalApp  *app,
              const char   *name,
              JsonNode     *node,
              GError      **error)
{
  if (g_str_equal (name, "name"))
    return read_text (node, name, MAX_NAME_CHARS, FALSE, FALSE, &app->name, error);
  if (g_str_equal (name, "description"))
    return read_text (node, name, MAX_DESCRIPTION_CHARS, FALSE, TRUE, &app->description, error);
  if (g_str_equal (name, "type"))
    return read_type (node, &app->type, error);
  if (g_str_equal (name, "command"))
    return read_text (node, name, MAX_PATH_BYTES, TRUE, FALSE, &app->command, error);
  if (g_str_equal (name, "args"))
    return read_args (node, &app->args, error);
  if (g_str_equal (name, "working_dir")) {
    if (!read_text (node, name, MAX_PATH_BYTES, TRUE, FALSE, &app->working_dir, error))
      return FALSE;
    if (app->working_dir != NULL && !g_path_is_absolute (app->working_dir))
      return invalid (error, name, _("an absolute path"));
    return TRUE;
  }
  if (g_str_equal (name, "env"))
    return read_env (node, &app->env, error);
  if (g_str_equal (name, "port"))
    return read_port (node, &app->port, error);

  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("Unknown field “%s”"), name);
  return FALSE;
}

/**
 * rtx_local_app_apply_json:
 * @app: the app to change (a new one for a creation)
 * @object: `{name?, description?, type?, command?, args?, working_dir?, env?, port?}`
 * @error: return location for an error
 *
 * Sets the fields that @object names, after checking each. Unknown fields are refused. On
 * failure @app may be partly changed: apply to a copy.
 *
 * Returns: %TRUE on success; %FALSE with %RTX_ERROR_INVALID_ARGUMENT
 */
gboolean
rtx_local_app_apply_json (RtxLocalApp  *app,
                          JsonObject   *object,
                          GError      **error)
{
  g_autoptr(GList) names = NULL;

  g_return_val_if_fail (app != NULL, FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next) {
    if (!apply_member (app, l->data, json_object_get_member (object, l->data), error))
      return FALSE;
  }

  if (app->name == NULL)
    return invalid (error, "name", _("a non-empty string"));

  return TRUE;
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder,
          const char  *member,
          gint64       unix_seconds)
{
  g_autofree char *text = rtx_format_timestamp (unix_seconds);

  add_string (builder, member, text);
}

/**
 * rtx_local_app_to_json:
 * @app: an app
 *
 * The one JSON shape of an app, for the admin API: the fields of the creation body plus
 * `id`, `created_by`, `created_at` and `updated_at`.
 *
 * Returns: (transfer full): an object node
 */
JsonNode *
rtx_local_app_to_json (const RtxLocalApp *app)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (app != NULL, NULL);

  json_builder_begin_object (builder);
  add_string (builder, "id", app->id);
  add_string (builder, "name", app->name);
  add_string (builder, "description", app->description != NULL ? app->description : "");
  add_string (builder, "type", app->type != NULL ? app->type : "custom");
  add_string (builder, "command", app->command);

  json_builder_set_member_name (builder, "args");
  json_builder_begin_array (builder);
  for (guint i = 0; app->args != NULL && app->args[i] != NULL; i++)
    json_builder_add_string_value (builder, app->args[i]);
  json_builder_end_array (builder);

  add_string (builder, "working_dir", app->working_dir);

  json_builder_set_member_name (builder, "env");
  json_builder_begin_object (builder);
  for (guint i = 0; app->env != NULL && app->env[i] != NULL; i++) {
    const char *eq = strchr (app->env[i], '=');
    g_autofree char *name = g_strndup (app->env[i], eq - app->env[i]);

    add_string (builder, name, eq + 1);
  }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "port");
  if (app->port > 0)
    json_builder_add_int_value (builder, app->port);
  else
    json_builder_add_null_value (builder);

  add_string (builder, "created_by", app->created_by);
  add_time (builder, "created_at", app->created_at);
  add_time (builder, "updated_at", app->updated_at);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
