/* dh-member-dialog.h – a member of a household, new or edited */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-edit-dialog.h"

G_BEGIN_DECLS

#define DH_TYPE_MEMBER_DIALOG (dh_member_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DhMemberDialog, dh_member_dialog, DH, MEMBER_DIALOG, DhEditDialog)

DhMemberDialog *dh_member_dialog_new          (DhContext       *context,
                                               const char      *household_id,
                                               const char      *member_id,
                                               GError         **error);
GtkWidget      *dh_member_dialog_get_field    (DhMemberDialog  *self,
                                               const char      *field);
const char     *dh_member_dialog_get_saved_id (DhMemberDialog  *self);

G_END_DECLS
