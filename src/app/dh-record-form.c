/* dh-record-form.c – the fields of an editing dialog tied to one record: shown, checked as typed, saved as changes */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-record-form"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-entity.h"
#include "dh-error.h"
#include "dh-field-check.h"
#include "dh-field-choice.h"
#include "dh-money.h"
#include "dh-record-form.h"

/* Each widget of a dialog stands for one field of the record it edits;
 * the form fills them from the record, checks what is typed with the
 * store's own rule as it is typed (and, when asked, the whole record with
 * the rules across its fields), and gives back the fields that differ
 * from the record, so that an edit writes only what changed. A dialog
 * never repeats a rule of src/common: each message is the store's own,
 * shown on the field it names, with the field names of the data
 * dictionary in it replaced by the labels the dialog shows. */

typedef enum
{
  INPUT_TEXT,
  INPUT_CHOICE,
  INPUT_SWITCH,
  INPUT_CODE_SET,
} InputKind;

typedef struct
{
  DhRecordForm *form;
  InputKind     kind;
  const char   *field;
  GtkWidget    *widget;
  char         *label;    /* the row's title, without its mnemonic mark
                           * nor a closing "(optional)"; another widget's
                           * tooltip */
  GPtrArray    *checks;   /* INPUT_CODE_SET: GtkCheckButton, with the code as "dh-code" */
} Input;

struct _DhRecordForm
{
  DhEditDialog        *dialog;
  const char          *entity;
  GPtrArray           *inputs;     /* Input * in the order added */
  gboolean             loading;
  DhRecordFormChanged  changed;
  gpointer             changed_data;
  GtkRevealer         *message_revealer;
  GtkLabel            *message_label;
  GtkLabel            *summary;    /* every error in words, under the fields */
  char                *form_error; /* a rule about no field of the form, for the summary */
  json_object         *original;   /* the record as it was shown; NULL for a new one */
  json_object         *saved;      /* the record as written, once it is */
};

static void
input_free (Input *input)
{
  /* the form may go before its widgets, which may still signal as they go */
  g_signal_handlers_disconnect_by_data (input->widget, input);
  for (guint i = 0; input->checks != NULL && i < input->checks->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (input->checks, i), input);
  g_clear_pointer (&input->checks, g_ptr_array_unref);
  g_free (input->label);
  g_free (input);
}

DhRecordForm *
dh_record_form_new (DhEditDialog *dialog,
                    const char   *entity)
{
  DhRecordForm *self = g_new0 (DhRecordForm, 1);

  g_return_val_if_fail (dh_entity_lookup (entity) != NULL, NULL);

  self->dialog = dialog;
  self->entity = dh_entity_lookup (entity)->name;
  self->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) input_free);

  return self;
}

void
dh_record_form_free (DhRecordForm *self)
{
  if (self == NULL)
    return;

  g_ptr_array_unref (self->inputs);
  g_clear_pointer (&self->original, json_object_put);
  g_clear_pointer (&self->saved, json_object_put);
  g_free (self->form_error);
  g_free (self);
}

static Input *
find_input_len (DhRecordForm *self,
                const char   *field,
                gsize         length)
{
  for (guint i = 0; i < self->inputs->len; i++)
    {
      Input *input = g_ptr_array_index (self->inputs, i);

      if (strlen (input->field) == length && strncmp (input->field, field, length) == 0)
        return input;
    }

  return NULL;
}

static Input *
find_input (DhRecordForm *self,
            const char   *field)
{
  return field != NULL ? find_input_len (self, field, strlen (field)) : NULL;
}

/* "_Date" reads "Date" ("__" is a written underscore); with @short_form,
 * "Next visit (optional)" is the next visit in a message about it. NULL
 * for a widget that has neither title nor tooltip. */
static char *
widget_title (GtkWidget *widget,
              gboolean   short_form)
{
  const char *title = ADW_IS_PREFERENCES_ROW (widget)
                      ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))
                      : gtk_widget_get_tooltip_text (widget);
  GString *label;

  if (title == NULL)
    return NULL;

  label = g_string_new (NULL);
  for (const char *p = title; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] == '_')
        p++;
      else if (*p == '_')
        continue;
      g_string_append_c (label, *p);
    }

  if (short_form && label->len > 0 && label->str[label->len - 1] == ')' && strstr (label->str, " (") != NULL)
    g_string_truncate (label, (gsize) (strstr (label->str, " (") - label->str));

  return g_string_free (label, FALSE);
}

