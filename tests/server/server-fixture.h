/* server-fixture.h – a throwaway PostgreSQL cluster, a test certificate and donghanh-server serving on loopback */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

/* PostgreSQL refuses to run as root: as root, the cluster belongs to and runs
 * as Debian's "postgres" account (or "nobody" where there is none), through
 * runuser; as anyone else, as that user. */
typedef struct
{
  char *dir;        /* the cluster's data, its socket and its log, and the certificate */
  char *data;
  char *conninfo;
  char *run_as;     /* NULL: the test's own user */
} PgCluster;

/* For the abort handler, which may only fork and exec: a failed assertion
 * still stops the cluster and removes its directory. */
static char *pg_stop_argv[16];
static char *pg_remove_argv[4];

static inline char **
pg_command (PgCluster          *cluster,
            const char * const *command)
{
  GPtrArray *argv = g_ptr_array_new ();

  if (cluster->run_as != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("runuser"));
      g_ptr_array_add (argv, g_strdup ("-u"));
      g_ptr_array_add (argv, g_strdup (cluster->run_as));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  for (guint i = 0; command[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (command[i]));
  g_ptr_array_add (argv, NULL);
  return (char **) g_ptr_array_free (argv, FALSE);
}

static inline void
pg_run (PgCluster          *cluster,
        const char * const *command)
{
  g_auto(GStrv) argv = pg_command (cluster, command);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (cluster->dir, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed:\n%s%s", command[0], out, err);
}

static inline void
pg_abort_cb (int signal_number)
{
  pid_t child;

  child = fork ();
  if (child == 0)
    {
      execvp (pg_stop_argv[0], pg_stop_argv);
      _exit (127);
    }
  if (child > 0)
    waitpid (child, NULL, 0);
  child = fork ();
  if (child == 0)
    {
      execvp (pg_remove_argv[0], pg_remove_argv);
      _exit (127);
    }
  if (child > 0)
    waitpid (child, NULL, 0);
  signal (signal_number, SIG_DFL);
  raise (signal_number);
}

static inline void
pg_cluster_start (PgCluster *cluster)
{
  const char *bindir = g_getenv ("DONGHANH_PG_BINDIR");
  g_autofree char *initdb = g_build_filename (bindir, "initdb", NULL);
  g_autofree char *pg_ctl = g_build_filename (bindir, "pg_ctl", NULL);
  g_autofree char *log = NULL;
  g_autofree char *server_options = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (bindir);
  cluster->dir = g_dir_make_tmp ("donghanh-pg-XXXXXX", &error);
  g_assert_no_error (error);
  cluster->data = g_build_filename (cluster->dir, "data", NULL);
  log = g_build_filename (cluster->dir, "postgres.log", NULL);

  if (geteuid () == 0)
    {
      struct passwd *account = getpwnam ("postgres");

      if (account == NULL)
        account = getpwnam ("nobody");
      if (account == NULL)
        g_error ("running as root, and neither a “postgres” nor a “nobody” account to run PostgreSQL as");
      cluster->run_as = g_strdup (account->pw_name);
      g_assert_cmpint (chown (cluster->dir, account->pw_uid, account->pw_gid), ==, 0);
    }

  pg_run (cluster, (const char * const []) {
    initdb, "--pgdata", cluster->data, "--username", "postgres", "--auth", "trust",
    "--encoding", "UTF8", "--no-locale", "--no-sync", NULL });

  /* a Unix socket in the cluster's directory, no TCP at all; no fsync, as
   * nothing here outlives the test */
  server_options = g_strdup_printf ("-k %s -c listen_addresses='' -F", cluster->dir);
  {
    const char *stop[] = { pg_ctl, "--pgdata", cluster->data, "--mode", "immediate", "--silent", "stop", NULL };
    g_auto(GStrv) argv = pg_command (cluster, stop);

    for (guint i = 0; argv[i] != NULL && i < G_N_ELEMENTS (pg_stop_argv) - 1; i++)
      pg_stop_argv[i] = g_strdup (argv[i]);
    pg_remove_argv[0] = g_strdup ("rm");
    pg_remove_argv[1] = g_strdup ("-rf");
    pg_remove_argv[2] = g_strdup (cluster->dir);
    signal (SIGABRT, pg_abort_cb);
    signal (SIGSEGV, pg_abort_cb);
    signal (SIGTRAP, pg_abort_cb);
    signal (SIGTERM, pg_abort_cb);
  }
  pg_run (cluster, (const char * const []) {
    pg_ctl, "--pgdata", cluster->data, "--log", log, "--options", server_options,
    "--wait", "--silent", "start", NULL });

  cluster->conninfo = g_strdup_printf ("host=%s dbname=postgres user=postgres", cluster->dir);
}

/* Restarts PostgreSQL: every connection open on it is ended. */
static inline void
pg_cluster_restart (PgCluster *cluster)
{
  g_autofree char *pg_ctl = g_build_filename (g_getenv ("DONGHANH_PG_BINDIR"), "pg_ctl", NULL);
  g_autofree char *log = g_build_filename (cluster->dir, "postgres.log", NULL);
  g_autofree char *server_options = g_strdup_printf ("-k %s -c listen_addresses='' -F", cluster->dir);

  pg_run (cluster, (const char * const []) {
    pg_ctl, "--pgdata", cluster->data, "--log", log, "--options", server_options,
    "--mode", "fast", "--wait", "--silent", "restart", NULL });
}

static inline void
pg_cluster_stop (PgCluster *cluster)
{
  g_autofree char *pg_ctl = g_build_filename (g_getenv ("DONGHANH_PG_BINDIR"), "pg_ctl", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (cluster->dir);
  const char *remove[] = { "rm", "-rf", cluster->dir, NULL };
  g_autoptr(GError) error = NULL;

  pg_run (cluster, (const char * const []) {
    pg_ctl, "--pgdata", cluster->data, "--mode", "fast", "--wait", "--silent", "stop", NULL });
  signal (SIGABRT, SIG_DFL);
  signal (SIGSEGV, SIG_DFL);
  signal (SIGTRAP, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  g_spawn_sync (NULL, (char **) remove, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_query_exists (dir, NULL));

  g_clear_pointer (&cluster->dir, g_free);
  g_clear_pointer (&cluster->data, g_free);
  g_clear_pointer (&cluster->conninfo, g_free);
  g_clear_pointer (&cluster->run_as, g_free);
}

/* A self-signed certificate for 127.0.0.1, ::1 and localhost, its own CA,
 * made with GnuTLS's certtool in DIR: DIR/cert.pem and DIR/key.pem. */
static inline void
make_test_certificate (const char  *dir,
                       char       **cert_file,
                       char       **key_file)
{
  const char *certtool = g_getenv ("DONGHANH_CERTTOOL");
  g_autofree char *template = g_build_filename (dir, "cert.cfg", NULL);
  g_autoptr(GError) error = NULL;
  int status = 0;
  g_autofree char *err = NULL;

  g_assert_nonnull (certtool);
  *cert_file = g_build_filename (dir, "cert.pem", NULL);
  *key_file = g_build_filename (dir, "key.pem", NULL);
  g_file_set_contents (template,
                       "cn = \"127.0.0.1\"\n"
                       "organization = \"Đồng Hành tests\"\n"
                       "ip_address = \"127.0.0.1\"\n"
                       "ip_address = \"::1\"\n"
                       "dns_name = \"localhost\"\n"
                       "expiration_days = 30\n"
                       "ca\n"
                       "cert_signing_key\n"
                       "signing_key\n"
                       "tls_www_server\n",
                       -1, &error);
  g_assert_no_error (error);

  {
    const char *argv[] = { certtool, "--generate-privkey", "--key-type", "ecdsa", "--outfile", *key_file, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("certtool failed to make a key: %s", err);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { certtool, "--generate-self-signed", "--load-privkey", *key_file,
                           "--template", template, "--outfile", *cert_file, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("certtool failed to make a certificate: %s", err);
  }
}

typedef struct
{
  char *out;
  char *err;
  int   status;
} ServerRun;

static inline void
server_run_clear (ServerRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* Runs donghanh-server ARGS... on the cluster, INPUT (may be NULL) on stdin. */
static inline int
server_run_argv (ServerRun          *run,
                 PgCluster          *cluster,
                 const char         *input,
                 const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("DONGHANH_SERVER"));
  g_ptr_array_add (argv, (gpointer) "--database");
  g_ptr_array_add (argv, cluster->conninfo);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  server_run_clear (run);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
  return run->status;
}

#define server_run(run, cluster, input, ...) \
  server_run_argv ((run), (cluster), (input), (const char * const []) { __VA_ARGS__, NULL })

static inline void
die_with_parent_cb (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts `donghanh-server serve` on a free loopback port, over TLS with
 * CERT_FILE and KEY_FILE, or in plain HTTP when they are NULL; returns its
 * base URL. */
/* donghanh-server serving on a free loopback port, with EXTRA arguments
 * after the usual ones (they win); NULL for none. */
static inline GSubprocess *
server_serve_full (PgCluster           *cluster,
                   const char          *cert_file,
                   const char          *key_file,
                   const char * const  *extra,
                   char               **base_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *line = NULL;
  const char *prefix = "Serving on ";
  const char *common[] = { g_getenv ("DONGHANH_SERVER"), "serve", "--database", cluster->conninfo,
                           "--listen", "127.0.0.1:0", "--threads", "2" };

  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    g_ptr_array_add (argv, (gpointer) common[i]);
  if (cert_file != NULL)
    {
      const char *tls[] = { "--cert", cert_file, "--key", key_file };

      for (guint i = 0; i < G_N_ELEMENTS (tls); i++)
        g_ptr_array_add (argv, (gpointer) tls[i]);
    }
  else
    g_ptr_array_add (argv, (gpointer) "--plain");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent_cb, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  *base_url = g_strdup (line + strlen (prefix));
  g_assert_true (g_str_has_prefix (*base_url, cert_file != NULL ? "https://127.0.0.1:" : "http://127.0.0.1:"));
  return g_steal_pointer (&process);
}

static inline GSubprocess *
server_serve (PgCluster   *cluster,
              const char  *cert_file,
              const char  *key_file,
              char       **base_url)
{
  return server_serve_full (cluster, cert_file, key_file, NULL, base_url);
}

/* What an administrator does first, on a new cluster: the schema and the
 * demo province's places; the certificate the server will serve with. */
static inline void
server_setup_demo (PgCluster  *cluster,
                   char      **cert_file,
                   char      **key_file)
{
  ServerRun run = { 0 };
  g_autofree char *units = g_test_build_filename (G_TEST_DIST, "..", "data", "catalogues", "demo-province.json", NULL);

  pg_cluster_start (cluster);
  make_test_certificate (cluster->dir, cert_file, key_file);
  if (server_run (&run, cluster, NULL, "migrate") != 0)
    g_error ("migrate: %s", run.err);
  if (server_run (&run, cluster, NULL, "import-units", units) != 0)
    g_error ("import-units: %s", run.err);
  server_run_clear (&run);
}
