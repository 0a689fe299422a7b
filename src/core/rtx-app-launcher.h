/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-credentials.h"
#include "rtx-local-apps.h"

G_BEGIN_DECLS

/* How much of an app's latest output is kept, in bytes. */
#define RTX_APP_LAUNCHER_LOG_BYTES (64 * 1024)

/* How long Stop waits after SIGTERM before SIGKILL. */
#define RTX_APP_LAUNCHER_STOP_GRACE_MS 5000

/**
 * RtxAppState:
 * @RTX_APP_STOPPED: not running (never started, stopped, or exited with status 0)
 * @RTX_APP_RUNNING: running
 * @RTX_APP_FAILED: could not start, or exited with an error or a signal it was not sent
 */
typedef enum {
  RTX_APP_STOPPED,
  RTX_APP_RUNNING,
  RTX_APP_FAILED,
} RtxAppState;

#define RTX_TYPE_APP_LAUNCHER (rtx_app_launcher_get_type ())
G_DECLARE_FINAL_TYPE (RtxAppLauncher, rtx_app_launcher, RTX, APP_LAUNCHER, GObject)

RtxAppLauncher *rtx_app_launcher_new            (RtxLocalApps    *apps,
                                                 RtxCredentials  *credentials) G_GNUC_WARN_UNUSED_RESULT;
void            rtx_app_launcher_set_server_url (RtxAppLauncher  *self,
                                                 const char      *url);
void            rtx_app_launcher_start_async    (RtxAppLauncher  *self,
                                                 const char      *app_id,
                                                 const RtxActor  *actor,
                                                 GCancellable    *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer         user_data);
gboolean        rtx_app_launcher_start_finish   (RtxAppLauncher  *self,
                                                 GAsyncResult    *result,
                                                 GError         **error);
gboolean        rtx_app_launcher_stop           (RtxAppLauncher  *self,
                                                 const char      *app_id,
                                                 GError         **error);
void            rtx_app_launcher_stop_all       (RtxAppLauncher  *self);
RtxAppState     rtx_app_launcher_get_state      (RtxAppLauncher  *self,
                                                 const char      *app_id,
                                                 char           **out_reason,
                                                 GPid            *out_pid);
char           *rtx_app_launcher_get_output     (RtxAppLauncher  *self,
                                                 const char      *app_id) G_GNUC_WARN_UNUSED_RESULT;
const char     *rtx_app_state_to_string         (RtxAppState      state);

G_END_DECLS
