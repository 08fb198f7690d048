#!/bin/sh
# Runs a test in a network namespace of its own, with only lo, up.
# If the namespace cannot be created the test fails: it never runs on the
# host's network.
set -eu
# The tests bind some fixed ports (40000 to 49999); the kernel's own
# choices stay above them.
exec unshare --net -- /bin/sh -c 'ip link set lo up && echo "50000 60999" > /proc/sys/net/ipv4/ip_local_port_range && exec "$@"' run-in-netns "$@"
