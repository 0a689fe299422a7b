/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * RtxActor:
 * @name: who acts: a user id, the local operator's OS account name, or "key:<id>"
 * @surface: through which surface: "cli", "gui", "standard", "openai", "sdk", "public"
 *
 * Who performed an action, for the audit log and the "created by" / "deactivated by" columns.
 * Never holds a secret.
 */
typedef struct {
  const char *name;
  const char *surface;
} RtxActor;

G_END_DECLS
