#!/usr/bin/env bash
# bench/smtp-threads.sh: where `netkit serve smtp --catch-all` spends its CPU, per thread and
# per message. Starts the server, warms it up with WARMUP messages (default 20000, so the JIT has
# settled), then reads utime/stime of each of its threads from /proc/PID/task/*/stat around a
# measured run of smtp-source (20 sessions, a new connection per message, 2 KiB) and prints each
# thread that used CPU in microseconds per message, with smtp-source's own CPU and the rate.
#
# usage: bench/smtp-threads.sh [MESSAGES] [DIR]   (defaults: 10000, the worktree's Release build)
#   DIR holds a build's NetKit.Cli.dll (a copy set aside, for a before/after);
#   PERF=SECONDS also records `perf record -g` of the server for that long during the measured
#   run (DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0 so JIT frames resolve), into perf-smtp.data in the current directory.
set -uo pipefail
msgs=${1:-10000}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
dir=${2:-$repo/src/NetKit.Cli/bin/Release/net10.0}
source_bin=/usr/sbin/smtp-source
[ -x "$source_bin" ] || { echo "smtp-threads.sh: $source_bin not found (Debian package postfix)" >&2; exit 2; }
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, wait_port
port=$(free_port); data=$(mktemp -d); log=$(mktemp); before=$(mktemp); after=$(mktemp)
perf_env=()
[ -z "${PERF:-}" ] || perf_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
env "${perf_env[@]}" dotnet "$dir/NetKit.Cli.dll" serve --quiet "smtp=127.0.0.1:$port" --catch-all --data "$data" >"$log" 2>&1 &
server=$!
cleanup() { kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data" "$log" "$before" "$after"; }
trap cleanup EXIT
wait_port "$port" "$server" "$log"
send() { "$source_bin" -f a@example.com -t b@example.com -s 20 -m "$1" -l 2048 "127.0.0.1:$port"; }
send "${WARMUP:-20000}" || { echo "smtp-threads.sh: the warm-up failed" >&2; exit 1; }

# thread id, name (spaces as _), utime, stime (clock ticks)
snapshot() {
  for t in /proc/"$server"/task/*; do
    printf '%s %s %s\n' "${t##*/}" "$(tr ' ' _ <"$t/comm")" "$(sed 's/.*) //' "$t/stat" | awk '{print $12, $13}')"
  done | sort
}
hz=$(getconf CLK_TCK)
snapshot >"$before"
if [ -n "${PERF:-}" ]; then
  perf record -F 2999 -g -p "$server" -o perf-smtp.data -- sleep "$PERF" >/dev/null 2>&1 &
  perf_pid=$!
fi
t0=$(date +%s.%N)
src=$( { /usr/bin/time -f '%U %S' "$source_bin" -f a@example.com -t b@example.com -s 20 -m "$msgs" -l 2048 "127.0.0.1:$port" >/dev/null; } 2>&1 | tail -1)
t1=$(date +%s.%N)
snapshot >"$after"
[ -z "${PERF:-}" ] || wait "$perf_pid"
awk -v n="$msgs" -v a="$t0" -v b="$t1" -v l="$(cut -d' ' -f1 /proc/loadavg)" -v s="$src" \
  'BEGIN{split(s, c, " "); printf "msgs_per_s=%.0f load=%s smtp_source_us_per_msg=%.1f\n", n/(b-a), l, (c[1]+c[2])*1e6/n}'
join "$before" "$after" | awk -v n="$msgs" -v hz="$hz" '
  { u = ($6 - $3) * 1e6 / hz / n; s = ($7 - $4) * 1e6 / hz / n; total += u + s
    if (u + s > 0) printf "  %-28s user %5.1f  sys %5.1f  us/msg\n", $2, u, s }
  END { printf "  %-28s %5.1f us/msg\n", "server total", total }'
