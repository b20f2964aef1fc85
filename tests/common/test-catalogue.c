/* test-catalogue.c – the shipped catalogues and their shape checks */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-entity.h"
#include "dh-error.h"
#include "dh-text.h"

#define RESOURCE_PATH "/io/github/donghanh/DongHanh/catalogues/"

static const char * const catalogue_files[] = {
  "birth-provinces.json", "demo-province.json", "ethnicities.json", "funding-sources.json",
  "indicators.json", "poverty-causes.json", "programmes.json", "standards.json", "support-types.json",
  "value-labels.json",
};

typedef void (*EditFunc) (const char  *file_name,
                          json_object *root);

/* Copies the shipped catalogues into a fresh directory, letting @edit
 * change each file's JSON on the way. */
static char *
make_catalogue_dir (EditFunc edit)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("dh-catalogue-XXXXXX", &error);

  g_assert_no_error (error);
  /* Loading the default first registers the shipped resource. */
  dh_catalogues_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (catalogue_files); i++)
    {
      g_autofree char *path = g_build_filename (dir, catalogue_files[i], NULL);
      g_autofree char *resource = g_strconcat (RESOURCE_PATH, catalogue_files[i], NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (resource, 0, &error);
      g_autoptr(json_object) root = NULL;

      g_assert_no_error (error);
      root = json_tokener_parse (g_bytes_get_data (bytes, NULL));
      g_assert_nonnull (root);
      if (edit != NULL)
        edit (catalogue_files[i], root);
      if (root != NULL)
        g_assert_cmpint (json_object_to_file_ext (path, root, JSON_C_TO_STRING_PRETTY), ==, 0);
    }

  return dir;
}

static void
remove_catalogue_dir (const char *dir)
{
  for (guint i = 0; i < G_N_ELEMENTS (catalogue_files); i++)
    {
      g_autofree char *path = g_build_filename (dir, catalogue_files[i], NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static json_object *
array_item (json_object *object,
            const char  *key,
            size_t       index)
{
  json_object *array = json_object_object_get (object, key);

  g_assert_nonnull (array);
  return json_object_array_get_idx (array, index);
}

static void
assert_load_fails (EditFunc    edit,
                   const char *word,
                   const char *other_word)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_catalogue_dir (edit);
  g_autoptr(DhCatalogues) catalogues = dh_catalogues_new_from_directory (dir, &error);

  remove_catalogue_dir (dir);
  g_assert_null (catalogues);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  if (strstr (error->message, word) == NULL)
    g_error ("load error lacks “%s”: %s", word, error->message);
  if (other_word != NULL && strstr (error->message, other_word) == NULL)
    g_error ("load error lacks “%s”: %s", other_word, error->message);
}

static gpointer
get_default_in_thread (gpointer data)
{
  return dh_catalogues_get_default ();
}

static void
test_default_is_loaded_once_from_any_thread (void)
{
  GThread *threads[4];
  DhCatalogues *seen[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("catalogues", get_default_in_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    seen[i] = g_thread_join (threads[i]);

  g_assert_true (DH_IS_CATALOGUES (seen[0]));
  for (guint i = 1; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (seen[i] == seen[0]);
  g_assert_true (dh_catalogues_get_default () == seen[0]);
}

static void
test_resource_path_loads_and_bad_path_fails (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhCatalogues) loaded = dh_catalogues_new_from_resource_path (RESOURCE_PATH, &error);
  g_autoptr(DhCatalogues) missing = NULL;

  g_assert_no_error (error);
  g_assert_true (DH_IS_CATALOGUES (loaded));
  g_assert_true (loaded != dh_catalogues_get_default ());
  g_assert_cmpstr (dh_catalogues_get_name (loaded, "ethnicity", "kinh"), ==, "Kinh");

  missing = dh_catalogues_new_from_resource_path ("/io/github/donghanh/DongHanh/nowhere/", &error);
  g_assert_null (missing);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED);
  g_assert_nonnull (strstr (error->message, "birth-provinces.json"));
}

static void
test_catalogue_sizes (void)
{
  static const struct { const char *name; guint size; } sizes[] = {
    /* indicator: the 12 of 2022 and WST, new in 2027 */
    { "standard", 2 }, { "indicator", 13 }, { "programme", 3 }, { "project", 16 },
    { "support_type", 17 }, { "poverty_cause", 8 }, { "funding_source", 6 },
    { "ethnicity", 54 }, { "birth_province", 63 },
  };
  DhCatalogues *catalogues = dh_catalogues_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, sizes[i].name);

      if (codes->len != sizes[i].size)
        g_error ("catalogue %s has %u entries, expected %u", sizes[i].name, codes->len, sizes[i].size);
    }
}

static void
test_every_entry_has_code_nfc_name_and_english_name (void)
{
  static const char * const names[] = {
    "standard", "indicator", "programme", "project", "support_type", "poverty_cause",
    "funding_source", "ethnicity", "birth_province",
  };
  DhCatalogues *catalogues = dh_catalogues_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, names[i]);

      for (guint j = 0; j < codes->len; j++)
        {
          const char *code = g_ptr_array_index (codes, j);
          const char *name = dh_catalogues_get_name (catalogues, names[i], code);
          const char *name_en = dh_catalogues_get_name_en (catalogues, names[i], code);
          g_autofree char *nfc = NULL;

          g_assert_true (dh_catalogues_has_code (catalogues, names[i], code));
          g_assert_nonnull (name);
          g_assert_nonnull (name_en);
          g_assert_cmpstr (name, !=, "");
          g_assert_cmpstr (name_en, !=, "");
          nfc = g_utf8_normalize (name, -1, G_NORMALIZE_NFC);
          g_assert_cmpstr (name, ==, nfc);
        }
    }
}

