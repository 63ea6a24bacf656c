//! Email sign-in: a trust's setting (who may), and the single-use links that start a
//! session (kept by hash; a link is used up by the one statement that checks it).

use attest_domain::{EmailSignIn, MembershipKind, PersonId, TenantScope, TrustId};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

use crate::StoreError;

pub struct TrustSignInSettings<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

#[derive(FromQueryResult)]
struct SettingsRow {
    email_enabled: bool,
    email_kinds: String,
}

impl<'a, C: ConnectionTrait> TrustSignInSettings<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    /// The trust's email sign-in (off until the trust turns it on).
    pub async fn email(&self) -> Result<EmailSignIn, StoreError> {
        let row = SettingsRow::find_by_statement(Statement::from_sql_and_values(
            self.conn.get_database_backend(),
            "SELECT email_enabled, email_kinds FROM trust_sign_in_settings WHERE trust_id = $1",
            vec![self.scope.trust().as_uuid().into()],
        ))
        .one(self.conn)
        .await?;
        let Some(row) = row else {
            return Ok(EmailSignIn::default());
        };
        let kinds = row
            .email_kinds
            .split(',')
            .filter(|kind| !kind.is_empty())
            .map(|kind| {
                kind.parse::<MembershipKind>()
                    .map_err(|error| StoreError::Corrupt {
                        what: "sign-in settings",
                        detail: error.to_string(),
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(EmailSignIn {
            enabled: row.email_enabled,
            kinds,
        })
    }

    pub async fn put_email(
        &self,
        email: &EmailSignIn,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                "INSERT INTO trust_sign_in_settings (trust_id, email_enabled, email_kinds, updated_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (trust_id) DO UPDATE SET \
                 email_enabled = excluded.email_enabled, email_kinds = excluded.email_kinds, \
                 updated_at = excluded.updated_at",
                vec![
                    self.scope.trust().as_uuid().into(),
                    email.enabled.into(),
                    email.kinds_text().into(),
                    at.into(),
                ],
            ))
            .await?;
        Ok(())
    }
}

/// A new sign-in link.
#[derive(Debug, Clone)]
pub struct NewSignInLink<'a> {
    pub person: PersonId,
    pub token_hash: &'a str,
    pub sent_to: &'a str,
    /// `requested` (at the sign-in page) or `issued` (by trust IT or the demo).
    pub origin: &'a str,
    pub requested_from: Option<&'a str>,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A link found by its hash, before it is used.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SignInLinkRow {
    pub id: uuid::Uuid,
    pub trust_id: uuid::Uuid,
    pub person_id: uuid::Uuid,
    pub sent_to: String,
    pub origin: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

impl SignInLinkRow {
    pub fn trust(&self) -> TrustId {
        TrustId::from_uuid(self.trust_id)
    }

    pub fn person(&self) -> PersonId {
        PersonId::from_uuid(self.person_id)
    }
}

/// The link with this token hash, in whichever trust (the token is the only thing a
/// browser brings; the trust is read from the row).
pub async fn find_sign_in_link_by_hash<C: ConnectionTrait>(
    conn: &C,
    token_hash: &str,
) -> Result<Option<SignInLinkRow>, StoreError> {
    Ok(
        SignInLinkRow::find_by_statement(Statement::from_sql_and_values(
            conn.get_database_backend(),
            "SELECT id, trust_id, person_id, sent_to, origin, expires_at, used_at \
         FROM sign_in_links WHERE token_hash = $1",
            vec![token_hash.into()],
        ))
        .one(conn)
        .await?,
    )
}

pub struct SignInLinks<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

impl<'a, C: ConnectionTrait> SignInLinks<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    pub async fn insert(&self, new: NewSignInLink<'_>) -> Result<uuid::Uuid, StoreError> {
        let id = uuid::Uuid::now_v7();
        self.conn
            .execute_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                "INSERT INTO sign_in_links (id, trust_id, person_id, token_hash, sent_to, origin, \
                 requested_from, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                vec![
                    id.into(),
                    self.scope.trust().as_uuid().into(),
                    new.person.as_uuid().into(),
                    new.token_hash.into(),
                    new.sent_to.into(),
                    new.origin.into(),
                    new.requested_from.map(str::to_owned).into(),
                    new.at.into(),
                    new.expires_at.into(),
                ],
            ))
            .await?;
        Ok(id)
    }

    /// Uses the link up: `true` for the one caller that found it unused and unexpired.
    pub async fn consume(&self, id: uuid::Uuid, at: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                "UPDATE sign_in_links SET used_at = $3 \
                 WHERE trust_id = $1 AND id = $2 AND used_at IS NULL AND expires_at > $3",
                vec![self.scope.trust().as_uuid().into(), id.into(), at.into()],
            ))
            .await?
            .rows_affected()
            == 1)
    }

    /// Links sent to this person since `since` (a person gets only a few an hour,
    /// whoever asks for them).
    pub async fn sent_since(
        &self,
        person: PersonId,
        since: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(Count::find_by_statement(Statement::from_sql_and_values(
            self.conn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM sign_in_links \
             WHERE trust_id = $1 AND person_id = $2 AND created_at > $3",
            vec![
                self.scope.trust().as_uuid().into(),
                person.as_uuid().into(),
                since.into(),
            ],
        ))
        .one(self.conn)
        .await?
        .map_or(0, |count| count.n))
    }
}
