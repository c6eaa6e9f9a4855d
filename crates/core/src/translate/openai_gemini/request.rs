//! Request parameters → Gemini `tools`, `toolConfig`, `generationConfig`,
//! and the URL path. The parameter policy is in the module doc of
//! [`super`]; message conversion is in [`super::contents`].

use std::fmt::Write as _;

use super::client::{ChatRequest, ResponseFormat};
use super::contents;
use crate::error::GatewayError;
use crate::schema::gemini::{
    FunctionCallingConfig, FunctionCallingMode, FunctionDeclaration, GenerateContentRequest,
    GenerationConfig, SystemInstruction, ThinkingConfig, Tool, ToolConfig,
};
use crate::schema::openai::{Stop, ToolChoice};
use crate::translate::openai_error::json_schema_object;
use crate::translate::TargetModel;

/// Gemini's limit on `stopSequences` (pitfall 13).
pub(super) const MAX_STOP_SEQUENCES: usize = 5;

/// Longest function name Gemini accepts.
const MAX_FUNCTION_NAME_CHARS: usize = 64;

fn unsupported(param: &str) -> GatewayError {
    GatewayError::unsupported_parameter(
        param,
        &format!("'{param}' is not supported for this model; remove it or choose another model."),
    )
}

/// The Gemini request for a parsed client request.
pub(super) fn build<'r>(
    req: &'r ChatRequest<'_>,
    target: &TargetModel<'_>,
) -> Result<GenerateContentRequest<'r>, GatewayError> {
    refuse_unsupported(req)?;
    let input = req
        .messages
        .as_deref()
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            GatewayError::invalid_field("messages", "messages must be a non-empty array.")
        })?;
    let converted = contents::convert(input)?;
    if converted.contents.is_empty() {
        return Err(GatewayError::invalid_field(
            "messages",
            "At least one user or assistant message must have content.",
        ));
    }
    let declarations = declarations(req)?;
    let tool_config = if declarations.is_empty() {
        None
    } else {
        tool_config(req.tool_choice.as_ref(), &declarations)?
    };
    let tools = if declarations.is_empty() {
        Vec::new()
    } else {
        vec![Tool {
            function_declarations: declarations,
        }]
    };
    Ok(GenerateContentRequest {
        contents: converted.contents,
        system_instruction: (!converted.system.is_empty()).then_some(SystemInstruction {
            parts: converted.system,
        }),
        tools,
        tool_config,
        generation_config: generation_config(req, target)?,
    })
}

/// Parameters Gemini cannot honour (see the module doc of [`super`]).
fn refuse_unsupported(req: &ChatRequest<'_>) -> Result<(), GatewayError> {
    let checks: [(&str, bool); 10] = [
        ("n", req.n.is_some_and(|n| n > 1)),
        ("logprobs", req.logprobs == Some(true)),
        ("top_logprobs", req.top_logprobs.is_some_and(|k| k > 0)),
        (
            "logit_bias",
            req.logit_bias.is_some_and(|raw| {
                !raw.get()
                    .bytes()
                    .filter(|b| !b.is_ascii_whitespace())
                    .eq(*b"{}")
            }),
        ),
        (
            "modalities",
            req.modalities.iter().flatten().any(|m| m != "text"),
        ),
        ("audio", req.audio.is_some()),
        ("web_search_options", req.web_search_options.is_some()),
        ("functions", req.functions.is_some()),
        ("function_call", req.function_call.is_some()),
        (
            "parallel_tool_calls",
            req.parallel_tool_calls == Some(false),
        ),
    ];
    if let Some((param, _)) = checks.iter().find(|(_, refused)| *refused) {
        return Err(unsupported(param));
    }
    if req.n == Some(0) {
        return Err(GatewayError::invalid_field("n", "n must be at least 1."));
    }
    Ok(())
}

/// `[A-Za-z0-9_.:-]{1,64}`, as Gemini's reference states for function names.
fn valid_function_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_FUNCTION_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

fn declarations<'r>(
    req: &'r ChatRequest<'_>,
) -> Result<Vec<FunctionDeclaration<'r>>, GatewayError> {
    let mut out = Vec::new();
    for (i, tool) in req.tools.iter().flatten().enumerate() {
        if tool.kind != "function" {
            return Err(unsupported(&format!("tools[{i}].type")));
        }
        let function = tool.function.as_ref().ok_or_else(|| {
            GatewayError::invalid_field(&format!("tools[{i}].function"), "function is required.")
        })?;
        if !valid_function_name(&function.name) {
            return Err(GatewayError::invalid_field(
                &format!("tools[{i}].function.name"),
                "Function names must be 1 to 64 characters from a-z, A-Z, 0-9, '_', '-', '.' \
                 and ':' for this model.",
            ));
        }
        out.push(FunctionDeclaration {
            name: &function.name,
            description: function.description.as_deref().filter(|d| !d.is_empty()),
            parameters_json_schema: function.parameters,
        });
    }
    Ok(out)
}

