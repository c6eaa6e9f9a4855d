//! What each vendor does with the OpenAI request parameters it does not
//! share, as a table of pure functions: `(vendor, member) → action`.
//!
//! Every action is one of:
//! - **keep** — the vendor takes it as OpenAI defines it (the default: a
//!   parameter no rule names passes through, so vendor extensions such as
//!   `safe_prompt` or `enable_thinking` reach the vendor untouched);
//! - **rename** — the vendor has the same parameter under another name;
//! - **drop** — removing it cannot change the answer: its value is the
//!   default (`logprobs: false`, `n: 1`, `logit_bias: {}`, `null`…), or it is
//!   advisory (`user`, `store`, `service_tier`);
//! - **unsupported** — honouring it matters and the vendor cannot: a 400
//!   `unsupported_parameter` naming it, or a drop when the provider sets
//!   `drop_unsupported`.
//!
//! Sources (checked against each vendor's reference where one is published):
//! Groq — console.groq.com/docs/openai ("will result in a 400 error":
//! `logprobs`, `logit_bias`, `top_logprobs`, `messages[].name`; `n` must be 1);
//! Mistral — the request schema of mistralai/client-python (`random_seed`,
//! `max_tokens`, no `stream_options`, `max_completion_tokens`, `logprobs`,
//! `logit_bias`, `user`; unknown members are refused with 422
//! `extra_forbidden`); DeepSeek — api-docs.deepseek.com create-chat-completion
//! (`max_tokens`; no `n`, `seed`, `logit_bias`; `response_format` text or
//! `json_object`); Zhipu — docs.z.ai chat-completion (`max_tokens`; one stop
//! word; `response_format` text or `json_object`) and AgentScope's GLM notes
//! (only `tool_choice: "auto"`, third-party); Qwen — Model Studio deprecated
//! `max_tokens` for `max_completion_tokens` in April 2026 (GoModel's Bailian
//! notes, third-party); Ollama — docs/api/openai-compatibility.mdx
//! (`max_tokens`; `tool_choice`, `logit_bias`, `user`, `n`, logprobs
//! unsupported and silently ignored).

use super::raw::{as_str, Val};
use super::Vendor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    Keep,
    Drop,
    /// Send under `to`. When the body also has `to`: `wins` replaces it with
    /// this value; otherwise this member is dropped and `to` kept.
    Rename {
        to: &'static str,
        wins: bool,
    },
    /// Why the vendor cannot honour it (completes "… is not supported by
    /// <vendor>: <why>").
    Unsupported(&'static str),
}

/// The action for a top-level request member.
pub(super) fn top_level(vendor: Vendor, key: &str, value: &Val<'_>) -> Action {
    if value.is_null() && key != "model" && key != "messages" {
        // `null` means "not given" in OpenAI's API; strict vendors refuse
        // members they do not know even when null.
        return match vendor {
            Vendor::Mistral | Vendor::Groq | Vendor::Zhipu | Vendor::Deepseek | Vendor::Ollama => {
                Action::Drop
            }
            _ => Action::Keep,
        };
    }
    match vendor {
        Vendor::Groq => groq(key, value),
        Vendor::Mistral => mistral(key, value),
        Vendor::Deepseek => deepseek(key, value),
        Vendor::Zhipu => zhipu(key, value),
        Vendor::Qwen => qwen(key),
        Vendor::Ollama => ollama(key, value),
        Vendor::Openai | Vendor::Xai | Vendor::Vllm => Action::Keep,
    }
}

/// Whether the vendor has rules for members of `messages`.
pub(super) fn has_message_rules(vendor: Vendor) -> bool {
    matches!(vendor, Vendor::Groq | Vendor::Mistral)
}

/// Whether the vendor takes `stream_options` (usage in streams is then asked
/// for as with OpenAI); the others report stream usage unasked.
pub(super) fn takes_stream_options(vendor: Vendor) -> bool {
    !matches!(vendor, Vendor::Mistral)
}

/// The action for a member of `messages[i]` whose role is `role`.
pub(super) fn message_member(vendor: Vendor, role: &str, key: &str, value: &Val<'_>) -> Action {
    match (vendor, key) {
        (Vendor::Groq, "name") if !value.is_null() => {
            Action::Unsupported("Groq rejects participant names in messages")
        }
        (Vendor::Groq, "name") => Action::Drop,
        (Vendor::Mistral, "name") if role == "tool" => Action::Keep,
        (Vendor::Mistral, "name") if !value.is_null() => {
            Action::Unsupported("Mistral takes a name only on tool messages")
        }
        // Members an OpenAI SDK echoes back from an answer, null or empty;
        // Mistral refuses unknown members, and they carry nothing.
        (Vendor::Mistral, "name" | "refusal" | "audio" | "function_call") if value.is_null() => {
            Action::Drop
        }
        (Vendor::Mistral, "annotations") if value.is_null() || value.text() == "[]" => Action::Drop,
        // Reasoning of an earlier turn (DeepSeek, Qwen, GLM…): Mistral has no
        // field for it and refuses it; it is not part of the conversation.
        (Vendor::Mistral, "reasoning_content") if role == "assistant" => Action::Drop,
        _ => Action::Keep,
    }
}

