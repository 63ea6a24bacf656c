//! The demo trust's past term: policies published 60 days ago, most staff signed in
//! their first weeks (a few on paper), one declined, one on leave, a new starter in their
//! grace period, the rest overdue.

use anyhow::Context as _;
use std::sync::Arc;

use attest_app::{
    App, ComplianceFilter, GrantExemption, ManualClock, NewPersonMembership, Origin,
    PaperAcceptance, PersonInput, SignPolicy,
};
use attest_domain::{PersonId, PolicyVersionId, Principal, SchoolId};
use chrono::Duration;

use super::DemoTrust;
use super::directory::seed_directory;

/// Fills an empty database with the demo trust, as it would look after a term: the
/// policies were published 60 days ago, most staff signed in their first weeks (a few
/// on paper), one declined, one is on leave, a new starter is still in their grace
/// period and the rest are overdue.
pub async fn seed(app: &App) -> anyhow::Result<DemoTrust> {
    let now = app.now();
    let clock = Arc::new(ManualClock::new(now - Duration::days(60)));
    let past = app.clone().with_clock(clock.clone());
    let mut demo = seed_directory(&past).await?;
    let operator = past.operator_for(&demo.trust_slug).await?;
    let trust = operator.trust();
    let rows = past
        .compliance_all(&operator, ComplianceFilter::default())
        .await?;
    let origin = Origin {
        ip: Some("192.0.2.10".to_owned()),
        user_agent: Some("attest demo (simulated sign-in)".to_owned()),
    };
    clock.set(now - Duration::days(50));
    let mut signatures = 0;
    let mut unsigned = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        let version = past
            .policy_versions(&operator, row.policy)
            .await?
            .into_iter()
            .find(|v| v.state == attest_domain::VersionState::Published)
            .context("a demo policy has no published version")?;
        match n % 8 {
            // Most sign themselves; a few paper forms; some never do.
            0..=3 => {
                sign_as(&past, trust, row.person, version.id, row.school, &origin).await?;
                signatures += 1;
            }
            4 => {
                let form = past
                    .record_paper_acceptance(
                        &operator,
                        PaperAcceptance {
                            person: row.person,
                            version: version.id,
                            school: Some(row.school),
                            typed_name: row.full_name.clone(),
                            role: None,
                            answers: answers_for(&past, trust, row.person, version.id).await?,
                            signed_on: None,
                            note: "Signed at the September INSET day; form in the staff file"
                                .to_owned(),
                        },
                        Origin::default(),
                    )
                    .await?;
                signatures += usize::from(form.seq > 0);
            }
            _ => unsigned.push(row.clone()),
        }
    }
    // Time only moves forward: the statutory items come after the AUPs' first weeks.
    signatures += super::statutory::seed_statutory(&past, &clock, &operator, now).await?;
    clock.set(now - Duration::days(5));
    if let Some(row) = unsigned.first() {
        past.grant_exemption(
            &operator,
            GrantExemption {
                person: row.person,
                policy: None,
                reason: "Maternity leave".to_owned(),
                starts_on: None,
                ends_on: (now + Duration::days(120)).date_naive(),
            },
        )
        .await?;
    }
    if let Some(row) = unsigned.get(1) {
        let principal = past.demo_signer(trust, row.person).await?;
        let form = past
            .signing_form(
                &principal,
                version_of(&past, &operator, row.policy).await?,
                Some(row.school),
            )
            .await?;
        past.decline_policy(
            &principal,
            attest_app::DeclinePolicy {
                version: form.version,
                school: Some(row.school),
                content_hash: form.content_hash,
                reason: "I need to talk to the head about the personal devices section first"
                    .to_owned(),
                view: form.view,
            },
            origin.clone(),
        )
        .await?;
    }
    // A new starter, still within the two weeks' grace.
    if let Some(row) = rows.first() {
        past.upsert_person(
            &operator,
            PersonInput {
                id: None,
                full_name: "Nadia Starter".to_owned(),
                email: Some("nadia.starter@example.sch.uk".to_owned()),
                membership: Some(NewPersonMembership {
                    school: row.school,
                    kind: "teaching".to_owned(),
                    job_title: Some("Newly Qualified Teacher".to_owned()),
                    started_on: Some(past.today()),
                }),
            },
        )
        .await?;
        demo.people += 1;
    }
    let mut signing_link = None;
    if let Some(row) = unsigned.get(2) {
        let sent = past
            .send_magic_link(&operator, row.person, row.policy, None)
            .await?;
        let messages = app.outbox(&operator, None, 1).await?;
        signing_link = messages.first().and_then(|message| {
            message
                .body_text
                .lines()
                .find(|line| line.contains("/sign/"))
                .map(str::to_owned)
        });
        tracing::debug!(link = %sent.link, "demo signing link queued");
    }
    demo.cast.signer = unsigned.get(3).map(|row| row.person);
    super::walkthrough::breaches(&past, &clock, &mut demo).await?;
    clock.set(chrono::Utc::now());
    demo.requests = super::casework::seed_casework(&past, &demo).await?;
    super::governance::policy_in_review(app, &demo).await?;
    super::walkthrough::sign_in_links(app, &mut demo).await?;
    demo.signatures = signatures;
    demo.signing_link = signing_link;
    Ok(demo)
}

async fn version_of(
    app: &App,
    operator: &Principal,
    policy: attest_domain::PolicyId,
) -> anyhow::Result<PolicyVersionId> {
    app.policy_versions(operator, policy)
        .await?
        .into_iter()
        .find(|v| v.state == attest_domain::VersionState::Published)
        .map(|v| v.id)
        .context("a demo policy has no published version")
}

/// The consent answers a demo signer gives: the first option of each question.
async fn answers_for(
    app: &App,
    trust: attest_domain::TrustId,
    person: PersonId,
    version: PolicyVersionId,
) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
    let principal = app.demo_signer(trust, person).await?;
    let form = app.signing_form(&principal, version, None).await?;
    Ok(form
        .questions
        .into_iter()
        .map(|q| {
            (
                q.key,
                q.options
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "Yes".to_owned()),
            )
        })
        .collect())
}

/// Signs as the member of staff would after signing in (the demo has no identity
/// provider, so it acts for them).
async fn sign_as(
    app: &App,
    trust: attest_domain::TrustId,
    person: PersonId,
    version: PolicyVersionId,
    school: SchoolId,
    origin: &Origin,
) -> anyhow::Result<()> {
    let principal = app.demo_signer(trust, person).await?;
    let form = app.signing_form(&principal, version, Some(school)).await?;
    let answers = form
        .questions
        .iter()
        .map(|q| {
            (
                q.key.clone(),
                q.options
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "Yes".to_owned()),
            )
        })
        .collect();
    app.sign_policy(
        &principal,
        SignPolicy {
            version,
            school: Some(school),
            content_hash: form.content_hash,
            typed_name: form.person_name,
            role: None,
            answers,
            view: form.view,
            understanding: Vec::new(),
        },
        origin.clone(),
    )
    .await?;
    Ok(())
}
