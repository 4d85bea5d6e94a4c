//! Address and port groups of the rule header: `any`, CIDR (v4/v6), ranges, negation, nested
//! `[...]` groups and `$VARIABLES`, resolved to sorted sets of inclusive ranges.
//!
//! Negation follows Suricata (detect-engine-address.c, `DetectAddressMergeNot`): within one
//! address family, the result is the union of the positive items minus the union of the negated
//! ones; if a family has negated items but no positive one, the positives are the whole family.
//! So `!$HOME_NET` with an IPv4-only `HOME_NET` matches every IPv4 address outside it and no
//! IPv6 address, exactly as Suricata does. A group that negates everything (`!any`) or leaves
//! nothing is an error.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use crate::vars::{VarKind, Vars};

/// Deepest nesting of groups and variables (Suricata's limit too).
pub const MAX_DEPTH: usize = 64;
/// Most items (after variable expansion) one address or port field may expand to.
pub const MAX_ITEMS: usize = 65_536;

/// Integer types usable as range bounds.
pub trait Bound: Copy + Ord + fmt::Debug {
    const MIN: Self;
    const MAX: Self;
    fn inc(self) -> Option<Self>;
    fn dec(self) -> Option<Self>;
}

macro_rules! bound {
    ($($t:ty),*) => {$(
        impl Bound for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn inc(self) -> Option<Self> { self.checked_add(1) }
            fn dec(self) -> Option<Self> { self.checked_sub(1) }
        }
    )*};
}
bound!(u16, u32, u128);

/// A set of integers as sorted, disjoint, non-adjacent inclusive ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RangeSet<T: Bound> {
    ranges: Vec<(T, T)>,
}

impl<T: Bound> RangeSet<T> {
    pub fn new() -> Self {
        RangeSet { ranges: Vec::new() }
    }
    /// The whole domain of `T`.
    pub fn full() -> Self {
        RangeSet {
            ranges: vec![(T::MIN, T::MAX)],
        }
    }
    /// Builds a set from arbitrary (possibly overlapping, unordered) inclusive ranges;
    /// ranges with `lo > hi` are ignored.
    pub fn from_ranges(mut ranges: Vec<(T, T)>) -> Self {
        ranges.retain(|(a, b)| a <= b);
        ranges.sort_unstable();
        let mut out: Vec<(T, T)> = Vec::with_capacity(ranges.len());
        for (lo, hi) in ranges {
            if let Some(last) = out.last_mut() {
                let touches = match last.1.inc() {
                    Some(n) => lo <= n,
                    None => true,
                };
                if touches {
                    if hi > last.1 {
                        last.1 = hi;
                    }
                    continue;
                }
            }
            out.push((lo, hi));
        }
        RangeSet { ranges: out }
    }
    /// The ranges, sorted and disjoint.
    pub fn ranges(&self) -> &[(T, T)] {
        &self.ranges
    }
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
    pub fn is_full(&self) -> bool {
        self.ranges == [(T::MIN, T::MAX)]
    }
    /// Membership, by binary search.
    pub fn contains(&self, v: T) -> bool {
        let i = self.ranges.partition_point(|(lo, _)| *lo <= v);
        match i.checked_sub(1).and_then(|j| self.ranges.get(j)) {
            Some((_, hi)) => v <= *hi,
            None => false,
        }
    }
    /// Union with another set.
    pub fn union(&self, other: &Self) -> Self {
        let mut v = self.ranges.clone();
        v.extend_from_slice(&other.ranges);
        Self::from_ranges(v)
    }
    /// Set difference `self - other`.
    pub fn subtract(&self, other: &Self) -> Self {
        let mut out = Vec::with_capacity(self.ranges.len());
        for &(lo, hi) in &self.ranges {
            let mut cur = Some((lo, hi));
            for &(olo, ohi) in &other.ranges {
                let Some((clo, chi)) = cur else { break };
                if ohi < clo || olo > chi {
                    continue;
                }
                if olo > clo {
                    if let Some(e) = olo.dec() {
                        out.push((clo, e));
                    }
                }
                cur = if ohi < chi {
                    ohi.inc().map(|s| (s, chi))
                } else {
                    None
                };
            }
            if let Some(r) = cur {
                out.push(r);
            }
        }
        Self::from_ranges(out)
    }
}

