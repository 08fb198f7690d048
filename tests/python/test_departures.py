#!/usr/bin/python3
# Departure timestamps and the error queue, through the typelib: the
# sender's own measure against a receiver's kernel timestamps, timestamps
# that never come, and ICMP errors from a peer about earlier datagrams.
# Run by meson inside a private network namespace (tests/run-in-netns.sh).
#
# SPDX-License-Identifier: BSD-2-Clause

import json
import select
import socket
import statistics
import struct
import subprocess
import time
import unittest

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Gio", "2.0")
gi.require_version("Mctx", "1.0")
from gi.repository import Gio, GLib, Mctx  # noqa: E402

from mctxtest import assert_private_namespace, ip, ipv4_receiver  # noqa: E402

GROUP = "239.1.2.3"
SO_TIMESTAMPNS = 35
SO_RCVBUFFORCE = 33
SCM_TIMESTAMPNS = SO_TIMESTAMPNS
ETH_P_IP = 0x0800


def run_paced(sender):
    loop = GLib.MainLoop()
    outcome = []

    def done(source, result):
        outcome.append(source.run_finish(result))
        loop.quit()

    sender.run_async(GLib.PRIORITY_DEFAULT, None, done)
    loop.run()
    return outcome[0]


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.999999) - 1))]


@unittest.skipUnless(hasattr(Mctx, "HAS_METRICS"), "a build without metrics measures nothing")
class DeparturesTest(unittest.TestCase):
    def setUp(self):
        self.context = Mctx.Context()
        self.receiver, self.port = ipv4_receiver(GROUP)

    def tearDown(self):
        self.receiver.close()

    def publication(self, **settings):
        return self.context.add_publication(GROUP, self.port, interface="127.0.0.1",
                                            departure_timestamps=True, **settings)

    def test_sends_are_measured(self):
        publication = self.publication()
        for _ in range(50):
            publication.send(b"measured")
        self.assertEqual(publication.send_many([b"a", b"b", b"c"]), 3)
        self.assertEqual(publication.send_many([b"dddd", b"eeee", b"ff"], Mctx.SendFlags.SEGMENTED), 3)
        time.sleep(0.05)
        snapshot = publication.snapshot_metrics()
        # One timestamp per datagram, and one for the segmented send.
        self.assertEqual(snapshot.departures_measured, 54)
        self.assertEqual(snapshot.departures_missing, 0)
        median, largest = snapshot.get_departure_error(0.5), snapshot.get_departure_error(1.0)
        self.assertGreaterEqual(median, 0)
        self.assertLessEqual(median, largest)
        # Without the property nothing is measured.
        plain = self.context.add_publication(GROUP, self.port + 1, interface="127.0.0.1")
        plain.send(b"x")
        self.assertEqual(plain.snapshot_metrics().get_departure_error(0.5), -1)
        self.assertEqual(plain.snapshot_metrics().departures_measured, 0)

    def test_raw_publications_measured(self):
        """Raw datagrams: IPv4 through IP_HDRINCL on lo, IPv6 through a
        packet socket on a veth; a timestamp each."""
        ip("link", "add", "dra", "type", "veth", "peer", "name", "drb")
        self.addCleanup(ip, "link", "del", "dra")
        ip("link", "set", "dra", "up")
        ip("link", "set", "drb", "up")
        ip("addr", "add", "fd00:78::1/64", "dev", "dra", "nodad")
        for family, source, group, egress in ((Gio.SocketFamily.IPV4, "127.0.0.1", GROUP, "lo"),
                                              (Gio.SocketFamily.IPV6, "fd00:78::1", "ff3e::8000:1234", "dra")):
            config = Mctx.RawPublicationConfig(family=family, interface_name=egress, departure_timestamps=True)
            publication = self.context.add_publication(config)
            datagram = Mctx.raw_build_udp_datagram(source, 4000, group, self.port, 1, 0, 0, b"raw").get_data()
            for _ in range(20):
                publication.send(datagram)
            self.assertEqual(publication.send_many([datagram] * 10), 10)
            time.sleep(0.05)
            snapshot = publication.snapshot_metrics()
            self.assertEqual((snapshot.departures_measured, snapshot.departures_missing), (30, 0), family)
            self.assertGreaterEqual(snapshot.get_departure_error(0.99), 0)

    def test_shared_socket_refused(self):
        with self.assertRaises(GLib.Error) as caught:
            self.publication(shared_socket=True)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_SUPPORTED))

    def test_agrees_with_receiver_timestamps(self):
        """The sender's p99 departure error against a receiver that reads
        the kernel's arrival timestamps: within max(10 µs, 25 %)."""
        self.receiver.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.receiver.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 1 << 22)   # the whole run
        publication = self.publication()
        count, rate = 400, 1000
        sender = Mctx.PacedSender.new(publication, b"paced", count)
        sender.props.packets_per_second = rate
        sender.props.spin = 100   # precise enough that the shape, not the noise, is compared
        self.assertTrue(run_paced(sender))
        time.sleep(0.01)
        snapshot = publication.snapshot_metrics()
        self.assertEqual(snapshot.departures_measured, count)
        self.assertEqual(snapshot.departures_missing, 0)

        arrivals = []
        while select.select([self.receiver], [], [], 0.2)[0] and len(arrivals) < count:
            _data, ancillary, _flags, _sender = self.receiver.recvmsg(64, socket.CMSG_SPACE(16))
            for level, kind, value in ancillary:
                if level == socket.SOL_SOCKET and kind == SCM_TIMESTAMPNS:
                    seconds, nanoseconds = struct.unpack("=qq", value[:16])
                    arrivals.append(seconds * 1e6 + nanoseconds / 1e3)
        self.assertEqual(len(arrivals), count)

        # The receiver knows the interval, not the schedule's start: it
        # lines its slots up with the sender's median error.
        step = 1e6 / rate
        offsets = [arrival - i * step for i, arrival in enumerate(arrivals)]
        start = statistics.median(offsets) - snapshot.get_departure_error(0.5)
        errors = [abs(offset - start) for offset in offsets]
        sender_p99, receiver_p99 = snapshot.get_departure_error(0.99), quantile(errors, 0.99)
        print("p99: sender %.1f µs, receiver %.1f µs" % (sender_p99, receiver_p99))
        # The sender's quantiles are bucket bounds, at most 12.5 % high.
        self.assertLessEqual(abs(sender_p99 - receiver_p99), max(10.0, 0.25 * max(sender_p99, receiver_p99)) +
                             0.125 * sender_p99)

    def test_missing_timestamps_counted(self):
        """Timestamps nobody reads in time overflow the error queue, and the
        kernel drops them: each is counted missing, none is guessed."""
        # sendmmsg() of 50 at a time, and nothing reads the error queue.
        publication = self.publication()
        # Fewer than the 4096 the publication waits for at once, more than the
        # 1 MiB of receive buffer it asks for holds (about 2 500).
        self.assertEqual(sum(publication.send_many([b"unread"] * 50) for _ in range(80)), 4000)
        time.sleep(0.05)
        early = publication.snapshot_metrics()
        # The queue, charged to the receive buffer, held a few hundred; the
        # rest wait to be given up on.
        self.assertGreater(early.departures_measured, 0)
        self.assertLess(early.departures_measured, 4000)
        time.sleep(1.1)   # past the second after which a timestamp never comes
        late = publication.snapshot_metrics()
        self.assertEqual(late.departures_measured, early.departures_measured)
        self.assertEqual(late.departures_missing, 4000 - late.departures_measured)

        # Beyond 4096 unanswered, the oldest are given up at once.
        for _ in range(100):
            publication.send_many([b"unread"] * 50)
        self.assertGreaterEqual(publication.snapshot_metrics().departures_missing,
                                late.departures_missing + 5000 - 4096)


