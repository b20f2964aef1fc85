/* dh-store-csv.c – the commune's household list in, and lists out, as CSV that spreadsheets read */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-csv.h"
#include "dh-error.h"
#include "dh-store-private.h"
#include "dh-text.h"

/* The columns of a commune's household list, with the headers people
 * give them, folded (no case, no diacritics). */
typedef struct
{
  const char         *field;
  gboolean            required;
  const char         *header;   /* as a commune's list writes it */
  const char * const *aliases;
} ImportColumn;

static const char * const code_aliases[] = { "ma ho", "ma so ho", "ma ho gia dinh", "code", "household code", NULL };
static const char * const head_aliases[] = {
  "ho va ten chu ho", "ho ten chu ho", "ten chu ho", "chu ho", "head name", "head of household", "head_name", NULL
};
static const char * const village_aliases[] = {
  "thon", "ban", "thon ban", "thon to", "to dan pho", "thon to dan pho", "village", NULL
};
static const char * const address_aliases[] = { "dia chi", "address", NULL };
static const char * const phone_aliases[] = { "so dien thoai", "dien thoai", "sdt", "phone", "phone number", NULL };
static const char * const ethnicity_aliases[] = { "dan toc", "ethnicity", "ethnic group", NULL };
static const char * const class_aliases[] = { "phan loai", "loai ho", "phan loai ho", "classification", NULL };
static const char * const year_aliases[] = { "nam phan loai", "nam", "classification year", "classification_year", NULL };
static const char * const causes_aliases[] = { "nguyen nhan ngheo", "nguyen nhan", "poverty causes", "poverty_causes", NULL };
static const char * const assigned_aliases[] = { "can bo phu trach", "nguoi phu trach", "assigned to", "assigned_to", NULL };
static const char * const notes_aliases[] = { "ghi chu", "notes", "note", NULL };

static const ImportColumn import_columns[] = {
  { "code", FALSE, "Mã hộ", code_aliases },
  { "head_name", TRUE, "Họ và tên chủ hộ", head_aliases },
  { "village", TRUE, "Thôn", village_aliases },
  { "address", FALSE, "Địa chỉ", address_aliases },
  { "phone", FALSE, "Số điện thoại", phone_aliases },
  { "ethnicity", FALSE, "Dân tộc", ethnicity_aliases },
  { "classification", FALSE, "Phân loại", class_aliases },
  { "classification_year", FALSE, "Năm phân loại", year_aliases },
  { "poverty_causes", FALSE, "Nguyên nhân nghèo", causes_aliases },
  { "assigned_to", FALSE, "Cán bộ phụ trách", assigned_aliases },
  { "notes", FALSE, "Ghi chú", notes_aliases },
};

/* How a commune's list names each class, folded. */
static const struct { const char *words; const char *code; } class_words[] = {
  { "ho ngheo", "poor" }, { "ngheo", "poor" },
  { "ho can ngheo", "near_poor" }, { "can ngheo", "near_poor" },
  { "muc song trung binh", "average" }, { "ho co muc song trung binh", "average" }, { "trung binh", "average" },
  { "thoat ngheo", "escaped_poor" }, { "ho thoat ngheo", "escaped_poor" },
  { "thoat can ngheo", "escaped_near_poor" }, { "ho thoat can ngheo", "escaped_near_poor" },
  { "khong ngheo", "not_poor" },
  { "chua phan loai", "unclassified" },
};

/* Spreadsheets read "0912345678" as the number 912345678 and a 12-digit
 * citizen ID as 1.23E+11. Such text is written as the formula ="0912345678",
 * which Excel and LibreOffice show as the text itself, and which the import
 * reads back as that text. Amounts and years stay numbers. */
static gboolean
needs_text_guard (const char *text)
{
  gsize length = strlen (text);

  if (length == 0)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  return text[0] == '0' || length >= 12;
}

/* A spreadsheet runs a cell that starts with one of these as a formula:
 * "=HYPERLINK(…)" in a name would be a link a caseworker clicks. Such text
 * is written after an apostrophe, as OWASP advises, which spreadsheets
 * show as the text itself; the import takes the apostrophe away again. A
 * text that starts with an apostrophe before one of them gets a second,
 * so that what is read back is always what was written. */
static gboolean
is_formula_start (char c)
{
  return c != '\0' && strchr ("=+-@\t\r'", c) != NULL;
}

