//! The breach register as CSV: every breach with every field the ICO's report form
//! asks for, times in England, for the DPO's records and the trust board.

use std::collections::BTreeMap;

use attest_domain::{Answer, DataCategory, Principal};
use attest_store::{BreachFilter, Schools};
use chrono::{DateTime, Utc};

use super::{Sight, sight};
use crate::signing::{csv_error, finish_csv, safe_cell};
use crate::{App, AppError, SCHOOL_TIME_ZONE};

pub const BREACH_CSV_HEADER: [&str; 59] = [
    "reference",
    "status",
    "schools",
    "reported_at",
    "reported_by",
    "reporter_contact",
    "occurred_at",
    "discovered_at",
    "aware_at",
    "ico_deadline",
    "overdue",
    "what_happened",
    "how_discovered",
    "cyber_incident",
    "data_categories",
    "data_other",
    "special_category_data",
    "records_affected",
    "people_affected",
    "people_categories",
    "people_other",
    "staff_involved",
    "staff_training",
    "recovered_or_contained",
    "containment_detail",
    "consequences",
    "likelihood",
    "severity",
    "risk_level",
    "containment_actions",
    "notify_ico",
    "ico_reasons",
    "ico_reference",
    "ico_notified_at",
    "ico_delay_reason",
    "ico_follow_ups",
    "notify_subjects",
    "subjects_reasons",
    "subjects_notified",
    "others_told",
    "lessons_learned",
    "close_reason",
    "ico_warning",
    "subjects_exception",
    "subjects_message",
    "people_told",
    "public_notice",
    "others_notified",
    "aware_reason",
    "supplier",
    "supplier_aware_at",
    "supplier_told_trust_at",
    "nature",
    "incident_type",
    "preventive_measures",
    "staff_trained_on",
    "cross_border",
    "measures_proposed",
    "dpo_contact",
];

fn london(at: Option<DateTime<Utc>>) -> String {
    at.map(|at| {
        at.with_timezone(&SCHOOL_TIME_ZONE)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    })
    .unwrap_or_default()
}

fn text(value: Option<&str>) -> String {
    safe_cell(value.unwrap_or_default())
}

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes".to_owned(),
        Some(false) => "no".to_owned(),
        None => String::new(),
    }
}

fn answer(value: Answer) -> String {
    value.as_str().to_owned()
}

