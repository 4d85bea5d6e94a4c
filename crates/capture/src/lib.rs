//! `capture`: where packets come from. Offline: pcap and pcapng files, read in bounded memory,
//! one [`Frame`] at a time. A corrupt or truncated file ends the stream with a [`CaptureError`]
//! naming the byte offset; every frame before it has been delivered.
//!
//! Formats: legacy pcap in both byte orders with microsecond or nanosecond timestamps (and the
//! "modified" Kuznetzov variant), and pcapng (any number of sections and interfaces, either
//! byte order, per-interface `if_tsresol`/`if_tsoffset`, Enhanced and Simple Packet Blocks;
//! other blocks are skipped). Records are framed here and parsed with `pcap-parser`.
//!
//! Memory: one buffer, [`INITIAL_BUFFER`] bytes, grown only to fit a single record up to
//! [`MAX_BLOCK`] bytes. A legacy record whose captured length exceeds [`MAX_CAPLEN`] (libpcap's
//! limit) is corrupt; a pcapng packet block beyond [`MAX_BLOCK`] is corrupt, and any other
//! pcapng block that large is skipped by streaming past it.
//!
//! Link types: a legacy pcap whose link type `wire` cannot decode fails at open
//! ([`CaptureError::LinkType`]); in pcapng, packets of such interfaces (or naming an interface
//! that was never described) are skipped and counted in [`PcapFile::frames_skipped`].

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use pcap_parser::pcapng::{parse_block_be, parse_block_le, Block};
use pcap_parser::{parse_pcap_frame, parse_pcap_frame_be, parse_pcap_frame_modified, parse_pcap_header};
use wire::{LinkType, Timestamp};

/// Initial size of the read buffer.
pub const INITIAL_BUFFER: usize = 256 << 10;
/// Largest captured length accepted in a legacy pcap record (libpcap's `MAXIMUM_SNAPLEN`).
pub const MAX_CAPLEN: u32 = 262_144;
/// Largest pcapng block (and so the largest the buffer grows to).
pub const MAX_BLOCK: usize = 1 << 20;
/// Most interfaces one pcapng section may describe.
pub const MAX_INTERFACES: usize = 65_536;

const SHB_MAGIC: u32 = 0x0a0d_0d0a;
const IDB_MAGIC: u32 = 0x0000_0001;
const SPB_MAGIC: u32 = 0x0000_0003;
const EPB_MAGIC: u32 = 0x0000_0006;
const BOM: u32 = 0x1a2b_3c4d;

/// One captured frame, borrowed from the reader's buffer until the next call.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    pub ts: Timestamp,
    pub link: LinkType,
    pub data: &'a [u8],
    /// Original length on the wire (may exceed `data.len()` when the snaplen cut it).
    pub orig_len: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: not a pcap or pcapng file")]
    Format { path: PathBuf },
    #[error("{path}: corrupt capture at byte offset {offset}: {what}")]
    Corrupt {
        path: PathBuf,
        offset: u64,
        what: String,
    },
    #[error("{path}: truncated capture at byte offset {offset}")]
    Truncated { path: PathBuf, offset: u64 },
    #[error("{path}: unsupported link type {dlt}")]
    LinkType { path: PathBuf, dlt: u32 },
}

/// A pcapng interface as far as reading needs it.
#[derive(Debug, Clone, Copy)]
struct Interface {
    link: Option<LinkType>,
    /// Timestamp units per second.
    resolution: u64,
    /// Seconds added to every timestamp.
    offset_secs: i64,
}

#[derive(Debug)]
enum Format {
    Legacy {
        big_endian: bool,
        nanos: bool,
        modified: bool,
        link: LinkType,
    },
    Ng {
        big_endian: bool,
        interfaces: Vec<Interface>,
    },
}

/// A frame found at the read position: the record is `consumed` bytes long, the packet is
/// `data_len` bytes at `data_off`.
struct Placed {
    consumed: usize,
    data_off: usize,
    data_len: usize,
    ts: Timestamp,
    link: LinkType,
    orig_len: u32,
}

/// What parsing the bytes at the read position found.
enum Step {
    Frame(Placed),
    /// A record to step over (metadata block).
    Skip(usize),
    /// A packet record to step over (unsupported or unknown interface), counted.
    SkipPacket(usize),
    /// A block too big to buffer, to be streamed past.
    SkipLarge(u64),
    /// The record needs this many bytes from the read position.
    Need(usize),
    Corrupt(String),
}

/// Reads a pcap or pcapng file frame by frame.
pub struct PcapFile {
    path: PathBuf,
    reader: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// Unparsed data is `buf[start..end]`.
    start: usize,
    end: usize,
    /// File offset of `buf[0]`.
    buf_offset: u64,
    /// Length of the record last returned, consumed at the start of the next call.
    pending: usize,
    eof: bool,
    /// Set once the stream ended (cleanly or with an error): later calls return `Ok(None)`.
    done: bool,
    format: Format,
    frames_skipped: u64,
}

