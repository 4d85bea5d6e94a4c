//! The rule parser: header, option splitting (Suricata's escaping and quoting), keyword
//! dispatch, and the sticky-buffer / content-modifier state machine that binds each payload
//! keyword to the buffer it inspects. Also the file reader (comments, blank lines, multi-line
//! rules with a trailing backslash), which keeps going past bad rules.

use hashbrown::HashMap;

use crate::ast::*;
use crate::buffer::{BufferRef, Transform, TRANSFORMS};
use crate::error::{ErrorKind, OptError, OptResult, RuleError};
use crate::keywords::{self, app, bytes, content, flow, header, meta, Arg, Kind, Quotes, Spec};
use crate::net::{parse_addresses, parse_ports, Addresses, NetError, Ports};
use crate::uint::{parse_uint, UintMatch};
use crate::vars::Vars;

/// Longest rule accepted, after joining continuation lines.
pub const MAX_RULE_LEN: usize = 64 * 1024;
/// Most options in one rule.
pub const MAX_OPTIONS: usize = 1024;
/// Entries kept in each header cache before it is cleared.
const CACHE_CAP: usize = 4096;

/// Parses rules with one variable table, caching resolved address and port fields (most rules
/// share `$HOME_NET` / `$EXTERNAL_NET` / `any`).
pub struct RuleParser {
    vars: Vars,
    addr_cache: HashMap<String, Addresses>,
    port_cache: HashMap<String, Ports>,
}

impl Default for RuleParser {
    fn default() -> Self {
        Self::new(Vars::default())
    }
}

impl RuleParser {
    pub fn new(vars: Vars) -> Self {
        RuleParser {
            vars,
            addr_cache: HashMap::new(),
            port_cache: HashMap::new(),
        }
    }

    /// The variable table in use.
    pub fn vars(&self) -> &Vars {
        &self.vars
    }

    /// Parses one rule. `line` is recorded in the rule and in errors (0 if not from a file).
    pub fn parse_rule(&mut self, text: &str, line: usize) -> Result<Rule, RuleError> {
        let err = |kind, keyword: Option<&str>, sid, message: String| RuleError {
            line,
            sid,
            keyword: keyword.map(str::to_string),
            kind,
            message,
        };
        if text.len() > MAX_RULE_LEN {
            return Err(err(
                ErrorKind::TooLarge,
                None,
                None,
                format!("rule longer than {MAX_RULE_LEN} bytes"),
            ));
        }
        if text
            .bytes()
            .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f)
        {
            return Err(err(
                ErrorKind::Syntax,
                None,
                None,
                "rule contains control characters".into(),
            ));
        }
        let sid_hint = find_sid(text);
        let h = split_header(text).map_err(|m| err(ErrorKind::Header, None, sid_hint, m))?;
        let action = match h.action.to_ascii_lowercase().as_str() {
            "alert" => Action::Alert,
            "pass" => Action::Pass,
            "drop" => Action::Drop,
            "reject" => Action::Reject,
            "rejectsrc" => Action::RejectSrc,
            "rejectdst" => Action::RejectDst,
            "rejectboth" => Action::RejectBoth,
            "config" => Action::Config,
            other => {
                return Err(err(
                    ErrorKind::Header,
                    None,
                    sid_hint,
                    format!("invalid action '{other}'"),
                ))
            }
        };
        let protocol = Protocol::from_name(h.proto).ok_or_else(|| {
            err(
                ErrorKind::Header,
                None,
                sid_hint,
                format!("unknown protocol '{}'", h.proto),
            )
        })?;
        let direction = match h.dir {
            "->" => Direction::ToDst,
            "<>" => Direction::Both,
            other => {
                return Err(err(
                    ErrorKind::Header,
                    None,
                    sid_hint,
                    format!("invalid direction '{other}'"),
                ));
            }
        };
        let net_err = |what: &str, e: NetError| {
            let kind = match e {
                NetError::UnknownVar(_) | NetError::VarLoop(_) => ErrorKind::UnknownVariable,
                NetError::TooMany => ErrorKind::TooLarge,
                _ => ErrorKind::Header,
            };
            err(kind, None, sid_hint, format!("{what}: {e}"))
        };
        let src = self.addresses(h.src).map_err(|e| net_err("source address", e))?;
        let src_ports = self.ports(h.sp).map_err(|e| net_err("source port", e))?;
        let dst = self
            .addresses(h.dst)
            .map_err(|e| net_err("destination address", e))?;
        let dst_ports = self.ports(h.dp).map_err(|e| net_err("destination port", e))?;

