/* dh-field-choice.h – a dropdown or combo row over the values of a field, shown by their names */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"

G_BEGIN_DECLS

void        dh_field_choice_fill          (GObject            *choice,
                                           const char         *entity,
                                           const char         *field,
                                           const char         *none_label);
void        dh_field_choice_fill_codes    (GObject            *choice,
                                           const char         *entity,
                                           const char         *field,
                                           const char * const *codes,
                                           const char         *none_label);
void        dh_field_choice_fill_labelled (GObject            *choice,
                                           const char * const *codes,
                                           const char * const *labels,
                                           const char         *none_label);
gboolean    dh_field_choice_fill_villages (GObject            *choice,
                                           DhContext          *context,
                                           const char         *none_label,
                                           GError            **error);
void        dh_field_choice_wrap_names    (AdwComboRow        *row);
const char *dh_field_choice_get_code      (GObject            *choice);
gboolean    dh_field_choice_set_code      (GObject            *choice,
                                           const char         *code);

G_END_DECLS
