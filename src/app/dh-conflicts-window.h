/* dh-conflicts-window.h – the edits made at once on two devices, and the deletions that met work, for an official to settle */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"

G_BEGIN_DECLS

#define DH_TYPE_CONFLICTS_WINDOW (dh_conflicts_window_get_type ())

G_DECLARE_FINAL_TYPE (DhConflictsWindow, dh_conflicts_window, DH, CONFLICTS_WINDOW, AdwWindow)

DhConflictsWindow *dh_conflicts_window_new     (DhContext         *context);
guint              dh_conflicts_window_get_count (DhConflictsWindow *self);

G_END_DECLS
