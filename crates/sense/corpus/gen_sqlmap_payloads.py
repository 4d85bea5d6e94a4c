#!/usr/bin/env python3
"""Instantiate sqlmap's payload templates the way sqlmap does, for the SQLi corpus.

Usage: gen_sqlmap_payloads.py [SQLMAP_XML_DIR] [COUNT] > sqli-attacks-sqlmap.txt
       (default /usr/share/sqlmap/data/xml from Debian's `sqlmap` package, 4000 payloads)

For every test in payloads/*.xml and every boundary in boundaries.xml whose <clause> and <where>
match (checks.py), the request value is built as sqlmap's agent.prefixQuery/suffixQuery do:
original value (where=1), "-RANDNUM" (where=2) or nothing (where=3), then the boundary prefix, the
test payload (and its boolean "comparison" twin), the test comment or the boundary suffix.
[RANDNUM*] become 4-digit numbers, [RANDSTR*] 4 random letters, [DELIMITER_START/STOP] sqlmap's
'q...q' markers (hex-encoded for MySQL tests half of the time, as its unescaper does once the
DBMS is known), [SLEEPTIME] 5, [GENERIC_SQL_COMMENT] "-- RANDSTR". UNION tests are forged like
agent.forgeUnionQuery with 1-10 columns. Output is deterministic (fixed seed), distinct values,
round-robin over tests so that every test is represented.
"""
import random
import re
import string
import sys
import xml.etree.ElementTree as ET

XML_DIR = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/sqlmap/data/xml"
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
import os
rnd = random.Random(int(os.environ.get("SEED", "20241125")))

NUM_ORIG = ["1", "2", "3", "7", "10", "42", "105", "1337", "2024"]
STR_ORIG = ["admin", "test", "john", "apple", "books", "home", "en", "blue", "alice", "search"]


def ints(text):
    return [int(x) for x in (text or "0").replace(" ", "").split(",") if x.strip().isdigit()]


def randnum():
    return str(rnd.randint(1000, 9999))


def randstr(n=4):
    return "".join(rnd.choice(string.ascii_letters) for _ in range(n))


def delimiter():
    return "q" + "".join(rnd.choice("bjkpqvxz") for _ in range(3)) + "q"


def tohex(s):
    return "0x" + s.encode().hex()


def fill(text, dbms, orig):
    """cleanupPayload: replace the markers."""
    start, stop = delimiter(), delimiter()
    mysql = dbms == "MySQL" and rnd.random() < 0.5
    if mysql:
        text = text.replace("'[DELIMITER_START]'", tohex(start)).replace("'[DELIMITER_STOP]'", tohex(stop))
    text = text.replace("[DELIMITER_START]", start).replace("[DELIMITER_STOP]", stop)
    text = text.replace("[GENERIC_SQL_COMMENT]", "-- " + randstr())
    text = text.replace("[SLEEPTIME]", "5")
    text = text.replace("[SPACE_REPLACE]", ":" + randstr().lower() + ":")
    text = text.replace("[AT_REPLACE]", ":" + randstr().lower() + ":")
    text = text.replace("[DOLLAR_REPLACE]", ":" + randstr().lower() + ":")
    text = text.replace("[HASH_REPLACE]", ":" + randstr().lower() + ":")
    for m in set(re.findall(r"\[RANDNUM\d*\]", text)):
        text = text.replace(m, randnum())
    for m in set(re.findall(r"\[RANDSTR\d*\]", text)):
        text = text.replace(m, randstr())
    if "[ORIGVALUE]" in text:
        text = text.replace("[ORIGVALUE]", orig if orig.isdigit() else "'%s'" % orig)
    text = text.replace("[ORIGINAL]", orig)
    if mysql:
        # sqlmap's MySQL unescaper: 'abc' -> 0x616263
        text = re.sub(r"'([A-Za-z0-9]{2,})'", lambda m: tohex(m.group(1)), text)
    return text


