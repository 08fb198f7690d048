#!/usr/bin/python3
# A source-specific (SSM) IPv6 sender, from Python: "hello ssm" to
# ff3e::8000:1234 port 5000 from the source address given as the first
# argument. Receivers that subscribe to (source, group) filter on that
# exact address, so the publication binds it and leaves through the
# interface it is assigned to.
#
# SPDX-License-Identifier: BSD-2-Clause

import sys

import gi

gi.require_version("Mctx", "1.0")
from gi.repository import Mctx  # noqa: E402

if len(sys.argv) != 2:
    sys.exit("usage: ssm.py SOURCE-ADDRESS")

context = Mctx.Context()
config = Mctx.UdpPublicationConfig.new("ff3e::8000:1234", 5000)
config.set_source_address_string(sys.argv[1])

publication = context.add_publication(config)
report = publication.send_with_report(b"hello ssm")
print("sent %d bytes to ff3e::8000:1234 from %s" % (report.bytes_sent, report.local_address.get_address().to_string()))
