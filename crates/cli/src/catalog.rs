//! `switchboard catalog build|check`: produce the shipped model catalog from
//! the dated, hand-curated provider facts (`crates/core/data/catalog/facts/`).
//!
//! The catalog file is never hand-edited: change a facts file and rebuild.
//! `check` fails when the stored catalog is not what the facts produce.

use std::path::Path;

use switchboard_core::catalog::{build_from_files, Catalog};

/// Builds the catalog from every `*.json` in `facts_dir`, in name order.
pub fn build(facts_dir: &Path) -> Result<Catalog, String> {
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(facts_dir).map_err(|e| format!("{}: {e}", facts_dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("{}: file name is not UTF-8", path.display()))?
            .to_owned();
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push((format!("facts/{name}"), bytes));
    }
    files.sort();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(label, bytes)| (label.as_str(), bytes.as_slice()))
        .collect();
    let doc = build_from_files(&refs).map_err(|e| e.to_string())?;
    Catalog::from_doc(doc).map_err(|e| e.to_string())
}

/// One line per provider and a total, for the operator.
pub fn summary(catalog: &Catalog) -> String {
    let mut out = String::new();
    for p in catalog.providers() {
        let models: Vec<_> = catalog
            .models()
            .iter()
            .filter(|m| m.provider == p.provider)
            .collect();
        let sourced = models.iter().filter(|m| m.is_sourced()).count();
        out.push_str(&format!(
            "{:<10} {:>3} models ({sourced} sourced), facts as of {}\n",
            p.provider,
            models.len(),
            p.as_of
        ));
    }
    let sourced = catalog.models().iter().filter(|m| m.is_sourced()).count();
    out.push_str(&format!(
        "total {} models, {sourced} sourced, {} providers\n",
        catalog.len(),
        catalog.providers().len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/data/catalog")
    }

    #[test]
    fn the_shipped_catalog_is_what_the_facts_build() {
        let built = build(&data().join("facts")).unwrap();
        let stored = std::fs::read(data().join("catalog.json")).unwrap();
        assert!(built.to_json() == stored, "catalog.json is stale");
        assert!(summary(&built).contains("total "));
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let err = build(Path::new("/nonexistent/facts")).unwrap_err();
        assert!(err.contains("/nonexistent/facts"), "{err}");
    }
}
