/* dh-sign-in-dialog.h – signing in to the province's server: its address, a certificate file, the username and password */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"

G_BEGIN_DECLS

#define DH_TYPE_SIGN_IN_DIALOG (dh_sign_in_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DhSignInDialog, dh_sign_in_dialog, DH, SIGN_IN_DIALOG, AdwWindow)

DhSignInDialog *dh_sign_in_dialog_new            (DhContext      *context);
void            dh_sign_in_dialog_fill           (DhSignInDialog *self,
                                                  const char     *server,
                                                  const char     *ca_file,
                                                  const char     *username,
                                                  const char     *password);
void            dh_sign_in_dialog_set_pin        (DhSignInDialog *self,
                                                  const char     *pin);
void            dh_sign_in_dialog_sign_in        (DhSignInDialog *self);
gboolean        dh_sign_in_dialog_is_busy        (DhSignInDialog *self);
const char     *dh_sign_in_dialog_get_error_text (DhSignInDialog *self);
const char     *dh_sign_in_dialog_get_done_text  (DhSignInDialog *self);
const char     *dh_sign_in_dialog_get_page       (DhSignInDialog *self);
const char     *dh_sign_in_dialog_get_server     (DhSignInDialog *self);
const char     *dh_sign_in_dialog_get_username   (DhSignInDialog *self);

G_END_DECLS
