#!/usr/bin/python3
# Turns README.md into the reference's "About mctx" page, which the index
# page names as the project's website: a gi-docgen title, and links to
# the guides (doc/NAME.md) made links to their pages (NAME.html). Other
# links into the source tree have no page: their text stays, with the path.
#
# Usage: readme-page.py INPUT OUTPUT
#
# SPDX-License-Identifier: BSD-2-Clause

import re
import sys

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def relink(match):
    text, target = match.groups()
    if re.match(r"^[a-z]+:", target) or target.startswith("#"):
        return match.group(0)
    guide = re.match(r"^doc/([\w-]+)\.md(#[\w-]+)?$", target)
    if guide:
        return "[%s](%s.html%s)" % (text, guide.group(1), guide.group(2) or "")
    return "%s (`%s`)" % (text, target)


input_path, output_path = sys.argv[1:3]
with open(input_path, encoding="utf-8") as readme:
    text = readme.read()
with open(output_path, "w", encoding="utf-8") as page:
    page.write("Title: About mctx\n\n")
    page.write(LINK.sub(relink, text))