/* Every coded field says which catalogue names its values, and every value
 * of a fixed list has a name there: a filter, a form and an export show
 * and take the name, never only the code. */
static void
test_every_coded_value_has_a_name (void)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  guint n_entities;
  const DhEntity * const *entities = dh_entity_list_all (&n_entities);

  for (guint i = 0; i < n_entities; i++)
    {
      for (guint j = 0; j < entities[i]->n_fields; j++)
        {
          const DhField *field = &entities[i]->fields[j];
          g_autoptr(GPtrArray) codes = NULL;

          if (field->type != DH_FIELD_ENUM && field->type != DH_FIELD_CODE && field->type != DH_FIELD_CODE_SET)
            continue;

          g_test_message ("%s.%s", entities[i]->name, field->name);
          g_assert_nonnull (field->target);
          codes = dh_catalogues_list_codes (catalogues, field->target);
          g_assert_cmpuint (codes->len, >, 0);
          for (guint k = 0; field->type == DH_FIELD_ENUM && field->values[k] != NULL; k++)
            g_assert_nonnull (dh_catalogues_get_name (catalogues, field->target, field->values[k]));
        }
    }
}

static void
add_folded (GHashTable *owners,
            const char *text,
            const char *code)
{
  g_autofree char *folded = dh_text_fold (text);
  const char *owner = g_hash_table_lookup (owners, folded);

  if (owner != NULL && !g_str_equal (owner, code))
    g_error ("“%s” names both %s and %s", text, owner, code);
  g_hash_table_insert (owners, g_steal_pointer (&folded), (gpointer) code);
}

/* What people type finds one value: a label, an English name, an alias or
 * a code, folded, belongs to one entry of its catalogue only. */
static void
test_names_find_their_code (void)
{
  static const char * const names[] = {
    "classification", "relation", "sex", "schooling", "employment", "exit_status", "visit_purpose",
    "review_kind", "support_status", "role", "area", "unit_kind",
    "ethnicity", "support_type", "poverty_cause", "funding_source",
  };
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  g_autofree char *listed = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GHashTable) owners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, names[i]);

      for (guint j = 0; j < codes->len; j++)
        {
          const char *code = g_ptr_array_index (codes, j);
          json_object *entry = dh_catalogues_get_entry (catalogues, names[i], code);
          json_object *aliases = NULL;

          add_folded (owners, code, code);
          add_folded (owners, dh_catalogues_get_name (catalogues, names[i], code), code);
          add_folded (owners, dh_catalogues_get_name_en (catalogues, names[i], code), code);
          json_object_object_get_ex (entry, "aliases", &aliases);
          for (size_t k = 0; aliases != NULL && k < json_object_array_length (aliases); k++)
            add_folded (owners, json_object_get_string (json_object_array_get_idx (aliases, k)), code);

          g_assert_cmpstr (dh_catalogues_find_code (catalogues, names[i], code), ==, code);
          g_assert_cmpstr (dh_catalogues_find_code (catalogues, names[i],
                                                    dh_catalogues_get_name (catalogues, names[i], code)), ==, code);
        }
    }

  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "classification", "Hộ nghèo"), ==, "poor");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "classification", "ho ngheo"), ==, "poor");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "classification", "HỘ CẬN NGHÈO"), ==, "near_poor");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "classification", "near poor"), ==, "near_poor");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "classification", "nghèo"), ==, "poor");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "relation", "con"), ==, "child");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "relation", "Vợ"), ==, "spouse");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "sex", "nu"), ==, "female");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "ethnicity", "tay"), ==, "tay");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "support_type", "Other"), ==, "other");
  g_assert_null (dh_catalogues_find_code (catalogues, "classification", "giàu"));
  g_assert_null (dh_catalogues_find_code (catalogues, "classification", ""));
  g_assert_null (dh_catalogues_find_code (catalogues, "classification", "   "));

  listed = dh_catalogues_list_names (catalogues, "sex");
  g_assert_cmpstr (listed, ==, "Nam, Nữ");
}

static void
test_unknown_codes_have_no_name (void)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();

  g_assert_false (dh_catalogues_has_code (catalogues, "ethnicity", "klingon"));
  g_assert_false (dh_catalogues_has_code (catalogues, "ethnicity", "Kinh"));
  g_assert_false (dh_catalogues_has_code (catalogues, "ethnicity", NULL));
  g_assert_false (dh_catalogues_has_code (catalogues, "birth_province", "003"));
  g_assert_false (dh_catalogues_has_code (catalogues, "indicator", "XYZ"));
  g_assert_null (dh_catalogues_get_name (catalogues, "support_type", "unicorn"));
  g_assert_null (dh_catalogues_get_name_en (catalogues, "support_type", "unicorn"));
  g_assert_null (dh_catalogues_get_entry (catalogues, "project", "DA8"));
}

