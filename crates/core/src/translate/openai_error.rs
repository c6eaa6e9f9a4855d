//! Building OpenAI-shaped error bodies from whatever a provider returned.
//!
//! Shared by every pair: the status classes, the message clipping, the
//! best-effort reading of foreign error JSON, and the checks and parse-error
//! mapping for client bodies.
//!
//! Invariants:
//! - never more than [`MAX_PROVIDER_MESSAGE_CHARS`] characters of a provider
//!   message reach the client (provider messages can be huge or echo input);
//! - every function is total: any bytes in, a valid error body out;
//! - `code` is always a string, so clients that branch on it never see a
//!   number (pitfall 20).
//!
//! Codes derived from an HTTP status when the body says nothing better:
//!
//! | status | type | code |
//! |---|---|---|
//! | 400, 422, other 4xx | `invalid_request_error` | `invalid_request` |
//! | 401 | `invalid_request_error` | `invalid_api_key` |
//! | 402 | `insufficient_quota` | `insufficient_quota` |
//! | 403 | `invalid_request_error` | `permission_denied` |
//! | 404 | `invalid_request_error` | `not_found` |
//! | 408, 504 | `server_error` | `timeout` |
//! | 413 | `invalid_request_error` | `request_too_large` |
//! | 429 | `requests` | `rate_limit_exceeded` |
//! | 503, 529 | `server_error` | `overloaded` |
//! | other 5xx, anything else | `server_error` | `upstream_error` |

use std::borrow::Cow;

use serde_json::value::RawValue;

use crate::error::GatewayError;
use crate::schema::openai::{ErrorEnvelope, ErrorOut};

/// The most characters of a provider's message passed on to the client.
pub(crate) const MAX_PROVIDER_MESSAGE_CHARS: usize = 500;

/// How many bytes of a non-JSON body are looked at for a snippet: enough for
/// an nginx/HTML error page's title, bounded so a huge body costs nothing.
const SNIPPET_SCAN_BYTES: usize = 2048;
const SNIPPET_CHARS: usize = 200;

/// OpenAI `(type, code)` for an HTTP status (table in the module doc).
pub(crate) fn class_for_status(status: u16) -> (&'static str, &'static str) {
    match status {
        401 => ("invalid_request_error", "invalid_api_key"),
        402 => ("insufficient_quota", "insufficient_quota"),
        403 => ("invalid_request_error", "permission_denied"),
        404 => ("invalid_request_error", "not_found"),
        408 | 504 => ("server_error", "timeout"),
        413 => ("invalid_request_error", "request_too_large"),
        429 => ("requests", "rate_limit_exceeded"),
        503 | 529 => ("server_error", "overloaded"),
        400..=499 => ("invalid_request_error", "invalid_request"),
        _ => ("server_error", "upstream_error"),
    }
}

/// Serialises the canonical error envelope. Serialising plain strings cannot
/// fail; the fallback keeps the function total anyway.
pub(crate) fn render(message: &str, kind: &str, param: Option<&str>, code: &str) -> Vec<u8> {
    let message = clip(message);
    let envelope = ErrorEnvelope {
        error: ErrorOut {
            message: &message,
            kind,
            param,
            code,
        },
    };
    serde_json::to_vec(&envelope).unwrap_or_else(|_| {
        br#"{"error":{"message":"upstream error","type":"server_error","param":null,"code":"upstream_error"}}"#
            .to_vec()
    })
}

/// At most [`MAX_PROVIDER_MESSAGE_CHARS`] characters, cut on a char boundary.
pub(crate) fn clip(message: &str) -> Cow<'_, str> {
    match message.char_indices().nth(MAX_PROVIDER_MESSAGE_CHARS) {
        Some((cut, _)) => {
            let head = message.get(..cut).unwrap_or_default();
            Cow::Owned(format!("{head}…"))
        }
        None => Cow::Borrowed(message),
    }
}

