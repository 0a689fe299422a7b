/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-activities.h"
#include "rtx-error.h"
#include "rtx-json.h"
#include "rtx-tasks.h"

#define COLUMNS "id, raw_data, old_data, status, locked_by, locked_at, completed_at, " \
                "error_message, result, created_at"

/**
 * RtxActivities:
 *
 * The local activities table behind the SDK's `/activities` (protocol §2.3), in the shape of
 * the Supabase table the real server proxies to: an id, the raw data and the previous raw
 * data, a status with its lock, and a result or an error. Each change also puts an event on
 * the calendar, as the real server does.
 */
struct _RtxActivities {
  GObject  parent_instance;

  RtxDb   *db;
};

G_DEFINE_FINAL_TYPE (RtxActivities, rtx_activities, G_TYPE_OBJECT)

static void
rtx_activities_dispose (GObject *object)
{
  RtxActivities *self = (RtxActivities *) object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_activities_parent_class)->dispose (object);
}

static void
rtx_activities_class_init (RtxActivitiesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_activities_dispose;
}

static void
rtx_activities_init (RtxActivities *self)
{
}

RtxActivities *
rtx_activities_new (RtxDb *db)
{
  RtxActivities *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_ACTIVITIES, NULL);
  self->db = g_object_ref (db);
  return self;
}

gboolean
rtx_activity_status_is_valid (const char *status)
{
  static const char * const valid[] = { "pending", "claimed", "completed", "failed", NULL };

  return status != NULL && g_strv_contains (valid, status);
}

/* A JSON text column as a member; unreadable text (never written by us) becomes null. */
static void
add_json_column (JsonBuilder *builder,
                 const char  *member,
                 RtxStmt     *stmt,
                 int          column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  json_builder_set_member_name (builder, member);
  if (node != NULL)
    json_builder_add_value (builder, g_steal_pointer (&node));
  else
    json_builder_add_null_value (builder);
}

static void
add_text_column (JsonBuilder *builder,
                 const char  *member,
                 RtxStmt     *stmt,
                 int          column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  json_builder_set_member_name (builder, member);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static JsonNode *
activity_from_row (RtxStmt *stmt)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  add_text_column (builder, "id", stmt, 0);
  add_json_column (builder, "raw_data", stmt, 1);
  add_json_column (builder, "old_data", stmt, 2);
  add_text_column (builder, "status", stmt, 3);
  add_text_column (builder, "locked_by", stmt, 4);
  add_text_column (builder, "locked_at", stmt, 5);
  add_text_column (builder, "completed_at", stmt, 6);
  add_text_column (builder, "error_message", stmt, 7);
  add_json_column (builder, "result", stmt, 8);
  add_text_column (builder, "created_at", stmt, 9);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
not_found (GError **error)
{
  /* The SDK's get() turns an error containing "not found" into null (protocol §2.3). */
  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, "Activity not found");
}

/**
 * rtx_activities_get:
 *
 * Returns: (transfer full): the activity as the SDK reads it, or %NULL with
 *   %RTX_ERROR_NOT_FOUND ("Activity not found")
 */
