/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-chat-export.h"
#include "rtx-handlers.h"
#include "rtx-reply.h"

/* System routes of the standard surface (standard-api.md §2.3) beside the settings ones. */

static void
handle_vector_count (RtxRequest *req)
{
  RtxDocuments *documents = rtx_runtime_get_documents (rtx_request_get_runtime (req));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "vectorCount");
  json_builder_add_int_value (builder, rtx_documents_count_vectors (documents));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

/* The one route whose body is not JSON: the export itself, as a download. */
static void
handle_export_chats (RtxRequest *req)
{
  SoupServerMessage *msg = rtx_request_get_message (req);
  const char *format = rtx_request_get_query (req, "type");
  const char *content_type = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *disposition = NULL;
  SoupMessageHeaders *headers;
  gsize length;
  gconstpointer data;

  if (format == NULL)
    format = "jsonl";

  body = rtx_chat_export (rtx_runtime_get_db (rtx_request_get_runtime (req)), format,
                          &content_type, &error);
  if (body == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  data = g_bytes_get_data (body, &length);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, length);

  /* The format name is one of four fixed words, checked above. */
  disposition = g_strdup_printf ("attachment; filename=\"chats.%s\"",
                                 g_str_equal (format, "csv") ? "csv"
                                 : g_str_equal (format, "jsonl") ? "jsonl" : "json");
  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
}

/* AnythingLLM writes its .env to storage here, with no authentication. The runtime keeps its
 * settings in its database, so there is nothing to write; the route stays for compatibility
 * and, like every route that touches settings, needs an administrator key. */
static void
handle_env_dump (RtxRequest *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "Settings live in the runtime's database; there is "
                                          "no environment file to write.");
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

const RtxHandlerBinding rtx_handlers_standard_system[] = {
  { "getSystemVectorCount", handle_vector_count },
  { "getSystemExportChats", handle_export_chats },
  { "getSystemEnvDump", handle_env_dump },
  { NULL, NULL },
};
