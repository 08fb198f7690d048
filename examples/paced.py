#!/usr/bin/python3
# A paced stream for a tenth of a second at 200 datagrams per second, from
# a GLib main loop: the run ends by itself when its duration is over.
#
# SPDX-License-Identifier: BSD-2-Clause

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Mctx", "1.0")
from gi.repository import GLib, Mctx  # noqa: E402

context = Mctx.Context()
publication = context.add_publication("239.1.2.3", 5000, interface="127.0.0.1")
sender = Mctx.PacedSender.new(publication, b"paced", 0)
sender.props.packets_per_second = 200
sender.props.duration = 0.1

loop = GLib.MainLoop()
outcome = []


def done(sender, result):
    try:
        outcome.append(sender.run_finish(result))
    except GLib.Error as error:
        outcome.append(error)
    loop.quit()


sender.run_async(GLib.PRIORITY_DEFAULT, None, done)
loop.run()
if outcome != [True]:
    raise SystemExit("paced: %s" % outcome[0])
print("sent %d datagrams in 0.1 s" % sender.props.packets_sent)
