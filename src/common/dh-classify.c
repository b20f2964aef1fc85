/* dh-classify.c – proposing a household's class under a poverty standard */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-classify"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-classify.h"
#include "dh-date.h"
#include "dh-entity.h"
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

/**
 * dh_review_kind_from_string:
 * @text: (nullable): "annual" or "ad_hoc"
 * @out_kind: (out) (optional): the kind
 *
 * Returns: %TRUE if @text names a kind of review
 */
gboolean
dh_review_kind_from_string (const char   *text,
                            DhReviewKind *out_kind)
{
  DhReviewKind kind;

  if (g_strcmp0 (text, "annual") == 0)
    kind = DH_REVIEW_KIND_ANNUAL;
  else if (g_strcmp0 (text, "ad_hoc") == 0)
    kind = DH_REVIEW_KIND_AD_HOC;
  else
    return FALSE;

  if (out_kind != NULL)
    *out_kind = kind;
  return TRUE;
}

/**
 * dh_classify_method_from_string:
 * @text: (nullable): "income" or "score"
 * @out_method: (out) (optional): the method
 *
 * Returns: %TRUE if @text names a method
 */
gboolean
dh_classify_method_from_string (const char       *text,
                                DhClassifyMethod *out_method)
{
  DhClassifyMethod method;

  if (g_strcmp0 (text, "income") == 0)
    method = DH_CLASSIFY_METHOD_INCOME;
  else if (g_strcmp0 (text, "score") == 0)
    method = DH_CLASSIFY_METHOD_SCORE;
  else
    return FALSE;

  if (out_method != NULL)
    *out_method = method;
  return TRUE;
}

const char *
dh_classify_method_to_string (DhClassifyMethod method)
{
  switch (method)
    {
    case DH_CLASSIFY_METHOD_INCOME: return "income";
    case DH_CLASSIFY_METHOD_SCORE: return "score";
    case DH_CLASSIFY_METHOD_AUTO:
    default: return NULL;
    }
}

/**
 * dh_classify_default_list_year:
 * @reviewed_on: the review's date
 * @review_kind: annual or ad hoc
 *
 * The annual review runs from September to December and makes the list
 * for the next year, so an annual review dated then is for the next year.
 * An annual review dated January to August is a late or catch-up round of
 * the current year's list (the list of the next year is not drawn up
 * before September), and an ad-hoc review is for the list of its own year.
 *
 * Returns: the year of the list the review is for
 */
int
dh_classify_default_list_year (const GDate  *reviewed_on,
                               DhReviewKind  review_kind)
{
  g_return_val_if_fail (reviewed_on != NULL && g_date_valid (reviewed_on), 0);

  if (review_kind == DH_REVIEW_KIND_ANNUAL && g_date_get_month (reviewed_on) >= G_DATE_SEPTEMBER)
    return g_date_get_year (reviewed_on) + 1;

  return g_date_get_year (reviewed_on);
}

/**
 * dh_classify_input_init_from_json:
 * @input: (out caller-allocates): the input to fill
 * @record: an assessment, or the fields given to a classification: its
 *   `reviewed_on`, `review_kind`, `list_year`, `method`, `area`,
 *   `income_per_capita`, `score_a` and `deprived`
 * @deprived: an empty array that receives the deprived codes, borrowed from
 *   @record; it and @record must outlive @input
 * @error: a #DH_VALIDATION_ERROR naming a review kind, list year or method
 *   that is not one
 *
 * Reads a review the way the store does, so that a preview proposes what
 * the store will: a review is annual unless it says "ad_hoc" (an
 * assessment's default); the list year and the method are taken when given
 * and otherwise left to dh_classify(). A missing date or area is left for
 * dh_classify() to report. The province is not read: it comes from the
 * household's place.
 *
 * Returns: %TRUE if @input was filled
 */
