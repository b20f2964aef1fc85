/* dh-catalogue-load.c – reading the catalogue files, checking their shape, naming what is wrong and where */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-catalogue"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-catalogue-private.h"
#include "dh-date.h"
#include "dh-error.h"
#include "dh-text.h"

#define FORMAT_VERSION 1

/* Shape checks. Every failure names the file and the place in it, so that
 * whoever prepared a catalogue update can fix it. */

static gboolean
shape_error (GError     **error,
             const char  *file_name,
             const char  *where,
             const char  *problem)
{
  g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
               _("catalogue file %s, %s: %s; fix the file or reinstall the shipped catalogues"),
               file_name, where, problem);
  return FALSE;
}

static json_object *
member (json_object  *object,
        const char   *key,
        json_type     type,
        gboolean      nullable,
        const char   *file_name,
        const char   *where,
        GError      **error)
{
  json_object *value = NULL;

  if (!json_object_object_get_ex (object, key, &value))
    {
      g_autofree char *problem = g_strdup_printf (_("the key “%s” is missing"), key);

      shape_error (error, file_name, where, problem);
      return NULL;
    }

  if (value == NULL && nullable)
    {
      /* A present null: the caller tests for it with error still unset. */
      return NULL;
    }

  if (value == NULL || !json_object_is_type (value, type) ||
      (type == json_type_int && json_object_is_type (value, json_type_double)))
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” has the wrong kind of value (expected %s)"),
                                                  key, json_type_to_name (type));

      shape_error (error, file_name, where, problem);
      return NULL;
    }

  return value;
}

static const char *
member_string (json_object  *object,
               const char   *key,
               gboolean      nullable,
               const char   *file_name,
               const char   *where,
               GError      **error)
{
  json_object *value = member (object, key, json_type_string, nullable, file_name, where, error);
  const char *text;

  if (value == NULL)
    return NULL;

  text = json_object_get_string (value);
  if (text[0] == '\0')
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” is empty"), key);

      shape_error (error, file_name, where, problem);
      return NULL;
    }

  return text;
}

static gboolean
member_int (json_object  *object,
            const char   *key,
            gint64        min,
            const char   *file_name,
            const char   *where,
            gint64       *out_value,
            GError      **error)
{
  json_object *value = member (object, key, json_type_int, FALSE, file_name, where, error);

  if (value == NULL)
    return FALSE;

  *out_value = json_object_get_int64 (value);
  if (*out_value < min)
    {
      g_autofree char *lowest = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *problem = g_strdup_printf (_("“%s” must be at least %s"), key, lowest);

      return shape_error (error, file_name, where, problem);
    }

  return TRUE;
}

static gboolean
member_per_area (json_object  *object,
                 const char   *key,
                 gint64        min,
                 const char   *file_name,
                 const char   *where,
                 gint64        out_values[DH_N_AREAS],
                 GError      **error)
{
  json_object *per_area = member (object, key, json_type_object, FALSE, file_name, where, error);
  g_autofree char *inner = NULL;

  if (per_area == NULL)
    return FALSE;

  inner = g_strdup_printf ("%s, %s", where, key);
  return member_int (per_area, "rural", min, file_name, inner, &out_values[DH_AREA_RURAL], error) &&
         member_int (per_area, "urban", min, file_name, inner, &out_values[DH_AREA_URBAN], error);
}

static gboolean
member_date (json_object  *object,
             const char   *key,
             const char   *file_name,
             const char   *where,
             GDate        *out_date,
             GError      **error)
{
  const char *text = member_string (object, key, FALSE, file_name, where, error);

  if (text == NULL)
    return FALSE;

  g_date_clear (out_date, 1);
  if (!dh_date_parse (text, out_date, NULL))
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” is not a date like 2022-01-01"), key);

      return shape_error (error, file_name, where, problem);
    }

  return TRUE;
}

static Catalogue *
ensure_catalogue (DhCatalogues *self,
                  const char   *name)
{
  Catalogue *catalogue = g_hash_table_lookup (self->catalogues, name);

  if (catalogue == NULL)
    {
      catalogue = g_new0 (Catalogue, 1);
      catalogue->entries = g_hash_table_new (g_str_hash, g_str_equal);
      catalogue->codes = g_ptr_array_new ();
      catalogue->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->catalogues, g_strdup (name), catalogue);
    }

  return catalogue;
}

