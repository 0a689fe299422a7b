/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * RtxApiKey:
 *
 * One API key as the database knows it: everything but the secret. Times are Unix seconds
 * (UTC); 0 means "never" / "not set". Reference-counted and immutable once filled in:
 * rtx_api_key_copy() adds a reference, rtx_api_key_free() drops one.
 */
typedef struct {
  gint64   id;
  char    *name;
  char    *display;            /* "rtx_…a1b2" */
  gboolean admin;
  char    *created_by;         /* a user id, or the operator's OS account name */
  char    *created_via;        /* surface: "cli", "gui", "standard", … */
  gint64   created_at;
  gint64   replaces_key_id;    /* the key this one rotated, or 0 */
  gboolean in_keyring;         /* the plaintext can be copied again */
  gint64   last_used_at;
  char    *last_used_surface;
  gint64   deactivated_at;
  char    *deactivated_by;
  /* Multi-user mode: the owner, read with the key in the same statement (never cached). */
  gint64   owner_id;           /* 0: no owner (single-user mode, or the owner was deleted) */
  char    *owner_username;
  char    *owner_role;         /* "admin", "manager", "default" */
  gboolean owner_suspended;
  gboolean multi_user;         /* the mode when the key was read */
} RtxApiKey;

#define RTX_TYPE_API_KEY (rtx_api_key_get_type ())

GType      rtx_api_key_get_type     (void) G_GNUC_CONST;
RtxApiKey *rtx_api_key_new          (void) G_GNUC_WARN_UNUSED_RESULT;
RtxApiKey *rtx_api_key_copy         (const RtxApiKey *key);
void       rtx_api_key_free         (RtxApiKey       *key);
gboolean   rtx_api_key_is_active    (const RtxApiKey *key);
JsonNode  *rtx_api_key_to_json      (const RtxApiKey *key) G_GNUC_WARN_UNUSED_RESULT;
gboolean   rtx_api_key_sees_all_workspaces (const RtxApiKey *key);
char      *rtx_format_timestamp     (gint64           unix_seconds) G_GNUC_WARN_UNUSED_RESULT;
void       rtx_json_builder_add_time (JsonBuilder    *builder,
                                      const char     *member,
                                      gint64          unix_seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxApiKey, rtx_api_key_free)

G_END_DECLS
