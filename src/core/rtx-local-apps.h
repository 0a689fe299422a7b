/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-actor.h"
#include "rtx-db.h"
#include "rtx-local-app.h"

G_BEGIN_DECLS

#define RTX_TYPE_LOCAL_APPS (rtx_local_apps_get_type ())
G_DECLARE_FINAL_TYPE (RtxLocalApps, rtx_local_apps, RTX, LOCAL_APPS, GObject)

RtxLocalApps *rtx_local_apps_new             (RtxDb               *db) G_GNUC_WARN_UNUSED_RESULT;
RtxLocalApp  *rtx_local_apps_create          (RtxLocalApps        *self,
                                              const RtxLocalApp   *spec,
                                              const RtxActor      *actor,
                                              GError             **error);
gboolean      rtx_local_apps_update          (RtxLocalApps        *self,
                                              const RtxLocalApp   *app,
                                              const RtxActor      *actor,
                                              GError             **error);
gboolean      rtx_local_apps_delete          (RtxLocalApps        *self,
                                              const char          *id,
                                              const RtxActor      *actor,
                                              GError             **error);
RtxLocalApp  *rtx_local_apps_get             (RtxLocalApps        *self,
                                              const char          *id,
                                              GError             **error);
GPtrArray    *rtx_local_apps_list            (RtxLocalApps        *self,
                                              GError             **error);
gboolean      rtx_local_apps_get_decision    (RtxLocalApps        *self,
                                              const char          *app_id,
                                              const char          *permission,
                                              RtxPermissionState  *out_state,
                                              GError             **error);
GPtrArray    *rtx_local_apps_list_decisions  (RtxLocalApps        *self,
                                              const char          *app_id,
                                              GError             **error);
gboolean      rtx_local_apps_set_decisions   (RtxLocalApps        *self,
                                              const char          *app_id,
                                              const char * const  *permissions,
                                              RtxPermissionState   state,
                                              const RtxActor      *actor,
                                              GError             **error);
gboolean      rtx_local_apps_reset_decisions (RtxLocalApps        *self,
                                              const char          *app_id,
                                              const RtxActor      *actor,
                                              GError             **error);

gboolean      rtx_local_apps_set_credential  (RtxLocalApps        *self,
                                              const char          *app_id,
                                              const char          *credential,
                                              gboolean             assigned,
                                              const RtxActor      *actor,
                                              GError             **error);
GStrv         rtx_local_apps_list_credentials (RtxLocalApps       *self,
                                               const char         *app_id,
                                               GStrv              *out_types,
                                               GError            **error);

G_END_DECLS
