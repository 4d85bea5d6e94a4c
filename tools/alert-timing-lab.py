#!/usr/bin/env python3
"""With full ET Open on the lab captures: how many of Suricata's alerts come on the same packet
(sid, pcap_cnt) in Sentinelle's output. usage: tools/alert-timing-lab.py BIN OUTDIR"""
import collections, gzip, json, os, subprocess, sys
binp, out = sys.argv[1], sys.argv[2]
td=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'testdata')
tot=[0,0]
for name in ['benign-web','scanner-http','sqlmap','nmap-version','hydra-ftp','hydra-ssh','urlhaus-dns']:
    o=os.path.join(out,name); os.makedirs(o,exist_ok=True)
    ev=os.path.join(o,'eve.json')
    if os.path.exists(ev): os.remove(ev)
    subprocess.run(f"{binp} -r {td}/pcaps/{name}.pcap -S {td}/rules/et-open/all.rules.gz -l {o} --set sense.sqli.enabled=false --set sense.bruteforce.enabled=false --set sense.scan.enabled=false --runmode single", shell=True, capture_output=True)
    def load(f, op):
        c=collections.Counter()
        for l in op(f):
            try: e=json.loads(l)
            except ValueError: continue
            if e.get('event_type')=='alert': c[(e['alert']['signature_id'], e.get('pcap_cnt'))]+=1
        return c
    s=load(f'{td}/pcaps/{name}.eve.json.gz', lambda f: gzip.open(f,'rt'))
    g=load(ev, open)
    same=sum((s&g).values()); tot[0]+=same; tot[1]+=sum(s.values())
    print(name, 'suri', sum(s.values()), 'ours', sum(g.values()), 'exact (sid,pcap_cnt) shared', same, 'suri-only', sorted((s-g).items(),key=str)[:4], 'ours-only', sorted((g-s).items(),key=str)[:4])
print('total exact', tot)
