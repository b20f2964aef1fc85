/* dh-application.h – the application: one store, its windows and its actions */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"
#include "dh-sign-in-dialog.h"

G_BEGIN_DECLS

#define DH_TYPE_APPLICATION (dh_application_get_type ())

G_DECLARE_FINAL_TYPE (DhApplication, dh_application, DH, APPLICATION, AdwApplication)

const char    *dh_application_pick_renderer  (const char *dri_dir);
void           dh_application_choose_renderer (void);
DhApplication *dh_application_new          (void);
DhContext     *dh_application_get_context  (DhApplication *self);
GSettings     *dh_application_get_settings (DhApplication *self);
const char    *dh_application_get_store_path (DhApplication *self);
void           dh_application_set_store_path (DhApplication *self,
                                              const char    *path);
DhContext     *dh_application_open_store   (DhApplication    *self,
                                            DhStoreOpenFlags  flags,
                                            GError          **error);
void           dh_application_set_network_monitor (DhApplication   *self,
                                                   GNetworkMonitor *monitor);
DhSignInDialog *dh_application_sign_in     (DhApplication *self);

G_END_DECLS
