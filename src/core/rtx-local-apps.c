/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-audit.h"
#include "rtx-error.h"
#include "rtx-json.h"
#include "rtx-local-apps.h"

/**
 * RtxLocalApps:
 *
 * The registry of local apps and the person's permission decisions for each. Every change is
 * one transaction with its audit row, and emits #RtxLocalApps::changed so that Settings shows
 * it. Audit rows name an app by its display name, never by its id: the id is the app's secret.
 */
struct _RtxLocalApps {
  GObject  parent_instance;

  RtxDb   *db;
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RtxLocalApps, rtx_local_apps, G_TYPE_OBJECT)

#define APP_COLUMNS "id, name, description, type, command, args, working_dir, env, port," \
                    " created_by, created_at, updated_at"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
rtx_local_apps_dispose (GObject *object)
{
  RtxLocalApps *self = RTX_LOCAL_APPS (object);

  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_local_apps_parent_class)->dispose (object);
}

static void
rtx_local_apps_class_init (RtxLocalAppsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rtx_local_apps_dispose;

  /**
   * RtxLocalApps::changed:
   * @app_id: (nullable): the app that changed (created, edited, deleted or its decisions)
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
rtx_local_apps_init (RtxLocalApps *self)
{
}

RtxLocalApps *
rtx_local_apps_new (RtxDb *db)
{
  RtxLocalApps *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_LOCAL_APPS, NULL);
  self->db = g_object_ref (db);
  return self;
}

/* ---- Rows -------------------------------------------------------------------------------- */

static char *
args_to_text (const char * const *args)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    json_builder_add_string_value (builder, args[i]);
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  return rtx_json_to_string (root, FALSE);
}

static char *
env_to_text (const char * const *env)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  for (guint i = 0; env != NULL && env[i] != NULL; i++) {
    const char *eq = strchr (env[i], '=');
    g_autofree char *name = g_strndup (env[i], eq - env[i]);

    json_builder_set_member_name (builder, name);
    json_builder_add_string_value (builder, eq + 1);
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return rtx_json_to_string (root, FALSE);
}

/* The stored JSON was written by this file; anything else in it is ignored, not trusted. */
static GStrv
strv_from_text (const char *text,
                gboolean    is_env)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  if (node != NULL && !is_env && JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);

    for (guint i = 0; i < json_array_get_length (array); i++) {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }
  } else if (node != NULL && is_env && JSON_NODE_HOLDS_OBJECT (node)) {
    JsonObject *object = json_node_get_object (node);
    g_autoptr(GList) names = json_object_get_members (object);

    for (GList *l = names; l != NULL; l = l->next) {
      JsonNode *value = json_object_get_member (object, l->data);

      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
      {
        g_autofree char *pair = g_strdup_printf ("%s=%s", (const char *) l->data,
                                                 json_node_get_string (value));

        g_strv_builder_add (builder, pair);
      }
    }
  }

  return g_strv_builder_end (builder);
}

static RtxLocalApp *
app_from_row (RtxStmt *stmt)
{
  RtxLocalApp *app = g_new0 (RtxLocalApp, 1);
  g_autofree char *args = rtx_stmt_dup_text (stmt, 5);
  g_autofree char *env = rtx_stmt_dup_text (stmt, 7);

  app->id = rtx_stmt_dup_text (stmt, 0);
  app->name = rtx_stmt_dup_text (stmt, 1);
  app->description = rtx_stmt_dup_text (stmt, 2);
  app->type = rtx_stmt_dup_text (stmt, 3);
  app->command = rtx_stmt_dup_text (stmt, 4);
  app->args = strv_from_text (args, FALSE);
  app->working_dir = rtx_stmt_dup_text (stmt, 6);
  app->env = strv_from_text (env, TRUE);
  app->port = (guint) sqlite3_column_int (stmt, 8);
  app->created_by = rtx_stmt_dup_text (stmt, 9);
  app->created_at = sqlite3_column_int64 (stmt, 10);
  app->updated_at = sqlite3_column_int64 (stmt, 11);

  return app;
}

