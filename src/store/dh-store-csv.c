/* dh-store-csv.c – the commune's lists in, and lists out, as CSV that spreadsheets read */
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
#include "dh-date.h"
#include "dh-error.h"
#include "dh-label.h"
#include "dh-store-private.h"
#include "dh-text.h"

/* What a column of a list stands for. */
typedef enum
{
  COLUMN_FIELD,           /* a field of the record, written and read as its type says */
  COLUMN_COMMUNE,         /* the commune, by name or code: where the village and the household are */
  COLUMN_VILLAGE,         /* the village by name or code: a household's own, a member's household's */
  COLUMN_HOUSEHOLD_CODE,  /* a member's household, by its code */
  COLUMN_HOUSEHOLD_HEAD,  /* a member's household, by its head's name, with the village */
} ColumnRole;

/* A column as an export writes it and an import reads it: the heading in
 * the language of the messages, and any of its headings on import. */
typedef struct
{
  const char         *field;       /* the record's field, or NULL */
  ColumnRole          role;
  gboolean            required;
  const char         *heading;     /* NC_("column heading", …): English, translated when written */
  const char         *vietnamese;  /* the heading of vi.po, understood whatever the locale */
  const char * const *aliases;     /* other headings people give it */
} Column;

typedef struct
{
  const char   *entity;
  const Column *columns;
  guint         n_columns;
} Sheet;

static const char * const code_aliases[] = { "Mã số hộ", "Mã hộ gia đình", "code", NULL };
static const char * const head_aliases[] = {
  "Họ tên chủ hộ", "Tên chủ hộ", "Head name", "Head", "head_name", NULL
};
static const char * const village_aliases[] = {
  "Bản", "Thôn/bản", "Thôn, tổ", "Tổ dân phố", "Thôn/tổ dân phố", "Thôn, bản, tổ dân phố", NULL
};
static const char * const commune_aliases[] = { "Phường", "Xã/phường", "Xã, phường, đặc khu", NULL };
static const char * const address_aliases[] = { "address", NULL };
static const char * const phone_aliases[] = { "Điện thoại", "SĐT", "Phone number", NULL };
static const char * const ethnicity_aliases[] = { "Ethnicity", NULL };
static const char * const class_aliases[] = { "Loại hộ", "Phân loại hộ", NULL };
static const char * const year_aliases[] = { "Năm", "classification_year", NULL };
static const char * const recognized_aliases[] = { "Ngày xã công nhận", "recognized_on", NULL };
static const char * const causes_aliases[] = { "Nguyên nhân", "poverty_causes", NULL };
static const char * const assigned_aliases[] = { "Người phụ trách", "assigned_to", NULL };
static const char * const notes_aliases[] = { "Note", "notes", NULL };
static const char * const full_name_aliases[] = { "Họ tên", "Họ và tên thành viên", "Name", "full_name", NULL };
static const char * const relation_aliases[] = { "Quan hệ", "Quan hệ với chủ hộ", "Relation", NULL };
static const char * const sex_aliases[] = { "Giới", "Gender", NULL };
static const char * const birth_aliases[] = { "Năm sinh", "Ngày, tháng, năm sinh", "birth_date", NULL };
static const char * const citizen_aliases[] = { "CCCD", "Số căn cước", "Số CCCD/CMND", "Căn cước công dân", "citizen_id", NULL };
static const char * const insurance_aliases[] = { "BHYT", "Có BHYT", "health_insurance", NULL };
static const char * const schooling_aliases[] = { "Học vấn", "Trình độ văn hóa", NULL };
static const char * const employment_aliases[] = { "Việc làm hiện nay", "Nghề nghiệp", NULL };
static const char * const disability_aliases[] = { "Người khuyết tật", NULL };
static const char * const allowance_aliases[] = { "Trợ cấp xã hội", "Hưởng trợ cấp", "social_allowance", NULL };

static const Column household_columns[] = {
  { NULL, COLUMN_COMMUNE, FALSE, NC_("column heading", "Commune"), "Xã", commune_aliases },
  { "village", COLUMN_VILLAGE, TRUE, NC_("column heading", "Village"), "Thôn", village_aliases },
  { "code", COLUMN_FIELD, FALSE, NC_("column heading", "Household code"), "Mã hộ", code_aliases },
  { "head_name", COLUMN_FIELD, TRUE, NC_("column heading", "Head of household"), "Họ và tên chủ hộ", head_aliases },
  { "address", COLUMN_FIELD, FALSE, NC_("column heading", "Address"), "Địa chỉ", address_aliases },
  { "phone", COLUMN_FIELD, FALSE, NC_("column heading", "Phone"), "Số điện thoại", phone_aliases },
  { "ethnicity", COLUMN_FIELD, FALSE, NC_("column heading", "Ethnic group"), "Dân tộc", ethnicity_aliases },
  { "classification", COLUMN_FIELD, FALSE, NC_("column heading", "Classification"), "Phân loại", class_aliases },
  { "classification_year", COLUMN_FIELD, FALSE, NC_("column heading", "Year of classification"), "Năm phân loại", year_aliases },
  { "recognized_on", COLUMN_FIELD, FALSE, NC_("column heading", "Recognised by the commune on"), "Ngày công nhận", recognized_aliases },
  { "poverty_causes", COLUMN_FIELD, FALSE, NC_("column heading", "Causes of poverty"), "Nguyên nhân nghèo", causes_aliases },
  { "assigned_to", COLUMN_FIELD, FALSE, NC_("column heading", "Caseworker in charge"), "Cán bộ phụ trách", assigned_aliases },
  { "notes", COLUMN_FIELD, FALSE, NC_("column heading", "Notes"), "Ghi chú", notes_aliases },
};

static const Column member_columns[] = {
  { NULL, COLUMN_COMMUNE, FALSE, NC_("column heading", "Commune"), "Xã", commune_aliases },
  { NULL, COLUMN_VILLAGE, FALSE, NC_("column heading", "Village"), "Thôn", village_aliases },
  { NULL, COLUMN_HOUSEHOLD_CODE, FALSE, NC_("column heading", "Household code"), "Mã hộ", code_aliases },
  { NULL, COLUMN_HOUSEHOLD_HEAD, FALSE, NC_("column heading", "Head of household"), "Họ và tên chủ hộ", head_aliases },
  { "full_name", COLUMN_FIELD, TRUE, NC_("column heading", "Full name"), "Họ và tên", full_name_aliases },
  { "relation", COLUMN_FIELD, FALSE, NC_("column heading", "Relation to the head"), "Quan hệ với chủ hộ", relation_aliases },
  { "sex", COLUMN_FIELD, FALSE, NC_("column heading", "Sex"), "Giới tính", sex_aliases },
  { "birth_date", COLUMN_FIELD, FALSE, NC_("column heading", "Date of birth"), "Ngày sinh", birth_aliases },
  { "ethnicity", COLUMN_FIELD, FALSE, NC_("column heading", "Ethnic group"), "Dân tộc", ethnicity_aliases },
  { "citizen_id", COLUMN_FIELD, FALSE, NC_("column heading", "Citizen ID"), "Số định danh cá nhân", citizen_aliases },
  { "health_insurance", COLUMN_FIELD, FALSE, NC_("column heading", "Health insurance"), "Có thẻ BHYT", insurance_aliases },
  { "schooling", COLUMN_FIELD, FALSE, NC_("column heading", "Schooling"), "Trình độ học vấn", schooling_aliases },
  { "employment", COLUMN_FIELD, FALSE, NC_("column heading", "Employment"), "Việc làm", employment_aliases },
  { "disability", COLUMN_FIELD, FALSE, NC_("column heading", "Disability"), "Khuyết tật", disability_aliases },
  { "social_allowance", COLUMN_FIELD, FALSE, NC_("column heading", "Social allowance"), "Hưởng trợ cấp xã hội", allowance_aliases },
  { "notes", COLUMN_FIELD, FALSE, NC_("column heading", "Notes"), "Ghi chú", notes_aliases },
};

