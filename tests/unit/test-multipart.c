/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "rtx-multipart.h"

static const RtxMultipartLimits limits = { 1 << 20, 4096, 4, 1024 };

#define BODY \
  "preamble to ignore\r\n" \
  "--XyZ\r\n" \
  "Content-Disposition: form-data; name=\"addToWorkspaces\"\r\n\r\n" \
  "alpha,beta\r\n" \
  "--XyZ  \r\n" \
  "Content-Disposition: form-data; name=\"file\"; filename=\"../../etc/notes.txt\"\r\n" \
  "Content-Type: text/plain\r\n\r\n" \
  "line one\r\n--XyY near miss\r\n-XyZ\r\nline two\r\n" \
  "--XyZ\r\n" \
  "Content-Disposition: form-data; name=\"metadata\"\r\n\r\n" \
  "\r\n" \
  "--XyZ--\r\nepilogue"

typedef struct {
  int   fd;
  char *path;
} Spool;

static void
spool_open (Spool *spool)
{
  g_autoptr(GError) error = NULL;

  spool->fd = g_file_open_tmp ("rtx-mp-XXXXXX", &spool->path, &error);
  g_assert_no_error (error);
}

static char *
spool_close (Spool *spool)
{
  char *contents = NULL;

  close (spool->fd);
  g_assert_true (g_file_get_contents (spool->path, &contents, NULL, NULL));
  g_unlink (spool->path);
  g_free (spool->path);
  return contents;
}

/* Fed whole, or one byte at a time, or in odd slices: the same result. */
static void
parse_in_steps (gsize step)
{
  Spool spool;
  g_autoptr(RtxMultipart) mp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  gsize len = strlen (BODY);

  spool_open (&spool);
  mp = rtx_multipart_new ("XyZ", "file", spool.fd, &limits);
  for (gsize off = 0; off < len; off += step)
    g_assert_true (rtx_multipart_feed (mp, BODY + off, MIN (step, len - off), &error));
  g_assert_true (rtx_multipart_finish (mp, &error));
  g_assert_no_error (error);

  file = spool_close (&spool);
  g_assert_cmpstr (file, ==, "line one\r\n--XyY near miss\r\n-XyZ\r\nline two");
  g_assert_true (rtx_multipart_has_file (mp));
  /* libsoup keeps only the last component of a filename parameter. */
  g_assert_cmpstr (rtx_multipart_get_filename (mp), ==, "notes.txt");
  g_assert_cmpuint (rtx_multipart_get_file_size (mp), ==, strlen (file));
  g_assert_cmpstr (rtx_multipart_get_field (mp, "addToWorkspaces"), ==, "alpha,beta");
  g_assert_cmpstr (rtx_multipart_get_field (mp, "metadata"), ==, "");
}

static void
test_parse (void)
{
  parse_in_steps (strlen (BODY));
  parse_in_steps (1);
  parse_in_steps (7);
  parse_in_steps (13);
}

static void
expect_failure (const char        *body,
                RtxMultipartError  code)
{
  Spool spool;
  g_autoptr(RtxMultipart) mp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ignored = NULL;

  spool_open (&spool);
  mp = rtx_multipart_new ("XyZ", "file", spool.fd, &limits);
  if (rtx_multipart_feed (mp, body, strlen (body), &error))
    rtx_multipart_finish (mp, &error);
  g_assert_error (error, RTX_MULTIPART_ERROR, (int) code);
  g_test_message ("%s", error->message);
  ignored = spool_close (&spool);
}

static void
test_malformed (void)
{
  g_autofree char *big_header = NULL;
  g_autofree char *big_field = NULL;
  g_autofree char *pad = g_strnfill (2000, 'h');
  g_autofree char *value = g_strnfill (5000, 'v');

  /* Truncated: no close delimiter. */
  expect_failure ("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", RTX_MULTIPART_ERROR_MALFORMED);
  /* No boundary anywhere. */
  expect_failure ("just some bytes", RTX_MULTIPART_ERROR_MALFORMED);
  /* A part without Content-Disposition. */
  expect_failure ("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", RTX_MULTIPART_ERROR_MALFORMED);
  /* Garbage after a delimiter. */
  expect_failure ("--XyZgarbage\r\n", RTX_MULTIPART_ERROR_MALFORMED);
  /* Two files. */
  expect_failure ("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\na\r\n"
                  "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b\"\r\n\r\nb\r\n--XyZ--",
                  RTX_MULTIPART_ERROR_MALFORMED);
  /* A field that is not UTF-8. */
  expect_failure ("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\xfe\r\n--XyZ--", RTX_MULTIPART_ERROR_MALFORMED);

  big_header = g_strdup_printf ("--XyZ\r\nX-Pad: %s\r\n", pad);
  expect_failure (big_header, RTX_MULTIPART_ERROR_TOO_LARGE);
  big_field = g_strdup_printf ("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n%s\r\n--XyZ--", value);
  expect_failure (big_field, RTX_MULTIPART_ERROR_TOO_LARGE);
  expect_failure ("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                  "--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n1\r\n"
                  "--XyZ\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n1\r\n"
                  "--XyZ\r\nContent-Disposition: form-data; name=\"d\"\r\n\r\n1\r\n"
                  "--XyZ\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n1\r\n--XyZ--",
                  RTX_MULTIPART_ERROR_TOO_LARGE);
}

static void
test_file_cap (void)
{
  RtxMultipartLimits small = limits;
  Spool spool;
  g_autoptr(RtxMultipart) mp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *chunk = g_strnfill (4096, 'z');
  g_autofree char *written = NULL;
  const char *head = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n";
  gboolean ok = TRUE;

  small.max_file_bytes = 10000;
  spool_open (&spool);
  mp = rtx_multipart_new ("XyZ", "file", spool.fd, &small);
  g_assert_true (rtx_multipart_feed (mp, head, strlen (head), &error));
  for (guint i = 0; i < 100 && ok; i++)
    ok = rtx_multipart_feed (mp, chunk, 4096, &error);
  g_assert_false (ok);
  g_assert_error (error, RTX_MULTIPART_ERROR, RTX_MULTIPART_ERROR_TOO_LARGE);
  written = spool_close (&spool);
  g_assert_cmpuint (strlen (written), <=, 10000);
}

static void
test_boundary (void)
{
  g_autofree char *a = rtx_multipart_boundary ("multipart/form-data; boundary=----abc123");
  g_autofree char *b = rtx_multipart_boundary ("Multipart/Form-Data; boundary=\"quoted value\"");
  g_autofree char *long_one = g_strdup_printf ("multipart/form-data; boundary=%s", g_strnfill (71, 'b'));

  g_assert_cmpstr (a, ==, "----abc123");
  g_assert_cmpstr (b, ==, "quoted value");
  g_assert_null (rtx_multipart_boundary ("application/json"));
  g_assert_null (rtx_multipart_boundary ("multipart/form-data"));
  g_assert_null (rtx_multipart_boundary ("multipart/form-data; boundary="));
  g_assert_null (rtx_multipart_boundary (long_one));
  g_assert_null (rtx_multipart_boundary (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/multipart/parse", test_parse);
  g_test_add_func ("/multipart/malformed", test_malformed);
  g_test_add_func ("/multipart/file-cap", test_file_cap);
  g_test_add_func ("/multipart/boundary", test_boundary);

  return g_test_run ();
}
