/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-db.h"

G_BEGIN_DECLS

/**
 * RtxChatPartition:
 * @workspace_id: the workspace
 * @thread_id: the thread, or 0 for the workspace's default history
 * @session_id: (nullable): the API `sessionId`, or %NULL
 * @user_id: the user who asks (multi-user mode: the owner of the key), or 0 for none
 *
 * One history (standard-api.md §3.3): a workspace's default chat, one of its API sessions, or
 * one of its threads, each of one user: in multi-user mode people sharing a workspace do not
 * read, continue or reset each other's conversations.
 */
typedef struct {
  gint64      workspace_id;
  gint64      thread_id;
  const char *session_id;
  gint64      user_id;
} RtxChatPartition;

/**
 * RtxChatRecord:
 * @prompt: the user's message
 * @response: the stored response, a JSON object `{text, sources, type, attachments, metrics}`
 */
typedef struct {
  gint64      id;
  char       *prompt;
  JsonObject *response;
  gboolean    include;
  gint64      created_at;
} RtxChatRecord;

void rtx_chat_record_free (RtxChatRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxChatRecord, rtx_chat_record_free)

#define RTX_TYPE_CHATS (rtx_chats_get_type ())
G_DECLARE_FINAL_TYPE (RtxChats, rtx_chats, RTX, CHATS, GObject)

RtxChats  *rtx_chats_new     (RtxDb                  *db) G_GNUC_WARN_UNUSED_RESULT;
gint64     rtx_chats_add     (RtxChats               *self,
                              const RtxChatPartition *partition,
                              const char             *prompt,
                              JsonObject             *response,
                              gboolean                include,
                              GError                **error);
GPtrArray *rtx_chats_history (RtxChats               *self,
                              const RtxChatPartition *partition,
                              guint                   limit,
                              gboolean                newest_first,
                              GError                **error);
gboolean   rtx_chats_reset   (RtxChats               *self,
                              const RtxChatPartition *partition,
                              GError                **error);
gboolean   rtx_chats_count_by_user (RtxChats         *self,
                                    gint64            user_id,
                                    gint64            since,
                                    gint64           *out_count,
                                    GError          **error);

G_END_DECLS
