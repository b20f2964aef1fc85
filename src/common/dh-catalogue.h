/* dh-catalogue.h – the shipped catalogues: standards, indicators, programmes, codes */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>
#include <json-c/json.h>

G_BEGIN_DECLS

/* Where a household lives decides its thresholds; used to index the
 * per-area fields of DhStandard. */
typedef enum
{
  DH_AREA_RURAL,
  DH_AREA_URBAN,
} DhArea;

#define DH_N_AREAS 2

/* A poverty standard as its catalogue entry gives it. Owned by the
 * DhCatalogues it came from. */
typedef struct
{
  const char         *id;                 /* "VN-2022" */
  const char         *name;               /* Vietnamese */
  const char         *name_en;
  const char         *legal_basis;
  const char         *province_code;      /* NULL for a national standard */
  GDate               valid_from;
  GDate               valid_to;           /* inclusive */
  gint64              income_threshold[DH_N_AREAS];   /* poor or near-poor at or below */
  guint               min_deprivations;   /* poor at or above, with income at or below the threshold */
  gboolean            has_band;
  gint64              band_from[DH_N_AREAS];          /* average band: (band_from, band_to] */
  gint64              band_to[DH_N_AREAS];
  gboolean            has_score;
  int                 score_a_limit[DH_N_AREAS];      /* poor or near-poor at or below */
  int                 score_b_per_deprivation;
  int                 score_b_poor_at;
  const char         *indicator_set;      /* NULL when the set is still to come */
  const char * const *indicators;         /* NULL-terminated, may be empty */
  guint               n_indicators;
  gboolean            indicators_provisional;  /* the set awaits the province's confirmation */
} DhStandard;

#define DH_TYPE_CATALOGUES (dh_catalogues_get_type ())

G_DECLARE_FINAL_TYPE (DhCatalogues, dh_catalogues, DH, CATALOGUES, GObject)

DhCatalogues      *dh_catalogues_get_default              (void);
DhCatalogues      *dh_catalogues_new_from_resource_path   (const char    *path,
                                                           GError       **error);
DhCatalogues      *dh_catalogues_new_from_directory       (const char    *directory,
                                                           GError       **error);
gboolean           dh_catalogues_has_code                 (DhCatalogues  *self,
                                                           const char    *catalogue,
                                                           const char    *code);
const char        *dh_catalogues_find_code                (DhCatalogues  *self,
                                                           const char    *catalogue,
                                                           const char    *text);
const char        *dh_catalogues_get_name                 (DhCatalogues  *self,
                                                           const char    *catalogue,
                                                           const char    *code);
const char        *dh_catalogues_get_name_en              (DhCatalogues  *self,
                                                           const char    *catalogue,
                                                           const char    *code);
const char        *dh_catalogues_get_label                (DhCatalogues  *self,
                                                           const char    *catalogue,
                                                           const char    *code);
const char        *dh_catalogues_get_text                 (DhCatalogues  *self,
                                                           const char    *catalogue,
                                                           const char    *code,
                                                           const char    *key);
json_object       *dh_catalogues_get_entry                (DhCatalogues  *self,
                                                           const char    *catalogue,
                                                           const char    *code);
GPtrArray         *dh_catalogues_list_codes               (DhCatalogues  *self,
                                                           const char    *catalogue);
char              *dh_catalogues_list_names               (DhCatalogues  *self,
                                                           const char    *catalogue);
const char        *dh_catalogues_get_project_programme    (DhCatalogues  *self,
                                                           const char    *project_code);
json_object       *dh_catalogues_get_demo_province        (DhCatalogues  *self);
const char        *dh_catalogues_get_version              (DhCatalogues  *self);
json_object       *dh_catalogues_to_json                  (DhCatalogues  *self);
const DhStandard  *dh_catalogues_find_standard            (DhCatalogues  *self,
                                                           const GDate   *date,
                                                           const char    *province_code);
const DhStandard  *dh_catalogues_get_standard             (DhCatalogues  *self,
                                                           const char    *id);
GPtrArray         *dh_catalogues_list_standards           (DhCatalogues  *self);

G_END_DECLS
