/* mctx-error.c: the MCTX_ERROR domain
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-error.h"

/**
 * mctx_error_quark:
 *
 * Gets the quark of the %MCTX_ERROR domain.
 *
 * Returns: the error domain quark
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (mctx-error-quark, mctx_error)
