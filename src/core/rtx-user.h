/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The roles of multi-user mode (standard-api.md §4): an admin does everything; a manager sees
 * every workspace but reaches no admin route; a default user sees only its workspaces. */
#define RTX_ROLE_ADMIN   "admin"
#define RTX_ROLE_MANAGER "manager"
#define RTX_ROLE_DEFAULT "default"

/**
 * RtxUser:
 *
 * One user of multi-user mode: the owner of API keys. Times are Unix seconds (UTC). There is no
 * password: the runtime has no login, a person's credential is their API key.
 */
typedef struct {
  gint64    id;
  char     *username;
  char     *role;
  gboolean  suspended;
  gint64    daily_message_limit;  /* 0: no limit */
  char     *bio;
  gint64    created_at;
  char     *created_by;
  gint64    updated_at;
} RtxUser;

/**
 * RtxUserChanges:
 * @username: (nullable): a new username, or %NULL to keep it
 * @role: (nullable): a new role, or %NULL to keep it
 * @set_suspended: whether @suspended applies
 * @set_daily_message_limit: whether @daily_message_limit applies (0 clears the limit)
 * @bio: (nullable): a new bio, or %NULL to keep it
 *
 * What an update changes; everything else stays.
 */
typedef struct {
  const char *username;
  const char *role;
  gboolean    set_suspended;
  gboolean    suspended;
  gboolean    set_daily_message_limit;
  gint64      daily_message_limit;
  const char *bio;
} RtxUserChanges;

#define RTX_TYPE_USER (rtx_user_get_type ())

GType     rtx_user_get_type       (void) G_GNUC_CONST;
RtxUser  *rtx_user_copy           (const RtxUser *user);
void      rtx_user_free           (RtxUser       *user);
gboolean  rtx_user_is_admin       (const RtxUser *user);
JsonNode *rtx_user_to_json        (const RtxUser *user) G_GNUC_WARN_UNUSED_RESULT;
JsonNode *rtx_user_to_short_json  (const RtxUser *user) G_GNUC_WARN_UNUSED_RESULT;
gboolean  rtx_role_is_valid       (const char    *role);
gboolean  rtx_username_validate   (const char    *username,
                                   GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxUser, rtx_user_free)

G_END_DECLS
