#!/usr/bin/env python3
"""CPU seconds a process tree spends until a file appears (for bench/ftp_stor.sh).

usage: ftp_cpu.py ROOT_PID STOP_FILE
Polls /proc every 10 ms: the root and every descendant, each counted from the
first time it is seen (a pid already alive at the start counts from then; a new
one, such as vsftpd's per-session processes, from 0). A process that exits loses
at most its last 10 ms. Prints the total utime+stime in seconds when STOP_FILE exists.
"""
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12]), int(fields[1])  # utime+stime, ppid
    except (OSError, IndexError, ValueError):
        return None


def tree(root):
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            t = ticks(int(name))
            if t:
                parents[int(name)] = t
    members, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        for pid, (_, ppid) in parents.items():
            if ppid == p and pid not in members:
                members.add(pid)
                frontier.append(pid)
    return {pid: parents[pid][0] for pid in members if pid in parents}


root, stop = int(sys.argv[1]), sys.argv[2]
start = tree(root)
latest = dict(start)
while not os.path.exists(stop):
    latest.update(tree(root))
    time.sleep(0.01)
latest.update(tree(root))
print(f"{sum(v - start.get(pid, 0) for pid, v in latest.items()) / HZ:.2f}")
