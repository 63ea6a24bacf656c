//! What a tick tells each school's admins: the weekly digest of who is outstanding, and
//! escalations of who is newly overdue. Names and admins of every school are read once
//! per tick, and a digest already queued this week is not rendered again.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use attest_domain::{
    ComplianceStatus, Owing, Person, PersonId, Principal, ReminderStep, Role, SchoolId, TenantScope,
};
use attest_store::{
    ComplianceRow, GivenStep, NewEmail, Outbox, ReminderLog, RoleGrants, Schools, TransactionTrait,
};
use chrono::IsoWeek;
use minijinja::context;

use crate::email_templates::{Branding, render_email};
use crate::{App, AppError};

/// Every school's name and its admins who can be written to (each has an address).
pub(super) struct SchoolContacts {
    names: HashMap<SchoolId, String>,
    admins: HashMap<SchoolId, Vec<Person>>,
}

impl SchoolContacts {
    pub(super) async fn read(app: &App, scope: &TenantScope) -> Result<Self, AppError> {
        let names = Schools::new(&app.db, scope)
            .list()
            .await?
            .into_iter()
            .map(|school| (school.id, school.name.as_str().to_owned()))
            .collect();
        let grants = RoleGrants::new(&app.db, scope)
            .active_at_schools(Role::SchoolAdmin)
            .await?;
        let ids: Vec<PersonId> = grants.iter().map(|grant| grant.person).collect();
        let people: HashMap<PersonId, Person> = super::writable(app, scope, &ids)
            .await?
            .into_iter()
            .map(|person| (person.id, person))
            .collect();
        let mut admins: HashMap<SchoolId, Vec<Person>> = HashMap::new();
        for grant in grants {
            if let (Some(school), Some(person)) =
                (grant.assignment.school(), people.get(&grant.person))
            {
                admins.entry(school).or_default().push(person.clone());
            }
        }
        for people in admins.values_mut() {
            people.sort_by_key(|person| person.id);
            people.dedup_by_key(|person| person.id);
        }
        Ok(Self { names, admins })
    }

    fn name(&self, school: SchoolId) -> &str {
        self.names.get(&school).map_or("", String::as_str)
    }

    pub(super) fn admins(&self, school: SchoolId) -> &[Person] {
        self.admins.get(&school).map_or(&[], Vec::as_slice)
    }
}

/// The outbox key that makes a school's digest to one admin once a week.
fn digest_key(admin: &Person, school: SchoolId, week: IsoWeek) -> String {
    format!(
        "digest:{}:{}:{}-W{:02}",
        admin.id,
        school,
        week.year(),
        week.week()
    )
}

fn digest_keys(
    contacts: &SchoolContacts,
    schools: impl IntoIterator<Item = SchoolId>,
    week: IsoWeek,
) -> Vec<String> {
    schools
        .into_iter()
        .flat_map(|school| {
            contacts
                .admins(school)
                .iter()
                .map(move |admin| digest_key(admin, school, week))
        })
        .collect()
}

/// This week's digests: for each school with rows owing, the key of each admin's digest,
/// and which of those are queued already. Read once per tick, both to decide whether the
/// tick has work and to write what is missing.
pub(super) struct DigestWeek {
    week: IsoWeek,
    keys: Vec<String>,
    queued: HashSet<String>,
}

impl DigestWeek {
    /// Whether some admin of a school with rows owing has no digest queued this week.
    pub(super) fn pending(&self) -> bool {
        self.keys.iter().any(|key| !self.queued.contains(key))
    }

    fn is_queued(&self, key: &str) -> bool {
        self.queued.contains(key)
    }
}

impl App {
    /// `week`'s digests for the schools of `owing`.
    pub(super) async fn digest_week(
        &self,
        operator: &Principal,
        contacts: &SchoolContacts,
        owing: &[Owing],
        week: IsoWeek,
    ) -> Result<DigestWeek, AppError> {
        let schools: BTreeSet<SchoolId> = owing.iter().map(|row| row.school).collect();
        let keys = digest_keys(contacts, schools, week);
        let queued = if keys.is_empty() {
            HashSet::new()
        } else {
            Outbox::new(&self.db, &operator.scope())
                .queued_keys(&keys)
                .await?
        };
        Ok(DigestWeek { week, keys, queued })
    }

