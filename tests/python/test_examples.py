#!/usr/bin/python3
# The examples the README quotes, run against a receiver so that they
# cannot rot. Run by meson inside a private network namespace; paths come
# from the environment.
#
# SPDX-License-Identifier: BSD-2-Clause

import os
import subprocess
import unittest

from mctxtest import assert_private_namespace, ipv4_receiver, receive

SOURCE_DIR = os.environ["MCTX_EXAMPLES_DIR"]


class ExamplesTest(unittest.TestCase):
    def run_example(self, command):
        receiver, _port = ipv4_receiver("239.1.2.3", port=5000)
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout, "sent 15 bytes to 239.1.2.3:5000\n")
            data, ttl, _sender = receive(receiver)
            self.assertEqual((data, ttl), (b"hello multicast", 8))
        finally:
            receiver.close()

    def test_c(self):
        self.run_example([os.environ["MCTX_EXAMPLE_SEND"]])

    def test_python(self):
        self.run_example(["/usr/bin/python3", os.path.join(SOURCE_DIR, "send.py")])

    def test_gjs(self):
        self.run_example(["gjs", os.path.join(SOURCE_DIR, "send.js")])

    def test_python_asyncio(self):
        self.run_example(["/usr/bin/python3", os.path.join(SOURCE_DIR, "send-async.py")])

    def test_gjs_await(self):
        self.run_example(["gjs", os.path.join(SOURCE_DIR, "send-async.js")])

    @unittest.skipUnless(os.environ.get("MCTX_EXAMPLE_SEND_VALA"), "valac is not installed")
    def test_vala(self):
        self.run_example([os.environ["MCTX_EXAMPLE_SEND_VALA"]])


if __name__ == "__main__":
    assert_private_namespace()
    unittest.main(verbosity=2)
