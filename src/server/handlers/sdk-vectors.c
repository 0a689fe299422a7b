/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-body.h"
#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-json.h"
#include "rtx-reply.h"
#include "rtx-sdk-llm.h"
#include "rtx-thread-task.h"

/* `sdk.llm.vectors` (local-app-protocol.md §2.6, family C): upsert, query (with
 * `filter.documentId`), delete, the caller's workspaces, and the store's configuration. The
 * namespace is always `sdk_<identity>_<workspaceId>` with the identity the server derived
 * from the request, so no body can reach another app's vectors. The store's calls block, so
 * they run in a worker thread. */

#define MAX_UPSERT 10000
#define MAX_ID_LENGTH 512
#define MAX_METADATA_BYTES (64 * 1024)
#define STORE_PROVIDER "sqlite"

static RtxVectorStore *
store_of (RtxRequest *req)
{
  return rtx_runtime_get_vector_store (rtx_request_get_runtime (req));
}

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

static JsonBuilder *
begin_success (void)
{
  JsonBuilder *builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  return builder;
}

static void
reply_object (RtxRequest  *req,
              JsonBuilder *builder)
{
  g_autoptr(JsonNode) body = NULL;

  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

/* `workspaceId` (or, for queries, `filter.workspaceId`), else "default". */
static gboolean
read_workspace (JsonObject   *body,
                JsonObject   *filter,
                const char  **out,
                GError      **error)
{
  const char *workspace = NULL;

  if (!rtx_body_read_string (body, "workspaceId", &workspace, error))
    return FALSE;
  if (workspace == NULL && filter != NULL &&
      !rtx_body_read_string (filter, "workspaceId", &workspace, error))
    return FALSE;
  if (workspace == NULL)
    workspace = RTX_VECTOR_STORE_DEFAULT_WORKSPACE;
  if (!rtx_vector_store_workspace_is_valid (workspace))
    return invalid (error, "workspaceId must be 1 to 128 letters, digits, '-', '_' or '.'");

  *out = workspace;
  return TRUE;
}

/* Reads a list of numbers into @out (which has room for @dim, or is allocated when @dim is 0). */
static gboolean
read_vector (JsonNode  *node,
             guint     *dim,
             float    **out,
             GError   **error)
{
  JsonArray *array;
  guint length;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "a vector must be a list of numbers");
  array = json_node_get_array (node);
  length = json_array_get_length (array);
  if (length == 0 || length > RTX_VECTOR_STORE_MAX_DIM)
    return invalid (error, "a vector must have 1 to 8192 numbers");
  if (*dim == 0) {
    *dim = length;
    *out = g_new (float, length);
  } else if (length != *dim) {
    return invalid (error, "all vectors must have the same dimension");
  }

  for (guint d = 0; d < length; d++) {
    JsonNode *item = json_array_get_element (array, d);
    GType type = JSON_NODE_HOLDS_VALUE (item) ? json_node_get_value_type (item) : G_TYPE_INVALID;

    if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
      return invalid (error, "a vector must be a list of numbers");
    (*out)[d] = (float) json_node_get_double (item);
  }

  return TRUE;
}