static void
add_key (Catalogue  *catalogue,
         const char *text,
         const char *code)
{
  g_autofree char *key = dh_text_match_key (text);
  const char *existing;

  if (key == NULL || key[0] == '\0')
    return;

  existing = g_hash_table_lookup (catalogue->keys, key);
  if (existing == NULL)
    g_hash_table_insert (catalogue->keys, g_steal_pointer (&key), (gpointer) code);
  else if (!g_str_equal (existing, code))
    g_hash_table_insert (catalogue->keys, g_steal_pointer (&key), (gpointer) "");
}

/* The other ways an entry is written: "aliases" (other names and common
 * spellings) and "gso_code" (the statistics office's number), both
 * optional, both matched by dh_catalogues_find_code(). */
static gboolean
add_entry_keys (Catalogue    *catalogue,
                json_object  *entry,
                const char   *code,
                const char   *file_name,
                const char   *where,
                GError      **error)
{
  g_autofree char *place = g_strdup_printf ("%s, “%s”", where, code);
  json_object *aliases = NULL;
  json_object *gso = NULL;

  add_key (catalogue, code, code);
  add_key (catalogue, json_object_get_string (json_object_object_get (entry, "name")), code);
  add_key (catalogue, json_object_get_string (json_object_object_get (entry, "name_en")), code);

  if (json_object_object_get_ex (entry, "gso_code", &gso))
    {
      const char *text = member_string (entry, "gso_code", FALSE, file_name, place, error);

      if (text == NULL)
        return FALSE;
      for (const char *p = text; *p != '\0'; p++)
        {
          if (!g_ascii_isdigit (*p))
            return shape_error (error, file_name, place, _("“gso_code” has other characters than digits"));
        }
      add_key (catalogue, text, code);
    }

  if (json_object_object_get_ex (entry, "aliases", &aliases))
    {
      if (member (entry, "aliases", json_type_array, FALSE, file_name, place, error) == NULL)
        return FALSE;
      for (size_t i = 0; i < json_object_array_length (aliases); i++)
        {
          json_object *alias = json_object_array_get_idx (aliases, i);

          if (!json_object_is_type (alias, json_type_string) || json_object_get_string_len (alias) == 0)
            return shape_error (error, file_name, place, _("“aliases” holds something other than names"));
          add_key (catalogue, json_object_get_string (alias), code);
        }
    }

  return TRUE;
}

/* Checks code, name and name_en and, unless the code is already there and
 * duplicates are allowed, adds the entry to the catalogue. */
static const char *
add_entry (DhCatalogues  *self,
           const char    *catalogue_name,
           json_object   *entry,
           gboolean       allow_duplicate,
           const char    *file_name,
           const char    *where,
           GError       **error)
{
  Catalogue *catalogue = ensure_catalogue (self, catalogue_name);
  const char *code, *name;
  g_autofree char *nfc = NULL;
  g_autofree char *place = NULL;

  if (!json_object_is_type (entry, json_type_object))
    {
      shape_error (error, file_name, where, _("an entry is not an object"));
      return NULL;
    }

  code = member_string (entry, "code", FALSE, file_name, where, error);
  if (code == NULL)
    return NULL;

  place = g_strdup_printf ("%s, “%s”", where, code);
  name = member_string (entry, "name", FALSE, file_name, place, error);
  if (name == NULL || member_string (entry, "name_en", FALSE, file_name, place, error) == NULL)
    return NULL;

  nfc = g_utf8_normalize (name, -1, G_NORMALIZE_NFC);
  if (g_strcmp0 (nfc, name) != 0)
    {
      shape_error (error, file_name, place, _("the name is not in Unicode NFC form"));
      return NULL;
    }

  if (g_hash_table_contains (catalogue->entries, code))
    {
      if (allow_duplicate)
        return code;
      shape_error (error, file_name, place, _("the code appears twice"));
      return NULL;
    }

  if (!add_entry_keys (catalogue, entry, code, file_name, where, error))
    return NULL;
  g_hash_table_insert (catalogue->entries, (gpointer) code, entry);
  g_ptr_array_add (catalogue->codes, (gpointer) code);
  return code;
}

