//! Address and port variables (`$HOME_NET`, `$HTTP_PORTS`, ...), the `vars:` section of
//! suricata.yaml. [`Vars::default`] holds Suricata's shipped defaults; [`Vars::set`] overrides.

use hashbrown::HashMap;

/// Longest variable value accepted (a cap on what a config can make us expand).
pub const MAX_VAR_VALUE: usize = 64 * 1024;

/// Whether a variable names addresses or ports (they live in separate namespaces).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VarKind {
    Address,
    Port,
}

/// The variable table. Names are stored without the leading `$`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vars {
    address: HashMap<String, String>,
    port: HashMap<String, String>,
}

const DEFAULT_ADDRESS: &[(&str, &str)] = &[
    ("HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]"),
    ("EXTERNAL_NET", "!$HOME_NET"),
    ("HTTP_SERVERS", "$HOME_NET"),
    ("SMTP_SERVERS", "$HOME_NET"),
    ("SQL_SERVERS", "$HOME_NET"),
    ("DNS_SERVERS", "$HOME_NET"),
    ("TELNET_SERVERS", "$HOME_NET"),
    ("AIM_SERVERS", "$EXTERNAL_NET"),
    ("DC_SERVERS", "$HOME_NET"),
    ("DNP3_SERVER", "$HOME_NET"),
    ("DNP3_CLIENT", "$HOME_NET"),
    ("MODBUS_CLIENT", "$HOME_NET"),
    ("MODBUS_SERVER", "$HOME_NET"),
    ("ENIP_CLIENT", "$HOME_NET"),
    ("ENIP_SERVER", "$HOME_NET"),
];

const DEFAULT_PORT: &[(&str, &str)] = &[
    ("HTTP_PORTS", "80"),
    ("SHELLCODE_PORTS", "!80"),
    ("ORACLE_PORTS", "1521"),
    ("SSH_PORTS", "22"),
    ("DNP3_PORTS", "20000"),
    ("MODBUS_PORTS", "502"),
    ("FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]"),
    ("FTP_PORTS", "21"),
    ("GENEVE_PORTS", "6081"),
    ("VXLAN_PORTS", "4789"),
    ("TEREDO_PORTS", "3544"),
];

impl Default for Vars {
    /// Suricata 7's default suricata.yaml values.
    fn default() -> Self {
        let mut v = Vars::empty();
        for (k, val) in DEFAULT_ADDRESS {
            v.address.insert((*k).to_string(), (*val).to_string());
        }
        for (k, val) in DEFAULT_PORT {
            v.port.insert((*k).to_string(), (*val).to_string());
        }
        v
    }
}

impl Vars {
    /// A table with no variables at all.
    pub fn empty() -> Self {
        Vars {
            address: HashMap::new(),
            port: HashMap::new(),
        }
    }

    /// Defines or overrides a variable. `name` may carry the leading `$`. Values longer than
    /// [`MAX_VAR_VALUE`] are truncated at a character boundary (and then fail to parse).
    pub fn set(&mut self, kind: VarKind, name: &str, value: &str) {
        let name = name.strip_prefix('$').unwrap_or(name).to_string();
        let mut value = value.trim();
        if value.len() > MAX_VAR_VALUE {
            let mut cut = MAX_VAR_VALUE;
            while !value.is_char_boundary(cut) {
                cut -= 1;
            }
            value = value.get(..cut).unwrap_or("");
        }
        let value = value.to_string();
        match kind {
            VarKind::Address => self.address.insert(name, value),
            VarKind::Port => self.port.insert(name, value),
        };
    }

    /// Looks a variable up; `name` may carry the leading `$`.
    pub fn get(&self, kind: VarKind, name: &str) -> Option<&str> {
        let name = name.strip_prefix('$').unwrap_or(name);
        match kind {
            VarKind::Address => self.address.get(name),
            VarKind::Port => self.port.get(name),
        }
        .map(String::as_str)
    }

    /// All variables of one kind, sorted by name.
    pub fn iter(&self, kind: VarKind) -> Vec<(&str, &str)> {
        let map = match kind {
            VarKind::Address => &self.address,
            VarKind::Port => &self.port,
        };
        let mut v: Vec<(&str, &str)> = map.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        v.sort_unstable();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_override() {
        let mut v = Vars::default();
        assert_eq!(
            v.get(VarKind::Address, "$HOME_NET"),
            Some("[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]")
        );
        assert_eq!(v.get(VarKind::Address, "EXTERNAL_NET"), Some("!$HOME_NET"));
        assert_eq!(
            v.get(VarKind::Port, "FILE_DATA_PORTS"),
            Some("[$HTTP_PORTS,110,143]")
        );
        assert_eq!(v.get(VarKind::Port, "HOME_NET"), None);
        v.set(VarKind::Address, "$HOME_NET", " 10.0.0.0/8 ");
        assert_eq!(v.get(VarKind::Address, "HOME_NET"), Some("10.0.0.0/8"));
        assert_eq!(v.iter(VarKind::Port).len(), 11);
        assert_eq!(Vars::empty().iter(VarKind::Address).len(), 0);
    }

    #[test]
    fn oversized_value_is_capped() {
        let mut v = Vars::empty();
        let big = "é".repeat(MAX_VAR_VALUE);
        v.set(VarKind::Port, "X", &big);
        let got = v.get(VarKind::Port, "X").unwrap_or("");
        assert!(got.len() <= MAX_VAR_VALUE && got.len() >= MAX_VAR_VALUE - 1);
    }
}
