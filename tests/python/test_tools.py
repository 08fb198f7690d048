#!/usr/bin/python3
# The command-line tools against real receivers, and their refusals of bad
# arguments. Run by meson inside a private network namespace; the tools'
# paths come from the environment (MCTX_SEND).
#
# SPDX-License-Identifier: BSD-2-Clause

import os
import socket
import subprocess
import unittest

from mctxtest import (assert_private_namespace, ip, ipv4_receiver,
                      ipv6_ssm_receiver, receive)

MCTX_SEND = os.environ["MCTX_SEND"]


def run(*args):
    return subprocess.run([MCTX_SEND, *args], capture_output=True, text=True, timeout=30)


class MctxSendTest(unittest.TestCase):
    def test_ipv4_send(self):
        receiver, port = ipv4_receiver("239.1.2.3")
        result = run("239.1.2.3", str(port), "hello", "3", "10",
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
        result = run("239.1.2.3", str(port), "quiet", "2", "0",
                     "--bind", "127.0.0.1:43002", "--interface-name", "lo", "--quiet")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "sent 2 packets, 10 bytes to 239.1.2.3:%d\n" % port)
        self.assertEqual(receive(receiver)[2], ("127.0.0.1", 43002))
        self.assertEqual(receive(receiver)[0], b"quiet")
        receiver.close()

    def test_seed_ipv6_localhost_form(self):
        # Linux routes ff31:: through lo only with the multicast flag and a
        # route; it then sends, though nothing on lo can receive it.
        ip("link", "set", "lo", "multicast", "on")
        ip("-6", "route", "replace", "multicast", "ff00::/8", "dev", "lo", "table", "local")
        result = run("ff31::8000:1234", "5000", "hello-v6", "--source", "::1", "--interface", "::1")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("to [ff31::8000:1234]:5000 from [::1]:", result.stdout)

    def test_ipv6_ssm_over_veth(self):
        ip("link", "add", "toa", "type", "veth", "peer", "name", "tob")
        ip("link", "set", "toa", "up")
        ip("link", "set", "tob", "up")
        ip("address", "add", "fd00::1/64", "dev", "toa", "nodad")
        try:
            receiver, port = ipv6_ssm_receiver("ff31::8000:1234", socket.if_nametoindex("toa"), "fd00::1")
            result = run("ff31::8000:1234", str(port), "hello-v6", "--source", "fd00::1", "--ttl", "3")
            self.assertEqual(result.returncode, 0, result.stderr)
            data, _ttl, sender = receive(receiver)
            self.assertEqual((data, sender[0]), (b"hello-v6", "fd00::1"))
            receiver.close()
        finally:
            ip("link", "del", "toa")

    def test_bad_arguments(self):
        cases = {
            "not multicast": (["10.1.2.3", "5000", "x"], "is not a multicast group"),
            "port 0": (["239.1.2.3", "0", "x"], "Invalid destination port 0"),
            "port 70000": (["239.1.2.3", "70000", "x"], "Invalid destination port 70000"),
            "port text": (["239.1.2.3", "http", "x"], "Invalid port"),
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
            "ttl": (["239.1.2.3", "5000", "x", "--ttl", "256"], "Invalid TTL 256"),
            "index 0": (["239.1.2.3", "5000", "x", "--interface-index", "0"], "interface index 0"),
            "count": (["239.1.2.3", "5000", "x", "many"], "Invalid count"),
            "scope without interface": (["ff32::1", "5000", "x"], "interface-local or link-local"),
            "unknown interface": (["239.1.2.3", "5000", "x", "--interface-name", "nosuch0"],
                                  "No network interface is named"),
        }
        for name, (args, message) in cases.items():
            with self.subTest(name):
                result = run(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stdout, "")
                lines = result.stderr.splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertTrue(lines[0].startswith("mctx-send: "), lines[0])
                self.assertIn(message, lines[0])

    def test_runtime_failure(self):
        result = run("239.1.2.3", "5000", "x", "--source", "192.0.2.1", "--interface", "127.0.0.1")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr,
                         "mctx-send: Could not bind to 192.0.2.1:0: Cannot assign requested address\n")

    def test_help(self):
        result = run("--help")
        self.assertEqual(result.returncode, 0)
        for option in ("--source", "--source-port", "--bind", "--interface", "--interface-index",
                       "--interface-name", "--ttl", "--no-loopback", "--quiet"):
            self.assertIn(option, result.stdout)


if __name__ == "__main__":
    assert_private_namespace()
    unittest.main(verbosity=2)
