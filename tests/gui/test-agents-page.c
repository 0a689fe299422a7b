/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-agent-dialog-private.h"
#include "rtx-agents-page-private.h"
#include "rtx-error.h"
#include "rtx-gui-test-utils.h"
#include "rtx-workspaces.h"

/* Settings > Agents, driven like a person would: add an agent with a default workspace and a
 * system prompt, see it listed, reopen the editor (its fields are there), change the prompt
 * and drop the workspace, delete it after confirming; a slug that is taken keeps the editor
 * open with the reason. The store is the one /api/v1/agents serves. */

static RtxRuntime *
runtime_of (GuiFixture *fixture)
{
  return rtx_server_get_runtime (rtx_application_get_server (fixture->app));
}

static RtxAgentsPage *
open_page (GuiFixture *fixture)
{
  RtxAgentsPage *page = RTX_AGENTS_PAGE (rtx_settings_window_get_agents_page (fixture->window));

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (fixture->window),
                                           ADW_PREFERENCES_PAGE (page));
  rtx_agents_page_reload (page);
  rtx_gui_test_wait_signal (page, "loaded");
  rtx_gui_test_iterate (100);
  return page;
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found = find_action_button (child, action);

    if (found != NULL)
      return found;
  }
  return NULL;
}

static RtxAgentDialog *
click_to_dialog (RtxAgentsPage *page,
                 GtkWidget     *button)
{
  GtkWidget *dialog;

  rtx_gui_test_click (button);
  dialog = _rtx_agents_page_get_dialog (page);
  g_assert_true (RTX_IS_AGENT_DIALOG (dialog));
  rtx_gui_test_iterate (100);
  return RTX_AGENT_DIALOG (dialog);
}

static void
save_and_wait (RtxAgentsPage  *page,
               RtxAgentDialog *dialog)
{
  GtkWidget *widget = GTK_WIDGET (dialog);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &widget);
  /* The store works in a thread, so "loaded" cannot come before the wait starts. */
  rtx_gui_test_click (_rtx_agent_dialog_get_save_button (dialog));
  rtx_gui_test_wait_signal (page, "loaded");
  for (guint i = 0; i < 400 && widget != NULL && gtk_widget_get_visible (widget); i++)
    rtx_gui_test_iterate (50);
  g_assert_true (widget == NULL || !gtk_widget_get_visible (widget));
  if (widget != NULL)
    g_object_remove_weak_pointer (G_OBJECT (widget), (gpointer *) &widget);
  rtx_gui_test_iterate (100);
}

static char *
prompt_of (RtxAgentDialog *dialog)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (_rtx_agent_dialog_get_prompt_view (dialog));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static guint
workspace_index (RtxAgentDialog *dialog,
                 const char     *slug)
{
  AdwComboRow *row = _rtx_agent_dialog_get_workspace_row (dialog);
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++) {
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), slug) == 0)
      return i;
  }
  return GTK_INVALID_LIST_POSITION;
}

