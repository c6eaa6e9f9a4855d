//! Command-line interface: parses arguments and calls the library. Exit code 0
//! on success, 1 when a config is invalid or a file cannot be read/written,
//! 2 for usage errors (clap's own).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::catalog;
use crate::check::{self, Kind};
use crate::envoy::{self, Ecds};
use crate::gateway::Gateway;
use crate::istio::{self, IstioOptions};
use crate::keys;
use crate::vars::Vars;

#[derive(Debug, Parser)]
#[command(name = "switchboard", version, about = "Switchboard AI gateway tools")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a plugin config (the filter's JSON) or a gateway file; every
    /// problem names the path of its field.
    Check {
        file: PathBuf,
        /// Fill a `${name}` placeholder of a gateway file.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
    },
    /// Generate the Envoy bootstrap and the ECDS plugin-config files. Re-running
    /// it on a changed gateway file hot-reloads the plugin configs.
    Envoy {
        file: PathBuf,
        /// Bootstrap output file (stdout when omitted).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Directory of the ECDS files Envoy watches (default: `ecds/` beside
        /// the output file).
        #[arg(long)]
        ecds_dir: Option<PathBuf>,
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
    },
    /// Generate Istio manifests (EnvoyFilter, ServiceEntry, DestinationRule).
    Istio {
        file: PathBuf,
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, default_value = "istio-system")]
        namespace: String,
        /// Workload labels of the gateway pods (`key=value`, repeatable).
        #[arg(long = "selector", value_name = "KEY=VALUE", default_values_t = ["istio=ingressgateway".to_owned()])]
        selector: Vec<String>,
        /// Path of switchboard.wasm inside the proxy container.
        #[arg(long, default_value = istio::DEFAULT_WASM_FILE)]
        wasm_file: String,
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
    },
    /// Virtual keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The model catalog (prices, limits, capabilities) built from facts.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Build the catalog from the facts folder and write it.
    Build {
        /// Folder of `<provider>.json` facts files.
        #[arg(long, default_value = "crates/core/data/catalog/facts")]
        facts: PathBuf,
        #[arg(short, long, default_value = "crates/core/data/catalog/catalog.json")]
        output: PathBuf,
    },
    /// Fail when the stored catalog is not what the facts build.
    Check {
        #[arg(long, default_value = "crates/core/data/catalog/facts")]
        facts: PathBuf,
        #[arg(long, default_value = "crates/core/data/catalog/catalog.json")]
        catalog: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a new random key; prints it once, with its gateway-file entry.
    New {
        #[arg(long)]
        id: String,
        #[arg(long)]
        team: Option<String>,
    },
    /// Print the SHA-256 hex digest of a key (`-` reads it from stdin).
    Hash { key: String },
}

/// Parses the process arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problems) => {
            for p in problems {
                eprintln!("error: {p}");
            }
            ExitCode::FAILURE
        }
    }
}

fn read(path: &Path) -> Result<String, Vec<String>> {
    std::fs::read_to_string(path).map_err(|e| vec![format!("{}: {e}", path.display())])
}

fn vars(set: &[String]) -> Result<Vars, Vec<String>> {
    Vars::from_pairs(set).map_err(|e| vec![e])
}

fn load_gateway(file: &Path, set: &[String]) -> Result<Gateway, Vec<String>> {
    let text = read(file)?;
    let vars = vars(set)?;
    if let Ok((_, unused)) = vars.substitute(&text) {
        for name in unused {
            eprintln!(
                "warning: --set {name}: no ${{{name}}} in {}",
                file.display()
            );
        }
    }
    Gateway::load(&text, &vars).map_err(|problems| prefixed(file, problems))
}

fn prefixed(file: &Path, problems: Vec<String>) -> Vec<String> {
    problems
        .into_iter()
        .map(|p| format!("{}: {p}", file.display()))
        .collect()
}

