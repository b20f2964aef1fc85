/* dh-classify.c – proposing a household's class under a poverty standard */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-classify"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-classify.h"
#include "dh-date.h"
#include "dh-error.h"
#include "dh-money.h"

/**
 * dh_area_from_string:
 * @text: (nullable): "rural" or "urban"
 * @out_area: (out) (optional): the area
 *
 * Returns: %TRUE if @text names an area; @out_area is untouched otherwise
 */
gboolean
dh_area_from_string (const char *text,
                     DhArea     *out_area)
{
  DhArea area;

  if (g_strcmp0 (text, "rural") == 0)
    area = DH_AREA_RURAL;
  else if (g_strcmp0 (text, "urban") == 0)
    area = DH_AREA_URBAN;
  else
    return FALSE;

  if (out_area != NULL)
    *out_area = area;
  return TRUE;
}

const char *
dh_area_to_string (DhArea area)
{
  switch (area)
    {
    case DH_AREA_RURAL: return "rural";
    case DH_AREA_URBAN: return "urban";
    default: g_return_val_if_reached (NULL);
    }
}

void
dh_classification_free (DhClassification *self)
{
  if (self == NULL)
    return;

  g_free (self->class_code);
  g_free (self->standard_id);
  g_clear_pointer (&self->reasons, g_ptr_array_unref);
  g_free (self);
}

static void
add_reason (DhClassification *result,
            char             *sentence)
{
  g_ptr_array_add (result->reasons, sentence);
}

/* "2022-01-01 to 2026-12-31 (VN-2022), 2027-01-01 to 2030-12-31 (VN-2027)" */
static char *
describe_coverage (DhCatalogues *catalogues)
{
  g_autoptr(GPtrArray) standards = dh_catalogues_list_standards (catalogues);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < standards->len; i++)
    {
      const DhStandard *standard = g_ptr_array_index (standards, i);
      g_autofree char *from = dh_date_format (&standard->valid_from);
      g_autofree char *to = dh_date_format (&standard->valid_to);

      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: a period covered by a standard: "01/01/2022–31/12/2026 (VN-2022)" */
      g_string_append_printf (text, _("%s–%s (%s)"), from, to, standard->id);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
in_indicator_set (const DhStandard *standard,
                  const char       *code)
{
  for (guint i = 0; i < standard->n_indicators; i++)
    {
      if (g_str_equal (standard->indicators[i], code))
        return TRUE;
    }

  return FALSE;
}

static gboolean
check_deprivations (const DhStandard       *standard,
                    const DhClassifyInput  *input,
                    GError                **error)
{
  for (guint i = 0; i < input->n_deprived; i++)
    {
      const char *code = input->deprived[i];

      if (code == NULL || !in_indicator_set (standard, code))
        {
          g_autofree char *valid = g_strjoinv (", ", (char **) standard->indicators);

          if (standard->n_indicators == 0)
            g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                         _("%s has no indicator set in these catalogues yet, so “%s” cannot be counted; load the province's catalogue update"),
                         standard->id, code != NULL ? code : "");
          else
            g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                         _("“%s” is not an indicator of %s; use one of %s"),
                         code != NULL ? code : "", standard->id, valid);
          return FALSE;
        }

      for (guint j = 0; j < i; j++)
        {
          if (g_str_equal (input->deprived[j], code))
            {
              g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                           _("“%s” is listed twice; list each deprivation once"), code);
              return FALSE;
            }
        }
    }

  return TRUE;
}

static char *
describe_deprivations (const DhClassifyInput *input)
{
  g_autoptr(GString) codes = g_string_new (NULL);

  for (guint i = 0; i < input->n_deprived; i++)
    {
      if (i > 0)
        g_string_append (codes, ", ");
      g_string_append (codes, input->deprived[i]);
    }

  if (input->n_deprived == 0)
    return g_strdup (_("No deprivations"));

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u deprivation (%s)", "%u deprivations (%s)",
                                       input->n_deprived),
                          input->n_deprived, codes->str);
}

static const char *
area_label (DhArea area)
{
  /* Translators: the area, as in "the rural threshold", "the urban limit" */
  return area == DH_AREA_URBAN ? _("urban") : _("rural");
}

static void
classify_by_income (const DhStandard       *standard,
                    const DhClassifyInput  *input,
                    DhClassification       *result)
{
  gint64 threshold = standard->income_threshold[input->area];
  g_autofree char *income = dh_money_format (input->income_per_capita);
  g_autofree char *limit = dh_money_format (threshold);

  if (input->income_per_capita <= threshold)
    {
      g_autofree char *deprivations = describe_deprivations (input);

      add_reason (result, g_strdup_printf (_("Income %s per person a month is at or below the %s threshold %s of %s"),
                                           income, area_label (input->area), limit, standard->id));
      if (input->n_deprived >= standard->min_deprivations)
        {
          result->class_code = g_strdup ("poor");
          add_reason (result, g_strdup_printf (_("%s: at least %u makes a household poor"),
                                               deprivations, standard->min_deprivations));
        }
      else
        {
          result->class_code = g_strdup ("near_poor");
          add_reason (result, g_strdup_printf (_("%s: fewer than %u makes a household near-poor"),
                                               deprivations, standard->min_deprivations));
        }

      if (standard->indicator_set == NULL)
        add_reason (result, g_strdup_printf (_("%s has no indicator set in these catalogues yet, so deprivations could not be counted; review the class once the province's catalogue update is loaded"),
                                             standard->id));
      return;
    }

  if (standard->has_band &&
      input->income_per_capita > standard->band_from[input->area] &&
      input->income_per_capita <= standard->band_to[input->area])
    {
      g_autofree char *upper = dh_money_format (standard->band_to[input->area]);

      result->class_code = g_strdup ("average");
      add_reason (result, g_strdup_printf (_("Income %s per person a month is above the %s threshold %s and at or below %s: average living standard under %s"),
                                           income, area_label (input->area), limit, upper, standard->id));
      return;
    }

  result->class_code = g_strdup ("not_poor");
  if (standard->has_band)
    {
      g_autofree char *upper = dh_money_format (standard->band_to[input->area]);

      add_reason (result, g_strdup_printf (_("Income %s per person a month is above %s, the top of the %s average band of %s: not poor"),
                                           income, upper, area_label (input->area), standard->id));
    }
  else
    add_reason (result, g_strdup_printf (_("Income %s per person a month is above the %s threshold %s of %s: not poor or near-poor (%s sets no average band in these catalogues)"),
                                         income, area_label (input->area), limit, standard->id, standard->id));
}

