//! OpenAI embeddings client (`POST /v1/embeddings`) → Google Gemini
//! `models/{model}:batchEmbedContents`.
//!
//! Request: the body is parsed once into a borrowed view
//! ([`crate::schema::openai_embed`]) and every input becomes one
//! `EmbedContentRequest` of the batch (`model: "models/{m}"`, one text part).
//! The batch method is used for a single input too, as Google's own SDK does,
//! so there is one request and one answer shape. `path_suffix` is
//! `/models/{m}:batchEmbedContents` (the model percent-encoded as one path
//! segment).
//!
//! Parameter policy:
//! - `input`: a string or an array of strings, at most [`MAX_INPUTS`] (Gemini
//!   refuses larger batches with 400 "at most 100 requests can be in one
//!   batch"); token arrays cannot be sent to Gemini, which only embeds text:
//!   400 `unsupported_parameter` naming `input`;
//! - `dimensions` → `outputDimensionality` of every request (Gemini keeps the
//!   first N values); a positive integer, else 400 naming `dimensions`;
//! - `encoding_format`: `float` (the default) or `base64`, applied to the
//!   answer, else 400 naming `encoding_format`. The official OpenAI SDKs ask
//!   for `base64` by default and decode little-endian `f32` bytes;
//! - `user` is dropped (Gemini has no counterpart); any other top-level field
//!   is refused by name (400 `unsupported_parameter`).
//! - `taskType` and `title` are never sent: OpenAI has no counterpart, and
//!   Gemini then uses its default task.
//!
//! Response: `embeddings[i].values` → `data[i].embedding` (JSON numbers, or
//! base64 of the values as little-endian `f32`), `model` is the catalog name.
//! Usage: `usageMetadata.promptTokenCount` when Gemini reports it (newer than
//! the published `BatchEmbedContentsResponse`, which has no token counts);
//! otherwise the gateway's own estimate of the inputs
//! ([`crate::estimate::estimate_tokens`], summed), computed when the request
//! is translated and kept in [`EmbeddingsContext`]. `total_tokens` equals
//! `prompt_tokens`. An answer with a different number of embeddings than
//! inputs, or an empty vector, is a 502 `bad_upstream_response`; a 2xx body
//! holding an `error` is a 502 with the mapped code. Errors (non-2xx) are
//! Google's envelope and go through the chat pair's translation.

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::client::unknown_field;
use super::errors::upstream_error;
use super::request::model_path;
use crate::error::GatewayError;
use crate::estimate::estimate_tokens;
use crate::schema::gemini::TextPart;
use crate::schema::gemini_embed::{
    BatchEmbedContentsRequest, BatchEmbedContentsResponse, EmbedContent, EmbedContentRequest,
    EmbeddingUsageMetadata,
};
use crate::schema::openai_embed::{
    Embedding, EmbeddingsRequest, EmbeddingsResponse, EmbeddingsUsage, Text, Vector,
};
use crate::translate::openai_error::{bad_upstream_response, client_parse_error, require_object};
use crate::translate::{TargetModel, UpstreamRequest};

/// Most inputs Gemini embeds in one `batchEmbedContents` call.
pub const MAX_INPUTS: usize = 100;

/// What translating an embeddings answer needs from its request; kept by the
/// filter between the two. Nothing in it is specific to Gemini.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmbeddingsContext {
    /// The client asked for `encoding_format: "base64"`.
    pub base64: bool,
    /// Inputs sent: the answer must hold as many embeddings.
    pub inputs: usize,
    /// The gateway's estimate of the inputs' tokens, used when the provider
    /// reports no count.
    pub estimated_prompt_tokens: u64,
}

