/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-gui-util.h"
#include "rtx-local-apps-page-private.h"
#include "rtx-permission-prompter.h"

/**
 * RtxLocalAppsPage:
 *
 * Settings > Local Apps: the programs that use the runtime through `@realtimex/sdk`. Each row
 * shows whether the app runs (or why it failed), starts and stops it, shows its latest
 * output, edits it, lists its permission decisions with a switch each, resets them, and
 * removes the app. The list follows the registry and the launcher as they change, whoever
 * changed them (this window, the admin API, a prompt).
 */
struct _RtxLocalAppsPage {
  AdwPreferencesPage  parent_instance;

  RtxRuntime         *runtime;
  RtxLocalApps       *apps;
  RtxAppLauncher     *launcher;

  AdwPreferencesGroup *group;
  GPtrArray          *rows;            /* the group's rows, to remove them */
  GHashTable         *app_rows;        /* app id → AdwExpanderRow */
  GHashTable         *run_buttons;     /* app id → GtkButton */
  GHashTable         *output_buttons;  /* app id → GtkButton */
  GHashTable         *switches;        /* "app id\npermission" → GtkSwitch */
  GHashTable         *credential_switches; /* "app id\ncredential" → GtkSwitch */
  guint               rebuild_id;

  GtkWidget          *output_window;
  GtkWidget          *output_view;
  GtkWidget          *add_button;
  GtkWidget          *edit_dialog;     /* weak */
};

G_DEFINE_FINAL_TYPE (RtxLocalAppsPage, rtx_local_apps_page, ADW_TYPE_PREFERENCES_PAGE)

static void schedule_rebuild (RtxLocalAppsPage *self);

static const RtxActor *
actor (void)
{
  return rtx_gui_actor ();
}

static char *
state_text (RtxAppLauncher *launcher,
            const char     *app_id)
{
  g_autofree char *reason = NULL;
  RtxAppState state = rtx_app_launcher_get_state (launcher, app_id, &reason, NULL);

  switch (state) {
  case RTX_APP_RUNNING:
    return g_strdup (_("Running"));
  case RTX_APP_FAILED:
    return g_strdup_printf (_("Failed: %s"), reason != NULL ? reason : _("unknown reason"));
  case RTX_APP_STOPPED:
  default:
    return reason != NULL ? g_strdup_printf (_("Stopped: %s"), reason) : g_strdup (_("Stopped"));
  }
}

/* ---- Actions ----------------------------------------------------------------------------- */

static void
on_started_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RtxLocalAppsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* A failure is also the app's state, which the row shows with its reason. */
  if (!rtx_app_launcher_start_finish (RTX_APP_LAUNCHER (source), result, &error))
    g_debug ("A local app did not start: %s", error->message);
  schedule_rebuild (self);
}

static void
on_run_clicked_cb (GtkButton        *button,
                   RtxLocalAppsPage *self)
{
  const char *app_id = g_object_get_data (G_OBJECT (button), "app-id");

  if (rtx_app_launcher_get_state (self->launcher, app_id, NULL, NULL) == RTX_APP_RUNNING)
    rtx_app_launcher_stop (self->launcher, app_id, NULL);
  else
    rtx_app_launcher_start_async (self->launcher, app_id, actor (), NULL, on_started_cb,
                                  g_object_ref (self));
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
}

