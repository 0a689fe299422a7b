/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rtx-actor.h"
#include "rtx-db.h"
#include "rtx-settings.h"

G_BEGIN_DECLS

/* The instance preferences of `/v1/admin/preferences`: a fixed list of labels, each with its
 * own check. They are stored in the settings under "preference.<label>", so no preference can
 * ever write a provider setting or anything else (CVE-2026-32715). */
const char * const *rtx_preferences_labels (void);
gboolean            rtx_preferences_apply  (RtxDb           *db,
                                            RtxSettings     *settings,
                                            JsonObject      *values,
                                            const RtxActor  *actor,
                                            GError         **error);
char               *rtx_preferences_get    (RtxSettings     *settings,
                                            const char      *label) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
