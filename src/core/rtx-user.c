/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-api-key.h"
#include "rtx-error.h"
#include "rtx-user.h"

G_DEFINE_BOXED_TYPE (RtxUser, rtx_user, rtx_user_copy, rtx_user_free)

RtxUser *
rtx_user_copy (const RtxUser *user)
{
  RtxUser *copy;

  g_return_val_if_fail (user != NULL, NULL);

  copy = g_memdup2 (user, sizeof *user);
  copy->username = g_strdup (user->username);
  copy->role = g_strdup (user->role);
  copy->bio = g_strdup (user->bio);
  copy->created_by = g_strdup (user->created_by);

  return copy;
}

void
rtx_user_free (RtxUser *user)
{
  if (user == NULL)
    return;

  g_free (user->username);
  g_free (user->role);
  g_free (user->bio);
  g_free (user->created_by);
  g_free (user);
}

gboolean
rtx_user_is_admin (const RtxUser *user)
{
  g_return_val_if_fail (user != NULL, FALSE);

  return g_strcmp0 (user->role, RTX_ROLE_ADMIN) == 0;
}

gboolean
rtx_role_is_valid (const char *role)
{
  return g_strcmp0 (role, RTX_ROLE_ADMIN) == 0 ||
         g_strcmp0 (role, RTX_ROLE_MANAGER) == 0 ||
         g_strcmp0 (role, RTX_ROLE_DEFAULT) == 0;
}

/**
 * rtx_username_validate:
 *
 * AnythingLLM's rule, so that names move between the two: 2 to 64 characters, a lower-case
 * letter first, then lower-case letters, digits and `._@-`.
 */
gboolean
rtx_username_validate (const char  *username,
                       GError     **error)
{
  gsize len = username != NULL ? strlen (username) : 0;

  if (len < 2 || len > 64 || !g_ascii_islower (username[0]))
    goto invalid;

  for (const char *p = username; *p; p++) {
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '.' && *p != '_' &&
        *p != '@' && *p != '-')
      goto invalid;
  }

  return TRUE;

invalid:
  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                       _("A username has 2 to 64 characters: a lower-case letter first, then "
                         "lower-case letters, digits, “.”, “_”, “@” or “-”"));
  return FALSE;
}

/**
 * rtx_user_to_json:
 *
 * AnythingLLM's user row as `/v1/admin/users` shows it (`suspended` as 0/1, `pfpFilename`
 * always null: no profile pictures, so no picture path to traverse).
 *
 * Returns: (transfer full): an object node
 */
JsonNode *
rtx_user_to_json (const RtxUser *user)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (user != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, user->id);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, user->username);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, user->role);
  json_builder_set_member_name (builder, "suspended");
  json_builder_add_int_value (builder, user->suspended ? 1 : 0);
  json_builder_set_member_name (builder, "dailyMessageLimit");
  if (user->daily_message_limit > 0)
    json_builder_add_int_value (builder, user->daily_message_limit);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "bio");
  json_builder_add_string_value (builder, user->bio != NULL ? user->bio : "");
  json_builder_set_member_name (builder, "pfpFilename");
  json_builder_add_null_value (builder);
  rtx_json_builder_add_time (builder, "createdAt", user->created_at);
  rtx_json_builder_add_time (builder, "lastUpdatedAt", user->updated_at);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The short form of `/v1/users` and of a key's owner. */
JsonNode *
rtx_user_to_short_json (const RtxUser *user)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (user != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, user->id);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, user->username);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, user->role);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
