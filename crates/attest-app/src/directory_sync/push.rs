//! Changes pushed over SCIM, through the same mapping rules, plan and safety valve as a
//! sync. A push touches a few accounts, so only they (and the people they could be) are
//! planned, in the push's own transaction; leavers are weighed with the day's leavers at
//! each school, and a push past the allowed share waits for an admin. A full plan of
//! every provisioned account (`plan`/`apply` on a SCIM connection) reconciles the rest.

use std::collections::{BTreeMap, HashMap};

use attest_domain::scim::directory_user;
use attest_domain::{
    DirectoryKind, DirectorySettings, DirectoryUser, KnownPerson, PersonId, Principal, SCIM_ISSUER,
    TenantScope, day_leaver_alarms, is_guid,
};
use attest_store::{
    ConnectionTrait, DatabaseTransaction, Directory as DirectoryStore, NewSyncRun, ObligationSlice,
    PersonIdentities, Scim,
};
use serde_json::json;

use super::plan::{Planned, plan_against};
use crate::audit::{Change, record};
use crate::{App, AppError};

/// A SCIM user whose externalId is an Entra object id: the identity sync and sign-in
/// know the person by.
struct EntraLink {
    issuer: String,
    object_id: String,
    scim_id: String,
}

fn entra_links<'a>(
    settings: &DirectorySettings,
    users: impl Iterator<Item = (String, Option<&'a str>)>,
) -> Vec<EntraLink> {
    let Some(tenant) = &settings.tenant_id else {
        return Vec::new();
    };
    users
        .filter_map(|(scim_id, external)| {
            let external = external.filter(|id| is_guid(id))?;
            Some(EntraLink {
                issuer: format!("urn:entra:{tenant}"),
                object_id: external.to_lowercase(),
                scim_id,
            })
        })
        .collect()
}

/// The provisioned accounts as a sync would read them (`only`: these ids; else all).
async fn scim_directory(
    conn: &impl ConnectionTrait,
    scope: &TenantScope,
    settings: &DirectorySettings,
    only: Option<&[uuid::Uuid]>,
) -> Result<(BTreeMap<String, DirectoryUser>, Vec<EntraLink>), AppError> {
    let scim = Scim::new(conn, scope);
    let records = match only {
        Some([]) => Vec::new(),
        Some(ids) => scim.users_by_ids(ids).await?,
        None => scim.users().await?,
    };
    let ids: Vec<uuid::Uuid> = records.iter().map(|record| record.id).collect();
    let mut groups = if ids.is_empty() {
        HashMap::new()
    } else if only.is_some() {
        scim.group_names_of(&ids).await?
    } else {
        scim.group_names_of(&[]).await?
    };
    let links = entra_links(
        settings,
        records.iter().map(|record| {
            (
                record.id.to_string(),
                record.resource.get("externalId").and_then(|id| id.as_str()),
            )
        }),
    );
    let directory = records
        .iter()
        .map(|record| {
            let id = record.id.to_string();
            let user = directory_user(
                &id,
                &record.resource,
                groups.remove(&record.id).unwrap_or_default(),
            );
            (id, user)
        })
        .collect();
    Ok((directory, links))
}

/// People known by the Entra object id a SCIM user carries, not yet linked to a SCIM
/// account, are that account's person: the plan sees them as linked, and the link is
/// written with the plan.
async fn adopt_entra_links(
    conn: &impl ConnectionTrait,
    scope: &TenantScope,
    known: &mut [KnownPerson],
    links: &[EntraLink],
) -> Result<Vec<(String, PersonId)>, AppError> {
    let identities = PersonIdentities::new(conn, scope);
    let mut adopted = Vec::new();
    for link in links {
        let Some(person) = identities.find(&link.issuer, &link.object_id).await? else {
            continue;
        };
        if let Some(known) = known
            .iter_mut()
            .find(|known| known.person == person && known.directory_id.is_none())
        {
            known.directory_id = Some(link.scim_id.clone());
            adopted.push((link.scim_id.clone(), person));
        }
    }
    Ok(adopted)
}

