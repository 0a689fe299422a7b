/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-error.h"
#include "rtx-json.h"
#include "rtx-tasks.h"

/**
 * RtxTasks:
 *
 * Tasks that `trigger-agent` webhooks create (protocol §2.4, `action_type` `SDK_TRIGGER`), the
 * runs of agents for them, and the calendar events that show them for review. The app that
 * triggered a task reports on it with `task-start`, `task-complete` and `task-fail`.
 */
struct _RtxTasks {
  GObject  parent_instance;

  RtxDb   *db;
};

G_DEFINE_FINAL_TYPE (RtxTasks, rtx_tasks, G_TYPE_OBJECT)

/* Returns: the time now as the SDK's records spell it, "2026-11-26T19:26:32.123Z" */
char *
rtx_timestamp_now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);
}

static void
rtx_tasks_dispose (GObject *object)
{
  RtxTasks *self = (RtxTasks *) object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_tasks_parent_class)->dispose (object);
}

static void
rtx_tasks_class_init (RtxTasksClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_tasks_dispose;
}

static void
rtx_tasks_init (RtxTasks *self)
{
}

RtxTasks *
rtx_tasks_new (RtxDb *db)
{
  RtxTasks *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_TASKS, NULL);
  self->db = g_object_ref (db);
  return self;
}

static void
bind_nullable (RtxStmt    *stmt,
               int         index,
               const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/**
 * rtx_calendar_add_event:
 * @kind: `task` or `activity`
 * @task_uuid: (nullable): the task it shows
 * @ref_id: (nullable): the activity it shows
 * @out_uuid: (out) (optional): the event's id
 *
 * Puts an event on the person's calendar, pending their review.
 */
gboolean
rtx_calendar_add_event (RtxDb       *db,
                        const char  *kind,
                        const char  *title,
                        const char  *source_app,
                        const char  *task_uuid,
                        const char  *ref_id,
                        char       **out_uuid,
                        GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *now = rtx_timestamp_now_iso ();

  stmt = rtx_db_prepare (db,
                         "INSERT INTO calendar_events (uuid, kind, title, source_app, task_uuid, "
                         "ref_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, source_app, -1, SQLITE_TRANSIENT);
  bind_nullable (stmt, 5, task_uuid);
  bind_nullable (stmt, 6, ref_id);
  sqlite3_bind_text (stmt, 7, now, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (db, stmt, error))
    return FALSE;

  if (out_uuid != NULL)
    *out_uuid = g_steal_pointer (&uuid);
  return TRUE;
}

/* Returns: how many calendar events of @kind name @ref_id (an activity id or a task uuid) */
gint
rtx_calendar_count (RtxDb      *db,
                    const char *kind,
                    const char *ref_id)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row = FALSE;

  stmt = rtx_db_prepare (db,
                         "SELECT count (*) FROM calendar_events WHERE kind = ?1 "
                         "AND (ref_id = ?2 OR task_uuid = ?2)", NULL);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, ref_id, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (db, stmt, &have_row, NULL) || !have_row)
    return -1;
  return sqlite3_column_int (stmt, 0);
}

/**
 * rtx_tasks_create:
 * @out_task_uuid: (out): the task's id
 * @out_event_uuid: (out): its calendar event's id
 *
 * Records a task, `pending`, and its calendar event, in one transaction.
 */
