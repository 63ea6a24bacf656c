//! The reminder tick's governance work: publishing approved versions whose day has
//! come, and asking reviewers and approvers who have not acted (at submission, then
//! weekly while the version is in review).

use attest_domain::{Approver, ApproverRole, PersonId, Principal, ReviewStage, Role, Verdict};
use attest_store::{NewEmail, Outbox, PolicyApprovals};
use minijinja::context;

use super::{holders, writable};
use crate::email_templates::{Branding, render_email};
use crate::{App, AppError, Publish, VersionReview};

/// Who is asked about a version, and as what (their seat, or reviewer).
struct Asked {
    person: attest_domain::Person,
    seat: Option<String>,
}

impl App {
    /// Publishes every approved version scheduled for today or earlier; a version that
    /// cannot be published (a school lacks a value) stays scheduled and is tried again
    /// at the next tick. Returns how many were published.
    pub(super) async fn publish_scheduled(&self, operator: &Principal) -> Result<usize, AppError> {
        let due = PolicyApprovals::new(&self.db, &operator.scope())
            .due_for_publication(self.today())
            .await?;
        let mut published = 0;
        for record in due {
            let outcome = self
                .publish_version(
                    operator,
                    record.version,
                    Publish {
                        resign_required: record.resign_required.unwrap_or(true),
                        change_note: record.change_note.clone(),
                    },
                )
                .await;
            match outcome {
                Ok(_) => published += 1,
                Err(error) => {
                    tracing::warn!(version = %record.version.as_uuid(), %error, "a scheduled publication waits")
                }
            }
        }
        Ok(published)
    }

    /// Emails each reviewer and approver who has not acted on a version in review.
    pub(super) async fn approval_requests(
        &self,
        operator: &Principal,
        trust: &Branding,
    ) -> Result<usize, AppError> {
        let scope = operator.scope();
        let open = PolicyApprovals::new(&self.db, &scope)
            .open_reviews()
            .await?;
        let now = self.now();
        let today = attest_domain::school_day(now);
        let mut sent = 0;
        for record in open
            .into_iter()
            .filter(|record| record.review.stage == ReviewStage::InReview)
        {
            let review = self.version_review(operator, record.version).await?;
            let submitted = attest_domain::school_day(record.submitted_at);
            let week = (today - submitted).num_days().max(0) / 7;
            for asked in self.not_yet_acted(operator, &review).await? {
                let Some(email) = &asked.person.email else {
                    continue;
                };
                let body = render_email(
                    "approval_request",
                    trust,
                    context! {
                        name => asked.person.full_name.as_str(),
                        title => review.policy.title.as_str(),
                        number => review.number,
                        seat => asked.seat.as_deref(),
                        body => review.rule.as_ref().map(|rule| rule.body.clone()),
                        submitted => submitted.format("%-d %B %Y").to_string(),
                        approvals => review.approvals(),
                        needed => review.needed(),
                        url => format!("{}/reviews/{}", self.public_url(), record.version.as_uuid()),
                    },
                )?;
                let queued = Outbox::new(&self.db, &scope)
                    .enqueue(NewEmail {
                        kind: "approval_request",
                        to_address: email.as_str().to_owned(),
                        subject: body.subject,
                        body_text: body.text,
                        body_html: Some(body.html),
                        dedupe_key: Some(format!(
                            "approval:{}:{}:{}:{week}",
                            record.version.as_uuid(),
                            record.review.round,
                            asked.person.id.as_uuid()
                        )),
                        at: now,
                    })
                    .await?;
                sent += usize::from(queued.is_some());
            }
        }
        Ok(sent)
    }

    /// Seat holders without a decision in this round, and reviewers without a comment.
    async fn not_yet_acted(
        &self,
        operator: &Principal,
        review: &VersionReview,
    ) -> Result<Vec<Asked>, AppError> {
        let Some(rule) = &review.rule else {
            return Ok(Vec::new());
        };
        let scope = operator.scope();
        let round = review.round();
        let decided: Vec<usize> = review
            .decisions
            .iter()
            .filter(|stored| stored.decision.round == round)
            .map(|stored| stored.decision.seat)
            .collect();
        let mut asked: Vec<Asked> = Vec::new();
        for (seat, approver) in rule.approvers.iter().enumerate() {
            if decided.contains(&seat) {
                continue;
            }
            let people = match approver {
                Approver::Person { person, .. } => writable(self, &scope, &[*person]).await?,
                Approver::Role {
                    role: ApproverRole::SchoolAdmin,
                } => match rule.school {
                    Some(school) => holders(self, &scope, Role::SchoolAdmin, Some(school)).await?,
                    None => Vec::new(),
                },
                Approver::Role { role } => holders(self, &scope, role.role(), None).await?,
            };
            for person in people {
                if !asked.iter().any(|known| known.person.id == person.id) {
                    asked.push(Asked {
                        person,
                        seat: Some(approver.capacity().to_owned()),
                    });
                }
            }
        }
        let commented: Vec<PersonId> = review
            .comments
            .iter()
            .filter(|comment| comment.round == round)
            .filter_map(|comment| comment.author.map(PersonId::from_uuid))
            .collect();
        let waiting: Vec<PersonId> = rule
            .reviewers
            .iter()
            .filter(|reviewer| !commented.contains(reviewer))
            .copied()
            .collect();
        for person in writable(self, &scope, &waiting).await? {
            if !asked.iter().any(|known| known.person.id == person.id) {
                asked.push(Asked { person, seat: None });
            }
        }
        // A rejection ends the round: no one is asked about a version back in drafting.
        if review.decisions.iter().any(|stored| {
            stored.decision.round == round
                && matches!(stored.decision.verdict, Verdict::Reject { .. })
        }) {
            return Ok(Vec::new());
        }
        Ok(asked)
    }
}
