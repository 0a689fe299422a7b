/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-body.h"
#include "rtx-credentials-async.h"
#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-embedder-builtin.h"
#include "rtx-llm.h"
#include "rtx-reply.h"

/* System settings of the model providers (standard-api.md §2.3), under AnythingLLM's names:
 * GET /api/v1/system reports them, secrets as booleans; POST /api/v1/system/update-env
 * (administrators) changes them. The provider's API key goes to the keyring as the credential
 * named after the provider, never to SQLite. */

#define KEY_SETTING "GenericOpenAiKey"

typedef enum {
  VALUE_TEXT,
  VALUE_URL,
  VALUE_LLM_PROVIDER,
  VALUE_EMBEDDING_ENGINE,
} ValueKind;

static const struct {
  const char *setting;
  const char *env;        /* the environment variable that overrides it, for GET */
  ValueKind   kind;
} settings_table[] = {
  { "LLMProvider", "RTX_LLM_PROVIDER", VALUE_LLM_PROVIDER },
  { "GenericOpenAiBasePath", "RTX_LLM_BASE_URL", VALUE_URL },
  { "GenericOpenAiModelPref", "RTX_LLM_MODEL", VALUE_TEXT },
  { "EmbeddingEngine", "RTX_EMBEDDING_PROVIDER", VALUE_EMBEDDING_ENGINE },
  { "EmbeddingBasePath", "RTX_EMBEDDING_BASE_URL", VALUE_URL },
  { "EmbeddingModelPref", "RTX_EMBEDDING_MODEL", VALUE_TEXT },
};

static const char *
default_value (const char *setting)
{
  if (g_str_equal (setting, "LLMProvider"))
    return "builtin";
  if (g_str_equal (setting, "EmbeddingEngine"))
    return "native";
  return NULL;
}

static gboolean
key_is_set (RtxRuntime *runtime)
{
  g_autoptr(RtxCredential) credential = NULL;
  const char *env = g_getenv ("RTX_LLM_API_KEY");

  if (env != NULL && *env != '\0')
    return TRUE;
  credential = rtx_credentials_get (rtx_runtime_get_credentials (runtime),
                                    RTX_LLM_CREDENTIAL_NAME, NULL);
  return credential != NULL;
}

static void
handle_get_system (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  RtxLlm *llm = rtx_llm_get (runtime);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "settings");
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (settings_table); i++) {
    g_autofree char *value = rtx_llm_config_get (llm, settings_table[i].env,
                                                 settings_table[i].setting);
    const char *shown = value != NULL ? value : default_value (settings_table[i].setting);

    json_builder_set_member_name (builder, settings_table[i].setting);
    if (shown != NULL)
      json_builder_add_string_value (builder, shown);
    else
      json_builder_add_null_value (builder);
  }
  json_builder_set_member_name (builder, KEY_SETTING);
  json_builder_add_boolean_value (builder, key_is_set (runtime));
  json_builder_set_member_name (builder, "EmbeddingDimensions");
  json_builder_add_int_value (builder, RTX_EMBEDDER_BUILTIN_DIM);
  json_builder_set_member_name (builder, "VectorDB");
  json_builder_add_string_value (builder, "sqlite");
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

/* ---- update-env -------------------------------------------------------------------------- */

static gboolean
check_value (ValueKind    kind,
             const char  *setting,
             const char  *value,
             GError     **error)
{
  if (*value == '\0')
    return TRUE;   /* clears the setting */

  switch (kind) {
  case VALUE_LLM_PROVIDER:
    if (g_str_equal (value, "generic-openai") || g_str_equal (value, "builtin"))
      return TRUE;
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("%s must be generic-openai or builtin"), setting);
    return FALSE;
  case VALUE_EMBEDDING_ENGINE:
    if (g_str_equal (value, "generic-openai") || g_str_equal (value, "native"))
      return TRUE;
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("%s must be generic-openai or native"), setting);
    return FALSE;
  case VALUE_URL: {
    g_autoptr(GUri) uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
    const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

    /* No user or password in it either: GET /api/v1/system shows this value. */
    if (uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
        (g_strcmp0 (scheme, "http") == 0 || g_strcmp0 (scheme, "https") == 0) &&
        g_uri_get_query (uri) == NULL && g_uri_get_fragment (uri) == NULL &&
        g_uri_get_userinfo (uri) == NULL && strlen (value) <= 2048 &&
        strpbrk (value, " \t\r\n\"'<>\\`") == NULL)
      return TRUE;
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("%s must be an http(s) URL such as http://127.0.0.1:11434/v1"), setting);
    return FALSE;
  }
  case VALUE_TEXT:
  default:
    /* Model names (llama3.1:8b, org/model-name, gpt-4o@2024): letters, digits and ._:/@+-,
     * nothing a shell, an environment or a path could read as more (CVE-2024-3104). */
    if (strlen (value) <= 200 &&
        strspn (value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:/@+-")
        == strlen (value) &&
        value[0] != '/' && value[0] != '.' && strstr (value, "..") == NULL)
      return TRUE;
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("%s is a model name of at most 200 letters, digits and . _ : / @ + - "
                   "(not starting with / or ., no ..)"),
                 setting);
    return FALSE;
  }
}

typedef struct {
  RtxRequest *req;
  JsonObject *changes;   /* setting → value, all checked */
  gboolean    key_changed;
} UpdateEnv;

