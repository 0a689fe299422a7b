/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "rtx-cli.h"
#include "rtx-error.h"
#include "rtx-json.h"
#include "rtx-runtime.h"

typedef struct {
  char     *data_dir;
  char     *name;
  char     *owner;
  gboolean  admin;
  gboolean  json;
} KeysOptions;

typedef int (*KeysCommandFunc) (RtxRuntime  *runtime,
                                KeysOptions *options,
                                const char  *id_arg);

typedef struct {
  const char      *name;
  const char      *parameter;   /* NULL, or the name of the one positional argument */
  const char      *summary;
  KeysCommandFunc  func;
} KeysCommand;

static const RtxActor *
cli_actor (void)
{
  static RtxActor actor = { NULL, "cli" };

  actor.name = rtx_runtime_operator_name ();
  return &actor;
}

static gboolean
parse_id (const char  *text,
          gint64      *id)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;

  *id = (gint64) value;
  return TRUE;
}

static int
fail (const GError *error)
{
  g_printerr ("realtimex-runtime: %s\n", error->message);
  return RTX_EXIT_FAILURE;
}

/* Prints a new key alone on stdout, so that KEY=$(realtimex-runtime keys create …) works, and
 * everything else on stderr. */
static int
print_new_key (RtxRuntime      *runtime,
               const RtxApiKey *key,
               const char      *secret,
               const char      *what)
{
  g_print ("%s\n", secret);
  fflush (stdout);

  g_printerr ("%s\n", what);

  if (!key->in_keyring) {
    RtxSecrets *secrets = rtx_runtime_get_secrets (runtime);
    const char *reason = rtx_secrets_get_state_reason (secrets);

    g_printerr (_("Warning: no keyring is available (%s), so this key is shown only now and "
                  "“keys copy” cannot show it again. Keep it somewhere safe.\n"),
                reason != NULL ? reason : _("unknown reason"));
  }

  return RTX_EXIT_OK;
}

static int
cmd_create (RtxRuntime  *runtime,
            KeysOptions *options,
            const char  *id_arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  g_autofree char *what = NULL;
  gint64 owner_id = 0;

  if (options->name == NULL) {
    g_printerr (_("realtimex-runtime: keys create needs --name NAME\n"));
    return RTX_EXIT_USAGE;
  }

  /* Without --owner, a key made here in multi-user mode belongs to the operator's user. */
  if (options->owner != NULL) {
    g_autoptr(RtxUser) owner = rtx_users_find (rtx_runtime_get_users (runtime), options->owner,
                                               &error);

    if (owner == NULL)
      return fail (error);
    owner_id = owner->id;
  }

  key = rtx_api_keys_create_for_owner (rtx_runtime_get_api_keys (runtime), options->name,
                                       options->admin, owner_id, cli_actor (), &secret, &error);
  if (key == NULL)
    return fail (error);

  what = key->admin
    ? g_strdup_printf (_("Created administrator key %" G_GINT64_FORMAT " “%s” (%s)."),
                       key->id, key->name, key->display)
    : g_strdup_printf (_("Created key %" G_GINT64_FORMAT " “%s” (%s)."),
                       key->id, key->name, key->display);

  return print_new_key (runtime, key, secret, what);
}

static int
cmd_rotate (RtxRuntime  *runtime,
            KeysOptions *options,
            const char  *id_arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  g_autofree char *what = NULL;
  gint64 id;

  if (!parse_id (id_arg, &id)) {
    g_printerr (_("realtimex-runtime: “%s” is not a key id (see “keys list”)\n"), id_arg);
    return RTX_EXIT_USAGE;
  }

  key = rtx_api_keys_rotate (rtx_runtime_get_api_keys (runtime), id, cli_actor (), &secret, &error);
  if (key == NULL)
    return fail (error);

  what = g_strdup_printf (_("Created key %" G_GINT64_FORMAT " “%s” (%s) to replace the old one."),
                          key->id, key->name, key->display);
  print_new_key (runtime, key, secret, what);
  g_printerr (_("Key %" G_GINT64_FORMAT " stays active until you run “keys deactivate %"
                G_GINT64_FORMAT "” once your client uses the new key.\n"), id, id);

  return RTX_EXIT_OK;
}

static int
cmd_deactivate (RtxRuntime  *runtime,
                KeysOptions *options,
                const char  *id_arg)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (!parse_id (id_arg, &id)) {
    g_printerr (_("realtimex-runtime: “%s” is not a key id (see “keys list”)\n"), id_arg);
    return RTX_EXIT_USAGE;
  }

  if (!rtx_api_keys_deactivate (rtx_runtime_get_api_keys (runtime), id, cli_actor (), &error))
    return fail (error);

  g_printerr (_("Key %" G_GINT64_FORMAT " is deactivated for good; requests with it are now "
                "refused.\n"), id);
  return RTX_EXIT_OK;
}

