/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "rtx-error.h"
#include "rtx-extract.h"
#include "rtx-test-fixtures.h"
#include "rtx-test-utils.h"

/* Extraction runs in the real child process (RTX_EXTRACT_HELPER is the built runtime), on
 * fixtures made here. */

static RtxExtracted *
extract_bytes (GBytes      *bytes,
               const char  *suffix,
               GError     **error)
{
  g_autofree char *path = rtx_test_write_temp (bytes, suffix);
  RtxExtracted *extracted = rtx_extract_file (path, rtx_doc_type_for_name (path), NULL, NULL, error);

  g_unlink (path);
  return extracted;
}

static RtxExtracted *
extract_ok (GBytes     *bytes,
            const char *suffix)
{
  g_autoptr(GError) error = NULL;
  RtxExtracted *extracted = extract_bytes (bytes, suffix, &error);

  g_assert_no_error (error);
  g_assert_nonnull (extracted);
  g_assert_true (g_utf8_validate (extracted->text, -1, NULL));
  return extracted;
}

static void
assert_refused (GBytes     *bytes,
                const char *suffix,
                const char *reason_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxExtracted) extracted = extract_bytes (bytes, suffix, &error);

  g_assert_null (extracted);
  g_assert_nonnull (error);
  g_test_message ("refused %s: %s", suffix, error->message);
  if (reason_part != NULL)
    g_assert_nonnull (strstr (error->message, reason_part));
}

static void
test_types (void)
{
  g_assert_cmpint (rtx_doc_type_for_name ("a.PDF"), ==, RTX_DOC_PDF);
  g_assert_cmpint (rtx_doc_type_for_name ("notes.md"), ==, RTX_DOC_MARKDOWN);
  g_assert_cmpint (rtx_doc_type_for_name ("x.tar.gz"), ==, RTX_DOC_UNKNOWN);
  g_assert_cmpint (rtx_doc_type_for_name ("noext"), ==, RTX_DOC_UNKNOWN);
  g_assert_cmpint (rtx_doc_type_for_name ("dir.pdf/evil"), ==, RTX_DOC_UNKNOWN);
  g_assert_cmpint (rtx_doc_type_for_name ("main.c"), ==, RTX_DOC_CODE);
}

static void
test_text_kinds (void)
{
  const char *raw = "Line one\r\n\r\n\r\n\r\nLine two\x01 end  \n";
  g_autoptr(GBytes) txt = g_bytes_new_static (raw, strlen (raw));
  g_autoptr(RtxExtracted) a = extract_ok (txt, ".txt");
  g_autoptr(GBytes) bad_utf8 = g_bytes_new_static ("caf\xc3 ok", 7);
  g_autoptr(RtxExtracted) b = extract_ok (bad_utf8, ".md");
  g_autoptr(GBytes) binary = g_bytes_new_static ("PK\x03\x04\0\0\0binary", 13);

  g_assert_cmpstr (a->text, ==, "Line one\n\nLine two  end");
  g_assert_true (g_str_has_prefix (b->text, "caf"));
  g_assert_true (g_str_has_suffix (b->text, " ok"));
  assert_refused (binary, ".txt", "binary");
}

static void
test_html (void)
{
  const char *html = "<!DOCTYPE html><html><head><title>Fox facts</title><style>p{color:red}</style>"
                     "<script>document.write('evil script text')</script></head><body>"
                     "<h1>Foxes</h1><p>The red fox is an omnivore.</p><noscript>noscript text</noscript>"
                     "<ul><li>One</li><li>Two</li></ul><p>Caf&eacute; &amp; bar</p></body></html>";
  g_autoptr(GBytes) bytes = g_bytes_new_static (html, strlen (html));
  g_autoptr(RtxExtracted) e = extract_ok (bytes, ".html");

  g_assert_cmpstr (e->title, ==, "Fox facts");
  g_assert_nonnull (strstr (e->text, "The red fox is an omnivore."));
  g_assert_nonnull (strstr (e->text, "Café & bar"));
  g_assert_null (strstr (e->text, "evil script"));
  g_assert_null (strstr (e->text, "color:red"));
  g_assert_null (strstr (e->text, "noscript text"));
}

static void
test_pdf (void)
{
  const char *pages[] = { "Page one talks about otters.\nOtters hold hands while sleeping.",
                          "Page two: the lighthouse keeper counts 42 gulls.", NULL };
  g_autoptr(GBytes) pdf = rtx_test_make_pdf (pages, "Otter Report");
  g_autoptr(RtxExtracted) e = extract_ok (pdf, ".pdf");

  g_assert_cmpstr (e->title, ==, "Otter Report");
  g_assert_nonnull (strstr (e->text, "Otters hold hands while sleeping."));
  g_assert_nonnull (strstr (e->text, "lighthouse keeper counts 42 gulls"));
}

static void
test_bad_pdf (void)
{
  const char *pages[] = { "Some text that will be cut off.", NULL };
  g_autoptr(GBytes) pdf = rtx_test_make_pdf (pages, NULL);
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (pdf, 0, g_bytes_get_size (pdf) / 3);
  g_autoptr(GBytes) malformed = g_bytes_new_static ("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\n"
                                                    "trailer << /Root 1 0 R >>\n%%EOF", 88);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("not a pdf at all", 16);
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxExtracted) e = NULL;

  assert_refused (garbage, ".pdf", "PDF");
  /* A truncated or self-referencing PDF either fails with a reason or yields what poppler
   * could recover; it never takes the caller down. */
  e = extract_bytes (truncated, ".pdf", &error);
  g_assert_true ((e == NULL) != (error == NULL));
  g_clear_pointer (&e, rtx_extracted_free);
  g_clear_error (&error);
  e = extract_bytes (malformed, ".pdf", &error);
  g_assert_true ((e == NULL) != (error == NULL));
  if (e != NULL)
    g_assert_cmpstr (g_strstrip (e->text), ==, "");
}

