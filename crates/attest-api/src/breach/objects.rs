//! Output types.

use async_graphql::{ComplexObject, Context, SimpleObject};
use attest_app::BreachView;
use attest_domain::{BreachId, SchoolId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;

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
    /// The article 34(3) exception relied on for a high risk not told to each person:
    /// unintelligible, risk_removed or disproportionate.
    pub subjects_exception: Option<String>,
    /// Measures proposed, apart from those taken (`containmentActions`).
    pub measures_proposed: Option<String>,
    /// Set when a risk was found but the ICO is not being told (with the DPO's reason).
    pub ico_warning: Option<String>,
    /// police, action_fraud, dfe, insurer, local_authority, ncsc, trust_board, other.
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
    /// The record as it stood when this was sent: `facts`, `aware_at`, `assessment`.
    pub sent: Option<async_graphql::Json<serde_json::Value>>,
}

#[derive(SimpleObject)]
pub struct SubjectNotice {
    pub notified_at: DateTime<Utc>,
    pub how: String,
    /// What they were told.
    pub message: Option<String>,
    pub people_told: Option<u32>,
    /// A public notice instead of telling each person (article 34(3)(c)).
    pub public_notice: bool,
}

/// Another body told of the breach.
#[derive(SimpleObject)]
pub struct OtherNotice {
    /// police, action_fraud, dfe, insurer, local_authority, ncsc, trust_board, other.
    pub party: String,
    pub notified_at: DateTime<Utc>,
    pub reference: Option<String>,
    pub detail: Option<String>,
}

/// One entry of a breach's append-only timeline.
#[derive(SimpleObject)]
pub struct BreachEvent {
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    /// The person's full name, or the API token's name, when still known.
    pub actor_name: Option<String>,
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
            actor_name: event.actor_name,
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
    /// The deadline counts from the discovery: the DPO has not yet confirmed when the
    /// trust became aware.
    pub deadline_provisional: bool,
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
    /// The supplier (processor) that reported it to the trust.
    pub supplier_name: Option<String>,
    pub supplier_aware_at: Option<DateTime<Utc>>,
    pub supplier_told_trust_at: Option<DateTime<Utc>>,
    /// destruction, loss, alteration, unauthorised_disclosure, unauthorised_access.
    pub nature: Vec<String>,
    /// confidentiality, integrity and/or availability, from the nature.
    pub aspects: Vec<String>,
    pub incident_type: Option<String>,
    /// Whether the ICO counts the incident type as cyber.
    pub cyber_incident_type: Option<bool>,
    pub preventive_measures: Option<String>,
    pub staff_trained_on: Option<chrono::NaiveDate>,
    pub cross_border: Option<String>,
    /// The staff involved who are people in attest.
    pub staff_people: Vec<BreachPerson>,
    pub triage_notes: Option<String>,
    /// Why the trust became aware later than the breach was discovered.
    pub aware_reason: Option<String>,
    pub assessment: Option<BreachAssessment>,
    pub ico_reports: Vec<IcoReport>,
    pub subject_notice: Option<SubjectNotice>,
    pub others_notified: Vec<OtherNotice>,
    pub lessons_learned: Option<String>,
    pub close_reason: Option<String>,
    /// Who is on it: whoever triaged it, until the DPO hands it on (`assignBreach`).
    pub handler: Option<BreachPerson>,
}

/// A person named on a breach (who is on it, a member of staff involved), linked to their record.
#[derive(SimpleObject)]
pub struct BreachPerson {
    pub person_id: Uuid,
    pub name: String,
}

impl From<attest_domain::BreachHandler> for BreachPerson {
    fn from(handler: attest_domain::BreachHandler) -> Self {
        Self {
            person_id: handler.person.as_uuid(),
            name: handler.name,
        }
    }
}

