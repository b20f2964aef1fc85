/* dh-household-page.h – the household card: facts, members, review, plan, visits, support */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"

G_BEGIN_DECLS

#define DH_TYPE_HOUSEHOLD_PAGE (dh_household_page_get_type ())

G_DECLARE_FINAL_TYPE (DhHouseholdPage, dh_household_page, DH, HOUSEHOLD_PAGE, AdwBin)

gboolean    dh_household_page_show          (DhHouseholdPage  *self,
                                             DhContext        *context,
                                             const char       *household_id,
                                             GError          **error);
gboolean    dh_household_page_refresh       (DhHouseholdPage  *self,
                                             GError          **error);
const char *dh_household_page_get_household_id (DhHouseholdPage *self);
const char *dh_household_page_get_title     (DhHouseholdPage  *self);
const char *dh_household_page_get_sync_text (DhHouseholdPage *self);

G_END_DECLS
