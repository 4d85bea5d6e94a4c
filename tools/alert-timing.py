#!/usr/bin/env python3
"""Runs a sentinelle binary over all conformance cases and reports per case whether the per-sid
alert counts equal Suricata's (expected.json) and whether the alerts' timing is exact: the multiset
of (sid, pcap_cnt) equals the one in Suricata's full EVE (eve.json.gz).
usage: tools/alert-timing.py BIN OUTDIR [NAME...]"""
import collections, gzip, json, os, subprocess, sys
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'testdata', 'conformance')
binp, outroot = sys.argv[1], sys.argv[2]
only = set(sys.argv[3:])
res = {}
for line in open(os.path.join(root, 'cases.tsv')):
    if line.startswith('#') or not line.strip(): continue
    name, pcap, rules, args = (line.rstrip('\n').split('\t') + [''])[:4]
    if only and name not in only: continue
    cdir = os.path.dirname(os.path.join(root, pcap))
    out = os.path.join(outroot, name); os.makedirs(out, exist_ok=True)
    ev = os.path.join(out, 'eve.json')
    if os.path.exists(ev): os.remove(ev)
    cmd = f"{binp} -r {os.path.join(root,pcap)} -S {os.path.join(root,rules)} -l {out} {args}"
    try:
        p = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=300); rc = p.returncode
    except subprocess.TimeoutExpired: rc = 'timeout'
    got = collections.Counter(); gotp = collections.Counter()
    if os.path.exists(ev):
        for l in open(ev, errors='replace'):
            try: e = json.loads(l)
            except ValueError: continue
            if e.get('event_type') == 'alert':
                got[str(e['alert']['signature_id'])] += 1
                gotp[(e['alert']['signature_id'], e.get('pcap_cnt'))] += 1
    exp = json.load(open(os.path.join(cdir, 'expected.json')))['alerts']
    sp = collections.Counter()
    g = os.path.join(cdir, 'eve.json.gz')
    if os.path.exists(g):
        for l in gzip.open(g, 'rt', errors='replace'):
            try: e = json.loads(l)
            except ValueError: continue
            if e.get('event_type') == 'alert':
                sp[(e['alert']['signature_id'], e.get('pcap_cnt'))] += 1
    ok = rc == 0 and dict(got) == exp
    tm = gotp == sp
    res[name] = (ok, tm)
    print(f"{name}\t{'PASS' if ok else 'FAIL'}\t{'TIME' if tm else 'time-diff'}", flush=True)
print(f"# pass {sum(1 for v in res.values() if v[0])} / {len(res)}; timing exact {sum(1 for v in res.values() if v[1])}")
