//! `threshold` (limit / threshold / both) and `detection_filter`, exactly as Suricata's
//! `detect-engine-threshold.c` counts them. One table for the whole engine (behind a mutex that
//! is only taken when a rule with a threshold has matched), bounded in entries.

use rules::{DetectionFilter, ThresholdType, Track};
use std::net::IpAddr;

/// Most tracked (rule, key) entries; new keys past this are not tracked (and alert).
pub const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Rule,
    Ip(IpAddr),
    Pair(IpAddr, IpAddr),
    Flow(u64),
}

pub fn key(track: Track, src: IpAddr, dst: IpAddr, flow: Option<u64>) -> Key {
    match track {
        Track::BySrc => Key::Ip(src),
        Track::ByDst => Key::Ip(dst),
        Track::ByRule => Key::Rule,
        Track::ByBoth => {
            if src <= dst {
                Key::Pair(src, dst)
            } else {
                Key::Pair(dst, src)
            }
        }
        Track::ByFlow => Key::Flow(flow.unwrap_or(0)),
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    tv1: i64,
    count: u32,
}

/// What a threshold says about one match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Alert,
    Silent,
}

#[derive(Debug, Default)]
pub struct Table {
    map: hashbrown::HashMap<(u32, Key), Entry>,
    pub untracked: u64,
}

impl Table {
    /// A match of rule `rule` at `ts` (µs): threshold of `kind` with `count` in `seconds`.
    pub fn threshold(
        &mut self,
        rule: u32,
        k: Key,
        kind: ThresholdType,
        count: u32,
        seconds: u32,
        ts: i64,
    ) -> Verdict {
        let win = i64::from(seconds) * 1_000_000;
        let full = self.map.len() >= MAX_ENTRIES;
        let e = match self.map.get_mut(&(rule, k)) {
            Some(e) => e,
            None => {
                let alert = match kind {
                    ThresholdType::Limit => true,
                    ThresholdType::Threshold | ThresholdType::Both => count == 1,
                };
                let create = !(kind == ThresholdType::Threshold && count == 1);
                if create {
                    if full {
                        self.untracked += 1;
                    } else {
                        self.map.insert((rule, k), Entry { tv1: ts, count: 1 });
                    }
                }
                return if alert { Verdict::Alert } else { Verdict::Silent };
            }
        };
        let within = ts <= e.tv1.saturating_add(win);
        match kind {
            ThresholdType::Limit => {
                if within {
                    e.count = e.count.saturating_add(1);
                    if e.count <= count {
                        Verdict::Alert
                    } else {
                        Verdict::Silent
                    }
                } else {
                    e.tv1 = ts;
                    e.count = 1;
                    Verdict::Alert
                }
            }
            ThresholdType::Threshold => {
                if within {
                    e.count = e.count.saturating_add(1);
                    if e.count >= count {
                        e.count = 0;
                        Verdict::Alert
                    } else {
                        Verdict::Silent
                    }
                } else {
                    e.tv1 = ts;
                    e.count = 1;
                    Verdict::Silent
                }
            }
            ThresholdType::Both => {
                if within {
                    e.count = e.count.saturating_add(1);
                    if e.count == count {
                        Verdict::Alert
                    } else {
                        Verdict::Silent
                    }
                } else {
                    e.tv1 = ts;
                    e.count = 1;
                    if count == 1 {
                        Verdict::Alert
                    } else {
                        Verdict::Silent
                    }
                }
            }
        }
    }

    /// `detection_filter`: alert once more than `count` matches fell in the window.
    pub fn detection_filter(&mut self, rule: u32, k: Key, d: &DetectionFilter, ts: i64) -> Verdict {
        let win = i64::from(d.seconds) * 1_000_000;
        if self.map.len() >= MAX_ENTRIES && !self.map.contains_key(&(rule, k)) {
            self.untracked += 1;
            return Verdict::Alert;
        }
        let e = self.map.entry((rule, k)).or_insert(Entry { tv1: ts, count: 0 });
        if e.count == 0 {
            e.count = 1;
            e.tv1 = ts;
            return Verdict::Silent;
        }
        if ts <= e.tv1.saturating_add(win) {
            e.count = e.count.saturating_add(1);
            if e.count > d.count {
                return Verdict::Alert;
            }
            Verdict::Silent
        } else {
            e.tv1 = ts;
            e.count = 1;
            Verdict::Silent
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let mut t = Table::default();
        let k = Key::Rule;
        let v: Vec<_> = (0..7)
            .map(|i| t.threshold(1, k, ThresholdType::Threshold, 5, 300, i))
            .collect();
        assert_eq!(v.iter().filter(|x| **x == Verdict::Alert).count(), 1);
        assert_eq!(v[4], Verdict::Alert);
        let v: Vec<_> = (0..7)
            .map(|i| t.threshold(2, k, ThresholdType::Both, 5, 120, i))
            .collect();
        assert_eq!(v.iter().filter(|x| **x == Verdict::Alert).count(), 1);
        let v: Vec<_> = (0..7)
            .map(|i| t.threshold(3, k, ThresholdType::Limit, 5, 60, i))
            .collect();
        assert_eq!(v.iter().filter(|x| **x == Verdict::Alert).count(), 5);
        // Window over: limit alerts again.
        assert_eq!(
            t.threshold(3, k, ThresholdType::Limit, 5, 60, 61_000_000),
            Verdict::Alert
        );
        let d = DetectionFilter {
            track: Track::ByRule,
            count: 2,
            seconds: 60,
        };
        let v: Vec<_> = (0..4).map(|i| t.detection_filter(4, k, &d, i)).collect();
        assert_eq!(
            v,
            vec![Verdict::Silent, Verdict::Silent, Verdict::Alert, Verdict::Alert]
        );
    }
}
