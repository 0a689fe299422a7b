/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-settings.h"

/**
 * RtxSettings:
 *
 * The runtime's key/value settings in SQLite (the model provider's name, base URL, model…).
 * Never a secret: those are credentials, in the keyring. Emits #RtxSettings::changed with the
 * key after every write, so that services built from settings can rebuild themselves.
 */
struct _RtxSettings {
  GObject  parent_instance;

  RtxDb   *db;
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RtxSettings, rtx_settings, G_TYPE_OBJECT)

static void
rtx_settings_dispose (GObject *object)
{
  RtxSettings *self = (RtxSettings *) object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_settings_parent_class)->dispose (object);
}

static void
rtx_settings_class_init (RtxSettingsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_settings_dispose;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
rtx_settings_init (RtxSettings *self)
{
}

RtxSettings *
rtx_settings_new (RtxDb *db)
{
  RtxSettings *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_SETTINGS, NULL);
  self->db = g_object_ref (db);

  return self;
}

/**
 * rtx_settings_get:
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when unset or unreadable
 */
char *
rtx_settings_get (RtxSettings *self,
                  const char  *key)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  gboolean have_row = FALSE;

  g_return_val_if_fail (RTX_IS_SETTINGS (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = rtx_db_prepare (self->db, "SELECT value FROM settings WHERE key = ?1", &error);
  if (stmt != NULL) {
    sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
    if (rtx_db_step_row (self->db, stmt, &have_row, &error) && have_row)
      return rtx_stmt_dup_text (stmt, 0);
  }

  if (error != NULL)
    g_warning ("Could not read the setting %s: %s", key, error->message);
  return NULL;
}

/**
 * rtx_settings_set:
 * @value: (nullable): the value; %NULL or "" removes the setting
 */
gboolean
rtx_settings_set (RtxSettings  *self,
                  const char   *key,
                  const char   *value,
                  GError      **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (value == NULL || *value == '\0') {
    stmt = rtx_db_prepare (self->db, "DELETE FROM settings WHERE key = ?1", error);
  } else {
    stmt = rtx_db_prepare (self->db,
                           "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) "
                           "ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3", error);
  }
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (value != NULL && *value != '\0') {
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  }
  if (!rtx_db_step_done (self->db, stmt, error))
    return FALSE;

  g_signal_emit (self, signals[SIGNAL_CHANGED], g_quark_from_string (key), key);
  return TRUE;
}
