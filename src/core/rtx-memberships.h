/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-actor.h"
#include "rtx-api-key.h"
#include "rtx-db.h"

G_BEGIN_DECLS

#define RTX_TYPE_MEMBERSHIPS (rtx_memberships_get_type ())
G_DECLARE_FINAL_TYPE (RtxMemberships, rtx_memberships, RTX, MEMBERSHIPS, GObject)

RtxMemberships *rtx_memberships_new           (RtxDb           *db) G_GNUC_WARN_UNUSED_RESULT;
gboolean        rtx_memberships_key_sees      (RtxMemberships  *self,
                                               const RtxApiKey *key,
                                               gint64           workspace_id,
                                               GError         **error);
GArray         *rtx_memberships_workspace_ids (RtxMemberships  *self,
                                               gint64           user_id,
                                               GError         **error);
GPtrArray      *rtx_memberships_list_members  (RtxMemberships  *self,
                                               gint64           workspace_id,
                                               GError         **error);
gboolean        rtx_memberships_set_members   (RtxMemberships  *self,
                                               gint64           workspace_id,
                                               GArray          *user_ids,
                                               gboolean         reset,
                                               const RtxActor  *actor,
                                               GError         **error);
gboolean        rtx_memberships_set_member    (RtxMemberships  *self,
                                               gint64           workspace_id,
                                               gint64           user_id,
                                               gboolean         member,
                                               const RtxActor  *actor,
                                               GError         **error);

G_END_DECLS