/* The statistics office's codes 01–54 and the names people use. */
static void
test_ethnic_groups_carry_gso_codes_and_other_names (void)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, "ethnicity");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  static const struct { const char *gso, *code; } known[] = {
    { "01", "kinh" }, { "02", "tay" }, { "03", "thai" }, { "04", "hoa" }, { "05", "khmer" },
    { "06", "muong" }, { "07", "nung" }, { "08", "mong" }, { "09", "dao" }, { "10", "gia_rai" },
    { "54", "ro_mam" },
  };

  for (guint i = 0; i < codes->len; i++)
    {
      json_object *entry = dh_catalogues_get_entry (catalogues, "ethnicity", g_ptr_array_index (codes, i));
      const char *gso = json_object_get_string (json_object_object_get (entry, "gso_code"));
      gint64 number = 0;

      g_assert_nonnull (gso);
      g_assert_cmpuint (strlen (gso), ==, 2);
      g_assert_true (g_ascii_string_to_signed (gso, 10, 1, 54, &number, NULL));
      g_assert_false (g_hash_table_contains (seen, gso));
      g_hash_table_add (seen, g_strdup (gso));
      g_assert_cmpstr (dh_catalogues_find_code (catalogues, "ethnicity", gso), ==, g_ptr_array_index (codes, i));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 54);

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    g_assert_cmpstr (dh_catalogues_find_code (catalogues, "ethnicity", known[i].gso), ==, known[i].code);

  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "ethnicity", "Mèo"), ==, "mong");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "ethnicity", "h mong"), ==, "mong");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "ethnicity", "KHO-ME"), ==, "khmer");
  g_assert_cmpstr (dh_catalogues_find_code (catalogues, "ethnicity", "Vân Kiều"), ==, "bru_van_kieu");
  g_assert_null (dh_catalogues_find_code (catalogues, "ethnicity", "Klingon"));
  g_assert_null (dh_catalogues_find_code (catalogues, "ethnicity", "0"));
}

static void
test_ethnic_groups_are_the_54_with_ascii_slugs (void)
{
  static const char * const expected[] = {
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao",
    "Gia Rai", "Ê Đê", "Ba Na", "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai",
    "Mnông", "Thổ", "Xtiêng", "Khơ Mú", "Bru-Vân Kiều", "Cơ Tu", "Giáy", "Tà Ôi", "Mạ",
    "Giẻ-Triêng", "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "Kháng", "La Chí",
    "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Chứt", "Lự", "Lô Lô", "Mảng", "Cờ Lao", "Bố Y",
    "Cống", "Ngái", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ Măm",
  };
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, "ethnicity");

  g_assert_cmpuint (G_N_ELEMENTS (expected), ==, 54);
  g_assert_cmpuint (codes->len, ==, 54);
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);

      g_assert_cmpstr (dh_catalogues_get_name (catalogues, "ethnicity", code), ==, expected[i]);
      for (const char *p = code; *p != '\0'; p++)
        g_assert_true ((*p >= 'a' && *p <= 'z') || *p == '_');
    }

  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "ethnicity", "kinh"), ==, "Kinh");
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "ethnicity", "tay"), ==, "Tày");
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "ethnicity", "thai"), ==, "Thái");
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "ethnicity", "gia_rai"), ==, "Gia Rai");
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "ethnicity", "bru_van_kieu"), ==, "Bru-Vân Kiều");
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "ethnicity", "e_de"), ==, "Ê Đê");
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "ethnicity", "o_du"), ==, "Ơ Đu");
}

static void
test_birth_provinces_are_the_63_codes (void)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, "birth_province");
  static const char * const absent[] = { "000", "003", "005", "007", "009", "013", "097", "100" };

  g_assert_cmpuint (codes->len, ==, 63);
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);

      g_assert_cmpuint (strlen (code), ==, 3);
      g_assert_true (g_ascii_isdigit (code[0]) && g_ascii_isdigit (code[1]) && g_ascii_isdigit (code[2]));
      if (i > 0)
        g_assert_cmpstr (g_ptr_array_index (codes, i - 1), <, code);
    }
  for (guint i = 0; i < G_N_ELEMENTS (absent); i++)
    g_assert_false (dh_catalogues_has_code (catalogues, "birth_province", absent[i]));

  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "birth_province", "001"), ==, "Hà Nội");
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "birth_province", "046"), ==, "Thừa Thiên Huế");
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "birth_province", "066"), ==, "Đắk Lắk");
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "birth_province", "077"), ==, "Bà Rịa–Vũng Tàu");
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "birth_province", "079"), ==, "Hồ Chí Minh");
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "birth_province", "096"), ==, "Cà Mau");
}

static void
test_indicator_set_2022 (void)
{
  static const struct { const char *code, *dimension; } expected[] = {
    { "EMP", "employment" }, { "DEP", "employment" }, { "NUT", "health" }, { "HI", "health" },
    { "AED", "education" }, { "SCH", "education" }, { "HQ", "housing" }, { "HA", "housing" },
    { "WAT", "water_sanitation" }, { "TOI", "water_sanitation" }, { "TEL", "information" },
    { "INF", "information" },
  };
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  const DhStandard *standard = dh_catalogues_get_standard (catalogues, "VN-2022");

  g_assert_nonnull (standard);
  g_assert_cmpstr (standard->indicator_set, ==, "2022");
  g_assert_cmpuint (standard->n_indicators, ==, 12);
  g_assert_null (standard->indicators[12]);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      json_object *entry = dh_catalogues_get_entry (catalogues, "indicator", expected[i].code);

      g_assert_cmpstr (standard->indicators[i], ==, expected[i].code);
      g_assert_nonnull (entry);
      g_assert_cmpstr (json_object_get_string (json_object_object_get (entry, "dimension")), ==, expected[i].dimension);
    }
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "indicator", "HI"), ==, "Bảo hiểm y tế");
  g_assert_cmpstr (dh_catalogues_get_name_en (catalogues, "indicator", "TOI"), ==, "Hygienic latrine");
}

