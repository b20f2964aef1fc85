/* dh-store-places.c – places named the way people name them: by id, code or name */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-error.h"
#include "dh-store-private.h"
#include "dh-text.h"

/* Beyond this many places of a kind, a name that is none of them gets no
 * list of the names there are: it would not help anyone read it. */
#define MAX_LISTED_PLACES 30

/* The words a place's name starts with that say what kind of place it is,
 * folded: "Thôn Đồng Tâm" is also called "Đồng Tâm". */
static const char * const kind_words[] = {
  "thon ", "ban ", "to dan pho ", "to ", "ap ", "buon ", "xom ", "lang ", "khu pho ", "khom ", "soc ",
  "xa ", "phuong ", "dac khu ", "thi tran ",
  "tinh ", "thanh pho ", "tp ",
  NULL
};

static const char *
without_kind_word (const char *folded)
{
  for (guint i = 0; kind_words[i] != NULL; i++)
    {
      if (g_str_has_prefix (folded, kind_words[i]) && folded[strlen (kind_words[i])] != '\0')
        return folded + strlen (kind_words[i]);
    }

  return folded;
}

static gboolean
is_place_kind (const char *kind)
{
  return g_strcmp0 (kind, "province") == 0 || g_strcmp0 (kind, "commune") == 0 || g_strcmp0 (kind, "village") == 0;
}

typedef struct
{
  char *id;
  char *code;
  char *name;
  char *parent;
  char *parent_name;
} Place;

static void
place_free (Place *place)
{
  g_free (place->id);
  g_free (place->code);
  g_free (place->name);
  g_free (place->parent);
  g_free (place->parent_name);
  g_free (place);
}

/* The places of one kind, with what people may write for each, folded. */
struct _DhPlaces
{
  char       *kind;
  GPtrArray  *all;      /* Place, owned, in the order of their names */
  GHashTable *by_id;    /* id → Place */
  GHashTable *by_code;  /* folded code → Place: a code is one place's */
  GHashTable *by_name;  /* folded name → GPtrArray of Place */
  GHashTable *by_bare;  /* folded name without the word for its kind → GPtrArray of Place */
};

void
dh_places_free (DhPlaces *places)
{
  if (places == NULL)
    return;

  g_clear_pointer (&places->by_id, g_hash_table_unref);
  g_clear_pointer (&places->by_code, g_hash_table_unref);
  g_clear_pointer (&places->by_name, g_hash_table_unref);
  g_clear_pointer (&places->by_bare, g_hash_table_unref);
  g_clear_pointer (&places->all, g_ptr_array_unref);
  g_free (places->kind);
  g_free (places);
}

static void
add_named (GHashTable *table,
           const char *key,
           Place      *place)
{
  GPtrArray *named = g_hash_table_lookup (table, key);

  if (named == NULL)
    {
      named = g_ptr_array_new ();
      g_hash_table_insert (table, g_strdup (key), named);
    }
  g_ptr_array_add (named, place);
}

static void
index_place (DhPlaces *places,
             Place    *place)
{
  g_autofree char *code = dh_text_fold (place->code);
  g_autofree char *name = dh_text_fold (place->name);

  g_ptr_array_add (places->all, place);
  g_hash_table_insert (places->by_id, place->id, place);
  if (code != NULL && code[0] != '\0')
    g_hash_table_insert (places->by_code, g_steal_pointer (&code), place);
  if (name != NULL && name[0] != '\0')
    {
      add_named (places->by_name, name, place);
      add_named (places->by_bare, without_kind_word (name), place);
    }
}

/* "Thôn Đông in Xã Tân Lập (code TL-01)": enough to tell two of one name apart */
static void
append_place (GString     *text,
              const Place *place)
{
  if (text->len > 0)
    g_string_append (text, "; ");
  if (place->parent_name != NULL)
    /* Translators: "Thôn Đông in Xã Tân Lập (code TL-01)" */
    g_string_append_printf (text, _("%s in %s (code %s)"), place->name, place->parent_name, place->code);
  else
    /* Translators: "Xã Tân Lập (code TL)" */
    g_string_append_printf (text, _("%s (code %s)"), place->name, place->code);
}

static char *
describe_places (GPtrArray *places)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < places->len; i++)
    append_place (text, g_ptr_array_index (places, i));

  return g_string_free (text, FALSE);
}

/* The kind and name of the place with ID, deleted or not; both NULL when
 * there is none. */
