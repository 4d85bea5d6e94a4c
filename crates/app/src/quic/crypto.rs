//! QUIC Initial packet protection (RFC 9001 section 5, RFC 9369 for QUIC v2), as Suricata
//! 7.0.10's `rust/src/quic/crypto.rs` derives and applies it: the initial secrets come from
//! the client's first destination connection id and the version's salt (HKDF-SHA256); each
//! direction has a header protection key (AES-128-ECB mask) and a packet key (AES-128-GCM).

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use aes::Aes128;
use aes_gcm::{AeadInOut, Aes128Gcm};
use hkdf::Hkdf;
use sha2::Sha256;

/// AES-128 key (and header protection sample) length.
pub const KEY_LEN: usize = 16;
/// AES-128-GCM tag length.
pub const TAG_LEN: usize = 16;
/// AES-128-GCM nonce length.
pub const IV_LEN: usize = 12;

/// QUIC version 2 (RFC 9369).
pub const VERSION_2: u32 = 0x6b33_43cf;

/// The header protection key of one direction.
pub struct HeaderKey(Aes128);

impl HeaderKey {
    fn new(hk: &Hkdf<Sha256>, version: u32) -> Option<Self> {
        let label: &[u8] = if version == VERSION_2 {
            b"quicv2 hp"
        } else {
            b"quic hp"
        };
        let mut key = [0u8; KEY_LEN];
        expand_label(hk, label, &mut key)?;
        Aes128::new_from_slice(&key).ok().map(HeaderKey)
    }

    /// Removes header protection: unmasks the low bits of `first` (4 for a long header, 5 for
    /// a short one) and then the packet number bytes, as many as the unmasked first byte says.
    /// `sample` must be 16 bytes (else nothing is changed and `false` returned).
    pub fn unmask(&self, sample: &[u8], first: &mut u8, pn: &mut [u8]) -> bool {
        let Ok(block) = <[u8; KEY_LEN]>::try_from(sample) else {
            return false;
        };
        let mut mask = block.into();
        self.0.encrypt_block(&mut mask);
        let mask: [u8; KEY_LEN] = mask.into();
        let bits = if *first & 0x80 != 0 { 0x0f } else { 0x1f };
        *first ^= mask[0] & bits;
        let pn_len = usize::from(*first & 0x03) + 1;
        for (d, m) in pn.iter_mut().zip(mask.iter().skip(1)).take(pn_len) {
            *d ^= m;
        }
        true
    }
}

/// The packet protection key and IV of one direction.
pub struct PacketKey {
    key: Aes128Gcm,
    iv: [u8; IV_LEN],
}

impl PacketKey {
    fn new(hk: &Hkdf<Sha256>, version: u32) -> Option<Self> {
        let (lkey, liv): (&[u8], &[u8]) = if version == VERSION_2 {
            (b"quicv2 key", b"quicv2 iv")
        } else {
            (b"quic key", b"quic iv")
        };
        let mut key = [0u8; KEY_LEN];
        expand_label(hk, lkey, &mut key)?;
        let mut iv = [0u8; IV_LEN];
        expand_label(hk, liv, &mut iv)?;
        Some(PacketKey {
            key: Aes128Gcm::new_from_slice(&key).ok()?,
            iv,
        })
    }

    /// Decrypts `payload` (ciphertext then the 16-byte tag) in place, authenticating `header`
    /// (the unprotected header up to the packet number); returns the plaintext length.
    pub fn decrypt(&self, pn: u64, header: &[u8], payload: &mut [u8]) -> Option<usize> {
        let tag_pos = payload.len().checked_sub(TAG_LEN)?;
        let mut nonce = [0u8; IV_LEN];
        for (n, (p, iv)) in nonce
            .iter_mut()
            .zip([0u8; 4].iter().chain(pn.to_be_bytes().iter()).zip(self.iv.iter()))
        {
            *n = p ^ iv;
        }
        let (msg, tag) = payload.split_at_mut(tag_pos);
        let tag = aes_gcm::Tag::try_from(&*tag).ok()?;
        let nonce = aes_gcm::Nonce::try_from(&nonce[..]).ok()?;
        self.key
            .decrypt_inout_detached(&nonce, header, msg.into(), &tag)
            .ok()?;
        Some(tag_pos)
    }
}

/// The keys of one direction.
pub struct DirKeys {
    pub header: HeaderKey,
    pub packet: PacketKey,
}

