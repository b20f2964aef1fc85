/* dh-record-list.c – a GListModel that pages through a sorted, filtered list of the store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-record-list"

#include "config.h"

#include "dh-entity.h"
#include "dh-record-list.h"
#include "dh-store-private.h"

/* The list keeps the ids of all its records, in order, from one state of
 * the store (a few megabytes for 100,000 households), and reads the
 * records themselves by id, in pages of 50, keeping only the last few
 * pages: a page always holds the records of its positions, whatever was
 * written since, and a reload compares ids and versions to tell the views
 * exactly which positions changed. */
#define PAGE_SIZE 50
#define MAX_PAGES 16

struct _DhRecordList
{
  GObject      parent_instance;

  DhStore     *store;
  char        *entity;         /* as listed: "household", "village", ... */
  const char  *record_entity;  /* its records': "admin_unit" for "village" */
  GStrv        filters;
  DhSort       sort;
  DhListKeys  *keys;
  GHashTable  *pages;          /* page number -> GPtrArray of DhRecord */
  GQueue       page_order;     /* page numbers, oldest first */
  guint        reload_serial;  /* the latest reload asked for */

  /* While the changes of a reload are told one after the other, the list
   * is the new keys up to new_end, then the old ones from old_end: what
   * the changes told so far made of it. */
  DhListKeys  *told;           /* the new keys, or NULL between reloads */
  guint        new_end;
  guint        old_end;
  GHashTable  *told_records;   /* id -> DhRecord, while the changes are told */

  /* the positions a view shows (dh_record_list_set_focus()) */
  guint        focus_start;
  guint        focus_end;
};

/* A run of positions removed and added between records kept: from
 * old_pos of the old keys and new_pos of the new ones. */
typedef struct
{
  guint old_pos;
  guint removed;
  guint new_pos;
  guint added;
} KeysChange;

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DhRecordList, dh_record_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static guint
n_items (DhRecordList *self)
{
  if (self->told != NULL)
    return self->new_end + (self->keys->ids->len - self->old_end);

  return self->keys != NULL ? self->keys->ids->len : 0;
}

static const char *
id_at (DhRecordList *self,
       guint         position)
{
  if (self->told != NULL && position < self->new_end)
    return g_ptr_array_index (self->told->ids, position);
  if (self->told != NULL)
    return g_ptr_array_index (self->keys->ids, position - self->new_end + self->old_end);

  return g_ptr_array_index (self->keys->ids, position);
}

static GPtrArray *
load_page (DhRecordList  *self,
           guint          page,
           GError       **error)
{
  guint first = page * PAGE_SIZE;
  guint count = MIN (PAGE_SIZE, n_items (self) - first);
  const char * const *ids = (const char * const *) self->keys->ids->pdata + first;
  g_autoptr(GPtrArray) rows = NULL;
  GPtrArray *records;

  rows = dh_store_get_records (self->store, self->entity, ids, count, error);
  if (rows == NULL)
    return NULL;

  /* a record deleted since the ids were read keeps its place until the
   * reload that the store's changed signal brings */
  records = g_ptr_array_new_full (count, g_object_unref);
  for (guint i = 0; i < count; i++)
    {
      json_object *row = g_ptr_array_index (rows, i);

      g_ptr_array_add (records, row != NULL ? dh_record_new (self->record_entity, row)
                                            : dh_record_new_placeholder (self->record_entity, ids[i]));
    }

  if (g_queue_get_length (&self->page_order) >= MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_head (&self->page_order));
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), records);
  g_queue_push_tail (&self->page_order, GUINT_TO_POINTER (page));

  return records;
}

static GType
dh_record_list_get_item_type (GListModel *model)
{
  return DH_TYPE_RECORD;
}

static guint
dh_record_list_get_n_items (GListModel *model)
{
  return n_items (DH_RECORD_LIST (model));
}

