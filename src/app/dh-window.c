/* dh-window.c – the main window: the households of the commune beside the one chosen */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-conflicts-window.h"
#include "dh-reports-window.h"
#include "dh-demo.h"
#include "dh-entity.h"
#include "dh-field-choice.h"
#include "dh-household-dialog.h"
#include "dh-household-page.h"
#include "dh-household-row.h"
#include "dh-import-dialog.h"
#include "dh-plan-dialog.h"
#include "dh-member-dialog.h"
#include "dh-record-actions.h"
#include "dh-record-list.h"
#include "dh-rejected-dialog.h"
#include "dh-review-dialog.h"
#include "dh-slot-model.h"
#include "dh-sync-button.h"
#include "dh-window.h"

#define SEARCH_LIMIT 200   /* households a search shows at most */
/* the rows of a search's results bound again in one frame at most: the
 * list view lays out again, in the frame, every row whose words changed,
 * the 200 it keeps whether they show or not */
#define RESULT_ROWS_A_FRAME 16
/* libadwaita 1.2 crashes when a toast is dismissed while it is still
 * being shown (its animation's "done" closure is freed under it): a toast
 * is dismissed only this long after it was added */
#define TOAST_SETTLE_MS 600

struct _DhWindow
{
  AdwApplicationWindow  parent_instance;

  /* template */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwStatusPage        *welcome_page;
  AdwStatusPage        *error_page;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  GtkSearchEntry       *search_entry;
  GtkDropDown          *village_dropdown;
  GtkDropDown          *class_dropdown;
  GtkMenuButton        *filters_button;
  GtkDropDown          *caseworker_dropdown;
  GtkCheckButton       *overdue_check;
  GtkSpinButton        *overdue_days;
  GtkStack             *list_stack;
  GtkListView          *households_view;
  GPtrArray            *deferred_items;  /* GtkListItem whose rows wait to be in view */
  GtkListView          *results_view;
  AdwStatusPage        *empty_list_page;
  GtkLabel             *count_label;
  AdwWindowTitle       *content_title;
  GtkStack             *content_stack;
  DhHouseholdPage      *household_page;
  DhSyncButton         *sync_button;
  GtkInfoBar           *clock_bar;
  GtkLabel             *clock_label;

  DhApplication        *application;
  DhContext            *context;
  GtkSingleSelection   *selection;      /* over the list of households */
  GtkSingleSelection   *results_selection; /* over slots of what a search found, in a view of its own */
  DhSlotModel          *result_slots;   /* the rows of the results, following them a frame at a time */
  guint                 catch_up_tick;  /* while the rows lag behind the results */
  gboolean              showing_results;
  DhRecordList         *records;        /* the list, filtered, when nothing is searched */
  gboolean              records_filtered_again; /* the filters changed since it was made */
  gboolean              records_stale;  /* the store changed while a search showed */
  gboolean              reloading;      /* a reload of the list is under way */
  gboolean              reload_again;   /* and the store changed since it began */
  GListStore           *results;        /* what a search found */
  GPtrArray            *caseworkers;    /* the caseworker dropdown's positions; [0] is NULL: all */
  gboolean              caseworkers_reading; /* they are read again off this thread */
  gboolean              caseworkers_again;   /* and households changed since that began */
  AdwToast             *undo_toast;     /* the last toast that offers to undo a deletion */
  GCancellable         *search_cancellable;
  GCancellable         *work_cancellable;
  GCancellable         *export_cancellable; /* the export under way, or NULL */
  AdwToast             *export_toast;       /* and the toast that says how far it is */
  AdwToast             *sync_toast;     /* the last toast that told how a sync went */
  gboolean              clock_dismissed; /* the clock's warning was closed for this run */
  guint                 pending;        /* reads under way */
  gboolean              search_more;    /* the search found more than it shows */
};

G_DEFINE_FINAL_TYPE (DhWindow, dh_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_APPLICATION_OBJECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void     show_list        (DhWindow  *self);
static void     reload_list      (DhWindow  *self);
static void     refresh_caseworkers (DhWindow *self);

static void
toast (DhWindow   *self,
       const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* A store error reaches the caseworker as words, never as a console line. */
static void
toast_error (DhWindow     *self,
             const GError *error)
{
  AdwToast *message = adw_toast_new (error->message);

  adw_toast_set_timeout (message, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, message);
}

/* ---- the list --------------------------------------------------------- */

static const char *
selected_village (DhWindow *self)
{
  return dh_field_choice_get_code (G_OBJECT (self->village_dropdown));
}

static const char *
selected_class (DhWindow *self)
{
  return dh_field_choice_get_code (G_OBJECT (self->class_dropdown));
}

/* What the sidebar shows: what a search found, or the list of households. */
static GListModel *
shown_model (DhWindow *self)
{
  return self->showing_results ? G_LIST_MODEL (self->results)
                               : gtk_single_selection_get_model (self->selection);
}

static void
update_count (DhWindow *self)
{
  GListModel *model = shown_model (self);
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;
  g_autofree char *text = NULL;
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (search[0] != '\0' && self->search_more)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The first %u household found; type more of the name to find the others",
                                         "The first %u households found; type more of the name to find the others", n), n);
  else if (search[0] != '\0')
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u household found", "%u households found", n), n);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u household", "%u households", n), n);

  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->list_stack, n == 0 ? "empty" : self->showing_results ? "results" : "list");
  /* set only when shown: a new description is laid out again, wrapped */
  if (n == 0)
    adw_status_page_set_description (self->empty_list_page,
                                     search[0] != '\0'
                                     ? _("No household has that name, code, citizen ID or phone. Check the spelling; marks may be left out.")
                                     : _("No household fits the village, class and filters chosen."));
}

/* Shows @model: the search's results in their own view, so that the list
 * of 100,000 households keeps its view, its rows and its place while a
 * search shows, and comes back at once when the search is emptied. */
static void
set_model (DhWindow   *self,
           GListModel *model)
{
  self->showing_results = model == G_LIST_MODEL (self->results);
  if (!self->showing_results && gtk_single_selection_get_model (self->selection) != model)
    gtk_single_selection_set_model (self->selection, model);
  update_count (self);
}

static void
on_items_changed (DhWindow *self)
{
  update_count (self);
}

static const char *
selected_caseworker (DhWindow *self)
{
  guint position = gtk_drop_down_get_selected (self->caseworker_dropdown);

  if (self->caseworkers == NULL || position == GTK_INVALID_LIST_POSITION || position >= self->caseworkers->len)
    return NULL;

  return g_ptr_array_index (self->caseworkers, position);
}

/* 0 when households are listed however long ago they were visited */
static guint
selected_overdue_days (DhWindow *self)
{
  if (!gtk_check_button_get_active (self->overdue_check))
    return 0;

  return (guint) gtk_spin_button_get_value_as_int (self->overdue_days);
}

/* The filters of the "Filters" popover, as the store reads them; the
 * button shows when one is on, since the popover hides them. */
static void
add_more_filters (DhWindow  *self,
                  GPtrArray *filters)
{
  const char *caseworker = selected_caseworker (self);
  guint days = selected_overdue_days (self);

  if (caseworker != NULL)
    g_ptr_array_add (filters, g_strdup_printf ("assigned_to=%s", caseworker));
  if (days > 0)
    g_ptr_array_add (filters, g_strdup_printf ("%s=%u", DH_FILTER_NOT_VISITED_FOR, days));

  if (caseworker != NULL || days > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->filters_button), "accent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filters_button), "accent");
}

