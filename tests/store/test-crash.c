/* test-crash.c – a writer killed at random moments loses nothing it acknowledged */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-fixture.h"

#define ROUNDS 60

static char *
integrity_check (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return result;
}

static gint64
query_count (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return count;
}

/* Reads what the writer acknowledged until the moment chosen to kill it. */
static void
read_acknowledged (int       fd,
                   gint64    kill_at,
                   GString  *output)
{
  char buffer[4096];

  for (;;)
    {
      struct pollfd poll_fd = { .fd = fd, .events = POLLIN };
      gint64 left = (kill_at - g_get_monotonic_time ()) / 1000;
      ssize_t n;

      if (left <= 0)
        return;
      if (poll (&poll_fd, 1, (int) left) <= 0)
        continue;
      n = read (fd, buffer, sizeof buffer);
      if (n <= 0)
        return;
      g_string_append_len (output, buffer, n);
    }
}

static void
drain (int      fd,
       GString *output)
{
  char buffer[4096];
  ssize_t n;

  while ((n = read (fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (output, buffer, n);
}

static void
test_killed_writer_loses_nothing_acknowledged (StoreFixture  *fixture,
                                               gconstpointer  data)
{
  g_autofree char *writer = g_test_build_filename (G_TEST_BUILT, "store", "crash-writer", NULL);
  g_autoptr(GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  guint32 seed = g_test_rand_int ();
  guint total_killed_mid_write = 0;

  g_clear_object (&fixture->store);

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) output = g_string_new (NULL);
      g_autofree char *seed_text = g_strdup_printf ("%u", seed + round);
      g_autofree char *check = NULL;
      g_auto(GStrv) lines = NULL;
      g_autoptr(DhStore) store = NULL;
      const char *argv[] = { writer, fixture->path, fixture->village, seed_text, NULL };
      GPid pid;
      int out_fd, status;

      g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                               NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
      g_assert_no_error (error);

      /* kill it at a random moment: during start-up, mid-transaction, mid-checkpoint */
      read_acknowledged (out_fd, g_get_monotonic_time () + g_test_rand_int_range (1, 120) * 1000, output);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      if (WIFSIGNALED (status))
        total_killed_mid_write++;
      drain (out_fd, output);
      close (out_fd);

      /* only whole lines were acknowledged */
      if (output->len > 0 && output->str[output->len - 1] != '\n')
        {
          char *last = strrchr (output->str, '\n');

          g_string_truncate (output, last != NULL ? (gsize) (last - output->str + 1) : 0);
        }
      lines = g_strsplit (output->str, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          if (lines[i][0] != '\0')
            g_ptr_array_add (acknowledged, g_strdup (lines[i]));
        }

      check = integrity_check (fixture->path);
      g_assert_cmpstr (check, ==, "ok");

      store = dh_store_open (fixture->path, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < acknowledged->len; i++)
        {
          g_auto(GStrv) ids = g_strsplit (g_ptr_array_index (acknowledged, i), " ", 2);
          g_autoptr(json_object) household = dh_store_get (store, "household", ids[0], &error);
          g_autoptr(json_object) member = dh_store_get (store, "member", ids[1], &error);

          g_assert_no_error (error);
          g_assert_nonnull (household);
          g_assert_nonnull (member);
        }

      /* every record still has its pending change: nothing written without one */
      {
        DhQuery households = { .entity = "household" };
        DhQuery members = { .entity = "member" };
        gint64 n_households = dh_store_count (store, &households, NULL);
        gint64 n_members = dh_store_count (store, &members, NULL);

        /* a household and its member written in one batch landed together */
        g_assert_cmpint (n_members, <=, n_households);
        g_assert_cmpint (query_count (fixture->path,
                                      "SELECT count(*) FROM household h WHERE notes = 'batch' AND NOT EXISTS "
                                      "(SELECT 1 FROM member m WHERE m.household = h.id)"), ==, 0);
        g_assert_cmpint (dh_store_count_pending_changes (store, NULL), ==, 4 + n_households + n_members);
      }
    }

  g_test_message ("%u rounds, %u writes acknowledged, %u kills", ROUNDS, acknowledged->len, total_killed_mid_write);
  g_assert_cmpuint (acknowledged->len, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST ("/store/crash/killed-writer-loses-nothing-acknowledged", test_killed_writer_loses_nothing_acknowledged);

  return g_test_run ();
}