static int
cmd_copy (RtxRuntime  *runtime,
          KeysOptions *options,
          const char  *id_arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  gint64 id;

  if (!parse_id (id_arg, &id)) {
    g_printerr (_("realtimex-runtime: “%s” is not a key id (see “keys list”)\n"), id_arg);
    return RTX_EXIT_USAGE;
  }

  secret = rtx_api_keys_copy_secret (rtx_runtime_get_api_keys (runtime), id, cli_actor (), &error);
  if (secret == NULL)
    return fail (error);

  g_print ("%s\n", secret);
  return RTX_EXIT_OK;
}

static const char *
or_dash (const char *text)
{
  return text != NULL && *text != '\0' ? text : "-";
}

static void
print_table (GPtrArray *keys)
{
  g_print ("%-4s %-24s %-12s %-6s %-12s %-12s %-20s %-28s %s\n", _("ID"), _("NAME"), _("KEY"),
           _("ROLE"), _("OWNER"), _("CREATED BY"), _("CREATED"), _("LAST USED"), _("STATUS"));

  for (guint i = 0; i < keys->len; i++) {
    const RtxApiKey *key = g_ptr_array_index (keys, i);
    g_autofree char *created = rtx_format_timestamp (key->created_at);
    g_autofree char *used = rtx_format_timestamp (key->last_used_at);
    g_autofree char *used_text = used != NULL
      ? g_strdup_printf ("%s (%s)", used, or_dash (key->last_used_surface)) : NULL;
    g_autofree char *gone = rtx_format_timestamp (key->deactivated_at);
    g_autofree char *status = rtx_api_key_is_active (key)
      ? g_strdup (_("active"))
      : g_strdup_printf (_("deactivated %s by %s"), gone, or_dash (key->deactivated_by));

    g_print ("%-4" G_GINT64_FORMAT " %-24s %-12s %-6s %-12s %-12s %-20s %-28s %s\n", key->id,
             key->name, key->display, key->admin ? _("admin") : _("user"),
             or_dash (key->owner_username), or_dash (key->created_by),
             or_dash (created), or_dash (used_text), status);
  }
}

static int
cmd_list (RtxRuntime  *runtime,
          KeysOptions *options,
          const char  *id_arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = rtx_api_keys_list (rtx_runtime_get_api_keys (runtime), &error);

  if (keys == NULL)
    return fail (error);

  if (options->json) {
    g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
    g_autoptr(JsonArray) array = json_array_new ();
    g_autofree char *text = NULL;

    for (guint i = 0; i < keys->len; i++)
      json_array_add_element (array, rtx_api_key_to_json (g_ptr_array_index (keys, i)));
    json_node_set_array (root, array);
    text = rtx_json_to_string (root, TRUE);
    g_print ("%s\n", text);
  } else if (keys->len == 0) {
    g_printerr (_("No API keys yet. Create one with “realtimex-runtime keys create --name NAME”.\n"));
  } else {
    print_table (keys);
  }

  return RTX_EXIT_OK;
}

static const KeysCommand commands[] = {
  { "create", NULL, N_("Create a key and print it (--name NAME, --admin, --owner USER)"),
    cmd_create },
  { "list", NULL, N_("List keys, never their secrets (--json)"), cmd_list },
  { "copy", N_("ID"), N_("Print a key again, from the keyring"), cmd_copy },
  { "rotate", N_("ID"), N_("Create a successor with the same name and role"), cmd_rotate },
  { "deactivate", N_("ID"), N_("Deactivate a key for good"), cmd_deactivate },
};

