/* test-places.c – donghanh-cli takes places and coded values the way people write them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "cli-fixture.h"
#include "dh-autocleanups.h"

static char *
output_string (CliFixture *fixture,
               const char *key)
{
  g_autoptr(json_object) record = cli_output_json (fixture);
  json_object *value = NULL;

  if (!json_object_object_get_ex (record, key, &value) || value == NULL)
    return NULL;
  return g_strdup (json_object_get_string (value));
}

/* Adds a record from JSON and returns its id; the add must succeed. */
static char *
add (CliFixture *fixture,
     const char *entity,
     const char *json)
{
  g_test_message ("add %s %s", entity, json);
  g_assert_cmpint (cli_run (fixture, json, "add", entity), ==, 0);
  return output_string (fixture, "id");
}

/* A province with two communes, each with a village called "Thôn Đông";
 * Xã Tân Lập also has Bản Nà, the only one of its name. */
typedef struct
{
  char *province;
  char *tan_lap;
  char *minh_tien;
  char *dong_tan_lap;
  char *dong_minh_tien;
  char *ban_na;
} Places;

static void
places_clear (Places *places)
{
  g_free (places->province);
  g_free (places->tan_lap);
  g_free (places->minh_tien);
  g_free (places->dong_tan_lap);
  g_free (places->dong_minh_tien);
  g_free (places->ban_na);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Places, places_clear)

static void
make_places (CliFixture *fixture,
             Places     *places)
{
  g_assert_cmpint (cli_run (fixture, NULL, "init"), ==, 0);
  places->province = add (fixture, "province", "{\"code\": \"LC\", \"name\": \"Tỉnh Lào Cai\"}");
  places->tan_lap = add (fixture, "commune",
                         "{\"code\": \"TL\", \"name\": \"Xã Tân Lập\", \"parent\": \"LC\", \"area\": \"rural\"}");
  places->minh_tien = add (fixture, "commune",
                           "{\"code\": \"MT\", \"name\": \"Xã Minh Tiến\", \"parent\": \"Tỉnh Lào Cai\", \"area\": \"rural\"}");
  places->dong_tan_lap = add (fixture, "village", "{\"code\": \"TL-01\", \"name\": \"Thôn Đông\", \"parent\": \"Xã Tân Lập\"}");
  places->dong_minh_tien = add (fixture, "village", "{\"code\": \"MT-01\", \"name\": \"Thôn Đông\", \"parent\": \"MT\"}");
  places->ban_na = add (fixture, "village", "{\"code\": \"TL-02\", \"name\": \"Bản Nà\", \"parent\": \"xa tan lap\"}");
}

static void
test_places_are_added_by_their_kind (CliFixture    *fixture,
                                     gconstpointer  data)
{
  g_auto(Places) places = { 0 };
  g_autofree char *kind = NULL;
  g_autofree char *parent = NULL;

  make_places (fixture, &places);

  /* the kind is the word the command was given */
  g_assert_cmpint (cli_run (fixture, NULL, "get", "commune", places.tan_lap), ==, 0);
  kind = output_string (fixture, "kind");
  parent = output_string (fixture, "parent");
  g_assert_cmpstr (kind, ==, "commune");
  g_assert_cmpstr (parent, ==, places.province);

  g_assert_cmpint (cli_run (fixture, NULL, "list", "village"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 3);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "village", "parent=Xã Tân Lập"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 2);

  /* a village is no commune, whatever the input or the id says */
  g_assert_cmpint (cli_run (fixture, "{\"code\": \"X\", \"name\": \"Thôn X\", \"kind\": \"village\", \"parent\": \"TL\"}",
                            "add", "commune"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "kind"));
  g_assert_cmpint (cli_run (fixture, NULL, "get", "commune", places.ban_na), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "village"));
  g_assert_cmpint (cli_run (fixture, NULL, "delete", "commune", places.ban_na), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "get", "village", places.ban_na), ==, 0);

  g_assert_cmpint (cli_run (fixture, "{\"name\": \"Xã Tân Lập Mới\"}", "update", "commune", places.tan_lap), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "Xã Tân Lập Mới"));
  g_assert_cmpint (cli_run (fixture, NULL, "delete", "village", places.ban_na), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "restore", "village", places.ban_na), ==, 0);
}

