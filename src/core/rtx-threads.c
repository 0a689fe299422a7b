/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-api-key.h"
#include "rtx-error.h"
#include "rtx-threads.h"

#define COLUMNS "id, name, slug, workspace_id, user_id, created_at, updated_at"

/**
 * RtxThreads:
 *
 * The threads of workspaces. Slugs are unique across the runtime (AnythingLLM's rule), so a
 * client-chosen slug that exists anywhere is a conflict.
 */
struct _RtxThreads {
  GObject  parent_instance;

  RtxDb   *db;
};

G_DEFINE_FINAL_TYPE (RtxThreads, rtx_threads, G_TYPE_OBJECT)

void
rtx_thread_free (RtxThread *thread)
{
  if (thread == NULL)
    return;

  g_free (thread->name);
  g_free (thread->slug);
  g_free (thread);
}

JsonNode *
rtx_thread_to_json (const RtxThread *thread)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *created = rtx_format_timestamp (thread->created_at);
  g_autofree char *updated = rtx_format_timestamp (thread->updated_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, thread->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, thread->name);
  json_builder_set_member_name (builder, "slug");
  json_builder_add_string_value (builder, thread->slug);
  json_builder_set_member_name (builder, "workspace_id");
  json_builder_add_int_value (builder, thread->workspace_id);
  json_builder_set_member_name (builder, "user_id");
  if (thread->user_id > 0)
    json_builder_add_int_value (builder, thread->user_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "createdAt");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "lastUpdatedAt");
  json_builder_add_string_value (builder, updated);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
rtx_threads_dispose (GObject *object)
{
  RtxThreads *self = (RtxThreads *) object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_threads_parent_class)->dispose (object);
}

static void
rtx_threads_class_init (RtxThreadsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_threads_dispose;
}

static void
rtx_threads_init (RtxThreads *self)
{
}

RtxThreads *
rtx_threads_new (RtxDb *db)
{
  RtxThreads *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_THREADS, NULL);
  self->db = g_object_ref (db);
  return self;
}

static RtxThread *
thread_from_row (RtxStmt *stmt)
{
  RtxThread *thread = g_new0 (RtxThread, 1);

  thread->id = sqlite3_column_int64 (stmt, 0);
  thread->name = rtx_stmt_dup_text (stmt, 1);
  thread->slug = rtx_stmt_dup_text (stmt, 2);
  thread->workspace_id = sqlite3_column_int64 (stmt, 3);
  thread->user_id = sqlite3_column_int64 (stmt, 4);
  thread->created_at = sqlite3_column_int64 (stmt, 5);
  thread->updated_at = sqlite3_column_int64 (stmt, 6);
  return thread;
}

static gboolean
valid_slug (const char *slug)
{
  if (slug == NULL || *slug == '\0' || strlen (slug) > 255)
    return FALSE;
  for (const char *p = slug; *p != '\0'; p++) {
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  }
  return TRUE;
}

/**
 * rtx_threads_create:
 * @user_id: the user the thread belongs to (multi-user mode), or 0
 * @name: (nullable): defaults to "Thread"
 * @slug: (nullable): letters, digits, `-` and `_`; defaults to a random UUID
 *
 * Returns: (transfer full): the thread, or %NULL (%RTX_ERROR_CONFLICT for a slug in use)
 */
