#!/usr/bin/env bash
# bench/idle-memory.sh: memory a `netkit serve echo` spends per idle connection.
#
# Starts the server, warms it up (a few connections that echo and close, so JIT
# and first-use allocations are not counted), reads its RSS, opens N connections
# that each echo one small message and then stay idle (bench/idle_clients.py),
# waits until the server has all N established, reads RSS again and prints
#   bytes_per_connection = (RSS after - RSS before) / N.
# Kernel socket buffers are not part of a process's RSS, so they are not counted.
#
# usage: bench/idle-memory.sh [N]        (default 10000)
# Environment: NETKIT_SKIP_BUILD=1 uses the existing Release build; DOTNET_*
# variables set by the caller reach the server.
set -euo pipefail
n=${1:-10000}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$repo"
if [ "${NETKIT_SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c Release src/NetKit.Cli -nologo -v q >/dev/null
fi
dll=src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll

# Server and client each need N descriptors and then some.
ulimit -n $((n + 1024 > 65536 ? n + 1024 : 65536)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((n + 100)) ] || { echo "idle-memory.sh: ulimit -n is $(ulimit -n), too low for $n connections" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, wait_port
port=$(free_port)
log=$(mktemp); clog=$(mktemp)
dotnet "$dll" serve --quiet --max-connections $((n + 100)) --idle-timeout 3600 "echo=127.0.0.1:$port" >"$log" 2>&1 &
server=$!
client=
stop() { stop_pids "$client" "$server"; rm -f "$log" "$clog"; }
trap stop EXIT

established() { ss -Htn state established "( sport = :$port )" | wc -l; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$server/status"; }
status() { grep -E '^(VmRSS|RssAnon|RssFile|Threads):' "/proc/$server/status" | tr -s ' \t' ' ' | paste -sd' '; }

wait_port "$port" "$server" "$log"

# Starts N idle clients (bench/idle_clients.py) and waits until they have all
# had their echo and the server has all N established.
open_clients() {
  : >"$clog"
  python3 bench/idle_clients.py 127.0.0.1 "$port" "$1" >"$clog" &
  client=$!
  for ((i = 0; i < 1200; i++)); do
    grep -q '^ready' "$clog" && [ "$(established)" -ge "$1" ] && return
    kill -0 "$client" 2>/dev/null || { echo "idle-memory.sh: client failed" >&2; exit 1; }
    sleep 0.25
  done
  echo "idle-memory.sh: only $(established) of $1 established" >&2; exit 1
}
# Closes them all and waits until the server has let go of every one.
close_clients() {
  kill -TERM "$client"; wait "$client" 2>/dev/null || true; client=
  for ((i = 0; i < 300 && $(established) > 0; i++)); do sleep 0.1; done
}

# Warm-up: 200 connections that echo once, then close.
open_clients 200
close_clients
sleep 2
before=$(rss_kib)
echo "before: $(status)"

open_clients "$n"
sleep 2   # let the last sessions settle into their zero-byte wait
after=$(rss_kib)
echo "after:  $(status) established=$(established)"

close_clients
sleep 1
echo "closed: $(status) established=$(established)"

awk -v b="$before" -v a="$after" -v n="$n" 'BEGIN {
  printf "connections=%d rss_before_kib=%d rss_after_kib=%d bytes_per_connection=%.0f\n", n, b, a, (a - b) * 1024 / n }'
