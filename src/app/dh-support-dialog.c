/* dh-support-dialog.c – record support a household received: what, how much, from which programme, when */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-support-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-code-choice.h"
#include "dh-date.h"
#include "dh-entity.h"
#include "dh-record-form.h"
#include "dh-support-dialog.h"

struct _DhSupportDialog
{
  DhEditDialog    parent_instance;

  /* template */
  AdwWindowTitle *window_title;
  GtkWidget      *save_button;
  AdwComboRow    *type_row;
  AdwEntryRow    *description_row;
  AdwEntryRow    *quantity_row;
  AdwEntryRow    *unit_row;
  AdwEntryRow    *amount_row;
  AdwEntryRow    *state_share_row;
  AdwEntryRow    *household_share_row;
  AdwComboRow    *funding_row;
  AdwComboRow    *programme_row;
  AdwComboRow    *project_row;
  AdwComboRow    *member_row;
  AdwComboRow    *status_row;
  AdwEntryRow    *date_row;
  GtkLabel       *errors_label;

  char           *household_id;
  DhRecordForm   *form;
  json_object    *record;         /* as stored, once saved */
};

G_DEFINE_FINAL_TYPE (DhSupportDialog, dh_support_dialog, DH_TYPE_EDIT_DIALOG)

enum {
  PROP_0,
  PROP_HOUSEHOLD_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static DhContext *
context_of (DhSupportDialog *self)
{
  return dh_edit_dialog_get_context (DH_EDIT_DIALOG (self));
}

static void
add_choice (json_object *input,
            const char  *field,
            AdwComboRow *row)
{
  const char *code = dh_code_choice_get (row);

  if (code != NULL)
    json_object_object_add (input, field, json_object_new_string (code));
}

/* The entry as typed, in the field names of the store. */
static json_object *
collect_input (DhSupportDialog *self)
{
  json_object *input = json_object_new_object ();

  json_object_object_add (input, "household", json_object_new_string (self->household_id));
  add_choice (input, "support_type", self->type_row);
  dh_record_form_set_text (input, "description", GTK_EDITABLE (self->description_row));
  dh_record_form_set_text (input, "quantity", GTK_EDITABLE (self->quantity_row));
  dh_record_form_set_text (input, "unit", GTK_EDITABLE (self->unit_row));
  dh_record_form_set_text (input, "amount_vnd", GTK_EDITABLE (self->amount_row));
  dh_record_form_set_text (input, "state_share_vnd", GTK_EDITABLE (self->state_share_row));
  dh_record_form_set_text (input, "household_share_vnd", GTK_EDITABLE (self->household_share_row));
  add_choice (input, "funding_source", self->funding_row);
  add_choice (input, "programme", self->programme_row);
  add_choice (input, "project", self->project_row);
  add_choice (input, "member", self->member_row);
  add_choice (input, "status", self->status_row);
  dh_record_form_set_text (input, "delivered_on", GTK_EDITABLE (self->date_row));

  return input;
}

static void
on_input_changed (DhSupportDialog *self)
{
  g_autoptr(json_object) input = NULL;
  g_autoptr(json_object) record = NULL;

  if (self->form == NULL)
    return;

  input = collect_input (self);
  record = dh_record_form_check (self->form, input, FALSE);
}

/* The projects of the programme chosen, and only those. */
static void
fill_projects (DhSupportDialog *self)
{
  DhCatalogues *catalogues = dh_context_get_catalogues (context_of (self));
  const char *programme = dh_code_choice_get (self->programme_row);
  g_autofree char *chosen = g_strdup (dh_code_choice_get (self->project_row));
  g_autoptr(GPtrArray) all = dh_catalogues_list_codes (catalogues, "project");
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    {
      const char *code = g_ptr_array_index (all, i);

      if (programme != NULL && g_strcmp0 (dh_catalogues_get_project_programme (catalogues, code), programme) == 0)
        g_ptr_array_add (codes, (gpointer) code);
    }
  g_ptr_array_add (codes, NULL);

  dh_code_choice_fill (self->project_row, catalogues, "project", (const char * const *) codes->pdata,
                       /* Translators: no project of the programme is named */
                       _("None"));
  dh_code_choice_select (self->project_row, chosen);
  gtk_widget_set_sensitive (GTK_WIDGET (self->project_row), codes->len > 1);
}

static void
on_programme_changed (DhSupportDialog *self)
{
  fill_projects (self);
}

/* The programme whose period holds @today, as a first choice. */
static const char *
current_programme (DhCatalogues *catalogues,
                   GPtrArray    *programmes,
                   const char   *today)
{
  for (guint i = 0; i < programmes->len; i++)
    {
      const char *code = g_ptr_array_index (programmes, i);
      json_object *entry = dh_catalogues_get_entry (catalogues, "programme", code);
      const char *from = dh_json_get_string (entry, "valid_from");
      const char *to = dh_json_get_string (entry, "valid_to");

      if (from != NULL && g_strcmp0 (from, today) <= 0 && (to == NULL || g_strcmp0 (today, to) <= 0))
        return code;
    }

  return NULL;
}

static void
fill_members (DhSupportDialog *self)
{
  DhContext *context = context_of (self);
  g_autofree char *filter = g_strdup_printf ("household=%s", self->household_id);
  const char *filters[] = { filter, NULL };
  DhQuery query = { .entity = "member", .filters = filters, .limit = DH_STORE_MAX_LIMIT };
  g_autoptr(GPtrArray) members = dh_store_list (dh_context_get_store (context), &query, NULL);
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      json_object *member = g_ptr_array_index (members, i);
      g_autofree char *relation = dh_context_describe_value (context, "member", "relation", member);

      g_ptr_array_add (codes, (gpointer) dh_json_get_string (member, DH_RECORD_ID));
      g_ptr_array_add (labels, relation != NULL
                               /* Translators: a member of a household and how they are related to its head */
                               ? g_strdup_printf (_("%s (%s)"), dh_json_get_string (member, "full_name"), relation)
                               : g_strdup (dh_json_get_string (member, "full_name")));
    }
  g_ptr_array_add (codes, NULL);
  g_ptr_array_add (labels, NULL);

