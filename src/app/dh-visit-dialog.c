/* dh-visit-dialog.c – record a visit to a household: when, why, what was said, when to come back */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-visit-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-date.h"
#include "dh-entity.h"
#include "dh-field-choice.h"
#include "dh-record-dialog.h"
#include "dh-visit-dialog.h"

struct _DhVisitDialog
{
  DhRecordDialog  parent_instance;

  /* template */
  AdwWindowTitle *window_title;
  GtkWidget      *save_button;
  AdwEntryRow    *date_row;
  AdwComboRow    *purpose_row;
  AdwEntryRow    *notes_row;
  AdwEntryRow    *next_row;
  AdwEntryRow    *location_row;
  GtkLabel       *errors_label;
};

G_DEFINE_FINAL_TYPE (DhVisitDialog, dh_visit_dialog, DH_TYPE_RECORD_DIALOG)

static char *
dh_visit_dialog_describe_saved (DhRecordDialog *dialog)
{
  g_autofree char *date = dh_context_describe_value (dh_edit_dialog_get_context (DH_EDIT_DIALOG (dialog)), "visit",
                                                     "visited_on", dh_record_dialog_get_record (dialog));

  /* Translators: said once a visit is saved; %s is its date */
  return g_strdup_printf (_("Visit of %s recorded"), date);
}

static void
dh_visit_dialog_constructed (GObject *object)
{
  DhVisitDialog *self = DH_VISIT_DIALOG (object);
  DhRecordDialog *dialog = DH_RECORD_DIALOG (object);
  DhContext *context = dh_edit_dialog_get_context (DH_EDIT_DIALOG (object));
  g_autofree char *today_text = NULL;
  DhRecordForm *form;
  GDate today;

  G_OBJECT_CLASS (dh_visit_dialog_parent_class)->constructed (object);

  /* today, as the store counts days; the purpose most visits have */
  dh_store_get_today (dh_context_get_store (context), &today);
  today_text = dh_date_format (&today);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today_text);
  dh_field_choice_wrap_names (self->purpose_row);
  dh_field_choice_fill (G_OBJECT (self->purpose_row), "visit", "purpose", NULL);
  dh_field_choice_set_code (G_OBJECT (self->purpose_row),
                            dh_entity_get_field (dh_entity_lookup ("visit"), "purpose")->default_value);

  form = dh_record_dialog_start (dialog, "visit", self->errors_label);
  dh_record_dialog_set_fixed (dialog, "visitor", dh_store_get_user (dh_context_get_store (context)));
  dh_record_form_add_text (form, GTK_WIDGET (self->date_row), "visited_on");
  dh_record_form_add_choice (form, G_OBJECT (self->purpose_row), "purpose");
  dh_record_form_add_text (form, GTK_WIDGET (self->notes_row), "notes");
  dh_record_form_add_text (form, GTK_WIDGET (self->next_row), "next_visit_on");
  dh_record_form_add_text (form, GTK_WIDGET (self->location_row), "location");
  dh_record_dialog_ready (dialog, self->window_title, self->save_button, GTK_WIDGET (self->date_row));
}

static void
dh_visit_dialog_class_init (DhVisitDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DhRecordDialogClass *dialog_class = DH_RECORD_DIALOG_CLASS (klass);

  object_class->constructed = dh_visit_dialog_constructed;
  dialog_class->describe_saved = dh_visit_dialog_describe_saved;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-visit-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DhVisitDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, DhVisitDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, DhVisitDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, DhVisitDialog, purpose_row);
  gtk_widget_class_bind_template_child (widget_class, DhVisitDialog, notes_row);
  gtk_widget_class_bind_template_child (widget_class, DhVisitDialog, next_row);
  gtk_widget_class_bind_template_child (widget_class, DhVisitDialog, location_row);
  gtk_widget_class_bind_template_child (widget_class, DhVisitDialog, errors_label);
}

static void
dh_visit_dialog_init (DhVisitDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dh_visit_dialog_new:
 * @household_id: the household visited
 *
 * A dialog that records one visit to @household_id; it opens on today's
 * date, as the store counts days.
 */
DhVisitDialog *
dh_visit_dialog_new (DhContext  *context,
                     const char *household_id)
{
  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (household_id != NULL, NULL);

  return g_object_new (DH_TYPE_VISIT_DIALOG,
                       "context", context,
                       "household-id", household_id,
                       NULL);
}
