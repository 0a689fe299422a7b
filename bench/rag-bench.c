/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <time.h>
#include <string.h>

#include <glib/gstdio.h>

#include "rtx-chunker.h"
#include "rtx-documents.h"
#include "rtx-embedder-builtin.h"
#include "rtx-retriever.h"
#include "rtx-runtime.h"

/* Measurements of the documents issue (see bench/RESULTS.md and bench/rag-bench.sh):
 *   quality   recall@5 and MRR of BM25, vectors and hybrid on Debian's package descriptions
 *             (synopsis as the query, long description as the one relevant document)
 *   ingest    MB/s of plain text through chunk, built-in embed and index, by step, on one
 *             core, against FTS5 indexing alone of the same text (the peer)
 *   search    vector-search latency (p50, p99) at 10k and 100k chunks, and the scan's speed
 *             against a plain sequential read of the same bytes
 *   tile      the scan alone over a 10k workspace's vectors repeated to N rows */

typedef struct {
  char *name;
  char *synopsis;
  char *body;
} Package;

static void
package_free (Package *p)
{
  g_free (p->name);
  g_free (p->synopsis);
  g_free (p->body);
  g_free (p);
}

/* Translation-en: "Package:", "Description-en: synopsis", then the long description in
 * lines starting with a space (" ." is a blank line). */
static GPtrArray *
read_packages (const char *path,
               gsize       min_body)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) records = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) package_free);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("cannot read %s", path);
  records = g_strsplit (text, "\n\n", -1);
  for (guint i = 0; records[i] != NULL; i++) {
    g_auto(GStrv) lines = g_strsplit (records[i], "\n", -1);
    g_autoptr(GString) body = g_string_new (NULL);
    const char *name = NULL, *synopsis = NULL;
    Package *p;

    for (guint l = 0; lines[l] != NULL; l++) {
      if (g_str_has_prefix (lines[l], "Package: "))
        name = lines[l] + 9;
      else if (g_str_has_prefix (lines[l], "Description-en: "))
        synopsis = lines[l] + 16;
      else if (lines[l][0] == ' ' && synopsis != NULL)
        g_string_append (g_string_append (body, g_str_equal (lines[l], " .") ? "\n" : lines[l] + 1), "\n");
    }
    if (name == NULL || synopsis == NULL || body->len < min_body)
      continue;
    p = g_new0 (Package, 1);
    p->name = g_strdup (name);
    p->synopsis = g_strdup (synopsis);
    p->body = g_string_free (g_steal_pointer (&body), FALSE);
    g_ptr_array_add (out, p);
  }
  return out;
}

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* This thread's CPU time: the cost on one core, whatever else the machine runs. */
static double
cpu (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct {
  RtxRuntime   *runtime;
  RtxWorkspace *workspace;
  char         *dir;
} Store;

static void
store_open (Store      *s,
            const char *root,
            const char *name)
{
  g_autoptr(GError) error = NULL;

  s->dir = g_build_filename (root, name, NULL);
  g_mkdir_with_parents (s->dir, 0700);
  s->runtime = rtx_runtime_new (s->dir, &error);
  g_assert_no_error (error);
  s->workspace = rtx_workspaces_create (rtx_runtime_get_workspaces (s->runtime), name, NULL, &error);
  g_assert_no_error (error);
}

static void
store_close (Store *s)
{
  rtx_workspace_free (s->workspace);
  g_object_unref (s->runtime);
  g_free (s->dir);
}

/* One document, chunked, stored and embedded into the workspace. Times each step. */
static gint64
ingest (Store      *s,
        const char *title,
        const char *text,
        double      times[6])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chunks = NULL;
  g_autofree RtxDocumentChunk *rows = NULL;
  RtxDocument doc = { 0 };
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *stem = rtx_documents_safe_stem (title);
  g_autofree char *name = g_strdup_printf ("%s-%s.json", stem, uuid);
  double t0 = now (), t1, t2, c0 = cpu (), c1, c2;

  chunks = rtx_chunk_text (text, RTX_CHUNK_DEFAULT_TOKENS, RTX_CHUNK_DEFAULT_OVERLAP);
  rows = g_new0 (RtxDocumentChunk, chunks->len);
  for (guint i = 0; i < chunks->len; i++) {
    rows[i].text = ((RtxChunk *) g_ptr_array_index (chunks, i))->text;
    rows[i].tokens = ((RtxChunk *) g_ptr_array_index (chunks, i))->tokens;
  }
  t1 = now ();
  c1 = cpu ();
  doc.doc_id = uuid;
  doc.folder = (char *) "bench";
  doc.name = name;
  doc.title = (char *) title;
  doc.created_at = 1;
  g_assert_true (rtx_documents_insert (rtx_runtime_get_documents (s->runtime), &doc, text, rows, chunks->len, &error));
  t2 = now ();
  c2 = cpu ();
  g_assert_true (rtx_retriever_embed_document (rtx_retriever_get (s->runtime), s->workspace->id, doc.id, &error));
  times[0] += t1 - t0;
  times[1] += t2 - t1;
  times[2] += now () - t2;
  times[3] += c1 - c0;
  times[4] += c2 - c1;
  times[5] += cpu () - c2;
  return doc.id;
}

