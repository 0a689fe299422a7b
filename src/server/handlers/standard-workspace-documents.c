/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-access.h"
#include "rtx-body.h"
#include "rtx-documents.h"
#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-reply.h"
#include "rtx-retriever.h"
#include "rtx-thread-task.h"

/* A workspace's documents (standard-api.md §2.4): update-embeddings, update-pin and
 * vector-search. Embedding and searching run on worker threads; the request waits for them
 * without blocking the main loop. */

#define MAX_TOP_N 100

static RtxWorkspace *
find_workspace (RtxRequest *req)
{
  g_autoptr(GError) error = NULL;
  RtxWorkspace *ws = rtx_access_get_workspace (req, rtx_request_get_param (req, "slug"), &error);

  if (ws == NULL)
    rtx_request_reply_gerror (req, error);
  return ws;
}

static GStrv
read_locations (JsonObject *body,
                const char *member,
                GError    **error)
{
  JsonNode *node = json_object_get_member (body, member);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strv_builder_end (builder);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);

    if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
      goto bad;
    g_strv_builder_add (builder, json_node_get_string (item));
  }
  return g_strv_builder_end (builder);

bad:
  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
               _("%s must be an array of document paths (folder/name.json)"), member);
  return NULL;
}

/* ---- update-embeddings ------------------------------------------------------------------- */

/* The services are looked up here, on the main context: the runtime's table of them is not
 * for workers to read while the main context may add to it. */
typedef struct {
  RtxDocuments *documents;
  RtxRetriever *retriever;
  RtxWorkspace *workspace;
  GStrv         adds;
  GStrv         deletes;
} Update;

static void
update_free (Update *u)
{
  g_object_unref (u->documents);
  g_object_unref (u->retriever);
  rtx_workspace_free (u->workspace);
  g_strfreev (u->adds);
  g_strfreev (u->deletes);
  g_free (u);
}

static void
update_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Update *u = task_data;
  RtxDocuments *documents = u->documents;
  RtxRetriever *retriever = u->retriever;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; u->deletes[i] != NULL; i++) {
    g_autoptr(RtxDocument) doc = rtx_documents_find_by_location (documents, u->deletes[i], NULL);

    if (doc != NULL && !rtx_retriever_remove_document (retriever, u->workspace->id, doc->id, &error)) {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  }
  for (guint i = 0; u->adds[i] != NULL; i++) {
    g_autoptr(RtxDocument) doc = rtx_documents_find_by_location (documents, u->adds[i], &error);

    if (doc == NULL) {
      g_prefix_error (&error, "%s: ", u->adds[i]);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
    if (!rtx_retriever_embed_document (retriever, u->workspace->id, doc->id, &error)) {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  }
  g_task_return_boolean (task, TRUE);
}

static void
reply_workspace_with_documents (RtxRequest         *req,
                                const RtxWorkspace *ws)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "workspace");
  json_builder_begin_object (builder);
  rtx_workspace_add_json_members (ws, builder);
  json_builder_set_member_name (builder, "documents");
  rtx_retriever_add_workspace_documents (rtx_retriever_get (rtx_request_get_runtime (req)), builder, ws->id);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
on_updated (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(RtxRequest) req = user_data;
  Update *u = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }
  reply_workspace_with_documents (req, u->workspace);
}

static void
handle_update_embeddings (RtxRequest *req)
{
  g_autoptr(RtxWorkspace) ws = find_workspace (req);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  Update *u;

  if (ws == NULL)
    return;
  body = rtx_body_parse_object (req, TRUE, &error);
  if (body == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  u = g_new0 (Update, 1);
  u->documents = g_object_ref (rtx_runtime_get_documents (rtx_request_get_runtime (req)));
  u->retriever = g_object_ref (rtx_retriever_get (rtx_request_get_runtime (req)));
  u->workspace = g_steal_pointer (&ws);
  u->adds = read_locations (body, "adds", &error);
  u->deletes = u->adds != NULL ? read_locations (body, "deletes", &error) : NULL;
  if (u->deletes == NULL) {
    update_free (u);
    rtx_request_reply_gerror (req, error);
    return;
  }

  task = rtx_thread_task_new (NULL, NULL, on_updated, rtx_request_ref (req));
  g_task_set_task_data (task, u, (GDestroyNotify) update_free);
  rtx_request_pause (req);
  g_task_run_in_thread (task, update_thread);
}

/* ---- update-pin -------------------------------------------------------------------------- */

static void
handle_update_pin (RtxRequest *req)
{
  g_autoptr(RtxWorkspace) ws = find_workspace (req);
  RtxDocuments *documents = rtx_runtime_get_documents (rtx_request_get_runtime (req));
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxDocument) doc = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) reply = NULL;
  const char *path;
  gboolean present = FALSE, pinned = FALSE;

  if (ws == NULL)
    return;
  body = rtx_body_parse_object (req, TRUE, &error);
  if (body == NULL ||
      !rtx_body_read_string (body, "docPath", &path, &error) ||
      !rtx_body_read_boolean (body, "pinStatus", FALSE, &present, &pinned, &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }
  if (path == NULL || !present) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("docPath and pinStatus are required"));
    return;
  }

  doc = rtx_documents_find_by_location (documents, path, &error);
  if (doc == NULL ||
      !rtx_retriever_set_pinned (rtx_retriever_get (rtx_request_get_runtime (req)), ws->id, doc->id,
                                 pinned, &error)) {
    rtx_request_reply_error (req, SOUP_STATUS_NOT_FOUND, _("Document not found in this workspace"));
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, _("Pin status updated successfully"));
  json_builder_end_object (builder);
  reply = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, reply);
}

