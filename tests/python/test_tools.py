#!/usr/bin/python3
# The command-line tools against real receivers, and their refusals of bad
# arguments. Both senders share every test. Run by meson inside a private
# network namespace; the tools' paths come from the environment.
#
# SPDX-License-Identifier: BSD-2-Clause

import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import unittest

from mctxtest import (assert_private_namespace, ip, ipv4_receiver,
                      ipv6_ssm_receiver, receive)



# Paced runs end with a line of departure errors, where the build counts.
METRICS = os.environ.get("MCTX_HAS_METRICS") == "1"
DEPARTURES = (r"departure error: p50 [\d.]+ µs, p99 [\d.]+ µs, max [\d.]+ µs \(\d+ measured, \d+ missing\)\n"
              if METRICS else "")

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def icmpv4_frag_needed(source, destination, mtu):
    """ICMPv4 Fragmentation Needed, quoting an IPv4 header and 8 bytes."""
    quoted = bytes([0x45, 0, 0, 48]) + bytes(4) + bytes([64, 17, 0, 0]) + socket.inet_aton(destination) + \
        socket.inet_aton("203.0.113.5") + bytes(8)
    icmp = bytes([3, 4, 0, 0, 0, 0]) + mtu.to_bytes(2, "big") + quoted
    icmp = icmp[:2] + checksum(icmp).to_bytes(2, "big") + icmp[4:]
    header = bytes([0x45, 0xc0]) + (20 + len(icmp)).to_bytes(2, "big") + bytes([0x4d, 0x43, 0, 0, 64, 1, 0, 0]) + \
        socket.inet_aton(source) + socket.inet_aton(destination)
    header = header[:10] + checksum(header).to_bytes(2, "big") + header[12:]
    return header + icmp


def icmpv6_packet_too_big(source, destination, mtu):
    """ICMPv6 Packet Too Big with a traffic class and flow label."""
    src, dst = socket.inet_pton(socket.AF_INET6, source), socket.inet_pton(socket.AF_INET6, destination)
    icmp = bytes([2, 0, 0, 0]) + mtu.to_bytes(4, "big") + bytes(48)
    pseudo = src + dst + len(icmp).to_bytes(4, "big") + bytes([0, 0, 0, 58])
    icmp = icmp[:2] + checksum(pseudo + icmp).to_bytes(2, "big") + icmp[4:]
    return bytes([0x6e, 0x05, 0x43, 0x21]) + len(icmp).to_bytes(2, "big") + bytes([58, 255]) + src + dst + icmp


def drain(receiver):
    count = 0
    while receive(receiver, 0.3) is not None:
        count += 1
    return count


