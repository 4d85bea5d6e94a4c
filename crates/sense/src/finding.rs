//! What a built-in detector reports: an alert in Suricata's terms (signature id, category,
//! severity, attacker and victim) with its evidence as `metadata` (string lists, as ET's
//! metadata is, so every EVE consumer can show it).
//!
//! Signature ids of the built-in detectors (documented in the README; suppress or threshold
//! them like any rule):
//!
//! | sid | detector |
//! |---|---|
//! | 9200001 | SQL injection in an HTTP request |
//! | 9200101–9200103 | FTP brute force: tripped, succeeded, summary |
//! | 9200111–9200113 | SSH brute force: tripped, succeeded, summary |
//! | 9200121–9200123 | HTTP authentication brute force: tripped, succeeded, summary |
//! | 9200201 | vertical port scan (many ports, one host) |
//! | 9200202 | horizontal port scan (one port, many hosts) |
//! | 9200203 | Nmap OS-detection probes |
//! | 9200209 | scan summary |

use std::net::IpAddr;
use wire::Timestamp;

pub const SID_SQLI: u32 = 9_200_001;
pub const SID_SCAN_VERTICAL: u32 = 9_200_201;
pub const SID_SCAN_HORIZONTAL: u32 = 9_200_202;
pub const SID_SCAN_NMAP_OS: u32 = 9_200_203;
pub const SID_SCAN_SUMMARY: u32 = 9_200_209;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub ts: Timestamp,
    pub sid: u32,
    pub rev: u32,
    pub signature: String,
    /// Suricata classification description (from classification.config's vocabulary).
    pub category: &'static str,
    /// 1 (high) to 3 (low), as Suricata's priority.
    pub severity: u8,
    /// The attacker.
    pub src: IpAddr,
    pub sport: Option<u16>,
    /// The victim.
    pub dst: IpAddr,
    pub dport: Option<u16>,
    pub proto: u8,
    pub flow_id: Option<u64>,
    /// Evidence, Suricata-metadata style: key -> list of values.
    pub metadata: Vec<(&'static str, Vec<String>)>,
}

impl Finding {
    pub fn meta(&self, key: &str) -> Option<&[String]> {
        self.metadata
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_slice())
    }
}

pub const CAT_SCAN: &str = "Detection of a Network Scan";
pub const CAT_WEB_ATTACK: &str = "Web Application Attack";
pub const CAT_USER: &str = "Attempted User Privilege Gain";
pub const CAT_ADMIN: &str = "Successful Administrator Privilege Gain";