/* ---- quality ----------------------------------------------------------------------------- */

typedef struct {
  double recall5;
  double mrr;
} Quality;

static Quality
evaluate (Store            *s,
          GPtrArray        *packages,
          guint             first,
          guint             n,
          const gint64     *ids,
          RtxRetrievalMode  mode)
{
  guint found5 = 0;
  double mrr = 0;

  for (guint i = 0; i < n; i++) {
    Package *p = g_ptr_array_index (packages, first + i);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) hits = rtx_retriever_search (rtx_retriever_get (s->runtime), s->workspace->id,
                                                      p->synopsis, 10, 0, mode, &error);
    guint rank = 0;
    g_autoptr(GHashTable) docs = g_hash_table_new (g_int64_hash, g_int64_equal);

    g_assert_no_error (error);
    /* Ranks count documents, not chunks: a document's later chunks do not push it down. */
    for (guint h = 0; h < hits->len && rank == 0; h++) {
      RtxHit *hit = g_ptr_array_index (hits, h);

      if (hit->document_id == ids[i])
        rank = g_hash_table_size (docs) + 1;
      g_hash_table_add (docs, &hit->document_id);
    }
    if (rank >= 1 && rank <= 5)
      found5++;
    if (rank >= 1)
      mrr += 1.0 / rank;
  }
  return (Quality) { (double) found5 / n, mrr / n };
}

/* The fusion weight is chosen on a development split (the packages after the reported ones). */
static void
bench_tune (GPtrArray  *packages,
            const char *root,
            guint       first,
            guint       n)
{
  Store s;
  g_autofree gint64 *ids = g_new (gint64, n);
  double times[6] = { 0 };
  const double weights[] = { 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7 };

  store_open (&s, root, "tune");
  for (guint i = 0; i < n; i++) {
    Package *p = g_ptr_array_index (packages, first + i);

    ids[i] = ingest (&s, p->name, p->body, times);
  }
  g_print ("\n## Fusion weight on the development split (packages %u to %u)\n\n", first, first + n - 1);
  g_print ("| vectors' weight w (BM25's 1 - w) | recall@5 | MRR@10 |\n|---|---|---|\n");
  {
    Quality b = evaluate (&s, packages, first, n, ids, RTX_RETRIEVAL_BM25);
    Quality v = evaluate (&s, packages, first, n, ids, RTX_RETRIEVAL_VECTOR);

    g_print ("| BM25 alone | %.3f | %.3f |\n| vectors alone | %.3f | %.3f |\n", b.recall5, b.mrr, v.recall5, v.mrr);
  }
  for (guint w = 0; w < G_N_ELEMENTS (weights); w++) {
    Quality q;

    rtx_retriever_set_vector_weight (rtx_retriever_get (s.runtime), weights[w]);
    q = evaluate (&s, packages, first, n, ids, RTX_RETRIEVAL_HYBRID);
    g_print ("| %.2f | %.3f | %.3f |\n", weights[w], q.recall5, q.mrr);
  }
  store_close (&s);
}

