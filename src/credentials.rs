//! Provider credentials, read once from the VM environment at configure time
//! (`vm_config.environment_variables` lists which host variables reach the
//! VM), so keys never appear in YAML, in logs or in any response.

use std::collections::HashMap;

use switchboard_core::config::{AwsSigning, Config};

pub enum Credential {
    /// Sent in the provider's key header.
    ApiKey(String),
    /// Used to SigV4-sign each request (Bedrock).
    Aws {
        access_key_id: String,
        secret_access_key: String,
        session_token: Option<String>,
    },
}

#[derive(Default)]
pub struct ProviderKeys(HashMap<String, Credential>);

fn env(name: &str, provider: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            log::warn!(
                "provider '{provider}': environment variable {name} is not set (list it in vm_config.environment_variables)"
            );
            None
        }
    }
}

fn aws_credential(aws: &AwsSigning, provider: &str) -> Option<Credential> {
    Some(Credential::Aws {
        access_key_id: env(&aws.access_key_id_env, provider)?,
        secret_access_key: env(&aws.secret_access_key_env, provider)?,
        session_token: match &aws.session_token_env {
            Some(name) => Some(env(name, provider)?),
            None => None,
        },
    })
}

impl ProviderKeys {
    pub fn from_env(config: &Config) -> Self {
        let mut keys = HashMap::new();
        for provider in config.providers() {
            let credential = match &provider.aws {
                Some(aws) => aws_credential(aws, &provider.name),
                None => env(&provider.api_key_env, &provider.name).map(Credential::ApiKey),
            };
            if let Some(c) = credential {
                keys.insert(provider.name.clone(), c);
            }
        }
        Self(keys)
    }

    pub fn get(&self, provider: &str) -> Option<&Credential> {
        self.0.get(provider)
    }
}