/* Reads, in one statement, the records of a page's worth of positions
 * around @position of the list as told so far that no view asked for yet:
 * a view looking away from the focus the reload read beside asks for a
 * whole screen of them. */
static void
read_told_records_around (DhRecordList *self,
                          guint         position)
{
  guint first = position > PAGE_SIZE / 2 ? position - PAGE_SIZE / 2 : 0;
  guint end = MIN (first + PAGE_SIZE, n_items (self));
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = NULL;

  for (guint i = first; i < end; i++)
    if (!g_hash_table_contains (self->told_records, id_at (self, i)))
      g_ptr_array_add (ids, (gpointer) id_at (self, i));

  rows = dh_store_get_records (self->store, self->entity, (const char * const *) ids->pdata, ids->len, NULL);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      json_object *row = rows != NULL ? g_ptr_array_index (rows, i) : NULL;

      /* a record moved is in the list twice while its move is told */
      if (!g_hash_table_contains (self->told_records, id))
        g_hash_table_insert (self->told_records, g_strdup (id),
                             row != NULL ? dh_record_new (self->record_entity, row)
                                         : dh_record_new_placeholder (self->record_entity, id));
    }
}

static gpointer
dh_record_list_get_item (GListModel *model,
                         guint       position)
{
  DhRecordList *self = DH_RECORD_LIST (model);
  guint page = position / PAGE_SIZE;
  GPtrArray *records;

  if (position >= n_items (self))
    return NULL;

  /* between two of a reload's changes the positions are neither the old
   * ones nor the new, and no page holds them: a record is the item the
   * views held, or one read beside the focus, or read now with those
   * around it (see records_to_tell()) */
  if (self->told != NULL)
    {
      const char *id = id_at (self, position);
      DhRecord *record = g_hash_table_lookup (self->told_records, id);

      if (record == NULL)
        {
          read_told_records_around (self, position);
          record = g_hash_table_lookup (self->told_records, id);
        }
      return g_object_ref (record);
    }

  records = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (records == NULL)
    {
      g_autoptr(GError) error = NULL;

      records = load_page (self, page, &error);
      if (records == NULL)
        {
          /* the next look at the position reads again */
          g_warning ("Could not read the list of %s: %s", self->entity, error->message);
          return dh_record_new_placeholder (self->record_entity, id_at (self, position));
        }
    }

  return g_object_ref (g_ptr_array_index (records, position % PAGE_SIZE));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = dh_record_list_get_item_type;
  iface->get_n_items = dh_record_list_get_n_items;
  iface->get_item = dh_record_list_get_item;
}

static void
dh_record_list_dispose (GObject *object)
{
  DhRecordList *self = (DhRecordList *) object;

  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_order);
  g_clear_pointer (&self->told_records, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dh_record_list_parent_class)->dispose (object);
}

static void
dh_record_list_finalize (GObject *object)
{
  DhRecordList *self = (DhRecordList *) object;

  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->keys, dh_list_keys_free);
  g_clear_pointer (&self->entity, g_free);
  g_clear_pointer (&self->filters, g_strfreev);

  G_OBJECT_CLASS (dh_record_list_parent_class)->finalize (object);
}

static void
dh_record_list_class_init (DhRecordListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dh_record_list_dispose;
  object_class->finalize = dh_record_list_finalize;
}

static void
dh_record_list_init (DhRecordList *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->page_order);
}

/* The list's entity, filters and sort never change: a worker thread reads
 * them as well. */
static DhListKeys *
read_keys (DhRecordList  *self,
           GCancellable  *cancellable,
           GError       **error)
{
  DhQuery query = {
    .entity = self->entity,
    .filters = (const char * const *) self->filters,
    .sort = self->sort,
  };

  return dh_store_list_keys (self->store, &query, cancellable, error);
}

static gboolean
same_record (DhListKeys *a,
             guint       i,
             DhListKeys *b,
             guint       j)
{
  return g_array_index (a->versions, guint64, i) == g_array_index (b->versions, guint64, j) &&
         g_str_equal (g_ptr_array_index (a->ids, i), g_ptr_array_index (b->ids, j));
}

