/* mctx-error.c: the MCTX_ERROR domain
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-error.h"

G_DEFINE_QUARK (mctx-error-quark, mctx_error)
