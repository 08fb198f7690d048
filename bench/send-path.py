#!/usr/bin/python3
# The send path against a plain send() loop, with metrics and without, in
# the same run: two builds of mctx, one with -Dmetrics=disabled, whose
# mctx-bench-send programs run alternately. Each reports its per-send time
# as a ratio to a plain send() loop measured in the same process; the
# metrics overhead is the ratio of those ratios.
#
# Run through bench/run.sh; builds _build-bench-metrics and
# _build-bench-nometrics when they are missing.
#
# SPDX-License-Identifier: BSD-2-Clause

import os
import statistics
import subprocess
import sys

BUILDS = {"on": "_build-bench-metrics", "off": "_build-bench-nometrics"}
SENDS = os.environ.get("MCTX_BENCH_SENDS", "200000")
RUNS = int(os.environ.get("MCTX_BENCH_RUNS", "5"))


def build(directory, metrics):
    if not os.path.exists(os.path.join(directory, "build.ninja")):
        subprocess.run(["meson", "setup", directory, "--buildtype=release",
                        "-Dmetrics=" + ("enabled" if metrics == "on" else "disabled"),
                        "-Dintrospection=disabled", "-Ddocs=disabled"],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["meson", "compile", "-C", directory, "bench/mctx-bench-send"],
                   check=True, stdout=subprocess.DEVNULL)


def run(directory):
    out = subprocess.run([os.path.join(directory, "bench", "mctx-bench-send"), SENDS],
                         check=True, capture_output=True, text=True).stdout
    quick, reported = next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    return float(quick), float(reported), out


for metrics, directory in BUILDS.items():
    build(directory, metrics)

ratios = {metrics: [] for metrics in BUILDS}
for i in range(RUNS):
    for metrics, directory in BUILDS.items():
        quick, reported, out = run(directory)
        ratios[metrics].append((quick, reported))
        if i == 0:
            print(out, end="")

on_quick = statistics.median(q for q, _ in ratios["on"])
off_quick = statistics.median(q for q, _ in ratios["off"])
on_report = statistics.median(r for _, r in ratios["on"])
off_report = statistics.median(r for _, r in ratios["off"])
print("median of %d runs, each the median of 7 rounds of %s sends:" % (RUNS, SENDS))
print("  mctx send / plain send():  metrics on %.4f, off %.4f" % (on_quick, off_quick))
print("  send+report / plain send(): metrics on %.4f, off %.4f" % (on_report, off_report))
overhead = (on_quick / off_quick - 1) * 100
print("metrics overhead on the send path: %+.2f %%" % overhead)
sys.exit(0)
