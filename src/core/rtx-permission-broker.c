/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-error.h"
#include "rtx-permission-broker.h"

/**
 * RtxPermissionBroker:
 *
 * Holds every question an app asks the person (`/sdk/register`, one prompt for all its
 * undecided permissions; `/api/local-apps/request-permission`, one prompt for one), until the
 * person answers in the dialog or through the admin API, or until the timeout.
 *
 * - A permission with a stored decision is answered from it, with no prompt.
 * - A permission already waiting in a prompt of the same app is not asked twice: the new
 *   question waits on that prompt (coalescing per (app, permission)).
 * - At most %RTX_PERMISSION_BROKER_MAX_PENDING_PER_APP prompts wait per app.
 * - An answer is stored before any waiting question is completed, so an app told
 *   `granted:true` never meets PERMISSION_REQUIRED again for it.
 * - A timeout stores nothing: not granted now, asked again next time.
 * - When every question waiting on a prompt is cancelled (the app hung up), the prompt is
 *   withdrawn.
 */

typedef struct _Job Job;

typedef struct {
  RtxPermissionRequest *request;
  GPtrArray            *jobs;        /* (element-type Job) not owned */
  guint                 timeout_id;
} Prompt;

struct _Job {
  RtxPermissionBroker *broker;
  GTask               *task;
  GHashTable          *wanted;       /* permission → Prompt it waits on, or NULL once known */
  RtxPermissionAnswer *answer;
  guint                n_waiting;
  gulong               cancelled_id;
  gboolean             done;
  gint                 refs;
};

struct _RtxPermissionBroker {
  GObject       parent_instance;

  RtxLocalApps *apps;
  GHashTable   *prompts;             /* request id → Prompt */
  guint         timeout_ms;
};

enum {
  SIGNAL_REQUEST_ADDED,
  SIGNAL_REQUEST_REMOVED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_BOXED_TYPE (RtxPermissionRequest, rtx_permission_request,
                     rtx_permission_request_copy, rtx_permission_request_free)
G_DEFINE_FINAL_TYPE (RtxPermissionBroker, rtx_permission_broker, G_TYPE_OBJECT)

/* ---- Boxed types ------------------------------------------------------------------------- */

RtxPermissionRequest *
rtx_permission_request_copy (const RtxPermissionRequest *request)
{
  RtxPermissionRequest *copy = g_new0 (RtxPermissionRequest, 1);

  copy->id = g_strdup (request->id);
  copy->app_id = g_strdup (request->app_id);
  copy->app_name = g_strdup (request->app_name);
  copy->permissions = g_strdupv (request->permissions);
  copy->created_at = request->created_at;

  return copy;
}

void
rtx_permission_request_free (RtxPermissionRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->id);
  g_free (request->app_id);
  g_free (request->app_name);
  g_strfreev (request->permissions);
  g_free (request);
}

static RtxPermissionAnswer *
answer_new (void)
{
  RtxPermissionAnswer *answer = g_new0 (RtxPermissionAnswer, 1);

  answer->granted = g_ptr_array_new_with_free_func (g_free);
  answer->denied = g_ptr_array_new_with_free_func (g_free);
  answer->unanswered = g_ptr_array_new_with_free_func (g_free);

  return answer;
}

void
rtx_permission_answer_free (RtxPermissionAnswer *answer)
{
  if (answer == NULL)
    return;

  g_ptr_array_unref (answer->granted);
  g_ptr_array_unref (answer->denied);
  g_ptr_array_unref (answer->unanswered);
  g_free (answer);
}

gboolean
rtx_permission_answer_has (GPtrArray  *list,
                           const char *permission)
{
  return g_ptr_array_find_with_equal_func (list, permission, g_str_equal, NULL);
}

/* ---- Prompts and jobs -------------------------------------------------------------------- */

static void
prompt_free (Prompt *prompt)
{
  g_clear_handle_id (&prompt->timeout_id, g_source_remove);
  g_ptr_array_unref (prompt->jobs);
  rtx_permission_request_free (prompt->request);
  g_free (prompt);
}

static Job *
job_ref (Job *job)
{
  g_atomic_int_inc (&job->refs);
  return job;
}

