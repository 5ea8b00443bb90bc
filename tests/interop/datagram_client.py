#!/usr/bin/env python3
"""A datagram client from Python's socket module: one datagram out, one back.

Usage: datagram_client.py udp HOST PORT TEXT
       datagram_client.py unixgram SERVER_PATH TEXT

Sends TEXT encoded as UTF-8 plus "\\n" in one datagram and prints the answer
decoded as UTF-8 (without adding a newline of its own). For a Unix datagram
socket the client binds a socket file of its own, so the server has an
address to answer to, and removes it afterwards.
"""
import os
import socket
import sys
import tempfile


def main() -> int:
    kind = sys.argv[1]
    if kind == 'udp':
        host, port, text = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.sendto((text + "\n").encode('utf-8'), (host, port))
        data, _ = s.recvfrom(65536)
        s.close()
    elif kind == 'unixgram':
        server, text = sys.argv[2], sys.argv[3]
        own = os.path.join(tempfile.gettempdir(), "netkit-pyclient-%d.sock" % os.getpid())
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.bind(own)
        try:
            s.sendto((text + "\n").encode('utf-8'), server)
            data, _ = s.recvfrom(65536)
        finally:
            s.close()
            os.unlink(own)
    else:
        print("usage: datagram_client.py udp HOST PORT TEXT | unixgram PATH TEXT", file=sys.stderr)
        return 2
    sys.stdout.write(data.decode('utf-8'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
