/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-json-text.h"
#include "rtx-openai-chunk.h"

static gboolean
parse (RtxOpenaiChunk *chunk,
       const char     *data)
{
  return rtx_openai_chunk_parse (chunk, data, strlen (data));
}

/* The content as the relay forwards it: still escaped. */
static char *
content_json (RtxOpenaiChunk *chunk)
{
  return g_strndup (chunk->content_json, chunk->content_json_len);
}

/* The content as it is stored: decoded. */
static char *
content_text (RtxOpenaiChunk *chunk)
{
  GString *text = g_string_new (NULL);

  rtx_json_text_unescape (text, chunk->content_json, chunk->content_json_len);
  return g_string_free (text, FALSE);
}

#define assert_content(chunk, json, text) G_STMT_START {   \
    g_autofree char *json_ = content_json (chunk);        \
    g_autofree char *text_ = content_text (chunk);        \
                                                          \
    g_assert_cmpstr (json_, ==, (json));                  \
    g_assert_cmpstr (text_, ==, (text));                  \
  } G_STMT_END

/* A chunk as OpenAI, Ollama and llama.cpp send it. */
static void
test_content (void)
{
  RtxOpenaiChunk chunk;

  rtx_openai_chunk_init (&chunk);
  g_assert_true (parse (&chunk,
                        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                        "\"model\":\"llama3\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,"
                        "\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"logprobs\":null,"
                        "\"finish_reason\":null}]}"));
  assert_content (&chunk, "Hello", "Hello");
  g_assert_cmpstr (chunk.model->str, ==, "llama3");
  g_assert_cmpstr (chunk.finish_reason->str, ==, "");
  g_assert_true (chunk.has_choice);
  g_assert_false (chunk.has_error);
  g_assert_cmpint (chunk.prompt_tokens, ==, -1);

  /* Each parse starts afresh. */
  g_assert_true (parse (&chunk, "{\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}],"
                                "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":1000,"
                                "\"total_tokens\":1011}}"));
  assert_content (&chunk, "", "");
  g_assert_cmpstr (chunk.model->str, ==, "");
  g_assert_cmpstr (chunk.finish_reason->str, ==, "length");
  g_assert_cmpint (chunk.prompt_tokens, ==, 11);
  g_assert_cmpint (chunk.completion_tokens, ==, 1000);

  /* The usage-only last chunk has no choice. */
  g_assert_true (parse (&chunk, "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4.0}}"));
  g_assert_false (chunk.has_choice);
  g_assert_cmpint (chunk.completion_tokens, ==, 4);

  rtx_openai_chunk_clear (&chunk);
}

/* The content is kept escaped, byte for byte as it came (escapes, surrogate pairs, raw UTF-8),
 * and decodes as JSON says; only the first choice counts, and look-alike members elsewhere
 * are ignored. */
static void
test_escapes_and_nesting (void)
{
  RtxOpenaiChunk chunk;

  rtx_openai_chunk_init (&chunk);
  g_assert_true (parse (&chunk,
                        " {\"choices\" : [ {\"delta\": {\"content\": \"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00\\u2028\xc3\xa9x\"},"
                        "\"extra\":{\"content\":\"no\",\"deep\":[[{\"finish_reason\":\"no\"}]]}},"
                        "{\"delta\":{\"content\":\"second\"},\"finish_reason\":\"stop\"}],"
                        "\"delta\":{\"content\":\"top\"},\"x\":[1,-2.5e+3,true,false,null,\"s\"]} "));
  assert_content (&chunk,
                  "a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00\\u2028\xc3\xa9x",
                  "a\"b\\c/d\n\t\xc3\xa9\xf0\x9f\x98\x80\xe2\x80\xa8\xc3\xa9x");
  g_assert_cmpstr (chunk.finish_reason->str, ==, "");

  /* Valid JSON that is not text: a lone surrogate, U+0000. Such a content is written anew,
   * with U+FFFD there, so that every client reads the same text as the one stored. */
  g_assert_true (parse (&chunk, "{\"choices\":[{\"delta\":{\"content\":\"\\ud800z\\\"\"}}]}"));
  assert_content (&chunk, "\xef\xbf\xbdz\\\"", "\xef\xbf\xbdz\"");
  g_assert_true (parse (&chunk, "{\"choices\":[{\"delta\":{\"content\":\"a\\u0000b\\udc00\\ud83d\\ude00\"}}]}"));
  assert_content (&chunk, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xf0\x9f\x98\x80",
                  "a\xef\xbf\xbd" "b\xef\xbf\xbd\xf0\x9f\x98\x80");

  /* Null content is no content. */
  g_assert_true (parse (&chunk, "{\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":[]}}]}"));
  assert_content (&chunk, "", "");
  g_assert_true (chunk.has_choice);

  rtx_openai_chunk_clear (&chunk);
}