static void
test_indicator_set_2027_is_provisional (void)
{
  static const struct { const char *code, *dimension; } expected[] = {
    { "EMP", "employment" }, { "DEP", "employment" }, { "NUT", "health" }, { "HI", "health" },
    { "AED", "education" }, { "SCH", "education" }, { "HQ", "housing" }, { "HA", "housing" },
    { "WAT", "water_sanitation_environment" }, { "TOI", "water_sanitation_environment" },
    { "WST", "water_sanitation_environment" }, { "TEL", "information" },
  };
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  const DhStandard *vn2027 = dh_catalogues_get_standard (catalogues, "VN-2027");
  const DhStandard *vn2022 = dh_catalogues_get_standard (catalogues, "VN-2022");
  json_object *set = dh_catalogues_get_entry (catalogues, "indicator_set", "2027");
  json_object *indicators = json_object_object_get (set, "indicators");
  g_autoptr(GHashTable) dimensions = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_nonnull (vn2027);
  g_assert_true (vn2027->indicators_provisional);
  g_assert_false (vn2022->indicators_provisional);
  g_assert_true (json_object_get_boolean (json_object_object_get (set, "provisional")));
  g_assert_cmpuint (vn2027->n_indicators, ==, 12);
  g_assert_null (vn2027->indicators[12]);
  g_assert_cmpuint (json_object_array_length (indicators), ==, 12);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      json_object *entry = json_object_array_get_idx (indicators, i);
      const char *dimension = json_object_get_string (json_object_object_get (entry, "dimension"));

      g_assert_cmpstr (vn2027->indicators[i], ==, expected[i].code);
      g_assert_cmpstr (dimension, ==, expected[i].dimension);
      g_assert_true (dh_catalogues_has_code (catalogues, "dimension", dimension));
      g_hash_table_add (dimensions, (gpointer) dimension);
    }
  g_assert_cmpuint (g_hash_table_size (dimensions), ==, 6);
  /* The information-device indicator is dropped in 2027. */
  for (guint i = 0; i < vn2027->n_indicators; i++)
    g_assert_cmpstr (vn2027->indicators[i], !=, "INF");
  g_assert_cmpstr (dh_catalogues_get_name_en (catalogues, "indicator", "WST"), ==, "Household waste treatment");
  /* Nothing the update must supply is guessed. */
  g_assert_false (vn2027->has_band);
  g_assert_false (vn2027->has_score);
}

static void
test_indicators_carry_the_legal_wording (void)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  json_object *water = dh_catalogues_get_entry (catalogues, "indicator", "WAT");
  json_object *telecom = dh_catalogues_get_entry (catalogues, "indicator", "TEL");
  const char *water_wording = json_object_get_string (json_object_object_get (water, "legal_wording"));
  const char *telecom_wording = json_object_get_string (json_object_object_get (telecom, "legal_wording"));

  /* WAT is water for household use (nước sinh hoạt), not drinking water
   * alone; TEL is the use of internet services. */
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "indicator", "WAT"), ==, "Nguồn nước sinh hoạt");
  g_assert_nonnull (water_wording);
  g_assert_nonnull (strstr (water_wording, "nguồn nước sinh hoạt"));
  g_assert_cmpstr (dh_catalogues_get_name_en (catalogues, "indicator", "WAT"), ==, "Water for household use");
  g_assert_null (strstr (json_object_get_string (json_object_object_get (water, "meaning_en")), "no clean drinking-water"));
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "indicator", "TEL"), ==, "Sử dụng dịch vụ viễn thông");
  g_assert_nonnull (telecom_wording);
  g_assert_nonnull (strstr (telecom_wording, "dịch vụ internet"));
}

static void
test_standards_carry_the_decrees_figures (void)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  const DhStandard *vn2022 = dh_catalogues_get_standard (catalogues, "VN-2022");
  const DhStandard *vn2027 = dh_catalogues_get_standard (catalogues, "VN-2027");
  g_autoptr(GPtrArray) all = dh_catalogues_list_standards (catalogues);

  g_assert_cmpuint (all->len, ==, 2);
  g_assert_null (dh_catalogues_get_standard (catalogues, "VN-2016"));

  g_assert_nonnull (vn2022);
  g_assert_null (vn2022->province_code);
  g_assert_nonnull (strstr (vn2022->legal_basis, "07/2021/NĐ-CP"));
  g_assert_nonnull (strstr (vn2022->legal_basis, "351/2025/NĐ-CP"));
  g_assert_cmpint (g_date_get_year (&vn2022->valid_from), ==, 2022);
  g_assert_cmpint (g_date_get_julian (&vn2022->valid_to), ==,
                   g_date_get_julian (&vn2027->valid_from) - 1);
  g_assert_cmpint (vn2022->income_threshold[DH_AREA_RURAL], ==, 1500000);
  g_assert_cmpint (vn2022->income_threshold[DH_AREA_URBAN], ==, 2000000);
  g_assert_cmpuint (vn2022->min_deprivations, ==, 3);
  g_assert_true (vn2022->has_band);
  g_assert_cmpint (vn2022->band_from[DH_AREA_RURAL], ==, 1500000);
  g_assert_cmpint (vn2022->band_to[DH_AREA_RURAL], ==, 2250000);
  g_assert_cmpint (vn2022->band_from[DH_AREA_URBAN], ==, 2000000);
  g_assert_cmpint (vn2022->band_to[DH_AREA_URBAN], ==, 3000000);
  g_assert_true (vn2022->has_score);
  g_assert_cmpint (vn2022->score_a_limit[DH_AREA_RURAL], ==, 140);
  g_assert_cmpint (vn2022->score_a_limit[DH_AREA_URBAN], ==, 175);
  g_assert_cmpint (vn2022->score_b_per_deprivation, ==, 10);
  g_assert_cmpint (vn2022->score_b_poor_at, ==, 30);

  g_assert_nonnull (vn2027);
  g_assert_nonnull (strstr (vn2027->legal_basis, "351/2025/NĐ-CP"));
  g_assert_cmpint (vn2027->income_threshold[DH_AREA_RURAL], ==, 2200000);
  g_assert_cmpint (vn2027->income_threshold[DH_AREA_URBAN], ==, 2800000);
  g_assert_cmpuint (vn2027->min_deprivations, ==, 3);
  g_assert_false (vn2027->has_band);
  g_assert_false (vn2027->has_score);
  g_assert_cmpstr (vn2027->indicator_set, ==, "2027");
  g_assert_cmpint (g_date_get_year (&vn2027->valid_to), ==, 2030);
  g_assert_cmpint (g_date_get_month (&vn2027->valid_to), ==, 12);
  g_assert_cmpint (g_date_get_day (&vn2027->valid_to), ==, 31);
}

