/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <json-glib/json-glib.h>

#include "rtx-json-scan.h"
#include "rtx-router.h"
#include "rtx-schema.h"

/* What the server spends on a JSON request body before the handler runs (scan, parse, check
 * against the operation's schema: rtx-server-dispatch.c), by body size, for vector upserts
 * (sdkVectorsUpsert's schema); against the peer, measured in the same run: one round trip
 * through a GTask worker thread and back to the main context, which is what moving that work
 * off the main loop costs. Where the two cross is where a body is worth a thread. Usage:
 *   body-parse-cost [ROUNDS] */

#define DIM 384

static GString *
vector_body (gsize target)
{
  GString *body = g_string_new ("{\"workspaceId\":\"bench\",\"vectors\":[");
  GRand *rand = g_rand_new_with_seed (7);
  guint n = 0;

  /* At least one vector, then whole vectors while they fit. */
  do {
    g_string_append_printf (body, "%s{\"id\":\"chunk_%u\",\"metadata\":{\"documentId\":\"d\"},"
                            "\"vector\":[", n > 0 ? "," : "", n);
    for (guint d = 0; d < DIM; d++)
      g_string_append_printf (body, "%s%.6f", d > 0 ? "," : "", g_rand_double_range (rand, -1, 1));
    g_string_append (body, "]}");
    n++;
  } while (body->len * (n + 1) / n < target);
  g_string_append (body, "]}");
  g_rand_free (rand);
  return body;
}

/* A small body of the same shape, cut to @target bytes: one short vector and padding in the
 * metadata. */
static GString *
small_body (gsize target)
{
  GString *body = g_string_new ("{\"vectors\":[{\"id\":\"a\",\"vector\":[0.1,0.2,0.3],"
                                "\"metadata\":{\"text\":\"");

  while (body->len + 6 < target)
    g_string_append_c (body, 'x');
  g_string_append (body, "\"}}]}");
  return body;
}

static double
parse_once (RtxRouter *router,
            JsonNode  *schema,
            GString   *body)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = rtx_json_parse_body (body->str, body->len, &error);

  g_assert_no_error (error);
  if (!rtx_schema_validate (router, schema, node, NULL, NULL, &error))
    g_error ("invalid bench body: %s", error->message);
  return (g_get_monotonic_time () - start);
}

static void
nothing (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  g_task_return_boolean (task, TRUE);
}

static void
on_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(gint64 *) user_data = g_get_monotonic_time ();
}

static double
hop_once (void)
{
  gint64 start = g_get_monotonic_time (), done = 0;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_done_cb, &done);

  g_task_run_in_thread (task, nothing);
  while (done == 0)
    g_main_context_iteration (NULL, TRUE);
  return done - start;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *samples)
{
  g_array_sort (samples, compare_doubles);
  return g_array_index (samples, double, samples->len / 2);
}

int
main (int   argc,
      char *argv[])
{
  static const gsize sizes[] = { 1024, 4096, 16384, 65536, 262144, 1048576, 16777216 - 4096 };
  guint rounds = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 50;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRouter) router = rtx_router_new (&error);
  g_autoptr(GArray) hops = g_array_new (FALSE, FALSE, sizeof (double));
  RtxOperation *operation;
  JsonNode *schema;
  gsize last_vectors = 0;
  double hop;

  setlocale (LC_ALL, "");
  g_assert_no_error (error);
  operation = rtx_router_lookup_operation (router, "sdkVectorsUpsert");
  schema = rtx_schema_request_body (router, operation, NULL);
  g_assert_nonnull (schema);

  for (guint i = 0; i < rounds * 10; i++) {
    double t = hop_once ();

    g_array_append_val (hops, t);
  }
  hop = median (hops);
  g_print ("peer: GTask round trip (worker thread and back to the main context): median %.1f µs "
           "over %u\n", hop, rounds * 10);
  g_print ("| body | shape | scan+parse+validate, median | ratio to the round trip |\n"
           "|---|---|---|---|\n");

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    for (guint shape = 0; shape < 2; shape++) {
      g_autoptr(GString) body = shape == 0 ? small_body (sizes[i]) : vector_body (sizes[i]);
      g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
      guint n = sizes[i] > 1048576 ? MAX (3, rounds / 10) : rounds;
      double t;

      /* One vector is already more than the smallest sizes. */
      if (shape == 1 && body->len == last_vectors)
        continue;
      if (shape == 1)
        last_vectors = body->len;
      for (guint r = 0; r < n; r++) {
        t = parse_once (router, schema, body);
        g_array_append_val (samples, t);
      }
      t = median (samples);
      g_print ("| %" G_GSIZE_FORMAT " B | %s | %.1f µs | %.1f× |\n", body->len,
               shape == 0 ? "one entry, long text" : "384-d vectors", t, t / hop);
    }
  }

  return 0;
}
