/* dh-rejected-dialog.h – the changes the province refused, each with its reason */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"

G_BEGIN_DECLS

#define DH_TYPE_REJECTED_DIALOG (dh_rejected_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DhRejectedDialog, dh_rejected_dialog, DH, REJECTED_DIALOG, AdwWindow)

DhRejectedDialog *dh_rejected_dialog_new           (DhContext         *context);
guint             dh_rejected_dialog_get_n_changes (DhRejectedDialog  *self);
const char       *dh_rejected_dialog_get_what      (DhRejectedDialog  *self,
                                                    guint              position);
const char       *dh_rejected_dialog_get_reason    (DhRejectedDialog  *self,
                                                    guint              position);
void              dh_rejected_dialog_retry         (DhRejectedDialog  *self);

G_END_DECLS