/* ---- vector-search ----------------------------------------------------------------------- */

typedef struct {
  RtxRetriever *retriever;
  gint64        workspace_id;
  char         *query;
  guint         top_n;
  double        threshold;
  GPtrArray    *hits;
} Search;

static void
search_free (Search *s)
{
  g_object_unref (s->retriever);
  g_free (s->query);
  g_clear_pointer (&s->hits, g_ptr_array_unref);
  g_free (s);
}

static void
search_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Search *s = task_data;
  g_autoptr(GError) error = NULL;

  s->hits = rtx_retriever_search (s->retriever, s->workspace_id, s->query, s->top_n,
                                  s->threshold, RTX_RETRIEVAL_HYBRID, &error);
  if (s->hits == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
add_hit (JsonBuilder  *builder,
         RtxDocuments *documents,
         RtxHit       *hit)
{
  g_autoptr(RtxDocument) doc = rtx_documents_find_by_id (documents, hit->document_id, NULL);
  g_autofree char *id = NULL;
  const struct { const char *name; const char *value; } meta[] = {
    { "url", doc ? doc->url : "" }, { "title", doc ? doc->title : "" },
    { "author", doc ? doc->doc_author : "" }, { "description", doc ? doc->description : "" },
    { "docSource", doc ? doc->doc_source : "" }, { "chunkSource", doc ? doc->chunk_source : "" },
    { "published", doc ? doc->published : "" },
  };

  id = g_strdup_printf ("%s:%d", doc ? doc->doc_id : "", hit->seq);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, hit->text != NULL ? hit->text : "");
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (meta); i++) {
    json_builder_set_member_name (builder, meta[i].name);
    json_builder_add_string_value (builder, meta[i].value != NULL ? meta[i].value : "");
  }
  json_builder_set_member_name (builder, "wordCount");
  json_builder_add_int_value (builder, doc ? doc->word_count : 0);
  json_builder_set_member_name (builder, "tokenCount");
  json_builder_add_int_value (builder, doc ? doc->token_count_estimate : 0);
  if (doc != NULL) {
    g_autofree char *location = rtx_document_location (doc);

    json_builder_set_member_name (builder, "location");
    json_builder_add_string_value (builder, location);
  }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "distance");
  json_builder_add_double_value (builder, 1.0 - hit->score);
  json_builder_set_member_name (builder, "score");
  json_builder_add_double_value (builder, hit->score);
  json_builder_end_object (builder);
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RtxRequest) req = user_data;
  Search *s = g_task_get_task_data (G_TASK (result));
  RtxDocuments *documents = rtx_runtime_get_documents (rtx_request_get_runtime (req));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < s->hits->len; i++)
    add_hit (builder, documents, g_ptr_array_index (s->hits, i));
  json_builder_end_array (builder);
  if (s->hits->len == 0) {
    json_builder_set_member_name (builder, "message");
    json_builder_add_string_value (builder, _("No passage of this workspace's documents matches"));
  }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_vector_search (RtxRequest *req)
{
  g_autoptr(RtxWorkspace) ws = find_workspace (req);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  const char *query = NULL;
  JsonNode *node;
  Search *s;

  if (ws == NULL)
    return;
  body = rtx_body_parse_object (req, TRUE, &error);
  if (body == NULL || !rtx_body_read_string (body, "query", &query, &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }
  if (query == NULL || *query == '\0') {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("query cannot be empty"));
    return;
  }

  s = g_new0 (Search, 1);
  s->retriever = g_object_ref (rtx_retriever_get (rtx_request_get_runtime (req)));
  s->workspace_id = ws->id;
  s->query = g_strdup (query);
  /* An invalid topN or threshold falls back to the workspace's, as in AnythingLLM. */
  s->top_n = ws->top_n > 0 ? ws->top_n : 4;
  s->threshold = ws->similarity_threshold;
  node = json_object_get_member (body, "topN");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
      json_node_get_int (node) > 0)
    s->top_n = MIN (json_node_get_int (node), MAX_TOP_N);
  node = json_object_get_member (body, "scoreThreshold");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_DOUBLE || json_node_get_value_type (node) == G_TYPE_INT64)) {
    double t = json_node_get_double (node);

    if (t >= 0 && t <= 1)
      s->threshold = t;
  }

  task = rtx_thread_task_new (NULL, NULL, on_searched, rtx_request_ref (req));
  g_task_set_task_data (task, s, (GDestroyNotify) search_free);
  rtx_request_pause (req);
  g_task_run_in_thread (task, search_thread);
}

const RtxHandlerBinding rtx_handlers_standard_workspace_documents[] = {
  { "updateWorkspaceEmbeddings", handle_update_embeddings },
  { "updateWorkspacePin", handle_update_pin },
  { "workspaceVectorSearch", handle_vector_search },
  { NULL, NULL },
};
