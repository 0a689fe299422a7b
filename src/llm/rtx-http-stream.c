/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "rtx-http-stream.h"

/*
 * One streamed HTTP/1.1 POST, for relaying a model's tokens. libsoup 3.2 decodes a chunked body
 * with two socket reads per chunk (a 128-byte line read, then the rest of the chunk), and a
 * streaming model server sends one chunk per token: the relay spent most of its time in
 * recv(). Here the body is decoded from one 16 KiB buffer, so that one read takes whatever
 * has arrived, however many tokens that is.
 *
 * What it does: connect (GSocketClient: proxies, TLS for https), write the request in one
 * write, parse the response head with libsoup's parser, and return the body as a pollable
 * stream (Content-Length, chunked, or until EOF). Kept-alive connections go back to a small
 * pool when their body was read to the end; a reused connection that fails before any byte of
 * the answer is retried once on a new one. Redirects are not followed (an API endpoint does
 * not redirect a POST); the caller reports a 3xx like any other failure.
 */

#define BUFFER_SIZE (16 * 1024)
#define MAX_HEAD (64 * 1024)
#define MAX_LINE 1024
#define POOL_MAX 64
#define POOL_IDLE_USEC (4 * G_USEC_PER_SEC)   /* below the 5 s keep-alive of common servers */

typedef enum {
  BODY_LENGTH,
  BODY_CHUNKED,
  BODY_EOF,
} BodyKind;

typedef enum {
  CHUNK_SIZE,
  CHUNK_DATA,
  CHUNK_END,
  CHUNK_TRAILERS,
  BODY_DONE,
} ChunkState;

struct _RtxHttpBody {
  GInputStream  parent_instance;

  GIOStream    *conn;
  GInputStream *base;
  char         *pool_key;
  BodyKind      kind;
  ChunkState    state;
  guint64       remaining;   /* of the body (BODY_LENGTH) or of the chunk */
  gboolean      keep_alive;
  gboolean      need_more;   /* the buffer holds no whole line or data: wait for the socket */
  guint8       *buf;
  gsize         start;
  gsize         end;
};

static void rtx_http_body_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RtxHttpBody, rtx_http_body, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      rtx_http_body_pollable_init))

/* ---- The pool of idle connections --------------------------------------------------------- */

typedef struct {
  char      *key;
  GIOStream *conn;
  gint64     since;
} Idle;

static GMutex pool_lock;
static GQueue pool = G_QUEUE_INIT;

static void
idle_free (Idle *idle)
{
  g_io_stream_close (idle->conn, NULL, NULL);
  g_object_unref (idle->conn);
  g_free (idle->key);
  g_free (idle);
}

static GSocket *
socket_of (GIOStream *conn)
{
  return G_IS_SOCKET_CONNECTION (conn) ? g_socket_connection_get_socket (G_SOCKET_CONNECTION (conn))
                                       : NULL;
}

/* An idle connection that is readable has been closed by the server (or is broken). */
static GIOStream *
pool_take (const char *key)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func ((GDestroyNotify) idle_free);
  GIOStream *found = NULL;

  g_mutex_lock (&pool_lock);
  for (GList *l = pool.head; l != NULL && found == NULL;) {
    Idle *idle = l->data;
    GList *next = l->next;
    GSocket *socket = socket_of (idle->conn);

    if (now - idle->since > POOL_IDLE_USEC ||
        (socket != NULL && g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) != 0)) {
      g_queue_delete_link (&pool, l);
      g_ptr_array_add (stale, idle);
    } else if (g_str_equal (idle->key, key)) {
      g_queue_delete_link (&pool, l);
      found = g_steal_pointer (&idle->conn);
      g_free (idle->key);
      g_free (idle);
    }
    l = next;
  }
  g_mutex_unlock (&pool_lock);
  return found;
}

static void
pool_put (const char *key,
          GIOStream  *conn)
{
  Idle *idle = g_new0 (Idle, 1);
  Idle *oldest = NULL;

  idle->key = g_strdup (key);
  idle->conn = g_object_ref (conn);
  idle->since = g_get_monotonic_time ();
  g_mutex_lock (&pool_lock);
  g_queue_push_tail (&pool, idle);
  if (pool.length > POOL_MAX)
    oldest = g_queue_pop_head (&pool);
  g_mutex_unlock (&pool_lock);
  if (oldest != NULL)
    idle_free (oldest);
}

