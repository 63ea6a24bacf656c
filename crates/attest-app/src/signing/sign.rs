//! Signing and declining a policy: by the member of staff themselves (signed in, or
//! holding a magic link), or recorded from a paper form by a school admin.

use attest_domain::Principal;
use attest_store::Acceptance;

use attest_domain::ViewEvidence;

use super::answer::{DeclinePolicy, Origin, Shown, SignPolicy};
use super::obligation::Obligation;
use super::signer::Signer;
use crate::{App, AppError};

/// A training course is completed, not signed: the school records it with evidence.
pub(super) fn answered_by_the_person(found: &Obligation) -> Result<(), AppError> {
    if found.policy.obligation.answered_by_the_person() {
        return Ok(());
    }
    Err(AppError::Conflict(format!(
        "'{}' is a training course: your school records your completion (a certificate, a \
         session's register or the provider's file), so there is nothing to sign",
        found.policy.title
    )))
}

impl App {
    /// The signed-in member of staff signs a policy version.
    pub async fn sign_policy(
        &self,
        principal: &Principal,
        input: SignPolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let signer = self
            .signed_in(principal, input.version, input.school)
            .await?;
        self.sign_as(&signer, &input, origin).await
    }

    /// A member of staff holding a magic link signs the version it was sent for.
    pub async fn sign_with_magic_link(
        &self,
        secret: &str,
        input: SignPolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let signer = self.link_holder(secret, Some(input.version)).await?;
        self.sign_as(&signer, &input, origin).await
    }

    /// The signed-in member of staff declines, with a reason their school admin sees.
    pub async fn decline_policy(
        &self,
        principal: &Principal,
        input: DeclinePolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let signer = self
            .signed_in(principal, input.version, input.school)
            .await?;
        self.decline_as(&signer, &input, origin).await
    }

    pub async fn decline_with_magic_link(
        &self,
        secret: &str,
        input: DeclinePolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let signer = self.link_holder(secret, Some(input.version)).await?;
        self.decline_as(&signer, &input, origin).await
    }

    pub(super) async fn sign_as(
        &self,
        signer: &Signer,
        input: &SignPolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let viewed = self
            .view_evidence(&signer.scope, &signer.found, input.view)
            .await?;
        if let Some(unmet) = self
            .reading_rule(&signer.scope)
            .await?
            .unmet(viewed.as_ref())
        {
            return Err(AppError::invalid("viewId", unmet));
        }
        answered_by_the_person(&signer.found)?;
        let shown = self.shown(signer, viewed).await?;
        let mut answer = self.signature(signer, input, shown, origin)?;
        answer.completion = self
            .understood(
                &signer.principal,
                &signer.scope,
                &signer.found,
                &input.understanding,
            )
            .await?;
        self.write_answer(
            &signer.principal,
            &signer.scope,
            &signer.found,
            answer,
            signer.link,
        )
        .await
    }

    pub(super) async fn decline_as(
        &self,
        signer: &Signer,
        input: &DeclinePolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let viewed = self
            .view_evidence(&signer.scope, &signer.found, input.view)
            .await?;
        answered_by_the_person(&signer.found)?;
        let shown = self.shown(signer, viewed).await?;
        let answer = self.decline(signer, input, shown, origin)?;
        self.write_answer(
            &signer.principal,
            &signer.scope,
            &signer.found,
            answer,
            signer.link,
        )
        .await
    }

    /// With a view, the changes since the last signature were on the page above the
    /// text (the page and `renderForSigning` show them whenever there are any).
    async fn shown(
        &self,
        signer: &Signer,
        viewed: Option<ViewEvidence>,
    ) -> Result<Shown, AppError> {
        let changes = match viewed {
            Some(_) => self
                .changes_since_signed(&signer.scope, &signer.found)
                .await?
                .map(|since| since.shown),
            None => None,
        };
        Ok(Shown { viewed, changes })
    }
}
