/* app-test.h – what the application's tests share: a demo store, the application over it, a main loop run to rest */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-application.h"
#include "dh-window.h"

G_BEGIN_DECLS

void      app_test_make_demo_store (const char     *path,
                                    guint           households,
                                    guint           seed);
DhWindow *app_test_open_window     (const char     *store_path,
                                    DhApplication **out_app);
void      app_test_spin            (void);
void      app_test_wait_for_window (DhWindow       *window);

G_END_DECLS
