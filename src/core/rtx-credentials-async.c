/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-credential-use.h"
#include "rtx-credentials-async.h"
#include "rtx-json.h"
#include "rtx-thread-task.h"

typedef enum {
  OP_LIST,
  OP_CREATE,
  OP_UPDATE,
  OP_DELETE,
  OP_READ_PAYLOAD,
  OP_GET_USE,
} Op;

/* What the worker needs, copied: the caller's strings and objects may be gone, or touched on
 * the main thread, while it runs. */
typedef struct {
  Op             op;
  char          *name;
  char          *type;
  JsonObject    *payload;
  JsonObject    *metadata;
  char          *actor_name;
  char          *actor_surface;
  RtxCredential *credential;
} OpData;

static void
op_data_free (OpData *data)
{
  g_free (data->name);
  g_free (data->type);
  g_clear_pointer (&data->payload, json_object_unref);
  g_clear_pointer (&data->metadata, json_object_unref);
  g_free (data->actor_name);
  g_free (data->actor_surface);
  g_clear_pointer (&data->credential, rtx_credential_free);
  g_free (data);
}

/* The caller's object is typically a request's body, on the main context: json_node_copy()
 * would share it with the worker (and json-glib's object reference counts are not atomic). */
static JsonObject *
copy_object (JsonObject *object)
{
  return object != NULL ? rtx_json_object_deep_copy (object) : NULL;
}

static void
run_op (GTask        *task,
        gpointer      source_object,
        gpointer      task_data,
        GCancellable *cancellable)
{
  RtxCredentials *self = source_object;
  OpData *data = task_data;
  RtxActor actor = { data->actor_name, data->actor_surface };
  g_autoptr(GError) error = NULL;
  GPtrArray *list;
  JsonObject *payload;
  RtxCredentialUse *use;

  if (g_task_return_error_if_cancelled (task))
    return;

  switch (data->op) {
    case OP_LIST:
      list = rtx_credentials_list (self, &error);
      if (list != NULL) {
        g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
        return;
      }
      break;
    case OP_CREATE:
      data->credential = rtx_credentials_create (self, data->name, data->type, data->payload,
                                                 data->metadata, &actor, &error);
      break;
    case OP_UPDATE:
      data->credential = rtx_credentials_update (self, data->name, data->type, data->payload,
                                                 data->metadata, &actor, &error);
      break;
    case OP_DELETE:
      rtx_credentials_delete (self, data->name, &actor, &error);
      break;
    case OP_READ_PAYLOAD:
      data->credential = rtx_credentials_get (self, data->name, &error);
      if (data->credential == NULL)
        break;
      payload = rtx_credentials_read_payload (self, data->name, &actor, &error);
      if (payload != NULL) {
        g_task_return_pointer (task, payload, (GDestroyNotify) json_object_unref);
        return;
      }
      break;
    case OP_GET_USE:
      use = rtx_credentials_get_use (self, data->name, &actor, &error);
      if (use != NULL) {
        g_task_return_pointer (task, use, (GDestroyNotify) rtx_credential_use_free);
        return;
      }
      break;
    default:
      g_assert_not_reached ();
  }

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
start_op (RtxCredentials      *self,
          OpData              *data,
          const RtxActor      *actor,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = rtx_thread_task_new (self, cancellable, callback, user_data);

  if (actor != NULL) {
    data->actor_name = g_strdup (actor->name);
    data->actor_surface = g_strdup (actor->surface);
  }
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) op_data_free);
  g_task_run_in_thread (task, run_op);
}

static OpData *
op_data_new (Op          op,
             const char *name)
{
  OpData *data = g_new0 (OpData, 1);

  data->op = op;
  data->name = g_strdup (name);
  return data;
}

static RtxCredential *
finish_with_credential (RtxCredentials  *self,
                        GAsyncResult    *result,
                        GError         **error)
{
  OpData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  return g_steal_pointer (&data->credential);
}

/**
 * rtx_credentials_list_async:
 *
 * Runs rtx_credentials_list() in a worker thread.
 */
void
rtx_credentials_list_async (RtxCredentials      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (RTX_IS_CREDENTIALS (self));

  start_op (self, op_data_new (OP_LIST, NULL), NULL, rtx_credentials_list_async, cancellable,
            callback, user_data);
}

/**
 * rtx_credentials_list_finish:
 *
 * Returns: (transfer full) (element-type RtxCredential): every credential, by name
 */
