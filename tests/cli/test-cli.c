/* test-cli.c – donghanh-cli end to end, as scripts and people use it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "cli-fixture.h"
#include "dh-autocleanups.h"

static const char *
get_string (json_object *object,
            const char  *key)
{
  json_object *value;

  if (!json_object_object_get_ex (object, key, &value) || value == NULL)
    return NULL;
  return json_object_get_string (value);
}

/* The id of the first village of the demo's first commune. */
static char *
first_village (CliFixture *fixture)
{
  g_autoptr(json_object) village = NULL;
  char *newline;

  g_assert_cmpint (cli_run (fixture, NULL, "list", "village", "--limit", "1"), ==, 0);
  newline = strchr (fixture->out, '\n');
  g_assert_nonnull (newline);
  *newline = '\0';
  village = cli_output_json (fixture);
  return g_strdup (get_string (village, "id"));
}

static char *
add_household (CliFixture *fixture,
               const char *village,
               const char *head)
{
  g_autofree char *input = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"%s\"}", village, head);
  g_autoptr(json_object) record = NULL;

  g_assert_cmpint (cli_run (fixture, input, "add", "household"), ==, 0);
  record = cli_output_json (fixture);
  return g_strdup (get_string (record, "id"));
}

static void
seed_places (CliFixture *fixture)
{
  g_assert_cmpint (cli_run (fixture, NULL, "demo", "--households", "0"), ==, 0);
}

static void
test_usage_errors_exit_2 (CliFixture    *fixture,
                          gconstpointer  data)
{
  g_assert_cmpint (cli_run (fixture, NULL, "frobnicate"), ==, 2);
  g_assert_nonnull (strstr (fixture->err, "frobnicate"));
  g_assert_cmpint (cli_run (fixture, NULL, "get", "household"), ==, 2);
  g_assert_nonnull (strstr (fixture->err, "get ENTITY ID"));
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "--sort", "colour"), ==, 2);
  g_assert_cmpint (cli_run (fixture, NULL, "void-support", "x"), ==, 2);
  g_assert_cmpint (cli_run (fixture, NULL, "--no-such-option", "status"), ==, 2);
}

static void
test_help_lists_every_command (CliFixture    *fixture,
                               gconstpointer  data)
{
  static const char * const commands[] = {
    "init", "demo", "list", "get", "add", "update", "void-support", "search", "classify",
    "import-households", "export", "status",
  };

  g_assert_cmpint (cli_run (fixture, NULL, "--help"), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (fixture->out, commands[i]));
}

static void
test_missing_store_is_not_created (CliFixture    *fixture,
                                   gconstpointer  data)
{
  g_assert_cmpint (cli_run (fixture, NULL, "status"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "init"));
  g_assert_cmpint (cli_run (fixture, "{}", "add", "household"), ==, 1);
  g_assert_false (g_file_test (fixture->store, G_FILE_TEST_EXISTS));
}

static void
test_init_and_status (CliFixture    *fixture,
                      gconstpointer  data)
{
  g_autoptr(json_object) status = NULL;
  json_object *counts;

  g_assert_cmpint (cli_run (fixture, NULL, "init"), ==, 0);
  g_assert_true (g_file_test (fixture->store, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cli_run (fixture, NULL, "status"), ==, 0);
  status = cli_output_json (fixture);
  g_assert_true (json_object_object_get_ex (status, "counts", &counts));
  g_assert_cmpint (json_object_get_int (json_object_object_get (counts, "household")), ==, 0);
  g_assert_cmpint (json_object_get_int (json_object_object_get (status, "pending_changes")), ==, 0);
}

static void
test_demo_fills_a_store (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autoptr(json_object) status = NULL;
  json_object *counts;

  g_assert_cmpint (cli_run (fixture, NULL, "demo", "--households", "30", "--seed", "7"), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "status"), ==, 0);
  status = cli_output_json (fixture);
  json_object_object_get_ex (status, "counts", &counts);
  g_assert_cmpint (json_object_get_int (json_object_object_get (counts, "household")), ==, 30);
  g_assert_cmpint (json_object_get_int (json_object_object_get (counts, "member")), >, 30);

  /* a second demo into the same store is refused rather than mixed in */
  g_assert_cmpint (cli_run (fixture, NULL, "demo"), ==, 1);
}

