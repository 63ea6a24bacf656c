//! Planning a sync: read the directory, screen what attest cannot store, and show who
//! would be added, changed or marked as left, with the safety valve's alarms.

use std::collections::{BTreeMap, HashMap};

use attest_directory::{Directory, Fetched, default_retry};
use attest_domain::{
    DirectoryUser, Email, KnownPerson, LeaverAlarm, MappingRules, MembershipKind, PersonId,
    PersonName, Principal, SchoolId, SyncPlan, TrustId, Unmapped, apply_changes, leaver_alarms,
    plan_sync,
};
use attest_store::{
    Directory as DirectoryStore, DirectoryConnection, NewSyncRun, TransactionTrait,
};
use serde_json::{Value, json};

use super::{SyncRun, SyncTrigger, seal_context};
use crate::access::require_trust_admin;
use crate::{App, AppError};

/// Accounts whose name or email attest cannot store are reported, not guessed at.
pub(super) fn screen(users: Vec<DirectoryUser>) -> (Vec<DirectoryUser>, Vec<Unmapped>) {
    let mut usable = Vec::with_capacity(users.len());
    let mut refused = Vec::new();
    for mut user in users {
        if !user.enabled {
            usable.push(user);
            continue;
        }
        if PersonName::parse(&user.display_name).is_err() {
            refused.push(Unmapped {
                directory_id: user.id.clone(),
                name: user.display_name.clone(),
                reason: "the display name is empty or too long".to_owned(),
            });
            continue;
        }
        if let Some(email) = &user.email {
            match Email::parse(email) {
                Ok(email) => user.email = Some(email.to_string()),
                Err(_) => {
                    refused.push(Unmapped {
                        directory_id: user.id.clone(),
                        name: user.display_name.clone(),
                        reason: format!("'{email}' is not an email address attest can use"),
                    });
                    continue;
                }
            }
        }
        usable.push(user);
    }
    (usable, refused)
}

pub(crate) struct Planned {
    pub(crate) plan: SyncPlan,
    pub(crate) alarms: Vec<LeaverAlarm>,
    pub(crate) known: Vec<KnownPerson>,
    pub(crate) directory: BTreeMap<String, DirectoryUser>,
}

pub(crate) fn plan_against(
    directory: BTreeMap<String, DirectoryUser>,
    known: Vec<KnownPerson>,
    rules: &MappingRules,
    max_share: f64,
) -> Planned {
    let (users, refused) = screen(directory.values().cloned().collect());
    let mut plan = plan_sync(&users, &known, rules);
    plan.unmapped.extend(refused);
    let alarms = leaver_alarms(&plan, &known, max_share);
    Planned {
        plan,
        alarms,
        known,
        directory,
    }
}

pub(super) fn summary(planned: &Planned, fetched: &Fetched) -> Value {
    json!({
        "full": fetched.changes.full,
        "deltaExpired": fetched.delta_expired,
        "accountsRead": fetched.changes.accounts.len(),
        "accountsRemoved": fetched.changes.removed.len(),
        "accountsInDirectory": planned.directory.len(),
        "requests": fetched.requests,
        "throttled": fetched.throttled,
        "toAdd": planned.plan.add.len(),
        "toUpdate": planned.plan.update.len(),
        "toLeave": planned.plan.leave.len(),
        "unmapped": planned.plan.unmapped.len(),
        "ignored": planned.plan.ignored,
        "alarms": planned.alarms.len(),
    })
}

impl App {
    pub(super) async fn fetch_directory(
        &self,
        connection: &DirectoryConnection,
        trust: TrustId,
        rules: &MappingRules,
    ) -> Result<Fetched, AppError> {
        let secret = self
            .directory_key()?
            .open(&connection.sealed_secret, &seal_context(trust))
            .map_err(|error| {
                AppError::Internal(format!("the directory secret cannot be opened: {error}"))
            })?;
        let directory = Directory::new(
            connection.settings.clone(),
            secret,
            (default_retry(), self.egress()),
        );
        directory
            .fetch(connection.delta_link.as_deref(), &rules.groups())
            .await
            .map_err(|error| AppError::invalid("directory", error.to_string()))
    }

