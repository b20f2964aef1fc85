/* dh-label.c – the words people read and write for the values of a field: labels of codes, yes and no */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-label"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-label.h"
#include "dh-text.h"

/* A value's label in English, translated for the reader, and in Vietnamese
 * as such: a list exported in Vietnamese is read back whatever the locale
 * of the import. Other words for the value may follow. */
typedef struct
{
  const char *value;
  const char *label;         /* NC_("value", …): shown through gettext */
  const char *vietnamese;    /* the label of vi.po, always understood */
  const char *other[4];      /* other words people write for it, NULL-terminated */
} Label;

static const Label classes[] = {
  { "poor", NC_("value", "Poor"), "Hộ nghèo", { "Nghèo" } },
  { "near_poor", NC_("value", "Near-poor"), "Hộ cận nghèo", { "Cận nghèo" } },
  { "average", NC_("value", "Average living standard"), "Mức sống trung bình",
    { "Hộ có mức sống trung bình", "Trung bình" } },
  { "escaped_poor", NC_("value", "Escaped poverty"), "Thoát nghèo", { "Hộ thoát nghèo" } },
  { "escaped_near_poor", NC_("value", "Escaped near-poverty"), "Thoát cận nghèo", { "Hộ thoát cận nghèo" } },
  { "not_poor", NC_("value", "Not poor"), "Không nghèo", { "Hộ không nghèo" } },
  { "unclassified", NC_("value", "Unclassified"), "Chưa phân loại" },
  { NULL }
};

static const Label relations[] = {
  { "head", NC_("value", "Head of household"), "Chủ hộ", { "Head" } },
  { "spouse", NC_("value", "Spouse"), "Vợ/chồng", { "Vợ", "Chồng" } },
  { "child", NC_("value", "Child"), "Con", { "Con trai", "Con gái", "Con đẻ" } },
  { "parent", NC_("value", "Parent"), "Bố/mẹ", { "Bố", "Mẹ", "Cha", "Cha mẹ" } },
  { "grandchild", NC_("value", "Grandchild"), "Cháu", { "Cháu nội", "Cháu ngoại" } },
  { "sibling", NC_("value", "Brother or sister"), "Anh/chị/em", { "Anh", "Chị", "Em", "Sibling" } },
  { "other", NC_("value", "Other"), "Khác" },
  { NULL }
};

static const Label sexes[] = {
  { "male", NC_("value", "Male"), "Nam" },
  { "female", NC_("value", "Female"), "Nữ" },
  { NULL }
};

static const Label schooling[] = {
  { "none", NC_("value", "No schooling"), "Chưa đi học" },
  { "preschool", NC_("value", "Preschool"), "Mầm non" },
  { "primary", NC_("value", "Primary school"), "Tiểu học" },
  { "lower_secondary", NC_("value", "Lower secondary school"), "Trung học cơ sở", { "THCS" } },
  { "upper_secondary", NC_("value", "Upper secondary school"), "Trung học phổ thông", { "THPT" } },
  { "vocational", NC_("value", "Vocational training"), "Giáo dục nghề nghiệp", { "Học nghề" } },
  { "higher", NC_("value", "Higher education"), "Cao đẳng, đại học trở lên", { "Đại học" } },
  { NULL }
};

static const Label employment[] = {
  { "none", NC_("value", "No work"), "Không có việc làm" },
  { "farming", NC_("value", "Farming"), "Làm nông nghiệp", { "Nông nghiệp", "Làm ruộng" } },
  { "self_employed", NC_("value", "Self-employed"), "Tự làm, tự kinh doanh" },
  { "wage_with_contract", NC_("value", "Paid work with a contract"), "Làm công có hợp đồng" },
  { "wage_without_contract", NC_("value", "Paid work without a contract"), "Làm công không có hợp đồng" },
  { "student", NC_("value", "Student"), "Đang đi học", { "Học sinh", "Sinh viên" } },
  { "retired", NC_("value", "Retired"), "Nghỉ hưu" },
  { "unable_to_work", NC_("value", "Unable to work"), "Không có khả năng lao động" },
  { NULL }
};

static const Label exit_statuses[] = {
  { "registered", NC_("value", "Registered"), "Đã đăng ký" },
  { "on_track", NC_("value", "On track"), "Đúng tiến độ" },
  { "escaped", NC_("value", "Escaped poverty"), "Thoát nghèo", { "Đã thoát nghèo" } },
  { "not_yet", NC_("value", "Not yet escaped"), "Chưa thoát nghèo" },
  { NULL }
};

static const Label support_statuses[] = {
  { "planned", NC_("value", "Planned"), "Dự kiến" },
  { "delivered", NC_("value", "Delivered"), "Đã trao", { "Đã nhận" } },
  { NULL }
};

static const Label purposes[] = {
  { "routine", NC_("value", "Routine visit"), "Thăm định kỳ" },
  { "review", NC_("value", "Poverty review"), "Rà soát" },
  { "support_delivery", NC_("value", "Support delivery"), "Trao hỗ trợ" },
  { "follow_up", NC_("value", "Follow-up"), "Theo dõi" },
  { "other", NC_("value", "Other"), "Khác" },
  { NULL }
};

static const Label review_kinds[] = {
  { "annual", NC_("value", "Annual review"), "Rà soát định kỳ hằng năm" },
  { "ad_hoc", NC_("value", "Ad-hoc review"), "Rà soát thường xuyên" },
  { NULL }
};

static const Label areas[] = {
  { "rural", NC_("value", "Rural"), "Nông thôn" },
  { "urban", NC_("value", "Urban"), "Thành thị" },
  { NULL }
};

