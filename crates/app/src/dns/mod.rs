//! DNS over UDP and TCP. (To be written.)

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DnsRecord {}
