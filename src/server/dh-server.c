/* dh-server.c – donghanh-server: the provincial server's commands */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-server"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "dh-autocleanups.h"
#include "dh-i18n.h"
#include "dh-server.h"
#include "dh-server-auth.h"
#include "dh-server-db.h"
#include "dh-server-error.h"
#include "dh-server-http.h"

#define MIN_PASSWORD_CHARS 8
#define MAX_PASSWORD_BYTES 1024

G_DEFINE_QUARK (dh-server-error-quark, dh_server_error)

typedef struct
{
  const char  *database;
  char       **args;     /* the command's arguments, options taken out */
  GHashTable  *options;  /* "--name" → value */
} DhServerCall;

typedef int (*DhServerRun) (DhServerCall *call);

typedef struct
{
  const char         *name;
  int                 n_args;
  const char * const *options;  /* the options it takes, each with a value */
  DhServerRun         run;
  const char         *flag;     /* an option without a value, or NULL */
} DhServerCommand;

static int
usage_error (const char *message)
{
  g_printerr ("donghanh-server: %s\n", message);
  g_printerr (_("Run “donghanh-server --help” to see the commands.\n"));
  return DH_SERVER_EXIT_USAGE;
}

static int
fail (const GError *error)
{
  g_printerr ("donghanh-server: %s\n", error->message);
  if (g_error_matches (error, DH_SERVER_ERROR, DH_SERVER_ERROR_DATABASE) ||
      g_error_matches (error, DH_SERVER_ERROR, DH_SERVER_ERROR_SCHEMA))
    return DH_SERVER_EXIT_DATABASE;
  return DH_SERVER_EXIT_REJECTED;
}

static PGconn *
connect_checked (DhServerCall  *call,
                 gboolean       check_schema,
                 GError       **error)
{
  g_autoptr(PGconn) conn = dh_db_connect (call->database, error);

  if (conn == NULL || (check_schema && !dh_db_check_schema (conn, error)))
    return NULL;
  return g_steal_pointer (&conn);
}

static int
run_migrate (DhServerCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = connect_checked (call, FALSE, &error);
  DhMigration migration;

  if (conn == NULL || !dh_db_migrate (conn, &migration, &error))
    return fail (error);
  if (migration.applied == 0)
    g_print (_("The database's schema is at version %d already: nothing to do.\n"), migration.version);
  else
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "The database's schema is now at version %d (%d migration applied).\n",
                          "The database's schema is now at version %d (%d migrations applied).\n",
                          migration.applied),
             migration.version, migration.applied);
  return DH_SERVER_EXIT_OK;
}

static int
run_import_units (DhServerCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length;
  g_autoptr(json_tokener) tokener = json_tokener_new_ex (16);
  g_autoptr(json_object) document = NULL;
  g_autoptr(PGconn) conn = NULL;
  DhUnitImport import;

  if (!g_file_get_contents (call->args[0], &text, &length, &error))
    return fail (error);
  document = json_tokener_parse_ex (tokener, text, (int) MIN (length, G_MAXINT));
  if (document == NULL || json_tokener_get_error (tokener) != json_tokener_success)
    {
      g_printerr (_("donghanh-server: %s is not JSON (%s): give the province's list of places as JSON\n"),
                  call->args[0], json_tokener_error_desc (json_tokener_get_error (tokener)));
      return DH_SERVER_EXIT_REJECTED;
    }

  conn = connect_checked (call, TRUE, &error);
  if (conn == NULL || !dh_db_import_units (conn, document, &import, &error))
    return fail (error);
  g_print (_("Places imported: %d new, %d updated.\n"), import.added, import.updated);
  return DH_SERVER_EXIT_OK;
}

/* One line of standard input, without its line end; at a terminal, after
 * PROMPT and without echo. */
static GString *
read_line (const char *prompt)
{
  GString *line = g_string_new (NULL);
  gboolean terminal = isatty (STDIN_FILENO);
  struct termios saved;
  int c;

  if (terminal)
    {
      struct termios quiet;

      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  while ((c = getchar ()) != EOF && c != '\n' && line->len <= MAX_PASSWORD_BYTES)
    g_string_append_c (line, (char) c);
  if (terminal)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return line;
}

/* The password is never an argument (others could read it in the process
 * list): at a terminal it is typed twice without echo, otherwise it is the
 * first line of standard input. */
static char *
read_password (const char  *username,
               GError     **error)
{
  g_autofree char *prompt = g_strdup_printf (_("Password for %s: "), username);
  g_autoptr(GString) password = read_line (prompt);

  if (password->len > MAX_PASSWORD_BYTES || !g_utf8_validate (password->str, password->len, NULL) ||
      g_utf8_strlen (password->str, password->len) < MIN_PASSWORD_CHARS)
    {
      g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
                   _("The password must be %d to %d characters of UTF-8 text on standard input, one line"),
                   MIN_PASSWORD_CHARS, MAX_PASSWORD_BYTES);
      return NULL;
    }
  if (isatty (STDIN_FILENO))
    {
      g_autoptr(GString) again = read_line (_("The same password again: "));

      if (!g_string_equal (password, again))
        {
          g_set_error_literal (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
                               _("The two passwords differ: run the command again and type the same one twice"));
          return NULL;
        }
    }
  return g_string_free (g_steal_pointer (&password), FALSE);
}

