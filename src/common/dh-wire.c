/* dh-wire.c – changes as they travel, read without a JSON object each */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-autocleanups.h"
#include "dh-wire.h"

/* A page: its changes, and their fields in one array. Read from text, it
 * keeps the text (for a change set aside as it came, dh_wire_page_dup_text())
 * and the members' texts unescaped, each ended by a NUL, in one block no
 * larger than the text: a string's two quotes make room for its NUL. */
struct _DhWirePage
{
  gatomicrefcount  ref;
  GArray          *changes;   /* DhWireChange */
  GArray          *fields;    /* DhWireField, every change's */
  GArray          *spans;     /* gsize pairs: where each change lies in the text */
  GPtrArray       *values;    /* the fields' values, the page's to free */
  char            *text;
  gsize            length;
  guint            max_depth;
  char            *strings;
  GPtrArray       *json;      /* read from these JSON objects, or NULL */
  gboolean         shares_objects;
};

static DhWirePage *
page_new (void)
{
  DhWirePage *page = g_new0 (DhWirePage, 1);

  g_atomic_ref_count_init (&page->ref);
  page->changes = g_array_new (FALSE, TRUE, sizeof (DhWireChange));
  page->fields = g_array_new (FALSE, TRUE, sizeof (DhWireField));

  return page;
}

/* The changes' fields where the array of them ended up. */
static void
page_place_fields (DhWirePage *page,
                   GArray     *firsts)
{
  for (guint i = 0; i < page->changes->len; i++)
    {
      DhWireChange *change = &g_array_index (page->changes, DhWireChange, i);

      change->fields = change->n_fields > 0 ? &g_array_index (page->fields, DhWireField, g_array_index (firsts, guint, i)) : NULL;
    }
}

static DhWireText
text_of_json (json_object *value)
{
  if (value == NULL)
    return (DhWireText) { NULL, FALSE };
  if (!json_object_is_type (value, json_type_string))
    return (DhWireText) { NULL, TRUE };
  return (DhWireText) { json_object_get_string (value), FALSE };
}

/**
 * dh_wire_field_read_json:
 * @name: the field's name, which @out_field refers to
 * @entry: its entry in the change's "f": [value, base, clock, author], its
 *   last elements left out when they are the defaults, or its value alone
 * @out_field: (out caller-allocates): the field, referring to @entry
 *
 * Reads one field of a change given as a JSON object. Only text is read
 * as text: json-c would write a number's text into it, and a page not yet
 * checked may be read on two threads at once.
 */
void
dh_wire_field_read_json (const char  *name,
                         json_object *entry,
                         DhWireField *out_field)
{
  size_t n;

  *out_field = (DhWireField) { .name = name };
  if (!json_object_is_type (entry, json_type_array))
    {
      out_field->value = entry;
      out_field->n = 1;
      return;
    }

  n = json_object_array_length (entry);
  out_field->n = (guint) MIN (n, G_MAXUINT);
  out_field->value = n > 0 ? json_object_array_get_idx (entry, 0) : NULL;
  if (n > 1)
    out_field->base = text_of_json (json_object_array_get_idx (entry, 1));
  if (n > 2)
    out_field->clock = text_of_json (json_object_array_get_idx (entry, 2));
  if (n > 3)
    out_field->author = text_of_json (json_object_array_get_idx (entry, 3));
}

/**
 * dh_wire_change_read_json:
 * @wire: a change as received, parsed
 * @fields: (element-type DhWireField): where its fields are appended
 * @out_change: (out caller-allocates): the change, its fields left for the
 *   caller to point at (@fields from where they began) once none is added
 *
 * Reads a change given as a JSON object, which it refers to, as
 * dh_wire_field_read_json() reads its fields.
 */
