/* test-power-loss.c – the power fails at any instant: the store stays whole and keeps what it acknowledged */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Each round opens a fresh store over power-loss-vfs.c, writes through the
 * public API until the power fails at a random write, truncation or sync,
 * leaves on the disk what a disk could hold after that (what was synced
 * and, in half the rounds, some of what was not), and opens the store again
 * with SQLite's own VFS to check it: whole, every acknowledged write there,
 * every record with its pending changes. The same rounds with
 * synchronous=NORMAL show that the check does see lost writes. A failing
 * round says how to replay it: DONGHANH_POWER_LOSS_SEED=<its seed>
 * DONGHANH_POWER_LOSS_ROUNDS=1 makes the same writes and cuts the power at
 * the same call. Rounds with pulled pages among the writes show that a
 * page, committed without waiting for the disk, is lost only with its
 * cursor, and never takes a write of the caseworker's with it.
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "dh-store-private.h"
#include "dh-uuid.h"
#include "power-loss-vfs.h"
#include "store-fixture.h"

#define ROUNDS        400  /* with synchronous=FULL; DONGHANH_POWER_LOSS_ROUNDS overrides each */
#define NORMAL_ROUNDS 100  /* with synchronous=NORMAL */
#define CREATE_ROUNDS 100  /* while a store is created */
#define PULL_ROUNDS   200  /* with pulled pages among the writes */
#define MAX_CALLS     1000 /* the power fails at one of the first MAX_CALLS writes, truncations and syncs */
#define MAX_WRITES    1000 /* more than MAX_CALLS allows: the power always fails first */
#define FIRST_CALLS   10   /* a new store's switch to WAL */
#define MAX_PROBLEMS  8    /* told of a failing round */

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
  test_remove_tree (dir);
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
  test_remove_tree (dir);
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
  test_remove_tree (dir);
}

/* The store under power failures */

/* A record as the test wrote it, and as the store acknowledged it. */
typedef struct
{
  const char  *entity;
  char        *id;
  guint        batch;        /* its transaction, shared with other records; 0: one of its own */
  GPtrArray   *acknowledged; /* of json_object: its fields after each acknowledged write, oldest first */
  json_object *attempted;    /* fields written since and not acknowledged: they may have landed */
} Written;

typedef struct
{
  GRand       *rand;
  DhStore     *store;
  const char  *villages[2];
  DhValidator  validator;
  GPtrArray   *written;      /* of Written, in the order first written */
  GPtrArray   *households;   /* of Written, whose creation was acknowledged */
  guint        n_batches;
  gboolean     pulls;        /* pages of a pull come among the writes */
  GPtrArray   *pages;        /* of GPtrArray of json_object: the pulled pages; the Nth's cursor is "N" */
  guint        n_pages_landed; /* of them, the first that dh_store_apply_changes() said landed */
  GError      *error;        /* why the last write failed */
} Round;

/* What the store held once the power came back. */
typedef struct
{
  guint    n_acknowledged; /* writes the store acknowledged */
  guint    n_lost;         /* of them, those whose record is missing or older */
  guint    n_phantoms;     /* records holding what was never written */
  guint    n_torn_batches; /* transactions that landed in part */
  guint    n_unqueued;     /* records their pending changes do not account for, and the reverse */
  guint    n_pages_landed; /* pulled pages the store said landed */
  guint    n_pages_lost;   /* of them, those gone with their cursor */
  guint    n_pages_wrong;  /* pages there in part, or there while the cursor is before them, or the reverse */
  gboolean whole;          /* the integrity and foreign key checks pass */
  guint    n_errors;       /* reads and writes that failed for no power failure */
  guint    n_problems;
  GString *problems;
} Verdict;

static void
written_free (Written *written)
{
  g_free (written->id);
  g_ptr_array_unref (written->acknowledged);
  g_clear_pointer (&written->attempted, json_object_put);
  g_free (written);
}

G_GNUC_PRINTF (2, 3)
static void
add_problem (Verdict    *verdict,
             const char *format,
             ...)
{
  va_list args;

  if (verdict->n_problems++ >= MAX_PROBLEMS)
    return;

  va_start (args, format);
  g_string_append (verdict->problems, "\n  ");
  g_string_append_vprintf (verdict->problems, format, args);
  va_end (args);
}

/* Whole, with nothing torn, made up or unaccounted for: what even
 * synchronous=NORMAL promises. */
static gboolean
verdict_is_consistent (const Verdict *verdict)
{
  return verdict->whole && verdict->n_phantoms == 0 && verdict->n_torn_batches == 0 &&
         verdict->n_unqueued == 0 && verdict->n_pages_wrong == 0 && verdict->n_errors == 0;
}

/* Consistent, and nothing acknowledged lost. */
static gboolean
verdict_is_clean (const Verdict *verdict)
{
  return verdict_is_consistent (verdict) && verdict->n_lost == 0;
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *text = g_getenv (name);

  return text != NULL ? (guint) g_ascii_strtoull (text, NULL, 10) : fallback;
}

