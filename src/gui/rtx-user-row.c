/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-gui-util.h"
#include "rtx-user-row.h"

/**
 * RtxUserRow:
 *
 * One user of Settings > Users: role, suspension, daily message limit and workspace
 * membership, each applied as soon as it changes. A change the runtime refuses (the last
 * administrator cannot be demoted or suspended) is reported, and #RtxUserRow::changed asks the
 * page to show what is stored again.
 */
struct _RtxUserRow {
  AdwExpanderRow  parent_instance;

  RtxRuntime     *runtime;
  RtxUser        *user;
  GHashTable     *memberships;     /* workspace slug → GtkSwitch (owned by its row) */
  gboolean        loading;

  GtkWidget      *delete_button;
  AdwComboRow    *role_row;
  GtkSwitch      *suspended_switch;
  GtkSpinButton  *limit_spin;
  AdwActionRow   *workspaces_row;
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RtxUserRow, rtx_user_row, ADW_TYPE_EXPANDER_ROW)

/* The role combo's items, in the template's order. */
static const char * const roles[] = { RTX_ROLE_DEFAULT, RTX_ROLE_MANAGER, RTX_ROLE_ADMIN };

static const char *
role_label (const char *role)
{
  if (g_strcmp0 (role, RTX_ROLE_ADMIN) == 0)
    return _("Administrator");
  if (g_strcmp0 (role, RTX_ROLE_MANAGER) == 0)
    return _("Manager");
  return _("Default");
}

static char *
summary (const RtxUser *user)
{
  g_autoptr(GString) text = g_string_new (role_label (user->role));
  long long limit = user->daily_message_limit;

  if (user->suspended)
    g_string_append_printf (text, " · %s", _("Suspended"));
  if (limit > 0) {
    g_string_append (text, " · ");
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%lld chat a day",
                                               "%lld chats a day", (gulong) limit), limit);
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
apply (RtxUserRow           *self,
       const RtxUserChanges *changes)
{
  RtxUsers *users = rtx_runtime_get_users (self->runtime);
  g_autoptr(RtxUser) updated = NULL;
  g_autoptr(GError) error = NULL;

  if (self->loading)
    return;

  updated = rtx_users_update (users, self->user->id, changes, rtx_gui_actor (), &error);
  if (updated == NULL)
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not change the user"), error);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_role_changed_cb (RtxUserRow *self)
{
  guint i = adw_combo_row_get_selected (self->role_row);
  RtxUserChanges changes = { 0 };

  if (i >= G_N_ELEMENTS (roles) || g_strcmp0 (roles[i], self->user->role) == 0)
    return;
  changes.role = roles[i];
  apply (self, &changes);
}

static void
on_suspended_changed_cb (RtxUserRow *self)
{
  RtxUserChanges changes = { 0 };

  if (gtk_switch_get_active (self->suspended_switch) == self->user->suspended)
    return;
  changes.set_suspended = TRUE;
  changes.suspended = gtk_switch_get_active (self->suspended_switch);
  apply (self, &changes);
}

static void
on_limit_changed_cb (RtxUserRow *self)
{
  RtxUserChanges changes = { 0 };
  gint64 limit = gtk_spin_button_get_value_as_int (self->limit_spin);

  if (limit == self->user->daily_message_limit)
    return;
  changes.set_daily_message_limit = TRUE;
  changes.daily_message_limit = limit;
  apply (self, &changes);
}

static void
on_member_changed_cb (GtkSwitch  *sw,
                      GParamSpec *pspec,
                      RtxUserRow *self)
{
  RtxMemberships *memberships = rtx_runtime_get_memberships (self->runtime);
  gint64 workspace_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (sw), "workspace-id"));
  g_autoptr(GError) error = NULL;

  if (self->loading)
    return;
  if (!rtx_memberships_set_member (memberships, workspace_id, self->user->id,
                                   gtk_switch_get_active (sw), rtx_gui_actor (), &error)) {
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not change the membership"), error);
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  }
}

static void
on_delete_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       RtxUserRow       *self)
{
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "delete"))
    return;
  if (!rtx_users_delete (rtx_runtime_get_users (self->runtime), self->user->id, rtx_gui_actor (),
                         &error))
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not delete the user"), error);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_delete_clicked_cb (RtxUserRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              NULL, NULL);

  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"),
                                     self->user->username);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("Their API keys are deactivated at once and for good. Their "
                                 "chats stay in the history."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self, 0);
  g_object_set_data (G_OBJECT (self), "delete-dialog", dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_membership_row (RtxUserRow         *self,
                    const RtxWorkspace *workspace,
                    gboolean            member)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (sw), member);
  g_object_set_data (G_OBJECT (sw), "workspace-id", GSIZE_TO_POINTER (workspace->id));
  g_signal_connect_object (sw, "notify::active", G_CALLBACK (on_member_changed_cb), self, 0);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), workspace->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), workspace->slug);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
  g_hash_table_insert (self->memberships, g_strdup (workspace->slug), sw);
}