void
dh_wire_change_read_json (json_object  *wire,
                          GArray       *fields,
                          DhWireChange *out_change)
{
  json_object *members = NULL;

  memset (out_change, 0, sizeof *out_change);
  if (wire == NULL || !json_object_is_type (wire, json_type_object))
    return;

  out_change->is_object = TRUE;
  {
    json_object_object_foreach (wire, key, value)
      {
        if (key[0] == '\0' || key[1] != '\0')
          continue;
        switch (key[0])
          {
          case 'e': out_change->entity = text_of_json (value); break;
          case 'r': out_change->record = text_of_json (value); break;
          case 'c': out_change->commune = text_of_json (value); break;
          case 'u': out_change->author = text_of_json (value); break;
          case 'k': out_change->clock = text_of_json (value); break;
          case 'f': members = value; break;
          default: break;
          }
      }
  }

  if (!json_object_is_type (members, json_type_object))
    return;
  out_change->has_fields = TRUE;
  if (json_object_object_length (members) > DH_WIRE_MAX_FIELDS)
    {
      out_change->too_many = TRUE;
      return;
    }
  {
    json_object_object_foreach (members, key, entry)
      {
        DhWireField field;

        dh_wire_field_read_json (key, entry, &field);
        g_array_append_val (fields, field);
        out_change->n_fields++;
      }
  }
}

/* Whether a page holds one object twice: its checker and its writer
 * would then count that object's references at once, which json-c does
 * without atomics. */
static gboolean
objects_are_distinct (GPtrArray *changes)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < changes->len; i++)
    {
      if (!g_hash_table_add (seen, g_ptr_array_index (changes, i)))
        return FALSE;
    }

  return TRUE;
}

/**
 * dh_wire_page_new_from_json:
 * @changes: (element-type json_object): changes as received, parsed
 *
 * A page of changes given as JSON objects, which it holds.
 */
DhWirePage *
dh_wire_page_new_from_json (GPtrArray *changes)
{
  DhWirePage *page;
  g_autoptr(GArray) firsts = NULL;

  g_return_val_if_fail (changes != NULL, NULL);

  firsts = g_array_sized_new (FALSE, FALSE, sizeof (guint), changes->len);
  page = page_new ();
  page->json = g_ptr_array_ref (changes);
  page->shares_objects = !objects_are_distinct (changes);
  g_array_set_size (page->changes, changes->len);
  for (guint i = 0; i < changes->len; i++)
    {
      guint first = page->fields->len;

      g_array_append_val (firsts, first);
      dh_wire_change_read_json (g_ptr_array_index (changes, i), page->fields,
                                &g_array_index (page->changes, DhWireChange, i));
    }
  page_place_fields (page, firsts);

  return page;
}

/* The scanner of a pull's answer: JSON as RFC 8259 has it. It refuses
 * what json-c's strict tokener refuses (comments, trailing commas, a NUL
 * in a string, nesting deeper than it is told), and also what json-c
 * lets through that the RFC does not allow (single-quoted keys, NaN and
 * Infinity, numbers such as "1.", ".5" or "01"): no server sends them.
 * Like json-c, it lets a control character through unescaped in a string,
 * which the checks of the texts refuse where they matter. A pair of
 * surrogates is the character it names, in every plane (json-c 0.16 makes
 * U+FFFD of those whose low bits look like a surrogate's). */
typedef struct
{
  const char *at;
  const char *end;
  char       *strings;   /* where the next unescaped text goes */
  guint       depth;
  guint       max_depth;
  DhWirePage *page;
  GArray     *firsts;    /* each change's first field */
  json_tokener *tokener; /* for the numbers json-c reads, made once a page */
} Scanner;

static inline void
skip_space (Scanner *s)
{
  while (s->at < s->end && (*s->at == ' ' || *s->at == '\n' || *s->at == '\r' || *s->at == '\t'))
    s->at++;
}

/* Whether the next character, after white space, is C, which is taken. */
static inline gboolean
take (Scanner *s,
      char     c)
{
  skip_space (s);
  if (s->at < s->end && *s->at == c)
    {
      s->at++;
      return TRUE;
    }
  return FALSE;
}