static gboolean
needs_formula_guard (const char *text)
{
  if (text[0] == '\'')
    return is_formula_start (text[1]);

  return is_formula_start (text[0]);
}

static char *
unguard_text (char *text)
{
  gsize length = strlen (text);

  if (length >= 3 && g_str_has_prefix (text, "=\"") && text[length - 1] == '"')
    {
      memmove (text, text + 2, length - 3);
      text[length - 3] = '\0';
    }
  else if (text[0] == '\'' && is_formula_start (text[1]))
    memmove (text, text + 1, length);

  return text;
}

typedef struct
{
  GHashTable *villages_by_key;   /* folded name or code -> id, or "" when ambiguous */
  GHashTable *ethnicities;       /* folded name -> code */
  GHashTable *causes;            /* folded name -> code */
} ImportLookups;

static void
import_lookups_clear (ImportLookups *lookups)
{
  g_clear_pointer (&lookups->villages_by_key, g_hash_table_unref);
  g_clear_pointer (&lookups->ethnicities, g_hash_table_unref);
  g_clear_pointer (&lookups->causes, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ImportLookups, import_lookups_clear)

static void
add_key (GHashTable *table,
         const char *key,
         const char *value)
{
  g_autofree char *folded = dh_text_fold (key);
  const char *existing;

  if (folded == NULL || folded[0] == '\0')
    return;

  existing = g_hash_table_lookup (table, folded);
  if (existing != NULL && !g_str_equal (existing, value))
    g_hash_table_insert (table, g_steal_pointer (&folded), g_strdup (""));
  else
    g_hash_table_insert (table, g_steal_pointer (&folded), g_strdup (value));
}

static GHashTable *
catalogue_names (const char *catalogue)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, catalogue);

  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);

      add_key (table, code, code);
      add_key (table, dh_catalogues_get_name (catalogues, catalogue, code), code);
      add_key (table, dh_catalogues_get_name_en (catalogues, catalogue, code), code);
    }

  return table;
}

static gboolean
load_lookups (DhStore        *store,
              ImportLookups  *lookups,
              GError        **error)
{
  DhQuery query = { .entity = "village", .limit = DH_STORE_MAX_LIMIT };
  g_autoptr(GPtrArray) villages = NULL;

  lookups->villages_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (;;)
    {
      villages = dh_store_list (store, &query, error);
      if (villages == NULL)
        return FALSE;

      for (guint i = 0; i < villages->len; i++)
        {
          json_object *village = g_ptr_array_index (villages, i);
          const char *id = dh_json_get_string (village, "id");

          add_key (lookups->villages_by_key, dh_json_get_string (village, "name"), id);
          add_key (lookups->villages_by_key, dh_json_get_string (village, "code"), id);
          add_key (lookups->villages_by_key, id, id);
        }

      if (villages->len < query.limit)
        break;
      query.offset += villages->len;
      g_clear_pointer (&villages, g_ptr_array_unref);
    }

  lookups->ethnicities = catalogue_names ("ethnicity");
  lookups->causes = catalogue_names ("poverty_cause");

  return TRUE;
}

static gboolean
map_lookup (GHashTable  *table,
            const char  *field,
            const char  *text,
            const char  *hint,
            const char **out_value,
            GError     **error)
{
  g_autofree char *folded = dh_text_fold (text);
  const char *value = g_hash_table_lookup (table, folded);

  if (value == NULL)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                   _("%s: “%s” is not known; %s"), field, text, hint);
      return FALSE;
    }

  if (value[0] == '\0')
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                   _("%s: several places are called “%s”; write its code instead"), field, text);
      return FALSE;
    }

  *out_value = value;
  return TRUE;
}

