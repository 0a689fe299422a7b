/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "rtx-chunker.h"
#include "rtx-documents.h"
#include "rtx-error.h"
#include "rtx-ingest.h"
#include "rtx-ingest-jobs.h"
#include "rtx-json.h"
#include "rtx-retriever.h"
#include "rtx-thread-task.h"

/**
 * RtxIngest:
 *
 * Turns files, links and text into documents: extract (in a limited child process), chunk,
 * store (one transaction), and embed into the workspaces asked for. Every ingestion is a job
 * run on a worker thread, one at a time, so the main loop never waits for it and CPU-bound
 * work never takes both cores; jobs report their progress for the API.
 */
struct _RtxIngest {
  GObject           parent_instance;

  RtxRuntime       *runtime;   /* not owned: the runtime owns us */
  GThreadPool      *pool;
  RtxExtractLimits  limits;
  RtxLinkPolicy     link_policy;

  GMutex            lock;
  GHashTable       *jobs;      /* id → Job */
  GQueue            finished;  /* ids of finished jobs, oldest first, for pruning */
  guint             pending;
  GPtrArray        *unsaved;   /* RtxJobRecord: ended jobs not stored yet */
};

G_DEFINE_FINAL_TYPE (RtxIngest, rtx_ingest, G_TYPE_OBJECT)

#define MAX_FINISHED_JOBS 1000
#define WORKER_NICE       10
/* Ended jobs are stored this many at a time, or when the queue empties: one commit per job
 * would double the commits of many small files. */
#define SAVE_BATCH        64

typedef enum { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED } JobStatus;

typedef struct {
  char      *id;
  JobStatus  status;
  int        progress;
  const char *step;
  char      *error;
  JsonNode  *documents;
} Job;

typedef struct {
  RtxIngest        *self;
  Job              *job;
  RtxIngestRequest *request;
} Work;

static const char *status_names[] = { "queued", "running", "done", "failed" };

static void
job_free (Job *job)
{
  g_free (job->id);
  g_free (job->error);
  g_clear_pointer (&job->documents, json_node_unref);
  g_free (job);
}

RtxIngestRequest *
rtx_ingest_request_new (RtxIngestKind kind)
{
  RtxIngestRequest *request = g_new0 (RtxIngestRequest, 1);

  request->kind = kind;
  request->folder = g_strdup (RTX_DOCUMENTS_DEFAULT_FOLDER);
  return request;
}

void
rtx_ingest_request_free (RtxIngestRequest *request)
{
  if (request == NULL)
    return;
  /* A spooled upload nobody took over is removed. */
  if (request->path != NULL)
    g_unlink (request->path);
  g_free (request->path);
  g_free (request->filename);
  g_free (request->text);
  g_free (request->link);
  g_clear_pointer (&request->headers, g_hash_table_unref);
  g_clear_pointer (&request->credential, rtx_credential_use_free);
  g_free (request->folder);
  g_clear_pointer (&request->metadata, json_object_unref);
  g_clear_pointer (&request->workspace_ids, g_array_unref);
  g_free (request);
}

static void
set_progress (RtxIngest  *self,
              Job        *job,
              JobStatus   status,
              int         progress,
              const char *step)
{
  g_mutex_lock (&self->lock);
  job->status = status;
  job->progress = progress;
  job->step = step;
  g_mutex_unlock (&self->lock);
}

/* ---- The pipeline (worker thread) -------------------------------------------------------- */

