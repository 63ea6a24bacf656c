//! A signed-in session: the token in its cookie, checking it on each request (absolute
//! and idle limits, revocation), renewing it, and signing out.

use attest_auth::SessionTokens;
use attest_domain::{Person, PersonId, Principal, SignInMethod, SignerIdentity, Trust, TrustId};
use attest_store::{Memberships, People, RoleGrants, Sessions, TransactionTrait};
use chrono::{DateTime, Utc};

use crate::audit::{Change, record};
use crate::{App, AppError};

use super::{SESSION_ABSOLUTE, SESSION_IDLE, SESSION_TOKEN_LIFETIME, refused, signing_in};

/// A request's session, checked.
#[derive(Debug, Clone)]
pub struct SessionContext {
    pub principal: Principal,
    pub person: Person,
    pub trust: Trust,
    pub session: attest_domain::Session,
    /// A fresh token for the cookie when the presented one is past half its life.
    pub renewed_token: Option<String>,
}

impl App {
    pub(super) fn session_tokens(&self) -> Result<SessionTokens, AppError> {
        Ok(SessionTokens::new(
            self.sealing_key("session")?,
            self.public_url(),
        ))
    }

    /// A token for the session from `at`: valid for `SESSION_TOKEN_LIFETIME`, never past
    /// the session's own end.
    pub(super) fn session_token(
        &self,
        person: PersonId,
        session: uuid::Uuid,
        trust: TrustId,
        at: DateTime<Utc>,
        session_ends: DateTime<Utc>,
    ) -> Result<String, AppError> {
        let exp = (at + SESSION_TOKEN_LIFETIME).min(session_ends);
        self.session_tokens()?
            .issue(
                &person.to_string(),
                &session.to_string(),
                &trust.to_string(),
                at.timestamp(),
                exp.timestamp(),
            )
            .map_err(|error| AppError::Internal(error.to_string()))
    }

    /// Starts a session for `person` (who must still belong to a school of the trust)
    /// and audits it as `action` with `detail`, committing the caller's transaction.
    pub(super) async fn open_session(
        &self,
        txn: attest_store::DatabaseTransaction,
        (trust, person): (Trust, Person),
        how: (&str, SignInMethod),
        identity: impl FnOnce(uuid::Uuid) -> SignerIdentity,
        at: DateTime<Utc>,
        (action, detail): (&'static str, serde_json::Value),
    ) -> Result<super::SignedIn, AppError> {
        let operator = signing_in(trust.id);
        let scope = operator.scope();
        let today = self.today();
        let active = Memberships::new(&txn, &scope)
            .for_people(&[person.id])
            .await?
            .iter()
            .any(|membership| membership.ended_on.is_none_or(|ended| ended > today));
        if !active {
            return Err(refused(
                "this account's person has left every school of the trust",
            ));
        }
        let session = uuid::Uuid::now_v7();
        let expires_at = at + SESSION_ABSOLUTE;
        Sessions::new(&txn, &scope)
            .create(
                session,
                person.id,
                how,
                &identity(session),
                (at, expires_at),
            )
            .await?;
        let principal = crate::principals::person(trust.id, person.id, Vec::new());
        record(
            &txn,
            &principal,
            at,
            Change {
                action,
                subject_type: "session",
                subject_id: session,
                before: None,
                after: Some(&detail),
            },
        )
        .await?;
        txn.commit().await?;
        let token = self.session_token(person.id, session, trust.id, at, expires_at)?;
        Ok(super::SignedIn {
            person,
            trust,
            token,
            expires_at,
        })
    }

    /// The session a cookie's token names, if it is still open; records the activity.
    pub async fn session(&self, token: &str) -> Result<SessionContext, AppError> {
        let expired = || refused("your session has ended: sign in again");
        let claims = self
            .session_tokens()?
            .verify(token, self.now().timestamp())
            .map_err(|_| expired())?;
        let parse = |text: &str| text.parse::<uuid::Uuid>().map_err(|_| expired());
        let trust = TrustId::from_uuid(parse(&claims.trust)?);
        let person = PersonId::from_uuid(parse(&claims.sub)?);
        let session_id = parse(&claims.sid)?;
        let operator = signing_in(trust);
        let scope = operator.scope();
        let sessions = Sessions::new(&self.db, &scope);
        let session = sessions.get(session_id).await?.ok_or_else(expired)?;
        let now = self.now();
        if session.revoked_at.is_some()
            || session.expires_at <= now
            || session.last_seen_at + SESSION_IDLE <= now
            || session.person_id != person.as_uuid()
        {
            return Err(expired());
        }
        sessions.touch(session_id, now).await?;
        let roles = RoleGrants::new(&self.db, &scope)
            .active_for_people(&[person])
            .await?
            .into_iter()
            .map(|grant| grant.assignment)
            .collect();
        let renewed_token =
            if claims.exp - now.timestamp() < SESSION_TOKEN_LIFETIME.num_seconds() / 2 {
                Some(self.session_token(person, session_id, trust, now, session.expires_at)?)
            } else {
                None
            };
        Ok(SessionContext {
            principal: crate::principals::person(trust, person, roles)
                .signed_in_by(session.method)
                .in_session(session.id),
            person: People::new(&self.db, &scope).get(person).await?,
            trust: self.trust(&operator).await?,
            session,
            renewed_token,
        })
    }

    /// Ends the session now; its cookie no longer works even before it expires.
    pub async fn sign_out(&self, context: &SessionContext) -> Result<(), AppError> {
        let at = self.now();
        let txn = self.db.begin().await?;
        Sessions::new(&txn, &signing_in(context.trust.id).scope())
            .revoke(context.session.id, at)
            .await?;
        record(
            &txn,
            &context.principal,
            at,
            Change {
                action: "sso.logout",
                subject_type: "session",
                subject_id: context.session.id,
                before: None,
                after: None::<&serde_json::Value>,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
