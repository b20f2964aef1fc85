/* test-wire.c – a pull's answer read in place is what json-c reads of it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-change.h"
#include "dh-error.h"
#include "dh-wire.h"

#define DEPTH 32

/* Random JSON text of the kinds a hostile or broken server may send. */
static void
append_space (GRand   *rand,
              GString *out)
{
  static const char * const spaces[] = { "", "", "", " ", "\n", "\t ", "\r\n  " };

  g_string_append (out, spaces[g_rand_int_range (rand, 0, G_N_ELEMENTS (spaces))]);
}

static void
append_string (GRand      *rand,
               GString    *out,
               const char *plain)
{
  static const char * const pieces[] = {
    "a", "Lò Văn Sính", "\\u00e9", "\\u1ec7", "\\ud83d\\ude00", "\\ud83d", "\\ude00x", "\\\"", "\\\\", "\\/",
    "\\n", "\\t", "\\b\\f\\r", "\\u0000", "\\u001f", "0000000000010000-aaaaaaaaaaaaaaaa", " ", "\xc3\xa9",
  };

  g_string_append_c (out, '"');
  if (plain != NULL)
    g_string_append (out, plain);
  else
    for (int n = g_rand_int_range (rand, 0, 5); n > 0; n--)
      g_string_append (out, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
  g_string_append_c (out, '"');
}

static void
append_value (GRand   *rand,
              GString *out,
              int      depth)
{
  static const char * const numbers[] = {
    "0", "-0", "7", "-12", "2026", "1500000", "123456789012345678", "-123456789012345678",
    "1234567890123456789", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
    "18446744073709551616", "99999999999999999999999", "1.5", "-0.25", "1e3", "2E-2", "6.02e+23",
  };
  int kind = g_rand_int_range (rand, 0, depth > 3 ? 5 : 7);

  append_space (rand, out);
  switch (kind)
    {
    case 0: append_string (rand, out, NULL); break;
    case 1: g_string_append (out, numbers[g_rand_int_range (rand, 0, G_N_ELEMENTS (numbers))]); break;
    case 2: g_string_append (out, g_rand_boolean (rand) ? "true" : "false"); break;
    case 3: g_string_append (out, "null"); break;
    case 4: append_string (rand, out, "xã Tân Lập"); break;
    case 5:
      g_string_append_c (out, '[');
      for (int n = g_rand_int_range (rand, 0, 4), i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_value (rand, out, depth + 1);
        }
      g_string_append_c (out, ']');
      break;
    default:
      g_string_append_c (out, '{');
      for (int n = g_rand_int_range (rand, 0, 4), i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_string (rand, out, g_rand_boolean (rand) ? "k" : NULL);
          g_string_append_c (out, ':');
          append_value (rand, out, depth + 1);
        }
      g_string_append_c (out, '}');
      break;
    }
  append_space (rand, out);
}

/* A member that should be text: mostly text. */
static void
append_member (GRand      *rand,
               GString    *out,
               const char *key,
               const char *text)
{
  append_string (rand, out, key);
  append_space (rand, out);
  g_string_append_c (out, ':');
  if (g_rand_int_range (rand, 0, 6) > 0)
    {
      append_space (rand, out);
      append_string (rand, out, text);
    }
  else
    append_value (rand, out, 4);
}

static void
append_change (GRand   *rand,
               GString *out)
{
  static const char * const names[] = { "head_name", "village", "phone", "deleted", "members", "notes", "year", "x" };
  static const char * const keys[] = { "e", "r", "c", "u", "k", "f", "z", "", "ee" };
  int n_members = g_rand_int_range (rand, 0, 9);

  if (g_rand_int_range (rand, 0, 12) == 0)
    {
      append_value (rand, out, 2);
      return;
    }
  g_string_append_c (out, '{');
  for (int i = 0; i < n_members; i++)
    {
      const char *key = keys[g_rand_int_range (rand, 0, G_N_ELEMENTS (keys))];

      if (i > 0)
        g_string_append_c (out, ',');
      if (strcmp (key, "f") != 0 || g_rand_int_range (rand, 0, 8) == 0)
        {
          append_member (rand, out, key, g_rand_boolean (rand) ? "household" : NULL);
          continue;
        }
      append_string (rand, out, "f");
      g_string_append (out, ":{");
      for (int n = g_rand_int_range (rand, 0, 7), j = 0; j < n; j++)
        {
          if (j > 0)
            g_string_append_c (out, ',');
          append_string (rand, out, names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))]);
          g_string_append_c (out, ':');
          if (g_rand_boolean (rand))
            append_value (rand, out, 4);
          else
            {
              /* a list of 0 to 5: value, base, clock, author, more */
              g_string_append_c (out, '[');
              for (int m = g_rand_int_range (rand, 0, 6), k = 0; k < m; k++)
                {
                  if (k > 0)
                    g_string_append_c (out, ',');
                  if (k == 0 || g_rand_int_range (rand, 0, 4) == 0)
                    append_value (rand, out, 5);
                  else
                    append_string (rand, out, g_rand_boolean (rand) ? "" : NULL);
                }
              g_string_append_c (out, ']');
            }
        }
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, '}');
}

