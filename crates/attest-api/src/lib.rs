//! attest-api: the GraphQL schema. Resolvers are thin: each takes the request's
//! `Principal` and calls one use case in attest-app. Errors leave here with a stable
//! `extensions.code` and never with internal detail.
//!
//! Knows GraphQL; must never know HTTP, SQL or the store.

mod approval;
mod attributes;
mod breach;
mod casework;
mod context;
mod cost;
mod directory;
mod directory_sync;
mod error;
mod guard;
mod jobs;
mod learning;
mod loaders;
mod mail;
mod people;
mod policy;
mod retention;
mod school;
mod signature_evidence;
mod signing;
mod sso;

use async_graphql::{EmptySubscription, MergedObject, Schema};

pub use context::request_data;
pub use error::{ErrorCode, ensure_error_codes};
pub use guard::{CostedDocument, DocumentLimits, DocumentRefused, admit, cost_document};

/// Every query: the trust directory and policies.
#[derive(MergedObject, Default)]
pub struct Query(
    directory::DirectoryQuery,
    policy::PolicyQuery,
    approval::ApprovalQuery,
    signing::SigningQuery,
    mail::MailQuery,
    mail::MailSettingsQuery,
    jobs::JobsQuery,
    breach::BreachQuery,
    breach::BreachBoardQuery,
    sso::SsoQuery,
    directory_sync::DirectorySyncQuery,
    retention::RetentionQuery,
    learning::LearningQuery,
    attributes::AttributesQuery,
    casework::CaseworkQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    directory::DirectoryMutation,
    policy::PolicyMutation,
    approval::ApprovalMutation,
    signing::SigningMutation,
    mail::MailMutation,
    jobs::JobsMutation,
    breach::BreachMutation,
    sso::SsoMutation,
    directory_sync::DirectorySyncMutation,
    retention::RetentionMutation,
    learning::LearningMutation,
    attributes::AttributesMutation,
    learning::SettingsMutation,
    casework::CaseworkMutation,
);

pub type AttestSchema = Schema<Query, Mutation, EmptySubscription>;

/// Limits that keep one request from costing the server too much.
#[derive(Debug, Clone)]
pub struct SchemaLimits {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub introspection: bool,
}

impl Default for SchemaLimits {
    fn default() -> Self {
        Self {
            max_depth: 12,
            max_complexity: 2_000,
            introspection: false,
        }
    }
}

/// The schema, with the application attached when serving (without, for printing SDL).
pub fn build_schema(app: Option<attest_app::App>, limits: &SchemaLimits) -> AttestSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        // Both are also enforced, and memoised, by `guard` before validation runs.
        .limit_recursive_depth(limits.max_depth.max(32))
        .limit_directives(8)
        .disable_suggestions();
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    if let Some(app) = app {
        builder = builder.data(app);
    }
    builder.finish()
}

/// The schema in SDL, as checked in at `docs/schema.graphql`.
pub fn sdl() -> String {
    build_schema(None, &SchemaLimits::default()).sdl()
}
