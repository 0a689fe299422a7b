/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "rtx-api-client.h"
#include "rtx-documents.h"
#include "rtx-ingest.h"
#include "rtx-test-fixtures.h"
#include "rtx-test-utils.h"

/* The document routes against a live server: every supported type made by the test and
 * uploaded, folders, the traversal corpus, bad files, an upload far over the cap, and jobs. */

#define UPLOAD_CAP (8 << 20)

typedef RtxApiFixture Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  rtx_api_fixture_setup (fixture, "api-documents");
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  rtx_api_fixture_teardown (fixture);
}

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static gint64
folder_count (Fixture    *fixture,
              const char *folder)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/documents/folder/%s", folder);
  g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "GET", path, NULL);

  if (r->status == 404)
    return -1;
  g_assert_cmpuint (r->status, ==, 200);
  return json_object_get_int_member (rtx_api_object (r), "totalCount");
}

static void
assert_ping (Fixture *fixture)
{
  g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "GET", "/api/ping", NULL);

  g_assert_cmpuint (r->status, ==, 200);
}

/* Uploads @bytes as @filename and checks that the stored text holds @passage. */
static char *
upload_expect (Fixture    *fixture,
               const char *filename,
               GBytes     *bytes,
               const char *passage)
{
  g_autoptr(RtxApiResponse) r = rtx_api_upload (fixture, "/api/v1/document/upload", filename, bytes, NULL);
  const char *content;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (rtx_api_object (r), "success"));
  content = rtx_api_string (r, "documents.0.pageContent");
  g_assert_nonnull (content);
  g_assert_nonnull (strstr (content, passage));
  g_assert_true (g_str_has_prefix (rtx_api_string (r, "documents.0.location"), "custom-documents/"));
  g_assert_nonnull (rtx_api_string (r, "documents.0.id"));
  return g_strdup (rtx_api_string (r, "documents.0.location"));
}