fn groq(key: &str, value: &Val<'_>) -> Action {
    match key {
        "logprobs" if value.text() == "false" => Action::Drop,
        "logprobs" => Action::Unsupported("Groq does not return log probabilities"),
        "top_logprobs" => Action::Unsupported("Groq does not return log probabilities"),
        "logit_bias" => drop_if(is_empty_object(value), "Groq does not take logit_bias"),
        "n" if is_one(value) => Action::Keep,
        "n" => Action::Unsupported("Groq returns one choice, n must be 1"),
        _ => Action::Keep,
    }
}

fn mistral(key: &str, value: &Val<'_>) -> Action {
    match key {
        "seed" => Action::Rename {
            to: "random_seed",
            wins: false,
        },
        "max_completion_tokens" => TO_MAX_TOKENS,
        "stream_options" => Action::Drop,
        k if is_advisory(k) => Action::Drop,
        "logprobs" if value.text() == "false" => Action::Drop,
        "logprobs" | "top_logprobs" => {
            Action::Unsupported("Mistral does not return log probabilities")
        }
        "logit_bias" => drop_if(is_empty_object(value), "Mistral does not take logit_bias"),
        "modalities" if value.text().replace(char::is_whitespace, "") == r#"["text"]"# => {
            Action::Drop
        }
        "modalities" | "audio" => Action::Unsupported("Mistral chat answers with text only"),
        "web_search_options" => Action::Unsupported("Mistral chat has no web search option"),
        "functions" | "function_call" => {
            Action::Unsupported("Mistral takes tools and tool_choice, not the legacy functions")
        }
        _ => Action::Keep,
    }
}

fn deepseek(key: &str, value: &Val<'_>) -> Action {
    match key {
        "max_completion_tokens" => TO_MAX_TOKENS,
        k if is_advisory(k) => Action::Drop,
        "n" => drop_if(is_one(value), "DeepSeek returns one choice"),
        "logit_bias" => drop_if(is_empty_object(value), "DeepSeek does not take logit_bias"),
        "seed" => Action::Unsupported("DeepSeek has no seed parameter"),
        "response_format" if format_is(value, "json_schema") => {
            Action::Unsupported("DeepSeek supports the text and json_object formats only")
        }
        _ => Action::Keep,
    }
}

fn zhipu(key: &str, value: &Val<'_>) -> Action {
    match key {
        "max_completion_tokens" => TO_MAX_TOKENS,
        k if is_advisory(k) => Action::Drop,
        "tool_choice" if as_str(value).as_deref() == Some("auto") => Action::Keep,
        "tool_choice" => Action::Unsupported("GLM supports tool_choice \"auto\" only"),
        "response_format" if format_is(value, "json_schema") => {
            Action::Unsupported("GLM supports the text and json_object formats only")
        }
        "n" => drop_if(is_one(value), "GLM returns one choice"),
        "logprobs" if value.text() == "false" => Action::Drop,
        "logprobs" | "top_logprobs" => Action::Unsupported("GLM does not return log probabilities"),
        "logit_bias" => drop_if(is_empty_object(value), "GLM does not take logit_bias"),
        "stop" if stop_count(value) > 1 => Action::Unsupported("GLM takes one stop sequence"),
        _ => Action::Keep,
    }
}

fn qwen(key: &str) -> Action {
    match key {
        "max_tokens" => Action::Rename {
            to: "max_completion_tokens",
            wins: false,
        },
        _ => Action::Keep,
    }
}

fn ollama(key: &str, value: &Val<'_>) -> Action {
    match key {
        "max_completion_tokens" => TO_MAX_TOKENS,
        k if is_advisory(k) => Action::Drop,
        "n" => drop_if(is_one(value), "Ollama returns one choice"),
        "logprobs" if value.text() == "false" => Action::Drop,
        "logprobs" | "top_logprobs" => {
            Action::Unsupported("Ollama does not return log probabilities")
        }
        "logit_bias" => drop_if(is_empty_object(value), "Ollama does not take logit_bias"),
        // Ignored by Ollama, whose behaviour is "auto".
        "tool_choice" if as_str(value).as_deref() == Some("auto") => Action::Drop,
        "tool_choice" => Action::Unsupported("Ollama always lets the model choose (\"auto\")"),
        _ => Action::Keep,
    }
}

