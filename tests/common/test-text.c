/* test-text.c – Vietnamese text normalising, folding and collation */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-text.h"

static void
test_normalize_trims_and_collapses_white_space (void)
{
  g_autofree char *a = dh_text_normalize ("  Nguyễn \t Văn\n\nAn  ");
  g_autofree char *b = dh_text_normalize ("\u00A0Lò\u00A0\u2003Thị Mai\u3000");
  g_autofree char *c = dh_text_normalize ("An");

  g_assert_cmpstr (a, ==, "Nguyễn Văn An");
  g_assert_cmpstr (b, ==, "Lò Thị Mai");
  g_assert_cmpstr (c, ==, "An");
}

static void
test_normalize_composes_to_nfc (void)
{
  /* e + circumflex + tilde, typed with combining marks. */
  g_autofree char *composed = dh_text_normalize ("Nguye\u0302\u0303n");
  g_autofree char *dot_first = dh_text_normalize ("Le\u0323\u0302");

  g_assert_cmpstr (composed, ==, "Nguy\u1EC5n");
  g_assert_cmpuint (strlen (composed), ==, strlen ("Nguyễn"));
  g_assert_cmpstr (composed, ==, "Nguyễn");
  g_assert_cmpstr (dot_first, ==, "L\u1EC7");
}

static void
test_normalize_empty_null_and_invalid (void)
{
  g_autofree char *empty = dh_text_normalize ("");
  g_autofree char *blank = dh_text_normalize (" \t\n ");

  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (blank, ==, "");
  g_assert_null (dh_text_normalize (NULL));
  g_assert_null (dh_text_normalize ("Nguy\xff" "n"));
  g_assert_null (dh_text_normalize ("\xc3"));
}

/* Text already normal is copied as it is: every character up to U+2FFF
 * and the Vietnamese letters, alone, after a letter, before a combining
 * mark and between spaces, normalise as they do the long way (which a
 * trailing ideographic space, trimmed away, makes them take). */
static void
test_normalize_agrees_with_its_definition (void)
{
  static const char * const frames[][2] = {
    { "", "" }, { "a", "" }, { "", "\u0301" }, { "e", "\u0302" }, { "A ", " b" }, { " ", "" }, { "", "  " },
  };

  for (gunichar c = 1; c < 0x3000; c++)
    {
      char letter[8] = { 0 };

      if (c >= 0xD800 && c < 0xE000)
        continue;
      g_unichar_to_utf8 (c, letter);
      for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
        {
          g_autofree char *text = g_strconcat (frames[i][0], letter, frames[i][1], NULL);
          g_autofree char *long_way = g_strconcat (text, "\u3000", NULL);
          g_autofree char *expected = dh_text_normalize (long_way);
          g_autofree char *normalized = dh_text_normalize (text);

          g_assert_cmpstr (normalized, ==, expected);
        }
    }
}

/* Text already composed is decomposed a letter at a time; the same text
 * typed decomposed goes the long way: both fold and sort alike, for every
 * letter Vietnamese is written with, alone and beside another. */
static void
test_composed_and_decomposed_letters_agree (void)
{
  static const gunichar ranges[][2] = { { 0x41, 0x7A }, { 0xC0, 0x24F }, { 0x1E00, 0x1EFF } };

  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    for (gunichar c = ranges[r][0]; c <= ranges[r][1]; c++)
      {
        char letter[8] = { 0 };
        g_autofree char *composed = NULL;
        g_autofree char *decomposed = NULL;
        g_autofree char *folded = NULL;
        g_autofree char *folded_long_way = NULL;
        g_autofree char *key = NULL;

        g_unichar_to_utf8 (c, letter);
        composed = g_strconcat ("Nguy", letter, "n ", letter, "\u1EB7", NULL);
        decomposed = g_utf8_normalize (composed, -1, G_NORMALIZE_NFD);
        folded = dh_text_fold (composed);
        folded_long_way = dh_text_fold (decomposed);
        g_assert_cmpstr (folded, ==, folded_long_way);

        /* a sort key is made of the composed text: the key of the
         * decomposed one must come out the same */
        key = dh_text_sort_key (composed);
        {
          g_autofree char *key_long_way = dh_text_sort_key (decomposed);

          g_assert_cmpstr (key, ==, key_long_way);
        }
      }
}

