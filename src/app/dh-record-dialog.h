/* dh-record-dialog.h – a dialog that records something about one household: a visit, a support entry */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-edit-dialog.h"
#include "dh-record-form.h"

G_BEGIN_DECLS

#define DH_TYPE_RECORD_DIALOG (dh_record_dialog_get_type ())

G_DECLARE_DERIVABLE_TYPE (DhRecordDialog, dh_record_dialog, DH, RECORD_DIALOG, DhEditDialog)

struct _DhRecordDialogClass
{
  DhEditDialogClass parent_class;

  /* What was recorded, in a few words for a toast. */
  char        *(*describe_saved) (DhRecordDialog *self);
};

DhRecordForm *dh_record_dialog_start            (DhRecordDialog *self,
                                                 const char     *entity,
                                                 GtkLabel       *summary);
void          dh_record_dialog_set_fixed        (DhRecordDialog *self,
                                                 const char     *field,
                                                 const char     *value);
void          dh_record_dialog_ready            (DhRecordDialog *self,
                                                 AdwWindowTitle *title,
                                                 GtkWidget      *save_button,
                                                 GtkWidget      *first_field);
const char   *dh_record_dialog_get_household_id (DhRecordDialog *self);
GtkWidget    *dh_record_dialog_get_field        (DhRecordDialog *self,
                                                 const char     *field);
json_object  *dh_record_dialog_get_record       (DhRecordDialog *self);
char         *dh_record_dialog_describe_saved   (DhRecordDialog *self);

G_END_DECLS
