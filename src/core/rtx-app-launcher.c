/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "rtx-app-launcher.h"
#include "rtx-credential-use.h"
#include "rtx-error.h"

/**
 * RtxAppLauncher:
 *
 * Runs local apps as child processes. Each app starts in its own process group with an
 * environment built from scratch: a few harmless variables of the runtime's (PATH, HOME,
 * locale…), the variables the person assigned to the app, then `RTX_APP_ID`, `RTX_APP_NAME`,
 * `RTX_PORT` and `RTX_API_BASE_URL`, then the env_var credentials the person assigned to the
 * app (read from the keyring in a worker thread, each read audited). Nothing else of the
 * runtime's environment passes (no D-Bus address, no RTX_* of the runtime's, no key). The output (stdout and stderr) is kept in
 * a bounded log. Stop sends SIGTERM to the group, then SIGKILL after a grace period; Quit
 * stops every app.
 */

typedef struct {
  RtxAppLauncher *launcher;
  char           *app_id;
  GSubprocess    *process;
  GCancellable   *cancellable;
  GString        *log;
  RtxAppState     state;
  char           *reason;
  GPid            pid;
  gboolean        stopping;
  gboolean        starting;
  guint           kill_id;
} Proc;

struct _RtxAppLauncher {
  GObject       parent_instance;

  RtxLocalApps   *apps;
  RtxCredentials *credentials;
  char           *server_url;
  GHashTable   *procs;     /* app id → Proc */
};

enum {
  SIGNAL_STATE_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RtxAppLauncher, rtx_app_launcher, G_TYPE_OBJECT)

/* The runtime's variables an app may see: what a program needs to run, nothing that opens
 * the person's session (DBUS_SESSION_BUS_ADDRESS reaches the keyring) or names a secret. */
static const char * const inherited_env[] = {
  "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TERM",
};

static const char * const state_names[] = {
  [RTX_APP_STOPPED] = "stopped",
  [RTX_APP_RUNNING] = "running",
  [RTX_APP_FAILED] = "failed",
};

const char *
rtx_app_state_to_string (RtxAppState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), NULL);

  return state_names[state];
}

static void
proc_free (Proc *proc)
{
  g_clear_handle_id (&proc->kill_id, g_source_remove);
  if (proc->cancellable != NULL)
    g_cancellable_cancel (proc->cancellable);
  g_clear_object (&proc->cancellable);
  g_clear_object (&proc->process);
  g_string_free (proc->log, TRUE);
  g_free (proc->reason);
  g_free (proc->app_id);
  g_free (proc);
}

static void
proc_set_state (Proc        *proc,
                RtxAppState  state,
                const char  *reason)
{
  proc->state = state;
  g_free (proc->reason);
  proc->reason = g_strdup (reason);
  g_signal_emit (proc->launcher, signals[SIGNAL_STATE_CHANGED], 0, proc->app_id);
}

/* Keeps the last RTX_APP_LAUNCHER_LOG_BYTES, cut at a line start where there is one. */
static void
proc_append_output (Proc       *proc,
                    const char *data,
                    gsize       length)
{
  g_string_append_len (proc->log, data, length);

  if (proc->log->len > RTX_APP_LAUNCHER_LOG_BYTES) {
    gsize cut = proc->log->len - RTX_APP_LAUNCHER_LOG_BYTES;
    const char *newline = memchr (proc->log->str + cut, '\n', proc->log->len - cut);

    if (newline != NULL && (gsize) (newline - proc->log->str) < proc->log->len - 1)
      cut = newline - proc->log->str + 1;
    g_string_erase (proc->log, 0, cut);
  }
}

/* ---- Output and exit --------------------------------------------------------------------- */

static void read_next (Proc *proc);

static void
on_output_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);
  Proc *proc = user_data;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return; /* EOF, or cancelled because the proc is gone: do not touch it. */

  proc_append_output (proc, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  read_next (proc);
}

static void
read_next (Proc *proc)
{
  GInputStream *out = g_subprocess_get_stdout_pipe (proc->process);

  g_input_stream_read_bytes_async (out, 8192, G_PRIORITY_DEFAULT, proc->cancellable,
                                   on_output_cb, proc);
}

