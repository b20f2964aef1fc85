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
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF" "id,"));
  g_assert_true (g_utf8_validate (contents, (gssize) length, NULL));
  g_assert_nonnull (strstr (contents, "\r\n"));
  lines = g_strsplit (contents, "\r\n", -1);
  /* header, 25 households, and the empty string after the last line end */
  g_assert_cmpuint (g_strv_length (lines), ==, 27);
  g_assert_nonnull (strstr (lines[0], "head_name"));
  /* phone numbers keep their leading 0 in a spreadsheet */
  g_assert_nonnull (strstr (contents, ",\"=\"\"09"));
  g_assert_null (strstr (contents, ",09"));

  g_assert_cmpint (cli_run (fixture, NULL, "export", "spaceship", path), ==, 2);
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
  for (guint i = 0; i < 20000; i++)
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

  return g_test_run ();
}
