/* test-classify.c – proposing a household's class under a poverty standard */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-autocleanups.h"
#include "dh-classify.h"
#include "dh-error.h"

typedef struct
{
  int          day, month, year;
  DhArea       area;
  gint64       income;           /* -1: not given */
  int          score_a;          /* -1: not given */
  const char  *deprived[13];     /* NULL-terminated */
  DhReviewKind kind;             /* ad hoc unless given */
  int          list_year;        /* 0: the default of the kind */
  DhClassifyMethod method;       /* read from what is given unless set */
} Case;

static DhClassifyInput
make_input (const Case *c)
{
  DhClassifyInput input = { 0 };

  g_date_clear (&input.reviewed_on, 1);
  g_date_set_dmy (&input.reviewed_on, (GDateDay) c->day, (GDateMonth) c->month, (GDateYear) c->year);
  input.area = c->area;
  input.has_income = c->income >= 0;
  input.income_per_capita = c->income >= 0 ? c->income : 0;
  input.has_score_a = c->score_a >= 0;
  input.score_a = c->score_a >= 0 ? c->score_a : 0;
  input.deprived = c->deprived;
  input.n_deprived = g_strv_length ((char **) c->deprived);
  input.review_kind = c->kind;
  input.list_year = c->list_year;
  input.method = c->method;
  return input;
}

static gboolean
reasons_contain (const DhClassification *result,
                 const char             *word)
{
  for (guint i = 0; i < result->reasons->len; i++)
    {
      if (strstr (g_ptr_array_index (result->reasons, i), word) != NULL)
        return TRUE;
    }

  return FALSE;
}

static DhClassification *
classify_ok (const Case *c,
             const char *class_code,
             const char *standard_id)
{
  g_autoptr(GError) error = NULL;
  DhClassifyInput input = make_input (c);
  DhClassification *result = dh_classify (dh_catalogues_get_default (), &input, &error);

  if (result == NULL)
    g_error ("classification failed: %s", error->message);
  if (!g_str_equal (result->class_code, class_code))
    g_error ("income %" G_GINT64_FORMAT ", score A %d, %u deprivations on %02d/%02d/%d: expected %s, got %s",
             c->income, c->score_a, input.n_deprived, c->day, c->month, c->year, class_code, result->class_code);
  g_assert_cmpstr (result->standard_id, ==, standard_id);
  g_assert_cmpuint (result->reasons->len, >, 0);
  return result;
}

static void
assert_class (const Case *c,
              const char *class_code,
              const char *standard_id)
{
  g_autoptr(DhClassification) result = classify_ok (c, class_code, standard_id);
}

static void
assert_refused (const Case *c,
                int         code,
                const char *word,
                const char *other_word)
{
  g_autoptr(GError) error = NULL;
  DhClassifyInput input = make_input (c);
  g_autoptr(DhClassification) result = dh_classify (dh_catalogues_get_default (), &input, &error);

  g_assert_null (result);
  g_assert_error (error, DH_VALIDATION_ERROR, code);
  if (strstr (error->message, word) == NULL)
    g_error ("message lacks “%s”: %s", word, error->message);
  if (other_word != NULL && strstr (error->message, other_word) == NULL)
    g_error ("message lacks “%s”: %s", other_word, error->message);
}

#define THREE { "HI", "WAT", "TOI", NULL }
#define TWO   { "HI", "WAT", NULL }
#define NONE  { NULL }

static void
test_area_from_string (void)
{
  DhArea area = DH_AREA_URBAN;

  g_assert_true (dh_area_from_string ("rural", &area));
  g_assert_cmpint (area, ==, DH_AREA_RURAL);
  g_assert_true (dh_area_from_string ("urban", &area));
  g_assert_cmpint (area, ==, DH_AREA_URBAN);
  g_assert_false (dh_area_from_string ("Rural", &area));
  g_assert_false (dh_area_from_string ("", &area));
  g_assert_false (dh_area_from_string (NULL, &area));
  g_assert_cmpint (area, ==, DH_AREA_URBAN);
  g_assert_cmpstr (dh_area_to_string (DH_AREA_RURAL), ==, "rural");
  g_assert_cmpstr (dh_area_to_string (DH_AREA_URBAN), ==, "urban");
}

