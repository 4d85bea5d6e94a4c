//! HTTP/2 frames (RFC 9113 §4 and §6): the 9-byte frame header and the payloads of the frame
//! types, parsed as Suricata 7 parses them (lengths checked per type, SETTINGS read up to the
//! first unknown identifier, padding and priority fields of HEADERS/PUSH_PROMISE honoured).

use super::hpack::Field;

/// Length of a frame header.
pub const HEADER_LEN: usize = 9;
/// The client connection preface.
pub const MAGIC: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Frame types.
pub mod ftype {
    pub const DATA: u8 = 0;
    pub const HEADERS: u8 = 1;
    pub const PRIORITY: u8 = 2;
    pub const RST_STREAM: u8 = 3;
    pub const SETTINGS: u8 = 4;
    pub const PUSH_PROMISE: u8 = 5;
    pub const PING: u8 = 6;
    pub const GOAWAY: u8 = 7;
    pub const WINDOW_UPDATE: u8 = 8;
    pub const CONTINUATION: u8 = 9;
}

/// Frame flags.
pub mod flags {
    /// END_STREAM (DATA, HEADERS); ACK for SETTINGS and PING.
    pub const END_STREAM: u8 = 0x1;
    pub const END_HEADERS: u8 = 0x4;
    pub const PADDED: u8 = 0x8;
    pub const PRIORITY: u8 = 0x20;
}

/// A frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FrameHeader {
    pub length: u32,
    pub ftype: u8,
    pub flags: u8,
    /// The reserved bit before the stream identifier.
    pub reserved: bool,
    pub stream_id: u32,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let x = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

impl FrameHeader {
    /// Parses the first 9 bytes of `b` (None when shorter).
    pub fn parse(b: &[u8]) -> Option<FrameHeader> {
        let h = b.get(..HEADER_LEN)?;
        let sid = be32(h, 5)?;
        Some(FrameHeader {
            length: (u32::from(h[0]) << 16) | (u32::from(h[1]) << 8) | u32::from(h[2]),
            ftype: h[3],
            flags: h[4],
            reserved: sid >> 31 != 0,
            stream_id: sid & 0x7fff_ffff,
        })
    }

    /// Writes the header (tests and fuzzing build frames with it).
    pub fn emit(&self, out: &mut Vec<u8>) {
        let l = self.length.to_be_bytes();
        out.extend_from_slice(&l[1..]);
        out.push(self.ftype);
        out.push(self.flags);
        let sid = self.stream_id | (u32::from(self.reserved) << 31);
        out.extend_from_slice(&sid.to_be_bytes());
    }

    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// SETTINGS identifiers Suricata knows (it stops reading a SETTINGS frame at any other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingId {
    HeaderTableSize = 1,
    EnablePush = 2,
    MaxConcurrentStreams = 3,
    InitialWindowSize = 4,
    MaxFrameSize = 5,
    MaxHeaderListSize = 6,
}

impl SettingId {
    pub fn from_u16(v: u16) -> Option<SettingId> {
        Some(match v {
            1 => SettingId::HeaderTableSize,
            2 => SettingId::EnablePush,
            3 => SettingId::MaxConcurrentStreams,
            4 => SettingId::InitialWindowSize,
            5 => SettingId::MaxFrameSize,
            6 => SettingId::MaxHeaderListSize,
            _ => return None,
        })
    }

    /// EVE `settings_id`.
    pub fn eve_name(self) -> &'static str {
        match self {
            SettingId::HeaderTableSize => "SETTINGSHEADERTABLESIZE",
            SettingId::EnablePush => "SETTINGSENABLEPUSH",
            SettingId::MaxConcurrentStreams => "SETTINGSMAXCONCURRENTSTREAMS",
            SettingId::InitialWindowSize => "SETTINGSINITIALWINDOWSIZE",
            SettingId::MaxFrameSize => "SETTINGSMAXFRAMESIZE",
            SettingId::MaxHeaderListSize => "SETTINGSMAXHEADERLISTSIZE",
        }
    }
}

/// One SETTINGS parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    pub id: SettingId,
    pub value: u32,
}

/// Parses SETTINGS parameters up to the first unknown identifier or short entry.
pub fn parse_settings(b: &[u8]) -> Vec<Setting> {
    let mut v = Vec::with_capacity(b.len() / 6);
    for e in b.chunks_exact(6) {
        let Some(id) = SettingId::from_u16(u16::from_be_bytes([e[0], e[1]])) else {
            break;
        };
        v.push(Setting {
            id,
            value: u32::from_be_bytes([e[2], e[3], e[4], e[5]]),
        });
    }
    v
}