/* ---- The body ----------------------------------------------------------------------------- */

static void
rtx_http_body_finalize (GObject *object)
{
  RtxHttpBody *self = RTX_HTTP_BODY (object);

  g_clear_object (&self->conn);
  g_free (self->pool_key);
  g_free (self->buf);

  G_OBJECT_CLASS (rtx_http_body_parent_class)->finalize (object);
}

static gboolean
rtx_http_body_close (GInputStream  *stream,
                     GCancellable  *cancellable,
                     GError       **error)
{
  RtxHttpBody *self = RTX_HTTP_BODY (stream);

  if (self->conn == NULL)
    return TRUE;
  /* Read to its end, with nothing after it: the next request may use the connection. */
  if (self->state == BODY_DONE && self->keep_alive && self->start == self->end)
    pool_put (self->pool_key, self->conn);
  else
    g_io_stream_close (self->conn, NULL, NULL);
  g_clear_object (&self->conn);
  return TRUE;
}

/* A whole line (through "\n") at the start of the buffer: its length without the line end,
 * and how much to consume. -1 when the buffer has no whole line yet. */
static gssize
take_line (RtxHttpBody *self,
           gsize       *consumed)
{
  const guint8 *line = self->buf + self->start;
  const guint8 *newline = memchr (line, '\n', self->end - self->start);
  gsize length;

  if (newline == NULL)
    return -1;
  length = newline - line;
  *consumed = length + 1;
  if (length > 0 && line[length - 1] == '\r')
    length--;
  return (gssize) length;
}

static gboolean
bad_chunk (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The server sent a malformed chunked body"));
  return FALSE;
}

/* Decodes what the buffer holds into @out. Sets *@wait when a whole line or more data is
 * needed from the socket. */
static gboolean
decode (RtxHttpBody  *self,
        guint8       *out,
        gsize         count,
        gsize        *produced,
        gboolean     *wait,
        GError      **error)
{
  *produced = 0;
  *wait = FALSE;

  while (self->state != BODY_DONE && *produced < count) {
    gsize avail = self->end - self->start;
    gsize consumed, n;
    gssize length;

    if (self->kind != BODY_CHUNKED || self->state == CHUNK_DATA) {
      if (avail == 0) {
        *wait = TRUE;
        return TRUE;
      }
      n = MIN (count - *produced, avail);
      if (self->kind != BODY_EOF)
        n = MIN (n, self->remaining);
      memcpy (out + *produced, self->buf + self->start, n);
      *produced += n;
      self->start += n;
      if (self->kind != BODY_EOF && (self->remaining -= n) == 0)
        self->state = self->kind == BODY_CHUNKED ? CHUNK_END : BODY_DONE;
      continue;
    }

    length = take_line (self, &consumed);
    if (length < 0) {
      if (avail > MAX_LINE)
        return bad_chunk (error);
      *wait = TRUE;
      return TRUE;
    }

    if (self->state == CHUNK_SIZE) {
      char *end = NULL;
      char digits[32];

      if (length == 0 || (gsize) length >= sizeof digits)
        return bad_chunk (error);
      memcpy (digits, self->buf + self->start, length);
      digits[length] = '\0';
      self->remaining = g_ascii_strtoull (digits, &end, 16);
      if (end == digits || (*end != '\0' && *end != ';' && *end != ' ' && *end != '\t'))
        return bad_chunk (error);
      self->state = self->remaining > 0 ? CHUNK_DATA : CHUNK_TRAILERS;
    } else if (self->state == CHUNK_END) {
      if (length != 0)
        return bad_chunk (error);
      self->state = CHUNK_SIZE;
    } else if (length == 0) {   /* CHUNK_TRAILERS: an empty line ends them */
      self->state = BODY_DONE;
    }
    self->start += consumed;
  }
  return TRUE;
}

