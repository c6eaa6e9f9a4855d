//! Plugin configuration: parse (`raw`), validate and compile (`compiled`).
//!
//! Invariant: a `Config` that exists is valid. The filter compiles it once in
//! `on_configure` and refuses the whole update (keeping the old config) when any
//! field is wrong; every error names the path of the field at fault.

mod compiled;
mod keys;
mod raw;

pub use compiled::{AccountingSettings, AwsSigning, ChainStep, Config, ModelRoute, Provider};
pub use raw::{LogLevel, Role};

use std::fmt;

/// Every problem found in one configuration, each with its JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid switchboard config: {}",
            self.problems.join("; ")
        )
    }
}

impl std::error::Error for ConfigError {}
