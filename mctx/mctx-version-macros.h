/* mctx-version-macros.h: visibility and availability annotations
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/mctx.h> can be included directly."
#endif

#include <glib.h>

#include "mctx-version.h"

#define _MCTX_EXTERN __attribute__((visibility("default"))) extern

/**
 * MCTX_ENCODE_VERSION:
 * @major: a major version
 * @minor: a minor version
 *
 * Encodes a version into the number the availability macros compare, as
 * GLib does for its own versions.
 *
 * Since: 1.0
 */
#define MCTX_ENCODE_VERSION(major,minor) ((major) << 16 | (minor) << 8)

/**
 * MCTX_VERSION_1_0:
 *
 * The encoded version number of mctx 1.0, for use with
 * `MCTX_VERSION_MIN_REQUIRED` and `MCTX_VERSION_MAX_ALLOWED`.
 *
 * Since: 1.0
 */
#define MCTX_VERSION_1_0 (MCTX_ENCODE_VERSION (1, 0))

#define MCTX_VERSION_CUR_STABLE MCTX_VERSION_1_0

#ifndef MCTX_VERSION_MIN_REQUIRED
# define MCTX_VERSION_MIN_REQUIRED (MCTX_VERSION_CUR_STABLE)
#endif

#ifndef MCTX_VERSION_MAX_ALLOWED
# define MCTX_VERSION_MAX_ALLOWED (MCTX_VERSION_CUR_STABLE)
#endif

#if MCTX_VERSION_MAX_ALLOWED < MCTX_VERSION_MIN_REQUIRED
#error "MCTX_VERSION_MAX_ALLOWED must be >= MCTX_VERSION_MIN_REQUIRED"
#endif

#define MCTX_AVAILABLE_IN_ALL _MCTX_EXTERN

#define MCTX_AVAILABLE_IN_1_0 _MCTX_EXTERN