static void
test_types (Fixture       *fixture,
            gconstpointer  data)
{
  const char *pages[] = { "Beavers build dams from branches and mud.", NULL };
  const char *rows[] = { "City|River", "Cairo|Nile", NULL };
  g_autoptr(GBytes) pdf = rtx_test_make_pdf (pages, "Beavers");
  g_autoptr(GBytes) docx = rtx_test_make_docx ("Owls can rotate their heads 270 degrees.");
  g_autoptr(GBytes) xlsx = rtx_test_make_xlsx (rows);
  g_autoptr(GBytes) pptx = rtx_test_make_pptx ("Slide about glaciers melting.");
  g_autoptr(GBytes) odt = rtx_test_make_odt ("Odt text about comets.");
  g_autoptr(GBytes) txt = text_bytes ("Plain text about hedgehogs.");
  g_autoptr(GBytes) md = text_bytes ("# Title\n\nMarkdown about *sloths*.");
  g_autoptr(GBytes) html = text_bytes ("<html><body><p>HTML about koalas.</p><script>x()</script></body></html>");
  g_autoptr(GBytes) csv = text_bytes ("name,food\npanda,bamboo\n");
  g_autoptr(GBytes) json = text_bytes ("{\"animal\": \"walrus\", \"tusks\": 2}");
  g_autoptr(GBytes) code = text_bytes ("int main (void) { return puts (\"lemur\"); }\n");
  g_autofree char *location = NULL;
  g_autoptr(RtxApiResponse) tree = NULL;
  g_autoptr(RtxApiResponse) one = NULL;
  g_autoptr(RtxApiResponse) raw = NULL;
  g_autoptr(RtxApiResponse) types = NULL;
  g_autoptr(RtxApiResponse) schema = NULL;
  g_autofree char *doc_path = NULL;
  g_autofree char *on_disk = NULL;
  char *slash;

  g_free (upload_expect (fixture, "beavers.pdf", pdf, "Beavers build dams"));
  g_free (upload_expect (fixture, "owls.docx", docx, "Owls can rotate"));
  g_free (upload_expect (fixture, "cities.xlsx", xlsx, "Cairo\tNile"));
  g_free (upload_expect (fixture, "deck.pptx", pptx, "glaciers melting"));
  g_free (upload_expect (fixture, "comets.odt", odt, "comets"));
  g_free (upload_expect (fixture, "md.md", md, "Markdown about *sloths*."));
  g_free (upload_expect (fixture, "page.html", html, "HTML about koalas."));
  g_free (upload_expect (fixture, "food.csv", csv, "panda,bamboo"));
  g_free (upload_expect (fixture, "walrus.json", json, "walrus"));
  g_free (upload_expect (fixture, "lemur.c", code, "lemur"));
  location = upload_expect (fixture, "hedgehogs.txt", txt, "hedgehogs");

  g_assert_cmpint (folder_count (fixture, RTX_DOCUMENTS_DEFAULT_FOLDER), ==, 11);

  /* The parsed form is on disk where AnythingLLM keeps it. */
  doc_path = g_build_filename (fixture->data_dir, "documents", location, NULL);
  g_assert_true (g_file_get_contents (doc_path, &on_disk, NULL, NULL));
  g_assert_nonnull (strstr (on_disk, "\"pageContent\""));

  tree = rtx_api_call (fixture, "GET", "/api/v1/documents", NULL);
  g_assert_cmpuint (tree->status, ==, 200);
  g_assert_cmpstr (rtx_api_string (tree, "localFiles.name"), ==, "documents");
  g_assert_cmpstr (rtx_api_string (tree, "localFiles.items.0.name"), ==, RTX_DOCUMENTS_DEFAULT_FOLDER);
  g_assert_nonnull (rtx_api_string (tree, "localFiles.items.0.items.10.title"));

  slash = strchr (location, '/');
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/document/%s", slash + 1);

    one = rtx_api_call (fixture, "GET", path, NULL);
  }
  g_assert_cmpuint (one->status, ==, 200);
  g_assert_cmpstr (rtx_api_string (one, "document.type"), ==, "file");
  g_assert_cmpstr (rtx_api_string (one, "document.title"), ==, "hedgehogs.txt");

  raw = rtx_api_call (fixture, "POST", "/api/v1/document/raw-text",
                      "{\"textContent\":\"Raw text about narwhals.\",\"metadata\":{\"title\":\"Narwhals\",\"docAuthor\":\"Me\"}}");
  g_assert_cmpuint (raw->status, ==, 200);
  g_assert_cmpstr (rtx_api_string (raw, "documents.0.title"), ==, "Narwhals");
  g_assert_cmpstr (rtx_api_string (raw, "documents.0.docAuthor"), ==, "Me");
  g_assert_true (g_str_has_prefix (rtx_api_string (raw, "documents.0.location"), "custom-documents/raw-Narwhals-"));

  types = rtx_api_call (fixture, "GET", "/api/v1/document/accepted-file-types", NULL);
  g_assert_cmpuint (types->status, ==, 200);
  g_assert_true (json_object_has_member (json_object_get_object_member (rtx_api_object (types), "types"),
                                         "application/pdf"));
  schema = rtx_api_call (fixture, "GET", "/api/v1/document/metadata-schema", NULL);
  g_assert_cmpuint (schema->status, ==, 200);
}

static void
test_raw_text_errors (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *bodies[] = {
    "{\"textContent\":\"\",\"metadata\":{\"title\":\"x\"}}",
    "{\"textContent\":\"text\"}",
    "{\"textContent\":\"text\",\"metadata\":{}}",
    "{\"textContent\":\"text\",\"metadata\":{\"title\":\"x\"},\"addToWorkspaces\":[\"a\"]}",
    "{\"textContent\":\"text\",\"metadata\":\"not json\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "POST", "/api/v1/document/raw-text", bodies[i]);

    g_assert_cmpuint (r->status, >=, 400);
    g_assert_cmpuint (r->status, <, 500);
  }
  g_assert_cmpint (folder_count (fixture, RTX_DOCUMENTS_DEFAULT_FOLDER), ==, 0);
}