static gboolean
read_entry (JsonNode        *node,
            guint            index,
            RtxVectorBatch **batch,
            guint            n,
            GError         **error)
{
  JsonObject *entry;
  JsonNode *metadata;
  const char *id = NULL, *document_id = NULL;
  guint dim = *batch != NULL ? (*batch)->dim : 0;
  g_autofree float *first = NULL;
  float *row;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "vectors must be a list of {id, vector, metadata}");
  entry = json_node_get_object (node);
  if (!rtx_body_read_string (entry, "id", &id, error))
    return FALSE;
  if (id == NULL || *id == '\0' || strlen (id) > MAX_ID_LENGTH)
    return invalid (error, "a vector's id must be a text of 1 to 512 bytes");

  metadata = json_object_get_member (entry, "metadata");
  if (metadata != NULL && !JSON_NODE_HOLDS_OBJECT (metadata) && !JSON_NODE_HOLDS_NULL (metadata))
    return invalid (error, "a vector's metadata must be an object");

  if (*batch == NULL) {
    if (!read_vector (json_object_get_member (entry, "vector"), &dim, &first, error))
      return FALSE;
    *batch = rtx_vector_batch_new (n, dim);
    memcpy ((*batch)->data, first, dim * sizeof (float));
  } else {
    row = (*batch)->data + (gsize) index * dim;
    if (!read_vector (json_object_get_member (entry, "vector"), &dim, &row, error))
      return FALSE;
  }

  (*batch)->ids[index] = g_strdup (id);
  if (metadata != NULL && JSON_NODE_HOLDS_OBJECT (metadata)) {
    (*batch)->metadata[index] = rtx_json_to_string (metadata, FALSE);
    if (strlen ((*batch)->metadata[index]) > MAX_METADATA_BYTES)
      return invalid (error, "a vector's metadata must be at most 64 KiB of JSON");
    document_id = rtx_body_get_string (json_node_get_object (metadata), "documentId");
    (*batch)->document_ids[index] = g_strdup (document_id);
  }
  return TRUE;
}

/* Reads every entry into one batch. In the worker: a 16 MiB body holds millions of numbers. */
static RtxVectorBatch *
read_entries (JsonArray  *entries,
              GError    **error)
{
  g_autoptr(RtxVectorBatch) batch = NULL;
  guint n = json_array_get_length (entries);

  for (guint i = 0; i < n; i++) {
    if (!read_entry (json_array_get_element (entries, i), i, &batch, n, error))
      return NULL;
  }

  return g_steal_pointer (&batch);
}

/* ---- Work in a thread -------------------------------------------------------------------- */

typedef enum { JOB_UPSERT, JOB_QUERY, JOB_DELETE, JOB_WORKSPACES } JobKind;

typedef struct {
  JobKind         kind;
  RtxRequest     *req;
  RtxVectorStore *store;
  char           *identity;
  char           *workspace;
  JsonArray      *entries;      /* upsert: the body's, read in the worker */
  RtxVectorBatch *batch;        /* upsert */
  float          *query;        /* query */
  guint           dim;
  guint           top_k;
  char           *document_id;  /* query, delete */
  GStrv           ids;          /* delete */
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->req, rtx_request_unref);
  g_clear_object (&job->store);
  g_free (job->identity);
  g_free (job->workspace);
  g_clear_pointer (&job->batch, rtx_vector_batch_free);
  g_free (job->query);
  g_free (job->document_id);
  g_strfreev (job->ids);
  g_free (job);
}

static Job *
job_new (RtxRequest *req,
         JobKind     kind,
         const char *workspace)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->req = rtx_request_ref (req);
  job->store = g_object_ref (store_of (req));
  job->identity = g_strdup (rtx_request_get_identity (req));
  job->workspace = g_strdup (workspace);
  return job;
}

static void
run_job (GTask        *task,
         gpointer      source,
         gpointer      data,
         GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  gpointer result = NULL;
  g_autoptr(JsonNode) body = job->kind == JOB_UPSERT ? rtx_request_take_body (job->req) : NULL;
  gint64 deleted;

  switch (job->kind) {
  case JOB_UPSERT:
    job->batch = read_entries (job->entries, &error);
    /* Done with the body: its nodes are freed here rather than on the main context. */
    job->entries = NULL;
    g_clear_pointer (&body, json_node_unref);
    if (job->batch != NULL &&
        rtx_vector_store_upsert (job->store, job->identity, job->workspace, job->batch, &error))
      result = GUINT_TO_POINTER (1);
    break;
  case JOB_QUERY:
    result = rtx_vector_store_query (job->store, job->identity, job->workspace, job->query,
                                     job->dim, job->top_k, job->document_id, &error);
    break;
  case JOB_DELETE:
    deleted = rtx_vector_store_delete (job->store, job->identity, job->workspace,
                                       (const char * const *) job->ids, job->document_id, &error);
    if (deleted >= 0)
      result = g_memdup2 (&deleted, sizeof deleted);
    break;
  case JOB_WORKSPACES:
    result = rtx_vector_store_list_workspaces (job->store, job->identity, &error);
    break;
  default:
    g_assert_not_reached ();
  }

  if (result == NULL)
    g_task_return_error (task, error);
  else if (job->kind == JOB_UPSERT)
    g_task_return_pointer (task, result, NULL);
  else if (job->kind == JOB_QUERY)
    g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
  else if (job->kind == JOB_DELETE)
    g_task_return_pointer (task, result, g_free);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) g_strfreev);
}

