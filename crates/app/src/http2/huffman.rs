//! HPACK Huffman decoding (RFC 7541 Appendix B).
//!
//! The code of RFC 7541 is canonical: within one bit length, codes are consecutive and given to
//! the symbols in increasing order, and the first code of a length follows the last code of the
//! previous one. So the whole table is the count of codes per length plus the symbols sorted by
//! (length, symbol); decoding walks the input bit by bit, one comparison per bit.
//!
//! Like Suricata, decoding stops at the first bit sequence that is not a complete code (the
//! padding at the end, a truncated code, or the EOS symbol) and keeps what was decoded.

/// Number of codes of each bit length (index = length, 0..=30); EOS is the last of length 30.
const COUNTS: [u16; 31] = [
    0, 0, 0, 0, 0, 10, 26, 32, 6, 0, 5, 3, 2, 6, 2, 3, 0, 0, 0, 3, 8, 13, 26, 29, 12, 4, 15, 19, 29, 0, 4,
];

/// Symbols sorted by (code length, symbol); 256 is EOS.
const SYMBOLS: [u16; 257] = [
    48, 49, 50, 97, 99, 101, 105, 111, 115, 116, 32, 37, 45, 46, 47, 51, 52, 53, 54, 55, 56, 57, 61, 65, 95,
    98, 100, 102, 103, 104, 108, 109, 110, 112, 114, 117, 58, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77,
    78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 89, 106, 107, 113, 118, 119, 120, 121, 122, 38, 42, 44, 59, 88,
    90, 33, 34, 40, 41, 63, 39, 43, 124, 35, 62, 0, 36, 64, 91, 93, 126, 94, 125, 60, 96, 123, 92, 195, 208,
    128, 130, 131, 162, 184, 194, 224, 226, 153, 161, 167, 172, 176, 177, 179, 209, 216, 217, 227, 229, 230,
    129, 132, 133, 134, 136, 146, 154, 156, 160, 163, 164, 169, 170, 173, 178, 181, 185, 186, 187, 189, 190,
    196, 198, 228, 232, 233, 1, 135, 137, 138, 139, 140, 141, 143, 147, 149, 150, 151, 152, 155, 157, 158,
    165, 166, 168, 174, 175, 180, 182, 183, 188, 191, 197, 231, 239, 9, 142, 144, 145, 148, 159, 171, 206,
    215, 225, 236, 237, 199, 207, 234, 235, 192, 193, 200, 201, 202, 205, 210, 213, 218, 219, 238, 240, 242,
    243, 255, 203, 204, 211, 212, 214, 221, 222, 223, 241, 244, 245, 246, 247, 248, 250, 251, 252, 253, 254,
    2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127,
    220, 249, 10, 13, 22, 256,
];

const EOS: u16 = 256;

/// Decodes `input`, appending the bytes to `out`, at most `max` of them (the rest is dropped).
/// Returns whether the whole input decoded to symbols plus a valid padding (at most 7 one-bits).
pub fn decode(input: &[u8], out: &mut Vec<u8>, max: usize) -> bool {
    let mut code: u32 = 0;
    let mut first: u32 = 0;
    let mut index: usize = 0;
    let mut len: usize = 0;
    for &byte in input {
        for shift in (0..8).rev() {
            code = (code << 1) | u32::from((byte >> shift) & 1);
            len += 1;
            let count = u32::from(COUNTS.get(len).copied().unwrap_or(0));
            if code.wrapping_sub(first) < count {
                let sym = SYMBOLS
                    .get(index + (code - first) as usize)
                    .copied()
                    .unwrap_or(EOS);
                if sym == EOS {
                    return false;
                }
                if out.len() < max {
                    out.push(sym as u8);
                }
                code = 0;
                first = 0;
                index = 0;
                len = 0;
                continue;
            }
            if len >= 30 {
                return false;
            }
            index += count as usize;
            first = (first + count) << 1;
        }
    }
    // What is left must be a prefix of EOS (all ones), shorter than a byte.
    len < 8 && code == (1u32 << len) - 1
}

/// The code and bit length of `sym` (for tests and encoders).
#[cfg(test)]
pub fn code_of(sym: u16) -> (u32, u32) {
    let mut first: u32 = 0;
    let mut index = 0usize;
    for (len, &count) in COUNTS.iter().enumerate() {
        let count = usize::from(count);
        if let Some(pos) = SYMBOLS[index..index + count].iter().position(|&s| s == sym) {
            return (first + pos as u32, len as u32);
        }
        index += count;
        first = (first + count as u32) << 1;
    }
    (0, 0)
}

/// Huffman-encodes `data` (tests build header blocks with it).
#[cfg(test)]
pub fn encode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut acc: u64 = 0;
    let mut bits = 0u32;
    for &b in data {
        let (code, len) = code_of(u16::from(b));
        acc = (acc << len) | u64::from(code);
        bits += len;
        while bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    if bits > 0 {
        let pad = 8 - bits;
        acc = (acc << pad) | ((1u64 << pad) - 1);
        out.push(acc as u8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(b: &[u8]) -> (Vec<u8>, bool) {
        let mut out = Vec::new();
        let ok = decode(b, &mut out, usize::MAX);
        (out, ok)
    }

    #[test]
    fn rfc7541_c4_strings() {
        let www = [
            0xf1, 0xe3, 0xc2, 0xe5, 0xf2, 0x3a, 0x6b, 0xa0, 0xab, 0x90, 0xf4, 0xff,
        ];
        assert_eq!(dec(&www), (b"www.example.com".to_vec(), true));
        assert_eq!(
            dec(&[0xa8, 0xeb, 0x10, 0x64, 0x9c, 0xbf]),
            (b"no-cache".to_vec(), true)
        );
        assert_eq!(
            dec(&[0x25, 0xa8, 0x49, 0xe9, 0x5b, 0xa9, 0x7d, 0x7f]),
            (b"custom-key".to_vec(), true)
        );
        assert_eq!(
            dec(&[0x25, 0xa8, 0x49, 0xe9, 0x5b, 0xb8, 0xe8, 0xb4, 0xbf]),
            (b"custom-value".to_vec(), true)
        );
    }

    #[test]
    fn code_table_matches_rfc() {
        assert_eq!(code_of(u16::from(b'0')), (0x0, 5));
        assert_eq!(code_of(u16::from(b' ')), (0x14, 6));
        assert_eq!(code_of(u16::from(b'&')), (0xf8, 8));
        assert_eq!(code_of(0), (0x1ff8, 13));
        assert_eq!(code_of(10), (0x3ffffffc, 30));
        assert_eq!(code_of(EOS), (0x3fffffff, 30));
    }

    #[test]
    fn roundtrip_all_bytes() {
        let all: Vec<u8> = (0..=255u8).collect();
        assert_eq!(dec(&encode(&all)), (all, true));
    }

    #[test]
    fn bad_inputs_keep_prefix() {
        // EOS inside the data stops decoding.
        let (out, ok) = dec(&[0x07, 0xff, 0xff, 0xff, 0xe0]);
        assert_eq!(out, b"0".to_vec()); // '0' = 00000, then 30 ones
        assert!(!ok);
        // A zero padding is not valid but keeps the symbols.
        let (out, ok) = dec(&[0x00]); // '0' then 000 padding
        assert_eq!(out, b"0".to_vec());
        assert!(!ok);
        assert_eq!(dec(&[]), (Vec::new(), true));
        // bounded output
        let mut out = Vec::new();
        decode(&encode(b"abcdef"), &mut out, 3);
        assert_eq!(out, b"abc");
    }
}
