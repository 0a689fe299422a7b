/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-chats.h"
#include "rtx-error.h"
#include "rtx-json.h"

/* Rows of one partition: NULL-safe comparisons (IS) so that "no thread" and "no session"
 * select exactly the default history. */
#define PARTITION "workspace_id = ?1 AND thread_id IS ?2 AND api_session_id IS ?3" \
                  " AND user_id IS ?8"

/**
 * RtxChats:
 *
 * Stored exchanges (`workspace_chats`). A reset hides a partition's rows from future history
 * (`include = 0`) without deleting them.
 */
struct _RtxChats {
  GObject  parent_instance;

  RtxDb   *db;
};

G_DEFINE_FINAL_TYPE (RtxChats, rtx_chats, G_TYPE_OBJECT)

void
rtx_chat_record_free (RtxChatRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->prompt);
  g_clear_pointer (&record->response, json_object_unref);
  g_free (record);
}

static void
rtx_chats_dispose (GObject *object)
{
  RtxChats *self = (RtxChats *) object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_chats_parent_class)->dispose (object);
}

static void
rtx_chats_class_init (RtxChatsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_chats_dispose;
}

static void
rtx_chats_init (RtxChats *self)
{
}

RtxChats *
rtx_chats_new (RtxDb *db)
{
  RtxChats *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_CHATS, NULL);
  self->db = g_object_ref (db);
  return self;
}

static void
bind_partition (RtxStmt                *stmt,
                const RtxChatPartition *partition)
{
  sqlite3_bind_int64 (stmt, 1, partition->workspace_id);
  if (partition->thread_id > 0)
    sqlite3_bind_int64 (stmt, 2, partition->thread_id);
  else
    sqlite3_bind_null (stmt, 2);
  if (partition->session_id != NULL)
    sqlite3_bind_text (stmt, 3, partition->session_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 3);
  if (partition->user_id > 0)
    sqlite3_bind_int64 (stmt, 8, partition->user_id);
  else
    sqlite3_bind_null (stmt, 8);
}

/**
 * rtx_chats_add:
 * @partition: where the exchange goes, with the user who asked
 * @response: the response object, stored as JSON text
 * @include: %FALSE for exchanges that must never enter history (refusals)
 *
 * Returns: the new row's id, or 0 on error
 */
gint64
rtx_chats_add (RtxChats               *self,
               const RtxChatPartition *partition,
               const char             *prompt,
               JsonObject             *response,
               gboolean                include,
               GError                **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), response);
  g_autofree char *text = rtx_json_to_string (node, FALSE);
  g_autoptr(RtxStmt) stmt = NULL;
  g_autoptr(GError) restore_error = NULL;
  gboolean ok;

  g_return_val_if_fail (RTX_IS_CHATS (self), 0);

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO workspace_chats (workspace_id, thread_id, api_session_id, "
                         "prompt, response, include, created_at, updated_at, user_id) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)", error);
  if (stmt == NULL)
    return 0;
  bind_partition (stmt, partition);
  sqlite3_bind_text (stmt, 4, prompt, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 6, include ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, g_get_real_time () / G_USEC_PER_SEC);

  /* An exchange is committed without waiting for the disk: in WAL mode synchronous=NORMAL is
   * still atomic, visible at once and kept if the runtime is killed; only a power cut may lose
   * the last exchanges until the next FULL commit syncs the log. A streamed answer's last event
   * waits for this commit (so that the history read right after it has the exchange), and the
   * fdatasync cost a relayed stream 10-15 % of its throughput (bench/RESULTS.md, issue 5).
   * The connection is this thread's, and goes back to FULL at once. */
  if (!rtx_db_exec (self->db, "PRAGMA synchronous=NORMAL", error))
    return 0;
  ok = rtx_db_step_done (self->db, stmt, error);
  if (!rtx_db_exec (self->db, "PRAGMA synchronous=FULL", &restore_error))
    g_critical ("Could not restore synchronous=FULL: %s", restore_error->message);
  if (!ok)
    return 0;

  return rtx_db_last_insert_rowid (self->db);
}

static RtxChatRecord *
record_from_row (RtxStmt *stmt)
{
  RtxChatRecord *record = g_new0 (RtxChatRecord, 1);
  const char *text = (const char *) sqlite3_column_text (stmt, 2);
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  record->id = sqlite3_column_int64 (stmt, 0);
  record->prompt = rtx_stmt_dup_text (stmt, 1);
  record->response = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                     ? json_object_ref (json_node_get_object (node)) : json_object_new ();
  record->include = sqlite3_column_int (stmt, 3) != 0;
  record->created_at = sqlite3_column_int64 (stmt, 4);
  return record;
}

/**
 * rtx_chats_history:
 * @limit: at most this many exchanges, the newest ones
 * @newest_first: the order of the result
 *
 * The included exchanges of a partition.
 *
 * Returns: (transfer full) (element-type RtxChatRecord): the exchanges
 */
GPtrArray *
rtx_chats_history (RtxChats               *self,
                   const RtxChatPartition *partition,
                   guint                   limit,
                   gboolean                newest_first,
                   GError                **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_chat_record_free);
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_CHATS (self), NULL);

  stmt = rtx_db_prepare (self->db,
                         "SELECT id, prompt, response, include, created_at FROM workspace_chats "
                         "WHERE " PARTITION " AND include = 1 ORDER BY id DESC LIMIT ?4", error);
  if (stmt == NULL)
    return NULL;
  bind_partition (stmt, partition);
  sqlite3_bind_int64 (stmt, 4, limit);

  if (!rtx_db_collect (self->db, stmt, list, (RtxRowFunc) record_from_row, error))
    return NULL;

  if (!newest_first) {
    for (guint i = 0; i < list->len / 2; i++) {
      gpointer tmp = list->pdata[i];

      list->pdata[i] = list->pdata[list->len - 1 - i];
      list->pdata[list->len - 1 - i] = tmp;
    }
  }

  return g_steal_pointer (&list);
}

gboolean
rtx_chats_reset (RtxChats               *self,
                 const RtxChatPartition *partition,
                 GError                **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_CHATS (self), FALSE);

  stmt = rtx_db_prepare (self->db,
                         "UPDATE workspace_chats SET include = 0, updated_at = ?4 "
                         "WHERE " PARTITION " AND include = 1", error);
  if (stmt == NULL)
    return FALSE;
  bind_partition (stmt, partition);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  return rtx_db_step_done (self->db, stmt, error);
}

/**
 * rtx_chats_count_by_user:
 * @since: Unix seconds; exchanges stored at or after it count
 * @out_count: (out): the number of exchanges
 *
 * How many exchanges @user_id asked since @since, those later hidden by a reset included: a
 * reset must not give a user a fresh daily allowance.
 */
gboolean
rtx_chats_count_by_user (RtxChats  *self,
                         gint64     user_id,
                         gint64     since,
                         gint64    *out_count,
                         GError   **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row = FALSE;

  g_return_val_if_fail (RTX_IS_CHATS (self), FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);

  stmt = rtx_db_prepare (self->db,
                         "SELECT count(*) FROM workspace_chats WHERE user_id = ?1"
                         " AND created_at >= ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, since);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return FALSE;

  *out_count = have_row ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}
