/* test-bundle.c – donghanh-cli carries changes on a file, and shows the queue, what was set aside, and restores */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "cli-fixture.h"
#include "dh-autocleanups.h"
#include "dh-store.h"

/* Runs the CLI on another store of the fixture's folder. */
#define cli_run_on(fixture, store_name, input, ...) \
  cli_run_on_store ((fixture), (store_name), (input), (const char * const []) { __VA_ARGS__, NULL })

static int
cli_run_on_store (CliFixture         *fixture,
                  const char         *store_name,
                  const char         *input,
                  const char * const *args)
{
  g_autofree char *own = fixture->store;
  int status;

  fixture->store = g_build_filename (fixture->dir, store_name, NULL);
  status = cli_run_with_env (fixture, NULL, input, args);
  g_free (fixture->store);
  fixture->store = g_steal_pointer (&own);

  return status;
}

static const char * const vietnamese[] = {
  "LANGUAGE", "vi", "LC_ALL", "C.UTF-8", "DONGHANH_LOCALEDIR", NULL, NULL
};

static int
cli_run_vi (CliFixture         *fixture,
            const char * const *args)
{
  const char *env[G_N_ELEMENTS (vietnamese)];

  memcpy (env, vietnamese, sizeof env);
  env[5] = g_getenv ("DONGHANH_TEST_LOCALEDIR");
  return cli_run_with_env (fixture, env, NULL, args);
}

static char *
in_dir (CliFixture *fixture,
        const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static char *
first_line_id (CliFixture *fixture)
{
  g_autoptr(json_object) record = NULL;
  char *newline = strchr (fixture->out, '\n');

  g_assert_nonnull (newline);
  *newline = '\0';
  record = cli_output_json (fixture);
  return g_strdup (dh_json_get_string (record, "id"));
}

/* The records printed, without whether each is this device's to send. */
static char *
records_without_sync_state (CliFixture *fixture)
{
  g_auto(GStrv) lines = g_strsplit (fixture->out, "\n", -1);
  GString *records = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autoptr(json_object) record = json_tokener_parse (lines[i]);

      g_assert_nonnull (record);
      json_object_object_del (record, "sync_state");
      g_string_append_printf (records, "%s\n", json_object_to_json_string (record));
    }

  return g_string_free (records, FALSE);
}

static char *
add (CliFixture *fixture,
     const char *entity,
     const char *json)
{
  g_assert_cmpint (cli_run (fixture, json, "add", entity), ==, 0);
  return first_line_id (fixture);
}

/* A store of a village's own with its places and a few households with
 * their members (a demo store never sends anything), and a second, empty
 * one, the office's. */
static void
make_two_stores (CliFixture *fixture)
{
  static const char * const heads[] = { "Lò Văn Sính", "Hà Thị Mai", "Vàng A Dính", "Lường Văn Pọm" };
  g_autofree char *province = NULL;
  g_autofree char *commune = NULL;
  g_autofree char *village = NULL;
  g_autofree char *json = NULL;

  g_assert_cmpint (cli_run (fixture, NULL, "init"), ==, 0);
  province = add (fixture, "admin_unit", "{\"kind\": \"province\", \"code\": \"14\", \"name\": \"Sơn La\"}");
  json = g_strdup_printf ("{\"kind\": \"commune\", \"code\": \"14-01\", \"name\": \"Xã Chiềng Khoa\", "
                          "\"parent\": \"%s\", \"area\": \"rural\"}", province);
  commune = add (fixture, "admin_unit", json);
  g_free (json);
  json = g_strdup_printf ("{\"kind\": \"village\", \"code\": \"14-01-01\", \"name\": \"Bản Nà Hẩu\", \"parent\": \"%s\"}",
                          commune);
  village = add (fixture, "admin_unit", json);

  for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
    {
      g_autofree char *house_json = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"%s\"}", village, heads[i]);
      g_autofree char *house = add (fixture, "household", house_json);
      g_autofree char *member_json = g_strdup_printf ("{\"household\": \"%s\", \"full_name\": \"Con của %s\", "
                                                      "\"relation\": \"child\"}", house, heads[i]);
      g_autofree char *member = add (fixture, "member", member_json);
    }

  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "init"), ==, 0);
}

static char *
export_bundle (CliFixture *fixture,
               const char *name)
{
  char *path = in_dir (fixture, name);

  g_assert_cmpint (cli_run (fixture, NULL, "changes", "export", path), ==, 0);
  return path;
}