static int
run_add_user (DhServerCall *call)
{
  const char *username = call->args[0];
  const char *role = g_hash_table_lookup (call->options, "--role");
  const char *commune = g_hash_table_lookup (call->options, "--commune");
  const char *full_name = g_hash_table_lookup (call->options, "--full-name");
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;

  if (!dh_username_is_valid (username))
    {
      g_printerr (_("donghanh-server: “%s” cannot be a username: use 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit\n"),
                  username);
      return DH_SERVER_EXIT_REJECTED;
    }
  if (role == NULL)
    return usage_error (_("add-user needs --role caseworker, commune_official or province_admin"));
  if (!dh_role_is_valid (role))
    {
      g_printerr (_("donghanh-server: “%s” is not a role: write caseworker, commune_official or province_admin\n"), role);
      return DH_SERVER_EXIT_REJECTED;
    }
  if (g_str_equal (role, "province_admin") && commune != NULL)
    {
      g_printerr (_("donghanh-server: a province administrator belongs to no commune: leave out --commune\n"));
      return DH_SERVER_EXIT_REJECTED;
    }
  if (!g_str_equal (role, "province_admin") && commune == NULL)
    return usage_error (_("a caseworker or commune official needs --commune CODE"));

  /* the database first: nobody types a password for a command that fails */
  conn = connect_checked (call, TRUE, &error);
  if (conn == NULL)
    return fail (error);
  password = read_password (username, &error);
  if (password == NULL)
    return fail (error);
  hash = dh_password_hash (password, strlen (password), &error);
  if (hash == NULL ||
      !dh_db_add_user (conn, username, role, commune, full_name, hash, &error))
    return fail (error);
  g_print (_("User %s added.\n"), username);
  return DH_SERVER_EXIT_OK;
}

static int
run_list_devices (DhServerCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = connect_checked (call, TRUE, &error);
  g_autoptr(json_object) devices = NULL;

  if (conn != NULL)
    devices = dh_db_list_devices (conn, g_hash_table_lookup (call->options, "--user"), &error);
  if (devices == NULL)
    return fail (error);
  for (size_t i = 0; i < json_object_array_length (devices); i++)
    g_print ("%s\n", json_object_to_json_string_ext (json_object_array_get_idx (devices, i),
                                                      JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  return DH_SERVER_EXIT_OK;
}

static int
run_revoke_device (DhServerCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = connect_checked (call, TRUE, &error);
  int n_tokens = 0;
  int n_accounts;

  if (conn == NULL)
    return fail (error);
  n_accounts = dh_db_revoke_device (conn, call->args[0], g_hash_table_lookup (call->options, "--user"),
                                    &n_tokens, &error);
  if (n_accounts < 0)
    return fail (error);
  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Device %s revoked for %d account: %d sessions ended. Signing in on it again needs the password.\n",
                        "Device %s revoked for %d accounts: %d sessions ended. Signing in on it again needs the password.\n",
                        n_accounts),
           call->args[0], n_accounts, n_tokens);
  return DH_SERVER_EXIT_OK;
}

static int
run_serve (DhServerCall *call)
{
  g_autoptr(GError) error = NULL;
  const char *threads = g_hash_table_lookup (call->options, "--threads");
  const char *per_address = g_hash_table_lookup (call->options, "--per-address");
  DhServeOptions options = {
    .listen = g_hash_table_lookup (call->options, "--listen"),
    .cert_file = g_hash_table_lookup (call->options, "--cert"),
    .key_file = g_hash_table_lookup (call->options, "--key"),
    .conninfo = call->database,
    .plain = g_hash_table_contains (call->options, "--plain"),
    .threads = 4,
    .per_address = 64,
  };

  if (options.listen == NULL ||
      (options.plain ? options.cert_file != NULL || options.key_file != NULL
                     : options.cert_file == NULL || options.key_file == NULL))
    return usage_error (_("serve needs --listen HOST:PORT, and --cert FILE and --key FILE or else --plain"));
  if (threads != NULL)
    {
      guint64 n;

      if (!g_ascii_string_to_unsigned (threads, 10, 1, 256, &n, NULL))
        return usage_error (_("--threads takes a number from 1 to 256"));
      options.threads = (guint) n;
    }
  if (per_address != NULL)
    {
      guint64 n;

      if (!g_ascii_string_to_unsigned (per_address, 10, 1, 1000, &n, NULL))
        return usage_error (_("--per-address takes a number from 1 to 1000"));
      options.per_address = (guint) n;
    }
  if (!dh_server_serve (&options, &error))
    return fail (error);
  return DH_SERVER_EXIT_OK;
}