        let mut b = Builder::new();
        let mut count = 0usize;
        for item in OptionSplitter::new(h.options) {
            let (name, value) = item.map_err(|m| err(ErrorKind::Syntax, None, b.sid.or(sid_hint), m))?;
            count += 1;
            if count > MAX_OPTIONS {
                return Err(err(
                    ErrorKind::TooLarge,
                    None,
                    b.sid.or(sid_hint),
                    "too many options".into(),
                ));
            }
            b.apply(name, value, protocol).map_err(|e| RuleError {
                line,
                sid: b.sid.or(sid_hint),
                keyword: Some(name.to_string()),
                kind: e.kind,
                message: e.message,
            })?;
        }
        b.finish()
            .map_err(|e| err(e.kind, None, b.sid.or(sid_hint), e.message))?;
        let sid = b
            .sid
            .ok_or_else(|| err(ErrorKind::Missing, Some("sid"), None, "rule has no sid".into()))?;
        Ok(Rule {
            action,
            protocol,
            src,
            src_ports,
            direction,
            dst,
            dst_ports,
            options: b.opts,
            sid,
            gid: b.gid.unwrap_or(1),
            rev: b.rev.unwrap_or(0),
            msg: b.msg.unwrap_or_default(),
            classtype: b.classtype,
            priority: b.priority,
            references: b.references,
            metadata: b.metadata,
            target: b.target,
            noalert: b.noalert,
            line,
        })
    }

    fn addresses(&mut self, text: &str) -> Result<Addresses, NetError> {
        if let Some(a) = self.addr_cache.get(text) {
            return Ok(a.clone());
        }
        let a = parse_addresses(text, &self.vars)?;
        if self.addr_cache.len() >= CACHE_CAP {
            self.addr_cache.clear();
        }
        self.addr_cache.insert(text.to_string(), a.clone());
        Ok(a)
    }

    fn ports(&mut self, text: &str) -> Result<Ports, NetError> {
        if let Some(p) = self.port_cache.get(text) {
            return Ok(p.clone());
        }
        let p = parse_ports(text, &self.vars)?;
        if self.port_cache.len() >= CACHE_CAP {
            self.port_cache.clear();
        }
        self.port_cache.insert(text.to_string(), p.clone());
        Ok(p)
    }

    /// Parses a rules file: `#` comments, blank lines and lines starting with a blank are
    /// skipped (as Suricata does), a trailing `\` joins the next line. Bad rules become errors
    /// and parsing goes on.
    pub fn parse_file(&mut self, text: &str) -> (Vec<Rule>, Vec<RuleError>) {
        self.parse_lines(text.lines().map(Ok))
    }

    /// Like [`RuleParser::parse_file`] on raw bytes: a rule with invalid UTF-8 is an error
    /// (as in Suricata), the other rules still load.
    pub fn parse_file_bytes(&mut self, data: &[u8]) -> (Vec<Rule>, Vec<RuleError>) {
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        self.parse_file_bytes_each(data, &mut |r| rules.push(r), &mut |e| errors.push(e));
        (rules, errors)
    }

    /// Like [`RuleParser::parse_file_bytes`], handing each rule and error over as soon as it
    /// is parsed (so a caller that compiles rules one by one never holds the whole file's AST).
    pub fn parse_file_bytes_each(
        &mut self,
        data: &[u8],
        on_rule: &mut dyn FnMut(Rule),
        on_error: &mut dyn FnMut(RuleError),
    ) {
        let lines = data.split(|&b| b == b'\n').map(|l| {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            std::str::from_utf8(l).map_err(|_| BadLine {
                first: l.first().copied(),
                cont: l.trim_ascii_end().ends_with(b"\\"),
            })
        });
        self.parse_lines_each(lines, on_rule, on_error)
    }

    fn parse_lines<'t>(
        &mut self,
        lines: impl Iterator<Item = Result<&'t str, BadLine>>,
    ) -> (Vec<Rule>, Vec<RuleError>) {
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        self.parse_lines_each(lines, &mut |r| rules.push(r), &mut |e| errors.push(e));
        (rules, errors)
    }

    fn parse_lines_each<'t>(
        &mut self,
        lines: impl Iterator<Item = Result<&'t str, BadLine>>,
        rules: &mut dyn FnMut(Rule),
        errors: &mut dyn FnMut(RuleError),
    ) {
        let mut pending = String::new();
        let mut start_line = 0usize;
        let mut bad: Option<(ErrorKind, &'static str)> = None;
        for (i, raw) in lines.enumerate() {
            let lineno = i + 1;
            let first = match &raw {
                Ok(r) => r.as_bytes().first().copied(),
                Err(b) => b.first,
            };
            if pending.is_empty() {
                if matches!(first, None | Some(b' ' | b'\t' | b'#' | b'\r')) {
                    continue;
                }
                start_line = lineno;
                bad = None;
            }
            let line = match raw {
                Ok(r) => r.trim_end(),
                Err(b) => {
                    bad = Some((ErrorKind::Syntax, "rule is not valid UTF-8"));
                    if b.cont {
                        // Keep the rule open so that its continuation lines are consumed.
                        pending.push(' ');
                        continue;
                    }
                    ""
                }
            };
            let (part, cont) = match line.strip_suffix('\\') {
                Some(p) => (p, true),
                None => (line, false),
            };
            if pending.len() + part.len() > MAX_RULE_LEN {
                bad = Some((ErrorKind::TooLarge, "rule longer than the maximum size"));
            } else {
                pending.push_str(part);
            }
            if cont {
                if pending.is_empty() {
                    // Keep the rule open even if its first line is only a backslash.
                    pending.push(' ');
                }
                continue;
            }
            self.finish_pending(&mut pending, start_line, bad, rules, errors);
        }
        if !pending.is_empty() {
            errors(RuleError {
                line: start_line,
                sid: find_sid(&pending),
                keyword: None,
                kind: ErrorKind::Syntax,
                message: "file ends inside a multi-line rule".into(),
            });
        }
    }

    fn finish_pending(
        &mut self,
        pending: &mut String,
        line: usize,
        bad: Option<(ErrorKind, &'static str)>,
        rules: &mut dyn FnMut(Rule),
        errors: &mut dyn FnMut(RuleError),
    ) {
        if let Some((kind, message)) = bad {
            errors(RuleError {
                line,
                sid: find_sid(pending),
                keyword: None,
                kind,
                message: message.into(),
            });
        } else {
            match self.parse_rule(pending, line) {
                Ok(r) => rules(r),
                Err(e) => errors(e),
            }
        }
        pending.clear();
    }
}

/// A line of a byte input that is not valid UTF-8.
struct BadLine {
    first: Option<u8>,
    /// Ends with a continuation backslash.
    cont: bool,
}

/// A best-effort `sid:N;` lookup, so header errors can still name the rule.
fn find_sid(text: &str) -> Option<u32> {
    let mut rest = text;
    while let Some(pos) = rest.find("sid") {
        let before_ok = pos == 0
            || rest
                .as_bytes()
                .get(pos - 1)
                .is_some_and(|b| matches!(b, b';' | b'(' | b' ' | b'\t'));
        let after = rest.get(pos + 3..).unwrap_or("");
        if before_ok {
            if let Some(v) = after.trim_start().strip_prefix(':') {
                let v = v.trim_start();
                let end = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
                if let Ok(n) = v.get(..end).unwrap_or("").parse::<u32>() {
                    return Some(n);
                }
            }
        }
        rest = after;
    }
    None
}

struct Header<'a> {
    action: &'a str,
    proto: &'a str,
    src: &'a str,
    sp: &'a str,
    dir: &'a str,
    dst: &'a str,
    dp: &'a str,
    options: &'a str,
}

/// Takes one header token: up to whitespace outside `[...]`.
fn token(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if c.is_ascii_whitespace() && depth <= 0 => {
                return (s.get(..i).unwrap_or(""), s.get(i..).unwrap_or(""));
            }
            _ => {}
        }
    }
    (s, "")
}

fn split_header(text: &str) -> Result<Header<'_>, String> {
    let mut rest = text;
    let mut f = [""; 7];
    for (i, slot) in f.iter_mut().enumerate() {
        let (t, r) = token(rest);
        if t.is_empty() || t.starts_with('(') {
            return Err(format!("incomplete rule header: {} of 7 fields", i));
        }
        *slot = t;
        rest = r;
    }
    let opts = rest.trim();
    let opts = opts
        .strip_prefix('(')
        .ok_or_else(|| "options must start with '('".to_string())?;
    let opts = opts
        .strip_suffix(')')
        .ok_or_else(|| "options must end with ')'".to_string())?;
    let [action, proto, src, sp, dir, dst, dp] = f;
    Ok(Header {
        action,
        proto,
        src,
        sp,
        dir,
        dst,
        dp,
        options: opts,
    })
}

/// Splits the option list on `;` not preceded by `\` (Suricata's rule), into name and value.
struct OptionSplitter<'a> {
    rest: &'a str,
}

impl<'a> OptionSplitter<'a> {
    fn new(s: &'a str) -> Self {
        OptionSplitter { rest: s }
    }
}