static void
test_rural_income_boundaries_2022 (void)
{
  const Case poor = { 24, 11, 2026, DH_AREA_RURAL, 1500000, -1, THREE };
  const Case near_poor = { 24, 11, 2026, DH_AREA_RURAL, 1500000, -1, TWO };
  const Case average_low = { 24, 11, 2026, DH_AREA_RURAL, 1500001, -1, THREE };
  const Case average_high = { 24, 11, 2026, DH_AREA_RURAL, 2250000, -1, NONE };
  const Case not_poor = { 24, 11, 2026, DH_AREA_RURAL, 2250001, -1, THREE };
  const Case no_income = { 24, 11, 2026, DH_AREA_RURAL, 0, -1, NONE };
  const Case all_deprived = { 24, 11, 2026, DH_AREA_RURAL, 1, -1,
                              { "EMP", "DEP", "NUT", "HI", "AED", "SCH", "HQ", "HA", "WAT", "TOI", "TEL", "INF", NULL } };

  assert_class (&poor, "poor", "VN-2022");
  assert_class (&near_poor, "near_poor", "VN-2022");
  assert_class (&average_low, "average", "VN-2022");
  assert_class (&average_high, "average", "VN-2022");
  assert_class (&not_poor, "not_poor", "VN-2022");
  assert_class (&no_income, "near_poor", "VN-2022");
  assert_class (&all_deprived, "poor", "VN-2022");
}

static void
test_urban_income_boundaries_2022 (void)
{
  const Case poor = { 24, 11, 2026, DH_AREA_URBAN, 2000000, -1, THREE };
  const Case near_poor = { 24, 11, 2026, DH_AREA_URBAN, 2000000, -1, TWO };
  const Case average_low = { 24, 11, 2026, DH_AREA_URBAN, 2000001, -1, THREE };
  const Case average_high = { 24, 11, 2026, DH_AREA_URBAN, 3000000, -1, NONE };
  const Case not_poor = { 24, 11, 2026, DH_AREA_URBAN, 3000001, -1, NONE };
  /* The same income is poor in the city and average in the countryside. */
  const Case rural_same = { 24, 11, 2026, DH_AREA_RURAL, 1800000, -1, THREE };
  const Case urban_same = { 24, 11, 2026, DH_AREA_URBAN, 1800000, -1, THREE };

  assert_class (&poor, "poor", "VN-2022");
  assert_class (&near_poor, "near_poor", "VN-2022");
  assert_class (&average_low, "average", "VN-2022");
  assert_class (&average_high, "average", "VN-2022");
  assert_class (&not_poor, "not_poor", "VN-2022");
  assert_class (&rural_same, "average", "VN-2022");
  assert_class (&urban_same, "poor", "VN-2022");
}

static void
test_standard_changes_on_new_year_2027 (void)
{
  const Case last_day_2022 = { 31, 12, 2026, DH_AREA_RURAL, 1600000, -1, NONE };
  const Case first_day_2027 = { 1, 1, 2027, DH_AREA_RURAL, 1600000, -1, NONE };
  const Case rural_at = { 1, 1, 2027, DH_AREA_RURAL, 2200000, -1, NONE };
  const Case rural_above = { 1, 1, 2027, DH_AREA_RURAL, 2200001, -1, NONE };
  const Case urban_at = { 30, 6, 2028, DH_AREA_URBAN, 2800000, -1, NONE };
  const Case urban_above = { 30, 6, 2028, DH_AREA_URBAN, 2800001, -1, NONE };
  const Case last_day_2027 = { 31, 12, 2030, DH_AREA_URBAN, 2800001, -1, NONE };
  g_autoptr(DhClassification) result = NULL;

  assert_class (&last_day_2022, "average", "VN-2022");
  result = classify_ok (&first_day_2027, "near_poor", "VN-2027");
  /* Its indicator set is provisional; the proposal says so. */
  g_assert_true (reasons_contain (result, "provisional"));
  assert_class (&rural_at, "near_poor", "VN-2027");
  /* VN-2027 has no average band in the shipped catalogues. */
  assert_class (&rural_above, "not_poor", "VN-2027");
  assert_class (&urban_at, "near_poor", "VN-2027");
  assert_class (&urban_above, "not_poor", "VN-2027");
  assert_class (&last_day_2027, "not_poor", "VN-2027");
}

