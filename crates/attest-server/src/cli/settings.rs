//! `attest settings export|import`: the trust's and its schools' settings as one file.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::startup::{open_app, print_json};

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Print the settings as JSON (format attest-settings/1).
    Export {
        #[arg(long)]
        trust: String,
    },
    /// Apply a settings file: every part is checked first; nothing changes while
    /// anything in it is wrong.
    Import {
        #[arg(long)]
        trust: String,
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(config: Config, command: SettingsCommand) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    match command {
        SettingsCommand::Export { trust } => {
            let operator = app.operator_for(&trust).await?;
            let exported = app.export_settings(&operator).await?;
            println!("{}", serde_json::to_string_pretty(&exported)?);
        }
        SettingsCommand::Import { trust, file, json } => {
            let operator = app.operator_for(&trust).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let imported = app
                .import_settings(&operator, &bytes)
                .await
                .map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?;
            if json {
                print_json(&json!({
                    "parts": imported.parts,
                    "policies": imported.policies,
                    "school_settings": imported.school_settings,
                    "attributes": imported.attributes,
                    "inductions": imported.inductions,
                }));
            } else {
                println!(
                    "imported: {} ({} policies, {} school settings, {} attributes, {} inductions)",
                    imported.parts.join(", "),
                    imported.policies,
                    imported.school_settings,
                    imported.attributes,
                    imported.inductions
                );
            }
        }
    }
    Ok(())
}