static char *
random_answer (GRand *rand)
{
  GString *out = g_string_new (NULL);

  append_space (rand, out);
  g_string_append (out, "{\"cursor\":\"12\",");
  if (g_rand_int_range (rand, 0, 10) == 0)
    g_string_append (out, "\"changes\":[{\"e\":\"member\"}],");
  g_string_append (out, "\"changes\":[");
  for (int n = g_rand_int_range (rand, 0, 8), i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_space (rand, out);
      append_change (rand, out);
      append_space (rand, out);
    }
  g_string_append (out, "],\"more\":true}");
  append_space (rand, out);

  return g_string_free (out, FALSE);
}

/* What json-c's strict tokener reads of TEXT, NULL when it refuses it. */
static json_object *
json_c_reads (const char *text,
              gsize       length)
{
  g_autoptr(json_tokener) tokener = json_tokener_new_ex (DEPTH);
  g_autoptr(json_object) object = NULL;

  json_tokener_set_flags (tokener, JSON_TOKENER_STRICT);
  object = json_tokener_parse_ex (tokener, text, (int) length);
  if (json_tokener_get_error (tokener) != json_tokener_success || !json_object_is_type (object, json_type_object))
    return NULL;
  for (gsize i = json_tokener_get_parse_end (tokener); i < length; i++)
    {
      if (!g_ascii_isspace (text[i]))
        return NULL;
    }

  return g_steal_pointer (&object);
}

static void
assert_same_text (const DhWireText *a,
                  const DhWireText *b)
{
  g_assert_cmpstr (a->text, ==, b->text);
  g_assert_cmpint (a->other, ==, b->other);
}

static void
assert_same_values (json_object *a,
                    json_object *b)
{
  if (a == NULL || b == NULL)
    g_assert_true (a == b);
  else
    {
      g_assert_cmpint (json_object_get_type (a), ==, json_object_get_type (b));
      g_assert_cmpstr (json_object_to_json_string_ext (a, JSON_C_TO_STRING_PLAIN), ==,
                       json_object_to_json_string_ext (b, JSON_C_TO_STRING_PLAIN));
      g_assert_true (json_object_equal (a, b));
    }
}

