/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-access.h"
#include "rtx-credentials-async.h"
#include "rtx-documents.h"
#include "rtx-error.h"
#include "rtx-extract.h"
#include "rtx-handlers.h"
#include "rtx-ingest.h"
#include "rtx-reply.h"
#include "rtx-retriever.h"
#include "rtx-upload.h"

/* Documents and ingestion (standard-api.md §2.6). Handlers translate HTTP to the document
 * store and the ingestion service; ingestion runs on a worker, and a request waits for it
 * without blocking the main loop, or gets a job to watch when the file is large. */

#define ASYNC_THRESHOLD_BYTES ((guint64) 8 << 20)
#define MAX_TEXT_BYTES        ((gsize) 64 << 20)
#define MAX_FOLDER_PAGE       1000

/* ---- Helpers ----------------------------------------------------------------------------- */

static JsonObject *
read_json_object (RtxRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (rtx_request_get_message (req));
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  JsonNode *root;

  if (len == 0 || !json_parser_load_from_data (parser, data, len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("The body must be a JSON object"));
    return NULL;
  }
  return json_object_ref (json_node_get_object (root));
}

static const char *
get_string (JsonObject *obj,
            const char *name)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
reply_result (RtxRequest *req,
              guint       status,
              gboolean    success,
              const char *error,
              const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, success);
  json_builder_set_member_name (builder, "error");
  if (error != NULL)
    json_builder_add_string_value (builder, error);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "message");
  if (message != NULL)
    json_builder_add_string_value (builder, message);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, status, body);
}

static void
reply_gerror_result (RtxRequest   *req,
                     const GError *error)
{
  reply_result (req, rtx_reply_status_for_error (RTX_SURFACE_STANDARD, error), FALSE,
                error->message, error->message);
}

/* The upload routes' answer: `{success, error, documents[, job]}`. */
static void
reply_documents (RtxRequest *req,
                 guint       status,
                 const char *error,
                 JsonNode   *documents,
                 JsonNode   *job)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, error == NULL);
  json_builder_set_member_name (builder, "error");
  if (error != NULL)
    json_builder_add_string_value (builder, error);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "documents");
  if (documents != NULL) {
    json_builder_add_value (builder, json_node_copy (documents));
  } else {
    json_builder_begin_array (builder);
    json_builder_end_array (builder);
  }
  if (job != NULL) {
    json_builder_set_member_name (builder, "job");
    json_builder_add_value (builder, json_node_copy (job));
  }
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, status, body);
}

/* "slug1,slug2" → the ids of those workspaces this caller may see. Unknown slugs are
 * skipped, as AnythingLLM does. */
static GArray *
parse_workspaces (RtxRequest *req,
                  const char *text)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return ids;
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++) {
    char *slug = g_strstrip (parts[i]);
    g_autoptr(RtxWorkspace) ws = NULL;

    if (*slug == '\0')
      continue;
    ws = rtx_access_get_workspace (req, slug, NULL);
    if (ws != NULL)
      g_array_append_val (ids, ws->id);
  }
  return ids;
}

/* metadata may be an object or a string holding one (AnythingLLM accepts both). */
static gboolean
parse_metadata (JsonNode    *node,
                const char  *text,
                JsonObject **out)
{
  g_autoptr(JsonParser) parser = NULL;

  *out = NULL;
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node)) {
    *out = json_object_ref (json_node_get_object (node));
    return TRUE;
  }
  if (node != NULL) {
    if (json_node_get_value_type (node) != G_TYPE_STRING)
      return FALSE;
    text = json_node_get_string (node);
  }
  if (text == NULL || *text == '\0')
    return TRUE;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  *out = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  return TRUE;
}

/* ---- Ingestion --------------------------------------------------------------------------- */

static void
on_ingested (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RtxRequest) req = user_data;
  RtxIngest *ingest = rtx_ingest_get (rtx_request_get_runtime (req));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) documents = rtx_ingest_finish (ingest, result, &error);

  /* A document that failed (refused link, damaged file, limits hit) is the input's fault and
   * gets its reason; only storage trouble is ours. */
  if (documents != NULL)
    reply_documents (req, SOUP_STATUS_OK, NULL, documents, NULL);
  else if (g_error_matches (error, RTX_ERROR, RTX_ERROR_DATABASE))
    reply_documents (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message, NULL, NULL);
  else
    reply_documents (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, error->message, NULL, NULL);
}