static char *
describe_exit (GSubprocess *process,
               gboolean     stopping,
               RtxAppState *out_state)
{
  if (g_subprocess_get_if_exited (process)) {
    int status = g_subprocess_get_exit_status (process);

    *out_state = status == 0 || stopping ? RTX_APP_STOPPED : RTX_APP_FAILED;
    return g_strdup_printf (_("Exited with status %d"), status);
  }

  if (g_subprocess_get_if_signaled (process)) {
    int signum = g_subprocess_get_term_sig (process);

    *out_state = stopping ? RTX_APP_STOPPED : RTX_APP_FAILED;
    return stopping ? g_strdup_printf (_("Stopped (signal %d)"), signum)
                    : g_strdup_printf (_("Killed by signal %d"), signum);
  }

  *out_state = RTX_APP_FAILED;
  return g_strdup (_("Ended"));
}

static void
on_exited_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  Proc *proc = user_data;
  RtxAppState state;

  if (!g_subprocess_wait_finish (process, result, &error))
    return; /* cancelled: the proc is being freed */

  g_clear_handle_id (&proc->kill_id, g_source_remove);
  reason = describe_exit (process, proc->stopping, &state);
  proc->pid = 0;
  proc->stopping = FALSE;
  proc_set_state (proc, state, reason);
}

/* ---- Starting ---------------------------------------------------------------------------- */

static const char *
default_program (const char *type)
{
  if (g_strcmp0 (type, "node") == 0)
    return "node";
  if (g_strcmp0 (type, "python") == 0)
    return "python3";
  if (g_strcmp0 (type, "npx") == 0)
    return "npx";
  if (g_strcmp0 (type, "uvx") == 0)
    return "uvx";
  return NULL;
}

static char **
build_env (RtxAppLauncher     *self,
           const RtxLocalApp  *app,
           const char * const *secrets)
{
  char **env = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (inherited_env); i++) {
    const char *value = g_getenv (inherited_env[i]);

    if (value != NULL)
      env = g_environ_setenv (env, inherited_env[i], value, TRUE);
  }

  /* The locale categories too, so that the app speaks the person's language. */
  {
    g_auto(GStrv) names = g_listenv ();

    for (guint i = 0; names[i] != NULL; i++) {
      if (g_str_has_prefix (names[i], "LC_"))
        env = g_environ_setenv (env, names[i], g_getenv (names[i]), TRUE);
    }
  }

  for (guint i = 0; app->env != NULL && app->env[i] != NULL; i++) {
    const char *eq = strchr (app->env[i], '=');
    g_autofree char *name = g_strndup (app->env[i], eq - app->env[i]);

    env = g_environ_setenv (env, name, eq + 1, TRUE);
  }

  env = g_environ_setenv (env, "RTX_APP_ID", app->id, TRUE);
  env = g_environ_setenv (env, "RTX_APP_NAME", app->name, TRUE);
  if (app->port > 0) {
    g_autofree char *port = g_strdup_printf ("%u", app->port);

    env = g_environ_setenv (env, "RTX_PORT", port, TRUE);
  } else {
    env = g_environ_unsetenv (env, "RTX_PORT");
  }
  if (self->server_url != NULL)
    env = g_environ_setenv (env, "RTX_API_BASE_URL", self->server_url, TRUE);

  for (guint i = 0; secrets != NULL && secrets[i] != NULL; i++) {
    const char *eq = strchr (secrets[i], '=');
    g_autofree char *name = g_strndup (secrets[i], eq - secrets[i]);

    env = g_environ_setenv (env, name, eq + 1, TRUE);
  }

  return env;
}

static void
child_setup (gpointer user_data)
{
  /* A group of its own, so that Stop reaches whatever the app started (npx, a shell…). */
  setpgid (0, 0);
}

/* Overwrites secrets before their memory goes back to the allocator. */
static void
wipe_strv (char **strv)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    explicit_bzero (strv[i], strlen (strv[i]));
  g_strfreev (strv);
}

static GSubprocess *
spawn (RtxAppLauncher     *self,
       const RtxLocalApp  *app,
       const char * const *secrets,
       GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  char **env = build_env (self, app, secrets);
  GSubprocess *process;
  const char *program = app->command != NULL ? app->command : default_program (app->type);

  if (program == NULL) {
    wipe_strv (env);
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("This app has no command to run"));
    return NULL;
  }

  g_ptr_array_add (argv, (gpointer) program);
  for (guint i = 0; app->args != NULL && app->args[i] != NULL; i++)
    g_ptr_array_add (argv, app->args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_environ (launcher, env);
  wipe_strv (env);
  if (app->working_dir != NULL)
    g_subprocess_launcher_set_cwd (launcher, app->working_dir);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
  /* The launcher keeps its own copy of the environment until it goes. */
  return process;
}

