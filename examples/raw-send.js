// A complete UDP-in-IPv4 datagram from a foreign source, sent as built
// through a raw publication (needs CAP_NET_RAW). A failure exits non-zero.
//
// SPDX-License-Identifier: BSD-2-Clause

import Gio from 'gi://Gio';
import Mctx from 'gi://Mctx?version=1.0';
import System from 'system';

try {
    const context = new Mctx.Context();
    const config = Mctx.RawPublicationConfig.new(Gio.SocketFamily.IPV4);
    config.set_outgoing_interface_string('127.0.0.1');
    config.loopback = true;
    const publication = context.add_publication(config);
    const datagram = Mctx.raw_build_udp_datagram(Gio.InetAddress.new_from_string('198.51.100.7'), 4000,
        Gio.InetAddress.new_from_string('239.1.2.3'), 5000, 8, 0, 0, new TextEncoder().encode('hello raw'));
    const report = publication.send_with_report(datagram.toArray());
    print(`sent ${report.get_bytes_sent()} bytes from ${report.get_local_address().get_address().to_string()}`);
} catch (error) {
    logError(error);
    System.exit(1);
}