/* Runs @request for @req, already paused, whose reply waits for it. The ingestion goes on if
 * the client leaves: the document is still wanted. */
static void
start (RtxRequest       *req,
       RtxIngestRequest *request)
{
  RtxIngest *ingest = rtx_ingest_get (rtx_request_get_runtime (req));
  g_autofree char *job_id = NULL;

  job_id = rtx_ingest_submit (ingest, request, NULL, on_ingested, rtx_request_ref (req));
}

/* Runs @request; the reply waits for it, unless @detach, when it answers 202 with the job. */
static void
submit (RtxRequest       *req,
        RtxIngestRequest *request,
        gboolean          detach)
{
  RtxIngest *ingest = rtx_ingest_get (rtx_request_get_runtime (req));
  g_autofree char *job_id = NULL;

  if (detach) {
    g_autoptr(JsonNode) job = NULL;

    job_id = rtx_ingest_submit (ingest, request, NULL, NULL, NULL);
    job = rtx_ingest_job_to_json (ingest, job_id);
    reply_documents (req, SOUP_STATUS_ACCEPTED, NULL, NULL, job);
    return;
  }

  rtx_request_pause (req);
  start (req, request);
}

static gboolean
want_async (RtxRequest *req,
            guint64     size)
{
  const char *async = rtx_request_get_query (req, "async");

  if (async != NULL)
    return g_str_equal (async, "true") || g_str_equal (async, "1");
  return size > ASYNC_THRESHOLD_BYTES;
}

static void
upload (RtxRequest *req,
        const char *folder)
{
  RtxUpload *up = rtx_upload_get (rtx_request_get_message (req));
  RtxMultipart *form;
  g_autoptr(RtxIngestRequest) request = NULL;
  g_autoptr(JsonObject) metadata = NULL;
  const GError *error;
  const char *filename;
  guint status = 0;

  if (up == NULL) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("Send the file as multipart/form-data"));
    return;
  }
  error = rtx_upload_get_error (up, &status);
  if (error != NULL) {
    rtx_request_reply_error (req, status, error->message);
    return;
  }

  form = rtx_upload_get_form (up);
  if (!rtx_multipart_has_file (form)) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("The form has no “file” part"));
    return;
  }
  if (folder != NULL && !rtx_documents_folder_name_valid (folder)) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("Invalid folder name"));
    return;
  }
  if (!parse_metadata (NULL, rtx_multipart_get_field (form, "metadata"), &metadata)) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("metadata must be a JSON object"));
    return;
  }

  filename = rtx_multipart_get_filename (form);
  if (rtx_doc_type_for_name (filename) == RTX_DOC_UNKNOWN) {
    reply_documents (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                     _("Files of this type are not supported; see /api/v1/document/accepted-file-types"),
                     NULL, NULL);
    return;
  }

  request = rtx_ingest_request_new (RTX_INGEST_FILE);
  request->path = rtx_upload_steal_file (up);
  request->filename = g_strdup (filename);
  request->metadata = g_steal_pointer (&metadata);
  request->workspace_ids = parse_workspaces (req, rtx_multipart_get_field (form, "addToWorkspaces"));
  if (folder != NULL) {
    g_free (request->folder);
    request->folder = g_strdup (folder);
  }

  submit (req, g_steal_pointer (&request), want_async (req, rtx_multipart_get_file_size (form)));
}

static void
handle_upload (RtxRequest *req)
{
  upload (req, NULL);
}

static void
handle_upload_to_folder (RtxRequest *req)
{
  upload (req, rtx_request_get_param (req, "folderName"));
}

static gboolean
read_common (RtxRequest        *req,
             JsonObject        *body,
             RtxIngestRequest  *request)
{
  JsonNode *workspaces = json_object_get_member (body, "addToWorkspaces");

  if (!parse_metadata (json_object_get_member (body, "metadata"), NULL, &request->metadata)) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("metadata must be a JSON object"));
    return FALSE;
  }
  if (workspaces != NULL && !JSON_NODE_HOLDS_NULL (workspaces)) {
    if (get_string (body, "addToWorkspaces") == NULL) {
      rtx_request_reply_error (req, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                               _("addToWorkspaces must be a string of comma-separated slugs"));
      return FALSE;
    }
    request->workspace_ids = parse_workspaces (req, get_string (body, "addToWorkspaces"));
  }
  return TRUE;
}

static void
handle_raw_text (RtxRequest *req)
{
  g_autoptr(JsonObject) body = read_json_object (req);
  g_autoptr(RtxIngestRequest) request = NULL;
  const char *text;

  if (body == NULL)
    return;

  request = rtx_ingest_request_new (RTX_INGEST_TEXT);
  if (!read_common (req, body, request))
    return;

  text = get_string (body, "textContent");
  if (text == NULL || *text == '\0') {
    reply_documents (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, _("textContent cannot be empty"), NULL, NULL);
    return;
  }
  if (strlen (text) > MAX_TEXT_BYTES) {
    reply_documents (req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, _("textContent is too large"), NULL, NULL);
    return;
  }
  if (request->metadata == NULL || get_string (request->metadata, "title") == NULL ||
      *get_string (request->metadata, "title") == '\0') {
    reply_documents (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, _("metadata.title is required"), NULL, NULL);
    return;
  }

  request->text = rtx_extract_tidy_text (text, -1);
  submit (req, g_steal_pointer (&request), FALSE);
}

/* ---- upload-link with a credential ------------------------------------------------------ */

typedef struct {
  RtxRequest       *req;
  RtxIngestRequest *request;
} LinkWork;

static void
link_work_free (LinkWork *work)
{
  rtx_request_unref (work->req);
  rtx_ingest_request_free (work->request);
  g_free (work);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LinkWork, link_work_free)

static void
on_credential_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(LinkWork) work = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxCredentialUse) use = NULL;

  use = rtx_credentials_get_use_finish (RTX_CREDENTIALS (source), result, &error);
  if (use == NULL) {
    rtx_request_reply_gerror (work->req, error);
    return;
  }
  if (rtx_credential_use_get_target (use) == RTX_CREDENTIAL_TARGET_ENVIRONMENT) {
    rtx_request_reply_error (work->req, SOUP_STATUS_BAD_REQUEST,
                             _("An env_var credential goes into a local app's environment, not "
                               "into a request"));
    return;
  }

  work->request->credential = g_steal_pointer (&use);
  start (work->req, g_steal_pointer (&work->request));
}

/* Resolves the credential @name (a keyring read, off the main loop, audited as the caller's),
 * then runs @request with it. Sending a credential to a URL of the caller's choosing shows it
 * to that URL's server, which is as good as reading it: only an administrator key may. */
static void
submit_with_credential (RtxRequest       *req,
                        RtxIngestRequest *request,
                        const char       *name)
{
  const RtxApiKey *key = rtx_request_get_key (req);
  RtxCredentials *vault = rtx_runtime_get_credentials (rtx_request_get_runtime (req));
  LinkWork *work;
  GCancellable *cancellable;

  if (key == NULL || !key->admin) {
    rtx_request_reply_error (req, SOUP_STATUS_FORBIDDEN,
                             _("Only an administrator key may name a credential: it is sent to "
                               "the link's server."));
    rtx_ingest_request_free (request);
    return;
  }

  work = g_new0 (LinkWork, 1);
  work->req = rtx_request_ref (req);
  work->request = request;
  cancellable = rtx_request_pause (req);
  rtx_credentials_get_use_async (vault, name, rtx_request_get_actor (req), cancellable,
                                 on_credential_cb, work);
}

