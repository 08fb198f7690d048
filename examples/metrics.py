#!/usr/bin/python3
# Ten datagrams measured into a heimdall-jsonl-v1 file, with header flags
# given as a dict: python3 metrics.py FILE
#
# SPDX-License-Identifier: BSD-2-Clause

import sys

import gi

gi.require_version("Mctx", "1.0")
from gi.repository import Mctx  # noqa: E402

context = Mctx.Context()
publication = context.add_publication("239.1.2.3", 5000, interface="127.0.0.1")
writer = Mctx.MetricsWriter.new(sys.argv[1], "mctx/example-metrics", None,
                                {"experiment": "example", "role": "sender"})
sampler = Mctx.MetricsSampler.new_for_context(context)
sampler.sample()  # the first sample is the baseline
for _ in range(10):
    publication.send(b"measured")
delta = sampler.sample()
writer.write_sample(delta)
writer.close()
print("%d packets, %d bytes" % (delta.packets_sent, delta.bytes_sent))