impl<'a> Iterator for OptionSplitter<'a> {
    type Item = Result<(&'a str, Option<&'a str>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.rest.trim_start();
        if s.is_empty() {
            return None;
        }
        let bytes = s.as_bytes();
        let mut end = None;
        let mut i = 0;
        while let Some(off) = memchr::memchr(b';', bytes.get(i..).unwrap_or(&[])) {
            let p = i + off;
            if p > 0 && bytes.get(p - 1) == Some(&b'\\') {
                i = p + 1;
                continue;
            }
            end = Some(p);
            break;
        }
        let Some(end) = end else {
            self.rest = "";
            return Some(Err(format!("no terminating ';' after '{}'", truncate(s, 40))));
        };
        let opt = s.get(..end).unwrap_or("");
        self.rest = s.get(end + 1..).unwrap_or("");
        let (name, value) = match opt.split_once(':') {
            Some((n, v)) => (n.trim_end(), Some(v.trim_end())),
            None => (opt.trim_end(), None),
        };
        if name.is_empty() {
            return Some(Err("empty option name".into()));
        }
        Some(Ok((name, value)))
    }
}

fn truncate(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// Applies the framework's argument checks (presence, `!`, quotes) for a keyword.
fn frame_value<'v>(spec: &Spec, value: Option<&'v str>) -> OptResult<(Option<&'v str>, bool)> {
    let value = value.filter(|v| !v.is_empty());
    match (spec.arg, value) {
        (Arg::None, Some(v)) => return Err(OptError::arg(format!("unexpected argument '{v}'"))),
        (Arg::Required, None) => return Err(OptError::arg("missing argument")),
        (_, None) => return Ok((None, false)),
        _ => {}
    }
    let Some(v) = value else { return Ok((None, false)) };
    let mut v = v.trim_start_matches([' ', '\t']);
    if v.is_empty() {
        return Err(OptError::arg("empty argument"));
    }
    let mut negated = false;
    if spec.negation {
        if let Some(r) = v.strip_prefix('!') {
            negated = true;
            v = r.trim_start_matches([' ', '\t']);
            if v.is_empty() {
                return Err(OptError::arg("empty argument after '!'"));
            }
        }
    }
    match spec.quotes {
        Quotes::Mandatory if !v.starts_with('"') => {
            return Err(OptError::arg("value must be double quoted"));
        }
        Quotes::Mandatory | Quotes::Optional if v.starts_with('"') => {
            let t = v.trim_end_matches([' ', '\t']);
            if t.len() < 2 || !t.ends_with('"') {
                return Err(OptError::arg("unterminated quoted value (missing ';'?)"));
            }
            v = t.get(1..t.len() - 1).unwrap_or("");
            if v.is_empty() {
                return Err(OptError::arg("empty quoted value"));
            }
        }
        Quotes::No if v.starts_with('"') => {
            return Err(OptError::arg("this keyword does not take a quoted value"));
        }
        _ => {}
    }
    Ok((Some(v), negated))
}

/// Per-rule parse state.
struct Builder {
    opts: Vec<RuleOption>,
    /// The active sticky buffer; `None` means the payload (no sticky buffer set).
    sticky: Option<BufferRef>,
    sticky_name: &'static str,
    sticky_has_match: bool,
    /// Sticky buffers selected so far (for [`BufferRef::instance`]).
    selected: Vec<crate::buffer::Buffer>,
    /// Suricata's `list_set`: true from a sticky buffer until transforms are consumed by a
    /// match; transforms are only accepted while it is true.
    list_set: bool,
    /// Transforms seen since the sticky buffer, applied to the next matches.
    pending_transforms: Vec<Transform>,
    last_content: Option<usize>,
    fast_pattern_used: bool,
    base64_decode_seen: bool,
    threshold_seen: bool,
    detection_filter_seen: bool,
    sid: Option<u32>,
    gid: Option<u32>,
    rev: Option<u32>,
    msg: Option<String>,
    classtype: Option<String>,
    priority: Option<u8>,
    references: Vec<Reference>,
    metadata: Vec<(String, String)>,
    target: Option<Target>,
    noalert: bool,
}

fn set_once<T>(slot: &mut Option<T>, v: T, what: &str) -> OptResult<()> {
    if slot.is_some() {
        return Err(OptError::combo(format!("{what} given more than once")));
    }
    *slot = Some(v);
    Ok(())
}

impl Builder {
    fn new() -> Self {
        Builder {
            opts: Vec::new(),
            sticky: None,
            sticky_name: "",
            sticky_has_match: false,
            selected: Vec::new(),
            list_set: false,
            pending_transforms: Vec::new(),
            last_content: None,
            fast_pattern_used: false,
            base64_decode_seen: false,
            threshold_seen: false,
            detection_filter_seen: false,
            sid: None,
            gid: None,
            rev: None,
            msg: None,
            classtype: None,
            priority: None,
            references: Vec::new(),
            metadata: Vec::new(),
            target: None,
            noalert: false,
        }
    }

    /// The buffer payload keywords bind to now; marks the sticky buffer as used.
    fn current(&mut self) -> BufferRef {
        if !self.pending_transforms.is_empty() {
            // Matches from here on inspect the transformed buffer (a new buffer instance).
            if let Some(b) = self.sticky.as_mut() {
                b.transforms.append(&mut self.pending_transforms);
            }
            self.pending_transforms.clear();
            self.list_set = false;
        }
        match &self.sticky {
            Some(b) => {
                self.sticky_has_match = true;
                b.clone()
            }
            None => BufferRef::payload(),
        }
    }

    fn require_sticky(&self, what: &str) -> OptResult<()> {
        if self.sticky.is_none() {
            return Err(OptError::combo(format!("{what} needs a sticky buffer")));
        }
        Ok(())
    }

    fn last_content_mut(&mut self, kw: &str) -> OptResult<&mut Content> {
        let idx = self
            .last_content
            .ok_or_else(|| OptError::combo(format!("{kw} needs a preceding content")))?;
        match self.opts.get_mut(idx) {
            Some(RuleOption::Content(c)) => Ok(c),
            _ => Err(OptError::combo(format!("{kw} needs a preceding content"))),
        }
    }

    /// Whether the content before the last one, in the same buffer, is `fast_pattern:only`.
    fn previous_is_fp_only(&self) -> bool {
        let Some(idx) = self.last_content else {
            return false;
        };
        let Some(RuleOption::Content(cur)) = self.opts.get(idx) else {
            return false;
        };
        self.opts
            .get(..idx)
            .unwrap_or(&[])
            .iter()
            .rev()
            .find_map(|o| match o {
                RuleOption::Content(c) if c.buffer == cur.buffer => {
                    Some(c.fast_pattern.is_some_and(|f| f.only))
                }
                RuleOption::Pcre(p) if p.buffer == cur.buffer => Some(false),
                _ => None,
            })
            == Some(true)
    }

