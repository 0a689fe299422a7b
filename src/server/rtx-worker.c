/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-thread-task.h"
#include "rtx-worker.h"

/* Runs a handler's database work in a worker thread and replies on the main context, so
 * that a commit waiting for the disk never stalls the other requests (DESIGN.md §4). */

typedef struct {
  RtxRequest         *req;
  RtxWorkerFunc       func;
  gpointer            data;
  GDestroyNotify      destroy;
  RtxWorkerErrorFunc  on_error;
  guint               status;
} Work;

static void
work_free (Work *work)
{
  if (work->destroy != NULL)
    work->destroy (work->data);
  g_clear_pointer (&work->req, rtx_request_unref);
  g_free (work);
}

static void
work_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Work *work = task_data;
  GError *error = NULL;
  JsonNode *body = work->func (work->req, work->data, &work->status, &error);

  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, body, (GDestroyNotify) json_node_unref);
}

static void
on_work_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Work *work = g_task_get_task_data (G_TASK (result));
  /* Released here, on the main context: the task (and the work) may be freed last by the
   * worker, and the request holds the message and the server. */
  g_autoptr(RtxRequest) req = g_steal_pointer (&work->req);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  body = g_task_propagate_pointer (G_TASK (result), &error);
  if (body != NULL)
    rtx_request_reply_json (req, work->status, body);
  else if (work->on_error != NULL)
    work->on_error (req, error);
  else
    rtx_request_reply_gerror (req, error);
}

/**
 * rtx_worker_reply:
 * @req: the request, which is paused until the reply
 * @func: the work, run in a worker thread
 * @data: (transfer full): its data
 * @destroy: (nullable): frees @data
 * @on_error: (nullable): replies a failure in the route's own shape; by default
 *   rtx_request_reply_gerror()
 */
void
rtx_worker_reply (RtxRequest         *req,
                  RtxWorkerFunc       func,
                  gpointer            data,
                  GDestroyNotify      destroy,
                  RtxWorkerErrorFunc  on_error)
{
  g_autoptr(GTask) task = NULL;
  Work *work = g_new0 (Work, 1);

  work->req = rtx_request_ref (req);
  work->func = func;
  work->data = data;
  work->destroy = destroy;
  work->on_error = on_error;
  work->status = SOUP_STATUS_OK;

  /* The work is not cancelled with the client: a write that started completes. */
  rtx_request_pause (req);
  task = rtx_thread_task_new (NULL, NULL, on_work_done_cb, NULL);
  g_task_set_task_data (task, work, (GDestroyNotify) work_free);
  g_task_run_in_thread (task, work_thread);
}
