/* dh-merge.c – the one merge of a change into a record, shared by devices and the server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-merge"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-merge.h"

static gboolean
same_value (json_object *a,
            json_object *b)
{
  return dh_json_equal (a, b);
}

static const char *
value_text (json_object *value)
{
  if (value == NULL)
    return "null";

  return json_object_to_json_string_ext (value, JSON_C_TO_STRING_PLAIN);
}

/**
 * dh_merge_write:
 * @stored: (nullable): the write a field holds, or %NULL if it was never written
 * @incoming: the write that arrives
 * @out_concurrent: (out) (optional): whether the winner's author had not
 *   seen the loser and their values differ: a conflict
 *
 * Last writer wins on the clock; the device suffix of the clock breaks
 * ties, so two merge points always pick the same write.
 */
DhMergeOutcome
dh_merge_write (const DhWrite *stored,
                const DhWrite *incoming,
                gboolean      *out_concurrent)
{
  const DhWrite *winner, *loser;
  DhMergeOutcome outcome;
  int order;

  g_return_val_if_fail (incoming != NULL && incoming->clock != NULL, DH_MERGE_KEEP);

  if (out_concurrent != NULL)
    *out_concurrent = FALSE;

  if (stored == NULL || stored->clock == NULL)
    return DH_MERGE_TAKE;

  order = strcmp (incoming->clock, stored->clock);
  if (order == 0)
    {
      /* One clock is one write; two values under it can only come from a
       * damaged or forged change. Still decide the same way everywhere. */
      int by_base, by_author;

      if (!same_value (stored->value, incoming->value))
        return strcmp (value_text (incoming->value), value_text (stored->value)) > 0 ? DH_MERGE_TAKE : DH_MERGE_KEEP;

      /* the same write as it should be; told apart all the same, so that
       * copies that somehow recorded it differently still end alike */
      by_base = g_strcmp0 (incoming->base != NULL ? incoming->base : "", stored->base != NULL ? stored->base : "");
      by_author = g_strcmp0 (incoming->author, stored->author);
      if (by_base > 0 || (by_base == 0 && by_author > 0))
        return DH_MERGE_TAKE;
      return DH_MERGE_SAME;
    }

  outcome = order > 0 ? DH_MERGE_TAKE : DH_MERGE_KEEP;
  winner = order > 0 ? incoming : stored;
  loser = order > 0 ? stored : incoming;

  /* The base is the clock of the value the author replaced: a base older
   * than the loser means the winner overwrote it unseen. */
  if (out_concurrent != NULL)
    *out_concurrent = strcmp (winner->base != NULL ? winner->base : "", loser->clock) < 0 &&
                      !same_value (winner->value, loser->value);

  return outcome;
}

gboolean
dh_merge_state_get_write (json_object *state,
                          const char  *field,
                          DhWrite     *out_write)
{
  json_object *json;

  if (state == NULL || !json_object_object_get_ex (state, field, &json))
    return FALSE;

  return dh_write_from_json (json, out_write);
}

gboolean
dh_merge_state_is_deleted (json_object *state)
{
  DhWrite deleted;

  return dh_merge_state_get_write (state, DH_RECORD_DELETED, &deleted) &&
         deleted.value != NULL && json_object_get_boolean (deleted.value);
}

const char *
dh_merge_state_latest_clock (json_object *state)
{
  const char *latest = "";

  json_object_object_foreach (state, key, json)
    {
      DhWrite write;

      (void) key;
      if (dh_write_from_json (json, &write) && strcmp (write.clock, latest) > 0)
        latest = write.clock;
    }

  return latest;
}

void
dh_merge_describe_add (DhMergeDescription *description,
                       const DhWrite      *write)
{
  /* the writes of one change mostly share its clock, one string */
  if (write->clock == description->made && write->clock == description->latest)
    return;
  if (description->made == NULL || strcmp (write->clock, description->made) < 0)
    {
      description->made = write->clock;
      description->maker = write->author;
    }
  if (strcmp (write->clock, description->latest) > 0)
    {
      description->latest = write->clock;
      description->latest_author = write->author;
    }
}

