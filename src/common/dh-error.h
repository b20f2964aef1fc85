/* dh-error.h – the error domain of the common layer */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DH_VALIDATION_ERROR (dh_validation_error_quark ())

/* Every message carried by a DH_VALIDATION_ERROR is translated, names the
 * field at fault and says what a valid value looks like. */
typedef enum
{
  DH_VALIDATION_ERROR_REQUIRED,      /* a required field is missing or empty */
  DH_VALIDATION_ERROR_INVALID,       /* malformed: not a date, not digits, ... */
  DH_VALIDATION_ERROR_OUT_OF_RANGE,  /* well formed but not allowed (future date, negative amount) */
  DH_VALIDATION_ERROR_UNKNOWN_CODE,  /* not in the catalogue or the list of allowed values */
  DH_VALIDATION_ERROR_UNKNOWN_FIELD, /* the entity has no such field */
  DH_VALIDATION_ERROR_MISMATCH,      /* two fields disagree (citizen ID vs sex / birth year) */
  DH_VALIDATION_ERROR_READ_ONLY,     /* a computed or immutable field was given */
  DH_VALIDATION_ERROR_REFERENCE,     /* refers to a record that does not exist or does not fit */
  DH_VALIDATION_ERROR_DUPLICATE,     /* a value that must be unique is taken */
} DhValidationError;

GQuark dh_validation_error_quark (void);

G_END_DECLS
