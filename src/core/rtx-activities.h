/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-db.h"

G_BEGIN_DECLS

#define RTX_ACTIVITIES_MAX_LIMIT 1000

#define RTX_TYPE_ACTIVITIES (rtx_activities_get_type ())
G_DECLARE_FINAL_TYPE (RtxActivities, rtx_activities, RTX, ACTIVITIES, GObject)

RtxActivities *rtx_activities_new    (RtxDb          *db) G_GNUC_WARN_UNUSED_RESULT;
JsonNode      *rtx_activities_insert (RtxActivities  *self,
                                      const char     *source_app,
                                      JsonNode       *raw_data,
                                      GError        **error) G_GNUC_WARN_UNUSED_RESULT;
JsonNode      *rtx_activities_list   (RtxActivities  *self,
                                      const char     *status,
                                      guint           limit,
                                      guint           offset,
                                      GError        **error) G_GNUC_WARN_UNUSED_RESULT;
JsonNode      *rtx_activities_get    (RtxActivities  *self,
                                      const char     *id,
                                      GError        **error) G_GNUC_WARN_UNUSED_RESULT;
JsonNode      *rtx_activities_update (RtxActivities  *self,
                                      const char     *id,
                                      JsonObject     *patch,
                                      const char     *source_app,
                                      GError        **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean       rtx_activities_delete (RtxActivities  *self,
                                      const char     *id,
                                      const char     *source_app,
                                      GError        **error);
gboolean       rtx_activity_status_is_valid (const char *status);

G_END_DECLS