static void
test_reasons_name_income_threshold_and_deprivations (void)
{
  const Case poor = { 24, 11, 2026, DH_AREA_RURAL, 1400000, -1, THREE };
  const Case average = { 24, 11, 2026, DH_AREA_URBAN, 2500000, -1, NONE };
  const Case not_poor = { 24, 11, 2026, DH_AREA_RURAL, 5000000, -1, NONE };
  g_autoptr(DhClassification) poor_result = classify_ok (&poor, "poor", "VN-2022");
  g_autoptr(DhClassification) average_result = classify_ok (&average, "average", "VN-2022");
  g_autoptr(DhClassification) not_poor_result = classify_ok (&not_poor, "not_poor", "VN-2022");

  g_assert_true (reasons_contain (poor_result,
                                  "Income 1.400.000 ₫ per person a month is at or below the rural threshold 1.500.000 ₫ of VN-2022"));
  g_assert_true (reasons_contain (poor_result, "3 deprivations (Health insurance, Water for household use, Hygienic latrine): at least 3 makes a household poor"));
  g_assert_true (reasons_contain (average_result, "2.500.000 ₫"));
  g_assert_true (reasons_contain (average_result, "3.000.000 ₫"));
  g_assert_true (reasons_contain (average_result, "average"));
  g_assert_true (reasons_contain (not_poor_result, "5.000.000 ₫"));
  g_assert_true (reasons_contain (not_poor_result, "not poor"));
}

static void
test_score_path (void)
{
  const Case rural_poor = { 24, 11, 2026, DH_AREA_RURAL, -1, 140, THREE };
  const Case rural_near = { 24, 11, 2026, DH_AREA_RURAL, -1, 140, TWO };
  const Case rural_none = { 24, 11, 2026, DH_AREA_RURAL, -1, 0, NONE };
  const Case rural_above = { 24, 11, 2026, DH_AREA_RURAL, -1, 141, THREE };
  const Case urban_poor = { 24, 11, 2026, DH_AREA_URBAN, -1, 175, THREE };
  const Case urban_above = { 24, 11, 2026, DH_AREA_URBAN, -1, 176, THREE };
  /* 150 is above the rural limit but within the urban one. */
  const Case urban_150 = { 24, 11, 2026, DH_AREA_URBAN, -1, 150, TWO };
  g_autoptr(DhClassification) poor = classify_ok (&rural_poor, "poor", "VN-2022");
  g_autoptr(DhClassification) near = classify_ok (&rural_near, "near_poor", "VN-2022");
  g_autoptr(DhClassification) above = classify_ok (&rural_above, "not_poor", "VN-2022");

  g_assert_true (reasons_contain (poor, "Score B 30"));
  g_assert_true (reasons_contain (near, "Score B 20"));
  g_assert_true (reasons_contain (above, "income survey"));
  g_assert_true (reasons_contain (above, "141"));
  assert_class (&rural_none, "near_poor", "VN-2022");
  assert_class (&urban_poor, "poor", "VN-2022");
  assert_class (&urban_above, "not_poor", "VN-2022");
  assert_class (&urban_150, "near_poor", "VN-2022");
}

#define ANNUAL DH_REVIEW_KIND_ANNUAL
#define AD_HOC DH_REVIEW_KIND_AD_HOC
#define BY_INCOME DH_CLASSIFY_METHOD_INCOME
#define BY_SCORE DH_CLASSIFY_METHOD_SCORE

