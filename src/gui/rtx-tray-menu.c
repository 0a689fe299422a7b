/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "rtx-tray-menu.h"

/**
 * RtxTrayMenu:
 *
 * The tray icon's menu, served as com.canonical.dbusmenu (the only menu interface the tray
 * hosts read, GNOME Shell's AppIndicator extension included), written by hand over GDBus: a
 * status line, Start or Stop server (whichever applies), Settings…, API documentation, Quit.
 * Clicking an item activates the application action of the same name. The layout is rebuilt,
 * with a new revision, whenever the server's state changes.
 */
struct _RtxTrayMenu {
  GObject          parent_instance;

  GActionGroup    *actions;
  RtxServer       *server;
  GDBusConnection *connection;
  GDBusNodeInfo   *info;
  guint            registration_id;
  guint            revision;
};

G_DEFINE_FINAL_TYPE (RtxTrayMenu, rtx_tray_menu, G_TYPE_OBJECT)

typedef enum {
  ITEM_ROOT,
  ITEM_STATUS,
  ITEM_SEPARATOR_1,
  ITEM_START,
  ITEM_STOP,
  ITEM_SEPARATOR_2,
  ITEM_SETTINGS,
  ITEM_DOCS,
  ITEM_SEPARATOR_3,
  ITEM_QUIT,
  N_ITEMS,
} ItemId;

/* The application action each clickable item activates. */
static const char *item_actions[N_ITEMS] = {
  [ITEM_START] = "start-server",
  [ITEM_STOP] = "stop-server",
  [ITEM_SETTINGS] = "settings",
  [ITEM_DOCS] = "open-docs",
  [ITEM_QUIT] = "quit",
};

/**
 * rtx_tray_menu_status_text:
 *
 * Returns: "Running on 127.0.0.1:3001", "Stopped" or "Failed: …", for the menu and the tooltip
 */
char *
rtx_tray_menu_status_text (RtxServer *server)
{
  switch (rtx_server_get_state (server)) {
    case RTX_SERVER_RUNNING:
      /* Translators: %u is a port number. */
      return g_strdup_printf (_("Running on 127.0.0.1:%u"), rtx_server_get_port (server));
    case RTX_SERVER_FAILED:
      return g_strdup_printf (_("Failed: %s"), rtx_server_get_state_reason (server));
    case RTX_SERVER_STOPPED:
    default:
      return g_strdup (_("Stopped"));
  }
}

static const char *
item_label (ItemId id)
{
  switch (id) {
    case ITEM_START: return _("Start Server");
    case ITEM_STOP: return _("Stop Server");
    case ITEM_SETTINGS: return _("Settings…");
    case ITEM_DOCS: return _("API Documentation");
    case ITEM_QUIT: return _("Quit");
    case ITEM_ROOT:
    case ITEM_STATUS:
    case ITEM_SEPARATOR_1:
    case ITEM_SEPARATOR_2:
    case ITEM_SEPARATOR_3:
    case N_ITEMS:
    default:
      return NULL;
  }
}

static GVariant *
item_properties (RtxTrayMenu *self,
                 ItemId       id)
{
  GVariantBuilder props;
  gboolean running = rtx_server_get_running (self->server);

  g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
  switch (id) {
    case ITEM_ROOT:
      g_variant_builder_add (&props, "{sv}", "children-display", g_variant_new_string ("submenu"));
      break;
    case ITEM_STATUS:
      g_variant_builder_add (&props, "{sv}", "label",
                             g_variant_new_take_string (rtx_tray_menu_status_text (self->server)));
      g_variant_builder_add (&props, "{sv}", "enabled", g_variant_new_boolean (FALSE));
      break;
    case ITEM_SEPARATOR_1:
    case ITEM_SEPARATOR_2:
    case ITEM_SEPARATOR_3:
      g_variant_builder_add (&props, "{sv}", "type", g_variant_new_string ("separator"));
      break;
    case ITEM_START:
    case ITEM_STOP:
      g_variant_builder_add (&props, "{sv}", "visible",
                             g_variant_new_boolean ((id == ITEM_STOP) == running));
      G_GNUC_FALLTHROUGH;
    case ITEM_SETTINGS:
    case ITEM_DOCS:
    case ITEM_QUIT:
      g_variant_builder_add (&props, "{sv}", "label", g_variant_new_string (item_label (id)));
      break;
    case N_ITEMS:
    default:
      g_assert_not_reached ();
  }
  return g_variant_builder_end (&props);
}

