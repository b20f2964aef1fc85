/* test-import.c – importing the commune's household list and exporting lists, as CSV */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "cli-fixture.h"
#include "dh-autocleanups.h"
#include "dh-entity.h"

typedef struct
{
  char *name;
  char *code;
} Village;

/* Two villages of the demo province, by name and code as a commune's list would write them. */
static void
demo_villages (CliFixture *fixture,
               Village    *first,
               Village    *second)
{
  g_auto(GStrv) lines = NULL;
  g_autoptr(json_object) a = NULL;
  g_autoptr(json_object) b = NULL;

  g_assert_cmpint (cli_run (fixture, NULL, "demo", "--households", "0"), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "village", "--limit", "2"), ==, 0);
  lines = g_strsplit (fixture->out, "\n", -1);
  a = json_tokener_parse (lines[0]);
  b = json_tokener_parse (lines[1]);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  first->name = g_strdup (dh_json_get_string (a, "name"));
  first->code = g_strdup (dh_json_get_string (a, "code"));
  second->name = g_strdup (dh_json_get_string (b, "name"));
  second->code = g_strdup (dh_json_get_string (b, "code"));
}

static void
village_clear (Village *village)
{
  g_free (village->name);
  g_free (village->code);
}

static char *
write_file (CliFixture *fixture,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

static gint64
households (CliFixture *fixture)
{
  g_autoptr(json_object) status = NULL;
  json_object *counts;

  g_assert_cmpint (cli_run (fixture, NULL, "status"), ==, 0);
  status = json_tokener_parse (fixture->out);
  json_object_object_get_ex (status, "counts", &counts);
  return json_object_get_int64 (json_object_object_get (counts, "household"));
}

static void
test_excel_semicolon_file_with_bom (CliFixture    *fixture,
                                    gconstpointer  data)
{
  Village first, second;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  g_autoptr(json_object) found = NULL;
  json_object *causes;

  demo_villages (fixture, &first, &second);
  contents = g_strdup_printf ("\xEF\xBB\xBFMã hộ;Họ và tên chủ hộ;Thôn;Số điện thoại;Dân tộc;Phân loại;Nguyên nhân nghèo\r\n"
                              "H-001;Nguyễn Văn Đặng;%s;0912 345 678;Tày;Hộ nghèo;\"Không có vốn sản xuất, kinh doanh; no_production_land\"\r\n"
                              "H-002;\"Lò Thị Mỷ\";%s;;Thái;Hộ cận nghèo;\r\n"
                              "H-003;Hoàng A Páo;%s;+84 987 654 321;mong;near_poor;\r\n"
                              "H-004;Ma Thị Hoa;%s;\"=\"\"02031234567\"\"\";;;\r\n",
                              first.name, first.code, second.name, second.code);
  path = write_file (fixture, "danh-sach.csv", contents, -1);

  g_assert_cmpint (cli_run (fixture, NULL, "import-households", path, "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "4"));
  g_assert_cmpint (households (fixture), ==, 0);

  g_assert_cmpint (cli_run (fixture, NULL, "import-households", path), ==, 0);
  g_assert_cmpint (households (fixture), ==, 4);

  /* a number kept as text by a spreadsheet, ="02031234567", is the text */
  g_assert_cmpint (cli_run (fixture, NULL, "search", "ma thi hoa"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "\"phone\":\"02031234567\""));

  g_assert_cmpint (cli_run (fixture, NULL, "search", "nguyen van dang"), ==, 0);
  found = json_tokener_parse (fixture->out);
  g_assert_nonnull (found);
  g_assert_cmpstr (dh_json_get_string (found, "code"), ==, "H-001");
  g_assert_cmpstr (dh_json_get_string (found, "phone"), ==, "0912345678");
  g_assert_cmpstr (dh_json_get_string (found, "ethnicity"), ==, "tay");
  g_assert_cmpstr (dh_json_get_string (found, "classification"), ==, "poor");
  g_assert_true (json_object_object_get_ex (found, "poverty_causes", &causes));
  g_assert_cmpuint (json_object_array_length (causes), ==, 2);

  village_clear (&first);
  village_clear (&second);
}

static void
test_unaccented_upper_case_headers (CliFixture    *fixture,
                                    gconstpointer  data)
{
  Village first, second;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;

  demo_villages (fixture, &first, &second);
  contents = g_strdup_printf ("HO VA TEN CHU HO,THON,DIA CHI\n"
                              "Trần Văn An,%s,\"Nhà số 5, xóm Trên\"\n",
                              first.code);
  path = write_file (fixture, "khong-dau.csv", contents, -1);

  g_assert_cmpint (cli_run (fixture, NULL, "import-households", path), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "search", "tran an"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "Nhà số 5, xóm Trên"));

  village_clear (&first);
  village_clear (&second);
}

static void
test_bad_rows_reported_by_line_and_nothing_written (CliFixture    *fixture,
                                                    gconstpointer  data)
{
  Village first, second;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;

  demo_villages (fixture, &first, &second);
  contents = g_strdup_printf ("Mã hộ;Họ và tên chủ hộ;Thôn;Số điện thoại;Phân loại\n"
                              "A-1;Nguyễn Văn An;%s;;Hộ nghèo\n"          /* line 2: good */
                              "A-2;;%s;;\n"                                /* line 3: no head */
                              "A-3;Lê Văn Bình;Thôn Không Có;;\n"          /* line 4: unknown village */
                              "A-4;Phạm Thị Chi;%s;12345;\n"               /* line 5: bad phone */
                              "A-1;Đỗ Văn Dũng;%s;;\n"                     /* line 6: code taken by line 2 */
                              "A-6;Vũ Thị Hà;%s;;giàu lắm\n",              /* line 7: unknown class */
                              first.name, first.name, first.name, first.name, first.name);
  path = write_file (fixture, "loi.csv", contents, -1);

  g_assert_cmpint (cli_run (fixture, NULL, "import-households", path, "--dry-run"), ==, 1);
  for (guint line = 3; line <= 7; line++)
    {
      g_autofree char *where = g_strdup_printf ("loi.csv:%u:", line);

      if (strstr (fixture->err, where) == NULL)
        g_error ("line %u not reported in:\n%s", line, fixture->err);
    }
  g_assert_null (strstr (fixture->err, "loi.csv:2:"));
  g_assert_nonnull (strstr (fixture->err, "head_name"));
  g_assert_nonnull (strstr (fixture->err, "Thôn Không Có"));
  g_assert_nonnull (strstr (fixture->err, "phone"));
  g_assert_nonnull (strstr (fixture->err, "A-1"));
  g_assert_cmpint (households (fixture), ==, 0);

  /* a real import with a bad row writes nothing either */
  g_assert_cmpint (cli_run (fixture, NULL, "import-households", path), ==, 1);
  g_assert_cmpint (households (fixture), ==, 0);

  village_clear (&first);
  village_clear (&second);
}

static void
test_file_problems (CliFixture    *fixture,
                    gconstpointer  data)
{
  /* "Nguyễn" in Windows-1258 bytes: not UTF-8 */
  g_autofree char *legacy = write_file (fixture, "cu.csv", "H\xd4 V\xc0 T\xcaN;TH\xd4N\nNguy\xea\xden;X\n", -1);
  g_autofree char *no_head = write_file (fixture, "thieu.csv", "Mã hộ;Thôn\nA;B\n", -1);
  g_autofree char *empty = write_file (fixture, "rong.csv", "", 0);
  g_autofree char *missing = g_build_filename (fixture->dir, "khong-co.csv", NULL);

  g_assert_cmpint (cli_run (fixture, NULL, "demo", "--households", "0"), ==, 0);

  g_assert_cmpint (cli_run (fixture, NULL, "import-households", legacy), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "UTF-8"));
  g_assert_cmpint (cli_run (fixture, NULL, "import-households", no_head), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "Họ và tên chủ hộ"));
  g_assert_cmpint (cli_run (fixture, NULL, "import-households", empty), ==, 1);
  g_assert_cmpint (cli_run (fixture, NULL, "import-households", missing), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "khong-co.csv"));
  g_assert_cmpint (households (fixture), ==, 0);
}

