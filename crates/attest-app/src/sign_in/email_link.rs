//! Using an email sign-in link: trust IT (or the demo) makes one for a person; its page
//! shows whom it signs in without using it (mail scanners open links); pressing the
//! button uses it up and starts the session.

use attest_domain::{Email, Person, PersonId, Principal, SignInMethod, SignerIdentity, Trust};
use attest_store::{
    NewSignInLink, People, SignInLinks, TransactionTrait, TrustSignInSettings,
    find_sign_in_link_by_hash,
};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::{SignedIn, refused, signing_in};
use crate::access::require_trust_admin;
use crate::audit::{Change, record};
use crate::{App, AppError, Limit};

/// The longest a link issued by trust IT (or the demo) may last.
pub const MAX_ISSUED_LINK_HOURS: i64 = 72;

/// What a sign-in link's page shows before it is used.
#[derive(Debug, Clone)]
pub struct SignInLinkPreview {
    pub trust_name: String,
    pub person_name: String,
    pub expires_at: DateTime<Utc>,
}

/// A link made by trust IT (or the demo) for one person.
#[derive(Debug, Clone)]
pub struct IssuedSignInLink {
    pub person: Person,
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// The one answer for unknown, used and expired links.
fn invalid_sign_in_link() -> AppError {
    AppError::NotFound(
        "this sign-in link is not valid: it may have expired or been used already; \
         ask for a new one on the sign-in page"
            .to_owned(),
    )
}

impl App {
    /// A sign-in link for one person, made by trust IT (`attest sign-in link`) or the
    /// demo, to hand over another way. Not emailed; audited.
    pub async fn issue_sign_in_link(
        &self,
        principal: &Principal,
        person: PersonId,
        valid_for: Duration,
    ) -> Result<IssuedSignInLink, AppError> {
        require_trust_admin(principal, "make sign-in links").or_else(|refusal| match principal
            .system_task()
        {
            Some(attest_domain::SystemTask::CommandLine | attest_domain::SystemTask::Demo) => {
                Ok(())
            }
            _ => Err(refusal),
        })?;
        if valid_for <= Duration::zero() || valid_for > Duration::hours(MAX_ISSUED_LINK_HOURS) {
            return Err(AppError::invalid(
                "validFor",
                format!("a sign-in link lasts between a minute and {MAX_ISSUED_LINK_HOURS} hours"),
            ));
        }
        let scope = principal.scope();
        let person = People::new(&self.db, &scope).get(person).await?;
        let minted = attest_auth::mint_sign_in_link()
            .map_err(|error| AppError::Internal(error.to_string()))?;
        let at = self.now();
        let expires_at = at + valid_for;
        let sent_to = person.email.as_ref().map_or("", Email::as_str).to_owned();
        let txn = self.db.begin().await?;
        let link = SignInLinks::new(&txn, &scope)
            .insert(NewSignInLink {
                person: person.id,
                token_hash: &minted.hash,
                sent_to: &sent_to,
                origin: "issued",
                requested_from: None,
                at,
                expires_at,
            })
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "sign_in.link_issued",
                subject_type: "person",
                subject_id: person.id.as_uuid(),
                before: None::<&serde_json::Value>,
                after: Some(&json!({ "link": link, "expires_at": expires_at })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(IssuedSignInLink {
            url: format!("{}/sign-in/email/{}", self.public_url(), minted.secret),
            person,
            expires_at,
        })
    }

    /// Who a sign-in link is for, without using it (its page asks to confirm: mail
    /// scanners open links, and must not use them up).
    pub async fn preview_sign_in_link(
        &self,
        secret: &str,
        address: &str,
    ) -> Result<SignInLinkPreview, AppError> {
        let (row, trust, person) = self.open_sign_in_link(secret, address).await?;
        Ok(SignInLinkPreview {
            trust_name: trust.name.as_str().to_owned(),
            person_name: person.full_name.as_str().to_owned(),
            expires_at: row.expires_at,
        })
    }

    async fn open_sign_in_link(
        &self,
        secret: &str,
        address: &str,
    ) -> Result<(attest_store::SignInLinkRow, Trust, Person), AppError> {
        self.rate_limits.blocked(Limit::MagicLinkFailure, address)?;
        let now = self.now();
        let found = if attest_auth::is_sign_in_link(secret) {
            find_sign_in_link_by_hash(&self.db, &attest_auth::hash_token(secret))
                .await?
                .filter(|row| row.used_at.is_none() && row.expires_at > now)
        } else {
            None
        };
        let Some(row) = found else {
            self.rate_limits.failed(Limit::MagicLinkFailure, address)?;
            return Err(invalid_sign_in_link());
        };
        let operator = signing_in(row.trust());
        let trust = self.trust(&operator).await?;
        let person = People::new(&self.db, &operator.scope())
            .get(row.person())
            .await?;
        Ok((row, trust, person))
    }

    /// Uses the link up and starts a session for its person.
    pub async fn complete_email_sign_in(
        &self,
        secret: &str,
        address: &str,
    ) -> Result<SignedIn, AppError> {
        let (row, trust, person) = self.open_sign_in_link(secret, address).await?;
        let operator = signing_in(trust.id);
        let scope = operator.scope();
        // A link someone asked for is only as good as the trust's setting now; one trust
        // IT issued stands on their decision. Either way the person must still be here.
        if row.origin == "requested" {
            let setting = TrustSignInSettings::new(&self.db, &scope).email().await?;
            if !self.may_sign_in_by_email(&scope, &person, &setting).await? {
                return Err(refused(&format!(
                    "{} no longer lets you sign in by email: use your school account",
                    trust.name
                )));
            }
        }
        let at = self.now();
        let txn = self.db.begin().await?;
        if !SignInLinks::new(&txn, &scope).consume(row.id, at).await? {
            self.rate_limits.failed(Limit::MagicLinkFailure, address)?;
            return Err(invalid_sign_in_link());
        }
        self.open_session(
            txn,
            (trust, person),
            ("email", SignInMethod::EmailLink),
            |session| SignerIdentity::EmailLink {
                session,
                link: row.id,
                sent_to: row.sent_to.clone(),
            },
            at,
            (
                "sign_in.email",
                json!({ "link": row.id, "sentTo": row.sent_to, "origin": row.origin, "address": address }),
            ),
        )
        .await
    }
}
