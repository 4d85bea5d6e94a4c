//! `cip_service:service[,class[,[!]attribute]]` as Suricata 7.0.10 matches it on an ENIP
//! transaction (`detect-engine-enip.c` `CIPServiceMatch` / `CIPPathMatch`), quirks included:
//! - services are walked in order; the first one with the rule's service code decides when it
//!   is a response (no match), otherwise a service whose path does not match moves on;
//! - with a class (and attribute), only Get/Set_Attribute_Single/List services are checked; a
//!   path segment other than a class or an 8-bit attribute ends the path check with no match;
//! - an 8-bit attribute segment carries the class before it (the parser's `seg->value`), so
//!   `service,class,attribute` on one matches when the attribute equals that class;
//! - `!attribute` matches any class-then-attribute path of the class.
//!
//! The keyword makes the rule an `enip` rule (`DetectSignatureSetAppProto`). `enip_command` is
//! an integer field in [`super::app_uint`].

use app::enip::{
    CipService, EnipRecord, CIP_GET_ATTR_LIST, CIP_GET_ATTR_SINGLE, CIP_SET_ATTR_LIST, CIP_SET_ATTR_SINGLE,
    PATH_ATTR_8BIT, PATH_CLASS_16BIT, PATH_CLASS_8BIT,
};

/// A compiled `cip_service`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CipServiceM {
    pub service: u8,
    pub class: u16,
    pub attribute: u16,
    /// `false` for `!attribute` (Suricata's `matchattribute`).
    pub match_attribute: bool,
    /// How many values the rule gave (1 to 3).
    pub tokens: u8,
}

impl CipServiceM {
    pub fn compile(service: u8, class: Option<u16>, attribute: Option<u16>, negated: bool) -> CipServiceM {
        CipServiceM {
            service,
            class: class.unwrap_or(0),
            attribute: attribute.unwrap_or(0),
            match_attribute: !negated,
            tokens: 1 + u8::from(class.is_some()) + u8::from(class.is_some() && attribute.is_some()),
        }
    }

    /// `CIPServiceMatch`.
    pub fn matches(&self, tx: &EnipRecord) -> bool {
        for svc in &tx.services {
            if svc.service != self.service {
                continue;
            }
            if self.tokens > 1 {
                let attr_svc = matches!(
                    svc.service,
                    CIP_SET_ATTR_LIST | CIP_SET_ATTR_SINGLE | CIP_GET_ATTR_LIST | CIP_GET_ATTR_SINGLE
                );
                if attr_svc && self.path_match(svc) {
                    return !svc.response;
                }
            } else {
                return !svc.response;
            }
        }
        false
    }

    /// `CIPPathMatch`.
    fn path_match(&self, svc: &CipService) -> bool {
        let mut class = 0u16;
        let mut found_class = false;
        for &(seg, value) in &svc.segments {
            match seg {
                PATH_CLASS_8BIT | PATH_CLASS_16BIT => {
                    class = value;
                    if self.class == class {
                        if self.tokens == 2 {
                            return true;
                        }
                        found_class = true;
                    }
                }
                PATH_ATTR_8BIT => {
                    let attrib = value;
                    if self.tokens == 3 && self.class == class {
                        if self.match_attribute && self.attribute == attrib {
                            return true;
                        }
                        if !self.match_attribute {
                            return true;
                        }
                    }
                }
                _ => return false,
            }
        }
        if !found_class {
            return false;
        }
        if matches!(svc.service, CIP_SET_ATTR_LIST | CIP_GET_ATTR_LIST) {
            return svc.attributes.contains(&self.attribute);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(service: u8, response: bool, segments: &[(u8, u16)], attributes: &[u16]) -> CipService {
        CipService {
            service,
            response,
            segments: segments.to_vec(),
            attributes: attributes.to_vec(),
        }
    }

    fn tx(services: Vec<CipService>) -> EnipRecord {
        EnipRecord {
            services,
            ..Default::default()
        }
    }

    #[test]
    fn service_only() {
        let m = CipServiceM::compile(10, None, None, false);
        assert_eq!(m.tokens, 1);
        assert!(m.matches(&tx(vec![svc(3, false, &[], &[]), svc(10, false, &[], &[])])));
        assert!(!m.matches(&tx(vec![svc(3, false, &[], &[])])));
        // The first service with the code decides: a response does not match.
        assert!(!m.matches(&tx(vec![svc(10, true, &[], &[]), svc(10, false, &[], &[])])));
        assert!(!m.matches(&tx(vec![])));
    }

    #[test]
    fn class_and_attribute() {
        let list = svc(CIP_GET_ATTR_LIST, false, &[(PATH_CLASS_8BIT, 0x8b)], &[8, 9]);
        let m = CipServiceM::compile(3, Some(0x8b), None, false);
        assert_eq!(m.tokens, 2);
        assert!(m.matches(&tx(vec![list.clone()])));
        assert!(!CipServiceM::compile(3, Some(0x8c), None, false).matches(&tx(vec![list.clone()])));
        // Attribute from the list.
        assert!(CipServiceM::compile(3, Some(0x8b), Some(9), false).matches(&tx(vec![list.clone()])));
        assert!(!CipServiceM::compile(3, Some(0x8b), Some(7), false).matches(&tx(vec![list.clone()])));
        // A class on a service that is not an attribute service never matches.
        let other = svc(0x4c, false, &[(PATH_CLASS_8BIT, 6)], &[]);
        assert!(!CipServiceM::compile(0x4c, Some(6), None, false).matches(&tx(vec![other])));
        // A later matching service is found after one whose path fails.
        let a = svc(3, false, &[(PATH_CLASS_8BIT, 1)], &[]);
        assert!(m.matches(&tx(vec![a, list.clone()])));
        // A matching path on a response: no match.
        let mut resp = list;
        resp.response = true;
        assert!(!m.matches(&tx(vec![resp])));
    }

    #[test]
    fn single_attribute_segments_carry_the_class() {
        // Get_Attribute_Single class 0x10, attribute segment (value = class 0x10).
        let single = svc(
            CIP_GET_ATTR_SINGLE,
            false,
            &[(PATH_CLASS_16BIT, 0x10), (PATH_ATTR_8BIT, 0x10)],
            &[],
        );
        assert!(CipServiceM::compile(14, Some(0x10), Some(0x10), false).matches(&tx(vec![single.clone()])));
        assert!(!CipServiceM::compile(14, Some(0x10), Some(3), false).matches(&tx(vec![single.clone()])));
        // `!attribute`: any attribute segment of the class.
        assert!(CipServiceM::compile(14, Some(0x10), Some(3), true).matches(&tx(vec![single])));
        // An unknown segment type ends the check.
        let odd = svc(
            CIP_GET_ATTR_SINGLE,
            false,
            &[(0x99, 0), (PATH_CLASS_8BIT, 1)],
            &[],
        );
        assert!(!CipServiceM::compile(14, Some(1), None, false).matches(&tx(vec![odd])));
    }
}
