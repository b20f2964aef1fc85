/* test-sync.c – the device's sync engine and the CLI against the real donghanh-server, over real TLS on loopback */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <sys/stat.h>
#include <json-c/json.h>
#include <sqlite3.h>

#include "dh-autocleanups.h"
#include "dh-sync-engine.h"
#include "dh-thread.h"
#include "dh-wire.h"
#include "../server/server-fixture.h"
#include "fake-monitor.h"
#include "store-state.h"
#include "sync-proxy.h"
#include "../test-threads.h"

#define PASSWORD "mật khẩu của Lan 2026"
/* a pin of another key: the right length, the wrong bytes */
#define WRONG_PIN "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

static PgCluster cluster;
static GSubprocess *serving;
static char *base_url;
static guint16 server_port;
static char *cert_file;
static char *key_file;
static char *work_dir;
static guint n_stores;
static GThread *main_thread;

/* Helpers */

/* The engine is finalized once its last sync has let go of it: the worker
 * thread drops its reference to the task a moment after the result is
 * back on this thread. */
static void
assert_engine_finalized (DhSyncEngine *engine)
{
  gpointer weak = engine;

  g_object_add_weak_pointer (G_OBJECT (engine), &weak);
  g_object_unref (engine);
  for (guint i = 0; weak != NULL && i < 100000; i++)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_null (weak);
}

static const char *
get_string (json_object *object,
            const char  *key)
{
  json_object *value = NULL;

  if (object == NULL || !json_object_object_get_ex (object, key, &value) || value == NULL)
    return NULL;
  return json_object_get_string (value);
}

static DhStore *
store_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("device-%u.db", n_stores++);
  g_autofree char *path = g_build_filename (work_dir, name, NULL);
  DhStore *store = dh_store_open_full (path, DH_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  return store;
}

/* A new store on a device where USERNAME signed in, through URL (the
 * server's unless given). */
static DhStore *
device_new_at (const char *username,
               const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) me = NULL;
  DhStore *store = store_new ();

  me = dh_sync_sign_in (store, url != NULL ? url : base_url, cert_file, NULL, username, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (get_string (me, "username"), ==, username);
  g_assert_cmpstr (dh_store_get_user (store), ==, username);
  return store;
}

static DhStore *
device_new (const char *username)
{
  return device_new_at (username, NULL);
}

typedef struct
{
  gboolean      done;
  gboolean      ok;
  DhSyncReport *report;
  GError      **error;
} SyncWait;

static void
synced_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SyncWait *wait = user_data;

  g_assert_true (g_thread_self () == main_thread);
  wait->ok = dh_sync_engine_sync_finish (DH_SYNC_ENGINE (source), result, wait->report, wait->error);
  wait->done = TRUE;
}

/* One sync by the engine, waited for on this thread's main context. */
static gboolean
engine_sync (DhSyncEngine *engine,
             GCancellable *cancellable,
             DhSyncReport *report,
             GError      **error)
{
  SyncWait wait = { FALSE, FALSE, report, error };

  dh_sync_engine_sync_async (engine, cancellable, synced_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  return wait.ok;
}

static gboolean
store_sync (DhStore      *store,
            DhSyncReport *report,
            GError      **error)
{
  g_autoptr(DhSyncEngine) engine = dh_sync_engine_new (store);
  gboolean ok = engine_sync (engine, NULL, report, error);

  assert_engine_finalized (g_steal_pointer (&engine));
  return ok;
}

/* A sync that must succeed. */
static void
store_sync_ok (DhStore *store)
{
  g_auto(DhSyncReport) report = { 0 };
  g_autoptr(GError) error = NULL;

  store_sync (store, &report, &error);
  g_assert_no_error (error);
}

static char *
first_village (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  DhQuery query = { .entity = "village", .sort = DH_SORT_FULL_NAME };
  g_autoptr(GPtrArray) villages = dh_store_list (store, &query, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (villages->len, >, 0);
  return g_strdup (get_string (g_ptr_array_index (villages, 0), "id"));
}

static char *
add_household (DhStore    *store,
               const char *village,
               const char *head_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) fields = json_object_new_object ();
  g_autoptr(json_object) record = NULL;

  json_object_object_add (fields, "village", json_object_new_string (village));
  json_object_object_add (fields, "head_name", json_object_new_string (head_name));
  record = dh_store_create (store, "household", fields, &error);
  g_assert_no_error (error);
  return g_strdup (get_string (record, "id"));
}

/* A household in the commune's first village. */
static char *
add_household_here (DhStore    *store,
                    const char *head_name)
{
  g_autofree char *village = first_village (store);

  return add_household (store, village, head_name);
}

static void
set_field (DhStore    *store,
           const char *entity,
           const char *id,
           const char *field,
           const char *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) changes = json_object_new_object ();
  g_autoptr(json_object) record = NULL;

  json_object_object_add (changes, field, json_object_new_string (value));
  record = dh_store_update (store, entity, id, changes, &error);
  g_assert_no_error (error);
}

static guint
count_records (DhStore    *store,
               const char *entity,
               const char *field_equals)
{
  g_autoptr(GError) error = NULL;
  const char *filters[] = { field_equals, NULL };
  DhQuery query = { .entity = entity, .filters = field_equals != NULL ? filters : NULL, .limit = DH_STORE_MAX_LIMIT };
  gint64 count = dh_store_count (store, &query, &error);

  g_assert_no_error (error);
  return (guint) count;
}

static gint64
pending (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 count = dh_store_count_pending_changes (store, &error);

  g_assert_no_error (error);
  return count;
}

/* Whether the server ever recorded a sign-in of DEVICE. */
static gboolean
server_knows_device (const char *device)
{
  ServerRun run = { 0 };
  gboolean known;

  g_assert_cmpint (server_run (&run, &cluster, NULL, "list-devices"), ==, 0);
  known = strstr (run.out, device) != NULL;
  server_run_clear (&run);
  return known;
}