/// A resolved set of IP addresses, per family.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct IpSet {
    pub v4: RangeSet<u32>,
    pub v6: RangeSet<u128>,
}

impl IpSet {
    /// Every IPv4 and IPv6 address.
    pub fn any() -> Self {
        IpSet {
            v4: RangeSet::full(),
            v6: RangeSet::full(),
        }
    }
    pub fn is_any(&self) -> bool {
        self.v4.is_full() && self.v6.is_full()
    }
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }
    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => self.v4.contains(u32::from(a)),
            IpAddr::V6(a) => self.v6.contains(u128::from(a)),
        }
    }
    fn union(&self, o: &IpSet) -> IpSet {
        IpSet {
            v4: self.v4.union(&o.v4),
            v6: self.v6.union(&o.v6),
        }
    }
}

/// The address field of a rule header: its text as written and the resolved set.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Addresses {
    pub text: String,
    pub set: IpSet,
}

impl Addresses {
    pub fn is_any(&self) -> bool {
        self.set.is_any()
    }
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.set.contains(ip)
    }
}

/// The port field of a rule header: its text as written and the resolved set.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ports {
    pub text: String,
    pub set: RangeSet<u16>,
}

impl Ports {
    pub fn is_any(&self) -> bool {
        self.set.is_full()
    }
    pub fn contains(&self, port: u16) -> bool {
        self.set.contains(port)
    }
}

/// Why an address or port field failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    #[error("undefined variable ${0}")]
    UnknownVar(String),
    #[error("variable ${0} refers to itself")]
    VarLoop(String),
    #[error("invalid {what} '{text}'")]
    Invalid { what: &'static str, text: String },
    #[error("unbalanced brackets in '{0}'")]
    Brackets(String),
    #[error("group nested deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("group expands to more than {MAX_ITEMS} items")]
    TooMany,
    #[error("complete address space negated")]
    AllNegated,
    #[error("no addresses or ports left after applying negations")]
    Empty,
}

/// Positive and negated items collected while walking a group.
struct Acc<S> {
    pos: S,
    neg: S,
}

/// What differs between address and port groups.
trait Domain: Sized + Clone + Default {
    const KIND: VarKind;
    fn parse_item(s: &str) -> Result<Self, NetError>;
    fn any() -> Self;
    fn union(&self, o: &Self) -> Self;
    /// Suricata's merge of positive and negated items into one set.
    fn merge_not(acc: Acc<Self>) -> Result<Self, NetError>;
}

impl Domain for IpSet {
    const KIND: VarKind = VarKind::Address;
    fn parse_item(s: &str) -> Result<Self, NetError> {
        parse_ip_item(s)
    }
    fn any() -> Self {
        IpSet::any()
    }
    fn union(&self, o: &Self) -> Self {
        IpSet::union(self, o)
    }
    fn merge_not(acc: Acc<Self>) -> Result<Self, NetError> {
        let Acc { mut pos, neg } = acc;
        if neg.v4.is_full() && neg.v6.is_full() {
            return Err(NetError::AllNegated);
        }
        if pos.v4.is_empty() && !neg.v4.is_empty() {
            pos.v4 = RangeSet::full();
        }
        if pos.v6.is_empty() && !neg.v6.is_empty() {
            pos.v6 = RangeSet::full();
        }
        let out = IpSet {
            v4: pos.v4.subtract(&neg.v4),
            v6: pos.v6.subtract(&neg.v6),
        };
        if out.is_empty() {
            return Err(NetError::Empty);
        }
        Ok(out)
    }
}