/// The trust's SCIM connection, when it has one (pushes to a trust without one, or
/// whose connection pulls from a provider, are kept but change no one).
async fn scim_connection(
    conn: &impl ConnectionTrait,
    scope: &TenantScope,
) -> Result<Option<attest_store::DirectoryConnection>, AppError> {
    Ok(DirectoryStore::new(conn, scope)
        .connection()
        .await?
        .filter(|connection| connection.settings.kind == DirectoryKind::Scim))
}

impl App {
    /// What a SCIM push means for the accounts it touched (`touched`: SCIM user ids
    /// created, changed, deleted, or whose groups changed), planned and written in the
    /// push's transaction. `what` names the request for the run and the audit log.
    pub(crate) async fn provision_pushed(
        &self,
        txn: &DatabaseTransaction,
        principal: &Principal,
        touched: &[uuid::Uuid],
        what: &str,
    ) -> Result<(), AppError> {
        let operator =
            crate::principals::system(principal.trust(), attest_domain::SystemTask::DirectorySync);
        let scope = operator.scope();
        let Some(connection) = scim_connection(txn, &scope).await? else {
            return Ok(());
        };
        if touched.is_empty() {
            return Ok(());
        }
        let rules = connection.rules.clone().unwrap_or_default();
        let (directory, links) =
            scim_directory(txn, &scope, &connection.settings, Some(touched)).await?;
        let store = DirectoryStore::new(txn, &scope);
        let subjects: Vec<String> = touched.iter().map(ToString::to_string).collect();
        let elsewhere: Vec<(String, String)> = links
            .iter()
            .map(|link| (link.issuer.clone(), link.object_id.clone()))
            .collect();
        let emails: Vec<String> = directory
            .values()
            .filter_map(|user| user.email.clone())
            .collect();
        let today = self.today();
        let (mut known, open) = store
            .known_people_among(SCIM_ISSUER, today, &subjects, &elsewhere, &emails)
            .await?;
        let adopted = adopt_entra_links(txn, &scope, &mut known, &links).await?;
        // The valve below weighs the day's leavers; the whole-trust share does not apply.
        let mut planned = plan_against(directory, known, &rules, 1.0);
        let changes = planned.plan.add.len() + planned.plan.update.len() + planned.plan.leave.len();
        if changes == 0 && planned.plan.unmapped.is_empty() && adopted.is_empty() {
            // No one joins, moves or leaves, but a changed job title may still move an
            // attribute the directory sets.
            let ruled = self
                .directory_attributes(txn, &scope, &planned, &[], self.now())
                .await?;
            if !ruled.is_empty() {
                self.refresh_obligations(txn, scope.trust(), ObligationSlice::people(ruled))
                    .await?;
            }
            return Ok(());
        }
        let headcounts = if planned.plan.leave.is_empty()
            && planned
                .plan
                .update
                .iter()
                .all(|update| update.leave.is_empty())
        {
            HashMap::new()
        } else {
            store.school_headcounts(today).await?
        };
        planned.alarms = day_leaver_alarms(
            &planned.plan,
            &headcounts,
            connection.settings.max_leaver_share,
        );
        let slugs = super::school_slugs_in(txn, &scope).await?;
        let view = self.plan_view(&planned, &slugs);
        let mut summary = json!({
            "scim": what,
            "toAdd": planned.plan.add.len(),
            "toUpdate": planned.plan.update.len(),
            "toLeave": planned.plan.leave.len(),
            "unmapped": planned.plan.unmapped.len(),
        });
        let id = uuid::Uuid::now_v7();
        let at = self.now();
        let requested_by = format!("token:{}", principal.actor().id().unwrap_or_default());
        let no_changes = attest_domain::DirectoryChanges::default();
        let run = |status, summary, error| NewSyncRun {
            id,
            status,
            trigger: "scim",
            base_generation: connection.generation,
            changes: &no_changes,
            delta_link: None,
            summary,
            plan: &view,
            error,
            requested_by: &requested_by,
            at,
        };
        if !planned.alarms.is_empty() {
            let message = held_message(&planned, &slugs, connection.settings.max_leaver_share, id);
            summary["stoppedBecause"] = json!(message);
            store
                .insert_run(run("stopped", &summary, Some(&message)))
                .await?;
            return Ok(());
        }
        let writes = self
            .write_plan(txn, &scope, SCIM_ISSUER, &planned, &open)
            .await?;
        store.link(SCIM_ISSUER, &adopted, at).await?;
        let entra: HashMap<&str, &EntraLink> = links
            .iter()
            .map(|link| (link.scim_id.as_str(), link))
            .collect();
        for (scim_id, person) in &writes.links {
            if let Some(link) = entra.get(scim_id.as_str()) {
                store
                    .link(&link.issuer, &[(link.object_id.clone(), *person)], at)
                    .await?;
            }
        }
        summary["added"] = json!(planned.plan.add.len());
        summary["updated"] = json!(planned.plan.update.len());
        summary["left"] = json!(planned.plan.leave.len());
        summary["membershipsEnded"] = json!(writes.memberships_to_end.len());
        store.insert_run(run("applied", &summary, None)).await?;
        record(
            txn,
            principal,
            at,
            Change {
                action: "directory.scim_applied",
                subject_type: "directory_sync_run",
                subject_id: id,
                before: None,
                after: Some(&summary),
            },
        )
        .await
    }