/* What turns @old into @new, as runs of positions removed and added
 * between the records both keep, in order; both are in the list's order.
 * A record whose version changed is removed and added at its place, one
 * that moved removed where it was and added where it is. Reads only: a
 * worker thread runs it. */
static GArray *
diff_keys (DhListKeys *old,
           DhListKeys *new)
{
  GArray *changes = g_array_new (FALSE, FALSE, sizeof (KeysChange));
  guint n_old = old->ids->len;
  guint n_new = new->ids->len;
  guint prefix = 0;
  guint suffix = 0;
  guint old_end, new_end, i, j;
  g_autoptr(GHashTable) in_old = NULL;
  g_autoptr(GHashTable) in_new = NULL;
  g_autoptr(GHashTable) moved = NULL;
  KeysChange run = { 0 };
  gboolean open = FALSE;

  while (prefix < MIN (n_old, n_new) && same_record (old, prefix, new, prefix))
    prefix++;
  while (suffix < MIN (n_old, n_new) - prefix &&
         same_record (old, n_old - 1 - suffix, new, n_new - 1 - suffix))
    suffix++;
  old_end = n_old - suffix;
  new_end = n_new - suffix;
  if (prefix == old_end && prefix == new_end)
    return changes;

  in_old = g_hash_table_new (g_str_hash, g_str_equal);
  in_new = g_hash_table_new (g_str_hash, g_str_equal);
  moved = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = prefix; i < old_end; i++)
    g_hash_table_add (in_old, g_ptr_array_index (old->ids, i));
  for (j = prefix; j < new_end; j++)
    g_hash_table_add (in_new, g_ptr_array_index (new->ids, j));

  i = j = prefix;
  while (i < old_end || j < new_end)
    {
      const char *a = i < old_end ? g_ptr_array_index (old->ids, i) : NULL;
      const char *b = j < new_end ? g_ptr_array_index (new->ids, j) : NULL;

      if (a != NULL && b != NULL && g_str_equal (a, b) && same_record (old, i, new, j))
        {
          /* kept: the run before it, if any, is told */
          if (open)
            g_array_append_val (changes, run);
          open = FALSE;
          i++;
          j++;
          continue;
        }

      if (!open)
        run = (KeysChange) { .old_pos = i, .new_pos = j };
      open = TRUE;

      if (a != NULL && b != NULL && g_str_equal (a, b))
        {
          /* the same record, shown otherwise */
          run.removed++;
          run.added++;
          i++;
          j++;
        }
      else if (a != NULL && !g_hash_table_contains (in_new, a))
        {
          run.removed++;
          i++;
        }
      else if (b != NULL && (!g_hash_table_contains (in_old, b) || g_hash_table_contains (moved, b)))
        {
          run.added++;
          j++;
        }
      else
        {
          /* a comes later in the new order: it goes from here, and comes
           * back where the new keys have it */
          g_hash_table_add (moved, (gpointer) a);
          run.removed++;
          i++;
        }
    }
  if (open)
    g_array_append_val (changes, run);

  return changes;
}

/* A view keeps rows for a couple of hundred items around those it shows:
 * changes that far from the focus touch none. */
#define FOCUS_MARGIN 300

/* The positions near a focus, from @out_start to @out_end (excluded). */
static void
near_focus (guint  focus_start,
            guint  focus_end,
            guint *out_start,
            guint *out_end)
{
  *out_start = focus_start > FOCUS_MARGIN ? focus_start - FOCUS_MARGIN : 0;
  *out_end = focus_end > G_MAXUINT - FOCUS_MARGIN ? G_MAXUINT : focus_end + FOCUS_MARGIN;
}

/* Each change a view hears costs it some work, whatever its size: the runs
 * far from the focus are told as one before it and one after it, the
 * records kept between them told as replaced (no view holds a row there),
 * and those near it one by one. */
