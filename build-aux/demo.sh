#!/usr/bin/env bash
# The main job: in a network namespace of its own, a receiver joins
# 239.1.2.3:5000 on lo and mctx-send sends it three datagrams.
# Usage: build-aux/demo.sh [BUILD_DIR]
set -euo pipefail

build_dir=$(realpath "${1:-_build}")
here=$(dirname "$(realpath "$0")")

exec unshare --net -- /bin/bash -euo pipefail -c '
  ip link set lo up
  /usr/bin/python3 "$1/demo-receiver.py" 239.1.2.3 5000 3 &
  receiver=$!
  sleep 0.3
  "$2/tools/mctx-send" 239.1.2.3 5000 hello-multicast 3 200 --interface 127.0.0.1 --ttl 4
  wait "$receiver"
' demo "$here" "$build_dir"