static void
test_folders (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GBytes) txt = text_bytes ("Folder text about lynxes.");
  g_autoptr(RtxApiResponse) up = rtx_api_upload (fixture, "/api/v1/document/upload/Field%20Notes", "lynx.txt", txt, NULL);
  g_autoptr(RtxApiResponse) again = NULL;
  g_autoptr(RtxApiResponse) created = NULL;
  g_autoptr(RtxApiResponse) moved = NULL;
  g_autoptr(RtxApiResponse) removed = NULL;
  g_autoptr(RtxApiResponse) gone = NULL;
  g_autoptr(RtxApiResponse) paged = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *move = NULL;
  g_autofree char *remove = NULL;

  g_assert_cmpuint (up->status, ==, 200);
  from = g_strdup (rtx_api_string (up, "documents.0.location"));
  g_assert_true (g_str_has_prefix (from, "Field Notes/"));
  g_assert_cmpint (folder_count (fixture, "Field%20Notes"), ==, 1);

  created = rtx_api_call (fixture, "POST", "/api/v1/document/create-folder", "{\"name\":\"archive\"}");
  g_assert_cmpuint (created->status, ==, 200);
  again = rtx_api_call (fixture, "POST", "/api/v1/document/create-folder", "{\"name\":\"archive\"}");
  g_assert_cmpuint (again->status, ==, 409);

  to = g_strconcat ("archive/", strchr (from, '/') + 1, NULL);
  move = g_strdup_printf ("{\"files\":[{\"from\":\"%s\",\"to\":\"%s\"}]}", from, to);
  moved = rtx_api_call (fixture, "POST", "/api/v1/document/move-files", move);
  g_assert_cmpuint (moved->status, ==, 200);
  g_assert_cmpint (folder_count (fixture, "Field%20Notes"), ==, 0);
  g_assert_cmpint (folder_count (fixture, "archive"), ==, 1);

  paged = rtx_api_call (fixture, "GET", "/api/v1/documents?folder=archive&offset=0&limit=1", NULL);
  g_assert_cmpuint (paged->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (rtx_api_object (paged), "code"), ==, 200);

  remove = g_strdup_printf ("{\"names\":[\"%s\",\"archive/unknown.json\"]}", to);
  removed = rtx_api_call (fixture, "DELETE", "/api/v1/system/remove-documents", remove);
  g_assert_cmpuint (removed->status, ==, 200);
  g_assert_cmpint (folder_count (fixture, "archive"), ==, 0);

  gone = rtx_api_call (fixture, "DELETE", "/api/v1/document/remove-folder", "{\"name\":\"archive\"}");
  g_assert_cmpuint (gone->status, ==, 200);
  g_assert_cmpint (folder_count (fixture, "archive"), ==, -1);
}

/* Names of every file and directory under @dir, sorted, symlinks not followed. */
static void
list_tree (const char *dir,
           GPtrArray  *out)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL) {
    g_autofree char *path = g_build_filename (dir, name, NULL);

    g_ptr_array_add (out, g_strdup (path));
    if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
      list_tree (path, out);
  }
}

