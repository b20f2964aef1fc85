/* dh-context.c – what the windows of the application share: the store, the settings, the catalogues, the sync engine */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-context"

#include "config.h"

#include <string.h>
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

  GNetworkMonitor *monitor;    /* NULL: GLib's default */
  DhSyncEngine *engine;
  GHashTable   *rejected;      /* household id -> NULL for each refused change of it; NULL until read */
  guint         n_rejected;    /* refused changes, as last read */
  DhSyncState   last_state;
  gboolean      own_sync;      /* the sync under way was asked for here, and reports here */
  gboolean      signed_in;     /* a server is set and a session kept, as last read */
};

G_DEFINE_FINAL_TYPE (DhContext, dh_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SETTINGS,
  PROP_NETWORK_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  LAST_VISITS_READ,
  SYNC_FINISHED,
  BADGES_CHANGED,
  ACCOUNT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void     forget_rejected (DhContext *self);
static gboolean read_signed_in  (DhContext *self);

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

  /* an edit adds a change to send; a sync takes some away */
  if (self->engine != NULL)
    dh_sync_engine_refresh (self->engine);
  forget_rejected (self);
}

/* A sync the engine ran by itself has ended: its report stayed with the
 * engine, so what is told is its outcome. */
static void
on_sync_state_changed (DhContext *self)
{
  DhSyncState state = dh_sync_engine_get_state (self->engine);
  DhSyncState was = self->last_state;

  self->last_state = state;
  if (state == DH_SYNC_STATE_SIGN_IN_NEEDED && self->signed_in)
    {
      /* the session ended on the server */
      self->signed_in = read_signed_in (self) && dh_sync_engine_get_last_error (self->engine) == NULL;
      g_signal_emit (self, signals[ACCOUNT_CHANGED], 0);
    }
  if (was != DH_SYNC_STATE_SYNCING || state == DH_SYNC_STATE_SYNCING)
    return;

  forget_rejected (self);
  g_signal_emit (self, signals[BADGES_CHANGED], 0);
  if (self->own_sync)
    return;

  if (state == DH_SYNC_STATE_ERROR || state == DH_SYNC_STATE_SIGN_IN_NEEDED)
    {
      g_autoptr(GError) error = g_error_new_literal (DH_SYNC_ERROR,
                                                     state == DH_SYNC_STATE_SIGN_IN_NEEDED ? DH_SYNC_ERROR_SIGN_IN : DH_SYNC_ERROR_SERVER,
                                                     dh_sync_engine_get_last_error (self->engine) != NULL
                                                     ? dh_sync_engine_get_last_error (self->engine)
                                                     : _("The sync failed"));

      g_signal_emit (self, signals[SYNC_FINISHED], 0, NULL, error);
    }
  else if (state == DH_SYNC_STATE_UP_TO_DATE || state == DH_SYNC_STATE_IDLE)
    g_signal_emit (self, signals[SYNC_FINISHED], 0, NULL, NULL);
}

static void
dh_context_constructed (GObject *object)
{
  DhContext *self = DH_CONTEXT (object);

  G_OBJECT_CLASS (dh_context_parent_class)->constructed (object);

  g_signal_connect_object (self->store, "changed", G_CALLBACK (on_store_changed),
                           self, G_CONNECT_SWAPPED);

  self->engine = g_object_new (DH_TYPE_SYNC_ENGINE,
                               "store", self->store,
                               "network-monitor", self->monitor,
                               NULL);
  self->last_state = dh_sync_engine_get_state (self->engine);
  self->signed_in = read_signed_in (self);
  g_signal_connect_object (self->engine, "notify::state", G_CALLBACK (on_sync_state_changed),
                           self, G_CONNECT_SWAPPED);

  /* made-up households never leave the store: no sync by itself, ever;
   * opened with a connection there already, the engine syncs at once */
  if (!dh_store_is_demo (self->store))
    dh_sync_engine_set_automatic (self->engine, TRUE);
}