gboolean
rtx_tasks_create (RtxTasks           *self,
                  const RtxTaskSpec  *spec,
                  char              **out_task_uuid,
                  char              **out_event_uuid,
                  GError            **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *now = rtx_timestamp_now_iso ();
  g_autofree char *raw = spec->raw_data != NULL ? rtx_json_to_string (spec->raw_data, FALSE)
                                                : g_strdup ("{}");

  g_return_val_if_fail (RTX_IS_TASKS (self), FALSE);

  if (!rtx_db_begin (self->db, error))
    return FALSE;
  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO tasks (uuid, title, action_type, source_app, agent_name, "
                         "workspace_slug, thread_slug, raw_data, created_at, updated_at) "
                         "VALUES (?1, ?2, 'SDK_TRIGGER', ?3, ?4, ?5, ?6, ?7, ?8, ?8)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, spec->title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, spec->source_app, -1, SQLITE_TRANSIENT);
  bind_nullable (stmt, 4, spec->agent_name);
  bind_nullable (stmt, 5, spec->workspace_slug);
  bind_nullable (stmt, 6, spec->thread_slug);
  sqlite3_bind_text (stmt, 7, raw, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, now, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (self->db, stmt, error) ||
      !rtx_calendar_add_event (self->db, "task", spec->title, spec->source_app, uuid, NULL,
                               out_event_uuid, error) ||
      !rtx_db_commit (self->db, error))
    goto fail;

  *out_task_uuid = g_steal_pointer (&uuid);
  return TRUE;

fail:
  g_clear_pointer (&stmt, rtx_stmt_release);
  rtx_db_rollback (self->db);
  return FALSE;
}

static void
add_column (JsonBuilder *builder,
            const char  *member,
            RtxStmt     *stmt,
            int          column,
            gboolean     omit_null)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  if (text == NULL && omit_null)
    return;
  json_builder_set_member_name (builder, member);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static gboolean
add_task (RtxTasks     *self,
          JsonBuilder  *builder,
          const char   *uuid,
          const char   *source_app,
          GError      **error)
{
  static const char * const members[] = {
    "uuid", "title", "status", "action_type", "source_app", "agent_name", "workspace_slug",
    "thread_slug", "error", "machine_id", "created_at", "updated_at",
  };
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row;
  const char *result;

  stmt = rtx_db_prepare (self->db,
                         "SELECT uuid, title, status, action_type, source_app, agent_name, "
                         "workspace_slug, thread_slug, error, machine_id, created_at, updated_at, "
                         "result FROM tasks WHERE uuid = ?1 AND (?2 IS NULL OR source_app = ?2)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  bind_nullable (stmt, 2, source_app);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return FALSE;
  if (!have_row) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, "Task not found");
    return FALSE;
  }

  json_builder_set_member_name (builder, "task");
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    add_column (builder, members[i], stmt, i, g_str_equal (members[i], "error"));
  result = (const char *) sqlite3_column_text (stmt, 12);
  if (result != NULL) {
    json_builder_set_member_name (builder, "result");
    json_builder_add_value (builder, json_from_string (result, NULL));
  }
  json_builder_end_object (builder);
  return TRUE;
}

static gboolean
add_runs (RtxTasks     *self,
          JsonBuilder  *builder,
          const char   *uuid,
          GError      **error)
{
  static const char * const members[] = {
    "agent_name", "workspace_slug", "thread_slug", "status", "started_at", "completed_at",
    "error",
  };
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row;

  stmt = rtx_db_prepare (self->db,
                         "SELECT id, agent_name, workspace_slug, thread_slug, status, started_at, "
                         "completed_at, error FROM task_runs WHERE task_uuid = ?1 ORDER BY id",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);

  json_builder_set_member_name (builder, "runs");
  json_builder_begin_array (builder);
  for (;;) {
    if (!rtx_db_step_row (self->db, stmt, &have_row, error))
      return FALSE;
    if (!have_row)
      break;
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "id");
    json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 0));
    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      add_column (builder, members[i], stmt, i + 1, TRUE);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  return TRUE;
}

/**
 * rtx_tasks_get_json:
 * @source_app: (nullable): only a task of this app (another app's task is not found)
 *
 * Returns: (transfer full): `{success, task, runs}` as `/task/{uuid}` answers, or %NULL with
 *   %RTX_ERROR_NOT_FOUND ("Task not found")
 */
