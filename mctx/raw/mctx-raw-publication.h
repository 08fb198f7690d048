/* mctx-raw-publication.h: a socket that sends complete IP datagrams
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#if !defined(__MCTX_INSIDE__) && !defined(MCTX_COMPILATION)
#error "Only <mctx/raw/mctx-raw.h> can be included directly."
#endif

#include <gio/gio.h>

#include "../mctx-version-macros.h"
#include "mctx-raw-publication-config.h"
#include "../mctx-publication.h"

G_BEGIN_DECLS

#define MCTX_TYPE_RAW_PUBLICATION (mctx_raw_publication_get_type ())

MCTX_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MctxRawPublication, mctx_raw_publication, MCTX, RAW_PUBLICATION, MctxPublication)

G_END_DECLS
