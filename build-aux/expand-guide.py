#!/usr/bin/python3
# Expands a guide for the reference: each line "{{ examples/FILE }}" becomes
# a fenced code block with that file, so every code sample in a guide is a
# real example the tests build and run, and cannot rot.
#
# Usage: expand-guide.py SOURCE_ROOT INPUT OUTPUT
#
# SPDX-License-Identifier: BSD-2-Clause

import os
import re
import sys

LANGUAGES = {".c": "c", ".py": "python", ".js": "js", ".vala": "vala", ".sh": "sh"}
INCLUDE = re.compile(r"^\{\{\s*(examples/[\w.-]+)\s*\}\}\s*$")

source_root, input_path, output_path = sys.argv[1:4]
lines = []
with open(input_path, encoding="utf-8") as guide:
    for line in guide:
        match = INCLUDE.match(line)
        if not match:
            lines.append(line)
            continue
        path = match.group(1)
        with open(os.path.join(source_root, path), encoding="utf-8") as example:
            code = example.read().rstrip("\n")
        language = LANGUAGES.get(os.path.splitext(path)[1], "")
        lines.append("```%s\n%s\n```\n\n*This is `%s`; the tests build and run it.*\n" % (language, code, path))

with open(output_path, "w", encoding="utf-8") as output:
    output.writelines(lines)
