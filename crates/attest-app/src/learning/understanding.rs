//! The check of understanding on a read-and-understand version: set on a draft by
//! whoever may change the policy, shown to readers without its answers, scored when
//! they confirm, and every attempt kept.

use attest_domain::{
    CheckQuestion, CompletionEvidence, ObligationKind, PersonId, PolicyId, PolicyVersionId,
    Principal, TenantScope, UnderstandingAttempt, UnderstandingCheck, VersionState,
};
use attest_store::{Learning, Policies, PolicyVersions, TransactionTrait};
use serde_json::json;

use crate::audit::{Change, record};
use crate::policy::require_can_change;
use crate::signing::Obligation;
use crate::{App, AppError, Limit};

impl App {
    /// Sets the check of understanding on a draft of a read-and-understand policy, or
    /// with no questions removes it.
    pub async fn set_understanding_check(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
        questions: Vec<CheckQuestion>,
        pass_mark: u32,
    ) -> Result<Option<UnderstandingCheck>, AppError> {
        let check = if questions.is_empty() {
            None
        } else {
            Some(UnderstandingCheck::new(questions, pass_mark)?)
        };
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let found = PolicyVersions::new(&txn, &scope).get(version).await?;
        let policy = Policies::new(&txn, &scope).get(found.policy).await?;
        require_can_change(principal, &policy)?;
        if policy.obligation != ObligationKind::Read {
            return Err(AppError::invalid(
                "versionId",
                format!(
                    "'{}' is a {} obligation; a check of understanding belongs to a read-and-understand text (set its obligation to read first)",
                    policy.title,
                    policy.obligation.as_str()
                ),
            ));
        }
        if found.state != VersionState::Draft {
            return Err(AppError::Conflict(format!(
                "version {} is {}: a check of understanding is set on a draft",
                found.number,
                found.state.as_str()
            )));
        }
        let learning = Learning::new(&txn, &scope);
        let before = learning.check(version).await?;
        learning.set_check(version, check.as_ref(), at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy_version.set_understanding_check",
                subject_type: "policy_version",
                subject_id: version.as_uuid(),
                before: Some(&before),
                after: Some(&check),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(check)
    }

    /// A version's check with its answers, for those who can see the policy.
    pub async fn understanding_check(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
    ) -> Result<Option<UnderstandingCheck>, AppError> {
        let scope = principal.scope();
        PolicyVersions::new(&self.db, &scope).get(version).await?;
        Ok(Learning::new(&self.db, &scope).check(version).await?)
    }

    /// Attempts at checks of understanding: a member of staff's own, or anyone's in
    /// reach of an admin, DPO or read-only caller.
    pub async fn understanding_attempts(
        &self,
        principal: &Principal,
        person: PersonId,
        policy: Option<PolicyId>,
    ) -> Result<Vec<UnderstandingAttempt>, AppError> {
        let scope = self.person_scope(principal, person).await?;
        Ok(Learning::new(&self.db, &scope)
            .attempts(person, policy)
            .await?)
    }

    /// What the reader of `found` must answer, if the text has a check.
    pub(crate) async fn reader_check(
        &self,
        scope: &TenantScope,
        found: &Obligation,
    ) -> Result<Option<UnderstandingCheck>, AppError> {
        if found.policy.obligation != ObligationKind::Read {
            return Ok(None);
        }
        Ok(Learning::new(&self.db, scope)
            .check(found.version.id)
            .await?)
    }

    /// Scores the reader's answers to the text's check (if it has one), keeping the
    /// attempt whatever its result: a pass is the evidence sealed with the declaration,
    /// a fail is refused with the score.
    pub(crate) async fn understood(
        &self,
        principal: &Principal,
        scope: &TenantScope,
        found: &Obligation,
        chosen: &[usize],
    ) -> Result<Option<CompletionEvidence>, AppError> {
        let Some(check) = self.reader_check(scope, found).await? else {
            if !chosen.is_empty() {
                return Err(AppError::invalid(
                    "understanding",
                    format!("'{}' has no check of understanding", found.policy.title),
                ));
            }
            return Ok(None);
        };
        let score = check.score(chosen)?;
        self.rate_limits
            .hit(Limit::UnderstandingAttempt, &found.person.id.to_string())?;
        // Time-ordered ids: two attempts in the same instant still list newest first.
        let attempt = UnderstandingAttempt {
            id: uuid::Uuid::now_v7(),
            person: found.person.id,
            policy: found.policy.id,
            version: found.version.id,
            school: found.school,
            chosen: chosen.to_vec(),
            correct: score.correct,
            total: score.total,
            pass_mark: score.pass_mark,
            passed: score.passed,
            attempted_at: self.now(),
        };
        let txn = self.db.begin().await?;
        Learning::new(&txn, scope).insert_attempt(&attempt).await?;
        let summary = json!({
            "person": attempt.person,
            "version": attempt.version,
            "correct": score.correct,
            "total": score.total,
            "passed": score.passed,
        });
        record(
            &txn,
            principal,
            attempt.attempted_at,
            Change {
                action: "understanding.attempt",
                subject_type: "understanding_attempt",
                subject_id: attempt.id,
                before: None,
                after: Some(&summary),
            },
        )
        .await?;
        txn.commit().await?;
        if !score.passed {
            return Err(AppError::invalid(
                "understanding",
                format!(
                    "you answered {} of {} questions correctly and {} are needed: read the text again and try again",
                    score.correct, score.total, score.pass_mark
                ),
            ));
        }
        Ok(Some(CompletionEvidence::Understood {
            attempt: attempt.id,
            correct: score.correct,
            total: score.total,
            pass_mark: score.pass_mark,
        }))
    }
}