static void
job_unref (Job *job)
{
  if (!g_atomic_int_dec_and_test (&job->refs))
    return;

  g_hash_table_unref (job->wanted);
  rtx_permission_answer_free (job->answer);
  g_free (job);
}

static void
job_complete (Job *job)
{
  GCancellable *cancellable = g_task_get_cancellable (job->task);
  g_autoptr(GTask) task = job->task;

  if (cancellable != NULL && job->cancelled_id != 0)
    g_cancellable_disconnect (cancellable, job->cancelled_id);
  job->cancelled_id = 0;

  job->done = TRUE;
  g_task_return_pointer (task, g_steal_pointer (&job->answer),
                         (GDestroyNotify) rtx_permission_answer_free);
  job_unref (job);
}

/* Removes @prompt from the table and tells every job waiting on it what became of its
 * permissions: @state GRANTED or DENIED once stored, UNDECIDED when nobody answered. */
static void
prompt_resolve (RtxPermissionBroker *self,
                Prompt              *prompt,
                RtxPermissionState   state)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_copy (prompt->jobs, NULL, NULL);
  g_autofree char *id = g_strdup (prompt->request->id);
  char **permissions = prompt->request->permissions;

  for (guint i = 0; i < jobs->len; i++) {
    Job *job = g_ptr_array_index (jobs, i);
    GPtrArray *into = state == RTX_PERMISSION_GRANTED ? job->answer->granted
                    : state == RTX_PERMISSION_DENIED ? job->answer->denied
                    : job->answer->unanswered;

    for (guint p = 0; permissions[p] != NULL; p++) {
      if (g_hash_table_lookup (job->wanted, permissions[p]) == prompt) {
        g_hash_table_replace (job->wanted, g_strdup (permissions[p]), NULL);
        g_ptr_array_add (into, g_strdup (permissions[p]));
      }
    }
  }

  /* The prompt leaves the table (and is freed) before any job completes, so a job's callback
   * that asks again sees the stored decision, not this prompt. */
  g_ptr_array_set_size (prompt->jobs, 0);
  g_hash_table_remove (self->prompts, id);
  g_signal_emit (self, signals[SIGNAL_REQUEST_REMOVED], 0, id);

  for (guint i = 0; i < jobs->len; i++) {
    Job *job = g_ptr_array_index (jobs, i);

    if (--job->n_waiting == 0)
      job_complete (job);
  }
}

typedef struct {
  RtxPermissionBroker *broker;
  char                *request_id;
} TimeoutData;

static void
timeout_data_free (TimeoutData *data)
{
  g_free (data->request_id);
  g_free (data);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  TimeoutData *data = user_data;
  Prompt *prompt = g_hash_table_lookup (data->broker->prompts, data->request_id);

  if (prompt != NULL) {
    prompt->timeout_id = 0;
    g_debug ("A permission prompt timed out; nothing stored");
    prompt_resolve (data->broker, prompt, RTX_PERMISSION_UNDECIDED);
  }

  return G_SOURCE_REMOVE;
}

static guint
count_prompts_for (RtxPermissionBroker *self,
                   const char          *app_id)
{
  GHashTableIter iter;
  Prompt *prompt;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->prompts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &prompt)) {
    if (g_str_equal (prompt->request->app_id, app_id))
      n++;
  }

  return n;
}

static Prompt *
find_prompt_with (RtxPermissionBroker *self,
                  const char          *app_id,
                  const char          *permission)
{
  GHashTableIter iter;
  Prompt *prompt;

  g_hash_table_iter_init (&iter, self->prompts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &prompt)) {
    if (g_str_equal (prompt->request->app_id, app_id) &&
        g_strv_contains ((const char * const *) prompt->request->permissions, permission))
      return prompt;
  }

  return NULL;
}

static Prompt *
prompt_new (RtxPermissionBroker *self,
            const RtxLocalApp   *app,
            GPtrArray           *permissions)
{
  Prompt *prompt = g_new0 (Prompt, 1);
  TimeoutData *data = g_new0 (TimeoutData, 1);

  prompt->request = g_new0 (RtxPermissionRequest, 1);
  prompt->request->id = g_uuid_string_random ();
  prompt->request->app_id = g_strdup (app->id);
  prompt->request->app_name = g_strdup (app->name);
  g_ptr_array_add (permissions, NULL);
  prompt->request->permissions = g_strdupv ((char **) permissions->pdata);
  g_ptr_array_remove_index (permissions, permissions->len - 1);
  prompt->request->created_at = g_get_real_time () / G_USEC_PER_SEC;
  prompt->jobs = g_ptr_array_new ();

  data->broker = self;
  data->request_id = g_strdup (prompt->request->id);
  prompt->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, self->timeout_ms, on_timeout_cb,
                                           data, (GDestroyNotify) timeout_data_free);

  g_hash_table_insert (self->prompts, g_strdup (prompt->request->id), prompt);
  return prompt;
}