impl std::fmt::Debug for PcapFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcapFile")
            .field("path", &self.path)
            .field("offset", &self.offset())
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl PcapFile {
    /// Opens the file and reads its header (pcap magic or pcapng section header).
    pub fn open(path: &Path) -> Result<PcapFile, CaptureError> {
        let file = File::open(path).map_err(|e| CaptureError::Io {
            path: path.to_owned(),
            source: e,
        })?;
        PcapFile::from_reader(path, file)
    }

    /// Reads a capture from any byte stream; `name` is what errors call it.
    pub fn from_reader<R: Read + Send + 'static>(name: &Path, reader: R) -> Result<PcapFile, CaptureError> {
        let mut pf = PcapFile {
            path: name.to_owned(),
            reader: Box::new(reader),
            buf: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            buf_offset: 0,
            pending: 0,
            eof: false,
            done: false,
            format: Format::Ng {
                big_endian: false,
                interfaces: Vec::new(),
            },
            frames_skipped: 0,
        };
        pf.fill(24)?;
        let avail = pf.avail();
        let Some(magic) = avail.first_chunk::<4>().map(|m| u32::from_le_bytes(*m)) else {
            return Err(CaptureError::Format { path: pf.path });
        };
        match magic {
            SHB_MAGIC => {
                // The first block must be a section header; parse it now so open() fails on garbage.
                loop {
                    match parse_ng(pf.buf.get(pf.start..pf.end).unwrap_or_default(), &mut pf.format) {
                        Step::Skip(n) => {
                            pf.start += n;
                            break;
                        }
                        Step::Need(n) if !pf.eof => pf.fill(n)?,
                        Step::Need(_) => {
                            return Err(CaptureError::Truncated {
                                path: pf.path,
                                offset: 0,
                            })
                        }
                        Step::Corrupt(what) => {
                            return Err(CaptureError::Corrupt {
                                path: pf.path,
                                offset: 0,
                                what,
                            })
                        }
                        _ => return Err(CaptureError::Format { path: pf.path }),
                    }
                }
            }
            0xa1b2_c3d4 | 0xd4c3_b2a1 | 0xa1b2_3c4d | 0x4d3c_b2a1 | 0xa1b2_cd34 => {
                let hdr = match parse_pcap_header(pf.avail()) {
                    Ok((_, h)) => h,
                    Err(pcap_parser::nom::Err::Incomplete(_)) => {
                        return Err(CaptureError::Truncated {
                            path: pf.path,
                            offset: 0,
                        })
                    }
                    Err(_) => return Err(CaptureError::Format { path: pf.path }),
                };
                // The upper bits of the link type field carry FCS information (LT_LINKTYPE).
                let dlt = (hdr.network.0 as u32) & 0x03ff_ffff;
                let Some(link) = LinkType::from_dlt(dlt) else {
                    return Err(CaptureError::LinkType { path: pf.path, dlt });
                };
                pf.format = Format::Legacy {
                    big_endian: hdr.is_bigendian(),
                    nanos: hdr.is_nanosecond_precision(),
                    modified: hdr.is_modified_format(),
                    link,
                };
                pf.start += hdr.size();
            }
            _ => return Err(CaptureError::Format { path: pf.path }),
        }
        Ok(pf)
    }

    /// The next frame, `Ok(None)` at a clean end of file, or the error that ended the file.
    /// Frames with an unsupported link type (pcapng interfaces) are skipped and counted.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        self.start += std::mem::take(&mut self.pending);
        if self.done {
            return Ok(None);
        }
        let placed = match self.next_inner() {
            Ok(Some(p)) => p,
            other => {
                self.done = true;
                return other.map(|_| None);
            }
        };
        let begin = self.start + placed.data_off;
        let data = self.buf.get(begin..begin + placed.data_len).unwrap_or_default();
        Ok(Some(Frame {
            ts: placed.ts,
            link: placed.link,
            data,
            orig_len: placed.orig_len,
        }))
    }

    /// Finds the next frame; returns where it lies relative to `start` and sets `pending`.
    fn next_inner(&mut self) -> Result<Option<Placed>, CaptureError> {
        loop {
            let avail = self.buf.get(self.start..self.end).unwrap_or_default();
            let step = match &mut self.format {
                Format::Legacy {
                    big_endian,
                    nanos,
                    modified,
                    link,
                } => parse_legacy(avail, *big_endian, *nanos, *modified, *link),
                ng @ Format::Ng { .. } => parse_ng(avail, ng),
            };
            match step {
                Step::Frame(placed) => {
                    self.pending = placed.consumed;
                    return Ok(Some(placed));
                }
                Step::Skip(n) => self.start += n,
                Step::SkipPacket(n) => {
                    self.start += n;
                    self.frames_skipped += 1;
                }
                Step::SkipLarge(n) => self.skip_large(n)?,
                Step::Need(n) => {
                    if self.eof {
                        if self.start == self.end {
                            return Ok(None);
                        }
                        return Err(CaptureError::Truncated {
                            path: self.path.clone(),
                            offset: self.offset(),
                        });
                    }
                    self.fill(n)?;
                }
                Step::Corrupt(what) => return Err(self.corrupt(what)),
            }
        }
    }

    /// Byte offset of the next record in the file.
    pub fn offset(&self) -> u64 {
        self.buf_offset + (self.start + self.pending) as u64
    }

    /// Packets skipped because their pcapng interface has an unsupported link type (or was
    /// never described).
    pub fn frames_skipped(&self) -> u64 {
        self.frames_skipped
    }

    fn avail(&self) -> &[u8] {
        self.buf.get(self.start..self.end).unwrap_or_default()
    }

    fn corrupt(&self, what: String) -> CaptureError {
        CaptureError::Corrupt {
            path: self.path.clone(),
            offset: self.offset(),
            what,
        }
    }

    fn io(&self, e: std::io::Error) -> CaptureError {
        CaptureError::Io {
            path: self.path.clone(),
            source: e,
        }
    }

    /// Reads until `need` bytes are available from `start` (or end of file), moving the unparsed
    /// bytes to the front and growing the buffer (up to [`MAX_BLOCK`]) as needed.
    fn fill(&mut self, need: usize) -> Result<(), CaptureError> {
        if need > MAX_BLOCK.max(INITIAL_BUFFER) {
            return Err(self.corrupt(format!(
                "record of {need} bytes exceeds the {MAX_BLOCK}-byte limit"
            )));
        }
        if self.start + need > self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            self.buf_offset += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if need > self.buf.len() {
            let len = (self.buf.len() * 2).max(need).min(MAX_BLOCK);
            self.buf.resize(len, 0);
        }
        while self.end - self.start < need && !self.eof {
            let Some(space) = self.buf.get_mut(self.end..) else {
                break;
            };
            match self.reader.read(space) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io(e)),
            }
        }
        Ok(())
    }

    /// Streams past a block of `len` bytes starting at `start` without buffering it.
    fn skip_large(&mut self, len: u64) -> Result<(), CaptureError> {
        let block_start = self.offset();
        let have = (self.end - self.start) as u64;
        let mut left = len.saturating_sub(have);
        self.buf_offset += self.end as u64;
        self.start = 0;
        self.end = 0;
        while left > 0 {
            let chunk = usize::try_from(left).unwrap_or(usize::MAX).min(self.buf.len());
            let Some(space) = self.buf.get_mut(..chunk) else {
                break;
            };
            match self.reader.read(space) {
                Ok(0) => {
                    self.eof = true;
                    return Err(CaptureError::Truncated {
                        path: self.path.clone(),
                        offset: block_start,
                    });
                }
                Ok(n) => {
                    left -= n as u64;
                    self.buf_offset += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io(e)),
            }
        }
        Ok(())
    }
}