static guint32
first_seed (void)
{
  guint32 seed = env_uint ("DONGHANH_POWER_LOSS_SEED", (guint) g_test_rand_int ());

  g_test_message ("first round's seed %u (DONGHANH_POWER_LOSS_SEED=%u replays this run)", seed, seed);
  return seed;
}

/* The writes */

static Written *
written_new (Round      *round,
             const char *entity,
             guint       batch)
{
  Written *written = g_new0 (Written, 1);

  written->entity = entity;
  written->id = dh_uuid_new ();
  written->batch = batch;
  written->acknowledged = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_ptr_array_add (round->written, written);

  return written;
}

/* The fields as the store keeps them (names in Unicode NFC and so on). */
static json_object *
normalized (Round      *round,
            const char *entity,
            json_object *input)
{
  g_autoptr(GError) error = NULL;
  json_object *fields = NULL;

  g_assert_true (dh_entity_normalize_fields (dh_entity_lookup (entity), input, FALSE,
                                             &round->validator, &fields, &error));
  g_assert_no_error (error);

  return fields;
}

static void
acknowledge (Written *written)
{
  json_object *version = NULL;

  if (written->acknowledged->len == 0)
    {
      g_ptr_array_add (written->acknowledged, g_steal_pointer (&written->attempted));
      return;
    }

  g_assert_cmpint (json_object_deep_copy (g_ptr_array_index (written->acknowledged, written->acknowledged->len - 1),
                                          &version, NULL), ==, 0);
  {
    json_object_object_foreach (written->attempted, key, value)
      json_object_object_add (version, key, json_object_get (value));
  }
  g_ptr_array_add (written->acknowledged, version);
  g_clear_pointer (&written->attempted, json_object_put);
}

/* Creates a record under an id of the test's own, so that a record whose
 * creation the power interrupted can be looked for too. */
G_GNUC_PRINTF (3, 4)
static gboolean
create (Round      *round,
        Written    *written,
        const char *format,
        ...)
{
  g_autoptr(json_object) input = NULL;
  g_autoptr(json_object) record = NULL;
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  input = fixture_json (text);
  written->attempted = normalized (round, written->entity, input);
  json_object_object_add (input, "id", json_object_new_string (written->id));
  record = dh_store_create (round->store, written->entity, input, &round->error);

  return record != NULL;
}

static Written *
pick_household (Round *round)
{
  return g_ptr_array_index (round->households, g_rand_int_range (round->rand, 0, round->households->len));
}

static gboolean
create_household (Round    *round,
                  guint     n,
                  Written  *household)
{
  return create (round, household,
                 "{\"village\": \"%s\", \"head_name\": \"Nguyễn Văn Số %u\", \"notes\": \"hộ %u\"}",
                 round->villages[g_rand_int_range (round->rand, 0, 2)], n, n);
}

static gboolean
create_member (Round    *round,
               guint     n,
               Written  *household,
               Written  *member)
{
  return create (round, member,
                 "{\"household\": \"%s\", \"full_name\": \"Trần Thị Thành Viên %u\", \"relation\": \"child\"}",
                 household->id, n);
}

static gboolean
write_household (Round *round,
                 guint  n)
{
  Written *household = written_new (round, "household", 0);

  if (!create_household (round, n, household))
    return FALSE;

  acknowledge (household);
  g_ptr_array_add (round->households, household);
  return TRUE;
}

static gboolean
write_member (Round *round,
              guint  n)
{
  Written *member = written_new (round, "member", 0);

  if (!create_member (round, n, pick_household (round), member))
    return FALSE;

  acknowledge (member);
  return TRUE;
}

static gboolean
write_visit (Round *round,
             guint  n)
{
  Written *visit = written_new (round, "visit", 0);

  if (!create (round, visit, "{\"household\": \"%s\", \"visited_on\": \"2025-03-%02u\", \"notes\": \"thăm lần %u\"}",
               pick_household (round)->id, 1 + n % 28, n))
    return FALSE;

  acknowledge (visit);
  return TRUE;
}

static gboolean
write_notes (Round *round,
             guint  n)
{
  Written *household = pick_household (round);
  g_autofree char *notes = g_strdup_printf ("sửa lần %u", n);
  g_autoptr(json_object) changes = json_object_new_object ();
  g_autoptr(json_object) record = NULL;

  json_object_object_add (changes, "notes", json_object_new_string (notes));
  household->attempted = normalized (round, "household", changes);
  record = dh_store_update (round->store, "household", household->id, changes, &round->error);
  if (record == NULL)
    return FALSE;

  acknowledge (household);
  return TRUE;
}

/* A household and its members in one transaction: all land or none. */
static gboolean
write_batch (Round *round,
             guint  n)
{
  guint batch = ++round->n_batches;
  guint first = round->written->len;
  Written *household;
  gboolean ok;

  if (!dh_store_begin (round->store, &round->error))
    return FALSE;

  household = written_new (round, "household", batch);
  ok = create_household (round, n, household);
  for (guint i = g_rand_int_range (round->rand, 1, 4); ok && i > 0; i--)
    ok = create_member (round, n * 10 + i, household, written_new (round, "member", batch));
  if (!ok)
    {
      dh_store_rollback (round->store);
      return FALSE;
    }
  if (!dh_store_commit (round->store, &round->error))
    return FALSE;

  for (guint i = first; i < round->written->len; i++)
    acknowledge (g_ptr_array_index (round->written, i));
  g_ptr_array_add (round->households, household);
  return TRUE;
}

