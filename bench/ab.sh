#!/usr/bin/env bash
# bench/ab.sh: compares two builds or settings of `netkit serve echo` side by
# side. Both servers run at once (the idle one costs nothing); short load runs
# alternate A, B, A, B ... so the drift of a shared, noisy machine hits both
# alike. Prints, per size, the median over pairs of B/A in round trips/s.
#
# usage: bench/ab.sh [PAIRS] [SECONDS]          (defaults: 9 pairs, 1 s each)
# Environment:
#   A_DLL, B_DLL   the NetKit.Cli.dll of each side (default: this checkout's Release build)
#   A_ENV, B_ENV   extra VAR=value words for each side's environment (e.g. B_ENV="DOTNET_TieredPGO=0")
#   ECHO_SIZES (default "64 1024 65536"), ECHO_CONNECTIONS (default 50)
# The load generator is the shared yardstick's echoload.c, built to a temp dir.
set -euo pipefail
pairs=${1:-9}
secs=${2:-1}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
shared="$repo/../shared"
default_dll="$repo/src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll"
a_dll=${A_DLL:-$default_dll}; b_dll=${B_DLL:-$default_dll}
sizes=${ECHO_SIZES:-"64 1024 65536"}; conns=${ECHO_CONNECTIONS:-50}
bin=${TMPDIR:-/tmp}/netkit-ab-bin; mkdir -p "$bin"
[ "$bin/echoload" -nt "$shared/bench/echoload.c" ] || cc -O2 -o "$bin/echoload" "$shared/bench/echoload.c"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, wait_port
pa=$(free_port); pb=$(free_port)
# shellcheck disable=SC2086
env ${A_ENV:-} dotnet "$a_dll" serve --quiet "echo=127.0.0.1:$pa" >/dev/null 2>&1 & apid=$!
# shellcheck disable=SC2086
env ${B_ENV:-} dotnet "$b_dll" serve --quiet "echo=127.0.0.1:$pb" >/dev/null 2>&1 & bpid=$!
trap 'stop_pids "$apid" "$bpid"' EXIT
wait_port "$pa" "$apid"; wait_port "$pb" "$bpid"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# rate PORT PID SIZE: prints "RT_PER_S CPU_US_PER_TRIP" of one load run.
rate() {
  local t0 r t1
  t0=$(ticks "$2")
  r=$("$bin/echoload" 127.0.0.1 "$1" "$conns" "$3" "$secs" | sed -n 's/.*rt_per_s=\([0-9.]*\).*/\1/p')
  t1=$(ticks "$2")
  awk -v r="$r" -v d=$((t1 - t0)) -v hz="$hz" -v s="$secs" 'BEGIN{printf "%s %.2f\n", r, d / hz * 1e6 / (r * s)}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "# A: ${A_ENV:-} $a_dll"
echo "# B: ${B_ENV:-} $b_dll"
for size in $sizes; do
  rate "$pa" "$apid" "$size" >/dev/null; rate "$pb" "$bpid" "$size" >/dev/null   # warm-up, not counted
  q=(); ca=(); cb=()
  for ((i = 0; i < pairs; i++)); do
    if ((i % 2)); then b=$(rate "$pb" "$bpid" "$size"); a=$(rate "$pa" "$apid" "$size")
    else a=$(rate "$pa" "$apid" "$size"); b=$(rate "$pb" "$bpid" "$size"); fi
    q+=("$(awk -v a="${a% *}" -v b="${b% *}" 'BEGIN{printf "%.3f", b/a}')"); ca+=("${a#* }"); cb+=("${b#* }")
  done
  echo "size=$size rt_B/A=$(printf '%s\n' "${q[@]}" | median) cpu_us_per_trip A=$(printf '%s\n' "${ca[@]}" | median) B=$(printf '%s\n' "${cb[@]}" | median) pairs: ${q[*]}"
done