static const DhStandard *
find_on (DhCatalogues *catalogues,
         int           day,
         int           month,
         int           year,
         const char   *province)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return dh_catalogues_find_standard (catalogues, &date, province);
}

static void
test_find_standard_by_date (void)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();

  g_assert_null (find_on (catalogues, 31, 12, 2021, NULL));
  g_assert_cmpstr (find_on (catalogues, 1, 1, 2022, NULL)->id, ==, "VN-2022");
  g_assert_cmpstr (find_on (catalogues, 24, 11, 2026, NULL)->id, ==, "VN-2022");
  g_assert_cmpstr (find_on (catalogues, 31, 12, 2026, NULL)->id, ==, "VN-2022");
  g_assert_cmpstr (find_on (catalogues, 1, 1, 2027, NULL)->id, ==, "VN-2027");
  g_assert_cmpstr (find_on (catalogues, 31, 12, 2030, NULL)->id, ==, "VN-2027");
  g_assert_null (find_on (catalogues, 1, 1, 2031, NULL));
  /* A province without a standard of its own uses the national one. */
  g_assert_cmpstr (find_on (catalogues, 1, 1, 2027, "DEMO")->id, ==, "VN-2027");
}

static void
add_provincial_standard (const char  *file_name,
                         json_object *root)
{
  json_object *standards, *local = NULL;

  if (!g_str_equal (file_name, "standards.json"))
    return;

  standards = json_object_object_get (root, "standards");
  json_object_deep_copy (json_object_array_get_idx (standards, 1), &local, NULL);
  json_object_object_add (local, "code", json_object_new_string ("DEMO-2027"));
  json_object_object_add (local, "scope", json_object_new_string ("province"));
  json_object_object_add (local, "province", json_object_new_string ("DEMO"));
  json_object_object_add (local, "valid_from", json_object_new_string ("2027-07-01"));
  json_object_array_add (standards, local);
}

static void
test_provincial_standard_wins_over_national (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_catalogue_dir (add_provincial_standard);
  g_autoptr(DhCatalogues) catalogues = dh_catalogues_new_from_directory (dir, &error);

  remove_catalogue_dir (dir);
  g_assert_no_error (error);
  g_assert_cmpstr (find_on (catalogues, 30, 6, 2027, "DEMO")->id, ==, "VN-2027");
  g_assert_cmpstr (find_on (catalogues, 1, 7, 2027, "DEMO")->id, ==, "DEMO-2027");
  g_assert_cmpstr (find_on (catalogues, 31, 12, 2030, "DEMO")->id, ==, "DEMO-2027");
  g_assert_cmpstr (find_on (catalogues, 1, 7, 2027, "OTHER")->id, ==, "VN-2027");
  g_assert_cmpstr (find_on (catalogues, 1, 7, 2027, NULL)->id, ==, "VN-2027");
  g_assert_cmpstr (find_on (catalogues, 1, 7, 2026, "DEMO")->id, ==, "VN-2022");
  g_assert_cmpstr (dh_catalogues_get_standard (catalogues, "DEMO-2027")->province_code, ==, "DEMO");
}

static void
test_programmes_and_projects (void)
{
  static const char * const projects[] = {
    "DA1", "DA2", "DA3", "3.1", "3.2", "DA4", "4.1", "4.2", "4.3", "DA5", "DA6", "6.1", "6.2",
    "DA7", "7.1", "7.2",
  };
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, "project");
  g_autoptr(GPtrArray) programmes = dh_catalogues_list_codes (catalogues, "programme");

  g_assert_cmpuint (programmes->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (programmes, 0), ==, "NTP-GNBV-2021-2025");
  g_assert_cmpstr (g_ptr_array_index (programmes, 1), ==, "NTP-2026-2035");
  g_assert_cmpstr (g_ptr_array_index (programmes, 2), ==, "OTHER");

  g_assert_cmpuint (codes->len, ==, G_N_ELEMENTS (projects));
  for (guint i = 0; i < G_N_ELEMENTS (projects); i++)
    {
      g_assert_cmpstr (g_ptr_array_index (codes, i), ==, projects[i]);
      g_assert_cmpstr (dh_catalogues_get_project_programme (catalogues, projects[i]), ==, "NTP-GNBV-2021-2025");
    }
  g_assert_null (dh_catalogues_get_project_programme (catalogues, "DA8"));
  g_assert_nonnull (strstr (dh_catalogues_get_name_en (catalogues, "project", "4.3"), "sustainable jobs"));
}

