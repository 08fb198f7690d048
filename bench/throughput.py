#!/usr/bin/python3
# Throughput and scale, in one run: mctx's plain, batched and segmented
# sends against plain send(), sendmmsg() and GSO loops; the Python paths
# against Python's own socket.send() loop; raw sends against a plain raw
# socket loop over a veth pair; adds and removes up to 100 000
# publications (as far as the open-file limit allows), with and without
# 500 extra interfaces, and memory per publication; user-space
# instructions per send under callgrind. A receiver counts what arrives.
#
# Run through bench/run.sh (a network namespace of its own):
#   bench/run.sh bench/throughput.py
# Builds _build-bench-throughput (release, with introspection) when
# missing. MCTX_BENCH_SENDS sets the datagrams per round (default 100000).
#
# SPDX-License-Identifier: BSD-2-Clause

import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

BUILD = "_build-bench-throughput"
SENDS = int(os.environ.get("MCTX_BENCH_SENDS", "100000"))
PROGRAM = os.path.join(BUILD, "bench", "mctx-bench-throughput")


def sh(*args):
    subprocess.run(args, check=True)


def build():
    if not os.path.exists(os.path.join(BUILD, "build.ninja")):
        subprocess.run(["meson", "setup", BUILD, "--buildtype=release", "-Ddocs=disabled"],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["meson", "compile", "-C", BUILD], check=True, stdout=subprocess.DEVNULL)


def rows(*args):
    out = subprocess.run([PROGRAM, *map(str, args)], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("LIMIT") or line.startswith("MEMORY"):
            print("  " + line.lower())
        elif line.startswith("ROW"):
            yield line.split()[1:]


def table(title, header, lines):
    print("\n" + title)
    print("  " + header)
    for line in lines:
        print("  " + line)


def c_paths():
    lines = []
    for section, variant, size, ns, pps, ratio, sent, received in rows("udp", SENDS):
        lines.append("%-22s %5s B %10s pkt/s %7s× send()  received %s/%s" % (variant, size, pps, ratio, received, sent))
    table("UDP on lo, C (sending thread's CPU time, 9 alternating rounds: fastest rate, median ratio)", "variant  size  rate  ratio  receiver", lines)


def raw_paths():
    sh("ip", "link", "add", "bra", "type", "veth", "peer", "name", "brb")
    for command in (["ip", "link", "set", "bra", "up"], ["ip", "link", "set", "brb", "up"],
                    ["ip", "address", "add", "192.0.2.1/24", "dev", "bra"],
                    ["ip", "address", "add", "192.0.2.2/24", "dev", "brb"],
                    ["sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.brb.rp_filter=0"]):
        sh(*command)
    lines = []
    for section, variant, size, ns, pps, ratio, sent, received in rows("raw", SENDS, "bra"):
        lines.append("%-22s %5s B %10s pkt/s %7s× raw loop  received %s/%s" % (variant, size, pps, ratio,
                                                                                received, sent))
    table("Raw IPv4 over a veth pair (foreign source), C", "variant  size  rate  ratio  receiver", lines)
    sh("ip", "link", "del", "bra")


def python_paths():
    os.environ["GI_TYPELIB_PATH"] = os.path.join(BUILD, "mctx")
    os.environ["LD_LIBRARY_PATH"] = os.path.join(BUILD, "mctx")
    # The library path must be known before the process starts.
    code = PYTHON_BENCH % {"sends": min(SENDS, 60000)}
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=os.path.join("bindings", "python"))).stdout
    table("Python on lo (PyGObject, median of 5 alternating rounds)", "variant  size  rate  ratio  receiver",
          out.splitlines())


