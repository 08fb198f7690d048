#!/usr/bin/env bash
# Installs what mctx needs on Debian 12, builds it, and runs the main job:
# a multicast send on loopback, in a private network namespace, that a
# receiver visibly gets. Run as root (namespaces need it).
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh
[ -d _build ] || meson setup _build
meson compile -C _build
bash build-aux/demo.sh _build
