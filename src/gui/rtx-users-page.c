/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-gui-util.h"
#include "rtx-users-page-private.h"

/**
 * RtxUsersPage:
 *
 * Settings > Users: turns multi-user mode on (naming the first administrator, who is the
 * desktop operator from then on), adds users and lists them, each in an #RtxUserRow with its
 * role, suspension, daily message limit and workspaces. The page reads the users again when it
 * is shown and after every change, so changes made through the API show up too.
 */
struct _RtxUsersPage {
  AdwPreferencesPage  parent_instance;

  RtxRuntime         *runtime;
  GtkWidget          *enable_dialog;
  guint               reload_id;

  GtkWidget          *add_button;
  GtkWidget          *add_group;
  GtkWidget          *enable_button;
  GtkSpinButton      *limit_spin;
  GtkListBox         *list_box;
  AdwActionRow       *mode_row;
  AdwComboRow        *role_row;
  AdwEntryRow        *username_row;
  GtkWidget          *users_group;
};

G_DEFINE_FINAL_TYPE (RtxUsersPage, rtx_users_page, ADW_TYPE_PREFERENCES_PAGE)

static const char * const roles[] = { RTX_ROLE_DEFAULT, RTX_ROLE_MANAGER, RTX_ROLE_ADMIN };

static void
toast (RtxUsersPage *self,
       const char   *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
}

static gboolean
reload_cb (gpointer user_data)
{
  RtxUsersPage *self = RTX_USERS_PAGE (user_data);

  self->reload_id = 0;
  rtx_users_page_reload (self);
  return G_SOURCE_REMOVE;
}

/* A row asks from inside its own handlers, so the rows are rebuilt once that has returned. */
static void
on_row_changed_cb (RtxUsersPage *self)
{
  if (self->reload_id == 0)
    self->reload_id = g_idle_add (reload_cb, self);
}

static void
show_mode (RtxUsersPage *self,
           gboolean      multi_user)
{
  g_autoptr(RtxUser) operator = NULL;
  g_autofree char *subtitle = NULL;

  gtk_widget_set_visible (self->enable_button, !multi_user);
  gtk_widget_set_visible (self->add_group, multi_user);
  gtk_widget_set_visible (self->users_group, multi_user);
  if (!multi_user)
    return;

  operator = rtx_users_get_operator (rtx_runtime_get_users (self->runtime), NULL);
  subtitle = g_strdup_printf (_("You act as the administrator “%s” here."),
                              operator != NULL ? operator->username : "?");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->mode_row), _("On"));
  adw_action_row_set_subtitle (self->mode_row, subtitle);
}

static void
clear_rows (RtxUsersPage *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->list_box, 0)) != NULL)
    gtk_list_box_remove (self->list_box, GTK_WIDGET (row));
}

/**
 * rtx_users_page_reload:
 *
 * Reads the mode, the users and the workspaces again and rebuilds the list.
 */
void
rtx_users_page_reload (RtxUsersPage *self)
{
  RtxUsers *users = rtx_runtime_get_users (self->runtime);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) workspaces = NULL;
  g_autoptr(GError) error = NULL;
  gboolean multi_user;

  g_return_if_fail (RTX_IS_USERS_PAGE (self));

  multi_user = rtx_users_is_multi_user (users, &error);
  if (error != NULL) {
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not read the users"), error);
    return;
  }
  show_mode (self, multi_user);
  clear_rows (self);
  if (!multi_user)
    return;

  list = rtx_users_list (users, &error);
  if (list != NULL)
    workspaces = rtx_workspaces_list (rtx_runtime_get_workspaces (self->runtime), &error);
  if (workspaces == NULL) {
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not read the users"), error);
    return;
  }

  for (guint i = 0; i < list->len; i++) {
    GtkWidget *row = rtx_user_row_new (self->runtime, g_ptr_array_index (list, i), workspaces);

    g_signal_connect_object (row, "changed", G_CALLBACK (on_row_changed_cb), self,
                             G_CONNECT_SWAPPED);
    gtk_list_box_append (self->list_box, row);
  }
}

static void
on_enable_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       RtxUsersPage     *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "username");
  g_autoptr(RtxUser) admin = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "enable"))
    return;

  admin = rtx_users_enable_multi_user (rtx_runtime_get_users (self->runtime),
                                       gtk_editable_get_text (entry), rtx_gui_actor (), &error);
  if (admin == NULL)
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not turn on multi-user mode"), error);
  else
    toast (self, _("Multi-user mode is on"));
  rtx_users_page_reload (self);
}