/// Translates an OpenAI embeddings request into a Gemini batch request.
pub(super) fn request(
    client_body: &[u8],
    target: &TargetModel<'_>,
) -> Result<(UpstreamRequest, EmbeddingsContext), GatewayError> {
    require_object(client_body)?;
    let req: EmbeddingsRequest<'_> =
        serde_json::from_slice(client_body).map_err(|e| match unknown_field(&e) {
            Some(name) => GatewayError::unsupported_parameter(
                &name,
                &format!("'{name}' is not an embeddings parameter this model supports."),
            ),
            None if e.is_data() => GatewayError::invalid_request(
                "The request body does not match the embeddings schema.",
            ),
            None => client_parse_error(&e),
        })?;
    if target.upstream_model.is_empty() {
        return Err(GatewayError::internal(
            "translation_failed",
            "The endpoint names no Gemini model.",
        ));
    }
    let texts = texts(req.input)?;
    let output_dimensionality = dimensions(req.dimensions)?;
    let base64 = base64_requested(req.encoding_format)?;

    let bare = target
        .upstream_model
        .strip_prefix("models/")
        .unwrap_or(target.upstream_model);
    let resource = format!("models/{bare}");
    let requests = texts
        .iter()
        .map(|text| EmbedContentRequest {
            model: &resource,
            content: EmbedContent {
                parts: vec![TextPart { text: &text.0 }],
            },
            output_dimensionality,
        })
        .collect();
    let body = serde_json::to_vec(&BatchEmbedContentsRequest { requests }).map_err(|_| {
        GatewayError::internal("translation_failed", "Gemini request not encodable")
    })?;
    let estimated_prompt_tokens = texts
        .iter()
        .map(|t| u64::from(estimate_tokens(&t.0)))
        .fold(0, u64::saturating_add);
    Ok((
        UpstreamRequest {
            body,
            path_suffix: model_path(target.upstream_model, "batchEmbedContents"),
            stream: false,
            client_wants_usage: false,
        },
        EmbeddingsContext {
            base64,
            inputs: texts.len(),
            estimated_prompt_tokens,
        },
    ))
}

/// `input` as texts: a string, or a non-empty array of at most
/// [`MAX_INPUTS`] strings. Token arrays are named as such.
fn texts<'a>(input: Option<&'a RawValue>) -> Result<Vec<Text<'a>>, GatewayError> {
    let shape_error = || {
        GatewayError::invalid_field(
            "input",
            "'input' must be a string or a non-empty array of strings.",
        )
    };
    let raw = input.ok_or_else(|| GatewayError::invalid_field("input", "'input' is required."))?;
    let texts = match raw.get().as_bytes().first() {
        Some(b'"') => vec![serde_json::from_str::<Text<'a>>(raw.get()).map_err(|_| shape_error())?],
        Some(b'[') => match serde_json::from_str::<Vec<Text<'a>>>(raw.get()) {
            Ok(texts) => texts,
            Err(_) => {
                let items: Vec<&RawValue> =
                    serde_json::from_str(raw.get()).map_err(|_| shape_error())?;
                let token_like = |item: &&RawValue| {
                    matches!(
                        item.get().as_bytes().first(),
                        Some(b'0'..=b'9' | b'-' | b'[')
                    )
                };
                if items.iter().any(token_like) {
                    return Err(GatewayError::unsupported_parameter(
                        "input",
                        "Token arrays cannot be embedded by this model's provider; send the text instead.",
                    ));
                }
                return Err(shape_error());
            }
        },
        _ => return Err(shape_error()),
    };
    if texts.is_empty() {
        return Err(shape_error());
    }
    if texts.len() > MAX_INPUTS {
        return Err(GatewayError::invalid_field(
            "input",
            &format!(
                "This model's provider embeds at most {MAX_INPUTS} inputs per request; this one has {}.",
                texts.len()
            ),
        ));
    }
    Ok(texts)
}

/// `dimensions`: absent or null, or a positive integer.
fn dimensions(raw: Option<&RawValue>) -> Result<Option<u32>, GatewayError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    serde_json::from_str::<u32>(raw.get())
        .ok()
        .filter(|&d| d >= 1)
        .map(Some)
        .ok_or_else(|| {
            GatewayError::invalid_field("dimensions", "'dimensions' must be a positive integer.")
        })
}

