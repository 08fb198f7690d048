#!/usr/bin/python3
# Joins a multicast group and prints what arrives, with its TTL and sender.
# Used by build-aux/demo.sh inside a private network namespace.
#
# SPDX-License-Identifier: BSD-2-Clause

import select
import socket
import struct
import sys

IP_RECVTTL = 12  # linux/in.h

group, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.bind((group, port))
receiver.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                    socket.inet_aton(group) + socket.inet_aton("127.0.0.1"))
receiver.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
print("receiver: joined %s:%d on lo" % (group, port), flush=True)

for _ in range(count):
    if not select.select([receiver], [], [], 5)[0]:
        sys.exit("receiver: nothing arrived")
    data, ancillary, _flags, sender = receiver.recvmsg(65536, socket.CMSG_SPACE(4))
    ttl = next(struct.unpack("=i", value)[0] for level, kind, value in ancillary
               if level == socket.IPPROTO_IP and kind == socket.IP_TTL)
    print("receiver: got %r from %s:%d (ttl %d)" % (data.decode(), sender[0], sender[1], ttl), flush=True)
