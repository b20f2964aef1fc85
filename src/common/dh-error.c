/* dh-error.c – the error domain of the common layer */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-error"

#include "config.h"

#include "dh-error.h"

G_DEFINE_QUARK (dh-validation-error-quark, dh_validation_error)
