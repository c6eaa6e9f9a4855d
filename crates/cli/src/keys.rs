//! Virtual keys: a new random key (shown once) and the SHA-256 hex digest the
//! gateway file stores instead of the key.

use switchboard_core::auth::KeyDigest;

/// Prefix of generated keys, so they are recognisable in a secret scanner.
pub const KEY_PREFIX: &str = "sk-sb-";
/// Random bytes per key (192 bits).
const KEY_BYTES: usize = 24;

/// A new key from the operating system's random source.
pub fn new_key() -> Result<String, String> {
    let mut bytes = [0u8; KEY_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness from the OS: {e}"))?;
    Ok(format!("{KEY_PREFIX}{}", hex::encode(bytes)))
}

/// The lower-case hex SHA-256 the filter compares presented keys against.
pub fn hash(key: &str) -> String {
    KeyDigest::of_key(key).to_hex()
}

/// The gateway-file `keys:` entry for a key.
pub fn entry(id: &str, team: Option<&str>, key: &str) -> String {
    let quote = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
    match team {
        Some(team) => format!(
            "- {{id: {}, team: {}, sha256: {}}}",
            quote(id),
            quote(team),
            hash(key)
        ),
        None => format!("- {{id: {}, sha256: {}}}", quote(id), hash(key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_key_hash_matches_the_documented_digest() {
        assert_eq!(
            hash("sk-switchboard-demo"),
            "b63e455907cf558f3526e7928ae4568399e5c142f3c34dd804152268985719aa"
        );
    }

    #[test]
    fn new_keys_are_random_and_well_formed() {
        let a = new_key().unwrap();
        let b = new_key().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX));
        assert_eq!(a.len(), KEY_PREFIX.len() + 2 * KEY_BYTES);
    }

    #[test]
    fn entry_is_a_valid_yaml_list_item() {
        let line = entry("ci: bot", Some("team \"x\""), "k");
        let parsed: serde_json::Value = serde_norway::from_str(&line).unwrap();
        assert_eq!(parsed[0]["id"], "ci: bot");
        assert_eq!(parsed[0]["team"], "team \"x\"");
        assert_eq!(parsed[0]["sha256"], hash("k"));
    }
}
