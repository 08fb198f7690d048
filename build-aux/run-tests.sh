#!/usr/bin/env bash
# Runs the whole test suite from a clean tree: installs what is missing,
# builds with every warning fatal and runs all tests (C, Python, GJS,
# tools), then builds again with AddressSanitizer and UBSan and runs them
# all again. Run as root: every test that sends creates its own network
# namespace, and fails if it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh

run_build() {
  local dir=$1; shift
  rm -rf "$dir"
  meson setup "$dir" -Dwarning_level=3 -Dwerror=true "$@"
  meson compile -C "$dir"
  meson test -C "$dir" --print-errorlogs
}

run_build _build-ci
run_build _build-ci-sanitize -Db_sanitize=address,undefined -Db_lundef=false
