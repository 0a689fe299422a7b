/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "rtx-application.h"
#include "rtx-api-keys-page-private.h"
#include "rtx-key-dialog-private.h"
#include "rtx-settings-window.h"

G_BEGIN_DECLS

typedef struct {
  char              *data_dir;
  RtxApplication    *app;
  RtxSettingsWindow *window;
  RtxApiKeysPage    *page;
} GuiFixture;

gboolean  rtx_gui_test_init           (int          *argc,
                                       char       ***argv);
void      rtx_gui_fixture_setup       (GuiFixture   *fixture,
                                       gconstpointer data);
void      rtx_gui_fixture_teardown    (GuiFixture   *fixture,
                                       gconstpointer data);
void      rtx_gui_test_wait_signal    (gpointer      instance,
                                       const char   *signal);
void      rtx_gui_test_wait_page      (RtxKeyDialog *dialog,
                                       const char   *page);
void      rtx_gui_test_iterate        (guint         ms);
char     *rtx_gui_test_read_clipboard (GtkWidget    *widget) G_GNUC_WARN_UNUSED_RESULT;
guint     rtx_gui_test_auth_status    (guint16       port,
                                       const char   *key);
void      rtx_gui_test_click          (GtkWidget    *widget);
void      rtx_gui_test_screenshot     (GtkWidget    *window,
                                       const char   *path);

G_END_DECLS
