/* dh-member-dialog.c – a member of a household, new or edited */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-member-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-citizen-id.h"
#include "dh-field-check.h"
#include "dh-field-choice.h"
#include "dh-member-dialog.h"
#include "dh-record-form.h"

struct _DhMemberDialog
{
  DhEditDialog    parent_instance;

  AdwWindowTitle *window_title;
  GtkRevealer         *message_revealer;
  GtkLabel            *message_label;
  AdwEntryRow    *full_name_row;
  AdwComboRow    *relation_row;
  AdwComboRow    *sex_row;
  AdwEntryRow    *birth_date_row;
  AdwEntryRow    *citizen_id_row;
  GtkDropDown    *ethnicity_dropdown;
  GtkSwitch      *health_insurance_switch;
  AdwComboRow    *schooling_row;
  AdwComboRow    *employment_row;
  GtkSwitch      *disability_switch;
  GtkSwitch      *social_allowance_switch;
  AdwEntryRow    *notes_row;

  DhRecordForm   *form;
  char           *household_id;
};

G_DEFINE_FINAL_TYPE (DhMemberDialog, dh_member_dialog, DH_TYPE_EDIT_DIALOG)

/* The citizen ID says the holder's sex and year of birth: checked against
 * what the dialog says of them with the rule of the store (dh-citizen-id),
 * whose message names the digit that disagrees. */
static void
check_citizen_id (DhMemberDialog *self)
{
  g_autoptr(json_object) citizen_id = dh_record_form_get_value (self->form, "citizen_id");
  g_autoptr(json_object) birth = NULL;
  g_autoptr(GError) error = NULL;
  const char *sex = dh_field_choice_get_code (G_OBJECT (self->sex_row));
  DhSex id_sex = DH_SEX_UNKNOWN;
  DhValidator validator;
  int year = 0;

  /* empty, or wrong in itself: the field says so already */
  if (citizen_id == NULL)
    return;

  if (g_strcmp0 (sex, "male") == 0)
    id_sex = DH_SEX_MALE;
  else if (g_strcmp0 (sex, "female") == 0)
    id_sex = DH_SEX_FEMALE;

  birth = dh_record_form_get_value (self->form, "birth_date");
  if (birth != NULL)
    year = (int) g_ascii_strtoll (json_object_get_string (birth), NULL, 10);

  /* the store's day and catalogues, as its save will check them */
  dh_field_check_init_validator (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self)), &validator);
  if (!dh_citizen_id_check (validator.catalogues, &validator.today,
                            json_object_get_string (citizen_id), id_sex, year, &error))
    dh_edit_dialog_set_field_error (DH_EDIT_DIALOG (self), GTK_WIDGET (self->citizen_id_row), error->message);
  dh_record_form_update_message (self->form);
}

static void
on_field_changed (gpointer    user_data,
                  const char *field)
{
  DhMemberDialog *self = user_data;

  if (g_str_equal (field, "sex") || g_str_equal (field, "birth_date") || g_str_equal (field, "citizen_id"))
    check_citizen_id (self);
}

/* Writes one member, or one update with the fields changed alone. */
static gboolean
dh_member_dialog_save (DhEditDialog  *dialog,
                       GError       **error)
{
  DhMemberDialog *self = DH_MEMBER_DIALOG (dialog);
  g_autoptr(json_object) belongs = json_object_new_object ();

  dh_record_form_check_all (self->form);
  check_citizen_id (self);
  json_object_object_add (belongs, "household", json_object_new_string (self->household_id));

  return dh_record_form_write (self->form, belongs, error);
}

static void
dh_member_dialog_dispose (GObject *object)
{
  DhMemberDialog *self = DH_MEMBER_DIALOG (object);

  g_clear_pointer (&self->form, dh_record_form_free);
  g_clear_pointer (&self->household_id, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_MEMBER_DIALOG);

  G_OBJECT_CLASS (dh_member_dialog_parent_class)->dispose (object);
}

static void
dh_member_dialog_class_init (DhMemberDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DhEditDialogClass *dialog_class = DH_EDIT_DIALOG_CLASS (klass);

  object_class->dispose = dh_member_dialog_dispose;
  dialog_class->save = dh_member_dialog_save;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-member-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, full_name_row);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, relation_row);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, sex_row);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, birth_date_row);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, citizen_id_row);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, ethnicity_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, health_insurance_switch);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, schooling_row);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, employment_row);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, disability_switch);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, social_allowance_switch);
  gtk_widget_class_bind_template_child (widget_class, DhMemberDialog, notes_row);
}

