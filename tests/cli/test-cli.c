/* test-cli.c – donghanh-cli end to end, as scripts and people use it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "cli-fixture.h"
#include "dh-autocleanups.h"
#include "dh-change.h"

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
    "import-households", "import-members", "export", "status",
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
  g_assert_false (json_object_get_boolean (json_object_object_get (status, "demo")));
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
  /* and in words for the person reading, the classes by their names */
  g_assert_nonnull (strstr (fixture->err, "Households: 30;"));
  g_assert_nonnull (strstr (fixture->err, "Households by class: "));
  g_assert_null (strstr (fixture->err, "near_poor"));
  /* made-up households say so, and never leave the store */
  g_assert_true (json_object_get_boolean (json_object_object_get (status, "demo")));
  g_assert_nonnull (strstr (fixture->err, "demo data"));
  g_assert_cmpint (cli_run (fixture, NULL, "changes", "export", "demo.bundle"), ==, 1);

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

  /* an ad-hoc review of October 2026 is under the standard of 2026 */
  g_assert_cmpint (cli_run (fixture, "{\"reviewed_on\": \"2026-10-01\", \"review_kind\": \"ad_hoc\", \"area\": \"rural\", "
                                     "\"income_per_capita\": 1500000, \"deprived\": [\"HI\", \"WAT\", \"TOI\"]}", "classify"), ==, 0);
  result = cli_output_json (fixture);
  g_assert_cmpstr (get_string (result, "class"), ==, "poor");
  g_assert_cmpstr (get_string (result, "standard"), ==, "VN-2022");
  g_clear_pointer (&result, json_object_put);

  /* the annual review of that autumn makes the list for 2027, as the store reads it */
  g_assert_cmpint (cli_run (fixture, "{\"reviewed_on\": \"2026-10-01\", \"area\": \"rural\", \"income_per_capita\": 1500000, "
                                     "\"deprived\": [\"HI\", \"WAT\", \"TOI\"]}", "classify"), ==, 0);
  result = cli_output_json (fixture);
  g_assert_cmpstr (get_string (result, "class"), ==, "poor");
  g_assert_cmpstr (get_string (result, "standard"), ==, "VN-2027");
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
  DhWrite deleted;
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
  g_assert_true (dh_change_wire_get_write (change, "deleted", &deleted));
  g_assert_true (json_object_get_boolean (deleted.value));
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

/* Whether TEXT holds an id (8-4-4-4-12 hexadecimal digits). */
static gboolean
holds_an_id (const char *text)
{
  g_autoptr(GRegex) id = g_regex_new ("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", 0, 0, NULL);

  return g_regex_match (id, text, 0, NULL);
}

/* The reports as a commune official reads them: tables of names in
 * Vietnamese, never an id or a code, with their totals. */
static void
assert_reports_for_people (CliFixture *fixture,
                           const char *commune_id,
                           gint64      households,
                           const char *year)
{
  const char * const vietnamese[] = { "LANGUAGE", "vi", "LC_ALL", "C.UTF-8", "DONGHANH_LOCALEDIR", g_getenv ("DONGHANH_TEST_LOCALEDIR"), NULL };
  static const char * const codes[] = { "near_poor", "\"poor\"", "never_visited", "not_visited_recently", "livestock", "seed_plant", "vbsp_loan", "_vnd" };
  g_autofree char *in_all = g_strdup_printf ("Tổng cộng %" G_GINT64_FORMAT " ", households);
  g_autoptr(GRegex) spaces = g_regex_new (" +", 0, 0, NULL);
  g_autofree char *squeezed = NULL;

  g_assert_cmpint (cli_run_with_env (fixture, vietnamese, NULL, (const char * const []) { "report", "villages", commune_id, NULL }), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "số hộ theo thôn và phân loại"));
  g_assert_nonnull (strstr (fixture->out, "Hộ nghèo"));
  /* its columns line up: every line of the table, after the title and a
   * blank line, is as wide on a terminal, the names' marks and all */
  {
    g_auto(GStrv) lines = g_strsplit (fixture->out, "\n", -1);
    glong width;

    g_assert_cmpuint (g_strv_length (lines), >, 5);
    width = g_utf8_strlen (lines[2], -1);
    for (guint i = 2; lines[i] != NULL && lines[i][0] != '\0'; i++)
      g_assert_cmpint (g_utf8_strlen (lines[i], -1), ==, width);
  }
  /* the villages' households add up in the last line */
  squeezed = g_regex_replace_literal (spaces, fixture->out, -1, 0, " ", 0, NULL);
  g_assert_nonnull (strstr (squeezed, in_all));
  g_assert_false (holds_an_id (fixture->out));
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_null (strstr (fixture->out, codes[i]));

  g_assert_cmpint (cli_run_with_env (fixture, vietnamese, NULL, (const char * const []) { "report", "support", commune_id, year, NULL }), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "₫"));
  g_assert_nonnull (strstr (fixture->out, "Tổng cộng"));
  g_assert_false (holds_an_id (fixture->out));
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_null (strstr (fixture->out, codes[i]));

  g_assert_cmpint (cli_run_with_env (fixture, vietnamese, NULL, (const char * const []) { "report", "overdue", commune_id, "30", NULL }), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "chưa được thăm trong 30 ngày"));
  g_assert_false (holds_an_id (fixture->out));
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_null (strstr (fixture->out, codes[i]));
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

  g_assert_cmpint (cli_run (fixture, NULL, "report", "villages", commune_id, "--json"), ==, 0);
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
      g_assert_cmpint (cli_run (fixture, NULL, "report", "support", commune_id, year, "--json"), ==, 0);
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

  g_assert_cmpint (cli_run (fixture, NULL, "report", "overdue", commune_id, "30", "--json"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "\"reason\":"));
  assert_reports_for_people (fixture, commune_id, in_villages, year);
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

