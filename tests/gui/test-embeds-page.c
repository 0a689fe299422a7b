/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-embeds-page-private.h"
#include "rtx-gui-test-utils.h"
#include "rtx-runtime.h"
#include "rtx-test-utils.h"

/* Settings > Embeds, through its real widgets: creating an embed for a workspace (only with
 * an allowed website), copying its snippet, switching it off, its limits and allowlist, its
 * recent chats shown as text, and deleting it; each checked in the store. */

static const RtxActor test_actor = { "tester", "cli" };

static RtxRuntime *
runtime_of (GuiFixture *fixture)
{
  return rtx_server_get_runtime (rtx_application_get_server (fixture->app));
}

static RtxEmbedsPage *
page_of (GuiFixture *fixture)
{
  return RTX_EMBEDS_PAGE (rtx_settings_window_get_embeds_page (fixture->window));
}

/* Rows are rebuilt after each change, so each step looks the row up again, opened. */
static RtxEmbedRow *
first_row (GuiFixture *fixture)
{
  RtxEmbedRow *row = _rtx_embeds_page_get_row (page_of (fixture), 0);

  g_assert_nonnull (row);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  /* The rows inside are shown once the expander has revealed them, later under load. */
  for (guint i = 0; i < 200 && !gtk_widget_get_mapped (_rtx_embed_row_get_delete_button (row));
       i++)
    rtx_gui_test_iterate (25);
  return row;
}

static RtxEmbed *
only_embed (GuiFixture *fixture)
{
  g_autoptr(GPtrArray) list = rtx_embeds_list (rtx_runtime_get_embeds (runtime_of (fixture)),
                                               NULL);

  g_assert_nonnull (list);
  g_assert_cmpuint (list->len, ==, 1);
  return g_ptr_array_steal_index (list, 0);
}

static void
create_embed (GuiFixture *fixture)
{
  GtkWidget *create = _rtx_embeds_page_get_create_button (page_of (fixture));
  GtkEditable *domains = _rtx_embeds_page_get_domains_row (page_of (fixture));

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (fixture->window),
                                           ADW_PREFERENCES_PAGE (page_of (fixture)));
  rtx_gui_test_iterate (100);
  /* The workspace made after the page was built is offered once the page is shown. */
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (
    _rtx_embeds_page_get_workspace_row (page_of (fixture)))), ==, 2);
  adw_combo_row_set_selected (_rtx_embeds_page_get_workspace_row (page_of (fixture)), 1);

  /* No website, no embed: an empty allowlist would let no page show it. */
  g_assert_false (gtk_widget_get_sensitive (create));
  gtk_editable_set_text (domains, "  ");
  g_assert_false (gtk_widget_get_sensitive (create));
  gtk_editable_set_text (domains, "https://example.com, localhost:8080");
  rtx_gui_test_click (create);
  rtx_gui_test_iterate (100);
  g_assert_cmpstr (gtk_editable_get_text (domains), ==, "");
}

