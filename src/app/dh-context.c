/* dh-context.c – what the windows of the application share: the store, the settings, the catalogues */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-context"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-context.h"
#include "dh-date.h"
#include "dh-entity.h"
#include "dh-money.h"

/* One object handed to every window and page, so that none of them opens
 * the store, reads the settings or loads the catalogues on its own; the
 * sync engine joins it when there is one. */
struct _DhContext
{
  GObject       parent_instance;

  DhStore      *store;
  GSettings    *settings;
  DhCatalogues *catalogues;
  GHashTable   *place_names;   /* admin_unit id -> name, filled as they are asked for */
  GHashTable   *last_visits;   /* household id -> GDate of its last visit (invalid: never) */
  GHashTable   *visits_wanted; /* household ids whose last visit a list row waits for */
  guint         visits_idle;   /* the read of them, to start when the rows are bound */
  gboolean      visits_reading;
  guint         visits_generation; /* what the store was when the read began: a change forgets */
};

G_DEFINE_FINAL_TYPE (DhContext, dh_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  LAST_VISITS_READ,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A place can be renamed by a sync, a visit recorded: forget what was
 * learnt of what changed. */
static void
on_store_changed (DhContext  *self,
                  const char *entity)
{
  if (g_strcmp0 (entity, "admin_unit") == 0)
    g_hash_table_remove_all (self->place_names);
  if (g_strcmp0 (entity, "visit") == 0 || g_strcmp0 (entity, "household") == 0)
    {
      g_hash_table_remove_all (self->last_visits);
      self->visits_generation++;
    }
}

static void
dh_context_constructed (GObject *object)
{
  DhContext *self = DH_CONTEXT (object);

  G_OBJECT_CLASS (dh_context_parent_class)->constructed (object);

  g_signal_connect_object (self->store, "changed", G_CALLBACK (on_store_changed),
                           self, G_CONNECT_SWAPPED);
}

static void
dh_context_finalize (GObject *object)
{
  DhContext *self = DH_CONTEXT (object);

  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->place_names, g_hash_table_unref);
  g_clear_pointer (&self->last_visits, g_hash_table_unref);
  g_clear_pointer (&self->visits_wanted, g_hash_table_unref);
  g_clear_handle_id (&self->visits_idle, g_source_remove);

  G_OBJECT_CLASS (dh_context_parent_class)->finalize (object);
}

static void
dh_context_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  DhContext *self = DH_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_context_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  DhContext *self = DH_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_context_class_init (DhContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = dh_context_constructed;
  object_class->finalize = dh_context_finalize;
  object_class->get_property = dh_context_get_property;
  object_class->set_property = dh_context_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         DH_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* the last visits that dh_context_peek_last_visit() did not know are known */
  signals[LAST_VISITS_READ] = g_signal_new ("last-visits-read", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
dh_context_init (DhContext *self)
{
  self->catalogues = dh_catalogues_get_default ();
  self->place_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->last_visits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->visits_wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * dh_context_get_last_visit:
 * @out_date: (out): the date of the household's latest visit, or an
 *   invalid date when it was never visited
 *
 * Read once per household and kept until a visit is written: a list binds
 * its rows many times a second while it scrolls.
 */
/* Any thread: the date of the household's latest visit, or an invalid one. */
static GDate *
read_last_visit (DhStore    *store,
                 const char *household_id)
{
  g_autofree char *filter = g_strdup_printf ("household=%s", household_id);
  const char *filters[] = { filter, NULL };
  DhQuery query = { .entity = "visit", .filters = filters, .sort = DH_SORT_NEWEST, .limit = 1 };
  g_autoptr(GPtrArray) visits = dh_store_list (store, &query, NULL);
  GDate *date = g_new0 (GDate, 1);

  g_date_clear (date, 1);
  if (visits != NULL && visits->len > 0)
    dh_date_parse (dh_json_get_string (g_ptr_array_index (visits, 0), "visited_on"), date, NULL);
  return date;
}

void
dh_context_get_last_visit (DhContext  *self,
                           const char *household_id,
                           GDate      *out_date)
{
  GDate *known;

  g_return_if_fail (DH_IS_CONTEXT (self));
  g_return_if_fail (household_id != NULL);

  known = g_hash_table_lookup (self->last_visits, household_id);
  if (known == NULL)
    {
      known = read_last_visit (self->store, household_id);
      g_hash_table_insert (self->last_visits, g_strdup (household_id), known);
    }

  *out_date = *known;
}

typedef struct
{
  DhStore   *store;
  GPtrArray *ids;
  guint      generation;
} VisitsRead;

static void
visits_read_free (VisitsRead *read)
{
  g_object_unref (read->store);
  g_ptr_array_unref (read->ids);
  g_free (read);
}

static void
read_visits_thread (GTask        *task,
                    gpointer      source,
                    gpointer      data,
                    GCancellable *cancellable)
{
  VisitsRead *read = data;
  GHashTable *dates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < read->ids->len; i++)
    g_hash_table_insert (dates, g_strdup (g_ptr_array_index (read->ids, i)),
                         read_last_visit (read->store, g_ptr_array_index (read->ids, i)));
  g_task_return_pointer (task, dates, (GDestroyNotify) g_hash_table_unref);
}

static gboolean start_reading_visits (gpointer data);

static void
visits_read (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  DhContext *self = DH_CONTEXT (source);
  VisitsRead *read = g_task_get_task_data (G_TASK (result));
  g_autoptr(GHashTable) dates = g_task_propagate_pointer (G_TASK (result), NULL);
  GHashTableIter iter;
  gpointer id, date;

  self->visits_reading = FALSE;
  /* a visit written meanwhile may have made a date read before it stale */
  if (dates != NULL && read->generation == self->visits_generation)
    {
      g_hash_table_iter_init (&iter, dates);
      while (g_hash_table_iter_next (&iter, &id, &date))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_replace (self->last_visits, id, date);
        }
    }
  else if (dates != NULL)
    for (guint i = 0; i < read->ids->len; i++)
      g_hash_table_add (self->visits_wanted, g_strdup (g_ptr_array_index (read->ids, i)));

  if (g_hash_table_size (self->visits_wanted) > 0 && self->visits_idle == 0)
    self->visits_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, start_reading_visits, self, NULL);
  g_signal_emit (self, signals[LAST_VISITS_READ], 0);
}

