#!/usr/bin/env bash
# bench/ftp.sh: `netkit serve ftp` vs Debian's vsftpd and pyftpdlib (temporary
# configurations on loopback ports, the files in one temporary folder on the
# same disk).
#  1. RETR and STOR of a SIZE_MIB file (default 1 GiB of random bytes) with
#     curl, alternating servers each round; MB/s (10^6 bytes/s, curl's
#     speed_download / speed_upload) per round, medians, ratio to vsftpd.
#  2. CLIENTS (default 300) ftplib clients connecting and logging in at once
#     (bench/ftp_sessions.py): wall time, and the memory of the idle sessions
#     (RSS and PSS delta of the server's process tree).
# Must run as root (vsftpd's anonymous upload folder belongs to its "ftp" user).
#
# usage: bench/ftp.sh [ROUNDS] [SIZE_MIB] [CLIENTS]   (defaults: 5 1024 300)
# Environment: NETKIT_SKIP_BUILD=1 uses the existing Release build.
set -euo pipefail
rounds=${1:-5}; size_mib=${2:-1024}; clients=${3:-300}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$repo"
[ -x /usr/sbin/vsftpd ] || { echo "ftp.sh: /usr/sbin/vsftpd not found (Debian package vsftpd)" >&2; exit 2; }
/usr/bin/python3 -c 'import pyftpdlib' 2>/dev/null || { echo "ftp.sh: pyftpdlib not found (Debian package python3-pyftpdlib)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "ftp.sh: run as root (vsftpd)" >&2; exit 2; }
if [ "${NETKIT_SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c Release src/NetKit.Cli -nologo -v q >/dev/null
fi
dll=src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll
work=$(mktemp -d /var/tmp/nk-ftp-bench.XXXXXX)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, wait_port, stop_at_exit
stop_at_exit "$work"

head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$work/big.bin"
chmod 644 "$work/big.bin"

# Ours: a user from `netkit users`, its jail DATA/ftp/bob holding the file.
data="$work/data"
dotnet "$dll" users add bob --password pw --data "$data" >/dev/null
mkdir -p "$data/ftp/bob/up"
ln "$work/big.bin" "$data/ftp/bob/big.bin"
nk_port=$(free_port)
dotnet "$dll" serve --quiet "ftp=127.0.0.1:$nk_port" --data "$data" >"$work/netkit.log" 2>&1 &
nk_pid=$!; pids+=("$nk_pid")
wait_port "$nk_port"

# vsftpd: anonymous (no local system user needed), the file in its root,
# uploads into up/ (owned by "ftp"); no per-address limit, no session cap.
mkdir -p "$work/vs/up"; chmod 755 "$work/vs"; chown ftp "$work/vs/up"
ln "$work/big.bin" "$work/vs/big.bin"
vs_port=$(free_port)
cat >"$work/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$vs_port
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
max_clients=0
max_per_ip=0
EOF
/usr/sbin/vsftpd "$work/vsftpd.conf" >"$work/vsftpd.log" 2>&1 &
vs_pid=$!; pids+=("$vs_pid")
wait_port "$vs_port"

# pyftpdlib: the interop tests' script, a user bob with the file in its root.
mkdir -p "$work/py/up"
ln "$work/big.bin" "$work/py/big.bin"
/usr/bin/python3 -u tests/interop/ftp_pyftpdlib_server.py "$work/py" bob pw >"$work/py.out" 2>"$work/py.err" &
py_pid=$!; pids+=("$py_pid")
for ((i = 0; i < 300; i++)); do grep -q listening "$work/py.out" 2>/dev/null && break; sleep 0.1; done
py_port=$(awk '/listening/ {print $NF}' "$work/py.out")
[ -n "$py_port" ] || { echo "ftp.sh: pyftpdlib did not start:" >&2; cat "$work/py.err" >&2; exit 1; }

url() { # server -> base URL
  case $1 in
    netkit) echo "ftp://bob:pw@127.0.0.1:$nk_port" ;;
    vsftpd) echo "ftp://anonymous:x@127.0.0.1:$vs_port" ;;
    pyftpdlib) echo "ftp://bob:pw@127.0.0.1:$py_port" ;;
  esac
}
retr() { curl -sS --fail -o /dev/null -w '%{speed_download}' "$(url "$1")/big.bin"; }
stor() { curl -sS --fail -T "$work/big.bin" -o /dev/null -w '%{speed_upload}' "$(url "$1")/up/big.bin"; }
# STOR until the file is on the disk: our server fsyncs before its 226 (the
# issue asks for it), vsftpd and pyftpdlib do not; `sync` after curl puts them
# on the same footing (bytes / wall time of curl + sync).
stor_durable() {
  local t0 t1
  t0=$(date +%s.%N)
  curl -sS --fail -T "$work/big.bin" -o /dev/null "$(url "$1")/up/big.bin"
  sync
  t1=$(date +%s.%N)
  awk -v b="$(stat -c %s "$work/big.bin")" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.0f", b / (z - a) }'
}
mbs() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

servers=(netkit vsftpd pyftpdlib)
echo "# $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) size=${size_mib}MiB rounds=$rounds clients=$clients commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty)"
# Warm-up: one RETR each (JIT, page cache).
for s in "${servers[@]}"; do retr "$s" >/dev/null; done
for s in "${servers[@]}"; do : >"$work/retr.$s"; : >"$work/stor.$s"; : >"$work/stor_sync.$s"; done
for ((r = 1; r <= rounds; r++)); do
  # Alternate the order each round so no server always runs first.
  if ((r % 2)); then order=("${servers[@]}"); else order=(pyftpdlib vsftpd netkit); fi
  line="round $r:"
  for s in "${order[@]}"; do
    # sync first: no server pays for the previous one's dirty pages.
    sync
    a=$(mbs "$(retr "$s")"); sync; b=$(mbs "$(stor "$s")"); sync; c=$(mbs "$(stor_durable "$s")")
    echo "$a" >>"$work/retr.$s"; echo "$b" >>"$work/stor.$s"; echo "$c" >>"$work/stor_sync.$s"
    line+=" $s retr=$a stor=$b stor+sync=$c"
  done
  echo "$line MB/s"
done
for op in retr stor stor_sync; do
  vs=$(median <"$work/$op.vsftpd")
  for s in "${servers[@]}"; do
    m=$(median <"$work/$op.$s")
    echo "$op $s median=${m}MB/s ratio_to_vsftpd=$(awk -v a="$m" -v b="$vs" 'BEGIN { printf "%.2f", a / b }')"
  done
done
cmp "$work/big.bin" "$data/ftp/bob/up/big.bin" && cmp "$work/big.bin" "$work/vs/up/big.bin" && cmp "$work/big.bin" "$work/py/up/big.bin" \
  && echo "uploads byte-exact: yes"

# Logins and idle sessions, one server at a time.
echo "# sessions: clients seconds rss_before_kb rss_after_kb pss_before_kb pss_after_kb processes_after failed"
/usr/bin/python3 bench/ftp_sessions.py "$nk_port" bob pw "$nk_pid" "$clients" | sed 's/^/netkit /'
/usr/bin/python3 bench/ftp_sessions.py "$vs_port" anonymous x "$vs_pid" "$clients" | sed 's/^/vsftpd /'
/usr/bin/python3 bench/ftp_sessions.py "$py_port" bob pw "$py_pid" "$clients" | sed 's/^/pyftpdlib /'
