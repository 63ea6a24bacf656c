//! Directory sync, as trust admins drive it: connect the trust's Entra ID tenant or Google
//! Workspace, write the mapping rules, then plan (read the directory, show who would be
//! added, changed, or marked as left) and apply a plan in one transaction. A plan that
//! would end too large a share of a school stops unless confirmed. Leavers' memberships
//! end; people and their acceptances stay.

use std::collections::{BTreeMap, HashMap};

use attest_directory::{Directory, Fetched, default_retry};
use attest_domain::{
    DirectoryInput, DirectorySettings, DirectoryUser, Email, KnownPerson, LeaverAlarm,
    MappingRules, MembershipKind, PersonId, PersonName, Principal, SchoolId, SyncPlan,
    SyncRulesInput, TrustId, Unmapped, apply_changes, leaver_alarms, plan_sync,
};
use attest_store::{
    Directory as DirectoryStore, DirectoryConnection, NewSyncRun, NewSyncedMembership,
    NewSyncedPerson, People, Schools, SyncRunRow, TransactionTrait,
};
use serde_json::{Value, json};

use crate::access::require_trust_admin;
use crate::audit::{Change, record};
use crate::{App, AppError};

/// The connection as admins see it (never its secret).
#[derive(Debug, Clone)]
pub struct DirectoryConnectionView {
    pub settings: DirectorySettings,
    pub rules: Option<SyncRulesInput>,
    pub has_delta_link: bool,
    pub last_applied_at: Option<chrono::DateTime<chrono::Utc>>,
    pub accounts_known: usize,
}

/// A sync run: its plan, and what became of it.
#[derive(Debug, Clone)]
pub struct SyncRun {
    pub row: SyncRunRow,
    pub summary: Value,
    /// The plan shown: adds, updates, leavers, unmapped accounts, alarms.
    pub plan: Value,
}

/// Who asked for a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncTrigger {
    Cli,
    Api,
    Schedule,
}

impl SyncTrigger {
    fn as_str(self) -> &'static str {
        match self {
            Self::Cli => "cli",
            Self::Api => "api",
            Self::Schedule => "schedule",
        }
    }
}

fn seal_context(trust: TrustId) -> Vec<u8> {
    format!("directory_connection:{trust}").into_bytes()
}