#[inline]
fn read_u32(b: &[u8], off: usize, big_endian: bool) -> Option<u32> {
    let a = *b.get(off..)?.first_chunk::<4>()?;
    Some(if big_endian {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    })
}

/// Frames one legacy pcap record at the start of `avail`.
fn parse_legacy(avail: &[u8], big_endian: bool, nanos: bool, modified: bool, link: LinkType) -> Step {
    let hdr_len = if modified { 24 } else { 16 };
    let Some(caplen) = read_u32(avail, 8, big_endian).filter(|_| avail.len() >= hdr_len) else {
        return Step::Need(hdr_len);
    };
    if caplen > MAX_CAPLEN {
        return Step::Corrupt(format!("record captured length {caplen} exceeds {MAX_CAPLEN}"));
    }
    let total = hdr_len + caplen as usize;
    let Some(record) = avail.get(..total) else {
        return Step::Need(total);
    };
    let parsed = if modified {
        parse_pcap_frame_modified(record)
    } else if big_endian {
        parse_pcap_frame_be(record)
    } else {
        parse_pcap_frame(record)
    };
    let Ok((_, blk)) = parsed else {
        return Step::Corrupt("unparsable record".into());
    };
    let frac = i64::from(blk.ts_usec);
    let micros = if nanos { frac / 1000 } else { frac };
    Step::Frame(Placed {
        consumed: total,
        data_off: hdr_len,
        data_len: blk.data.len(),
        ts: Timestamp::from_parts(i64::from(blk.ts_sec), micros),
        link,
        orig_len: blk.origlen,
    })
}