/* The earliest write is the record's making; "clocks" keeps every other. */
void
dh_merge_state_describe (json_object  *state,
                         const char  **out_made,
                         const char  **out_maker,
                         const char  **out_latest,
                         const char  **out_latest_author)
{
  DhMergeDescription description = DH_MERGE_DESCRIPTION_INIT;

  {
    json_object_object_foreach (state, key, json)
      {
        DhWrite write;

        (void) key;
        if (dh_write_from_json (json, &write))
          dh_merge_describe_add (&description, &write);
      }
  }

  *out_made = description.made;
  *out_maker = description.maker;
  *out_latest = description.latest;
  *out_latest_author = description.latest_author;
}

/**
 * dh_merge_state_to_change:
 * @commune: (nullable): the commune the record belongs to
 *
 * A record's state as one change: what a first download brings and what
 * copies compare. Its maker signs the envelope, so that the writes of the
 * making carry neither clock nor author of their own on the wire.
 */
DhChange *
dh_merge_state_to_change (const DhEntity *entity,
                          const char     *record_id,
                          const char     *commune,
                          json_object    *state)
{
  const char *made, *maker, *latest, *latest_author;
  DhChange *change;

  dh_merge_state_describe (state, &made, &maker, &latest, &latest_author);
  change = dh_change_new (entity, record_id, commune, maker, latest[0] != '\0' ? latest : "0000000000000000-0000000000000000");
  {
    json_object_object_foreach (state, key, json)
      {
        DhWrite write;

        if (dh_write_from_json (json, &write))
          dh_change_set_write (change, key, write.value, write.base, write.clock, write.author);
      }
  }

  return change;
}

/**
 * dh_merge_state_from_wire:
 * @wire: dh_change_to_json() of dh_merge_state_to_change(): a record's
 *   state as the one change a pull sends
 *
 * The state that change was made of, each field's write whole again: the
 * server keeps a record once, as what a pull sends, and merges into the
 * state read back from it. Nothing is checked, as this program wrote it;
 * an entry in no form a change has is left out.
 *
 * Returns: (transfer full): the state, an empty one if @wire has no fields
 */
json_object *
dh_merge_state_from_wire (json_object *wire)
{
  json_object *state = json_object_new_object ();
  json_object *fields;

  if (!json_object_object_get_ex (wire, "f", &fields) || !json_object_is_type (fields, json_type_object))
    return state;

  {
    json_object_object_foreach (fields, key, entry)
      {
        DhWrite write;

        if (dh_change_wire_read_entry (wire, key, entry, &write))
          json_object_object_add (state, key, dh_write_to_json (&write));
      }
  }

  return state;
}

/* The same conflict found at two merge points must be one record: its id
 * is a name-based UUID (version 8, from SHA-256) of what lost. */