static gboolean
read_place (DhConnection  *connection,
            const char    *id,
            char         **out_kind,
            char         **out_name,
            gboolean      *out_deleted,
            GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *out_kind = *out_name = NULL;
  *out_deleted = FALSE;

  stmt = dh_connection_prepare (connection, "SELECT kind, name, deleted FROM admin_unit WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_kind = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *out_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      *out_deleted = sqlite3_column_int (stmt, 2) != 0;
    }
  else if (rc != SQLITE_DONE)
    dh_connection_set_error (connection, error);
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* A place given by its id: a live place of the kind wanted, or an error
 * that says what the id is instead. */
static char *
resolve_id (DhConnection  *connection,
            const char    *kind,
            const char    *id,
            GError       **error)
{
  g_autofree char *found_kind = NULL;
  g_autofree char *name = NULL;
  gboolean deleted;

  if (!read_place (connection, id, &found_kind, &name, &deleted, error))
    return NULL;

  if (found_kind == NULL || deleted)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                   /* Translators: "there is no village with id “…”; check the id, or write the village’s name or code" */
                   _("there is no %s with id “%s”; check the id, or write the %s’s name or code"),
                   dh_entity_unit_kind_label (kind), id, dh_entity_unit_kind_label (kind));
      return NULL;
    }

  if (!g_str_equal (found_kind, kind))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                   /* Translators: "“Xã Minh Tiến” is not a village; give the id of a village" */
                   _("“%s” is not a %s; give the id of a %s"),
                   name, dh_entity_unit_kind_label (kind), dh_entity_unit_kind_label (kind));
      return NULL;
    }

  return g_strdup (id);
}

/* The live places of KIND, with the name of the place each lies in. */
static DhPlaces *
load_places (DhConnection  *connection,
             const char    *kind,
             GError       **error)
{
  DhPlaces *places = g_new0 (DhPlaces, 1);
  sqlite3_stmt *stmt;
  int rc;

  places->kind = g_strdup (kind);
  places->all = g_ptr_array_new_with_free_func ((GDestroyNotify) place_free);
  places->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  places->by_code = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  places->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  places->by_bare = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);

  stmt = dh_connection_prepare (connection,
                                "SELECT u.id, u.code, u.name, u.parent, p.name FROM admin_unit u "
                                "LEFT JOIN admin_unit p ON p.id = u.parent "
                                "WHERE u.kind = ? AND u.deleted = 0 ORDER BY u.sort_full",
                                error);
  if (stmt == NULL)
    {
      dh_places_free (places);
      return NULL;
    }

  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Place *place = g_new0 (Place, 1);

      place->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      place->code = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      place->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      place->parent = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      place->parent_name = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      index_place (places, place);
    }
  if (rc != SQLITE_DONE)
    dh_connection_set_error (connection, error);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      dh_places_free (places);
      return NULL;
    }

  return places;
}

/* The places of @candidates that lie in WITHIN, or all of them. */
static GPtrArray *
inside (GPtrArray  *candidates,
        const char *within)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; candidates != NULL && i < candidates->len; i++)
    {
      Place *place = g_ptr_array_index (candidates, i);

      if (within == NULL || g_strcmp0 (place->parent, within) == 0)
        g_ptr_array_add (found, place);
    }

  return found;
}

static void
set_unknown_error (DhPlaces    *places,
                   const char  *text,
                   const char  *within,
                   GError     **error)
{
  const char *kind = dh_entity_unit_kind_label (places->kind);
  g_autoptr(GPtrArray) there = inside (places->all, within);
  g_autofree char *listed = NULL;

  if (there->len == 0)
    g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                 /* Translators: "there is no village called “Thôn Đông” or with that code, and none is recorded yet; add the places first" */
                 _("there is no %s called “%s” or with that code, and none is recorded yet; add the places first"),
                 kind, text);
  else if (there->len > MAX_LISTED_PLACES)
    g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                 _("there is no %s called “%s” or with that code; check the spelling, or write the code"),
                 kind, text);
  else
    {
      listed = describe_places (there);
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                   /* Translators: the last %s lists the places there are */
                   _("there is no %s called “%s” or with that code; write the name or code of one of: %s"),
                   kind, text, listed);
    }
}

/**
 * dh_places_resolve:
 * @places: the places of one kind, from dh_store_load_places()
 * @text: what someone typed: the place's id, its code, or its name
 * @within: (nullable): the id of the place it lies in (a village's
 *   commune), to look only there
 *
 * The place @text names, the way people name it. Names and codes are
 * compared without regard to case and diacritics, and a name may leave
 * out the word for its kind ("Đồng Tâm" for "Thôn Đồng Tâm"). A code is
 * the place's alone; a name that two places bear is an error that lists
 * them with their communes and codes, so that the code can be given.
 *
 * Returns: (transfer full): the place's id, or %NULL with @error set:
 *   %DH_STORE_ERROR_REFERENCE when no such place is there,
 *   %DH_STORE_ERROR_AMBIGUOUS when several are
 */