static void
add_hits (JsonBuilder *builder,
          GPtrArray   *hits)
{
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < hits->len; i++) {
    RtxVectorHit *hit = g_ptr_array_index (hits, i);
    JsonNode *metadata = hit->metadata != NULL ? json_from_string (hit->metadata, NULL) : NULL;

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "id");
    json_builder_add_string_value (builder, hit->id);
    json_builder_set_member_name (builder, "score");
    json_builder_add_double_value (builder, hit->score);
    if (metadata != NULL) {
      json_builder_set_member_name (builder, "metadata");
      json_builder_add_value (builder, metadata);
    }
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
}

static void
on_job_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  /* Released here, on the main context: the task (and the job) may be freed last by the
   * worker, and the request holds the message and the server. */
  g_autoptr(RtxRequest) req = g_steal_pointer (&job->req);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gpointer value = g_task_propagate_pointer (G_TASK (result), &error);

  if (value == NULL) {
    rtx_sdk_llm_reply_error (req, error);
    return;
  }

  builder = begin_success ();
  name = rtx_vector_store_namespace (job->identity, job->workspace != NULL ? job->workspace : "");
  switch (job->kind) {
  case JOB_UPSERT:
    json_builder_set_member_name (builder, "upserted");
    json_builder_add_int_value (builder, job->batch->n);
    json_builder_set_member_name (builder, "namespace");
    json_builder_add_string_value (builder, name);
    break;
  case JOB_QUERY:
    add_hits (builder, value);
    g_ptr_array_unref (value);
    break;
  case JOB_DELETE:
    json_builder_set_member_name (builder, "deleted");
    json_builder_add_int_value (builder, *(gint64 *) value);
    json_builder_set_member_name (builder, "message");
    json_builder_add_string_value (builder, "Vectors deleted");
    g_free (value);
    break;
  case JOB_WORKSPACES:
    json_builder_set_member_name (builder, "workspaces");
    json_builder_begin_array (builder);
    for (char **w = value; *w != NULL; w++)
      json_builder_add_string_value (builder, *w);
    json_builder_end_array (builder);
    g_strfreev (value);
    break;
  default:
    g_assert_not_reached ();
  }

  reply_object (req, builder);
}

static void
start_job (Job *job)
{
  GCancellable *cancellable = rtx_request_pause (job->req);
  g_autoptr(GTask) task = rtx_thread_task_new (NULL, cancellable, on_job_done_cb, NULL);

  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_job);
}

/* ---- Upsert ------------------------------------------------------------------------------ */

static void
handle_upsert (RtxRequest *req)
{
  static const char * const allowed[] = { "vectors", "workspaceId", NULL };
  JsonNode *root = rtx_request_get_body (req);
  JsonObject *body = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root)
                                                                   : NULL;
  g_autoptr(GError) error = NULL;
  const char *workspace = NULL;
  JsonNode *vectors;
  JsonArray *array = NULL;
  Job *job;

  /* The body as the server checked it, not a reference to it (see below). */
  if (body == NULL) {
    invalid (&error, "The request needs a JSON object body");
    goto fail;
  }
  if (!rtx_body_check_members (body, allowed, &error) ||
      !read_workspace (body, NULL, &workspace, &error))
    goto fail;

  vectors = json_object_get_member (body, "vectors");
  if (vectors == NULL || !JSON_NODE_HOLDS_ARRAY (vectors) ||
      json_array_get_length (array = json_node_get_array (vectors)) == 0 ||
      json_array_get_length (array) > MAX_UPSERT) {
    invalid (&error, "vectors must be a list of 1 to 10000 {id, vector, metadata}");
    goto fail;
  }

  /* The entries are read in the worker, which then frees the body there. json-glib 1.6
   * counts the references of objects and arrays without atomics, so no reference into the
   * body is taken here, where the worker could drop it at the same time. */
  job = job_new (req, JOB_UPSERT, workspace);
  job->entries = array;
  start_job (job);
  return;