static void
test_fold_three_forms_of_a_name_agree (void)
{
  const char *forms[] = {
    "nguyen van dang",
    "NGUYỄN VĂN ĐẶNG",
    "Nguyễn Văn Đặng",
    "  NGUYỄN  Văn Đặng ",
    "Nguye\u0302\u0303n Va\u0306n \u0110a\u0306\u0323ng",  /* decomposed */
    "\u00D0\u1EB6NG nguyen van",  /* the look-alike Ð of old converters, reordered */
  };

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *folded = dh_text_fold (forms[i]);

      g_assert_cmpstr (folded, ==, "nguyen van dang");
    }

  {
    g_autofree char *folded = dh_text_fold (forms[5]);

    g_assert_cmpstr (folded, ==, "dang nguyen van");
  }
}

static void
test_fold_turns_punctuation_into_single_spaces (void)
{
  g_autofree char *a = dh_text_fold ("Hồ-Thị (Bé),  thôn Nà Khoang!");
  g_autofree char *b = dh_text_fold ("...Tổ dân phố 3...");
  g_autofree char *c = dh_text_fold ("Bru-Vân Kiều");
  g_autofree char *d = dh_text_fold ("");
  g_autofree char *e = dh_text_fold (" -- ");

  g_assert_cmpstr (a, ==, "ho thi be thon na khoang");
  g_assert_cmpstr (b, ==, "to dan pho 3");
  g_assert_cmpstr (c, ==, "bru van kieu");
  g_assert_cmpstr (d, ==, "");
  g_assert_cmpstr (e, ==, "");
  g_assert_null (dh_text_fold (NULL));
}

static void
test_fold_drops_every_tone_and_vowel_mark (void)
{
  g_autofree char *folded = dh_text_fold ("ÀẢÃÁẠ ĂẰẲẴẮẶ ÂẦẨẪẤẬ ÈẺẼÉẸ ÊỀỂỄẾỆ ÌỈĨÍỊ ÒỎÕÓỌ ÔỒỔỖỐỘ ƠỜỞỠỚỢ ÙỦŨÚỤ ƯỪỬỮỨỰ ỲỶỸÝỴ Đđ");

  g_assert_cmpstr (folded, ==,
                   "aaaaa aaaaaa aaaaaa eeeee eeeeee iiiii ooooo oooooo oooooo uuuuu uuuuuu yyyyy dd");
}

/* Sorts with strcmp() on the keys and checks the result is @expected. */
static void
assert_sorts_as (char *(*make_key) (const char *),
                 const char * const *expected,
                 guint n)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = make_key (expected[i]);

      if (key == NULL)
        g_error ("no sort key for “%s”", expected[i]);
      for (const char *p = key; *p != '\0'; p++)
        g_assert_true (*p >= 0x20 && *p <= 0x7E);
      g_ptr_array_add (keys, g_steal_pointer (&key));
    }

  /* Every pair, both ways: a proper order, not only neighbours. */
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        int cmp = strcmp (g_ptr_array_index (keys, i), g_ptr_array_index (keys, j));

        if (i < j && cmp >= 0)
          g_error ("“%s” should sort before “%s”", expected[i], expected[j]);
        if (i > j && cmp <= 0)
          g_error ("“%s” should sort after “%s”", expected[i], expected[j]);
      }
}

static void
test_sort_key_follows_the_vietnamese_alphabet (void)
{
  static const char * const letters[] = {
    "0", "9", "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
  };

  assert_sorts_as (dh_text_sort_key, letters, G_N_ELEMENTS (letters));
}

static void
test_sort_key_orders_tones_none_grave_hook_tilde_acute_dot (void)
{
  static const char * const tones[] = { "ba", "bà", "bả", "bã", "bá", "bạ" };
  static const char * const tones_o_horn[] = { "mơ", "mờ", "mở", "mỡ", "mớ", "mợ" };

  assert_sorts_as (dh_text_sort_key, tones, G_N_ELEMENTS (tones));
  assert_sorts_as (dh_text_sort_key, tones_o_horn, G_N_ELEMENTS (tones_o_horn));
}

