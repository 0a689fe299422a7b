/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-embed-row.h"
#include "rtx-error.h"
#include "rtx-gui-util.h"

/**
 * RtxEmbedRow:
 *
 * One website chat widget of Settings > Embeds: its snippet (copied, never typed), whether it
 * answers, the websites allowed to show it, its limits and its latest chats. Changes apply as
 * they are made; #RtxEmbedRow::changed asks the page to show what is stored again.
 */
struct _RtxEmbedRow {
  AdwExpanderRow  parent_instance;

  RtxServer      *server;
  RtxEmbed       *embed;
  GPtrArray      *chat_rows;
  gboolean        loading;

  GtkWidget      *chats_row;
  GtkWidget      *copy_button;
  GtkSpinButton  *day_spin;
  GtkWidget      *delete_button;
  AdwEntryRow    *domains_row;
  GtkSwitch      *enabled_switch;
  GtkSpinButton  *session_spin;
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RtxEmbedRow, rtx_embed_row, ADW_TYPE_EXPANDER_ROW)

#define RECENT_CHATS 5

static RtxEmbeds *
embeds_of (RtxEmbedRow *self)
{
  return rtx_runtime_get_embeds (rtx_server_get_runtime (self->server));
}

/**
 * rtx_embed_snippet:
 *
 * Returns: the tag a web page includes to show the embed's chat bubble
 */
char *
rtx_embed_snippet (guint16     port,
                   const char *uuid)
{
  return g_strdup_printf ("<script src=\"http://127.0.0.1:%u/embed/chat-widget.js\" "
                          "data-embed-id=\"%s\"></script>", port, uuid);
}

static void
update (RtxEmbedRow *self,
        JsonObject  *fields)
{
  g_autoptr(RtxEmbed) embed = NULL;
  g_autoptr(GError) error = NULL;

  embed = rtx_embeds_update (embeds_of (self), self->embed->uuid, fields, rtx_gui_actor (),
                             &error);
  if (embed == NULL)
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not change the embed"), error);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_copy_clicked_cb (RtxEmbedRow *self)
{
  g_autofree char *snippet = rtx_embed_snippet (rtx_server_get_port (self->server),
                                                self->embed->uuid);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), snippet);
  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root),
                                      adw_toast_new (_("Snippet copied: paste it into your "
                                                       "web page")));
}

static void
on_enabled_changed_cb (RtxEmbedRow *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  if (self->loading || gtk_switch_get_active (self->enabled_switch) == self->embed->enabled)
    return;
  json_object_set_boolean_member (fields, "enabled", gtk_switch_get_active (self->enabled_switch));
  update (self, fields);
}

/* An empty allowlist would let no website show the chat; the page asks for one instead. */
static void
on_domains_apply_cb (RtxEmbedRow *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (
                                                  self->domains_row))));

  if (*text == '\0') {
    g_autoptr(GError) error = g_error_new_literal (RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                                                   _("name at least one website"));

    rtx_gui_show_error (GTK_WIDGET (self), _("Could not change the embed"), error);
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
    return;
  }
  json_object_set_string_member (fields, "allowlist_domains", text);
  update (self, fields);
}

static void
set_limit (JsonObject    *fields,
           const char    *member,
           GtkSpinButton *spin)
{
  int value = gtk_spin_button_get_value_as_int (spin);

  if (value > 0)
    json_object_set_int_member (fields, member, value);
  else
    json_object_set_null_member (fields, member);
}

static void
on_limit_changed_cb (RtxEmbedRow *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  if (self->loading)
    return;
  set_limit (fields, "max_chats_per_day", self->day_spin);
  set_limit (fields, "max_chats_per_session", self->session_spin);
  update (self, fields);
}

static void
on_delete_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       RtxEmbedRow      *self)
{
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "delete"))
    return;
  if (!rtx_embeds_delete (embeds_of (self), self->embed->uuid, rtx_gui_actor (), &error))
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not delete the embed"), error);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_delete_clicked_cb (RtxEmbedRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Delete This Embed?"), NULL);

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("Web pages that include it show no chat any more, and its "
                                 "chats are deleted with it."));
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

static char *
summary (const RtxEmbed *embed)
{
  g_autofree char *sites = embed->allowlist != NULL && embed->allowlist[0] != NULL
                           ? g_strjoinv (", ", embed->allowlist)
                           : g_strdup (_("no website allowed yet"));
  g_autofree char *chats = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lld chat",
                                                         "%lld chats",
                                                         (gulong) embed->chat_count),
                                            (long long) embed->chat_count);

  return g_strdup_printf ("%s · %s · %s", embed->enabled ? _("Enabled") : _("Disabled"), chats,
                          sites);
}