static const Label unit_kinds[] = {
  { "province", NC_("value", "Province"), "Tỉnh" },
  { "commune", NC_("value", "Commune"), "Xã", { "Phường", "Đặc khu" } },
  { "village", NC_("value", "Village"), "Thôn", { "Bản", "Tổ dân phố" } },
  { NULL }
};

static const Label roles[] = {
  { "caseworker", NC_("value", "Caseworker"), "Cán bộ giảm nghèo" },
  { "commune_official", NC_("value", "Commune official"), "Cán bộ xã" },
  { "province_admin", NC_("value", "Province administrator"), "Quản trị của tỉnh" },
  { NULL }
};

static const Label booleans[] = {
  { "true", NC_("value", "Yes"), "Có", { "x", "1", "true", "đúng" } },
  { "false", NC_("value", "No"), "Không", { "0", "false", "sai" } },
  { NULL }
};

static const Label *
labels_of (const DhField *field)
{
  static const struct { const char *field; const Label *labels; } by_field[] = {
    { "classification", classes }, { "official_class", classes }, { "proposed_class", classes },
    { "relation", relations }, { "sex", sexes }, { "schooling", schooling },
    { "employment", employment }, { "purpose", purposes }, { "review_kind", review_kinds },
    { "area", areas }, { "kind", unit_kinds }, { "role", roles },
  };

  if (field == NULL)
    return NULL;
  if (field->type == DH_FIELD_BOOL)
    return booleans;
  if (field->type != DH_FIELD_ENUM)
    return NULL;

  /* two entities have a status, each of its own values */
  if (g_str_equal (field->name, "status"))
    return g_strv_contains (field->values, "planned") ? support_statuses : exit_statuses;

  for (guint i = 0; i < G_N_ELEMENTS (by_field); i++)
    {
      if (g_str_equal (by_field[i].field, field->name))
        return by_field[i].labels;
    }

  return NULL;
}

static const char *
translated (const Label *label)
{
  return g_dpgettext2 (GETTEXT_PACKAGE, "value", label->label);
}

/**
 * dh_label_for_value:
 * @field: an enumeration or a yes/no field
 * @value: (nullable): one of its values ("near_poor", "true")
 *
 * Returns: (transfer none) (nullable): what a person reads for @value, in
 *   the language of the messages ("Hộ cận nghèo"), or %NULL when the field
 *   has no labels or @value is not one of its values
 */
const char *
dh_label_for_value (const DhField *field,
                    const char    *value)
{
  const Label *labels = labels_of (field);

  for (guint i = 0; labels != NULL && value != NULL && labels[i].value != NULL; i++)
    {
      if (g_str_equal (labels[i].value, value))
        return translated (&labels[i]);
    }

  return NULL;
}

static gboolean
key_matches (const char *key,
             const char *text)
{
  g_autofree char *other = dh_text_match_key (text);

  return other != NULL && g_str_equal (key, other);
}

/**
 * dh_label_to_value:
 * @field: an enumeration or a yes/no field
 * @text: (nullable): what someone wrote: a value, its label in English or
 *   Vietnamese, or another word for it, without regard to case and marks
 *
 * Returns: (transfer none) (nullable): the value, or %NULL when @text is
 *   none of those
 */
const char *
dh_label_to_value (const DhField *field,
                   const char    *text)
{
  const Label *labels = labels_of (field);
  g_autofree char *key = dh_text_match_key (text);

  if (labels == NULL || key == NULL || key[0] == '\0')
    return NULL;

  for (guint i = 0; labels[i].value != NULL; i++)
    {
      const Label *label = &labels[i];

      if (key_matches (key, label->value) || key_matches (key, label->label) ||
          key_matches (key, label->vietnamese) || key_matches (key, translated (label)))
        return label->value;
      for (guint j = 0; j < G_N_ELEMENTS (label->other) && label->other[j] != NULL; j++)
        {
          if (key_matches (key, label->other[j]))
            return label->value;
        }
    }

  return NULL;
}

/* "Hộ nghèo, Hộ cận nghèo, …": what to tell someone who wrote a value
 * that is none of them. */
char *
dh_label_list (const DhField *field)
{
  const Label *labels = labels_of (field);
  GString *list = g_string_new (NULL);

  for (guint i = 0; labels != NULL && labels[i].value != NULL; i++)
    {
      if (list->len > 0)
        g_string_append (list, ", ");
      g_string_append (list, translated (&labels[i]));
    }

  return g_string_free (list, FALSE);
}

const char *
dh_label_for_bool (gboolean value)
{
  return translated (&booleans[value ? 0 : 1]);
}

gboolean
dh_label_to_bool (const char *text,
                  gboolean   *out_value)
{
  static const DhField yes_no = { "yes_no", DH_FIELD_BOOL };
  const char *value = dh_label_to_value (&yes_no, text);

  if (value == NULL)
    return FALSE;
  *out_value = g_str_equal (value, "true");
  return TRUE;
}

/* Whether the catalogues' names are given in Vietnamese: the messages are. */
gboolean
dh_label_names_in_vietnamese (void)
{
  /* Translators: do not translate this into words: write the code of your
   * language, "vi" for Vietnamese. Lists then give the names of ethnic
   * groups, support types and the like in Vietnamese. */
  return g_str_equal (C_("language of catalogue names", "en"), "vi");
}

/* A catalogue entry's name in the language of the messages. */
const char *
dh_label_catalogue_name (DhCatalogues *catalogues,
                         const char   *catalogue,
                         const char   *code)
{
  const char *name = dh_label_names_in_vietnamese ()
                     ? dh_catalogues_get_name (catalogues, catalogue, code)
                     : dh_catalogues_get_name_en (catalogues, catalogue, code);

  return name != NULL ? name : code;
}