static const Sheet household_sheet = { "household", household_columns, G_N_ELEMENTS (household_columns) };
static const Sheet member_sheet = { "member", member_columns, G_N_ELEMENTS (member_columns) };

/* The longest line of a list, and the most rows an import takes: more
 * than a commune's list of households or members. The rows are written in
 * one transaction, about 5,000 a second on the development machine
 * (tests/bench/bench-import), so that 20,000 keep other writers waiting
 * about 4 s, within the 10 s they wait before saying the store is busy. */
#define IMPORT_MAX_LINE_BYTES (64 * 1024)
#define IMPORT_MAX_ROWS       20000

/* How far an import has come, in thousandths: reading and checking the
 * rows is the first half, writing them the second. */
#define IMPORT_PROGRESS_TOTAL 1000
#define IMPORT_PROGRESS_EVERY 64     /* rows between reports and checks for cancellation */

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

static char *
guard_text (const char *text)
{
  if (needs_text_guard (text))
    return g_strdup_printf ("=\"%s\"", text);
  if (needs_formula_guard (text))
    return g_strdup_printf ("'%s", text);
  return g_strdup (text);
}

/* The places of the store, as a list names them. */
typedef struct
{
  DhPlaces   *communes;          /* found by name or code, as everywhere (dh-store-places.c) */
  DhPlaces   *villages;
  GHashTable *names;             /* place id -> name */
  GHashTable *parents;           /* village id -> commune id */
} Places;

static void
places_clear (Places *places)
{
  g_clear_pointer (&places->communes, dh_places_free);
  g_clear_pointer (&places->villages, dh_places_free);
  g_clear_pointer (&places->names, g_hash_table_unref);
  g_clear_pointer (&places->parents, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Places, places_clear)

/* Every record of a kind of place, a page at a time. */
static gboolean
each_place (DhStore     *store,
            const char  *kind,
            Places      *places,
            GError     **error)
{
  DhQuery query = { .entity = kind, .limit = DH_STORE_MAX_LIMIT };
  gboolean is_village = g_str_equal (kind, "village");

  for (;;)
    {
      g_autoptr(GPtrArray) units = dh_store_list (store, &query, error);

      if (units == NULL)
        return FALSE;

      for (guint i = 0; i < units->len; i++)
        {
          json_object *unit = g_ptr_array_index (units, i);
          const char *id = dh_json_get_string (unit, "id");
          const char *parent = dh_json_get_string (unit, "parent");
          g_hash_table_insert (places->names, g_strdup (id), g_strdup (dh_json_get_string (unit, "name")));
          if (is_village && parent != NULL)
            g_hash_table_insert (places->parents, g_strdup (id), g_strdup (parent));
        }

      if (units->len < query.limit)
        return TRUE;
      query.offset += units->len;
    }
}

static gboolean
load_places (DhStore  *store,
             Places   *places,
             GError  **error)
{
  places->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  places->parents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  places->communes = dh_store_load_places (store, "commune", error);
  if (places->communes == NULL)
    return FALSE;
  places->villages = dh_store_load_places (store, "village", error);
  if (places->villages == NULL)
    return FALSE;

  return each_place (store, "commune", places, error) && each_place (store, "village", places, error);
}

/* What people read for a stored value: names of places and households
 * instead of ids, labels instead of codes, dates as 24/11/2026. */
typedef struct
{
  DhStore    *store;
  Places      places;
  GHashTable *records;   /* "entity/id" -> json_object of a household or member, or NULL when gone */
} Names;

static void
names_clear (Names *names)
{
  places_clear (&names->places);
  g_clear_pointer (&names->records, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Names, names_clear)

static gboolean
names_init (Names    *names,
            DhStore  *store,
            GError  **error)
{
  names->store = store;
  names->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_put);
  return load_places (store, &names->places, error);
}

/* A household or member, read once however many rows refer to it. */
static json_object *
names_get_record (Names      *names,
                  const char *entity,
                  const char *id)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", entity, id);
  json_object *record;

  if (g_hash_table_lookup_extended (names->records, key, NULL, (gpointer *) &record))
    return record;

  record = dh_store_get (names->store, entity, id, NULL);
  g_hash_table_insert (names->records, g_steal_pointer (&key), record);
  return record;
}

static char *
display_date (const char *iso)
{
  GDate date;

  g_date_clear (&date, 1);
  if (iso == NULL || strlen (iso) != 10 || !dh_date_parse (iso, &date, NULL))
    return g_strdup (iso);

  return g_strdup_printf ("%02u/%02u/%04u", g_date_get_day (&date), g_date_get_month (&date),
                          g_date_get_year (&date));
}

/* A record another refers to, as people know it. */
static char *
display_reference (Names         *names,
                   const DhField *field,
                   const char    *id)
{
  json_object *record;

  if (g_str_equal (field->target, "admin_unit"))
    {
      const char *name = g_hash_table_lookup (names->places.names, id);

      if (name == NULL)
        {
          record = names_get_record (names, "admin_unit", id);
          name = dh_json_get_string (record, "name");
        }
      return g_strdup (name != NULL ? name : id);
    }

  if (g_str_equal (field->target, "household"))
    {
      record = names_get_record (names, "household", id);
      if (dh_json_get_string (record, "code") != NULL)
        return g_strdup (dh_json_get_string (record, "code"));
      if (dh_json_get_string (record, "head_name") != NULL)
        return g_strdup (dh_json_get_string (record, "head_name"));
    }

  if (g_str_equal (field->target, "member"))
    {
      record = names_get_record (names, "member", id);
      if (dh_json_get_string (record, "full_name") != NULL)
        return g_strdup (dh_json_get_string (record, "full_name"));
    }

  /* a support entry names the entry it voids by its id, the export's first column */
  return g_strdup (id);
}