/// Frames and parses one pcapng block at the start of `avail`, updating section state.
fn parse_ng(avail: &[u8], format: &mut Format) -> Step {
    let Format::Ng {
        big_endian,
        interfaces,
    } = format
    else {
        return Step::Corrupt("not a pcapng stream".into());
    };
    let Some(btype) = read_u32(avail, 0, false) else {
        return Step::Need(12);
    };
    let is_shb = btype == SHB_MAGIC;
    let be = if is_shb {
        match read_u32(avail, 8, false) {
            None => return Step::Need(12),
            Some(BOM) => false,
            Some(m) if m.swap_bytes() == BOM => true,
            Some(_) => return Step::Corrupt("bad section byte-order magic".into()),
        }
    } else {
        *big_endian
    };
    let Some(blen) = read_u32(avail, 4, be) else {
        return Step::Need(12);
    };
    let btype = if be && !is_shb { btype.swap_bytes() } else { btype };
    if blen < 12 || blen % 4 != 0 {
        return Step::Corrupt(format!("block length {blen}"));
    }
    let blen = blen as usize;
    let essential = matches!(btype, SHB_MAGIC | IDB_MAGIC | EPB_MAGIC | SPB_MAGIC);
    if blen > MAX_BLOCK {
        if essential {
            return Step::Corrupt(format!(
                "block of {blen} bytes exceeds the {MAX_BLOCK}-byte limit"
            ));
        }
        return Step::SkipLarge(blen as u64);
    }
    let Some(block) = avail.get(..blen) else {
        return Step::Need(blen);
    };
    if !essential {
        // Metadata we do not use: check the trailing length and step over it unparsed.
        if read_u32(block, blen - 4, be) != Some(blen as u32) {
            return Step::Corrupt("block trailing length mismatch".into());
        }
        return Step::Skip(blen);
    }
    let parsed = if be {
        parse_block_be(block)
    } else {
        parse_block_le(block)
    };
    let blk = match parsed {
        Ok((_, b)) => b,
        Err(_) => return Step::Corrupt(format!("unparsable block of type {btype:#x}")),
    };
    match blk {
        Block::SectionHeader(shb) => {
            *big_endian = shb.big_endian();
            interfaces.clear();
            Step::Skip(blen)
        }
        Block::InterfaceDescription(idb) => {
            if interfaces.len() >= MAX_INTERFACES {
                return Step::Corrupt(format!("more than {MAX_INTERFACES} interfaces"));
            }
            let Some(resolution) = ts_resolution(idb.if_tsresol) else {
                return Step::Corrupt(format!("interface timestamp resolution {:#x}", idb.if_tsresol));
            };
            interfaces.push(Interface {
                link: LinkType::from_dlt(u32::from(idb.linktype.0 as u16)),
                resolution,
                offset_secs: idb.if_tsoffset,
            });
            Step::Skip(blen)
        }
        Block::EnhancedPacket(epb) => {
            let Some(Interface {
                link: Some(link),
                resolution,
                offset_secs,
            }) = interfaces.get(epb.if_id as usize).copied()
            else {
                return Step::SkipPacket(blen);
            };
            let data_len = (epb.caplen as usize).min(epb.data.len());
            Step::Frame(Placed {
                consumed: blen,
                data_off: 28,
                data_len,
                ts: ng_timestamp(epb.ts_high, epb.ts_low, resolution, offset_secs),
                link,
                orig_len: epb.origlen,
            })
        }
        Block::SimplePacket(spb) => {
            let Some(Interface { link: Some(link), .. }) = interfaces.first().copied() else {
                return Step::SkipPacket(blen);
            };
            let data_len = (spb.origlen as usize).min(spb.data.len());
            // A Simple Packet Block has no timestamp.
            Step::Frame(Placed {
                consumed: blen,
                data_off: 12,
                data_len,
                ts: Timestamp(0),
                link,
                orig_len: spb.origlen,
            })
        }
        _ => Step::Skip(blen),
    }
}

/// Units per second for an `if_tsresol` value: 10^-n, or 2^-n when the top bit is set.
/// (`pcap-parser` 0.17's `build_ts_resolution` rejects every power-of-two resolution.)
fn ts_resolution(tsresol: u8) -> Option<u64> {
    let n = u32::from(tsresol & 0x7f);
    if tsresol & 0x80 == 0 {
        10u64.checked_pow(n)
    } else {
        1u64.checked_shl(n).filter(|_| n < 64)
    }
}

/// A pcapng timestamp: `units` at `resolution` units per second, plus `offset_secs`.
fn ng_timestamp(high: u32, low: u32, resolution: u64, offset_secs: i64) -> Timestamp {
    let units = (u64::from(high) << 32) | u64::from(low);
    let secs = i64::try_from(units / resolution).unwrap_or(i64::MAX);
    let micros = (u128::from(units % resolution) * 1_000_000 / u128::from(resolution)) as i64;
    Timestamp::from_parts(secs.saturating_add(offset_secs), micros)
}

