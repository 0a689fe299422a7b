/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-thread-task.h"

/* GTask's worker thread drops its reference on the task after queueing the callback on the
 * task's context, so the last reference, and with it the task data's destroy notify, may go in
 * the worker, after the callback. Data that belongs to the main context (a request, which holds
 * the message and the server; a JsonObject it shares: json-glib's object and array reference
 * counts are not atomic; a service object) must not be freed there. A task made here frees its
 * data on its own context, as soon as its callback returns. */

typedef struct {
  GAsyncReadyCallback callback;
  gpointer            data;
} Ready;

static void
on_ready_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Ready ready = *(Ready *) user_data;

  g_free (user_data);
  if (ready.callback != NULL)
    ready.callback (source, result, ready.data);
  /* The worker has returned its result, and reads the data no more. Replacing the data calls
   * its destroy notify, here. */
  g_task_set_task_data (G_TASK (result), NULL, NULL);
}

/**
 * rtx_thread_task_new:
 * @source_object: (nullable) (type GObject): as for g_task_new(); it must outlive the task on
 *   its own (a runtime's service), as the worker may drop the task's reference on it
 * @cancellable: (nullable): as for g_task_new()
 * @callback: (nullable): called on the current thread-default main context, as for
 *   g_task_new()
 * @callback_data: data for @callback, which releases it
 *
 * A #GTask for g_task_run_in_thread() (or any worker that returns it) whose task data is freed
 * on the caller's context right after @callback, whichever thread drops the task last.
 * Use it instead of g_task_new() whenever the task data holds anything of the main context.
 * The task must not be set to return on cancel, and g_task_get_user_data() is not
 * @callback_data.
 *
 * Returns: (transfer full): a task
 */
GTask *
rtx_thread_task_new (gpointer             source_object,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             callback_data)
{
  Ready *ready;

  ready = g_new (Ready, 1);
  ready->callback = callback;
  ready->data = callback_data;
  return g_task_new (source_object, cancellable, on_ready_cb, ready);
}