static void
test_household_takes_a_village_by_name_or_code (CliFixture    *fixture,
                                                gconstpointer  data)
{
  g_auto(Places) places = { 0 };
  g_autofree char *village = NULL;
  g_autofree char *commune = NULL;
  g_autofree char *household = NULL;

  make_places (fixture, &places);

  /* a name only one village bears, typed with or without its marks */
  household = add (fixture, "household", "{\"village\": \"Bản Nà\", \"head_name\": \"Lò Văn Pó\"}");
  village = output_string (fixture, "village");
  g_assert_cmpstr (village, ==, places.ban_na);
  g_clear_pointer (&village, g_free);
  g_free (add (fixture, "household", "{\"village\": \"ban na\", \"head_name\": \"Lò Thị Én\"}"));
  village = output_string (fixture, "village");
  g_assert_cmpstr (village, ==, places.ban_na);
  g_clear_pointer (&village, g_free);

  /* a code is one village's alone */
  g_free (add (fixture, "household", "{\"village\": \"MT-01\", \"head_name\": \"Vàng A Dình\"}"));
  village = output_string (fixture, "village");
  commune = output_string (fixture, "commune");
  g_assert_cmpstr (village, ==, places.dong_minh_tien);
  g_assert_cmpstr (commune, ==, places.minh_tien);
  g_clear_pointer (&village, g_free);

  /* two villages of one name: both are named, with their communes and codes */
  g_assert_cmpint (cli_run (fixture, "{\"village\": \"Thôn Đông\", \"head_name\": \"Hà Văn Tú\"}", "add", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "village"));
  g_assert_nonnull (strstr (fixture->err, "Xã Tân Lập"));
  g_assert_nonnull (strstr (fixture->err, "Xã Minh Tiến"));
  g_assert_nonnull (strstr (fixture->err, "TL-01"));
  g_assert_nonnull (strstr (fixture->err, "MT-01"));
  g_assert_nonnull (strstr (fixture->err, "code"));
  g_assert_cmpstr (fixture->out, ==, "");

  /* ... and in Vietnamese for a Vietnamese reader */
  {
    const char * const vi[] = { "LANGUAGE", "vi", "LC_ALL", "C.UTF-8", "DONGHANH_LOCALEDIR", g_getenv ("DONGHANH_TEST_LOCALEDIR"), NULL };

    cli_run_with_env (fixture, vi, "{\"village\": \"Thôn Đông\", \"head_name\": \"Hà Văn Tú\"}",
                      (const char * const []) { "add", "household", NULL });
    g_assert_cmpint (fixture->status, ==, 1);
    g_assert_nonnull (strstr (fixture->err, "Thôn Đông thuộc Xã Tân Lập (mã TL-01)"));
    g_assert_nonnull (strstr (fixture->err, "hãy viết mã"));
  }

  /* no village of that name: said, with the names there are */
  g_assert_cmpint (cli_run (fixture, "{\"village\": \"Thôn Tây\", \"head_name\": \"Hà Văn Tú\"}", "add", "household"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "Thôn Tây"));
  g_assert_nonnull (strstr (fixture->err, "Bản Nà"));

  g_assert_cmpint (cli_run (fixture, NULL, "list", "household"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 3);

  /* a move to another village, by its code */
  g_assert_cmpint (cli_run (fixture, "{\"village\": \"TL-01\"}", "update", "household", household), ==, 0);
  village = output_string (fixture, "village");
  g_assert_cmpstr (village, ==, places.dong_tan_lap);

  /* a user's commune, by name */
  g_free (add (fixture, "user", "{\"username\": \"lan\", \"full_name\": \"Nguyễn Thị Lan\", \"role\": \"caseworker\", "
                                "\"commune\": \"Xã Minh Tiến\"}"));
  g_clear_pointer (&commune, g_free);
  commune = output_string (fixture, "commune");
  g_assert_cmpstr (commune, ==, places.minh_tien);
}

static void
test_filters_take_labels_and_place_names (CliFixture    *fixture,
                                          gconstpointer  data)
{
  const char *poor[] = { "classification=Hộ nghèo", "classification=ho ngheo", "classification=HỘ NGHÈO", "classification=poor" };
  g_auto(Places) places = { 0 };
  g_autofree char *household = NULL;
  g_autofree char *member_input = NULL;

  make_places (fixture, &places);
  household = add (fixture, "household", "{\"village\": \"TL-02\", \"head_name\": \"Lò Văn Pó\", \"classification\": \"poor\", "
                                         "\"ethnicity\": \"thai\", \"poverty_causes\": [\"no_capital\"]}");
  g_free (add (fixture, "household", "{\"village\": \"MT-01\", \"head_name\": \"Vàng A Dình\", \"classification\": \"near_poor\"}"));
  member_input = g_strdup_printf ("{\"household\": \"%s\", \"full_name\": \"Lò Văn Pọm\", \"relation\": \"child\"}", household);
  g_free (add (fixture, "member", member_input));

  for (guint i = 0; i < G_N_ELEMENTS (poor); i++)
    {
      g_test_message ("list household %s", poor[i]);
      g_assert_cmpint (cli_run (fixture, NULL, "list", "household", poor[i]), ==, 0);
      g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
      g_assert_nonnull (strstr (fixture->out, "Lò Văn Pó"));
    }

  /* an unknown value is an error that names the field and its values */
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "classification=giàu"), ==, 1);
  g_assert_cmpstr (fixture->out, ==, "");
  g_assert_nonnull (strstr (fixture->err, "classification"));
  g_assert_nonnull (strstr (fixture->err, "giàu"));
  g_assert_nonnull (strstr (fixture->err, "Hộ cận nghèo"));

  /* every coded field: a catalogue's, a fixed list's, a set's */
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "ethnicity=Thái"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "ethnicity=Atlantean"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "ethnicity"));
  g_assert_cmpint (cli_run (fixture, NULL, "list", "member", "relation=Con"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "member", "relation=cousin"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "relation"));
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "poverty_causes=khong co von san xuat, kinh doanh"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "poverty_causes=bad luck"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "poverty_causes"));

  /* places by name or code, and a name two villages bear is an error */
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "village=Bản Nà"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "village=MT-01"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  g_assert_nonnull (strstr (fixture->out, "Vàng A Dình"));
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "village=Thôn Đông"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "MT-01"));
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "village=Thôn Bắc"), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household", "commune=Xã Minh Tiến"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "member", "commune=TL"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "member", "commune=Xã Không Có"), ==, 1);
}

