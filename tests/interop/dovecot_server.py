#!/usr/bin/env python3
"""Debian's Dovecot POP3 or IMAP server on a free loopback port, with a temporary
configuration and one maildir user, for our POP3 and IMAP clients to talk to.

Usage: dovecot_server.py pop3|imap USER PASSWORD MESSAGE_FILE...

Each MESSAGE_FILE goes into USER's maildir (its INBOX), in order. Prints
"dovecot PROTOCOL listening on PORT" once the port accepts connections, then runs
until it gets SIGTERM or SIGINT, stops Dovecot and removes its files. Plaintext logins are
allowed (loopback only); TLS is off. Runs unprivileged as the current user, or,
as root, with Dovecot's own system users and the mail owned by "nobody".
"""
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

# The Debian package that brings each protocol's Dovecot service.
PACKAGES = {"pop3": "dovecot-pop3d", "imap": "dovecot-imapd"}

# UIDLs in the classic format, which the POP3 tests expect.
POP3_ONLY = "pop3_uidl_format = %08Xu%08Xv\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[1] not in PACKAGES:
        print(__doc__, file=sys.stderr)
        return 2
    protocol, user, password, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(dovecot):
        print(f"dovecot is not installed: apt-get install -y {PACKAGES[protocol]}", file=sys.stderr)
        return 2
    root = tempfile.mkdtemp(prefix=f"nk-dovecot-{protocol}-")
    os.chmod(root, 0o755)
    port = free_port()
    if os.geteuid() == 0:
        mail_owner = pwd.getpwnam("nobody")
        internal, login, group = "dovecot", "dovenull", "dovecot"
    else:
        mail_owner = pwd.getpwuid(os.geteuid())
        internal = login = mail_owner.pw_name
        group = grp.getgrgid(os.getegid()).gr_name
    mail = os.path.join(root, "mail", user)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(mail, sub))
    for index, path in enumerate(files):
        # Maildir names sort by delivery time: Dovecot numbers the messages in that order.
        shutil.copy(path, os.path.join(mail, "new", f"{1700000000 + index}.M{index}P1.netkit"))
    for dirpath, _, names in os.walk(os.path.join(root, "mail")):
        os.chown(dirpath, mail_owner.pw_uid, mail_owner.pw_gid)
        for name in names:
            os.chown(os.path.join(dirpath, name), mail_owner.pw_uid, mail_owner.pw_gid)
    with open(os.path.join(root, "passwd"), "w") as f:
        f.write(f"{user}:{{PLAIN}}{password}::::::\n")
    config = os.path.join(root, "dovecot.conf")
    with open(config, "w") as f:
        f.write(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = {protocol}
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {min(mail_owner.pw_uid, 500) if mail_owner.pw_uid else 1}
mail_location = maildir:{root}/mail/%u
{POP3_ONLY if protocol == "pop3" else ""}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_owner.pw_uid} gid={mail_owner.pw_gid} home={root}/home/%u
}}
# No chroot: an unprivileged Dovecot cannot chroot, and this one serves a test for seconds.
service anvil {{
  chroot =
}}
service {protocol}-login {{
  chroot =
  inet_listener {protocol} {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener {protocol}s {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    user = {internal}
  }}
  unix_listener stats-writer {{
    user = {internal}
  }}
}}
""")
    process = subprocess.Popen([dovecot, "-F", "-c", config])
    try:
        deadline = time.time() + 20
        while True:
            if process.poll() is not None:
                log = open(os.path.join(root, "dovecot.log")).read() if os.path.exists(os.path.join(root, "dovecot.log")) else ""
                print(f"dovecot exited with {process.returncode}\n{log}", file=sys.stderr)
                return 1
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.time() > deadline:
                    print("dovecot did not listen within 20 s", file=sys.stderr)
                    return 1
                time.sleep(0.05)
        print(f"dovecot {protocol} listening on {port}", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
        while process.poll() is None:
            time.sleep(0.5)
        print(f"dovecot exited with {process.returncode}", file=sys.stderr)
        return 1
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log_path = os.path.join(root, "dovecot.log")
        if os.path.exists(log_path):
            sys.stderr.write(open(log_path).read())
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