/* Reads from the socket into the buffer. Returns bytes read, 0 at EOF, -1 on error. */
static gssize
fill (RtxHttpBody   *self,
      gboolean       blocking,
      GCancellable  *cancellable,
      GError       **error)
{
  gssize n;

  if (self->start > 0) {
    memmove (self->buf, self->buf + self->start, self->end - self->start);
    self->end -= self->start;
    self->start = 0;
  }
  if (self->end == BUFFER_SIZE) {   /* cannot happen: a line is at most MAX_LINE */
    bad_chunk (error);
    return -1;
  }

  n = g_pollable_stream_read (self->base, self->buf + self->end, BUFFER_SIZE - self->end,
                              blocking, cancellable, error);
  if (n > 0)
    self->end += n;
  return n;
}

static gssize
body_read (RtxHttpBody   *self,
           void          *buffer,
           gsize          count,
           gboolean       blocking,
           GCancellable  *cancellable,
           GError       **error)
{
  while (TRUE) {
    gsize produced;
    gboolean wait;
    gssize n;

    if (!decode (self, buffer, count, &produced, &wait, error))
      return -1;
    self->need_more = wait;
    if (produced > 0 || self->state == BODY_DONE || count == 0)
      return produced;

    n = fill (self, blocking, cancellable, error);
    if (n < 0)
      return -1;
    if (n == 0) {
      if (self->kind == BODY_EOF) {
        self->state = BODY_DONE;
        return 0;
      }
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                           _("Connection terminated unexpectedly"));
      return -1;
    }
    self->need_more = FALSE;
  }
}

static gssize
rtx_http_body_read (GInputStream  *stream,
                    void          *buffer,
                    gsize          count,
                    GCancellable  *cancellable,
                    GError       **error)
{
  return body_read (RTX_HTTP_BODY (stream), buffer, count, TRUE, cancellable, error);
}

static gssize
rtx_http_body_read_nonblocking (GPollableInputStream  *stream,
                                void                  *buffer,
                                gsize                  count,
                                GError               **error)
{
  return body_read (RTX_HTTP_BODY (stream), buffer, count, FALSE, NULL, error);
}

static gboolean
buffer_ready (RtxHttpBody *self)
{
  return self->state == BODY_DONE || (self->start < self->end && !self->need_more);
}

static gboolean
rtx_http_body_is_readable (GPollableInputStream *stream)
{
  RtxHttpBody *self = RTX_HTTP_BODY (stream);

  return buffer_ready (self) ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static gboolean
rtx_http_body_can_poll (GPollableInputStream *stream)
{
  RtxHttpBody *self = RTX_HTTP_BODY (stream);

  return G_IS_POLLABLE_INPUT_STREAM (self->base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->base));
}

static GSource *
rtx_http_body_create_source (GPollableInputStream *stream,
                             GCancellable         *cancellable)
{
  RtxHttpBody *self = RTX_HTTP_BODY (stream);
  GSource *base, *source;

  /* Decodable bytes are waiting: ready at once; otherwise when the socket is. */
  if (buffer_ready (self))
    base = g_timeout_source_new (0);
  else
    base = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), cancellable);
  g_source_set_dummy_callback (base);
  source = g_pollable_source_new (G_OBJECT (stream));
  g_source_add_child_source (source, base);
  g_source_unref (base);
  return source;
}

static void
rtx_http_body_class_init (RtxHttpBodyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rtx_http_body_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = rtx_http_body_read;
  G_INPUT_STREAM_CLASS (klass)->close_fn = rtx_http_body_close;
}

static void
rtx_http_body_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = rtx_http_body_can_poll;
  iface->is_readable = rtx_http_body_is_readable;
  iface->read_nonblocking = rtx_http_body_read_nonblocking;
  iface->create_source = rtx_http_body_create_source;
}

static void
rtx_http_body_init (RtxHttpBody *self)
{
  self->buf = g_malloc (BUFFER_SIZE);
}

/* ---- The request -------------------------------------------------------------------------- */

typedef struct {
  char         *uri;
  char         *pool_key;
  gboolean      tls;
  GBytes       *request;
  GIOStream    *conn;
  gboolean      reused;
  GByteArray   *head;
  guint         status;
} Post;

static void
post_free (Post *post)
{
  g_free (post->uri);
  g_free (post->pool_key);
  g_clear_pointer (&post->request, g_bytes_unref);
  g_clear_object (&post->conn);
  g_clear_pointer (&post->head, g_byte_array_unref);
  g_free (post);
}

