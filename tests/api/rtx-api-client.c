/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "rtx-api-client.h"
#include "rtx-test-utils.h"

static const RtxActor tester = { "tester", "cli" };

void
rtx_api_fixture_setup (RtxApiFixture *fixture,
                       const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  RtxSecret *secret = NULL;

  fixture->data_dir = rtx_test_data_dir_new (name);
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->server = rtx_server_new (fixture->runtime);
  g_assert_true (rtx_server_start (fixture->server, 0, &error));
  fixture->session = soup_session_new_with_options ("timeout", 60, NULL);

  key = rtx_api_keys_create (rtx_runtime_get_api_keys (fixture->runtime), "docs", FALSE,
                             &tester, &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key ((const char *) secret);
  fixture->bearer = g_strconcat ("Bearer ", (const char *) secret, NULL);
  rtx_secret_free (secret);
}

void
rtx_api_fixture_teardown (RtxApiFixture *fixture)
{
  soup_session_abort (fixture->session);
  g_clear_object (&fixture->session);
  rtx_server_stop (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->data_dir, g_free);
  g_clear_pointer (&fixture->bearer, g_free);
}

typedef struct {
  gboolean  done;
  GBytes   *body;
  GError   *error;
} Exchange;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Exchange *exchange = user_data;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &exchange->error);
  exchange->done = TRUE;
}

static RtxApiResponse *
send_message (RtxApiFixture *fixture,
              SoupMessage   *msg)
{
  RtxApiResponse *response = g_new0 (RtxApiResponse, 1);
  Exchange exchange = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", fixture->bearer);
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &exchange);
  rtx_test_wait_for (&exchange.done, 120000);
  g_assert_no_error (exchange.error);

  response->status = soup_message_get_status (msg);
  response->body = g_strndup (g_bytes_get_data (exchange.body, NULL), g_bytes_get_size (exchange.body));
  g_bytes_unref (exchange.body);
  if (json_parser_load_from_data (parser, response->body, -1, NULL))
    response->json = json_node_copy (json_parser_get_root (parser));
  g_test_message ("%s %s → %u %.300s", soup_message_get_method (msg),
                  g_uri_get_path (soup_message_get_uri (msg)), response->status, response->body);
  /* Every answer is JSON, errors included. */
  g_assert_nonnull (response->json);
  return response;
}

RtxApiResponse *
rtx_api_call (RtxApiFixture *fixture,
              const char    *method,
              const char    *path,
              const char    *json_body)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", rtx_server_get_port (fixture->server), path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);

  g_assert_nonnull (msg);
  if (json_body != NULL) {
    g_autoptr(GBytes) bytes = g_bytes_new (json_body, strlen (json_body));

    soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  }
  return send_message (fixture, msg);
}

/* Builds the multipart body by hand: the server's parser is ours, so the client's is too. */
RtxApiResponse *
rtx_api_upload (RtxApiFixture *fixture,
                const char    *path,
                const char    *filename,
                GBytes        *contents,
                const char    *first_field,
                ...)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", rtx_server_get_port (fixture->server), path);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  const char *boundary = "rtx-test-boundary-7f3a9";
  g_autofree char *head = NULL;
  g_autofree char *type = NULL;
  const char *name;
  va_list args;

  g_assert_nonnull (msg);
  va_start (args, first_field);
  for (name = first_field; name != NULL; name = va_arg (args, const char *)) {
    const char *value = va_arg (args, const char *);
    g_autofree char *part = g_strdup_printf ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
                                             boundary, name, value);

    g_byte_array_append (body, (const guint8 *) part, strlen (part));
  }
  va_end (args);

  head = g_strdup_printf ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                          "Content-Type: application/octet-stream\r\n\r\n", boundary, filename);
  g_byte_array_append (body, (const guint8 *) head, strlen (head));
  g_byte_array_append (body, g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));
  {
    g_autofree char *tail = g_strdup_printf ("\r\n--%s--\r\n", boundary);

    g_byte_array_append (body, (const guint8 *) tail, strlen (tail));
  }

  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&body));
  type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  soup_message_set_request_body_from_bytes (msg, type, bytes);
  return send_message (fixture, msg);
}

JsonObject *
rtx_api_object (RtxApiResponse *response)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));
  return json_node_get_object (response->json);
}

/* A string at a dotted path such as "documents.0.location". */
const char *
rtx_api_string (RtxApiResponse *response,
                const char     *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = response->json;

  for (guint i = 0; parts[i] != NULL && node != NULL; i++) {
    if (JSON_NODE_HOLDS_OBJECT (node))
      node = json_object_get_member (json_node_get_object (node), parts[i]);
    else if (JSON_NODE_HOLDS_ARRAY (node) && g_ascii_isdigit (parts[i][0]) &&
             g_ascii_strtoull (parts[i], NULL, 10) < json_array_get_length (json_node_get_array (node)))
      node = json_array_get_element (json_node_get_array (node), g_ascii_strtoull (parts[i], NULL, 10));
    else
      node = NULL;
  }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

void
rtx_api_response_free (RtxApiResponse *response)
{
  g_free (response->body);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response);
}
