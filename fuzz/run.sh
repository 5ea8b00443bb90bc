#!/usr/bin/env bash
# Fuzzes NetKit's network parsers with AFL++ and SharpFuzz, one target after another.
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s, every target)
# Installs afl++ (Debian) and the SharpFuzz instrumenting tool, builds fuzz/NetKit.Fuzz into
# fuzz/.build, instruments NetKit.dll there, runs afl-fuzz on each target from
# fuzz/corpus/TARGET for the time given, prints executions, exec/s, corpus size, crashes and
# hangs, and copies crashing and hanging inputs to fuzz/findings/TARGET/.
# One AFL instance at a time: the machine is shared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-60}
shift || true

if ! command -v afl-fuzz >/dev/null; then
  apt-get update -qq && apt-get install -y -qq afl++ >/dev/null
fi
tools="$here/.tools"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

build="$here/.build"
rm -rf "$build"
dotnet build "$here/NetKit.Fuzz/NetKit.Fuzz.csproj" -c Release -o "$build" -nologo -v q >/dev/null
"$tools/sharpfuzz" "$build/NetKit.dll" >/dev/null
driver=(dotnet "$build/NetKit.Fuzz.dll")

if [ $# -eq 0 ]; then
  mapfile -t targets < <("${driver[@]}" --list)
else
  targets=("$@")
fi

# dotnet is not an AFL-instrumented binary (SharpFuzz instruments NetKit.dll and talks to AFL
# itself); this container cannot pin CPUs or change the core dump pattern.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_QUIET=1 AFL_SKIP_CRASHES=1 DOTNET_TieredCompilation=0

out="$here/.out"
mkdir -p "$out"
printf '%-14s %10s %8s %7s %8s %6s\n' target execs exec/s corpus crashes hangs
for t in "${targets[@]}"; do
  rm -rf "${out:?}/$t"
  # -t: an input that runs over 2 s is a hang (the first runs, with the JIT, get AFL's longer calibration time).
  afl-fuzz -i "$here/corpus/$t" -o "$out/$t" -t 2000 -m none -V "$seconds" -- "${driver[@]}" "$t" \
    >"$out/$t.log" 2>&1 || { echo "$t: afl-fuzz failed, see $out/$t.log"; tail -5 "$out/$t.log"; continue; }
  stats="$out/$t/default/fuzzer_stats"
  get() { awk -F' *: *' -v k="$1" '$1==k {print $2}' "$stats"; }
  printf '%-14s %10s %8s %7s %8s %6s\n' "$t" "$(get execs_done)" "$(get execs_per_sec)" "$(get corpus_count)" \
    "$(get saved_crashes)" "$(get saved_hangs)"
  for kind in crashes hangs; do
    found=("$out/$t/default/$kind"/id:*)
    if [ -e "${found[0]}" ]; then
      mkdir -p "$here/findings/$t"
      for f in "${found[@]}"; do cp "$f" "$here/findings/$t/$kind-$(basename "$f" | cut -d, -f1 | tr : -)"; done
    fi
  done
done
