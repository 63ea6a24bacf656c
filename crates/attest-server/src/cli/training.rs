//! `attest training`: what a policy asks of staff (sign, read, training), a
//! read-and-understand text's check of understanding, and training completions
//! (a certificate, a session's register, a provider's completions file).

use std::path::PathBuf;

use anyhow::Context as _;
use attest_app::{
    App, CertificateUpload, CompletionImport, NewTrainingSession, TrainingCompletion,
};
use attest_domain::{CheckQuestion, ObligationKind, PersonId, PolicyId, PolicyVersionId};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Deserialize;
use serde_json::json;

use crate::config::Config;
use crate::startup::{open_app, print_json};

#[derive(Subcommand)]
pub enum TrainingCommand {
    /// Set what a policy asks of each member of staff: sign, read (read and confirm,
    /// with an optional check of understanding) or training (completed and renewed).
    /// Only before its first publication.
    Obligation {
        #[arg(long)]
        trust: String,
        #[arg(long, value_name = "ID")]
        policy: PolicyId,
        #[arg(long, value_name = "KIND")]
        kind: ObligationKind,
        #[arg(long)]
        json: bool,
    },
    /// Set a read-and-understand draft's check of understanding from a JSON file:
    /// {"pass_mark": 2, "questions": [{"prompt": "…", "options": ["…", "…"], "correct": 0}]}.
    /// An empty list of questions removes it.
    Check {
        #[arg(long)]
        trust: String,
        #[arg(long, value_name = "ID")]
        version: PolicyVersionId,
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Record that a member of staff completed a course, with its certificate.
    Record(RecordArgs),
    /// Record an in-house session and its register (everyone on it completed the course).
    Session(SessionArgs),
    /// Import a training provider's completions file (CSV: email and completion date).
    Import(ImportArgs),
    /// List the in-house sessions and their registers.
    Sessions {
        #[arg(long)]
        trust: String,
        #[arg(long, value_name = "ID")]
        course: Option<PolicyId>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct RecordArgs {
    #[arg(long)]
    trust: String,
    /// The course (a policy whose obligation is training).
    #[arg(long, value_name = "ID")]
    course: PolicyId,
    /// The member of staff's email address.
    #[arg(long, value_name = "EMAIL")]
    person: String,
    #[arg(long, value_name = "DATE")]
    completed_on: NaiveDate,
    #[arg(long, value_name = "FILE")]
    certificate: PathBuf,
    #[arg(long)]
    note: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct SessionArgs {
    #[arg(long)]
    trust: String,
    #[arg(long, value_name = "ID")]
    course: PolicyId,
    /// The school (its slug, URN or id).
    #[arg(long)]
    school: String,
    #[arg(long, value_name = "DATE")]
    held_on: NaiveDate,
    #[arg(long)]
    trainer: String,
    /// The register: a file with one email address per line.
    #[arg(long, value_name = "FILE")]
    register: PathBuf,
    #[arg(long)]
    note: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ImportArgs {
    #[arg(long)]
    trust: String,
    #[arg(long, value_name = "ID")]
    course: PolicyId,
    /// Who ran the course.
    #[arg(long)]
    provider: String,
    file: PathBuf,
    #[arg(long)]
    json: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckFile {
    #[serde(default)]
    pass_mark: u32,
    questions: Vec<CheckQuestion>,
}

pub async fn run(config: Config, command: TrainingCommand) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    match command {
        TrainingCommand::Obligation {
            trust,
            policy,
            kind,
            json,
        } => {
            let operator = app.operator_for(&trust).await?;
            let policy = app.set_policy_obligation(&operator, policy, kind).await?;
            if json {
                print_json(&json!({ "policy": policy.id, "obligation": policy.obligation }));
            } else {
                println!(
                    "'{}' now asks staff to {}",
                    policy.title,
                    policy.obligation.verb()
                );
            }
        }
        TrainingCommand::Check {
            trust,
            version,
            file,
            json,
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let check: CheckFile = serde_json::from_str(&text).map_err(|error| {
                anyhow::anyhow!(
                    "{}: line {}, column {}: {error}",
                    file.display(),
                    error.line(),
                    error.column()
                )
            })?;
            let operator = app.operator_for(&trust).await?;
            let set = app
                .set_understanding_check(&operator, version, check.questions, check.pass_mark)
                .await?;
            if json {
                print_json(&json!({ "version": version, "check": set }));
            } else if let Some(check) = set {
                println!(
                    "check of understanding set: {} questions, pass mark {}",
                    check.questions.len(),
                    check.pass_mark
                );
            } else {
                println!("check of understanding removed");
            }
        }
        TrainingCommand::Record(args) => record(&app, args).await?,
        TrainingCommand::Session(args) => session(&app, args).await?,
        TrainingCommand::Import(args) => import(&app, args).await?,
        TrainingCommand::Sessions {
            trust,
            course,
            json,
        } => {
            let operator = app.operator_for(&trust).await?;
            let sessions = app.training_sessions(&operator, course).await?;
            if json {
                print_json(&json!({ "sessions": sessions }));
            } else {
                for session in &sessions {
                    println!(
                        "{}  {}  led by {}  {} attended",
                        session.held_on,
                        session.id,
                        session.trainer,
                        session.attendees.len()
                    );
                }
            }
        }
    }
    Ok(())
}

async fn record(app: &App, args: RecordArgs) -> anyhow::Result<()> {
    let operator = app.operator_for(&args.trust).await?;
    let person = app.person_by_email(&operator, &args.person).await?;
    let bytes = std::fs::read(&args.certificate)
        .with_context(|| format!("cannot read {}", args.certificate.display()))?;
    let (acceptance, certificate) = app
        .record_training_completion(
            &operator,
            TrainingCompletion {
                person: person.id,
                policy: args.course,
                school: None,
                completed_on: args.completed_on,
                certificate: CertificateUpload {
                    file_name: args
                        .certificate
                        .file_name()
                        .map_or_else(String::new, |name| name.to_string_lossy().into_owned()),
                    bytes,
                },
                note: args.note,
            },
        )
        .await?;
    if args.json {
        print_json(&json!({
            "acceptance": acceptance.id, "seq": acceptance.seq, "renew_on": acceptance.renew_on,
            "certificate": certificate.id, "sha256": certificate.sha256,
        }));
    } else {
        println!(
            "recorded: {} completed it on {} (row {} of the chain; renew by {})",
            person.full_name,
            acceptance.signed_on,
            acceptance.seq,
            acceptance
                .renew_on
                .map_or_else(|| "never".to_owned(), |on| on.to_string())
        );
    }
    Ok(())
}

async fn session(app: &App, args: SessionArgs) -> anyhow::Result<()> {
    let operator = app.operator_for(&args.trust).await?;
    let school = super::lookup::school_id(app, &operator, &args.trust, &args.school).await?;
    let register = std::fs::read_to_string(&args.register)
        .with_context(|| format!("cannot read {}", args.register.display()))?;
    let mut attendees: Vec<PersonId> = Vec::new();
    for (index, line) in register.lines().enumerate() {
        let email = line.trim();
        if email.is_empty() || email.starts_with('#') {
            continue;
        }
        let person = app
            .person_by_email(&operator, email)
            .await
            .map_err(|error| {
                anyhow::anyhow!("{}: line {}: {error}", args.register.display(), index + 1)
            })?;
        attendees.push(person.id);
    }
    let session = app
        .record_training_session(
            &operator,
            NewTrainingSession {
                policy: args.course,
                school,
                held_on: args.held_on,
                trainer: args.trainer,
                note: args.note,
                attendees,
            },
        )
        .await?;
    if args.json {
        print_json(&json!({ "session": session }));
    } else {
        let recorded = session
            .attendees
            .iter()
            .filter(|attendee| attendee.acceptance.is_some())
            .count();
        println!(
            "session {} of {}: {} on the register, {recorded} completions recorded",
            session.id,
            session.held_on,
            session.attendees.len()
        );
    }
    Ok(())
}

async fn import(app: &App, args: ImportArgs) -> anyhow::Result<()> {
    let operator = app.operator_for(&args.trust).await?;
    let file = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let imported = app
        .import_training_completions(
            &operator,
            CompletionImport {
                policy: args.course,
                provider: args.provider,
                file,
            },
        )
        .await
        .map_err(|error| anyhow::anyhow!("{}: {error}", args.file.display()))?;
    if args.json {
        print_json(&json!({
            "import": imported.import,
            "already_recorded_lines": imported.already_recorded,
        }));
    } else {
        println!(
            "{} lines: {} completions recorded, {} already recorded",
            imported.import.lines, imported.import.recorded, imported.import.skipped
        );
    }
    Ok(())
}
