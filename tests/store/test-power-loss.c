/* test-power-loss.c – the power fails at any instant: the store stays whole and keeps what it acknowledged */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "power-loss-vfs.h"
#include "store-fixture.h"

/* The model: what the power-loss VFS leaves on the disk */

static sqlite3_file *
open_file (sqlite3_vfs *vfs,
           const char  *name,
           int          flags)
{
  sqlite3_file *file = g_malloc0 (vfs->szOsFile);
  int out_flags = 0;

  g_assert_cmpint (vfs->xOpen (vfs, name, file, flags | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &out_flags),
                   ==, SQLITE_OK);

  return file;
}

static int
write_bytes (sqlite3_file *file,
             char          byte,
             gint64        offset,
             int           amount)
{
  g_autofree char *bytes = g_malloc (amount);

  memset (bytes, byte, amount);
  return file->pMethods->xWrite (file, bytes, amount, offset);
}

static void
close_file (sqlite3_file *file)
{
  g_assert_cmpint (file->pMethods->xClose (file), ==, SQLITE_OK);
  g_free (file);
}

static void
assert_file_holds (const char *path,
                   const char *expected)
{
  g_autofree char *contents = NULL;
  g_autoptr(GString) runs = g_string_new (NULL);
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* "4096 b, 4096 a": runs of one byte, easier to read than 8192 bytes */
  for (gsize i = 0; i < length;)
    {
      gsize j = i;

      while (j < length && contents[j] == contents[i])
        j++;
      g_string_append_printf (runs, "%s%" G_GSIZE_FORMAT " %c", runs->len > 0 ? ", " : "", j - i, contents[i]);
      i = j;
    }
  g_assert_cmpstr (runs->str, ==, expected);
}

static void
test_vfs_loses_what_was_not_synced (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("donghanh-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *wal_path = g_strconcat (path, "-wal", NULL);
  g_autofree char *journal_path = g_strconcat (path, "-journal", NULL);
  g_autofree char *initial = g_strnfill (8192, 'a');
  sqlite3_filename name = sqlite3_create_filename (path, journal_path, wal_path, 0, NULL);
  sqlite3_file *db, *wal, *journal;
  PowerLossOutcome outcome;
  sqlite3_vfs *vfs;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, initial, -1, &error));
  power_loss_vfs_install ();
  vfs = sqlite3_vfs_find (NULL);
  g_assert_cmpstr (vfs->zName, ==, "power-loss");

  db = open_file (vfs, name, SQLITE_OPEN_MAIN_DB);
  wal = open_file (vfs, sqlite3_filename_wal (name), SQLITE_OPEN_WAL);
  journal = open_file (vfs, sqlite3_filename_journal (name), SQLITE_OPEN_MAIN_JOURNAL);

  g_assert_cmpint (write_bytes (db, 'b', 0, 4096), ==, SQLITE_OK);
  g_assert_cmpint (db->pMethods->xSync (db, SQLITE_SYNC_NORMAL), ==, SQLITE_OK);
  g_assert_cmpint (write_bytes (db, 'c', 4096, 4096), ==, SQLITE_OK);
  g_assert_cmpint (write_bytes (db, 'd', 8192, 4096), ==, SQLITE_OK);
  g_assert_cmpint (db->pMethods->xTruncate (db, 2048), ==, SQLITE_OK);
  g_assert_cmpint (write_bytes (wal, 'e', 0, 100), ==, SQLITE_OK);
  g_assert_cmpint (write_bytes (journal, 'f', 0, 100), ==, SQLITE_OK);
  g_assert_cmpint (journal->pMethods->xSync (journal, SQLITE_SYNC_NORMAL), ==, SQLITE_OK);
  g_assert_cmpint (write_bytes (journal, 'g', 100, 100), ==, SQLITE_OK);
  g_assert_cmpuint (power_loss_vfs_get_n_calls (), ==, 9);

  /* nothing reaches the disk once the power is off */
  power_loss_vfs_cut ();
  g_assert_cmpint (write_bytes (db, 'h', 0, 4096), ==, SQLITE_IOERR_WRITE);
  g_assert_cmpint (db->pMethods->xTruncate (db, 0), ==, SQLITE_IOERR_TRUNCATE);
  g_assert_cmpint (journal->pMethods->xSync (journal, SQLITE_SYNC_NORMAL), ==, SQLITE_IOERR_FSYNC);
  g_assert_cmpint (vfs->xDelete (vfs, journal_path, 0), ==, SQLITE_IOERR_DELETE);
  close_file (db);
  close_file (wal);
  close_file (journal);
  power_loss_vfs_uninstall ();
  power_loss_vfs_restart (POWER_LOSS_DROP_UNSYNCED, NULL, &outcome);

  /* each file as last synced; the log, never synced, is gone with its name */
  assert_file_holds (path, "4096 b, 4096 a");
  assert_file_holds (journal_path, "100 f");
  g_assert_false (g_file_test (wal_path, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (outcome.cut_during, ==, "between two calls");
  g_assert_cmpuint (outcome.n_calls, ==, 9);
  g_assert_cmpuint (outcome.n_writes_lost, ==, 5);
  g_assert_cmpuint (outcome.n_writes_kept + outcome.n_writes_torn, ==, 0);
  g_assert_cmpuint (outcome.n_files_vanished, ==, 1);

  sqlite3_free_filename (name);
  remove_tree (dir);
}

/* The power fails instead of the chosen call, after the calls before it. */
static void
test_vfs_cuts_the_power_at_the_chosen_call (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("donghanh-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  sqlite3_filename name = sqlite3_create_filename (path, "", "", 0, NULL);
  PowerLossOutcome outcome;
  sqlite3_vfs *vfs;
  sqlite3_file *db;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "", 0, &error));
  power_loss_vfs_install ();
  vfs = sqlite3_vfs_find (NULL);
  db = open_file (vfs, name, SQLITE_OPEN_MAIN_DB);

  power_loss_vfs_cut_at_call (3);
  g_assert_cmpint (write_bytes (db, 'a', 0, 512), ==, SQLITE_OK);
  g_assert_cmpint (db->pMethods->xSync (db, SQLITE_SYNC_NORMAL), ==, SQLITE_OK);
  g_assert_false (power_loss_vfs_is_cut ());
  g_assert_cmpint (write_bytes (db, 'b', 512, 512), ==, SQLITE_IOERR_WRITE);
  g_assert_true (power_loss_vfs_is_cut ());
  g_assert_cmpint (db->pMethods->xSync (db, SQLITE_SYNC_NORMAL), ==, SQLITE_IOERR_FSYNC);
  close_file (db);
  power_loss_vfs_uninstall ();
  power_loss_vfs_restart (POWER_LOSS_DROP_UNSYNCED, NULL, &outcome);

  assert_file_holds (path, "512 a");
  g_assert_cmpstr (outcome.cut_during, ==, "at a write to the database");
  g_assert_cmpuint (outcome.n_calls, ==, 2);
  g_assert_cmpuint (outcome.n_writes_lost, ==, 0);

  sqlite3_free_filename (name);
  remove_tree (dir);
}