/// Only called when functions are declared (a choice without tools is
/// dropped, as Gemini would refuse it).
fn tool_config<'r>(
    choice: Option<&'r ToolChoice<'_>>,
    declared: &[FunctionDeclaration<'_>],
) -> Result<Option<ToolConfig<'r>>, GatewayError> {
    let config = |mode, allowed_function_names| {
        Some(ToolConfig {
            function_calling_config: FunctionCallingConfig {
                mode,
                allowed_function_names,
            },
        })
    };
    match choice {
        None => Ok(None),
        Some(ToolChoice::Mode(mode)) => match mode.as_ref() {
            "auto" => Ok(config(FunctionCallingMode::Auto, Vec::new())),
            "none" => Ok(config(FunctionCallingMode::None, Vec::new())),
            "required" => Ok(config(FunctionCallingMode::Any, Vec::new())),
            _ => Err(GatewayError::invalid_field(
                "tool_choice",
                "tool_choice must be auto, none, required or a named function.",
            )),
        },
        Some(ToolChoice::Named(named)) => match (named.kind.as_ref(), &named.function) {
            ("function", Some(f)) if declared.iter().any(|d| d.name == f.name) => {
                Ok(config(FunctionCallingMode::Any, vec![&f.name]))
            }
            ("function", Some(_)) => Err(GatewayError::invalid_field(
                "tool_choice.function.name",
                "tool_choice names a function that is not in tools.",
            )),
            ("function", None) => Err(GatewayError::invalid_field(
                "tool_choice.function",
                "A named tool_choice needs function.name.",
            )),
            _ => Err(unsupported("tool_choice")),
        },
    }
}

fn generation_config<'r>(
    req: &'r ChatRequest<'_>,
    target: &TargetModel<'_>,
) -> Result<Option<GenerationConfig<'r>>, GatewayError> {
    let (mime, schema) = response_format(req.response_format.as_ref())?;
    let config = GenerationConfig {
        temperature: req.temperature,
        top_p: req.top_p,
        max_output_tokens: max_output_tokens(req, target)?,
        stop_sequences: stop_sequences(req.stop.as_ref())?,
        seed: req
            .seed
            .map(|s| {
                i32::try_from(s).map_err(|_| {
                    GatewayError::invalid_field("seed", "seed must fit in 32 bits for this model.")
                })
            })
            .transpose()?,
        presence_penalty: req.presence_penalty,
        frequency_penalty: req.frequency_penalty,
        response_mime_type: mime,
        response_json_schema: schema,
        thinking_config: req
            .reasoning_effort
            .as_deref()
            .map(|effort| thinking_config(effort, target.upstream_model))
            .transpose()?,
    };
    let empty = config.temperature.is_none()
        && config.top_p.is_none()
        && config.max_output_tokens.is_none()
        && config.stop_sequences.is_empty()
        && config.seed.is_none()
        && config.presence_penalty.is_none()
        && config.frequency_penalty.is_none()
        && config.response_mime_type.is_none()
        && config.thinking_config.is_none();
    Ok((!empty).then_some(config))
}

/// The client's cap, else the catalog default; none when neither is set
/// (Gemini does not require one).
fn max_output_tokens(
    req: &ChatRequest<'_>,
    target: &TargetModel<'_>,
) -> Result<Option<u32>, GatewayError> {
    let (param, requested) = match (req.max_completion_tokens, req.max_tokens) {
        (Some(v), _) => ("max_completion_tokens", Some(v)),
        (None, v) => ("max_tokens", v),
    };
    match requested {
        Some(0) => Err(GatewayError::invalid_field(
            param,
            "The output token limit must be at least 1.",
        )),
        Some(v) => i32::try_from(v)
            .ok()
            .and_then(|v| u32::try_from(v).ok())
            .map(Some)
            .ok_or_else(|| {
                GatewayError::invalid_field(param, "The output token limit is too large.")
            }),
        None if target.default_max_tokens > 0 => Ok(Some(target.default_max_tokens)),
        None => Ok(None),
    }
}

/// Empty strings are dropped (they stop nothing); more than five are refused
/// by name (pitfall 13).
fn stop_sequences<'r>(stop: Option<&'r Stop<'_>>) -> Result<Vec<&'r str>, GatewayError> {
    let all: Vec<&'r str> = match stop {
        None => Vec::new(),
        Some(Stop::One(s)) => vec![s.as_ref()],
        Some(Stop::Many(many)) => many.iter().map(|s| s.as_ref()).collect(),
    };
    let kept: Vec<&'r str> = all.into_iter().filter(|s| !s.is_empty()).collect();
    if kept.len() > MAX_STOP_SEQUENCES {
        return Err(GatewayError::invalid_field(
            "stop",
            &format!(
                "This model accepts at most {MAX_STOP_SEQUENCES} stop sequences; {} were sent.",
                kept.len()
            ),
        ));
    }
    Ok(kept)
}

type FormatOut<'r> = (
    Option<&'static str>,
    Option<&'r serde_json::value::RawValue>,
);

