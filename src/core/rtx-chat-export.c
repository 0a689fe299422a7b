/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-api-key.h"
#include "rtx-chat-export.h"
#include "rtx-chat-log.h"
#include "rtx-error.h"
#include "rtx-json.h"

/* The export of every workspace's chats, in AnythingLLM's four formats (standard-api.md §2.3):
 * `csv` and `json` list {id, username, workspace, prompt, response, sent_at, rating};
 * `jsonl` has one line per workspace, `{"messages": [system, user, assistant, …]}`, the
 * fine-tuning shape; `jsonAlpaca` is [{instruction, input, output}]. Everything is built with
 * a real encoder (json-glib, RFC 4180 quoting), so any prompt or answer reads back whole. */

#define PAGE_ROWS 500

/* AnythingLLM's default system prompt, used where a workspace has none. */
#define DEFAULT_SYSTEM_PROMPT \
  "Given the following conversation, relevant context, and a follow up question, reply with " \
  "an answer to the current question the user is asking. Return only your response to the " \
  "question given the above information following the users instructions as needed."

static const struct {
  const char *name;
  const char *content_type;
} formats[] = {
  { "jsonl", "application/jsonl; charset=utf-8" },
  { "json", "application/json; charset=utf-8" },
  { "csv", "text/csv; charset=utf-8" },
  { "jsonAlpaca", "application/json; charset=utf-8" },
};

gboolean
rtx_chat_export_format_is_valid (const char *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    if (g_strcmp0 (format, formats[i].name) == 0)
      return TRUE;
  }

  return FALSE;
}

static const char *
system_prompt (const RtxChatLogEntry *entry)
{
  return entry->workspace_prompt != NULL && *entry->workspace_prompt != '\0'
    ? entry->workspace_prompt : DEFAULT_SYSTEM_PROMPT;
}

static const char *
rating (const RtxChatLogEntry *entry)
{
  if (!entry->has_feedback)
    return "--";
  return entry->feedback_score > 0 ? "GOOD" : "BAD";
}

static void
csv_field (GString    *out,
           const char *value,
           gboolean    last)
{
  g_string_append_c (out, '"');
  for (const char *p = value != NULL ? value : ""; *p; p++) {
    if (*p == '"')
      g_string_append_c (out, '"');
    g_string_append_c (out, *p);
  }
  g_string_append_c (out, '"');
  g_string_append (out, last ? "\r\n" : ",");
}

static void
add_flat_row (JsonBuilder           *json,
              GString               *csv,
              const RtxChatLogEntry *entry)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, entry->id);
  g_autofree char *text = rtx_chat_log_entry_text (entry);
  g_autofree char *sent = rtx_format_timestamp (entry->created_at);
  const char *username = entry->username != NULL ? entry->username : "API";
  const char *values[] = {
    id, username, entry->workspace_name, entry->prompt, text, sent, rating (entry),
  };
  static const char * const names[] = {
    "id", "username", "workspace", "prompt", "response", "sent_at", "rating",
  };

  if (csv != NULL) {
    for (guint i = 0; i < G_N_ELEMENTS (values); i++)
      csv_field (csv, values[i], i == G_N_ELEMENTS (values) - 1);
    return;
  }

  json_builder_begin_object (json);
  json_builder_set_member_name (json, "id");
  json_builder_add_int_value (json, entry->id);
  for (guint i = 1; i < G_N_ELEMENTS (values); i++) {
    json_builder_set_member_name (json, names[i]);
    json_builder_add_string_value (json, values[i] != NULL ? values[i] : "");
  }
  json_builder_end_object (json);
}

static void
add_alpaca_row (JsonBuilder           *json,
                const RtxChatLogEntry *entry)
{
  g_autofree char *text = rtx_chat_log_entry_text (entry);

  json_builder_begin_object (json);
  json_builder_set_member_name (json, "instruction");
  json_builder_add_string_value (json, system_prompt (entry));
  json_builder_set_member_name (json, "input");
  json_builder_add_string_value (json, entry->prompt);
  json_builder_set_member_name (json, "output");
  json_builder_add_string_value (json, text);
  json_builder_end_object (json);
}

