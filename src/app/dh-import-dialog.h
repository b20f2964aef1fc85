/* dh-import-dialog.h – the commune's list imported: every row and its problems shown before anything is written */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"

G_BEGIN_DECLS

#define DH_TYPE_IMPORT_DIALOG (dh_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DhImportDialog, dh_import_dialog, DH, IMPORT_DIALOG, AdwWindow)

DhImportDialog       *dh_import_dialog_new        (DhContext      *context);
void                  dh_import_dialog_check_file (DhImportDialog *self,
                                                   const char     *path,
                                                   gboolean        members);
const char           *dh_import_dialog_get_state  (DhImportDialog *self);
const DhImportReport *dh_import_dialog_get_report (DhImportDialog *self);
GListModel           *dh_import_dialog_get_rows   (DhImportDialog *self);
const char           *dh_import_dialog_get_summary (DhImportDialog *self);

G_END_DECLS
