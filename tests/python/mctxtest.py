# Helpers shared by the Python tests: the namespace guard, receivers.
#
# SPDX-License-Identifier: BSD-2-Clause

import select
import socket
import struct
import subprocess
import sys

WAIT = 2.0
SILENCE = 0.3
# From linux/in.h; Python 3.11's socket module exports neither.
MCAST_JOIN_SOURCE_GROUP = 46
IP_RECVTTL = 12


def assert_private_namespace():
    """Exits unless this process is in a namespace with nothing but lo."""
    with open("/proc/self/net/dev") as dev:
        names = [line.split(":")[0].strip() for line in dev.readlines()[2:]]
    if names != ["lo"]:
        sys.exit("Not in a private network namespace (interfaces: %s)" % names)


def ip(*args):
    subprocess.run(["ip", *args], check=True)


def ipv4_receiver(group, interface="127.0.0.1", port=0):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    receiver.bind((group, port))
    receiver.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                        socket.inet_aton(group) + socket.inet_aton(interface))
    receiver.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
    return receiver, receiver.getsockname()[1]


def _sockaddr_storage(address):
    sin6 = struct.pack("=H", socket.AF_INET6) + struct.pack("!HI", 0, 0) \
        + socket.inet_pton(socket.AF_INET6, address) + struct.pack("=I", 0)
    return sin6.ljust(128, b"\0")


def ipv6_ssm_receiver(group, ifindex, source, port=0):
    receiver = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    receiver.bind(("::", port))
    request = struct.pack("=I4x", ifindex) + _sockaddr_storage(group) + _sockaddr_storage(source)
    receiver.setsockopt(socket.IPPROTO_IPV6, MCAST_JOIN_SOURCE_GROUP, request)
    return receiver, receiver.getsockname()[1]


def receive(receiver, timeout=WAIT):
    """Returns (data, ttl, sender) of the next datagram, or None."""
    if not select.select([receiver], [], [], timeout)[0]:
        return None
    data, ancillary, _flags, sender = receiver.recvmsg(65536, socket.CMSG_SPACE(4))
    ttl = None
    for level, kind, value in ancillary:
        if level == socket.IPPROTO_IP and kind == socket.IP_TTL:
            ttl = struct.unpack("=i", value)[0]
    return data, ttl, sender
