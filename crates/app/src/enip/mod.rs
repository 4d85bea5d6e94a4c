//! EtherNet/IP and CIP (TCP and UDP 44818) as Suricata 7.0.10's C parser reads them
//! (`app-layer-enip.c`, `app-layer-enip-common.c`). Suricata disables the protocol by default
//! (`app-layer.protocols.enip.enabled: no`).
//!
//! Every ENIP PDU is one transaction, in the direction it travelled (a to-server transaction is
//! inspected to server only, and the other way round); the transaction ids count the PDUs of
//! both directions. Nothing is buffered across chunks, as in Suricata: each chunk (TCP) or
//! datagram (UDP) is decoded from its start, PDU after PDU, while at least a header's worth of
//! bytes is left; a PDU longer than what is left still makes a transaction (decoded as far as
//! the bytes go) and ends the chunk. A chunk shorter than a header makes a transaction whose
//! header is all zero. The CIP decoding keeps Suricata's quirks: offsets are 16-bit and wrap,
//! the decoder may read past its PDU into the rest of the chunk, an 8-bit attribute segment
//! stores the current class, and at most 33 services are kept per transaction.
//!
//! Inspection: [`EnipRecord::command`] (`enip_command`), [`EnipRecord::services`]
//! (`cip_service`). Suricata 7 has no EVE logger for ENIP: the records are inspected only.

use crate::{AppEvent, Cx, Parser, Record};
use flow::Direction;

#[cfg(test)]
mod tests;

/// Size of the encapsulation header (`sizeof(ENIPEncapHdr)`).
pub const HDR_LEN: usize = 24;
/// Suricata stops adding services once a transaction has more than 32.
const MAX_SERVICES: u16 = 32;
/// Most attributes kept per service of a `Get/Set_Attribute_List` (the rest are counted in
/// [`EnipRecord::attrs_dropped`]).
pub const MAX_ATTRS: usize = 1024;
/// Most service offsets a PDU's Multiple Service Packets may walk (Suricata has no limit; its
/// walk is bounded by the chunk only). Bounds the work per PDU.
pub const MSP_BUDGET: u32 = 16 * 1024;

// ENIP commands.
pub const LIST_SERVICES: u16 = 0x0004;
pub const LIST_IDENTITY: u16 = 0x0063;
pub const LIST_INTERFACES: u16 = 0x0064;
pub const REGISTER_SESSION: u16 = 0x0065;
pub const UNREGISTER_SESSION: u16 = 0x0066;
pub const SEND_RR_DATA: u16 = 0x006f;
pub const SEND_UNIT_DATA: u16 = 0x0070;
pub const INDICATE_STATUS: u16 = 0x0072;
pub const CANCEL: u16 = 0x0073;

// Common Packet Format item types.
const CONNECTION_BASED: u16 = 0x00a1;
const CONNECTED_DATA_ITEM: u16 = 0x00b1;
const UNCONNECTED_DATA_ITEM: u16 = 0x00b2;
const SEQUENCE_ADDR_ITEM: u16 = 0xb002;

// CIP services.
pub const CIP_GET_ATTR_LIST: u8 = 0x03;
pub const CIP_SET_ATTR_LIST: u8 = 0x04;
pub const CIP_MSP: u8 = 0x0a;
pub const CIP_GET_ATTR_SINGLE: u8 = 0x0e;
pub const CIP_SET_ATTR_SINGLE: u8 = 0x10;

// Path segment types.
pub const PATH_CLASS_8BIT: u8 = 0x20;
pub const PATH_CLASS_16BIT: u8 = 0x21;
pub const PATH_INSTANCE_8BIT: u8 = 0x24;
pub const PATH_INSTANCE_16BIT: u8 = 0x25;
pub const PATH_ATTR_8BIT: u8 = 0x30;

