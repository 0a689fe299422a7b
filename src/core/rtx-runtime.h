/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-activities.h"
#include "rtx-agents.h"
#include "rtx-api-keys.h"
#include "rtx-chats.h"
#include "rtx-credentials.h"
#include "rtx-context.h"
#include "rtx-app-launcher.h"
#include "rtx-db.h"
#include "rtx-local-apps.h"
#include "rtx-permission-broker.h"
#include "rtx-documents.h"
#include "rtx-secrets.h"
#include "rtx-settings.h"
#include "rtx-tasks.h"
#include "rtx-threads.h"
#include "rtx-vector-store.h"
#include "rtx-workspaces.h"
#include "rtx-embeds.h"
#include "rtx-memberships.h"
#include "rtx-users.h"

G_BEGIN_DECLS

#define RTX_TYPE_RUNTIME (rtx_runtime_get_type ())
G_DECLARE_FINAL_TYPE (RtxRuntime, rtx_runtime, RTX, RUNTIME, GObject)

RtxRuntime *rtx_runtime_new              (const char  *data_dir,
                                          GError     **error) G_GNUC_WARN_UNUSED_RESULT;
const char *rtx_runtime_get_data_dir     (RtxRuntime  *self);
RtxDb      *rtx_runtime_get_db           (RtxRuntime  *self);
RtxSecrets *rtx_runtime_get_secrets      (RtxRuntime  *self);
RtxApiKeys *rtx_runtime_get_api_keys     (RtxRuntime  *self);
RtxCredentials *rtx_runtime_get_credentials (RtxRuntime *self);
RtxWorkspaces *rtx_runtime_get_workspaces (RtxRuntime  *self);
RtxSettings   *rtx_runtime_get_settings   (RtxRuntime  *self);
RtxThreads    *rtx_runtime_get_threads    (RtxRuntime  *self);
RtxChats      *rtx_runtime_get_chats      (RtxRuntime  *self);
RtxContextProvider *rtx_runtime_get_context_provider (RtxRuntime         *self);
void                rtx_runtime_set_context_provider (RtxRuntime         *self,
                                                      RtxContextProvider *provider);
RtxUsers   *rtx_runtime_get_users        (RtxRuntime  *self);
RtxMemberships *rtx_runtime_get_memberships (RtxRuntime *self);
RtxEmbeds  *rtx_runtime_get_embeds       (RtxRuntime  *self);
RtxLocalApps        *rtx_runtime_get_local_apps        (RtxRuntime *self);
RtxPermissionBroker *rtx_runtime_get_permission_broker (RtxRuntime *self);
RtxAppLauncher      *rtx_runtime_get_app_launcher      (RtxRuntime *self);
RtxDocuments *rtx_runtime_get_documents  (RtxRuntime  *self);
gpointer    rtx_runtime_get_extension    (RtxRuntime  *self,
                                          const char  *name);
void        rtx_runtime_set_extension    (RtxRuntime  *self,
                                          const char  *name,
                                          GObject     *extension);
RtxAgents           *rtx_runtime_get_agents            (RtxRuntime *self);
RtxActivities       *rtx_runtime_get_activities        (RtxRuntime *self);
RtxTasks            *rtx_runtime_get_tasks             (RtxRuntime *self);
RtxVectorStore      *rtx_runtime_get_vector_store      (RtxRuntime *self);

char       *rtx_runtime_default_data_dir (void) G_GNUC_WARN_UNUSED_RESULT;
const char *rtx_runtime_operator_name    (void);

G_END_DECLS