static void
handle_upload_link (RtxRequest *req)
{
  g_autoptr(JsonObject) body = read_json_object (req);
  g_autoptr(RtxIngestRequest) request = NULL;
  JsonNode *headers;
  JsonNode *credential;
  const char *link;

  if (body == NULL)
    return;

  request = rtx_ingest_request_new (RTX_INGEST_LINK);
  if (!read_common (req, body, request))
    return;

  link = get_string (body, "link");
  if (link == NULL || *link == '\0') {
    reply_documents (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, _("link cannot be empty"), NULL, NULL);
    return;
  }
  request->link = g_strdup (link);

  headers = json_object_get_member (body, "scraperHeaders");
  if (headers != NULL && JSON_NODE_HOLDS_OBJECT (headers)) {
    JsonObject *obj = json_node_get_object (headers);
    g_autoptr(GList) names = json_object_get_members (obj);

    request->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    for (GList *l = names; l != NULL; l = l->next) {
      const char *value = get_string (obj, l->data);

      if (value == NULL) {
        rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("scraperHeaders values must be strings"));
        return;
      }
      g_hash_table_insert (request->headers, g_strdup (l->data), g_strdup (value));
    }
  }

  credential = json_object_get_member (body, "credential");
  if (credential != NULL) {
    const char *name = get_string (body, "credential");

    if (name == NULL || *name == '\0') {
      rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST,
                               _("credential must be the name of a credential"));
      return;
    }
    submit_with_credential (req, g_steal_pointer (&request), name);
    return;
  }

  submit (req, g_steal_pointer (&request), FALSE);
}

static void
handle_get_job (RtxRequest *req)
{
  RtxIngest *ingest = rtx_ingest_get (rtx_request_get_runtime (req));
  g_autoptr(JsonNode) job = rtx_ingest_job_to_json (ingest, rtx_request_get_param (req, "jobId"));
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  if (job == NULL) {
    rtx_request_reply_error (req, SOUP_STATUS_NOT_FOUND, _("No such ingestion job"));
    return;
  }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "job");
  json_builder_add_value (builder, g_steal_pointer (&job));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

/* ---- Listing ----------------------------------------------------------------------------- */

