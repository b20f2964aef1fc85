/* test-merge.c – the one merge gives the same record whatever the order, grouping and repetition */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-autocleanups.h"
#include "dh-merge.h"

#define RECORD  "019ab697-e800-7000-8000-000000000002"
#define VILLAGE "019ab697-e800-7000-8000-000000000003"
#define COMMUNE "019ab697-e800-7000-8000-000000000004"
#define DEV_A   "aaaaaaaaaaaaaaaa"
#define DEV_B   "bbbbbbbbbbbbbbbb"
#define DEV_C   "cccccccccccccccc"

static DhValidator validator;

static char *
stamp (guint64     ms,
       const char *device)
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x-%s", ms << 16, device);
}

/* A change to one record: fields as "name", JSON value, base clock (or NULL). */
static DhChange *
make_change (const char *entity,
             guint64     ms,
             const char *device,
             const char *author,
             ...)
{
  g_autofree char *clock = stamp (ms, device);
  DhChange *change = dh_change_new (dh_entity_lookup (entity), RECORD, COMMUNE, author, clock);
  const char *name;
  va_list args;

  va_start (args, author);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *json = va_arg (args, const char *);
      const char *base = va_arg (args, const char *);
      g_autoptr(json_object) value = json_tokener_parse (json);

      dh_change_set_write (change, name, value, base, NULL, author);
    }
  va_end (args);

  return change;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The state with its keys in order, so that equal states compare equal as text. */
static char *
canonical (json_object *object)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new ("{");

  {
    json_object_object_foreach (object, key, value)
      {
        (void) value;
        g_ptr_array_add (keys, key);
      }
  }
  g_ptr_array_sort (keys, compare_names);
  for (guint i = 0; i < keys->len; i++)
    {
      json_object *value = json_object_object_get (object, g_ptr_array_index (keys, i));

      g_string_append_printf (text, "%s\"%s\":", i > 0 ? "," : "", (const char *) g_ptr_array_index (keys, i));
      if (value != NULL && json_object_is_type (value, json_type_object))
        {
          g_autofree char *inner = canonical (value);
          g_string_append (text, inner);
        }
      else
        g_string_append (text, value != NULL ? json_object_to_json_string_ext (value, JSON_C_TO_STRING_PLAIN) : "null");
    }
  g_string_append_c (text, '}');

  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct
{
  json_object *record;     /* the record's state */
  json_object *conflicts;  /* conflict id -> its state */
  guint        rejected;
} Replica;

static void
replica_clear (Replica *replica)
{
  g_clear_pointer (&replica->record, json_object_put);
  g_clear_pointer (&replica->conflicts, json_object_put);
}

static void
merge_conflict (Replica        *replica,
                const DhChange *conflict)
{
  json_object *state = json_object_object_get (replica->conflicts, conflict->record_id);
  g_auto(DhMergeResult) result = { 0 };

  if (state == NULL)
    {
      state = json_object_new_object ();
      json_object_object_add (replica->conflicts, conflict->record_id, state);
    }
  g_assert_true (dh_merge_record (state, conflict, &result));
  g_assert_cmpuint (result.conflicts->len, ==, 0);
}

static void
deliver (Replica        *replica,
         const DhChange *change)
{
  g_auto(DhMergeResult) result = { 0 };

  if (!dh_merge_record (replica->record, change, &result))
    replica->rejected++;
  for (guint i = 0; i < result.conflicts->len; i++)
    merge_conflict (replica, g_ptr_array_index (result.conflicts, i));
}

static gboolean
next_permutation (guint *order,
                  guint  n)
{
  int i = (int) n - 2, j = (int) n - 1;

  while (i >= 0 && order[i] >= order[i + 1])
    i--;
  if (i < 0)
    return FALSE;
  while (order[j] <= order[i])
    j--;
  { guint t = order[i]; order[i] = order[j]; order[j] = t; }
  for (int a = i + 1, b = (int) n - 1; a < b; a++, b--)
    { guint t = order[a]; order[a] = order[b]; order[b] = t; }

  return TRUE;
}

/* A conflict names a write that a later write overwrote unseen, with a
 * different value: one of the changes must show that. */
