/* mctx-async-send: send UDP multicast datagrams from a GMainLoop
 *
 * The seed's asynchronous sender, with the command line of mctx-send and
 * the same program behind it: the library's paced sender on a main loop,
 * which wakes at microsecond resolution and sends what is due at once in
 * one batched send.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include "config.h"

#include "mctx-tool.h"

int
main (int    argc,
      char **argv)
{
  return mctx_tool_udp_sender_main ("mctx-async-send", argc, argv);
}
