#!/usr/bin/env python3
"""An echo server from Python's standard library (socketserver), as a peer for `netkit connect`.

Usage: echo_server.py tcp|udp

Binds 127.0.0.1 on a free port, prints "Listening on port N", and sends back
every byte (TCP, until the client closes its side) or every datagram (UDP).
Runs until killed.
"""
import socketserver
import sys


class TcpEcho(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            data = self.request.recv(65536)
            if not data:
                return
            self.request.sendall(data)


class UdpEcho(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(data, self.client_address)


def main() -> int:
    kind = sys.argv[1]
    if kind == 'tcp':
        server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), TcpEcho)
    elif kind == 'udp':
        server = socketserver.UDPServer(('127.0.0.1', 0), UdpEcho)
    else:
        print("usage: echo_server.py tcp|udp", file=sys.stderr)
        return 2
    server.daemon_threads = True
    print("Listening on port %d" % server.server_address[1], flush=True)
    server.serve_forever()
    return 0


if __name__ == '__main__':
    sys.exit(main())
