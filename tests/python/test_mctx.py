#!/usr/bin/python3
# mctx from PyGObject: the core flow through the typelib, with real
# receivers. Run by meson inside a private network namespace
# (tests/run-in-netns.sh); refuses to run anywhere else.
#
# SPDX-License-Identifier: BSD-2-Clause

import socket
import unittest

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Gio", "2.0")
gi.require_version("Mctx", "1.0")
from gi.repository import Gio, GLib, Mctx  # noqa: E402

from mctxtest import (SILENCE, assert_private_namespace, ip,  # noqa: E402
                      ipv4_receiver, ipv6_ssm_receiver, receive)

GROUP = "239.1.2.3"


class CoreTest(unittest.TestCase):
    def setUp(self):
        self.context = Mctx.Context()
        self.receiver, self.port = ipv4_receiver(GROUP)

    def tearDown(self):
        self.receiver.close()

    def config(self, port=None, **props):
        config = Mctx.UdpPublicationConfig.new(GROUP, self.port if port is None else port)
        config.set_outgoing_interface_string("127.0.0.1")
        for name, value in props.items():
            config.set_property(name, value)
        return config

    def test_send_and_receive(self):
        config = self.config(ttl=7, source_port=42001)
        publication = self.context.add_publication(config)

        report = publication.send_with_report(b"hello from python")

        self.assertEqual(report.get_bytes_sent(), len(b"hello from python"))
        self.assertEqual(report.get_local_address().get_port(), 42001)
        self.assertEqual(report.get_destination().get_address().to_string(), GROUP)
        self.assertEqual(report.get_destination().get_port(), self.port)
        self.assertEqual(report.get_protocol(), 17)

        data, ttl, sender = receive(self.receiver)
        self.assertEqual(data, b"hello from python")
        self.assertEqual(ttl, 7)
        self.assertEqual(sender, ("127.0.0.1", 42001))

    def test_properties(self):
        config = self.config()
        config.props.ttl = 3
        config.props.loopback = True
        publication = self.context.add_publication(config)

        self.assertEqual(self.context.props.n_publications, 1)
        self.assertEqual(publication.props.id, 1)
        self.assertEqual(publication.props.config.props.ttl, 3)
        self.assertEqual(publication.props.destination.get_port(), self.port)
        self.assertEqual(publication.props.local_address.get_address().to_string(), "127.0.0.1")
        self.assertIsInstance(publication.props.socket, Gio.Socket)
        self.assertEqual(publication.fileno(), publication.props.socket.get_fd())
        self.assertEqual(len(self.context), 1)
        self.assertEqual(self.context[0], publication)
        self.assertEqual(list(self.context), [publication])
        # One base type for every kind of publication and configuration.
        self.assertIsInstance(publication, Mctx.Publication)
        self.assertIsInstance(publication, Mctx.UdpPublication)
        self.assertIsInstance(config, Mctx.PublicationConfig)
        self.assertTrue(issubclass(Mctx.RawPublication, Mctx.Publication))
        self.assertTrue(issubclass(Mctx.RawPublicationConfig, Mctx.PublicationConfig))

    def test_bad_group_raises(self):
        with self.assertRaises(GLib.Error) as caught:
            Mctx.UdpPublicationConfig.new("not-an-address", 5000)
        self.assertTrue(caught.exception.matches(Mctx.error_quark(), Mctx.Error.INVALID_ADDRESS))
        self.assertEqual(caught.exception.domain, "mctx-error-quark")
        self.assertIn("not-an-address", caught.exception.message)

        config = Mctx.UdpPublicationConfig.new("10.0.0.1", 5000)
        with self.assertRaises(GLib.Error) as caught:
            self.context.add_publication(config)
        self.assertTrue(caught.exception.matches(Mctx.error_quark(), Mctx.Error.NOT_MULTICAST))
        self.assertEqual(self.context.props.n_publications, 0)

    def test_validation_error_codes(self):
        config = self.config(port=0)
        with self.assertRaises(GLib.Error) as caught:
            config.validate()
        self.assertEqual(caught.exception.code, Mctx.Error.INVALID_PORT)

        config = self.config(port=70000)
        with self.assertRaises(GLib.Error) as caught:
            config.validate()
        self.assertEqual(caught.exception.code, Mctx.Error.INVALID_PORT)

        # Out of range through a property: a GLib.Error, not a critical.
        for name, value, code in (("ttl", 300, Mctx.Error.INVALID_TTL),
                                  ("traffic-class", 256, Mctx.Error.INVALID_TRAFFIC_CLASS)):
            config = self.config()
            config.set_property(name, value)
            with self.assertRaises(GLib.Error) as caught:
                self.context.add_publication(config)
            self.assertEqual(caught.exception.code, code)
        self.assertEqual(self.context.props.n_publications, 0)

        publication = self.context.add_publication(self.config())
        sender = Mctx.PacedSender.new(publication, GLib.Bytes.new(b"x"), 2)
        sender.set_packets_per_second(float("nan"))
        loop = GLib.MainLoop()
        outcome = []

        def done(source, result):
            try:
                source.run_finish(result)
            except GLib.Error as error:
                outcome.append(error)
            loop.quit()

        sender.run_async(GLib.PRIORITY_DEFAULT, None, done)
        loop.run()
        self.assertTrue(outcome[0].matches(Mctx.error_quark(), Mctx.Error.INVALID_RATE))

        config = Mctx.UdpPublicationConfig.new("ff31::8000:1234", 5000)
        with self.assertRaises(GLib.Error) as caught:
            config.validate()
        self.assertEqual(caught.exception.code, Mctx.Error.SCOPE_NEEDS_INTERFACE)

    def test_os_error_names_address(self):
        config = self.config()
        config.set_source_address_string("192.0.2.7")
        with self.assertRaises(GLib.Error) as caught:
            self.context.add_publication(config)
        self.assertEqual(caught.exception.domain, "g-io-error-quark")
        self.assertTrue(caught.exception.message.startswith("Could not bind to 192.0.2.7:0: "))

    def test_send_bytes(self):
        publication = self.context.add_publication(self.config())
        self.assertEqual(publication.send(GLib.Bytes.new(b"glib bytes").get_data()), 10)
        self.assertEqual(receive(self.receiver)[0], b"glib bytes")
        # As Gio.Socket.send(): the number of bytes sent.
        self.assertEqual(publication.send(b"plain"), 5)
        self.assertEqual(receive(self.receiver)[0], b"plain")
        self.assertEqual(publication.send(bytearray(b"array")), 5)
        self.assertEqual(receive(self.receiver)[0], b"array")

    def test_context_send(self):
        publication = self.context.add_publication(self.config())
        self.assertEqual(self.context.get_publication(publication.props.id).send(b"by id"), 5)
        self.assertEqual(receive(self.receiver)[0], b"by id")
        self.assertEqual(self.context.send_many([publication.props.id], [GLib.Bytes.new(b"many")]), 1)
        self.assertEqual(receive(self.receiver)[0], b"many")
        self.assertEqual(self.context.send_all(b"to all"), 1)
        self.assertEqual(receive(self.receiver)[0], b"to all")

    def test_duplicate(self):
        self.context.add_publication(self.config())
        with self.assertRaises(GLib.Error) as caught:
            self.context.add_publication(self.config())
        self.assertEqual(caught.exception.code, Mctx.Error.DUPLICATE_PUBLICATION)
        self.assertEqual(self.context.props.n_publications, 1)

    def test_take_remove_steal(self):
        first = self.context.add_publication(self.config())
        second = self.context.add_publication(self.config(ttl=2))

        taken = self.context.take_publication(first.props.id)
        self.assertEqual(taken, first)
        taken.send(b"taken")
        self.assertEqual(receive(self.receiver)[0], b"taken")

        socket_ = second.steal_socket()
        self.assertIsInstance(socket_, Gio.Socket)
        with self.assertRaises(GLib.Error) as caught:
            second.send(b"x")
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CLOSED))
        socket_.send(b"stolen", None)
        self.assertEqual(receive(self.receiver)[0], b"stolen")

        self.context.remove_publication(second.props.id)
        with self.assertRaises(GLib.Error) as caught:
            self.context.remove_publication(second.props.id)
        self.assertEqual(caught.exception.code, Mctx.Error.PUBLICATION_NOT_FOUND)

        third = self.context.add_publication(self.config(ttl=3))
        self.assertEqual(third.props.id, 3)

    def test_announce_tuple(self):
        config = self.config()
        config.set_bind_address_string("127.0.0.1:42002")
        publication = self.context.add_publication(config)
        ok, source, group, port = publication.get_announce_tuple()
        self.assertTrue(ok)
        self.assertEqual((source.to_string(), group.to_string(), port),
                         ("127.0.0.1", GROUP, self.port))

    def test_with_gsocket(self):
        gsocket = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.DATAGRAM,
                                 Gio.SocketProtocol.UDP)
        publication = self.context.add_publication_with_socket(self.config(), gsocket)
        self.assertEqual(publication.props.socket, gsocket)
        self.assertFalse(gsocket.get_blocking())
        publication.send(b"gsocket")
        self.assertEqual(receive(self.receiver)[0], b"gsocket")

        wrong = Gio.Socket.new(Gio.SocketFamily.IPV6, Gio.SocketType.DATAGRAM,
                               Gio.SocketProtocol.UDP)
        with self.assertRaises(GLib.Error) as caught:
            self.context.add_publication_with_socket(self.config(ttl=9), wrong)
        self.assertEqual(caught.exception.code, Mctx.Error.SOCKET_FAMILY_MISMATCH)

    def test_with_python_socket(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        publication = self.context.add_publication_with_socket(self.config(), sock)
        self.assertNotEqual(publication.fileno(), sock.fileno())  # a duplicate: sock stays ours
        sock.close()
        publication.send(b"python socket")
        self.assertEqual(receive(self.receiver)[0], b"python socket")

        bound = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        bound.bind(("127.0.0.1", 42003))
        with self.assertRaises(GLib.Error) as caught:
            self.context.add_publication_with_socket(self.config(ttl=5, source_port=42004), bound)
        self.assertEqual(caught.exception.code, Mctx.Error.SOCKET_PORT_MISMATCH)
        bound.sendto(b"still mine", ("127.0.0.1", 9))  # the caller still owns it
        bound.close()

    def test_ssm_helper(self):
        self.assertTrue(Mctx.address_is_ssm(Gio.InetAddress.new_from_string("ff3e::8000:1234")))
        self.assertFalse(Mctx.address_is_ssm(Gio.InetAddress.new_from_string("ff12::8000:1234")))
        config = Mctx.UdpPublicationConfig.new("ff31::8000:1234", 5000)
        self.assertTrue(Mctx.address_is_ssm(config.props.group))
        self.assertEqual(Mctx.address_get_multicast_scope(config.props.group),
                         Mctx.MulticastScope.INTERFACE_LOCAL)


class Ipv6Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ip("link", "add", "pya", "type", "veth", "peer", "name", "pyb")
        ip("link", "set", "pya", "up")
        ip("link", "set", "pyb", "up")
        ip("address", "add", "fd00::1/64", "dev", "pya", "nodad")

    @classmethod
    def tearDownClass(cls):
        ip("link", "del", "pya")

    def test_ssm_source_filter(self):
        index = socket.if_nametoindex("pya")
        wanted, port = ipv6_ssm_receiver("ff31::8000:1234", index, "fd00::1")
        other, _ = ipv6_ssm_receiver("ff31::8000:1234", index, "fd00::99", port)

        context = Mctx.Context()
        config = Mctx.UdpPublicationConfig.new("ff31::8000:1234", port)
        config.set_source_address_string("fd00::1")
        publication = context.add_publication(config)
        report = publication.send_with_report(b"hello v6")

        self.assertEqual(report.get_destination().get_scope_id(), index)
        self.assertEqual(report.get_interface_index(), index)
        self.assertEqual(publication.props.interface_index, index)
        data, _ttl, sender = receive(wanted)
        self.assertEqual(data, b"hello v6")
        self.assertEqual(sender[0], "fd00::1")
        self.assertIsNone(receive(other, SILENCE))
        wanted.close()
        other.close()


@unittest.skipUnless(Mctx.raw_get_capabilities() & Mctx.RawCapabilities.IPV4, "no raw transmit")
class PublicationModelTest(unittest.TestCase):
    """One base type, one context, one send vocabulary, from Python: a raw
    publication has what every publication has."""

    def setUp(self):
        self.receiver, self.port = ipv4_receiver(GROUP)
        self.context = Mctx.Context()
        config = Mctx.RawPublicationConfig.new(Gio.SocketFamily.IPV4)
        config.set_interface_name("lo")
        config.props.loopback = True
        self.raw = self.context.add_publication(config)
        local = Gio.InetAddress.new_from_string("127.0.0.1")
        group = Gio.InetAddress.new_from_string(GROUP)
        self.datagram = Mctx.raw_build_udp_datagram(local, 4000, group, self.port, 1, 0, 0, b"raw model")

    def tearDown(self):
        self.receiver.close()

    def run_loop_until(self, done, seconds=5):
        context = GLib.MainContext.default()
        deadline = GLib.get_monotonic_time() + int(seconds * 1e6)
        while not done() and GLib.get_monotonic_time() < deadline:
            context.iteration(True)
        self.assertTrue(done())

    def test_one_context_for_every_kind(self):
        udp = self.context.add_publication(GROUP, self.port, interface="127.0.0.1")
        self.assertIsInstance(self.raw, Mctx.RawPublication)
        self.assertIsInstance(udp, Mctx.UdpPublication)
        for publication in (self.raw, udp):
            self.assertIsInstance(publication, Mctx.Publication)
        self.assertEqual(list(self.context), [self.raw, udp])
        self.assertTrue(issubclass(Mctx.UdpPublicationConfig, Mctx.PublicationConfig))
        self.assertTrue(issubclass(Mctx.RawPublicationConfig, Mctx.PublicationConfig))

    def test_raw_metrics_source_and_async(self):
        # A source that says when the raw socket can send.
        woke = []
        self.raw.watch(GLib.PRIORITY_DEFAULT, None, lambda pub, cond, data: woke.append(cond) and False, None)
        self.run_loop_until(lambda: woke)
        self.assertTrue(woke[0] & GLib.IOCondition.OUT)

        # An async send that finishes with the bytes sent, as send() returns.
        results = []
        self.raw.send_async(self.datagram, GLib.PRIORITY_DEFAULT, None,
                            lambda pub, result: results.append(pub.send_finish(result)))
        self.run_loop_until(lambda: results)
        self.assertEqual(results, [self.datagram.get_size()])
        self.assertEqual(receive(self.receiver)[0], b"raw model")

        snapshot = self.raw.snapshot_metrics()
        if snapshot is not None:  # a build that counts its sends
            self.assertEqual((snapshot.packets_sent, snapshot.bytes_sent, snapshot.send_errors),
                             (1, self.datagram.get_size(), 0))

    def test_raw_paced_run_at_its_rate(self):
        arrivals = []

        def readable(fd, condition):
            while True:
                try:
                    self.receiver.recv(2048, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    return GLib.SOURCE_CONTINUE
                arrivals.append(GLib.get_monotonic_time())

        watch = GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, self.receiver.fileno(), GLib.IOCondition.IN, readable)
        sender = Mctx.PacedSender.new(self.raw, self.datagram, 20)
        sender.props.packets_per_second = 100
        # The library never spins unless asked to.
        self.assertEqual(sender.props.spin, 0)
        finished = []
        sender.run_async(GLib.PRIORITY_DEFAULT, None, lambda s, result: finished.append(s.run_finish(result)))
        self.run_loop_until(lambda: finished and len(arrivals) == 20)
        GLib.source_remove(watch)
        self.assertEqual(finished, [True])
        # 19 intervals of 10 ms, as the receiver saw them.
        spread = (arrivals[-1] - arrivals[0]) / 1e6
        self.assertGreater(spread, 0.15)
        self.assertLess(spread, 1.0)

    def test_partial_context_sends_return(self):
        udp = self.context.add_publication(GROUP, self.port, interface="127.0.0.1", ttl=2)
        lost = self.context.add_publication(GROUP, self.port, interface="127.0.0.1", ttl=3)
        lost.steal_socket()
        # Three publications, one without a socket: 2 went, and no exception.
        self.assertEqual(self.context.send_all(self.datagram.get_data()), 2)
        self.assertEqual(self.context.send_many([(udp.props.id, b"a"), (lost.props.id, b"b")]), 1)


class PacedSenderSettingsTest(unittest.TestCase):
    """The paced sender's schedule settings through the typelib: the one
    pacing object an application sees."""

    def setUp(self):
        self.context = Mctx.Context()
        self.publication = self.context.add_publication(GROUP, 5000, interface="127.0.0.1")
        self.sender = Mctx.PacedSender.new(self.publication, GLib.Bytes.new(b"x"), 0)

    def test_defaults_and_modes(self):
        sender = self.sender
        # A library never spins unless asked to, and runs until stopped.
        self.assertEqual((sender.props.spin, sender.props.duration), (0, 0.0))
        self.assertEqual(sender.props.catch_up, Mctx.CatchUp.BURST)
        self.assertEqual(sender.props.pacing_mode, Mctx.PacingMode.UNLIMITED)
        sender.props.packets_per_second = 1000
        self.assertEqual(sender.props.pacing_mode, Mctx.PacingMode.PER_DATAGRAM)
        sender.props.packets_per_second = 100000
        self.assertEqual(sender.props.pacing_mode, Mctx.PacingMode.BATCHED)

    def test_settings(self):
        sender = self.sender
        sender.props.max_burst = 4
        sender.props.catch_up = Mctx.CatchUp.DROP
        sender.set_spin(300)
        sender.set_duration(2.5)
        self.assertEqual((sender.get_max_burst(), sender.get_catch_up(), sender.get_spin(), sender.get_duration()),
                         (4, Mctx.CatchUp.DROP, 300, 2.5))
        # Every value is valid: any negative spin is the automatic lead,
        # and a negative or infinite duration no limit.
        sender.set_spin(-40)
        self.assertEqual(sender.get_spin(), -1)
        sender.set_duration(float("inf"))
        self.assertEqual(sender.get_duration(), 0.0)


if __name__ == "__main__":
    assert_private_namespace()
    unittest.main(verbosity=2)