/// A JSON string value as text; `None` for any other JSON type.
pub(crate) fn raw_str(raw: &RawValue) -> Option<Cow<'_, str>> {
    if !raw.get().starts_with('"') {
        return None;
    }
    match serde_json::from_str::<&str>(raw.get()) {
        Ok(s) => Some(Cow::Borrowed(s)),
        // Strings with escapes cannot be borrowed.
        Err(_) => serde_json::from_str::<String>(raw.get())
            .ok()
            .map(Cow::Owned),
    }
}

/// The message a client sees when the provider's body says nothing usable:
/// the status plus a short, tag-stripped snippet of the body.
pub(crate) fn opaque_message(status: u16, body: &[u8]) -> String {
    let head = body.get(..SNIPPET_SCAN_BYTES).unwrap_or(body);
    let snippet = snippet(&String::from_utf8_lossy(head));
    if snippet.is_empty() {
        format!("The upstream provider returned HTTP {status} with no readable error message.")
    } else {
        format!("The upstream provider returned HTTP {status}: {snippet}")
    }
}

/// Text of an HTML or plain-text error page: tags dropped, whitespace runs
/// collapsed, at most [`SNIPPET_CHARS`] characters.
fn snippet(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut pending_space = false;
    let mut count = 0usize;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                pending_space = true;
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_whitespace() || c.is_control() => pending_space = true,
            c => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                    count = count.saturating_add(1);
                }
                pending_space = false;
                out.push(c);
                count = count.saturating_add(1);
                if count >= SNIPPET_CHARS {
                    break;
                }
            }
        }
    }
    out
}

/// Best-effort OpenAI error from any body: reads OpenAI-style `error.message`
/// (object or bare string), then top-level `message`/`detail`, and falls back
/// to a snippet. Provider `type`/`param`/string `code` are kept; a numeric or
/// missing `code` is replaced by the status class.
pub(crate) fn from_foreign_body(status: u16, body: &[u8]) -> Vec<u8> {
    let (class_type, class_code) = class_for_status(status);
    let Some(fields) = read_loose(body) else {
        return render(&opaque_message(status, body), class_type, None, class_code);
    };
    let message = fields
        .message
        .unwrap_or_else(|| Cow::Owned(opaque_message(status, body)));
    let kind = fields.kind.as_deref().unwrap_or(class_type);
    let code = fields.code.as_deref().unwrap_or(class_code);
    render(&message, kind, fields.param.as_deref(), code)
}

/// Fields read from a foreign error body; every one optional.
#[derive(Default)]
pub(crate) struct LooseFields<'a> {
    pub message: Option<Cow<'a, str>>,
    pub kind: Option<Cow<'a, str>>,
    pub param: Option<Cow<'a, str>>,
    pub code: Option<Cow<'a, str>>,
    /// True when the body already is a well-typed OpenAI error envelope:
    /// string `message` and `type`, string-or-null `param` and `code`.
    pub is_openai: bool,
}

/// `None` when the body is not a JSON object (or an array whose first element
/// is one — the shape some OpenAI-compatible endpoints use).
pub(crate) fn read_loose(body: &[u8]) -> Option<LooseFields<'_>> {
    use crate::schema::openai::{LooseErrorBody, LooseErrorObject};

    let trimmed = body.trim_ascii_start();
    let parsed: LooseErrorBody<'_> = match trimmed.first() {
        Some(b'{') => serde_json::from_slice(trimmed).ok()?,
        Some(b'[') => serde_json::from_slice::<Vec<LooseErrorBody<'_>>>(trimmed)
            .ok()?
            .into_iter()
            .next()?,
        _ => return None,
    };
    let mut out = LooseFields::default();
    if let Some(error) = parsed.error {
        if error.get().starts_with('{') {
            let obj: LooseErrorObject<'_> = serde_json::from_str(error.get()).ok()?;
            let is_string = |v: Option<&RawValue>| v.and_then(raw_str).is_some();
            let typed_ok = |v: Option<&RawValue>| v.is_none() || is_string(v);
            out.is_openai = is_string(obj.message)
                && is_string(obj.kind)
                && typed_ok(obj.param)
                && typed_ok(obj.code);
            out.message = obj.message.and_then(raw_str);
            out.kind = obj
                .kind
                .and_then(raw_str)
                .filter(|k| !k.is_empty())
                .or_else(|| obj.status.and_then(raw_str).map(google_status_type));
            out.param = obj.param.and_then(raw_str);
            out.code = obj.code.and_then(raw_str).filter(|c| !c.is_empty());
        } else {
            out.message = raw_str(error);
        }
    }
    if out.message.is_none() {
        out.message = [parsed.message, parsed.detail]
            .into_iter()
            .flatten()
            .find_map(|raw| raw_str(raw).or_else(|| Some(Cow::Borrowed(raw.get()))));
    }
    Some(out)
}

