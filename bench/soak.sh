#!/usr/bin/env bash
# bench/soak.sh: MINUTES of mixed traffic against one `netkit serve` (SMTP in, IMAP and POP3
# out, FTP transfers, NNTP posts and reads, the web console's API), driven by Python's standard
# library clients (bench/soak.py: smtplib, imaplib, poplib, ftplib, nntplib, http.client), every answer checked and the
# whole ledger reconciled at the end. The server runs on free loopback ports with a
# temporary data folder; its RSS, open fds and threads are sampled from /proc every
# SAMPLE seconds into a CSV. Prints operations and errors per protocol, RSS after warm-up
# vs at the end with its slope, fds before traffic / during / after every client left,
# threads, and a verdict ("flat" or "growing", with its threshold). Anything the server
# logs at warning level or above counts as an error too.
#
# usage: bench/soak.sh MINUTES [soak.py options...]
#   e.g. bench/soak.sh 10 | bench/soak.sh 60 --sample 30 | bench/soak.sh 600 --sample 60
#   soak.py options: --smtp-workers N (2), --ftp-workers N (2), --nntp-workers N (1 poster,
#   1 reader), --pause S (0.05: mean think time between a worker's sessions), --sample S (10),
#   --warmup F (0.2), --rss-slope-limit KB/min (1024), --fd-slack N (2), --seed N.
# Environment: SOAK_CSV (where the samples go; default /tmp/netkit-soak-DATE.csv),
# NETKIT_SKIP_BUILD=1 uses the existing Release build, SOAK_SERVE_FLAGS replaces the server's
# --quiet (e.g. -v: every connection's and transfer's end is logged), SOAK_LOG keeps its log there,
# SOAK_NETNS=1 runs in a network namespace of its own and prints its TCP reset/abort counters.
# Exit code: 0 clean and flat, 1 errors, 2 no errors but growing.
set -euo pipefail
# All in a function, read whole before it runs: editing this file during a long run cannot derail it.
main() {
  [ $# -ge 1 ] || { echo "usage: bench/soak.sh MINUTES [soak.py options...]" >&2; exit 2; }
  minutes=$1; shift
  repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
  cd "$repo"
  if [ "${NETKIT_SKIP_BUILD:-0}" != 1 ]; then
    dotnet build -c Release src/NetKit.Cli -nologo -v q >/dev/null
  fi
  # SOAK_NETNS=1: the run again in a network namespace of its own (root; loopback only), where
  # the kernel's TCP counters (resets sent, connections aborted) are this run's alone.
  if [ "${SOAK_NETNS:-0}" = 1 ] && [ -z "${SOAK_IN_NETNS:-}" ]; then
    SOAK_IN_NETNS=1 NETKIT_SKIP_BUILD=1 exec unshare -n bash -c 'ip link set lo up && exec bash "$0" "$@"' "$repo/bench/soak.sh" "$minutes" "$@"
  fi
  csv=${SOAK_CSV:-/tmp/netkit-soak-$(date -u +%Y%m%dT%H%M%SZ).csv}
  work=$(mktemp -d)
  server=""
  stop() {
    [ -n "$server" ] && { kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null || true; }
    [ -n "${SOAK_LOG:-}" ] && [ -f "$work/serve.log" ] && cp "$work/serve.log" "$SOAK_LOG"
    rm -rf "$work"
  }
  trap stop EXIT
  # The server runs from a private copy of the build: a build in this tree during a long run
  # (a test run, another soak's own build) replaces NetKit*.dll on disk, and the running
  # server's fds on the old files then read "NetKit.dll (deleted)", which once looked like 6
  # leaked fds (docs/RELIABILITY.md section 6).
  cp -a src/NetKit.Cli/bin/Release/net10.0 "$work/bin"
  dll=$work/bin/NetKit.Cli.dll
  # Four mail users (alice and bob read over IMAP, carol and dave over POP3; alice is the FTP user too).
  data="$work/data"
  for user in alice bob carol dave; do
    dotnet "$dll" users add "$user" --password pw --data "$data" >/dev/null
  done
  mkdir -p "$data/ftp/alice"
  # Port 0 for each: the server picks free ones and prints them in its table before "serving".
  dotnet "$dll" serve ${SOAK_SERVE_FLAGS:---quiet} --allow-plaintext-auth --newsgroup soak.one --newsgroup soak.two --data "$data" \
    smtp=127.0.0.1:0 pop3=127.0.0.1:0 imap=127.0.0.1:0 ftp=127.0.0.1:0 nntp=127.0.0.1:0 web=127.0.0.1:0 >"$work/serve.log" 2>&1 &
  server=$!
  for ((i = 0; i < 600; i++)); do grep -qs '^netkit: serving' "$work/serve.log" && break; sleep 0.1; done
  grep -qs '^netkit: serving' "$work/serve.log" || { echo "soak.sh: netkit serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
  declare -A port
  for proto in smtp pop3 imap ftp nntp web; do
    port[$proto]=$(awk -v p="$proto" '$1 == p && $2 ~ /^(tcp|http):/ { n = split($2, a, ":"); print a[n] }' "$work/serve.log")
  done

  echo "# $(date -u +%FT%TZ) soak $minutes min; nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty) server pid $server"
  status=0
  python3 -u bench/soak.py --seconds "$(awk -v m="$minutes" 'BEGIN { print m * 60 }')" --pid "$server" --data "$data" --csv "$csv" \
    --smtp "${port[smtp]}" --pop3 "${port[pop3]}" --imap "${port[imap]}" --ftp "${port[ftp]}" --nntp "${port[nntp]}" --web "${port[web]}" "$@" || status=$?
  echo "# $(date -u +%FT%TZ) load=$(cut -d' ' -f1-3 /proc/loadavg); server CPU $(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f s", ($14 + $15) / hz}' "/proc/$server/stat")"

  # The server's own log: --quiet leaves warnings and errors only, and there must be none.
  kill -TERM "$server"; wait "$server" || { echo "soak.sh: netkit serve exited with $?" >&2; status=1; }
  server=""
  logged=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} (warn|fail|crit):' "$work/serve.log" || true)
  if [ "$logged" != 0 ]; then
    echo "server log: $logged warnings or errors:"; grep -E -A3 '^[0-9]{2}:[0-9]{2}:[0-9]{2} (warn|fail|crit):' "$work/serve.log" | head -40
    status=1
  else
    echo "server log: no warnings or errors"
  fi
  if [ -n "${SOAK_IN_NETNS:-}" ]; then
    # A server that closes a connection with unread data or with SO_LINGER 0 sends a reset:
    # TCPAbortOnClose and TCPAbortOnData count those (OutRsts also counts the answers to
    # segments for no socket, e.g. a SYN that met a TIME_WAIT).
    echo "namespace TCP counters: $(nstat -az 2>/dev/null | awk '$1 ~ /^(TcpOutRsts|TcpEstabResets|TcpAttemptFails|TcpExtTCPAbortOnClose|TcpExtTCPAbortOnData|TcpExtTCPAbortOnLinger|TcpExtTCPAbortOnTimeout|TcpExtListenOverflows|TcpExtListenDrops|TcpExtTWRecycled)$/ { printf "%s%s %s", sep, $1, $2; sep = ", " }')"
  fi
  return "$status"
}
# One line: bash has read it before main runs, so an edit of this file meanwhile cannot change it.
main "$@"; exit $?