JsonNode *
rtx_tasks_get_json (RtxTasks    *self,
                    const char  *uuid,
                    const char  *source_app,
                    GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (RTX_IS_TASKS (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  if (!add_task (self, builder, uuid, source_app, error) || !add_runs (self, builder, uuid, error))
    return NULL;
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * rtx_tasks_set_status:
 * @source_app: (nullable): only a task of this app
 * @status: `processing`, `completed` or `failed`
 * @result: (nullable): what the app reports on completion
 * @error_text: (nullable): why it failed
 * @machine_id: (nullable): the machine that works on it
 *
 * A finished task stays finished: reporting on it again is %RTX_ERROR_CONFLICT.
 */
gboolean
rtx_tasks_set_status (RtxTasks    *self,
                      const char  *uuid,
                      const char  *source_app,
                      const char  *status,
                      JsonNode    *result,
                      const char  *error_text,
                      const char  *machine_id,
                      GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autoptr(RtxStmt) check = NULL;
  g_autofree char *now = rtx_timestamp_now_iso ();
  g_autofree char *result_text = result != NULL ? rtx_json_to_string (result, FALSE) : NULL;
  gboolean have_row;
  const char *current;

  g_return_val_if_fail (RTX_IS_TASKS (self), FALSE);

  check = rtx_db_prepare (self->db,
                          "SELECT status FROM tasks WHERE uuid = ?1 "
                          "AND (?2 IS NULL OR source_app = ?2)", error);
  if (check == NULL)
    return FALSE;
  sqlite3_bind_text (check, 1, uuid, -1, SQLITE_TRANSIENT);
  bind_nullable (check, 2, source_app);
  if (!rtx_db_step_row (self->db, check, &have_row, error))
    return FALSE;
  if (!have_row) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, "Task not found");
    return FALSE;
  }
  current = (const char *) sqlite3_column_text (check, 0);
  if (g_strcmp0 (current, "completed") == 0 || g_strcmp0 (current, "failed") == 0) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_CONFLICT, "Task is already %s", current);
    return FALSE;
  }
  g_clear_pointer (&check, rtx_stmt_release);

  stmt = rtx_db_prepare (self->db,
                         "UPDATE tasks SET status = ?2, result = coalesce (?3, result), "
                         "error = ?4, machine_id = coalesce (?5, machine_id), updated_at = ?6 "
                         "WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_TRANSIENT);
  bind_nullable (stmt, 3, result_text);
  bind_nullable (stmt, 4, error_text);
  bind_nullable (stmt, 5, machine_id);
  sqlite3_bind_text (stmt, 6, now, -1, SQLITE_TRANSIENT);
  return rtx_db_step_done (self->db, stmt, error);
}

/* A run in a new thread (`create_new`): the task names the thread that was made. */
static gboolean
set_thread (RtxTasks    *self,
            const char  *uuid,
            const char  *thread_slug,
            GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  stmt = rtx_db_prepare (self->db, "UPDATE tasks SET thread_slug = ?2 WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, thread_slug, -1, SQLITE_TRANSIENT);
  return rtx_db_step_done (self->db, stmt, error);
}

/**
 * rtx_tasks_start_run:
 *
 * Records that an agent started working on a task, and the thread it works in.
 *
 * Returns: the run's id, or 0 with @error set
 */
gint64
rtx_tasks_start_run (RtxTasks    *self,
                     const char  *uuid,
                     const char  *agent_name,
                     const char  *workspace_slug,
                     const char  *thread_slug,
                     GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *now = rtx_timestamp_now_iso ();
  gint64 run_id;

  g_return_val_if_fail (RTX_IS_TASKS (self), 0);

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO task_runs (task_uuid, agent_name, workspace_slug, "
                         "thread_slug, status, started_at) VALUES (?1, ?2, ?3, ?4, 'running', ?5)",
                         error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, agent_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, workspace_slug, -1, SQLITE_TRANSIENT);
  bind_nullable (stmt, 4, thread_slug);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (self->db, stmt, error))
    return 0;
  run_id = sqlite3_last_insert_rowid (sqlite3_db_handle (stmt));

  if (thread_slug != NULL && !set_thread (self, uuid, thread_slug, error))
    return 0;
  return run_id;
}

/**
 * rtx_tasks_finish_run:
 * @error_text: (nullable): why the run failed, or %NULL when it completed
 */
gboolean
rtx_tasks_finish_run (RtxTasks    *self,
                      gint64       run_id,
                      const char  *error_text,
                      GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *now = rtx_timestamp_now_iso ();

  g_return_val_if_fail (RTX_IS_TASKS (self), FALSE);

  stmt = rtx_db_prepare (self->db,
                         "UPDATE task_runs SET status = ?2, completed_at = ?3, error = ?4 "
                         "WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, error_text != NULL ? "failed" : "completed", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_TRANSIENT);
  bind_nullable (stmt, 4, error_text);
  return rtx_db_step_done (self->db, stmt, error);
}