static void
test_export_opens_in_spreadsheets (CliFixture    *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "ho.csv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;

  g_assert_cmpint (cli_run (fixture, NULL, "demo", "--households", "25"), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "export", "household", path), ==, 0);

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  /* the columns the import reads, named in the language of the messages */
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF" "Commune,Village,Household code,Head of household,"));
  g_assert_true (g_utf8_validate (contents, (gssize) length, NULL));
  g_assert_nonnull (strstr (contents, "\r\n"));
  lines = g_strsplit (contents, "\r\n", -1);
  /* header, 25 households, and the empty string after the last line end */
  g_assert_cmpuint (g_strv_length (lines), ==, 27);
  g_assert_null (strstr (lines[0], "head_name"));
  /* phone numbers keep their leading 0 in a spreadsheet */
  g_assert_nonnull (strstr (contents, ",\"=\"\"09"));
  g_assert_null (strstr (contents, ",09"));

  g_assert_cmpint (cli_run (fixture, NULL, "export", "spaceship", path), ==, 2);

  /* other lists too name households and places, and give labels: no ids, no codes */
  {
    g_autofree char *visits_path = g_build_filename (fixture->dir, "tham.csv", NULL);
    g_autofree char *visits = NULL;
    g_autoptr(GRegex) uuid = g_regex_new ("[0-9a-f]{8}-[0-9a-f]{4}-", 0, 0, NULL);

    g_assert_cmpint (cli_run (fixture, NULL, "export", "visit", visits_path), ==, 0);
    g_assert_true (g_file_get_contents (visits_path, &visits, NULL, NULL));
    g_assert_true (g_str_has_prefix (visits, "\xEF\xBB\xBF" "Household,Visited on,Visitor,Purpose,"));
    g_assert_false (g_regex_match (uuid, visits, 0, NULL));
    g_assert_nonnull (strstr (visits, "\r\nDEMO-"));
    g_assert_null (strstr (visits, ",review,"));
    g_assert_null (strstr (visits, ",routine,"));
  }
}