static void
update_env_free (UpdateEnv *u)
{
  rtx_request_unref (u->req);
  json_object_unref (u->changes);
  g_free (u);
}

/* The settings are written once the key (if any) is safely in the keyring. */
static void
finish_update (UpdateEnv *u)
{
  RtxRuntime *runtime = rtx_request_get_runtime (u->req);
  RtxSettings *settings = rtx_runtime_get_settings (runtime);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "newValues");
  json_builder_begin_object (builder);
  json_object_iter_init (&iter, u->changes);
  while (json_object_iter_next (&iter, &name, &value)) {
    if (!rtx_settings_set (settings, name, json_node_get_string (value), &error)) {
      rtx_request_reply_gerror (u->req, error);
      update_env_free (u);
      return;
    }
    json_builder_set_member_name (builder, name);
    json_builder_add_string_value (builder, json_node_get_string (value));
  }
  if (u->key_changed) {
    json_builder_set_member_name (builder, KEY_SETTING);
    json_builder_add_boolean_value (builder, key_is_set (runtime));
    rtx_llm_forget_key (rtx_llm_get (runtime));
  }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (u->req, SOUP_STATUS_OK, body);
  update_env_free (u);
}

static void
on_key_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  UpdateEnv *u = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxCredential) credential = NULL;
  gboolean ok;

  if (g_async_result_is_tagged (result, rtx_credentials_delete_async))
    ok = rtx_credentials_delete_finish (RTX_CREDENTIALS (source), result, &error);
  else if (g_async_result_is_tagged (result, rtx_credentials_update_async))
    ok = (credential = rtx_credentials_update_finish (RTX_CREDENTIALS (source), result, &error)) != NULL;
  else
    ok = (credential = rtx_credentials_create_finish (RTX_CREDENTIALS (source), result, &error)) != NULL;

  if (!ok) {
    rtx_request_reply_gerror (u->req, error);
    update_env_free (u);
    return;
  }
  finish_update (u);
}

static void
write_key (UpdateEnv  *u,
           const char *key)
{
  RtxCredentials *credentials = rtx_runtime_get_credentials (rtx_request_get_runtime (u->req));
  const RtxActor *actor = rtx_request_get_actor (u->req);
  GCancellable *cancellable = rtx_request_pause (u->req);
  g_autoptr(RtxCredential) existing = rtx_credentials_get (credentials, RTX_LLM_CREDENTIAL_NAME,
                                                           NULL);
  g_autoptr(JsonObject) payload = json_object_new ();

  if (*key == '\0') {
    if (existing == NULL) {
      finish_update (u);
      return;
    }
    rtx_credentials_delete_async (credentials, RTX_LLM_CREDENTIAL_NAME, actor, cancellable,
                                  on_key_written_cb, u);
    return;
  }

  json_object_set_string_member (payload, "token", key);
  if (existing != NULL)
    rtx_credentials_update_async (credentials, RTX_LLM_CREDENTIAL_NAME, "bearer", payload, NULL,
                                  actor, cancellable, on_key_written_cb, u);
  else
    rtx_credentials_create_async (credentials, RTX_LLM_CREDENTIAL_NAME, "bearer", payload, NULL,
                                  actor, cancellable, on_key_written_cb, u);
}

static gboolean
has_control (const char *text)
{
  for (const char *p = text; *p; p++) {
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return TRUE;
  }

  return FALSE;
}

/* A fixed list of settings, each value with its own check (CVE-2024-3104 wrote any variable
 * through this route). Checks every member first: a bad value changes nothing. Names not on
 * the list are ignored and values containing "******" (a masked secret sent back) skipped,
 * as AnythingLLM does. */
static void
handle_update_env (RtxRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  UpdateEnv *u;
  const char *key = NULL;

  body = rtx_body_parse_object (req, TRUE, &error);
  if (body == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  u = g_new0 (UpdateEnv, 1);
  u->req = rtx_request_ref (req);
  u->changes = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (settings_table); i++) {
    const char *setting = settings_table[i].setting;
    JsonNode *node = json_object_get_member (body, setting);
    const char *value;

    if (node == NULL)
      continue;
    value = rtx_body_get_string (body, setting);
    if (value == NULL && !JSON_NODE_HOLDS_NULL (node)) {
      g_set_error (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("%s must be a text"), setting);
      break;
    }
    if (value == NULL)
      value = "";
    if (strstr (value, "******") != NULL)
      continue;
    if (!check_value (settings_table[i].kind, setting, value, &error))
      break;
    json_object_set_string_member (u->changes, setting, value);
  }

  if (error == NULL && json_object_has_member (body, KEY_SETTING)) {
    JsonNode *node = json_object_get_member (body, KEY_SETTING);

    key = JSON_NODE_HOLDS_NULL (node) ? "" : rtx_body_get_string (body, KEY_SETTING);
    if (key == NULL || strlen (key) > 4096 || has_control (key))
      g_set_error (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("%s must be a text of one line"), KEY_SETTING);
    else if (strstr (key, "******") != NULL)
      key = NULL;
  }

  if (error != NULL) {
    rtx_request_reply_gerror (req, error);
    update_env_free (u);
    return;
  }

  if (key != NULL) {
    u->key_changed = TRUE;
    write_key (u, key);
    return;
  }
  finish_update (u);
}

const RtxHandlerBinding rtx_handlers_standard_settings[] = {
  { "getSystemSettings", handle_get_system },
  { "updateEnv", handle_update_env },
  { NULL, NULL },
};