static void
assert_conflicts_sound (json_object  *conflicts,
                        DhChange    **changes,
                        guint         n)
{
  json_object_object_foreach (conflicts, id, state)
    {
      DhWrite field, lost_clock;
      gboolean found = FALSE;

      g_assert_true (dh_merge_state_get_write (state, "field", &field));
      g_assert_true (dh_merge_state_get_write (state, "lost_clock", &lost_clock));
      for (guint i = 0; i < n && !found; i++)
        {
          DhWrite lost, winner;

          if (!dh_change_get_write (changes[i], json_object_get_string (field.value), &lost) ||
              g_strcmp0 (lost.clock, json_object_get_string (lost_clock.value)) != 0)
            continue;
          for (guint j = 0; j < n && !found; j++)
            found = dh_change_get_write (changes[j], json_object_get_string (field.value), &winner) &&
                    strcmp (winner.clock, lost.clock) > 0 && strcmp (winner.base, lost.clock) < 0 &&
                    !dh_json_equal (winner.value, lost.value);
        }
      if (!found)
        g_error ("conflict %s names no write overwritten unseen", id);
    }
}

/* Every order of the changes, each also delivered twice in a row, ends in
 * the same record, byte for byte; returns it. Which conflicts one merge
 * point finds depends on what it still held when each write came, so each
 * is checked to be real, and their union is returned in out_conflicts:
 * conflicts are records that sync, so every replica ends with the union. */
static char *
merge_in_every_order (DhChange  **changes,
                      guint       n,
                      guint      *out_rejected,
                      char      **out_conflicts)
{
  g_autofree guint *order = g_new (guint, n);
  g_autoptr(json_object) all_conflicts = json_object_new_object ();
  char *first = NULL;
  guint orders = 0;

  for (guint i = 0; i < n; i++)
    order[i] = i;

  do
    {
      for (guint twice = 0; twice < 2; twice++)
        {
          Replica replica = { json_object_new_object (), json_object_new_object (), 0 };
          g_autofree char *text = NULL;

          for (guint i = 0; i < n; i++)
            {
              deliver (&replica, changes[order[i]]);
              if (twice)
                deliver (&replica, changes[order[(i + n - 1) % n]]);
            }
          text = canonical (replica.record);
          if (first == NULL)
            {
              first = g_strdup (text);
              if (out_rejected != NULL)
                *out_rejected = replica.rejected;
            }
          else if (strcmp (first, text) != 0)
            g_error ("order %u gives\n%s\ninstead of\n%s", orders, text, first);

          assert_conflicts_sound (replica.conflicts, changes, n);
          {
            json_object_object_foreach (replica.conflicts, id, state)
              {
                g_autofree char *conflict = canonical (state);
                json_object *known = json_object_object_get (all_conflicts, id);

                /* the same conflict found in two orders is the same record */
                if (known != NULL)
                  {
                    g_autofree char *known_text = canonical (known);

                    g_assert_cmpstr (known_text, ==, conflict);
                  }
                else
                  {
                    json_object *copy = NULL;

                    json_object_deep_copy (state, &copy, NULL);
                    json_object_object_add (all_conflicts, id, copy);
                  }
              }
          }
          replica_clear (&replica);
        }
      orders++;
    }
  while (next_permutation (order, n));

  if (out_conflicts != NULL)
    *out_conflicts = canonical (all_conflicts);

  return first;
}

static guint
count_conflicts (const char *text)
{
  guint n = 0;

  for (const char *p = strstr (text, "\"lost_clock\""); p != NULL; p = strstr (p + 1, "\"lost_clock\""))
    n++;

  return n;
}

