#!/usr/bin/env bash
# bench/load.sh: NetKit's servers under load (issue 12, "Load"), with bench/load.py.
#
#  1. hold: one `netkit serve` with SMTP, POP3, IMAP, FTP, NNTP, Telnet, echo and
#     reverse on free loopback ports (a temporary data dir, users bob and carol);
#     N connections (default 10,000) spread evenly over them, each greeted, all held
#     at once; the server's RSS, threads and descriptors before and after each
#     service's share (KiB per connection, per service and overall); a normal session
#     on every protocol (and Gopher) while they are held; all closed again.
#  2. slowloris: a fresh `netkit serve` with --command-timeout T (default 30 s) and
#     --idle-timeout T+5 (longer, so every protocol answers its own command deadline
#     before the transport closes: SMTP 421, POP3 -ERR, IMAP * BYE, FTP 421, NNTP 400,
#     Telnet's goodbye line, Gopher an error item); a normal client's
#     SMTP, POP3 and IMAP sessions per second (and the server's CPU per session)
#     unloaded, with SLOW (default 1,000) clients trickling one byte a second of a
#     command line that never ends (spread over SMTP, POP3, IMAP, FTP, NNTP, Telnet,
#     Gopher), and unloaded again; then when and how each slow client was dropped.
#
# Limits: every listener allows 10,000 connections (--max-connections, the default)
# and loopback peers are not held to --max-connections-per-address (256), so the
# defaults hold N = 10,000 spread over 8 services; a larger N per service needs
# --max-connections raised, which this script does only when N needs it.
#
# usage: bench/load.sh [N] [SLOW] [TIMEOUT] [SECONDS]   (defaults 10000 1000 30 8)
#        bench/load.sh hold [N]  |  bench/load.sh slowloris [SLOW] [TIMEOUT] [SECONDS]
# SECONDS: how long each throughput measurement runs (there are three per protocol).
# Environment: NETKIT_SKIP_BUILD=1 uses the existing Release build; LOAD_SOURCES=
# 127.0.0.2,127.0.0.3 binds the held connections to those source addresses in turn.
set -euo pipefail
what=all
case "${1:-}" in hold | slowloris) what=$1; shift ;; esac
if [ "$what" = slowloris ]; then
  n=10000; slow=${1:-1000}; timeout=${2:-30}; seconds=${3:-8}
else
  n=${1:-10000}; slow=${2:-1000}; timeout=${3:-30}; seconds=${4:-8}
fi
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$repo"
if [ "${NETKIT_SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c Release src/NetKit.Cli -nologo -v q >/dev/null
fi
dll=src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll

# The server and the client each need N descriptors and more; as root the hard limit may rise.
want=$((n + 2048))
[ "$(ulimit -Hn)" -ge "$want" ] || ulimit -Hn "$want" 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((n + 200)) ] || { echo "load.sh: ulimit -n is $(ulimit -n), too low for $n connections" >&2; exit 2; }

work=$(mktemp -d)
server=""
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # stop_pids
stop() { stop_pids "$server"; server=""; }
trap 'stop; rm -rf "$work"' EXIT
data="$work/data"
dotnet "$dll" users add bob --password pw --data "$data" >/dev/null
dotnet "$dll" users add carol --password pw --data "$data" >/dev/null
mkdir -p "$data/ftp/bob"

# Starts `netkit serve` with SERVICES on port 0 and extra flags; sets $server and $targets
# from the table it prints (ports picked beforehand could be taken by then on a busy machine).
serve() {
  local services=$1; shift
  local plan=() name
  for name in $services; do plan+=("$name=127.0.0.1:0"); done
  : >"$work/serve.log" # Here, not in the background job: the previous run's table must be gone before we look.
  dotnet "$dll" serve --quiet --data "$data" --allow-plaintext-auth --newsgroup local.load "$@" "${plan[@]}" >"$work/serve.log" 2>&1 &
  server=$!
  for ((i = 0; i < 600; i++)); do
    grep -q '^netkit: serving' "$work/serve.log" && break
    kill -0 "$server" 2>/dev/null || { echo "load.sh: the server exited:" >&2; cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  mapfile -t targets < <(sed -nE 's|^ *([a-z0-9]+) +tcp://([0-9.]+:[0-9]+) *$|\1=\2|p' "$work/serve.log")
  [ "${#targets[@]}" -eq "$(wc -w <<<"$services")" ] || { echo "load.sh: not every service listens:" >&2; cat "$work/serve.log" >&2; exit 1; }
  # POP3 and IMAP sessions read bob's mail: one message to start with.
  /usr/bin/python3 - "${targets[@]}" <<'PY'
import smtplib, sys
smtp = dict(t.split("=", 1) for t in sys.argv[1:]).get("smtp")
if smtp:
    host, port = smtp.rsplit(":", 1)
    with smtplib.SMTP(host, int(port)) as s:
        s.sendmail("load@example.org", ["bob@localhost"], b"Subject: hello\r\n\r\nhello bob\r\n")
PY
}

echo "# $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty) ulimit_n=$(ulimit -n)"
status=0
if [ "$what" != slowloris ]; then
  echo "## hold: $n connections"
  maxconn=$((n / 8 + 100 > 10000 ? n / 8 + 100 : 10000))
  serve "smtp pop3 imap ftp nntp telnet echo reverse gopher" --idle-timeout 3600 --max-connections "$maxconn"
  # Gopher answers one request and closes: load.py holds the others and only checks Gopher.
  python3 bench/load.py hold "$server" "$n" "${targets[@]}" || status=1
  stop
fi
if [ "$what" != hold ]; then
  echo "## slowloris: $slow slow clients, command timeout $timeout s, idle timeout $((timeout + 5)) s, ${seconds} s per measurement"
  idle=$((timeout + 5))
  serve "smtp pop3 imap ftp nntp telnet gopher" --command-timeout "$timeout" --idle-timeout "$idle"
  python3 bench/load.py slowloris "$server" "$slow" "$timeout" "$idle" "$seconds" "${targets[@]}" || status=1
  stop
fi
echo "# done $(date -u +%FT%TZ) load=$(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