fail:
  rtx_sdk_llm_reply_error (req, error);
}

/* ---- Query ------------------------------------------------------------------------------- */

static void
handle_query (RtxRequest *req)
{
  static const char * const allowed[] = { "vector", "topK", "filter", "workspaceId", NULL };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *vector = NULL;
  JsonNode *filter_node, *top_node;
  JsonObject *filter = NULL;
  const char *workspace = NULL, *document_id = NULL;
  guint dim = 0, top_k = 5;
  Job *job;

  body = rtx_body_parse_object (req, TRUE, &error);
  if (body == NULL || !rtx_body_check_members (body, allowed, &error))
    goto fail;

  filter_node = json_object_get_member (body, "filter");
  if (filter_node != NULL && !JSON_NODE_HOLDS_NULL (filter_node)) {
    if (!JSON_NODE_HOLDS_OBJECT (filter_node)) {
      invalid (&error, "filter must be {documentId, workspaceId}");
      goto fail;
    }
    filter = json_node_get_object (filter_node);
    if (!rtx_body_read_string (filter, "documentId", &document_id, &error))
      goto fail;
  }

  top_node = json_object_get_member (body, "topK");
  if (top_node != NULL && !JSON_NODE_HOLDS_NULL (top_node)) {
    if (!JSON_NODE_HOLDS_VALUE (top_node) || json_node_get_value_type (top_node) != G_TYPE_INT64 ||
        json_node_get_int (top_node) < 1 || json_node_get_int (top_node) > RTX_VECTOR_STORE_MAX_TOP_K) {
      invalid (&error, "topK must be a whole number from 1 to 1000");
      goto fail;
    }
    top_k = (guint) json_node_get_int (top_node);
  }

  if (!read_workspace (body, filter, &workspace, &error) ||
      !read_vector (json_object_get_member (body, "vector"), &dim, &vector, &error))
    goto fail;

  job = job_new (req, JOB_QUERY, workspace);
  job->query = g_steal_pointer (&vector);
  job->dim = dim;
  job->top_k = top_k;
  job->document_id = g_strdup (document_id);
  start_job (job);
  return;

fail:
  rtx_sdk_llm_reply_error (req, error);
}

/* ---- Delete ------------------------------------------------------------------------------ */

static GStrv
read_ids (JsonObject  *body,
          gboolean    *ok,
          GError     **error)
{
  JsonNode *node = json_object_get_member (body, "ids");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  *ok = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (array = json_node_get_array (node)) > MAX_UPSERT) {
    *ok = invalid (error, "ids must be a list of texts");
    return NULL;
  }
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);

    if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING) {
      *ok = invalid (error, "ids must be a list of texts");
      return NULL;
    }
    g_strv_builder_add (builder, json_node_get_string (item));
  }
  return g_strv_builder_end (builder);
}

static void
handle_delete (RtxRequest *req)
{
  static const char * const allowed[] = { "deleteAll", "workspaceId", "ids", "documentId", NULL };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  const char *workspace = NULL, *document_id = NULL;
  gboolean all = FALSE, present, ok;
  Job *job;

  body = rtx_body_parse_object (req, TRUE, &error);
  if (body == NULL || !rtx_body_check_members (body, allowed, &error) ||
      !rtx_body_read_boolean (body, "deleteAll", FALSE, &present, &all, &error) ||
      !rtx_body_read_string (body, "documentId", &document_id, &error) ||
      !read_workspace (body, NULL, &workspace, &error))
    goto fail;
  ids = read_ids (body, &ok, &error);
  if (!ok)
    goto fail;
  /* Emptying a namespace must be asked for in so many words. */
  if (!all && ids == NULL && document_id == NULL) {
    invalid (&error, "Send deleteAll: true, ids or documentId");
    goto fail;
  }

  job = job_new (req, JOB_DELETE, workspace);
  job->ids = all ? NULL : g_steal_pointer (&ids);
  job->document_id = all ? NULL : g_strdup (document_id);
  start_job (job);
  return;

fail:
  rtx_sdk_llm_reply_error (req, error);
}