/// The Debug name Suricata gives an error code (`NoError`, ...), None when unknown.
pub fn error_code_name(code: u32) -> Option<&'static str> {
    Some(match code {
        0 => "NoError",
        1 => "ProtocolError",
        2 => "InternalError",
        3 => "FlowControlError",
        4 => "SettingsTimeout",
        5 => "StreamClosed",
        6 => "FrameSizeError",
        7 => "RefusedStream",
        8 => "Cancel",
        9 => "CompressionError",
        10 => "ConnectError",
        11 => "EnhanceYourCalm",
        12 => "InadequateSecurity",
        13 => "Http11Required",
        _ => return None,
    })
}

/// PRIORITY payload (also the priority fields of HEADERS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Priority {
    pub exclusive: bool,
    pub dependency: u32,
    pub weight: u8,
}

impl Priority {
    pub fn parse(b: &[u8]) -> Option<Priority> {
        let d = be32(b, 0)?;
        Some(Priority {
            exclusive: d >> 31 != 0,
            dependency: d & 0x7fff_ffff,
            weight: *b.get(4)?,
        })
    }
}

/// Reads a 4-byte payload (RST_STREAM / GOAWAY error code, WINDOW_UPDATE increment).
pub fn parse_u32(b: &[u8]) -> Option<u32> {
    be32(b, 0)
}

/// Why a frame's payload was not understood (Suricata's `HTTP2FrameUnhandledReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unhandled {
    UnknownType,
    TooLong,
    ParsingError,
    Incomplete,
}

/// A parsed frame payload, as kept in a transaction.
#[derive(Debug, Clone)]
pub enum FrameData {
    Data,
    Headers {
        priority: Option<Priority>,
        fields: Vec<Field>,
    },
    Priority(Priority),
    RstStream(u32),
    Settings(Vec<Setting>),
    PushPromise {
        promised: u32,
        fields: Vec<Field>,
    },
    Ping,
    GoAway(u32),
    WindowUpdate(u32),
    Continuation {
        fields: Vec<Field>,
    },
    Unhandled(Unhandled),
}

impl FrameData {
    /// The header fields of a HEADERS, PUSH_PROMISE or CONTINUATION frame.
    pub fn fields(&self) -> Option<&[Field]> {
        match self {
            FrameData::Headers { fields, .. }
            | FrameData::PushPromise { fields, .. }
            | FrameData::Continuation { fields } => Some(fields),
            _ => None,
        }
    }
}

/// A frame kept in a transaction.
#[derive(Debug, Clone)]
pub struct Frame {
    pub header: FrameHeader,
    pub data: FrameData,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_roundtrip() {
        let h = FrameHeader {
            length: 0x01_0203,
            ftype: ftype::HEADERS,
            flags: flags::END_HEADERS | flags::END_STREAM,
            reserved: true,
            stream_id: 7,
        };
        let mut b = Vec::new();
        h.emit(&mut b);
        assert_eq!(b, [1, 2, 3, 1, 5, 0x80, 0, 0, 7]);
        assert_eq!(FrameHeader::parse(&b), Some(h));
        assert_eq!(FrameHeader::parse(&b[..8]), None);
    }

    #[test]
    fn settings_stop_at_unknown() {
        let b = [0, 3, 0, 0, 0, 100, 0, 8, 0, 0, 0, 1, 0, 4, 0, 0, 0, 1];
        assert_eq!(
            parse_settings(&b),
            vec![Setting {
                id: SettingId::MaxConcurrentStreams,
                value: 100
            }]
        );
        assert_eq!(parse_settings(&[0, 1, 0]), vec![]);
        assert_eq!(
            SettingId::InitialWindowSize.eve_name(),
            "SETTINGSINITIALWINDOWSIZE"
        );
    }

    #[test]
    fn small_payloads() {
        assert_eq!(
            Priority::parse(&[0x80, 0, 0, 3, 15]),
            Some(Priority {
                exclusive: true,
                dependency: 3,
                weight: 15
            })
        );
        assert_eq!(Priority::parse(&[0, 0, 0, 3]), None);
        assert_eq!(parse_u32(&[0, 0, 0, 8]), Some(8));
        assert_eq!(error_code_name(8), Some("Cancel"));
        assert_eq!(error_code_name(99), None);
    }
}