/// Accounts whose name or email attest cannot store are reported, not guessed at.
fn screen(users: Vec<DirectoryUser>) -> (Vec<DirectoryUser>, Vec<Unmapped>) {
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

struct Planned {
    plan: SyncPlan,
    alarms: Vec<LeaverAlarm>,
    known: Vec<KnownPerson>,
    directory: BTreeMap<String, DirectoryUser>,
}

fn plan_against(
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

impl App {
    fn directory_key(&self) -> Result<&attest_auth::SealingKey, AppError> {
        self.sealing_key("secret")
    }

    async fn school_slugs(
        &self,
        principal: &Principal,
    ) -> Result<HashMap<SchoolId, String>, AppError> {
        Ok(Schools::new(&self.db, &principal.scope())
            .list()
            .await?
            .into_iter()
            .map(|school| (school.id, school.slug.to_string()))
            .collect())
    }

    async fn connection_of(&self, principal: &Principal) -> Result<DirectoryConnection, AppError> {
        DirectoryStore::new(&self.db, &principal.scope())
            .connection()
            .await?
            .ok_or_else(|| {
                AppError::NotFound(
                    "this trust has no directory connected: connect Entra ID or Google Workspace first"
                        .to_owned(),
                )
            })
    }

    pub async fn directory_connection(
        &self,
        principal: &Principal,
    ) -> Result<Option<DirectoryConnectionView>, AppError> {
        require_trust_admin(principal, "see the directory connection")?;
        let scope = principal.scope();
        let store = DirectoryStore::new(&self.db, &scope);
        let Some(connection) = store.connection().await? else {
            return Ok(None);
        };
        let slugs = self.school_slugs(principal).await?;
        Ok(Some(DirectoryConnectionView {
            accounts_known: usize::try_from(connection.accounts).unwrap_or_default(),
            rules: connection.rules.as_ref().map(|rules| {
                rules.to_input(|school| slugs.get(&school).cloned().unwrap_or_default())
            }),
            settings: connection.settings,
            has_delta_link: connection.delta_link.is_some(),
            last_applied_at: connection.last_applied_at,
        }))
    }

    /// Connects (or reconnects) the trust's directory. `secret`: the app's client secret
    /// (Microsoft) or the service account's private key in PEM (Google).
    pub async fn connect_directory(
        &self,
        principal: &Principal,
        input: DirectoryInput,
        secret: &str,
    ) -> Result<DirectoryConnectionView, AppError> {
        require_trust_admin(principal, "connect the trust's directory")?;
        let settings = DirectorySettings::parse(&input)?;
        attest_domain::check_provider_url(
            "tokenUrl",
            &settings.token_url,
            self.allow_local_providers,
        )?;
        attest_domain::check_provider_url(
            "apiBase",
            &settings.api_base,
            self.allow_local_providers,
        )?;
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(AppError::invalid("secret", "is required"));
        }
        let scope = principal.scope();
        let sealed = self
            .directory_key()?
            .seal(secret, &seal_context(scope.trust()))
            .map_err(|error| AppError::Internal(error.to_string()))?;
        let at = self.now();
        let txn = self.db.begin().await?;
        DirectoryStore::new(&txn, &scope)
            .connect(&settings, &sealed, at)
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "directory.connected",
                subject_type: "directory_connection",
                subject_id: scope.trust().as_uuid(),
                before: None,
                after: Some(&serde_json::to_value(&settings).unwrap_or_default()),
            },
        )
        .await?;
        txn.commit().await?;
        self.directory_connection(principal)
            .await?
            .ok_or_else(|| AppError::Internal("the connection just made is missing".to_owned()))
    }

    pub async fn set_sync_rules(
        &self,
        principal: &Principal,
        input: SyncRulesInput,
    ) -> Result<DirectoryConnectionView, AppError> {
        require_trust_admin(principal, "change the directory mapping rules")?;
        let connection = self.connection_of(principal).await?;
        let by_slug: HashMap<String, SchoolId> = self
            .school_slugs(principal)
            .await?
            .into_iter()
            .map(|(id, slug)| (slug, id))
            .collect();
        let rules = MappingRules::parse(connection.settings.kind, &input, |slug| {
            by_slug.get(slug).copied()
        })?;
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        DirectoryStore::new(&txn, &scope)
            .set_rules(&rules, at)
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "directory.rules_changed",
                subject_type: "directory_connection",
                subject_id: scope.trust().as_uuid(),
                before: None,
                after: Some(&serde_json::to_value(&input).unwrap_or_default()),
            },
        )
        .await?;
        txn.commit().await?;
        self.directory_connection(principal)
            .await?
            .ok_or_else(|| AppError::Internal("the connection is missing".to_owned()))
    }

    async fn fetch_directory(
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

    fn plan_view(&self, planned: &Planned, slugs: &HashMap<SchoolId, String>) -> Value {
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

    pub async fn sync_runs(
        &self,
        principal: &Principal,
        first: u64,
    ) -> Result<Vec<SyncRun>, AppError> {
        require_trust_admin(principal, "see directory syncs")?;
        DirectoryStore::new(&self.db, &principal.scope())
            .runs(first.clamp(1, 100))
            .await?
            .into_iter()
            .map(|row| {
                Ok(SyncRun {
                    summary: serde_json::from_str(&row.summary).unwrap_or_default(),
                    plan: Value::Null,
                    row,
                })
            })
            .collect()
    }

    pub async fn sync_run(
        &self,
        principal: &Principal,
        id: uuid::Uuid,
    ) -> Result<SyncRun, AppError> {
        require_trust_admin(principal, "see directory syncs")?;
        let scope = principal.scope();
        let store = DirectoryStore::new(&self.db, &scope);
        let row = store.run(id).await?;
        let plan = store.run_plan(id).await?;
        Ok(SyncRun {
            summary: serde_json::from_str(&row.summary).unwrap_or_default(),
            plan,
            row,
        })
    }

    /// Applies a plan (the latest one unless `run` names another) in one transaction.
    /// Stops, changing nothing, when it would mark too many of a school's people as left
    /// and `confirm_leavers` is not set.
    pub async fn apply_directory_sync(
        &self,
        principal: &Principal,
        run: uuid::Uuid,
        confirm_leavers: bool,
    ) -> Result<SyncRun, AppError> {
        require_trust_admin(principal, "apply a directory sync")?;
        let connection = self.connection_of(principal).await?;
        let rules = connection
            .rules
            .clone()
            .ok_or_else(|| AppError::invalid("rules", "set the mapping rules first"))?;
        let scope = principal.scope();
        let issuer = connection.settings.identity_issuer();
        let today = self.today();
        let at = self.now();
        let slugs = self.school_slugs(principal).await?;
        let txn = self.db.begin().await?;
        let store = DirectoryStore::new(&txn, &scope);
        let row = store.run(run).await?;
        if row.status != "planned" && row.status != "stopped" {
            return Err(AppError::Conflict(format!(
                "this plan was {}; only a plan waiting to be applied can be",
                row.status
            )));
        }
        if row.base_generation != connection.generation {
            return Err(AppError::Conflict(
                "another sync was applied since this plan was made; plan again".to_owned(),
            ));
        }
        let (changes, delta_link) = store.run_changes(run).await?;
        let snapshot = if changes.full {
            BTreeMap::new()
        } else {
            store.snapshot().await?
        };
        let directory = apply_changes(&snapshot, &changes);
        // Planned again against the people as they are now, inside the transaction.
        let (known, open) = store.known_people(&issuer, today).await?;
        let planned = plan_against(
            directory,
            known,
            &rules,
            connection.settings.max_leaver_share,
        );
        if !planned.alarms.is_empty() && !confirm_leavers {
            let described: Vec<String> = planned
                .alarms
                .iter()
                .map(|alarm| {
                    format!(
                        "{} of {} people at {} ({}%)",
                        alarm.leaving,
                        alarm.people,
                        slugs.get(&alarm.school).cloned().unwrap_or_default(),
                        alarm.leaving * 100 / alarm.people.max(1)
                    )
                })
                .collect();
            drop(txn);
            let message = format!(
                "stopped: the plan would mark {} as left, more than the {}% allowed; check the mapping rules and the directory, then apply again confirming the leavers",
                described.join(", "),
                (connection.settings.max_leaver_share * 100.0).round()
            );
            let mut summary: Value = serde_json::from_str(&row.summary).unwrap_or_default();
            summary["stoppedBecause"] = json!(message);
            DirectoryStore::new(&self.db, &scope)
                .finish_run(run, "stopped", &summary, Some(&message), self.now())
                .await?;
            return Err(AppError::Conflict(message));
        }
        let plan = &planned.plan;
        let open_ids: HashMap<(PersonId, SchoolId, MembershipKind), attest_domain::MembershipId> =
            open.iter()
                .map(|membership| {
                    (
                        (membership.person, membership.school, membership.kind),
                        membership.id,
                    )
                })
                .collect();
        let job_title = |directory_id: &str| {
            planned
                .directory
                .get(directory_id)
                .and_then(|user| user.job_title.clone())
        };
        let mut new_people = Vec::with_capacity(plan.add.len());
        let mut new_memberships = Vec::with_capacity(plan.add.len());
        let mut links = Vec::with_capacity(plan.add.len());
        for add in &plan.add {
            let id = PersonId::generate();
            new_people.push(NewSyncedPerson {
                id,
                full_name: add.full_name.clone(),
                email: add.email.clone(),
            });
            new_memberships.push(NewSyncedMembership {
                person: id,
                school: add.school,
                kind: add.kind,
                job_title: job_title(&add.directory_id),
            });
            links.push((add.directory_id.clone(), id));
        }
        let mut to_end = Vec::new();
        let people = People::new(&txn, &scope);
        // Everyone renamed or re-addressed, read at once.
        let renamed: Vec<PersonId> = plan
            .update
            .iter()
            .filter(|update| {
                update
                    .changes
                    .iter()
                    .any(|change| change.field != "directoryId")
            })
            .map(|update| update.person)
            .collect();
        let mut current: HashMap<PersonId, attest_domain::Person> = people
            .by_ids(&renamed)
            .await?
            .into_iter()
            .map(|person| (person.id, person))
            .collect();
        for update in &plan.update {
            let mut person = None;
            for change in &update.changes {
                match change.field {
                    "directoryId" => links.push((change.to.clone(), update.person)),
                    "fullName" | "email" => {
                        let mut next: attest_domain::Person = match person.take() {
                            Some(next) => next,
                            None => current
                                .remove(&update.person)
                                .ok_or_else(|| AppError::NotFound("person".to_owned()))?,
                        };
                        if change.field == "fullName" {
                            next.full_name = PersonName::parse(&change.to)?;
                        } else {
                            next.email = if change.to.is_empty() {
                                None
                            } else {
                                Some(Email::parse(&change.to)?)
                            };
                        }
                        person = Some(next);
                    }
                    _ => {}
                }
            }
            if let Some(person) = person {
                people.update(&person, at).await?;
            }
            for (school, kind) in &update.join {
                new_memberships.push(NewSyncedMembership {
                    person: update.person,
                    school: *school,
                    kind: *kind,
                    job_title: None,
                });
            }
            for (school, kind) in &update.leave {
                to_end.extend(open_ids.get(&(update.person, *school, *kind)).copied());
            }
        }
        for (person, memberships) in &plan.leave {
            for (school, kind) in memberships {
                to_end.extend(open_ids.get(&(*person, *school, *kind)).copied());
            }
        }
        store.insert_people(&new_people, at).await?;
        store.end_memberships(&to_end, today, at).await?;
        store
            .insert_memberships(&new_memberships, today, at)
            .await?;
        store.link(&issuer, &links, at).await?;
        store
            .advance(
                connection.generation,
                &planned.directory,
                delta_link.as_deref(),
                at,
            )
            .await?;
        let mut summary: Value = serde_json::from_str(&row.summary).unwrap_or_default();
        summary["added"] = json!(plan.add.len());
        summary["updated"] = json!(plan.update.len());
        summary["left"] = json!(plan.leave.len());
        summary["unmapped"] = json!(plan.unmapped.len());
        summary["membershipsEnded"] = json!(to_end.len());
        summary["confirmedLeavers"] = json!(confirm_leavers && !planned.alarms.is_empty());
        store.finish_run(run, "applied", &summary, None, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "directory.sync_applied",
                subject_type: "directory_sync_run",
                subject_id: run,
                before: None,
                after: Some(&summary),
            },
        )
        .await?;
        txn.commit().await?;
        self.sync_run(principal, run).await
    }

    /// The scheduled sync: plan and apply at once; a plan stopped by the safety valve
    /// waits for an admin.
    pub async fn run_scheduled_sync(&self, trust: TrustId) -> Result<String, AppError> {
        let operator = crate::principals::system(trust, attest_domain::SystemTask::DirectorySync);
        let configured = DirectoryStore::new(&self.db, &operator.scope())
            .connection()
            .await?
            .is_some_and(|connection| connection.rules.is_some());
        if !configured {
            return Ok("no directory connected".to_owned());
        }
        let planned = self
            .plan_directory_sync(&operator, SyncTrigger::Schedule)
            .await?;
        match self
            .apply_directory_sync(&operator, planned.row.id, false)
            .await
        {
            Ok(run) => Ok(format!("directory sync applied: {}", run.summary)),
            Err(AppError::Conflict(message)) if message.starts_with("stopped") => Ok(message),
            Err(error) => Err(error),
        }
    }
}

fn summary(planned: &Planned, fetched: &Fetched) -> Value {
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
