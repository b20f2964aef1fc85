/* dh-support-dialog.h – record support a household received: what, how much, from which programme, when */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-record-dialog.h"

G_BEGIN_DECLS

#define DH_TYPE_SUPPORT_DIALOG (dh_support_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DhSupportDialog, dh_support_dialog, DH, SUPPORT_DIALOG, DhRecordDialog)

DhSupportDialog *dh_support_dialog_new (DhContext   *context,
                                        const char  *household_id);
char            *dh_support_describe   (DhContext   *context,
                                        json_object *entry);

G_END_DECLS
