#!/usr/bin/python3
# The PyGObject overrides: keyword configuration, bytes-like payloads,
# plain tuples, and AsyncPublication on a plain asyncio loop. Run by meson
# inside a private network namespace.
#
# SPDX-License-Identifier: BSD-2-Clause

import asyncio
import errno
import socket
import subprocess
import unittest

import gi

gi.require_version("Gio", "2.0")
gi.require_version("Mctx", "1.0")
from gi.repository import Gio, GLib, Mctx  # noqa: E402

from mctxtest import assert_private_namespace, ip, ipv4_receiver, receive  # noqa: E402

GROUP = "239.1.2.3"


class OverridesTest(unittest.TestCase):
    def setUp(self):
        self.receiver, self.port = ipv4_receiver(GROUP)
        self.context = Mctx.Context()

    def tearDown(self):
        self.receiver.close()

    def test_keyword_add(self):
        publication = self.context.add_publication(GROUP, self.port, interface="127.0.0.1",
                                                   source_port=44001, ttl=8, loopback=True)
        report = publication.send_with_report(b"keywords")
        self.assertEqual(report.bytes_sent, 8)
        self.assertEqual(report.local_address.get_address().to_string(), "127.0.0.1")
        self.assertEqual(report.local_address.get_port(), 44001)
        self.assertEqual((report.protocol, report.interface_index), (17, publication.props.interface_index))
        self.assertEqual(report.destination.get_port(), self.port)
        self.assertIn("8 bytes to 239.1.2.3:%d" % self.port, repr(report))
        data, ttl, sender = receive(self.receiver)
        self.assertEqual((data, ttl, sender), (b"keywords", 8, ("127.0.0.1", 44001)))

    def test_batch_and_segmented(self):
        publication = self.context.add_publication(GROUP, self.port, interface="127.0.0.1", loopback=True)
        datagrams = [b"one", bytearray(b"two"), memoryview(b"three"), GLib.Bytes.new(b"four")]
        self.assertEqual(publication.send_many(datagrams), 4)
        self.assertEqual([receive(self.receiver)[0] for _ in datagrams], [b"one", b"two", b"three", b"four"])
        segments = [b"aaaa", memoryview(b"bbbb"), b"cc"]
        self.assertEqual(publication.send_many(segments, Mctx.SendFlags.SEGMENTED), 3)
        self.assertEqual([receive(self.receiver)[0] for _ in range(3)], [b"aaaa", b"bbbb", b"cc"])
        if hasattr(Mctx, "HAS_METRICS"):  # a build that counts its sends
            snapshot = publication.snapshot_metrics()
            self.assertEqual((snapshot.packets_sent, snapshot.bytes_sent, snapshot.send_errors), (7, 15 + 10, 0))
        self.context.remove_publication(publication.props.id)
        with self.assertRaises(OSError) as caught:
            publication.send_many([b"x"])
        self.assertEqual(caught.exception.errno, errno.EBADF)

    def test_shared_sockets_and_context_batch(self):
        first = self.context.add_publication(GROUP, self.port, interface="127.0.0.1", shared_socket=True)
        second = self.context.add_publication("239.1.2.4", self.port, interface="127.0.0.1", shared_socket=True)
        self.assertEqual(first.fileno(), second.fileno())
        self.assertIsNone(first.steal_socket())
        sent = self.context.send_many([(first.props.id, b"a"), (second.props.id, bytearray(b"b")),
                                       (first.props.id, memoryview(b"c"))])
        self.assertEqual(sent, 3)
        self.assertEqual([receive(self.receiver)[0] for _ in range(2)], [b"a", b"c"])
        with self.assertRaises(GLib.Error) as caught:
            self.context.send_many([(12345, b"x")])
        self.assertTrue(caught.exception.matches(Mctx.error_quark(), Mctx.Error.PUBLICATION_NOT_FOUND))

    def test_stamps(self):
        stamp = Mctx.Stamp.new(5, 99, Mctx.stamp_now(), Mctx.StampFlags.LAST)
        payload = stamp.build(100).get_data()
        self.assertEqual((len(payload), payload[:4]), (100, b"MCTX"))
        parsed = Mctx.Stamp.parse(payload)
        self.assertEqual((parsed.get_stream_id(), parsed.get_sequence(), parsed.get_flags()),
                         (5, 99, Mctx.StampFlags.LAST))
        with self.assertRaises(GLib.Error) as caught:
            Mctx.Stamp.parse(b"not a stamped payload at all, no")
        self.assertTrue(caught.exception.matches(Mctx.error_quark(), Mctx.Error.NOT_STAMPED))
        config = Mctx.UdpPublicationConfig(GROUP, 5000, traffic_class=46 << 2, send_buffer_size=65536)
        self.assertEqual((config.props.traffic_class, config.props.send_buffer_size), (184, 65536))

    def test_config_keywords(self):
        config = Mctx.UdpPublicationConfig("ff3e::8000:1234", 5000, source="fd00::10",
                                        interface_name="eth0", ttl=4, loopback=False)
        self.assertEqual(config.props.group.to_string(), "ff3e::8000:1234")
        self.assertEqual(config.props.port, 5000)
        self.assertEqual(config.props.source_address.to_string(), "fd00::10")
        self.assertEqual(config.props.interface_name, "eth0")
        self.assertEqual((config.props.ttl, config.props.loopback), (4, False))

        bound = Mctx.UdpPublicationConfig(GROUP, 5000, bind="127.0.0.1:44002")
        self.assertEqual(bound.props.source_port, 44002)
        plain = Mctx.UdpPublicationConfig()
        self.assertIsNone(plain.props.group)

    def test_publication_only_from_a_context(self):
        for kind in (Mctx.UdpPublication, Mctx.RawPublication):
            with self.subTest(kind=kind):
                with self.assertRaises(GLib.Error) as caught:
                    kind()
                self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_SUPPORTED))
                self.assertIn("add_publication()", caught.exception.message)

    def test_os_errors(self):
        publication = self.context.add_publication(GROUP, self.port, interface="127.0.0.1")
        self.context.remove_publication(publication.props.id)
        with self.assertRaises(OSError) as caught:
            publication.send(b"gone")
        self.assertEqual(caught.exception.errno, errno.EBADF)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CLOSED))

        holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        holder.bind(("127.0.0.1", 0))
        with self.assertRaises(OSError) as caught:
            self.context.add_publication(GROUP, self.port, interface="127.0.0.1",
                                         bind="127.0.0.1:%d" % holder.getsockname()[1])
        self.assertEqual(caught.exception.errno, errno.EADDRINUSE)
        self.assertIsInstance(caught.exception, GLib.Error)
        holder.close()

        # A refusal of the configuration is mctx's, not the system's.
        with self.assertRaises(GLib.Error) as caught:
            self.context.add_publication(GROUP, 0)
        self.assertNotIsInstance(caught.exception, OSError)
        self.assertTrue(caught.exception.matches(Mctx.error_quark(), Mctx.Error.INVALID_PORT))

    def test_bytes_like_payloads(self):
        publication = self.context.add_publication(GROUP, self.port, interface="127.0.0.1")
        for payload in (b"bytes", bytearray(b"bytearray"), memoryview(b"memoryview")):
            self.assertEqual(publication.send(payload), len(payload))
            self.assertEqual(receive(self.receiver)[0], bytes(payload))
        self.assertEqual(publication.send_with_report(bytearray(b"reported")).get_bytes_sent(), 8)
        self.assertEqual(receive(self.receiver)[0], b"reported")
        self.assertEqual(self.context.send_all(memoryview(b"all")), 1)
        self.assertEqual(receive(self.receiver)[0], b"all")

    def test_fileno_and_metrics_attributes(self):
        import selectors
        publication = self.context.add_publication(GROUP, self.port, interface="127.0.0.1")
        with selectors.DefaultSelector() as selector:
            selector.register(publication, selectors.EVENT_WRITE)
            self.assertEqual(len(selector.select(timeout=1)), 1)
            selector.unregister(publication)
        if hasattr(Mctx, "HAS_METRICS"):  # a build that counts its sends
            before = publication.snapshot_metrics()
            publication.send(b"counted")
            after = publication.snapshot_metrics()
            self.assertEqual((after.packets_sent, after.bytes_sent, after.send_errors), (1, 7, 0))
            delta = after.delta(before)
            self.assertEqual(delta.packets_sent, 1)
            self.assertGreater(delta.interval, 0)
            self.assertEqual(delta.later.packets_sent, 1)
            self.assertEqual(after.get_counter(Mctx.MetricsCounter.SEND_CALLS), 1)
            self.assertAlmostEqual(delta.get_rate(Mctx.MetricsCounter.BYTES_SENT), 7 / delta.interval)
        self.context.remove_publication(publication.props.id)
        with self.assertRaises(ValueError):
            publication.fileno()

    def test_bytes_like_and_dict_arguments(self):
        publication = self.context.add_publication(GROUP, self.port, interface="127.0.0.1")
        self.assertEqual(publication.send(memoryview(b"as bytes")), 8)
        self.assertEqual(receive(self.receiver)[0], b"as bytes")
        if hasattr(Mctx, "HAS_METRICS"):
            import json
            import os
            import tempfile
            path = os.path.join(tempfile.mkdtemp(), "flags.jsonl")
            writer = Mctx.MetricsWriter.new(path, "mctx/test", "n1", {"experiment": "dict", "runs": [1, 2]})
            writer.close()
            with open(path) as jsonl:
                header = json.loads(jsonl.readline())
            self.assertEqual(header["flags"]["experiment"], "dict")
            self.assertEqual(header["flags"]["runs"], [1, 2])

    def test_partial_send_all(self):
        first = self.context.add_publication(GROUP, self.port, interface="127.0.0.1")
        second = self.context.add_publication(GROUP, self.port, interface="127.0.0.1", ttl=2)
        third = self.context.add_publication(GROUP, self.port, interface="127.0.0.1", ttl=3)
        second.steal_socket()
        # Two of three went: the count, not an exception that would lose it.
        self.assertEqual(self.context.send_all(bytearray(b"to all")), 2)
        self.assertEqual([receive(self.receiver)[0] for _ in range(2)], [b"to all", b"to all"])
        first.steal_socket()
        third.steal_socket()
        with self.assertRaises(OSError) as caught:
            self.context.send_all(b"to none")
        self.assertEqual(caught.exception.errno, errno.EBADF)

    def test_announce_tuple_and_repr(self):
        publication = self.context.add_publication(GROUP, self.port, bind="127.0.0.1:44003",
                                                   interface="127.0.0.1")
        self.assertEqual(publication.announce_tuple, ("127.0.0.1", GROUP, self.port))
        self.assertEqual(repr(publication), "<Mctx.UdpPublication id=1 239.1.2.3:%d>" % self.port)

    def test_bind_failure_has_errno(self):
        # GIO files EADDRNOTAVAIL under FAILED; the exception still says it.
        with self.assertRaises(OSError) as caught:
            self.context.add_publication(GROUP, 5000, source="192.0.2.7")
        self.assertEqual(caught.exception.errno, errno.EADDRNOTAVAIL)
        self.assertIsInstance(caught.exception, GLib.Error)
        self.assertTrue(caught.exception.message.startswith("Could not bind to 192.0.2.7:0: "))

    def test_helpers_take_strings(self):
        self.assertTrue(Mctx.address_is_ssm("ff3e::1"))
        self.assertFalse(Mctx.address_is_ssm("ff12::1"))
        self.assertTrue(Mctx.address_is_ssm(Gio.InetAddress.new_from_string("ff3e::1")))
        self.assertEqual(Mctx.address_get_multicast_scope("ff02::1"), Mctx.MulticastScope.LINK_LOCAL)
        self.assertTrue(Mctx.address_scope_needs_interface("ff01::1"))
        with self.assertRaises(GLib.Error) as caught:
            Mctx.address_is_ssm("not an address")
        self.assertTrue(caught.exception.matches(Mctx.error_quark(), Mctx.Error.INVALID_ADDRESS))
        if hasattr(Mctx, "raw_build_udp_datagram"):
            datagram = Mctx.raw_build_udp_datagram("192.0.2.1", 4000, "239.1.2.3", 5000, 1, 0, 0, bytearray(b"x"))
            config = Mctx.RawPublicationConfig(family=Gio.SocketFamily.IPV4)
            self.assertTrue(config.validate_datagram(datagram.get_data()))

    def test_errors(self):
        with self.assertRaises(GLib.Error) as caught:
            self.context.add_publication(GROUP, 0)
        self.assertTrue(caught.exception.matches(Mctx.error_quark(), Mctx.Error.INVALID_PORT))
        with self.assertRaises(GLib.Error) as caught:
            self.context.add_publication("not-a-group", 5000)
        self.assertTrue(caught.exception.matches(Mctx.error_quark(), Mctx.Error.INVALID_ADDRESS))
        with self.assertRaises(GLib.Error) as caught:
            self.context.add_publication(GROUP, 5000, source="fd00::1")
        self.assertTrue(caught.exception.matches(Mctx.error_quark(), Mctx.Error.SOURCE_FAMILY_MISMATCH))
        with self.assertRaises(TypeError):
            self.context.add_publication(Mctx.UdpPublicationConfig(GROUP, 5000), ttl=3)
        self.assertEqual(self.context.props.n_publications, 0)

    def test_watch_on_main_loop(self):
        publication = self.context.add_publication(GROUP, self.port, interface="127.0.0.1")
        loop = GLib.MainLoop()
        sent = []

        def writable(pub, condition, data):
            self.assertTrue(condition & GLib.IOCondition.OUT)
            pub.send(b"from a watch %d" % len(sent))
            sent.append(data)
            if len(sent) == 2:
                loop.quit()
                return GLib.SOURCE_REMOVE
            return GLib.SOURCE_CONTINUE

        source = publication.watch(GLib.PRIORITY_DEFAULT, None, writable, "data")
        GLib.timeout_add_seconds(5, loop.quit)
        loop.run()
        self.assertTrue(source.is_destroyed())
        self.assertEqual(sent, ["data", "data"])
        self.assertEqual(receive(self.receiver)[0], b"from a watch 0")
        self.assertEqual(receive(self.receiver)[0], b"from a watch 1")

    def test_paced_sender_on_main_loop(self):
        publication = self.context.add_publication(GROUP, self.port, interface="127.0.0.1")
        sender = Mctx.PacedSender.new(publication, bytearray(b"paced"), 10)
        sender.props.packets_per_second = 500
        loop = GLib.MainLoop()
        outcome = []

        def done(sender, result):
            outcome.append(sender.run_finish(result))
            loop.quit()

        sender.run_async(GLib.PRIORITY_DEFAULT, None, done)
        loop.run()
        self.assertEqual(outcome, [True])
        self.assertEqual(sender.props.packets_sent, 10)
        for _ in range(10):
            self.assertEqual(receive(self.receiver)[0], b"paced")

    def test_paced_sender_awaited_from_asyncio(self):
        publication = self.context.add_publication(GROUP, self.port, interface="127.0.0.1")

        async def main():
            sender = Mctx.PacedSender.new(publication, b"awaited", 5)
            sender.set_packets_per_second(500)
            self.assertTrue(await sender.run())
            self.assertEqual(sender.props.packets_sent, 5)

            endless = Mctx.PacedSender.new(publication, b"endless", 0)
            endless.set_packets_per_second(100)
            task = asyncio.ensure_future(endless.run())
            await asyncio.sleep(0.1)
            task.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await task
            return endless.props.packets_sent

        sent_before_cancel = asyncio.run(main())
        self.assertGreater(sent_before_cancel, 0)
        for _ in range(5):
            self.assertEqual(receive(self.receiver)[0], b"awaited")

    def test_asyncio_send(self):
        publication = self.context.add_publication(GROUP, self.port, interface="127.0.0.1")

        async def main():
            sender = Mctx.AsyncPublication(publication)
            return [await sender.send(b"async %d" % i) for i in range(3)]

        self.assertEqual(asyncio.run(main()), [7, 7, 7])
        for i in range(3):
            self.assertEqual(receive(self.receiver)[0], b"async %d" % i)