static void
assert_same_change (const DhWireChange *a,
                    const DhWireChange *b)
{
  g_assert_cmpint (a->is_object, ==, b->is_object);
  assert_same_text (&a->entity, &b->entity);
  assert_same_text (&a->record, &b->record);
  assert_same_text (&a->commune, &b->commune);
  assert_same_text (&a->author, &b->author);
  assert_same_text (&a->clock, &b->clock);
  g_assert_cmpint (a->has_fields, ==, b->has_fields);
  g_assert_cmpint (a->too_many, ==, b->too_many);
  if (a->too_many)
    return;
  g_assert_cmpuint (a->n_fields, ==, b->n_fields);
  for (guint i = 0; i < a->n_fields; i++)
    {
      g_assert_cmpstr (a->fields[i].name, ==, b->fields[i].name);
      g_assert_cmpuint (a->fields[i].n, ==, b->fields[i].n);
      assert_same_values (a->fields[i].value, b->fields[i].value);
      assert_same_text (&a->fields[i].base, &b->fields[i].base);
      assert_same_text (&a->fields[i].clock, &b->fields[i].clock);
      assert_same_text (&a->fields[i].author, &b->fields[i].author);
    }
}

/* TEXT read in place is refused where json-c refuses it, and otherwise
 * read as json-c reads it: each change, its members, the answer's other
 * members and each change's text. Returns whether it was read. */
static gboolean
assert_read_as_json_c (const char *text,
                       gsize       length)
{
  g_autoptr(json_object) reference = json_c_reads (text, length);
  g_autoptr(json_object) answer = NULL;
  /* a copy of every byte, a NUL among them too */
  g_autoptr(DhWirePage) page = dh_wire_page_parse_answer (memcpy (g_malloc (length + 1), text, length), length, DEPTH, &answer);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(DhWirePage) json_page = NULL;
  json_object *list = NULL;

  if (reference == NULL)
    {
      g_assert_null (page);
      g_assert_null (answer);
      return FALSE;
    }
  g_assert_nonnull (answer);
  if (!json_object_object_get_ex (reference, "changes", &list) || !json_object_is_type (list, json_type_array))
    {
      g_assert_null (page);
      return TRUE;
    }
  g_assert_nonnull (page);

  for (size_t i = 0; i < json_object_array_length (list); i++)
    g_ptr_array_add (changes, json_object_get (json_object_array_get_idx (list, i)));
  /* the other members, as they were */
  json_object_object_del (reference, "changes");
  g_assert_true (json_object_equal (answer, reference));

  json_page = dh_wire_page_new_from_json (changes);
  g_assert_cmpuint (dh_wire_page_get_length (page), ==, dh_wire_page_get_length (json_page));
  for (guint i = 0; i < dh_wire_page_get_length (page); i++)
    {
      g_autofree char *as_read = dh_wire_page_dup_text (page, i);
      g_autofree char *as_json = dh_wire_page_dup_text (json_page, i);

      assert_same_change (dh_wire_page_get_change (page, i), dh_wire_page_get_change (json_page, i));
      g_assert_cmpstr (as_read, ==, as_json);
    }

  return TRUE;
}

/* Random answers, as a server, broken or hostile, may write them: read in
 * place, they are what json-c reads. */
static void
test_random_answers (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  guint read = 0;

  for (int round = 0; round < 3000; round++)
    {
      g_autofree char *text = random_answer (rand);

      read += assert_read_as_json_c (text, strlen (text));
    }
  /* most were answers: the comparison compared something */
  g_assert_cmpuint (read, >, 2500);
}

/* The same answers, each cut at every length, and with one byte changed
 * at random places: refused where json-c refuses them, the same where it
 * reads them. */
static void
test_cut_and_changed_answers (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (27112026);
  /* a NUL among them: the last */
  static const char bytes[] = "{}[],:\"\\ 0-1eE.tfn\x01\x7f\xc3\xa9u\0";
  guint refused = 0, read = 0;

  for (int round = 0; round < 150; round++)
    {
      g_autofree char *text = random_answer (rand);
      gsize length = strlen (text);

      for (gsize cut = 0; cut < length; cut++)
        refused += !assert_read_as_json_c (text, cut);
      for (int change = 0; change < 40; change++)
        {
          g_autofree char *changed = g_strdup (text);

          changed[g_rand_int_range (rand, 0, (gint32) length)] = bytes[g_rand_int_range (rand, 0, sizeof bytes - 1)];
          read += assert_read_as_json_c (changed, length);
        }
    }
  g_assert_cmpuint (refused, >, 0);
  g_assert_cmpuint (read, >, 0);
}

