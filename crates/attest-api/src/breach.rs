//! Breach reporting and the DPO's workflow over GraphQL. Categories and answers are the
//! ICO form's, spelled as strings (`health`, `pupils`, `yes`/`no`/`unknown`); a wrong
//! one is `BAD_USER_INPUT` naming the field and listing the allowed values.

use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject};
use attest_app::{BreachView, CloseBreachInput, IcoNotificationInput};
use attest_domain::{AssessmentInput, BreachFactsInput, BreachId, BreachStatus, SchoolId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::{ErrorCode, OrGraphql, coded};

#[derive(SimpleObject)]
pub struct BreachAssessment {
    pub consequences: String,
    /// low, medium or high.
    pub likelihood: String,
    pub severity: String,
    /// no_likely_risk, risk or high_risk (from likelihood and severity).
    pub risk_level: String,
    pub containment_actions: String,
    /// The decision about telling the ICO, with its reasons either way.
    pub notify_ico: bool,
    pub ico_reasons: String,
    pub notify_subjects: bool,
    pub subjects_reasons: Option<String>,
    /// police, insurer, local_authority, trust_board, other.
    pub others_told: Vec<String>,
    pub assessed_at: DateTime<Utc>,
}

#[derive(SimpleObject)]
pub struct IcoReport {
    pub follow_up: bool,
    pub ico_reference: String,
    pub reported_at: DateTime<Utc>,
    pub delay_reason: Option<String>,
    pub detail: Option<String>,
}

#[derive(SimpleObject)]
pub struct SubjectNotice {
    pub notified_at: DateTime<Utc>,
    pub how: String,
}

/// One entry of a breach's append-only timeline.
#[derive(SimpleObject)]
pub struct BreachEvent {
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    /// reported, triaged, assessed, ico_notified, subjects_notified, closed, note.
    pub action: String,
    pub detail: async_graphql::Json<serde_json::Value>,
}

impl From<attest_app::BreachEvent> for BreachEvent {
    fn from(event: attest_app::BreachEvent) -> Self {
        Self {
            seq: event.seq,
            at: event.at,
            actor_kind: event.actor_kind,
            actor_id: event.actor_id,
            action: event.action,
            detail: async_graphql::Json(event.detail),
        }
    }
}

/// A personal data breach as the caller may see it.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Breach {
    pub id: Uuid,
    /// e.g. BR-2026-0007, counted within the trust and year.
    pub reference: String,
    /// reported, triaged, assessed, notified_ico, subjects_notified, closed, closed_not_a_breach.
    pub status: String,
    /// Send it back with every change; a stale one is a CONFLICT.
    pub version: u32,
    /// The moves the DPO may make next.
    pub next_statuses: Vec<String>,
    pub reported_at: DateTime<Utc>,
    /// When the trust became aware, as the DPO confirmed it (starts the ICO clock).
    pub aware_at: Option<DateTime<Utc>>,
    /// awareAt + 72 hours (weekends and bank holidays included).
    pub deadline: Option<DateTime<Utc>>,
    /// The deadline in England, e.g. "Thursday 26 November 2026, 09:00 GMT".
    pub deadline_in_london: Option<String>,
    /// Past the deadline, still open, and the ICO not told.
    pub overdue: bool,
    pub school_ids: Vec<Uuid>,
    /// Special category details were left out for you (a school admin).
    pub special_category_hidden: bool,
    pub what_happened: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub discovered_at: DateTime<Utc>,
    pub how_discovered: String,
    pub cyber_incident: String,
    pub data_categories: Vec<String>,
    pub data_other: Option<String>,
    pub records_affected: Option<u32>,
    pub people_affected: Option<u32>,
    pub people_categories: Vec<String>,
    pub people_other: Option<String>,
    pub staff_involved: String,
    pub staff_training: Option<String>,
    pub recovered_or_contained: String,
    pub containment_detail: Option<String>,
    pub reporter_name: String,
    pub reporter_contact: Option<String>,
    pub triage_notes: Option<String>,
    pub assessment: Option<BreachAssessment>,
    pub ico_reports: Vec<IcoReport>,
    pub subject_notice: Option<SubjectNotice>,
    pub lessons_learned: Option<String>,
    pub close_reason: Option<String>,
}

