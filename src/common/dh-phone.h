/* dh-phone.h – Vietnamese telephone numbers */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *dh_phone_normalize (const char  *text,
                          GError     **error);

G_END_DECLS
