#!/bin/sh
# Runs a test in a network namespace of its own, with only lo, up.
# If the namespace cannot be created the test fails: it never runs on the
# host's network.
set -eu
exec unshare --net -- /bin/sh -c 'ip link set lo up && exec "$@"' run-in-netns "$@"