static gboolean
reload_records (DhWindow  *self,
                GError   **error)
{
  g_autoptr(GPtrArray) filters = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DhRecordList) records = NULL;
  const char *village = selected_village (self);
  const char *klass = selected_class (self);

  if (village != NULL)
    g_ptr_array_add (filters, g_strdup_printf ("village=%s", village));
  if (klass != NULL)
    g_ptr_array_add (filters, g_strdup_printf ("classification=%s", klass));
  add_more_filters (self, filters);
  g_ptr_array_add (filters, NULL);

  records = dh_record_list_new (dh_context_get_store (self->context), "household",
                                (const char * const *) filters->pdata, DH_SORT_GIVEN_NAME, error);
  if (records == NULL)
    return FALSE;

  if (self->records != NULL)
    g_signal_handlers_disconnect_by_func (self->records, on_items_changed, self);
  g_set_object (&self->records, records);
  g_signal_connect_object (self->records, "items-changed", G_CALLBACK (on_items_changed),
                           self, G_CONNECT_SWAPPED);

  return TRUE;
}

/* A search's results, with the village and class chosen applied to them. */
static gboolean
result_passes_filters (DhWindow    *self,
                       json_object *household)
{
  const char *village = selected_village (self);
  const char *klass = selected_class (self);
  const char *caseworker = selected_caseworker (self);

  return (village == NULL || g_strcmp0 (dh_json_get_string (household, "village"), village) == 0)
         && (klass == NULL || g_strcmp0 (dh_json_get_string (household, "classification"), klass) == 0)
         && (caseworker == NULL || g_strcmp0 (dh_json_get_string (household, "assigned_to"), caseworker) == 0);
}

/* The households waiting for a visit, when that filter is on: a search's
 * results are read from the search index, which knows nothing of visits. */
static GHashTable *
overdue_households (DhWindow  *self,
                    GError   **error)
{
  g_autofree char *filter = g_strdup_printf ("%s=%u", DH_FILTER_NOT_VISITED_FOR, selected_overdue_days (self));
  const char *filters[] = { filter, NULL };
  DhQuery query = { .entity = "household", .filters = filters, .limit = DH_STORE_MAX_LIMIT };
  g_autoptr(GPtrArray) households = NULL;
  GHashTable *ids;

  if (selected_overdue_days (self) == 0)
    return NULL;

  households = dh_store_list (dh_context_get_store (self->context), &query, error);
  if (households == NULL)
    return NULL;

  ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < households->len; i++)
    g_hash_table_add (ids, g_strdup (dh_json_get_string (g_ptr_array_index (households, i), DH_RECORD_ID)));

  return ids;
}

/* Whether the item at POSITION shows the same household, as the same
 * words: its record, and what matched the search in it. */
static gboolean
same_household (GListModel *model,
                guint       position,
                DhRecord   *record)
{
  g_autoptr(DhRecord) shown = g_list_model_get_item (model, position);

  return shown != NULL &&
         g_strcmp0 (json_object_to_json_string (dh_record_get_json (shown)),
                    json_object_to_json_string (dh_record_get_json (record))) == 0;
}

/* The view's rows are slots whose households change in place: a row
 * selected stays selected only while it shows the household chosen. */
static void
unselect_if_replaced (DhWindow *self,
                      DhRecord *selected)
{
  guint position = gtk_single_selection_get_selected (self->results_selection);
  g_autoptr(DhRecord) shown = g_list_model_get_item (G_LIST_MODEL (self->results), position);

  if (shown != NULL && shown != selected)
    gtk_selection_model_unselect_item (GTK_SELECTION_MODEL (self->results_selection), position);
}

static void
search_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DhWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = dh_store_search_households_finish (DH_STORE (source), result, &error);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) overdue = NULL;

  self->pending--;
  if (found == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (found == NULL)
    {
      toast_error (self, error);
      return;
    }

  overdue = overdue_households (self, &error);
  if (overdue == NULL && error != NULL)
    {
      toast_error (self, error);
      return;
    }

  self->search_more = found->len > SEARCH_LIMIT;
  for (guint i = 0; i < found->len && i < SEARCH_LIMIT; i++)
    {
      json_object *household = g_ptr_array_index (found, i);

      if (result_passes_filters (self, household)
          && (overdue == NULL || g_hash_table_contains (overdue, dh_json_get_string (household, DH_RECORD_ID))))
        g_ptr_array_add (records, dh_record_new ("household", household));
    }

  /* one store for every search, and of it only what changed replaced: a
   * letter more mostly keeps the first households found and the last, and
   * the rows that show them are neither released nor bound again */
  {
    GListModel *shown = G_LIST_MODEL (self->results);
    guint old_n = g_list_model_get_n_items (shown);
    guint prefix = 0, suffix = 0;
    g_autoptr(DhRecord) selected = g_list_model_get_item (shown, gtk_single_selection_get_selected (self->results_selection));

    while (prefix < old_n && prefix < records->len && same_household (shown, prefix, g_ptr_array_index (records, prefix)))
      prefix++;
    while (suffix < old_n - prefix && suffix < records->len - prefix &&
           same_household (shown, old_n - 1 - suffix, g_ptr_array_index (records, records->len - 1 - suffix)))
      suffix++;
    if (prefix < old_n || prefix < records->len)
      g_list_store_splice (self->results, prefix, old_n - prefix - suffix,
                           records->pdata + prefix, records->len - prefix - suffix);
    if (selected != NULL)
      unselect_if_replaced (self, selected);
  }
  set_model (self, G_LIST_MODEL (self->results));
}

static void
start_search (DhWindow   *self,
              const char *text)
{
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  self->search_cancellable = g_cancellable_new ();

  self->pending++;
  dh_store_search_households_async (dh_context_get_store (self->context), text, SEARCH_LIMIT + 1,
                                    self->search_cancellable, search_done, g_object_ref (self));
}

static void
show_list (DhWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GError) error = NULL;

  if (self->context == NULL)
    return;

  if (text[0] != '\0')
    {
      start_search (self, text);
      return;
    }

  g_cancellable_cancel (self->search_cancellable);
  self->search_more = FALSE;
  /* the results go with their search, once the list shows: the next
   * search's rows come a few a frame into an empty view, where a view of
   * old results shown again and all replaced at once was laid out again
   * whole, in one frame of 60 to 90 ms (bench-app, typing while a sync
   * writes) */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->results)) > 0)
    {
      set_model (self, gtk_single_selection_get_model (self->selection));
      g_list_store_remove_all (self->results);
    }

  /* back from a search, the list is the one it was: made again only when
   * the filters changed, read again (off the main thread) when the store did */
  if (self->records == NULL || self->records_filtered_again)
    {
      if (!reload_records (self, &error))
        {
          toast_error (self, error);
          return;
        }
      self->records_filtered_again = FALSE;
      self->records_stale = FALSE;
    }
  else if (self->records_stale)
    {
      self->records_stale = FALSE;
      reload_list (self);
    }
  set_model (self, G_LIST_MODEL (self->records));
}

