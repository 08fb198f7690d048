#!/usr/bin/env bash
# Runs a benchmark in a network namespace of its own (lo only, up), from
# the top of the tree, against the build in ${MCTX_BUILD_DIR:-_build}.
# Usage: bench/run.sh bench/pacing.py
set -euo pipefail
cd "$(dirname "$0")/.."
exec unshare --net -- /bin/sh -c 'ip link set lo up && exec "$@"' bench "$@"