impl Domain for RangeSet<u16> {
    const KIND: VarKind = VarKind::Port;
    fn parse_item(s: &str) -> Result<Self, NetError> {
        parse_port_item(s)
    }
    fn any() -> Self {
        RangeSet::full()
    }
    fn union(&self, o: &Self) -> Self {
        RangeSet::union(self, o)
    }
    fn merge_not(acc: Acc<Self>) -> Result<Self, NetError> {
        let Acc { mut pos, neg } = acc;
        if neg.is_full() {
            return Err(NetError::AllNegated);
        }
        if pos.is_empty() && !neg.is_empty() {
            pos = RangeSet::full();
        }
        let out = pos.subtract(&neg);
        if out.is_empty() {
            return Err(NetError::Empty);
        }
        Ok(out)
    }
}

/// Walk state: variables, the chain of variables being expanded, and a work counter.
struct Walk<'v> {
    vars: &'v Vars,
    stack: Vec<String>,
    items: usize,
}

/// Splits a group body on top-level commas.
fn split_top(s: &str) -> Result<Vec<&str>, NetError> {
    let mut out = Vec::new();
    let mut depth: i32 = 0;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth < 0 {
                    return Err(NetError::Brackets(s.to_string()));
                }
            }
            ',' if depth == 0 => {
                out.push(s.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(NetError::Brackets(s.to_string()));
    }
    out.push(s.get(start..).unwrap_or(""));
    Ok(out)
}

fn walk<S: Domain>(w: &mut Walk<'_>, s: &str, acc: &mut Acc<S>, depth: usize) -> Result<(), NetError> {
    if depth > MAX_DEPTH {
        return Err(NetError::TooDeep);
    }
    for item in split_top(s)? {
        w.items += 1;
        if w.items > MAX_ITEMS {
            return Err(NetError::TooMany);
        }
        let mut item = item.trim();
        let mut negated = false;
        while let Some(rest) = item.strip_prefix('!') {
            // Suricata: any number of leading '!' negates once.
            negated = true;
            item = rest.trim_start();
        }
        if item.is_empty() {
            return Err(NetError::Invalid {
                what: "empty item",
                text: s.to_string(),
            });
        }
        if let Some(inner) = item.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or_else(|| NetError::Brackets(item.to_string()))?;
            block(w, inner, negated, acc, depth)?;
        } else if let Some(name) = item.strip_prefix('$') {
            if w.stack.iter().any(|n| n == name) {
                return Err(NetError::VarLoop(name.to_string()));
            }
            let value = w
                .vars
                .get(S::KIND, name)
                .ok_or_else(|| NetError::UnknownVar(name.to_string()))?;
            if value.trim().is_empty() {
                return Err(NetError::Invalid {
                    what: "empty variable",
                    text: name.to_string(),
                });
            }
            w.stack.push(name.to_string());
            let r = block(w, value, negated, acc, depth);
            w.stack.pop();
            r?;
        } else {
            let set = if item.eq_ignore_ascii_case("any") {
                S::any()
            } else {
                S::parse_item(item)?
            };
            if negated {
                acc.neg = acc.neg.union(&set);
            } else {
                acc.pos = acc.pos.union(&set);
            }
        }
    }
    Ok(())
}

/// A `[...]` group or a variable's value: merged into `acc` as is, or resolved on its own and
/// added to the negated items.
fn block<S: Domain>(
    w: &mut Walk<'_>,
    body: &str,
    negated: bool,
    acc: &mut Acc<S>,
    depth: usize,
) -> Result<(), NetError> {
    if negated {
        let mut tmp = Acc {
            pos: S::default(),
            neg: S::default(),
        };
        walk(w, body, &mut tmp, depth + 1)?;
        let merged = S::merge_not(tmp)?;
        acc.neg = acc.neg.union(&merged);
        Ok(())
    } else {
        walk(w, body, acc, depth + 1)
    }
}

fn resolve<S: Domain>(text: &str, vars: &Vars) -> Result<S, NetError> {
    let mut w = Walk {
        vars,
        stack: Vec::new(),
        items: 0,
    };
    let mut acc = Acc {
        pos: S::default(),
        neg: S::default(),
    };
    walk(&mut w, text, &mut acc, 0)?;
    S::merge_not(acc)
}