/// `json_object` → JSON MIME type; `json_schema` → MIME type plus
/// `responseJsonSchema` (JSON Schema as the client wrote it).
fn response_format<'r>(
    format: Option<&'r ResponseFormat<'_>>,
) -> Result<FormatOut<'r>, GatewayError> {
    const JSON: &str = "application/json";
    match format.map(|f| (f.kind.as_ref(), f)) {
        None | Some(("text", _)) => Ok((None, None)),
        Some(("json_object", _)) => Ok((Some(JSON), None)),
        Some(("json_schema", f)) => {
            let schema = json_schema_object(f.json_schema.as_ref().and_then(|s| s.schema))?;
            Ok((Some(JSON), Some(schema)))
        }
        Some(_) => Err(unsupported("response_format")),
    }
}

/// The Gemini generation of a model name (`gemini-3-pro` → 3), if it has one.
fn gemini_generation(model: &str) -> Option<u32> {
    let at = model.find("gemini-")?;
    let digits: String = model
        .get(at + "gemini-".len()..)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// `reasoning_effort` → `thinkingConfig` (table in the module doc of
/// [`super`]): a `thinkingLevel` for Gemini 3 and later, a `thinkingBudget`
/// otherwise; thought summaries are asked for unless thinking is off.
pub(super) fn thinking_config(effort: &str, model: &str) -> Result<ThinkingConfig, GatewayError> {
    let known = ["none", "minimal", "low", "medium", "high", "xhigh"];
    if !known.contains(&effort) {
        return Err(GatewayError::invalid_field(
            "reasoning_effort",
            "reasoning_effort must be none, minimal, low, medium, high or xhigh.",
        ));
    }
    let include_thoughts = (effort != "none").then_some(true);
    if gemini_generation(model).is_some_and(|g| g >= 3) {
        let level = match effort {
            "none" | "minimal" => "minimal",
            "low" => "low",
            "medium" => "medium",
            _ => "high",
        };
        return Ok(ThinkingConfig {
            include_thoughts,
            thinking_budget: None,
            thinking_level: Some(level),
        });
    }
    let budget = match effort {
        "none" => 0,
        "minimal" => 512,
        "low" => 1024,
        "medium" => 8192,
        _ => 24576,
    };
    Ok(ThinkingConfig {
        include_thoughts,
        thinking_budget: Some(budget),
        thinking_level: None,
    })
}

/// `/models/{model}:generateContent`, or the SSE streaming method.
pub(super) fn path_suffix(model: &str, stream: bool) -> String {
    model_path(
        model,
        if stream {
            "streamGenerateContent?alt=sse"
        } else {
            "generateContent"
        },
    )
}

/// `/models/{model}:{method}`. The model is one path segment: everything but
/// RFC 3986 unreserved characters is percent-encoded (a `models/` prefix,
/// Gemini's resource name, is dropped).
pub(super) fn model_path(model: &str, method: &str) -> String {
    let model = model.strip_prefix("models/").unwrap_or(model);
    let mut path = String::with_capacity(model.len() + method.len() + 16);
    path.push_str("/models/");
    for byte in model.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            path.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(path, "%{byte:02X}");
        }
    }
    path.push(':');
    path.push_str(method);
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_escape_the_model_as_one_segment() {
        assert_eq!(
            path_suffix("gemini-2.5-flash", false),
            "/models/gemini-2.5-flash:generateContent"
        );
        assert_eq!(
            path_suffix("models/gemini-3-pro", true),
            "/models/gemini-3-pro:streamGenerateContent?alt=sse"
        );
        assert_eq!(
            path_suffix("a/b:c d?é", false),
            "/models/a%2Fb%3Ac%20d%3F%C3%A9:generateContent"
        );
    }

    #[test]
    fn generations() {
        assert_eq!(gemini_generation("gemini-3-pro-preview"), Some(3));
        assert_eq!(gemini_generation("gemini-3.1-flash"), Some(3));
        assert_eq!(gemini_generation("gemini-2.5-flash"), Some(2));
        assert_eq!(gemini_generation("models/gemini-10-x"), Some(10));
        assert_eq!(gemini_generation("gemma-3"), None);
        assert_eq!(gemini_generation("gemini-exp"), None);
    }

    #[test]
    fn thinking_levels_and_budgets() {
        let three = thinking_config("medium", "gemini-3-flash").unwrap();
        assert_eq!(three.thinking_level, Some("medium"));
        assert_eq!(three.thinking_budget, None);
        let off = thinking_config("none", "gemini-2.5-flash").unwrap();
        assert_eq!(off.thinking_budget, Some(0));
        assert_eq!(off.include_thoughts, None);
        assert_eq!(
            thinking_config("high", "gemini-2.5-pro")
                .unwrap()
                .thinking_budget,
            Some(24576)
        );
        assert!(thinking_config("extreme", "gemini-2.5-pro").is_err());
    }

    #[test]
    fn function_names() {
        assert!(valid_function_name("get_weather-2"));
        assert!(valid_function_name("ns.tool:v1"));
        assert!(valid_function_name(&"a".repeat(64)));
        assert!(!valid_function_name(&"a".repeat(65)));
        assert!(!valid_function_name(""));
        assert!(!valid_function_name("has space"));
        assert!(!valid_function_name("emoji😀"));
    }
}
