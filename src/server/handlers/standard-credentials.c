/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-body.h"
#include "rtx-credentials-async.h"
#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-json.h"

/* The admin API of the credentials vault (DESIGN.md §5); the server lets only administrator
 * keys in (`x-rtx-admin`). No response carries a payload: a credential goes out only through
 * rtx_credential_to_json(). Every vault call blocks on SQLite and D-Bus, so each runs in a
 * worker thread while the message is paused. */

#define MAX_METADATA_BYTES 16384

static const char * const create_members[] = { "name", "type", "payload", "metadata", NULL };
static const char * const update_members[] = { "type", "payload", "metadata", NULL };

/* The vault's errors, with the keyring's spelled out: a client that cannot store a credential
 * must learn why, and that no plain-file fallback exists. */
static void
reply_vault_error (RtxRequest   *req,
                   const GError *error)
{
  if (g_error_matches (error, RTX_ERROR, RTX_ERROR_KEYRING_UNAVAILABLE)) {
    rtx_request_reply_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE,
                             _("No keyring (Secret Service) is available, so credentials cannot "
                               "be stored, changed or removed; they are never kept in plain "
                               "files. Start or unlock the desktop keyring and try again."));
    return;
  }
  if (g_error_matches (error, RTX_ERROR, RTX_ERROR_KEYRING_LOCKED)) {
    rtx_request_reply_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE,
                             _("The keyring is locked, so credentials cannot be stored, changed "
                               "or removed. Unlock it and try again."));
    return;
  }

  rtx_request_reply_gerror (req, error);
}

static gboolean
member_allowed (const char * const *allowed,
                const char         *member)
{
  return g_strv_contains (allowed, member);
}

/* The body as a JSON object with only @allowed members, or NULL after a 400. */
static JsonObject *
parse_body (RtxRequest         *req,
            const char * const *allowed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = rtx_body_parse_object (req, TRUE, &error);
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  if (body == NULL) {
    rtx_request_reply_gerror (req, error);
    return NULL;
  }

  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &member, &node)) {
    g_autofree char *message = NULL;

    if (member_allowed (allowed, member))
      continue;
    message = g_strdup_printf (_("Unknown field “%s”."), member);
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, message);
    return NULL;
  }

  return g_steal_pointer (&body);
}

/* Reads an optional member of @body that must be a string (@out_string) or an object
 * (@out_object); replies 400 and returns FALSE when it is something else. */
static gboolean
get_member (RtxRequest   *req,
            JsonObject   *body,
            const char   *member,
            gboolean      required,
            const char  **out_string,
            JsonObject  **out_object)
{
  JsonNode *node = json_object_get_member (body, member);
  g_autofree char *message = NULL;

  if (node == NULL) {
    if (!required)
      return TRUE;
    message = g_strdup_printf (_("The field “%s” is required."), member);
  } else if (out_string != NULL && JSON_NODE_HOLDS_VALUE (node) &&
             json_node_get_value_type (node) == G_TYPE_STRING) {
    *out_string = json_node_get_string (node);
    return TRUE;
  } else if (out_object != NULL && JSON_NODE_HOLDS_OBJECT (node)) {
    *out_object = json_node_get_object (node);
    return TRUE;
  } else {
    message = g_strdup_printf (out_string != NULL ? _("The field “%s” must be a string.")
                                                  : _("The field “%s” must be an object."),
                               member);
  }

  rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, message);
  return FALSE;
}

static gboolean
check_metadata (RtxRequest *req,
                JsonObject *metadata)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;

  if (metadata == NULL)
    return TRUE;

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, metadata);
  text = rtx_json_to_string (node, FALSE);
  if (strlen (text) <= MAX_METADATA_BYTES)
    return TRUE;

  message = g_strdup_printf (_("The metadata must be at most %d bytes of JSON."),
                             MAX_METADATA_BYTES);
  rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, message);
  return FALSE;
}

