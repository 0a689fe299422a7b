/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <cairo-pdf.h>
#include <libsoup/soup.h>

/* /api/ping latency of the real runtime while it ingests a 50 MB PDF and 10,000 small files,
 * against the same runtime idle (the peer), in one run. Usage:
 *   ping-during-ingest RUNTIME-BINARY WORK-DIR */

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static cairo_status_t
write_cb (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Pages of text, each with its own small image of noise, until the file reaches @bytes: a
 * long scanned-and-OCRed report rather than a few huge images. Each page gets a fresh image
 * surface: cairo writes an image it has seen once (same surface) only once, and a reused image
 * took 73,190 pages to reach 50 MB, past the extractor's page cap. */
#define NOISE_SIDE 160
#define TEXT_LINES 40

static GBytes *
make_big_pdf (gsize bytes)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream (write_cb, out, 595, 842);
  cairo_t *cr = cairo_create (pdf);
  GRand *rand = g_rand_new_with_seed (42);
  guint page = 0;

  while (out->len < bytes) {
    cairo_surface_t *noise = cairo_image_surface_create (CAIRO_FORMAT_RGB24, NOISE_SIDE, NOISE_SIDE);
    guint32 *px = (guint32 *) cairo_image_surface_get_data (noise);

    for (guint i = 0; i < NOISE_SIDE * NOISE_SIDE; i++)
      px[i] = g_rand_int (rand);
    cairo_surface_mark_dirty (noise);
    cairo_set_source_surface (cr, noise, 40, 560);
    cairo_paint (cr);
    cairo_surface_destroy (noise);
    cairo_set_source_rgb (cr, 0, 0, 0);
    cairo_set_font_size (cr, 10);
    for (guint l = 0; l < TEXT_LINES; l++) {
      g_autofree char *line = g_strdup_printf ("Page %u line %u: the survey of coastal lighthouses continues with keeper %u.",
                                               page, l, g_rand_int_range (rand, 0, 100000));

      cairo_move_to (cr, 40, 40 + 12 * l);
      cairo_show_text (cr, line);
    }
    cairo_show_page (cr);
    page++;
    /* cairo writes pages out as it goes. */
    cairo_surface_flush (pdf);
  }
  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  cairo_surface_destroy (pdf);
  g_rand_free (rand);
  g_printerr ("PDF: %u pages, %u bytes\n", page, out->len);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
multipart (const char *filename,
           GBytes     *contents,
           char      **type)
{
  GByteArray *body = g_byte_array_new ();
  g_autofree char *head = g_strdup_printf ("--BENCH\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n\r\n", filename);

  g_byte_array_append (body, (const guint8 *) head, strlen (head));
  g_byte_array_append (body, g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));
  g_byte_array_append (body, (const guint8 *) "\r\n--BENCH--\r\n", 13);
  *type = g_strdup ("multipart/form-data; boundary=BENCH");
  return g_byte_array_free_to_bytes (body);
}

typedef struct {
  guint16  port;
  char    *bearer;
  GBytes  *pdf;
  guint    n_small;
  gboolean done;
  char    *last_job;
} Loader;

static void
upload (SoupSession *session,
        Loader      *l,
        const char  *filename,
        GBytes      *contents)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/v1/document/upload?async=true", l->port);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autofree char *type = NULL;
  g_autoptr(GBytes) body = multipart (filename, contents, &type);
  g_autoptr(GBytes) reply = NULL;
  const char *id;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", l->bearer);
  soup_message_set_request_body_from_bytes (msg, type, body);
  reply = soup_session_send_and_read (session, msg, NULL, NULL);
  if (reply != NULL && (id = g_strstr_len (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), "\"id\":\"")) != NULL) {
    g_free (l->last_job);
    l->last_job = g_strndup (id + 6, 36);
  }
}

static gpointer
loader_thread (gpointer data)
{
  Loader *l = data;
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;

  g_main_context_push_thread_default (ctx);
  session = soup_session_new_with_options ("timeout", 120, NULL);
  upload (session, l, "survey.pdf", l->pdf);
  for (guint i = 0; i < l->n_small; i++) {
    g_autofree char *name = g_strdup_printf ("note-%05u.txt", i);
    g_autofree char *text = g_strdup_printf ("Note %u. The lighthouse keeper logged wind from the north-west and %u gulls.", i, i % 97);
    g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

    upload (session, l, name, bytes);
  }
  g_main_context_pop_thread_default (ctx);
  g_atomic_int_set (&l->done, TRUE);
  return NULL;
}