def prefix_query(expr, prefix, where, stype, clause):
    if where == 3:
        query = ""
    elif stype == 4 or clause in ([2, 3], [2], [3]):
        query = prefix
    else:
        query = prefix or ""
        if not (expr and expr[0] == ";") and not (query and query[-1] in "()" and expr and expr[0] in "()") \
                and not (query and query[-1] == "("):
            query += " "
    return query + expr


def suffix_query(expr, comment, suffix, where):
    if comment:
        expr += comment
    if where == 3:
        pass
    elif suffix and not comment:
        if re.search(r"\w\Z", expr) and re.search(r"\A\w", suffix):
            expr += " "
        expr += suffix
    return re.sub(r";\W*;", ";", expr)


def union_payload(dbms):
    cols = rnd.randint(1, 10)
    char = rnd.choice(["NULL", "NULL", randnum(), "'%s'" % randstr()])
    values = [char] * cols
    if rnd.random() < 0.6:
        pos = rnd.randrange(cols)
        start, stop = delimiter(), delimiter()
        inner = rnd.choice(["'%s'" % randstr(10), "IFNULL(CAST(CURRENT_USER() AS NCHAR),0x20)",
                            "(CASE WHEN (%s=%s) THEN 1 ELSE 0 END)" % ((randnum(),) * 2)])
        if dbms == "MySQL" or rnd.random() < 0.4:
            values[pos] = "CONCAT(%s,%s,%s)" % (tohex(start), inner, tohex(stop))
        else:
            values[pos] = "'%s'||%s||'%s'" % (start, inner, stop)
    tail = rnd.choice(["", "", " FROM DUAL", " FROM users", " FROM information_schema.tables"])
    return "UNION ALL SELECT " + ",".join(values) + tail


def main():
    boundaries = []
    for b in ET.parse(XML_DIR + "/boundaries.xml").getroot().iter("boundary"):
        boundaries.append({
            "clause": ints(b.findtext("clause")),
            "where": ints(b.findtext("where")),
            "ptype": int(b.findtext("ptype") or 1),
            "prefix": b.findtext("prefix") or "",
            "suffix": b.findtext("suffix") or "",
        })
    per_test = []
    import glob
    for path in sorted(glob.glob(XML_DIR + "/payloads/*.xml")):
        for t in ET.parse(path).getroot().iter("test"):
            req = t.find("request")
            resp = t.find("response")
            payloads = []
            if req is not None and req.findtext("payload"):
                payloads.append(req.findtext("payload"))
            if resp is not None and resp.findtext("comparison"):
                payloads.append(resp.findtext("comparison"))
            is_union = resp is not None and resp.find("union") is not None
            if not payloads and not is_union:
                continue
            test = {
                "stype": int(t.findtext("stype") or 0),
                "clause": ints(t.findtext("clause")),
                "where": ints(t.findtext("where")),
                "comment": req.findtext("comment") if req is not None else None,
                "dbms": t.findtext("details/dbms") or "",
                "payloads": payloads,
                "union": is_union,
            }
            out = []
            for b in boundaries:
                if test["clause"] != [0] and b["clause"] != [0] and not set(test["clause"]) & set(b["clause"]):
                    continue
                for where in test["where"]:
                    if where not in b["where"]:
                        continue
                    for pl in (payloads or [None]):
                        orig = rnd.choice(NUM_ORIG if b["ptype"] in (1, 6) else STR_ORIG)
                        if where == 2:
                            orig = "-" + randnum()
                        elif where == 3:
                            orig = ""
                        expr = union_payload(test["dbms"]) if pl is None else pl
                        value = prefix_query(expr, b["prefix"], where, test["stype"], test["clause"])
                        value = suffix_query(value, test["comment"], b["suffix"], where)
                        value = orig + fill(value, test["dbms"], orig)
                        if "\n" not in value and "[" not in value:
                            out.append(value)
            rnd.shuffle(out)
            if out:
                per_test.append(out)
    seen = set()
    result = []
    i = 0
    while len(result) < COUNT and any(per_test):
        bucket = per_test[i % len(per_test)]
        if bucket:
            v = bucket.pop()
            if v not in seen:
                seen.add(v)
                result.append(v)
        i += 1
    for v in result:
        print(v)


if __name__ == "__main__":
    main()
