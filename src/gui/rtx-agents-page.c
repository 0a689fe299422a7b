/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-agent-dialog.h"
#include "rtx-agents-page-private.h"
#include "rtx-gui-util.h"
#include "rtx-thread-task.h"
#include "rtx-workspaces.h"

/**
 * RtxAgentsPage:
 *
 * Settings > Agents: the named prompts that local apps' webhooks and the SDK run, the same
 * list that `/api/v1/agents` manages, with add, edit and delete. The store is SQLite: every
 * read and write runs in a worker thread, and the list is read again after each change.
 */
struct _RtxAgentsPage {
  AdwPreferencesPage  parent_instance;

  RtxAgents          *agents;
  RtxWorkspaces      *workspaces;
  GCancellable       *cancellable;
  GPtrArray          *listed;           /* RtxAgent, as last listed */
  GStrv               workspace_slugs;  /* as last listed, for the editor */
  GtkWidget          *dialog;           /* the open editor or confirmation, if any */

  GtkWidget          *add_button;
  GtkListBox         *list_box;
};

enum {
  SIGNAL_LOADED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RtxAgentsPage, rtx_agents_page, ADW_TYPE_PREFERENCES_PAGE)

/* ---- Work in a thread -------------------------------------------------------------------- */

typedef struct {
  RtxAgents     *agents;
  RtxWorkspaces *workspaces;
  char          *delete_slug;   /* set to delete; otherwise the lists are read */
  GPtrArray     *listed;
  GStrv          slugs;
} Work;

static void
work_free (Work *work)
{
  g_clear_object (&work->agents);
  g_clear_object (&work->workspaces);
  g_free (work->delete_slug);
  g_clear_pointer (&work->listed, g_ptr_array_unref);
  g_strfreev (work->slugs);
  g_free (work);
}

static GStrv
list_workspace_slugs (RtxWorkspaces  *workspaces,
                      GError        **error)
{
  g_autoptr(GPtrArray) list = rtx_workspaces_list (workspaces, error);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (list == NULL)
    return NULL;
  for (guint i = 0; i < list->len; i++)
    g_strv_builder_add (builder, ((RtxWorkspace *) g_ptr_array_index (list, i))->slug);
  return g_strv_builder_end (builder);
}

static void
work_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Work *work = task_data;
  g_autoptr(GError) error = NULL;

  if (work->delete_slug != NULL) {
    if (rtx_agents_delete (work->agents, work->delete_slug, &error))
      g_task_return_boolean (task, TRUE);
    else
      g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  work->listed = rtx_agents_list (work->agents, &error);
  if (work->listed != NULL)
    work->slugs = list_workspace_slugs (work->workspaces, &error);
  if (work->slugs == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
start_work (RtxAgentsPage       *self,
            const char          *delete_slug,
            GAsyncReadyCallback  callback)
{
  g_autoptr(GTask) task = rtx_thread_task_new (NULL, self->cancellable, callback,
                                               g_object_ref (self));
  Work *work = g_new0 (Work, 1);

  work->agents = g_object_ref (self->agents);
  work->workspaces = g_object_ref (self->workspaces);
  work->delete_slug = g_strdup (delete_slug);
  g_task_set_source_tag (task, start_work);
  g_task_set_task_data (task, work, (GDestroyNotify) work_free);
  g_task_run_in_thread (task, work_in_thread);
}

/* ---- The list ---------------------------------------------------------------------------- */

static GtkWindow *
page_window (RtxAgentsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
toast (RtxAgentsPage *self,
       const char    *text)
{
  GtkWindow *window = page_window (self);

  if (ADW_IS_PREFERENCES_WINDOW (window))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window), adw_toast_new (text));
}

static void
set_dialog (RtxAgentsPage *self,
            GtkWidget     *dialog)
{
  g_clear_weak_pointer (&self->dialog);
  g_set_weak_pointer (&self->dialog, dialog);
}

static const RtxAgent *
find_agent (RtxAgentsPage *self,
            const char    *slug)
{
  for (guint i = 0; self->listed != NULL && i < self->listed->len; i++) {
    const RtxAgent *agent = g_ptr_array_index (self->listed, i);

    if (g_str_equal (agent->slug, slug))
      return agent;
  }
  return NULL;
}

static GtkWidget *
row_button (const char *icon,
            const char *tooltip,
            const char *action,
            const char *slug)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (slug));
  gtk_widget_add_css_class (button, "flat");
  return button;
}

/* "slug · in workspace · description", each part when there is one. */
static char *
row_subtitle (const RtxAgent *agent)
{
  g_autoptr(GString) text = g_string_new (agent->slug);

  if (agent->workspace_slug != NULL && *agent->workspace_slug != '\0')
    g_string_append_printf (text, " · %s", agent->workspace_slug);
  if (agent->description != NULL && *agent->description != '\0')
    g_string_append_printf (text, " · %s", agent->description);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
agent_row_new (const RtxAgent *agent)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = row_subtitle (agent);
  g_autofree char *edit_tip = g_strdup_printf (_("Edit “%s”"), agent->name);
  g_autofree char *delete_tip = g_strdup_printf (_("Delete “%s”"), agent->name);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), agent->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button ("document-edit-symbolic", edit_tip, "agents.edit",
                                         agent->slug));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button ("user-trash-symbolic", delete_tip, "agents.delete",
                                         agent->slug));
  g_object_set_data_full (G_OBJECT (row), "agent-slug", g_strdup (agent->slug), g_free);
  return row;
}

