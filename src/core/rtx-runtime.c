/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "rtx-error.h"
#include "rtx-runtime.h"

/**
 * RtxRuntime:
 *
 * Owns the database, the secrets and the domain services for the life of the process. It
 * knows nothing of HTTP or GTK: the server and the GUI each hold a reference and serve it.
 */
struct _RtxRuntime {
  GObject     parent_instance;

  char       *data_dir;
  RtxDb      *db;
  RtxSecrets *secrets;
  RtxApiKeys *api_keys;
  RtxCredentials *credentials;
  RtxWorkspaces *workspaces;
  RtxSettings *settings;
  RtxThreads *threads;
  RtxChats *chats;
  RtxContextProvider *context_provider;
  RtxUsers   *users;
  RtxMemberships *memberships;
  RtxEmbeds  *embeds;
  RtxLocalApps        *local_apps;
  RtxPermissionBroker *permission_broker;
  RtxAppLauncher      *app_launcher;
  RtxDocuments *documents;
  /* Services of the layers above core (rag/, llm/), by name; released first on dispose,
   * while the database they use is still open. */
  GHashTable *extensions;
  RtxAgents           *agents;
  RtxActivities       *activities;
  RtxTasks            *tasks;
  RtxVectorStore      *vector_store;
};

G_DEFINE_FINAL_TYPE (RtxRuntime, rtx_runtime, G_TYPE_OBJECT)

static void
rtx_runtime_dispose (GObject *object)
{
  RtxRuntime *self = (RtxRuntime *)object;

  /* First, while everything they use is still there. */
  g_clear_pointer (&self->extensions, g_hash_table_unref);
  g_clear_object (&self->embeds);
  g_clear_object (&self->vector_store);
  g_clear_object (&self->tasks);
  g_clear_object (&self->activities);
  g_clear_object (&self->agents);
  g_clear_object (&self->memberships);
  g_clear_object (&self->users);
  g_clear_object (&self->credentials);
  g_clear_object (&self->context_provider);
  g_clear_object (&self->settings);
  g_clear_object (&self->threads);
  g_clear_object (&self->chats);
  g_clear_object (&self->workspaces);
  g_clear_object (&self->app_launcher);
  g_clear_object (&self->permission_broker);
  g_clear_object (&self->local_apps);
  g_clear_object (&self->documents);
  g_clear_object (&self->api_keys);
  g_clear_object (&self->secrets);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_runtime_parent_class)->dispose (object);
}

static void
rtx_runtime_finalize (GObject *object)
{
  RtxRuntime *self = (RtxRuntime *)object;

  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (rtx_runtime_parent_class)->finalize (object);
}

static void
rtx_runtime_class_init (RtxRuntimeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rtx_runtime_dispose;
  object_class->finalize = rtx_runtime_finalize;
}

static void
rtx_runtime_init (RtxRuntime *self)
{
}

static gboolean
ensure_data_dir (const char  *path,
                 GError     **error)
{
  /* 0700: the database names keys and, later, holds chats and documents. */
  if (g_mkdir_with_parents (path, 0700) != 0) {
    int saved = errno;

    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED,
                 _("Could not create the data directory “%s”: %s"), path, g_strerror (saved));
    return FALSE;
  }

  if (!g_file_test (path, G_FILE_TEST_IS_DIR)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED,
                 _("The data directory “%s” is not a directory"), path);
    return FALSE;
  }

  return TRUE;
}

/* A random id for this database, stored in it, that keeps keyring items of different data
 * directories apart. */
static char *
instance_id (RtxDb   *db,
             GError **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *fresh = g_uuid_string_random ();

  stmt = rtx_db_prepare (db, "INSERT OR IGNORE INTO meta (key, value) VALUES ('instance_id', ?1)",
                         error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, fresh, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (db, stmt, error))
    return NULL;

  return rtx_db_get_meta (db, "instance_id", error);
}

/**
 * rtx_runtime_new:
 * @data_dir: where runtime.db and, later, documents and local-app data live
 * @error: return location for a #GError
 *
 * Opens (and creates or migrates) the runtime's storage. Does not touch the keyring: a
 * runtime starts whether or not a Secret Service is there.
 *
 * Returns: (transfer full): the runtime, or %NULL
 */