static void
on_output_clicked_cb (GtkButton        *button,
                      RtxLocalAppsPage *self)
{
  const char *app_id = g_object_get_data (G_OBJECT (button), "app-id");
  g_autofree char *output = rtx_app_launcher_get_output (self->launcher, app_id);
  GtkWidget *scrolled;

  if (self->output_window == NULL) {
    self->output_window = adw_window_new ();
    gtk_window_set_default_size (GTK_WINDOW (self->output_window), 640, 420);
    gtk_window_set_hide_on_close (GTK_WINDOW (self->output_window), TRUE);
    gtk_window_set_transient_for (GTK_WINDOW (self->output_window),
                                  GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
    self->output_view = gtk_text_view_new ();
    gtk_text_view_set_editable (GTK_TEXT_VIEW (self->output_view), FALSE);
    gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->output_view), TRUE);
    gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->output_view), GTK_WRAP_WORD_CHAR);
    scrolled = gtk_scrolled_window_new ();
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->output_view);
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

      gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
      gtk_widget_set_vexpand (scrolled, TRUE);
      gtk_box_append (GTK_BOX (box), scrolled);
      adw_window_set_content (ADW_WINDOW (self->output_window), box);
    }
  }

  gtk_window_set_title (GTK_WINDOW (self->output_window),
                        g_object_get_data (G_OBJECT (button), "app-name"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->output_view)),
                            *output != '\0' ? output : _("No output yet."), -1);
  gtk_window_present (GTK_WINDOW (self->output_window));
}

static void
on_switch_active_cb (GtkSwitch        *sw,
                     GParamSpec       *pspec,
                     RtxLocalAppsPage *self)
{
  const char *permissions[] = { g_object_get_data (G_OBJECT (sw), "permission"), NULL };
  const char *app_id = g_object_get_data (G_OBJECT (sw), "app-id");
  g_autoptr(GError) error = NULL;

  if (!rtx_local_apps_set_decisions (self->apps, app_id, permissions,
                                     gtk_switch_get_active (sw) ? RTX_PERMISSION_GRANTED
                                                                : RTX_PERMISSION_DENIED,
                                     actor (), &error))
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not change the permission"), error);
}

static void
on_credential_active_cb (GtkSwitch        *sw,
                         GParamSpec       *pspec,
                         RtxLocalAppsPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!rtx_local_apps_set_credential (self->apps, g_object_get_data (G_OBJECT (sw), "app-id"),
                                      g_object_get_data (G_OBJECT (sw), "credential"),
                                      gtk_switch_get_active (sw), actor (), &error))
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not assign the credential"), error);
}

static void
on_reset_clicked_cb (GtkButton        *button,
                     RtxLocalAppsPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!rtx_local_apps_reset_decisions (self->apps, g_object_get_data (G_OBJECT (button), "app-id"),
                                       actor (), &error))
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not reset the permissions"), error);
}

static void
on_remove_clicked_cb (GtkButton        *button,
                      RtxLocalAppsPage *self)
{
  const char *app_id = g_object_get_data (G_OBJECT (button), "app-id");
  g_autoptr(GError) error = NULL;

  if (rtx_app_launcher_get_state (self->launcher, app_id, NULL, NULL) == RTX_APP_RUNNING)
    rtx_app_launcher_stop (self->launcher, app_id, NULL);
  if (!rtx_local_apps_delete (self->apps, app_id, actor (), &error))
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not remove the app"), error);
}

/* ---- Add and edit ------------------------------------------------------------------------ */

static GtkWidget *
entry_row (GtkWidget  *list,
           const char *title,
           const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  return row;
}

static const char *
row_text (GtkWidget *dialog,
          const char *key)
{
  return gtk_editable_get_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), key)));
}

static void
set_optional_string (JsonObject *object,
                     const char *member,
                     const char *text)
{
  if (*text != '\0')
    json_object_set_string_member (object, member, text);
  else
    json_object_set_null_member (object, member);
}

