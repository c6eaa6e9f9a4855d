//! Virtual keys and the roles they name, compiled from the plugin config:
//! the digest table the request path looks keys up in, each key carrying its
//! role (shared, so ten thousand keys of one role hold one copy).

use std::sync::Arc;

use hashbrown::HashMap;

use super::raw::{RawKey, RawRole};
use crate::access::Role;
use crate::auth::{KeyDigest, VirtualKey};

/// The key table; every problem found is pushed to `problems` with its path.
pub(super) fn compile(
    raw_roles: &[RawRole],
    raw_keys: Vec<RawKey>,
    problems: &mut Vec<String>,
) -> HashMap<KeyDigest, VirtualKey> {
    let mut roles: HashMap<String, Arc<Role>> = HashMap::new();
    for (i, r) in raw_roles.iter().enumerate() {
        if r.name.is_empty() {
            problems.push(format!("roles[{i}].name: must not be empty"));
        }
        let role = Arc::new(Role::new(&r.name, &r.models, r.require_zdr));
        if roles.insert(r.name.clone(), role).is_some() {
            problems.push(format!("roles[{i}].name: duplicate role '{}'", r.name));
        }
    }
    let mut keys = HashMap::new();
    for (i, k) in raw_keys.into_iter().enumerate() {
        if k.id.is_empty() {
            problems.push(format!("keys[{i}].id: must not be empty"));
        }
        let role = match k.role.as_deref() {
            None => None,
            Some(name) => {
                let found = roles.get(name).cloned();
                if found.is_none() {
                    problems.push(format!("keys[{i}].role: unknown role '{name}'"));
                }
                found
            }
        };
        match KeyDigest::from_hex(&k.sha256) {
            Some(digest) => {
                let id = k.id.clone();
                if keys
                    .insert(
                        digest,
                        VirtualKey {
                            id: k.id,
                            team: k.team,
                            role,
                        },
                    )
                    .is_some()
                {
                    problems.push(format!("keys[{i}].sha256: duplicate of another key ({id})"));
                }
            }
            None => problems.push(format!(
                "keys[{i}].sha256: must be 64 hex characters (the SHA-256 of the key)"
            )),
        }
    }
    keys
}