static void
dh_member_dialog_init (DhMemberDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_down_set_expression (self->ethnicity_dropdown,
                                gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
}

static void
build_form (DhMemberDialog *self)
{
  DhRecordForm *form = dh_record_form_new (DH_EDIT_DIALOG (self), "member");

  dh_field_choice_fill (G_OBJECT (self->relation_row), "member", "relation", NULL);
  dh_field_choice_fill (G_OBJECT (self->sex_row), "member", "sex", _("Not given"));
  dh_field_choice_fill (G_OBJECT (self->ethnicity_dropdown), "member", "ethnicity", _("Not given"));
  dh_field_choice_fill (G_OBJECT (self->schooling_row), "member", "schooling", _("Not given"));
  dh_field_choice_fill (G_OBJECT (self->employment_row), "member", "employment", _("Not given"));

  dh_record_form_add_text (form, GTK_WIDGET (self->full_name_row), "full_name");
  dh_record_form_add_choice (form, G_OBJECT (self->relation_row), "relation");
  dh_record_form_add_choice (form, G_OBJECT (self->sex_row), "sex");
  dh_record_form_add_text (form, GTK_WIDGET (self->birth_date_row), "birth_date");
  dh_record_form_add_text (form, GTK_WIDGET (self->citizen_id_row), "citizen_id");
  dh_record_form_add_choice (form, G_OBJECT (self->ethnicity_dropdown), "ethnicity");
  dh_record_form_add_switch (form, self->health_insurance_switch, "health_insurance");
  dh_record_form_add_choice (form, G_OBJECT (self->schooling_row), "schooling");
  dh_record_form_add_choice (form, G_OBJECT (self->employment_row), "employment");
  dh_record_form_add_switch (form, self->disability_switch, "disability");
  dh_record_form_add_switch (form, self->social_allowance_switch, "social_allowance");
  dh_record_form_add_text (form, GTK_WIDGET (self->notes_row), "notes");
  dh_record_form_set_changed_func (form, on_field_changed, self);

  dh_record_form_set_message (form, self->message_revealer, self->message_label);
  self->form = form;
}

/* A new member is most often a child; the first one, the head. */
static void
choose_relation (DhMemberDialog *self,
                 DhStore        *store)
{
  g_autofree char *filter = g_strdup_printf ("household=%s", self->household_id);
  const char *filters[] = { filter, NULL };
  DhQuery query = { .entity = "member", .filters = filters };

  dh_field_choice_set_code (G_OBJECT (self->relation_row),
                            dh_store_count (store, &query, NULL) > 0 ? "child" : "head");
}

/**
 * dh_member_dialog_new:
 * @member_id: (nullable): the member to edit; NULL for a new member of
 *   @household_id
 *
 * Returns: (transfer none) (nullable): the dialog, or NULL with @error set
 *   when the member cannot be read
 */
DhMemberDialog *
dh_member_dialog_new (DhContext   *context,
                      const char  *household_id,
                      const char  *member_id,
                      GError     **error)
{
  DhStore *store = dh_context_get_store (context);
  g_autoptr(json_object) member = NULL;
  DhMemberDialog *self;

  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (household_id != NULL || member_id != NULL, NULL);

  self = g_object_new (DH_TYPE_MEMBER_DIALOG, "context", context, NULL);

  if (member_id != NULL)
    {
      member = dh_store_get (store, "member", member_id, error);
      if (member == NULL)
        {
          gtk_window_destroy (GTK_WINDOW (self));
          return NULL;
        }
      household_id = dh_json_get_string (member, "household");
    }
  self->household_id = g_strdup (household_id);

  build_form (self);
  if (member == NULL)
    choose_relation (self, store);
  dh_record_form_load (self->form, member);
  dh_record_form_show_title (self->form, self->window_title, _("New Member"), _("Edit Member"), "full_name");

  gtk_widget_grab_focus (GTK_WIDGET (self->full_name_row));

  return self;
}

/**
 * dh_member_dialog_get_field:
 *
 * Returns: (transfer none) (nullable): the widget that holds @field of the
 *   member: an AdwEntryRow, an AdwComboRow or GtkDropDown, or a GtkSwitch
 */
GtkWidget *
dh_member_dialog_get_field (DhMemberDialog *self,
                            const char     *field)
{
  g_return_val_if_fail (DH_IS_MEMBER_DIALOG (self), NULL);

  return dh_record_form_get_widget (self->form, field);
}

const char *
dh_member_dialog_get_saved_id (DhMemberDialog *self)
{
  g_return_val_if_fail (DH_IS_MEMBER_DIALOG (self), NULL);

  return dh_record_form_get_saved_id (self->form);
}