static void
show_memberships (RtxUserRow *self,
                  GPtrArray  *workspaces)
{
  RtxMemberships *memberships = rtx_runtime_get_memberships (self->runtime);
  g_autoptr(GArray) ids = rtx_memberships_workspace_ids (memberships, self->user->id, NULL);

  adw_action_row_set_subtitle (self->workspaces_row,
                               rtx_user_is_admin (self->user) ||
                               g_strcmp0 (self->user->role, RTX_ROLE_MANAGER) == 0
                               ? _("As an administrator or manager this user sees every "
                                   "workspace; membership matters if the role changes.")
                               : _("A default user's keys see only the workspaces switched on "
                                   "here."));
  for (guint i = 0; workspaces != NULL && i < workspaces->len; i++) {
    const RtxWorkspace *workspace = g_ptr_array_index (workspaces, i);
    gboolean member = FALSE;

    for (guint j = 0; ids != NULL && j < ids->len && !member; j++)
      member = g_array_index (ids, gint64, j) == workspace->id;
    add_membership_row (self, workspace, member);
  }
}

static void
show_user (RtxUserRow *self,
           GPtrArray  *workspaces)
{
  g_autofree char *subtitle = summary (self->user);

  self->loading = TRUE;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), self->user->username);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++) {
    if (g_strcmp0 (roles[i], self->user->role) == 0)
      adw_combo_row_set_selected (self->role_row, i);
  }
  gtk_switch_set_active (self->suspended_switch, self->user->suspended);
  gtk_spin_button_set_value (self->limit_spin, self->user->daily_message_limit);
  show_memberships (self, workspaces);
  self->loading = FALSE;
}

static void
rtx_user_row_dispose (GObject *object)
{
  RtxUserRow *self = RTX_USER_ROW (object);

  g_clear_pointer (&self->memberships, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), RTX_TYPE_USER_ROW);

  G_OBJECT_CLASS (rtx_user_row_parent_class)->dispose (object);
}

static void
rtx_user_row_finalize (GObject *object)
{
  RtxUserRow *self = RTX_USER_ROW (object);

  g_clear_object (&self->runtime);
  g_clear_pointer (&self->user, rtx_user_free);

  G_OBJECT_CLASS (rtx_user_row_parent_class)->finalize (object);
}

static void
rtx_user_row_class_init (RtxUserRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_user_row_dispose;
  object_class->finalize = rtx_user_row_finalize;

  /**
   * RtxUserRow::changed:
   *
   * The user was changed or deleted, or a change was refused: the page reads the users again.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);

  rtx_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/rtx-user-row.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxUserRow, delete_button);
  gtk_widget_class_bind_template_child (widget_class, RtxUserRow, limit_spin);
  gtk_widget_class_bind_template_child (widget_class, RtxUserRow, role_row);
  gtk_widget_class_bind_template_child (widget_class, RtxUserRow, suspended_switch);
  gtk_widget_class_bind_template_child (widget_class, RtxUserRow, workspaces_row);
  gtk_widget_class_bind_template_callback (widget_class, on_delete_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_limit_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_role_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_suspended_changed_cb);
}

static void
rtx_user_row_init (RtxUserRow *self)
{
  self->loading = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->memberships = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * rtx_user_row_new:
 * @workspaces: (element-type RtxWorkspace): every workspace, for the membership switches
 *
 * Returns: (transfer floating): the row
 */
GtkWidget *
rtx_user_row_new (RtxRuntime    *runtime,
                  const RtxUser *user,
                  GPtrArray     *workspaces)
{
  RtxUserRow *self;

  g_return_val_if_fail (RTX_IS_RUNTIME (runtime), NULL);
  g_return_val_if_fail (user != NULL, NULL);

  self = g_object_new (RTX_TYPE_USER_ROW, NULL);
  self->runtime = g_object_ref (runtime);
  self->user = rtx_user_copy (user);
  show_user (self, workspaces);
  return GTK_WIDGET (self);
}

gint64
rtx_user_row_get_user_id (RtxUserRow *self)
{
  g_return_val_if_fail (RTX_IS_USER_ROW (self), 0);
  return self->user->id;
}

AdwComboRow *
_rtx_user_row_get_role_row (RtxUserRow *self)
{
  return self->role_row;
}

GtkSwitch *
_rtx_user_row_get_suspended (RtxUserRow *self)
{
  return self->suspended_switch;
}

GtkSpinButton *
_rtx_user_row_get_limit (RtxUserRow *self)
{
  return self->limit_spin;
}

GtkSwitch *
_rtx_user_row_get_membership (RtxUserRow *self,
                              const char *workspace_slug)
{
  return g_hash_table_lookup (self->memberships, workspace_slug);
}

GtkWidget *
_rtx_user_row_get_delete_button (RtxUserRow *self)
{
  return self->delete_button;
}