static const char *
meta_string (JsonObject *metadata,
             const char *name)
{
  JsonNode *node = metadata != NULL ? json_object_get_member (metadata, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
pick (JsonObject *metadata,
      const char *name,
      const char *fallback,
      const char *last)
{
  const char *value = meta_string (metadata, name);

  if (value != NULL && *value != '\0')
    return g_strdup (value);
  if (fallback != NULL && *fallback != '\0')
    return g_strdup (fallback);
  return g_strdup (last);
}

static char *
today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
}

/* Fetches a link into a spool file; fills in what the document needs from it. */
static gboolean
fetch_link (RtxIngest          *self,
            RtxIngestRequest   *request,
            RtxDocType         *type,
            GCancellable       *cancellable,
            GError            **error)
{
  g_autofree char *dir = g_build_filename (rtx_runtime_get_data_dir (self->runtime), "tmp", NULL);
  g_autofree char *tmpl = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *final_url = NULL;
  int fd;
  gboolean ok;

  g_mkdir_with_parents (dir, 0700);
  tmpl = g_build_filename (dir, "link-XXXXXX", NULL);
  fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("Could not create a temporary file"));
    return FALSE;
  }
  request->path = g_strdup (tmpl);

  ok = rtx_link_fetch (request->link, request->headers, request->credential, &self->link_policy,
                       fd, &content_type, &final_url, cancellable, error);
  close (fd);
  if (!ok)
    return FALSE;

  if (g_strcmp0 (content_type, "application/pdf") == 0)
    *type = RTX_DOC_PDF;
  else if (g_strcmp0 (content_type, "text/plain") == 0)
    *type = RTX_DOC_TEXT;
  else if (g_strcmp0 (content_type, "text/markdown") == 0)
    *type = RTX_DOC_MARKDOWN;
  else if (g_strcmp0 (content_type, "application/json") == 0)
    *type = RTX_DOC_JSON;
  else if (g_strcmp0 (content_type, "text/csv") == 0)
    *type = RTX_DOC_CSV;
  else if (content_type == NULL || g_str_equal (content_type, "text/html") ||
           g_str_equal (content_type, "application/xhtml+xml"))
    *type = RTX_DOC_HTML;
  else {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("The link serves “%s”, which cannot be read"), content_type);
    return FALSE;
  }
  return TRUE;
}

static RtxDocument *
new_document (RtxIngestRequest *request,
              RtxExtracted     *extracted)
{
  RtxDocument *doc = g_new0 (RtxDocument, 1);
  g_autofree char *stem = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  JsonObject *m = request->metadata;

  doc->doc_id = g_strdup (uuid);
  doc->folder = g_strdup (request->folder);
  doc->created_at = g_get_real_time () / G_USEC_PER_SEC;
  doc->published = pick (m, "published", NULL, NULL);
  if (doc->published == NULL)
    doc->published = today ();

  switch (request->kind) {
  case RTX_INGEST_FILE:
    stem = rtx_documents_safe_stem (request->filename);
    doc->url = g_strconcat ("file://", stem, NULL);
    doc->title = pick (m, "title", extracted->title, stem);
    doc->doc_source = pick (m, "docSource", NULL, "a file uploaded by the user.");
    doc->chunk_source = pick (m, "chunkSource", NULL, "");
    break;
  case RTX_INGEST_LINK:
    stem = rtx_documents_safe_stem (request->link + (g_str_has_prefix (request->link, "https://") ? 8 : 7));
    doc->url = g_strdup (request->link);
    doc->title = pick (m, "title", extracted->title, request->link);
    doc->doc_source = pick (m, "docSource", NULL, "URL link uploaded by the user.");
    doc->chunk_source = g_strconcat ("link://", request->link, NULL);
    break;
  case RTX_INGEST_TEXT:
  default:
    stem = rtx_documents_safe_stem (meta_string (m, "title"));
    doc->url = pick (m, "url", NULL, "");
    doc->title = pick (m, "title", NULL, "Untitled");
    doc->doc_source = pick (m, "docSource", NULL, "a text document submitted by the user.");
    doc->chunk_source = pick (m, "chunkSource", NULL, "");
    break;
  }

  doc->doc_author = pick (m, "docAuthor", extracted->author, "Unknown");
  doc->description = pick (m, "description", NULL, "Unknown");
  doc->name = g_strdup_printf ("%s%s-%s.json",
                               request->kind == RTX_INGEST_TEXT ? "raw-" :
                               request->kind == RTX_INGEST_LINK ? "url-" : "",
                               stem, uuid);
  doc->word_count = rtx_count_words (extracted->text);
  doc->token_count_estimate = rtx_estimate_tokens (extracted->text, -1);
  return doc;
}

