/* mctx-send: send UDP multicast datagrams from the command line
 *
 * The seed's sender: a publication from the options, and the library's
 * paced sender to send COUNT datagrams, one per INTERVAL_MS (or at --rate,
 * --bitrate), what is due at once in one batched send. mctx-async-send is
 * the same program under the seed's other name: the one pacing loop is
 * the library's, on a main loop, in both.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-tool.h"

int
main (int    argc,
      char **argv)
{
  return mctx_tool_udp_sender_main ("mctx-send", argc, argv);
}