/* The text of a cell for VALUE of FIELD, before any guard. */
static char *
display_value (Names         *names,
               const DhField *field,
               json_object   *value)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();

  if (value == NULL)
    return g_strdup ("");

  if (field == NULL)
    return g_strdup (json_object_get_string (value));

  switch (field->type)
    {
    case DH_FIELD_BOOL:
      return g_strdup (dh_label_for_bool (json_object_get_boolean (value)));

    case DH_FIELD_ENUM:
      {
        const char *label = dh_label_for_value (field, json_object_get_string (value));

        return g_strdup (label != NULL ? label : json_object_get_string (value));
      }

    case DH_FIELD_CODE:
      return g_strdup (dh_label_catalogue_name (catalogues, field->target, json_object_get_string (value)));

    case DH_FIELD_CODE_SET:
      {
        GString *text = g_string_new (NULL);

        for (size_t i = 0; i < json_object_array_length (value); i++)
          {
            const char *code = json_object_get_string (json_object_array_get_idx (value, i));

            if (i > 0)
              g_string_append (text, "; ");
            g_string_append (text, dh_label_catalogue_name (catalogues, field->target, code));
          }
        return g_string_free (text, FALSE);
      }

    case DH_FIELD_DATE:
    case DH_FIELD_BIRTH_DATE:
      return display_date (json_object_get_string (value));

    case DH_FIELD_REF:
      return display_reference (names, field, json_object_get_string (value));

    case DH_FIELD_TEXT:
    case DH_FIELD_NAME:
    case DH_FIELD_INT:
    case DH_FIELD_YEAR:
    case DH_FIELD_MONEY:
    case DH_FIELD_PHONE:
    case DH_FIELD_CITIZEN_ID:
    default:
      return g_strdup (json_object_get_string (value));
    }
}

/* A cell as an export writes it: text a spreadsheet would take for a
 * number or a formula kept as text; numbers as numbers, so that sums work. */
static char *
export_cell (Names         *names,
             const DhField *field,
             json_object   *value)
{
  g_autofree char *text = display_value (names, field, value);

  if (value != NULL && (json_object_is_type (value, json_type_int) || json_object_is_type (value, json_type_boolean)))
    return g_steal_pointer (&text);

  return guard_text (text);
}

static void
import_problem_free (DhImportProblem *problem)
{
  g_free (problem->column);
  g_free (problem->message);
  g_free (problem);
}

static void
add_note (GPtrArray  *notes,
          guint       line,
          const char *column,
          const char *message)
{
  DhImportProblem *problem = g_new0 (DhImportProblem, 1);

  problem->kind = DH_IMPORT_ROW_PROBLEM;
  problem->line = line;
  problem->column = g_strdup (column);
  problem->message = g_strdup (message);
  g_ptr_array_add (notes, problem);
}

/* What becomes of a good row, for the report's rows. */
static void
add_row_fate (DhImportReport  *report,
              guint            line,
              DhImportRowKind  kind,
              const char      *message)
{
  add_note (report->rows, line, NULL, message);
  ((DhImportProblem *) g_ptr_array_index (report->rows, report->rows->len - 1))->kind = kind;
}

void
dh_import_report_clear (DhImportReport *report)
{
  g_clear_pointer (&report->problems, g_ptr_array_unref);
  g_clear_pointer (&report->warnings, g_ptr_array_unref);
  g_clear_pointer (&report->changes, g_ptr_array_unref);
  g_clear_pointer (&report->rows, g_ptr_array_unref);
}

/* A row ready to be written, or found to change nothing. */
typedef struct
{
  guint        line;
  char        *id;      /* the record it updates, or NULL: a new one */
  json_object *fields;  /* a new record's fields, or what an update changes */
} Prepared;

static void
prepared_free (Prepared *prepared)
{
  g_free (prepared->id);
  json_object_put (prepared->fields);
  g_free (prepared);
}

/* One import: the list's columns and what the rows are matched against. */
typedef struct
{
  DhStore        *store;
  const Sheet    *sheet;
  const DhEntity *entity;
  DhValidator     validator;
  Names           names;
  char          **header;
  int             columns[32];   /* sheet column -> file column, or -1 */
  DhImportReport *report;
  /* what the rows are matched against, read once: */
  GHashTable     *households;    /* commune id -> GHashTable of "code:CODE" and
                                  * "head:VILLAGE/KEY" -> GPtrArray of households */
  GHashTable     *lists;         /* a query, "entity?filter" -> GPtrArray of records */
} Import;

static void
import_clear (Import *import)
{
  names_clear (&import->names);
  g_clear_pointer (&import->header, g_strfreev);
  g_clear_pointer (&import->households, g_hash_table_unref);
  g_clear_pointer (&import->lists, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Import, import_clear)

/* A heading in the language of the messages: headings have a context of
 * their own, so that a list's column and a label of the application can
 * be translated each as it reads best. */
static const char *
column_heading (const char *heading)
{
  return g_dpgettext2 (GETTEXT_PACKAGE, "column heading", heading);
}

static gboolean
heading_matches (const Column *column,
                 const char   *key)
{
  const char *headings[] = { column->heading, column->vietnamese, column_heading (column->heading) };

  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    {
      g_autofree char *other = dh_text_match_key (headings[i]);

      if (g_strcmp0 (other, key) == 0)
        return TRUE;
    }

  for (guint i = 0; column->aliases != NULL && column->aliases[i] != NULL; i++)
    {
      g_autofree char *other = dh_text_match_key (column->aliases[i]);

      if (g_strcmp0 (other, key) == 0)
        return TRUE;
    }

  return FALSE;
}

static int
sheet_column (const Sheet *sheet,
              const char  *field,
              ColumnRole   role)
{
  for (guint c = 0; c < sheet->n_columns; c++)
    {
      if (sheet->columns[c].role == role && g_strcmp0 (sheet->columns[c].field, field) == 0)
        return (int) c;
    }

  return -1;
}

/* Matches the first line's headings with the sheet's columns; a heading
 * that matches none is said, since its cells are left out. */
static gboolean
find_columns (Import  *import,
              guint    line,
              GError **error)
{
  const Sheet *sheet = import->sheet;

  g_assert (sheet->n_columns <= G_N_ELEMENTS (import->columns));
  for (guint c = 0; c < sheet->n_columns; c++)
    import->columns[c] = -1;

  for (int h = 0; import->header[h] != NULL; h++)
    {
      g_autofree char *key = dh_text_match_key (import->header[h]);
      gboolean used = FALSE;

      if (key == NULL || key[0] == '\0')
        continue;

      for (guint c = 0; c < sheet->n_columns && !used; c++)
        {
          if (import->columns[c] < 0 && heading_matches (&sheet->columns[c], key))
            {
              import->columns[c] = h;
              used = TRUE;
            }
        }

      if (!used)
        {
          g_autofree char *message = g_strdup_printf (_("the column “%s” is not one the import reads: its cells are left out. The columns it reads are named in the README"),
                                                      import->header[h]);

          add_note (import->report->warnings, line, import->header[h], message);
        }
    }

  for (guint c = 0; c < sheet->n_columns; c++)
    {
      if (sheet->columns[c].required && import->columns[c] < 0)
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                       _("the first line has no column “%s”; name the columns in the first line, for example: Mã hộ, Họ và tên chủ hộ, Thôn, Địa chỉ, Số điện thoại, Dân tộc, Phân loại"),
                       sheet->columns[c].vietnamese);
          return FALSE;
        }
    }

  /* a member belongs to a household named by its code, or by its head in its village */
  if (g_str_equal (sheet->entity, "member") &&
      import->columns[sheet_column (sheet, NULL, COLUMN_HOUSEHOLD_CODE)] < 0 &&
      (import->columns[sheet_column (sheet, NULL, COLUMN_HOUSEHOLD_HEAD)] < 0 ||
       import->columns[sheet_column (sheet, NULL, COLUMN_VILLAGE)] < 0))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("the first line names no household for the members: add the column “Mã hộ” (the household’s code), or the columns “Thôn” and “Họ và tên chủ hộ”"));
      return FALSE;
    }

  return TRUE;
}