    fn set_sticky(&mut self, b: Option<BufferRef>, name: &'static str) -> OptResult<()> {
        if let Some(cur) = &self.sticky {
            if cur.buffer == crate::buffer::Buffer::Base64Data {
                return Err(OptError::combo("the buffer cannot be changed after base64_data"));
            }
            if !self.sticky_has_match {
                return Err(OptError::combo(format!(
                    "sticky buffer '{}' has no matches",
                    self.sticky_name
                )));
            }
        }
        if !self.pending_transforms.is_empty() {
            return Err(OptError::combo("no matches following transform(s)"));
        }
        self.list_set = b.is_some();
        let mut b = b;
        if let Some(r) = b.as_mut() {
            if r.buffer.multi_instance() {
                let n = self.selected.iter().filter(|x| **x == r.buffer).count();
                r.instance = u16::try_from(n).unwrap_or(u16::MAX);
            }
            self.selected.push(r.buffer);
        }
        self.sticky = b;
        self.sticky_name = name;
        self.sticky_has_match = false;
        Ok(())
    }

    fn push_payload(&mut self, o: RuleOption) {
        self.opts.push(o);
    }

    fn apply(&mut self, name: &str, value: Option<&str>, proto: Protocol) -> OptResult<()> {
        let spec = keywords::lookup(name).ok_or_else(|| OptError::unsupported("unknown keyword"))?;
        if !spec.supported {
            return Err(OptError::unsupported("keyword not supported by this engine"));
        }
        let (value, negated) = frame_value(spec, value)?;
        let v = value.unwrap_or("");
        match spec.kind {
            Kind::Sticky(buf) => {
                if buf == crate::buffer::Buffer::Payload {
                    return self.set_sticky(None, spec.name);
                }
                if buf == crate::buffer::Buffer::Base64Data && !self.base64_decode_seen {
                    return Err(OptError::combo("base64_data needs a preceding base64_decode"));
                }
                return self.set_sticky(Some(BufferRef::plain(buf)), spec.name);
            }
            Kind::Modifier(buf) => return self.legacy_modifier(spec.name, buf),
            Kind::Transform(i) => {
                let t = TRANSFORMS
                    .get(i)
                    .map(|t| t.1.clone())
                    .ok_or_else(|| OptError::arg("bad transform"))?;
                return self.transform(t);
            }
            Kind::Option => {}
        }
        match spec.name {
            "msg" => set_once(&mut self.msg, meta::msg(v)?, "msg")?,
            "sid" => {
                let s = meta::id(v, true)?;
                set_once(&mut self.sid, s, "sid")?;
                self.opts.push(RuleOption::Sid(s));
                return Ok(());
            }
            "rev" => {
                let r = meta::id(v, false)?;
                set_once(&mut self.rev, r, "rev")?;
                self.opts.push(RuleOption::Rev(r));
                return Ok(());
            }
            "gid" => {
                let g = meta::id(v, false)?;
                set_once(&mut self.gid, g, "gid")?;
                self.opts.push(RuleOption::Gid(g));
                return Ok(());
            }
            "classtype" => {
                let c = meta::classtype(v)?;
                set_once(&mut self.classtype, c.clone(), "classtype")?;
                self.opts.push(RuleOption::Classtype(c));
                return Ok(());
            }
            "priority" => {
                let p = meta::priority(v)?;
                self.priority = Some(p);
                self.opts.push(RuleOption::Priority(p));
                return Ok(());
            }
            "reference" => {
                let r = meta::reference(v)?;
                self.references.push(r.clone());
                self.opts.push(RuleOption::Reference(r));
                return Ok(());
            }
            "metadata" => {
                let m = meta::metadata(v)?;
                self.metadata.extend(m.iter().cloned());
                self.opts.push(RuleOption::Metadata(m));
                return Ok(());
            }
            "target" => {
                let t = meta::target(v)?;
                set_once(&mut self.target, t, "target")?;
                self.opts.push(RuleOption::Target(t));
                return Ok(());
            }
            "content" | "uricontent" => {
                let pattern = content::decode(v)?;
                let buffer = self.current();
                let mut c = Content::new(buffer, pattern);
                c.negated = negated;
                self.opts.push(RuleOption::Content(c));
                self.last_content = Some(self.opts.len() - 1);
                if spec.name == "uricontent" {
                    self.legacy_modifier("uricontent", crate::buffer::Buffer::HttpUri)?;
                }
                return Ok(());
            }
            "nocase" | "rawbytes" | "startswith" | "endswith" | "depth" | "offset" | "distance"
            | "within" | "fast_pattern" | "replace" => return self.modifier(spec.name, value, negated),
            "pcre" => {
                let p = content::pcre(v)?;
                let buffer = match p.buffer {
                    Some(b) => match &self.sticky {
                        // Allowed when the flag names the sticky buffer itself.
                        Some(cur)
                            if cur.buffer == b
                                && cur.transforms.is_empty()
                                && self.pending_transforms.is_empty() =>
                        {
                            self.current()
                        }
                        Some(_) => {
                            return Err(OptError::combo(
                                "pcre buffer flag used with a sticky buffer still set",
                            ));
                        }
                        None => BufferRef::plain(b),
                    },
                    None => self.current(),
                };
                self.push_payload(RuleOption::Pcre(Pcre {
                    buffer,
                    negated,
                    pattern: p.pattern,
                    flags: p.flags,
                    captures: p.captures,
                }));
            }
            "byte_test" => {
                let mut t = bytes::byte_test(v)?;
                t.buffer = self.current();
                self.push_payload(RuleOption::ByteTest(t));
            }
            "byte_jump" => {
                let mut t = bytes::byte_jump(v)?;
                t.buffer = self.current();
                self.push_payload(RuleOption::ByteJump(t));
            }
            "byte_extract" => {
                let mut t = bytes::byte_extract(v)?;
                t.buffer = self.current();
                self.push_payload(RuleOption::ByteExtract(t));
            }
            "byte_math" => {
                let mut t = bytes::byte_math(v)?;
                t.buffer = self.current();
                self.push_payload(RuleOption::ByteMath(t));
            }
            "isdataat" => {
                let mut t = bytes::isdataat(v)?;
                t.buffer = self.current();
                self.push_payload(RuleOption::IsDataAt(t));
            }
            "bsize" => {
                self.require_sticky("bsize")?;
                let cmp = parse_uint::<u64>(v)?;
                let buffer = self.current();
                self.push_payload(RuleOption::Bsize { buffer, cmp });
            }
            "dsize" => self.opts.push(RuleOption::Dsize(parse_uint::<u16>(v)?)),
            "urilen" => {
                let (cmp, raw) = app::urilen(v)?;
                self.opts.push(RuleOption::Urilen { cmp, raw });
            }
            "base64_decode" => {
                let mut d = bytes::base64_decode(value)?;
                d.buffer = self.current();
                self.base64_decode_seen = true;
                self.push_payload(RuleOption::Base64Decode(d));
            }
            "asn1" => self.opts.push(RuleOption::Asn1(bytes::asn1(v)?)),
            "dataset" => {
                self.require_sticky("dataset")?;
                let mut d = app::dataset(v)?;
                d.buffer = self.current();
                self.push_payload(RuleOption::Dataset(d));
            }
            "datarep" => {
                self.require_sticky("datarep")?;
                let mut d = app::datarep(v)?;
                d.buffer = self.current();
                self.push_payload(RuleOption::Datarep(d));
            }
            "prefilter" => {
                if self.opts.is_empty() {
                    return Err(OptError::combo("prefilter needs a preceding keyword"));
                }
                self.opts.push(RuleOption::Prefilter);
            }
            "flow" => self.opts.push(RuleOption::Flow(flow::flow(v)?)),
            "flowbits" => {
                let f = flow::flowbits(v)?;
                if f.cmd == BitCmd::NoAlert {
                    self.noalert = true;
                }
                self.opts.push(RuleOption::Flowbits(f));
            }
            "xbits" => self.opts.push(RuleOption::Xbits(flow::xbits(v)?)),
            "hostbits" => self.opts.push(RuleOption::Hostbits(flow::hostbits(v)?)),
            "flowint" => self.opts.push(RuleOption::Flowint(flow::flowint(v)?)),
            "threshold" => {
                if self.threshold_seen || self.detection_filter_seen {
                    return Err(OptError::combo("only one threshold or detection_filter per rule"));
                }
                self.threshold_seen = true;
                self.opts.push(RuleOption::Threshold(flow::threshold(v)?));
            }
            "detection_filter" => {
                if self.threshold_seen || self.detection_filter_seen {
                    return Err(OptError::combo("only one threshold or detection_filter per rule"));
                }
                self.detection_filter_seen = true;
                self.opts
                    .push(RuleOption::DetectionFilter(flow::detection_filter(v)?));
            }
            "tag" => self.opts.push(RuleOption::Tag(flow::tag(v)?)),
            "noalert" => {
                self.noalert = true;
                self.opts.push(RuleOption::Noalert);
            }
            "stream_size" => self.opts.push(RuleOption::StreamSize(flow::stream_size(v)?)),
            "flags" => self.opts.push(RuleOption::Flags(header::flags(v)?)),
            "fragbits" => self.opts.push(RuleOption::Fragbits(header::fragbits(v)?)),
            "fragoffset" => self.uint(UintField::FragOffset, v, 0x1fff)?,
            "ttl" => self.opts.push(RuleOption::Ttl(parse_uint::<u8>(v)?)),
            "tos" => {
                let n = header::plain::<u8>(v.trim_start_matches('x'))?;
                let mode = if negated {
                    crate::uint::UintMode::Ne
                } else {
                    crate::uint::UintMode::Eq
                };
                let cmp = UintMatch {
                    mode,
                    arg1: u64::from(n),
                    arg2: 0,
                };
                self.opts.push(RuleOption::Uint {
                    field: UintField::Tos,
                    cmp,
                });
            }
            "id" => self.opts.push(RuleOption::IpId(header::plain::<u16>(v)?)),
            "ip_proto" => self.opts.push(RuleOption::IpProto(header::ip_proto(v)?)),
            "ipopts" => self.opts.push(RuleOption::IpOpts(header::ipopts(v)?)),
            "itype" => self.opts.push(RuleOption::Itype(parse_uint::<u8>(v)?)),
            "icode" => self.opts.push(RuleOption::Icode(parse_uint::<u8>(v)?)),
            "icmp_id" => self.opts.push(RuleOption::IcmpId(header::plain::<u16>(v)?)),
            "icmp_seq" => self.opts.push(RuleOption::IcmpSeq(header::plain::<u16>(v)?)),
            "window" => {
                let (negated, size) = header::window(v)?;
                self.opts.push(RuleOption::Window { negated, size });
            }
            "tcp.seq" => self.opts.push(RuleOption::TcpSeq(header::plain::<u32>(v)?)),
            "tcp.ack" => self.opts.push(RuleOption::TcpAck(header::plain::<u32>(v)?)),
            "tcp.mss" => self.uint(UintField::TcpMss, v, u64::from(u16::MAX))?,
            "icmpv6.mtu" => self.uint(UintField::Icmpv6Mtu, v, u64::from(u32::MAX))?,
            "sameip" => self.opts.push(RuleOption::Sameip),
            "ipv4-csum" | "tcpv4-csum" | "tcpv6-csum" | "udpv4-csum" | "udpv6-csum" | "icmpv4-csum"
            | "icmpv6-csum" => {
                let which = match spec.name {
                    "ipv4-csum" => Checksum::Ipv4,
                    "tcpv4-csum" => Checksum::Tcpv4,
                    "tcpv6-csum" => Checksum::Tcpv6,
                    "udpv4-csum" => Checksum::Udpv4,
                    "udpv6-csum" => Checksum::Udpv6,
                    "icmpv4-csum" => Checksum::Icmpv4,
                    _ => Checksum::Icmpv6,
                };
                self.opts.push(RuleOption::Checksum {
                    which,
                    valid: header::csum(v)?,
                });
            }
            "flow.age" => self.uint(UintField::FlowAge, v, u64::from(u32::MAX))?,
            "app-layer-event" | "decode-event" | "stream-event" | "engine-event" => {
                let kind = match spec.name {
                    "app-layer-event" => EventKind::AppLayer,
                    "decode-event" => EventKind::Decode,
                    "stream-event" => EventKind::Stream,
                    _ => EventKind::Engine,
                };
                self.opts.push(RuleOption::Event {
                    kind,
                    name: app::event(v)?,
                });
            }
            "app-layer-protocol" => {
                self.opts
                    .push(RuleOption::AppLayerProtocol(app::app_layer_protocol(v, negated)?));
            }
            "tls.version" => self.opts.push(RuleOption::TlsVersion(app::tls_version(v)?)),
            "ssl_version" => self
                .opts
                .push(RuleOption::SslVersion(app::name_list(v, app::SSL_VERSIONS)?)),
            "ssl_state" => self
                .opts
                .push(RuleOption::SslState(app::name_list(v, app::SSL_STATES)?)),
            "tls.subject" | "tls.issuerdn" | "tls.fingerprint" => self.opts.push(RuleOption::TlsField {
                keyword: spec.name,
                negated,
                value: meta::msg(v)?,
            }),
            "tls_store" => self.opts.push(RuleOption::TlsStore),
            "tls_cert_expired" => self.opts.push(RuleOption::TlsCertExpired),
            "tls_cert_valid" => self.opts.push(RuleOption::TlsCertValid),
            "tls.cert_chain_len" => self.uint(UintField::TlsCertChainLen, v, u64::from(u32::MAX))?,
            "ftpbounce" => self.opts.push(RuleOption::Ftpbounce),
            "ftpdata_command" => {
                let c = v.trim().to_ascii_lowercase();
                if c != "stor" && c != "retr" {
                    return Err(OptError::arg("expected stor or retr"));
                }
                self.opts.push(RuleOption::FtpdataCommand(c));
            }
            "filename" | "fileext" | "filemagic" => {
                let kind = match spec.name {
                    "filename" => FileMatchKind::Name,
                    "fileext" => FileMatchKind::Ext,
                    _ => FileMatchKind::Magic,
                };
                self.opts.push(RuleOption::FileMatch {
                    kind,
                    negated,
                    value: content::decode(v)?,
                });
            }
            "filesize" => self.opts.push(RuleOption::Filesize(parse_uint::<u64>(v)?)),
            "filestore" => {
                let (direction, scope) = app::filestore(value)?;
                self.opts.push(RuleOption::Filestore { direction, scope });
            }
            "dcerpc.iface" => self.opts.push(RuleOption::DcerpcIface(app::dcerpc_iface(v)?)),
            "dcerpc.opnum" => self.opts.push(RuleOption::DcerpcOpnum(app::dcerpc_opnum(v)?)),
            "cip_service" => {
                let (service, class, attribute, attribute_negated) = app::cip_service(v)?;
                self.opts.push(RuleOption::CipService {
                    service,
                    class,
                    attribute,
                    attribute_negated,
                });
            }
            "enip_command" => {
                let n = header::plain::<u16>(v)?;
                self.opts.push(RuleOption::Uint {
                    field: UintField::EnipCommand,
                    cmp: UintMatch::eq(u64::from(n)),
                });
            }
            "krb5_msg_type" => {
                let n = header::plain::<u8>(v)?;
                self.opts.push(RuleOption::Uint {
                    field: UintField::Krb5MsgType,
                    cmp: UintMatch::eq(u64::from(n)),
                });
            }
            "krb5_err_code" => {
                let n = v
                    .trim()
                    .parse::<i32>()
                    .map_err(|_| OptError::arg(format!("invalid error code '{v}'")))?;
                let n = u64::try_from(n).map_err(|_| OptError::arg("negative error code"))?;
                self.opts.push(RuleOption::Uint {
                    field: UintField::Krb5ErrCode,
                    cmp: UintMatch::eq(n),
                });
            }
            "nfs_procedure" => self.uint_inclusive(UintField::NfsProcedure, v)?,
            "nfs.version" => self.uint_inclusive(UintField::NfsVersion, v)?,
            "ssh.protoversion" | "ssh.softwareversion" => {
                let t = v.trim();
                if t.is_empty() {
                    return Err(OptError::arg("empty version"));
                }
                self.opts.push(RuleOption::SshVersion {
                    software: spec.name == "ssh.softwareversion",
                    value: t.to_string(),
                });
            }
            "snmp.version" => self.uint(UintField::SnmpVersion, v, u64::from(u32::MAX))?,
            "snmp.pdu_type" => {
                // Suricata's `^\s*([0-9]+)\s*$`, a 32-bit value.
                let t = v.trim();
                let n = t
                    .parse::<u32>()
                    .ok()
                    .filter(|_| t.bytes().all(|c| c.is_ascii_digit()))
                    .ok_or_else(|| OptError::arg(format!("invalid pdu type '{v}'")))?;
                self.opts.push(RuleOption::Uint {
                    field: UintField::SnmpPduType,
                    cmp: UintMatch::eq(u64::from(n)),
                });
            }
            "dhcp.leasetime" => self.uint(UintField::DhcpLeasetime, v, u64::MAX)?,
            "dhcp.rebinding_time" => self.uint(UintField::DhcpRebindingTime, v, u64::MAX)?,
            "dhcp.renewal_time" => self.uint(UintField::DhcpRenewalTime, v, u64::MAX)?,
            "rfb.sectype" => self.uint(UintField::RfbSectype, v, u64::from(u32::MAX))?,
            "mqtt.protocol_version" => self.uint(UintField::MqttProtocolVersion, v, u64::from(u8::MAX))?,
            "http2.window" => self.uint(UintField::Http2Window, v, u64::from(u32::MAX))?,
            "http2.priority" => self.uint(UintField::Http2Priority, v, u64::from(u8::MAX))?,
            "http2.size_update" => self.uint(UintField::Http2SizeUpdate, v, u64::MAX)?,
            "ike.exchtype" => self.uint(UintField::IkeExchType, v, u64::from(u8::MAX))?,
            "ike.key_exchange_payload_length" => {
                self.uint(UintField::IkeKeyExchangePayloadLength, v, u64::from(u32::MAX))?
            }
            "ike.nonce_payload_length" => {
                self.uint(UintField::IkeNoncePayloadLength, v, u64::from(u32::MAX))?
            }
            "dns.opcode" => {
                let t = v.trim();
                let (neg, t) = match t.strip_prefix('!') {
                    Some(r) => (true, r),
                    None => (false, t),
                };
                let n = header::plain::<u8>(t)?;
                let mode = if neg {
                    crate::uint::UintMode::Ne
                } else {
                    crate::uint::UintMode::Eq
                };
                self.opts.push(RuleOption::Uint {
                    field: UintField::DnsOpcode,
                    cmp: UintMatch {
                        mode,
                        arg1: u64::from(n),
                        arg2: 0,
                    },
                });
            }
            "requires" => self.opts.push(RuleOption::Requires(app::key_values(v)?)),
            "config" => self.opts.push(RuleOption::Config(app::key_values(v)?)),
            "flowvar" | "pktvar" => {
                let (name, value) = app::var_match(v)?;
                self.opts.push(RuleOption::VarMatch {
                    flow: spec.name == "flowvar",
                    name,
                    value,
                });
            }
            "bypass" => self.opts.push(RuleOption::Bypass),
            "l3_proto" => {
                let t = v.trim().to_ascii_lowercase();
                if !matches!(t.as_str(), "ipv4" | "ipv6" | "ip4" | "ip6") {
                    return Err(OptError::arg("expected ipv4 or ipv6"));
                }
                self.opts.push(RuleOption::L3Proto(t));
            }
            "frame" => {
                let t = v.trim();
                if t.is_empty()
                    || !t
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
                {
                    return Err(OptError::arg(format!("invalid frame name '{t}'")));
                }
                let mut b = BufferRef::plain(crate::buffer::Buffer::Frame);
                // A frame name without a protocol prefix (`pdu`, or `request.line` whose first
                // part names no protocol) belongs to the rule's protocol (`DetectFrameSetup`).
                let short = t
                    .split_once('.')
                    .is_none_or(|(p, _)| crate::ast::AppProto::from_name(p).is_none());
                b.frame = Some(match (short, proto) {
                    (true, Protocol::App(a)) => format!("{}.{t}", a.name()),
                    _ => t.to_string(),
                });
                self.set_sticky(Some(b), "frame")?;
            }
            "pcrexform" => {
                // The whole value is the regex (no slashes or flags, as Suricata).
                self.transform(Transform::PcreXform(v.to_string()))?;
            }
            "xor" => {
                let t = v.trim();
                if t.is_empty() || !t.len().is_multiple_of(2) || t.len() > 510 {
                    return Err(OptError::arg("xor key must be an even number of hex digits"));
                }
                let key = (0..t.len() / 2)
                    .map(|i| {
                        t.get(i * 2..i * 2 + 2)
                            .and_then(|h| u8::from_str_radix(h, 16).ok())
                            .ok_or_else(|| OptError::arg(format!("invalid xor key '{t}'")))
                    })
                    .collect::<OptResult<Vec<u8>>>()?;
                self.transform(Transform::Xor(key))?;
            }
            other => return Err(OptError::unsupported(format!("keyword '{other}' has no parser"))),
        }
        if spec.name == "msg" {
            if let Some(m) = &self.msg {
                self.opts.push(RuleOption::Msg(m.clone()));
            }
        }
        Ok(())
    }

