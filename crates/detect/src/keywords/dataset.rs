//! `dataset` and `datarep`: match a sticky buffer (after its transforms) against a named set
//! shared by every rule naming it and by every worker (Suricata 7's `datasets.c`,
//! `detect-dataset.c`, `detect-datarep.c`).
//!
//! - Types: `string` (raw bytes; base64 lines in `load` files), `md5` / `sha256` (raw digest;
//!   hex lines), `ipv4` (4 bytes; dotted lines), `ip`/`ipv6` (16 bytes; an IPv4 address, from a
//!   4-byte buffer or a `::ffff:a.b.c.d` / dotted line, sits in the first 4 bytes, the rest 0).
//! - `load` files: one value a line, `value,rep` for reputation (`datarep`); a relative path is
//!   looked up beside the rules file first, else taken as given (Suricata's `SetupLoadPath`).
//!   Lines that do not parse are left out, as Suricata does outside `init-failure-fatal`.
//! - Memory: Suricata's `THash` accounting (`hashsize` rows of 64 bytes, 1000 preallocated
//!   entries of `sizeof(THashData) + sizeof(type)` bytes): a `memcap` that cannot hold those
//!   fails the rule, a file that outgrows it fails the rule, and a `set` on a full set evicts
//!   an arbitrary entry (Suricata's `THashGetUsed` recycles an unused one). Without `memcap`
//!   (unlimited in Suricata) a set is still bounded by [`HARD_CAP_BYTES`] of real memory.
//! - `save` / `state` (writing sets to disk at exit) are not implemented: such rules are skipped.
//!
//! Only rules with these keywords take a set's lock, once per inspected buffer.

use super::{base64, CompileError};
use rules::{Datarep, Dataset, DatasetCmd, DatasetType, UintMode};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Real memory (keys plus per-entry overhead) one set may hold whatever its `memcap`.
pub const HARD_CAP_BYTES: u64 = 256 << 20;
/// Per-entry overhead counted against [`HARD_CAP_BYTES`] (hash slot, box header).
const ENTRY_OVERHEAD: u64 = 48;
/// Suricata's `THASH_DEFAULT_HASHSIZE` / `DATASETS_HASHSIZE_DEFAULT`.
const DEFAULT_HASHSIZE: u64 = 4096;
/// `THASH_DEFAULT_PREALLOC`.
const PREALLOC: u64 = 1000;
/// `sizeof(THashHashRow)` (cache-line aligned).
const ROW_SIZE: u64 = 64;
/// `sizeof(THashData)` on 64-bit Linux (mutex, use count, data and list pointers).
const THASH_DATA: u64 = 72;
/// `DATASET_NAME_MAX_LEN`.
const NAME_MAX: usize = 63;
/// `fgets` buffer of Suricata's loaders: a longer line is read in pieces.
const LINE_MAX: usize = 1023;

/// `sizeof` the type's hash entry payload (`StringType`, `Md5Type`, ...).
fn type_size(t: DatasetType) -> u64 {
    match t {
        DatasetType::String => 16,
        DatasetType::Md5 | DatasetType::Ip => 18,
        DatasetType::Sha256 => 34,
        DatasetType::Ipv4 => 6,
    }
}

fn type_name(t: DatasetType) -> &'static str {
    match t {
        DatasetType::String => "string",
        DatasetType::Md5 => "md5",
        DatasetType::Sha256 => "sha256",
        DatasetType::Ipv4 => "ipv4",
        DatasetType::Ip => "ip",
    }
}

#[derive(Debug, Default)]
struct SetData {
    map: hashbrown::HashMap<Box<[u8]>, u16>,
    /// Real bytes held (keys plus [`ENTRY_OVERHEAD`] each).
    bytes: u64,
    /// Entries evicted to make room for new ones.
    evicted: u64,
}

/// One named set.
#[derive(Debug)]
pub struct Set {
    pub name: String,
    pub kind: DatasetType,
    /// The resolved `load` path ("" when none).
    load: String,
    /// Entries Suricata's memcap lets the set hold.
    max_entries: u64,
    data: Mutex<SetData>,
}

