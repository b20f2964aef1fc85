/* dh-store-conflicts.c – the conflicts an official settles */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-change.h"
#include "dh-error.h"
#include "dh-merge.h"
#include "dh-store-private.h"

static void
add_current_write (json_object  *entry,
                   json_object  *state,
                   const char   *field)
{
  DhWrite current;

  if (state == NULL || !dh_merge_state_get_write (state, field, &current))
    return;

  json_object_object_add (entry, "kept_value",
                          current.value == NULL ? NULL :
                          json_object_is_type (current.value, json_type_string) ? json_object_get (current.value) :
                          json_object_new_string (json_object_to_json_string_ext (current.value, JSON_C_TO_STRING_PLAIN)));
  json_object_object_add (entry, "kept_clock", json_object_new_string (current.clock));
  if (current.author != NULL)
    json_object_object_add (entry, "kept_by", json_object_new_string (current.author));
}

static void
add_deletion_conflict (GPtrArray       *conflicts,
                       const DhEntity  *entity,
                       const char      *id,
                       json_object     *state,
                       const DhWrite   *edit,
                       const char      *edited_entity,
                       const char      *edited_id)
{
  json_object *entry = json_object_new_object ();
  DhWrite deletion, commune;

  dh_merge_state_get_write (state, DH_RECORD_DELETED, &deletion);
  json_object_object_add (entry, "entity", json_object_new_string (entity->name));
  json_object_object_add (entry, "record_id", json_object_new_string (id));
  json_object_object_add (entry, "field", json_object_new_string (DH_RECORD_DELETED));
  if (dh_merge_state_get_write (state, "commune", &commune) && commune.value != NULL)
    json_object_object_add (entry, "commune", json_object_get (commune.value));
  json_object_object_add (entry, "kept_value", json_object_new_string ("deleted"));
  json_object_object_add (entry, "kept_clock", json_object_new_string (deletion.clock));
  if (deletion.author != NULL)
    json_object_object_add (entry, "kept_by", json_object_new_string (deletion.author));
  json_object_object_add (entry, "lost_entity", json_object_new_string (edited_entity));
  json_object_object_add (entry, "lost_record_id", json_object_new_string (edited_id));
  json_object_object_add (entry, "lost_clock", json_object_new_string (edit->clock));
  if (edit->author != NULL)
    json_object_object_add (entry, "lost_by", json_object_new_string (edit->author));
  g_ptr_array_add (conflicts, entry);
}

/* Records deleted while someone elsewhere was still writing to them, or,
 * for a household, to what belongs to it: read from the merged state, so
 * every copy finds the same ones. */
static gboolean
find_deletion_conflicts (DhStore    *self,
                         GPtrArray  *conflicts,
                         GError    **error)
{
  guint n_entities;
  const DhEntity * const *entities = dh_entity_list_all (&n_entities);

  for (guint i = 0; i < n_entities; i++)
    {
      g_autofree char *sql = NULL;
      g_autoptr(GPtrArray) ids = NULL;

      if (entities[i]->derived)
        continue;
      sql = g_strdup_printf ("SELECT id FROM \"%s\" WHERE deleted = 1 ORDER BY id", entities[i]->name);
      ids = dh_store_select_ids (self, sql, NULL, error);
      if (ids == NULL)
        return FALSE;

      for (guint j = 0; j < ids->len; j++)
        {
          const char *id = g_ptr_array_index (ids, j);
          g_autoptr(json_object) state = dh_store_load_state (self, entities[i], id, error);
          DhWrite edit, deletion;
          gboolean found = FALSE;

          if (state == NULL)
            return FALSE;
          if (dh_merge_state_unseen_edit (state, &edit))
            {
              add_deletion_conflict (conflicts, entities[i], id, state, &edit, entities[i]->name, id);
              continue;
            }
          if (!g_str_equal (entities[i]->name, "household"))
            continue;

          /* a member, a visit, ... added or changed unseen by the deleter */
          dh_merge_state_get_write (state, DH_RECORD_DELETED, &deletion);
          for (guint k = 0; k < n_entities && !found; k++)
            {
              const DhField *parent = dh_entity_get_field (entities[k], "household");
              g_autofree char *children_sql = NULL;
              g_autoptr(GPtrArray) children = NULL;

              if (parent == NULL || parent->type != DH_FIELD_REF)
                continue;
              children_sql = g_strdup_printf ("SELECT id FROM \"%s\" WHERE household = ?1 ORDER BY id", entities[k]->name);
              children = dh_store_select_ids (self, children_sql, id, error);
              if (children == NULL)
                return FALSE;
              for (guint c = 0; c < children->len && !found; c++)
                {
                  g_autoptr(json_object) child = dh_store_load_state (self, entities[k], g_ptr_array_index (children, c), error);

                  if (child == NULL)
                    return FALSE;
                  {
                    json_object_object_foreach (child, key, json)
                      {
                        DhWrite write;

                        (void) key;
                        /* the deletion's own cascade carries its clock */
                        if (dh_write_from_json (json, &write) && strcmp (write.clock, deletion.base) > 0 &&
                            strcmp (write.clock, deletion.clock) != 0)
                          {
                            add_deletion_conflict (conflicts, entities[i], id, state, &write,
                                                   entities[k]->name, g_ptr_array_index (children, c));
                            found = TRUE;
                            break;
                          }
                      }
                  }
                }
            }
        }
    }

  return TRUE;
}

/**
 * dh_store_list_conflicts:
 * @include_settled: also the ones an official has settled
 *
 * Returns: (transfer full) (element-type json_object): each conflict with
 *   what the record holds now (kept_value, kept_by, kept_clock) beside
 *   what was lost; then the records deleted while someone elsewhere was
 *   still writing to them (field "deleted", lost_entity and lost_record_id
 *   naming what was written), which an official restores or deletes again.
 */
GPtrArray *
dh_store_list_conflicts (DhStore   *self,
                         gboolean   include_settled,
                         GError   **error)
{
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  const DhEntity *conflict_entity = dh_entity_lookup ("conflict");
  g_autoptr(GPtrArray) ids = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  dh_store_lock (self);
  ids = dh_store_select_ids (self,
                    include_settled ? "SELECT id FROM conflict WHERE deleted = 0 ORDER BY lost_clock, id"
                                    : "SELECT id FROM conflict WHERE deleted = 0 AND settled_on IS NULL ORDER BY lost_clock, id",
                    NULL, error);
  ok = ids != NULL;
  for (guint i = 0; ok && i < ids->len; i++)
    {
      json_object *entry = dh_store_get_row (self, conflict_entity, g_ptr_array_index (ids, i), FALSE, error);
      const DhEntity *about;
      g_autoptr(json_object) state = NULL;

      ok = entry != NULL;
      if (!ok)
        break;
      about = dh_entity_lookup (dh_json_get_string (entry, "entity"));
      if (about != NULL)
        state = dh_store_load_state (self, about, dh_json_get_string (entry, "record_id"), NULL);
      add_current_write (entry, state, dh_json_get_string (entry, "field"));
      g_ptr_array_add (conflicts, entry);
    }
  ok = ok && find_deletion_conflicts (self, conflicts, error);
  dh_store_unlock (self);

  return ok ? g_steal_pointer (&conflicts) : NULL;
}