static Proc *
ensure_proc (RtxAppLauncher *self,
             const char     *app_id)
{
  Proc *proc = g_hash_table_lookup (self->procs, app_id);

  if (proc == NULL) {
    proc = g_new0 (Proc, 1);
    proc->launcher = self;
    proc->app_id = g_strdup (app_id);
    proc->log = g_string_new (NULL);
    proc->state = RTX_APP_STOPPED;
    g_hash_table_insert (self->procs, g_strdup (app_id), proc);
  }

  return proc;
}

typedef struct {
  RtxLocalApp *app;
  GStrv        credentials;   /* names of its env_var credentials */
  char        *actor_name;
  char        *actor_surface;
} StartData;

static void
start_data_free (StartData *data)
{
  rtx_local_app_free (data->app);
  g_strfreev (data->credentials);
  g_free (data->actor_name);
  g_free (data->actor_surface);
  g_free (data);
}

/* In a worker: reads each env_var credential from the keyring (an audited read, by the app,
 * through the surface of whoever started it) into `NAME=value` pairs. */
static void
resolve_credentials_thread (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  RtxAppLauncher *self = source_object;
  StartData *data = task_data;
  const RtxActor actor = { data->actor_name, data->actor_surface };
  char **pairs = g_new0 (char *, g_strv_length (data->credentials) + 1);

  for (guint i = 0; data->credentials[i] != NULL; i++) {
    g_autoptr(RtxCredentialUse) use = NULL;
    g_autoptr(GError) error = NULL;

    use = rtx_credentials_get_use (self->credentials, data->credentials[i], &actor, &error);
    if (use == NULL) {
      wipe_strv (pairs);
      g_task_return_new_error (task, RTX_ERROR, RTX_ERROR_FAILED,
                               _("Could not read the credential “%s”: %s"),
                               data->credentials[i], error->message);
      return;
    }

    pairs = rtx_credential_use_apply_to_environ (use, pairs, &error);
    if (pairs == NULL) {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  }

  g_task_return_pointer (task, pairs, (GDestroyNotify) wipe_strv);
}

static gboolean
run_app (RtxAppLauncher      *self,
         Proc                *proc,
         const RtxLocalApp   *app,
         const char * const  *secrets,
         GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *identifier;

  if (proc->cancellable != NULL)
    g_cancellable_cancel (proc->cancellable);
  g_clear_object (&proc->cancellable);
  g_clear_object (&proc->process);
  g_string_truncate (proc->log, 0);

  proc->process = spawn (self, app, secrets, &local_error);
  if (proc->process == NULL) {
    proc_set_state (proc, RTX_APP_FAILED, local_error->message);
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }

  proc->cancellable = g_cancellable_new ();
  /* A process that already ended (and was reaped) has no identifier any more. */
  identifier = g_subprocess_get_identifier (proc->process);
  proc->pid = identifier != NULL ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;
  proc->stopping = FALSE;
  read_next (proc);
  g_subprocess_wait_async (proc->process, proc->cancellable, on_exited_cb, proc);
  proc_set_state (proc, RTX_APP_RUNNING, NULL);

  return TRUE;
}

static void
on_resolved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RtxAppLauncher *self = RTX_APP_LAUNCHER (source);
  g_autoptr(GTask) task = user_data;
  StartData *data = g_task_get_task_data (task);
  Proc *proc = g_hash_table_lookup (self->procs, data->app->id);
  g_autoptr(GError) error = NULL;
  char **secrets;

  proc->starting = FALSE;
  secrets = g_task_propagate_pointer (G_TASK (result), &error);
  if (secrets == NULL) {
    proc_set_state (proc, RTX_APP_FAILED, error->message);
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  if (!run_app (self, proc, data->app, (const char * const *) secrets, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
  wipe_strv (secrets);
}

/* The names of the app's env_var credentials. */
static GStrv
env_credentials (RtxAppLauncher  *self,
                 const char      *app_id,
                 GError         **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) types = NULL;
  g_auto(GStrv) names = rtx_local_apps_list_credentials (self->apps, app_id, &types, error);

  if (names == NULL)
    return NULL;

  for (guint i = 0; names[i] != NULL; i++) {
    if (g_str_equal (types[i], "env_var"))
      g_strv_builder_add (builder, names[i]);
  }

  return g_strv_builder_end (builder);
}

/**
 * rtx_app_launcher_start_async:
 * @self: a launcher
 * @app_id: a registered app
 * @actor: who starts it (the app reads its credentials through that surface)
 * @cancellable: (nullable): a cancellable
 * @callback: called once it runs or failed to
 * @user_data: data for @callback
 *
 * Starts the app. The log starts empty. A failure to start is also recorded as the app's
 * state, so that Settings shows why. Credentials are read in a worker thread; the process is
 * spawned on the main context.
 */
void
rtx_app_launcher_start_async (RtxAppLauncher      *self,
                              const char          *app_id,
                              const RtxActor      *actor,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) resolve = NULL;
  g_autoptr(GError) error = NULL;
  StartData *data;
  Proc *proc;

  g_return_if_fail (RTX_IS_APP_LAUNCHER (self));
  g_return_if_fail (actor != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rtx_app_launcher_start_async);

  data = g_new0 (StartData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) start_data_free);
  data->app = rtx_local_apps_get (self->apps, app_id, &error);
  if (data->app == NULL ||
      (data->credentials = env_credentials (self, data->app->id, &error)) == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  proc = ensure_proc (self, data->app->id);
  if (proc->state == RTX_APP_RUNNING || proc->starting) {
    g_task_return_new_error (task, RTX_ERROR, RTX_ERROR_CONFLICT,
                             _("The app is already running"));
    return;
  }

  data->actor_name = g_strdup_printf ("app:%s", data->app->name);
  data->actor_surface = g_strdup (actor->surface);
  proc->starting = TRUE;

  resolve = g_task_new (self, cancellable, on_resolved_cb, g_steal_pointer (&task));
  g_task_set_task_data (resolve, data, NULL);
  g_task_run_in_thread (resolve, resolve_credentials_thread);
}

/**
 * rtx_app_launcher_start_finish:
 * @self: a launcher
 * @result: the result
 * @error: return location for an error
 *
 * Returns: %TRUE when the app runs; %RTX_ERROR_CONFLICT when it already runs,
 *   %RTX_ERROR_NOT_FOUND for an unknown app, %RTX_ERROR_INVALID_ARGUMENT without a command,
 *   another error when it could not start
 */
gboolean
rtx_app_launcher_start_finish (RtxAppLauncher  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Stopping ---------------------------------------------------------------------------- */

static void
signal_group (Proc *proc,
              int   signum)
{
  if (proc->pid <= 0)
    return;

  /* The group may not exist yet if the child has not run setpgid(); the process does. */
  if (kill (-proc->pid, signum) != 0)
    kill (proc->pid, signum);
}

static gboolean
on_kill_timeout_cb (gpointer user_data)
{
  Proc *proc = user_data;

  proc->kill_id = 0;
  signal_group (proc, SIGKILL);
  return G_SOURCE_REMOVE;
}

/**
 * rtx_app_launcher_stop:
 * @self: a launcher
 * @app_id: an app
 * @error: return location for an error
 *
 * Sends SIGTERM to the app's process group, and SIGKILL if it still runs after
 * %RTX_APP_LAUNCHER_STOP_GRACE_MS. Returns at once; the state changes when it has exited.
 *
 * Returns: %TRUE; %RTX_ERROR_CONFLICT when the app is not running
 */
gboolean
rtx_app_launcher_stop (RtxAppLauncher  *self,
                       const char      *app_id,
                       GError         **error)
{
  Proc *proc;

  g_return_val_if_fail (RTX_IS_APP_LAUNCHER (self), FALSE);

  proc = app_id != NULL ? g_hash_table_lookup (self->procs, app_id) : NULL;
  if (proc == NULL || proc->state != RTX_APP_RUNNING) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_CONFLICT, _("The app is not running"));
    return FALSE;
  }

  if (proc->stopping)
    return TRUE;

  proc->stopping = TRUE;
  signal_group (proc, SIGTERM);
  proc->kill_id = g_timeout_add (RTX_APP_LAUNCHER_STOP_GRACE_MS, on_kill_timeout_cb, proc);
  return TRUE;
}

