#!/usr/bin/python3
# Awaiting a send from a plain asyncio loop with the PyGObject overrides:
# the send is tried at once, and only waits (loop.add_writer) when the
# socket's buffer is full.
#
# SPDX-License-Identifier: BSD-2-Clause

import asyncio

import gi

gi.require_version("Mctx", "1.0")
from gi.repository import Mctx  # noqa: E402


async def main():
    context = Mctx.Context()
    publication = context.add_publication("239.1.2.3", 5000, interface="127.0.0.1", ttl=8)
    sent = await Mctx.AsyncPublication(publication).send(b"hello multicast")
    print("sent %d bytes to %s" % (sent, publication.props.destination.to_string()))


asyncio.run(main())
