//! The ICO report pack: one breach's record laid out in the sections of the ICO's online
//! breach report form, for the DPO to paste from (a print-ready page, Markdown or JSON).
//! It says only what the record holds; a question the record cannot answer says so.

use attest_domain::{Answer, BreachId, Principal};
use serde::Serialize;

use crate::{App, AppError, SCHOOL_TIME_ZONE};

/// One question of the form and the record's answer.
#[derive(Debug, Clone, Serialize)]
pub struct PackAnswer {
    pub question: &'static str,
    pub answer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackSection {
    pub title: &'static str,
    pub answers: Vec<PackAnswer>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IcoPack {
    pub reference: String,
    pub organisation: String,
    /// `initial` before the first report to the ICO, `follow_up` after.
    pub report_kind: &'static str,
    pub sections: Vec<PackSection>,
}

impl IcoPack {
    /// The pack as Markdown, section by section.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# Personal data breach report: {} ({})\n\n{} report\n",
            self.reference,
            self.organisation,
            if self.report_kind == "initial" {
                "Initial"
            } else {
                "Follow-up"
            }
        );
        for section in &self.sections {
            out.push_str(&format!("\n## {}\n\n", section.title));
            for answer in &section.answers {
                out.push_str(&format!("**{}**\n\n{}\n\n", answer.question, answer.answer));
            }
        }
        out
    }
}

fn when(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map_or_else(
        || "Not known".to_owned(),
        |at| {
            at.with_timezone(&SCHOOL_TIME_ZONE)
                .format("%-d %B %Y, %H:%M %Z")
                .to_string()
        },
    )
}

fn or_not_recorded(text: Option<&str>) -> String {
    text.map_or_else(|| "Not recorded".to_owned(), str::to_owned)
}

fn answer(value: Answer) -> String {
    match value {
        Answer::Yes => "Yes",
        Answer::No => "No",
        Answer::Unknown => "Don't know",
    }
    .to_owned()
}

fn section(title: &'static str, answers: Vec<(&'static str, String)>) -> PackSection {
    PackSection {
        title,
        answers: answers
            .into_iter()
            .map(|(question, answer)| PackAnswer { question, answer })
            .collect(),
    }
}

