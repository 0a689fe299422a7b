/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "raw-http.h"
#include "rtx-test-utils.h"

typedef struct {
  guint16      port;
  const char  *request;
  gsize        length;
  GString     *reply;
  gboolean     done;
} Exchange;

static gboolean
done_cb (gpointer user_data)
{
  Exchange *exchange = user_data;

  exchange->done = TRUE;
  return G_SOURCE_REMOVE;
}

static gpointer
exchange_thread (gpointer user_data)
{
  Exchange *exchange = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *out;
  GInputStream *in;
  char buffer[16384];
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", exchange->port, NULL,
                                                &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));

  /* A server that answers early (413) may close before the whole request is written. */
  g_output_stream_write_all (out, exchange->request, exchange->length, NULL, NULL, NULL);

  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (exchange->reply, buffer, n);

  g_idle_add (done_cb, exchange);
  return NULL;
}

/**
 * raw_http_exchange:
 * @port: the server's port on 127.0.0.1
 * @request: the bytes to send (ask for `Connection: close`)
 * @length: how many
 *
 * Returns: (transfer full): the parsed reply; status 0 when there was none
 */
RawResponse *
raw_http_exchange (guint16     port,
                   const char *request,
                   gsize       length)
{
  Exchange exchange = { port, request, length, g_string_new (NULL), FALSE };
  RawResponse *response = g_new0 (RawResponse, 1);
  GThread *thread = g_thread_new ("raw-http", exchange_thread, &exchange);
  const char *end;

  rtx_test_wait_for (&exchange.done, 60000);
  g_thread_join (thread);

  response->closed = TRUE;
  end = strstr (exchange.reply->str, "\r\n\r\n");
  if (g_str_has_prefix (exchange.reply->str, "HTTP/1.") && exchange.reply->len > 12)
    response->status = (guint) g_ascii_strtoull (exchange.reply->str + 9, NULL, 10);
  response->head = end != NULL ? g_strndup (exchange.reply->str, end - exchange.reply->str)
                               : g_strdup (exchange.reply->str);
  response->body = g_strdup (end != NULL ? end + 4 : "");
  g_string_free (exchange.reply, TRUE);
  return response;
}

/**
 * raw_http_request:
 * @method: the method
 * @path: the request target
 * @host: (nullable): the Host header, or %NULL to send none
 * @headers: (nullable): more header lines, each ending with CRLF
 * @body: (nullable): the body
 * @body_length: its length (a Content-Length is sent when @body is not %NULL)
 *
 * Returns: (transfer full): an HTTP/1.1 request that asks for `Connection: close`
 */
GString *
raw_http_request (const char *method,
                  const char *path,
                  const char *host,
                  const char *headers,
                  const char *body,
                  gsize       body_length)
{
  GString *request = g_string_new (NULL);

  g_string_append_printf (request, "%s %s HTTP/1.1\r\n", method, path);
  if (host != NULL)
    g_string_append_printf (request, "Host: %s\r\n", host);
  g_string_append (request, "Connection: close\r\n");
  if (headers != NULL)
    g_string_append (request, headers);
  if (body != NULL)
    g_string_append_printf (request, "Content-Length: %" G_GSIZE_FORMAT "\r\n", body_length);
  g_string_append (request, "\r\n");
  if (body != NULL)
    g_string_append_len (request, body, body_length);

  return request;
}

/* The first value of a response header, matched case-insensitively; NULL when absent. */
const char *
raw_response_header (RawResponse *response,
                     const char  *name)
{
  static char value[1024];
  g_auto(GStrv) lines = g_strsplit (response->head, "\r\n", -1);
  gsize len = strlen (name);

  for (guint i = 1; lines[i] != NULL; i++) {
    if (g_ascii_strncasecmp (lines[i], name, len) == 0 && lines[i][len] == ':') {
      g_strlcpy (value, g_strstrip (lines[i] + len + 1), sizeof value);
      return value;
    }
  }

  return NULL;
}

void
raw_response_free (RawResponse *response)
{
  g_free (response->head);
  g_free (response->body);
  g_free (response);
}