static void
bench_quality (GPtrArray  *packages,
               const char *root,
               guint       n)
{
  Store s;
  g_autofree gint64 *ids = g_new (gint64, n);
  double times[6] = { 0 };
  const char *names[] = { "BM25 alone", "vectors alone", "hybrid (default weight)" };
  RtxRetrievalMode modes[] = { RTX_RETRIEVAL_BM25, RTX_RETRIEVAL_VECTOR, RTX_RETRIEVAL_HYBRID };

  store_open (&s, root, "quality");
  for (guint i = 0; i < n; i++) {
    Package *p = g_ptr_array_index (packages, i);

    ids[i] = ingest (&s, p->name, p->body, times);
  }

  g_print ("\n## Retrieval quality: %u Debian package descriptions (synopsis → its long description)\n\n", n);
  g_print ("| ranking | recall@5 | MRR@10 |\n|---|---|---|\n");
  for (guint m = 0; m < G_N_ELEMENTS (modes); m++) {
    Quality q = evaluate (&s, packages, 0, n, ids, modes[m]);

    g_print ("| %s | %.3f | %.3f |\n", names[m], q.recall5, q.mrr);
  }
  store_close (&s);
}

/* ---- ingest ------------------------------------------------------------------------------ */

static void
bench_ingest (GPtrArray  *packages,
              const char *root,
              guint       n_docs)
{
  Store s;
  double times[6] = { 0 };
  gsize bytes = 0;
  double t0, fts_time, fts_cpu, c0;
  sqlite3 *db = NULL;
  g_autofree char *peer_path = g_build_filename (root, "fts-peer.db", NULL);
  g_autoptr(GString) all = g_string_new (NULL);

  store_open (&s, root, "ingest");
  /* Documents of about 64 KB each, made of consecutive descriptions. */
  for (guint i = 0; i < packages->len && all->len < (gsize) n_docs * 65536; i++) {
    Package *p = g_ptr_array_index (packages, i);

    g_string_append (all, p->body);
    g_string_append_c (all, '\n');
  }
  for (gsize off = 0; off < all->len; off += 65536) {
    g_autofree char *part = g_strndup (all->str + off, MIN (65536, all->len - off));
    g_autofree char *title = g_strdup_printf ("part%zu", off / 65536);

    /* Keep UTF-8 whole at the cut. */
    g_autofree char *valid = g_utf8_make_valid (part, -1);
    bytes += strlen (valid);
    ingest (&s, title, valid, times);
  }
  store_close (&s);

  /* The peer: FTS5 indexing alone of the same bytes, same chunk rows, same file system. */
  g_unlink (peer_path);
  g_assert_cmpint (sqlite3_open (peer_path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                    "CREATE VIRTUAL TABLE t USING fts5 (text, tokenize = 'porter unicode61 remove_diacritics 2');",
                NULL, NULL, NULL);
  t0 = now ();
  c0 = cpu ();
  for (gsize off = 0; off < all->len; off += 65536) {
    g_autofree char *part = g_strndup (all->str + off, MIN (65536, all->len - off));
    sqlite3_stmt *stmt = NULL;

    sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    sqlite3_prepare_v2 (db, "INSERT INTO t (text) VALUES (?1)", -1, &stmt, NULL);
    sqlite3_bind_text (stmt, 1, part, -1, SQLITE_STATIC);
    sqlite3_step (stmt);
    sqlite3_finalize (stmt);
    sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  }
  fts_time = now () - t0;
  fts_cpu = cpu () - c0;
  sqlite3_close (db);

  {
    double mb = bytes / 1e6;
    double total = times[0] + times[1] + times[2];
    double cpu_total = times[3] + times[4] + times[5];

    g_print ("\n## Ingestion of plain text: %.1f MB in %zu documents of 64 KB, one thread\n\n", mb, all->len / 65536 + 1);
    g_print ("| step | wall s | CPU s (one core) | MB/s of CPU | share of CPU |\n|---|---|---|---|---|\n");
    g_print ("| chunk (sentence-aware) | %.3f | %.3f | %.1f | %.0f%% |\n", times[0], times[3], mb / times[3], 100 * times[3] / cpu_total);
    g_print ("| store + FTS5 index (one transaction per document) | %.3f | %.3f | %.1f | %.0f%% |\n", times[1], times[4], mb / times[4], 100 * times[4] / cpu_total);
    g_print ("| built-in embed + vectors (one transaction per document) | %.3f | %.3f | %.2f | %.0f%% |\n", times[2], times[5], mb / times[5], 100 * times[5] / cpu_total);
    g_print ("| **whole pipeline** | %.3f | %.3f | **%.2f** | 100%% |\n", total, cpu_total, mb / cpu_total);
    g_print ("| peer: FTS5 indexing alone of the same text | %.3f | %.3f | %.1f | |\n", fts_time, fts_cpu, mb / fts_cpu);
    g_print ("\nPipeline CPU speed / FTS5-only CPU speed: %.3f\n", fts_cpu / cpu_total);
  }
}

/* ---- search ------------------------------------------------------------------------------ */

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* A plain sequential read of the same bytes: the memory-bandwidth floor. */
static float
plain_read (const float *data,
            gsize        n)
{
  typedef float v8 __attribute__ ((vector_size (32)));
  v8 acc = { 0 };

  for (gsize i = 0; i + 8 <= n; i += 8) {
    v8 x;

    memcpy (&x, data + i, sizeof x);
    acc += x;
  }
  return acc[0] + acc[1] + acc[2] + acc[3] + acc[4] + acc[5] + acc[6] + acc[7];
}

static void
bench_search (GPtrArray  *packages,
              const char *root,
              guint       target)
{
  Store s;
  double times[6] = { 0 };
  guint chunks = 0, queries = 200;
  g_autofree double *lat = g_new (double, queries);
  g_autofree char *name = g_strdup_printf ("search-%u", target);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  g_autofree float *matrix = NULL;
  guint rows = 0;
  double scan_best = 1e9, read_best = 1e9;
  volatile float sink = 0;

  store_open (&s, root, name);
  /* Documents of about 64 KB made of consecutive descriptions, taken round after round until
   * the workspace holds enough chunks. */
  for (guint i = 0, part = 0; chunks < target; part++) {
    g_autoptr(GString) text = g_string_new (NULL);
    g_autofree char *title = g_strdup_printf ("part%u", part);
    g_autoptr(GPtrArray) c = NULL;

    while (text->len < 65536) {
      g_string_append (text, ((Package *) g_ptr_array_index (packages, i++ % packages->len))->body);
      g_string_append_c (text, '\n');
    }
    c = rtx_chunk_text (text->str, RTX_CHUNK_DEFAULT_TOKENS, RTX_CHUNK_DEFAULT_OVERLAP);
    chunks += c->len;
    ingest (&s, title, text->str, times);
  }

  for (guint q = 0; q < 20; q++) {
    g_autoptr(GPtrArray) warm = rtx_retriever_search (rtx_retriever_get (s.runtime), s.workspace->id,
                                                      ((Package *) g_ptr_array_index (packages, q))->synopsis,
                                                      4, 0, RTX_RETRIEVAL_HYBRID, NULL);
  }
  for (guint q = 0; q < queries; q++) {
    Package *p = g_ptr_array_index (packages, (q * 7919) % packages->len);
    double t0 = now ();
    g_autoptr(GPtrArray) hits = rtx_retriever_search (rtx_retriever_get (s.runtime), s.workspace->id,
                                                      p->synopsis, 4, 0, RTX_RETRIEVAL_HYBRID, NULL);

    lat[q] = (now () - t0) * 1000;
    g_assert_nonnull (hits);
  }
  qsort (lat, queries, sizeof (double), cmp_double);

  /* The scan alone against a plain read of the same matrix. */
  db = rtx_db_get_handle (rtx_runtime_get_db (s.runtime), NULL);
  matrix = g_new (float, (gsize) chunks * 2 * RTX_EMBEDDER_BUILTIN_DIM);
  sqlite3_prepare_v2 (db, "SELECT vector FROM chunk_vectors", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW && rows < chunks * 2) {
    memcpy (matrix + (gsize) rows * RTX_EMBEDDER_BUILTIN_DIM, sqlite3_column_blob (stmt, 0),
            RTX_EMBEDDER_BUILTIN_DIM * sizeof (float));
    rows++;
  }
  sqlite3_finalize (stmt);
  {
    g_autofree float *sims = g_new (float, rows);
    g_autofree guint *best = g_new (guint, 40);
    guint n_best;
    const float *query = matrix;

    for (guint rep = 0; rep < 15; rep++) {
      double t0 = now ();

      rtx_retriever_scan (matrix, rows, RTX_EMBEDDER_BUILTIN_DIM, query, sims, 40, best, &n_best);
      scan_best = MIN (scan_best, now () - t0);
      t0 = now ();
      sink += plain_read (matrix, (gsize) rows * RTX_EMBEDDER_BUILTIN_DIM);
      read_best = MIN (read_best, now () - t0);
    }
  }

  g_print ("| %u chunks (%u vectors, %.0f MB of floats) | %.2f | %.2f | %.2f ms (%.1f GB/s) | %.2f ms (%.1f GB/s) | **%.2f** |\n",
           chunks, rows, rows * RTX_EMBEDDER_BUILTIN_DIM * 4 / 1e6, lat[queries / 2], lat[queries * 99 / 100],
           scan_best * 1000, rows * RTX_EMBEDDER_BUILTIN_DIM * 4 / scan_best / 1e9,
           read_best * 1000, rows * RTX_EMBEDDER_BUILTIN_DIM * 4 / read_best / 1e9, read_best / scan_best);
  store_close (&s);
  (void) sink;
}

/* The scan at 100k rows without embedding 100k chunks: the real vectors of a 10k-chunk
 * workspace, repeated. Only the scan is timed (the bytes, not their values, matter). */
static void
bench_tile (const char *db_path,
            guint       target)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GArray *real = g_array_new (FALSE, FALSE, sizeof (float));
  g_autofree float *matrix = NULL;
  g_autofree float *sims = g_new (float, target);
  g_autofree guint *best = g_new (guint, 40);
  guint n_real, n_best;
  double scan_best = 1e9, read_best = 1e9;
  volatile float sink = 0;
  gsize dim = RTX_EMBEDDER_BUILTIN_DIM;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_prepare_v2 (db, "SELECT vector FROM chunk_vectors", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_array_append_vals (real, sqlite3_column_blob (stmt, 0), dim);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  n_real = real->len / dim;
  matrix = g_new (float, (gsize) target * dim);
  for (guint r = 0; r < target; r++)
    memcpy (matrix + (gsize) r * dim, &g_array_index (real, float, (gsize) (r % n_real) * dim), dim * sizeof (float));
  for (guint rep = 0; rep < 15; rep++) {
    double t0 = now ();

    rtx_retriever_scan (matrix, target, dim, matrix + 7 * dim, sims, 40, best, &n_best);
    scan_best = MIN (scan_best, now () - t0);
    t0 = now ();
    sink += plain_read (matrix, (gsize) target * dim);
    read_best = MIN (read_best, now () - t0);
  }
  g_print ("| %u rows (%u real vectors repeated, %.0f MB) | scan only | | %.2f ms (%.1f GB/s) | %.2f ms (%.1f GB/s) | **%.2f** |\n",
           target, n_real, target * dim * 4 / 1e6, scan_best * 1000, target * dim * 4 / scan_best / 1e9,
           read_best * 1000, target * dim * 4 / read_best / 1e9, read_best / scan_best);
  g_array_unref (real);
  (void) sink;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) packages = NULL;
  g_autofree char *root = NULL;
  const char *what;

  if (argc < 4) {
    g_printerr ("usage: %s TRANSLATION-EN-FILE WORK-DIR tune|quality|ingest|search [N]\n", argv[0]);
    return 2;
  }
  root = g_strdup (argv[2]);
  what = argv[3];
  packages = read_packages (argv[1], 200);
  g_printerr ("%u package descriptions of 200 bytes or more\n", packages->len);

  if (g_str_equal (what, "tune"))
    bench_tune (packages, root, 3000, argc > 4 ? atoi (argv[4]) : 1000);
  else if (g_str_equal (what, "quality"))
    bench_quality (packages, root, argc > 4 ? atoi (argv[4]) : 3000);
  else if (g_str_equal (what, "ingest"))
    bench_ingest (packages, root, argc > 4 ? atoi (argv[4]) : 160);
  else if (g_str_equal (what, "search")) {
    g_print ("\n## vector-search (hybrid, topN 4), 200 queries after 20 to warm up\n\n");
    g_print ("| workspace | p50 ms | p99 ms | scan (best of 15) | plain read of the same bytes | read time / scan time |\n|---|---|---|---|---|---|\n");
    /* Real chunks at both sizes: each workspace is embedded and indexed through the same
     * path as an upload. */
    if (argc > 4) {
      for (int i = 4; i < argc; i++)
        bench_search (packages, root, atoi (argv[i]));
    } else {
      bench_search (packages, root, 10000);
      bench_search (packages, root, 100000);
    }
  } else if (g_str_equal (what, "tile")) {
    g_autofree char *db = g_build_filename (root, "search-10000", "runtime.db", NULL);

    bench_tile (db, argc > 4 ? atoi (argv[4]) : 100000);
  }
  return 0;
}
