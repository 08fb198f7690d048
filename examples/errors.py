#!/usr/bin/python3
# Errors arrive as GLib.Error exceptions with mctx's domain and codes.
#
# SPDX-License-Identifier: BSD-2-Clause

import gi

gi.require_version("Mctx", "1.0")
from gi.repository import GLib, Mctx  # noqa: E402

context = Mctx.Context()
try:
    context.add_publication("10.0.0.1", 5000)
except GLib.Error as error:
    assert error.matches(Mctx.error_quark(), Mctx.Error.NOT_MULTICAST)
    print("refused: %s" % error.message)