/* A cell's text as the value the field takes: a label as its code, a list
 * of names as a list. */
static json_object *
cell_value (const DhField  *field,
            const char     *text,
            GError        **error)
{
  if (field->type == DH_FIELD_ENUM)
    {
      const char *value = dh_label_to_value (field, text);

      if (value == NULL)
        {
          g_autofree char *labels = dh_label_list (field);

          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                       _("%s: “%s” is not known; write one of: %s"), field->name, text, labels);
          return NULL;
        }
      return json_object_new_string (value);
    }

  if (field->type == DH_FIELD_BOOL)
    {
      gboolean yes = FALSE;

      if (!dh_label_to_bool (text, &yes))
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       /* Translators: "health_insurance: “maybe” is not known; write Có or Không" */
                       _("%s: “%s” is not known; write %s or %s"),
                       field->name, text, dh_label_for_bool (TRUE), dh_label_for_bool (FALSE));
          return NULL;
        }
      return json_object_new_boolean (yes);
    }

  if (field->type == DH_FIELD_CODE_SET)
    {
      g_auto(GStrv) parts = g_strsplit_set (text, ";|\n", -1);
      json_object *codes = json_object_new_array ();

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_autofree char *part = dh_text_normalize (parts[i]);

          if (part != NULL && part[0] != '\0')
            json_object_array_add (codes, json_object_new_string (part));
        }
      return codes;
    }

  return json_object_new_string (text);
}

static void
row_problem (Import     *import,
             guint       line,
             int         column,
             const char *message)
{
  const char *heading = column >= 0 && import->columns[column] >= 0
                        ? import->header[import->columns[column]] : NULL;

  add_note (import->report->problems, line, heading, message);
}

/* The live records one filter finds, read once per import. */
static GPtrArray *
list_where (Import     *import,
            const char *entity,
            const char *filter)
{
  g_autofree char *key = g_strdup_printf ("%s?%s", entity, filter);
  GPtrArray *found = g_hash_table_lookup (import->lists, key);

  if (found == NULL)
    {
      const char *filters[] = { filter, NULL };
      DhQuery query = { .entity = entity, .filters = filters, .limit = DH_STORE_MAX_LIMIT };

      found = dh_store_list (import->store, &query, NULL);
      if (found == NULL)
        found = g_ptr_array_new ();
      g_hash_table_insert (import->lists, g_steal_pointer (&key), found);
    }

  return found;
}

static void
add_household_key (GHashTable  *table,
                   char        *key,
                   json_object *household)
{
  GPtrArray *found = g_hash_table_lookup (table, key);

  if (found == NULL)
    {
      found = g_ptr_array_new ();
      g_hash_table_insert (table, key, found);
    }
  else
    g_free (key);
  g_ptr_array_add (found, household);
}

/* A commune's households by code, and by their head's name in their
 * village, read once in pages. */
static GHashTable *
households_of (Import     *import,
               const char *commune)
{
  GHashTable *table = g_hash_table_lookup (import->households, commune);
  g_autoptr(GHashTable) seen = NULL;
  g_autofree char *filter = NULL;
  DhQuery query = { .entity = "household", .limit = DH_STORE_MAX_LIMIT };
  const char *filters[] = { NULL, NULL };

  if (table != NULL)
    return table;

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  g_hash_table_insert (import->households, g_strdup (commune), table);

  filter = g_strdup_printf ("commune=%s", commune);
  filters[0] = filter;
  query.filters = filters;
  for (;;)
    {
      g_autoptr(GPtrArray) page = dh_store_list (import->store, &query, NULL);
      g_autofree char *page_key = NULL;

      if (page == NULL)
        break;
      for (guint i = 0; i < page->len; i++)
        {
          json_object *household = g_ptr_array_index (page, i);
          g_autofree char *head = dh_text_match_key (dh_json_get_string (household, "head_name"));

          /* pages read while another program writes may overlap */
          if (!g_hash_table_add (seen, (gpointer) dh_json_get_string (household, "id")))
            continue;
          if (dh_json_get_string (household, "code") != NULL)
            add_household_key (table, g_strdup_printf ("code:%s", dh_json_get_string (household, "code")), household);
          add_household_key (table, g_strdup_printf ("head:%s/%s", dh_json_get_string (household, "village"), head), household);
        }

      /* the records live as long as the import */
      page_key = g_strdup_printf ("household?commune=%s#%u", commune, query.offset);
      g_hash_table_insert (import->lists, g_steal_pointer (&page_key), g_ptr_array_ref (page));
      if (page->len < query.limit)
        break;
      query.offset += page->len;
    }

  return table;
}

/* The households of COMMUNE with CODE, or headed by HEAD in VILLAGE. */
static GPtrArray *
find_households (Import     *import,
                 const char *commune,
                 const char *village,
                 const char *code,
                 const char *head)
{
  g_autofree char *key = NULL;

  if (code != NULL)
    key = g_strdup_printf ("code:%s", code);
  else
    {
      g_autofree char *head_key = dh_text_match_key (head);

      key = g_strdup_printf ("head:%s/%s", village, head_key);
    }

  return g_hash_table_lookup (households_of (import, commune), key);
}

/* The household a member's row names: by its code in the commune, else by
 * its head's name in its village. */
static const char *
find_member_household (Import      *import,
                       guint        line,
                       const char  *commune,
                       const char  *village,
                       const char  *code,
                       const char  *head,
                       char       **out_id)
{
  const Sheet *sheet = import->sheet;
  GPtrArray *found = NULL;

  if (commune == NULL && village != NULL)
    commune = g_hash_table_lookup (import->names.places.parents, village);

  if (code != NULL)
    {
      if (commune != NULL)
        found = find_households (import, commune, NULL, code, NULL);
      else
        {
          g_autofree char *filter = g_strdup_printf ("code=%s", code);

          found = list_where (import, "household", filter);
        }

      if (found == NULL || found->len != 1)
        {
          g_autofree char *message = NULL;

          if (found != NULL && found->len > 1)
            message = g_strdup_printf (_("several households have the code “%s”; add the column “Xã” to say which commune’s"), code);
          else if (commune != NULL)
            message = g_strdup_printf (_("no household of this commune has the code “%s”; import the households first, or correct the code"), code);
          else
            message = g_strdup_printf (_("no household has the code “%s”; import the households first, or correct the code"), code);

          row_problem (import, line, sheet_column (sheet, NULL, COLUMN_HOUSEHOLD_CODE), message);
          return NULL;
        }
    }
  else if (head != NULL && village != NULL && commune != NULL)
    {
      found = find_households (import, commune, village, NULL, head);
      if (found == NULL || found->len != 1)
        {
          g_autofree char *message = found != NULL
            ? g_strdup_printf (_("several households of this village are headed by “%s”; write the household’s code in the column “Mã hộ”"), head)
            : g_strdup_printf (_("no household of this village is headed by “%s”; import the households first, or correct the name"), head);

          row_problem (import, line, sheet_column (sheet, NULL, COLUMN_HOUSEHOLD_HEAD), message);
          return NULL;
        }
    }
  else
    {
      row_problem (import, line, -1,
                   _("the row names no household: write the household’s code, or its village and its head’s name"));
      return NULL;
    }

  *out_id = g_strdup (dh_json_get_string (g_ptr_array_index (found, 0), "id"));
  return *out_id;
}