static inline gboolean
peek (Scanner *s,
      char     c)
{
  skip_space (s);
  return s->at < s->end && *s->at == c;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Scanner  *s,
           gunichar *out)
{
  gunichar value = 0;

  if (s->end - s->at < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_value (s->at[i]);

      if (digit < 0)
        return FALSE;
      value = value * 16 + (gunichar) digit;
    }
  s->at += 4;
  *out = value;
  return TRUE;
}

/* Whether any of the eight bytes of WORD is zero, or BYTE (exact, with
 * no false alarm: the test of "Bit Twiddling Hacks"). */
#define WORD_HAS_ZERO(word) (((word) - G_GUINT64_CONSTANT (0x0101010101010101)) & ~(word) & \
                             G_GUINT64_CONSTANT (0x8080808080808080))
#define WORD_HAS(word, byte) WORD_HAS_ZERO ((word) ^ (G_GUINT64_CONSTANT (0x0101010101010101) * (guint8) (byte)))

/* A string, the scanner at its opening quote: unescaped into the page's
 * block, ended by a NUL; *OUT_LENGTH without it (a "\u0000" inside is kept,
 * as json-c keeps it). */
static gboolean
scan_string (Scanner     *s,
             const char **out_text,
             gsize       *out_length)
{
  char *to = s->strings;
  const char *start = to;

  if (!take (s, '"'))
    return FALSE;
  for (;;)
    {
      unsigned char c;

      /* the plain run up to a quote or a backslash, copied as it is read:
       * eight bytes at a time while none of them ends it, then byte by
       * byte (no more is written than was read, so the block, as long
       * as the text, holds it); a NUL ends the text for json-c, which
       * then finds it cut */
      while (s->end - s->at >= 8)
        {
          guint64 word;

          memcpy (&word, s->at, sizeof word);
          if (WORD_HAS (word, '"') || WORD_HAS (word, '\\') || WORD_HAS_ZERO (word))
            break;
          memcpy (to, &word, sizeof word);
          to += sizeof word;
          s->at += sizeof word;
        }
      while (s->at < s->end && *s->at != '"' && *s->at != '\\' && *s->at != '\0')
        *to++ = *s->at++;
      if (s->at >= s->end)
        return FALSE;
      c = (unsigned char) *s->at++;
      if (c == '"')
        break;
      if (c == '\0' || s->at >= s->end)
        return FALSE;

      c = (unsigned char) *s->at++;
      switch (c)
        {
        case '"': *to++ = '"'; break;
        case '\\': *to++ = '\\'; break;
        case '/': *to++ = '/'; break;
        case 'b': *to++ = '\b'; break;
        case 'f': *to++ = '\f'; break;
        case 'n': *to++ = '\n'; break;
        case 'r': *to++ = '\r'; break;
        case 't': *to++ = '\t'; break;
        case 'u':
          {
            gunichar code, low;

            if (!read_hex4 (s, &code))
              return FALSE;
            /* a pair of surrogates is one character; one alone is none */
            if (code >= 0xD800 && code < 0xDC00 && s->end - s->at >= 6 && s->at[0] == '\\' && s->at[1] == 'u')
              {
                const char *back = s->at;

                s->at += 2;
                if (!read_hex4 (s, &low))
                  return FALSE;
                if (low >= 0xDC00 && low < 0xE000)
                  code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                else
                  s->at = back;
              }
            if (code >= 0xD800 && code < 0xE000)
              code = 0xFFFD;
            to += g_unichar_to_utf8 (code, to);
          }
          break;
        default:
          return FALSE;
        }
    }

  *to++ = '\0';
  s->strings = to;
  *out_text = start;
  if (out_length != NULL)
    *out_length = (gsize) (to - start - 1);
  return TRUE;
}

static gboolean
scan_literal (Scanner    *s,
              const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (s->end - s->at) < length || memcmp (s->at, word, length) != 0)
    return FALSE;
  s->at += length;
  return TRUE;
}

/* What TOKENER, reset, reads of the LENGTH bytes of TEXT as one value,
 * or NULL: a value at the end of its text (a number) is read only once
 * json-c is told the text ended. */
