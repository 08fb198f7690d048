#!/usr/bin/python3
# The three ratios the publication model must hold, each against a plain
# loop in the same run, in CPU time over alternating rounds:
#
# - mctx_publication_send() against a send() loop, 32 to 1400 bytes;
# - the mctx-send tool with --gso at interval 0 against a plain GSO loop,
#   32 and 1400 bytes, with the receiver counting every datagram;
# - a raw publication's send_messages() against an IP_HDRINCL loop.
#
# Run through bench/run.sh (a network namespace of its own):
#   bench/run.sh bench/model.py
# Builds _build-bench-throughput (release) when missing.
#
# SPDX-License-Identifier: BSD-2-Clause

import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import throughput  # noqa: E402

ROUNDS = 9
TOOL = os.path.join(throughput.BUILD, "tools", "mctx-send")


def receiver():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, 33, 1 << 30)   # SO_RCVBUFFORCE: room for a whole run
    sock.bind(("239.1.2.3", 0))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                    socket.inet_aton("239.1.2.3") + socket.inet_aton("127.0.0.1"))
    sock.setblocking(False)
    return sock, sock.getsockname()[1]


def drain(sock):
    count = 0
    while True:
        try:
            sock.recv(2048)
            count += 1
        except BlockingIOError:
            return count


def run_tool(port, size, n):
    """The tool's CPU time per datagram over its run, from its summary."""
    out = subprocess.run([TOOL, "239.1.2.3", str(port), "x" * size, str(n), "0", "--gso", "--json", "--quiet",
                          "--interface", "127.0.0.1"], check=True, capture_output=True, text=True).stdout
    summary = json.loads(out.splitlines()[-1])
    assert summary["packets"] == n, summary
    return (summary["cpu_secs"]["user"] + summary["cpu_secs"]["system"]) * 1e9 / n


def run_plain_gso(port, size, n):
    """The plain loop's CPU time per datagram over its loop."""
    out = subprocess.run([throughput.PROGRAM, "gso", str(n), str(size), str(port)], check=True,
                         capture_output=True, text=True).stdout
    return float(out.split()[1])


def tool_against_gso(size, n):
    """Both as processes, each timed in its own CPU time over its sends
    alone (the tool's summary has cpu_secs; start-up and exit are left out
    of both), in alternating rounds. Each side's fastest round counts: the
    same run's CPU time here spreads up to twice its least (the kernel's
    delivery into a queue of hundreds of megabytes, a host that is busy
    elsewhere), and only the low end is tight."""
    sock, port = receiver()
    tool, plain, received = [], [], []
    drain(sock)
    for round_ in range(ROUNDS):
        for which in (("plain", "tool") if round_ % 2 == 0 else ("tool", "plain")):
            if which == "plain":
                plain.append(run_plain_gso(port, size, n))
                time.sleep(0.2)
                drain(sock)
            else:
                tool.append(run_tool(port, size, n))
                time.sleep(0.2)
                received.append(drain(sock))
    sock.close()
    gso, ours = min(plain), min(tool)
    return "mctx-send --gso %5d B %10.0f pkt/s %7.3f× a GSO loop  received %d/%d per round" % (
        size, 1e9 / ours, gso / ours, min(received), n)


if __name__ == "__main__":
    throughput.build()
    print("mctx publication model, %s" % time.strftime("%Y-%m-%d"))
    throughput.c_paths()
    throughput.table("The tools' one pacing loop at interval 0, --gso, on lo (CPU time over the sends, fastest of 9 rounds)",
                     "variant  size  rate  ratio  receiver",
                     [tool_against_gso(32, 500000), tool_against_gso(1400, 400000)])
    throughput.raw_paths()
