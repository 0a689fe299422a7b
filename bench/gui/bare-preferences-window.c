/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <adwaita.h>

#include "bench-frame.h"

/*
 * The peer of the GUI benchmark: a bare libadwaita program that opens an AdwPreferencesWindow
 * with the same pages, groups and rows as the runtime's Settings window shows with KEYS keys
 * (default 10), and nothing else: no runtime, no server, no keyring, no tray.
 */

static void
add_row (AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle,
         int                  buttons)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  for (int i = 0; i < buttons; i++) {
    GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");

    gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (button, "flat");
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  }
  adw_preferences_group_add (group, row);
}

static AdwPreferencesGroup *
add_group (AdwPreferencesPage *page,
           const char         *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
  return ADW_PREFERENCES_GROUP (group);
}

static void
on_activate_cb (GApplication *app)
{
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *server = adw_preferences_page_new ();
  GtkWidget *keys = adw_preferences_page_new ();
  AdwPreferencesGroup *group;
  const char *count = g_getenv ("KEYS");
  int n = count != NULL ? atoi (count) : 10;

  gtk_window_set_application (GTK_WINDOW (window), GTK_APPLICATION (app));
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (server), "Server");
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (server), "network-server-symbolic");
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (keys), "API Keys");
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (keys), "dialog-password-symbolic");

  group = add_group (ADW_PREFERENCES_PAGE (server), "Server");
  for (int i = 0; i < 4; i++)
    add_row (group, "Row", "Subtitle", 1);
  group = add_group (ADW_PREFERENCES_PAGE (server), "Startup");
  for (int i = 0; i < 3; i++)
    add_row (group, "Row", "Subtitle", 1);

  group = add_group (ADW_PREFERENCES_PAGE (keys), "API Keys");
  adw_preferences_group_add (group, gtk_search_entry_new ());
  for (int i = 0; i < n; i++)
    add_row (group, "Key name", "rtx_…a1b2 · created by alice, 26 Nov 2026, 20:01\nNever used", 3);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (server));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (keys));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (window),
                                           ADW_PREFERENCES_PAGE (keys));
  bench_watch_window (window, app);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_quit_cb (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       app)
{
  g_application_quit (G_APPLICATION (app));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AdwApplication) app = adw_application_new ("com.realtimex.BenchBare",
                                                       G_APPLICATION_NON_UNIQUE);
  g_autoptr(GSimpleAction) quit = g_simple_action_new ("quit", NULL);

  g_signal_connect_object (quit, "activate", G_CALLBACK (on_quit_cb), app, 0);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (quit));
  g_signal_connect (app, "activate", G_CALLBACK (on_activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
