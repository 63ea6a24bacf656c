//! Directory sync from the command line: connect, rules, plan, apply, runs.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use attest_app::SyncTrigger;
use attest_domain::{DirectoryInput, SyncRulesInput};
use clap::Subcommand;
use serde_json::{Value, json};

use super::sync_output::{connection_json, print_plan, run_json};
use crate::config::Config;
use crate::startup::{open_app, print_json};

// Parsed once per process: the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum SyncCommand {
    /// Connect the trust's Entra ID tenant or Google Workspace. The secret is read from a
    /// file or ATTEST_DIRECTORY_SECRET, never from the command line.
    Connect {
        #[arg(long)]
        trust: String,
        /// microsoft, google, or scim (pushed to /scim/v2: no secret).
        #[arg(long)]
        kind: String,
        /// Microsoft: the trust's tenant id; scim: the Entra tenant whose object ids arrive as externalId.
        #[arg(long)]
        tenant_id: Option<String>,
        /// Microsoft: the app registration's client id.
        #[arg(long)]
        client_id: Option<String>,
        /// Microsoft: a file holding the client secret.
        #[arg(long, value_name = "FILE")]
        secret_file: Option<PathBuf>,
        /// Google: the service account's JSON key file (its client_email and private_key).
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
        /// Google: the Workspace admin the service account acts as.
        #[arg(long)]
        admin_subject: Option<String>,
        /// Google: the customer id (my_customer unless told).
        #[arg(long)]
        customer: Option<String>,
        /// Share of a school's people a sync may mark as left unconfirmed (default 0.1).
        #[arg(long)]
        max_leaver_share: Option<f64>,
        #[arg(long, hide = true)]
        api_base: Option<String>,
        #[arg(long, hide = true)]
        token_url: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show the connection and its mapping rules, or set the rules from a JSON file
    /// (`{"schools": [{"field": "department", "value": "North Primary", "target": "north"}],
    /// "kinds": [...], "defaultKind": "support", "ignore": [...]}`).
    Rules {
        #[arg(long)]
        trust: String,
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Read the directory and show what a sync would do; nothing changes.
    Plan {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        json: bool,
    },
    /// Apply a plan (a fresh one unless --plan names one) in one transaction.
    Apply {
        #[arg(long)]
        trust: String,
        #[arg(long, value_name = "ID")]
        plan: Option<uuid::Uuid>,
        /// Apply even though it marks more than the allowed share of a school as left.
        #[arg(long)]
        confirm_leavers: bool,
        #[arg(long)]
        json: bool,
    },
    /// Recent sync runs.
    Runs {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        json: bool,
    },
}

fn read_secret(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// A Google service account key file: the fields a connection needs from it.
fn service_account_key(path: &Path) -> anyhow::Result<(String, String)> {
    let text = read_secret(path)?;
    let key: Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a service account JSON key file", path.display()))?;
    let field = |name: &str| {
        key.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .with_context(|| format!("{}: the key file has no \"{name}\"", path.display()))
    };
    Ok((field("client_email")?, field("private_key")?))
}

pub async fn run(config: Config, command: SyncCommand) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    match command {
        SyncCommand::Connect {
            trust,
            kind,
            tenant_id,
            client_id,
            secret_file,
            key_file,
            admin_subject,
            customer,
            max_leaver_share,
            api_base,
            token_url,
            json,
        } => {
            let (service_account, secret) = match (&key_file, &secret_file) {
                (Some(path), _) => {
                    let (email, key) = service_account_key(path)?;
                    (Some(email), key)
                }
                (None, Some(path)) => (None, read_secret(path)?),
                (None, None) if kind.trim() == "scim" => (None, String::new()),
                (None, None) => (
                    None,
                    std::env::var("ATTEST_DIRECTORY_SECRET").context(
                        "give the secret with --secret-file FILE (Microsoft), --key-file FILE (Google) or ATTEST_DIRECTORY_SECRET",
                    )?,
                ),
            };
            let operator = app.operator_for(&trust).await?;
            let view = app
                .connect_directory(
                    &operator,
                    DirectoryInput {
                        kind,
                        tenant_id,
                        client_id,
                        service_account,
                        admin_subject,
                        customer,
                        api_base,
                        token_url,
                        max_leaver_share,
                    },
                    &secret,
                )
                .await?;
            if json {
                print_json(&connection_json(&view));
            } else {
                println!(
                    "connected {} for {trust}; next: attest sync rules --trust {trust} --file rules.json",
                    view.settings.kind
                );
            }
        }
        SyncCommand::Rules { trust, file, json } => {
            let operator = app.operator_for(&trust).await?;
            let view = match file {
                Some(path) => {
                    let raw = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    let rules: SyncRulesInput = serde_json::from_str(&raw)
                        .with_context(|| format!("{}: these are not sync rules", path.display()))?;
                    app.set_sync_rules(&operator, rules)
                        .await
                        .with_context(|| format!("{}", path.display()))?
                }
                None => app
                    .directory_connection(&operator)
                    .await?
                    .context("this trust has no directory connected")?,
            };
            if json {
                print_json(&connection_json(&view));
            } else {
                println!(
                    "{} directory, {} accounts as last applied{}",
                    view.settings.kind,
                    view.accounts_known,
                    view.last_applied_at
                        .map(|at| format!(" ({at})"))
                        .unwrap_or_default()
                );
                println!(
                    "{}",
                    serde_json::to_string_pretty(&view.rules).unwrap_or_default()
                );
            }
        }
        SyncCommand::Plan { trust, json } => {
            let operator = app.operator_for(&trust).await?;
            let run = app.plan_directory_sync(&operator, SyncTrigger::Cli).await?;
            if json {
                print_json(&run_json(&run));
            } else {
                print_plan(&run);
                println!(
                    "apply it with: attest sync apply --trust {trust} --plan {}",
                    run.row.id
                );
            }
        }
        SyncCommand::Apply {
            trust,
            plan,
            confirm_leavers,
            json,
        } => {
            let operator = app.operator_for(&trust).await?;
            let progress = super::progress::Progress::spinner(
                &format!("syncing trust '{trust}' with its directory"),
                json,
            );
            let id = match plan {
                Some(id) => id,
                None => {
                    app.plan_directory_sync(&operator, SyncTrigger::Cli)
                        .await?
                        .row
                        .id
                }
            };
            let run = app
                .apply_directory_sync(&operator, id, confirm_leavers)
                .await?;
            drop(progress);
            if json {
                print_json(&run_json(&run));
            } else {
                print_plan(&run);
            }
        }
        SyncCommand::Runs { trust, json } => {
            let operator = app.operator_for(&trust).await?;
            let runs = app.sync_runs(&operator, 20).await?;
            if json {
                print_json(&json!(runs.iter().map(run_json).collect::<Vec<_>>()));
            } else if runs.is_empty() {
                println!("no syncs yet");
            } else {
                for run in runs {
                    println!(
                        "{}  {:<10} {:<8} {}  {}",
                        run.row.id,
                        run.row.status,
                        run.row.trigger,
                        run.row.created_at.format("%Y-%m-%d %H:%M"),
                        run.row.error.unwrap_or_else(|| run.summary.to_string())
                    );
                }
            }
        }
    }
    Ok(())
}
