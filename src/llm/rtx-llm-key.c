/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-credentials-async.h"
#include "rtx-error.h"
#include "rtx-llm-key.h"

/* The key's reads are audited under this actor. */
static const RtxActor model_provider_actor = { "model-provider", "runtime" };

struct _RtxLlmKey {
  RtxCredentials   *credentials;
  char             *credential_name;
  GMutex            lock;
  gboolean          loaded;
  RtxCredentialUse *use;     /* NULL: no key (a server that needs none); wiped when freed */
};

static void
key_clear (RtxLlmKey *self)
{
  g_clear_object (&self->credentials);
  g_free (self->credential_name);
  g_clear_pointer (&self->use, rtx_credential_use_free);
  g_mutex_clear (&self->lock);
}

static RtxCredentialUse *
bearer_use (const char *token)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  json_object_set_string_member (payload, "token", token);
  return rtx_credential_use_new ("bearer", payload, NULL);
}

/**
 * rtx_llm_key_new:
 * @credentials: (nullable): the vault
 * @credential_name: the credential, named after the provider ("generic-openai")
 * @fixed: (nullable): a key from the environment, used instead of the credential
 */
RtxLlmKey *
rtx_llm_key_new (RtxCredentials *credentials,
                 const char     *credential_name,
                 const char     *fixed)
{
  RtxLlmKey *self = g_atomic_rc_box_new0 (RtxLlmKey);

  g_mutex_init (&self->lock);
  self->credentials = credentials != NULL ? g_object_ref (credentials) : NULL;
  self->credential_name = g_strdup (credential_name);
  if (fixed != NULL && *fixed != '\0') {
    /* NULL if the variable holds something no header can carry: then no key is sent. */
    self->use = bearer_use (fixed);
    self->loaded = TRUE;
  }
  return self;
}

RtxLlmKey *
rtx_llm_key_ref (RtxLlmKey *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
rtx_llm_key_unref (RtxLlmKey *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) key_clear);
}

/* Drops the cached key, after the credential changed. */
void
rtx_llm_key_forget (RtxLlmKey *self)
{
  g_mutex_lock (&self->lock);
  if (self->credentials != NULL) {
    g_clear_pointer (&self->use, rtx_credential_use_free);
    self->loaded = FALSE;
  }
  g_mutex_unlock (&self->lock);
}

static void
on_payload_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RtxLlmKey *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(RtxCredential) credential = NULL;
  g_autoptr(RtxCredentialUse) use = NULL;

  payload = rtx_credentials_read_payload_finish (RTX_CREDENTIALS (source), result, &credential,
                                                 &error);
  if (payload == NULL && !g_error_matches (error, RTX_ERROR, RTX_ERROR_NOT_FOUND)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  if (payload != NULL) {
    use = rtx_credential_use_new (credential->type, payload, &error);
    if (use != NULL && rtx_credential_use_get_target (use) == RTX_CREDENTIAL_TARGET_ENVIRONMENT) {
      g_clear_pointer (&use, rtx_credential_use_free);
      g_set_error (&error, RTX_ERROR, RTX_ERROR_UPSTREAM,
                   _("The credential “%s” is an environment variable; a model provider's key "
                     "must be a bearer token, a header or a query parameter"),
                   credential->name);
    }
    if (use == NULL) {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  }

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->use, rtx_credential_use_free);
  self->use = use != NULL ? rtx_credential_use_copy (use) : NULL;
  self->loaded = TRUE;
  g_mutex_unlock (&self->lock);

  g_task_return_pointer (task, g_steal_pointer (&use), (GDestroyNotify) rtx_credential_use_free);
}

/* The key, from memory or, the first time, from the keyring in a worker thread. The result
 * is %NULL without an error when no key is configured. */
void
rtx_llm_key_get_async (RtxLlmKey           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(RtxCredential) credential = NULL;

  g_task_set_task_data (task, rtx_llm_key_ref (self), (GDestroyNotify) rtx_llm_key_unref);

  g_mutex_lock (&self->lock);
  if (self->loaded) {
    RtxCredentialUse *copy = self->use != NULL ? rtx_credential_use_copy (self->use) : NULL;

    g_mutex_unlock (&self->lock);
    g_task_return_pointer (task, copy, (GDestroyNotify) rtx_credential_use_free);
    return;
  }
  g_mutex_unlock (&self->lock);

  /* The vault's list of names is in SQLite: no keyring round trip when there is no key. */
  if (self->credentials != NULL)
    credential = rtx_credentials_get (self->credentials, self->credential_name, NULL);
  if (credential == NULL) {
    g_task_return_pointer (task, NULL, NULL);
    return;
  }

  rtx_credentials_read_payload_async (self->credentials, self->credential_name,
                                      &model_provider_actor, cancellable, on_payload_cb,
                                      g_steal_pointer (&task));
}

/**
 * rtx_llm_key_get_finish:
 *
 * Returns: (transfer full) (nullable): how to apply the key to a request, or %NULL when no
 *   key is configured
 */
RtxCredentialUse *
rtx_llm_key_get_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