/* The form, as the body of the admin API's create: one validation for both. */
static JsonObject *
form_to_json (GtkWidget  *dialog,
              GError    **error)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) args = json_array_new ();
  g_auto(GStrv) argv = NULL;
  const char *args_text = row_text (dialog, "args");
  const char *port = row_text (dialog, "port");
  guint64 port_value = 0;

  json_object_set_string_member (object, "name", row_text (dialog, "name"));
  set_optional_string (object, "command", row_text (dialog, "command"));
  set_optional_string (object, "working_dir", row_text (dialog, "working_dir"));

  if (*args_text != '\0' && !g_shell_parse_argv (args_text, NULL, &argv, error))
    return NULL;
  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    json_array_add_string_element (args, argv[i]);
  json_object_set_array_member (object, "args", g_steal_pointer (&args));

  if (*port == '\0')
    json_object_set_null_member (object, "port");
  else if (g_ascii_string_to_unsigned (port, 10, 1, 65535, &port_value, NULL))
    json_object_set_int_member (object, "port", (gint64) port_value);
  else
    json_object_set_string_member (object, "port", port);  /* refused, with the field named */

  return g_steal_pointer (&object);
}

static void
on_edit_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     RtxLocalAppsPage *self)
{
  const char *app_id = g_object_get_data (G_OBJECT (dialog), "app-id");
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(RtxLocalApp) created = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "save"))
    return;

  app = app_id != NULL ? rtx_local_apps_get (self->apps, app_id, &error) : g_new0 (RtxLocalApp, 1);
  if (app == NULL || (object = form_to_json (GTK_WIDGET (dialog), &error)) == NULL ||
      !rtx_local_app_apply_json (app, object, &error)) {
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not save the app"), error);
    return;
  }

  if (app_id != NULL)
    rtx_local_apps_update (self->apps, app, actor (), &error);
  else
    created = rtx_local_apps_create (self->apps, app, actor (), &error);
  if (error != NULL)
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not save the app"), error);
}