static void
test_formula_guard_read_back_as_text (CliFixture    *fixture,
                                      gconstpointer  data)
{
  Village first, second;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  g_autofree char *exported = g_build_filename (fixture->dir, "ho.csv", NULL);
  g_autofree char *written = NULL;

  demo_villages (fixture, &first, &second);
  /* what an export writes for text a spreadsheet would run */
  contents = g_strdup_printf ("Họ và tên chủ hộ,Thôn,Địa chỉ,Số điện thoại\n"
                              "'=1+1,%s,'@xóm Trên,\"=\"\"0912345678\"\"\"\n"
                              "'-Lò Văn Pâng,%s,'Nhà ông Pâng,\n",
                              first.code, first.code);
  path = write_file (fixture, "cong-thuc.csv", contents, -1);

  g_assert_cmpint (cli_run (fixture, NULL, "import-households", path), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "list", "household"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "\"head_name\":\"=1+1\""));
  g_assert_nonnull (strstr (fixture->out, "\"address\":\"@xóm Trên\""));
  g_assert_nonnull (strstr (fixture->out, "\"phone\":\"0912345678\""));
  g_assert_nonnull (strstr (fixture->out, "\"head_name\":\"-Lò Văn Pâng\""));
  /* an apostrophe before anything else is the text's own */
  g_assert_nonnull (strstr (fixture->out, "\"address\":\"'Nhà ông Pâng\""));

  /* and an export writes them back guarded, the phone still as text */
  g_assert_cmpint (cli_run (fixture, NULL, "export", "household", exported), ==, 0);
  g_assert_true (g_file_get_contents (exported, &written, NULL, NULL));
  g_assert_nonnull (strstr (written, ",'=1+1,"));
  g_assert_nonnull (strstr (written, ",'-Lò Văn Pâng,"));
  g_assert_nonnull (strstr (written, ",'@xóm Trên,"));
  g_assert_nonnull (strstr (written, ",'Nhà ông Pâng,"));
  g_assert_nonnull (strstr (written, ",\"=\"\"0912345678\"\"\","));

  village_clear (&first);
  village_clear (&second);
}

/* A cell is measured before anything reads it closely: a name of a
 * hundred thousand composed letters is refused at once, with its line. */
static void
test_oversized_cell_refused_before_normalising (CliFixture    *fixture,
                                                gconstpointer  data)
{
  Village first, second;
  g_autoptr(GString) contents = g_string_new ("Họ và tên chủ hộ;Thôn\n");
  g_autofree char *path = NULL;

  demo_villages (fixture, &first, &second);
  /* 50,000 bytes: within a line's cap, ten times a cell's */
  for (guint i = 0; i < 5000; i++)
    g_string_append (contents, "Nguye\xcc\x82\xcc\x83n ");
  g_string_append_printf (contents, ";%s\nLò Văn Sính;%s\n", first.name, first.name);
  path = write_file (fixture, "dai.csv", contents->str, (gssize) contents->len);

  g_assert_cmpint (cli_run (fixture, NULL, "import-households", path, "--dry-run"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "dai.csv:2:"));
  g_assert_nonnull (strstr (fixture->err, "4000"));
  g_assert_null (strstr (fixture->err, "dai.csv:3:"));
  g_assert_cmpint (households (fixture), ==, 0);

  village_clear (&first);
  village_clear (&second);
}