static void
handle_workspaces (RtxRequest *req)
{
  start_job (job_new (req, JOB_WORKSPACES, NULL));
}

/* ---- Configuration ----------------------------------------------------------------------- */

static void
handle_providers (RtxRequest *req)
{
  g_autoptr(JsonBuilder) builder = begin_success ();

  json_builder_set_member_name (builder, "providers");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, STORE_PROVIDER);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, "Built-in (SQLite)");
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder,
                                 "Vectors kept in the runtime's database, one namespace per app "
                                 "and workspace, searched from memory");
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  reply_object (req, builder);
}

static gboolean
is_secret_name (const char *name)
{
  static const char * const words[] = { "key", "secret", "password", "token", NULL };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; words[i] != NULL; i++) {
    if (strstr (lower, words[i]) != NULL)
      return TRUE;
  }
  return FALSE;
}

static void
handle_register (RtxRequest *req)
{
  static const char * const allowed[] = { "provider", "config", NULL };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *config_text = NULL;
  const char *provider = NULL;
  JsonNode *config;

  body = rtx_body_parse_object (req, TRUE, &error);
  if (body == NULL || !rtx_body_check_members (body, allowed, &error) ||
      !rtx_body_read_string (body, "provider", &provider, &error))
    goto fail;
  config = json_object_get_member (body, "config");
  if (provider == NULL || (config != NULL && !JSON_NODE_HOLDS_OBJECT (config))) {
    invalid (&error, "Send {provider, config: {}}");
    goto fail;
  }
  /* The only store there is; any other name would be a promise we cannot keep. `lancedb` is
   * what the SDK's own documentation registers for the default per-app store, which this is. */
  if (g_str_equal (provider, "lancedb"))
    provider = STORE_PROVIDER;
  if (!g_str_equal (provider, STORE_PROVIDER)) {
    g_set_error (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "Unknown vector provider “%s”; available: " STORE_PROVIDER, provider);
    goto fail;
  }

  config_text = config != NULL ? rtx_json_to_string (config, FALSE) : g_strdup ("{}");
  if (!rtx_vector_store_set_config (store_of (req), rtx_request_get_identity (req), provider,
                                    config_text, &error))
    goto fail;

  builder = begin_success ();
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "Vector store configured");
  reply_object (req, builder);
  return;

fail:
  rtx_sdk_llm_reply_error (req, error);
}

static void
handle_config (RtxRequest *req)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *config_text = NULL;
  g_autoptr(JsonNode) config = NULL;

  if (!rtx_vector_store_get_config (store_of (req), rtx_request_get_identity (req), &provider,
                                    &config_text, &error)) {
    rtx_sdk_llm_reply_error (req, error);
    return;
  }
  config = config_text != NULL ? json_from_string (config_text, NULL) : NULL;

  builder = begin_success ();
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, provider != NULL ? provider : STORE_PROVIDER);
  json_builder_set_member_name (builder, "config");
  json_builder_begin_object (builder);
  if (config != NULL && JSON_NODE_HOLDS_OBJECT (config)) {
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;

    json_object_iter_init (&iter, json_node_get_object (config));
    while (json_object_iter_next (&iter, &name, &value)) {
      json_builder_set_member_name (builder, name);
      if (is_secret_name (name))
        json_builder_add_string_value (builder, "********");
      else
        json_builder_add_value (builder, json_node_copy (value));
    }
  }
  json_builder_end_object (builder);
  reply_object (req, builder);
}

const RtxHandlerBinding rtx_handlers_sdk_vectors[] = {
  { "sdkVectorsUpsert", handle_upsert },
  { "sdkVectorsQuery", handle_query },
  { "sdkVectorsDelete", handle_delete },
  { "sdkVectorsWorkspaces", handle_workspaces },
  { "sdkVectorsRegister", handle_register },
  { "sdkVectorsProviders", handle_providers },
  { "sdkVectorsConfig", handle_config },
  { NULL, NULL },
};
