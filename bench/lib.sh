# bench/lib.sh: sourced by the bench scripts for the helpers they share:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_name=$(basename "$0")

# free_port: a TCP port on 127.0.0.1 that nothing listens on (the kernel's pick).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# free_ports N: N distinct free ports, all picked while each is held (ports picked one after
# another can repeat when a server started for the first has not bound it yet).
free_ports() { python3 -c '
import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))' "$1"; }

# wait_port PORT [PID [LOG]]: waits, up to 30 s, until a connect to 127.0.0.1:PORT succeeds.
# Ends the script when nothing listens by then, or at once when process PID (the server
# started for that port) has exited, showing its LOG.
wait_port() {
  local i
  for ((i = 0; i < 300; i++)); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$1" 2>/dev/null && return 0
    if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then
      echo "$bench_name: the server for port $1 exited" >&2
      [ -z "${3:-}" ] || cat "$3" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$bench_name: nothing listens on $1" >&2
  exit 1
}

# stop_pids PID...: stops processes the script started: SIGTERM (SIGKILL after 10 s), then a wait, so each has
# exited (and closed its files) before the script removes them. An empty PID (a server not
# started yet) is skipped; a process already gone is no error.
stop_pids() {
  local p
  for p in "$@"; do
    [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || continue
    # A server that ignores SIGTERM must not hang the teardown: 10 s, then SIGKILL.
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}

# stop_at_exit [PATH...]: the teardown of a script that starts servers, called before the first
# one starts. At exit (a failure or ^C too) every pid added to the array pids is stopped
# (stop_pids), then every path in the array remove (PATHs, and those added later) is removed.
stop_at_exit() {
  pids=(); remove=("$@")
  trap 'stop_pids "${pids[@]}"; rm -rf "${remove[@]}"' EXIT
}
