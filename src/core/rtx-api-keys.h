/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-actor.h"
#include "rtx-api-key.h"
#include "rtx-db.h"
#include "rtx-key-format.h"
#include "rtx-secrets.h"

G_BEGIN_DECLS

#define RTX_TYPE_API_KEYS (rtx_api_keys_get_type ())
G_DECLARE_FINAL_TYPE (RtxApiKeys, rtx_api_keys, RTX, API_KEYS, GObject)

/* last-used is written at most this often per key, so requests never become database writes. */
#define RTX_API_KEYS_LAST_USED_INTERVAL_SEC 60

RtxApiKeys *rtx_api_keys_new              (RtxDb           *db,
                                           RtxSecrets      *secrets) G_GNUC_WARN_UNUSED_RESULT;
RtxApiKey  *rtx_api_keys_create           (RtxApiKeys      *self,
                                           const char      *name,
                                           gboolean         admin,
                                           const RtxActor  *actor,
                                           RtxSecret      **out_secret,
                                           GError         **error);
RtxApiKey  *rtx_api_keys_create_for_owner (RtxApiKeys  *self,
                                           const char      *name,
                                           gboolean         admin,
                                           gint64           owner_id,
                                           const RtxActor  *actor,
                                           RtxSecret      **out_secret,
                                           GError         **error);
RtxApiKey  *rtx_api_keys_rotate           (RtxApiKeys      *self,
                                           gint64           id,
                                           const RtxActor  *actor,
                                           RtxSecret      **out_secret,
                                           GError         **error);
gboolean    rtx_api_keys_deactivate       (RtxApiKeys      *self,
                                           gint64           id,
                                           const RtxActor  *actor,
                                           GError         **error);
RtxSecret  *rtx_api_keys_copy_secret      (RtxApiKeys      *self,
                                           gint64           id,
                                           const RtxActor  *actor,
                                           GError         **error);
RtxApiKey  *rtx_api_keys_get              (RtxApiKeys      *self,
                                           gint64           id,
                                           GError         **error);
GPtrArray  *rtx_api_keys_list             (RtxApiKeys      *self,
                                           GError         **error);
RtxApiKey  *rtx_api_keys_authenticate     (RtxApiKeys      *self,
                                           const char      *token,
                                           const char      *surface,
                                           GError         **error);
guint64     rtx_api_keys_get_lookup_count (RtxApiKeys      *self);
guint64     rtx_api_keys_get_last_used_write_count (RtxApiKeys *self);
void        rtx_api_keys_clear_stale_keyring_items (RtxApiKeys *self);

G_END_DECLS
