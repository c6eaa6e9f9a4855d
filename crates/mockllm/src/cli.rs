//! Command-line interface of the `mockllm` binary.

use std::net::SocketAddr;

use clap::Parser;

use crate::bedrock::BedrockAuth;
use crate::state::{AppState, Config};
use crate::vendors::MockVendor;

/// Mock OpenAI, Anthropic and Gemini providers with fault injection, for tests.
#[derive(Debug, Parser)]
#[command(name = "mockllm", version, about)]
pub struct Cli {
    /// Address to listen on; port 0 picks a free port, printed as `LISTENING <ip>:<port>`.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,

    /// Key the OpenAI endpoint requires as `Authorization: Bearer <key>` (unset: any).
    #[arg(long, env = "MOCKLLM_OPENAI_KEY", hide_env_values = true)]
    pub openai_key: Option<String>,

    /// Key the Anthropic endpoint requires in `x-api-key` (unset: any non-empty header).
    #[arg(long, env = "MOCKLLM_ANTHROPIC_KEY", hide_env_values = true)]
    pub anthropic_key: Option<String>,

    /// Key the Gemini endpoint requires in `x-goog-api-key` or `?key=` (unset: any non-empty key).
    #[arg(long, env = "MOCKLLM_GEMINI_KEY", hide_env_values = true)]
    pub gemini_key: Option<String>,

    /// Access key id whose SigV4 signatures the Bedrock endpoint verifies
    /// (with `--bedrock-secret-access-key`; unset: no SigV4 check).
    #[arg(long, env = "MOCKLLM_BEDROCK_ACCESS_KEY_ID", hide_env_values = true)]
    pub bedrock_access_key_id: Option<String>,

    /// Secret of `--bedrock-access-key-id`.
    #[arg(
        long,
        env = "MOCKLLM_BEDROCK_SECRET_ACCESS_KEY",
        hide_env_values = true
    )]
    pub bedrock_secret_access_key: Option<String>,

    /// Bedrock API key accepted as `Authorization: Bearer <key>`.
    #[arg(long, env = "MOCKLLM_BEDROCK_API_KEY", hide_env_values = true)]
    pub bedrock_api_key: Option<String>,

    /// Play this OpenAI-compatible vendor on the chat-completions routes
    /// (its request checks and answer quirks); the key is `--openai-key`.
    #[arg(long, value_enum)]
    pub vendor: Option<MockVendor>,
}

impl Cli {
    pub fn config(&self) -> Config {
        Config {
            openai_key: self.openai_key.clone(),
            anthropic_key: self.anthropic_key.clone(),
        }
    }

    /// The server state these flags describe.
    pub fn state(&self) -> AppState {
        AppState::with_keys(
            self.config(),
            self.gemini_key.clone(),
            BedrockAuth {
                access_key_id: self.bedrock_access_key_id.clone(),
                secret_access_key: self.bedrock_secret_access_key.clone(),
                api_key: self.bedrock_api_key.clone(),
            },
        )
        .with_vendor(self.vendor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags() {
        let cli = Cli::try_parse_from([
            "mockllm",
            "--listen",
            "127.0.0.1:0",
            "--openai-key",
            "sk-o",
            "--anthropic-key",
            "sk-a",
        ])
        .unwrap();
        assert_eq!(cli.listen, "127.0.0.1:0".parse().unwrap());
        let config = cli.config();
        assert_eq!(config.openai_key.as_deref(), Some("sk-o"));
        assert_eq!(config.anthropic_key.as_deref(), Some("sk-a"));
    }

    #[test]
    fn parses_the_gemini_key() {
        let cli = Cli::try_parse_from(["mockllm", "--gemini-key", "g-key"]).unwrap();
        assert_eq!(cli.state().gemini_key(), Some("g-key"));
    }

    #[test]
    fn parses_the_bedrock_credentials() {
        let cli = Cli::try_parse_from([
            "mockllm",
            "--bedrock-access-key-id",
            "AKID",
            "--bedrock-secret-access-key",
            "secret",
            "--bedrock-api-key",
            "br-key",
        ])
        .unwrap();
        let state = cli.state();
        let auth = state.bedrock_auth();
        assert_eq!(auth.access_key_id.as_deref(), Some("AKID"));
        assert_eq!(auth.secret_access_key.as_deref(), Some("secret"));
        assert_eq!(auth.api_key.as_deref(), Some("br-key"));
    }

    #[test]
    fn parses_the_vendor() {
        let cli = Cli::try_parse_from(["mockllm", "--vendor", "mistral"]).unwrap();
        assert_eq!(cli.state().vendor(), Some(MockVendor::Mistral));
        assert!(Cli::try_parse_from(["mockllm", "--vendor", "nope"]).is_err());
    }

    #[test]
    fn rejects_a_bad_address() {
        assert!(Cli::try_parse_from(["mockllm", "--listen", "nowhere"]).is_err());
    }
}
