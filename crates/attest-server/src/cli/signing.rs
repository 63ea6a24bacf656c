//! `attest acceptance verify …` and `attest report compliance …`: evidence checks and
//! reports at the server's own command line (the operator of one trust).

use anyhow::{Context as _, bail};
use attest_app::{ComplianceFilter, HeadSeal, status_key};
use attest_domain::{AcceptanceId, ComplianceStatus, SchoolId};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::startup::open_app;

#[derive(Subcommand)]
pub enum AcceptanceCommand {
    /// Check signatures: re-render the signed text and check its hash and the row's
    /// hash (one acceptance), or walk the trust's whole hash chain (--all). Exits with
    /// status 1 when anything does not verify.
    Verify {
        /// The acceptance to check.
        id: Option<AcceptanceId>,
        /// Walk the whole chain of the trust, re-rendering every signed text.
        #[arg(long, conflicts_with = "id")]
        all: bool,
        /// The trust's slug.
        #[arg(long)]
        trust: String,
        #[arg(long)]
        json: bool,
    },
    /// What a reader must do before the sign button works: open the text for at least
    /// --min-seconds (0: none; at most 1800) and/or reach its end (--to-end on|off).
    /// No flag: show the rule.
    ReadingRule {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        min_seconds: Option<u32>,
        #[arg(long, value_parser = ["on", "off"])]
        to_end: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Who has signed what: one row per person × policy × school.
    Compliance {
        /// The trust's slug.
        #[arg(long)]
        trust: String,
        /// Only this school.
        #[arg(long)]
        school: Option<SchoolId>,
        /// The position at another instant (RFC 3339, e.g. 2026-09-30T17:00:00Z).
        #[arg(long)]
        as_of: Option<DateTime<Utc>>,
        /// Print CSV (the same as GET /exports/compliance.csv).
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The inspector's view of one school: each member of staff with the day each
    /// obligation (KCSIE read, safeguarding training, online safety, the AUP…) was last
    /// met, and who is out of date.
    Obligations {
        #[arg(long)]
        trust: String,
        /// The school (its slug, URN or id).
        #[arg(long)]
        school: String,
        #[arg(long)]
        as_of: Option<DateTime<Utc>>,
        /// Print CSV (the same as GET /exports/schools/{id}/obligations.csv).
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        #[arg(long)]
        json: bool,
    },
}

pub async fn acceptance(config: Config, command: AcceptanceCommand) -> anyhow::Result<()> {
    let (id, all, trust, json) = match command {
        AcceptanceCommand::Verify {
            id,
            all,
            trust,
            json,
        } => (id, all, trust, json),
        AcceptanceCommand::ReadingRule {
            trust,
            min_seconds,
            to_end,
            json,
        } => return reading_rule(config, &trust, (min_seconds, to_end), json).await,
    };
    let app = open_app(&config).await?;
    let operator = app.operator_for(&trust).await?;
    match (id, all) {
        (Some(id), false) => {
            let check = app
                .verify_acceptance(&operator, id)
                .await
                .with_context(|| format!("cannot check acceptance {id}"))?;
            if json {
                println!("{}", json!({ "ok": check.ok(), "check": check }));
            } else {
                println!(
                    "acceptance {id} (chain row {}): text {}, row {}",
                    check.seq,
                    if check.text_matches {
                        "matches its hash"
                    } else {
                        "DOES NOT match its hash"
                    },
                    if check.row_intact {
                        "intact"
                    } else {
                        "ALTERED"
                    }
                );
                if !check.text_matches {
                    println!(
                        "  stored hash   {}\n  rendered hash {}",
                        check.stored_content_hash, check.rendered_content_hash
                    );
                }
            }
            if !check.ok() {
                std::process::exit(1);
            }
        }
        (None, true) => {
            let report = app.verify_chain(&operator).await?;
            if json {
                println!("{}", json!({ "ok": report.ok(), "report": report }));
            } else {
                println!(
                    "checked {} acceptance(s) of trust '{trust}' (chain head at row {})",
                    report.rows, report.head_seq
                );
                for problem in &report.breaks {
                    println!("  chain: {problem}");
                }
                for mismatch in &report.text_mismatches {
                    println!(
                        "  text: acceptance {} (row {}) no longer renders to its signed hash",
                        mismatch.acceptance, mismatch.seq
                    );
                }
                print_seals(&report);
                if report.ok() {
                    println!("every link, every signed text and every signature verifies");
                }
            }
            if !report.ok() {
                std::process::exit(1);
            }
        }
        _ => bail!("give an acceptance id, or --all for the whole chain"),
    }
    Ok(())
}

async fn reading_rule(
    config: Config,
    trust: &str,
    (min_seconds, to_end): (Option<u32>, Option<String>),
    json: bool,
) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    let operator = app.operator_for(trust).await?;
    let mut rule = app.signing_reading_rule(&operator).await?;
    if min_seconds.is_some() || to_end.is_some() {
        if let Some(seconds) = min_seconds {
            rule.min_seconds = seconds;
        }
        if let Some(to_end) = to_end {
            rule.to_end = to_end == "on";
        }
        rule = app.set_reading_rule(&operator, rule).await?;
    }
    if json {
        println!(
            "{}",
            json!({ "minSeconds": rule.min_seconds, "toEnd": rule.to_end })
        );
    } else {
        println!(
            "before signing: at least {} s with the text open; {}",
            rule.min_seconds,
            if rule.to_end {
                "read to its end"
            } else {
                "reaching the end not required"
            }
        );
    }
    Ok(())
}

fn print_seals(report: &attest_app::ChainReport) {
    println!(
        "  rows with sealed evidence (format 2): {}; personal fields erased: {}",
        report.sealed_rows, report.erased_rows
    );
    match &report.seals.head {
        HeadSeal::Valid { key_id, signed_at } => println!(
            "  head: signed by key {key_id} at {}",
            signed_at.to_rfc3339()
        ),
        HeadSeal::Unsigned => println!("  head: not signed (written before signing began)"),
        HeadSeal::Invalid { problem } => println!("  head: SIGNATURE FAILS: {problem}"),
    }
    for anchor in &report.seals.anchors {
        match &anchor.problem {
            None => println!(
                "  anchor {} (row {}, key {}): holds{}",
                anchor.anchored_at.to_rfc3339(),
                anchor.seq,
                anchor.key_id,
                match (&anchor.timestamp_time, &anchor.timestamp_authority) {
                    (Some(at), Some(authority)) =>
                        format!("; timestamped {} by {authority}", at.to_rfc3339()),
                    _ => String::new(),
                }
            ),
            Some(problem) => println!(
                "  anchor {} (row {}): FAILS: {problem}",
                anchor.anchored_at.to_rfc3339(),
                anchor.seq
            ),
        }
    }
    println!("  {}", report.seals.exposure);
}

pub async fn report(config: Config, command: ReportCommand) -> anyhow::Result<()> {
    let (trust, school, as_of, csv, json) = match command {
        ReportCommand::Compliance {
            trust,
            school,
            as_of,
            csv,
            json,
        } => (trust, school, as_of, csv, json),
        ReportCommand::Obligations {
            trust,
            school,
            as_of,
            csv,
            json,
        } => {
            return super::obligations_report::run(config, (&trust, &school), as_of, (csv, json))
                .await;
        }
    };
    let app = open_app(&config).await?;
    let operator = app.operator_for(&trust).await?;
    if csv {
        let filter = ComplianceFilter {
            school,
            as_of,
            ..ComplianceFilter::default()
        };
        print!("{}", app.compliance_csv(&operator, filter).await?);
        return Ok(());
    }
    let summary = app.compliance_summary(&operator, school, as_of).await?;
    let names: std::collections::HashMap<SchoolId, String> = app
        .schools(&operator)
        .await?
        .into_iter()
        .map(|school| (school.id, school.name.as_str().to_owned()))
        .collect();
    let tally_json = |tally: &attest_app::Tally| {
        json!({
            "total": tally.total(),
            "by_status": tally.by_status,
            "percent": ComplianceStatus::ALL.iter().map(|s| (status_key(*s), tally.percent(*s))).collect::<std::collections::BTreeMap<_, _>>(),
            "by_kind": tally.by_kind.iter().map(|(kind, counts)| (kind.as_str(), counts)).collect::<std::collections::BTreeMap<_, _>>(),
        })
    };
    if json {
        println!(
            "{}",
            json!({
                "as_of": summary.as_of,
                "overall": tally_json(&summary.overall),
                "schools": summary.schools.iter().map(|(id, tally)| json!({
                    "school_id": id,
                    "school": names.get(id),
                    "tally": tally_json(tally),
                })).collect::<Vec<_>>(),
            })
        );
        return Ok(());
    }
    let line = |name: &str, tally: &attest_app::Tally| {
        println!(
            "{name:<40} {:>6} {:>6.1}% {:>6} {:>6} {:>6}",
            tally.total(),
            tally.percent(ComplianceStatus::Compliant),
            tally.count(ComplianceStatus::Due),
            tally.count(ComplianceStatus::Overdue),
            tally.count(ComplianceStatus::Exempt),
        );
    };
    println!("compliance as of {}", summary.as_of.to_rfc3339());
    println!(
        "{:<40} {:>6} {:>7} {:>6} {:>6} {:>6}",
        "school", "owed", "signed", "due", "overdue", "exempt"
    );
    for (id, tally) in &summary.schools {
        line(names.get(id).map_or("?", String::as_str), tally);
    }
    line("whole trust (each person × policy once)", &summary.overall);
    Ok(())
}
