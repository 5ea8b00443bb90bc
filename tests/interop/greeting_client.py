#!/usr/bin/env python3
"""The seed's greeting client (client.py), ported to Python 3.

Usage: greeting_client.py HOST PORT

Connects, receives no more than 1024 bytes, closes and prints what the server
said, exactly as the seed does (it decodes ASCII; so do we).
"""
import socket
import sys


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    # create a socket object
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(10)
    # connection to hostname on the port.
    s.connect((host, port))
    # Receive no more than 1024 bytes
    msg = s.recv(1024)
    s.close()
    print(msg.decode('ascii'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
