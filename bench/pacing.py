#!/usr/bin/python3
# How evenly the paced senders space datagrams: the library's
# MctxPacedSender (a GMainLoop program), mctx-send, mctx-async-send and
# mctx-raw-send send at 1 000, 10 000 and 100 000 datagrams/s over lo; a
# receiver takes the kernel's timestamp of each arrival (SO_TIMESTAMPNS).
# Two plain C loops are the references: one sleeps to each due time
# (clock_nanosleep, timer slack 1 ns), one spins to it (a whole core).
# At 1 000 and 10 000/s each mctx sender runs twice: with the pacer's
# default lead, and spinning 100 µs (at most half the interval) before each
# datagram ("spin", MctxPacer:spin, the tools' --spin). At 100 000/s the
# UDP senders run a second time sending each due batch as one segmented
# send ("gso", MctxPacedSender:segmented, the tools' --gso).
# For each: the achieved rate, the departure-time error of each datagram
# against the ideal schedule with the constant offset removed (median,
# 99th percentile, maximum), and the sender's CPU time per second.
# Each p99 is also given as a ratio to the spinning loop's at that rate, in
# the same run, and the tools print their own measure of it (departure
# timestamps, "own p99"), which should agree with the receiver's.
# MCTX_BENCH_RATES, MCTX_BENCH_SENDERS (comma-separated; the spinning loop
# always runs) and MCTX_BENCH_SECONDS narrow a run.
#
# Run through bench/run.sh (a network namespace of its own), as root:
#   bench/run.sh /usr/bin/python3 bench/pacing.py
# Builds _build-bench-throughput (release) when missing.
#
# SPDX-License-Identifier: BSD-2-Clause

import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import time

BUILD = "_build-bench-throughput"
GROUP = "239.1.2.3"
RATES = [int(rate) for rate in os.environ.get("MCTX_BENCH_RATES", "1000,10000,100000").split(",")]
SECONDS = float(os.environ.get("MCTX_BENCH_SECONDS", "3"))
SPIN = 100
SO_TIMESTAMPNS = 35
SO_RCVBUFFORCE = 33


def build():
    if not os.path.exists(os.path.join(BUILD, "build.ninja")):
        subprocess.run(["meson", "setup", BUILD, "--buildtype=release", "-Ddocs=disabled"],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["meson", "compile", "-C", BUILD], check=True, stdout=subprocess.DEVNULL)


def receiver():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 512 << 20)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.bind((GROUP, 0))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                    socket.inet_aton(GROUP) + socket.inet_aton("127.0.0.1"))
    sock.settimeout(1.0)
    return sock, sock.getsockname()[1]


def arrivals(sock, count):
    stamps = []
    while len(stamps) < count:
        try:
            _data, ancillary, _flags, _address = sock.recvmsg(2048, 64)
        except socket.timeout:
            break
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                seconds, nanoseconds = struct.unpack("qq", data[:16])
                stamps.append(seconds * 1_000_000_000 + nanoseconds)
    return stamps


def command(sender, rate, count, port):
    tools = os.path.join(BUILD, "tools")
    # "NAME spin" is NAME with its pacer spinning SPIN µs (at most half the
    # interval) instead of the default lead; "NAME gso" sends what is due
    # together as one segmented send.
    spin = sender.endswith(" spin") and not sender.startswith("plain ")
    gso = sender.endswith(" gso")
    if spin or gso:
        sender = sender.rsplit(" ", 1)[0]
    common = [GROUP, str(port), "x" * 19, str(count), "--rate", str(rate), "--quiet"]
    if spin:
        common += ["--spin", str(SPIN)]
    if gso:
        common += ["--gso"]
    bench = os.path.join(BUILD, "bench", "mctx-bench-throughput")
    if sender == "MctxPacedSender":
        return [bench, "paced", str(rate), str(count), str(port), str(SPIN if spin else -1)] + (["gso"] if gso else [])
    if sender.startswith("plain "):
        return [bench, "plain-paced", str(rate), str(count), str(port), sender.split()[1]]
    if sender == "mctx-raw-send":
        return [os.path.join(tools, sender), *common, "--interface-name", "lo", "--source", "127.0.0.1"]
    return [os.path.join(tools, sender), *common, "--interface", "127.0.0.1"]


def measure(sender, rate, reference_p99=None):
    count = int(rate * SECONDS)
    sock, port = receiver()
    started = time.monotonic()
    process = subprocess.Popen(command(sender, rate, count, port), stdout=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    out = process.stdout.read()
    stamps = arrivals(sock, count)
    sock.close()
    if status != 0 or len(stamps) < 2:
        return "%-21s %7d/s  failed (status %d, %d received)" % (sender, rate, status, len(stamps))

    interval = 1e9 / rate
    offsets = [stamp - i * interval for i, stamp in enumerate(stamps)]
    base = statistics.median(offsets)
    errors = sorted(abs(offset - base) / 1000 for offset in offsets)
    achieved = (len(stamps) - 1) * 1e9 / (stamps[-1] - stamps[0])
    first = (out.strip().splitlines() or [""])[0]
    mode = first.rsplit(" ", 1)[-1] if "pacing" in first or "MODE" in first else "?"
    cpu = (usage.ru_utime + usage.ru_stime) / elapsed
    p99 = errors[int(len(errors) * 0.99)]
    own = re.search(r"departure error: .* p99 ([\d.]+) µs", out)
    line = ("%-21s %7d/s  achieved %10.1f/s (%+.3f %%)  error median %6.1f µs  p99 %7.1f µs  max %8.1f µs"
            "  cpu %3.0f %%  received %d/%d  %s"
            % (sender, rate, achieved, (achieved - rate) / rate * 100, errors[len(errors) // 2],
               p99, errors[-1], cpu * 100, len(stamps), count, mode))
    if reference_p99:
        line += "  p99/spinning loop %.2f" % (p99 / reference_p99)
    if own:
        line += "  own p99 %s µs" % own.group(1)
    return line, p99


if __name__ == "__main__":
    build()
    print("pacing over lo, %.0f s per run; %s" % (SECONDS, time.strftime("%Y-%m-%d")))
    for rate in RATES:
        senders = ["plain sleep", "plain spin", "MctxPacedSender", "mctx-send", "mctx-async-send", "mctx-raw-send"]
        # Spinning longer matters where a wake-up goes to each datagram,
        # segmented sends where several go at once (not raw ones).
        if rate <= 10000:
            senders += [name + " spin" for name in senders[2:]]
        else:
            senders += [name + " gso" for name in senders[2:5]]
        wanted = os.environ.get("MCTX_BENCH_SENDERS")
        if wanted:
            senders = [name for name in senders if name in wanted.split(",") or name == "plain spin"]
        line, reference = measure("plain spin", rate)
        print(line, flush=True)
        for sender in senders:
            if sender != "plain spin":
                print(measure(sender, rate, reference)[0], flush=True)
    sys.exit(0)
