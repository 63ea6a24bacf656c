//! Listing people: the filter, the keyset cursor, a page, and how far a person reaches.

use chrono::NaiveDate;

use crate::{MembershipKind, Person, PersonId, SchoolId};

/// What of a person lies beyond a school-restricted scope (see `reaches_beyond_scope`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    /// A membership not yet ended at a school the scope does not allow.
    pub works_elsewhere: bool,
    /// Any role held now.
    pub holds_role: bool,
}

/// Which people to list. `school` and `kind` match current memberships unless
/// `include_left` asks for former members too.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub school: Option<SchoolId>,
    pub kind: Option<MembershipKind>,
    pub search: Option<String>,
    pub include_left: bool,
    pub today: Option<NaiveDate>,
}

/// Where a page of people starts: people are ordered by (full name, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonCursor {
    pub full_name: String,
    pub id: PersonId,
}

pub struct PeoplePage {
    pub people: Vec<Person>,
    pub has_next_page: bool,
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: uuid::Uuid,
    pub person_id: uuid::Uuid,
    pub provider_slug: String,
    pub method: crate::SignInMethod,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A directory sync run as listed (without the provider's answer, which can be large).
#[derive(Debug, Clone, PartialEq)]
pub struct SyncRunRecord {
    pub id: uuid::Uuid,
    pub status: String,
    pub trigger: String,
    pub base_generation: i64,
    pub summary: String,
    pub error: Option<String>,
    pub requested_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}
