//! `attest policy approval|review|reviews`: trust IT sets who approves a policy, sends a
//! draft for review, takes it back or schedules an approved version, and lists what is
//! waiting. Approving is a person's act (on the review page or over GraphQL with their
//! session): the command line holds no seat.

use anyhow::{Context as _, bail};
use attest_app::{App, ApprovalRuleInput, Publish, RuleChoice, VersionReview};
use attest_domain::{
    Approver, ApproverRole, PersonId, PolicyId, PolicyKind, PolicyVersionId, Principal, Quorum,
    Verdict,
};
use chrono::NaiveDate;
use clap::Args;
use serde_json::{Value, json};

use crate::config::Config;
use crate::startup::{open_app, print_json};

#[derive(Args)]
pub struct ApprovalArgs {
    #[arg(long)]
    trust: String,
    /// The policy; or --default-for a kind.
    #[arg(required_unless_present = "default_for")]
    policy: Option<PolicyId>,
    /// Set (or show, or remove with --none) the trust's default rule for a kind of
    /// policy: trust_locked, trust_template or school.
    #[arg(long, value_name = "KIND", conflicts_with_all = ["policy", "follow_default"])]
    default_for: Option<PolicyKind>,
    /// The policy follows the trust's default for its kind.
    #[arg(long, conflicts_with_all = ["approvers", "roles", "quorum", "body", "reviewers", "none"])]
    follow_default: bool,
    /// A named approver: PERSON_ID=CAPACITY, e.g. 0193…=Chair of governors (repeatable).
    #[arg(long = "approver", value_name = "PERSON_ID=CAPACITY", value_parser = parse_approver)]
    approvers: Vec<(PersonId, String)>,
    /// A seat held by whoever has this role: dpo, trust_admin, or school_admin (the
    /// policy's own school's) (repeatable).
    #[arg(long = "approver-role", value_name = "ROLE", value_parser = parse_role)]
    roles: Vec<ApproverRole>,
    /// How many seats must approve (every seat when left out).
    #[arg(long)]
    quorum: Option<u32>,
    /// The approving body as receipts name it.
    #[arg(long)]
    body: Option<String>,
    /// Someone who reads and comments without deciding (repeatable).
    #[arg(long = "reviewer", value_name = "PERSON_ID")]
    reviewers: Vec<PersonId>,
    /// Remove the rule: the policy's admins publish at once.
    #[arg(long, conflicts_with_all = ["approvers", "roles", "quorum", "body", "reviewers"])]
    none: bool,
    /// Only show the rule.
    #[arg(long, conflicts_with = "none")]
    show: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ReviewArgs {
    #[arg(long)]
    trust: String,
    version: PolicyVersionId,
    /// Send the draft to its reviewers and approvers.
    #[arg(long, conflicts_with_all = ["withdraw", "schedule"])]
    submit: bool,
    /// Take it out of review to change it.
    #[arg(long, conflicts_with = "schedule")]
    withdraw: bool,
    /// Publish the approved version on this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    schedule: Option<NaiveDate>,
    /// With --schedule: those who signed the version in use need not sign again.
    #[arg(long, requires = "schedule")]
    no_resign: bool,
    /// With --schedule: the change note staff see.
    #[arg(long, requires = "schedule")]
    note: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ReviewsArgs {
    #[arg(long)]
    trust: String,
    #[arg(long)]
    json: bool,
}

fn parse_approver(raw: &str) -> Result<(PersonId, String), String> {
    let (id, capacity) = raw
        .split_once('=')
        .ok_or_else(|| format!("'{raw}' is not PERSON_ID=CAPACITY"))?;
    let id = id
        .trim()
        .parse::<uuid::Uuid>()
        .map_err(|error| format!("'{id}' is not a person's id: {error}"))?;
    Ok((PersonId::from_uuid(id), capacity.trim().to_owned()))
}

fn parse_role(raw: &str) -> Result<ApproverRole, String> {
    match raw {
        "dpo" => Ok(ApproverRole::Dpo),
        "trust_admin" => Ok(ApproverRole::TrustAdmin),
        "school_admin" => Ok(ApproverRole::SchoolAdmin),
        other => Err(format!("'{other}' is not dpo, trust_admin or school_admin")),
    }
}

pub async fn approval(config: Config, args: ApprovalArgs) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    let operator = app.operator_for(&args.trust).await?;
    let input = if args.show || args.none || args.follow_default {
        None
    } else {
        let mut approvers: Vec<Approver> = args
            .approvers
            .into_iter()
            .map(|(person, capacity)| Approver::Person { person, capacity })
            .collect();
        approvers.extend(args.roles.into_iter().map(|role| Approver::Role { role }));
        if approvers.is_empty() {
            bail!(
                "name an approver (--approver or --approver-role), or give --none, --follow-default or --show"
            );
        }
        Some(ApprovalRuleInput {
            body: args.body,
            approvers,
            quorum: args.quorum.map_or(Quorum::All, Quorum::AtLeast),
            reviewers: args.reviewers,
        })
    };
    let (subject, rule) = match (args.default_for, args.policy) {
        (Some(kind), _) => {
            let rule = if args.show {
                app.default_approval_rules(&operator)
                    .await?
                    .into_iter()
                    .find(|(found, _)| *found == kind)
                    .map(|(_, rule)| rule)
            } else {
                app.set_default_approval_rule(&operator, kind, input)
                    .await?
            };
            (format!("{kind} policies by default"), rule)
        }
        (None, Some(policy)) => {
            let rule = if args.show {
                app.approval_rule(&operator, policy).await?
            } else {
                let choice = match input {
                    Some(input) => RuleChoice::Own(input),
                    None if args.follow_default => RuleChoice::TrustDefault,
                    None => RuleChoice::NoApproval,
                };
                app.set_approval_rule(&operator, policy, choice).await?
            };
            (format!("policy {policy}"), rule)
        }
        (None, None) => bail!("name a policy, or --default-for a kind"),
    };
    if args.json {
        print_json(&json!({ "subject": subject, "rule": rule }));
        return Ok(());
    }
    match rule {
        None => println!("{subject}: no approval; admins publish at once"),
        Some(rule) => {
            println!(
                "{subject}: approved by {} ({} of {} seats)",
                rule.body,
                rule.needed(),
                rule.approvers.len()
            );
            for seat in &rule.approvers {
                println!("  seat: {}", seat.capacity());
            }
            for reviewer in &rule.reviewers {
                println!("  reviewer: {}", reviewer.as_uuid());
            }
        }
    }
    Ok(())
}

pub async fn review(config: Config, args: ReviewArgs) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    let operator = app.operator_for(&args.trust).await?;
    if args.submit {
        app.submit_for_review(&operator, args.version).await?;
    } else if args.withdraw {
        app.return_to_draft(&operator, args.version).await?;
    } else if let Some(on) = args.schedule {
        let publish = Publish {
            resign_required: !args.no_resign,
            change_note: args.note,
        };
        app.schedule_publication(&operator, args.version, on, publish)
            .await?;
    }
    let review = app
        .version_review(&operator, args.version)
        .await
        .with_context(|| format!("policy version {}", args.version))?;
    if args.json {
        print_json(&review_json(&review));
    } else {
        print_review(&review);
    }
    Ok(())
}

