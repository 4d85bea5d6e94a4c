#!/usr/bin/env bash
# Side-by-side throughput of Sentinelle and Suricata 7 on the same captures, protocol logging
# only (no rules): packets/s, Mbit/s, peak RSS, and the ratios. One core (`taskset -c 0`,
# single run modes) and two cores (Suricata autofp with 2 workers, Sentinelle --workers 2).
#
# usage: bench/compare.sh [--runs N] [CAPTURE ...]
#   default captures: /work/bench-data/bulk-mix.pcap (from ../shared/tools/gen-captures --bulk 1000)
#   when present, and all of testdata/pcaps concatenated.
# Each figure is the best of N runs (default 3). Needs: suricata (../shared/tools/install-suricata.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
if [ "${1:-}" = "--runs" ]; then runs=$2; shift 2; fi
out=bench/out; mkdir -p "$out"
cargo build --release -q -p sentinelle
bin=target/release/sentinelle
command -v suricata >/dev/null || { echo "suricata not installed (../shared/tools/install-suricata.sh)"; exit 1; }

caps=("$@")
if [ ${#caps[@]} -eq 0 ]; then
  [ -f /work/bench-data/bulk-mix.pcap ] && caps+=(/work/bench-data/bulk-mix.pcap)
  python3 - "$out/shared-concat.pcap" testdata/pcaps/*.pcap <<'PY'
import sys
out = open(sys.argv[1], 'wb'); first = True
for p in sys.argv[2:]:
    d = open(p, 'rb').read()
    if first: out.write(d[:24]); first = False
    out.write(d[24:])
PY
  caps+=("$out/shared-concat.pcap")
fi

cores=$(nproc)
# best wall seconds and max RSS (KiB) of N runs of a command
measure() {
  local best="" rss=0
  for _ in $(seq "$runs"); do
    rm -rf "$out/run"; mkdir -p "$out/run"
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || { cat "$out/stderr.txt" >&2; return 1; }
    read -r t m < "$out/time.txt"
    best=$(python3 -c "a='$best'; print($t if not a else min(float(a), $t))")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $rss"
}

printf '%-22s %-26s %10s %12s %10s %10s\n' capture engine seconds pkt/s Mbit/s RSS_MiB
for cap in "${caps[@]}"; do
  read -r pkts bytes < <(python3 - "$cap" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb'); h = d.read(24); e = '<' if h[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
n = b = 0
while True:
    r = d.read(16)
    if len(r) < 16: break
    _, _, incl, orig = struct.unpack(e + 'IIII', r); d.seek(incl, 1); n += 1; b += incl
print(n, b)
PY
)
  name=$(basename "$cap" .pcap)
  res="$out/results-$name.txt"; : > "$res"
  run() { # label, command...
    local label=$1; shift
    read -r s m < <(measure "$@")
    echo "$label|$s|$m" >> "$res"
    python3 -c "s=$s; print('%-22s %-26s %10.3f %12.0f %10.1f %10.1f' % ('$name', '$label', s, $pkts/s, $bytes*8/s/1e6, $m/1024))"
  }
  run "suricata 1-core" taskset -c 0 suricata -r "$cap" -l "$out/run" -k none -S /dev/null --runmode single
  run "sentinelle 1-core" taskset -c 0 "$bin" -r "$cap" -l "$out/run" -k none --runmode single
  if [ "$cores" -ge 2 ]; then
    run "suricata 2-core" taskset -c 0,1 suricata -r "$cap" -l "$out/run" -k none -S /dev/null --runmode autofp
    run "sentinelle 2-core" taskset -c 0,1 "$bin" -r "$cap" -l "$out/run" -k none --workers 2
  fi
  python3 - "$res" <<'PY'
import sys
s, m = {}, {}
for line in open(sys.argv[1]):
    k, t, r = line.strip().split('|'); s[k] = float(t); m[k] = int(r)
print('  throughput ratio sentinelle/suricata, 1 core: %.2fx' % (s['suricata 1-core'] / s['sentinelle 1-core']))
if 'sentinelle 2-core' in s:
    print('  throughput ratio sentinelle/suricata, 2 cores: %.2fx; sentinelle 2 cores vs suricata 1 core: %.2fx'
          % (s['suricata 2-core'] / s['sentinelle 2-core'], s['suricata 1-core'] / s['sentinelle 2-core']))
print('  peak RSS ratio sentinelle/suricata, 1 core: %.2f' % (m['sentinelle 1-core'] / m['suricata 1-core']))
PY
done
