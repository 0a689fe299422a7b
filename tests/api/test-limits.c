/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "raw-http.h"
#include "rtx-listener.h"
#include "rtx-runtime.h"
#include "rtx-server.h"
#include "rtx-server-private.h"
#include "rtx-test-utils.h"

/* The server's limits (DESIGN.md §4), with the real libsoup and real sockets: body caps
 * enforced before the body is buffered, slow headers cut off, the connection cap, and the
 * listener surviving a process out of descriptors. No assertion here is about speed. */

static const RtxActor test_actor = { "tester", "cli" };

typedef struct {
  char       *data_dir;
  RtxRuntime *runtime;
  RtxServer  *server;
  char       *admin_key;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  RtxSecret *secret = NULL;

  fixture->data_dir = rtx_test_data_dir_new ("api-limits");
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->server = rtx_server_new (fixture->runtime);
  g_assert_true (rtx_server_start (fixture->server, 0, &error));
  g_assert_no_error (error);

  key = rtx_api_keys_create (rtx_runtime_get_api_keys (fixture->runtime), "limits", TRUE,
                             &test_actor, &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (secret);
  fixture->admin_key = g_strdup (secret);
  rtx_secret_free (secret);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  rtx_server_stop (fixture->server);
  g_assert_finalize_object (fixture->server);
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->admin_key, g_free);
  g_clear_pointer (&fixture->data_dir, g_free);
}

/* ---- Body caps --------------------------------------------------------------------------- */

#define HUGE_BODY (300 * 1024 * 1024)

typedef struct {
  guint16   port;
  char     *head;
  gboolean  chunked;
  GString  *reply;
  gboolean  done;
} Upload;

static gboolean
upload_done_cb (gpointer user_data)
{
  Upload *upload = user_data;

  upload->done = TRUE;
  return G_SOURCE_REMOVE;
}

/* Streams HUGE_BODY bytes from a small buffer, so that only the server could hold them. */
static gpointer
upload_thread (gpointer user_data)
{
  Upload *upload = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *block = g_malloc0 (256 * 1024);
  GOutputStream *out;
  char buffer[4096];
  gssize n;

  memset (block, ' ', 256 * 1024);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", upload->port, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  if (g_output_stream_write_all (out, upload->head, strlen (upload->head), NULL, NULL, NULL)) {
    for (gsize sent = 0; sent < HUGE_BODY; sent += 256 * 1024) {
      g_autofree char *size_line = g_strdup_printf ("%x\r\n", 256 * 1024);

      if (upload->chunked &&
          !g_output_stream_write_all (out, size_line, strlen (size_line), NULL, NULL, NULL))
        break;
      if (!g_output_stream_write_all (out, block, 256 * 1024, NULL, NULL, NULL))
        break;
      if (upload->chunked && !g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, NULL))
        break;
    }
    if (upload->chunked)
      g_output_stream_write_all (out, "0\r\n\r\n", 5, NULL, NULL, NULL);
  }

  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (upload->reply, buffer, n);

  g_idle_add (upload_done_cb, upload);
  return NULL;
}

static gsize
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen (field), NULL, 10);
}

/* Samples the resident size while the upload runs (the server runs on this thread, between
 * samples), keeping the highest. */
static gboolean
on_sample_rss_cb (gpointer user_data)
{
  gsize *peak_kib = user_data;
  gsize now = status_kib ("VmRSS:");

  if (now > *peak_kib)
    *peak_kib = now;
  return G_SOURCE_CONTINUE;
}