/* Lists and objects nested deeper than the depth given are refused, as
 * json-c refuses them, at the edge and beyond it: a list as deep as the
 * depth allowed may be empty, but hold nothing, whatever it would hold and
 * wherever it lies (a field's value, an envelope's member, the answer's). */
static void
test_nesting_deeper_than_allowed (void)
{
  static const char * const inner[] = { "", "1", "\"s\"", "true", "null", "{}", "{\"k\":2}", "[]" };
  static const char * const around[][2] = {
    { "{\"changes\":[{\"e\":\"household\",\"f\":{\"notes\":[", "]}}]}" },
    { "{\"changes\":[{\"e\":\"household\",\"f\":{\"notes\":", "}}]}" },
    { "{\"changes\":[{\"e\":", "}]}" },
    { "{\"changes\":[", "]}" },
    { "{\"x\":", ",\"changes\":[]}" },
  };
  guint read = 0, refused = 0;

  for (guint a = 0; a < G_N_ELEMENTS (around); a++)
    for (guint v = 0; v < G_N_ELEMENTS (inner); v++)
      for (guint depth = DEPTH - 8; depth < DEPTH + 2; depth++)
        {
          g_autoptr(GString) text = g_string_new (around[a][0]);

          for (guint i = 0; i < depth; i++)
            g_string_append_c (text, '[');
          g_string_append (text, inner[v]);
          for (guint i = 0; i < depth; i++)
            g_string_append_c (text, ']');
          g_string_append (text, around[a][1]);
          if (assert_read_as_json_c (text->str, text->len))
            read++;
          else
            refused++;
        }
  /* the edge lies inside the range tried */
  g_assert_cmpuint (read, >, 0);
  g_assert_cmpuint (refused, >, 0);
}

/* TEXT is no page: not JSON (ANSWERED false), or an answer without a
 * list of changes. */
static void
assert_no_page (const char *text,
                gboolean    answered)
{
  g_autoptr(json_object) answer = NULL;
  g_autoptr(DhWirePage) page = dh_wire_page_parse_answer (g_strdup (text), strlen (text), DEPTH, &answer);

  g_assert_null (page);
  g_assert_true ((answer != NULL) == answered);
}

/* What RFC 8259 does not allow, json-c's strict tokener reads, and this
 * reader refuses: a server sends none of it, and a page is JSON or
 * nothing. A NUL inside a string ends json-c's text, and is refused. */
static void
test_stricter_than_json_c (void)
{
  static const char * const values[] = { "1.", "-.5", "1.e5", "00", "-01", "01.5", "NaN", "Infinity", "-Infinity" };
  static const char nul[] = "{\"changes\":[{\"e\":\"house\0hold\"}]}";

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"changes\":[],\"x\":%s}", values[i]);

      assert_no_page (text, FALSE);
    }
  assert_no_page ("{'changes':[]}", FALSE);
  assert_read_as_json_c (nul, sizeof nul - 1);
}

/* A pair of surrogates is the character it names, whatever its plane:
 * json-c 0.16 makes U+FFFD of those whose low bits look like a
 * surrogate's (U+1D800 to U+1DFFF, say), this reader does not. */
static void
test_surrogate_pairs_of_every_plane (void)
{
  static const char text[] = "{\"changes\":[{\"e\":\"\\ud837\\ude00 \\ud83d\\ude00 \\ud836\\udc00\\udc00\"}]}";
  g_autoptr(json_object) answer = NULL;
  g_autoptr(DhWirePage) page = dh_wire_page_parse_answer (g_strdup (text), strlen (text), DEPTH, &answer);

  g_assert_nonnull (page);
  g_assert_cmpstr (dh_wire_page_get_change (page, 0)->entity.text, ==, "\U0001DE00 \U0001F600 \U0001D800\uFFFD");
}

