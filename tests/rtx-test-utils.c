/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "rtx-test-utils.h"

/* Data directories live under $RTX_TEST_ROOT (set by tests/meson.build) rather than in the
 * isolated temporary dirs of GLib tests, so that the final sweep of the suite can look for
 * plaintext keys in every database, WAL and log the tests left behind. */
static const char *
test_root (void)
{
  const char *root = g_getenv ("RTX_TEST_ROOT");

  g_assert_nonnull (root);
  return root;
}

char *
rtx_test_data_dir_new (const char *name)
{
  static guint counter = 0;
  /* A random suffix besides the pid: pids are reused (pid_max may be 32768) and the test root
   * is kept between runs for the sweep, so "<name>-<pid>-1" could already hold a database. */
  g_autofree char *leaf = g_strdup_printf ("%s-%d-%u-XXXXXX", name, (int) getpid (), ++counter);
  g_autofree char *parent = g_build_filename (test_root (), "data", NULL);
  char *path = g_build_filename (parent, leaf, NULL);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_nonnull (g_mkdtemp_full (path, 0700));
  return path;
}

static void
record_line (const char *folder,
             const char *line)
{
  g_autofree char *dir = g_build_filename (test_root (), folder, NULL);
  g_autofree char *leaf = g_strdup_printf ("%d.txt", (int) getpid ());
  g_autofree char *path = g_build_filename (dir, leaf, NULL);
  FILE *file;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  file = g_fopen (path, "a");
  g_assert_nonnull (file);
  fprintf (file, "%s\n", line);
  fclose (file);
}

/* Keys go to a file beside the data, never into the data itself: the sweep reads this list
 * and greps everything else for each key. */
void
rtx_test_record_key (const char *key)
{
  record_line ("keys", key);
}

/* Any other secret a test hands the runtime (a credential's password, token or header value),
 * for the same sweep. Make it unique and at least 16 characters long, so that a match means
 * a leak and nothing else. */
void
rtx_test_record_secret (const char *secret)
{
  g_assert_cmpuint (strlen (secret), >=, 16);
  g_assert_null (strchr (secret, '\n'));
  record_line ("secrets", secret);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the thread-default main context until *flag is set; fails the test on timeout. */
void
rtx_test_wait_for (gboolean *flag,
                   guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, on_timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
}

char *
rtx_test_read_file (const char *path,
                    gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

gboolean
rtx_test_file_contains (const char *path,
                        const char *needle)
{
  gsize length = 0;
  g_autofree char *contents = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;

  contents = rtx_test_read_file (path, &length);
  return memmem (contents, length, needle, strlen (needle)) != NULL;
}
