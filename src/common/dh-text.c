/* dh-text.c – Vietnamese text: normalising, search folding and collation keys */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-text"

#include "config.h"

#include <string.h>

#include "dh-text.h"

/* Sort keys are built from these printable ASCII bytes. The level
 * separator sorts below everything else so that a shorter key at one level
 * sorts first; the word separator sorts below every letter so that
 * "An Bình" comes before "Anh". */
#define LEVEL_SEPARATOR ' '
#define WORD_SEPARATOR  '!'
#define WEIGHT_BASE     '0'
#define OTHER_ESCAPE    '~'

/* The Vietnamese alphabet, with the letters Vietnamese does not use in
 * their natural place. Each entry is a base letter and the mark that makes
 * it a letter of its own (0 for none). */
enum
{
  MOD_NONE,
  MOD_BREVE,       /* ă */
  MOD_CIRCUMFLEX,  /* â ê ô */
  MOD_HORN,        /* ơ ư */
  MOD_STROKE,      /* đ */
};

static const struct
{
  char  base;
  guint modifier;
} alphabet[] = {
  { 'a', MOD_NONE }, { 'a', MOD_BREVE }, { 'a', MOD_CIRCUMFLEX },
  { 'b', MOD_NONE }, { 'c', MOD_NONE }, { 'd', MOD_NONE }, { 'd', MOD_STROKE },
  { 'e', MOD_NONE }, { 'e', MOD_CIRCUMFLEX }, { 'f', MOD_NONE }, { 'g', MOD_NONE },
  { 'h', MOD_NONE }, { 'i', MOD_NONE }, { 'j', MOD_NONE }, { 'k', MOD_NONE },
  { 'l', MOD_NONE }, { 'm', MOD_NONE }, { 'n', MOD_NONE },
  { 'o', MOD_NONE }, { 'o', MOD_CIRCUMFLEX }, { 'o', MOD_HORN },
  { 'p', MOD_NONE }, { 'q', MOD_NONE }, { 'r', MOD_NONE }, { 's', MOD_NONE },
  { 't', MOD_NONE }, { 'u', MOD_NONE }, { 'u', MOD_HORN }, { 'v', MOD_NONE },
  { 'w', MOD_NONE }, { 'x', MOD_NONE }, { 'y', MOD_NONE }, { 'z', MOD_NONE },
};

/* Tones in ICU's Vietnamese order: none, huyền, hỏi, ngã, sắc, nặng. */
static guint
tone_of_mark (gunichar mark)
{
  switch (mark)
    {
    case 0x0300: return 1;  /* grave */
    case 0x0309: return 2;  /* hook above */
    case 0x0303: return 3;  /* tilde */
    case 0x0301: return 4;  /* acute */
    case 0x0323: return 5;  /* dot below */
    default:     return 0;
    }
}

static guint
modifier_of_mark (gunichar mark)
{
  switch (mark)
    {
    case 0x0306: return MOD_BREVE;
    case 0x0302: return MOD_CIRCUMFLEX;
    case 0x031B: return MOD_HORN;
    default:     return MOD_NONE;
    }
}

/* The character classes a sort key asks of every letter, answered for
 * ASCII (most base letters, once decomposed) without GLib's tables. */
static gboolean
is_mark (gunichar c)
{
  return c >= 0x80 && g_unichar_ismark (c);
}

static gboolean
is_alnum (gunichar c)
{
  return c < 0x80 ? g_ascii_isalnum ((char) c) : g_unichar_isalnum (c);
}

static gunichar
to_lower (gunichar c)
{
  return c < 0x80 ? (gunichar) g_ascii_tolower ((char) c) : g_unichar_tolower (c);
}

static gboolean
is_upper_or_title (gunichar c)
{
  return c < 0x80 ? g_ascii_isupper ((char) c) : g_unichar_isupper (c) || g_unichar_istitle (c);
}

/* Đ is often typed as the look-alike Icelandic Ð (U+00D0) by old
 * converters; both mean đ. */
