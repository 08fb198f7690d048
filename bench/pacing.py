#!/usr/bin/python3
# How well the paced senders hold their rate: mctx-async-send (MctxPacedSender
# on a GMainLoop) and mctx-send (clock_nanosleep on an absolute schedule)
# send N packets at R packets/s over lo; a receiver timestamps arrivals.
# The achieved rate is (N - 1) / (last - first arrival).
#
# Run through bench/run.sh, which gives it a private network namespace.
#
# SPDX-License-Identifier: BSD-2-Clause

import os
import select
import socket
import subprocess
import sys
import time

BUILD = os.environ.get("MCTX_BUILD_DIR", "_build")
RATE = float(os.environ.get("MCTX_BENCH_RATE", "10000"))
SECONDS = float(os.environ.get("MCTX_BENCH_SECONDS", "5"))
GROUP = "239.1.2.3"


def measure(tool):
    count = int(RATE * SECONDS)
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    receiver.bind((GROUP, 0))
    receiver.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                        socket.inet_aton(GROUP) + socket.inet_aton("127.0.0.1"))
    port = receiver.getsockname()[1]

    process = subprocess.Popen([os.path.join(BUILD, "tools", tool), GROUP, str(port), "x" * 64,
                                str(count), "--rate", str(RATE), "--interface", "127.0.0.1",
                                "--quiet"], stdout=subprocess.DEVNULL)
    arrivals = []
    while len(arrivals) < count:
        if not select.select([receiver], [], [], 2.0)[0]:
            break
        receiver.recv(2048)
        arrivals.append(time.monotonic())
    process.wait()
    receiver.close()

    span = arrivals[-1] - arrivals[0]
    achieved = (len(arrivals) - 1) / span
    error = (achieved - RATE) / RATE * 100
    print("%-16s target %8.0f pkt/s  sent %6d  received %6d  over %.3f s  achieved %9.1f pkt/s  error %+.2f %%"
          % (tool, RATE, count, len(arrivals), span, achieved, error))
    return abs(error) <= 1.0 and len(arrivals) == count


if __name__ == "__main__":
    ok = all([measure("mctx-async-send"), measure("mctx-send")])
    print("within 1 %%: %s" % ("yes" if ok else "NO"))
    sys.exit(0 if ok else 1)