static void
open_edit_dialog (RtxLocalAppsPage  *self,
                  const RtxLocalApp *app)
{
  GtkWidget *list = gtk_list_box_new ();
  g_autofree char *args = NULL;
  g_autofree char *port = NULL;
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   app != NULL ? _("Edit Local App") : _("Add Local App"),
                                   _("The runtime starts the command with RTX_APP_ID, "
                                     "RTX_APP_NAME and RTX_PORT in its environment."));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  if (app != NULL) {
    for (guint i = 0; app->args != NULL && app->args[i] != NULL; i++) {
      g_autofree char *quoted = g_shell_quote (app->args[i]);
      char *joined = args != NULL ? g_strjoin (" ", args, quoted, NULL) : g_strdup (quoted);

      g_free (args);
      args = joined;
    }
    port = app->port > 0 ? g_strdup_printf ("%u", app->port) : NULL;
    g_object_set_data_full (G_OBJECT (dialog), "app-id", g_strdup (app->id), g_free);
  }

  g_object_set_data (G_OBJECT (dialog), "name",
                     entry_row (list, _("Name"), app != NULL ? app->name : NULL));
  g_object_set_data (G_OBJECT (dialog), "command",
                     entry_row (list, _("Command"), app != NULL ? app->command : NULL));
  g_object_set_data (G_OBJECT (dialog), "args", entry_row (list, _("Arguments"), args));
  g_object_set_data (G_OBJECT (dialog), "working_dir",
                     entry_row (list, _("Working Folder"),
                                app != NULL ? app->working_dir : NULL));
  g_object_set_data (G_OBJECT (dialog), "port", entry_row (list, _("Port"), port));

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", app != NULL ? _("_Save") : _("_Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_edit_response_cb), self, 0);
  g_set_weak_pointer (&self->edit_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_add_clicked_cb (GtkButton        *button,
                   RtxLocalAppsPage *self)
{
  open_edit_dialog (self, NULL);
}

static void
on_edit_clicked_cb (GtkButton        *button,
                    RtxLocalAppsPage *self)
{
  g_autoptr(RtxLocalApp) app = rtx_local_apps_get (self->apps,
                                                   g_object_get_data (G_OBJECT (button), "app-id"),
                                                   NULL);

  if (app != NULL)
    open_edit_dialog (self, app);
}

/* ---- Rows -------------------------------------------------------------------------------- */

static GtkWidget *
button_for (const char *label,
            const char *app_id,
            GCallback   callback,
            gpointer    self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "app-id", g_strdup (app_id), g_free);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
action_row (AdwExpanderRow *parent,
            const char     *title,
            const char     *subtitle,
            GtkWidget      *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (suffix != NULL)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  adw_expander_row_add_row (parent, row);
  return row;
}

static void
add_permission_rows (RtxLocalAppsPage  *self,
                     AdwExpanderRow    *row,
                     const RtxLocalApp *app)
{
  g_autoptr(GPtrArray) decisions = rtx_local_apps_list_decisions (self->apps, app->id, NULL);

  for (guint i = 0; decisions != NULL && i < decisions->len; i++) {
    RtxPermissionDecision *decision = g_ptr_array_index (decisions, i);
    g_autofree char *words = rtx_permission_describe (decision->permission);
    g_autofree char *title = g_strdup_printf (_("May %s"), words);
    GtkWidget *sw = gtk_switch_new ();

    gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
    gtk_switch_set_active (GTK_SWITCH (sw), decision->granted);
    g_object_set_data_full (G_OBJECT (sw), "app-id", g_strdup (app->id), g_free);
    g_object_set_data_full (G_OBJECT (sw), "permission", g_strdup (decision->permission), g_free);
    g_signal_connect (sw, "notify::active", G_CALLBACK (on_switch_active_cb), self);
    action_row (row, title, decision->permission, sw);
    g_hash_table_insert (self->switches,
                         g_strdup_printf ("%s\n%s", app->id, decision->permission), sw);
  }
}

/* Every credential of Settings > Credentials, with a switch: assigned to this app or not. An
 * env_var one goes into its environment at its next start. */
static void
add_credential_rows (RtxLocalAppsPage  *self,
                     AdwExpanderRow    *row,
                     const RtxLocalApp *app)
{
  RtxCredentials *vault = rtx_runtime_get_credentials (self->runtime);
  g_autoptr(GPtrArray) credentials = rtx_credentials_list (vault, NULL);
  g_auto(GStrv) assigned = rtx_local_apps_list_credentials (self->apps, app->id, NULL, NULL);

  for (guint i = 0; credentials != NULL && i < credentials->len; i++) {
    RtxCredential *credential = g_ptr_array_index (credentials, i);
    g_autofree char *title = g_strdup_printf (_("Credential “%s”"), credential->name);
    GtkWidget *sw = gtk_switch_new ();

    gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
    gtk_switch_set_active (GTK_SWITCH (sw),
                           assigned != NULL &&
                           g_strv_contains ((const char * const *) assigned, credential->name));
    g_object_set_data_full (G_OBJECT (sw), "app-id", g_strdup (app->id), g_free);
    g_object_set_data_full (G_OBJECT (sw), "credential", g_strdup (credential->name), g_free);
    g_signal_connect (sw, "notify::active", G_CALLBACK (on_credential_active_cb), self);
    action_row (row, title,
                g_str_equal (credential->type, "env_var")
                ? _("Assigned: in its environment from its next start")
                : credential->type,
                sw);
    g_hash_table_insert (self->credential_switches,
                         g_strdup_printf ("%s\n%s", app->id, credential->name), sw);
  }
}

static GtkWidget *
app_row (RtxLocalAppsPage  *self,
         const RtxLocalApp *app)
{
  GtkWidget *row = adw_expander_row_new ();
  g_autofree char *state = state_text (self->launcher, app->id);
  g_autofree char *args = app->args != NULL ? g_strjoinv (" ", app->args) : g_strdup ("");
  g_autofree char *command = g_strdup_printf ("%s %s", app->command != NULL ? app->command
                                                                            : app->type, args);
  gboolean running = rtx_app_launcher_get_state (self->launcher, app->id, NULL, NULL) ==
                     RTX_APP_RUNNING;
  GtkWidget *run = button_for (running ? _("_Stop") : _("_Start"), app->id,
                               G_CALLBACK (on_run_clicked_cb), self);
  GtkWidget *output = button_for (_("_Show"), app->id, G_CALLBACK (on_output_clicked_cb), self);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), app->name);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), state);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), run);
  g_object_set_data_full (G_OBJECT (output), "app-name", g_strdup (app->name), g_free);

  action_row (ADW_EXPANDER_ROW (row), _("Command"), command,
              button_for (_("_Edit"), app->id, G_CALLBACK (on_edit_clicked_cb), self));
  action_row (ADW_EXPANDER_ROW (row), _("Latest Output"), NULL, output);
  add_permission_rows (self, ADW_EXPANDER_ROW (row), app);
  add_credential_rows (self, ADW_EXPANDER_ROW (row), app);
  action_row (ADW_EXPANDER_ROW (row), _("Reset Permissions"),
              _("Forget every decision, so the app asks again"),
              button_for (_("_Reset"), app->id, G_CALLBACK (on_reset_clicked_cb), self));
  {
    GtkWidget *remove = button_for (_("_Remove"), app->id, G_CALLBACK (on_remove_clicked_cb),
                                    self);

    gtk_widget_add_css_class (remove, "destructive-action");
    action_row (ADW_EXPANDER_ROW (row), _("Remove App"), _("Its id stops working at once"),
                remove);
  }

  g_hash_table_insert (self->app_rows, g_strdup (app->id), row);
  g_hash_table_insert (self->run_buttons, g_strdup (app->id), run);
  g_hash_table_insert (self->output_buttons, g_strdup (app->id), output);
  return row;
}