static void
test_programme_2021_2025_has_its_full_names_and_sub_projects (void)
{
  static const struct { const char *code, *name; } expected[] = {
    { "DA1", "Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng kinh tế – xã hội các huyện nghèo, các xã đặc biệt khó khăn vùng bãi ngang, ven biển và hải đảo" },
    { "DA5", "Dự án 5: Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo trên địa bàn các huyện nghèo" },
    { "6.1", "Tiểu dự án 6.1: Giảm nghèo về thông tin" },
    { "6.2", "Tiểu dự án 6.2: Truyền thông về giảm nghèo đa chiều" },
    { "7.1", "Tiểu dự án 7.1: Nâng cao năng lực thực hiện Chương trình" },
    { "7.2", "Tiểu dự án 7.2: Giám sát, đánh giá Chương trình" },
  };
  DhCatalogues *catalogues = dh_catalogues_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpstr (dh_catalogues_get_name (catalogues, "project", expected[i].code), ==, expected[i].name);
      g_assert_cmpstr (dh_catalogues_get_project_programme (catalogues, expected[i].code), ==, "NTP-GNBV-2021-2025");
    }
  g_assert_nonnull (strstr (dh_catalogues_get_name_en (catalogues, "project", "6.1"), "information poverty"));
  g_assert_nonnull (strstr (dh_catalogues_get_name_en (catalogues, "project", "6.2"), "multidimensional poverty"));
  g_assert_nonnull (strstr (dh_catalogues_get_name_en (catalogues, "project", "7.1"), "capacity building"));
  g_assert_nonnull (strstr (dh_catalogues_get_name_en (catalogues, "project", "7.2"), "monitoring and evaluation"));
}

static void
test_support_types_causes_and_funding_sources (void)
{
  static const char * const support[] = {
    "seed_plant", "livestock", "farm_input", "tool_machine", "technical_training", "housing_new",
    "housing_repair", "vbsp_loan", "health_insurance_card", "tuition", "vocational_training",
    "job_placement", "overseas_labour", "nutrition", "information_device", "cash", "other",
  };
  static const char * const causes[] = {
    "no_production_land", "no_capital", "no_labour", "no_tools", "no_know_how", "no_skills",
    "illness_or_accident", "other",
  };
  static const char * const funding[] = {
    "central_budget", "local_budget", "vbsp_loan", "enterprise", "community", "other",
  };
  DhCatalogues *catalogues = dh_catalogues_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (support); i++)
    g_assert_true (dh_catalogues_has_code (catalogues, "support_type", support[i]));
  for (guint i = 0; i < G_N_ELEMENTS (causes); i++)
    g_assert_true (dh_catalogues_has_code (catalogues, "poverty_cause", causes[i]));
  for (guint i = 0; i < G_N_ELEMENTS (funding); i++)
    g_assert_true (dh_catalogues_has_code (catalogues, "funding_source", funding[i]));
}

static void
test_demo_province_has_a_rural_and_an_urban_commune (void)
{
  json_object *province = dh_catalogues_get_demo_province (dh_catalogues_get_default ());
  json_object *communes;
  gboolean seen_rural = FALSE, seen_urban = FALSE;

  g_assert_nonnull (province);
  g_assert_nonnull (strstr (json_object_get_string (json_object_object_get (province, "name")), "(demo)"));
  communes = json_object_object_get (province, "communes");
  g_assert_cmpuint (json_object_array_length (communes), ==, 2);

  for (size_t i = 0; i < json_object_array_length (communes); i++)
    {
      json_object *commune = json_object_array_get_idx (communes, i);
      const char *name = json_object_get_string (json_object_object_get (commune, "name"));
      const char *area = json_object_get_string (json_object_object_get (commune, "area"));
      json_object *villages = json_object_object_get (commune, "villages");
      gboolean rural = g_str_equal (area, "rural");

      g_assert_nonnull (strstr (name, "(demo)"));
      g_assert_true (g_str_has_prefix (name, rural ? "Xã " : "Phường "));
      g_assert_cmpuint (json_object_array_length (villages), >=, 4);
      g_assert_cmpuint (json_object_array_length (villages), <=, 6);
      for (size_t j = 0; j < json_object_array_length (villages); j++)
        {
          json_object *village = json_object_array_get_idx (villages, j);
          const char *village_name = json_object_get_string (json_object_object_get (village, "name"));

          g_assert_nonnull (json_object_get_string (json_object_object_get (village, "code")));
          if (rural)
            g_assert_true (g_str_has_prefix (village_name, "Thôn ") || g_str_has_prefix (village_name, "Bản "));
          else
            g_assert_true (g_str_has_prefix (village_name, "Tổ dân phố "));
        }
      seen_rural |= rural;
      seen_urban |= g_str_equal (area, "urban");
    }

  g_assert_true (seen_rural);
  g_assert_true (seen_urban);
}

static void
test_unedited_copy_loads_from_a_directory (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_catalogue_dir (NULL);
  g_autoptr(DhCatalogues) catalogues = dh_catalogues_new_from_directory (dir, &error);

  remove_catalogue_dir (dir);
  g_assert_no_error (error);
  g_assert_cmpstr (dh_catalogues_get_name (catalogues, "birth_province", "079"), ==, "Hồ Chí Minh");
  g_assert_finalize_object (g_steal_pointer (&catalogues));
}

static void
drop_name_en_of_an_ethnic_group (const char  *file_name,
                                 json_object *root)
{
  if (g_str_equal (file_name, "ethnicities.json"))
    json_object_object_del (array_item (root, "ethnicities", 3), "name_en");
}

static void
drop_income_threshold (const char  *file_name,
                       json_object *root)
{
  if (g_str_equal (file_name, "standards.json"))
    json_object_object_del (array_item (root, "standards", 0), "income_threshold");
}

static void
drop_urban_score_limit (const char  *file_name,
                        json_object *root)
{
  if (g_str_equal (file_name, "standards.json"))
    {
      json_object *scores = json_object_object_get (array_item (root, "standards", 0), "field_scores");

      json_object_object_del (json_object_object_get (scores, "score_a_limit"), "urban");
    }
}