/* A change another device made, as a pull brings it. */
G_GNUC_PRINTF (3, 4)
static json_object *
remote_change (const char *entity,
               const char *id,
               const char *format,
               ...)
{
  guint64 ms = (guint64) (g_get_real_time () / 1000);
  g_autofree char *fields = NULL;
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  fields = g_strdup_vprintf (format, args);
  va_end (args);
  text = g_strdup_printf ("{\"e\": \"%s\", \"r\": \"%s\", \"u\": \"remote\", "
                          "\"k\": \"%016" G_GINT64_MODIFIER "x-aaaaaaaaaaaaaaaa\", \"f\": %s}",
                          entity, id, ms << 16, fields);

  return fixture_json (text);
}

/* The next page of a pull, applied with its cursor as the sync does:
 * households another device made, each with a member. */
static gboolean
write_pulled_page (Round *round,
                   guint  n)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autofree char *cursor = g_strdup_printf ("%u", round->pages->len + 1);
  DhApplyReport report;

  for (guint i = g_rand_int_range (round->rand, 1, 5); i > 0; i--)
    {
      g_autofree char *household = dh_uuid_new ();
      g_autofree char *member = dh_uuid_new ();

      g_ptr_array_add (page, remote_change ("household", household,
                                            "{\"village\": \"%s\", \"head_name\": \"Lò Văn Kéo %u\"}",
                                            round->villages[i % 2], n));
      g_ptr_array_add (page, remote_change ("member", member,
                                            "{\"household\": \"%s\", \"full_name\": \"Lò Thị Kéo %u\", "
                                            "\"relation\": \"child\"}", household, n));
    }
  g_ptr_array_add (round->pages, g_ptr_array_ref (page));
  if (!dh_store_apply_changes (round->store, page, cursor, &report, &round->error))
    return FALSE;

  g_assert_cmpuint (report.applied, ==, page->len);
  round->n_pages_landed = round->pages->len;
  return TRUE;
}

/* One write of the sort a caseworker makes, now and then a vacuum, and in
 * rounds with pulls, a pulled page. FALSE when it failed. */
static gboolean
write_something (Round *round,
                 guint  n)
{
  int dice = g_rand_int_range (round->rand, 0, 100);

  if (round->pulls && g_rand_int_range (round->rand, 0, 4) == 0)
    return write_pulled_page (round, n);

  if (round->households->len == 0 || dice < 35)
    return write_household (round, n);
  if (dice < 55)
    return write_member (round, n);
  if (dice < 70)
    return write_notes (round, n);
  if (dice < 82)
    return write_visit (round, n);
  if (dice < 98)
    return write_batch (round, n);

  return dh_store_vacuum (round->store, &round->error);
}

/* The check, through SQLite's own VFS */

/* Whether RECORD holds FIELDS, with OVER written over them if not NULL. */
static gboolean
holds (json_object *record,
       json_object *fields,
       json_object *over)
{
  {
    json_object_object_foreach (fields, key, value)
      {
        if (over != NULL && json_object_object_get_ex (over, key, NULL))
          continue;
        if (!dh_json_equal (json_object_object_get (record, key), value))
          return FALSE;
      }
  }

  if (over != NULL)
    {
      json_object_object_foreach (over, key, value)
        {
          if (!dh_json_equal (json_object_object_get (record, key), value))
            return FALSE;
        }
    }

  return TRUE;
}

static void
check_whole (const char *path,
             Verdict    *verdict)
{
  static const char * const checks[] = { "PRAGMA integrity_check", "PRAGMA foreign_key_check" };
  sqlite3 *db = NULL;

  verdict->whole = TRUE;
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      verdict->whole = FALSE;
      add_problem (verdict, "SQLite cannot open the store: %s", sqlite3_errmsg (db));
      sqlite3_close (db);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      sqlite3_stmt *stmt = NULL;
      int rc;

      g_assert_cmpint (sqlite3_prepare_v2 (db, checks[i], -1, &stmt, NULL), ==, SQLITE_OK);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, 0);

          if (g_strcmp0 (text, "ok") != 0)
            {
              verdict->whole = FALSE;
              add_problem (verdict, "%s: %s", checks[i], text);
            }
        }
      if (rc != SQLITE_DONE)
        {
          verdict->whole = FALSE;
          add_problem (verdict, "%s: %s", checks[i], sqlite3_errmsg (db));
        }
      sqlite3_finalize (stmt);
    }

  sqlite3_close (db);
}

