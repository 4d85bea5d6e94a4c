//! DCERPC carried by SMB named pipes, as Suricata 7.0.10's `smb/dcerpc.rs` tracks it: a
//! REQUEST (or BIND, ...) written to a pipe opens a transaction keyed by session and call id;
//! the PDU read back completes it. BIND keeps the interfaces for the session; BIND_ACK marks
//! which were accepted.

use super::{kind, status, DceIface, DceTx, Hdr, Rd, SmbParser, Tx, TxData, MAX_STUB};
use crate::dcerpc::ptype;

/// SMB2 READ / WRITE commands (their DCERPC transactions ignore the message id).
const SMB2_READ: u16 = 8;
const SMB2_WRITE: u16 = 9;

/// The DCERPC PDU header as Suricata's `parse_dcerpc_record` reads it.
struct Pdu<'a> {
    version: u8,
    version_minor: u8,
    ptype: u8,
    first_frag: bool,
    last_frag: bool,
    little: bool,
    frag_len: u16,
    call_id: u32,
    data: &'a [u8],
}

fn parse_pdu(b: &[u8]) -> Option<Pdu<'_>> {
    let mut r = Rd::new(b);
    let version = r.u8()?;
    let version_minor = r.u8()?;
    let ptype = r.u8()?;
    let flags = r.u8()?;
    let drep = r.take(4)?;
    let little = drep.first().is_some_and(|d| d & 0x10 != 0);
    let rd16 = |x: &[u8]| -> Option<u16> {
        let a: [u8; 2] = x.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(a)
        } else {
            u16::from_be_bytes(a)
        })
    };
    let frag_len = rd16(r.take(2)?)?;
    r.skip(2)?;
    let c: [u8; 4] = r.take(4)?.try_into().ok()?;
    let call_id = if little {
        u32::from_le_bytes(c)
    } else {
        u32::from_be_bytes(c)
    };
    Some(Pdu {
        version,
        version_minor,
        ptype,
        first_frag: flags & 1 != 0,
        last_frag: flags & 2 != 0,
        little,
        frag_len,
        call_id,
        data: r.rest(),
    })
}

/// Suricata's `smb_dcerpc_probe`.
pub(crate) fn probe(b: &[u8]) -> bool {
    parse_pdu(b).is_some_and(|p| p.version == 5 && p.version_minor < 3 && p.frag_len > 0 && p.ptype <= 20)
}

/// The stub of a REQUEST body: (context id, opnum, stub), or `None` when short.
fn request_body<'a>(p: &Pdu<'a>) -> Option<(u16, u16, &'a [u8])> {
    if p.frag_len < 24 {
        return None;
    }
    let mut r = Rd::new(p.data);
    r.skip(4)?;
    let (a, b) = (r.take(2)?, r.take(2)?);
    let rd = |x: &[u8]| -> u16 {
        let a = [x.first().copied().unwrap_or(0), x.get(1).copied().unwrap_or(0)];
        if p.little {
            u16::from_le_bytes(a)
        } else {
            u16::from_be_bytes(a)
        }
    };
    let stub = r.take(usize::from(p.frag_len - 24))?;
    Some((rd(a), rd(b), stub))
}

fn add_stub(buf: &mut Vec<u8>, d: &[u8]) {
    let room = MAX_STUB.saturating_sub(buf.len());
    buf.extend_from_slice(d.get(..room.min(d.len())).unwrap_or_default());
}

/// Suricata's `to_dcerpc`: the key of a DCERPC transaction for a record of `ver`/`cmd`.
fn dce_key(h: &Hdr, ver: u8, cmd: u16) -> Hdr {
    let msg = match ver {
        2 if cmd == SMB2_READ || cmd == SMB2_WRITE => 0,
        2 => h.msg,
        _ => 0,
    };
    Hdr::new(kind::DCERPCTX, h.ssn, h.tree, msg)
}

fn get_dce_tx<'a>(s: &'a mut SmbParser, hdr: &Hdr, ver: u8, cmd: u16, call_id: u32) -> Option<&'a mut Tx> {
    let key = dce_key(hdr, ver, cmd);
    let tx = s.txs.iter_mut().find(|t| {
        key.same(&dce_key(&t.hdr, ver, cmd)) && matches!(&t.data, TxData::Dcerpc(x) if x.call_id == call_id)
    })?;
    tx.touch();
    Some(tx)
}

