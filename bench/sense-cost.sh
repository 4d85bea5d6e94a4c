#!/usr/bin/env bash
# Cost of the built-in detectors (SQLi, brute force, scans): instructions executed by Sentinelle
# on a capture with the detectors on and off, counted by valgrind's callgrind (repeatable where
# seconds are not on a shared machine), plus the ratio.
#
# usage: bench/sense-cost.sh [CAPTURE]   (default: /work/bench-data/bulk-mix.pcap if present,
#                                          else testdata/pcaps concatenated)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p sentinelle
bin=$PWD/target/release/sentinelle
out=bench/out; mkdir -p "$out"
cap=${1:-}
if [ -z "$cap" ]; then
  if [ -f /work/bench-data/bulk-mix.pcap ]; then cap=/work/bench-data/bulk-mix.pcap; else
    python3 - "$out/shared-concat.pcap" testdata/pcaps/*.pcap <<'PY'
import sys
out = open(sys.argv[1], 'wb'); first = True
for p in sys.argv[2:]:
    d = open(p, 'rb').read()
    if first: out.write(d[:24]); first = False
    out.write(d[24:])
PY
    cap=$out/shared-concat.pcap
  fi
fi
count() {
  rm -rf "$out/run"; mkdir -p "$out/run"
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" -r "$cap" -l "$out/run" -k none --runmode single "$@" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
on=$(count)
off=$(count --set sense.sqli.enabled=false --set sense.scan.enabled=false --set sense.bruteforce.enabled=false)
python3 -c "on=$on; off=$off; print('capture: $cap'); print(f'instructions, detectors on : {on:,}'); print(f'instructions, detectors off: {off:,}'); print(f'cost of the detectors: {100*(on-off)/off:.2f}% more instructions (throughput ratio {off/on:.3f})')"