static void
on_search_changed (DhWindow *self)
{
  show_list (self);
}

static void
on_filter_changed (DhWindow *self)
{
  self->records_filtered_again = TRUE;
  show_list (self);
}

static void
factory_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  gtk_list_item_set_child (item, dh_household_row_new ());
}

/* The first of @n_items a view shows, and how many: rows are about as
 * tall as each other. */
static guint
first_in_view (GtkListView *view,
               guint        n_items,
               guint       *out_shown)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  double upper = gtk_adjustment_get_upper (adjustment);

  if (out_shown != NULL)
    *out_shown = n_items;
  if (n_items == 0 || upper <= 0)
    return 0;
  if (out_shown != NULL)
    *out_shown = (guint) (gtk_adjustment_get_page_size (adjustment) / upper * n_items) + 1;
  return MIN ((guint) (gtk_adjustment_get_value (adjustment) / upper * n_items), n_items - 1);
}

/* Whether the households list's row at @position is in view, or within a
 * screen of it. */
#define ROWS_BEFORE_LAYOUT 40   /* a tall screen's rows, and one more screen */
static gboolean
near_view (DhWindow *self,
           guint     position)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->households_view));
  guint shown;
  guint first;

  /* before the list is first laid out, the top is what will show */
  if (gtk_adjustment_get_upper (adjustment) <= 0)
    return position < ROWS_BEFORE_LAYOUT;

  first = first_in_view (self->households_view, g_list_model_get_n_items (G_LIST_MODEL (self->selection)), &shown);
  return position + shown >= first && position <= first + 2 * shown;
}

/* A row far from view keeps its household for when it comes near (see
 * dh_household_row_defer_record()). */
static void
factory_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  DhWindow *self = user_data;
  DhHouseholdRow *row = DH_HOUSEHOLD_ROW (gtk_list_item_get_child (item));

  if (self->deferred_items == NULL || near_view (self, gtk_list_item_get_position (item)))
    {
      dh_household_row_set_record (row, self->context, gtk_list_item_get_item (item));
      return;
    }

  dh_household_row_defer_record (row, self->context, gtk_list_item_get_item (item));
  if (dh_household_row_is_deferred (row) && !g_ptr_array_find (self->deferred_items, item, NULL))
    g_ptr_array_add (self->deferred_items, g_object_ref (item));
}

/* Tells the list where the view looks, for the changes a reload tells
 * (see dh_record_list_set_focus()). */
static void
set_list_focus (DhWindow *self)
{
  guint shown;
  guint first;

  if (self->records == NULL)
    return;
  first = first_in_view (self->households_view, g_list_model_get_n_items (G_LIST_MODEL (self->records)), &shown);
  dh_record_list_set_focus (self->records, first, shown);
}

/* The list scrolled or resized: the rows come near view show their
 * households, before the frame is laid out, and a reload under way tells
 * its changes around where the view looks now. */
static void
on_list_moved (DhWindow *self)
{
  if (self->deferred_items == NULL)
    return;

  if (gtk_single_selection_get_model (self->selection) == G_LIST_MODEL (self->records))
    set_list_focus (self);

  for (guint i = self->deferred_items->len; i > 0; i--)
    {
      GtkListItem *item = g_ptr_array_index (self->deferred_items, i - 1);
      GtkWidget *row = gtk_list_item_get_child (item);

      if (gtk_list_item_get_item (item) == NULL || row == NULL || !dh_household_row_is_deferred (DH_HOUSEHOLD_ROW (row)))
        g_ptr_array_remove_index_fast (self->deferred_items, i - 1);
      else if (near_view (self, gtk_list_item_get_position (item)))
        {
          dh_household_row_show_deferred (DH_HOUSEHOLD_ROW (row));
          g_ptr_array_remove_index_fast (self->deferred_items, i - 1);
        }
    }
}

/* The first of the results in view. */
static guint
first_result_in_view (DhWindow *self)
{
  return first_in_view (self->results_view, g_list_model_get_n_items (G_LIST_MODEL (self->result_slots)), NULL);
}

/* Runs before each frame is laid out while the rows lag behind the
 * results: those in view first, a frame's worth at a time. */
static gboolean
catch_up_results (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  DhWindow *self = user_data;

  if (dh_slot_model_catch_up (self->result_slots, first_result_in_view (self), RESULT_ROWS_A_FRAME))
    return G_SOURCE_CONTINUE;

  self->catch_up_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
on_results_behind (DhWindow *self)
{
  if (dh_slot_model_get_behind (self->result_slots) && self->catch_up_tick == 0)
    self->catch_up_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->results_view), catch_up_results, self, NULL);
}

/* A search's results are shown through slots (see dh-slot-model.c): a
 * row follows its slot, and is bound again when the household in it
 * changes, rather than destroyed and made anew. */
static void
result_bind (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  DhWindow *self = user_data;

  dh_household_row_follow_slot (DH_HOUSEHOLD_ROW (gtk_list_item_get_child (item)),
                                self->context, gtk_list_item_get_item (item));
}

static void
result_unbind (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  dh_household_row_follow_slot (DH_HOUSEHOLD_ROW (gtk_list_item_get_child (item)), NULL, NULL);
}

/* ---- the household ----------------------------------------------------- */

/**
 * dh_window_show_household:
 *
 * Shows the household @household_id beside the list (over it in a narrow
 * window). Returns FALSE, with the reason shown to the caseworker, when the
 * store cannot give it.
 */
gboolean
dh_window_show_household (DhWindow   *self,
                          const char *household_id)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DH_IS_WINDOW (self), FALSE);

  if (!dh_household_page_show (self->household_page, self->context, household_id, &error))
    {
      toast_error (self, error);
      return FALSE;
    }

  adw_window_title_set_title (self->content_title, dh_household_page_get_title (self->household_page));
  gtk_stack_set_visible_child_name (self->content_stack, "household");
  adw_leaflet_set_visible_child (self->leaflet, self->content);

  return TRUE;
}

static void
on_household_activated (GtkListView *view,
                        guint        position,
                        DhWindow    *self)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr(DhRecord) record = model != NULL ? g_list_model_get_item (model, position) : NULL;

  if (record == NULL || !dh_record_is_loaded (record))
    return;

  dh_window_show_household (self, dh_record_get_id (record));
}

/* The results' view holds slots: the household opened is the one the
 * row shows, even in the frames it lags behind a new search. */
static void
on_result_activated (GtkListView *view,
                     guint        position,
                     DhWindow    *self)
{
  g_autoptr(DhSlot) slot = g_list_model_get_item (G_LIST_MODEL (self->result_slots), position);
  DhRecord *record = slot != NULL ? dh_slot_get_item (slot) : NULL;

  if (record != NULL)
    dh_window_show_household (self, dh_record_get_id (record));
}