static void
test_report_names_its_commune (CliFixture    *fixture,
                               gconstpointer  data)
{
  g_auto(Places) places = { 0 };
  g_autofree char *by_id = NULL;

  make_places (fixture, &places);
  g_free (add (fixture, "household", "{\"village\": \"TL-02\", \"head_name\": \"Lò Văn Pó\", \"classification\": \"poor\"}"));

  g_assert_cmpint (cli_run (fixture, NULL, "report", "villages", places.tan_lap, "--json"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 2);
  g_assert_cmpint (cli_run (fixture, NULL, "report", "villages", places.tan_lap), ==, 0);
  by_id = g_strdup (fixture->out);
  /* a table of the commune, by its name whatever named it */
  g_assert_nonnull (strstr (fixture->out, "Xã Tân Lập"));
  g_assert_cmpint (cli_run (fixture, NULL, "report", "villages", "Xã Tân Lập"), ==, 0);
  g_assert_cmpstr (fixture->out, ==, by_id);
  g_assert_cmpint (cli_run (fixture, NULL, "report", "villages", "tan lap"), ==, 0);
  g_assert_cmpstr (fixture->out, ==, by_id);
  g_assert_cmpint (cli_run (fixture, NULL, "report", "villages", "TL"), ==, 0);
  g_assert_cmpstr (fixture->out, ==, by_id);

  /* an unknown commune is said to be unknown, never an empty report */
  g_assert_cmpint (cli_run (fixture, NULL, "report", "villages", "Xã Không Có"), ==, 1);
  g_assert_cmpstr (fixture->out, ==, "");
  g_assert_nonnull (strstr (fixture->err, "Xã Không Có"));
  g_assert_cmpint (cli_run (fixture, NULL, "report", "overdue", "Xã Không Có"), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "report", "support", "Xã Không Có", "2026"), ==, 1);
  /* a village's id is no commune's */
  g_assert_cmpint (cli_run (fixture, NULL, "report", "villages", places.ban_na), ==, 1);
  g_assert_cmpstr (fixture->out, ==, "");
}