JsonNode *
rtx_activities_get (RtxActivities  *self,
                    const char     *id,
                    GError        **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row;

  g_return_val_if_fail (RTX_IS_ACTIVITIES (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = rtx_db_prepare (self->db, "SELECT " COLUMNS " FROM activities WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return NULL;
  if (!have_row) {
    not_found (error);
    return NULL;
  }

  return activity_from_row (stmt);
}

/**
 * rtx_activities_insert:
 * @source_app: the identity of the app that adds it
 * @raw_data: a JSON object
 *
 * Returns: (transfer full): the new activity, `pending`
 */
JsonNode *
rtx_activities_insert (RtxActivities  *self,
                       const char     *source_app,
                       JsonNode       *raw_data,
                       GError        **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *now = rtx_timestamp_now_iso ();
  g_autofree char *text = NULL;

  g_return_val_if_fail (RTX_IS_ACTIVITIES (self), NULL);

  if (raw_data == NULL || !JSON_NODE_HOLDS_OBJECT (raw_data)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("raw_data must be an object"));
    return NULL;
  }

  text = rtx_json_to_string (raw_data, FALSE);
  if (!rtx_db_begin (self->db, error))
    return NULL;

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO activities (id, source_app, raw_data, created_at, seq) "
                         "VALUES (?1, ?2, ?3, ?4, "
                         "(SELECT coalesce (max (seq), 0) + 1 FROM activities))", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, source_app, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (self->db, stmt, error) ||
      !rtx_calendar_add_event (self->db, "activity", _("New activity"), source_app, NULL, id,
                               NULL, error) ||
      !rtx_db_commit (self->db, error))
    goto fail;

  g_clear_pointer (&stmt, rtx_stmt_release);
  return rtx_activities_get (self, id, error);

fail:
  g_clear_pointer (&stmt, rtx_stmt_release);
  rtx_db_rollback (self->db);
  return NULL;
}

/**
 * rtx_activities_list:
 * @status: (nullable): only those with this status
 * @limit: at most this many (0: 100), newest first
 * @offset: skip this many
 *
 * Returns: (transfer full): a JSON array of activities
 */
JsonNode *
rtx_activities_list (RtxActivities  *self,
                     const char     *status,
                     guint           limit,
                     guint           offset,
                     GError        **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  JsonNode *node;
  gboolean have_row;

  g_return_val_if_fail (RTX_IS_ACTIVITIES (self), NULL);

  stmt = rtx_db_prepare (self->db,
                         "SELECT " COLUMNS " FROM activities "
                         "WHERE ?1 IS NULL OR status = ?1 ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
                         error);
  if (stmt == NULL)
    return NULL;
  if (status != NULL)
    sqlite3_bind_text (stmt, 1, status, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, limit == 0 ? 100 : MIN (limit, RTX_ACTIVITIES_MAX_LIMIT));
  sqlite3_bind_int (stmt, 3, offset);

  for (;;) {
    if (!rtx_db_step_row (self->db, stmt, &have_row, error))
      return NULL;
    if (!have_row)
      break;
    json_array_add_element (array, activity_from_row (stmt));
  }

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, array);
  return node;
}

/* ---- Updates ----------------------------------------------------------------------------- */

static const char * const patch_text_members[] = {
  "status", "locked_by", "locked_at", "completed_at", "error_message",
};

static gboolean
check_patch (JsonObject  *patch,
             GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (patch);
  JsonNode *node;

  for (GList *l = members; l != NULL; l = l->next) {
    const char *member = l->data;
    gboolean text = FALSE;

    node = json_object_get_member (patch, member);
    for (guint i = 0; i < G_N_ELEMENTS (patch_text_members); i++)
      text = text || g_str_equal (member, patch_text_members[i]);

    if (text) {
      if (JSON_NODE_HOLDS_NULL (node) && !g_str_equal (member, "status"))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          strlen (json_node_get_string (node)) > 64 * 1024) {
        g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                     _("%s must be a text"), member);
        return FALSE;
      }
    } else if (g_str_equal (member, "result") || g_str_equal (member, "raw_data")) {
      if (!JSON_NODE_HOLDS_OBJECT (node) &&
          !(JSON_NODE_HOLDS_NULL (node) && g_str_equal (member, "result"))) {
        g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                     _("%s must be an object"), member);
        return FALSE;
      }
    } else {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("An activity has no field “%s” that can be changed"), member);
      return FALSE;
    }
  }

  if (json_object_has_member (patch, "status") &&
      !rtx_activity_status_is_valid (json_object_get_string_member (patch, "status"))) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("status must be pending, claimed, completed or failed"));
    return FALSE;
  }

  return TRUE;
}

/* Binds member @member of @patch at @index as "is present" and at @index + 1 as its value
 * (text, or JSON text for objects). */
static void
bind_member (RtxStmt    *stmt,
             int         index,
             JsonObject *patch,
             const char *member)
{
  JsonNode *node = json_object_get_member (patch, member);

  sqlite3_bind_int (stmt, index, node != NULL);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;
  if (JSON_NODE_HOLDS_OBJECT (node)) {
    char *text = rtx_json_to_string (node, FALSE);

    sqlite3_bind_text (stmt, index + 1, text, -1, g_free);
  } else {
    sqlite3_bind_text (stmt, index + 1, json_node_get_string (node), -1, SQLITE_TRANSIENT);
  }
}

