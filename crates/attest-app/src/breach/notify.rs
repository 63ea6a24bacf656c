//! Recording what the ICO, the people affected and other bodies were told.

use attest_domain::{BreachId, BreachStatus, IcoReport, OtherNotice, Principal, SubjectNotice};
use chrono::{DateTime, Utc};

use super::{BreachView, as_detail};
use crate::{App, AppError};

/// What the ICO was told.
#[derive(Debug, Clone, Default)]
pub struct IcoNotificationInput {
    pub ico_reference: String,
    pub notified_at: Option<DateTime<Utc>>,
    pub follow_up: bool,
    pub delay_reason: Option<String>,
    pub detail: Option<String>,
}

/// What the people affected were told, as the DPO records it.
#[derive(Debug, Clone, Default)]
pub struct SubjectNoticeInput {
    pub notified_at: Option<DateTime<Utc>>,
    /// How: letter, email, a call, a notice on the website.
    pub how: String,
    /// What they were told (article 34(2)).
    pub message: String,
    pub people_told: Option<u32>,
    /// A public notice instead of telling each person (article 34(3)(c)).
    pub public_notice: bool,
}

/// Another body told of the breach.
#[derive(Debug, Clone, Default)]
pub struct OtherNoticeInput {
    /// police, action_fraud, dfe, insurer, local_authority, ncsc, trust_board or other.
    pub party: String,
    pub notified_at: Option<DateTime<Utc>>,
    pub reference: Option<String>,
    pub detail: Option<String>,
}

impl App {
    /// Another body was told (the police, Action Fraud, the DfE, the RPA or insurer, the
    /// local authority, the NCSC, the trust board): who, when, their reference. Any
    /// number, while the breach is open; each on the timeline.
    pub async fn record_other_notification(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        input: OtherNoticeInput,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "record telling other bodies")
            .await?;
        self.change_breach(principal, id, version, "other_notified", |breach, now| {
            if !breach.status.is_open() {
                return Err(AppError::invalid("status", "the breach is closed"));
            }
            let notice = OtherNotice::record(
                &input.party,
                input.notified_at,
                input.reference.as_deref(),
                input.detail.as_deref(),
                now,
            )?;
            let detail = as_detail(&notice)?;
            breach.record.others_notified.push(notice);
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
            let mut report = report;
            report.sent = Some(breach.record.snapshot(breach.aware_at));
            let detail = as_detail(&report)?;
            breach.record.ico_reports.push(report);
            Ok(detail)
        })
        .await
    }

    /// When, how and what the people affected were told (or the public notice made
    /// instead, article 34(3)(c)).
    pub async fn record_subject_notification(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        input: SubjectNoticeInput,
    ) -> Result<BreachView, AppError> {
        let SubjectNoticeInput {
            notified_at,
            how,
            message,
            people_told,
            public_notice,
        } = input;
        self.require_dpo(principal, "record telling the people affected")
            .await?;
        self.change_breach(
            principal,
            id,
            version,
            "subjects_notified",
            |breach, now| {
                breach.status = breach.status.transition(BreachStatus::SubjectsNotified)?;
                let notice = SubjectNotice::record(
                    notified_at,
                    &how,
                    &message,
                    people_told,
                    public_notice,
                    now,
                )?;
                let detail = as_detail(&notice)?;
                breach.record.subject_notice = Some(notice);
                Ok(detail)
            },
        )
        .await
    }
}
