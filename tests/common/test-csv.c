/* test-csv.c – reading the lists spreadsheets save, and writing lists they open */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "dh-csv.h"
#include "dh-error.h"

#define BOM "\xEF\xBB\xBF"

/* A stream that hands out one to three bytes a read, so that every record,
 * character and line end of a test is cut somewhere between two reads. */
#define TEST_TYPE_TRICKLE_STREAM (test_trickle_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestTrickleStream, test_trickle_stream, TEST, TRICKLE_STREAM, GInputStream)

struct _TestTrickleStream
{
  GInputStream  parent_instance;
  GBytes       *bytes;
  gsize         position;
  guint         turn;
};

G_DEFINE_FINAL_TYPE (TestTrickleStream, test_trickle_stream, G_TYPE_INPUT_STREAM)

static gssize
trickle_read (GInputStream  *stream,
              void          *buffer,
              gsize          count,
              GCancellable  *cancellable,
              GError       **error)
{
  TestTrickleStream *self = TEST_TRICKLE_STREAM (stream);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (self->bytes, &size);
  gsize step = 1 + self->turn++ % 3;
  gsize n = MIN (count, MIN (size - self->position, step));

  memcpy (buffer, data + self->position, n);
  self->position += n;
  return (gssize) n;
}

static void
test_trickle_stream_finalize (GObject *object)
{
  g_bytes_unref (TEST_TRICKLE_STREAM (object)->bytes);
  G_OBJECT_CLASS (test_trickle_stream_parent_class)->finalize (object);
}

static void
test_trickle_stream_class_init (TestTrickleStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_trickle_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = trickle_read;
}

static void
test_trickle_stream_init (TestTrickleStream *self)
{
}

static GInputStream *
trickle_stream_new (GBytes *bytes)
{
  TestTrickleStream *self = g_object_new (TEST_TYPE_TRICKLE_STREAM, NULL);

  self->bytes = g_bytes_ref (bytes);
  return G_INPUT_STREAM (self);
}

typedef struct
{
  GPtrArray *records; /* each a '|'-joined record, for short comparisons */
  GArray    *lines;
  char       delimiter;
} Records;

static void
records_clear (Records *records)
{
  g_clear_pointer (&records->records, g_ptr_array_unref);
  g_clear_pointer (&records->lines, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Records, records_clear)

static void
read_bytes (GBytes  *bytes,
            Records *records)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhCsvReader) reader = dh_csv_reader_new (bytes, &error);
  g_auto(GStrv) fields = NULL;
  guint line = 0;

  g_assert_no_error (error);
  g_assert_nonnull (reader);

  records->records = g_ptr_array_new_with_free_func (g_free);
  records->lines = g_array_new (FALSE, FALSE, sizeof (guint));
  records->delimiter = dh_csv_reader_get_delimiter (reader);

  while (dh_csv_reader_next (reader, &fields, &line, &error))
    {
      g_assert_nonnull (fields);
      g_ptr_array_add (records->records, g_strjoinv ("|", fields));
      g_array_append_val (records->lines, line);
      g_clear_pointer (&fields, g_strfreev);
    }

  g_assert_no_error (error);
  g_assert_null (fields);

  /* read from a stream a few bytes at a time, the same records on the same lines */
  {
    g_autoptr(GInputStream) stream = trickle_stream_new (bytes);
    g_autoptr(DhCsvReader) streamed = dh_csv_reader_new_for_stream (stream, 1024 * 1024, &error);
    guint n = 0;

    g_assert_no_error (error);
    g_assert_cmpint (dh_csv_reader_get_delimiter (streamed), ==, records->delimiter);
    while (dh_csv_reader_next (streamed, &fields, &line, &error))
      {
        g_autofree char *joined = g_strjoinv ("|", fields);

        g_assert_cmpuint (n, <, records->records->len);
        g_assert_cmpstr (joined, ==, g_ptr_array_index (records->records, n));
        g_assert_cmpuint (line, ==, g_array_index (records->lines, guint, n));
        g_clear_pointer (&fields, g_strfreev);
        n++;
      }
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, records->records->len);
  }
}

static void
read_text (const char *text,
           Records    *records)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));

  read_bytes (bytes, records);
}

