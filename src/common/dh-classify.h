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
} DhClassifyInput;

typedef struct
{
  char      *class_code;   /* "poor" | "near_poor" | "average" | "not_poor" */
  char      *standard_id;  /* "VN-2022" */
  GPtrArray *reasons;      /* translated sentences (char *) */
} DhClassification;

DhClassification *dh_classify             (DhCatalogues           *catalogues,
                                           const DhClassifyInput  *input,
                                           GError                **error);
void              dh_classification_free  (DhClassification       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhClassification, dh_classification_free)

G_END_DECLS
