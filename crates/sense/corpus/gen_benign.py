#!/usr/bin/env python3
"""Build benign-params.txt: real-world-looking benign HTTP parameter values.

Usage: gen_benign.py [BENIGN_PCAP] > benign-params.txt

Sources, all available on a Debian machine (deterministic output, fixed seed):
  - the benign lab capture (shared/pcaps/benign-web.pcap): request URIs, parameters and
    headers, and the text and links of the HTML/JSON pages the server returned;
  - English prose: Python standard-library docstrings and the GNU/BSD/Apache licence texts in
    /usr/share/common-licenses, cut into sentences and search-like phrases (many contain
    "select", "union", "or", "and", "from", "drop", "insert", "where", "order by");
  - names with apostrophes and accents: ISO 3166/639/4217 names from Debian's iso-codes
    (e.g. "Côte d'Ivoire", "Korea, Democratic People's Republic of"), Irish/Italian/French
    surname patterns (O'Brien, D'Angelo, L'Oréal), tz database city names;
  - structured values built from those words: e-mail addresses, dates and times, numbers,
    prices, phone numbers, URLs with query strings, base64/hex/UUID/JWT-like tokens, JSON
    snippets, product names with inch/foot marks, file paths, addresses.
"""
import warnings
warnings.simplefilter("ignore")
import base64
import glob
import hashlib
import html
import importlib
import json
import os
import random
import re
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcap_http  # noqa: E402

rnd = random.Random(4242)
PCAP = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/pcaps/benign-web.pcap"
out = []
seen = set()


def add(v, cap=None):
    v = v.strip()
    if not v or "\n" in v or "\r" in v or v in seen or len(v) > 300:
        return False
    seen.add(v)
    out.append(v)
    return True


# --- 1. the benign capture -------------------------------------------------------------
pages = []
for key, data in pcap_http.streams(PCAP):
    # Several responses may share a connection: split on status lines, keep text bodies.
    for resp in re.split(rb"(?=HTTP/1\.[01] \d{3} )", data):
        head, _, body = resp.partition(b"\r\n\r\n")
        ctype = re.search(rb"(?im)^content-type:\s*([^\r\n;]+)", head)
        if resp.startswith(b"HTTP/") and ctype and ctype.group(1).strip() in (b"text/html", b"application/json"):
            try:
                pages.append(body.decode("utf-8"))
            except UnicodeDecodeError:
                pass
for r in pcap_http.requests(PCAP):
    uri = r["uri"].decode("latin-1")
    add(uri)
    for _, v in pcap_http.params(r):
        add(v)
    for k, v in r["headers"]:
        if k.lower() in (b"user-agent", b"referer"):
            add(v.decode("latin-1"))
page_text = []
for p in pages:
    if "<" in p and ">" in p:
        for href in re.findall(r'href="([^"]+)"', p):
            add(html.unescape(href))
        text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", p, flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
        page_text += [t.strip() for t in text.split("\n") if len(t.strip()) > 3]
    elif p.lstrip().startswith("{"):
        try:
            doc = json.loads(p)
            add(json.dumps(doc)[:300])

            def walk(x):
                if isinstance(x, dict):
                    for k, v in x.items():
                        add(str(k))
                        walk(v)
                elif isinstance(x, list):
                    for v in x:
                        walk(v)
                else:
                    add(str(x))
            walk(doc)
        except ValueError:
            pass
for t in page_text:
    add(t)

# --- 2. prose --------------------------------------------------------------------------
MODULES = ["os", "re", "json", "collections", "itertools", "functools", "string", "textwrap",
           "email.message", "http.client", "urllib.parse", "argparse", "logging", "datetime",
           "decimal", "pathlib", "shutil", "subprocess", "typing", "unittest", "csv", "random",
           "statistics", "calendar", "locale", "gettext", "mailbox", "tarfile", "zipfile",
           "configparser", "difflib", "heapq", "bisect", "fractions", "ipaddress", "socket",
           "selectors", "select", "asyncio", "threading", "queue", "sched", "contextlib",
           "dataclasses", "enum", "inspect", "pdb", "pickle", "shelve", "tempfile", "glob"]
docs = []
for name in MODULES:
    try:
        mod = importlib.import_module(name)
    except ImportError:
        continue
    for obj in [mod] + [getattr(mod, a, None) for a in sorted(dir(mod)) if not a.startswith("_")]:
        d = getattr(obj, "__doc__", None)
        if isinstance(d, str):
            docs.append(d)