/// One CIP service of a transaction (Suricata's `CIPServiceEntry`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CipService {
    /// The service code (the response bit stripped).
    pub service: u8,
    /// A response (the service code had its top bit set).
    pub response: bool,
    /// Request path segments kept by Suricata: (segment type, value) for the class segments
    /// and the 8-bit attribute segments (whose value is the class before them).
    pub segments: Vec<(u8, u16)>,
    /// The attributes of a `Get/Set_Attribute_List` request.
    pub attributes: Vec<u16>,
}

/// One ENIP PDU (Suricata's `ENIPTransaction`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnipRecord {
    pub command: u16,
    pub length: u16,
    pub session: u32,
    pub status: u32,
    pub context: u64,
    pub option: u32,
    /// Common Packet Format data item type and length (SendRRData / SendUnitData).
    pub item_type: u16,
    pub item_length: u16,
    pub services: Vec<CipService>,
    /// Attributes not kept past [`MAX_ATTRS`].
    pub attrs_dropped: u32,
    /// The PDU travelled to the server.
    pub to_server: bool,
}

/// Suricata's `ENIPExtractUint*` over the chunk, with its 16-bit offset.
struct Dec<'a> {
    b: &'a [u8],
    tx: &'a mut EnipRecord,
    service_count: u16,
    budget: u32,
}

