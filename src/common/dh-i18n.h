/* dh-i18n.h – where a program of Đồng Hành finds its translations */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void dh_i18n_init (void);

G_END_DECLS
