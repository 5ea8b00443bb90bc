#!/usr/bin/env bash
# bench/ftp_stor.sh: plain STOR only, an A/B of NetKit builds against
# Debian's vsftpd (temporary standalone config, anonymous upload, loopback).
# Each round uploads one SIZE_MIB file of random bytes with curl to each server,
# the order rotating every round; `sync` before each upload so no server pays
# for another's dirty pages. Prints per upload curl's MB/s (10^6 bytes/s; for
# NetKit it includes the fsync before the 226) and the server's CPU seconds
# (utime+stime of its process tree, vsftpd's per-session processes included,
# sampled by bench/ftp_cpu.py until 0.3 s after curl ends), then medians.
# Must run as root (vsftpd's upload folder belongs to its "ftp" user).
#
# usage: bench/ftp_stor.sh ROUNDS SIZE_MIB DLL...   (e.g. 9 256 /tmp/old/NetKit.Cli.dll /tmp/new/NetKit.Cli.dll)
#   each DLL a build of NetKit.Cli.dll (copy bin/Release/net10.0 aside to keep one); they are named n1, n2, ...
set -euo pipefail
rounds=$1; size_mib=$2; shift 2; dlls=("$@")
[ -x /usr/sbin/vsftpd ] || { echo "ftp_stor.sh: /usr/sbin/vsftpd not found (Debian package vsftpd)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "ftp_stor.sh: run as root (vsftpd)" >&2; exit 2; }
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d /var/tmp/nk-ftp-stor.XXXXXX)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, wait_port, stop_at_exit
stop_at_exit "$work"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$work/big.bin"
chmod 644 "$work/big.bin"
declare -A port pid
servers=()
for ((i = 0; i < ${#dlls[@]}; i++)); do
  side=n$((i + 1)); servers+=("$side")
  data="$work/data.$side"
  dotnet "${dlls[$i]}" users add bob --password pw --data "$data" >/dev/null
  mkdir -p "$data/ftp/bob/up"
  port[$side]=$(free_port)
  dotnet "${dlls[$i]}" serve --quiet "ftp=127.0.0.1:${port[$side]}" --data "$data" >"$work/netkit.$side.log" 2>&1 &
  pid[$side]=$!; pids+=("${pid[$side]}")
  wait_port "${port[$side]}"
done
servers+=(vsftpd)
mkdir -p "$work/vs/up"; chmod 755 "$work/vs"; chown ftp "$work/vs/up"
port[vsftpd]=$(free_port)
cat >"$work/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=${port[vsftpd]}
background=NO
anonymous_enable=YES
anon_root=$work/vs
no_anon_password=YES
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_other_write_enable=YES
anon_umask=022
seccomp_sandbox=NO
xferlog_enable=NO
CONF
/usr/sbin/vsftpd "$work/vsftpd.conf" >"$work/vsftpd.log" 2>&1 &
pid[vsftpd]=$!; pids+=("${pid[vsftpd]}")
wait_port "${port[vsftpd]}"

url() {
  case $1 in
    n*) echo "ftp://bob:pw@127.0.0.1:${port[$1]}/up/big.bin" ;;
    vsftpd) echo "ftp://anonymous:x@127.0.0.1:${port[vsftpd]}/up/big.bin" ;;
  esac
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) size=${size_mib}MiB rounds=$rounds"
for ((i = 0; i < ${#dlls[@]}; i++)); do echo "# n$((i + 1)) = ${dlls[$i]}"; done
for s in "${servers[@]}"; do curl -sS --fail -T "$work/big.bin" -o /dev/null "$(url "$s")"; done   # warm-up (JIT, page cache)
for s in "${servers[@]}"; do : >"$work/mbs.$s"; : >"$work/cpu.$s"; done
for ((r = 0; r < rounds; r++)); do
  line="round $((r + 1)):"
  for ((k = 0; k < ${#servers[@]}; k++)); do
    s=${servers[$(((r + k) % ${#servers[@]}))]}
    sync
    rm -f "$work/stop"
    /usr/bin/python3 "$repo/bench/ftp_cpu.py" "${pid[$s]}" "$work/stop" >"$work/cpu" &
    sampler=$!
    speed=$(curl -sS --fail -T "$work/big.bin" -o /dev/null -w '%{speed_upload}' "$(url "$s")")
    sleep 0.3; touch "$work/stop"; wait "$sampler"
    mbs=$(awk -v b="$speed" 'BEGIN { printf "%.0f", b / 1e6 }'); cs=$(cat "$work/cpu")
    echo "$mbs" >>"$work/mbs.$s"; echo "$cs" >>"$work/cpu.$s"
    line+=" $s=${mbs}MB/s,${cs}cpu-s"
  done
  echo "$line"
done
for s in "${servers[@]}"; do
  echo "$s median=$(median <"$work/mbs.$s")MB/s cpu_median=$(median <"$work/cpu.$s")s"
done
ok=yes
for s in "${servers[@]}"; do
  f=$([ "$s" = vsftpd ] && echo "$work/vs/up/big.bin" || echo "$work/data.$s/ftp/bob/up/big.bin")
  cmp -s "$work/big.bin" "$f" || ok=no
done
echo "uploads byte-exact: $ok"
