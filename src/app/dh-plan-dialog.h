/* dh-plan-dialog.h – a household's plan to escape poverty, registered or brought up to date */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-edit-dialog.h"

G_BEGIN_DECLS

#define DH_TYPE_PLAN_DIALOG (dh_plan_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DhPlanDialog, dh_plan_dialog, DH, PLAN_DIALOG, DhEditDialog)

DhPlanDialog *dh_plan_dialog_new         (DhContext     *context,
                                          const char    *household_id,
                                          GError       **error);
const char   *dh_plan_dialog_get_plan_id (DhPlanDialog  *self);
GtkWidget    *dh_plan_dialog_get_field   (DhPlanDialog  *self,
                                          const char    *field);

G_END_DECLS