    pub(crate) fn plan_view(&self, planned: &Planned, slugs: &HashMap<SchoolId, String>) -> Value {
        let school = |id: &SchoolId| slugs.get(id).cloned().unwrap_or_else(|| id.to_string());
        let membership = |(id, kind): &(SchoolId, MembershipKind)| json!({"school": school(id), "kind": kind.as_str()});
        let names: HashMap<PersonId, &str> = planned
            .known
            .iter()
            .map(|person| (person.person, person.full_name.as_str()))
            .collect();
        let name = |id: &PersonId| names.get(id).copied().unwrap_or_default();
        let plan = &planned.plan;
        json!({
            "add": plan.add.iter().map(|add| json!({
                "directoryId": add.directory_id, "name": add.full_name, "email": add.email,
                "school": school(&add.school), "kind": add.kind.as_str(),
            })).collect::<Vec<_>>(),
            "update": plan.update.iter().map(|update| json!({
                "personId": update.person, "name": name(&update.person),
                "changes": update.changes,
                "join": update.join.iter().map(membership).collect::<Vec<_>>(),
                "leave": update.leave.iter().map(membership).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "leave": plan.leave.iter().map(|(person, memberships)| json!({
                "personId": person, "name": name(person),
                "memberships": memberships.iter().map(membership).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "unmapped": plan.unmapped,
            "ignored": plan.ignored,
            "alarms": planned.alarms.iter().map(|alarm| json!({
                "school": school(&alarm.school), "leaving": alarm.leaving, "people": alarm.people,
            })).collect::<Vec<_>>(),
        })
    }

    /// Reads the directory and records what a sync would do, changing nothing else.
    pub async fn plan_directory_sync(
        &self,
        principal: &Principal,
        trigger: SyncTrigger,
    ) -> Result<SyncRun, AppError> {
        require_trust_admin(principal, "plan a directory sync")?;
        let connection = self.connection_of(principal).await?;
        let rules = connection.rules.clone().ok_or_else(|| {
            AppError::invalid(
                "rules",
                "set the mapping rules first: which accounts belong to which school",
            )
        })?;
        let scope = principal.scope();
        let store = DirectoryStore::new(&self.db, &scope);
        let id = uuid::Uuid::now_v7();
        let actor = principal.actor();
        let requested_by = &match actor.id() {
            Some(id) => format!("{}:{id}", actor.kind()),
            None => actor.kind().to_owned(),
        };
        if connection.settings.kind == attest_domain::DirectoryKind::Scim {
            return self
                .plan_scim_sync(principal, &connection, trigger, requested_by)
                .await;
        }
        let fetched = match self
            .fetch_directory(&connection, scope.trust(), &rules)
            .await
        {
            Ok(fetched) => fetched,
            Err(error) => {
                let at = self.now();
                store
                    .insert_run(NewSyncRun {
                        id,
                        status: "failed",
                        trigger: trigger.as_str(),
                        base_generation: connection.generation,
                        changes: &attest_domain::DirectoryChanges::default(),
                        delta_link: None,
                        summary: &json!({}),
                        plan: &json!({}),
                        error: Some(&error.to_string()),
                        requested_by,
                        at,
                    })
                    .await?;
                return Err(error);
            }
        };
        let snapshot = if fetched.changes.full {
            BTreeMap::new()
        } else {
            store.snapshot().await?
        };
        let directory = apply_changes(&snapshot, &fetched.changes);
        let (known, _) = store
            .known_people(&connection.settings.identity_issuer(), self.today())
            .await?;
        let planned = plan_against(
            directory,
            known,
            &rules,
            connection.settings.max_leaver_share,
        );
        let slugs = self.school_slugs(principal).await?;
        let view = self.plan_view(&planned, &slugs);
        let summary = summary(&planned, &fetched);
        let at = self.now();
        let txn = self.db.begin().await?;
        let store = DirectoryStore::new(&txn, &scope);
        store.supersede_plans(at).await?;
        store
            .insert_run(NewSyncRun {
                id,
                status: "planned",
                trigger: trigger.as_str(),
                base_generation: connection.generation,
                changes: &fetched.changes,
                delta_link: fetched.delta_link.as_deref(),
                summary: &summary,
                plan: &view,
                error: None,
                requested_by,
                at,
            })
            .await?;
        txn.commit().await?;
        self.sync_run(principal, id).await
    }
}

impl App {
    /// A SCIM connection's plan: every provisioned account against everyone attest knows.
    async fn plan_scim_sync(
        &self,
        principal: &Principal,
        connection: &DirectoryConnection,
        trigger: SyncTrigger,
        requested_by: &str,
    ) -> Result<SyncRun, AppError> {
        let scope = principal.scope();
        let (planned, _, _) = self
            .plan_scim_directory(&self.db, &scope, connection)
            .await?;
        let fetched = Fetched {
            changes: attest_domain::DirectoryChanges {
                full: true,
                ..Default::default()
            },
            ..Fetched::default()
        };
        let slugs = self.school_slugs(principal).await?;
        let view = self.plan_view(&planned, &slugs);
        let summary = summary(&planned, &fetched);
        let id = uuid::Uuid::now_v7();
        let at = self.now();
        let txn = self.db.begin().await?;
        let store = DirectoryStore::new(&txn, &scope);
        store.supersede_plans(at).await?;
        store
            .insert_run(NewSyncRun {
                id,
                status: "planned",
                trigger: trigger.as_str(),
                base_generation: connection.generation,
                changes: &fetched.changes,
                delta_link: None,
                summary: &summary,
                plan: &view,
                error: None,
                requested_by,
                at,
            })
            .await?;
        txn.commit().await?;
        self.sync_run(principal, id).await
    }
}