static guint
file_mode (const char *path)
{
  GStatBuf info;

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  return info.st_mode & 07777;
}

/* Runs the commands that take a store on PATH, which is not one. */
static void
assert_not_a_store (CliFixture *fixture,
                    const char *path)
{
  g_free (fixture->store);
  fixture->store = g_strdup (path);

  g_assert_cmpint (cli_run (fixture, NULL, "status"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "not a Đồng Hành store"));
  g_assert_null (strstr (fixture->err, "damaged"));
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "not a Đồng Hành store"));
  g_assert_cmpint (cli_run (fixture, NULL, "export", "household", "ho.csv"), ==, 1);
  g_assert_cmpint (cli_run (fixture, "{\"head_name\": \"Lò Văn Pâng\"}", "add", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "not a Đồng Hành store"));
}

static void
test_only_a_store_is_opened (CliFixture    *fixture,
                             gconstpointer  data)
{
  g_autofree char *text = g_build_filename (fixture->dir, "ghi-chu.txt", NULL);
  g_autofree char *empty = g_build_filename (fixture->dir, "rong.db", NULL);
  g_autofree char *contents = NULL;
  GStatBuf info;

  g_assert_true (g_file_set_contents (text, "Họp thôn thứ Hai\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_cmpint (g_chmod (text, 0644), ==, 0);
  g_assert_cmpint (g_chmod (empty, 0644), ==, 0);

  assert_not_a_store (fixture, text);
  g_assert_cmpint (cli_run (fixture, NULL, "init"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "not a Đồng Hành store"));
  g_assert_true (g_file_get_contents (text, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "Họp thôn thứ Hai\n");
  g_assert_cmpuint (file_mode (text), ==, 0644);

  assert_not_a_store (fixture, empty);
  g_assert_cmpint (g_stat (empty, &info), ==, 0);
  g_assert_cmpint (info.st_size, ==, 0);
  g_assert_cmpuint (info.st_mode & 07777, ==, 0644);

  /* init alone makes an empty file a store: a store whose making the power cut short is one */
  g_assert_cmpint (cli_run (fixture, NULL, "init"), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "status"), ==, 0);
}

static void
test_store_mode_is_kept (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autofree char *village = NULL;

  /* what init makes is private */
  g_assert_cmpint (cli_run (fixture, NULL, "init"), ==, 0);
  g_assert_cmpuint (file_mode (fixture->store), ==, 0600);
  seed_places (fixture);
  village = first_village (fixture);

  /* a store its owner shares with the group stays shared */
  g_assert_cmpint (g_chmod (fixture->store, 0640), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "status"), ==, 0);
  g_assert_cmpuint (file_mode (fixture->store), ==, 0640);
  g_free (add_household (fixture, village, "Giàng A Sử"));
  g_assert_cmpuint (file_mode (fixture->store), ==, 0640);

  /* and a read-only one is read, and stays read-only */
  g_assert_cmpint (g_chmod (fixture->store, 0440), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "search", "giang a su"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "Giàng A Sử"));
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  g_assert_cmpuint (file_mode (fixture->store), ==, 0440);
}

