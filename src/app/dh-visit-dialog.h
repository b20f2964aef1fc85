/* dh-visit-dialog.h – record a visit to a household: when, why, what was said, when to come back */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-record-dialog.h"

G_BEGIN_DECLS

#define DH_TYPE_VISIT_DIALOG (dh_visit_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DhVisitDialog, dh_visit_dialog, DH, VISIT_DIALOG, DhRecordDialog)

DhVisitDialog *dh_visit_dialog_new (DhContext  *context,
                                    const char *household_id);

G_END_DECLS