static void
assert_huge_upload_refused (Fixture  *fixture,
                            gboolean  chunked)
{
  Upload upload = { 0 };
  GThread *thread;
  gsize before_kib, peak_kib;
  g_autofree char *body = NULL;
  guint sampler;

  upload.port = rtx_server_get_port (fixture->server);
  upload.chunked = chunked;
  upload.reply = g_string_new (NULL);
  upload.head = chunked
    ? g_strdup_printf ("POST /api/v1/admin/api-keys HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                       "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n", upload.port, fixture->admin_key)
    : g_strdup_printf ("POST /api/v1/admin/api-keys HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                       "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                       "Content-Length: %d\r\n\r\n", upload.port, fixture->admin_key,
                       HUGE_BODY);

  before_kib = peak_kib = status_kib ("VmRSS:");
  sampler = g_timeout_add (2, on_sample_rss_cb, &peak_kib);

  thread = g_thread_new ("upload", upload_thread, &upload);
  rtx_test_wait_for (&upload.done, 120000);
  g_thread_join (thread);
  g_source_remove (sampler);
  g_test_message ("RSS before %zu KiB, peak during the upload %zu KiB", before_kib, peak_kib);

  g_assert_true (g_str_has_prefix (upload.reply->str, "HTTP/1.1 413"));
  body = g_strdup (strstr (upload.reply->str, "\r\n\r\n") + 4);
  g_assert_nonnull (strstr (body, "larger than this route accepts"));
  g_assert_nonnull (strstr (upload.reply->str, "Connection: close"));
  g_assert_cmpuint (peak_kib, <, before_kib + 16 * 1024);

  g_string_free (upload.reply, TRUE);
  g_free (upload.head);
}

static void
test_huge_body (Fixture       *fixture,
                gconstpointer  data)
{
  assert_huge_upload_refused (fixture, FALSE);
}

static void
test_huge_chunked_body (Fixture       *fixture,
                        gconstpointer  data)
{
  assert_huge_upload_refused (fixture, TRUE);
}

/* ---- Slow headers ------------------------------------------------------------------------ */

typedef struct {
  guint16   port;
  gboolean  closed_by_server;
  gboolean  done;
} Trickle;

/* Sends a header line every second, never finishing, until the server hangs up (or 30 s,
 * far beyond the 10 s header deadline). */
static gpointer
trickle_thread (gpointer user_data)
{
  Trickle *trickle = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *start = g_strdup_printf ("GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n",
                                            trickle->port);
  GSocket *socket;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", trickle->port, NULL,
                                                &error);
  g_assert_no_error (error);
  socket = g_socket_connection_get_socket (connection);
  g_socket_send (socket, start, strlen (start), NULL, NULL);

  for (guint i = 0; i < 30 && !trickle->closed_by_server; i++) {
    char byte;

    if (g_socket_send (socket, "X-Slow: 1\r\n", 11, NULL, NULL) < 0)
      trickle->closed_by_server = TRUE;
    g_socket_set_timeout (socket, 1);
    if (g_socket_receive (socket, &byte, 1, NULL, &error) == 0)
      trickle->closed_by_server = TRUE;
    else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
      trickle->closed_by_server = TRUE;
    g_clear_error (&error);
  }

  trickle->done = TRUE;
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
test_slow_headers (Fixture       *fixture,
                   gconstpointer  data)
{
  Trickle trickle = { rtx_server_get_port (fixture->server), FALSE, FALSE };
  GThread *thread = g_thread_new ("trickle", trickle_thread, &trickle);
  g_autoptr(GString) ping = g_string_new (NULL);

  /* Others are served meanwhile. */
  g_string_printf (ping, "GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                   "Connection: close\r\n\r\n", trickle.port);
  {
    g_autoptr(RawResponse) response = raw_http_exchange (trickle.port, ping->str, ping->len);

    g_assert_cmpuint (response->status, ==, 200);
  }

  rtx_test_wait_for (&trickle.done, 60000);
  g_thread_join (thread);
  g_assert_true (trickle.closed_by_server);
}

/* ---- Connection cap ---------------------------------------------------------------------- */

static GPtrArray *held;

/* "/hold" is a request being served (its handler answers later); anything else answers at once. */
static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  if (g_str_equal (path, "/hold")) {
    soup_server_message_pause (msg);
    g_ptr_array_add (held, g_object_ref (msg));
    return;
  }

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
}

/* What RtxServer's early handler does: tell the listener that a request is being served. */
static void
on_early_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  rtx_listener_got_headers (*(RtxListener **) user_data, msg);
}

static void
release (SoupServerMessage *msg)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
  soup_server_message_unpause (msg);
}

static int
connect_fd (guint16 port)
{
  struct sockaddr_in address = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0) {
    close (fd);
    return -1;
  }
  return fd;
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
iterate_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct {
  int       fd;
  char      reply[256];
  gssize    length;
  gboolean  done;
} Waiter;

static gpointer
waiter_thread (gpointer user_data)
{
  Waiter *waiter = user_data;
  static const char request[] = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

  g_assert_cmpint (send (waiter->fd, request, sizeof request - 1, 0), ==, sizeof request - 1);
  waiter->length = recv (waiter->fd, waiter->reply, sizeof waiter->reply - 1, MSG_WAITALL);
  waiter->done = TRUE;
  g_main_context_wakeup (NULL);
  return NULL;
}