static void
test_traversal (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *parent = g_path_get_dirname (fixture->data_dir);
  g_autofree char *outside = g_strconcat (fixture->data_dir, "-outside", NULL);
  g_autofree char *docs_dir = g_build_filename (fixture->data_dir, "documents", NULL);
  g_autofree char *link = g_build_filename (docs_dir, "linked", NULL);
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) after = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) txt = text_bytes ("Traversal payload.");
  const char *filenames[] = { "../../escape.txt", "..\\\\..\\\\escape.txt", "/etc/escape.txt",
                              "%2e%2e%2fescape.txt", "C:\\\\Windows\\\\escape.txt", "\\u202etxt.exe.txt",
                              "....//....//escape.txt" };
  const char *folders[] = { "..", "%2e%2e", "..%2f..%2foutside", "a%5c..%5c..", "%00evil", ".hidden",
                            "a%2Fb", "%2Ftmp", "..%5C..%5Cx" };
  const char *json_bodies[][2] = {
    { "/api/v1/document/create-folder", "{\"name\":\"../outside\"}" },
    { "/api/v1/document/create-folder", "{\"name\":\"a/b\"}" },
    { "/api/v1/document/create-folder", "{\"name\":\"..\\\\x\"}" },
    { "/api/v1/document/create-folder", "{\"name\":\"/tmp/x\"}" },
    { "/api/v1/document/create-folder", "{\"name\":\"linked\"}" },
    { "/api/v1/document/move-files", "{\"files\":[{\"from\":\"custom-documents/x.json\",\"to\":\"../x.json\"}]}" },
    { "/api/v1/document/move-files", "{\"files\":[{\"from\":\"../../runtime.db\",\"to\":\"custom-documents/runtime.db\"}]}" },
  };
  g_autofree char *outside_file = NULL;

  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (docs_dir, 0700), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  list_tree (parent, before);

  for (guint i = 0; i < G_N_ELEMENTS (filenames); i++) {
    g_autoptr(RtxApiResponse) r = rtx_api_upload (fixture, "/api/v1/document/upload", filenames[i], txt, NULL);
    const char *location;

    /* A hostile name is only ever a title: the stored name is ours. */
    g_assert_cmpuint (r->status, ==, 200);
    location = rtx_api_string (r, "documents.0.location");
    g_assert_true (g_str_has_prefix (location, "custom-documents/"));
    g_assert_null (strstr (location + strlen ("custom-documents/"), "/"));
    g_assert_null (strstr (location, ".."));
    g_assert_null (strstr (location, "\\"));
  }

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++) {
    g_autofree char *path = g_strdup_printf ("/api/v1/document/upload/%s", folders[i]);
    g_autoptr(RtxApiResponse) r = rtx_api_upload (fixture, path, "x.txt", txt, NULL);
    g_autofree char *list_path = g_strdup_printf ("/api/v1/documents/folder/%s", folders[i]);
    g_autoptr(RtxApiResponse) l = rtx_api_call (fixture, "GET", list_path, NULL);

    g_assert_cmpuint (r->status, >=, 400);
    g_assert_cmpuint (r->status, <, 500);
    g_assert_cmpuint (l->status, >=, 400);
    g_assert_cmpuint (l->status, <, 500);
  }

  /* Through the symlink planted in the documents directory: refused, nothing written there. */
  {
    g_autoptr(RtxApiResponse) r = rtx_api_upload (fixture, "/api/v1/document/upload/linked", "x.txt", txt, NULL);

    g_assert_cmpuint (r->status, ==, 422);
    g_assert_false (json_object_get_boolean_member (rtx_api_object (r), "success"));
  }

  for (guint i = 0; i < G_N_ELEMENTS (json_bodies); i++) {
    g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "POST", json_bodies[i][0], json_bodies[i][1]);

    g_assert_cmpuint (r->status, >=, 400);
    g_assert_cmpuint (r->status, <, 500);
  }
  {
    g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "DELETE", "/api/v1/system/remove-documents",
                                                "{\"names\":[\"../runtime.db\",\"../../x\",\"/etc/passwd\"]}");
    g_assert_cmpuint (r->status, ==, 200);
  }
  {
    g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "GET", "/api/v1/document/..%2Fruntime.db", NULL);

    g_assert_cmpuint (r->status, >=, 400);
    g_assert_cmpuint (r->status, <, 500);
  }

  /* Nothing appeared outside the data directory, and nothing in the linked directory. */
  list_tree (parent, after);
  for (guint i = 0; i < after->len; i++) {
    const char *path = g_ptr_array_index (after, i);

    if (g_str_has_prefix (path, fixture->data_dir) && path[strlen (fixture->data_dir)] == '/')
      continue;
    if (!g_ptr_array_find_with_equal_func (before, path, g_str_equal, NULL) &&
        !g_str_has_prefix (path, parent))
      g_error ("%s appeared outside the data directory", path);
    g_assert_false (g_str_has_prefix (path, outside) && strlen (path) > strlen (outside));
  }
  outside_file = g_build_filename (outside, "x.txt", NULL);
  g_assert_false (g_file_test (outside_file, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test ("/etc/escape.txt", G_FILE_TEST_EXISTS));
  assert_ping (fixture);

  g_unlink (link);
  g_rmdir (outside);
}