static void
test_office (void)
{
  g_autoptr(GBytes) docx = rtx_test_make_docx ("Penguins of Antarctica dive to 500 metres.");
  g_autoptr(RtxExtracted) d = extract_ok (docx, ".docx");
  const char *rows[] = { "Fruit|Colour", "Banana|Yellow", "Plum|Purple", NULL };
  g_autoptr(GBytes) xlsx = rtx_test_make_xlsx (rows);
  g_autoptr(RtxExtracted) x = extract_ok (xlsx, ".xlsx");
  g_autoptr(GBytes) pptx = rtx_test_make_pptx ("Quarterly revenue grew by 12 percent.");
  g_autoptr(RtxExtracted) p = extract_ok (pptx, ".pptx");
  g_autoptr(GBytes) odt = rtx_test_make_odt ("The volcano erupted in 1883.");
  g_autoptr(RtxExtracted) o = extract_ok (odt, ".odt");

  g_assert_nonnull (strstr (d->text, "Penguins of Antarctica dive to 500 metres."));
  g_assert_cmpstr (d->title, ==, "Docx Title");
  g_assert_cmpstr (d->author, ==, "Ada Tester");
  g_assert_nonnull (strstr (x->text, "Banana\tYellow"));
  g_assert_nonnull (strstr (x->text, "Plum\tPurple"));
  g_assert_nonnull (strstr (p->text, "Quarterly revenue grew by 12 percent."));
  g_assert_nonnull (strstr (o->text, "The volcano erupted in 1883."));
}

static void
test_zip_bomb (void)
{
  /* 300 MB of one byte compresses to about 300 KB: far beyond the 1:100 ratio. */
  gsize big = 300 << 20;
  g_autofree char *zeros = g_malloc0 (big);
  RtxTestZipEntry entries[] = { { "word/document.xml", NULL, 0 } };
  g_autoptr(GBytes) bomb = NULL;

  memset (zeros, 'A', big);
  entries[0].data = zeros;
  entries[0].length = big;
  bomb = rtx_test_make_zip (entries, 1);
  g_clear_pointer (&zeros, g_free);
  g_test_message ("bomb: %zu bytes", g_bytes_get_size (bomb));
  assert_refused (bomb, ".docx", "zip bomb");
}

static void
test_entry_count (void)
{
  guint n = 10050;
  g_autofree RtxTestZipEntry *entries = g_new0 (RtxTestZipEntry, n);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) zip = NULL;

  for (guint i = 0; i < n; i++) {
    char *name = g_strdup_printf ("junk/%u.xml", i);

    g_ptr_array_add (names, name);
    entries[i].name = name;
    entries[i].data = "x";
    entries[i].length = 1;
  }
  zip = rtx_test_make_zip (entries, n);
  assert_refused (zip, ".xlsx", "too many entries");
}

static void
test_billion_laughs (void)
{
  const char *laughs =
    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
    "<!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>"
    "<w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>";
  const char *external =
    "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
    "<w:document xmlns:w=\"x\"><w:body><w:p><w:t>&xxe;</w:t></w:p></w:body></w:document>";
  RtxTestZipEntry a[] = { { "word/document.xml", laughs, -1 } };
  RtxTestZipEntry b[] = { { "word/document.xml", external, -1 } };
  g_autoptr(GBytes) zip_a = rtx_test_make_zip (a, 1);
  g_autoptr(GBytes) zip_b = rtx_test_make_zip (b, 1);

  assert_refused (zip_a, ".docx", "DTD");
  assert_refused (zip_b, ".docx", "DTD");
}

static void
test_not_a_zip (void)
{
  g_autoptr(GBytes) junk = g_bytes_new_static ("this is not a zip", 17);
  g_autoptr(GBytes) empty = rtx_test_make_zip (NULL, 0);

  assert_refused (junk, ".docx", NULL);
  assert_refused (empty, ".pptx", NULL);
}

static void
test_limits (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxExtracted) e = NULL;
  g_autofree char *path = NULL;
  RtxExtractLimits limits;

  for (guint i = 0; i < 20000; i++)
    g_string_append (text, "All work and no play makes a dull test. ");
  path = rtx_test_write_temp (g_bytes_new_static (text->str, text->len), ".txt");

  /* Output over its cap: the child is stopped and the document fails with a reason. */
  rtx_extract_limits_init (&limits);
  limits.output_bytes = 4096;
  e = rtx_extract_file (path, RTX_DOC_TEXT, &limits, NULL, &error);
  g_assert_null (e);
  g_assert_nonnull (strstr (error->message, "larger than the limit"));
  g_clear_error (&error);

  /* Too little memory to even start: it fails, it does not hang. */
  rtx_extract_limits_init (&limits);
  limits.memory_bytes = 4 << 20;
  e = rtx_extract_file (path, RTX_DOC_TEXT, &limits, NULL, &error);
  g_assert_null (e);
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_unlink (path);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/extract/types", test_types);
  g_test_add_func ("/extract/text", test_text_kinds);
  g_test_add_func ("/extract/html", test_html);
  g_test_add_func ("/extract/pdf", test_pdf);
  g_test_add_func ("/extract/bad-pdf", test_bad_pdf);
  g_test_add_func ("/extract/office", test_office);
  g_test_add_func ("/extract/zip-bomb", test_zip_bomb);
  g_test_add_func ("/extract/entry-count", test_entry_count);
  g_test_add_func ("/extract/billion-laughs", test_billion_laughs);
  g_test_add_func ("/extract/not-a-zip", test_not_a_zip);
  g_test_add_func ("/extract/limits", test_limits);

  return g_test_run ();
}
