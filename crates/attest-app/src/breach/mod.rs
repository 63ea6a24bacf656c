//! The DPO's breach workflow: any member of staff reports; the DPO triages (confirming
//! when the trust became aware, which starts the ICO's 72-hour clock), assesses and
//! decides with reasons, records what the ICO and the people affected were told, and
//! closes. Every change is one transaction with an append-only timeline entry and an
//! audit entry; edits carry the version they were made against (a stale one is a
//! `CONFLICT`).

mod alerts;
mod register;

use attest_domain::{
    Assessment, AssessmentInput, BreachFacts, BreachFactsInput, BreachId, BreachRecord,
    BreachSettings, BreachStatus, IcoReport, Principal, Role, SchoolId, SubjectNotice,
    breach_optional_text, breach_text, ico_deadline, is_overdue,
};
use attest_store::{
    Breach, BreachEvent, BreachFilter, Breaches, Memberships, NewBreach, Schools, TransactionTrait,
    TrustBreachSettings,
};
use chrono::{DateTime, Datelike, Utc};
use serde_json::json;

use crate::audit::{Change, record};
use crate::{App, AppError, SCHOOL_TIME_ZONE};

pub use register::BREACH_CSV_HEADER;

/// A breach as the caller may see it.
#[derive(Debug, Clone)]
pub struct BreachView {
    pub breach: Breach,
    /// Special category details were removed for this caller (a school admin).
    pub special_category_hidden: bool,
    /// The ICO deadline, once the trust's awareness is confirmed.
    pub deadline: Option<DateTime<Utc>>,
    /// Past the deadline with no report to the ICO (and still open).
    pub overdue: bool,
}

/// What a caller may see of the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sight {
    /// The DPO, trust admins, the operator: everything in the trust.
    Everything,
    /// A school admin: their schools' breaches, without special category details.
    Schools,
    /// Anyone else: the reports they made.
    OwnReports,
}

fn sight(principal: &Principal) -> Sight {
    if principal.has_role(Role::Dpo) || principal.can_administer_trust() {
        Sight::Everything
    } else if principal.has_role(Role::SchoolAdmin) {
        Sight::Schools
    } else {
        Sight::OwnReports
    }
}

/// A timeline entry's detail.
fn as_detail<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|error| AppError::Internal(error.to_string()))
}

/// A breach's free-text note and the description of an attachment kept elsewhere.
#[derive(Debug, Clone, Default)]
pub struct BreachNote {
    pub text: String,
    pub attachment: Option<String>,
}

/// What the ICO was told.
#[derive(Debug, Clone, Default)]
pub struct IcoNotificationInput {
    pub ico_reference: String,
    pub notified_at: Option<DateTime<Utc>>,
    pub follow_up: bool,
    pub delay_reason: Option<String>,
    pub detail: Option<String>,
}

/// How a breach ends.
#[derive(Debug, Clone, Default)]
pub struct CloseBreachInput {
    /// Closed as not a personal data breach after all (from reported or triaged).
    pub not_a_breach: bool,
    pub reason: Option<String>,
    pub lessons_learned: Option<String>,
}

impl App {
    /// The trust's breach settings (who acts for the DPO, who sees special categories).
    pub(crate) async fn breach_settings_of(
        &self,
        principal: &Principal,
    ) -> Result<BreachSettings, AppError> {
        Ok(TrustBreachSettings::new(&self.db, &principal.scope())
            .get()
            .await?)
    }

    /// Whether this caller moves breaches through the workflow (the DPO, or a trust
    /// admin where the trust allows it).
    pub async fn may_act_as_dpo(&self, principal: &Principal) -> Result<bool, AppError> {
        Ok(self
            .breach_settings_of(principal)
            .await?
            .may_act_as_dpo(principal))
    }

    async fn require_dpo(&self, principal: &Principal, what: &str) -> Result<(), AppError> {
        if self
            .breach_settings_of(principal)
            .await?
            .may_act_as_dpo(principal)
        {
            Ok(())
        } else {
            Err(AppError::forbidden(format!("only the DPO can {what}")))
        }
    }