static void
reply_credential (RtxRequest          *req,
                  const RtxCredential *credential)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "credential");
  json_builder_add_value (builder, rtx_credential_to_json (credential));
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static RtxCredentials *
vault (RtxRequest *req)
{
  return rtx_runtime_get_credentials (rtx_request_get_runtime (req));
}

/* ---- GET /api/v1/credentials ----------------------------------------------------------- */

static void
on_listed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RtxRequest) req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  list = rtx_credentials_list_finish (RTX_CREDENTIALS (source), result, &error);
  if (list == NULL) {
    reply_vault_error (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "credentials");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    json_builder_add_value (builder, rtx_credential_to_json (g_ptr_array_index (list, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_list (RtxRequest *req)
{
  GCancellable *cancellable = rtx_request_pause (req);

  rtx_credentials_list_async (vault (req), cancellable, on_listed_cb, rtx_request_ref (req));
}

/* ---- POST /api/v1/credentials, POST /api/v1/credentials/{name} ------------------------- */

static void
on_stored_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RtxRequest) req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxCredential) credential = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == rtx_credentials_create_async)
    credential = rtx_credentials_create_finish (RTX_CREDENTIALS (source), result, &error);
  else
    credential = rtx_credentials_update_finish (RTX_CREDENTIALS (source), result, &error);

  if (credential == NULL)
    reply_vault_error (req, error);
  else
    reply_credential (req, credential);
}

static void
handle_create (RtxRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  const char *name = NULL;
  const char *type = NULL;
  JsonObject *payload = NULL;
  JsonObject *metadata = NULL;
  GCancellable *cancellable;

  if ((body = parse_body (req, create_members)) == NULL)
    return;

  if (!get_member (req, body, "name", TRUE, &name, NULL) ||
      !get_member (req, body, "type", TRUE, &type, NULL) ||
      !get_member (req, body, "payload", TRUE, NULL, &payload) ||
      !get_member (req, body, "metadata", FALSE, NULL, &metadata) ||
      !check_metadata (req, metadata))
    return;

  cancellable = rtx_request_pause (req);
  rtx_credentials_create_async (vault (req), name, type, payload, metadata,
                                rtx_request_get_actor (req), cancellable, on_stored_cb,
                                rtx_request_ref (req));
}

static void
handle_update (RtxRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  const char *type = NULL;
  JsonObject *payload = NULL;
  JsonObject *metadata = NULL;
  GCancellable *cancellable;

  if ((body = parse_body (req, update_members)) == NULL)
    return;

  if (!get_member (req, body, "type", FALSE, &type, NULL) ||
      !get_member (req, body, "payload", FALSE, NULL, &payload) ||
      !get_member (req, body, "metadata", FALSE, NULL, &metadata) ||
      !check_metadata (req, metadata))
    return;

  if (type == NULL && payload == NULL && metadata == NULL) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST,
                             _("Nothing to update: give a type, a payload or metadata."));
    return;
  }

  cancellable = rtx_request_pause (req);
  rtx_credentials_update_async (vault (req), rtx_request_get_param (req, "name"), type, payload,
                                metadata, rtx_request_get_actor (req), cancellable,
                                on_stored_cb, rtx_request_ref (req));
}

/* ---- DELETE /api/v1/credentials/{name} ------------------------------------------------- */

static void
on_deleted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RtxRequest) req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  if (!rtx_credentials_delete_finish (RTX_CREDENTIALS (source), result, &error)) {
    reply_vault_error (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_delete (RtxRequest *req)
{
  GCancellable *cancellable = rtx_request_pause (req);

  rtx_credentials_delete_async (vault (req), rtx_request_get_param (req, "name"),
                                rtx_request_get_actor (req), cancellable, on_deleted_cb,
                                rtx_request_ref (req));
}

const RtxHandlerBinding rtx_handlers_standard_credentials[] = {
  { "listCredentials", handle_list },
  { "createCredential", handle_create },
  { "updateCredential", handle_update },
  { "deleteCredential", handle_delete },
  { NULL, NULL },
};
