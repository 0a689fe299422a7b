/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-api-key.h"
#include "rtx-chat-log.h"

void
rtx_chat_log_entry_free (RtxChatLogEntry *record)
{
  if (record == NULL)
    return;

  g_free (record->workspace_name);
  g_free (record->workspace_slug);
  g_free (record->workspace_prompt);
  g_free (record->username);
  g_free (record->api_session_id);
  g_free (record->prompt);
  g_free (record->response);
  g_free (record);
}

/**
 * rtx_chat_log_entry_text:
 *
 * Returns: (transfer full): the answer's text, read from the stored response JSON (`text`),
 *   or "" when it has none
 */
char *
rtx_chat_log_entry_text (const RtxChatLogEntry *record)
{
  g_autoptr(JsonNode) node = NULL;
  JsonNode *text;

  g_return_val_if_fail (record != NULL, NULL);

  node = json_from_string (record->response, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup ("");

  text = json_object_get_member (json_node_get_object (node), "text");
  if (text == NULL || json_node_get_value_type (text) != G_TYPE_STRING)
    return g_strdup ("");

  return g_strdup (json_node_get_string (text));
}

static void
add_time (JsonBuilder *builder,
          const char  *member,
          gint64       unix_seconds)
{
  g_autofree char *text = rtx_format_timestamp (unix_seconds);

  json_builder_set_member_name (builder, member);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static void
add_int_or_null (JsonBuilder *builder,
                 const char  *member,
                 gint64       value)
{
  json_builder_set_member_name (builder, member);
  if (value > 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * rtx_chat_log_entry_to_json:
 *
 * AnythingLLM's row of `/v1/admin/workspace-chats`: the raw columns (`response` stays a JSON
 * string) plus `workspace {name, slug}` and `user {username}` ("API" without a user).
 *
 * Returns: (transfer full): an object node
 */
JsonNode *
rtx_chat_log_entry_to_json (const RtxChatLogEntry *record)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (record != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  json_builder_set_member_name (builder, "workspaceId");
  json_builder_add_int_value (builder, record->workspace_id);
  json_builder_set_member_name (builder, "prompt");
  json_builder_add_string_value (builder, record->prompt);
  json_builder_set_member_name (builder, "response");
  json_builder_add_string_value (builder, record->response);
  json_builder_set_member_name (builder, "include");
  json_builder_add_boolean_value (builder, record->include);
  add_int_or_null (builder, "user_id", record->user_id);
  add_int_or_null (builder, "thread_id", record->thread_id);
  json_builder_set_member_name (builder, "api_session_id");
  if (record->api_session_id != NULL)
    json_builder_add_string_value (builder, record->api_session_id);
  else
    json_builder_add_null_value (builder);
  add_time (builder, "createdAt", record->created_at);
  add_time (builder, "lastUpdatedAt", record->updated_at);
  json_builder_set_member_name (builder, "feedbackScore");
  if (record->has_feedback)
    json_builder_add_boolean_value (builder, record->feedback_score > 0);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "workspace");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, record->workspace_name);
  json_builder_set_member_name (builder, "slug");
  json_builder_add_string_value (builder, record->workspace_slug);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "user");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, record->username != NULL ? record->username : "API");
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

#define SELECT_CHATS "SELECT c.id, c.workspace_id, w.name, w.slug, c.thread_id, c.user_id," \
                     " u.username, c.api_session_id, c.prompt, c.response, c.include," \
                     " c.feedback_score, c.created_at, c.updated_at, w.openai_prompt" \
                     " FROM workspace_chats c JOIN workspaces w ON w.id = c.workspace_id" \
                     " LEFT JOIN users u ON u.id = c.user_id"

static RtxChatLogEntry *
record_from_row (RtxStmt *stmt)
{
  RtxChatLogEntry *record = g_new0 (RtxChatLogEntry, 1);

  record->id = sqlite3_column_int64 (stmt, 0);
  record->workspace_id = sqlite3_column_int64 (stmt, 1);
  record->workspace_name = rtx_stmt_dup_text (stmt, 2);
  record->workspace_slug = rtx_stmt_dup_text (stmt, 3);
  record->thread_id = sqlite3_column_int64 (stmt, 4);
  record->user_id = sqlite3_column_int64 (stmt, 5);
  record->username = rtx_stmt_dup_text (stmt, 6);
  record->api_session_id = rtx_stmt_dup_text (stmt, 7);
  record->prompt = rtx_stmt_dup_text (stmt, 8);
  record->response = rtx_stmt_dup_text (stmt, 9);
  record->include = sqlite3_column_int (stmt, 10) != 0;
  record->has_feedback = sqlite3_column_type (stmt, 11) != SQLITE_NULL;
  record->feedback_score = sqlite3_column_int (stmt, 11);
  record->created_at = sqlite3_column_int64 (stmt, 12);
  record->updated_at = sqlite3_column_int64 (stmt, 13);
  record->workspace_prompt = rtx_stmt_dup_text (stmt, 14);

  return record;
}

/**
 * rtx_chat_log_page:
 * @offset: rows to skip
 * @limit: at most this many rows
 * @newest_first: the admin list's order; oldest first otherwise (exports)
 * @out_has_more: (out) (optional): whether rows remain after this page
 *
 * Every workspace's chats.
 *
 * Returns: (transfer full) (element-type RtxChatLogEntry): the page
 */
GPtrArray *
rtx_chat_log_page (RtxDb     *db,
                       gint64     offset,
                       gint64     limit,
                       gboolean   newest_first,
                       gboolean  *out_has_more,
                       GError   **error)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_chat_log_entry_free);
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  stmt = rtx_db_prepare (db, newest_first ? SELECT_CHATS " ORDER BY c.id DESC LIMIT ?1 OFFSET ?2"
                                          : SELECT_CHATS " ORDER BY c.id LIMIT ?1 OFFSET ?2",
                         error);
  if (stmt == NULL)
    return NULL;

  /* One more than asked tells whether another page exists. */
  sqlite3_bind_int64 (stmt, 1, limit + 1);
  sqlite3_bind_int64 (stmt, 2, offset);
  if (!rtx_db_collect (db, stmt, page, (RtxRowFunc) record_from_row, error))
    return NULL;

  if (out_has_more != NULL)
    *out_has_more = page->len > (guint) limit;
  if (page->len > (guint) limit)
    g_ptr_array_set_size (page, (guint) limit);

  return g_steal_pointer (&page);
}