static JsonObject *
message (const char *role,
         const char *content)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "role", role);
  json_object_set_string_member (object, "content", content);
  return object;
}

/* jsonl: one conversation per workspace, in the order workspaces first appear. */
static void
add_jsonl_row (GHashTable            *conversations,
               GPtrArray             *order,
               const RtxChatLogEntry *entry)
{
  JsonArray *messages = g_hash_table_lookup (conversations, &entry->workspace_id);
  g_autofree char *text = rtx_chat_log_entry_text (entry);

  if (messages == NULL) {
    gint64 *key = g_memdup2 (&entry->workspace_id, sizeof (gint64));

    messages = json_array_new ();
    json_array_add_object_element (messages, message ("system", system_prompt (entry)));
    g_hash_table_insert (conversations, key, messages);
    g_ptr_array_add (order, key);
  }

  json_array_add_object_element (messages, message ("user", entry->prompt));
  json_array_add_object_element (messages, message ("assistant", text));
}

static char *
jsonl_text (GHashTable *conversations,
            GPtrArray  *order)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < order->len; i++) {
    JsonArray *messages = g_hash_table_lookup (conversations, g_ptr_array_index (order, i));
    g_autoptr(JsonObject) line = json_object_new ();
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
    g_autofree char *text = NULL;

    json_object_set_array_member (line, "messages", json_array_ref (messages));
    json_node_set_object (node, line);
    text = rtx_json_to_string (node, FALSE);
    g_string_append (out, text);
    g_string_append_c (out, '\n');
  }

  return g_string_free (out, FALSE);
}

/**
 * rtx_chat_export:
 * @format: `jsonl`, `json`, `csv` or `jsonAlpaca`
 * @out_content_type: (out): the body's media type
 *
 * Returns: (transfer full): every workspace chat, oldest first, in @format
 */
GBytes *
rtx_chat_export (RtxDb       *db,
                 const char  *format,
                 const char **out_content_type,
                 GError     **error)
{
  g_autoptr(JsonBuilder) json = json_builder_new ();
  g_autoptr(GHashTable) conversations = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GString) csv = NULL;
  gboolean is_csv = g_strcmp0 (format, "csv") == 0;
  gboolean is_jsonl = g_strcmp0 (format, "jsonl") == 0;
  gboolean is_alpaca = g_strcmp0 (format, "jsonAlpaca") == 0;
  gboolean has_more = TRUE;
  char *text;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  if (!rtx_chat_export_format_is_valid (format)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("The export type is one of jsonl, json, csv and jsonAlpaca."));
    return NULL;
  }

  conversations = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) json_array_unref);
  if (is_csv) {
    csv = g_string_new (NULL);
    csv_field (csv, "id", FALSE);
    csv_field (csv, "username", FALSE);
    csv_field (csv, "workspace", FALSE);
    csv_field (csv, "prompt", FALSE);
    csv_field (csv, "response", FALSE);
    csv_field (csv, "sent_at", FALSE);
    csv_field (csv, "rating", TRUE);
  }

  json_builder_begin_array (json);
  for (gint64 offset = 0; has_more; offset += PAGE_ROWS) {
    g_autoptr(GPtrArray) page = rtx_chat_log_page (db, offset, PAGE_ROWS, FALSE, &has_more,
                                                   error);

    if (page == NULL)
      return NULL;

    for (guint i = 0; i < page->len; i++) {
      const RtxChatLogEntry *entry = g_ptr_array_index (page, i);

      if (is_jsonl)
        add_jsonl_row (conversations, order, entry);
      else if (is_alpaca)
        add_alpaca_row (json, entry);
      else
        add_flat_row (json, csv, entry);
    }
  }
  json_builder_end_array (json);

  if (is_csv) {
    text = g_string_free (g_steal_pointer (&csv), FALSE);
  } else if (is_jsonl) {
    text = jsonl_text (conversations, order);
  } else {
    g_autoptr(JsonNode) root = json_builder_get_root (json);

    text = rtx_json_to_string (root, TRUE);
  }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    if (g_str_equal (format, formats[i].name))
      *out_content_type = formats[i].content_type;
  }

  return g_bytes_new_take (text, strlen (text));
}
