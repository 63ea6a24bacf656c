//! Who may do what: granting roles to people and issuing API tokens. Trust admins only.

use attest_domain::{
    ApiToken, ApiTokenId, PersonId, Principal, Role, RoleAssignment, RoleGrant, RoleGrantId,
    SchoolId, TokenName,
};
use attest_store::{
    ApiTokens, NewApiToken, NewRoleGrant, People, Revocations, RoleGrants, Schools,
    TransactionTrait,
};
use chrono::{DateTime, Utc};

use crate::audit::{Change, record};
use crate::{App, AppError};

/// How long a token issued without a choice lives: a forgotten token stops working.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;

/// When a new token stops working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenExpiry {
    /// `DEFAULT_TOKEN_DAYS` from now.
    Default,
    At(DateTime<Utc>),
    /// Never: only when asked for explicitly.
    Never,
}

/// A new token and its secret. The secret exists only here: it is not stored.
pub struct IssuedToken {
    pub token: ApiToken,
    pub secret: String,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("token", &self.token)
            .field("secret", &"[redacted]")
            .finish()
    }
}

pub(crate) fn require_trust_admin(principal: &Principal, what: &str) -> Result<(), AppError> {
    if principal.can_administer_trust() {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "only a trust admin can {what}"
        )))
    }
}

impl App {
    fn assignment(&self, role: &str, school: Option<SchoolId>) -> Result<RoleAssignment, AppError> {
        let role: Role = role.parse()?;
        Ok(RoleAssignment::new(role, school)?)
    }

    pub async fn role_grants_for_people(
        &self,
        principal: &Principal,
        people: &[PersonId],
    ) -> Result<Vec<RoleGrant>, AppError> {
        require_trust_admin(principal, "see role grants")?;
        Ok(RoleGrants::new(&self.db, &principal.scope())
            .active_for_people(people)
            .await?)
    }

    pub async fn grant_role(
        &self,
        principal: &Principal,
        person: PersonId,
        role: &str,
        school: Option<SchoolId>,
    ) -> Result<RoleGrant, AppError> {
        require_trust_admin(principal, "grant roles")?;
        let assignment = self.assignment(role, school)?;
        if assignment.role() == Role::Scim {
            return Err(AppError::invalid(
                "role",
                "the scim role is for an identity system's token (attest token create --role scim), not a person",
            ));
        }
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        People::new(&txn, &scope).get(person).await?;
        if let Some(school) = school {
            Schools::new(&txn, &scope).get(school).await?;
        }
        let grants = RoleGrants::new(&txn, &scope);
        if grants
            .active_for_people(&[person])
            .await?
            .iter()
            .any(|grant| grant.assignment == assignment)
        {
            return Err(AppError::Conflict(format!(
                "this person already holds the {} role there",
                assignment.role()
            )));
        }
        let at = self.now();
        let grant = grants
            .insert(NewRoleGrant {
                person,
                assignment,
                at,
            })
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "role.grant",
                subject_type: "role_grant",
                subject_id: grant.id.as_uuid(),
                before: None,
                after: Some(&grant),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(grant)
    }

    pub async fn revoke_role(
        &self,
        principal: &Principal,
        id: RoleGrantId,
    ) -> Result<RoleGrant, AppError> {
        require_trust_admin(principal, "revoke roles")?;
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let grants = RoleGrants::new(&txn, &scope);
        let before = grants.get(id).await?;
        if before.revoked_at.is_some() {
            return Err(AppError::Conflict(
                "this role grant is already revoked".to_owned(),
            ));
        }
        let at = self.now();
        let grant = grants.revoke(id, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "role.revoke",
                subject_type: "role_grant",
                subject_id: id.as_uuid(),
                before: Some(&before),
                after: Some(&grant),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(grant)
    }

    pub async fn api_tokens(&self, principal: &Principal) -> Result<Vec<ApiToken>, AppError> {
        require_trust_admin(principal, "list API tokens")?;
        Ok(ApiTokens::new(&self.db, &principal.scope()).list().await?)
    }

    pub async fn issue_api_token(
        &self,
        principal: &Principal,
        name: &str,
        role: &str,
        school: Option<SchoolId>,
        expiry: TokenExpiry,
    ) -> Result<IssuedToken, AppError> {
        require_trust_admin(principal, "issue API tokens")?;
        let name = TokenName::parse(name)?;
        let assignment = self.assignment(role, school)?;
        let at = self.now();
        let expires_at = match expiry {
            TokenExpiry::Default => Some(at + chrono::Duration::days(DEFAULT_TOKEN_DAYS)),
            TokenExpiry::At(when) => Some(when),
            TokenExpiry::Never => None,
        };
        if expires_at.is_some_and(|expires| expires <= at) {
            return Err(AppError::invalid("expiresAt", "must be in the future"));
        }
        let minted =
            attest_auth::mint_token().map_err(|error| AppError::Internal(error.to_string()))?;
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        if let Some(school) = school {
            Schools::new(&txn, &scope).get(school).await?;
        }
        let token = ApiTokens::new(&txn, &scope)
            .insert(NewApiToken {
                name,
                assignment,
                token_hash: minted.hash,
                expires_at,
                at,
            })
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "api_token.issue",
                subject_type: "api_token",
                subject_id: token.id.as_uuid(),
                before: None,
                after: Some(&token),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(IssuedToken {
            token,
            secret: minted.secret,
        })
    }

    pub async fn revoke_api_token(
        &self,
        principal: &Principal,
        id: ApiTokenId,
    ) -> Result<ApiToken, AppError> {
        require_trust_admin(principal, "revoke API tokens")?;
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let tokens = ApiTokens::new(&txn, &scope);
        let before = tokens.get(id).await?;
        if before.revoked_at.is_some() {
            return Err(AppError::Conflict(
                "this API token is already revoked".to_owned(),
            ));
        }
        let at = self.now();
        let token = tokens.revoke(id, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "api_token.revoke",
                subject_type: "api_token",
                subject_id: id.as_uuid(),
                before: Some(&before),
                after: Some(&token),
            },
        )
        .await?;
        Revocations::announce(&txn).await?;
        txn.commit().await?;
        self.credentials.revocations().announced();
        Ok(token)
    }
}