static void
on_enable_clicked_cb (RtxUsersPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Turn On Multi-User Mode?"), NULL);
  GtkWidget *entry = gtk_entry_new ();

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("Name the first administrator: you, on this computer. Every "
                                 "existing API key will belong to them. The mode cannot be "
                                 "turned off again."));
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Your username"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "enable", _("_Turn On"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "enable",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "enable");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "username", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_enable_response_cb), self, 0);
  g_clear_weak_pointer (&self->enable_dialog);
  g_set_weak_pointer (&self->enable_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_form_changed_cb (RtxUsersPage *self)
{
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));

  gtk_widget_set_sensitive (self->add_button, rtx_username_validate (username, NULL));
}

static void
on_add_clicked_cb (RtxUsersPage *self)
{
  guint role = adw_combo_row_get_selected (self->role_row);
  g_autoptr(RtxUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = rtx_users_create (rtx_runtime_get_users (self->runtime),
                           gtk_editable_get_text (GTK_EDITABLE (self->username_row)),
                           roles[role < G_N_ELEMENTS (roles) ? role : 0],
                           gtk_spin_button_get_value_as_int (self->limit_spin), "",
                           rtx_gui_actor (), &error);
  if (user == NULL) {
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not add the user"), error);
    return;
  }

  gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");
  adw_combo_row_set_selected (self->role_row, 0);
  gtk_spin_button_set_value (self->limit_spin, 0);
  toast (self, _("User added"));
  rtx_users_page_reload (self);
}

static void
rtx_users_page_dispose (GObject *object)
{
  RtxUsersPage *self = RTX_USERS_PAGE (object);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_weak_pointer (&self->enable_dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), RTX_TYPE_USERS_PAGE);

  G_OBJECT_CLASS (rtx_users_page_parent_class)->dispose (object);
}

static void
rtx_users_page_finalize (GObject *object)
{
  RtxUsersPage *self = RTX_USERS_PAGE (object);

  g_clear_object (&self->runtime);

  G_OBJECT_CLASS (rtx_users_page_parent_class)->finalize (object);
}

static void
rtx_users_page_class_init (RtxUsersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_users_page_dispose;
  object_class->finalize = rtx_users_page_finalize;

  rtx_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/rtx-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxUsersPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, RtxUsersPage, add_group);
  gtk_widget_class_bind_template_child (widget_class, RtxUsersPage, enable_button);
  gtk_widget_class_bind_template_child (widget_class, RtxUsersPage, limit_spin);
  gtk_widget_class_bind_template_child (widget_class, RtxUsersPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, RtxUsersPage, mode_row);
  gtk_widget_class_bind_template_child (widget_class, RtxUsersPage, role_row);
  gtk_widget_class_bind_template_child (widget_class, RtxUsersPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, RtxUsersPage, users_group);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_enable_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed_cb);
}

static void
rtx_users_page_init (RtxUsersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Users and memberships also change through the API: read them again when shown. */
  g_signal_connect (self, "map", G_CALLBACK (rtx_users_page_reload), NULL);
}

/**
 * rtx_users_page_new:
 *
 * Returns: (transfer floating): the page, showing the users as stored now
 */
GtkWidget *
rtx_users_page_new (RtxRuntime *runtime)
{
  RtxUsersPage *self;

  g_return_val_if_fail (RTX_IS_RUNTIME (runtime), NULL);

  self = g_object_new (RTX_TYPE_USERS_PAGE, NULL);
  self->runtime = g_object_ref (runtime);
  rtx_users_page_reload (self);
  return GTK_WIDGET (self);
}

RtxUserRow *
_rtx_users_page_find_row (RtxUsersPage *self,
                          const char   *username)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL; i++) {
    if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), username) == 0)
      return RTX_USER_ROW (row);
  }
  return NULL;
}

GtkWidget *
_rtx_users_page_get_enable_button (RtxUsersPage *self)
{
  return self->enable_button;
}

GtkWidget *
_rtx_users_page_get_enable_dialog (RtxUsersPage *self)
{
  return self->enable_dialog;
}

GtkEditable *
_rtx_users_page_get_username_row (RtxUsersPage *self)
{
  return GTK_EDITABLE (self->username_row);
}

AdwComboRow *
_rtx_users_page_get_role_row (RtxUsersPage *self)
{
  return self->role_row;
}

GtkSpinButton *
_rtx_users_page_get_limit (RtxUsersPage *self)
{
  return self->limit_spin;
}

GtkWidget *
_rtx_users_page_get_add_button (RtxUsersPage *self)
{
  return self->add_button;
}
