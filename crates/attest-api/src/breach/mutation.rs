//! Mutations.

use async_graphql::{Context, Object};
use attest_app::{
    Awareness, CloseBreachInput, IcoNotificationInput, OtherNoticeInput, SubjectNoticeInput,
};
use attest_domain::{AssessmentInput, BreachFactsInput, BreachId, SchoolId, SupplierInput};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;

use super::inputs::{
    AssessBreachInput, CloseBreachRecord, IcoNotificationRecord, OtherNotificationRecord,
    ReportBreachInput, count,
};
use super::objects::{Breach, BreachEvent, BreachSettings};

#[derive(Default)]
pub struct BreachMutation;

#[Object]
impl BreachMutation {
    /// Whether trust admins may act as the DPO, which schools' admins see special
    /// category details, and the DPO's contact point (left as it is when not given; an
    /// empty text clears it). The DPO or a trust admin; audited.
    async fn set_breach_settings(
        &self,
        ctx: &Context<'_>,
        trust_admins_act_as_dpo: bool,
        #[graphql(default)] special_category_school_ids: Vec<Uuid>,
        dpo_contact: Option<String>,
    ) -> async_graphql::Result<BreachSettings> {
        let dpo_contact = match dpo_contact {
            Some(contact) => Some(contact).filter(|text| !text.trim().is_empty()),
            None => {
                app(ctx)?
                    .breach_settings(principal(ctx)?)
                    .await
                    .gql()?
                    .dpo_contact
            }
        };
        let settings = attest_domain::BreachSettings {
            trust_admins_act_as_dpo,
            special_category_schools: special_category_school_ids
                .into_iter()
                .map(SchoolId::from_uuid)
                .collect(),
            dpo_contact,
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
        let schools = input
            .school_ids
            .iter()
            .copied()
            .map(SchoolId::from_uuid)
            .collect();
        let facts = facts_of(input)?;
        Ok(app(ctx)?
            .report_breach(principal(ctx)?, facts, schools)
            .await
            .gql()?
            .into())
    }

    /// Corrects a breach's reported facts (the DPO): give them as they now stand (the
    /// schools named are not changed); each changed field is kept on the timeline with
    /// its previous value, and what the ICO was already sent is kept as it was.
    async fn correct_breach(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        input: ReportBreachInput,
        note: Option<String>,
    ) -> async_graphql::Result<Breach> {
        let facts = facts_of(input)?;
        Ok(app(ctx)?
            .correct_breach_facts(
                principal(ctx)?,
                BreachId::from_uuid(id),
                version,
                facts,
                note,
            )
            .await
            .gql()?
            .into())
    }

    /// The DPO confirms when the trust became aware: the 72 hours start there. Without
    /// `awareAt` it is when the breach was discovered; a later time needs `awareReason`.
    async fn triage_breach(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        aware_at: Option<DateTime<Utc>>,
        aware_reason: Option<String>,
        notes: Option<String>,
    ) -> async_graphql::Result<Breach> {
        let awareness = Awareness {
            aware_at,
            reason: aware_reason,
            notes,
        };
        Ok(app(ctx)?
            .triage_breach(principal(ctx)?, BreachId::from_uuid(id), version, awareness)
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
            subjects_exception: input.subjects_exception,
            measures_proposed: input.measures_proposed,
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

    /// The people affected were told: when, how, what (the message) and how many; or,
    /// with `publicNotice`, the public notice made instead (article 34(3)(c)).
    #[allow(clippy::too_many_arguments)]
    async fn record_subject_notification(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        notified_at: Option<DateTime<Utc>>,
        how: String,
        message: String,
        people_told: Option<u32>,
        #[graphql(default)] public_notice: bool,
    ) -> async_graphql::Result<Breach> {
        let input = SubjectNoticeInput {
            notified_at,
            how,
            message,
            people_told,
            public_notice,
        };
        Ok(app(ctx)?
            .record_subject_notification(principal(ctx)?, BreachId::from_uuid(id), version, input)
            .await
            .gql()?
            .into())
    }

    /// Another body was told (the police, Action Fraud, the DfE, the RPA or insurer, the
    /// local authority, the NCSC, the trust board): when, and their reference.
    async fn record_other_notification(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        input: OtherNotificationRecord,
    ) -> async_graphql::Result<Breach> {
        let input = OtherNoticeInput {
            party: input.party,
            notified_at: input.notified_at,
            reference: input.reference,
            detail: input.detail,
        };
        Ok(app(ctx)?
            .record_other_notification(principal(ctx)?, BreachId::from_uuid(id), version, input)
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

    /// Hands a breach to someone who acts as the DPO (see `breachHandlers`); the desk's
    /// countdown shows who is on it.
    async fn assign_breach(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        person_id: Uuid,
    ) -> async_graphql::Result<Breach> {
        Ok(app(ctx)?
            .assign_breach(
                principal(ctx)?,
                BreachId::from_uuid(id),
                version,
                attest_domain::PersonId::from_uuid(person_id),
            )
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

/// A report's facts as the application takes them.
fn facts_of(input: ReportBreachInput) -> async_graphql::Result<BreachFactsInput> {
    Ok(BreachFactsInput {
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
        supplier: (input.supplier_name.is_some() || input.supplier_told_trust_at.is_some()).then(
            || SupplierInput {
                name: input.supplier_name.unwrap_or_default(),
                aware_at: input.supplier_aware_at,
                told_trust_at: input.supplier_told_trust_at,
            },
        ),
        nature: input.nature,
        incident_type: input.incident_type,
        preventive_measures: input.preventive_measures,
        staff_trained_on: input.staff_trained_on,
        cross_border: input.cross_border,
        staff_emails: input.staff_emails.unwrap_or_default(),
        staff_people: Vec::new(),
    })
}
