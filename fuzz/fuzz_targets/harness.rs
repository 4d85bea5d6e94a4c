//! What the app-layer fuzz targets share: the flow they run on, a parser context, and the ways
//! they cut their input into chunks. Each target uses a part of it.
#![allow(dead_code)]
use app::{AppEvent, Cx, Expectations, FlowInfo};
use flow::Direction;
use std::net::{IpAddr, Ipv4Addr};

/// Client 10.0.0.1 to server 10.0.0.2.
pub fn flow_info(client_port: u16, server_port: u16, proto: u8) -> FlowInfo {
    FlowInfo {
        id: 1,
        client: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        server: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        client_port,
        server_port,
        proto,
    }
}

/// A flow, its expectations and the records parsers produce on it.
pub struct Bench {
    pub flow: FlowInfo,
    pub out: Vec<AppEvent>,
    pub expect: Expectations,
}

impl Bench {
    pub fn new(flow: FlowInfo) -> Self {
        Bench {
            flow,
            out: Vec::new(),
            expect: Expectations::default(),
        }
    }

    pub fn cx(&mut self) -> Cx<'_> {
        Cx {
            ts: wire::Timestamp(0),
            flow: &self.flow,
            out: &mut self.out,
            expect: &mut self.expect,
        }
    }
}

/// Bit 0 of a control byte: to server (0) or to client (1).
pub fn direction(ctl: u8) -> Direction {
    if ctl & 1 == 0 {
        Direction::ToServer
    } else {
        Direction::ToClient
    }
}

/// The records `[ctl][len][bytes...]` of `data` as (ctl, len, bytes); the last one's bytes may
/// be fewer than `len`.
pub fn records(mut rest: &[u8]) -> impl Iterator<Item = (u8, u8, &[u8])> {
    std::iter::from_fn(move || {
        let [ctl, len, tail @ ..] = rest else {
            return None;
        };
        let n = usize::from(*len).min(tail.len());
        let (chunk, next) = tail.split_at(n);
        rest = next;
        Some((*ctl, *len, chunk))
    })
}

/// The parts of `data` separated by `0xfe` as (direction, gap before, bytes): the first part goes
/// to the server; each later one starts with a control byte (bit 0: direction, bit 1: a gap of
/// `ctl >> 2` bytes first); an empty later part is skipped.
pub fn separated(data: &[u8]) -> impl Iterator<Item = (Direction, Option<u32>, &[u8])> {
    data.split(|&b| b == 0xfe).enumerate().filter_map(|(i, part)| {
        if i == 0 {
            return Some((Direction::ToServer, None, part));
        }
        let (&ctl, rest) = part.split_first()?;
        let gap = (ctl & 2 != 0).then(|| u32::from(ctl >> 2));
        Some((direction(ctl), gap, rest))
    })
}

/// `data` in chunks of `size` bytes as (index, direction, bytes): all to the server, or every
/// other one to the client when `alternate`.
pub fn alternating(
    data: &[u8],
    size: usize,
    alternate: bool,
) -> impl Iterator<Item = (usize, Direction, &[u8])> {
    data.chunks(size).enumerate().map(move |(i, c)| {
        let dir = if alternate && i % 2 == 1 {
            Direction::ToClient
        } else {
            Direction::ToServer
        };
        (i, dir, c)
    })
}
