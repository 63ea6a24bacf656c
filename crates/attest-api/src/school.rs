//! The trust and its schools, and the enums the whole schema shares.

use async_graphql::{Enum, InputObject, Object, SimpleObject};
use attest_domain as domain;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::to_graphql;

pub(crate) fn loaded(error: std::sync::Arc<attest_app::AppError>) -> async_graphql::Error {
    to_graphql((*error).clone())
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::MembershipKind")]
pub enum MembershipKind {
    Teaching,
    Support,
    Leadership,
    Governor,
    Volunteer,
    Visitor,
    Contractor,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::Role")]
pub enum Role {
    TrustAdmin,
    Dpo,
    SchoolAdmin,
    ReadOnly,
    /// For an identity system's SCIM token only: good at `/scim/v2` and nowhere else.
    Scim,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        domain::Role::from(self).as_str()
    }
}

pub struct Trust(pub domain::Trust);

#[Object]
impl Trust {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    async fn slug(&self) -> &str {
        self.0.slug.as_str()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

pub struct School(pub domain::School);

#[Object]
impl School {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    async fn slug(&self) -> &str {
        self.0.slug.as_str()
    }
    /// The school's Unique Reference Number (six digits), when known.
    async fn urn(&self) -> Option<&str> {
        self.0.urn.as_ref().map(domain::Urn::as_str)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::ComplianceStatus")]
pub enum ComplianceStatus {
    /// Signed, and no new signature is needed yet.
    Compliant,
    /// A signature is needed and the grace period has not run out.
    Due,
    /// The grace period has run out.
    Overdue,
    /// Excused until a date.
    Exempt,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::SigningMethod")]
pub enum SigningMethod {
    Sso,
    MagicLink,
    /// A paper form recorded by a school admin.
    Paper,
    /// Signed in by a single-use link sent to their email address.
    EmailLink,
    /// A training course's certificate, recorded by the school.
    Certificate,
    /// On the register of an in-house training session.
    Attendance,
    /// From an external training provider's completions file.
    Import,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::Decision")]
pub enum Decision {
    Accepted,
    Declined,
}

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "AnswerInput")]
pub struct Answer {
    /// The question's key, e.g. `consent_1`.
    pub key: String,
    pub answer: String,
}
