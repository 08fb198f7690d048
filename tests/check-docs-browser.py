#!/usr/bin/python3
# Opens the built reference in a real browser (headless Chromium) over
# HTTP, as a reader would: the index page with its Website, Source and
# dependencies, the search for guide topics (gi-docgen's search runs in
# the page, from index.json), and the links to Json-GLib that main.js
# resolves. Saves a screenshot of the index and of a search to the
# directory given, and names them in the log. Run by meson inside a
# network namespace of its own (tests/run-in-netns.sh): the server listens
# on 127.0.0.1 there only.
#
# Usage: check-docs-browser.py CHROMIUM HTML_DIR SCREENSHOT_DIR
#
# SPDX-License-Identifier: BSD-2-Clause

import functools
import http.server
import os
import struct
import subprocess
import sys
import tempfile
import threading

chromium, html_dir, screenshot_dir = sys.argv[1:4]
failures = []


def check(condition, what):
    print("%s: %s" % ("ok" if condition else "FAIL", what))
    if not condition:
        failures.append(what)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


handler = functools.partial(QuietHandler, directory=html_dir)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d/" % server.server_address[1]
profile = tempfile.TemporaryDirectory()


def browse(page, *options):
    """Loads PAGE, lets its scripts run (the search fetches index.json),
    then does what OPTIONS ask: --dump-dom prints the document."""
    result = subprocess.run(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-extensions", "--disable-sync",
         "--user-data-dir=" + profile.name, "--virtual-time-budget=5000",
         "--window-size=1280,900", *options, base + page],
        capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        print(result.stderr)
    return result.stdout


def screenshot(page, name):
    path = os.path.join(screenshot_dir, name)
    if os.path.exists(path):
        os.unlink(path)
    browse(page, "--screenshot=" + path)
    with open(path, "rb") as png:
        header = png.read(24)
    width, height = struct.unpack(">II", header[16:24])
    check(header.startswith(b"\x89PNG") and width > 0 and height > 0,
          "screenshot of %s: %s (%dx%d, %d bytes)" % (page, path, width, height, os.path.getsize(path)))


index = browse("index.html", "--dump-dom")
check('<td><em>Website</em></td><td><a href="about.html"' in index, "the index page names a website (the About page)")
check('<td><em>Source</em></td><td><a href="file:///' in index, "the index page names the source (the installed headers)")
check('href="https://gnome.pages.gitlab.gnome.org/json-glib/"' in index, "Json-GLib is among the dependencies")
check('href="overrides.html"' in index, "the binding-only page is listed")

# Guide topics by the words a reader types: each finds its topic page.
for query, page in [("heimdall", "topic-heimdall.html"),
                    ("AsyncPublication", "topic-asyncpublication.html"),
                    ("PYTHONPATH", "topic-installed-prefix.html"),
                    ("UDP_SEGMENT", "topic-batches.html")]:
    results = browse("index.html?q=" + query, "--dump-dom")
    found = 'id="search-results"' in results and ('href="%s"' % page) in results
    check(found, "searching %r finds %s" % (query, page))

writer = browse("ctor.MetricsWriter.new.html", "--dump-dom")
check('href="https://gnome.pages.gitlab.gnome.org/json-glib/struct.Object.html"' in writer,
      "JsonObject parameters link to Json-GLib's reference")

screenshot("index.html", "docs-index.png")
screenshot("index.html?q=heimdall", "docs-search-heimdall.png")

server.shutdown()
sys.exit(1 if failures else 0)