class AsyncPartialTest(unittest.TestCase):
    """A failure part-way through a batch never loses the count of what
    went: a retry must not send those datagrams twice."""

    def test_send_many_returns_what_went(self):
        receiver, port = ipv4_receiver(GROUP)
        context = Mctx.Context()
        publication = context.add_publication(GROUP, port, interface="127.0.0.1")
        # The eleventh is larger than any UDP datagram: EMSGSIZE.
        datagrams = [b"went %d" % i for i in range(10)] + [bytes(70000)] + [b"never"] * 5

        async def main():
            return await Mctx.AsyncPublication(publication).send_many(datagrams)

        self.assertEqual(asyncio.run(main()), 10)
        with self.assertRaises(OSError) as caught:
            publication.send_many(datagrams[10:])
        self.assertEqual(caught.exception.errno, errno.EMSGSIZE)
        self.assertEqual([receive(receiver)[0] for _ in range(10)], [b"went %d" % i for i in range(10)])
        receiver.close()


class AsyncWouldBlockTest(unittest.TestCase):
    """AsyncPublication on a full send buffer: a link whose token bucket
    holds the packets at 8 kbit/s keeps it full until the queue is deleted."""

    def setUp(self):
        ip("link", "add", "aslow0", "type", "veth", "peer", "name", "aslow1")
        ip("link", "set", "aslow0", "up")
        ip("link", "set", "aslow1", "up")
        ip("address", "add", "198.51.100.1/24", "dev", "aslow0")
        subprocess_tc("add")
        self.context = Mctx.Context()
        self.publication = self.context.add_publication(GROUP, 5000, interface="198.51.100.1")
        self.publication.props.socket.set_option(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        while True:
            try:
                self.publication.send(bytes(1000))
            except BlockingIOError as error:
                # Python's exception, and still the GLib.Error it was.
                self.assertEqual(error.errno, errno.EAGAIN)
                self.assertIsInstance(error, GLib.Error)
                self.assertTrue(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.WOULD_BLOCK))
                break

    def tearDown(self):
        ip("link", "del", "aslow0")

    def test_waits_for_writable(self):
        async def main():
            loop = asyncio.get_running_loop()
            sender = Mctx.AsyncPublication(self.publication)
            send = asyncio.ensure_future(sender.send(b"after the wait"))
            await asyncio.sleep(0.2)
            self.assertFalse(send.done())  # still waiting, the loop runs
            loop.call_soon(subprocess_tc, "del")
            return await asyncio.wait_for(send, 10)

        self.assertEqual(asyncio.run(main()), 14)

    def test_batch_waits_for_writable(self):
        async def main():
            loop = asyncio.get_running_loop()
            sender = Mctx.AsyncPublication(self.publication)
            batch = asyncio.ensure_future(sender.send_many([b"one", bytearray(b"two"), memoryview(b"three")]))
            await asyncio.sleep(0.2)
            self.assertFalse(batch.done())  # the buffer is full: waiting
            loop.call_soon(subprocess_tc, "del")
            return await asyncio.wait_for(batch, 10)

        self.assertEqual(asyncio.run(main()), 3)

    def test_removed_while_waiting(self):
        async def main():
            sender = Mctx.AsyncPublication(self.publication)
            send = asyncio.ensure_future(sender.send(b"never"))
            await asyncio.sleep(0.1)
            self.context.remove_publication(self.publication.props.id)
            await asyncio.wait_for(send, 10)

        with self.assertRaises(GLib.Error) as caught:
            asyncio.run(main())
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CLOSED))


