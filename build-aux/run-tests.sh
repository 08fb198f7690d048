#!/usr/bin/env bash
# Runs the whole test suite from a clean tree: installs what is missing,
# builds with every warning fatal and runs all tests (C, Python, GJS,
# tools, docs), then builds again with AddressSanitizer and UBSan and runs
# them all again, once more without the optional metrics, and runs the
# fuzz targets (clang, libFuzzer) over their seed corpora, and the C suites
# under valgrind, repeated while links churn in other namespaces, under
# clang's ASan+UBSan and, for the threaded ones, under ThreadSanitizer. Run as root: every test that sends creates its own network
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
# The C suites again under valgrind's memcheck (GLib's suppressions; no
# definite or indirect leak, no invalid access).
meson test -C _build-ci --setup valgrind --suite c --print-errorlogs || status=1

# Flakes: the suites that make namespaces and links, repeated while links
# churn in two namespaces of our own, as parallel tests make them churn (a
# notification that waits for the RTNL lock, a DAD timer, a link index
# reused). A test that fails once in a hundred shows up here. About eight
# minutes on two cores; doc/reliability.md lists the repeats.
churn_namespaces=(mctx-ci-churn-$$-a mctx-ci-churn-$$-b)
churn_pid=
stop_churn() {
  if [ -n "$churn_pid" ]; then
    kill "$churn_pid" 2>/dev/null || true
    wait "$churn_pid" 2>/dev/null || true
    churn_pid=
  fi
  for ns in "${churn_namespaces[@]}"; do
    ip netns delete "$ns" 2>/dev/null || true
  done
}
trap stop_churn EXIT
trap 'exit 130' INT TERM
for ns in "${churn_namespaces[@]}"; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done
(
  set +e
  i=0
  while :; do
    for ns in "${churn_namespaces[@]}"; do
      ip -n "$ns" link add "ca$i" type veth peer name "cb$i"
      ip -n "$ns" link set "ca$i" up
      ip -n "$ns" link set "cb$i" up
      ip -n "$ns" address add "fd00:c1::$((i + 1))/64" dev "ca$i" nodad
      ip -n "$ns" address add "192.0.2.$((i + 1))/24" dev "cb$i"
      ip -n "$ns" link delete "ca$i"
    done
    i=$(((i + 1) % 200))
    sleep 0.02
  done
) >/dev/null 2>&1 &
churn_pid=$!
# Repeats per suite: the interface cache's (context) 150, as issue 19 asks.
churn_repeats=(context:150 ipv4:100 ipv6:100 batch:30 mainloop:30 raw:15)
for entry in "${churn_repeats[@]}"; do
  meson test -C _build-ci --no-rebuild --print-errorlogs --logbase "testlog-churn-${entry%%:*}" \
    --repeat "${entry##*:}" "${entry%%:*}" || status=1
done
stop_churn
run_build _build-ci-sanitize -Db_sanitize=address,undefined -Db_lundef=false
run_build _build-ci-nometrics -Dmetrics=disabled
# clang with ASan and UBSan, float-cast-overflow included: the C suites,
# the tools, and the libFuzzer targets run briefly over their seeds.
CC=clang suites="--suite c --suite tools --suite fuzz" run_build _build-ci-fuzz -Dfuzzing=true \
  -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=float-cast-overflow \
  -Dintrospection=disabled -Ddocs=disabled

# ThreadSanitizer over the tests that send from several threads. GSlice's
# magazines, in an uninstrumented GLib, would show as races: plain malloc.
rm -rf _build-ci-tsan
CC=clang meson setup _build-ci-tsan -Dwarning_level=3 -Dwerror=true -Db_sanitize=thread -Db_lundef=false \
  -Dintrospection=disabled -Ddocs=disabled -Dtools=disabled
meson compile -C _build-ci-tsan
G_SLICE=always-malloc TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  meson test -C _build-ci-tsan --print-errorlogs reliability metrics raw context mainloop || status=1

# One closing line over all builds, counted from meson’s own logs.
passed=0 failed=0 skipped=0
for log in _build-ci/meson-logs/testlog.json _build-ci/meson-logs/testlog-valgrind.json \
           _build-ci/meson-logs/testlog-churn-*.json \
           _build-ci-sanitize/meson-logs/testlog.json _build-ci-nometrics/meson-logs/testlog.json \
           _build-ci-fuzz/meson-logs/testlog.json _build-ci-tsan/meson-logs/testlog.json; do
  passed=$((passed + $(grep -c '"result": "OK"' "$log" || true)))
  skipped=$((skipped + $(grep -c '"result": "SKIP"' "$log" || true)))
  failed=$((failed + $(grep -Evc '"result": "(OK|SKIP)"' "$log" || true)))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