static void
test_write_last_writer_wins_device_breaks_ties (void)
{
  g_autofree char *a = stamp (1000, DEV_A);
  g_autofree char *b = stamp (1000, DEV_B);
  g_autoptr(json_object) one = json_object_new_string ("one");
  g_autoptr(json_object) two = json_object_new_string ("two");
  DhWrite from_a = { one, a, "", "a" };
  DhWrite from_b = { two, b, "", "b" };
  gboolean concurrent;

  g_assert_cmpint (dh_merge_write (&from_a, &from_b, &concurrent), ==, DH_MERGE_TAKE);
  g_assert_true (concurrent);
  g_assert_cmpint (dh_merge_write (&from_b, &from_a, &concurrent), ==, DH_MERGE_KEEP);
  g_assert_true (concurrent);
  g_assert_cmpint (dh_merge_write (&from_a, &from_a, &concurrent), ==, DH_MERGE_SAME);
  g_assert_false (concurrent);
  g_assert_cmpint (dh_merge_write (NULL, &from_a, &concurrent), ==, DH_MERGE_TAKE);
  g_assert_false (concurrent);
}

/* A write that had seen the value it replaced is succession, not conflict. */
static void
test_succession_is_no_conflict (void)
{
  g_autofree char *made = stamp (1000, DEV_A);
  DhChange *changes[] = {
    make_change ("household", 1000, DEV_A, "an", "head_name", "\"Lò Văn Sính\"", NULL, "village", "\"" VILLAGE "\"", NULL,
                 "phone", "\"0912000111\"", NULL, NULL),
    make_change ("household", 2000, DEV_B, "binh", "phone", "\"0987654321\"", made, NULL),
  };
  g_autofree char *conflicts = NULL;
  g_autofree char *text = merge_in_every_order (changes, G_N_ELEMENTS (changes), NULL, &conflicts);

  g_assert_nonnull (strstr (text, "0987654321"));
  g_assert_cmpuint (count_conflicts (conflicts), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    dh_change_free (changes[i]);
}

/* Two people changed one phone, neither having seen the other's: the later
 * wins everywhere and the other is one conflict record, whoever finds it. */
static void
test_concurrent_edit_is_one_conflict_in_every_order (void)
{
  g_autofree char *made = stamp (1000, DEV_A);
  DhChange *changes[] = {
    make_change ("household", 1000, DEV_A, "an", "head_name", "\"Lò Văn Sính\"", NULL, "village", "\"" VILLAGE "\"", NULL,
                 "phone", "\"0912000111\"", NULL, NULL),
    make_change ("household", 2000, DEV_B, "binh", "phone", "\"0987654321\"", made, NULL),
    make_change ("household", 1500, DEV_C, "chi", "phone", "\"0977000222\"", made, "notes", "\"đã gọi\"", made, NULL),
  };
  g_autofree char *conflicts = NULL;
  g_autofree char *text = merge_in_every_order (changes, G_N_ELEMENTS (changes), NULL, &conflicts);
  g_autofree char *id = dh_merge_conflict_id ("household", RECORD, "phone", changes[2]->clock);

  g_test_message ("%s\n%s", text, conflicts);
  g_assert_nonnull (strstr (text, "\"phone\":[\"0987654321\""));
  g_assert_nonnull (strstr (text, "đã gọi"));
  g_assert_cmpuint (count_conflicts (conflicts), ==, 1);
  g_assert_nonnull (strstr (conflicts, id));
  g_assert_nonnull (strstr (conflicts, "\"lost_value\":[\"0977000222\""));
  g_assert_nonnull (strstr (conflicts, "\"lost_by\":[\"chi\""));
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    dh_change_free (changes[i]);
}

/* Three concurrent writers: each value overwritten unseen is kept once. */
static void
test_three_writers_each_loser_kept_once (void)
{
  g_autofree char *made = stamp (1000, DEV_A);
  DhChange *changes[] = {
    make_change ("household", 1000, DEV_A, "an", "head_name", "\"Lò Văn Sính\"", NULL, "village", "\"" VILLAGE "\"", NULL, NULL),
    make_change ("household", 1100, DEV_A, "an", "notes", "\"một\"", made, NULL),
    make_change ("household", 1200, DEV_B, "binh", "notes", "\"hai\"", made, NULL),
    make_change ("household", 1300, DEV_C, "chi", "notes", "\"ba\"", made, NULL),
  };
  g_autofree char *conflicts = NULL;
  g_autofree char *text = merge_in_every_order (changes, G_N_ELEMENTS (changes), NULL, &conflicts);

  g_test_message ("%s\n%s", text, conflicts);
  g_assert_nonnull (strstr (text, "\"notes\":[\"ba\""));
  g_assert_cmpuint (count_conflicts (conflicts), ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    dh_change_free (changes[i]);
}

/* A device's own change coming back while its later edit of the same field
 * is still waiting is its own past, not a conflict. */
static void
test_own_echo_is_no_conflict (void)
{
  g_autofree char *made = stamp (1000, DEV_A);
  g_autofree char *first_edit = stamp (2000, DEV_A);
  g_autoptr(DhChange) creation = make_change ("household", 1000, DEV_A, "an", "head_name", "\"Lò Văn Sính\"", NULL,
                                              "village", "\"" VILLAGE "\"", NULL, NULL);
  g_autoptr(DhChange) edit = make_change ("household", 2000, DEV_A, "an", "phone", "\"0912000111\"", made, NULL);
  g_autoptr(DhChange) later = make_change ("household", 3000, DEV_A, "an", "phone", "\"0912000222\"", first_edit, NULL);
  Replica replica = { json_object_new_object (), json_object_new_object (), 0 };

  deliver (&replica, creation);
  deliver (&replica, edit);
  deliver (&replica, later);
  deliver (&replica, edit);  /* the echo */
  deliver (&replica, creation);
  g_assert_cmpint (json_object_object_length (replica.conflicts), ==, 0);
  replica_clear (&replica);
}

/* A delivered support entry takes no later write in any order; the state
 * is its making, and every later write is refused. */
static void
test_delivered_support_is_sealed (void)
{
  g_autofree char *made = stamp (1000, DEV_A);
  DhChange *changes[] = {
    make_change ("support", 1000, DEV_A, "an", "household", "\"" VILLAGE "\"", NULL, "support_type", "\"livestock\"", NULL,
                 "status", "\"delivered\"", NULL, "amount_vnd", "5000000", NULL, NULL),
    make_change ("support", 2000, DEV_B, "binh", "amount_vnd", "9", made, NULL),
    make_change ("support", 2500, DEV_C, "chi", "deleted", "true", made, NULL),
  };
  guint rejected = 0;
  g_autofree char *text = merge_in_every_order (changes, G_N_ELEMENTS (changes), &rejected, NULL);

  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "\"amount_vnd\":[5000000"));
  g_assert_null (strstr (text, "\"deleted\""));
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    dh_change_free (changes[i]);
}

