#!/usr/bin/env python3
# Says when the Python or GJS overrides go where their interpreter does not
# look. Without them, `from gi.repository import Mctx` and `gi://Mctx` still
# import, but mctx's binding API (strings for addresses, keyword
# constructors, exceptions by errno, promises) is missing, and neither
# PyGObject nor GJS can say why: they give no hook for overrides they did
# not find.
#
# Run with the interpreter the Python overrides are for:
#   at `meson setup` (--setup): prints one line per problem, which
#     meson.build turns into warning()s;
#   by `meson install` (--install): writes the lines where the person
#     installing sees them (see tell()).
#
# Usage: overrides-notice.py (--setup|--install) [--python-dir DIR]
#          [--gjs PROGRAM --gjs-dir DIR] [--env-script FILE]
#
# SPDX-License-Identifier: BSD-2-Clause

import argparse
import os
import stat
import subprocess
import sys


def searched(entries):
    return {os.path.realpath(entry) for entry in entries if entry and "://" not in entry}


def gjs_search_path(gjs):
    """GJS's importer path: GJS_PATH, then $XDG_DATA_DIRS/gjs-1.0, then
    its own DATADIR/gjs-1.0. None when gjs cannot say."""
    try:
        result = subprocess.run([gjs, "-c", 'print(imports.searchPath.join("\\n"))'],
                                capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.splitlines()


def problems(options, went):
    where = (" or source %s" % options.env_script) if options.env_script else ""
    if options.python_dir:
        site_dir = os.path.realpath(options.python_dir)
        if site_dir not in searched(sys.path):
            yield (f"mctx: the Python overrides {went} {site_dir}, which {sys.executable} "
                   f"does not search: set PYTHONPATH={site_dir}{where} to use mctx from "
                   f"Python (doc/bindings.md)")
    if options.gjs and options.gjs_dir:
        gjs_dir = os.path.realpath(options.gjs_dir)
        path = gjs_search_path(options.gjs)
        if path is not None and gjs_dir not in searched(path):
            yield (f"mctx: the GJS overrides {went} {gjs_dir}/overrides, which {options.gjs} "
                   f"does not search: set GJS_PATH={gjs_dir}{where} to use mctx from GJS "
                   f"(doc/bindings.md)")


def same_file(a, b):
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def tell(line):
    """Meson 1.0 (Debian 12) captures an install script's stdout and stderr
    and shows them only when the script fails, so a notice printed there is
    lost. Write it to the stderr (else stdout) of `meson install` itself,
    our parent, when that is a terminal or a pipe. A regular file is left
    alone: opened anew, it would be written at an offset meson does not
    know, and meson would write over the notice. Where meson passes our
    own stderr through (newer versions), that is the same file."""
    mine = os.fstat(sys.stderr.fileno())
    for fd in (2, 1):
        theirs = f"/proc/{os.getppid()}/fd/{fd}"
        try:
            info = os.stat(theirs)
            if same_file(info, mine):
                break
            if not (stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode)):
                continue
            with open(theirs, "a", encoding="utf-8") as out:
                out.write(line + "\n")
            return
        except OSError:
            continue
    print(line, file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--setup", action="store_true")
    mode.add_argument("--install", action="store_true")
    parser.add_argument("--python-dir")
    parser.add_argument("--gjs")
    parser.add_argument("--gjs-dir")
    parser.add_argument("--env-script")
    options = parser.parse_args()

    if options.setup:
        for line in problems(options, "go to"):
            print(line)
    else:
        for line in problems(options, "went to"):
            tell(line)


if __name__ == "__main__":
    main()
