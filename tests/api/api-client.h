/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "rtx-runtime.h"
#include "rtx-server.h"

G_BEGIN_DECLS

/* A live server on port 0 with one fresh API key, and an async SoupSession client on the same
 * main context, for the API tests of workspaces, chats and the OpenAI surface. */
typedef struct {
  char        *data_dir;
  RtxRuntime  *runtime;
  RtxServer   *server;
  SoupSession *session;
  char        *key;
} ApiFixture;

typedef struct {
  guint               status;
  char               *text;
  JsonNode           *json;   /* NULL when the body is not JSON */
  SoupMessageHeaders *headers;
} ApiResponse;

void         api_fixture_setup    (ApiFixture    *fixture,
                                   gconstpointer  data);
void         api_fixture_teardown (ApiFixture    *fixture,
                                   gconstpointer  data);
char        *api_url              (ApiFixture    *fixture,
                                   const char    *path) G_GNUC_WARN_UNUSED_RESULT;
ApiResponse *api_call             (ApiFixture    *fixture,
                                   const char    *method,
                                   const char    *path,
                                   const char    *key,
                                   const char    *body);
ApiResponse *api_call_full        (ApiFixture    *fixture,
                                   const char    *method,
                                   const char    *path,
                                   const char    *key,
                                   const char    *content_type,
                                   const char    *body,
                                   ...) G_GNUC_NULL_TERMINATED;
char        *api_new_key          (ApiFixture    *fixture,
                                   const char    *name,
                                   gboolean       admin,
                                   gint64         owner_id) G_GNUC_WARN_UNUSED_RESULT;
const char  *api_error            (ApiResponse   *response);
void         api_response_free    (ApiResponse   *response);
JsonObject  *api_object           (ApiResponse   *response);
const char  *api_path_string      (ApiResponse   *response,
                                   const char    *json_path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApiResponse, api_response_free)

G_END_DECLS
