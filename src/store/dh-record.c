/* dh-record.c – one record as an object, for list models */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-record"

#include "config.h"

#include "dh-autocleanups.h"
#include "dh-entity.h"
#include "dh-record.h"

struct _DhRecord
{
  GObject      parent_instance;

  char        *entity;
  json_object *json;
  gboolean     loaded;
};

enum {
  PROP_0,
  PROP_ENTITY,
  PROP_ID,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DhRecord, dh_record, G_TYPE_OBJECT)

static void
dh_record_finalize (GObject *object)
{
  DhRecord *self = (DhRecord *) object;

  g_clear_pointer (&self->entity, g_free);
  g_clear_pointer (&self->json, json_object_put);

  G_OBJECT_CLASS (dh_record_parent_class)->finalize (object);
}

static void
dh_record_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  DhRecord *self = DH_RECORD (object);

  switch (prop_id)
    {
    case PROP_ENTITY:
      g_value_set_string (value, self->entity);
      break;

    case PROP_ID:
      g_value_set_string (value, dh_record_get_id (self));
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_record_class_init (DhRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dh_record_finalize;
  object_class->get_property = dh_record_get_property;

  properties[PROP_ENTITY] =
    g_param_spec_string ("entity", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * DhRecord:loaded:
   *
   * Whether the record holds its fields; a placeholder holds only its id.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dh_record_init (DhRecord *self)
{
}

static DhRecord *
dh_record_new_unloaded (const char  *entity,
                        json_object *json)
{
  DhRecord *self = g_object_new (DH_TYPE_RECORD, NULL);

  self->entity = g_strdup (entity);
  self->json = json_object_get (json);

  return self;
}

/* Takes a reference on json. */
DhRecord *
dh_record_new (const char  *entity,
               json_object *json)
{
  DhRecord *self;

  g_return_val_if_fail (entity != NULL, NULL);
  g_return_val_if_fail (json != NULL, NULL);

  self = dh_record_new_unloaded (entity, json);
  self->loaded = TRUE;

  return self;
}

/**
 * dh_record_new_placeholder:
 *
 * A record whose fields could not be read: it was deleted since its list
 * was counted, or the read failed. A list model hands one out rather than
 * nothing, and says what replaces it when it reloads; a view shows it as
 * an empty row.
 *
 * Returns: (transfer full): a record with only an id
 */
DhRecord *
dh_record_new_placeholder (const char *entity,
                           const char *id)
{
  g_autoptr(json_object) json = json_object_new_object ();

  g_return_val_if_fail (entity != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  json_object_object_add (json, DH_RECORD_ID, json_object_new_string (id));

  return dh_record_new_unloaded (entity, json);
}

gboolean
dh_record_is_loaded (DhRecord *self)
{
  g_return_val_if_fail (DH_IS_RECORD (self), FALSE);

  return self->loaded;
}

const char *
dh_record_get_entity (DhRecord *self)
{
  g_return_val_if_fail (DH_IS_RECORD (self), NULL);

  return self->entity;
}

const char *
dh_record_get_id (DhRecord *self)
{
  g_return_val_if_fail (DH_IS_RECORD (self), NULL);

  return dh_json_get_string (self->json, DH_RECORD_ID);
}

json_object *
dh_record_get_json (DhRecord *self)
{
  g_return_val_if_fail (DH_IS_RECORD (self), NULL);

  return self->json;
}

const char *
dh_record_get_string (DhRecord   *self,
                      const char *field)
{
  g_return_val_if_fail (DH_IS_RECORD (self), NULL);

  return dh_json_get_string (self->json, field);
}