static json_object *
json_c_read (json_tokener *tokener,
             const char   *text,
             gsize         length)
{
  json_object *value;

  json_tokener_reset (tokener);
  value = json_tokener_parse_ex (tokener, text, (int) MIN (length, G_MAXINT));
  if (value == NULL && json_tokener_get_error (tokener) == json_tokener_continue)
    value = json_tokener_parse_ex (tokener, "", 1);
  if (json_tokener_get_error (tokener) != json_tokener_success)
    g_clear_pointer (&value, json_object_put);

  return value;
}

/* A number as RFC 8259 writes it. A whole number of 18 digits at most is
 * read here; any other is read by json-c, so that it is what json-c makes
 * of it. */
static gboolean
scan_number (Scanner      *s,
             json_object **out_value)
{
  const char *start = s->at;
  const char *p = s->at;
  gboolean whole = TRUE;
  gint64 magnitude = 0;
  json_object *value;

  if (p < s->end && *p == '-')
    p++;
  if (p >= s->end || !g_ascii_isdigit (*p))
    return FALSE;
  if (*p == '0')
    p++;
  else
    while (p < s->end && g_ascii_isdigit (*p))
      {
        /* 18 characters at most are read here, so no sum overflows */
        if (p - start < 18)
          magnitude = magnitude * 10 + (*p - '0');
        p++;
      }
  if (p < s->end && *p == '.')
    {
      whole = FALSE;
      p++;
      if (p >= s->end || !g_ascii_isdigit (*p))
        return FALSE;
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < s->end && (*p == 'e' || *p == 'E'))
    {
      whole = FALSE;
      p++;
      if (p < s->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= s->end || !g_ascii_isdigit (*p))
        return FALSE;
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
    }
  s->at = p;

  if (whole && p - start <= 18)
    {
      *out_value = json_object_new_int64 (start[0] == '-' ? -magnitude : magnitude);
      return TRUE;
    }

  value = json_c_read (s->tokener, start, (gsize) (p - start));
  if (value == NULL)
    return FALSE;
  *out_value = value;
  return TRUE;
}

static gboolean scan_value (Scanner *s, json_object **out_value);

static gboolean
enter (Scanner *s)
{
  return ++s->depth <= s->max_depth;
}

/* Whether a value may begin here: as json-c counts, a list or object as
 * deep as the depth allowed may be empty, but hold nothing. */
static inline gboolean
value_allowed (Scanner *s)
{
  return s->depth < s->max_depth;
}

/* Any value, made a JSON object (NULL for null). */
static gboolean
scan_value (Scanner      *s,
            json_object **out_value)
{
  g_autoptr(json_object) value = NULL;

  *out_value = NULL;
  skip_space (s);
  if (s->at >= s->end || !value_allowed (s))
    return FALSE;

  switch (*s->at)
    {
    case '"':
      {
        const char *text;
        gsize length;

        if (!scan_string (s, &text, &length))
          return FALSE;
        /* made from the block, which the next text overwrites: it is the page's own */
        value = json_object_new_string_len (text, (int) MIN (length, G_MAXINT));
        s->strings = (char *) text;
      }
      break;

    case '{':
      s->at++;
      if (!enter (s))
        return FALSE;
      value = json_object_new_object ();
      if (!take (s, '}'))
        {
          do
            {
              const char *key;
              json_object *member;

              if (!scan_string (s, &key, NULL) || !take (s, ':') || !scan_value (s, &member))
                return FALSE;
              json_object_object_add (value, key, member);
              s->strings = (char *) key;
            }
          while (take (s, ','));
          if (!take (s, '}'))
            return FALSE;
        }
      s->depth--;
      break;

    case '[':
      s->at++;
      if (!enter (s))
        return FALSE;
      value = json_object_new_array ();
      if (!take (s, ']'))
        {
          do
            {
              json_object *element;

              if (!scan_value (s, &element))
                return FALSE;
              json_object_array_add (value, element);
            }
          while (take (s, ','));
          if (!take (s, ']'))
            return FALSE;
        }
      s->depth--;
      break;

    case 't':
      if (!scan_literal (s, "true"))
        return FALSE;
      value = json_object_new_boolean (TRUE);
      break;

    case 'f':
      if (!scan_literal (s, "false"))
        return FALSE;
      value = json_object_new_boolean (FALSE);
      break;

    case 'n':
      return scan_literal (s, "null");

    default:
      if (!scan_number (s, &value))
        return FALSE;
      break;
    }

  *out_value = g_steal_pointer (&value);
  return TRUE;
}