static GArray *
merge_far_changes (DhRecordList *self,
                   GArray       *changes)
{
  GArray *merged = g_array_sized_new (FALSE, FALSE, sizeof (KeysChange), changes->len);
  guint near_start, near_end;
  KeysChange far = { 0 };
  gboolean open = FALSE;

  near_focus (self->focus_start, self->focus_end, &near_start, &near_end);
  for (guint k = 0; k < changes->len; k++)
    {
      const KeysChange *change = &g_array_index (changes, KeysChange, k);
      gboolean is_far = change->old_pos + change->removed <= near_start || change->old_pos >= near_end;

      /* a far run joins the one before it when no near run is between */
      if (is_far && open && (far.old_pos >= near_end) == (change->old_pos >= near_end))
        {
          far.removed = change->old_pos + change->removed - far.old_pos;
          far.added = change->new_pos + change->added - far.new_pos;
          continue;
        }
      if (open)
        g_array_append_val (merged, far);
      open = FALSE;
      if (is_far)
        {
          far = *change;
          open = TRUE;
        }
      else
        g_array_append_val (merged, *change);
    }
  if (open)
    g_array_append_val (merged, far);

  return merged;
}

/* Whether the record at @old_pos of the old keys is kept as it was. */
static gboolean
kept_as_it_was (GArray *changes,
                guint   old_pos)
{
  guint low = 0, high = changes->len;

  /* the last change that starts at or before it */
  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (g_array_index (changes, KeysChange, middle).old_pos <= old_pos)
        low = middle + 1;
      else
        high = middle;
    }
  if (low == 0)
    return TRUE;
  {
    const KeysChange *change = &g_array_index (changes, KeysChange, low - 1);

    return old_pos >= change->old_pos + change->removed;
  }
}

/* The records a view may ask for while the changes are told, by id: those
 * of the pages read before, whose records are kept as they were (the same
 * objects: a view that finds an item again keeps its row), then those
 * the reload read beside the focus (@rows, nullable: id -> json_object). */
static GHashTable *
records_to_tell (DhRecordList *self,
                 GArray       *changes,
                 GHashTable   *rows)
{
  GHashTable *records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint first = GPOINTER_TO_UINT (key) * PAGE_SIZE;
      GPtrArray *page = value;

      for (guint i = 0; i < page->len; i++)
        {
          DhRecord *record = g_ptr_array_index (page, i);

          if (dh_record_is_loaded (record) && kept_as_it_was (changes, first + i))
            g_hash_table_replace (records, g_strdup (dh_record_get_id (record)), g_object_ref (record));
        }
    }

  if (rows != NULL)
    {
      g_hash_table_iter_init (&iter, rows);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!g_hash_table_contains (records, key))
          g_hash_table_insert (records, g_strdup (key), dh_record_new (self->record_entity, value));
    }

  return records;
}

/* Takes the new keys and tells the views the runs of changes, in order,
 * so that the records kept between them keep their items, and a view its
 * rows, selection and scroll. Between two changes the list is what the
 * changes told so far made of it (see n_items() and id_at()). */
static void
apply_keys (DhRecordList *self,
            DhListKeys   *keys,
            GArray       *all_changes,
            GHashTable   *rows)
{
  g_autoptr(DhListKeys) old = NULL;
  g_autoptr(GArray) changes = NULL;

  if (all_changes->len == 0)
    {
      dh_list_keys_free (keys);
      return;
    }
  changes = merge_far_changes (self, all_changes);
  self->told_records = records_to_tell (self, all_changes, rows);

  /* positions move: no page holds what it held */
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_order);

  self->told = keys;
  self->new_end = 0;
  self->old_end = 0;
  for (guint k = 0; k < changes->len; k++)
    {
      const KeysChange *change = &g_array_index (changes, KeysChange, k);

      self->new_end = change->new_pos + change->added;
      self->old_end = change->old_pos + change->removed;
      g_list_model_items_changed (G_LIST_MODEL (self), change->new_pos, change->removed, change->added);
    }

  old = g_steal_pointer (&self->keys);
  self->keys = g_steal_pointer (&self->told);
  g_clear_pointer (&self->told_records, g_hash_table_unref);
  /* what the views read while the changes were told is theirs */
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_order);
}

