#!/usr/bin/python3
# The smallest mctx sender, from Python: "hello multicast" to
# 239.1.2.3:5000 through 127.0.0.1 with TTL 8.
#
# SPDX-License-Identifier: BSD-2-Clause

import gi

gi.require_version("Mctx", "1.0")
from gi.repository import Mctx  # noqa: E402

context = Mctx.Context()
config = Mctx.UdpPublicationConfig.new("239.1.2.3", 5000)
config.set_outgoing_interface_string("127.0.0.1")
config.props.ttl = 8

publication = context.add_publication(config)
report = publication.send_with_report(b"hello multicast")
print("sent %d bytes to %s" % (report.get_bytes_sent(), report.get_destination().to_string()))
