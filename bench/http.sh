#!/usr/bin/env bash
# bench/http.sh: download throughput of `netkit http get URL -o FILE` as a
# ratio to curl, for the same file from the same local server, interleaved.
# The server is Python's http.server serving a static file; both clients
# write to the same folder (tmpfs by default, so the disk is not measured).
# Each round runs every client once, the order alternating from round to round;
# every downloaded file is checked against the source by SHA-256.
#
# netkit is the ReadyToRun build users get from `dotnet publish -r linux-x64`
# (see NetKit.Cli.csproj); with BENCH_JIT=1 the plain `dotnet build` output
# (everything JIT-compiled at start-up) runs too, as "netkit-jit".
# Besides wall-clock rates it reports CPU time (user+sys, from /usr/bin/time)
# per GiB, which a loaded machine disturbs much less than the wall clock.
#
# usage: bench/http.sh [SIZE_MIB] [ROUNDS]   (defaults: 1024 5)
# Environment: NETKIT_SKIP_BUILD=1 uses the existing builds; BENCH_JIT=1 adds
# the JIT build; BENCH_DIR=DIR puts the files there (default /dev/shm, or a temp dir).
set -euo pipefail
size_mib=${1:-1024}; rounds=${2:-5}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$repo"
command -v curl >/dev/null || { echo "http.sh: curl not found (Debian package curl)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "http.sh: /usr/bin/time not found (Debian package time)" >&2; exit 2; }
rid=linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
out=$repo/src/NetKit.Cli/bin/Release/net10.0
if [ "${NETKIT_SKIP_BUILD:-0}" != 1 ]; then
  dotnet publish src/NetKit.Cli -c Release -r "$rid" --self-contained false -nologo -v q >/dev/null
  if [ "${BENCH_JIT:-0}" = 1 ]; then dotnet build -c Release src/NetKit.Cli -nologo -v q >/dev/null; fi
fi

base=${BENCH_DIR:-$([ -d /dev/shm ] && echo /dev/shm || echo /tmp)}
work=$(mktemp -d "$base/netkit-http-bench.XXXXXX")
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, wait_port
port=$(free_port)
log=$(mktemp)
mkdir -p "$work/srv"
head -c "$((size_mib << 20))" /dev/urandom >"$work/srv/file.bin"
want=$(sha256sum "$work/srv/file.bin" | cut -d' ' -f1)
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/srv" >"$log" 2>&1 &
server=$!
stop() { stop_pids "$server"; rm -rf "$work" "$log"; }
trap stop EXIT
wait_port "$port" "$server" "$log"

url="http://127.0.0.1:$port/file.bin"
names=(curl netkit); cmds=("curl -s -o $work/curl.bin $url" "dotnet $out/$rid/publish/NetKit.Cli.dll http get $url -o $work/netkit.bin")
if [ "${BENCH_JIT:-0}" = 1 ]; then
  names+=(netkit-jit); cmds+=("dotnet $out/NetKit.Cli.dll http get $url -o $work/netkit-jit.bin")
fi
echo "file: $size_mib MiB; rounds: $rounds; server: python3 -m http.server; files in $work; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!names[@]}"; do printf '%-10s %s\n' "${names[$i]}:" "${cmds[$i]}"; done

declare -A walls cpus
for round in $(seq 1 "$rounds"); do
  order=("${!names[@]}"); [ $((round % 2)) = 0 ] && order=($(printf '%s\n' "${order[@]}" | tac))
  line="round $round:"
  for i in "${order[@]}"; do
    name=${names[$i]}
    # shellcheck disable=SC2086 # the command is a plain word list
    /usr/bin/time -o "$work/time" -f '%e %U %S' ${cmds[$i]}
    [ "$(sha256sum "$work/$name.bin" | cut -d' ' -f1)" = "$want" ] || { echo "$name's copy differs" >&2; exit 1; }
    rm -f "$work/$name.bin"
    read -r wall user sys <"$work/time"
    walls[$name]+="$wall "; cpus[$name]+="$(echo "$user + $sys" | bc -l) "
    line+=$(printf ' %s %.2f s (%.0f MiB/s, cpu %.2f s)' "$name" "$wall" "$(echo "$size_mib / $wall" | bc -l)" "$(echo "$user + $sys" | bc -l)")
  done
  echo "$line"
done

median() { printf '%s\n' $1 | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
best() { printf '%s\n' $1 | sort -g | head -1; }
gib=$(echo "$size_mib / 1024" | bc -l)
c_med=$(median "${walls[curl]}"); c_best=$(best "${walls[curl]}")
for name in "${names[@]}"; do
  med=$(median "${walls[$name]}"); b=$(best "${walls[$name]}"); cpu=$(median "${cpus[$name]}")
  printf '%-10s median %5.0f MiB/s, best %5.0f MiB/s; cpu %.2f s per GiB (median)' "$name" \
    "$(echo "$size_mib / $med" | bc -l)" "$(echo "$size_mib / $b" | bc -l)" "$(echo "$cpu / $gib" | bc -l)"
  [ "$name" = curl ] || printf '; rate vs curl: median %.2f, best %.2f' "$(echo "$c_med / $med" | bc -l)" "$(echo "$c_best / $b" | bc -l)"
  echo
done
echo "(netkit's time includes .NET start-up; the server's CPU is not counted)"