static void
reload_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DhWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->pending--;
  self->reloading = FALSE;
  if (!dh_record_list_reload_finish (DH_RECORD_LIST (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast_error (self, error);
  update_count (self);

  /* pages a sync committed meanwhile: one more reload for all of them */
  if (self->reload_again && DH_RECORD_LIST (source) == self->records)
    {
      self->reload_again = FALSE;
      reload_list (self);
    }
}

/* Reads the list's ids again in a worker thread, one reload at a time. */
static void
reload_list (DhWindow *self)
{
  if (self->reloading)
    {
      self->reload_again = TRUE;
      return;
    }

  /* the changes where the list is looked at are told one by one, so that
   * its rows there stay */
  set_list_focus (self);

  self->reloading = TRUE;
  self->pending++;
  dh_record_list_reload_async (self->records, self->work_cancellable, reload_done, g_object_ref (self));
}

/* What a change of @entity changes in the list: its households, their
 * names (members are searched), their places. */
static gboolean
changes_the_list (const char *entity)
{
  return entity == NULL
         || g_str_equal (entity, "household")
         || g_str_equal (entity, "member")
         || g_str_equal (entity, "admin_unit");
}

/* Something was written, here or by a sync: the list and the card follow. */
static void
on_store_changed (DhWindow   *self,
                  const char *entity)
{
  const char *shown = dh_household_page_get_household_id (self->household_page);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  if (entity == NULL || g_str_equal (entity, "household"))
    refresh_caseworkers (self);

  if (!changes_the_list (entity))
    ;
  else if (text[0] != '\0')
    {
      start_search (self, text);
      self->records_stale = TRUE;
    }
  else if (self->records != NULL)
    reload_list (self);

  if (shown != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "household") == 0)
    {
      g_autofree char *id = g_strdup (shown);
      g_autoptr(GError) error = NULL;
      /* a place renamed changes the card's words, not its records */
      gboolean shown_again = entity == NULL || g_str_equal (entity, "admin_unit")
                             ? dh_household_page_show (self->household_page, self->context, id, &error)
                             : dh_household_page_refresh (self->household_page, &error);

      if (!shown_again)
        {
          /* deleted elsewhere: say so and go back to the list */
          gtk_stack_set_visible_child_name (self->content_stack, "none");
          adw_window_title_set_title (self->content_title, NULL);
          toast (self, _("The household shown was deleted."));
        }
    }
}

/* ---- the filters -------------------------------------------------------- */

/* The caseworkers the households are assigned to, kept chosen across a
 * reload when they are still there. */
static void
show_caseworkers (DhWindow  *self,
                  GPtrArray *names)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autofree char *chosen = g_strdup (selected_caseworker (self));
  guint position = 0;

  g_clear_pointer (&self->caseworkers, g_ptr_array_unref);
  self->caseworkers = g_ptr_array_new_with_free_func (g_free);
  gtk_string_list_append (labels, _("All caseworkers"));
  g_ptr_array_add (self->caseworkers, NULL);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      gtk_string_list_append (labels, name);
      g_ptr_array_add (self->caseworkers, g_strdup (name));
      if (g_strcmp0 (name, chosen) == 0)
        position = i + 1;
    }

  g_signal_handlers_block_by_func (self->caseworker_dropdown, on_filter_changed, self);
  gtk_drop_down_set_model (self->caseworker_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->caseworker_dropdown, position);
  g_signal_handlers_unblock_by_func (self->caseworker_dropdown, on_filter_changed, self);
}

static gboolean
fill_caseworkers (DhWindow  *self,
                  GError   **error)
{
  g_autoptr(GPtrArray) names = dh_store_list_values (dh_context_get_store (self->context), "household", "assigned_to", error);

  if (names == NULL)
    return FALSE;
  show_caseworkers (self, names);
  return TRUE;
}

static void
read_caseworkers_thread (GTask        *task,
                         gpointer      source,
                         gpointer      data,
                         GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *names = dh_store_list_values (data, "household", "assigned_to", &error);

  if (names == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, names, (GDestroyNotify) g_ptr_array_unref);
}

static void
caseworkers_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  DhWindow *self = DH_WINDOW (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_task_propagate_pointer (G_TASK (result), &error);

  self->pending--;
  self->caseworkers_reading = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || g_cancellable_is_cancelled (self->work_cancellable))
    return;
  if (names == NULL)
    toast_error (self, error);
  else
    show_caseworkers (self, names);
  if (self->caseworkers_again)
    {
      self->caseworkers_again = FALSE;
      refresh_caseworkers (self);
    }
}

/* A caseworker named for the first time joins the filter: read off this
 * thread, since households change by the hundred while a sync applies its
 * pages, and at most one read at a time. */
static void
refresh_caseworkers (DhWindow *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->caseworkers_reading)
    {
      self->caseworkers_again = TRUE;
      return;
    }
  self->caseworkers_reading = TRUE;
  self->pending++;
  task = g_task_new (self, self->work_cancellable, caseworkers_read, NULL);
  g_task_set_source_tag (task, refresh_caseworkers);
  g_task_set_task_data (task, g_object_ref (dh_context_get_store (self->context)), g_object_unref);
  g_task_run_in_thread (task, read_caseworkers_thread);
}

static gboolean
fill_filters (DhWindow  *self,
              GError   **error)
{
  gboolean ok;

  g_signal_handlers_block_by_func (self->village_dropdown, on_filter_changed, self);
  g_signal_handlers_block_by_func (self->class_dropdown, on_filter_changed, self);
  ok = dh_field_choice_fill_villages (G_OBJECT (self->village_dropdown), self->context, _("All villages"), error);
  dh_field_choice_fill (G_OBJECT (self->class_dropdown), "household", "classification", _("All classes"));
  g_signal_handlers_unblock_by_func (self->village_dropdown, on_filter_changed, self);
  g_signal_handlers_unblock_by_func (self->class_dropdown, on_filter_changed, self);

  return ok && fill_caseworkers (self, error);
}

/* ---- the sync ----------------------------------------------------------- */

/* A wrong clock is said above everything until it is right, or closed. */
static void
update_clock_warning (DhWindow *self)
{
  DhSyncEngine *engine = dh_context_get_sync_engine (self->context);
  g_autofree char *offset = NULL;
  g_autofree char *text = NULL;

  if (dh_context_is_demo (self->context) || !dh_sync_engine_get_clock_is_wrong (engine))
    {
      gtk_info_bar_set_revealed (self->clock_bar, FALSE);
      return;
    }

  offset = dh_sync_describe_offset (dh_sync_engine_get_clock_offset (engine));
  /* Translators: %s says how far the clock is off and to set it:
   * "This computer’s clock is 40 days ahead of the server’s: set its date and time" */
  text = g_strdup_printf (_("%s. Until then, a date filled in as “today” may be wrong; "
                            "the changes made here still reach the province."),
                          offset);
  gtk_label_set_label (self->clock_label, text);
  gtk_info_bar_set_revealed (self->clock_bar, !self->clock_dismissed);
}

static void
on_clock_bar_response (DhWindow *self,
                       int       response)
{
  self->clock_dismissed = TRUE;
  gtk_info_bar_set_revealed (self->clock_bar, FALSE);
}

static void
append_part (GString    *text,
             const char *part)
{
  if (text->len > 0)
    /* Translators: between the parts of a sync's summary: "3 sent, 12 received" */
    g_string_append (text, _(", "));
  g_string_append (text, part);
}

