/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-agents.h"

G_BEGIN_DECLS

#define RTX_TYPE_AGENT_DIALOG (rtx_agent_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RtxAgentDialog, rtx_agent_dialog, RTX, AGENT_DIALOG, AdwWindow)

GtkWidget *rtx_agent_dialog_new_add  (GtkWindow          *parent,
                                      RtxAgents          *agents,
                                      const char * const *workspaces) G_GNUC_WARN_UNUSED_RESULT;
GtkWidget *rtx_agent_dialog_new_edit (GtkWindow          *parent,
                                      RtxAgents          *agents,
                                      const char * const *workspaces,
                                      const RtxAgent     *agent) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
