/* dh-citizen-id.h – checks of the 12-digit citizen ID (CCCD) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "dh-catalogue.h"

G_BEGIN_DECLS

typedef enum
{
  DH_SEX_UNKNOWN = 0,
  DH_SEX_MALE,
  DH_SEX_FEMALE,
} DhSex;

gboolean dh_citizen_id_check (DhCatalogues  *catalogues,
                              const GDate   *today,
                              const char    *citizen_id,
                              DhSex          sex,
                              int            birth_year,
                              GError       **error);

G_END_DECLS
