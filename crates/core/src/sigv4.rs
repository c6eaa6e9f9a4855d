//! AWS Signature Version 4 for Bedrock requests, as pure functions.
//!
//! The translate filter calls [`sign`] once the upstream request is final
//! (path, host, body) and adds the headers it returns. Core has no clock: the
//! filter passes the time, formatted by [`amz_date`].
//!
//! The algorithm (AWS IAM user guide, "Create a signed AWS API request"):
//! 1. canonical request = method, canonical URI, canonical query, canonical
//!    headers, signed-header names, hex SHA-256 of the body — one per line;
//! 2. string to sign = `AWS4-HMAC-SHA256`, the `x-amz-date`, the scope
//!    `<yyyymmdd>/<region>/<service>/aws4_request`, hex SHA-256 of (1);
//! 3. signing key = HMAC-SHA256 chain `"AWS4" + secret` → date → region →
//!    service → `aws4_request`; signature = hex HMAC of (2) under that key;
//! 4. `authorization: AWS4-HMAC-SHA256 Credential=<key id>/<scope>,
//!    SignedHeaders=<names>, Signature=<hex>`.
//!
//! Encoding (pitfall 17): the request line carries the path encoded *once*
//! (a model id `a:b` travels as `a%3Ab`). For every service but S3 the
//! canonical URI encodes each segment of that path *again*, so the `%` of
//! `%3A` becomes `%25` and the signature covers `a%253Ab`. [`SigningInput::path`]
//! is therefore the path exactly as sent; this module does the second
//! encoding. Query names and values are percent-decoded, then encoded once,
//! and sorted. Header names are lower-cased, values trimmed with inner runs
//! of spaces collapsed, and repeated names joined with `,` in order.
//!
//! Bedrock's service name is always `bedrock` (also for agent runtime; pitfall
//! 17). [`sign_with`] takes the service as a parameter only so that AWS's
//! published test vectors (service `service`) can be checked.
//!
//! Bedrock API keys need none of this: with that auth style the filter sends
//! `authorization: Bearer <key>` and signs nothing.
//!
//! Invariant: every function is total (no panics on any input), and a secret
//! never appears in any output.

use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The service every Bedrock request is signed for.
pub const BEDROCK_SERVICE: &str = "bedrock";

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// What a request signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// `POST` for Bedrock.
    pub method: &'a str,
    /// The `host` (`:authority`) header, e.g. `bedrock-runtime.us-east-1.amazonaws.com`.
    pub host: &'a str,
    /// The path exactly as sent, already percent-encoded once.
    pub path: &'a str,
    /// The query string without `?` (empty for Bedrock).
    pub query: &'a str,
    /// Further headers to sign besides `host` and the ones this module adds
    /// (`content-type` is usual). Names in any case; `host`, `authorization`
    /// and `x-amz-*` headers this module sets are ignored here.
    pub headers_to_sign: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
    pub region: &'a str,
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    /// STS session token of temporary credentials; signed when present.
    pub session_token: Option<&'a str>,
    /// `YYYYMMDDTHHMMSSZ`, from [`amz_date`].
    pub amz_date: &'a str,
}

/// Options of [`sign_with`]; [`sign`] is `sign_with` for Bedrock.
#[derive(Debug, Clone, Copy)]
pub struct SignOptions<'a> {
    pub service: &'a str,
    /// Also sign the `x-amz-content-sha256` header (Bedrock: yes; AWS's
    /// generic test vectors: no).
    pub sign_content_sha256: bool,
}

/// The headers to add to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub authorization: String,
    pub x_amz_date: String,
    /// Hex SHA-256 of the body.
    pub x_amz_content_sha256: String,
    pub x_amz_security_token: Option<String>,
}

impl SignedHeaders {
    /// `(name, value)` pairs, lower-case names, ready to set.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![
            ("authorization", self.authorization.as_str()),
            ("x-amz-date", self.x_amz_date.as_str()),
            ("x-amz-content-sha256", self.x_amz_content_sha256.as_str()),
        ];
        if let Some(token) = &self.x_amz_security_token {
            out.push(("x-amz-security-token", token.as_str()));
        }
        out
    }
}

/// Signs a Bedrock request (service `bedrock`, body hash signed).
pub fn sign(input: &SigningInput<'_>) -> SignedHeaders {
    sign_with(
        input,
        &SignOptions {
            service: BEDROCK_SERVICE,
            sign_content_sha256: true,
        },
    )
}

/// Signs for any service; see [`sign`].
pub fn sign_with(input: &SigningInput<'_>, options: &SignOptions<'_>) -> SignedHeaders {
    let body_hash = hex::encode(Sha256::digest(input.body));
    let (canonical, signed_names) = canonical_request_with(input, options, &body_hash);
    let date = input.amz_date.get(..8).unwrap_or(input.amz_date);
    let scope = format!("{date}/{}/{}/aws4_request", input.region, options.service);
    let string_to_sign = format!(
        "{ALGORITHM}\n{}\n{scope}\n{}",
        input.amz_date,
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let mut key = hmac(
        format!("AWS4{}", input.secret_access_key).as_bytes(),
        date.as_bytes(),
    );
    for part in [input.region, options.service, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let signature = hex::encode(hmac(&key, string_to_sign.as_bytes()));
    SignedHeaders {
        authorization: format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_names}, Signature={signature}",
            input.access_key_id
        ),
        x_amz_date: input.amz_date.to_owned(),
        x_amz_content_sha256: body_hash,
        x_amz_security_token: input.session_token.map(str::to_owned),
    }
}

