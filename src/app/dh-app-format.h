/* dh-app-format.h – records described in the words the application shows */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-context.h"

G_BEGIN_DECLS

char *dh_app_describe_last_visit (DhContext   *context,
                                  const char  *household_id);
char *dh_app_describe_last_visit_if_known (DhContext  *context,
                                           const char *household_id);
void  dh_app_sync_state          (DhRecordSync  sync,
                                  const char  **out_icon_name,
                                  const char  **out_words);
char *dh_app_describe_date       (const char  *iso_date);

G_END_DECLS