/* A value read and let go: a member no change is read for. */
static gboolean
skip_value (Scanner *s)
{
  g_autoptr(json_object) value = NULL;

  return scan_value (s, &value);
}

/* A value kept as the page's own, NULL for null. */
static gboolean
scan_kept_value (Scanner      *s,
                 json_object **out_value)
{
  if (!scan_value (s, out_value))
    return FALSE;
  if (*out_value != NULL)
    g_ptr_array_add (s->page->values, *out_value);
  return TRUE;
}

/* A member that should be text: kept in the block when it is. */
static gboolean
scan_text (Scanner    *s,
           DhWireText *out_text)
{
  g_autoptr(json_object) other = NULL;

  *out_text = (DhWireText) { NULL, FALSE };
  if (!value_allowed (s))
    return FALSE;
  if (peek (s, '"'))
    return scan_string (s, &out_text->text, NULL);
  if (!scan_value (s, &other))
    return FALSE;
  out_text->other = other != NULL;
  return TRUE;
}

/* One field of a change: [value, base, clock, author] or its value alone. */
static gboolean
scan_field (Scanner     *s,
            DhWireField *field)
{
  if (!value_allowed (s))
    return FALSE;
  if (!take (s, '['))
    {
      field->n = 1;
      return scan_kept_value (s, &field->value);
    }
  if (!enter (s))
    return FALSE;
  if (!take (s, ']'))
    {
      do
        {
          gboolean ok = TRUE;

          switch (field->n)
            {
            case 0: ok = scan_kept_value (s, &field->value); break;
            case 1: ok = scan_text (s, &field->base); break;
            case 2: ok = scan_text (s, &field->clock); break;
            case 3: ok = scan_text (s, &field->author); break;
            default: ok = skip_value (s); break;
            }
          if (!ok)
            return FALSE;
          if (field->n < G_MAXUINT)
            field->n++;
        }
      while (take (s, ','));
      if (!take (s, ']'))
        return FALSE;
    }
  s->depth--;
  return TRUE;
}

/* "f": the change's fields, appended to the page's; a field named again
 * takes the place of the first, as a JSON object reads it. */
static gboolean
scan_fields (Scanner      *s,
             DhWireChange *change,
             guint        *first)
{
  GArray *fields = s->page->fields;

  if (!enter (s))
    return FALSE;
  /* a second "f" is the one read, as a JSON object reads it */
  *first = fields->len;
  change->n_fields = 0;
  change->too_many = FALSE;
  change->has_fields = TRUE;
  if (take (s, '}'))
    {
      s->depth--;
      return TRUE;
    }
  do
    {
      DhWireField field = { NULL };
      guint at;

      if (!scan_string (s, &field.name, NULL) || !take (s, ':') || !scan_field (s, &field))
        return FALSE;
      /* a change refused whole needs its fields no more */
      if (change->too_many)
        continue;
      for (at = 0; at < change->n_fields; at++)
        {
          const char *other = g_array_index (fields, DhWireField, *first + at).name;

          /* most names differ by their first letter */
          if (other[0] == field.name[0] && strcmp (other, field.name) == 0)
            break;
        }
      if (at < change->n_fields)
        g_array_index (fields, DhWireField, *first + at) = field;
      else if (change->n_fields < DH_WIRE_MAX_FIELDS)
        {
          g_array_append_val (fields, field);
          change->n_fields++;
        }
      else
        change->too_many = TRUE;
    }
  while (take (s, ','));
  if (!take (s, '}'))
    return FALSE;
  s->depth--;
  return TRUE;
}

