//! `attest policy import`: many AUP files into a trust as drafts, one policy per file,
//! with progress on a terminal. A file that cannot be read or parsed is reported by name
//! and the rest go on; nothing is published.

use std::path::PathBuf;

use attest_app::ImportPolicy;
use attest_domain::PolicyKind;
use clap::Args;
use serde_json::{Value, json};

use super::progress::Progress;
use crate::config::Config;
use crate::startup::{open_app, print_json};

#[derive(Args)]
pub struct ImportArgs {
    #[arg(long)]
    trust: String,
    /// The school the policies are for (its slug, URN or id).
    #[arg(long, conflicts_with = "kind")]
    school: Option<String>,
    /// For the trust's own policies instead: trust_locked (schools sign it as it is) or
    /// trust_template (schools adopt and fill it).
    #[arg(long, value_name = "KIND")]
    kind: Option<PolicyKind>,
    /// What each policy asks of staff: sign (the default), read (read and confirm, e.g.
    /// KCSIE) or training (a course, completed and renewed).
    #[arg(long, value_name = "KIND", default_value = "sign")]
    obligation: attest_domain::ObligationKind,
    /// The AUP files: plain text, Markdown, Word (.docx) or PDF, told apart by content.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print each file's import report (what was recognised, and warnings with where
    /// they are in the file); always in the JSON output.
    #[arg(long)]
    report: bool,
    #[arg(long)]
    json: bool,
}

/// Imports every file; `Ok(false)` when any failed.
pub async fn run(config: Config, args: ImportArgs) -> anyhow::Result<bool> {
    let app = open_app(&config).await?;
    let operator = app.operator_for(&args.trust).await?;
    let school = match &args.school {
        None => None,
        Some(wanted) => Some(super::lookup::school_id(&app, &operator, &args.trust, wanted).await?),
    };
    let kind = match (school, args.kind) {
        (Some(_), _) => PolicyKind::School,
        (None, Some(kind)) if kind != PolicyKind::School => kind,
        _ => anyhow::bail!(
            "say whose policies these are: --school SCHOOL, or --kind trust_locked|trust_template"
        ),
    };
    let progress = Progress::bar(args.files.len(), "importing", args.json);
    let mut results: Vec<Value> = Vec::new();
    for file in &args.files {
        progress.advance(&file.display().to_string());
        let outcome = match std::fs::read(file) {
            Err(error) => Err(format!("cannot read it: {error}")),
            Ok(bytes) => app
                .import_policy(
                    &operator,
                    ImportPolicy {
                        file: bytes,
                        field: "file",
                        file_name: file
                            .file_name()
                            .map(|name| name.to_string_lossy().into_owned()),
                        title: None,
                        kind,
                        school,
                        obligation: args.obligation,
                        policy: None,
                    },
                )
                .await
                .map_err(|error| error.to_string()),
        };
        results.push(match outcome {
            Ok(draft) if args.report && !args.json => {
                println!("{}", file.display());
                if let Some(report) = &draft.report {
                    super::import_report::print(report);
                }
                json!({
                    "file": file.display().to_string(), "ok": true,
                    "policy": draft.policy.id, "version": draft.version.id,
                    "title": draft.policy.title, "warnings": draft.warnings.len(),
                })
            }
            Ok(draft) => json!({
                "file": file.display().to_string(), "ok": true,
                "policy": draft.policy.id, "version": draft.version.id,
                "title": draft.policy.title, "warnings": draft.warnings.len(),
                "format": draft.report.as_ref().map(|r| r.format), "report": draft.report,
            }),
            Err(error) => {
                json!({ "file": file.display().to_string(), "ok": false, "error": error })
            }
        });
    }
    drop(progress);
    let all_ok = results.iter().all(|result| result["ok"] == true);
    if args.json {
        print_json(&json!({ "ok": all_ok, "imported": results }));
    } else {
        for result in &results {
            if result["ok"] == true {
                println!(
                    "ok    {}: draft of '{}' ({} warning(s)), policy {}, version {}",
                    result["file"].as_str().unwrap_or_default(),
                    result["title"].as_str().unwrap_or_default(),
                    result["warnings"],
                    result["policy"].as_str().unwrap_or_default(),
                    result["version"].as_str().unwrap_or_default()
                );
            } else {
                println!(
                    "FAIL  {}: {}",
                    result["file"].as_str().unwrap_or_default(),
                    result["error"].as_str().unwrap_or_default()
                );
            }
        }
    }
    Ok(all_ok)
}
