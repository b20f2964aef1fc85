/* dh-edit-dialog.h – what every dialog that edits a record shares: checks as you type, save, ask before discarding */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"

G_BEGIN_DECLS

#define DH_TYPE_EDIT_DIALOG (dh_edit_dialog_get_type ())

G_DECLARE_DERIVABLE_TYPE (DhEditDialog, dh_edit_dialog, DH, EDIT_DIALOG, AdwWindow)

struct _DhEditDialogClass
{
  AdwWindowClass parent_class;

  /* Writes what the dialog holds to the store; FALSE with @error set (in
   * words for the caseworker) when it cannot. Called only when no field
   * has an error; what it finds wrong with a field it shows on the field
   * (dh_edit_dialog_set_field_error), and no other message is shown. */
  gboolean (*save) (DhEditDialog  *self,
                    GError       **error);
};

DhContext *dh_edit_dialog_get_context    (DhEditDialog *self);
gboolean   dh_edit_dialog_get_modified   (DhEditDialog *self);
void       dh_edit_dialog_set_modified   (DhEditDialog *self,
                                          gboolean      modified);
void       dh_edit_dialog_set_field_error (DhEditDialog *self,
                                          GtkWidget    *field,
                                          const char   *message);
const char *dh_edit_dialog_get_field_error (DhEditDialog *self,
                                          GtkWidget    *field);
gboolean   dh_edit_dialog_has_errors     (DhEditDialog *self);
gboolean   dh_edit_dialog_save           (DhEditDialog *self);
void       dh_edit_dialog_watch_editable (DhEditDialog *self,
                                          GtkWidget    *editable);

G_END_DECLS
