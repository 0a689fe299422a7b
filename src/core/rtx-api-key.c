/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-api-key.h"

G_DEFINE_BOXED_TYPE (RtxApiKey, rtx_api_key, rtx_api_key_copy, rtx_api_key_free)

/**
 * rtx_api_key_new:
 *
 * A key record is filled in once, where it is read from the database, and never changed
 * after: so it is shared by reference, and the key check answering from its cache (every
 * request) hands out a reference instead of copying eight strings.
 *
 * Returns: (transfer full): an empty record
 */
RtxApiKey *
rtx_api_key_new (void)
{
  return g_atomic_rc_box_new0 (RtxApiKey);
}

/**
 * rtx_api_key_copy:
 *
 * Returns: (transfer full): @key itself, with one more reference (records are immutable)
 */
RtxApiKey *
rtx_api_key_copy (const RtxApiKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  return g_atomic_rc_box_acquire ((RtxApiKey *) key);
}

static void
api_key_clear (RtxApiKey *key)
{
  g_free (key->name);
  g_free (key->display);
  g_free (key->created_by);
  g_free (key->created_via);
  g_free (key->last_used_surface);
  g_free (key->deactivated_by);
  g_free (key->owner_username);
  g_free (key->owner_role);
}

void
rtx_api_key_free (RtxApiKey *key)
{
  if (key != NULL)
    g_atomic_rc_box_release_full (key, (GDestroyNotify) api_key_clear);
}

gboolean
rtx_api_key_is_active (const RtxApiKey *key)
{
  g_return_val_if_fail (key != NULL, FALSE);

  return key->deactivated_at == 0;
}

/**
 * rtx_api_key_sees_all_workspaces:
 *
 * In single-user mode every key sees every workspace; in multi-user mode a key acts with its
 * owner's role, and only admins and managers see workspaces they are not members of.
 */
gboolean
rtx_api_key_sees_all_workspaces (const RtxApiKey *key)
{
  g_return_val_if_fail (key != NULL, FALSE);

  if (!key->multi_user)
    return TRUE;

  return g_strcmp0 (key->owner_role, "admin") == 0 || g_strcmp0 (key->owner_role, "manager") == 0;
}

/**
 * rtx_format_timestamp:
 * @unix_seconds: seconds since the epoch, or 0
 *
 * Returns: (nullable): an ISO 8601 UTC time such as "2026-11-26T19:26:32Z", or %NULL for 0
 */
char *
rtx_format_timestamp (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_seconds <= 0)
    return NULL;

  dt = g_date_time_new_from_unix_utc (unix_seconds);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

/**
 * rtx_json_builder_add_time:
 *
 * Adds @member as an ISO 8601 UTC time, or null for 0: the one way times appear in JSON.
 */
void
rtx_json_builder_add_time (JsonBuilder *builder,
                           const char  *member,
                           gint64       unix_seconds)
{
  g_autofree char *text = rtx_format_timestamp (unix_seconds);

  json_builder_set_member_name (builder, member);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * rtx_api_key_to_json:
 *
 * The one JSON shape of a key, used by `keys list --json` and the admin API. It has no field
 * that could hold the secret.
 *
 * Returns: (transfer full): an object node
 */
JsonNode *
rtx_api_key_to_json (const RtxApiKey *key)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (key != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, key->id);
  add_string (builder, "name", key->name);
  add_string (builder, "display", key->display);
  json_builder_set_member_name (builder, "admin");
  json_builder_add_boolean_value (builder, key->admin);
  add_string (builder, "createdBy", key->created_by);
  add_string (builder, "createdVia", key->created_via);
  rtx_json_builder_add_time (builder, "createdAt", key->created_at);
  json_builder_set_member_name (builder, "replacesKeyId");
  if (key->replaces_key_id > 0)
    json_builder_add_int_value (builder, key->replaces_key_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "copyable");
  json_builder_add_boolean_value (builder, key->in_keyring && rtx_api_key_is_active (key));
  rtx_json_builder_add_time (builder, "lastUsedAt", key->last_used_at);
  add_string (builder, "lastUsedSurface", key->last_used_surface);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, rtx_api_key_is_active (key));
  rtx_json_builder_add_time (builder, "deactivatedAt", key->deactivated_at);
  add_string (builder, "deactivatedBy", key->deactivated_by);
  /* AnythingLLM's admin list shows the owner as {id, username, role}. */
  json_builder_set_member_name (builder, "owner");
  if (key->owner_id > 0 && key->owner_username != NULL) {
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "id");
    json_builder_add_int_value (builder, key->owner_id);
    add_string (builder, "username", key->owner_username);
    add_string (builder, "role", key->owner_role);
    json_builder_end_object (builder);
  } else {
    json_builder_add_null_value (builder);
  }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
