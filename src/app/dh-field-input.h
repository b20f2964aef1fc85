/* dh-field-input.h – what people type into a field, read and checked as the store reads and checks it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"
#include "dh-edit-dialog.h"
#include "dh-entity.h"

G_BEGIN_DECLS

gboolean       dh_field_input_check_record   (DhContext          *context,
                                              const char         *entity,
                                              const char         *id,
                                              json_object        *record,
                                              GError            **error);
char          *dh_field_input_split_message  (const char         *message,
                                              const char         *entity,
                                              char              **out_field);
char          *dh_field_input_capitalise     (const char         *text);
GtkLabel      *dh_field_input_add_problems   (AdwPreferencesGroup *group);
void           dh_field_input_show_problems  (DhEditDialog       *dialog,
                                              GtkLabel           *label,
                                              GtkWidget         **widgets,
                                              guint               n_widgets);
void           dh_field_input_set_date       (GtkEditable        *editable,
                                              const char         *iso);
json_object   *dh_field_input_write          (DhContext          *context,
                                              const char         *entity,
                                              const char         *id,
                                              json_object        *record,
                                              GError            **error);
json_object   *dh_field_input_find_latest    (DhContext          *context,
                                              const char         *entity,
                                              const char         *household_id,
                                              GError            **error);

G_END_DECLS
