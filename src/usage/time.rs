//! Timestamps in the exports: RFC 3339 (`2025-08-08T00:00:00Z`, fractions and offsets),
//! plain dates (`2025-08-08`) and OTLP nanoseconds since the epoch. No date library: the
//! civil-date arithmetic is Howard Hinnant's, shared with `exceptions::parse_date` and
//! `source::git::date`.

fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0i64, |n, b| n * 10 + i64::from(b - b'0')))
}

/// Seconds since the epoch (UTC) of `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
/// A space may stand for the `T`. Anything else is `None`.
pub fn parse(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if !(digits(&b[0..4]).is_some() && digits(&b[5..7]).is_some() && digits(&b[8..10]).is_some()) {
        return None;
    }
    // The same civil-date arithmetic as exception expiry dates.
    let day = crate::dates::parse_date(std::str::from_utf8(&b[..10]).ok()?)? * 86_400;
    if b.len() == 10 {
        return Some(day);
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 19 || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, sec) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), hh1, hh2, b':', mm1, mm2] => {
            let v = digits(&[*hh1, *hh2])? * 3600 + digits(&[*mm1, *mm2])? * 60;
            if *sign == b'+' { v } else { -v }
        }
        _ => return None,
    };
    Some(day + h * 3600 + mi * 60 + sec - offset)
}

/// OTLP `timeUnixNano` (a decimal string or a number) → seconds.
pub fn from_nanos(n: u64) -> i64 {
    (n / 1_000_000_000) as i64
}

/// The Monday (days since 1970) of the ISO week holding `secs`.
pub fn week_of(secs: i64) -> i32 {
    let days = secs.div_euclid(86_400);
    // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays.
    (days - (days + 3).rem_euclid(7)) as i32
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(secs: i64) -> String {
    let s = secs.rem_euclid(86_400);
    let day = crate::dates::date(secs);
    format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// `YYYY-MM-DD` of a day number.
pub fn day_string(days: i32) -> String {
    crate::dates::date(i64::from(days) * 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_and_dates() {
        assert_eq!(parse("1970-01-01"), Some(0));
        assert_eq!(parse("2025-08-08T00:00:00Z"), Some(1_754_611_200));
        assert_eq!(
            parse("2025-08-08T01:02:03.456Z"),
            Some(1_754_611_200 + 3723)
        );
        assert_eq!(parse("2025-08-08T02:00:00+02:00"), Some(1_754_611_200));
        assert_eq!(parse("2025-08-08 00:00:00"), Some(1_754_611_200));
        for bad in [
            "",
            "2025-13-01",
            "2025-08-08T",
            "2025/08/08",
            "2025-08-08T00:00:00X",
            "x",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2025-08-08 is a Friday; its week starts Monday 2025-08-04 (day 20304).
        assert_eq!(week_of(1_754_611_200), 20_304);
        assert_eq!(day_string(20_304), "2025-08-04");
        // A Monday is its own week; the Sunday before belongs to the previous week.
        assert_eq!(week_of(20_304 * 86_400), 20_304);
        assert_eq!(week_of(20_303 * 86_400), 20_297);
        assert_eq!(from_nanos(1_754_611_200_123_456_789), 1_754_611_200);
    }
}
