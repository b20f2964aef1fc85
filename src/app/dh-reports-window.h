/* dh-reports-window.h – a commune's figures for its officials: villages, support, households due a visit */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"
#include "dh-window.h"

G_BEGIN_DECLS

#define DH_TYPE_REPORTS_WINDOW (dh_reports_window_get_type ())

G_DECLARE_FINAL_TYPE (DhReportsWindow, dh_reports_window, DH, REPORTS_WINDOW, AdwWindow)

DhReportsWindow *dh_reports_window_new        (DhContext       *context,
                                               DhWindow        *window);
gboolean         dh_reports_window_is_loading (DhReportsWindow *self);

G_END_DECLS
