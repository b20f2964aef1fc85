/* dh-label.h – the words people read and write for the values of a field: labels of codes, yes and no */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "dh-entity.h"

G_BEGIN_DECLS

const char *dh_label_for_value  (const DhField *field,
                                 const char    *value);
const char *dh_label_to_value   (const DhField *field,
                                 const char    *text);
char       *dh_label_list       (const DhField *field);
const char *dh_label_for_bool   (gboolean       value);
gboolean    dh_label_to_bool    (const char    *text,
                                 gboolean      *out_value);
gboolean    dh_label_names_in_vietnamese (void);
const char *dh_label_field      (const char    *entity,
                                 const char    *field);
const char *dh_label_catalogue_name (DhCatalogues *catalogues,
                                     const char   *catalogue,
                                     const char   *code);

G_END_DECLS