/// Expands `-r`'s argument: a file, or every regular file in a folder (sorted by name).
pub fn expand_inputs(path: &Path) -> Result<Vec<PathBuf>, CaptureError> {
    if path.is_dir() {
        let rd = std::fs::read_dir(path).map_err(|e| CaptureError::Io {
            path: path.into(),
            source: e,
        })?;
        let mut v: Vec<PathBuf> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        v.sort();
        Ok(v)
    } else {
        Ok(vec![path.to_owned()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata");

    type Frames = Vec<(Timestamp, LinkType, Vec<u8>, u32)>;

    fn read_all(pf: &mut PcapFile) -> (Frames, Option<CaptureError>) {
        let mut v = Vec::new();
        loop {
            match pf.next_frame() {
                Ok(Some(f)) => v.push((f.ts, f.link, f.data.to_vec(), f.orig_len)),
                Ok(None) => return (v, None),
                Err(e) => return (v, Some(e)),
            }
        }
    }

    fn from_bytes(b: Vec<u8>) -> Result<PcapFile, CaptureError> {
        PcapFile::from_reader(Path::new("mem"), Cursor::new(b))
    }

    /// A legacy pcap: header with `magic` written in the chosen byte order, then records.
    fn legacy(be: bool, magic: u32, dlt: u32, recs: &[(u32, u32, &[u8], u32)]) -> Vec<u8> {
        let w32 = |v: &mut Vec<u8>, x: u32| {
            v.extend_from_slice(&if be { x.to_be_bytes() } else { x.to_le_bytes() })
        };
        let w16 = |v: &mut Vec<u8>, x: u16| {
            v.extend_from_slice(&if be { x.to_be_bytes() } else { x.to_le_bytes() })
        };
        let mut v = Vec::new();
        w32(&mut v, magic);
        w16(&mut v, 2);
        w16(&mut v, 4);
        w32(&mut v, 0);
        w32(&mut v, 0);
        w32(&mut v, 65535);
        w32(&mut v, dlt);
        for &(s, frac, data, orig) in recs {
            w32(&mut v, s);
            w32(&mut v, frac);
            w32(&mut v, data.len() as u32);
            w32(&mut v, orig);
            v.extend_from_slice(data);
        }
        v
    }

    #[test]
    fn shared_captures_frame_counts() {
        // Frame and captured-byte counts from an independent reader (Python struct parsing of
        // the record headers; no tcpdump/capinfos on this machine).
        let want: &[(&str, usize, usize)] = &[
            ("benign-web", 2057, 1_875_784),
            ("hydra-ftp", 489, 36_874),
            ("hydra-ssh", 332, 54_156),
            ("nmap-syn", 607, 33_942),
            ("nmap-version", 486, 80_351),
            ("scanner-http", 170, 32_100),
            ("sqlmap", 536, 73_231),
            ("urlhaus-dns", 224, 22_552),
            ("zmap", 275, 15_046),
        ];
        for &(name, frames, bytes) in want {
            let path = PathBuf::from(format!("{SHARED}/pcaps/{name}.pcap"));
            let mut pf = PcapFile::open(&path).unwrap();
            let (v, err) = read_all(&mut pf);
            assert!(err.is_none(), "{name}: {err:?}");
            assert_eq!(v.len(), frames, "{name}");
            assert_eq!(v.iter().map(|f| f.2.len()).sum::<usize>(), bytes, "{name}");
            assert!(v.iter().all(|f| f.1 == LinkType::Ethernet));
            assert_eq!(pf.offset(), std::fs::metadata(&path).unwrap().len());
            assert_eq!(pf.frames_skipped(), 0);
        }
        let mut pf = PcapFile::open(Path::new(&format!("{SHARED}/pcaps/nmap-syn.pcap"))).unwrap();
        let f = pf.next_frame().unwrap().unwrap();
        assert_eq!(
            (f.ts, f.data.len(), f.orig_len),
            (Timestamp::from_parts(1_795_591_095, 596_904), 58, 58)
        );
        assert_eq!(pf.offset(), 24 + 16 + 58);
    }

    #[test]
    fn conformance_inputs_read() {
        let mut dirs: Vec<_> = std::fs::read_dir(format!("{SHARED}/conformance/cases"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        dirs.sort();
        assert!(dirs.len() >= 140);
        let mut frames = 0;
        for d in dirs {
            let name = d.file_name().unwrap().to_string_lossy().into_owned();
            let mut pf = PcapFile::open(&d.join("input.pcap")).unwrap();
            let (v, err) = read_all(&mut pf);
            frames += v.len();
            if name.starts_with("bug-1450-0") {
                // These four captures end in a garbage record header (caplen 4325376).
                assert_eq!(v.len(), 6, "{name}");
                match err {
                    Some(CaptureError::Corrupt { offset: 5035, .. }) => {}
                    other => panic!("{name}: {other:?}"),
                }
            } else {
                assert!(err.is_none(), "{name}: {err:?}");
                assert!(!v.is_empty(), "{name}");
            }
        }
        assert!(frames > 1000, "{frames}");
    }

    #[test]
    fn truncated_copy_delivers_earlier_frames_then_offset() {
        let full = std::fs::read(format!("{SHARED}/pcaps/hydra-ftp.pcap")).unwrap();
        let mut pf = from_bytes(full.clone()).unwrap();
        let mut offsets = vec![pf.offset()];
        while pf.next_frame().unwrap().is_some() {
            offsets.push(pf.offset());
        }
        assert_eq!(offsets.len(), 490);
        let last_start = offsets[488];
        for cut in [full.len() - 10, last_start as usize + 5] {
            let mut pf = from_bytes(full[..cut].to_vec()).unwrap();
            let (v, err) = read_all(&mut pf);
            assert_eq!(v.len(), 488);
            match err {
                Some(CaptureError::Truncated { offset, .. }) => assert_eq!(offset, last_start),
                other => panic!("{other:?}"),
            }
            // The stream stays ended.
            assert!(pf.next_frame().unwrap().is_none());
        }
        // Cut exactly at a record boundary: a clean end.
        let mut pf = from_bytes(full[..last_start as usize].to_vec()).unwrap();
        let (v, err) = read_all(&mut pf);
        assert_eq!((v.len(), err.is_none()), (488, true));
    }

    #[test]
    fn tiny_reads_refill_correctly() {
        /// A reader that returns at most 7 bytes per call.
        struct Trickle(Cursor<Vec<u8>>);
        impl Read for Trickle {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(7);
                self.0.read(&mut buf[..n])
            }
        }
        let full = std::fs::read(format!("{SHARED}/pcaps/zmap.pcap")).unwrap();
        let mut a = from_bytes(full.clone()).unwrap();
        let mut b = PcapFile::from_reader(Path::new("t"), Trickle(Cursor::new(full))).unwrap();
        let (va, _) = read_all(&mut a);
        let (vb, eb) = read_all(&mut b);
        assert!(eb.is_none());
        assert_eq!(va, vb);
        assert_eq!(vb.len(), 275);
    }

    #[test]
    fn nanosecond_and_big_endian_legacy() {
        let recs: &[(u32, u32, &[u8], u32)] = &[(100, 123_456_789, b"abcd", 60), (101, 999_999_999, b"", 0)];
        for be in [false, true] {
            let mut pf = from_bytes(legacy(be, 0xa1b2_3c4d, 101, recs)).unwrap();
            let (v, err) = read_all(&mut pf);
            assert!(err.is_none());
            assert_eq!(v.len(), 2);
            assert_eq!(
                v[0],
                (
                    Timestamp::from_parts(100, 123_456),
                    LinkType::Raw,
                    b"abcd".to_vec(),
                    60
                )
            );
            assert_eq!(v[1].0, Timestamp::from_parts(101, 999_999));
            let mut pf = from_bytes(legacy(be, 0xa1b2_c3d4, 0, recs)).unwrap();
            let (v, _) = read_all(&mut pf);
            assert_eq!(
                (v[0].0, v[0].1),
                (Timestamp::from_parts(100, 123_456_789), LinkType::Null)
            );
        }
    }

    #[test]
    fn bad_headers_and_garbage() {
        assert!(matches!(from_bytes(vec![]), Err(CaptureError::Format { .. })));
        assert!(matches!(
            from_bytes(b"GET / HTTP/1.1\r\n\r\n.......".to_vec()),
            Err(CaptureError::Format { .. })
        ));
        assert!(matches!(
            from_bytes(vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0]),
            Err(CaptureError::Truncated { offset: 0, .. })
        ));
        match from_bytes(legacy(false, 0xa1b2_c3d4, 105, &[])) {
            Err(CaptureError::LinkType { dlt: 105, .. }) => {}
            other => panic!("{other:?}"),
        }
        // FCS bits in the link type field are ignored.
        assert!(from_bytes(legacy(false, 0xa1b2_c3d4, 0x1000_0001, &[])).is_ok());
        // One good record, then a record header claiming 4 GiB.
        let mut b = legacy(false, 0xa1b2_c3d4, 1, &[(1, 0, &[0u8; 20], 20)]);
        b.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
        let mut pf = from_bytes(b).unwrap();
        let (v, err) = read_all(&mut pf);
        assert_eq!(v.len(), 1);
        match err {
            Some(CaptureError::Corrupt { offset: 60, what, .. }) => {
                assert!(what.contains("4294967295"), "{what}")
            }
            other => panic!("{other:?}"),
        }
        // An empty capture is a clean end.
        let mut pf = from_bytes(legacy(false, 0xa1b2_c3d4, 1, &[])).unwrap();
        assert!(pf.next_frame().unwrap().is_none());
        // The largest record libpcap allows is read (the buffer grows past its initial size).
        let big = vec![0x5a; MAX_CAPLEN as usize];
        let mut pf = from_bytes(legacy(
            true,
            0xa1b2_c3d4,
            1,
            &[(1, 0, &big, MAX_CAPLEN), (2, 0, b"x", 1)],
        ))
        .unwrap();
        let (v, err) = read_all(&mut pf);
        assert!(err.is_none());
        assert_eq!(
            (v.len(), v[0].2.len(), v[1].2.as_slice()),
            (2, MAX_CAPLEN as usize, &b"x"[..])
        );
    }

    /// pcapng writer for the tests.
    struct Ng {
        be: bool,
        out: Vec<u8>,
    }

    impl Ng {
        fn u32b(&self, x: u32) -> [u8; 4] {
            if self.be {
                x.to_be_bytes()
            } else {
                x.to_le_bytes()
            }
        }
        fn u16b(&self, x: u16) -> [u8; 2] {
            if self.be {
                x.to_be_bytes()
            } else {
                x.to_le_bytes()
            }
        }
        fn block(&mut self, btype: u32, body: &[u8]) {
            let mut body = body.to_vec();
            while !body.len().is_multiple_of(4) {
                body.push(0);
            }
            let len = 12 + body.len() as u32;
            let (t, l) = (self.u32b(btype), self.u32b(len));
            self.out.extend_from_slice(&t);
            self.out.extend_from_slice(&l);
            self.out.extend_from_slice(&body);
            self.out.extend_from_slice(&l);
        }
        fn shb(&mut self) {
            let mut b = self.u32b(BOM).to_vec();
            b.extend_from_slice(&self.u16b(1));
            b.extend_from_slice(&self.u16b(0));
            b.extend_from_slice(&[0xff; 8]); // section length unknown
            self.block(SHB_MAGIC, &b);
        }
        fn idb(&mut self, dlt: u16, tsresol: Option<u8>) {
            let mut b = self.u16b(dlt).to_vec();
            b.extend_from_slice(&self.u16b(0));
            b.extend_from_slice(&self.u32b(0));
            if let Some(r) = tsresol {
                b.extend_from_slice(&self.u16b(9));
                b.extend_from_slice(&self.u16b(1));
                b.extend_from_slice(&[r, 0, 0, 0]);
                b.extend_from_slice(&[0, 0, 0, 0]); // opt_endofopt
            }
            self.block(IDB_MAGIC, &b);
        }
        fn epb(&mut self, if_id: u32, ts: u64, data: &[u8], orig: u32) {
            let mut b = self.u32b(if_id).to_vec();
            b.extend_from_slice(&self.u32b((ts >> 32) as u32));
            b.extend_from_slice(&self.u32b(ts as u32));
            b.extend_from_slice(&self.u32b(data.len() as u32));
            b.extend_from_slice(&self.u32b(orig));
            b.extend_from_slice(data);
            self.block(EPB_MAGIC, &b);
        }
        fn spb(&mut self, data: &[u8]) {
            let mut b = self.u32b(data.len() as u32).to_vec();
            b.extend_from_slice(data);
            self.block(SPB_MAGIC, &b);
        }
    }

    #[test]
    fn pcapng_interfaces_resolutions_and_sections() {
        let mut w = Ng {
            be: false,
            out: Vec::new(),
        };
        w.shb();
        w.idb(1, Some(9)); // 0: Ethernet, nanoseconds
        w.idb(101, None); // 1: raw IP, microseconds (default)
        w.idb(147, None); // 2: DLT_USER0, unsupported
        w.epb(0, 1_700_000_000_123_456_789, b"eth-frame", 100);
        w.epb(1, 1_700_000_001_000_002, b"raw", 3);
        w.epb(2, 5, b"user0", 5);
        w.epb(7, 5, b"no such interface", 17);
        w.block(0x0000_0bad, b"custom-ish unknown block");
        w.block(0x0000_0005, &[0; 28]); // interface statistics
        w.spb(b"simple123");
        // A second section, big-endian, resets the interfaces.
        let mut b = Ng {
            be: true,
            out: Vec::new(),
        };
        b.shb();
        b.idb(113, Some(0x80 | 10)); // SLL, 2^-10 s
        b.epb(0, (42 << 10) | 512, b"sll", 3);
        w.out.extend_from_slice(&b.out);
        let mut pf = from_bytes(w.out).unwrap();
        let (v, err) = read_all(&mut pf);
        assert!(err.is_none(), "{err:?}");
        let got: Vec<_> = v.iter().map(|f| (f.0, f.1, f.2.as_slice(), f.3)).collect();
        assert_eq!(
            got,
            vec![
                (
                    Timestamp::from_parts(1_700_000_000, 123_456),
                    LinkType::Ethernet,
                    &b"eth-frame"[..],
                    100
                ),
                (
                    Timestamp::from_parts(1_700_000_001, 2),
                    LinkType::Raw,
                    &b"raw"[..],
                    3
                ),
                (Timestamp(0), LinkType::Ethernet, &b"simple123"[..], 9),
                (
                    Timestamp::from_parts(42, 500_000),
                    LinkType::LinuxSll,
                    &b"sll"[..],
                    3
                ),
            ]
        );
        assert_eq!(pf.frames_skipped(), 2);
    }

    #[test]
    fn pcapng_errors() {
        let mut w = Ng {
            be: false,
            out: Vec::new(),
        };
        w.shb();
        w.idb(1, None);
        w.epb(0, 1, b"one", 3);
        let good_len = w.out.len();
        w.epb(0, 2, b"two", 3);
        // Truncated final block.
        let mut pf = from_bytes(w.out[..w.out.len() - 3].to_vec()).unwrap();
        let (v, err) = read_all(&mut pf);
        assert_eq!(v.len(), 1);
        assert!(matches!(err, Some(CaptureError::Truncated { offset, .. }) if offset == good_len as u64));
        // Block length not a multiple of 4.
        let mut bad = w.out[..good_len].to_vec();
        bad.extend_from_slice(&[6, 0, 0, 0, 13, 0, 0, 0]);
        bad.extend_from_slice(&[0; 8]);
        let mut pf = from_bytes(bad).unwrap();
        let (v, err) = read_all(&mut pf);
        assert_eq!(v.len(), 1);
        assert!(matches!(err, Some(CaptureError::Corrupt { offset, .. }) if offset == good_len as u64));
        // Trailing length mismatch on an EPB.
        let mut bad = w.out.clone();
        let n = bad.len();
        bad[n - 4] = 0x99;
        let (v, err) = read_all(&mut from_bytes(bad).unwrap());
        assert_eq!(v.len(), 1);
        assert!(matches!(err, Some(CaptureError::Corrupt { .. })));
        // Bad byte-order magic at open.
        let mut bad = w.out.clone();
        bad[8] = 0;
        assert!(matches!(
            from_bytes(bad),
            Err(CaptureError::Corrupt { offset: 0, .. })
        ));
        // A huge metadata block is streamed past; a huge packet block is corrupt.
        let mut w2 = Ng {
            be: false,
            out: Vec::new(),
        };
        w2.shb();
        w2.idb(1, None);
        w2.block(0x0000_0bad, &vec![7u8; MAX_BLOCK + 100]);
        w2.epb(0, 1, b"after", 5);
        let (v, err) = read_all(&mut from_bytes(w2.out).unwrap());
        assert!(err.is_none(), "{err:?}");
        assert_eq!(v.len(), 1);
        let mut w3 = Ng {
            be: false,
            out: Vec::new(),
        };
        w3.shb();
        w3.idb(1, None);
        w3.epb(0, 1, &vec![0u8; MAX_BLOCK], 5);
        let (v, err) = read_all(&mut from_bytes(w3.out).unwrap());
        assert!(v.is_empty());
        assert!(matches!(err, Some(CaptureError::Corrupt { .. })), "{err:?}");
    }

    #[test]
    fn ts_resolution_values() {
        assert_eq!(ts_resolution(6), Some(1_000_000));
        assert_eq!(ts_resolution(9), Some(1_000_000_000));
        assert_eq!(ts_resolution(19), Some(10_000_000_000_000_000_000));
        assert_eq!(ts_resolution(20), None);
        assert_eq!(ts_resolution(0x80 | 10), Some(1024));
        assert_eq!(ts_resolution(0x80 | 63), Some(1 << 63));
        assert_eq!(ts_resolution(0x80 | 64), None);
        assert_eq!(
            ng_timestamp(0, 1536, 1024, 10),
            Timestamp::from_parts(11, 500_000)
        );
        assert_eq!(
            ng_timestamp(u32::MAX, u32::MAX, 1, 0).secs(),
            i64::MAX / 1_000_000
        );
    }

    #[test]
    fn every_prefix_of_a_pcapng_is_handled() {
        let mut w = Ng {
            be: true,
            out: Vec::new(),
        };
        w.shb();
        w.idb(1, Some(3));
        w.epb(0, 12345, b"frame-one", 9);
        w.spb(b"two");
        for n in 0..w.out.len() {
            if let Ok(mut pf) = from_bytes(w.out[..n].to_vec()) {
                let (v, _) = read_all(&mut pf);
                assert!(v.len() <= 2);
            }
        }
    }
}