/* @pins: from rtx_retriever_pinned_workspaces() (nullable: none known). */
static void
add_file_item (JsonBuilder       *builder,
               const RtxDocument *doc,
               GHashTable        *pins)
{
  GArray *pinned = pins != NULL ? g_hash_table_lookup (pins, &doc->id) : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, doc->name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "file");
  rtx_document_add_fields (doc, builder);
  json_builder_set_member_name (builder, "cached");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "canWatch");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "watched");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "pinnedWorkspaces");
  json_builder_begin_array (builder);
  for (guint i = 0; pinned != NULL && i < pinned->len; i++)
    json_builder_add_int_value (builder, g_array_index (pinned, gint64, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static gboolean
parse_paging (RtxRequest *req,
              guint      *offset,
              guint      *limit)
{
  const char *o = rtx_request_get_query (req, "offset");
  const char *l = rtx_request_get_query (req, "limit");
  guint64 value;

  *offset = 0;
  *limit = MAX_FOLDER_PAGE;
  if (o != NULL) {
    if (!g_ascii_string_to_unsigned (o, 10, 0, G_MAXINT, &value, NULL))
      goto bad;
    *offset = value;
  }
  if (l != NULL) {
    if (!g_ascii_string_to_unsigned (l, 10, 1, G_MAXINT, &value, NULL))
      goto bad;
    *limit = MIN (value, MAX_FOLDER_PAGE);
  }
  return TRUE;

bad:
  rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("offset and limit must be whole numbers"));
  return FALSE;
}

static void
reply_folder (RtxRequest *req,
              const char *folder,
              gboolean    with_code)
{
  RtxDocuments *documents = rtx_runtime_get_documents (rtx_request_get_runtime (req));
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) pins = NULL;
  guint offset, limit, total = 0;

  if (!parse_paging (req, &offset, &limit))
    return;
  if (!rtx_documents_folder_name_valid (folder)) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("Invalid folder name"));
    return;
  }
  if (!rtx_documents_folder_exists (documents, folder)) {
    rtx_request_reply_error (req, SOUP_STATUS_NOT_FOUND, _("No such folder"));
    return;
  }
  docs = rtx_documents_list (documents, folder, offset, limit, &total, &error);
  if (docs != NULL)
    pins = rtx_retriever_pinned_workspaces (rtx_retriever_get (rtx_request_get_runtime (req)), &error);
  if (docs == NULL || pins == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "folder");
  json_builder_add_string_value (builder, folder);
  json_builder_set_member_name (builder, "documents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < docs->len; i++)
    add_file_item (builder, g_ptr_array_index (docs, i), pins);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "totalCount");
  json_builder_add_int_value (builder, total);
  json_builder_set_member_name (builder, "hasMore");
  json_builder_add_boolean_value (builder, (guint64) offset + docs->len < total);
  if (with_code) {
    json_builder_set_member_name (builder, "code");
    json_builder_add_int_value (builder, 200);
  }
  json_builder_set_member_name (builder, "error");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_list (RtxRequest *req)
{
  RtxDocuments *documents = rtx_runtime_get_documents (rtx_request_get_runtime (req));
  const char *folder = rtx_request_get_query (req, "folder");
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) folders = NULL;
  g_autoptr(GHashTable) pins = NULL;
  guint d = 0;

  if (folder != NULL) {
    reply_folder (req, folder, TRUE);
    return;
  }

  folders = rtx_documents_list_folders (documents, &error);
  docs = folders != NULL ? rtx_documents_list (documents, NULL, 0, 0, NULL, &error) : NULL;
  if (docs != NULL)
    pins = rtx_retriever_pinned_workspaces (rtx_retriever_get (rtx_request_get_runtime (req)), &error);
  if (docs == NULL || pins == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  /* Both lists are sorted by folder name, so one pass fills each folder. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "localFiles");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "documents");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "folder");
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint f = 0; folders[f] != NULL; f++) {
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "name");
    json_builder_add_string_value (builder, folders[f]);
    json_builder_set_member_name (builder, "type");
    json_builder_add_string_value (builder, "folder");
    json_builder_set_member_name (builder, "items");
    json_builder_begin_array (builder);
    for (; d < docs->len; d++) {
      RtxDocument *doc = g_ptr_array_index (docs, d);
      int cmp = strcmp (doc->folder, folders[f]);

      if (cmp > 0)
        break;
      if (cmp == 0)
        add_file_item (builder, doc, pins);
    }
    json_builder_end_array (builder);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_list_folder (RtxRequest *req)
{
  reply_folder (req, rtx_request_get_param (req, "folderName"), FALSE);
}

static void
handle_get_document (RtxRequest *req)
{
  RtxDocuments *documents = rtx_runtime_get_documents (rtx_request_get_runtime (req));
  const char *name = rtx_request_get_param (req, "docName");
  g_autoptr(RtxDocument) doc = NULL;
  g_autoptr(GHashTable) pins = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  if (!rtx_documents_file_name_valid (name)) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, _("Invalid document name"));
    return;
  }
  doc = rtx_documents_find_by_name (documents, name, &error);
  if (doc != NULL)
    pins = rtx_retriever_pinned_workspaces (rtx_retriever_get (rtx_request_get_runtime (req)), &error);
  if (doc == NULL || pins == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "document");
  add_file_item (builder, doc, pins);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_accepted_types (RtxRequest *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "types");
  json_builder_add_value (builder, rtx_doc_accepted_types_json ());
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_metadata_schema (RtxRequest *req)
{
  static const char * const fields[] = { "url", "title", "docAuthor", "description",
                                         "docSource", "chunkSource", "published" };
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema");
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++) {
    json_builder_set_member_name (builder, fields[i]);
    json_builder_add_string_value (builder, g_str_equal (fields[i], "title")
                                   ? "string (required for raw-text)" : "string");
  }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

/* ---- Folders and files ------------------------------------------------------------------- */

static void
handle_create_folder (RtxRequest *req)
{
  RtxDocuments *documents = rtx_runtime_get_documents (rtx_request_get_runtime (req));
  g_autoptr(JsonObject) body = read_json_object (req);
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;
  if (!rtx_documents_create_folder (documents, get_string (body, "name"), &error)) {
    reply_gerror_result (req, error);
    return;
  }
  reply_result (req, SOUP_STATUS_OK, TRUE, NULL, NULL);
}

static void
handle_remove_folder (RtxRequest *req)
{
  RtxDocuments *documents = rtx_runtime_get_documents (rtx_request_get_runtime (req));
  g_autoptr(JsonObject) body = read_json_object (req);
  g_autoptr(GError) error = NULL;

  if (body == NULL)
    return;
  if (!rtx_documents_remove_folder (documents, get_string (body, "name"), &error)) {
    reply_gerror_result (req, error);
    return;
  }
  reply_result (req, SOUP_STATUS_OK, TRUE, NULL, _("Folder removed successfully"));
}

static void
handle_move_files (RtxRequest *req)
{
  RtxDocuments *documents = rtx_runtime_get_documents (rtx_request_get_runtime (req));
  g_autoptr(JsonObject) body = read_json_object (req);
  JsonNode *files;
  JsonArray *array;

  if (body == NULL)
    return;
  files = json_object_get_member (body, "files");
  if (files == NULL || !JSON_NODE_HOLDS_ARRAY (files)) {
    reply_result (req, SOUP_STATUS_BAD_REQUEST, FALSE, _("files must be an array of {from, to}"), NULL);
    return;
  }

  /* Checked whole before anything moves, so a bad entry changes nothing. */
  array = json_node_get_array (files);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);
    g_autofree char *f = NULL, *n = NULL, *f2 = NULL, *n2 = NULL;

    if (!JSON_NODE_HOLDS_OBJECT (item) ||
        !rtx_documents_split_location (get_string (json_node_get_object (item), "from"), &f, &n) ||
        !rtx_documents_split_location (get_string (json_node_get_object (item), "to"), &f2, &n2)) {
      reply_result (req, SOUP_STATUS_BAD_REQUEST, FALSE,
                    _("Each file needs “from” and “to” of the form folder/name.json"), NULL);
      return;
    }
  }

  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonObject *item = json_array_get_object_element (array, i);
    g_autoptr(GError) error = NULL;

    if (!rtx_documents_move (documents, get_string (item, "from"), get_string (item, "to"), &error)) {
      reply_gerror_result (req, error);
      return;
    }
  }
  reply_result (req, SOUP_STATUS_OK, TRUE, NULL, NULL);
}

