/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-extract.h"
#include "rtx-link-fetch.h"
#include "rtx-runtime.h"

G_BEGIN_DECLS

typedef enum {
  RTX_INGEST_FILE,
  RTX_INGEST_TEXT,
  RTX_INGEST_LINK,
} RtxIngestKind;

/**
 * RtxIngestRequest:
 * @kind: what is ingested
 * @path: (nullable): for a file, the spooled upload; the ingestion takes it over
 * @filename: (nullable): for a file, the name it was uploaded under
 * @text: (nullable): for raw text, the text
 * @link: (nullable): for a link, the URL
 * @headers: (nullable): for a link, extra request headers
 * @credential: (nullable): for a link, a credential the caller named, resolved; it goes to
 *   the link's origin only (a redirect elsewhere does not carry it) and is wiped when the
 *   request is freed
 * @folder: the folder the document goes to
 * @metadata: (nullable): title, docAuthor, description, docSource, chunkSource, published
 * @workspace_ids: (nullable) (element-type gint64): workspaces to add the document to, once
 *   the caller checked that it may
 */
typedef struct {
  RtxIngestKind     kind;
  char             *path;
  char             *filename;
  char             *text;
  char             *link;
  GHashTable       *headers;
  RtxCredentialUse *credential;
  char             *folder;
  JsonObject       *metadata;
  GArray           *workspace_ids;
} RtxIngestRequest;

#define RTX_TYPE_INGEST (rtx_ingest_get_type ())
G_DECLARE_FINAL_TYPE (RtxIngest, rtx_ingest, RTX, INGEST, GObject)

RtxIngest        *rtx_ingest_get              (RtxRuntime         *runtime);
void              rtx_ingest_set_limits       (RtxIngest          *self,
                                               const RtxExtractLimits *limits);
RtxLinkPolicy    *rtx_ingest_get_link_policy  (RtxIngest          *self);
char             *rtx_ingest_submit           (RtxIngest          *self,
                                               RtxIngestRequest   *request,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
JsonNode         *rtx_ingest_finish           (RtxIngest          *self,
                                               GAsyncResult       *result,
                                               GError            **error);
JsonNode         *rtx_ingest_job_to_json      (RtxIngest          *self,
                                               const char         *job_id);
guint             rtx_ingest_get_pending      (RtxIngest          *self);

RtxIngestRequest *rtx_ingest_request_new      (RtxIngestKind       kind);
void              rtx_ingest_request_free     (RtxIngestRequest   *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxIngestRequest, rtx_ingest_request_free)

G_END_DECLS