static void
rebuild (RtxLocalAppsPage *self)
{
  g_autoptr(GPtrArray) apps = rtx_local_apps_list (self->apps, NULL);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  g_hash_table_remove_all (self->app_rows);
  g_hash_table_remove_all (self->run_buttons);
  g_hash_table_remove_all (self->output_buttons);
  g_hash_table_remove_all (self->switches);
  g_hash_table_remove_all (self->credential_switches);

  for (guint i = 0; apps != NULL && i < apps->len; i++) {
    GtkWidget *row = app_row (self, g_ptr_array_index (apps, i));

    adw_preferences_group_add (self->group, row);
    g_ptr_array_add (self->rows, row);
  }

  if (apps == NULL || apps->len == 0) {
    GtkWidget *empty = adw_action_row_new ();

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (empty), _("No local apps yet"));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (empty),
                                 _("Add a program that uses @realtimex/sdk to run it from here"));
    adw_preferences_group_add (self->group, empty);
    g_ptr_array_add (self->rows, empty);
  }
}

static gboolean
rebuild_cb (gpointer user_data)
{
  RtxLocalAppsPage *self = user_data;

  self->rebuild_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* From an idle: a change often comes from a widget of the list itself (a switch), which must
 * not be destroyed while it emits. */
static void
schedule_rebuild (RtxLocalAppsPage *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_cb, self);
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
rtx_local_apps_page_dispose (GObject *object)
{
  RtxLocalAppsPage *self = RTX_LOCAL_APPS_PAGE (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  g_clear_weak_pointer (&self->edit_dialog);
  if (self->apps != NULL)
    g_signal_handlers_disconnect_by_data (self->apps, self);
  if (self->launcher != NULL)
    g_signal_handlers_disconnect_by_data (self->launcher, self);
  if (self->output_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->output_window));
  self->output_window = NULL;
  g_clear_object (&self->apps);
  g_clear_object (&self->launcher);
  g_clear_object (&self->runtime);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->app_rows, g_hash_table_unref);
  g_clear_pointer (&self->run_buttons, g_hash_table_unref);
  g_clear_pointer (&self->output_buttons, g_hash_table_unref);
  g_clear_pointer (&self->switches, g_hash_table_unref);
  g_clear_pointer (&self->credential_switches, g_hash_table_unref);

  G_OBJECT_CLASS (rtx_local_apps_page_parent_class)->dispose (object);
}