typedef struct {
  SoupServer  *server;
  RtxListener *listener;
  guint16      port;
} Capped;

static void
capped_start (Capped *capped,
              guint   max_connections)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  capped->server = g_object_new (SOUP_TYPE_SERVER, NULL);
  soup_server_add_handler (capped->server, NULL, on_request_cb, NULL, NULL);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  g_assert_true (g_socket_listen (socket, &error));
  bound = g_socket_get_local_address (socket, &error);
  capped->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_ptr_array_add (sockets, g_object_ref (socket));

  capped->listener = rtx_listener_new (capped->server, sockets, max_connections, &error);
  g_assert_no_error (error);
  soup_server_add_early_handler (capped->server, NULL, on_early_cb, &capped->listener, NULL);
  g_assert_cmpuint (rtx_listener_get_max_connections (capped->listener), ==, max_connections);
  held = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
capped_stop (Capped *capped)
{
  while (rtx_listener_get_n_connections (capped->listener) > 0)
    g_main_context_iteration (NULL, TRUE);
  rtx_listener_close (capped->listener);
  soup_server_disconnect (capped->server);
  g_clear_object (&capped->listener);
  g_clear_object (&capped->server);
  g_clear_pointer (&held, g_ptr_array_unref);
}

/* With every slot serving a request, the next client waits in the backlog; it is taken in as
 * soon as one of them is done. */
static void
test_connection_cap (void)
{
  static const char hold[] = "GET /hold HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  Capped capped = { 0 };
  Waiter waiter = { 0 };
  GThread *thread;
  int busy[3];

  capped_start (&capped, 3);
  for (guint i = 0; i < G_N_ELEMENTS (busy); i++) {
    g_assert_cmpint ((busy[i] = connect_fd (capped.port)), >=, 0);
    g_assert_cmpint (send (busy[i], hold, sizeof hold - 1, 0), ==, sizeof hold - 1);
  }
  while (held->len < 3)
    g_main_context_iteration (NULL, TRUE);

  waiter.fd = connect_fd (capped.port);
  g_assert_cmpint (waiter.fd, >=, 0);
  thread = g_thread_new ("waiter", waiter_thread, &waiter);
  iterate_for (300);
  g_assert_false (waiter.done);
  g_assert_cmpuint (rtx_listener_get_n_connections (capped.listener), ==, 3);
  g_assert_cmpuint (rtx_listener_get_evictions (capped.listener), ==, 0);

  release (g_ptr_array_index (held, 0));
  rtx_test_wait_for (&waiter.done, 20000);
  g_thread_join (thread);
  g_assert_true (g_str_has_prefix (waiter.reply, "HTTP/1.1 200"));

  for (guint i = 1; i < held->len; i++)
    release (g_ptr_array_index (held, i));
  for (guint i = 0; i < G_N_ELEMENTS (busy); i++)
    close (busy[i]);
  close (waiter.fd);
  capped_stop (&capped);
}

/* Slots held by silent connections are given to a client that has a request. */
static void
test_connection_eviction (void)
{
  Capped capped = { 0 };
  Waiter waiter = { 0 };
  GThread *thread;
  int silent[3];

  capped_start (&capped, 3);
  for (guint i = 0; i < G_N_ELEMENTS (silent); i++)
    g_assert_cmpint ((silent[i] = connect_fd (capped.port)), >=, 0);
  while (rtx_listener_get_n_connections (capped.listener) < 3)
    g_main_context_iteration (NULL, TRUE);

  waiter.fd = connect_fd (capped.port);
  thread = g_thread_new ("waiter", waiter_thread, &waiter);
  rtx_test_wait_for (&waiter.done, 20000);
  g_thread_join (thread);
  g_assert_true (g_str_has_prefix (waiter.reply, "HTTP/1.1 200"));
  g_assert_cmpuint (rtx_listener_get_evictions (capped.listener), >=, 1);

  for (guint i = 0; i < G_N_ELEMENTS (silent); i++)
    close (silent[i]);
  close (waiter.fd);
  capped_stop (&capped);
}

/* A keep-alive client that leaves while the server waits for its next request: libsoup 3.2
 * reads the end of stream and keeps the socket, so the listener must close it, or every such
 * client would keep a descriptor and a slot for good. With three slots, ten clients in a row
 * are all served only if each one's slot frees after it leaves. */
