// The smallest mctx sender, from GJS: "hello multicast" to 239.1.2.3:5000
// through 127.0.0.1 with TTL 8.
//
// An ES module: run it with `gjs -m send.js`.
//
// SPDX-License-Identifier: BSD-2-Clause

import Mctx from 'gi://Mctx?version=1.0';

const context = new Mctx.Context();
const config = Mctx.UdpPublicationConfig.new('239.1.2.3', 5000);
config.set_outgoing_interface_string('127.0.0.1');
config.ttl = 8;

const publication = context.add_publication(config);
const report = publication.send_with_report(new TextEncoder().encode('hello multicast'));
print(`sent ${report.get_bytes_sent()} bytes to ${report.get_destination().to_string()}`);
