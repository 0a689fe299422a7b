/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-actor.h"
#include "rtx-db.h"
#include "rtx-secrets.h"

G_BEGIN_DECLS

/**
 * RtxCredential:
 *
 * A credential as the database knows it: never its payload. Times are Unix seconds (UTC).
 */
typedef struct {
  gint64  id;
  char   *name;
  char   *type;        /* "http_header", "query_auth", "basic_auth", "bearer", "env_var",
                        * "oauth_token" */
  char   *metadata;    /* a JSON object as text, or NULL; never secret */
  gint64  created_at;
  char   *created_by;
  gint64  updated_at;
  char   *updated_by;
} RtxCredential;

#define RTX_TYPE_CREDENTIALS (rtx_credentials_get_type ())
G_DECLARE_FINAL_TYPE (RtxCredentials, rtx_credentials, RTX, CREDENTIALS, GObject)

void            rtx_credential_free               (RtxCredential   *credential);
JsonNode       *rtx_credential_to_json            (const RtxCredential *credential)
                                                   G_GNUC_WARN_UNUSED_RESULT;
gboolean        rtx_credential_type_is_valid      (const char      *type);
gboolean        rtx_credential_validate_payload   (const char      *type,
                                                   JsonObject      *payload,
                                                   GError         **error);

RtxCredentials *rtx_credentials_new               (RtxDb           *db,
                                                   RtxSecrets      *secrets) G_GNUC_WARN_UNUSED_RESULT;
RtxCredential  *rtx_credentials_create            (RtxCredentials  *self,
                                                   const char      *name,
                                                   const char      *type,
                                                   JsonObject      *payload,
                                                   JsonObject      *metadata,
                                                   const RtxActor  *actor,
                                                   GError         **error);
RtxCredential  *rtx_credentials_update            (RtxCredentials  *self,
                                                   const char      *name,
                                                   const char      *type,
                                                   JsonObject      *payload,
                                                   JsonObject      *metadata,
                                                   const RtxActor  *actor,
                                                   GError         **error);
gboolean        rtx_credentials_delete            (RtxCredentials  *self,
                                                   const char      *name,
                                                   const RtxActor  *actor,
                                                   GError         **error);
RtxCredential  *rtx_credentials_get               (RtxCredentials  *self,
                                                   const char      *name,
                                                   GError         **error);
GPtrArray      *rtx_credentials_list              (RtxCredentials  *self,
                                                   GError         **error);
JsonObject     *rtx_credentials_read_payload      (RtxCredentials  *self,
                                                   const char      *name,
                                                   const RtxActor  *actor,
                                                   GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxCredential, rtx_credential_free)

G_END_DECLS