typedef struct {
  guint16   port;
  guint     served;
  gboolean  done;
} Leaver;

static gpointer
leaver_thread (gpointer user_data)
{
  Leaver *leaver = user_data;
  static const char request[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  struct timeval timeout = { 5, 0 };

  for (guint i = 0; i < 10; i++) {
    int fd = connect_fd (leaver->port);
    char reply[256];
    gssize length;

    if (fd < 0)
      break;
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    length = send (fd, request, sizeof request - 1, 0) == sizeof request - 1
             ? recv (fd, reply, sizeof reply - 1, 0) : -1;
    if (length > 0) {
      reply[length] = '\0';
      if (g_str_has_prefix (reply, "HTTP/1.1 200"))
        leaver->served++;
    }
    g_usleep (20 * 1000);  /* the server is back to waiting when the client goes */
    close (fd);
  }
  leaver->done = TRUE;
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
test_keepalive_client_leaves (void)
{
  Capped capped = { 0 };
  Leaver leaver = { 0 };
  GThread *thread;

  capped_start (&capped, 3);
  leaver.port = capped.port;
  thread = g_thread_new ("leaver", leaver_thread, &leaver);
  rtx_test_wait_for (&leaver.done, 120000);
  g_thread_join (thread);
  g_assert_cmpuint (leaver.served, ==, 10);

  for (guint waited = 0; rtx_listener_get_n_connections (capped.listener) > 0 && waited < 5000;
       waited += 50)
    iterate_for (50);
  g_assert_cmpuint (rtx_listener_get_n_connections (capped.listener), ==, 0);
  capped_stop (&capped);
}

/* ---- Out of descriptors ------------------------------------------------------------------ */

typedef struct {
  guint16    port;
  GArray    *fds;
  gboolean   done;
} Flood;

/* Connects until this process has no descriptor left. */
static gpointer
flood_thread (gpointer user_data)
{
  Flood *flood = user_data;
  int fd;

  while ((fd = connect_fd (flood->port)) >= 0)
    g_array_append_val (flood->fds, fd);

  flood->done = TRUE;
  g_main_context_wakeup (NULL);
  return NULL;
}

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_fd_exhaustion (Fixture       *fixture,
                    gconstpointer  data)
{
  RtxListener *listener = rtx_server_get_listener (fixture->server);
  struct rlimit saved, low;
  Flood flood = { rtx_server_get_port (fixture->server), g_array_new (FALSE, FALSE, sizeof (int)),
                  FALSE };
  g_autoptr(GString) ping = g_string_new (NULL);
  GThread *thread;

  g_string_printf (ping, "GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                   "Connection: close\r\n\r\n", flood.port);

  /* The server raised the limit when it started; lower it now so that a flood reaches it. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  low = saved;
  low.rlim_cur = count_open_fds () + 64;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &low), ==, 0);

  thread = g_thread_new ("flood", flood_thread, &flood);
  rtx_test_wait_for (&flood.done, 30000);
  g_thread_join (thread);
  iterate_for (300);
  g_test_message ("%u client sockets open; %" G_GUINT64_FORMAT " failed accepts",
                  flood.fds->len, rtx_listener_get_accept_failures (listener));
  g_assert_cmpuint (rtx_listener_get_accept_failures (listener), >, 0);

  /* The flood ends; the server serves again (libsoup's own listener never would). */
  for (guint i = 0; i < flood.fds->len; i++)
    close (g_array_index (flood.fds, int, i));
  g_array_free (flood.fds, TRUE);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &saved), ==, 0);

  {
    g_autoptr(RawResponse) response = raw_http_exchange (flood.port, ping->str, ping->len);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpstr (response->body, ==, "{\"online\":true}");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/rtx/api/limits/huge-body", test_huge_body);
  ADD ("/rtx/api/limits/huge-chunked-body", test_huge_chunked_body);
  ADD ("/rtx/api/limits/slow-headers", test_slow_headers);
  ADD ("/rtx/api/limits/fd-exhaustion", test_fd_exhaustion);
#undef ADD
  g_test_add_func ("/rtx/api/limits/connection-cap", test_connection_cap);
  g_test_add_func ("/rtx/api/limits/connection-eviction", test_connection_eviction);
  g_test_add_func ("/rtx/api/limits/keepalive-client-leaves", test_keepalive_client_leaves);

  return g_test_run ();
}
