#!/usr/bin/env bash
# Runs the whole test suite from a clean tree: installs what is missing,
# builds with every warning fatal and runs all tests (C, Python, GJS,
# tools, docs), then builds again with AddressSanitizer and UBSan and runs
# them all again, once more without the optional metrics, and runs the
# fuzz targets (clang, libFuzzer) over their seed corpora. Run as root: every test that sends creates its own network
# namespace, and fails if it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh

run_build() {
  local dir=$1; shift
  rm -rf "$dir"
  meson setup "$dir" -Dwarning_level=3 -Dwerror=true "$@"
  meson compile -C "$dir"
  meson test -C "$dir" --print-errorlogs ${suites:-} || status=1
}

status=0

run_build _build-ci -Ddocs=enabled
run_build _build-ci-sanitize -Db_sanitize=address,undefined -Db_lundef=false
run_build _build-ci-nometrics -Dmetrics=disabled
# The libFuzzer targets, built with clang and run briefly over their seeds.
CC=clang suites="--suite fuzz" run_build _build-ci-fuzz -Dfuzzing=true \
  -Db_sanitize=address,undefined -Db_lundef=false -Dintrospection=disabled -Ddocs=disabled

# One closing line over all builds, counted from meson’s own logs.
passed=0 failed=0 skipped=0
for dir in _build-ci _build-ci-sanitize _build-ci-nometrics _build-ci-fuzz; do
  log=$dir/meson-logs/testlog.json
  passed=$((passed + $(grep -c '"result": "OK"' "$log" || true)))
  skipped=$((skipped + $(grep -c '"result": "SKIP"' "$log" || true)))
  failed=$((failed + $(grep -Evc '"result": "(OK|SKIP)"' "$log" || true)))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