/// Parses and resolves an address field (`any`, `$HOME_NET`, `[10.0.0.0/8,!10.1.0.0/16]`, ...).
pub fn parse_addresses(text: &str, vars: &Vars) -> Result<Addresses, NetError> {
    let set = resolve::<IpSet>(text, vars)?;
    Ok(Addresses {
        text: text.to_string(),
        set,
    })
}

/// Parses and resolves a port field (`any`, `80`, `1024:`, `[80,!81:90]`, `$HTTP_PORTS`, ...).
pub fn parse_ports(text: &str, vars: &Vars) -> Result<Ports, NetError> {
    let set = resolve::<RangeSet<u16>>(text, vars)?;
    Ok(Ports {
        text: text.to_string(),
        set,
    })
}

fn bad(what: &'static str, text: &str) -> NetError {
    NetError::Invalid {
        what,
        text: text.to_string(),
    }
}

fn v4_prefix_range(a: u32, bits: u32) -> (u32, u32) {
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    (a & mask, (a & mask) | !mask)
}

fn v6_prefix_range(a: u128, bits: u32) -> (u128, u128) {
    let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
    (a & mask, (a & mask) | !mask)
}

/// One address: `1.2.3.4`, `1.2.3.0/24`, `1.2.3.0/255.255.255.0`, `1.2.3.4-1.2.3.9`,
/// `2001:db8::/32`, `::1`, `2001:db8::1-2001:db8::9`.
fn parse_ip_item(s: &str) -> Result<IpSet, NetError> {
    let mut out = IpSet::default();
    if let Some((a, b)) = s.split_once('-') {
        let (a, b) = (a.trim(), b.trim());
        match (a.parse::<IpAddr>(), b.parse::<IpAddr>()) {
            (Ok(IpAddr::V4(x)), Ok(IpAddr::V4(y))) if x <= y => {
                out.v4 = RangeSet::from_ranges(vec![(u32::from(x), u32::from(y))]);
            }
            (Ok(IpAddr::V6(x)), Ok(IpAddr::V6(y))) if x <= y => {
                out.v6 = RangeSet::from_ranges(vec![(u128::from(x), u128::from(y))]);
            }
            _ => return Err(bad("address range", s)),
        }
        return Ok(out);
    }
    if let Some((a, m)) = s.split_once('/') {
        let (a, m) = (a.trim(), m.trim());
        match a.parse::<IpAddr>().map_err(|_| bad("address", s))? {
            IpAddr::V4(x) => {
                let bits = if let Ok(n) = m.parse::<u32>() {
                    if n > 32 {
                        return Err(bad("netmask", s));
                    }
                    n
                } else {
                    let mask = u32::from(m.parse::<Ipv4Addr>().map_err(|_| bad("netmask", s))?);
                    // A netmask must be contiguous ones.
                    if mask.leading_ones() + mask.trailing_zeros() != 32 {
                        return Err(bad("netmask", s));
                    }
                    mask.leading_ones()
                };
                out.v4 = RangeSet::from_ranges(vec![v4_prefix_range(u32::from(x), bits)]);
            }
            IpAddr::V6(x) => {
                let bits = m.parse::<u32>().map_err(|_| bad("netmask", s))?;
                if bits > 128 {
                    return Err(bad("netmask", s));
                }
                out.v6 = RangeSet::from_ranges(vec![v6_prefix_range(u128::from(x), bits)]);
            }
        }
        return Ok(out);
    }
    match s.parse::<IpAddr>().map_err(|_| bad("address", s))? {
        IpAddr::V4(x) => {
            let v = u32::from(x);
            out.v4 = RangeSet::from_ranges(vec![(v, v)]);
        }
        IpAddr::V6(x) => {
            let v = u128::from(x);
            out.v6 = RangeSet::from_ranges(vec![(v, v)]);
        }
    }
    Ok(out)
}