static GBytes *
load_sample (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "common", "csv", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GBytes *bytes = g_file_load_bytes (file, NULL, NULL, &error);

  g_assert_no_error (error);
  return bytes;
}

static void
assert_record (Records    *records,
               guint       index,
               guint       line,
               const char *joined)
{
  g_assert_cmpuint (index, <, records->records->len);
  g_assert_cmpstr (g_ptr_array_index (records->records, index), ==, joined);
  g_assert_cmpuint (g_array_index (records->lines, guint, index), ==, line);
}

static void
test_reads_semicolon_file_with_bom (void)
{
  g_autoptr(GBytes) bytes = load_sample ("excel-semicolon-bom.csv");
  g_auto(Records) records = { 0 };

  read_bytes (bytes, &records);

  g_assert_cmpint (records.delimiter, ==, ';');
  g_assert_cmpuint (records.records->len, ==, 4);
  /* The byte-order mark is not part of the first column's name. */
  assert_record (&records, 0, 1, "Mã hộ|Họ và tên chủ hộ|Thôn|Địa chỉ|Số điện thoại|Phân loại");
  assert_record (&records, 1, 2, "HN-001|Nguyễn Văn Đặng|Bản Phiêng|Nhà số 5; cạnh trường|+84 912 345 678|Hộ nghèo");
  assert_record (&records, 2, 3, "HN-002|Lò Thị Hoa|Bản Phiêng|Đầu bản\nphía suối|0912000111|Hộ cận nghèo");
  /* Line 5 is the ";;;;;" an empty spreadsheet row becomes. */
  assert_record (&records, 3, 6, "HN-003|Vàng A \"Páo\"|Bản Mới|||Hộ nghèo");
}

static void
test_reads_comma_file_without_bom (void)
{
  g_auto(Records) records = { 0 };

  read_text ("Mã hộ,Họ và tên chủ hộ\r\nHN-001,Nguyễn Văn Đặng", &records);

  g_assert_cmpint (records.delimiter, ==, ',');
  g_assert_cmpuint (records.records->len, ==, 2);
  assert_record (&records, 0, 1, "Mã hộ|Họ và tên chủ hộ");
  assert_record (&records, 1, 2, "HN-001|Nguyễn Văn Đặng");
}

static void
test_reads_tab_file (void)
{
  g_auto(Records) records = { 0 };

  read_text ("Mã hộ\tHọ và tên, chủ hộ\tThôn\nHN-001\tNguyễn Văn Đặng\tBản Phiêng; xóm 2\n", &records);

  g_assert_cmpint (records.delimiter, ==, '\t');
  g_assert_cmpuint (records.records->len, ==, 2);
  assert_record (&records, 0, 1, "Mã hộ|Họ và tên, chủ hộ|Thôn");
  assert_record (&records, 1, 2, "HN-001|Nguyễn Văn Đặng|Bản Phiêng; xóm 2");
}

static void
test_detects_delimiter_outside_quotes_only (void)
{
  g_auto(Records) records = { 0 };

  read_text ("\"Họ, tên, đệm\";\"Thôn, bản, tổ\";Ghi chú\n\"Lò, A\";Bản, Mới;x\n", &records);

  g_assert_cmpint (records.delimiter, ==, ';');
  assert_record (&records, 0, 1, "Họ, tên, đệm|Thôn, bản, tổ|Ghi chú");
  assert_record (&records, 1, 2, "Lò, A|Bản, Mới|x");
}

static void
test_honours_excel_sep_line (void)
{
  g_auto(Records) records = { 0 };

  read_text (BOM "sep=;\r\nHọ tên,đệm;Thôn\r\nLò A Sinh;Bản Mới\r\n", &records);

  g_assert_cmpint (records.delimiter, ==, ';');
  g_assert_cmpuint (records.records->len, ==, 2);
  assert_record (&records, 0, 2, "Họ tên,đệm|Thôn");
  assert_record (&records, 1, 3, "Lò A Sinh|Bản Mới");
}

static void
test_single_column_file_reads_whole_lines (void)
{
  g_auto(Records) records = { 0 };

  read_text ("Họ và tên\nNguyễn Văn Đặng\nLò Thị Hoa\n", &records);

  g_assert_cmpint (records.delimiter, ==, ',');
  g_assert_cmpuint (records.records->len, ==, 3);
  assert_record (&records, 2, 3, "Lò Thị Hoa");
}

