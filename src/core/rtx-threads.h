/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-db.h"

G_BEGIN_DECLS

/**
 * RtxThread:
 *
 * A workspace thread: a named conversation with its own history.
 */
typedef struct {
  gint64  id;
  char   *name;
  char   *slug;
  gint64  workspace_id;
  gint64  user_id;      /* 0 when none */
  gint64  created_at;
  gint64  updated_at;
} RtxThread;

void      rtx_thread_free    (RtxThread       *thread);
JsonNode *rtx_thread_to_json (const RtxThread *thread) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxThread, rtx_thread_free)

#define RTX_TYPE_THREADS (rtx_threads_get_type ())
G_DECLARE_FINAL_TYPE (RtxThreads, rtx_threads, RTX, THREADS, GObject)

RtxThreads *rtx_threads_new    (RtxDb       *db) G_GNUC_WARN_UNUSED_RESULT;
RtxThread  *rtx_threads_create (RtxThreads  *self,
                                gint64       workspace_id,
                                gint64       user_id,
                                const char  *name,
                                const char  *slug,
                                GError     **error);
RtxThread  *rtx_threads_get    (RtxThreads  *self,
                                gint64       workspace_id,
                                const char  *slug,
                                GError     **error);
GPtrArray  *rtx_threads_list   (RtxThreads  *self,
                                gint64       workspace_id,
                                GError     **error);
RtxThread  *rtx_threads_rename (RtxThreads  *self,
                                gint64       workspace_id,
                                const char  *slug,
                                const char  *name,
                                GError     **error);
gboolean    rtx_threads_delete (RtxThreads  *self,
                                gint64       workspace_id,
                                const char  *slug,
                                GError     **error);

G_END_DECLS