/* The record the row stands for, if the store has it already: a household
 * by its code in its commune, or by its head's name in its village when the
 * row has no code; a member by citizen ID, or by name and date of birth in
 * its household. */
static json_object *
find_existing (Import      *import,
               json_object *record,
               gboolean    *ambiguous)
{
  const char *household = dh_json_get_string (record, "household");
  const char *citizen_id = dh_json_get_string (record, "citizen_id");

  *ambiguous = FALSE;

  if (g_str_equal (import->sheet->entity, "household"))
    {
      const char *village = dh_json_get_string (record, "village");
      const char *commune = g_hash_table_lookup (import->names.places.parents, village);
      const char *code = dh_json_get_string (record, "code");
      GPtrArray *found;
      json_object *match;

      if (commune == NULL)
        return NULL;
      found = find_households (import, commune, village, code, dh_json_get_string (record, "head_name"));
      if (found == NULL)
        return NULL;
      /* a row without a code matches the household of its head in its
       * village, with a code or without: a list often lacks the codes */
      *ambiguous = found->len > 1;
      if (*ambiguous)
        return NULL;
      match = g_ptr_array_index (found, 0);
      return json_object_get (match);
    }

  {
    g_autofree char *by_household = g_strdup_printf ("household=%s", household);
    GPtrArray *members = list_where (import, "member", by_household);
    g_autofree char *name = dh_text_match_key (dh_json_get_string (record, "full_name"));
    const char *birth = dh_json_get_string (record, "birth_date");

    for (guint i = 0; citizen_id != NULL && i < members->len; i++)
      {
        json_object *member = g_ptr_array_index (members, i);

        if (g_strcmp0 (citizen_id, dh_json_get_string (member, "citizen_id")) == 0)
          return json_object_get (member);
      }

    /* the person may have moved from another household */
    if (citizen_id != NULL)
      {
        g_autofree char *by_id = g_strdup_printf ("citizen_id=%s", citizen_id);
        GPtrArray *found = list_where (import, "member", by_id);

        if (found->len == 1)
          return json_object_get (g_ptr_array_index (found, 0));
      }

    for (guint i = 0; i < members->len; i++)
      {
        json_object *member = g_ptr_array_index (members, i);
        g_autofree char *other = dh_text_match_key (dh_json_get_string (member, "full_name"));

        if (g_strcmp0 (name, other) == 0 && g_strcmp0 (birth, dh_json_get_string (member, "birth_date")) == 0)
          return json_object_get (member);
      }
  }

  return NULL;
}

/* The heading a field's column has in the file, or in the sheet. */
static const char *
field_heading (Import     *import,
               const char *field)
{
  int column = sheet_column (import->sheet, field, COLUMN_FIELD);

  if (column < 0)
    column = sheet_column (import->sheet, field, COLUMN_VILLAGE);
  if (column >= 0 && import->columns[column] >= 0)
    return import->header[import->columns[column]];
  if (column >= 0)
    return column_heading (import->sheet->columns[column].heading);
  return field;
}

/* What an update changes, each field in words: "Số điện thoại: 0912345678 → 0987654321". */
static json_object *
changed_fields (Import      *import,
                json_object *existing,
                json_object *record,
                GString     *words)
{
  g_autoptr(json_object) changes = json_object_new_object ();

  {
    json_object_object_foreach (record, key, value)
      {
        const DhField *field = dh_entity_get_field (import->entity, key);
        json_object *old = NULL;
        g_autofree char *before = NULL;
        g_autofree char *after = NULL;

        json_object_object_get_ex (existing, key, &old);
        if (dh_json_equal (old, value))
          continue;

        json_object_object_add (changes, key, json_object_get (value));
        before = display_value (&import->names, field, old);
        after = display_value (&import->names, field, value);
        if (words->len > 0)
          g_string_append (words, "; ");
        g_string_append_printf (words, "%s: %s → %s", field_heading (import, key),
                                before[0] != '\0' ? before : _("(empty)"), after);
      }
  }

  if (json_object_object_length (changes) == 0)
    return NULL;
  return g_steal_pointer (&changes);
}

/* The cells of a row that name its places and household. */
typedef struct
{
  char *text[COLUMN_HOUSEHOLD_HEAD + 1];
} RowTexts;

