#!/usr/bin/env python3
"""Writes SIZE_MIB to a file in 1 MiB write() calls and fsyncs it, the way an
FTP server stores an upload, in one of three modes, and prints write, fsync
and total seconds (bench/RESULTS.md, FTP STOR receive path):
  plain  write everything, then fsync (NetKit before 2026-11-26)
  kick   sync_file_range(SYNC_FILE_RANGE_WRITE) each finished 8 MiB window,
         then fsync (FtpUploadWriter)
  wait   kick, and wait for the window before it (WAIT_BEFORE|WRITE|WAIT_AFTER)

usage: ftp_writeback.py MODE [SIZE_MIB] [DIR]   (defaults: 1024 /var/tmp)
"""
import ctypes
import os
import sys
import time

libc = ctypes.CDLL("libc.so.6", use_errno=True)
libc.sync_file_range.argtypes = [ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong, ctypes.c_uint]
WRITE, WAIT_ALL, WINDOW = 2, 7, 8 << 20

mode = sys.argv[1]
size = int(sys.argv[2] if len(sys.argv) > 2 else 1024) << 20
path = os.path.join(sys.argv[3] if len(sys.argv) > 3 else "/var/tmp", f"nk-writeback-{os.getpid()}")
chunk = os.urandom(1 << 20)
os.sync()
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
try:
    t0 = time.monotonic()
    started = waited = pos = 0
    while pos < size:
        pos += os.write(fd, chunk)
        if mode != "plain" and pos - started >= WINDOW:
            libc.sync_file_range(fd, started, pos - started, WRITE)
            if mode == "wait" and started > waited:
                libc.sync_file_range(fd, waited, started - waited, WAIT_ALL)
            waited, started = started, pos
    t1 = time.monotonic()
    os.fsync(fd)
    t2 = time.monotonic()
finally:
    os.close(fd)
    os.unlink(path)
print(f"{mode} write={t1 - t0:.2f}s fsync={t2 - t1:.2f}s total={t2 - t0:.2f}s")
