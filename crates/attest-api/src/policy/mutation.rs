//! Mutations.

use async_graphql::{Context, Object};
use attest_app::{AppError, DraftChanges, ImportPolicy, Publish};
use attest_domain::{PolicyId, PolicyVersionId, SchoolId};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;

use super::inputs::{
    AdoptTemplateInput, ImportPolicyInput, PublishVersionInput, SetSchoolVariablesInput,
    UpdateDraftInput, variables,
};
use super::objects::{ImportedPolicy, Policy, PolicyVersion, SchoolPolicySettings};

#[derive(Default)]
pub struct PolicyMutation;

#[Object]
impl PolicyMutation {
    /// Imports a policy's text as a new draft; answers with the draft and what the
    /// importer was unsure of.
    #[graphql(complexity = "crate::cost::DOCUMENT_WORK + child_complexity")]
    async fn import_policy(
        &self,
        ctx: &Context<'_>,
        input: ImportPolicyInput,
    ) -> async_graphql::Result<ImportedPolicy> {
        let (file, field) = match (input.text, input.file) {
            (Some(text), None) => (text.into_bytes(), "text"),
            (None, Some(encoded)) => (
                STANDARD
                    .decode(encoded.trim())
                    .map_err(|error| AppError::invalid("file", format!("not base64: {error}")))
                    .gql()?,
                "file",
            ),
            _ => {
                return Err(AppError::invalid(
                    "file",
                    "give the policy as text or as a file (one of the two)",
                ))
                .gql();
            }
        };
        let imported = app(ctx)?
            .import_policy(
                principal(ctx)?,
                ImportPolicy {
                    file,
                    field,
                    file_name: input.file_name,
                    title: input.title,
                    kind: input.kind.into(),
                    school: input.school_id.map(SchoolId::from_uuid),
                    policy: input.policy_id.map(PolicyId::from_uuid),
                    obligation: input.obligation.into(),
                },
            )
            .await
            .gql()?;
        Ok(imported.into())
    }

    async fn update_draft(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: UpdateDraftInput,
    ) -> async_graphql::Result<PolicyVersion> {
        let changes = DraftChanges {
            text: input.text,
            review_cycle_months: input.review_cycle_months,
            next_review_on: input.next_review_on,
        };
        app(ctx)?
            .update_draft(principal(ctx)?, PolicyVersionId::from_uuid(id), changes)
            .await
            .map(PolicyVersion)
            .gql()
    }

    /// Publishes a draft: it becomes the version staff sign and never changes again.
    async fn publish_version(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        input: PublishVersionInput,
    ) -> async_graphql::Result<PolicyVersion> {
        let publish = Publish {
            resign_required: input.resign_required,
            change_note: input.change_note,
        };
        app(ctx)?
            .publish_version(principal(ctx)?, PolicyVersionId::from_uuid(id), publish)
            .await
            .map(PolicyVersion)
            .gql()
    }

    /// A school adopts a published trust template version, with its values.
    async fn adopt_template(
        &self,
        ctx: &Context<'_>,
        input: AdoptTemplateInput,
    ) -> async_graphql::Result<ImportedPolicy> {
        let imported = app(ctx)?
            .adopt_template(
                principal(ctx)?,
                PolicyVersionId::from_uuid(input.template_version_id),
                SchoolId::from_uuid(input.school_id),
                variables(input.variables),
                input
                    .adaptations
                    .into_iter()
                    .map(|a| (a.section, a.text))
                    .collect(),
            )
            .await
            .gql()?;
        Ok(imported.into())
    }

    /// Sets a school's values for a policy's placeholders (merged; an empty value removes one).
    async fn set_school_variables(
        &self,
        ctx: &Context<'_>,
        input: SetSchoolVariablesInput,
    ) -> async_graphql::Result<SchoolPolicySettings> {
        let settings = app(ctx)?
            .set_school_variables(
                principal(ctx)?,
                PolicyId::from_uuid(input.policy_id),
                SchoolId::from_uuid(input.school_id),
                variables(input.variables),
                input
                    .audience
                    .map(|kinds| kinds.into_iter().map(Into::into).collect()),
            )
            .await
            .gql()?;
        Ok(settings.into())
    }

    async fn retire_policy(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Policy> {
        app(ctx)?
            .retire_policy(principal(ctx)?, PolicyId::from_uuid(id))
            .await
            .map(Policy)
            .gql()
    }
}