impl Dec<'_> {
    fn take<const N: usize>(&self, off: &mut u16) -> Option<[u8; N]> {
        let len = self.b.len();
        let at = usize::from(*off);
        if len < N || at > len - N {
            return None;
        }
        let v: [u8; N] = self.b.get(at..at + N)?.try_into().ok()?;
        *off = off.wrapping_add(N as u16);
        Some(v)
    }
    fn u8(&self, off: &mut u16) -> Option<u8> {
        self.take::<1>(off).map(|[b]| b)
    }
    fn u16(&self, off: &mut u16) -> Option<u16> {
        self.take::<2>(off).map(u16::from_le_bytes)
    }
    fn u32(&self, off: &mut u16) -> Option<u32> {
        self.take::<4>(off).map(u32::from_le_bytes)
    }
    fn u64(&self, off: &mut u16) -> Option<u64> {
        self.take::<8>(off).map(u64::from_le_bytes)
    }

    /// `DecodeENIPPDU`.
    fn pdu(&mut self) -> Option<()> {
        let mut off = 0u16;
        let cmd = self.u16(&mut off)?;
        let len = self.u16(&mut off)?;
        let session = self.u32(&mut off)?;
        let status = self.u32(&mut off)?;
        let context = self.u64(&mut off)?;
        let option = self.u32(&mut off)?;
        self.tx.command = cmd;
        self.tx.length = len;
        self.tx.session = session;
        self.tx.status = status;
        self.tx.context = context;
        self.tx.option = option;
        if matches!(cmd, SEND_RR_DATA | SEND_UNIT_DATA) {
            self.cpf(off);
        }
        Some(())
    }

    /// `DecodeCommonPacketFormatPDU`.
    fn cpf(&mut self, mut off: u16) -> Option<()> {
        if usize::from(self.tx.length) < 8 {
            return None;
        }
        let _handle = self.u32(&mut off)?;
        let _timeout = self.u16(&mut off)?;
        let _count = self.u16(&mut off)?;
        let addr_type = self.u16(&mut off)?;
        let _addr_len = self.u16(&mut off)?;
        if addr_type == CONNECTION_BASED {
            self.u32(&mut off)?;
        } else if addr_type == SEQUENCE_ADDR_ITEM {
            self.u32(&mut off)?;
            self.u32(&mut off)?;
        }
        let data_type = self.u16(&mut off)?;
        let data_len = self.u16(&mut off)?;
        self.tx.item_type = data_type;
        self.tx.item_length = data_len;
        if data_type == CONNECTED_DATA_ITEM {
            self.u16(&mut off)?;
        }
        if matches!(data_type, CONNECTED_DATA_ITEM | UNCONNECTED_DATA_ITEM) {
            self.cip(off);
        }
        Some(())
    }

    /// `DecodeCIPPDU`.
    fn cip(&mut self, off: u16) -> Option<()> {
        if self.tx.item_length == 0 {
            return None;
        }
        let service = *self.b.get(usize::from(off))?;
        if service >> 7 != 0 {
            self.response(off)
        } else {
            self.request(off)
        }
    }

    fn add_service(&mut self, svc: CipService) -> Option<usize> {
        if self.service_count > MAX_SERVICES {
            return None;
        }
        self.service_count += 1;
        self.tx.services.push(svc);
        Some(self.tx.services.len() - 1)
    }

    /// `DecodeCIPRequestPDU`.
    fn request(&mut self, mut off: u16) -> Option<()> {
        if self.tx.item_length < 2 {
            return None;
        }
        let service = self.u8(&mut off)?;
        let path_size = self.u8(&mut off)?;
        if service > 127 {
            return None;
        }
        let idx = self.add_service(CipService {
            service,
            ..Default::default()
        })?;
        self.path(idx, service, path_size, off);
        let off = off.wrapping_add(u16::from(path_size) * 2);
        if service == CIP_MSP {
            self.msp(off);
        }
        Some(())
    }

    /// `DecodeCIPRequestPathPDU`.
    fn path(&mut self, idx: usize, service: u8, path_size: u8, mut off: u16) -> Option<()> {
        if path_size < 1 {
            return None;
        }
        let mut remain = i32::from(path_size);
        let mut class = 0u16;
        while remain > 0 {
            let segment = self.u8(&mut off)?;
            match segment {
                PATH_CLASS_8BIT => {
                    class = u16::from(self.u8(&mut off)?);
                    self.push_segment(idx, segment, class);
                    remain -= 1;
                }
                PATH_INSTANCE_8BIT => {
                    self.u8(&mut off)?;
                    remain -= 1;
                }
                PATH_ATTR_8BIT => {
                    self.u8(&mut off)?;
                    // Suricata keeps the class as the segment's value.
                    self.push_segment(idx, segment, class);
                    remain -= 1;
                }
                PATH_CLASS_16BIT => {
                    self.u8(&mut off)?;
                    class = self.u16(&mut off)?;
                    self.push_segment(idx, segment, class);
                    remain = (remain - 2).max(0);
                }
                PATH_INSTANCE_16BIT => {
                    self.u8(&mut off)?;
                    self.u16(&mut off)?;
                    remain = (remain - 2).max(0);
                }
                _ => return None,
            }
        }
        if matches!(service, CIP_SET_ATTR_LIST | CIP_GET_ATTR_LIST) {
            let count = self.u16(&mut off)?;
            for _ in 0..count {
                let a = self.u16(&mut off)?;
                let svc = self.tx.services.get_mut(idx)?;
                if svc.attributes.len() < MAX_ATTRS {
                    svc.attributes.push(a);
                } else {
                    self.tx.attrs_dropped = self.tx.attrs_dropped.saturating_add(1);
                }
            }
        }
        Some(())
    }

    fn push_segment(&mut self, idx: usize, segment: u8, value: u16) {
        if let Some(svc) = self.tx.services.get_mut(idx) {
            svc.segments.push((segment, value));
        }
    }

    /// `DecodeCIPResponsePDU`.
    fn response(&mut self, mut off: u16) -> Option<()> {
        if self.tx.item_length < 4 {
            return None;
        }
        let service = self.u8(&mut off)?;
        let _reserved = self.u8(&mut off)?;
        let _status = self.u16(&mut off)?;
        let service = service & 0x7f;
        self.add_service(CipService {
            service,
            response: true,
            ..Default::default()
        })?;
        if service == CIP_MSP {
            self.msp(off);
        }
        Some(())
    }

    /// `DecodeCIPRequestMSPPDU` / `DecodeCIPResponseMSPPDU`: a service count, then that many
    /// service offsets, each relative to `off`; each service is decoded in turn.
    fn msp(&mut self, off: u16) -> Option<()> {
        let len = self.b.len();
        // `offset >= input_len - 2` (the chunk holds at least a header here).
        if usize::from(off) >= len.saturating_sub(2) {
            return None;
        }
        let mut temp = off;
        let num = u16::from_le_bytes([
            *self.b.get(usize::from(temp))?,
            *self.b.get(usize::from(temp) + 1)?,
        ]);
        temp = temp.wrapping_add(2);
        for _ in 0..num {
            if usize::from(temp) >= len.saturating_sub(2) {
                return None;
            }
            if self.budget == 0 {
                return None;
            }
            self.budget -= 1;
            let at = usize::from(temp);
            let svc_off = u16::from_le_bytes([*self.b.get(at)?, *self.b.get(at + 1)?]);
            temp = temp.wrapping_add(2);
            self.cip(off.wrapping_add(svc_off));
        }
        Some(())
    }
}

