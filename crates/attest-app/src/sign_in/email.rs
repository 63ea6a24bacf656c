//! Email sign-in, for people without a school Microsoft or Google account (governors,
//! volunteers, visitors, contractors): a trust turns it on for some membership kinds; a
//! person asks for a link at the sign-in page and gets a single-use, short-lived link by
//! email. The answer to the asker is the same whether or not the address is known, and
//! asking is rate-limited by address, by email address and (across replicas, in the
//! database) by person. Using the link starts the same kind of session as SSO.

use attest_domain::{Email, EmailSignIn, Person, Principal, ProviderKind, Slug, Trust};
use attest_store::{
    IdentityProviders, Memberships, NewEmail, NewSignInLink, Outbox, People, SignInLinks,
    TransactionTrait, TrustSignInSettings, Trusts,
};
use chrono::Duration;
use serde_json::json;

use super::signing_in;
use crate::access::require_trust_admin;
use crate::audit::{Change, record};
use crate::{App, AppError, Limit};

/// How long an emailed sign-in link works.
pub const EMAIL_LINK_MINUTES: i64 = 15;
/// Links sent to one person in an hour, at most, however many replicas are asked.
const LINKS_PER_PERSON_PER_HOUR: i64 = 5;

/// How people of a trust can sign in, for its front door.
#[derive(Debug, Clone)]
pub struct SignInChoices {
    pub trust: Trust,
    /// Each identity provider: its slug (for `/auth/{trust}/{slug}/login`), name and kind.
    pub providers: Vec<(String, String, ProviderKind)>,
    pub email: EmailSignIn,
}

impl App {
    /// The trusts on this server, for a front door that serves more than one.
    pub async fn trusts_for_sign_in(&self) -> Result<Vec<Trust>, AppError> {
        Ok(Trusts::all(&self.db).await?)
    }

    /// A trust's sign-in choices: its identity providers and email sign-in.
    pub async fn sign_in_choices(&self, trust: &str) -> Result<SignInChoices, AppError> {
        let trust = self.trust_for_sign_in(trust).await?;
        let operator = signing_in(trust.id);
        let scope = operator.scope();
        let providers = IdentityProviders::new(&self.db, &scope)
            .list()
            .await?
            .into_iter()
            .map(|found| {
                (
                    found.settings.slug.to_string(),
                    found.settings.display_name.clone(),
                    found.settings.kind,
                )
            })
            .collect();
        let email = TrustSignInSettings::new(&self.db, &scope).email().await?;
        Ok(SignInChoices {
            trust,
            providers,
            email,
        })
    }

    async fn trust_for_sign_in(&self, slug: &str) -> Result<Trust, AppError> {
        let not_found = || AppError::NotFound("there is no such trust on this server".to_owned());
        let slug = Slug::parse(slug).map_err(|_| not_found())?;
        Trusts::find_by_slug(&self.db, &slug)
            .await
            .map_err(|_| not_found())
    }

    /// The trust's email sign-in setting.
    pub async fn email_sign_in(&self, principal: &Principal) -> Result<EmailSignIn, AppError> {
        require_trust_admin(principal, "see how people sign in")?;
        Ok(TrustSignInSettings::new(&self.db, &principal.scope())
            .email()
            .await?)
    }

    /// Turns email sign-in on (for the given membership kinds) or off. Trust admins only.
    pub async fn set_email_sign_in(
        &self,
        principal: &Principal,
        setting: EmailSignIn,
    ) -> Result<EmailSignIn, AppError> {
        require_trust_admin(principal, "change how people sign in")?;
        if setting.enabled && setting.kinds.is_empty() {
            return Err(AppError::invalid(
                "kinds",
                "name at least one membership kind that may sign in by email",
            ));
        }
        let scope = principal.scope();
        let at = self.now();
        // Read before the transaction, which then starts with its write: on SQLite a
        // transaction that reads first cannot wait for another writer, it fails at once.
        let before = TrustSignInSettings::new(&self.db, &scope).email().await?;
        let txn = self.db.begin().await?;
        TrustSignInSettings::new(&txn, &scope)
            .put_email(&setting, at)
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "sign_in.email_settings",
                subject_type: "trust",
                subject_id: principal.trust().as_uuid(),
                before: Some(&before),
                after: Some(&setting),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(setting)
    }