impl App {
    /// The register as CSV. The DPO and trust admins only: it holds everything.
    pub async fn breach_register_csv(
        &self,
        principal: &Principal,
        filter: BreachFilter,
    ) -> Result<String, AppError> {
        if sight(principal) != Sight::Everything {
            return Err(AppError::forbidden(
                "only the DPO and trust admins can export the breach register",
            ));
        }
        self.rate_limits.hit(
            crate::Limit::Export,
            &crate::rate_limit::principal_key(principal),
        )?;
        let schools: BTreeMap<_, _> = Schools::new(&self.db, &principal.scope())
            .list()
            .await?
            .into_iter()
            .map(|school| (school.id, school.name.as_str().to_owned()))
            .collect();
        let dpo_contact = self.breach_settings_of(principal).await?.dpo_contact;
        let mut breaches = self.breaches(principal, filter).await?;
        // The register reads oldest first, like a ledger.
        breaches.reverse();
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(BREACH_CSV_HEADER).map_err(csv_error)?;
        for view in breaches {
            let breach = &view.breach;
            let facts = &breach.record.facts;
            let assessment = breach.record.assessment.as_ref();
            let first_report = breach.record.ico_reports.iter().find(|r| !r.follow_up);
            let follow_ups = breach
                .record
                .ico_reports
                .iter()
                .filter(|r| r.follow_up)
                .count();
            let school_names: Vec<String> = breach
                .schools
                .iter()
                .map(|id| schools.get(id).cloned().unwrap_or_else(|| id.to_string()))
                .collect();
            let data: Vec<&str> = facts.data_categories.iter().map(|c| c.label()).collect();
            let people: Vec<&str> = facts.people_categories.iter().map(|c| c.as_str()).collect();
            let others: Vec<&str> = assessment
                .map(|a| a.others_told.iter().map(|o| o.as_str()).collect())
                .unwrap_or_default();
            let notice = breach.record.subject_notice.as_ref();
            out.write_record([
                breach.reference.clone(),
                breach.status.as_str().to_owned(),
                safe_cell(&school_names.join("; ")),
                london(Some(breach.reported_at)),
                safe_cell(&facts.reporter_name),
                text(facts.reporter_contact.as_deref()),
                london(facts.occurred_at),
                london(Some(facts.discovered_at)),
                london(breach.aware_at),
                london(view.deadline),
                yes_no(Some(view.overdue)),
                safe_cell(&facts.what_happened),
                safe_cell(&facts.how_discovered),
                answer(facts.cyber_incident),
                data.join("; "),
                text(facts.data_other.as_deref()),
                yes_no(Some(
                    facts
                        .data_categories
                        .iter()
                        .any(|c| DataCategory::is_special(*c)),
                )),
                facts
                    .records_affected
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                facts
                    .people_affected
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                people.join("; "),
                text(facts.people_other.as_deref()),
                answer(facts.staff_involved),
                text(facts.staff_training.as_deref()),
                answer(facts.recovered_or_contained),
                text(facts.containment_detail.as_deref()),
                text(assessment.map(|a| a.consequences.as_str())),
                assessment
                    .map(|a| a.likelihood.as_str().to_owned())
                    .unwrap_or_default(),
                assessment
                    .map(|a| a.severity.as_str().to_owned())
                    .unwrap_or_default(),
                assessment
                    .map(|a| a.risk_level.as_str().to_owned())
                    .unwrap_or_default(),
                text(assessment.map(|a| a.containment_actions.as_str())),
                yes_no(assessment.map(|a| a.notify_ico)),
                text(assessment.map(|a| a.ico_reasons.as_str())),
                text(first_report.map(|r| r.ico_reference.as_str())),
                london(first_report.map(|r| r.reported_at)),
                text(first_report.and_then(|r| r.delay_reason.as_deref())),
                follow_ups.to_string(),
                yes_no(assessment.map(|a| a.notify_subjects)),
                text(assessment.and_then(|a| a.subjects_reasons.as_deref())),
                notice
                    .map(|n| format!("{} ({})", london(Some(n.notified_at)), safe_cell(&n.how)))
                    .unwrap_or_default(),
                others.join("; "),
                text(breach.record.lessons_learned.as_deref()),
                text(breach.record.close_reason.as_deref()),
                text(assessment.and_then(|a| a.ico_warning()).as_deref()),
                assessment
                    .and_then(|a| a.subjects_exception)
                    .map(|e| e.as_str().to_owned())
                    .unwrap_or_default(),
                text(notice.and_then(|n| n.message.as_deref())),
                notice
                    .and_then(|n| n.people_told)
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                yes_no(notice.map(|n| n.public_notice)),
                safe_cell(
                    &breach
                        .record
                        .others_notified
                        .iter()
                        .map(|o| {
                            format!(
                                "{} {}{}",
                                o.party.as_str(),
                                london(Some(o.notified_at)),
                                o.reference
                                    .as_deref()
                                    .map(|r| format!(" ({r})"))
                                    .unwrap_or_default()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                text(breach.record.aware_reason.as_deref()),
                text(facts.supplier.as_ref().map(|s| s.name.as_str())),
                london(facts.supplier.as_ref().and_then(|s| s.aware_at)),
                london(facts.supplier.as_ref().map(|s| s.told_trust_at)),
                facts
                    .nature
                    .iter()
                    .map(|n| format!("{} ({})", n.as_str(), n.aspect()))
                    .collect::<Vec<_>>()
                    .join("; "),
                facts
                    .incident_type
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default(),
                text(facts.preventive_measures.as_deref()),
                facts
                    .staff_trained_on
                    .map(|day| day.to_string())
                    .unwrap_or_default(),
                text(facts.cross_border.as_deref()),
                text(assessment.and_then(|a| a.measures_proposed.as_deref())),
                text(dpo_contact.as_deref()),
            ])
            .map_err(csv_error)?;
        }
        finish_csv(out)
    }
}
