//! The demo's governance: the first school's AUP needs its governing body's approval
//! (the chair of governors and the headteacher), and its next version, with a changed
//! clause, is in review, so the governor's and headteacher's sign-in links lead to a
//! review waiting for them.

use anyhow::Context as _;
use attest_app::{App, ApprovalRuleInput, ImportPolicy, RuleChoice};
use attest_domain::{Approver, PolicyKind, Quorum, VersionState};

use super::DemoTrust;

pub(super) async fn policy_in_review(app: &App, demo: &DemoTrust) -> anyhow::Result<()> {
    let operator = app.operator_for(&demo.trust_slug).await?;
    let school = *demo
        .cast
        .schools
        .first()
        .context("the demo has no school")?;
    let governor = demo.cast.governor.context("the demo has no governor")?;
    let head = demo
        .cast
        .school_admin
        .context("the demo has no headteacher")?;
    let policy = app
        .policies(&operator, Some(school))
        .await?
        .into_iter()
        .find(|policy| policy.school == Some(school))
        .context("the first school has no policy")?;
    app.set_approval_rule(
        &operator,
        policy.id,
        RuleChoice::Own(ApprovalRuleInput {
            body: None,
            approvers: vec![
                Approver::Person {
                    person: governor,
                    capacity: "Chair of governors".to_owned(),
                },
                Approver::Person {
                    person: head,
                    capacity: "Headteacher".to_owned(),
                },
            ],
            quorum: Quorum::All,
            reviewers: Vec::new(),
        }),
    )
    .await?;
    let published = app
        .policy_versions(&operator, policy.id)
        .await?
        .into_iter()
        .find(|version| version.state == VersionState::Published)
        .context("the first school's policy is not published")?;
    // This year's change: passwords are never shared, not even with IT.
    let text = published.source.replacen(
        "I will not",
        "I will never, even when asked by someone from IT,",
        1,
    );
    let draft = app
        .import_policy(
            &operator,
            ImportPolicy {
                file: text.into_bytes(),
                field: "file",
                file_name: Some("aup-next-year.txt".to_owned()),
                title: None,
                kind: PolicyKind::School,
                school: None,
                obligation: attest_domain::ObligationKind::Sign,
                policy: Some(policy.id),
            },
        )
        .await?;
    app.submit_for_review(&operator, draft.version.id).await?;
    Ok(())
}