static gboolean
add_entries (DhCatalogues  *self,
             const char    *catalogue_name,
             json_object   *root,
             const char    *key,
             const char    *file_name,
             GError       **error)
{
  json_object *array = member (root, key, json_type_array, FALSE, file_name, _("top level"), error);

  if (array == NULL)
    return FALSE;

  ensure_catalogue (self, catalogue_name);
  for (size_t i = 0; i < json_object_array_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf (_("entry %zu of “%s”"), i + 1, key);

      if (add_entry (self, catalogue_name, json_object_array_get_idx (array, i), FALSE,
                     file_name, where, error) == NULL)
        return FALSE;
    }

  return TRUE;
}

static gboolean
load_simple (DhCatalogues  *self,
             json_object   *root,
             const char    *file_name,
             GError       **error)
{
  static const struct { const char *file, *key, *catalogue; } simple[] = {
    { "birth-provinces.json", "birth_provinces", "birth_province" },
    { "ethnicities.json", "ethnicities", "ethnicity" },
    { "funding-sources.json", "funding_sources", "funding_source" },
    { "poverty-causes.json", "poverty_causes", "poverty_cause" },
    { "support-types.json", "support_types", "support_type" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
    {
      if (g_str_equal (simple[i].file, file_name))
        return add_entries (self, simple[i].catalogue, root, simple[i].key, file_name, error);
    }

  g_assert_not_reached ();
  return FALSE;
}

/* The labels of the fixed lists of values (a household's classification,
 * a member's relation, ...): each member but "format" is a list named as
 * the catalogue it makes, whose entries may give other names people use
 * ("aliases"). */
static gboolean
load_value_labels (DhCatalogues  *self,
                   json_object   *root,
                   const char    *file_name,
                   GError       **error)
{
  json_object_object_foreach (root, key, value)
    {
      if (g_str_equal (key, "format"))
        continue;
      if (!add_entries (self, key, root, key, file_name, error))
        return FALSE;

      for (size_t i = 0; i < json_object_array_length (value); i++)
        {
          json_object *entry = json_object_array_get_idx (value, i);
          json_object *aliases = NULL;
          gboolean names = TRUE;

          if (!json_object_object_get_ex (entry, "aliases", &aliases))
            continue;
          names = json_object_is_type (aliases, json_type_array);
          for (size_t j = 0; names && j < json_object_array_length (aliases); j++)
            names = json_object_is_type (json_object_array_get_idx (aliases, j), json_type_string);
          if (!names)
            {
              g_autofree char *where = g_strdup_printf (_("entry %zu of “%s”"), i + 1, key);

              return shape_error (error, file_name, where, _("“aliases” is not a list of names"));
            }
        }
    }

  return TRUE;
}

static gboolean
load_indicators (DhCatalogues  *self,
                 json_object   *root,
                 const char    *file_name,
                 GError       **error)
{
  json_object *sets;
  Catalogue *dimensions;

  if (!add_entries (self, "dimension", root, "dimensions", file_name, error))
    return FALSE;
  dimensions = ensure_catalogue (self, "dimension");

  sets = member (root, "indicator_sets", json_type_array, FALSE, file_name, _("top level"), error);
  if (sets == NULL)
    return FALSE;

  ensure_catalogue (self, "indicator");
  for (size_t i = 0; i < json_object_array_length (sets); i++)
    {
      json_object *set = json_object_array_get_idx (sets, i);
      g_autofree char *where = g_strdup_printf (_("entry %zu of “%s”"), i + 1, "indicator_sets");
      g_autoptr(GPtrArray) codes = g_ptr_array_new ();
      json_object *indicators;
      const char *set_code;

      set_code = add_entry (self, "indicator_set", set, FALSE, file_name, where, error);
      if (set_code == NULL)
        return FALSE;

      indicators = member (set, "indicators", json_type_array, FALSE, file_name, where, error);
      if (indicators == NULL)
        return FALSE;

      for (size_t j = 0; j < json_object_array_length (indicators); j++)
        {
          json_object *indicator = json_object_array_get_idx (indicators, j);
          g_autofree char *inner = g_strdup_printf (_("indicator %zu of set “%s”"), j + 1, set_code);
          const char *code, *dimension;

          /* Sets of different periods may share codes; within a set a code
           * is unique. */
          code = add_entry (self, "indicator", indicator, TRUE, file_name, inner, error);
          if (code == NULL)
            return FALSE;

          for (guint k = 0; k < codes->len; k++)
            {
              if (g_str_equal (g_ptr_array_index (codes, k), code))
                return shape_error (error, file_name, inner, _("the code appears twice in the set"));
            }

          dimension = member_string (indicator, "dimension", FALSE, file_name, inner, error);
          if (dimension == NULL)
            return FALSE;
          if (!g_hash_table_contains (dimensions->entries, dimension))
            {
              g_autofree char *problem = g_strdup_printf (_("the dimension “%s” is not among the file's dimensions"),
                                                          dimension);

              return shape_error (error, file_name, inner, problem);
            }

          g_ptr_array_add (codes, (gpointer) code);
        }

      g_hash_table_insert (self->indicator_sets, (gpointer) set_code, g_steal_pointer (&codes));
    }

  return TRUE;
}

static gboolean
load_programmes (DhCatalogues  *self,
                 json_object   *root,
                 const char    *file_name,
                 GError       **error)
{
  json_object *programmes;

  programmes = member (root, "programmes", json_type_array, FALSE, file_name, _("top level"), error);
  if (programmes == NULL)
    return FALSE;

  ensure_catalogue (self, "programme");
  ensure_catalogue (self, "project");
  for (size_t i = 0; i < json_object_array_length (programmes); i++)
    {
      json_object *programme = json_object_array_get_idx (programmes, i);
      g_autofree char *where = g_strdup_printf (_("entry %zu of “%s”"), i + 1, "programmes");
      const char *programme_code;
      json_object *projects;

      programme_code = add_entry (self, "programme", programme, FALSE, file_name, where, error);
      if (programme_code == NULL)
        return FALSE;

      for (guint k = 0; k < 2; k++)
        {
          g_autoptr(GError) local_error = NULL;

          member (programme, k == 0 ? "valid_from" : "valid_to", json_type_string, TRUE,
                  file_name, where, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
        }

      projects = member (programme, "projects", json_type_array, FALSE, file_name, where, error);
      if (projects == NULL)
        return FALSE;

      for (size_t j = 0; j < json_object_array_length (projects); j++)
        {
          json_object *project = json_object_array_get_idx (projects, j);
          g_autofree char *inner = g_strdup_printf (_("project %zu of “%s”"), j + 1, programme_code);
          json_object *sub_projects;
          const char *project_code;

          project_code = add_entry (self, "project", project, FALSE, file_name, inner, error);
          if (project_code == NULL)
            return FALSE;
          g_hash_table_insert (self->project_programme, (gpointer) project_code, (gpointer) programme_code);

          sub_projects = member (project, "sub_projects", json_type_array, FALSE, file_name, inner, error);
          if (sub_projects == NULL)
            return FALSE;

          for (size_t k = 0; k < json_object_array_length (sub_projects); k++)
            {
              g_autofree char *sub_where = g_strdup_printf (_("sub-project %zu of “%s”"), k + 1, project_code);
              const char *sub_code;

              sub_code = add_entry (self, "project", json_object_array_get_idx (sub_projects, k), FALSE,
                                    file_name, sub_where, error);
              if (sub_code == NULL)
                return FALSE;
              g_hash_table_insert (self->project_programme, (gpointer) sub_code, (gpointer) programme_code);
            }
        }
    }

  return TRUE;
}

static gboolean
load_standard (DhCatalogues  *self,
               json_object   *entry,
               const char    *file_name,
               const char    *where,
               GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  Standard *standard;
  DhStandard *pub;
  json_object *band, *scores, *set_entry, *provisional;
  const char *scope;
  const char *id;
  gint64 value;

  id = add_entry (self, "standard", entry, FALSE, file_name, where, error);
  if (id == NULL)
    return FALSE;

  standard = g_new0 (Standard, 1);
  standard->indicator_codes = g_ptr_array_new ();
  g_ptr_array_add (self->standards, standard);
  pub = &standard->pub;
  pub->id = id;
  pub->name = json_object_get_string (json_object_object_get (entry, "name"));
  pub->name_en = json_object_get_string (json_object_object_get (entry, "name_en"));

  pub->legal_basis = member_string (entry, "legal_basis", FALSE, file_name, id, error);
  if (pub->legal_basis == NULL)
    return FALSE;

  scope = member_string (entry, "scope", FALSE, file_name, id, error);
  if (scope == NULL)
    return FALSE;
  pub->province_code = member_string (entry, "province", TRUE, file_name, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (g_str_equal (scope, "national") && pub->province_code != NULL)
    return shape_error (error, file_name, id, _("a national standard has “province” null"));
  if (g_str_equal (scope, "province") && pub->province_code == NULL)
    return shape_error (error, file_name, id, _("a provincial standard names its “province”"));
  if (!g_str_equal (scope, "national") && !g_str_equal (scope, "province"))
    return shape_error (error, file_name, id, _("“scope” is “national” or “province”"));

  if (!member_date (entry, "valid_from", file_name, id, &pub->valid_from, error) ||
      !member_date (entry, "valid_to", file_name, id, &pub->valid_to, error))
    return FALSE;
  if (g_date_compare (&pub->valid_from, &pub->valid_to) > 0)
    return shape_error (error, file_name, id, _("“valid_to” is before “valid_from”"));

  if (!member_per_area (entry, "income_threshold", 1, file_name, id, pub->income_threshold, error))
    return FALSE;

  if (!member_int (entry, "min_deprivations", 0, file_name, id, &value, error))
    return FALSE;
  pub->min_deprivations = (guint) MIN (value, G_MAXUINT);

  band = member (entry, "average_band", json_type_object, TRUE, file_name, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (band != NULL)
    {
      static const char * const area_names[DH_N_AREAS] = { "rural", "urban" };
      g_autofree char *inner = g_strdup_printf ("%s, average_band", id);

      pub->has_band = TRUE;
      for (guint area = 0; area < DH_N_AREAS; area++)
        {
          json_object *range = member (band, area_names[area], json_type_object, FALSE, file_name, inner, error);

          if (range == NULL ||
              !member_int (range, "above", 0, file_name, inner, &pub->band_from[area], error) ||
              !member_int (range, "up_to", 0, file_name, inner, &pub->band_to[area], error))
            return FALSE;
          if (pub->band_to[area] <= pub->band_from[area])
            return shape_error (error, file_name, inner, _("“up_to” must be above “above”"));
        }
    }

  scores = member (entry, "field_scores", json_type_object, TRUE, file_name, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (scores != NULL)
    {
      g_autofree char *inner = g_strdup_printf ("%s, field_scores", id);
      gint64 limits[DH_N_AREAS];

      if (!member_per_area (scores, "score_a_limit", 0, file_name, inner, limits, error) ||
          !member_int (scores, "score_b_per_deprivation", 1, file_name, inner, &value, error))
        return FALSE;
      pub->has_score = TRUE;
      pub->score_a_limit[DH_AREA_RURAL] = (int) MIN (limits[DH_AREA_RURAL], G_MAXINT);
      pub->score_a_limit[DH_AREA_URBAN] = (int) MIN (limits[DH_AREA_URBAN], G_MAXINT);
      pub->score_b_per_deprivation = (int) MIN (value, G_MAXINT);
      if (!member_int (scores, "score_b_poor_at", 0, file_name, inner, &value, error))
        return FALSE;
      pub->score_b_poor_at = (int) MIN (value, G_MAXINT);
    }

  pub->indicator_set = member_string (entry, "indicator_set", TRUE, file_name, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (pub->indicator_set != NULL)
    {
      GPtrArray *codes = g_hash_table_lookup (self->indicator_sets, pub->indicator_set);

      if (codes == NULL)
        {
          g_autofree char *problem = g_strdup_printf (_("the indicator set “%s” is not in indicators.json"),
                                                      pub->indicator_set);

          return shape_error (error, file_name, id, problem);
        }
      for (guint i = 0; i < codes->len; i++)
        g_ptr_array_add (standard->indicator_codes, g_ptr_array_index (codes, i));

      /* A set the drafts describe ships as known but marked, so that every
       * proposal under it says so until the province confirms it. */
      set_entry = dh_catalogues_get_entry (self, "indicator_set", pub->indicator_set);
      if (set_entry != NULL && json_object_object_get_ex (set_entry, "provisional", &provisional) &&
          provisional != NULL)
        {
          if (!json_object_is_type (provisional, json_type_boolean))
            return shape_error (error, file_name, pub->indicator_set, _("“provisional” is true or false"));
          pub->indicators_provisional = json_object_get_boolean (provisional);
        }
    }
  pub->n_indicators = standard->indicator_codes->len;
  g_ptr_array_add (standard->indicator_codes, NULL);
  pub->indicators = (const char * const *) standard->indicator_codes->pdata;

  return TRUE;
}

static gboolean
load_standards (DhCatalogues  *self,
                json_object   *root,
                const char    *file_name,
                GError       **error)
{
  json_object *standards;

  standards = member (root, "standards", json_type_array, FALSE, file_name, _("top level"), error);
  if (standards == NULL)
    return FALSE;

  ensure_catalogue (self, "standard");
  for (size_t i = 0; i < json_object_array_length (standards); i++)
    {
      g_autofree char *where = g_strdup_printf (_("entry %zu of “%s”"), i + 1, "standards");

      if (!load_standard (self, json_object_array_get_idx (standards, i), file_name, where, error))
        return FALSE;
    }

  /* Two standards of the same scope may not both apply on one day: the
   * classification would depend on file order. */
  for (guint i = 0; i < self->standards->len; i++)
    {
      const DhStandard *a = g_ptr_array_index (self->standards, i);

      for (guint j = i + 1; j < self->standards->len; j++)
        {
          const DhStandard *b = g_ptr_array_index (self->standards, j);

          if (g_strcmp0 (a->province_code, b->province_code) == 0 &&
              g_date_compare (&a->valid_from, &b->valid_to) <= 0 &&
              g_date_compare (&b->valid_from, &a->valid_to) <= 0)
            {
              g_autofree char *problem = g_strdup_printf (_("the periods of %s and %s overlap"), a->id, b->id);

              return shape_error (error, file_name, _("top level"), problem);
            }
        }
    }

  return TRUE;
}

static gboolean
load_demo_province (DhCatalogues  *self,
                    json_object   *root,
                    const char    *file_name,
                    GError       **error)
{
  json_object *province, *communes;

  province = member (root, "province", json_type_object, FALSE, file_name, _("top level"), error);
  if (province == NULL ||
      add_entry (self, "demo_unit", province, FALSE, file_name, "province", error) == NULL)
    return FALSE;

  communes = member (province, "communes", json_type_array, FALSE, file_name, "province", error);
  if (communes == NULL)
    return FALSE;

  for (size_t i = 0; i < json_object_array_length (communes); i++)
    {
      json_object *commune = json_object_array_get_idx (communes, i);
      g_autofree char *where = g_strdup_printf (_("commune %zu"), i + 1);
      json_object *villages;
      const char *code, *area;

      code = add_entry (self, "demo_unit", commune, FALSE, file_name, where, error);
      if (code == NULL)
        return FALSE;

      area = member_string (commune, "area", FALSE, file_name, code, error);
      if (area == NULL)
        return FALSE;
      if (!g_str_equal (area, "rural") && !g_str_equal (area, "urban"))
        return shape_error (error, file_name, code, _("“area” is “rural” or “urban”"));

      villages = member (commune, "villages", json_type_array, FALSE, file_name, code, error);
      if (villages == NULL)
        return FALSE;

      for (size_t j = 0; j < json_object_array_length (villages); j++)
        {
          g_autofree char *inner = g_strdup_printf (_("village %zu of “%s”"), j + 1, code);

          if (add_entry (self, "demo_unit", json_object_array_get_idx (villages, j), FALSE,
                         file_name, inner, error) == NULL)
            return FALSE;
        }
    }

  self->demo_province = province;
  return TRUE;
}

typedef gboolean (*LoadFunc) (DhCatalogues  *self,
                              json_object   *root,
                              const char    *file_name,
                              GError       **error);

/* In dependency order: standards refer to indicator sets. */
static const struct
{
  const char *file_name;
  LoadFunc    load;
} catalogue_files[] = {
  { "birth-provinces.json", load_simple },
  { "ethnicities.json", load_simple },
  { "funding-sources.json", load_simple },
  { "poverty-causes.json", load_simple },
  { "support-types.json", load_simple },
  { "value-labels.json", load_value_labels },
  { "indicators.json", load_indicators },
  { "programmes.json", load_programmes },
  { "standards.json", load_standards },
  { "demo-province.json", load_demo_province },
};

static json_object *
parse_document (GBytes      *bytes,
                const char  *file_name,
                GError     **error)
{
  json_tokener *tokener;
  g_autoptr(json_object) root = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  json_object *format;

  if (size > G_MAXINT || !g_utf8_validate (data, (gssize) size, NULL))
    {
      shape_error (error, file_name, _("top level"), _("the file is not UTF-8 text"));
      return NULL;
    }

  tokener = json_tokener_new ();
  root = json_tokener_parse_ex (tokener, data, (int) size);
  if (root == NULL || json_tokener_get_parse_end (tokener) < size)
    {
      enum json_tokener_error code = json_tokener_get_error (tokener);

      /* An unfinished document reports "continue": it was cut short. */
      shape_error (error, file_name, _("top level"),
                   code != json_tokener_success && code != json_tokener_continue
                   ? json_tokener_error_desc (code)
                   : _("the file is not one complete JSON document"));
      json_tokener_free (tokener);
      return NULL;
    }
  json_tokener_free (tokener);

  if (!json_object_is_type (root, json_type_object))
    {
      shape_error (error, file_name, _("top level"), _("the file is not a JSON object"));
      return NULL;
    }

  format = member (root, "format", json_type_int, FALSE, file_name, _("top level"), error);
  if (format == NULL)
    return NULL;
  if (json_object_get_int64 (format) != FORMAT_VERSION)
    {
      shape_error (error, file_name, _("top level"), _("“format” is not 1, the only format this version reads"));
      return NULL;
    }

  return g_steal_pointer (&root);
}

DhCatalogues *
dh_catalogues_load_all (DhCatalogueReadFunc  read,
                        const char          *location,
                        GError             **error)
{
  g_autoptr(DhCatalogues) self = g_object_new (DH_TYPE_CATALOGUES, NULL);
  g_autoptr(GChecksum) version = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; i < G_N_ELEMENTS (catalogue_files); i++)
    {
      g_autoptr(GBytes) bytes = NULL;
      json_object *root;
      gsize length;
      const guchar *data;

      bytes = read (location, catalogue_files[i].file_name, error);
      if (bytes == NULL)
        return NULL;
      data = g_bytes_get_data (bytes, &length);
      g_checksum_update (version, (const guchar *) catalogue_files[i].file_name, -1);
      g_checksum_update (version, (const guchar *) "\n", 1);
      g_checksum_update (version, data, (gssize) length);

      root = parse_document (bytes, catalogue_files[i].file_name, error);
      if (root == NULL)
        return NULL;
      g_ptr_array_add (self->documents, root);

      if (!catalogue_files[i].load (self, root, catalogue_files[i].file_name, error))
        return NULL;
    }
  self->version = g_strdup (g_checksum_get_string (version));

  return g_steal_pointer (&self);
}

/* The name of the file whose document is the INDEX-th read. */
const char *
dh_catalogues_get_file_name (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (catalogue_files), NULL);

  return catalogue_files[index].file_name;
}

GBytes *
dh_catalogues_read_resource (const char  *location,
                             const char  *file_name,
                             GError     **error)
{
  g_autofree char *path = g_build_path ("/", location, file_name, NULL);
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  if (bytes == NULL)
    g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                 _("catalogue file %s is missing (%s); reinstall the program"),
                 path, local_error->message);

  return bytes;
}

GBytes *
dh_catalogues_read_file (const char  *location,
                         const char  *file_name,
                         GError     **error)
{
  g_autofree char *path = g_build_filename (location, file_name, NULL);
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("catalogue file %s cannot be read (%s); put every catalogue file in that folder"),
                   path, local_error->message);
      return NULL;
    }

  return g_bytes_new_take (contents, length);
}