static void
test_sort_key_letters_outweigh_tones_and_case (void)
{
  /* The letter decides before the tone (Ánh before Ăng, Bình before Bính
   * only by tone), the tone before the case, shorter words first. */
  static const char * const names[] = {
    "an", "An", "AN", "An Bình", "Anh", "Ánh", "Ăng", "Ân", "Ấn", "Bình", "Bính",
    "Dũng", "Duy", "Đào", "Đạt", "Em", "Ê Đê", "Giang", "Hà", "Hạ", "Hải", "Ý", "Yên",
  };
  static const char * const tone_before_case[] = { "ba", "BA", "bà", "BÀ" };

  /* "Đào" and "Đạt": a < ạ only at the second level, but the third letter
   * (o against t) decides first. */
  static const char * const words_first[] = { "Đào", "Đạt" };

  assert_sorts_as (dh_text_sort_key, tone_before_case, G_N_ELEMENTS (tone_before_case));
  assert_sorts_as (dh_text_sort_key, words_first, G_N_ELEMENTS (words_first));
  assert_sorts_as (dh_text_sort_key, names, G_N_ELEMENTS (names));
}

static void
test_sort_key_real_names (void)
{
  static const char * const names[] = {
    "An", "Anh", "Ánh", "Ăng", "Ân", "Bình", "Bính", "Chung", "Dũng", "Duy",
    "Đào", "Đạt", "Em", "Giang", "Hà", "Hải", "Hạnh", "Ơn", "Ước", "Yến",
  };

  assert_sorts_as (dh_text_sort_key, names, G_N_ELEMENTS (names));
}

static void
test_sort_key_same_for_composed_and_decomposed (void)
{
  g_autofree char *composed = dh_text_sort_key ("Nguyễn Văn Đặng");
  g_autofree char *decomposed = dh_text_sort_key ("Nguye\u0302\u0303n Va\u0306n \u0110a\u0323\u0306ng");
  g_autofree char *spaced = dh_text_sort_key ("  Nguyễn   Văn Đặng ");
  g_autofree char *other = dh_text_sort_key ("Nguyễn Văn Đăng");

  g_assert_cmpstr (composed, ==, decomposed);
  g_assert_cmpstr (composed, ==, spaced);
  g_assert_cmpstr (composed, !=, other);
  g_assert_null (dh_text_sort_key (NULL));
}

/* Both keys of a name made at once are the keys made one by one, for
 * names of every shape: one word or none, marks with nothing to sit on,
 * punctuation and numbers at the edges of words, other scripts. */
static void
test_sort_keys_of_name_are_the_keys_one_by_one (void)
{
  static const char * const names[] = {
    "", " ", "An", "Nguyễn Văn Đặng", "  Nguyễn   Văn Đặng ", "Nguye\u0302\u0303n Va\u0306n \u0110a\u0323\u0306ng",
    "Lò Văn Sính", "H'Mông A", "Hà-Văn Tú", "'A B", "A 'B", "A -", "- B", "- -", "- - B", "A - -",
    "Tổ dân phố 2", "Tổ 007", "007 A", "A 10 B", "A\tB", "A\u00a0B", "x \u0301y", "\u0301 A", "A \u0301",
    "ĐINH THỊ ÁNH", "đinh thị ánh", "Ñandú Ωmega", "Иван Петров", "李 小龍", "Ơn Ước Yến", "a.b c,d",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *full = NULL;
      g_autofree char *given = NULL;
      g_autofree char *full_alone = dh_text_sort_key (names[i]);
      g_autofree char *given_alone = dh_text_name_sort_key (names[i]);

      dh_text_sort_keys_of_name (names[i], &full, &given);
      g_assert_nonnull (full);
      g_assert_cmpstr (full, ==, full_alone);
      g_assert_cmpstr (given, ==, given_alone);
    }

  {
    char *full = NULL;
    char *given = NULL;

    dh_text_sort_keys_of_name (NULL, &full, &given);
    g_assert_null (full);
    g_assert_null (given);
    dh_text_sort_keys_of_name ("\xff A", &full, &given);
    g_assert_null (full);
    g_assert_null (given);
  }
}

static void
test_sort_key_other_scripts_sort_after_latin (void)
{
  static const char * const words[] = { "zeta", "Ωmega", "中文" };

  assert_sorts_as (dh_text_sort_key, words, G_N_ELEMENTS (words));
}

static void
test_name_sort_key_given_name_first (void)
{
  static const char * const people[] = {
    "Trần Văn An",
    "Đỗ Thị Bình",
    "Lê Văn Bình",
    "Nguyễn Thị Bình",
    "Nguyễn Văn Dũng",
    "Nguyễn Văn Đặng",
  };

  assert_sorts_as (dh_text_name_sort_key, people, G_N_ELEMENTS (people));
}