/* A planned entry may be edited like any record. */
static void
test_planned_support_takes_edits (void)
{
  g_autofree char *made = stamp (1000, DEV_A);
  DhChange *changes[] = {
    make_change ("support", 1000, DEV_A, "an", "household", "\"" VILLAGE "\"", NULL, "support_type", "\"livestock\"", NULL,
                 "status", "\"planned\"", NULL, "amount_vnd", "5000000", NULL, NULL),
    make_change ("support", 2000, DEV_B, "binh", "amount_vnd", "4000000", made, NULL),
  };
  g_autofree char *text = merge_in_every_order (changes, G_N_ELEMENTS (changes), NULL, NULL);

  g_assert_nonnull (strstr (text, "\"amount_vnd\":[4000000"));
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    dh_change_free (changes[i]);
}

/* Set at the making, never after: the first write stands in every order. */
static void
test_immutable_field_keeps_first_write (void)
{
  g_autofree char *made = stamp (1000, DEV_A);
  DhChange *changes[] = {
    make_change ("admin_unit", 1000, DEV_A, "an", "code", "\"T1\"", NULL, "kind", "\"village\"", NULL, "name", "\"Thôn 1\"", NULL, NULL),
    make_change ("admin_unit", 2000, DEV_B, "binh", "kind", "\"commune\"", made, "name", "\"Thôn Một\"", made, NULL),
  };
  g_autofree char *text = merge_in_every_order (changes, G_N_ELEMENTS (changes), NULL, NULL);

  g_assert_nonnull (strstr (text, "\"kind\":[\"village\""));
  g_assert_nonnull (strstr (text, "\"name\":[\"Thôn Một\""));
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    dh_change_free (changes[i]);
}