GPtrArray *
rtx_credentials_list_finish (RtxCredentials  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * rtx_credentials_create_async:
 *
 * Runs rtx_credentials_create() in a worker thread.
 */
void
rtx_credentials_create_async (RtxCredentials      *self,
                              const char          *name,
                              const char          *type,
                              JsonObject          *payload,
                              JsonObject          *metadata,
                              const RtxActor      *actor,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  OpData *data;

  g_return_if_fail (RTX_IS_CREDENTIALS (self));
  g_return_if_fail (actor != NULL);

  data = op_data_new (OP_CREATE, name);
  data->type = g_strdup (type);
  data->payload = copy_object (payload);
  data->metadata = copy_object (metadata);
  start_op (self, data, actor, rtx_credentials_create_async, cancellable, callback, user_data);
}

RtxCredential *
rtx_credentials_create_finish (RtxCredentials  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  return finish_with_credential (self, result, error);
}

/**
 * rtx_credentials_update_async:
 * @type: (nullable): a new type, or %NULL to keep it
 * @payload: (nullable): fields to change
 * @metadata: (nullable): new metadata, or %NULL to keep it
 *
 * Runs rtx_credentials_update() in a worker thread.
 */
void
rtx_credentials_update_async (RtxCredentials      *self,
                              const char          *name,
                              const char          *type,
                              JsonObject          *payload,
                              JsonObject          *metadata,
                              const RtxActor      *actor,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  OpData *data;

  g_return_if_fail (RTX_IS_CREDENTIALS (self));
  g_return_if_fail (actor != NULL);

  data = op_data_new (OP_UPDATE, name);
  data->type = g_strdup (type);
  data->payload = copy_object (payload);
  data->metadata = copy_object (metadata);
  start_op (self, data, actor, rtx_credentials_update_async, cancellable, callback, user_data);
}

RtxCredential *
rtx_credentials_update_finish (RtxCredentials  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  return finish_with_credential (self, result, error);
}

/**
 * rtx_credentials_delete_async:
 *
 * Runs rtx_credentials_delete() in a worker thread.
 */
void
rtx_credentials_delete_async (RtxCredentials      *self,
                              const char          *name,
                              const RtxActor      *actor,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (RTX_IS_CREDENTIALS (self));
  g_return_if_fail (actor != NULL);

  start_op (self, op_data_new (OP_DELETE, name), actor, rtx_credentials_delete_async,
            cancellable, callback, user_data);
}

gboolean
rtx_credentials_delete_finish (RtxCredentials  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * rtx_credentials_read_payload_async:
 *
 * Runs rtx_credentials_read_payload() in a worker thread (audited as it is).
 */
void
rtx_credentials_read_payload_async (RtxCredentials      *self,
                                    const char          *name,
                                    const RtxActor      *actor,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (RTX_IS_CREDENTIALS (self));
  g_return_if_fail (actor != NULL);

  start_op (self, op_data_new (OP_READ_PAYLOAD, name), actor,
            rtx_credentials_read_payload_async, cancellable, callback, user_data);
}

/**
 * rtx_credentials_read_payload_finish:
 * @out_credential: (out) (optional) (transfer full): the credential whose payload this is
 *
 * Returns: (transfer full): the payload
 */
JsonObject *
rtx_credentials_read_payload_finish (RtxCredentials  *self,
                                     GAsyncResult    *result,
                                     RtxCredential  **out_credential,
                                     GError         **error)
{
  OpData *data;
  JsonObject *payload;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  payload = g_task_propagate_pointer (G_TASK (result), error);
  if (payload != NULL && out_credential != NULL) {
    data = g_task_get_task_data (G_TASK (result));
    *out_credential = g_steal_pointer (&data->credential);
  }
  return payload;
}

/**
 * rtx_credentials_get_use_async:
 *
 * Runs rtx_credentials_get_use() in a worker thread (an audited read).
 */
void
rtx_credentials_get_use_async (RtxCredentials      *self,
                               const char          *name,
                               const RtxActor      *actor,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (RTX_IS_CREDENTIALS (self));
  g_return_if_fail (actor != NULL);

  start_op (self, op_data_new (OP_GET_USE, name), actor, rtx_credentials_get_use_async,
            cancellable, callback, user_data);
}

/**
 * rtx_credentials_get_use_finish:
 *
 * Returns: (transfer full): how to apply the credential
 */
RtxCredentialUse *
rtx_credentials_get_use_finish (RtxCredentials  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
