/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-agent-dialog-private.h"
#include "rtx-gui-util.h"
#include "rtx-thread-task.h"

/**
 * RtxAgentDialog:
 *
 * Adds or edits an agent: its name, slug (only when adding), description, default workspace
 * (one of those that exist, or none) and system prompt. The agents store works in SQLite, so
 * saving runs in a worker thread; a refusal (a taken slug, a field too long) is shown in the
 * dialog, which stays open.
 */
struct _RtxAgentDialog {
  AdwWindow       parent_instance;

  RtxAgents      *agents;
  GCancellable   *cancellable;
  char           *editing;          /* the slug of the agent edited, or NULL to add */

  GtkWidget      *save_button;
  GtkWidget      *error_group;
  AdwActionRow   *error_row;
  AdwEntryRow    *name_row;
  AdwEntryRow    *slug_row;
  AdwEntryRow    *description_row;
  AdwComboRow    *workspace_row;
  GtkStringList  *workspace_list;   /* "None", then workspace slugs */
  GtkTextView    *prompt_view;
};

enum {
  SIGNAL_SAVED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RtxAgentDialog, rtx_agent_dialog, ADW_TYPE_WINDOW)

typedef struct {
  RtxAgents  *agents;
  char       *slug;      /* NULL to create */
  JsonObject *fields;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->agents);
  g_free (data->slug);
  g_clear_pointer (&data->fields, json_object_unref);
  g_free (data);
}

static void
save_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(GError) error = NULL;
  RtxAgent *agent;

  agent = data->slug == NULL ? rtx_agents_create (data->agents, data->fields, &error)
                             : rtx_agents_update (data->agents, data->slug, data->fields, &error);
  if (agent == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, agent, (GDestroyNotify) rtx_agent_free);
}

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static char *
prompt_text (RtxAgentDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->prompt_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The selected workspace's slug, or "" for none. */
static const char *
selected_workspace (RtxAgentDialog *self)
{
  guint i = adw_combo_row_get_selected (self->workspace_row);

  if (i == 0 || i == GTK_INVALID_LIST_POSITION)
    return "";
  return gtk_string_list_get_string (self->workspace_list, i);
}

static void
on_changed_cb (RtxAgentDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (text_of (self->name_row)));

  gtk_widget_set_sensitive (self->save_button, *name != '\0');
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RtxAgentDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxAgent) agent = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (agent == NULL) {
    adw_action_row_set_subtitle (self->error_row, error->message);
    gtk_widget_set_visible (self->error_group, TRUE);
    on_changed_cb (self);
    return;
  }

  g_signal_emit (self, signals[SIGNAL_SAVED], 0, agent->slug);
  gtk_window_close (GTK_WINDOW (self));
}

static JsonObject *
collect_fields (RtxAgentDialog *self)
{
  JsonObject *fields = json_object_new ();
  g_autofree char *prompt = prompt_text (self);
  const char *workspace = selected_workspace (self);

  json_object_set_string_member (fields, "name", text_of (self->name_row));
  json_object_set_string_member (fields, "description", text_of (self->description_row));
  json_object_set_string_member (fields, "systemPrompt", prompt);
  /* An empty slug clears the default workspace of an agent edited; a new one just has none. */
  if (self->editing != NULL || *workspace != '\0')
    json_object_set_string_member (fields, "workspaceSlug", workspace);
  if (self->editing == NULL && *text_of (self->slug_row) != '\0')
    json_object_set_string_member (fields, "slug", text_of (self->slug_row));
  return fields;
}

static void
on_save_clicked_cb (RtxAgentDialog *self)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  if (!gtk_widget_get_sensitive (self->save_button))
    return;

  data = g_new0 (SaveData, 1);
  data->agents = g_object_ref (self->agents);
  data->slug = g_strdup (self->editing);
  data->fields = collect_fields (self);

  gtk_widget_set_sensitive (self->save_button, FALSE);
  gtk_widget_set_visible (self->error_group, FALSE);
  task = rtx_thread_task_new (NULL, self->cancellable, on_saved_cb, g_object_ref (self));
  g_task_set_source_tag (task, on_save_clicked_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_in_thread);
}

static void
rtx_agent_dialog_dispose (GObject *object)
{
  RtxAgentDialog *self = RTX_AGENT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RTX_TYPE_AGENT_DIALOG);

  G_OBJECT_CLASS (rtx_agent_dialog_parent_class)->dispose (object);
}

static void
rtx_agent_dialog_finalize (GObject *object)
{
  RtxAgentDialog *self = RTX_AGENT_DIALOG (object);

  g_clear_object (&self->agents);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->editing, g_free);

  G_OBJECT_CLASS (rtx_agent_dialog_parent_class)->finalize (object);
}