PYTHON_BENCH = r'''
import socket, statistics, struct, time
import gi
gi.require_version("Mctx", "1.0")
from gi.repository import Mctx

N = %(sends)d
receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.setsockopt(socket.SOL_SOCKET, 33, 256 << 20)   # SO_RCVBUFFORCE
receiver.bind(("239.1.2.3", 0))
receiver.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                    socket.inet_aton("239.1.2.3") + socket.inet_aton("127.0.0.1"))
receiver.setblocking(False)
port = receiver.getsockname()[1]

context = Mctx.Context()
publication = context.add_publication("239.1.2.3", port, interface="127.0.0.1", loopback=True)
plain = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
plain.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
plain.connect(("239.1.2.3", port))

def drain():
    count = 0
    while True:
        try:
            receiver.recv(2048)
            count += 1
        except BlockingIOError:
            return count

payload = b"x" * 32
batch = [payload] * 64
variants = {
    "socket.send()": lambda: [plain.send(payload) for _ in range(N)],
    "mctx send()": lambda: [publication.send(payload) for _ in range(N)],
    "mctx send_many()": lambda: [publication.send_many(batch) for _ in range(N // 64)],
    "mctx send_many(SEGMENTED)": lambda: [publication.send_many(batch, Mctx.SendFlags.SEGMENTED)
                                          for _ in range(N // 64)],
}
sent = {name: (N // 64) * 64 if "many" in name else N for name in variants}
times = {name: [] for name in variants}
received = {name: 0 for name in variants}
for _ in range(5):
    for name, run in variants.items():
        start = time.perf_counter()
        run()
        times[name].append((time.perf_counter() - start) / sent[name])
        time.sleep(0.2)
        received[name] += drain()
base = statistics.median(times["socket.send()"])
for name in variants:
    t = statistics.median(times[name])
    print("%%-22s %%5d B %%10.0f pkt/s %%7.3f× socket.send()  received %%d/%%d" %% (
        name, 32, 1 / t, base / t, received[name], 5 * sent[name]))
'''


def scale():
    lines = []
    memory = []
    for extra in (0, 500):
        if extra:
            with tempfile.NamedTemporaryFile("w", suffix=".batch") as batch:
                for i in range(extra // 2):
                    batch.write("link add sx%d type veth peer name sy%d\n" % (i, i))
                    batch.write("address add 10.%d.%d.1/24 dev sx%d\n" % (100 + i // 256, i % 256, i))
                    batch.write("address add 10.%d.%d.2/24 dev sy%d\n" % (150 + i // 256, i % 256, i))
                batch.flush()
                sh("ip", "-batch", batch.name)
        out = subprocess.run([PROGRAM, "scale", "100000"], check=True, capture_output=True, text=True).stdout
        out += subprocess.run([PROGRAM, "scale", "100000", "shared"], check=True, capture_output=True,
                              text=True).stdout
        for line in out.splitlines():
            fields = line.split()
            if fields[0] == "ROW":
                _, section, variant, count, ns, rate, ratio, _sent, _received = fields
                what = "adds" if section == "scale-add" else "removes"
                kind = "shared" if variant.endswith("shared") else "own   "
                lines.append("%3d extra interfaces, %s sockets, %6s publications: %7s %s/s  %5s× a plain socket+connect"
                             % (extra, kind, count, rate, what, ratio if what == "adds" else "-"))
            elif fields[0] == "MEMORY" and extra == 0:
                memory.append("%s publications: %s bytes each (resident, user space)" % (fields[1], fields[2]))
            elif fields[0] == "LIMIT" and extra == 0:
                lines.append("capped at %s publications: the open-file hard limit here is %s"
                             % (fields[1], fields[-1]))
    table("Adding and removing publications (each resolving an interface address)", "", lines + memory)


def callgrind():
    n = 20000
    counts = {}
    for function in ("bench_plain_send_loop", "bench_mctx_send_loop"):
        with tempfile.NamedTemporaryFile(suffix=".callgrind") as out:
            subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out.name,
                            "--toggle-collect=" + function, PROGRAM, "callgrind", str(n)],
                           check=True, capture_output=True)
            totals = next(line for line in open(out.name) if line.startswith("totals:") or line.startswith("summary:"))
            counts[function] = int(totals.split()[1]) / n
    table("User-space instructions per 32-byte send (callgrind, %d sends)" % n, "", [
        "plain send() loop: %.0f" % counts["bench_plain_send_loop"],
        "mctx_publication_send(): %.0f (%.2f×)" % (counts["bench_mctx_send_loop"],
                                                  counts["bench_mctx_send_loop"] / counts["bench_plain_send_loop"]),
    ])


if __name__ == "__main__":
    build()
    print("mctx throughput, %d datagrams per round; %s" % (SENDS, time.strftime("%Y-%m-%d")))
    c_paths()
    python_paths()
    raw_paths()
    scale()
    callgrind()
