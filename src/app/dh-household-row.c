/* dh-household-row.c – one household in the list: head, village, class, last visit, sync state */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-household-row"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-app-format.h"
#include "dh-household-row.h"

struct _DhHouseholdRow
{
  GtkBox    parent_instance;

  GtkLabel *name_label;
  GtkLabel *detail_label;
  GtkLabel *visit_label;
  GtkLabel *class_label;
  GtkImage *sync_image;

  const char *sync_words; /* what the badge says (a translated string) */
  const char *badge;      /* the class badge's style class, or NULL */
  DhContext *context;   /* whose badges and last visits the row follows */
  DhRecord  *record;
  DhSlot    *slot;      /* a search's result the row follows, or NULL */
  char      *waiting_visit;    /* the household whose last visit is being read */
  char      *visit_shown_for;  /* the household whose last visit the label says */
  gboolean   deferred;         /* the record is kept, not shown yet (see _defer_record()) */
};

G_DEFINE_FINAL_TYPE (DhHouseholdRow, dh_household_row, GTK_TYPE_BOX)

static gboolean on_badge_query_tooltip (DhHouseholdRow *self,
                                        int             x,
                                        int             y,
                                        gboolean        keyboard,
                                        GtkTooltip     *tooltip);

/* A row is bound again and again, as the list scrolls and as a search's
 * results change: a label given the words it shows already is still laid
 * out again, its text shaped anew. */
static void
set_label_text (GtkLabel   *label,
                const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

static void
dh_household_row_dispose (GObject *object)
{
  DhHouseholdRow *self = DH_HOUSEHOLD_ROW (object);

  g_clear_object (&self->slot);
  g_clear_object (&self->context);
  g_clear_object (&self->record);

  G_OBJECT_CLASS (dh_household_row_parent_class)->dispose (object);
}

static void
on_last_visits_read (DhHouseholdRow *self)
{
  g_autofree char *last_visit = NULL;

  if (self->waiting_visit == NULL)
    return;
  last_visit = dh_app_describe_last_visit_if_known (self->context, self->waiting_visit);
  if (last_visit == NULL)
    return;
  set_label_text (self->visit_label, last_visit);
  g_free (self->visit_shown_for);
  self->visit_shown_for = g_steal_pointer (&self->waiting_visit);
}

static void
dh_household_row_finalize (GObject *object)
{
  DhHouseholdRow *self = DH_HOUSEHOLD_ROW (object);

  g_free (self->waiting_visit);
  g_free (self->visit_shown_for);
  G_OBJECT_CLASS (dh_household_row_parent_class)->finalize (object);
}

static void
dh_household_row_class_init (DhHouseholdRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dh_household_row_dispose;
  object_class->finalize = dh_household_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-household-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdRow, visit_label);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdRow, class_label);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdRow, sync_image);
}

static void
dh_household_row_init (DhHouseholdRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->sync_image), TRUE);
  g_signal_connect_swapped (self->sync_image, "query-tooltip", G_CALLBACK (on_badge_query_tooltip), self);
}

GtkWidget *
dh_household_row_new (void)
{
  return g_object_new (DH_TYPE_HOUSEHOLD_ROW, NULL);
}

static const char * const badge_classes[] = { "poor", "near-poor", "escaped", NULL };

static void
set_class_badge (DhHouseholdRow *self,
                 DhContext      *context,
                 json_object    *household)
{
  const char *code = dh_json_get_string (household, "classification");
  g_autofree char *label = dh_context_describe_value (context, "household", "classification", household);
  const char *badge = NULL;

  if (g_strcmp0 (code, "poor") == 0)
    badge = badge_classes[0];
  else if (g_strcmp0 (code, "near_poor") == 0)
    badge = badge_classes[1];
  else if (g_strcmp0 (code, "escaped_poor") == 0 || g_strcmp0 (code, "escaped_near_poor") == 0)
    badge = badge_classes[2];

  /* a style class changed, even to itself, restyles the label */
  if (badge != self->badge)
    {
      if (self->badge != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self->class_label), self->badge);
      if (badge != NULL)
        gtk_widget_add_css_class (GTK_WIDGET (self->class_label), badge);
      self->badge = badge;
    }
  set_label_text (self->class_label, label != NULL ? label : "");
  gtk_widget_set_visible (GTK_WIDGET (self->class_label), label != NULL);
}

