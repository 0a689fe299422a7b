/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-access.h"
#include "rtx-retriever.h"
#include "rtx-body.h"
#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-json.h"
#include "rtx-reply.h"
#include "rtx-worker.h"

/* Workspace routes of the standard surface (standard-api.md §2.4). Errors carry the standard
 * `success:false` and `error`, plus AnythingLLM's `workspace:null` and `message`. */

static void
reply_workspace_error (RtxRequest   *req,
                       const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  guint status = rtx_reply_status_for_error (RTX_SURFACE_STANDARD, error);
  const char *message = rtx_reply_client_message (error, status);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "workspace");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, status, body);
}

/* Adds `threads` (and, with @documents, the workspace's documents) and closes the object
 * begun by the caller. */
static void
add_workspace (JsonBuilder        *builder,
               RtxRequest         *req,
               const RtxWorkspace *ws,
               gboolean            documents)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(GPtrArray) threads = NULL;

  json_builder_begin_object (builder);
  rtx_workspace_add_json_members (ws, builder);

  threads = rtx_threads_list (rtx_runtime_get_threads (runtime), ws->id, NULL);
  json_builder_set_member_name (builder, "threads");
  json_builder_begin_array (builder);
  for (guint i = 0; threads != NULL && i < threads->len; i++) {
    RtxThread *thread = g_ptr_array_index (threads, i);

    if (!rtx_access_sees_thread (req, thread))
      continue;
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "user_id");
    if (thread->user_id > 0)
      json_builder_add_int_value (builder, thread->user_id);
    else
      json_builder_add_null_value (builder);
    json_builder_set_member_name (builder, "slug");
    json_builder_add_string_value (builder, thread->slug);
    json_builder_set_member_name (builder, "name");
    json_builder_add_string_value (builder, thread->name);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);

  if (documents) {
    json_builder_set_member_name (builder, "documents");
    rtx_retriever_add_workspace_documents (rtx_retriever_get (runtime), builder, ws->id);
  }
  json_builder_end_object (builder);
}

static JsonNode *
workspace_reply (RtxRequest         *req,
                 const RtxWorkspace *ws,
                 const char         *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "workspace");
  add_workspace (builder, req, ws, FALSE);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* What a worker writes: the checks and the body's parsing happened on the main context. */
typedef struct {
  char       *slug;
  char       *name;
  JsonObject *fields;    /* a copy: the body stays the request's, on the main context */
} WorkspaceWrite;

static void
workspace_write_free (WorkspaceWrite *w)
{
  g_free (w->slug);
  g_free (w->name);
  g_clear_pointer (&w->fields, json_object_unref);
  g_free (w);
}

static JsonNode *
create_in_worker (RtxRequest  *req,
                  gpointer     data,
                  guint       *status,
                  GError     **error)
{
  WorkspaceWrite *w = data;
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(RtxWorkspace) ws = NULL;

  ws = rtx_workspaces_create (rtx_runtime_get_workspaces (runtime), w->name, w->fields, error);
  return ws != NULL ? workspace_reply (req, ws, _("Workspace created")) : NULL;
}

static void
handle_create (RtxRequest *req)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) error = NULL;
  WorkspaceWrite *w;

  if (rtx_access_manages_workspaces (req, &error))
    fields = rtx_body_parse_object (req, TRUE, &error);
  if (fields == NULL) {
    reply_workspace_error (req, error);
    return;
  }

  w = g_new0 (WorkspaceWrite, 1);
  w->name = g_strdup (rtx_body_get_string (fields, "name"));
  /* The name is given apart; the other members are the workspace's settings. */
  w->fields = rtx_json_object_deep_copy (fields);
  json_object_remove_member (w->fields, "name");
  rtx_worker_reply (req, create_in_worker, w, (GDestroyNotify) workspace_write_free,
                    reply_workspace_error);
}

static void
handle_list (RtxRequest *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  list = rtx_access_list_workspaces (req, &error);
  if (list == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "workspaces");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    add_workspace (builder, req, g_ptr_array_index (list, i), FALSE);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

/* Kept from AnythingLLM on purpose: an array of zero or one, and 200 for an unknown slug,
 * because anything-llm-cli tests `workspace.length === 0` to create its default workspace. */
static void
handle_get (RtxRequest *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  ws = rtx_access_get_workspace (req, rtx_request_get_param (req, "slug"), &error);
  if (ws == NULL && !g_error_matches (error, RTX_ERROR, RTX_ERROR_NOT_FOUND)) {
    reply_workspace_error (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "workspace");
  json_builder_begin_array (builder);
  if (ws != NULL)
    add_workspace (builder, req, ws, TRUE);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static JsonNode *
delete_in_worker (RtxRequest  *req,
                  gpointer     data,
                  guint       *status,
                  GError     **error)
{
  WorkspaceWrite *w = data;
  RtxWorkspaces *workspaces = rtx_runtime_get_workspaces (rtx_request_get_runtime (req));
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  if (!rtx_workspaces_delete (workspaces, w->slug, error))
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, _("Workspace deleted"));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
handle_delete (RtxRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxWorkspace) ws = NULL;
  const char *slug = rtx_request_get_param (req, "slug");
  WorkspaceWrite *w;

  ws = rtx_access_get_workspace (req, slug, &error);
  if (ws == NULL || !rtx_access_manages_workspaces (req, &error)) {
    reply_workspace_error (req, error);
    return;
  }

  w = g_new0 (WorkspaceWrite, 1);
  w->slug = g_strdup (slug);
  rtx_worker_reply (req, delete_in_worker, w, (GDestroyNotify) workspace_write_free,
                    reply_workspace_error);
}

static JsonNode *
update_in_worker (RtxRequest  *req,
                  gpointer     data,
                  guint       *status,
                  GError     **error)
{
  WorkspaceWrite *w = data;
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(RtxWorkspace) ws = NULL;
  guint n_changed = 0;

  ws = rtx_workspaces_update (rtx_runtime_get_workspaces (runtime), w->slug, w->fields,
                              &n_changed, error);
  if (ws == NULL)
    return NULL;

  return workspace_reply (req, ws, n_changed > 0 ? _("Workspace updated")
                                                     : _("No valid fields to update!"));
}

static void
handle_update (RtxRequest *req)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(GError) error = NULL;
  WorkspaceWrite *w;

  ws = rtx_access_get_workspace (req, rtx_request_get_param (req, "slug"), &error);
  if (ws != NULL && rtx_access_manages_workspaces (req, &error))
    fields = rtx_body_parse_object (req, FALSE, &error);
  if (fields == NULL) {
    reply_workspace_error (req, error);
    return;
  }

  w = g_new0 (WorkspaceWrite, 1);
  w->slug = g_strdup (rtx_request_get_param (req, "slug"));
  w->fields = rtx_json_object_deep_copy (fields);
  rtx_worker_reply (req, update_in_worker, w, (GDestroyNotify) workspace_write_free,
                    reply_workspace_error);
}

const RtxHandlerBinding rtx_handlers_standard_workspaces[] = {
  { "createWorkspace", handle_create },
  { "listWorkspaces", handle_list },
  { "getWorkspace", handle_get },
  { "deleteWorkspace", handle_delete },
  { "updateWorkspace", handle_update },
  { NULL, NULL },
};
