#!/usr/bin/python3
# batch.py: many datagrams per call, from Python
#
# Sends 64 numbered datagrams to 239.1.2.3:5000 in one call, then one
# buffer cut into 10-byte segments, then one datagram to each of two groups
# that share a socket, in one context batch.
#
# SPDX-License-Identifier: BSD-2-Clause

import gi

gi.require_version("Mctx", "1.0")
from gi.repository import Mctx  # noqa: E402

context = Mctx.Context()
publication = context.add_publication("239.1.2.3", 5000, interface="127.0.0.1")

batched = publication.send_many(b"no. %02d" % i for i in range(64))
# Datagrams of one size as one send that the kernel cuts (UDP_SEGMENT).
segmented = publication.send_many([b"segment 1 ", b"segment 2 ", b"segment 3 "], Mctx.SendFlags.SEGMENTED)

first = context.add_publication("239.1.2.3", 5000, interface="127.0.0.1", shared_socket=True)
second = context.add_publication("239.1.2.4", 5000, interface="127.0.0.1", shared_socket=True)
paired = context.send_many([(first.props.id, b"to the first group"), (second.props.id, b"to the second group")])

print("batched %d, segmented %d, paired %d" % (batched, segmented, paired))
