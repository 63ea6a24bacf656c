//! Read operations.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object};
use attest_app::{PeopleFilter, PersonCursor};
use attest_domain::{AuditEntryId, PersonId, SchoolId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use super::objects::{ApiToken, AuditEntry, HeldRole, Viewer};
use crate::context::{app, principal};
use crate::error::{ErrorCode, OrGraphql, coded};
use crate::people::Person;
use crate::school::{MembershipKind, School, Trust};

#[derive(Default)]
pub struct DirectoryQuery;

pub type PersonConnection = Connection<String, Person>;

#[Object]
impl DirectoryQuery {
    /// Who am I: the caller's trust, identity and roles.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Viewer> {
        let principal = principal(ctx)?;
        Ok(Viewer {
            actor_kind: principal.actor().kind().to_owned(),
            actor_id: principal.actor().id(),
            roles: principal
                .roles()
                .iter()
                .map(|held| HeldRole {
                    role: held.role().into(),
                    school_id: held.school().map(|s| s.as_uuid()),
                })
                .collect(),
        })
    }

    async fn trust(&self, ctx: &Context<'_>) -> async_graphql::Result<Trust> {
        app(ctx)?.trust(principal(ctx)?).await.map(Trust).gql()
    }

    /// The schools you can see, by name.
    async fn schools(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<School>> {
        Ok(app(ctx)?
            .schools(principal(ctx)?)
            .await
            .gql()?
            .into_iter()
            .map(School)
            .collect())
    }

    async fn school(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<School> {
        app(ctx)?
            .school(principal(ctx)?, SchoolId::from_uuid(id))
            .await
            .map(School)
            .gql()
    }

    async fn person(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Person> {
        app(ctx)?
            .person(principal(ctx)?, PersonId::from_uuid(id))
            .await
            .map(Person)
            .gql()
    }

    /// People ordered by name, a page at a time. `schoolId` and `kind` match current
    /// memberships (former ones too with `includeLeft`); `search` matches name or email.
    #[graphql(complexity = "(first.clamp(0, 100) as usize) * child_complexity + 1")]
    #[expect(clippy::too_many_arguments, reason = "one argument per GraphQL filter")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        school_id: Option<Uuid>,
        kind: Option<MembershipKind>,
        search: Option<String>,
        #[graphql(default = false)] include_left: bool,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<PersonConnection> {
        let principal = principal(ctx)?;
        let first = u64::try_from(first)
            .map_err(|_| coded(ErrorCode::BadUserInput, "first: must not be negative"))?;
        let after = after.as_deref().map(decode_cursor).transpose()?;
        let filter = PeopleFilter {
            school: school_id.map(SchoolId::from_uuid),
            kind: kind.map(Into::into),
            search,
            include_left,
            today: None,
        };
        let page = app(ctx)?
            .people(principal, filter, first, after.clone())
            .await
            .gql()?;
        let mut connection = Connection::new(after.is_some(), page.has_next_page);
        connection
            .edges
            .extend(page.people.into_iter().map(|person| {
                Edge::new(
                    encode_cursor(&PersonCursor {
                        full_name: person.full_name.to_string(),
                        id: person.id,
                    }),
                    Person(person),
                )
            }));
        Ok(connection)
    }

    /// API tokens of the trust (never their secrets). Trust admins only.
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiToken>> {
        Ok(app(ctx)?
            .api_tokens(principal(ctx)?)
            .await
            .gql()?
            .into_iter()
            .map(ApiToken)
            .collect())
    }

    /// Changes made in the trust, newest first. Trust admins only.
    #[graphql(
        complexity = "crate::cost::PAGE_QUERY + (first.clamp(0, 500) as usize) * child_complexity"
    )]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 500))] first: i32,
        before: Option<Uuid>,
    ) -> async_graphql::Result<Vec<AuditEntry>> {
        let first = u64::try_from(first).unwrap_or(50);
        let entries = app(ctx)?
            .audit_log(principal(ctx)?, first, before.map(AuditEntryId::from_uuid))
            .await
            .gql()?;
        Ok(entries.into_iter().map(AuditEntry).collect())
    }
}

fn encode_cursor(cursor: &PersonCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", cursor.id, cursor.full_name))
}

fn decode_cursor(raw: &str) -> async_graphql::Result<PersonCursor> {
    let invalid = || {
        coded(
            ErrorCode::BadUserInput,
            "after: not a cursor returned by this API",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (id, full_name) = text.split_once(':').ok_or_else(invalid)?;
    let id: PersonId = id.parse().map_err(|_| invalid())?;
    Ok(PersonCursor {
        full_name: full_name.to_owned(),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = PersonCursor {
            full_name: "Ada: Lovelace".to_owned(),
            id: PersonId::generate(),
        };
        assert_eq!(
            decode_cursor(&encode_cursor(&cursor)).expect("decodes"),
            cursor
        );
        assert!(decode_cursor("!!!").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("nope:Ada")).is_err());
    }
}