static void
classify_by_score (const DhStandard       *standard,
                   const DhClassifyInput  *input,
                   DhClassification       *result)
{
  int limit = standard->score_a_limit[input->area];
  int score_b = standard->score_b_per_deprivation * (int) input->n_deprived;

  if (input->score_a > limit)
    {
      result->class_code = g_strdup ("not_poor");
      add_reason (result, g_strdup_printf (_("Score A %d is above the %s limit %d of %s: not poor or near-poor under the national standard; do the income survey to place it"),
                                           input->score_a, area_label (input->area), limit, standard->id));
      return;
    }

  add_reason (result, g_strdup_printf (_("Score A %d is at or below the %s limit %d of %s"),
                                       input->score_a, area_label (input->area), limit, standard->id));
  if (score_b >= standard->score_b_poor_at)
    {
      result->class_code = g_strdup ("poor");
      add_reason (result, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "Score B %d (%u deprivation × %d) is at least %d: poor",
                                                        "Score B %d (%u deprivations × %d) is at least %d: poor",
                                                        input->n_deprived),
                                           score_b, input->n_deprived, standard->score_b_per_deprivation,
                                           standard->score_b_poor_at));
    }
  else
    {
      result->class_code = g_strdup ("near_poor");
      add_reason (result, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "Score B %d (%u deprivation × %d) is below %d: near-poor",
                                                        "Score B %d (%u deprivations × %d) is below %d: near-poor",
                                                        input->n_deprived),
                                           score_b, input->n_deprived, standard->score_b_per_deprivation,
                                           standard->score_b_poor_at));
    }
}

/**
 * dh_classify:
 * @catalogues: (nullable): where the standards come from; %NULL for the
 *   shipped catalogues
 * @input: the review: its date, province and area, the income per person
 *   and/or score A, and the deprived indicators
 * @error: a #DH_VALIDATION_ERROR saying what is missing or wrong
 *
 * Proposes a class under the standard that applies on the review date (a
 * provincial standard wins over the national one). With an income: at or
 * below the area's threshold, poor when the deprivations reach the
 * standard's minimum and near-poor otherwise; above it, average inside the
 * standard's band (if it has one) and not poor beyond. With score A alone
 * (form B1): at or below the area's limit, poor when score B (10 per
 * deprivation) reaches 30 and near-poor otherwise; above the limit, not
 * poor until an income survey places the household. When both are given
 * the income decides and the reasons say so.
 *
 * Returns: (transfer full) (nullable): the proposal, its standard and its
 *   reasons, or %NULL
 */
DhClassification *
dh_classify (DhCatalogues           *catalogues,
             const DhClassifyInput  *input,
             GError                **error)
{
  g_autoptr(DhClassification) result = NULL;
  const DhStandard *standard;

  g_return_val_if_fail (catalogues == NULL || DH_IS_CATALOGUES (catalogues), NULL);
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (input->n_deprived == 0 || input->deprived != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (catalogues == NULL)
    catalogues = dh_catalogues_get_default ();

  if (!g_date_valid (&input->reviewed_on))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("the review date is missing; give the date of the review, such as 24/11/2026"));
      return NULL;
    }

  if (input->area != DH_AREA_RURAL && input->area != DH_AREA_URBAN)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("the area is not known; give “rural” or “urban”"));
      return NULL;
    }

  standard = dh_catalogues_find_standard (catalogues, &input->reviewed_on, input->province_code);
  if (standard == NULL)
    {
      g_autofree char *date = dh_date_format (&input->reviewed_on);
      g_autofree char *coverage = describe_coverage (catalogues);

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("no poverty standard applies on %s; the catalogues cover %s"),
                   date, coverage);
      return NULL;
    }

  if (!input->has_income && !input->has_score_a)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("neither the income per person nor score A was given; give the income per person a month, or score A from form B1"));
      return NULL;
    }

  if (input->has_income && input->income_per_capita < 0)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("the income per person cannot be negative; give whole đồng a month, such as 1.200.000"));
      return NULL;
    }

  if (!input->has_income && input->score_a < 0)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("score A cannot be negative; give the total of form B1, such as 120"));
      return NULL;
    }

  if (!input->has_income && !standard->has_score)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("%s sets no score-A limits in these catalogues, so score A alone cannot place a household; give the income per person a month"),
                   standard->id);
      return NULL;
    }

  if (!check_deprivations (standard, input, error))
    return NULL;

  result = g_new0 (DhClassification, 1);
  result->standard_id = g_strdup (standard->id);
  result->reasons = g_ptr_array_new_with_free_func (g_free);

  if (input->has_income)
    {
      classify_by_income (standard, input, result);
      /* The income survey is the fuller measure: when both are given it
       * decides, and the reasons say so. */
      if (input->has_score_a)
        add_reason (result, g_strdup_printf (_("Score A %d was also given; the income decides"),
                                             input->score_a));
    }
  else
    classify_by_score (standard, input, result);

  return g_steal_pointer (&result);
}
