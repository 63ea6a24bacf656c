//! Who is answering and how they proved it: the signed-in person, or the holder of a
//! magic link (unknown, expired and used links all get the same answer).

use attest_domain::{
    MagicLinkId, PersonId, PolicyVersionId, Principal, SchoolId, SignerIdentity, SigningMethod,
    TenantScope,
};
use attest_store::{Sessions, find_magic_link_by_hash};
use chrono::{DateTime, Utc};

use super::obligation::{Obligation, obligation};
use crate::{App, AppError};

/// The one answer given for unknown, expired and used links alike, so that a link's
/// existence cannot be probed.
pub(crate) fn invalid_link() -> AppError {
    AppError::NotFound(
        "this signing link is not valid: it may have expired or been used already; \
         ask your school for a new one"
            .to_owned(),
    )
}

/// Who is answering, how they proved it, and what they owe.
pub(super) struct Signer {
    pub principal: Principal,
    pub scope: TenantScope,
    pub found: Obligation,
    pub method: SigningMethod,
    /// How they were authenticated, recorded with the answer.
    pub identity: SignerIdentity,
    pub link: Option<MagicLinkId>,
    /// For a magic link: when it stops working (the form shows it).
    pub expires_at: Option<DateTime<Utc>>,
}

/// A usable magic link, and the person it acts as.
pub(super) struct OpenedLink {
    pub(super) principal: Principal,
    pub(super) scope: TenantScope,
    pub(super) id: MagicLinkId,
    pub(super) version: PolicyVersionId,
    pub(super) person: PersonId,
    pub(super) school: SchoolId,
    pub(super) expires_at: DateTime<Utc>,
}

pub(super) fn own_scope(principal: &Principal) -> Result<(PersonId, TenantScope), AppError> {
    let own = principal.own_records().ok_or_else(|| {
        AppError::forbidden(
            "only the member of staff themselves can sign: sign in as them, use their signing \
             link, or record a paper form with recordPaperAcceptance",
        )
    })?;
    let (person, scope) = own.keyed();
    Ok((person, scope.clone()))
}

impl App {
    pub(super) async fn signed_in(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
        school: Option<SchoolId>,
    ) -> Result<Signer, AppError> {
        let (person, scope) = own_scope(principal)?;
        let found = obligation(
            (&self.db, &self.signing_texts),
            &scope,
            person,
            version,
            school,
            self.today(),
        )
        .await?;
        // Sessions started before identities were kept record nothing more.
        let identity = match principal.session() {
            Some(session) => Sessions::new(&self.db, &scope)
                .identity(session)
                .await?
                .unwrap_or(SignerIdentity::Direct),
            None => SignerIdentity::Direct,
        };
        Ok(Signer {
            principal: principal.clone(),
            scope,
            found,
            identity,
            // A person acts through a session; the demo and tests sign as a person
            // directly, recorded like a provider sign-in.
            method: principal.sign_in_method().map_or(
                SigningMethod::Sso,
                attest_domain::SignInMethod::signing_method,
            ),
            link: None,
            expires_at: None,
        })
    }

    /// The holder of a magic link, for `version` when the caller names one.
    pub(super) async fn link_holder(
        &self,
        secret: &str,
        version: Option<PolicyVersionId>,
    ) -> Result<Signer, AppError> {
        let link = self.open_link(secret).await?;
        if version.is_some_and(|version| version != link.version) {
            return Err(AppError::invalid(
                "versionId",
                "this link is for another version of the policy",
            ));
        }
        let found = obligation(
            (&self.db, &self.signing_texts),
            &link.scope,
            link.person,
            link.version,
            Some(link.school),
            self.today(),
        )
        .await?;
        Ok(Signer {
            principal: link.principal,
            scope: link.scope,
            method: SigningMethod::MagicLink,
            identity: SignerIdentity::MagicLink {
                link: link.id.as_uuid(),
                sent_to: found
                    .person
                    .email
                    .as_ref()
                    .map(|email| email.as_str().to_owned()),
            },
            found,
            link: Some(link.id),
            expires_at: Some(link.expires_at),
        })
    }

    /// Verifies a magic link and acts as the person it was sent to.
    pub(super) async fn open_link(&self, secret: &str) -> Result<OpenedLink, AppError> {
        if !attest_auth::is_magic_link(secret) {
            return Err(invalid_link());
        }
        let link = find_magic_link_by_hash(&self.db, &attest_auth::hash_token(secret))
            .await?
            .filter(|link| link.is_usable(self.now()))
            .ok_or_else(invalid_link)?;
        let principal = crate::principals::person(link.trust, link.person, Vec::new());
        let (_, scope) = own_scope(&principal)?;
        Ok(OpenedLink {
            principal,
            scope,
            id: link.id,
            version: link.version,
            person: link.person,
            school: link.school,
            expires_at: link.expires_at,
        })
    }
}
