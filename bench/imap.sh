#!/usr/bin/env bash
# bench/imap.sh: one client (Python's imaplib) doing one IMAP workload against
# `netkit serve smtp imap` and against Debian's Dovecot imapd (the same messages, a
# temporary configuration on a loopback port, tests/interop/dovecot_server.py),
# alternating rounds; prints each round and the ratios of the medians and of the best
# rounds (Dovecot's time / ours: above 1.0 means we are faster). The messages reach our
# store over SMTP (Python's smtplib). The workload, per round: LOGIN, SELECT INBOX,
# FETCH 1:* (ENVELOPE BODYSTRUCTURE FLAGS), FETCH 1:* BODY.PEEK[] (one command),
# SEARCH SUBJECT, STORE 1:* +FLAGS (\Flagged) and -FLAGS (\Flagged) (so every round
# starts alike), LOGOUT (bench/imap_workload.py). Each round also measures the server's CPU
# time (user + system, its whole process tree, from /proc: bench/imap_cpu.py) and each
# command's wall time; the medians of both are printed per server.
#
# usage: bench/imap.sh [MESSAGES] [SIZE] [ROUNDS]   (defaults: 1000 10240 7)
# Environment: NETKIT_SKIP_BUILD=1 uses the existing Release build; NETKIT_BENCH_KEEP=PREFIX
# keeps each round's raw lines in PREFIX.ours and PREFIX.dovecot.
set -euo pipefail
msgs=${1:-1000}; size=${2:-10240}; rounds=${3:-7}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$repo"
[ -x /usr/lib/dovecot/imap ] || { echo "imap.sh: /usr/lib/dovecot/imap not found (Debian package dovecot-imapd)" >&2; exit 2; }
if [ "${NETKIT_SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c Release src/NetKit.Cli -nologo -v q >/dev/null
fi
client=${NETKIT_BENCH_PYTHON:-python3}
proto=imap
source bench/mail-setup.sh   # the messages, our server and Dovecot: $ours_port, $dovecot_port
workload=bench/imap_workload.py
# One round against one server: the workload's line, then the server's CPU seconds for it.
round() {
  local before after line
  before=$(python3 bench/imap_cpu.py "$2")
  line=$($client "$workload" "$1" bob pw)
  after=$(python3 bench/imap_cpu.py "$2")
  echo "$line cpu=$(python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.3f}")' "$before" "$after")"
}
# Warm-up: one round each (JIT, page cache, Dovecot's index).
round "$ours_port" "$server" >/dev/null
round "$dovecot_port" "$dovecot" >/dev/null
: >"$work/ours"; : >"$work/dovecot"
for ((r = 1; r <= rounds; r++)); do
  round "$ours_port" "$server" >>"$work/ours"
  round "$dovecot_port" "$dovecot" >>"$work/dovecot"
done
if [ -n "${NETKIT_BENCH_KEEP:-}" ]; then cp "$work/ours" "$NETKIT_BENCH_KEEP.ours"; cp "$work/dovecot" "$NETKIT_BENCH_KEEP.dovecot"; fi
python3 - "$work/ours" "$work/dovecot" <<'PY'
import statistics, sys
def read(path):
    rows = [line.split() for line in open(path)]
    steps = {}
    for row in rows:
        for item in row[4:]:
            name, value = item.split("=")
            steps.setdefault(name, []).append(float(value))
    return [float(r[0]) for r in rows], rows[0][1], rows[0][2] + " / search hits " + rows[0][3], steps
ours, n1, o1, s1 = read(sys.argv[1]); theirs, n2, o2, s2 = read(sys.argv[2])
assert (n1, o1) == (n2, o2), f"the mailboxes differ: ours {n1} messages / {o1} octets, Dovecot's {n2} / {o2}"
print(f"messages {n1}, body octets {o1}")
print("netkit  s: " + " ".join(f"{t:.3f}" for t in ours) + f"   median {statistics.median(ours):.3f}")
print("dovecot s: " + " ".join(f"{t:.3f}" for t in theirs) + f"   median {statistics.median(theirs):.3f}")
print("server CPU s per round: netkit  " + " ".join(f"{t:.2f}" for t in s1["cpu"]) + f"   median {statistics.median(s1['cpu']):.3f}")
print("                        dovecot " + " ".join(f"{t:.2f}" for t in s2["cpu"]) + f"   median {statistics.median(s2['cpu']):.3f}")
print("median wall s per command (netkit / dovecot): " + ", ".join(
    f"{name} {statistics.median(s1[name]):.3f}/{statistics.median(s2[name]):.3f}" for name in s1 if name != "cpu"))
print(f"ratio (Dovecot time / NetKit time, above 1.0 = NetKit faster): median {statistics.median(theirs) / statistics.median(ours):.2f}, best {min(theirs) / min(ours):.2f}")
PY
