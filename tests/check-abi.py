#!/usr/bin/python3
# The exported symbols of libmctx-1.so against the checked-in baseline
# (abi/mctx-1.symbols): a public symbol that disappears breaks users; one
# that appears unannounced was exported by mistake, or needs adding to the
# baseline in the same change. Every symbol must carry the version MCTX_1.0
# (mctx/mctx.map).
#
# Every build exports the whole baseline, whatever its options: without
# counting or raw transmit their API stays and fails at run time. Only a
# system where raw transmit is not implemented (not Linux) lacks the raw
# part's symbols, and only those.
#
# Usage: check-abi.py LIBRARY BASELINE HAS_METRICS(0|1) HAS_RAW(0|1), where
# the flags say whether the part is in the ABI of this system
#
# SPDX-License-Identifier: BSD-2-Clause

import re
import subprocess
import sys

library, baseline_path = sys.argv[1], sys.argv[2]
has_metrics, has_raw = sys.argv[3] == "1", sys.argv[4] == "1"

output = subprocess.run(["nm", "-D", "--defined-only", library], check=True,
                        capture_output=True, text=True).stdout
exported, unversioned = set(), []
for fields in (line.split() for line in output.splitlines()):
    if len(fields) != 3 or fields[1] not in "TDBRVW":
        continue
    name, _, version = fields[2].partition("@@")
    exported.add(name)
    if version != "MCTX_1.0":
        unversioned.append(fields[2])

with open(baseline_path) as baseline_file:
    baseline = {line.strip() for line in baseline_file if line.strip() and not line.startswith("#")}


def optional_part(symbol):
    if re.match(r"mctx_metrics_|.*_snapshot_metrics$", symbol):
        return "metrics"
    if symbol.startswith("mctx_raw_"):
        return "raw"
    return None


absent_parts = {part for part, built in (("metrics", has_metrics), ("raw", has_raw)) if not built}
expected = {symbol for symbol in baseline if optional_part(symbol) not in absent_parts}

gone = sorted(expected - exported)
new = sorted(exported - expected)
for symbol in gone:
    print("removed from the ABI: %s" % symbol)
for symbol in new:
    print("exported but not in %s: %s" % (baseline_path, symbol))
for symbol in unversioned:
    print("not versioned MCTX_1.0: %s" % symbol)
if not gone and not new and not unversioned:
    print("%d exported symbols, all MCTX_1.0, as in the baseline%s" % (
        len(exported), " (less %s)" % ", ".join(sorted(absent_parts)) if absent_parts else ""))
sys.exit(1 if gone or new or unversioned else 0)
