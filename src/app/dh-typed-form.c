/* dh-typed-form.c – a dialog's fields checked by the rules the store applies, each error shown on its field */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-typed-form"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "dh-autocleanups.h"
#include "dh-entity.h"
#include "dh-money.h"
#include "dh-typed-form.h"

/* A dialog never repeats a rule of src/common: what is typed is checked by
 * the very functions the store calls, field by field and then as a record,
 * and each message (the store's own words) goes on the field it names, with
 * the field names of the data dictionary in it replaced by the labels the
 * dialog shows. */
typedef struct
{
  const DhField *field;
  GtkWidget     *widget;
  char          *label;    /* the row's title, without its mnemonic mark
                            * nor a closing "(optional)"; another widget's
                            * tooltip as it was when it was added */
} FormField;

struct _DhTypedForm
{
  DhEditDialog   *dialog;   /* owns the form */
  const DhEntity *entity;
  GtkLabel       *summary;  /* every error in words, under the fields */
  GArray         *fields;   /* FormField, in the order of the dialog */
};

static void
form_field_clear (gpointer data)
{
  FormField *form_field = data;

  g_free (form_field->label);
}

/**
 * dh_typed_form_new:
 * @dialog: the dialog that owns the form and shows its errors
 * @entity: the kind of record the dialog makes ("visit", "support")
 * @summary: (nullable): a label that lists every error in words, so that
 *   they are read without hovering over a field
 */
DhTypedForm *
dh_typed_form_new (DhEditDialog *dialog,
                    const char   *entity,
                    GtkLabel     *summary)
{
  DhTypedForm *self = g_new0 (DhTypedForm, 1);

  self->dialog = dialog;
  self->entity = dh_entity_lookup (entity);
  self->summary = summary;
  self->fields = g_array_new (FALSE, TRUE, sizeof (FormField));
  g_array_set_clear_func (self->fields, form_field_clear);
  g_assert (self->entity != NULL);

  return self;
}

void
dh_typed_form_free (DhTypedForm *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->fields);
  g_free (self);
}

static char *
widget_label (GtkWidget *widget)
{
  const char *title = ADW_IS_PREFERENCES_ROW (widget)
                      ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))
                      : gtk_widget_get_tooltip_text (widget);
  GString *label = g_string_new (NULL);

  for (const char *p = title; p != NULL && *p != '\0'; p++)
    {
      /* "_Date" reads "Date"; "__" is a written underscore */
      if (*p == '_' && p[1] == '_')
        p++;
      else if (*p == '_')
        continue;
      g_string_append_c (label, *p);
    }

  /* "Next visit (optional)" is the next visit in a message about it */
  if (label->len > 0 && label->str[label->len - 1] == ')' && strstr (label->str, " (") != NULL)
    g_string_truncate (label, (gsize) (strstr (label->str, " (") - label->str));

  return g_string_free (label, FALSE);
}

static void
on_widget_changed (DhEditDialog *dialog)
{
  dh_edit_dialog_set_modified (dialog, TRUE);
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

/* @widget shows the value and the errors of @field. */
void
dh_typed_form_add (DhTypedForm *self,
                    const char   *field,
                    GtkWidget    *widget)
{
  FormField form_field = { 0 };

  g_return_if_fail (self != NULL);
  g_return_if_fail (GTK_IS_WIDGET (widget));

  form_field.field = dh_entity_get_field (self->entity, field);
  g_return_if_fail (form_field.field != NULL);
  form_field.widget = widget;
  form_field.label = widget_label (widget);
  g_array_append_val (self->fields, form_field);

  if (form_field.field->type == DH_FIELD_MONEY && GTK_IS_EDITABLE (widget))
    {
      GtkEventController *focus = gtk_event_controller_focus_new ();

      g_signal_connect (focus, "leave", G_CALLBACK (on_money_field_left), NULL);
      gtk_widget_add_controller (widget, focus);
    }
}

/**
 * dh_typed_form_watch:
 * @changed: called with @instance when any field of the form changes
 *
 * From now on, anything typed or chosen in the form's fields counts as a
 * change to ask about before closing, and calls @changed (which checks
 * the record again). Call it once the fields hold their first values.
 */
void
dh_typed_form_watch (DhTypedForm *self,
                      GCallback     changed,
                      gpointer      instance)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->fields->len; i++)
    {
      GtkWidget *widget = g_array_index (self->fields, FormField, i).widget;
      const char *signal = GTK_IS_EDITABLE (widget) ? "changed" : "notify::selected";

      g_signal_connect_object (widget, signal, G_CALLBACK (on_widget_changed), self->dialog, G_CONNECT_SWAPPED);
      g_signal_connect_object (widget, signal, changed, instance, G_CONNECT_SWAPPED);
    }
}

static FormField *
find_field (DhTypedForm *self,
            const char   *name,
            gsize         length)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      FormField *form_field = &g_array_index (self->fields, FormField, i);

      if (strlen (form_field->field->name) == length && strncmp (form_field->field->name, name, length) == 0)
        return form_field;
    }

  return NULL;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* "next_visit_on: is not after visited_on; ..." → on the next visit's
 * field: "is not after Date of visit; ...". */