/* Runs donghanh-cli on STORE with INPUT on stdin; keeps its output. */
static int
cli_run (const char          *store_path,
         const char          *input,
         char               **out,
         char               **err,
         const char * const  *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("DONGHANH_CLI"));
  g_ptr_array_add (argv, (gpointer) "--store");
  g_ptr_array_add (argv, (gpointer) store_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

#define cli(store, input, out, err, ...) \
  cli_run ((store), (input), (out), (err), (const char * const []) { __VA_ARGS__, NULL })

static void
wait_for_state (DhSyncEngine *engine,
                DhSyncState   state)
{
  while (dh_sync_engine_get_state (engine) != state)
    g_main_context_iteration (NULL, TRUE);
}

/* Tests */

typedef struct
{
  guint      notified;
  gboolean   off_thread;
  GPtrArray *states;
} StateWatch;

static void
state_changed_cb (DhSyncEngine *engine,
                  GParamSpec   *pspec,
                  StateWatch   *watch)
{
  watch->notified++;
  watch->off_thread = watch->off_thread || g_thread_self () != main_thread;
  g_ptr_array_add (watch->states, GINT_TO_POINTER (dh_sync_engine_get_state (engine)));
}

static void
progress_changed_cb (DhSyncEngine *engine,
                     GParamSpec   *pspec,
                     GArray       *seen)
{
  double progress = dh_sync_engine_get_progress (engine);

  g_array_append_val (seen, progress);
}

static void
test_first_sync_brings_the_places (void)
{
  g_autoptr(DhStore) store = device_new ("lan.hoang");
  g_autoptr(DhSyncEngine) engine = dh_sync_engine_new (store);
  g_auto(DhSyncReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) states = g_ptr_array_new ();
  StateWatch watch = { 0, FALSE, states };
  DhQuery communes = { .entity = "commune" };
  g_autoptr(GPtrArray) commune = NULL;
  g_autoptr(GArray) progress = g_array_new (FALSE, FALSE, sizeof (double));

  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_IDLE);
  g_assert_null (dh_sync_engine_get_last_sync (engine));
  g_signal_connect (engine, "notify::state", G_CALLBACK (state_changed_cb), &watch);
  g_signal_connect (engine, "notify::progress", G_CALLBACK (progress_changed_cb), progress);

  g_assert_true (engine_sync (engine, NULL, &report, &error));
  g_assert_no_error (error);

  /* the province, the commune and its five villages, and nothing of the other commune */
  g_assert_cmpuint (count_records (store, "province", NULL), ==, 1);
  g_assert_cmpuint (count_records (store, "commune", NULL), ==, 1);
  g_assert_cmpuint (count_records (store, "village", NULL), ==, 5);
  commune = dh_store_list (store, &communes, &error);
  g_assert_cmpstr (get_string (g_ptr_array_index (commune, 0), "name"), ==, "Xã Minh Tiến (demo)");
  g_assert_cmpuint (report.received, ==, 7);
  g_assert_cmpuint (report.pushed, ==, 0);
  /* the first sync ended: what it left for its end is written */
  {
    g_autofree char *incomplete = dh_store_get_meta (store, "search_incomplete");

    g_assert_true (incomplete == NULL || *incomplete == '\0');
  }

  /* syncing, then up to date, told on this thread */
  g_assert_false (watch.off_thread);
  g_assert_cmpuint (states->len, ==, 2);
  g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (states, 0)), ==, DH_SYNC_STATE_SYNCING);
  g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (states, 1)), ==, DH_SYNC_STATE_UP_TO_DATE);
  g_assert_nonnull (dh_sync_engine_get_last_sync (engine));
  g_assert_null (dh_sync_engine_get_last_error (engine));
  g_assert_cmpfloat (dh_sync_engine_get_progress (engine), ==, 1.0);
  /* nothing to push: the pull has the whole bar, by the records the
   * server counted; all 7 received in one page take it to 99 %, and the
   * sync's end to the end */
  g_assert_cmpuint (progress->len, >=, 2);
  for (guint i = 1; i < progress->len; i++)
    g_assert_cmpfloat (g_array_index (progress, double, i), >=, g_array_index (progress, double, i - 1));
  g_assert_cmpfloat_with_epsilon (g_array_index (progress, double, progress->len - 2), 0.99, 1e-9);
  g_assert_cmpfloat (g_array_index (progress, double, progress->len - 1), ==, 1.0);
  /* the server and this test share a clock */
  g_assert_true (report.clock_known);
  g_assert_false (dh_sync_engine_get_clock_is_wrong (engine));

  g_signal_handlers_disconnect_by_data (engine, &watch);

  /* an edit made since: the engine is told, and waits with one change */
  g_free (add_household_here (store, "Hộ mới sau đồng bộ"));
  dh_sync_engine_refresh (engine);
  g_assert_cmpint (dh_sync_engine_get_pending (engine), ==, 1);
  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_IDLE);
  assert_engine_finalized (g_steal_pointer (&engine));
}

/* A device whose clock is wrong learns so from the server's "now". */
static gint64 skewed_by_ms;

static gint64
skewed_clock (gpointer user_data)
{
  return g_get_real_time () / 1000 + skewed_by_ms;
}

static void
test_clock_offset_is_kept_and_warned (void)
{
  g_autoptr(DhStore) store = device_new ("lan.hoang");
  g_autoptr(DhSyncEngine) engine = NULL;
  g_auto(DhSyncReport) report = { 0 };
  g_autoptr(GError) error = NULL;

  skewed_by_ms = -(gint64) 2 * 3600 * 1000;   /* two hours behind */
  dh_store_set_wall_clock (store, skewed_clock, NULL);
  engine = dh_sync_engine_new (store);
  g_assert_true (engine_sync (engine, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dh_sync_engine_get_clock_offset (engine), >, 2 * 3600 * 1000 - 60 * 1000);
  g_assert_cmpint (dh_sync_engine_get_clock_offset (engine), <, 2 * 3600 * 1000 + 60 * 1000);
  g_assert_true (dh_sync_engine_get_clock_is_wrong (engine));
  dh_store_set_wall_clock (store, NULL, NULL);
  assert_engine_finalized (g_steal_pointer (&engine));

  /* the next engine of the store knows it without asking */
  engine = dh_sync_engine_new (store);
  g_assert_true (dh_sync_engine_get_clock_is_wrong (engine));
  assert_engine_finalized (g_steal_pointer (&engine));
}

/* The niceness of the sync's own threads (named "dh-sync", "dh-sync-pull"
 * and "dh-page-check") that read the store's clock during a sync. */
static gint sync_niceness_calls;
static gint sync_niceness_least = G_MAXINT;
static gint sync_niceness_most = G_MININT;

static gboolean
on_a_sync_thread (void)
{
  g_autofree char *name = NULL;

  if (!g_file_get_contents ("/proc/thread-self/comm", &name, NULL, NULL))
    return FALSE;
  return g_str_has_prefix (name, "dh-sync") || g_str_has_prefix (name, "dh-page-check");
}

static gint64
niceness_clock (gpointer user_data)
{
  if (g_thread_self () != main_thread && on_a_sync_thread ())
    {
      int niceness = dh_thread_get_niceness ();

      g_atomic_int_inc (&sync_niceness_calls);
      /* one sync at a time: nothing else writes these */
      sync_niceness_least = MIN (sync_niceness_least, niceness);
      sync_niceness_most = MAX (sync_niceness_most, niceness);
    }
  return g_get_real_time () / 1000;
}

/* The engine syncs in a thread nicer than the interface's, which every
 * thread of the sync shares; the pool's thread that started it stays as
 * it was, since without privileges it could never be made less nice, and
 * so does every thread that was there before (the store's checkpointer,
 * nicer since the store opened). */
static void
test_engine_syncs_in_a_nicer_thread (void)
{
  g_autoptr(DhStore) store = device_new ("lan.hoang");
  g_autoptr(DhSyncEngine) engine = NULL;
  g_auto(DhSyncReport) report = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  int niceness = dh_thread_get_niceness ();
  GHashTableIter iter;
  gpointer thread, value;

  dh_store_set_wall_clock (store, niceness_clock, NULL);
  engine = dh_sync_engine_new (store);
  before = test_threads_niceness (NULL);
  g_assert_true (engine_sync (engine, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_atomic_int_get (&sync_niceness_calls), >, 0);
#ifdef __linux__
  g_assert_cmpint (sync_niceness_least, ==, MIN (niceness + DH_THREAD_NICER, 19));
#else
  g_assert_cmpint (sync_niceness_least, ==, niceness);
#endif
  g_assert_cmpint (sync_niceness_most, ==, sync_niceness_least);
  dh_store_set_wall_clock (store, NULL, NULL);
  assert_engine_finalized (g_steal_pointer (&engine));

  after = test_threads_niceness (NULL);
  g_assert_cmpuint (g_hash_table_size (after), >, 1);
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &thread, &value))
    {
      gpointer was;

      if (g_hash_table_lookup_extended (before, thread, NULL, &was))
        g_assert_cmpint (GPOINTER_TO_INT (value), ==, GPOINTER_TO_INT (was));
      else
        g_assert_cmpint (GPOINTER_TO_INT (value), ==, niceness);
    }
}