static void
test_annual_review_uses_the_standard_of_its_list_year (void)
{
  /* The autumn-2021 reviews made the list of 2022 under VN-2022. */
  const Case autumn_2021 = { 15, 10, 2021, DH_AREA_RURAL, 1400000, -1, THREE, ANNUAL };
  const Case first_day_of_round = { 1, 9, 2021, DH_AREA_RURAL, 1400000, -1, THREE, ANNUAL };
  const Case summer_2021 = { 31, 8, 2021, DH_AREA_RURAL, 1400000, -1, THREE, ANNUAL };
  const Case ad_hoc_2021 = { 15, 10, 2021, DH_AREA_RURAL, 1400000, -1, THREE, AD_HOC };
  /* 2,000,000 ₫ is average under VN-2022 and below the VN-2027 line. */
  const Case autumn_2026 = { 24, 11, 2026, DH_AREA_RURAL, 2000000, -1, THREE, ANNUAL };
  const Case ad_hoc_2026 = { 24, 11, 2026, DH_AREA_RURAL, 2000000, -1, THREE, AD_HOC };
  /* An annual review dated January to August is a late round of the
   * current year's list. */
  const Case late_round_2027 = { 15, 3, 2027, DH_AREA_RURAL, 2000000, -1, THREE, ANNUAL };
  const Case late_round_2026 = { 15, 3, 2026, DH_AREA_RURAL, 2000000, -1, THREE, ANNUAL };
  g_autoptr(DhClassification) result = NULL;
  g_autoptr(DhClassification) result_2026 = NULL;

  result = classify_ok (&autumn_2021, "poor", "VN-2022");
  g_assert_cmpint (result->list_year, ==, 2022);
  g_assert_true (reasons_contain (result, "list of 2022"));
  assert_class (&first_day_of_round, "poor", "VN-2022");
  assert_refused (&summer_2021, DH_VALIDATION_ERROR_OUT_OF_RANGE, "31/08/2021", "list of 2021");
  assert_refused (&ad_hoc_2021, DH_VALIDATION_ERROR_OUT_OF_RANGE, "15/10/2021", "list of 2021");
  assert_refused (&ad_hoc_2021, DH_VALIDATION_ERROR_OUT_OF_RANGE, "list of 2022 under VN-2022", "review_kind “annual”");

  result_2026 = classify_ok (&autumn_2026, "poor", "VN-2027");
  g_assert_cmpint (result_2026->list_year, ==, 2027);
  assert_class (&ad_hoc_2026, "average", "VN-2022");
  assert_class (&late_round_2027, "poor", "VN-2027");
  assert_class (&late_round_2026, "average", "VN-2022");
}

static void
test_assessment_may_name_its_list_year (void)
{
  const Case ad_hoc_for_2027 = { 24, 11, 2026, DH_AREA_RURAL, 2000000, -1, THREE, AD_HOC, 2027 };
  const Case annual_for_2026 = { 24, 11, 2026, DH_AREA_RURAL, 2000000, -1, THREE, ANNUAL, 2026 };
  const Case too_early = { 31, 8, 2026, DH_AREA_RURAL, 2000000, -1, THREE, ANNUAL, 2027 };
  const Case past_year = { 24, 11, 2026, DH_AREA_RURAL, 2000000, -1, THREE, ANNUAL, 2025 };
  const Case two_ahead = { 24, 11, 2026, DH_AREA_RURAL, 2000000, -1, THREE, ANNUAL, 2028 };
  GDate date;

  assert_class (&ad_hoc_for_2027, "poor", "VN-2027");
  assert_class (&annual_for_2026, "average", "VN-2022");
  assert_refused (&too_early, DH_VALIDATION_ERROR_OUT_OF_RANGE, "1 September 2026", "list of 2026");
  assert_refused (&past_year, DH_VALIDATION_ERROR_OUT_OF_RANGE, "2025", "list of 2026");
  assert_refused (&two_ahead, DH_VALIDATION_ERROR_OUT_OF_RANGE, "2028", "list of 2027");

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 31, 12, 2026);
  g_assert_cmpint (dh_classify_default_list_year (&date, DH_REVIEW_KIND_ANNUAL), ==, 2027);
  g_assert_cmpint (dh_classify_default_list_year (&date, DH_REVIEW_KIND_AD_HOC), ==, 2026);
  g_date_set_dmy (&date, 31, 8, 2026);
  g_assert_cmpint (dh_classify_default_list_year (&date, DH_REVIEW_KIND_ANNUAL), ==, 2026);
}