    /// Once a week (the first tick of the ISO week), each school admin gets the list of
    /// who at their school is still outstanding. The outbox's dedupe key makes it once.
    pub(super) async fn digests(
        &self,
        operator: &Principal,
        trust: &Branding,
        contacts: &SchoolContacts,
        this_week: &DigestWeek,
        owed: &[ComplianceRow],
    ) -> Result<usize, AppError> {
        let scope = operator.scope();
        let now = self.now();
        let mut by_school: BTreeMap<SchoolId, Vec<&ComplianceRow>> = BTreeMap::new();
        for row in owed {
            by_school.entry(row.school).or_default().push(row);
        }
        // A school that came to owe after the week was read is not in it: its digest is
        // written, and the outbox's dedupe key still makes it once.
        let key = |admin: &Person, school: SchoolId| digest_key(admin, school, this_week.week);
        let mut sent = 0;
        for (school, rows) in by_school {
            let unsent: Vec<(&Person, String)> = contacts
                .admins(school)
                .iter()
                .map(|admin| (admin, key(admin, school)))
                .filter(|(_, key)| !this_week.is_queued(key))
                .collect();
            if unsent.is_empty() {
                continue;
            }
            let overdue = rows
                .iter()
                .filter(|r| r.status == ComplianceStatus::Overdue)
                .count();
            let listed: Vec<_> = rows
                .iter()
                .map(|row| {
                    context! {
                        name => row.full_name.clone(),
                        kind => row.kind.as_str(),
                        title => row.policy_title.clone(),
                        state => if row.status == ComplianceStatus::Overdue { "overdue" } else { "due" },
                    }
                })
                .collect();
            for (admin, dedupe_key) in unsent {
                let Some(email) = &admin.email else { continue };
                let body = render_email(
                    "digest",
                    trust,
                    context! { name => admin.full_name.as_str(), school => contacts.name(school), rows => listed.clone(), overdue => overdue },
                )?;
                let queued = Outbox::new(&self.db, &scope)
                    .enqueue(NewEmail {
                        kind: "digest",
                        to_address: email.as_str().to_owned(),
                        subject: body.subject,
                        body_text: body.text,
                        body_html: Some(body.html),
                        dedupe_key: Some(dedupe_key),
                        at: now,
                    })
                    .await?;
                sent += usize::from(queued.is_some());
            }
        }
        Ok(sent)
    }

    /// One email to each admin of each school listing who is newly escalated there: the
    /// steps of every school recorded in one statement, the emails queued together, one
    /// transaction for the tick's escalations.
    pub(super) async fn escalate(
        &self,
        operator: &Principal,
        trust: &Branding,
        contacts: &SchoolContacts,
        by_school: BTreeMap<SchoolId, Vec<ComplianceRow>>,
    ) -> Result<(usize, usize), AppError> {
        let scope = operator.scope();
        let now = self.now();
        let window_day = attest_domain::school_day(now);
        // A school nobody can be told about records nothing: its admins, once it has
        // some, hear of everyone.
        let rows: Vec<ComplianceRow> = by_school
            .into_iter()
            .filter(|(school, _)| !contacts.admins(*school).is_empty())
            .flat_map(|(_, rows)| rows)
            .collect();
        if rows.is_empty() {
            return Ok((0, 0));
        }
        let wanted: Vec<GivenStep> = rows
            .iter()
            .map(|row| {
                (
                    row.person,
                    row.current_version_id,
                    ReminderStep::Escalation.key(),
                )
            })
            .collect();
        let txn = self.db.begin().await?;
        let recorded = ReminderLog::new(&txn, &scope)
            .record_many(&wanted, window_day, now)
            .await?;
        let mut lines: BTreeMap<SchoolId, Vec<minijinja::Value>> = BTreeMap::new();
        for (row, step) in rows.iter().zip(&wanted) {
            if recorded.contains(step) {
                lines.entry(row.school).or_default().push(context! {
                    name => row.full_name.clone(),
                    kind => row.kind.as_str(),
                    title => row.policy_title.clone(),
                    due => row.due_on.map(|day| day.to_string()).unwrap_or_default(),
                });
            }
        }
        let steps = lines.values().map(Vec::len).sum();
        let mut emails = Vec::new();
        for (school, rows) in lines {
            let body = render_email(
                "escalation",
                trust,
                context! { school => contacts.name(school), rows => rows },
            )?;
            for email in contacts
                .admins(school)
                .iter()
                .filter_map(|a| a.email.as_ref())
            {
                emails.push(NewEmail {
                    kind: "escalation",
                    to_address: email.as_str().to_owned(),
                    subject: body.subject.clone(),
                    body_text: body.text.clone(),
                    body_html: Some(body.html.clone()),
                    dedupe_key: None,
                    at: now,
                });
            }
        }
        let sent = emails.len();
        Outbox::new(&txn, &scope).enqueue_many(emails).await?;
        txn.commit().await?;
        Ok((sent, steps))
    }
}
