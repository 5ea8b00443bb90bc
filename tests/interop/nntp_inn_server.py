"""Starts INN (Debian's inn2: innd, which hands readers to nnrpd) on a free
loopback port with a temporary configuration, for NetKit's NNTP client tests.

Usage: nntp_inn_server.py GROUP...
Prints "INN listening on port N" once innd accepts connections, then runs
until it is killed (SIGTERM cleans up the temporary directory); innd dies with it.

INN insists on running as its "news" user, so this script must start as root
(it switches to news for innd) or as news itself; the files all live in a
temporary directory, and nothing under /etc or /var is touched.
"""
import ctypes
import os
import pwd
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

NEWS = "/usr/lib/news"
INND = NEWS + "/bin/innd"
if not os.path.exists(INND):
    sys.exit("INN is not installed (Debian package inn2; tests/install-peers.sh installs it)")

news = pwd.getpwnam("news")
if os.getuid() not in (0, news.pw_uid):
    sys.exit("INN runs only as its news user: start this as root or as news")

groups = sys.argv[1:] or ["local.test"]
root = tempfile.mkdtemp(prefix="netkit-inn-")
paths = {name: os.path.join(root, name) for name in ("etc", "db", "spool", "log", "run", "http")}
for sub in ("spool/articles", "spool/overview", "spool/incoming/tmp", "spool/outgoing", "spool/archive"):
    os.makedirs(os.path.join(root, sub))
for name in ("db", "log", "run", "http"):
    os.makedirs(paths[name])
shutil.copytree("/etc/news", paths["etc"])

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]

# The packaged inn.conf with every path moved into the temporary directory.
overrides = {
    "pathdb": paths["db"], "pathetc": paths["etc"], "pathfilter": paths["etc"] + "/filter",
    "pathspool": paths["spool"], "patharticles": paths["spool"] + "/articles",
    "pathoverview": paths["spool"] + "/overview", "pathincoming": paths["spool"] + "/incoming",
    "pathtmp": paths["spool"] + "/incoming/tmp", "pathoutgoing": paths["spool"] + "/outgoing",
    "patharchive": paths["spool"] + "/archive", "pathlog": paths["log"], "pathrun": paths["run"],
    "pathhttp": paths["http"], "port": str(port), "bindaddress": "127.0.0.1", "bindaddress6": "none",
    "domain": "example.net", "pathhost": "inn.example.net", "pgpverify": "false",
    # A busy test machine must not make nnrpd refuse readers ("400 load at 23, try later").
    "nnrpdloadlimit": "0",
}
conf = os.path.join(paths["etc"], "inn.conf")
with open(conf) as f:
    lines = [l for l in f if l.split(":", 1)[0].strip() not in overrides]
lines += [f"{k}: {v}\n" for k, v in overrides.items()]
with open(conf, "w") as f:
    f.writelines(lines)

# Loopback readers may read, post and ask NEWNEWS ("N"; the packaged file's "RPA" lacks it).
with open(os.path.join(paths["etc"], "readers.conf"), "w") as f:
    f.write('auth "localhost" {\n  hosts: "localhost, 127.0.0.1, ::1"\n  default: "<localhost>"\n}\n'
            'access "localhost" {\n  users: "<localhost>"\n  newsgroups: "*"\n  access: RPNA\n}\n')
with open(os.path.join(paths["db"], "active"), "w") as f:
    f.write("control 0000000000 0000000001 n\ncontrol.cancel 0000000000 0000000001 n\njunk 0000000000 0000000001 n\n")
    for g in groups:
        f.write(f"{g} 0000000000 0000000001 y\n")
with open(os.path.join(paths["db"], "newsgroups"), "w") as f:
    for g in groups:
        f.write(f"{g}\tINN test group {g}\n")
for name in ("active.times", "history"):
    open(os.path.join(paths["db"], name), "w").close()
for dirpath, dirnames, filenames in os.walk(root):
    for name in dirnames + filenames + [""]:
        os.chown(os.path.join(dirpath, name), news.pw_uid, news.pw_gid)

env = dict(os.environ, INNCONF=conf)


def as_news():
    # innd's select() breaks on descriptors past FD_SETSIZE, and dies with us.
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    os.setgid(news.pw_gid)
    os.setgroups([news.pw_gid])
    os.setuid(news.pw_uid)


subprocess.run([NEWS + "/bin/makedbz", "-i", "-o", "-f", paths["db"] + "/history"], cwd=paths["db"], env=env, preexec_fn=as_news, check=True)
innd = subprocess.Popen([INND, "-f"], env=env, preexec_fn=as_news)
try:
    deadline = time.time() + 20
    while True:
        if innd.poll() is not None:
            sys.exit(f"innd exited with {innd.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(100).startswith(b"200"):
                    break
        except OSError:
            if time.time() > deadline:
                sys.exit("innd did not start listening within 20 s")
            time.sleep(0.1)
    print(f"INN listening on port {port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    innd.wait()
finally:
    innd.terminate()
    try:
        innd.wait(3)
    except subprocess.TimeoutExpired:
        innd.kill()
    shutil.rmtree(root, ignore_errors=True)