static Input *
add_input (DhRecordForm *self,
           InputKind     kind,
           GtkWidget    *widget,
           const char   *field_name)
{
  const DhField *field = dh_entity_get_field (dh_entity_lookup (self->entity), field_name);
  Input *input = g_new0 (Input, 1);

  g_assert (field != NULL);

  input->form = self;
  input->kind = kind;
  input->field = field->name;
  input->widget = widget;
  input->label = widget_title (widget, TRUE);
  g_ptr_array_add (self->inputs, input);

  return input;
}

/* Checks the text of @input alone; the message goes on its widget. */
static json_object *
check_text (Input *input)
{
  json_object *value = NULL;
  g_autofree char *message = dh_field_check_text (dh_edit_dialog_get_context (input->form->dialog),
                                                  input->form->entity, input->field,
                                                  gtk_editable_get_text (GTK_EDITABLE (input->widget)), &value);

  dh_edit_dialog_set_field_error (input->form->dialog, input->widget, message);

  return value;
}

static void
input_changed (Input *input)
{
  DhRecordForm *self = input->form;

  if (self->loading)
    return;

  if (input->kind == INPUT_TEXT)
    json_object_put (check_text (input));
  else
    dh_edit_dialog_set_field_error (self->dialog, input->widget, NULL);

  dh_edit_dialog_set_modified (self->dialog, TRUE);
  if (self->changed != NULL)
    self->changed (self->changed_data, input->field);
  dh_record_form_update_message (self);
}

/* An amount is shown back as people read it once the caseworker moves
 * on: "1500000" becomes "1.500.000"; what does not read as money is left
 * as typed, with its error. */
static void
on_money_field_left (GtkEventControllerFocus *controller,
                     gpointer                 user_data)
{
  GtkEditable *editable = GTK_EDITABLE (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)));
  const char *text = gtk_editable_get_text (editable);
  g_autofree char *shown = NULL;
  char *mark;
  gint64 dong;

  if (text[0] == '\0' || !dh_money_parse (text, &dong, NULL))
    return;

  shown = dh_money_format (dong);
  mark = strstr (shown, " \u20AB");
  if (mark != NULL)
    *mark = '\0';
  if (g_strcmp0 (shown, text) != 0)
    gtk_editable_set_text (editable, shown);
}

/* @editable: a GtkEditable, such as an AdwEntryRow; Enter in a row that
 * does not activate the dialog's default button saves */
void
dh_record_form_add_text (DhRecordForm *self,
                         GtkWidget    *editable,
                         const char   *field)
{
  Input *input;

  g_return_if_fail (GTK_IS_EDITABLE (editable));

  input = add_input (self, INPUT_TEXT, editable, field);
  g_signal_connect_swapped (editable, "changed", G_CALLBACK (input_changed), input);
  if (ADW_IS_ENTRY_ROW (editable) && !adw_entry_row_get_activates_default (ADW_ENTRY_ROW (editable)))
    g_signal_connect_swapped (editable, "entry-activated", G_CALLBACK (dh_edit_dialog_save), self->dialog);

  if (dh_entity_get_field (dh_entity_lookup (self->entity), field)->type == DH_FIELD_MONEY)
    {
      GtkEventController *focus = gtk_event_controller_focus_new ();

      g_signal_connect (focus, "leave", G_CALLBACK (on_money_field_left), NULL);
      gtk_widget_add_controller (editable, focus);
    }
}

/* @choice: a GtkDropDown or AdwComboRow filled by dh_field_choice_fill() */
void
dh_record_form_add_choice (DhRecordForm *self,
                           GObject      *choice,
                           const char   *field)
{
  Input *input = add_input (self, INPUT_CHOICE, GTK_WIDGET (choice), field);

  g_signal_connect_swapped (choice, "notify::selected", G_CALLBACK (input_changed), input);
}