gboolean
dh_classify_input_init_from_json (DhClassifyInput  *input,
                                  json_object      *record,
                                  GPtrArray        *deprived,
                                  GError          **error)
{
  json_object *value;
  const char *text;

  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (deprived != NULL && deprived->len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (input, 0, sizeof *input);
  g_date_clear (&input->reviewed_on, 1);
  dh_date_parse (dh_json_get_string (record, "reviewed_on"), &input->reviewed_on, NULL);
  input->area = (DhArea) -1;
  dh_area_from_string (dh_json_get_string (record, "area"), &input->area);

  input->review_kind = DH_REVIEW_KIND_ANNUAL;
  text = dh_json_get_string (record, "review_kind");
  if (text != NULL && !dh_review_kind_from_string (text, &input->review_kind))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("review_kind: “%s” is not a kind of review; give “annual” or “ad_hoc”"), text);
      return FALSE;
    }

  if (json_object_object_get_ex (record, "list_year", &value) && value != NULL)
    {
      if (!json_object_is_type (value, json_type_int) ||
          json_object_get_int64 (value) < 1900 || json_object_get_int64 (value) > 2100)
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       _("list_year: give the year of the list the review is for, such as 2027"));
          return FALSE;
        }
      input->list_year = (int) json_object_get_int64 (value);
    }

  text = dh_json_get_string (record, "method");
  if (text != NULL && !dh_classify_method_from_string (text, &input->method))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("method: “%s” is not a method of review; give “income” or “score”"), text);
      return FALSE;
    }

  input->has_income = dh_json_get_int (record, "income_per_capita", -1) >= 0;
  input->income_per_capita = dh_json_get_int (record, "income_per_capita", 0);
  input->has_score_a = dh_json_get_int (record, "score_a", -1) >= 0;
  input->score_a = (int) CLAMP (dh_json_get_int (record, "score_a", 0), G_MININT, G_MAXINT);

  if (json_object_object_get_ex (record, "deprived", &value) && value != NULL &&
      json_object_is_type (value, json_type_array))
    {
      for (size_t i = 0; i < json_object_array_length (value); i++)
        g_ptr_array_add (deprived, (gpointer) json_object_get_string (json_object_array_get_idx (value, i)));
    }
  input->deprived = (const char * const *) deprived->pdata;
  input->n_deprived = deprived->len;

  return TRUE;
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

/* "3 deprivations (Health insurance, ...)": the indicators by the names
 * people know them by, in the language of the interface. */