static void
test_quoted_cells_keep_delimiters_quotes_and_line_breaks (void)
{
  g_auto(Records) records = { 0 };

  read_text ("a,b,c,d\n"
             "\"1,5\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\n"
             "\"three\r\nlines\r\nhere\",x,,\n"
             "last,\"\"\"\",5\" TV,\"a\"b\n",
             &records);

  g_assert_cmpuint (records.records->len, ==, 4);
  assert_record (&records, 0, 1, "a|b|c|d");
  assert_record (&records, 1, 2, "1,5|say \"hi\"|two\nlines|");
  /* The records after a cell with line breaks keep their physical line. */
  assert_record (&records, 2, 4, "three\r\nlines\r\nhere|x||");
  /* Lenient like Excel: a stray quote in an unquoted cell is text, and
   * text after a closing quote is appended. */
  assert_record (&records, 3, 7, "last|\"|5\" TV|ab");
}

static void
test_accepts_crlf_lf_and_cr_line_ends (void)
{
  static const char *texts[] = {
    "h1,h2\r\n\"a\r\nb\",c\r\n\r\nd,e\r\n",
    "h1,h2\n\"a\nb\",c\n\nd,e\n",
    "h1,h2\r\"a\rb\",c\r\rd,e\r",
    "h1,h2\r\n\"a\r\nb\",c\r\n\r\nd,e",
  };
  static const char *second[] = { "a\r\nb|c", "a\nb|c", "a\rb|c", "a\r\nb|c" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_auto(Records) records = { 0 };

      read_text (texts[i], &records);

      g_assert_cmpuint (records.records->len, ==, 3);
      assert_record (&records, 0, 1, "h1|h2");
      assert_record (&records, 1, 2, second[i]);
      assert_record (&records, 2, 5, "d|e");
    }
}

static void
test_skips_blank_lines_but_counts_them (void)
{
  g_auto(Records) records = { 0 };

  read_text ("\n\r\na,b\n\n\n1,2\n,\n  ,\t\n3,\n\n", &records);

  g_assert_cmpint (records.delimiter, ==, ',');
  g_assert_cmpuint (records.records->len, ==, 3);
  assert_record (&records, 0, 3, "a|b");
  assert_record (&records, 1, 6, "1|2");
  /* Lines 7 and 8 hold only delimiters and spaces: empty spreadsheet rows. */
  assert_record (&records, 2, 9, "3|");
}

static void
test_empty_file_has_no_records (void)
{
  static const char *texts[] = { "", BOM, "\r\n\r\n", BOM "\n" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_auto(Records) records = { 0 };

      read_text (texts[i], &records);
      g_assert_cmpuint (records.records->len, ==, 0);
    }
}

static void
test_rejects_windows_1258_file_naming_the_line (void)
{
  g_autoptr(GBytes) bytes = load_sample ("windows-1258.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(DhCsvReader) reader = dh_csv_reader_new (bytes, &error);

  g_assert_null (reader);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  /* Lines 1 and 2 are plain ASCII; "Nguyễn" on line 3 is the first byte
   * that is not UTF-8. */
  g_assert_nonnull (strstr (error->message, "line 3 "));
  g_assert_nonnull (strstr (error->message, "CSV UTF-8"));
  g_assert_nonnull (strstr (error->message, "Unicode (UTF-8)"));
}

static void
test_rejects_invalid_utf8_after_a_multiline_cell (void)
{
  static const char text[] = "a,b\r\n\"x\r\ny\",z\r\n\r\nbad,\xE0\xE1\r\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(DhCsvReader) reader = dh_csv_reader_new (bytes, &error);

  g_assert_null (reader);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "line 5 "));
}

static void
test_rejects_utf16_file (void)
{
  static const char text[] = "\xFF\xFE" "a\0,\0b\0\r\0\n\0";
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(DhCsvReader) reader = dh_csv_reader_new (bytes, &error);

  g_assert_null (reader);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "UTF-16"));
  g_assert_nonnull (strstr (error->message, "CSV UTF-8"));
}

