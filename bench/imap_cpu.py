"""CPU seconds (user + system) used so far by a process and all its descendants, from /proc.

Usage: imap_cpu.py PID
Counts each live process's utime+stime and its reaped children's cutime+cstime, so a
server that forks a process per connection (Dovecot) is measured whole, like one that
does not (ours). The difference of two readings is the CPU a round cost.
"""
import os
import sys

TICKS = os.sysconf("SC_CLK_TCK")


def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    # The command name is in parentheses and may hold spaces: split after its closing one.
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), sum(int(v) for v in fields[11:15])  # ppid, utime+stime+cutime+cstime


def tree_cpu(root):
    parents, cpu = {}, {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                parents[int(name)], cpu[int(name)] = stat(name)
            except (OSError, ValueError):
                pass  # gone meanwhile
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0)
        todo.extend(p for p, parent in parents.items() if parent == pid)
    return total / TICKS


if __name__ == "__main__":
    print(f"{tree_cpu(int(sys.argv[1])):.3f}")