    fn view(
        &self,
        principal: &Principal,
        settings: &BreachSettings,
        mut breach: Breach,
    ) -> BreachView {
        let hide = sight(principal) == Sight::Schools
            && breach.record.facts.has_special_category()
            && !settings.special_categories_granted(principal, &breach.schools);
        if hide {
            breach.record.withhold_special_category();
        }
        let deadline = breach.aware_at.map(ico_deadline);
        let notified = breach.record.ico_reports.iter().any(|r| !r.follow_up);
        let overdue = breach.status.is_open()
            && !notified
            && breach
                .aware_at
                .is_some_and(|aware| is_overdue(aware, self.now()));
        BreachView {
            breach,
            special_category_hidden: hide,
            deadline,
            overdue,
        }
    }

    /// Any member of staff reports a breach. Two reports at the same instant may reach
    /// for the same reference; the one that loses simply takes the next.
    pub async fn report_breach(
        &self,
        principal: &Principal,
        facts: BreachFactsInput,
        schools: Vec<SchoolId>,
    ) -> Result<BreachView, AppError> {
        if read_only_token(principal) {
            return Err(AppError::forbidden(
                "a read-only token changes nothing, and reporting a breach is a change",
            ));
        }
        let at = self.now();
        let facts = BreachFacts::parse(facts, at)?;
        if schools.is_empty() {
            return Err(AppError::invalid("schoolIds", "name at least one school"));
        }
        self.rate_limits.hit(
            crate::Limit::BreachReport,
            &crate::rate_limit::principal_key(principal),
        )?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_report(principal, &facts, &schools, at).await {
                Err(AppError::Conflict(_)) if attempt < 5 => continue,
                outcome => return outcome,
            }
        }
    }

    async fn try_report(
        &self,
        principal: &Principal,
        facts: &BreachFacts,
        schools: &[SchoolId],
        at: DateTime<Utc>,
    ) -> Result<BreachView, AppError> {
        let scope = self.reporting_scope(principal, schools).await?;
        let alert = self.report_alert(principal).await?;
        let txn = self.db.begin().await?;
        Breaches::new(&txn, &scope).lock_register().await?;
        for school in schools {
            Schools::new(&txn, &scope).get(*school).await?;
        }
        let year = at.with_timezone(&SCHOOL_TIME_ZONE).year();
        let breaches = Breaches::new(&txn, &scope);
        let breach = breaches
            .insert(NewBreach {
                year,
                record: BreachRecord::new(facts.clone()),
                schools: schools.to_vec(),
                reported_by_kind: principal.actor().kind(),
                reported_by: principal.actor().id(),
                at,
            })
            .await?;
        breaches
            .append_event(
                breach.id,
                principal.actor().kind(),
                principal.actor().id(),
                "reported",
                &json!({ "reference": breach.reference, "reporter": breach.record.facts.reporter_name }),
                at,
            )
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "breach.report",
                subject_type: "breach",
                subject_id: breach.id.as_uuid(),
                before: None,
                after: Some(&json!({ "reference": breach.reference, "status": breach.status })),
            },
        )
        .await?;
        self.alert_reported(&txn, &alert, &breach).await?;
        txn.commit().await?;
        let settings = self.breach_settings_of(principal).await?;
        Ok(self.view(principal, &settings, breach))
    }

    /// The schools a person may report a breach for: those they manage or read, and
    /// those they work at.
    pub async fn reporting_schools(
        &self,
        principal: &Principal,
    ) -> Result<Vec<attest_domain::School>, AppError> {
        let mut schools = Schools::new(&self.db, &principal.scope()).list().await?;
        if let Some(own) = principal.own_records() {
            let (person, own) = own.keyed();
            let member_of = self.schools_worked_at(person, own).await?;
            let all = Schools::new(&self.db, own).list().await?;
            schools.extend(
                all.into_iter()
                    .filter(|school| member_of.contains(&school.id))
                    .filter(|school| !principal.scope().schools().allows(school.id)),
            );
        }
        schools.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        Ok(schools)
    }

    async fn schools_worked_at(
        &self,
        person: attest_domain::PersonId,
        own: &attest_domain::TenantScope,
    ) -> Result<std::collections::BTreeSet<SchoolId>, AppError> {
        let today = self.today();
        Ok(Memberships::new(&self.db, own)
            .for_people(&[person])
            .await?
            .into_iter()
            .filter(|membership| membership.ended_on.is_none_or(|ended| ended > today))
            .map(|membership| membership.school)
            .collect())
    }

    /// Admins report for the schools in their scope; any member of staff for the
    /// schools they work at.
    async fn reporting_scope(
        &self,
        principal: &Principal,
        schools: &[SchoolId],
    ) -> Result<attest_domain::TenantScope, AppError> {
        let scope = principal.scope();
        if schools.iter().all(|school| scope.schools().allows(*school)) {
            return Ok(scope);
        }
        if let Some(own) = principal.own_records() {
            let (person, own) = own.keyed();
            let member_of = self.schools_worked_at(person, own).await?;
            if schools.iter().all(|school| member_of.contains(school)) {
                return Ok(own.clone());
            }
        }
        Err(AppError::forbidden(
            "a school admin reports breaches for their own schools, and staff for the schools they work at",
        ))
    }

    /// Where a caller's register reads: their scope, or for someone who sees only the
    /// reports they made, the whole trust (every read is then filtered by reporter).
    fn register_scope(&self, principal: &Principal) -> attest_domain::TenantScope {
        match (sight(principal), principal.own_records()) {
            (Sight::OwnReports, Some(own)) => own.keyed().1.clone(),
            _ => principal.scope(),
        }
    }

    /// The register, filtered, as the caller may see it.
    pub async fn breaches(
        &self,
        principal: &Principal,
        mut filter: BreachFilter,
    ) -> Result<Vec<BreachView>, AppError> {
        let scope = self.register_scope(principal);
        if sight(principal) == Sight::OwnReports {
            let Some(me) = principal.actor().id() else {
                return Ok(Vec::new());
            };
            filter.reported_by = Some(me);
        }
        let settings = self.breach_settings_of(principal).await?;
        Ok(Breaches::new(&self.db, &scope)
            .list(&filter)
            .await?
            .into_iter()
            .map(|breach| self.view(principal, &settings, breach))
            .collect())
    }

    pub async fn breach(
        &self,
        principal: &Principal,
        id: BreachId,
    ) -> Result<BreachView, AppError> {
        let breach = Breaches::new(&self.db, &self.register_scope(principal))
            .get(id)
            .await?;
        if sight(principal) == Sight::OwnReports && principal.actor().id() != breach.reported_by {
            return Err(AppError::NotFound("breach not found".to_owned()));
        }
        let settings = self.breach_settings_of(principal).await?;
        Ok(self.view(principal, &settings, breach))
    }

    /// The breach's timeline: the DPO and trust admins only.
    pub async fn breach_timeline(
        &self,
        principal: &Principal,
        id: BreachId,
    ) -> Result<Vec<BreachEvent>, AppError> {
        if sight(principal) != Sight::Everything {
            return Err(AppError::forbidden(
                "only the DPO and trust admins see a breach's timeline",
            ));
        }
        Ok(Breaches::new(&self.db, &principal.scope())
            .events(id)
            .await?)
    }

    /// Loads the breach, applies `change` to it, saves it against `version`, and writes
    /// the timeline and the audit log, all in one transaction.
    async fn change_breach(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        action: &'static str,
        change: impl FnOnce(&mut Breach, DateTime<Utc>) -> Result<serde_json::Value, AppError>,
    ) -> Result<BreachView, AppError> {
        let at = self.now();
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let breaches = Breaches::new(&txn, &scope);
        breaches.lock(id).await?;
        let before = breaches.get(id).await?;
        if before.version != version {
            return Err(AppError::Conflict(format!(
                "{} was changed by someone else (it is now at version {}, you edited version {version}); reload it and try again",
                before.reference, before.version
            )));
        }
        let mut after = before.clone();
        let detail = change(&mut after, at)?;
        let saved = breaches
            .update(id, version, after.status, after.aware_at, &after.record, at)
            .await?;
        let mut detail = detail;
        if before.status != saved.status
            && let Some(object) = detail.as_object_mut()
        {
            object.insert("from".to_owned(), json!(before.status));
            object.insert("to".to_owned(), json!(saved.status));
        }
        breaches
            .append_event(
                id,
                principal.actor().kind(),
                principal.actor().id(),
                action,
                &detail,
                at,
            )
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: match action {
                    "triaged" => "breach.triage",
                    "assessed" => "breach.assess",
                    "ico_notified" => "breach.ico_notification",
                    "subjects_notified" => "breach.subject_notification",
                    _ => "breach.close",
                },
                subject_type: "breach",
                subject_id: id.as_uuid(),
                before: Some(&json!({ "status": before.status, "version": before.version })),
                after: Some(
                    &json!({ "status": saved.status, "version": saved.version, "change": detail }),
                ),
            },
        )
        .await?;
        txn.commit().await?;
        let settings = self.breach_settings_of(principal).await?;
        Ok(self.view(principal, &settings, saved))
    }

    /// The DPO confirms when the trust became aware: the ICO clock starts there.
    pub async fn triage_breach(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        aware_at: DateTime<Utc>,
        notes: Option<String>,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "triage breaches").await?;
        self.change_breach(principal, id, version, "triaged", |breach, now| {
            breach.status = breach.status.transition(BreachStatus::Triaged)?;
            if aware_at > now + chrono::Duration::minutes(5) {
                return Err(AppError::invalid("awareAt", "is in the future"));
            }
            breach.aware_at = Some(aware_at);
            breach.record.triage_notes = breach_optional_text("notes", notes.as_deref())?;
            Ok(json!({ "awareAt": aware_at, "deadline": ico_deadline(aware_at), "notes": breach.record.triage_notes }))
        })
        .await
    }

    /// The DPO's assessment and decisions, with reasons either way.
    pub async fn assess_breach(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        input: AssessmentInput,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "assess breaches").await?;
        self.change_breach(principal, id, version, "assessed", |breach, now| {
            breach.status = breach.status.transition(BreachStatus::Assessed)?;
            let assessment = Assessment::parse(input, now)?;
            let detail = as_detail(&assessment)?;
            breach.record.assessment = Some(assessment);
            Ok(detail)
        })
        .await
    }

    /// What the ICO was told: the first report (after 72 hours, with the reasons for
    /// the delay) moves the breach on; follow-ups add to it.
    pub async fn record_ico_notification(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        input: IcoNotificationInput,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "record reports to the ICO")
            .await?;
        self.change_breach(principal, id, version, "ico_notified", |breach, now| {
            let aware = breach.aware_at.ok_or_else(|| {
                AppError::invalid(
                    "status",
                    "triage the breach (confirm when the trust became aware) first",
                )
            })?;
            let notified_at = input.notified_at.unwrap_or(now);
            let report = IcoReport::parse(
                input.follow_up,
                &input.ico_reference,
                notified_at,
                input.delay_reason.as_deref(),
                input.detail.as_deref(),
                aware,
                now,
            )?;
            let first_done = breach.record.ico_reports.iter().any(|r| !r.follow_up);
            if report.follow_up {
                if !first_done {
                    return Err(AppError::invalid(
                        "followUp",
                        "record the first report to the ICO before a follow-up",
                    ));
                }
                if breach.status == BreachStatus::ClosedNotABreach {
                    return Err(AppError::invalid(
                        "status",
                        "this was closed as not a breach",
                    ));
                }
            } else {
                if first_done {
                    return Err(AppError::Conflict(
                        "the ICO has already been told; record further information as a follow-up"
                            .to_owned(),
                    ));
                }
                breach.status = breach.status.transition(BreachStatus::NotifiedIco)?;
            }
            let detail = as_detail(&report)?;
            breach.record.ico_reports.push(report);
            Ok(detail)
        })
        .await
    }

    /// When and how the people affected were told.
    pub async fn record_subject_notification(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        notified_at: Option<DateTime<Utc>>,
        how: String,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "record telling the people affected")
            .await?;
        self.change_breach(
            principal,
            id,
            version,
            "subjects_notified",
            |breach, now| {
                breach.status = breach.status.transition(BreachStatus::SubjectsNotified)?;
                let notified_at = notified_at.unwrap_or(now);
                if notified_at > now + chrono::Duration::minutes(5) {
                    return Err(AppError::invalid("notifiedAt", "is in the future"));
                }
                let notice = SubjectNotice {
                    notified_at,
                    how: breach_text("how", &how)?,
                };
                let detail = as_detail(&notice)?;
                breach.record.subject_notice = Some(notice);
                Ok(detail)
            },
        )
        .await
    }

    pub async fn close_breach(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        input: CloseBreachInput,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "close breaches").await?;
        self.change_breach(principal, id, version, "closed", |breach, _| {
            if input.not_a_breach {
                breach.status = breach.status.transition(BreachStatus::ClosedNotABreach)?;
                breach.record.close_reason = Some(breach_text(
                    "reason",
                    input.reason.as_deref().unwrap_or_default(),
                )?);
            } else {
                breach.status = breach.status.transition(BreachStatus::Closed)?;
                breach.record.check_can_close()?;
                breach.record.close_reason = breach_optional_text("reason", input.reason.as_deref())?;
            }
            breach.record.lessons_learned =
                breach_optional_text("lessonsLearned", input.lessons_learned.as_deref())?;
            Ok(json!({ "reason": breach.record.close_reason, "lessonsLearned": breach.record.lessons_learned }))
        })
        .await
    }

    /// A note on the timeline (and, optionally, what an attachment kept elsewhere is).
    pub async fn add_breach_note(
        &self,
        principal: &Principal,
        id: BreachId,
        note: BreachNote,
    ) -> Result<BreachEvent, AppError> {
        if sight(principal) != Sight::Everything {
            return Err(AppError::forbidden(
                "only the DPO and trust admins add notes to a breach",
            ));
        }
        let text = breach_text("text", &note.text)?;
        let attachment = breach_optional_text("attachment", note.attachment.as_deref())?;
        let at = self.now();
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let breaches = Breaches::new(&txn, &scope);
        let breach = breaches.get(id).await?;
        let detail = json!({ "text": text, "attachment": attachment });
        breaches
            .append_event(
                id,
                principal.actor().kind(),
                principal.actor().id(),
                "note",
                &detail,
                at,
            )
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "breach.note",
                subject_type: "breach",
                subject_id: id.as_uuid(),
                before: None,
                after: Some(&json!({ "reference": breach.reference })),
            },
        )
        .await?;
        txn.commit().await?;
        Breaches::new(&self.db, &scope)
            .events(id)
            .await?
            .pop()
            .ok_or_else(|| AppError::Internal("the note was not saved".to_owned()))
    }
}