static void
test_bad_files (Fixture       *fixture,
                gconstpointer  data)
{
  const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                       "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><w:document xmlns:w=\"w\"><w:t>&c;</w:t></w:document>";
  RtxTestZipEntry laugh_entries[] = { { "word/document.xml", laughs, -1 } };
  g_autoptr(GBytes) laugh = rtx_test_make_zip (laugh_entries, 1);
  gsize big = 64 << 20;
  g_autofree char *filler = g_malloc (big);
  RtxTestZipEntry bomb_entries[] = { { "word/document.xml", NULL, 0 } };
  g_autoptr(GBytes) bomb = NULL;
  const char *pages[] = { "A PDF cut short.", NULL };
  g_autoptr(GBytes) pdf = rtx_test_make_pdf (pages, NULL);
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (pdf, 0, 40);
  g_autoptr(GBytes) binary = g_bytes_new_static ("\x7f" "ELF\x02\x01\x01\0\0\0", 10);
  g_autoptr(GBytes) exe = text_bytes ("MZ");
  struct { const char *name; GBytes *bytes; guint status; } cases[] = {
    { "laughs.docx", laugh, 422 },
    { "bomb.docx", NULL, 422 },
    { "truncated.pdf", truncated, 422 },
    { "binary.txt", binary, 422 },
    { "tool.exe", exe, 415 },
    { "empty.txt", NULL, 422 },
  };
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  memset (filler, '<', big);
  bomb_entries[0].data = filler;
  bomb_entries[0].length = big;
  bomb = rtx_test_make_zip (bomb_entries, 1);
  cases[1].bytes = bomb;
  cases[5].bytes = empty;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(RtxApiResponse) r = rtx_api_upload (fixture, "/api/v1/document/upload", cases[i].name,
                                                  cases[i].bytes, NULL);

    g_assert_cmpuint (r->status, ==, cases[i].status);
    g_assert_false (json_object_get_boolean_member (rtx_api_object (r), "success"));
    g_assert_nonnull (rtx_api_string (r, "error"));
    assert_ping (fixture);
  }
  g_assert_cmpint (folder_count (fixture, RTX_DOCUMENTS_DEFAULT_FOLDER), ==, 0);

  /* Bodies that are not the form the route takes. */
  {
    g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "POST", "/api/v1/document/upload", "{\"file\":\"x\"}");

    /* The route declares multipart/form-data: the server's guard refuses JSON with 415. */
    g_assert_cmpuint (r->status, ==, 415);
  }
}

static guint64
resident_bytes (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + 6, NULL, 10) * 1024;
}

typedef struct {
  guint16  port;
  char    *bearer;
  gboolean chunked;
  guint64  sent;
  char    *answer;
  gboolean done;
} Flood;

/* Streams a 1 GiB upload from a thread, as a client that does not stop by itself would. */
static gpointer
flood_thread (gpointer data)
{
  Flood *flood = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (client, "127.0.0.1", flood->port, NULL, NULL);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  const guint64 total = (guint64) 1 << 30;
  gsize block = 1 << 20;
  g_autofree char *data_block = g_malloc (block);
  g_autofree char *head = NULL;
  char answer[4096] = { 0 };
  gsize got = 0;

  memset (data_block, 'a', block);
  head = g_strdup_printf ("POST /api/v1/document/upload HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                          "Authorization: %s\r\nContent-Type: multipart/form-data; boundary=FLOOD\r\n%s\r\n"
                          "--FLOOD\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n",
                          flood->port, flood->bearer,
                          flood->chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: 1073741824\r\n");
  if (flood->chunked) {
    /* The headers' tail went out as the first chunk's data. */
    const char *first = g_strstr_len (head, -1, "\r\n\r\n") + 4;
    g_autofree char *headers = g_strndup (head, first - head);
    g_autofree char *chunk = g_strdup_printf ("%zx\r\n%s\r\n", strlen (first), first);

    g_output_stream_write_all (out, headers, strlen (headers), NULL, NULL, NULL);
    g_output_stream_write_all (out, chunk, strlen (chunk), NULL, NULL, NULL);
  } else {
    g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  }

  /* Like curl, it stops sending as soon as an answer comes. */
  while (flood->sent < total &&
         !g_socket_condition_check (g_socket_connection_get_socket (conn), G_IO_IN)) {
    g_autofree char *size = g_strdup_printf ("%zx\r\n", block);

    if (flood->chunked && !g_output_stream_write_all (out, size, strlen (size), NULL, NULL, NULL))
      break;
    if (!g_output_stream_write_all (out, data_block, block, NULL, NULL, NULL))
      break;
    if (flood->chunked && !g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, NULL))
      break;
    flood->sent += block;
  }

  g_input_stream_read_all (in, answer, sizeof answer - 1, &got, NULL, NULL);
  flood->answer = g_strndup (answer, got);
  g_atomic_int_set (&flood->done, TRUE);
  return NULL;
}

