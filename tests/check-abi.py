#!/usr/bin/python3
# The exported symbols of libmctx-1.so against the checked-in baseline
# (abi/mctx-1.symbols): a public symbol that disappears breaks users; one
# that appears unannounced was exported by mistake, or needs adding to the
# baseline in the same change. Every symbol must carry the version MCTX_1.0
# (mctx/mctx.map).
#
# Every build exports the whole baseline, whatever its options: without
# counting or raw transmit their API stays and fails at run time.
#
# Usage: check-abi.py LIBRARY BASELINE
#
# SPDX-License-Identifier: BSD-2-Clause

import subprocess
import sys

library, baseline_path = sys.argv[1], sys.argv[2]

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

gone = sorted(baseline - exported)
new = sorted(exported - baseline)
for symbol in gone:
    print("removed from the ABI: %s" % symbol)
for symbol in new:
    print("exported but not in %s: %s" % (baseline_path, symbol))
for symbol in unversioned:
    print("not versioned MCTX_1.0: %s" % symbol)
if not gone and not new and not unversioned:
    print("%d exported symbols, all MCTX_1.0, as in the baseline" % len(exported))
sys.exit(1 if gone or new or unversioned else 0)
