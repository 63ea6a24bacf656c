//! The approvers' and reviewers' steps: approve or reject (one decision per seat and
//! round), and comment on a clause while a version is in review.

use attest_document::{Block, Document};
use attest_domain::{
    Actor, Outcome, PolicyVersionId, Principal, ReviewStage, SeatDecision, Verdict,
};
use attest_store::{PolicyApprovals, ReviewComment, TransactionTrait};
use serde_json::json;

use crate::audit::{Change, record};
use crate::{App, AppError};

const MAX_COMMENT: usize = 4_000;
const MAX_CLAUSE: usize = 200;

/// Every block of the document, parents before their children.
fn all_blocks(document: &Document) -> Vec<&Block> {
    fn walk<'d>(blocks: &'d [Block], out: &mut Vec<&'d Block>) {
        for block in blocks {
            out.push(block);
            walk(&block.children, out);
        }
    }
    let mut out = Vec::new();
    walk(&document.blocks, &mut out);
    out
}

/// What a comment may be on: each numbered block's number ("3.1") and each unnumbered
/// block's heading, in document order (the review page offers these).
pub fn clause_names(document: &Document) -> Vec<String> {
    all_blocks(document)
        .into_iter()
        .filter_map(|block| block.number.as_ref().or(block.heading.as_ref()).cloned())
        .collect()
}

/// Whether `clause` names one of the document's blocks: its number ("3.1." as "3.1"),
/// or its heading in any case, with or without a leading number ("3 Email", "Email").
fn names_a_clause(document: &Document, clause: &str) -> bool {
    let clause = clause.trim_end_matches('.');
    all_blocks(document).into_iter().any(|block| {
        block.number.as_deref() == Some(clause)
            || block.heading.as_deref().is_some_and(|heading| {
                let words = heading
                    .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                    .trim();
                heading.eq_ignore_ascii_case(clause) || words.eq_ignore_ascii_case(clause)
            })
    })
}

impl App {
    /// Approves or rejects a version in review, for one of the caller's seats.
    pub async fn decide_on_version(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
        verdict: Verdict,
    ) -> Result<Outcome, AppError> {
        let at = self.now();
        let txn = self.db.begin().await?;
        let governed = self.governed(&txn, principal, version).await?;
        let rule = governed
            .rule
            .ok_or_else(|| AppError::Conflict("this policy needs no approval".to_owned()))?;
        let approvals = PolicyApprovals::new(&txn, &governed.scope);
        approvals.lock(version).await?;
        let open = approvals.review(version).await?.ok_or_else(|| {
            AppError::Conflict(
                "this version is not in review: its owner has to submit it first".to_owned(),
            )
        })?;
        let decisions: Vec<SeatDecision> = approvals
            .decisions(version)
            .await?
            .into_iter()
            .map(|stored| stored.decision)
            .collect();
        let seats = rule.seats_of(principal);
        let (review, seat, outcome) =
            open.review
                .decide(&rule, &seats, &decisions, verdict.clone())?;
        let person = match principal.actor() {
            Actor::Person(person) => Some(person),
            _ => None,
        };
        let decision = SeatDecision {
            seat,
            round: open.review.round,
            verdict,
        };
        let capacity = rule.approvers[seat].capacity().to_owned();
        approvals
            .add_decision(version, &decision, &capacity, person, at)
            .await?;
        approvals.advance(open, review, at).await?;
        let action = match decision.verdict {
            Verdict::Approve { .. } => "policy_version.approve",
            Verdict::Reject { .. } => "policy_version.reject",
        };
        let outcome_text = match outcome {
            Outcome::Pending { approvals, needed } => format!("{approvals} of {needed} approvals"),
            Outcome::Approved { effective_on } => {
                format!("approved, in effect from {effective_on}")
            }
            Outcome::Rejected => "returned to draft".to_owned(),
        };
        record(
            &txn,
            principal,
            at,
            Change {
                action,
                subject_type: "policy_version",
                subject_id: version.as_uuid(),
                before: None,
                after: Some(&json!({
                    "round": decision.round,
                    "seat": capacity,
                    "verdict": decision.verdict,
                    "outcome": outcome_text,
                })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(outcome)
    }

    /// A reviewer's, approver's or owner's comment on a version in review, on a clause
    /// (its number or heading) or on the whole.
    pub async fn comment_on_version(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
        clause: Option<String>,
        body: String,
    ) -> Result<ReviewComment, AppError> {
        let body = body.trim().to_owned();
        if body.is_empty() || body.chars().count() > MAX_COMMENT {
            return Err(AppError::invalid(
                "body",
                format!("write the comment (at most {MAX_COMMENT} characters)"),
            ));
        }
        let clause = clause
            .map(|clause| clause.trim().to_owned())
            .filter(|clause| !clause.is_empty());
        let at = self.now();
        let txn = self.db.begin().await?;
        let governed = self.governed(&txn, principal, version).await?;
        let involved = governed
            .rule
            .as_ref()
            .is_some_and(|rule| rule.involves(principal));
        if !governed.owns && !involved {
            return Err(AppError::forbidden(
                "only the policy's reviewers, approvers and admins comment on its versions",
            ));
        }
        if let Some(clause) = &clause
            && (clause.chars().count() > MAX_CLAUSE
                || !names_a_clause(&governed.version.document, clause))
        {
            return Err(AppError::invalid(
                "clause",
                format!(
                    "version {} has no clause or section '{clause}'",
                    governed.version.number
                ),
            ));
        }
        let approvals = PolicyApprovals::new(&txn, &governed.scope);
        let open = approvals
            .review(version)
            .await?
            .filter(|open| open.review.stage == ReviewStage::InReview)
            .ok_or_else(|| {
                AppError::Conflict("comments are made while a version is in review".to_owned())
            })?;
        let comment = ReviewComment {
            id: uuid::Uuid::now_v7(),
            version,
            round: open.review.round,
            author_kind: principal.actor().kind().to_owned(),
            author: principal.actor().id(),
            clause,
            body,
            created_at: at,
        };
        approvals.add_comment(&comment).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy_version.comment",
                subject_type: "policy_version",
                subject_id: version.as_uuid(),
                before: None,
                after: Some(&json!({ "round": comment.round, "clause": comment.clause, "comment": comment.id })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(comment)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn comments_name_a_clause_by_number_or_heading() {
        let document = attest_document::parse(
            "Staff AUP\n\n## 3 Email\n\n3.1 I will use school email.\n\n3.2 I will not share it.\n",
        )
        .expect("parses");
        assert!(super::names_a_clause(&document, "3.1"));
        assert!(super::names_a_clause(&document, "3.2."));
        assert!(super::names_a_clause(&document, "email"));
        assert!(super::names_a_clause(&document, "3 Email"));
        assert!(!super::names_a_clause(&document, "4.1"));
    }
}