static json_object *
row_to_fields (ImportLookups  *lookups,
               const int      *columns,
               char          **cells,
               guint           n_cells,
               GError        **error)
{
  g_autoptr(json_object) fields = json_object_new_object ();

  for (guint c = 0; c < G_N_ELEMENTS (import_columns); c++)
    {
      const char *field = import_columns[c].field;
      g_autofree char *text = NULL;
      const char *mapped = NULL;

      if (columns[c] < 0 || (guint) columns[c] >= n_cells)
        continue;

      /* measured before it is normalised, which costs in proportion to
       * the square of what it composes; the field checks its own limit */
      if (strlen (cells[columns[c]]) > DH_FIELD_MAX_TEXT_BYTES)
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                       /* Translators: "Họ và tên chủ hộ: the cell holds 90000 bytes, more than the 4000 a cell may hold; shorten it" */
                       _("%s: the cell holds %u bytes, more than the %d a cell may hold; shorten it"),
                       import_columns[c].header, (guint) MIN (strlen (cells[columns[c]]), G_MAXUINT),
                       DH_FIELD_MAX_TEXT_BYTES);
          return NULL;
        }

      text = dh_text_normalize (cells[columns[c]]);
      if (text != NULL)
        unguard_text (text);
      if (text == NULL || text[0] == '\0')
        continue;

      if (g_str_equal (field, "village"))
        {
          if (!map_lookup (lookups->villages_by_key, field, text,
                           _("write the village’s name or code as the list of villages shows it"), &mapped, error))
            return NULL;
          json_object_object_add (fields, field, json_object_new_string (mapped));
        }
      else if (g_str_equal (field, "ethnicity"))
        {
          if (!map_lookup (lookups->ethnicities, field, text,
                           _("write one of the 54 ethnic groups, such as Kinh, Tày or Mông"), &mapped, error))
            return NULL;
          json_object_object_add (fields, field, json_object_new_string (mapped));
        }
      else if (g_str_equal (field, "classification"))
        {
          g_autofree char *folded = dh_text_fold (text);
          g_autofree char *code = g_strdelimit (g_strdup (folded), " ", '_');

          for (guint i = 0; i < G_N_ELEMENTS (class_words) && mapped == NULL; i++)
            {
              if (g_str_equal (class_words[i].words, folded) || g_str_equal (class_words[i].code, code))
                mapped = class_words[i].code;
            }
          if (mapped == NULL)
            {
              g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                           _("classification: “%s” is not known; write Hộ nghèo, Hộ cận nghèo, Mức sống trung bình, Thoát nghèo, Thoát cận nghèo, Không nghèo or Chưa phân loại"),
                           text);
              return NULL;
            }
          json_object_object_add (fields, field, json_object_new_string (mapped));
        }
      else if (g_str_equal (field, "poverty_causes"))
        {
          g_auto(GStrv) parts = g_strsplit_set (text, ";|\n", -1);
          json_object *codes = json_object_new_array ();

          json_object_object_add (fields, field, codes);
          for (guint i = 0; parts[i] != NULL; i++)
            {
              g_autofree char *part = dh_text_normalize (parts[i]);

              if (part == NULL || part[0] == '\0')
                continue;
              if (!map_lookup (lookups->causes, field, part,
                               _("write the causes separated by semicolons, with the names of the catalogue of poverty causes"),
                               &mapped, error))
                return NULL;
              json_object_array_add (codes, json_object_new_string (mapped));
            }
        }
      else
        json_object_object_add (fields, field, json_object_new_string (text));
    }

  return g_steal_pointer (&fields);
}

static gboolean
find_columns (char        **header,
              int          *columns,
              GError      **error)
{
  for (guint c = 0; c < G_N_ELEMENTS (import_columns); c++)
    {
      columns[c] = dh_csv_find_column ((const char * const *) header, import_columns[c].aliases);
      if (columns[c] < 0 && import_columns[c].required)
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                       _("the first line has no column “%s”; name the columns in the first line, for example: Mã hộ, Họ và tên chủ hộ, Thôn, Địa chỉ, Số điện thoại, Dân tộc, Phân loại"),
                       import_columns[c].header);
          return FALSE;
        }
    }

  return TRUE;
}

static void
add_problem (DhImportReport *report,
             guint           line,
             const char     *message)
{
  DhImportProblem *problem = g_new0 (DhImportProblem, 1);

  problem->line = line;
  problem->message = g_strdup (message);
  g_ptr_array_add (report->problems, problem);
}

static void
import_problem_free (DhImportProblem *problem)
{
  g_free (problem->message);
  g_free (problem);
}

void
dh_import_report_clear (DhImportReport *report)
{
  g_clear_pointer (&report->problems, g_ptr_array_unref);
}

/**
 * dh_store_import_households:
 * @path: a CSV file: the commune's list of households
 * @dry_run: check every row and write nothing
 * @report: (out caller-allocates): how many rows were good and bad, and
 *   each bad row's line and what is wrong with it
 *
 * Every row goes through the same checks as a household typed by hand,
 * inside one transaction: all of them land, or none.
 *
 * Returns: %FALSE with @error when the file cannot be read or is not such
 *   a list, or when a row is bad (then @report says which).
 */