static char *
describe_deprivations (DhCatalogues          *catalogues,
                       const DhClassifyInput *input)
{
  g_autoptr(GString) codes = g_string_new (NULL);

  for (guint i = 0; i < input->n_deprived; i++)
    {
      const char *name = dh_catalogues_get_label (catalogues, "indicator", input->deprived[i]);

      if (i > 0)
        g_string_append (codes, ", ");
      g_string_append (codes, name != NULL ? name : input->deprived[i]);
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
classify_by_income (DhCatalogues           *catalogues,
                    const DhStandard       *standard,
                    const DhClassifyInput  *input,
                    DhClassification       *result)
{
  gint64 threshold = standard->income_threshold[input->area];
  g_autofree char *income = dh_money_format (input->income_per_capita);
  g_autofree char *limit = dh_money_format (threshold);

  if (input->income_per_capita <= threshold)
    {
      g_autofree char *deprivations = describe_deprivations (catalogues, input);

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

static const char *
class_label (const char *class_code)
{
  if (g_strcmp0 (class_code, "poor") == 0)
    return _("poor");
  if (g_strcmp0 (class_code, "near_poor") == 0)
    return _("near-poor");
  if (g_strcmp0 (class_code, "average") == 0)
    return _("average living standard");
  return _("not poor");
}

/* The list year the review is for: the one it names, which must be its
 * own year or, from September, the next; else the default of its kind. */
static gboolean
resolve_list_year (const DhClassifyInput  *input,
                   int                    *out_year,
                   GError                **error)
{
  int review_year = g_date_get_year (&input->reviewed_on);

  if (input->list_year == 0)
    {
      *out_year = dh_classify_default_list_year (&input->reviewed_on, input->review_kind);
      return TRUE;
    }

  if (input->list_year == review_year ||
      (input->list_year == review_year + 1 && g_date_get_month (&input->reviewed_on) >= G_DATE_SEPTEMBER))
    {
      *out_year = input->list_year;
      return TRUE;
    }

  if (input->list_year == review_year + 1)
    g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                 _("the list of %d is drawn up from 1 September %d; a review dated before then is for the list of %d"),
                 input->list_year, review_year, review_year);
  else
    g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                 _("a review of %d is for the list of %d, or from September for the list of %d; %d is neither"),
                 review_year, review_year, review_year + 1, input->list_year);
  return FALSE;
}

/**
 * dh_classify_find_standard:
 * @catalogues: (nullable): where the standards come from; %NULL for the
 *   shipped catalogues
 * @reviewed_on: the review's date
 * @list_year: the year of the list the review is for (see
 *   dh_classify_default_list_year())
 * @province_code: (nullable): the household's province
 *
 * The standard a review falls under, the one dh_classify() uses: a review
 * for its own year's list uses the standard of its date, one for the next
 * year's list the standard in force on that year's first day.
 *
 * Returns: (transfer none) (nullable): the standard, or %NULL when none
 *   covers the list
 */
const DhStandard *
dh_classify_find_standard (DhCatalogues *catalogues,
                           const GDate  *reviewed_on,
                           int           list_year,
                           const char   *province_code)
{
  GDate first_day;

  g_return_val_if_fail (catalogues == NULL || DH_IS_CATALOGUES (catalogues), NULL);
  g_return_val_if_fail (reviewed_on != NULL && g_date_valid (reviewed_on), NULL);

  if (catalogues == NULL)
    catalogues = dh_catalogues_get_default ();

  if (list_year == g_date_get_year (reviewed_on))
    return dh_catalogues_find_standard (catalogues, reviewed_on, province_code);

  g_date_clear (&first_day, 1);
  g_date_set_dmy (&first_day, 1, G_DATE_JANUARY, (GDateYear) list_year);
  return dh_catalogues_find_standard (catalogues, &first_day, province_code);
}

static const DhStandard *
find_standard (DhCatalogues          *catalogues,
               const DhClassifyInput *input,
               int                    list_year)
{
  return dh_classify_find_standard (catalogues, &input->reviewed_on, list_year, input->province_code);
}

static gboolean
resolve_method (const DhStandard       *standard,
                const DhClassifyInput  *input,
                DhClassifyMethod       *out_method,
                GError                **error)
{
  DhClassifyMethod method = input->method;

  if (method == DH_CLASSIFY_METHOD_AUTO)
    method = input->has_score_a && (standard->has_score || !input->has_income)
             ? DH_CLASSIFY_METHOD_SCORE : DH_CLASSIFY_METHOD_INCOME;

  if (method == DH_CLASSIFY_METHOD_INCOME && !input->has_income)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("the review used the income survey but gives no income per person; give the income per person a month"));
      return FALSE;
    }

  if (method == DH_CLASSIFY_METHOD_SCORE && !input->has_score_a)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("the review used the forms' scoring but gives no score A; give the total of form B1"));
      return FALSE;
    }

  if (method == DH_CLASSIFY_METHOD_SCORE && !standard->has_score)
    {
      if (input->has_income)
        g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                     _("%s sets no score-A limits yet (they come with the province's catalogue update), so the review cannot be placed by its score; load the update, or place it by the income per person"),
                     standard->id);
      else
        g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                     _("%s sets no score-A limits yet (they come with the province's catalogue update), so score A cannot place a household; load the update, or give the income per person a month"),
                     standard->id);
      return FALSE;
    }

  *out_method = method;
  return TRUE;
}

/* When the review gives both measures, the other one is worked out too and
 * the reasons say whether it agrees: the caseworker checks a disagreement. */
static void
compare_with_other_path (DhCatalogues          *catalogues,
                         const DhStandard      *standard,
                         const DhClassifyInput *input,
                         DhClassification      *result)
{
  g_autoptr(DhClassification) other = NULL;

  if (!input->has_income || !input->has_score_a)
    return;

  if (result->method == DH_CLASSIFY_METHOD_INCOME && !standard->has_score)
    {
      add_reason (result, g_strdup_printf (_("Score A %d was also given, but %s sets no score-A limits yet, so it could not be compared"),
                                           input->score_a, standard->id));
      return;
    }

  other = g_new0 (DhClassification, 1);
  other->reasons = g_ptr_array_new_with_free_func (g_free);
  if (result->method == DH_CLASSIFY_METHOD_SCORE)
    classify_by_income (catalogues, standard, input, other);
  else
    classify_by_score (standard, input, other);

  if (g_str_equal (other->class_code, result->class_code))
    {
      add_reason (result, g_strdup_printf (result->method == DH_CLASSIFY_METHOD_SCORE
                                           ? _("The income per person agrees: it too gives %s")
                                           : _("Score A agrees: it too gives %s"),
                                           class_label (other->class_code)));
      return;
    }

  if (result->method == DH_CLASSIFY_METHOD_SCORE)
    add_reason (result, g_strdup_printf (_("The income per person disagrees: it would give %s, not %s; the review used the forms' scoring, so the score decides; check the review before the village meeting"),
                                         class_label (other->class_code), class_label (result->class_code)));
  else
    add_reason (result, g_strdup_printf (_("Score A disagrees: it would give %s, not %s; the review used the income survey, so the income decides; check the review before the village meeting"),
                                         class_label (other->class_code), class_label (result->class_code)));
}