static void
job_wait_on (Job        *job,
             Prompt     *prompt,
             const char *permission)
{
  g_hash_table_replace (job->wanted, g_strdup (permission), prompt);
  if (!g_ptr_array_find (prompt->jobs, job, NULL)) {
    g_ptr_array_add (prompt->jobs, job);
    job->n_waiting++;
  }
}

/* The app hung up: its job stops waiting, and a prompt nobody waits on any more is
 * withdrawn (nothing stored). Runs from an idle, since a cancellable's handler may not
 * disconnect itself. */
static void
job_leave_prompts (RtxPermissionBroker *self,
                   Job                 *job)
{
  GHashTableIter iter;
  Prompt *prompt;
  g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func (g_free);

  g_hash_table_iter_init (&iter, self->prompts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &prompt)) {
    if (g_ptr_array_remove (prompt->jobs, job) && prompt->jobs->len == 0)
      g_ptr_array_add (orphans, g_strdup (prompt->request->id));
  }

  for (guint i = 0; i < orphans->len; i++) {
    g_hash_table_remove (self->prompts, g_ptr_array_index (orphans, i));
    g_signal_emit (self, signals[SIGNAL_REQUEST_REMOVED], 0, g_ptr_array_index (orphans, i));
  }
}

static gboolean
on_job_cancelled_idle_cb (gpointer user_data)
{
  Job *job = user_data;

  if (job->done)
    return G_SOURCE_REMOVE;

  job_leave_prompts (job->broker, job);
  job->n_waiting = 0;
  job_complete (job);
  return G_SOURCE_REMOVE;
}

/* Runs in whichever thread cancels: the job is finished on the main context, and the
 * reference the idle holds is taken here, hence atomic references. */
static void
on_job_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, on_job_cancelled_idle_cb, job_ref (user_data),
                   (GDestroyNotify) job_unref);
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
rtx_permission_broker_dispose (GObject *object)
{
  RtxPermissionBroker *self = RTX_PERMISSION_BROKER (object);

  /* Waiting questions keep the broker alive through their tasks, so by now none is left. */
  g_clear_pointer (&self->prompts, g_hash_table_unref);
  g_clear_object (&self->apps);

  G_OBJECT_CLASS (rtx_permission_broker_parent_class)->dispose (object);
}

static void
rtx_permission_broker_class_init (RtxPermissionBrokerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rtx_permission_broker_dispose;

  /**
   * RtxPermissionBroker::request-added:
   * @request: the new prompt
   *
   * A prompt waits for the person: Settings shows a dialog.
   */
  signals[SIGNAL_REQUEST_ADDED] =
    g_signal_new ("request-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, RTX_TYPE_PERMISSION_REQUEST);

  /**
   * RtxPermissionBroker::request-removed:
   * @request_id: the prompt that was answered, timed out or withdrawn
   */
  signals[SIGNAL_REQUEST_REMOVED] =
    g_signal_new ("request-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
rtx_permission_broker_init (RtxPermissionBroker *self)
{
  self->prompts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) prompt_free);
  self->timeout_ms = RTX_PERMISSION_BROKER_TIMEOUT_MS;
}

RtxPermissionBroker *
rtx_permission_broker_new (RtxLocalApps *apps)
{
  RtxPermissionBroker *self;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (apps), NULL);

  self = g_object_new (RTX_TYPE_PERMISSION_BROKER, NULL);
  self->apps = g_object_ref (apps);
  return self;
}

/**
 * rtx_permission_broker_set_timeout:
 * @self: a broker
 * @timeout_ms: how long new prompts wait for the person
 *
 * For tests, which cannot wait 55 s to see a prompt time out.
 */
