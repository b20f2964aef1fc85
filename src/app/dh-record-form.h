/* dh-record-form.h – the fields of an editing dialog tied to one record: shown, checked as typed, saved as changes */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-edit-dialog.h"

G_BEGIN_DECLS

typedef struct _DhRecordForm DhRecordForm;

/* Called after @field changed and was checked alone, for the checks that
 * span fields. */
typedef void (*DhRecordFormChanged) (gpointer    user_data,
                                     const char *field);

DhRecordForm *dh_record_form_new          (DhEditDialog        *dialog,
                                           const char          *entity);
void          dh_record_form_free         (DhRecordForm        *self);
void          dh_record_form_add_text     (DhRecordForm        *self,
                                           GtkWidget           *editable,
                                           const char          *field);
void          dh_record_form_add_choice   (DhRecordForm        *self,
                                           GObject             *choice,
                                           const char          *field);
void          dh_record_form_add_switch   (DhRecordForm        *self,
                                           GtkSwitch           *toggle,
                                           const char          *field);
void          dh_record_form_add_code_set (DhRecordForm        *self,
                                           AdwPreferencesGroup *group,
                                           const char          *field);
void          dh_record_form_set_changed_func (DhRecordForm        *self,
                                           DhRecordFormChanged  func,
                                           gpointer             user_data);
void          dh_record_form_set_message  (DhRecordForm        *self,
                                           GtkRevealer         *revealer,
                                           GtkLabel            *label);
void          dh_record_form_set_summary  (DhRecordForm        *self,
                                           GtkLabel            *summary);
void          dh_record_form_update_message (DhRecordForm      *self);
void          dh_record_form_load         (DhRecordForm        *self,
                                           json_object         *record);
GtkWidget    *dh_record_form_get_widget   (DhRecordForm        *self,
                                           const char          *field);
json_object  *dh_record_form_get_value    (DhRecordForm        *self,
                                           const char          *field);
gboolean      dh_record_form_check_all    (DhRecordForm        *self);
json_object  *dh_record_form_collect      (DhRecordForm        *self,
                                           json_object         *original);
gboolean      dh_record_form_show_error   (DhRecordForm        *self,
                                           const GError        *error);
json_object  *dh_record_form_get_original (DhRecordForm        *self);
json_object  *dh_record_form_check_record (DhRecordForm        *self,
                                           json_object         *with,
                                           gboolean             complete);
const char   *dh_record_form_get_saved_id (DhRecordForm        *self);
json_object  *dh_record_form_get_saved    (DhRecordForm        *self);
gboolean      dh_record_form_write        (DhRecordForm        *self,
                                           json_object         *with,
                                           GError             **error);
void          dh_record_form_show_title   (DhRecordForm        *self,
                                           AdwWindowTitle      *title,
                                           const char          *new_title,
                                           const char          *edit_title,
                                           const char          *name_field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhRecordForm, dh_record_form_free)

G_END_DECLS
