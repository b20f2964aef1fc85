/* dh-change.h – a change to one record, as devices and the server exchange it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "dh-entity.h"
#include "dh-wire.h"

G_BEGIN_DECLS

/* A change is the writes one author made to the fields of one record at
 * one clock. On the wire (docs/sync.md) it is one JSON object:
 *
 *   {"e": "household", "r": RECORD-UUID, "c": COMMUNE-UUID, "u": "user",
 *    "k": "CLOCK", "f": {"phone": ["0912345678", "BASE"], "notes": null}}
 *
 * Each field is [value, base, clock, author]: base is the clock of the
 * value the author replaced ("" when the author knew none), clock and
 * author default to the change's "k" and "u" and are written only when
 * they differ (a record's current state, or coalesced edits). A field
 * whose base, clock and author are all the defaults is its value alone,
 * unless that value is a list ("notes": null above, the cleared field
 * written when the record was made): version 2 of the protocol and of
 * bundles; version 1 wrote every field in a list, which is still read.
 * The device is the clock's suffix. A change is named by its record and
 * clock, which no other change shares: that is what makes a replay
 * harmless. */

typedef struct
{
  json_object *value;   /* NULL for a cleared field */
  const char  *clock;
  const char  *base;    /* "" when the write replaced nothing its author knew */
  const char  *author;  /* may be NULL */
} DhWrite;

typedef struct
{
  const DhEntity *entity;
  char           *record_id;
  char           *commune;   /* the commune whose data it is; NULL above communes */
  char           *author;    /* the signed-in user who made it */
  char           *clock;     /* the latest of its writes */
  json_object    *fields;    /* name → [value, base, clock, author], always complete */
} DhChange;

/* How far ahead of the receiver's clock a change may be stamped. */
#define DH_CHANGE_MAX_AHEAD_MS ((gint64) 30 * 24 * 3600 * 1000)
/* The largest change a receiver reads, in bytes of JSON. */
#define DH_CHANGE_MAX_BYTES (256 * 1024)

DhChange    *dh_change_new          (const DhEntity     *entity,
                                     const char         *record_id,
                                     const char         *commune,
                                     const char         *author,
                                     const char         *clock);
void         dh_change_free         (DhChange           *change);
DhChange    *dh_change_copy         (const DhChange     *change);
void         dh_change_set_write    (DhChange           *change,
                                     const char         *field,
                                     json_object        *value,
                                     const char         *base,
                                     const char         *clock,
                                     const char         *author);
void         dh_change_set_wire_fields (DhChange        *change,
                                     json_object        *fields);
void         dh_change_wire_append_in_lists (const char *text,
                                     gsize               length,
                                     GString            *out);
gboolean     dh_change_wire_get_write (json_object      *wire,
                                     const char         *field,
                                     DhWrite            *out_write);
gboolean     dh_change_wire_read_entry (json_object     *wire,
                                     const char         *field,
                                     json_object        *entry,
                                     DhWrite            *out_write);
gboolean     dh_change_get_write    (const DhChange     *change,
                                     const char         *field,
                                     DhWrite            *out_write);
char        *dh_change_get_id       (const DhChange     *change);
json_object *dh_change_to_json      (const DhChange     *change);
DhChange    *dh_change_from_json    (json_object        *wire,
                                     const DhValidator  *validator,
                                     GError            **error);
DhChange    *dh_change_parse        (const char         *text,
                                     gsize               length,
                                     const DhValidator  *validator,
                                     GError            **error);
gboolean     dh_change_check_clocks (const DhChange     *change,
                                     gint64              now_ms,
                                     GError            **error);

/* A change checked as dh_change_from_json() checks it, its writes read
 * where the change as received holds them, without the change being made:
 * for a receiver that writes a record at once. It refers to the JSON it
 * was read from, and lives no longer than it. */
typedef struct
{
  const DhField *field;  /* NULL for "deleted" */
  DhWrite        write;  /* its value normalised, a reference held */
} DhCheckedWrite;

typedef struct
{
  const DhEntity *entity;
  const char     *record_id;
  const char     *commune;
  const char     *author;
  const char     *clock;
  guint64         packed_clock;  /* the clock as dh_hlc_parse() read it */
  GArray         *writes;  /* DhCheckedWrite, in the order received */
} DhCheckedChange;

gboolean     dh_change_check_json   (json_object        *wire,
                                     const DhValidator  *validator,
                                     DhCheckedChange    *out_checked,
                                     GError            **error);
gboolean     dh_change_check_wire   (const DhWireChange *wire,
                                     const DhValidator  *validator,
                                     DhCheckedChange    *out_checked,
                                     GError            **error);
void         dh_checked_change_clear (DhCheckedChange   *checked);
DhChange    *dh_change_new_from_checked (const DhCheckedChange *checked);
gboolean     dh_change_check_clock  (const char         *clock,
                                     gint64              now_ms,
                                     GError            **error);
gboolean     dh_checked_change_check_clock (const DhCheckedChange *checked,
                                            gint64                 now_ms,
                                            GError               **error);

/* [value, base, clock, author] as kept in a record's state */
json_object *dh_write_to_json       (const DhWrite      *write);
gboolean     dh_write_from_json     (json_object        *json,
                                     DhWrite            *out_write);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhChange, dh_change_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DhCheckedChange, dh_checked_change_clear)

G_END_DECLS