static void
test_export_then_apply_gives_the_same_records (CliFixture    *fixture,
                                               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(json_object) report = NULL;
  g_autoptr(json_object) status = NULL;

  make_two_stores (fixture);
  path = export_bundle (fixture, "thon-na-hau.bundle");
  g_assert_nonnull (strstr (fixture->out, "thon-na-hau.bundle"));

  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "changes", "apply", path, "--json"), ==, 0);
  report = cli_output_json (fixture);
  g_assert_true (json_object_get_boolean (json_object_object_get (report, "complete")));
  g_assert_cmpint (json_object_get_int (json_object_object_get (report, "applied")), ==,
                   json_object_get_int (json_object_object_get (report, "count")));
  g_assert_cmpint (json_object_get_int (json_object_object_get (report, "set_aside")), ==, 0);

  for (guint i = 0; i < 3; i++)
    {
      static const char * const entities[] = { "household", "member", "village" };
      g_autofree char *here = NULL;
      g_autofree char *there = NULL;

      g_assert_cmpint (cli_run (fixture, NULL, "list", entities[i], "--limit", "1000"), ==, 0);
      g_assert_cmpuint (cli_output_lines (fixture), >, 0);
      here = records_without_sync_state (fixture);
      g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "list", entities[i], "--limit", "1000"), ==, 0);
      there = records_without_sync_state (fixture);
      g_assert_cmpstr (there, ==, here);
    }

  /* the changes left the device: they are marked sent, still awaiting the server */
  g_assert_cmpint (cli_run (fixture, NULL, "status"), ==, 0);
  status = cli_output_json (fixture);
  g_assert_cmpint (json_object_get_int (json_object_object_get (status, "pending_changes")), >, 0);
}

static void
test_export_refuses_an_existing_file (CliFixture    *fixture,
                                      gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  make_two_stores (fixture);
  path = in_dir (fixture, "danh-sach.csv");
  g_assert_true (g_file_set_contents (path, "Mã hộ,Họ và tên chủ hộ\n", -1, NULL));

  g_assert_cmpint (cli_run (fixture, NULL, "changes", "export", path), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "--force"));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "Mã hộ,Họ và tên chủ hộ\n");

  g_assert_cmpint (cli_run (fixture, NULL, "changes", "export", path, "--force"), ==, 0);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "{\"donghanh\":\"changes\""));
}

static void
test_empty_export_says_so (CliFixture    *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = in_dir (fixture, "empty.bundle");

  g_assert_cmpint (cli_run (fixture, NULL, "init"), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "changes", "export", path), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "empty"));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_replay_says_nothing_new (CliFixture    *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(json_object) report = NULL;

  make_two_stores (fixture);
  path = export_bundle (fixture, "twice.bundle");
  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "changes", "apply", path), ==, 0);
  g_assert_null (strstr (fixture->out, "Nothing new"));
  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "changes", "apply", path), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "Nothing new"));
  g_assert_null (strstr (fixture->out, "applied"));

  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "changes", "apply", path, "--json"), ==, 0);
  report = cli_output_json (fixture);
  g_assert_true (json_object_get_boolean (json_object_object_get (report, "nothing_new")));
  g_assert_cmpint (json_object_get_int (json_object_object_get (report, "applied")), ==, 0);
}

static void
test_report_in_vietnamese (CliFixture    *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *office = NULL;

  make_two_stores (fixture);
  path = export_bundle (fixture, "bundle");
  office = in_dir (fixture, "office.db");
  g_assert_cmpint (cli_run_vi (fixture, (const char * const []) { "--store", office, "changes", "apply", path, NULL }), ==, 0);
  g_assert_true (g_utf8_validate (fixture->out, -1, NULL));
  g_assert_null (strstr (fixture->out, "applied"));
  g_assert_null (strstr (fixture->out, "Bundle"));
  g_assert_nonnull (strstr (fixture->out, "thay đổi"));

  g_assert_cmpint (cli_run_vi (fixture, (const char * const []) { "--store", office, "changes", "apply", office, NULL }), ==, 1);
  g_assert_null (strstr (fixture->err, "not a bundle"));
  g_assert_nonnull (strstr (fixture->err, "Đồng Hành"));
}

static void
test_not_a_bundle_exits_1 (CliFixture    *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = in_dir (fixture, "ho-ngheo.csv");
  g_autoptr(json_object) status = NULL;

  g_assert_cmpint (cli_run (fixture, NULL, "init"), ==, 0);
  g_assert_true (g_file_set_contents (path, "Mã hộ,Họ và tên chủ hộ\n001,Lò Văn Sính\n", -1, NULL));
  g_assert_cmpint (cli_run (fixture, NULL, "changes", "apply", path), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "not a bundle of changes from Đồng Hành"));
  g_assert_null (strstr (fixture->err, "damaged"));
  g_assert_cmpstr (fixture->out, ==, "");
}