/* A Vietnamese session: the spawned program has LANGUAGE=vi and LANG=vi_VN.UTF-8
 * as a caseworker's laptop would; LC_ALL=C.UTF-8 stands in for the vi_VN
 * locale, which the test machines do not install, and the catalogue is
 * the one just built. */
#define VI_ENV(fixture) (const char * const []) { "LANGUAGE", "vi", "LANG", "vi_VN.UTF-8", "LC_ALL", "C.UTF-8", \
                                                  "DONGHANH_LOCALEDIR", g_getenv ("DONGHANH_TEST_LOCALEDIR"), NULL }
#define cli_run_vi(fixture, input, ...) \
  cli_run_with_env ((fixture), VI_ENV (fixture), (input), (const char * const []) { __VA_ARGS__, NULL })

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Every live record of ENTITY, as JSON lines parsed. */
static GPtrArray *
list_all (CliFixture *fixture,
          const char *entity)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (cli_run (fixture, NULL, "list", entity, "--limit", "10000"), ==, 0);
  lines = g_strsplit (fixture->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] != '\0')
        g_ptr_array_add (records, json_tokener_parse (lines[i]));
    }
  return records;
}

/* The store's households and members written out as people read them,
 * one line each, sorted: places by name, codes as names and labels, no
 * ids; two stores with the same lines hold the same households and members. */
static GPtrArray *
caseload_in_words (CliFixture *fixture)
{
  static const char * const household_fields[] = {
    "code", "head_name", "address", "phone", "ethnicity", "classification", "classification_year",
    "recognized_on", "poverty_causes", "assigned_to", "notes", NULL
  };
  static const char * const member_fields[] = {
    "full_name", "relation", "sex", "birth_date", "ethnicity", "citizen_id", "health_insurance",
    "schooling", "employment", "disability", "social_allowance", "notes", NULL
  };
  g_autoptr(GPtrArray) places = list_all (fixture, "admin_unit");
  g_autoptr(GPtrArray) households = list_all (fixture, "household");
  g_autoptr(GPtrArray) members = list_all (fixture, "member");
  g_autoptr(GHashTable) place_names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) household_codes = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < places->len; i++)
    g_hash_table_insert (place_names, (gpointer) dh_json_get_string (g_ptr_array_index (places, i), "id"),
                         (gpointer) dh_json_get_string (g_ptr_array_index (places, i), "name"));

  for (guint i = 0; i < households->len; i++)
    {
      json_object *household = g_ptr_array_index (households, i);
      GString *line = g_string_new (NULL);

      g_hash_table_insert (household_codes, (gpointer) dh_json_get_string (household, "id"),
                           (gpointer) dh_json_get_string (household, "code"));
      g_string_append_printf (line, "household %s / %s", (char *) g_hash_table_lookup (place_names, dh_json_get_string (household, "commune")),
                              (char *) g_hash_table_lookup (place_names, dh_json_get_string (household, "village")));
      for (guint f = 0; household_fields[f] != NULL; f++)
        {
          json_object *value = NULL;

          json_object_object_get_ex (household, household_fields[f], &value);
          g_string_append_printf (line, " | %s=%s", household_fields[f], value != NULL ? json_object_to_json_string (value) : "");
        }
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }

  for (guint i = 0; i < members->len; i++)
    {
      json_object *member = g_ptr_array_index (members, i);
      GString *line = g_string_new (NULL);

      g_string_append_printf (line, "member of %s", (char *) g_hash_table_lookup (household_codes, dh_json_get_string (member, "household")));
      for (guint f = 0; member_fields[f] != NULL; f++)
        {
          json_object *value = NULL;

          json_object_object_get_ex (member, member_fields[f], &value);
          g_string_append_printf (line, " | %s=%s", member_fields[f], value != NULL ? json_object_to_json_string (value) : "");
        }
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }

  g_ptr_array_sort (lines, compare_lines);
  return lines;
}