/* A disk cache may write back any of the unsynced writes, in any order,
 * some of them in part: each sector ends as synced or as written by one
 * of the writes, never anything else. */
static void
test_vfs_may_keep_some_unsynced_writes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("donghanh-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *initial = g_strnfill (4 * 4096, 'a');
  sqlite3_filename name = sqlite3_create_filename (path, "", "", 0, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  guint n_lost = 0, n_kept = 0, n_torn = 0;
  gboolean seen_torn_page = FALSE;

  g_assert_no_error (error);
  for (guint round = 0; round < 20; round++)
    {
      g_autofree char *contents = NULL;
      sqlite3_vfs *vfs;
      sqlite3_file *db;
      PowerLossOutcome outcome;
      gsize length;

      g_assert_true (g_file_set_contents (path, initial, -1, &error));
      power_loss_vfs_install ();
      vfs = sqlite3_vfs_find (NULL);
      db = open_file (vfs, name, SQLITE_OPEN_MAIN_DB);
      for (guint page = 0; page < 4; page++)
        {
          g_assert_cmpint (write_bytes (db, 'x', page * 4096, 4096), ==, SQLITE_OK);
          g_assert_cmpint (write_bytes (db, 'b', page * 4096, 4096), ==, SQLITE_OK);
        }
      close_file (db);
      power_loss_vfs_uninstall ();
      power_loss_vfs_restart (POWER_LOSS_KEEP_SOME, rand, &outcome);

      g_assert_cmpuint (outcome.n_writes_lost + outcome.n_writes_kept + outcome.n_writes_torn, ==, 8);
      n_lost += outcome.n_writes_lost;
      n_kept += outcome.n_writes_kept;
      n_torn += outcome.n_writes_torn;
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpuint (length, ==, 4 * 4096);
      for (guint sector = 0; sector < 4 * 4096 / 512; sector++)
        {
          char byte = contents[sector * 512];

          g_assert_true (byte == 'a' || byte == 'x' || byte == 'b');
          for (guint i = 1; i < 512; i++)
            g_assert_cmpint (contents[sector * 512 + i], ==, byte);
          if (sector % 8 != 0 && byte != contents[(sector - 1) * 512])
            seen_torn_page = TRUE;
        }
    }
  g_assert_cmpuint (n_lost, >, 0);
  g_assert_cmpuint (n_kept, >, 0);
  g_assert_cmpuint (n_torn, >, 0);
  g_assert_true (seen_torn_page);

  sqlite3_free_filename (name);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/power-loss/vfs-loses-what-was-not-synced", test_vfs_loses_what_was_not_synced);
  g_test_add_func ("/store/power-loss/vfs-cuts-the-power-at-the-chosen-call", test_vfs_cuts_the_power_at_the_chosen_call);
  g_test_add_func ("/store/power-loss/vfs-may-keep-some-unsynced-writes", test_vfs_may_keep_some_unsynced_writes);

  return g_test_run ();
}
