/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-body.h"
#include "rtx-error.h"
#include "rtx-event-stream.h"
#include "rtx-handlers.h"
#include "rtx-json.h"
#include "rtx-reply.h"
#include "rtx-tts.h"

/* `sdk.tts` (local-app-protocol.md §2.7, §2.9; family D): speech from espeak-ng, the built-in
 * voice. `/sdk/tts` answers one WAV file; `/sdk/tts/stream` speaks the text sentence by
 * sentence as SSE (`info`, then one `chunk` per sentence with base64 WAV, then `done`; or
 * `error`). Errors before any audio are JSON with their status, which the SDK reads. */

#define MAX_TEXT_BYTES (100 * 1024)

typedef struct {
  char   *text;
  char   *voice;
  char   *language;
  double  speed;
} Speech;

static void
speech_free (Speech *speech)
{
  g_free (speech->text);
  g_free (speech->voice);
  g_free (speech->language);
  g_free (speech);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Speech, speech_free)

static RtxTtsRequest
speech_request (const Speech *speech)
{
  RtxTtsRequest request = { speech->voice, speech->language, speech->speed };

  return request;
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++) {
    if (!g_ascii_isspace (*text))
      return FALSE;
  }
  return TRUE;
}

static Speech *
read_speech (RtxRequest  *req,
             GError     **error)
{
  static const char * const allowed[] = {
    "text", "voice", "model", "speed", "provider", "language", "num_inference_steps", NULL,
  };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(Speech) speech = g_new0 (Speech, 1);
  const char *text = NULL, *voice = NULL, *provider = NULL, *language = NULL, *model = NULL;
  JsonNode *speed;

  body = rtx_body_parse_object (req, TRUE, error);
  if (body == NULL || !rtx_body_check_members (body, allowed, error) ||
      !rtx_body_read_string (body, "text", &text, error) ||
      !rtx_body_read_string (body, "voice", &voice, error) ||
      !rtx_body_read_string (body, "model", &model, error) ||
      !rtx_body_read_string (body, "provider", &provider, error) ||
      !rtx_body_read_string (body, "language", &language, error))
    return NULL;

  if (text == NULL || is_blank (text) || strlen (text) > MAX_TEXT_BYTES) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "text must be a non-empty text of at most 100 KiB");
    return NULL;
  }
  if (provider != NULL && !g_str_equal (provider, RTX_TTS_PROVIDER)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "Unknown speech provider “%s”; available: " RTX_TTS_PROVIDER, provider);
    return NULL;
  }

  speech->speed = 1.0;
  speed = json_object_get_member (body, "speed");
  if (speed != NULL && !JSON_NODE_HOLDS_NULL (speed)) {
    GType type = JSON_NODE_HOLDS_VALUE (speed) ? json_node_get_value_type (speed) : G_TYPE_INVALID;

    if ((type != G_TYPE_DOUBLE && type != G_TYPE_INT64) ||
        json_node_get_double (speed) < RTX_TTS_MIN_SPEED ||
        json_node_get_double (speed) > RTX_TTS_MAX_SPEED) {
      g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                           "speed must be a number from 0.25 to 4");
      return NULL;
    }
    speech->speed = json_node_get_double (speed);
  }

  /* `model` is the voice for providers that have models; espeak-ng has voices only. */
  if (voice == NULL)
    voice = model;
  if (voice != NULL && !rtx_tts_voice_exists (voice)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "No voice “%s”", voice);
    return NULL;
  }
  if (voice == NULL && language != NULL && !rtx_tts_voice_exists (language)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "No voice for language “%s”",
                 language);
    return NULL;
  }

  speech->text = g_strdup (text);
  speech->voice = g_strdup (voice);
  speech->language = g_strdup (language);
  return g_steal_pointer (&speech);
}

static void
reply_failure (RtxRequest   *req,
               const GError *error)
{
  if (g_error_matches (error, RTX_ERROR, RTX_ERROR_FAILED)) {
    g_autoptr(JsonNode) body = rtx_reply_error_body (RTX_SURFACE_SDK,
                                                     SOUP_STATUS_SERVICE_UNAVAILABLE,
                                                     "TTS_ERROR", error->message);

    rtx_request_reply_json (req, SOUP_STATUS_SERVICE_UNAVAILABLE, body);
    return;
  }
  rtx_request_reply_gerror (req, error);
}

/* ---- /sdk/tts ---------------------------------------------------------------------------- */

static void
speak_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  Speech *speech = data;
  RtxTtsRequest request = speech_request (speech);
  GError *error = NULL;
  GBytes *wav = rtx_tts_synthesize (speech->text, &request, cancellable, &error);

  if (wav == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, wav, (GDestroyNotify) g_bytes_unref);
}

static void
on_spoken_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RtxRequest) req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wav = g_task_propagate_pointer (G_TASK (result), &error);
  SoupServerMessage *msg = rtx_request_get_message (req);

  if (wav == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      reply_failure (req, error);
    return;
  }

  /* Raw audio, the one success body of the SDK that is not JSON. */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, RTX_TTS_MIME_TYPE, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (wav, NULL), g_bytes_get_size (wav));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_unpause (msg);
}