/// A lookup key: the buffer as the set stores it, on the stack for the fixed-size types.
enum Key<'a> {
    Slice(&'a [u8]),
    Ip([u8; 16]),
}

impl Key<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Key::Slice(s) => s,
            Key::Ip(a) => a,
        }
    }
}

impl Set {
    fn new(
        name: &str,
        kind: DatasetType,
        load: String,
        memcap: u64,
        hashsize: u64,
    ) -> Result<Set, CompileError> {
        let rows = hashsize.saturating_mul(ROW_SIZE);
        let entry = THASH_DATA + type_size(kind);
        if rows > memcap {
            return Err(CompileError::new(
                "dataset",
                format!("set '{name}': memcap {memcap} is smaller than the hash size ({rows} bytes)"),
            ));
        }
        if rows.saturating_add(PREALLOC * entry) > memcap {
            return Err(CompileError::new(
                "dataset",
                format!("set '{name}': memcap {memcap} cannot preallocate {PREALLOC} entries"),
            ));
        }
        Ok(Set {
            name: name.to_string(),
            kind,
            load,
            max_entries: (memcap - rows) / entry,
            data: Mutex::new(SetData::default()),
        })
    }

    /// The buffer as a key of this set's type; `None` when its length does not fit the type.
    fn key<'a>(&self, data: &'a [u8]) -> Option<Key<'a>> {
        match self.kind {
            DatasetType::String => Some(Key::Slice(data)),
            DatasetType::Md5 => (data.len() == 16).then_some(Key::Slice(data)),
            DatasetType::Sha256 => (data.len() == 32).then_some(Key::Slice(data)),
            DatasetType::Ipv4 => (data.len() == 4).then_some(Key::Slice(data)),
            DatasetType::Ip => {
                if data.len() != 4 && data.len() != 16 {
                    return None;
                }
                let mut k = [0u8; 16];
                k.get_mut(..data.len())?.copy_from_slice(data);
                Some(Key::Ip(k))
            }
        }
    }

    /// `DatasetLookupwRep`: the entry's reputation when present; `Err` when the buffer cannot
    /// be a key (Suricata's -1).
    fn lookup(&self, data: &[u8]) -> Result<Option<u16>, ()> {
        let key = self.key(data).ok_or(())?;
        let d = self.data.lock().map_err(|_| ())?;
        Ok(d.map.get(key.bytes()).copied())
    }

    /// `DatasetAdd`: `Ok(true)` when added, `Ok(false)` when already there.
    fn add(&self, data: &[u8], rep: u16) -> Result<bool, ()> {
        let key = self.key(data).ok_or(())?;
        let mut d = self.data.lock().map_err(|_| ())?;
        if d.map.contains_key(key.bytes()) {
            return Ok(false);
        }
        let cost = (key.bytes().len() as u64).saturating_add(ENTRY_OVERHEAD);
        if cost > HARD_CAP_BYTES {
            return Err(());
        }
        while !d.map.is_empty()
            && (d.map.len() as u64 >= self.max_entries || d.bytes.saturating_add(cost) > HARD_CAP_BYTES)
        {
            let Some(victim) = d.map.keys().next().cloned() else {
                break;
            };
            d.map.remove(&victim);
            let freed = (victim.len() as u64).saturating_add(ENTRY_OVERHEAD);
            d.bytes = d.bytes.saturating_sub(freed);
            d.evicted = d.evicted.saturating_add(1);
        }
        if self.max_entries == 0 {
            return Err(());
        }
        d.map.insert(key.bytes().into(), rep);
        d.bytes = d.bytes.saturating_add(cost);
        Ok(true)
    }

    /// `DatasetRemove`: whether the entry was there.
    fn remove(&self, data: &[u8]) -> Result<bool, ()> {
        let key = self.key(data).ok_or(())?;
        let mut d = self.data.lock().map_err(|_| ())?;
        match d.map.remove(key.bytes()) {
            Some(_) => {
                let freed = (key.bytes().len() as u64).saturating_add(ENTRY_OVERHEAD);
                d.bytes = d.bytes.saturating_sub(freed);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.data.lock().map(|d| d.map.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries evicted because the set was full.
    pub fn evicted(&self) -> u64 {
        self.data.lock().map(|d| d.evicted).unwrap_or(0)
    }
}

/// The sets of one ruleset, by name (Suricata's global `sets` list).
#[derive(Debug, Default)]
pub struct Registry {
    sets: hashbrown::HashMap<String, Arc<Set>>,
}

impl Registry {
    /// `DatasetGet`: the existing set `name` (its type and `load` must agree when given), or a
    /// new one, loaded from `load` (found as [`load_path`] says, `rule_file` naming the rules
    /// file).
    fn get(
        &mut self,
        name: &str,
        kind: Option<DatasetType>,
        load: Option<&str>,
        rule_file: &str,
        memcap: Option<u64>,
        hashsize: Option<u32>,
    ) -> Result<Arc<Set>, CompileError> {
        let load = load.map(|l| load_path(l, rule_file)).unwrap_or_default();
        let load = load.as_str();
        if name.len() > NAME_MAX {
            return Err(CompileError::new(
                "dataset",
                format!("set name longer than {NAME_MAX} characters"),
            ));
        }
        if let Some(s) = self.sets.get(name) {
            if let Some(k) = kind {
                if k != s.kind {
                    return Err(CompileError::new(
                        "dataset",
                        format!("set '{name}' already exists with type {}", type_name(s.kind)),
                    ));
                }
            }
            if !load.is_empty() && load != s.load {
                return Err(CompileError::new(
                    "dataset",
                    format!("set '{name}' load mismatch: '{}' != '{load}'", s.load),
                ));
            }
            return Ok(s.clone());
        }
        let Some(kind) = kind else {
            return Err(CompileError::new("dataset", format!("set '{name}' not defined")));
        };
        let memcap = memcap.filter(|&m| m > 0).unwrap_or(u64::MAX);
        let hashsize = hashsize.filter(|&h| h > 0).map_or(DEFAULT_HASHSIZE, u64::from);
        let set = Set::new(name, kind, load.to_string(), memcap, hashsize)?;
        if !load.is_empty() {
            load_file(&set, Path::new(load))?;
        }
        let set = Arc::new(set);
        self.sets.insert(name.to_string(), set.clone());
        Ok(set)
    }

    /// The set named `name`, if a rule defined it.
    pub fn set(&self, name: &str) -> Option<&Arc<Set>> {
        self.sets.get(name)
    }
}

/// `SetupLoadPath`: an absolute path as is; a relative one beside the rules file when it
/// exists there, else as given.
fn load_path(load: &str, rule_file: &str) -> String {
    let p = Path::new(load);
    if p.is_absolute() {
        return load.to_string();
    }
    let dir = Path::new(rule_file).parent().unwrap_or(Path::new(""));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let beside: PathBuf = dir.join(p);
    if beside.exists() {
        return beside.display().to_string();
    }
    load.to_string()
}

/// Reads `path` as Suricata's `DatasetLoad*` do, adding every value that parses.
fn load_file(set: &Set, path: &Path) -> Result<(), CompileError> {
    let f = std::fs::File::open(path).map_err(|e| {
        CompileError::new(
            "dataset",
            format!("set '{}': cannot open '{}': {e}", set.name, path.display()),
        )
    })?;
    let mut r = BufReader::new(f);
    let mut line = Vec::with_capacity(LINE_MAX + 1);
    loop {
        line.clear();
        let more = read_piece(&mut r, &mut line).map_err(|e| {
            CompileError::new(
                "dataset",
                format!("set '{}': reading '{}': {e}", set.name, path.display()),
            )
        })?;
        if !more {
            break;
        }
        let Some((value, rep)) = parse_line(set.kind, &line) else {
            continue;
        };
        if set.add(&value, rep.unwrap_or(0)).is_err() {
            continue;
        }
        // Suricata recycles an entry when the memcap is reached, then refuses the set.
        if set.evicted() > 0 {
            return Err(CompileError::new(
                "dataset",
                format!(
                    "set '{}': '{}' is too large for the set memcap",
                    set.name,
                    path.display()
                ),
            ));
        }
    }
    Ok(())
}

/// One `fgets(line, 1024, fp)`: up to and including a newline, at most [`LINE_MAX`] bytes.
fn read_piece(r: &mut impl BufRead, out: &mut Vec<u8>) -> std::io::Result<bool> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(!out.is_empty());
        }
        let room = LINE_MAX.saturating_sub(out.len());
        let take = buf.iter().take(room).position(|&b| b == b'\n');
        match take {
            Some(i) => {
                out.extend_from_slice(buf.get(..=i).unwrap_or_default());
                r.consume(i + 1);
                return Ok(true);
            }
            None => {
                let n = room.min(buf.len());
                out.extend_from_slice(buf.get(..n).unwrap_or_default());
                r.consume(n);
                if out.len() >= LINE_MAX {
                    return Ok(true);
                }
            }
        }
    }
}

