/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-api-keys.h"

G_BEGIN_DECLS

/*
 * GTask wrappers that run the blocking key operations (SQLite, and the keyring over D-Bus) in a
 * worker thread, for callers on a main loop that must never block: the GUI. RtxDb gives every
 * thread its own connection, so the worker is as safe as the command line.
 */

void        rtx_api_keys_create_async        (RtxApiKeys           *self,
                                              const char           *name,
                                              gboolean              admin,
                                              const RtxActor       *actor,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
RtxApiKey  *rtx_api_keys_create_finish       (RtxApiKeys           *self,
                                              GAsyncResult         *result,
                                              RtxSecret           **out_secret,
                                              GError              **error);
void        rtx_api_keys_rotate_async        (RtxApiKeys           *self,
                                              gint64                id,
                                              const RtxActor       *actor,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
RtxApiKey  *rtx_api_keys_rotate_finish       (RtxApiKeys           *self,
                                              GAsyncResult         *result,
                                              RtxSecret           **out_secret,
                                              GError              **error);
void        rtx_api_keys_deactivate_async    (RtxApiKeys           *self,
                                              gint64                id,
                                              const RtxActor       *actor,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean    rtx_api_keys_deactivate_finish   (RtxApiKeys           *self,
                                              GAsyncResult         *result,
                                              GError              **error);
void        rtx_api_keys_copy_secret_async   (RtxApiKeys           *self,
                                              gint64                id,
                                              const RtxActor       *actor,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
RtxSecret  *rtx_api_keys_copy_secret_finish  (RtxApiKeys           *self,
                                              GAsyncResult         *result,
                                              GError              **error);
void        rtx_api_keys_list_async          (RtxApiKeys           *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GPtrArray  *rtx_api_keys_list_finish         (RtxApiKeys           *self,
                                              GAsyncResult         *result,
                                              GError              **error);

void            rtx_secrets_probe_async      (RtxSecrets           *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
RtxSecretsState rtx_secrets_probe_finish     (RtxSecrets           *self,
                                              GAsyncResult         *result,
                                              char                **out_reason);

G_END_DECLS