/**
 * dh_record_list_new:
 * @store: the store to read
 * @entity: what to list, as in #DhQuery ("household", "village", ...)
 * @filters: (nullable): "field=value" pairs, as in #DhQuery
 * @sort: the order
 *
 * Returns: (transfer full) (nullable): a list model of #DhRecord, or %NULL
 *   with @error set when the query is not valid
 */
DhRecordList *
dh_record_list_new (DhStore             *store,
                    const char          *entity,
                    const char * const  *filters,
                    DhSort               sort,
                    GError             **error)
{
  g_autoptr(DhRecordList) self = NULL;

  g_return_val_if_fail (DH_IS_STORE (store), NULL);
  g_return_val_if_fail (entity != NULL, NULL);

  self = g_object_new (DH_TYPE_RECORD_LIST, NULL);
  self->store = g_object_ref (store);
  self->entity = g_strdup (entity);
  self->filters = g_strdupv ((char **) filters);
  self->sort = sort;

  self->keys = read_keys (self, NULL, error);
  if (self->keys == NULL)
    return NULL;
  self->record_entity = dh_entity_lookup_listed (entity, NULL)->name;

  return g_steal_pointer (&self);
}

/**
 * dh_record_list_reload:
 *
 * Reads the list again after the store changed, and tells the views which
 * positions changed: an edit replaces its position, an insertion or a
 * deletion adds or removes positions between the unchanged ones.
 */
gboolean
dh_record_list_reload (DhRecordList  *self,
                       GError       **error)
{
  DhListKeys *keys;

  g_return_val_if_fail (DH_IS_RECORD_LIST (self), FALSE);

  /* a reload in a thread started before this one is stale */
  self->reload_serial++;

  keys = read_keys (self, NULL, error);
  if (keys == NULL)
    return FALSE;

  {
    g_autoptr(GArray) changes = diff_keys (self->keys, keys);

    apply_keys (self, keys, changes, NULL);
  }
  return TRUE;
}

/* A reload in a thread: the keys the list showed when it began, and what
 * it read and worked out. */
typedef struct
{
  guint       serial;
  guint       focus_start;
  guint       focus_end;
  DhListKeys *shown;
  DhListKeys *keys;
  GArray     *changes;
  GHashTable *rows;        /* id -> json_object: the records beside the focus */
} Reload;

static void
reload_free (Reload *reload)
{
  g_clear_pointer (&reload->shown, dh_list_keys_free);
  g_clear_pointer (&reload->keys, dh_list_keys_free);
  g_clear_pointer (&reload->changes, g_array_unref);
  g_clear_pointer (&reload->rows, g_hash_table_unref);
  g_free (reload);
}

/* Adds the ids of @keys from @start to @end (excluded) to @ids. */
static void
add_ids (GHashTable *ids,
         DhListKeys *keys,
         guint       start,
         guint       end)
{
  for (guint i = start; keys != NULL && i < MIN (end, keys->ids->len); i++)
    g_hash_table_add (ids, g_ptr_array_index (keys->ids, i));
}

/* The records a view of the focus asks for while the changes are told,
 * read here in a few statements rather than one at a time on the main
 * thread: those of the old keys and the new beside the focus (the new
 * ones a margin further, for the records added before it). A record read
 * stands for its position as a page's does (see load_page()). */
