use super::*;
use crate::tests_util::{hex, Harness, TC, TS};

/// ListIdentity request and the start of its response (from the `enip-alert` case).
const LIST_ID_REQ: &str = "63000000000000000000000000000000c1debed100000000";
/// A SendUnitData carrying a Multiple Service Packet of 11 requests (from `enip-keywords`).
const MSP_REQ: &str = "7000ba0000010211000000000000000000000000000000000000000001000200a1000400010b7c00b100a60089070a02200224010b00180022002c0036004c005800640072007c008a0094000302200124010100050003022069240001000b0003022073240101000200030220ac240107000100020003000500070009000a000303206825002024010013000302207024010200120013000302208e240103000300080010000302206924000100090003022068240003000f0018001900030220772401010002000302208b240101000600";
/// Its Multiple Service Packet response (11 service responses).
const MSP_RESP: &str = "70000d0100010211000000000000000000000000000000000000000000000200a10004002800fe80b100f90089078a0000000b001800240030003c0074007f009500ad00b900d500e1008300000001000500000060308300000001000b00000003008300000001000200000000008300000007000100000005000200000001000300000095291f04050000000000070000000200000009000000010001000a0000008422df488300000001001300000000830000000200120000000000000013000000000000008300000003000300000014000800000000001000000001008300000001000900000000008300000003000f0000000000180000000000000019000000000000008300000001000200000002018300000001000600000073b4ea05f4590400";
/// A Get_Attribute_List request: class 0x8b, instance 1, attribute 8.
const GET_LIST_REQ: &str = "7000200000010211000000000000000000000000000000000000000001000200a1000400010b7c00b1000c008b070302208b240101000800";

fn records(p: &mut EnipParser, dir: Direction, b: &[u8]) -> Vec<(u64, EnipRecord)> {
    let mut v = Vec::new();
    p.parse(dir, b, |id, tx| v.push((id, tx)));
    v
}

#[test]
fn list_identity_request() {
    let mut h = Harness::new();
    let mut p = EnipParser::new();
    h.feed(&mut p, TS, &hex(LIST_ID_REQ));
    assert_eq!(h.out.len(), 1);
    assert_eq!(h.out[0].tx_id, Some(0));
    let Record::Enip(t) = &h.out[0].record else {
        panic!()
    };
    assert_eq!(t.command, LIST_IDENTITY);
    assert_eq!(t.length, 0);
    assert_eq!(t.context, 0xd1be_dec1_0000_0000);
    assert!(t.to_server);
    assert!(t.services.is_empty());
    assert_eq!(h.out[0].record.one_direction(), Some(true));
}

#[test]
fn multiple_service_packet_request() {
    let mut p = EnipParser::new();
    let v = records(&mut p, TS, &hex(MSP_REQ));
    assert_eq!(v.len(), 1);
    let t = &v[0].1;
    assert_eq!(t.command, SEND_UNIT_DATA);
    assert_eq!(t.item_type, 0x00b1);
    assert_eq!(t.item_length, 0xa6);
    let codes: Vec<u8> = t.services.iter().map(|s| s.service).collect();
    assert_eq!(codes, vec![0x0a, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    assert!(t.services.iter().all(|s| !s.response));
    // The MSP itself: class 2 (instance 1 is not kept).
    assert_eq!(t.services[0].segments, vec![(PATH_CLASS_8BIT, 2)]);
    // First inner service: Get_Attribute_List class 1 instance 1, attribute 5.
    assert_eq!(t.services[1].segments, vec![(PATH_CLASS_8BIT, 1)]);
    assert_eq!(t.services[1].attributes, vec![5]);
    // Class 0xac with 7 attributes.
    assert_eq!(t.services[4].segments, vec![(PATH_CLASS_8BIT, 0xac)]);
    assert_eq!(t.services[4].attributes, vec![1, 2, 3, 5, 7, 9, 10]);
    // A three-word path: class 0x68, 16-bit instance 0x20 ... `25 00 20 00` is a 16-bit
    // instance; then `24 01` ends the path.
    assert_eq!(t.services[5].segments, vec![(PATH_CLASS_8BIT, 0x68)]);
    assert_eq!(t.services[5].attributes, vec![0x13]);
}

#[test]
fn multiple_service_packet_response() {
    let mut p = EnipParser::new();
    let v = records(&mut p, TC, &hex(MSP_RESP));
    assert_eq!(v.len(), 1);
    let t = &v[0].1;
    assert!(!t.to_server);
    let codes: Vec<u8> = t.services.iter().map(|s| s.service).collect();
    assert_eq!(codes, vec![0x0a, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    assert!(t.services.iter().all(|s| s.response));
}

#[test]
fn get_attribute_list_and_ids_across_directions() {
    let mut p = EnipParser::new();
    let a = records(&mut p, TS, &hex(GET_LIST_REQ));
    let b = records(&mut p, TC, &hex(LIST_ID_REQ));
    assert_eq!(a[0].0, 0);
    assert_eq!(b[0].0, 1);
    let s = &a[0].1.services;
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].service, CIP_GET_ATTR_LIST);
    assert_eq!(s[0].segments, vec![(PATH_CLASS_8BIT, 0x8b)]);
    assert_eq!(s[0].attributes, vec![8]);
}

#[test]
fn several_pdus_in_one_chunk_and_truncation() {
    let mut p = EnipParser::new();
    let mut two = hex(LIST_ID_REQ);
    two.extend(hex(GET_LIST_REQ));
    let v = records(&mut p, TS, &two);
    assert_eq!(v.len(), 2);
    assert_eq!(v[1].1.command, SEND_UNIT_DATA);
    assert_eq!(v[1].1.services.len(), 1);
    // A PDU cut short still makes a transaction, decoded as far as it goes; what follows in
    // the next chunk is read as a new PDU.
    let req = hex(GET_LIST_REQ);
    let (head, tail) = req.split_at(40);
    let v = records(&mut p, TS, head);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].1.command, SEND_UNIT_DATA);
    assert_eq!(v[0].1.length, 0x20);
    assert!(v[0].1.services.is_empty());
    // Shorter than a header: a transaction with an all-zero header.
    let v = records(&mut p, TS, tail);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].1.command, 0);
    // Trailing bytes shorter than a header after a whole PDU make no transaction.
    let mut extra = hex(LIST_ID_REQ);
    extra.extend_from_slice(&[0x63, 0, 0]);
    assert_eq!(records(&mut p, TS, &extra).len(), 1);
}

