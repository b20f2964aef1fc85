/* dh-classify.h – proposing a household's class under a poverty standard */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "dh-catalogue.h"

G_BEGIN_DECLS

/* DhArea is declared in dh-catalogue.h, with the standards it indexes. */
gboolean dh_area_from_string (const char *text,
                              DhArea     *out_area);
const char *dh_area_to_string (DhArea area);

/* The annual review (September to December) makes the list for the next
 * year; an ad-hoc review places a household in the list of its own year.
 * Zero is ad hoc, so that an input filled from a date alone keeps the
 * standard of that date. */
typedef enum
{
  DH_REVIEW_KIND_AD_HOC,
  DH_REVIEW_KIND_ANNUAL,
} DhReviewKind;

/* The path the review took: the income survey, or the scoring of forms B1
 * and B2. DH_CLASSIFY_METHOD_AUTO reads it from what was given: the forms'
 * score when score A is there and the standard has its limits, else the
 * income. */
typedef enum
{
  DH_CLASSIFY_METHOD_AUTO,
  DH_CLASSIFY_METHOD_INCOME,
  DH_CLASSIFY_METHOD_SCORE,
} DhClassifyMethod;

gboolean    dh_review_kind_from_string (const char   *text,
                                        DhReviewKind *out_kind);
gboolean    dh_classify_method_from_string (const char       *text,
                                            DhClassifyMethod *out_method);
const char *dh_classify_method_to_string   (DhClassifyMethod  method);
int         dh_classify_default_list_year  (const GDate      *reviewed_on,
                                            DhReviewKind      review_kind);
const DhStandard *dh_classify_find_standard (DhCatalogues *catalogues,
                                             const GDate  *reviewed_on,
                                             int           list_year,
                                             const char   *province_code);

typedef struct
{
  GDate               reviewed_on;
  const char         *province_code;      /* nullable */
  DhArea              area;
  gboolean            has_income;
  gint64              income_per_capita;  /* đồng per person per month */
  gboolean            has_score_a;
  int                 score_a;
  const char * const *deprived;           /* indicator codes */
  guint               n_deprived;
  DhReviewKind        review_kind;
  int                 list_year;          /* 0: the default of the review kind */
  DhClassifyMethod    method;
} DhClassifyInput;

typedef struct
{
  char      *class_code;   /* "poor" | "near_poor" | "average" | "not_poor" */
  char      *standard_id;  /* "VN-2022" */
  GPtrArray *reasons;      /* translated sentences (char *) */
  int        list_year;    /* the year of the list the review is for */
  DhClassifyMethod method; /* the path that decided: income or score */
} DhClassification;

gboolean          dh_classify_input_init_from_json (DhClassifyInput  *input,
                                                    json_object      *record,
                                                    GPtrArray        *deprived,
                                                    GError          **error);

DhClassification *dh_classify             (DhCatalogues           *catalogues,
                                           const DhClassifyInput  *input,
                                           GError                **error);
void              dh_classification_free  (DhClassification       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhClassification, dh_classification_free)

G_END_DECLS
