//! Write operations. Each is one use case, one transaction, one audit entry (or more).

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject};
use attest_app::{
    AppError, MembershipInput, NewPersonMembership, PersonInput, SchoolChanges, SchoolInput,
};
use attest_domain::{ApiTokenId, MembershipId, PersonId, RoleGrantId, SchoolId};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::objects::{ApiToken, IssuedApiToken};
use crate::context::{app, principal};
use crate::error::OrGraphql;
use crate::people::{Membership, Person, RoleGrant};
use crate::school::{MembershipKind, Role, School};

#[derive(Default)]
pub struct DirectoryMutation;

#[derive(InputObject)]
pub struct CreateSchoolInput {
    pub name: String,
    /// Derived from the name when left out.
    pub slug: Option<String>,
    /// Six digits.
    pub urn: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateSchoolInput {
    pub name: Option<String>,
    pub slug: Option<String>,
    /// `null` clears the URN; leaving it out keeps it.
    pub urn: MaybeUndefined<String>,
}

#[derive(InputObject)]
pub struct FirstMembershipInput {
    pub school_id: Uuid,
    pub kind: MembershipKind,
    pub job_title: Option<String>,
    pub started_on: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct UpsertPersonInput {
    /// Update this person; without it the person is matched by email or created.
    pub id: Option<Uuid>,
    pub full_name: String,
    pub email: Option<String>,
    /// A first membership for a new person (required of school admins).
    pub membership: Option<FirstMembershipInput>,
}

#[derive(SimpleObject)]
pub struct UpsertPersonPayload {
    pub person: Person,
    /// True when a new person was created, false when an existing one was updated.
    pub created: bool,
}

#[derive(InputObject)]
pub struct AddMembershipInput {
    pub person_id: Uuid,
    pub school_id: Uuid,
    pub kind: MembershipKind,
    pub job_title: Option<String>,
    /// Today (Europe/London) when left out.
    pub started_on: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct GrantRoleInput {
    pub person_id: Uuid,
    pub role: Role,
    /// Required for SCHOOL_ADMIN, refused for trust-wide roles.
    pub school_id: Option<Uuid>,
}

#[derive(InputObject)]
pub struct IssueApiTokenInput {
    /// What the token is for, e.g. "MIS export".
    pub name: String,
    pub role: Role,
    pub school_id: Option<Uuid>,
    /// When it stops working; 90 days from now when not given.
    pub expires_at: Option<DateTime<Utc>>,
    /// A token that never expires (refused together with `expiresAt`).
    #[graphql(default)]
    pub no_expiry: bool,
}

#[Object]
impl DirectoryMutation {
    async fn create_school(
        &self,
        ctx: &Context<'_>,
        input: CreateSchoolInput,
    ) -> async_graphql::Result<School> {
        let input = SchoolInput {
            name: input.name,
            slug: input.slug,
            urn: input.urn,
        };
        app(ctx)?
            .create_school(principal(ctx)?, input)
            .await
            .map(School)
            .gql()
    }

    async fn update_school(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateSchoolInput,
    ) -> async_graphql::Result<School> {
        let changes = SchoolChanges {
            name: input.name,
            slug: input.slug,
            urn: match input.urn {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(urn) => Some(Some(urn)),
            },
        };
        app(ctx)?
            .update_school(principal(ctx)?, SchoolId::from_uuid(id), changes)
            .await
            .map(School)
            .gql()
    }

    async fn upsert_person(
        &self,
        ctx: &Context<'_>,
        input: UpsertPersonInput,
    ) -> async_graphql::Result<UpsertPersonPayload> {
        let input = PersonInput {
            id: input.id.map(PersonId::from_uuid),
            full_name: input.full_name,
            email: input.email,
            membership: input.membership.map(|m| NewPersonMembership {
                school: SchoolId::from_uuid(m.school_id),
                kind: attest_domain::MembershipKind::from(m.kind)
                    .as_str()
                    .to_owned(),
                job_title: m.job_title,
                started_on: m.started_on,
            }),
        };
        let upserted = app(ctx)?
            .upsert_person(principal(ctx)?, input)
            .await
            .gql()?;
        Ok(UpsertPersonPayload {
            person: Person(upserted.person),
            created: upserted.created,
        })
    }

    async fn add_membership(
        &self,
        ctx: &Context<'_>,
        input: AddMembershipInput,
    ) -> async_graphql::Result<Membership> {
        let input = MembershipInput {
            person: PersonId::from_uuid(input.person_id),
            school: SchoolId::from_uuid(input.school_id),
            kind: attest_domain::MembershipKind::from(input.kind)
                .as_str()
                .to_owned(),
            job_title: input.job_title,
            started_on: input.started_on,
        };
        app(ctx)?
            .add_membership(principal(ctx)?, input)
            .await
            .map(Membership)
            .gql()
    }

    /// Ends a membership; `endedOn` (default today) is the first day they are no longer a member.
    async fn end_membership(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        ended_on: Option<NaiveDate>,
    ) -> async_graphql::Result<Membership> {
        app(ctx)?
            .end_membership(principal(ctx)?, MembershipId::from_uuid(id), ended_on)
            .await
            .map(Membership)
            .gql()
    }

    async fn grant_role(
        &self,
        ctx: &Context<'_>,
        input: GrantRoleInput,
    ) -> async_graphql::Result<RoleGrant> {
        app(ctx)?
            .grant_role(
                principal(ctx)?,
                PersonId::from_uuid(input.person_id),
                input.role.as_str(),
                input.school_id.map(SchoolId::from_uuid),
            )
            .await
            .map(RoleGrant)
            .gql()
    }

    async fn revoke_role(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<RoleGrant> {
        app(ctx)?
            .revoke_role(principal(ctx)?, RoleGrantId::from_uuid(id))
            .await
            .map(RoleGrant)
            .gql()
    }

    /// Issues an API token. The secret is in `token` of the answer, this once only.
    async fn issue_api_token(
        &self,
        ctx: &Context<'_>,
        input: IssueApiTokenInput,
    ) -> async_graphql::Result<IssuedApiToken> {
        let expiry = match (input.expires_at, input.no_expiry) {
            (Some(_), true) => {
                return Err(AppError::invalid(
                    "noExpiry",
                    "give expiresAt or noExpiry, not both",
                ))
                .gql();
            }
            (Some(at), false) => attest_app::TokenExpiry::At(at),
            (None, true) => attest_app::TokenExpiry::Never,
            (None, false) => attest_app::TokenExpiry::Default,
        };
        let issued = app(ctx)?
            .issue_api_token(
                principal(ctx)?,
                &input.name,
                input.role.as_str(),
                input.school_id.map(SchoolId::from_uuid),
                expiry,
            )
            .await
            .gql()?;
        Ok(IssuedApiToken {
            token: issued.secret,
            api_token: ApiToken(issued.token),
        })
    }

    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
    ) -> async_graphql::Result<ApiToken> {
        app(ctx)?
            .revoke_api_token(principal(ctx)?, ApiTokenId::from_uuid(id))
            .await
            .map(ApiToken)
            .gql()
    }
}
