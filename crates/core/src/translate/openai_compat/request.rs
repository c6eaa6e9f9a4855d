//! The request side: an OpenAI chat-completions body rewritten for one
//! OpenAI-compatible vendor by the rules of [`super::rules`].
//!
//! The body is read once as raw members; only the members a rule changes (and
//! `messages`, for vendors with message rules) are re-encoded, every other
//! value is copied byte for byte. As in the plain OpenAI path, `model` is
//! replaced everywhere it occurs and a streaming request asks for usage —
//! through `stream_options` where the vendor takes it; vendors that do not
//! (Mistral) report usage in their last chunk unasked.

use std::borrow::Cow;

use super::ids::mistral_id;
use super::raw::{array, array_json, as_str, string_json, Member, RawObject, Val};
use super::rules::{self, Action};
use super::Vendor;
use crate::error::GatewayError;
use crate::translate::openai_error::{client_parse_error, require_object};
use crate::translate::openai_openai::{client_wants_usage, stream_options_with_usage};
use crate::translate::UpstreamRequest;

#[derive(Debug, Clone, Copy)]
struct Policy {
    vendor: Vendor,
    /// Drop unsupported parameters instead of refusing the request.
    drop_unsupported: bool,
}

/// The client body for `vendor`, with `model` set to `upstream_model`.
pub(super) fn request(
    vendor: Vendor,
    drop_unsupported: bool,
    client_body: &[u8],
    upstream_model: &str,
) -> Result<UpstreamRequest, GatewayError> {
    require_object(client_body)?;
    let text = std::str::from_utf8(client_body)
        .map_err(|_| GatewayError::invalid_json("the body is not valid UTF-8."))?;
    let mut body = RawObject::parse(text).map_err(|e| client_parse_error(&e))?;
    let policy = Policy {
        vendor,
        drop_unsupported,
    };
    let stream = body.get("stream").is_some_and(|v| v.text() == "true");
    let wanted = stream
        && match body.get("stream_options") {
            Some(Val::Raw(raw)) => client_wants_usage(Some(raw)),
            _ => false,
        };
    top_level(&mut body, policy)?;
    if rules::has_message_rules(vendor) {
        messages(&mut body, policy)?;
    }
    body.set_first("model", Val::Owned(string_json(upstream_model)));
    if stream {
        if rules::takes_stream_options(vendor) {
            let options = match body.get("stream_options") {
                Some(Val::Raw(raw)) => stream_options_with_usage(raw)?.0,
                _ => "{\"include_usage\":true}".to_owned(),
            };
            body.set("stream_options", Val::Owned(options));
        } else {
            body.remove("stream_options");
        }
    }
    Ok(UpstreamRequest {
        body: body.to_json().into_bytes(),
        path_suffix: "/chat/completions".to_owned(),
        stream,
        client_wants_usage: wanted,
    })
}

fn unsupported(vendor: Vendor, param: &str, why: &str) -> GatewayError {
    GatewayError::unsupported_parameter(
        param,
        &format!(
            "`{param}` is not supported by the provider serving this model ({}): {why}.",
            vendor.display_name()
        ),
    )
}

