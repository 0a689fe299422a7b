/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _RtxChangeCounter RtxChangeCounter;

RtxChangeCounter *rtx_change_counter_open (const char        *path,
                                           GError           **error) G_GNUC_WARN_UNUSED_RESULT;
RtxChangeCounter *rtx_change_counter_new_private (void) G_GNUC_WARN_UNUSED_RESULT;
guint64           rtx_change_counter_get  (RtxChangeCounter  *self);
void              rtx_change_counter_bump (RtxChangeCounter  *self);
void              rtx_change_counter_free (RtxChangeCounter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxChangeCounter, rtx_change_counter_free)

G_END_DECLS
