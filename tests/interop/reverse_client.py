#!/usr/bin/env python3
"""The seed's palindrome client, ported to Python 3.

Usage: reverse_client.py HOST PORT TEXT

Sends TEXT encoded as UTF-8 with NO line ending (the seed sends the bare
string), receives no more than 1024 bytes, closes, and prints the answer
decoded as UTF-8.
"""
import socket
import sys


def main() -> int:
    host, port, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect((host, port))
    sock.send(text.encode('utf-8'))
    result = sock.recv(1024)
    sock.close()
    print(result.decode('utf-8'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
