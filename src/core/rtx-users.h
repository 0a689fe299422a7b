/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-actor.h"
#include "rtx-db.h"
#include "rtx-user.h"

G_BEGIN_DECLS

#define RTX_TYPE_USERS (rtx_users_get_type ())
G_DECLARE_FINAL_TYPE (RtxUsers, rtx_users, RTX, USERS, GObject)

RtxUsers  *rtx_users_new                (RtxDb                 *db) G_GNUC_WARN_UNUSED_RESULT;
gboolean   rtx_users_is_multi_user      (RtxUsers              *self,
                                         GError               **error);
RtxUser   *rtx_users_enable_multi_user  (RtxUsers              *self,
                                         const char            *username,
                                         const RtxActor        *actor,
                                         GError               **error);
RtxUser   *rtx_users_get_operator       (RtxUsers              *self,
                                         GError               **error);
RtxUser   *rtx_users_create             (RtxUsers              *self,
                                         const char            *username,
                                         const char            *role,
                                         gint64                 daily_message_limit,
                                         const char            *bio,
                                         const RtxActor        *actor,
                                         GError               **error);
RtxUser   *rtx_users_get                (RtxUsers              *self,
                                         gint64                 id,
                                         GError               **error);
RtxUser   *rtx_users_find               (RtxUsers              *self,
                                         const char            *username,
                                         GError               **error);
GPtrArray *rtx_users_list               (RtxUsers              *self,
                                         GError               **error);
RtxUser   *rtx_users_update             (RtxUsers              *self,
                                         gint64                 id,
                                         const RtxUserChanges  *changes,
                                         const RtxActor        *actor,
                                         GError               **error);
gboolean   rtx_users_delete             (RtxUsers              *self,
                                         gint64                 id,
                                         const RtxActor        *actor,
                                         GError               **error);

G_END_DECLS
