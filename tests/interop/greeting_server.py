#!/usr/bin/env python3
"""The seed's greeting server (server.py), ported to Python 3.

Usage: greeting_server.py PORT

Binds 127.0.0.1:PORT (0 picks a free port), prints "Listening on port N",
then for every connection prints "Got a connection from (ADDR, PORT)", sends
"Thank you for connecting\\r\\n" in ASCII and closes, as the seed does.
Runs until killed.
"""
import socket
import sys


def main() -> int:
    port = int(sys.argv[1])
    # create a socket object
    serversocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # bind to the port (loopback: tests must not listen on the network)
    serversocket.bind(('127.0.0.1', port))
    # queue up to 5 requests
    serversocket.listen(5)
    print("Listening on port %d" % serversocket.getsockname()[1], flush=True)
    while True:
        # establish a connection
        clientsocket, addr = serversocket.accept()
        print("Got a connection from %s" % str(addr), flush=True)
        msg = 'Thank you for connecting' + "\r\n"
        clientsocket.send(msg.encode('ascii'))
        clientsocket.close()


if __name__ == '__main__':
    sys.exit(main())
