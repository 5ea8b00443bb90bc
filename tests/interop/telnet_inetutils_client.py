"""A Telnet client program driven through a pseudo-terminal like a person at a keyboard.

Usage: telnet_inetutils_client.py CLOSED_MARKER PROGRAM ARGS...
  e.g. "Connection closed" telnet 127.0.0.1 2323  (Debian's inetutils telnet)
Waits for the NetKit console's prompt, types a reverse command, types quit,
waits for the client to say CLOSED_MARKER, and prints everything the terminal
showed on stdout. Exits non-zero when a step times out.
"""
import os
import pty
import select
import sys
import time

closed, program, arguments = sys.argv[1].encode(), sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "vt100"
    os.execvp(program, [program, *arguments])

seen = b""


def wait_for(marker, timeout=15):
    global seen
    end = time.monotonic() + timeout
    while marker not in seen:
        left = end - time.monotonic()
        if left <= 0:
            sys.stdout.write(seen.decode("utf-8", "replace"))
            sys.exit(f"timed out waiting for {marker!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                break
            seen += chunk


def type_text(text):
    for ch in text.encode("utf-8"):
        os.write(fd, bytes([ch]))


wait_for(b"netkit> ")
type_text("reverse inetutils\r")
wait_for(b"slituteni")
wait_for(b"netkit> ", 5)
type_text("quit\r")
wait_for(closed)
os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
