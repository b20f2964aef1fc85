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
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DhRecordList, dh_record_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static guint
n_items (DhRecordList *self)
{
  return self->keys != NULL ? self->keys->ids->len : 0;
}

static const char *
id_at (DhRecordList *self,
       guint         position)
{
  return g_ptr_array_index (self->keys->ids, position);
}

/* Forgets the pages from the one holding position on. */
static void
drop_pages_from (DhRecordList *self,
                 guint         position)
{
  guint first_page = position / PAGE_SIZE;
  GList *link = self->page_order.head;

  while (link != NULL)
    {
      GList *next = link->next;
      guint page = GPOINTER_TO_UINT (link->data);

      if (page >= first_page)
        {
          g_hash_table_remove (self->pages, link->data);
          g_queue_delete_link (&self->page_order, link);
        }
      link = next;
    }
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

static gpointer
dh_record_list_get_item (GListModel *model,
                         guint       position)
{
  DhRecordList *self = DH_RECORD_LIST (model);
  guint page = position / PAGE_SIZE;
  GPtrArray *records;

  if (position >= n_items (self))
    return NULL;

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

/* Takes the new keys and tells the views what changed, as narrowly as it
 * can, so that they keep their selection and scroll: the positions before
 * the first change and after the last keep their items; when the list
 * keeps its length, each run of changed positions is told apart. */
static void
apply_keys (DhRecordList *self,
            DhListKeys   *keys)
{
  g_autoptr(DhListKeys) old = g_steal_pointer (&self->keys);
  guint n_old = old->ids->len;
  guint n_new = keys->ids->len;
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < MIN (n_old, n_new) && same_record (old, prefix, keys, prefix))
    prefix++;
  while (suffix < MIN (n_old, n_new) - prefix &&
         same_record (old, n_old - 1 - suffix, keys, n_new - 1 - suffix))
    suffix++;

  self->keys = keys;
  if (prefix == n_old && n_old == n_new)
    return;

  drop_pages_from (self, prefix);

  if (n_old != n_new)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), prefix, n_old - prefix - suffix, n_new - prefix - suffix);
      return;
    }

  for (guint i = prefix; i < n_old - suffix;)
    {
      guint start = i;

      while (i < n_old - suffix && !same_record (old, i, keys, i))
        i++;
      if (i > start)
        g_list_model_items_changed (G_LIST_MODEL (self), start, i - start, i - start);
      while (i < n_old - suffix && same_record (old, i, keys, i))
        i++;
    }
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

  apply_keys (self, keys);
  return TRUE;
}

static void
read_keys_in_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  DhListKeys *keys = read_keys (source_object, cancellable, &error);

  if (keys == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, keys, (GDestroyNotify) dh_list_keys_free);
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

  g_return_if_fail (DH_IS_RECORD_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dh_record_list_reload_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (++self->reload_serial), NULL);
  g_task_run_in_thread (task, read_keys_in_thread);
}

gboolean
dh_record_list_reload_finish (DhRecordList  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  DhListKeys *keys;

  g_return_val_if_fail (DH_IS_RECORD_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dh_record_list_reload_async, FALSE);

  keys = g_task_propagate_pointer (G_TASK (result), error);
  if (keys == NULL)
    return FALSE;

  if (GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result))) != self->reload_serial)
    dh_list_keys_free (keys);
  else
    apply_keys (self, keys);

  return TRUE;
}

guint
dh_record_list_get_n_cached_pages (DhRecordList *self)
{
  g_return_val_if_fail (DH_IS_RECORD_LIST (self), 0);

  return g_hash_table_size (self->pages);
}
