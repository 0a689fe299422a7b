/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dlfcn.h>

#include <glib/gi18n.h>

#include "rtx-error.h"
#include "rtx-extract-libs.h"

#define LIBXML_LIBRARY     "libxml2.so.2"
#define LIBARCHIVE_LIBRARY "libarchive.so.13"

RtxLibxml     rtx_libxml;
RtxLibarchive rtx_libarchive;

/* Fills @n pointers from @names out of @library; the library stays open for good. */
static gboolean
open_library (const char         *library,
              const char * const *names,
              gpointer           *pointers,
              guint               n)
{
  void *handle = dlopen (library, RTLD_NOW | RTLD_LOCAL);

  if (handle == NULL) {
    g_warning ("Could not open %s: %s", library, dlerror ());
    return FALSE;
  }

  for (guint i = 0; i < n; i++) {
    pointers[i] = dlsym (handle, names[i]);
    if (pointers[i] == NULL) {
      g_warning ("%s lacks %s", library, names[i]);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
load_once (void)
{
  /* In the order of the tables' members. */
  static const char * const xml_names[] = {
    "xmlInitParser", "xmlReadMemory", "htmlReadMemory", "xmlFreeDoc", "xmlDocGetRootElement",
    "xmlNodeGetContent", "xmlGetProp",
  };
  static const char * const archive_names[] = {
    "archive_read_new", "archive_read_support_format_zip", "archive_read_open_memory",
    "archive_read_next_header", "archive_read_data", "archive_read_data_skip",
    "archive_read_free", "archive_entry_pathname", "archive_entry_filetype",
    "archive_entry_size_is_set", "archive_entry_size",
  };

  G_STATIC_ASSERT (sizeof rtx_libxml == G_N_ELEMENTS (xml_names) * sizeof (gpointer));
  G_STATIC_ASSERT (sizeof rtx_libarchive == G_N_ELEMENTS (archive_names) * sizeof (gpointer));

  if (!open_library (LIBXML_LIBRARY, xml_names, (gpointer *) &rtx_libxml,
                     G_N_ELEMENTS (xml_names)) ||
      !open_library (LIBARCHIVE_LIBRARY, archive_names, (gpointer *) &rtx_libarchive,
                     G_N_ELEMENTS (archive_names)))
    return FALSE;

  /* libxml2 must never reach the network, whatever a document asks for; its parser is set
   * up once, before any document. */
  rtx_libxml.xmlInitParser ();
  return TRUE;
}

/**
 * rtx_extract_libs_load:
 *
 * Opens libxml2 and libarchive, once per process. Thread-safe.
 *
 * Returns: %TRUE when both are usable
 */
gboolean
rtx_extract_libs_load (GError **error)
{
  static gsize loaded = 0;   /* 1: loaded, 2: could not be */

  if (g_once_init_enter (&loaded))
    g_once_init_leave (&loaded, load_once () ? 1 : 2);

  if (loaded != 1) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_FAILED,
                         _("The document parsers (libxml2, libarchive) are not available"));
    return FALSE;
  }
  return TRUE;
}