static void
show_chats (RtxEmbedRow *self)
{
  g_autoptr(GPtrArray) chats = NULL;

  chats = rtx_embeds_list_exchanges (embeds_of (self), self->embed, NULL, FALSE, RECENT_CHATS,
                                     NULL);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->chats_row),
                               chats != NULL && chats->len > 0 ? _("Newest first")
                                                               : _("No chats yet"));
  /* Visitors' words and the answers are shown as plain text, never as markup. */
  for (guint i = chats != NULL ? chats->len : 0; i > 0; i--) {
    const RtxEmbedExchange *exchange = g_ptr_array_index (chats, i - 1);
    GtkWidget *row = adw_action_row_new ();

    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), exchange->prompt);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), exchange->text != NULL ? exchange->text
                                                                              : "");
    adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
    adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
    adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
    g_ptr_array_add (self->chat_rows, row);
  }
}

static void
show_embed (RtxEmbedRow *self)
{
  g_autofree char *subtitle = summary (self->embed);
  g_autofree char *sites = self->embed->allowlist != NULL
                           ? g_strjoinv (", ", self->embed->allowlist) : g_strdup ("");

  self->loading = TRUE;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self),
                                 self->embed->workspace_name != NULL
                                 ? self->embed->workspace_name : self->embed->uuid);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
  gtk_switch_set_active (self->enabled_switch, self->embed->enabled);
  gtk_editable_set_text (GTK_EDITABLE (self->domains_row), sites);
  gtk_spin_button_set_value (self->day_spin, self->embed->max_chats_per_day);
  gtk_spin_button_set_value (self->session_spin, self->embed->max_chats_per_session);
  show_chats (self);
  self->loading = FALSE;
}

static void
rtx_embed_row_dispose (GObject *object)
{
  RtxEmbedRow *self = RTX_EMBED_ROW (object);

  g_clear_pointer (&self->chat_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), RTX_TYPE_EMBED_ROW);

  G_OBJECT_CLASS (rtx_embed_row_parent_class)->dispose (object);
}

static void
rtx_embed_row_finalize (GObject *object)
{
  RtxEmbedRow *self = RTX_EMBED_ROW (object);

  g_clear_object (&self->server);
  g_clear_pointer (&self->embed, rtx_embed_free);

  G_OBJECT_CLASS (rtx_embed_row_parent_class)->finalize (object);
}

static void
rtx_embed_row_class_init (RtxEmbedRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_embed_row_dispose;
  object_class->finalize = rtx_embed_row_finalize;

  /**
   * RtxEmbedRow::changed:
   *
   * The embed was changed or deleted, or a change was refused: the page reads them again.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);

  rtx_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/rtx-embed-row.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedRow, chats_row);
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedRow, day_spin);
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedRow, delete_button);
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedRow, domains_row);
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedRow, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, RtxEmbedRow, session_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_delete_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_domains_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_enabled_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_limit_changed_cb);
}

static void
rtx_embed_row_init (RtxEmbedRow *self)
{
  self->loading = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->chat_rows = g_ptr_array_new ();
}

/**
 * rtx_embed_row_new:
 * @server: the server whose port the snippet names
 * @embed: (transfer full): the embed
 *
 * Returns: (transfer floating): the row
 */
GtkWidget *
rtx_embed_row_new (RtxServer *server,
                   RtxEmbed  *embed)
{
  RtxEmbedRow *self;

  g_return_val_if_fail (RTX_IS_SERVER (server), NULL);
  g_return_val_if_fail (embed != NULL, NULL);

  self = g_object_new (RTX_TYPE_EMBED_ROW, NULL);
  self->server = g_object_ref (server);
  self->embed = embed;
  show_embed (self);
  return GTK_WIDGET (self);
}

const char *
rtx_embed_row_get_uuid (RtxEmbedRow *self)
{
  g_return_val_if_fail (RTX_IS_EMBED_ROW (self), NULL);
  return self->embed->uuid;
}

GtkWidget *
_rtx_embed_row_get_copy_button (RtxEmbedRow *self)
{
  return self->copy_button;
}

GtkSwitch *
_rtx_embed_row_get_enabled (RtxEmbedRow *self)
{
  return self->enabled_switch;
}

AdwEntryRow *
_rtx_embed_row_get_domains (RtxEmbedRow *self)
{
  return self->domains_row;
}

GtkSpinButton *
_rtx_embed_row_get_day_limit (RtxEmbedRow *self)
{
  return self->day_spin;
}

GtkSpinButton *
_rtx_embed_row_get_session_limit (RtxEmbedRow *self)
{
  return self->session_spin;
}

GtkWidget *
_rtx_embed_row_get_delete_button (RtxEmbedRow *self)
{
  return self->delete_button;
}

GPtrArray *
_rtx_embed_row_get_chat_rows (RtxEmbedRow *self)
{
  return self->chat_rows;
}