static void
test_rejects_unterminated_quote_naming_the_line_it_started (void)
{
  static const char text[] = "a,b\n1,2\n\n3,\"never\nclosed, it runs\n to the end\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  g_autoptr(DhCsvReader) reader = dh_csv_reader_new (bytes, &error);
  g_auto(GStrv) fields = NULL;
  guint line = 0;

  g_assert_no_error (error);

  /* The good records before it are read. */
  g_assert_true (dh_csv_reader_next (reader, &fields, &line, &error));
  g_clear_pointer (&fields, g_strfreev);
  g_assert_true (dh_csv_reader_next (reader, &fields, &line, &error));
  g_assert_cmpstr (fields[0], ==, "1");
  g_assert_cmpuint (line, ==, 2);
  g_clear_pointer (&fields, g_strfreev);

  g_assert_false (dh_csv_reader_next (reader, &fields, &line, &error));
  g_assert_null (fields);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "line 4:"));

  /* A failed reader does not pretend the file ended cleanly. */
  g_assert_false (dh_csv_reader_next (reader, &fields, &line, &again));
  g_assert_error (again, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_cmpstr (again->message, ==, error->message);
}

/* The next record of a stream reader over TEXT, or its error. */
static GError *
stream_error (GBytes *bytes,
              gsize   max_record_bytes,
              guint   good_records)
{
  g_autoptr(GInputStream) stream = trickle_stream_new (bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(DhCsvReader) reader = dh_csv_reader_new_for_stream (stream, max_record_bytes, &error);
  g_auto(GStrv) fields = NULL;

  if (reader == NULL)
    return g_steal_pointer (&error);

  for (guint i = 0; i < good_records; i++)
    {
      g_assert_true (dh_csv_reader_next (reader, &fields, NULL, &error));
      g_clear_pointer (&fields, g_strfreev);
    }
  g_assert_false (dh_csv_reader_next (reader, &fields, NULL, &error));
  g_assert_null (fields);
  return g_steal_pointer (&error);
}

static void
test_stream_refuses_what_is_not_utf8_when_it_reaches_it (void)
{
  g_autoptr(GBytes) bytes = load_sample ("windows-1258.csv");
  g_autoptr(GBytes) multiline = g_bytes_new_static ("a,b\r\n\"x\r\ny\",z\r\n\r\nbad,\xE0\xE1\r\n", 25);
  g_autoptr(GBytes) utf16 = g_bytes_new_static ("\xFF\xFE" "a\0,\0b\0\r\0\n\0", 12);
  g_autoptr(GError) error = stream_error (bytes, 4096, 2);
  g_autoptr(GError) after_cell = stream_error (multiline, 4096, 2);
  g_autoptr(GError) wide = stream_error (utf16, 4096, 0);

  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "line 3 "));
  g_assert_nonnull (strstr (error->message, "CSV UTF-8"));
  g_assert_error (after_cell, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (after_cell->message, "line 5 "));
  g_assert_error (wide, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (wide->message, "UTF-16"));
}

static void
test_stream_refuses_a_record_beyond_its_cap_naming_the_line (void)
{
  g_autoptr(GString) text = g_string_new ("Mã hộ,Ghi chú\nA-1,ngắn\nA-2,\"");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) unquoted = NULL;
  g_autoptr(GBytes) endless = NULL;

  /* a quoted cell of many lines that never closes: the cap stops it, not the end of the file */
  for (guint i = 0; i < 2000; i++)
    g_string_append (text, "dòng\n");
  bytes = g_bytes_new (text->str, text->len);
  error = stream_error (bytes, 1000, 2);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "line 3 "));
  g_assert_nonnull (strstr (error->message, "1000"));

  g_string_assign (text, "a,b\n");
  for (guint i = 0; i < 3000; i++)
    g_string_append_c (text, 'x');
  endless = g_bytes_new (text->str, text->len);
  unquoted = stream_error (endless, 1000, 1);
  g_assert_error (unquoted, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (unquoted->message, "line 2 "));
}