/* What a sync did, in one line: sent, received, conflicts, refused. */
static char *
describe_report (const DhSyncReport *report)
{
  g_autoptr(GString) parts = g_string_new (NULL);
  guint conflicts = dh_sync_report_conflicts (report);
  g_autofree char *sent = NULL;
  g_autofree char *received = NULL;

  if (report->pushed > 0)
    {
      sent = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change sent", "%u changes sent", report->pushed),
                              report->pushed);
      append_part (parts, sent);
    }
  /* what came back of this device's own changes is no news to anyone */
  if (report->applied.applied > 0)
    {
      received = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u received", "%u received", report->applied.applied),
                                  report->applied.applied);
      append_part (parts, received);
    }
  if (conflicts > 0)
    {
      g_autofree char *part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u conflict for an official to settle",
                                                            "%u conflicts for an official to settle", conflicts),
                                               conflicts);
      append_part (parts, part);
    }
  if (report->rejected > 0)
    {
      g_autofree char *part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u refused by the province",
                                                            "%u refused by the province", report->rejected),
                                               report->rejected);
      append_part (parts, part);
    }

  if (parts->len == 0)
    return g_strdup (_("Synced: nothing new either way."));
  /* Translators: "Synced: 3 changes sent, 120 received." */
  return g_strdup_printf (_("Synced: %s."), parts->str);
}

/* What is told or dismissed once the toasts shown have settled
 * (TOAST_SETTLE_MS): a toast, or the outcome of an export. */
typedef struct
{
  DhWindow *window;
  AdwToast *toast;
  GError   *error;
} Settling;

static void
settling_free (Settling *settling)
{
  g_clear_object (&settling->window);
  g_clear_object (&settling->toast);
  g_clear_error (&settling->error);
  g_free (settling);
}

/* Runs @func with @settling (taking it) once the toasts have settled. */
static void
when_settled (DhWindow    *self,
              GSourceFunc  func,
              Settling    *settling)
{
  settling->window = g_object_ref (self);
  g_timeout_add_full (G_PRIORITY_DEFAULT, TOAST_SETTLE_MS, func, settling, (GDestroyNotify) settling_free);
}

static gboolean
dismiss_settled_toast (gpointer data)
{
  Settling *settling = data;

  /* the window went meanwhile, and its toasts with it */
  if (settling->window->toast_overlay != NULL)
    adw_toast_dismiss (settling->toast);
  return G_SOURCE_REMOVE;
}

/* Dismisses @toast once it has settled. */
static void
dismiss_when_settled (DhWindow *self,
                      AdwToast *toast)
{
  Settling *settling = g_new0 (Settling, 1);

  settling->toast = g_object_ref (toast);
  when_settled (self, dismiss_settled_toast, settling);
}

/* A sync ended: a toast says how, and the list and the card show the new
 * badges and records. */
static void
on_sync_finished (DhWindow           *self,
                  const DhSyncReport *report,
                  const GError       *error)
{
  g_autofree char *title = NULL;
  AdwToast *message;

  if (error != NULL && g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_CANCELLED))
    return;
  /* the engine tries again by itself after a network or server failure,
   * and the button says so: one toast for each try would pile up */
  if (report == NULL && error != NULL && dh_sync_error_is_retryable (error))
    {
      on_store_changed (self, NULL);
      return;
    }

  if (error != NULL && (g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SIGN_IN) ||
                        g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_NOT_SET_UP)))
    {
      title = g_strdup_printf (_("Sign in again to sync: %s"), error->message);
      message = adw_toast_new (title);
      adw_toast_set_button_label (message, _("_Sign In…"));
      adw_toast_set_action_name (message, "app.sign-in");
      adw_toast_set_timeout (message, 0);
    }
  else if (error != NULL)
    {
      title = g_strdup_printf (_("The sync failed: %s"), error->message);
      message = adw_toast_new (title);
      adw_toast_set_timeout (message, 0);
    }
  else
    {
      title = report != NULL ? describe_report (report) : g_strdup (_("Synced with the province."));
      message = adw_toast_new (title);
      if (report != NULL && report->rejected > 0)
        {
          adw_toast_set_button_label (message, _("_Show"));
          adw_toast_set_action_name (message, "win.show-rejected");
          adw_toast_set_timeout (message, 0);
        }
      else if (report != NULL && dh_sync_report_conflicts (report) > 0)
        {
          adw_toast_set_button_label (message, _("_Show"));
          adw_toast_set_action_name (message, "win.show-conflicts");
        }
    }

  adw_toast_set_priority (message, ADW_TOAST_PRIORITY_HIGH);
  /* the last sync's news replaces the one before, which goes once it has
   * settled: two syncs with nothing to do end within a moment of each
   * other */
  if (self->sync_toast != NULL)
    dismiss_when_settled (self, self->sync_toast);
  g_set_object (&self->sync_toast, message);
  adw_toast_overlay_add_toast (self->toast_overlay, message);

  /* sent and refused records wear other badges now */
  on_store_changed (self, NULL);
}

static void
show_rejected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);
  DhRejectedDialog *dialog;

  if (self->context == NULL)
    return;

  dialog = dh_rejected_dialog_new (self->context);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);

  dh_sync_button_activate (self->sync_button);
}

/* ---- the store ---------------------------------------------------------- */

static void
use_context (DhWindow  *self,
             DhContext *context)
{
  g_autoptr(GError) error = NULL;

  g_set_object (&self->context, context);
  g_signal_connect_object (dh_context_get_store (context), "changed",
                           G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  dh_sync_button_set_context (self->sync_button, context);
  g_signal_connect_object (context, "sync-finished", G_CALLBACK (on_sync_finished), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dh_context_get_sync_engine (context), "notify::clock-offset",
                           G_CALLBACK (update_clock_warning), self, G_CONNECT_SWAPPED);
  update_clock_warning (self);

  if (!fill_filters (self, &error))
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
      return;
    }

  gtk_spin_button_set_value (self->overdue_days,
                             g_settings_get_uint (dh_context_get_settings (context), "visit-interval-days"));

  gtk_stack_set_visible_child_name (self->main_stack, "households");
  show_list (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Opens the store the application names: the households when it is there,
 * a welcome that offers to make one when it is not, and the reason when it
 * cannot be opened. */
static void
open_store (DhWindow *self)
{
  const char *path = dh_application_get_store_path (self->application);
  g_autoptr(GError) error = NULL;
  DhContext *context = dh_application_get_context (self->application);

  if (context == NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *display = g_filename_display_name (path);
      g_autofree char *description =
        g_strdup_printf (_("There is no store of households on this computer yet. Try the application "
                           "with a made-up commune, or start an empty store; it will be kept in %s."),
                         display);

      adw_status_page_set_description (self->welcome_page, description);
      gtk_stack_set_visible_child_name (self->main_stack, "welcome");
      return;
    }

  if (context == NULL)
    context = dh_application_open_store (self->application, DH_STORE_OPEN_DEFAULT, &error);
  if (context == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
      return;
    }

  use_context (self, context);
}

static gboolean
demo_in_thread (DhStore       *store,
                gpointer       data,
                DhProgress    *progress,
                GCancellable  *cancellable,
                GError       **error)
{
  DhDemoOptions options;

  dh_demo_options_init (&options);
  options.households = 200;

  return dh_demo_populate (store, &options, NULL, NULL, error);
}

static void
demo_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DhWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->welcome_page), TRUE);
  if (!dh_store_run_write_finish (DH_STORE (source), result, &error))
    {
      toast_error (self, error);
      return;
    }

  use_context (self, dh_application_get_context (self->application));
  toast (self, _("A made-up commune was written to the store. Its households can never be sent to a server."));
}