RtxRuntime *
rtx_runtime_new (const char  *data_dir,
                 GError     **error)
{
  g_autoptr(RtxRuntime) self = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *instance = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);

  if (!ensure_data_dir (data_dir, error))
    return NULL;

  self = g_object_new (RTX_TYPE_RUNTIME, NULL);
  self->data_dir = g_canonicalize_filename (data_dir, NULL);

  db_path = g_build_filename (self->data_dir, "runtime.db", NULL);
  self->db = rtx_db_open (db_path, error);
  if (self->db == NULL)
    return NULL;

  instance = instance_id (self->db, error);
  if (instance == NULL)
    return NULL;

  self->secrets = rtx_secrets_new (instance);
  self->api_keys = rtx_api_keys_new (self->db, self->secrets);
  self->credentials = rtx_credentials_new (self->db, self->secrets);
  self->workspaces = rtx_workspaces_new (self->db);
  self->settings = rtx_settings_new (self->db);
  self->threads = rtx_threads_new (self->db);
  self->users = rtx_users_new (self->db);
  self->chats = rtx_chats_new (self->db);
  self->memberships = rtx_memberships_new (self->db);
  self->embeds = rtx_embeds_new (self->db);
  self->local_apps = rtx_local_apps_new (self->db);
  self->permission_broker = rtx_permission_broker_new (self->local_apps);
  self->app_launcher = rtx_app_launcher_new (self->local_apps, self->credentials);
  self->documents = rtx_documents_new (self->db, self->data_dir);
  self->extensions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->agents = rtx_agents_new (self->db);
  self->activities = rtx_activities_new (self->db);
  self->tasks = rtx_tasks_new (self->db);
  self->vector_store = rtx_vector_store_new (self->db);

  return g_steal_pointer (&self);
}

const char *
rtx_runtime_get_data_dir (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->data_dir;
}

RtxDb *
rtx_runtime_get_db (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->db;
}

RtxSecrets *
rtx_runtime_get_secrets (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->secrets;
}

RtxApiKeys *
rtx_runtime_get_api_keys (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->api_keys;
}

RtxCredentials *
rtx_runtime_get_credentials (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->credentials;
}

RtxWorkspaces *
rtx_runtime_get_workspaces (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->workspaces;
}

RtxSettings *
rtx_runtime_get_settings (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->settings;
}

RtxChats *
rtx_runtime_get_chats (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->chats;
}

RtxThreads *
rtx_runtime_get_threads (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->threads;
}

/**
 * rtx_runtime_get_context_provider:
 *
 * Returns: (transfer none) (nullable): where chats get their context from, or %NULL when no
 *   retrieval is installed (chats then answer without sources)
 */
RtxContextProvider *
rtx_runtime_get_context_provider (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->context_provider;
}

/**
 * rtx_runtime_set_context_provider:
 * @provider: (nullable): the retrieval service, or %NULL to remove it
 *
 * Installs the context provider that chats ask for pinned documents and relevant passages.
 */
void
rtx_runtime_set_context_provider (RtxRuntime         *self,
                                  RtxContextProvider *provider)
{
  g_return_if_fail (RTX_IS_RUNTIME (self));
  g_return_if_fail (provider == NULL || RTX_IS_CONTEXT_PROVIDER (provider));

  g_set_object (&self->context_provider, provider);
}

RtxUsers *
rtx_runtime_get_users (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->users;
}

RtxLocalApps *
rtx_runtime_get_local_apps (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->local_apps;
}

RtxPermissionBroker *
rtx_runtime_get_permission_broker (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->permission_broker;
}

RtxAppLauncher *
rtx_runtime_get_app_launcher (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->app_launcher;
}

RtxAgents *
rtx_runtime_get_agents (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->agents;
}

RtxActivities *
rtx_runtime_get_activities (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->activities;
}

RtxTasks *
rtx_runtime_get_tasks (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->tasks;
}

RtxVectorStore *
rtx_runtime_get_vector_store (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->vector_store;
}

RtxMemberships *
rtx_runtime_get_memberships (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->memberships;
}

RtxDocuments *
rtx_runtime_get_documents (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->documents;
}

/**
 * rtx_runtime_get_extension:
 * @name: the service's name
 *
 * Returns: (transfer none) (nullable): a service that a layer above core attached
 */
gpointer
rtx_runtime_get_extension (RtxRuntime *self,
                           const char *name)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->extensions != NULL ? g_hash_table_lookup (self->extensions, name) : NULL;
}

/**
 * rtx_runtime_set_extension:
 * @name: the service's name
 * @extension: the service; the runtime keeps a reference until it is disposed
 *
 * Lets rag/ and llm/ hang their services on the runtime without core knowing them.
 */
void
rtx_runtime_set_extension (RtxRuntime *self,
                           const char *name,
                           GObject    *extension)
{
  g_return_if_fail (RTX_IS_RUNTIME (self));
  g_return_if_fail (self->extensions != NULL);

  g_hash_table_replace (self->extensions, g_strdup (name), g_object_ref (extension));
}

RtxEmbeds *
rtx_runtime_get_embeds (RtxRuntime *self)
{
  g_return_val_if_fail (RTX_IS_RUNTIME (self), NULL);

  return self->embeds;
}

/**
 * rtx_runtime_default_data_dir:
 *
 * Returns: `$RTX_DATA_DIR` when set, else `$XDG_DATA_HOME/realtimex-runtime`
 */
char *
rtx_runtime_default_data_dir (void)
{
  const char *env = g_getenv ("RTX_DATA_DIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "realtimex-runtime", NULL);
}

/**
 * rtx_runtime_operator_name:
 *
 * Returns: the local operator's OS account name, recorded as the creator of keys made on this
 *   machine through the command line or the GUI
 */
const char *
rtx_runtime_operator_name (void)
{
  return g_get_user_name ();
}
