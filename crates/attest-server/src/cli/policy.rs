//! `attest policy parse|render|diff`: the document tools, on files, needing no database
//! (`import`, which writes to a trust, is in `policy_import`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use attest_document::{
    ChangeKind, Document, Format, Imported, Reader, content_hash, diff, import, render,
};
use attest_domain::MembershipKind;
use clap::{Args, Subcommand};
use serde_json::json;

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Import an AUP (plain text or Markdown) and show its structure.
    Parse {
        /// The policy file.
        file: PathBuf,
        /// Print the whole parsed document as JSON (see docs/document-format.md).
        #[arg(long)]
        json: bool,
        /// Print the import report: what was recognised and where (paragraph, page or
        /// line of the file), and the importer's warnings. With --json, the report as JSON.
        #[arg(long)]
        report: bool,
    },
    /// Render an AUP for a school and a reader.
    Render {
        file: PathBuf,
        #[command(flatten)]
        reader: ReaderArgs,
        /// markdown, html or text.
        #[arg(long, default_value = "markdown")]
        format: Format,
        /// Print {"hash": …, "missing": […], "output": …} instead of the rendering.
        #[arg(long)]
        json: bool,
    },
    /// Import AUP files into a trust as drafts, one policy each (needs the database).
    Import(super::policy_import::ImportArgs),
    /// Write out the file a policy version was imported from (needs the database).
    Original(super::policy_original::OriginalArgs),
    /// Show or set who approves a policy's versions (needs the database).
    Approval(super::policy_review::ApprovalArgs),
    /// Show a version's review; submit it, take it back or schedule its publication.
    Review(super::policy_review::ReviewArgs),
    /// List the versions waiting for review or approval.
    Reviews(super::policy_review::ReviewsArgs),
    /// Compare two versions of an AUP clause by clause.
    Diff {
        before: PathBuf,
        after: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct ReaderArgs {
    /// A school's value for a placeholder, e.g. --var lgfl_staffmail="Outlook" (repeatable).
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = parse_variable)]
    variables: Vec<(String, String)>,
    /// Show only what applies to this kind of member (teaching, support, governor, …).
    #[arg(long, value_name = "KIND")]
    audience: Option<MembershipKind>,
}

fn parse_variable(raw: &str) -> Result<(String, String), String> {
    let (key, value) = raw
        .split_once('=')
        .ok_or_else(|| format!("'{raw}' is not KEY=VALUE"))?;
    let key = attest_document::placeholders::key_for(key);
    if key.is_empty() {
        return Err(format!("'{raw}' has no key before '='"));
    }
    Ok((key, value.to_owned()))
}

/// Any accepted file: text, Markdown, Word (.docx) or PDF, told apart by content.
fn read_file(path: &Path) -> anyhow::Result<Imported> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    import(&bytes).with_context(|| format!("{}", path.display()))
}

fn read(path: &Path) -> anyhow::Result<Document> {
    read_file(path).map(|imported| imported.document)
}

pub fn run(command: PolicyCommand) -> anyhow::Result<()> {
    match command {
        PolicyCommand::Import(_)
        | PolicyCommand::Original(_)
        | PolicyCommand::Approval(_)
        | PolicyCommand::Review(_)
        | PolicyCommand::Reviews(_) => {
            bail!("this command is run with the database")
        }
        PolicyCommand::Parse { file, json, report } => {
            let imported = read_file(&file)?;
            if report {
                let report = attest_document::report(&imported);
                if json {
                    println!("{}", serde_json::to_string_pretty(&report)?);
                } else {
                    println!("{}", file.display());
                    super::import_report::print(&report);
                }
                return Ok(());
            }
            let document = imported.document;
            if json {
                println!("{}", serde_json::to_string_pretty(&document)?);
            } else {
                print_summary(&file, &document);
            }
        }
        PolicyCommand::Render {
            file,
            reader,
            format,
            json,
        } => {
            let document = read(&file)?;
            let variables: BTreeMap<String, String> = reader.variables.into_iter().collect();
            let known: Vec<&str> = document
                .placeholders
                .iter()
                .map(|p| p.key.as_str())
                .collect();
            if let Some(unknown) = variables.keys().find(|key| !known.contains(&key.as_str())) {
                bail!(
                    "--var {unknown}: the document has no such placeholder; it has: {}",
                    known.join(", ")
                );
            }
            let reader = Reader {
                variables: Some(&variables),
                audience: reader.audience,
            };
            let output = render(&document, &reader, format);
            if json {
                let missing = attest_document::missing_variables(&document, &variables);
                println!(
                    "{}",
                    json!({ "hash": content_hash(&document, &reader), "missing": missing, "output": output })
                );
            } else {
                print!("{output}");
            }
        }
        PolicyCommand::Diff {
            before,
            after,
            json,
        } => {
            let changes = diff(&read(&before)?, &read(&after)?);
            if json {
                println!("{}", serde_json::to_string_pretty(&changes)?);
            } else if changes.is_empty() {
                println!("no differences");
            } else {
                for change in changes {
                    let sign = match change.change {
                        ChangeKind::Added => "+",
                        ChangeKind::Removed => "-",
                        ChangeKind::Changed => "~",
                    };
                    let label = change
                        .number
                        .as_deref()
                        .map(|n| format!(" {n}"))
                        .unwrap_or_default();
                    let text = change
                        .after
                        .as_deref()
                        .or(change.before.as_deref())
                        .unwrap_or_default();
                    println!("{sign} {:?}{label}: {text}", change.kind);
                }
            }
        }
    }
    Ok(())
}

fn print_summary(path: &Path, document: &Document) {
    let meta = &document.meta;
    println!("{}", path.display());
    println!(
        "  title:        {}",
        meta.title.as_deref().unwrap_or("(none found)")
    );
    if let Some(school) = &meta.school_name {
        println!("  school:       {school}");
    }
    for (label, date) in [
        ("approved", &meta.approved),
        ("published", &meta.published),
        ("last review", &meta.last_review),
        ("next review", &meta.next_review),
    ] {
        if let Some(date) = date {
            println!("  {label:<13} {}", date.text);
        }
    }
    let blocks = document.all_blocks();
    let count = |kind| blocks.iter().filter(|b| b.kind == kind).count();
    use attest_document::BlockKind as K;
    println!(
        "  blocks:       {} sections, {} clauses, {} items, {} paragraphs, {} declarations, {} consent questions",
        count(K::Section),
        count(K::Clause),
        count(K::Item),
        count(K::Paragraph),
        count(K::Declaration),
        count(K::Consent)
    );
    let restricted: Vec<String> = blocks
        .iter()
        .filter(|b| !b.audience.is_empty())
        .map(|b| {
            format!(
                "line {} ({})",
                b.line,
                b.audience
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    if !restricted.is_empty() {
        println!("  for some roles only: {}", restricted.join("; "));
    }
    println!("  signature:    {}", document.signature_fields.join(", "));
    for placeholder in &document.placeholders {
        let lines: Vec<String> = placeholder.lines.iter().map(ToString::to_string).collect();
        println!(
            "  placeholder:  {} = \"{}\" (line {})",
            placeholder.key,
            placeholder.label,
            lines.join(", ")
        );
    }
    for warning in &document.warnings {
        println!("  warning:      line {}: {}", warning.line, warning.message);
    }
}