static gboolean
any_running (RtxAppLauncher *self)
{
  GHashTableIter iter;
  Proc *proc;

  g_hash_table_iter_init (&iter, self->procs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &proc)) {
    if (proc->state == RTX_APP_RUNNING)
      return TRUE;
  }

  return FALSE;
}

/**
 * rtx_app_launcher_stop_all:
 * @self: a launcher
 *
 * For Quit: stops every running app and waits until they have all exited (SIGKILL after the
 * grace period), iterating the thread-default main context meanwhile.
 */
void
rtx_app_launcher_stop_all (RtxAppLauncher *self)
{
  GHashTableIter iter;
  Proc *proc;

  g_return_if_fail (RTX_IS_APP_LAUNCHER (self));

  g_hash_table_iter_init (&iter, self->procs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &proc)) {
    if (proc->state == RTX_APP_RUNNING)
      rtx_app_launcher_stop (self, proc->app_id, NULL);
  }

  while (any_running (self))
    g_main_context_iteration (NULL, TRUE);
}

/* ---- State ------------------------------------------------------------------------------- */

/**
 * rtx_app_launcher_get_state:
 * @self: a launcher
 * @app_id: an app
 * @out_reason: (out) (optional) (transfer full) (nullable): why it stopped or failed
 * @out_pid: (out) (optional): its process id while it runs, else 0
 *
 * Returns: the app's state; %RTX_APP_STOPPED for an app never started
 */