/// `encoding_format`: absent, null or `float` → numbers; `base64` → text.
fn base64_requested(raw: Option<&RawValue>) -> Result<bool, GatewayError> {
    let Some(raw) = raw else {
        return Ok(false);
    };
    match serde_json::from_str::<Cow<'_, str>>(raw.get()).as_deref() {
        Ok("float") => Ok(false),
        Ok("base64") => Ok(true),
        _ => Err(GatewayError::invalid_field(
            "encoding_format",
            "'encoding_format' must be \"float\" or \"base64\".",
        )),
    }
}

/// Translates a 2xx `batchEmbedContents` answer into an OpenAI embeddings list.
pub(super) fn response(
    body: &[u8],
    served_as: &str,
    context: &EmbeddingsContext,
) -> Result<Vec<u8>, GatewayError> {
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(bad_upstream_response("Gemini"));
    }
    let resp: BatchEmbedContentsResponse<'_> =
        serde_json::from_slice(body).map_err(|_| bad_upstream_response("Gemini"))?;
    if let Some(detail) = &resp.error {
        return Err(upstream_error(detail));
    }
    let vectors: Vec<Vec<f32>> = resp
        .embeddings
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.values.filter(|v| !v.is_empty()))
        .collect::<Option<_>>()
        .filter(|v: &Vec<Vec<f32>>| v.len() == context.inputs)
        .ok_or_else(|| bad_upstream_response("Gemini"))?;
    let reported = resp
        .usage_metadata
        .and_then(|raw| serde_json::from_str::<EmbeddingUsageMetadata>(raw.get()).ok())
        .and_then(|u| u.prompt_token_count);
    let prompt_tokens = reported.unwrap_or(context.estimated_prompt_tokens);
    let data = vectors
        .iter()
        .enumerate()
        .map(|(index, values)| Embedding {
            object: "embedding",
            index,
            embedding: if context.base64 {
                Vector::Base64(base64_f32_le(values))
            } else {
                Vector::Float(values)
            },
        })
        .collect();
    let answer = EmbeddingsResponse {
        object: "list",
        data,
        model: served_as,
        usage: EmbeddingsUsage {
            prompt_tokens,
            total_tokens: prompt_tokens,
        },
    };
    serde_json::to_vec(&answer)
        .map_err(|_| GatewayError::internal("translation_failed", "answer not encodable"))
}

const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (RFC 4648, padded) of the values as little-endian `f32`
/// bytes: what OpenAI's `encoding_format: "base64"` carries.
pub(crate) fn base64_f32_le(values: &[f32]) -> String {
    let mut bytes = Vec::with_capacity(values.len().saturating_mul(4));
    for value in values {
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    base64(&bytes)
}

fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3).saturating_mul(4));
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let group = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for (position, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            // Three input bytes make four characters; a short last group is
            // padded with '='.
            if position > chunk.len() {
                out.push('=');
            } else {
                let index = usize::try_from((group >> shift) & 63).unwrap_or(0);
                out.push(char::from(
                    BASE64_ALPHABET.get(index).copied().unwrap_or(b'A'),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn floats_are_little_endian() {
        // 1.0f32 = 0x3f800000 → bytes 00 00 80 3f.
        assert_eq!(base64_f32_le(&[1.0]), "AACAPw==");
        assert_eq!(base64_f32_le(&[]), "");
    }

    #[test]
    fn null_parameters_are_absent() {
        let req: EmbeddingsRequest<'_> =
            serde_json::from_str(r#"{"input":"x","dimensions":null,"encoding_format":null}"#)
                .unwrap();
        assert_eq!(dimensions(req.dimensions).unwrap(), None);
        assert!(!base64_requested(req.encoding_format).unwrap());
    }
}