def subprocess_tc(action):
    args = ["tc", "qdisc", action, "dev", "aslow0", "root"]
    if action == "add":
        args += ["tbf", "rate", "8kbit", "burst", "1600", "limit", "10000000"]
    subprocess.run(args, check=True)


@unittest.skipUnless(Mctx.raw_get_capabilities() & Mctx.RawCapabilities.IPV4_CONTROL, "no raw control transmit")
class RawControlTest(unittest.TestCase):
    """A control publication from Python: keyword configuration, bytes-like
    datagrams, a unicast destination that a plain socket receives."""

    def test_unicast_udp_through_lo(self):
        receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(2)
        port = receiver.getsockname()[1]
        config = Mctx.RawPublicationConfig(family=Gio.SocketFamily.IPV4, mode=Mctx.RawMode.CONTROL,
                                           interface_name="lo")
        self.assertEqual(config.props.mode, Mctx.RawMode.CONTROL)
        local = Gio.InetAddress.new_from_string("127.0.0.1")
        datagram = Mctx.raw_build_udp_datagram(local, 4000, local, port, 64, 0, 0, b"control").get_data()

        self.assertTrue(config.validate_datagram(memoryview(datagram)))
        broken = bytearray(datagram)
        broken[10] ^= 0xff
        with self.assertRaises(GLib.Error) as caught:
            config.validate_datagram(broken)
        self.assertTrue(caught.exception.matches(Mctx.error_quark(), Mctx.Error.RAW_HEADER_CHECKSUM))
        # The multicast rules would refuse a unicast destination.
        with self.assertRaises(GLib.Error):
            Mctx.RawPublicationConfig(family=Gio.SocketFamily.IPV4).validate_datagram(datagram)

        context = Mctx.Context()
        publication = context.add_publication(config)
        report = publication.send_with_report(bytearray(datagram))
        self.assertEqual((report.bytes_sent, report.protocol), (len(datagram), 17))
        self.assertEqual(report.local_address.get_port(), 4000)
        self.assertEqual(report.destination.get_port(), port)
        data, sender = receiver.recvfrom(100)
        self.assertEqual((data, sender), (b"control", ("127.0.0.1", 4000)))
        self.assertEqual(publication.send_many([datagram, memoryview(datagram), broken, datagram]), 2)
        self.assertEqual([receiver.recvfrom(100)[0] for _ in range(2)], [b"control", b"control"])
        receiver.close()

        unpinned = Mctx.RawPublicationConfig(family=Gio.SocketFamily.IPV4, mode=Mctx.RawMode.CONTROL)
        with self.assertRaises(GLib.Error) as caught:
            context.add_publication(unpinned)
        self.assertTrue(caught.exception.matches(Mctx.error_quark(), Mctx.Error.RAW_NEEDS_INTERFACE))


if __name__ == "__main__":
    assert_private_namespace()
    unittest.main(verbosity=2)