/**
 * rtx_activities_update:
 * @patch: `status`, `raw_data`, `result`, `error_message`, `locked_by`, `locked_at`,
 *   `completed_at`. A new `raw_data` moves the old one to `old_data`; `claimed` stamps
 *   `locked_at` and `completed`/`failed` stamp `completed_at` when the patch gives none.
 *
 * Returns: (transfer full): the changed activity
 */
JsonNode *
rtx_activities_update (RtxActivities  *self,
                       const char     *id,
                       JsonObject     *patch,
                       const char     *source_app,
                       GError        **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *now = rtx_timestamp_now_iso ();

  g_return_val_if_fail (RTX_IS_ACTIVITIES (self), NULL);

  if (!check_patch (patch, error))
    return NULL;

  if (!rtx_db_begin (self->db, error))
    return NULL;
  stmt = rtx_db_prepare (self->db,
                         "UPDATE activities SET "
                         "old_data = CASE WHEN ?2 THEN raw_data ELSE old_data END, "
                         "raw_data = CASE WHEN ?2 THEN ?3 ELSE raw_data END, "
                         "status = CASE WHEN ?4 THEN ?5 ELSE status END, "
                         "result = CASE WHEN ?6 THEN ?7 ELSE result END, "
                         "error_message = CASE WHEN ?8 THEN ?9 ELSE error_message END, "
                         "locked_by = CASE WHEN ?10 THEN ?11 ELSE locked_by END, "
                         "locked_at = CASE WHEN ?12 THEN ?13 "
                         "  WHEN ?4 AND ?5 = 'claimed' THEN ?16 ELSE locked_at END, "
                         "completed_at = CASE WHEN ?14 THEN ?15 "
                         "  WHEN ?4 AND ?5 IN ('completed', 'failed') THEN ?16 "
                         "  ELSE completed_at END "
                         "WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  bind_member (stmt, 2, patch, "raw_data");
  bind_member (stmt, 4, patch, "status");
  bind_member (stmt, 6, patch, "result");
  bind_member (stmt, 8, patch, "error_message");
  bind_member (stmt, 10, patch, "locked_by");
  bind_member (stmt, 12, patch, "locked_at");
  bind_member (stmt, 14, patch, "completed_at");
  sqlite3_bind_text (stmt, 16, now, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (self->db, stmt, error))
    goto fail;
  if (sqlite3_changes (sqlite3_db_handle (stmt)) == 0) {
    not_found (error);
    goto fail;
  }
  if (!rtx_calendar_add_event (self->db, "activity", _("Activity changed"), source_app, NULL, id,
                               NULL, error) ||
      !rtx_db_commit (self->db, error))
    goto fail;

  g_clear_pointer (&stmt, rtx_stmt_release);
  return rtx_activities_get (self, id, error);

fail:
  g_clear_pointer (&stmt, rtx_stmt_release);
  rtx_db_rollback (self->db);
  return NULL;
}

/**
 * rtx_activities_delete:
 *
 * Returns: %TRUE, or %FALSE with %RTX_ERROR_NOT_FOUND
 */
gboolean
rtx_activities_delete (RtxActivities  *self,
                       const char     *id,
                       const char     *source_app,
                       GError        **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_ACTIVITIES (self), FALSE);

  if (!rtx_db_begin (self->db, error))
    return FALSE;
  stmt = rtx_db_prepare (self->db, "DELETE FROM activities WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (self->db, stmt, error))
    goto fail;
  if (sqlite3_changes (sqlite3_db_handle (stmt)) == 0) {
    not_found (error);
    goto fail;
  }
  if (!rtx_calendar_add_event (self->db, "activity", _("Activity deleted"), source_app, NULL, id,
                               NULL, error) ||
      !rtx_db_commit (self->db, error))
    goto fail;

  return TRUE;

fail:
  g_clear_pointer (&stmt, rtx_stmt_release);
  rtx_db_rollback (self->db);
  return FALSE;
}