static void
test_add_get_update_list (CliFixture    *fixture,
                          gconstpointer  data)
{
  g_autofree char *village = NULL;
  g_autofree char *id = NULL;
  g_autoptr(json_object) record = NULL;
  g_autofree char *filter = NULL;

  seed_places (fixture);
  village = first_village (fixture);
  id = add_household (fixture, village, "Nguyễn Văn Đặng");

  g_assert_cmpint (cli_run (fixture, NULL, "get", "household", id), ==, 0);
  record = cli_output_json (fixture);
  g_assert_cmpstr (get_string (record, "head_name"), ==, "Nguyễn Văn Đặng");
  g_clear_pointer (&record, json_object_put);

  g_assert_cmpint (cli_run (fixture, "{\"phone\": \"0912 345 678\", \"classification\": \"poor\"}", "update", "household", id), ==, 0);
  record = cli_output_json (fixture);
  g_assert_cmpstr (get_string (record, "phone"), ==, "0912345678");

  filter = g_strdup_printf ("village=%s", village);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", filter, "classification=poor"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  g_assert_nonnull (strstr (fixture->out, id));

  g_assert_cmpint (cli_run (fixture, NULL, "search", "nguyen van dang"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, id));
  g_assert_cmpint (cli_run (fixture, NULL, "search", "ngu van da"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, id));
}

static void
test_rejected_input_exits_1_and_writes_nothing (CliFixture    *fixture,
                                                gconstpointer  data)
{
  g_autofree char *village = NULL;
  g_autofree char *input = NULL;
  g_autofree char *before = NULL;

  seed_places (fixture);
  village = first_village (fixture);
  g_assert_cmpint (cli_run (fixture, NULL, "pending"), ==, 0);
  before = g_strdup (fixture->out);

  input = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Lê Văn Tám\", \"phone\": \"123\"}", village);
  g_assert_cmpint (cli_run (fixture, input, "add", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "phone"));
  g_assert_cmpstr (fixture->out, ==, "");

  g_assert_cmpint (cli_run (fixture, "{\"head_name\": \"Lê Văn Tám\"}", "add", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "village"));

  g_assert_cmpint (cli_run (fixture, "{not json", "add", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "JSON"));

  g_assert_cmpint (cli_run (fixture, "{\"colour\": \"red\"}", "add", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "colour"));

  g_assert_cmpint (cli_run (fixture, NULL, "pending"), ==, 0);
  g_assert_cmpstr (fixture->out, ==, before);
}

static void
test_void_support (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autofree char *village = NULL;
  g_autofree char *house = NULL;
  g_autofree char *input = NULL;
  g_autoptr(json_object) entry = NULL;
  g_autoptr(json_object) voiding = NULL;
  g_autofree char *entry_id = NULL;

  seed_places (fixture);
  village = first_village (fixture);
  house = add_household (fixture, village, "Lường Văn Thắng");
  input = g_strdup_printf ("{\"household\": \"%s\", \"support_type\": \"livestock\", \"delivered_on\": \"2026-05-01\", "
                           "\"amount_vnd\": \"12.000.000\", \"quantity\": 1, \"unit\": \"con bò\"}", house);
  g_assert_cmpint (cli_run (fixture, input, "add", "support"), ==, 0);
  entry = cli_output_json (fixture);
  entry_id = g_strdup (get_string (entry, "id"));
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (entry, "amount_vnd")), ==, 12000000);

  g_assert_cmpint (cli_run (fixture, "{\"amount_vnd\": 1}", "update", "support", entry_id), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "void-support"));

  g_assert_cmpint (cli_run (fixture, NULL, "void-support", entry_id, "--reason", "Nhập nhầm hộ"), ==, 0);
  voiding = cli_output_json (fixture);
  g_assert_cmpstr (get_string (voiding, "voids"), ==, entry_id);
  g_assert_cmpstr (get_string (voiding, "void_reason"), ==, "Nhập nhầm hộ");

  g_assert_cmpint (cli_run (fixture, NULL, "void-support", entry_id, "--reason", "again"), ==, 1);
}

