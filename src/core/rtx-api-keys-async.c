/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-api-keys-async.h"

typedef enum {
  OP_CREATE,
  OP_ROTATE,
  OP_DEACTIVATE,
  OP_COPY,
  OP_LIST,
} Op;

/* What the worker needs, copied: the caller's strings may be gone by the time it runs. The
 * secret is handed over as the task's result only through RtxSecret, which wipes itself. */
typedef struct {
  Op         op;
  gint64     id;
  char      *name;
  gboolean   admin;
  char      *actor_name;
  char      *actor_surface;
  RtxApiKey *key;
  RtxSecret *secret;
} OpData;

static void
op_data_free (OpData *data)
{
  g_free (data->name);
  g_free (data->actor_name);
  g_free (data->actor_surface);
  g_clear_pointer (&data->key, rtx_api_key_free);
  g_clear_pointer (&data->secret, rtx_secret_free);
  g_free (data);
}

static void
run_op (GTask        *task,
        gpointer      source_object,
        gpointer      task_data,
        GCancellable *cancellable)
{
  RtxApiKeys *self = source_object;
  OpData *data = task_data;
  RtxActor actor = { data->actor_name, data->actor_surface };
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  if (g_task_return_error_if_cancelled (task))
    return;

  switch (data->op) {
    case OP_CREATE:
      data->key = rtx_api_keys_create (self, data->name, data->admin, &actor,
                                       &data->secret, &error);
      break;
    case OP_ROTATE:
      data->key = rtx_api_keys_rotate (self, data->id, &actor, &data->secret, &error);
      break;
    case OP_DEACTIVATE:
      rtx_api_keys_deactivate (self, data->id, &actor, &error);
      break;
    case OP_COPY:
      data->secret = rtx_api_keys_copy_secret (self, data->id, &actor, &error);
      break;
    case OP_LIST:
      list = rtx_api_keys_list (self, &error);
      if (list != NULL) {
        g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
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
start_op (RtxApiKeys          *self,
          OpData              *data,
          const RtxActor      *actor,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  if (actor != NULL) {
    data->actor_name = g_strdup (actor->name);
    data->actor_surface = g_strdup (actor->surface);
  }
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) op_data_free);
  g_task_run_in_thread (task, run_op);
}

static OpData *
op_data_new (Op     op,
             gint64 id)
{
  OpData *data = g_new0 (OpData, 1);

  data->op = op;
  data->id = id;
  return data;
}

/* Moves the key and its secret out of a finished create or rotate. */
static RtxApiKey *
finish_with_secret (RtxApiKeys    *self,
                    GAsyncResult  *result,
                    RtxSecret    **out_secret,
                    GError       **error)
{
  OpData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  if (out_secret != NULL)
    *out_secret = g_steal_pointer (&data->secret);
  return g_steal_pointer (&data->key);
}

/**
 * rtx_api_keys_create_async:
 *
 * Runs rtx_api_keys_create() in a worker thread.
 */
void
rtx_api_keys_create_async (RtxApiKeys          *self,
                           const char          *name,
                           gboolean             admin,
                           const RtxActor      *actor,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  OpData *data;

  g_return_if_fail (RTX_IS_API_KEYS (self));
  g_return_if_fail (name != NULL);

  data = op_data_new (OP_CREATE, 0);
  data->name = g_strdup (name);
  data->admin = admin;
  start_op (self, data, actor, rtx_api_keys_create_async, cancellable, callback, user_data);
}

RtxApiKey *
rtx_api_keys_create_finish (RtxApiKeys    *self,
                            GAsyncResult  *result,
                            RtxSecret    **out_secret,
                            GError       **error)
{
  return finish_with_secret (self, result, out_secret, error);
}

void
rtx_api_keys_rotate_async (RtxApiKeys          *self,
                           gint64               id,
                           const RtxActor      *actor,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (RTX_IS_API_KEYS (self));

  start_op (self, op_data_new (OP_ROTATE, id), actor, rtx_api_keys_rotate_async,
            cancellable, callback, user_data);
}

RtxApiKey *
rtx_api_keys_rotate_finish (RtxApiKeys    *self,
                            GAsyncResult  *result,
                            RtxSecret    **out_secret,
                            GError       **error)
{
  return finish_with_secret (self, result, out_secret, error);
}

void
rtx_api_keys_deactivate_async (RtxApiKeys          *self,
                               gint64               id,
                               const RtxActor      *actor,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (RTX_IS_API_KEYS (self));

  start_op (self, op_data_new (OP_DEACTIVATE, id), actor, rtx_api_keys_deactivate_async,
            cancellable, callback, user_data);
}

gboolean
rtx_api_keys_deactivate_finish (RtxApiKeys    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
rtx_api_keys_copy_secret_async (RtxApiKeys          *self,
                                gint64               id,
                                const RtxActor      *actor,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (RTX_IS_API_KEYS (self));

  start_op (self, op_data_new (OP_COPY, id), actor, rtx_api_keys_copy_secret_async,
            cancellable, callback, user_data);
}

RtxSecret *
rtx_api_keys_copy_secret_finish (RtxApiKeys    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  OpData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  return g_steal_pointer (&data->secret);
}

void
rtx_api_keys_list_async (RtxApiKeys          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (RTX_IS_API_KEYS (self));

  start_op (self, op_data_new (OP_LIST, 0), NULL, rtx_api_keys_list_async,
            cancellable, callback, user_data);
}

GPtrArray *
rtx_api_keys_list_finish (RtxApiKeys    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
probe_secrets (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RtxSecrets *self = source_object;
  g_autoptr(RtxSecret) none = NULL;

  /* Key id 0 is never issued: the lookup finds nothing but tells whether the keyring answers. */
  none = rtx_secrets_lookup_api_key (self, 0, NULL);
  g_task_return_int (task, rtx_secrets_get_state (self));
}

/**
 * rtx_secrets_probe_async:
 *
 * Asks the keyring whether it answers, in a worker thread, so that a window can say up front
 * that keys will not be copyable later.
 */
void
rtx_secrets_probe_async (RtxSecrets          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (RTX_IS_SECRETS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rtx_secrets_probe_async);
  g_task_run_in_thread (task, probe_secrets);
}

RtxSecretsState
rtx_secrets_probe_finish (RtxSecrets    *self,
                          GAsyncResult  *result,
                          char         **out_reason)
{
  RtxSecretsState state;

  g_return_val_if_fail (g_task_is_valid (result, self), RTX_SECRETS_UNKNOWN);

  state = (RtxSecretsState) g_task_propagate_int (G_TASK (result), NULL);
  if (out_reason != NULL)
    *out_reason = g_strdup (rtx_secrets_get_state_reason (self));
  return state;
}
