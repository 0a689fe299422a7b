/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-embeds-page-private.h"
#include "rtx-gui-util.h"

/**
 * RtxEmbedsPage:
 *
 * Settings > Embeds: creates a website chat widget for a workspace (asking for at least one
 * allowed website, since an empty allowlist lets no page show it) and lists the embeds, each
 * in an #RtxEmbedRow. The page reads them again when shown and after every change, so chats
 * and changes made through the API show up too.
 */
struct _RtxEmbedsPage {
  AdwPreferencesPage  parent_instance;

  RtxServer          *server;
  GPtrArray          *workspaces;     /* as in the combo, same order */
  guint               reload_id;

  GtkWidget          *create_button;
  AdwEntryRow        *domains_row;
  GtkListBox         *list_box;
  GtkStringList      *workspace_list;
  AdwComboRow        *workspace_row;
};

G_DEFINE_FINAL_TYPE (RtxEmbedsPage, rtx_embeds_page, ADW_TYPE_PREFERENCES_PAGE)

static RtxRuntime *
runtime_of (RtxEmbedsPage *self)
{
  return rtx_server_get_runtime (self->server);
}

static gboolean
reload_cb (gpointer user_data)
{
  RtxEmbedsPage *self = RTX_EMBEDS_PAGE (user_data);

  self->reload_id = 0;
  rtx_embeds_page_reload (self);
  return G_SOURCE_REMOVE;
}

/* A row asks from inside its own handlers, so the rows are rebuilt once that has returned. */
static void
on_row_changed_cb (RtxEmbedsPage *self)
{
  if (self->reload_id == 0)
    self->reload_id = g_idle_add (reload_cb, self);
}

static const RtxWorkspace *
selected_workspace (RtxEmbedsPage *self)
{
  guint i = adw_combo_row_get_selected (self->workspace_row);

  return self->workspaces != NULL && i < self->workspaces->len
         ? g_ptr_array_index (self->workspaces, i) : NULL;
}

static void
on_form_changed_cb (RtxEmbedsPage *self)
{
  g_autofree char *domains = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (
                                                     self->domains_row))));

  gtk_widget_set_sensitive (self->create_button,
                            selected_workspace (self) != NULL && *domains != '\0');
}

static void
show_workspaces (RtxEmbedsPage *self)
{
  const RtxWorkspace *selected = selected_workspace (self);
  g_autofree char *slug = selected != NULL ? g_strdup (selected->slug) : NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->workspace_list));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_clear_pointer (&self->workspaces, g_ptr_array_unref);
  self->workspaces = rtx_workspaces_list (rtx_runtime_get_workspaces (runtime_of (self)), NULL);
  for (guint i = 0; self->workspaces != NULL && i < self->workspaces->len; i++)
    g_ptr_array_add (names, ((RtxWorkspace *) g_ptr_array_index (self->workspaces, i))->name);
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->workspace_list, 0, n, (const char * const *) names->pdata);

  for (guint i = 0; slug != NULL && self->workspaces != NULL && i < self->workspaces->len; i++) {
    if (g_str_equal (((RtxWorkspace *) g_ptr_array_index (self->workspaces, i))->slug, slug))
      adw_combo_row_set_selected (self->workspace_row, i);
  }
  on_form_changed_cb (self);
}

/**
 * rtx_embeds_page_reload:
 *
 * Reads the workspaces and the embeds again and rebuilds the page.
 */