static RtxExtracted *
extract (RtxIngest         *self,
         Job               *job,
         RtxIngestRequest  *request,
         GCancellable      *cancellable,
         GError           **error)
{
  RtxDocType type = RTX_DOC_UNKNOWN;

  switch (request->kind) {
  case RTX_INGEST_TEXT: {
    RtxExtracted *extracted = g_new0 (RtxExtracted, 1);

    extracted->text = g_strdup (request->text);
    return extracted;
  }
  case RTX_INGEST_LINK:
    set_progress (self, job, JOB_RUNNING, 5, "fetching");
    if (!fetch_link (self, request, &type, cancellable, error))
      return NULL;
    break;
  case RTX_INGEST_FILE:
  default:
    type = rtx_doc_type_for_name (request->filename);
    if (type == RTX_DOC_UNKNOWN) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("Files of this type are not supported; see /api/v1/document/accepted-file-types"));
      return NULL;
    }
    break;
  }

  set_progress (self, job, JOB_RUNNING, 15, "extracting");
  return rtx_extract_file (request->path, type, &self->limits, cancellable, error);
}

static JsonNode *
run_pipeline (RtxIngest         *self,
              Job               *job,
              RtxIngestRequest  *request,
              GCancellable      *cancellable,
              GError           **error)
{
  RtxDocuments *documents = rtx_runtime_get_documents (self->runtime);
  g_autoptr(RtxExtracted) extracted = NULL;
  g_autoptr(RtxDocument) doc = NULL;
  g_autoptr(GPtrArray) chunks = NULL;
  g_autofree RtxDocumentChunk *rows = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonArray) array = json_array_new ();

  extracted = extract (self, job, request, cancellable, error);
  if (extracted == NULL)
    return NULL;
  if (*g_strstrip (extracted->text) == '\0') {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("The document holds no text"));
    return NULL;
  }

  set_progress (self, job, JOB_RUNNING, 50, "chunking");
  chunks = rtx_chunk_text (extracted->text, RTX_CHUNK_DEFAULT_TOKENS, RTX_CHUNK_DEFAULT_OVERLAP);
  rows = g_new0 (RtxDocumentChunk, chunks->len);
  for (guint i = 0; i < chunks->len; i++) {
    RtxChunk *chunk = g_ptr_array_index (chunks, i);

    rows[i].text = chunk->text;
    rows[i].tokens = chunk->tokens;
  }

  set_progress (self, job, JOB_RUNNING, 70, "storing");
  doc = new_document (request, extracted);
  if (!rtx_documents_insert (documents, doc, extracted->text, rows, chunks->len, error))
    return NULL;
  if (request->kind == RTX_INGEST_FILE && request->path != NULL &&
      rtx_documents_keep_original (documents, doc->doc_id, request->path, NULL))
    g_clear_pointer (&request->path, g_free);

  /* The document exists from here on; embedding it into a workspace is a second step, as
   * update-embeddings would do, and its failure is reported without undoing the document. */
  if (request->workspace_ids != NULL && request->workspace_ids->len > 0) {
    RtxRetriever *retriever = rtx_retriever_get (self->runtime);

    set_progress (self, job, JOB_RUNNING, 85, "embedding");
    for (guint i = 0; i < request->workspace_ids->len; i++)
      if (!rtx_retriever_embed_document (retriever, g_array_index (request->workspace_ids, gint64, i),
                                         doc->id, error))
        return NULL;
  }

  node = rtx_document_to_json (doc, extracted->text);
  json_array_add_element (array, g_steal_pointer (&node));
  return json_node_init_array (json_node_alloc (), array);
}

static RtxJobRecord *
record_of (const Job *job)
{
  RtxJobRecord *record = g_new0 (RtxJobRecord, 1);

  record->id = g_strdup (job->id);
  record->failed = job->status == JOB_FAILED;
  record->error = g_strdup (job->error);
  record->documents = job->documents != NULL ? rtx_json_to_string (job->documents, FALSE) : NULL;
  record->ended_at = g_get_real_time () / G_USEC_PER_SEC;
  return record;
}