/**
 * dh_classify:
 * @catalogues: (nullable): where the standards come from; %NULL for the
 *   shipped catalogues
 * @input: the review: its date, kind and list year, province and area, the
 *   income per person and/or score A, the method, and the deprived
 *   indicators
 * @error: a #DH_VALIDATION_ERROR saying what is missing or wrong
 *
 * Proposes a class under the standard of the list the review is for (see
 * dh_classify_default_list_year(); a provincial standard wins over the
 * national one). By income: at or below the area's threshold, poor when the
 * deprivations reach the standard's minimum and near-poor otherwise; above
 * it, average inside the standard's band (if it has one) and not poor
 * beyond. By score (forms B1 and B2): at or below the area's score-A limit,
 * poor when score B (10 per deprivation) reaches 30 and near-poor
 * otherwise; above the limit, not poor until an income survey places the
 * household. The method is the review's (@input->method); left to
 * %DH_CLASSIFY_METHOD_AUTO, a review that gives score A was scored with
 * the forms, the official method, unless its standard has no score-A limits
 * yet. When both measures are given the reasons say whether they agree.
 * A standard without score-A limits refuses the score path: no class is
 * guessed.
 *
 * Returns: (transfer full) (nullable): the proposal, its standard, list
 *   year, method and reasons, or %NULL
 */
DhClassification *
dh_classify (DhCatalogues           *catalogues,
             const DhClassifyInput  *input,
             GError                **error)
{
  g_autoptr(DhClassification) result = NULL;
  const DhStandard *standard;
  DhClassifyMethod method;
  int list_year;

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

  if (!resolve_list_year (input, &list_year, error))
    return NULL;

  standard = find_standard (catalogues, input, list_year);
  if (standard == NULL)
    {
      g_autofree char *date = dh_date_format (&input->reviewed_on);
      g_autofree char *coverage = describe_coverage (catalogues);

      const DhStandard *next = NULL;

      /* An autumn review marked ad hoc may be the annual one, whose list
       * has a standard: say how to reach it. */
      if (input->list_year == 0 && input->review_kind == DH_REVIEW_KIND_AD_HOC &&
          g_date_get_month (&input->reviewed_on) >= G_DATE_SEPTEMBER)
        next = find_standard (catalogues, input, list_year + 1);

      if (next != NULL)
        g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                     _("no poverty standard applies to the list of %d that the ad-hoc review of %s is for; if it was the annual review, it is for the list of %d under %s: give review_kind “annual”"),
                     list_year, date, list_year + 1, next->id);
      else
        g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                     _("no poverty standard applies to the list of %d that the review of %s is for; the catalogues cover %s"),
                     list_year, date, coverage);
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

  if (input->has_score_a && input->score_a < 0)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("score A cannot be negative; give the total of form B1, such as 120"));
      return NULL;
    }

  if (!resolve_method (standard, input, &method, error))
    return NULL;

  if (!check_deprivations (standard, input, error))
    return NULL;

  result = g_new0 (DhClassification, 1);
  result->standard_id = g_strdup (standard->id);
  result->reasons = g_ptr_array_new_with_free_func (g_free);
  result->list_year = list_year;
  result->method = method;

  if (list_year != g_date_get_year (&input->reviewed_on))
    add_reason (result, g_strdup_printf (_("The review is for the list of %d, so it uses %s, the standard of that year"),
                                         list_year, standard->id));

  if (method == DH_CLASSIFY_METHOD_INCOME)
    classify_by_income (catalogues, standard, input, result);
  else
    classify_by_score (standard, input, result);

  compare_with_other_path (catalogues, standard, input, result);

  if (standard->indicators_provisional)
    add_reason (result, g_strdup_printf (_("The indicator set %s of %s is provisional until the province's catalogue update confirms it; review the class then"),
                                         standard->indicator_set, standard->id));

  return g_steal_pointer (&result);
}