static void
rtx_local_apps_page_class_init (RtxLocalAppsPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_local_apps_page_dispose;
}

static void
rtx_local_apps_page_init (RtxLocalAppsPage *self)
{
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (self), _("Local Apps"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (self),
                                      "application-x-executable-symbolic");
  adw_preferences_page_set_name (ADW_PREFERENCES_PAGE (self), "local-apps");

  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("Local Apps"));
  adw_preferences_group_set_description (self->group,
    _("Programs on this computer that use the runtime through @realtimex/sdk. An app asks "
      "before it uses anything; you can change your answers here."));
  gtk_widget_set_tooltip_text (add, _("Add Local App"));
  gtk_widget_add_css_class (add, "flat");
  g_signal_connect (add, "clicked", G_CALLBACK (on_add_clicked_cb), self);
  self->add_button = add;
  adw_preferences_group_set_header_suffix (self->group, add);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), self->group);

  self->rows = g_ptr_array_new ();
  self->app_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->run_buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->output_buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->switches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->credential_switches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

GtkWidget *
rtx_local_apps_page_new (RtxRuntime *runtime)
{
  RtxLocalAppsPage *self;

  g_return_val_if_fail (RTX_IS_RUNTIME (runtime), NULL);

  self = g_object_new (RTX_TYPE_LOCAL_APPS_PAGE, NULL);
  self->runtime = g_object_ref (runtime);
  self->apps = g_object_ref (rtx_runtime_get_local_apps (runtime));
  self->launcher = g_object_ref (rtx_runtime_get_app_launcher (runtime));
  g_signal_connect_swapped (self->apps, "changed", G_CALLBACK (schedule_rebuild), self);
  g_signal_connect_swapped (self->launcher, "state-changed", G_CALLBACK (schedule_rebuild), self);
  /* Credentials change elsewhere (Settings > Credentials, the admin API): showing the page again
   * shows them as they are. */
  g_signal_connect (self, "map", G_CALLBACK (schedule_rebuild), NULL);
  rebuild (self);

  return GTK_WIDGET (self);
}

/* ---- For tests --------------------------------------------------------------------------- */

AdwExpanderRow *
_rtx_local_apps_page_find_row (RtxLocalAppsPage *self,
                               const char       *app_id)
{
  return g_hash_table_lookup (self->app_rows, app_id);
}

GtkWidget *
_rtx_local_apps_page_get_run_button (RtxLocalAppsPage *self,
                                     const char       *app_id)
{
  return g_hash_table_lookup (self->run_buttons, app_id);
}

GtkWidget *
_rtx_local_apps_page_get_output_button (RtxLocalAppsPage *self,
                                        const char       *app_id)
{
  return g_hash_table_lookup (self->output_buttons, app_id);
}

GtkSwitch *
_rtx_local_apps_page_get_permission (RtxLocalAppsPage *self,
                                     const char       *app_id,
                                     const char       *permission)
{
  g_autofree char *key = g_strdup_printf ("%s\n%s", app_id, permission);

  return g_hash_table_lookup (self->switches, key);
}

GtkWidget *
_rtx_local_apps_page_get_output_view (RtxLocalAppsPage *self)
{
  return self->output_view;
}

void
_rtx_local_apps_page_rebuild_now (RtxLocalAppsPage *self)
{
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  rebuild (self);
}

GtkWidget *
_rtx_local_apps_page_get_add_button (RtxLocalAppsPage *self)
{
  return self->add_button;
}

GtkWidget *
_rtx_local_apps_page_get_edit_dialog (RtxLocalAppsPage *self)
{
  return self->edit_dialog;
}

GtkSwitch *
_rtx_local_apps_page_get_credential (RtxLocalAppsPage *self,
                                     const char       *app_id,
                                     const char       *credential)
{
  g_autofree char *key = g_strdup_printf ("%s\n%s", app_id, credential);

  return g_hash_table_lookup (self->credential_switches, key);
}