static void
row_texts_clear (RowTexts *texts)
{
  for (guint i = 0; i < G_N_ELEMENTS (texts->text); i++)
    g_clear_pointer (&texts->text[i], g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RowTexts, row_texts_clear)

/* Reads, checks and matches one row, outside any transaction: every
 * problem of the row is reported, each with its column. Returns NULL for
 * a bad row. */
static Prepared *
prepare_row (Import  *import,
             char   **cells,
             guint    line)
{
  const Sheet *sheet = import->sheet;
  guint n_cells = g_strv_length (cells);
  guint problems = import->report->problems->len;
  g_autoptr(json_object) record = json_object_new_object ();
  g_autoptr(json_object) existing = NULL;
  g_auto(RowTexts) row_texts = { { NULL } };
  char **texts = row_texts.text;
  g_autofree char *household = NULL;
  const char *commune = NULL;
  const char *village = NULL;
  g_autofree char *commune_id = NULL;
  g_autofree char *village_id = NULL;
  gboolean ambiguous = FALSE;
  Prepared *prepared;

  for (guint c = 0; c < sheet->n_columns; c++)
    {
      const Column *column = &sheet->columns[c];
      int at = import->columns[c];
      const char *cell = at >= 0 && (guint) at < n_cells ? cells[at] : "";
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;

      if (at < 0)
        continue;

      /* measured before it is normalised, which costs in proportion to
       * the square of what it composes; the field checks its own limit */
      if (strlen (cell) > DH_FIELD_MAX_TEXT_BYTES)
        {
          g_autofree char *message = g_strdup_printf (_("the cell holds %u bytes, more than the %d a cell may hold; shorten it"),
                                                      (guint) MIN (strlen (cell), G_MAXUINT), DH_FIELD_MAX_TEXT_BYTES);

          row_problem (import, line, (int) c, message);
          continue;
        }

      text = dh_text_normalize (cell);
      unguard_text (text);
      if (text[0] == '\0')
        {
          if (column->required)
            {
              g_autofree char *message = g_strdup_printf (_("%s: is required; fill the cell"),
                                                          column->field != NULL ? column->field : column_heading (column->heading));

              row_problem (import, line, (int) c, message);
            }
          continue;
        }

      if (column->role != COLUMN_FIELD)
        {
          texts[column->role] = g_steal_pointer (&text);
          continue;
        }

      {
        const DhField *field = dh_entity_get_field (import->entity, column->field);
        g_autoptr(json_object) value = cell_value (field, text, &error);
        json_object *normalized = NULL;

        if (value != NULL && dh_field_normalize_value (field, value, &import->validator, &normalized, &error))
          json_object_object_add (record, column->field, normalized);
        else
          row_problem (import, line, (int) c, error->message);
      }
    }

  /* the places the row names, then its household */
  if (texts[COLUMN_COMMUNE] != NULL)
    {
      g_autoptr(GError) error = NULL;

      commune_id = dh_places_resolve (import->names.places.communes, texts[COLUMN_COMMUNE], NULL, &error);
      commune = commune_id;
      if (commune == NULL)
        row_problem (import, line, sheet_column (sheet, NULL, COLUMN_COMMUNE), error->message);
    }

  if (texts[COLUMN_VILLAGE] != NULL && (commune != NULL || texts[COLUMN_COMMUNE] == NULL))
    {
      g_autoptr(GError) error = NULL;
      int column = sheet_column (sheet, g_str_equal (sheet->entity, "household") ? "village" : NULL, COLUMN_VILLAGE);

      village_id = dh_places_resolve (import->names.places.villages, texts[COLUMN_VILLAGE], commune, &error);
      village = village_id;
      if (village == NULL)
        {
          g_autofree char *message = g_strdup_printf ("village: %s", error->message);

          row_problem (import, line, column, message);
        }
      else if (g_str_equal (sheet->entity, "household"))
        json_object_object_add (record, "village", json_object_new_string (village));
    }

  if (g_str_equal (sheet->entity, "member") && import->report->problems->len == problems)
    {
      if (find_member_household (import, line, commune, village, texts[COLUMN_HOUSEHOLD_CODE],
                                 texts[COLUMN_HOUSEHOLD_HEAD], &household) == NULL)
        return NULL;
      json_object_object_add (record, "household", json_object_new_string (household));
    }

  if (import->report->problems->len > problems)
    return NULL;

  {
    g_autoptr(GError) error = NULL;

    if (!dh_entity_check_record (import->entity, record, &import->validator, &error))
      {
        row_problem (import, line, -1, error->message);
        return NULL;
      }
  }

  prepared = g_new0 (Prepared, 1);
  prepared->line = line;

  existing = find_existing (import, record, &ambiguous);
  if (ambiguous)
    {
      row_problem (import, line, -1,
                   _("several records of the store match this row; give each household its code, or each person the citizen ID"));
      prepared_free (prepared);
      return NULL;
    }

  if (existing == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("new: %s"), dh_json_get_string (record, import->entity->name_field));

      add_row_fate (import->report, line, DH_IMPORT_ROW_NEW, message);
      prepared->fields = g_steal_pointer (&record);
      import->report->created++;
      return prepared;
    }

  prepared->id = g_strdup (dh_json_get_string (existing, "id"));
  {
    g_autoptr(GString) words = g_string_new (NULL);

    prepared->fields = changed_fields (import, existing, record, words);
    if (prepared->fields == NULL)
      {
        g_autofree char *message = g_strdup_printf (_("unchanged: %s"),
                                                    dh_json_get_string (existing, import->entity->name_field));

        add_row_fate (import->report, line, DH_IMPORT_ROW_UNCHANGED, message);
        import->report->unchanged++;
      }
    else
      {
        const char *who = dh_json_get_string (existing, import->entity->name_field);
        const char *code = dh_json_get_string (existing, "code");
        g_autofree char *message = code != NULL
          ? g_strdup_printf ("%s (%s): %s", code, who, words->str)
          : g_strdup_printf ("%s: %s", who, words->str);

        add_note (import->report->changes, line, NULL, message);
        add_row_fate (import->report, line, DH_IMPORT_ROW_UPDATE, message);
        import->report->updated++;
      }
  }

  return prepared;
}

/* The place of a problem's column in the file; a problem of the whole row
 * comes after its columns'. */
static int
problem_column (char       **header,
                const char  *column)
{
  for (int h = 0; column != NULL && header[h] != NULL; h++)
    {
      if (g_str_equal (header[h], column))
        return h;
    }

  return G_MAXINT;
}

static int
compare_problems (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const DhImportProblem *x = *(DhImportProblem * const *) a;
  const DhImportProblem *y = *(DhImportProblem * const *) b;
  int cx = problem_column (user_data, x->column);
  int cy = problem_column (user_data, y->column);

  return cx < cy ? -1 : cx > cy;
}

/* A row's problems in the order of its columns, as the person reads the row. */
static void
sort_row_problems (Import *import,
                   guint   from)
{
  GPtrArray *problems = import->report->problems;
  g_autoptr(GPtrArray) row = g_ptr_array_new ();

  for (guint i = from; i < problems->len; i++)
    g_ptr_array_add (row, g_ptr_array_index (problems, i));
  g_ptr_array_sort_with_data (row, compare_problems, import->header);
  for (guint i = 0; i < row->len; i++)
    problems->pdata[from + i] = g_ptr_array_index (row, i);
}

/* Writes the prepared rows in one transaction: everything was read,
 * checked and matched before, so that the store's lock is held only for
 * the writing. A row the store refuses (a code taken, a rule across
 * records) is reported with its line, and nothing lands. */
static gboolean
write_prepared (Import        *import,
                GPtrArray     *rows,
                gboolean       dry_run,
                DhProgress    *progress,
                GCancellable  *cancellable,
                GError       **error)
{
  DhImportReport *report = import->report;

  if (!dh_store_begin (import->store, error))
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      Prepared *row = g_ptr_array_index (rows, i);
      g_autoptr(GError) row_error = NULL;
      g_autoptr(json_object) written = NULL;

      /* cancelled halfway: nothing of it stays */
      if (i % IMPORT_PROGRESS_EVERY == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              dh_store_rollback (import->store);
              return FALSE;
            }
          dh_progress_report (progress,
                              IMPORT_PROGRESS_TOTAL / 2 + (guint64) i * (IMPORT_PROGRESS_TOTAL / 2) / rows->len,
                              IMPORT_PROGRESS_TOTAL);
        }

      if (row->fields == NULL)
        continue;

      written = row->id != NULL
                ? dh_store_update (import->store, import->entity->name, row->id, row->fields, &row_error)
                : dh_store_create (import->store, import->entity->name, row->fields, &row_error);
      if (written == NULL)
        {
          add_note (report->problems, row->line, NULL, row_error->message);
          report->bad++;
          report->good--;
          if (row->id == NULL)
            report->created--;
          else
            report->updated--;
        }
    }

  if (dry_run || report->bad > 0)
    {
      dh_store_rollback (import->store);
      dh_progress_report (progress, IMPORT_PROGRESS_TOTAL, IMPORT_PROGRESS_TOTAL);
      return TRUE;
    }

  if (!dh_store_commit (import->store, error))
    return FALSE;
  dh_progress_report (progress, IMPORT_PROGRESS_TOTAL, IMPORT_PROGRESS_TOTAL);
  return TRUE;
}

static void
file_problem (DhImportReport  *report,
              GError         **error,
              GError          *problem)
{
  add_note (report->problems, 0, NULL, problem->message);
  g_propagate_error (error, problem);
}

