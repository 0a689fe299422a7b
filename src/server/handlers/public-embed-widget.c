/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-handlers.h"
#include "rtx-reply.h"
#include "rtx-resources.h"

/* The widget's files: the script a web page includes, and the chat frame it opens. These are
 * the server's only non-JSON pages besides /api/docs. The frame carries its own
 * Content-Security-Policy: its one script and stylesheet from the runtime, calls to the
 * runtime only, no inline script, and framing only by the embed's allowlisted origins. */

#define RESOURCE_DIR "/com/realtimex/Runtime/embed/"

static GBytes *
lookup (const char *name)
{
  g_autofree char *path = g_strconcat (RESOURCE_DIR, name, NULL);

  rtx_resources_ensure ();
  return g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
}

static void
reply_bytes (RtxRequest *req,
             const char *content_type,
             GBytes     *bytes)
{
  SoupServerMessage *msg = rtx_request_get_message (req);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize length;
  gconstpointer data = g_bytes_get_data (bytes, &length);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, length);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
}

static void
reply_file (RtxRequest *req,
            const char *name,
            const char *content_type)
{
  g_autoptr(GBytes) bytes = lookup (name);

  g_return_if_fail (bytes != NULL);
  reply_bytes (req, content_type, bytes);
  /* Web pages of other origins include the script with a plain <script src>. */
  if (g_str_equal (name, "chat-widget.js"))
    soup_message_headers_replace (soup_server_message_get_response_headers (
                                    rtx_request_get_message (req)),
                                  "Cross-Origin-Resource-Policy", "cross-origin");
}

static void
handle_widget_script (RtxRequest *req)
{
  reply_file (req, "chat-widget.js", "text/javascript; charset=utf-8");
}

static void
handle_frame_script (RtxRequest *req)
{
  reply_file (req, "chat-frame.js", "text/javascript; charset=utf-8");
}

static void
handle_frame_style (RtxRequest *req)
{
  reply_file (req, "chat-frame.css", "text/css; charset=utf-8");
}

/* The allowlist as CSP sources: each entry is a normalised origin (scheme, host, port), so it
 * cannot carry a quote, a space or a semicolon into the policy. */
static char *
frame_ancestors (const RtxEmbed *embed)
{
  GString *sources = g_string_new (NULL);

  for (guint i = 0; embed->allowlist[i] != NULL; i++) {
    g_autofree char *clean = rtx_origin_normalize (embed->allowlist[i], FALSE);

    if (clean != NULL && strpbrk (clean, " ;,'\"") == NULL)
      g_string_append_printf (sources, "%s%s", sources->len > 0 ? " " : "", clean);
  }

  if (sources->len == 0)
    g_string_append (sources, "'none'");
  return g_string_free (sources, FALSE);
}

static void
handle_frame (RtxRequest *req)
{
  RtxEmbeds *embeds = rtx_runtime_get_embeds (rtx_request_get_runtime (req));
  g_autoptr(RtxEmbed) embed = NULL;
  g_autoptr(GBytes) template = lookup ("chat-frame.html");
  g_autoptr(GString) page = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ancestors = NULL;
  g_autofree char *policy = NULL;
  SoupMessageHeaders *headers;

  embed = rtx_embeds_get (embeds, rtx_request_get_param (req, "embedId"), &error);
  if (embed == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  /* The id is a checked UUID: hex digits and dashes only. */
  page = g_string_new_len (g_bytes_get_data (template, NULL), g_bytes_get_size (template));
  g_string_replace (page, "@EMBED_ID@", embed->uuid, 1);
  bytes = g_string_free_to_bytes (g_steal_pointer (&page));
  reply_bytes (req, "text/html; charset=utf-8", bytes);

  ancestors = frame_ancestors (embed);
  policy = g_strdup_printf ("default-src 'none'; script-src 'self'; style-src 'self'; "
                            "connect-src 'self'; img-src 'self'; base-uri 'none'; "
                            "form-action 'none'; frame-ancestors %s", ancestors);
  headers = soup_server_message_get_response_headers (rtx_request_get_message (req));
  soup_message_headers_replace (headers, "Content-Security-Policy", policy);
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
}

const RtxHandlerBinding rtx_handlers_public_embed_widget[] = {
  { "getEmbedWidgetScript", handle_widget_script },
  { "getEmbedFrameScript", handle_frame_script },
  { "getEmbedFrameStyle", handle_frame_style },
  { "getEmbedFrame", handle_frame },
  { NULL, NULL },
};