/* Whether RECORD holds what the write the power interrupted would have made it. */
static gboolean
holds_attempt (json_object   *record,
               const Written *written)
{
  GPtrArray *versions = written->acknowledged;

  if (written->attempted == NULL)
    return FALSE;
  if (versions->len == 0)
    return holds (record, written->attempted, NULL);

  return holds (record, g_ptr_array_index (versions, versions->len - 1), written->attempted);
}

/* How many acknowledged writes made the version RECORD holds: 0, none of them. */
static guint
newest_version_held (json_object *record,
                     GPtrArray   *versions)
{
  for (guint v = versions->len; v > 0; v--)
    {
      if (holds (record, g_ptr_array_index (versions, v - 1), NULL))
        return v;
    }

  return 0;
}

/* Every acknowledged write is there, and nothing that was never written. */
static void
check_written (Round   *round,
               DhStore *store,
               Verdict *verdict)
{
  g_autofree guint *n_landed = g_new0 (guint, round->n_batches + 1);
  g_autofree guint *n_written = g_new0 (guint, round->n_batches + 1);

  for (guint i = 0; i < round->written->len; i++)
    {
      Written *written = g_ptr_array_index (round->written, i);
      GPtrArray *versions = written->acknowledged;
      g_autoptr(GError) error = NULL;
      g_autoptr(json_object) record = dh_store_get (store, written->entity, written->id, &error);
      guint n_lost = versions->len;

      if (error != NULL && !g_error_matches (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND))
        {
          verdict->n_errors++;
          add_problem (verdict, "%s %s cannot be read: %s", written->entity, written->id, error->message);
        }

      n_written[written->batch]++;
      if (record != NULL)
        n_landed[written->batch]++;

      verdict->n_acknowledged += versions->len;
      if (record != NULL && holds_attempt (record, written))
        n_lost = 0;
      else if (record != NULL)
        {
          guint held = newest_version_held (record, versions);

          if (versions->len == 0)
            {
              verdict->n_phantoms++;
              add_problem (verdict, "%s %s holds what was never written: %s", written->entity, written->id,
                           json_object_to_json_string (record));
            }
          n_lost = versions->len - held;
        }

      if (n_lost > 0)
        {
          verdict->n_lost += n_lost;
          add_problem (verdict, "%s %s lost %u of its %u acknowledged writes: %s", written->entity, written->id,
                       n_lost, versions->len, record != NULL ? json_object_to_json_string (record) : "it is missing");
        }
    }

  for (guint batch = 1; batch <= round->n_batches; batch++)
    {
      if (n_landed[batch] != 0 && n_landed[batch] != n_written[batch])
        {
          verdict->n_torn_batches++;
          add_problem (verdict, "%u of the %u records written in one transaction landed",
                       n_landed[batch], n_written[batch]);
        }
    }
}

static gboolean
is_pulled (Round      *round,
           const char *id)
{
  for (guint p = 0; p < round->pages->len; p++)
    {
      GPtrArray *page = g_ptr_array_index (round->pages, p);

      for (guint i = 0; i < page->len; i++)
        {
          if (g_strcmp0 (dh_json_get_string (g_ptr_array_index (page, i), "r"), id) == 0)
            return TRUE;
        }
    }

  return FALSE;
}

/* The pulled pages are there up to the cursor the store kept, each whole,
 * and none after it: a page lost goes with its cursor. The pull then goes
 * on from that cursor, and every page lands. */
static void
check_pulled (Round   *round,
              DhStore *store,
              Verdict *verdict)
{
  g_autofree char *cursor = dh_store_get_meta (store, "pull_cursor");
  guint kept = cursor != NULL ? (guint) g_ascii_strtoull (cursor, NULL, 10) : 0;

  verdict->n_pages_landed = round->n_pages_landed;
  if (kept > round->pages->len || (cursor != NULL && kept == 0))
    {
      verdict->n_pages_wrong++;
      add_problem (verdict, "the store's cursor is “%s”, of %u pages", cursor, round->pages->len);
      return;
    }
  if (kept < round->n_pages_landed)
    verdict->n_pages_lost = round->n_pages_landed - kept;

  for (guint p = 0; p < round->pages->len; p++)
    {
      GPtrArray *page = g_ptr_array_index (round->pages, p);
      guint there = 0;

      for (guint i = 0; i < page->len; i++)
        {
          json_object *wire = g_ptr_array_index (page, i);
          g_autoptr(json_object) record = dh_store_get (store, dh_json_get_string (wire, "e"),
                                                        dh_json_get_string (wire, "r"), NULL);

          there += record != NULL;
        }
      if (there != (p < kept ? page->len : 0))
        {
          verdict->n_pages_wrong++;
          add_problem (verdict, "%u of the %u records of pulled page %u are there, and the cursor is %u",
                       there, page->len, p + 1, kept);
        }
    }

  for (guint p = kept; p < round->pages->len; p++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *next = g_strdup_printf ("%u", p + 1);
      DhApplyReport report;

      if (!dh_store_apply_changes (store, g_ptr_array_index (round->pages, p), next, &report, &error))
        {
          verdict->n_errors++;
          add_problem (verdict, "pulled page %u does not land again: %s", p + 1, error->message);
          return;
        }
      if (report.applied != ((GPtrArray *) g_ptr_array_index (round->pages, p))->len)
        {
          verdict->n_pages_wrong++;
          add_problem (verdict, "of pulled page %u, pulled again, %u records landed", p + 1, report.applied);
        }
    }
}