/// Decodes the PDU at the start of `b` (the rest of the chunk follows it) into `tx`.
pub fn decode_pdu(b: &[u8], tx: &mut EnipRecord) {
    let mut d = Dec {
        b,
        tx,
        service_count: 0,
        budget: MSP_BUDGET,
    };
    let _ = d.pdu();
}

/// Suricata 7.0.10's `ENIPProbingParser`.
pub fn probe(b: &[u8]) -> Option<bool> {
    if b.len() < HDR_LEN {
        return None;
    }
    let le16 = |at: usize| b.get(at..at + 2).map(|x| u16::from_le_bytes([x[0], x[1]]));
    let le32 = |at: usize| {
        b.get(at..at + 4)
            .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
    };
    let status = le32(8)?;
    if !matches!(status, 0x00..=0x03 | 0x64 | 0x65 | 0x69 | 0x6a) {
        return Some(false);
    }
    let cmd = le16(0)?;
    let option = le32(20)?;
    let len = le16(2)?;
    Some(match cmd {
        0 => option == 0,
        REGISTER_SESSION => len == 4,
        UNREGISTER_SESSION => len == 4 || len == 0,
        LIST_SERVICES | LIST_IDENTITY | SEND_RR_DATA | SEND_UNIT_DATA | INDICATE_STATUS | CANCEL => true,
        LIST_INTERFACES => {
            if b.len() < HDR_LEN + 2 {
                return None;
            }
            // Suricata reads the item count at offset 0 (the command itself).
            let items = le16(0)?;
            usize::from(len) >= HDR_LEN + 2 * usize::from(items)
        }
        _ => false,
    })
}

/// The ENIP parser of one flow (TCP or UDP).
#[derive(Debug, Default)]
pub struct EnipParser {
    tx_id: u64,
}

impl EnipParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Suricata's `ENIPParse` over one chunk or datagram: the transactions it makes.
    pub fn parse(&mut self, dir: Direction, mut b: &[u8], mut emit: impl FnMut(u64, EnipRecord)) {
        while !b.is_empty() {
            let mut tx = EnipRecord {
                to_server: dir == Direction::ToServer,
                ..Default::default()
            };
            decode_pdu(b, &mut tx);
            let pkt_len = usize::from(tx.length) + HDR_LEN;
            let id = self.tx_id;
            self.tx_id += 1;
            emit(id, tx);
            if pkt_len > b.len() {
                break;
            }
            b = b.get(pkt_len..).unwrap_or_default();
            if b.len() < HDR_LEN {
                break;
            }
        }
    }
}

impl Parser for EnipParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        let ts = cx.ts;
        let out = &mut *cx.out;
        self.parse(dir, data, |id, tx| {
            out.push(AppEvent {
                ts,
                dir,
                tx_id: Some(id),
                record: Record::Enip(Box::new(tx)),
            })
        });
    }
}