static void
test_classify (CliFixture    *fixture,
               gconstpointer  data)
{
  g_autoptr(json_object) result = NULL;
  json_object *reasons;

  g_assert_cmpint (cli_run (fixture, "{\"reviewed_on\": \"2026-10-01\", \"area\": \"rural\", \"income_per_capita\": 1500000, "
                                     "\"deprived\": [\"HI\", \"WAT\", \"TOI\"]}", "classify"), ==, 0);
  result = cli_output_json (fixture);
  g_assert_cmpstr (get_string (result, "class"), ==, "poor");
  g_assert_cmpstr (get_string (result, "standard"), ==, "VN-2022");
  g_assert_true (json_object_object_get_ex (result, "reasons", &reasons));
  g_assert_cmpuint (json_object_array_length (reasons), >, 0);
  g_clear_pointer (&result, json_object_put);

  g_assert_cmpint (cli_run (fixture, "{\"reviewed_on\": \"2027-03-01\", \"area\": \"urban\", \"income_per_capita\": 2900000}", "classify"), ==, 0);
  result = cli_output_json (fixture);
  g_assert_cmpstr (get_string (result, "standard"), ==, "VN-2027");

  g_assert_cmpint (cli_run (fixture, "{\"reviewed_on\": \"2026-10-01\", \"area\": \"rural\", \"income_per_capita\": 1000000, \"deprived\": [\"XYZ\"]}", "classify"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "XYZ"));
  g_assert_cmpint (cli_run (fixture, "{\"reviewed_on\": \"2026-10-01\", \"area\": \"rural\"}", "classify"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "income"));
}

static void
test_delete_and_pending (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autofree char *village = NULL;
  g_autofree char *id = NULL;
  g_autoptr(json_object) change = NULL;
  json_object *fields;
  char *last_line;

  seed_places (fixture);
  village = first_village (fixture);
  id = add_household (fixture, village, "Hà Văn Dũng");

  g_assert_cmpint (cli_run (fixture, NULL, "--user", "lan.hoang", "delete", "household", id), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "get", "household", id), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "search", "ha van dung"), ==, 0);
  g_assert_cmpstr (fixture->out, ==, "");
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "--deleted"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, id));
  g_assert_cmpint (cli_run (fixture, NULL, "delete", "household", id), ==, 1);

  /* the queue ends with the tombstone, under the user who deleted */
  g_assert_cmpint (cli_run (fixture, NULL, "pending"), ==, 0);
  fixture->out[strlen (fixture->out) - 1] = '\0';
  last_line = strrchr (fixture->out, '\n');
  change = json_tokener_parse (last_line != NULL ? last_line + 1 : fixture->out);
  g_assert_nonnull (change);
  g_assert_cmpstr (get_string (change, "r"), ==, id);
  g_assert_cmpstr (get_string (change, "u"), ==, "lan.hoang");
  g_assert_true (json_object_object_get_ex (change, "f", &fields));
  g_assert_true (json_object_get_boolean (json_object_array_get_idx (json_object_object_get (fields, "deleted"), 0)));
}