/* The demo's places, made the way the releases before this one could:
 * 9 villages. */
static char *
demo_village (CliFixture *fixture)
{
  g_assert_cmpint (cli_run (fixture, NULL, "demo", "--households", "0"), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "village", "--limit", "1"), ==, 0);
  return output_string (fixture, "id");
}

static void
test_list_says_when_it_stopped_at_its_limit (CliFixture    *fixture,
                                             gconstpointer  data)
{
  g_free (demo_village (fixture));

  g_assert_cmpint (cli_run (fixture, NULL, "list", "village", "--limit", "4"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 4);
  g_assert_nonnull (strstr (fixture->err, "--offset 4"));
  g_assert_nonnull (strstr (fixture->err, "of 9"));

  /* the last page, or a list that fits, says nothing */
  g_assert_cmpint (cli_run (fixture, NULL, "list", "village", "--limit", "4", "--offset", "8"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);
  g_assert_cmpstr (fixture->err, ==, "");
  g_assert_cmpint (cli_run (fixture, NULL, "list", "village", "--limit", "9"), ==, 0);
  g_assert_cmpstr (fixture->err, ==, "");
}

/* Another program that holds the store's write lock, as a long import
 * does, until release_writer(). */
static GSubprocess *
hold_writer (CliFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  GSubprocess *writer;

  writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             g_getenv ("DONGHANH_HOLD_WRITE"), fixture->store, NULL);
  g_assert_no_error (error);

  /* it says when it has the lock: no time is guessed */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "holding");

  return writer;
}

static void
release_writer (GSubprocess *writer)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (writer), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (writer, NULL, &error);
  g_assert_no_error (error);
}

static void
test_busy_store_has_its_own_exit_status (CliFixture    *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GSubprocess) writer = NULL;
  g_autofree char *village = demo_village (fixture);
  g_autofree char *input = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Lò Văn Pó\"}", village);

  writer = hold_writer (fixture);

  /* a write gives up at once (--wait 0) and says why, with a status of its own */
  g_assert_cmpint (cli_run (fixture, input, "--wait", "0", "add", "household"), ==, 3);
  g_assert_cmpstr (fixture->out, ==, "");
  g_assert_nonnull (strstr (fixture->err, "in use by another program"));
  g_assert_nonnull (strstr (fixture->err, "try again"));
  g_assert_null (strstr (fixture->err, "close it"));
  {
    const char * const vi[] = { "LANGUAGE", "vi", "LC_ALL", "C.UTF-8", "DONGHANH_LOCALEDIR", g_getenv ("DONGHANH_TEST_LOCALEDIR"), NULL };

    cli_run_with_env (fixture, vi, input, (const char * const []) { "--wait", "0", "add", "household", NULL });
    g_assert_cmpint (fixture->status, ==, 3);
    g_assert_nonnull (strstr (fixture->err, "đang được một chương trình khác sử dụng"));
  }

  /* reads never wait for a writer */
  g_assert_cmpint (cli_run (fixture, NULL, "--wait", "0", "list", "village"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 9);

  release_writer (writer);

  g_assert_cmpint (cli_run (fixture, input, "--wait", "0", "add", "household"), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household"), ==, 0);
  g_assert_cmpuint (cli_output_lines (fixture), ==, 1);

  /* the wait is a number of seconds in its range */
  g_assert_cmpint (cli_run (fixture, NULL, "--wait", "-1", "list", "village"), ==, 2);
  g_assert_nonnull (strstr (fixture->err, "--wait"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  CLI_TEST ("/cli/places/added-by-their-kind", test_places_are_added_by_their_kind);
  CLI_TEST ("/cli/places/household-takes-a-village-by-name-or-code", test_household_takes_a_village_by_name_or_code);
  CLI_TEST ("/cli/places/filters-take-labels-and-place-names", test_filters_take_labels_and_place_names);
  CLI_TEST ("/cli/places/report-names-its-commune", test_report_names_its_commune);
  CLI_TEST ("/cli/list/says-when-it-stopped-at-its-limit", test_list_says_when_it_stopped_at_its_limit);
  CLI_TEST ("/cli/store/busy-store-has-its-own-exit-status", test_busy_store_has_its_own_exit_status);

  return g_test_run ();
}
