/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-autostart.h"
#include "rtx-gui-util.h"
#include "rtx-server-page-private.h"

/**
 * RtxServerPage:
 *
 * Settings > Server: the server's state with the reason of a failure, its address, Start/Stop
 * (the app's actions, shared with the tray), the port, the link to /api/docs and the startup
 * options.
 */
struct _RtxServerPage {
  AdwPreferencesPage  parent_instance;

  RtxServer          *server;
  GSettings          *settings;

  AdwActionRow       *address_row;
  GtkWidget          *autostart_switch;
  GtkWidget          *copy_address_button;
  GtkWidget          *port_spin;
  GtkWidget          *start_button;
  GtkWidget          *start_in_tray_switch;
  GtkWidget          *start_server_switch;
  GtkImage           *state_icon;
  AdwActionRow       *state_row;
  GtkWidget          *stop_button;
};

G_DEFINE_FINAL_TYPE (RtxServerPage, rtx_server_page, ADW_TYPE_PREFERENCES_PAGE)

static guint16
current_port (RtxServerPage *self)
{
  guint16 port = rtx_server_get_port (self->server);

  return port != 0 ? port : (guint16) g_settings_get_uint (self->settings, "port");
}

static void
update_state (RtxServerPage *self)
{
  RtxServerState state = rtx_server_get_state (self->server);
  g_autofree char *address = g_strdup_printf ("http://127.0.0.1:%u", current_port (self));
  g_autofree char *subtitle = NULL;
  const char *icon = "media-playback-stop-symbolic";

  switch (state) {
    case RTX_SERVER_RUNNING:
      /* Translators: %s is an address such as http://127.0.0.1:3001. */
      subtitle = g_strdup_printf (_("Running on %s"), address);
      icon = "emblem-ok-symbolic";
      break;
    case RTX_SERVER_FAILED:
      /* Translators: %s is the reason, e.g. "Port 3001 is in use". */
      subtitle = g_strdup_printf (_("Failed: %s"), rtx_server_get_state_reason (self->server));
      icon = "dialog-error-symbolic";
      break;
    case RTX_SERVER_STOPPED:
    default:
      subtitle = g_strdup (_("Stopped"));
      break;
  }

  adw_action_row_set_subtitle (self->state_row, subtitle);
  gtk_image_set_from_icon_name (self->state_icon, icon);
  gtk_widget_set_visible (self->start_button, state != RTX_SERVER_RUNNING);
  gtk_widget_set_visible (self->stop_button, state == RTX_SERVER_RUNNING);
  adw_action_row_set_subtitle (self->address_row, address);
}

static void
on_copy_address_cb (RtxServerPage *self)
{
  g_autofree char *address = g_strdup_printf ("http://127.0.0.1:%u", current_port (self));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), address);
  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (_("Copied")));
}

static void
on_docs_activated_cb (RtxServerPage *self)
{
  g_autofree char *uri = rtx_gui_docs_uri (current_port (self));

  rtx_gui_open_uri (GTK_WIDGET (self), uri);
}

static void
on_autostart_toggled_cb (RtxServerPage *self)
{
  g_autoptr(GError) error = NULL;
  gboolean active = gtk_switch_get_active (GTK_SWITCH (self->autostart_switch));

  if (active == rtx_autostart_is_enabled ())
    return;
  if (!rtx_autostart_set_enabled (active, &error))
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not change the login start"), error);
}

static void
rtx_server_page_dispose (GObject *object)
{
  RtxServerPage *self = (RtxServerPage *)object;

  g_clear_object (&self->server);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (rtx_server_page_parent_class)->dispose (object);
}

static void
rtx_server_page_class_init (RtxServerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_server_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/rtx-server-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxServerPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, RtxServerPage, autostart_switch);
  gtk_widget_class_bind_template_child (widget_class, RtxServerPage, copy_address_button);
  gtk_widget_class_bind_template_child (widget_class, RtxServerPage, port_spin);
  gtk_widget_class_bind_template_child (widget_class, RtxServerPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, RtxServerPage, start_in_tray_switch);
  gtk_widget_class_bind_template_child (widget_class, RtxServerPage, start_server_switch);
  gtk_widget_class_bind_template_child (widget_class, RtxServerPage, state_icon);
  gtk_widget_class_bind_template_child (widget_class, RtxServerPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, RtxServerPage, stop_button);
  gtk_widget_class_bind_template_callback (widget_class, on_autostart_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_address_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_docs_activated_cb);
}

static void
rtx_server_page_init (RtxServerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
rtx_server_page_new (RtxServer *server,
                     GSettings *settings)
{
  RtxServerPage *self;

  g_return_val_if_fail (RTX_IS_SERVER (server), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (RTX_TYPE_SERVER_PAGE, NULL);
  self->server = g_object_ref (server);
  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "port",
                   gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (self->port_spin)), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "start-server-on-launch", self->start_server_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "start-in-tray", self->start_in_tray_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  gtk_switch_set_active (GTK_SWITCH (self->autostart_switch), rtx_autostart_is_enabled ());

  g_signal_connect_object (server, "notify::state", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (server, "notify::port", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  update_state (self);
  return GTK_WIDGET (self);
}

GtkSwitch *
_rtx_server_page_get_autostart_switch (RtxServerPage *self)
{
  return GTK_SWITCH (self->autostart_switch);
}