void
rtx_embeds_page_reload (RtxEmbedsPage *self)
{
  g_autoptr(GPtrArray) embeds = NULL;
  g_autoptr(GError) error = NULL;
  GtkListBoxRow *row;

  g_return_if_fail (RTX_IS_EMBEDS_PAGE (self));

  show_workspaces (self);
  while ((row = gtk_list_box_get_row_at_index (self->list_box, 0)) != NULL)
    gtk_list_box_remove (self->list_box, GTK_WIDGET (row));

  embeds = rtx_embeds_list (rtx_runtime_get_embeds (runtime_of (self)), &error);
  if (embeds == NULL) {
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not read the embeds"), error);
    return;
  }
  while (embeds->len > 0) {
    GtkWidget *embed_row = rtx_embed_row_new (self->server, g_ptr_array_steal_index (embeds, 0));

    g_signal_connect_object (embed_row, "changed", G_CALLBACK (on_row_changed_cb), self,
                             G_CONNECT_SWAPPED);
    gtk_list_box_append (self->list_box, embed_row);
  }
}

static void
on_create_clicked_cb (RtxEmbedsPage *self)
{
  const RtxWorkspace *workspace = selected_workspace (self);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(RtxEmbed) embed = NULL;
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (workspace == NULL)
    return;
  json_object_set_string_member (fields, "allowlist_domains",
                                 gtk_editable_get_text (GTK_EDITABLE (self->domains_row)));
  embed = rtx_embeds_create (rtx_runtime_get_embeds (runtime_of (self)), workspace->id, fields,
                             rtx_gui_actor (), &error);
  if (embed == NULL) {
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not create the embed"), error);
    return;
  }

  gtk_editable_set_text (GTK_EDITABLE (self->domains_row), "");
  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root),
                                      adw_toast_new (_("Embed created: copy its snippet into "
                                                       "your web page")));
  rtx_embeds_page_reload (self);
}

static void
rtx_embeds_page_dispose (GObject *object)
{
  RtxEmbedsPage *self = RTX_EMBEDS_PAGE (object);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), RTX_TYPE_EMBEDS_PAGE);

  G_OBJECT_CLASS (rtx_embeds_page_parent_class)->dispose (object);
}

static void
rtx_embeds_page_finalize (GObject *object)
{
  RtxEmbedsPage *self = RTX_EMBEDS_PAGE (object);

  g_clear_object (&self->server);
  g_clear_pointer (&self->workspaces, g_ptr_array_unref);

  G_OBJECT_CLASS (rtx_embeds_page_parent_class)->finalize (object);
}

static void
rtx_embeds_page_class_init (RtxEmbedsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_embeds_page_dispose;
  object_class->finalize = rtx_embeds_page_finalize;

  rtx_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/rtx-embeds-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedsPage, create_button);
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedsPage, domains_row);
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedsPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedsPage, workspace_list);
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedsPage, workspace_row);
  gtk_widget_class_bind_template_callback (widget_class, on_create_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed_cb);
}

static void
rtx_embeds_page_init (RtxEmbedsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Embeds change through the API and take chats all the time: read them again when shown. */
  g_signal_connect (self, "map", G_CALLBACK (rtx_embeds_page_reload), NULL);
}

/**
 * rtx_embeds_page_new:
 * @server: the server, whose port the snippets name
 *
 * Returns: (transfer floating): the page, showing the embeds as stored now
 */
GtkWidget *
rtx_embeds_page_new (RtxServer *server)
{
  RtxEmbedsPage *self;

  g_return_val_if_fail (RTX_IS_SERVER (server), NULL);

  self = g_object_new (RTX_TYPE_EMBEDS_PAGE, NULL);
  self->server = g_object_ref (server);
  rtx_embeds_page_reload (self);
  return GTK_WIDGET (self);
}

RtxEmbedRow *
_rtx_embeds_page_get_row (RtxEmbedsPage *self,
                          guint          index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list_box, (int) index);

  return row != NULL ? RTX_EMBED_ROW (row) : NULL;
}

AdwComboRow *
_rtx_embeds_page_get_workspace_row (RtxEmbedsPage *self)
{
  return self->workspace_row;
}

GtkEditable *
_rtx_embeds_page_get_domains_row (RtxEmbedsPage *self)
{
  return GTK_EDITABLE (self->domains_row);
}

GtkWidget *
_rtx_embeds_page_get_create_button (RtxEmbedsPage *self)
{
  return self->create_button;
}