/* Every record is what its pending changes make it, so that the sync sends
 * it whole; and no change waits for a record that is not there. */
static void
check_pending_changes (Round   *round,
                       DhStore *store,
                       Verdict *verdict)
{
  static const char * const entities[] = { "admin_unit", "household", "member", "visit" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = dh_store_get_pending_changes (store, 0, &error);
  g_autoptr(GHashTable) made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) json_object_put);

  if (changes == NULL)
    {
      verdict->n_unqueued++;
      add_problem (verdict, "the pending changes cannot be read: %s", error->message);
      return;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      json_object *change = g_ptr_array_index (changes, i);
      const char *record_id = dh_json_get_string (change, "r");
      g_autoptr(json_object) values = fixture_change_values (change);
      json_object *fields = g_hash_table_lookup (made, record_id);

      if (fields == NULL)
        {
          fields = json_object_new_object ();
          g_hash_table_insert (made, g_strdup (record_id), fields);
        }

      {
        json_object_object_foreach (values, key, value)
          json_object_object_add (fields, key, value != NULL ? json_object_get (value) : NULL);
      }
    }

  for (guint e = 0; e < G_N_ELEMENTS (entities); e++)
    {
      DhQuery query = { .entity = entities[e], .limit = DH_STORE_MAX_LIMIT, .include_deleted = TRUE };
      g_autoptr(GPtrArray) rows = dh_store_list (store, &query, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < rows->len; i++)
        {
          json_object *row = g_ptr_array_index (rows, i);
          const char *id = dh_json_get_string (row, "id");
          json_object *fields = g_hash_table_lookup (made, id);

          /* a pulled record has nothing to send */
          if (fields == NULL && is_pulled (round, id))
            continue;
          if (fields == NULL || !holds (row, fields, NULL))
            {
              verdict->n_unqueued++;
              add_problem (verdict, "%s %s is not what its pending changes make: %s", entities[e], id,
                           fields != NULL ? json_object_to_json_string (fields) : "it has none");
            }
          g_hash_table_remove (made, id);
        }
    }

  if (g_hash_table_size (made) > 0)
    {
      verdict->n_unqueued += g_hash_table_size (made);
      add_problem (verdict, "changes wait to be sent for %u records that are not there", g_hash_table_size (made));
    }
}

static void
check (Round      *round,
       const char *path,
       Verdict    *verdict)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;

  check_whole (path, verdict);

  store = dh_store_open (path, &error);
  if (store == NULL)
    {
      verdict->n_errors++;
      add_problem (verdict, "the store does not open: %s", error->message);
      return;
    }

  check_written (round, store, verdict);
  check_pending_changes (round, store, verdict);
  check_pulled (round, store, verdict);
}

/* The rounds */

typedef struct
{
  gboolean synchronous_normal;   /* turned down after the store set FULL */
  gboolean pulls;                /* pulled pages among the writes */
  gboolean disk_may_keep_writes; /* in half the rounds, POWER_LOSS_KEEP_SOME */
  guint    rounds;
  gboolean (*acceptable) (const Verdict *verdict);
} Conditions;

/* What the power failures of one test came to. */
typedef struct
{
  guint       n_rounds;
  guint       n_acknowledged;
  guint       n_lost;
  guint       n_rounds_with_loss;
  guint       n_writes_dropped;
  guint       n_writes_torn;
  guint       n_pages_landed;
  guint       n_pages_lost;
  guint       n_rounds_losing_pages;
  GHashTable *cut_during;   /* "at a sync of the wal" -> number of rounds */
} Totals;

static void
remember_place (Round      *round,
                const char *id)
{
  Written *place = g_new0 (Written, 1);
  g_autoptr(GError) error = NULL;
  json_object *record = dh_store_get (round->store, "admin_unit", id, &error);

  g_assert_no_error (error);
  place->entity = "admin_unit";
  place->id = g_strdup (id);
  place->acknowledged = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_ptr_array_add (place->acknowledged, record);
  g_ptr_array_add (round->written, place);
}