/// One port item: `80`, `80:90`, `1024:`, `:1023`.
fn parse_port_item(s: &str) -> Result<RangeSet<u16>, NetError> {
    let num = |t: &str| -> Result<u16, NetError> {
        let t = t.trim();
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("port", s));
        }
        t.parse::<u16>().map_err(|_| bad("port", s))
    };
    let (lo, hi) = match s.split_once(':') {
        Some((a, b)) => {
            let lo = if a.trim().is_empty() { 0 } else { num(a)? };
            let hi = if b.trim().is_empty() { u16::MAX } else { num(b)? };
            if lo > hi {
                return Err(bad("port range", s));
            }
            (lo, hi)
        }
        None => {
            let p = num(s)?;
            (p, p)
        }
    };
    Ok(RangeSet::from_ranges(vec![(lo, hi)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip4(s: &str) -> u32 {
        u32::from(s.parse::<Ipv4Addr>().unwrap_or(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn rangeset_ops() {
        let a = RangeSet::from_ranges(vec![(5u16, 10), (1, 3), (4, 4), (20, 30)]);
        assert_eq!(a.ranges(), &[(1, 10), (20, 30)]);
        let b = RangeSet::from_ranges(vec![(3u16, 6), (25, 40)]);
        assert_eq!(a.subtract(&b).ranges(), &[(1, 2), (7, 10), (20, 24)]);
        assert!(a.contains(20) && a.contains(1) && !a.contains(11) && !a.contains(0));
        let f = RangeSet::<u16>::full();
        assert_eq!(
            f.subtract(&RangeSet::from_ranges(vec![(0, 0)])).ranges(),
            &[(1, 65535)]
        );
        assert_eq!(
            f.subtract(&RangeSet::from_ranges(vec![(65535, 65535)])).ranges(),
            &[(0, 65534)]
        );
        assert!(f.subtract(&f).is_empty());
        assert_eq!(RangeSet::from_ranges(vec![(9u16, 1)]).ranges(), &[]);
    }

    #[test]
    fn home_and_external_net() {
        let vars = Vars::default();
        let home = parse_addresses("$HOME_NET", &vars).unwrap();
        assert_eq!(
            home.set.v4.ranges(),
            &[
                (ip4("10.0.0.0"), ip4("10.255.255.255")),
                (ip4("172.16.0.0"), ip4("172.31.255.255")),
                (ip4("192.168.0.0"), ip4("192.168.255.255"))
            ]
        );
        assert!(home.set.v6.is_empty());
        let ext = parse_addresses("$EXTERNAL_NET", &vars).unwrap();
        assert_eq!(ext.set.v4.ranges().len(), 4);
        assert!(ext.contains("8.8.8.8".parse().unwrap()));
        assert!(!ext.contains("10.1.2.3".parse().unwrap()));
        // Suricata: !$HOME_NET with an IPv4-only HOME_NET matches no IPv6.
        assert!(!ext.contains("2001:db8::1".parse().unwrap()));
        let aim = parse_addresses("$AIM_SERVERS", &vars).unwrap();
        assert_eq!(aim.set, ext.set);
    }

    #[test]
    fn groups_negation_and_forms() {
        let vars = Vars::default();
        let a = parse_addresses("[10.0.0.0/8,!10.1.0.0/16, 1.2.3.4-1.2.3.6]", &vars).unwrap();
        assert_eq!(
            a.set.v4.ranges(),
            &[
                (ip4("1.2.3.4"), ip4("1.2.3.6")),
                (ip4("10.0.0.0"), ip4("10.0.255.255")),
                (ip4("10.2.0.0"), ip4("10.255.255.255"))
            ]
        );
        let a = parse_addresses("![1.2.3.0/24,!1.2.3.4]", &vars).unwrap();
        assert!(a.contains("1.2.3.4".parse().unwrap()));
        assert!(!a.contains("1.2.3.5".parse().unwrap()));
        assert!(a.contains("9.9.9.9".parse().unwrap()));
        let a = parse_addresses("1.2.3.77/255.255.255.0", &vars).unwrap();
        assert_eq!(a.set.v4.ranges(), &[(ip4("1.2.3.0"), ip4("1.2.3.255"))]);
        let a = parse_addresses("[2001:db8::/32,::1]", &vars).unwrap();
        assert_eq!(a.set.v6.ranges().len(), 2);
        assert!(a.set.v4.is_empty());
        assert!(parse_addresses("any", &vars).unwrap().is_any());
        assert!(parse_addresses("[any,!1.1.1.1]", &vars)
            .unwrap()
            .contains("::1".parse().unwrap()));
    }

    #[test]
    fn address_errors() {
        let mut vars = Vars::default();
        assert_eq!(parse_addresses("!any", &vars), Err(NetError::AllNegated));
        assert_eq!(parse_addresses("[1.2.3.4,!1.2.3.4]", &vars), Err(NetError::Empty));
        assert_eq!(
            parse_addresses("$NOPE", &vars),
            Err(NetError::UnknownVar("NOPE".into()))
        );
        assert!(matches!(
            parse_addresses("[1.2.3.4", &vars),
            Err(NetError::Brackets(_))
        ));
        assert!(matches!(
            parse_addresses("1.2.3.4]", &vars),
            Err(NetError::Brackets(_))
        ));
        assert!(matches!(
            parse_addresses("1.2.3.256", &vars),
            Err(NetError::Invalid { .. })
        ));
        assert!(matches!(
            parse_addresses("1.2.3.0/33", &vars),
            Err(NetError::Invalid { .. })
        ));
        assert!(matches!(
            parse_addresses("1.2.3.0/255.0.255.0", &vars),
            Err(NetError::Invalid { .. })
        ));
        assert!(matches!(
            parse_addresses("[1.1.1.1,]", &vars),
            Err(NetError::Invalid { .. })
        ));
        vars.set(VarKind::Address, "A", "[$B]");
        vars.set(VarKind::Address, "B", "$A");
        assert!(matches!(parse_addresses("$A", &vars), Err(NetError::VarLoop(_))));
        let deep = format!("{}1.1.1.1{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(parse_addresses(&deep, &vars), Err(NetError::TooDeep));
        // Exponential expansion is capped.
        let mut v = Vars::empty();
        v.set(VarKind::Address, "V0", "1.1.1.1");
        for i in 1..30 {
            v.set(
                VarKind::Address,
                &format!("V{i}"),
                &format!("[$V{0},$V{0}]", i - 1),
            );
        }
        assert_eq!(parse_addresses("$V29", &v), Err(NetError::TooMany));
    }

    #[test]
    fn ports() {
        let vars = Vars::default();
        assert!(parse_ports("any", &vars).unwrap().is_any());
        assert_eq!(
            parse_ports("$HTTP_PORTS", &vars).unwrap().set.ranges(),
            &[(80, 80)]
        );
        assert_eq!(
            parse_ports("$SHELLCODE_PORTS", &vars).unwrap().set.ranges(),
            &[(0, 79), (81, 65535)]
        );
        assert_eq!(
            parse_ports("$FILE_DATA_PORTS", &vars).unwrap().set.ranges(),
            &[(80, 80), (110, 110), (143, 143)]
        );
        assert_eq!(
            parse_ports("[1024:,!2000:2010]", &vars).unwrap().set.ranges(),
            &[(1024, 1999), (2011, 65535)]
        );
        assert_eq!(parse_ports(":1023", &vars).unwrap().set.ranges(), &[(0, 1023)]);
        assert_eq!(
            parse_ports("![80,443]", &vars).unwrap().set.ranges(),
            &[(0, 79), (81, 442), (444, 65535)]
        );
        assert_eq!(parse_ports("!any", &vars), Err(NetError::AllNegated));
        assert!(parse_ports("90:80", &vars).is_err());
        assert!(parse_ports("65536", &vars).is_err());
        assert!(parse_ports("+80", &vars).is_err());
        assert!(parse_ports("$HOME_NET", &vars).is_err());
    }
}
