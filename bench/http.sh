#!/usr/bin/env bash
# bench/http.sh: download throughput of `netkit http get URL -o FILE` as a
# ratio to curl, for the same file from the same local server, side by side.
# The server is Python's http.server serving a static file; both clients
# write to the same folder (tmpfs by default, so the disk is not measured).
# Each round runs curl then netkit; the best round of each is compared, and
# every downloaded file is checked against the source by SHA-256.
#
# usage: bench/http.sh [SIZE_MIB] [ROUNDS]   (defaults: 1024 3)
# Environment: NETKIT_SKIP_BUILD=1 uses the existing Release build;
# BENCH_DIR=DIR puts the files there (default /dev/shm, or a temp dir).
set -euo pipefail
size_mib=${1:-1024}; rounds=${2:-3}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$repo"
command -v curl >/dev/null || { echo "http.sh: curl not found (Debian package curl)" >&2; exit 2; }
if [ "${NETKIT_SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c Release src/NetKit.Cli -nologo -v q >/dev/null
fi
dll=$repo/src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll

base=${BENCH_DIR:-$([ -d /dev/shm ] && echo /dev/shm || echo /tmp)}
work=$(mktemp -d "$base/netkit-http-bench.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp)
mkdir -p "$work/srv"
head -c "$((size_mib << 20))" /dev/urandom >"$work/srv/file.bin"
want=$(sha256sum "$work/srv/file.bin" | cut -d' ' -f1)
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/srv" >"$log" 2>&1 &
server=$!
stop() { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; rm -rf "$work" "$log"; }
trap stop EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

url="http://127.0.0.1:$port/file.bin"
curl_cmd=(curl -s -o "$work/curl.bin" "$url")
netkit_cmd=(dotnet "$dll" http get "$url" -o "$work/netkit.bin")
echo "file: $size_mib MiB; rounds: $rounds; server: python3 -m http.server; files in $work"
echo "curl:   ${curl_cmd[*]}"
echo "netkit: ${netkit_cmd[*]}"

seconds() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
best_curl=999999; best_netkit=999999; curl_times=(); netkit_times=()
for round in $(seq 1 "$rounds"); do
  c=$(seconds "${curl_cmd[@]}")
  [ "$(sha256sum "$work/curl.bin" | cut -d' ' -f1)" = "$want" ] || { echo "curl's copy differs" >&2; exit 1; }
  rm -f "$work/curl.bin"
  n=$(seconds "${netkit_cmd[@]}")
  [ "$(sha256sum "$work/netkit.bin" | cut -d' ' -f1)" = "$want" ] || { echo "netkit's copy differs" >&2; exit 1; }
  rm -f "$work/netkit.bin"
  printf 'round %d: curl %.2f s (%.0f MiB/s), netkit %.2f s (%.0f MiB/s)\n' "$round" "$c" "$(echo "$size_mib / $c" | bc -l)" "$n" "$(echo "$size_mib / $n" | bc -l)"
  curl_times+=("$c"); netkit_times+=("$n")
  best_curl=$(echo "if ($c < $best_curl) $c else $best_curl" | bc -l)
  best_netkit=$(echo "if ($n < $best_netkit) $n else $best_netkit" | bc -l)
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
med_curl=$(median "${curl_times[@]}"); med_netkit=$(median "${netkit_times[@]}")
printf 'median: curl %.0f MiB/s, netkit %.0f MiB/s; netkit/curl rate ratio %.2f\n' \
  "$(echo "$size_mib / $med_curl" | bc -l)" "$(echo "$size_mib / $med_netkit" | bc -l)" "$(echo "$med_curl / $med_netkit" | bc -l)"
printf 'best: curl %.0f MiB/s, netkit %.0f MiB/s; netkit/curl rate ratio %.2f (netkit time includes .NET start-up)\n' \
  "$(echo "$size_mib / $best_curl" | bc -l)" "$(echo "$size_mib / $best_netkit" | bc -l)" "$(echo "$best_curl / $best_netkit" | bc -l)"