void
rtx_permission_broker_set_timeout (RtxPermissionBroker *self,
                                   guint                timeout_ms)
{
  g_return_if_fail (RTX_IS_PERMISSION_BROKER (self));
  g_return_if_fail (timeout_ms > 0);

  self->timeout_ms = timeout_ms;
}

/* Sorts each asked permission: decided ones into the answer, pending ones onto their prompt,
 * the rest into @fresh, which will need a new prompt. */
static gboolean
sort_permissions (RtxPermissionBroker  *self,
                  Job                  *job,
                  const char           *app_id,
                  const char * const   *permissions,
                  GPtrArray            *fresh,
                  GError              **error)
{
  for (guint i = 0; permissions[i] != NULL; i++) {
    const char *permission = permissions[i];
    RtxPermissionState state;
    Prompt *pending;

    if (g_hash_table_contains (job->wanted, permission))
      continue;

    if (!rtx_local_apps_get_decision (self->apps, app_id, permission, &state, error))
      return FALSE;

    if (state != RTX_PERMISSION_UNDECIDED) {
      g_hash_table_replace (job->wanted, g_strdup (permission), NULL);
      g_ptr_array_add (state == RTX_PERMISSION_GRANTED ? job->answer->granted
                                                       : job->answer->denied,
                       g_strdup (permission));
    } else if ((pending = find_prompt_with (self, app_id, permission)) != NULL) {
      job_wait_on (job, pending, permission);
    } else {
      g_hash_table_replace (job->wanted, g_strdup (permission), NULL);
      g_ptr_array_add (fresh, (gpointer) permission);
    }
  }

  return TRUE;
}

static gboolean
check_permissions (const char * const  *permissions,
                   GError             **error)
{
  for (guint i = 0; permissions[i] != NULL; i++) {
    if (!rtx_permission_name_is_valid (permissions[i])) {
      g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                           _("A permission is a short word such as “llm.chat”"));
      return FALSE;
    }
  }

  return TRUE;
}

/**
 * rtx_permission_broker_ask_async:
 * @self: a broker
 * @app_id: the id the app presented (in the body of its request)
 * @permissions: what it asks for
 * @one_prompt: %TRUE to put every undecided permission in one bulk prompt (`/sdk/register`),
 *   %FALSE for one prompt per permission
 * @cancellable: (nullable): cancelled when the app hangs up
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Asks the person, unless stored decisions or pending prompts already answer. Fails at once
 * with %RTX_ERROR_NOT_FOUND for an unknown app, %RTX_ERROR_INVALID_ARGUMENT for a malformed
 * permission, and %G_IO_ERROR_BUSY when the app already has the most prompts waiting.
 */
void
rtx_permission_broker_ask_async (RtxPermissionBroker  *self,
                                 const char           *app_id,
                                 const char * const   *permissions,
                                 gboolean              one_prompt,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  guint needed;
  Job *job;

  g_return_if_fail (RTX_IS_PERMISSION_BROKER (self));
  g_return_if_fail (permissions != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rtx_permission_broker_ask_async);

  if (!check_permissions (permissions, &error) ||
      (app = rtx_local_apps_get (self->apps, app_id, &error)) == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  job = g_new0 (Job, 1);
  job->refs = 1;
  job->broker = self;
  job->wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  job->answer = answer_new ();

  if (!sort_permissions (self, job, app->id, permissions, fresh, &error))
    goto fail;

  needed = fresh->len == 0 ? 0 : one_prompt ? 1 : fresh->len;
  if (count_prompts_for (self, app->id) + needed > RTX_PERMISSION_BROKER_MAX_PENDING_PER_APP) {
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_BUSY,
                         _("This app already waits for too many answers; try again later"));
    goto fail;
  }

  for (guint i = 0; i < fresh->len; i += one_prompt ? fresh->len : 1) {
    g_autoptr(GPtrArray) these = g_ptr_array_new ();
    Prompt *prompt;

    for (guint j = i; j < (one_prompt ? fresh->len : i + 1); j++)
      g_ptr_array_add (these, g_ptr_array_index (fresh, j));

    prompt = prompt_new (self, app, these);
    for (guint j = 0; j < these->len; j++)
      job_wait_on (job, prompt, g_ptr_array_index (these, j));
    g_signal_emit (self, signals[SIGNAL_REQUEST_ADDED], 0, prompt->request);
  }

  job->task = g_steal_pointer (&task);
  job->answer->prompted = job->n_waiting > 0;
  if (job->n_waiting == 0) {
    job_complete (job);
    return;
  }

  if (cancellable != NULL)
    job->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_job_cancelled_cb),
                                               job, NULL);
  return;

