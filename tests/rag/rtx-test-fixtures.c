/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <glib/gstdio.h>

#include "rtx-test-fixtures.h"

static la_ssize_t
write_cb (struct archive *a,
          void           *user_data,
          const void     *buffer,
          size_t          length)
{
  g_byte_array_append (user_data, buffer, length);
  return length;
}

static int
close_cb (struct archive *a,
          void           *user_data)
{
  return ARCHIVE_OK;
}

/* A ZIP (deflated) of the entries, built with libarchive. */
GBytes *
rtx_test_make_zip (const RtxTestZipEntry *entries,
                   guint                  n_entries)
{
  GByteArray *out = g_byte_array_new ();
  struct archive *a = archive_write_new ();

  archive_write_set_format_zip (a);
  archive_write_set_options (a, "zip:compression=deflate");
  archive_write_set_bytes_in_last_block (a, 1);
  g_assert_cmpint (archive_write_open (a, out, NULL, write_cb, close_cb), ==, ARCHIVE_OK);

  for (guint i = 0; i < n_entries; i++) {
    struct archive_entry *entry = archive_entry_new ();
    gsize len = entries[i].length < 0 ? strlen (entries[i].data) : (gsize) entries[i].length;

    archive_entry_set_pathname (entry, entries[i].name);
    archive_entry_set_filetype (entry, AE_IFREG);
    archive_entry_set_perm (entry, 0644);
    archive_entry_set_size (entry, len);
    g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
    g_assert_cmpint (archive_write_data (a, entries[i].data, len), ==, (la_ssize_t) len);
    archive_entry_free (entry);
  }
  archive_write_close (a);
  archive_write_free (a);

  return g_byte_array_free_to_bytes (out);
}

static cairo_status_t
pdf_write_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A PDF drawn with cairo: one page per string, the text set in lines. */
GBytes *
rtx_test_make_pdf (const char * const *pages,
                   const char         *title)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (pdf_write_cb, out, 595, 842);
  cairo_t *cr = cairo_create (surface);

  if (title != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);

  for (guint p = 0; pages[p] != NULL; p++) {
    g_auto(GStrv) lines = g_strsplit (pages[p], "\n", -1);

    cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size (cr, 11);
    for (guint l = 0; lines[l] != NULL; l++) {
      cairo_move_to (cr, 40, 60 + 16 * l);
      cairo_show_text (cr, lines[l]);
    }
    cairo_show_page (cr);
  }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);

  return g_byte_array_free_to_bytes (out);
}

GBytes *
rtx_test_make_docx (const char *text)
{
  g_autofree char *document = g_strdup_printf (
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:body><w:p><w:r><w:t>Heading of the test</w:t></w:r></w:p>"
    "<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p></w:body></w:document>", text);
  const RtxTestZipEntry entries[] = {
    { "[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>", -1 },
    { "docProps/core.xml", "<?xml version=\"1.0\"?><cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Docx Title</dc:title><dc:creator>Ada Tester</dc:creator></cp:coreProperties>", -1 },
    { "word/document.xml", document, -1 },
  };

  return rtx_test_make_zip (entries, G_N_ELEMENTS (entries));
}

/* @cells: NULL-terminated strings, one row each, cells split by '|'. */
GBytes *
rtx_test_make_xlsx (const char * const *rows)
{
  g_autoptr(GString) strings = g_string_new ("<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
  g_autoptr(GString) sheet = g_string_new ("<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
  guint n = 0;
  const RtxTestZipEntry *entries;

  for (guint r = 0; rows[r] != NULL; r++) {
    g_auto(GStrv) cells = g_strsplit (rows[r], "|", -1);

    g_string_append_printf (sheet, "<row r=\"%u\">", r + 1);
    for (guint c = 0; cells[c] != NULL; c++) {
      g_autofree char *escaped = g_markup_escape_text (cells[c], -1);

      g_string_append_printf (strings, "<si><t>%s</t></si>", escaped);
      g_string_append_printf (sheet, "<c r=\"%c%u\" t=\"s\"><v>%u</v></c>", 'A' + c, r + 1, n++);
    }
    g_string_append (sheet, "</row>");
  }
  g_string_append (strings, "</sst>");
  g_string_append (sheet, "</sheetData></worksheet>");

  {
    const RtxTestZipEntry list[] = {
      { "[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>", -1 },
      { "xl/sharedStrings.xml", strings->str, -1 },
      { "xl/worksheets/sheet1.xml", sheet->str, -1 },
    };
    entries = list;
    return rtx_test_make_zip (entries, G_N_ELEMENTS (list));
  }
}

GBytes *
rtx_test_make_pptx (const char *slide_text)
{
  g_autofree char *slide = g_strdup_printf (
    "<?xml version=\"1.0\"?><p:sld xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" "
    "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><p:cSld><p:spTree><p:sp><p:txBody>"
    "<a:p><a:r><a:t>%s</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>", slide_text);
  const RtxTestZipEntry entries[] = {
    { "[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>", -1 },
    { "ppt/slides/slide1.xml", slide, -1 },
  };

  return rtx_test_make_zip (entries, G_N_ELEMENTS (entries));
}

GBytes *
rtx_test_make_odt (const char *text)
{
  g_autofree char *content = g_strdup_printf (
    "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:text>"
    "<text:h>Chapter</text:h><text:p>%s</text:p></office:text></office:body></office:document-content>", text);
  const RtxTestZipEntry entries[] = {
    { "mimetype", "application/vnd.oasis.opendocument.text", -1 },
    { "content.xml", content, -1 },
  };

  return rtx_test_make_zip (entries, G_N_ELEMENTS (entries));
}

char *
rtx_test_write_temp (GBytes     *bytes,
                     const char *suffix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpl = g_strconcat ("rtx-fixture-XXXXXX", suffix, NULL);
  char *path = NULL;
  int fd = g_file_open_tmp (tmpl, &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error));
  return path;
}
