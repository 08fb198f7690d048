#!/usr/bin/python3
# The exported symbols of libmctx-1.so against the checked-in baseline
# (abi/mctx-1.symbols): a public symbol that disappears breaks users; one
# that appears unannounced was exported by mistake, or needs adding to the
# baseline in the same change. Only a build with every optional part has
# the whole ABI; others skip (exit 77).
#
# Usage: check-abi.py LIBRARY BASELINE COMPLETE(0|1)
#
# SPDX-License-Identifier: BSD-2-Clause

import subprocess
import sys

library, baseline_path, complete = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
if not complete:
    print("built without some optional part: the ABI is partial, skipping")
    sys.exit(77)

output = subprocess.run(["nm", "-D", "--defined-only", library], check=True,
                        capture_output=True, text=True).stdout
exported = {fields[2] for fields in (line.split() for line in output.splitlines())
            if len(fields) == 3 and fields[1] in "TDBRVW"}
with open(baseline_path) as baseline_file:
    baseline = {line.strip() for line in baseline_file if line.strip() and not line.startswith("#")}

gone = sorted(baseline - exported)
new = sorted(exported - baseline)
for symbol in gone:
    print("removed from the ABI: %s" % symbol)
for symbol in new:
    print("exported but not in %s: %s" % (baseline_path, symbol))
if not gone and not new:
    print("%d exported symbols, as in the baseline" % len(exported))
sys.exit(1 if gone or new else 0)