static void
dh_context_dispose (GObject *object)
{
  DhContext *self = DH_CONTEXT (object);

  if (self->engine != NULL)
    dh_sync_engine_set_automatic (self->engine, FALSE);
  g_clear_object (&self->engine);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (dh_context_parent_class)->dispose (object);
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
  g_clear_pointer (&self->rejected, g_hash_table_unref);

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

    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
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

    case PROP_NETWORK_MONITOR:
      self->monitor = g_value_dup_object (value);
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
  object_class->dispose = dh_context_dispose;
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
  /* what says whether there is a network: GLib's default unless given */
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL,
                         G_TYPE_NETWORK_MONITOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* the last visits that dh_context_peek_last_visit() did not know are known */
  signals[LAST_VISITS_READ] = g_signal_new ("last-visits-read", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * DhContext::sync-finished:
   * @report: (nullable): what the sync did, when it was asked for with
   *   dh_context_sync(); NULL for one the engine ran by itself
   * @error: (nullable): why it failed
   */
  signals[SYNC_FINISHED] =
    g_signal_new ("sync-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_ERROR);

  /* the changes waiting, sent or refused may be others: badges are read again */
  signals[BADGES_CHANGED] =
    g_signal_new ("badges-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /* someone signed in or out */
  signals[ACCOUNT_CHANGED] =
    g_signal_new ("account-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
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
  return dh_context_new_full (store, settings, NULL);
}

/**
 * dh_context_new_full:
 * @monitor: (nullable): what tells the sync engine whether there is a
 *   network; NULL for GLib's default
 */
DhContext *
dh_context_new_full (DhStore         *store,
                     GSettings       *settings,
                     GNetworkMonitor *monitor)
{
  g_return_val_if_fail (DH_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor), NULL);

  return g_object_new (DH_TYPE_CONTEXT,
                       "store", store,
                       "settings", settings,
                       "network-monitor", monitor,
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

/* ---- the sync ------------------------------------------------------------ */

/* Returns: (transfer none): the one engine that syncs the store */
DhSyncEngine *
dh_context_get_sync_engine (DhContext *self)
{
  g_return_val_if_fail (DH_IS_CONTEXT (self), NULL);

  return self->engine;
}

/* Made-up households: the store refuses to send them anywhere. */
gboolean
dh_context_is_demo (DhContext *self)
{
  g_return_val_if_fail (DH_IS_CONTEXT (self), FALSE);

  return dh_store_is_demo (self->store);
}

/* Whether a server is set and someone holds a session on this device
 * (asks the keyring: read once, then after each sign-in and sign-out). */
static gboolean
read_signed_in (DhContext *self)
{
  g_autoptr(DhSyncSettings) settings = NULL;
  g_autofree char *token = NULL;

  settings = dh_sync_settings_load (self->store);
  if (settings->server == NULL || settings->username == NULL)
    return FALSE;
  token = dh_sync_token_load (dh_store_get_device_id (self->store), NULL);
  return token != NULL;
}

gboolean
dh_context_is_signed_in (DhContext *self)
{
  g_return_val_if_fail (DH_IS_CONTEXT (self), FALSE);

  return self->signed_in;
}

/* The commune's name where the store holds it (after a first pull), else its code. */
static char *
describe_commune (DhContext            *self,
                  const DhSyncSettings *settings)
{
  g_autoptr(json_object) commune = NULL;
  const char *name = NULL;

  if (settings->commune_id != NULL)
    commune = dh_store_get (self->store, "admin_unit", settings->commune_id, NULL);
  if (commune != NULL)
    name = dh_json_get_string (commune, "name");
  if (name != NULL)
    return g_strdup (name);
  return g_strdup (settings->commune_code);
}

/**
 * dh_context_describe_account:
 *
 * Who is signed in, for which commune, in a sentence; NULL when nobody is.
 */
char *
dh_context_describe_account (DhContext *self)
{
  g_autoptr(DhSyncSettings) settings = NULL;
  g_autofree char *commune = NULL;

  g_return_val_if_fail (DH_IS_CONTEXT (self), NULL);

  if (!dh_context_is_signed_in (self))
    return NULL;

  settings = dh_sync_settings_load (self->store);
  commune = describe_commune (self, settings);
  if (commune != NULL)
    /* Translators: "Signed in as lan.hoang, for Xã Tân Lập" */
    return g_strdup_printf (_("Signed in as %s, for %s"), settings->username, commune);
  /* Translators: a province administrator's account, for no one commune */
  return g_strdup_printf (_("Signed in as %s, for the whole province"), settings->username);
}

static void
context_sync_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DhContext) self = user_data;
  g_auto(DhSyncReport) report = { 0 };
  g_autoptr(GError) error = NULL;

  dh_sync_engine_sync_finish (DH_SYNC_ENGINE (source), result, &report, &error);
  self->own_sync = FALSE;
  forget_rejected (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    return;
  g_signal_emit (self, signals[SYNC_FINISHED], 0, &report, error);
}

/**
 * dh_context_sync:
 *
 * Syncs now, off the main thread; DhContext::sync-finished tells how it
 * went. Returns FALSE when nothing was started: a demo store, or a sync
 * under way already (whose end is told all the same).
 */
gboolean
dh_context_sync (DhContext *self)
{
  g_return_val_if_fail (DH_IS_CONTEXT (self), FALSE);

  if (dh_store_is_demo (self->store) ||
      dh_sync_engine_get_state (self->engine) == DH_SYNC_STATE_SYNCING)
    return FALSE;

  self->own_sync = TRUE;
  dh_sync_engine_sync_async (self->engine, NULL, context_sync_done, g_object_ref (self));
  return TRUE;
}

static void
forget_rejected (DhContext *self)
{
  g_clear_pointer (&self->rejected, g_hash_table_unref);
}

/* The household a change belongs to: its own record, or the one its
 * member, visit, review, plan or support entry names. */
static char *
household_of_change (DhContext   *self,
                     json_object *change)
{
  const char *entity = dh_json_get_string (change, "e");
  const char *record_id = dh_json_get_string (change, "r");
  g_autoptr(json_object) record = NULL;

  if (g_strcmp0 (entity, "household") == 0)
    return g_strdup (record_id);
  if (entity == NULL || record_id == NULL)
    return NULL;

  record = dh_store_get (self->store, entity, record_id, NULL);
  return record != NULL ? g_strdup (dh_json_get_string (record, "household")) : NULL;
}

/* The refused changes are few and read once after each sync or edit,
 * never once per row of a list. */
static void
read_rejected (DhContext *self)
{
  g_autoptr(GPtrArray) queue = NULL;

  if (self->rejected != NULL)
    return;

  self->rejected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->n_rejected = 0;
  queue = dh_store_list_queue (self->store, TRUE, 0, NULL);
  for (guint i = 0; queue != NULL && i < queue->len; i++)
    {
      json_object *change = json_object_object_get (g_ptr_array_index (queue, i), "change");
      char *household = household_of_change (self, change);

      self->n_rejected++;
      if (household != NULL)
        g_hash_table_add (self->rejected, household);
    }
}

/* How many changes made here the province refused. */
guint
dh_context_count_rejected (DhContext *self)
{
  g_return_val_if_fail (DH_IS_CONTEXT (self), 0);

  read_rejected (self);
  return self->n_rejected;
}

/**
 * dh_context_retry_rejected:
 * @out_count: (out) (optional): how many go again
 *
 * Puts the changes the province refused back in the queue as they are,
 * and syncs at once when signed in: for when what refused them is gone.
 */
gboolean
dh_context_retry_rejected (DhContext  *self,
                           guint      *out_count,
                           GError    **error)
{
  g_return_val_if_fail (DH_IS_CONTEXT (self), FALSE);

  if (!dh_store_retry_rejected (self->store, out_count, error))
    return FALSE;

  forget_rejected (self);
  g_signal_emit (self, signals[BADGES_CHANGED], 0);
  if (dh_context_is_signed_in (self))
    dh_context_sync (self);

  return TRUE;
}

/**
 * dh_context_get_record_sync:
 *
 * Whether the changes of @household (or of what belongs to it) were
 * refused by the province, wait to be sent, or are all there.
 */
DhRecordSync
dh_context_get_record_sync (DhContext   *self,
                            json_object *household)
{
  const char *state;

  g_return_val_if_fail (DH_IS_CONTEXT (self), DH_RECORD_SYNC_SENT);

  read_rejected (self);
  if (g_hash_table_contains (self->rejected, dh_json_get_string (household, DH_RECORD_ID)))
    return DH_RECORD_SYNC_REJECTED;

  state = dh_json_get_string (household, "sync_state");
  if (state != NULL && g_strcmp0 (state, "synced") != 0)
    return DH_RECORD_SYNC_WAITING;
  return DH_RECORD_SYNC_SENT;
}

/**
 * dh_context_describe_change:
 * @change: a change as it travels (dh-change.h)
 *
 * What a change was about, as people read it: the household's head and
 * the kind of record, never an id.
 */
char *
dh_context_describe_change (DhContext   *self,
                            json_object *change)
{
  const DhEntity *entity;
  g_autofree char *household_id = NULL;
  g_autoptr(json_object) household = NULL;
  const char *head = NULL;
  const char *kind;

  g_return_val_if_fail (DH_IS_CONTEXT (self), NULL);

  entity = dh_entity_lookup (dh_json_get_string (change, "e"));
  kind = entity != NULL ? dh_entity_get_label (entity) : _("record");

  household_id = household_of_change (self, change);
  if (household_id != NULL)
    household = dh_store_get (self->store, "household", household_id, NULL);
  if (household != NULL)
    head = dh_json_get_string (household, "head_name");

  if (head != NULL)
    /* Translators: the head of a household, then what was changed: "Nguyễn Văn An · visit" */
    return g_strdup_printf (_("%s · %s"), head, kind);
  /* Translators: %s is what was changed: "visit" */
  return g_strdup_printf (_("A household no longer on this computer · %s"), kind);
}

/* Signing in */

typedef struct
{
  char *server;
  char *ca_file;
  char *pin;
  char *username;
  char *password;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->server);
  g_free (sign_in->ca_file);
  g_free (sign_in->pin);
  g_free (sign_in->username);
  if (sign_in->password != NULL)
    memset (sign_in->password, 0, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in);
}

static void
sign_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DhContext *self = source_object;
  SignIn *sign_in = task_data;
  g_autoptr(json_object) me = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DhSyncSettings) settings = NULL;
  const char *commune_id;

  if (!dh_sync_check_server_url (sign_in->server, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  me = dh_sync_sign_in (self->store, sign_in->server, sign_in->ca_file, sign_in->pin,
                        sign_in->username, sign_in->password, cancellable, &error);
  if (me == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* a new store learns its commune's name from the first page, where the
   * places come: the caseworker sees at once where they signed in */
  commune_id = dh_json_get_string (me, "commune_id");
  if (commune_id != NULL)
    {
      g_autoptr(json_object) commune = dh_store_get (self->store, "admin_unit", commune_id, NULL);

      if (commune == NULL)
        {
          g_autofree char *token = dh_sync_token_load (dh_store_get_device_id (self->store), NULL);
          g_autoptr(DhSyncClient) client = dh_sync_client_new (sign_in->server, sign_in->ca_file, NULL, NULL);
          g_auto(DhSyncReport) first = { 0 };

          if (client != NULL && token != NULL)
            {
              dh_sync_client_set_token (client, token);
              dh_sync_client_set_cancellable (client, cancellable);
              /* the full sync that follows brings the rest, and tells what failed */
              dh_sync_pull_pages (self->store, client, 1, &first, cancellable, NULL);
            }
        }
    }

  settings = dh_sync_settings_load (self->store);
  g_task_return_pointer (task, describe_commune (self, settings), g_free);
}

/**
 * dh_context_sign_in_async:
 * @ca_file: (nullable): the province's certificate, when its server's is
 *   not signed by a public authority
 * @pin: (nullable): sha256//BASE64 of the server's public key, when the
 *   province gave one
 *
 * Signs in to the province's server in a worker thread, keeps the session
 * and learns the commune's name.
 */
void
dh_context_sign_in_async (DhContext           *self,
                          const char          *server,
                          const char          *ca_file,
                          const char          *pin,
                          const char          *username,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignIn *sign_in;

  g_return_if_fail (DH_IS_CONTEXT (self));
  g_return_if_fail (server != NULL && username != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dh_context_sign_in_async);
  sign_in = g_new0 (SignIn, 1);
  sign_in->server = g_strdup (server);
  sign_in->ca_file = g_strdup (ca_file);
  sign_in->pin = g_strdup (pin);
  sign_in->username = g_strdup (username);
  sign_in->password = g_strdup (password);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  g_task_run_in_thread (task, sign_in_thread);
}

/**
 * dh_context_sign_in_finish:
 *
 * Returns: (transfer full): the name of the commune signed in for (or its
 *   code, or an empty string for the whole province); NULL with @error set
 *   when the sign-in failed. A first sync has started then.
 */
char *
dh_context_sign_in_finish (DhContext     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  char *commune;

  g_return_val_if_fail (DH_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  commune = g_task_propagate_pointer (G_TASK (result), error);
  if (commune == NULL && (error == NULL || *error == NULL))
    commune = g_strdup ("");
  if (commune == NULL)
    return NULL;

  self->signed_in = TRUE;
  dh_sync_engine_refresh (self->engine);
  forget_rejected (self);
  g_signal_emit (self, signals[ACCOUNT_CHANGED], 0);
  dh_context_sync (self);
  return commune;
}

/* Forgets the session; every change waiting stays, for the next sign-in. */
gboolean
dh_context_sign_out (DhContext  *self,
                     GError    **error)
{
  g_return_val_if_fail (DH_IS_CONTEXT (self), FALSE);

  if (!dh_sync_token_forget (dh_store_get_device_id (self->store), error))
    return FALSE;
  self->signed_in = FALSE;
  dh_sync_engine_refresh (self->engine);
  g_signal_emit (self, signals[ACCOUNT_CHANGED], 0);
  return TRUE;
}