static void connect_and_send (GTask *task);
static void read_head (GTask *task);

/* A reused connection that fails before any byte of the answer was closed by the server as
 * we took it: once more on a new connection (the server's handler never saw the request). */
static gboolean
retry_fresh (GTask        *task,
             const GError *error)
{
  Post *post = g_task_get_task_data (task);

  if (!post->reused || post->head->len > 0 ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  g_clear_object (&post->conn);
  post->reused = FALSE;
  connect_and_send (task);
  return TRUE;
}

static void
on_head_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Post *post = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(RtxHttpBody) body = NULL;
  const char *connection;
  SoupHTTPVersion version;
  const guint8 *end;
  gsize head_len;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0) {
    if (error == NULL)
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                           _("Connection terminated unexpectedly"));
    if (!retry_fresh (task, error))
      g_task_return_error (task, g_steal_pointer (&error));
    else
      g_steal_pointer (&task);
    return;
  }
  g_byte_array_append (post->head, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  end = memmem (post->head->data, post->head->len, "\r\n\r\n", 4);
  if (end == NULL) {
    if (post->head->len > MAX_HEAD) {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The server's response headers are too long"));
      return;
    }
    read_head (g_steal_pointer (&task));
    return;
  }

  head_len = end + 4 - post->head->data;
  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (!soup_headers_parse_response ((const char *) post->head->data, (int) head_len, headers,
                                    &version, &post->status, NULL)) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _("The server's answer is not HTTP"));
    return;
  }
  /* An interim 1xx answer precedes the real one. */
  if (post->status >= 100 && post->status < 200) {
    g_byte_array_remove_range (post->head, 0, head_len);
    read_head (g_steal_pointer (&task));
    return;
  }

  body = g_object_new (RTX_TYPE_HTTP_BODY, NULL);
  body->conn = g_steal_pointer (&post->conn);
  body->base = g_io_stream_get_input_stream (body->conn);
  body->pool_key = g_strdup (post->pool_key);
  switch (soup_message_headers_get_encoding (headers)) {
  case SOUP_ENCODING_CHUNKED:
    body->kind = BODY_CHUNKED;
    body->state = CHUNK_SIZE;
    break;
  case SOUP_ENCODING_CONTENT_LENGTH:
  case SOUP_ENCODING_NONE:
    body->kind = BODY_LENGTH;
    body->remaining = soup_message_headers_get_content_length (headers);
    body->state = body->remaining > 0 ? CHUNK_DATA : BODY_DONE;
    break;
  default:
    body->kind = BODY_EOF;
    body->state = CHUNK_DATA;
    break;
  }
  if (post->status == SOUP_STATUS_NO_CONTENT || post->status == SOUP_STATUS_NOT_MODIFIED)
    body->state = BODY_DONE;
  connection = soup_message_headers_get_list (headers, "Connection");
  body->keep_alive = version == SOUP_HTTP_1_1 && body->kind != BODY_EOF &&
                     (connection == NULL || !soup_header_contains (connection, "close"));

  /* What came with the head is the start of the body. */
  body->end = post->head->len - head_len;
  if (body->end > BUFFER_SIZE) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _("The server's answer is malformed"));
    return;
  }
  memcpy (body->buf, post->head->data + head_len, body->end);
  g_task_return_pointer (task, g_steal_pointer (&body), g_object_unref);
}

static void
read_head (GTask *task)
{
  Post *post = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (post->conn), BUFFER_SIZE,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   on_head_read_cb, task);
}

static void
on_written_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error)) {
    if (!retry_fresh (task, error))
      g_task_return_error (task, g_steal_pointer (&error));
    else
      g_steal_pointer (&task);
    return;
  }
  read_head (g_steal_pointer (&task));
}

/* Headers and body in one write: with TCP_NODELAY a second write would be a second segment,
 * and without it the body would wait for the server's delayed ACK. */
static void
send_request (GTask *task)
{
  Post *post = g_task_get_task_data (task);
  GSocket *socket = socket_of (post->conn);

  if (socket != NULL && g_socket_get_family (socket) != G_SOCKET_FAMILY_UNIX)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (post->conn),
                                   g_bytes_get_data (post->request, NULL),
                                   g_bytes_get_size (post->request), G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_written_cb, task);
}