static char *
keys_summary (void)
{
  GString *text = g_string_new (_("Commands:"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "\n  %-11s %s", commands[i].name, _(commands[i].summary));

  return g_string_free (text, FALSE);
}

static GOptionContext *
keys_context (const KeysCommand *command,
              KeysOptions       *options)
{
  const GOptionEntry common[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &options->data_dir,
      N_("Data directory (default $RTX_DATA_DIR or $XDG_DATA_HOME/realtimex-runtime)"),
      N_("DIR") },
    { NULL }
  };
  const GOptionEntry create[] = {
    { "name", 'n', 0, G_OPTION_ARG_STRING, &options->name, N_("Name of the key"), N_("NAME") },
    { "admin", 0, 0, G_OPTION_ARG_NONE, &options->admin,
      N_("Make an administrator key (manages keys, users and settings)"), NULL },
    { "owner", 0, 0, G_OPTION_ARG_STRING, &options->owner,
      N_("In multi-user mode, the user who owns the key (default: the operator's user)"),
      N_("USERNAME") },
    { NULL }
  };
  const GOptionEntry list[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autofree char *parameter = NULL;
  GOptionContext *context;

  if (command == NULL) {
    g_autofree char *summary = keys_summary ();

    context = g_option_context_new (_("COMMAND"));
    g_option_context_set_summary (context, summary);
  } else {
    parameter = g_strdup_printf ("%s%s%s", command->name, command->parameter ? " " : "",
                                 command->parameter ? _(command->parameter) : "");
    context = g_option_context_new (parameter);
    g_option_context_set_summary (context, _(command->summary));
    if (command->func == cmd_create)
      g_option_context_add_main_entries (context, create, GETTEXT_PACKAGE);
    else if (command->func == cmd_list)
      g_option_context_add_main_entries (context, list, GETTEXT_PACKAGE);
  }

  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  return context;
}

static const KeysCommand *
find_command (int    argc,
              char **argv,
              int   *index)
{
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-') {
      if ((g_str_equal (argv[i], "--data-dir") || g_str_equal (argv[i], "-d") ||
           g_str_equal (argv[i], "--name") || g_str_equal (argv[i], "-n")) && i + 1 < argc)
        i++;
      continue;
    }
    *index = i;
    for (guint c = 0; c < G_N_ELEMENTS (commands); c++) {
      if (g_str_equal (argv[i], commands[c].name))
        return &commands[c];
    }
    return NULL;
  }

  *index = -1;
  return NULL;
}

static int
run_command (const KeysCommand  *command,
             KeysOptions        *options,
             int                 argc,
             char              **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRuntime) runtime = NULL;
  g_autofree char *data_dir = NULL;
  const char *id_arg = argc > 1 ? argv[1] : NULL;
  int expected = command->parameter != NULL ? 2 : 1;

  if (argc != expected) {
    if (argc < expected)
      g_printerr (_("realtimex-runtime: keys %s needs %s\n"), command->name, _(command->parameter));
    else
      g_printerr (_("realtimex-runtime: unexpected argument “%s”\n"), argv[expected]);
    return RTX_EXIT_USAGE;
  }

  data_dir = options->data_dir != NULL ? g_strdup (options->data_dir)
                                       : rtx_runtime_default_data_dir ();
  runtime = rtx_runtime_new (data_dir, &error);
  if (runtime == NULL)
    return fail (error);

  /* Keys deactivated while the keyring was away still have items there: clear them now. */
  if (command->func != cmd_list)
    rtx_api_keys_clear_stale_keyring_items (rtx_runtime_get_api_keys (runtime));

  return command->func (runtime, options, id_arg);
}

static int
parse_and_run (const KeysCommand *command,
               GPtrArray         *args)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  KeysOptions options = { 0 };
  int n = (int) args->len;
  char **v = (char **) args->pdata;
  int status;

  context = keys_context (command, &options);
  if (!g_option_context_parse (context, &n, &v, &error)) {
    g_printerr ("realtimex-runtime: %s\n", error->message);
    g_printerr (_("Try “realtimex-runtime keys --help”.\n"));
    status = RTX_EXIT_USAGE;
  } else if (command == NULL) {
    g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

    g_printerr ("%s", help);
    status = RTX_EXIT_USAGE;
  } else {
    /* What remains after the options is the command's positional argument, if any. */
    status = run_command (command, &options, n, v);
  }

  g_free (options.data_dir);
  g_free (options.name);
  g_free (options.owner);

  return status;
}

/**
 * rtx_cli_keys_main:
 * @argv: the whole command line, "keys" included
 *
 * Returns: the exit status
 */
int
rtx_cli_keys_main (int    argc,
                   char **argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const KeysCommand *command;
  gboolean dropped_keys = FALSE;
  int index;

  /* Drop the word "keys", then the command word, and parse what is left. */
  g_ptr_array_add (args, (char *) "realtimex-runtime keys");
  for (int i = 1; i < argc; i++) {
    if (!dropped_keys && g_str_equal (argv[i], "keys"))
      dropped_keys = TRUE;
    else
      g_ptr_array_add (args, argv[i]);
  }

  command = find_command ((int) args->len, (char **) args->pdata, &index);
  if (command == NULL && index >= 0) {
    g_printerr (_("realtimex-runtime: unknown keys command “%s”\n"),
                (char *) g_ptr_array_index (args, index));
    g_printerr (_("Try “realtimex-runtime keys --help”.\n"));
    return RTX_EXIT_USAGE;
  }
  if (index >= 0)
    g_ptr_array_remove_index (args, index);

  /* GOption may reorder the array; keep a NULL terminator as argv has. */
  g_ptr_array_add (args, NULL);
  g_ptr_array_set_size (args, args->len - 1);

  return parse_and_run (command, args);
}
