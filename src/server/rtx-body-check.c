/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-body-check.h"
#include "rtx-json-scan.h"
#include "rtx-schema.h"
#include "rtx-thread-task.h"

/* A JSON request body, scanned (rtx-json-scan), parsed and checked against its operation's
 * schema: on the caller's thread, or in a worker for a body large enough to stall the main
 * context (a 16 MiB vector upsert takes seconds: bench/RESULTS.md, "Large JSON bodies off
 * the main loop").
 *
 * What the worker touches: the request's SoupMessageBody, which nothing else reads or writes
 * while its message is paused; the router's document, only ever read (its pattern cache takes
 * a lock, and GLib 2.74 compiles a pattern's JIT code in g_regex_new(), so matching writes
 * nothing shared); and the nodes it makes itself. */

typedef struct {
  RtxRouter       *router;
  JsonNode        *schema;   /* the router's */
  SoupMessageBody *body;
  char            *field;
} Check;

static RtxBodyCheckHook test_hook;
static gpointer test_hook_data;

static void
check_free (Check *check)
{
  g_clear_object (&check->router);
  g_clear_pointer (&check->body, soup_message_body_unref);
  g_free (check->field);
  g_free (check);
}

/**
 * rtx_body_check:
 * @router: the router whose document holds @schema
 * @schema: (nullable): the operation's request body schema; %NULL checks the JSON only
 * @data: a request body, not empty
 * @length: its length
 * @cancellable: (nullable): stops the work between its steps
 * @out_body: (out) (transfer full): the body
 * @out_field: (out) (optional) (transfer full): the field that failed, if one did
 * @error: return location for an error, %RTX_ERROR_INVALID_ARGUMENT with a message for the
 *   client, or %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE when @data is sound JSON that @schema accepts
 */
gboolean
rtx_body_check (RtxRouter     *router,
                JsonNode      *schema,
                const char    *data,
                gsize          length,
                GCancellable  *cancellable,
                JsonNode     **out_body,
                char         **out_field,
                GError       **error)
{
  g_autoptr(JsonNode) node = rtx_json_parse_body (data, length, error);

  if (node == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (schema != NULL && !rtx_schema_validate (router, schema, node, NULL, out_field, error))
    return FALSE;

  *out_body = g_steal_pointer (&node);
  return TRUE;
}

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Check *check = task_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  if (test_hook != NULL)
    test_hook (cancellable, test_hook_data);

  /* A client that has gone is not worth the parse. */
  if (g_task_return_error_if_cancelled (task))
    return;

  bytes = soup_message_body_flatten (check->body);
  if (rtx_body_check (check->router, check->schema, g_bytes_get_data (bytes, NULL),
                      g_bytes_get_size (bytes), cancellable, &node, &check->field, &error))
    g_task_return_pointer (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
  else
    g_task_return_error (task, error);
}

/**
 * rtx_body_check_async:
 * @router: the router whose document holds @schema
 * @schema: (nullable): the operation's request body schema
 * @body: the request body, not empty; nothing else may use it until @callback runs (the
 *   message is paused)
 * @cancellable: (nullable): cancelled when the client goes
 * @callback: called on the thread-default main context
 * @user_data: its data
 *
 * rtx_body_check() of @body in a worker thread.
 */
void
rtx_body_check_async (RtxRouter           *router,
                      JsonNode            *schema,
                      SoupMessageBody     *body,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = rtx_thread_task_new (NULL, cancellable, callback, user_data);
  Check *check = g_new0 (Check, 1);

  check->router = g_object_ref (router);
  check->schema = schema;
  check->body = soup_message_body_ref (body);
  g_task_set_source_tag (task, rtx_body_check_async);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  g_task_run_in_thread (task, check_thread);
}

/**
 * rtx_body_check_finish:
 * @result: the result
 * @out_field: (out) (optional) (transfer full): the field that failed, if one did
 * @error: return location for an error: as rtx_body_check()'s, or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the body, or %NULL with @error set
 */
JsonNode *
rtx_body_check_finish (GAsyncResult  *result,
                       char         **out_field,
                       GError       **error)
{
  Check *check;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rtx_body_check_async, NULL);

  /* The worker is done with them; the task itself may be freed last by the worker. */
  check = g_task_get_task_data (G_TASK (result));
  g_clear_object (&check->router);
  g_clear_pointer (&check->body, soup_message_body_unref);
  if (out_field != NULL)
    *out_field = g_steal_pointer (&check->field);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * rtx_body_check_set_test_hook:
 * @hook: (nullable): called in the worker before each body is checked, with the check's
 *   cancellable
 * @user_data: its data
 *
 * For tests, which hold a check in its worker to see what the server does meanwhile.
 */
void
rtx_body_check_set_test_hook (RtxBodyCheckHook hook,
                              gpointer         user_data)
{
  test_hook = hook;
  test_hook_data = user_data;
}