static GVariant *
item_layout (RtxTrayMenu *self,
             ItemId       id,
             int          depth)
{
  GVariantBuilder children;

  g_variant_builder_init (&children, G_VARIANT_TYPE ("av"));
  if (id == ITEM_ROOT && depth != 0) {
    for (int child = ITEM_STATUS; child < N_ITEMS; child++)
      g_variant_builder_add (&children, "v", item_layout (self, child, depth - 1));
  }
  return g_variant_new ("(i@a{sv}av)", (gint32) id, item_properties (self, id), &children);
}

static gboolean
valid_id (gint32 id)
{
  return id >= 0 && id < N_ITEMS;
}

static void
activate_item (RtxTrayMenu *self,
               gint32       id)
{
  const char *action = valid_id (id) ? item_actions[id] : NULL;

  if (action != NULL && g_action_group_get_action_enabled (self->actions, action))
    g_action_group_activate_action (self->actions, action, NULL);
}

static GVariant *
get_group_properties (RtxTrayMenu *self,
                      GVariant    *ids)
{
  GVariantBuilder result;
  GVariantIter iter;
  gint32 id;
  gboolean all = g_variant_n_children (ids) == 0;

  g_variant_builder_init (&result, G_VARIANT_TYPE ("a(ia{sv})"));
  for (int i = 0; all && i < N_ITEMS; i++)
    g_variant_builder_add (&result, "(i@a{sv})", i, item_properties (self, i));

  g_variant_iter_init (&iter, ids);
  while (g_variant_iter_next (&iter, "i", &id)) {
    if (valid_id (id))
      g_variant_builder_add (&result, "(i@a{sv})", id, item_properties (self, id));
  }
  return g_variant_new ("(a(ia{sv}))", &result);
}

static GVariant *
event_group (RtxTrayMenu *self,
             GVariant    *events)
{
  GVariantBuilder errors;
  GVariantIter iter;
  const char *event_id;
  gint32 id;

  g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
  g_variant_iter_init (&iter, events);
  while (g_variant_iter_next (&iter, "(i&svu)", &id, &event_id, NULL, NULL)) {
    if (!valid_id (id))
      g_variant_builder_add (&errors, "i", id);
    else if (g_str_equal (event_id, "clicked"))
      activate_item (self, id);
  }
  return g_variant_new ("(ai)", &errors);
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
  RtxTrayMenu *self = user_data;
  gint32 id, depth;
  const char *name;

  if (g_str_equal (method_name, "GetLayout")) {
    g_variant_get (parameters, "(ii@as)", &id, &depth, NULL);
    if (!valid_id (id)) {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             "No menu item %d", id);
      return;
    }
    g_dbus_method_invocation_return_value (invocation,
      g_variant_new ("(u@(ia{sv}av))", self->revision, item_layout (self, id, depth)));
  } else if (g_str_equal (method_name, "GetGroupProperties")) {
    g_autoptr(GVariant) ids = g_variant_get_child_value (parameters, 0);

    g_dbus_method_invocation_return_value (invocation, get_group_properties (self, ids));
  } else if (g_str_equal (method_name, "GetProperty")) {
    g_autoptr(GVariant) props = NULL;
    g_autoptr(GVariant) value = NULL;

    g_variant_get (parameters, "(i&s)", &id, &name);
    props = valid_id (id) ? g_variant_ref_sink (item_properties (self, id)) : NULL;
    value = props != NULL ? g_variant_lookup_value (props, name, NULL) : NULL;
    if (value == NULL)
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             "No property %s on item %d", name, id);
    else
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
  } else if (g_str_equal (method_name, "Event")) {
    g_variant_get (parameters, "(i&svu)", &id, &name, NULL, NULL);
    /* Answer first: an action such as Quit may end the process. */
    g_dbus_method_invocation_return_value (invocation, NULL);
    if (g_str_equal (name, "clicked"))
      activate_item (self, id);
  } else if (g_str_equal (method_name, "EventGroup")) {
    g_autoptr(GVariant) events = g_variant_get_child_value (parameters, 0);

    g_dbus_method_invocation_return_value (invocation, event_group (self, events));
  } else if (g_str_equal (method_name, "AboutToShow")) {
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", FALSE));
  } else if (g_str_equal (method_name, "AboutToShowGroup")) {
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(@ai@ai)",
      g_variant_new_array (G_VARIANT_TYPE_INT32, NULL, 0),
      g_variant_new_array (G_VARIANT_TYPE_INT32, NULL, 0)));
  } else {
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
  }
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
  if (g_str_equal (property_name, "Version"))
    return g_variant_new_uint32 (3);
  if (g_str_equal (property_name, "TextDirection"))
    return g_variant_new_string (gtk_get_locale_direction () == GTK_TEXT_DIR_RTL ? "rtl" : "ltr");
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string ("normal");
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_strv (NULL, 0);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property_name);
  return NULL;
}