fail:
  /* A failure comes before the job waits on any prompt: sort_permissions() fails only on
   * reading the database, and then the job is still in nobody's list… unless it already
   * joined a pending prompt, which it leaves here. */
  job_leave_prompts (self, job);
  job_unref (job);
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * rtx_permission_broker_ask_finish:
 * @self: a broker
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): the answer, or %NULL
 */
RtxPermissionAnswer *
rtx_permission_broker_ask_finish (RtxPermissionBroker  *self,
                                  GAsyncResult         *result,
                                  GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static int
compare_requests (gconstpointer a,
                  gconstpointer b)
{
  const RtxPermissionRequest *ra = *(RtxPermissionRequest * const *) a;
  const RtxPermissionRequest *rb = *(RtxPermissionRequest * const *) b;

  if (ra->created_at != rb->created_at)
    return ra->created_at < rb->created_at ? -1 : 1;
  return g_strcmp0 (ra->id, rb->id);
}

/**
 * rtx_permission_broker_list_pending:
 * @self: a broker
 *
 * Returns: (transfer full) (element-type RtxPermissionRequest): copies of the waiting
 *   prompts, oldest first
 */
GPtrArray *
rtx_permission_broker_list_pending (RtxPermissionBroker *self)
{
  GPtrArray *requests =
    g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_permission_request_free);
  GHashTableIter iter;
  Prompt *prompt;

  g_return_val_if_fail (RTX_IS_PERMISSION_BROKER (self), NULL);

  g_hash_table_iter_init (&iter, self->prompts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &prompt))
    g_ptr_array_add (requests, rtx_permission_request_copy (prompt->request));

  g_ptr_array_sort (requests, compare_requests);
  return requests;
}

/**
 * rtx_permission_broker_get_pending:
 * @self: a broker
 * @request_id: a prompt's id
 *
 * Returns: (transfer full) (nullable): a copy of the prompt, or %NULL when it is no longer
 *   waiting
 */
RtxPermissionRequest *
rtx_permission_broker_get_pending (RtxPermissionBroker *self,
                                   const char          *request_id)
{
  Prompt *prompt;

  g_return_val_if_fail (RTX_IS_PERMISSION_BROKER (self), NULL);

  prompt = request_id != NULL ? g_hash_table_lookup (self->prompts, request_id) : NULL;
  return prompt != NULL ? rtx_permission_request_copy (prompt->request) : NULL;
}

/**
 * rtx_permission_broker_answer:
 * @self: a broker
 * @request_id: the prompt answered
 * @granted: the person's answer, for every permission of the prompt
 * @actor: who answered
 * @error: return location for an error
 *
 * Stores the decision, then completes every question waiting on the prompt.
 *
 * Returns: %TRUE on success; %RTX_ERROR_NOT_FOUND when the prompt is no longer waiting
 */
gboolean
rtx_permission_broker_answer (RtxPermissionBroker  *self,
                              const char           *request_id,
                              gboolean              granted,
                              const RtxActor       *actor,
                              GError              **error)
{
  RtxPermissionState state = granted ? RTX_PERMISSION_GRANTED : RTX_PERMISSION_DENIED;
  Prompt *prompt;

  g_return_val_if_fail (RTX_IS_PERMISSION_BROKER (self), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  prompt = request_id != NULL ? g_hash_table_lookup (self->prompts, request_id) : NULL;
  if (prompt == NULL) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_NOT_FOUND,
                         _("No such permission request: it was answered, timed out or "
                           "withdrawn"));
    return FALSE;
  }

  if (!rtx_local_apps_set_decisions (self->apps, prompt->request->app_id,
                                     (const char * const *) prompt->request->permissions,
                                     state, actor, error)) {
    /* The app may have been deleted meanwhile: nobody can be granted anything now. */
    prompt_resolve (self, prompt, RTX_PERMISSION_UNDECIDED);
    return FALSE;
  }

  prompt_resolve (self, prompt, state);
  return TRUE;
}
