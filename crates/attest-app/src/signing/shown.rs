//! What a signer was shown before answering: the view of the text (opened when, open
//! how long, read to the end), the trust's reading rule for the sign button, and for a
//! re-signer the clause-level changes since the version they last signed.

use attest_domain::{
    ChangesShown, Decision, MAX_READING_SECONDS, Principal, ReadingRule, TenantScope, ViewEvidence,
};
use attest_store::{
    Acceptances, PolicyVersions, SigningViews, TransactionTrait, TrustSigningSettings, ViewMarker,
    mark_view,
};

use super::obligation::Obligation;
use crate::audit::{Change, record};
use crate::{App, AppError};

/// The changes a re-signer is shown above the text.
#[derive(Debug, Clone)]
pub struct ChangesSince {
    pub shown: ChangesShown,
    pub since_version_number: u32,
    pub changes: Vec<attest_document::Change>,
}

impl App {
    /// Records that the person opened the text of their obligation; the page carries
    /// the view's id to the answer.
    pub(super) async fn open_view(
        &self,
        scope: &TenantScope,
        found: &Obligation,
    ) -> Result<uuid::Uuid, AppError> {
        let id = uuid::Uuid::new_v4();
        SigningViews::new(&self.db, scope)
            .open(
                id,
                (found.person.id, found.version.id, found.school),
                self.now(),
            )
            .await?;
        Ok(id)
    }

    /// The evidence of `view` for an answer now: only a view of this person's
    /// obligation counts.
    pub(super) async fn view_evidence(
        &self,
        scope: &TenantScope,
        found: &Obligation,
        view: Option<uuid::Uuid>,
    ) -> Result<Option<ViewEvidence>, AppError> {
        let Some(view) = view else { return Ok(None) };
        let stored = SigningViews::new(&self.db, scope).get(view).await?;
        Ok(stored
            .filter(|stored| {
                stored.person_id == found.person.id.as_uuid()
                    && stored.version_id == found.version.id.as_uuid()
            })
            .map(|stored| stored.evidence(self.now())))
    }

    /// The trust's reading rule (none until a trust admin sets one).
    pub(super) async fn reading_rule(&self, scope: &TenantScope) -> Result<ReadingRule, AppError> {
        Ok(TrustSigningSettings::new(&self.db, scope)
            .reading_rule()
            .await?)
    }

    /// A signing page's marker image was fetched: the end of the text was reached, or
    /// (the `<noscript>` one) the browser runs no scripts. Unknown ids change nothing
    /// (and say nothing).
    pub async fn view_marker(&self, view: uuid::Uuid, marker: ViewMarker) -> Result<(), AppError> {
        mark_view(&self.db, view, marker, self.now()).await?;
        Ok(())
    }

    /// The changes since the version the person last signed, when that was an earlier
    /// version of this policy.
    pub(super) async fn changes_since_signed(
        &self,
        scope: &TenantScope,
        found: &Obligation,
    ) -> Result<Option<ChangesSince>, AppError> {
        let history = Acceptances::new(&self.db, scope)
            .for_person(found.person.id)
            .await?;
        let Some(last) = history
            .iter()
            .rev()
            .find(|row| row.policy == found.policy.id && row.decision == Decision::Accepted)
        else {
            return Ok(None);
        };
        if last.version == found.version.id {
            return Ok(None);
        }
        let before = PolicyVersions::new(&self.db, scope)
            .get(last.version)
            .await?;
        let changes = attest_document::diff(&before.document, &found.version.document);
        Ok(Some(ChangesSince {
            shown: ChangesShown {
                since_version: last.version.as_uuid(),
                since_acceptance: last.id.as_uuid(),
                clauses_changed: u32::try_from(changes.len()).unwrap_or(u32::MAX),
            },
            since_version_number: before.number,
            changes,
        }))
    }

    /// A trust admin sets what a reader must do before the sign button works.
    pub async fn set_reading_rule(
        &self,
        principal: &Principal,
        rule: ReadingRule,
    ) -> Result<ReadingRule, AppError> {
        if !principal.is_trust_admin() {
            return Err(AppError::forbidden(
                "only a trust admin can set the reading rule",
            ));
        }
        if rule.min_seconds > MAX_READING_SECONDS {
            return Err(AppError::invalid(
                "minSeconds",
                format!("at most {MAX_READING_SECONDS} seconds (30 minutes)"),
            ));
        }
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let settings = TrustSigningSettings::new(&txn, &scope);
        let before = settings.reading_rule().await?;
        settings.set_reading_rule(rule, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "signing.reading_rule",
                subject_type: "trust",
                subject_id: scope.trust().as_uuid(),
                before: Some(&before),
                after: Some(&rule),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(rule)
    }

    /// The trust's reading rule, for anyone in the trust.
    pub async fn signing_reading_rule(
        &self,
        principal: &Principal,
    ) -> Result<ReadingRule, AppError> {
        self.reading_rule(&principal.scope()).await
    }
}
