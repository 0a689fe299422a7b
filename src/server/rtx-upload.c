/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "rtx-json.h"
#include "rtx-reply.h"
#include "rtx-listener.h"
#include "rtx-upload.h"

#define DEFAULT_MAX_BYTES ((guint64) 512 << 20)
/* What the form's other parts and the multipart framing may add to the file's size. */
#define FORM_OVERHEAD     ((guint64) 1 << 20)

struct _RtxUpload {
  RtxMultipart *form;
  int           fd;
  char         *path;
  GError       *error;
  guint         status;
};

/**
 * rtx_upload_max_bytes:
 *
 * Returns: the largest file accepted: `RTX_UPLOAD_MAX_BYTES` (an operator's setting) or 512 MiB
 */
guint64
rtx_upload_max_bytes (void)
{
  const char *env = g_getenv ("RTX_UPLOAD_MAX_BYTES");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT64, &value, NULL))
    return value;
  return DEFAULT_MAX_BYTES;
}

static void
upload_free (RtxUpload *upload)
{
  g_clear_pointer (&upload->form, rtx_multipart_free);
  if (upload->fd >= 0)
    close (upload->fd);
  if (upload->path != NULL)
    g_unlink (upload->path);
  g_free (upload->path);
  g_clear_error (&upload->error);
  g_free (upload);
}

/* ---- Refusing a body over the cap ------------------------------------------------------- */

/* libsoup would read a refused body to its end before answering (a 1 GiB upload means 1 GiB
 * read), and a client still sending may never see the answer. So the connection is taken from
 * libsoup: the 413 is written, the sending side shut, what the client still sends is read and
 * dropped for a moment (so that closing does not reset the connection before the answer is
 * read), and the connection closed. */
#define DRAIN_MAX_BYTES ((guint64) 16 << 20)
#define DRAIN_SECONDS   2

typedef struct {
  GIOStream    *stream;
  GSocket      *socket;
  GCancellable *drain;
  guint         timeout_id;
  char         *response;
  guint64       drained;
  char          buf[65536];
} Refusal;

static void
refusal_free (Refusal *refusal)
{
  g_clear_handle_id (&refusal->timeout_id, g_source_remove);
  g_clear_object (&refusal->stream);
  g_clear_object (&refusal->socket);
  g_clear_object (&refusal->drain);
  g_free (refusal->response);
  g_free (refusal);
}

static gboolean
on_drain_timeout (gpointer user_data)
{
  Refusal *refusal = user_data;

  refusal->timeout_id = 0;
  g_cancellable_cancel (refusal->drain);
  return G_SOURCE_REMOVE;
}

static void
on_refusal_closed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  refusal_free (user_data);
}

static void
on_drained (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0) {
    refusal->drained += n;
    if (refusal->drained < DRAIN_MAX_BYTES) {
      g_input_stream_read_async (G_INPUT_STREAM (source), refusal->buf, sizeof refusal->buf,
                                 G_PRIORITY_LOW, refusal->drain, on_drained, refusal);
      return;
    }
  }
  g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, NULL, on_refusal_closed, refusal);
}

static void
on_refusal_written (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL)) {
    g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, NULL, on_refusal_closed, refusal);
    return;
  }
  /* The client reads the answer to its end; then it stops, or its next write fails. */
  if (refusal->socket != NULL)
    g_socket_shutdown (refusal->socket, FALSE, TRUE, NULL);
  refusal->drain = g_cancellable_new ();
  refusal->timeout_id = g_timeout_add_seconds (DRAIN_SECONDS, on_drain_timeout, refusal);
  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream), refusal->buf,
                             sizeof refusal->buf, G_PRIORITY_LOW, refusal->drain, on_drained, refusal);
}

static gboolean
refuse_connection_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  RtxUpload *upload = g_object_get_data (G_OBJECT (msg), "rtx-upload");
  g_autoptr(JsonNode) body = rtx_reply_error_body (RTX_SURFACE_STANDARD,
                                                   SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL,
                                                   upload->error->message);
  g_autofree char *json = rtx_json_to_string (body, FALSE);
  Refusal *refusal = g_new0 (Refusal, 1);

  refusal->response = g_strdup_printf ("HTTP/1.1 413 Request Entity Too Large\r\n"
                                       "Content-Type: " RTX_REPLY_CONTENT_TYPE_JSON "\r\n"
                                       "Cache-Control: no-store\r\n"
                                       "X-Content-Type-Options: nosniff\r\n"
                                       "Connection: close\r\n"
                                       "Content-Length: %zu\r\n\r\n%s",
                                       strlen (json), json);
  refusal->socket = rtx_listener_get_message_socket (msg);
  if (refusal->socket != NULL)
    g_object_ref (refusal->socket);
  refusal->stream = soup_server_message_steal_connection (msg);
  if (refusal->socket == NULL || refusal->stream == NULL) {
    refusal_free (refusal);
    return G_SOURCE_REMOVE;
  }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (refusal->stream),
                                   refusal->response, strlen (refusal->response),
                                   G_PRIORITY_DEFAULT, NULL, on_refusal_written, refusal);
  return G_SOURCE_REMOVE;
}

/* Fails the upload. A body over the cap is refused at once, on a connection taken from
 * libsoup; other failures are answered by the handler once the body is in. */
