//! GraphQL object types: thin views over the domain records.

use async_graphql::{ComplexObject, Context, Enum, Object, SimpleObject};
use attest_domain as domain;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::context::{loader, principal};
use crate::error::to_graphql;
use crate::loaders::{GrantsOf, MembershipsOf};

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

pub struct Person(pub domain::Person);

#[Object]
impl Person {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn full_name(&self) -> &str {
        self.0.full_name.as_str()
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_ref().map(domain::Email::as_str)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Memberships in the schools you can see; former ones only when asked.
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] include_left: bool,
    ) -> async_graphql::Result<Vec<Membership>> {
        let memberships = loader(ctx)?
            .load_one(MembershipsOf(self.0.id))
            .await
            .map_err(loaded)?
            .unwrap_or_default();
        let today = crate::context::app(ctx)?.today();
        Ok(memberships
            .into_iter()
            .filter(|membership| {
                include_left || membership.is_active_on(today) || membership.started_on > today
            })
            .map(Membership)
            .collect())
    }
    /// Every policy this person must sign, with where they stand.
    #[graphql(complexity = "crate::cost::PERSON_READ + 10 * child_complexity")]
    async fn policies(
        &self,
        ctx: &Context<'_>,
        as_of: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<Vec<crate::signing::ComplianceEntry>> {
        crate::signing::policies_of(ctx, self.0.id, as_of).await
    }
    /// Roles this person holds now. Trust admins only.
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RoleGrant>> {
        let grants = loader(ctx)?
            .load_one(GrantsOf(self.0.id))
            .await
            .map_err(loaded)?
            .unwrap_or_default();
        Ok(grants.into_iter().map(RoleGrant).collect())
    }
}

pub struct Membership(pub domain::Membership);

#[Object]
impl Membership {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn kind(&self) -> MembershipKind {
        self.0.kind.into()
    }
    async fn job_title(&self) -> Option<&str> {
        self.0.job_title.as_deref()
    }
    async fn started_on(&self) -> NaiveDate {
        self.0.started_on
    }
    /// The first day the person is no longer a member.
    async fn ended_on(&self) -> Option<NaiveDate> {
        self.0.ended_on
    }
    async fn active(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.0.is_active_on(crate::context::app(ctx)?.today()))
    }
    async fn school(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<School>> {
        Ok(loader(ctx)?
            .load_one(self.0.school)
            .await
            .map_err(loaded)?
            .map(School))
    }
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(loader(ctx)?
            .load_one(self.0.person)
            .await
            .map_err(loaded)?
            .map(Person))
    }
}

pub struct RoleGrant(pub domain::RoleGrant);

#[Object]
impl RoleGrant {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn role(&self) -> Role {
        self.0.assignment.role().into()
    }
    async fn school_id(&self) -> Option<Uuid> {
        self.0.assignment.school().map(|school| school.as_uuid())
    }
    async fn person_id(&self) -> Uuid {
        self.0.person.as_uuid()
    }
    async fn granted_at(&self) -> DateTime<Utc> {
        self.0.granted_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

pub struct ApiToken(pub domain::ApiToken);

#[Object]
impl ApiToken {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    async fn role(&self) -> Role {
        self.0.assignment.role().into()
    }
    async fn school_id(&self) -> Option<Uuid> {
        self.0.assignment.school().map(|school| school.as_uuid())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
}

/// A token just issued. `token` is shown this once and never again.
#[derive(SimpleObject)]
pub struct IssuedApiToken {
    pub token: String,
    pub api_token: ApiToken,
}

pub struct AuditEntry(pub domain::AuditEntry);

#[Object]
impl AuditEntry {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    async fn actor_kind(&self) -> &str {
        &self.0.actor_kind
    }
    async fn actor_id(&self) -> Option<Uuid> {
        self.0.actor_id
    }
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn subject_type(&self) -> &str {
        &self.0.subject_type
    }
    async fn subject_id(&self) -> Option<Uuid> {
        self.0.subject_id
    }
    /// `{"before": …, "after": …}`.
    async fn summary(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(self.0.summary.clone())
    }
}

/// A role as held by the caller.
#[derive(SimpleObject)]
pub struct HeldRole {
    pub role: Role,
    pub school_id: Option<Uuid>,
}

/// Who is calling.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Viewer {
    /// `api_token`, `person` or `operator`.
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    pub roles: Vec<HeldRole>,
}

#[ComplexObject]
impl Viewer {
    async fn trust(&self, ctx: &Context<'_>) -> async_graphql::Result<Trust> {
        let principal = principal(ctx)?;
        crate::context::app(ctx)?
            .trust(principal)
            .await
            .map(Trust)
            .map_err(to_graphql)
    }
}
