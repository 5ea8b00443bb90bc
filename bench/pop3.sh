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
proto=pop3
source bench/mail-setup.sh   # the messages, our server and Dovecot: $ours_port, $dovecot_port
# Warm-up: one round each (JIT, page cache, Dovecot's index).
python3 bench/pop3_fetch.py "$ours_port" bob pw 1 >/dev/null
python3 bench/pop3_fetch.py "$dovecot_port" bob pw 1 >/dev/null
: >"$work/ours"; : >"$work/dovecot"
for ((r = 1; r <= rounds; r++)); do
  python3 bench/pop3_fetch.py "$ours_port" bob pw 1 >>"$work/ours"
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