/// Applies the top-level rules; renames resolve against the members the
/// client sent (see [`Action::Rename`]).
fn top_level(body: &mut RawObject<'_>, policy: Policy) -> Result<(), GatewayError> {
    // A null member is "not given": it neither blocks a rename nor survives one.
    let sent: Vec<String> = body
        .members
        .iter()
        .filter(|m| !m.value.is_null())
        .map(|m| m.key.to_string())
        .collect();
    let mut kept: Vec<(Member<'_>, bool)> = Vec::with_capacity(body.members.len());
    let mut replaced: Vec<&'static str> = Vec::new();
    for member in std::mem::take(&mut body.members) {
        match rules::top_level(policy.vendor, &member.key, &member.value) {
            Action::Keep => kept.push((member, false)),
            Action::Drop => {}
            Action::Rename { to, wins } => {
                let clash = sent.iter().any(|k| k == to);
                if !clash || wins {
                    replaced.push(to);
                    kept.push((
                        Member {
                            key: Cow::Borrowed(to),
                            value: member.value,
                        },
                        true,
                    ));
                }
            }
            Action::Unsupported(why) => {
                if !policy.drop_unsupported {
                    return Err(unsupported(policy.vendor, &member.key, why));
                }
            }
        }
    }
    body.members = kept
        .into_iter()
        .filter(|(m, renamed)| *renamed || !replaced.iter().any(|r| m.key == *r))
        .map(|(m, _)| m)
        .collect();
    Ok(())
}

/// Applies the message rules to every element of `messages`; elements no
/// rule changes are copied as they are.
fn messages(body: &mut RawObject<'_>, policy: Policy) -> Result<(), GatewayError> {
    let Some(items) = body.get("messages").and_then(array) else {
        // The policy filter has checked the shape; anything else is the
        // vendor's to refuse.
        return Ok(());
    };
    let mut out: Vec<Cow<'_, str>> = Vec::with_capacity(items.len());
    let mut changed = false;
    for (i, raw) in items.iter().enumerate() {
        let Ok(mut message) = RawObject::parse(raw.get()) else {
            out.push(Cow::Borrowed(raw.get()));
            continue;
        };
        if message_rules(&mut message, i, policy)? {
            changed = true;
            out.push(Cow::Owned(message.to_json()));
        } else {
            out.push(Cow::Borrowed(raw.get()));
        }
    }
    if changed {
        let json = array_json(out.iter().map(|s| s.as_ref()));
        body.set("messages", Val::Owned(json));
    }
    Ok(())
}

/// Rewrites one message; true when anything changed.
fn message_rules(
    message: &mut RawObject<'_>,
    index: usize,
    policy: Policy,
) -> Result<bool, GatewayError> {
    let role = message
        .get("role")
        .and_then(as_str)
        .map(|r| r.into_owned())
        .unwrap_or_default();
    let before = message.members.len();
    let mut kept = Vec::with_capacity(before);
    for member in std::mem::take(&mut message.members) {
        match rules::message_member(policy.vendor, &role, &member.key, &member.value) {
            Action::Keep | Action::Rename { .. } => kept.push(member),
            Action::Drop => {}
            Action::Unsupported(why) => {
                if !policy.drop_unsupported {
                    let param = format!("messages[{index}].{}", member.key);
                    return Err(unsupported(policy.vendor, &param, why));
                }
            }
        }
    }
    message.members = kept;
    let mut changed = message.members.len() != before;
    if policy.vendor == Vendor::Mistral {
        changed |= mistral_message(message, &role);
    }
    Ok(changed)
}

/// Mistral: `developer` is its `system` role; tool-call ids become the
/// nine-character form it requires (same mapping for both ends).
fn mistral_message(message: &mut RawObject<'_>, role: &str) -> bool {
    let mut changed = false;
    if role == "developer" {
        message.set("role", Val::Owned("\"system\"".to_owned()));
        changed = true;
    }
    if let Some(id) = message.get("tool_call_id").and_then(as_str) {
        if let Cow::Owned(mapped) = mistral_id(&id) {
            message.set("tool_call_id", Val::Owned(string_json(&mapped)));
            changed = true;
        }
    }
    let calls = message.get("tool_calls").and_then(array);
    if let Some(calls) = calls {
        let mut any = false;
        let rewritten: Vec<Cow<'_, str>> = calls
            .iter()
            .map(|raw| {
                let Ok(mut call) = RawObject::parse(raw.get()) else {
                    return Cow::Borrowed(raw.get());
                };
                let mapped = call
                    .get("id")
                    .and_then(as_str)
                    .and_then(|id| match mistral_id(&id) {
                        Cow::Owned(m) => Some(m),
                        Cow::Borrowed(_) => None,
                    });
                match mapped {
                    Some(m) => {
                        any = true;
                        call.set("id", Val::Owned(string_json(&m)));
                        Cow::Owned(call.to_json())
                    }
                    None => Cow::Borrowed(raw.get()),
                }
            })
            .collect();
        if any {
            let json = array_json(rewritten.iter().map(|s| s.as_ref()));
            message.set("tool_calls", Val::Owned(json));
            changed = true;
        }
    }
    changed
}