/* A field named twice counts once, the later value in the earlier place;
 * "f" given twice is the later; a change naming more fields than any
 * record has is marked so, and refused by the check. */
static void
test_fields_named_again (void)
{
  static const char text[] =
    "{\"changes\":[{\"e\":\"household\",\"f\":{\"a\":1,\"b\":2,\"a\":3}},"
    "{\"f\":{\"x\":1},\"e\":\"member\",\"f\":{\"y\":[2,\"\"]}}]}";
  g_autoptr(json_object) answer = NULL;
  g_autoptr(DhWirePage) page = dh_wire_page_parse_answer (g_strdup (text), strlen (text), DEPTH, &answer);
  const DhWireChange *first, *second;
  g_autoptr(GString) many = g_string_new ("{\"changes\":[{\"e\":\"household\",\"r\":\"8a3f8f3e-8d0c-4a59-a0a6-0d6f4a3c2b10\","
                                          "\"k\":\"0000000000010000-aaaaaaaaaaaaaaaa\",\"f\":{");
  g_autoptr(DhWirePage) many_page = NULL;
  g_autoptr(json_object) many_answer = NULL;
  g_auto(DhCheckedChange) checked = { 0 };
  g_autoptr(GError) error = NULL;
  DhValidator validator = { .catalogues = dh_catalogues_get_default () };
  gsize length;

  g_assert_nonnull (page);
  first = dh_wire_page_get_change (page, 0);
  g_assert_cmpuint (first->n_fields, ==, 2);
  g_assert_cmpstr (first->fields[0].name, ==, "a");
  g_assert_cmpint (json_object_get_int (first->fields[0].value), ==, 3);
  g_assert_cmpstr (first->fields[1].name, ==, "b");
  second = dh_wire_page_get_change (page, 1);
  g_assert_cmpuint (second->n_fields, ==, 1);
  g_assert_cmpstr (second->fields[0].name, ==, "y");
  g_assert_cmpuint (second->fields[0].n, ==, 2);
  g_assert_cmpstr (second->fields[0].base.text, ==, "");
  assert_read_as_json_c (text, strlen (text));

  for (guint i = 0; i <= DH_WIRE_MAX_FIELDS; i++)
    g_string_append_printf (many, "%s\"field_%u\":1", i > 0 ? "," : "", i);
  g_string_append (many, "}}]}");
  length = many->len;
  many_page = dh_wire_page_parse_answer (g_string_free (g_steal_pointer (&many), FALSE), length, DEPTH, &many_answer);
  g_assert_nonnull (many_page);
  g_assert_true (dh_wire_page_get_change (many_page, 0)->too_many);
  g_assert_false (dh_change_check_wire (dh_wire_page_get_change (many_page, 0), &validator, &checked, &error));
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
}

/* An answer whose "changes" is missing or no list is told apart from one
 * that is not JSON: the answer is given, the page is not. */
static void
test_answer_without_a_list (void)
{
  static const char * const texts[] = { "{\"cursor\":\"1\"}", "{\"changes\":{}}", "{\"changes\":[],\"changes\":7}" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_no_page (texts[i], TRUE);
  assert_no_page ("[]", FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/wire/random-answers-read-as-json-c-reads-them", test_random_answers);
  g_test_add_func ("/common/wire/cut-and-changed-answers", test_cut_and_changed_answers);
  g_test_add_func ("/common/wire/nesting-deeper-than-allowed", test_nesting_deeper_than_allowed);
  g_test_add_func ("/common/wire/stricter-than-json-c", test_stricter_than_json_c);
  g_test_add_func ("/common/wire/surrogate-pairs-of-every-plane", test_surrogate_pairs_of_every_plane);
  g_test_add_func ("/common/wire/fields-named-again", test_fields_named_again);
  g_test_add_func ("/common/wire/answer-without-a-list", test_answer_without_a_list);

  return g_test_run ();
}