/// The canonical request [`sign_with`] signs (step 1), for tests and
/// debugging signature mismatches. Contains no secret.
pub fn canonical_request(input: &SigningInput<'_>, options: &SignOptions<'_>) -> String {
    let body_hash = hex::encode(Sha256::digest(input.body));
    canonical_request_with(input, options, &body_hash).0
}

/// The canonical request and its signed-header list.
fn canonical_request_with(
    input: &SigningInput<'_>,
    options: &SignOptions<'_>,
    body_hash: &str,
) -> (String, String) {
    let added = |name: &str| {
        name.eq_ignore_ascii_case("host")
            || name.eq_ignore_ascii_case("authorization")
            || name.eq_ignore_ascii_case("x-amz-date")
            || name.eq_ignore_ascii_case("x-amz-content-sha256")
            || name.eq_ignore_ascii_case("x-amz-security-token")
    };
    let mut headers: Vec<(String, String)> = input
        .headers_to_sign
        .iter()
        .filter(|(name, _)| !added(name))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), normalize_value(value)))
        .collect();
    headers.push(("host".to_owned(), normalize_value(input.host)));
    headers.push(("x-amz-date".to_owned(), input.amz_date.to_owned()));
    if options.sign_content_sha256 {
        headers.push(("x-amz-content-sha256".to_owned(), body_hash.to_owned()));
    }
    if let Some(token) = input.session_token {
        headers.push(("x-amz-security-token".to_owned(), token.trim().to_owned()));
    }
    // Stable: repeated names keep their order, as AWS joins them.
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let mut canonical_headers = String::new();
    let mut names = String::new();
    let mut previous: Option<&str> = None;
    for (name, value) in &headers {
        if previous == Some(name.as_str()) {
            canonical_headers.pop();
            canonical_headers.push(',');
        } else {
            if previous.is_some() {
                names.push(';');
            }
            names.push_str(name);
            canonical_headers.push_str(name);
            canonical_headers.push(':');
        }
        canonical_headers.push_str(value);
        canonical_headers.push('\n');
        previous = Some(name);
    }
    let canonical = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{names}\n{body_hash}",
        input.method,
        canonical_uri(input.path),
        canonical_query(input.query),
    );
    (canonical, names)
}

/// Trimmed, with every run of spaces inside collapsed to one.
fn normalize_value(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each `/`-separated segment of the (once-encoded) path encoded again;
/// an empty path is `/`.
pub fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(path.len().saturating_mul(2));
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        encode_into(&mut out, segment.as_bytes());
    }
    out
}

/// `name=value` pairs decoded, encoded once, sorted by name then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let mut n = String::new();
            let mut v = String::new();
            encode_into(&mut n, &percent_decode(name));
            encode_into(&mut v, &percent_decode(value));
            (n, v)
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// RFC 3986 encoding: everything but `A-Za-z0-9-._~` as `%XX` (upper-case).
fn encode_into(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// `%XX` sequences decoded; a `%` not followed by two hex digits is kept.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().into()
        }
        // HMAC takes keys of any length; this arm cannot be reached.
        Err(_) => [0; 32],
    }
}

/// `YYYYMMDDTHHMMSSZ` (UTC) for milliseconds since the Unix epoch.
pub fn amz_date(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`, for non-negative counts).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// The region of a Bedrock runtime host
/// (`bedrock-runtime[-fips].<region>.amazonaws.com[.cn]`), for endpoints that
/// configure only a host.
pub fn bedrock_region_from_host(host: &str) -> Option<&str> {
    let host = host.split(':').next().unwrap_or(host);
    let mut labels = host.split('.');
    let service = labels.next()?;
    let region = labels.next()?;
    let rest = labels.next()?;
    let known = service == "bedrock-runtime" || service == "bedrock-runtime-fips";
    (known && rest == "amazonaws" && !region.is_empty()).then_some(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(amz_date(1_440_938_160_000), "20150830T123600Z");
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(amz_date(951_782_400_000), "20000229T000000Z");
        assert!(amz_date(u64::MAX).ends_with('Z'));
    }

    #[test]
    fn uri_segments_are_encoded_again() {
        assert_eq!(
            canonical_uri("/model/a%3Ab/converse"),
            "/model/a%253Ab/converse"
        );
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
    }

    #[test]
    fn query_is_decoded_encoded_and_sorted() {
        assert_eq!(canonical_query("b=2&a=%7e x&a=1"), "a=1&a=~%20x&b=2");
        assert_eq!(canonical_query("%zz"), "%25zz=");
    }

    #[test]
    fn regions_from_hosts() {
        assert_eq!(
            bedrock_region_from_host("bedrock-runtime.eu-west-3.amazonaws.com"),
            Some("eu-west-3")
        );
        assert_eq!(
            bedrock_region_from_host("bedrock-runtime-fips.us-east-1.amazonaws.com:443"),
            Some("us-east-1")
        );
        assert_eq!(bedrock_region_from_host("example.com"), None);
    }
}