for path in sorted(glob.glob("/usr/share/common-licenses/*")):
    try:
        docs.append(open(path, encoding="utf-8", errors="replace").read())
    except OSError:
        pass
sentences = []
for d in docs:
    for s in re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", d)):
        s = s.strip()
        words = s.split()
        # Prose only: no code samples, no SQL statements quoted in documentation.
        if 3 <= len(words) <= 25 and not re.search(r"[(){}\[\]=;<>|\\`$]|>>>|::|\bdef\b|\w\.\w+\(", s):
            sentences.append(s)
rnd.shuffle(sentences)
keyword_re = re.compile(r"\b(select|union|or|and|from|where|drop|insert|update|delete|order|group|having|join|like|null|exec|table)\b", re.I)
with_kw = [s for s in sentences if keyword_re.search(s)]
for s in with_kw[:1500]:
    add(s)
for s in [s for s in sentences if not keyword_re.search(s)][:700]:
    add(s)
vocab = sorted({w.strip(".,;:!?\"'()").lower() for s in sentences for w in s.split()
                if w.strip(".,;:!?\"'()").isalpha() and 2 < len(w) < 14})
# search-box queries: 1-5 words, sometimes with a keyword-ish word
for _ in range(700):
    n = rnd.choice([1, 2, 2, 3, 3, 4, 5])
    q = " ".join(rnd.choice(vocab) for _ in range(n))
    if rnd.random() < 0.35:
        q += " " + rnd.choice(["or", "and", "select", "union", "from", "where", "not", "in", "by", "like", "null", "order", "table", "drop", "insert"]) + " " + rnd.choice(vocab)
    if rnd.random() < 0.2:
        q = q.title()
    add(q)
fixed = ["select a product", "select your size", "Select all that apply", "union station",
         "European Union", "credit union or bank", "either this or that", "and/or", "black or white",
         "rock and roll", "Tom & Jerry", "salt & pepper", "Q&A", "R&D department", "AT&T",
         "drop-down menu", "drop off or pick up", "insert coin", "where to eat", "order by date",
         "group by category", "1 or 2 people", "3 and up", "from 9 to 5", "null and void",
         "table for two", "delete my account", "update profile", "how to select from a list",
         "union of two sets", "SELECT models 2024", "Union Jack flag", "either/or",
         "not null", "is null", "1-2 days", "2-3 business days", "50% off", "100% cotton",
         "buy 1 get 1 free", "size 10 or 11", "men's shoes", "women's or men's", "kid's toys",
         "it's free", "I'm feeling lucky", "don't know", "can't login", "what's new",
         "rock 'n' roll", "'til death", "'90s music", "the 80's", "90's hits", "'s-Hertogenbosch",
         "\"quoted phrase\"", "\"exact match\" search", "she said \"hello\"", "6' tall",
         "5'11\"", "12\" pizza", "2x4 lumber 8' long", "10' x 12' rug", "55\" 4K TV",
         "C:\\Program Files\\App", "C:\\Users\\O'Neil\\Documents", "/usr/local/bin",
         "~/Downloads/report (1).pdf", "report_final-v2.docx", "IMG_2024-05-01.jpg",
         "--help", "-v", "a--b", "x -- y", "#hashtag", "#1 best seller", "C# developer",
         "F# or C#", "C++ and C#", "node.js", "ASP.NET", "1/2 cup", "3/4\"", "24/7 support",
         "+1 (555) 123-4567", "(555) 555-0100", "+44 20 7946 0958", "ext. 1234"]
for v in fixed:
    add(v)

# --- 3. names --------------------------------------------------------------------------
iso = "/usr/share/iso-codes/json/"
names = []
for fname, key in [("iso_3166-1.json", "3166-1"), ("iso_639-3.json", "639-3"), ("iso_4217.json", "4217"),
                   ("iso_3166-2.json", "3166-2")]:
    try:
        for e in json.load(open(iso + fname, encoding="utf-8"))[key]:
            for f in ("name", "official_name", "common_name"):
                if f in e:
                    names.append(e[f])
    except (OSError, ValueError, KeyError):
        pass
apos = [n for n in names if "'" in n]
for n in apos:
    add(n)
rnd.shuffle(names)
for n in names[:500]:
    add(n)
cities = sorted({os.path.basename(p).replace("_", " ") for p in glob.glob("/usr/share/zoneinfo/*/*")
                 if os.path.basename(p)[:1].isupper()})
for c in cities[:300]:
    add(c)
