"""The load generator of bench/load.sh (Python's standard library only).

  load.py hold PID N SERVICE=HOST:PORT...
      Opens N connections spread evenly over the services, one service after the
      other; each must get its greeting (or its echo), so it is served, not waiting
      in a listen backlog. Reads the server's RSS, threads and descriptors from
      /proc/PID before and after each service's share, runs a normal session on
      every protocol while all are held, checks none of the held ones was closed,
      closes them and checks the server let go of them.

  load.py slowloris PID SLOW COMMAND_TIMEOUT IDLE_TIMEOUT SECONDS SERVICE=HOST:PORT...
      A normal client's rate (SMTP, POP3 and IMAP sessions) unloaded, then with
      SLOW clients trickling one byte a second of a command line that never ends
      (spread over the line protocols), then unloaded again; then waits until the
      slow clients are dropped and reports when (after their line began) and with
      what reply, against the server's timeouts: SMTP, POP3, NNTP and Gopher have
      a command deadline (--command-timeout); IMAP, FTP and Telnet are closed by
      the transport's idle timeout (--idle-timeout).

  load.py trickle RESULT_JSON N SERVICE=HOST:PORT...
      (run by slowloris as a separate process) the slow clients themselves.

Every figure printed is measured here; nothing is assumed.
"""
import asyncio
import ftplib
import imaplib
import json
import os
import poplib
import resource
import smtplib
import socket
import statistics
import subprocess
import sys
import time

HOST_USER, PASSWORD, SINK_USER = "bob", "pw", "carol"
GROUP = "local.load"
MESSAGE = (b"From: load@example.org\r\nTo: carol@localhost\r\nSubject: load\r\n\r\n"
           + b"The quick brown fox jumps over the lazy dog.\r\n" * 20)

# What each line protocol's greeting starts with.
GREETINGS = {"smtp": b"220", "pop3": b"+OK", "imap": b"* OK", "ftp": b"220", "nntp": b"20"}
# The start of a command line a slow client never finishes (then 'x' forever).
TRICKLE = {"smtp": b"EHLO ", "pop3": b"USER ", "imap": b"a1 LOGIN ", "ftp": b"USER ",
           "nntp": b"GROUP ", "telnet": b"", "gopher": b""}


def targets(args):
    out = {}
    for arg in args:
        name, _, address = arg.partition("=")
        host, _, port = address.rpartition(":")
        out[name] = (host, int(port))
    return out


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# ---- the server's process, from /proc ----

def proc_stats(pid):
    status = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            status[key] = value.split()[0] if value.split() else ""
    return {"rss_kib": int(status["VmRSS"]), "anon_kib": int(status["RssAnon"]),
            "threads": int(status["Threads"]), "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---- greetings (async, for held and slow connections) ----

async def read_until(reader, marker, limit=65536):
    got = b""
    while marker not in got:
        chunk = await reader.read(4096)
        if not chunk:
            raise ConnectionError(f"closed before {marker!r}; got {got[:80]!r}")
        got += chunk
        if len(got) > limit:
            raise ConnectionError("greeting too long")
    return got


async def greet(service, reader, writer):
    """Proves the connection is served: its greeting, or an answer to one line."""
    if service in GREETINGS:
        line = await reader.readline()
        if not line.startswith(GREETINGS[service]):
            raise ConnectionError(f"{service}: greeting {line[:80]!r}")
    elif service == "telnet":
        await read_until(reader, b"netkit> ")
    elif service in ("echo", "reverse"):
        writer.write(b"hello\r\n")
        await writer.drain()
        line = await reader.readline()
        want = b"hello" if service == "echo" else b"olleh"
        if line.rstrip(b"\r\n") != want:
            raise ConnectionError(f"{service}: answer {line[:80]!r}")
    elif service != "gopher":
        raise ValueError(f"no greeting known for {service}")


async def open_one(service, host, port, source):
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0) if source else None, limit=8192)
    await asyncio.wait_for(greet(service, reader, writer), 60)
    return reader, writer


# ---- normal sessions (blocking, Python's own clients) ----

def smtp_session(host, port):
    with smtplib.SMTP(host, port, timeout=30) as smtp:
        smtp.sendmail("load@example.org", [f"{SINK_USER}@localhost"], MESSAGE)


def pop3_session(host, port):
    pop = poplib.POP3(host, port, timeout=30)
    pop.user(HOST_USER)
    pop.pass_(PASSWORD)
    count, _ = pop.stat()
    assert count > 0, "bob's maildrop is empty"
    pop.retr(1)
    pop.quit()


