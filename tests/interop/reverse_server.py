#!/usr/bin/env python3
"""The seed's palindrome server, ported to Python 3.

Usage: reverse_server.py PORT

Binds 127.0.0.1:PORT (0 picks a free port), prints "Слушаю порт N", and for
each connection, one at a time as the seed does, answers every chunk received
(recv(1024)) with the chunk reversed by Unicode code point, until the client
closes.

The seed was Python 2 and reversed bytes; in Python 3 the chunk is decoded as
UTF-8 first, so Cyrillic survives. One deviation, so that a client that ends
its line (as `netkit reverse` does) gets a line back: a trailing line ending
is kept at the end instead of being reversed to the front.
"""
import socket
import sys


def do_something(x: str) -> str:
    body = x.rstrip('\r\n')
    ending = x[len(body):]
    return body[::-1] + ending


def main() -> int:
    port = int(sys.argv[1])
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(('127.0.0.1', port))
    srv.listen(1)
    print("Слушаю порт %d" % srv.getsockname()[1], flush=True)
    while True:
        sock, addr = srv.accept()
        while True:
            pal = sock.recv(1024)
            if not pal:
                break
            text = pal.decode('utf-8')
            print("Получено от %s:%s:" % addr, text, flush=True)
            lap = do_something(text)
            print("Отправлено %s:%s:" % addr, lap, flush=True)
            sock.sendall(lap.encode('utf-8'))
        sock.close()


if __name__ == '__main__':
    sys.exit(main())