/// A file attached to a breach as evidence: its kind checked from its content, never
/// shown inline. Download it from `downloadPath` with the same token.
#[derive(SimpleObject)]
pub struct BreachEvidence {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// SHA-256 of the file, hex: check a copy against it.
    pub sha256: String,
    pub description: Option<String>,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by_kind: String,
    pub uploaded_by_id: Option<Uuid>,
    /// `GET` it (with this token, or signed in) for the file.
    pub download_path: String,
}

impl From<attest_app::EvidenceFile> for BreachEvidence {
    fn from(file: attest_app::EvidenceFile) -> Self {
        Self {
            download_path: format!("/exports/breaches/{}/evidence/{}", file.breach, file.id),
            id: file.id,
            file_name: file.file_name,
            content_type: file.content_type,
            size: file.size,
            sha256: file.sha256,
            description: file.description,
            uploaded_at: file.uploaded_at,
            uploaded_by_kind: file.uploaded_by_kind,
            uploaded_by_id: file.uploaded_by,
        }
    }
}

#[ComplexObject]
impl Breach {
    /// The evidence files this caller may download, oldest first. Attach one with
    /// `POST /breaches/{id}/evidence` (multipart, field `file`).
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<BreachEvidence>> {
        Ok(app(ctx)?
            .breach_evidence(principal(ctx)?, BreachId::from_uuid(self.id))
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

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
            deadline_provisional: view.deadline_provisional,
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
            supplier_name: facts.supplier.as_ref().map(|s| s.name.clone()),
            supplier_aware_at: facts.supplier.as_ref().and_then(|s| s.aware_at),
            supplier_told_trust_at: facts.supplier.as_ref().map(|s| s.told_trust_at),
            nature: strings(&facts.nature),
            aspects: {
                let mut aspects: Vec<String> =
                    facts.nature.iter().map(|n| n.aspect().to_owned()).collect();
                aspects.dedup();
                aspects
            },
            incident_type: facts.incident_type.map(|t| t.as_str().to_owned()),
            cyber_incident_type: facts.incident_type.map(|t| t.is_cyber()),
            preventive_measures: facts.preventive_measures,
            staff_trained_on: facts.staff_trained_on,
            cross_border: facts.cross_border,
            staff_people: facts
                .staff_people
                .into_iter()
                .map(|member| BreachPerson {
                    person_id: member.person.as_uuid(),
                    name: member.name,
                })
                .collect(),
            triage_notes: breach.record.triage_notes,
            aware_reason: breach.record.aware_reason,
            assessment: breach.record.assessment.map(|a| BreachAssessment {
                ico_warning: a.ico_warning(),
                subjects_exception: a.subjects_exception.map(|e| e.as_str().to_owned()),
                measures_proposed: a.measures_proposed.clone(),
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
                    sent: r
                        .sent
                        .and_then(|sent| serde_json::to_value(sent).ok())
                        .map(async_graphql::Json),
                    detail: r.detail,
                })
                .collect(),
            subject_notice: breach.record.subject_notice.map(|n| SubjectNotice {
                notified_at: n.notified_at,
                how: n.how,
                message: n.message,
                people_told: n.people_told,
                public_notice: n.public_notice,
            }),
            others_notified: breach
                .record
                .others_notified
                .into_iter()
                .map(|n| OtherNotice {
                    party: n.party.as_str().to_owned(),
                    notified_at: n.notified_at,
                    reference: n.reference,
                    detail: n.detail,
                })
                .collect(),
            lessons_learned: breach.record.lessons_learned,
            close_reason: breach.record.close_reason,
            handler: breach.record.handler.map(Into::into),
        }
    }
}

/// Who, besides the DPO, may do what with the trust's breaches.
#[derive(SimpleObject)]
pub struct BreachSettings {
    /// Trust admins triage, assess, record and close breaches as the DPO does.
    pub trust_admins_act_as_dpo: bool,
    /// Schools whose admins see special category details of their breaches.
    pub special_category_school_ids: Vec<Uuid>,
    /// The DPO's contact point for the ICO and the people affected.
    pub dpo_contact: Option<String>,
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
            dpo_contact: settings.dpo_contact,
        }
    }
}
