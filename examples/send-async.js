// Awaiting mctx's async send in GJS: mctx's GJS overrides make
// send_async() return a promise. An ES module: run it with
// `gjs -m send-async.js`.
//
// SPDX-License-Identifier: BSD-2-Clause

import GLib from 'gi://GLib';
import Mctx from 'gi://Mctx?version=1.0';
import System from 'system';

async function main() {
    const context = new Mctx.Context();
    const config = Mctx.UdpPublicationConfig.new('239.1.2.3', 5000);
    config.set_outgoing_interface_string('127.0.0.1');
    config.ttl = 8;

    const publication = context.add_publication(config);
    const payload = new GLib.Bytes(new TextEncoder().encode('hello multicast'));
    const sent = await publication.send_async(payload, GLib.PRIORITY_DEFAULT, null);
    print(`sent ${sent} bytes to ${publication.destination.to_string()}`);
}

const loop = new GLib.MainLoop(null, false);
// A failure (such as missing overrides or typelib) exits non-zero.
let status = 0;
main().catch(error => {
    logError(error);
    status = 1;
}).finally(() => loop.quit());
loop.run();
if (status !== 0)
    System.exit(status);