    fn uint(&mut self, field: UintField, v: &str, max: u64) -> OptResult<()> {
        let cmp = parse_uint::<u64>(v)?;
        if cmp.arg1 > max || cmp.arg2 > max {
            return Err(OptError::arg(format!("value out of range (max {max})")));
        }
        self.opts.push(RuleOption::Uint { field, cmp });
        Ok(())
    }

    /// Suricata's inclusive ranges (`nfs_procedure`, `nfs.version`): `A-B` includes both ends;
    /// stored as the equivalent exclusive [`crate::uint::UintMode::Range`].
    fn uint_inclusive(&mut self, field: UintField, v: &str) -> OptResult<()> {
        let mut cmp = parse_uint::<u64>(v).or_else(|e| {
            // `A-B` with B = A + 1 is valid when inclusive.
            let (a, b) = v.split_once('-').ok_or(e.clone())?;
            let a = header::plain::<u32>(a).map_err(|_| e.clone())?;
            let b = header::plain::<u32>(b).map_err(|_| e.clone())?;
            if b <= a {
                return Err(e);
            }
            Ok(UintMatch {
                mode: crate::uint::UintMode::Range,
                arg1: u64::from(a),
                arg2: u64::from(b),
            })
        })?;
        if cmp.mode == crate::uint::UintMode::Range {
            if cmp.arg1 == 0 {
                return Err(OptError::arg("inclusive range cannot start at 0"));
            }
            cmp.arg1 = cmp.arg1.saturating_sub(1);
            cmp.arg2 = cmp.arg2.saturating_add(1);
        }
        if cmp.arg1 > u64::from(u32::MAX) + 1 || cmp.arg2 > u64::from(u32::MAX) + 1 {
            return Err(OptError::arg("value out of range"));
        }
        self.opts.push(RuleOption::Uint { field, cmp });
        Ok(())
    }