static void
run_round (guint32           seed,
           const Conditions *conditions,
           Verdict          *verdict,
           PowerLossOutcome *outcome)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  StoreFixture fixture = { 0 };
  Round round = { 0 };
  PowerLossDisk disk = POWER_LOSS_DROP_UNSYNCED;
  guint n = 0;

  if (conditions->disk_may_keep_writes && g_rand_boolean (rand))
    disk = POWER_LOSS_KEEP_SOME;

  power_loss_vfs_install ();
  store_fixture_set_up (&fixture, NULL);

  round.rand = rand;
  round.store = fixture.store;
  round.villages[0] = fixture.village;
  round.villages[1] = fixture.other_village;
  dh_validator_init (&round.validator);
  round.written = g_ptr_array_new_with_free_func ((GDestroyNotify) written_free);
  round.households = g_ptr_array_new ();
  round.pulls = conditions->pulls;
  round.pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  remember_place (&round, fixture.province);
  remember_place (&round, fixture.commune);
  remember_place (&round, fixture.village);
  remember_place (&round, fixture.other_village);

  if (conditions->synchronous_normal)
    g_assert_cmpint (sqlite3_exec (fixture.store->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL), ==, SQLITE_OK);
  /* in half the rounds the log is folded into the database every few
   * pages, so that the power fails in checkpoints too; by the commits
   * themselves, as SQLite does, not by the store's own thread
   * (test-checkpoint.c), so that a round replays call for call */
  sqlite3_wal_autocheckpoint (fixture.store->db, g_rand_boolean (rand) ? g_rand_int_range (rand, 4, 64) : 1000);

  power_loss_vfs_cut_at_call (g_rand_int_range (rand, 1, MAX_CALLS + 1));
  while (n < MAX_WRITES && write_something (&round, n))
    n++;
  if (n < MAX_WRITES && !power_loss_vfs_is_cut ())
    {
      verdict->n_errors++;
      add_problem (verdict, "write %u failed with the power on: %s", n, round.error->message);
    }
  power_loss_vfs_cut ();

  g_clear_object (&fixture.store);
  power_loss_vfs_uninstall ();
  power_loss_vfs_restart (disk, rand, outcome);

  check (&round, fixture.path, verdict);

  g_clear_error (&round.error);
  g_ptr_array_unref (round.households);
  g_ptr_array_unref (round.written);
  g_ptr_array_unref (round.pages);
  store_fixture_tear_down (&fixture, NULL);
}

static void
totals_add (Totals                 *totals,
            const Verdict          *verdict,
            const PowerLossOutcome *outcome)
{
  guint n_cuts = GPOINTER_TO_UINT (g_hash_table_lookup (totals->cut_during, outcome->cut_during));

  totals->n_rounds++;
  totals->n_acknowledged += verdict->n_acknowledged;
  totals->n_lost += verdict->n_lost;
  totals->n_rounds_with_loss += verdict->n_lost > 0;
  totals->n_writes_dropped += outcome->n_writes_lost;
  totals->n_writes_torn += outcome->n_writes_torn;
  totals->n_pages_landed += verdict->n_pages_landed;
  totals->n_pages_lost += verdict->n_pages_lost;
  totals->n_rounds_losing_pages += verdict->n_pages_lost > 0;
  g_hash_table_insert (totals->cut_during, (gpointer) outcome->cut_during, GUINT_TO_POINTER (n_cuts + 1));
}

static guint
totals_count_cuts (const Totals *totals,
                   const char   *during)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (totals->cut_during, during));
}

static void
totals_report (const Totals *totals,
               const char   *what)
{
  g_autoptr(GString) where = g_string_new (NULL);
  g_autoptr(GList) cuts = g_list_sort (g_hash_table_get_keys (totals->cut_during), (GCompareFunc) g_strcmp0);

  for (GList *l = cuts; l != NULL; l = l->next)
    g_string_append_printf (where, "%s%u %s", where->len > 0 ? ", " : "", totals_count_cuts (totals, l->data),
                            (const char *) l->data);

  g_test_message ("%s: %u power failures (%s), %u unsynced writes dropped, %u torn; "
                  "%u acknowledged writes, of which %u lost (in %u rounds)",
                  what, totals->n_rounds, where->str, totals->n_writes_dropped, totals->n_writes_torn,
                  totals->n_acknowledged, totals->n_lost, totals->n_rounds_with_loss);
}

static void
fail_round (guint32                 seed,
            guint                   round,
            const Verdict          *verdict,
            const PowerLossOutcome *outcome)
{
  g_test_fail_printf ("round %u: the power failed %s after %" G_GUINT64_FORMAT " calls; "
                      "%u of %u acknowledged writes lost, %u records never written, %u transactions torn, "
                      "%u records unlike their pending changes, %u errors, the store %s:%s\n"
                      "replay it with DONGHANH_POWER_LOSS_SEED=%u DONGHANH_POWER_LOSS_ROUNDS=1 test-power-loss -p %s",
                      round, outcome->cut_during, outcome->n_calls,
                      verdict->n_lost, verdict->n_acknowledged, verdict->n_phantoms, verdict->n_torn_batches,
                      verdict->n_unqueued, verdict->n_errors, verdict->whole ? "whole" : "damaged",
                      verdict->problems->str, seed, g_test_get_path ());
}

/* Runs the rounds until one is not acceptable. */
static void
run_rounds (const Conditions *conditions,
            Totals           *totals)
{
  guint32 seed = first_seed ();
  guint rounds = env_uint ("DONGHANH_POWER_LOSS_ROUNDS", conditions->rounds);

  totals->cut_during = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint r = 0; r < rounds; r++)
    {
      Verdict verdict = { .problems = g_string_new (NULL) };
      PowerLossOutcome outcome;
      gboolean acceptable;

      run_round (seed + r, conditions, &verdict, &outcome);
      totals_add (totals, &verdict, &outcome);
      acceptable = conditions->acceptable (&verdict);
      if (!acceptable)
        fail_round (seed + r, r, &verdict, &outcome);
      g_string_free (verdict.problems, TRUE);
      if (!acceptable)
        break;
    }
}