/// The value (as stored) and reputation of one file line; `None` when it does not parse.
/// Suricata drops the line's last byte (the newline, or the last character of a final line
/// without one).
fn parse_line(kind: DatasetType, line: &[u8]) -> Option<(Vec<u8>, Option<u16>)> {
    match kind {
        DatasetType::Md5 => parse_hash_line(line, 16),
        DatasetType::Sha256 => parse_hash_line(line, 32),
        DatasetType::String => {
            if line.len() <= 1 {
                return None;
            }
            let body = line.get(..line.len() - 1)?;
            let (v, rep) = split_rep(body)?;
            Some((b64_strict(v)?, rep))
        }
        DatasetType::Ipv4 | DatasetType::Ip => {
            let body = line.get(..line.len().checked_sub(1)?)?;
            let (v, rep) = split_rep(body)?;
            let s = std::str::from_utf8(v).ok()?;
            let value = if kind == DatasetType::Ipv4 {
                s.parse::<std::net::Ipv4Addr>().ok()?.octets().to_vec()
            } else {
                ip_value(s)?.to_vec()
            };
            Some((value, rep))
        }
    }
}

/// Splits `value,rep` (the reputation parsed by `ParseRepLine`); `value` alone has no rep.
fn split_rep(body: &[u8]) -> Option<(&[u8], Option<u16>)> {
    match body.iter().position(|&b| b == b',') {
        None => Some((body, None)),
        Some(i) => {
            let v = body.get(..i)?;
            let rest = body.get(i + 1..)?;
            Some((v, Some(parse_rep(rest)?)))
        }
    }
}