  dh_code_choice_fill_labelled (self->member_row, (const char * const *) codes->pdata,
                                (const char * const *) labels->pdata,
                                /* Translators: support given to the household, not to one of its members */
                                _("The whole household"));
}

static gboolean
dh_support_dialog_save (DhEditDialog  *dialog,
                        GError       **error)
{
  DhSupportDialog *self = DH_SUPPORT_DIALOG (dialog);
  g_autoptr(json_object) input = collect_input (self);
  json_object *record = dh_record_form_save (self->form, input, error);

  if (record == NULL)
    return FALSE;

  g_clear_pointer (&self->record, json_object_put);
  self->record = record;

  return TRUE;
}

static void
dh_support_dialog_constructed (GObject *object)
{
  DhSupportDialog *self = DH_SUPPORT_DIALOG (object);
  DhEditDialog *dialog = DH_EDIT_DIALOG (object);
  DhContext *context = dh_edit_dialog_get_context (dialog);
  DhCatalogues *catalogues = dh_context_get_catalogues (context);
  const DhField *status = dh_entity_get_field (dh_entity_lookup ("support"), "status");
  g_autoptr(json_object) household = NULL;
  g_autoptr(GPtrArray) types = dh_catalogues_list_codes (catalogues, "support_type");
  g_autoptr(GPtrArray) sources = dh_catalogues_list_codes (catalogues, "funding_source");
  g_autoptr(GPtrArray) programmes = dh_catalogues_list_codes (catalogues, "programme");
  g_autofree char *today_text = NULL;
  g_autofree char *today_iso = NULL;
  const char *current;
  GDate today;

  G_OBJECT_CLASS (dh_support_dialog_parent_class)->constructed (object);

  g_assert (context != NULL && self->household_id != NULL);

  household = dh_store_get (dh_context_get_store (context), "household", self->household_id, NULL);
  if (household != NULL)
    adw_window_title_set_subtitle (self->window_title, dh_json_get_string (household, "head_name"));

  dh_store_get_today (dh_context_get_store (context), &today);
  today_text = dh_date_format (&today);
  today_iso = dh_date_to_iso (&today);

  g_ptr_array_add (types, NULL);
  g_ptr_array_add (sources, NULL);
  dh_code_choice_fill (self->type_row, catalogues, "support_type", (const char * const *) types->pdata,
                       /* Translators: the first choice of a list where one must be chosen */
                       _("Choose…"));
  dh_code_choice_fill (self->funding_row, catalogues, "funding_source", (const char * const *) sources->pdata,
                       /* Translators: nothing is chosen in a list that may be left empty */
                       _("Not given"));
  current = current_programme (catalogues, programmes, today_iso);
  g_ptr_array_add (programmes, NULL);
  dh_code_choice_fill (self->programme_row, catalogues, "programme", (const char * const *) programmes->pdata,
                       _("Not given"));
  dh_code_choice_select (self->programme_row, current);
  fill_projects (self);
  fill_members (self);
  dh_code_choice_fill (self->status_row, catalogues, status->target, status->values, NULL);
  dh_code_choice_select (self->status_row, status->default_value);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today_text);

  self->form = dh_record_form_new (dialog, "support", self->errors_label);
  dh_record_form_add (self->form, "support_type", GTK_WIDGET (self->type_row));
  dh_record_form_add (self->form, "description", GTK_WIDGET (self->description_row));
  dh_record_form_add (self->form, "quantity", GTK_WIDGET (self->quantity_row));
  dh_record_form_add (self->form, "unit", GTK_WIDGET (self->unit_row));
  dh_record_form_add (self->form, "amount_vnd", GTK_WIDGET (self->amount_row));
  dh_record_form_add (self->form, "state_share_vnd", GTK_WIDGET (self->state_share_row));
  dh_record_form_add (self->form, "household_share_vnd", GTK_WIDGET (self->household_share_row));
  dh_record_form_add (self->form, "funding_source", GTK_WIDGET (self->funding_row));
  dh_record_form_add (self->form, "programme", GTK_WIDGET (self->programme_row));
  dh_record_form_add (self->form, "project", GTK_WIDGET (self->project_row));
  dh_record_form_add (self->form, "member", GTK_WIDGET (self->member_row));
  dh_record_form_add (self->form, "status", GTK_WIDGET (self->status_row));
  dh_record_form_add (self->form, "delivered_on", GTK_WIDGET (self->date_row));

  /* the projects follow the programme before the record is checked again */
  g_signal_connect_object (self->programme_row, "notify::selected", G_CALLBACK (on_programme_changed),
                           self, G_CONNECT_SWAPPED);
  dh_record_form_watch (self->form, G_CALLBACK (on_input_changed), self);

  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->type_row));
}