def imap_session(host, port):
    imap = imaplib.IMAP4(host, port, timeout=30)
    imap.login(HOST_USER, PASSWORD)
    typ, _ = imap.select("INBOX")
    assert typ == "OK"
    typ, data = imap.fetch("1", "(RFC822)")
    assert typ == "OK" and data[0]
    imap.logout()


def ftp_session(host, port):
    ftp = ftplib.FTP()
    ftp.connect(host, port, timeout=30)
    ftp.login(HOST_USER, PASSWORD)
    ftp.storbinary("STOR load.txt", __import__("io").BytesIO(MESSAGE))
    got = []
    ftp.retrbinary("RETR load.txt", got.append)
    assert b"".join(got) == MESSAGE
    ftp.quit()


def line_session(host, port, greeting, exchanges):
    """Raw lines: each (command, expected start of the answer, or the marker to read up to)."""
    with socket.create_connection((host, port), timeout=30) as s:
        f = s.makefile("rb")
        if greeting is not None:
            line = f.readline()
            assert line.startswith(greeting), line
        for command, want in exchanges:
            s.sendall(command)
            line = f.readline()
            assert line.startswith(want), (command, line)


def nntp_session(host, port):
    line_session(host, port, b"20", [(f"GROUP {GROUP}\r\n".encode(), b"211"), (b"DATE\r\n", b"111"), (b"QUIT\r\n", b"205")])


def telnet_session(host, port):
    with socket.create_connection((host, port), timeout=30) as s:
        got = b""
        while b"netkit> " not in got:
            chunk = s.recv(4096)
            assert chunk, "telnet closed before its prompt"
            got += chunk
        s.sendall(b"reverse hello\r\n")
        got = b""
        while b"netkit> " not in got:
            chunk = s.recv(4096)
            assert chunk, "telnet closed before answering"
            got += chunk
        assert b"olleh" in got, got


def gopher_session(host, port):
    with socket.create_connection((host, port), timeout=30) as s:
        s.sendall(b"\r\n")
        got = b""
        while chunk := s.recv(65536):
            got += chunk
        assert got.endswith(b".\r\n") and got.count(b"\r\n") > 1, got[:200]


def echo_session(host, port, want=b"hello"):
    line_session(host, port, None, [(b"hello\r\n", want)])


SESSIONS = {
    "smtp": smtp_session, "pop3": pop3_session, "imap": imap_session, "ftp": ftp_session,
    "nntp": nntp_session, "telnet": telnet_session, "gopher": gopher_session,
    "echo": echo_session, "reverse": lambda h, p: echo_session(h, p, b"olleh"),
}


def normal_sessions(services):
    results = {}
    for name, (host, port) in services.items():
        started = time.monotonic()
        try:
            SESSIONS[name](host, port)
            results[name] = f"ok ({(time.monotonic() - started) * 1000:.0f} ms)"
        except Exception as ex:  # a failed session is a result to report, not a crash
            results[name] = f"FAILED: {type(ex).__name__}: {ex}"
    return results


# ---- hold ----

