// mctx from GJS, as an ES module: the core flow through the typelib, with a
// real receiver.
// Run by meson inside a private network namespace (tests/run-in-netns.sh);
// refuses to run anywhere else. Reports TAP.
//
// SPDX-License-Identifier: BSD-2-Clause

import GLib from 'gi://GLib';
import Gio from 'gi://Gio?version=2.0';
import Mctx from 'gi://Mctx?version=1.0';
import System from 'system';

// No Gio._promisify here: mctx's GJS overrides make the async methods
// return promises.

const GROUP = '239.1.2.3';

function assertPrivateNamespace() {
    const [, contents] = GLib.file_get_contents('/proc/self/net/dev');
    const names = new TextDecoder().decode(contents).split('\n').slice(2)
        .map(line => line.split(':')[0].trim()).filter(name => name !== '');
    if (names.length !== 1 || names[0] !== 'lo') {
        print(`Bail out! not in a private network namespace: ${names}`);
        System.exit(1);
    }
}

function assertEqual(actual, expected, what) {
    if (actual !== expected)
        throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

function receiver() {
    const socket = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.DATAGRAM,
        Gio.SocketProtocol.UDP);
    const group = Gio.InetAddress.new_from_string(GROUP);
    socket.bind(Gio.InetSocketAddress.new(group, 0), true);
    socket.join_multicast_group(group, false, 'lo');
    return socket;
}

function receive(socket) {
    if (!socket.condition_timed_wait(GLib.IOCondition.IN, 2 * GLib.USEC_PER_SEC, null))
        throw new Error('nothing received');
    const stream = new Gio.UnixInputStream({fd: socket.get_fd(), close_fd: false});
    return new TextDecoder().decode(stream.read_bytes(65536, null).toArray());
}