/// `max_completion_tokens` under the older name most vendors kept; it wins
/// over a `max_tokens` sent beside it.
const TO_MAX_TOKENS: Action = Action::Rename {
    to: "max_tokens",
    wins: true,
};

/// Advisory members (attribution, storage, routing tier): dropping them
/// cannot change the answer.
fn is_advisory(key: &str) -> bool {
    matches!(key, "user" | "store" | "service_tier" | "safety_identifier")
}

/// Dropped when `default` (the value changes nothing), refused with `why`
/// otherwise.
fn drop_if(default: bool, why: &'static str) -> Action {
    if default {
        Action::Drop
    } else {
        Action::Unsupported(why)
    }
}

fn is_one(value: &Val<'_>) -> bool {
    serde_json::from_str::<f64>(value.text()).is_ok_and(|n| n == 1.0)
}

fn is_empty_object(value: &Val<'_>) -> bool {
    serde_json::from_str::<std::collections::BTreeMap<String, serde::de::IgnoredAny>>(value.text())
        .is_ok_and(|m| m.is_empty())
}

/// `response_format.type` equals `kind`.
fn format_is(value: &Val<'_>, kind: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Format {
        #[serde(rename = "type", default)]
        kind: Option<String>,
    }
    serde_json::from_str::<Format>(value.text()).is_ok_and(|f| f.kind.as_deref() == Some(kind))
}

/// Stop sequences given (a string counts as one).
fn stop_count(value: &Val<'_>) -> usize {
    serde_json::from_str::<Vec<serde::de::IgnoredAny>>(value.text()).map_or(1, |v| v.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Val<'static> {
        Val::Owned(text.to_owned())
    }

    #[test]
    fn default_values_are_dropped_and_others_refused() {
        assert_eq!(
            top_level(Vendor::Groq, "logprobs", &v("false")),
            Action::Drop
        );
        assert!(matches!(
            top_level(Vendor::Groq, "logprobs", &v("true")),
            Action::Unsupported(_)
        ));
        assert_eq!(
            top_level(Vendor::Groq, "logit_bias", &v("{ }")),
            Action::Drop
        );
        assert_eq!(top_level(Vendor::Groq, "n", &v("1")), Action::Keep);
        assert!(matches!(
            top_level(Vendor::Groq, "n", &v("2")),
            Action::Unsupported(_)
        ));
        assert_eq!(
            top_level(Vendor::Groq, "top_logprobs", &v("null")),
            Action::Drop
        );
        assert_eq!(
            top_level(Vendor::Vllm, "logprobs", &v("true")),
            Action::Keep
        );
    }

    #[test]
    fn vendor_specific_values() {
        assert_eq!(
            top_level(Vendor::Zhipu, "tool_choice", &v("\"auto\"")),
            Action::Keep
        );
        assert!(matches!(
            top_level(Vendor::Zhipu, "tool_choice", &v("\"required\"")),
            Action::Unsupported(_)
        ));
        assert!(matches!(
            top_level(Vendor::Zhipu, "stop", &v(r#"["a","b"]"#)),
            Action::Unsupported(_)
        ));
        assert_eq!(top_level(Vendor::Zhipu, "stop", &v(r#""a""#)), Action::Keep);
        assert!(matches!(
            top_level(
                Vendor::Deepseek,
                "response_format",
                &v(r#"{"type":"json_schema"}"#)
            ),
            Action::Unsupported(_)
        ));
        assert_eq!(
            top_level(
                Vendor::Deepseek,
                "response_format",
                &v(r#"{"type":"json_object"}"#)
            ),
            Action::Keep
        );
        assert_eq!(
            top_level(Vendor::Mistral, "modalities", &v(r#"[ "text" ]"#)),
            Action::Drop
        );
        assert_eq!(
            top_level(Vendor::Qwen, "max_tokens", &v("5")),
            Action::Rename {
                to: "max_completion_tokens",
                wins: false
            }
        );
    }

    #[test]
    fn message_members() {
        assert!(matches!(
            message_member(Vendor::Groq, "user", "name", &v("\"ann\"")),
            Action::Unsupported(_)
        ));
        assert_eq!(
            message_member(Vendor::Mistral, "tool", "name", &v("\"f\"")),
            Action::Keep
        );
        assert_eq!(
            message_member(Vendor::Mistral, "assistant", "refusal", &v("null")),
            Action::Drop
        );
        assert_eq!(
            message_member(Vendor::Mistral, "assistant", "refusal", &v("\"no\"")),
            Action::Keep
        );
        assert_eq!(
            message_member(
                Vendor::Mistral,
                "assistant",
                "reasoning_content",
                &v("\"x\"")
            ),
            Action::Drop
        );
        assert_eq!(
            message_member(Vendor::Deepseek, "user", "name", &v("\"a\"")),
            Action::Keep
        );
    }
}
