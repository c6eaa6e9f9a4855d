//! Step 2 of the flow, after authentication: which models a caller may use.
//!
//! A key may carry a role. A role lists the models it allows (exact names,
//! `prefix*` patterns, or `*`) and may require zero data retention, in which
//! case only models whose provider offers ZDR (catalog `zdr`, via the model's
//! routing profile) qualify. A key without a role may use every model.
//!
//! Invariants: a concrete model the caller may not use is a 403 with a stable
//! code (`model_not_allowed`, `zdr_required`) that names the model and never
//! the role's other models; automatic routes treat the same rules as hard
//! filters, so a refusal there reads as one of the reasons nothing fits.
//! Role patterns match the model's canonical name (aliases resolve first).

use crate::config::ModelRoute;
use crate::error::GatewayError;

/// One entry of a role's `models`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ModelPattern {
    Any,
    Exact(String),
    Prefix(String),
}

impl ModelPattern {
    fn parse(text: &str) -> Self {
        match text.strip_suffix('*') {
            Some("") => Self::Any,
            Some(prefix) => Self::Prefix(prefix.to_owned()),
            None => Self::Exact(text.to_owned()),
        }
    }

    fn matches(&self, model: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Exact(name) => name == model,
            Self::Prefix(prefix) => model.starts_with(prefix.as_str()),
        }
    }
}

/// A named set of permissions that keys refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    models: Vec<ModelPattern>,
    /// Only models whose provider offers zero data retention.
    pub require_zdr: bool,
}

impl Role {
    /// `models`: names, `prefix*` patterns or `*`; empty allows nothing.
    pub fn new(name: &str, models: &[String], require_zdr: bool) -> Self {
        Self {
            name: name.to_owned(),
            models: models.iter().map(|m| ModelPattern::parse(m)).collect(),
            require_zdr,
        }
    }

    pub fn allows(&self, model: &str) -> bool {
        self.models.iter().any(|p| p.matches(model))
    }
}

/// Why `role` may not use `model` (a short fixed phrase), or `None`.
pub fn refusal(role: Option<&Role>, model: &ModelRoute) -> Option<&'static str> {
    let role = role?;
    if !role.allows(&model.name) {
        return Some("not allowed for this key");
    }
    if role.require_zdr && !model.profile.as_ref().is_some_and(|p| p.zdr) {
        return Some("no zero data retention");
    }
    None
}

/// The 403 for a concrete model the caller may not use.
pub fn check(role: Option<&Role>, model: &ModelRoute) -> Result<(), GatewayError> {
    let Some(reason) = refusal(role, model) else {
        return Ok(());
    };
    let (code, message) = if reason == "no zero data retention" {
        (
            "zdr_required",
            format!(
                "This key may only use models whose provider offers zero data retention; '{}' does not.",
                model.name
            ),
        )
    } else {
        (
            "model_not_allowed",
            format!("This key is not allowed to use the model '{}'.", model.name),
        )
    };
    let mut e = GatewayError::invalid_field("model", &message);
    e.status = 403;
    e.error_type = "permission_error".to_owned();
    e.code = code.to_owned();
    Err(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn config() -> Config {
        let profile = |zdr: bool| {
            serde_json::json!({"context_window": 1000, "max_output": 100, "input_price": 1.0,
                "output_price": 1.0, "quality": {"chat": 1, "summarize": 1, "code": 1,
                "data_analysis": 1, "agent": 1, "reasoning": 1}, "ttft_ms": 1,
                "output_tokens_per_s": 1, "zdr": zdr})
        };
        let doc = serde_json::json!({"role": "policy", "models": [
            {"name": "gpt-4o", "cluster": "a", "profile": profile(true)},
            {"name": "gpt-4o-mini", "cluster": "b", "profile": profile(false)},
            {"name": "claude", "cluster": "c"}]});
        Config::parse(doc.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn patterns_allow_exact_prefix_and_any() {
        let c = config();
        let m = |n: &str| c.model(n).unwrap();
        let role = Role::new("r", &["gpt-*".into(), "claude".into()], false);
        assert!(refusal(Some(&role), m("gpt-4o-mini")).is_none());
        assert!(refusal(Some(&role), m("claude")).is_none());
        let narrow = Role::new("n", &["gpt-4o".into()], false);
        assert_eq!(
            refusal(Some(&narrow), m("gpt-4o-mini")),
            Some("not allowed for this key")
        );
        assert!(refusal(None, m("gpt-4o-mini")).is_none());
        let all = Role::new("all", &["*".into()], false);
        assert!(refusal(Some(&all), m("claude")).is_none());
        let nothing = Role::new("none", &[], false);
        assert!(refusal(Some(&nothing), m("claude")).is_some());
    }

    #[test]
    fn zdr_roles_only_get_zdr_models() {
        let c = config();
        let role = Role::new("phi", &["*".into()], true);
        assert!(check(Some(&role), c.model("gpt-4o").unwrap()).is_ok());
        let e = check(Some(&role), c.model("gpt-4o-mini").unwrap()).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (403, "zdr_required"));
        // No profile: ZDR is unknown, so it is not assumed.
        assert!(check(Some(&role), c.model("claude").unwrap()).is_err());
    }

    #[test]
    fn refusals_are_403_naming_the_model() {
        let c = config();
        let role = Role::new("r", &["claude".into()], false);
        let e = check(Some(&role), c.model("gpt-4o").unwrap()).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (403, "model_not_allowed"));
        assert_eq!(e.error_type, "permission_error");
        assert!(e.message.contains("'gpt-4o'"));
        assert!(!e.message.contains("claude"));
    }
}
