#!/usr/bin/python3
# Every code sample in a guide must be a real example, included with
# "{{ examples/FILE }}" (build-aux/expand-guide.py), so that the tests build
# or run it. Fails on inline C, Python, JavaScript or Vala code blocks, and
# on includes of files that do not exist.
#
# SPDX-License-Identifier: BSD-2-Clause

import glob
import os
import re
import sys

root = sys.argv[1]
problems = []
for guide in sorted(glob.glob(os.path.join(root, "doc", "*.md"))):
    with open(guide, encoding="utf-8") as text:
        for number, line in enumerate(text, 1):
            where = "%s:%d" % (os.path.relpath(guide, root), number)
            if re.match(r"^```\s*(c|python|py|js|javascript|vala)\s*$", line):
                problems.append("%s: inline code block; include an example instead" % where)
            include = re.match(r"^\{\{\s*(examples/[\w.-]+)\s*\}\}", line)
            if include and not os.path.exists(os.path.join(root, include.group(1))):
                problems.append("%s: %s does not exist" % (where, include.group(1)))

for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