static gboolean
is_d_stroke (gunichar c)
{
  return c == 0x0110 || c == 0x0111 || c == 0x00D0 || c == 0x00F0;
}

/* Whether TEXT is already what dh_text_normalize() makes of it: no white
 * space but single inner ASCII spaces, and only the letters Vietnamese is
 * written with (ASCII, Latin-1, Latin Extended-A and -B, Latin Extended
 * Additional), each NFC on its own and none composing with a neighbour.
 * Nearly every stored text is, and is then copied, not composed again;
 * anything else takes the long way. */
static gboolean
is_normal_already (const char *text)
{
  const guchar *p = (const guchar *) text;
  gboolean after_space = TRUE;

  while (*p != '\0')
    {
      if (*p == ' ')
        {
          if (after_space)
            return FALSE;
          after_space = TRUE;
          p++;
          continue;
        }
      after_space = FALSE;

      if (*p > 0x20 && *p < 0x7F)
        p++;
      else if (p[0] >= 0xC3 && p[0] <= 0xC8 && (p[1] & 0xC0) == 0x80)
        p += 2;   /* U+00C0 to U+023F */
      else if (p[0] == 0xC9 && p[1] >= 0x80 && p[1] <= 0x8F)
        p += 2;   /* U+0240 to U+024F */
      else if (p[0] == 0xE1 && p[1] >= 0xB8 && p[1] <= 0xBB && (p[2] & 0xC0) == 0x80)
        p += 3;   /* U+1E00 to U+1EFF */
      else
        return FALSE;
    }

  return !after_space || p == (const guchar *) text;
}

/* What decomposing makes of one character is_normal_already() lets
 * through, as UTF-8 (at most a letter and two marks). */
#define DECOMPOSED_MAX_BYTES 11

typedef struct
{
  guint8 len;
  char   bytes[DECOMPOSED_MAX_BYTES];
} DecomposedEntry;

static guint fold_index (gunichar c);
static const DecomposedEntry *decomposed_table (void);

/* NFD of TEXT. Text of starters alone (what is_normal_already() lets
 * through) needs no reordering of marks: each character decomposed in
 * place is its NFD, without the buffers of g_utf8_normalize(), and each
 * character's decomposition is read from a table made once. */
static char *
decompose (const char *text)
{
  const DecomposedEntry *table;
  GString *decomposed;

  if (!is_normal_already (text))
    return g_utf8_normalize (text, -1, G_NORMALIZE_NFD);

  table = decomposed_table ();
  decomposed = g_string_sized_new (2 * strlen (text) + 8);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      const DecomposedEntry *entry;

      if ((guchar) *p < 0x80)
        {
          g_string_append_c (decomposed, *p);
          continue;
        }
      entry = &table[fold_index (g_utf8_get_char (p))];
      g_string_append_len (decomposed, entry->bytes, entry->len);
    }

  return g_string_free (decomposed, FALSE);
}

/**
 * dh_text_is_normalized:
 * @text: UTF-8 text
 *
 * Whether dh_text_normalize() leaves @text as it is, for certain: nearly
 * every stored text, which is then not copied to be compared. %FALSE says
 * only that the long way must be taken.
 */
gboolean
dh_text_is_normalized (const char *text)
{
  g_return_val_if_fail (text != NULL, FALSE);

  return is_normal_already (text);
}

/**
 * dh_text_normalize:
 * @text: (nullable): UTF-8 text as typed or imported
 *
 * Trims leading and trailing Unicode white space, collapses inner runs of
 * white space to one ASCII space and composes the text to NFC, the form
 * every stored name has.
 *
 * Returns: (transfer full) (nullable): the clean text ("" stays ""), or
 *   %NULL when @text is %NULL or not valid UTF-8
 */