static const GDBusInterfaceVTable vtable = { handle_method_call, handle_get_property, NULL, { 0 } };

static void
on_server_state_cb (RtxTrayMenu *self)
{
  self->revision++;
  if (self->registration_id != 0)
    g_dbus_connection_emit_signal (self->connection, NULL, RTX_TRAY_MENU_PATH,
                                   "com.canonical.dbusmenu", "LayoutUpdated",
                                   g_variant_new ("(ui)", self->revision, ITEM_ROOT), NULL);
}

static void
rtx_tray_menu_dispose (GObject *object)
{
  RtxTrayMenu *self = (RtxTrayMenu *)object;

  rtx_tray_menu_unexport (self);
  self->actions = NULL;
  g_clear_object (&self->server);
  g_clear_pointer (&self->info, g_dbus_node_info_unref);

  G_OBJECT_CLASS (rtx_tray_menu_parent_class)->dispose (object);
}

static void
rtx_tray_menu_class_init (RtxTrayMenuClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_tray_menu_dispose;
}

static void
rtx_tray_menu_init (RtxTrayMenu *self)
{
  g_autoptr(GBytes) xml = g_resources_lookup_data (RESOURCE_PREFIX "/dbus/com.canonical.dbusmenu.xml",
                                                   0, NULL);

  g_assert (xml != NULL);
  self->info = g_dbus_node_info_new_for_xml (g_bytes_get_data (xml, NULL), NULL);
  self->revision = 1;
}

RtxTrayMenu *
rtx_tray_menu_new (GActionGroup *actions,
                   RtxServer    *server)
{
  RtxTrayMenu *self;

  g_return_val_if_fail (G_IS_ACTION_GROUP (actions), NULL);
  g_return_val_if_fail (RTX_IS_SERVER (server), NULL);

  self = g_object_new (RTX_TYPE_TRAY_MENU, NULL);
  /* Not a reference: the application owns the tray, which owns this menu. */
  self->actions = actions;
  self->server = g_object_ref (server);
  g_signal_connect_object (server, "notify::state", G_CALLBACK (on_server_state_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}

gboolean
rtx_tray_menu_export (RtxTrayMenu      *self,
                      GDBusConnection  *connection,
                      GError          **error)
{
  g_return_val_if_fail (RTX_IS_TRAY_MENU (self), FALSE);
  g_return_val_if_fail (self->registration_id == 0, FALSE);

  self->registration_id = g_dbus_connection_register_object (connection, RTX_TRAY_MENU_PATH,
                                                             self->info->interfaces[0], &vtable,
                                                             self, NULL, error);
  if (self->registration_id == 0)
    return FALSE;

  self->connection = g_object_ref (connection);
  return TRUE;
}

void
rtx_tray_menu_unexport (RtxTrayMenu *self)
{
  g_return_if_fail (RTX_IS_TRAY_MENU (self));

  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  self->registration_id = 0;
  g_clear_object (&self->connection);
}