/* Binds the fields the person edits to ?2…?9, in APP_COLUMNS order after the id. */
static void
bind_fields (RtxStmt           *stmt,
             const RtxLocalApp *app)
{
  g_autofree char *args = args_to_text ((const char * const *) app->args);
  g_autofree char *env = env_to_text ((const char * const *) app->env);

  sqlite3_bind_text (stmt, 2, app->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, app->description != NULL ? app->description : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, app->type != NULL ? app->type : "custom", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, app->command, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, args, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, app->working_dir, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, env, -1, SQLITE_TRANSIENT);
  if (app->port > 0)
    sqlite3_bind_int (stmt, 9, (int) app->port);
  else
    sqlite3_bind_null (stmt, 9);
}

static void
emit_changed (RtxLocalApps *self,
              const char   *app_id)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, app_id);
}

/* ---- Apps -------------------------------------------------------------------------------- */

/**
 * rtx_local_apps_create:
 * @self: the registry
 * @spec: the fields of the new app (its id and times are ignored)
 * @actor: who creates it
 * @error: return location for an error
 *
 * Registers an app under a fresh random UUID (122 random bits): the app will present it as
 * `x-app-id`.
 *
 * Returns: (transfer full): the app as stored, or %NULL
 */
RtxLocalApp *
rtx_local_apps_create (RtxLocalApps       *self,
                       const RtxLocalApp  *spec,
                       const RtxActor     *actor,
                       GError            **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *id = g_uuid_string_random ();
  gint64 now = now_seconds ();

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (self), NULL);
  g_return_val_if_fail (spec != NULL && spec->name != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!rtx_db_begin (self->db, error))
    return NULL;

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO local_apps (" APP_COLUMNS ")"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                         error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  bind_fields (stmt, spec);
  sqlite3_bind_text (stmt, 10, actor->name != NULL ? actor->name : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 11, now);
  if (!rtx_db_step_done (self->db, stmt, error))
    goto fail;

  if (!rtx_audit_record (self->db, actor, "local_app.create", "local_app", spec->name, NULL,
                         error))
    goto fail;

  if (!rtx_db_commit (self->db, error))
    return NULL;

  emit_changed (self, id);
  return rtx_local_apps_get (self, id, error);

fail:
  rtx_db_rollback (self->db);
  return NULL;
}

/**
 * rtx_local_apps_update:
 * @self: the registry
 * @app: the app with its edited fields
 * @actor: who edits it
 * @error: return location for an error
 *
 * Returns: %TRUE on success; %RTX_ERROR_NOT_FOUND when no such app exists
 */
gboolean
rtx_local_apps_update (RtxLocalApps       *self,
                       const RtxLocalApp  *app,
                       const RtxActor     *actor,
                       GError            **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (self), FALSE);
  g_return_val_if_fail (app != NULL && app->id != NULL && app->name != NULL, FALSE);

  if (!rtx_db_begin (self->db, error))
    return FALSE;

  stmt = rtx_db_prepare (self->db,
                         "UPDATE local_apps SET name = ?2, description = ?3, type = ?4,"
                         " command = ?5, args = ?6, working_dir = ?7, env = ?8, port = ?9,"
                         " updated_at = ?10 WHERE id = ?1",
                         error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, app->id, -1, SQLITE_TRANSIENT);
  bind_fields (stmt, app);
  sqlite3_bind_int64 (stmt, 10, now_seconds ());
  if (!rtx_db_step_done (self->db, stmt, error))
    goto fail;

  if (sqlite3_changes (sqlite3_db_handle (stmt)) != 1) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No such local app"));
    goto fail;
  }

  if (!rtx_audit_record (self->db, actor, "local_app.update", "local_app", app->name, NULL,
                         error) ||
      !rtx_db_commit (self->db, error))
    goto fail;

  emit_changed (self, app->id);
  return TRUE;

fail:
  rtx_db_rollback (self->db);
  return FALSE;
}

/**
 * rtx_local_apps_delete:
 * @self: the registry
 * @id: an app id
 * @actor: who deletes it
 * @error: return location for an error
 *
 * Removes the app and its decisions; its id stops working at once. Its data directory stays.
 *
 * Returns: %TRUE on success; %RTX_ERROR_NOT_FOUND when no such app exists
 */
