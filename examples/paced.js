// A paced stream for a tenth of a second at 200 datagrams per second: the
// run, awaited, ends by itself when its duration is over. An ES module:
// gjs -m paced.js. A failure exits non-zero.
//
// SPDX-License-Identifier: BSD-2-Clause

import GLib from 'gi://GLib';
import Mctx from 'gi://Mctx?version=1.0';
import System from 'system';

async function main() {
    const context = new Mctx.Context();
    const config = Mctx.UdpPublicationConfig.new('239.1.2.3', 5000);
    config.set_outgoing_interface_string('127.0.0.1');
    const publication = context.add_publication(config);
    const payload = new GLib.Bytes(new TextEncoder().encode('paced'));
    const sender = Mctx.PacedSender.new(publication, payload, 0);
    sender.packets_per_second = 200;
    sender.duration = 0.1;
    await sender.run_async(GLib.PRIORITY_DEFAULT, null);
    print(`sent ${sender.packets_sent} datagrams in 0.1 s`);
}

const loop = new GLib.MainLoop(null, false);
let status = 0;
main().catch(error => {
    logError(error);
    status = 1;
}).finally(() => loop.quit());
loop.run();
if (status !== 0)
    System.exit(status);
