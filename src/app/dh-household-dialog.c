/* dh-household-dialog.c – a household's facts, new or edited */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-household-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-field-choice.h"
#include "dh-household-dialog.h"
#include "dh-record-form.h"

struct _DhHouseholdDialog
{
  DhEditDialog         parent_instance;

  AdwWindowTitle      *window_title;
  GtkRevealer         *message_revealer;
  GtkLabel            *message_label;
  AdwEntryRow         *head_name_row;
  AdwComboRow         *village_row;
  AdwEntryRow         *address_row;
  AdwEntryRow         *code_row;
  AdwEntryRow         *phone_row;
  GtkDropDown         *ethnicity_dropdown;
  AdwComboRow         *classification_row;
  AdwEntryRow         *year_row;
  AdwEntryRow         *recognized_row;
  AdwPreferencesGroup *causes_group;
  AdwEntryRow         *assigned_row;
  AdwEntryRow         *notes_row;

  DhRecordForm        *form;
};

G_DEFINE_FINAL_TYPE (DhHouseholdDialog, dh_household_dialog, DH_TYPE_EDIT_DIALOG)

/* Writes one household, or one update with the fields changed alone. */
static gboolean
dh_household_dialog_save (DhEditDialog  *dialog,
                          GError       **error)
{
  DhHouseholdDialog *self = DH_HOUSEHOLD_DIALOG (dialog);

  dh_record_form_check_all (self->form);
  if (!dh_record_form_write (self->form, NULL, error))
    return FALSE;

  return TRUE;
}

static void
dh_household_dialog_dispose (GObject *object)
{
  DhHouseholdDialog *self = DH_HOUSEHOLD_DIALOG (object);

  g_clear_pointer (&self->form, dh_record_form_free);

  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_HOUSEHOLD_DIALOG);

  G_OBJECT_CLASS (dh_household_dialog_parent_class)->dispose (object);
}

static void
dh_household_dialog_class_init (DhHouseholdDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DhEditDialogClass *dialog_class = DH_EDIT_DIALOG_CLASS (klass);

  object_class->dispose = dh_household_dialog_dispose;
  dialog_class->save = dh_household_dialog_save;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-household-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, head_name_row);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, village_row);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, code_row);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, phone_row);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, ethnicity_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, classification_row);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, year_row);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, recognized_row);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, causes_group);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, assigned_row);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdDialog, notes_row);
}

static void
dh_household_dialog_init (DhHouseholdDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* the ethnic groups are many: typing the first letters finds one */
  gtk_drop_down_set_expression (self->ethnicity_dropdown,
                                gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
}

static void
build_form (DhHouseholdDialog *self)
{
  DhRecordForm *form = dh_record_form_new (DH_EDIT_DIALOG (self), "household");

  dh_field_choice_fill (G_OBJECT (self->ethnicity_dropdown), "household", "ethnicity", _("Not given"));
  dh_field_choice_fill (G_OBJECT (self->classification_row), "household", "classification", NULL);
  dh_field_choice_set_code (G_OBJECT (self->classification_row), "unclassified");

  dh_record_form_add_text (form, GTK_WIDGET (self->head_name_row), "head_name");
  dh_record_form_add_choice (form, G_OBJECT (self->village_row), "village");
  dh_record_form_add_text (form, GTK_WIDGET (self->address_row), "address");
  dh_record_form_add_text (form, GTK_WIDGET (self->code_row), "code");
  dh_record_form_add_text (form, GTK_WIDGET (self->phone_row), "phone");
  dh_record_form_add_choice (form, G_OBJECT (self->ethnicity_dropdown), "ethnicity");
  dh_record_form_add_choice (form, G_OBJECT (self->classification_row), "classification");
  dh_record_form_add_text (form, GTK_WIDGET (self->year_row), "classification_year");
  dh_record_form_add_text (form, GTK_WIDGET (self->recognized_row), "recognized_on");
  dh_record_form_add_code_set (form, self->causes_group, "poverty_causes");
  dh_record_form_add_text (form, GTK_WIDGET (self->assigned_row), "assigned_to");
  dh_record_form_add_text (form, GTK_WIDGET (self->notes_row), "notes");

  dh_record_form_set_message (form, self->message_revealer, self->message_label);
  self->form = form;
}

/**
 * dh_household_dialog_new:
 * @household_id: (nullable): the household to edit; NULL for a new one
 *
 * Returns: (transfer none) (nullable): the dialog, or NULL with @error
 *   set when the household or the villages cannot be read
 */
DhHouseholdDialog *
dh_household_dialog_new (DhContext   *context,
                         const char  *household_id,
                         GError     **error)
{
  g_autoptr(json_object) household = NULL;
  DhHouseholdDialog *self;

  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);

  /* a window belongs to GTK's list of windows until it is destroyed */
  self = g_object_new (DH_TYPE_HOUSEHOLD_DIALOG, "context", context, NULL);

  if (!dh_field_choice_fill_villages (G_OBJECT (self->village_row), context, NULL, error))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return NULL;
    }

  if (household_id != NULL)
    {
      household = dh_store_get (dh_context_get_store (context), "household", household_id, error);
      if (household == NULL)
        {
          gtk_window_destroy (GTK_WINDOW (self));
          return NULL;
        }
    }

  build_form (self);
  dh_record_form_load (self->form, household);
  dh_record_form_show_title (self->form, self->window_title, _("New Household"), _("Edit Household"), "head_name");

  gtk_widget_grab_focus (GTK_WIDGET (self->head_name_row));

  return self;
}

/**
 * dh_household_dialog_get_field:
 *
 * Returns: (transfer none) (nullable): the widget that holds @field of
 *   the household: an AdwEntryRow for what is typed, an AdwComboRow or
 *   GtkDropDown for a choice, an AdwPreferencesGroup for the causes
 */
GtkWidget *
dh_household_dialog_get_field (DhHouseholdDialog *self,
                               const char        *field)
{
  g_return_val_if_fail (DH_IS_HOUSEHOLD_DIALOG (self), NULL);

  return dh_record_form_get_widget (self->form, field);
}

/* The id of the household written, once it is. */
const char *
dh_household_dialog_get_saved_id (DhHouseholdDialog *self)
{
  g_return_val_if_fail (DH_IS_HOUSEHOLD_DIALOG (self), NULL);

  return dh_record_form_get_saved_id (self->form);
}
