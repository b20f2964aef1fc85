/* dh-visit-dialog.h – record a visit to a household: when, why, what was said, when to come back */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-edit-dialog.h"

G_BEGIN_DECLS

#define DH_TYPE_VISIT_DIALOG (dh_visit_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DhVisitDialog, dh_visit_dialog, DH, VISIT_DIALOG, DhEditDialog)

DhVisitDialog *dh_visit_dialog_new        (DhContext     *context,
                                           const char    *household_id);
GtkWidget     *dh_visit_dialog_get_field  (DhVisitDialog *self,
                                           const char    *field);
json_object   *dh_visit_dialog_get_record (DhVisitDialog *self);

G_END_DECLS
