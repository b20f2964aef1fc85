/* dh-visit-dialog.c – record a visit to a household: when, why, what was said, when to come back */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-visit-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-code-choice.h"
#include "dh-date.h"
#include "dh-entity.h"
#include "dh-record-form.h"
#include "dh-visit-dialog.h"

struct _DhVisitDialog
{
  DhEditDialog    parent_instance;

  /* template */
  AdwWindowTitle *window_title;
  GtkWidget      *save_button;
  AdwEntryRow    *date_row;
  AdwComboRow    *purpose_row;
  AdwEntryRow    *notes_row;
  AdwEntryRow    *next_row;
  AdwEntryRow    *location_row;
  GtkLabel       *errors_label;

  char           *household_id;
  DhRecordForm   *form;
  json_object    *record;         /* as stored, once saved */
};

G_DEFINE_FINAL_TYPE (DhVisitDialog, dh_visit_dialog, DH_TYPE_EDIT_DIALOG)

enum {
  PROP_0,
  PROP_HOUSEHOLD_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The visit as typed, in the field names of the store. */
static json_object *
collect_input (DhVisitDialog *self)
{
  json_object *input = json_object_new_object ();
  const char *visitor = dh_store_get_user (dh_context_get_store (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self))));

  json_object_object_add (input, "household", json_object_new_string (self->household_id));
  dh_record_form_set_text (input, "visited_on", GTK_EDITABLE (self->date_row));
  json_object_object_add (input, "purpose", json_object_new_string (dh_code_choice_get (self->purpose_row)));
  dh_record_form_set_text (input, "notes", GTK_EDITABLE (self->notes_row));
  dh_record_form_set_text (input, "next_visit_on", GTK_EDITABLE (self->next_row));
  dh_record_form_set_text (input, "location", GTK_EDITABLE (self->location_row));
  if (visitor != NULL)
    json_object_object_add (input, "visitor", json_object_new_string (visitor));

  return input;
}

static void
on_input_changed (DhVisitDialog *self)
{
  g_autoptr(json_object) input = NULL;
  g_autoptr(json_object) record = NULL;

  if (self->form == NULL)
    return;

  input = collect_input (self);
  record = dh_record_form_check (self->form, input, FALSE);
}

static gboolean
dh_visit_dialog_save (DhEditDialog  *dialog,
                      GError       **error)
{
  DhVisitDialog *self = DH_VISIT_DIALOG (dialog);
  g_autoptr(json_object) input = collect_input (self);
  json_object *record = dh_record_form_save (self->form, input, error);

  if (record == NULL)
    return FALSE;

  g_clear_pointer (&self->record, json_object_put);
  self->record = record;

  return TRUE;
}

static void
dh_visit_dialog_constructed (GObject *object)
{
  DhVisitDialog *self = DH_VISIT_DIALOG (object);
  DhEditDialog *dialog = DH_EDIT_DIALOG (object);
  DhContext *context = dh_edit_dialog_get_context (dialog);
  const DhField *purpose = dh_entity_get_field (dh_entity_lookup ("visit"), "purpose");
  g_autoptr(json_object) household = NULL;
  g_autofree char *today_text = NULL;
  GDate today;

  G_OBJECT_CLASS (dh_visit_dialog_parent_class)->constructed (object);

  g_assert (context != NULL && self->household_id != NULL);

  household = dh_store_get (dh_context_get_store (context), "household", self->household_id, NULL);
  if (household != NULL)
    adw_window_title_set_subtitle (self->window_title, dh_json_get_string (household, "head_name"));

  /* today, as the store counts days; the purpose most visits have */
  dh_store_get_today (dh_context_get_store (context), &today);
  today_text = dh_date_format (&today);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today_text);
  dh_code_choice_fill (self->purpose_row, dh_context_get_catalogues (context), purpose->target,
                       purpose->values, NULL);
  dh_code_choice_select (self->purpose_row, purpose->default_value);

  self->form = dh_record_form_new (dialog, "visit", self->errors_label);
  dh_record_form_add (self->form, "visited_on", GTK_WIDGET (self->date_row));
  dh_record_form_add (self->form, "purpose", GTK_WIDGET (self->purpose_row));
  dh_record_form_add (self->form, "notes", GTK_WIDGET (self->notes_row));
  dh_record_form_add (self->form, "next_visit_on", GTK_WIDGET (self->next_row));
  dh_record_form_add (self->form, "location", GTK_WIDGET (self->location_row));

  dh_record_form_watch (self->form, G_CALLBACK (on_input_changed), self);

  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->date_row));
}

static void
dh_visit_dialog_dispose (GObject *object)
{
  DhVisitDialog *self = DH_VISIT_DIALOG (object);

  g_clear_pointer (&self->form, dh_record_form_free);

  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_VISIT_DIALOG);

  G_OBJECT_CLASS (dh_visit_dialog_parent_class)->dispose (object);
}

static void
dh_visit_dialog_finalize (GObject *object)
{
  DhVisitDialog *self = DH_VISIT_DIALOG (object);

  g_clear_pointer (&self->household_id, g_free);
  g_clear_pointer (&self->record, json_object_put);

  G_OBJECT_CLASS (dh_visit_dialog_parent_class)->finalize (object);
}

static void
dh_visit_dialog_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DhVisitDialog *self = DH_VISIT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_HOUSEHOLD_ID:
      self->household_id = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_visit_dialog_class_init (DhVisitDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DhEditDialogClass *dialog_class = DH_EDIT_DIALOG_CLASS (klass);

  object_class->constructed = dh_visit_dialog_constructed;
  object_class->dispose = dh_visit_dialog_dispose;
  object_class->finalize = dh_visit_dialog_finalize;
  object_class->set_property = dh_visit_dialog_set_property;
  dialog_class->save = dh_visit_dialog_save;

  properties[PROP_HOUSEHOLD_ID] =
    g_param_spec_string ("household-id", NULL, NULL, NULL,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

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

/* The row that shows @field of the visit ("visited_on", "purpose", ...). */
GtkWidget *
dh_visit_dialog_get_field (DhVisitDialog *self,
                           const char    *field)
{
  g_return_val_if_fail (DH_IS_VISIT_DIALOG (self), NULL);

  return dh_record_form_get_widget (self->form, field);
}

/* Returns: (transfer none) (nullable): the visit as stored, once saved */
json_object *
dh_visit_dialog_get_record (DhVisitDialog *self)
{
  g_return_val_if_fail (DH_IS_VISIT_DIALOG (self), NULL);

  return self->record;
}