static const DhServerCommand commands[] = {
  { "migrate", 0, (const char * const []) { NULL }, run_migrate },
  { "import-units", 1, (const char * const []) { NULL }, run_import_units },
  { "add-user", 1, (const char * const []) { "--role", "--commune", "--full-name", NULL }, run_add_user },
  { "list-devices", 0, (const char * const []) { "--user", NULL }, run_list_devices },
  { "revoke-device", 1, (const char * const []) { "--user", NULL }, run_revoke_device },
  { "serve", 0, (const char * const []) { "--listen", "--cert", "--key", "--threads", "--per-address", NULL }, run_serve, "--plain" },
};

static void
print_help (void)
{
  g_print ("%s", _("Usage: donghanh-server [--database CONNINFO] COMMAND [ARGUMENTS]\n"
                   "\n"
                   "The provincial server of Đồng Hành.\n"
                   "\n"
                   "Commands:\n"
                   "  migrate                          bring the database's schema up to date\n"
                   "  import-units FILE                add or update the province's communes and villages\n"
                   "  add-user USERNAME --role ROLE [--commune CODE] [--full-name NAME]\n"
                   "                                   add an account; its password is read from standard input\n"
                   "  list-devices [--user USERNAME]   the devices signed in on, as JSON lines\n"
                   "  revoke-device DEVICE [--user USERNAME]\n"
                   "                                   end every session of a device (a lost laptop)\n"
                   "  serve --listen HOST:PORT --cert FILE --key FILE [--threads N] [--per-address N]\n"
                   "                                   answer devices over HTTPS until stopped (at most\n"
                   "                                   N connections from one address, 64 by default)\n"
                   "  serve --listen 127.0.0.1:PORT --plain [--threads N]\n"
                   "                                   the same in plain HTTP, behind a proxy that speaks HTTPS\n"
                   "\n"
                   "ROLE is caseworker, commune_official or province_admin. CONNINFO is a PostgreSQL\n"
                   "connection string (“host=/run/postgresql dbname=donghanh”); without --database,\n"
                   "DONGHANH_DATABASE, then libpq's PGHOST, PGDATABASE, ... are used.\n"
                   "\n"
                   "Exit status: 0 done, 1 refused (the message says why), 2 usage error,\n"
                   "3 the database cannot be reached or its schema is not this program's.\n"));
}

static const char *
take_value (char       **argv,
            int          argc,
            int         *i,
            const char  *name)
{
  gsize length = strlen (name);

  if (strncmp (argv[*i], name, length) != 0)
    return NULL;
  if (argv[*i][length] == '=')
    return argv[*i] + length + 1;
  if (argv[*i][length] == '\0' && *i + 1 < argc)
    return argv[++*i];
  return NULL;
}

int
dh_server_main (int   argc,
                char *argv[])
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  const DhServerCommand *command = NULL;
  const char *database = g_getenv ("DONGHANH_DATABASE");
  DhServerCall call;

  setlocale (LC_ALL, "");
  dh_i18n_init ();

  if (argc < 2)
    {
      print_help ();
      return DH_SERVER_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_help ();
      return DH_SERVER_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("donghanh-server %s\n", PACKAGE_VERSION);
      return DH_SERVER_EXIT_OK;
    }

  for (int i = 1; i < argc; i++)
    {
      const char *value = take_value (argv, argc, &i, "--database");

      if (value != NULL)
        {
          database = value;
          continue;
        }
      if (command == NULL)
        {
          for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
            if (g_str_equal (argv[i], commands[c].name))
              command = &commands[c];
          if (command == NULL)
            {
              g_autofree char *message = g_strdup_printf (_("“%s” is not a command"), argv[i]);
              return usage_error (message);
            }
          continue;
        }
      if (g_str_has_prefix (argv[i], "--"))
        {
          const char *taken = NULL;

          if (g_strcmp0 (argv[i], command->flag) == 0)
            {
              g_hash_table_insert (options, (gpointer) command->flag, (gpointer) "");
              continue;
            }
          for (guint o = 0; command->options[o] != NULL && taken == NULL; o++)
            {
              value = take_value (argv, argc, &i, command->options[o]);
              if (value != NULL)
                {
                  g_hash_table_insert (options, (gpointer) command->options[o], (gpointer) value);
                  taken = command->options[o];
                }
            }
          if (taken == NULL)
            {
              g_autofree char *message = g_strdup_printf (_("%s does not take %s (or it lacks its value)"),
                                                          command->name, argv[i]);
              return usage_error (message);
            }
          continue;
        }
      g_ptr_array_add (args, argv[i]);
    }

  if (command == NULL)
    return usage_error (_("Give a command"));
  if ((int) args->len != command->n_args)
    {
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "%s takes %d argument",
                                                               "%s takes %d arguments",
                                                               command->n_args),
                                                  command->name, command->n_args);
      return usage_error (message);
    }

  if (!dh_server_auth_init (&error))
    return fail (error);

  g_ptr_array_add (args, NULL);
  call.database = database;
  call.args = (char **) args->pdata;
  call.options = options;
  return command->run (&call);
}
