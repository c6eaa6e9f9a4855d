//! Step 3 of the flow: read the client's OpenAI chat request once.
//!
//! Only the fields the policy needs are decoded (`model`, `stream`, and that
//! `messages` is a non-empty array); every other field is left unparsed, and the
//! body travels on untouched. Strings are borrowed from the body.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::GatewayError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRequestHead {
    pub model: String,
    pub stream: bool,
    /// `stream_options.include_usage`: the client wants the final usage chunk.
    pub include_usage: bool,
}

#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow)]
    model: Option<&'a RawValue>,
    #[serde(borrow)]
    messages: Option<&'a RawValue>,
    #[serde(borrow)]
    stream: Option<&'a RawValue>,
    #[serde(borrow)]
    stream_options: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct StreamOptions {
    include_usage: Option<bool>,
}

/// Validate and summarise a `/v1/chat/completions` body.
pub fn parse_chat_request(body: &[u8]) -> Result<ChatRequestHead, GatewayError> {
    if body.is_empty() {
        return Err(GatewayError::invalid_json("the body is empty"));
    }
    let head: Head = serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            GatewayError::invalid_json("the body must be a JSON object")
        } else {
            GatewayError::invalid_json(&e.to_string())
        }
    })?;

    let model: String = match head.model {
        None => return Err(GatewayError::invalid_field("model", "'model' is required.")),
        Some(raw) => serde_json::from_str::<String>(raw.get())
            .ok()
            .filter(|m| !m.is_empty())
            .ok_or_else(|| {
                GatewayError::invalid_field("model", "'model' must be a non-empty string.")
            })?,
    };

    let messages = head
        .messages
        .ok_or_else(|| GatewayError::invalid_field("messages", "'messages' is required."))?;
    let messages: Vec<&RawValue> = serde_json::from_str(messages.get()).map_err(|_| {
        GatewayError::invalid_field("messages", "'messages' must be an array of messages.")
    })?;
    if messages.is_empty() {
        return Err(GatewayError::invalid_field(
            "messages",
            "'messages' must contain at least one message.",
        ));
    }
    if messages.iter().any(|m| !m.get().starts_with('{')) {
        return Err(GatewayError::invalid_field(
            "messages",
            "each entry of 'messages' must be an object.",
        ));
    }

    let stream = match head.stream.map(RawValue::get) {
        None | Some("null") | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(GatewayError::invalid_field(
                "stream",
                "'stream' must be a boolean.",
            ))
        }
    };
    let include_usage = match head.stream_options.map(RawValue::get) {
        None | Some("null") => false,
        Some(raw) => serde_json::from_str::<StreamOptions>(raw)
            .map_err(|_| {
                GatewayError::invalid_field(
                    "stream_options",
                    "'stream_options' must be an object; 'include_usage' a boolean.",
                )
            })?
            .include_usage
            .unwrap_or(false),
    };
    Ok(ChatRequestHead {
        model,
        stream,
        include_usage,
    })
}

#[derive(Deserialize)]
struct EmbeddingsHead<'a> {
    #[serde(borrow)]
    model: Option<&'a RawValue>,
    #[serde(borrow)]
    input: Option<&'a RawValue>,
}

/// Validate a `/v1/embeddings` body; returns the requested model.
pub fn parse_embeddings_request(body: &[u8]) -> Result<String, GatewayError> {
    if body.is_empty() {
        return Err(GatewayError::invalid_json("the body is empty"));
    }
    let head: EmbeddingsHead = serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            GatewayError::invalid_json("the body must be a JSON object")
        } else {
            GatewayError::invalid_json(&e.to_string())
        }
    })?;
    let model = head
        .model
        .and_then(|raw| serde_json::from_str::<String>(raw.get()).ok())
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            GatewayError::invalid_field("model", "'model' must be a non-empty string.")
        })?;
    match head.input.map(RawValue::get) {
        Some(raw) if raw.starts_with('"') || (raw.starts_with('[') && raw != "[]") => Ok(model),
        _ => Err(GatewayError::invalid_field(
            "input",
            "'input' must be a string or a non-empty array.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_model_and_stream() {
        let h = parse_chat_request(
            br#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true,"x":{"deep":[1,2]}}"#,
        )
        .unwrap();
        assert_eq!(h.model, "gpt-4o-mini");
        assert!(h.stream);
        assert!(!h.include_usage);
        let h = parse_chat_request(
            br#"{"model":"m","messages":[{}],"stream":true,"stream_options":{"include_usage":true}}"#,
        )
        .unwrap();
        assert!(h.include_usage);
    }

    #[test]
    fn model_with_escapes_is_decoded() {
        let h = parse_chat_request(br#"{"model":"a\u0062c","messages":[{}]}"#).unwrap();
        assert_eq!(h.model, "abc");
        assert!(!h.stream);
    }

    #[test]
    fn embeddings_need_model_and_input() {
        assert_eq!(
            parse_embeddings_request(br#"{"model":"e","input":"hi"}"#).unwrap(),
            "e"
        );
        assert!(parse_embeddings_request(br#"{"model":"e","input":["a"]}"#).is_ok());
        for body in [
            &br#"{"model":"e"}"#[..],
            br#"{"model":"e","input":[]}"#,
            br#"{"model":"e","input":3}"#,
            br#"{"input":"x"}"#,
            b"nope",
        ] {
            assert_eq!(parse_embeddings_request(body).unwrap_err().status, 400);
        }
    }

    fn code_and_param(body: &[u8]) -> (u16, String, Option<String>) {
        let e = parse_chat_request(body).unwrap_err();
        (e.status, e.code, e.param)
    }

    #[test]
    fn malformed_bodies_are_400_with_stable_codes() {
        assert_eq!(code_and_param(b"").1, "invalid_json");
        assert_eq!(code_and_param(b"{not json").1, "invalid_json");
        assert_eq!(code_and_param(b"[1,2]").1, "invalid_json");
        assert_eq!(code_and_param(b"\xff\xfe").1, "invalid_json");
        assert_eq!(
            code_and_param(br#"{"model":"m","messages":[]"#).1,
            "invalid_json"
        );
        for (body, param) in [
            (&br#"{"messages":[{}]}"#[..], "model"),
            (br#"{"model":"","messages":[{}]}"#, "model"),
            (br#"{"model":5,"messages":[{}]}"#, "model"),
            (br#"{"model":"m"}"#, "messages"),
            (br#"{"model":"m","messages":[]}"#, "messages"),
            (br#"{"model":"m","messages":"hi"}"#, "messages"),
            (br#"{"model":"m","messages":[1]}"#, "messages"),
            (br#"{"model":"m","messages":[{}],"stream":"yes"}"#, "stream"),
            (
                br#"{"model":"m","messages":[{}],"stream_options":{"include_usage":1}}"#,
                "stream_options",
            ),
        ] {
            let (status, code, p) = code_and_param(body);
            assert_eq!(status, 400);
            assert_eq!(code, "invalid_request");
            assert_eq!(
                p.as_deref(),
                Some(param),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