fn write_output(output: Option<&Path>, text: &str) -> Result<(), Vec<String>> {
    match output {
        Some(path) => envoy::write_atomically(path, text)
            .map_err(|e| vec![format!("cannot write {}: {e}", path.display())]),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

pub fn run(command: Command) -> Result<(), Vec<String>> {
    match command {
        Command::Check { file, set } => {
            let text = read(&file)?;
            let (kind, result) = check::check(&text, &vars(&set)?);
            result.map_err(|problems| prefixed(&file, problems))?;
            let what = match kind {
                Kind::PluginConfig => "plugin config",
                Kind::GatewayFile => "gateway file",
            };
            println!("{}: valid {what}", file.display());
            Ok(())
        }
        Command::Envoy {
            file,
            output,
            ecds_dir,
            set,
        } => {
            let gateway = load_gateway(&file, &set)?;
            let dir = match (&ecds_dir, &output) {
                (Some(dir), _) => dir.clone(),
                (None, Some(out)) => out.parent().unwrap_or(Path::new(".")).join("ecds"),
                (None, None) => {
                    return Err(vec![
                        "--ecds-dir is needed when the bootstrap goes to stdout".to_owned(),
                    ])
                }
            };
            let ecds = Ecds::new(&dir).map_err(|e| vec![format!("{}: {e}", dir.display())])?;
            let source = file.display().to_string();
            let generated = envoy::generate(&gateway, &ecds)?;
            let yaml = envoy::to_yaml(&generated.bootstrap, &source).map_err(|e| vec![e])?;
            let written = envoy::write_ecds(&generated, &ecds, &source).map_err(|e| vec![e])?;
            if let Some(out) = &output {
                if envoy::bootstrap_changed(out, &yaml) {
                    eprintln!(
                        "note: {} changed; listener/cluster changes need an Envoy restart (plugin configs reload live)",
                        out.display()
                    );
                }
            }
            write_output(output.as_deref(), &yaml)?;
            for path in written {
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }
        Command::Istio {
            file,
            output,
            namespace,
            selector,
            wasm_file,
            set,
        } => {
            let gateway = load_gateway(&file, &set)?;
            let options =
                IstioOptions::new(namespace, &selector, wasm_file).map_err(|e| vec![e])?;
            let docs = istio::generate(&gateway, &options)?;
            let text =
                istio::to_yaml_stream(&docs, &file.display().to_string()).map_err(|e| vec![e])?;
            write_output(output.as_deref(), &text)
        }
        Command::Catalog { command } => match command {
            CatalogCommand::Build { facts, output } => {
                let built = catalog::build(&facts).map_err(|e| vec![e])?;
                envoy::write_atomically(&output, &String::from_utf8_lossy(&built.to_json()))
                    .map_err(|e| vec![format!("cannot write {}: {e}", output.display())])?;
                print!("{}", catalog::summary(&built));
                println!("wrote {}", output.display());
                Ok(())
            }
            CatalogCommand::Check {
                facts,
                catalog: stored,
            } => {
                let built = catalog::build(&facts).map_err(|e| vec![e])?;
                let current = std::fs::read(&stored)
                    .map_err(|e| vec![format!("{}: {e}", stored.display())])?;
                if current != built.to_json() {
                    return Err(vec![format!(
                        "{} is stale: run `switchboard catalog build`",
                        stored.display()
                    )]);
                }
                print!("{}", catalog::summary(&built));
                println!("{} is up to date", stored.display());
                Ok(())
            }
        },
        Command::Keys { command } => match command {
            KeysCommand::New { id, team } => {
                let key = keys::new_key().map_err(|e| vec![e])?;
                println!("key (shown once, give it to the client): {key}");
                println!("gateway file entry (under keys:):");
                println!("  {}", keys::entry(&id, team.as_deref(), &key));
                Ok(())
            }
            KeysCommand::Hash { key } => {
                let key = if key == "-" {
                    let mut buf = String::new();
                    std::io::stdin()
                        .read_to_string(&mut buf)
                        .map_err(|e| vec![format!("stdin: {e}")])?;
                    buf.trim_end_matches(['\r', '\n']).to_owned()
                } else {
                    key
                };
                println!("{}", keys::hash(&key));
                Ok(())
            }
        },
    }
}