/* Deleted on one device, edited unseen on another: the deletion stands,
 * the edit is kept in the record, and the state says so. */
static void
test_deletion_never_hides_an_edit_silently (void)
{
  g_autofree char *made = stamp (1000, DEV_A);
  DhChange *changes[] = {
    make_change ("household", 1000, DEV_A, "an", "head_name", "\"Lò Văn Sính\"", NULL, "village", "\"" VILLAGE "\"", NULL, NULL),
    make_change ("household", 2000, DEV_A, "an", "deleted", "true", made, NULL),
    make_change ("household", 1800, DEV_B, "binh", "notes", "\"có 2 con bò\"", made, NULL),
    make_change ("household", 2500, DEV_C, "chi", "phone", "\"0912000111\"", made, NULL),
  };
  g_autofree char *text = merge_in_every_order (changes, G_N_ELEMENTS (changes), NULL, NULL);
  g_autoptr(json_object) state = json_object_new_object ();
  g_autofree char *again_base = stamp (2500, DEV_C);
  g_autoptr(DhChange) again = make_change ("household", 3000, DEV_A, "an", "deleted", "true", again_base, NULL);
  DhWrite edit;

  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "\"deleted\":[true"));
  g_assert_nonnull (strstr (text, "có 2 con bò"));

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_auto(DhMergeResult) result = { 0 };

      g_assert_true (dh_merge_record (state, changes[i], &result));
    }
  /* the latest unseen edit is the one it names */
  g_assert_true (dh_merge_state_unseen_edit (state, &edit));
  g_assert_cmpstr (edit.author, ==, "chi");

  /* deleting again, having seen it all, lets the deletion stand */
  {
    g_auto(DhMergeResult) result = { 0 };

    g_assert_true (dh_merge_record (state, again, &result));
    g_assert_false (dh_merge_state_unseen_edit (state, NULL));
  }
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    dh_change_free (changes[i]);
}

/* Random small sets: every order and grouping gives one state. */
static void
test_random_sets_converge (void)
{
  static const char * const fields[] = { "phone", "notes", "address", "deleted" };
  static const char * const devices[] = { DEV_A, DEV_B, DEV_C };

  for (guint round = 0; round < 60; round++)
    {
      DhChange *changes[6];
      guint n = (guint) g_test_rand_int_range (2, 7);
      g_autofree char *text = NULL;

      changes[0] = make_change ("household", 1000, DEV_A, "an", "head_name", "\"Lò Văn Sính\"", NULL,
                                "village", "\"" VILLAGE "\"", NULL, NULL);
      for (guint i = 1; i < n; i++)
        {
          const char *field = fields[g_test_rand_int_range (0, G_N_ELEMENTS (fields))];
          const char *device = devices[g_test_rand_int_range (0, G_N_ELEMENTS (devices))];
          guint64 ms = 1000 + (guint64) i * 100 + (guint64) g_test_rand_int_range (0, 50);
          g_autofree char *base = NULL;
          g_autofree char *value = g_str_equal (field, "deleted") ? g_strdup (g_test_rand_bit () ? "true" : "false") :
                                   g_strdup_printf ("\"0912%06d\"", g_test_rand_int_range (0, 3));
          DhWrite seen;
          guint from;

          /* its author had seen some earlier write of the field, or none */
          from = (guint) g_test_rand_int_range (0, (int) i);
          if (dh_change_get_write (changes[from], field, &seen))
            base = g_strdup (seen.clock);
          else
            base = g_strdup ("");

          changes[i] = make_change ("household", ms, device, device, field, value, base, NULL);
        }
      text = merge_in_every_order (changes, n, NULL, NULL);
      for (guint i = 0; i < n; i++)
        dh_change_free (changes[i]);
    }
}