static void
test_synchronous_full_keeps_acknowledged_writes (void)
{
  const Conditions conditions = {
    .synchronous_normal = FALSE,
    .disk_may_keep_writes = TRUE,
    .rounds = ROUNDS,
    .acceptable = verdict_is_clean,
  };
  Totals totals = { 0 };

  run_rounds (&conditions, &totals);
  totals_report (&totals, "synchronous=FULL");

  /* a whole run, not the replay of one round, has written, and has cut
   * the power as a commit synced its log and in checkpoints */
  if (totals.n_rounds >= ROUNDS)
    {
      g_assert_cmpuint (totals.n_acknowledged, >, 10 * totals.n_rounds);
      g_assert_cmpuint (totals.n_writes_dropped, >, totals.n_rounds);
      g_assert_cmpuint (totals_count_cuts (&totals, "at a sync of the wal"), >, 0);
      g_assert_cmpuint (totals_count_cuts (&totals, "at a write to the database"), >, 0);
    }
  g_hash_table_unref (totals.cut_during);
}

/* The check above does catch lost writes: without a sync at each commit,
 * the write-ahead log loses what the store acknowledged, though the store
 * stays whole. */
static void
test_synchronous_normal_loses_acknowledged_writes (void)
{
  const Conditions conditions = {
    .synchronous_normal = TRUE,
    .disk_may_keep_writes = FALSE,
    .rounds = NORMAL_ROUNDS,
    .acceptable = verdict_is_consistent,
  };
  Totals totals = { 0 };

  run_rounds (&conditions, &totals);
  totals_report (&totals, "synchronous=NORMAL");

  if (totals.n_rounds >= NORMAL_ROUNDS)
    {
      g_assert_cmpuint (totals.n_lost, >, 0);
      g_assert_cmpuint (totals.n_rounds_with_loss, >=, totals.n_rounds / 5);
    }
  g_hash_table_unref (totals.cut_during);
}

/* A pulled page's commit does not wait for the disk: a power failure may
 * lose the last pages that landed, with the cursor that lands with them,
 * so that the sync brings them again; never one before a write of the
 * caseworker's, which waits for the disk and for everything before it. */
static void
test_pulled_pages_are_lost_only_with_their_cursor (void)
{
  const Conditions conditions = {
    .pulls = TRUE,
    .disk_may_keep_writes = TRUE,
    .rounds = PULL_ROUNDS,
    .acceptable = verdict_is_clean,
  };
  Totals totals = { 0 };

  run_rounds (&conditions, &totals);
  totals_report (&totals, "pulled pages among the writes");
  g_test_message ("%u pulled pages landed, of which %u were lost with their cursor (in %u rounds)",
                  totals.n_pages_landed, totals.n_pages_lost, totals.n_rounds_losing_pages);

  if (totals.n_rounds >= PULL_ROUNDS)
    {
      g_assert_cmpuint (totals.n_pages_landed, >, totals.n_rounds);
      /* the check sees what an unsynced commit risks: it did not wait */
      g_assert_cmpuint (totals.n_rounds_losing_pages, >, 0);
    }
  g_hash_table_unref (totals.cut_during);
}

/* The first opening of a store creates its tables, in a rollback journal
 * (the switch to WAL) and then in the write-ahead log. */
