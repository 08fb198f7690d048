#!/usr/bin/env bash
# The main job: in a network namespace of its own, mctx-recv joins
# 239.1.2.3:5000 on lo and mctx-send sends it three datagrams, then three
# stamped ones that mctx-recv checks for loss, order and delay.
# Usage: build-aux/demo.sh [BUILD_DIR]
set -euo pipefail

build_dir=$(realpath "${1:-_build}")

exec unshare --net -- /bin/bash -euo pipefail -c '
  ip link set lo up
  "$1/tools/mctx-recv" 239.1.2.3 5000 --interface 127.0.0.1 --count 6 --idle-timeout 5 &
  receiver=$!
  sleep 0.3
  "$1/tools/mctx-send" 239.1.2.3 5000 hello-multicast 3 200 --interface 127.0.0.1 --ttl 4
  "$1/tools/mctx-send" 239.1.2.3 5000 3 200 --size 64 --interface 127.0.0.1 --ttl 4
  wait "$receiver"
' demo "$build_dir"
