//! Exact ASTs for tricky rules: escapes, hex, negated groups, nested variables, several
//! buffers, legacy modifiers, fast_pattern forms, pcre flags, transforms; and errors with the
//! right line, sid and keyword.

use rules::*;

fn parse(text: &str) -> Rule {
    match parse_rule(text) {
        Ok(r) => r,
        Err(e) => panic!("{text}: {e}"),
    }
}

fn err(text: &str) -> RuleError {
    match parse_rule(text) {
        Ok(_) => panic!("unexpectedly parsed: {text}"),
        Err(e) => e,
    }
}

fn payload() -> BufferRef {
    BufferRef::payload()
}

fn buf(b: Buffer) -> BufferRef {
    BufferRef::plain(b)
}

fn content(b: BufferRef, p: &[u8]) -> Content {
    Content::new(b, p.to_vec())
}

#[test]
fn escapes_and_hex() {
    let r = parse(
        r#"alert tcp any any -> any any (msg:"a \"quoted\" \; semi\\colon"; content:"|3b 3B|\;\"\\\:|0d,0a|x"; sid:10; rev:2;)"#,
    );
    assert_eq!(r.msg, r#"a "quoted" ; semi\colon"#);
    assert_eq!(
        r.options,
        vec![
            RuleOption::Msg(r#"a "quoted" ; semi\colon"#.into()),
            RuleOption::Content(content(payload(), b";;;\"\\:\r\nx")),
            RuleOption::Sid(10),
            RuleOption::Rev(2),
        ]
    );
    assert_eq!((r.sid, r.rev, r.gid), (10, 2, 1));
}

#[test]
fn header_groups_and_variables() {
    let r = parse(
        "drop tcp ![10.0.0.0/8,!10.1.0.0/16] ![80,443] <> [$HOME_NET,2001:db8::/32] $HTTP_PORTS (sid:1;)",
    );
    assert_eq!(r.action, Action::Drop);
    assert_eq!(r.direction, Direction::Both);
    assert!(r.src.contains("10.1.2.3".parse().unwrap()));
    assert!(!r.src.contains("10.2.0.1".parse().unwrap()));
    assert!(r.src.contains("8.8.8.8".parse().unwrap()));
    assert_eq!(r.src.text, "![10.0.0.0/8,!10.1.0.0/16]");
    assert_eq!(r.src_ports.set.ranges(), &[(0, 79), (81, 442), (444, 65535)]);
    assert!(r.dst.contains("192.168.1.1".parse().unwrap()));
    assert!(r.dst.contains("2001:db8::5".parse().unwrap()));
    assert!(!r.dst.contains("8.8.8.8".parse().unwrap()));
    assert_eq!(r.dst_ports.set.ranges(), &[(80, 80)]);

    // Nested variables, overridden.
    let mut vars = Vars::default();
    vars.set(VarKind::Address, "HOME_NET", "[$DMZ,192.0.2.0/24]");
    vars.set(VarKind::Address, "DMZ", "[198.51.100.0/24,!198.51.100.7]");
    vars.set(VarKind::Port, "HTTP_PORTS", "[80,8000:8080]");
    let (rs, errs) = parse_file_with_vars(
        "alert http $EXTERNAL_NET any -> $HOME_NET $FILE_DATA_PORTS (sid:2;)\n",
        &vars,
    );
    assert!(errs.is_empty(), "{errs:?}");
    let r = &rs[0];
    assert!(r.dst.contains("198.51.100.8".parse().unwrap()));
    assert!(!r.dst.contains("198.51.100.7".parse().unwrap()));
    assert!(r.src.contains("198.51.100.7".parse().unwrap()));
    assert!(!r.src.contains("192.0.2.1".parse().unwrap()));
    assert_eq!(
        r.dst_ports.set.ranges(),
        &[(80, 80), (110, 110), (143, 143), (8000, 8080)]
    );
    assert_eq!(r.protocol, Protocol::App(AppProto::Http));
}

#[test]
fn sticky_buffers_and_legacy_modifiers() {
    let r = parse(concat!(
        "alert http any any -> any any (",
        "content:\"GET\"; http_method; content:\"/x\"; http_uri; nocase; ",
        "content:\"y\"; http_uri; distance:0; within:10; ",
        "http.host; content:\".evil\"; endswith; pcre:\"/^[a-z]+\\.evil$/W\"; ",
        "pkt_data; content:\"raw\"; depth:20; offset:2; ",
        "file_data; content:\"MZ\"; startswith; isdataat:!100,relative; ",
        "sid:3;)"
    ));
    let mut uri = content(buf(Buffer::HttpUri), b"/x");
    uri.nocase = true;
    let mut y = content(buf(Buffer::HttpUri), b"y");
    y.distance = Some(NumArg::Value(0));
    y.within = Some(NumArg::Value(10));
    let mut host = content(buf(Buffer::HttpHost), b".evil");
    host.endswith = true;
    let mut raw = content(payload(), b"raw");
    raw.depth = Some(NumArg::Value(20));
    raw.offset = Some(NumArg::Value(2));
    let mut mz = content(buf(Buffer::FileData), b"MZ");
    mz.startswith = true;
    assert_eq!(
        r.options,
        vec![
            RuleOption::Content(content(buf(Buffer::HttpMethod), b"GET")),
            RuleOption::Content(uri),
            RuleOption::Content(y),
            RuleOption::Content(host),
            RuleOption::Pcre(Pcre {
                buffer: buf(Buffer::HttpHost),
                negated: false,
                pattern: "^[a-z]+\\.evil$".into(),
                flags: PcreFlags::default(),
                captures: vec![],
            }),
            RuleOption::Content(raw),
            RuleOption::Content(mz),
            RuleOption::IsDataAt(IsDataAt {
                buffer: buf(Buffer::FileData),
                negated: true,
                offset: NumArg::Value(100),
                relative: true
            }),
            RuleOption::Sid(3),
        ]
    );
    assert_eq!(r.options_on(Buffer::HttpUri).count(), 2);
    // The sticky form gives the same buffer as the legacy form.
    let a = parse("alert http any any -> any any (http.uri; content:\"x\"; sid:1;)");
    let b = parse("alert http any any -> any any (content:\"x\"; http_uri; sid:1;)");
    let c = parse("alert http any any -> any any (uricontent:\"x\"; sid:1;)");
    assert_eq!(a.options, b.options);
    assert_eq!(a.options, c.options);
    // http_server_body and http.response_body are the file_data buffer in Suricata 7.
    let d = parse("alert http any any -> any any (content:\"x\"; http_server_body; sid:1;)");
    assert_eq!(
        d.contents().next().map(|c| c.buffer.buffer),
        Some(Buffer::FileData)
    );
}

#[test]
fn fast_pattern_forms() {
    let r = parse("alert tcp any any -> any any (content:\"abcdef\"; fast_pattern:only; sid:1;)");
    assert_eq!(
        r.contents().next().and_then(|c| c.fast_pattern),
        Some(FastPattern {
            only: true,
            chop: None
        })
    );
    let r = parse("alert tcp any any -> any any (content:\"abcdef\"; fast_pattern:1,3; nocase; sid:1;)");
    let c = r
        .contents()
        .next()
        .cloned()
        .unwrap_or_else(|| content(payload(), b""));
    assert_eq!(
        c.fast_pattern,
        Some(FastPattern {
            only: false,
            chop: Some((1, 3))
        })
    );
    assert!(c.nocase);
    let r = parse("alert tcp any any -> any any (content:\"a\"; content:\"bc\"; fast_pattern; sid:1;)");
    assert_eq!(r.contents().filter(|c| c.fast_pattern.is_some()).count(), 1);
    for bad in [
        "content:\"a\"; fast_pattern; content:\"b\"; fast_pattern;",
        "content:\"abc\"; distance:1; fast_pattern:only;",
        "content:!\"abc\"; fast_pattern:only;",
        "content:\"abc\"; fast_pattern:only; depth:5;",
        "content:\"abc\"; fast_pattern:2,5;",
        "content:\"a\"; fast_pattern:only; content:\"b\"; distance:0;",
    ] {
        let e = err(&format!("alert tcp any any -> any any ({bad} sid:1;)"));
        assert!(
            matches!(e.kind, ErrorKind::InvalidCombination | ErrorKind::InvalidArgument),
            "{bad}: {e}"
        );
    }
}

#[test]
fn pcre_flags_and_buffers() {
    let r = parse(r#"alert http any any -> any any (pcre:!"/a\/b(c)?/smiUROGAE"; sid:1;)"#);
    let RuleOption::Pcre(p) = &r.options[0] else {
        panic!("not a pcre: {:?}", r.options[0])
    };
    assert!(p.negated);
    assert_eq!(p.pattern, "a\\/b(c)?");
    assert_eq!(p.buffer, buf(Buffer::HttpUri));
    assert_eq!(
        p.flags,
        PcreFlags {
            caseless: true,
            dotall: true,
            multiline: true,
            extended: false,
            anchored: true,
            dollar_endonly: true,
            ungreedy: true,
            relative: true,
            rawbytes: false,
            match_limit: true,
        }
    );
    // A buffer flag naming the current sticky buffer is fine; another one is not.
    parse("alert http any any -> any any (http.uri; content:\"x\"; pcre:\"/y/UR\"; sid:1;)");
    let e = err("alert http any any -> any any (http.uri; content:\"x\"; pcre:\"/y/H\"; sid:1;)");
    assert_eq!(e.kind, ErrorKind::InvalidCombination);
    assert_eq!(e.keyword.as_deref(), Some("pcre"));
}

#[test]
fn transforms() {
    let r = parse(concat!(
        "alert dns any any -> any any (dns.query; content:\"rs-\"; startswith; dotprefix; ",
        "content:\".rustdesk.com\"; nocase; endswith; sid:1;)"
    ));
    let cs: Vec<&Content> = r.contents().collect();
    assert_eq!(cs[0].buffer, buf(Buffer::DnsQuery));
    assert_eq!(cs[1].buffer.transforms, vec![Transform::DotPrefix]);
    assert_eq!(cs[1].buffer.buffer, Buffer::DnsQuery);
    let r = parse(
        "alert http any any -> any any (http.uri; pcrexform:\"/get\\?data=(.*)\"; xor:\"0d0ac8ff\"; content:\"pw\"; sid:1;)",
    );
    assert_eq!(
        r.contents().next().map(|c| c.buffer.transforms.clone()),
        Some(vec![
            Transform::PcreXform("/get\\?data=(.*)".into()),
            Transform::Xor(vec![0x0d, 0x0a, 0xc8, 0xff])
        ])
    );
    // Transforms need a sticky buffer, a match after them, and cannot follow consumed ones.
    assert_eq!(
        err("alert tcp any any -> any any (to_lowercase; content:\"a\"; sid:1;)").kind,
        ErrorKind::InvalidCombination
    );
    assert_eq!(
        err("alert http any any -> any any (http.uri; to_lowercase; sid:1;)").kind,
        ErrorKind::InvalidCombination
    );
    assert_eq!(
        err("alert http any any -> any any (http.uri; to_lowercase; content:\"a\"; to_uppercase; content:\"B\"; sid:1;)")
            .keyword
            .as_deref(),
        Some("to_uppercase")
    );
}

#[test]
fn byte_keywords_bind_to_buffers() {
    let r = parse(concat!(
        "alert tcp any any -> any any (content:\"|00 01|\"; byte_extract:2,0,len,relative; ",
        "byte_test:2,>,len,0,relative; byte_jump:2,0,relative,little; ",
        "byte_math:bytes 1, offset 0, oper +, rvalue len, result sum; content:\"x\"; within:len; sid:1;)"
    ));
    let last = r.contents().last().cloned();
    assert_eq!(last.and_then(|c| c.within), Some(NumArg::Var("len".into())));
    assert!(r
        .options
        .iter()
        .filter_map(RuleOption::buffer)
        .all(|b| *b == payload()));
    let r = parse("alert http any any -> any any (http.content_len; byte_test:0,=,0,0,string,dec; sid:1;)");
    assert_eq!(r.options[0].buffer(), Some(&buf(Buffer::HttpContentLen)));
}

#[test]
fn other_keywords() {
    let r = parse(concat!(
        "alert tcp $HOME_NET any -> $EXTERNAL_NET any (msg:\"m\"; flow:established,to_server; ",
        "flowbits:set,a; flowbits:noalert; xbits:set,b,track ip_pair,expire 60; flowint:c,+,1; ",
        "threshold:type limit, track by_src, count 1, seconds 60; flags:S,12; dsize:>10; ",
        "stream_size:server,<,5; tag:session,5,packets; target:dest_ip; ",
        "reference:cve,2024-1; metadata:a b, c d; classtype:trojan-activity; priority:2; sid:7; gid:3; rev:4;)"
    ));
    assert!(r.noalert);
    assert_eq!(r.target, Some(Target::DestIp));
    assert_eq!(
        r.references,
        vec![Reference {
            kind: "cve".into(),
            value: "2024-1".into()
        }]
    );
    assert_eq!(
        r.metadata,
        vec![("a".into(), "b".into()), ("c".into(), "d".into())]
    );
    assert_eq!((r.sid, r.gid, r.rev, r.priority), (7, 3, 4, Some(2)));
    assert_eq!(r.classtype.as_deref(), Some("trojan-activity"));
    assert!(r.options.contains(&RuleOption::Flow(Flow {
        dir: Some(FlowDir::ToServer),
        state: Some(FlowState::Established),
        stream: None,
        frag: None
    })));
    assert!(r.options.contains(&RuleOption::Dsize(UintMatch {
        mode: UintMode::Gt,
        arg1: 10,
        arg2: 0
    })));
    assert!(r.options.contains(&RuleOption::Flags(TcpFlags {
        mode: FlagsMode::Exact,
        flags: 0x02,
        ignore: 0xc0
    })));
}

#[test]
fn rule_errors() {
    let e = err("alert tcp any any -> any any (msg:\"x\"; lua:script.lua; sid:9;)");
    assert_eq!(e.kind, ErrorKind::UnsupportedKeyword);
    assert_eq!(e.keyword.as_deref(), Some("lua"));
    assert_eq!(e.sid, Some(9));
    let e = err("alert tcp any any -> any any (msg:\"x\"; frobnicate; sid:9;)");
    assert_eq!(
        (e.kind, e.keyword.as_deref()),
        (ErrorKind::UnsupportedKeyword, Some("frobnicate"))
    );
    assert_eq!(
        err("alert tcp any any -> any any (msg:\"x\";)").kind,
        ErrorKind::Missing
    );
    assert_eq!(
        err("alert tcp any any -> $NOPE any (sid:1;)").kind,
        ErrorKind::UnknownVariable
    );
    assert_eq!(
        err("alert foo any any -> any any (sid:1;)").kind,
        ErrorKind::Header
    );
    assert_eq!(
        err("alert tcp any any => any any (sid:1;)").kind,
        ErrorKind::Header
    );
    assert_eq!(
        err("alert tcp any any -> any any (sid:1)").kind,
        ErrorKind::Syntax
    );
    assert_eq!(
        err("alert tcp any any -> any any (nocase; sid:1;)").kind,
        ErrorKind::InvalidCombination
    );
    assert_eq!(
        err("alert tcp any any -> any any (content:\"abc\"; depth:2; sid:1;)").kind,
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        err("alert tcp any any -> any any (content:\"a\"; depth:5; distance:1; sid:1;)").kind,
        ErrorKind::InvalidCombination
    );
    assert_eq!(
        err("alert http any any -> any any (http.uri; content:\"a\"; http_header; sid:1;)").kind,
        ErrorKind::InvalidCombination
    );
    assert_eq!(
        err("alert http any any -> any any (http.uri; http.host; content:\"a\"; sid:1;)").kind,
        ErrorKind::InvalidCombination
    );
    assert_eq!(
        err("alert tcp any any -> any any (sid:1; sid:2;)").kind,
        ErrorKind::InvalidCombination
    );
    assert_eq!(
        err("alert tcp any any -> any any (content:abc; sid:1;)").kind,
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        err("alert tcp any any -> any any (msg:\"a\x01\"; sid:1;)").kind,
        ErrorKind::Syntax
    );
}

#[test]
fn file_with_comments_multiline_and_errors() {
    let text = concat!(
        "# a comment\n",                                                      // 1
        "\n",                                                                 // 2
        "# alert tcp any any -> any any (sid:100;)\n",                        // 3: disabled
        "alert tcp any any -> any any (msg:\"one\"; sid:1;)\n",               // 4
        "alert tcp any any -> any any (msg:\"two\"; \\\n",                    // 5
        "    content:\"x\"; \\\n",                                            // 6
        "    sid:2;)\n",                                                      // 7
        "alert tcp any any -> any any (msg:\"bad\"; geoip:src,US; sid:3;)\n", // 8
        "alert tcp any any -> any any (msg:\"bad2\"; \\\n",                   // 9
        "   content:\"x\"; distance:foo bar; sid:4;)\n",                      // 10
        "alert tcp any any -> any any (msg:\"three\"; sid:5;)\r\n",           // 11
        "  alert tcp any any -> any any (sid:6;)\n",                          // 12: leading blank, skipped
        "alert tcp any any -> any any (msg:\"unterminated\"; \\\n",           // 13
    );
    let (rules, errors) = parse_file(text);
    assert_eq!(
        rules.iter().map(|r| (r.sid, r.line)).collect::<Vec<_>>(),
        vec![(1, 4), (2, 5), (5, 11)]
    );
    assert_eq!(rules[1].contents().count(), 1);
    let got: Vec<(usize, Option<u32>, Option<&str>, ErrorKind)> = errors
        .iter()
        .map(|e| (e.line, e.sid, e.keyword.as_deref(), e.kind))
        .collect();
    assert_eq!(
        got,
        vec![
            (8, Some(3), Some("geoip"), ErrorKind::UnsupportedKeyword),
            (9, Some(4), Some("distance"), ErrorKind::InvalidArgument),
            (13, None, None, ErrorKind::Syntax),
        ]
    );
    assert_eq!(
        errors[0].to_string(),
        "line 8 sid 3 keyword 'geoip': unsupported-keyword: keyword not supported by this engine"
    );
}

#[test]
fn bytes_input() {
    let mut data = b"alert tcp any any -> any any (msg:\"ok\"; sid:1;)\n".to_vec();
    data.extend_from_slice(b"alert tcp any any -> any any (msg:\"\xff\xfe\"; sid:2;)\n");
    data.extend_from_slice(b"alert tcp any any -> any any (msg:\"ok\"; sid:3;)\n");
    let (rules, errors) = parse_bytes(&data);
    assert_eq!(rules.iter().map(|r| r.sid).collect::<Vec<_>>(), vec![1, 3]);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
}

#[test]
fn inclusive_ranges_do_not_overflow() {
    let e = err("alert nfs any any -> any any (nfs_procedure:1-18446744073709551615; sid:1;)");
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    let r = parse("alert nfs any any -> any any (nfs.version:2-3; sid:1;)");
    assert_eq!(
        r.options[0],
        RuleOption::Uint {
            field: UintField::NfsVersion,
            cmp: UintMatch {
                mode: UintMode::Range,
                arg1: 1,
                arg2: 4
            }
        }
    );
}

#[test]
fn keyword_listing() {
    let k = keywords();
    let find = |n: &str| k.iter().find(|k| k.name == n).copied();
    assert_eq!(find("content").map(|k| k.supported), Some(true));
    assert_eq!(find("file.data").map(|k| k.aliases), Some(&["file_data"][..]));
    assert_eq!(find("lua").map(|k| k.supported), Some(false));
    assert!(find("to_lowercase").is_some() && find("http_uri").is_some());
}

#[test]
fn multi_instance_buffers_get_one_list_per_selection() {
    let r = parse(
        r#"alert http2 any any -> any any (http.request_header; content:"a"; http.uri; content:"u"; http.request_header; content:"b"; http.uri; content:"v"; sid:1;)"#,
    );
    let bufs: Vec<(Buffer, u16)> = r
        .options
        .iter()
        .filter_map(|o| match o {
            RuleOption::Content(c) => Some((c.buffer.buffer, c.buffer.instance)),
            _ => None,
        })
        .collect();
    // http.uri is one buffer: both selections are the same list.
    assert_eq!(
        bufs,
        [
            (Buffer::HttpRequestHeader, 0),
            (Buffer::HttpUri, 0),
            (Buffer::HttpRequestHeader, 1),
            (Buffer::HttpUri, 0),
        ]
    );
}
