/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-actor.h"
#include "rtx-db.h"

G_BEGIN_DECLS

/*
 * The audit log: who did what to which object, when and through which surface. Callers record
 * inside the transaction of the action itself, so that an action whose audit row cannot be
 * written does not happen. Rows never hold a secret: @detail is free text for ids and names.
 */
gboolean rtx_audit_record (RtxDb          *db,
                           const RtxActor *actor,
                           const char     *action,
                           const char     *subject_type,
                           const char     *subject_id,
                           const char     *detail,
                           GError        **error);

G_END_DECLS
