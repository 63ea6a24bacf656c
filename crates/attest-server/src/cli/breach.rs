//! The breach register from the command line.

use attest_app::BreachFilter;
use attest_domain::{BreachStatus, SchoolId};
use clap::Subcommand;

use crate::config::Config;
use crate::startup::{open_app, print_json};

#[derive(Subcommand)]
pub enum BreachCommand {
    /// The breach register as CSV (every field the ICO's form asks for), oldest first.
    Export {
        /// The trust's slug.
        #[arg(long)]
        trust: String,
        /// Only breaches in this status.
        #[arg(long)]
        status: Option<BreachStatus>,
        /// Only breaches involving this school.
        #[arg(long, value_name = "ID")]
        school: Option<SchoolId>,
        /// Discovered on or after (RFC 3339).
        #[arg(long)]
        from: Option<chrono::DateTime<chrono::Utc>>,
        /// Discovered before (RFC 3339).
        #[arg(long)]
        to: Option<chrono::DateTime<chrono::Utc>>,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
    },
    /// The register as a list: reference, status, deadline.
    List {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        status: Option<BreachStatus>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(config: Config, command: BreachCommand) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    match command {
        BreachCommand::Export {
            trust,
            status,
            school,
            from,
            to,
            output,
        } => {
            let operator = app.operator_for(&trust).await?;
            let filter = BreachFilter {
                status,
                school,
                from,
                to,
                ..BreachFilter::default()
            };
            let csv = app.breach_register_csv(&operator, filter).await?;
            match output {
                Some(path) => {
                    std::fs::write(&path, csv.as_bytes()).map_err(|error| {
                        anyhow::anyhow!("cannot write {}: {error}", path.display())
                    })?;
                    eprintln!("wrote {}", path.display());
                }
                None => print!("{csv}"),
            }
        }
        BreachCommand::List {
            trust,
            status,
            json,
        } => {
            let operator = app.operator_for(&trust).await?;
            let breaches = app
                .breaches(
                    &operator,
                    BreachFilter {
                        status,
                        ..BreachFilter::default()
                    },
                )
                .await?;
            if json {
                print_json(&serde_json::json!(
                    breaches
                        .iter()
                        .map(|view| serde_json::json!({
                            "id": view.breach.id,
                            "reference": view.breach.reference,
                            "status": view.breach.status,
                            "version": view.breach.version,
                            "reported_at": view.breach.reported_at,
                            "aware_at": view.breach.aware_at,
                            "deadline": view.deadline,
                            "overdue": view.overdue,
                        }))
                        .collect::<Vec<_>>()
                ));
            } else if breaches.is_empty() {
                println!("no breaches");
            } else {
                for view in breaches {
                    let deadline = view.deadline.map_or_else(
                        || "awareness not yet confirmed".to_owned(),
                        |deadline| {
                            format!(
                                "ICO deadline {}",
                                deadline
                                    .with_timezone(&attest_domain::LONDON)
                                    .format("%a %-d %b %Y %H:%M %Z")
                            )
                        },
                    );
                    println!(
                        "{}  {:<19} {}{}",
                        view.breach.reference,
                        view.breach.status,
                        deadline,
                        if view.overdue { "  OVERDUE" } else { "" }
                    );
                }
            }
        }
    }
    Ok(())
}