/* The rows bound in one go are read in one go, off the main thread. */
static gboolean
start_reading_visits (gpointer data)
{
  DhContext *self = data;
  g_autoptr(GTask) task = NULL;
  VisitsRead *read;
  GHashTableIter iter;
  gpointer id;

  self->visits_idle = 0;
  if (self->visits_reading || g_hash_table_size (self->visits_wanted) == 0)
    return G_SOURCE_REMOVE;

  read = g_new0 (VisitsRead, 1);
  read->store = g_object_ref (self->store);
  read->ids = g_ptr_array_new_with_free_func (g_free);
  read->generation = self->visits_generation;
  g_hash_table_iter_init (&iter, self->visits_wanted);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      g_hash_table_iter_steal (&iter);
      g_ptr_array_add (read->ids, id);
    }

  self->visits_reading = TRUE;
  task = g_task_new (self, NULL, visits_read, NULL);
  g_task_set_source_tag (task, start_reading_visits);
  g_task_set_task_data (task, read, (GDestroyNotify) visits_read_free);
  g_task_run_in_thread (task, read_visits_thread);
  return G_SOURCE_REMOVE;
}

/**
 * dh_context_peek_last_visit:
 * @out_date: (out): the date of the household's latest visit, or an
 *   invalid date when it was never visited
 *
 * What a list row shows: the last visit when it is known, without reading
 * the store on this thread. When it is not, it is read with the others the
 * rows bound meanwhile ask for, off this thread, and "last-visits-read" is
 * emitted once they are known.
 *
 * Returns: whether @out_date is known
 */
gboolean
dh_context_peek_last_visit (DhContext  *self,
                            const char *household_id,
                            GDate      *out_date)
{
  GDate *known;

  g_return_val_if_fail (DH_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (household_id != NULL, FALSE);

  known = g_hash_table_lookup (self->last_visits, household_id);
  if (known != NULL)
    {
      *out_date = *known;
      return TRUE;
    }
  g_hash_table_add (self->visits_wanted, g_strdup (household_id));
  if (!self->visits_reading && self->visits_idle == 0)
    self->visits_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, start_reading_visits, self, NULL);
  return FALSE;
}