static void
test_normalises_decomposed_vietnamese_to_nfc (void)
{
  g_autoptr(GBytes) bytes = load_sample ("macos-decomposed.csv");
  g_autofree char *raw = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto(Records) records = { 0 };

  /* The sample really is decomposed: "ễ" as e + circumflex + tilde. */
  g_assert_nonnull (strstr (raw, "e\xCC\x82\xCC\x83"));

  read_bytes (bytes, &records);

  g_assert_cmpuint (records.records->len, ==, 3);
  /* Precomposed: "ễ" is U+1EC5 = E1 BB 85. */
  assert_record (&records, 0, 1, "H\xE1\xBB\x8D v\xC3\xA0 t\xC3\xAAn ch\xE1\xBB\xA7 h\xE1\xBB\x99|Th\xC3\xB4n");
  assert_record (&records, 1, 2, "Nguy\xE1\xBB\x85n V\xC4\x83n \xC4\x90\xE1\xBA\xB7ng|B\xE1\xBA\xA3n Phi\xC3\xAAng");
  assert_record (&records, 2, 3, "Lò Thị Hoa|Bản Mới");
}

static void
test_finds_column_whatever_the_accents_and_case (void)
{
  static const char * const head_aliases[] = { "Họ và tên chủ hộ", "Chủ hộ", NULL };
  static const char * const code_aliases[] = { "Mã hộ", "Mã số hộ", NULL };
  static const char * const phone_aliases[] = { "Số điện thoại", NULL };
  static const char * const accented[] = { "STT", "Mã hộ", "Họ và tên chủ hộ", NULL };
  static const char * const upper[] = { "STT", "MA HO", "HO VA TEN CHU HO", NULL };
  static const char * const plain[] = { "  ho va ten  chu ho ", "ma so ho", NULL };
  static const char * const decomposed[] = { "", "Ho\xCC\xA3 va\xCC\x80 te\xCC\x82n chu\xCC\x89 ho\xCC\xA3\xCC\x82", NULL };
  static const char * const twice[] = { "Chủ hộ", "Họ và tên chủ hộ", NULL };

  g_assert_cmpint (dh_csv_find_column (accented, head_aliases), ==, 2);
  g_assert_cmpint (dh_csv_find_column (upper, head_aliases), ==, 2);
  g_assert_cmpint (dh_csv_find_column (plain, head_aliases), ==, 0);
  g_assert_cmpint (dh_csv_find_column (decomposed, head_aliases), ==, 1);

  g_assert_cmpint (dh_csv_find_column (accented, code_aliases), ==, 1);
  g_assert_cmpint (dh_csv_find_column (upper, code_aliases), ==, 1);
  g_assert_cmpint (dh_csv_find_column (plain, code_aliases), ==, 1);

  /* The first header cell that matches wins, whichever alias it matches. */
  g_assert_cmpint (dh_csv_find_column (twice, head_aliases), ==, 0);

  g_assert_cmpint (dh_csv_find_column (accented, phone_aliases), ==, -1);
  /* "Họ" alone is not "Họ và tên chủ hộ": whole names match, not parts. */
  {
    static const char * const partial[] = { "Họ", "Tên chủ", NULL };

    g_assert_cmpint (dh_csv_find_column (partial, head_aliases), ==, -1);
  }
}

static GBytes *
write_rows (const char * const *rows[],
            const gssize        lengths[],
            guint               n_rows)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(DhCsvWriter) writer = dh_csv_writer_new (stream);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n_rows; i++)
    {
      g_assert_true (dh_csv_writer_write_row (writer, rows[i], lengths[i], &error));
      g_assert_no_error (error);
    }
  g_assert_true (dh_csv_writer_close (writer, &error));
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
}

static void
assert_bytes (GBytes     *bytes,
              const char *expected)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  g_autofree char *text = g_strndup (data, size);

  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpuint (size, ==, strlen (expected));
}

static void
test_writes_bom_crlf_and_quotes_only_when_needed (void)
{
  static const char * const header[] = { "Mã hộ", "Họ và tên chủ hộ", "Số điện thoại", "Ghi chú", NULL };
  static const char * const row[] = {
    "HN-001", "Nguyễn Văn \"Đặng\"", "+84 912 345 678", "Đầu bản\nphía suối", "a,b", "a;b",
    " lead", "trail ", "in side", "=1+1", "", NULL, "\r", "-",
  };
  const char * const *rows[] = { header, row };
  const gssize lengths[] = { -1, G_N_ELEMENTS (row) };
  g_autoptr(GBytes) bytes = write_rows (rows, lengths, G_N_ELEMENTS (rows));

  assert_bytes (bytes,
                BOM "Mã hộ,Họ và tên chủ hộ,Số điện thoại,Ghi chú\r\n"
                "HN-001,\"Nguyễn Văn \"\"Đặng\"\"\",+84 912 345 678,\"Đầu bản\nphía suối\",\"a,b\",a;b,"
                "\" lead\",\"trail \",in side,=1+1,,,\"\r\",-\r\n");
}

