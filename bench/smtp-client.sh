#!/usr/bin/env bash
# SMTP client speed: 1,000 messages (about 2 KiB each) over ONE connection to
# Postfix's smtp-sink (C, discards), sent by NetKit's SmtpClient, MailKit's
# SmtpClient and Python's smtplib. Each client runs ROUNDS times, interleaved;
# the median rate of each is printed, then NetKit's ratios.
#   bench/smtp-client.sh [MESSAGES] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."

messages=${1:-1000}
rounds=${2:-5}
sink=/usr/sbin/smtp-sink
python=/usr/bin/python3
[ -x "$sink" ] || { echo "smtp-sink missing: apt-get install -y postfix" >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/SmtpClientBench -c Release -v quiet -nologo >/dev/null
bench="dotnet bench/SmtpClientBench/bin/Release/net10.0/SmtpClientBench.dll"

work=$(mktemp -d)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, wait_port
port=$(free_port)
user_option=()
[ "$(id -u)" -eq 0 ] && user_option=(-u nobody)
"$sink" "${user_option[@]}" "127.0.0.1:$port" 100 &
sink_pid=$!
trap 'kill $sink_pid 2>/dev/null; rm -rf "$work"' EXIT
wait_port "$port" "$sink_pid"

$bench write "$work/message.eml"
cat > "$work/smtplib_send.py" <<'PY'
import smtplib, sys, time
port, count, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
data = open(path, "rb").read()
def run(n):
    s = smtplib.SMTP("127.0.0.1", port)
    start = time.perf_counter()
    for _ in range(n):
        s.sendmail("sender@example.org", ["recipient@example.org"], data)
    elapsed = time.perf_counter() - start
    s.quit()
    return elapsed
run(count)
cpu = time.process_time()
seconds = run(count)
cpu = time.process_time() - cpu
print(f"smtplib: {count} messages over one connection in {seconds:.3f} s, client CPU {cpu * 1e6 / count:.0f} us/message = {count / seconds:.0f} messages/s")
PY

declare -A rates cpus
for round in $(seq "$rounds"); do
  for client in ours ours-raw mailkit smtplib; do
    if [ "$client" = smtplib ]; then
      line=$($python "$work/smtplib_send.py" "$port" "$messages" "$work/message.eml")
    else
      line=$($bench "$client" "$port" "$messages")
    fi
    echo "round $round: $line"
    rates[$client]+="$(echo "$line" | awk '{print $(NF-1)}') "
    cpus[$client]+="$(echo "$line" | sed -E 's/.*client CPU ([0-9]+) us.*/\1/') "
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
best() { tr ' ' '\n' | grep -v '^$' | sort -n | tail -1; }
ours=$(echo "${rates[ours]}" | median)
raw=$(echo "${rates[ours-raw]}" | median)
mailkit=$(echo "${rates[mailkit]}" | median)
smtplib=$(echo "${rates[smtplib]}" | median)
echo "median messages/s over $rounds rounds: NetKit (MimeMessage) $ours, NetKit (bytes) $raw, MailKit $mailkit, smtplib $smtplib"
echo "best messages/s of $rounds rounds (least disturbed by other load): NetKit (MimeMessage) $(echo "${rates[ours]}" | best), NetKit (bytes) $(echo "${rates[ours-raw]}" | best), MailKit $(echo "${rates[mailkit]}" | best), smtplib $(echo "${rates[smtplib]}" | best)"
echo "median client CPU us/message: NetKit (MimeMessage) $(echo "${cpus[ours]}" | median), NetKit (bytes) $(echo "${cpus[ours-raw]}" | median), MailKit $(echo "${cpus[mailkit]}" | median), smtplib $(echo "${cpus[smtplib]}" | median)"
awk -v o="$ours" -v r="$raw" -v m="$mailkit" -v p="$smtplib" 'BEGIN {
  printf "NetKit/MailKit (MimeMessage both) %.2fx; NetKit/smtplib (bytes both) %.2fx; NetKit (MimeMessage)/smtplib %.2fx\n", o/m, r/p, o/p }'
