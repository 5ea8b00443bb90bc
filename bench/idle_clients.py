"""Open N TCP connections to an echo server, send one small message on each and
check its echo (so the server has rented and returned a buffer for each), then
hold them all open and idle until SIGTERM or SIGINT.

usage: idle_clients.py HOST PORT N
Prints "ready N" once every connection has had its echo.
"""
import signal
import socket
import sys


def main():
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    conns = []
    for i in range(n):
        s = socket.create_connection((host, port), timeout=10)
        msg = b"hello %d\n" % i
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            chunk = s.recv(len(msg) - len(got))
            if not chunk:
                sys.exit(f"connection {i}: server closed before the echo")
            got += chunk
        if got != msg:
            sys.exit(f"connection {i}: echo mismatch {got!r} != {msg!r}")
        conns.append(s)
    print(f"ready {len(conns)}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()  # idle until told to go; the sockets close on exit


if __name__ == "__main__":
    main()
