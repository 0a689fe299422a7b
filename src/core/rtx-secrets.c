/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "rtx-error.h"
#include "rtx-secrets.h"

/**
 * RtxSecrets:
 *
 * The keyring (a Secret Service over D-Bus, through libsecret). API keys are verified from
 * their digests in SQLite, never from here, so a missing or locked keyring costs only the
 * ability to copy a key again later.
 *
 * Items carry the runtime instance id as an attribute: key ids are per database, and several
 * data directories (or test runs) may share one keyring.
 */
struct _RtxSecrets {
  GObject          parent_instance;

  char            *instance_id;
  RtxSecretsState  state;
  char            *state_reason;
};

G_DEFINE_FINAL_TYPE (RtxSecrets, rtx_secrets, G_TYPE_OBJECT)

/* Two kinds of items, kept apart by schema: API keys (what clients present to the runtime) and
 * credentials (what the runtime presents to others). Both are found by instance and row id. */
static const SecretSchema api_key_schema = {
  APP_ID ".ApiKey", SECRET_SCHEMA_NONE,
  {
    { "instance", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "key-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static const SecretSchema credential_schema = {
  APP_ID ".Credential", SECRET_SCHEMA_NONE,
  {
    { "instance", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "credential-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static void
set_state (RtxSecrets      *self,
           RtxSecretsState  state,
           const char      *reason)
{
  self->state = state;
  g_free (self->state_reason);
  self->state_reason = g_strdup (reason);
}

/* Turns a libsecret failure into the runtime's state and error. Attributes and labels never
 * hold secrets, so libsecret's messages are safe to pass on. */
static void
note_failure (RtxSecrets  *self,
              GError      *cause,
              GError     **error)
{
  if (g_error_matches (cause, SECRET_ERROR, SECRET_ERROR_IS_LOCKED)) {
    set_state (self, RTX_SECRETS_LOCKED, _("The keyring is locked"));
    g_set_error (error, RTX_ERROR, RTX_ERROR_KEYRING_LOCKED,
                 _("The keyring is locked: %s"), cause->message);
    return;
  }

  set_state (self, RTX_SECRETS_UNAVAILABLE, cause->message);
  g_set_error (error, RTX_ERROR, RTX_ERROR_KEYRING_UNAVAILABLE,
               _("No keyring (Secret Service) is available: %s"), cause->message);
}

static void
rtx_secrets_finalize (GObject *object)
{
  RtxSecrets *self = (RtxSecrets *)object;

  g_clear_pointer (&self->instance_id, g_free);
  g_clear_pointer (&self->state_reason, g_free);

  G_OBJECT_CLASS (rtx_secrets_parent_class)->finalize (object);
}

static void
rtx_secrets_class_init (RtxSecretsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rtx_secrets_finalize;
}

static void
rtx_secrets_init (RtxSecrets *self)
{
  self->state = RTX_SECRETS_UNKNOWN;
}

RtxSecrets *
rtx_secrets_new (const char *instance_id)
{
  RtxSecrets *self;

  g_return_val_if_fail (instance_id != NULL, NULL);

  self = g_object_new (RTX_TYPE_SECRETS, NULL);
  self->instance_id = g_strdup (instance_id);

  return self;
}

RtxSecretsState
rtx_secrets_get_state (RtxSecrets *self)
{
  g_return_val_if_fail (RTX_IS_SECRETS (self), RTX_SECRETS_UNKNOWN);

  return self->state;
}

const char *
rtx_secrets_get_state_reason (RtxSecrets *self)
{
  g_return_val_if_fail (RTX_IS_SECRETS (self), NULL);

  return self->state_reason;
}

static const char *
id_attribute (const SecretSchema *schema)
{
  return schema->attributes[1].name;
}

static gboolean
store (RtxSecrets         *self,
       const SecretSchema *schema,
       gint64              id,
       const char         *label,
       const char         *secret,
       GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  if (!secret_password_store_sync (schema, SECRET_COLLECTION_DEFAULT, label, secret, NULL,
                                   &local_error, "instance", self->instance_id,
                                   id_attribute (schema), id_text, NULL)) {
    note_failure (self, local_error, error);
    return FALSE;
  }

  set_state (self, RTX_SECRETS_AVAILABLE, NULL);
  return TRUE;
}

static RtxSecret *
lookup (RtxSecrets         *self,
        const SecretSchema *schema,
        gint64              id,
        GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  char *found;
  RtxSecret *copy;

  found = secret_password_lookup_sync (schema, NULL, &local_error, "instance", self->instance_id,
                                       id_attribute (schema), id_text, NULL);
  if (local_error != NULL) {
    note_failure (self, local_error, error);
    return NULL;
  }

  set_state (self, RTX_SECRETS_AVAILABLE, NULL);
  if (found == NULL)
    return NULL;

  /* One allocator for every RtxSecret: ours, which wipes before freeing. */
  copy = g_strdup (found);
  secret_password_free (found);

  return copy;
}

static gboolean
clear (RtxSecrets         *self,
       const SecretSchema *schema,
       gint64              id,
       GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  /* FALSE without an error only means there was nothing to clear. */
  secret_password_clear_sync (schema, NULL, &local_error, "instance", self->instance_id,
                              id_attribute (schema), id_text, NULL);
  if (local_error != NULL) {
    note_failure (self, local_error, error);
    return FALSE;
  }

  set_state (self, RTX_SECRETS_AVAILABLE, NULL);
  return TRUE;
}

/**
 * rtx_secrets_store_api_key:
 *
 * Stores @secret under (instance, @key_id). Like every call here it blocks on D-Bus: call it
 * from a worker thread or from the command line, never from a main loop that serves requests.
 */
gboolean
rtx_secrets_store_api_key (RtxSecrets  *self,
                           gint64       key_id,
                           const char  *label,
                           const char  *secret,
                           GError     **error)
{
  g_return_val_if_fail (RTX_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);

  return store (self, &api_key_schema, key_id, label, secret, error);
}

/**
 * rtx_secrets_lookup_api_key:
 *
 * Returns: (transfer full) (nullable): the key, or %NULL with @error unset when the keyring
 *   has no such item
 */
RtxSecret *
rtx_secrets_lookup_api_key (RtxSecrets  *self,
                            gint64       key_id,
                            GError     **error)
{
  g_return_val_if_fail (RTX_IS_SECRETS (self), NULL);

  return lookup (self, &api_key_schema, key_id, error);
}

gboolean
rtx_secrets_clear_api_key (RtxSecrets  *self,
                           gint64       key_id,
                           GError     **error)
{
  g_return_val_if_fail (RTX_IS_SECRETS (self), FALSE);

  return clear (self, &api_key_schema, key_id, error);
}

gboolean
rtx_secrets_store_credential (RtxSecrets  *self,
                              gint64       credential_id,
                              const char  *label,
                              const char  *payload,
                              GError     **error)
{
  g_return_val_if_fail (RTX_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  return store (self, &credential_schema, credential_id, label, payload, error);
}

RtxSecret *
rtx_secrets_lookup_credential (RtxSecrets  *self,
                               gint64       credential_id,
                               GError     **error)
{
  g_return_val_if_fail (RTX_IS_SECRETS (self), NULL);

  return lookup (self, &credential_schema, credential_id, error);
}

gboolean
rtx_secrets_clear_credential (RtxSecrets  *self,
                              gint64       credential_id,
                              GError     **error)
{
  g_return_val_if_fail (RTX_IS_SECRETS (self), FALSE);

  return clear (self, &credential_schema, credential_id, error);
}
