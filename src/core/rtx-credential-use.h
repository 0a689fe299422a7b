/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "rtx-credentials.h"

G_BEGIN_DECLS

/**
 * RtxCredentialTarget:
 * @RTX_CREDENTIAL_TARGET_HEADER: a request header (http_header, basic_auth, bearer,
 *   oauth_token)
 * @RTX_CREDENTIAL_TARGET_QUERY: a query parameter of the request's URI (query_auth)
 * @RTX_CREDENTIAL_TARGET_ENVIRONMENT: a variable of a local app's environment (env_var)
 *
 * Where a credential goes when it is used.
 */
typedef enum {
  RTX_CREDENTIAL_TARGET_HEADER,
  RTX_CREDENTIAL_TARGET_QUERY,
  RTX_CREDENTIAL_TARGET_ENVIRONMENT,
} RtxCredentialTarget;

/**
 * RtxCredentialUse:
 *
 * A credential ready to be applied: where it goes, under which name, with which value. The
 * value is secret: it is wiped when the use is freed, and never logged.
 */
typedef struct _RtxCredentialUse RtxCredentialUse;

RtxCredentialUse    *rtx_credential_use_new                 (const char              *type,
                                                             JsonObject              *payload,
                                                             GError                 **error);
RtxCredentialUse    *rtx_credentials_get_use                (RtxCredentials          *vault,
                                                             const char              *name,
                                                             const RtxActor          *actor,
                                                             GError                 **error);
RtxCredentialUse    *rtx_credential_use_copy                (const RtxCredentialUse  *use);
void                 rtx_credential_use_free                (RtxCredentialUse        *use);
RtxCredentialTarget  rtx_credential_use_get_target          (const RtxCredentialUse  *use);
const char          *rtx_credential_use_get_name            (const RtxCredentialUse  *use);
gboolean             rtx_credential_use_apply_to_message    (const RtxCredentialUse  *use,
                                                             SoupMessage             *msg,
                                                             GError                 **error);
gboolean             rtx_credential_use_apply_to_headers    (const RtxCredentialUse  *use,
                                                             SoupMessageHeaders      *headers,
                                                             GError                 **error);
char                *rtx_credential_use_apply_to_uri        (const RtxCredentialUse  *use,
                                                             const char              *uri,
                                                             GError                 **error);
char                *rtx_credential_use_strip_uri           (const RtxCredentialUse  *use,
                                                             const char              *uri);
char               **rtx_credential_use_apply_to_environ    (const RtxCredentialUse  *use,
                                                             char                   **envp,
                                                             GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxCredentialUse, rtx_credential_use_free)

G_END_DECLS