static void
run_flood (Fixture  *fixture,
           gboolean  chunked)
{
  Flood flood = { rtx_server_get_port (fixture->server), fixture->bearer, chunked, 0, NULL, FALSE };
  guint64 before = resident_bytes ();
  g_autoptr(GThread) thread = NULL;
  g_autofree char *tmp = g_build_filename (fixture->data_dir, "tmp", NULL);
  g_autoptr(GDir) dir = NULL;

  thread = g_thread_new ("flood", flood_thread, &flood);
  while (!g_atomic_int_get (&flood.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (g_steal_pointer (&thread));

  g_test_message ("%s: sent %" G_GUINT64_FORMAT " bytes, RSS grew by %" G_GINT64_FORMAT " bytes; answer: %.200s",
                  chunked ? "chunked" : "content-length", flood.sent,
                  (gint64) (resident_bytes () - before), flood.answer);
  g_assert_true (g_str_has_prefix (flood.answer, "HTTP/1.1 413"));
  g_assert_nonnull (strstr (flood.answer, "\"success\":false"));
  g_assert_cmpint ((gint64) (resident_bytes () - before), <, 64 << 20);
  g_free (flood.answer);

  assert_ping (fixture);
  g_assert_cmpint (folder_count (fixture, RTX_DOCUMENTS_DEFAULT_FOLDER), ==, 0);
  /* The spooled part is gone once the upload is refused. */
  dir = g_dir_open (tmp, 0, NULL);
  if (dir != NULL)
    g_assert_null (g_dir_read_name (dir));
}

static void
test_over_cap (Fixture       *fixture,
               gconstpointer  data)
{
  run_flood (fixture, FALSE);
  run_flood (fixture, TRUE);
}

static gboolean
job_finished (Fixture    *fixture,
              const char *path,
              char      **status)
{
  g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "GET", path, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  *status = g_strdup (rtx_api_string (r, "job.status"));
  return g_str_equal (*status, "done") || g_str_equal (*status, "failed");
}

static void
test_job (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(RtxApiResponse) r = NULL;
  g_autoptr(RtxApiResponse) missing = NULL;
  g_autofree char *path = NULL;
  g_autofree char *status = NULL;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "Paragraph %u of a long report on river deltas. ", i);
  bytes = g_bytes_new (text->str, text->len);

  r = rtx_api_upload (fixture, "/api/v1/document/upload?async=true", "deltas.txt", bytes, NULL);
  g_assert_cmpuint (r->status, ==, 202);
  g_assert_nonnull (rtx_api_string (r, "job.id"));
  path = g_strdup_printf ("/api/v1/document/jobs/%s", rtx_api_string (r, "job.id"));

  /* The server answers while the job runs; the job ends. */
  while (!job_finished (fixture, path, &status)) {
    assert_ping (fixture);
    g_clear_pointer (&status, g_free);
    g_usleep (20000);
  }
  g_assert_cmpstr (status, ==, "done");
  g_assert_cmpint (folder_count (fixture, RTX_DOCUMENTS_DEFAULT_FOLDER), ==, 1);

  missing = rtx_api_call (fixture, "GET", "/api/v1/document/jobs/nope", NULL);
  g_assert_cmpuint (missing->status, ==, 404);

  /* The ended job outlives the runtime: a new one on the same data answers for it. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(RtxApiResponse) again = NULL;

    rtx_server_stop (fixture->server);
    g_clear_object (&fixture->server);
    g_clear_object (&fixture->runtime);
    fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
    g_assert_no_error (error);
    fixture->server = rtx_server_new (fixture->runtime);
    g_assert_true (rtx_server_start (fixture->server, 0, &error));
    g_assert_no_error (error);

    again = rtx_api_call (fixture, "GET", path, NULL);
    g_assert_cmpuint (again->status, ==, 200);
    g_assert_cmpstr (rtx_api_string (again, "job.status"), ==, "done");
    g_assert_cmpint (json_array_get_length (json_object_get_array_member (
      json_object_get_object_member (rtx_api_object (again), "job"), "documents")), ==, 1);
    g_assert_nonnull (strstr (rtx_api_string (again, "job.documents.0.title"), "deltas"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cap = g_strdup_printf ("%d", UPLOAD_CAP);

  g_setenv ("RTX_UPLOAD_MAX_BYTES", cap, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/documents/types", Fixture, NULL, setup, test_types, teardown);
  g_test_add ("/documents/raw-text-errors", Fixture, NULL, setup, test_raw_text_errors, teardown);
  g_test_add ("/documents/folders", Fixture, NULL, setup, test_folders, teardown);
  g_test_add ("/documents/traversal", Fixture, NULL, setup, test_traversal, teardown);
  g_test_add ("/documents/bad-files", Fixture, NULL, setup, test_bad_files, teardown);
  g_test_add ("/documents/over-cap", Fixture, NULL, setup, test_over_cap, teardown);
  g_test_add ("/documents/job", Fixture, NULL, setup, test_job, teardown);

  return g_test_run ();
}
