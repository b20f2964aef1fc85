/* dh-field-check.h – what is typed into a field, checked by the rule the store applies to it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>

G_BEGIN_DECLS

char *dh_field_check_text      (const char   *entity,
                                const char   *field,
                                const char   *text,
                                json_object **out_value);
char *dh_field_check_message   (const char   *field,
                                const GError *error);

G_END_DECLS
