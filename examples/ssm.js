// A source-specific (SSM) IPv6 sender, from GJS: "hello ssm" to
// ff3e::8000:1234 port 5000 from the source address given as the first
// argument. Receivers that subscribe to (source, group) filter on that
// exact address, so the publication binds it and leaves through the
// interface it is assigned to. A failure exits non-zero.
//
// An ES module: run it with `gjs -m ssm.js SOURCE-ADDRESS`.
//
// SPDX-License-Identifier: BSD-2-Clause

import Mctx from 'gi://Mctx?version=1.0';
import System from 'system';

if (ARGV.length !== 1) {
    printerr('usage: gjs -m ssm.js SOURCE-ADDRESS');
    System.exit(2);
}

try {
    const context = new Mctx.Context();
    const config = Mctx.UdpPublicationConfig.new('ff3e::8000:1234', 5000);
    config.set_source_address_string(ARGV[0]);

    const publication = context.add_publication(config);
    const report = publication.send_with_report(new TextEncoder().encode('hello ssm'));
    const source = report.get_local_address().get_address().to_string();
    print(`sent ${report.get_bytes_sent()} bytes to ff3e::8000:1234 from ${source}`);
} catch (error) {
    logError(error);
    System.exit(1);
}