static gboolean
on_badge_query_tooltip (DhHouseholdRow *self,
                        int             x,
                        int             y,
                        gboolean        keyboard,
                        GtkTooltip     *tooltip)
{
  if (self->sync_words == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, self->sync_words);
  return TRUE;
}

static void
show_sync_badge (DhHouseholdRow *self)
{
  DhRecordSync sync;
  const char *sync_icon;
  const char *sync_words;

  if (self->record == NULL || !dh_record_is_loaded (self->record) || self->deferred)
    return;

  /* the refused changes are read once for every row, not once per row */
  sync = dh_context_get_record_sync (self->context, dh_record_get_json (self->record));
  dh_app_sync_state (sync, &sync_icon, &sync_words);
  if (g_strcmp0 (gtk_image_get_icon_name (self->sync_image), sync_icon) != 0)
    gtk_image_set_from_icon_name (self->sync_image, sync_icon);
  if (sync == DH_RECORD_SYNC_REJECTED)
    gtk_widget_add_css_class (GTK_WIDGET (self->sync_image), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sync_image), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->sync_image), TRUE);
  /* on X11, setting a tooltip asks the server where the pointer is and
   * waits for the answer: the badge's is asked for when it shows; its
   * name for a screen reader is set only when its words change */
  if (sync_words == self->sync_words)
    return;
  self->sync_words = sync_words;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sync_image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, sync_words,
                                  -1);
}

static void
follow_context (DhHouseholdRow *self,
                DhContext      *context)
{
  if (self->context == context)
    return;

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_set_object (&self->context, context);
  if (context != NULL)
    {
      g_signal_connect_object (context, "badges-changed", G_CALLBACK (show_sync_badge),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (context, "last-visits-read", G_CALLBACK (on_last_visits_read),
                               self, G_CONNECT_SWAPPED);
    }
}

/**
 * dh_household_row_set_record:
 * @record: (nullable): the household, or NULL while the row is recycled
 *
 * Shows @record; a record still being read shows as such, never as an id.
 */
void
dh_household_row_set_record (DhHouseholdRow *self,
                             DhContext      *context,
                             DhRecord       *record)
{
  json_object *household;
  json_object *matched = NULL;
  g_autofree char *village = NULL;
  g_autofree char *last_visit = NULL;
  g_autofree char *detail = NULL;

  g_return_if_fail (DH_IS_HOUSEHOLD_ROW (self));

  g_set_object (&self->record, record);
  self->deferred = FALSE;
  follow_context (self, context);

  if (record == NULL || !dh_record_is_loaded (record))
    {
      g_clear_pointer (&self->waiting_visit, g_free);
      g_clear_pointer (&self->visit_shown_for, g_free);
      set_label_text (self->name_label, _("Reading…"));
      set_label_text (self->detail_label, "");
      set_label_text (self->visit_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->class_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->sync_image), FALSE);
      return;
    }

  household = dh_record_get_json (record);
  set_label_text (self->name_label, dh_json_get_string (household, "head_name"));

  village = dh_context_describe_value (context, "household", "village", household);
  if (json_object_object_get_ex (household, "matched", &matched)
      && g_strcmp0 (dh_json_get_string (matched, "role"), "head") != 0
      && dh_json_get_string (matched, "name") != NULL)
    /* Translators: the village, then the member whose name matched the search */
    detail = g_strdup_printf (_("%s · found: %s"), village, dh_json_get_string (matched, "name"));
  else if (dh_json_get_string (household, "code") != NULL)
    detail = g_strdup_printf ("%s · %s", village, dh_json_get_string (household, "code"));
  else
    detail = g_steal_pointer (&village);
  set_label_text (self->detail_label, detail);

  /* never a read of the store while rows are bound: shown when it is
   * known. The dates are forgotten at every page a sync writes, and GTK
   * binds a row again whenever its position moves: the date of the
   * household the row already shows stays until it is read again, rather
   * than every row's label emptied and filled in again, each shaped twice. */
  last_visit = dh_app_describe_last_visit_if_known (context, dh_record_get_id (record));
  g_clear_pointer (&self->waiting_visit, g_free);
  if (last_visit != NULL)
    {
      set_label_text (self->visit_label, last_visit);
      g_free (self->visit_shown_for);
      self->visit_shown_for = g_strdup (dh_record_get_id (record));
    }
  else
    {
      if (g_strcmp0 (self->visit_shown_for, dh_record_get_id (record)) != 0)
        {
          set_label_text (self->visit_label, "");
          g_clear_pointer (&self->visit_shown_for, g_free);
        }
      self->waiting_visit = g_strdup (dh_record_get_id (record));
    }

  set_class_badge (self, context, household);

  show_sync_badge (self);
}

