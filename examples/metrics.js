// Ten datagrams measured into a heimdall-jsonl-v1 file, with header flags
// from JSON: gjs -m metrics.js FILE. A failure exits non-zero.
//
// SPDX-License-Identifier: BSD-2-Clause

import Json from 'gi://Json';
import Mctx from 'gi://Mctx?version=1.0';
import System from 'system';

try {
    const context = new Mctx.Context();
    const config = Mctx.UdpPublicationConfig.new('239.1.2.3', 5000);
    config.set_outgoing_interface_string('127.0.0.1');
    const publication = context.add_publication(config);
    const flags = Json.from_string('{"experiment": "example", "role": "sender"}').get_object();
    const writer = Mctx.MetricsWriter.new(ARGV[0], 'mctx/example-metrics', null, flags);
    const sampler = Mctx.MetricsSampler.new_for_context(context);
    sampler.sample();  // the first sample is the baseline
    for (let i = 0; i < 10; i++)
        publication.send(new TextEncoder().encode('measured'));
    const delta = sampler.sample();
    writer.write_sample(delta);
    writer.close();
    print(`${delta.get_change(Mctx.MetricsCounter.PACKETS_SENT)} packets, ${delta.get_change(Mctx.MetricsCounter.BYTES_SENT)} bytes`);
} catch (error) {
    logError(error);
    System.exit(1);
}