    fn transform(&mut self, t: Transform) -> OptResult<()> {
        if self.sticky.is_none() {
            return Err(OptError::combo("transforms need a sticky buffer"));
        }
        if !self.list_set {
            return Err(OptError::combo("transforms must directly follow a sticky buffer"));
        }
        if self.pending_transforms.len() >= 16 {
            return Err(OptError::combo("too many transforms"));
        }
        self.pending_transforms.push(t);
        Ok(())
    }

    /// `content:"x"; http_uri;`: moves the last payload content to `buf`.
    fn legacy_modifier(&mut self, name: &str, buf: crate::buffer::Buffer) -> OptResult<()> {
        if self.sticky.is_some() {
            return Err(OptError::combo(format!(
                "'{name}' used while a sticky buffer is set (reset it with pkt_data first)"
            )));
        }
        let idx = self
            .opts
            .iter()
            .rposition(
                |o| matches!(o, RuleOption::Content(c) if c.buffer.buffer == crate::buffer::Buffer::Payload),
            )
            .ok_or_else(|| OptError::combo(format!("'{name}' needs a preceding content")))?;
        let Some(RuleOption::Content(c)) = self.opts.get_mut(idx) else {
            return Err(OptError::combo(format!("'{name}' needs a preceding content")));
        };
        if c.rawbytes {
            return Err(OptError::combo(format!("'{name}' cannot be used with rawbytes")));
        }
        if c.replace.is_some() {
            return Err(OptError::combo(format!("'{name}' cannot be used with replace")));
        }
        c.buffer = BufferRef::plain(buf);
        Ok(())
    }

