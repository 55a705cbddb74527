//! Typed condition values: numbers, dates, booleans, base64, IP ranges and ARNs, each
//! parsed once from the policy and compared with request values at evaluation.

use std::net::IpAddr;

/// Parses an IAM number: an integer or a decimal, optionally negative.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    let ok = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    if ok {
        t.parse::<f64>().ok()
    } else {
        None
    }
}

/// Parses a time given as epoch seconds or an ISO 8601 date-time; returns epoch seconds.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    parse_date(text).map(|millis| millis.div_euclid(1000))
}

/// Parses an IAM date: ISO 8601 (W3C profile) or epoch seconds. Returns epoch milliseconds.
pub(crate) fn parse_date(text: &str) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().ok().and_then(|s| s.checked_mul(1000));
    }
    let b = t.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let s = t.get(from..from + len)?;
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (month, day) = (num(5, 2)?, num(8, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut millis = days_from_civil(year, month, day) * 86_400_000;
    if b.len() == 10 {
        return Some(millis);
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (hour, minute) = (num(11, 2)?, num(14, 2)?);
    if b.get(13) != Some(&b':') || hour > 23 || minute > 59 {
        return None;
    }
    let mut pos = 16;
    let mut second = 0;
    if b.get(pos) == Some(&b':') {
        second = num(pos + 1, 2)?;
        if second > 60 {
            return None;
        }
        pos += 3;
        if b.get(pos) == Some(&b'.') {
            pos += 1;
            let frac_start = pos;
            while b.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
            if pos == frac_start {
                return None;
            }
            let frac = t.get(frac_start..pos.min(frac_start + 3)).unwrap_or("0");
            let scale = [100, 10, 1];
            millis += frac.parse::<i64>().ok()? * scale.get(frac.len() - 1).copied().unwrap_or(1);
        }
    }
    millis += (hour * 3600 + minute * 60 + second) * 1000;
    match b.get(pos) {
        None => Some(millis),
        Some(b'Z' | b'z') if pos + 1 == b.len() => Some(millis),
        Some(sign @ (b'+' | b'-')) => {
            let (oh, om) = (num(pos + 1, 2)?, num(pos + 4, 2)?);
            if b.get(pos + 3) != Some(&b':') || pos + 6 != b.len() {
                return None;
            }
            let offset = (oh * 3600 + om * 60) * 1000;
            Some(if *sign == b'+' {
                millis - offset
            } else {
                millis + offset
            })
        }
        _ => None,
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats epoch seconds as an ISO 8601 UTC timestamp.
pub fn format_epoch(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Parses `true`/`false`, case-insensitively.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An IP address range: a CIDR block, or one address as a /32 or /128.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IpRange {
    addr: IpAddr,
    prefix: u8,
}

impl IpRange {
    pub(crate) fn parse(text: &str) -> Option<IpRange> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (text.trim().parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpRange { addr, prefix })
    }

    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// Decodes standard or URL-safe base64, with or without padding.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    decode_with(text, &SEXTETS)
}

/// Decodes URL-safe base64 only (a JWT's segments), with or without padding.
pub(crate) fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    decode_with(text, &URL_SEXTETS)
}

/// Whether `b` is a base64url character (padding aside): the alphabet `decode_base64url`
/// reads, for saying where a token stops being base64url.
pub(crate) fn is_base64url(b: u8) -> bool {
    URL_SEXTETS[usize::from(b)] != 0xff
}

fn decode_with(text: &str, table: &[u8; 256]) -> Option<Vec<u8>> {
    let value = |b: u8| u32::from(table[usize::from(b)]);
    let trimmed = text.trim_end_matches('=').as_bytes();
    // Four characters make three bytes: whole groups first, written in place (no bounds
    // checks, no per-byte push: this loop is most of a token's decoding), the tail after.
    let groups = trimmed.chunks_exact(4);
    let tail = groups.remainder();
    let mut out = vec![0u8; trimmed.len() / 4 * 3];
    for (g, o) in groups.zip(out.chunks_exact_mut(3)) {
        let (&[a, b, c, d], [x, y, z]) = (g, o) else {
            return None;
        };
        let (a, b, c, d) = (value(a), value(b), value(c), value(d));
        if (a | b | c | d) > 63 {
            return None;
        }
        let acc = (a << 18) | (b << 12) | (c << 6) | d;
        (*x, *y, *z) = ((acc >> 16) as u8, (acc >> 8) as u8, acc as u8);
    }
    let mut acc = 0u32;
    for &b in tail {
        match value(b) {
            v @ 0..=63 => acc = (acc << 6) | v,
            _ => return None,
        }
    }
    match tail.len() {
        0 => {}
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        // Six leftover bits cannot come from whole bytes.
        _ => return None,
    }
    Some(out)
}

/// Each character's value in base64 (both alphabets), 0xff for the others: a table,
/// because a chain of range tests per character costs much more in WebAssembly.
const SEXTETS: [u8; 256] = sextets(true);
/// The same for base64url alone (no `+` or `/`).
const URL_SEXTETS: [u8; 256] = sextets(false);

const fn sextets(standard: bool) -> [u8; 256] {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 26 {
        t[b'A' as usize + i] = i as u8;
        t[b'a' as usize + i] = 26 + i as u8;
        i += 1;
    }
    let mut d = 0;
    while d < 10 {
        t[b'0' as usize + d] = 52 + d as u8;
        d += 1;
    }
    t[b'-' as usize] = 62;
    t[b'_' as usize] = 63;
    if standard {
        t[b'+' as usize] = 62;
        t[b'/' as usize] = 63;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("74"), Some(74.0));
        assert_eq!(parse_number("-1.5"), Some(-1.5));
        assert_eq!(parse_number("1e3"), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-01-02T03:04:05Z"), parse_date("1767323045"));
        assert_eq!(
            parse_date("2026-01-02T05:04:05+02:00"),
            parse_date("2026-01-02T03:04:05Z")
        );
        assert_eq!(
            parse_date("2026-01-02T03:04:05.250Z"),
            parse_date("2026-01-02T03:04:05Z").map(|m| m + 250)
        );
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(format_epoch(1_767_323_045), "2026-01-02T03:04:05Z");
    }

    #[test]
    fn ip_ranges() {
        let r = IpRange::parse("203.0.113.0/24").unwrap();
        assert!(r.contains("203.0.113.9".parse().unwrap()));
        assert!(!r.contains("203.0.114.9".parse().unwrap()));
        assert!(IpRange::parse("10.0.0.1")
            .unwrap()
            .contains("10.0.0.1".parse().unwrap()));
        assert!(IpRange::parse("2001:db8::/32")
            .unwrap()
            .contains("2001:db8::1".parse().unwrap()));
        assert!(IpRange::parse("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
        assert_eq!(IpRange::parse("10.0.0.0/33"), None);
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert_eq!(decode_base64("aGk").unwrap(), b"hi");
        assert_eq!(decode_base64("a"), None);
        assert_eq!(decode_base64("a!"), None);
        assert_eq!(decode_base64("aG=k"), None, "padding only at the end");
        // Every length and every byte value round-trip, in both alphabets.
        const STD: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for len in 0..40usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 97 + len * 31) as u8).collect();
            let mut encoded = String::new();
            for chunk in bytes.chunks(3) {
                let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
                    << (8 * (3 - chunk.len()));
                for i in 0..=chunk.len() {
                    encoded.push(char::from(STD[((n >> (18 - 6 * i)) & 63) as usize]));
                }
            }
            assert_eq!(
                decode_base64(&encoded).as_deref(),
                Some(&bytes[..]),
                "{encoded}"
            );
            let url = encoded.replace('+', "-").replace('/', "_");
            assert_eq!(decode_base64(&url).as_deref(), Some(&bytes[..]), "{url}");
            assert_eq!(decode_base64url(&url).as_deref(), Some(&bytes[..]), "{url}");
            if encoded != url {
                assert_eq!(
                    decode_base64url(&encoded),
                    None,
                    "`+` and `/` are not base64url"
                );
            }
        }
    }
}