char *
dh_text_normalize (const char *text)
{
  g_autoptr(GString) collapsed = NULL;
  gboolean pending_space = FALSE;

  if (text == NULL)
    return NULL;
  if (is_normal_already (text))
    return g_strdup (text);
  if (!g_utf8_validate (text, -1, NULL))
    return NULL;

  collapsed = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          pending_space = collapsed->len > 0;
          continue;
        }

      if (pending_space)
        g_string_append_c (collapsed, ' ');
      pending_space = FALSE;
      g_string_append_unichar (collapsed, c);
    }

  return g_utf8_normalize (collapsed->str, collapsed->len, G_NORMALIZE_NFC);
}

/* Whether every character of TEXT is ASCII or one of the letters
 * is_normal_already() knows: starters whose case folding and
 * decomposition are each the character's alone. */
static gboolean
is_latin_text (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0';)
    {
      if (*p < 0x80)
        p++;
      else if (p[0] >= 0xC3 && p[0] <= 0xC8 && (p[1] & 0xC0) == 0x80)
        p += 2;
      else if (p[0] == 0xC9 && p[1] >= 0x80 && p[1] <= 0x8F)
        p += 2;
      else if (p[0] == 0xE1 && p[1] >= 0xB8 && p[1] <= 0xBB && (p[2] & 0xC0) == 0x80)
        p += 3;
      else
        return FALSE;
    }

  return TRUE;
}

/* What folding makes of one such character: the letters it leaves, a
 * 0 for each separator, nothing for a mark. */
#define FOLD_MAX_OUT 4
#define FOLD_TABLE_SIZE (0x250 + 0x100)

typedef struct
{
  guint8   n;
  gunichar out[FOLD_MAX_OUT];
} FoldEntry;

static guint
fold_index (gunichar c)
{
  return c < 0x250 ? c : 0x250 + (c - 0x1E00);
}

/* What one code point of decomposed, case-folded text leaves in a search
 * key: FALSE for a mark, which leaves nothing; else the letter or digit
 * (đ as d), or 0 for a separator. */
static gboolean
fold_code_point (gunichar  c,
                 gunichar *out)
{
  if (g_unichar_ismark (c))
    return FALSE;
  if (is_d_stroke (c))
    c = 'd';
  *out = g_unichar_isalnum (c) ? c : 0;
  return TRUE;
}

static void
fold_events (const char *decomposed,
             FoldEntry  *entry)
{
  entry->n = 0;
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar out;

      if (!fold_code_point (g_utf8_get_char (p), &out))
        continue;
      g_assert (entry->n < FOLD_MAX_OUT);
      entry->out[entry->n++] = out;
    }
}

/* Made once, the long way, for every character is_latin_text() lets through. */
static const FoldEntry *
fold_table (void)
{
  static FoldEntry *table;

  if (g_once_init_enter (&table))
    {
      FoldEntry *made = g_new0 (FoldEntry, FOLD_TABLE_SIZE);

      for (gunichar c = 1; c < 0x1F00; c = c == 0x24F ? 0x1E00 : c + 1)
        {
          char letter[8] = { 0 };
          g_autofree char *folded = NULL;
          g_autofree char *decomposed = NULL;

          g_unichar_to_utf8 (c, letter);
          folded = g_utf8_casefold (letter, -1);
          decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFD);
          fold_events (decomposed, &made[fold_index (c)]);
        }
      g_once_init_leave (&table, made);
    }

  return table;
}

/* Made once, the long way, for every character is_normal_already() lets
 * through: what decompose() made of each with g_unichar_fully_decompose(). */