gboolean
rtx_local_apps_delete (RtxLocalApps    *self,
                       const char      *id,
                       const RtxActor  *actor,
                       GError         **error)
{
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  app = rtx_local_apps_get (self, id, error);
  if (app == NULL)
    return FALSE;

  if (!rtx_db_begin (self->db, error))
    return FALSE;

  stmt = rtx_db_prepare (self->db, "DELETE FROM local_apps WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (self->db, stmt, error) ||
      !rtx_audit_record (self->db, actor, "local_app.delete", "local_app", app->name, NULL,
                         error) ||
      !rtx_db_commit (self->db, error))
    goto fail;

  emit_changed (self, id);
  return TRUE;

fail:
  rtx_db_rollback (self->db);
  return FALSE;
}

/**
 * rtx_local_apps_get:
 * @self: the registry
 * @id: (nullable): an app id, as an app presented it
 * @error: return location for an error
 *
 * Returns: (transfer full): the app, or %NULL with %RTX_ERROR_NOT_FOUND
 */
RtxLocalApp *
rtx_local_apps_get (RtxLocalApps  *self,
                    const char    *id,
                    GError       **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row = FALSE;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (self), NULL);

  if (id == NULL || strlen (id) != 36) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No such local app"));
    return NULL;
  }

  stmt = rtx_db_prepare (self->db, "SELECT " APP_COLUMNS " FROM local_apps WHERE id = ?1",
                         error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return NULL;

  if (!have_row) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No such local app"));
    return NULL;
  }

  return app_from_row (stmt);
}

/**
 * rtx_local_apps_list:
 * @self: the registry
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type RtxLocalApp): every app, oldest first
 */
GPtrArray *
rtx_local_apps_list (RtxLocalApps  *self,
                     GError       **error)
{
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_local_app_free);
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (self), NULL);

  stmt = rtx_db_prepare (self->db,
                         "SELECT " APP_COLUMNS " FROM local_apps ORDER BY created_at, rowid",
                         error);
  if (stmt == NULL)
    return NULL;

  if (!rtx_db_collect (self->db, stmt, apps, (RtxRowFunc) app_from_row, error))
    return NULL;

  return g_steal_pointer (&apps);
}

/* ---- Decisions --------------------------------------------------------------------------- */

/**
 * rtx_local_apps_get_decision:
 * @self: the registry
 * @app_id: an app id
 * @permission: a permission
 * @out_state: (out): the stored decision, or %RTX_PERMISSION_UNDECIDED
 * @error: return location for an error
 *
 * Read from the database every time, so a decision made in another process (or just now)
 * holds for the very next request.
 *
 * Returns: %TRUE unless the database failed
 */
gboolean
rtx_local_apps_get_decision (RtxLocalApps        *self,
                             const char          *app_id,
                             const char          *permission,
                             RtxPermissionState  *out_state,
                             GError             **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row = FALSE;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (self), FALSE);
  g_return_val_if_fail (app_id != NULL && permission != NULL && out_state != NULL, FALSE);

  stmt = rtx_db_prepare (self->db,
                         "SELECT granted FROM local_app_permissions"
                         " WHERE app_id = ?1 AND permission = ?2",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, app_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, permission, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return FALSE;

  if (!have_row)
    *out_state = RTX_PERMISSION_UNDECIDED;
  else
    *out_state = sqlite3_column_int (stmt, 0) ? RTX_PERMISSION_GRANTED : RTX_PERMISSION_DENIED;

  return TRUE;
}

/**
 * rtx_local_apps_list_decisions:
 * @self: the registry
 * @app_id: an app id
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type RtxPermissionDecision): the stored decisions, by
 *   permission name
 */
GPtrArray *
rtx_local_apps_list_decisions (RtxLocalApps  *self,
                               const char    *app_id,
                               GError       **error)
{
  g_autoptr(GPtrArray) decisions =
    g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_permission_decision_free);
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (self), NULL);
  g_return_val_if_fail (app_id != NULL, NULL);

  stmt = rtx_db_prepare (self->db,
                         "SELECT permission, granted, decided_at, decided_by"
                         " FROM local_app_permissions WHERE app_id = ?1 ORDER BY permission",
                         error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, app_id, -1, SQLITE_TRANSIENT);
  while (rtx_db_step_row (self->db, stmt, &have_row, error) && have_row) {
    RtxPermissionDecision *decision = g_new0 (RtxPermissionDecision, 1);

    decision->permission = rtx_stmt_dup_text (stmt, 0);
    decision->granted = sqlite3_column_int (stmt, 1) != 0;
    decision->decided_at = sqlite3_column_int64 (stmt, 2);
    decision->decided_by = rtx_stmt_dup_text (stmt, 3);
    g_ptr_array_add (decisions, decision);
  }

  if (error != NULL && *error != NULL)
    return NULL;

  return g_steal_pointer (&decisions);
}

