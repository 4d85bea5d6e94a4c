#!/usr/bin/env bash
# Side-by-side throughput of Sentinelle and Suricata 7 on the same captures, protocol logging
# only (no rules): packets/s, Mbit/s, peak RSS, and the ratios. One core (`taskset -c 0`,
# single run modes) and two cores (Suricata autofp with 2 workers, Sentinelle --workers 2).
#
# With `--rules FILE` both engines also load the same rules (`-S FILE`, `.gz` accepted: it is
# decompressed once for Suricata) and the table adds rule load time and computes throughput over
# packet processing time instead of wall time. Suricata: processing = its "time elapsed" line,
# load = wall - processing (start-up, rule loading, engine build, and shut-down); Sentinelle:
# processing = the "N packets ... in Xs" line, load = the "rules: ... loaded ... in Xs" line.
#
# usage: bench/compare.sh [--runs N] [--rules FILE] [CAPTURE ...]
#   default captures: /work/bench-data/bulk-mix.pcap (from ../shared/tools/gen-captures --bulk 1000)
#   when present, and all of testdata/pcaps concatenated.
# Each figure is the best of N runs (default 3). Needs: suricata (../shared/tools/install-suricata.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
rules=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --rules) rules=$2; shift 2 ;;
    *) break ;;
  esac
done
out=bench/out; mkdir -p "$out"
if [ -n "$rules" ]; then
  [ -f "$rules" ] || { echo "no rules file $rules"; exit 1; }
  if [[ "$rules" == *.gz ]]; then
    gunzip -c "$rules" > "$out/rules.rules"; rules_plain="$out/rules.rules"
  else
    rules_plain=$rules
  fi
  # Suricata looks for classification.config beside its config, not the rules: pass it along.
  class=$(dirname "$rules")/classification.config
  suri_rules=(-S "$rules_plain")
  [ -f "$class" ] && suri_rules+=(--set "classification-file=$(realpath "$class")")
  sent_rules=(-S "$rules")
else
  suri_rules=(-S /dev/null)
  sent_rules=()
fi
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
# best wall seconds, max RSS (KiB), and the load and processing seconds of that best run, of N
# runs of a command
measure() {
  local best="" rss=0 bload=0 bproc=0
  for _ in $(seq "$runs"); do
    rm -rf "$out/run"; mkdir -p "$out/run"
    local t0=$EPOCHREALTIME
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || { cat "$out/stderr.txt" >&2; return 1; }
    local t1=$EPOCHREALTIME
    read -r _ m < "$out/time.txt"
    # wall time to the microsecond (time's %e has 10 ms steps)
    t=$(python3 -c "print('%.4f' % max($t1 - $t0, 0.0001))")
    read -r load proc < <(python3 - "$t" "$out/stderr.txt" "$out/run/suricata.log" <<'PY'
import os, re, sys
wall = float(sys.argv[1])
err = open(sys.argv[2], errors='replace').read()
m = re.search(r'rules: .* in ([0-9.]+)s', err)
p = re.search(r'packets \(.*\) from .* in ([0-9.]+)s', err)
if m or p:
    load = float(m.group(1)) if m else 0.0
    print(load, float(p.group(1)) if p else max(wall - load, 1e-4)); sys.exit()
log = open(sys.argv[3], errors='replace').read() if os.path.exists(sys.argv[3]) else ''
m = re.search(r'time elapsed ([0-9.]+)s', log)
proc = float(m.group(1)) if m else wall
print('%.4f %.4f' % (max(0.0, wall - proc), proc))
PY
)
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then
      best=$t; bload=$load; bproc=$proc
    fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $rss $bload $bproc"
}

if [ -n "$rules" ]; then
  echo "rules: $rules"
  printf '%-22s %-26s %10s %8s %12s %10s %10s\n' capture engine seconds load_s pkt/s Mbit/s RSS_MiB
else
  printf '%-22s %-26s %10s %12s %10s %10s\n' capture engine seconds pkt/s Mbit/s RSS_MiB
fi
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
    read -r s m l pr < <(measure "$@")
    echo "$label|$s|$m|$l|$pr" >> "$res"
    if [ -n "$rules" ]; then
      python3 -c "s=$s; l=$l; p=max($pr, 1e-4); print('%-22s %-26s %10.3f %8.3f %12.0f %10.1f %10.1f' % ('$name', '$label', s, l, $pkts/p, $bytes*8/p/1e6, $m/1024))"
    else
      python3 -c "s=$s; print('%-22s %-26s %10.3f %12.0f %10.1f %10.1f' % ('$name', '$label', s, $pkts/s, $bytes*8/s/1e6, $m/1024))"
    fi
  }
  run "suricata 1-core" taskset -c 0 suricata -r "$cap" -l "$out/run" -k none "${suri_rules[@]}" --runmode single
  run "sentinelle 1-core" taskset -c 0 "$bin" -r "$cap" -l "$out/run" -k none "${sent_rules[@]}" --runmode single
  if [ "$cores" -ge 2 ]; then
    run "suricata 2-core" taskset -c 0,1 suricata -r "$cap" -l "$out/run" -k none "${suri_rules[@]}" --runmode autofp
    run "sentinelle 2-core" taskset -c 0,1 "$bin" -r "$cap" -l "$out/run" -k none "${sent_rules[@]}" --workers 2
  fi
  python3 - "$res" "${rules:+rules}" <<'PY'
import sys
s, m, l, pr = {}, {}, {}, {}
for line in open(sys.argv[1]):
    k, t, r, ld, pc = line.strip().split('|'); s[k] = float(t); m[k] = int(r); l[k] = float(ld); pr[k] = float(pc)
rules = len(sys.argv) > 2 and sys.argv[2] == 'rules'
# With rules, throughput is over packet processing time (rule loading left out).
p = {k: max(pr[k] if rules else s[k], 1e-4) for k in s}
if rules:
    print('  rule load time ratio sentinelle/suricata: %.2f (%.3fs vs %.3fs)'
          % (l['sentinelle 1-core'] / max(l['suricata 1-core'], 1e-6), l['sentinelle 1-core'], l['suricata 1-core']))
print('  throughput ratio sentinelle/suricata, 1 core: %.2fx' % (p['suricata 1-core'] / p['sentinelle 1-core']))
if 'sentinelle 2-core' in s:
    print('  throughput ratio sentinelle/suricata, 2 cores: %.2fx; sentinelle 2 cores vs suricata 1 core: %.2fx'
          % (p['suricata 2-core'] / p['sentinelle 2-core'], p['suricata 1-core'] / p['sentinelle 2-core']))
if not rules:
    # Wall time includes Suricata's start-up (~0.2-0.3 s even without rules); also compare the
    # packet-processing time each engine reports ("time elapsed" / "packets ... in Xs").
    q = {k: max(pr[k], 1e-4) for k in s}
    print('  processing-time ratio (start-up left out), 1 core: %.2fx; 2 cores: %.2fx'
          % (q['suricata 1-core'] / q['sentinelle 1-core'],
             q['suricata 2-core'] / q['sentinelle 2-core'] if 'sentinelle 2-core' in q else float('nan')))
    print('  sentinelle scaling, 2 workers vs 1 (wall): %.2fx' % (s['sentinelle 1-core'] / s['sentinelle 2-core'])
          if 'sentinelle 2-core' in s else '')
print('  peak RSS ratio sentinelle/suricata, 1 core: %.2f' % (m['sentinelle 1-core'] / m['suricata 1-core']))
PY
done