static void
test_cut_bundle_exits_1_and_applies_what_is_whole (CliFixture    *fixture,
                                                   gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(json_object) report = NULL;
  gsize length;

  make_two_stores (fixture);
  path = export_bundle (fixture, "cut.bundle");
  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  g_assert_true (g_file_set_contents (path, text, (gssize) (length * 2 / 3), NULL));

  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "changes", "apply", path), ==, 1);
  g_assert_nonnull (strstr (fixture->out, "not whole"));
  g_assert_nonnull (strstr (fixture->out, "copy the bundle again"));
  g_assert_nonnull (strstr (fixture->out, "applied"));

  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "changes", "apply", path, "--json"), ==, 1);
  report = cli_output_json (fixture);
  g_assert_false (json_object_get_boolean (json_object_object_get (report, "complete")));
  g_assert_cmpint (json_object_get_int (json_object_object_get (report, "already")), >, 0);
}

static void
test_set_aside_lists_reasons (CliFixture    *fixture,
                              gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *damaged = NULL;
  g_autoptr(json_object) entry = NULL;
  char *last_change, *end_line;

  make_two_stores (fixture);
  path = export_bundle (fixture, "damaged.bundle");

  /* the last change, which nothing refers to, made unreadable */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  text[strlen (text) - 1] = '\0';
  end_line = strrchr (text, '\n');
  *end_line = '\0';
  last_change = strrchr (text, '\n');
  *last_change = '\0';
  damaged = g_strconcat (text, "\n{\"e\": \"household\", \"r\": \n", end_line + 1, "\n", NULL);
  g_assert_true (g_file_set_contents (path, damaged, -1, NULL));

  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "changes", "apply", path), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "1 change set aside"));
  g_assert_nonnull (strstr (fixture->out, "of the bundle is not one well-formed JSON object"));

  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "set-aside"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  entry = cli_output_json (fixture);
  g_assert_nonnull (strstr (dh_json_get_string (entry, "reason"), "not one well-formed JSON object"));
  g_assert_cmpstr (dh_json_get_string (entry, "change"), ==, "{\"e\": \"household\", \"r\": ");

  /* tried again, a text that is no change at all stays as it came */
  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "retry"), ==, 0);
  g_assert_null (strstr (fixture->out, "Applied now"));
  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "set-aside"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  g_clear_pointer (&entry, json_object_put);
  entry = cli_output_json (fixture);
  g_assert_cmpstr (dh_json_get_string (entry, "change"), ==, "{\"e\": \"household\", \"r\": ");
}

static void
test_pending_rejected_lists_reasons (CliFixture    *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) first = NULL;
  g_autoptr(json_object) refused = NULL;
  g_autofree char *change_id = NULL;
  const char *reasons[] = { "Hộ này thuộc xã khác", NULL };
  const char *ids[] = { NULL, NULL };
  guint waiting;

  make_two_stores (fixture);
  g_assert_cmpint (cli_run (fixture, NULL, "pending"), ==, 0);
  waiting = cli_output_lines (fixture);
  *strchr (fixture->out, '\n') = '\0';
  first = cli_output_json (fixture);
  change_id = g_strconcat (dh_json_get_string (first, "r"), "@", dh_json_get_string (first, "k"), NULL);

  /* as a push does with the server's answer */
  {
    g_autoptr(DhStore) store = dh_store_open (fixture->store, &error);

    g_assert_no_error (error);
    ids[0] = change_id;
    g_assert_true (dh_store_reject_changes (store, ids, reasons, &error));
    g_assert_no_error (error);
  }

  g_assert_cmpint (cli_run (fixture, NULL, "pending"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, waiting - 1);
  g_assert_cmpint (cli_run (fixture, NULL, "pending", "--rejected"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  refused = cli_output_json (fixture);
  g_assert_cmpstr (dh_json_get_string (refused, "rejected"), ==, "Hộ này thuộc xã khác");
  g_assert_cmpstr (dh_json_get_string (json_object_object_get (refused, "change"), "r"), ==, dh_json_get_string (first, "r"));

  /* what refused it is gone: it goes again, as it was */
  g_assert_cmpint (cli_run (fixture, NULL, "retry"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "1 refused change goes again with the next sync"));
  g_assert_cmpint (cli_run (fixture, NULL, "pending", "--rejected"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "pending"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, waiting);
  g_assert_cmpint (cli_run_vi (fixture, (const char * const []) { "retry", NULL }), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "Không có thay đổi nào bị máy chủ từ chối"));
}

static void
test_restore_undoes_a_deletion (CliFixture    *fixture,
                                gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *filter = NULL;
  g_autoptr(json_object) record = NULL;

  make_two_stores (fixture);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "--limit", "1"), ==, 0);
  id = first_line_id (fixture);

  g_assert_cmpint (cli_run (fixture, NULL, "restore", "household", id), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "not deleted"));

  g_assert_cmpint (cli_run (fixture, NULL, "delete", "household", id), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "get", "household", id), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "restore", "household", id), ==, 0);
  record = cli_output_json (fixture);
  g_assert_cmpstr (dh_json_get_string (record, "id"), ==, id);
  g_assert_cmpint (cli_run (fixture, NULL, "get", "household", id), ==, 0);
  filter = g_strconcat ("household=", id, NULL);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "member", filter), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), >, 0);
}