/* The spreadsheet round trip: a demo caseload exported in a Vietnamese
 * session, households and members, imports into a fresh store with the
 * same places as the same households and members, field by field. */
static void
test_export_imports_into_another_store (CliFixture    *fixture,
                                        gconstpointer  data)
{
  g_autofree char *second = g_build_filename (fixture->dir, "second.db", NULL);
  g_autofree char *households_csv = g_build_filename (fixture->dir, "ho.csv", NULL);
  g_autofree char *members_csv = g_build_filename (fixture->dir, "nhan-khau.csv", NULL);
  g_autofree char *households_text = NULL;
  g_autofree char *members_text = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GRegex) uuid = g_regex_new ("[0-9a-f]{8}-[0-9a-f]{4}-", 0, 0, NULL);

  g_assert_cmpint (cli_run (fixture, NULL, "demo", "--households", "40", "--seed", "7"), ==, 0);
  before = caseload_in_words (fixture);
  g_assert_cmpuint (before->len, >, 40);

  g_assert_cmpint (cli_run_vi (fixture, NULL, "export", "household", households_csv), ==, 0);
  g_assert_cmpint (cli_run_vi (fixture, NULL, "export", "member", members_csv), ==, 0);
  g_assert_true (g_file_get_contents (households_csv, &households_text, NULL, NULL));
  g_assert_true (g_file_get_contents (members_csv, &members_text, NULL, NULL));

  /* headings, places, classes, groups and relations as people write them */
  g_assert_true (g_str_has_prefix (households_text, "\xEF\xBB\xBF" "Xã,Thôn,Mã hộ,Họ và tên chủ hộ,Địa chỉ,Số điện thoại,Dân tộc,Phân loại,"));
  g_assert_true (g_str_has_prefix (members_text, "\xEF\xBB\xBF" "Xã,Thôn,Mã hộ,Họ và tên chủ hộ,Họ và tên,Quan hệ với chủ hộ,Giới tính,Ngày sinh,"));
  g_assert_nonnull (strstr (households_text, ",Hộ nghèo,"));
  g_assert_nonnull (strstr (households_text, ",Kinh,"));
  g_assert_nonnull (strstr (households_text, "(demo),"));
  g_assert_nonnull (strstr (members_text, ",Con,"));
  g_assert_nonnull (strstr (members_text, ",Nữ,"));
  g_assert_nonnull (strstr (members_text, ",Có,"));
  g_assert_null (strstr (households_text, "near_poor"));
  g_assert_null (strstr (members_text, ",child,"));
  g_assert_false (g_regex_match (uuid, households_text, 0, NULL));
  g_assert_false (g_regex_match (uuid, members_text, 0, NULL));

  /* a fresh store with the same places, the import in English this time */
  g_free (fixture->store);
  fixture->store = g_strdup (second);
  g_assert_cmpint (cli_run (fixture, NULL, "demo", "--households", "0"), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "import-households", households_csv), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "import-members", members_csv), ==, 0);
  g_assert_cmpstr (fixture->err, ==, "");
  after = caseload_in_words (fixture);

  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++)
    g_assert_cmpstr (g_ptr_array_index (after, i), ==, g_ptr_array_index (before, i));

  /* and the same lists again change nothing */
  g_assert_cmpint (cli_run (fixture, NULL, "import-households", households_csv), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "0 new, 0 updated, 40 unchanged"));
  g_assert_cmpint (cli_run (fixture, NULL, "import-members", members_csv), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "0 new, 0 updated,"));
  g_assert_cmpint (households (fixture), ==, 40);
}

/* A list already there updates the households it finds by code; a dry run
 * says what would change, in words, and the counts. */
