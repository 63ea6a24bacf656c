//! Output types.

use async_graphql::{ComplexObject, Context, Enum, Json, Object, SimpleObject};
use attest_domain::VersionState as DomainState;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::context::{app, loader, principal};
use crate::error::OrGraphql;
use crate::loaders::VersionsOf;

use crate::school::{MembershipKind, School};

pub use super::values::{PolicyChange, PolicyKind, VersionState};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_document::Format")]
pub enum RenderFormat {
    Markdown,
    Html,
    Text,
}

pub struct Policy(pub attest_app::Policy);

#[Object]
impl Policy {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    /// What each member of staff must do: SIGN, READ and confirm, or complete TRAINING.
    async fn obligation(&self) -> super::values::ObligationKind {
        self.0.obligation.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn kind(&self) -> PolicyKind {
        self.0.kind.into()
    }
    /// Whether it follows the trust's default approval rule for its kind (it has no
    /// setting of its own).
    async fn follows_default_approval_rule(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<bool> {
        app(ctx)?
            .follows_default_approval(principal(ctx)?, self.0.id)
            .await
            .gql()
    }
    /// Who approves its versions before they are published; null when its admins
    /// publish at once.
    async fn approval_rule(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::review_objects::ApprovalRule>> {
        let rule = app(ctx)?
            .approval_rule(principal(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(rule.map(super::review_objects::ApprovalRule))
    }
    /// The owning school; null for the trust's policies.
    async fn school(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<School>> {
        let Some(school) = self.0.school else {
            return Ok(None);
        };
        let loaded = loader(ctx)?
            .load_one(school)
            .await
            .map_err(crate::school::loaded)?;
        Ok(loaded.map(School))
    }
    /// For a school's adopted copy: the trust template it came from.
    async fn template_policy_id(&self) -> Option<Uuid> {
        self.0.template.map(|t| t.as_uuid())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn retired_at(&self) -> Option<DateTime<Utc>> {
        self.0.retired_at
    }
    /// Every version, newest first.
    async fn versions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PolicyVersion>> {
        let versions = app(ctx)?
            .policy_versions(principal(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(versions.into_iter().map(PolicyVersion).collect())
    }
    /// The version staff sign now.
    async fn current_version(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<PolicyVersion>> {
        self.version_in(ctx, DomainState::Published).await
    }
    async fn draft(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PolicyVersion>> {
        self.version_in(ctx, DomainState::Draft).await
    }
    /// For an adopted copy: the template has a newer published version (re-adopt it).
    async fn template_update(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<TemplateUpdate>> {
        let update = app(ctx)?
            .template_update(principal(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(update.map(|update| TemplateUpdate {
            adopted_version: PolicyVersion(update.adopted),
            latest_version: PolicyVersion(update.latest),
            changes: update.changes.into_iter().map(PolicyChange::from).collect(),
        }))
    }
}

impl Policy {
    /// All versions, batch-loaded for every policy in the response.
    async fn loaded_versions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<attest_app::PolicyVersion>> {
        let loaded = loader(ctx)?
            .load_one(VersionsOf(self.0.id))
            .await
            .map_err(crate::school::loaded)?;
        Ok(loaded.unwrap_or_default())
    }

    async fn version_in(
        &self,
        ctx: &Context<'_>,
        state: DomainState,
    ) -> async_graphql::Result<Option<PolicyVersion>> {
        Ok(self
            .loaded_versions(ctx)
            .await?
            .into_iter()
            .find(|v| v.state == state)
            .map(PolicyVersion))
    }
}

#[derive(SimpleObject)]
pub struct Placeholder {
    pub key: String,
    pub label: String,
    pub lines: Vec<usize>,
}

#[derive(SimpleObject)]
pub struct ImportWarning {
    pub line: usize,
    pub message: String,
}

fn warnings(list: &[attest_document::Warning]) -> Vec<ImportWarning> {
    list.iter()
        .map(|w| ImportWarning {
            line: w.line,
            message: w.message.clone(),
        })
        .collect()
}

pub struct PolicyVersion(pub attest_app::PolicyVersion);

#[Object]
impl PolicyVersion {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn policy_id(&self) -> Uuid {
        self.0.policy.as_uuid()
    }
    async fn number(&self) -> u32 {
        self.0.number
    }
    async fn state(&self) -> VersionState {
        self.0.state.into()
    }
    async fn title(&self) -> Option<&str> {
        self.0.document.meta.title.as_deref()
    }
    /// The parsed document tree (docs/document-format.md).
    async fn document(&self) -> Json<&attest_document::Document> {
        Json(&self.0.document)
    }
    /// The text as imported.
    async fn source(&self) -> &str {
        &self.0.source
    }
    /// Its review and approval: the stage, the rule, decisions (withdrawn ones marked)
    /// and comments; part of the version's evidence.
    async fn review(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<super::review_objects::VersionReview> {
        app(ctx)?
            .version_review(principal(ctx)?, self.0.id)
            .await
            .map(super::review_objects::VersionReview)
            .gql()
    }
    /// The file this version was imported from (Word, PDF or text), for the policy's
    /// admins; null for a version written in attest or adopted from a template.
    async fn source_file(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::source_file::PolicySourceFile>> {
        let file = app(ctx)?
            .policy_source_file(principal(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(file.map(Into::into))
    }
    async fn placeholders(&self) -> Vec<Placeholder> {
        self.0
            .document
            .placeholders
            .iter()
            .map(|p| Placeholder {
                key: p.key.clone(),
                label: p.label.clone(),
                lines: p.lines.clone(),
            })
            .collect()
    }
    async fn signature_fields(&self) -> &[String] {
        &self.0.document.signature_fields
    }
    /// Sections a school may write when it adopts this (template) version.
    async fn editable_sections(&self) -> Vec<EditableSection> {
        attest_document::editable_sections(&self.0.document)
            .into_iter()
            .map(|(key, heading)| EditableSection { key, heading })
            .collect()
    }
    async fn warnings(&self) -> Vec<ImportWarning> {
        warnings(&self.0.document.warnings)
    }
    /// SHA-256 of the canonical rendering without school values, fixed at publishing.
    async fn content_hash(&self) -> Option<&str> {
        self.0.content_hash.as_deref()
    }
    async fn resign_required(&self) -> Option<bool> {
        self.0.resign_required
    }
    async fn change_note(&self) -> Option<&str> {
        self.0.change_note.as_deref()
    }
    /// For an adopted copy: the template version it is pinned to.
    async fn based_on_version_id(&self) -> Option<Uuid> {
        self.0.based_on.map(|v| v.as_uuid())
    }
    async fn review_cycle_months(&self) -> Option<u32> {
        self.0.review_cycle_months
    }
    async fn next_review_on(&self) -> Option<NaiveDate> {
        self.0.next_review_on
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
}

#[derive(SimpleObject)]
pub struct ImportedPolicy {
    pub policy: Policy,
    pub version: PolicyVersion,
    pub warnings: Vec<ImportWarning>,
    /// What the importer recognised in the file, with warnings pointing into it
    /// (null when a template was adopted rather than a file imported).
    pub report: Option<super::report::ImportReport>,
}

impl From<attest_app::ImportedDraft> for ImportedPolicy {
    fn from(imported: attest_app::ImportedDraft) -> Self {
        Self {
            warnings: warnings(&imported.warnings),
            report: imported.report.as_ref().map(Into::into),
            policy: Policy(imported.policy),
            version: PolicyVersion(imported.version),
        }
    }
}

#[derive(SimpleObject)]
pub struct RenderedPolicy {
    pub output: String,
    /// SHA-256 of exactly what this reader sees.
    pub content_hash: String,
    /// Placeholders without a value at this school.
    pub missing: Vec<String>,
}

/// A newer template version than the one a school's copy is pinned to.
#[derive(SimpleObject)]
pub struct TemplateUpdate {
    pub adopted_version: PolicyVersion,
    pub latest_version: PolicyVersion,
    pub changes: Vec<PolicyChange>,
}

#[derive(SimpleObject)]
pub struct Variable {
    pub key: String,
    pub value: String,
}

#[derive(SimpleObject)]
pub struct SchoolPolicySettings {
    pub policy_id: Uuid,
    pub school_id: Uuid,
    pub variables: Vec<Variable>,
    /// Kinds of member who must sign at this school; empty means everyone.
    pub audience: Vec<MembershipKind>,
    /// The school's text for a template's editable sections.
    pub adaptations: Vec<Variable>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<attest_app::SchoolPolicySettings> for SchoolPolicySettings {
    fn from(settings: attest_app::SchoolPolicySettings) -> Self {
        Self {
            policy_id: settings.policy.map(|p| p.as_uuid()).unwrap_or_default(),
            school_id: settings.school.map(|s| s.as_uuid()).unwrap_or_default(),
            variables: settings
                .variables
                .into_iter()
                .map(|(key, value)| Variable { key, value })
                .collect(),
            audience: settings.audience.into_iter().map(Into::into).collect(),
            adaptations: settings
                .adaptations
                .into_iter()
                .map(|(key, value)| Variable { key, value })
                .collect(),
            updated_at: settings.updated_at,
        }
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct PolicyDueForReview {
    #[graphql(skip)]
    pub policy: attest_app::Policy,
    pub version: PolicyVersion,
    pub next_review_on: NaiveDate,
    pub overdue: bool,
    /// The review task: the next version being written (null until its owner starts
    /// one) and its stage.
    pub next_draft_id: Option<Uuid>,
    pub next_draft_stage: Option<super::review_objects::ReviewStage>,
}

#[ComplexObject]
impl PolicyDueForReview {
    async fn policy(&self) -> Policy {
        Policy(self.policy.clone())
    }
}

/// A section of a template that schools write themselves.
#[derive(SimpleObject)]
pub struct EditableSection {
    pub key: String,
    pub heading: String,
}
