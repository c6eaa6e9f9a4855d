//! Virtual API keys: clients present `Authorization: Bearer <key>`; the config
//! holds only SHA-256 digests of keys.
//!
//! Why hashing makes the lookup safe: the table is indexed by the digest of the
//! presented key, so any timing difference in the lookup depends on a SHA-256
//! output an attacker cannot steer toward a stored digest. The final equality is
//! still checked in constant time (`subtle`), so no byte-by-byte early exit
//! exists anywhere on the path. The key itself is never stored, logged or
//! forwarded; only the key's configured `id` travels on (usage records, logs).

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::Config;
use crate::error::GatewayError;

/// Longest key we hash; longer headers are refused before any work.
const MAX_KEY_LEN: usize = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyDigest([u8; 32]);

impl KeyDigest {
    pub fn of_key(key: &str) -> Self {
        Self(Sha256::digest(key.as_bytes()).into())
    }

    pub fn from_hex(hex_digest: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex_digest.trim(), &mut out).ok()?;
        Some(Self(out))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// What a valid key identifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualKey {
    pub id: String,
    pub team: Option<String>,
    /// What the key may use; `None`: every model.
    pub role: Option<std::sync::Arc<crate::access::Role>>,
}

/// The key from an `Authorization` header value, if it is a bearer token.
fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty() && token.len() <= MAX_KEY_LEN).then_some(token)
}

/// Authenticate a request from its `Authorization` header.
pub fn authenticate<'c>(
    config: &'c Config,
    authorization: Option<&str>,
) -> Result<&'c VirtualKey, GatewayError> {
    let token = authorization
        .and_then(bearer_token)
        .ok_or_else(GatewayError::invalid_api_key)?;
    let presented = KeyDigest::of_key(token);
    match config.key(&presented) {
        Some((stored, key)) if bool::from(stored.0.ct_eq(&presented.0)) => Ok(key),
        _ => Err(GatewayError::invalid_api_key()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with(key: &str) -> Config {
        let json = format!(
            r#"{{"role":"policy","keys":[{{"id":"k1","sha256":"{}","team":"red"}}],
               "models":[{{"name":"m","cluster":"c"}}]}}"#,
            KeyDigest::of_key(key).to_hex()
        );
        Config::parse(json.as_bytes()).unwrap()
    }

    #[test]
    fn digest_of_known_key_matches_sha256() {
        // printf %s sk-switchboard-demo | sha256sum
        assert_eq!(
            KeyDigest::of_key("sk-switchboard-demo").to_hex(),
            "b63e455907cf558f3526e7928ae4568399e5c142f3c34dd804152268985719aa"
        );
    }

    #[test]
    fn accepts_the_right_key_and_returns_its_identity() {
        let c = config_with("sk-right");
        let k = authenticate(&c, Some("Bearer sk-right")).unwrap();
        assert_eq!(k.id, "k1");
        assert_eq!(k.team.as_deref(), Some("red"));
        assert!(authenticate(&c, Some("bearer   sk-right ")).is_ok());
    }

    #[test]
    fn refuses_wrong_missing_and_malformed_keys_alike() {
        let c = config_with("sk-right");
        for header in [
            None,
            Some(""),
            Some("Bearer"),
            Some("Bearer "),
            Some("Basic sk-right"),
            Some("sk-right"),
            Some("Bearer sk-wrong"),
            Some("Bearer sk-righ"),
        ] {
            let e = authenticate(&c, header).unwrap_err();
            assert_eq!(
                (e.status, e.code.as_str()),
                (401, "invalid_api_key"),
                "{header:?}"
            );
        }
        let huge = format!("Bearer {}", "x".repeat(10_000));
        assert_eq!(authenticate(&c, Some(&huge)).unwrap_err().status, 401);
    }

    #[test]
    fn hex_parsing_is_strict() {
        assert!(KeyDigest::from_hex("zz").is_none());
        assert!(KeyDigest::from_hex(&"a".repeat(63)).is_none());
        assert!(KeyDigest::from_hex(&"A".repeat(64)).is_some());
    }
}