first = ["James", "Mary", "Sean", "Siobhan", "Maria", "Luca", "Chloé", "Zoë", "José", "Renée", "Björn",
         "Aoife", "Niamh", "Pádraig", "Jean-Luc", "Anne-Marie", "Mohammed", "Wei", "Priya", "Olu"]
prefixes = ["O'", "D'", "Mc", "Mac", "De", "Di", "Van ", "von ", "Le ", "d'"]
stems = ["Brien", "Neil", "Connor", "Reilly", "Angelo", "Amico", "Arcy", "Sullivan", "Hara", "Donnell",
         "Leary", "Shea", "Toole", "Grady", "Alessandro", "Artagnan", "Souza", "Malley", "Keefe", "Dowd"]
for _ in range(300):
    full = "%s %s%s" % (rnd.choice(first), rnd.choice(prefixes), rnd.choice(stems))
    if rnd.random() < 0.3:
        full = full.split()[1] + ", " + full.split()[0]
    add(full)
for s in stems:
    add("O'" + s)
for v in ["L'Oréal", "Côte d'Ivoire", "Ca' d'Oro", "Guns N' Roses", "Dunkin' Donuts", "McDonald's",
          "Macy's", "Lowe's", "Kohl's", "Trader Joe's", "Ben & Jerry's", "Levi's 501", "Wendy's",
          "Children's Hospital", "St. John's Wort", "Hershey's Kisses", "Kellogg's Corn Flakes"]:
    add(v)

# --- 4. structured values ----------------------------------------------------------------
domains = ["example.com", "example.org", "mail.example.net", "gmail.com", "outlook.com", "uni-bonn.de",
           "company.co.uk", "b\u00fccher.example"]
for _ in range(250):
    a, b = rnd.choice(vocab), rnd.choice(vocab)
    local = rnd.choice(["%s.%s" % (a, b), "%s_%s%d" % (a, b, rnd.randint(1, 99)), "%s+%s" % (a, b),
                        "o'%s" % a, "%s-%s" % (a, b)])
    add("%s@%s" % (local, rnd.choice(domains)))
months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
for _ in range(250):
    y, m, d = rnd.randint(1950, 2030), rnd.randint(1, 12), rnd.randint(1, 28)
    hh, mm, ss = rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59)
    add(rnd.choice([
        "%04d-%02d-%02d" % (y, m, d), "%02d/%02d/%04d" % (m, d, y), "%02d.%02d.%04d" % (d, m, y),
        "%04d-%02d-%02dT%02d:%02d:%02dZ" % (y, m, d, hh, mm, ss), "%s %d, %d" % (months[m - 1], d, y),
        "%d %s %d" % (d, months[m - 1], y), "%02d:%02d" % (hh, mm), "%02d:%02d:%02d" % (hh, mm, ss),
        "%04d-%02d-%02d %02d:%02d:%02d+02:00" % (y, m, d, hh, mm, ss), "Q%d %d" % (rnd.randint(1, 4), y),
        "%d-%d" % (y, y + 1), "%dh%02d" % (hh, mm)]))
for _ in range(400):
    add(rnd.choice([
        str(rnd.randint(0, 10 ** rnd.randint(1, 9))), "-%d" % rnd.randint(1, 9999),
        "%.2f" % rnd.uniform(0, 10000), "$%d.%02d" % (rnd.randint(1, 999), rnd.randint(0, 99)),
        "$%d,%03d.99" % (rnd.randint(1, 99), rnd.randint(0, 999)), "%d%%" % rnd.randint(1, 100),
        "%d,%d" % (rnd.randint(1, 999), rnd.randint(0, 999)), "1e%d" % rnd.randint(1, 9),
        "%d.%d.%d" % (rnd.randint(0, 9), rnd.randint(0, 20), rnd.randint(0, 99)),
        "v%d.%d" % (rnd.randint(0, 9), rnd.randint(0, 20)), "%d-%d" % (rnd.randint(1, 99), rnd.randint(100, 999)),
        "0x%x" % rnd.randint(0, 2 ** 32), "%d kg" % rnd.randint(1, 200), "%d x %d" % (rnd.randint(1, 99), rnd.randint(1, 99)),
        "%d.%d.%d.%d" % tuple(rnd.randint(1, 254) for _ in range(4)), "2001:db8::%x" % rnd.randint(1, 65535),
        "%d-%d-%d" % (rnd.randint(100, 999), rnd.randint(100, 999), rnd.randint(1000, 9999)),
        "#%06x" % rnd.randint(0, 0xFFFFFF), "%d;%d;%d" % (rnd.randint(0, 9), rnd.randint(0, 9), rnd.randint(0, 9)),
        "%d/%d" % (rnd.randint(1, 9), rnd.randint(2, 16))]))
