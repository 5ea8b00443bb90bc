"""Interleaved A/B of two NetKit builds on bench/imap.sh's workload (to keep a change only if it helps).

Usage: imap_ab.py A_DLL B_DLL [MESSAGES] [SIZE] [ROUNDS]   (defaults: 1000 10240 9)
Starts `netkit serve smtp imap` from each NetKit.Cli.dll on its own temporary store, delivers the
same messages to both over SMTP, warms both up with two rounds, then alternates rounds A B, B A, A B...
Prints, per build, the median wall time of each round and of each command, and the median server
CPU seconds per round (bench/imap_cpu.py), and B's gain over A.
"""
import os
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from imap_cpu import tree_cpu  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port):
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port}")


def messages(count, size):
    line = b"The quick brown fox jumps over the lazy dog, 0123456789 times.\r\n"
    for i in range(count):
        head = f"From: bench@example.org\r\nTo: bob@localhost\r\nSubject: message {i}\r\n\r\n".encode()
        body = (line * (size // len(line) + 1))[: max(0, size - len(head) - 2)]
        body = body[: body.rfind(b"\r\n") + 2] if b"\r\n" in body else b""
        yield head + body


def start(dll, work, name, count, size):
    data = os.path.join(work, name)
    subprocess.run(["dotnet", dll, "users", "add", "bob", "--password", "pw", "--data", data], check=True, stdout=subprocess.DEVNULL)
    smtp_port, imap_port = free_port(), free_port()
    server = subprocess.Popen(["dotnet", dll, "serve", "--quiet", f"smtp=127.0.0.1:{smtp_port}", f"imap=127.0.0.1:{imap_port}",
                               "--allow-plaintext-auth", "--data", data], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(smtp_port)
    wait_port(imap_port)
    with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
        for raw in messages(count, size):
            smtp.sendmail("bench@example.org", ["bob@localhost"], raw)
    return server, imap_port


def round_(server, port):
    before = tree_cpu(server.pid)
    line = subprocess.run([sys.executable, os.path.join(here, "imap_workload.py"), str(port), "bob", "pw"], check=True, capture_output=True, text=True).stdout.split()
    cpu = tree_cpu(server.pid) - before
    steps = dict(item.split("=") for item in line[4:])
    return float(line[0]), tuple(line[1:4]), {k: float(v) for k, v in steps.items()}, cpu


def main():
    a_dll, b_dll = sys.argv[1], sys.argv[2]
    count, size, rounds = (int(v) for v in (sys.argv[3:] + ["1000", "10240", "9"][len(sys.argv) - 3:])[:3])
    work = tempfile.mkdtemp(prefix="nk-imap-ab-")
    servers = []
    try:
        for dll, name in ((a_dll, "a"), (b_dll, "b")):
            servers.append(start(dll, work, name, count, size))
        for _ in range(2):
            for server, port in servers:
                round_(server, port)
        results = {"A": [], "B": []}
        for r in range(rounds):
            # ABBA order: a round right after the other server's (its checkpoint, its GC) is not always B's.
            for label, (server, port) in (zip("AB", servers) if r % 2 == 0 else reversed(list(zip("AB", servers)))):
                results[label].append(round_(server, port))
        assert results["A"][0][1] == results["B"][0][1], (results["A"][0][1], results["B"][0][1])
        print(f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} load={open('/proc/loadavg').read().split()[:3]} messages={count} size={size} rounds={rounds}")
        print(f"# A={a_dll}\n# B={b_dll}\n# both: messages, octets, hits = {results['A'][0][1]}")
        medians = {}
        for label, rows in results.items():
            total = statistics.median(r[0] for r in rows)
            cpu = statistics.median(r[3] for r in rows)
            steps = {k: statistics.median(r[2][k] for r in rows) for k in rows[0][2]}
            medians[label] = (total, cpu)
            print(f"{label}: wall median {total:.3f} s (best {min(r[0] for r in rows):.3f}), server CPU median {cpu:.3f} s; "
                  + ", ".join(f"{k} {v:.3f}" for k, v in steps.items()))
        print(f"B/A: wall {medians['B'][0] / medians['A'][0]:.2f}, CPU {medians['B'][1] / medians['A'][1]:.2f} (below 1.0 = B better)")
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
