//! `attest retention plan|apply|set`: the retention schedule at the command line.

use attest_domain::{Keep, RecordKind};
use clap::Subcommand;

use crate::config::Config;
use crate::startup::open_app;

#[derive(Subcommand)]
pub enum RetentionCommand {
    /// What each rule finds due today, without changing anything.
    Plan {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        json: bool,
    },
    /// Erase, delete and clear what is due now (and audit it).
    Apply {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete the audit entries and closed breach records past their period. They are
    /// append-only to the server, so this runs as the database owner
    /// (ATTEST_MIGRATION_DATABASE_URL when set, else the database URL).
    Purge {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        json: bool,
    },
    /// Set a record kind's period (`--keep P6Y`, or `default`), and/or whether the daily
    /// job applies the schedule (`--automatic on|off`).
    Set {
        #[arg(long)]
        trust: String,
        /// One of: signature_personal_data, signing_views, sessions, email_bodies,
        /// audit_log, breach_records.
        #[arg(long)]
        record: Option<RecordKind>,
        /// An ISO 8601 period (P6Y, P18M, P90D) or `default`.
        #[arg(long, requires = "record")]
        keep: Option<String>,
        #[arg(long, value_parser = ["on", "off"])]
        automatic: Option<String>,
    },
}

pub async fn run(config: Config, command: RetentionCommand) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    let (plan, json) = match command {
        RetentionCommand::Plan { trust, json } => {
            let operator = app.operator_for(&trust).await?;
            (app.retention_plan(&operator).await?, json)
        }
        RetentionCommand::Apply { trust, json } => {
            let operator = app.operator_for(&trust).await?;
            (app.apply_retention(&operator).await?, json)
        }
        RetentionCommand::Purge { trust, json } => {
            let operator = app.operator_for(&trust).await?;
            let owner_url = config
                .migration_database_url
                .clone()
                .unwrap_or_else(|| config.database_url.clone());
            let owner = attest_app::bootstrap::connect(&owner_url, 1).await?;
            let purged = app.purge_retention(&operator, &owner).await?;
            owner.close().await?;
            if json {
                println!("{}", serde_json::to_string(&purged)?);
            } else {
                println!(
                    "purged {} audit entries and {} closed breach records past their periods",
                    purged.audit_entries, purged.breaches
                );
            }
            return Ok(());
        }
        RetentionCommand::Set {
            trust,
            record,
            keep,
            automatic,
        } => {
            let operator = app.operator_for(&trust).await?;
            let period = match (record, keep.as_deref()) {
                (Some(record), Some("default")) => Some((record, None)),
                (Some(record), Some(raw)) => Some((record, Some(raw.parse::<Keep>()?))),
                (Some(_), None) => {
                    anyhow::bail!("give --keep with --record (a period, or default)")
                }
                (None, _) => None,
            };
            app.set_retention(&operator, period, automatic.map(|on| on == "on"))
                .await?;
            (app.retention_plan(&operator).await?, false)
        }
    };
    if json {
        println!("{}", serde_json::to_string(&plan)?);
        return Ok(());
    }
    println!(
        "{} (the daily job {} it)",
        if plan.applied {
            "applied"
        } else {
            "plan for today"
        },
        if plan.automatic {
            "applies"
        } else {
            "does not apply"
        }
    );
    for item in &plan.items {
        println!(
            "{:<24} keep {:<6}{} from {}: {} {}{}",
            item.record.as_str(),
            item.keep.to_string(),
            if item.set_by_trust {
                " (trust's)"
            } else {
                " (default)"
            },
            item.counted_from,
            item.due,
            match (item.disposal, plan.applied) {
                (attest_domain::Disposal::OwnerPurge, _) =>
                    "due, for the database owner to archive and purge",
                (_, true) => "done",
                (_, false) => "due",
            },
            if item.held > 0 {
                format!(
                    "; {} kept (signed before commitments: in the chain itself)",
                    item.held
                )
            } else {
                String::new()
            }
        );
    }
    Ok(())
}