gboolean
dh_store_import_households (DhStore         *self,
                            const char      *path,
                            gboolean         dry_run,
                            DhImportReport  *report,
                            GError         **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(DhCsvReader) reader = NULL;
  g_auto(GStrv) header = NULL;
  g_auto(ImportLookups) lookups = { 0 };
  int columns[G_N_ELEMENTS (import_columns)];
  guint line = 0;
  char **cells = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL && report != NULL, FALSE);

  report->good = report->bad = 0;
  report->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) import_problem_free);

  file = g_file_new_for_commandline_arg (path);
  contents = g_file_load_bytes (file, NULL, NULL, error);
  if (contents == NULL)
    return FALSE;

  reader = dh_csv_reader_new (contents, &local_error);
  if (reader == NULL || !dh_csv_reader_next (reader, &header, &line, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                     _("the file is empty; give a CSV file whose first line names the columns"));
      add_problem (report, 0, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!find_columns (header, columns, &local_error))
    {
      add_problem (report, line, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!load_lookups (self, &lookups, error) || !dh_store_begin (self, error))
    return FALSE;

  for (;;)
    {
      g_autoptr(GError) row_error = NULL;
      g_autoptr(json_object) fields = NULL;
      g_autoptr(json_object) record = NULL;

      if (!dh_csv_reader_next (reader, &cells, &line, &row_error))
        {
          if (row_error == NULL)
            break;
          add_problem (report, 0, row_error->message);
          report->bad++;
          break;
        }

      fields = row_to_fields (&lookups, columns, cells, g_strv_length (cells), &row_error);
      if (fields != NULL)
        record = dh_store_create (self, "household", fields, &row_error);
      g_strfreev (g_steal_pointer (&cells));

      if (record == NULL)
        {
          add_problem (report, line, row_error->message);
          report->bad++;
        }
      else
        report->good++;
    }

  if (dry_run || report->bad > 0)
    {
      dh_store_rollback (self);
      if (report->bad > 0)
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "%u of %u rows is bad; nothing was imported",
                                    "%u of %u rows are bad; nothing was imported",
                                    report->bad),
                       report->bad, report->good + report->bad);
          return FALSE;
        }
      return TRUE;
    }

  return dh_store_commit (self, error);
}

static char *
cell_text (json_object *value)
{
  if (value == NULL)
    return NULL;

  switch (json_object_get_type (value))
    {
    case json_type_string:
      if (needs_text_guard (json_object_get_string (value)))
        return g_strdup_printf ("=\"%s\"", json_object_get_string (value));
      if (needs_formula_guard (json_object_get_string (value)))
        return g_strdup_printf ("'%s", json_object_get_string (value));
      return g_strdup (json_object_get_string (value));

    case json_type_array:
      {
        g_autoptr(GString) text = g_string_new (NULL);

        for (size_t i = 0; i < json_object_array_length (value); i++)
          {
            if (i > 0)
              g_string_append (text, "; ");
            g_string_append (text, json_object_get_string (json_object_array_get_idx (value, i)));
          }
        return g_string_free (g_steal_pointer (&text), FALSE);
      }

    case json_type_null:
    case json_type_boolean:
    case json_type_double:
    case json_type_int:
    case json_type_object:
    default:
      return g_strdup (json_object_get_string (value));
    }
}

/* A void cancels the entry it names: its amounts are written as the
 * negative of what it says, so that the sum of a column in a spreadsheet
 * is the money really delivered. A second void of an entry already voided
 * cancels nothing, and counts 0. */
static void
sign_support_amounts (json_object *record)
{
  static const char * const amounts[] = { "amount_vnd", "state_share_vnd", "household_share_vnd" };
  gboolean superseded = json_object_object_get_ex (record, "superseded_by", NULL);

  if (dh_json_get_string (record, "voids") == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (amounts); i++)
    {
      json_object *value = NULL;

      if (!json_object_object_get_ex (record, amounts[i], &value) ||
          json_object_get_type (value) != json_type_int)
        continue;
      json_object_object_add (record, amounts[i],
                              json_object_new_int64 (superseded ? 0 : -json_object_get_int64 (value)));
    }
}

