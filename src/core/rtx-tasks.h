/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-db.h"

G_BEGIN_DECLS

/**
 * RtxTaskSpec:
 * @title: what the calendar shows
 * @source_app: the identity of the app that sent the webhook
 * @agent_name: (nullable): the agent to run
 * @workspace_slug: (nullable): where it runs
 * @thread_slug: (nullable): its thread, or `create_new`
 * @raw_data: (nullable): the webhook's data, kept as JSON
 */
typedef struct {
  const char *title;
  const char *source_app;
  const char *agent_name;
  const char *workspace_slug;
  const char *thread_slug;
  JsonNode   *raw_data;
} RtxTaskSpec;

#define RTX_TYPE_TASKS (rtx_tasks_get_type ())
G_DECLARE_FINAL_TYPE (RtxTasks, rtx_tasks, RTX, TASKS, GObject)

RtxTasks *rtx_tasks_new          (RtxDb              *db) G_GNUC_WARN_UNUSED_RESULT;
gboolean  rtx_tasks_create       (RtxTasks           *self,
                                  const RtxTaskSpec  *spec,
                                  char              **out_task_uuid,
                                  char              **out_event_uuid,
                                  GError            **error);
JsonNode *rtx_tasks_get_json     (RtxTasks           *self,
                                  const char         *uuid,
                                  const char         *source_app,
                                  GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  rtx_tasks_set_status   (RtxTasks           *self,
                                  const char         *uuid,
                                  const char         *source_app,
                                  const char         *status,
                                  JsonNode           *result,
                                  const char         *error_text,
                                  const char         *machine_id,
                                  GError            **error);
gint64    rtx_tasks_start_run    (RtxTasks           *self,
                                  const char         *uuid,
                                  const char         *agent_name,
                                  const char         *workspace_slug,
                                  const char         *thread_slug,
                                  GError            **error);
gboolean  rtx_tasks_finish_run   (RtxTasks           *self,
                                  gint64              run_id,
                                  const char         *error_text,
                                  GError            **error);
gboolean  rtx_calendar_add_event (RtxDb              *db,
                                  const char         *kind,
                                  const char         *title,
                                  const char         *source_app,
                                  const char         *task_uuid,
                                  const char         *ref_id,
                                  char              **out_uuid,
                                  GError            **error);
gint      rtx_calendar_count     (RtxDb              *db,
                                  const char         *kind,
                                  const char         *ref_id);
char     *rtx_timestamp_now_iso  (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