pub async fn reviews(config: Config, args: ReviewsArgs) -> anyhow::Result<()> {
    let app: App = open_app(&config).await?;
    let operator: Principal = app.operator_for(&args.trust).await?;
    let awaiting = app.awaiting_review(&operator).await?;
    if args.json {
        let all: Vec<Value> = awaiting
            .iter()
            .map(|item| review_json(&item.review))
            .collect();
        print_json(&json!({ "reviews": all }));
        return Ok(());
    }
    if awaiting.is_empty() {
        println!("no version is waiting for review or approval");
    }
    for item in &awaiting {
        print_review(&item.review);
    }
    Ok(())
}

fn review_json(review: &VersionReview) -> Value {
    json!({
        "version": review.version,
        "policy": review.policy.id,
        "title": review.policy.title,
        "number": review.number,
        "stage": review.stage().as_str(),
        "round": review.round(),
        "approvals": review.approvals(),
        "needed": review.needed(),
        "scheduledOn": review.record.as_ref().and_then(|record| record.review.scheduled_on),
        "decisions": review.decisions.iter().map(|stored| json!({
            "round": stored.decision.round,
            "capacity": stored.capacity,
            "verdict": stored.decision.verdict,
            "decidedAt": stored.decided_at,
            "withdrawn": review.is_withdrawn(stored),
        })).collect::<Vec<_>>(),
        "comments": review.comments.iter().map(|comment| json!({
            "round": comment.round,
            "clause": comment.clause,
            "body": comment.body,
            "createdAt": comment.created_at,
        })).collect::<Vec<_>>(),
    })
}

fn print_review(review: &VersionReview) {
    println!(
        "{} version {} ({}): {}, round {}, {} of {} approvals{}",
        review.policy.title,
        review.number,
        review.version,
        review.stage().as_str().replace('_', " "),
        review.round(),
        review.approvals(),
        review.needed(),
        review
            .record
            .as_ref()
            .and_then(|record| record.review.scheduled_on)
            .map(|on| format!(", to be published on {on}"))
            .unwrap_or_default()
    );
    for stored in &review.decisions {
        let what = match &stored.decision.verdict {
            Verdict::Approve {
                meeting,
                minute,
                effective_on,
            } => {
                format!("approved at {meeting}, minute {minute}, in effect from {effective_on}")
            }
            Verdict::Reject { reason } => format!("rejected: {reason}"),
        };
        let withdrawn = if review.is_withdrawn(stored) {
            " (withdrawn)"
        } else {
            ""
        };
        println!("  {}: {what}{withdrawn}", stored.capacity);
    }
    for comment in &review.comments {
        println!(
            "  comment{}: {}",
            comment
                .clause
                .as_deref()
                .map(|clause| format!(" on {clause}"))
                .unwrap_or_default(),
            comment.body
        );
    }
}
