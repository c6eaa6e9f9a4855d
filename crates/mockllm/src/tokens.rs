//! Deterministic token counting: one token per whitespace-separated word.
//!
//! Input tokens are the words of all text in a request: system prompt and every
//! message's content, whether a plain string or an array of blocks. `text` blocks
//! count their `text`; `tool_result` blocks (Anthropic) count their nested content.
//! Images, tool definitions and tool-call arguments do not count.

use serde_json::Value;

/// Number of whitespace-separated words in `text`.
pub(crate) fn words(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// Words in a content value: a string, or an array of text / tool_result blocks.
pub(crate) fn content_words(content: &Value) -> u64 {
    match content {
        Value::String(s) => words(s),
        Value::Array(blocks) => blocks.iter().map(block_words).sum(),
        _ => 0,
    }
}

fn block_words(block: &Value) -> u64 {
    match block.get("type").and_then(Value::as_str) {
        Some("text") => block.get("text").and_then(Value::as_str).map_or(0, words),
        Some("tool_result") => block.get("content").map_or(0, content_words),
        _ => 0,
    }
}

/// Input tokens of a request body: `system` (Anthropic, top level) plus the content
/// of every entry of `messages` (which covers OpenAI system/developer/tool messages).
pub(crate) fn input_tokens(body: &Value) -> u64 {
    let system = body.get("system").map_or(0, content_words);
    let messages: u64 = body
        .get("messages")
        .and_then(Value::as_array)
        .map_or(0, |list| {
            list.iter()
                .filter_map(|m| m.get("content"))
                .map(content_words)
                .sum()
        });
    system + messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_words() {
        assert_eq!(words(""), 0);
        assert_eq!(words("  one  two\tthree\nfour "), 4);
    }

    #[test]
    fn counts_openai_messages() {
        let body = json!({
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": [
                    {"type": "text", "text": "hello there"},
                    {"type": "image_url", "image_url": {"url": "https://x/y.png"}}
                ]},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"a\": 1}"}}
                ]},
                {"role": "tool", "tool_call_id": "c1", "content": "sunny and warm"}
            ]
        });
        assert_eq!(input_tokens(&body), 7);
    }

    #[test]
    fn counts_anthropic_system_and_tool_results() {
        let body = json!({
            "system": [{"type": "text", "text": "you are terse"}],
            "messages": [
                {"role": "user", "content": "what is the weather"},
                {"role": "assistant", "content": [
                    {"type": "tool_use", "id": "t1", "name": "w", "input": {"q": "x y z"}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": "rain"}]},
                    {"type": "tool_result", "tool_use_id": "t2", "content": "snow later"},
                    {"type": "text", "text": "thanks"}
                ]}
            ]
        });
        assert_eq!(input_tokens(&body), 3 + 4 + 1 + 2 + 1);
        assert_eq!(input_tokens(&json!({"system": "a b", "messages": []})), 2);
    }
}