/* A job's record is a convenience for clients that poll across a restart: failing to store
 * it fails nothing else. */
static void
save_jobs (RtxIngest *self,
           GPtrArray *records)
{
  g_autoptr(GError) error = NULL;

  if (!rtx_ingest_jobs_save (rtx_runtime_get_db (self->runtime), records, &error))
    g_warning ("Cannot store ingestion jobs: %s", error->message);
}

static void
run_work (gpointer data,
          gpointer user_data)
{
  g_autoptr(GTask) task = data;
  Work *work = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) to_save = NULL;
  JsonNode *documents;

  /* Ingestion yields the CPU to the server's main loop (and to chats' threads): on Linux a
   * thread's nice value is its own, and the extraction child forked from here inherits it.
   * The pool's one thread is exclusive, so no other work ever runs at this priority. */
  setpriority (PRIO_PROCESS, gettid (), WORKER_NICE);

  set_progress (work->self, work->job, JOB_RUNNING, 1, "starting");
  documents = run_pipeline (work->self, work->job, work->request,
                            g_task_get_cancellable (task), &error);

  g_mutex_lock (&work->self->lock);
  work->self->pending--;
  if (documents != NULL) {
    work->job->status = JOB_DONE;
    work->job->progress = 100;
    work->job->step = "done";
    /* The job's own copy: @documents goes to the main context, and the job may be dropped
     * here, by a later job, while a reply made from it is alive there. */
    work->job->documents = rtx_json_node_deep_copy (documents);
  } else {
    work->job->status = JOB_FAILED;
    work->job->step = "failed";
    work->job->error = g_strdup (error->message);
  }
  g_queue_push_tail (&work->self->finished, g_strdup (work->job->id));
  while (g_queue_get_length (&work->self->finished) > MAX_FINISHED_JOBS) {
    g_autofree char *old = g_queue_pop_head (&work->self->finished);

    g_hash_table_remove (work->self->jobs, old);
  }
  g_ptr_array_add (work->self->unsaved, record_of (work->job));
  if (work->self->pending == 0 || work->self->unsaved->len >= SAVE_BATCH)
    to_save = g_steal_pointer (&work->self->unsaved);
  if (work->self->unsaved == NULL)
    work->self->unsaved = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_job_record_free);
  g_mutex_unlock (&work->self->lock);

  if (to_save != NULL)
    save_jobs (work->self, to_save);

  if (documents != NULL)
    g_task_return_pointer (task, documents, (GDestroyNotify) json_node_unref);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* ---- Public API (main thread) ------------------------------------------------------------ */

static void
work_free (Work *work)
{
  rtx_ingest_request_free (work->request);
  g_free (work);
}

/**
 * rtx_ingest_submit:
 * @request: (transfer full): what to ingest
 *
 * Queues an ingestion. @callback runs on the caller's main context when it ends; the job can
 * be watched meanwhile with rtx_ingest_job_to_json().
 *
 * Returns: (transfer full): the job's id
 */
char *
rtx_ingest_submit (RtxIngest           *self,
                   RtxIngestRequest    *request,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  /* No source object: a task must not keep the service alive, since the service's finalizer
   * waits for the worker, and the last reference could be dropped there. */
  GTask *task = rtx_thread_task_new (NULL, cancellable, callback, user_data);
  Work *work = g_new0 (Work, 1);
  Job *job = g_new0 (Job, 1);

  job->id = g_uuid_string_random ();
  job->status = JOB_QUEUED;
  job->step = "queued";

  work->self = self;
  work->job = job;
  work->request = request;
  g_task_set_task_data (task, work, (GDestroyNotify) work_free);
  g_task_set_source_tag (task, rtx_ingest_submit);

  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->jobs, job->id, job);
  self->pending++;
  g_mutex_unlock (&self->lock);

  g_thread_pool_push (self->pool, task, NULL);
  return g_strdup (job->id);
}

