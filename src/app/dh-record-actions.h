/* dh-record-actions.h – the window's actions that record a visit or support, and void an entry */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void dh_record_actions_install (GtkWidgetClass *window_class);

G_END_DECLS
