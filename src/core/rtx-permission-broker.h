/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-actor.h"
#include "rtx-local-apps.h"

G_BEGIN_DECLS

/* How long a prompt waits for the person. The Python SDK gives up after 60 s. */
#define RTX_PERMISSION_BROKER_TIMEOUT_MS 55000

/* At most this many prompts wait for one app at a time; more are refused, not queued. */
#define RTX_PERMISSION_BROKER_MAX_PENDING_PER_APP 4

/**
 * RtxPermissionRequest:
 * @id: a random id, to answer the request by
 * @app_id: the app that asks (a secret: shown to no one but the admin API)
 * @app_name: the app's registered name (never the name the app claims)
 * @permissions: what it asks for; one for a runtime prompt, several for a bulk one
 * @created_at: Unix seconds
 *
 * One prompt waiting for the person, as Settings and the admin API show it.
 */
typedef struct {
  char   *id;
  char   *app_id;
  char   *app_name;
  GStrv   permissions;
  gint64  created_at;
} RtxPermissionRequest;

/**
 * RtxPermissionAnswer:
 * @granted: permissions the app holds
 * @denied: permissions the person refused
 * @unanswered: permissions nobody decided in time (nothing is stored for them)
 * @prompted: whether the question waited on a prompt (else stored decisions answered it)
 *
 * What an app's question came to.
 */
typedef struct {
  GPtrArray *granted;
  GPtrArray *denied;
  GPtrArray *unanswered;
  gboolean   prompted;
} RtxPermissionAnswer;

#define RTX_TYPE_PERMISSION_REQUEST (rtx_permission_request_get_type ())

GType                 rtx_permission_request_get_type (void) G_GNUC_CONST;
RtxPermissionRequest *rtx_permission_request_copy     (const RtxPermissionRequest *request);
void                  rtx_permission_request_free     (RtxPermissionRequest       *request);
void                  rtx_permission_answer_free      (RtxPermissionAnswer        *answer);
gboolean              rtx_permission_answer_has       (GPtrArray                  *list,
                                                       const char                 *permission);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxPermissionRequest, rtx_permission_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxPermissionAnswer, rtx_permission_answer_free)

#define RTX_TYPE_PERMISSION_BROKER (rtx_permission_broker_get_type ())
G_DECLARE_FINAL_TYPE (RtxPermissionBroker, rtx_permission_broker, RTX, PERMISSION_BROKER, GObject)

RtxPermissionBroker *rtx_permission_broker_new          (RtxLocalApps         *apps) G_GNUC_WARN_UNUSED_RESULT;
void                 rtx_permission_broker_set_timeout  (RtxPermissionBroker  *self,
                                                         guint                 timeout_ms);
void                 rtx_permission_broker_ask_async    (RtxPermissionBroker  *self,
                                                         const char           *app_id,
                                                         const char * const   *permissions,
                                                         gboolean              one_prompt,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
RtxPermissionAnswer *rtx_permission_broker_ask_finish   (RtxPermissionBroker  *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
GPtrArray           *rtx_permission_broker_list_pending (RtxPermissionBroker  *self);
RtxPermissionRequest *rtx_permission_broker_get_pending (RtxPermissionBroker  *self,
                                                         const char           *request_id);
gboolean             rtx_permission_broker_answer       (RtxPermissionBroker  *self,
                                                         const char           *request_id,
                                                         gboolean              granted,
                                                         const RtxActor       *actor,
                                                         GError              **error);

G_END_DECLS