impl App {
    /// The breach laid out as the ICO's form asks. The DPO (or a trust admin acting for
    /// them) only: it holds everything.
    pub async fn ico_pack(&self, principal: &Principal, id: BreachId) -> Result<IcoPack, AppError> {
        self.require_dpo(principal, "prepare the report to the ICO")
            .await?;
        let view = self.breach(principal, id).await?;
        let settings = self.breach_settings_of(principal).await?;
        let trust = self.trust(principal).await?;
        let breach = &view.breach;
        let record = &breach.record;
        let facts = &record.facts;
        let assessment = record.assessment.as_ref();
        let first = record.ico_reports.iter().find(|report| !report.follow_up);
        let late = first
            .and_then(|report| report.delay_reason.clone())
            .unwrap_or_else(|| match view.deadline {
                Some(deadline) if first.is_none() && self.now() > deadline => {
                    "Past 72 hours: give the reasons for the delay".to_owned()
                }
                _ => "Within 72 hours".to_owned(),
            });
        let mut people: Vec<&str> = facts
            .people_categories
            .iter()
            .flat_map(|category| category.ico_types().iter().copied())
            .collect();
        people.dedup();
        let sections = vec![
            section(
                "About your report",
                vec![
                    ("Organisation", trust.name.as_str().to_owned()),
                    (
                        "Data protection officer's contact details",
                        or_not_recorded(settings.dpo_contact.as_deref()),
                    ),
                    ("Your reference", breach.reference.clone()),
                    (
                        "Initial or follow-up report",
                        first.map_or_else(
                            || "Initial report".to_owned(),
                            |report| format!("Follow-up to ICO reference {}", report.ico_reference),
                        ),
                    ),
                ],
            ),
            section(
                "About the breach",
                vec![
                    ("What happened?", facts.what_happened.clone()),
                    (
                        "Nature of the breach",
                        if facts.nature.is_empty() {
                            "Not recorded".to_owned()
                        } else {
                            facts
                                .nature
                                .iter()
                                .map(|n| {
                                    format!("{} ({})", n.as_str().replace('_', " "), n.aspect())
                                })
                                .collect::<Vec<_>>()
                                .join("; ")
                        },
                    ),
                    (
                        "Incident type",
                        facts
                            .incident_type
                            .map_or_else(|| "Not recorded".to_owned(), |incident| incident.label()),
                    ),
                    ("Was it a cyber incident?", answer(facts.cyber_incident)),
                    ("When did it happen?", when(facts.occurred_at)),
                    ("When did you discover it?", when(Some(facts.discovered_at))),
                    ("How did you discover it?", facts.how_discovered.clone()),
                    (
                        "When did the organisation become aware?",
                        match (&breach.aware_at, &record.aware_reason) {
                            (Some(at), Some(why)) => format!("{} ({why})", when(Some(*at))),
                            (Some(at), None) => when(Some(*at)),
                            (None, _) => format!(
                                "Not yet confirmed; taken as the discovery, {}",
                                when(Some(facts.discovered_at))
                            ),
                        },
                    ),
                    ("Is this report within 72 hours?", late),
                    (
                        "Was it reported to you by a processor?",
                        facts.supplier.as_ref().map_or_else(
                            || "No".to_owned(),
                            |supplier| {
                                format!(
                                    "{}: aware {}, told us {}",
                                    supplier.name,
                                    when(supplier.aware_at),
                                    when(Some(supplier.told_trust_at))
                                )
                            },
                        ),
                    ),
                ],
            ),
            section(
                "Personal data placed at risk",
                vec![
                    (
                        "Categories of personal data",
                        facts
                            .data_categories
                            .iter()
                            .map(|category| category.label())
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                    (
                        "Approximate number of records",
                        facts
                            .records_affected
                            .map_or_else(|| "Not known".to_owned(), |n| n.to_string()),
                    ),
                    (
                        "Approximate number of people",
                        facts
                            .people_affected
                            .map_or_else(|| "Not known".to_owned(), |n| n.to_string()),
                    ),
                    ("Types of data subject", people.join("; ")),
                    (
                        "Potential consequences",
                        or_not_recorded(assessment.map(|a| a.consequences.as_str())),
                    ),
                    (
                        "Likelihood and severity",
                        assessment.map_or_else(
                            || "Not yet assessed".to_owned(),
                            |a| {
                                format!(
                                    "Likelihood {}, severity {}: {}",
                                    a.likelihood.as_str(),
                                    a.severity.as_str(),
                                    a.risk_level.as_str().replace('_', " ")
                                )
                            },
                        ),
                    ),
                ],
            ),
            section(
                "Containment and recovery",
                vec![
                    (
                        "Has the data been recovered?",
                        answer(facts.recovered_or_contained),
                    ),
                    (
                        "Measures taken",
                        or_not_recorded(assessment.map(|a| a.containment_actions.as_str())),
                    ),
                    (
                        "Measures proposed",
                        or_not_recorded(assessment.and_then(|a| a.measures_proposed.as_deref())),
                    ),
                    (
                        "Measures in place before the breach",
                        or_not_recorded(facts.preventive_measures.as_deref()),
                    ),
                ],
            ),
            section(
                "Training and guidance",
                vec![
                    ("Were staff involved?", answer(facts.staff_involved)),
                    (
                        "Had they received data protection training?",
                        or_not_recorded(facts.staff_training.as_deref()),
                    ),
                    (
                        "When were they last trained?",
                        facts.staff_trained_on.map_or_else(
                            || "Not recorded".to_owned(),
                            |day| day.format("%-d %B %Y").to_string(),
                        ),
                    ),
                ],
            ),
            section(
                "Telling the people affected",
                vec![
                    (
                        "Have you told them, or will you?",
                        match (assessment, &record.subject_notice) {
                            (_, Some(notice)) => format!(
                                "{}{} on {}: {}",
                                if notice.public_notice {
                                    "A public notice"
                                } else {
                                    "Yes"
                                },
                                notice
                                    .people_told
                                    .map(|n| format!(", {n} people"))
                                    .unwrap_or_default(),
                                when(Some(notice.notified_at)),
                                notice.how
                            ),
                            (Some(a), None) if a.notify_subjects => "Yes, not yet done".to_owned(),
                            (Some(a), None) => format!(
                                "No: {}{}",
                                a.subjects_exception
                                    .map(|e| format!("{}; ", e.label()))
                                    .unwrap_or_default(),
                                a.subjects_reasons.clone().unwrap_or_default()
                            ),
                            (None, None) => "Not yet decided".to_owned(),
                        },
                    ),
                    (
                        "What they were told",
                        or_not_recorded(
                            record
                                .subject_notice
                                .as_ref()
                                .and_then(|n| n.message.as_deref()),
                        ),
                    ),
                ],
            ),
            section(
                "Other organisations",
                vec![
                    (
                        "Other bodies told",
                        if record.others_notified.is_empty() {
                            "None recorded".to_owned()
                        } else {
                            record
                                .others_notified
                                .iter()
                                .map(|other| {
                                    format!(
                                        "{}, {}{}",
                                        other.party.label(),
                                        when(Some(other.notified_at)),
                                        other
                                            .reference
                                            .as_deref()
                                            .map(|r| format!(", reference {r}"))
                                            .unwrap_or_default()
                                    )
                                })
                                .collect::<Vec<_>>()
                                .join("; ")
                        },
                    ),
                    (
                        "People in other countries, or other regulators",
                        or_not_recorded(facts.cross_border.as_deref()),
                    ),
                ],
            ),
        ];
        Ok(IcoPack {
            reference: breach.reference.clone(),
            organisation: trust.name.as_str().to_owned(),
            report_kind: if first.is_some() {
                "follow_up"
            } else {
                "initial"
            },
            sections,
        })
    }
}
