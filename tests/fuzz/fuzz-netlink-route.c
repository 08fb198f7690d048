/* fuzz-netlink-route.c: libFuzzer target for the parser of netlink route
 * dumps that picks the egress of route-selected raw IPv6 publications.
 * The input is a group (16 bytes) and one reply; the parser must stay
 * inside the reply whatever its lengths say. Linked with the library's
 * objects, as the parser is private.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "raw/mctx-raw-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  MctxRawRouteChoice best;
  guint8 group[16];
  guint8 *reply;

  if (size < sizeof group)
    return 0;

  memcpy (group, data, sizeof group);
  /* An exact-size heap copy, 4-byte aligned as the kernel's replies are,
   * so that AddressSanitizer sees any read past its end. */
  reply = g_malloc (MAX (size - sizeof group, 1));
  memcpy (reply, data + sizeof group, size - sizeof group);

  _mctx_raw_route_choice_init (&best);
  _mctx_raw_route_parse (reply, size - sizeof group, group, &best);
  g_assert_true ((best.ifindex == 0) == (best.prefix_len < 0));
  g_assert_cmpint (best.prefix_len, <=, 128);

  g_free (reply);
  return 0;
}
