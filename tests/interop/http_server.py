"""A scripted HTTP server on Python's http.server, the peer for `netkit http`.

Routes (every method unless said):
  /echo                 JSON {method, path, headers, body} of the request (path: the request target as
                        sent, absolute when the request came as to a proxy)
  /redirect/N           302 to /redirect/N-1; /redirect/0 answers 200 "arrived"
  /status/CODE          answers CODE with a short text body
  /chunked              a Transfer-Encoding: chunked body (no Content-Length)
  /gzip                 a gzip-encoded text (Content-Encoding: gzip)
  /file/NAME            ROOT/NAME as it is; NAME.br and NAME.gz go out with their Content-Encoding
  /blob/SIZE            SIZE bytes of a pattern (see blob_block), with an ETag, Range and If-Range
  /stall                headers and 10 of 100 bytes, then silence
  /stall-head           silence before the headers
  POST /control         JSON {"cut_after": N} closes the next /blob after N body bytes;
                        {"version": V} changes the blob's bytes and its ETag

The first line printed is "listening on 127.0.0.1 PORT".
"""
import argparse
import gzip
import http.server
import json
import os
import re
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse

BLOCK = 1 << 20
STATE = {"version": 1, "cut_after": None}
LOCK = threading.Lock()
_BASES = {}


def blob_base(version):
    if version not in _BASES:
        _BASES[version] = bytes((i * 7 + version * 13) % 251 for i in range(BLOCK))
    return _BASES[version]


def blob_block(version, index):
    """Block INDEX of the blob: the base pattern with the block's number in its first 8 bytes (little-endian)."""
    return struct.pack("<Q", index) + blob_base(version)[8:]


def blob_etag(version, size):
    return f'"v{version}-{size}"'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root = "."

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.route()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, code, data, content_type="text/plain; charset=utf-8", extra=None):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def route(self):
        # A proxy gets the absolute form (GET http://host/path): route on the path, echo the target as it came.
        path = urllib.parse.urlsplit(self.path).path
        if path == "/echo":
            body = self.body()
            headers = {}
            for name, value in self.headers.items():
                headers[name.lower()] = value
            reply = {"method": self.command, "path": self.path, "headers": headers, "body": body.decode("utf-8", "replace")}
            return self.send(200, json.dumps(reply).encode(), "application/json")
        if m := re.fullmatch(r"/redirect/(\d+)", path):
            left = int(m.group(1))
            if left == 0:
                return self.send(200, b"arrived")
            return self.send(302, b"", extra={"Location": f"/redirect/{left - 1}"})
        if m := re.fullmatch(r"/status/(\d+)", path):
            return self.send(int(m.group(1)), f"status {m.group(1)}".encode())
        if path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"alpha\n", b"beta\n", b"gamma\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            return
        if path == "/gzip":
            return self.send(200, gzip.compress(b"squeezed by gzip\n" * 100), extra={"Content-Encoding": "gzip"})
        if m := re.fullmatch(r"/file/([\w.-]+)", path):
            name = m.group(1)
            with open(os.path.join(self.root, name), "rb") as f:
                data = f.read()
            encoding = {"br": "br", "gz": "gzip"}.get(name.rsplit(".", 1)[-1])
            return self.send(200, data, "application/octet-stream", {"Content-Encoding": encoding} if encoding else None)
        if m := re.fullmatch(r"/blob/(\d+)", path):
            return self.blob(int(m.group(1)))
        if path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            time.sleep(60)
            return
        if path == "/stall-head":
            time.sleep(60)
            return
        if path == "/control" and self.command == "POST":
            with LOCK:
                STATE.update(json.loads(self.body()))
            return self.send(200, b"ok")
        return self.send(404, b"no such route")

    def blob(self, size):
        with LOCK:
            version = STATE["version"]
            cut = STATE["cut_after"]
            STATE["cut_after"] = None
        etag = blob_etag(version, size)
        start = 0
        status = 200
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if rng and (if_range is None or if_range == etag):
            m = re.fullmatch(r"bytes=(\d+)-", rng)
            if m:
                start = int(m.group(1))
                status = 206
                if start >= size:
                    return self.send(416, b"", extra={"Content-Range": f"bytes */{size}"})
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size - start))
        self.send_header("ETag", etag)
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        self.end_headers()
        if self.command == "HEAD":
            return
        position = start
        sent = 0
        while position < size:
            index, offset = divmod(position, BLOCK)
            chunk = blob_block(version, index)[offset:min(BLOCK, offset + size - position)]
            if cut is not None and sent + len(chunk) > cut:
                chunk = chunk[: cut - sent]
                self.wfile.write(chunk)
                self.wfile.flush()
                # Close at once, mid-body: the client sees fewer bytes than Content-Length.
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self.wfile.write(chunk)
            position += len(chunk)
            sent += len(chunk)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=".")
    parser.add_argument("--cert", help="PEM certificate: serve https")
    parser.add_argument("--key", help="PEM private key of --cert")
    args = parser.parse_args()
    Handler.root = args.root
    http.server.ThreadingHTTPServer.daemon_threads = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"listening on 127.0.0.1 {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
