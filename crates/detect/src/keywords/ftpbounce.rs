//! `ftpbounce`: an FTP PORT command announcing an address other than the client's, as
//! Suricata 7.0.10's `detect-ftpbounce.c` checks it. The check reads the FTP *state*, not the
//! transaction: when the last command parsed on the connection is PORT, the stored PORT line
//! ([`app::ftp::PortState`]) is read from its first digit as `h1,h2,h3,h4,` and the address
//! compared with the flow's client (for IPv6, its first four bytes, as Suricata compares
//! `address_un_data32[0]`). It is a to-server (`ftp_request`) match only.

use app::Record;
use std::net::IpAddr;

/// Refuses `ftpbounce` with `flow:to_client`, as Suricata does ("mixes keywords with
/// conflicting directions"): its `ftp_request` list is to-server only.
pub fn check(c: &super::Compiled) -> Result<(), super::CompileError> {
    let has = c.tx_conds.contains(&super::tls_version::TxCond::Ftpbounce);
    if has && c.flow.and_then(|f| f.dir) == Some(rules::FlowDir::ToClient) {
        return Err(super::CompileError::new(
            "ftpbounce",
            "to-server keyword in a flow:to_client rule (conflicting directions)",
        ));
    }
    Ok(())
}

/// Whether `rec`, inspected from the `to_server` side, matches `ftpbounce`.
pub fn matches(rec: &Record, to_server: bool) -> bool {
    let Record::Ftp(f) = rec else { return false };
    if !to_server {
        return false;
    }
    let Some(st) = f.port_state.as_deref() else {
        return false;
    };
    let client = match st.client {
        IpAddr::V4(a) => u32::from_be_bytes(a.octets()),
        IpAddr::V6(a) => {
            let o = a.octets();
            u32::from_be_bytes([o[0], o[1], o[2], o[3]])
        }
    };
    bounce(&st.port_line, client)
}

/// C's `isspace`.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `DetectFtpbounceMatchArgs(line, len, client, 0)`: the address of a PORT line differs from
/// `client` (host order). At most three digits per octet (a fourth ends the scan without a
/// match), an octet over 256 fails, spaces may precede a comma, an empty octet is 0; octets
/// are shifted in as Suricata does (256 carries into the octet before).
fn bounce(line: &[u8], client: u32) -> bool {
    let len = line.len();
    // Suricata: `payload_len < 7` and `offset + 7 >= payload_len` (offset is 0).
    if len <= 7 {
        return false;
    }
    let at = |i: usize| line.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while i < len && !at(i).is_ascii_digit() {
        i += 1;
    }
    let (mut octet, mut digits, mut noctet, mut ip) = (0u32, 0u32, 0u32, 0u32);
    while i < len && digits < 4 {
        let c = at(i);
        if c.is_ascii_digit() {
            octet = u32::from(c - b'0').saturating_add(octet.saturating_mul(10));
            digits += 1;
        } else {
            if octet > 256 {
                return false;
            }
            if is_space(c) {
                while i < len && is_space(at(i)) {
                    i += 1;
                }
            }
            if i < len && at(i) == b',' {
                noctet += 1;
                digits = 0;
                ip = (ip << 8).wrapping_add(octet);
                octet = 0;
            } else {
                return false;
            }
            if noctet == 4 {
                return ip != client;
            }
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::ftp::{FtpRecord, PortState};
    use std::net::{Ipv4Addr, Ipv6Addr};

    const CLIENT: u32 = 0xc0a8_000d; // 192.168.0.13

    #[test]
    fn port_lines_like_suricata() {
        assert!(!bounce(b"PORT 192,168,0,13,234,10", CLIENT));
        assert!(bounce(b"PORT 192,168,0,14,234,10", CLIENT));
        assert!(bounce(b"PORT 10,0,0,1,0,21", CLIENT));
        // Spaces before a comma are skipped; after it the digit scan goes on.
        assert!(!bounce(b"PORT 192 ,168  ,0,13,1,2", CLIENT));
        assert!(!bounce(b"port x192,168,0,13,", CLIENT));
        // Anything else between octets: no match.
        assert!(!bounce(b"PORT 1.2.3.4,5,6", CLIENT));
        assert!(!bounce(b"PORT 1 2,3,4,5,6", CLIENT));
        // Four digits end the scan; 257 and more fail; 256 carries.
        assert!(!bounce(b"PORT 0192,168,0,13,1,2", CLIENT));
        assert!(!bounce(b"PORT 257,1,1,1,1,1", CLIENT));
        assert!(!bounce(b"PORT 192,167,256,13,1,2", CLIENT));
        assert!(bounce(b"PORT 192,167,255,13,1,2", CLIENT));
        // Empty octets count as 0.
        assert!(bounce(b"PORT 1,,,,", CLIENT));
        assert!(!bounce(b"PORT 0,,,,", 0));
        // Too short, or fewer than four octets.
        assert!(!bounce(b"PORT 1,", CLIENT));
        assert!(!bounce(b"1,2,3,4", CLIENT));
        assert!(bounce(b"1,2,3,4,", CLIENT));
        assert!(!bounce(b"PORT 1,2,3", CLIENT));
        assert!(!bounce(b"PORT ", CLIENT));
        assert!(!bounce(b"", CLIENT));
    }

    fn rec(line: &[u8], client: IpAddr) -> Record {
        Record::Ftp(Box::new(FtpRecord {
            command: Some("PORT"),
            port_state: Some(Box::new(PortState {
                port_line: line.to_vec(),
                client,
            })),
            ..Default::default()
        }))
    }

    #[test]
    fn refused_with_to_client() {
        let compile = |text: &str| {
            let r = rules::parse_rule(text).unwrap();
            super::super::compile(&r, &mut Default::default())
        };
        let e = compile("alert tcp any any -> any any (flow:to_client; ftpbounce; sid:1;)").unwrap_err();
        assert_eq!(e.keyword, "ftpbounce");
        let c =
            compile("alert tcp any any -> any 21 (ftpbounce; flow:to_server,established; sid:1;)").unwrap();
        assert_eq!(c.tx_conds, [super::super::tls_version::TxCond::Ftpbounce]);
        assert!(compile("alert ftp any any -> any any (ftpbounce; sid:1;)").is_ok());
    }

    #[test]
    fn matches_the_ftp_state_to_server() {
        let v4 = IpAddr::V4(Ipv4Addr::new(192, 168, 0, 13));
        assert!(matches(&rec(b"PORT 10,0,0,1,4,1", v4), true));
        assert!(!matches(&rec(b"PORT 10,0,0,1,4,1", v4), false));
        assert!(!matches(&rec(b"PORT 192,168,0,13,4,1", v4), true));
        // IPv6: the first four bytes of the client address.
        let v6 = IpAddr::V6(Ipv6Addr::new(0x0a00, 0x0001, 0, 0, 0, 0, 0, 9));
        assert!(!matches(&rec(b"PORT 10,0,0,1,4,1", v6), true));
        assert!(matches(&rec(b"PORT 10,0,0,2,4,1", v6), true));
        // No PORT state (last command was not PORT), or another protocol.
        let none = Record::Ftp(Box::default());
        assert!(!matches(&none, true));
        assert!(!matches(&Record::Tls(Box::default()), true));
    }
}
