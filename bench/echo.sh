#!/usr/bin/env bash
# bench/echo.sh: round trips/s of `netkit serve echo` as a ratio to a minimal
# C epoll echo server and to Python asyncio, measured side by side by the
# shared yardstick (../shared/bench/echo-compare, a sibling of the clone).
#
# usage: bench/echo.sh [--per-round] [ROUNDS] [SECONDS]   (defaults: 5 rounds, 2 s each)
#   --per-round: call echo-compare once per round (ROUNDS=1 each), so every
#   round's ratios are printed, then the median of each column. Without it,
#   echo-compare runs all rounds itself and prints medians only.
# Environment: NETKIT_SKIP_BUILD=1 uses the existing Release build;
# ECHO_SIZES / ECHO_CONNECTIONS are passed on to echo-compare.
# WARMUP=SECONDS of load per size before measuring (default 5; 0 for a cold server).
# Any DOTNET_* variable set by the caller reaches the server (for experiments).
set -euo pipefail
per_round=0
if [ "${1:-}" = --per-round ]; then per_round=1; shift; fi
rounds=${1:-5}
secs=${2:-2}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
shared="$repo/../shared"
[ -x "$shared/bench/echo-compare" ] || { echo "echo.sh: $shared/bench/echo-compare not found" >&2; exit 2; }
cd "$repo"
if [ "${NETKIT_SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c Release src/NetKit.Cli -nologo -v q >/dev/null
fi
dll=src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, wait_port
port=$(free_port)
log=$(mktemp)
dotnet "$dll" serve --quiet "echo=127.0.0.1:$port" >"$log" 2>&1 &
server=$!
stop() { stop_pids "$server"; rm -f "$log"; }
trap stop EXIT

wait_port "$port" "$server" "$log"

# Warm-up: a server that has been up for a while has its hot path compiled by
# the tiered JIT (with profile-guided optimisation); without this the first
# size's figure partly measures the JIT. WARMUP seconds per size (default 5).
warmup=${WARMUP:-5}
if [ "$warmup" != 0 ]; then
  bin=${TMPDIR:-/tmp}/netkit-echo-bin; mkdir -p "$bin"
  [ "$bin/echoload" -nt "$shared/bench/echoload.c" ] || cc -O2 -o "$bin/echoload" "$shared/bench/echoload.c"
  for size in ${ECHO_SIZES:-64 1024 65536}; do
    "$bin/echoload" 127.0.0.1 "$port" "${ECHO_CONNECTIONS:-50}" "$size" "$warmup" >/dev/null
  done
fi

echo "# $(date -u +%FT%TZ) nproc=$(nproc) rounds=$rounds seconds=$secs commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty)"
if [ "$per_round" = 0 ]; then
  "$shared/bench/echo-compare" 127.0.0.1 "$port" "$rounds" "$secs"
  exit
fi
out=$(mktemp)
for ((r = 1; r <= rounds; r++)); do
  "$shared/bench/echo-compare" 127.0.0.1 "$port" 1 "$secs" | grep '^size=' | sed "s/^/round=$r /" | tee -a "$out"
done
# Median per size of each round's ratio (the same statistic echo-compare reports).
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
       c[f["size"]] = c[f["size"]] " " f["ratio_vs_c"]; p[f["size"]] = p[f["size"]] " " f["ratio_vs_asyncio"] }
     function med(s,   a, n, i, j, t) { n = split(s, a, " ");
       for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
       return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
     END { for (s in c) printf "median size=%s ratio_vs_c=%s ratio_vs_asyncio=%s\n", s, med(c[s]), med(p[s]) }' "$out" | sort -t= -k2 -n
rm -f "$out"
