#!/usr/bin/env bash
# bench/smtp-ab.sh: an interleaved A/B of two or more builds of `netkit serve smtp
# --catch-all` on this machine: server CPU time per message (utime+stime of each
# server process from /proc, around each round) and messages/s. All the servers
# run side by side and take turns, so a load that comes and goes hits each alike;
# on a shared machine compare the CPU figures, the rates scatter.
#
# usage: bench/smtp-ab.sh ROUNDS MESSAGES DIR_A DIR_B [DIR_C ...]
#   Each DIR holds a build's NetKit.Cli.dll (copy bin/Release/net10.0 aside before
#   changing the code). A file DIR/bench.env with VAR=VALUE words is put in that
#   server's environment (a runtime setting to try, say).
# Load: Postfix smtp-source, 20 sessions, a new connection per message, 2 KiB,
# after WARMUP (default 20000) messages to each server so the JIT has settled (after 8,000 its
# background compiler still took about 20 us per message).
# Prints a line per round and server: variant index, msgs/s, server CPU us/message, the mail
# writer thread's share of it, load.
set -uo pipefail
rounds=${1:?usage: smtp-ab.sh ROUNDS MESSAGES DIR_A DIR_B ...}; msgs=${2:?usage}; shift 2
(($# >= 2)) || { echo "smtp-ab.sh: give at least two build directories" >&2; exit 2; }
source_bin=/usr/sbin/smtp-source
[ -x "$source_bin" ] || { echo "smtp-ab.sh: $source_bin not found (Debian package postfix)" >&2; exit 2; }
dirs=("$@"); ports=()
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_ports, wait_port, stop_at_exit
read -r -a free <<<"$(free_ports "${#dirs[@]}")"
stop_at_exit
for i in "${!dirs[@]}"; do
  d=${dirs[$i]}; port=${free[$i]}; data=$(mktemp -d)
  # shellcheck disable=SC2046 # bench.env holds VAR=VALUE words
  env $(cat "$d/bench.env" 2>/dev/null) dotnet "$d/NetKit.Cli.dll" serve --quiet "smtp=127.0.0.1:$port" --catch-all --data "$data" >/dev/null 2>&1 &
  pids+=($!); ports+=("$port"); remove+=("$data")
done
send() { "$source_bin" -f a@example.com -t b@example.com -s 20 -m "$1" -l 2048 "127.0.0.1:$2" >/dev/null; }
for i in "${!dirs[@]}"; do
  wait_port "${ports[$i]}" "${pids[$i]}"
  send "${WARMUP:-20000}" "${ports[$i]}"
  kill -0 "${pids[$i]}" 2>/dev/null || { echo "smtp-ab.sh: the server of ${dirs[$i]} exited" >&2; exit 1; }
done
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The mail writer thread's CPU alone (the store's share, less noisy than the whole process's).
writer_cpu() { local t; for t in /proc/"$1"/task/*; do
  [[ $(<"$t/comm") == "netkit mail wri"* ]] && sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}' && return; done; echo 0; }
hz=$(getconf CLK_TCK)
for ((r = 0; r < rounds; r++)); do
  for i in "${!dirs[@]}"; do
    c0=$(cpu "${pids[$i]}"); w0=$(writer_cpu "${pids[$i]}"); t0=$(date +%s.%N)
    send "$msgs" "${ports[$i]}" || { echo "smtp-ab.sh: smtp-source failed against ${dirs[$i]}" >&2; exit 1; }
    t1=$(date +%s.%N); c1=$(cpu "${pids[$i]}"); w1=$(writer_cpu "${pids[$i]}")
    awk -v n="$msgs" -v a="$t0" -v b="$t1" -v c="$((c1 - c0))" -v w="$((w1 - w0))" -v hz="$hz" -v v="$i" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN{printf "v%d msgs_per_s=%.0f server_cpu_us_per_msg=%.1f writer_us_per_msg=%.1f load=%s\n", v, n/(b-a), c/hz*1e6/n, w/hz*1e6/n, l}'
  done
done