static void
make_threshold_a_string (const char  *file_name,
                         json_object *root)
{
  if (g_str_equal (file_name, "standards.json"))
    {
      json_object *thresholds = json_object_object_get (array_item (root, "standards", 1), "income_threshold");

      json_object_object_add (thresholds, "rural", json_object_new_string ("2.200.000"));
    }
}

static void
duplicate_a_support_type (const char  *file_name,
                          json_object *root)
{
  if (g_str_equal (file_name, "support-types.json"))
    json_object_object_add (array_item (root, "support_types", 1), "code", json_object_new_string ("seed_plant"));
}

static void
duplicate_a_project_across_programmes (const char  *file_name,
                                       json_object *root)
{
  if (g_str_equal (file_name, "programmes.json"))
    {
      json_object *copy = NULL;

      json_object_deep_copy (array_item (json_object_array_get_idx (json_object_object_get (root, "programmes"), 0),
                                         "projects", 0), &copy, NULL);
      json_object_array_add (json_object_object_get (array_item (root, "programmes", 1), "projects"), copy);
    }
}

static void
decompose_a_name (const char  *file_name,
                  json_object *root)
{
  if (g_str_equal (file_name, "birth-provinces.json"))
    json_object_object_add (array_item (root, "birth_provinces", 0), "name",
                            json_object_new_string ("Ha\u0300 No\u0323\u0302i"));
}

static void
make_periods_overlap (const char  *file_name,
                      json_object *root)
{
  if (g_str_equal (file_name, "standards.json"))
    json_object_object_add (array_item (root, "standards", 1), "valid_from", json_object_new_string ("2026-12-31"));
}

static void
point_to_a_missing_indicator_set (const char  *file_name,
                                  json_object *root)
{
  if (g_str_equal (file_name, "standards.json"))
    json_object_object_add (array_item (root, "standards", 1), "indicator_set", json_object_new_string ("2035"));
}

static void
give_an_unknown_dimension (const char  *file_name,
                           json_object *root)
{
  if (g_str_equal (file_name, "indicators.json"))
    {
      json_object *set = array_item (root, "indicator_sets", 0);

      json_object_object_add (array_item (set, "indicators", 2), "dimension", json_object_new_string ("wealth"));
    }
}

static void
give_a_bad_area (const char  *file_name,
                 json_object *root)
{
  if (g_str_equal (file_name, "demo-province.json"))
    {
      json_object *province = json_object_object_get (root, "province");

      json_object_object_add (array_item (province, "communes", 1), "area", json_object_new_string ("suburban"));
    }
}

static void
bump_the_format (const char  *file_name,
                 json_object *root)
{
  if (g_str_equal (file_name, "poverty-causes.json"))
    json_object_object_add (root, "format", json_object_new_int (2));
}

static void
test_shape_errors_name_the_file_and_the_key (void)
{
  assert_load_fails (drop_name_en_of_an_ethnic_group, "ethnicities.json", "“name_en” is missing");
  assert_load_fails (drop_income_threshold, "standards.json", "“income_threshold” is missing");
  assert_load_fails (drop_urban_score_limit, "standards.json", "“urban” is missing");
  assert_load_fails (make_threshold_a_string, "standards.json", "“rural” has the wrong kind of value");
  assert_load_fails (duplicate_a_support_type, "support-types.json", "appears twice");
  assert_load_fails (duplicate_a_project_across_programmes, "programmes.json", "appears twice");
  assert_load_fails (decompose_a_name, "birth-provinces.json", "NFC");
  assert_load_fails (make_periods_overlap, "standards.json", "overlap");
  assert_load_fails (point_to_a_missing_indicator_set, "standards.json", "“2035”");
  assert_load_fails (give_an_unknown_dimension, "indicators.json", "wealth");
  assert_load_fails (give_a_bad_area, "demo-province.json", "rural");
  assert_load_fails (bump_the_format, "poverty-causes.json", "format");
}

static void
test_broken_and_missing_files_are_load_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_catalogue_dir (NULL);
  g_autofree char *path = g_build_filename (dir, "programmes.json", NULL);
  g_autoptr(DhCatalogues) truncated = NULL;
  g_autoptr(DhCatalogues) missing = NULL;

  g_assert_true (g_file_set_contents (path, "{ \"format\": 1, \"programmes\": [ { \"code\": ", -1, NULL));
  truncated = dh_catalogues_new_from_directory (dir, &error);
  g_assert_null (truncated);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "programmes.json"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "[1, 2]", -1, NULL));
  truncated = dh_catalogues_new_from_directory (dir, &error);
  g_assert_null (truncated);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a JSON object"));
  g_clear_error (&error);

  g_remove (path);
  missing = dh_catalogues_new_from_directory (dir, &error);
  remove_catalogue_dir (dir);
  g_assert_null (missing);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED);
  g_assert_nonnull (strstr (error->message, "programmes.json"));
}

/* An indicator's definition in the language of the interface (English
 * here), and NULL for a text an entry does not have. */
static void
test_texts_besides_the_name (void)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();

  g_assert_cmpstr (dh_catalogues_get_text (catalogues, "indicator", "HI", "meaning"), ==,
                   "a member aged 6 or over has no health insurance");
  g_assert_true (g_str_has_prefix (dh_catalogues_get_text (catalogues, "indicator_set", "2027", "provisional_note"),
                                   "Decree 351/2025/NĐ-CP"));
  g_assert_null (dh_catalogues_get_text (catalogues, "indicator", "HI", "provisional_note"));
  g_assert_null (dh_catalogues_get_text (catalogues, "indicator", "NO-SUCH-CODE", "meaning"));
  /* every indicator has a definition in Vietnamese and in English */
  {
    g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, "indicator");

    for (guint i = 0; i < codes->len; i++)
      {
        json_object *entry = dh_catalogues_get_entry (catalogues, "indicator", g_ptr_array_index (codes, i));

        g_assert_nonnull (json_object_get_string (json_object_object_get (entry, "meaning")));
        g_assert_nonnull (json_object_get_string (json_object_object_get (entry, "meaning_en")));
      }
  }
}