    /// Content modifiers: they change the last content.
    fn modifier(&mut self, name: &str, value: Option<&str>, negated: bool) -> OptResult<()> {
        let prev_fp_only = matches!(name, "distance" | "within") && self.previous_is_fp_only();
        let fp_used = self.fast_pattern_used;
        let c = self.last_content_mut(name)?;
        let v = value.unwrap_or("");
        let fp_only = c.fast_pattern.is_some_and(|f| f.only);
        let absolute = c.depth.is_some() || c.offset.is_some() || c.startswith;
        match name {
            "nocase" => {
                if c.nocase {
                    return Err(OptError::combo("nocase given twice for the same content"));
                }
                c.nocase = true;
            }
            "rawbytes" => {
                if c.buffer.buffer != crate::buffer::Buffer::Payload {
                    return Err(OptError::combo("rawbytes cannot be used with a buffer"));
                }
                c.rawbytes = true;
            }
            "startswith" => {
                if c.depth.is_some() || c.startswith {
                    return Err(OptError::combo("multiple depth/startswith for the same content"));
                }
                if c.offset.is_some() {
                    return Err(OptError::combo("startswith cannot be used with offset"));
                }
                if c.is_relative() {
                    return Err(OptError::combo("startswith cannot be used with distance/within"));
                }
                c.startswith = true;
            }
            "endswith" => c.endswith = true,
            "depth" | "offset" => {
                let n = content::num_arg(v, 0, 65_535)?;
                if c.is_relative() {
                    return Err(OptError::combo(format!(
                        "{name} cannot be used with distance/within"
                    )));
                }
                if fp_only {
                    return Err(OptError::combo(format!(
                        "{name} cannot be used with fast_pattern:only"
                    )));
                }
                if name == "depth" {
                    if c.depth.is_some() || c.startswith {
                        return Err(OptError::combo("multiple depth/startswith for the same content"));
                    }
                    if let NumArg::Value(d) = n {
                        if (d as usize) < c.pattern.len() {
                            return Err(OptError::arg(format!(
                                "depth {d} smaller than the content length {}",
                                c.pattern.len()
                            )));
                        }
                    }
                    c.depth = Some(n);
                } else {
                    if c.startswith {
                        return Err(OptError::combo("offset cannot be used with startswith"));
                    }
                    if c.offset.is_some() {
                        return Err(OptError::combo("multiple offsets for the same content"));
                    }
                    c.offset = Some(n);
                }
            }
            "distance" | "within" => {
                let n = content::num_arg(v, -65_535, 65_535)?;
                if absolute {
                    return Err(OptError::combo(format!(
                        "{name} cannot be used with depth/offset/startswith"
                    )));
                }
                if fp_only {
                    return Err(OptError::combo(format!(
                        "{name} cannot be used with fast_pattern:only"
                    )));
                }
                if c.negated && c.fast_pattern.is_some() {
                    return Err(OptError::combo(format!(
                        "{name} on a negated fast_pattern content"
                    )));
                }
                if prev_fp_only {
                    return Err(OptError::combo(format!(
                        "{name} after a fast_pattern:only content"
                    )));
                }
                if name == "distance" {
                    if c.distance.is_some() {
                        return Err(OptError::combo("multiple distances for the same content"));
                    }
                    c.distance = Some(n);
                } else {
                    if c.within.is_some() {
                        return Err(OptError::combo("multiple withins for the same content"));
                    }
                    if let NumArg::Value(w) = n {
                        if w < c.pattern.len() as i64 {
                            return Err(OptError::arg(format!(
                                "within {w} smaller than the content length {}",
                                c.pattern.len()
                            )));
                        }
                    }
                    c.within = Some(n);
                }
            }
            "fast_pattern" => {
                let fp = content::fast_pattern(value)?;
                if c.fast_pattern.is_some() {
                    return Err(OptError::combo("multiple fast_pattern for the same content"));
                }
                if fp_used {
                    return Err(OptError::combo(
                        "fast_pattern can be used on only one content in a rule",
                    ));
                }
                if fp.only && (c.negated || c.is_relative() || absolute) {
                    return Err(OptError::combo(
                        "fast_pattern:only cannot be used with a negated content or with distance, within, offset, depth",
                    ));
                }
                if c.negated && c.is_relative() {
                    return Err(OptError::combo("fast_pattern on a negated relative content"));
                }
                if let Some((off, len)) = fp.chop {
                    if usize::from(off) + usize::from(len) > c.pattern.len() {
                        return Err(OptError::arg("fast_pattern offset+length exceeds the content"));
                    }
                }
                c.fast_pattern = Some(fp);
                self.fast_pattern_used = true;
            }
            "replace" => {
                if negated {
                    return Err(OptError::arg("replace cannot be negated"));
                }
                let r = content::decode(v)?;
                if c.negated {
                    return Err(OptError::combo("replace cannot follow a negated content"));
                }
                if c.buffer.buffer != crate::buffer::Buffer::Payload {
                    return Err(OptError::combo("replace only works on the payload"));
                }
                if r.len() != c.pattern.len() {
                    return Err(OptError::arg("replace must have the same length as the content"));
                }
                c.replace = Some(r);
            }
            _ => return Err(OptError::unsupported("unknown content modifier")),
        }
        Ok(())
    }