DhContext *
dh_context_new (DhStore   *store,
                GSettings *settings)
{
  g_return_val_if_fail (DH_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (DH_TYPE_CONTEXT,
                       "store", store,
                       "settings", settings,
                       NULL);
}

DhStore *
dh_context_get_store (DhContext *self)
{
  g_return_val_if_fail (DH_IS_CONTEXT (self), NULL);

  return self->store;
}

GSettings *
dh_context_get_settings (DhContext *self)
{
  g_return_val_if_fail (DH_IS_CONTEXT (self), NULL);

  return self->settings;
}

DhCatalogues *
dh_context_get_catalogues (DhContext *self)
{
  g_return_val_if_fail (DH_IS_CONTEXT (self), NULL);

  return self->catalogues;
}

/**
 * dh_context_get_place_name:
 *
 * The name of the village, commune or province @id, as people read it; a
 * place the store does not have (yet) reads as such, never as its id.
 */
const char *
dh_context_get_place_name (DhContext  *self,
                           const char *id)
{
  const char *name;
  g_autoptr(json_object) place = NULL;

  g_return_val_if_fail (DH_IS_CONTEXT (self), NULL);

  if (id == NULL)
    return NULL;

  name = g_hash_table_lookup (self->place_names, id);
  if (name != NULL)
    return name;

  place = dh_store_get (self->store, "admin_unit", id, NULL);
  name = place != NULL ? dh_json_get_string (place, "name") : NULL;
  if (name == NULL)
    return _("Unknown place");

  g_hash_table_insert (self->place_names, g_strdup (id), g_strdup (name));

  return g_hash_table_lookup (self->place_names, id);
}

/**
 * dh_context_describe_value:
 *
 * A field of @record as a person reads it: labels for codes, names for
 * places, dates as dd/mm/yyyy, money as 1.500.000 ₫, yes or no. Returns
 * NULL when the field is empty.
 */
char *
dh_context_describe_value (DhContext   *self,
                           const char  *entity_name,
                           const char  *field_name,
                           json_object *record)
{
  const DhEntity *entity = dh_entity_lookup (entity_name);
  const DhField *field = entity != NULL ? dh_entity_get_field (entity, field_name) : NULL;
  json_object *value = NULL;

  g_return_val_if_fail (DH_IS_CONTEXT (self), NULL);

  if (field == NULL || !json_object_object_get_ex (record, field_name, &value) || value == NULL)
    return NULL;

  switch (field->type)
    {
    case DH_FIELD_ENUM:
    case DH_FIELD_CODE:
      {
        const char *code = json_object_get_string (value);
        const char *label = dh_field_get_value_label (field, code, self->catalogues);

        return g_strdup (label != NULL ? label : code);
      }

    case DH_FIELD_CODE_SET:
      {
        g_autoptr(GString) text = g_string_new (NULL);

        for (size_t i = 0; i < json_object_array_length (value); i++)
          {
            const char *code = json_object_get_string (json_object_array_get_idx (value, i));
            const char *label = dh_field_get_value_label (field, code, self->catalogues);

            if (text->len > 0)
              g_string_append (text, ", ");
            g_string_append (text, label != NULL ? label : code);
          }
        return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
      }

    case DH_FIELD_REF:
      if (g_strcmp0 (field->target, "admin_unit") == 0)
        return g_strdup (dh_context_get_place_name (self, json_object_get_string (value)));
      return NULL;

    case DH_FIELD_DATE:
      {
        GDate date;

        if (dh_date_parse (json_object_get_string (value), &date, NULL))
          return dh_date_format (&date);
        return g_strdup (json_object_get_string (value));
      }

    case DH_FIELD_MONEY:
      return dh_money_format (json_object_get_int64 (value));

    case DH_FIELD_BOOL:
      return g_strdup (json_object_get_boolean (value) ? _("Yes") : _("No"));

    case DH_FIELD_BIRTH_DATE:
      {
        const char *text = json_object_get_string (value);
        GDate date;

        if (strlen (text) > 4 && dh_date_parse (text, &date, NULL))
          return dh_date_format (&date);
        return g_strdup (text);
      }

    case DH_FIELD_TEXT:
    case DH_FIELD_NAME:
    case DH_FIELD_INT:
    case DH_FIELD_YEAR:
    case DH_FIELD_PHONE:
    case DH_FIELD_CITIZEN_ID:
    default:
      return g_strdup (json_object_get_string (value));
    }
}

/**
 * dh_context_load_settings:
 *
 * The application's settings: from the schemas installed with it, or, for a
 * program run from its build tree, from the schema compiled there.
 */
GSettings *
dh_context_load_settings (void)
{
  GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *program = g_file_read_link ("/proc/self/exe", NULL);

  if (program != NULL && g_str_has_prefix (program, DH_BUILD_ROOT "/"))
    {
      g_autofree char *directory = g_build_filename (DH_BUILD_ROOT, "data", NULL);
      g_autoptr(GSettingsSchemaSource) built = NULL;

      built = g_settings_schema_source_new_from_directory (directory, installed, FALSE, NULL);
      if (built != NULL)
        schema = g_settings_schema_source_lookup (built, APP_ID, FALSE);
    }

  if (schema == NULL && installed != NULL)
    schema = g_settings_schema_source_lookup (installed, APP_ID, TRUE);

  if (schema == NULL)
    g_error ("The settings schema %s is not installed; install Đồng Hành with meson install", APP_ID);

  return g_settings_new_full (schema, NULL, NULL);
}