static void
test_writes_bom_even_without_rows (void)
{
  g_autoptr(GBytes) bytes = write_rows (NULL, NULL, 0);

  assert_bytes (bytes, BOM);
}

static void
test_round_trip_keeps_every_cell (void)
{
  static const char * const header[] = { "Mã hộ", "Họ và tên chủ hộ", "Địa chỉ", "Ghi chú", NULL };
  static const char * const first[] = {
    "HN-001", "Nguyễn Văn Đặng", "Bản Phiêng, xã Mường Lạn", "nói \"sẽ thoát nghèo\"\r\nnăm 2026", NULL,
  };
  static const char * const second[] = { "HN-002", " Lò Thị Hoa ", "\"", "dòng 1\ndòng 2\ndòng 3", NULL };
  static const char * const third[] = { "HN-003", "Vàng A Páo", "", "+84 912 345 678", NULL };
  const char * const *rows[] = { header, first, second, third };
  const gssize lengths[] = { -1, -1, -1, -1 };
  g_autoptr(GBytes) bytes = write_rows (rows, lengths, G_N_ELEMENTS (rows));
  g_autoptr(GError) error = NULL;
  g_autoptr(DhCsvReader) reader = dh_csv_reader_new (bytes, &error);
  guint expected_lines[] = { 1, 2, 4, 7 };

  g_assert_no_error (error);
  g_assert_cmpint (dh_csv_reader_get_delimiter (reader), ==, ',');

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      g_auto(GStrv) fields = NULL;
      guint line = 0;

      g_assert_true (dh_csv_reader_next (reader, &fields, &line, &error));
      g_assert_no_error (error);
      g_assert_true (g_strv_equal ((const char * const *) fields, rows[r]));
      g_assert_cmpuint (line, ==, expected_lines[r]);
    }

  {
    g_auto(GStrv) fields = NULL;

    g_assert_false (dh_csv_reader_next (reader, &fields, NULL, &error));
    g_assert_no_error (error);
    g_assert_null (fields);
  }
}

static void
test_large_export_is_written_whole (void)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(DhCsvWriter) writer = dh_csv_writer_new (stream);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(DhCsvReader) reader = NULL;
  g_auto(GStrv) fields = NULL;
  guint n = 0, line = 0;

  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *code = g_strdup_printf ("HN-%05u", i);
      const char *row[] = { code, "Nguyễn Văn Đặng", "Bản Phiêng, xã Mường Lạn", NULL };

      g_assert_true (dh_csv_writer_write_row (writer, row, -1, &error));
    }
  g_assert_true (dh_csv_writer_close (writer, &error));
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));

  reader = dh_csv_reader_new (bytes, &error);
  g_assert_no_error (error);
  while (dh_csv_reader_next (reader, &fields, &line, &error))
    {
      g_autofree char *code = g_strdup_printf ("HN-%05u", n);

      g_assert_cmpstr (fields[0], ==, code);
      g_assert_cmpstr (fields[2], ==, "Bản Phiêng, xã Mường Lạn");
      g_assert_cmpuint (line, ==, n + 1);
      g_clear_pointer (&fields, g_strfreev);
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 20000);
}

