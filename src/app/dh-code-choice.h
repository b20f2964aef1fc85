/* dh-code-choice.h – a combo row that offers the codes of a catalogue by their names */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-catalogue.h"

G_BEGIN_DECLS

void        dh_code_choice_fill   (AdwComboRow        *row,
                                   DhCatalogues       *catalogues,
                                   const char         *catalogue,
                                   const char * const *codes,
                                   const char         *none_label);
void        dh_code_choice_fill_labelled (AdwComboRow        *row,
                                   const char * const *codes,
                                   const char * const *labels,
                                   const char         *none_label);
const char *dh_code_choice_get    (AdwComboRow        *row);
gboolean    dh_code_choice_select (AdwComboRow        *row,
                                   const char         *code);

G_END_DECLS
