/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-agent-dialog.h"

G_BEGIN_DECLS

/* For the GUI tests, which drive the real widgets. */
GtkEditable *_rtx_agent_dialog_get_name_row        (RtxAgentDialog *self);
GtkEditable *_rtx_agent_dialog_get_slug_row        (RtxAgentDialog *self);
GtkEditable *_rtx_agent_dialog_get_description_row (RtxAgentDialog *self);
AdwComboRow *_rtx_agent_dialog_get_workspace_row   (RtxAgentDialog *self);
GtkTextView *_rtx_agent_dialog_get_prompt_view     (RtxAgentDialog *self);
GtkWidget   *_rtx_agent_dialog_get_save_button     (RtxAgentDialog *self);
GtkWidget   *_rtx_agent_dialog_get_error_row       (RtxAgentDialog *self);

G_END_DECLS
