/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-thread-task.h"

/* A task's data is freed on the main thread even when a worker drops the task's last
 * reference, which GTask's own worker does whenever the callback has run before it lets go.
 * Here a holder thread keeps a reference until the callback has run and the main context has
 * released its own, so that it is certainly the last: no timing involved. */

typedef struct {
  GThread  *main_thread;
  GThread  *freed_in;
  gboolean  called;
  gboolean  freed;
} Record;

static struct {
  GMutex   lock;
  GCond    cond;
  gboolean go;
} holder;

static void
data_free (gpointer data)
{
  Record *record = data;

  record->freed_in = g_thread_self ();
  g_atomic_int_set (&record->freed, TRUE);
}

static gpointer
hold_thread (gpointer task)
{
  g_mutex_lock (&holder.lock);
  while (!holder.go)
    g_cond_wait (&holder.cond, &holder.lock);
  g_mutex_unlock (&holder.lock);

  g_object_unref (task);
  return NULL;
}

static void
work_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  g_task_return_boolean (task, TRUE);
}

static void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Record *record = user_data;

  g_assert_true (g_task_propagate_boolean (G_TASK (result), NULL));
  g_assert_false (g_atomic_int_get (&record->freed));
  record->called = TRUE;
}

static gboolean
on_idle_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs @task in a thread while another thread holds it, and lets that thread drop it last. */
static void
run_and_drop_elsewhere (GTask  *task,
                        Record *record)
{
  g_autoptr(GThread) thread = NULL;
  gboolean idled = FALSE;

  memset (&holder, 0, sizeof holder);
  thread = g_thread_new ("holder", hold_thread, g_object_ref (task));
  g_task_set_task_data (task, record, data_free);
  g_task_run_in_thread (task, work_thread);
  g_object_unref (task);

  while (!record->called)
    g_main_context_iteration (NULL, TRUE);
  /* The completion has let go of the task by the next idle: only threads hold it now. */
  g_idle_add (on_idle_cb, &idled);
  while (!idled)
    g_main_context_iteration (NULL, TRUE);

  g_mutex_lock (&holder.lock);
  holder.go = TRUE;
  g_cond_signal (&holder.cond);
  g_mutex_unlock (&holder.lock);
  g_thread_join (g_steal_pointer (&thread));
  g_assert_true (record->freed);
}

static void
test_data_freed_on_main_thread (void)
{
  Record record = { g_thread_self () };

  run_and_drop_elsewhere (rtx_thread_task_new (NULL, NULL, on_done_cb, &record), &record);
  g_assert_true (record.freed_in == record.main_thread);
}

/* What the helper is for: a plain GTask frees its data wherever its last reference goes. */
static void
test_plain_task_frees_data_in_the_last_thread (void)
{
  Record record = { g_thread_self () };

  run_and_drop_elsewhere (g_task_new (NULL, NULL, on_done_cb, &record), &record);
  g_assert_true (record.freed_in != record.main_thread);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rtx/thread-task/data-freed-on-main-thread", test_data_freed_on_main_thread);
  g_test_add_func ("/rtx/thread-task/plain-task-frees-data-in-the-last-thread",
                   test_plain_task_frees_data_in_the_last_thread);

  return g_test_run ();
}
