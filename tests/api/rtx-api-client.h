/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "rtx-runtime.h"
#include "rtx-server.h"

G_BEGIN_DECLS

/* A live server on port 0 with an API key, and a client on the same main context. */
typedef struct {
  char        *data_dir;
  RtxRuntime  *runtime;
  RtxServer   *server;
  SoupSession *session;
  char        *bearer;
} RtxApiFixture;

typedef struct {
  guint     status;
  char     *body;
  JsonNode *json;
} RtxApiResponse;

void            rtx_api_fixture_setup    (RtxApiFixture  *fixture,
                                          const char     *name);
void            rtx_api_fixture_teardown (RtxApiFixture  *fixture);
RtxApiResponse *rtx_api_call             (RtxApiFixture  *fixture,
                                          const char     *method,
                                          const char     *path,
                                          const char     *json_body);
RtxApiResponse *rtx_api_upload           (RtxApiFixture  *fixture,
                                          const char     *path,
                                          const char     *filename,
                                          GBytes         *contents,
                                          const char     *first_field,
                                          ...);
JsonObject     *rtx_api_object           (RtxApiResponse *response);
const char     *rtx_api_string           (RtxApiResponse *response,
                                          const char     *path);
void            rtx_api_response_free    (RtxApiResponse *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxApiResponse, rtx_api_response_free)

G_END_DECLS