    fn finish(&self) -> OptResult<()> {
        if !self.pending_transforms.is_empty() {
            return Err(OptError::combo("no matches following transform(s)"));
        }
        if self.sticky.is_some() && !self.sticky_has_match {
            return Err(OptError {
                kind: ErrorKind::InvalidCombination,
                message: format!("sticky buffer '{}' has no matches", self.sticky_name),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_splitting() {
        let v: Vec<_> = OptionSplitter::new(r#"msg:"a\;b"; nocase ;  sid : 5 ;"#).collect();
        assert_eq!(
            v,
            vec![
                Ok(("msg", Some(r#""a\;b""#))),
                Ok(("nocase", None)),
                Ok(("sid", Some(" 5")))
            ]
        );
        let v: Vec<_> = OptionSplitter::new("sid:1").collect();
        assert!(v.first().is_some_and(|r| r.is_err()));
        let v: Vec<_> = OptionSplitter::new(":x;").collect();
        assert!(v.first().is_some_and(|r| r.is_err()));
    }

    #[test]
    fn header_split() {
        let h = split_header("alert tcp [1.1.1.1, 2.2.2.2] any -> $HOME_NET [80, 443] (sid:1;)").unwrap();
        assert_eq!(h.src, "[1.1.1.1, 2.2.2.2]");
        assert_eq!(h.dp, "[80, 443]");
        assert_eq!(h.options, "sid:1;");
        assert!(split_header("alert tcp any any -> any (sid:1;)").is_err());
        assert!(split_header("alert tcp any any -> any any sid:1;").is_err());
        assert!(split_header("alert tcp any any -> any any (sid:1;").is_err());
    }

    #[test]
    fn frame_short_names_take_the_rule_protocol() {
        let frame = |r: &str| {
            let rule = crate::parse_rule(r).unwrap();
            rule.options
                .iter()
                .find_map(|o| match o {
                    RuleOption::Content(c) => c.buffer.frame.clone(),
                    _ => None,
                })
                .unwrap()
        };
        assert_eq!(
            frame("alert sip any any -> any any (frame:pdu; content:\"a\"; sid:1;)"),
            "sip.pdu"
        );
        assert_eq!(
            frame("alert sip any any -> any any (frame:request.line; content:\"a\"; sid:1;)"),
            "sip.request.line"
        );
        assert_eq!(
            frame("alert sip any any -> any any (frame:sip.request.line; content:\"a\"; sid:1;)"),
            "sip.request.line"
        );
        assert_eq!(
            frame("alert tcp any any -> any any (frame:http1.request; content:\"a\"; sid:1;)"),
            "http1.request"
        );
        assert_eq!(
            frame("alert udp any any -> any any (frame:pdu; content:\"a\"; sid:1;)"),
            "pdu"
        );
    }

    #[test]
    fn sid_hint() {
        assert_eq!(find_sid("alert x (msg:\"sid:9\"; sid:42; rev:1;)"), Some(42));
        assert_eq!(find_sid("nothing"), None);
        assert_eq!(find_sid("(sid:abc;)"), None);
    }

    #[test]
    fn framing() {
        let content = keywords::lookup("content").unwrap();
        assert_eq!(
            frame_value(content, Some("!\"abc\"")).unwrap(),
            (Some("abc"), true)
        );
        assert!(frame_value(content, Some("abc")).is_err());
        assert!(frame_value(content, Some("\"abc")).is_err());
        assert!(frame_value(content, Some("\"\"")).is_err());
        assert!(frame_value(content, None).is_err());
        let nocase = keywords::lookup("nocase").unwrap();
        assert!(frame_value(nocase, Some("x")).is_err());
        assert_eq!(frame_value(nocase, None).unwrap(), (None, false));
        let sid = keywords::lookup("sid").unwrap();
        assert!(frame_value(sid, Some("\"1\"")).is_err());
        let pcre = keywords::lookup("pcre").unwrap();
        assert_eq!(frame_value(pcre, Some("/a/i")).unwrap(), (Some("/a/i"), false));
        assert_eq!(
            frame_value(pcre, Some(" \"/a/i\" ")).unwrap(),
            (Some("/a/i"), false)
        );
    }
}