static const DecomposedEntry *
decomposed_table (void)
{
  static DecomposedEntry *table;

  if (g_once_init_enter (&table))
    {
      DecomposedEntry *made = g_new0 (DecomposedEntry, FOLD_TABLE_SIZE);

      for (gunichar c = 0x80; c < 0x1F00; c = c == 0x24F ? 0x1E00 : c + 1)
        {
          DecomposedEntry *entry = &made[fold_index (c)];
          gunichar parts[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
          gsize n = g_unichar_fully_decompose (c, FALSE, parts, G_N_ELEMENTS (parts));

          for (gsize i = 0; i < n; i++)
            {
              char part[8];
              int len = g_unichar_to_utf8 (parts[i], part);

              g_assert (entry->len + len <= DECOMPOSED_MAX_BYTES);
              memcpy (entry->bytes + entry->len, part, (gsize) len);
              entry->len += (guint8) len;
            }
        }
      g_once_init_leave (&table, made);
    }

  return table;
}

/* One letter of a search key, or a separator (0): words are parted by
 * one space, never at either end. */
static void
append_folded (GString  *key,
               gunichar  c,
               gboolean *pending_separator)
{
  if (c == 0)
    {
      *pending_separator = key->len > 0;
      return;
    }

  if (*pending_separator)
    g_string_append_c (key, ' ');
  *pending_separator = FALSE;
  if (c < 0x80)
    g_string_append_c (key, (char) c);
  else
    g_string_append_unichar (key, c);
}

/**
 * dh_text_fold:
 * @text: (nullable): UTF-8 text
 *
 * Makes the search key that lets "nguyen van dang" find "Nguyễn Văn Đặng":
 * case folded, tones and vowel marks dropped, đ/Đ as d, everything that is
 * neither letter nor digit turned into one ASCII space, trimmed.
 *
 * Returns: (transfer full) (nullable): the key, or %NULL for %NULL or
 *   invalid UTF-8
 */
char *
dh_text_fold (const char *text)
{
  g_autofree char *folded = NULL;
  g_autofree char *decomposed = NULL;
  g_autoptr(GString) key = NULL;
  gboolean pending_separator = FALSE;

  if (text == NULL)
    return NULL;

  /* text of such characters is folded a character at a time from the
   * table; any other goes the long way */
  if (is_latin_text (text))
    {
      const FoldEntry *table = fold_table ();

      key = g_string_sized_new (strlen (text));
      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        {
          const FoldEntry *entry = &table[fold_index (g_utf8_get_char (p))];

          for (guint i = 0; i < entry->n; i++)
            append_folded (key, entry->out[i], &pending_separator);
        }

      return g_string_free (g_steal_pointer (&key), FALSE);
    }

  if (!g_utf8_validate (text, -1, NULL))
    return NULL;

  folded = g_utf8_casefold (text, -1);
  decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFD);
  key = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar out;

      if (fold_code_point (g_utf8_get_char (p), &out))
        append_folded (key, out, &pending_separator);
    }

  return g_string_free (g_steal_pointer (&key), FALSE);
}

static void
append_primary (GString  *primary,
                gunichar  lower,
                guint     modifier)
{
  if (g_unichar_isdigit (lower))
    {
      int value = g_unichar_digit_value (lower);

      if (value >= 0 && value <= 9)
        {
          /* Digits sort before letters: weights 0..9, letters after. */
          g_string_append_c (primary, (char) (WEIGHT_BASE + value));
          return;
        }
    }

  if (is_d_stroke (lower))
    {
      lower = 'd';
      modifier = MOD_STROKE;
    }

  if (lower < 0x80 && g_ascii_isalpha ((char) lower))
    {
      guint plain = G_N_ELEMENTS (alphabet);

      /* the alphabet lists each base's letters together, in order */
      for (guint i = 0; i < G_N_ELEMENTS (alphabet) && alphabet[i].base <= (char) lower; i++)
        {
          if (alphabet[i].base != (char) lower)
            continue;
          if (alphabet[i].modifier == MOD_NONE)
            plain = i;
          if (alphabet[i].modifier == modifier)
            {
              g_string_append_c (primary, (char) (WEIGHT_BASE + 10 + i));
              return;
            }
        }

      /* A mark that makes no Vietnamese letter of this base (say, o with a
       * breve) does not change the letter's place. */
      g_assert (plain < G_N_ELEMENTS (alphabet));
      g_string_append_c (primary, (char) (WEIGHT_BASE + 10 + plain));
      return;
    }

  /* Any other letter: after the Latin alphabet, in code point order. */
  g_string_append_printf (primary, "%c%06X", OTHER_ESCAPE, (guint) lower);
}

