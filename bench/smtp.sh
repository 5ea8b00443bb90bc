#!/usr/bin/env bash
# bench/smtp.sh: messages/s that `netkit serve smtp --catch-all` takes in and
# stores durably (SQLite, 250 only after commit), as a ratio to Postfix's
# smtp-sink (a C sink that stores nothing) and to aiosmtpd discarding, measured
# side by side by the shared yardstick (../shared/bench/smtp-compare, a sibling
# of the clone; Postfix's smtp-source is the load for all three).
# Afterwards it checks that the store holds every message smtp-source sent.
# It also prints the server's CPU time per message (user+system of the netkit
# process over the measured rounds, from /proc): on a shared machine the rates
# scatter with the load, the CPU per message much less.
#
# usage: bench/smtp.sh [MESSAGES] [SESSIONS] [SIZE] [ROUNDS]   (defaults: 5000 20 2048 3)
# Environment: NETKIT_SKIP_BUILD=1 uses the existing Release build;
# WARMUP=MESSAGES sent before measuring (default 20000; 0 for a cold server);
# KEEP_DATA=1 keeps the data directory (its path is printed);
# NETKIT_CLI=PATH/NetKit.Cli.dll measures another build (an A/B against a copy of the old one).
# Any DOTNET_* variable set by the caller reaches the server (for experiments).
set -euo pipefail
msgs=${1:-5000}; sessions=${2:-20}; size=${3:-2048}; rounds=${4:-3}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
shared="$repo/../shared"
[ -x "$shared/bench/smtp-compare" ] || { echo "smtp.sh: $shared/bench/smtp-compare not found" >&2; exit 2; }
source_bin=/usr/sbin/smtp-source
[ -x "$source_bin" ] || { echo "smtp.sh: $source_bin not found (Debian package postfix)" >&2; exit 2; }
cd "$repo"
if [ "${NETKIT_SKIP_BUILD:-0}" != 1 ] && [ -z "${NETKIT_CLI:-}" ]; then
  dotnet build -c Release src/NetKit.Cli -nologo -v q >/dev/null
fi
dll=${NETKIT_CLI:-src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll}

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, wait_port
port=$(free_port)
data=$(mktemp -d)
log=$(mktemp)
# dotnet itself in the background (not a function or subshell), so $! is the server to stop.
dotnet "$dll" serve --quiet "smtp=127.0.0.1:$port" --catch-all --data "$data" >"$log" 2>&1 &
server=$!
stop() {
  stop_pids "$server"
  rm -f "$log"
  if [ "${KEEP_DATA:-0}" = 1 ]; then echo "data kept in $data"; else rm -rf "$data"; fi
}
trap stop EXIT

wait_port "$port" "$server" "$log"

# smtp-source's default addresses are foo@HOSTNAME; --catch-all takes them, but
# fixed ones make the count below exact.
export SMTP_FROM=bench-from@example.com SMTP_TO=bench-to@example.com
# Warm-up, so the figures do not measure the JIT (tiered compilation, PGO). 2,000 messages were
# not enough: the JIT's background thread was still compiling through the measured rounds, about
# 60 us of the server's CPU per message (237 vs 175 us/msg, 2026-11-26); after 20,000 it is done.
warmup=${WARMUP:-20000}
if [ "$warmup" != 0 ]; then
  "$source_bin" -f "$SMTP_FROM" -t "$SMTP_TO" -s "$sessions" -m "$warmup" -l "$size" "127.0.0.1:$port" >/dev/null
fi

echo "# $(date -u +%FT%TZ) nproc=$(nproc) messages=$msgs sessions=$sessions size=$size rounds=$rounds commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty)"
echo "# $shared/bench/smtp-compare 127.0.0.1 $port $msgs $sessions $size $rounds   (server: netkit serve smtp=127.0.0.1:$port --catch-all --data $data)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }  # utime + stime, in clock ticks
cpu_before=$(cpu_ticks)
out=$(mktemp)
"$shared/bench/smtp-compare" 127.0.0.1 "$port" "$msgs" "$sessions" "$size" "$rounds" | tee "$out"
last=$(tail -n 1 "$out"); rm -f "$out"
# Our server idles while the yardstick measures smtp-sink and aiosmtpd: its CPU is all ours.
cpu_us=$(awk -v t="$(( $(cpu_ticks) - cpu_before ))" -v hz="$(getconf CLK_TCK)" -v n="$((msgs * rounds))" 'BEGIN{printf "%.0f", t / hz * 1e6 / n}')

# Every message that got 250 must be in the store: warm-up plus every round.
expected=$((warmup + msgs * rounds))
stored=$(dotnet "$dll" mail list --json --data "$data" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
messages = doc if isinstance(doc, list) else doc["messages"]
print(sum(1 for m in messages if str(m.get("account", m.get("Account", ""))).lower() == sys.argv[1]))
' "$SMTP_TO")
echo "stored=$stored expected=$expected db_bytes=$(stat -c %s "$data/mail.db" 2>/dev/null || echo 0)"
echo "server_cpu_us_per_msg=$cpu_us load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
echo "$last"
[ "$stored" = "$expected" ] || { echo "smtp.sh: the store holds $stored of $expected messages" >&2; exit 1; }