/* The standard a form shows the indicators of is the one dh_classify() uses. */
static void
test_finds_the_standard_of_the_list (void)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 15, 10, 2026);
  g_assert_cmpstr (dh_classify_find_standard (NULL, &date, 2026, NULL)->id, ==, "VN-2022");
  g_assert_cmpstr (dh_classify_find_standard (NULL, &date, 2027, NULL)->id, ==, "VN-2027");
  g_date_set_dmy (&date, 10, 6, 2025);
  g_assert_cmpstr (dh_classify_find_standard (NULL, &date, 2025, NULL)->id, ==, "VN-2022");
  g_date_set_dmy (&date, 15, 10, 2030);
  g_assert_null (dh_classify_find_standard (NULL, &date, 2031, NULL));
}

static void
test_standard_2027_counts_its_provisional_indicators (void)
{
  /* WST is new in 2027 and counts towards the three. */
  const Case poor = { 10, 2, 2027, DH_AREA_RURAL, 2200000, -1, { "HI", "TOI", "WST", NULL } };
  const Case near_poor = { 10, 2, 2027, DH_AREA_URBAN, 2800000, -1, { "TOI", "WST", NULL } };
  const Case above = { 10, 2, 2027, DH_AREA_URBAN, 2800001, -1, { "HI", "TOI", "WST", NULL } };
  const Case all_deprived = { 10, 2, 2027, DH_AREA_RURAL, 0, -1,
                              { "EMP", "DEP", "NUT", "HI", "AED", "SCH", "HQ", "HA", "WAT", "TOI", "WST", "TEL", NULL } };
  /* INF is dropped in 2027; WST is not an indicator of 2022. */
  const Case dropped = { 10, 2, 2027, DH_AREA_RURAL, 1000000, -1, { "HI", "INF", NULL } };
  const Case too_new = { 10, 2, 2026, DH_AREA_RURAL, 1000000, -1, { "WST", NULL } };
  g_autoptr(DhClassification) result = classify_ok (&poor, "poor", "VN-2027");

  g_assert_true (reasons_contain (result, "3 deprivations (Health insurance, Hygienic latrine, Household waste treatment): at least 3 makes a household poor"));
  g_assert_true (reasons_contain (result, "provisional"));
  assert_class (&near_poor, "near_poor", "VN-2027");
  assert_class (&above, "not_poor", "VN-2027");
  assert_class (&all_deprived, "poor", "VN-2027");
  assert_refused (&dropped, DH_VALIDATION_ERROR_UNKNOWN_CODE, "“INF”",
                  "EMP, DEP, NUT, HI, AED, SCH, HQ, HA, WAT, TOI, WST, TEL");
  assert_refused (&too_new, DH_VALIDATION_ERROR_UNKNOWN_CODE, "“WST”", "VN-2022");
}

static void
test_standard_2027_refuses_the_score_path (void)
{
  const Case score_only = { 10, 2, 2027, DH_AREA_RURAL, -1, 100, THREE };
  const Case scored = { 10, 2, 2027, DH_AREA_RURAL, 1000000, 100, THREE, AD_HOC, 0, BY_SCORE };
  /* Left to infer, a review with both places by its income and says why. */
  const Case both = { 10, 2, 2027, DH_AREA_RURAL, 1000000, 100, THREE };
  g_autoptr(DhClassification) result = NULL;

  assert_refused (&score_only, DH_VALIDATION_ERROR_REQUIRED, "VN-2027", "province's catalogue update");
  assert_refused (&scored, DH_VALIDATION_ERROR_REQUIRED, "VN-2027", "score-A limits");
  result = classify_ok (&both, "poor", "VN-2027");
  g_assert_cmpint (result->method, ==, DH_CLASSIFY_METHOD_INCOME);
  g_assert_true (reasons_contain (result, "could not be compared"));
}