async def hold(pid, n, services, sources):
    # Gopher answers one request and closes: it is not held, only checked with a normal session.
    holdable = {name: target for name, target in services.items() if name != "gopher"}
    held = {name: [] for name in holdable}
    per_service = n // len(holdable)
    # Warm-up: a few connections and a normal session on each, so JIT and first use are not counted.
    for name, (host, port) in holdable.items():
        for _ in range(20):
            _, w = await open_one(name, host, port, None)
            w.close()
    normal_sessions(services)
    await asyncio.sleep(2)
    before = proc_stats(pid)
    print(f"before: rss={before['rss_kib']} KiB anon={before['anon_kib']} KiB threads={before['threads']} fds={before['fds']}", flush=True)
    rows = []
    gate = asyncio.Semaphore(200)
    last = before
    opening = 0.0  # time spent opening and greeting, without the pauses that let the RSS settle
    for name, (host, port) in holdable.items():
        async def one(i, name=name, host=host, port=port):
            async with gate:
                return await open_one(name, host, port, sources[i % len(sources)])
        started = time.monotonic()
        results = await asyncio.gather(*(one(i) for i in range(per_service)), return_exceptions=True)
        opening += time.monotonic() - started
        failed = [r for r in results if isinstance(r, BaseException)]
        held[name] = [r for r in results if not isinstance(r, BaseException)]
        await asyncio.sleep(1.5)  # the sessions settle into their wait for a command
        now = proc_stats(pid)
        rows.append((name, len(held[name]), len(failed), now["rss_kib"] - last["rss_kib"], now["fds"] - last["fds"]))
        if failed:
            print(f"  {name}: {len(failed)} failed, first: {failed[0]!r}", flush=True)
        last = now
    total = sum(len(v) for v in held.values())
    during = proc_stats(pid)
    print(f"{'service':8} {'held':>6} {'failed':>6} {'RSS +KiB':>9} {'KiB/conn':>9} {'fds +':>6}")
    for name, count, failed, rss, fds in rows:
        print(f"{name:8} {count:6d} {failed:6d} {rss:9d} {rss / max(count, 1):9.2f} {fds:6d}")
    print(f"held: {total} connections, opened and greeted in {opening:.1f} s; "
          f"rss {before['rss_kib']} -> {during['rss_kib']} KiB (anon {before['anon_kib']} -> {during['anon_kib']}), "
          f"{(during['rss_kib'] - before['rss_kib']) / max(total, 1):.2f} KiB per connection; "
          f"threads {before['threads']} -> {during['threads']}; fds {before['fds']} -> {during['fds']}", flush=True)

    sessions = normal_sessions(services)
    print("normal sessions while held: " + "; ".join(f"{k} {v}" for k, v in sessions.items()), flush=True)
    await asyncio.sleep(0.5)
    closed = sum(1 for conns in held.values() for r, _ in conns if r.at_eof() or r.exception())
    print(f"held connections closed by the server meanwhile: {closed}", flush=True)

    for conns in held.values():
        for _, w in conns:
            w.close()
    released = time.monotonic()
    while proc_stats(pid)["fds"] > before["fds"] + 5 and time.monotonic() - released < 60:
        await asyncio.sleep(0.2)
    after = proc_stats(pid)
    print(f"after closing all: fds={after['fds']} (before {before['fds']}) in {time.monotonic() - released:.1f} s, "
          f"rss={after['rss_kib']} KiB threads={after['threads']}", flush=True)
    ok = total == per_service * len(holdable) and closed == 0 and all(v.startswith("ok") for v in sessions.values()) \
        and after["fds"] <= before["fds"] + 5
    print("RESULT " + ("PASS" if ok else "FAIL"), flush=True)
    return 0 if ok else 1


# ---- the slow clients ----

async def slow_client(service, host, port, source, ready, record):
    try:
        reader, writer = await open_one(service, host, port, source)
    except Exception as ex:
        record.update(error=f"connect: {ex!r}")
        ready.release()
        return
    prefix = TRICKLE[service]
    got = bytearray()

    async def drain_reads():
        try:
            while chunk := await reader.read(4096):
                got.extend(chunk)
        except (ConnectionError, OSError):
            pass

    reading = asyncio.ensure_future(drain_reads())
    record.update(start=time.monotonic(), sent=0)
    ready.release()
    i = 0
    while not reading.done():
        try:
            writer.write(prefix[i:i + 1] if i < len(prefix) else b"x")
            i += 1
            record["sent"] = i
        except (ConnectionError, OSError):
            break
        await asyncio.wait([reading], timeout=1.0)
    await reading
    record.update(closed=time.monotonic(), reply=got.decode("utf-8", "replace").strip())
    writer.close()


async def trickle(result_path, n, services, max_wait):
    names = list(services)
    records = [{"service": names[i % len(names)]} for i in range(n)]
    ready = asyncio.Semaphore(0)
    gate = asyncio.Semaphore(100)

    async def one(record):
        # The gate is held only until this client has its greeting and has sent its first byte.
        async with gate:
            first_byte = asyncio.Semaphore(0)
            task = asyncio.ensure_future(slow_client(record["service"], *services[record["service"]], None, first_byte, record))
            await first_byte.acquire()
        ready.release()
        await task

    tasks = [asyncio.ensure_future(one(r)) for r in records]
    for _ in range(n):
        await ready.acquire()
    print(f"ready {sum(1 for r in records if 'start' in r)}", flush=True)
    await asyncio.wait(tasks, timeout=max_wait)
    with open(result_path, "w") as f:
        json.dump(records, f)
    os._exit(0)  # clients still trickling after max_wait are reported as not dropped


# ---- slowloris ----

def rate(pid, session, host, port, seconds):
    """Sessions per second of one sequential client, and the server's CPU per session."""
    done = errors = 0
    cpu = cpu_seconds(pid)
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            session(host, port)
            done += 1
        except Exception:
            errors += 1
    elapsed = time.monotonic() - started
    return {"rate": done / elapsed, "errors": errors, "cpu_ms": (cpu_seconds(pid) - cpu) * 1000 / max(done, 1)}


COMMAND_DEADLINE = {"smtp", "pop3", "nntp", "gopher", "imap", "ftp", "telnet"}