static void
test_error_event (void)
{
  RtxOpenaiChunk chunk;

  rtx_openai_chunk_init (&chunk);
  g_assert_true (parse (&chunk, "{\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\"}}"));
  g_assert_true (chunk.has_error);
  g_assert_cmpstr (chunk.error_message->str, ==, "model overloaded");

  g_assert_true (parse (&chunk, "{\"error\":\"plain\"}"));
  g_assert_true (chunk.has_error);
  g_assert_cmpstr (chunk.error_message->str, ==, "");

  /* `"error": null` is no error. */
  g_assert_true (parse (&chunk, "{\"error\":null,\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}"));
  g_assert_false (chunk.has_error);
  assert_content (&chunk, "ok", "ok");

  rtx_openai_chunk_clear (&chunk);
}

/* What is not one JSON object is refused, as a JSON parser would refuse it. */
static void
test_invalid (void)
{
  static const char * const invalid[] = {
    "", " ", "not json", "[]", "\"s\"", "42", "null", "{", "}", "{\"a\"}", "{\"a\":}",
    "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{\"a\":[1,]}", "{\"a\":[1 2]}", "{'a':1}", "{a:1}",
    "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":+1}",
    "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"\\u12\"}",
    "{\"a\":\"tab\there\"}", "{\"a\":\"open}", "{\"a\":1}{}", "{\"a\":1} x",
    "{\"a\":\"\xff\"}", "{\"a\":\"\xc3\"}", "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]",
    /* UTF-8 is checked wherever it is: in names, skipped values, the content, and outside
     * strings (truncated, overlong, encoded surrogates, Latin-1). */
    "{\"\xff\":1}", "{\"x\":{\"a\xc3\":[\"\xe2\x82\"]}}", "{\"a\":1\xc3\xa9}", "\xef\xbb\xbf{}",
    "{\"choices\":[{\"delta\":{\"content\":\"caf\xe9\"}}]}",
    "{\"choices\":[{\"delta\":{\"content\":\"\xc0\xaf\"}}]}",
    "{\"choices\":[{\"delta\":{\"content\":\"\xed\xa0\x80\"}}]}",
    "{\"choices\":[{\"delta\":{\"content\":\"\xf4\x90\x80\x80\"}}]}",
  };
  RtxOpenaiChunk chunk;

  rtx_openai_chunk_init (&chunk);
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++) {
    g_test_message ("%s", invalid[i]);
    g_assert_false (parse (&chunk, invalid[i]));
  }

  /* A NUL byte inside the data is not JSON text. */
  g_assert_false (rtx_openai_chunk_parse (&chunk, "{\"a\":\"x\0y\"}", 11));

  /* Nesting is bounded (no stack overflow on a hostile stream). */
  {
    g_autoptr(GString) deep = g_string_new ("{\"a\":");

    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    g_assert_false (parse (&chunk, deep->str));
  }

  rtx_openai_chunk_clear (&chunk);
}

/* Every proper prefix of a valid event is refused; the whole is accepted. */
static void
test_prefixes (void)
{
  static const char event[] =
    "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\u00e9 x\"},"
    "\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}";
  RtxOpenaiChunk chunk;

  rtx_openai_chunk_init (&chunk);
  for (gsize n = 0; n < sizeof event - 1; n++)
    g_assert_false (rtx_openai_chunk_parse (&chunk, event, n));
  g_assert_true (rtx_openai_chunk_parse (&chunk, event, sizeof event - 1));
  assert_content (&chunk, "\\u00e9 x", "\xc3\xa9 x");
  rtx_openai_chunk_clear (&chunk);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/openai-chunk/content", test_content);
  g_test_add_func ("/openai-chunk/escapes-and-nesting", test_escapes_and_nesting);
  g_test_add_func ("/openai-chunk/error-event", test_error_event);
  g_test_add_func ("/openai-chunk/invalid", test_invalid);
  g_test_add_func ("/openai-chunk/prefixes", test_prefixes);

  return g_test_run ();
}