static void
test_classification_follows_the_review_method (void)
{
  /* Score A says poor, the income says average. */
  const Case inferred = { 24, 11, 2026, DH_AREA_RURAL, 2000000, 100, THREE };
  const Case scored = { 24, 11, 2026, DH_AREA_RURAL, 2000000, 100, THREE, AD_HOC, 0, BY_SCORE };
  const Case surveyed = { 24, 11, 2026, DH_AREA_RURAL, 2000000, 100, THREE, AD_HOC, 0, BY_INCOME };
  const Case agreeing = { 24, 11, 2026, DH_AREA_RURAL, 1400000, 100, THREE };
  const Case no_score = { 24, 11, 2026, DH_AREA_RURAL, 1400000, -1, THREE, AD_HOC, 0, BY_SCORE };
  const Case no_income = { 24, 11, 2026, DH_AREA_RURAL, -1, 100, THREE, AD_HOC, 0, BY_INCOME };
  g_autoptr(DhClassification) by_inference = classify_ok (&inferred, "poor", "VN-2022");
  g_autoptr(DhClassification) by_score = classify_ok (&scored, "poor", "VN-2022");
  g_autoptr(DhClassification) by_income = classify_ok (&surveyed, "average", "VN-2022");
  g_autoptr(DhClassification) agreed = classify_ok (&agreeing, "poor", "VN-2022");
  DhClassifyMethod method = DH_CLASSIFY_METHOD_AUTO;

  /* The forms' scoring is the official method: a review that gives score A
   * was scored, and the disagreement is stated, never silent. */
  g_assert_cmpint (by_inference->method, ==, DH_CLASSIFY_METHOD_SCORE);
  g_assert_true (reasons_contain (by_inference, "The income per person disagrees: it would give average living standard, not poor"));
  g_assert_true (reasons_contain (by_score, "disagrees"));
  g_assert_cmpint (by_income->method, ==, DH_CLASSIFY_METHOD_INCOME);
  g_assert_true (reasons_contain (by_income, "Score A disagrees: it would give poor, not average living standard"));
  g_assert_true (reasons_contain (agreed, "agrees"));
  assert_refused (&no_score, DH_VALIDATION_ERROR_REQUIRED, "score A", "form B1");
  assert_refused (&no_income, DH_VALIDATION_ERROR_REQUIRED, "income survey", "income per person");

  g_assert_true (dh_classify_method_from_string ("score", &method));
  g_assert_cmpint (method, ==, DH_CLASSIFY_METHOD_SCORE);
  g_assert_true (dh_classify_method_from_string ("income", &method));
  g_assert_cmpint (method, ==, DH_CLASSIFY_METHOD_INCOME);
  g_assert_false (dh_classify_method_from_string ("guess", &method));
  g_assert_cmpstr (dh_classify_method_to_string (DH_CLASSIFY_METHOD_SCORE), ==, "score");
  g_assert_cmpstr (dh_classify_method_to_string (DH_CLASSIFY_METHOD_INCOME), ==, "income");
}

static DhClassification *
classify_json (const char  *json,
               GError     **error)
{
  g_autoptr(json_object) record = json_tokener_parse (json);
  g_autoptr(GPtrArray) deprived = g_ptr_array_new ();
  DhClassifyInput input;

  g_assert_nonnull (record);
  if (!dh_classify_input_init_from_json (&input, record, deprived, error))
    return NULL;
  return dh_classify (NULL, &input, error);
}