static void
create_store_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);
  gboolean demo = g_variant_get_boolean (parameter);
  g_autoptr(GError) error = NULL;
  DhContext *context;

  context = dh_application_open_store (self->application, DH_STORE_OPEN_CREATE, &error);
  if (context == NULL)
    {
      toast_error (self, error);
      return;
    }

  if (!demo)
    {
      use_context (self, context);
      return;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->welcome_page), FALSE);
  dh_store_run_write_in_thread (dh_context_get_store (context), demo_in_thread, NULL, NULL,
                                NULL, NULL, self->work_cancellable, demo_done, g_object_ref (self));
}

/* ---- export ------------------------------------------------------------- */

static gboolean
show_export_outcome (gpointer data)
{
  Settling *outcome = data;
  DhWindow *self = outcome->window;

  self->pending--;
  /* the window went meanwhile: there is nothing left to tell */
  if (self->toast_overlay == NULL)
    return G_SOURCE_REMOVE;

  if (self->export_toast != NULL)
    adw_toast_dismiss (self->export_toast);
  g_clear_object (&self->export_toast);

  if (g_error_matches (outcome->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, _("The export was cancelled; no file was written."));
  else if (outcome->error != NULL)
    toast_error (self, outcome->error);
  else
    toast (self, _("The households were exported."));

  return G_SOURCE_REMOVE;
}

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DhWindow) self = user_data;
  Settling *outcome = g_new0 (Settling, 1);

  dh_store_run_write_finish (DH_STORE (source), result, &outcome->error);
  g_clear_object (&self->export_cancellable);

  /* the outcome is told once the toast settled; the window waits for it */
  when_settled (self, show_export_outcome, outcome);
}

static void
export_progress (guint64  done,
                 guint64  total,
                 gpointer user_data)
{
  DhWindow *self = user_data;
  g_autofree char *title = NULL;

  if (self->export_toast == NULL || total == 0)
    return;

  /* Translators: how many households of how many an export has written */
  title = g_strdup_printf (_("Exporting the households… %u of %u"), (guint) done, (guint) total);
  adw_toast_set_title (self->export_toast, title);
}

/**
 * dh_window_export_households:
 *
 * Writes the list of households to @path in a worker thread, with a toast
 * that says how far it is and offers to cancel it.
 */
void
dh_window_export_households (DhWindow   *self,
                             const char *path)
{
  g_return_if_fail (DH_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (self->context == NULL || self->export_cancellable != NULL || self->export_toast != NULL)
    return;

  self->export_cancellable = g_cancellable_new ();
  self->export_toast = adw_toast_new (_("Exporting the households…"));
  adw_toast_set_timeout (self->export_toast, 0);
  adw_toast_set_button_label (self->export_toast, _("_Cancel"));
  adw_toast_set_action_name (self->export_toast, "win.cancel-export");
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (self->export_toast));

  self->pending++;
  dh_store_export_csv_async (dh_context_get_store (self->context), "household", path,
                             export_progress, self, self->export_cancellable,
                             export_done, g_object_ref (self));
}

static void
cancel_export_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);

  g_cancellable_cancel (self->export_cancellable);
}

static void
export_response (GtkNativeDialog *dialog,
                 int              response,
                 gpointer         user_data)
{
  g_autoptr(DhWindow) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      toast (self, _("Choose a folder on this computer or on a USB stick."));
      return;
    }

  dh_window_export_households (self, path);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);
  GtkFileChooserNative *dialog;

  if (self->context == NULL)
    return;

  dialog = gtk_file_chooser_native_new (_("Export Households"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  /* Translators: the name offered for an exported list; keep the .csv */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), _("households.csv"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- import ------------------------------------------------------------- */

static void
on_imported (DhWindow   *self,
             const char *summary)
{
  toast (self, summary);
}

static void
show_reports_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);
  DhReportsWindow *reports;

  /* the welcome page: no store, no reports */
  if (self->context == NULL)
    return;
  /* not transient: a household's card opened from it comes above it */
  reports = dh_reports_window_new (self->context, self);
  gtk_window_set_application (GTK_WINDOW (reports), gtk_window_get_application (GTK_WINDOW (self)));
  gtk_window_present (GTK_WINDOW (reports));
}

static void
show_conflicts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);
  DhConflictsWindow *conflicts;

  if (self->context == NULL)
    return;
  conflicts = dh_conflicts_window_new (self->context);
  gtk_window_set_transient_for (GTK_WINDOW (conflicts), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (conflicts));
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  DhImportDialog *dialog;

  /* from the welcome: the list goes into a new, empty store */
  if (self->context == NULL)
    {
      DhContext *context = dh_application_open_store (self->application, DH_STORE_OPEN_CREATE, &error);

      if (context == NULL)
        {
          toast_error (self, error);
          return;
        }
      use_context (self, context);
    }

  dialog = dh_import_dialog_new (self->context);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect_object (dialog, "imported", G_CALLBACK (on_imported), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the review and the plan of the household shown ---------------------- */

static void
household_dialog_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);
  const char *household_id = dh_household_page_get_household_id (self->household_page);
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;

  if (self->context == NULL || household_id == NULL)
    return;

  if (g_str_equal (action_name, "win.edit-plan"))
    dialog = GTK_WINDOW (dh_plan_dialog_new (self->context, household_id, &error));
  else
    dialog = GTK_WINDOW (dh_review_dialog_new (self->context, household_id,
                                               g_str_equal (action_name, "win.edit-review"), &error));
  if (dialog == NULL)
    {
      toast_error (self, error);
      return;
    }

  gtk_window_set_transient_for (dialog, GTK_WINDOW (self));
  gtk_window_present (dialog);
}

/* ---- other actions ------------------------------------------------------ */

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);

  if (self->context != NULL)
    on_store_changed (self, NULL);
}

/* ---- households and members ------------------------------------------ */

static const char *
shown_household (DhWindow *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "household") != 0)
    return NULL;

  return dh_household_page_get_household_id (self->household_page);
}

static void
present_dialog (DhWindow  *self,
                GtkWindow *dialog)
{
  gtk_window_set_transient_for (dialog, GTK_WINDOW (self));
  gtk_window_present (dialog);
}

static void
on_household_saved (DhWindow          *self,
                    DhHouseholdDialog *dialog)
{
  dh_window_show_household (self, dh_household_dialog_get_saved_id (dialog));
}

static void
open_household_dialog (DhWindow   *self,
                       const char *household_id)
{
  g_autoptr(GError) error = NULL;
  DhHouseholdDialog *dialog;

  if (self->context == NULL)
    return;

  dialog = dh_household_dialog_new (self->context, household_id, &error);
  if (dialog == NULL)
    {
      toast_error (self, error);
      return;
    }

  /* a new household is most likely of the village the list shows */
  if (household_id == NULL && selected_village (self) != NULL)
    {
      dh_field_choice_set_code (G_OBJECT (dh_household_dialog_get_field (dialog, "village")), selected_village (self));
      dh_edit_dialog_set_modified (DH_EDIT_DIALOG (dialog), FALSE);
    }

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_household_saved), self, G_CONNECT_SWAPPED);
  present_dialog (self, GTK_WINDOW (dialog));
}

