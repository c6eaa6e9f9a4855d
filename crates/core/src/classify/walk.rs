//! The single pass over a parsed request: every message's text goes through the
//! feature scanner, which drives the token counter as it goes, and request-level
//! facts (tools, images, files, JSON mode, reasoning effort, sizes) are collected
//! on the way.

use serde_json::value::RawValue;

use super::jsonstr;
use super::request::{self, Part, Request, Role};
use super::scanner::Scanner;
use super::signals::Signals;
use super::Features;
use crate::estimate::{
    TokenCounter, FILE_BYTES_PER_TOKEN, IMAGE_TOKENS, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE,
};

/// Evidence split by where it came from: the decision weighs the last user
/// message most, the system prompt less, earlier turns least.
#[derive(Debug, Default)]
pub(super) struct Groups {
    pub last_user: Signals,
    pub system: Signals,
    pub history: Signals,
}

/// Milli-tokens and characters of one message, extrapolated over sampled parts.
#[derive(Default)]
struct Size {
    milli: u64,
    chars: u64,
}

pub(super) fn walk(req: &Request<'_>) -> (Features, Groups) {
    let mut f = Features::default();
    let mut g = Groups::default();
    let messages = req.messages.as_deref().unwrap_or(&[]);
    let last_user = messages
        .iter()
        .rposition(|m| Role::of(m.role) == Role::User);
    let mut milli = u64::from(REPLY_PRIMING_TOKENS) * 1000;
    let mut total_chars: u64 = 0;

    for (i, m) in messages.iter().enumerate() {
        let role = Role::of(m.role);
        let mut scanner = Scanner::default();
        let mut size = Size::default();
        if let Some(raw) = m.content {
            content(raw, &mut scanner, &mut size, &mut f);
        }
        for call in m.tool_calls.iter().flatten() {
            f.in_tool_loop = true;
            if let Some(func) = &call.function {
                size.milli += literal_tokens(func.name) + literal_tokens(func.arguments);
            }
        }
        if let Some(raw) = m.function_call {
            f.in_tool_loop = true;
            size.milli += json_tokens(raw);
        }
        if role == Role::Tool {
            f.in_tool_loop = true;
        }
        if m.name.is_some() {
            size.milli += 1000;
        }
        milli = milli
            .saturating_add(u64::from(TOKENS_PER_MESSAGE) * 1000)
            .saturating_add(size.milli);
        total_chars = total_chars.saturating_add(size.chars);
        let chars = sat_u32(size.chars);
        f.longest_message_chars = f.longest_message_chars.max(chars);

        let signals = scanner.finish();
        f.cjk_chars = f.cjk_chars.saturating_add(signals.cjk_chars);
        if Some(i) == last_user {
            f.last_user_chars = chars;
            g.last_user = signals;
        } else if role == Role::System {
            g.system.merge(&signals);
        } else {
            g.history.merge(&signals);
        }
    }

    for tools in [req.tools, req.functions].into_iter().flatten() {
        milli = milli.saturating_add(json_tokens(tools));
    }
    let tools_offered =
        request::non_empty_array(req.tools) || request::non_empty_array(req.functions);
    let disabled = request::is_string(req.tool_choice, "none")
        || request::is_string(req.function_call, "none");
    f.has_tools = tools_offered && !disabled;
    f.wants_json = req.response_format.as_ref().is_some_and(|r| {
        request::is_string(r.kind, "json_object") || request::is_string(r.kind, "json_schema")
    });
    f.reasoning_requested = req.reasoning_effort.is_some_and(|r| r.get() != "null");
    f.max_output_tokens =
        request::as_u32(req.max_completion_tokens).or(request::as_u32(req.max_tokens));
    f.messages = sat_u32(messages.len() as u64);
    f.total_chars = sat_u32(total_chars);
    f.prompt_tokens_estimate = sat_u32(milli.saturating_add(500) / 1000);
    (f, g)
}

/// One message's `content`: a string, or an array of parts.
fn content(raw: &RawValue, scanner: &mut Scanner, size: &mut Size, f: &mut Features) {
    let text = raw.get();
    if text.starts_with('"') {
        scan_literal(text, scanner, size);
        return;
    }
    if !text.starts_with('[') {
        return;
    }
    // A malformed parts array contributes nothing rather than failing the request.
    let parts: Vec<Part> = serde_json::from_str(text).unwrap_or_default();
    for part in &parts {
        let kind = part.kind.map(RawValue::get).unwrap_or("");
        match kind {
            r#""text""# | r#""input_text""# => {
                if let Some(t) = part.text {
                    scan_literal(t.get(), scanner, size);
                }
            }
            r#""image_url""# | r#""image""# | r#""input_image""# => {
                f.has_images = true;
                size.milli += u64::from(IMAGE_TOKENS) * 1000;
            }
            r#""file""# | r#""input_file""# => {
                f.has_files = true;
                let bytes = part.file.map_or(0, |r| r.get().len() as u64);
                size.milli += bytes * 1000 / u64::from(FILE_BYTES_PER_TOKEN);
            }
            r#""input_audio""# => {
                f.has_audio = true;
                let bytes = part.input_audio.map_or(0, |r| r.get().len() as u64);
                size.milli += bytes * 1000 / u64::from(FILE_BYTES_PER_TOKEN);
            }
            _ => {}
        }
    }
}

/// The scanner (which drives the literal's token counter) and a count of the
/// characters decoded.
struct Both<'s> {
    scanner: &'s mut Scanner,
    chars: u64,
}

impl jsonstr::Sink for Both<'_> {
    fn text(&mut self, s: &[u8]) -> usize {
        let n = self.scanner.push_text(s);
        self.chars += n as u64;
        n
    }
    fn char(&mut self, c: char) {
        self.scanner.push(c);
        self.chars += 1;
    }
}

/// Feed a JSON string literal to the scanner and a fresh token counter (sampled).
fn scan_literal(raw: &str, scanner: &mut Scanner, size: &mut Size) {
    scanner.tokens = TokenCounter::new();
    let mut both = Both { scanner, chars: 0 };
    let sampled = jsonstr::for_each_char(raw, &mut both);
    let milli = both.scanner.tokens.milli_tokens();
    size.milli = size.milli.saturating_add(sampled.extrapolate(milli));
    size.chars = size.chars.saturating_add(sampled.extrapolate(both.chars));
}

/// Tokens of a string literal's decoded text (tool names and arguments).
fn literal_tokens(raw: Option<&RawValue>) -> u64 {
    let Some(raw) = raw else { return 0 };
    let mut counter = TokenCounter::new();
    let sampled = jsonstr::for_each_char(raw.get(), &mut |c| counter.push(c));
    sampled.extrapolate(counter.milli_tokens())
}

/// Raw bytes of a tool schema scanned before extrapolating.
const JSON_SCAN_BYTES: usize = 32 * 1024;

/// Tokens of a JSON value as compact JSON (whitespace outside strings skipped),
/// which is close to how providers render tool schemas into the prompt. Huge
/// values are sampled from their start and extrapolated.
fn json_tokens(raw: &RawValue) -> u64 {
    let text = raw.get();
    let mut counter = TokenCounter::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut scanned = text.len();
    for (i, c) in text.char_indices() {
        if i >= JSON_SCAN_BYTES {
            scanned = i;
            break;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c.is_ascii_whitespace() {
            continue;
        }
        counter.push(c);
    }
    jsonstr::Sampled {
        total: text.len(),
        scanned,
    }
    .extrapolate(counter.milli_tokens())
}

fn sat_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
