//! Mutations.

use async_graphql::{Context, Object};
use attest_app::{DeclinePolicy, GrantExemption, PaperAcceptance, SignPolicy};
use attest_domain::{PersonId, PolicyId, PolicyVersionId, SchoolId};
use uuid::Uuid;

use crate::context::{app, origin, principal};
use crate::error::OrGraphql;

use super::inputs::{
    DeclinePolicyInput, GrantExemptionInput, RecordPaperAcceptanceInput, SignPolicyInput,
    SigningRulesInput, answers_map, schedule,
};
use super::objects::{Exemption, MagicLinkSent};
use crate::people::Acceptance;
use crate::policy::Policy;

#[derive(Default)]
pub struct SigningMutation;

#[Object]
impl SigningMutation {
    /// Sign a policy version: as the signed-in member of staff, or with a magic link.
    async fn sign_policy(
        &self,
        ctx: &Context<'_>,
        input: SignPolicyInput,
    ) -> async_graphql::Result<Acceptance> {
        let app = app(ctx)?;
        let sign = SignPolicy {
            version: PolicyVersionId::from_uuid(input.version_id),
            school: input.school_id.map(SchoolId::from_uuid),
            content_hash: input.content_hash,
            typed_name: input.typed_name,
            role: input.role,
            answers: answers_map(input.answers),
            view: input.view_id,
            understanding: input
                .understanding
                .iter()
                .map(|choice| usize::try_from(*choice).unwrap_or(usize::MAX))
                .collect(),
        };
        let signed = match input.magic_link_token {
            Some(token) => {
                let origin = origin(ctx);
                let address = origin.ip.clone();
                app.link_attempt(
                    address.as_deref(),
                    app.sign_with_magic_link(&token, sign, origin),
                )
                .await
            }
            None => app.sign_policy(principal(ctx)?, sign, origin(ctx)).await,
        };
        signed.map(Acceptance).gql()
    }

    /// Decline to sign, with a reason your school admin sees.
    async fn decline_policy(
        &self,
        ctx: &Context<'_>,
        input: DeclinePolicyInput,
    ) -> async_graphql::Result<Acceptance> {
        let app = app(ctx)?;
        let decline = DeclinePolicy {
            version: PolicyVersionId::from_uuid(input.version_id),
            school: input.school_id.map(SchoolId::from_uuid),
            content_hash: input.content_hash,
            reason: input.reason,
            view: input.view_id,
        };
        let declined = match input.magic_link_token {
            Some(token) => {
                let origin = origin(ctx);
                let address = origin.ip.clone();
                app.link_attempt(
                    address.as_deref(),
                    app.decline_with_magic_link(&token, decline, origin),
                )
                .await
            }
            None => {
                app.decline_policy(principal(ctx)?, decline, origin(ctx))
                    .await
            }
        };
        declined.map(Acceptance).gql()
    }

    /// Record a signed paper form (school admins). Marked as paper everywhere.
    async fn record_paper_acceptance(
        &self,
        ctx: &Context<'_>,
        input: RecordPaperAcceptanceInput,
    ) -> async_graphql::Result<Acceptance> {
        app(ctx)?
            .record_paper_acceptance(
                principal(ctx)?,
                PaperAcceptance {
                    person: PersonId::from_uuid(input.person_id),
                    version: PolicyVersionId::from_uuid(input.version_id),
                    school: input.school_id.map(SchoolId::from_uuid),
                    typed_name: input.typed_name,
                    role: input.role,
                    answers: answers_map(input.answers),
                    signed_on: input.signed_on,
                    note: input.note,
                },
                origin(ctx),
            )
            .await
            .map(Acceptance)
            .gql()
    }

    /// Excuse someone from signing until a date (e.g. long-term leave).
    async fn grant_exemption(
        &self,
        ctx: &Context<'_>,
        input: GrantExemptionInput,
    ) -> async_graphql::Result<Exemption> {
        app(ctx)?
            .grant_exemption(
                principal(ctx)?,
                GrantExemption {
                    person: PersonId::from_uuid(input.person_id),
                    policy: input.policy_id.map(PolicyId::from_uuid),
                    reason: input.reason,
                    starts_on: input.starts_on,
                    ends_on: input.ends_on,
                },
            )
            .await
            .map(Into::into)
            .gql()
    }

    /// Email a person a single-use link to sign the policy's current version (queued
    /// in the outbox; the mailer delivers it).
    async fn send_magic_link(
        &self,
        ctx: &Context<'_>,
        person_id: Uuid,
        policy_id: Uuid,
        valid_days: Option<i64>,
    ) -> async_graphql::Result<MagicLinkSent> {
        let sent = app(ctx)?
            .send_magic_link(
                principal(ctx)?,
                PersonId::from_uuid(person_id),
                PolicyId::from_uuid(policy_id),
                valid_days,
            )
            .await
            .gql()?;
        Ok(MagicLinkSent {
            link_id: sent.link.as_uuid(),
            email: sent.email,
            expires_at: sent.expires_at,
        })
    }

    /// How often a policy is signed again, and the grace before overdue.
    async fn set_signing_rules(
        &self,
        ctx: &Context<'_>,
        input: SigningRulesInput,
    ) -> async_graphql::Result<Policy> {
        let schedule = schedule(&input)?;
        app(ctx)?
            .set_signing_rules(
                principal(ctx)?,
                PolicyId::from_uuid(input.policy_id),
                schedule,
                input.grace_days,
            )
            .await
            .map(Policy)
            .gql()
    }

    /// What a reader must do before the sign button works (trust admins): open the
    /// text for at least `minSeconds` (the server enforces it without scripts), and/or
    /// reach its end (`toEnd`).
    async fn set_signing_reading_rule(
        &self,
        ctx: &Context<'_>,
        min_seconds: u32,
        to_end: bool,
    ) -> async_graphql::Result<super::objects::ReadingRule> {
        app(ctx)?
            .set_reading_rule(
                principal(ctx)?,
                attest_domain::ReadingRule {
                    min_seconds,
                    to_end,
                },
            )
            .await
            .map(Into::into)
            .gql()
    }

    /// Signs the trust's chain head now and keeps it as an anchor (trust admins; the
    /// reminders job does this daily).
    async fn anchor_acceptance_chain(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<super::objects::ChainAnchor> {
        app(ctx)?
            .anchor_chain(principal(ctx)?)
            .await
            .map(Into::into)
            .gql()
    }
}
