//! Signing and declining a policy: by the member of staff themselves (signed in, or
//! holding a magic link), or recorded from a paper form by a school admin.

use attest_domain::Principal;
use attest_store::Acceptance;

use super::answer::{DeclinePolicy, Origin, SignPolicy};
use super::signer::Signer;
use crate::{App, AppError};

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
        let answer = self.signature(&signer.found, input, signer.method, origin)?;
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
        let answer = self.decline(&signer.found, input, signer.method, origin)?;
        self.write_answer(
            &signer.principal,
            &signer.scope,
            &signer.found,
            answer,
            signer.link,
        )
        .await
    }
}