impl App {
    pub async fn breach_settings(&self, principal: &Principal) -> Result<BreachSettings, AppError> {
        if sight(principal) != Sight::Everything {
            return Err(AppError::forbidden(
                "only the DPO and trust admins see the breach settings",
            ));
        }
        self.breach_settings_of(principal).await
    }

    /// Lets trust admins act as the DPO, and grants school admins of these schools the
    /// special category details of their breaches. The DPO or a trust admin decides.
    pub async fn set_breach_settings(
        &self,
        principal: &Principal,
        settings: BreachSettings,
    ) -> Result<BreachSettings, AppError> {
        if !(principal.has_role(Role::Dpo) || principal.can_administer_trust()) {
            return Err(AppError::forbidden(
                "only the DPO or a trust admin can change the breach settings",
            ));
        }
        let scope = principal.scope();
        let known: std::collections::BTreeSet<SchoolId> = Schools::new(&self.db, &scope)
            .list()
            .await?
            .into_iter()
            .map(|school| school.id)
            .collect();
        if let Some(unknown) = settings
            .special_category_schools
            .iter()
            .find(|school| !known.contains(school))
        {
            return Err(AppError::invalid(
                "specialCategorySchoolIds",
                format!("{unknown} is not a school of this trust"),
            ));
        }
        let at = self.now();
        let txn = self.db.begin().await?;
        let store = TrustBreachSettings::new(&txn, &scope);
        let before = store.get().await?;
        store.put(&settings, at).await?;
        let describe = |settings: &BreachSettings| {
            json!({
                "trustAdminsActAsDpo": settings.trust_admins_act_as_dpo,
                "specialCategorySchools": settings.special_category_schools,
            })
        };
        record(
            &txn,
            principal,
            at,
            Change {
                action: "breach.settings_changed",
                subject_type: "trust",
                subject_id: scope.trust().as_uuid(),
                before: Some(&describe(&before)),
                after: Some(&describe(&settings)),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(settings)
    }
}

/// An API token that holds nothing but `read_only`. (Staff who sign in are people and
/// report for the schools they work at, whatever roles they also hold.)
fn read_only_token(principal: &Principal) -> bool {
    matches!(principal.actor(), attest_domain::Actor::ApiToken(_))
        && principal
            .roles()
            .iter()
            .all(|assignment| assignment.role() == attest_domain::Role::ReadOnly)
}