static void
test_write_failure_is_reported (void)
{
  static const char * const row[] = { "Mã hộ", "Họ và tên chủ hộ", NULL };
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new (g_malloc (16), 16, NULL, g_free);
  g_autoptr(DhCsvWriter) writer = dh_csv_writer_new (stream);
  g_autoptr(GError) error = NULL;

  /* The row fits the writer's buffer; the full disk shows when it is flushed. */
  g_assert_true (dh_csv_writer_write_row (writer, row, -1, &error));
  g_assert_false (dh_csv_writer_close (writer, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
}

static void
test_unclosed_writer_leaves_existing_file_untouched (void)
{
  static const char * const row[] = { "Mã hộ", "Họ và tên chủ hộ", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dh-csv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "households.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "old list\r\n", -1, &error));

  /* An export that fails half-way is abandoned by freeing the writer. */
  {
    g_autoptr(GFileOutputStream) stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
    g_autoptr(DhCsvWriter) writer = NULL;

    g_assert_no_error (error);
    writer = dh_csv_writer_new (G_OUTPUT_STREAM (stream));
    for (guint i = 0; i < 5000; i++)
      g_assert_true (dh_csv_writer_write_row (writer, row, -1, &error));
  }
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, "old list\r\n");
  g_clear_pointer (&contents, g_free);

  /* Closing commits it. */
  {
    g_autoptr(GFileOutputStream) stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
    g_autoptr(DhCsvWriter) writer = NULL;

    g_assert_no_error (error);
    writer = dh_csv_writer_new (G_OUTPUT_STREAM (stream));
    g_assert_true (dh_csv_writer_write_row (writer, row, -1, &error));
    g_assert_true (dh_csv_writer_close (writer, &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, BOM "Mã hộ,Họ và tên chủ hộ\r\n");

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/csv/reads-semicolon-file-with-bom", test_reads_semicolon_file_with_bom);
  g_test_add_func ("/common/csv/reads-comma-file-without-bom", test_reads_comma_file_without_bom);
  g_test_add_func ("/common/csv/reads-tab-file", test_reads_tab_file);
  g_test_add_func ("/common/csv/detects-delimiter-outside-quotes-only", test_detects_delimiter_outside_quotes_only);
  g_test_add_func ("/common/csv/honours-excel-sep-line", test_honours_excel_sep_line);
  g_test_add_func ("/common/csv/single-column-file-reads-whole-lines", test_single_column_file_reads_whole_lines);
  g_test_add_func ("/common/csv/quoted-cells-keep-delimiters-quotes-and-line-breaks",
                   test_quoted_cells_keep_delimiters_quotes_and_line_breaks);
  g_test_add_func ("/common/csv/accepts-crlf-lf-and-cr-line-ends", test_accepts_crlf_lf_and_cr_line_ends);
  g_test_add_func ("/common/csv/skips-blank-lines-but-counts-them", test_skips_blank_lines_but_counts_them);
  g_test_add_func ("/common/csv/empty-file-has-no-records", test_empty_file_has_no_records);
  g_test_add_func ("/common/csv/rejects-windows-1258-file-naming-the-line", test_rejects_windows_1258_file_naming_the_line);
  g_test_add_func ("/common/csv/rejects-invalid-utf8-after-a-multiline-cell", test_rejects_invalid_utf8_after_a_multiline_cell);
  g_test_add_func ("/common/csv/rejects-utf16-file", test_rejects_utf16_file);
  g_test_add_func ("/common/csv/rejects-unterminated-quote-naming-the-line-it-started",
                   test_rejects_unterminated_quote_naming_the_line_it_started);
  g_test_add_func ("/common/csv/stream-refuses-what-is-not-utf8-when-it-reaches-it",
                   test_stream_refuses_what_is_not_utf8_when_it_reaches_it);
  g_test_add_func ("/common/csv/stream-refuses-a-record-beyond-its-cap-naming-the-line",
                   test_stream_refuses_a_record_beyond_its_cap_naming_the_line);
  g_test_add_func ("/common/csv/normalises-decomposed-vietnamese-to-nfc", test_normalises_decomposed_vietnamese_to_nfc);
  g_test_add_func ("/common/csv/finds-column-whatever-the-accents-and-case", test_finds_column_whatever_the_accents_and_case);
  g_test_add_func ("/common/csv/writes-bom-crlf-and-quotes-only-when-needed", test_writes_bom_crlf_and_quotes_only_when_needed);
  g_test_add_func ("/common/csv/writes-bom-even-without-rows", test_writes_bom_even_without_rows);
  g_test_add_func ("/common/csv/round-trip-keeps-every-cell", test_round_trip_keeps_every_cell);
  g_test_add_func ("/common/csv/large-export-is-written-whole", test_large_export_is_written_whole);
  g_test_add_func ("/common/csv/write-failure-is-reported", test_write_failure_is_reported);
  g_test_add_func ("/common/csv/unclosed-writer-leaves-existing-file-untouched",
                   test_unclosed_writer_leaves_existing_file_untouched);

  return g_test_run ();
}
