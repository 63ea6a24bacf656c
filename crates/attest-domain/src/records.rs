//! The entities of the trust directory as the rest of attest sees them, with their
//! values already validated.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::{
    ApiTokenId, AuditEntryId, Email, MembershipId, MembershipKind, PersonId, PersonName,
    RoleAssignment, RoleGrantId, SchoolId, SchoolName, Slug, TokenName, TrustId, TrustName, Urn,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trust {
    pub id: TrustId,
    pub slug: Slug,
    pub name: TrustName,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct School {
    pub id: SchoolId,
    pub trust: TrustId,
    pub name: SchoolName,
    pub slug: Slug,
    pub urn: Option<Urn>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: PersonId,
    pub trust: TrustId,
    pub full_name: PersonName,
    pub email: Option<Email>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub id: MembershipId,
    pub trust: TrustId,
    pub person: PersonId,
    pub school: SchoolId,
    pub kind: MembershipKind,
    pub job_title: Option<String>,
    pub started_on: NaiveDate,
    /// The first day the person is no longer a member; `None` while they are.
    pub ended_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Membership {
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.started_on <= day && self.ended_on.is_none_or(|ended| day < ended)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleGrant {
    pub id: RoleGrantId,
    pub trust: TrustId,
    pub person: PersonId,
    pub assignment: RoleAssignment,
    pub granted_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Why a presented API token cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    Revoked,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub trust: TrustId,
    pub name: TokenName,
    pub assignment: RoleAssignment,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    pub fn check_usable(&self, now: DateTime<Utc>) -> Result<(), TokenRefusal> {
        if self.revoked_at.is_some_and(|revoked| revoked <= now) {
            return Err(TokenRefusal::Revoked);
        }
        if self.expires_at.is_some_and(|expires| expires <= now) {
            return Err(TokenRefusal::Expired);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: AuditEntryId,
    pub trust: TrustId,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: Option<uuid::Uuid>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<uuid::Uuid>,
    /// What changed: `{"before": …, "after": …}` in the subject's public shape.
    pub summary: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, d).expect("valid date")
    }

    fn membership(started_on: NaiveDate, ended_on: Option<NaiveDate>) -> Membership {
        let now = Utc
            .with_ymd_and_hms(2026, 9, 1, 8, 0, 0)
            .single()
            .expect("valid time");
        Membership {
            id: MembershipId::generate(),
            trust: TrustId::generate(),
            person: PersonId::generate(),
            school: SchoolId::generate(),
            kind: MembershipKind::Teaching,
            job_title: None,
            started_on,
            ended_on,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_membership_is_active_from_its_start_until_the_day_it_ends() {
        let open = membership(day(2), None);
        assert!(!open.is_active_on(day(1)));
        assert!(open.is_active_on(day(2)));
        let ended = membership(day(2), Some(day(10)));
        assert!(ended.is_active_on(day(9)));
        assert!(!ended.is_active_on(day(10)));
    }

    #[test]
    fn revoked_and_expired_tokens_are_refused() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
            .single()
            .expect("valid time");
        let token = ApiToken {
            id: ApiTokenId::generate(),
            trust: TrustId::generate(),
            name: TokenName::parse("ci").expect("valid"),
            assignment: RoleAssignment::trust_admin(),
            created_at: now,
            expires_at: None,
            revoked_at: None,
            last_used_at: None,
        };
        assert_eq!(token.check_usable(now), Ok(()));
        let expired = ApiToken {
            expires_at: Some(now),
            ..token.clone()
        };
        assert_eq!(expired.check_usable(now), Err(TokenRefusal::Expired));
        let later = ApiToken {
            expires_at: Some(now + chrono::Duration::hours(1)),
            ..token.clone()
        };
        assert_eq!(later.check_usable(now), Ok(()));
        let revoked = ApiToken {
            revoked_at: Some(now),
            ..token
        };
        assert_eq!(revoked.check_usable(now), Err(TokenRefusal::Revoked));
    }
}