/* A random value a field may hold: text, a number, a truth, nothing, a list. */
static json_object *
random_value (void)
{
  switch (g_test_rand_int_range (0, 6))
    {
    case 0: return json_object_new_string ("Lò Văn Sính \"Bản Mường\" \\ /");
    case 1: return json_object_new_int64 (g_test_rand_int_range (-5, 5000000));
    case 2: return json_object_new_boolean (g_test_rand_bit ());
    case 3: return NULL;
    case 4:
      {
        json_object *list = json_object_new_array ();

        json_object_array_add (list, json_object_new_string ("giong"));
        json_object_array_add (list, json_object_new_string ("vat_nuoi"));
        return list;
      }
    default: return json_object_new_string ("");
    }
}

/* The server keeps a record as the change a pull sends, and merges into
 * the state read back from that change's text: over random states, every
 * write comes back whole, with its value, base, clock and author, whether
 * they are the change's own or not. */
static void
test_state_survives_its_wire (void)
{
  static const char * const fields[] = { "head_name", "phone", "notes", "address", "village", "deleted" };
  static const char * const devices[] = { DEV_A, DEV_B, DEV_C };
  static const char * const authors[] = { "an", "binh", NULL };

  for (guint round = 0; round < 500; round++)
    {
      g_autoptr(json_object) state = json_object_new_object ();
      g_autoptr(DhChange) change = NULL;
      g_autoptr(json_object) wire = NULL;
      g_autoptr(json_object) parsed = NULL;
      g_autoptr(json_object) back = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *got = NULL;
      guint n = (guint) g_test_rand_int_range (0, G_N_ELEMENTS (fields) + 1);

      for (guint i = 0; i < n; i++)
        {
          const char *field = fields[g_test_rand_int_range (0, G_N_ELEMENTS (fields))];
          g_autoptr(json_object) value = random_value ();
          g_autofree char *clock = stamp (1000 + (guint64) g_test_rand_int_range (0, 4),
                                          devices[g_test_rand_int_range (0, G_N_ELEMENTS (devices))]);
          g_autofree char *base = g_test_rand_bit () ? g_strdup ("") : stamp (900, DEV_C);
          DhWrite write = { value, clock, base, authors[g_test_rand_int_range (0, G_N_ELEMENTS (authors))] };

          json_object_object_add (state, field, dh_write_to_json (&write));
        }

      change = dh_merge_state_to_change (dh_entity_lookup ("household"), RECORD, COMMUNE, state);
      wire = dh_change_to_json (change);
      /* as the server reads it back: text, parsed again */
      parsed = json_tokener_parse (json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
      g_assert_nonnull (parsed);
      back = dh_merge_state_from_wire (parsed);

      expected = canonical (state);
      got = canonical (back);
      g_assert_cmpstr (got, ==, expected);
    }

  /* what is no change has no writes */
  {
    g_autoptr(json_object) nothing = json_tokener_parse ("{\"e\":\"household\",\"f\":[1]}");
    g_autoptr(json_object) empty = dh_merge_state_from_wire (nothing);

    g_assert_cmpint (json_object_object_length (empty), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  dh_validator_init (&validator);

  g_test_add_func ("/common/merge/write/last-writer-wins-device-breaks-ties", test_write_last_writer_wins_device_breaks_ties);
  g_test_add_func ("/common/merge/succession-is-no-conflict", test_succession_is_no_conflict);
  g_test_add_func ("/common/merge/concurrent-edit-is-one-conflict-in-every-order", test_concurrent_edit_is_one_conflict_in_every_order);
  g_test_add_func ("/common/merge/three-writers-each-loser-kept-once", test_three_writers_each_loser_kept_once);
  g_test_add_func ("/common/merge/own-echo-is-no-conflict", test_own_echo_is_no_conflict);
  g_test_add_func ("/common/merge/ledger/delivered-support-is-sealed", test_delivered_support_is_sealed);
  g_test_add_func ("/common/merge/ledger/planned-support-takes-edits", test_planned_support_takes_edits);
  g_test_add_func ("/common/merge/immutable-field-keeps-first-write", test_immutable_field_keeps_first_write);
  g_test_add_func ("/common/merge/deletion-never-hides-an-edit-silently", test_deletion_never_hides_an_edit_silently);
  g_test_add_func ("/common/merge/random-sets-converge", test_random_sets_converge);
  g_test_add_func ("/common/merge/state-survives-its-wire", test_state_survives_its_wire);

  return g_test_run ();
}
