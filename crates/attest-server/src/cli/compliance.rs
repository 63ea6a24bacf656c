//! `attest compliance`: the operator's rebuild and check of the obligations read model.

use attest_app::CheckReport;
use clap::Subcommand;
use serde_json::{Value, json};

use crate::config::Config;
use crate::startup::{open_app, print_json};

#[derive(Subcommand)]
pub enum ComplianceCommand {
    /// Rebuild a trust's obligations model from its records (after a restore, or a bulk
    /// load that went around the application), with its history.
    Rebuild {
        /// The trust's slug.
        #[arg(long)]
        trust: String,
        #[arg(long)]
        json: bool,
    },
    /// Compare the model with a recomputation from the records, for one trust or all.
    /// Exits with status 1 on any difference.
    Check {
        /// The trust's slug (every trust when not given).
        #[arg(long)]
        trust: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(config: Config, command: ComplianceCommand) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    match command {
        ComplianceCommand::Rebuild { trust, json } => {
            let operator = app.operator_for(&trust).await?;
            let started = std::time::Instant::now();
            let progress = super::progress::Progress::spinner(
                &format!("rebuilding the obligations of trust '{trust}'"),
                json,
            );
            let report = app.rebuild_compliance(&operator).await?;
            drop(progress);
            let seconds = started.elapsed().as_secs_f64();
            if json {
                print_json(&json!({
                    "trust": trust, "removed": report.removed, "written": report.written,
                    "seconds": seconds,
                }));
            } else {
                println!(
                    "rebuilt the obligations of trust '{trust}': {} row revision(s) written \
                     ({} removed) in {seconds:.1} s",
                    report.written, report.removed
                );
            }
        }
        ComplianceCommand::Check { trust, json } => {
            let operators = match trust {
                Some(slug) => vec![(slug.clone(), app.operator_for(&slug).await?)],
                None => app.operators_for_all().await?,
            };
            let mut reports = Vec::new();
            let progress = super::progress::Progress::bar(operators.len(), "checking", json);
            for (slug, operator) in operators {
                progress.advance(&format!("checking trust '{slug}'"));
                reports.push((slug, app.check_compliance(&operator).await?));
            }
            let ok = reports
                .iter()
                .all(|(_, report)| report.differences.is_empty());
            if json {
                let trusts: Vec<Value> =
                    reports.iter().map(|(slug, r)| described(slug, r)).collect();
                print_json(&json!({ "ok": ok, "trusts": trusts }));
            } else {
                for (slug, report) in &reports {
                    print_text(slug, report);
                }
            }
            if !ok {
                std::process::exit(1);
            }
        }
    }
    Ok(())
}

fn state_json(state: Option<&attest_domain::obligations::ObligationState>) -> Value {
    state.map_or(Value::Null, |s| {
        json!({
            "kind": s.kind.as_str(), "obligedSince": s.obliged_since, "dueOn": s.due_on,
            "graceDays": s.grace_days, "exemptUntil": s.exempt_until,
            "currentVersion": s.current_number, "lastAcceptance": s.last_acceptance,
            "declinedAt": s.declined_at,
        })
    })
}

fn described(slug: &str, report: &CheckReport) -> Value {
    let differences: Vec<Value> = report
        .differences
        .iter()
        .map(|d| {
            let any = d.kept.as_ref().or(d.expected.as_ref());
            json!({
                "person": any.map(|s| s.person), "policy": any.map(|s| s.policy),
                "school": any.map(|s| s.school),
                "kept": state_json(d.kept.as_ref()), "expected": state_json(d.expected.as_ref()),
            })
        })
        .collect();
    json!({ "trust": slug, "at": report.at, "rows": report.rows, "differences": differences })
}

fn print_text(slug: &str, report: &CheckReport) {
    if report.differences.is_empty() {
        println!(
            "trust '{slug}': the model's {} row(s) agree with a recomputation at {}",
            report.rows,
            report.at.to_rfc3339()
        );
        return;
    }
    println!(
        "trust '{slug}': {} difference(s) among {} row(s); run `attest compliance rebuild --trust {slug}`",
        report.differences.len(),
        report.rows
    );
    for difference in &report.differences {
        let any = difference.kept.as_ref().or(difference.expected.as_ref());
        if let Some(state) = any {
            println!(
                "  person {} policy {} school {}: kept {}, expected {}",
                state.person,
                state.policy,
                state.school,
                state_json(difference.kept.as_ref()),
                state_json(difference.expected.as_ref())
            );
        }
    }
}