static void
dh_support_dialog_dispose (GObject *object)
{
  DhSupportDialog *self = DH_SUPPORT_DIALOG (object);

  g_clear_pointer (&self->form, dh_record_form_free);

  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_SUPPORT_DIALOG);

  G_OBJECT_CLASS (dh_support_dialog_parent_class)->dispose (object);
}

static void
dh_support_dialog_finalize (GObject *object)
{
  DhSupportDialog *self = DH_SUPPORT_DIALOG (object);

  g_clear_pointer (&self->household_id, g_free);
  g_clear_pointer (&self->record, json_object_put);

  G_OBJECT_CLASS (dh_support_dialog_parent_class)->finalize (object);
}

static void
dh_support_dialog_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  DhSupportDialog *self = DH_SUPPORT_DIALOG (object);

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
dh_support_dialog_class_init (DhSupportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DhEditDialogClass *dialog_class = DH_EDIT_DIALOG_CLASS (klass);

  object_class->constructed = dh_support_dialog_constructed;
  object_class->dispose = dh_support_dialog_dispose;
  object_class->finalize = dh_support_dialog_finalize;
  object_class->set_property = dh_support_dialog_set_property;
  dialog_class->save = dh_support_dialog_save;

  properties[PROP_HOUSEHOLD_ID] =
    g_param_spec_string ("household-id", NULL, NULL, NULL,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-support-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, quantity_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, unit_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, amount_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, state_share_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, household_share_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, funding_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, programme_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, project_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, member_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, status_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, errors_label);
}

static void
dh_support_dialog_init (DhSupportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dh_support_dialog_new:
 * @household_id: the household that received the support
 *
 * A dialog that records one support entry for @household_id: delivered
 * today unless told otherwise, under the programme of today's period.
 */
DhSupportDialog *
dh_support_dialog_new (DhContext  *context,
                       const char *household_id)
{
  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (household_id != NULL, NULL);

  return g_object_new (DH_TYPE_SUPPORT_DIALOG,
                       "context", context,
                       "household-id", household_id,
                       NULL);
}

/* The row that shows @field of the entry ("amount_vnd", "project", ...). */
GtkWidget *
dh_support_dialog_get_field (DhSupportDialog *self,
                             const char      *field)
{
  g_return_val_if_fail (DH_IS_SUPPORT_DIALOG (self), NULL);

  return dh_record_form_get_widget (self->form, field);
}

/* Returns: (transfer none) (nullable): the entry as stored, once saved */
json_object *
dh_support_dialog_get_record (DhSupportDialog *self)
{
  g_return_val_if_fail (DH_IS_SUPPORT_DIALOG (self), NULL);

  return self->record;
}
