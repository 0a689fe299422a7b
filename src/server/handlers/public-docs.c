/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-docs-resources-gen.h"
#include "rtx-handlers.h"
#include "rtx-reply.h"
#include "rtx-resources.h"

/* /api/docs: Swagger UI (the pinned swagger-ui-dist, compiled into the binary) over the very
 * document the router is built from. The page may load nothing but these files: its
 * Content-Security-Policy says so, and its init script (a file, not an inline script) turns
 * off the online validator and the ?url= loader. */

#define DOCS_PREFIX RESOURCE_PREFIX "/api-docs/"

/* Swagger UI sets styles from script and its CSS holds data: images; nothing else is needed. */
static const char csp[] =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

static void
ensure_docs_resource (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered)) {
    rtx_docs_register_resource ();
    g_once_init_leave (&registered, 1);
  }
}

static void
reply_resource (RtxRequest *req,
                const char *path,
                const char *content_type)
{
  SoupServerMessage *msg = rtx_request_get_message (req);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL) {
    g_critical ("Missing resource %s: %s", path, error->message);
    rtx_request_reply_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Internal error");
    return;
  }

  rtx_reply_bytes (msg, SOUP_STATUS_OK, content_type, bytes);
  rtx_reply_set_header (msg, "Content-Security-Policy", csp);
  rtx_reply_set_header (msg, "Cache-Control", "no-cache");
  rtx_reply_set_header (msg, "Referrer-Policy", "no-referrer");
}

static void
reply_docs_file (RtxRequest *req,
                 const char *name,
                 const char *content_type)
{
  g_autofree char *path = g_strconcat (DOCS_PREFIX, name, NULL);

  ensure_docs_resource ();
  reply_resource (req, path, content_type);
}

static void
handle_api_docs (RtxRequest *req)
{
  reply_docs_file (req, "index.html", "text/html; charset=utf-8");
}

static void
handle_api_docs_init (RtxRequest *req)
{
  reply_docs_file (req, "rtx-docs.js", "text/javascript; charset=utf-8");
}

static void
handle_api_docs_bundle (RtxRequest *req)
{
  reply_docs_file (req, "swagger-ui-bundle.js", "text/javascript; charset=utf-8");
}

static void
handle_api_docs_css (RtxRequest *req)
{
  reply_docs_file (req, "swagger-ui.css", "text/css; charset=utf-8");
}

static void
handle_api_docs_favicon (RtxRequest *req)
{
  reply_docs_file (req, "favicon-32x32.png", "image/png");
}

/* The document exactly as compiled in, byte for byte what the router read. */
static void
handle_api_docs_document (RtxRequest *req)
{
  rtx_resources_ensure ();
  reply_resource (req, RESOURCE_PREFIX "/openapi.json", RTX_REPLY_CONTENT_TYPE_JSON);
}

const RtxHandlerBinding rtx_handlers_public_docs[] = {
  { "apiDocs", handle_api_docs },
  { "apiDocsDocument", handle_api_docs_document },
  { "apiDocsInit", handle_api_docs_init },
  { "apiDocsBundle", handle_api_docs_bundle },
  { "apiDocsStyle", handle_api_docs_css },
  { "apiDocsIcon", handle_api_docs_favicon },
  { NULL, NULL },
};
