//! Chasing signatures: one scheduler tick finds, for every trust, who is owed a notice,
//! a reminder or an escalation now, records each (person, version, step) once, and
//! queues one email per person (and one per school admin for escalations), each in the
//! same transaction as its record (a few hundred people per transaction). Two replicas ticking together cannot both send: the
//! second finds the record already there. Outside the send window nothing is sent and
//! the first tick inside it catches up with one email, not several.

mod anchors;
mod approvals;
mod due;
mod school_mail;

use std::collections::BTreeMap;

use attest_domain::{
    ComplianceStatus, PersonId, Principal, ReminderPlan, ReminderStep, Role, SchoolId, TrustId,
};
use attest_store::GivenStep;
use attest_store::{
    ComplianceRow, DatabaseTransaction, MagicLinks, NewEmail, NewMagicLink, Obligations, Outbox,
    People, ReminderLog, RoleGrants, TransactionTrait, TrustMailSettings, Trusts,
};
use chrono::{Datelike, Duration};

use crate::signing::DEFAULT_LINK_DAYS;
use minijinja::context;

use crate::email_templates::{Branding, render_email};
use crate::{App, AppError};
use due::{TickFacts, due};
use school_mail::SchoolContacts;

/// People reminded per transaction.
const REMINDER_BATCH: usize = 250;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReminderReport {
    /// Emails queued to staff.
    pub staff_emails: usize,
    /// Emails queued to school admins about overdue staff.
    pub escalation_emails: usize,
    /// (person, version, step) records written.
    pub steps: usize,
    /// Weekly digests to school admins.
    pub digests: usize,
    /// Policy review alerts to trust admins.
    pub review_alerts: usize,
    /// Requests to reviewers and approvers who have not acted on a version in review.
    pub approval_requests: usize,
    /// Approved versions published on the day they were scheduled for.
    pub scheduled_publications: usize,
}

/// The people holding `role` (at `school`, or trust-wide), who can be written to.
pub(crate) async fn holders(
    app: &App,
    scope: &attest_domain::TenantScope,
    role: Role,
    school: Option<SchoolId>,
) -> Result<Vec<attest_domain::Person>, AppError> {
    let ids: Vec<PersonId> = RoleGrants::new(&app.db, scope)
        .active_with_role(role, school)
        .await?
        .into_iter()
        .map(|grant| grant.person)
        .collect();
    writable(app, scope, &ids).await
}

/// Who hears what the DPO must: the DPO(s), or the trust admins where there is none.
pub(crate) async fn dpos_or_trust_admins(
    app: &App,
    scope: &attest_domain::TenantScope,
) -> Result<Vec<attest_domain::Person>, AppError> {
    let dpos = holders(app, scope, Role::Dpo, None).await?;
    if dpos.is_empty() {
        return holders(app, scope, Role::TrustAdmin, None).await;
    }
    Ok(dpos)
}

/// Those of `ids` who have an email address, each once.
pub(crate) async fn writable(
    app: &App,
    scope: &attest_domain::TenantScope,
    ids: &[PersonId],
) -> Result<Vec<attest_domain::Person>, AppError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    Ok(People::new(&app.db, scope)
        .by_ids(&ids)
        .await?
        .into_iter()
        .filter(|person| person.email.is_some())
        .collect())
}

struct Item {
    row: ComplianceRow,
    step: ReminderStep,
    covered: Vec<ReminderStep>,
}

impl App {
    /// One tick for every trust, each by its own settings.
    pub async fn run_reminders(&self) -> Result<ReminderReport, AppError> {
        let mut report = ReminderReport::default();
        for trust in Trusts::all(&self.db).await? {
            let part = self.run_trust_reminders(trust.id).await?;
            report.staff_emails += part.staff_emails;
            report.escalation_emails += part.escalation_emails;
            report.steps += part.steps;
            report.digests += part.digests;
            report.review_alerts += part.review_alerts;
            report.approval_requests += part.approval_requests;
            report.scheduled_publications += part.scheduled_publications;
        }
        Ok(report)
    }

