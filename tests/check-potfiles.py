#!/usr/bin/python3
# Fails when a source file with translatable strings is missing from
# po/POTFILES.in, or when POTFILES.in names a file that has none or does
# not exist.
#
# SPDX-License-Identifier: BSD-2-Clause

import os
import re
import sys

SOURCE_ROOT = sys.argv[1]
MARKERS = re.compile(r'\b(N_|_|C_|NC_|g_dgettext)\s*\(\s*"')

with open(os.path.join(SOURCE_ROOT, "po", "POTFILES.in")) as potfiles:
    listed = {line.strip() for line in potfiles if line.strip() and not line.startswith("#")}

translatable = set()
for folder in ("mctx", "tools"):
    for directory, _dirs, files in os.walk(os.path.join(SOURCE_ROOT, folder)):
        for name in files:
            if not name.endswith(".c"):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as source:
                if MARKERS.search(source.read()):
                    translatable.add(os.path.relpath(path, SOURCE_ROOT))

missing = sorted(translatable - listed)
stale = sorted(listed - translatable)
for path in missing:
    print("po/POTFILES.in lacks %s, which has translatable strings" % path)
for path in stale:
    print("po/POTFILES.in lists %s, which has no translatable strings" % path)
print("%d files with translatable strings, all listed" % len(translatable) if not (missing or stale) else "")
sys.exit(1 if missing or stale else 0)
