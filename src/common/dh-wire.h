/* dh-wire.h – changes as they travel, read without a JSON object each */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>

G_BEGIN_DECLS

/* The header of a pull's answer that names the cursor of the next page,
 * when more follow, as its "cursor" does: a device asks for that page
 * while it reads this one (docs/sync.md, "Pull"). */
#define DH_WIRE_NEXT_CURSOR_HEADER "Dh-Next-Cursor"

/* A change as it travels (dh-change.h), its envelope and each field's
 * elements read in place: a page of a pull is read so, its text scanned
 * once, and only the fields' values are JSON objects. A change given as a
 * JSON object is read into the same form, so that one check serves both.
 * Nothing is checked here but the JSON: what the members hold is
 * dh_change_check_json()'s to check. */

/* A member that should be text: NULL text when it is absent or null. */
typedef struct
{
  const char *text;
  gboolean    other;   /* neither text nor null: a number, a list… */
} DhWireText;

typedef struct
{
  const char  *name;
  json_object *value;   /* NULL for null */
  DhWireText   base;    /* left out, as clock and author, when not written */
  DhWireText   clock;
  DhWireText   author;
  guint        n;       /* the elements of its list, 1 for a value alone: 1 to 4 in a change */
} DhWireField;

typedef struct
{
  gboolean     is_object;  /* FALSE: whatever else the page held there */
  DhWireText   entity;     /* "e" */
  DhWireText   record;     /* "r" */
  DhWireText   commune;    /* "c" */
  DhWireText   author;     /* "u" */
  DhWireText   clock;      /* "k" */
  gboolean     has_fields; /* "f" is an object */
  gboolean     too_many;   /* "f" names more fields than any kind of record has */
  DhWireField *fields;
  guint        n_fields;
} DhWireChange;

/* The most fields a change may name: more than any kind of record has,
 * and few enough that a field named twice (the later one counts, as JSON
 * readers take it) is looked for among the others. */
#define DH_WIRE_MAX_FIELDS 64

typedef struct _DhWirePage DhWirePage;

DhWirePage         *dh_wire_page_new_from_json   (GPtrArray    *changes);
DhWirePage         *dh_wire_page_parse_answer    (char         *text,
                                                  gsize         length,
                                                  guint         max_depth,
                                                  json_object **out_answer);
DhWirePage         *dh_wire_page_ref             (DhWirePage   *page);
void                dh_wire_page_unref           (DhWirePage   *page);
guint               dh_wire_page_get_length      (DhWirePage   *page);
const DhWireChange *dh_wire_page_get_change      (DhWirePage   *page,
                                                  guint         index);
gboolean            dh_wire_page_shares_objects  (DhWirePage   *page);
char               *dh_wire_page_dup_text        (DhWirePage   *page,
                                                  guint         index);

void                dh_wire_field_read_json      (const char   *name,
                                                  json_object  *entry,
                                                  DhWireField  *out_field);
void                dh_wire_change_read_json     (json_object  *wire,
                                                  GArray       *fields,
                                                  DhWireChange *out_change);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhWirePage, dh_wire_page_unref)

G_END_DECLS