/**
 * dh_text_sort_key:
 * @text: (nullable): UTF-8 text
 *
 * Makes a printable ASCII key whose strcmp() order is Vietnamese
 * collation: letters in the order a ă â b c d đ e ê … ư v x y (digits
 * first, other Latin letters in their place, other scripts after), then
 * tones (none, huyền, hỏi, ngã, sắc, nặng), then case (lower first), and
 * last the text itself so that different texts never tie.
 *
 * Returns: (transfer full) (nullable): the key, or %NULL for %NULL or
 *   invalid UTF-8
 */
/* The weights of a normalised TEXT at each level, appended: its letters,
 * its tones, its case. */
static void
add_sort_weights (const char *normalized,
                  GString    *primary,
                  gsize       primary_start,
                  GString    *secondary,
                  GString    *tertiary)
{
  g_autofree char *decomposed = decompose (normalized);
  gboolean pending_separator = FALSE;
  const char *p;

  p = decomposed;
  while (*p != '\0')
    {
      const char *at = p;
      gunichar c = g_utf8_get_char (p);
      guint modifier = MOD_NONE;
      guint tone = 0;

      p = g_utf8_next_char (p);

      /* A mark with nothing to sit on carries no weight. */
      if (is_mark (c))
        continue;

      for (; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar mark = g_utf8_get_char (p);

          if (!is_mark (mark))
            break;
          if (modifier_of_mark (mark) != MOD_NONE)
            modifier = modifier_of_mark (mark);
          if (tone_of_mark (mark) != 0)
            tone = tone_of_mark (mark);
        }

      if (!is_alnum (c))
        {
          pending_separator = primary->len > primary_start;
          continue;
        }

      if (pending_separator)
        g_string_append_c (primary, WORD_SEPARATOR);
      pending_separator = FALSE;

      /* Numbers compare by value, so that "Tổ dân phố 2" comes before
       * "Tổ dân phố 10": the count of significant digits, then the digits. */
      if (c < 0x80 && g_ascii_isdigit ((char) c) && p == at + 1)
        {
          const char *start = at;
          const char *significant;
          gsize length;

          while (g_ascii_isdigit (*p))
            p++;
          for (significant = start; significant < p - 1 && *significant == '0'; significant++)
            ;
          length = (gsize) (p - significant);
          g_string_append_printf (primary, "%02u", (guint) MIN (length, 99));
          g_string_append_len (primary, significant, (gssize) length);
          for (const char *digit = start; digit < p; digit++)
            {
              g_string_append_c (secondary, '0');
              g_string_append_c (tertiary, '0');
            }
          continue;
        }

      append_primary (primary, to_lower (c), modifier);
      g_string_append_c (secondary, (char) ('0' + tone));
      /* no ASCII letter is titlecase: the search of its table is spared */
      g_string_append_c (tertiary, is_upper_or_title (c) ? '1' : '0');
    }

}

/* What follows the primary weights in a key: the secondary and tertiary
 * weights, then the text in hex, each after a level separator. */
static void
append_key_levels (GString    *key,
                   const char *secondary,
                   gsize       secondary_len,
                   const char *tertiary,
                   gsize       tertiary_len,
                   const char *normalized)
{
  g_string_append_c (key, LEVEL_SEPARATOR);
  g_string_append_len (key, secondary, (gssize) secondary_len);
  g_string_append_c (key, LEVEL_SEPARATOR);
  g_string_append_len (key, tertiary, (gssize) tertiary_len);
  g_string_append_c (key, LEVEL_SEPARATOR);
  /* the text's hex written in place, once the key has room for it all */
  {
    static const char hex[] = "0123456789ABCDEF";
    gsize at = key->len;
    char *to;

    g_string_set_size (key, at + 2 * strlen (normalized));
    to = key->str + at;
    for (const guchar *byte = (const guchar *) normalized; *byte != '\0'; byte++)
      {
        *to++ = hex[*byte >> 4];
        *to++ = hex[*byte & 0xF];
      }
  }
}