#[test]
fn malformed_input_never_panics() {
    let mut p = EnipParser::new();
    let base = hex(MSP_REQ);
    for cut in 0..base.len() {
        let _ = records(&mut p, TS, &base[..cut]);
    }
    // Every byte flipped.
    for i in 0..base.len() {
        let mut b = base.clone();
        b[i] ^= 0xff;
        let _ = records(&mut p, TS, &b);
    }
    // An MSP whose service offsets all point back at itself: services stop at 33.
    let mut b = hex(GET_LIST_REQ);
    // Command SendUnitData, item length 0x0c; CIP at offset 46: MSP, path 0 words, then
    // count 3 and three offsets of -2 (16-bit offsets wrap: each re-decodes the MSP).
    b.truncate(46);
    b.extend_from_slice(&[0x0a, 0x00, 0x03, 0x00, 0xfe, 0xff, 0xfe, 0xff, 0xfe, 0xff, 0, 0]);
    let n = b.len() - HDR_LEN;
    b[2] = n as u8;
    let v = records(&mut p, TS, &b);
    assert_eq!(v[0].1.services.len(), 33);
    assert!(v[0].1.services.iter().all(|s| s.service == CIP_MSP));
}

#[test]
fn probing_parser() {
    assert_eq!(probe(&hex(LIST_ID_REQ)), Some(true));
    assert_eq!(probe(&hex(MSP_REQ)), Some(true));
    assert_eq!(probe(&hex(LIST_ID_REQ)[..23]), None);
    // Unknown status.
    let mut b = hex(LIST_ID_REQ);
    b[8] = 0x10;
    assert_eq!(probe(&b), Some(false));
    // Unknown command.
    let mut b = hex(LIST_ID_REQ);
    b[0] = 0x01;
    assert_eq!(probe(&b), Some(false));
    // RegisterSession needs length 4.
    let mut b = hex(LIST_ID_REQ);
    b[0] = 0x65;
    assert_eq!(probe(&b), Some(false));
    b[2] = 4;
    assert_eq!(probe(&b), Some(true));
    // NOP needs option 0.
    let mut b = hex(LIST_ID_REQ);
    b[0] = 0;
    assert_eq!(probe(&b), Some(true));
    b[20] = 1;
    assert_eq!(probe(&b), Some(false));
    // ListInterfaces: Suricata reads the item count from the command (100 items).
    let mut b = hex(LIST_ID_REQ);
    b[0] = 0x64;
    assert_eq!(probe(&b), None);
    b.extend_from_slice(&[0, 0]);
    assert_eq!(probe(&b), Some(false));
    b[2] = 224;
    assert_eq!(probe(&b), Some(true));
}