void
dh_record_form_add_switch (DhRecordForm *self,
                           GtkSwitch    *toggle,
                           const char   *field)
{
  Input *input = add_input (self, INPUT_SWITCH, GTK_WIDGET (toggle), field);

  g_signal_connect_swapped (toggle, "notify::active", G_CALLBACK (input_changed), input);
}

/* A checklist in @group: one row for each code of the field's catalogue. */
void
dh_record_form_add_code_set (DhRecordForm        *self,
                             AdwPreferencesGroup *group,
                             const char          *field_name)
{
  const DhField *field = dh_entity_get_field (dh_entity_lookup (self->entity), field_name);
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, field->target);
  Input *input = add_input (self, INPUT_CODE_SET, GTK_WIDGET (group), field_name);

  input->checks = g_ptr_array_new ();
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);
      const char *label = dh_field_get_value_label (field, code, catalogues);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label != NULL ? label : code);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data_full (G_OBJECT (check), "dh-code", g_strdup (code), g_free);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (group, row);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (input_changed), input);
      g_ptr_array_add (input->checks, check);
    }
}

/* Where the dialog spells out the first error of its fields, which the
 * fields themselves show in red and as their tooltip. */
void
dh_record_form_set_message (DhRecordForm *self,
                            GtkRevealer  *revealer,
                            GtkLabel     *label)
{
  self->message_revealer = revealer;
  self->message_label = label;
}

/* Where the dialog lists every error of its fields in words, under the
 * fields, so that they are read without hovering over a field. */
void
dh_record_form_set_summary (DhRecordForm *self,
                            GtkLabel     *summary)
{
  self->summary = summary;
}

/* "Phone: a mobile number has 10 digits…": the field as the dialog
 * names it, not as the store does. */
static char *
describe_error (const char *title,
                const char *message)
{
  /* Translators: a field of a dialog, then what is wrong with what was typed in it */
  return title != NULL ? g_strdup_printf (_("%s: %s"), title, message) : g_strdup (message);
}

static void
update_summary (DhRecordForm *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->inputs->len; i++)
    {
      Input *input = g_ptr_array_index (self->inputs, i);
      const char *message = dh_edit_dialog_get_field_error (self->dialog, input->widget);
      g_autofree char *line = NULL;

      if (message == NULL)
        continue;
      line = describe_error (input->label, message);
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
    }
  if (self->form_error != NULL)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, self->form_error);
    }

  gtk_label_set_text (self->summary, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->summary), text->len > 0);
}

/* Shows the first field's error in words under the header bar, or every
 * error under the fields, so that what to fix is read without pointing at
 * the field. */
void
dh_record_form_update_message (DhRecordForm *self)
{
  const char *message = NULL;
  GtkWidget *field = NULL;

  if (self->summary != NULL)
    update_summary (self);

  if (self->message_label == NULL)
    return;

  for (guint i = 0; i < self->inputs->len && message == NULL; i++)
    {
      Input *input = g_ptr_array_index (self->inputs, i);

      message = dh_edit_dialog_get_field_error (self->dialog, input->widget);
      field = input->widget;
    }

  if (message != NULL)
    {
      g_autofree char *title = widget_title (field, FALSE);
      g_autofree char *text = describe_error (title, message);

      gtk_label_set_text (self->message_label, text);
    }
  gtk_revealer_set_reveal_child (self->message_revealer, message != NULL);
}

void
dh_record_form_set_changed_func (DhRecordForm        *self,
                                 DhRecordFormChanged  func,
                                 gpointer             user_data)
{
  self->changed = func;
  self->changed_data = user_data;
}