static void
rtx_agent_dialog_class_init (RtxAgentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_agent_dialog_dispose;
  object_class->finalize = rtx_agent_dialog_finalize;

  /**
   * RtxAgentDialog::saved:
   * @slug: the agent's slug
   *
   * The agent was stored; the dialog closes.
   */
  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /* The template is read here, so the resources must be registered first. */
  rtx_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/rtx-agent-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxAgentDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, RtxAgentDialog, error_group);
  gtk_widget_class_bind_template_child (widget_class, RtxAgentDialog, error_row);
  gtk_widget_class_bind_template_child (widget_class, RtxAgentDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, RtxAgentDialog, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, RtxAgentDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, RtxAgentDialog, slug_row);
  gtk_widget_class_bind_template_child (widget_class, RtxAgentDialog, workspace_list);
  gtk_widget_class_bind_template_child (widget_class, RtxAgentDialog, workspace_row);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked_cb);
}

static void
rtx_agent_dialog_init (RtxAgentDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_string_list_append (self->workspace_list, C_("workspace", "None"));
}

static RtxAgentDialog *
dialog_new (GtkWindow          *parent,
            RtxAgents          *agents,
            const char * const *workspaces,
            const char         *title)
{
  RtxAgentDialog *self = g_object_new (RTX_TYPE_AGENT_DIALOG, "transient-for", parent,
                                       "title", title, NULL);

  self->agents = g_object_ref (agents);
  for (guint i = 0; workspaces != NULL && workspaces[i] != NULL; i++)
    gtk_string_list_append (self->workspace_list, workspaces[i]);
  return self;
}

/**
 * rtx_agent_dialog_new_add:
 * @workspaces: (nullable): the slugs of the workspaces an agent may default to
 *
 * Returns: (transfer floating): a dialog that adds an agent
 */
GtkWidget *
rtx_agent_dialog_new_add (GtkWindow          *parent,
                          RtxAgents          *agents,
                          const char * const *workspaces)
{
  g_return_val_if_fail (RTX_IS_AGENTS (agents), NULL);

  return GTK_WIDGET (dialog_new (parent, agents, workspaces, _("Add Agent")));
}

/**
 * rtx_agent_dialog_new_edit:
 *
 * Returns: (transfer floating): a dialog that edits @agent; its slug stays as it is
 */
GtkWidget *
rtx_agent_dialog_new_edit (GtkWindow          *parent,
                           RtxAgents          *agents,
                           const char * const *workspaces,
                           const RtxAgent     *agent)
{
  RtxAgentDialog *self;
  guint n;

  g_return_val_if_fail (RTX_IS_AGENTS (agents), NULL);
  g_return_val_if_fail (agent != NULL, NULL);

  self = dialog_new (parent, agents, workspaces, _("Edit Agent"));
  self->editing = g_strdup (agent->slug);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), agent->name);
  gtk_editable_set_text (GTK_EDITABLE (self->slug_row), agent->slug);
  gtk_widget_set_sensitive (GTK_WIDGET (self->slug_row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                         agent->description != NULL ? agent->description : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->prompt_view),
                            agent->system_prompt != NULL ? agent->system_prompt : "", -1);

  /* A default workspace that is gone stays selectable, so saving does not drop it unasked. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->workspace_list));
  for (guint i = 1; agent->workspace_slug != NULL && i <= n; i++) {
    if (i == n)
      gtk_string_list_append (self->workspace_list, agent->workspace_slug);
    if (g_strcmp0 (gtk_string_list_get_string (self->workspace_list, i),
                   agent->workspace_slug) == 0) {
      adw_combo_row_set_selected (self->workspace_row, i);
      break;
    }
  }
  return GTK_WIDGET (self);
}

GtkEditable *
_rtx_agent_dialog_get_name_row (RtxAgentDialog *self)
{
  return GTK_EDITABLE (self->name_row);
}

GtkEditable *
_rtx_agent_dialog_get_slug_row (RtxAgentDialog *self)
{
  return GTK_EDITABLE (self->slug_row);
}

GtkEditable *
_rtx_agent_dialog_get_description_row (RtxAgentDialog *self)
{
  return GTK_EDITABLE (self->description_row);
}

AdwComboRow *
_rtx_agent_dialog_get_workspace_row (RtxAgentDialog *self)
{
  return self->workspace_row;
}

GtkTextView *
_rtx_agent_dialog_get_prompt_view (RtxAgentDialog *self)
{
  return self->prompt_view;
}

GtkWidget *
_rtx_agent_dialog_get_save_button (RtxAgentDialog *self)
{
  return self->save_button;
}

GtkWidget *
_rtx_agent_dialog_get_error_row (RtxAgentDialog *self)
{
  return self->error_group;
}
