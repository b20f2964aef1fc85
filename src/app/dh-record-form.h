/* dh-record-form.h – a dialog's fields checked by the rules the store applies, each error shown on its field */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-edit-dialog.h"

G_BEGIN_DECLS

typedef struct _DhRecordForm DhRecordForm;

DhRecordForm *dh_record_form_new        (DhEditDialog  *dialog,
                                         const char    *entity,
                                         GtkLabel      *summary);
void          dh_record_form_free       (DhRecordForm  *self);
void          dh_record_form_add        (DhRecordForm  *self,
                                         const char    *field,
                                         GtkWidget     *widget);
void          dh_record_form_watch      (DhRecordForm  *self,
                                         GCallback      changed,
                                         gpointer       instance);
json_object  *dh_record_form_check      (DhRecordForm  *self,
                                         json_object   *input,
                                         gboolean       complete);
gboolean      dh_record_form_show_error (DhRecordForm  *self,
                                         const GError  *error);
json_object  *dh_record_form_save       (DhRecordForm  *self,
                                         json_object   *input,
                                         GError       **error);
GtkWidget    *dh_record_form_get_widget (DhRecordForm  *self,
                                         const char    *field);
void          dh_record_form_set_text   (json_object   *input,
                                         const char    *field,
                                         GtkEditable   *editable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhRecordForm, dh_record_form_free)

G_END_DECLS
