//! SigV4 verification as AWS performs it on a received request.
//!
//! Deliberately written apart from `switchboard_core::sigv4`: it starts from
//! the request as it arrived (the raw, once-encoded path, the headers the
//! `SignedHeaders` list names, the body bytes) and recomputes the signature
//! the way AWS documents it — each path segment URI-encoded *again* (non-S3
//! services), the query sorted, header values trimmed with inner spaces
//! collapsed, the payload hashed from the body itself. A client that signs
//! anything else (a single-encoded model id, another service, a changed
//! body) gets the 403 AWS sends.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::http::{HeaderMap, Uri};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// What was wrong, as AWS names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// `UnrecognizedClientException`: unknown access key.
    UnknownKey,
    /// `IncompleteSignatureException`: the header cannot be parsed.
    Incomplete(String),
    /// `InvalidSignatureException`: scope or signature mismatch.
    Invalid(String),
}

pub(crate) const MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
struct Authorization<'a> {
    key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256")?.trim_start();
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (name, value) = part.trim().split_once('=')?;
        match name {
            "Credential" => credential = Some(value),
            "SignedHeaders" => signed = Some(value),
            "Signature" => signature = Some(value),
            _ => return None,
        }
    }
    let scope: Vec<&str> = credential?.split('/').collect();
    let [key_id, date, region, service, "aws4_request"] = scope.as_slice() else {
        return None;
    };
    Some(Authorization {
        key_id,
        date,
        region,
        service,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    })
}

/// Checks a SigV4 `authorization` value against the request.
pub(crate) fn verify(
    authorization: &str,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    key_id: &str,
    secret: &str,
) -> Result<(), Refusal> {
    let auth = parse_authorization(authorization).ok_or_else(|| {
        Refusal::Incomplete(format!(
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization={authorization}"
        ))
    })?;
    if auth.key_id != key_id {
        return Err(Refusal::UnknownKey);
    }
    if auth.service != "bedrock" {
        return Err(Refusal::Invalid(format!(
            "Credential should be scoped to correct service: 'bedrock'. (scoped to '{}')",
            auth.service
        )));
    }
    let amz_date = header_value(headers, "x-amz-date").unwrap_or_default();
    if amz_date.len() != 16 || !amz_date.starts_with(auth.date) {
        return Err(Refusal::Invalid(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: missing or different x-amz-date.".to_owned(),
        ));
    }
    for required in ["host", "x-amz-date"] {
        if !auth.signed_headers.contains(&required) {
            return Err(Refusal::Invalid(format!(
                "'{required}' must be a 'SignedHeader' in the AWSv4 Signature."
            )));
        }
    }
    if header_value(headers, "x-amz-security-token").is_some()
        && !auth.signed_headers.contains(&"x-amz-security-token")
    {
        return Err(Refusal::Invalid(MISMATCH.to_owned()));
    }
    let canonical = canonical_request(uri, headers, &auth.signed_headers, body);
    let scope = [auth.date, auth.region, auth.service];
    if signature(&canonical, &amz_date, scope, secret) == auth.signature {
        Ok(())
    } else {
        Err(Refusal::Invalid(MISMATCH.to_owned()))
    }
}

/// Hex signature of a canonical request for the scope `[date, region, service]`.
fn signature(canonical: &str, amz_date: &str, scope: [&str; 3], secret: &str) -> String {
    let [date, region, service] = scope;
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{date}/{region}/{service}/aws4_request\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let mut key = mac(format!("AWS4{secret}").as_bytes(), date);
    for part in [region, service, "aws4_request"] {
        key = mac(&key, part);
    }
    hex::encode(mac(&key, &to_sign))
}

fn header_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// The canonical request AWS computes for what it received.
fn canonical_request(uri: &Uri, headers: &HeaderMap, signed: &[&str], body: &[u8]) -> String {
    let path = uri.path();
    let canonical_path: Vec<String> = path.split('/').map(|s| uri_encode(s.as_bytes())).collect();
    let mut query: Vec<(String, String)> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (uri_encode(&unescape(k)), uri_encode(&unescape(v)))
        })
        .collect();
    query.sort();
    let query: Vec<String> = query.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut lines: BTreeMap<&str, String> = BTreeMap::new();
    for name in signed {
        let value = match *name {
            "host" => header_value(headers, "host")
                .or_else(|| uri.authority().map(|a| a.as_str().to_owned())),
            other => header_value(headers, other),
        };
        lines.insert(name, value.unwrap_or_default());
    }
    let canonical_headers: String = lines.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    format!(
        "POST\n{}\n{}\n{canonical_headers}\n{}\n{}",
        if path.is_empty() {
            "/".to_owned()
        } else {
            canonical_path.join("/")
        },
        query.join("&"),
        signed.join(";"),
        hex::encode(Sha256::digest(body))
    )
}

/// RFC 3986: unreserved characters kept, every other byte `%XX`.
fn uri_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let pair: Vec<u8> = bytes.clone().take(2).collect();
            if let Some(v) = std::str::from_utf8(&pair)
                .ok()
                .filter(|p| p.len() == 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
            {
                out.push(v);
                bytes.nth(1);
                continue;
            }
        }
        out.push(b);
    }
    out
}

fn mac(key: &[u8], data: &str) -> Vec<u8> {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(data.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's published `post-vanilla` vector (aws-sig-v4-test-suite).
    #[test]
    fn post_vanilla_vector() {
        let uri: Uri = "/".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("host", "example.amazonaws.com".parse().unwrap());
        headers.insert("x-amz-date", "20150830T123600Z".parse().unwrap());
        let canonical = canonical_request(&uri, &headers, &["host", "x-amz-date"], b"");
        assert_eq!(
            signature(
                &canonical,
                "20150830T123600Z",
                ["20150830", "us-east-1", "service"],
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
            ),
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        );
    }

    #[test]
    fn canonical_uri_double_encodes_segments() {
        let uri: Uri = "/model/a%3Ab%2Fc/converse".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("host", "h".parse().unwrap());
        let c = canonical_request(&uri, &headers, &["host"], b"");
        assert!(
            c.starts_with("POST\n/model/a%253Ab%252Fc/converse\n\nhost:h\n\nhost\n"),
            "{c}"
        );
    }

    #[test]
    fn authorization_parsing() {
        let a = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab",
        )
        .unwrap();
        assert_eq!(
            (a.key_id, a.date, a.region, a.service),
            ("AK", "20260101", "us-east-1", "bedrock")
        );
        assert_eq!(a.signed_headers, ["host", "x-amz-date"]);
        assert!(parse_authorization("AWS4-HMAC-SHA256 Credential=AK/x").is_none());
        assert!(parse_authorization("Bearer x").is_none());
    }
}