static gboolean
import_sheet (DhStore         *self,
              const Sheet     *sheet,
              const char      *path,
              gboolean         dry_run,
              DhProgress      *progress,
              GCancellable    *cancellable,
              DhImportReport  *report,
              GError         **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(DhCsvReader) reader = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) prepared_free);
  g_auto(Import) import = { 0 };
  g_autoptr(GError) local_error = NULL;
  guint line = 0;
  goffset file_size = 0;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL && report != NULL, FALSE);

  memset (report, 0, sizeof *report);
  report->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) import_problem_free);
  report->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) import_problem_free);
  report->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) import_problem_free);
  report->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) import_problem_free);

  import.store = self;
  import.sheet = sheet;
  import.entity = dh_entity_lookup (sheet->entity);
  import.report = report;
  import.households = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  import.lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  dh_validator_init (&import.validator);
  dh_store_get_today (self, &import.validator.today);

  file = g_file_new_for_commandline_arg (path);
  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return FALSE;
  {
    g_autoptr(GFileInfo) info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);

    file_size = info != NULL ? g_file_info_get_size (info) : 0;
  }

  /* a file of any size, or a device that never ends, is read a chunk at a time */
  reader = dh_csv_reader_new_for_stream (G_INPUT_STREAM (stream), IMPORT_MAX_LINE_BYTES, &local_error);
  if (reader == NULL || !dh_csv_reader_next (reader, &import.header, &line, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                     _("the file is empty; give a CSV file whose first line names the columns"));
      file_problem (report, error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!find_columns (&import, line, &local_error))
    {
      add_note (report->problems, line, NULL, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!names_init (&import.names, self, error))
    return FALSE;

  /* everything is read, checked and matched before the store is locked */
  for (;;)
    {
      g_auto(GStrv) cells = NULL;
      Prepared *prepared;
      guint problems;

      if (!dh_csv_reader_next (reader, &cells, &line, &local_error))
        {
          if (local_error == NULL)
            break;
          file_problem (report, error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (report->good + report->bad >= IMPORT_MAX_ROWS)
        {
          g_set_error (&local_error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                       _("line %u: the file has more than %u rows, more than one import takes; split it into smaller files"),
                       line, IMPORT_MAX_ROWS);
          file_problem (report, error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if ((report->good + report->bad) % IMPORT_PROGRESS_EVERY == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          /* a device or a pipe has no size: then only the writing is counted */
          if (file_size > 0)
            dh_progress_report (progress,
                                MIN (g_seekable_tell (G_SEEKABLE (stream)), file_size) * (IMPORT_PROGRESS_TOTAL / 2) / file_size,
                                IMPORT_PROGRESS_TOTAL);
        }

      problems = report->problems->len;
      prepared = prepare_row (&import, cells, line);
      sort_row_problems (&import, problems);
      if (prepared == NULL)
        report->bad++;
      else
        {
          report->good++;
          g_ptr_array_add (rows, prepared);
        }
    }

  if (!write_prepared (&import, rows, dry_run, progress, cancellable, error))
    return FALSE;

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

/**
 * dh_store_import_households:
 * @path: a CSV file: the commune's list of households
 * @dry_run: check every row and write nothing
 * @report: (out caller-allocates): how many rows make new households,
 *   update ones the store has or change nothing; what each update
 *   changes; the columns left out; each bad row's problems
 *
 * The file is read as a stream; every row is checked, and matched with a
 * household the store has (its code in its commune, or its head's name in
 * its village when it has no code) before the store is locked, then all
 * rows are written in one transaction: all of them land, or none.
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
  return import_sheet (self, &household_sheet, path, dry_run, NULL, NULL, report, error);
}

/**
 * dh_store_import_members:
 *
 * Like dh_store_import_households(), for a list of household members:
 * each row names its household by its code (with the commune when codes
 * repeat across communes), or by its village and its head's name. A
 * member the store has is found by citizen ID, else by name and date of
 * birth in the household, and updated.
 */
gboolean
dh_store_import_members (DhStore         *self,
                         const char      *path,
                         gboolean         dry_run,
                         DhImportReport  *report,
                         GError         **error)
{
  return import_sheet (self, &member_sheet, path, dry_run, NULL, NULL, report, error);
}

/* The import of a list in a worker thread, with its progress (in
 * thousandths) and cancellation; see dh_store_import_households_async(). */
gboolean
dh_store_import_in_thread (DhStore         *self,
                           gboolean         members,
                           const char      *path,
                           gboolean         dry_run,
                           DhProgress      *progress,
                           GCancellable    *cancellable,
                           DhImportReport  *report,
                           GError         **error)
{
  return import_sheet (self, members ? &member_sheet : &household_sheet, path, dry_run,
                       progress, cancellable, report, error);
}

/* Headings of the lists other than households and members, in English,
 * translated when written. */
static const struct { const char *field; const char *heading; } field_headings[] = {
  { "id", NC_("column heading", "ID") },
  { "household", NC_("column heading", "Household") },
  { "member", NC_("column heading", "Member") },
  { "delivered_on", NC_("column heading", "Delivered on") },
  { "programme", NC_("column heading", "Programme") },
  { "project", NC_("column heading", "Project") },
  { "support_type", NC_("column heading", "Support type") },
  { "description", NC_("column heading", "Description") },
  { "quantity", NC_("column heading", "Quantity") },
  { "unit", NC_("column heading", "Unit") },
  { "amount_vnd", NC_("column heading", "Amount (đồng)") },
  { "state_share_vnd", NC_("column heading", "State share (đồng)") },
  { "household_share_vnd", NC_("column heading", "Household share (đồng)") },
  { "funding_source", NC_("column heading", "Funding source") },
  { "status", NC_("column heading", "Status") },
  { "voids", NC_("column heading", "Voids entry") },
  { "void_reason", NC_("column heading", "Reason for the void") },
  { "voided_by", NC_("column heading", "Voided by entry") },
  { "superseded_by", NC_("column heading", "Superseded by entry") },
  { "visited_on", NC_("column heading", "Visited on") },
  { "visitor", NC_("column heading", "Visitor") },
  { "purpose", NC_("column heading", "Purpose") },
  { "notes", NC_("column heading", "Notes") },
  { "next_visit_on", NC_("column heading", "Next visit on") },
  { "location", NC_("column heading", "Location") },
  { "standard", NC_("column heading", "Standard") },
  { "review_kind", NC_("column heading", "Kind of review") },
  { "reviewed_on", NC_("column heading", "Reviewed on") },
  { "area", NC_("column heading", "Area") },
  { "income_per_capita", NC_("column heading", "Income per person a month (đồng)") },
  { "score_a", NC_("column heading", "Score A") },
  { "deprived", NC_("column heading", "Deprivations") },
  { "proposed_class", NC_("column heading", "Proposed class") },
  { "official_class", NC_("column heading", "Class recognised by the commune") },
  { "decided_on", NC_("column heading", "Decided on") },
  { "reviewer", NC_("column heading", "Reviewer") },
  { "registered_on", NC_("column heading", "Registered on") },
  { "target_year", NC_("column heading", "Target year") },
  { "commitments", NC_("column heading", "Commitments") },
  { "support_needed", NC_("column heading", "Support needed") },
  { "code", NC_("column heading", "Code") },
  { "kind", NC_("column heading", "Kind") },
  { "name", NC_("column heading", "Name") },
  { "parent", NC_("column heading", "Part of") },
  { "valid_from", NC_("column heading", "Valid from") },
  { "valid_to", NC_("column heading", "Valid to") },
  { "successor", NC_("column heading", "Successor") },
  { "username", NC_("column heading", "User name") },
  { "full_name", NC_("column heading", "Full name") },
  { "role", NC_("column heading", "Role") },
  { "commune", NC_("column heading", "Commune") },
  { "active", NC_("column heading", "Active") },
  { "entity", NC_("column heading", "Kind of record") },
  { "record_id", NC_("column heading", "Record") },
  { "field", NC_("column heading", "Field") },
  { "kept_value", NC_("column heading", "Value kept") },
  { "lost_value", NC_("column heading", "Value lost") },
  { "kept_clock", NC_("column heading", "Written (kept value)") },
  { "lost_clock", NC_("column heading", "Written (lost value)") },
  { "kept_by", NC_("column heading", "Written by (kept value)") },
  { "lost_by", NC_("column heading", "Written by (lost value)") },
  { "settled_by", NC_("column heading", "Settled by") },
  { "settled_on", NC_("column heading", "Settled on") },
  { "created_at", NC_("column heading", "Created at") },
  { "updated_at", NC_("column heading", "Updated at") },
};

static const char *
heading_of (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_headings); i++)
    {
      if (g_str_equal (field_headings[i].field, field))
        return column_heading (field_headings[i].heading);
    }

  return field;
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

/* The cells of a household's or member's row, in the sheet's columns. */
static void
sheet_row (Names          *names,
           const Sheet    *sheet,
           const DhEntity *entity,
           json_object    *record,
           GPtrArray      *cells)
{
  json_object *household = record;

  if (g_str_equal (sheet->entity, "member"))
    household = names_get_record (names, "household", dh_json_get_string (record, "household"));

  for (guint c = 0; c < sheet->n_columns; c++)
    {
      const Column *column = &sheet->columns[c];
      const char *text = NULL;

      switch (column->role)
        {
        case COLUMN_FIELD:
          {
            json_object *value = NULL;

            json_object_object_get_ex (record, column->field, &value);
            g_ptr_array_add (cells, export_cell (names, dh_entity_get_field (entity, column->field), value));
            continue;
          }
        case COLUMN_COMMUNE:
        case COLUMN_VILLAGE:
          {
            const char *place = dh_json_get_string (household, column->role == COLUMN_COMMUNE ? "commune" : "village");

            text = place != NULL ? g_hash_table_lookup (names->places.names, place) : NULL;
            break;
          }
        case COLUMN_HOUSEHOLD_CODE:
          text = dh_json_get_string (household, "code");
          break;
        case COLUMN_HOUSEHOLD_HEAD:
          text = dh_json_get_string (household, "head_name");
          break;
        default:
          g_assert_not_reached ();
        }
      g_ptr_array_add (cells, guard_text (text != NULL ? text : ""));
    }
}

/* The columns of a list that is not a sheet: its fields, and when each
 * record was made and changed. Support entries also say what they void
 * and what voids them, by the id they have in the first column. */
static GPtrArray *
plain_columns (const DhEntity *entity)
{
  GPtrArray *keys = g_ptr_array_new ();
  gboolean is_support = g_str_equal (entity->name, "support");

  if (is_support)
    g_ptr_array_add (keys, (gpointer) DH_RECORD_ID);
  for (guint i = 0; i < entity->n_fields; i++)
    g_ptr_array_add (keys, (gpointer) entity->fields[i].name);
  if (is_support)
    {
      g_ptr_array_add (keys, (gpointer) "voided_by");
      g_ptr_array_add (keys, (gpointer) "superseded_by");
    }
  g_ptr_array_add (keys, (gpointer) DH_RECORD_CREATED_AT);
  g_ptr_array_add (keys, (gpointer) DH_RECORD_UPDATED_AT);

  return keys;
}

static gboolean
write_export (DhStore         *self,
              const DhEntity  *entity,
              const char      *listed,
              DhCsvWriter     *writer,
              DhProgress      *progress,
              GCancellable    *cancellable,
              guint           *out_written,
              GError         **error)
{
  g_auto(Names) names = { 0 };
  g_autoptr(GPtrArray) header = g_ptr_array_new ();
  g_autoptr(GPtrArray) keys = NULL;
  DhQuery query = { .entity = listed, .limit = 1000 };
  const Sheet *sheet = NULL;
  guint written = 0;
  guint64 total = 0;

  if (g_str_equal (entity->name, "household"))
    sheet = &household_sheet;
  else if (g_str_equal (entity->name, "member"))
    sheet = &member_sheet;

  if (!names_init (&names, self, error))
    return FALSE;

  if (sheet != NULL)
    {
      for (guint c = 0; c < sheet->n_columns; c++)
        g_ptr_array_add (header, (gpointer) column_heading (sheet->columns[c].heading));
    }
  else
    {
      keys = plain_columns (entity);
      for (guint c = 0; c < keys->len; c++)
        g_ptr_array_add (header, (gpointer) heading_of (g_ptr_array_index (keys, c)));
    }
  if (!dh_csv_writer_write_row (writer, (const char * const *) header->pdata, (gssize) header->len, error))
    return FALSE;

  /* how many rows there are, for the progress; only when someone listens */
  if (progress != NULL)
    {
      gint64 count = dh_store_count (self, &query, error);

      if (count < 0)
        return FALSE;
      total = (guint64) count;
    }

  for (;;)
    {
      g_autoptr(GPtrArray) rows = NULL;

      /* a page at a time: cancelled, the file half-written is removed */
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      dh_progress_report (progress, written, MAX (total, written));

      rows = dh_store_list (self, &query, error);
      if (rows == NULL)
        return FALSE;

      for (guint r = 0; r < rows->len; r++)
        {
          json_object *record = g_ptr_array_index (rows, r);
          g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

          if (sheet != NULL)
            sheet_row (&names, sheet, entity, record, cells);
          else
            {
              if (g_str_equal (entity->name, "support"))
                sign_support_amounts (record);
              for (guint c = 0; c < keys->len; c++)
                {
                  const char *key = g_ptr_array_index (keys, c);
                  const DhField *field = dh_entity_get_field (entity, key);
                  json_object *value = NULL;

                  /* a void and what it cancels name each other by id, the first column */
                  if (g_str_equal (key, "voided_by") || g_str_equal (key, "superseded_by") ||
                      g_str_equal (key, "voids"))
                    field = NULL;
                  json_object_object_get_ex (record, key, &value);
                  g_ptr_array_add (cells, export_cell (&names, field, value));
                }
            }

          if (!dh_csv_writer_write_row (writer, (const char * const *) cells->pdata, (gssize) cells->len, error))
            return FALSE;
          written++;
        }

      if (rows->len < query.limit)
        break;
      query.offset += rows->len;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error) || !dh_csv_writer_close (writer, error))
    return FALSE;

  dh_progress_report (progress, written, written);
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
  return dh_store_export_csv_in_thread (self, entity_name, path, NULL, NULL, out_written, error);
}

/* The export of a list in a worker thread: its progress in rows, and
 * cancellation, which leaves no file; see dh_store_export_csv_async(). */
gboolean
dh_store_export_csv_in_thread (DhStore       *self,
                               const char    *entity_name,
                               const char    *path,
                               DhProgress    *progress,
                               GCancellable  *cancellable,
                               guint         *out_written,
                               GError       **error)
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

      ok = write_export (self, entity, entity_name, writer, progress, cancellable, &written, error);
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
