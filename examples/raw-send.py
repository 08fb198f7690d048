#!/usr/bin/python3
# A complete UDP-in-IPv4 datagram from a foreign source, sent as built
# through a raw publication (needs CAP_NET_RAW).
#
# SPDX-License-Identifier: BSD-2-Clause

import gi

gi.require_version("Gio", "2.0")
gi.require_version("Mctx", "1.0")
from gi.repository import Gio, Mctx  # noqa: E402

context = Mctx.Context()
config = Mctx.RawPublicationConfig(Gio.SocketFamily.IPV4, interface="127.0.0.1", loopback=True)
publication = context.add_publication(config)
datagram = Mctx.raw_build_udp_datagram("198.51.100.7", 4000, "239.1.2.3", 5000, 8, 0, 0, b"hello raw")
report = publication.send_with_report(datagram.get_data())
print("sent %d bytes from %s" % (report.bytes_sent, report.local_address.get_address().to_string()))
