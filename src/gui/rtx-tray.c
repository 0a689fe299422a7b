/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "rtx-tray.h"
#include "rtx-tray-menu.h"

#define WATCHER_NAME      "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH      "/StatusNotifierWatcher"
#define ITEM_INTERFACE    "org.kde.StatusNotifierItem"

/**
 * RtxTray:
 *
 * The tray icon: a StatusNotifierItem exported over GDBus under its own bus name
 * (org.kde.StatusNotifierItem-<pid>-<n>), with its menu (#RtxTrayMenu). It registers with the
 * StatusNotifierWatcher whenever one is on the bus, so a tray host started later still gets the
 * icon; with no watcher (stock GNOME Shell) there is simply no tray. Its icon and tooltip follow
 * the server's state.
 */
struct _RtxTray {
  GObject          parent_instance;

  GApplication    *application;
  RtxServer       *server;
  RtxTrayMenu     *menu;
  GCancellable    *cancellable;
  GDBusConnection *connection;
  GDBusNodeInfo   *info;
  char            *bus_name;
  guint            registration_id;
  guint            own_id;
  guint            watch_id;
  gboolean         name_owned;
  gboolean         watcher_present;
  gboolean         registered;
};

enum {
  PROP_0,
  PROP_REGISTERED,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (RtxTray, rtx_tray, G_TYPE_OBJECT)

static void
set_registered (RtxTray  *self,
                gboolean  registered)
{
  if (self->registered == registered)
    return;
  self->registered = registered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTERED]);
}

static const char *
icon_name (RtxTray *self)
{
  return rtx_server_get_running (self->server) ? APP_ID "-symbolic" : APP_ID "-stopped-symbolic";
}

static GVariant *
tooltip (RtxTray *self)
{
  g_autofree char *status = rtx_tray_menu_status_text (self->server);

  return g_variant_new ("(s@a(iiay)ss)", icon_name (self),
                        g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0),
                        _("RealTimeX Runtime"), status);
}

static GVariant *
handle_get_property (GDBusConnection  *connection,
                     const char       *sender,
                     const char       *object_path,
                     const char       *interface_name,
                     const char       *property_name,
                     GError          **error,
                     gpointer          user_data)
{
  RtxTray *self = user_data;

  if (g_str_equal (property_name, "Category"))
    return g_variant_new_string ("ApplicationStatus");
  if (g_str_equal (property_name, "Id"))
    return g_variant_new_string (APP_ID);
  if (g_str_equal (property_name, "Title"))
    return g_variant_new_string (_("RealTimeX Runtime"));
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string ("Active");
  if (g_str_equal (property_name, "IconName"))
    return g_variant_new_string (icon_name (self));
  if (g_str_equal (property_name, "IconThemePath") ||
      g_str_equal (property_name, "AttentionIconName") ||
      g_str_equal (property_name, "OverlayIconName"))
    return g_variant_new_string ("");
  if (g_str_equal (property_name, "ToolTip"))
    return tooltip (self);
  if (g_str_equal (property_name, "ItemIsMenu"))
    return g_variant_new_boolean (FALSE);
  if (g_str_equal (property_name, "Menu"))
    return g_variant_new_object_path (RTX_TRAY_MENU_PATH);
  if (g_str_equal (property_name, "WindowId"))
    return g_variant_new_int32 (0);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property_name);
  return NULL;
}

static void
handle_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  RtxTray *self = user_data;

  g_dbus_method_invocation_return_value (invocation, NULL);
  /* A click on the icon opens Settings; the menu has everything else. */
  if (g_str_equal (method_name, "Activate"))
    g_action_group_activate_action (G_ACTION_GROUP (self->application), "settings", NULL);
}

static const GDBusInterfaceVTable vtable = { handle_method_call, handle_get_property, NULL, { 0 } };

static void
on_registered_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RtxTray) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  if (reply == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_debug ("The tray host refused the icon: %s", error->message);
    return;
  }
  set_registered (self, TRUE);
}

/* Called when both our name is owned and a watcher is present, in whichever order they come. */
static void
maybe_register (RtxTray *self)
{
  if (!self->name_owned || !self->watcher_present || self->registered)
    return;

  g_dbus_connection_call (self->connection, WATCHER_NAME, WATCHER_PATH, WATCHER_NAME,
                          "RegisterStatusNotifierItem", g_variant_new ("(s)", self->bus_name),
                          NULL, G_DBUS_CALL_FLAGS_NONE, 5000, self->cancellable,
                          on_registered_cb, g_object_ref (self));
}

static void
on_name_acquired_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  RtxTray *self = user_data;

  self->name_owned = TRUE;
  maybe_register (self);
}