static void
handle_speak (RtxRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  Speech *speech = read_speech (req, &error);

  if (speech == NULL) {
    reply_failure (req, error);
    return;
  }

  task = g_task_new (NULL, rtx_request_pause (req), on_spoken_cb, rtx_request_ref (req));
  g_task_set_task_data (task, speech, (GDestroyNotify) speech_free);
  g_task_run_in_thread (task, speak_in_thread);
}

/* ---- /sdk/tts/stream --------------------------------------------------------------------- */

typedef struct {
  RtxRequest     *req;
  RtxEventStream *stream;
  Speech         *speech;
  GStrv           sentences;
  guint           total;
  guint           next;
} Streaming;

static void
streaming_free (Streaming *streaming)
{
  rtx_request_unref (streaming->req);
  g_clear_object (&streaming->stream);
  speech_free (streaming->speech);
  g_strfreev (streaming->sentences);
  g_free (streaming);
}

static void
send_event (RtxEventStream *stream,
            const char     *name,
            JsonBuilder    *builder)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  text = rtx_json_to_string (node, FALSE);
  rtx_event_stream_send_event (stream, name, text);
}

static void speak_next (Streaming *streaming);

static void
speak_sentence_in_thread (GTask        *task,
                          gpointer      source,
                          gpointer      data,
                          GCancellable *cancellable)
{
  Streaming *streaming = data;
  RtxTtsRequest request = speech_request (streaming->speech);
  GError *error = NULL;
  GBytes *wav = rtx_tts_synthesize (streaming->sentences[streaming->next], &request, cancellable,
                                    &error);

  if (wav == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, wav, (GDestroyNotify) g_bytes_unref);
}

static void
on_sentence_spoken_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Streaming *streaming = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wav = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *audio = NULL;

  if (wav == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, error->message);
      send_event (streaming->stream, "error", builder);
    }
    rtx_event_stream_close (streaming->stream);
    streaming_free (streaming);
    return;
  }

  audio = g_base64_encode (g_bytes_get_data (wav, NULL), g_bytes_get_size (wav));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, streaming->next);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, streaming->total);
  json_builder_set_member_name (builder, "audio");
  json_builder_add_string_value (builder, audio);
  json_builder_set_member_name (builder, "mimeType");
  json_builder_add_string_value (builder, RTX_TTS_MIME_TYPE);
  send_event (streaming->stream, "chunk", builder);

  streaming->next++;
  speak_next (streaming);
}

/* One sentence at a time, each sent as soon as it is spoken; the next starts after. */
static void
speak_next (Streaming *streaming)
{
  g_autoptr(GTask) task = NULL;

  if (streaming->next == streaming->total || !rtx_event_stream_is_open (streaming->stream)) {
    g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "totalChunks");
    json_builder_add_int_value (builder, streaming->total);
    send_event (streaming->stream, "done", builder);
    rtx_event_stream_close (streaming->stream);
    streaming_free (streaming);
    return;
  }

  task = g_task_new (NULL, rtx_event_stream_get_cancellable (streaming->stream),
                     on_sentence_spoken_cb, streaming);
  g_task_set_task_data (task, streaming, NULL);
  g_task_run_in_thread (task, speak_sentence_in_thread);
}

static void
handle_speak_stream (RtxRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  Speech *speech = read_speech (req, &error);
  Streaming *streaming;

  if (speech == NULL) {
    reply_failure (req, error);
    return;
  }

  streaming = g_new0 (Streaming, 1);
  streaming->req = rtx_request_ref (req);
  streaming->speech = speech;
  streaming->sentences = rtx_tts_split_sentences (speech->text);
  streaming->total = g_strv_length (streaming->sentences);
  streaming->stream = rtx_event_stream_new (rtx_request_get_message (req));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "totalChunks");
  json_builder_add_int_value (builder, streaming->total);
  send_event (streaming->stream, "info", builder);
  speak_next (streaming);
}

/* ---- /sdk/tts/providers ------------------------------------------------------------------ */

static void
add_strings (JsonBuilder *builder,
             const char  *member,
             GStrv        values)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
handle_providers (RtxRequest *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  g_auto(GStrv) languages = NULL;
  g_auto(GStrv) voices = rtx_tts_list_voices (&languages);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "providers");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, RTX_TTS_PROVIDER);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "eSpeak NG");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "server");
  json_builder_set_member_name (builder, "configured");
  json_builder_add_boolean_value (builder, voices[0] != NULL);
  json_builder_set_member_name (builder, "supportsStreaming");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "note");
  json_builder_add_string_value (builder, "Built-in, offline; WAV audio (16-bit mono)");
  json_builder_set_member_name (builder, "config");
  json_builder_begin_object (builder);
  add_strings (builder, "voices", voices);
  add_strings (builder, "languages", languages);
  json_builder_set_member_name (builder, "speed");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "min");
  json_builder_add_double_value (builder, RTX_TTS_MIN_SPEED);
  json_builder_set_member_name (builder, "max");
  json_builder_add_double_value (builder, RTX_TTS_MAX_SPEED);
  json_builder_set_member_name (builder, "default");
  json_builder_add_double_value (builder, 1.0);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "default");
  json_builder_add_string_value (builder, RTX_TTS_PROVIDER);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

const RtxHandlerBinding rtx_handlers_sdk_tts[] = {
  { "sdkTts", handle_speak },
  { "sdkTtsStream", handle_speak_stream },
  { "sdkTtsProviders", handle_providers },
  { NULL, NULL },
};