static void
test_name_sort_key_ties_and_single_words (void)
{
  static const char * const people[] = {
    "Anh",              /* no family name sorts first among the Anh */
    "Hà Thị Anh",
    "Lò Văn Anh",
    "Lò Văn Ánh",       /* Anh < Ánh by tone, before the family name counts */
    "Hoàng Thị Ân",
    "Hoàng thị Bình",
    "Hoàng Thị Bình",   /* same letters: case decides last */
    "Sùng A Bình",
  };
  g_autofree char *spaced = dh_text_name_sort_key ("  Lò   Văn Anh ");
  g_autofree char *plain = dh_text_name_sort_key ("Lò Văn Anh");

  assert_sorts_as (dh_text_name_sort_key, people, G_N_ELEMENTS (people));
  g_assert_cmpstr (spaced, ==, plain);
  g_assert_null (dh_text_name_sort_key (NULL));
}

static void
test_sort_key_numbers_by_value (void)
{
  static const char * const ordered[] = {
    "Thôn 1", "Thôn 2", "Thôn 9", "Thôn 10", "Thôn 12", "Thôn 100", "Tổ dân phố 2", "Tổ dân phố 10",
  };

  for (guint i = 0; i + 1 < G_N_ELEMENTS (ordered); i++)
    {
      g_autofree char *a = dh_text_sort_key (ordered[i]);
      g_autofree char *b = dh_text_sort_key (ordered[i + 1]);

      g_test_message ("%s < %s", ordered[i], ordered[i + 1]);
      g_assert_cmpint (strcmp (a, b), <, 0);
    }

  /* leading zeros do not change a number's place, only break the tie */
  {
    g_autofree char *seven = dh_text_sort_key ("Thôn 7");
    g_autofree char *padded = dh_text_sort_key ("Thôn 007");
    g_autofree char *eight = dh_text_sort_key ("Thôn 8");

    g_assert_cmpint (strcmp (padded, eight), <, 0);
    g_assert_cmpint (strcmp (seven, eight), <, 0);
    g_assert_cmpstr (seven, !=, padded);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/text/normalize/trims-and-collapses-white-space", test_normalize_trims_and_collapses_white_space);
  g_test_add_func ("/common/text/normalize/composes-decomposed-input-to-nfc", test_normalize_composes_to_nfc);
  g_test_add_func ("/common/text/normalize/keeps-empty-and-rejects-invalid-utf8", test_normalize_empty_null_and_invalid);
  g_test_add_func ("/common/text/normalize/agrees-with-its-definition", test_normalize_agrees_with_its_definition);
  g_test_add_func ("/common/text/fold/composed-and-decomposed-letters-agree", test_composed_and_decomposed_letters_agree);
  g_test_add_func ("/common/text/fold/three-forms-of-a-name-find-the-same-person", test_fold_three_forms_of_a_name_agree);
  g_test_add_func ("/common/text/fold/punctuation-becomes-one-space", test_fold_turns_punctuation_into_single_spaces);
  g_test_add_func ("/common/text/fold/drops-every-tone-and-vowel-mark", test_fold_drops_every_tone_and_vowel_mark);
  g_test_add_func ("/common/text/sort-key/follows-the-vietnamese-alphabet", test_sort_key_follows_the_vietnamese_alphabet);
  g_test_add_func ("/common/text/sort-key/orders-tones-like-icu-vi", test_sort_key_orders_tones_none_grave_hook_tilde_acute_dot);
  g_test_add_func ("/common/text/sort-key/letters-outweigh-tones-and-tones-outweigh-case", test_sort_key_letters_outweigh_tones_and_case);
  g_test_add_func ("/common/text/sort-key/orders-real-given-names", test_sort_key_real_names);
  g_test_add_func ("/common/text/sort-key/ignores-composition-and-spacing", test_sort_key_same_for_composed_and_decomposed);
  g_test_add_func ("/common/text/sort-key/other-scripts-after-latin", test_sort_key_other_scripts_sort_after_latin);
  g_test_add_func ("/common/text/name-sort-key/given-name-first-then-family", test_name_sort_key_given_name_first);
  g_test_add_func ("/common/text/name-sort-key/ties-single-words-and-case", test_name_sort_key_ties_and_single_words);
  g_test_add_func ("/common/text/name-sort-key/both-keys-at-once-are-the-keys-one-by-one", test_sort_keys_of_name_are_the_keys_one_by_one);

  g_test_add_func ("/common/text/sort-key-numbers-by-value", test_sort_key_numbers_by_value);

  return g_test_run ();
}