static void
test_manage_embed (GuiFixture    *fixture,
                   gconstpointer  data)
{
  RtxRuntime *runtime = runtime_of (fixture);
  g_autoptr(RtxWorkspace) first = NULL;
  g_autoptr(RtxWorkspace) docs = NULL;
  g_autoptr(RtxEmbed) embed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *expected = NULL;
  RtxEmbedRow *row;

  first = rtx_workspaces_create (rtx_runtime_get_workspaces (runtime), "First", NULL, &error);
  g_assert_no_error (error);
  docs = rtx_workspaces_create (rtx_runtime_get_workspaces (runtime), "Docs", NULL, &error);
  g_assert_no_error (error);

  create_embed (fixture);
  embed = only_embed (fixture);
  g_assert_cmpint (embed->workspace_id, ==, docs->id);
  g_assert_true (embed->enabled);
  g_assert_cmpstrv (embed->allowlist,
                    ((const char *[]) { "https://example.com", "https://localhost:8080", NULL }));

  /* The snippet names the running server and the embed. */
  row = first_row (fixture);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Docs");
  rtx_gui_test_click (_rtx_embed_row_get_copy_button (row));
  copied = rtx_gui_test_read_clipboard (GTK_WIDGET (fixture->window));
  expected = g_strdup_printf ("<script src=\"http://127.0.0.1:%u/embed/chat-widget.js\" "
                              "data-embed-id=\"%s\"></script>",
                              rtx_server_get_port (rtx_application_get_server (fixture->app)),
                              embed->uuid);
  g_assert_cmpstr (copied, ==, expected);

  /* Switched off, limited, and given another website. */
  gtk_switch_set_active (_rtx_embed_row_get_enabled (row), FALSE);
  rtx_gui_test_iterate (100);
  gtk_spin_button_set_value (_rtx_embed_row_get_day_limit (first_row (fixture)), 10);
  rtx_gui_test_iterate (100);
  gtk_spin_button_set_value (_rtx_embed_row_get_session_limit (first_row (fixture)), 3);
  rtx_gui_test_iterate (100);
  g_clear_pointer (&embed, rtx_embed_free);
  embed = only_embed (fixture);
  g_assert_false (embed->enabled);
  g_assert_cmpint (embed->max_chats_per_day, ==, 10);
  g_assert_cmpint (embed->max_chats_per_session, ==, 3);

  /* An empty allowlist is refused and changes nothing. */
  row = first_row (fixture);
  gtk_editable_set_text (GTK_EDITABLE (_rtx_embed_row_get_domains (row)), " ");
  g_signal_emit_by_name (_rtx_embed_row_get_domains (row), "apply");
  rtx_gui_test_iterate (100);
  g_clear_pointer (&embed, rtx_embed_free);
  embed = only_embed (fixture);
  g_assert_cmpuint (g_strv_length (embed->allowlist), ==, 2);

  row = first_row (fixture);
  gtk_editable_set_text (GTK_EDITABLE (_rtx_embed_row_get_domains (row)),
                         "https://shop.example.org");
  g_signal_emit_by_name (_rtx_embed_row_get_domains (row), "apply");
  rtx_gui_test_iterate (100);
  gtk_spin_button_set_value (_rtx_embed_row_get_day_limit (first_row (fixture)), 0);
  rtx_gui_test_iterate (100);
  g_clear_pointer (&embed, rtx_embed_free);
  embed = only_embed (fixture);
  g_assert_cmpstrv (embed->allowlist, ((const char *[]) { "https://shop.example.org", NULL }));
  g_assert_cmpint (embed->max_chats_per_day, ==, 0);
  g_assert_cmpint (embed->max_chats_per_session, ==, 3);
}

/* Visitors' chats are listed newest first, as plain text: markup a visitor typed is shown,
 * never interpreted. */
static void
test_recent_chats (GuiFixture    *fixture,
                   gconstpointer  data)
{
  RtxRuntime *runtime = runtime_of (fixture);
  RtxEmbeds *embeds = rtx_runtime_get_embeds (runtime);
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(RtxEmbed) embed = NULL;
  g_autoptr(JsonNode) fields = json_from_string ("{\"allowlist_domains\":[\"https://a.example\"]}",
                                                 NULL);
  g_autoptr(GError) error = NULL;
  const char *session = "9b2f8c1e-3a4d-4b5e-8f6a-7c8d9e0f1a2b";
  GPtrArray *rows;
  RtxEmbedRow *row;

  ws = rtx_workspaces_create (rtx_runtime_get_workspaces (runtime), "Support", NULL, &error);
  g_assert_no_error (error);
  embed = rtx_embeds_create (embeds, ws->id, json_node_get_object (fields), &test_actor, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rtx_embeds_add_exchange (embeds, embed, session, "first question", "answer",
                                            "https://a.example", NULL, &error), >, 0);
  g_assert_cmpint (rtx_embeds_add_exchange (embeds, embed, session, "<b>bold</b> & co",
                                            "<i>not italic</i>", "https://a.example", NULL,
                                            &error), >, 0);
  g_assert_no_error (error);

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (fixture->window),
                                           ADW_PREFERENCES_PAGE (page_of (fixture)));
  rtx_gui_test_iterate (100);
  row = first_row (fixture);
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), ==,
                   "Enabled · 2 chats · https://a.example");
  rows = _rtx_embed_row_get_chat_rows (row);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_false (adw_preferences_row_get_use_markup (g_ptr_array_index (rows, 0)));
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==,
                   "<b>bold</b> & co");
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)), ==,
                   "<i>not italic</i>");
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 1)), ==,
                   "first question");

  /* Deleting, after a confirmation, takes its chats with it. */
  rtx_gui_test_click (_rtx_embed_row_get_delete_button (row));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (g_object_get_data (G_OBJECT (row),
                                                                      "delete-dialog")),
                               "delete");
  rtx_gui_test_iterate (200);
  {
    g_autoptr(GPtrArray) list = rtx_embeds_list (embeds, NULL);

    g_assert_cmpuint (list->len, ==, 0);
  }
  g_assert_null (_rtx_embeds_page_get_row (page_of (fixture), 0));
}

int
main (int    argc,
      char **argv)
{
  if (!rtx_gui_test_init (&argc, &argv)) {
    g_test_skip ("No display");
    return 77;
  }

  g_test_add ("/rtx/gui/embeds-page/manage", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_manage_embed, rtx_gui_fixture_teardown);
  g_test_add ("/rtx/gui/embeds-page/recent-chats", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_recent_chats, rtx_gui_fixture_teardown);

  return g_test_run ();
}