def slowloris(pid, slow, command_timeout, idle_timeout, seconds, services):
    measured = [name for name in ("smtp", "pop3", "imap") if name in services]
    slow_services = {k: v for k, v in services.items() if k in TRICKLE}
    phases = {}

    def measure(phase):
        phases[phase] = {name: rate(pid, SESSIONS[name], *services[name], seconds) for name in measured}
        print(f"{phase}: " + "; ".join(f"{k} {v['rate']:.1f}/s ({v['errors']} errors, server {v['cpu_ms']:.2f} ms CPU each)"
                                       for k, v in phases[phase].items()), flush=True)

    for name in measured:  # warm-up: the JIT's second tier comes only after many calls
        rate(pid, SESSIONS[name], *services[name], max(5, seconds))
    measure("unloaded")
    result_path = f"/tmp/nk-load-trickle-{os.getpid()}.json"
    child = subprocess.Popen([sys.executable, __file__, "trickle", result_path, str(slow), str(max(command_timeout, idle_timeout) * 3 + 60)]
                             + [f"{k}={h}:{p}" for k, (h, p) in slow_services.items()],
                             stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline().split()
    ramp_end = time.monotonic()
    print(f"slow clients trickling: {line[1] if len(line) > 1 else line} over {', '.join(slow_services)}; "
          f"server: {proc_stats(pid)}", flush=True)
    measure("loaded")
    loaded_end = time.monotonic()
    child.wait()
    records = json.load(open(result_path))
    os.unlink(result_path)
    measure("unloaded again")

    print("\nthroughput of a normal client (sessions/s):")
    ok = True
    for name in measured:
        base = statistics.mean([phases["unloaded"][name]["rate"], phases["unloaded again"][name]["rate"]])
        ratio = phases["loaded"][name]["rate"] / base
        ok &= ratio >= 0.9
        print(f"  {name}: unloaded {phases['unloaded'][name]['rate']:.1f} / {phases['unloaded again'][name]['rate']:.1f}, "
              f"loaded {phases['loaded'][name]['rate']:.1f}, ratio {ratio:.3f} (target >= 0.90); server CPU per session "
              f"{phases['unloaded'][name]['cpu_ms']:.2f} / {phases['loaded'][name]['cpu_ms']:.2f} ms unloaded / loaded")
    still = sum(1 for r in records if r.get("closed", 0) > loaded_end)
    print(f"slow clients still connected when the loaded measurement ended: {still} of {len(records)} "
          f"(measurement ended {loaded_end - ramp_end:.1f} s after they were all trickling)")
    ok &= still == len(records)
    print(f"\nslow clients dropped (seconds from their line's first byte to the close; command timeout {command_timeout} s "
          f"for {', '.join(sorted(COMMAND_DEADLINE & set(slow_services)))}, idle timeout {idle_timeout} s for the others):")
    for name in slow_services:
        timeout = command_timeout if name in COMMAND_DEADLINE else idle_timeout
        mine = [r for r in records if r["service"] == name]
        dropped = [r for r in mine if "closed" in r]
        errors = [r for r in mine if "error" in r]
        times = sorted(r["closed"] - r["start"] for r in dropped)
        replies = {}
        for r in dropped:
            first = r["reply"].splitlines()[0][:60] if r["reply"] else "(closed, no reply)"
            replies[first] = replies.get(first, 0) + 1
        ok &= len(dropped) == len(mine) and not errors and all(timeout - 1 <= t <= timeout + 5 for t in times)
        span = f"min {times[0]:.1f} median {statistics.median(times):.1f} max {times[-1]:.1f}" if times else "none"
        print(f"  {name:7} {len(dropped)}/{len(mine)} dropped, {span}; bytes sent median "
              f"{statistics.median([r['sent'] for r in dropped]) if dropped else 0:.0f}; replies: "
              + "; ".join(f"{count}x {reply!r}" for reply, count in replies.items())
              + (f"; {len(errors)} failed to connect: {errors[0]['error']}" if errors else ""))
    print("RESULT " + ("PASS" if ok else "FAIL"), flush=True)
    return 0 if ok else 1


def main():
    raise_nofile()
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "hold":
        sources = os.environ.get("LOAD_SOURCES", "127.0.0.1").split(",")
        return asyncio.run(hold(int(args[0]), int(args[1]), targets(args[2:]), sources))
    if mode == "slowloris":
        return slowloris(int(args[0]), int(args[1]), float(args[2]), float(args[3]), float(args[4]), targets(args[5:]))
    if mode == "trickle":
        return asyncio.run(trickle(args[0], int(args[1]), targets(args[3:]), float(args[2])))
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