static void
test_list_already_there_updates_by_code (CliFixture    *fixture,
                                         gconstpointer  data)
{
  Village first, second;
  g_autofree char *list = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *path = NULL;
  g_autofree char *path2 = NULL;
  g_autoptr(json_object) found = NULL;

  demo_villages (fixture, &first, &second);
  list = g_strdup_printf ("Mã hộ;Họ và tên chủ hộ;Thôn;Số điện thoại;Phân loại;Dân tộc\n"
                          "H-001;Nguyễn Văn Đặng;%s;0912 345 678;Hộ nghèo;Tày\n"
                          "H-002;Lò Thị Mỷ;%s;;Hộ cận nghèo;Thái\n",
                          first.name, first.name);
  changed = g_strdup_printf ("Mã hộ;Họ và tên chủ hộ;Thôn;Số điện thoại;Phân loại;Dân tộc\n"
                             "H-001;Nguyễn Văn Đặng;%s;0987 654 321;Hộ cận nghèo;Tày\n"
                             "H-002;Lò Thị Mỷ;%s;;Hộ cận nghèo;Thái\n"
                             "H-003;Hoàng A Páo;%s;;;H'Mông\n",
                             first.name, first.name, first.name);
  path = write_file (fixture, "lan-1.csv", list, -1);
  path2 = write_file (fixture, "lan-2.csv", changed, -1);

  g_assert_cmpint (cli_run (fixture, NULL, "import-households", path), ==, 0);
  g_assert_cmpint (households (fixture), ==, 2);

  g_assert_cmpint (cli_run_vi (fixture, NULL, "import-households", path2, "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "lan-2.csv:2: H-001 (Nguyễn Văn Đặng): Số điện thoại: 0912345678 → 0987654321; Phân loại: Hộ nghèo → Hộ cận nghèo"));
  g_assert_null (strstr (fixture->out, "lan-2.csv:3:"));
  g_assert_nonnull (strstr (fixture->out, "1 mới, 1 cập nhật, 1 không đổi"));
  g_assert_cmpint (households (fixture), ==, 2);
  g_assert_cmpint (cli_run (fixture, NULL, "search", "nguyen van dang"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "\"phone\":\"0912345678\""));

  g_assert_cmpint (cli_run (fixture, NULL, "import-households", path2), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "1 new, 1 updated, 1 unchanged"));
  g_assert_cmpint (households (fixture), ==, 3);
  g_assert_cmpint (cli_run (fixture, NULL, "search", "nguyen van dang"), ==, 0);
  found = json_tokener_parse (fixture->out);
  g_assert_cmpstr (dh_json_get_string (found, "phone"), ==, "0987654321");
  g_assert_cmpstr (dh_json_get_string (found, "classification"), ==, "near_poor");
  g_assert_cmpint (cli_run (fixture, NULL, "search", "hoang a pao"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "\"ethnicity\":\"mong\""));

  /* a list without codes finds each household by its head in its village */
  {
    g_autofree char *no_codes = g_strdup_printf ("Họ và tên chủ hộ;Thôn;Số điện thoại\nLò Thị Mỷ;%s;0911 222 333\n", first.name);
    g_autofree char *path3 = write_file (fixture, "lan-3.csv", no_codes, -1);

    g_assert_cmpint (cli_run (fixture, NULL, "import-households", path3), ==, 0);
    g_assert_nonnull (strstr (fixture->out, "0 new, 1 updated, 0 unchanged"));
    g_assert_cmpint (households (fixture), ==, 3);
    g_assert_cmpint (cli_run (fixture, NULL, "search", "lo thi my"), ==, 0);
    g_assert_nonnull (strstr (fixture->out, "\"phone\":\"0911222333\""));
    g_assert_nonnull (strstr (fixture->out, "\"code\":\"H-002\""));
  }

  village_clear (&first);
  village_clear (&second);
}

/* A commune's list has columns the import does not read: each is named;
 * and a row with several mistakes has each of them said, with its column. */
static void
test_ignored_columns_and_every_error_of_a_row (CliFixture    *fixture,
                                               gconstpointer  data)
{
  Village first, second;
  g_autofree char *list = NULL;
  g_autofree char *path = NULL;

  demo_villages (fixture, &first, &second);
  list = g_strdup_printf ("STT;Mã hộ;Họ và tên chủ hộ;Thôn;Số nhân khẩu;Số điện thoại;Phân loại;Dân tộc\n"
                          "1;H-001;Nguyễn Văn Đặng;%s;5;0912 345 678;Hộ nghèo;Tày\n"
                          "2;H-002;Lò Thị Mỷ;%s;3;12345;giàu lắm;Klingon\n",
                          first.name, first.name);
  path = write_file (fixture, "ds.csv", list, -1);

  g_assert_cmpint (cli_run_vi (fixture, NULL, "import-households", path, "--dry-run"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "ds.csv:1: cột “STT”: "));
  g_assert_nonnull (strstr (fixture->err, "ds.csv:1: cột “Số nhân khẩu”: "));
  g_assert_nonnull (strstr (fixture->err, "ds.csv:3: cột “Số điện thoại”: "));
  g_assert_nonnull (strstr (fixture->err, "ds.csv:3: cột “Phân loại”: "));
  g_assert_nonnull (strstr (fixture->err, "giàu lắm"));
  g_assert_nonnull (strstr (fixture->err, "ds.csv:3: cột “Dân tộc”: "));
  g_assert_nonnull (strstr (fixture->err, "Klingon"));
  g_assert_null (strstr (fixture->err, "ds.csv:2:"));
  g_assert_null (strstr (fixture->err, "is not"));
  /* in the order of the row's columns */
  g_assert_true (strstr (fixture->err, "cột “Số điện thoại”") < strstr (fixture->err, "cột “Phân loại”"));
  g_assert_true (strstr (fixture->err, "cột “Phân loại”") < strstr (fixture->err, "cột “Dân tộc”"));

  /* in English too, the warning names the column */
  g_assert_cmpint (cli_run (fixture, NULL, "import-households", path, "--dry-run"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "ds.csv:1: column “STT”: the column “STT” is not one the import reads"));
  g_assert_cmpint (households (fixture), ==, 0);

  village_clear (&first);
  village_clear (&second);
}

/* Members are matched by citizen ID, else by name and date of birth in
 * their household; ethnic groups by any of their names, IDs in groups. */
static void
test_members_matched_by_citizen_id_or_name_and_birth (CliFixture    *fixture,
                                                      gconstpointer  data)
{
  Village first, second;
  g_autofree char *list = NULL;
  g_autofree char *members = NULL;
  g_autofree char *again = NULL;
  g_autofree char *households_path = NULL;
  g_autofree char *members_path = NULL;
  g_autofree char *again_path = NULL;
  g_autoptr(GPtrArray) found = NULL;
  guint checked = 0;

  demo_villages (fixture, &first, &second);
  list = g_strdup_printf ("Mã hộ,Họ và tên chủ hộ,Thôn,Dân tộc\nK-1,Thạch Văn Sơn,%s,Khơ-me\n", first.name);
  members = g_strdup_printf ("Mã hộ,Họ và tên,Quan hệ với chủ hộ,Giới tính,Ngày sinh,Dân tộc,Số định danh cá nhân,Có thẻ BHYT\n"
                             "K-1,Thạch Văn Sơn,Chủ hộ,Nam,1985,Khmer,001 085 012 345,Có\n"
                             "K-1,Thạch Thị Mai,Vợ/chồng,Nữ,12/03/1988,05,,không\n"
                             "K-1,Thạch Văn Tú,Con,Nam,2010,Kinh (Việt),,x\n");
  again = g_strdup_printf ("Mã hộ,Họ và tên,Quan hệ với chủ hộ,Giới tính,Ngày sinh,Dân tộc,Số định danh cá nhân,Có thẻ BHYT\n"
                           "K-1,Thạch Văn Sơn (Sang),Chủ hộ,Nam,1985,Khmer,001085012345,Có\n"
                           "K-1,Thạch Thị Mai,Vợ/chồng,Nữ,12/03/1988,05,,Có\n"
                           "K-1,Thạch Văn Tú,Con,Nam,2011,Kinh,,x\n");

  households_path = write_file (fixture, "ho.csv", list, -1);
  members_path = write_file (fixture, "nk.csv", members, -1);
  again_path = write_file (fixture, "nk2.csv", again, -1);
  g_assert_cmpint (cli_run (fixture, NULL, "import-households", households_path), ==, 0);
  g_assert_cmpint (cli_run (fixture, NULL, "import-members", members_path), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "3 new, 0 updated, 0 unchanged"));

  /* the head renamed, matched by ID; the wife matched by name and birth;
   * the son with another year of birth is another person */
  g_assert_cmpint (cli_run (fixture, NULL, "import-members", again_path, "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (fixture->out, "nk2.csv:2: Thạch Văn Sơn: Họ và tên: Thạch Văn Sơn → Thạch Văn Sơn (Sang)"));
  g_assert_nonnull (strstr (fixture->out, "nk2.csv:3: Thạch Thị Mai: Có thẻ BHYT: No → Yes"));
  g_assert_nonnull (strstr (fixture->out, "1 new, 2 updated, 0 unchanged"));

  found = list_all (fixture, "member");
  g_assert_cmpuint (found->len, ==, 3);
  for (guint i = 0; i < found->len; i++)
    {
      json_object *member = g_ptr_array_index (found, i);

      if (g_strcmp0 (dh_json_get_string (member, "full_name"), "Thạch Văn Sơn") == 0)
        {
          g_assert_cmpstr (dh_json_get_string (member, "citizen_id"), ==, "001085012345");
          g_assert_cmpstr (dh_json_get_string (member, "ethnicity"), ==, "khmer");
          checked++;
        }
      else if (g_strcmp0 (dh_json_get_string (member, "full_name"), "Thạch Thị Mai") == 0)
        {
          g_assert_cmpstr (dh_json_get_string (member, "ethnicity"), ==, "khmer");
          g_assert_cmpstr (dh_json_get_string (member, "birth_date"), ==, "1988-03-12");
          checked++;
        }
      else
        {
          g_assert_cmpstr (dh_json_get_string (member, "ethnicity"), ==, "kinh");
          g_assert_cmpstr (dh_json_get_string (member, "relation"), ==, "child");
          checked++;
        }
    }
  g_assert_cmpuint (checked, ==, 3);

  village_clear (&first);
  village_clear (&second);
}

/* The import reads its file as a stream: a device that never ends, or a
 * line far longer than a row, is refused with its line, without reading
 * it all. */
static void
test_endless_file_and_long_line_refused (CliFixture    *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GString) long_line = g_string_new ("Họ và tên chủ hộ,Thôn\nA,B\n");
  g_autofree char *path = NULL;

  g_assert_cmpint (cli_run (fixture, NULL, "demo", "--households", "0"), ==, 0);

  g_assert_cmpint (cli_run (fixture, NULL, "import-households", "/dev/zero"), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "line 1 "));
  g_assert_nonnull (strstr (fixture->err, "UTF-8"));

  for (guint i = 0; i < 70000; i++)
    g_string_append_c (long_line, 'x');
  path = write_file (fixture, "dai.csv", long_line->str, (gssize) long_line->len);
  g_assert_cmpint (cli_run (fixture, NULL, "import-households", path), ==, 1);
  g_assert_nonnull (strstr (fixture->err, "line 3 is longer than 65536 bytes"));
  g_assert_cmpint (households (fixture), ==, 0);

  /* more rows than an import takes: refused at the first one too many */
  {
    g_autoptr(GString) many = g_string_new ("Họ và tên chủ hộ,Thôn\n");
    g_autofree char *many_path = NULL;

    for (guint i = 0; i < 20001; i++)
      g_string_append (many, "A,B\n");
    many_path = write_file (fixture, "nhieu.csv", many->str, (gssize) many->len);
    g_assert_cmpint (cli_run (fixture, NULL, "import-households", many_path, "--dry-run"), ==, 1);
    g_assert_nonnull (strstr (fixture->err, "line 20002: the file has more than 20000 rows"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  CLI_TEST ("/cli/import/excel-semicolon-file-with-bom", test_excel_semicolon_file_with_bom);
  CLI_TEST ("/cli/import/unaccented-upper-case-headers", test_unaccented_upper_case_headers);
  CLI_TEST ("/cli/import/bad-rows-reported-by-line-and-nothing-written", test_bad_rows_reported_by_line_and_nothing_written);
  CLI_TEST ("/cli/import/file-problems", test_file_problems);
  CLI_TEST ("/cli/export/opens-in-spreadsheets", test_export_opens_in_spreadsheets);
  CLI_TEST ("/cli/import/formula-guard-read-back-as-text", test_formula_guard_read_back_as_text);
  CLI_TEST ("/cli/import/oversized-cell-refused-before-normalising", test_oversized_cell_refused_before_normalising);

  CLI_TEST ("/cli/export/imports-into-another-store", test_export_imports_into_another_store);
  CLI_TEST ("/cli/import/list-already-there-updates-by-code", test_list_already_there_updates_by_code);
  CLI_TEST ("/cli/import/ignored-columns-and-every-error-of-a-row", test_ignored_columns_and_every_error_of_a_row);
  CLI_TEST ("/cli/import/members-matched-by-citizen-id-or-name-and-birth", test_members_matched_by_citizen_id_or_name_and_birth);
  CLI_TEST ("/cli/import/endless-file-and-long-line-refused", test_endless_file_and_long_line_refused);

  return g_test_run ();
}
