//! `attest attributes`: the trust's attributes (who owes what), setting them for
//! people from a file, and a policy's attribute conditions.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context as _;
use attest_domain::{DirectoryField, DirectoryRule, PolicyId};
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::startup::{open_app, print_json};

#[derive(Subcommand)]
pub enum AttributesCommand {
    /// List the trust's attributes.
    List {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        json: bool,
    },
    /// Add an attribute (or change its label), e.g. --key works_with_children
    /// --label "Works directly with children" --job-title-contains teacher,assistant.
    Define {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        key: String,
        #[arg(long)]
        label: String,
        #[arg(long)]
        description: Option<String>,
        /// Set it at each directory sync when the job title contains any of these.
        #[arg(long, value_delimiter = ',', conflicts_with = "department_contains")]
        job_title_contains: Vec<String>,
        /// …or when the department contains any of these.
        #[arg(long, value_delimiter = ',')]
        department_contains: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Set attributes for many people from a CSV: an email column and a yes/no column
    /// per attribute key (blank keeps what is set).
    Import {
        #[arg(long)]
        trust: String,
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Set the attributes a person must hold to owe a policy, e.g.
    /// --require works_with_children=yes (none: everyone its audience reaches).
    Conditions {
        #[arg(long)]
        trust: String,
        #[arg(long, value_name = "ID")]
        policy: PolicyId,
        #[arg(long = "require", value_name = "KEY=yes|no", value_parser = parse_condition)]
        requires: Vec<(String, bool)>,
        #[arg(long)]
        json: bool,
    },
}

fn parse_condition(raw: &str) -> Result<(String, bool), String> {
    let (key, value) = raw
        .split_once('=')
        .ok_or_else(|| format!("'{raw}' is not KEY=yes or KEY=no"))?;
    let held = match value.trim().to_lowercase().as_str() {
        "yes" | "true" => true,
        "no" | "false" => false,
        other => return Err(format!("'{other}' is not yes or no")),
    };
    Ok((key.trim().to_lowercase(), held))
}

pub async fn run(config: Config, command: AttributesCommand) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    match command {
        AttributesCommand::List { trust, json } => {
            let operator = app.operator_for(&trust).await?;
            let attributes = app.attributes(&operator).await?;
            if json {
                print_json(&json!({ "attributes": attributes }));
            } else {
                for attribute in &attributes {
                    println!("{}  {}", attribute.key, attribute.label);
                }
            }
        }
        AttributesCommand::Define {
            trust,
            key,
            label,
            description,
            job_title_contains,
            department_contains,
            json,
        } => {
            let operator = app.operator_for(&trust).await?;
            let rule = if !job_title_contains.is_empty() {
                Some(DirectoryRule::new(
                    DirectoryField::JobTitle,
                    job_title_contains,
                )?)
            } else if !department_contains.is_empty() {
                Some(DirectoryRule::new(
                    DirectoryField::Department,
                    department_contains,
                )?)
            } else {
                None
            };
            let attribute = app
                .define_attribute(&operator, &key, &label, description.as_deref(), rule)
                .await?;
            if json {
                print_json(&json!({ "attribute": attribute }));
            } else {
                println!("{}: {}", attribute.key, attribute.label);
            }
        }
        AttributesCommand::Import { trust, file, json } => {
            let operator = app.operator_for(&trust).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let imported = app
                .import_person_attributes(&operator, &bytes)
                .await
                .map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?;
            if json {
                print_json(&json!({
                    "lines": imported.lines,
                    "people_changed": imported.people_changed,
                    "values_changed": imported.values_changed,
                }));
            } else {
                println!(
                    "{} lines: {} people changed ({} values)",
                    imported.lines, imported.people_changed, imported.values_changed
                );
            }
        }
        AttributesCommand::Conditions {
            trust,
            policy,
            requires,
            json,
        } => {
            let operator = app.operator_for(&trust).await?;
            let set = app
                .set_policy_conditions(
                    &operator,
                    policy,
                    requires.into_iter().collect::<BTreeMap<_, _>>(),
                )
                .await?;
            if json {
                print_json(&json!({ "policy": policy, "requires": set }));
            } else if set.is_empty() {
                println!("everyone the policy's audience reaches owes it");
            } else {
                for (key, held) in &set {
                    println!(
                        "owed by those who {} {key}",
                        if *held { "hold" } else { "do not hold" }
                    );
                }
            }
        }
    }
    Ok(())
}