/* A key of the three levels of weights, then the text itself (in hex, so
 * that the key stays printable), so that different texts never share a key
 * and the order is total. PRIMARY becomes the key. */
static char *
finish_sort_key (GString    *primary,
                 GString    *secondary,
                 GString    *tertiary,
                 const char *normalized)
{
  append_key_levels (primary, secondary->str, secondary->len, tertiary->str, tertiary->len, normalized);

  return g_string_free (primary, FALSE);
}

/* Room for the whole key of a text of LEN bytes, made without growing
 * on the way in most cases: a weight a byte at each of its three levels,
 * their separators, then the text in hex. */
static GString *
key_new (gsize len)
{
  return g_string_sized_new (5 * len + 8);
}

static char *
sort_key_of_normalized (const char *normalized)
{
  gsize len = strlen (normalized);
  GString *primary = key_new (len);
  g_autoptr(GString) secondary = g_string_sized_new (len + 1);
  g_autoptr(GString) tertiary = g_string_sized_new (len + 1);

  add_sort_weights (normalized, primary, 0, secondary, tertiary);
  return finish_sort_key (primary, secondary, tertiary, normalized);
}

/**
 * dh_text_sort_key:
 * @text: (nullable): UTF-8 text
 *
 * Makes a printable ASCII key whose strcmp() order is Vietnamese
 * collation: letters in the order a ă â b c d đ e ê … ư v x y (digits
 * first, other Latin letters in their place, other scripts after), then
 * tones (none, huyền, hỏi, ngã, sắc, nặng), then case (lower first), and
 * last the text itself so that different texts never tie.
 *
 * Returns: (transfer full) (nullable): the key, or %NULL for %NULL or
 *   invalid UTF-8
 */
char *
dh_text_sort_key (const char *text)
{
  g_autofree char *normalized = dh_text_normalize (text);

  if (normalized == NULL)
    return NULL;

  return sort_key_of_normalized (normalized);
}

/* Normalising leaves single ASCII spaces between the words: the given
 * name is the last word, the rest the words before it ("" for one word). */
static char *
split_name (const char  *normalized,
            const char **out_given)
{
  const char *last_space = strrchr (normalized, ' ');

  if (last_space == NULL)
    {
      *out_given = normalized;
      return g_strdup ("");
    }

  *out_given = last_space + 1;
  return g_strndup (normalized, (gsize) (last_space - normalized));
}

/**
 * dh_text_name_sort_key:
 * @full_name: (nullable): a person's full name, family name first
 *
 * Makes the key Vietnamese lists of people sort by: the given name (the
 * last word) first, then the family and middle names, each compared by
 * dh_text_sort_key(); different names never share a key.
 *
 * Returns: (transfer full) (nullable): the key, or %NULL for %NULL or
 *   invalid UTF-8
 */
char *
dh_text_name_sort_key (const char *full_name)
{
  g_autofree char *normalized = NULL;
  g_autofree char *given_key = NULL;
  g_autofree char *rest_key = NULL;
  g_autofree char *rest = NULL;
  const char *given;

  normalized = dh_text_normalize (full_name);
  if (normalized == NULL)
    return NULL;

  rest = split_name (normalized, &given);
  given_key = dh_text_sort_key (given);
  rest_key = dh_text_sort_key (rest);

  /* Each key has the same number of level separators, so joining them with
   * the lowest byte keeps "shorter sorts first" at every step. The two keys
   * end with the text itself, so together they tell any two names apart:
   * a key of the whole name would only repeat them. */
  return g_strjoin ((const char[]) { LEVEL_SEPARATOR, '\0' }, given_key, rest_key, NULL);
}

