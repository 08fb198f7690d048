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

import os
import socket
import statistics
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


def cpu_seconds(argv):
    """Runs @argv, and returns the CPU time it used, user and system: on
    this shared machine a process's wall time counts whatever else ran,
    its CPU time only its own work (the kernel's loopback delivery during
    its sends included)."""
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("%s failed" % argv[0])
    return usage.ru_utime + usage.ru_stime


def run_tool(port, size, n):
    return cpu_seconds([TOOL, "239.1.2.3", str(port), "x" * size, str(n), "0", "--gso", "--quiet",
                        "--interface", "127.0.0.1"])


def run_plain_gso(port, size, n):
    return cpu_seconds([throughput.PROGRAM, "gso", str(n), str(size), str(port)])


def tool_against_gso(size, n):
    """Both as processes, their CPU time measured alike, each less its own
    start-up (a one-datagram run), in alternating order: what the two do
    between exec and exit is all that differs. Each side's fastest round
    counts: the same run's CPU time here spreads up to twice its least (the
    kernel's delivery into a queue of hundreds of megabytes), and only the
    low end is tight."""
    sock, port = receiver()
    tool, plain, received = [], [], []
    tool_startup = min(run_tool(port, size, 1) for _ in range(5))
    plain_startup = min(run_plain_gso(port, size, 1) for _ in range(5))
    drain(sock)
    for round_ in range(ROUNDS):
        for which in (("plain", "tool") if round_ % 2 == 0 else ("tool", "plain")):
            if which == "plain":
                plain.append((run_plain_gso(port, size, n) - plain_startup) * 1e9 / n)
                time.sleep(0.2)
                drain(sock)
            else:
                tool.append((run_tool(port, size, n) - tool_startup) * 1e9 / n)
                time.sleep(0.2)
                received.append(drain(sock))
    sock.close()
    gso, ours = min(plain), min(tool)
    return "mctx-send --gso %5d B %10.0f pkt/s %7.3f× a GSO loop  received %d/%d per round  (start-up %.1f/%.1f ms of CPU)" % (
        size, 1e9 / ours, gso / ours, min(received), n, tool_startup * 1e3, plain_startup * 1e3)


if __name__ == "__main__":
    throughput.build()
    print("mctx publication model, %s" % time.strftime("%Y-%m-%d"))
    throughput.c_paths()
    throughput.table("The tools' one pacing loop at interval 0, --gso, on lo (the process less its start-up)",
                     "variant  size  rate  ratio  receiver",
                     [tool_against_gso(32, 500000), tool_against_gso(1400, 400000)])
    throughput.raw_paths()