static char *
field_message (DhTypedForm  *self,
               const char    *message,
               FormField    **out_field)
{
  const char *colon = strstr (message, ": ");
  GString *words = g_string_new (NULL);
  const char *p;

  *out_field = NULL;
  if (colon != NULL)
    *out_field = find_field (self, message, (gsize) (colon - message));
  p = *out_field != NULL ? colon + 2 : message;

  while (*p != '\0')
    {
      if (is_name_char (*p) && (p == message || !is_name_char (p[-1])))
        {
          const char *end = p;
          FormField *named;

          while (is_name_char (*end))
            end++;
          named = memchr (p, '_', (gsize) (end - p)) != NULL ? find_field (self, p, (gsize) (end - p)) : NULL;
          if (named != NULL)
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

static void
update_summary (DhTypedForm *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->summary == NULL)
    return;

  for (guint i = 0; i < self->fields->len; i++)
    {
      FormField *form_field = &g_array_index (self->fields, FormField, i);
      const char *message = dh_edit_dialog_get_field_error (self->dialog, form_field->widget);

      if (message == NULL)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%s: %s", form_field->label, message);
    }

  gtk_label_set_text (self->summary, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->summary), text->len > 0);
}

/**
 * dh_typed_form_show_error:
 *
 * Shows @error (from src/common or the store) on the field it names.
 * Returns FALSE when it names none of the form's fields.
 */
gboolean
dh_typed_form_show_error (DhTypedForm *self,
                           const GError *error)
{
  g_autofree char *message = NULL;
  FormField *form_field;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error != NULL, FALSE);

  message = field_message (self, error->message, &form_field);
  if (form_field == NULL)
    return FALSE;

  dh_edit_dialog_set_field_error (self->dialog, form_field->widget, message);
  update_summary (self);

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
 * dh_typed_form_check:
 * @input: the fields as typed: text as written ("1.500.000", "24/11/2026"),
 *   codes as chosen; a field left empty is absent
 * @complete: whether a required field left empty is an error yet (at
 *   saving), or is only not ready (while typing)
 *
 * Checks @input as the store will, each error on its field and every
 * other field cleared. Returns: (transfer full) (nullable): the record as
 * the store would take it, or NULL when it would not.
 */
json_object *
dh_typed_form_check (DhTypedForm *self,
                      json_object  *input,
                      gboolean      complete)
{
  DhContext *context = dh_edit_dialog_get_context (self->dialog);
  g_autoptr(json_object) record = NULL;
  g_autoptr(GError) error = NULL;
  DhValidator validator;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->fields->len; i++)
    dh_edit_dialog_set_field_error (self->dialog, g_array_index (self->fields, FormField, i).widget, NULL);

  dh_validator_init (&validator);
  dh_store_get_today (dh_context_get_store (context), &validator.today);
  validator.catalogues = dh_context_get_catalogues (context);

  {
    json_object_object_foreach (input, key, value)
      {
        const DhField *field = dh_entity_get_field (self->entity, key);
        g_autoptr(json_object) normalized = NULL;
        g_autoptr(GError) field_error = NULL;

        g_assert (field != NULL);
        if (!dh_field_normalize_value (field, value, &validator, &normalized, &field_error))
          {
            dh_typed_form_show_error (self, field_error);
            ok = FALSE;
          }
      }
  }

  if (ok && !dh_entity_normalize_fields (self->entity, input, FALSE, &validator, &record, &error))
    ok = FALSE;
  else if (ok && !complete && lacks_required (self->entity, record))
    {
      /* not ready to save, but what spans fields is said already */
      if (self->entity->check != NULL && !self->entity->check (self->entity, record, &validator, &error))
        dh_typed_form_show_error (self, error);
      ok = FALSE;
    }
  else if (ok && !dh_entity_check_record (self->entity, record, &validator, &error))
    ok = FALSE;

  if (error != NULL && !dh_typed_form_show_error (self, error))
    {
      /* a rule about no field of the form: said under the fields */
      if (self->summary != NULL)
        {
          gtk_label_set_text (self->summary, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->summary), TRUE);
        }
      return NULL;
    }

  update_summary (self);

  return ok ? g_steal_pointer (&record) : NULL;
}

/* Adds what @editable holds to @input as @field; an empty text is no value. */
void
dh_typed_form_set_text (json_object *input,
                         const char  *field,
                         GtkEditable *editable)
{
  const char *text = gtk_editable_get_text (editable);
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  if (trimmed[0] != '\0')
    json_object_object_add (input, field, json_object_new_string (text));
}

/**
 * dh_typed_form_save:
 *
 * Checks @input as a whole and writes it to the store as a new record.
 * What the store refuses about a field is shown on that field. Returns:
 * (transfer full) (nullable): the record as stored, or NULL with @error set.
 */
json_object *
dh_typed_form_save (DhTypedForm  *self,
                     json_object   *input,
                     GError       **error)
{
  DhStore *store = dh_context_get_store (dh_edit_dialog_get_context (self->dialog));
  g_autoptr(json_object) record = NULL;
  g_autoptr(GError) local_error = NULL;
  json_object *created;

  g_return_val_if_fail (self != NULL, NULL);

  record = dh_typed_form_check (self, input, TRUE);
  if (record == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Some of what was typed cannot be saved yet; the message under the fields says what to change."));
      return NULL;
    }

  created = dh_store_create (store, self->entity->name, record, &local_error);
  if (created == NULL)
    {
      dh_typed_form_show_error (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return created;
}

/* The widget that shows @field (for tests, and to put the focus on it). */
GtkWidget *
dh_typed_form_get_widget (DhTypedForm *self,
                           const char   *field)
{
  FormField *form_field;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  form_field = find_field (self, field, strlen (field));

  return form_field != NULL ? form_field->widget : NULL;
}