static double
ping_once (SoupSession *session,
           guint16      port)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/ping", port);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  double t0 = now ();
  g_autoptr(GBytes) reply = soup_session_send_and_read (session, msg, NULL, NULL);

  g_assert (soup_message_get_status (msg) == 200);
  return (now () - t0) * 1000;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what, GArray *lat)
{
  g_array_sort (lat, cmp_double);
  g_print ("| %s | %u | %.2f | %.2f | %.2f |\n", what, lat->len,
           g_array_index (lat, double, lat->len / 2),
           g_array_index (lat, double, lat->len * 99 / 100),
           g_array_index (lat, double, lat->len - 1));
}

static gboolean
job_done (SoupSession *session, Loader *l)
{
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;

  if (l->last_job == NULL)
    return FALSE;
  uri = g_strdup_printf ("http://127.0.0.1:%u/api/v1/document/jobs/%s", l->port, l->last_job);
  msg = soup_message_new ("GET", uri);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", l->bearer);
  reply = soup_session_send_and_read (session, msg, NULL, NULL);
  return reply != NULL && (g_strstr_len (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), "\"done\"") ||
                           g_strstr_len (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), "\"failed\""));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GSubprocess) runtime = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GArray) idle = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) busy = g_array_new (FALSE, FALSE, sizeof (double));
  Loader l = { 0 };
  GThread *thread;
  char *line;
  double start;

  if (argc < 3) {
    g_printerr ("usage: %s RUNTIME-BINARY WORK-DIR\n", argv[0]);
    return 2;
  }
  dir = g_build_filename (argv[2], "ping", NULL);
  g_mkdir_with_parents (dir, 0700);
  {
    const char *create[] = { argv[1], "keys", "create", "--name", "bench", "--data-dir", dir, NULL };
    g_autoptr(GSubprocess) p = g_subprocess_newv (create, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);

    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (p, NULL, NULL, &key, NULL, &error);
    g_strstrip (key);
  }
  l.bearer = g_strconcat ("Bearer ", key, NULL);
  runtime = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, argv[1], "--headless", "--port", "0",
                              "--data-dir", dir, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (runtime));
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL)) != NULL) {
    char *at = strstr (line, "http://127.0.0.1:");

    if (at != NULL)
      l.port = atoi (at + 17);
    g_free (line);
    if (l.port != 0)
      break;
  }

  session = soup_session_new ();
  for (guint i = 0; i < 1000; i++) {
    double ms = ping_once (session, l.port);

    g_array_append_val (idle, ms);
    g_usleep (5000);
  }

  l.pdf = make_big_pdf ((gsize) 50 << 20);
  /* RTX_BENCH_SMALL_FILES: fewer small files (see bench/RESULTS.md, 2026-11-27). */
  l.n_small = g_getenv ("RTX_BENCH_SMALL_FILES") != NULL ? atoi (g_getenv ("RTX_BENCH_SMALL_FILES")) : 10000;
  thread = g_thread_new ("loader", loader_thread, &l);
  start = now ();
  /* Ping every 10 ms until the last job ends (at most 15 minutes). */
  while (now () - start < 900) {
    double ms = ping_once (session, l.port);

    g_array_append_val (busy, ms);
    g_usleep (10000);
    if (g_atomic_int_get (&l.done) && busy->len % 50 == 0 && job_done (session, &l))
      break;
  }
  g_thread_join (thread);

  g_print ("\n## /api/ping while a 50 MB PDF and %u small files are ingested (%.0f s)\n\n", l.n_small, now () - start);
  g_print ("| runtime | pings | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n");
  report ("idle (the peer, same run)", idle);
  report ("ingesting", busy);
  g_print ("\np99 ingesting / p99 idle: %.2f\n", g_array_index (busy, double, busy->len * 99 / 100) /
           g_array_index (idle, double, idle->len * 99 / 100));

  g_subprocess_send_signal (runtime, SIGTERM);
  g_subprocess_wait (runtime, NULL, NULL);
  return 0;
}