/**
 * rtx_ingest_finish:
 *
 * Returns: (transfer full): the array of document objects ingested
 */
JsonNode *
rtx_ingest_finish (RtxIngest     *self,
                   GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * rtx_ingest_job_to_json:
 *
 * Returns: (transfer full) (nullable): `{id, status, progress, step, error, documents}`, or
 *   %NULL for an unknown job
 */
JsonNode *
rtx_ingest_job_to_json (RtxIngest  *self,
                        const char *job_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  Job *job;

  g_mutex_lock (&self->lock);
  job = g_hash_table_lookup (self->jobs, job_id);
  if (job == NULL) {
    g_mutex_unlock (&self->lock);
    /* Ended before a restart, or long ago: one indexed read. */
    return rtx_ingest_jobs_load (rtx_runtime_get_db (self->runtime), job_id, NULL);
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, job->id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status_names[job->status]);
  json_builder_set_member_name (builder, "progress");
  json_builder_add_int_value (builder, job->progress);
  json_builder_set_member_name (builder, "step");
  json_builder_add_string_value (builder, job->step);
  json_builder_set_member_name (builder, "error");
  if (job->error != NULL)
    json_builder_add_string_value (builder, job->error);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "documents");
  if (job->documents != NULL)
    json_builder_add_value (builder, rtx_json_node_deep_copy (job->documents));
  else {
    json_builder_begin_array (builder);
    json_builder_end_array (builder);
  }
  json_builder_end_object (builder);
  g_mutex_unlock (&self->lock);

  return json_builder_get_root (builder);
}

guint
rtx_ingest_get_pending (RtxIngest *self)
{
  guint pending;

  g_mutex_lock (&self->lock);
  pending = self->pending;
  g_mutex_unlock (&self->lock);
  return pending;
}

void
rtx_ingest_set_limits (RtxIngest              *self,
                       const RtxExtractLimits *limits)
{
  self->limits = *limits;
}

/**
 * rtx_ingest_get_link_policy:
 *
 * The link policy, for the operator's settings and tests (never the API). Change it only
 * while no link is being ingested.
 */
RtxLinkPolicy *
rtx_ingest_get_link_policy (RtxIngest *self)
{
  return &self->link_policy;
}

static void
rtx_ingest_finalize (GObject *object)
{
  RtxIngest *self = (RtxIngest *) object;

  /* Waits for the job running now; queued ones hold a reference, so there are none. */
  g_thread_pool_free (self->pool, FALSE, TRUE);
  save_jobs (self, self->unsaved);
  g_ptr_array_unref (self->unsaved);
  g_hash_table_unref (self->jobs);
  g_queue_clear_full (&self->finished, g_free);
  rtx_link_policy_clear (&self->link_policy);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (rtx_ingest_parent_class)->finalize (object);
}

static void
rtx_ingest_class_init (RtxIngestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rtx_ingest_finalize;
}

static void
rtx_ingest_init (RtxIngest *self)
{
  g_mutex_init (&self->lock);
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) job_free);
  g_queue_init (&self->finished);
  self->unsaved = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_job_record_free);
  rtx_extract_limits_init (&self->limits);
  rtx_link_policy_init (&self->link_policy);
  /* One ingestion at a time: it is CPU-bound, and the machine has two cores to share with
   * the server. Exclusive: the thread is ours alone (its priority is lowered). */
  self->pool = g_thread_pool_new (run_work, self, 1, TRUE, NULL);
}

/**
 * rtx_ingest_get:
 * @runtime: the runtime
 *
 * Returns: (transfer none): the runtime's ingestion service, created on first use
 */
RtxIngest *
rtx_ingest_get (RtxRuntime *runtime)
{
  RtxIngest *self = rtx_runtime_get_extension (runtime, "rtx-ingest");

  if (self == NULL) {
    self = g_object_new (RTX_TYPE_INGEST, NULL);
    self->runtime = runtime;
    rtx_runtime_set_extension (runtime, "rtx-ingest", G_OBJECT (self));
    g_object_unref (self);
  }
  return self;
}
