/* cli-fixture.h – runs donghanh-cli on a store of its own, as a script would */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-c/json.h>

#include "../test-tree.h"

typedef struct
{
  char *dir;
  char *store;
  char *out;
  char *err;
  int   status;
} CliFixture;

/* Runs donghanh-cli with --store and the given arguments, feeding INPUT
 * (may be NULL) on standard input; keeps stdout, stderr and the exit status. */
static inline int
cli_run_with_env (CliFixture         *fixture,
                  const char * const *env_extra,
                  const char         *input,
                  const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("DONGHANH_CLI"));
  g_ptr_array_add (argv, (gpointer) "--store");
  g_ptr_array_add (argv, fixture->store);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  for (guint i = 0; env_extra != NULL && env_extra[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env_extra[i], env_extra[i + 1], TRUE);

  g_clear_pointer (&fixture->out, g_free);
  g_clear_pointer (&fixture->err, g_free);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, &fixture->out, &fixture->err, &error);
  g_assert_no_error (error);
  fixture->status = g_subprocess_get_exit_status (process);

  return fixture->status;
}

#define cli_run(fixture, input, ...) \
  cli_run_with_env ((fixture), NULL, (input), (const char * const []) { __VA_ARGS__, NULL })

static inline json_object *
cli_output_json (CliFixture *fixture)
{
  json_object *object = json_tokener_parse (fixture->out);

  g_assert_nonnull (object);
  return object;
}

static inline guint
cli_output_lines (CliFixture *fixture)
{
  guint n = 0;

  for (const char *p = fixture->out; *p; p++)
    n += *p == '\n';
  return n;
}

static inline void
cli_fixture_set_up (CliFixture    *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("donghanh-cli-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = g_build_filename (fixture->dir, "store.db", NULL);
}

static inline void
cli_fixture_tear_down (CliFixture    *fixture,
                       gconstpointer  data)
{
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->store);
  g_free (fixture->out);
  g_free (fixture->err);
}

#define CLI_TEST(path, func) \
  g_test_add (path, CliFixture, NULL, cli_fixture_set_up, func, cli_fixture_tear_down)