static gboolean
write_export (DhStore         *self,
              const DhEntity  *entity,
              DhCsvWriter     *writer,
              guint           *out_written,
              GError         **error)
{
  g_autoptr(GPtrArray) header = g_ptr_array_new ();
  DhQuery query = { .entity = entity->name, .limit = 1000 };
  gboolean is_support = g_str_equal (entity->name, "support");
  guint written = 0;

  g_ptr_array_add (header, (gpointer) DH_RECORD_ID);
  for (guint i = 0; i < entity->n_fields; i++)
    g_ptr_array_add (header, (gpointer) entity->fields[i].name);
  if (is_support)
    {
      g_ptr_array_add (header, (gpointer) "voided_by");
      g_ptr_array_add (header, (gpointer) "superseded_by");
    }
  g_ptr_array_add (header, (gpointer) DH_RECORD_CREATED_AT);
  g_ptr_array_add (header, (gpointer) DH_RECORD_UPDATED_AT);
  if (!dh_csv_writer_write_row (writer, (const char * const *) header->pdata, (gssize) header->len, error))
    return FALSE;

  for (;;)
    {
      g_autoptr(GPtrArray) rows = dh_store_list (self, &query, error);

      if (rows == NULL)
        return FALSE;

      for (guint r = 0; r < rows->len; r++)
        {
          json_object *record = g_ptr_array_index (rows, r);
          g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

          if (is_support)
            sign_support_amounts (record);

          for (guint c = 0; c < header->len; c++)
            {
              json_object *value = NULL;

              json_object_object_get_ex (record, g_ptr_array_index (header, c), &value);
              g_ptr_array_add (cells, cell_text (value));
            }
          if (!dh_csv_writer_write_row (writer, (const char * const *) cells->pdata, (gssize) cells->len, error))
            return FALSE;
          written++;
        }

      if (rows->len < query.limit)
        break;
      query.offset += rows->len;
    }

  if (!dh_csv_writer_close (writer, error))
    return FALSE;

  *out_written = written;
  return TRUE;
}

static void
set_write_error (GError     **error,
                 int          saved,
                 const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Cannot write “%s”: %s; check that the folder exists, has room and is not read-only"),
               display, g_strerror (saved));
}

/**
 * dh_store_export_csv:
 * @entity_name: what to export: an entity, or a kind of place
 * @path: the file to write
 * @out_written: (out) (optional): how many records were written
 *
 * Writes a list that opens in Excel and LibreOffice: UTF-8 with a byte
 * order mark, with text that a spreadsheet would take for a number kept
 * as text, and text it would take for a formula kept as text. Support
 * entries say which are void, and a void's amounts are negative.
 *
 * The file appears whole or not at all: the list is written to a private
 * temporary file in the same folder, flushed to the disk, and renamed over
 * @path at the end; on an error the temporary file goes.
 */
gboolean
dh_store_export_csv (DhStore     *self,
                     const char  *entity_name,
                     const char  *path,
                     guint       *out_written,
                     GError     **error)
{
  g_autoptr(GFile) tmp_file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *dir = NULL;
  const DhEntity *entity = dh_entity_lookup_listed (entity_name, NULL);
  guint written = 0;
  gboolean ok;
  int fd, saved;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (entity == NULL)
    {
      g_autofree char *names = dh_entity_list_names ();

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                   _("There is no kind of record called “%s”; use one of: %s"), entity_name, names);
      return FALSE;
    }

  /* in the same folder, so that the rename is atomic; hidden, so that
   * nobody opens it half-written */
  {
    g_autofree char *base = g_path_get_basename (path);

    dir = g_path_get_dirname (path);
    tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  }
  fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_write_error (error, errno, path);
      return FALSE;
    }

  tmp_file = g_file_new_for_path (tmp_path);
  stream = g_file_append_to (tmp_file, G_FILE_CREATE_PRIVATE, NULL, error);
  ok = stream != NULL;
  if (ok)
    {
      g_autoptr(DhCsvWriter) writer = dh_csv_writer_new (G_OUTPUT_STREAM (stream));

      ok = write_export (self, entity, writer, &written, error);
    }

  /* a USB stick may be pulled out as soon as this returns */
  if (ok && fsync (fd) != 0)
    {
      ok = FALSE;
      set_write_error (error, errno, path);
    }
  close (fd);

  if (ok && g_rename (tmp_path, path) != 0)
    {
      ok = FALSE;
      set_write_error (error, errno, path);
    }

  if (!ok)
    {
      saved = errno;
      g_unlink (tmp_path);
      errno = saved;
      return FALSE;
    }

  /* the rename itself reaches the disk with the folder */
  fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }

  if (out_written != NULL)
    *out_written = written;
  return TRUE;
}