static void
new_household_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  open_household_dialog (DH_WINDOW (widget), NULL);
}

static void
edit_household_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);

  if (shown_household (self) != NULL)
    open_household_dialog (self, shown_household (self));
}

/* A toast that says what was deleted, with a button that brings it back. */
static void
offer_undo (DhWindow   *self,
            const char *title,
            const char *entity,
            const char *id)
{
  AdwToast *undo = adw_toast_new (title);

  adw_toast_set_button_label (undo, _("_Undo"));
  adw_toast_set_action_name (undo, "win.restore");
  adw_toast_set_action_target_value (undo, g_variant_new ("(ss)", entity, id));
  adw_toast_set_priority (undo, ADW_TOAST_PRIORITY_HIGH);
  g_set_object (&self->undo_toast, undo);
  adw_toast_overlay_add_toast (self->toast_overlay, undo);
}

static void
delete_household_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);
  g_autofree char *id = g_strdup (shown_household (self));
  g_autofree char *title = NULL;
  g_autoptr(GError) error = NULL;

  if (id == NULL)
    return;

  /* Translators: the toast after a deletion; %s is the head of the household */
  title = g_strdup_printf (_("Household of %s deleted"), dh_household_page_get_title (self->household_page));

  /* the card goes first, so that the store's news of the deletion is not
   * taken for a deletion made elsewhere */
  gtk_stack_set_visible_child_name (self->content_stack, "none");
  adw_window_title_set_title (self->content_title, NULL);
  if (!dh_store_delete (dh_context_get_store (self->context), "household", id, &error))
    {
      toast_error (self, error);
      dh_window_show_household (self, id);
      return;
    }

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  offer_undo (self, title, "household", id);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  const char *entity;
  const char *id;

  g_variant_get (parameter, "(&s&s)", &entity, &id);
  if (self->context == NULL)
    return;

  if (!dh_store_restore (dh_context_get_store (self->context), entity, id, &error))
    {
      toast_error (self, error);
      return;
    }

  if (g_str_equal (entity, "household"))
    dh_window_show_household (self, id);
}

static void
open_member_dialog (DhWindow   *self,
                    const char *household_id,
                    const char *member_id)
{
  g_autoptr(GError) error = NULL;
  DhMemberDialog *dialog;

  if (self->context == NULL)
    return;

  dialog = dh_member_dialog_new (self->context, household_id, member_id, &error);
  if (dialog == NULL)
    {
      toast_error (self, error);
      return;
    }

  present_dialog (self, GTK_WINDOW (dialog));
}

static void
add_member_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);

  if (shown_household (self) != NULL)
    open_member_dialog (self, shown_household (self), NULL);
}

static void
edit_member_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_member_dialog (DH_WINDOW (widget), NULL, g_variant_get_string (parameter, NULL));
}

static void
remove_member_response (AdwMessageDialog *ask,
                        const char       *response,
                        DhWindow         *self)
{
  const char *id = g_object_get_data (G_OBJECT (ask), "dh-member");
  const char *name = g_object_get_data (G_OBJECT (ask), "dh-name");
  g_autofree char *title = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "remove") != 0 || self->context == NULL)
    return;

  if (!dh_store_delete (dh_context_get_store (self->context), "member", id, &error))
    {
      toast_error (self, error);
      return;
    }

  /* Translators: the toast after a member was removed; %s is the member's name */
  title = g_strdup_printf (_("%s removed from the household"), name);
  offer_undo (self, title, "member", id);
}

static void
remove_member_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DhWindow *self = DH_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(json_object) member = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = NULL;
  AdwMessageDialog *ask;
  const char *name;

  if (self->context == NULL)
    return;

  member = dh_store_get (dh_context_get_store (self->context), "member", id, &error);
  if (member == NULL)
    {
      toast_error (self, error);
      return;
    }
  name = dh_json_get_string (member, "full_name");

  /* Translators: asked before a member is removed; %s is the member's name */
  heading = g_strdup_printf (_("Remove %s?"), name);
  ask = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                    _("The member leaves the household's list. "
                                                      "Undo brings them back, for a few seconds after.")));
  adw_message_dialog_add_responses (ask,
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ask, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ask, "cancel");
  adw_message_dialog_set_close_response (ask, "cancel");
  g_object_set_data_full (G_OBJECT (ask), "dh-member", g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (ask), "dh-name", g_strdup (name), g_free);
  g_signal_connect_object (ask, "response", G_CALLBACK (remove_member_response), self, 0);
  gtk_window_present (GTK_WINDOW (ask));
}

static void
on_overdue_days_changed (DhWindow *self)
{
  if (gtk_check_button_get_active (self->overdue_check))
    show_list (self);
}

/* ---- the window --------------------------------------------------------- */

static void
dh_window_constructed (GObject *object)
{
  DhWindow *self = DH_WINDOW (object);
  GSettings *settings;

  G_OBJECT_CLASS (dh_window_parent_class)->constructed (object);

  gtk_window_set_application (GTK_WINDOW (self), GTK_APPLICATION (self->application));

  /* the application's settings, read once for all its windows */
  settings = dh_application_get_settings (self->application);
  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  open_store (self);
}

static void
dh_window_dispose (GObject *object)
{
  DhWindow *self = DH_WINDOW (object);

  if (self->catch_up_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->results_view), self->catch_up_tick);
  self->catch_up_tick = 0;
  g_cancellable_cancel (self->search_cancellable);
  g_cancellable_cancel (self->work_cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_object (&self->export_toast);
  g_clear_object (&self->search_cancellable);
  g_clear_object (&self->work_cancellable);
  g_clear_pointer (&self->deferred_items, g_ptr_array_unref);
  g_clear_object (&self->selection);
  g_clear_object (&self->results_selection);
  if (self->result_slots != NULL)
    g_signal_handlers_disconnect_by_data (self->result_slots, self);
  g_clear_object (&self->result_slots);
  g_clear_object (&self->records);
  g_clear_object (&self->results);
  g_clear_object (&self->context);
  g_clear_pointer (&self->caseworkers, g_ptr_array_unref);
  g_clear_object (&self->undo_toast);
  g_clear_object (&self->sync_toast);

  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_WINDOW);

  G_OBJECT_CLASS (dh_window_parent_class)->dispose (object);
}