/// `ParseRepLine`: a decimal 0-65535 up to the next comma.
fn parse_rep(s: &[u8]) -> Option<u16> {
    let end = s.iter().position(|&b| b == b',' || b == b'\n').unwrap_or(s.len());
    let d = s.get(..end)?;
    if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(d).ok()?.parse().ok()
}

/// `ParseIpv6String`: IPv6 (a v4-mapped address becomes its IPv4 bytes first) or IPv4.
fn ip_value(s: &str) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    if s.contains(':') {
        let a: std::net::Ipv6Addr = s.parse().ok()?;
        let o = a.octets();
        if o.get(..10).is_some_and(|z| z.iter().all(|&b| b == 0)) && o.get(10..12) == Some(&[0xff, 0xff]) {
            out.get_mut(..4)?.copy_from_slice(o.get(12..16)?);
        } else {
            out = o;
        }
    } else {
        let a: std::net::Ipv4Addr = s.parse().ok()?;
        out.get_mut(..4)?.copy_from_slice(&a.octets());
    }
    Some(out)
}

/// MD5 / SHA-256 lines: exactly the hex digest and a newline, or the digest, a comma and a
/// reputation.
fn parse_hash_line(line: &[u8], n: usize) -> Option<(Vec<u8>, Option<u16>)> {
    let hex_len = n * 2;
    if line.len() == hex_len + 1 {
        return Some((hex_to_raw(line.get(..hex_len)?)?, None));
    }
    if line.len() > hex_len + 1 && line.get(hex_len) == Some(&b',') {
        let body = line.get(..line.len() - 1)?;
        let rep = parse_rep(body.get(hex_len + 1..)?)?;
        return Some((hex_to_raw(body.get(..hex_len)?)?, Some(rep)));
    }
    None
}

