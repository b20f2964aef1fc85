/* dh-typed-form.h – a dialog's fields checked by the rules the store applies, each error shown on its field */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-edit-dialog.h"

G_BEGIN_DECLS

typedef struct _DhTypedForm DhTypedForm;

DhTypedForm *dh_typed_form_new        (DhEditDialog  *dialog,
                                         const char    *entity,
                                         GtkLabel      *summary);
void          dh_typed_form_free       (DhTypedForm  *self);
void          dh_typed_form_add        (DhTypedForm  *self,
                                         const char    *field,
                                         GtkWidget     *widget);
void          dh_typed_form_watch      (DhTypedForm  *self,
                                         GCallback      changed,
                                         gpointer       instance);
json_object  *dh_typed_form_check      (DhTypedForm  *self,
                                         json_object   *input,
                                         gboolean       complete);
gboolean      dh_typed_form_show_error (DhTypedForm  *self,
                                         const GError  *error);
json_object  *dh_typed_form_save       (DhTypedForm  *self,
                                         json_object   *input,
                                         GError       **error);
GtkWidget    *dh_typed_form_get_widget (DhTypedForm  *self,
                                         const char    *field);
void          dh_typed_form_set_text   (json_object   *input,
                                         const char    *field,
                                         GtkEditable   *editable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhTypedForm, dh_typed_form_free)

G_END_DECLS
