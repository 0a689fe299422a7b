/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "api-client.h"
#include "rtx-test-utils.h"

static const RtxActor test_actor = { "tester", "cli" };

void
api_fixture_setup (ApiFixture    *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  g_autoptr(RtxSecret) secret = NULL;

  fixture->data_dir = rtx_test_data_dir_new ("api");
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);

  key = rtx_api_keys_create (rtx_runtime_get_api_keys (fixture->runtime), "api test", FALSE,
                             &test_actor, &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (secret);
  fixture->key = g_strdup (secret);

  fixture->server = rtx_server_new (fixture->runtime);
  g_assert_true (rtx_server_start (fixture->server, 0, &error));
  g_assert_no_error (error);

  fixture->session = soup_session_new_with_options ("timeout", 30, NULL);
}

void
api_fixture_teardown (ApiFixture    *fixture,
                      gconstpointer  data)
{
  soup_session_abort (fixture->session);
  g_clear_object (&fixture->session);
  rtx_server_stop (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->data_dir, g_free);
  g_clear_pointer (&fixture->key, g_free);
}

char *
api_url (ApiFixture *fixture,
         const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", rtx_server_get_port (fixture->server), path);
}

typedef struct {
  gboolean  done;
  GBytes   *body;
  GError   *error;
} Exchange;

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Exchange *exchange = user_data;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                      &exchange->error);
  exchange->done = TRUE;
}

/**
 * api_call_full:
 * @key: (nullable): sent as a Bearer token
 * @content_type: the body's type
 * @body: (nullable): the request body
 * @...: more request headers, name and value pairs, ending with %NULL
 *
 * Returns: (transfer full): the answer, whatever its status
 */
ApiResponse *
api_call_full (ApiFixture *fixture,
               const char *method,
               const char *path,
               const char *key,
               const char *content_type,
               const char *body,
               ...)
{
  g_autofree char *uri = api_url (fixture, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  ApiResponse *response = g_new0 (ApiResponse, 1);
  Exchange exchange = { 0 };
  SoupMessageHeaders *headers;
  const char *name;
  va_list args;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (key != NULL) {
    g_autofree char *auth = g_strdup_printf ("Bearer %s", key);

    soup_message_headers_append (headers, "Authorization", auth);
  }
  if (body != NULL) {
    g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

    soup_message_set_request_body_from_bytes (msg, content_type, bytes);
  }

  va_start (args, body);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_replace (headers, name, va_arg (args, const char *));
  va_end (args);

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent_cb,
                                    &exchange);
  rtx_test_wait_for (&exchange.done, 30000);
  g_assert_no_error (exchange.error);

  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  response->text = g_strndup (g_bytes_get_data (exchange.body, NULL),
                              g_bytes_get_size (exchange.body));
  g_bytes_unref (exchange.body);
  if (response->text == NULL)
    response->text = g_strdup ("");
  if (response->text[0] != '\0')
    response->json = json_from_string (response->text, NULL);
  {
    /* Answers that create or rotate a key carry it: the log never does. */
    g_autoptr(GRegex) secret = g_regex_new ("rtx_[0-9A-Za-z]{20,}", 0, 0, NULL);
    g_autofree char *shown = g_regex_replace_literal (secret, response->text, -1, 0,
                                                      "rtx_[redacted]", 0, NULL);

    g_test_message ("%s %s → %u %s", method, path, response->status, shown);
  }
  return response;
}

/**
 * api_call:
 * @key: (nullable): sent as a Bearer token
 * @body: (nullable): a JSON text sent as the request body
 *
 * Returns: (transfer full): the answer, whatever its status
 */
ApiResponse *
api_call (ApiFixture *fixture,
          const char *method,
          const char *path,
          const char *key,
          const char *body)
{
  return api_call_full (fixture, method, path, key, "application/json", body, NULL);
}

/**
 * api_new_key:
 * @owner_id: in multi-user mode the owning user, or 0 for the operator's user
 *
 * Creates a key as the command line would, records it for the final secret sweep.
 *
 * Returns: (transfer full): the plaintext key
 */
char *
api_new_key (ApiFixture *fixture,
             const char *name,
             gboolean    admin,
             gint64      owner_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = NULL;

  key = rtx_api_keys_create_for_owner (rtx_runtime_get_api_keys (fixture->runtime), name, admin,
                                       owner_id, &test_actor, &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (secret);
  return g_strdup (secret);
}

/* The `error` of a `{"success":false,"error"}` body; fails the test for any other body. */
const char *
api_error (ApiResponse *response)
{
  JsonObject *object = api_object (response);

  g_assert_false (json_object_get_boolean_member_with_default (object, "success", FALSE));
  g_assert_true (json_object_has_member (object, "error"));
  return json_object_get_string_member (object, "error");
}

void
api_response_free (ApiResponse *response)
{
  g_free (response->text);
  g_clear_pointer (&response->json, json_node_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response);
}

JsonObject *
api_object (ApiResponse *response)
{
  g_assert_nonnull (response->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));
  return json_node_get_object (response->json);
}

/* The string at a JSONPath such as "$.workspace.slug", or NULL. The result lives as long as
 * @response. */
const char *
api_path_string (ApiResponse *response,
                 const char  *json_path)
{
  g_autoptr(JsonNode) found = NULL;
  JsonArray *array;
  const char *value;

  g_assert_nonnull (response->json);
  found = json_path_query (json_path, response->json, NULL);
  if (found == NULL)
    return NULL;
  array = json_node_get_array (found);
  if (json_array_get_length (array) != 1)
    return NULL;
  if (json_node_get_value_type (json_array_get_element (array, 0)) != G_TYPE_STRING)
    return NULL;
  value = json_array_get_string_element (array, 0);
  /* Keep it alive with the response: intern it (tests are short-lived). */
  return value != NULL ? g_intern_string (value) : NULL;
}
