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

#define ROUNDS      60
#define MAX_WRITERS 3

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

/* Reads what the writers acknowledged until the moment chosen to kill them. */
static void
read_acknowledged (const int *fds,
                   guint      n_fds,
                   gint64     kill_at,
                   GString  **outputs)
{
  char buffer[4096];

  for (;;)
    {
      struct pollfd poll_fds[MAX_WRITERS];
      gint64 left = (kill_at - g_get_monotonic_time ()) / 1000;

      if (left <= 0)
        return;
      for (guint i = 0; i < n_fds; i++)
        poll_fds[i] = (struct pollfd) { .fd = fds[i], .events = POLLIN };
      if (poll (poll_fds, n_fds, (int) left) <= 0)
        continue;
      for (guint i = 0; i < n_fds; i++)
        {
          ssize_t n;

          if ((poll_fds[i].revents & (POLLIN | POLLHUP)) == 0)
            continue;
          n = read (fds[i], buffer, sizeof buffer);
          if (n > 0)
            g_string_append_len (outputs[i], buffer, n);
        }
    }
}

/* Only whole lines were acknowledged. */
static void
collect_lines (GString   *output,
               GPtrArray *acknowledged)
{
  g_auto(GStrv) lines = NULL;

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
test_killed_writers_lose_nothing_acknowledged (StoreFixture  *fixture,
                                               gconstpointer  data)
{
  guint n_writers = GPOINTER_TO_UINT (data);
  g_autofree char *writer = g_test_build_filename (G_TEST_BUILT, "store", "crash-writer", NULL);
  g_autoptr(GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  guint32 seed = g_test_rand_int ();
  guint total_killed_mid_write = 0;

  g_clear_object (&fixture->store);

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GError) error = NULL;
      GString *outputs[MAX_WRITERS] = { NULL };
      g_autofree char *check = NULL;
      g_autoptr(DhStore) store = NULL;
      GPid pids[MAX_WRITERS];
      int fds[MAX_WRITERS];

      /* several writers at once contend for the store as the application,
       * its sync and a script would */
      for (guint w = 0; w < n_writers; w++)
        {
          g_autofree char *seed_text = g_strdup_printf ("%u", seed + round * MAX_WRITERS + w);
          const char *argv[] = { writer, fixture->path, fixture->village, seed_text, NULL };

          g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                                   NULL, NULL, &pids[w], NULL, &fds[w], NULL, &error));
          g_assert_no_error (error);
          outputs[w] = g_string_new (NULL);
        }

      /* kill them at a random moment: during start-up, mid-transaction, mid-checkpoint */
      read_acknowledged (fds, n_writers, g_get_monotonic_time () + g_test_rand_int_range (1, 120) * 1000, outputs);
      for (guint w = 0; w < n_writers; w++)
        {
          int status;

          g_assert_cmpint (kill (pids[w], SIGKILL), ==, 0);
          g_assert_cmpint (waitpid (pids[w], &status, 0), ==, pids[w]);
          g_spawn_close_pid (pids[w]);
          if (WIFSIGNALED (status))
            total_killed_mid_write++;
          drain (fds[w], outputs[w]);
          close (fds[w]);
          collect_lines (outputs[w], acknowledged);
          g_string_free (outputs[w], TRUE);
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

  g_test_message ("%u rounds of %u writers, %u writes acknowledged, %u kills",
                  ROUNDS, n_writers, acknowledged->len, total_killed_mid_write);
  g_assert_cmpuint (acknowledged->len, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/crash/killed-writer-loses-nothing-acknowledged", StoreFixture, GUINT_TO_POINTER (1),
              store_fixture_set_up, test_killed_writers_lose_nothing_acknowledged, store_fixture_tear_down);
  g_test_add ("/store/crash/killed-concurrent-writers-lose-nothing-acknowledged", StoreFixture, GUINT_TO_POINTER (3),
              store_fixture_set_up, test_killed_writers_lose_nothing_acknowledged, store_fixture_tear_down);

  return g_test_run ();
}