static void
upload_fail (RtxUpload         *upload,
             SoupServerMessage *msg,
             guint              status,
             GError            *error)
{
  if (upload->error != NULL) {
    g_error_free (error);
    return;
  }
  upload->error = error;
  upload->status = status;
  g_clear_pointer (&upload->form, rtx_multipart_free);
  if (upload->fd >= 0) {
    close (upload->fd);
    upload->fd = -1;
  }

  if (status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE) {
    soup_server_message_pause (msg);
    g_idle_add_full (G_PRIORITY_DEFAULT, refuse_connection_cb, g_object_ref (msg), g_object_unref);
  }
}

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              RtxUpload         *upload)
{
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (chunk, &len);

  if (upload->form == NULL)
    return;
  if (!rtx_multipart_feed (upload->form, data, len, &error)) {
    guint status = g_error_matches (error, RTX_MULTIPART_ERROR, RTX_MULTIPART_ERROR_TOO_LARGE)
                   ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : SOUP_STATUS_BAD_REQUEST;

    upload_fail (upload, msg, status, g_steal_pointer (&error));
  }
}

static void
on_got_body (SoupServerMessage *msg,
             RtxUpload         *upload)
{
  g_autoptr(GError) error = NULL;

  if (upload->form == NULL)
    return;
  if (!rtx_multipart_finish (upload->form, &error)) {
    upload_fail (upload, msg, SOUP_STATUS_BAD_REQUEST, g_steal_pointer (&error));
    return;
  }
  close (upload->fd);
  upload->fd = -1;
}

static gboolean
wants_upload (RtxOperation *operation)
{
  JsonNode *node = json_object_get_member (rtx_operation_get_json (operation), "x-rtx-upload");

  return node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

static RtxUpload *
start_spool (RtxRuntime  *runtime,
             const char  *boundary,
             GError     **error)
{
  g_autofree char *dir = g_build_filename (rtx_runtime_get_data_dir (runtime), "tmp", NULL);
  g_autofree char *tmpl = g_build_filename (dir, "upload-XXXXXX", NULL);
  RtxMultipartLimits limits = { rtx_upload_max_bytes (), 1 << 20, 16, 8192 };
  RtxUpload *upload;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0600)) < 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not store the upload"));
    return NULL;
  }

  upload = g_new0 (RtxUpload, 1);
  upload->fd = fd;
  upload->path = g_strdup (tmpl);
  upload->form = rtx_multipart_new (boundary, "file", fd, &limits);
  return upload;
}

/**
 * rtx_upload_attach_if_wanted:
 * @operation: the operation the request was routed to
 *
 * Called for every routed request once its headers are in. For an upload operation, turns off the
 * buffering of the request body and parses it as it arrives instead; refuses at once a body
 * whose declared size is over the cap.
 *
 * Returns: %TRUE when @msg is an upload
 */
gboolean
rtx_upload_attach_if_wanted (RtxOperation      *operation,
                             RtxRuntime        *runtime,
                             SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *boundary = NULL;
  g_autoptr(GError) error = NULL;
  RtxUpload *upload;

  if (!wants_upload (operation))
    return FALSE;

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);

  boundary = rtx_multipart_boundary (soup_message_headers_get_one (headers, "Content-Type"));
  if (boundary == NULL) {
    upload = g_new0 (RtxUpload, 1);
    upload->fd = -1;
    upload_fail (upload, msg, SOUP_STATUS_BAD_REQUEST,
                 g_error_new_literal (RTX_MULTIPART_ERROR, RTX_MULTIPART_ERROR_MALFORMED,
                                      _("Send the file as multipart/form-data")));
  } else if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
             (guint64) soup_message_headers_get_content_length (headers) > rtx_upload_max_bytes () + FORM_OVERHEAD) {
    upload = g_new0 (RtxUpload, 1);
    upload->fd = -1;
    upload_fail (upload, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                 g_error_new_literal (RTX_MULTIPART_ERROR, RTX_MULTIPART_ERROR_TOO_LARGE,
                                      _("The uploaded file is larger than allowed")));
  } else if ((upload = start_spool (runtime, boundary, &error)) == NULL) {
    upload = g_new0 (RtxUpload, 1);
    upload->fd = -1;
    upload_fail (upload, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, g_steal_pointer (&error));
  }

  g_object_set_data_full (G_OBJECT (msg), "rtx-upload", upload, (GDestroyNotify) upload_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), upload);
  g_signal_connect (msg, "got-body", G_CALLBACK (on_got_body), upload);
  return TRUE;
}

RtxUpload *
rtx_upload_get (SoupServerMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), "rtx-upload");
}

/**
 * rtx_upload_get_error:
 * @status: (out): the HTTP status that answers the error
 *
 * Returns: (nullable): why the upload failed
 */
const GError *
rtx_upload_get_error (RtxUpload *upload,
                      guint     *status)
{
  *status = upload->status;
  return upload->error;
}

RtxMultipart *
rtx_upload_get_form (RtxUpload *upload)
{
  return upload->form;
}

/**
 * rtx_upload_steal_file:
 *
 * Returns: (transfer full): the spooled file's path; the caller now owns (and removes) it
 */
char *
rtx_upload_steal_file (RtxUpload *upload)
{
  return g_steal_pointer (&upload->path);
}
