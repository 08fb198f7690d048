#!/usr/bin/env python3
# Run by `meson install` with the interpreter the overrides are for: says
# so when the directory they went to is not on that interpreter's path.
# Without them, `from gi.repository import Mctx` still imports, but mctx's
# Python API (strings for addresses, positional constructors, exceptions
# by errno) is missing, and PyGObject cannot say why: it gives no hook for
# overrides it did not find.
#
# Usage: python-path-notice.py OVERRIDES_SITE_DIR
#
# SPDX-License-Identifier: BSD-2-Clause

import os
import sys


def main():
    site_dir = os.path.realpath(sys.argv[1])
    searched = {os.path.realpath(entry) for entry in sys.path if entry}
    if site_dir in searched:
        return
    print(f"mctx: the Python overrides went to {site_dir}, which {sys.executable} "
          f"does not search: set PYTHONPATH={site_dir} to use mctx from Python "
          f"(doc/bindings.md)")


if __name__ == "__main__":
    main()
