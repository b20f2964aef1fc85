/* dh-void-dialog.h – void a delivered support entry, saying why */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-edit-dialog.h"

G_BEGIN_DECLS

#define DH_TYPE_VOID_DIALOG (dh_void_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DhVoidDialog, dh_void_dialog, DH, VOID_DIALOG, DhEditDialog)

DhVoidDialog *dh_void_dialog_new            (DhContext    *context,
                                             const char   *entry_id);
GtkWidget    *dh_void_dialog_get_reason_row (DhVoidDialog *self);
json_object  *dh_void_dialog_get_entry      (DhVoidDialog *self);

G_END_DECLS