static void
test_counts_out_of_range_are_usage_errors (CliFixture    *fixture,
                                           gconstpointer  data)
{
  const char *limits[] = { "-1", "0", "-2147483648", "10001", "ten" };

  seed_places (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_test_message ("--limit %s", limits[i]);
      g_assert_cmpint (cli_run (fixture, NULL, "list", "village", "--limit", limits[i]), ==, 2);
      g_assert_nonnull (strstr (fixture->err, "--limit"));
      g_assert_nonnull (strstr (fixture->err, "1 to 10000"));
      g_assert_cmpstr (fixture->out, ==, "");
    }

  g_assert_cmpint (cli_run (fixture, NULL, "list", "village", "--offset", "-1"), ==, 2);
  g_assert_nonnull (strstr (fixture->err, "--offset"));
  g_assert_nonnull (strstr (fixture->err, "from 0"));

  g_assert_cmpint (cli_run (fixture, NULL, "list", "village", "--limit", "1", "--offset", "1"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
}

static void
test_standard_input_holds_exactly_one_object (CliFixture    *fixture,
                                              gconstpointer  data)
{
  g_autofree char *village = NULL;
  g_autofree char *two = NULL;
  g_autofree char *trailing_comma = NULL;
  g_autofree char *no_colon = NULL;
  g_autofree char *unclosed = NULL;
  g_autofree char *before = NULL;

  seed_places (fixture);
  village = first_village (fixture);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household"), ==, 0);
  before = g_strdup (fixture->out);

  /* the second object is neither stored nor dropped without a word */
  two = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"An\"}\n{\"village\": \"%s\", \"head_name\": \"Bình\"}", village, village);
  g_assert_cmpint (cli_run (fixture, two, "add", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "line 2, column 1"));
  g_assert_nonnull (strstr (fixture->err, "exactly one object"));

  trailing_comma = g_strdup_printf ("{\"village\": \"%s\",\n \"head_name\": \"An\",\n}", village);
  g_assert_cmpint (cli_run (fixture, trailing_comma, "add", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "line 3, column 1"));
  g_assert_nonnull (strstr (fixture->err, "comma"));

  no_colon = g_strdup_printf ("{\"village\": \"%s\",\n  \"head_name\" \"Đặng\"}", village);
  g_assert_cmpint (cli_run (fixture, no_colon, "add", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "line 2, column 15"));
  g_assert_nonnull (strstr (fixture->err, "“:”"));

  unclosed = g_strdup_printf ("{\"village\": \"%s\"", village);
  g_assert_cmpint (cli_run (fixture, unclosed, "add", "household"), ==, 1);
  g_assert_null (strstr (fixture->err, "continue"));
  g_assert_nonnull (strstr (fixture->err, "“}”"));

  g_assert_cmpint (cli_run (fixture, "", "add", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "empty"));

  g_assert_cmpint (cli_run_with_env (fixture, (const char * const []) { "LANGUAGE", "vi", "LC_ALL", "C.UTF-8", "DONGHANH_LOCALEDIR", g_getenv ("DONGHANH_TEST_LOCALEDIR"), NULL },
                                     two, (const char * const []) { "add", "household", NULL }), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "dòng 2, cột 1"));

  g_assert_cmpint (cli_run (fixture, NULL, "list", "household"), ==, 0);
  g_assert_cmpstr (fixture->out, ==, before);
}

static void
test_an_id_is_never_shared_by_two_kinds (CliFixture    *fixture,
                                         gconstpointer  data)
{
  g_autofree char *village = NULL;
  g_autofree char *household = NULL;
  g_autofree char *visit = NULL;

  seed_places (fixture);
  village = first_village (fixture);
  household = add_household (fixture, village, "Hà Văn Sáu");

  /* the village's id, given to a visit */
  visit = g_strdup_printf ("{\"id\": \"%s\", \"household\": \"%s\", \"visited_on\": \"2026-01-02\"}", village, household);
  g_assert_cmpint (cli_run (fixture, visit, "add", "visit"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, village));
  g_assert_nonnull (strstr (fixture->err, "leave the id out"));

  g_assert_cmpint (cli_run (fixture, NULL, "list", "visit"), ==, 0);
  g_assert_cmpstr (fixture->out, ==, "");
}

static void
test_long_arguments_are_refused_before_use (CliFixture    *fixture,
                                            gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);

  seed_places (fixture);
  while (text->len < 100 * 1024)
    g_string_append (text, "Nguye\xcc\x82\xcc\x83n ");

  g_assert_cmpint (cli_run (fixture, NULL, "search", text->str), ==, 2);
  g_assert_nonnull (strstr (fixture->err, "at most 200"));
  g_assert_cmpint (cli_run (fixture, NULL, "void-support", "4b0e9d1e-59a8-4b3c-9f4e-2f5d3c7a1b20", "--reason", text->str), ==, 2);
  g_assert_nonnull (strstr (fixture->err, "--reason"));
  g_assert_nonnull (strstr (fixture->err, "at most 4000"));
}

/* Runs the built program as a person would: Vietnamese asked for by
 * LANGUAGE alone, with no variable saying where the translations are. */
static void
test_vietnamese_without_a_catalogue_variable (CliFixture    *fixture,
                                              gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_launcher_unsetenv (launcher, "DONGHANH_LOCALEDIR");
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "vi", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("DONGHANH_CLI"),
                                         "--store", fixture->store, "frobnicate", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  g_assert_nonnull (strstr (err, "“frobnicate” không phải là lệnh"));
  g_assert_null (strstr (err, "is not a command"));
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
  CLI_TEST ("/cli/store/only-a-store-is-opened", test_only_a_store_is_opened);
  CLI_TEST ("/cli/store/mode-is-kept", test_store_mode_is_kept);
  CLI_TEST ("/cli/usage/counts-out-of-range-are-usage-errors", test_counts_out_of_range_are_usage_errors);
  CLI_TEST ("/cli/records/standard-input-holds-exactly-one-object", test_standard_input_holds_exactly_one_object);
  CLI_TEST ("/cli/records/an-id-is-never-shared-by-two-kinds", test_an_id_is_never_shared_by_two_kinds);
  CLI_TEST ("/cli/usage/long-arguments-are-refused-before-use", test_long_arguments_are_refused_before_use);
  CLI_TEST ("/cli/i18n/vietnamese-without-a-catalogue-variable", test_vietnamese_without_a_catalogue_variable);

  return g_test_run ();
}
