//! Queries.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object};
use attest_app::ComplianceCursor;
use attest_app::ComplianceFilter;
use attest_domain::{AcceptanceId, PersonId, PolicyId, PolicyVersionId, SchoolId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::context::{app, origin, principal};
use crate::error::{ErrorCode, OrGraphql, coded};

use super::objects::{
    AcceptanceVerification, ComplianceConnection, ComplianceSummary, Exemption, SchoolTally,
    SigningForm, Tally,
};
use crate::people::{Acceptance, ComplianceEntry};
use crate::school::ComplianceStatus;
use crate::school::MembershipKind;

fn encode_cursor(cursor: &ComplianceCursor) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).unwrap_or_default())
}

fn decode_cursor(raw: &str) -> async_graphql::Result<ComplianceCursor> {
    let invalid = || {
        coded(
            ErrorCode::BadUserInput,
            "after: not a cursor returned by this API",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
}

#[derive(Default)]
pub struct SigningQuery;

#[Object]
impl SigningQuery {
    /// The trust's reading rule for the sign button.
    async fn signing_reading_rule(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<super::objects::ReadingRule> {
        app(ctx)?
            .signing_reading_rule(principal(ctx)?)
            .await
            .map(Into::into)
            .gql()
    }

    /// The trust's chain anchors, oldest first (trust admins and the DPO): each a
    /// signed statement of the chain's head that a later rewrite would contradict.
    async fn acceptance_chain_anchors(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::objects::ChainAnchor>> {
        app(ctx)?
            .chain_anchors(principal(ctx)?)
            .await
            .map(|anchors| anchors.into_iter().map(Into::into).collect())
            .gql()
    }

    /// People × policies with their status, ordered by name. `asOf` asks about another
    /// instant (what was the position at the last inspection?).
    #[graphql(
        complexity = "(first.clamp(0, 500) as usize) * child_complexity + crate::cost::PAGE_QUERY"
    )]
    #[expect(clippy::too_many_arguments, reason = "one argument per GraphQL filter")]
    async fn compliance(
        &self,
        ctx: &Context<'_>,
        school_id: Option<Uuid>,
        status: Option<ComplianceStatus>,
        kind: Option<MembershipKind>,
        policy_id: Option<Uuid>,
        as_of: Option<DateTime<Utc>>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<ComplianceConnection> {
        let first = u64::try_from(first)
            .map_err(|_| coded(ErrorCode::BadUserInput, "first: must not be negative"))?;
        let after = after.as_deref().map(decode_cursor).transpose()?;
        let page = app(ctx)?
            .compliance(
                principal(ctx)?,
                ComplianceFilter {
                    school: school_id.map(SchoolId::from_uuid),
                    person: None,
                    policy: policy_id.map(PolicyId::from_uuid),
                    status: status.map(Into::into),
                    kind: kind.map(Into::into),
                    as_of,
                },
                first,
                after.clone(),
            )
            .await
            .gql()?;
        let mut connection = Connection::new(after.is_some(), page.next.is_some());
        connection.edges.extend(page.rows.into_iter().map(|row| {
            let cursor = encode_cursor(&ComplianceCursor {
                full_name: row.full_name.clone(),
                person: row.person,
                policy: row.policy,
                school: row.school,
            });
            Edge::new(cursor, ComplianceEntry(row))
        }));
        Ok(connection)
    }

    /// Counts and percentages by status and membership kind, per school and overall.
    #[graphql(complexity = "crate::cost::TRUST_READ + child_complexity")]
    async fn compliance_summary(
        &self,
        ctx: &Context<'_>,
        school_id: Option<Uuid>,
        as_of: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<ComplianceSummary> {
        let summary = app(ctx)?
            .compliance_summary(principal(ctx)?, school_id.map(SchoolId::from_uuid), as_of)
            .await
            .gql()?;
        Ok(ComplianceSummary {
            as_of: summary.as_of,
            overall: Tally::from(&summary.overall),
            schools: summary
                .schools
                .iter()
                .map(|(school, tally)| SchoolTally {
                    school: *school,
                    tally: Tally::from(tally),
                })
                .collect(),
        })
    }

    /// One acceptance with its full evidence.
    async fn acceptance(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Acceptance> {
        app(ctx)?
            .acceptance(principal(ctx)?, AcceptanceId::from_uuid(id))
            .await
            .map(Acceptance)
            .gql()
    }

    /// Everything a person has signed or declined, oldest first.
    #[graphql(complexity = "crate::cost::PERSON_READ + 50 * child_complexity")]
    async fn acceptances(
        &self,
        ctx: &Context<'_>,
        person_id: Uuid,
    ) -> async_graphql::Result<Vec<Acceptance>> {
        Ok(app(ctx)?
            .acceptances_of(principal(ctx)?, PersonId::from_uuid(person_id))
            .await
            .gql()?
            .into_iter()
            .map(Acceptance)
            .collect())
    }

    /// Re-renders the signed version and checks the stored hashes.
    #[graphql(complexity = "crate::cost::DOCUMENT_WORK + child_complexity")]
    async fn verify_acceptance(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
    ) -> async_graphql::Result<AcceptanceVerification> {
        Ok(app(ctx)?
            .verify_acceptance(principal(ctx)?, AcceptanceId::from_uuid(id))
            .await
            .gql()?
            .into())
    }

    /// For a signed-in member of staff, or the holder of a magic link: the text to
    /// read, its hash and the questions to answer.
    async fn signing_form(
        &self,
        ctx: &Context<'_>,
        version_id: Option<Uuid>,
        school_id: Option<Uuid>,
        magic_link_token: Option<String>,
    ) -> async_graphql::Result<SigningForm> {
        let app = app(ctx)?;
        if let Some(token) = magic_link_token {
            let address = origin(ctx).ip;
            return app
                .link_attempt(address.as_deref(), app.open_signing_form(&token))
                .await
                .map(Into::into)
                .gql();
        }
        let version = version_id.ok_or_else(|| {
            coded(
                ErrorCode::BadUserInput,
                "versionId: required without a magic link",
            )
        })?;
        app.signing_form(
            principal(ctx)?,
            PolicyVersionId::from_uuid(version),
            school_id.map(SchoolId::from_uuid),
        )
        .await
        .map(Into::into)
        .gql()
    }

    /// Exemptions granted to a person.
    async fn exemptions(
        &self,
        ctx: &Context<'_>,
        person_id: Uuid,
    ) -> async_graphql::Result<Vec<Exemption>> {
        Ok(app(ctx)?
            .exemptions_of(principal(ctx)?, PersonId::from_uuid(person_id))
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