    /// One trust's tick (the `reminders` job): nothing outside the trust's send window,
    /// on a bank holiday or in a school holiday.
    pub async fn run_trust_reminders(&self, trust: TrustId) -> Result<ReminderReport, AppError> {
        let operator = crate::principals::system(trust, attest_domain::SystemTask::Reminders);
        let settings = TrustMailSettings::new(&self.db, &operator.scope())
            .get()
            .await?;
        // Publishing is not mail: an approved version goes out on its day, whatever the
        // send window says.
        let scheduled_publications = self.publish_scheduled(&operator).await?;
        // Nor is sealing: the chain is anchored once a day.
        self.anchor_daily(trust).await?;
        // Nor is the retention schedule, where the trust has turned it on.
        self.apply_retention_daily(trust).await?;
        // Staff are not chased on bank holidays or in school holidays (the trust's term
        // calendar); INSET days are working days, so reminders go.
        let terms = attest_store::TrustCalendars::new(&self.db, &operator.scope())
            .get()
            .await?;
        if !settings.window.contains(self.now()) || !terms.sends_reminders_on(self.today()) {
            return Ok(ReminderReport {
                scheduled_publications,
                ..ReminderReport::default()
            });
        }
        let report = self.remind_trust(&operator, &settings.plan).await?;
        Ok(ReminderReport {
            scheduled_publications,
            ..report
        })
    }

    async fn remind_trust(
        &self,
        operator: &Principal,
        plan: &ReminderPlan,
    ) -> Result<ReminderReport, AppError> {
        let now = self.now();
        let today = attest_domain::school_day(now);
        // First what is owed and what was given, without names: a repeat tick usually
        // stops there.
        let scope = operator.scope();
        let query = self.owing_query(operator).await?;
        let model = Obligations::new(&self.db, &scope);
        let owing = model.owing_keys(&query).await?;
        let mut versions: Vec<_> = owing.iter().map(|row| row.current_version_id).collect();
        versions.sort_unstable();
        versions.dedup();
        // Read once: a tick writes nothing for people it has nothing new for. (The writes
        // below still guard against a racing replica.)
        let given = ReminderLog::new(&self.db, &scope).given(&versions).await?;
        let contacts = SchoolContacts::read(self, &scope).await?;
        let this_week = self
            .digest_week(operator, &contacts, &owing, today.iso_week())
            .await?;
        let facts = TickFacts {
            plan,
            today,
            owing: &owing,
            given: &given,
            contacts: &contacts,
            digests: &this_week,
        };
        let has_work = self.tick_has_work(operator, &facts).await?;
        // One read per tick, not one per email.
        let branding = self.branding(operator).await?;
        let trust = &branding;
        let owed = if has_work {
            let mut owed = model.owing(&query).await?;
            // Digests list people by name (each row's key is unique: no stability needed).
            owed.sort_unstable_by(|a, b| {
                (&a.full_name, a.person, a.policy, a.school).cmp(&(
                    &b.full_name,
                    b.person,
                    b.policy,
                    b.school,
                ))
            });
            owed
        } else {
            Vec::new()
        };
        let mut report = ReminderReport {
            digests: self
                .digests(operator, trust, &contacts, &this_week, &owed)
                .await?,
            review_alerts: self.review_alerts(operator, trust).await?,
            approval_requests: self.approval_requests(operator, trust).await?,
            ..ReminderReport::default()
        };
        let mut per_person: BTreeMap<PersonId, Vec<Item>> = BTreeMap::new();
        let mut per_school: BTreeMap<SchoolId, Vec<ComplianceRow>> = BTreeMap::new();
        for row in owed {
            let Some(owing) = row.owing() else { continue };
            let due = due(&owing, &given, plan, today);
            if due.escalate {
                per_school.entry(row.school).or_default().push(row.clone());
            }
            if let Some((step, covered)) = due.send {
                per_person
                    .entry(row.person)
                    .or_default()
                    .push(Item { row, step, covered });
            }
        }
        // A few hundred people per transaction: one commit (one fsync) per batch rather
        // than per person. A failure rolls back its batch only; the log makes a retry
        // send just what was not recorded.
        let mut people = per_person.into_iter().peekable();
        while people.peek().is_some() {
            let batch: Vec<(PersonId, Vec<Item>)> = people.by_ref().take(REMINDER_BATCH).collect();
            let txn = self.db.begin().await?;
            let (emails, steps) = self.remind_people(&txn, operator, trust, batch).await?;
            txn.commit().await?;
            report.staff_emails += emails;
            report.steps += steps;
        }
        let (emails, steps) = self
            .escalate(operator, trust, &contacts, per_school)
            .await?;
        report.escalation_emails += emails;
        report.steps += steps;
        Ok(report)
    }