/// `HexToRaw`: each pair read as `strtol(pair, NULL, 16)` (its leading hex digits).
fn hex_to_raw(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 2);
    for pair in s.chunks(2) {
        if pair.first() == Some(&b'-') {
            return None;
        }
        let mut v: u8 = 0;
        for &c in pair {
            let Some(d) = (c as char).to_digit(16) else { break };
            v = v.wrapping_mul(16).wrapping_add(d as u8);
        }
        out.push(v);
    }
    Some(out)
}

/// `DecodeBase64(..., BASE64_MODE_STRICT)`: `None` on a character outside the alphabet
/// (other than `=` padding); a final partial block is decoded.
fn b64_strict(src: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3 + 3);
    let mut block = [0u8; 4];
    let mut n = 0usize;
    let mut padding = 0usize;
    for &c in src {
        let v = match base64::value(c) {
            Some(v) => v,
            None if c == b'=' => {
                padding += 1;
                0
            }
            None => return None,
        };
        if let Some(slot) = block.get_mut(n) {
            *slot = v;
        }
        n += 1;
        if n == 4 {
            let dec = base64::decode_block(&block);
            out.extend_from_slice(
                dec.get(..3usize.saturating_sub(padding.min(3)))
                    .unwrap_or_default(),
            );
            n = 0;
            padding = 0;
            block = [0; 4];
        }
    }
    if n > 0 {
        let dec = base64::decode_block(&block);
        out.extend_from_slice(dec.get(..n - 1).unwrap_or_default());
    }
    Some(out)
}

/// A compiled `dataset` keyword.
#[derive(Debug)]
pub struct DatasetM {
    pub set: Arc<Set>,
    pub cmd: DatasetCmd,
}

impl DatasetM {
    pub fn compile(d: &Dataset, sets: &mut Registry, rule_file: &str) -> Result<DatasetM, CompileError> {
        if d.save.is_some() || d.state.is_some() {
            return Err(CompileError::new(
                "dataset",
                "save/state (writing sets to disk) is not supported",
            ));
        }
        let set = sets.get(
            &d.name,
            d.kind,
            d.load.as_deref(),
            rule_file,
            d.memcap,
            d.hashsize,
        )?;
        Ok(DatasetM { set, cmd: d.cmd })
    }

    /// `DetectDatasetBufferMatch`.
    pub fn matches(&self, data: &[u8]) -> bool {
        if data.is_empty() {
            return false;
        }
        match self.cmd {
            DatasetCmd::IsSet => matches!(self.set.lookup(data), Ok(Some(_))),
            DatasetCmd::IsNotSet => !matches!(self.set.lookup(data), Ok(Some(_))),
            DatasetCmd::Set => self.set.add(data, 0) == Ok(true),
            DatasetCmd::Unset => self.set.remove(data) == Ok(true),
        }
    }
}

/// A compiled `datarep` keyword.
#[derive(Debug)]
pub struct DatarepM {
    pub set: Arc<Set>,
    pub mode: UintMode,
    pub value: u16,
}

impl DatarepM {
    pub fn compile(d: &Datarep, sets: &mut Registry, rule_file: &str) -> Result<DatarepM, CompileError> {
        if !matches!(d.cmp.mode, UintMode::Gt | UintMode::Lt | UintMode::Eq) {
            return Err(CompileError::new("datarep", "operator must be >, < or =="));
        }
        if d.load.is_some() && d.kind.is_none() {
            return Err(CompileError::new(
                "datarep",
                "if load is used type must be set as well",
            ));
        }
        let set = sets.get(
            &d.name,
            d.kind,
            d.load.as_deref(),
            rule_file,
            d.memcap,
            d.hashsize,
        )?;
        Ok(DatarepM {
            set,
            mode: d.cmp.mode,
            value: d.cmp.arg1,
        })
    }

