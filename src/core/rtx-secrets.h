/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-key-format.h"

G_BEGIN_DECLS

/**
 * RtxSecretsState:
 * @RTX_SECRETS_UNKNOWN: not asked yet
 * @RTX_SECRETS_AVAILABLE: a Secret Service answered and stored or returned an item
 * @RTX_SECRETS_LOCKED: the collection is locked and nobody unlocked it
 * @RTX_SECRETS_UNAVAILABLE: no D-Bus session or no Secret Service on it
 */
typedef enum {
  RTX_SECRETS_UNKNOWN,
  RTX_SECRETS_AVAILABLE,
  RTX_SECRETS_LOCKED,
  RTX_SECRETS_UNAVAILABLE,
} RtxSecretsState;

#define RTX_TYPE_SECRETS (rtx_secrets_get_type ())
G_DECLARE_FINAL_TYPE (RtxSecrets, rtx_secrets, RTX, SECRETS, GObject)

RtxSecrets      *rtx_secrets_new              (const char   *instance_id) G_GNUC_WARN_UNUSED_RESULT;
RtxSecretsState  rtx_secrets_get_state        (RtxSecrets   *self);
const char      *rtx_secrets_get_state_reason (RtxSecrets   *self);
gboolean         rtx_secrets_store_api_key    (RtxSecrets   *self,
                                               gint64        key_id,
                                               const char   *label,
                                               const char   *secret,
                                               GError      **error);
RtxSecret       *rtx_secrets_lookup_api_key   (RtxSecrets   *self,
                                               gint64        key_id,
                                               GError      **error);
gboolean         rtx_secrets_clear_api_key    (RtxSecrets   *self,
                                               gint64        key_id,
                                               GError      **error);
gboolean         rtx_secrets_store_credential (RtxSecrets   *self,
                                               gint64        credential_id,
                                               const char   *label,
                                               const char   *payload,
                                               GError      **error);
RtxSecret       *rtx_secrets_lookup_credential (RtxSecrets  *self,
                                                gint64       credential_id,
                                                GError     **error);
gboolean         rtx_secrets_clear_credential (RtxSecrets   *self,
                                               gint64        credential_id,
                                               GError      **error);

G_END_DECLS
