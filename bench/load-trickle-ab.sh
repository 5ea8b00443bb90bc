#!/usr/bin/env bash
# bench/load-trickle-ab.sh: do IMAP, FTP and Telnet drop a client that trickles a line?
# Starts `netkit serve imap ftp telnet --idle-timeout 5` from the given build and 30 slow
# clients (bench/load.py trickle: one byte a second of a line that never ends), and says
# how many were dropped within 25 s, and when. For an A/B against an older build:
#   git archive REV | tar -x -C /tmp/base && (cd /tmp/base && dotnet build -c Release src/NetKit.Cli)
#   bench/load-trickle-ab.sh /tmp/base/src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll
# usage: bench/load-trickle-ab.sh [NetKit.Cli.dll]   (default: this tree's Release build)
set -u
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
dll=${1:-$repo/src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll}
work=$(mktemp -d)
dotnet "$dll" users add bob --password pw --data "$work/d" >/dev/null
dotnet "$dll" serve --quiet --data "$work/d" --idle-timeout 5 imap=127.0.0.1:0 ftp=127.0.0.1:0 telnet=127.0.0.1:0 >"$work/log" 2>&1 &
pid=$!
for i in $(seq 300); do grep -q '^netkit: serving' "$work/log" && break; sleep 0.1; done
mapfile -t t < <(sed -nE 's|^ *([a-z0-9]+) +tcp://([0-9.]+:[0-9]+) *$|\1=\2|p' "$work/log")
python3 "$repo/bench/load.py" trickle "$work/r.json" 30 25 "${t[@]}" >/dev/null
python3 - "$work/r.json" <<'PY'
import json, sys
for svc in ("imap", "ftp", "telnet"):
    rs = [r for r in json.load(open(sys.argv[1])) if r["service"] == svc]
    dropped = [r["closed"] - r["start"] for r in rs if "closed" in r]
    print(f"  {svc}: {len(dropped)}/{len(rs)} dropped within 25 s" + (f" (at {min(dropped):.1f}-{max(dropped):.1f} s)" if dropped else "") + f"; bytes sent max {max(r.get('sent', 0) for r in rs)}")
PY
kill -TERM $pid; wait $pid 2>/dev/null; rm -rf "$work"