static void
test_no_op_sync_is_small (void)
{
  g_autoptr(DhStore) store = device_new ("lan.hoang");
  g_autofree char *village = NULL;
  g_autofree char *household = NULL;
  g_auto(DhSyncReport) full = { 0 };
  g_auto(DhSyncReport) again = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (store_sync (store, &full, &error));
  village = first_village (store);
  household = add_household (store, village, "Lò Văn Pọm");
  dh_sync_report_clear (&full);
  g_assert_true (store_sync (store, &full, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (full.pushed, ==, 1);

  g_assert_true (store_sync (store, &again, &error));
  g_assert_no_error (error);
  g_test_message ("a no-op sync: %u requests, %" G_GUINT64_FORMAT " bytes sent, %" G_GUINT64_FORMAT " received",
                  again.requests, again.bytes_sent, again.bytes_received);
  g_assert_cmpuint (again.requests, <=, 2);
  g_assert_cmpuint (again.bytes_sent + again.bytes_received, <=, 2048);
  g_assert_cmpuint (again.pushed, ==, 0);
}

static gint64 future_ms;

static gint64
future_clock (gpointer user_data)
{
  return future_ms;
}

static void
test_cli_login_sync_status_logout (void)
{
  g_autofree char *path = g_build_filename (work_dir, "cli.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *token_path = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autoptr(json_object) status = NULL;
  g_autoptr(GError) error = NULL;
  json_object *sync = NULL;
  struct stat info;

  g_assert_cmpint (cli (path, NULL, &out, &err, "init"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a store of made-up households never signs in */
  {
    g_autofree char *demo = g_build_filename (work_dir, "demo.db", NULL);

    g_assert_cmpint (cli (demo, NULL, &out, &err, "demo", "--households", "3"), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (cli (demo, PASSWORD "\n", &out, &err, "login", "--server", base_url, "--ca", cert_file,
                          "--username", "lan.hoang"), ==, 1);
    g_assert_nonnull (strstr (err, "demo"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* an address that is not HTTPS is refused, saying what to write */
  g_assert_cmpint (cli (path, PASSWORD "\n", &out, &err, "login", "--server", "http://donghanh.example.gov.vn/",
                        "--username", "lan.hoang"), ==, 2);
  g_assert_nonnull (strstr (err, "https://"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a certificate of no authority this device knows: refused before the password goes */
  g_assert_cmpint (cli (path, PASSWORD "\n", &out, &err, "login", "--server", base_url, "--username", "lan.hoang"), ==, 6);
  g_assert_nonnull (strstr (err, "certificate"));
  g_assert_nonnull (strstr (err, "--ca FILE"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a wrong password says so, and keeps nothing */
  g_assert_cmpint (cli (path, "wrong password\n", &out, &err, "login", "--server", base_url, "--ca", cert_file,
                        "--username", "lan.hoang"), ==, 4);
  g_assert_nonnull (strstr (err, "password"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (cli (path, PASSWORD "\n", &out, &err, "login", "--server", base_url, "--ca", cert_file,
                        "--username", "lan.hoang"), ==, 0);
  g_assert_nonnull (strstr (out, "lan.hoang"));
  /* the commune in words: its places came with the sign-in */
  g_assert_nonnull (strstr (out, "Xã Minh Tiến (demo)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  store = dh_store_open (path, &error);
  g_assert_no_error (error);
  token_path = dh_sync_token_path (dh_store_get_device_id (store));
  g_assert_cmpint (g_stat (token_path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);

  g_assert_cmpint (cli (path, NULL, &out, &err, "sync"), ==, 0);
  g_assert_nonnull (strstr (out, "Received: "));
  g_assert_nonnull (strstr (out, "Conflicts: "));
  g_assert_cmpuint (count_records (store, "village", NULL), ==, 5);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* the commune in words once its places are here */
  g_assert_cmpint (cli (path, NULL, &out, &err, "status"), ==, 0);
  status = json_tokener_parse (out);
  g_assert_nonnull (status);
  g_assert_true (json_object_object_get_ex (status, "sync", &sync));
  g_assert_true (json_object_get_boolean (json_object_object_get (sync, "signed_in")));
  g_assert_cmpstr (get_string (sync, "commune"), ==, "Xã Minh Tiến (demo)");
  g_assert_cmpstr (get_string (sync, "username"), ==, "lan.hoang");
  g_assert_nonnull (get_string (sync, "last_sync"));
  g_assert_nonnull (strstr (err, "Xã Minh Tiến (demo)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a household, then an edit of it from a clock 40 days ahead: the sync
   * sends one and lists the other as refused, by name, with the reason */
  {
    g_autofree char *household = add_household_here (store, "Thào Thị Dợ");

    g_assert_cmpint (cli (path, NULL, &out, &err, "sync"), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    future_ms = g_get_real_time () / 1000 + (gint64) 40 * 24 * 3600 * 1000;
    dh_store_set_wall_clock (store, future_clock, NULL);
    set_field (store, "household", household, "notes", "ghi từ đồng hồ sai");
    dh_store_set_wall_clock (store, NULL, NULL);
  }
  g_assert_cmpint (cli (path, NULL, &out, &err, "sync"), ==, 0);
  g_assert_nonnull (strstr (out, "Refused by the server: 1 change"));
  g_assert_nonnull (strstr (out, "“Thào Thị Dợ”: "));
  g_assert_nonnull (strstr (out, "30 days"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* for scripts: the same as JSON; nothing is left to send */
  g_assert_cmpint (cli (path, NULL, &out, &err, "sync", "--json"), ==, 0);
  {
    g_autoptr(json_object) report = json_tokener_parse (out);

    g_assert_nonnull (report);
    g_assert_true (json_object_get_boolean (json_object_object_get (report, "ok")));
    g_assert_cmpint (json_object_get_int (json_object_object_get (report, "pushed")), ==, 0);
    g_assert_cmpint (json_object_get_int (json_object_object_get (report, "requests")), ==, 1);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&status, json_object_put);
  g_assert_cmpint (cli (path, NULL, &out, &err, "status"), ==, 0);
  status = json_tokener_parse (out);
  g_assert_true (json_object_object_get_ex (status, "sync", &sync));
  g_assert_cmpint (json_object_get_int (json_object_object_get (sync, "rejected")), ==, 1);
  g_assert_nonnull (strstr (err, "refused by the server: 1"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* signed out: the token is gone, the work stays, and a sync asks for a sign-in */
  g_free (add_household_here (store, "Vàng Thị Mỷ"));
  g_assert_cmpint (cli (path, NULL, &out, &err, "logout"), ==, 0);
  g_assert_false (g_file_test (token_path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (path, NULL, &out, &err, "sync"), ==, 4);
  g_assert_nonnull (strstr (err, "login"));
  g_assert_cmpint (pending (store), ==, 1);
}

/* Two devices edit the same households offline and sync in a random order;
 * whatever the order, both end with the same records. */
static const char * const edit_fields[] = { "phone", "notes", "address", "assigned_to" };

static void
random_edits (DhStore  *store,
              GRand    *rand,
              GPtrArray *households,
              const char *village,
              const char *who)
{
  guint n = (guint) g_rand_int_range (rand, 1, 5);

  for (guint i = 0; i < n; i++)
    {
      int what = g_rand_int_range (rand, 0, 10);

      if (what == 0)
        {
          g_autofree char *name = g_strdup_printf ("Hộ mới của %s %u", who, g_rand_int (rand) % 1000);

          g_ptr_array_add (households, add_household (store, village, name));
        }
      else
        {
          const char *id = g_ptr_array_index (households, g_rand_int_range (rand, 0, (gint32) households->len));
          const char *field = edit_fields[g_rand_int_range (rand, 0, G_N_ELEMENTS (edit_fields))];
          g_autofree char *value = NULL;

          if (g_str_equal (field, "phone"))
            value = g_strdup_printf ("09%08u", g_rand_int_range (rand, 0, 99999999));
          else
            value = g_strdup_printf ("%s: %s %u", who, field, g_rand_int (rand) % 10000);
          set_field (store, "household", id, field, value);
        }
    }
}

static void
converge_with_seed (guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(DhStore) a = device_new ("lan.hoang");
  g_autoptr(DhStore) b = device_new ("tuan.pham");
  g_autoptr(GPtrArray) households_a = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) households_b = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *village = NULL;
  g_autofree char *state_a = NULL;
  g_autofree char *state_b = NULL;

  g_test_message ("seed %u (DONGHANH_SYNC_SEED=%u replays it)", seed, seed);
  store_sync_ok (a);
  village = first_village (a);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("Hộ %u của hạt giống %u", i, seed);

      g_ptr_array_add (households_a, add_household (a, village, name));
    }
  store_sync_ok (a);
  store_sync_ok (b);
  for (guint i = 0; i < households_a->len; i++)
    g_ptr_array_add (households_b, g_strdup (g_ptr_array_index (households_a, i)));

  for (guint round = 0; round < 6; round++)
    {
      if (g_rand_boolean (rand))
        random_edits (a, rand, households_a, village, "lan");
      if (g_rand_boolean (rand))
        random_edits (b, rand, households_b, village, "tuan");
      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
          store_sync_ok (a);
          break;
        case 1:
          store_sync_ok (b);
          break;
        case 2:
          store_sync_ok (a);
          store_sync_ok (b);
          break;
        default:
          store_sync_ok (b);
          store_sync_ok (a);
          break;
        }
    }

  /* each pushes what it has left, then each pulls what the other pushed */
  store_sync_ok (a);
  store_sync_ok (b);
  store_sync_ok (a);

  state_a = store_state (a);
  state_b = store_state (b);
  if (g_strcmp0 (state_a, state_b) != 0)
    g_error ("seed %u: the two devices differ after syncing:\n--- lan\n%s--- tuan\n%s", seed, state_a, state_b);
  g_assert_cmpint (pending (a), ==, 0);
  g_assert_cmpint (pending (b), ==, 0);
}

static void
test_two_devices_converge (void)
{
  const char *replay = g_getenv ("DONGHANH_SYNC_SEED");

  if (replay != NULL)
    {
      converge_with_seed ((guint32) g_ascii_strtoull (replay, NULL, 10));
      return;
    }
  for (guint32 seed = 1; seed <= 4; seed++)
    converge_with_seed (seed * 7919);
}

static void
test_concurrent_edit_is_one_conflict (void)
{
  g_autoptr(DhStore) a = device_new ("lan.hoang");
  g_autoptr(DhStore) b = device_new ("tuan.pham");
  g_autoptr(GPtrArray) conflicts_a = NULL;
  g_autoptr(GPtrArray) conflicts_b = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(DhSyncReport) report = { 0 };
  g_autofree char *household = NULL;
  g_autofree char *state_a = NULL;
  g_autofree char *state_b = NULL;
  guint before_a;

  store_sync_ok (a);
  household = add_household_here (a, "Sùng A Lử");
  store_sync_ok (a);
  store_sync_ok (b);
  before_a = count_records (a, "conflict", NULL);

  /* b writes first, so that its write loses: the server finds the
   * conflict when b pushes, and b finds it again when it pulls a's */
  set_field (b, "household", household, "phone", "0912000222");
  g_usleep (2000);
  set_field (a, "household", household, "phone", "0912000111");
  store_sync_ok (a);
  g_assert_true (store_sync (b, &report, &error));
  g_assert_no_error (error);
  /* one concurrent edit is one conflict, however many copies found it */
  g_assert_cmpuint (dh_sync_report_conflicts (&report), ==, 1);
  store_sync_ok (a);
  store_sync_ok (b);

  conflicts_a = dh_store_list_conflicts (a, TRUE, &error);
  g_assert_no_error (error);
  conflicts_b = dh_store_list_conflicts (b, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_records (a, "conflict", NULL) - before_a, ==, 1);
  g_assert_cmpuint (conflicts_a->len, ==, conflicts_b->len);
  state_a = store_state (a);
  state_b = store_state (b);
  g_assert_cmpstr (state_a, ==, state_b);
}

/* A device whose clock was forty days behind set aside what it pulled, as
 * stamped in its future; the server will not send it again. Once its clock
 * is right, the next sync applies what was set aside, and the two copies
 * are the same. */
static void
test_set_aside_applies_at_a_later_sync (void)
{
  g_autoptr(DhStore) a = device_new ("lan.hoang");
  g_autoptr(DhStore) b = device_new ("tuan.pham");
  g_autoptr(GError) error = NULL;
  g_autofree char *household = NULL;
  g_autofree char *state_a = NULL;
  g_autofree char *state_b = NULL;

  store_sync_ok (a);
  store_sync_ok (b);
  household = add_household_here (a, "Giàng Thị Mỷ");
  store_sync_ok (a);

  skewed_by_ms = -(gint64) 40 * 24 * 3600 * 1000;
  dh_store_set_wall_clock (b, skewed_clock, NULL);
  {
    g_auto(DhSyncReport) report = { 0 };

    g_assert_true (store_sync (b, &report, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (report.applied.rejected, >, 0);
    g_assert_cmpuint (report.set_aside.applied, ==, 0);
  }
  g_assert_cmpint (dh_store_count_set_aside (b, NULL), >, 0);
  g_assert_null (dh_store_get (b, "household", household, NULL));

  dh_store_set_wall_clock (b, NULL, NULL);
  {
    g_auto(DhSyncReport) report = { 0 };

    g_assert_true (store_sync (b, &report, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (report.received, ==, 0);
    g_assert_cmpuint (report.set_aside.applied, >, 0);
    g_assert_cmpuint (report.set_aside.rejected, ==, 0);
  }
  g_assert_cmpint (dh_store_count_set_aside (b, NULL), ==, 0);
  state_a = store_state (a);
  state_b = store_state (b);
  g_assert_cmpstr (state_a, ==, state_b);
}

/* The province's administrator belongs to no commune: signing in on a
 * device, which keeps one commune, is refused in words, and nothing of the
 * session is kept. */
static void
test_province_admin_sign_in_refused (void)
{
  g_autoptr(DhStore) store = store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) me = NULL;
  g_autoptr(DhSyncSettings) settings = NULL;

  me = dh_sync_sign_in (store, base_url, cert_file, NULL, "tinh.admin", PASSWORD, NULL, &error);
  g_assert_null (me);
  g_assert_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "caseworker or an official of the commune"));
  settings = dh_sync_settings_load (store);
  g_assert_true (settings == NULL || settings->server == NULL);
  g_assert_null (dh_store_get_meta (store, "signed_in_user"));
}

static void
test_replayed_batch_creates_nothing_twice (void)
{
  g_autoptr(DhStore) a = device_new ("lan.hoang");
  g_autoptr(DhStore) fresh = NULL;
  g_autoptr(DhSyncSettings) settings = NULL;
  g_autoptr(DhSyncClient) client = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(json_object) body = json_object_new_object ();
  json_object *changes = json_object_new_array ();
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  store_sync_ok (a);
  g_free (add_household_here (a, "Hộ gửi lại ba lần"));
  batch = dh_store_get_pending_changes (a, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->len, ==, 1);
  json_object_array_add (changes, json_object_get (g_ptr_array_index (batch, 0)));
  json_object_object_add (body, "changes", changes);

  /* the batch goes out and its answer is lost, twice: sent again by hand */
  settings = dh_sync_settings_load (a);
  token = dh_sync_token_load (dh_store_get_device_id (a), &error);
  g_assert_no_error (error);
  client = dh_sync_client_new (settings->server, settings->ca_file, settings->pin, &error);
  g_assert_no_error (error);
  dh_sync_client_set_token (client, token);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(json_object) answer = dh_sync_client_request (client, "POST", "/v1/push", body, &error);
      json_object *results;

      g_assert_no_error (error);
      results = json_object_object_get (answer, "results");
      g_assert_cmpstr (get_string (json_object_array_get_idx (results, 0), "status"), ==, i == 0 ? "applied" : "already");
    }

  /* and the engine sends it a third time, as its queue still holds it */
  store_sync_ok (a);
  g_assert_cmpint (pending (a), ==, 0);

  fresh = device_new ("tuan.pham");
  store_sync_ok (fresh);
  g_assert_cmpuint (count_records (fresh, "household", "head_name=Hộ gửi lại ba lần"), ==, 1);
}

/* A long queue leaves in batches of at most 500, gzipped; a first sync
 * receives it in pages of at most 500. */
static void
test_batches_gzipped_and_paged (void)
{
  g_autoptr(DhStore) a = device_new ("lan.hoang");
  g_autoptr(DhStore) fresh = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(DhSyncReport) report = { 0 };
  g_auto(DhSyncReport) first = { 0 };
  g_autofree char *village = NULL;
  gsize raw = 0;

  store_sync_ok (a);
  village = first_village (a);
  g_assert_true (dh_store_begin (a, &error));
  for (guint i = 0; i < 600; i++)
    {
      g_autofree char *name = g_strdup_printf ("Hộ trong lô số %u", i);

      g_free (add_household (a, village, name));
    }
  g_assert_true (dh_store_commit (a, &error));
  queue = dh_store_get_pending_changes (a, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 600);
  for (guint i = 0; i < queue->len; i++)
    raw += strlen (json_object_to_json_string_ext (g_ptr_array_index (queue, i), JSON_C_TO_STRING_PLAIN));

  g_assert_true (store_sync (a, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 600);
  g_assert_cmpuint (report.batches, ==, 2);
  /* what went out is the changes gzipped, far smaller than their JSON */
  g_test_message ("600 changes: %" G_GSIZE_FORMAT " bytes of JSON, %" G_GUINT64_FORMAT " bytes sent in %u requests",
                  raw, report.bytes_sent, report.requests);
  g_assert_cmpuint (report.bytes_sent, <, raw / 2);

  /* more than a page of the pull (DH_SYNC_PULL_LIMIT) in all */
  g_assert_true (dh_store_begin (a, &error));
  for (guint i = 600; i < DH_SYNC_PULL_LIMIT + 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("Hộ trong lô số %u", i);

      g_free (add_household (a, village, name));
    }
  g_assert_true (dh_store_commit (a, &error));
  store_sync_ok (a);

  fresh = device_new ("tuan.pham");
  g_assert_true (store_sync (fresh, &first, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first.pages, >=, 2);
  g_assert_cmpuint (count_records (fresh, "household", "head_name=Hộ trong lô số 599"), ==, 1);
  g_assert_cmpuint (count_records (fresh, "household", NULL), >=, DH_SYNC_PULL_LIMIT + 100);
  g_test_message ("a first sync of %u changes: %u pages, %" G_GUINT64_FORMAT " bytes received",
                  first.received, first.pages, first.bytes_received);
}


/* A client of STORE's account with its token, speaking to URL with CA_FILE
 * and PIN. */
static DhSyncClient *
client_at (DhStore    *store,
           const char *url,
           const char *ca_file,
           const char *pin)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = dh_sync_token_load (dh_store_get_device_id (store), &error);
  DhSyncClient *client;

  g_assert_no_error (error);
  g_assert_nonnull (token);
  client = dh_sync_client_new (url, ca_file, pin, &error);
  g_assert_no_error (error);
  dh_sync_client_set_token (client, token);
  return client;
}

/* A client of the store's server with its token, as the engine makes one. */
static DhSyncClient *
client_of (DhStore *store)
{
  g_autoptr(DhSyncSettings) settings = dh_sync_settings_load (store);

  return client_at (store, settings->server, settings->ca_file, settings->pin);
}

/* What a test does once a pull wrote its first page, in the writer's
 * thread, before the writer goes on. */
typedef struct
{
  DhStore      *store;
  DhSyncClient *client;
  gboolean      hold_the_store;  /* another program takes the store's write lock */
  guint         pages;           /* pages written, as the progress told */
  guint64       total;           /* the records to pull, as the progress told with its first page */
  guint64       done;            /* the records pulled, as the progress last told */
  gboolean      total_changed;   /* a later page told another total */
  guint         requests_held;   /* requests made while the writer was held */
  sqlite3      *holder;
} PullWatch;

static void
pull_watched_cb (DhSyncPhase  phase,
                 guint64      done,
                 guint64      total,
                 gpointer     data)
{
  PullWatch *watch = data;
  gint64 until;

  if (phase != DH_SYNC_PHASE_PULL)
    return;
  if (watch->pages == 0)
    watch->total = total;
  else if (total != watch->total)
    watch->total_changed = TRUE;
  g_assert_cmpuint (done, >, watch->done);
  watch->done = done;
  watch->pages++;
  if (watch->pages == 2 && !watch->hold_the_store)
    {
      /* the writer waits here, the second page's transaction open, while
       * the third is read: the third lands with it */
      until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
      while (dh_sync_client_get_requests (watch->client) < 4 && g_get_monotonic_time () < until)
        g_usleep (1000);
      g_usleep (300 * 1000);
      return;
    }
  if (watch->pages != 1)
    return;

  if (watch->hold_the_store)
    {
      g_assert_cmpint (sqlite3_open (dh_store_get_path (watch->store), &watch->holder), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (watch->holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
      dh_store_set_busy_timeout (watch->store, 50);
      return;
    }

  /* the writer waits here: the second page is asked for and read
   * meanwhile, and the third asked for (the bound only keeps a broken
   * reader from hanging the test); no fourth while the second waits to be
   * written */
  until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (dh_sync_client_get_requests (watch->client) < 3 && g_get_monotonic_time () < until)
    g_usleep (1000);
  g_usleep (300 * 1000);
  watch->requests_held = dh_sync_client_get_requests (watch->client);
}

static guint rewritten;  /* answers whose head a PROXY_REWRITE changed */

/* An answer of a server that names no next cursor ahead. */
static void
drop_next_cursor (GString *head)
{
  const char *found = strstr (head->str, "\r\n" DH_WIRE_NEXT_CURSOR_HEADER ": ");

  if (found == NULL)
    return;
  g_string_erase (head, found - head->str, strstr (found + 2, "\r\n") - found);
  g_atomic_int_inc (&rewritten);
}

/* An answer whose header names another cursor than its text. */
static void
change_next_cursor (GString *head)
{
  const char *found = strstr (head->str, "\r\n" DH_WIRE_NEXT_CURSOR_HEADER ": ");

  if (found == NULL)
    return;
  g_string_insert_c (head, strstr (found + 2, "\r\n") - head->str, '7');
  g_atomic_int_inc (&rewritten);
}

/* A pull asks for its next page while it reads the one before, and reads
 * it while it writes the one before that, two pages ahead at most; when
 * the writer fails, the asker and the reader stop, what landed stays with
 * its cursor, and the next sync brings the rest, once. From a server that
 * names no next cursor ahead, each page is read before the next is asked
 * for; one whose header and text name different cursors lands its page,
 * and the pull stops there. */
static void
test_pull_reads_ahead (void)
{
  g_autoptr(DhStore) a = device_new ("lan.hoang");
  g_autoptr(DhStore) fresh = NULL;
  g_autoptr(DhStore) other = NULL;
  g_autoptr(DhSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(DhSyncReport) whole = { 0 };
  g_auto(DhSyncReport) cut = { 0 };
  g_auto(DhSyncReport) rest = { 0 };
  g_autofree char *village = NULL;
  PullWatch watch = { 0 };
  guint households;

  store_sync_ok (a);
  village = first_village (a);
  g_assert_true (dh_store_begin (a, &error));
  for (guint i = 0; i < 2 * DH_SYNC_PULL_LIMIT + 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("Hộ đọc trước số %u", i);

      g_free (add_household (a, village, name));
    }
  g_assert_true (dh_store_commit (a, &error));
  store_sync_ok (a);
  households = count_records (a, "household", NULL);

  /* a new device's first sync: three pages at least */
  fresh = device_new ("tuan.pham");
  client = client_of (fresh);
  watch = (PullWatch) { fresh, client };
  g_assert_true (dh_sync_run (fresh, client, &whole, pull_watched_cb, &watch, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (whole.pages, >=, 3);
  /* a small page first, then each twice the one before, up to the limit */
  g_assert_cmpuint (dh_sync_pull_page_limit (0), ==, DH_SYNC_PULL_FIRST_LIMIT);
  g_assert_cmpuint (dh_sync_pull_page_limit (1), ==, 2 * DH_SYNC_PULL_FIRST_LIMIT);
  g_assert_cmpuint (dh_sync_pull_page_limit (G_MAXUINT), ==, DH_SYNC_PULL_LIMIT);
  {
    guint64 asked = 0;
    guint pages = 0;

    for (; asked < whole.received; pages++)
      {
        g_assert_cmpuint (dh_sync_pull_page_limit (pages + 1), >=, dh_sync_pull_page_limit (pages));
        asked += dh_sync_pull_page_limit (pages);
      }
    g_assert_cmpuint (whole.pages, ==, pages);
  }
  /* the first page alone, then the third with the second, which waited
   * for it */
  g_assert_cmpuint (whole.pull_commits, >=, 2);
  g_assert_cmpuint (whole.pull_commits, <, whole.pages);
  g_test_message ("%u pages landed in %u transactions", whole.pages, whole.pull_commits);
  g_assert_cmpuint (watch.requests_held, ==, 3);
  /* the progress goes by what the server counted when the pull began */
  g_assert_cmpuint (watch.total, ==, whole.received);
  g_assert_cmpuint (watch.done, ==, whole.received);
  g_assert_false (watch.total_changed);
  g_assert_cmpuint (count_records (fresh, "household", NULL), ==, households);
  g_clear_pointer (&client, dh_sync_client_free);

  /* another's, whose store another program locks after the first page */
  other = device_new ("tuan.pham");
  client = client_of (other);
  watch = (PullWatch) { other, client, TRUE };
  g_assert_false (dh_sync_run (other, client, &cut, pull_watched_cb, &watch, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("the second page could not be written: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (cut.pages, ==, 1);
  g_assert_cmpuint (cut.received, ==, dh_sync_pull_page_limit (0));
  /* the first page, the second that failed, one read and one asked for ahead at most */
  g_assert_cmpuint (dh_sync_client_get_requests (client), <=, 4);
  g_assert_cmpuint (count_records (other, "household", NULL), <, households);

  sqlite3_exec (watch.holder, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (watch.holder);
  dh_store_set_busy_timeout (other, 10000);
  g_assert_true (store_sync (other, &rest, &error));
  g_assert_no_error (error);
  /* from the first page's cursor: nothing again, nothing missed */
  g_assert_cmpuint (cut.received + rest.received, ==, whole.received);
  g_assert_cmpuint (count_records (other, "household", NULL), ==, households);

  /* through a proxy that changes the answers' heads, to a server in plain HTTP */
  {
    g_autofree char *plain_url = NULL;
    g_autoptr(GSubprocess) plain = server_serve (&cluster, NULL, NULL, &plain_url);
    Proxy *proxy = proxy_start (PROXY_REWRITE, "127.0.0.1",
                                (guint16) g_ascii_strtoull (strrchr (plain_url, ':') + 1, NULL, 10), NULL);
    g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", proxy->port);
    g_autoptr(DhStore) older = device_new ("tuan.pham");
    g_autoptr(DhStore) wrong = device_new ("tuan.pham");
    g_autoptr(DhSyncClient) older_client = client_at (older, url, NULL, NULL);
    g_autoptr(DhSyncClient) wrong_client = client_at (wrong, url, NULL, NULL);
    g_auto(DhSyncReport) without = { 0 };
    g_auto(DhSyncReport) stopped = { 0 };
    g_auto(DhSyncReport) after = { 0 };

    /* no cursor ahead: every page comes, once */
    proxy->rewrite_head = drop_next_cursor;
    g_atomic_int_set (&rewritten, 0);
    g_assert_true (dh_sync_run (older, older_client, &without, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_atomic_int_get (&rewritten), >=, 2);
    g_assert_cmpuint (without.pages, ==, whole.pages);
    g_assert_cmpuint (without.received, ==, whole.received);
    g_assert_cmpuint (count_records (older, "household", NULL), ==, households);

    /* cursors that differ: the page lands with its text's, and the pull stops */
    proxy->rewrite_head = change_next_cursor;
    g_atomic_int_set (&rewritten, 0);
    g_assert_false (dh_sync_run (wrong, wrong_client, &stopped, NULL, NULL, NULL, &error));
    g_assert_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SERVER);
    g_test_message ("cursors that differ: %s", error->message);
    g_clear_error (&error);
    g_assert_cmpuint (g_atomic_int_get (&rewritten), >=, 1);
    g_assert_cmpuint (stopped.pages, ==, 1);
    g_assert_cmpuint (stopped.received, ==, dh_sync_pull_page_limit (0));
    /* the next sync, from the server itself, goes on from that page */
    g_assert_true (store_sync (wrong, &after, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (stopped.received + after.received, ==, whole.received);
    g_assert_cmpuint (count_records (wrong, "household", NULL), ==, households);

    proxy_stop (proxy);
    g_subprocess_send_signal (plain, SIGTERM);
    g_subprocess_wait_check (plain, NULL, &error);
    g_assert_no_error (error);
  }
}

static void
test_rejected_change_kept_with_reason (void)
{
  g_autoptr(DhStore) a = device_new ("lan.hoang");
  g_autoptr(DhStore) fresh = NULL;
  g_autoptr(GPtrArray) rejected = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(DhSyncReport) report = { 0 };
  g_auto(DhSyncReport) again = { 0 };
  g_autofree char *household = NULL;
  g_autofree char *good = NULL;
  json_object *entry;

  store_sync_ok (a);
  household = add_household_here (a, "Hộ đồng hồ sai");
  store_sync_ok (a);
  good = add_household_here (a, "Hộ gửi được");
  /* an edit stamped 40 days ahead, by a device whose clock was wrong */
  future_ms = g_get_real_time () / 1000 + (gint64) 40 * 24 * 3600 * 1000;
  dh_store_set_wall_clock (a, future_clock, NULL);
  set_field (a, "household", household, "notes", "đồng hồ sai");
  dh_store_set_wall_clock (a, NULL, NULL);
  g_assert_cmpint (pending (a), ==, 2);

  g_assert_true (store_sync (a, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 1);
  g_assert_cmpuint (report.rejected, ==, 1);
  entry = g_ptr_array_index (report.rejections, 0);
  g_assert_cmpstr (get_string (entry, "code"), ==, "clock_ahead");
  g_assert_cmpstr (get_string (entry, "record_id"), ==, household);

  /* kept with the server's reason, out of the way of the queue */
  rejected = dh_store_list_queue (a, TRUE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejected->len, ==, 1);
  g_assert_cmpstr (get_string (g_ptr_array_index (rejected, 0), "rejected"), ==, get_string (entry, "message"));
  g_assert_cmpint (pending (a), ==, 0);

  /* never sent again */
  g_assert_true (store_sync (a, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again.pushed + again.rejected, ==, 0);

  /* the good change reached the server, the refused one did not */
  fresh = device_new ("tuan.pham");
  store_sync_ok (fresh);
  {
    g_autoptr(json_object) record = dh_store_get (fresh, "household", household, &error);

    g_assert_no_error (error);
    g_assert_null (get_string (record, "notes"));
    json_object_put (dh_store_get (fresh, "household", good, &error));
    g_assert_no_error (error);
  }
}

static void
test_revoked_device_keeps_pending_work (void)
{
  g_autoptr(DhStore) a = device_new ("lan.hoang");
  g_autoptr(DhSyncEngine) engine = NULL;
  g_autoptr(GPtrArray) queue_before = NULL;
  g_autoptr(GPtrArray) queue_after = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(DhSyncReport) report = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  ServerRun run = { 0 };

  store_sync_ok (a);
  g_free (add_household_here (a, "Hộ của máy bị mất"));
  queue_before = dh_store_list_queue (a, FALSE, 0, &error);
  g_assert_no_error (error);

  g_assert_cmpint (server_run (&run, &cluster, NULL, "revoke-device", dh_store_get_device_id (a)), ==, 0);
  server_run_clear (&run);

  engine = dh_sync_engine_new (a);
  g_assert_false (engine_sync (engine, NULL, &report, &error));
  g_assert_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SIGN_IN);
  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_SIGN_IN_NEEDED);
  g_assert_nonnull (dh_sync_engine_get_last_error (engine));
  g_assert_cmpint (dh_sync_engine_get_pending (engine), ==, 1);
  g_assert_cmpuint (report.pushed, ==, 0);
  g_clear_error (&error);

  /* every pending change is still there, as it was but sent */
  queue_after = dh_store_list_queue (a, FALSE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue_after->len, ==, queue_before->len);
  g_assert_cmpint (pending (a), ==, 1);

  /* the CLI says so with its own exit status */
  g_assert_cmpint (cli (dh_store_get_path (a), NULL, &out, &err, "sync"), ==, 4);
  g_assert_nonnull (strstr (err, "Sign in again"));

  /* signed in again, the work goes */
  json_object_put (dh_sync_sign_in (a, base_url, cert_file, NULL, "lan.hoang", PASSWORD, NULL, &error));
  g_assert_no_error (error);
  dh_sync_report_clear (&report);
  g_assert_true (engine_sync (engine, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 1);
  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_UP_TO_DATE);
  assert_engine_finalized (g_steal_pointer (&engine));
}

static void
test_cancelled_sync_keeps_everything (void)
{
  g_autoptr(DhStore) a = device_new ("lan.hoang");
  g_autoptr(DhSyncEngine) engine = dh_sync_engine_new (a);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(DhSyncReport) report = { 0 };

  store_sync_ok (a);
  g_free (add_household_here (a, "Hộ chờ gửi"));
  g_cancellable_cancel (cancellable);
  g_assert_false (engine_sync (engine, cancellable, &report, &error));
  g_assert_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_CANCELLED);
  g_assert_cmpuint (report.requests, ==, 0);
  g_assert_cmpint (pending (a), ==, 1);
  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_IDLE);
  assert_engine_finalized (g_steal_pointer (&engine));
}

/* A connection that appears starts a sync; a failure of the network is
 * tried again by itself, after a backoff, until it succeeds. */
static void
test_engine_syncs_by_itself_and_retries (void)
{
  Proxy *proxy = proxy_start (PROXY_FORWARD, "127.0.0.1", server_port, NULL);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/", proxy->port);
  g_autoptr(DhStore) a = device_new_at ("lan.hoang", url);
  g_autoptr(FakeMonitor) monitor = fake_monitor_new (FALSE);
  g_autoptr(DhSyncEngine) engine = NULL;
  gint connections;

  store_sync_ok (a);
  g_free (add_household_here (a, "Hộ chờ mạng"));

  engine = g_object_new (DH_TYPE_SYNC_ENGINE, "store", a, "network-monitor", monitor, NULL);
  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_OFFLINE);
  g_assert_cmpint (dh_sync_engine_get_pending (engine), ==, 1);
  dh_sync_engine_set_automatic (engine, TRUE);
  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_OFFLINE);

  /* the network comes, but the server cannot be reached: an error, and a retry waits */
  g_atomic_int_set (&proxy->cut_after, 0);
  connections = g_atomic_int_get (&proxy->connections);
  fake_monitor_set_available (monitor, TRUE);
  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_SYNCING);
  wait_for_state (engine, DH_SYNC_STATE_ERROR);
  g_assert_nonnull (dh_sync_engine_get_last_error (engine));
  g_assert_cmpint (dh_sync_engine_get_pending (engine), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&proxy->connections), >, connections);

  /* the server is back: the retry sends the household without being asked */
  g_atomic_int_set (&proxy->cut_after, -1);
  wait_for_state (engine, DH_SYNC_STATE_UP_TO_DATE);
  g_assert_cmpint (dh_sync_engine_get_pending (engine), ==, 0);
  g_assert_cmpint (pending (a), ==, 0);
  g_assert_null (dh_sync_engine_get_last_error (engine));

  /* and the network goes */
  fake_monitor_set_available (monitor, FALSE);
  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_OFFLINE);

  /* made automatic where the network is there already, it syncs at once */
  dh_sync_engine_set_automatic (engine, FALSE);
  fake_monitor_set_available (monitor, TRUE);
  g_free (add_household_here (a, "Hộ thứ hai chờ mạng"));
  dh_sync_engine_refresh (engine);
  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_IDLE);
  dh_sync_engine_set_automatic (engine, TRUE);
  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_SYNCING);
  wait_for_state (engine, DH_SYNC_STATE_UP_TO_DATE);
  g_assert_cmpint (pending (a), ==, 0);

  dh_sync_engine_set_automatic (engine, FALSE);
  assert_engine_finalized (g_steal_pointer (&engine));
  proxy_stop (proxy);
}

/* TLS: every refusal happens before the password or any change leaves */

static void
assert_sign_in_refused (const char  *url,
                        const char  *ca,
                        const char  *pin,
                        DhSyncError  code)
{
  g_autoptr(DhStore) store = store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) me = NULL;

  me = dh_sync_sign_in (store, url, ca, pin, "lan.hoang", PASSWORD, NULL, &error);
  g_assert_null (me);
  g_assert_error (error, DH_SYNC_ERROR, code);
  g_test_message ("%s: %s", url, error->message);
  g_assert_false (server_knows_device (dh_store_get_device_id (store)));
  g_assert_null (dh_sync_token_load (dh_store_get_device_id (store), NULL));
}

static void
test_tls_wrong_host_refused (void)
{
  /* the certificate names 127.0.0.1, ::1 and localhost: 127.0.0.2 is another host */
  Proxy *proxy = proxy_start (PROXY_FORWARD, "127.0.0.2", server_port, NULL);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.2:%u/", proxy->port);

  assert_sign_in_refused (url, cert_file, NULL, DH_SYNC_ERROR_TLS);
  g_assert_cmpint (g_atomic_int_get (&proxy->connections), >=, 1);
  proxy_stop (proxy);
}

static void
test_tls_unknown_ca_refused (void)
{
  assert_sign_in_refused (base_url, NULL, NULL, DH_SYNC_ERROR_TLS);
}

static char *
right_pin (void)
{
  const char *argv[] = { g_getenv ("DONGHANH_CERTTOOL"), "--pubkey-info", "--load-certificate", cert_file, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *found;
  char *end;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, NULL, &error);
  g_assert_no_error (error);
  found = strstr (out, "pin-sha256:");
  g_assert_nonnull (found);
  found += strlen ("pin-sha256:");
  end = strpbrk (found, " \r\n");
  return g_strdup_printf ("sha256//%.*s", end != NULL ? (int) (end - found) : (int) strlen (found), found);
}

static void
test_tls_pin_checked (void)
{
  g_autofree char *pin = right_pin ();
  g_autoptr(DhStore) store = store_new ();
  g_autoptr(json_object) me = NULL;
  g_autoptr(GError) error = NULL;

  assert_sign_in_refused (base_url, cert_file, WRONG_PIN, DH_SYNC_ERROR_TLS);

  /* the right pin passes, and is kept for every sync */
  me = dh_sync_sign_in (store, base_url, cert_file, pin, "lan.hoang", PASSWORD, NULL, &error);
  g_assert_no_error (error);
  store_sync_ok (store);
  {
    g_autoptr(DhSyncSettings) settings = dh_sync_settings_load (store);

    g_assert_cmpstr (settings->pin, ==, pin);
  }
}

static void
test_redirect_to_http_not_followed (void)
{
  Proxy *target = proxy_start (PROXY_COUNT, "127.0.0.1", 0, NULL);
  g_autofree char *location = g_strdup_printf ("http://127.0.0.1:%u/v1/sign-in", target->port);
  Proxy *redirect = proxy_start (PROXY_REDIRECT, "127.0.0.1", 0, location);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", redirect->port);

  assert_sign_in_refused (url, NULL, NULL, DH_SYNC_ERROR_REFUSED);
  g_assert_cmpint (g_atomic_int_get (&redirect->connections), ==, 1);
  /* the address it was sent to never heard from the device */
  g_assert_cmpint (g_atomic_int_get (&target->connections), ==, 0);
  proxy_stop (redirect);
  proxy_stop (target);
}

/* Transfers cut at random places: a retry ends where an uncut sync would. */
static void
test_cut_transfers_converge (void)
{
  Proxy *proxy = proxy_start (PROXY_FORWARD, "127.0.0.1", server_port, NULL);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/", proxy->port);
  g_autoptr(DhStore) a = device_new_at ("lan.hoang", url);
  g_autoptr(DhStore) b = device_new_at ("tuan.pham", url);
  g_autoptr(GRand) rand = NULL;
  g_autofree char *village = NULL;
  g_autofree char *state_a = NULL;
  g_autofree char *state_b = NULL;
  const char *replay = g_getenv ("DONGHANH_SYNC_SEED");
  guint32 seed = replay != NULL ? (guint32) g_ascii_strtoull (replay, NULL, 10) : g_test_rand_int ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint failed = 0;

  g_test_message ("seed %u (DONGHANH_SYNC_SEED=%u replays it)", seed, seed);
  rand = g_rand_new_with_seed (seed);
  store_sync_ok (a);
  store_sync_ok (b);
  village = first_village (a);

  for (guint round = 0; round < 8; round++)
    {
      DhStore *device = round % 2 == 0 ? a : b;
      /* the first cut falls within the TLS handshake or the first request, so that one at least fails */
      gint cut = g_rand_int_range (rand, 0, round == 0 ? 2000 : 12000);
      g_auto(DhSyncReport) report = { 0 };
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < 20; i++)
        {
          char *name = g_strdup_printf ("Hộ %u vòng %u hạt giống %u", i, round, seed);

          g_free (add_household (device, village, name));
          g_ptr_array_add (names, name);
        }

      /* the cut: some bytes of the connection pass, then it closes */
      g_test_message ("round %u: cut after %d bytes", round, cut);
      g_atomic_int_set (&proxy->cut_after, cut);
      if (!store_sync (device, &report, &error))
        {
          failed++;
          g_assert_true (g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_NETWORK) ||
                         g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SERVER));
          g_assert_true (dh_sync_error_is_retryable (error));
        }
      g_atomic_int_set (&proxy->cut_after, -1);
      store_sync_ok (device);
      g_assert_cmpint (pending (device), ==, 0);
    }
  g_assert_cmpuint (failed, >, 0);

  store_sync_ok (a);
  store_sync_ok (b);
  /* every household made is on both devices, once */
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *filter = g_strdup_printf ("head_name=%s", (char *) g_ptr_array_index (names, i));

      g_assert_cmpuint (count_records (a, "household", filter), ==, 1);
      g_assert_cmpuint (count_records (b, "household", filter), ==, 1);
    }
  state_a = store_state (a);
  state_b = store_state (b);
  if (g_strcmp0 (state_a, state_b) != 0)
    g_error ("seed %u: the devices differ after cut transfers", seed);
  proxy_stop (proxy);
}

int
main (int   argc,
      char *argv[])
{
  ServerRun run = { 0 };
  g_autofree char *units = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const char *users[][2] = { { "lan.hoang", "DEMO-01" }, { "tuan.pham", "DEMO-01" } };

  work_dir = g_dir_make_tmp ("donghanh-sync-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CONFIG_HOME", work_dir, TRUE);
  main_thread = g_thread_self ();

  g_test_init (&argc, &argv, NULL);

  pg_cluster_start (&cluster);
  make_test_certificate (cluster.dir, &cert_file, &key_file);
  if (server_run (&run, &cluster, NULL, "migrate") != 0)
    g_error ("migrate: %s", run.err);
  units = g_test_build_filename (G_TEST_DIST, "..", "data", "catalogues", "demo-province.json", NULL);
  if (server_run (&run, &cluster, NULL, "import-units", units) != 0)
    g_error ("import-units: %s", run.err);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    if (server_run (&run, &cluster, PASSWORD "\n", "add-user", users[i][0], "--role", "caseworker",
                    "--commune", users[i][1]) != 0)
      g_error ("add-user: %s", run.err);
  if (server_run (&run, &cluster, PASSWORD "\n", "add-user", "tinh.admin", "--role", "province_admin") != 0)
    g_error ("add-user: %s", run.err);
  server_run_clear (&run);

  serving = server_serve (&cluster, cert_file, key_file, &base_url);
  server_port = (guint16) g_ascii_strtoull (strrchr (base_url, ':') + 1, NULL, 10);

  g_test_add_func ("/sync/first-sync-brings-the-places", test_first_sync_brings_the_places);
  g_test_add_func ("/sync/clock-offset-kept-and-warned", test_clock_offset_is_kept_and_warned);
  g_test_add_func ("/sync/engine/syncs-in-a-nicer-thread", test_engine_syncs_in_a_nicer_thread);
  g_test_add_func ("/sync/no-op-sync-is-small", test_no_op_sync_is_small);
  g_test_add_func ("/sync/cli/login-sync-status-logout", test_cli_login_sync_status_logout);
  g_test_add_func ("/sync/two-devices-converge", test_two_devices_converge);
  g_test_add_func ("/sync/concurrent-edit-is-one-conflict", test_concurrent_edit_is_one_conflict);
  g_test_add_func ("/sync/set-aside-applies-at-a-later-sync", test_set_aside_applies_at_a_later_sync);
  g_test_add_func ("/sync/province-admin-sign-in-refused", test_province_admin_sign_in_refused);
  g_test_add_func ("/sync/push/replay-creates-no-duplicate", test_replayed_batch_creates_nothing_twice);
  g_test_add_func ("/sync/push/batches-gzipped-and-paged", test_batches_gzipped_and_paged);
  g_test_add_func ("/sync/pull/asks-and-reads-ahead", test_pull_reads_ahead);
  g_test_add_func ("/sync/push/rejected-change-kept-with-reason", test_rejected_change_kept_with_reason);
  g_test_add_func ("/sync/revoked-device-keeps-pending-work", test_revoked_device_keeps_pending_work);
  g_test_add_func ("/sync/cancelled-sync-keeps-everything", test_cancelled_sync_keeps_everything);
  g_test_add_func ("/sync/engine/syncs-by-itself-and-retries", test_engine_syncs_by_itself_and_retries);
  g_test_add_func ("/sync/tls/wrong-host-refused", test_tls_wrong_host_refused);
  g_test_add_func ("/sync/tls/unknown-ca-refused", test_tls_unknown_ca_refused);
  g_test_add_func ("/sync/tls/pin-checked", test_tls_pin_checked);
  g_test_add_func ("/sync/tls/redirect-to-http-not-followed", test_redirect_to_http_not_followed);
  g_test_add_func ("/sync/cut-transfers-converge", test_cut_transfers_converge);

  status = g_test_run ();

  g_subprocess_send_signal (serving, SIGTERM);
  g_subprocess_wait_check (serving, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&serving);
  pg_cluster_stop (&cluster);
  {
    const char *rm[] = { "rm", "-rf", work_dir, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (work_dir);
  g_free (base_url);
  g_free (cert_file);
  g_free (key_file);
  return status;
}