static void
on_connected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Post *post = g_task_get_task_data (task);
  GError *error = NULL;

  post->conn = G_IO_STREAM (g_socket_client_connect_to_uri_finish (G_SOCKET_CLIENT (source),
                                                                   result, &error));
  if (post->conn == NULL) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  send_request (task);
}

static void
connect_and_send (GTask *task)
{
  Post *post = g_task_get_task_data (task);
  g_autoptr(GSocketClient) client = NULL;

  post->conn = pool_take (post->pool_key);
  if (post->conn != NULL) {
    post->reused = TRUE;
    send_request (task);
    return;
  }

  client = g_socket_client_new ();
  g_socket_client_set_tls (client, post->tls);
  g_socket_client_connect_to_uri_async (client, post->uri, post->tls ? 443 : 80,
                                        g_task_get_cancellable (task), on_connected_cb, task);
}

static GBytes *
build_request (SoupMessage *msg,
               GUri        *uri,
               GBytes      *body,
               const char  *content_type)
{
  GString *out = g_string_sized_new (512 + g_bytes_get_size (body));
  SoupMessageHeadersIter iter;
  const char *name, *value, *host = g_uri_get_host (uri), *query = g_uri_get_query (uri);
  const char *path = g_uri_get_path (uri);
  gint port = g_uri_get_port (uri);
  gsize length;

  g_string_append_printf (out, "%s %s%s%s HTTP/1.1\r\n", soup_message_get_method (msg),
                          *path != '\0' ? path : "/", query != NULL ? "?" : "",
                          query != NULL ? query : "");
  g_string_append_printf (out, strchr (host, ':') != NULL ? "Host: [%s]" : "Host: %s", host);
  if (port > 0)
    g_string_append_printf (out, ":%d", port);
  g_string_append (out, "\r\nUser-Agent: RealTimeX-Runtime/" PACKAGE_VERSION "\r\n");
  soup_message_headers_iter_init (&iter, soup_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (out, "%s: %s\r\n", name, value);
  g_string_append_printf (out, "Content-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          content_type, g_bytes_get_size (body));
  g_string_append_len (out, g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  length = out->len;
  return g_bytes_new_take (g_string_free (out, FALSE), length);
}

/**
 * rtx_http_post_async:
 * @msg: the method, URI and request headers (credentials applied); libsoup does not send it
 * @body: the request body
 * @content_type: its type
 * @cancellable: (nullable): cancels the call; once the body is returned, cancel its reads
 * @callback: called with the response head read
 * @user_data: data for @callback
 */
void
rtx_http_post_async (SoupMessage         *msg,
                     GBytes              *body,
                     const char          *content_type,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GUri *uri = soup_message_get_uri (msg);
  const char *scheme = g_uri_get_scheme (uri);
  Post *post = g_new0 (Post, 1);

  g_task_set_source_tag (task, rtx_http_post_async);
  g_task_set_task_data (task, post, (GDestroyNotify) post_free);
  post->uri = g_uri_to_string (uri);
  post->tls = g_ascii_strcasecmp (scheme, "https") == 0;
  post->pool_key = g_strdup_printf ("%s://%s:%d", post->tls ? "https" : "http",
                                    g_uri_get_host (uri), g_uri_get_port (uri));
  post->request = build_request (msg, uri, body, content_type);
  post->head = g_byte_array_new ();

  if (!post->tls && g_ascii_strcasecmp (scheme, "http") != 0) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("Unsupported URI scheme “%s”"), scheme);
    g_object_unref (task);
    return;
  }
  connect_and_send (task);
}

/**
 * rtx_http_post_finish:
 * @status: (out): the response's status code
 *
 * Returns: (transfer full): the response body, pollable; close or drop it when done (a body
 *   read to its end gives its connection back to the pool)
 */
GInputStream *
rtx_http_post_finish (GAsyncResult  *result,
                      guint         *status,
                      GError       **error)
{
  GTask *task = G_TASK (result);
  Post *post = g_task_get_task_data (task);

  g_return_val_if_fail (g_task_get_source_tag (task) == rtx_http_post_async, NULL);

  *status = post->status;
  return g_task_propagate_pointer (task, error);
}