impl DirKeys {
    fn new(secret: &[u8], version: u32) -> Option<Self> {
        let hk = Hkdf::<Sha256>::from_prk(secret).ok()?;
        Some(DirKeys {
            header: HeaderKey::new(&hk, version)?,
            packet: PacketKey::new(&hk, version)?,
        })
    }
}

/// The Initial keys of a connection: client to server, and server to client.
pub struct Keys {
    pub client: DirKeys,
    pub server: DirKeys,
}

/// TLS 1.3 `HKDF-Expand-Label` with an empty context.
fn expand_label(hk: &Hkdf<Sha256>, label: &[u8], out: &mut [u8]) -> Option<()> {
    const PREFIX: &[u8] = b"tls13 ";
    let olen = u16::try_from(out.len()).ok()?.to_be_bytes();
    let llen = [u8::try_from(PREFIX.len() + label.len()).ok()?];
    hk.expand_multi_info(&[&olen, &llen, PREFIX, label, &[0]], out)
        .ok()
}

/// The initial salt of `version` (Suricata's list: Q050, drafts 23-34, v1, v2); `None` for
/// versions whose Initial packets are not decrypted.
fn salt(version: u32) -> Option<&'static [u8; 20]> {
    Some(match version {
        0x5130_3530 => &[
            0x50, 0x45, 0x74, 0xEF, 0xD0, 0x66, 0xFE, 0x2F, 0x9D, 0x94, 0x5C, 0xFC, 0xDB, 0xD3, 0xA7, 0xF0,
            0xD3, 0xB5, 0x6B, 0x45,
        ],
        0xff00_001d..=0xff00_0020 => &[
            0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0,
            0x43, 0x90, 0xa8, 0x99,
        ],
        0xfaceb002 | 0xff00_0017..=0xff00_001c => &[
            0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7, 0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65,
            0xbe, 0xf9, 0xf5, 0x02,
        ],
        0x0000_0001 | 0xff00_0021..=0xff00_0022 => &[
            0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad,
            0xcc, 0xbb, 0x7f, 0x0a,
        ],
        VERSION_2 => &[
            0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb,
            0xf9, 0xbd, 0x2e, 0xd9,
        ],
        _ => return None,
    })
}

/// Suricata's `quic_keys_initial`: the Initial keys for `version` from the client's
/// destination connection id.
pub fn initial_keys(version: u32, dcid: &[u8]) -> Option<Keys> {
    let hk = Hkdf::<Sha256>::new(Some(salt(version)?), dcid);
    let mut client = [0u8; 32];
    expand_label(&hk, b"client in", &mut client)?;
    let mut server = [0u8; 32];
    expand_label(&hk, b"server in", &mut server)?;
    Some(Keys {
        client: DirKeys::new(&client, version)?,
        server: DirKeys::new(&server, version)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn rfc9001_appendix_a_header_protection() {
        // RFC 9001 A.2: client Initial, DCID 0x8394c8f03e515708, mask 437b9aec36.
        let k = initial_keys(1, &hex("8394c8f03e515708")).unwrap();
        let sample = hex("d1b1c98dd7689fb8ec11d242b123dc9b");
        let mut first = 0xc0;
        let mut pn = [0x7b, 0x9a, 0xec, 0x34];
        assert!(k.client.header.unmask(&sample, &mut first, &mut pn));
        assert_eq!(first, 0xc3);
        assert_eq!(pn, [0x00, 0x00, 0x00, 0x02]);
        // A short sample is refused and changes nothing.
        let mut f = 0xc0;
        assert!(!k.client.header.unmask(&sample[..15], &mut f, &mut pn));
        assert_eq!(f, 0xc0);
    }

    #[test]
    fn unknown_version_has_no_keys() {
        assert!(initial_keys(0x5130_3433, b"12345678").is_none());
        assert!(initial_keys(0xff00_001d, b"12345678").is_some());
        assert!(initial_keys(VERSION_2, b"").is_some());
    }

    #[test]
    fn short_or_forged_payload_is_refused() {
        let k = initial_keys(1, &hex("8394c8f03e515708")).unwrap();
        assert_eq!(k.client.packet.decrypt(2, b"hdr", &mut [0u8; 15]), None);
        assert_eq!(k.client.packet.decrypt(2, b"hdr", &mut [0u8; 40]), None);
    }
}
