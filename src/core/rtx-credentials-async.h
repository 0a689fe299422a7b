/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-credential-use.h"
#include "rtx-credentials.h"

G_BEGIN_DECLS

/*
 * GTask wrappers that run the blocking vault calls (SQLite, and the keyring over D-Bus) in a
 * worker thread, for callers on the main loop that must never block: the server's handlers and
 * the GUI. RtxDb gives every thread its own connection. The worker gets its own copies of the
 * arguments, so the caller may drop its own at once.
 */

void            rtx_credentials_list_async          (RtxCredentials      *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GPtrArray      *rtx_credentials_list_finish         (RtxCredentials      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void            rtx_credentials_create_async        (RtxCredentials      *self,
                                                     const char          *name,
                                                     const char          *type,
                                                     JsonObject          *payload,
                                                     JsonObject          *metadata,
                                                     const RtxActor      *actor,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
RtxCredential  *rtx_credentials_create_finish       (RtxCredentials      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void            rtx_credentials_update_async        (RtxCredentials      *self,
                                                     const char          *name,
                                                     const char          *type,
                                                     JsonObject          *payload,
                                                     JsonObject          *metadata,
                                                     const RtxActor      *actor,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
RtxCredential  *rtx_credentials_update_finish       (RtxCredentials      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void            rtx_credentials_delete_async        (RtxCredentials      *self,
                                                     const char          *name,
                                                     const RtxActor      *actor,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean        rtx_credentials_delete_finish       (RtxCredentials      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void            rtx_credentials_read_payload_async  (RtxCredentials      *self,
                                                     const char          *name,
                                                     const RtxActor      *actor,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonObject     *rtx_credentials_read_payload_finish (RtxCredentials      *self,
                                                     GAsyncResult        *result,
                                                     RtxCredential      **out_credential,
                                                     GError             **error);
void            rtx_credentials_get_use_async       (RtxCredentials      *self,
                                                     const char          *name,
                                                     const RtxActor      *actor,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
RtxCredentialUse *rtx_credentials_get_use_finish    (RtxCredentials      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS
