/* dh-field-check.h – what is typed into a field, checked by the rule the store applies to it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "dh-context.h"
#include "dh-entity.h"

G_BEGIN_DECLS

void  dh_field_check_init_validator (DhContext    *context,
                                     DhValidator  *out_validator);
char *dh_field_check_text           (DhContext    *context,
                                     const char   *entity,
                                     const char   *field,
                                     const char   *text,
                                     json_object **out_value);
char *dh_field_check_message        (const char   *entity,
                                     const char   *message,
                                     char        **out_field);

G_END_DECLS
