/* dh-review-dialog.h – a household's poverty review: the indicators of its standard, the class proposed as you type, the commune's recognition */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-edit-dialog.h"

G_BEGIN_DECLS

#define DH_TYPE_REVIEW_DIALOG (dh_review_dialog_get_type ())

G_DECLARE_FINAL_TYPE (DhReviewDialog, dh_review_dialog, DH, REVIEW_DIALOG, DhEditDialog)

DhReviewDialog   *dh_review_dialog_new                 (DhContext       *context,
                                                        const char      *household_id,
                                                        gboolean         latest,
                                                        GError         **error);
const char       *dh_review_dialog_get_review_id       (DhReviewDialog  *self);
GtkWidget        *dh_review_dialog_get_field           (DhReviewDialog  *self,
                                                        const char      *field);
const DhStandard *dh_review_dialog_get_standard        (DhReviewDialog  *self);
int               dh_review_dialog_get_list_year       (DhReviewDialog  *self);
GPtrArray        *dh_review_dialog_list_indicators     (DhReviewDialog  *self);
AdwActionRow     *dh_review_dialog_get_indicator_row   (DhReviewDialog  *self,
                                                        const char      *code);
const char       *dh_review_dialog_get_provisional_note (DhReviewDialog *self);
const char       *dh_review_dialog_get_proposed_class  (DhReviewDialog  *self);
const char       *dh_review_dialog_get_proposal_title  (DhReviewDialog  *self);
const char       *dh_review_dialog_get_proposal_message (DhReviewDialog *self);
const char       *dh_review_dialog_get_reasons         (DhReviewDialog  *self);

G_END_DECLS
