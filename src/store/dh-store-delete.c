/* dh-store-delete.c – deleting a record, with what belongs to it, and restoring it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dh-error.h"
#include "dh-merge.h"
#include "dh-store-private.h"

static gboolean delete_unlocked (DhStore *, const DhEntity *, const char *, const char *, GError **);

/* The ids of a household's records of one entity. */
static GPtrArray *
list_children (DhStore     *self,
               const char  *entity,
               const char  *household_id,
               const char  *condition,
               GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM \"%s\" WHERE household = ?1 AND %s", entity, condition);

  return dh_store_select_ids (self, sql, household_id, error);
}

static const char * const household_children[] = { "member", "visit", "assessment", "exit_plan", "support" };

/* A household's members, visits, reviews, plans and planned support go
 * with it, under the same clock, so that restoring it brings back what
 * went with it; delivered support stays in the ledger as history. */
static gboolean
delete_children (DhStore     *self,
                 const char  *household_id,
                 const char  *clock,
                 GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (household_children); i++)
    {
      const char *entity = household_children[i];
      g_autoptr(GPtrArray) ids = list_children (self, entity, household_id,
                                                g_str_equal (entity, "support") ?
                                                "deleted = 0 AND status = 'planned' AND voids IS NULL" : "deleted = 0",
                                                error);

      if (ids == NULL)
        return FALSE;
      for (guint j = 0; j < ids->len; j++)
        {
          if (!delete_unlocked (self, dh_entity_lookup (entity), g_ptr_array_index (ids, j), clock, error))
            return FALSE;
        }
    }

  return TRUE;
}

static gboolean
delete_unlocked (DhStore         *self,
                 const DhEntity  *entity,
                 const char      *id,
                 const char      *with_clock,
                 GError         **error)
{
  g_autoptr(json_object) existing = NULL;
  g_autoptr(json_object) changed = NULL;
  g_autofree char *clock = NULL;
  gboolean ok;

  if (!dh_store_write_begin (self, error))
    return FALSE;

  existing = dh_store_get_row (self, entity, id, FALSE, error);
  ok = existing != NULL &&
       !(entity->seal_field != NULL && dh_store_refuse_ledger_change (existing, error));
  if (!ok)
    return dh_store_write_end (self, FALSE, error);

  clock = with_clock != NULL ? g_strdup (with_clock) : dh_hlc_now (self->hlc);
  changed = json_object_new_object ();
  json_object_object_add (changed, DH_RECORD_DELETED, json_object_new_boolean (TRUE));

  ok = dh_store_write_changed_fields (self, entity, id, existing, changed, clock, TRUE, error) &&
       (!g_str_equal (entity->name, "household") || delete_children (self, id, clock, error)) &&
       dh_store_refresh_search_for (self, entity, existing, error);

  return dh_store_write_end (self, ok, error);
}

/* Undoes a deletion, with what went with it: an official's answer to a
 * record deleted while someone elsewhere was still working on it. */
static gboolean
restore_unlocked (DhStore         *self,
                  const DhEntity  *entity,
                  const char      *id,
                  const char      *with_clock,
                  GError         **error)
{
  g_autoptr(json_object) existing = NULL;
  g_autoptr(json_object) state = NULL;
  g_autoptr(json_object) changed = NULL;
  g_autofree char *clock = NULL;
  DhWrite deletion;
  gboolean ok;

  if (!dh_store_write_begin (self, error))
    return FALSE;

  existing = dh_store_get_row (self, entity, id, TRUE, error);
  state = existing != NULL ? dh_store_load_state (self, entity, id, error) : NULL;
  if (state == NULL)
    return dh_store_write_end (self, FALSE, error);
  if (!dh_merge_state_is_deleted (state))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND,
                   _("This %s is not deleted; there is nothing to restore"), dh_entity_get_label (entity));
      return dh_store_write_end (self, FALSE, error);
    }
  dh_merge_state_get_write (state, DH_RECORD_DELETED, &deletion);

  /* a member, a visit, an entry comes back into a live household only; a
   * household brings back its own */
  if (with_clock == NULL && dh_entity_get_field (entity, "household") != NULL &&
      dh_json_get_string (existing, "household") != NULL)
    {
      g_autoptr(json_object) household = dh_store_get_row (self, dh_entity_lookup ("household"),
                                                           dh_json_get_string (existing, "household"), FALSE, NULL);

      if (household == NULL)
        {
          g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                       _("The household of this %s is deleted; restore the household first"),
                       dh_entity_get_label (entity));
          return dh_store_write_end (self, FALSE, error);
        }
    }

  clock = with_clock != NULL ? g_strdup (with_clock) : dh_hlc_now (self->hlc);
  changed = json_object_new_object ();
  json_object_object_add (changed, DH_RECORD_DELETED, json_object_new_boolean (FALSE));
  ok = dh_store_write_changed_fields (self, entity, id, existing, changed, clock, FALSE, error);

  if (ok && g_str_equal (entity->name, "household"))
    {
      for (guint i = 0; ok && i < G_N_ELEMENTS (household_children); i++)
        {
          const DhEntity *child_entity = dh_entity_lookup (household_children[i]);
          g_autoptr(GPtrArray) ids = list_children (self, child_entity->name, id, "deleted = 1", error);

          ok = ids != NULL;
          for (guint j = 0; ok && j < ids->len; j++)
            {
              g_autoptr(json_object) child = dh_store_load_state (self, child_entity, g_ptr_array_index (ids, j), error);
              DhWrite child_deletion;

              ok = child != NULL;
              if (ok && dh_merge_state_get_write (child, DH_RECORD_DELETED, &child_deletion) &&
                  g_strcmp0 (child_deletion.clock, deletion.clock) == 0)
                ok = restore_unlocked (self, child_entity, g_ptr_array_index (ids, j), clock, error);
            }
        }
    }

  if (ok)
    {
      g_autoptr(json_object) row = dh_store_get_row (self, entity, id, TRUE, error);

      ok = row != NULL && dh_store_refresh_derived (self, entity, row, FALSE, error);
    }

  return dh_store_write_end (self, ok, error);
}

typedef gboolean (*TombstoneFunc) (DhStore *, const DhEntity *, const char *, const char *, GError **);

/* The public side of deleting and restoring: the entity by name, the lock. */
static gboolean
run_locked (DhStore        *self,
            TombstoneFunc   func,
            const char     *entity_name,
            const char     *id,
            GError        **error)
{
  const char *unit_kind = NULL;
  const DhEntity *entity;
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  entity = dh_store_lookup_entity (entity_name, &unit_kind, error);
  if (entity == NULL || !dh_store_check_place_kind (self, unit_kind, id, error))
    return FALSE;

  dh_store_lock (self);
  ok = func (self, entity, id, NULL, error);
  dh_store_unlock (self);

  return ok;
}

gboolean
dh_store_restore (DhStore     *self,
                  const char  *entity_name,
                  const char  *id,
                  GError     **error)
{
  return run_locked (self, restore_unlocked, entity_name, id, error);
}

gboolean
dh_store_delete (DhStore     *self,
                 const char  *entity_name,
                 const char  *id,
                 GError     **error)
{
  return run_locked (self, delete_unlocked, entity_name, id, error);
}