static gboolean
write_decision (RtxLocalApps        *self,
                const char          *app_id,
                const char          *permission,
                RtxPermissionState   state,
                const RtxActor      *actor,
                GError             **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  if (state == RTX_PERMISSION_UNDECIDED) {
    stmt = rtx_db_prepare (self->db,
                           "DELETE FROM local_app_permissions"
                           " WHERE app_id = ?1 AND permission = ?2",
                           error);
  } else {
    stmt = rtx_db_prepare (self->db,
                           "INSERT OR REPLACE INTO local_app_permissions"
                           " (app_id, permission, granted, decided_at, decided_by)"
                           " VALUES (?1, ?2, ?3, ?4, ?5)",
                           error);
  }
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, app_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, permission, -1, SQLITE_TRANSIENT);
  if (state != RTX_PERMISSION_UNDECIDED) {
    sqlite3_bind_int (stmt, 3, state == RTX_PERMISSION_GRANTED);
    sqlite3_bind_int64 (stmt, 4, now_seconds ());
    sqlite3_bind_text (stmt, 5, actor->name != NULL ? actor->name : "", -1, SQLITE_TRANSIENT);
  }

  return rtx_db_step_done (self->db, stmt, error);
}

/**
 * rtx_local_apps_set_decisions:
 * @self: the registry
 * @app_id: an app id
 * @permissions: the permissions decided
 * @state: granted, denied, or undecided (forget the decision, so the app is asked again)
 * @actor: who decided
 * @error: return location for an error
 *
 * Stores one decision for every permission of @permissions, all or none, with an audit row.
 * Callers answer an app only after this returned.
 *
 * Returns: %TRUE on success; %RTX_ERROR_NOT_FOUND for an unknown app,
 *   %RTX_ERROR_INVALID_ARGUMENT for a malformed permission
 */
gboolean
rtx_local_apps_set_decisions (RtxLocalApps        *self,
                              const char          *app_id,
                              const char * const  *permissions,
                              RtxPermissionState   state,
                              const RtxActor      *actor,
                              GError             **error)
{
  g_autoptr(RtxLocalApp) app = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (self), FALSE);
  g_return_val_if_fail (permissions != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  for (guint i = 0; permissions[i] != NULL; i++) {
    if (!rtx_permission_name_is_valid (permissions[i])) {
      g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                           _("A permission is a short word such as “llm.chat”"));
      return FALSE;
    }
  }

  app = rtx_local_apps_get (self, app_id, error);
  if (app == NULL)
    return FALSE;

  if (!rtx_db_begin (self->db, error))
    return FALSE;

  for (guint i = 0; permissions[i] != NULL; i++) {
    if (!write_decision (self, app_id, permissions[i], state, actor, error))
      goto fail;
  }

  joined = g_strjoinv (", ", (char **) permissions);
  detail = g_strdup_printf ("%s: %s", rtx_permission_state_to_string (state), joined);
  if (!rtx_audit_record (self->db, actor, "local_app.permission", "local_app", app->name,
                         detail, error) ||
      !rtx_db_commit (self->db, error))
    goto fail;

  emit_changed (self, app_id);
  return TRUE;

fail:
  rtx_db_rollback (self->db);
  return FALSE;
}

/**
 * rtx_local_apps_reset_decisions:
 * @self: the registry
 * @app_id: an app id
 * @actor: who resets
 * @error: return location for an error
 *
 * Forgets every decision of the app, so that its prompts come back.
 *
 * Returns: %TRUE on success; %RTX_ERROR_NOT_FOUND for an unknown app
 */
gboolean
rtx_local_apps_reset_decisions (RtxLocalApps    *self,
                                const char      *app_id,
                                const RtxActor  *actor,
                                GError         **error)
{
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (self), FALSE);

  app = rtx_local_apps_get (self, app_id, error);
  if (app == NULL)
    return FALSE;

  if (!rtx_db_begin (self->db, error))
    return FALSE;

  stmt = rtx_db_prepare (self->db, "DELETE FROM local_app_permissions WHERE app_id = ?1", error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, app_id, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (self->db, stmt, error) ||
      !rtx_audit_record (self->db, actor, "local_app.permission_reset", "local_app", app->name,
                         NULL, error) ||
      !rtx_db_commit (self->db, error))
    goto fail;

  emit_changed (self, app_id);
  return TRUE;

