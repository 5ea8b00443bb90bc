#!/usr/bin/env bash
# bench/nntp.sh: `netkit serve nntp` against INN (Debian's inn2: innd, which hands
# readers to nnrpd), one client for both (bench/nntp_bench.py, plain sockets):
#   POST   POSTS articles to bench.post over C connections, for each C in
#          POST_CONNS (each connection waits for its 240 before the next POST;
#          ours says 240 only after the commit, so one connection waits for
#          an fsync per article, and several share one: group commit)
#   OVER   one OVER of the whole of bench.over, which holds OVERVIEW articles
# in interleaved rounds (ours, INN, ours, INN, ...). Prints each round, the
# medians, the best rounds, the ratios (INN's time / ours: above 1.0 means we
# are faster) and each server's CPU time (utime+stime from /proc, INN's
# including its reaped nnrpd children) per phase, measured in the same run.
#
# bench.over is filled before the rounds the same way for both: IHAVE of
# OVERVIEW generated articles over LOAD_CONNS connections (to innd directly,
# which accepts IHAVE from localhost, and to our server); that load is timed
# and printed too, but it is not the benchmark.
#
# usage: bench/nntp.sh [POSTS] [OVERVIEW] [ROUNDS]   (defaults: 10000 100000 5)
# Environment: POST_CONNS (default "1 4 8"), LOAD_CONNS (default 8),
# NETKIT_SKIP_BUILD=1 uses the existing Release build. Must run as root (INN
# runs as its news user; tests/interop/nntp_inn_server.py switches to it).
set -euo pipefail
posts=${1:-10000}; overview=${2:-100000}; rounds=${3:-5}
post_conns=${POST_CONNS:-1 4 8}; load_conns=${LOAD_CONNS:-8}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$repo"
[ -x /usr/lib/news/bin/innd ] || { echo "nntp.sh: /usr/lib/news/bin/innd not found (Debian package inn2)" >&2; exit 2; }
if [ "${NETKIT_SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c Release src/NetKit.Cli -nologo -v q >/dev/null
fi
dll=src/NetKit.Cli/bin/Release/net10.0/NetKit.Cli.dll
work=$(mktemp -d)
server=""; inn=""
# SIGTERM lets the INN script stop innd and remove its temporary directory.
stop() { stop_pids "$server" "$inn"; rm -rf "$work"; }
trap stop EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, wait_port
# CPU ticks of a process and of its reaped children (fields 14-17 of /proc/PID/stat).
ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# Ours: the groups, then `netkit serve nntp` on a loopback port.
data="$work/data"
dotnet "$dll" news add-group bench.over --data "$data" >/dev/null
dotnet "$dll" news add-group bench.post --data "$data" >/dev/null
port=$(free_port)
dotnet "$dll" serve --quiet "nntp=127.0.0.1:$port" --data "$data" >"$work/serve.log" 2>&1 &
server=$!
wait_port "$port"

# INN: its own temporary configuration on a free loopback port, the same two groups.
/usr/bin/python3 tests/interop/nntp_inn_server.py bench.over bench.post >"$work/inn.out" 2>"$work/inn.err" &
inn=$!
for ((i = 0; i < 300; i++)); do grep -q listening "$work/inn.out" 2>/dev/null && break; sleep 0.1; done
inn_port=$(awk '/listening/ {print $NF}' "$work/inn.out")
[ -n "$inn_port" ] || { echo "nntp.sh: INN did not start:" >&2; cat "$work/inn.err" >&2; exit 1; }
innd=$(pgrep -P "$inn" -x innd)

# After a phase, INN's nnrpd children must be gone (and reaped) before its CPU is read.
settle() {
  for ((i = 0; i < 50; i++)); do pgrep -P "$innd" >/dev/null || break; sleep 0.1; done
}

echo "# $(date -u +%FT%TZ) nproc=$(nproc) posts=$posts overview=$overview rounds=$rounds post_conns="$post_conns" load_conns=$load_conns commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty)"
echo "# ours: netkit serve nntp=127.0.0.1:$port (pid $server); INN: innd on 127.0.0.1:$inn_port (pid $innd)"
for side in ours inn; do
  if [ $side = ours ]; then p=$port; pid=$server; else p=$inn_port; pid=$innd; fi
  before=$(ticks "$pid")
  loaded=$(python3 bench/nntp_bench.py load "$p" bench.over "$overview" "$load_conns")
  settle; after=$(ticks "$pid")
  echo "load $side: $overview articles by IHAVE in ${loaded%% *} s, server CPU $(( (after - before) * 1000 / hz )) ms"
done

# Warm-up (JIT, page cache): a small POST and a full OVER on each.
for p in "$port" "$inn_port"; do
  python3 bench/nntp_bench.py post "$p" bench.post 500 4 "warm$p" >/dev/null
  python3 bench/nntp_bench.py over "$p" bench.over >/dev/null
done
settle

: >"$work/rows"
for ((r = 1; r <= rounds; r++)); do
  for phase in $(for c in $post_conns; do echo "post@$c"; done) over; do
    for side in ours inn; do
      if [ $side = ours ]; then p=$port; pid=$server; else p=$inn_port; pid=$innd; fi
      before=$(ticks "$pid")
      if [ $phase != over ]; then
        out=$(python3 bench/nntp_bench.py post "$p" bench.post "$posts" "${phase#post@}" "r$r$side${phase#post@}")
      else
        out=$(python3 bench/nntp_bench.py over "$p" bench.over)
      fi
      settle; after=$(ticks "$pid")
      echo "$phase $side $out $(( (after - before) * 1000 / hz ))" | tee -a "$work/rows"
    done
  done
done

python3 - "$work/rows" "$posts" "$overview" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
posts, overview = int(sys.argv[2]), int(sys.argv[3])
def col(phase, side, i):
    return [float(r[i]) for r in rows if r[0] == phase and r[1] == side]
phases = list(dict.fromkeys(r[0] for r in rows))
for phase in phases:
    n = overview if phase == "over" else posts
    counts = {int(r[3]) for r in rows if r[0] == phase}
    assert counts == {n}, f"{phase}: expected {n} articles every round, got {counts}"
    t = {s: col(phase, s, 2) for s in ("ours", "inn")}
    cpu = {s: col(phase, s, -1) for s in ("ours", "inn")}
    print(f"{phase.upper().replace('@', ' over ')}{' connection(s)' if '@' in phase else ''}: {n} articles")
    for s, name in (("ours", "netkit"), ("inn", "INN   ")):
        med = statistics.median(t[s])
        print(f"  {name} s: " + " ".join(f"{x:.3f}" for x in t[s])
              + f"   median {med:.3f} ({n / med:,.0f}/s), best {min(t[s]):.3f};"
              + f" server CPU median {statistics.median(cpu[s]):.0f} ms ({statistics.median(cpu[s]) * 1000 / n:.1f} us/article)")
    print(f"  ratio INN time / NetKit time (above 1.0 = NetKit faster): median {statistics.median(t['inn']) / statistics.median(t['ours']):.2f},"
          f" best {min(t['inn']) / min(t['ours']):.2f}; CPU INN / NetKit {statistics.median(cpu['inn']) / max(1, statistics.median(cpu['ours'])):.2f}")
PY