static void
rename_a_programme (const char  *file_name,
                    json_object *root)
{
  if (g_str_equal (file_name, "programmes.json"))
    json_object_object_add (json_object_array_get_idx (json_object_object_get (root, "programmes"), 0),
                            "name", json_object_new_string ("Chương trình đổi tên"));
}

/* Two sets of catalogues that differ in a byte have different versions;
 * the same bytes, wherever they are read from, the same. */
static void
test_version_tells_sets_apart (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *same_dir = make_catalogue_dir (NULL);
  g_autofree char *other_dir = make_catalogue_dir (rename_a_programme);
  g_autofree char *again_dir = make_catalogue_dir (NULL);
  g_autoptr(DhCatalogues) same = dh_catalogues_new_from_directory (same_dir, &error);
  g_autoptr(DhCatalogues) other = dh_catalogues_new_from_directory (other_dir, &error);
  g_autoptr(DhCatalogues) again = dh_catalogues_new_from_directory (again_dir, &error);
  g_autoptr(json_object) all = NULL;
  json_object *files = NULL;

  remove_catalogue_dir (same_dir);
  remove_catalogue_dir (other_dir);
  remove_catalogue_dir (again_dir);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (dh_catalogues_get_version (same)), ==, 64);
  g_assert_cmpstr (dh_catalogues_get_version (same), ==, dh_catalogues_get_version (again));
  g_assert_cmpstr (dh_catalogues_get_version (same), !=, dh_catalogues_get_version (other));

  all = dh_catalogues_to_json (other);
  g_assert_cmpstr (dh_json_get_string (all, "version"), ==, dh_catalogues_get_version (other));
  g_assert_true (json_object_object_get_ex (all, "files", &files));
  g_assert_cmpint (json_object_object_length (files), ==, G_N_ELEMENTS (catalogue_files));
  g_assert_nonnull (strstr (json_object_to_json_string (json_object_object_get (files, "programmes.json")),
                            "đổi tên"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/catalogue/default/loads-once-from-any-thread", test_default_is_loaded_once_from_any_thread);
  g_test_add_func ("/common/catalogue/version-tells-sets-apart", test_version_tells_sets_apart);
  g_test_add_func ("/common/catalogue/resource-path/loads-and-bad-path-fails", test_resource_path_loads_and_bad_path_fails);
  g_test_add_func ("/common/catalogue/sizes-match-the-data-dictionary", test_catalogue_sizes);
  g_test_add_func ("/common/catalogue/every-entry-has-code-nfc-name-and-english-name", test_every_entry_has_code_nfc_name_and_english_name);
  g_test_add_func ("/common/catalogue/unknown-codes-have-no-name", test_unknown_codes_have_no_name);
  g_test_add_func ("/common/catalogue/every-coded-value-has-a-name", test_every_coded_value_has_a_name);
  g_test_add_func ("/common/catalogue/names-find-their-code", test_names_find_their_code);
  g_test_add_func ("/common/catalogue/ethnicity/the-54-groups-with-ascii-slugs", test_ethnic_groups_are_the_54_with_ascii_slugs);
  g_test_add_func ("/common/catalogue/ethnicity/gso-codes-and-other-names", test_ethnic_groups_carry_gso_codes_and_other_names);
  g_test_add_func ("/common/catalogue/birth-province/the-63-codes", test_birth_provinces_are_the_63_codes);
  g_test_add_func ("/common/catalogue/indicator/set-2022-has-12-in-6-dimensions", test_indicator_set_2022);
  g_test_add_func ("/common/catalogue/indicator/set-2027-is-provisional-with-12-in-6-dimensions", test_indicator_set_2027_is_provisional);
  g_test_add_func ("/common/catalogue/indicator/wat-and-tel-carry-the-legal-wording", test_indicators_carry_the_legal_wording);
  g_test_add_func ("/common/catalogue/standard/carries-the-decrees-figures", test_standards_carry_the_decrees_figures);
  g_test_add_func ("/common/catalogue/standard/found-by-date", test_find_standard_by_date);
  g_test_add_func ("/common/catalogue/standard/provincial-wins-over-national", test_provincial_standard_wins_over_national);
  g_test_add_func ("/common/catalogue/programme/projects-and-sub-projects", test_programmes_and_projects);
  g_test_add_func ("/common/catalogue/programme/2021-2025-full-names-and-sub-projects-6-and-7", test_programme_2021_2025_has_its_full_names_and_sub_projects);
  g_test_add_func ("/common/catalogue/support-types-causes-and-funding-sources", test_support_types_causes_and_funding_sources);
  g_test_add_func ("/common/catalogue/demo-province/one-rural-one-urban-commune", test_demo_province_has_a_rural_and_an_urban_commune);
  g_test_add_func ("/common/catalogue/directory/unedited-copy-loads", test_unedited_copy_loads_from_a_directory);
  g_test_add_func ("/common/catalogue/load/shape-errors-name-the-file-and-key", test_shape_errors_name_the_file_and_the_key);
  g_test_add_func ("/common/catalogue/load/broken-and-missing-files-are-errors", test_broken_and_missing_files_are_load_errors);
  g_test_add_func ("/common/catalogue/texts-besides-the-name", test_texts_besides_the_name);

  return g_test_run ();
}