static void
test_input_read_from_json_as_the_store_reads_an_assessment (void)
{
  g_autoptr(GError) error = NULL;
  /* An assessment is annual unless it says otherwise. */
  g_autoptr(DhClassification) annual = classify_json ("{\"reviewed_on\": \"2026-10-01\", \"area\": \"rural\", "
                                                      "\"income_per_capita\": 2000000, \"deprived\": [\"HI\", \"WAT\", \"WST\"]}", &error);
  g_autoptr(DhClassification) ad_hoc = classify_json ("{\"reviewed_on\": \"2026-10-01\", \"area\": \"rural\", \"review_kind\": \"ad_hoc\", "
                                                      "\"income_per_capita\": 2000000, \"deprived\": [\"HI\", \"WAT\", \"TOI\"]}", &error);
  g_autoptr(DhClassification) named = classify_json ("{\"reviewed_on\": \"2026-10-01\", \"area\": \"rural\", \"list_year\": 2026, "
                                                     "\"method\": \"income\", \"income_per_capita\": 2000000, \"score_a\": 90, "
                                                     "\"deprived\": [\"HI\", \"WAT\", \"TOI\"]}", &error);
  g_autoptr(DhClassification) bad_method = NULL;
  g_autoptr(DhClassification) bad_kind = NULL;
  g_autoptr(DhClassification) bad_year = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (annual->standard_id, ==, "VN-2027");
  g_assert_cmpstr (annual->class_code, ==, "poor");
  g_assert_cmpint (annual->list_year, ==, 2027);
  g_assert_cmpstr (ad_hoc->standard_id, ==, "VN-2022");
  g_assert_cmpstr (ad_hoc->class_code, ==, "average");
  g_assert_cmpstr (named->standard_id, ==, "VN-2022");
  g_assert_cmpstr (named->class_code, ==, "average");
  g_assert_cmpint (named->method, ==, DH_CLASSIFY_METHOD_INCOME);
  g_assert_true (reasons_contain (named, "Score A disagrees"));

  bad_method = classify_json ("{\"reviewed_on\": \"2026-10-01\", \"area\": \"rural\", \"method\": \"guess\", \"score_a\": 90}", &error);
  g_assert_null (bad_method);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“guess”"));
  g_clear_error (&error);
  bad_kind = classify_json ("{\"reviewed_on\": \"2026-10-01\", \"area\": \"rural\", \"review_kind\": \"yearly\", \"score_a\": 90}", &error);
  g_assert_null (bad_kind);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“yearly”"));
  g_clear_error (&error);
  bad_year = classify_json ("{\"reviewed_on\": \"2026-10-01\", \"area\": \"rural\", \"list_year\": \"2027\", \"score_a\": 90}", &error);
  g_assert_null (bad_year);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "list_year"));
}

static void
test_refusals_say_what_is_wrong (void)
{
  const Case before = { 30, 6, 2021, DH_AREA_RURAL, 1000000, -1, NONE };
  const Case after = { 1, 1, 2031, DH_AREA_RURAL, 1000000, -1, NONE };
  const Case unknown_code = { 24, 11, 2026, DH_AREA_RURAL, 1000000, -1, { "HI", "XYZ", NULL } };
  const Case lower_case = { 24, 11, 2026, DH_AREA_RURAL, 1000000, -1, { "hi", NULL } };
  const Case duplicate = { 24, 11, 2026, DH_AREA_RURAL, 1000000, -1, { "HI", "WAT", "HI", NULL } };
  const Case nothing = { 24, 11, 2026, DH_AREA_RURAL, -1, -1, THREE };
  const Case score_2027 = { 1, 1, 2027, DH_AREA_RURAL, -1, 100, NONE };

  assert_refused (&before, DH_VALIDATION_ERROR_OUT_OF_RANGE, "30/06/2021", "01/01/2022–31/12/2026 (VN-2022)");
  assert_refused (&after, DH_VALIDATION_ERROR_OUT_OF_RANGE, "01/01/2031", "01/01/2027–31/12/2030 (VN-2027)");
  assert_refused (&unknown_code, DH_VALIDATION_ERROR_UNKNOWN_CODE, "“XYZ”",
                  "EMP, DEP, NUT, HI, AED, SCH, HQ, HA, WAT, TOI, TEL, INF");
  assert_refused (&lower_case, DH_VALIDATION_ERROR_UNKNOWN_CODE, "“hi”", "VN-2022");
  assert_refused (&duplicate, DH_VALIDATION_ERROR_INVALID, "“HI”", "twice");
  assert_refused (&nothing, DH_VALIDATION_ERROR_REQUIRED, "income", "score A");
  assert_refused (&score_2027, DH_VALIDATION_ERROR_REQUIRED, "VN-2027", "score-A limits");
}