static void
test_lifecycle (GuiFixture    *fixture,
                gconstpointer  data)
{
  RtxAgents *agents = rtx_runtime_get_agents (runtime_of (fixture));
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(RtxAgent) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prompt = NULL;
  RtxAgentsPage *page;
  RtxAgentDialog *dialog;
  AdwActionRow *row;
  AdwMessageDialog *confirm;
  guint inbox;

  ws = rtx_workspaces_create (rtx_runtime_get_workspaces (runtime_of (fixture)), "Inbox", NULL,
                              &error);
  g_assert_no_error (error);
  page = open_page (fixture);
  g_assert_null (_rtx_agents_page_find_row (page, "mail-triage"));

  /* Add: nothing can be saved without a name. */
  dialog = click_to_dialog (page, _rtx_agents_page_get_add_button (page));
  g_assert_false (gtk_widget_get_sensitive (_rtx_agent_dialog_get_save_button (dialog)));
  gtk_editable_set_text (_rtx_agent_dialog_get_name_row (dialog), "Mail triage");
  gtk_editable_set_text (_rtx_agent_dialog_get_description_row (dialog), "Sorts the inbox");
  inbox = workspace_index (dialog, ws->slug);
  g_assert_cmpuint (inbox, !=, GTK_INVALID_LIST_POSITION);
  adw_combo_row_set_selected (_rtx_agent_dialog_get_workspace_row (dialog), inbox);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (_rtx_agent_dialog_get_prompt_view (dialog)),
                            "Sort incoming mail by urgency.", -1);
  save_and_wait (page, dialog);

  row = _rtx_agents_page_find_row (page, "mail-triage");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Mail triage");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), ws->slug));
  stored = rtx_agents_get (agents, "mail-triage", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->description, ==, "Sorts the inbox");
  g_assert_cmpstr (stored->system_prompt, ==, "Sort incoming mail by urgency.");
  g_assert_cmpstr (stored->workspace_slug, ==, ws->slug);
  g_clear_pointer (&stored, rtx_agent_free);

  /* Edit: the editor shows what is stored, and the slug cannot change. */
  dialog = click_to_dialog (page, find_action_button (GTK_WIDGET (row), "agents.edit"));
  g_assert_cmpstr (gtk_editable_get_text (_rtx_agent_dialog_get_name_row (dialog)), ==,
                   "Mail triage");
  g_assert_cmpstr (gtk_editable_get_text (_rtx_agent_dialog_get_slug_row (dialog)), ==,
                   "mail-triage");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (_rtx_agent_dialog_get_slug_row (dialog))));
  prompt = prompt_of (dialog);
  g_assert_cmpstr (prompt, ==, "Sort incoming mail by urgency.");
  g_assert_cmpuint (adw_combo_row_get_selected (_rtx_agent_dialog_get_workspace_row (dialog)), ==,
                    workspace_index (dialog, ws->slug));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (_rtx_agent_dialog_get_prompt_view (dialog)),
                            "Answer every mail politely.", -1);
  adw_combo_row_set_selected (_rtx_agent_dialog_get_workspace_row (dialog), 0);
  save_and_wait (page, dialog);

  stored = rtx_agents_get (agents, "mail-triage", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->name, ==, "Mail triage");
  g_assert_cmpstr (stored->system_prompt, ==, "Answer every mail politely.");
  g_assert_null (stored->workspace_slug);
  g_clear_pointer (&stored, rtx_agent_free);

  /* Delete, after confirming. Cancelling first keeps it. */
  row = _rtx_agents_page_find_row (page, "mail-triage");
  rtx_gui_test_click (find_action_button (GTK_WIDGET (row), "agents.delete"));
  confirm = ADW_MESSAGE_DIALOG (_rtx_agents_page_get_dialog (page));
  g_assert_true (ADW_IS_MESSAGE_DIALOG (confirm));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (confirm), "Mail triage"));
  adw_message_dialog_response (confirm, "cancel");
  rtx_gui_test_iterate (200);
  stored = rtx_agents_get (agents, "mail-triage", NULL);
  g_assert_nonnull (stored);
  g_clear_pointer (&stored, rtx_agent_free);

  row = _rtx_agents_page_find_row (page, "mail-triage");
  rtx_gui_test_click (find_action_button (GTK_WIDGET (row), "agents.delete"));
  confirm = ADW_MESSAGE_DIALOG (_rtx_agents_page_get_dialog (page));
  adw_message_dialog_response (confirm, "delete");
  rtx_gui_test_wait_signal (page, "loaded");

  g_assert_null (_rtx_agents_page_find_row (page, "mail-triage"));
  stored = rtx_agents_get (agents, "mail-triage", &error);
  g_assert_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND);
  g_assert_null (stored);
}

/* An agent made elsewhere (the API) is listed; adding one with its slug is refused, and the
 * editor says why and stays open; nothing else is stored. */
static void
test_taken_slug_stays_open (GuiFixture    *fixture,
                            gconstpointer  data)
{
  RtxAgents *agents = rtx_runtime_get_agents (runtime_of (fixture));
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(RtxAgent) made = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  RtxAgentsPage *page;
  RtxAgentDialog *dialog;
  GtkWidget *error_row;

  json_object_set_string_member (fields, "name", "Triage");
  made = rtx_agents_create (agents, fields, &error);
  g_assert_no_error (error);

  page = open_page (fixture);
  g_assert_nonnull (_rtx_agents_page_find_row (page, "triage"));

  dialog = click_to_dialog (page, _rtx_agents_page_get_add_button (page));
  error_row = _rtx_agent_dialog_get_error_row (dialog);
  gtk_editable_set_text (_rtx_agent_dialog_get_name_row (dialog), "Another triage");
  gtk_editable_set_text (_rtx_agent_dialog_get_slug_row (dialog), "triage");
  rtx_gui_test_click (_rtx_agent_dialog_get_save_button (dialog));

  for (guint i = 0; i < 400 && !gtk_widget_get_visible (error_row); i++)
    rtx_gui_test_iterate (50);
  g_assert_true (gtk_widget_get_visible (error_row));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_true (gtk_widget_is_sensitive (_rtx_agent_dialog_get_save_button (dialog)));

  list = rtx_agents_list (agents, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  gtk_window_close (GTK_WINDOW (dialog));
}

int
main (int    argc,
      char **argv)
{
  if (!rtx_gui_test_init (&argc, &argv))
    return 77;

  g_test_add ("/rtx/gui/agents/lifecycle", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_lifecycle, rtx_gui_fixture_teardown);
  g_test_add ("/rtx/gui/agents/taken-slug-stays-open", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_taken_slug_stays_open, rtx_gui_fixture_teardown);

  return g_test_run ();
}