static gboolean
set_contains (json_object *set,
              const char  *code)
{
  for (size_t i = 0; set != NULL && i < json_object_array_length (set); i++)
    {
      if (g_strcmp0 (json_object_get_string (json_object_array_get_idx (set, i)), code) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Shows @record (NULL: a new one, with the widgets as they are); what the
 * caseworker changes from then on counts as modified. */
void
dh_record_form_load (DhRecordForm *self,
                     json_object  *record)
{
  DhContext *context = dh_edit_dialog_get_context (self->dialog);

  g_clear_pointer (&self->original, json_object_put);
  self->original = record != NULL ? json_object_get (record) : NULL;

  self->loading = TRUE;
  for (guint i = 0; record != NULL && i < self->inputs->len; i++)
    {
      Input *input = g_ptr_array_index (self->inputs, i);
      json_object *value = json_object_object_get (record, input->field);

      switch (input->kind)
        {
        case INPUT_TEXT:
          {
            g_autofree char *text = dh_context_describe_value (context, self->entity, input->field, record);

            gtk_editable_set_text (GTK_EDITABLE (input->widget), text != NULL ? text : "");
          }
          break;

        case INPUT_CHOICE:
          dh_field_choice_set_code (G_OBJECT (input->widget), json_object_get_string (value));
          break;

        case INPUT_SWITCH:
          gtk_switch_set_active (GTK_SWITCH (input->widget), json_object_get_boolean (value));
          break;

        case INPUT_CODE_SET:
          for (guint j = 0; j < input->checks->len; j++)
            {
              GtkCheckButton *check = g_ptr_array_index (input->checks, j);

              gtk_check_button_set_active (check, set_contains (value, g_object_get_data (G_OBJECT (check), "dh-code")));
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }
  self->loading = FALSE;

  dh_edit_dialog_set_modified (self->dialog, FALSE);
}

GtkWidget *
dh_record_form_get_widget (DhRecordForm *self,
                           const char   *field)
{
  Input *input = find_input (self, field);

  return input != NULL ? input->widget : NULL;
}

static json_object *
input_value (Input *input)
{
  switch (input->kind)
    {
    case INPUT_TEXT:
      return check_text (input);

    case INPUT_CHOICE:
      {
        const char *code = dh_field_choice_get_code (G_OBJECT (input->widget));

        return code != NULL ? json_object_new_string (code) : NULL;
      }

    case INPUT_SWITCH:
      return json_object_new_boolean (gtk_switch_get_active (GTK_SWITCH (input->widget)));

    case INPUT_CODE_SET:
      {
        json_object *set = json_object_new_array ();

        for (guint j = 0; j < input->checks->len; j++)
          {
            GtkCheckButton *check = g_ptr_array_index (input->checks, j);

            if (gtk_check_button_get_active (check))
              json_object_array_add (set, json_object_new_string (g_object_get_data (G_OBJECT (check), "dh-code")));
          }
        if (json_object_array_length (set) == 0)
          g_clear_pointer (&set, json_object_put);
        return set;
      }

    default:
      g_assert_not_reached ();
    }
}

/**
 * dh_record_form_get_value:
 *
 * Returns: (transfer full) (nullable): @field as the store would keep what
 *   its widget holds now; NULL when it is empty or wrong (its widget then
 *   shows why)
 */
json_object *
dh_record_form_get_value (DhRecordForm *self,
                          const char   *field)
{
  Input *input = find_input (self, field);

  g_return_val_if_fail (input != NULL, NULL);

  return input_value (input);
}

/* Checks every typed field again (one left empty since the dialog opened
 * among them); TRUE when no field of the dialog has an error. */
gboolean
dh_record_form_check_all (DhRecordForm *self)
{
  for (guint i = 0; i < self->inputs->len; i++)
    {
      Input *input = g_ptr_array_index (self->inputs, i);

      if (input->kind == INPUT_TEXT)
        json_object_put (check_text (input));
    }
  dh_record_form_update_message (self);

  return !dh_edit_dialog_has_errors (self->dialog);
}

static gboolean
same_value (const Input *input,
            json_object *before,
            json_object *now)
{
  /* a yes/no never given reads as no */
  if (input->kind == INPUT_SWITCH)
    return json_object_get_boolean (before) == json_object_get_boolean (now);

  if (input->kind == INPUT_CODE_SET)
    {
      size_t n_before = before != NULL ? json_object_array_length (before) : 0;
      size_t n_now = now != NULL ? json_object_array_length (now) : 0;

      if (n_before != n_now)
        return FALSE;
      for (size_t i = 0; i < n_now; i++)
        {
          if (!set_contains (before, json_object_get_string (json_object_array_get_idx (now, i))))
            return FALSE;
        }
      return TRUE;
    }

  return dh_json_equal (before, now);
}

/**
 * dh_record_form_collect:
 * @original: (nullable): the record as it was shown; NULL for a new one
 *
 * Returns: (transfer full): for a new record, every field that has a
 *   value; for @original, only the fields that differ from it (null for
 *   one cleared)
 */
json_object *
dh_record_form_collect (DhRecordForm *self,
                        json_object  *original)
{
  json_object *fields = json_object_new_object ();

  for (guint i = 0; i < self->inputs->len; i++)
    {
      Input *input = g_ptr_array_index (self->inputs, i);
      json_object *value = input_value (input);

      if (original == NULL && value == NULL)
        continue;
      if (original != NULL && same_value (input, json_object_object_get (original, input->field), value))
        {
          json_object_put (value);
          continue;
        }
      json_object_object_add (fields, input->field, value);
    }

  return fields;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* "is not after visited_on; ..." -> "is not after Date of the visit; ...":
 * the other fields a message names, as the dialog names them. */
static char *
name_fields (DhRecordForm *self,
             const char   *message)
{
  GString *words = g_string_new (NULL);
  const char *p = message;

  while (*p != '\0')
    {
      if (is_name_char (*p) && (p == message || !is_name_char (p[-1])))
        {
          const char *end = p;
          Input *named;

          while (is_name_char (*end))
            end++;
          named = memchr (p, '_', (gsize) (end - p)) != NULL ? find_input_len (self, p, (gsize) (end - p)) : NULL;
          if (named != NULL && named->label != NULL)
            g_string_append (words, named->label);
          else
            g_string_append_len (words, p, end - p);
          p = end;
          continue;
        }
      g_string_append_c (words, *p++);
    }

  return g_string_free (words, FALSE);
}

/* Shows a message of the store that names a field of the form on that
 * field's widget. Returns FALSE when it names none. */
gboolean
dh_record_form_show_error (DhRecordForm *self,
                           const GError *error)
{
  g_autofree char *field = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *message = NULL;
  Input *input;

  g_return_val_if_fail (error != NULL, FALSE);

  rest = dh_field_check_message (self->entity, error->message, &field);
  input = find_input (self, field);
  if (input == NULL)
    return FALSE;

  message = name_fields (self, rest);
  dh_edit_dialog_set_field_error (self->dialog, input->widget, message);
  dh_record_form_update_message (self);
  return TRUE;
}

static gboolean
lacks_required (const DhEntity *entity,
                json_object    *record)
{
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const DhField *field = &entity->fields[i];

      if ((field->flags & DH_FIELD_FLAG_REQUIRED) != 0 && (field->flags & DH_FIELD_FLAG_COMPUTED) == 0 &&
          json_object_object_get (record, field->name) == NULL)
        return TRUE;
    }

  return FALSE;
}

/**
 * dh_record_form_check_record:
 * @with: (nullable): fields a new record gets besides the form's
 * @complete: whether a required field left empty is an error yet (at
 *   saving), or is only not ready (while typing)
 *
 * Checks a new record of what the form holds as the store will: each
 * field alone, then the rules across fields, each error on the field it
 * names and every other field cleared; an error about no field of the
 * form goes to the summary.
 *
 * Returns: (transfer full) (nullable): the record as the store would take
 *   it, or NULL when it would not
 */
json_object *
dh_record_form_check_record (DhRecordForm *self,
                             json_object  *with,
                             gboolean      complete)
{
  const DhEntity *entity = dh_entity_lookup (self->entity);
  g_autoptr(json_object) fields = NULL;
  g_autoptr(json_object) record = NULL;
  g_autoptr(GError) error = NULL;
  DhValidator validator;
  gboolean ok;

  g_clear_pointer (&self->form_error, g_free);
  for (guint i = 0; i < self->inputs->len; i++)
    {
      Input *input = g_ptr_array_index (self->inputs, i);

      if (input->kind != INPUT_TEXT)
        dh_edit_dialog_set_field_error (self->dialog, input->widget, NULL);
    }

  /* each typed field alone, its error on it */
  fields = dh_record_form_collect (self, NULL);
  ok = !dh_edit_dialog_has_errors (self->dialog);
  if (with != NULL)
    {
      json_object_object_foreach (with, key, value)
        json_object_object_add (fields, key, json_object_get (value));
    }

  dh_field_check_init_validator (dh_edit_dialog_get_context (self->dialog), &validator);
  if (ok && !dh_entity_normalize_fields (entity, fields, FALSE, &validator, &record, &error))
    ok = FALSE;
  else if (ok && !complete && lacks_required (entity, record))
    {
      /* not ready to save, but what spans fields is said already */
      if (entity->check != NULL && !entity->check (entity, record, &validator, &error))
        dh_record_form_show_error (self, error);
      ok = FALSE;
    }
  else if (ok && !dh_entity_check_record (entity, record, &validator, &error))
    ok = FALSE;

  if (error != NULL && !dh_record_form_show_error (self, error))
    self->form_error = g_strdup (error->message);

  dh_record_form_update_message (self);

  return ok ? g_steal_pointer (&record) : NULL;
}

/* The record as it was loaded; NULL for a new one. */
json_object *
dh_record_form_get_original (DhRecordForm *self)
{
  return self->original;
}

/* The id of the record written, once it is. */
const char *
dh_record_form_get_saved_id (DhRecordForm *self)
{
  return self->saved != NULL ? dh_json_get_string (self->saved, DH_RECORD_ID) : NULL;
}

/* Returns: (transfer none) (nullable): the record as written, once it is */
json_object *
dh_record_form_get_saved (DhRecordForm *self)
{
  return self->saved;
}

/**
 * dh_record_form_write:
 * @with: (nullable): fields a new record gets besides the form's (the
 *   household a member belongs to)
 *
 * Writes a new record with what the form holds, or an update of the
 * loaded one with only the fields changed (nothing at all when none
 * did). Refused while a field has an error; a message of the store that
 * names a field goes on that field.
 */
gboolean
dh_record_form_write (DhRecordForm  *self,
                      json_object   *with,
                      GError       **error)
{
  DhStore *store = dh_context_get_store (dh_edit_dialog_get_context (self->dialog));
  g_autoptr(json_object) fields = NULL;
  g_autoptr(json_object) written = NULL;
  g_autoptr(GError) local_error = NULL;

  if (dh_edit_dialog_has_errors (self->dialog))
    {
      g_set_error_literal (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                           _("A field is not right yet; each one marked in red says how to correct it."));
      return FALSE;
    }

  fields = dh_record_form_collect (self, self->original);
  if (self->original == NULL)
    {
      if (with != NULL)
        {
          json_object_object_foreach (with, key, value)
            json_object_object_add (fields, key, json_object_get (value));
        }
      written = dh_store_create (store, self->entity, fields, &local_error);
    }
  else if (json_object_object_length (fields) > 0)
    written = dh_store_update (store, self->entity, dh_json_get_string (self->original, DH_RECORD_ID), fields, &local_error);
  else
    written = json_object_get (self->original);   /* nothing changed: nothing to write */

  if (written == NULL)
    {
      /* the message names the field as the dialog does */
      if (dh_record_form_show_error (self, local_error) && self->message_label != NULL)
        {
          g_free (local_error->message);
          local_error->message = g_strdup (gtk_label_get_text (self->message_label));
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_clear_pointer (&self->saved, json_object_put);
  self->saved = g_steal_pointer (&written);

  return TRUE;
}

/* The dialog's title: @new_title for a new record; @edit_title for one
 * loaded, over the name it has in @name_field. */
void
dh_record_form_show_title (DhRecordForm   *self,
                           AdwWindowTitle *title,
                           const char     *new_title,
                           const char     *edit_title,
                           const char     *name_field)
{
  const char *words = self->original != NULL ? edit_title : new_title;

  gtk_window_set_title (GTK_WINDOW (self->dialog), words);
  adw_window_title_set_title (title, words);
  adw_window_title_set_subtitle (title, self->original != NULL ? dh_json_get_string (self->original, name_field) : NULL);
}
