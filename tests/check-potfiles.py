#!/usr/bin/python3
# Fails when a source file with translatable strings is missing from
# po/POTFILES.in, when POTFILES.in names a file that has none or does not
# exist, or when a language in po/LINGUAS lacks a current translation of a
# message (missing, untranslated or fuzzy).
#
# SPDX-License-Identifier: BSD-2-Clause

import os
import re
import subprocess
import sys
import tempfile

SOURCE_ROOT = sys.argv[1]
MARKERS = re.compile(r'\b(N_|_|C_|NC_|g_dgettext|g_dngettext|ngettext)\s*\(\s*(GETTEXT_PACKAGE\s*,\s*)?"')
# meson's i18n "glib" preset, which po/meson.build uses.
KEYWORDS = ["--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
            "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3"]

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
if not (missing or stale):
    print("%d files with translatable strings, all listed" % len(translatable))


def count_messages(*command):
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    # The header is an entry with an empty msgid.
    return max(output.count("\nmsgid ") + output.startswith("msgid ") - 1, 0)


incomplete = []
with tempfile.TemporaryDirectory() as scratch:
    template = os.path.join(scratch, "mctx.pot")
    subprocess.run(["xgettext", "--from-code=UTF-8", *KEYWORDS, "--directory", SOURCE_ROOT,
                    "--files-from", os.path.join(SOURCE_ROOT, "po", "POTFILES.in"), "--output", template],
                   check=True)
    with open(os.path.join(SOURCE_ROOT, "po", "LINGUAS")) as linguas:
        languages = [word for line in linguas for word in line.split("#")[0].split()]
    for language in languages:
        catalog = os.path.join(SOURCE_ROOT, "po", language + ".po")
        compared = subprocess.run(["msgcmp", catalog, template], capture_output=True, text=True)
        if compared.returncode != 0:
            print(compared.stderr.strip())
            incomplete.append("po/%s.po lacks messages the sources use" % language)
        for kind, option in (("untranslated", "--untranslated"), ("fuzzy", "--only-fuzzy")):
            count = count_messages("msgattrib", option, "--no-obsolete", catalog)
            if count:
                incomplete.append("po/%s.po has %d %s messages" % (language, count, kind))
for problem in incomplete:
    print(problem)
if not incomplete:
    print("%s: every message translated" % ", ".join(languages))
sys.exit(1 if missing or stale or incomplete else 0)