static void
test_refuses_a_missing_review_date (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhClassification) result = NULL;
  DhClassifyInput input = { 0 };

  g_date_clear (&input.reviewed_on, 1);
  input.has_income = TRUE;
  input.income_per_capita = 1000000;
  result = dh_classify (dh_catalogues_get_default (), &input, &error);
  g_assert_null (result);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED);
  g_assert_nonnull (strstr (error->message, "review date"));
}

static void
test_refuses_a_negative_income (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhClassification) result = NULL;
  DhClassifyInput input = { 0 };

  g_date_clear (&input.reviewed_on, 1);
  g_date_set_dmy (&input.reviewed_on, 24, 11, 2026);
  input.has_income = TRUE;
  input.income_per_capita = -1;
  result = dh_classify (dh_catalogues_get_default (), &input, &error);
  g_assert_null (result);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "negative"));
}

static void
test_default_catalogues_when_none_given (void)
{
  g_autoptr(DhClassification) result = NULL;
  DhClassifyInput input = { 0 };

  g_date_clear (&input.reviewed_on, 1);
  g_date_set_dmy (&input.reviewed_on, 24, 11, 2026);
  input.has_income = TRUE;
  input.income_per_capita = 1500000;
  result = dh_classify (NULL, &input, NULL);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->class_code, ==, "near_poor");
  dh_classification_free (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/classify/area/from-string", test_area_from_string);
  g_test_add_func ("/common/classify/income/rural-boundaries-2022", test_rural_income_boundaries_2022);
  g_test_add_func ("/common/classify/income/urban-boundaries-2022", test_urban_income_boundaries_2022);
  g_test_add_func ("/common/classify/standard/changes-on-1-january-2027", test_standard_changes_on_new_year_2027);
  g_test_add_func ("/common/classify/reasons/name-income-threshold-and-deprivations", test_reasons_name_income_threshold_and_deprivations);
  g_test_add_func ("/common/classify/score/limits-and-score-b", test_score_path);
  g_test_add_func ("/common/classify/standard/annual-review-uses-the-standard-of-its-list-year", test_annual_review_uses_the_standard_of_its_list_year);
  g_test_add_func ("/common/classify/standard/assessment-may-name-its-list-year", test_assessment_may_name_its_list_year);
  g_test_add_func ("/common/classify/standard/2027-counts-its-provisional-indicators", test_standard_2027_counts_its_provisional_indicators);
  g_test_add_func ("/common/classify/standard/2027-refuses-the-score-path-and-guesses-nothing", test_standard_2027_refuses_the_score_path);
  g_test_add_func ("/common/classify/method/follows-the-review-and-states-a-disagreement", test_classification_follows_the_review_method);
  g_test_add_func ("/common/classify/input/read-from-json-as-the-store-reads-an-assessment", test_input_read_from_json_as_the_store_reads_an_assessment);
  g_test_add_func ("/common/classify/refusals-say-what-is-wrong", test_refusals_say_what_is_wrong);
  g_test_add_func ("/common/classify/finds-the-standard-of-the-list", test_finds_the_standard_of_the_list);
  g_test_add_func ("/common/classify/refuses-a-missing-review-date", test_refuses_a_missing_review_date);
  g_test_add_func ("/common/classify/refuses-a-negative-income", test_refuses_a_negative_income);
  g_test_add_func ("/common/classify/uses-default-catalogues-when-none-given", test_default_catalogues_when_none_given);

  return g_test_run ();
}
