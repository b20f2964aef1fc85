/* dh-merge.h – the one merge of a change into a record, shared by devices and the server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "dh-change.h"

G_BEGIN_DECLS

/* A record's replicated state is a JSON object: each field ever written
 * maps to the write that holds it, [value, base, clock, author] (see
 * dh-change.h); "deleted" is a field like the others. Merging is
 * field-level last-writer-wins on the hybrid logical clock, whose device
 * suffix breaks ties, so the result does not depend on the order, the
 * grouping or the repetition of arrivals. docs/sync.md states the rules. */

typedef enum
{
  DH_MERGE_SAME,  /* the same write again: an echo or a replay */
  DH_MERGE_TAKE,  /* the incoming write replaces the stored one */
  DH_MERGE_KEEP,  /* the stored write stays */
} DhMergeOutcome;

typedef struct
{
  GPtrArray *taken;      /* names of the fields whose value the change set */
  GPtrArray *conflicts;  /* DhChange *: conflict records found, to merge like any change */
  char      *rejected;   /* why the change was refused whole (translated), or NULL */
} DhMergeResult;

DhMergeOutcome dh_merge_write           (const DhWrite       *stored,
                                         const DhWrite       *incoming,
                                         gboolean            *out_concurrent);
gboolean       dh_merge_record          (json_object         *state,
                                         const DhChange      *change,
                                         DhMergeResult       *result);
void           dh_merge_result_clear    (DhMergeResult       *result);

char          *dh_merge_conflict_id     (const char          *entity,
                                         const char          *record_id,
                                         const char          *field,
                                         const char          *lost_clock);
DhChange      *dh_merge_conflict_change (const DhChange      *about,
                                         const char          *field,
                                         const DhWrite       *lost);
gboolean       dh_merge_state_unseen_edit (json_object       *state,
                                         DhWrite             *out_edit);
gboolean       dh_merge_state_is_deleted (json_object        *state);
gboolean       dh_merge_state_get_write (json_object         *state,
                                         const char          *field,
                                         DhWrite             *out_write);
const char    *dh_merge_state_latest_clock (json_object      *state);
/* What a record's writes say of it: the earliest is its making, the
 * latest its last change (ties go to the first met). Start with
 * DH_MERGE_DESCRIPTION_INIT and add each write. */
typedef struct
{
  const char *made;
  const char *maker;
  const char *latest;
  const char *latest_author;
} DhMergeDescription;

#define DH_MERGE_DESCRIPTION_INIT { NULL, NULL, "", NULL }

void           dh_merge_describe_add    (DhMergeDescription  *description,
                                         const DhWrite       *write);
void           dh_merge_state_describe  (json_object         *state,
                                         const char         **out_made,
                                         const char         **out_maker,
                                         const char         **out_latest,
                                         const char         **out_latest_author);
DhChange      *dh_merge_state_to_change (const DhEntity      *entity,
                                         const char          *record_id,
                                         const char          *commune,
                                         json_object         *state);
json_object   *dh_merge_state_from_wire (json_object         *wire);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DhMergeResult, dh_merge_result_clear)

G_END_DECLS