char *
dh_places_resolve (DhPlaces     *places,
                   const char   *text,
                   const char   *within,
                   GError      **error)
{
  const char *kind;
  g_autoptr(GPtrArray) named = NULL;
  g_autofree char *folded = NULL;
  Place *place;

  g_return_val_if_fail (places != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  kind = dh_entity_unit_kind_label (places->kind);

  /* a long text is no place's name, and is not folded */
  if (strlen (text) > DH_FIELD_MAX_NAME_BYTES)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                   /* Translators: "no village has a name that long; write the village’s name or code" */
                   _("no %s has a name that long; write the %s’s name or code"), kind, kind);
      return NULL;
    }

  place = g_hash_table_lookup (places->by_id, text);
  if (place != NULL)
    return g_strdup (place->id);
  if (dh_is_valid_uuid (text))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                   /* Translators: "there is no village with id “…”; check the id, or write the village’s name or code" */
                   _("there is no %s with id “%s”; check the id, or write the %s’s name or code"),
                   kind, text, kind);
      return NULL;
    }

  folded = dh_text_fold (text);
  if (folded == NULL || folded[0] == '\0')
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                   _("“%s” names no %s; write the %s’s name or code"), text, kind, kind);
      return NULL;
    }

  place = g_hash_table_lookup (places->by_code, folded);
  if (place != NULL && (within == NULL || g_strcmp0 (place->parent, within) == 0))
    return g_strdup (place->id);

  named = inside (g_hash_table_lookup (places->by_name, folded), within);
  if (named->len == 0)
    {
      g_ptr_array_unref (named);
      named = inside (g_hash_table_lookup (places->by_bare, without_kind_word (folded)), within);
    }

  if (named->len == 1)
    return g_strdup (((Place *) g_ptr_array_index (named, 0))->id);

  if (named->len > 1)
    {
      g_autofree char *listed = describe_places (named);

      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_AMBIGUOUS,
                   /* Translators: "several villages are called “Thôn Đông”: Thôn Đông in Xã A (code A-1); Thôn Đông in Xã B (code B-1); write the code of the one you mean" */
                   _("more than one %s is called “%s”: %s; write the code of the one you mean"),
                   kind, text, listed);
      return NULL;
    }

  set_unknown_error (places, text, within, error);
  return NULL;
}

/* The live place of KIND whose code is TEXT but for case, inside WITHIN
 * when given; *out_id is NULL when there is none. */
static gboolean
find_by_code (DhConnection  *connection,
              const char    *kind,
              const char    *text,
              const char    *within,
              char         **out_id,
              GError       **error)
{
  sqlite3_stmt *stmt;

  *out_id = NULL;
  stmt = dh_connection_prepare (connection,
                                "SELECT id FROM admin_unit WHERE kind = ?1 AND code = ?2 COLLATE NOCASE "
                                "AND deleted = 0 AND (?3 IS NULL OR parent = ?3) LIMIT 1",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, within, -1, SQLITE_TRANSIENT);
  return dh_connection_step_text (connection, stmt, out_id, error);
}

/* See dh_places_resolve(). An id, or a code as written, is looked up
 * alone; anything else among the places of its kind, read for this one
 * look-up. */
