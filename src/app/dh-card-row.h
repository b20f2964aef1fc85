/* dh-card-row.h – a row of the household card: a title, words under it, and buttons at its end */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DH_TYPE_CARD_ROW (dh_card_row_get_type ())

G_DECLARE_FINAL_TYPE (DhCardRow, dh_card_row, DH, CARD_ROW, AdwPreferencesRow)

GtkWidget  *dh_card_row_new              (const char *title,
                                          const char *subtitle);
const char *dh_card_row_get_title        (DhCardRow  *self);
const char *dh_card_row_get_subtitle     (DhCardRow  *self);
void        dh_card_row_set_icon_name    (DhCardRow  *self,
                                          const char *icon_name);
void        dh_card_row_add_suffix       (DhCardRow  *self,
                                          GtkWidget  *widget);
void        dh_card_row_set_activatable_widget (DhCardRow *self,
                                                GtkWidget *widget);

G_END_DECLS
