/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rtx-db.h"

G_BEGIN_DECLS

/**
 * RtxChatLogEntry:
 *
 * One exchange of `workspace_chats` with the names an administrator reads beside it, for the
 * admin chat list and the chat export. @response is the stored JSON text.
 */
typedef struct {
  gint64    id;
  gint64    workspace_id;
  char     *workspace_name;
  char     *workspace_slug;
  char     *workspace_prompt; /* NULL: the default system prompt */
  gint64    thread_id;       /* 0: none */
  gint64    user_id;         /* 0: none */
  char     *username;        /* NULL: no user (a key in single-user mode) */
  char     *api_session_id;
  char     *prompt;
  char     *response;
  gboolean  include;
  gboolean  has_feedback;
  gint      feedback_score;
  gint64    created_at;
  gint64    updated_at;
} RtxChatLogEntry;

void       rtx_chat_log_entry_free        (RtxChatLogEntry  *record);
char      *rtx_chat_log_entry_text        (const RtxChatLogEntry *record) G_GNUC_WARN_UNUSED_RESULT;
JsonNode  *rtx_chat_log_entry_to_json     (const RtxChatLogEntry *record) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *rtx_chat_log_page       (RtxDb          *db,
                                        gint64          offset,
                                        gint64          limit,
                                        gboolean        newest_first,
                                        gboolean       *out_has_more,
                                        GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxChatLogEntry, rtx_chat_log_entry_free)

G_END_DECLS