char *
dh_connection_resolve_place (DhConnection  *connection,
                             const char    *kind,
                             const char    *text,
                             const char    *within,
                             GError       **error)
{
  g_autoptr(DhPlaces) places = NULL;
  char *id = NULL;

  g_return_val_if_fail (is_place_kind (kind), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (dh_is_valid_uuid (text))
    return resolve_id (connection, kind, text, error);

  /* a code as it is written needs no place read and folded */
  if (!find_by_code (connection, kind, text, within, &id, error))
    return NULL;
  if (id != NULL)
    return id;

  places = load_places (connection, kind, error);
  if (places == NULL)
    return NULL;

  return dh_places_resolve (places, text, within, error);
}

/**
 * dh_store_resolve_place:
 * @kind: "province", "commune" or "village"
 * @text: the place's id, code or name, as someone typed it
 * @within: (nullable): the id of the place to look in (a village's commune)
 *
 * See dh_places_resolve(): what a form or a report calls to turn what
 * people write into the place's id. An import that looks up a place per
 * row reads them once with dh_store_load_places().
 *
 * Returns: (transfer full): the id, or %NULL with @error set
 */
char *
dh_store_resolve_place (DhStore     *self,
                        const char  *kind,
                        const char  *text,
                        const char  *within,
                        GError     **error)
{
  g_autoptr(DhConnection) reader = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (is_place_kind (kind), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  reader = dh_store_acquire_reader (self, NULL, error);
  if (reader == NULL)
    return NULL;

  return dh_connection_resolve_place (reader, kind, text, within, error);
}

/**
 * dh_store_load_places:
 * @kind: "province", "commune" or "village"
 *
 * Reads the live places of @kind once, for many look-ups with
 * dh_places_resolve(): an import of a commune's list, row by row. The
 * places are those of the moment of reading.
 *
 * Returns: (transfer full): the places, free with dh_places_free(), or
 *   %NULL with @error set
 */
DhPlaces *
dh_store_load_places (DhStore     *self,
                      const char  *kind,
                      GError     **error)
{
  g_autoptr(DhConnection) reader = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (is_place_kind (kind), NULL);

  reader = dh_store_acquire_reader (self, NULL, error);
  if (reader == NULL)
    return NULL;

  return load_places (reader, kind, error);
}

/**
 * dh_place_kind_of_field:
 * @record_kind: (nullable): the kind of the place a record is, for a
 *   place's own fields
 *
 * The kind of place a field refers to: a household's village, a user's
 * commune, the commune a village lies in (its parent), a place's successor
 * of its own kind.
 *
 * Returns: (nullable): the kind, or %NULL when the field names no place
 */
const char *
dh_place_kind_of_field (const DhField *field,
                        const char    *record_kind)
{
  if (field->type != DH_FIELD_REF || g_strcmp0 (field->target, "admin_unit") != 0)
    return NULL;

  if (is_place_kind (field->name))
    return field->name;
  if (g_str_equal (field->name, "parent"))
    return g_strcmp0 (record_kind, "village") == 0 ? "commune" :
           g_strcmp0 (record_kind, "commune") == 0 ? "province" : NULL;
  if (g_str_equal (field->name, "successor") && is_place_kind (record_kind))
    return record_kind;

  return NULL;
}

/**
 * dh_store_resolve_place_fields:
 * @record_kind: (nullable): for a place, its kind
 * @out_input: (out) (transfer full): @input with each place given by
 *   name or code replaced by its id, or a new reference to @input when
 *   there was none
 *
 * Places in a record typed by someone: a household's village may be
 * written as its name or code. An id is left to the record's checks.
 */
gboolean
dh_store_resolve_place_fields (DhStore         *self,
                               const DhEntity  *entity,
                               json_object     *input,
                               const char      *record_kind,
                               json_object    **out_input,
                               GError         **error)
{
  g_autoptr(json_object) resolved = NULL;

  if (input == NULL || !json_object_is_type (input, json_type_object))
    {
      *out_input = json_object_get (input);
      return TRUE;
    }

  for (guint i = 0; i < entity->n_fields; i++)
    {
      const DhField *field = &entity->fields[i];
      const char *kind = dh_place_kind_of_field (field, record_kind);
      const char *text = dh_json_get_string (input, field->name);
      g_autofree char *id = NULL;

      if (kind == NULL || text == NULL || text[0] == '\0' || dh_is_valid_uuid (text) ||
          (field->flags & DH_FIELD_FLAG_COMPUTED) != 0)
        continue;

      id = dh_store_resolve_place (self, kind, text, NULL, error);
      if (id == NULL)
        {
          g_prefix_error (error, "%s: ", field->name);
          return FALSE;
        }

      if (resolved == NULL && json_object_deep_copy (input, &resolved, NULL) != 0)
        g_error ("Out of memory copying a record");
      json_object_object_add (resolved, field->name, json_object_new_string (id));
    }

  *out_input = resolved != NULL ? g_steal_pointer (&resolved) : json_object_get (input);
  return TRUE;
}

/**
 * dh_store_check_place_kind:
 * @unit_kind: (nullable): the kind of place the record was named as
 *   ("commune"), or %NULL to check nothing
 *
 * A record asked for as a commune is one: an id of a village given where
 * a commune is meant is refused as no commune. An id of nothing is left
 * to the caller to report.
 */
gboolean
dh_store_check_place_kind (DhStore     *self,
                           const char  *unit_kind,
                           const char  *id,
                           GError     **error)
{
  g_autoptr(DhConnection) reader = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *name = NULL;
  gboolean deleted;

  if (unit_kind == NULL)
    return TRUE;

  reader = dh_store_acquire_reader (self, NULL, error);
  if (reader == NULL || !read_place (reader, id, &kind, &name, &deleted, error))
    return FALSE;

  if (kind != NULL && !g_str_equal (kind, unit_kind))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND,
                   /* Translators: "“…” is the id of a village, not of a commune; check the id" */
                   _("“%s” is the id of a %s, not of a %s; check the id"),
                   id, dh_entity_unit_kind_label (kind), dh_entity_unit_kind_label (unit_kind));
      return FALSE;
    }

  return TRUE;
}