/* One change of the list, whatever it holds. */
static gboolean
scan_change (Scanner *s)
{
  DhWireChange change = { 0 };
  gsize span[2];
  guint first = s->page->fields->len;

  if (!value_allowed (s))
    return FALSE;
  skip_space (s);
  span[0] = (gsize) (s->at - s->page->text);
  if (!take (s, '{'))
    {
      if (!skip_value (s))
        return FALSE;
    }
  else
    {
      change.is_object = TRUE;
      if (!enter (s))
        return FALSE;
      if (!take (s, '}'))
        {
          do
            {
              const char *key;
              gboolean ok;

              if (!scan_string (s, &key, NULL) || !take (s, ':'))
                return FALSE;
              if (key[0] == '\0' || key[1] != '\0')
                ok = skip_value (s);
              else
                switch (key[0])
                  {
                  case 'e': ok = scan_text (s, &change.entity); break;
                  case 'r': ok = scan_text (s, &change.record); break;
                  case 'c': ok = scan_text (s, &change.commune); break;
                  case 'u': ok = scan_text (s, &change.author); break;
                  case 'k': ok = scan_text (s, &change.clock); break;
                  case 'f':
                    if (peek (s, '{'))
                      {
                        s->at++;
                        ok = scan_fields (s, &change, &first);
                      }
                    else
                      {
                        ok = skip_value (s);
                        change.has_fields = FALSE;
                        change.n_fields = 0;
                        change.too_many = FALSE;
                      }
                    break;
                  default:
                    ok = skip_value (s);
                    break;
                  }
              if (!ok)
                return FALSE;
            }
          while (take (s, ','));
          if (!take (s, '}'))
            return FALSE;
        }
      s->depth--;
    }

  span[1] = (gsize) (s->at - s->page->text);
  g_array_append_val (s->page->changes, change);
  g_array_append_val (s->firsts, first);
  g_array_append_vals (s->page->spans, span, 2);
  return TRUE;
}

/* "changes": a list of changes; given again, the later list counts. */
static gboolean
scan_changes (Scanner *s)
{
  g_array_set_size (s->page->changes, 0);
  g_array_set_size (s->page->spans, 0);
  g_array_set_size (s->firsts, 0);
  if (!enter (s))
    return FALSE;
  if (!take (s, ']'))
    {
      do
        {
          if (!scan_change (s))
            return FALSE;
        }
      while (take (s, ','));
      if (!take (s, ']'))
        return FALSE;
    }
  s->depth--;
  return TRUE;
}

/**
 * dh_wire_page_parse_answer:
 * @text: (transfer full): a pull's answer, one JSON object, which the page
 *   keeps (and frees)
 * @length: its length, without a NUL after it (which it need not have)
 * @max_depth: how deep lists and objects may nest, as json-c's tokener is told
 * @out_answer: (out) (transfer full): the answer's other members
 *
 * Reads a pull's answer: its "changes" (a list) into the page, each
 * change's members in place, and the rest of its members into
 * @out_answer.
 *
 * Returns: (nullable): the page; or %NULL when @text is not one JSON object
 *   and nothing else but white space (@out_answer is then %NULL too), or
 *   its "changes" is not a list (@out_answer is then the answer)
 */
