#!/usr/bin/env bash
# bench/pop3.sh: one client (Python's poplib) retrieving MESSAGES messages of
# SIZE bytes from `netkit serve pop3` and from Debian's Dovecot (the same
# messages, a temporary configuration on a loopback port), alternating rounds;
# prints each round and the ratios of the medians and of the best rounds
# (Dovecot's time / ours: above 1.0 means we are faster; on a shared machine
# the best rounds are the steadier figure). The messages reach our store the way mail does: over
# SMTP (`netkit serve smtp`, Python's smtplib).
#
# usage: bench/pop3.sh [MESSAGES] [SIZE] [ROUNDS]   (defaults: 1000 10240 7)
# Environment: NETKIT_SKIP_BUILD=1 uses the existing Release build.
set -euo pipefail
msgs=${1:-1000}; size=${2:-10240}; rounds=${3:-7}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$repo"
[ -x /usr/sbin/dovecot ] || { echo "pop3.sh: /usr/sbin/dovecot not found (Debian package dovecot-pop3d)" >&2; exit 2; }
if [ "${NETKIT_SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c Release src/NetKit.Cli -nologo -v q >/dev/null
fi
dll=src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll
work=$(mktemp -d)
server=""; dovecot=""
stop() {
  [ -n "$server" ] && { kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null || true; }
  [ -n "$dovecot" ] && { kill -TERM "$dovecot" 2>/dev/null && wait "$dovecot" 2>/dev/null || true; }
  rm -rf "$work"
}
trap stop EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() {
  for ((i = 0; i < 300; i++)); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "pop3.sh: nothing listens on $1" >&2; exit 1
}

# The messages, as files (CRLF lines of text, one Subject each).
mkdir "$work/msgs"
python3 - "$work/msgs" "$msgs" "$size" <<'PY'
import sys
folder, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
line = b"The quick brown fox jumps over the lazy dog, 0123456789 times.\r\n"
for i in range(count):
    head = f"From: bench@example.org\r\nTo: bob@localhost\r\nSubject: message {i}\r\n\r\n".encode()
    body = (line * (size // len(line) + 1))[: max(0, size - len(head) - 2)]
    body = body[: body.rfind(b"\r\n") + 2] if b"\r\n" in body else b""
    open(f"{folder}/{i:06d}.eml", "wb").write(head + body)
PY

# Ours: a user, the messages delivered over SMTP, then POP3.
data="$work/data"
dotnet "$dll" users add bob --password pw --data "$data" >/dev/null
smtp_port=$(free_port); pop_port=$(free_port)
dotnet "$dll" serve --quiet "smtp=127.0.0.1:$smtp_port" "pop3=127.0.0.1:$pop_port" --allow-plaintext-auth --data "$data" >"$work/serve.log" 2>&1 &
server=$!
wait_port "$smtp_port"; wait_port "$pop_port"
python3 - "$smtp_port" "$work/msgs" <<'PY'
import os, smtplib, sys
port, folder = int(sys.argv[1]), sys.argv[2]
with smtplib.SMTP("127.0.0.1", port) as smtp:
    for name in sorted(os.listdir(folder)):
        smtp.sendmail("bench@example.org", ["bob@localhost"], open(os.path.join(folder, name), "rb").read())
PY

# Dovecot: the same files in a maildir.
python3 tests/interop/dovecot_server.py pop3 bob pw "$work"/msgs/*.eml >"$work/dovecot.out" 2>"$work/dovecot.err" &
dovecot=$!
for ((i = 0; i < 300; i++)); do grep -q listening "$work/dovecot.out" 2>/dev/null && break; sleep 0.1; done
dovecot_port=$(awk '/listening/ {print $NF}' "$work/dovecot.out")
[ -n "$dovecot_port" ] || { echo "pop3.sh: Dovecot did not start:" >&2; cat "$work/dovecot.err" >&2; exit 1; }

echo "# $(date -u +%FT%TZ) nproc=$(nproc) messages=$msgs size=$size rounds=$rounds commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty)"
# Warm-up: one round each (JIT, page cache, Dovecot's index).
python3 bench/pop3_fetch.py "$pop_port" bob pw 1 >/dev/null
python3 bench/pop3_fetch.py "$dovecot_port" bob pw 1 >/dev/null
: >"$work/ours"; : >"$work/dovecot"
for ((r = 1; r <= rounds; r++)); do
  python3 bench/pop3_fetch.py "$pop_port" bob pw 1 >>"$work/ours"
  python3 bench/pop3_fetch.py "$dovecot_port" bob pw 1 >>"$work/dovecot"
done
python3 - "$work/ours" "$work/dovecot" <<'PY'
import statistics, sys
def read(path):
    rows = [line.split() for line in open(path)]
    return [float(r[0]) for r in rows], rows[0][1], rows[0][2]
ours, n1, o1 = read(sys.argv[1]); theirs, n2, o2 = read(sys.argv[2])
assert (n1, o1) == (n2, o2), f"the maildrops differ: ours {n1} messages / {o1} octets, Dovecot's {n2} / {o2}"
print(f"messages {n1}, octets {o1}")
print("netkit  s: " + " ".join(f"{t:.3f}" for t in ours) + f"   median {statistics.median(ours):.3f}")
print("dovecot s: " + " ".join(f"{t:.3f}" for t in theirs) + f"   median {statistics.median(theirs):.3f}")
print(f"ratio (Dovecot time / NetKit time, above 1.0 = NetKit faster): median {statistics.median(theirs) / statistics.median(ours):.2f}, best {min(theirs) / min(ours):.2f}")
PY