RtxAppState
rtx_app_launcher_get_state (RtxAppLauncher  *self,
                            const char      *app_id,
                            char           **out_reason,
                            GPid            *out_pid)
{
  Proc *proc;

  g_return_val_if_fail (RTX_IS_APP_LAUNCHER (self), RTX_APP_STOPPED);

  proc = app_id != NULL ? g_hash_table_lookup (self->procs, app_id) : NULL;
  if (out_reason != NULL)
    *out_reason = proc != NULL ? g_strdup (proc->reason) : NULL;
  if (out_pid != NULL)
    *out_pid = proc != NULL && proc->state == RTX_APP_RUNNING ? proc->pid : 0;

  return proc != NULL ? proc->state : RTX_APP_STOPPED;
}

/**
 * rtx_app_launcher_get_output:
 * @self: a launcher
 * @app_id: an app
 *
 * Returns: (transfer full): the latest output of its last run (at most
 *   %RTX_APP_LAUNCHER_LOG_BYTES), valid UTF-8
 */
char *
rtx_app_launcher_get_output (RtxAppLauncher *self,
                             const char     *app_id)
{
  Proc *proc;

  g_return_val_if_fail (RTX_IS_APP_LAUNCHER (self), NULL);

  proc = app_id != NULL ? g_hash_table_lookup (self->procs, app_id) : NULL;
  if (proc == NULL)
    return g_strdup ("");

  return g_utf8_make_valid (proc->log->str, proc->log->len);
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
rtx_app_launcher_dispose (GObject *object)
{
  RtxAppLauncher *self = RTX_APP_LAUNCHER (object);

  /* Last resort: an owner that forgot rtx_app_launcher_stop_all() leaves no app behind. */
  if (self->procs != NULL) {
    GHashTableIter iter;
    Proc *proc;

    g_hash_table_iter_init (&iter, self->procs);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &proc)) {
      if (proc->state == RTX_APP_RUNNING)
        signal_group (proc, SIGKILL);
    }
  }

  g_clear_pointer (&self->procs, g_hash_table_unref);
  g_clear_object (&self->apps);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (rtx_app_launcher_parent_class)->dispose (object);
}

static void
rtx_app_launcher_finalize (GObject *object)
{
  RtxAppLauncher *self = RTX_APP_LAUNCHER (object);

  g_free (self->server_url);

  G_OBJECT_CLASS (rtx_app_launcher_parent_class)->finalize (object);
}

static void
rtx_app_launcher_class_init (RtxAppLauncherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rtx_app_launcher_dispose;
  object_class->finalize = rtx_app_launcher_finalize;

  /**
   * RtxAppLauncher::state-changed:
   * @app_id: the app whose state changed
   */
  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
rtx_app_launcher_init (RtxAppLauncher *self)
{
  self->procs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) proc_free);
}

RtxAppLauncher *
rtx_app_launcher_new (RtxLocalApps   *apps,
                      RtxCredentials *credentials)
{
  RtxAppLauncher *self;

  g_return_val_if_fail (RTX_IS_LOCAL_APPS (apps), NULL);
  g_return_val_if_fail (RTX_IS_CREDENTIALS (credentials), NULL);

  self = g_object_new (RTX_TYPE_APP_LAUNCHER, NULL);
  self->apps = g_object_ref (apps);
  self->credentials = g_object_ref (credentials);
  return self;
}

/**
 * rtx_app_launcher_set_server_url:
 * @self: a launcher
 * @url: (nullable): where the runtime serves, e.g. `http://127.0.0.1:3001`
 *
 * Given to apps as `RTX_API_BASE_URL`, for apps that look for it (the SDK itself assumes
 * `http://localhost:3001`).
 */
void
rtx_app_launcher_set_server_url (RtxAppLauncher *self,
                                 const char     *url)
{
  g_return_if_fail (RTX_IS_APP_LAUNCHER (self));

  g_free (self->server_url);
  self->server_url = g_strdup (url);
}