/// Suricata's `smb_write_dcerpc_record`: a PDU written to a pipe (WRITE, IOCTL or TRANS).
pub(crate) fn write(s: &mut SmbParser, ver: u8, cmd: u16, hdr: Hdr, data: &[u8]) {
    let Some(p) = parse_pdu(data) else {
        s.set_event("malformed_data");
        return;
    };
    if p.ptype == ptype::REQUEST && !p.first_frag {
        match request_body(&p) {
            Some((_, _, stub)) => {
                if let Some(tx) = get_dce_tx(s, &hdr, ver, cmd, p.call_id) {
                    if let TxData::Dcerpc(x) = &mut tx.data {
                        add_stub(&mut x.stub_ts, stub);
                    }
                    if p.last_frag {
                        tx.request_done = true;
                    }
                }
            }
            None => s.set_event("malformed_data"),
        }
        return;
    }
    let mut bind: Option<Vec<DceIface>> = None;
    let dtx = DceTx {
        req_cmd: p.ptype,
        req_set: true,
        call_id: p.call_id,
        ..Default::default()
    };
    let tx = s.new_tx(ver, cmd, hdr, TxData::Dcerpc(Box::new(dtx)));
    match p.ptype {
        ptype::REQUEST => match request_body(&p) {
            Some((_ctx, opnum, stub)) => {
                if let TxData::Dcerpc(x) = &mut tx.data {
                    x.opnum = opnum;
                    add_stub(&mut x.stub_ts, stub);
                }
                if p.last_frag {
                    tx.request_done = true;
                }
            }
            None => {
                tx.set_event("malformed_data");
                tx.request_done = true;
            }
        },
        ptype::BIND => {
            match parse_bind(p.data, p.little) {
                Some(list) => {
                    if !list.is_empty() {
                        bind = Some(list);
                    }
                }
                None => tx.set_event("malformed_data"),
            }
            tx.request_done = true;
            if bind.is_some() {
                s.ifaces = bind;
            }
        }
        21..=255 => {
            tx.set_event("malformed_data");
            tx.request_done = true;
        }
        _ => tx.request_done = true,
    }
}

/// The interfaces of a BIND body (the UUID in written order).
fn parse_bind(b: &[u8], little: bool) -> Option<Vec<DceIface>> {
    let mut r = Rd::new(b);
    r.skip(8)?;
    let n = r.u8()?;
    r.skip(3)?;
    let mut out = Vec::with_capacity(usize::from(n));
    for _ in 0..n {
        r.skip(4)?;
        let u = r.take(16)?;
        let (a, bb) = (r.take(2)?, r.take(2)?);
        r.skip(20)?;
        let mut uuid = [0u8; 16];
        uuid.copy_from_slice(u);
        let (ver, ver_min) = if little {
            uuid[..4].reverse();
            uuid[4..6].reverse();
            uuid[6..8].reverse();
            (
                u16::from_le_bytes([a[0], a[1]]),
                u16::from_le_bytes([bb[0], bb[1]]),
            )
        } else {
            // Suricata reads the big-endian minor version first.
            (
                u16::from_be_bytes([bb[0], bb[1]]),
                u16::from_be_bytes([a[0], a[1]]),
            )
        };
        out.push(DceIface {
            uuid,
            ver,
            ver_min,
            ..Default::default()
        });
    }
    Some(out)
}

/// The BIND_ACK results (ack result of each context).
fn parse_bindack(b: &[u8]) -> Option<Vec<u16>> {
    let mut r = Rd::new(b);
    r.skip(8)?;
    let sec = r.u16()?;
    r.skip(usize::from(sec))?;
    let topad = sec.wrapping_add(2) % 4;
    if topad != 0 {
        r.skip(usize::from(4 - topad))?;
    }
    let n = r.u8()?;
    r.skip(3)?;
    let mut out = Vec::with_capacity(usize::from(n));
    for _ in 0..n {
        let res = r.u16()?;
        r.skip(22)?;
        out.push(res);
    }
    Some(out)
}

