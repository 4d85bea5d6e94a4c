#!/usr/bin/env python3
"""Extract HTTP requests from a classic pcap (Ethernet/IPv4/IPv6/TCP) with the standard library.

Usage:
    pcap_http.py requests FILE.pcap        # one JSON object per request (method, uri, headers, body)
    pcap_http.py sqlmap-values FILE.pcap   # decoded parameter values sqlmap sent (injections only)

TCP payloads are put back in sequence order per direction (retransmissions dropped); requests
are split on the header/body boundary using Content-Length.
"""
import json
import struct
import sys
import urllib.parse


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        yield linktype, data[off:off + incl]
        off += incl


def tcp_segments(path):
    for linktype, pkt in packets(path):
        if linktype != 1 or len(pkt) < 14:
            continue
        eth_type = struct.unpack(">H", pkt[12:14])[0]
        p = pkt[14:]
        while eth_type == 0x8100 and len(p) >= 4:
            eth_type = struct.unpack(">H", p[2:4])[0]
            p = p[4:]
        if eth_type == 0x0800 and len(p) >= 20:
            ihl = (p[0] & 15) * 4
            total = struct.unpack(">H", p[2:4])[0]
            if p[9] != 6:
                continue
            src, dst = p[12:16], p[16:20]
            seg = p[ihl:total]
        elif eth_type == 0x86DD and len(p) >= 40:
            if p[6] != 6:
                continue
            src, dst = p[8:24], p[24:40]
            seg = p[40:40 + struct.unpack(">H", p[4:6])[0]]
        else:
            continue
        if len(seg) < 20:
            continue
        sport, dport, seq = struct.unpack(">HHI", seg[:8])
        doff = (seg[12] >> 4) * 4
        yield (src, sport, dst, dport), seq, seg[doff:]


def streams(path):
    flows = {}
    for key, seq, payload in tcp_segments(path):
        if payload:
            flows.setdefault(key, {}).setdefault(seq, payload)
    for key, segs in flows.items():
        yield key, b"".join(segs[s] for s in sorted(segs))


def requests(path):
    methods = (b"GET ", b"POST ", b"PUT ", b"HEAD ", b"DELETE ", b"OPTIONS ", b"PATCH ")
    for key, data in streams(path):
        if not data.startswith(methods):
            continue
        while data.startswith(methods):
            end = data.find(b"\r\n\r\n")
            if end < 0:
                break
            head = data[:end].split(b"\r\n")
            method, _, rest = head[0].partition(b" ")
            uri = rest.rsplit(b" ", 1)[0]
            headers = []
            clen = 0
            for line in head[1:]:
                name, _, value = line.partition(b":")
                headers.append((name.strip(), value.strip()))
                if name.strip().lower() == b"content-length":
                    try:
                        clen = int(value.strip())
                    except ValueError:
                        clen = 0
            body = data[end + 4:end + 4 + clen]
            yield {"method": method, "uri": uri, "headers": headers, "body": body}
            data = data[end + 4 + clen:]


def params(req):
    uri = req["uri"].decode("latin-1")
    out = []
    if "?" in uri:
        out += urllib.parse.parse_qsl(uri.split("?", 1)[1], keep_blank_values=True, encoding="latin-1")
    ctype = dict((k.lower(), v) for k, v in req["headers"]).get(b"content-type", b"")
    if b"urlencoded" in ctype:
        out += urllib.parse.parse_qsl(req["body"].decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    return out


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "requests":
        for r in requests(path):
            print(json.dumps({
                "method": r["method"].decode("latin-1"),
                "uri": r["uri"].decode("latin-1"),
                "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in r["headers"]],
                "body": r["body"].decode("latin-1"),
            }))
    elif mode == "sqlmap-values":
        seen = set()
        for r in requests(path):
            ua = dict((k.lower(), v) for k, v in r["headers"]).get(b"user-agent", b"")
            if b"sqlmap" not in ua:
                continue
            for _, value in params(r):
                # The page's original value is a bare number; everything else sqlmap sent is a probe.
                if value.isdigit() or "\n" in value or value in seen:
                    continue
                seen.add(value)
                print(value)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