static void
test_catalogues (CliFixture    *fixture,
                 gconstpointer  data)
{
  g_assert_cmpint (cli_run (fixture, NULL, "catalogue", "ethnicity"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 54);
  g_assert_nonnull (strstr (fixture->out, "\"name\":\"Mông\""));
  g_assert_cmpint (cli_run (fixture, NULL, "catalogue", "indicator"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 13);  /* the 12 of 2022 and WST of 2027 */
  g_assert_cmpint (cli_run (fixture, NULL, "catalogue", "horoscope"), ==, 2);
  g_assert_nonnull (strstr (fixture->err, "support_type"));
}

static void
test_reports (CliFixture    *fixture,
              gconstpointer  data)
{
  g_autoptr(json_object) commune = NULL;
  g_autoptr(json_object) status = NULL;
  g_autofree char *commune_id = NULL;
  g_autofree char *year = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 in_villages = 0, in_totals = 0;
  json_object *counts;
  GDateTime *now = g_date_time_new_now_utc ();

  g_assert_cmpint (cli_run (fixture, NULL, "demo", "--households", "40"), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "commune", "--limit", "1"), ==, 0);
  commune = cli_output_json (fixture);
  commune_id = g_strdup (get_string (commune, "id"));

  g_assert_cmpint (cli_run (fixture, NULL, "report", "villages", commune_id), ==, 0);
  lines = g_strsplit (fixture->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autoptr(json_object) village = json_tokener_parse (lines[i]);

      in_villages += json_object_get_int64 (json_object_object_get (village, "households"));
    }
  g_assert_cmpint (in_villages, >, 0);
  g_assert_cmpint (in_villages, <, 40);

  /* the demo delivers support over the last two years: this year and the
   * one before hold some of it whatever today is */
  for (int back = 0; back <= 1; back++)
    {
      g_free (year);
      year = g_strdup_printf ("%d", g_date_time_get_year (now) - back);
      g_assert_cmpint (cli_run (fixture, NULL, "report", "support", commune_id, year), ==, 0);
      g_strfreev (lines);
      lines = g_strsplit (fixture->out, "\n", -1);
      for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
        {
          g_autoptr(json_object) total = json_tokener_parse (lines[i]);

          g_assert_cmpint (json_object_get_int64 (json_object_object_get (total, "entries")), >, 0);
          in_totals += json_object_get_int64 (json_object_object_get (total, "amount_vnd"));
        }
    }
  g_date_time_unref (now);
  g_assert_cmpint (in_totals, >, 0);

  g_assert_cmpint (cli_run (fixture, NULL, "report", "overdue", commune_id, "30"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "\"reason\":"));
  g_assert_cmpint (cli_run (fixture, NULL, "report", "overdue", commune_id, "soon"), ==, 2);
  g_assert_cmpint (cli_run (fixture, NULL, "report", "support", commune_id, "last year"), ==, 2);
  g_assert_cmpint (cli_run (fixture, NULL, "report", "support", commune_id), ==, 2);
  g_assert_cmpint (cli_run (fixture, NULL, "report", "weather", commune_id), ==, 2);

  g_assert_cmpint (cli_run (fixture, NULL, "status"), ==, 0);
  status = cli_output_json (fixture);
  json_object_object_get_ex (status, "counts", &counts);
  g_assert_cmpint (json_object_get_int64 (json_object_object_get (counts, "household")), ==, 40);
}

static void
test_messages_in_vietnamese (CliFixture    *fixture,
                             gconstpointer  data)
{
  const char * const env[] = { "LANGUAGE", "vi", "LC_ALL", "C.UTF-8", "DONGHANH_LOCALEDIR", g_getenv ("DONGHANH_TEST_LOCALEDIR"), NULL };

  cli_run_with_env (fixture, env, NULL, (const char * const []) { "frobnicate", NULL });
  g_assert_cmpint (fixture->status, ==, 2);
  g_assert_null (strstr (fixture->err, "is not a command"));
  g_assert_true (g_utf8_validate (fixture->err, -1, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  CLI_TEST ("/cli/usage/errors-exit-2", test_usage_errors_exit_2);
  CLI_TEST ("/cli/usage/help-lists-every-command", test_help_lists_every_command);
  CLI_TEST ("/cli/store/missing-store-is-not-created", test_missing_store_is_not_created);
  CLI_TEST ("/cli/init-and-status", test_init_and_status);
  CLI_TEST ("/cli/demo/fills-a-store", test_demo_fills_a_store);
  CLI_TEST ("/cli/records/add-get-update-list-search", test_add_get_update_list);
  CLI_TEST ("/cli/records/rejected-input-exits-1-and-writes-nothing", test_rejected_input_exits_1_and_writes_nothing);
  CLI_TEST ("/cli/support/void", test_void_support);
  CLI_TEST ("/cli/classify", test_classify);
  CLI_TEST ("/cli/records/delete-and-pending", test_delete_and_pending);
  CLI_TEST ("/cli/catalogues", test_catalogues);
  CLI_TEST ("/cli/reports", test_reports);
  CLI_TEST ("/cli/i18n/messages-in-vietnamese", test_messages_in_vietnamese);

  return g_test_run ();
}