    /// Every provisioned account and everyone attest knows, for a full SCIM plan.
    pub(super) async fn plan_scim_directory(
        &self,
        conn: &impl ConnectionTrait,
        scope: &TenantScope,
        connection: &attest_store::DirectoryConnection,
    ) -> Result<
        (
            Planned,
            Vec<attest_store::OpenMembership>,
            Vec<(String, PersonId)>,
        ),
        AppError,
    > {
        let rules = connection.rules.clone().unwrap_or_default();
        let (directory, links) = scim_directory(conn, scope, &connection.settings, None).await?;
        let (mut known, open) = DirectoryStore::new(conn, scope)
            .known_people(SCIM_ISSUER, self.today())
            .await?;
        let adopted = adopt_entra_links(conn, scope, &mut known, &links).await?;
        let planned = plan_against(
            directory,
            known,
            &rules,
            connection.settings.max_leaver_share,
        );
        Ok((planned, open, adopted))
    }
}

fn held_message(
    planned: &Planned,
    slugs: &HashMap<attest_domain::SchoolId, String>,
    max_share: f64,
    run: uuid::Uuid,
) -> String {
    format!(
        "stopped: this push would bring today's leavers to {}, more than the {}% allowed; the SCIM change is kept and no one has left yet. Check the identity system's scope, then plan and apply a sync confirming the leavers (run {run})",
        super::apply::alarmed_schools(planned, slugs),
        (max_share * 100.0).round()
    )
}

impl App {
    /// Whether the trust's SCIM mapping rules name any of these groups: only then does a
    /// change of membership move anyone between schools or kinds.
    pub(crate) async fn rules_name_groups(
        &self,
        conn: &impl ConnectionTrait,
        trust: attest_domain::TrustId,
        names: &[&str],
    ) -> Result<bool, AppError> {
        let operator = crate::principals::system(trust, attest_domain::SystemTask::DirectorySync);
        let Some(connection) = scim_connection(conn, &operator.scope()).await? else {
            return Ok(false);
        };
        let named = connection
            .rules
            .map(|rules| rules.groups())
            .unwrap_or_default();
        Ok(names.iter().any(|name| {
            named
                .iter()
                .any(|group| group.trim().eq_ignore_ascii_case(name.trim()))
        }))
    }
}