static void
run_creation_round (guint32           seed,
                    guint64           n_calls,
                    Verdict          *verdict,
                    PowerLossOutcome *outcome)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) fields = fixture_json ("{\"code\": \"99\", \"kind\": \"province\", \"name\": \"Tỉnh Thử\"}");
  g_autoptr(json_object) other = fixture_json ("{\"code\": \"98\", \"kind\": \"province\", \"name\": \"Tỉnh Khác\"}");
  g_autoptr(json_object) province = NULL;
  g_autoptr(json_object) found = NULL;
  g_autoptr(json_object) another = NULL;
  StoreFixture fixture = { .dir = g_dir_make_tmp ("donghanh-test-XXXXXX", &error) };
  PowerLossDisk disk = g_rand_boolean (rand) ? POWER_LOSS_KEEP_SOME : POWER_LOSS_DROP_UNSYNCED;
  int newest = dh_store_migrations[dh_store_n_migrations - 1].version;
  /* half the rounds cut the power in the first few calls, where the new
   * file switches to WAL through a rollback journal; the others anywhere,
   * one in ten of them once the first record is acknowledged */
  guint64 last_call = g_rand_boolean (rand) ? MIN (n_calls, FIRST_CALLS) : n_calls + n_calls / 9;

  g_assert_no_error (error);
  fixture.path = g_build_filename (fixture.dir, "store.db", NULL);

  power_loss_vfs_install ();
  power_loss_vfs_cut_at_call (g_rand_int_range (rand, 1, last_call + 1));
  fixture.store = dh_store_open (fixture.path, NULL);
  if (fixture.store != NULL)
    province = dh_store_create (fixture.store, "admin_unit", fields, NULL);
  power_loss_vfs_cut ();
  g_clear_object (&fixture.store);
  power_loss_vfs_uninstall ();
  power_loss_vfs_restart (disk, rand, outcome);

  check_whole (fixture.path, verdict);
  fixture.store = dh_store_open (fixture.path, &error);
  if (fixture.store == NULL)
    {
      verdict->n_errors++;
      add_problem (verdict, "the store does not open: %s", error->message);
      store_fixture_tear_down (&fixture, NULL);
      return;
    }

  if (dh_store_get_schema_version (fixture.store) != newest)
    {
      verdict->n_errors++;
      add_problem (verdict, "its schema is version %d, not %d", dh_store_get_schema_version (fixture.store), newest);
    }

  if (province != NULL)
    {
      verdict->n_acknowledged++;
      found = dh_store_get (fixture.store, "admin_unit", dh_json_get_string (province, "id"), NULL);
      if (found == NULL)
        {
          verdict->n_lost++;
          add_problem (verdict, "the acknowledged province is missing");
        }
    }

  another = dh_store_create (fixture.store, "admin_unit", other, &error);
  if (another == NULL)
    {
      verdict->n_errors++;
      add_problem (verdict, "the store takes no write: %s", error->message);
    }

  store_fixture_tear_down (&fixture, NULL);
}

/* How many writes, truncations and syncs creating a store and its first
 * record take. */
static guint64
count_calls_to_create_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) fields = fixture_json ("{\"code\": \"99\", \"kind\": \"province\", \"name\": \"Tỉnh Thử\"}");
  g_autoptr(json_object) province = NULL;
  StoreFixture fixture = { .dir = g_dir_make_tmp ("donghanh-test-XXXXXX", &error) };
  PowerLossOutcome outcome;
  guint64 n_calls;

  g_assert_no_error (error);
  fixture.path = g_build_filename (fixture.dir, "store.db", NULL);
  power_loss_vfs_install ();
  fixture.store = dh_store_open (fixture.path, &error);
  g_assert_no_error (error);
  province = dh_store_create (fixture.store, "admin_unit", fields, &error);
  g_assert_no_error (error);
  n_calls = power_loss_vfs_get_n_calls ();

  g_clear_object (&fixture.store);
  power_loss_vfs_uninstall ();
  power_loss_vfs_restart (POWER_LOSS_DROP_UNSYNCED, NULL, &outcome);
  store_fixture_tear_down (&fixture, NULL);

  return n_calls;
}

/* A store whose creation the power interrupts opens whole the next time,
 * with the newest schema, and takes writes. */
static void
test_store_created_as_power_fails_opens_whole (void)
{
  guint32 seed = first_seed ();
  guint rounds = env_uint ("DONGHANH_POWER_LOSS_ROUNDS", CREATE_ROUNDS);
  guint64 n_calls = count_calls_to_create_store ();
  Totals totals = { .cut_during = g_hash_table_new (g_str_hash, g_str_equal) };

  for (guint r = 0; r < rounds; r++)
    {
      Verdict verdict = { .problems = g_string_new (NULL) };
      PowerLossOutcome outcome;
      gboolean clean;

      run_creation_round (seed + r, n_calls, &verdict, &outcome);
      totals_add (&totals, &verdict, &outcome);
      clean = verdict_is_clean (&verdict);
      if (!clean)
        fail_round (seed + r, r, &verdict, &outcome);
      g_string_free (verdict.problems, TRUE);
      if (!clean)
        break;
    }

  totals_report (&totals, "creating a store");
  if (totals.n_rounds >= CREATE_ROUNDS)
    g_assert_cmpuint (totals_count_cuts (&totals, "at a write to the journal"), >, 0);
  g_hash_table_unref (totals.cut_during);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/power-loss/vfs-loses-what-was-not-synced", test_vfs_loses_what_was_not_synced);
  g_test_add_func ("/store/power-loss/vfs-cuts-the-power-at-the-chosen-call", test_vfs_cuts_the_power_at_the_chosen_call);
  g_test_add_func ("/store/power-loss/vfs-may-keep-some-unsynced-writes", test_vfs_may_keep_some_unsynced_writes);
  g_test_add_func ("/store/power-loss/synchronous-full-keeps-acknowledged-writes",
                   test_synchronous_full_keeps_acknowledged_writes);
  g_test_add_func ("/store/power-loss/synchronous-normal-loses-acknowledged-writes",
                   test_synchronous_normal_loses_acknowledged_writes);
  g_test_add_func ("/store/power-loss/pulled-pages-are-lost-only-with-their-cursor",
                   test_pulled_pages_are_lost_only_with_their_cursor);
  g_test_add_func ("/store/power-loss/store-created-as-power-fails-opens-whole",
                   test_store_created_as_power_fails_opens_whole);

  return g_test_run ();
}