static GHashTable *
read_rows_beside_focus (DhRecordList *self,
                        Reload       *reload,
                        GCancellable *cancellable)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_put);
  g_autoptr(GPtrArray) wanted = g_ptr_array_new ();
  guint start, end;
  GHashTableIter iter;
  gpointer id;

  near_focus (reload->focus_start, reload->focus_end, &start, &end);
  add_ids (ids, reload->shown, start, end);
  add_ids (ids, reload->keys, start, end > G_MAXUINT - FOCUS_MARGIN ? G_MAXUINT : end + FOCUS_MARGIN);
  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_ptr_array_add (wanted, id);

  /* a reload overtaken by another stops reading: what it did not read is
   * read when a view asks for it */
  for (guint first = 0; first < wanted->len && !g_cancellable_is_cancelled (cancellable); first += PAGE_SIZE * 10)
    {
      guint count = MIN (PAGE_SIZE * 10, wanted->len - first);
      g_autoptr(GPtrArray) read = dh_store_get_records (self->store, self->entity,
                                                        (const char * const *) wanted->pdata + first, count, NULL);

      /* what cannot be read here is read when a view asks for it */
      for (guint i = 0; read != NULL && i < read->len; i++)
        {
          json_object *row = g_ptr_array_index (read, i);

          if (row != NULL)
            g_hash_table_insert (rows, g_strdup (g_ptr_array_index (wanted, first + i)), json_object_get (row));
        }
    }

  return rows;
}

static void
read_keys_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Reload *reload = task_data;
  GError *error = NULL;

  reload->keys = read_keys (source_object, cancellable, &error);
  if (reload->keys == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* the comparison of two long lists is done here too */
  reload->changes = diff_keys (reload->shown, reload->keys);
  if (reload->changes->len > 0)
    reload->rows = read_rows_beside_focus (source_object, reload, cancellable);
  g_task_return_boolean (task, TRUE);
}

/**
 * dh_record_list_reload_async:
 *
 * Reads the ids of the list in a worker thread, then tells the views what
 * changed, on the caller's main context, as dh_record_list_reload() does:
 * a long list never holds up the user interface. The last reload asked
 * for wins: an earlier one that finishes after it changes nothing.
 */
void
dh_record_list_reload_async (DhRecordList        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Reload *reload;

  g_return_if_fail (DH_IS_RECORD_LIST (self));

  reload = g_new0 (Reload, 1);
  reload->serial = ++self->reload_serial;
  reload->focus_start = self->focus_start;
  reload->focus_end = self->focus_end;
  reload->shown = dh_list_keys_ref (self->keys);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dh_record_list_reload_async);
  g_task_set_task_data (task, reload, (GDestroyNotify) reload_free);
  g_task_run_in_thread (task, read_keys_in_thread);
}

gboolean
dh_record_list_reload_finish (DhRecordList  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  Reload *reload;

  g_return_val_if_fail (DH_IS_RECORD_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dh_record_list_reload_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  /* a later reload asked for wins; the keys shown are still those the
   * changes were worked out from, since only a reload replaces them */
  reload = g_task_get_task_data (G_TASK (result));
  if (reload->serial == self->reload_serial && reload->shown == self->keys)
    apply_keys (self, g_steal_pointer (&reload->keys), reload->changes, reload->rows);

  return TRUE;
}

/**
 * dh_record_list_set_focus:
 * @position: the first position a view shows
 * @n_items: how many it shows
 *
 * Where a view of the list looks. A reload tells the changes near it one
 * run at a time, so that the view keeps its rows there, and those far from
 * it in a few wider changes. Without a focus, every change is far but those
 * at the start.
 */
void
dh_record_list_set_focus (DhRecordList *self,
                          guint         position,
                          guint         n_items)
{
  g_return_if_fail (DH_IS_RECORD_LIST (self));

  self->focus_start = position;
  self->focus_end = position > G_MAXUINT - n_items ? G_MAXUINT : position + n_items;
}

guint
dh_record_list_get_n_cached_pages (DhRecordList *self)
{
  g_return_val_if_fail (DH_IS_RECORD_LIST (self), 0);

  return g_hash_table_size (self->pages);
}
