//! Provider cool-down after a 429 with `Retry-After`.
//!
//! When a provider says "retry after N", the gateway skips that endpoint until
//! then, on every worker: the translate filter stores the deadline in shared
//! data (process-wide) and, on later attempts, answers for a cooling endpoint
//! itself with a retriable status, so Envoy's retry moves straight on to the
//! next priority without sending the provider a request it will refuse.
//!
//! Deadlines are absolute Unix milliseconds, stored as 8 big-endian bytes.
//! A provider's wait is capped so a bogus header cannot take it out for long.

/// Longest cool-down honoured, whatever the provider says.
pub const MAX_COOLDOWN_MS: u64 = 5 * 60 * 1000;

/// Shared-data key for one endpoint (provider + upstream model: rate limits
/// are per model at every major provider).
pub fn key(provider: &str, upstream_model: &str) -> String {
    format!("switchboard.cooldown.{provider}/{upstream_model}")
}

/// The wait a response asks for, from `retry-after-ms` (milliseconds, sent by
/// some OpenAI-compatible APIs) or `retry-after` (delta-seconds or an
/// IMF-fixdate HTTP date), capped at [`MAX_COOLDOWN_MS`].
pub fn requested_wait_ms(
    retry_after: Option<&str>,
    retry_after_ms: Option<&str>,
    now_ms: u64,
) -> Option<u64> {
    let wait = retry_after_ms
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms > 0.0)
        .map(|ms| ms.ceil() as u64)
        .or_else(|| {
            let v = retry_after?.trim();
            match v.parse::<u64>() {
                Ok(secs) => Some(secs.saturating_mul(1000)),
                Err(_) => http_date_ms(v).map(|at| at.saturating_sub(now_ms)),
            }
        })?;
    (wait > 0).then_some(wait.min(MAX_COOLDOWN_MS))
}

pub fn encode_deadline(until_ms: u64) -> [u8; 8] {
    until_ms.to_be_bytes()
}

/// Milliseconds left in the cool-down stored as `value`, if any.
pub fn remaining_ms(value: Option<&[u8]>, now_ms: u64) -> Option<u64> {
    let bytes: [u8; 8] = value?.try_into().ok()?;
    let until = u64::from_be_bytes(bytes);
    (until > now_ms).then(|| until - now_ms)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` → Unix milliseconds.
fn http_date_ms(value: &str) -> Option<u64> {
    let mut parts = value.split_whitespace();
    let _weekday = parts.next()?;
    let day: u64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: u64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let h: u64 = hms.next()?.parse().ok()?;
    let m: u64 = hms.next()?.parse().ok()?;
    let s: u64 = hms.next()?.parse().ok()?;
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day)?;
    Some((days * 86_400 + h * 3600 + m * 60 + s) * 1000)
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    if year < 1970 {
        return None;
    }
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).checked_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_seconds_and_milliseconds() {
        assert_eq!(requested_wait_ms(Some("2"), None, 0), Some(2000));
        assert_eq!(requested_wait_ms(Some("1"), Some("250.5"), 0), Some(251));
        assert_eq!(requested_wait_ms(Some("0"), None, 0), None);
        assert_eq!(requested_wait_ms(None, None, 0), None);
        assert_eq!(requested_wait_ms(Some("soon"), None, 0), None);
        assert_eq!(
            requested_wait_ms(Some("99999999"), None, 0),
            Some(MAX_COOLDOWN_MS)
        );
    }

    #[test]
    fn http_dates() {
        // 1994-11-06T08:49:37Z = 784111777 s
        assert_eq!(
            http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000)
        );
        let now = 784_111_777_000 - 3_000;
        assert_eq!(
            requested_wait_ms(Some("Sun, 06 Nov 1994 08:49:37 GMT"), None, now),
            Some(3_000)
        );
        assert_eq!(http_date_ms("Sun, 06 Foo 1994 08:49:37 GMT"), None);
        assert_eq!(http_date_ms("garbage"), None);
    }

    #[test]
    fn deadlines_round_trip_and_expire() {
        let stored = encode_deadline(10_000);
        assert_eq!(remaining_ms(Some(&stored), 9_000), Some(1_000));
        assert_eq!(remaining_ms(Some(&stored), 10_000), None);
        assert_eq!(remaining_ms(Some(b"bad"), 0), None);
        assert_eq!(remaining_ms(None, 0), None);
    }

    #[test]
    fn keys_name_provider_and_model() {
        assert_eq!(
            key("openai", "gpt-4o"),
            "switchboard.cooldown.openai/gpt-4o"
        );
    }
}