static void
on_watcher_appeared_cb (GDBusConnection *connection,
                        const char      *name,
                        const char      *owner,
                        gpointer         user_data)
{
  RtxTray *self = user_data;

  self->watcher_present = TRUE;
  maybe_register (self);
}

static void
on_watcher_vanished_cb (GDBusConnection *connection,
                        const char      *name,
                        gpointer         user_data)
{
  RtxTray *self = user_data;

  self->watcher_present = FALSE;
  set_registered (self, FALSE);
}

static void
export (RtxTray *self)
{
  g_autoptr(GError) error = NULL;
  static guint counter = 0;

  self->registration_id = g_dbus_connection_register_object (self->connection, RTX_TRAY_ITEM_PATH,
                                                             self->info->interfaces[0], &vtable,
                                                             self, NULL, &error);
  if (self->registration_id == 0 || !rtx_tray_menu_export (self->menu, self->connection, &error)) {
    g_warning ("No tray icon: %s", error->message);
    return;
  }

  self->bus_name = g_strdup_printf ("org.kde.StatusNotifierItem-%d-%u", (int) getpid (), ++counter);
  self->own_id = g_bus_own_name_on_connection (self->connection, self->bus_name,
                                               G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                               on_name_acquired_cb, NULL, self, NULL);
  self->watch_id = g_bus_watch_name_on_connection (self->connection, WATCHER_NAME,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                   on_watcher_appeared_cb, on_watcher_vanished_cb,
                                                   self, NULL);
}

static void
on_bus_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(RtxTray) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection = g_bus_get_finish (result, &error);

  if (connection == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_debug ("No session bus, so no tray icon: %s", error->message);
    return;
  }
  self->connection = connection;
  export (self);
}

static void
on_server_state_cb (RtxTray *self)
{
  if (self->registration_id == 0)
    return;

  g_dbus_connection_emit_signal (self->connection, NULL, RTX_TRAY_ITEM_PATH, ITEM_INTERFACE,
                                 "NewIcon", NULL, NULL);
  g_dbus_connection_emit_signal (self->connection, NULL, RTX_TRAY_ITEM_PATH, ITEM_INTERFACE,
                                 "NewToolTip", NULL, NULL);
}

static void
rtx_tray_dispose (GObject *object)
{
  RtxTray *self = (RtxTray *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  g_clear_handle_id (&self->own_id, g_bus_unown_name);
  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  self->registration_id = 0;
  g_clear_object (&self->menu);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->server);
  self->application = NULL;

  G_OBJECT_CLASS (rtx_tray_parent_class)->dispose (object);
}

static void
rtx_tray_finalize (GObject *object)
{
  RtxTray *self = (RtxTray *)object;

  g_clear_pointer (&self->info, g_dbus_node_info_unref);
  g_clear_pointer (&self->bus_name, g_free);

  G_OBJECT_CLASS (rtx_tray_parent_class)->finalize (object);
}

static void
rtx_tray_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  RtxTray *self = RTX_TRAY (object);

  switch (prop_id) {
    case PROP_REGISTERED:
      g_value_set_boolean (value, self->registered);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
rtx_tray_class_init (RtxTrayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rtx_tray_dispose;
  object_class->finalize = rtx_tray_finalize;
  object_class->get_property = rtx_tray_get_property;

  /** RtxTray:registered: whether a StatusNotifierWatcher accepted the icon. */
  properties[PROP_REGISTERED] =
    g_param_spec_boolean ("registered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rtx_tray_init (RtxTray *self)
{
  g_autoptr(GBytes) xml = g_resources_lookup_data (RESOURCE_PREFIX "/dbus/org.kde.StatusNotifierItem.xml",
                                                   0, NULL);

  g_assert (xml != NULL);
  self->info = g_dbus_node_info_new_for_xml (g_bytes_get_data (xml, NULL), NULL);
  self->cancellable = g_cancellable_new ();
}

RtxTray *
rtx_tray_new (GApplication *application,
              RtxServer    *server)
{
  RtxTray *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (RTX_IS_SERVER (server), NULL);

  self = g_object_new (RTX_TYPE_TRAY, NULL);
  /* Not a reference: the application owns the tray. */
  self->application = application;
  self->server = g_object_ref (server);
  self->menu = rtx_tray_menu_new (G_ACTION_GROUP (application), server);
  g_signal_connect_object (server, "notify::state", G_CALLBACK (on_server_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_bus_get (G_BUS_TYPE_SESSION, self->cancellable, on_bus_cb, g_object_ref (self));
  return self;
}

gboolean
rtx_tray_is_registered (RtxTray *self)
{
  g_return_val_if_fail (RTX_IS_TRAY (self), FALSE);
  return self->registered;
}

const char *
rtx_tray_get_bus_name (RtxTray *self)
{
  g_return_val_if_fail (RTX_IS_TRAY (self), NULL);
  return self->bus_name;
}
