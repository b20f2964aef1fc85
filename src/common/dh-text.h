/* dh-text.h – Vietnamese text: normalising, search folding and collation keys */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *dh_text_normalize     (const char *text);
gboolean dh_text_is_normalized (const char *text);
char *dh_text_fold          (const char *text);
char *dh_text_sort_key      (const char *text);
char *dh_text_name_sort_key (const char *full_name);
void  dh_text_sort_keys_of_name (const char  *full_name,
                                 char       **out_full,
                                 char       **out_given);
char *dh_text_match_key     (const char *text);

G_END_DECLS