char *
dh_merge_conflict_id (const char *entity,
                      const char *record_id,
                      const char *field,
                      const char *lost_clock)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) "donghanh-conflict\n", -1);
  g_checksum_update (checksum, (const guchar *) entity, -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_checksum_update (checksum, (const guchar *) record_id, -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_checksum_update (checksum, (const guchar *) field, -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_checksum_update (checksum, (const guchar *) lost_clock, -1);
  g_checksum_get_digest (checksum, digest, &length);

  digest[6] = (digest[6] & 0x0f) | 0x80;
  digest[8] = (digest[8] & 0x3f) | 0x80;

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                          digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}

static json_object *
text_of (json_object *value)
{
  if (value == NULL)
    return NULL;
  if (json_object_is_type (value, json_type_string))
    return json_object_get (value);

  return json_object_new_string (json_object_to_json_string_ext (value, JSON_C_TO_STRING_PLAIN));
}

/**
 * dh_merge_conflict_change:
 * @about: the change whose merge found the conflict
 * @lost: the write overwritten by someone who had not seen it
 *
 * The conflict record, as a change to merge like any other. It is named by
 * what lost and says only what lost, each field with the clock of the lost
 * write: which write beat it depends on what a merge point held when it
 * arrived, and what the record holds now is read from the record. So the
 * same conflict found anywhere is the same record, byte for byte.
 */
DhChange *
dh_merge_conflict_change (const DhChange *about,
                          const char     *field,
                          const DhWrite  *lost)
{
  const DhEntity *conflict = dh_entity_lookup ("conflict");
  g_autofree char *id = dh_merge_conflict_id (about->entity->name, about->record_id, field, lost->clock);
  g_autoptr(json_object) entity_name = json_object_new_string (about->entity->name);
  g_autoptr(json_object) record = json_object_new_string (about->record_id);
  g_autoptr(json_object) field_name = json_object_new_string (field);
  g_autoptr(json_object) commune = about->commune != NULL ? json_object_new_string (about->commune) : NULL;
  g_autoptr(json_object) lost_value = text_of (lost->value);
  g_autoptr(json_object) lost_clock = json_object_new_string (lost->clock);
  g_autoptr(json_object) lost_by = lost->author != NULL ? json_object_new_string (lost->author) : NULL;
  DhChange *change = dh_change_new (conflict, id, about->commune, NULL, lost->clock);

  dh_change_set_write (change, "entity", entity_name, "", lost->clock, NULL);
  dh_change_set_write (change, "record_id", record, "", lost->clock, NULL);
  dh_change_set_write (change, "field", field_name, "", lost->clock, NULL);
  dh_change_set_write (change, "commune", commune, "", lost->clock, NULL);
  dh_change_set_write (change, "lost_value", lost_value, "", lost->clock, lost->author);
  dh_change_set_write (change, "lost_clock", lost_clock, "", lost->clock, lost->author);
  dh_change_set_write (change, "lost_by", lost_by, "", lost->clock, lost->author);

  return change;
}

void
dh_merge_result_clear (DhMergeResult *result)
{
  g_clear_pointer (&result->taken, g_ptr_array_unref);
  g_clear_pointer (&result->conflicts, g_ptr_array_unref);
  g_clear_pointer (&result->rejected, g_free);
}

static void
set_rejected (DhMergeResult *result,
              char          *reason)
{
  if (result->rejected == NULL)
    result->rejected = reason;
  else
    g_free (reason);
}

static void
put_write (json_object   *state,
           const char    *field,
           const DhWrite *write)
{
  json_object_object_add (state, field, dh_write_to_json (write));
}

static gboolean
is_sealed_by (const DhEntity *entity,
              const DhWrite  *write)
{
  return entity->seal_field != NULL && write->value != NULL &&
         json_object_is_type (write->value, json_type_string) &&
         g_strcmp0 (json_object_get_string (write->value), entity->seal_value) == 0;
}

/* A ledger record made sealed keeps exactly the writes of its making:
 * whatever arrived before the seal with a later clock is undone, whatever
 * arrives after it is refused. Both orders end in the same state. */
static gboolean
apply_seal (json_object    *state,
            const DhChange *change,
            DhMergeResult  *result)
{
  const DhEntity *entity = change->entity;
  DhWrite seal, incoming_seal;
  gboolean sealed_before, sealing_now;
  g_autoptr(GPtrArray) undo = NULL;

  if (entity->seal_field == NULL)
    return TRUE;

  sealed_before = dh_merge_state_get_write (state, entity->seal_field, &seal) && is_sealed_by (entity, &seal);
  sealing_now = !sealed_before && dh_change_get_write (change, entity->seal_field, &incoming_seal) &&
                is_sealed_by (entity, &incoming_seal);

  if (sealed_before)
    {
      json_object_object_foreach (change->fields, key, json)
        {
          DhWrite write;

          (void) key;
          if (dh_write_from_json (json, &write) && strcmp (write.clock, seal.clock) > 0)
            {
              set_rejected (result, g_strdup (_("A delivered support entry is never changed or deleted: void it and enter it again")));
              return FALSE;
            }
        }
      return TRUE;
    }

  if (!sealing_now)
    return TRUE;

  undo = g_ptr_array_new_with_free_func (g_free);
  {
    json_object_object_foreach (state, key, json)
      {
        DhWrite write;

        if (dh_write_from_json (json, &write) && strcmp (write.clock, incoming_seal.clock) > 0)
          g_ptr_array_add (undo, g_strdup (key));
      }
  }
  for (guint i = 0; i < undo->len; i++)
    {
      const char *key = g_ptr_array_index (undo, i);

      json_object_object_del (state, key);
      if (!g_ptr_array_find_with_equal_func (result->taken, key, g_str_equal, NULL))
        g_ptr_array_add (result->taken, g_strdup (key));
    }
  if (undo->len > 0)
    set_rejected (result, g_strdup (_("A delivered support entry is never changed or deleted: void it and enter it again")));

  return TRUE;
}

static void
note_taken (DhMergeResult *result,
            const char    *field)
{
  if (!g_ptr_array_find_with_equal_func (result->taken, field, g_str_equal, NULL))
    g_ptr_array_add (result->taken, g_strdup (field));
}

/**
 * dh_merge_state_unseen_edit:
 * @state: a record's state
 * @out_edit: (out): the latest write its deleter had not seen
 *
 * A deleted record that holds writes stamped after the base of its
 * deletion was deleted while someone elsewhere still worked on it. This is
 * read from the merged state, so every replica that holds the same state
 * finds the same: an official restores the record, or deletes it again,
 * having now seen everything, to let the deletion stand.
 */
gboolean
dh_merge_state_unseen_edit (json_object *state,
                            DhWrite     *out_edit)
{
  DhWrite deletion, latest = { 0 };

  if (!dh_merge_state_is_deleted (state))
    return FALSE;
  dh_merge_state_get_write (state, DH_RECORD_DELETED, &deletion);

  {
    json_object_object_foreach (state, key, json)
      {
        DhWrite write;

        if (g_str_equal (key, DH_RECORD_DELETED) || !dh_write_from_json (json, &write))
          continue;
        if (strcmp (write.clock, deletion.base) > 0 &&
            (latest.clock == NULL || strcmp (write.clock, latest.clock) > 0))
          latest = write;
      }
  }

  if (latest.clock == NULL)
    return FALSE;
  if (out_edit != NULL)
    *out_edit = latest;
  return TRUE;
}

/**
 * dh_merge_record:
 * @state: the record's state, changed in place; an empty object for a
 *   record not seen before
 * @change: a checked change to it
 * @result: (out caller-allocates): the fields it set, the conflicts it
 *   found and why any of it was refused
 *
 * Returns: %FALSE when the change was refused whole and the state is
 *   unchanged; @result->rejected then says why.
 */
gboolean
dh_merge_record (json_object    *state,
                 const DhChange *change,
                 DhMergeResult  *result)
{
  const DhEntity *entity;

  g_return_val_if_fail (state != NULL && change != NULL && result != NULL, FALSE);

  entity = change->entity;
  result->taken = g_ptr_array_new_with_free_func (g_free);
  result->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) dh_change_free);
  result->rejected = NULL;

  /* A record not seen before (a first download brings nothing else) is
   * the change's writes as they are: nothing is stored to win over, to
   * conflict with or to seal, so each write is taken. */
  if (json_object_object_length (state) == 0)
    {
      json_object_object_foreach (change->fields, key, json)
        {
          DhWrite incoming;

          if (!dh_write_from_json (json, &incoming))
            continue;
          json_object_object_add_ex (state, key, json_object_get (json), JSON_C_OBJECT_ADD_KEY_IS_NEW);
          g_ptr_array_add (result->taken, g_strdup (key));
        }
      return TRUE;
    }

  if (!apply_seal (state, change, result))
    return FALSE;

  {
    json_object_object_foreach (change->fields, key, json)
      {
        const DhField *field = dh_entity_get_field (entity, key);
        DhWrite incoming, stored;
        gboolean has_stored, concurrent = FALSE;
        DhMergeOutcome outcome;

        if (!dh_write_from_json (json, &incoming))
          continue;
        has_stored = dh_merge_state_get_write (state, key, &stored);

        /* set once at the making of a record: the first write stands */
        if (field != NULL && (field->flags & DH_FIELD_FLAG_IMMUTABLE) != 0 && has_stored &&
            !same_value (stored.value, incoming.value))
          {
            if (strcmp (incoming.clock, stored.clock) < 0)
              {
                put_write (state, key, &incoming);
                note_taken (result, key);
              }
            set_rejected (result, g_strdup_printf (_("%s: cannot change once the record is made"), key));
            continue;
          }

        outcome = dh_merge_write (has_stored ? &stored : NULL, &incoming, &concurrent);

        if (concurrent && !entity->derived && !g_str_equal (key, DH_RECORD_DELETED))
          {
            DhWrite lost = outcome == DH_MERGE_TAKE ? stored : incoming;

            g_ptr_array_add (result->conflicts, dh_merge_conflict_change (change, key, &lost));
          }

        if (outcome == DH_MERGE_TAKE)
          {
            put_write (state, key, &incoming);
            note_taken (result, key);
          }
      }
  }

  return TRUE;
}