fail:
  rtx_db_rollback (self->db);
  return FALSE;
}

/* ---- Credentials ------------------------------------------------------------------------- */

/**
 * rtx_local_apps_set_credential:
 * @self: the registry
 * @app_id: an app id
 * @credential: a credential's name (Settings > Credentials)
 * @assigned: whether the app has it from now on
 * @actor: who decides
 * @error: return location for an error
 *
 * Assigns a credential to an app, or takes it back. An env_var credential goes into the app's
 * environment at its next start.
 *
 * Returns: %TRUE on success; %RTX_ERROR_NOT_FOUND for an unknown app or credential
 */
gboolean
rtx_local_apps_set_credential (RtxLocalApps    *self,
                               const char      *app_id,
                               const char      *credential,
                               gboolean         assigned,
                               const RtxActor  *actor,
                               GError         **error)
{
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(RtxStmt) find = NULL;
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *detail = NULL;
  gboolean have_row = FALSE;
  gint64 credential_id;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (self), FALSE);
  g_return_val_if_fail (credential != NULL && actor != NULL, FALSE);

  app = rtx_local_apps_get (self, app_id, error);
  if (app == NULL)
    return FALSE;

  find = rtx_db_prepare (self->db, "SELECT id FROM credentials WHERE name = ?1", error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_text (find, 1, credential, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (self->db, find, &have_row, error))
    return FALSE;
  if (!have_row) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No credential is named “%s”"),
                 credential);
    return FALSE;
  }
  credential_id = sqlite3_column_int64 (find, 0);
  g_clear_pointer (&find, rtx_stmt_release);

  if (!rtx_db_begin (self->db, error))
    return FALSE;

  stmt = rtx_db_prepare (self->db, assigned
                         ? "INSERT OR IGNORE INTO local_app_credentials"
                           " (app_id, credential_id, assigned_at, assigned_by)"
                           " VALUES (?1, ?2, ?3, ?4)"
                         : "DELETE FROM local_app_credentials"
                           " WHERE app_id = ?1 AND credential_id = ?2",
                         error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, app_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, credential_id);
  if (assigned) {
    sqlite3_bind_int64 (stmt, 3, now_seconds ());
    sqlite3_bind_text (stmt, 4, actor->name != NULL ? actor->name : "", -1, SQLITE_TRANSIENT);
  }

  detail = g_strdup_printf ("%s: %s", assigned ? "assigned" : "unassigned", credential);
  if (!rtx_db_step_done (self->db, stmt, error) ||
      !rtx_audit_record (self->db, actor, "local_app.credential", "local_app", app->name,
                         detail, error) ||
      !rtx_db_commit (self->db, error))
    goto fail;

  emit_changed (self, app_id);
  return TRUE;

fail:
  rtx_db_rollback (self->db);
  return FALSE;
}

/**
 * rtx_local_apps_list_credentials:
 * @self: the registry
 * @app_id: an app id
 * @out_types: (out) (optional) (transfer full): each credential's type, in the same order
 * @error: return location for an error
 *
 * Returns: (transfer full): the names of the credentials assigned to the app, sorted
 */
GStrv
rtx_local_apps_list_credentials (RtxLocalApps  *self,
                                 const char    *app_id,
                                 GStrv         *out_types,
                                 GError       **error)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) types = g_strv_builder_new ();
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (self), NULL);

  stmt = rtx_db_prepare (self->db,
                         "SELECT c.name, c.type FROM local_app_credentials a"
                         " JOIN credentials c ON c.id = a.credential_id"
                         " WHERE a.app_id = ?1 ORDER BY c.name",
                         error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, app_id, -1, SQLITE_TRANSIENT);
  while (rtx_db_step_row (self->db, stmt, &have_row, error) && have_row) {
    g_strv_builder_add (names, (const char *) sqlite3_column_text (stmt, 0));
    g_strv_builder_add (types, (const char *) sqlite3_column_text (stmt, 1));
  }

  if (error != NULL && *error != NULL)
    return NULL;

  if (out_types != NULL)
    *out_types = g_strv_builder_end (types);
  return g_strv_builder_end (names);
}