static void
dh_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  DhWindow *self = DH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_APPLICATION_OBJECT:
      self->application = g_value_get_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_window_class_init (DhWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dh_window_constructed;
  object_class->dispose = dh_window_dispose;
  object_class->set_property = dh_window_set_property;

  /* the application the window belongs to, given before it opens the store */
  properties[PROP_APPLICATION_OBJECT] =
    g_param_spec_object ("dh-application", NULL, NULL,
                         DH_TYPE_APPLICATION,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DH_TYPE_HOUSEHOLD_PAGE);
  g_type_ensure (DH_TYPE_SYNC_BUTTON);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DhWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, content);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, village_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, class_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, filters_button);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, caseworker_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, overdue_check);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, overdue_days);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, households_view);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, results_view);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, empty_list_page);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, household_page);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, clock_bar);
  gtk_widget_class_bind_template_child (widget_class, DhWindow, clock_label);
  gtk_widget_class_bind_template_callback (widget_class, on_clock_bar_response);

  gtk_widget_class_install_action (widget_class, "win.create-store", "b", create_store_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-export", NULL, cancel_export_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.show-conflicts", NULL, show_conflicts_action);
  gtk_widget_class_install_action (widget_class, "win.show-reports", NULL, show_reports_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.new-review", NULL, household_dialog_action);
  gtk_widget_class_install_action (widget_class, "win.edit-review", NULL, household_dialog_action);
  gtk_widget_class_install_action (widget_class, "win.edit-plan", NULL, household_dialog_action);
  gtk_widget_class_install_action (widget_class, "win.new-household", NULL, new_household_action);
  gtk_widget_class_install_action (widget_class, "win.edit-household", NULL, edit_household_action);
  gtk_widget_class_install_action (widget_class, "win.delete-household", NULL, delete_household_action);
  gtk_widget_class_install_action (widget_class, "win.add-member", NULL, add_member_action);
  gtk_widget_class_install_action (widget_class, "win.edit-member", "s", edit_member_action);
  gtk_widget_class_install_action (widget_class, "win.remove-member", "s", remove_member_action);
  gtk_widget_class_install_action (widget_class, "win.restore", "(ss)", restore_action);
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
  gtk_widget_class_install_action (widget_class, "win.show-rejected", NULL, show_rejected_action);
  dh_record_actions_install (widget_class);
}

static void
dh_window_init (DhWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) results_factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->work_cancellable = g_cancellable_new ();
  self->results = g_list_store_new (DH_TYPE_RECORD);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_list_view_set_model (self->households_view, GTK_SELECTION_MODEL (self->selection));
  self->deferred_items = g_ptr_array_new_with_free_func (g_object_unref);
  {
    GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->households_view));

    g_assert (adjustment != NULL);
    /* after the view's own handlers, which bind the rows of the new place */
    g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_list_moved), self,
                             G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_list_moved), self,
                             G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  }

  self->result_slots = dh_slot_model_new (G_LIST_MODEL (self->results));
  g_signal_connect_swapped (self->result_slots, "notify::behind", G_CALLBACK (on_results_behind), self);
  self->results_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->result_slots)));
  gtk_single_selection_set_autoselect (self->results_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->results_selection, TRUE);
  gtk_list_view_set_model (self->results_view, GTK_SELECTION_MODEL (self->results_selection));

  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind), self);
  gtk_list_view_set_factory (self->households_view, factory);
  g_signal_connect (results_factory, "setup", G_CALLBACK (factory_setup), self);
  g_signal_connect (results_factory, "bind", G_CALLBACK (result_bind), self);
  g_signal_connect (results_factory, "unbind", G_CALLBACK (result_unbind), self);
  gtk_list_view_set_factory (self->results_view, results_factory);

  g_signal_connect (self->households_view, "activate", G_CALLBACK (on_household_activated), self);
  g_signal_connect (self->results_view, "activate", G_CALLBACK (on_result_activated), self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->village_dropdown, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->class_dropdown, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->caseworker_dropdown, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->overdue_check, "toggled", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->overdue_days, "value-changed", G_CALLBACK (on_overdue_days_changed), self);
}

DhWindow *
dh_window_new (DhApplication *application)
{
  return g_object_new (DH_TYPE_WINDOW,
                       "dh-application", application,
                       NULL);
}

/* What the window shows: "welcome", "error" or "households" (for tests). */
const char *
dh_window_get_state (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->main_stack);
}

GListModel *
dh_window_get_households (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), NULL);

  return shown_model (self);
}

/* The list of households, for what measures its frames (tests/bench). */
GtkListView *
dh_window_get_list_view (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), NULL);

  return self->households_view;
}

/* The view of a search's results, whose rows follow them (for tests). */
GtkListView *
dh_window_get_results_view (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), NULL);

  return self->results_view;
}

/* Searches for @text as typed: more letters after what is there are
 * added to it, as a caseworker types them, without the entry going
 * through the empty text (which shows the list and lets the results go). */
void
dh_window_set_search_text (DhWindow   *self,
                           const char *text)
{
  const char *shown;

  g_return_if_fail (DH_IS_WINDOW (self));

  shown = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  if (shown[0] != '\0' && g_str_has_prefix (text, shown))
    {
      int end = (int) g_utf8_strlen (shown, -1);

      gtk_editable_insert_text (GTK_EDITABLE (self->search_entry), text + strlen (shown), -1, &end);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* a search entry waits a moment for more typing; a caller wants it now */
  show_list (self);
}

/* Chooses a village (NULL: all) and a class (NULL: all) as the dropdowns do. */
void
dh_window_set_filters (DhWindow   *self,
                       const char *village_id,
                       const char *classification)
{
  g_return_if_fail (DH_IS_WINDOW (self));

  if (!dh_field_choice_set_code (G_OBJECT (self->village_dropdown), village_id))
    dh_field_choice_set_code (G_OBJECT (self->village_dropdown), NULL);
  if (!dh_field_choice_set_code (G_OBJECT (self->class_dropdown), classification))
    dh_field_choice_set_code (G_OBJECT (self->class_dropdown), NULL);
}

const char *
dh_window_get_count_text (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), NULL);

  return gtk_label_get_label (self->count_label);
}

gboolean
dh_window_is_loading (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), FALSE);

  return self->pending > 0;
}

/* The last toast that offered to undo a deletion (for tests). */
AdwToast *
dh_window_get_undo_toast (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), NULL);

  return self->undo_toast;
}

/* Chooses the filters of the popover as a caseworker does: @caseworker
 * (NULL: all), and households waiting @days for a visit (0: all). */
void
dh_window_set_more_filters (DhWindow   *self,
                            const char *caseworker,
                            guint       days)
{
  guint position = 0;

  g_return_if_fail (DH_IS_WINDOW (self));

  for (guint i = 1; caseworker != NULL && i < self->caseworkers->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->caseworkers, i), caseworker) == 0)
      position = i;

  if (days > 0)
    gtk_spin_button_set_value (self->overdue_days, days);
  gtk_check_button_set_active (self->overdue_check, days > 0);
  gtk_drop_down_set_selected (self->caseworker_dropdown, position);
}

/* The id of the household on the card beside the list, or NULL when none is. */
const char *
dh_window_get_household_id (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), NULL);

  return shown_household (self);
}

/* The card of the household shown (for tests). */
DhHouseholdPage *
dh_window_get_household_page (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), NULL);

  return self->household_page;
}

/* The button that shows the sync's state (for tests). */
DhSyncButton *
dh_window_get_sync_button (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), NULL);

  return self->sync_button;
}

/* The last toast that told how a sync went (for tests). */
AdwToast *
dh_window_get_sync_toast (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), NULL);

  return self->sync_toast;
}

/* The warning about the computer's clock, or NULL when none shows. */
const char *
dh_window_get_clock_warning (DhWindow *self)
{
  g_return_val_if_fail (DH_IS_WINDOW (self), NULL);

  if (!gtk_info_bar_get_revealed (self->clock_bar))
    return NULL;
  return gtk_label_get_label (self->clock_label);
}

/* Says @message for a moment, over the window. */
void
dh_window_add_toast (DhWindow   *self,
                     const char *message)
{
  g_return_if_fail (DH_IS_WINDOW (self));

  toast (self, message);
}
