//! `reasoning_effort` → Claude's extended thinking
//! (`thinking: {type: "enabled", budget_tokens}`), with Anthropic's rules.
//! Used by the Anthropic Messages pair and by Claude on Bedrock (the same
//! model behind another API: `additionalModelRequestFields.thinking`).
//!
//! Rules, from Anthropic's extended-thinking guide and Messages reference:
//! - budgets: `low` 1024, `medium` 4096, `high` / `xhigh` 16384 tokens;
//!   `none` / `minimal` send nothing; other values are a 400;
//! - `budget_tokens` is at least 1024 and below `max_tokens`: a client cap
//!   at or under the budget lowers the budget to cap − 1 (400 naming
//!   `reasoning_effort` when that is under 1024); a default cap (catalog or
//!   fallback) at or under it is raised to budget + 4096, room for the
//!   answer;
//! - thinking is incompatible with a modified `temperature` (only 1 is
//!   accepted), `top_p` below 0.95, `top_k`, and a `tool_choice` that forces
//!   a tool: each is a 400 naming the client's parameter, never silently
//!   dropped;
//! - a tool loop with thinking on needs the signed `thinking` block of the
//!   final assistant turn sent back before its `tool_use` blocks; OpenAI
//!   history has no place for it, so when the final assistant turn holds
//!   tool calls the request goes without thinking (Anthropic's own advice
//!   in that 400: "To avoid this requirement, disable `thinking`"). The
//!   model thinks again on the next fresh user turn.

use crate::error::GatewayError;

/// Anthropic's smallest thinking budget.
pub(crate) const MIN_BUDGET: u64 = 1024;

/// Output room above the budget when the cap is not the client's own.
const ANSWER_ROOM: u64 = 4096;

/// Smallest `top_p` Anthropic accepts with thinking on.
const MIN_TOP_P: f64 = 0.95;

/// The thinking budget for `reasoning_effort`; `None` for no thinking.
pub(crate) fn budget(effort: Option<&str>) -> Result<Option<u64>, GatewayError> {
    match effort {
        None | Some("none" | "minimal") => Ok(None),
        Some("low") => Ok(Some(MIN_BUDGET)),
        Some("medium") => Ok(Some(4096)),
        Some("high" | "xhigh") => Ok(Some(16_384)),
        Some(_) => Err(GatewayError::invalid_field(
            "reasoning_effort",
            "reasoning_effort must be none, minimal, low, medium, high or xhigh.",
        )),
    }
}

/// The budget and output cap actually sent: `requested` is the client's
/// cap, `default` the cap the gateway would send otherwise (if any).
pub(crate) fn fit(
    budget: u64,
    requested: Option<u64>,
    default: Option<u64>,
) -> Result<(u64, u64), GatewayError> {
    match requested {
        Some(cap) if cap <= budget => {
            let reduced = cap.saturating_sub(1);
            if reduced < MIN_BUDGET {
                return Err(GatewayError::invalid_field(
                    "reasoning_effort",
                    "Reasoning needs an output limit above 1024 tokens; raise \
                     max_completion_tokens or lower reasoning_effort.",
                ));
            }
            Ok((reduced, cap))
        }
        Some(cap) => Ok((budget, cap)),
        None => match default {
            Some(cap) if cap > budget => Ok((budget, cap)),
            _ => Ok((budget, budget.saturating_add(ANSWER_ROOM))),
        },
    }
}

/// Refuses, by name, the sampling settings thinking cannot honour.
/// `forces_tool` is a `tool_choice` of `required` or a named function.
pub(crate) fn check_compatible(
    temperature: Option<f64>,
    top_p: Option<f64>,
    forces_tool: bool,
) -> Result<(), GatewayError> {
    let conflict = |param: &str, why: &str| {
        GatewayError::unsupported_parameter(
            param,
            &format!(
                "'{param}' {why} when reasoning_effort turns on extended thinking for this model."
            ),
        )
    };
    if temperature.is_some_and(|t| t != 1.0) {
        return Err(conflict("temperature", "can only be 1 (or unset)"));
    }
    if top_p.is_some_and(|p| p < MIN_TOP_P) {
        return Err(conflict("top_p", "must be at least 0.95 (or unset)"));
    }
    if forces_tool {
        return Err(conflict(
            "tool_choice",
            "cannot force a tool (use auto or none)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_by_effort() {
        assert_eq!(budget(None).unwrap(), None);
        assert_eq!(budget(Some("minimal")).unwrap(), None);
        assert_eq!(budget(Some("low")).unwrap(), Some(1024));
        assert_eq!(budget(Some("medium")).unwrap(), Some(4096));
        assert_eq!(budget(Some("xhigh")).unwrap(), Some(16_384));
        assert_eq!(
            budget(Some("max")).unwrap_err().param.as_deref(),
            Some("reasoning_effort")
        );
    }

    #[test]
    fn budget_stays_below_the_cap() {
        assert_eq!(fit(4096, Some(8000), None).unwrap(), (4096, 8000));
        assert_eq!(fit(4096, Some(4096), None).unwrap(), (4095, 4096));
        assert_eq!(fit(4096, Some(2000), None).unwrap(), (1999, 2000));
        assert!(fit(1024, Some(1024), None).is_err());
        assert_eq!(fit(4096, None, Some(8192)).unwrap(), (4096, 8192));
        assert_eq!(fit(4096, None, Some(1024)).unwrap(), (4096, 8192));
        assert_eq!(fit(1024, None, None).unwrap(), (1024, 5120));
    }

    #[test]
    fn sampling_conflicts_are_named() {
        assert!(check_compatible(None, None, false).is_ok());
        assert!(check_compatible(Some(1.0), Some(0.95), false).is_ok());
        let name = |r: Result<(), GatewayError>| r.unwrap_err().param.unwrap();
        assert_eq!(
            name(check_compatible(Some(0.2), None, false)),
            "temperature"
        );
        assert_eq!(name(check_compatible(None, Some(0.5), false)), "top_p");
        assert_eq!(name(check_compatible(None, None, true)), "tool_choice");
    }
}
