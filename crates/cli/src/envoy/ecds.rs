//! ECDS (extension config discovery) from files: the plugin configs live in
//! their own files, which Envoy watches and reloads without a restart.
//!
//! Each filter gets its own watched directory, so replacing one file never
//! re-triggers the other's subscription. Envoy reloads on a *move into* the
//! watched directory, so files are replaced by write-to-temp + rename
//! ([`write_atomically`]).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::plugin::WASM_TYPE;

const TYPED_EXTENSION_CONFIG: &str =
    "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig";

/// Where the ECDS files of one generated config live (absolute paths: Envoy
/// resolves relative ones against its own working directory).
#[derive(Debug, Clone)]
pub struct Ecds {
    dir: PathBuf,
}

impl Ecds {
    pub fn new(dir: &Path) -> std::io::Result<Self> {
        Ok(Self {
            dir: std::path::absolute(dir)?,
        })
    }

    pub fn policy_path(&self) -> PathBuf {
        self.dir.join("policy").join("ecds.yaml")
    }

    pub fn translate_path(&self) -> PathBuf {
        self.dir.join("translate").join("ecds.yaml")
    }

    /// An HTTP filter entry whose config comes from the ECDS file at `path`.
    pub fn filter_reference(&self, name: &str, path: &Path) -> Value {
        let watched = path.parent().unwrap_or(&self.dir);
        json!({
            "name": name,
            "config_discovery": {
                "config_source": {
                    "path_config_source": {
                        "path": path.display().to_string(),
                        "watched_directory": {"path": watched.display().to_string()},
                    },
                    "resource_api_version": "V3",
                },
                "type_urls": [WASM_TYPE],
            },
        })
    }
}

/// The ECDS file's content: a discovery response with one resource, whose
/// `version_info` is a digest of the resource (visible in the
/// `extension_config_discovery.*.version_text` stat once applied).
pub fn discovery_response(name: &str, wasm_filter: &Value) -> Value {
    let resource = json!({
        "@type": TYPED_EXTENSION_CONFIG,
        "name": name,
        "typed_config": wasm_filter,
    });
    json!({
        "version_info": version_of(&resource),
        "resources": [resource],
    })
}

pub fn version_of(value: &Value) -> String {
    let digest = Sha256::digest(value.to_string().as_bytes());
    hex::encode(digest.get(..8).unwrap_or(&[]))
}

/// Replaces `path` by writing a sibling temp file and renaming it over
/// `path`: readers (Envoy) see the old or the new file, never half of one,
/// and the rename is the move event a watched directory reacts to.
pub fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let mut file = fs::File::create(&tmp)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, path)
}
