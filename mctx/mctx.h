/* mctx.h: the mctx multicast sender library
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#pragma once

#define __MCTX_INSIDE__

#include "mctx-version.h"
#include "mctx-version-macros.h"
#include "mctx-features.h"

#include "mctx-address.h"
#include "mctx-context.h"
#include "mctx-enum-types.h"
#include "mctx-error.h"

#include "mctx-paced-sender.h"
#include "mctx-publication.h"
#include "mctx-publication-config.h"
#include "mctx-udp-publication-config.h"
#include "mctx-udp-publication.h"
#include "mctx-send-report.h"
#include "mctx-stamp.h"
#include "mctx-metrics-delta.h"
#include "mctx-metrics-sampler.h"
#include "mctx-metrics-snapshot.h"
#include "mctx-metrics-writer.h"

#undef __MCTX_INSIDE__
