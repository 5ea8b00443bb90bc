#!/usr/bin/env python3
"""bench/nntp_bench.py: the one NNTP client bench/nntp.sh drives against both servers.

It speaks NNTP over a plain socket (nntplib's line parsing would cost more than
the servers being measured) and does the same thing to either server:

  load PORT GROUP COUNT CONNS   IHAVE COUNT articles for GROUP over CONNS connections
                                (the fast path that fills the OVER group; prints seconds)
  post PORT GROUP COUNT CONNS TAG
                                MODE READER, then POST COUNT articles over CONNS
                                connections, waiting for each 240 before the next
                                (prints seconds and articles)
  over PORT GROUP               MODE READER, GROUP, one OVER of the whole group
                                (prints seconds, overview lines and bytes)

Articles are generated: about 700 bytes each, a References header on two in three,
Message-IDs unique per TAG, so every round posts new articles.
"""
import socket
import sys
import threading
import time

BODY = b"".join(b"Line %d of a benchmark article: the quick brown fox jumps over the lazy dog.\r\n" % i for i in range(8))


def article(group: str, tag: str, n: int, path: bool) -> tuple[bytes, bytes]:
    mid = f"<{tag}.{n}@bench.example.net>".encode()
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()).encode()
    head = [b"From: Bench Poster <bench@example.net>",
            b"Newsgroups: " + group.encode(),
            b"Subject: benchmark article %d about nothing in particular" % n,
            b"Message-ID: " + mid,
            b"Date: " + date]
    if path:
        head.insert(0, b"Path: feeder.example.net!not-for-mail")
    if n % 3:
        head.append(b"References: <%s.%d@bench.example.net>" % (tag.encode(), n - 1))
    return mid, b"\r\n".join(head) + b"\r\n\r\n" + BODY + b".\r\n"


class Conn:
    def __init__(self, port: int, reader: bool):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb", buffering=1 << 16)
        self.expect(b"20")
        if reader:
            self.command(b"MODE READER", b"20")

    def line(self) -> bytes:
        line = self.file.readline()
        if not line:
            raise ConnectionError("the server closed the connection")
        return line

    def expect(self, code: bytes) -> bytes:
        line = self.line()
        if not line.startswith(code):
            raise RuntimeError(f"expected {code.decode()}, got {line!r}")
        return line

    def command(self, text: bytes, code: bytes) -> bytes:
        self.sock.sendall(text + b"\r\n")
        return self.expect(code)

    def close(self):
        try:
            self.command(b"QUIT", b"205")
        finally:
            self.sock.close()


def in_parallel(conns: int, count: int, work) -> float:
    """Runs work(i, first, last) on CONNS threads, thread i over its share of 0..COUNT-1; returns seconds."""
    errors = []

    def run(i, first, last):
        try:
            work(i, first, last)
        except Exception as e:  # reported below; a failed round must not pass as fast
            errors.append(e)

    shares = [(i, count * i // conns, count * (i + 1) // conns) for i in range(conns)]
    threads = [threading.Thread(target=run, args=s) for s in shares]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return elapsed


def load(port: int, group: str, count: int, conns: int) -> None:
    def work(_, first, last):
        c = Conn(port, reader=False)
        for n in range(first, last):
            mid, art = article(group, "load", n, path=True)
            c.command(b"IHAVE " + mid, b"335")
            c.sock.sendall(art)
            c.expect(b"235")
        c.close()

    print(f"{in_parallel(conns, count, work):.3f} {count}", flush=True)


def post(port: int, group: str, count: int, conns: int, tag: str) -> None:
    # Articles are built before the clock starts; only the conversation is timed.
    arts = [article(group, tag, n, path=False)[1] for n in range(count)]
    ready = [Conn(port, reader=True) for _ in range(conns)]

    def work(i, first, last):
        c = ready[i]  # one connection per thread (first * conns // count could repeat one)
        for n in range(first, last):
            c.command(b"POST", b"340")
            c.sock.sendall(arts[n])
            c.expect(b"240")

    elapsed = in_parallel(conns, count, work)
    for c in ready:
        c.close()
    print(f"{elapsed:.3f} {count}", flush=True)


def over(port: int, group: str) -> None:
    c = Conn(port, reader=True)
    start = time.perf_counter()
    _, _, first, last, _ = c.command(b"GROUP " + group.encode(), b"211").split(b" ", 4)
    c.command(b"OVER %d-%d" % (int(first), int(last)), b"224")
    # The block is read in big chunks and counted at the end: a line-by-line Python loop
    # would cost more than either server spends producing the lines.
    chunks, tail = [], b"\r\n"  # the 224 line's CRLF: an empty block is just ".\r\n"
    while tail[-5:] != b"\r\n.\r\n":
        chunk = c.file.read1(1 << 16)
        if not chunk:
            raise ConnectionError("the server closed the connection inside OVER")
        chunks.append(chunk)
        tail = (tail + chunk)[-5:]
    elapsed = time.perf_counter() - start
    block = b"".join(chunks)
    lines = block.count(b"\r\n") - 1
    if block.count(b"\t") < 7 * lines:
        raise RuntimeError(f"not overview lines: {block[:200]!r}")
    c.close()
    print(f"{elapsed:.3f} {lines} {len(block) - 3}", flush=True)


def main() -> int:
    mode, port, group = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if mode == "load":
        load(port, group, int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "post":
        post(port, group, int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif mode == "over":
        over(port, group)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