class SenderTests:
    """The tests every sender tool passes; TOOL and NAME come from subclasses."""

    TOOL = None
    NAME = None

    def run_tool(self, *args):
        return subprocess.run([self.TOOL, *args], capture_output=True, text=True, timeout=30)

    def cpu_seconds(self, *args):
        process = subprocess.Popen([self.TOOL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        self.assertEqual(process.returncode, 0, process.stderr.read())
        process.stdout.close()
        process.stderr.close()
        return usage.ru_utime + usage.ru_stime

    def test_one_byte_is_singular(self):
        receiver, port = ipv4_receiver("239.1.2.3")
        result = self.run_tool("239.1.2.3", str(port), "x", "--interface", "127.0.0.1", "--bind", "127.0.0.1:43009")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines()[0], "sent 1 byte to 239.1.2.3:%d from 127.0.0.1:43009 (1/1)" % port)
        self.assertEqual(receive(receiver)[0], b"x")
        receiver.close()

    def test_spin(self):
        receiver, port = ipv4_receiver("239.1.2.3")
        receiver.setsockopt(socket.SOL_SOCKET, 33, 4 << 20)  # SO_RCVBUFFORCE: room for a run
        common = ("239.1.2.3", str(port), "spun", "1000", "--rate", "1000", "--interface", "127.0.0.1", "--quiet")
        # 1 s at 1000/s: spinning 600 µs of each 1 ms keeps the sender
        # busy most of the run (0.6 s); never spinning leaves it idle. The
        # difference, not a ratio: a sanitizer's start-up costs both alike;
        # and a machine busy with other tests may take half the spin away.
        spinning = self.cpu_seconds(*common, "--spin", "600")
        self.assertEqual(drain(receiver), 1000)
        sleeping = self.cpu_seconds(*common, "--spin", "0")
        self.assertEqual(drain(receiver), 1000)
        self.assertGreater(spinning - sleeping, 0.12, (spinning, sleeping))
        self.assertGreater(spinning, 2 * sleeping, (spinning, sleeping))
        receiver.close()

    def test_gso(self):
        def udp_sends():
            with open("/proc/net/snmp") as snmp:
                names, values = (line.split() for line in snmp if line.startswith("Udp:"))
            return int(values[names.index("OutDatagrams")])

        receiver, port = ipv4_receiver("239.1.2.3")
        receiver.setsockopt(socket.SOL_SOCKET, 33, 4 << 20)  # SO_RCVBUFFORCE: room for a run
        counts = {}
        for extra in ((), ("--gso",)):
            before = udp_sends()
            result = self.run_tool("239.1.2.3", str(port), "--size", "100", "300", "0",
                                   "--interface", "127.0.0.1", "--quiet", *extra)
            self.assertEqual(result.returncode, 0, result.stderr)
            counts[extra] = udp_sends() - before
            sequences = [struct.unpack("!Q", receive(receiver)[0][12:20])[0] for _ in range(300)]
            self.assertEqual(sequences, list(range(300)))
        # Unpaced, what is due goes 64 at a time: in one UDP send each
        # with --gso, one per datagram without.
        self.assertEqual(counts[()], 300)
        self.assertLessEqual(counts[("--gso",)], 30)
        receiver.close()

    def test_ipv4_send(self):
        receiver, port = ipv4_receiver("239.1.2.3")
        result = self.run_tool("239.1.2.3", str(port), "hello", "3", "10",
                     "--interface", "127.0.0.1", "--ttl", "6", "--source-port", "43001")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 3)
        self.assertIn("sent 5 bytes to 239.1.2.3:%d from 127.0.0.1:43001 (3/3)" % port, lines[2])
        for _ in range(3):
            data, ttl, sender = receive(receiver)
            self.assertEqual((data, ttl, sender), (b"hello", 6, ("127.0.0.1", 43001)))
        receiver.close()

    def test_bind_and_quiet(self):
        receiver, port = ipv4_receiver("239.1.2.3")
        result = self.run_tool("239.1.2.3", str(port), "quiet", "2", "0",
                     "--bind", "127.0.0.1:43002", "--interface-name", "lo", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "sent 2 packets, 10 payload bytes to 239.1.2.3:%d; pacing: unlimited\n" % port)
        self.assertEqual(receive(receiver)[2], ("127.0.0.1", 43002))
        self.assertEqual(receive(receiver)[0], b"quiet")
        receiver.close()

    def test_seed_ipv6_localhost_form(self):
        # Linux routes ff31:: through lo only with the multicast flag and a
        # route; it then sends, though nothing on lo can receive it.
        ip("link", "set", "lo", "multicast", "on")
        ip("-6", "route", "replace", "multicast", "ff00::/8", "dev", "lo", "table", "local")
        result = self.run_tool("ff31::8000:1234", "5000", "hello-v6", "--source", "::1", "--interface", "::1")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("to [ff31::8000:1234]:5000 from [::1]:", result.stdout)

    def test_ipv6_ssm_over_veth(self):
        ip("link", "add", "toa", "type", "veth", "peer", "name", "tob")
        ip("link", "set", "toa", "up")
        ip("link", "set", "tob", "up")
        ip("address", "add", "fd00::1/64", "dev", "toa", "nodad")
        try:
            receiver, port = ipv6_ssm_receiver("ff31::8000:1234", socket.if_nametoindex("toa"), "fd00::1")
            result = self.run_tool("ff31::8000:1234", str(port), "hello-v6", "--source", "fd00::1", "--ttl", "3")
            self.assertEqual(result.returncode, 0, result.stderr)
            data, _ttl, sender = receive(receiver)
            self.assertEqual((data, sender[0]), (b"hello-v6", "fd00::1"))
            receiver.close()
        finally:
            ip("link", "del", "toa")

    def test_bad_arguments(self):
        cases = {
            "not multicast": (["10.1.2.3", "5000", "x"], "is not a multicast group"),
            "port 0": (["239.1.2.3", "0", "x"], "Invalid port “0”: expected a number from 1 to 65535"),
            "port 70000": (["239.1.2.3", "70000", "x"], "Invalid port “70000”: expected a number from 1 to 65535"),
            "port text": (["239.1.2.3", "http", "x"], "Invalid port “http”: expected a number from 1 to 65535"),
            "group text": (["nowhere", "5000", "x"], "Invalid group “nowhere”: not an IP address"),
            "unknown flag": (["239.1.2.3", "5000", "x", "--frobnicate"], "Unknown option --frobnicate"),
            "missing payload": (["239.1.2.3", "5000"], "Missing arguments"),
            "too many": (["239.1.2.3", "5000", "x", "1", "1", "extra"], "Too many arguments"),
            "family mismatch": (["ff3e::1", "5000", "x", "--source", "192.0.2.1"],
                                "not of the same address family"),
            "interface family": (["239.1.2.3", "5000", "x", "--interface", "::1"],
                                 "not of the same address family"),
            "bad source": (["239.1.2.3", "5000", "x", "--source", "nope"], "Invalid source address"),
            "bad bind": (["239.1.2.3", "5000", "x", "--bind", "127.0.0.1"], "Invalid bind address"),
            "bind and source": (["239.1.2.3", "5000", "x", "--bind", "127.0.0.1:1", "--source", "127.0.0.1"],
                                "--bind cannot be combined"),
            "ttl": (["239.1.2.3", "5000", "x", "--ttl", "256"], "Invalid --ttl “256”"),
            "ttl -1": (["239.1.2.3", "5000", "x", "--ttl", "-1"], "Invalid --ttl “-1”"),
            "ttl=-1": (["239.1.2.3", "5000", "x", "--ttl=-1"], "Invalid --ttl “-1”"),
            "source port -1": (["239.1.2.3", "5000", "x", "--source-port", "-1"], "Invalid --source-port “-1”"),
            "index -1": (["239.1.2.3", "5000", "x", "--interface-index", "-1"], "Invalid --interface-index “-1”"),
            "rate 0": (["239.1.2.3", "5000", "x", "--rate", "0"], "Invalid --rate “0”"),
            "rate tiny": (["239.1.2.3", "5000", "x", "--rate", "1e-300"], "Invalid --rate “1e-300”"),
            "rate huge": (["239.1.2.3", "5000", "x", "--rate", "1e300"], "Invalid --rate “1e300”"),
            "rate nan": (["239.1.2.3", "5000", "x", "--rate", "nan"], "Invalid --rate “nan”"),
            "negative port": (["239.1.2.3", "-5", "x"], "Invalid port “-5”: it cannot be negative"),
            "negative count": (["239.1.2.3", "5000", "x", "-3"], "Invalid count “-3”: it cannot be negative"),
            "negative interval": (["239.1.2.3", "5000", "x", "3", "-10"],
                                  "Invalid interval “-10”: it cannot be negative"),
            "dash payload": (["239.1.2.3", "5000", "-5"], "goes after “--”"),
            "rate": (["239.1.2.3", "5000", "x", "--rate", "-5"], "Invalid --rate “-5”"),
            "rate text": (["239.1.2.3", "5000", "x", "--rate", "fast"], "--rate"),
            "index 0": (["239.1.2.3", "5000", "x", "--interface-index", "0"], "Invalid --interface-index “0”"),
            "count": (["239.1.2.3", "5000", "x", "many"], "Invalid count"),
            "scope without interface": (["ff32::1", "5000", "x"], "interface-local or link-local"),
            "unknown interface": (["239.1.2.3", "5000", "x", "--interface-name", "nosuch0"],
                                  "No network interface is named"),
        }
        for name, (args, message) in cases.items():
            with self.subTest(name):
                result = self.run_tool(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, "")
                lines = result.stderr.splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertTrue(lines[0].startswith(self.NAME + ": "), lines[0])
                self.assertIn(message, lines[0])

    def test_runtime_failure(self):
        result = self.run_tool("239.1.2.3", "5000", "x", "--source", "192.0.2.1", "--interface", "127.0.0.1")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr,
                         self.NAME + ": Could not bind to 192.0.2.1:0: Cannot assign requested address\n")

    def test_help(self):
        result = self.run_tool("--help")
        self.assertEqual(result.returncode, 0)
        for option in ("--source", "--source-port", "--bind", "--interface", "--interface-index",
                       "--interface-name", "--ttl", "--no-loopback", "--quiet", "--rate", "--json"):
            self.assertIn(option, result.stdout)

    def test_json(self):
        receiver, port = ipv4_receiver("239.1.2.3")
        result = self.run_tool("239.1.2.3", str(port), "json", "3", "5", "--interface", "127.0.0.1",
                               "--bind", "127.0.0.1:43005", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual(len(rows), 4)
        for seq, row in enumerate(rows[:3], 1):
            self.assertEqual(row["type"], "packet")
            self.assertEqual(row["seq"], seq)
            self.assertEqual(row["bytes"], 4)
            self.assertEqual(row["publication"], 1)
            self.assertEqual(row["destination"], "239.1.2.3:%d" % port)
            self.assertEqual(row["source"], "127.0.0.1:43005")
            self.assertIsInstance(row["ts"], float)
        summary = rows[3]
        self.assertEqual(summary["type"], "summary")
        self.assertEqual((summary["packets"], summary["bytes"], summary["interrupted"]), (3, 12, False))
        self.assertGreater(summary["packets_per_sec"], 0)
        self.assertEqual(sorted(summary["cpu_secs"]), ["system", "user"])
        self.assertEqual(drain(receiver), 3)
        receiver.close()

    def test_json_quiet_prints_only_the_summary(self):
        receiver, port = ipv4_receiver("239.1.2.3")
        receiver.setsockopt(socket.SOL_SOCKET, 33, 4 << 20)   # SO_RCVBUFFORCE: room for the whole run
        result = self.run_tool("239.1.2.3", str(port), "quiet", "2000", "0", "--interface", "127.0.0.1",
                               "--json", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual([row["type"] for row in rows], ["summary"])
        self.assertEqual((rows[0]["packets"], rows[0]["bytes"]), (2000, 10000))
        # 2000 sends take CPU time. The kernel splits it between user and
        # system by its clock ticks, so only the total is sure to show it.
        cpu = rows[0]["cpu_secs"]
        self.assertGreaterEqual(cpu["user"], 0)
        self.assertGreaterEqual(cpu["system"], 0)
        self.assertGreater(cpu["user"] + cpu["system"], 0)
        self.assertLess(cpu["user"] + cpu["system"], 30)
        self.assertEqual(drain(receiver), 2000)
        receiver.close()

    def test_rate_exact_count(self):
        receiver, port = ipv4_receiver("239.1.2.3")
        receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        started = time.monotonic()
        result = self.run_tool("239.1.2.3", str(port), "paced", "300", "--rate", "3000",
                               "--interface", "127.0.0.1", "--quiet")
        elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 0, result.stderr)
        # 3000/s is one datagram per 333 µs: a wake-up each.
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], "sent 300 packets, 1500 payload bytes to 239.1.2.3:%d; pacing: per-datagram" % port)
        self.assertEqual(len(lines), 1 + METRICS, result.stdout)
        if METRICS:
            self.assertRegex(lines[1], r"^departure error: p50 [\d.]+ µs, p99 [\d.]+ µs, max [\d.]+ µs \(300 measured, 0 missing\)$")
        self.assertEqual(drain(receiver), 300)
        # Paced, not sent at once: 299 intervals of 1/3000 s lie between the
        # first and the last packet.
        self.assertGreaterEqual(elapsed, 299 / 3000)
        receiver.close()

    def test_payload_after_double_dash(self):
        receiver, port = ipv4_receiver("239.1.2.3")
        result = self.run_tool("--interface", "127.0.0.1", "--quiet", "--", "239.1.2.3", str(port), "-dash")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(receive(receiver)[0], b"-dash")
        receiver.close()

    def test_link_flap_is_counted_and_survived(self):
        # 60 packets 20 ms apart; the link is down for 0.5 s in the middle.
        ip("link", "add", "fla", "type", "veth", "peer", "name", "flb")
        try:
            ip("link", "set", "fla", "up")
            ip("link", "set", "flb", "up")
            ip("address", "add", "198.51.100.1/24", "dev", "fla")
            process = subprocess.Popen([self.TOOL, "239.1.2.3", "5000", "flap", "60", "20",
                                        "--interface", "198.51.100.1", "--quiet"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(0.3)
            ip("link", "set", "fla", "down")
            time.sleep(0.5)
            ip("link", "set", "fla", "up")
            out, err = process.communicate(timeout=20)
        finally:
            ip("link", "del", "fla")
        self.assertEqual(process.returncode, 1, err)
        match = re.match(r"^sent (\d+) packets, \d+ payload bytes to 239\.1\.2\.3:5000; pacing: \S+\n(\d+) sends? failed\n"
                         r"%s$" % DEPARTURES, out)
        self.assertIsNotNone(match, out)
        sent, failed = int(match.group(1)), int(match.group(2))
        self.assertGreater(failed, 5)
        self.assertGreater(sent, 20)
        self.assertEqual(sent + failed, 60)

    def test_interrupt_prints_summary(self):
        for signum in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(signal=signum):
                self.check_interrupt(signum)

    def check_interrupt(self, signum):
        receiver, port = ipv4_receiver("239.1.2.3")
        process = subprocess.Popen([self.TOOL, "239.1.2.3", str(port), "tick", "0", "20",
                                    "--interface", "127.0.0.1", "--quiet"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertIsNotNone(receive(receiver))  # running
        time.sleep(0.1)
        process.send_signal(signum)
        out, err = process.communicate(timeout=10)
        # As a shell reports a run a signal ended.
        self.assertEqual(process.returncode, 128 + signum, err)
        self.assertRegex(out, r"^interrupted: sent \d+ packets?, \d+ payload bytes to 239\.1\.2\.3:%d; pacing: per-datagram\n"
                              r"%s$" % (port, DEPARTURES))
        sent = int(out.split()[2])
        self.assertEqual(drain(receiver) + 1, sent)
        receiver.close()

    def test_progress_on_terminal_only(self):
        args = [self.TOOL, "239.1.2.3", "5000", "x", "600", "--rate", "2000",
                "--interface", "127.0.0.1", "--quiet"]
        # On a pipe: no progress line.
        piped = subprocess.run(args, capture_output=True, text=True, timeout=30)
        self.assertEqual(piped.stderr, "")
        # On a terminal (script gives the tool a pty): a live line.
        tty = subprocess.run(["script", "-qec", " ".join(args), "/dev/null"],
                             capture_output=True, timeout=30)
        self.assertEqual(tty.returncode, 0)
        screen = tty.stdout.decode()
        self.assertRegex(screen, r"\r\x1b\[K\d+ packets .* pkt/s .* s  ETA [0-9.]+ s")
        self.assertIn("sent 600 packets, 600 payload bytes to 239.1.2.3:5000", screen)


@unittest.skipUnless(os.environ.get("MCTX_HAS_METRICS") == "1", "built without metrics")
class MetricsFileTests:
    """MCTX_METRICS_* in both tools; the file parsed back field by field."""

    def run_with(self, env, *args):
        return subprocess.run([self.TOOL, *args], capture_output=True, text=True, timeout=30,
                              env={**os.environ, **env})

    def read_jsonl(self, path):
        with open(path) as jsonl:
            text = jsonl.read()
        self.assertTrue(text.endswith("\n"))
        return [json.loads(line) for line in text.splitlines()]

    def test_gso_above_mtu_counts_agree(self):
        # Segments above the route's MTU are refused by the kernel; the
        # publication sends them as a batch instead (fragmented by IP),
        # and neither the summary nor the metrics count an error.
        ip("link", "set", "lo", "mtu", "1300")
        try:
            path = os.path.join(tempfile.mkdtemp(), "network.jsonl")
            receiver, port = ipv4_receiver("239.1.2.3")
            receiver.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE: room for a run
            result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path},
                                   "239.1.2.3", str(port), "--size", "1400", "1000", "0", "--gso",
                                   "--interface", "127.0.0.1", "--json")
            self.assertEqual(result.returncode, 0, result.stderr)
            summary = json.loads(result.stdout.splitlines()[-1])
            self.assertEqual((summary["packets"], summary["errors"]), (1000, 0))
            last = self.read_jsonl(path)[-1]
            self.assertEqual((last["packets_sent_total"], last["send_calls_total"], last["send_errors_total"]),
                             (1000, 1000, 0))
            self.assertEqual(drain(receiver), 1000)
            receiver.close()
        finally:
            ip("link", "set", "lo", "mtu", "65536")

    def test_summary_file(self):
        folder = tempfile.mkdtemp()
        path = os.path.join(folder, "results", "sender-0001", "network.jsonl")
        receiver, port = ipv4_receiver("239.1.2.3")
        started = time.time()
        result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path,
                                "MCTX_METRICS_SUMMARY_SECS": "0.1",
                                "MCTX_METRICS_FLAGS_JSON": '{"experiment":"baseline","role":"spoofed"}'},
                               "239.1.2.3", str(port), "metrics", "12", "25",
                               "--interface", "127.0.0.1", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        rows = self.read_jsonl(path)

        header = rows[0]
        self.assertEqual(list(header), ["schema", "artifact_type", "node_id", "producer",
                                        "created_at", "flags"])
        self.assertEqual(header["schema"], "heimdall-jsonl-v1")
        self.assertEqual(header["artifact_type"], "mctx-network")
        self.assertEqual(header["node_id"], "sender-0001")
        self.assertEqual(header["producer"], "mctx/" + self.NAME)
        self.assertIsInstance(header["created_at"], float)
        self.assertLessEqual(abs(header["created_at"] - started), 5)
        # Upstream mctx-core's keys and value forms, plus local_address.
        self.assertEqual(header["flags"], {
            "transport": "udp-multicast", "role": "sender",
            "multicast_source": "default", "multicast_interface": "127.0.0.1",
            "multicast_group": "239.1.2.3", "multicast_port": port,
            "publish_interval_ms": 25, "chunk_payload_bytes": 7,
            "pacing": "fixed-interval", "pacing_mode": "per-datagram", "batch_send_enabled": True,
            "loopback_enabled": True, "ttl_or_hops": 1, "local_address": "127.0.0.1",
            "experiment": "baseline"})

        samples = rows[1:]
        # 12 packets 25 ms apart take 275 ms: periodic samples, then a final one.
        self.assertGreaterEqual(len(samples), 2)
        fields = ["ts", "interval_secs", "active_publications"]
        for counter in ("publications_added", "publications_removed", "send_calls",
                        "packets_sent", "bytes_sent", "send_errors"):
            fields += [counter + "_total", counter + "_delta"]
        fields += ["send_calls_per_sec", "packets_per_sec", "bytes_per_sec", "send_errors_per_sec"]
        for counter in ("unreachable_errors", "message_size_errors", "local_errors",
                        "departures_measured", "departures_missing"):
            fields += [counter + "_total", counter + "_delta"]
        previous_packets = 0
        previous_ts = header["created_at"]
        for sample in samples:
            # A paced run measures its departures: their errors, when some were.
            self.assertEqual(list(sample), fields + (["departure_error_us"] if sample["departures_measured_delta"] else []))
            if sample["departures_measured_delta"]:
                self.assertEqual(list(sample["departure_error_us"]), ["p50", "p90", "p99", "p999", "max"])
            self.assertGreaterEqual(sample["ts"], previous_ts)
            self.assertGreater(sample["interval_secs"], 0)
            self.assertEqual(sample["active_publications"], 1)
            self.assertEqual(sample["publications_added_total"], 1)
            self.assertEqual(sample["packets_sent_total"] - previous_packets, sample["packets_sent_delta"])
            self.assertEqual(sample["bytes_sent_total"], 7 * sample["packets_sent_total"])
            self.assertEqual(sample["send_calls_total"], sample["packets_sent_total"])
            self.assertEqual(sample["send_errors_total"], 0)
            self.assertAlmostEqual(sample["packets_per_sec"],
                                   sample["packets_sent_delta"] / sample["interval_secs"], places=6)
            previous_packets = sample["packets_sent_total"]
            previous_ts = sample["ts"]
        self.assertEqual(samples[-1]["packets_sent_total"], 12)
        self.assertEqual(samples[-1]["bytes_sent_total"], 84)
        self.assertEqual(sum(sample["packets_sent_delta"] for sample in samples), 12)
        receiver.close()

        # A second run of the same identity appends samples, not a second
        # header.
        result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path,
                                "MCTX_METRICS_FLAGS_JSON": '{"experiment":"baseline"}'},
                               "239.1.2.3", str(port), "metrics", "1", "25",
                               "--interface", "127.0.0.1", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        again = self.read_jsonl(path)
        self.assertEqual(len(again), len(rows) + 1)
        self.assertNotIn("schema", again[-1])
        self.assertEqual(again[-1]["packets_sent_total"], 1)

        # A run of another identity (other flags) is refused, the file left
        # as it was.
        with open(path) as jsonl:
            before = jsonl.read()
        result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path}, "239.1.2.3", str(port), "other",
                               "--interface", "127.0.0.1", "--quiet")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("belongs to another run", result.stderr)
        with open(path) as jsonl:
            self.assertEqual(jsonl.read(), before)

    def test_flags_json_bounded(self):
        path = os.path.join(tempfile.mkdtemp(), "deep.jsonl")
        for flags, message in (("[" * 60000 + "]" * 60000, "MCTX_METRICS_FLAGS_JSON"),
                               ('{"a":' * 40 + "1" + "}" * 40, "nest more than 32 levels deep"),
                               ("[" * 33 + "]" * 33, "MCTX_METRICS_FLAGS_JSON"),
                               ('{"big":"%s"}' % ("x" * 65200), "at most 65536 fit")):
            with self.subTest(flags=flags[:20]):
                result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path, "MCTX_METRICS_FLAGS_JSON": flags},
                                       "239.1.2.3", "5000", "x", "--interface", "127.0.0.1", "--quiet")
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(message, result.stderr)
                self.assertEqual(len(result.stderr.splitlines()), 1)
                self.assertFalse(os.path.exists(path))

    def test_not_a_regular_file(self):
        folder = tempfile.mkdtemp()
        target = os.path.join(folder, "target")
        link = os.path.join(folder, "link.jsonl")
        fifo = os.path.join(folder, "fifo.jsonl")
        os.symlink(target, link)
        os.mkfifo(fifo)
        for path, message in ((link, "is a symbolic link"), (fifo, "is not a regular file")):
            with self.subTest(path=path):
                result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path},
                                       "239.1.2.3", "5000", "x", "--interface", "127.0.0.1", "--quiet")
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(message, result.stderr)
        self.assertFalse(os.path.exists(target))

    def test_bad_existing_header(self):
        path = os.path.join(tempfile.mkdtemp(), "odd.jsonl")
        for header in ('{"schema":["heimdall-jsonl-v1"],"artifact_type":"x","node_id":"n","producer":"p",'
                       '"created_at":1,"flags":{}}',
                       '{"schema":"heimdall-jsonl-v1","artifact_type":1,"node_id":{},"producer":[],'
                       '"created_at":"soon","flags":[]}'):
            with self.subTest(header=header[:30]):
                with open(path, "w") as jsonl:
                    jsonl.write(header + "\n")
                result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path, "G_DEBUG": "fatal-criticals"},
                                       "239.1.2.3", "5000", "x", "--interface", "127.0.0.1", "--quiet")
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn("does not start with a heimdall-jsonl-v1 header", result.stderr)

    def test_torn_line_repaired(self):
        path = os.path.join(tempfile.mkdtemp(), "torn.jsonl")
        result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path}, "239.1.2.3", "5000", "x",
                               "--interface", "127.0.0.1", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(path, "a") as jsonl:
            jsonl.write('{"ts":17000000')  # a run that died mid-line
        result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path}, "239.1.2.3", "5000", "x",
                               "--interface", "127.0.0.1", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = self.read_jsonl(path)
        self.assertEqual(len(rows), 3)
        self.assertEqual([row.get("packets_sent_total") for row in rows[1:]], [1, 1])

    def test_write_failure_keeps_sending(self):
        # A file size limit makes the sample writes fail part-way, as a full
        # disk would: the sending goes on, no torn line stays, and the exit
        # status says the metrics are short.
        path = os.path.join(tempfile.mkdtemp(), "full.jsonl")
        receiver, port = ipv4_receiver("239.1.2.3")

        def limit():
            import resource
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))

        result = subprocess.run([self.TOOL, "239.1.2.3", str(port), "x", "20", "10",
                                 "--interface", "127.0.0.1", "--quiet"],
                                capture_output=True, text=True, timeout=30, preexec_fn=limit,
                                env={**os.environ, "MCTX_METRICS_SUMMARY_FILE": path,
                                     "MCTX_METRICS_SUMMARY_SECS": "0.02"})
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("Metrics sample not written (sending goes on)", result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertEqual(drain(receiver), 20)
        rows = self.read_jsonl(path)
        self.assertGreaterEqual(len(rows), 1)
        receiver.close()

    def test_flags_forms(self):
        path = os.path.join(tempfile.mkdtemp(), "forms.jsonl")
        result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path}, "239.1.2.3", "5000", "x", "2", "0",
                               "--source", "127.0.0.1", "--no-loopback", "--ttl", "9", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        flags = self.read_jsonl(path)[0]["flags"]
        self.assertEqual((flags["multicast_source"], flags["multicast_interface"], flags["pacing"],
                          flags["pacing_mode"], flags["loopback_enabled"], flags["ttl_or_hops"]),
                         ("127.0.0.1", "default", "none", "unlimited", False, 9))

    def test_node_id_from_environment(self):
        path = os.path.join(tempfile.mkdtemp(), "n.jsonl")
        result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path, "MCTX_METRICS_NODE_ID": "sender-42"},
                               "239.1.2.3", "5000", "x", "--interface", "127.0.0.1", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.read_jsonl(path)[0]["node_id"], "sender-42")

    def test_terminal_summaries(self):
        result = self.run_with({"MCTX_METRICS_SUMMARY_SECS": "0.1"}, "239.1.2.3", "5000", "x", "8", "30",
                               "--interface", "127.0.0.1", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stderr.splitlines()
        self.assertGreaterEqual(len(lines), 2)
        for line in lines:
            self.assertRegex(line, r"^metrics: \d+ packets \(\+\d+\), .* pkt/s, .*, 0 errors \(\+0\) over [0-9.]+ s$")
        self.assertTrue(lines[-1].startswith("metrics: 8 packets"))

    def test_bad_environment(self):
        path = os.path.join(tempfile.mkdtemp(), "never.jsonl")
        for env, message in (
                ({"MCTX_METRICS_FLAGS_JSON": "{not json"}, "are not valid JSON"),
                ({"MCTX_METRICS_FLAGS_JSON": "[1, 2]"}, "must be a JSON object"),
                ({"MCTX_METRICS_FLAGS_JSON": "\"text\""}, "must be a JSON object"),
                ({"MCTX_METRICS_SUMMARY_SECS": "soon"}, "Invalid MCTX_METRICS_SUMMARY_SECS"),
                ({"MCTX_METRICS_SUMMARY_SECS": "-1"}, "Invalid MCTX_METRICS_SUMMARY_SECS")):
            with self.subTest(env=env):
                result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path, **env},
                                       "239.1.2.3", "5000", "x", "--interface", "127.0.0.1")
                self.assertEqual(result.returncode, 2)
                self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
                self.assertIn(message, result.stderr)
                self.assertFalse(os.path.exists(path))

    def test_headerless_file_refused(self):
        path = os.path.join(tempfile.mkdtemp(), "other.jsonl")
        with open(path, "w") as other:
            other.write("some,csv,data\n")
        result = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path}, "239.1.2.3", "5000", "x",
                               "--interface", "127.0.0.1")
        self.assertEqual(result.returncode, 2)
        self.assertIn("does not start with a heimdall-jsonl-v1 header", result.stderr)
        with open(path) as other:
            self.assertEqual(other.read(), "some,csv,data\n")

    def test_second_process_locked_out(self):
        path = os.path.join(tempfile.mkdtemp(), "shared.jsonl")
        first = subprocess.Popen([self.TOOL, "239.1.2.3", "5000", "x", "0", "50",
                                  "--interface", "127.0.0.1", "--quiet"],
                                 env={**os.environ, "MCTX_METRICS_SUMMARY_FILE": path},
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 10
        while not os.path.exists(path) or os.path.getsize(path) == 0:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)
        second = self.run_with({"MCTX_METRICS_SUMMARY_FILE": path}, "239.1.2.3", "5000", "x",
                               "--interface", "127.0.0.1")
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=10)
        self.assertEqual(second.returncode, 2)
        self.assertIn("is locked by another metrics writer", second.stderr)
        self.assertEqual(first.returncode, 128 + signal.SIGINT)

    def test_interrupt_counts_match_metrics(self):
        # Back to back sends, interrupted: the summary counts exactly what
        # the metrics counted, never one short.
        for attempt in range(5):
            path = os.path.join(tempfile.mkdtemp(), "interrupted.jsonl")
            process = subprocess.Popen([self.TOOL, "239.1.2.3", "5000", "x", "0", "0",
                                        "--interface", "127.0.0.1", "--quiet"],
                                       env={**os.environ, "MCTX_METRICS_SUMMARY_FILE": path},
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(0.2 + attempt * 0.05)
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=10)
            self.assertEqual(process.returncode, 128 + signal.SIGINT, err)
            summary = int(re.match(r"^interrupted: sent (\d+) packets", out).group(1))
            samples = self.read_jsonl(path)[1:]
            self.assertEqual(samples[-1]["packets_sent_total"], summary)

    def test_bad_period(self):
        for secs in ("0.0005", "1e-9", "4294968", "nan", "inf", "0.0000015", "soon"):
            with self.subTest(secs=secs):
                result = self.run_with({"MCTX_METRICS_SUMMARY_SECS": secs}, "239.1.2.3", "5000", "x",
                                       "--interface", "127.0.0.1")
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn("Invalid MCTX_METRICS_SUMMARY_SECS", result.stderr)
        # 0, empty and surrounding blanks: no periodic samples, no error.
        for secs in ("0", "", " 0 ", " 0.25 "):
            with self.subTest(secs=secs):
                result = self.run_with({"MCTX_METRICS_SUMMARY_SECS": secs}, "239.1.2.3", "5000", "x",
                                       "--interface", "127.0.0.1", "--quiet")
                self.assertEqual(result.returncode, 0, result.stderr)