DhWirePage *
dh_wire_page_parse_answer (char         *text,
                           gsize         length,
                           guint         max_depth,
                           json_object **out_answer)
{
  /* the arrays grow as the page is read: made the size of the answer at
   * once, they made the parsing alone cheaper but the pull's reader, which
   * holds several pages, slower (README) */
  g_autoptr(DhWirePage) page = page_new ();
  g_autoptr(json_object) answer = json_object_new_object ();
  g_autoptr(GArray) firsts = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(json_tokener) tokener = json_tokener_new ();
  gboolean listed = FALSE;
  Scanner s;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (out_answer != NULL, NULL);

  *out_answer = NULL;
  page->text = text;
  page->length = length;
  page->max_depth = max_depth;
  /* unescaped, no text is longer than it was, and its quotes make room for its NUL */
  page->strings = g_malloc (length + 1);
  page->spans = g_array_new (FALSE, FALSE, sizeof (gsize));
  page->values = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  s = (Scanner) {
    .at = text,
    .end = text + length,
    .strings = page->strings,
    .max_depth = max_depth,
    .page = page,
    .firsts = firsts,
    .tokener = tokener,
  };
  json_tokener_set_flags (tokener, JSON_TOKENER_STRICT);

  if (!take (&s, '{') || !enter (&s))
    return NULL;
  if (!take (&s, '}'))
    {
      do
        {
          const char *key;

          if (!scan_string (&s, &key, NULL) || !take (&s, ':'))
            return NULL;
          if (strcmp (key, "changes") == 0 && peek (&s, '['))
            {
              s.at++;
              json_object_object_del (answer, "changes");
              if (!scan_changes (&s))
                return NULL;
              listed = TRUE;
            }
          else
            {
              json_object *member;

              if (!scan_value (&s, &member))
                return NULL;
              if (strcmp (key, "changes") == 0)
                listed = FALSE;
              json_object_object_add (answer, key, member);
            }
        }
      while (take (&s, ','));
      if (!take (&s, '}'))
        return NULL;
    }
  skip_space (&s);
  if (s.at != s.end)
    return NULL;

  *out_answer = g_steal_pointer (&answer);
  if (!listed)
    return NULL;
  page_place_fields (page, firsts);
  return g_steal_pointer (&page);
}

DhWirePage *
dh_wire_page_ref (DhWirePage *page)
{
  g_return_val_if_fail (page != NULL, NULL);

  g_atomic_ref_count_inc (&page->ref);
  return page;
}

void
dh_wire_page_unref (DhWirePage *page)
{
  if (page == NULL || !g_atomic_ref_count_dec (&page->ref))
    return;

  g_array_unref (page->changes);
  g_array_unref (page->fields);
  g_clear_pointer (&page->spans, g_array_unref);
  g_clear_pointer (&page->values, g_ptr_array_unref);
  g_clear_pointer (&page->json, g_ptr_array_unref);
  g_free (page->strings);
  g_free (page->text);
  g_free (page);
}

guint
dh_wire_page_get_length (DhWirePage *page)
{
  g_return_val_if_fail (page != NULL, 0);

  return page->changes->len;
}

const DhWireChange *
dh_wire_page_get_change (DhWirePage *page,
                         guint       index)
{
  g_return_val_if_fail (page != NULL && index < page->changes->len, NULL);

  return &g_array_index (page->changes, DhWireChange, index);
}

/* Whether the page holds one JSON object twice (given so, never read
 * from text): no two threads may then read it at once. */
gboolean
dh_wire_page_shares_objects (DhWirePage *page)
{
  g_return_val_if_fail (page != NULL, FALSE);

  return page->shares_objects;
}

/**
 * dh_wire_page_dup_text:
 *
 * The change at @index as JSON text, written as json-c writes it plain:
 * what a change set aside keeps of it.
 */
char *
dh_wire_page_dup_text (DhWirePage *page,
                       guint       index)
{
  g_autoptr(json_tokener) tokener = NULL;
  g_autoptr(json_object) parsed = NULL;
  const char *start;
  gsize length;

  g_return_val_if_fail (page != NULL && index < page->changes->len, NULL);

  if (page->json != NULL)
    return g_strdup (json_object_to_json_string_ext (g_ptr_array_index (page->json, index), JSON_C_TO_STRING_PLAIN));

  start = page->text + g_array_index (page->spans, gsize, 2 * index);
  length = g_array_index (page->spans, gsize, 2 * index + 1) - g_array_index (page->spans, gsize, 2 * index);
  tokener = json_tokener_new_ex (page->max_depth);
  /* read once already, it is JSON */
  parsed = json_c_read (tokener, start, length);
  if (parsed == NULL)
    return g_strndup (start, length);
  return g_strdup (json_object_to_json_string_ext (parsed, JSON_C_TO_STRING_PLAIN));
}