/* The village and the office both change one household's phone, each
 * without seeing the other's: the bundles carry the conflict to both, and
 * `conflicts` shows what was lost beside what the household holds now. */
static void
test_concurrent_edit_shows_in_conflicts (CliFixture    *fixture,
                                         gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *from_village = NULL;
  g_autofree char *from_office = NULL;
  g_autofree char *id = NULL;
  g_autoptr(json_object) conflict = NULL;

  make_two_stores (fixture);
  first = export_bundle (fixture, "lan-1.bundle");
  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "changes", "apply", first), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "--limit", "1"), ==, 0);
  id = first_line_id (fixture);

  g_assert_cmpint (cli_run (fixture, "{\"phone\": \"0912000111\"}", "--user", "lan", "update", "household", id), ==, 0);
  g_assert_cmpint (cli_run_on (fixture, "office.db", "{\"phone\": \"0987654321\"}", "--user", "hoa", "update", "household", id), ==, 0);

  from_village = in_dir (fixture, "lan-2.bundle");
  g_assert_cmpint (cli_run (fixture, NULL, "--user", "lan", "changes", "export", from_village), ==, 0);
  from_office = in_dir (fixture, "office.bundle");
  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "changes", "export", from_office), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "changes", "apply", from_office), ==, 0);
  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "changes", "apply", from_village), ==, 0);
  /* the report names who made the bundle, never a device's id */
  g_assert_nonnull (strstr (fixture->out, "made by lan"));
  g_assert_null (strstr (fixture->out, "device"));

  g_assert_cmpint (cli_run (fixture, NULL, "conflicts"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  conflict = cli_output_json (fixture);
  g_assert_cmpstr (dh_json_get_string (conflict, "field"), ==, "phone");
  g_assert_cmpstr (dh_json_get_string (conflict, "record_id"), ==, id);
  g_assert_nonnull (dh_json_get_string (conflict, "kept_value"));
  g_assert_cmpstr (dh_json_get_string (conflict, "kept_value"), !=, dh_json_get_string (conflict, "lost_value"));

  /* the office found the same one */
  g_assert_cmpint (cli_run_on (fixture, "office.db", NULL, "conflicts"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
}

static void
test_usage_errors_exit_2 (CliFixture    *fixture,
                          gconstpointer  data)
{
  g_assert_cmpint (cli_run (fixture, NULL, "changes", "send", "x"), ==, 2);
  g_assert_nonnull (strstr (fixture->err, "export"));
  g_assert_cmpint (cli_run (fixture, NULL, "changes", "export"), ==, 2);
  g_assert_cmpint (cli_run (fixture, NULL, "restore", "household"), ==, 2);
  g_assert_cmpint (cli_run (fixture, NULL, "--help"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "changes export FILE"));
  g_assert_nonnull (strstr (fixture->out, "set-aside"));
  g_assert_nonnull (strstr (fixture->out, "restore ENTITY ID"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  CLI_TEST ("/cli/bundle/export-then-apply-gives-the-same-records", test_export_then_apply_gives_the_same_records);
  CLI_TEST ("/cli/bundle/export-refuses-an-existing-file", test_export_refuses_an_existing_file);
  CLI_TEST ("/cli/bundle/empty-export-says-so", test_empty_export_says_so);
  CLI_TEST ("/cli/bundle/replay-says-nothing-new", test_replay_says_nothing_new);
  CLI_TEST ("/cli/bundle/report-in-vietnamese", test_report_in_vietnamese);
  CLI_TEST ("/cli/bundle/not-a-bundle-exits-1", test_not_a_bundle_exits_1);
  CLI_TEST ("/cli/bundle/cut-bundle-exits-1-and-applies-what-is-whole", test_cut_bundle_exits_1_and_applies_what_is_whole);
  CLI_TEST ("/cli/bundle/set-aside-lists-reasons", test_set_aside_lists_reasons);
  CLI_TEST ("/cli/queue/pending-rejected-lists-reasons", test_pending_rejected_lists_reasons);
  CLI_TEST ("/cli/queue/restore-undoes-a-deletion", test_restore_undoes_a_deletion);
  CLI_TEST ("/cli/usage/bundle-errors-exit-2", test_usage_errors_exit_2);
  CLI_TEST ("/cli/queue/concurrent-edit-shows-in-conflicts", test_concurrent_edit_shows_in_conflicts);

  return g_test_run ();
}