#[ComplexObject]
impl Breach {
    /// Every change, oldest first. The DPO and trust admins only.
    async fn timeline(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<BreachEvent>> {
        Ok(app(ctx)?
            .breach_timeline(principal(ctx)?, BreachId::from_uuid(self.id))
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

fn strings<T: std::fmt::Display>(values: &[T]) -> Vec<String> {
    values.iter().map(ToString::to_string).collect()
}

impl From<BreachView> for Breach {
    fn from(view: BreachView) -> Self {
        let breach = view.breach;
        let facts = breach.record.facts;
        Self {
            id: breach.id.as_uuid(),
            reference: breach.reference,
            status: breach.status.as_str().to_owned(),
            version: breach.version,
            next_statuses: strings(breach.status.next()),
            reported_at: breach.reported_at,
            aware_at: breach.aware_at,
            deadline: view.deadline,
            deadline_in_london: view.deadline.map(|deadline| {
                deadline
                    .with_timezone(&attest_domain::LONDON)
                    .format("%A %-d %B %Y, %H:%M %Z")
                    .to_string()
            }),
            overdue: view.overdue,
            school_ids: breach.schools.iter().map(|s| s.as_uuid()).collect(),
            special_category_hidden: view.special_category_hidden,
            what_happened: facts.what_happened,
            occurred_at: facts.occurred_at,
            discovered_at: facts.discovered_at,
            how_discovered: facts.how_discovered,
            cyber_incident: facts.cyber_incident.to_string(),
            data_categories: strings(&facts.data_categories),
            data_other: facts.data_other,
            records_affected: facts.records_affected,
            people_affected: facts.people_affected,
            people_categories: strings(&facts.people_categories),
            people_other: facts.people_other,
            staff_involved: facts.staff_involved.to_string(),
            staff_training: facts.staff_training,
            recovered_or_contained: facts.recovered_or_contained.to_string(),
            containment_detail: facts.containment_detail,
            reporter_name: facts.reporter_name,
            reporter_contact: facts.reporter_contact,
            triage_notes: breach.record.triage_notes,
            assessment: breach.record.assessment.map(|a| BreachAssessment {
                consequences: a.consequences,
                likelihood: a.likelihood.to_string(),
                severity: a.severity.to_string(),
                risk_level: a.risk_level.to_string(),
                containment_actions: a.containment_actions,
                notify_ico: a.notify_ico,
                ico_reasons: a.ico_reasons,
                notify_subjects: a.notify_subjects,
                subjects_reasons: a.subjects_reasons,
                others_told: strings(&a.others_told),
                assessed_at: a.assessed_at,
            }),
            ico_reports: breach
                .record
                .ico_reports
                .into_iter()
                .map(|r| IcoReport {
                    follow_up: r.follow_up,
                    ico_reference: r.ico_reference,
                    reported_at: r.reported_at,
                    delay_reason: r.delay_reason,
                    detail: r.detail,
                })
                .collect(),
            subject_notice: breach.record.subject_notice.map(|n| SubjectNotice {
                notified_at: n.notified_at,
                how: n.how,
            }),
            lessons_learned: breach.record.lessons_learned,
            close_reason: breach.record.close_reason,
        }
    }
}

/// A report, as the ICO's form asks it. Do not name the people affected in any text.
#[derive(InputObject)]
pub struct ReportBreachInput {
    pub what_happened: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub discovered_at: DateTime<Utc>,
    pub how_discovered: String,
    /// yes, no or unknown.
    pub cyber_incident: String,
    /// basic_identifiers, identification_data, financial, official_documents, location,
    /// health, racial_or_ethnic_origin, religious_beliefs, sex_life_or_orientation,
    /// genetic_or_biometric, criminal_offences, not_yet_known, other.
    pub data_categories: Vec<String>,
    pub data_other: Option<String>,
    /// Approximate.
    pub records_affected: Option<i32>,
    /// Approximate.
    pub people_affected: Option<i32>,
    /// pupils, staff, parents, governors, vulnerable_adults, not_yet_known, other.
    pub people_categories: Vec<String>,
    pub people_other: Option<String>,
    /// Whether a specific member of staff was involved: yes, no or unknown.
    pub staff_involved: String,
    /// Their data protection training, if so.
    pub staff_training: Option<String>,
    /// Whether the data is recovered or contained: yes, no or unknown.
    pub recovered_or_contained: String,
    pub containment_detail: Option<String>,
    pub reporter_name: String,
    pub reporter_contact: Option<String>,
    pub school_ids: Vec<Uuid>,
}

fn count(field: &str, value: Option<i32>) -> async_graphql::Result<Option<u32>> {
    value
        .map(|n| {
            u32::try_from(n).map_err(|_| {
                coded(
                    ErrorCode::BadUserInput,
                    format!("{field}: must not be negative"),
                )
            })
        })
        .transpose()
}

#[derive(InputObject)]
pub struct AssessBreachInput {
    pub consequences: String,
    /// low, medium or high.
    pub likelihood: String,
    /// low, medium or high.
    pub severity: String,
    pub containment_actions: String,
    pub notify_ico: bool,
    /// Why the ICO is (or is not) being told: required either way.
    pub ico_reasons: String,
    /// Required (true) when the risk is high.
    pub notify_subjects: bool,
    /// Required when the people affected are not being told.
    pub subjects_reasons: Option<String>,
    /// police, insurer, local_authority, trust_board, other.
    #[graphql(default)]
    pub others_told: Vec<String>,
}

#[derive(InputObject)]
pub struct IcoNotificationRecord {
    pub ico_reference: String,
    /// When the ICO was told (default: now).
    pub notified_at: Option<DateTime<Utc>>,
    /// More information after the first report.
    #[graphql(default)]
    pub follow_up: bool,
    /// Required when the first report is more than 72 hours after awareness.
    pub delay_reason: Option<String>,
    pub detail: Option<String>,
}

#[derive(InputObject)]
pub struct CloseBreachRecord {
    /// Closed as not a personal data breach (from reported or triaged); needs a reason.
    #[graphql(default)]
    pub not_a_breach: bool,
    pub reason: Option<String>,
    pub lessons_learned: Option<String>,
}

/// Who, besides the DPO, may do what with the trust's breaches.
#[derive(SimpleObject)]
pub struct BreachSettings {
    /// Trust admins triage, assess, record and close breaches as the DPO does.
    pub trust_admins_act_as_dpo: bool,
    /// Schools whose admins see special category details of their breaches.
    pub special_category_school_ids: Vec<Uuid>,
}

impl From<attest_domain::BreachSettings> for BreachSettings {
    fn from(settings: attest_domain::BreachSettings) -> Self {
        Self {
            trust_admins_act_as_dpo: settings.trust_admins_act_as_dpo,
            special_category_school_ids: settings
                .special_category_schools
                .iter()
                .map(SchoolId::as_uuid)
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct BreachQuery;

#[Object]
impl BreachQuery {
    /// The trust's breach settings. The DPO and trust admins only.
    async fn breach_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<BreachSettings> {
        Ok(app(ctx)?
            .breach_settings(principal(ctx)?)
            .await
            .gql()?
            .into())
    }

    /// The breach register, newest first: everything for the DPO and trust admins, a
    /// school admin's schools, otherwise the reports you made. `from`/`to` filter on
    /// when the breach was discovered.
    #[graphql(complexity = "crate::cost::PAGE_QUERY + 50 * child_complexity")]
    async fn breaches(
        &self,
        ctx: &Context<'_>,
        status: Option<String>,
        school_id: Option<Uuid>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<Vec<Breach>> {
        let status = status
            .map(|s| s.parse::<BreachStatus>())
            .transpose()
            .map_err(|error| coded(ErrorCode::BadUserInput, error.to_string()))?;
        let filter = attest_app::BreachFilter {
            status,
            school: school_id.map(SchoolId::from_uuid),
            from,
            to,
            ..attest_app::BreachFilter::default()
        };
        Ok(app(ctx)?
            .breaches(principal(ctx)?, filter)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    async fn breach(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Breach> {
        Ok(app(ctx)?
            .breach(principal(ctx)?, BreachId::from_uuid(id))
            .await
            .gql()?
            .into())
    }
}

#[derive(Default)]
pub struct BreachMutation;

#[Object]
impl BreachMutation {
    /// Whether trust admins may act as the DPO, and which schools' admins see special
    /// category details. The DPO or a trust admin; audited.
    async fn set_breach_settings(
        &self,
        ctx: &Context<'_>,
        trust_admins_act_as_dpo: bool,
        #[graphql(default)] special_category_school_ids: Vec<Uuid>,
    ) -> async_graphql::Result<BreachSettings> {
        let settings = attest_domain::BreachSettings {
            trust_admins_act_as_dpo,
            special_category_schools: special_category_school_ids
                .into_iter()
                .map(SchoolId::from_uuid)
                .collect(),
        };
        Ok(app(ctx)?
            .set_breach_settings(principal(ctx)?, settings)
            .await
            .gql()?
            .into())
    }

    /// Any member of staff reports a breach; the DPO(s) are alerted at once.
    async fn report_breach(
        &self,
        ctx: &Context<'_>,
        input: ReportBreachInput,
    ) -> async_graphql::Result<Breach> {
        let facts = BreachFactsInput {
            what_happened: input.what_happened,
            occurred_at: input.occurred_at,
            discovered_at: Some(input.discovered_at),
            how_discovered: input.how_discovered,
            cyber_incident: input.cyber_incident,
            data_categories: input.data_categories,
            data_other: input.data_other,
            records_affected: count("recordsAffected", input.records_affected)?,
            people_affected: count("peopleAffected", input.people_affected)?,
            people_categories: input.people_categories,
            people_other: input.people_other,
            staff_involved: input.staff_involved,
            staff_training: input.staff_training,
            recovered_or_contained: input.recovered_or_contained,
            containment_detail: input.containment_detail,
            reporter_name: input.reporter_name,
            reporter_contact: input.reporter_contact,
        };
        let schools = input
            .school_ids
            .into_iter()
            .map(SchoolId::from_uuid)
            .collect();
        Ok(app(ctx)?
            .report_breach(principal(ctx)?, facts, schools)
            .await
            .gql()?
            .into())
    }

    /// The DPO confirms when the trust became aware: the 72 hours start there.
    async fn triage_breach(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        aware_at: DateTime<Utc>,
        notes: Option<String>,
    ) -> async_graphql::Result<Breach> {
        Ok(app(ctx)?
            .triage_breach(
                principal(ctx)?,
                BreachId::from_uuid(id),
                version,
                aware_at,
                notes,
            )
            .await
            .gql()?
            .into())
    }

    /// The DPO's assessment and decisions about the ICO and the people affected.
    async fn assess_breach(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        input: AssessBreachInput,
    ) -> async_graphql::Result<Breach> {
        let input = AssessmentInput {
            consequences: input.consequences,
            likelihood: input.likelihood,
            severity: input.severity,
            containment_actions: input.containment_actions,
            notify_ico: input.notify_ico,
            ico_reasons: input.ico_reasons,
            notify_subjects: input.notify_subjects,
            subjects_reasons: input.subjects_reasons,
            others_told: input.others_told,
        };
        Ok(app(ctx)?
            .assess_breach(principal(ctx)?, BreachId::from_uuid(id), version, input)
            .await
            .gql()?
            .into())
    }

    /// The ICO was told (the first report, or a follow-up).
    async fn record_ico_notification(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        input: IcoNotificationRecord,
    ) -> async_graphql::Result<Breach> {
        let input = IcoNotificationInput {
            ico_reference: input.ico_reference,
            notified_at: input.notified_at,
            follow_up: input.follow_up,
            delay_reason: input.delay_reason,
            detail: input.detail,
        };
        Ok(app(ctx)?
            .record_ico_notification(principal(ctx)?, BreachId::from_uuid(id), version, input)
            .await
            .gql()?
            .into())
    }

    /// The people affected were told: when and how.
    async fn record_subject_notification(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        notified_at: Option<DateTime<Utc>>,
        how: String,
    ) -> async_graphql::Result<Breach> {
        Ok(app(ctx)?
            .record_subject_notification(
                principal(ctx)?,
                BreachId::from_uuid(id),
                version,
                notified_at,
                how,
            )
            .await
            .gql()?
            .into())
    }

    async fn close_breach(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        input: CloseBreachRecord,
    ) -> async_graphql::Result<Breach> {
        let input = CloseBreachInput {
            not_a_breach: input.not_a_breach,
            reason: input.reason,
            lessons_learned: input.lessons_learned,
        };
        Ok(app(ctx)?
            .close_breach(principal(ctx)?, BreachId::from_uuid(id), version, input)
            .await
            .gql()?
            .into())
    }

    /// A note on the timeline, optionally describing an attachment kept elsewhere.
    async fn add_breach_note(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        text: String,
        attachment: Option<String>,
    ) -> async_graphql::Result<BreachEvent> {
        Ok(app(ctx)?
            .add_breach_note(
                principal(ctx)?,
                BreachId::from_uuid(id),
                attest_app::BreachNote { text, attachment },
            )
            .await
            .gql()?
            .into())
    }
}