    /// `DetectDatarepBufferMatch`.
    pub fn matches(&self, data: &[u8]) -> bool {
        if data.is_empty() {
            return false;
        }
        let Ok(Some(rep)) = self.set.lookup(data) else {
            return false;
        };
        match self.mode {
            UintMode::Gt => rep > self.value,
            UintMode::Lt => rep < self.value,
            UintMode::Eq => rep == self.value,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(cmd: DatasetCmd, name: &str, kind: Option<DatasetType>) -> Dataset {
        Dataset {
            buffer: rules::BufferRef::payload(),
            cmd,
            name: name.into(),
            kind,
            load: None,
            save: None,
            state: None,
            memcap: None,
            hashsize: None,
        }
    }

    #[test]
    fn base64_strict() {
        assert_eq!(
            b64_strict(b"Y3VybC83LjQzLjA=").as_deref(),
            Some(&b"curl/7.43.0"[..])
        );
        assert_eq!(
            b64_strict(b"Z29vZ2xlLmNvbQ==").as_deref(),
            Some(&b"google.com"[..])
        );
        assert_eq!(b64_strict(b"QUJD").as_deref(), Some(&b"ABC"[..]));
        assert_eq!(b64_strict(b"QUI").as_deref(), Some(&b"AB"[..]));
        assert_eq!(b64_strict(b"QU!D"), None);
        assert_eq!(b64_strict(b"").as_deref(), Some(&b""[..]));
    }

    #[test]
    fn file_lines() {
        assert_eq!(
            parse_line(DatasetType::String, b"Z29vZ2xlLmNvbQ==,255\n"),
            Some((b"google.com".to_vec(), Some(255)))
        );
        assert_eq!(parse_line(DatasetType::String, b"\n"), None);
        assert_eq!(parse_line(DatasetType::String, b"QUJD,x\n"), None);
        assert_eq!(parse_line(DatasetType::String, b"QUJD,65536\n"), None);
        let md5 = b"1d5920f4b44b27a802bd77c4f0536f5a,255\n";
        let (v, rep) = parse_line(DatasetType::Md5, md5).unwrap();
        assert_eq!(v.len(), 16);
        assert_eq!(v.first(), Some(&0x1d));
        assert_eq!(rep, Some(255));
        // 32 digits without a newline: a bad line length for Suricata.
        assert_eq!(parse_line(DatasetType::Md5, &md5[..32]), None);
        assert_eq!(parse_line(DatasetType::Md5, b"abc\n"), None);
        assert_eq!(
            parse_line(DatasetType::Ipv4, b"82.165.177.154\n"),
            Some((vec![82, 165, 177, 154], None))
        );
        assert_eq!(parse_line(DatasetType::Ipv4, b"82.165.177\n"), None);
        let (v, _) = parse_line(DatasetType::Ip, b"::ffff:82.165.177.154\n").unwrap();
        assert_eq!(v, [82, 165, 177, 154, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let (v, _) = parse_line(DatasetType::Ip, b"1.2.3.4\n").unwrap();
        assert_eq!(v, [1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let (v, _) = parse_line(DatasetType::Ip, b"2001:db8::1\n").unwrap();
        assert_eq!(v.first(), Some(&0x20));
        assert_eq!(v.len(), 16);
        assert_eq!(parse_line(DatasetType::Ip, b""), None);
    }

    #[test]
    fn pieces_follow_fgets() {
        let data = [b'a'; 1500];
        let mut r = &data[..];
        let mut out = Vec::new();
        assert!(read_piece(&mut r, &mut out).unwrap());
        assert_eq!(out.len(), LINE_MAX);
        out.clear();
        assert!(read_piece(&mut r, &mut out).unwrap());
        assert_eq!(out.len(), 1500 - LINE_MAX);
        out.clear();
        assert!(!read_piece(&mut r, &mut out).unwrap());
        let mut r = &b"x\ny"[..];
        out.clear();
        assert!(read_piece(&mut r, &mut out).unwrap());
        assert_eq!(out, b"x\n");
    }

    #[test]
    fn set_isset_isnotset_unset_share_one_set() {
        let mut reg = Registry::default();
        let set =
            DatasetM::compile(&ds(DatasetCmd::Set, "s", Some(DatasetType::String)), &mut reg, "").unwrap();
        let isset = DatasetM::compile(&ds(DatasetCmd::IsSet, "s", None), &mut reg, "").unwrap();
        let notset = DatasetM::compile(&ds(DatasetCmd::IsNotSet, "s", None), &mut reg, "").unwrap();
        let unset = DatasetM::compile(&ds(DatasetCmd::Unset, "s", None), &mut reg, "").unwrap();
        assert!(!isset.matches(b"a"));
        assert!(notset.matches(b"a"));
        assert!(set.matches(b"a"));
        // Already there: `set` does not match again.
        assert!(!set.matches(b"a"));
        assert!(isset.matches(b"a"));
        assert!(!notset.matches(b"a"));
        assert!(unset.matches(b"a"));
        assert!(!unset.matches(b"a"));
        // Empty buffers never match.
        assert!(!notset.matches(b""));
        assert!(!set.matches(b""));
        // Undefined set, type mismatch.
        assert!(DatasetM::compile(&ds(DatasetCmd::IsSet, "nope", None), &mut reg, "").is_err());
        assert!(
            DatasetM::compile(&ds(DatasetCmd::IsSet, "s", Some(DatasetType::Md5)), &mut reg, "").is_err()
        );
        let mut save = ds(DatasetCmd::Set, "t", Some(DatasetType::String));
        save.save = Some("x".into());
        assert!(DatasetM::compile(&save, &mut reg, "").is_err());
    }

    #[test]
    fn typed_keys() {
        let mut reg = Registry::default();
        let set4 =
            DatasetM::compile(&ds(DatasetCmd::Set, "v4", Some(DatasetType::Ipv4)), &mut reg, "").unwrap();
        assert!(!set4.matches(b"12345"));
        assert!(set4.matches(&[1, 2, 3, 4]));
        let ip = DatasetM::compile(&ds(DatasetCmd::Set, "ip", Some(DatasetType::Ip)), &mut reg, "").unwrap();
        let ipq = DatasetM::compile(&ds(DatasetCmd::IsSet, "ip", None), &mut reg, "").unwrap();
        assert!(ip.matches(&[1, 2, 3, 4]));
        let mut v6 = [0u8; 16];
        v6[..4].copy_from_slice(&[1, 2, 3, 4]);
        assert!(ipq.matches(&v6));
        // A wrong length cannot be looked up: isnotset matches (Suricata's `r < 1`).
        let md5 = DatasetM::compile(
            &ds(DatasetCmd::IsNotSet, "m", Some(DatasetType::Md5)),
            &mut reg,
            "",
        )
        .unwrap();
        assert!(md5.matches(b"short"));
    }

    #[test]
    fn memcap_accounting() {
        // 1 row (64) + 1000 string entries (88 each) = 88064 bytes.
        assert!(Set::new("a", DatasetType::String, String::new(), 88_064, 1).is_ok());
        assert!(Set::new("a", DatasetType::String, String::new(), 88_063, 1).is_err());
        assert!(Set::new("a", DatasetType::String, String::new(), 63, 1).is_err());
        let s = Set::new("a", DatasetType::Ipv4, String::new(), 64 + 78 * 1001, 1).unwrap();
        assert_eq!(s.max_entries, 1001);
        for i in 0..1001u32 {
            assert_eq!(s.add(&i.to_be_bytes(), 0), Ok(true));
        }
        assert_eq!(s.evicted(), 0);
        assert_eq!(s.add(&5000u32.to_be_bytes(), 0), Ok(true));
        assert_eq!(s.evicted(), 1);
        assert_eq!(s.len(), 1001);
    }

    #[test]
    fn datarep_compares_reputation() {
        let mut reg = Registry::default();
        let _ =
            DatasetM::compile(&ds(DatasetCmd::Set, "r", Some(DatasetType::String)), &mut reg, "").unwrap();
        let set = reg.set("r").unwrap().clone();
        assert_eq!(set.add(b"hi", 300), Ok(true));
        let d = |mode, value| DatarepM {
            set: set.clone(),
            mode,
            value,
        };
        assert!(d(UintMode::Gt, 200).matches(b"hi"));
        assert!(!d(UintMode::Lt, 200).matches(b"hi"));
        assert!(d(UintMode::Eq, 300).matches(b"hi"));
        assert!(!d(UintMode::Gt, 200).matches(b"ho"));
    }
}
