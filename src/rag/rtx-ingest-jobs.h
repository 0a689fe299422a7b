/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rtx-db.h"

G_BEGIN_DECLS

/**
 * RtxJobRecord:
 * @id: the job's id
 * @failed: whether it failed
 * @error: (nullable): why
 * @documents: (nullable): the JSON array of the documents it made
 * @ended_at: when it ended, seconds since the epoch
 *
 * An ended ingestion job, as stored.
 */
typedef struct {
  char     *id;
  gboolean  failed;
  char     *error;
  char     *documents;
  gint64    ended_at;
} RtxJobRecord;

void      rtx_job_record_free      (RtxJobRecord  *record);
gboolean  rtx_ingest_jobs_save     (RtxDb         *db,
                                    GPtrArray     *records,
                                    GError       **error);
JsonNode *rtx_ingest_jobs_load     (RtxDb         *db,
                                    const char    *id,
                                    GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxJobRecord, rtx_job_record_free)

G_END_DECLS