static void
handle_remove_documents (RtxRequest *req)
{
  RtxDocuments *documents = rtx_runtime_get_documents (rtx_request_get_runtime (req));
  g_autoptr(JsonObject) body = read_json_object (req);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;
  JsonArray *array;

  if (body == NULL)
    return;
  node = json_object_get_member (body, "names");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)) {
    reply_result (req, SOUP_STATUS_BAD_REQUEST, FALSE, _("names must be an array of folder/name.json"), NULL);
    return;
  }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);

    if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING) {
      reply_result (req, SOUP_STATUS_BAD_REQUEST, FALSE, _("names must be an array of folder/name.json"), NULL);
      return;
    }
    g_strv_builder_add (names, json_node_get_string (item));
  }
  list = g_strv_builder_end (names);

  rtx_documents_remove (documents, (const char * const *) list, &error);
  if (error != NULL) {
    reply_gerror_result (req, error);
    return;
  }
  reply_result (req, SOUP_STATUS_OK, TRUE, NULL, _("Documents removed successfully"));
}

const RtxHandlerBinding rtx_handlers_standard_documents[] = {
  { "uploadDocument", handle_upload },
  { "uploadDocumentToFolder", handle_upload_to_folder },
  { "createRawTextDocument", handle_raw_text },
  { "uploadLink", handle_upload_link },
  { "getIngestJob", handle_get_job },
  { "listDocuments", handle_list },
  { "listFolderDocuments", handle_list_folder },
  { "getDocument", handle_get_document },
  { "getAcceptedFileTypes", handle_accepted_types },
  { "getDocumentMetadataSchema", handle_metadata_schema },
  { "createDocumentFolder", handle_create_folder },
  { "removeDocumentFolder", handle_remove_folder },
  { "moveDocuments", handle_move_files },
  { "removeDocuments", handle_remove_documents },
  { NULL, NULL },
};