def mac_address(link):
    output = subprocess.run(["ip", "-j", "link", "show", link], check=True, capture_output=True, text=True).stdout
    return bytes.fromhex(json.loads(output)[0]["address"].replace(":", ""))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


@unittest.skipUnless(hasattr(Mctx, "HAS_METRICS"), "a build without metrics counts nothing")
class ErrorQueueTest(unittest.TestCase):
    """A peer on a veth pair answers a datagram with ICMP: the publication
    counts it and emits ::socket-error with the reporter and the MTU."""

    def setUp(self):
        ip("link", "add", "eqa", "type", "veth", "peer", "name", "eqb")
        self.addCleanup(ip, "link", "del", "eqa")
        ip("addr", "add", "10.77.0.1/24", "dev", "eqa")
        ip("link", "set", "eqa", "up")
        ip("link", "set", "eqb", "up")
        ip("route", "add", "239.77.0.0/16", "dev", "eqa")
        self.our_mac, self.peer_mac = mac_address("eqa"), mac_address("eqb")
        self.peer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        self.peer.bind(("eqb", ETH_P_IP))
        self.context = Mctx.Context()
        self.publication = self.context.add_publication("239.77.0.1", 5000, interface="10.77.0.1")
        self.events = []
        self.publication.connect("socket-error", lambda _p, error, origin, mtu: self.events.append(
            (error.code, origin.to_string() if origin is not None else None, mtu, error.message)))

    def tearDown(self):
        self.peer.close()

    def answer(self, icmp_type, code, rest):
        """Sends a datagram, catches it on the peer's side, and answers it
        from 10.77.0.2 with an ICMP message quoting its headers."""
        self.publication.send(b"provoking")
        while True:
            self.assertTrue(select.select([self.peer], [], [], 2)[0], "the datagram never reached the peer")
            frame = self.peer.recv(2048)
            if frame[14 + 9] == socket.IPPROTO_UDP:
                break
        quoted = frame[14:14 + 28]
        icmp = struct.pack("!BBH", icmp_type, code, 0) + rest + quoted
        icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
        header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, socket.IPPROTO_ICMP, 0,
                             socket.inet_aton("10.77.0.2"), socket.inet_aton("10.77.0.1"))
        header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
        self.peer.send(self.our_mac + self.peer_mac + struct.pack("!H", ETH_P_IP) + header + icmp)
        deadline = time.monotonic() + 2
        while not self.events and time.monotonic() < deadline:
            snapshot = self.publication.snapshot_metrics()
            time.sleep(0.01)
        return self.publication.snapshot_metrics()

    def test_port_unreachable(self):
        snapshot = self.answer(3, 3, b"\0\0\0\0")
        self.assertEqual(len(self.events), 1, self.events)
        code, origin, mtu, message = self.events[0]
        self.assertEqual((code, origin, mtu), (Gio.IOErrorEnum.CONNECTION_REFUSED, "10.77.0.2", 0))
        self.assertIn("10.77.0.2", message)
        self.assertEqual(snapshot.unreachable_errors, 1)
        self.assertEqual(snapshot.message_size_errors, 0)
        # The publication goes on sending.
        self.assertEqual(self.publication.send(b"after"), 5)

    def test_handler_may_remove_the_publication(self):
        """::socket-error comes with no lock of the publication held."""
        removed = []

        def remove(publication, _error, _origin, _mtu):
            if not removed:
                removed.append(self.context.remove_publication(publication.props.id))

        self.publication.connect("socket-error", remove)
        self.answer(3, 3, b"\0\0\0\0")
        self.assertEqual(removed, [True])
        self.assertIsNone(self.context.get_publication(self.publication.props.id))

    def test_path_mtu(self):
        snapshot = self.answer(3, 4, struct.pack("!HH", 0, 1400))
        self.assertEqual(len(self.events), 1, self.events)
        code, origin, mtu, message = self.events[0]
        self.assertEqual((code, origin, mtu), (Gio.IOErrorEnum.MESSAGE_TOO_LARGE, "10.77.0.2", 1400))
        self.assertIn("1400", message)
        self.assertEqual(snapshot.message_size_errors, 1)
        self.assertEqual(snapshot.unreachable_errors, 0)


if __name__ == "__main__":
    assert_private_namespace()
    unittest.main(verbosity=2)
