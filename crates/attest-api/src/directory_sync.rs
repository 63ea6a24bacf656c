//! Directory sync over GraphQL (trust admins): the connection, its mapping rules, and
//! sync runs — `syncPlan` reads the directory and shows what would change, `applySync`
//! applies a plan.

use async_graphql::{Context, InputObject, Json, Object, SimpleObject};
use attest_app::{DirectoryConnectionView, SyncRun as SyncRunView, SyncTrigger};
use attest_domain::{DirectoryInput, RuleInput, SyncRulesInput};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "SyncRuleInput")]
pub struct SyncRule {
    /// group, org_unit, department, office_location, job_title, email_domain or
    /// organization (SCIM's enterprise organization).
    pub field: String,
    pub value: String,
    /// A school's slug (school rules), a membership kind (kind rules), or empty (ignore).
    #[graphql(default)]
    pub target: String,
}

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "SyncRulesInput")]
pub struct SyncRules {
    /// Tried in order: the first matching rule gives an account's school.
    #[graphql(default)]
    pub schools: Vec<SyncRule>,
    /// Tried in order: the first matching rule gives the membership kind.
    #[graphql(default)]
    pub kinds: Vec<SyncRule>,
    /// The kind when no kind rule matches; without one such accounts are unmapped.
    pub default_kind: Option<String>,
    /// Accounts never synced: shared mailboxes, pupils.
    #[graphql(default)]
    pub ignore: Vec<SyncRule>,
}

fn rules_in(rules: SyncRules) -> SyncRulesInput {
    let convert = |rules: Vec<SyncRule>| {
        rules
            .into_iter()
            .map(|rule| RuleInput {
                field: rule.field,
                value: rule.value,
                target: rule.target,
            })
            .collect()
    };
    SyncRulesInput {
        schools: convert(rules.schools),
        kinds: convert(rules.kinds),
        default_kind: rules.default_kind,
        ignore: convert(rules.ignore),
    }
}

fn rules_out(rules: SyncRulesInput) -> SyncRules {
    let convert = |rules: Vec<RuleInput>| {
        rules
            .into_iter()
            .map(|rule| SyncRule {
                field: rule.field,
                value: rule.value,
                target: rule.target,
            })
            .collect()
    };
    SyncRules {
        schools: convert(rules.schools),
        kinds: convert(rules.kinds),
        default_kind: rules.default_kind,
        ignore: convert(rules.ignore),
    }
}

#[derive(SimpleObject)]
pub struct DirectoryConnection {
    /// microsoft or google.
    pub kind: String,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub service_account: Option<String>,
    pub admin_subject: Option<String>,
    pub customer: Option<String>,
    pub api_base: String,
    /// The largest share of a school's people a sync may mark as left unconfirmed.
    pub max_leaver_share: f64,
    pub rules: Option<SyncRules>,
    /// Whether the next Microsoft sync reads only what changed.
    pub has_delta_link: bool,
    pub last_applied_at: Option<DateTime<Utc>>,
    /// Accounts in the directory as last applied.
    pub accounts_known: usize,
}

impl From<DirectoryConnectionView> for DirectoryConnection {
    fn from(view: DirectoryConnectionView) -> Self {
        let settings = view.settings;
        Self {
            kind: settings.kind.as_str().to_owned(),
            tenant_id: settings.tenant_id,
            client_id: settings.client_id,
            service_account: settings.service_account,
            admin_subject: settings.admin_subject,
            customer: settings.customer,
            api_base: settings.api_base,
            max_leaver_share: settings.max_leaver_share,
            rules: view.rules.map(rules_out),
            has_delta_link: view.has_delta_link,
            last_applied_at: view.last_applied_at,
            accounts_known: view.accounts_known,
        }
    }
}

#[derive(InputObject)]
pub struct ConnectDirectoryInput {
    /// microsoft, google, or scim (the identity system pushes users and groups to
    /// `/scim/v2`; no secret).
    pub kind: String,
    /// Microsoft: the tenant id and the app registration's client id. SCIM: the Entra
    /// tenant whose object ids arrive as externalId, to keep one identity per person.
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    /// Google: the service account's email, the admin it acts as, the customer id.
    pub service_account: Option<String>,
    pub admin_subject: Option<String>,
    pub customer: Option<String>,
    /// Microsoft: the client secret; Google: the service account's private key (PEM).
    /// Sealed at rest; never returned. Empty for scim.
    #[graphql(default)]
    pub secret: String,
    pub api_base: Option<String>,
    pub token_url: Option<String>,
    pub max_leaver_share: Option<f64>,
}