/// OpenAI `type` for a Google-style `status` string (Gemini-compatible servers).
fn google_status_type(status: Cow<'_, str>) -> Cow<'static, str> {
    let kind = match status.as_ref() {
        "RESOURCE_EXHAUSTED" => "requests",
        "INTERNAL" | "UNAVAILABLE" | "DEADLINE_EXCEEDED" | "UNKNOWN" => "server_error",
        _ => "invalid_request_error",
    };
    Cow::Borrowed(kind)
}

/// Checks that a client body is a JSON object before a typed parse: serde
/// would otherwise accept a JSON *array* positionally for a struct.
pub(crate) fn require_object(body: &[u8]) -> Result<(), GatewayError> {
    match body.trim_ascii_start().first() {
        Some(b'{') => Ok(()),
        Some(b'[') => Err(GatewayError::invalid_json(
            "the body is a JSON array; a JSON object is expected.",
        )),
        Some(_) => Err(GatewayError::invalid_json(
            "the body does not start with a JSON object.",
        )),
        None => Err(GatewayError::invalid_json("the body is empty.")),
    }
}

/// `response_format.json_schema.schema` of a `json_schema` response format,
/// which every provider that takes structured outputs needs as a JSON
/// object: a 400 naming the field when it is missing or not an object.
pub(crate) fn json_schema_object(schema: Option<&RawValue>) -> Result<&RawValue, GatewayError> {
    schema.filter(|s| s.get().starts_with('{')).ok_or_else(|| {
        GatewayError::invalid_field(
            "response_format.json_schema.schema",
            "A json_schema response format needs a JSON Schema object in \
                 json_schema.schema.",
        )
    })
}

/// Maps a client-body parse failure to a 400. Only the position is reported:
/// serde's own message can quote the offending value, which may be prompt text.
pub(crate) fn client_parse_error(e: &serde_json::Error) -> GatewayError {
    use serde_json::error::Category;
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        Category::Data => GatewayError::invalid_request(&format!(
            "The request body does not match the chat-completions schema \
             (a field has the wrong type at line {line} column {column})."
        )),
        Category::Eof => GatewayError::invalid_json("the body ends before the JSON is complete."),
        Category::Syntax | Category::Io => {
            GatewayError::invalid_json(&format!("syntax error at line {line} column {column}."))
        }
    }
}

/// 502 for a 2xx provider body that cannot be read as the expected answer.
pub(crate) fn bad_upstream_response(provider: &str) -> GatewayError {
    GatewayError::upstream(
        502,
        "server_error",
        "bad_upstream_response",
        &format!("The {provider} answer could not be read as a valid response."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_on_char_boundary() {
        let long = "é".repeat(MAX_PROVIDER_MESSAGE_CHARS + 10);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), MAX_PROVIDER_MESSAGE_CHARS + 1);
        assert!(clipped.ends_with('…'));
        assert!(matches!(clip("short"), Cow::Borrowed("short")));
    }

    #[test]
    fn snippet_strips_html() {
        let body = b"<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502  Bad Gateway</h1></body></html>";
        assert_eq!(
            opaque_message(502, body),
            "The upstream provider returned HTTP 502: 502 Bad Gateway 502 Bad Gateway"
        );
        assert!(opaque_message(500, b"").contains("no readable"));
    }

    #[test]
    fn status_classes() {
        assert_eq!(class_for_status(429), ("requests", "rate_limit_exceeded"));
        assert_eq!(class_for_status(418).1, "invalid_request");
        assert_eq!(class_for_status(502).1, "upstream_error");
        assert_eq!(class_for_status(0).1, "upstream_error");
    }
}