RtxThread *
rtx_threads_create (RtxThreads  *self,
                    gint64       workspace_id,
                    gint64       user_id,
                    const char  *name,
                    const char  *slug,
                    GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *fresh = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (RTX_IS_THREADS (self), NULL);

  if (slug == NULL || *slug == '\0')
    slug = fresh = g_uuid_string_random ();
  if (!valid_slug (slug)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("slug may hold only letters, digits, “-” and “_” (at most 255)"));
    return NULL;
  }
  if (name == NULL || *name == '\0')
    name = "Thread";
  if (g_utf8_strlen (name, -1) > 255) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("name must be at most 255 characters"));
    return NULL;
  }

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO workspace_threads (name, slug, workspace_id, created_at, "
                         "updated_at, user_id) VALUES (?1, ?2, ?3, ?4, ?4, ?5)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, slug, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, workspace_id);
  sqlite3_bind_int64 (stmt, 4, now);
  if (user_id > 0)
    sqlite3_bind_int64 (stmt, 5, user_id);
  else
    sqlite3_bind_null (stmt, 5);
  if (!rtx_db_step_done (self->db, stmt, error)) {
    if (error != NULL && g_error_matches (*error, RTX_ERROR, RTX_ERROR_CONFLICT)) {
      g_clear_error (error);
      g_set_error (error, RTX_ERROR, RTX_ERROR_CONFLICT, _("A thread “%s” already exists"), slug);
    }
    return NULL;
  }

  return rtx_threads_get (self, workspace_id, slug, error);
}

/**
 * rtx_threads_get:
 *
 * Returns: (transfer full): the thread of that workspace, or %NULL with %RTX_ERROR_NOT_FOUND
 */
RtxThread *
rtx_threads_get (RtxThreads  *self,
                 gint64       workspace_id,
                 const char  *slug,
                 GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row = FALSE;

  g_return_val_if_fail (RTX_IS_THREADS (self), NULL);

  stmt = rtx_db_prepare (self->db, "SELECT " COLUMNS " FROM workspace_threads "
                         "WHERE workspace_id = ?1 AND slug = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, workspace_id);
  sqlite3_bind_text (stmt, 2, slug, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return NULL;
  if (!have_row) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No thread “%s” in this workspace"),
                 slug);
    return NULL;
  }

  return thread_from_row (stmt);
}

/**
 * rtx_threads_list:
 *
 * Returns: (transfer full) (element-type RtxThread): the workspace's threads, oldest first
 */
GPtrArray *
rtx_threads_list (RtxThreads  *self,
                  gint64       workspace_id,
                  GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_thread_free);
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_THREADS (self), NULL);

  stmt = rtx_db_prepare (self->db, "SELECT " COLUMNS " FROM workspace_threads "
                         "WHERE workspace_id = ?1 ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, workspace_id);
  if (!rtx_db_collect (self->db, stmt, list, (RtxRowFunc) thread_from_row, error))
    return NULL;

  return g_steal_pointer (&list);
}

RtxThread *
rtx_threads_rename (RtxThreads  *self,
                    gint64       workspace_id,
                    const char  *slug,
                    const char  *name,
                    GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autoptr(RtxThread) thread = NULL;

  g_return_val_if_fail (RTX_IS_THREADS (self), NULL);

  thread = rtx_threads_get (self, workspace_id, slug, error);
  if (thread == NULL)
    return NULL;
  if (name == NULL || *name == '\0' || g_utf8_strlen (name, -1) > 255) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("name must be a non-empty text of at most 255 characters"));
    return NULL;
  }

  stmt = rtx_db_prepare (self->db, "UPDATE workspace_threads SET name = ?1, updated_at = ?2 "
                         "WHERE id = ?3", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 3, thread->id);
  if (!rtx_db_step_done (self->db, stmt, error))
    return NULL;

  return rtx_threads_get (self, workspace_id, slug, error);
}

/* Deletes the thread and its chats. Deleting a thread that is not there succeeds (the
 * route is idempotent, as AnythingLLM's). */
gboolean
rtx_threads_delete (RtxThreads  *self,
                    gint64       workspace_id,
                    const char  *slug,
                    GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_THREADS (self), FALSE);

  stmt = rtx_db_prepare (self->db, "DELETE FROM workspace_threads "
                         "WHERE workspace_id = ?1 AND slug = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, workspace_id);
  sqlite3_bind_text (stmt, 2, slug, -1, SQLITE_TRANSIENT);
  return rtx_db_step_done (self->db, stmt, error);
}