/**
 * dh_text_sort_keys_of_name:
 * @full_name: (nullable): a person's full name, family name first
 * @out_full: (out) (transfer full) (nullable): dh_text_sort_key() of it
 * @out_given: (out) (transfer full) (nullable): dh_text_name_sort_key() of it
 *
 * Both keys of a name, its words weighed once: the weights of the whole
 * name are those of the words before the given name, a word separator,
 * and those of the given name, since no weight reaches across a space.
 */
void
dh_text_sort_keys_of_name (const char  *full_name,
                           char       **out_full,
                           char       **out_given)
{
  g_autofree char *normalized = dh_text_normalize (full_name);
  g_autofree char *rest = NULL;
  g_autoptr(GString) primary = NULL;
  g_autoptr(GString) secondary = NULL;
  g_autoptr(GString) tertiary = NULL;
  GString *full, *given_first;
  gsize rest_primary, rest_secondary, rest_tertiary;
  const char *given;
  gsize len;

  g_return_if_fail (out_full != NULL && out_given != NULL);

  *out_full = NULL;
  *out_given = NULL;
  if (normalized == NULL)
    return;

  /* the weights of the words before the given name, then those of the
   * given name, each level in one buffer: the whole name's levels are
   * the two together, and each part's are where it begins or ends */
  len = strlen (normalized);
  rest = split_name (normalized, &given);
  primary = g_string_sized_new (2 * len + 8);
  secondary = g_string_sized_new (len + 1);
  tertiary = g_string_sized_new (len + 1);
  add_sort_weights (rest, primary, 0, secondary, tertiary);
  rest_primary = primary->len;
  rest_secondary = secondary->len;
  rest_tertiary = tertiary->len;
  add_sort_weights (given, primary, rest_primary, secondary, tertiary);

  full = key_new (len);
  g_string_append_len (full, primary->str, (gssize) rest_primary);
  if (rest_primary > 0 && primary->len > rest_primary)
    g_string_append_c (full, WORD_SEPARATOR);
  g_string_append_len (full, primary->str + rest_primary, (gssize) (primary->len - rest_primary));
  append_key_levels (full, secondary->str, secondary->len, tertiary->str, tertiary->len, normalized);
  *out_full = g_string_free (full, FALSE);

  /* the given name's key, a level separator, and the other words' key */
  given_first = key_new (len + 1);
  g_string_append_len (given_first, primary->str + rest_primary, (gssize) (primary->len - rest_primary));
  append_key_levels (given_first, secondary->str + rest_secondary, secondary->len - rest_secondary,
                     tertiary->str + rest_tertiary, tertiary->len - rest_tertiary, given);
  g_string_append_c (given_first, LEVEL_SEPARATOR);
  g_string_append_len (given_first, primary->str, (gssize) rest_primary);
  append_key_levels (given_first, secondary->str, rest_secondary, tertiary->str, rest_tertiary, rest);
  *out_given = g_string_free (given_first, FALSE);
}

/* How people's ways of writing a name or a code are compared: without case,
 * marks, spaces, hyphens or apostrophes ("H'Mông", "Hmông" and "hmong" are
 * one), and a number without its leading zeros, which a spreadsheet drops
 * ("08" and "8"). */
char *
dh_text_match_key (const char *text)
{
  g_autofree char *folded = dh_text_fold (text);
  GString *key;
  const char *p;

  if (folded == NULL)
    return NULL;

  key = g_string_sized_new (strlen (folded));
  for (p = folded; *p != '\0'; p++)
    {
      if (*p != ' ')
        g_string_append_c (key, *p);
    }

  for (p = key->str; g_ascii_isdigit (*p); p++)
    ;
  if (key->len > 1 && *p == '\0')
    {
      gsize zeros = strspn (key->str, "0");

      g_string_erase (key, 0, (gssize) MIN (zeros, key->len - 1));
    }

  return g_string_free (key, FALSE);
}