@unittest.skipUnless(os.environ.get("MCTX_RAW_SEND"), "built without raw transmit")
class MctxRawSendTest(unittest.TestCase):
    """mctx-raw-send over a veth pair in the test's namespace: datagrams
    leave through rsa and arrive on rsb, where the receivers are joined."""

    TOOL = os.environ.get("MCTX_RAW_SEND")

    @classmethod
    def setUpClass(cls):
        ip("link", "add", "rsa", "type", "veth", "peer", "name", "rsb")
        ip("link", "set", "rsa", "up")
        ip("link", "set", "rsb", "up")
        ip("address", "add", "192.0.2.1/24", "dev", "rsa")
        ip("address", "add", "192.0.2.2/24", "dev", "rsb")
        ip("address", "add", "fd00:5::1/64", "dev", "rsa", "nodad")
        ip("address", "add", "fd00:5::2/64", "dev", "rsb", "nodad")

    @classmethod
    def tearDownClass(cls):
        ip("link", "del", "rsa")

    def run_tool(self, *args, prefix=()):
        return subprocess.run([*prefix, self.TOOL, *args], capture_output=True, text=True, timeout=30)

    def test_ipv4_foreign_source(self):
        receiver, port = ipv4_receiver("239.1.2.3", "192.0.2.2")
        result = self.run_tool("239.1.2.3", str(port), "raw v4", "2", "5", "--source", "198.51.100.7",
                               "--source-port", "4000", "--interface", "192.0.2.1", "--ttl", "6",
                               "--no-loopback")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("sent 34 bytes to 239.1.2.3:%d from 198.51.100.7:4000 (2/2)" % port, result.stdout)
        for _ in range(2):
            data, ttl, sender = receive(receiver)
            self.assertEqual((data, ttl, sender), (b"raw v4", 6, ("198.51.100.7", 4000)))
        receiver.close()

    def test_ipv6_foreign_source_json(self):
        receiver, port = ipv6_ssm_receiver("ff3e::8000:1234", socket.if_nametoindex("rsb"), "2001:db8:ffff::10")
        result = self.run_tool("ff3e::8000:1234", str(port), "raw v6", "--source", "2001:db8:ffff::10",
                               "--source-port", "4001", "--interface-name", "rsa", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual(rows[0]["source"], "[2001:db8:ffff::10]:4001")
        self.assertEqual(rows[0]["bytes"], 40 + 8 + 6)
        self.assertEqual(rows[1]["packets"], 1)
        data, _ttl, sender = receive(receiver)
        self.assertEqual((data, sender[0], sender[1]), (b"raw v6", "2001:db8:ffff::10", 4001))
        receiver.close()

    def test_source_defaults_to_egress(self):
        # (IPv6: an IPv4 host drops datagrams whose source is its own
        # address arriving from outside, and both ends are this host.)
        receiver, port = ipv6_ssm_receiver("ff3e::8000:1234", socket.if_nametoindex("rsb"), "fd00:5::1")
        result = self.run_tool("ff3e::8000:1234", str(port), "default", "--interface-name", "rsa")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("from [fd00:5::1]:", result.stdout)
        self.assertEqual(receive(receiver)[2][0], "fd00:5::1")
        receiver.close()

    # Control datagrams and unicast destinations go to hosts behind rsb,
    # known to rsa's neighbour tables, so that they cross the link.
    def far_host(self):
        # (/sys shows the host's namespace: ask ip.)
        link = subprocess.run(["ip", "-j", "link", "show", "rsb"], capture_output=True, text=True, check=True)
        mac = json.loads(link.stdout)[0]["address"]
        ip("neigh", "replace", "192.0.2.77", "lladdr", mac, "dev", "rsa")
        ip("-6", "neigh", "replace", "fd00:5::77", "lladdr", mac, "dev", "rsa")

    def capture(self):
        capture = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0003))
        capture.bind(("rsb", 0))
        capture.settimeout(2)
        return capture

    def assert_captured(self, capture, datagram, times=1):
        seen = 0
        deadline = time.monotonic() + 3
        while seen < times and time.monotonic() < deadline:
            try:
                data, address = capture.recvfrom(70000)
            except socket.timeout:
                break
            if address[2] != socket.PACKET_OUTGOING and data == datagram:
                seen += 1
        self.assertEqual(seen, times)

    def test_ip_datagram_icmpv4_from_file(self):
        self.far_host()
        datagram = icmpv4_frag_needed("192.0.2.1", "192.0.2.77", 1280)
        capture = self.capture()
        with tempfile.NamedTemporaryFile() as file:
            file.write(datagram)
            file.flush()
            result = self.run_tool("--ip-datagram", file.name, "2", "0", "--interface-name", "rsa", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual((rows[0]["destination"], rows[0]["source"], rows[0]["bytes"]),
                         ("192.0.2.77", "192.0.2.1", len(datagram)))
        self.assertEqual(rows[-1]["packets"], 2)
        self.assert_captured(capture, datagram, 2)
        capture.close()

    def test_ip_datagram_icmpv6_from_stdin(self):
        self.far_host()
        datagram = icmpv6_packet_too_big("fd00:5::1", "fd00:5::77", 1280)
        capture = self.capture()
        result = subprocess.run([self.TOOL, "--ip-datagram", "-", "--bind", "fd00:5::1", "--interface-name", "rsa"],
                                input=datagram, capture_output=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(b"to fd00:5::77 from fd00:5::1", result.stdout)
        self.assert_captured(capture, datagram)
        capture.close()

    def test_allow_any_destination(self):
        self.far_host()
        capture = self.capture()
        result = self.run_tool("192.0.2.77", "5000", "unicast", "--allow-any-destination",
                               "--interface-name", "rsa", "--source", "198.51.100.7", "--source-port", "4000")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("to 192.0.2.77:5000 from 198.51.100.7:4000", result.stdout)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            data, address = capture.recvfrom(70000)
            if address[2] != socket.PACKET_OUTGOING and data[9] == 17 and data[16:20] == bytes([192, 0, 2, 77]):
                self.assertEqual((data[12:16], data[28:]), (bytes([198, 51, 100, 7]), b"unicast"))
                break
        else:
            self.fail("the unicast datagram did not arrive")
        capture.close()

    def test_ip_datagram_bad_input(self):
        good = icmpv4_frag_needed("192.0.2.1", "192.0.2.77", 1280)
        bad_checksum = good[:10] + b"\0\0" + good[12:]
        with tempfile.TemporaryDirectory() as directory:
            def file(name, data):
                path = os.path.join(directory, name)
                with open(path, "wb") as out:
                    out.write(data)
                return path
            cases = {
                "missing file": ([os.path.join(directory, "nothing")], "No such file"),
                "empty file": ([file("empty", b"")], "does not hold an IPv4 or IPv6 datagram"),
                "checksum": ([file("checksum", bad_checksum)], "IPv4 header checksum"),
                "truncated": ([file("truncated", good[:30])], "total length field"),
                "too large": ([file("large", b"\x45" * 70000)], "the largest IP datagram"),
                "no interface": ([file("good", good), "--no-interface"], "explicit interface"),
                "source": ([file("good", good), "--source", "192.0.2.1"], "--source does not apply"),
                "ttl": ([file("good", good), "--ttl", "5"], "--ttl does not apply"),
                "too many": ([file("good", good), "1", "2", "3"], "Too many arguments: “3”"),
                "negative count": ([file("good", good), "-5"], "Invalid count “-5”"),
                "mismatch": ([file("good", good), "--interface", "192.0.2.1", "--interface-name", "lo"],
                             "but the publication egresses through lo"),
            }
            for name, (args, message) in cases.items():
                with self.subTest(name):
                    args = ["--ip-datagram", *args]
                    if "--no-interface" in args:
                        args.remove("--no-interface")
                    elif "--interface" not in args:
                        args += ["--interface-name", "rsa"]
                    result = self.run_tool(*args)
                    lines = result.stderr.splitlines()
                    self.assertEqual(len(lines), 1, result.stderr)
                    self.assertEqual(result.returncode, 2, result.stderr)
                    self.assertTrue(lines[0].startswith("mctx-raw-send: "), lines[0])
                    self.assertIn(message, lines[0])

    def test_stamped_raw_datagrams(self):
        # Each raw datagram is built with its own stamp: the receiver sees
        # the foreign source's stream whole and in order.
        receiver = subprocess.Popen([os.environ["MCTX_RECV"], "239.1.2.3", "5014", "--interface-name", "rsb",
                                     "--count", "20", "--idle-timeout", "3", "--json"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        result = self.run_tool("239.1.2.3", "5014", "20", "0", "--size", "80", "--source", "198.51.100.7",
                               "--source-port", "4000", "--interface", "192.0.2.1", "--no-loopback", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("sent 20 packets, 2160 datagram bytes", result.stdout)
        out, err = receiver.communicate(timeout=30)
        summary = json.loads(out.splitlines()[-1])
        self.assertEqual((summary["received"], summary["bytes"], summary["lost"], summary["reordered"]),
                         (20, 1600, 0, 0), err)
        self.assertEqual(summary["streams"][0]["sender"], "198.51.100.7:4000")

    def test_without_cap_net_raw(self):
        result = self.run_tool("239.1.2.3", "5000", "x", "--interface", "192.0.2.1",
                               prefix=("setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw"))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr, "mctx-raw-send: Permission denied: opening an IPv4 raw socket "
                                        "needs the CAP_NET_RAW privilege (or root)\n")

    def test_help_lists_only_what_applies(self):
        result = self.run_tool("--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        for option in ("--source", "--interface-name", "--ttl", "--ip-datagram", "--route-selected", "--rate"):
            self.assertIn(option, result.stdout)
        self.assertNotIn("--gso", result.stdout)

    def test_bad_arguments(self):
        cases = {
            "not multicast": (["10.1.2.3", "5000", "x"], "is not a multicast group"),
            "port 0": (["239.1.2.3", "0", "x"], "Invalid port “0”: expected a number from 1 to 65535"),
            "port 70000": (["239.1.2.3", "70000", "x"], "Invalid port “70000”: expected a number from 1 to 65535"),
            "unknown flag": (["239.1.2.3", "5000", "x", "--frobnicate"], "Unknown option"),
            "gso": (["239.1.2.3", "5000", "x", "--gso"], "--gso is for UDP sockets"),
            "missing payload": (["239.1.2.3", "5000"], "Missing arguments"),
            "source family": (["ff3e::1", "5000", "x", "--interface-name", "rsa", "--source", "192.0.2.1"],
                              "not of the same address family"),
            "interface family": (["239.1.2.3", "5000", "x", "--interface", "fd00:5::1"], "not of the same address family"),
            "ipv6 without interface": (["ff3e::1", "5000", "x"], "explicit interface"),
            "route and interface": (["ff3e::1", "5000", "x", "--route-selected", "--interface-name", "rsa"],
                                    "cannot be combined"),
            "not ethernet": (["ff3e::1", "5000", "x", "--interface-name", "lo"], "not Ethernet-like"),
            "no route": (["ff3e::1", "5000", "x", "--route-selected"], None),
            "bad bind": (["239.1.2.3", "5000", "x", "--bind", "nowhere"], "Invalid bind address"),
            "unknown scope": (["ff32::1", "5000", "x", "--bind", "[fe80::1%nosuch0]:0"],
                              "No network interface is named “nosuch0”"),
            "ipv4 scope": (["239.1.2.3", "5000", "x", "--bind", "192.0.2.1%lo"], "only IPv6 addresses have a scope"),
        }
        for name, (args, message) in cases.items():
            with self.subTest(name):
                result = self.run_tool(*args)
                lines = result.stderr.splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertTrue(lines[0].startswith("mctx-raw-send: "), lines[0])
                if message is None:
                    # Failing at run time, not on the arguments.
                    self.assertEqual(result.returncode, 1)
                    self.assertIn("No route in the main routing table covers ff3e::1", lines[0])
                else:
                    self.assertEqual(result.returncode, 2, result.stderr)
                    self.assertIn(message, lines[0])


def stamp(stream_id, sequence, size=64, send_time_ns=None, flags=0):
    """A stamped payload, built from the documented layout (doc/tools.md)."""
    if send_time_ns is None:
        send_time_ns = time.time_ns()
    header = b"MCTX" + struct.pack("!BBHIQqI", 1, flags, 32, stream_id, sequence, send_time_ns, 0)
    return header + bytes(i % 251 for i in range(32, size))


class MctxRecvTest(unittest.TestCase):
    """mctx-recv against the senders, and against datagrams lost, repeated
    and reordered on purpose."""

    RECV = os.environ["MCTX_RECV"]

    def start_receiver(self, *args, port=None):
        if port is None:
            probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            probe.bind(("239.1.2.3", 0))
            port = probe.getsockname()[1]
            probe.close()
        process = subprocess.Popen([self.RECV, "239.1.2.3", str(port), "--interface", "127.0.0.1", "--json",
                                    "--idle-timeout", "2", *args],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        return process, port

    def summary(self, process):
        out, err = process.communicate(timeout=30)
        rows = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(rows[-1]["type"], "summary", err)
        return process.returncode, rows[-1], err

    def test_senders_and_receiver_agree(self):
        for tool in (os.environ["MCTX_SEND"], os.environ["MCTX_ASYNC_SEND"]):
            with self.subTest(tool=os.path.basename(tool)):
                # Room for the whole run: a receiver the machine does not run
                # for a while must not drop what the test counts.
                process, port = self.start_receiver("--count", "500", "--rcvbuf", "4194304")
                result = subprocess.run([tool, "239.1.2.3", str(port), "500", "0", "--size", "120", "--rate",
                                         "20000", "--stream-id", "42", "--interface", "127.0.0.1", "--quiet"],
                                        capture_output=True, text=True, timeout=30)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("sent 500 packets, 60000 payload bytes", result.stdout)
                status, summary, err = self.summary(process)
                self.assertEqual(status, 0, err)
                self.assertEqual((summary["received"], summary["bytes"], summary["lost"], summary["duplicated"],
                                  summary["reordered"]), (500, 60000, 0, 0, 0))
                self.assertEqual(summary["streams"][0]["stream_id"], 42)
                self.assertGreater(summary["delay_us"], 0)

    def test_json_quiet_prints_only_the_summary(self):
        # Reports every 0.1 s would come during a 0.5 s run: quiet, none do.
        process, port = self.start_receiver("--quiet", "--interval", "0.1", "--count", "25")
        for _ in range(25):
            subprocess.run([os.environ["MCTX_SEND"], "239.1.2.3", str(port), "x", "1", "--interface", "127.0.0.1",
                            "--quiet"], check=True, capture_output=True, timeout=30)
            time.sleep(0.02)
        out, err = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 0, err)
        rows = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([row["type"] for row in rows], ["summary"], out)
        self.assertEqual(rows[0]["received"], 25)

    def assert_histogram(self, histogram, count):
        """The documented form: counts that add up, ordered percentiles."""
        self.assertEqual(histogram["count"], count, histogram)
        self.assertEqual(sum(row[2] for row in histogram["buckets"]) + histogram["negative"], count, histogram)
        for lower, upper, _count in histogram["buckets"]:
            self.assertTrue(upper is None or lower < upper <= lower * 1.125 + 1, (lower, upper))
        values = [histogram[name] for name in ("min", "p50", "p90", "p99", "p999", "max")]
        self.assertEqual(values, sorted(values), histogram)

    def test_histograms(self):
        # 500 datagrams 1 ms apart: the gaps' median (kernel arrival times)
        # is near 1 ms, and an interval's histograms hold what came in it,
        # as its counts do. Half a second spans ten intervals of 50 ms, so
        # a receiver the machine stalls for a while still sees several.
        process, port = self.start_receiver("--count", "500", "--interval", "0.05", "--rcvbuf", "4194304")
        result = subprocess.run([os.environ["MCTX_SEND"], "239.1.2.3", str(port), "500", "0", "--size", "100",
                                 "--rate", "1000", "--interface", "127.0.0.1", "--quiet"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        out, err = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 0, err)
        rows = [json.loads(line) for line in out.splitlines()]
        summary = rows[-1]["histograms"]
        self.assert_histogram(summary["delay_us"], 500)
        self.assert_histogram(summary["jitter_us"], 499)
        self.assert_histogram(summary["gap_us"], 499)
        self.assertEqual(summary["delay_us"]["negative"], 0)
        self.assertTrue(750 <= summary["gap_us"]["p50"] <= 1300, summary["gap_us"])
        self.assertLess(summary["delay_us"]["p50"], 10000, summary["delay_us"])
        intervals = [row for row in rows[:-1] if row["received"] > 0]
        self.assertGreaterEqual(len(intervals), 2)
        for row in intervals:
            self.assert_histogram(row["histograms"]["delay_us"], row["received"])
        self.assertEqual(sum(row["histograms"]["gap_us"]["count"] for row in intervals),
                         sum(row["received"] for row in intervals) - 1)

    def test_negative_delays_in_histogram(self):
        # A sender whose clock runs 5 s ahead: its delays are negative,
        # counted apart from the buckets, and no percentile is made up.
        process, port = self.start_receiver()
        ahead = time.time_ns() + 5 * 10**9
        self.send_stamps(port, [(4, sequence, ahead + sequence * 1000) for sequence in range(3)])
        status, summary, err = self.summary(process)
        self.assertEqual(status, 0, err)
        delay = summary["histograms"]["delay_us"]
        self.assertEqual((delay["count"], delay["negative"], delay["buckets"], delay["p50"], delay["p999"]),
                         (3, 3, [], None, None))
        self.assertTrue(-5.1e6 < delay["min"] <= delay["max"] < -4.9e6, delay)

    def test_lost_duplicated_reordered(self):
        process, port = self.start_receiver()
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        # 4 is lost, 2 comes late (reordered) and twice (duplicated).
        for sequence in (0, 1, 3, 2, 2, 5, 6):
            sender.sendto(stamp(7, sequence), ("239.1.2.3", port))
        sender.sendto(b"not stamped", ("239.1.2.3", port))
        sender.close()
        status, summary, err = self.summary(process)
        self.assertEqual(status, 0, err)
        self.assertEqual((summary["received"], summary["lost"], summary["duplicated"], summary["reordered"]),
                         (8, 1, 1, 1))
        streams = {row["stream_id"]: row for row in summary["streams"]}
        self.assertEqual((streams[7]["received"], streams[None]["received"], streams[None]["lost"]), (7, 1, 0))

    def overflow(self, *receiver_args):
        """The receiver is stopped while 2000 datagrams arrive: its small
        buffer overflows, and the kernel drops what does not fit. A last
        datagram from the same sender and stream, after it resumes, makes
        the tail's losses visible."""
        process, port = self.start_receiver("--rcvbuf", "4096", *receiver_args)
        process.send_signal(signal.SIGSTOP)
        result = subprocess.run([os.environ["MCTX_SEND"], "239.1.2.3", str(port), "2000", "0", "--size", "100",
                                 "--stream-id", "9", "--source-port", "45001", "--interface", "127.0.0.1",
                                 "--quiet"], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        process.send_signal(signal.SIGCONT)
        time.sleep(0.3)
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sender.bind(("127.0.0.1", 45001))
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        sender.sendto(stamp(9, 2000, 100), ("239.1.2.3", port))
        sender.close()
        return self.summary(process)

    def test_loss_after_the_sender(self):
        status, summary, err = self.overflow()
        self.assertEqual(status, 0, err)
        self.assertGreater(summary["lost"], 1000)
        self.assertEqual(summary["received"] + summary["lost"], 2001)
        self.assertEqual(summary["duplicated"], 0)

        # The same loss against --max-loss: a non-zero exit, one line.
        status, summary, err = self.overflow("--max-loss", "1")
        self.assertEqual(status, 1, err)
        self.assertRegex(err, r"^mctx-recv: Lost [\d.]+ % of the stamped datagrams, more than --max-loss 1 %\n$")

    def send_stamps(self, port, stamps, size=32):
        """Sends (stream id, sequence, send time) stamps to the receiver."""
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        for stream_id, sequence, send_time in stamps:
            sender.sendto(stamp(stream_id, sequence, size, send_time), ("239.1.2.3", port))
        sender.close()

    def assert_plausible(self, counts, received):
        """No count is negative, none beyond what the datagrams can make."""
        for name in ("received", "bytes", "lost", "duplicated", "reordered", "out_of_window", "restarts",
                     "implausible_times"):
            self.assertGreaterEqual(counts[name], 0, (name, counts))
        self.assertLessEqual(counts["lost"], received * 65536, counts)
        self.assertLess(abs(counts["delay_us"]), 60e6, counts)
        self.assertLess(counts["jitter_us"], 120e6, counts)

    def test_implausible_sequences_and_times(self):
        # Each case: one real datagram at sequence 0, then what a spoofer
        # sends; the counts it must give (issue 19, finding 3).
        now = time.time_ns()
        cases = [
            ("just before 2^64", [(0, now), (2**64 - 2, now)], {"lost": 0, "duplicated": 0, "out_of_window": 1}),
            ("2^64 - 1", [(0, now), (2**64 - 1, now)], {"lost": 0, "duplicated": 0, "out_of_window": 1}),
            ("alone at 2^63", [(2**63, now)], {"lost": 0, "out_of_window": 0}),
            ("send time -2^63", [(0, now), (1, -2**63)], {"lost": 0, "implausible_times": 1}),
            ("send time 2^63 - 1", [(0, now), (1, 2**63 - 1)], {"lost": 0, "implausible_times": 1}),
            ("back from 2^63", [(2**63, now), (0, now)], {"lost": 0, "duplicated": 0, "out_of_window": 1}),
        ]
        for name, stamps, expected in cases:
            with self.subTest(case=name):
                process, port = self.start_receiver("--max-loss", "1")
                self.send_stamps(port, [(5, sequence, send_time) for sequence, send_time in stamps])
                status, summary, err = self.summary(process)
                self.assertEqual(status, 0, err)
                self.assertEqual(summary["received"], len(stamps))
                self.assertEqual({key: summary[key] for key in expected}, expected, summary)
                self.assertEqual(summary["restarts"], 0)
                self.assert_plausible(summary, len(stamps))

    def test_restart_is_not_loss(self):
        # A sender that starts again far away, and keeps going there: one
        # restart, nothing lost, nothing out of window; the time goes on.
        process, port = self.start_receiver()
        now = time.time_ns()
        self.send_stamps(port, [(3, sequence, now) for sequence in [*range(10), *range(2**40, 2**40 + 10)]])
        status, summary, err = self.summary(process)
        self.assertEqual(status, 0, err)
        self.assertEqual((summary["received"], summary["lost"], summary["restarts"], summary["out_of_window"],
                          summary["duplicated"]), (20, 0, 1, 0, 0), summary)

    def test_set_aside_in_text_summary(self):
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(("239.1.2.3", 0))
        port = probe.getsockname()[1]
        probe.close()
        process = subprocess.Popen([self.RECV, "239.1.2.3", str(port), "--interface", "127.0.0.1", "--quiet",
                                    "--idle-timeout", "2", "--max-streams", "1"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        now = time.time_ns()
        self.send_stamps(port, [(1, 0, now), (1, 2**64 - 1, now), (2, 0, -2**63)])
        out, err = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 0, err)
        self.assertIn("received 3 datagrams", out)
        self.assertIn("set aside: streams evicted 1, restarts 0, out of window 1, implausible send times 1\n", out)

    def test_random_spoofing_keeps_counts_sane(self):
        # Seeded, so that a failure repeats: random sequences and send
        # times into a few streams, and the counts stay within bounds.
        import random
        rng = random.Random(19)
        process, port = self.start_receiver()
        stamps = [(rng.randrange(3), rng.choice([rng.getrandbits(64), rng.randrange(70000)]),
                   rng.choice([rng.randrange(-2**63, 2**63), time.time_ns()])) for _ in range(500)]
        self.send_stamps(port, stamps)
        status, summary, err = self.summary(process)
        self.assertEqual(status, 0, err)
        self.assertLessEqual(summary["received"], 500)
        self.assert_plausible(summary, summary["received"])
        for row in summary["streams"]:
            self.assert_plausible(row, row["received"])

    def test_oldest_idle_stream_evicted(self):
        process, port = self.start_receiver("--max-streams", "3")
        now = time.time_ns()
        # Streams 1, 2, 3; 1 again, so 2 is the least recently active and
        # makes room for 4.
        self.send_stamps(port, [(1, 0, now), (2, 0, now), (3, 0, now), (1, 1, now), (4, 0, now)])
        status, summary, err = self.summary(process)
        self.assertEqual(status, 0, err)
        self.assertEqual((summary["received"], summary["evicted_streams"], summary["tracked_streams"],
                          summary["max_streams"]), (5, 1, 3, 3), summary)
        self.assertEqual(sorted(row["stream_id"] for row in summary["streams"]), [1, 3, 4])

    def test_interval_counts_per_interval(self):
        # Five datagrams, an interval that shows them, then three more:
        # each interval counts only its own, the summary all of them.
        process, port = self.start_receiver("--interval", "0.1")
        now = time.time_ns()
        self.send_stamps(port, [(1, sequence, now) for sequence in range(5)])
        rows = []
        for line in process.stdout:
            rows.append(json.loads(line))
            if rows[-1]["type"] == "interval" and rows[-1]["received"] > 0:
                break
        self.send_stamps(port, [(1, sequence, now) for sequence in range(5, 8)])
        # The rest, to the end; the receiver stops 2 s after the last
        # datagram, having reported it in an interval.
        rows += [json.loads(line) for line in process.stdout]
        err = process.stderr.read()
        process.stdout.close()
        process.stderr.close()
        self.assertEqual(process.wait(timeout=30), 0, err)
        intervals = [row for row in rows if row["type"] == "interval"]
        self.assertEqual(rows[-1]["type"], "summary")
        self.assertEqual(rows[-1]["received"], 8)
        self.assertEqual(sum(row["received"] for row in intervals), 8, intervals)
        self.assertEqual(max(row["received"] for row in intervals), 5, intervals)

    def flood(self, make_stamp, count, *receiver_args, limit=None):
        """Sends stamps made by make_stamp(i), i = 0, 1, …, until the
        receiver has taken COUNT datagrams and stops (the kernel drops what
        it cannot queue: nothing depends on timing). Returns the summary
        and the receiver's peak resident memory in bytes (its rusage)."""
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(("239.1.2.3", 0))
        port = probe.getsockname()[1]
        probe.close()

        def limit_memory():
            if limit is not None:
                import resource
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            process = subprocess.Popen([self.RECV, "239.1.2.3", str(port), "--interface", "127.0.0.1", "--json",
                                        "--interval", "1000", "--count", str(count), *receiver_args],
                                       stdout=out, stderr=err, text=True, preexec_fn=limit_memory)
            time.sleep(0.3)
            sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
            i = 0
            # Exited, but not yet reaped: wait4 below takes its rusage.
            while os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
                for _ in range(200):
                    sender.sendto(make_stamp(i), ("239.1.2.3", port))
                    i += 1
                time.sleep(0.002)
            sender.close()
            _pid, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            rows = [json.loads(line) for line in out]
            errors = err.read()
        self.assertEqual(process.returncode, 0, errors)
        self.assertEqual(rows[-1]["type"], "summary", errors)
        return rows[-1], usage.ru_maxrss * 1024

    SANITIZED = os.environ.get("MCTX_SANITIZED") == "1"
    MEMORY_LIMIT = 64 * 1024 * 1024

    def test_spoofed_streams_bounded(self):
        # 50 000 one-datagram streams (issue 19, finding 2: 215 MB before).
        now = time.time_ns()
        summary, peak = self.flood(lambda i: stamp(i, 0, 32, now), 50000)
        self.assertEqual(summary["received"], 50000)
        self.assertEqual(summary["tracked_streams"], 4096)
        self.assertEqual(summary["evicted_streams"], 50000 - 4096)
        self.assertEqual((summary["lost"], summary["duplicated"]), (0, 0))
        print("50 000 one-datagram streams: peak resident %.1f MiB" % (peak / 2**20))
        if not self.SANITIZED:
            self.assertLess(peak, self.MEMORY_LIMIT)

    def test_page_touching_datagrams_bounded(self):
        # Each datagram a new stream whose sequence number lies on another
        # page of the old 512 KiB window (issue 19: 433 MB resident from
        # 106 781 of them); then one stream that jumps 512 at a time.
        now = time.time_ns()
        summary, peak = self.flood(lambda i: stamp(i, (i % 128) * 512, 32, now), 100000)
        self.assertEqual(summary["received"], 100000)
        print("100 000 page-touching datagrams: peak resident %.1f MiB" % (peak / 2**20))
        if not self.SANITIZED:
            self.assertLess(peak, self.MEMORY_LIMIT)
        summary, peak = self.flood(lambda i: stamp(i % 1000, (i // 1000) * 512, 32, now), 100000)
        self.assertEqual(summary["received"], 100000)
        self.assertEqual(summary["tracked_streams"], 1000)
        self.assert_plausible(summary, 100000)
        if not self.SANITIZED:
            self.assertLess(peak, self.MEMORY_LIMIT)

    @unittest.skipIf(SANITIZED, "sanitizers need more address space than 1 GiB")
    def test_survives_address_space_limit(self):
        # Under ulimit -v 1G it aborted after 2 000 new streams, without a
        # summary.
        now = time.time_ns()
        summary, _peak = self.flood(lambda i: stamp(i, i * 512, 32, now), 20000, limit=2**30)
        self.assertEqual(summary["received"], 20000)
        self.assertEqual(summary["evicted_streams"], 20000 - 4096)

    def test_ipv6_ssm_and_several_groups(self):
        # IPv6 on a veth pair: an SSM channel from the sender's address and
        # an ASM group at once; a second sender's datagrams to the SSM
        # group are not let in.
        ip("link", "add", "lva", "type", "veth", "peer", "name", "lvb")
        try:
            for command in (["link", "set", "lva", "up"], ["link", "set", "lvb", "up"],
                            ["address", "add", "fd00:7::1/64", "dev", "lva", "nodad"],
                            ["address", "add", "fd00:7::2/64", "dev", "lva", "nodad"]):
                ip(*command)
            process = subprocess.Popen([self.RECV, "ff3e::8000:7", "5012", "ff3e::8000:8", "5013",
                                        "--source", "fd00:7::1", "--interface-name", "lva", "--json",
                                        "--idle-timeout", "2", "--count", "20"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(0.3)
            capture = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x86dd))
            capture.bind(("lvb", 0))
            capture.settimeout(2)
            send = os.environ["MCTX_SEND"]
            for group, port, source in (("ff3e::8000:7", "5012", "fd00:7::1"), ("ff3e::8000:8", "5013", "fd00:7::1"),
                                        ("ff3e::8000:7", "5012", "fd00:7::2")):
                subprocess.run([send, group, port, "10", "0", "--size", "64", "--source", source, "--dscp", "10",
                                "--interface-name", "lva", "--quiet"], check=True, capture_output=True, timeout=30)
            status, summary, err = self.summary(process)
            # The DSCP in the IPv6 traffic class: version 6, class 10 << 2.
            while True:
                packet = capture.recv(2048)
                if packet[6] == 17:
                    break
            capture.close()
            self.assertEqual(((packet[0] & 0x0f) << 4) | (packet[1] >> 4), 10 << 2)
        finally:
            ip("link", "del", "lva")
        self.assertEqual(status, 0, err)
        self.assertEqual((summary["received"], summary["lost"]), (20, 0))
        self.assertEqual(len(summary["streams"]), 2)
        self.assertTrue(all(row["sender"].startswith("[fd00:7::1]:") for row in summary["streams"]), summary)

    def test_queue_drops_after_the_sender(self):
        # A token bucket with a short queue on the way out drops datagrams:
        # the sender reports each as a failed send (mctx never counts a
        # dropped datagram as sent), and the receiver counts it as lost.
        ip("link", "add", "lqa", "type", "veth", "peer", "name", "lqb")
        try:
            for command in (["link", "set", "lqa", "up"], ["link", "set", "lqb", "up"],
                            ["address", "add", "192.0.2.11/24", "dev", "lqa"],
                            ["address", "add", "192.0.2.12/24", "dev", "lqb"]):
                ip(*command)
            # The datagrams come back in on lqb from this host's own address.
            for setting in ("net.ipv4.conf.lqb.accept_local=1", "net.ipv4.conf.lqb.rp_filter=0",
                            "net.ipv4.conf.all.rp_filter=0"):
                subprocess.run(["sysctl", "-qw", setting], check=True)
            subprocess.run(["tc", "qdisc", "add", "dev", "lqa", "root", "tbf", "rate", "1mbit", "burst", "3000",
                            "limit", "3000"], check=True)
            process = subprocess.Popen([self.RECV, "239.1.2.3", "5011", "--interface-name", "lqb", "--json",
                                        "--idle-timeout", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)
            time.sleep(0.3)
            result = subprocess.run([os.environ["MCTX_SEND"], "239.1.2.3", "5011", "300", "0", "--size", "200",
                                     "--interface-name", "lqa", "--no-loopback", "--json", "--stream-id", "3"],
                                    capture_output=True, text=True, timeout=30)
            sent = json.loads(result.stdout.splitlines()[-1])
            status, summary, err = self.summary(process)
        finally:
            ip("link", "del", "lqa")
        self.assertEqual(status, 0, err)
        self.assertGreater(sent["errors"], 0, result.stderr)
        self.assertEqual(sent["packets"] + sent["errors"], 300)
        self.assertEqual(summary["received"], sent["packets"])
        # Losses are seen between the first and last datagram that came.
        self.assertLessEqual(summary["lost"], sent["errors"])
        self.assertGreater(summary["lost"], 0)

    @unittest.skipUnless(os.environ.get("MCTX_HAS_METRICS") == "1", "built without metrics")
    def test_metrics_file(self):
        path = os.path.join(tempfile.mkdtemp(), "receiver-1", "network.jsonl")
        env = dict(os.environ, MCTX_METRICS_SUMMARY_FILE=path, MCTX_METRICS_SUMMARY_SECS="0.2")
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(("239.1.2.3", 0))
        port = probe.getsockname()[1]
        probe.close()
        process = subprocess.Popen([self.RECV, "239.1.2.3", str(port), "--interface", "127.0.0.1", "--count", "50",
                                    "--quiet"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        subprocess.run([os.environ["MCTX_SEND"], "239.1.2.3", str(port), "50", "0", "--size", "64", "--rate", "100",
                        "--interface", "127.0.0.1", "--quiet"], check=True, capture_output=True, timeout=30)
        out, err = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 0, err)
        with open(path) as jsonl:
            header, *rows = (json.loads(line) for line in jsonl)
        self.assertEqual((header["schema"], header["node_id"], header["producer"], header["flags"]["role"]),
                         ("heimdall-jsonl-v1", "receiver-1", "mctx/mctx-recv", "receiver"))
        self.assertGreaterEqual(len(rows), 2)
        self.assertEqual(rows[-1]["datagrams_received_total"], 50)
        self.assertEqual(sum(row["datagrams_received_delta"] for row in rows), 50)
        self.assertEqual(rows[-1]["datagrams_lost_total"], 0)
        # Each row's histograms hold the datagrams since the row before.
        self.assertEqual(sum(row["histograms"]["delay_us"]["count"] for row in rows), 50)
        self.assertEqual(sum(row["histograms"]["gap_us"]["count"] for row in rows), 49)

    def test_dscp_in_capture(self):
        capture = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
        capture.bind(("lo", 0))
        capture.settimeout(2)
        result = subprocess.run([os.environ["MCTX_SEND"], "239.1.2.3", "5000", "marked", "--dscp", "46",
                                 "--sndbuf", "65536", "--interface", "127.0.0.1", "--quiet"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        while True:
            packet = capture.recv(2048)
            if packet[16:20] == socket.inet_aton("239.1.2.3") and packet[28:] == b"marked":
                break
        # DSCP 46 (expedited forwarding) in the upper six bits of the TOS.
        self.assertEqual(packet[1], 46 << 2)
        capture.close()

    def test_duration_and_bitrate(self):
        receiver, port = ipv4_receiver("239.1.2.3")
        started = time.monotonic()
        result = subprocess.run([os.environ["MCTX_SEND"], "239.1.2.3", str(port), "--size", "125",
                                 "--bitrate", "100k", "--duration", "0.5", "--interface", "127.0.0.1", "--json"],
                                capture_output=True, text=True, timeout=30)
        elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = json.loads(result.stdout.splitlines()[-1])
        # 100 kbit/s of 125-byte payloads: 100 a second, for half a second.
        self.assertTrue(45 <= summary["packets"] <= 55, summary)
        self.assertLess(elapsed, 2)
        self.assertEqual(drain(receiver), summary["packets"])
        # Numbers as printed, not with float noise.
        self.assertNotRegex(result.stdout, r"\d\.\d{16}")
        receiver.close()

    def test_group_and_port_worded_alike(self):
        # Every tool checks GROUP and PORT with the same validator, so the
        # same mistake reads the same whichever tool is given it.
        tools = [self.RECV, os.environ["MCTX_SEND"], os.environ["MCTX_ASYNC_SEND"]]
        if os.environ.get("MCTX_RAW_SEND"):
            tools.append(os.environ["MCTX_RAW_SEND"])
        for group, port, message in (
                ("nowhere", "5000", "Invalid group “nowhere”: not an IP address"),
                ("10.0.0.1", "5000", "10.0.0.1 is not a multicast group (IPv4 224.0.0.0/4 or IPv6 ff00::/8)"),
                ("239.1.2.3", "0", "Invalid port “0”: expected a number from 1 to 65535"),
                ("239.1.2.3", "65536", "Invalid port “65536”: expected a number from 1 to 65535"),
                ("239.1.2.3", "http", "Invalid port “http”: expected a number from 1 to 65535")):
            for tool in tools:
                arguments = [tool, group, port] + ([] if tool == self.RECV else ["x"])
                with self.subTest(tool=os.path.basename(tool), group=group, port=port):
                    result = subprocess.run(arguments, capture_output=True, text=True, timeout=30)
                    self.assertEqual(result.returncode, 2)
                    self.assertEqual(result.stderr, "%s: %s\n" % (os.path.basename(tool), message))

    def test_version(self):
        for tool in (self.RECV, os.environ["MCTX_SEND"]):
            result = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 0)
            self.assertRegex(result.stdout, r"^mctx-\S+ \d+\.\d+\.\d+\n$")

    def test_bad_arguments(self):
        send = os.environ["MCTX_SEND"]
        cases = [
            ([send, "239.1.2.3", "5000", "--size", "31"], "Invalid --size “31”"),
            ([send, "239.1.2.3", "5000", "x", "--bitrate", "5X"], "Invalid --bitrate “5X”"),
            ([send, "239.1.2.3", "5000", "x", "--bitrate", "0"], "Invalid --bitrate “0”"),
            ([send, "239.1.2.3", "5000", "x", "--duration", "-1"], "Invalid --duration “-1”"),
            ([send, "239.1.2.3", "5000", "x", "--dscp", "64"], "Invalid --dscp “64”"),
            ([send, "239.1.2.3", "5000", "x", "--sndbuf", "10"], "Invalid --sndbuf “10”"),
            ([send, "239.1.2.3", "5000", "x", "--spin", "-1"], "Invalid --spin “-1”"),
            ([send, "239.1.2.3", "5000", "x", "--spin", "1000001"], "Invalid --spin “1000001”"),
            ([send, "239.1.2.3", "--size", "100"], "Missing arguments: GROUP PORT are required"),
            ([self.RECV, "239.1.2.3"], "Expected GROUP PORT pairs"),
            ([self.RECV, "10.0.0.1", "5000"], "is not a multicast group"),
            ([self.RECV, "239.1.2.3", "0"], "Invalid port “0”"),
            ([self.RECV, "239.1.2.3", "5000", "--max-loss", "200"], "Invalid --max-loss “200”"),
            ([self.RECV, "239.1.2.3", "5000", "--max-loss", "-1"], "Invalid --max-loss “-1”"),
            ([self.RECV, "239.1.2.3", "5000", "--max-loss", "nan"], "Invalid --max-loss “nan”"),
            ([self.RECV, "239.1.2.3", "5000", "--interval", "0"], "Invalid --interval “0”"),
            ([self.RECV, "239.1.2.3", "5000", "--duration", "-1"], "Invalid --duration “-1”"),
            ([self.RECV, "239.1.2.3", "5000", "--idle-timeout", "1e300"], "Invalid --idle-timeout “1e300”"),
            ([self.RECV, "239.1.2.3", "5000", "--rcvbuf", "10"], "Invalid --rcvbuf “10”"),
            ([self.RECV, "239.1.2.3", "5000", "--rcvbuf", "-1"], "Invalid --rcvbuf “-1”"),
            ([self.RECV, "239.1.2.3", "5000", "--rcvbuf", "99999999999"], "Invalid --rcvbuf “99999999999”"),
            ([self.RECV, "239.1.2.3", "5000", "--count", "-3"], "Invalid --count “-3”"),
            ([self.RECV, "239.1.2.3", "5000", "--count", "1x"], "Invalid --count “1x”"),
            ([self.RECV, "239.1.2.3", "5000", "--count", "18446744073709551615"],
             "Invalid --count “18446744073709551615”"),
            ([self.RECV, "239.1.2.3", "5000", "--interface-index", "-1"], "Invalid --interface-index “-1”"),
            ([self.RECV, "239.1.2.3", "5000", "--interface-index", "0"], "Invalid --interface-index “0”"),
            ([self.RECV, "239.1.2.3", "5000", "--max-streams", "0"], "Invalid --max-streams “0”"),
            ([self.RECV, "239.1.2.3", "5000", "--max-streams", "1000001"], "Invalid --max-streams “1000001”"),
            ([self.RECV, "239.1.2.3", "5000", "--interface-name", "nosuch0"], "No network interface is named"),
            ([self.RECV, "239.1.2.3", "5000", "--source", "fd00::1"], "Invalid source “fd00::1”"),
            ([self.RECV, "239.1.2.3", "5000", "--frobnicate"], "Unknown option"),
        ]
        for args, message in cases:
            with self.subTest(args=args[1:]):
                result = subprocess.run(args, capture_output=True, text=True, timeout=30)
                lines = result.stderr.splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(message, lines[0])


def iperf2_datagram(sequence, size=64, send_time_ns=None, seqno64=True):
    """iperf 2's UDP header as its client writes it (doc/tools.md): id,
    tv_sec, tv_usec, id2, then the flags word (HEADER_SEQNO64B or 0)."""
    if send_time_ns is None:
        send_time_ns = time.time_ns()
    number = sequence & 0xffffffffffffffff
    header = struct.pack("!IIIII", number & 0xffffffff, send_time_ns // 10**9, send_time_ns % 10**9 // 1000,
                         number >> 32 if seqno64 else 0, 0x08000000 if seqno64 else 0)
    return header + bytes(size - len(header))


class Iperf2Test(unittest.TestCase):
    """The senders and mctx-recv against Debian's iperf 2 (2.1.8), over a
    veth pair between this test's namespace (ipfa, 192.0.2.1) and a second
    one it creates (ipfb, 192.0.2.2): iperf 2's server misreads its peer on
    lo. Loss comes from a token bucket with a short queue on the sending
    side; the datagrams that got through are counted independently, by
    mctx-send's failed sends or a capture on the receiving side."""

    RECV = os.environ["MCTX_RECV"]
    SEND = os.environ["MCTX_SEND"]
    GROUP = "239.1.2.3"

    def setUp(self):
        self.assertIsNotNone(shutil.which("iperf"), "iperf (Debian's iperf 2) is not installed")
        # The second namespace lives as long as this process; its end
        # deletes the veth pair's far end, and so the pair.
        self.holder = subprocess.Popen(["unshare", "--net", "sleep", "300"])
        self.addCleanup(self.holder.wait)
        self.addCleanup(self.holder.kill)
        own = os.readlink("/proc/self/ns/net")
        deadline = time.monotonic() + 5
        while os.readlink("/proc/%d/ns/net" % self.holder.pid) == own:
            self.assertLess(time.monotonic(), deadline, "could not create the second namespace")
            time.sleep(0.01)
        # Without IPv6 nothing but the test's datagrams crosses the pair,
        # so that the queue's drop counter counts only those.
        ip("link", "add", "ipfa", "type", "veth", "peer", "name", "ipfb", "netns", str(self.holder.pid))
        self.addCleanup(subprocess.run, ["ip", "link", "del", "ipfa"], capture_output=True)
        subprocess.run(["sysctl", "-qw", "net.ipv6.conf.ipfa.disable_ipv6=1"], check=True)
        for command in (["address", "add", "192.0.2.1/24", "dev", "ipfa"], ["link", "set", "ipfa", "up"]):
            ip(*command)
        self.peer("sysctl", "-qw", "net.ipv6.conf.ipfb.disable_ipv6=1")
        for command in (["link", "set", "lo", "up"], ["address", "add", "192.0.2.2/24", "dev", "ipfb"],
                        ["link", "set", "ipfb", "up"], ["route", "add", "224.0.0.0/4", "dev", "ipfb"]):
            self.peer("ip", *command)

    def peer_command(self, *args):
        return ["nsenter", "-t", str(self.holder.pid), "-n", *args]

    def peer(self, *args):
        return subprocess.run(self.peer_command(*args), check=True, capture_output=True, text=True, timeout=30)

    def start_iperf_server(self, port):
        # Its output goes to a file, line by line, read as it grows.
        self.server_log = tempfile.NamedTemporaryFile(mode="w+")
        self.addCleanup(self.server_log.close)
        server = subprocess.Popen(self.peer_command("stdbuf", "-oL", "iperf", "-s", "-u", "-B", self.GROUP,
                                                    "-p", str(port)),
                                  stdout=self.server_log, stderr=subprocess.STDOUT)
        self.addCleanup(server.wait)
        self.addCleanup(server.kill)
        self.wait_for(r"Joining multicast group")
        time.sleep(0.3)
        return server

    def wait_for(self, pattern, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            with open(self.server_log.name) as log:
                self.server_output = log.read()
            match = re.search(pattern, self.server_output)
            if match:
                return match
            self.assertLess(time.monotonic(), deadline, "iperf printed no %r:\n%s" % (pattern, self.server_output))
            time.sleep(0.05)

    def iperf_report(self):
        """iperf 2's server line: jitter in ms, lost and total datagrams."""
        match = self.wait_for(r"sec\s+\S+ \S+\s+\S+ \S+\s+([\d.]+) ms\s+(\d+)/\s*(\d+) \(")
        return float(match.group(1)), int(match.group(2)), int(match.group(3))

    def start_receiver(self, port, *args, peer=False):
        interface = "ipfb" if peer else "ipfa"
        command = [self.RECV, self.GROUP, str(port), "--interface-name", interface, "--json", "--idle-timeout", "1",
                   "--interval", "0.2", *args]
        receiver = subprocess.Popen(self.peer_command(*command) if peer else command,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        return receiver

    def receiver_summary(self, receiver):
        out, err = receiver.communicate(timeout=30)
        self.assertEqual(receiver.returncode, 0, err)
        return json.loads(out.splitlines()[-1])

    def send(self, port, *args):
        result = subprocess.run([self.SEND, self.GROUP, str(port), *args, "--size", "200", "--format", "iperf2",
                                 "--interface-name", "ipfa", "--no-loopback", "--json"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode != 0, "errors\":0," not in result.stdout, result.stderr)
        return json.loads(result.stdout.splitlines()[-1])

    def test_mctx_send_to_iperf_server(self):
        self.start_iperf_server(45201)
        # mctx-recv beside iperf 2's server, reading the same datagrams.
        receiver = self.start_receiver(45201, "--format", "iperf2", peer=True)
        sent = self.send(45201, "400", "--rate", "2000")
        self.assertEqual((sent["packets"], sent["errors"]), (400, 0))
        jitter_ms, lost, total = self.iperf_report()
        # The 400 datagrams and the closing one, which iperf 2 counts.
        self.assertEqual((lost, total), (0, 401))
        summary = self.receiver_summary(receiver)
        self.assertEqual((summary["received"], summary["lost"], summary["duplicated"], summary["reordered"]),
                         (401, 0, 0, 0))
        self.assertEqual(summary["streams"][0]["format"], "iperf2")
        # Both compute RFC 3550's jitter from the same send times.
        self.assertLess(abs(summary["jitter_us"] - jitter_ms * 1000), max(20, 0.5 * jitter_ms * 1000),
                        (summary["jitter_us"], jitter_ms, self.server_output))
        print("jitter: iperf 2 server %.1f µs, mctx-recv %.1f µs" % (jitter_ms * 1000, summary["jitter_us"]))

    @unittest.skipUnless(os.environ.get("MCTX_RAW_SEND"), "built without raw publications")
    def test_mctx_raw_send_to_iperf_server(self):
        # The same header and closing datagram, in datagrams built whole.
        self.start_iperf_server(45207)
        result = subprocess.run([os.environ["MCTX_RAW_SEND"], self.GROUP, "45207", "100", "1", "--size", "200",
                                 "--format", "iperf2", "--source", "192.0.2.1", "--source-port", "45208",
                                 "--interface-name", "ipfa", "--quiet"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        _jitter_ms, lost, total = self.iperf_report()
        self.assertEqual((lost, total), (0, 101), self.server_output)
        self.assertIn("connected with 192.0.2.1 port 45208", self.server_output)

    def test_mctx_send_to_iperf_server_with_loss(self):
        self.start_iperf_server(45202)
        # 300 datagrams at once into a 1 Mbit/s bucket with a 3000-byte
        # queue: most are dropped there, and each drop fails its send.
        subprocess.run(["tc", "qdisc", "add", "dev", "ipfa", "root", "tbf", "rate", "1mbit", "burst", "3000",
                        "limit", "3000"], check=True)
        sent = self.send(45202, "300", "0")
        self.assertGreater(sent["errors"], 100)
        self.assertEqual(sent["packets"] + sent["errors"], 300)
        jitter_ms, lost, total = self.iperf_report()
        self.assertEqual((lost, total), (sent["errors"], 301), self.server_output)
        print("iperf 2 server: lost %d of %d, mctx-send's failed sends %d" % (lost, total, sent["errors"]))
        self.assertLess(jitter_ms, 1000)

    def capture(self, port):
        capture = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
        # Room for the whole run: it is read afterwards.
        capture.setsockopt(socket.SOL_SOCKET, 33, 16 * 1024 * 1024)  # SO_RCVBUFFORCE
        capture.bind(("ipfa", 0))
        capture.settimeout(0.2)
        self.addCleanup(capture.close)
        return capture

    def captured_sequences(self, capture, port):
        """The iperf 2 sequence numbers that arrived on ipfa for @port."""
        sequences = []
        while True:
            try:
                packet = capture.recv(4096)
            except socket.timeout:
                return sequences
            header_length = (packet[0] & 0x0f) * 4
            if packet[9] != 17 or struct.unpack("!H", packet[header_length + 2:header_length + 4])[0] != port:
                continue
            low, _sec, _usec, high = struct.unpack("!IIII", packet[header_length + 8:header_length + 24])
            number = high << 32 | low
            sequences.append(2**64 - number if number >> 63 else number)

    def iperf_client(self, port, bitrate):
        result = subprocess.run(self.peer_command("iperf", "-c", self.GROUP, "-u", "-p", str(port), "-t", "0.5",
                                                  "-b", bitrate, "-l", "200"),
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_iperf_client_to_mctx_recv(self):
        capture = self.capture(45203)
        receiver = self.start_receiver(45203)
        self.iperf_client(45203, "1M")
        sequences = self.captured_sequences(capture, 45203)
        summary = self.receiver_summary(receiver)
        # Every datagram came, the closing one last, numbered from 1.
        self.assertGreater(len(sequences), 200)
        self.assertEqual(sorted(sequences), list(range(1, len(sequences) + 1)))
        self.assertEqual(summary["streams"][0]["format"], "iperf2")
        self.assertEqual((summary["received"], summary["lost"], summary["duplicated"], summary["reordered"]),
                         (len(sequences), 0, 0, 0))
        self.assertEqual(summary["histograms"]["delay_us"]["count"], len(sequences))

    def test_iperf_client_to_mctx_recv_with_loss(self):
        # iperf 2 sends 5 Mbit/s into a 1 Mbit/s bucket on its side: the
        # queue drops what does not fit, and iperf 2 never knows.
        self.peer("tc", "qdisc", "add", "dev", "ipfb", "root", "tbf", "rate", "1mbit", "burst", "3000",
                  "limit", "3000")
        capture = self.capture(45204)
        receiver = self.start_receiver(45204)
        self.iperf_client(45204, "5M")
        sequences = self.captured_sequences(capture, 45204)
        summary = self.receiver_summary(receiver)
        dropped = int(re.search(r"dropped (\d+)", self.peer("tc", "-s", "qdisc", "show", "dev", "ipfb").stdout)
                      .group(1))
        # What the capture saw missing up to the highest number that came;
        # drops after it (the queue's tail) no receiver can see.
        missing = max(sequences) - len(sequences)
        self.assertEqual(len(set(sequences)), len(sequences))
        self.assertGreater(missing, 100)
        self.assertLessEqual(missing, dropped)
        self.assertEqual((summary["received"], summary["lost"], summary["duplicated"]),
                         (len(sequences), missing, 0))
        print("iperf 2 client: %d datagrams came, mctx-recv lost %d, the queue dropped %d"
              % (len(sequences), summary["lost"], dropped))

    def test_iperf2_datagrams_by_hand(self):
        # 1, 2, 4, 3, 3, then the closing datagram -6: 5 is lost, 3 late
        # and repeated. Then a 32-bit sender, and one numbering past 2^32.
        capture_port = 45205
        receiver = self.start_receiver(capture_port, "--interface-name", "lo")
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        for sequence in (1, 2, 4, 3, 3, -6):
            sender.sendto(iperf2_datagram(sequence), (self.GROUP, capture_port))
        old = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        old.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        for sequence in (1, 3, -4):
            old.sendto(iperf2_datagram(sequence, seqno64=False), (self.GROUP, capture_port))
        wide = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        wide.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        for sequence in (2**32 + 1, 2**32 + 2, 2**32 + 5):
            wide.sendto(iperf2_datagram(sequence), (self.GROUP, capture_port))
        ports = [s.getsockname()[1] for s in (sender, old, wide)]
        for s in (sender, old, wide):
            s.close()
        summary = self.receiver_summary(receiver)
        streams = {int(row["sender"].rsplit(":", 1)[1]): row for row in summary["streams"]}
        counts = [(streams[port]["format"], streams[port]["received"], streams[port]["lost"],
                   streams[port]["duplicated"], streams[port]["reordered"]) for port in ports]
        self.assertEqual(counts, [("iperf2", 6, 1, 1, 1), ("iperf2", 3, 1, 0, 0), ("iperf2", 3, 2, 0, 0)])

    def test_formats_and_refusals(self):
        # --format mctx leaves iperf 2's datagrams unstamped; --format
        # iperf2 reads mctx stamps as iperf 2 headers, which they are not.
        for format, expected in (("mctx", ("none", 0)), ("auto", ("iperf2", 1))):
            receiver = self.start_receiver(45206, "--interface-name", "lo", "--format", format)
            sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sender.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
            for sequence in (1, 3):
                sender.sendto(iperf2_datagram(sequence), (self.GROUP, 45206))
            sender.close()
            row = self.receiver_summary(receiver)["streams"][0]
            self.assertEqual((row["format"], row["lost"]), expected)
        for command in ([self.RECV, self.GROUP, "5000", "--format", "iperf3"],
                        [self.SEND, self.GROUP, "5000", "hello", "--format", "iperf2"],
                        [self.SEND, self.GROUP, "5000", "--size", "64", "--format", "iperf"],
                        *([[os.environ["MCTX_RAW_SEND"], "--ip-datagram", "-", "--format", "iperf2"]]
                          if os.environ.get("MCTX_RAW_SEND") else [])):
            result = subprocess.run(command, capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
            self.assertIn("--format", result.stderr)


class MctxSendTest(SenderTests, unittest.TestCase):
    TOOL = os.environ["MCTX_SEND"]
    NAME = "mctx-send"


class MctxAsyncSendTest(SenderTests, unittest.TestCase):
    TOOL = os.environ["MCTX_ASYNC_SEND"]
    NAME = "mctx-async-send"


class MctxSendMetricsTest(MetricsFileTests, unittest.TestCase):
    TOOL = os.environ["MCTX_SEND"]
    NAME = "mctx-send"


class MctxAsyncSendMetricsTest(MetricsFileTests, unittest.TestCase):
    TOOL = os.environ["MCTX_ASYNC_SEND"]
    NAME = "mctx-async-send"


if __name__ == "__main__":
    assert_private_namespace()
    unittest.main(verbosity=2)
