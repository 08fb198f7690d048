/* mctx-raw.h: raw datagram transmit, part of mctx
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#include <mctx/mctx.h>

#define __MCTX_INSIDE__

#include "mctx-raw-capabilities.h"
#include "mctx-raw-datagram.h"
#include "mctx-raw-publication.h"
#include "mctx-raw-publication-config.h"

#undef __MCTX_INSIDE__