    /// A policy's owners hear about its review 30 days before its date and on it: the
    /// review task is theirs (the trust page shows how far the next version has got).
    async fn review_alerts(
        &self,
        operator: &Principal,
        trust: &Branding,
    ) -> Result<usize, AppError> {
        let scope = operator.scope();
        let now = self.now();
        let today = attest_domain::school_day(now);
        let due = self.policies_due_for_review(operator, 30).await?;
        if due.is_empty() {
            return Ok(0);
        }
        let trust_admins = holders(self, &scope, Role::TrustAdmin, None).await?;
        let mut sent = 0;
        for review in due {
            // The review is its owner's task: a school's admins for its own policies
            // (the trust's admins when the school has none), the trust's for the trust's.
            let school_admins = match review.policy.school {
                Some(school) => holders(self, &scope, Role::SchoolAdmin, Some(school)).await?,
                None => Vec::new(),
            };
            let admins = if school_admins.is_empty() {
                &trust_admins
            } else {
                &school_admins
            };
            let stage = if review.next_review_on <= today {
                "due"
            } else {
                "30d"
            };
            let body = render_email(
                "review_alert",
                trust,
                context! { title => review.policy.title.clone(), number => review.version.number, date => review.next_review_on.to_string(), now => stage == "due" },
            )?;
            for admin in admins {
                let Some(email) = &admin.email else { continue };
                let queued = Outbox::new(&self.db, &scope)
                    .enqueue(NewEmail {
                        kind: "review_alert",
                        to_address: email.as_str().to_owned(),
                        subject: body.subject.clone(),
                        body_text: body.text.clone(),
                        body_html: Some(body.html.clone()),
                        dedupe_key: Some(format!(
                            "review:{}:{}:{stage}",
                            review.version.id, admin.id
                        )),
                        at: now,
                    })
                    .await?;
                sent += usize::from(queued.is_some());
            }
        }
        Ok(sent)
    }

    /// One email to each person listing every policy they are newly owed a step for;
    /// the steps, links and emails of the batch written in a few statements.
    async fn remind_people(
        &self,
        txn: &DatabaseTransaction,
        operator: &Principal,
        trust: &Branding,
        people: Vec<(PersonId, Vec<Item>)>,
    ) -> Result<(usize, usize), AppError> {
        let scope = operator.scope();
        let now = self.now();
        let window_day = attest_domain::school_day(now);
        // Nobody to write to: record nothing, so they are reminded once they have one.
        let people: Vec<(PersonId, String, Vec<Item>)> = people
            .into_iter()
            .filter_map(|(person, items)| {
                let email = items.first()?.row.email.clone()?;
                Some((person, email, items))
            })
            .collect();
        let wanted: Vec<GivenStep> = people
            .iter()
            .flat_map(|(person, _, items)| {
                items.iter().flat_map(move |item| {
                    item.covered
                        .iter()
                        .chain(std::iter::once(&item.step))
                        .map(move |step| (*person, item.row.current_version_id, step.key()))
                })
            })
            .collect();
        let recorded = ReminderLog::new(txn, &scope)
            .record_many(&wanted, window_day, now)
            .await?;
        let mut links = Vec::new();
        let mut emails = Vec::new();
        for (person, email, items) in people {
            let mut lines = Vec::new();
            let mut name = String::new();
            for item in &items {
                let version = item.row.current_version_id;
                if !recorded.contains(&(person, version, item.step.key())) {
                    continue;
                }
                name.clone_from(&item.row.full_name);
                // A course is completed, not signed: no link, but what to do.
                let url = if item.row.obligation.answered_by_the_person() {
                    let minted = attest_auth::mint_magic_link()
                        .map_err(|error| AppError::Internal(error.to_string()))?;
                    links.push(NewMagicLink {
                        person,
                        version,
                        school: item.row.school,
                        token_hash: minted.hash,
                        at: now,
                        expires_at: now + Duration::days(DEFAULT_LINK_DAYS),
                    });
                    Some(format!("{}/sign/{}", self.public_url(), minted.secret))
                } else {
                    None
                };
                lines.push(context! {
                    title => item.row.policy_title.clone(),
                    kind => item.row.obligation.as_str(),
                    verb => item.row.obligation.verb(),
                    due => item.row.due_on.map(|day| day.format("%-d %B %Y").to_string()).unwrap_or_default(),
                    overdue => item.row.status == ComplianceStatus::Overdue,
                    url => url,
                });
            }
            if lines.is_empty() {
                continue;
            }
            let body = render_email(
                "reminder",
                trust,
                context! {
                    name => name,
                    all_sign => items.iter().all(|item| item.row.obligation == attest_domain::ObligationKind::Sign),
                    items => lines,
                    link_days => DEFAULT_LINK_DAYS,
                },
            )?;
            emails.push(NewEmail {
                kind: "reminder",
                to_address: email,
                subject: body.subject,
                body_text: body.text,
                body_html: Some(body.html),
                dedupe_key: None,
                at: now,
            });
        }
        let sent = emails.len();
        MagicLinks::new(txn, &scope).insert_many(links).await?;
        Outbox::new(txn, &scope).enqueue_many(emails).await?;
        Ok((sent, recorded.len()))
    }
}
