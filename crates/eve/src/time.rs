//! EVE timestamps without a date library: civil date from days since the epoch (H. Hinnant's
//! algorithm), always UTC, `+0000`.

use wire::Timestamp;

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn push_num(b: &mut Vec<u8>, v: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    let mut v = v;
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let digits = tmp.len() - i;
    for _ in digits..width {
        b.push(b'0');
    }
    b.extend_from_slice(&tmp[i..]);
}

/// Appends `YYYY-MM-DDTHH:MM:SS.uuuuuu+0000`.
pub fn write_timestamp(b: &mut Vec<u8>, ts: Timestamp) {
    let secs = ts.secs();
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u64;
    let (y, m, d) = civil_from_days(days);
    push_num(b, y.max(0) as u64, 4);
    b.push(b'-');
    push_num(b, m as u64, 2);
    b.push(b'-');
    push_num(b, d as u64, 2);
    b.push(b'T');
    push_num(b, sod / 3600, 2);
    b.push(b':');
    push_num(b, sod / 60 % 60, 2);
    b.push(b':');
    push_num(b, sod % 60, 2);
    b.push(b'.');
    push_num(b, ts.subsec_micros() as u64, 6);
    b.extend_from_slice(b"+0000");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(secs: i64, us: i64) -> String {
        let mut v = Vec::new();
        write_timestamp(&mut v, Timestamp::from_parts(secs, us));
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn formats_like_eve() {
        assert_eq!(fmt(0, 0), "1970-01-01T00:00:00.000000+0000");
        assert_eq!(fmt(1_254_722_772, 248_291), "2009-10-05T06:06:12.248291+0000");
        assert_eq!(fmt(951_782_400, 1), "2000-02-29T00:00:00.000001+0000");
    }
}