/// Suricata's `smb_read_dcerpc_record`: a PDU read back from a pipe (READ, TRANS, IOCTL).
#[allow(clippy::too_many_arguments)]
pub(crate) fn read(
    s: &mut SmbParser,
    ver: u8,
    cmd: u16,
    nt_status: u32,
    hdr: Hdr,
    guid: &[u8],
    indata: &[u8],
) {
    if nt_status != status::SUCCESS && nt_status != status::BUFFER_OVERFLOW {
        if let Some(tx) = s.get_generic_tx(ver, cmd, &hdr) {
            tx.response_done = true;
        }
        return;
    }
    let fkey = (Hdr::new(kind::TRANS_FRAG, hdr.ssn, hdr.tree, 0), guid.to_vec());
    let mut data = s.trans_frag.remove(&fkey).unwrap_or_default();
    if data.len().saturating_add(indata.len()) > MAX_STUB {
        s.stats.records_skipped += 1;
        return;
    }
    data.extend_from_slice(indata);
    if data.is_empty() {
        return;
    }
    let Some(p) = parse_pdu(&data) else {
        s.set_event("malformed_data");
        return;
    };
    if nt_status == status::BUFFER_OVERFLOW && data.len() < usize::from(p.frag_len) {
        if s.trans_frag.len() >= super::MAX_TRANS_FRAG {
            s.stats.map_full += 1;
            return;
        }
        super::bounded_insert(&mut s.trans_frag, fkey, data.clone(), &mut s.stats);
        return;
    }
    if p.ptype == ptype::BINDACK {
        match parse_bindack(p.data) {
            Some(results) => {
                let found = match get_dce_tx(s, &hdr, ver, cmd, p.call_id) {
                    Some(tx) => {
                        if let TxData::Dcerpc(x) = &mut tx.data {
                            x.res_cmd = ptype::BINDACK;
                        }
                        tx.response_done = true;
                        true
                    }
                    None => false,
                };
                if found {
                    if let Some(list) = s.ifaces.as_mut() {
                        for (i, r) in results.into_iter().enumerate() {
                            let Some(f) = list.get_mut(i) else { break };
                            f.ack_result = r;
                            f.acked = true;
                        }
                    }
                }
            }
            None => s.set_event("malformed_data"),
        }
        return;
    }
    let found = get_dce_tx(s, &hdr, ver, cmd, p.call_id).is_some();
    if !found {
        let dtx = DceTx {
            call_id: p.call_id,
            ..Default::default()
        };
        s.new_tx(ver, cmd, hdr, TxData::Dcerpc(Box::new(dtx)));
    }
    let tx = if found {
        get_dce_tx(s, &hdr, ver, cmd, p.call_id)
    } else {
        s.txs.back_mut()
    };
    let Some(tx) = tx else { return };
    match p.ptype {
        ptype::RESPONSE => {
            let body = (p.frag_len >= 24)
                .then(|| {
                    p.data
                        .get(8..)
                        .and_then(|d| d.get(..usize::from(p.frag_len - 24)))
                })
                .flatten();
            match body {
                Some(stub) => {
                    if let TxData::Dcerpc(x) = &mut tx.data {
                        x.res_cmd = ptype::RESPONSE;
                        add_stub(&mut x.stub_tc, stub);
                    }
                    tx.response_done = p.last_frag;
                }
                None => tx.set_event("malformed_data"),
            }
        }
        21..=255 => {
            if let TxData::Dcerpc(x) = &mut tx.data {
                x.res_cmd = p.ptype;
            }
            tx.response_done = true;
            tx.set_event("malformed_data");
        }
        _ => {
            if let TxData::Dcerpc(x) = &mut tx.data {
                x.res_cmd = p.ptype;
            }
            tx.response_done = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_and_header() {
        let mut pdu = vec![5u8, 0, 0, 3, 0x10, 0, 0, 0, 24, 0, 0, 0, 7, 0, 0, 0];
        assert!(probe(&pdu));
        pdu.extend_from_slice(&[0, 0, 0, 0, 1, 0, 9, 0]);
        let p = parse_pdu(&pdu).unwrap();
        assert_eq!(
            (p.call_id, p.frag_len, p.little, p.first_frag, p.last_frag),
            (7, 24, true, true, true)
        );
        assert_eq!(request_body(&p), Some((1, 9, &[][..])));
        assert!(!probe(&[4, 0, 0]));
        assert!(parse_pdu(&[5, 0]).is_none());
    }
}