    /// Someone at the sign-in page asks for a link for `email`. The answer (the trust) is
    /// the same whether or not anyone has that address (or may sign in by email); only a
    /// malformed address, a trust without email sign-in and asking too fast are told apart.
    pub async fn request_email_sign_in(
        &self,
        trust: &str,
        email: &str,
        address: &str,
    ) -> Result<Trust, AppError> {
        self.rate_limits.hit(Limit::EmailSignIn, address)?;
        let email = Email::parse(email.trim()).map_err(|_| {
            AppError::invalid("email", "enter an email address, like name@example.org")
        })?;
        self.rate_limits
            .hit(Limit::EmailSignIn, &format!("email:{}", email.as_str()))?;
        let trust = self.trust_for_sign_in(trust).await?;
        let operator = signing_in(trust.id);
        let scope = operator.scope();
        let setting = TrustSignInSettings::new(&self.db, &scope).email().await?;
        if !setting.enabled {
            return Err(AppError::forbidden(format!(
                "{} does not offer sign-in by email: use your school account",
                trust.name
            )));
        }
        // Whether anyone has this address, may sign in by email, or has had too many links
        // is decided after answering, so the answer's timing says nothing either.
        let app = self.clone();
        let address = address.to_owned();
        tokio::spawn(async move {
            if let Err(error) = app
                .send_if_allowed(&operator, &setting, &email, &address)
                .await
            {
                tracing::error!(%error, "email sign-in: the link could not be sent");
            }
        });
        Ok(trust)
    }

    async fn send_if_allowed(
        &self,
        operator: &Principal,
        setting: &EmailSignIn,
        email: &Email,
        address: &str,
    ) -> Result<(), AppError> {
        let scope = operator.scope();
        let trust = operator.trust();
        let Some(person) = People::new(&self.db, &scope).find_by_email(email).await? else {
            tracing::info!(%trust, "email sign-in asked for an unknown address");
            return Ok(());
        };
        if !self.may_sign_in_by_email(&scope, &person, setting).await? {
            tracing::info!(%trust, person = %person.id, "email sign-in not allowed for this person");
            return Ok(());
        }
        let links = SignInLinks::new(&self.db, &scope);
        let hour_ago = self.now() - Duration::hours(1);
        if links.sent_since(person.id, hour_ago).await? >= LINKS_PER_PERSON_PER_HOUR {
            tracing::warn!(%trust, person = %person.id, "email sign-in: too many links for this person");
            return Ok(());
        }
        self.send_sign_in_link(operator, &person, email.as_str(), address)
            .await
    }

    pub(super) async fn may_sign_in_by_email(
        &self,
        scope: &attest_domain::TenantScope,
        person: &Person,
        setting: &EmailSignIn,
    ) -> Result<bool, AppError> {
        let today = self.today();
        let held: Vec<_> = Memberships::new(&self.db, scope)
            .for_people(&[person.id])
            .await?
            .into_iter()
            .filter(|membership| membership.ended_on.is_none_or(|ended| ended > today))
            .map(|membership| membership.kind)
            .collect();
        Ok(setting.allows(held))
    }

    async fn send_sign_in_link(
        &self,
        operator: &Principal,
        person: &Person,
        email: &str,
        address: &str,
    ) -> Result<(), AppError> {
        let scope = operator.scope();
        let minted = attest_auth::mint_sign_in_link()
            .map_err(|error| AppError::Internal(error.to_string()))?;
        let at = self.now();
        let expires_at = at + Duration::minutes(EMAIL_LINK_MINUTES);
        let branding = self.branding(operator).await?;
        let url = format!("{}/sign-in/email/{}", self.public_url(), minted.secret);
        let body = crate::email_templates::render_email(
            "sign_in",
            &branding,
            minijinja::context! {
                name => person.full_name.as_str(),
                url => url,
                minutes => EMAIL_LINK_MINUTES,
            },
        )?;
        let txn = self.db.begin().await?;
        let link = SignInLinks::new(&txn, &scope)
            .insert(NewSignInLink {
                person: person.id,
                token_hash: &minted.hash,
                sent_to: email,
                origin: "requested",
                requested_from: Some(address),
                at,
                expires_at,
            })
            .await?;
        Outbox::new(&txn, &scope)
            .enqueue(NewEmail {
                kind: "sign_in",
                to_address: email.to_owned(),
                subject: body.subject,
                body_text: body.text,
                body_html: Some(body.html),
                dedupe_key: Some(format!("sign_in:{link}")),
                at,
            })
            .await?;
        record(
            &txn,
            operator,
            at,
            Change {
                action: "sign_in.link_sent",
                subject_type: "person",
                subject_id: person.id.as_uuid(),
                before: None::<&serde_json::Value>,
                after: Some(&json!({ "link": link, "address": address, "expires_at": expires_at })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