/**
 * dh_household_row_defer_record:
 * @record: the household the row is for
 *
 * Keeps @record for the row without showing it yet, for a row far from
 * the rows in view: GTK 4.8's list view keeps and binds a row for up to
 * 200 items around them, and binds most of them again at each frame of
 * a scrollbar dragged over a long list, each label shaped for the frame's
 * layout. The row shows nothing until dh_household_row_show_deferred();
 * a row that shows @record already goes on showing it.
 */
void
dh_household_row_defer_record (DhHouseholdRow *self,
                               DhContext      *context,
                               DhRecord       *record)
{
  g_return_if_fail (DH_IS_HOUSEHOLD_ROW (self));

  follow_context (self, context);
  if (record == self->record)
    return;

  g_set_object (&self->record, record);
  self->deferred = TRUE;
  g_clear_pointer (&self->waiting_visit, g_free);
  g_clear_pointer (&self->visit_shown_for, g_free);
  set_label_text (self->name_label, "");
  set_label_text (self->detail_label, "");
  set_label_text (self->visit_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->class_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_image), FALSE);
}

/* Shows the record kept by dh_household_row_defer_record(), if any;
 * whether the row was waiting for it. */
gboolean
dh_household_row_show_deferred (DhHouseholdRow *self)
{
  g_return_val_if_fail (DH_IS_HOUSEHOLD_ROW (self), FALSE);

  if (!self->deferred)
    return FALSE;
  dh_household_row_set_record (self, self->context, self->record);
  return TRUE;
}

gboolean
dh_household_row_is_deferred (DhHouseholdRow *self)
{
  g_return_val_if_fail (DH_IS_HOUSEHOLD_ROW (self), FALSE);

  return self->deferred;
}

/* The household the row shows, or NULL while it is being read (for tests). */
const char *
dh_household_row_get_household_id (DhHouseholdRow *self)
{
  g_return_val_if_fail (DH_IS_HOUSEHOLD_ROW (self), NULL);

  if (self->record == NULL || !dh_record_is_loaded (self->record))
    return NULL;
  return dh_record_get_id (self->record);
}

/* What the sync badge says, as its tooltip and to a screen reader. */
const char *
dh_household_row_get_sync_words (DhHouseholdRow *self)
{
  g_return_val_if_fail (DH_IS_HOUSEHOLD_ROW (self), NULL);

  return self->sync_words;
}

static void
on_slot_item_changed (DhHouseholdRow *self)
{
  dh_household_row_set_record (self, self->context, dh_slot_get_item (self->slot));
}

/**
 * dh_household_row_follow_slot:
 * @slot: (nullable): a search's result, or NULL while the row is recycled
 *
 * Shows the household @slot holds, and the next ones it holds: the row is
 * bound again as the results change rather than made anew.
 */
void
dh_household_row_follow_slot (DhHouseholdRow *self,
                              DhContext      *context,
                              DhSlot         *slot)
{
  g_return_if_fail (DH_IS_HOUSEHOLD_ROW (self));
  g_return_if_fail (slot == NULL || DH_IS_SLOT (slot));

  if (self->slot != NULL)
    g_signal_handlers_disconnect_by_func (self->slot, on_slot_item_changed, self);
  g_set_object (&self->slot, slot);
  if (slot == NULL)
    return;

  g_signal_connect_object (slot, "notify::item", G_CALLBACK (on_slot_item_changed), self, G_CONNECT_SWAPPED);
  dh_household_row_set_record (self, context, dh_slot_get_item (slot));
}
