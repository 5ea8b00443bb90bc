"""300 FTP clients connecting and logging in at once, then idle: wall time and memory.

argv: port user password server_pid [clients]
Each client is an ftplib.FTP in its own thread; a barrier releases them together,
and the wall time runs from the release until the last 230. Then every session
stays logged in and idle while the server's memory is read from /proc: the RSS
and the PSS (smaps_rollup; shared pages divided among their sharers) summed over
server_pid and all its descendants (vsftpd forks one or two processes per
session), before the clients connect and after they are all logged in and idle
for a second. Prints one line: clients seconds rss_before_kb rss_after_kb pss_before_kb pss_after_kb processes_after failed=N (a client gives up after 120 s).
"""
import ftplib
import os
import sys
import threading
import time

port, user, password, server_pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
clients = int(sys.argv[5]) if len(sys.argv) > 5 else 300


def tree(root):
    """root and all its descendants, from /proc/*/stat's parent ids."""
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(name))
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def field(path, key):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory():
    pids = tree(server_pid)
    rss = sum(field(f"/proc/{p}/status", "VmRSS:") for p in pids)
    pss = sum(field(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
    return rss, pss, len(pids)


rss0, pss0, _ = memory()
barrier = threading.Barrier(clients + 1)
done = threading.Barrier(clients + 1)
release = threading.Event()
sessions, errors = [None] * clients, []


def client(i):
    barrier.wait()
    try:
        ftp = ftplib.FTP()
        ftp.connect("127.0.0.1", port, timeout=120)
        ftp.login(user, password)
        sessions[i] = ftp
    except Exception as e:  # counted and reported, the rest go on
        errors.append(repr(e))
    done.wait()
    release.wait()
    if sessions[i] is not None:
        try:
            sessions[i].quit()
        except Exception:
            sessions[i].close()


threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
for t in threads:
    t.start()
barrier.wait()
start = time.perf_counter()
done.wait()
seconds = time.perf_counter() - start
time.sleep(1)
rss1, pss1, processes = memory()
release.set()
for t in threads:
    t.join(30)
if errors:
    print(f"ftp_sessions.py: {len(errors)} of {clients} failed, e.g. {errors[0]}", file=sys.stderr)
print(clients, f"{seconds:.3f}", rss0, rss1, pss0, pss1, processes, f"failed={len(errors)}")