const tests = {
    'departure timestamps and the metrics counters'() {
        const socket = receiver();
        const port = socket.get_local_address().get_port();
        const context = new Mctx.Context();
        const config = Mctx.UdpPublicationConfig.new(GROUP, port);
        config.set_outgoing_interface_string('127.0.0.1');
        config.departure_timestamps = true;
        const publication = context.add_publication(config);
        let errors = 0;
        publication.connect('socket-error', () => errors++);
        for (let i = 0; i < 10; i++)
            publication.send(new TextEncoder().encode('timed'));
        GLib.usleep(20000);
        const snapshot = publication.snapshot_metrics();
        if (snapshot === null)
            return;  // a build without metrics
        assertEqual(snapshot.get_counter(Mctx.MetricsCounter.PACKETS_SENT), 10, 'packets sent');
        assertEqual(snapshot.get_counter(Mctx.MetricsCounter.DEPARTURES_MEASURED), 10, 'departures measured');
        assertEqual(snapshot.get_counter(Mctx.MetricsCounter.DEPARTURES_MISSING), 0, 'departures missing');
        if (!(snapshot.get_departure_error(0.5) >= 0))
            throw new Error(`departure error ${snapshot.get_departure_error(0.5)}`);
        assertEqual(errors, 0, 'socket errors');
        assertEqual(receive(socket), 'timed', 'received');
    },

    'send and receive'() {
        const socket = receiver();
        const port = socket.get_local_address().get_port();
        const context = new Mctx.Context();
        const config = Mctx.UdpPublicationConfig.new(GROUP, port);
        config.set_outgoing_interface_string('127.0.0.1');
        config.ttl = 4;

        const publication = context.add_publication(config);
        assertEqual(publication.id, 1, 'id');
        assertEqual(context.n_publications, 1, 'n-publications');

        const report = publication.send_with_report(new TextEncoder().encode('hello from gjs'));
        assertEqual(report.get_bytes_sent(), 14, 'bytes sent');
        assertEqual(report.get_destination().get_port(), port, 'destination port');
        assertEqual(receive(socket), 'hello from gjs', 'payload');

        const [ok, source, group, announcedPort] = publication.get_announce_tuple();
        assertEqual(ok, true, 'announce tuple');
        assertEqual(source.to_string(), '127.0.0.1', 'announced source');
        assertEqual(group.to_string(), GROUP, 'announced group');
        assertEqual(announcedPort, port, 'announced port');
    },

    'bad group raises a GLib.Error of the mctx domain'() {
        let caught = null;
        try {
            Mctx.UdpPublicationConfig.new('not-an-address', 5000);
        } catch (e) {
            caught = e;
        }
        assertEqual(caught instanceof GLib.Error, true, 'GLib.Error');
        assertEqual(caught.matches(Mctx.error_quark(), Mctx.Error.INVALID_ADDRESS), true, 'domain and code');

        const context = new Mctx.Context();
        const config = Mctx.UdpPublicationConfig.new('10.0.0.1', 5000);
        caught = null;
        try {
            context.add_publication(config);
        } catch (e) {
            caught = e;
        }
        assertEqual(caught.matches(Mctx.error_quark(), Mctx.Error.NOT_MULTICAST), true, 'not multicast');
        assertEqual(context.n_publications, 0, 'context unchanged');
    },

    async 'await send_async'() {
        const socket = receiver();
        const port = socket.get_local_address().get_port();
        const context = new Mctx.Context();
        const config = Mctx.UdpPublicationConfig.new(GROUP, port);
        config.set_outgoing_interface_string('127.0.0.1');
        const publication = context.add_publication(config);

        const payload = new GLib.Bytes(new TextEncoder().encode('awaited'));
        const sent = await publication.send_async(payload, GLib.PRIORITY_DEFAULT, null);
        assertEqual(sent, 7, 'bytes sent');
        assertEqual(receive(socket), 'awaited', 'payload');
    },

    async 'await a paced run'() {
        const socket = receiver();
        const port = socket.get_local_address().get_port();
        const context = new Mctx.Context();
        const config = Mctx.UdpPublicationConfig.new(GROUP, port);
        config.set_outgoing_interface_string('127.0.0.1');
        const publication = context.add_publication(config);

        const sender = Mctx.PacedSender.new(publication,
            new GLib.Bytes(new TextEncoder().encode('paced')), 20);
        sender.packets_per_second = 1000;
        let progress = 0;
        sender.connect('progress', (_sender, packets) => {
            progress = packets;
        });
        assertEqual(await sender.run_async(GLib.PRIORITY_DEFAULT, null), true, 'run finished');
        assertEqual(sender.packets_sent, 20, 'packets sent');
        assertEqual(progress, 20, 'last progress');
        for (let i = 0; i < 20; i++)
            assertEqual(receive(socket), 'paced', `packet ${i}`);
    },

    'take and remove'() {
        const context = new Mctx.Context();
        const config = Mctx.UdpPublicationConfig.new(GROUP, 6000);
        config.set_outgoing_interface_string('127.0.0.1');
        const publication = context.add_publication(config);
        const taken = context.take_publication(publication.id);
        assertEqual(taken, publication, 'taken');
        assertEqual(context.n_publications, 0, 'context empty');
        let caught = null;
        try {
            context.remove_publication(publication.id);
        } catch (e) {
            caught = e;
        }
        assertEqual(caught.matches(Mctx.error_quark(), Mctx.Error.PUBLICATION_NOT_FOUND), true, 'not found');
    },

    'batched and segmented sends'() {
        const socket = receiver();
        const port = socket.get_local_address().get_port();
        const context = new Mctx.Context();
        const config = Mctx.UdpPublicationConfig.new(GROUP, port);
        config.set_outgoing_interface_string('127.0.0.1');
        const publication = context.add_publication(config);
        const encoder = new TextEncoder();

        const datagrams = ['one', 'two', 'three'].map(text => new GLib.Bytes(encoder.encode(text)));
        assertEqual(publication.send_many(datagrams, Mctx.SendFlags.NONE), 3, 'batch count');
        for (const text of ['one', 'two', 'three'])
            assertEqual(receive(socket), text, 'batched payload');

        const segments = ['aaaa', 'bbbb', 'cc'].map(text => new GLib.Bytes(encoder.encode(text)));
        assertEqual(publication.send_many(segments, Mctx.SendFlags.SEGMENTED), 3, 'segment count');
        for (const text of ['aaaa', 'bbbb', 'cc'])
            assertEqual(receive(socket), text, 'segment');

        const ids = [publication.id, publication.id];
        const pair = ['first', 'second'].map(text => new GLib.Bytes(encoder.encode(text)));
        assertEqual(context.send_many(ids, pair), 2, 'context batch count');
        for (const text of ['first', 'second'])
            assertEqual(receive(socket), text, 'context batch payload');
    },

    async 'await send_many_async'() {
        const socket = receiver();
        const port = socket.get_local_address().get_port();
        const context = new Mctx.Context();
        const config = Mctx.UdpPublicationConfig.new(GROUP, port);
        config.set_outgoing_interface_string('127.0.0.1');
        const publication = context.add_publication(config);
        const encoder = new TextEncoder();

        const datagrams = ['a1', 'a2', 'a3'].map(text => new GLib.Bytes(encoder.encode(text)));
        // The count, as the sync send_many() returns it.
        const sent = await publication.send_many_async(datagrams, Mctx.SendFlags.NONE, GLib.PRIORITY_DEFAULT, null);
        assertEqual(sent, 3, 'count');
        for (const text of ['a1', 'a2', 'a3'])
            assertEqual(receive(socket), text, 'async batched payload');
    },

    'stamps from GJS'() {
        const stamp = Mctx.Stamp.new(5, 99, Mctx.stamp_now(), Mctx.StampFlags.NONE);
        const payload = stamp.build(64).toArray();
        assertEqual(payload.length, 64, 'payload size');
        const parsed = Mctx.Stamp.parse(payload);
        assertEqual(parsed.get_sequence(), 99, 'sequence');
        assertEqual(parsed.get_stream_id(), 5, 'stream id');
    },

    'a publication only comes from a context'() {
        // GJS does not initialize GInitables it constructs: init() and
        // every send say what to do instead.
        const publication = new Mctx.UdpPublication();
        for (const attempt of [() => publication.init(null),
            () => publication.send(new TextEncoder().encode('x'))]) {
            let caught = null;
            try {
                attempt();
            } catch (e) {
                caught = e;
            }
            assertEqual(caught !== null && caught.message.includes('add_publication()'), true,
                `clear error: ${caught}`);
        }
    },
};

async function runAll() {
    const names = Object.keys(tests);
    print(`1..${names.length}`);
    let failed = 0;
    for (const [i, name] of names.entries()) {
        try {
            await tests[name]();
            print(`ok ${i + 1} - ${name}`);
        } catch (e) {
            failed++;
            print(`not ok ${i + 1} - ${name}`);
            print(`# ${e}\n# ${e.stack}`.replace(/\n/g, '\n# '));
        }
    }
    return failed;
}

assertPrivateNamespace();
const loop = new GLib.MainLoop(null, false);
let failures = 0;
runAll().then(failed => {
    failures = failed;
    loop.quit();
});
loop.run();
System.exit(failures ? 1 : 0);
