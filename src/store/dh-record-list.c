/* dh-record-list.c – a GListModel that pages through a sorted, filtered list of the store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-record-list"

#include "config.h"

#include "dh-entity.h"
#include "dh-record-list.h"

/* A list view asks for the rows on screen and a few around them: pages of
 * 50 read in one query each, and only the last few pages kept, so that
 * 100,000 households never sit in memory at once. */
#define PAGE_SIZE 50
#define MAX_PAGES 16

struct _DhRecordList
{
  GObject      parent_instance;

  DhStore     *store;
  char        *entity;
  GStrv        filters;
  DhSort       sort;
  guint        n_items;
  GHashTable  *pages;       /* page number -> GPtrArray of DhRecord */
  GQueue       page_order;  /* page numbers, oldest first */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DhRecordList, dh_record_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
drop_pages (DhRecordList *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_order);
}

static GPtrArray *
load_page (DhRecordList  *self,
           guint          page,
           GError       **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  GPtrArray *records;
  DhQuery query = {
    .entity = self->entity,
    .filters = (const char * const *) self->filters,
    .sort = self->sort,
    .offset = page * PAGE_SIZE,
    .limit = PAGE_SIZE,
  };
  const char *entity_name;

  rows = dh_store_list (self->store, &query, error);
  if (rows == NULL)
    return NULL;

  entity_name = dh_entity_lookup_listed (self->entity, NULL)->name;
  records = g_ptr_array_new_full (rows->len, g_object_unref);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (records, dh_record_new (entity_name, g_ptr_array_index (rows, i)));

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
  return DH_RECORD_LIST (model)->n_items;
}

static gpointer
dh_record_list_get_item (GListModel *model,
                         guint       position)
{
  DhRecordList *self = DH_RECORD_LIST (model);
  guint page = position / PAGE_SIZE;
  GPtrArray *records;

  if (position >= self->n_items)
    return NULL;

  records = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (records == NULL)
    {
      g_autoptr(GError) error = NULL;

      records = load_page (self, page, &error);
      if (records == NULL)
        {
          g_warning ("Could not read the list: %s", error->message);
          return NULL;
        }
    }

  /* the store may have lost rows since the count; the model says so on reload */
  if (position % PAGE_SIZE >= records->len)
    return NULL;

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

  drop_pages (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dh_record_list_parent_class)->dispose (object);
}

static void
dh_record_list_finalize (GObject *object)
{
  DhRecordList *self = (DhRecordList *) object;

  g_clear_pointer (&self->pages, g_hash_table_unref);
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

static gint64
count_items (DhRecordList  *self,
             GError       **error)
{
  DhQuery query = {
    .entity = self->entity,
    .filters = (const char * const *) self->filters,
  };

  return dh_store_count (self->store, &query, error);
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
  gint64 n_items;

  g_return_val_if_fail (DH_IS_STORE (store), NULL);
  g_return_val_if_fail (entity != NULL, NULL);

  self = g_object_new (DH_TYPE_RECORD_LIST, NULL);
  self->store = g_object_ref (store);
  self->entity = g_strdup (entity);
  self->filters = g_strdupv ((char **) filters);
  self->sort = sort;

  n_items = count_items (self, error);
  if (n_items < 0)
    return NULL;
  self->n_items = (guint) n_items;

  return g_steal_pointer (&self);
}

/**
 * dh_record_list_reload:
 *
 * Reads the list again after the store changed, and tells the views.
 */
gboolean
dh_record_list_reload (DhRecordList  *self,
                       GError       **error)
{
  guint old_n_items;
  gint64 n_items;

  g_return_val_if_fail (DH_IS_RECORD_LIST (self), FALSE);

  n_items = count_items (self, error);
  if (n_items < 0)
    return FALSE;

  drop_pages (self);
  old_n_items = self->n_items;
  self->n_items = (guint) n_items;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);

  return TRUE;
}

guint
dh_record_list_get_n_cached_pages (DhRecordList *self)
{
  g_return_val_if_fail (DH_IS_RECORD_LIST (self), 0);

  return g_hash_table_size (self->pages);
}
