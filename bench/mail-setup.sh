# bench/mail-setup.sh: sourced by bench/pop3.sh and bench/imap.sh, the set-up they share.
# Expects: cwd = the repository, $proto (pop3 or imap), $msgs, $size, $rounds.
# Makes MESSAGES files of SIZE bytes, delivers them over SMTP (Python's smtplib) to
# `netkit serve smtp $proto` for user bob (password pw), puts the same files in a maildir for
# Debian's Dovecot ($proto) on a loopback port (tests/interop/dovecot_server.py), and prints
# the run's header line. Sets: $work (removed on exit), $server and $dovecot (pids, stopped on
# exit), $ours_port and $dovecot_port.
dll=src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll
work=$(mktemp -d)
server=""; dovecot=""
stop() { stop_pids "$server" "$dovecot"; rm -rf "$work"; }
trap stop EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, wait_port

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

# Ours: a user, the messages delivered over SMTP, then $proto.
data="$work/data"
dotnet "$dll" users add bob --password pw --data "$data" >/dev/null
smtp_port=$(free_port); ours_port=$(free_port)
dotnet "$dll" serve --quiet "smtp=127.0.0.1:$smtp_port" "$proto=127.0.0.1:$ours_port" --allow-plaintext-auth --data "$data" >"$work/serve.log" 2>&1 &
server=$!
wait_port "$smtp_port"; wait_port "$ours_port"
python3 - "$smtp_port" "$work/msgs" <<'PY'
import os, smtplib, sys
port, folder = int(sys.argv[1]), sys.argv[2]
with smtplib.SMTP("127.0.0.1", port) as smtp:
    for name in sorted(os.listdir(folder)):
        smtp.sendmail("bench@example.org", ["bob@localhost"], open(os.path.join(folder, name), "rb").read())
PY

# Dovecot: the same files in a maildir.
python3 tests/interop/dovecot_server.py "$proto" bob pw "$work"/msgs/*.eml >"$work/dovecot.out" 2>"$work/dovecot.err" &
dovecot=$!
for ((i = 0; i < 300; i++)); do grep -q listening "$work/dovecot.out" 2>/dev/null && break; sleep 0.1; done
dovecot_port=$(awk '/listening/ {print $NF}' "$work/dovecot.out")
[ -n "$dovecot_port" ] || { echo "$proto bench: Dovecot did not start:" >&2; cat "$work/dovecot.err" >&2; exit 1; }

echo "# $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) messages=$msgs size=$size rounds=$rounds commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty)"