paths = ["/search", "/products", "/api/v1/items", "/blog/%s" % rnd.choice(vocab), "/user/profile", "/cart"]
for _ in range(250):
    q = "&".join("%s=%s" % (rnd.choice(vocab), rnd.choice(vocab + [str(rnd.randint(1, 500))]))
                 for _ in range(rnd.randint(1, 3)))
    add(rnd.choice([
        "https://www.%s%s?%s" % (rnd.choice(domains), rnd.choice(paths), q),
        "http://%s/%s/%s.html" % (rnd.choice(domains), rnd.choice(vocab), rnd.choice(vocab)),
        "%s?%s" % (rnd.choice(paths), q), "https://%s/#/%s" % (rnd.choice(domains), rnd.choice(vocab)),
        "ftp://files.%s/pub/%s.tar.gz" % (rnd.choice(domains), rnd.choice(vocab))]))
for _ in range(400):
    raw = bytes(rnd.getrandbits(8) for _ in range(rnd.choice([8, 12, 16, 24, 32, 48])))
    add(rnd.choice([
        base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("="),
        raw.hex(), hashlib.sha256(raw).hexdigest(), hashlib.md5(raw).hexdigest(),
        str(uuid.UUID(bytes=hashlib.md5(raw).digest())),
        "%s.%s.%s" % tuple(base64.urlsafe_b64encode(bytes(rnd.getrandbits(8) for _ in range(n))).decode().rstrip("=")
                           for n in (24, 60, 32)),
        "sess_" + raw.hex()[:20], "ghp_" + base64.b64encode(raw).decode()[:30].replace("/", "x").replace("+", "y")]))
for _ in range(250):
    a, b, c = rnd.choice(vocab), rnd.choice(vocab), rnd.choice(vocab)
    add(json.dumps(rnd.choice([
        {a: rnd.randint(0, 100), b: c}, {"id": rnd.randint(1, 9999), "name": "%s %s" % (a, b)},
        [a, b, c], {"query": "%s or %s" % (a, b), "page": rnd.randint(1, 9)},
        {"filter": {"field": a, "op": rnd.choice(["eq", "in", "like"]), "value": b}},
        {"text": "%s's %s" % (a.title(), b), "tags": [c]}, {a: None, b: True, c: [1, 2]}])))
brands = ["Apple", "Samsung", "Sony", "LG", "Dell", "HP", "Lenovo", "Nike", "Adidas", "IKEA", "Bosch", "Canon"]
for _ in range(350):
    add(rnd.choice([
        "%s %s %d" % (rnd.choice(brands), rnd.choice(vocab).title(), rnd.randint(1, 20)),
        "%s %d\" %s" % (rnd.choice(brands), rnd.choice([13, 15, 24, 27, 32, 55, 65]), rnd.choice(["Monitor", "TV", "Laptop"])),
        "%s %s - %s" % (rnd.choice(brands), rnd.choice(vocab).title(), rnd.choice(["Black", "White", "Blue", "Red"])),
        "%s (%d-pack)" % (rnd.choice(vocab).title(), rnd.randint(2, 24)),
        "%s %dGB" % (rnd.choice(brands), rnd.choice([64, 128, 256, 512])),
        "%d' %s" % (rnd.randint(2, 20), rnd.choice(["ladder", "cable", "hose", "extension cord"])),
        "%s's %s %s" % (rnd.choice(vocab).title(), rnd.choice(vocab), rnd.choice(vocab)),
        "%d %s St, Apt %d" % (rnd.randint(1, 9999), rnd.choice(vocab).title(), rnd.randint(1, 99)),
        "%s & %s" % (rnd.choice(vocab).title(), rnd.choice(vocab).title()),
        "%s: %s" % (rnd.choice(vocab).title(), " ".join(rnd.choice(vocab) for _ in range(4))),
        "SKU-%05d-%s" % (rnd.randint(0, 99999), rnd.choice(["A", "B", "XL"])),
        "%s/%s/%s.txt" % (rnd.choice(vocab), rnd.choice(vocab), rnd.choice(vocab)),
        "%s=%s" % (rnd.choice(vocab), rnd.choice(vocab)), "%s-%s-%s" % (rnd.choice(vocab), rnd.choice(vocab), rnd.randint(1, 99)),
        "%s (%s)" % (rnd.choice(vocab).title(), rnd.choice(vocab)), "%s > %s" % (rnd.choice(vocab), rnd.choice(vocab)),
    ]))
for v in out:
    print(v)