/// A sync run: the plan it showed and what became of it.
#[derive(SimpleObject)]
pub struct SyncRun {
    pub id: Uuid,
    /// planned, stopped (by the leaver safety valve), applied, superseded or failed.
    pub status: String,
    /// cli, api or schedule.
    pub trigger: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// Counts: accounts read, to add, update, leave, unmapped, ignored, requests made.
    pub summary: Json<serde_json::Value>,
    /// Who would be added, changed and marked as left, and who could not be mapped and
    /// why (only on a single run).
    pub plan: Option<Json<serde_json::Value>>,
}

impl From<SyncRunView> for SyncRun {
    fn from(run: SyncRunView) -> Self {
        Self {
            id: run.row.id,
            status: run.row.status,
            trigger: run.row.trigger,
            created_at: run.row.created_at,
            finished_at: run.row.finished_at,
            error: run.row.error,
            summary: Json(run.summary),
            plan: (!run.plan.is_null()).then_some(Json(run.plan)),
        }
    }
}

#[derive(Default)]
pub struct DirectorySyncQuery;

#[Object]
impl DirectorySyncQuery {
    /// The trust's directory connection, if any. Trust admins only.
    async fn directory_connection(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<DirectoryConnection>> {
        Ok(app(ctx)?
            .directory_connection(principal(ctx)?)
            .await
            .gql()?
            .map(Into::into))
    }

    /// Recent sync runs, newest first.
    #[graphql(
        complexity = "crate::cost::PAGE_QUERY + (first.min(500) as usize) * child_complexity"
    )]
    async fn sync_runs(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: u64,
    ) -> async_graphql::Result<Vec<SyncRun>> {
        Ok(app(ctx)?
            .sync_runs(principal(ctx)?, first)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    async fn sync_run(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<SyncRun> {
        Ok(app(ctx)?.sync_run(principal(ctx)?, id).await.gql()?.into())
    }
}

#[derive(Default)]
pub struct DirectorySyncMutation;

#[Object]
impl DirectorySyncMutation {
    async fn connect_directory(
        &self,
        ctx: &Context<'_>,
        input: ConnectDirectoryInput,
    ) -> async_graphql::Result<DirectoryConnection> {
        let secret = input.secret;
        let directory = DirectoryInput {
            kind: input.kind,
            tenant_id: input.tenant_id,
            client_id: input.client_id,
            service_account: input.service_account,
            admin_subject: input.admin_subject,
            customer: input.customer,
            api_base: input.api_base,
            token_url: input.token_url,
            max_leaver_share: input.max_leaver_share,
        };
        Ok(app(ctx)?
            .connect_directory(principal(ctx)?, directory, &secret)
            .await
            .gql()?
            .into())
    }

    async fn set_sync_rules(
        &self,
        ctx: &Context<'_>,
        rules: SyncRules,
    ) -> async_graphql::Result<DirectoryConnection> {
        Ok(app(ctx)?
            .set_sync_rules(principal(ctx)?, rules_in(rules))
            .await
            .gql()?
            .into())
    }

    /// Reads the directory and records the plan; nothing else changes.
    #[graphql(complexity = "crate::cost::DIRECTORY_CALL + child_complexity")]
    async fn sync_plan(&self, ctx: &Context<'_>) -> async_graphql::Result<SyncRun> {
        Ok(app(ctx)?
            .plan_directory_sync(principal(ctx)?, SyncTrigger::Api)
            .await
            .gql()?
            .into())
    }

    /// Applies a plan (by default a fresh one) in one transaction. A plan that would
    /// mark more than the allowed share of a school's people as left stops with
    /// `CONFLICT` unless `confirmLeavers` is true.
    #[graphql(complexity = "crate::cost::DIRECTORY_CALL + child_complexity")]
    async fn apply_sync(
        &self,
        ctx: &Context<'_>,
        run_id: Option<Uuid>,
        #[graphql(default)] confirm_leavers: bool,
    ) -> async_graphql::Result<SyncRun> {
        let app = app(ctx)?;
        let principal = principal(ctx)?;
        let run = match run_id {
            Some(run) => run,
            None => {
                app.plan_directory_sync(principal, SyncTrigger::Api)
                    .await
                    .gql()?
                    .row
                    .id
            }
        };
        Ok(app
            .apply_directory_sync(principal, run, confirm_leavers)
            .await
            .gql()?
            .into())
    }
}