static void
show_agents (RtxAgentsPage *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->list_box, 0)) != NULL)
    gtk_list_box_remove (self->list_box, GTK_WIDGET (row));

  for (guint i = 0; i < self->listed->len; i++)
    gtk_list_box_append (self->list_box, agent_row_new (g_ptr_array_index (self->listed, i)));
}

static void
on_listed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RtxAgentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  Work *work = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      rtx_gui_show_error (GTK_WIDGET (self), _("Could not list the agents"), error);
    return;
  }

  g_clear_pointer (&self->listed, g_ptr_array_unref);
  g_strfreev (self->workspace_slugs);
  self->listed = g_steal_pointer (&work->listed);
  self->workspace_slugs = g_steal_pointer (&work->slugs);
  show_agents (self);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

/**
 * rtx_agents_page_reload:
 *
 * Reads the agents (and the workspaces they may default to) again, in a worker thread, and
 * rebuilds the list; #RtxAgentsPage::loaded is emitted when it is shown.
 */
void
rtx_agents_page_reload (RtxAgentsPage *self)
{
  g_return_if_fail (RTX_IS_AGENTS_PAGE (self));

  start_work (self, NULL, on_listed_cb);
}

/* ---- Actions ----------------------------------------------------------------------------- */

static void
on_saved_cb (RtxAgentsPage *self,
             const char    *slug)
{
  toast (self, _("Agent saved"));
  rtx_agents_page_reload (self);
}

static void
present_dialog (RtxAgentsPage *self,
                GtkWidget     *dialog)
{
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_saved_cb), self, G_CONNECT_SWAPPED);
  set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  RtxAgentsPage *self = RTX_AGENTS_PAGE (widget);

  present_dialog (self, rtx_agent_dialog_new_add (page_window (self), self->agents,
                                                  (const char * const *) self->workspace_slugs));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RtxAgentsPage *self = RTX_AGENTS_PAGE (widget);
  const RtxAgent *agent = find_agent (self, g_variant_get_string (parameter, NULL));

  g_return_if_fail (agent != NULL);

  present_dialog (self, rtx_agent_dialog_new_edit (page_window (self), self->agents,
                                                   (const char * const *) self->workspace_slugs,
                                                   agent));
}

static void
on_deleted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RtxAgentsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      rtx_gui_show_error (GTK_WIDGET (self), _("Could not delete the agent"), error);
    return;
  }

  toast (self, _("Agent deleted"));
  rtx_agents_page_reload (self);
}

static void
on_confirm_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  RtxAgentsPage *self = RTX_AGENTS_PAGE (user_data);

  if (g_str_equal (response, "delete"))
    start_work (self, g_object_get_data (G_OBJECT (dialog), "agent-slug"), on_deleted_cb);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RtxAgentsPage *self = RTX_AGENTS_PAGE (widget);
  const RtxAgent *agent = find_agent (self, g_variant_get_string (parameter, NULL));
  GtkWidget *dialog;

  g_return_if_fail (agent != NULL);

  dialog = adw_message_dialog_new (page_window (self), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"),
                                     agent->name);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
    _("Webhooks that name this agent will fail. Threads and chats of its past runs stay in "
      "their workspace."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "agent-slug", g_strdup (agent->slug), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response_cb), self, 0);
  set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- The class --------------------------------------------------------------------------- */

static void
rtx_agents_page_dispose (GObject *object)
{
  RtxAgentsPage *self = RTX_AGENTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), RTX_TYPE_AGENTS_PAGE);

  G_OBJECT_CLASS (rtx_agents_page_parent_class)->dispose (object);
}

static void
rtx_agents_page_finalize (GObject *object)
{
  RtxAgentsPage *self = RTX_AGENTS_PAGE (object);

  g_clear_object (&self->agents);
  g_clear_object (&self->workspaces);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->listed, g_ptr_array_unref);
  g_clear_pointer (&self->workspace_slugs, g_strfreev);

  G_OBJECT_CLASS (rtx_agents_page_parent_class)->finalize (object);
}

static void
rtx_agents_page_class_init (RtxAgentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_agents_page_dispose;
  object_class->finalize = rtx_agents_page_finalize;

  /**
   * RtxAgentsPage::loaded:
   *
   * The list shows what the store holds now.
   */
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* The template is read here, so the resources must be registered first. */
  rtx_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/rtx-agents-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxAgentsPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, RtxAgentsPage, list_box);

  gtk_widget_class_install_action (widget_class, "agents.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "agents.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "agents.delete", "s", delete_action);
}

static void
rtx_agents_page_init (RtxAgentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * rtx_agents_page_new:
 *
 * Returns: (transfer floating): the page; it lists the agents at once
 */
GtkWidget *
rtx_agents_page_new (RtxRuntime *runtime)
{
  RtxAgentsPage *self;

  g_return_val_if_fail (RTX_IS_RUNTIME (runtime), NULL);

  self = g_object_new (RTX_TYPE_AGENTS_PAGE, NULL);
  self->agents = g_object_ref (rtx_runtime_get_agents (runtime));
  self->workspaces = g_object_ref (rtx_runtime_get_workspaces (runtime));
  rtx_agents_page_reload (self);
  return GTK_WIDGET (self);
}

AdwActionRow *
_rtx_agents_page_find_row (RtxAgentsPage *self,
                           const char    *slug)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL; i++) {
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "agent-slug"), slug) == 0)
      return ADW_ACTION_ROW (row);
  }
  return NULL;
}

GtkWidget *
_rtx_agents_page_get_dialog (RtxAgentsPage *self)
{
  return self->dialog;
}

GtkWidget *
_rtx_agents_page_get_add_button (RtxAgentsPage *self)
{
  return self->add_button;
}
