//! Regenerates `crates/core/data/catalog/catalog.json` from the facts files.
//!
//! `cargo run -p switchboard-core --example build_catalog` writes the file;
//! `-- --check` only reports whether the stored file is what the facts produce.
//! The file is never hand-edited: change `facts/<provider>.json` and rerun.

use std::error::Error;
use std::path::{Path, PathBuf};

use switchboard_core::catalog::{build_from_files, Catalog};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/catalog")
}

fn main() -> Result<(), Box<dyn Error>> {
    let check = std::env::args().any(|a| a == "--check");
    let dir = data_dir();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir.join("facts"))? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) == Some("json") {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or("facts file name is not UTF-8")?
                .to_string();
            files.push((format!("facts/{name}"), std::fs::read(&path)?));
        }
    }
    files.sort();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(l, b)| (l.as_str(), b.as_slice()))
        .collect();
    let catalog = Catalog::from_doc(build_from_files(&refs)?)?;
    let json = catalog.to_json();

    for p in catalog.providers() {
        let models: Vec<_> = catalog
            .models()
            .iter()
            .filter(|m| m.provider == p.provider)
            .collect();
        let sourced = models.iter().filter(|m| m.is_sourced()).count();
        println!(
            "{:<10} {:>3} models ({sourced} sourced), facts as of {}",
            p.provider,
            models.len(),
            p.as_of
        );
    }
    let sourced = catalog.models().iter().filter(|m| m.is_sourced()).count();
    println!(
        "total {} models, {sourced} sourced, {} providers, {} bytes",
        catalog.len(),
        catalog.providers().len(),
        json.len()
    );

    let out = dir.join("catalog.json");
    if check {
        if std::fs::read(&out)? != json {
            return Err("catalog.json is stale: run the example without --check".into());
        }
        println!("{} is up to date", out.display());
    } else {
        std::fs::write(&out, &json)?;
        println!("wrote {}", out.display());
    }
    Ok(())
}
