/* dh-uuid.h – record ids made on the device */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *dh_uuid_new          (void);
char *dh_uuid_new_at       (gint64 unix_ms);

G_END_DECLS
