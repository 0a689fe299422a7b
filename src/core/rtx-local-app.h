/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Where a local app's files live, under the data directory: local-apps/<identity>/. */
#define RTX_LOCAL_APPS_DIR "local-apps"

/**
 * RtxLocalApp:
 *
 * One registered local app. @id is a random UUID that the app presents as `x-app-id`; whoever
 * knows it acts as the app, so it is never logged. @env holds `NAME=value` pairs the person
 * assigned to the app; @port is 0 when none is set. Times are Unix seconds.
 */
typedef struct {
  char   *id;
  char   *name;
  char   *description;
  char   *type;
  char   *command;
  GStrv   args;
  char   *working_dir;
  GStrv   env;
  guint   port;
  char   *created_by;
  gint64  created_at;
  gint64  updated_at;
} RtxLocalApp;

/**
 * RtxPermissionState:
 * @RTX_PERMISSION_UNDECIDED: no stored decision: the app is asked
 * @RTX_PERMISSION_GRANTED: the person allowed it
 * @RTX_PERMISSION_DENIED: the person refused it
 */
typedef enum {
  RTX_PERMISSION_UNDECIDED,
  RTX_PERMISSION_GRANTED,
  RTX_PERMISSION_DENIED,
} RtxPermissionState;

/**
 * RtxPermissionDecision:
 *
 * A stored decision: which permission, granted or not, when and by whom.
 */
typedef struct {
  char     *permission;
  gboolean  granted;
  gint64    decided_at;
  char     *decided_by;
} RtxPermissionDecision;

#define RTX_TYPE_LOCAL_APP (rtx_local_app_get_type ())

GType        rtx_local_app_get_type       (void) G_GNUC_CONST;
RtxLocalApp *rtx_local_app_copy           (const RtxLocalApp  *app);
void         rtx_local_app_free           (RtxLocalApp        *app);
gboolean     rtx_local_app_apply_json     (RtxLocalApp        *app,
                                           JsonObject         *object,
                                           GError            **error);
JsonNode    *rtx_local_app_to_json        (const RtxLocalApp  *app) G_GNUC_WARN_UNUSED_RESULT;
void         rtx_permission_decision_free (RtxPermissionDecision *decision);
gboolean     rtx_permission_name_is_valid (const char         *permission);
const char  *rtx_permission_state_to_string   (RtxPermissionState  state);
gboolean     rtx_permission_state_from_string (const char         *text,
                                               RtxPermissionState *out_state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxLocalApp, rtx_local_app_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxPermissionDecision, rtx_permission_decision_free)

G_END_DECLS
