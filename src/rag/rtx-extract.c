/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>

#include "rtx-error.h"
#include "rtx-extract.h"

/* ---- Types ------------------------------------------------------------------------------- */

typedef struct {
  RtxDocType  type;
  const char *name;
  const char *mime;
  const char *extensions;   /* space separated, with dots */
} TypeInfo;

static const TypeInfo types[] = {
  { RTX_DOC_TEXT, "text", "text/plain", ".txt .text .log .rst" },
  { RTX_DOC_MARKDOWN, "markdown", "text/markdown", ".md .markdown .mdx" },
  { RTX_DOC_HTML, "html", "text/html", ".html .htm .xhtml" },
  { RTX_DOC_PDF, "pdf", "application/pdf", ".pdf" },
  { RTX_DOC_DOCX, "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx" },
  { RTX_DOC_ODT, "odt", "application/vnd.oasis.opendocument.text", ".odt" },
  { RTX_DOC_PPTX, "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx" },
  { RTX_DOC_XLSX, "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx" },
  { RTX_DOC_CSV, "csv", "text/csv", ".csv .tsv" },
  { RTX_DOC_JSON, "json", "application/json", ".json .jsonl .ndjson" },
  { RTX_DOC_CODE, "code", "text/x-source",
    ".c .h .cc .cpp .hpp .cxx .py .js .mjs .cjs .ts .tsx .jsx .java .go .rs .rb .php .cs "
    ".swift .kt .scala .sh .bash .sql .yaml .yml .toml .ini .xml .css .scss .lua .pl .r "
    ".m .vala .meson" },
};

RtxDocType
rtx_doc_type_for_name (const char *filename)
{
  const char *dot = filename != NULL ? strrchr (filename, '.') : NULL;
  g_autofree char *ext = NULL;

  if (dot == NULL || dot[1] == '\0' || strchr (dot, '/') != NULL)
    return RTX_DOC_UNKNOWN;

  ext = g_ascii_strdown (dot, -1);
  for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
    g_auto(GStrv) exts = g_strsplit (types[i].extensions, " ", -1);

    if (g_strv_contains ((const char * const *) exts, ext))
      return types[i].type;
  }

  return RTX_DOC_UNKNOWN;
}

const char *
rtx_doc_type_to_string (RtxDocType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (types[i].type == type)
      return types[i].name;
  return "unknown";
}

RtxDocType
rtx_doc_type_from_string (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_strcmp0 (types[i].name, name) == 0)
      return types[i].type;
  return RTX_DOC_UNKNOWN;
}

/**
 * rtx_doc_accepted_types_json:
 *
 * Returns: (transfer full): `{"application/pdf": [".pdf"], …}`, the shape of AnythingLLM's
 *   accepted-file-types
 */
JsonNode *
rtx_doc_accepted_types_json (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
    g_auto(GStrv) exts = g_strsplit (types[i].extensions, " ", -1);

    json_builder_set_member_name (builder, types[i].mime);
    json_builder_begin_array (builder);
    for (guint j = 0; exts[j] != NULL; j++)
      json_builder_add_string_value (builder, exts[j]);
    json_builder_end_array (builder);
  }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* ---- The parent's side ------------------------------------------------------------------- */

void
rtx_extract_limits_init (RtxExtractLimits *limits)
{
  limits->memory_bytes = (guint64) 2 << 30;
  limits->cpu_seconds = 120;
  limits->wall_seconds = 180;
  limits->output_bytes = (guint64) 64 << 20;
}

void
rtx_extracted_free (RtxExtracted *extracted)
{
  if (extracted == NULL)
    return;
  g_free (extracted->title);
  g_free (extracted->author);
  g_free (extracted->text);
  g_free (extracted);
}

/* The executable that serves `--extract`: the runtime itself, or RTX_EXTRACT_HELPER (tests
 * and uninstalled runs, whose own process is not the runtime). */
static char *
helper_path (void)
{
  const char *env = g_getenv ("RTX_EXTRACT_HELPER");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return g_file_read_link ("/proc/self/exe", NULL);
}

typedef struct {
  struct rlimit as;
  struct rlimit cpu;
} ChildLimits;

/* Runs in the child between fork and exec: only async-signal-safe calls. */
static void
child_setup (gpointer user_data)
{
  const ChildLimits *limits = user_data;
  struct rlimit zero = { 0, 0 };

  setrlimit (RLIMIT_AS, &limits->as);
  setrlimit (RLIMIT_CPU, &limits->cpu);
  setrlimit (RLIMIT_CORE, &zero);
  /* It writes nothing but its pipes. */
  setrlimit (RLIMIT_FSIZE, &zero);
}

static gboolean
read_some (int        fd,
           GString   *into,
           gboolean  *eof)
{
  char buf[65536];
  ssize_t n = read (fd, buf, sizeof buf);

  if (n < 0)
    return errno == EINTR || errno == EAGAIN;
  if (n == 0)
    *eof = TRUE;
  else
    g_string_append_len (into, buf, n);
  return TRUE;
}

/* Reads the child's stdout and stderr until both close, the deadline passes or the output
 * grows past its cap. */
