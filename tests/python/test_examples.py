#!/usr/bin/python3
# The examples the README and the guides show, run against receivers so
# that they cannot rot. Run by meson inside a private network namespace,
# on the build tree and again on an installed tree (check-install.sh).
# MCTX_EXAMPLE_BIN_DIR holds the compiled ones (example-NAME),
# MCTX_EXAMPLES_DIR the sources.
#
# SPDX-License-Identifier: BSD-2-Clause

import json
import os
import socket
import subprocess
import sys
import tempfile
import unittest

from mctxtest import assert_private_namespace, ip, ipv4_receiver, ipv6_ssm_receiver, receive

SOURCE_DIR = os.environ["MCTX_EXAMPLES_DIR"]
BIN_DIR = os.environ["MCTX_EXAMPLE_BIN_DIR"]


def binary(name):
    return os.path.join(BIN_DIR, "example-" + name)


def built(name):
    return unittest.skipUnless(os.path.exists(binary(name)), "example-%s is not built" % name)


class ExamplesTest(unittest.TestCase):
    def setUp(self):
        self.receiver, _port = ipv4_receiver("239.1.2.3", port=5000)

    def tearDown(self):
        self.receiver.close()

    def run_example(self, command, *args):
        result = subprocess.run([*command, *args], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def assert_hello(self, command):
        self.assertEqual(self.run_example(command), "sent 15 bytes to 239.1.2.3:5000\n")
        data, ttl, _sender = receive(self.receiver)
        self.assertEqual((data, ttl), (b"hello multicast", 8))

    def test_c(self):
        self.assert_hello([binary("send")])

    def test_python(self):
        self.assert_hello([sys.executable, os.path.join(SOURCE_DIR, "send.py")])

    def test_gjs(self):
        self.assert_hello(["gjs", "-m", os.path.join(SOURCE_DIR, "send.js")])

    def test_python_asyncio(self):
        self.assert_hello([sys.executable, os.path.join(SOURCE_DIR, "send-async.py")])

    def test_gjs_await(self):
        self.assert_hello(["gjs", "-m", os.path.join(SOURCE_DIR, "send-async.js")])

    @built("send-vala")
    def test_vala(self):
        self.assert_hello([binary("send-vala")])

    def test_python_errors(self):
        self.assertEqual(self.run_example([sys.executable, os.path.join(SOURCE_DIR, "errors.py")]),
                         "refused: 10.0.0.1 is not a multicast group (IPv4 224.0.0.0/4 or IPv6 ff00::/8)\n")

    def test_source(self):
        self.assertEqual(self.run_example([binary("source")]), "sent 3 datagrams\n")
        for _ in range(3):
            self.assertEqual(receive(self.receiver)[0], b"hello from a source")

    def test_paced(self):
        out = self.run_example([binary("paced")])
        self.assertTrue(out.endswith("progress: 20 packets\nsent 20 datagrams\n"), out)
        for _ in range(20):
            self.assertEqual(receive(self.receiver)[0], b"paced")

    def assert_paced_for_a_while(self, command):
        out = self.run_example(command)
        count = int(out.split()[1])
        self.assertEqual(out, "sent %d datagrams in 0.1 s\n" % count)
        # A datagram at the start and one every 5 ms until 0.1 s.
        self.assertGreaterEqual(count, 19)
        self.assertLessEqual(count, 21)
        for _ in range(count):
            self.assertEqual(receive(self.receiver)[0], b"paced")
        self.assertIsNone(receive(self.receiver, 0.3))

    def test_paced_python(self):
        self.assert_paced_for_a_while([sys.executable, os.path.join(SOURCE_DIR, "paced.py")])

    def test_paced_gjs(self):
        self.assert_paced_for_a_while(["gjs", "-m", os.path.join(SOURCE_DIR, "paced.js")])

    def assert_metrics_file(self, command, flags):
        path = os.path.join(tempfile.mkdtemp(), "node-1", "network.jsonl")
        self.assertEqual(self.run_example(command, path), "10 packets, 80 bytes\n")
        with open(path) as jsonl:
            header, sample = (json.loads(line) for line in jsonl)
        self.assertEqual((header["schema"], header["node_id"]), ("heimdall-jsonl-v1", "node-1"))
        self.assertEqual(header["flags"], flags)
        self.assertEqual((sample["packets_sent_total"], sample["bytes_sent_delta"]), (10, 80))

    # Built with metrics, as the C example is; the built-in flags win.
    @built("metrics")
    def test_metrics_python(self):
        self.assert_metrics_file([sys.executable, os.path.join(SOURCE_DIR, "metrics.py")],
                                 {"transport": "udp-multicast", "role": "sender", "experiment": "example"})

    @built("metrics")
    def test_metrics_gjs(self):
        self.assert_metrics_file(["gjs", "-m", os.path.join(SOURCE_DIR, "metrics.js")],
                                 {"transport": "udp-multicast", "role": "sender", "experiment": "example"})

    def assert_raw(self, command):
        self.assertEqual(self.run_example(command), "sent 37 bytes from 198.51.100.7\n")
        data, ttl, sender = receive(self.receiver)
        self.assertEqual((data, ttl, sender), (b"hello raw", 8, ("198.51.100.7", 4000)))

    @built("raw-send")
    def test_raw_python(self):
        self.assert_raw([sys.executable, os.path.join(SOURCE_DIR, "raw-send.py")])

    @built("raw-send")
    def test_raw_gjs(self):
        self.assert_raw(["gjs", "-m", os.path.join(SOURCE_DIR, "raw-send.js")])

    def assert_batch(self, command):
        self.assertEqual(self.run_example(command), "batched 64, segmented 3, paired 2\n")
        received = [receive(self.receiver)[0] for _ in range(64 + 3 + 1)]
        self.assertEqual(received[:64], [b"no. %02d" % i for i in range(64)])
        self.assertEqual(received[64:], [b"segment 1 ", b"segment 2 ", b"segment 3 ", b"to the first group"])

    def test_batch_c(self):
        self.assert_batch([binary("batch")])

    def test_batch_python(self):
        self.assert_batch([sys.executable, os.path.join(SOURCE_DIR, "batch.py")])

    @built("metrics")
    def test_metrics(self):
        path = os.path.join(tempfile.mkdtemp(), "node-1", "network.jsonl")
        out = self.run_example([binary("metrics")], path)
        self.assertTrue(out.startswith("10 packets, "), out)
        with open(path) as jsonl:
            header, sample = (json.loads(line) for line in jsonl)
        self.assertEqual((header["schema"], header["node_id"]), ("heimdall-jsonl-v1", "node-1"))
        self.assertEqual((sample["packets_sent_total"], sample["bytes_sent_delta"]), (10, 80))

    @built("raw-send")
    def test_raw_send(self):
        self.assertEqual(self.run_example([binary("raw-send")]), "sent 37 bytes from 198.51.100.7\n")
        data, ttl, sender = receive(self.receiver)
        self.assertEqual((data, ttl, sender), (b"hello raw", 8, ("198.51.100.7", 4000)))


class SsmExampleTest(unittest.TestCase):
    """The SSM examples send over a veth pair of the test's namespace (Linux
    never delivers IPv6 multicast over lo): from fd00:6::1 on ssma to a
    receiver on ssmb subscribed to (fd00:6::1, ff3e::8000:1234)."""

    @classmethod
    def setUpClass(cls):
        ip("link", "add", "ssma", "type", "veth", "peer", "name", "ssmb")
        ip("link", "set", "ssma", "up")
        ip("link", "set", "ssmb", "up")
        ip("address", "add", "fd00:6::1/64", "dev", "ssma", "nodad")
        ip("address", "add", "fd00:6::2/64", "dev", "ssmb", "nodad")

    @classmethod
    def tearDownClass(cls):
        ip("link", "del", "ssma")

    def assert_ssm(self, command):
        receiver, _port = ipv6_ssm_receiver("ff3e::8000:1234", socket.if_nametoindex("ssmb"), "fd00:6::1", port=5000)
        self.addCleanup(receiver.close)
        result = subprocess.run([*command, "fd00:6::1"], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "sent 9 bytes to ff3e::8000:1234 from fd00:6::1\n")
        data, _hops, sender = receive(receiver)
        self.assertEqual((data, sender[0], sender[1] != 0), (b"hello ssm", "fd00:6::1", True))

    @built("ssm")
    def test_c(self):
        self.assert_ssm([binary("ssm")])

    def test_python(self):
        self.assert_ssm([sys.executable, os.path.join(SOURCE_DIR, "ssm.py")])

    def test_gjs(self):
        self.assert_ssm(["gjs", "-m", os.path.join(SOURCE_DIR, "ssm.js")])

    def test_without_a_source(self):
        result = subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "ssm.py")],
                                capture_output=True, text=True, timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("usage: ssm.py SOURCE-ADDRESS", result.stderr)


if __name__ == "__main__":
    assert_private_namespace()
    unittest.main(verbosity=2)