static gboolean
collect_output (GSubprocess             *child,
                const RtxExtractLimits  *limits,
                GString                 *out,
                GString                 *err,
                GCancellable            *cancellable,
                GError                 **error)
{
  int out_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (child)));
  int err_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stderr_pipe (child)));
  gint64 deadline = g_get_monotonic_time () + (gint64) limits->wall_seconds * G_USEC_PER_SEC;
  gboolean out_eof = FALSE, err_eof = FALSE;

  while (!out_eof || !err_eof) {
    struct pollfd fds[2] = { { out_eof ? -1 : out_fd, POLLIN, 0 },
                             { err_eof ? -1 : err_fd, POLLIN, 0 } };
    gint64 left = deadline - g_get_monotonic_time ();
    int rc;

    if (left <= 0) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED,
                   _("Extraction took longer than %u seconds and was stopped"),
                   limits->wall_seconds);
      return FALSE;
    }
    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      return FALSE;

    rc = poll (fds, 2, (int) MIN (left / 1000 + 1, 250));
    if (rc < 0 && errno != EINTR) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, "poll: %s", g_strerror (errno));
      return FALSE;
    }
    if (rc <= 0)
      continue;

    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && !read_some (out_fd, out, &out_eof))
      out_eof = TRUE;
    if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && !read_some (err_fd, err, &err_eof))
      err_eof = TRUE;

    if (out->len > limits->output_bytes) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED,
                   _("The extracted text is larger than the limit of %" G_GUINT64_FORMAT " bytes"),
                   limits->output_bytes);
      return FALSE;
    }
    /* A child has no business writing pages of errors. */
    if (err->len > 4096)
      g_string_truncate (err, 4096);
  }

  return TRUE;
}

static RtxExtracted *
decode_output (GString  *out,
               GError  **error)
{
  const char *title = out->str;
  const char *author, *text;
  g_autoptr(RtxExtracted) extracted = g_new0 (RtxExtracted, 1);
  gsize title_len = strnlen (title, out->len);

  if (title_len >= out->len)
    goto bad;
  author = title + title_len + 1;
  text = memchr (author, '\0', out->len - (author - out->str));
  if (text == NULL)
    goto bad;
  text++;

  if (!g_utf8_validate_len (text, out->len - (text - out->str), NULL))
    goto bad;

  extracted->title = *title != '\0' ? g_utf8_make_valid (title, -1) : NULL;
  extracted->author = *author != '\0' ? g_utf8_make_valid (author, -1) : NULL;
  extracted->text = g_strndup (text, out->len - (text - out->str));
  return g_steal_pointer (&extracted);

bad:
  g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("The extraction process answered garbage"));
  return NULL;
}

static void
set_child_error (GSubprocess  *child,
                 GString      *err,
                 GError      **error)
{
  if (g_subprocess_get_if_signaled (child)) {
    int sig = g_subprocess_get_term_sig (child);

    if (sig == SIGXCPU || sig == SIGKILL)
      g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED,
                   _("Extraction exceeded its CPU or memory limit and was stopped"));
    else
      g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED,
                   _("The extraction process crashed (signal %d)"), sig);
    return;
  }

  g_strstrip (err->str);
  err->len = strlen (err->str);
  if (err->len > 0 && g_utf8_validate (err->str, -1, NULL))
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, err->str);
  else
    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED,
                 _("Extraction failed (exit status %d)"), g_subprocess_get_exit_status (child));
}

/**
 * rtx_extract_file:
 * @path: the file
 * @type: what it is
 * @limits: (nullable): the child's limits, or the defaults
 * @cancellable: (nullable): cancels the extraction (the child is killed)
 * @error: return location for a #GError; %RTX_ERROR_INVALID_ARGUMENT when the file is not
 *   what it claims, or is refused (a bomb, a DTD), with a reason for people
 *
 * Extracts the text of an untrusted file in a child process with limits on memory, CPU time,
 * wall time and output size, so that a hostile file fails its own document, never the
 * runtime. Blocks: call it from a worker thread.
 *
 * Returns: (transfer full): the text and what the file declares of itself
 */
RtxExtracted *
rtx_extract_file (const char              *path,
                  RtxDocType               type,
                  const RtxExtractLimits  *limits,
                  GCancellable            *cancellable,
                  GError                 **error)
{
  RtxExtractLimits defaults;
  ChildLimits child_limits;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *helper = helper_path ();

  if (limits == NULL) {
    rtx_extract_limits_init (&defaults);
    limits = &defaults;
  }
  child_limits.as.rlim_cur = child_limits.as.rlim_max = limits->memory_bytes;
  child_limits.cpu.rlim_cur = limits->cpu_seconds;
  child_limits.cpu.rlim_max = limits->cpu_seconds + 1;

  if (helper == NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("Cannot find the extraction helper"));
    return NULL;
  }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, &child_limits, NULL);
  /* No proxies, no session bus, no display: the child needs none of them. */
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");

  child = g_subprocess_launcher_spawn (launcher, error, helper, "--extract",
                                       rtx_doc_type_to_string (type), NULL);
  if (child == NULL)
    return NULL;

  if (!collect_output (child, limits, out, err, cancellable, &local_error)) {
    g_subprocess_force_exit (child);
    g_subprocess_wait (child, NULL, NULL);
    g_propagate_error (error, g_steal_pointer (&local_error));
    return NULL;
  }

  if (!g_subprocess_wait (child, NULL, error))
    return NULL;

  if (!g_subprocess_get_successful (child)) {
    set_child_error (child, err, error);
    return NULL;
  }

  return decode_output (out, error);
}
